"""The input of the scale path: a long frame of any supported engine, or a Parquet path/glob read lazily.

Whatever comes in leaves as a narwhals LazyFrame with the canonical columns ``region``, ``time``,
``value`` and, where named, ``weight`` and ``group`` (value and weight as Float64), and the engine that
runs it. The frame's type picks the engine; a path is read by the engine asked for (default DuckDB):
``read_parquet`` on a DuckDB connection given the memory budget (:mod:`._memory`),
``polars.scan_parquet``, ``dask.dataframe.read_parquet`` or, for pandas, ``pandas.read_parquet`` of
every matching file (in memory, for small data and tests). The files' footers are checked first, the
same way for every engine (:mod:`._files`). Rows without a region or a time are left out; a value
without one is an error (:func:`crossborder.scale._reduce.check_keys`), as in the in-memory reader.
"""

from __future__ import annotations

import functools
import glob
import inspect as _inspect
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from ..errors import CrossborderError, DataError
from . import _files, _memory

ENGINES = ("duckdb", "polars", "dask", "pandas", "pyspark")


def _nw() -> Any:
    try:
        import narwhals.stable.v2 as nw
    except ImportError:  # pragma: no cover - older narwhals
        try:
            import narwhals as nw
        except ImportError as exc:
            raise ImportError("crossborder.scale needs the [scale] extra: "
                              "pip install 'crossborder[scale]'") from exc
    return nw


@dataclass(frozen=True)
class Source:
    """A long table ready for the reductions: ``lf`` (narwhals LazyFrame), its ``engine`` and roles."""

    lf: Any
    engine: str
    has_weight: bool
    has_group: bool
    scheduler: Any = None
    #: the frame before rows without a region or time were left out (for the checks)
    raw: Any = None
    #: the Parquet files read (None for a frame), and the source column of each role
    files: tuple[str, ...] | None = None
    names: dict[str, str] = field(default_factory=dict)
    #: the DuckDB connection the files were read on (None: DuckDB's default one)
    con: Any = None
    #: the files' statistics prove that every row has a region and a time (no check needed)
    clean_keys: bool = False
    #: the rows' ``unit`` (and ``group``) columns, where a unit column was named (for the unit rule
    #: of :func:`crossborder.scale._prepare.check_units`); None otherwise
    units: Any = None

    def small(self, frame: pd.DataFrame) -> Any:
        """A small pandas table as a LazyFrame of this engine (to join with the big one)."""
        nw = _nw()
        eager = nw.from_native(frame, eager_only=True)
        if self.engine == "pandas":
            return eager.lazy()
        if self.engine == "duckdb":
            import duckdb

            con = self.con if self.con is not None else duckdb
            return nw.from_native(con.from_df(frame)).lazy()
        if self.engine == "dask":
            import dask.dataframe as dd

            return nw.from_native(dd.from_pandas(frame, npartitions=1))
        if self.engine == "pyspark":
            spark = self.lf.to_native().sparkSession
            return nw.from_native(spark.createDataFrame(frame))
        return eager.lazy(backend=self.engine)

    def collect(self, lf: Any) -> pd.DataFrame:
        """Run a (small) result and return it as pandas (inside :func:`dask_scheduler` for Dask).
        Polars runs its streaming engine: the input is read in batches, not loaded whole."""
        from ._progress import report

        report(self.engine)
        if self.engine == "polars":
            return _memory.polars_collect(lf.to_native()).to_pandas()
        return lf.collect(backend="pandas").to_native()


def spark_session(master: str = "local[2]") -> Any:
    """The active Spark session, or a local one: workers run this Python (``PYSPARK_PYTHON``, unless
    set), bound to the loopback address, without the UI or console progress bars."""
    import sys

    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (SparkSession.builder.master(master).appName("crossborder")
            .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
            .getOrCreate())


