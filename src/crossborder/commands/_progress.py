"""A spinner on stderr while a command works, erased before the command prints anything.

Only on a terminal. Output is never routed through the spinner: the first write to stdout or
stderr stops it, so tables and JSON come out exactly as without it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_live: Any = None


class _StopOnWrite:
    """A stream that stops the spinner before its first write."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        done()
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def working(message: str) -> Iterator[None]:
    """Show ``message`` with a spinner until the block ends or something is printed."""
    global _live
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.live import Live
    from rich.spinner import Spinner

    terminal = sys.stderr
    _live = Live(Spinner("dots", text=message), console=Console(file=terminal), transient=True,
                 redirect_stdout=False, redirect_stderr=False, refresh_per_second=10)
    _live.start()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _StopOnWrite(sys.stdout), _StopOnWrite(terminal)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        done()


def done() -> None:
    """Stop the spinner (erasing it)."""
    global _live
    if _live is not None:
        live, _live = _live, None
        live.stop()
