"""Gamma convergence: how much the ranking of regions changes over time.

Kendall's index of rank concordance between a reference period 0 and a period t (Boyle & McCarthy
1997, Applied Economics Letters 4: 509-512; Siegel 1956):

    gamma_t = Var(R_i0 + R_it) / Var(2 R_i0)

with R_it the rank of region i in period t (average ranks for ties), over the regions observed in
both periods. gamma = 1 when the ranks are unchanged and falls towards 0 as they reshuffle; a falling
gamma is gamma convergence (mobility within the distribution).

Multi-annual index (``kind="multiannual"``; Boyle & McCarthy 1997, Oxford Bulletin of Economics and
Statistics 59: 257-264; 1999, Applied Economics Letters 6: 343-347): the concordance of the ranks
over every period of a window at once,

    gamma*_t = Var(sum_{s=0}^{t} R_is) / ((t + 1)^2 Var(R_i0))

over the t + 1 periods from ``ref`` (s = 0) to t, with the regions observed in every one of them
(ranks within each period among those regions). gamma* = 1 when the ranking never changes; for two
periods it equals the binary index.

R convergEU's ``gamma_conv`` (the "KI" of Eurofound 2018) documents this formula but computes
Var(sum R) / ((T + 2)^2 Var(R_0)): ``numTime`` already counts the T + 1 periods of the window and
the code squares ``numTime + 1``. Its value is therefore ours times (T + 1)^2 / (T + 2)^2 (0.7347 =
36/49 for six periods whose ranks never change, where the index is 1). It also sums the ranks of
every period up to ``last``, including those before ``ref``. Ours is the published formula.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from ..panel import Panel
from ._arrays import panel_arrays
from ._checks import check_int
from ._degenerate import not_computed

__all__ = ["check_gamma", "gamma", "gamma_array", "gamma_multiannual_array"]


def gamma_array(values: np.ndarray, ref: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Kendall's concordance of each column of an N x T array with column ``ref``: (gamma, n)."""
    y = np.asarray(values, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"expected an N x T array, got shape {y.shape}")
    ref = check_int("ref", ref, minimum=0, maximum=max(y.shape[1] - 1, 0))
    n_reg, n_t = y.shape
    if y.size == 0:
        n = np.zeros(n_t, dtype=np.int64)
        return np.full(n_t, np.nan), n
    base = y[:, ref]
    ok_t = np.isfinite(y)
    ok_0 = np.isfinite(base)
    both = ok_t & ok_0[:, None]
    n = both.sum(axis=0)
    full = bool(both.all())
    # ranks of every period among the regions observed in it and in ``ref`` (one sort of a T x N
    # copy); the reference ranked once, restricted to each period's regions by counting
    yt = np.where(both, y, np.nan).T.copy(order="C") if not full else y.T.copy(order="C")
    r_t = _average_ranks(yt).T
    r_0 = _base_ranks(base, ok_0, both, full)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = _var_masked(r_0 + r_t, both, n, full)
        den = 4.0 * _var_masked(r_0, both, n, full) if not full else np.full(n_t, 4.0 * _var_full(r_0))
        out = num / den
    out[(n < 2) | ~(den > 0)] = np.nan
    return out, n


def _average_ranks(a: np.ndarray) -> np.ndarray:
    """Average ranks (1 ... n, ties sharing their mean rank) along each row of a T x N array, NaN
    last; the ranks of NaN cells are meaningless (the caller masks them)."""
    t, n = a.shape
    order = np.argsort(a, axis=1)
    s = np.take_along_axis(a, order, axis=1)
    pos = np.arange(1, n + 1, dtype=float)
    tie = s[:, 1:] == s[:, :-1]
    if tie.any():
        # a run of equal values at sorted positions i..j shares the rank (i + j) / 2
        idx = np.broadcast_to(np.arange(n), (t, n))
        starts = np.ones((t, n), dtype=bool)
        starts[:, 1:] = ~tie
        ends = np.ones((t, n), dtype=bool)
        ends[:, :-1] = ~tie
        first = np.maximum.accumulate(np.where(starts, idx, 0), axis=1)
        last = np.minimum.accumulate(np.where(ends, idx, n)[:, ::-1], axis=1)[:, ::-1]
        sorted_ranks = (first + last) / 2.0 + 1.0
    else:
        sorted_ranks = np.broadcast_to(pos, (t, n))
    out = np.empty((t, n))
    np.put_along_axis(out, order, sorted_ranks, axis=1)
    return out


def _base_ranks(base: np.ndarray, ok_0: np.ndarray, both: np.ndarray, full: bool) -> np.ndarray:
    """N x T ranks of the reference values among the regions of each period (``both``), from one
    sort of the reference: a region's rank is the count of included regions up to its run of ties,
    averaged over the run."""
    if full:
        return _average_ranks(base[None, :])[0][:, None]
    n = base.shape[0]
    order = np.argsort(np.where(ok_0, base, np.nan))
    s = base[order]
    inc = both[order].astype(np.int64)  # N x T, in the reference's sorted order
    c = np.cumsum(inc, axis=0)  # included regions up to and including this one
    tie = s[1:] == s[:-1]  # NaN never ties
    idx = np.arange(n)
    starts = np.ones(n, dtype=bool)
    starts[1:] = ~tie
    ends = np.ones(n, dtype=bool)
    ends[:-1] = ~tie
    first = np.maximum.accumulate(np.where(starts, idx, 0))
    last = np.minimum.accumulate(np.where(ends, idx, n)[::-1])[::-1]
    # ranks of the included members of a run: from (included before the run) + 1 to (included up
    # to its end); their mean
    before = c[first] - inc[first]
    ranks_sorted = (before + 1 + c[last]) / 2.0
    out = np.empty_like(ranks_sorted)
    out[order] = ranks_sorted
    return out


