"""Sigma convergence: dispersion and inequality of regions, one value per period.

Every kernel works on an N x T array (regions x periods) with NaN where a value is missing, and
returns one value per period, vectorised over the time axis. A region missing in a year (or, for a
weighted measure, missing its weight or with a zero weight) is left out of that year only. A year with
fewer than two regions gives NaN.

Notation for one period: values y_i, weights w_i (population; w_i = 1 when unweighted), population
shares p_i = w_i / sum w, the (weighted) mean mu = sum p_i y_i, r_i = y_i / mu, income shares
s_i = p_i r_i.

=============  =============================================================================
measure        formula
=============  =============================================================================
``sd``         sqrt(sum (y_i - mu)^2 / (n - ddof)); weighted: sqrt(sum p_i (y_i - mu)^2)
``var``        the square of ``sd``
``sd_log``     ``sd`` of ln y (values must be > 0)
``var_log``    ``var`` of ln y
``cv``         sd / mu
``williamson`` population-weighted cv: sqrt(sum p_i (y_i - mu)^2) / mu (Williamson 1965), always
               weighted
``gini``       sum_i sum_j p_i p_j |y_i - y_j| / (2 mu); unweighted from one sort:
               sum_i (2i - n - 1) y_(i) / (n^2 mu); weighted from the Lorenz curve
               1 - sum_i p_i (L_{i-1} + L_i) with L the cumulative income share
``theil``      Theil T (GE(1)): sum_i p_i r_i ln r_i = sum_i s_i ln(s_i / p_i) (Theil 1967)
``mld``        Theil L, mean log deviation (GE(0)): sum_i p_i ln(1 / r_i) (values must be > 0)
``atkinson``   1 - (sum_i p_i r_i^(1-eps))^(1/(1-eps)); eps = 1: 1 - exp(sum_i p_i ln r_i)
               (Atkinson 1970), ``epsilon`` >= 0, default 0.5
``hoover``     0.5 sum_i |s_i - p_i| (needs a weight; with ``totals=True`` the values are totals,
               e.g. GDP, and s_i = y_i / sum y)
=============  =============================================================================

Differences from peers (we give the textbook value):

* REAT's ``williamson`` takes the deviations from the *unweighted* mean (and divides by the
  weighted one): 0.1909018 on its own example where the textbook formula gives 0.1873097.
  ``compat="reat"`` reproduces REAT.
* REAT's ``theil`` is the mean log deviation, our ``mld``; our ``theil`` is Theil T.
* PySAL ``inequality.theil.Theil`` adds a tiny number to zeros; we use 0 ln 0 = 0 (the limit).

References: Cowell, F. (2011) Measuring Inequality, 3rd ed., Oxford UP; Williamson, J. G. (1965)
Economic Development and Cultural Change 13(4); Sala-i-Martin, X. (1996) Economic Journal 106.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._display import displayable
from ..errors import DataError
from ..panel import Panel
from ._arrays import as_2d, numeric_times, panel_arrays, raise_at, valid_mask, weights_like
from ._checks import check_bool, check_int, check_number
from ._covtype import UNSET, CovType, cov_type_arg
from ._degenerate import nil_spread, not_computed

__all__ = [
    "MEASURES",
    "FTestResult",
    "TrendResult",
    "inequality",
    "sigma",
    "sigma_ftest",
    "sigma_trend",
]

MEASURES: tuple[str, ...] = (
    "sd_log", "var_log", "sd", "var", "cv", "williamson", "gini", "theil", "mld", "atkinson",
    "hoover",
)
_DDOF = {"sd_log", "var_log", "sd", "var", "cv"}
_NONNEG = {"gini", "theil", "atkinson", "hoover"}
_ALWAYS_WEIGHTED = {"williamson", "hoover"}


# ------------------------------------------------------------------ array kernels
class _Prep:
    """Values, weights and mask of one N x T problem, computed once and shared by the kernels.

    Fast path: with no weight and no missing value (checked by one min/max pass) no mask is built.
    """

    def __init__(self, y: np.ndarray, w: np.ndarray | None) -> None:
        self.lo, hi = (float(y.min()), float(y.max())) if y.size else (np.nan, np.nan)
        self.hi = hi
        self.full = w is None and np.isfinite(self.lo) and np.isfinite(hi)
        if self.full:
            self.m = None
            self.y = self.y0 = y
            self.w0 = None
            self.n = np.full(y.shape[1], y.shape[0])
            self.W = self.n.astype(float)
            return
        self.m = valid_mask(y, w)
        self.y = y if w is None else np.where(self.m, y, np.nan)
        # smallest counted value (fmin skips NaN; an infinite value is rejected by the caller)
        self.lo = float(np.fmin.reduce(self.y, axis=None, initial=np.inf))
        self.y0 = np.where(self.m, y, 0.0)
        self.w0 = None if w is None else np.where(self.m, w, 0.0)
        self.n = self.m.sum(axis=0, dtype=np.int64)
        self.W = self.n.astype(float) if w is None else _colsum(self.w0)

    def mask(self) -> np.ndarray:
        return np.ones(self.y.shape, dtype=bool) if self.m is None else self.m

    def total(self, a: np.ndarray, zero_off_mask: bool = False) -> np.ndarray:
        """sum_i w_i a_i per period (``a`` finite everywhere; ``zero_off_mask`` says it is already
        0 where a region does not count, which saves a pass)."""
        if self.w0 is None:
            if self.m is None or zero_off_mask:
                return _colsum(a)
            return _colsum(np.where(self.m, a, 0.0))
        return np.einsum("ij,ij->j", self.w0, a)

    def mean(self, a: np.ndarray) -> np.ndarray:
        return self.total(a) / self.W


def _colsum(a: np.ndarray) -> np.ndarray:
    """Column sums of an N x T array (einsum: no temporary, faster than a strided sum)."""
    return np.einsum("ij->j", a)


def _var(p: _Prep, y0: np.ndarray, ddof: int, center: np.ndarray | None = None) -> np.ndarray:
    # corrected two-pass formula (Chan, Golub & LeVeque 1983): the second term removes the
    # rounding error of the mean, so equal values give exactly 0
    mu = p.mean(y0) if center is None else center
    d = y0 - mu
    ss = p.total(d * d)
    if center is None:
        ss = np.maximum(ss - p.total(d) ** 2 / p.W, 0.0)
    if p.w0 is None:
        return ss / (p.n - ddof)
    return ss / p.W


def _gini(p: _Prep) -> np.ndarray:
    if p.w0 is None:
        # one sort along the region axis (NaN goes last), then a rank-weighted sum
        # sort each period's values in a contiguous T x N copy (faster than a strided axis-0 sort)
        s = p.y.T.copy(order="C")  # never a view: the sort is in place
        s.sort(axis=1)
        if p.m is not None:
            np.nan_to_num(s, copy=False, nan=0.0)
        ranks = np.arange(1, s.shape[1] + 1, dtype=float)
        a = s @ ranks
        tot = np.einsum("ij->i", s)
        n = p.n
        return (2.0 * a - (n + 1) * tot) / (n * tot)
    # weighted: order each period by value (NaN last, zero weight there) in a T x N layout;
    # gather from contiguous T x N copies (a gather from the strided transpose is slower)
    yt = p.y.T.copy(order="C")
    order = np.argsort(yt, axis=1)
    x = np.take_along_axis(yt, order, axis=1)
    if p.m is not None:
        np.nan_to_num(x, copy=False, nan=0.0)
    w = np.take_along_axis(np.ascontiguousarray(p.w0.T), order, axis=1)
    wx = w * x
    cum = np.cumsum(wx, axis=1)
    area = 2.0 * np.einsum("ij,ij->i", w, cum) - np.einsum("ij,ij->i", w, wx)
    return 1.0 - area / (p.W * cum[:, -1])


def _log_y(p: _Prep) -> np.ndarray:
    """ln y, with 0 off the mask and where y = 0 (a fresh array the caller may overwrite)."""
    if p.m is None and p.lo > 0:
        return np.log(p.y0)
    return np.log(np.where(p.y0 > 0, p.y0, 1.0))


def _theil(p: _Prep) -> np.ndarray:
    # sum_i p_i r_i ln r_i = sum_i w_i y_i (ln y_i - ln mu) / (W mu), with 0 ln 0 = 0
    mu = p.mean(p.y0)
    a = _log_y(p)
    a -= np.log(mu)
    a *= p.y0  # zero where y = 0 and off the mask
    return p.total(a, zero_off_mask=True) / (p.W * mu)


def _mld(p: _Prep) -> np.ndarray:
    # sum_i p_i ln(mu / y_i) = ln mu - sum_i p_i ln y_i   (y > 0 checked by the caller)
    mu = p.mean(p.y0)
    return np.log(mu) - p.total(_log_y(p), zero_off_mask=True) / p.W


def _atkinson(p: _Prep, epsilon: float) -> np.ndarray:
    if epsilon < 0:
        raise ValueError(f"atkinson needs epsilon >= 0, got {epsilon}")
    mu = p.mean(p.y0)
    if epsilon == 1:
        with np.errstate(divide="ignore"):
            ly = np.log(p.y0) if p.m is None else np.log(np.where(p.m, p.y0, 1.0))
        return 1.0 - np.exp(p.total(ly, zero_off_mask=True) / p.W) / mu
    r = p.y0 / mu
    e = 1.0 - epsilon
    with np.errstate(divide="ignore", invalid="ignore"):
        powered = np.power(r, e)
        if p.m is not None:
            powered = np.where(p.m, powered, 0.0)
        return 1.0 - np.power(p.mean(powered), 1.0 / e)


def _hoover(p: _Prep, totals: bool) -> np.ndarray:
    if totals:
        s = p.y0 / p.y0.sum(axis=0)
    else:
        wy = p.w0 * p.y0
        s = wy / wy.sum(axis=0)
    return 0.5 * np.abs(s - p.w0 / p.W).sum(axis=0)


def inequality(
    values: Any,
    measure: str = "sd_log",
    weights: Any = None,
    *,
    ddof: int = 0,
    epsilon: float = 0.5,
    totals: bool = False,
    compat: str | None = None,
    regions: Sequence[Any] | None = None,
    times: Sequence[Any] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One dispersion measure of an N x T array, per period: ``(values, n)`` as two arrays of length T.

    ``values`` is N x T (a 1-d array is one period) with NaN where missing; ``weights`` (same shape,
    or None) makes the measure population-weighted. ``regions``/``times`` only label error messages.
    See the module docstring for the formulas.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    ddof = check_int("ddof", ddof, minimum=0)
    if ddof and measure not in _DDOF:
        raise ValueError(f"ddof applies to {', '.join(sorted(_DDOF))} only, not {measure}")
    epsilon = check_number("epsilon", epsilon, low=0)
    check_bool("totals", totals)
    y = as_2d(values)
    w = weights_like(weights, y, regions, times)
    if measure in _ALWAYS_WEIGHTED and w is None:
        raise ValueError(f"{measure} needs weights (e.g. population)")
    if ddof and (w is not None) and measure in _DDOF | {"williamson"}:
        raise ValueError("ddof applies to unweighted measures only (weighted ones are population "
                         "measures)")
    if compat not in (None, "reat"):
        raise ValueError(f"compat must be None or 'reat', got {compat!r}")
    out, p = _measure(y, w, measure, ddof=ddof, epsilon=epsilon, totals=totals, compat=compat,
                      regions=regions, times=times)
    return out, p.n


def _measure(y: np.ndarray, w: np.ndarray | None, measure: str, *, ddof: int = 0,
             epsilon: float = 0.5, totals: bool = False, compat: str | None = None,
             regions: Sequence[Any] | None = None,
             times: Sequence[Any] | None = None) -> tuple[np.ndarray, _Prep]:
    """The kernel of :func:`inequality` on checked arrays; also returns the prepared arrays (for
    the decomposition, which needs the same masks and zero-filled values).

    Values whose squares or products would overflow or underflow (largest |y| of a period above
    1e100 or below 1e-100) are divided by that largest |y| first: every measure but ``sd``/``var``
    is scale invariant, and those two are scaled back (a variance beyond the largest float is an
    error naming the period, never ``inf``)."""
    p = _Prep(y, w)
    factor = _extreme_scale(y, p)
    if factor is not None:
        y = y / factor
        p = _Prep(y, w)
    if not p.full:
        raise_at(np.isinf(y), "infinite value", regions=regions, times=times, column="value")
    if measure in ("sd_log", "var_log", "mld") and not p.lo > 0:
        with np.errstate(invalid="ignore"):
            raise_at((y <= 0) & p.mask(), f"{measure} needs values > 0, got a non-positive value",
                     regions=regions, times=times, column="value")
    elif measure in _NONNEG and not p.lo >= 0:
        with np.errstate(invalid="ignore"):
            raise_at((y < 0) & p.mask(), f"{measure} needs values >= 0, got a negative value",
                     regions=regions, times=times, column="value")

    with np.errstate(divide="ignore", invalid="ignore"):
        if measure in ("sd_log", "var_log"):
            ly = np.log(p.y0) if p.m is None else np.log(np.where(p.m, p.y0, 1.0))
            out = _var(p, ly, ddof)
            if measure == "sd_log":
                out = np.sqrt(out)
        elif measure in ("sd", "var"):
            out = _var(p, p.y0, ddof)
            if measure == "sd":
                out = np.sqrt(out)
        elif measure in ("cv", "williamson"):
            mu = p.mean(p.y0)
            center = None
            if measure == "williamson" and compat == "reat":
                center = p.y0.sum(axis=0) / p.n
            out = np.sqrt(_var(p, p.y0, ddof, center)) / mu
        elif measure == "gini":
            out = _gini(p)
        elif measure == "theil":
            out = _theil(p)
        elif measure == "mld":
            out = _mld(p)
        elif measure == "atkinson":
            out = _atkinson(p, float(epsilon))
        else:  # hoover
            out = _hoover(p, totals)
    out = np.asarray(out, dtype=float)
    if factor is not None and measure in ("sd", "var"):
        with np.errstate(over="ignore", invalid="ignore"):
            out = out * (factor if measure == "sd" else factor * factor)
        over = ~np.isfinite(out) & (p.n >= 2)
        if over.any():
            t = int(np.flatnonzero(over)[0])
            when = times[t] if times is not None else f"period {t}"
            raise not_computed(measure, f"the variance of the values in {when} exceeds the largest "
                                        f"floating-point number (values up to {factor[t]:.3g}); "
                                        "use sd_log or cv, or values in larger units",
                               column="value")
    out[p.n < 2] = np.nan
    if ddof:  # n - ddof <= 0 regions: no variance (never a negative or infinite one)
        out[p.n <= ddof] = np.nan
    return out, p


def _extreme_scale(y: np.ndarray, p: _Prep) -> np.ndarray | None:
    """Per period, the largest |y| counted, when some period's is beyond [1e-100, 1e100] (its
    squares would overflow or underflow); None otherwise (no extra pass over ordinary data)."""
    hi = p.hi if p.full else float(np.fmax.reduce(p.y, axis=None, initial=-np.inf))
    lo = p.lo
    if np.isfinite(lo) and np.isfinite(hi) and lo * hi > 0 and \
            1e-100 <= min(abs(lo), abs(hi)) and max(abs(lo), abs(hi)) <= 1e100:
        return None  # every value of one sign within [1e-100, 1e100]: no pass per period
    with np.errstate(invalid="ignore"):
        a = np.abs(np.where(p.mask(), y, 0.0))
    a[~np.isfinite(a)] = 0.0
    col = a.max(axis=0, initial=0.0)
    big = col[col > 0]
    if not len(big) or (big.min() >= 1e-100 and big.max() <= 1e100):
        return None
    return np.where(col > 0, col, 1.0)


# ------------------------------------------------------------------ panel wrappers
def _opts(opts: dict[str, Any]) -> dict[str, Any]:
    allowed = {"epsilon", "totals", "compat"}
    extra = set(opts) - allowed
    if extra:
        raise TypeError(f"unknown option(s) {sorted(extra)}; allowed: {sorted(allowed)}")
    return opts


def sigma(
    panel: Panel,
    measure: str | Sequence[str] = "sd_log",
    weighted: bool = False,
    ddof: int = 0,
    **opts: Any,
) -> pd.DataFrame:
    """Dispersion of the regions per period (sigma convergence).

    Parameters
    ----------
    panel : Panel
        Levels of one indicator, region x time.
    measure : str or list of str, default "sd_log"
        One of :data:`MEASURES` (``sd_log``, ``var_log``, ``sd``, ``var``, ``cv``, ``williamson``,
        ``gini``, ``theil``, ``mld``, ``atkinson``, ``hoover``, ...) or a list of them.
    weighted : bool, default False
        Weight by the panel's weight role (e.g. population); ``williamson`` and ``hoover`` always do.
    ddof : int, default 0
        Delta degrees of freedom of the standard deviations and variances.
    **opts
        ``epsilon`` (atkinson, default 0.5), ``totals`` (hoover: the values are totals such as GDP,
        not per-capita values), ``compat="reat"`` (REAT's Williamson).

    Returns
    -------
    DataFrame
        Indexed by time, one column per measure (named after it) and ``n``, the regions counted
        that period (``n_<measure>`` too where a measure counts other regions, e.g. a weighted one
        when some weights are missing).

    Notes
    -----
    sd_log = sqrt(sum_i (ln y_i - mean ln y)^2 / (N - ddof)); cv = sd / mean; Theil T = (1/N)
    sum_i (y_i / mean) ln(y_i / mean). Every formula, reference and difference from the peers
    (REAT, convergEU, PySAL inequality): :mod:`crossborder.measures.dispersion`.

    References
    ----------
    Sala-i-Martin, X. (1996). Economic Journal 106: 1019-1036. Theil, H. (1967). Economics and
    Information Theory. Williamson, J. G. (1965). Economic Development and Cultural Change 13: 1-84.

    Examples
    --------
    >>> import numpy as np
    >>> from crossborder import Panel, sigma
    >>> p = Panel.from_matrix([[1.0, 2.0], [4.0, 2.0]], regions=["A", "B"], times=[2000, 2001])
    >>> s = sigma(p, ["sd_log", "cv"])
    >>> bool(np.isclose(s.loc[2000, "sd_log"], np.log(4) / 2)), float(s.loc[2001, "cv"])
    (True, 0.0)
    """
    _opts(opts)
    ddof = check_int("ddof", ddof, minimum=0)
    check_bool("weighted", weighted)
    if "epsilon" in opts:
        check_number("epsilon", opts["epsilon"], low=0)
    measures = [measure] if isinstance(measure, str) else list(measure)
    # an option no requested measure uses is an error, never silently ignored
    for opt, owner in (("epsilon", "atkinson"), ("totals", "hoover"), ("compat", "williamson")):
        if opt in opts and owner not in measures:
            raise ValueError(f"{opt} applies to {owner} only, which is not among the measures "
                             f"{measures}")
    if ddof and not _DDOF & set(measures):
        raise ValueError(f"ddof applies to {', '.join(sorted(_DDOF))} only, not to {measures}")
    cols: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    for name in measures:
        need = name if name in _ALWAYS_WEIGHTED else None
        y, w, regions, times = panel_arrays(panel, weighted, need_weight=need)
        if name not in _ALWAYS_WEIGHTED and not weighted:
            w = None
        cols[name], counts[name] = inequality(y, name, w, ddof=ddof if name in _DDOF else 0,
                                              regions=regions, times=times, **opts)
    times = panel.times
    df = pd.DataFrame(cols, index=pd.Index(times, name=panel.time_name))
    first = counts[measures[0]] if measures else np.zeros(len(times), dtype=int)
    df["n"] = first
    for name, n_t in counts.items():  # a weighted measure may count fewer regions (no weight)
        if not np.array_equal(n_t, first):
            df[f"n_{name}"] = n_t
    df.attrs.update(indicator=panel.indicator, weighted=weighted, ddof=ddof, **opts)
    return df


@displayable
@dataclass(frozen=True)
class TrendResult:
    """OLS trend of a dispersion measure over time: measure_t = intercept + slope * t + e_t."""

    measure: str
    slope: float
    se: float
    tstat: float
    pvalue: float
    intercept: float
    r2: float
    nobs: int
    series: pd.Series = field(repr=False, compare=False)
    fit: Any = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"coef": [self.slope], "se": [self.se], "tstat": [self.tstat],
             "pvalue": [self.pvalue], "intercept": [self.intercept], "r2": [self.r2],
             "nobs": [self.nobs],
             "slope": [self.slope]},   # the old name of coef, for one release (deprecated)
            index=pd.Index([self.measure], name="measure"),
        )

    def summary(self) -> str:
        trend = "falls (sigma convergence)" if self.slope < 0 else "rises (sigma divergence)"
        return (f"{self.measure} {trend}: slope {self.slope:.6g} per period "
                f"(se {self.se:.3g}, t {self.tstat:.3g}, p {self.pvalue:.3g}, n {self.nobs})")


def sigma_trend(
    panel: Panel,
    measure: str = "sd_log",
    weighted: bool = False,
    ddof: int = 0,
    cov_type: CovType | None = None,
    maxlags: int | None = None,
    *,
    robust: Any = UNSET,
    **opts: Any,
) -> TrendResult:
    """Trend test of sigma convergence: OLS of the dispersion on time (statsmodels).

    Parameters
    ----------
    panel : Panel
        Levels of one indicator, region x time.
    measure : str, default "sd_log"
        The dispersion measure (:func:`sigma`).
    weighted, ddof, **opts
        As :func:`sigma`.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC"}, optional
        Covariance of the slope (any case; default ``"nonrobust"``); ``robust=`` is its deprecated
        old name.
    maxlags : int, optional
        HAC (Newey-West) lags, default 1; an error with any other ``cov_type``.

    Returns
    -------
    TrendResult
        ``slope``, ``se``, ``tstat``, ``pvalue`` (robust p-values on t(n - 2)), ``intercept``,
        ``r2``, ``nobs``, the dispersion ``series`` and the statsmodels ``fit``.

    Notes
    -----
    sigma_t = a + b t + e_t; b < 0 and significant is sigma convergence. Years where the measure is
    NaN are left out; times that are not numbers are used as positions 0, 1, 2, ... With 10-15
    yearly points the HAC p-value is fragile: the study layer reads a region bootstrap instead.

    References
    ----------
    Newey, W. K. & West, K. D. (1987). Econometrica 55: 703-708.

    Examples
    --------
    >>> from crossborder import Panel, sigma_trend
    >>> p = Panel.from_matrix([[1.0, 1.0, 1.0], [3.0, 2.0, 1.5]], regions=["A", "B"],
    ...                       times=[2000, 2001, 2002])
    >>> sigma_trend(p).slope < 0
    True
    """
    import statsmodels.api as sm

    cov = cov_type_arg(cov_type, "nonrobust", ("nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC"),
                       func="sigma_trend", robust=robust)
    robust = None if cov == "nonrobust" else cov
    if robust == "HAC":
        maxlags = 1 if maxlags is None else check_int("maxlags", maxlags, minimum=0)
    elif maxlags is not None:
        raise ValueError(f"maxlags applies to cov_type='HAC' only, got maxlags={maxlags!r} with "
                         f"cov_type={cov!r}")

    s = sigma(panel, measure, weighted=weighted, ddof=ddof, **opts)[measure]
    t = numeric_times(s.index)
    ok = np.isfinite(s.to_numpy())
    if ok.sum() < 3:
        raise not_computed(f"trend of {measure}", "a trend needs at least 3 periods with a value, "
                                                  f"got {int(ok.sum())}")
    if nil_spread(s.to_numpy()[ok]):
        raise not_computed(f"trend of {measure}", f"{measure} is the same in every period "
                                                  f"({float(s.to_numpy()[ok][0]):.6g}): the fit is "
                                                  "exact, with no residual to test the slope on")
    X = sm.add_constant(t[ok])
    model = sm.OLS(s.to_numpy()[ok], X)
    if robust is None:
        fit = model.fit()
    elif robust == "HAC":
        fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": maxlags}, use_t=True)
    else:
        fit = model.fit(cov_type=robust, use_t=True)
    return TrendResult(
        measure=measure,
        slope=float(fit.params[1]),
        se=float(fit.bse[1]),
        tstat=float(fit.tvalues[1]),
        pvalue=float(fit.pvalues[1]),
        intercept=float(fit.params[0]),
        r2=float(fit.rsquared),
        nobs=int(fit.nobs),
        series=s,
        fit=fit,
    )


@displayable
@dataclass(frozen=True)
class FTestResult:
    """Variance-ratio F test between two periods: F = var(start) / var(end)."""

    start: Any
    end: Any
    var_start: float
    var_end: float
    F: float
    df1: int
    df2: int
    pvalue: float
    alternative: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.__dict__])

    def summary(self) -> str:
        return (f"var {self.start} = {self.var_start:.6g}, var {self.end} = {self.var_end:.6g}: "
                f"F({self.df1}, {self.df2}) = {self.F:.4g}, p = {self.pvalue:.3g} "
                f"({self.alternative})")


def sigma_ftest(
    panel: Panel,
    start: Any,
    end: Any,
    log: bool = True,
    ddof: int = 1,
    alternative: str = "greater",
    common: bool = True,
) -> FTestResult:
    """Two-period variance-ratio F test of sigma convergence.

    Parameters
    ----------
    panel : Panel
        Levels of one indicator, region x time.
    start, end : time label
        The two periods compared.
    log : bool, default True
        Compare the variances of the logs.
    ddof : int, default 1
        Delta degrees of freedom of the two variances.
    alternative : {"greater", "less", "two-sided"}, default "greater"
        ``"greater"``: H1 the variance fell (convergence); ``"less"``: it rose.
    common : bool, default True
        Use only the regions observed in both periods.

    Returns
    -------
    FTestResult
        ``F``, ``df1``, ``df2``, ``pvalue``, ``var_start``, ``var_end`` and ``alternative``.

    Notes
    -----
    F = s^2(start) / s^2(end) with (n_start - 1, n_end - 1) degrees of freedom. The test assumes
    independent normal samples; the same regions in two years are not independent, so read it as
    descriptive.

    References
    ----------
    Carree, M. & Klomp, L. (1997). Economics Letters 55 (refinements of the test).
    """
    ddof = check_int("ddof", ddof, minimum=0)
    check_bool("log", log)
    check_bool("common", common)
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError(f"alternative must be 'greater', 'less' or 'two-sided', got {alternative!r}")
    y, _, regions, times = panel_arrays(panel, weighted=False)
    for label in (start, end):
        if label not in times:
            raise ValueError(f"{label!r} is not a time of the panel")
    cols = [times.get_loc(start), times.get_loc(end)]
    pair = y[:, cols]
    if log:
        with np.errstate(invalid="ignore"):
            raise_at(pair <= 0, "log of a non-positive value", regions=regions,
                     times=[start, end], column="value")
        pair = np.log(pair)
    ok = np.isfinite(pair)
    if common:
        ok &= ok.all(axis=1, keepdims=True)
    a, b = pair[ok[:, 0], 0], pair[ok[:, 1], 1]
    for label, sample in ((start, a), (end, b)):
        if len(sample) < max(2, ddof + 1):
            raise DataError(f"the F test needs at least {max(2, ddof + 1)} regions with a value in "
                            f"{label!r} (ddof={ddof}), got {len(sample)}")
    va, vb = np.var(a, ddof=ddof), np.var(b, ddof=ddof)
    for label, sample in ((start, a), (end, b)):
        if nil_spread(sample):
            raise not_computed("F test", f"the values of {label!r} are the same in every region: "
                                         "a variance ratio with a zero variance is not a test")
    df1, df2 = len(a) - 1, len(b) - 1
    F = va / vb
    if alternative == "greater":
        pv = stats.f.sf(F, df1, df2)
    elif alternative == "less":
        pv = stats.f.cdf(F, df1, df2)
    elif alternative == "two-sided":
        pv = 2 * min(stats.f.sf(F, df1, df2), stats.f.cdf(F, df1, df2))
    else:
        raise ValueError("alternative must be 'greater', 'less' or 'two-sided'")
    return FTestResult(start, end, float(va), float(vb), float(F), df1, df2, float(pv), alternative)
