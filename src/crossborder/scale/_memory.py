"""The memory budget of the scale path: how much an engine may hold before it spills or fails.

The budget is a number of bytes or a share of the machine's memory (default
:data:`DEFAULT_SHARE` = 50 %), the machine's memory being the smaller of the physical memory and
the container's (cgroup) limit; under an address-space limit (``ulimit -v``) the default is a quarter
of the room left (:func:`default_budget`). DuckDB is handed it as ``memory_limit`` with a ``temp_directory``
to spill to; Polars, which has no memory limit, runs its streaming engine (on the command line in a
child process, :func:`polars_isolated`, so that an allocation failure, which aborts Polars, does not
take the command with it). An out-of-memory that still happens is raised as
:class:`~crossborder.errors.OutOfMemory` with advice.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import OutOfMemory

DEFAULT_SHARE = 0.5
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
          "t": 10**12, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_budget: dict[str, str | int | float | None] = {"limit": None}
_polars: dict[str, Any] = {"isolate": False, "pool": None}
_spill: dict[str, str | None] = {"dir": None}


def machine_memory() -> int:
    """Bytes of memory this process can have: the physical memory, or less where a limit says so —
    the memory limit of this process's cgroup or of any cgroup above it (v1 and v2), or an
    address-space or data-size rlimit (``ulimit -v``/``-d``)."""
    import resource

    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    limits = [_read_int(p) for p in _cgroup_limit_files()]
    for which in ("RLIMIT_AS", "RLIMIT_DATA"):
        soft = resource.getrlimit(getattr(resource, which))[0]
        limits.append(None if soft == resource.RLIM_INFINITY else soft)
    return int(min([total] + [x for x in limits if x is not None and x > 0]))


def _cgroup_limit_files() -> list[str]:
    """memory.max (v2) and memory.limit_in_bytes (v1) of this process's cgroup and its parents."""
    out = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
    try:
        with open("/proc/self/cgroup") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return out
    for line in lines:
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if controllers == "":
            base, name = "/sys/fs/cgroup", "memory.max"
            if not os.path.isfile(os.path.join(base, "cgroup.controllers")):
                base = "/sys/fs/cgroup/unified"
        elif "memory" in controllers.split(","):
            base, name = "/sys/fs/cgroup/memory", "memory.limit_in_bytes"
        else:
            continue
        parts = [x for x in path.split("/") if x]
        for i in range(len(parts), 0, -1):
            out.append(os.path.join(base, *parts[:i], name))
    return out


def _read_int(path: str) -> int | None:
    try:
        with open(path) as fh:
            text = fh.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


#: The default share of the room an address-space limit (``ulimit -v``) leaves: that limit counts
#: every mapping (libraries, thread arenas: a DuckDB connection maps some 700 MB before it stores a
#: byte), so half of it is too much (10^7 rows under 3 GB: DuckDB fails at 715 MiB, runs at 500 MB).
ADDRESS_SPACE_SHARE = 0.25


def address_space_room() -> int | None:
    """Bytes an address-space rlimit (``ulimit -v``) still leaves this process (its limit minus
    ``VmSize``), or None without such a limit."""
    import resource

    soft = resource.getrlimit(resource.RLIMIT_AS)[0]
    if soft == resource.RLIM_INFINITY:
        return None
    used = 0
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    used = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        used = 0
    return max(int(soft) - used, 0)


def default_budget() -> int:
    """The budget without ``--memory-limit``: :data:`DEFAULT_SHARE` of :func:`machine_memory`, or,
    where an address-space limit binds, :data:`ADDRESS_SPACE_SHARE` of the room it leaves
    (:func:`address_space_room`), if that is smaller; at least 64 MiB."""
    budget = machine_memory() * DEFAULT_SHARE
    room = address_space_room()
    if room is not None:
        budget = min(budget, room * ADDRESS_SPACE_SHARE)
    return int(max(budget, 64 * 2**20))


def parse_memory(spec: str | int | float | None) -> int:
    """``spec`` in bytes: a share of :func:`machine_memory` ("50%"), a size ("2GB", "1.5GiB",
    "512MB"; decimal and binary units) or a number of bytes; None gives :func:`default_budget`."""
    if spec is None:
        return default_budget()
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        size = float(spec)
    else:
        text = str(spec).strip().lower().replace(" ", "")
        m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(%|[kmgt]?i?b?)", text)
        if m is None or (m.group(2) not in _UNITS and m.group(2) != "%"):
            raise ValueError(f"memory limit {str(spec)[:40]!r}: give a share ('50%') or a size "
                             "('2GB', '512MiB')")
        number = float(m.group(1))
        if m.group(2) == "%":
            if not 0 < number <= 100:
                raise ValueError(f"memory limit {spec!r}: a share between 0 and 100 %")
            return int(machine_memory() * number / 100)
        size = number * _UNITS[m.group(2)]
    if not size >= 2**20:
        raise ValueError(f"memory limit {spec!r}: at least 1 MiB")
    return int(size)


def memory_limit() -> int:
    """The budget in force, in bytes (see :func:`memory_budget`)."""
    return parse_memory(_budget["limit"])


@contextmanager
def memory_budget(limit: str | int | float | None) -> Iterator[None]:
    """Run the block's scale measures under ``limit`` (see :func:`parse_memory`): DuckDB connections
    opened in it get ``memory_limit`` and a spill directory."""
    parse_memory(limit)  # a bad value fails here, not in the middle of a run
    saved = _budget["limit"]
    _budget["limit"] = limit
    try:
        yield
    finally:
        _budget["limit"] = saved


