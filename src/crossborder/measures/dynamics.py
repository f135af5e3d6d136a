"""Distribution dynamics: discrete Markov chains of regions moving between income classes.

Each region's value in each period is put in one of ``k`` classes (per-period quantiles or fixed
cut points) and the transitions between consecutive periods are counted (Quah 1993; Rey 2001).
The maximum-likelihood transition probabilities are the row shares of the counts,
``p_ij = n_ij / sum_j n_ij`` (Anderson & Goodman 1957).

The spatial Markov chain (Rey 2001) counts the same transitions separately for each class of the
region's spatial lag (the mean of its neighbours' values) at the start of the transition.

Everything is vectorised over the whole N x T matrix: per-period cut points with one quantile
call, classes by broadcast comparison, counts with one ``np.bincount`` of ``from * k + to`` codes.
A transition with a missing value at either end is skipped and reported, never silently dropped.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._display import displayable
from ..errors import DataError
from ..panel import Matrix, Panel
from ._arrays import as_matrix as _as_matrix
from ._arrays import time_name as _time_name
from ._checks import check_bool, check_int, check_number
from ._degenerate import not_computed
from ._weights import aligned_weights, spatial_lag

__all__ = [
    "MarkovResult",
    "SpatialMarkovResult",
    "classify",
    "markov",
    "mobility_indices",
    "quantile_cuts",
    "spatial_markov",
    "steady_state",
    "transition_counts",
]

Classes = str | Sequence[float] | np.ndarray


# ---------------------------------------------------------------------------- kernels
def quantile_cuts(values: np.ndarray, k: int) -> np.ndarray:
    """Per-column quantile cut points of an N x T array: shape (k - 1, T), NaN-aware.

    Cut ``c`` of period ``t`` is the ``c/k`` quantile of the observed values of that period with
    linear interpolation (``numpy`` default, as ``scipy.stats.scoreatpercentile`` used by
    ``mapclassify.Quantiles``). A period with no value gets NaN cuts.
    """
    k = check_int("k", k, minimum=1)
    y = np.asarray(values, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    q = np.arange(1, k) / k
    if k < 2:
        return np.empty((0, y.shape[1]))
    # the order statistics at floor/ceil of q * (n_t - 1) of each period, interpolated linearly;
    # one partial sort (np.partition at those positions, NaN last) of a contiguous T x N copy per
    # distinct count of observed values, instead of a full sort
    t = y.shape[1]
    s = y.T.copy(order="C")  # T x N, never a view: partitioned in place
    n = (~np.isnan(s)).sum(axis=1)  # T
    pos = q[:, None] * (n[None, :] - 1)  # (k-1) x T
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0)[None, :])
    lo = np.maximum(lo, 0)
    frac = pos - np.floor(pos)
    vlo = np.full(lo.shape, np.nan)
    vhi = np.full(lo.shape, np.nan)
    for count in np.unique(n):
        if count == 0:
            continue
        cols = np.flatnonzero(n == count)
        # columns with the same count share their positions (a row of lo/hi per cut)
        kth = np.unique(lo[:, cols[0]])
        part = s if len(cols) == t else s[cols]
        part.partition(kth, axis=1)
        # the next order statistic after a kth one is the smallest value of the block up to the
        # next kth position (the last block also holds the NaN, in any order: fmin skips them)
        bounds = np.append(kth[1:], s.shape[1])
        for c in range(len(q)):
            a, b = lo[c, cols[0]], hi[c, cols[0]]
            vlo[c, cols] = part[:, a]
            stop = bounds[np.searchsorted(kth, a)]
            if b == a or b == stop:  # already in place
                vhi[c, cols] = part[:, b]
            else:
                vhi[c, cols] = np.fmin.reduce(part[:, b:stop], axis=1)
    cuts = vlo + frac * (vhi - vlo)
    cuts[:, n == 0] = np.nan
    return cuts


def classify(values: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Class of each value: the number of cut points strictly below it (0 ... k-1), -1 if NaN.

    ``cuts`` is ``(k - 1,)`` (the same cut points every period) or ``(k - 1, T)`` (one set per
    period). A value equal to a cut point falls in the lower class, as in ``mapclassify``.
    """
    y = np.asarray(values, dtype=float)
    c = np.asarray(cuts, dtype=float)
    if c.ndim == 1:
        c = c[:, None]
    k = c.shape[0] + 1
    dtype = np.int8 if k < 127 else np.int32
    out = np.zeros(y.shape, dtype=dtype)
    for j in range(k - 1):  # k - 1 broadcast comparisons over the whole N x T array
        out += y > c[j]
    out[np.isnan(y)] = -1
    return out