def _var_full(a: np.ndarray) -> float:
    return float(np.var(a))


def _var_masked(a: np.ndarray, mask: np.ndarray, n: np.ndarray, full: bool) -> np.ndarray:
    """Population variance of each column of ``a`` over the rows where ``mask`` holds (two-pass)."""
    if full:
        return np.var(a, axis=0)
    a0 = np.where(mask, a, 0.0)
    mean = a0.sum(axis=0) / n
    d = np.where(mask, a - mean, 0.0)
    return np.einsum("ij,ij->j", d, d) / n


def gamma_multiannual_array(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Multi-annual rank concordance of an N x T array over the windows [0, t], t = 0 .. T - 1:
    (gamma*, n), with n the regions observed in every period of the window (module docstring)."""
    y = np.asarray(values, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"expected an N x T array, got shape {y.shape}")
    n_t = y.shape[1]
    out = np.full(n_t, np.nan)
    if y.size == 0:
        return out, np.zeros(n_t, dtype=np.int64)
    # regions observed in every period up to t; the set only shrinks, so the windows fall into a
    # few blocks with the same regions, each ranked once
    cum = np.logical_and.accumulate(np.isfinite(y), axis=1)
    n = cum.sum(axis=0)
    j0 = 0
    for j in range(n_t):
        if j + 1 < n_t and (cum[:, j + 1] == cum[:, j]).all():
            continue
        rows = cum[:, j]
        if rows.sum() >= 2:
            r = _average_ranks(y[rows, : j + 1].T)  # (j + 1) x n_j ranks, one row per period
            s = np.cumsum(r, axis=0)[j0: j + 1]  # rank sums over [0, t] for t in the block
            den = np.var(r[0])
            if den > 0:
                k = np.arange(j0, j + 1, dtype=float) + 1.0
                out[j0: j + 1] = np.var(s, axis=1) / (k * k * den)
        j0 = j + 1
    return out, n


def check_gamma(g: np.ndarray, n: np.ndarray, ref: Any) -> None:
    """Refuse a concordance that is undefined in every period (shared with
    :mod:`crossborder.scale`): the values of the reference period are tied in every region (e.g.
    constant data), so its ranks have no variance to compare with."""
    g, n = np.asarray(g, dtype=float), np.asarray(n)
    if len(g) and (n >= 2).any() and not np.isfinite(g[n >= 2]).any():
        ref = ref.item() if isinstance(ref, np.generic) else ref
        raise not_computed("gamma", f"the values of {ref} are the same in every region: their "
                                    "ranks are all tied, and the concordance with them is undefined")


def gamma(panel: Panel, ref: Any = None, last: Any = None,
          kind: Literal["binary", "multiannual"] = "binary") -> pd.DataFrame:
    """Kendall's rank concordance of every period with a reference period (gamma convergence).

    Parameters
    ----------
    panel : Panel
        Values of one indicator, region x time (ranks do not change under a monotone transform
        such as a log).
    ref : time label, optional
        The reference period (default: the first).
    last : time label, optional
        The last period reported (default: the last).
    kind : {"binary", "multiannual"}, default "binary"
        ``"binary"``: period t against ``ref`` (Boyle & McCarthy's binary index);
        ``"multiannual"``: the ranks of every period of the window [``ref``, t] at once, normalised
        by (T + 1)^2 as Boyle & McCarthy publish it (convergEU uses (T + 2)^2: module docstring).

    Returns
    -------
    DataFrame
        Indexed by time, with ``gamma`` and ``n`` (regions observed in both periods, resp. in every
        period of the window).

    Notes
    -----
    Binary: gamma_t = var(R_i,t + R_i,ref) / var(2 R_i,ref), with R the ranks; 1 = the same order,
    lower values = more mobility in the ranking (gamma convergence).

    References
    ----------
    Boyle, G. E. & McCarthy, T. G. (1997). Applied Economics Letters 4: 509-512 (binary index);
    Oxford Bulletin of Economics and Statistics 59: 257-264 (multi-annual index).

    Examples
    --------
    >>> from crossborder import Panel, gamma
    >>> p = Panel.from_matrix([[1.0, 1.0, 3.0], [2.0, 2.0, 2.0], [3.0, 3.0, 1.0]],
    ...                       regions=["A", "B", "C"], times=[2000, 2001, 2002])
    >>> gamma(p)["gamma"].tolist()
    [1.0, 1.0, 0.0]
    """
    import warnings

    if kind not in ("binary", "multiannual"):
        raise ValueError(f"kind must be 'binary' or 'multiannual', got {kind!r}")
    y, _, _, times = panel_arrays(panel, weighted=False)
    i0 = 0 if ref is None else _position(times, ref)
    i1 = len(times) - 1 if last is None else _position(times, last)
    if i1 < i0:
        raise ValueError(f"last ({times[i1]!r}) is before ref ({times[i0]!r})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nanvar of an all-NaN column
        if kind == "multiannual":
            g, n = gamma_multiannual_array(y[:, i0:i1 + 1])
        else:
            g, n = gamma_array(y[:, i0:i1 + 1], 0)
    check_gamma(g, n, times[i0])
    return pd.DataFrame({"gamma": g, "n": n}, index=pd.Index(times[i0:i1 + 1], name=panel.time_name))


def _position(times: pd.Index, label: Any) -> int:
    if label not in times:
        raise ValueError(f"{label!r} is not a time of the panel")
    return int(times.get_loc(label))
