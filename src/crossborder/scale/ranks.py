"""Gamma convergence (Kendall's rank concordance) at scale: per-year average ranks, then sums.

For each period t from ``ref`` to ``last``: the regions observed in both ``ref`` and t (one join with
the reference year), their average ranks R_0 and R_t within t (a per-year sort), and three sums per
year: n, sum (R_0 + R_t)^2 and sum R_0^2. Since average ranks sum to n (n + 1) / 2,

    Var(R_0 + R_t) = sum (R_0 + R_t)^2 / n - (n + 1)^2,   Var(2 R_0) = 4 sum R_0^2 / n - (n + 1)^2,

and gamma_t is their ratio, as in :mod:`crossborder.measures.ranks` (Boyle & McCarthy 1997).

Multi-annual index (``kind="multiannual"``): for each window [ref, t] of k = t - ref + 1 periods, the
regions observed in all k periods (a count per region), their ranks within each period, and per
region S = sum of its k ranks and R_0; then, since mean S = k (n + 1) / 2,

    Var(S) = sum S^2 / n - k^2 (n + 1)^2 / 4,   gamma*_t = Var(S) / (k^2 Var(R_0)),

one pass over the rows per window (T passes in all).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..measures.ranks import check_gamma
from . import _reduce as R
from ._prepare import Prepare, unit_column
from ._prepare import apply as apply_prepare
from ._source import _nw, dask_scheduler, load

__all__ = ["gamma"]


def all_times(src: Any) -> pd.Index:
    """Every time in the data (rows with a missing value included), sorted."""
    t = src.collect(src.lf.select("time").unique())["time"]
    return pd.Index(t.sort_values().to_numpy())


def _position(times: pd.Index, label: Any) -> int:
    if label not in times:
        raise ValueError(f"{label!r} is not a time of the data")
    return int(times.get_loc(label))


def gamma(
    data: Any,
    ref: Any = None,
    last: Any = None,
    *,
    region: str = "region",
    time: str = "year",
    value: str = "value",
    group: str | None = None,
    engine: str | None = None,
    scheduler: Any = None,
    check: bool = True,
    prepare: Prepare | None = None,
    kind: str = "binary",
) -> pd.DataFrame:
    """:func:`crossborder.gamma` of a long table of any size: ``gamma`` and ``n`` per time (the
    index, named as the ``time`` column) from
    ``ref`` (default: the first) to ``last`` (default: the last); ``kind="multiannual"`` for the
    multi-annual index over each window [ref, t] (see the module docstring)."""
    if kind not in ("binary", "multiannual"):
        raise ValueError(f"kind must be 'binary' or 'multiannual', got {kind!r}")
    nw = _nw()
    src = load(data, region=region, time=time, value=value, group=group, engine=engine,
               scheduler=scheduler, unit=unit_column(prepare))
    with dask_scheduler(src.scheduler if src.engine == "dask" else None):
        if check:
            R.check_keys(src, False)
        src = apply_prepare(src, prepare)
        times = all_times(src)
        i0 = 0 if ref is None else _position(times, ref)
        i1 = len(times) - 1 if last is None else _position(times, last)
        if i1 < i0:
            raise ValueError(f"last ({times[i1]!r}) is before ref ({times[i0]!r})")
        span = times[i0:i1 + 1]
        ok = src.lf.filter(nw.col("value").is_finite().fill_null(False))
        if kind == "multiannual":
            return _multiannual(src, ok, span).rename_axis(time)
        base = ok.filter(nw.col("time") == _scalar(times[i0])).select(
            "region", nw.col("value").alias("base"))
        rows = ok.filter(nw.col("time").is_in([_scalar(t) for t in span]))
        sums = R.year_ranks(src, R.join(src, rows, base, ["region"])).reindex(span)
    n = sums["n"].fillna(0).to_numpy().astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        n1 = (n + 1.0) ** 2
        num = sums["s2"].to_numpy() / n - n1
        den = 4.0 * sums["b2"].to_numpy() / n - n1
        out = num / den
    out[(n < 2) | ~(den > 0)] = np.nan
    check_gamma(out, n, span[0])
    return pd.DataFrame({"gamma": out, "n": n}, index=pd.Index(span, name=time))


def _multiannual(src: Any, ok: Any, span: pd.Index) -> pd.DataFrame:
    nw = _nw()
    ref = _scalar(span[0])
    g = np.full(len(span), np.nan)
    n = np.zeros(len(span), dtype=np.int64)
    for j in range(len(span)):
        k = j + 1
        rows = ok.filter(nw.col("time").is_in([_scalar(t) for t in span[:k]]))
        members = rows.group_by("region").agg(nw.len().alias("k")).filter(nw.col("k") == k)
        rows = R.join(src, rows, members.select("region"), ["region"])
        m, s2, b2 = R.region_rank_sums(src, rows, ref)
        n[j] = m
        if m < 2:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            var_s = s2 / m - (k * (m + 1.0) / 2.0) ** 2
            var_0 = b2 / m - ((m + 1.0) / 2.0) ** 2
            if var_0 > 0:
                g[j] = max(var_s, 0.0) / (k * k * var_0)
    return pd.DataFrame({"gamma": g, "n": n}, index=pd.Index(span, name="time"))


def _scalar(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x