def transition_counts(classes: np.ndarray, k: int, condition: np.ndarray | None = None,
                      m: int | None = None) -> tuple[np.ndarray, int]:
    """Counts of transitions between consecutive columns of an N x T class array.

    Returns ``(counts, skipped)``: counts is k x k (or m x k x k when ``condition`` gives a class
    0 ... m-1 of each origin cell, e.g. the spatial-lag class), ``skipped`` the number of pairs
    with -1 (missing) at either end or in the condition.
    """
    k = check_int("k", k, minimum=1)
    if m is not None:
        m = check_int("m", m, minimum=1)
    c = np.asarray(classes)
    m = 1 if condition is None else int(m if m is not None else np.max(condition) + 1)
    size = m * k * k
    # the smallest integer type that holds every code keeps the arithmetic cheap
    dt = np.int16 if size < 2**15 else np.int64
    a, b = c[:, :-1].astype(dt, copy=False), c[:, 1:].astype(dt, copy=False)
    ok = (a >= 0) & (b >= 0)
    code = a * dt(k) + b
    if condition is not None:
        g = np.asarray(condition)[:, :-1].astype(dt, copy=False)
        ok &= g >= 0
        code += g * dt(k * k)
    n_ok = int(np.count_nonzero(ok))
    codes = code.ravel() if n_ok == ok.size else code[ok]
    counts = np.bincount(codes, minlength=size)
    skipped = int(ok.size - n_ok)
    shape = (k, k) if condition is None else (m, k, k)
    return counts.reshape(shape), skipped


def _probabilities(counts: np.ndarray) -> np.ndarray:
    """Row shares of the counts; a row with no transitions is all zeros."""
    rows = counts.sum(axis=-1, keepdims=True)
    return counts / np.where(rows == 0, 1, rows)


def _filled(p: np.ndarray) -> np.ndarray:
    """P with empty rows (no observed origin) made absorbing: p_ii = 1, so rows sum to one."""
    p = np.array(p, dtype=float)
    empty = p.sum(axis=1) == 0
    p[empty, empty] = 1.0
    return p


