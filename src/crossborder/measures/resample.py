"""Uncertainty of cross-regional statistics by resampling regions (a nonparametric bootstrap).

A dispersion series (the sd of logs, the Theil between share) is a statistic of the N regions in
each year. Its sampling uncertainty comes from which regions are observed, not from the handful of
yearly points a trend is fitted to, so it is resampled over regions: each draw ``b`` picks N
regions with replacement (within each stratum, e.g. each side of the border, so both sides keep
their number of regions), the whole N x T block of the drawn regions is kept (the years of one
region stay together, which keeps its persistence), and the statistic is recomputed for every
year::

    y*_b = y[i_b1 .. i_bN, :],    s*_b(t) = S(y*_b(., t)),    b = 1 .. B

(Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 6 and 13: the bootstrap
standard error and percentile interval; ch. 16: the achieved significance level). A trend's
uncertainty is that of the slope of ``s*_b`` on time over the draws: its standard deviation is the
standard error, its ``alpha/2`` and ``1 - alpha/2`` quantiles the percentile interval, and the
two-sided p-value of ``H0: slope = 0`` is the smallest level at which that interval excludes 0::

    p = min(1, 2 min((1 + #{b: slope*_b <= 0}) / (B + 1), (1 + #{b: slope*_b >= 0}) / (B + 1)))

which is never below ``2 / (B + 1)`` (no p of 1e-119 from 12 yearly points). Pure numpy, every
draw at once (arrays B x N x T); seeded (``numpy.random.default_rng(seed)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "between_share_theil",
    "bootstrap_band",
    "panel_band",
    "bootstrap_indices",
    "bootstrap_regions",
    "bootstrap_trend",
    "sd_log",
    "trend_slopes",
]

#: a statistic over regions: values (..., N, T) and weights (same shape, or None) -> (..., T)
Statistic = Callable[[np.ndarray, np.ndarray | None], np.ndarray]


def sd_log(y: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Standard deviation (ddof 0) of ``ln y`` over the regions axis (-2) of ``y`` (..., N, T);
    weighted by ``w`` when given: ``sqrt(sum_i w_i (ln y_i - m)^2 / sum_i w_i)``, ``m`` the weighted
    mean of the logs."""
    x = np.log(np.asarray(y, dtype=float))
    if w is None:
        return x.std(axis=-2)
    w = np.asarray(w, dtype=float)
    m = (w * x).sum(axis=-2, keepdims=True) / w.sum(axis=-2, keepdims=True)
    return np.sqrt((w * (x - m) ** 2).sum(axis=-2) / w.sum(axis=-2))


