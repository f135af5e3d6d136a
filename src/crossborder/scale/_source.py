"""The input of the scale path: a long frame of any supported engine, or a Parquet path/glob read lazily.

Whatever comes in leaves as a narwhals LazyFrame with the canonical columns ``region``, ``time``,
``value`` and, where named, ``weight`` and ``group`` (value and weight as Float64), and the engine that
runs it. The frame's type picks the engine; a path is read by the engine asked for (default DuckDB):
``duckdb.read_parquet``, ``polars.scan_parquet``, ``dask.dataframe.read_parquet`` or, for pandas,
``pandas.read_parquet`` of every matching file (in memory, for small data and tests).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import DataError

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

    def small(self, frame: pd.DataFrame) -> Any:
        """A small pandas table as a LazyFrame of this engine (to join with the big one)."""
        nw = _nw()
        eager = nw.from_native(frame, eager_only=True)
        if self.engine == "pandas":
            return eager.lazy()
        if self.engine == "duckdb":
            import duckdb

            return nw.from_native(duckdb.from_df(frame)).lazy()
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
            return lf.collect(backend="pandas", engine="streaming").to_native()
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


def _read(path: str | os.PathLike, engine: str) -> Any:
    files = parquet_files(path)
    if engine == "duckdb":
        import duckdb

        return duckdb.read_parquet(files)
    if engine == "polars":
        import polars as pl

        return pl.scan_parquet(files)
    if engine == "dask":
        import dask.dataframe as dd

        return dd.read_parquet(files)
    if engine == "pandas":
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    if engine == "pyspark":
        return spark_session().read.parquet(*files)
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")


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
) -> Source:
    """``data`` (a frame or a Parquet path/glob) as a :class:`Source` with canonical column names."""
    nw = _nw()
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if isinstance(data, str | os.PathLike):
        engine = engine or "duckdb"
        native = _read(data, engine)
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
    cols = lf.collect_schema().names()
    missing = [c for c in names if c not in cols]
    if missing:
        raise DataError(f"no column {missing[0]!r} (columns: {cols})", column=missing[0])
    if len(set(names.values())) != len(names) or len(names) != len({region, time, value, weight, group}
                                                                   - {None}):
        raise ValueError("region, time, value, weight and group must name different columns")
    lf = lf.select([nw.col(src).alias(dst) for src, dst in names.items()])
    casts = [nw.col("value").cast(nw.Float64)]
    if weight is not None:
        casts.append(nw.col("weight").cast(nw.Float64))
    lf = lf.with_columns(*casts)
    return Source(lf=lf, engine=engine, has_weight=weight is not None, has_group=group is not None,
                  scheduler=scheduler)


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
        client = Client(scheduler, set_as_default=False)
        try:
            with client.as_current():
                yield
        finally:
            client.close()
        return
    raise ValueError(f"scheduler must be a name, an address or a distributed.Client, got {scheduler!r}")