def steady_state(p: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Stationary distribution pi with pi P = pi, sum pi = 1 (left eigenvector for eigenvalue 1).

    All NaN when it is not unique (more than one recurrent class). Empty rows are made absorbing
    first.
    """
    tol = check_number("tol", tol, low=0, low_open=True)
    p = _filled(p)
    w, v = np.linalg.eig(p.T)
    one = np.abs(w - 1.0) < tol
    if one.sum() != 1:
        return np.full(p.shape[0], np.nan)
    pi = np.real(v[:, np.argmax(one)])
    pi = pi / pi.sum()
    return np.where(np.abs(pi) < 1e-15, 0.0, pi)


def mobility_indices(p: np.ndarray) -> dict[str, float]:
    """Summary mobility indices of a k x k transition matrix (0 = immobile).

    - ``shorrocks``: (k - trace P) / (k - 1) (Shorrocks 1978, "P" in giddy);
    - ``determinant``: 1 - |det P|^(1/(k-1)) (Shorrocks 1978); giddy's "D" is 1 - |det P|
      (Geweke, Marshall & Zarkin 1986), given here as ``determinant_gmz``;
    - ``l2``: 1 - |lambda_2|, one minus the second-largest eigenvalue modulus
      (Sommers & Conlisk 1979);
    - ``bartholomew``: sum_ij p_ij |i - j| / (k (k - 1)), the mean number of classes moved from a
      uniform start, scaled to [0, 1] (Bartholomew 1973; giddy "B2").
    """
    p = _filled(p)
    k = p.shape[0]
    if k < 2:
        return {key: np.nan for key in ("shorrocks", "determinant", "determinant_gmz", "l2",
                                        "bartholomew")}
    det = abs(np.linalg.det(p))
    eig = np.sort(np.abs(np.linalg.eigvals(p)))[::-1]
    ij = np.abs(np.subtract.outer(np.arange(k), np.arange(k)))
    return {
        "shorrocks": float((k - np.trace(p)) / (k - 1)),
        "determinant": float(1.0 - det ** (1.0 / (k - 1))),
        "determinant_gmz": float(1.0 - det),
        "l2": float(1.0 - eig[1]),
        "bartholomew": float((p * ij).sum() / (k * (k - 1))),
    }


def sojourn_times(p: np.ndarray) -> np.ndarray:
    """Expected periods a region stays in each class: 1 / (1 - p_ii) (inf if p_ii = 1)."""
    d = np.diagonal(np.asarray(p, dtype=float), axis1=-2, axis2=-1)
    with np.errstate(divide="ignore"):
        return 1.0 / (1.0 - d)


# ---------------------------------------------------------------------------- inputs
def _relative(y: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return y / np.nanmean(y, axis=0, keepdims=True) if y.size else y


def _cuts_for(y: np.ndarray, classes: Classes, k: int | None, what: str) -> tuple[np.ndarray, str]:
    """Cut points for ``classes`` ("quantile" per period, "pooled" quantiles, or given cuts)."""
    if k is not None:
        k = check_int(f"{what}: k" if what == "markov" else f"{what}: m", k, minimum=2)
    if isinstance(classes, str):
        if classes not in ("quantile", "pooled"):
            raise DataError(f"{what}: classes must be 'quantile', 'pooled' or an array of cut "
                            f"points, got {classes!r}")
        k = 5 if k is None else k
        if classes == "quantile":
            return quantile_cuts(y, k), "quantile"
        return quantile_cuts(y.reshape(-1, 1), k)[:, 0], "pooled"
    cuts = np.asarray(classes, dtype=float).ravel()
    if cuts.size == 0 or np.any(np.diff(cuts) <= 0) or not np.isfinite(cuts).all():
        raise DataError(f"{what}: cut points must be increasing finite numbers, got {cuts.tolist()}")
    if k is not None and k != cuts.size + 1:
        raise DataError(f"{what}: {cuts.size} cut points make {cuts.size + 1} classes, not k={k}")
    return cuts, "bins"


def check_markov_data(times: Sequence[Any], low: np.ndarray, high: np.ndarray, kind: str,
                      n_transitions: int, what: str = "markov") -> None:
    """Refuse a chain the data do not define (shared with :mod:`crossborder.scale`): one period (no
    transition), no region observed in two consecutive periods, or quantile classes of a period
    whose values are all equal (``low``/``high``: the smallest and largest value per period, or of
    all periods for pooled classes): every region falls in the first class and the "mobility" is 0
    by construction. Fixed cut points classify equal values as well as any."""
    if len(times) < 2:
        only = f" ({_plain(times[0])})" if len(times) else ""
        raise not_computed(what, f"one period{only}: a transition needs two consecutive periods")
    if kind != "bins":
        lo, hi = np.atleast_1d(np.asarray(low, dtype=float)), np.atleast_1d(np.asarray(high, dtype=float))
        with np.errstate(invalid="ignore"):
            tied = np.isfinite(lo) & np.isfinite(hi) & (hi - lo <= 1e-12 * np.maximum(abs(lo), abs(hi)))
        if tied.any():
            j = int(np.flatnonzero(tied)[0])
            when = "all periods" if kind == "pooled" else f"{_plain(times[j])}"
            raise not_computed(what, f"the values of {when} are all equal ({lo[j]:.6g}, constant "
                                     "data): quantile classes cannot be formed; give fixed cut "
                                     "points")
    if n_transitions == 0:
        raise not_computed(what, "no region has a value in two consecutive periods: no transition "
                                 "to count")


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _labels(kind: str, cuts: np.ndarray, k: int) -> tuple[str, ...]:
    if kind != "bins":
        prefix = "Q" if kind == "quantile" else "P"
        return tuple(f"{prefix}{i + 1}" for i in range(k))
    edges = ["-inf", *(f"{c:g}" for c in cuts), "inf"]
    out = [f"({edges[i]}, {edges[i + 1]}]" for i in range(k)]
    out[-1] = out[-1][:-1] + ")"
    return tuple(out)


# ---------------------------------------------------------------------------- results
@displayable
@dataclass(frozen=True, eq=False)
class MarkovResult:
    """A discrete Markov chain of distribution dynamics.

    ``counts[i, j]`` transitions from class i to class j between consecutive periods,
    ``probabilities`` their row shares, ``steady_state`` the ergodic distribution (NaN if not
    unique), ``classes`` the N x T class of every cell (-1 = missing), ``cuts`` the cut points
    ((k-1) x T per period for quantiles, (k-1,) otherwise), ``skipped`` the number of
    consecutive pairs left out for a missing value at either end.
    """

    counts: np.ndarray
    probabilities: np.ndarray
    steady_state: np.ndarray
    classes: np.ndarray
    cuts: np.ndarray
    labels: tuple[str, ...]
    regions: pd.Index
    times: pd.Index
    kind: str
    relative: bool
    skipped: int

    @property
    def k(self) -> int:
        return len(self.labels)

    @property
    def n_regions(self) -> int:
        return len(self.regions)

    @property
    def n_transitions(self) -> int:
        return int(self.counts.sum())

    @property
    def mobility(self) -> dict[str, float]:
        """Mobility indices of the transition matrix (see :func:`mobility_indices`)."""
        return mobility_indices(self.probabilities)

    @property
    def sojourn(self) -> np.ndarray:
        """Expected time in each class, 1 / (1 - p_ii), in periods."""
        return sojourn_times(self.probabilities)

    @property
    def empty_classes(self) -> tuple[str, ...]:
        """Classes never observed at the start of a transition (their row of P is zero)."""
        return tuple(lab for lab, n in zip(self.labels, self.counts.sum(axis=1), strict=True)
                     if n == 0)

    def skipped_pairs(self) -> pd.DataFrame:
        """The consecutive pairs left out: region, from_time, to_time, and which end is missing."""
        c = self.classes
        a, b = c[:, :-1] < 0, c[:, 1:] < 0
        ri, ti = np.nonzero(a | b)
        return pd.DataFrame({
            "region": self.regions[ri],
            "from_time": self.times[ti],
            "to_time": self.times[ti + 1],
            "missing_from": a[ri, ti],
            "missing_to": b[ri, ti],
        })

    def class_table(self) -> pd.DataFrame:
        """Region x time table of class labels (missing where the value is)."""
        lab = np.asarray(self.labels + (None,), dtype=object)
        return pd.DataFrame(lab[self.classes], index=self.regions, columns=self.times)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per (from, to) class with the count and the probability."""
        k = self.k
        lab = np.asarray(self.labels, dtype=object)
        return pd.DataFrame({
            "from_class": np.repeat(lab, k),
            "to_class": np.tile(lab, k),
            "count": self.counts.ravel(),
            "probability": self.probabilities.ravel(),
        })

    def matrix(self) -> pd.DataFrame:
        """k x k probabilities with class labels, the steady state and sojourn times as columns."""
        df = pd.DataFrame(self.probabilities, index=list(self.labels), columns=list(self.labels))
        df.index.name = "from"
        df["n"] = self.counts.sum(axis=1)
        df["steady_state"] = self.steady_state
        df["sojourn"] = self.sojourn
        return df

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The transition matrix as a heat map (:func:`crossborder.charts.transition_chart`);
        ``ax``: draw on this Axes and return it."""
        from ..charts import transition_chart  # matplotlib only when a chart is asked for

        return transition_chart(self, ax=ax, **kwargs)

    def summary(self) -> str:
        mob = ", ".join(f"{k} {v:.4f}" for k, v in self.mobility.items())
        what = {"quantile": "per-period quantile", "pooled": "pooled quantile",
                "bins": "fixed"}[self.kind]
        lines = [
            f"Markov chain: {self.n_regions} regions, {len(self.times)} periods, {self.k} "
            f"{what} classes{' of values relative to the period mean' if self.relative else ''}",
            f"{self.n_transitions} transitions, {self.skipped} pairs skipped (missing value)",
            self.matrix().round(4).to_string(),
            f"mobility: {mob}",
        ]
        if self.empty_classes:
            lines.append(f"classes with no transitions out: {list(self.empty_classes)}")
        return "\n".join(lines)


@displayable
@dataclass(frozen=True, eq=False)
class SpatialMarkovResult:
    """A spatial Markov chain: transitions conditioned on the class of the neighbours' mean.

    ``counts[l, i, j]`` transitions from class i to class j of regions whose spatial lag was in
    lag class l at the start; ``probabilities`` row shares per lag class, ``steady_states`` one per
    lag class; ``pooled`` the ordinary chain of the same classes (all transitions);
    ``lag_classes`` the N x T lag class of every cell; ``islands`` regions without neighbours
    (their transitions are skipped).
    """

    counts: np.ndarray
    probabilities: np.ndarray
    steady_states: np.ndarray
    pooled: MarkovResult
    lag_classes: np.ndarray
    lag_cuts: np.ndarray
    lag_labels: tuple[str, ...]
    islands: tuple[Any, ...]
    skipped: int

    @property
    def labels(self) -> tuple[str, ...]:
        return self.pooled.labels

    @property
    def sojourn(self) -> np.ndarray:
        """m x k expected times in each class given the lag class."""
        return sojourn_times(self.probabilities)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: lag class, from class, to class, count, probability."""
        m, k, _ = self.counts.shape
        lab = np.asarray(self.labels, dtype=object)
        return pd.DataFrame({
            "lag_class": np.repeat(np.asarray(self.lag_labels, dtype=object), k * k),
            "from_class": np.tile(np.repeat(lab, k), m),
            "to_class": np.tile(lab, m * k),
            "count": self.counts.ravel(),
            "probability": self.probabilities.ravel(),
        })

    def summary(self) -> str:
        lines = [
            f"Spatial Markov chain: {self.pooled.k} classes x {len(self.lag_labels)} lag classes, "
            f"{int(self.counts.sum())} transitions, {self.skipped} pairs skipped"
        ]
        if self.islands:
            lines.append(f"regions without neighbours (skipped): {list(self.islands)}")
        for lab, p, n, s in zip(self.lag_labels, self.probabilities, self.counts,
                                self.steady_states, strict=True):
            df = pd.DataFrame(p, index=list(self.labels), columns=list(self.labels))
            df["n"] = n.sum(axis=1)
            df["steady_state"] = s
            lines += [f"-- neighbours in {lab}", df.round(4).to_string()]
        return "\n".join(lines)


# ---------------------------------------------------------------------------- wrappers
def markov(
    panel: Panel | Matrix | np.ndarray,
    k: int | None = None,
    classes: Classes = "quantile",
    relative: bool = False,
) -> MarkovResult:
    """Discrete Markov chain of the regions' classes over consecutive periods (distribution dynamics).

    Parameters
    ----------
    panel : Panel, Matrix or ndarray
        Region x time values.
    k : int, optional
        The number of classes (default 5 with quantiles).
    classes : "quantile", "pooled" or array, default "quantile"
        ``"quantile"``: per-period quantile classes, cut points by linear interpolation, a value equal
        to a cut point in the lower class (as ``mapclassify.Quantiles``; unlike it, tied cut points
        are kept, so a period may have an empty class rather than fewer classes). ``"pooled"``:
        quantiles of all periods together. An array: fixed cut points (k = len + 1 classes, each
        class ``(c_{i-1}, c_i]``).
    relative : bool, default False
        Divide each period by its cross-section mean first (use it with fixed cut points such as
        ``[0.8, 1, 1.2]``).

    Returns
    -------
    MarkovResult
        ``counts``, ``probabilities`` (row shares), ``steady_state``, the N x T ``classes``, ``cuts``,
        ``skipped`` transitions, mobility indices (``summary()``), ``plot()``.

    Notes
    -----
    p_ij = n_ij / sum_j n_ij over the transitions between consecutive columns of the panel (whatever
    the time step); the steady state solves pi P = pi. A one-period panel or constant values are
    refused ("not computed"), not a matrix of zeros.

    References
    ----------
    Quah, D. (1993). Empirical cross-section dynamics in economic growth. European Economic Review
    37: 426-434. Rey, S. J. (2001). Spatial empirics for economic growth and convergence.
    Geographical Analysis 33: 195-214.

    Examples
    --------
    >>> from crossborder import Panel, markov
    >>> p = Panel.from_matrix([[1.0, 4.0], [2.0, 3.0], [3.0, 2.0], [4.0, 1.0]], regions=list("ABCD"),
    ...                       times=[2000, 2001])
    >>> markov(p, k=2).counts.tolist()                        # the two halves swap
    [[0, 2], [2, 0]]
    """
    check_bool("relative", relative)
    mat = _as_matrix(panel)
    y = mat.values
    if relative:
        y = _relative(y)
    cuts, kind = _cuts_for(y, classes, k, "markov")
    kk = cuts.shape[0] + 1
    cls = classify(y, cuts)
    counts, skipped = transition_counts(cls, kk)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN period
        lo, hi = ((np.nanmin(y, axis=0), np.nanmax(y, axis=0)) if kind == "quantile"
                  else (np.nanmin(y), np.nanmax(y)))
    check_markov_data(mat.times, lo, hi, kind, int(counts.sum()))
    p = _probabilities(counts)
    return MarkovResult(
        counts=counts,
        probabilities=p,
        steady_state=steady_state(p),
        classes=cls,
        cuts=cuts,
        labels=_labels(kind, cuts, kk),
        regions=mat.regions,
        times=mat.times.rename(_time_name(panel)),     # class_table()'s columns axis
        kind=kind,
        relative=relative,
        skipped=skipped,
    )


def spatial_markov(
    panel: Panel | Matrix | np.ndarray,
    weights: Any,
    k: int | None = None,
    classes: Classes = "quantile",
    lag_classes: Classes | None = None,
    m: int | None = None,
    relative: bool = False,
) -> SpatialMarkovResult:
    """Spatial Markov chain: transitions counted per class of the spatial lag.

    Parameters
    ----------
    panel : Panel, Matrix or ndarray
        Region x time values.
    weights : libpysal W, Graph or ndarray
        Neighbours: a ``W``/``Graph`` whose ids are the panel's regions, or an N x N matrix in the
        panel's row order (row-standardised here).
    k, classes, relative
        The classes of the values, as :func:`markov`.
    lag_classes : optional
        The classes of the lag (default ``classes``).
    m : int, optional
        The number of lag classes (default ``k``).

    Returns
    -------
    SpatialMarkovResult
        ``counts[l, i, j]`` (transitions from class i to j of regions whose lag was in class l),
        ``probabilities`` and ``steady_states`` per lag class, the ``pooled`` chain, ``lag_classes``
        and the ``islands``.

    Notes
    -----
    The spatial lag of a region is the mean of its neighbours' values in the same period (neighbours
    with a missing value left out); the lag class at the start of a transition conditions it. Regions
    without neighbours have no lag: their transitions are skipped. With per-period quantiles this is
    ``giddy.markov.Spatial_Markov(..., fixed=False)``.

    References
    ----------
    Rey, S. J. (2001). Spatial empirics for economic growth and convergence. Geographical Analysis
    33: 195-214.
    """
    mat = _as_matrix(panel)
    pooled = markov(mat, k=k, classes=classes, relative=relative)
    y = _relative(mat.values) if relative else mat.values
    aw = aligned_weights(weights, mat.regions)
    lag = spatial_lag(aw.matrix, y)
    if lag_classes is None:
        lag_classes = classes
    if m is None and isinstance(lag_classes, str):
        m = pooled.k
    lcuts, lkind = _cuts_for(lag, lag_classes, m, "spatial_markov lag")
    mm = lcuts.shape[0] + 1
    lcls = classify(lag, lcuts)
    counts, skipped = transition_counts(pooled.classes, pooled.k, condition=lcls, m=mm)
    p = _probabilities(counts)
    lag_labels = _labels(lkind, lcuts, mm)
    if lkind != "bins":
        lag_labels = tuple(f"lag {lab}" for lab in lag_labels)
    return SpatialMarkovResult(
        counts=counts,
        probabilities=p,
        steady_states=np.array([steady_state(pi) for pi in p]),
        pooled=pooled,
        lag_classes=lcls,
        lag_cuts=lcuts,
        lag_labels=lag_labels,
        islands=aw.islands,
        skipped=skipped,
    )