def _engine_of(native: Any) -> str:
    mod = type(native).__module__.split(".")[0]
    if mod == "pandas":
        return "pandas"
    if mod == "polars":
        return "polars"
    if mod in ("duckdb", "_duckdb"):
        return "duckdb"
    if mod.startswith("dask"):
        return "dask"
    if mod == "pyspark":
        return "pyspark"
    raise TypeError(f"unsupported frame type {type(native).__name__}; give a pandas, Polars, DuckDB, "
                    "Dask or PySpark frame, or a Parquet path/glob")


def parquet_files(path: str | os.PathLike) -> list[str]:
    """The files a Parquet path means: a file, a folder (every *.parquet below it) or a glob."""
    p = os.fspath(path)
    if os.path.isdir(p):
        files = sorted(glob.glob(os.path.join(p, "**", "*.parquet"), recursive=True))
    else:
        files = sorted(glob.glob(p, recursive=True))
    if not files:
        raise DataError(f"no Parquet file matches {p!r}")
    return files


def duckdb_connection() -> Any:
    """A DuckDB connection under the memory budget (:func:`crossborder.scale.memory_budget`,
    default half the machine's memory), spilling to a temporary folder beyond it."""
    import duckdb

    limit = _memory.memory_limit()
    return duckdb.connect(config={"memory_limit": f"{limit // 2**20}MiB",
                                  "temp_directory": _memory.spill_directory()})


def _read(files: list[str], engine: str, layout: _files.Layout) -> tuple[Any, Any]:
    """The files read lazily by ``engine`` (only the columns of the run), and the DuckDB connection."""
    cols = list(layout.types)
    if engine == "duckdb":
        con = duckdb_connection()
        rel = con.read_parquet(files, union_by_name=not layout.uniform)
        return rel.select(*[f'"{c.replace(chr(34), chr(34) * 2)}"' for c in cols]), con
    if engine == "polars":
        import polars as pl

        if layout.uniform:
            return pl.scan_parquet(files).select(cols), None
        # schemas differ (in columns the run does not read, or integer beside float): one scan per
        # file, each cast to one type per column
        target = {c: _polars_type(layout.types[c]) for c in cols}
        return pl.concat([pl.scan_parquet(f).select(
            [pl.col(c).cast(target[c]) if target[c] is not None else pl.col(c) for c in cols])
            for f in files], how="vertical"), None
    if engine == "dask":
        import dask.dataframe as dd

        return dd.read_parquet(files, columns=cols), None
    if engine == "pandas":
        return pd.concat([pd.read_parquet(f, columns=cols) for f in files], ignore_index=True), None
    if engine == "pyspark":
        return (spark_session().read.option("mergeSchema", str(not layout.uniform).lower())
                .parquet(*files).select(*cols)), None
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")


def _polars_type(types: tuple[Any, ...]) -> Any:
    import polars as pl

    kinds = {_files.kind(t) for t in types} - {"null"}
    if kinds <= {"integer", "float"} and "float" in kinds:
        return pl.Float64
    if kinds == {"integer"}:
        return pl.Int64
    if kinds == {"text"}:
        return pl.String
    return None


