"""Bigger than memory: the convergence measures over a long table of any size.

Each measure is split into a reduction (per-year or per-year-and-group sums, first and last values per
region, per-year sorts), written once over narwhals so that the input frame's type picks the engine —
pandas, Polars (lazy), DuckDB, Dask (any scheduler), PySpark — and a numpy finish over the small
T x G table, with the formulas of the in-memory measures. A Parquet path or glob is read lazily, its
files checked first (unreadable files, missing columns, types that differ across files: named).
DuckDB runs under a memory budget (:func:`memory_budget`, default half the machine's memory) and
spills beyond it; an out-of-memory is raised as :class:`~crossborder.errors.OutOfMemory` with advice.
The in-memory command line's balancing and relative indices are :class:`Prepare` (``prepare=``).
Needs the ``[scale]`` extra (``[spark]`` for PySpark).
"""

from __future__ import annotations

from . import beta as _beta
from . import dispersion as _dispersion
from . import dynamics as _dynamics
from . import ranks as _ranks
from ._memory import memory_budget, memory_limit
from ._prepare import Balance, Prepare
from ._source import ENGINES, guarded, parquet_files
from .beta import SumsFit
from .dynamics import ScaleMarkovResult

beta = guarded(_beta.beta)
decompose = guarded(_dispersion.decompose)
sigma = guarded(_dispersion.sigma)
markov = guarded(_dynamics.markov)
gamma = guarded(_ranks.gamma)

__all__ = ["ENGINES", "Balance", "Prepare", "ScaleMarkovResult", "SumsFit", "beta", "decompose", "gamma",
           "markov", "memory_budget", "memory_limit", "parquet_files", "sigma"]
