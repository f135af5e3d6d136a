"""Sigma convergence and the between/within decomposition at scale: reductions, then numpy finishes.

The formulas are those of :mod:`crossborder.measures.dispersion` and
:mod:`crossborder.measures.decompose`; only the feed differs. For each year (and group):

* pass 1 (sums over all rows, the checks included): n, W = sum w, sum w y, sum y, sum w ln y, and the
  counts of infinite values, negative weights, values <= 0 and < 0;
* pass 2 (sums over the counted rows, each shifted by its year's mean so that no large number cancels):
  sum w d and sum w d^2 with d = y - mu_t (SD, CV, Williamson; the corrected two-pass variance of
  Chan, Golub & LeVeque 1983), the same for d = ln y - mean_t(ln y) (SD of logs), sum w y (ln y - ln mu_t)
  (Theil T), sum w (ln y - ln mu_t) (MLD; Atkinson with epsilon = 1), sum w (y / mu_t)^(1 - epsilon)
  (Atkinson), sum |s_i - p_i| (Hoover);
* a per-year sort for the Gini coefficient (Lorenz curve: 1 - sum_i p_i (L_{i-1} + L_i)).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from ..errors import DataError
from ..measures._degenerate import not_computed
from ..measures.decompose import NIL_INEQUALITY, check_inequality
from ..measures.dispersion import MEASURES
from . import _reduce as R
from ._prepare import Prepare, unit_column
from ._prepare import apply as apply_prepare
from ._source import Source, _nw, dask_scheduler, load

__all__ = ["decompose", "sigma"]

_DDOF = {"sd_log", "var_log", "sd", "var", "cv"}
_POSITIVE = {"sd_log", "var_log", "mld"}
_NONNEG = {"gini", "theil", "atkinson", "hoover"}
_ALWAYS_WEIGHTED = {"williamson", "hoover"}


def _pass1(src: Source, weighted: bool, by: Sequence[str]) -> pd.DataFrame:
    """Counts and sums of the rows that count (0 elsewhere), and the check counts."""
    nw = _nw()
    ok = R.valid(weighted)
    y = nw.col("value")
    w = nw.col("weight") if weighted else nw.lit(1.0)
    one = nw.when(ok).then(1).otherwise(0)
    cols: dict[str, Any] = {
        "n": one,
        "W": nw.when(ok).then(w).otherwise(0.0),
        "Sy": nw.when(ok).then(w * y).otherwise(0.0),
        "Sraw": nw.when(ok).then(y).otherwise(0.0),
        "Sl": w * _safe_log(ok & (y > 0)),
        "nonpos": nw.when(ok & (y <= 0)).then(1).otherwise(0),
        "neg": nw.when(ok & (y < 0)).then(1).otherwise(0),
        "zero": nw.when(ok & (y == 0)).then(1).otherwise(0),
        "inf": nw.when(y.abs() == float("inf")).then(1).otherwise(0),
    }
    if weighted:
        cols["negw"] = nw.when(nw.col("weight") < 0).then(1).otherwise(0)
    return R.sums(src, src.lf, cols, by)


def _safe_log(where: Any) -> Any:
    """ln y where ``where`` holds, else 0 (the log never sees a value <= 0 or a missing one)."""
    nw = _nw()
    return nw.when(where).then(nw.col("value")).otherwise(1.0).log()


def _check(src: Source, p1: pd.DataFrame, weighted: bool, needs: set[str]) -> None:
    nw = _nw()
    y = nw.col("value")
    if p1["inf"].sum():
        R.first_bad(src, src.lf, y.abs() == float("inf"), "infinite value", "value")
    if weighted and p1["negw"].sum():
        R.first_bad(src, src.lf, nw.col("weight") < 0, "negative weight", "weight")
    ok = R.valid(weighted)
    pos = sorted(needs & _POSITIVE)
    if pos and p1["nonpos"].sum():
        R.first_bad(src, src.lf, ok & (y <= 0),
                    f"{pos[0]} needs values > 0, got a non-positive value", "value")
    nonneg = sorted(needs & _NONNEG)
    if nonneg and p1["neg"].sum():
        R.first_bad(src, src.lf, ok & (y < 0),
                    f"{nonneg[0]} needs values >= 0, got a negative value", "value")


def _pass2(src: Source, weighted: bool, by: Sequence[str], shifts: pd.DataFrame, needs: set[str],
           epsilon: float, totals: bool) -> pd.DataFrame:
    """Shifted sums over the rows that count; ``shifts`` is indexed by time with mu, lmu, mlog, W, SY,
    Sraw."""
    nw = _nw()
    lf = src.lf.filter(R.valid(weighted))
    lf = R.join_small(src, lf, shifts.reset_index(), ["time"])
    y = nw.col("value")
    w = nw.col("weight") if weighted else nw.lit(1.0)
    pos = y > 0
    lny = _safe_log(pos)  # ln y where y > 0, else 0 (0 ln 0 = 0 for Theil)
    cols: dict[str, Any] = {}
    if needs & {"sd", "var"}:
        d = y - nw.col("mu")
        cols |= {"d1": w * d, "d2": w * d * d}
    if needs & {"sd", "var", "cv", "williamson"}:
        # relative deviations y / mu - 1: CV (and SD for extreme values) without squares of the
        # values themselves, which overflow beyond 1e154 and underflow below 1e-154
        r = y / nw.col("mu1") - 1.0
        cols |= {"r1": w * r, "r2": w * r * r}
    if needs & {"sd_log", "var_log"}:
        e = lny - nw.col("mlog")
        cols |= {"e1": w * e, "e2": w * e * e}
    if "theil" in needs:
        cols["th"] = w * (y / nw.col("mu1")) * (lny - nw.col("lmu"))
    if "mld" in needs or ("atkinson" in needs and epsilon == 1):
        cols["ml"] = nw.when(pos).then(w * (lny - nw.col("lmu"))).otherwise(0.0)
    if "atkinson" in needs and epsilon != 1:
        cols["at"] = w * (y / nw.col("mu")) ** (1.0 - epsilon)
    if "hoover" in needs:
        s = (y / nw.col("Sraw")) if totals else (w * y / nw.col("SY"))
        cols["ho"] = (s - w / nw.col("W")).abs()
    if not cols:
        return pd.DataFrame(index=shifts.index)
    return R.sums(src, lf, cols, by)


def _shifts(p1: pd.DataFrame, mlog: np.ndarray | None) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = p1["Sy"] / p1["W"]
        out = pd.DataFrame({"mu": mu, "mu1": mu.where(mu != 0, 1.0),
                            "lmu": np.log(np.where(mu > 0, mu, 1.0)),
                            "mlog": 0.0 if mlog is None else mlog,
                            "W": p1["W"], "SY": p1["Sy"], "Sraw": p1["Sraw"]}, index=p1.index)
    # years where nothing counts stay out of the join (and so out of the sums)
    return out[p1["n"] > 0].replace([np.inf, -np.inf], 0.0).fillna(0.0)


class _Feed:
    """The per-year tables of one mask (unweighted or weighted): pass 1, pass 2, the Gini sort."""

    def __init__(self, src: Source, weighted: bool, needs: set[str], epsilon: float, totals: bool,
                 times: pd.Index | None = None, p1: pd.DataFrame | None = None) -> None:
        p1 = _pass1(src, weighted, ["time"]) if p1 is None else p1
        _check(src, p1, weighted, needs)
        self.times = p1.index if times is None else times
        self.p1 = p1.reindex(self.times).fillna(0)
        _check_range(self.p1, needs)
        with np.errstate(divide="ignore", invalid="ignore"):
            mlog = (self.p1["Sl"] / self.p1["W"]).to_numpy()
        shifts = _shifts(self.p1, mlog)
        self.p2 = _pass2(src, weighted, ["time"], shifts, needs, epsilon, totals).reindex(
            self.times).fillna(0.0)
        self.gini = None
        if "gini" in needs:
            nw = _nw()
            w = nw.col("weight") if weighted else nw.lit(1.0)
            lf = src.lf.filter(R.valid(weighted)).select("region", "time", "value", w.alias("w"))
            mu = shifts["mu1"]
            if ((mu.abs() > 1e100) | (mu.abs() < 1e-100)).any():
                # Gini is scale invariant: the values over their year's mean, whose running sums
                # of products neither overflow nor underflow
                lf = R.join_small(src, lf, shifts[["mu1"]].reset_index(), ["time"]).select(
                    "region", "time", (nw.col("value") / nw.col("mu1")).alias("value"), "w")
            self.gini = R.sorted_sums(src, lf).reindex(self.times).fillna(0.0)
        self.weighted = weighted

    def measure(self, name: str, ddof: int, epsilon: float) -> np.ndarray:
        p1, p2 = self.p1, self.p2
        n = p1["n"].to_numpy(dtype=float)
        W = p1["W"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            mu = p1["Sy"].to_numpy() / W

            def var(a1: str, a2: str) -> np.ndarray:
                ss = np.maximum(p2[a2].to_numpy() - p2[a1].to_numpy() ** 2 / W, 0.0)
                return ss / W if self.weighted else ss / (n - ddof)

            if name in ("sd_log", "var_log"):
                out = var("e1", "e2")
                out = np.sqrt(out) if name == "sd_log" else out
            elif name in ("sd", "var"):
                extreme = (np.abs(mu) > 1e100) | ((np.abs(mu) < 1e-100) & (mu != 0))
                with np.errstate(over="ignore"):
                    out = np.where(extreme, np.abs(mu) * np.sqrt(var("r1", "r2")),
                                   np.sqrt(var("d1", "d2")))
                    out = out if name == "sd" else out * out
                _check_finite(out, n, name, self.times, mu)
            elif name in ("cv", "williamson"):
                v = var("r1", "r2")  # with mu = 0: the variance of y - 1, i.e. of y
                out = np.where(mu == 0, np.where(v > 0, np.inf, np.nan), np.sign(mu) * np.sqrt(v))
            elif name == "gini":
                g = self.gini
                area = 2.0 * g["a"].to_numpy() - g["b"].to_numpy()
                out = 1.0 - area / (g["W"].to_numpy() * g["total"].to_numpy())
            elif name == "theil":
                out = p2["th"].to_numpy() / W
            elif name == "mld":
                out = -p2["ml"].to_numpy() / W
            elif name == "atkinson":
                if epsilon == 1:
                    out = 1.0 - np.exp(p2["ml"].to_numpy() / W)
                    out = np.where(p1["zero"].to_numpy() > 0, 1.0, out)
                else:
                    e = 1.0 - epsilon
                    out = 1.0 - np.power(p2["at"].to_numpy() / W, 1.0 / e)
            else:  # hoover
                out = 0.5 * p2["ho"].to_numpy()
        out = np.asarray(out, dtype=float)
        out[n < 2] = np.nan
        return out


def _check_range(p1: pd.DataFrame, needs: set[str]) -> None:
    """A year whose sum of the (weighted) values overflows: not computed, the year named."""
    bad = ~np.isfinite(p1["Sy"].to_numpy(dtype=float)) & (p1["n"].to_numpy() > 0)
    if bad.any():
        t = p1.index[int(np.flatnonzero(bad)[0])]
        raise not_computed(", ".join(sorted(needs)), f"the sum of the (weighted) values in {R._plain(t)} "
                                         "overflows the floating-point range (values near 1e308): "
                                         "divide the values by a power of ten (the inequality "
                                         "measures do not change)", column="value")


def _check_finite(out: np.ndarray, n: np.ndarray, name: str, times: pd.Index, mu: np.ndarray) -> None:
    """A variance (or SD) beyond the largest float: not computed, the year named (as in memory)."""
    over = ~np.isfinite(out) & (n >= 2)
    if over.any():
        t = int(np.flatnonzero(over)[0])
        raise not_computed(name, f"the variance of the values in {R._plain(times[t])} exceeds the "
                                 f"largest floating-point number (mean {mu[t]:.3g}); use sd_log or "
                                 "cv, or values in larger units", column="value")


def sigma(
    data: Any,
    measure: str | Sequence[str] = "sd_log",
    *,
    region: str = "region",
    time: str = "year",
    value: str = "value",
    weight: str | None = None,
    group: str | None = None,
    weighted: bool = False,
    ddof: int = 0,
    epsilon: float = 0.5,
    totals: bool = False,
    engine: str | None = None,
    scheduler: Any = None,
    check: bool = True,
    prepare: Prepare | None = None,
) -> pd.DataFrame:
    """:func:`crossborder.sigma` of a long table of any size: the same table (indexed by the time,
    named as the ``time`` column: the in-memory Panel's ``time_name``; one column per measure,
    ``n`` and ``n_<measure>`` where a measure counts other regions).

    ``data`` is a pandas/Polars/DuckDB/Dask/PySpark frame or a Parquet path/glob (read lazily with
    ``engine``, default DuckDB). ``weight`` names the weight column (needed by ``weighted=True``,
    Williamson and Hoover); ``group`` is accepted for symmetry and checked constant per region.
    ``scheduler`` (Dask only): "threads", "processes", "synchronous", a scheduler address or a
    ``distributed.Client``. ``check=False`` skips the one ``group_by(region)`` that rejects duplicate
    (region, time) rows. ``prepare`` balances the panel and/or indexes the values first, as the
    in-memory command line does (:class:`crossborder.scale.Prepare`; ``group`` names the sides).
    """
    measures = [measure] if isinstance(measure, str) else list(measure)
    for name in measures:
        if name not in MEASURES:
            raise ValueError(f"unknown measure {name!r}; choose one of {', '.join(MEASURES)}")
    src = load(data, region=region, time=time, value=value, weight=weight, group=group, engine=engine,
               scheduler=scheduler, unit=unit_column(prepare))
    kinds = {name: weighted or name in _ALWAYS_WEIGHTED for name in measures}
    if any(kinds.values()) and not src.has_weight:
        what = next(n for n, k in kinds.items() if k) if not weighted else "a weighted measure"
        raise DataError(f"{what} needs a weight (e.g. population): pass weight=...", column="weight")
    if ddof and any(kinds[n] and n in _DDOF | {"williamson"} for n in measures):
        raise ValueError("ddof applies to unweighted measures only (weighted ones are population "
                         "measures)")
    with dask_scheduler(src.scheduler if src.engine == "dask" else None):
        if check:
            R.check_keys(src, src.has_group)
        src = apply_prepare(src, prepare)
        feeds: dict[bool, _Feed] = {}
        times = None
        for kind in (False, True):
            needs = {n for n in measures if kinds[n] == kind}
            if needs:
                feeds[kind] = _Feed(src, kind, needs, float(epsilon), totals, times)
                times = feeds[kind].times
        if times is None:  # no measure asked for: the times and counts only
            times = _pass1(src, weighted, ["time"]).index
    cols = {name: feeds[kinds[name]].measure(name, ddof, float(epsilon)) for name in measures}
    df = pd.DataFrame(cols, index=pd.Index(times, name=time))
    counts = {name: feeds[kinds[name]].p1["n"].to_numpy().astype(np.int64) for name in measures}
    first = counts[measures[0]] if measures else np.zeros(len(times), dtype=np.int64)
    df["n"] = first
    for name, n_t in counts.items():
        if not np.array_equal(n_t, first):
            df[f"n_{name}"] = n_t
    df.attrs.update(indicator=value, weighted=weighted, ddof=ddof, engine=src.engine)
    return df


def decompose(
    data: Any,
    index: str = "theil",
    *,
    region: str = "region",
    time: str = "year",
    value: str = "value",
    weight: str | None = None,
    group: str = "group",
    weighted: bool = False,
    engine: str | None = None,
    scheduler: Any = None,
    check: bool = True,
    prepare: Prepare | None = None,
) -> pd.DataFrame:
    """:func:`crossborder.decompose` of a long table of any size, by the ``group`` column: per time
    (the index, named as the ``time`` column)
    ``total``, ``between``, ``within``, ``between_share``, ``n`` and ``n_groups``.

    The between part comes from the per-(year, group) sums of pass 1, the total from the shifted
    sums of pass 2; within = total - between, as in memory.
    """
    if index not in ("theil", "mld"):
        raise ValueError(f"index must be 'theil' or 'mld', got {index!r}")
    if weighted and weight is None:
        raise DataError("a weighted decomposition needs a weight (e.g. population): pass weight=...",
                        column="weight")
    src = load(data, region=region, time=time, value=value, weight=weight, group=group, engine=engine,
               scheduler=scheduler, unit=unit_column(prepare))
    with dask_scheduler(src.scheduler if src.engine == "dask" else None):
        if check:
            R.check_keys(src, True)
        else:
            nw = _nw()
            R.first_bad(src, src.lf, nw.col("group").is_null(), "region without a group", "group")
        src = apply_prepare(src, prepare)
        by_group = _pass1(src, weighted, ["time", "group"])
        # the per-year sums are the sums of the per-(year, group) ones: no second pass 1
        feed = _Feed(src, weighted, {index}, 0.5, False, p1=by_group.groupby(level="time").sum())
    total = feed.measure(index, 0, 0.5)
    times = feed.times
    pop = by_group["W"].unstack("group").reindex(times).fillna(0.0).to_numpy()  # T x G
    inc = by_group["Sy"].unstack("group").reindex(times).fillna(0.0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        p_g = pop / pop.sum(axis=1, keepdims=True)
        s_g = inc / inc.sum(axis=1, keepdims=True)
        present = pop > 0
        if index == "theil":
            ratio = np.where(present, s_g / np.where(present, p_g, 1.0), 1.0)
            between = special.xlogy(np.where(present, s_g, 0.0), ratio).sum(axis=1)
        else:
            ratio = np.where(present, p_g / np.where(present, s_g, 1.0), 1.0)
            between = special.xlogy(np.where(present, p_g, 0.0), ratio).sum(axis=1)
        between = np.where(np.isnan(total), np.nan, between)
        within = total - between
        share = np.where(total > NIL_INEQUALITY, between / total, np.nan)
    check_inequality(total, feed.p1["n"].to_numpy(), index, times)
    df = pd.DataFrame({"total": total, "between": between, "within": within, "between_share": share,
                       "n": feed.p1["n"].to_numpy().astype(np.int64),
                       "n_groups": present.sum(axis=1)}, index=pd.Index(times, name=time))
    df.attrs.update(index=index, weighted=weighted, indicator=value, engine=src.engine)
    return df
