"""Bigger than memory: the convergence measures over a long table of any size.

Each measure is split into a reduction (per-year or per-year-and-group sums, first and last values per
region, per-year sorts), written once over narwhals so that the input frame's type picks the engine —
pandas, Polars (lazy), DuckDB, Dask (any scheduler), PySpark — and a numpy finish over the small
T x G table, with the formulas of the in-memory measures. A Parquet path or glob is read lazily.
Needs the ``[scale]`` extra (``[spark]`` for PySpark).
"""

from __future__ import annotations

from ._source import ENGINES, parquet_files
from .beta import SumsFit, beta
from .dispersion import decompose, sigma
from .dynamics import ScaleMarkovResult, markov
from .ranks import gamma

__all__ = ["ENGINES", "ScaleMarkovResult", "SumsFit", "beta", "decompose", "gamma", "markov",
           "parquet_files", "sigma"]