def between_share_theil(groups: Sequence[Any]) -> Statistic:
    """The statistic ``between / total`` of Theil T over the regions axis, by ``groups`` (one
    label per region, in the order of the rows). With population shares ``p_i = w_i / sum w``
    (``1/N`` unweighted), income shares ``s_i = p_i y_i / sum_j p_j y_j`` and group sums ``p_g``,
    ``s_g``: ``T = sum_i s_i ln(s_i / p_i)``, ``between = sum_g s_g ln(s_g / p_g)`` (Shorrocks 1980);
    NaN where ``T = 0``. As :func:`crossborder.measures.decompose.decompose_array`."""
    labels = np.asarray(groups, dtype=object)
    onehot = np.stack([labels == g for g in dict.fromkeys(labels)]).astype(float)  # G x N

    def stat(y: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        w = np.ones_like(y) if w is None else np.asarray(w, dtype=float)
        p = w / w.sum(axis=-2, keepdims=True)
        s = p * y / (p * y).sum(axis=-2, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            total = np.where(s > 0, s * np.log(s / p), 0.0).sum(axis=-2)
            pg = np.einsum("gn,...nt->...gt", onehot, p)
            sg = np.einsum("gn,...nt->...gt", onehot, s)
            between = np.where(sg > 0, sg * np.log(sg / pg), 0.0).sum(axis=-2)
            return np.where(total > 1e-14, between / total, np.nan)

    return stat


def bootstrap_indices(n: int, n_boot: int, rng: np.random.Generator,
                      strata: Sequence[Any] | None = None) -> np.ndarray:
    """(B x n) row indices of ``n_boot`` resamples of ``n`` rows with replacement; with ``strata``
    (one label per row) each row's draw comes from its own stratum, so the labels by position are
    those of the original rows."""
    if n < 1 or n_boot < 1:
        raise ValueError("the bootstrap needs at least one region and one draw")
    if strata is None:
        return rng.integers(0, n, size=(n_boot, n))
    lab = np.asarray(strata, dtype=object)
    if len(lab) != n:
        raise ValueError(f"{len(lab)} strata labels for {n} regions")
    idx = np.empty((n_boot, n), dtype=int)
    for g in dict.fromkeys(lab):
        rows = np.flatnonzero(lab == g)
        idx[:, rows] = rows[rng.integers(0, len(rows), size=(n_boot, len(rows)))]
    return idx


def bootstrap_regions(y: Any, w: Any = None, statistic: Statistic = sd_log, n_boot: int = 999,
                      seed: int = 0, strata: Sequence[Any] | None = None) -> np.ndarray:
    """The statistic on ``n_boot`` resamples of the regions (rows) of ``y`` (N x T): a (B x T)
    array, row ``b`` the statistic of every year on draw ``b`` (whole rows drawn with replacement,
    within ``strata`` when given; see the module docstring). ``w``: weights (N x T) drawn with
    their rows; ``statistic(values, weights)`` reduces the regions axis (-2) of (B x N x T)
    arrays — :func:`sd_log` (default) or :func:`between_share_theil`. Seeded: the same ``seed``
    and shapes give the same draws."""
    y = np.asarray(y, dtype=float)
    if y.ndim != 2:
        raise ValueError("y must be an N x T array (regions x years)")
    idx = bootstrap_indices(y.shape[0], int(n_boot), np.random.default_rng(seed), strata)
    wb = None if w is None else np.asarray(w, dtype=float)[idx]
    return np.asarray(statistic(y[idx], wb), dtype=float)


def trend_slopes(series: Any, t: Any) -> np.ndarray:
    """OLS slope on ``t`` of every row of ``series`` (... x T): ``sum_t (t - tbar) s_t / sum_t (t -
    tbar)^2``."""
    t = np.asarray(t, dtype=float)
    c = (t - t.mean()) / ((t - t.mean()) ** 2).sum()
    return np.asarray(series, dtype=float) @ c


def bootstrap_trend(observed: Any, draws: Any, t: Any, alpha: float = 0.05) -> dict[str, float]:
    """The slope on ``t`` of the ``observed`` series (T) with its bootstrap inference from ``draws``
    (B x T, e.g. :func:`bootstrap_regions`): ``value``, ``se`` (sd of the draws' slopes, ddof 1),
    ``ci_low``/``ci_high`` (percentile interval at ``1 - alpha``), ``pvalue`` (two-sided, the
    module docstring's formula), ``nobs`` (years) and ``n_boot`` (draws with a finite slope)."""
    slopes = trend_slopes(draws, t)
    slopes = slopes[np.isfinite(slopes)]
    B = len(slopes)
    value = float(trend_slopes(observed, t))
    if B < 2:
        return {"value": value, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "pvalue": np.nan, "nobs": int(np.size(t)), "n_boot": B}
    lo, hi = np.quantile(slopes, [alpha / 2, 1 - alpha / 2])
    below = (1 + np.sum(slopes <= 0)) / (B + 1)
    above = (1 + np.sum(slopes >= 0)) / (B + 1)
    return {"value": value, "se": float(slopes.std(ddof=1)), "ci_low": float(lo), "ci_high": float(hi),
            "pvalue": float(min(1.0, 2 * min(below, above))), "nobs": int(np.size(t)), "n_boot": B}


def bootstrap_band(y: Any, w: Any = None, statistic: Statistic = sd_log, *, n_boot: int = 499,
                   seed: int = 0, strata: Sequence[Any] | None = None, alpha: float = 0.05
                   ) -> tuple[np.ndarray, np.ndarray] | None:
    """The percentile band of a yearly statistic over region resamples: per year the ``alpha/2``
    and ``1 - alpha/2`` quantiles of :func:`bootstrap_regions` (Efron & Tibshirani 1993, ch. 13).
    None when ``y`` has a missing value (a region resample of an unbalanced panel would mix
    regions present in different years) or fewer than 3 regions."""
    y = np.asarray(y, dtype=float)
    if y.ndim != 2 or y.shape[0] < 3 or not np.isfinite(y).all():
        return None
    if w is not None and not np.isfinite(np.asarray(w, dtype=float)).all():
        return None
    draws = bootstrap_regions(y, w, statistic, n_boot=n_boot, seed=seed, strata=strata)
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanquantile(draws, [alpha / 2, 1 - alpha / 2], axis=0)
    return lo, hi


def panel_band(panel: Any, statistic: Statistic = sd_log, *, weighted: bool = False,
               n_boot: int = 499, seed: int = 0, alpha: float = 0.05) -> tuple[Any, Any] | None:
    """:func:`bootstrap_band` of a Panel's yearly statistic, resampled within its groups (the sides
    of the border) when it has them: (lower, upper) Series indexed by time, or None."""
    m = panel.to_matrix()
    groups = panel.group_labels()
    strata = groups.reindex(m.regions).to_numpy(object) if groups is not None else None
    w = panel.weight_matrix().values if weighted else None
    got = bootstrap_band(m.values, w, statistic, n_boot=n_boot, seed=seed, strata=strata,
                         alpha=alpha)
    if got is None:
        return None
    return pd.Series(got[0], index=m.times), pd.Series(got[1], index=m.times)