def load(
    data: Any,
    *,
    region: str,
    time: str,
    value: str,
    weight: str | None = None,
    group: str | None = None,
    engine: str | None = None,
    scheduler: Any = None,
    unit: str | None = None,
) -> Source:
    """``data`` (a frame or a Parquet path/glob) as a :class:`Source` with canonical column names;
    ``unit`` names a column of units, kept aside in ``Source.units`` (with the group)."""
    nw = _nw()
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    files: list[str] | None = None
    con = None
    clean = False
    if isinstance(data, str | os.PathLike):
        engine = engine or "duckdb"
        files = parquet_files(data)
        roles = {region: "region", time: "time", value: "value"}
        roles |= {c: r for c, r in ((weight, "weight"), (group, "group"), (unit, "unit"))
                  if c is not None}
        layout = _files.inspect(files, roles)
        native, con = _read(files, engine, layout)
        clean = layout.clean_keys
    else:
        native = data.to_native() if hasattr(data, "to_native") else data
        found = _engine_of(native)
        if engine is not None and engine != found:
            raise ValueError(f"engine={engine!r} was asked for but the frame is a {found} frame; "
                             "pass engine=None, or a Parquet path to read it with that engine")
        engine = found
    if scheduler is not None and engine != "dask":
        raise ValueError(f"scheduler= applies to the dask engine only, not {engine!r}")
    if engine == "polars" and type(native).__name__ == "DataFrame":
        native = native.lazy()
    lf = nw.from_native(native)
    if isinstance(lf, nw.DataFrame):
        lf = lf.lazy()
    names = {region: "region", time: "time", value: "value"}
    if weight is not None:
        names[weight] = "weight"
    if group is not None:
        names[group] = "group"
    if unit is not None:
        names[unit] = "unit"
    cols = lf.collect_schema().names()
    missing = [c for c in names if c not in cols]
    if missing:
        raise DataError(f"no column {missing[0]!r} (columns: {cols})", column=missing[0])
    if len(set(names.values())) != len(names) or len(names) != len({region, time, value, weight, group,
                                                                    unit} - {None}):
        raise ValueError("region, time, value, weight, group and unit must name different columns")
    lf = lf.select([nw.col(src).alias(dst) for src, dst in names.items()])
    casts = [nw.col("value").cast(nw.Float64)]
    if weight is not None:
        casts.append(nw.col("weight").cast(nw.Float64))
    lf = lf.with_columns(*casts)
    units = None
    if unit is not None:
        lf = lf.with_columns(nw.col("unit").cast(nw.String))
        kept = lf if clean else lf.filter(~key_missing(lf))
        units = kept.select(["unit"] + (["group"] if group is not None else []))
        lf = lf.drop("unit")
    raw = lf
    if not clean:
        lf = lf.filter(~key_missing(lf))
    return Source(lf=lf, engine=engine, has_weight=weight is not None, has_group=group is not None,
                  scheduler=scheduler, raw=raw, files=tuple(files) if files else None,
                  names={dst: src for src, dst in names.items()}, con=con, clean_keys=clean,
                  units=units)


def key_missing(lf: Any) -> Any:
    """True where a row has no region or no time: null, or blank text (as in the in-memory reader)."""
    nw = _nw()
    schema = lf.collect_schema()
    out = nw.col("region").is_null() | nw.col("time").is_null()
    for c in ("region", "time"):
        if schema[c] == nw.String:
            out = out | (nw.col(c).str.strip_chars() == "").fill_null(True)
    return out


def value_missing() -> Any:
    """True where the (Float64) value is null or NaN."""
    nw = _nw()
    return nw.col("value").is_null() | nw.col("value").is_nan().fill_null(True)


F = TypeVar("F", bound=Callable[..., Any])
_ENGINE_MODULES = ("duckdb", "_duckdb", "polars", "pyarrow", "dask", "distributed", "pyspark", "py4j",
                   "narwhals")


def guarded(func: F) -> F:
    """``func`` (a scale measure taking ``data`` first) with the engines' failures explained: an
    out-of-memory becomes :class:`~crossborder.errors.OutOfMemory` with advice; an engine's error on
    a Parquet glob names the file that cannot be read (found by reading each file with pyarrow)."""
    sig = _inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CrossborderError:
            raise
        except Exception as exc:  # noqa: BLE001 - sorted below; anything else is raised as it was
            bound = sig.bind_partial(*args, **kwargs)
            bound.apply_defaults()
            a = bound.arguments
            data, engine = a.get("data"), a.get("engine")
            is_path = isinstance(data, str | os.PathLike)
            if engine is None:
                try:
                    engine = "duckdb" if is_path else _engine_of(getattr(data, "to_native",
                                                                         lambda: data)())
                except TypeError:
                    engine = "?"
            if _memory.is_out_of_memory(exc):
                raise _memory.out_of_memory(exc, engine) from exc
            module = type(exc).__module__.split(".")[0]
            if is_path and (module in _ENGINE_MODULES or isinstance(exc, OSError)):
                cols = [c for c in (a.get("region"), a.get("time"), a.get("value"), a.get("weight"),
                                    a.get("group")) if isinstance(c, str)]
                try:
                    files = parquet_files(data)
                except DataError:
                    raise exc from None
                found = _files.unreadable_file(files, cols)
                if found is not None:
                    raise found from exc
            raise
    return wrapper  # type: ignore[return-value]