@contextmanager
def polars_isolated() -> Iterator[None]:
    """Run the block's Polars queries in a child process (one, reused, started on the first query).

    Polars has no memory limit, and an allocation that fails inside it aborts the whole process
    (SIGABRT: "memory allocation of N bytes failed"), as an out-of-memory kill does: nothing in
    Python can catch either. In a child, the parent survives and says so
    (:func:`polars_collect` raises :class:`~crossborder.errors.OutOfMemory` with advice). The
    command line runs Polars so; the child costs a second or two to start, once: it is kept for the
    next block and ended at exit."""
    saved = _polars["isolate"]
    _polars["isolate"] = True
    try:
        yield
    finally:
        _polars["isolate"] = saved


def _shutdown_pool() -> None:
    pool, _polars["pool"] = _polars["pool"], None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _no_core_dump() -> None:
    """The Polars child writes no core file when an allocation aborts it: dumping a process of
    gigabytes takes long (the parent would wait for it) and fills the disk."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):      # no resource module (Windows), or not allowed
        pass


def polars_collect(lf: Any) -> Any:
    """A Polars LazyFrame collected by the streaming engine: here, or in the child process of
    :func:`polars_isolated`; a child that dies (an allocation failed, or the system killed it) is an
    :class:`~crossborder.errors.OutOfMemory` with advice."""
    if not _polars["isolate"]:
        return lf.collect(engine="streaming")
    import functools
    import multiprocessing
    import signal
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if _polars["pool"] is None:
        _polars["pool"] = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                              initializer=_no_core_dump)
        if not _polars.get("atexit"):
            atexit.register(_shutdown_pool)
            _polars["atexit"] = True
    pool = _polars["pool"]
    future = pool.submit(functools.partial(type(lf).collect, engine="streaming"), lf)
    children = list((getattr(pool, "_processes", None) or {}).values())
    try:
        return future.result()
    except BrokenProcessPool as exc:
        # the pool's own thread reaps the dead child too: poll until one of us has its exit code
        deadline = time.monotonic() + 30
        codes: list[int] = []
        while children and not codes and time.monotonic() < deadline:
            for child in children:
                child.join(0.1)
            codes = [c.exitcode for c in children if c.exitcode is not None]
        _shutdown_pool()
        code = codes[0] if codes else None
        how = ("ended by SIGABRT: an allocation failed" if code == -signal.SIGABRT else
               "killed by SIGKILL, most often by the system's out-of-memory killer"
               if code == -signal.SIGKILL else f"ended with exit code {code}")
        raise out_of_memory(MemoryError(f"the Polars process was {how}"), "polars") from exc


def spill_directory() -> str:
    """A folder for DuckDB to spill to, under the system's temporary folder; removed at exit."""
    if _spill["dir"] is None or not os.path.isdir(_spill["dir"]):
        path = tempfile.mkdtemp(prefix="crossborder-spill-")
        _spill["dir"] = path
        atexit.register(shutil.rmtree, path, True)
    return str(_spill["dir"])


def human(nbytes: float) -> str:
    """Bytes as a short size: 512.0 MiB, 2.0 GiB."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(nbytes) < 1024:
            return f"{nbytes:.1f} {unit}" if unit != "B" else f"{int(nbytes)} B"
        nbytes /= 1024
    return f"{nbytes:.1f} TiB"


_OOM_WORDS = ("out of memory", "bad allocation", "bad_alloc", "memory allocation of",
              "cannot allocate memory", "failed to allocate")


def is_out_of_memory(exc: BaseException) -> bool:
    """True for an engine's out-of-memory: MemoryError, DuckDB's OutOfMemoryException, a Dask
    worker killed (most often by the memory monitor), or an allocation failure in the message."""
    if isinstance(exc, MemoryError) or type(exc).__name__ in ("OutOfMemoryException", "KilledWorker"):
        return True
    text = str(exc).lower()
    return any(w in text for w in _OOM_WORDS)


def out_of_memory(exc: BaseException, engine: str) -> OutOfMemory:
    """The advice for an out-of-memory on ``engine`` (raise it ``from exc``)."""
    reason = " ".join(str(exc).split("Possible solutions")[0].split())[:160] or "no message"
    limit = memory_limit()
    tips = ["raise the memory limit (--memory-limit on the command line, "
            "crossborder.scale.memory_budget() in Python; now "
            f"{human(limit)} of {human(machine_memory())})"]
    if engine != "duckdb":
        tips.append("run on DuckDB (--engine duckdb), which spills to disk")
    else:
        tips.append("free disk space for DuckDB's spill files (under "
                    f"{tempfile.gettempdir()})")
    tips.append("or measure fewer years or regions per run")
    return OutOfMemory(f"out of memory on the {engine} engine ({type(exc).__name__}: {reason}); "
                       + "; ".join(tips))


__all__ = ["ADDRESS_SPACE_SHARE", "DEFAULT_SHARE", "address_space_room", "default_budget", "human",
           "is_out_of_memory", "machine_memory", "memory_budget", "memory_limit", "out_of_memory",
           "parse_memory", "polars_collect", "polars_isolated", "spill_directory"]
