"""Progress of the passes over the data: a callback (the command line's spinner) told each pass.

Nothing is printed by the library itself; :func:`progress` installs a callback for a block.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_callback: Callable[[str], None] | None = None
_state = {"n": 0, "t0": 0.0}


@contextmanager
def progress(callback: Callable[[str], None]) -> Iterator[None]:
    """Call ``callback(message)`` before each pass over the data while the block runs."""
    global _callback
    saved = _callback
    _callback, _state["n"], _state["t0"] = callback, 0, time.perf_counter()
    try:
        yield
    finally:
        _callback = saved


def report(engine: str) -> None:
    """One more pass is starting (called by :meth:`Source.collect`)."""
    if _callback is None:
        return
    _state["n"] += 1
    _callback(f"{engine}: pass {_state['n']} over the data "
              f"({time.perf_counter() - _state['t0']:.0f} s)")