#: Seconds a Dask scheduler has to connect and answer before it is given up.
SCHEDULER_TIMEOUT = 5.0


def probe_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> str | None:
    """None when a Dask scheduler at ``address`` answers an ``identity`` request within ``timeout``
    seconds; otherwise why not ("nothing accepts connections there", "it did not answer within 5 s",
    "a Dask worker answers, not a scheduler").

    ``distributed.Client(timeout=)`` bounds only the TCP connection: a server that accepts and never
    speaks keeps it waiting in the handshake for ever. The probe runs Dask's own handshake
    (``distributed.comm.connect``) and the request under ``asyncio.wait_for``, in a thread of its
    own (so that it works from a notebook whose event loop is running)."""
    import asyncio
    import threading

    from distributed.comm import connect
    from distributed.comm.addressing import parse_address

    try:
        parse_address(address if "://" in address else f"tcp://{address}")
    except ValueError as exc:
        return f"not a scheduler address ({exc})"
    target = address if "://" in address else f"tcp://{address}"

    async def identity() -> Any:
        comm = await connect(target, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["reply"] = asyncio.run(asyncio.wait_for(identity(), timeout))
        except BaseException as exc:  # noqa: BLE001 - reported below, in words
            out["error"] = exc

    thread = threading.Thread(target=run, name="crossborder-scheduler-probe", daemon=True)
    thread.start()
    thread.join(timeout + 2)
    exc = out.get("error")
    if "reply" not in out and (exc is None or isinstance(exc, asyncio.TimeoutError | TimeoutError)):
        return (f"it did not answer as a Dask scheduler within {timeout:g} s (something accepts "
                "connections there, but does not speak Dask's protocol)")
    if exc is not None:
        text = " ".join(str(exc).split())[:160]
        if isinstance(exc, OSError) and "Timed out trying to connect" in text:
            return f"nothing accepted a connection within {timeout:g} s"
        return f"cannot connect ({type(exc).__name__}: {text or 'no message'})"
    reply = out["reply"]
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        return (f"a Dask {kind.lower()} answers there, not a scheduler" if isinstance(kind, str)
                else "the answer there is not a Dask scheduler's")
    return None


@contextmanager
def dask_scheduler(scheduler: Any) -> Iterator[None]:
    """Run Dask work on ``scheduler``: None (Dask's default, or the current distributed client),
    "threads"/"processes"/"synchronous", a scheduler address ("tcp://host:8786") or a
    ``distributed.Client``."""
    if scheduler is None:
        yield
        return
    import dask

    if isinstance(scheduler, str) and scheduler in ("threads", "processes", "synchronous", "sync"):
        with dask.config.set(scheduler=scheduler):
            yield
        return
    from distributed import Client

    if isinstance(scheduler, Client):
        with scheduler.as_current():
            yield
        return
    if isinstance(scheduler, str):
        why = probe_scheduler(scheduler)
        if why is not None:
            raise ConnectionError(f"scheduler {scheduler}: {why}")
        client = Client(scheduler, set_as_default=False, timeout=SCHEDULER_TIMEOUT)
        try:
            with client.as_current():
                yield
        finally:
            client.close()
        return
    raise ValueError(f"scheduler must be a name, an address or a distributed.Client, got {scheduler!r}")
