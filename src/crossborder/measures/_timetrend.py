"""Linear time trends of a yearly series with a stated standard error, shared by the study-level
estimators (robustness grid, rolling windows, break tests).

    s_t = a + b t + e_t        (OLS, statsmodels)

``se_type`` (the internal label; the public argument is ``cov_type``, see
:mod:`crossborder.measures._covtype`): ``"classical"`` (OLS, ``cov_type="nonrobust"``), ``"HC0"``..``"HC3"``
(White/MacKinnon), ``"HAC"`` (Newey-West with ``hac_lags`` lags, default 1, as
:func:`crossborder.measures.dispersion.sigma_trend`). Every covariance gives Student's t p-values and
intervals with n - 2 degrees of freedom (statsmodels' ``use_t=True``): a dozen years is a small sample.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._arrays import numeric_times
from ._covtype import UNSET, cov_type_arg, normalize_cov_type
from .leverage import LEVERAGE_SE, full_leverage, hc_se

SE_TYPES = ("classical", "HC0", "HC1", "HC2", "HC3", "HAC")
#: standard errors of a cross-section regression (HAC needs an ordering in time)
CROSS_SECTION_SE = ("classical", "HC0", "HC1", "HC2", "HC3")


def check_alpha(alpha: float, name: str = "alpha") -> float:
    """``alpha`` as a float, checked: a finite number with 0 < alpha < 1 (1 - confidence level)."""
    try:
        a = float(alpha)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number between 0 and 1, got {alpha!r}") from None
    if not (np.isfinite(a) and 0 < a < 1):
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), e.g. 0.05 for 95% intervals; "
                         f"got {alpha!r}")
    return a


def check_se(se_type: str) -> None:
    if se_type not in SE_TYPES:
        raise ValueError(f"se_type must be one of {SE_TYPES}, got {se_type!r}")


def se_type_of(cov: str) -> str:
    """The internal ``se_type`` label of a canonical ``cov_type`` ("nonrobust" -> "classical")."""
    return "classical" if cov == "nonrobust" else cov


def trend_cov_arg(cov_type: Any, default: str, func: str, **old: Any) -> str:
    """``se_type`` label of a trend's ``cov_type`` (or of its deprecated old-name argument)."""
    return se_type_of(cov_type_arg(cov_type, default, ("nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC"),
                                   func=func, stacklevel=4, **old))


def trend_cov_args(cov_types: Any, default: tuple[str, ...], func: str, old_name: str,
                   old: Any = UNSET) -> tuple[str, ...]:
    """``se_type`` labels of a sequence of ``cov_types`` (or of the deprecated ``old_name``)."""
    import warnings

    if old is not UNSET:
        if cov_types is not None:
            raise TypeError(f"{func}: give cov_types= only (not {old_name})")
        warnings.warn(f"{func}({old_name}=...) is deprecated: use cov_types= (e.g. ('nonrobust', 'HC1', "
                      "'HAC'))", DeprecationWarning, stacklevel=3)
        cov_types = old
    if cov_types is None:
        return default
    if isinstance(cov_types, str):
        cov_types = (cov_types,)
    allowed = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC")
    return tuple(se_type_of(normalize_cov_type(c, allowed, name="cov_types", stacklevel=4))
                 for c in cov_types)


def robust_arg(se_type: str) -> str | None:
    """The ``robust=`` argument of the package's measures for an ``se_type``."""
    check_se(se_type)
    return None if se_type == "classical" else se_type


def with_se(fit: Any, se_type: str, hac_lags: int = 1) -> Any:
    """The statsmodels OLS results ``fit`` (classical) with the covariance ``se_type``; equal to
    fitting with ``cov_type=se_type`` directly."""
    check_se(se_type)
    if se_type == "classical":
        return fit
    kw = {"maxlags": hac_lags} if se_type == "HAC" else {}
    return fit.get_robustcov_results(cov_type=se_type, use_t=True, **kw)


def coef_by_se(fit: Any, k: int, se_types: tuple[str, ...] | list[str], alpha: float = 0.05,
               hac_lags: int = 1, labels: Any = None) -> dict[str, dict[str, Any]]:
    """Coefficient ``k`` of a classical OLS ``fit`` with each covariance of ``se_types``: value, se,
    ci_low, ci_high, pvalue, nobs (one fit, several covariances). HC2/HC3 of a fit with an
    observation of leverage 1 do not exist (:mod:`crossborder.measures.leverage`): their se,
    interval and p are NaN, with the ``reason`` (naming the observations by ``labels``, else by
    the fit's row labels or positions)."""
    out: dict[str, dict[str, Any]] = {}
    lone = None
    for se in se_types:
        if se in LEVERAGE_SE:
            if lone is None:
                lone = full_leverage(fit.model.wexog)
            if lone.any():          # the sandwich without them, or no errors (measures.leverage)
                names = labels if labels is not None else fit.model.data.row_labels
                out[se] = _hc_row(fit, k, se, alpha, names)
                continue
        f = with_se(fit, se, hac_lags)
        ci = np.asarray(f.conf_int(alpha))[k]
        out[se] = {"value": float(np.asarray(f.params)[k]), "se": float(np.asarray(f.bse)[k]),
                   "ci_low": float(ci[0]), "ci_high": float(ci[1]),
                   "pvalue": float(np.asarray(f.pvalues)[k]), "nobs": int(f.nobs)}
    return out


def _hc_row(fit: Any, k: int, se: str, alpha: float, labels: Any) -> dict[str, Any]:
    """Coefficient ``k`` with HC2/HC3 errors of a fit with an observation of leverage 1
    (:func:`crossborder.measures.leverage.hc_se`); t(df_resid) interval and p, as statsmodels'."""
    from scipy import stats

    value = float(np.asarray(fit.params)[k])
    bse, reason = hc_se(fit.model.wexog, fit.wresid, k, se, labels)
    row: dict[str, Any] = {"value": value, "se": bse, "ci_low": np.nan, "ci_high": np.nan,
                           "pvalue": np.nan, "nobs": int(fit.nobs)}
    if reason is not None:
        return {**row, "reason": reason}
    df = float(fit.df_resid)
    q = float(stats.t.ppf(1 - alpha / 2, df))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = float(2 * stats.t.sf(abs(value / bse), df))
    return {**row, "ci_low": value - q * bse, "ci_high": value + q * bse, "pvalue": p}


def time_trend(series: pd.Series, se_types: tuple[str, ...] | list[str] = ("classical",),
               hac_lags: int = 1, alpha: float = 0.05) -> dict[str, dict[str, float]]:
    """Slope of ``series`` (indexed by time) on time, per standard-error type: value, se, ci_low,
    ci_high, pvalue, nobs. NaN values are left out; fewer than 3 values give NaN rows."""
    import statsmodels.api as sm

    s = pd.Series(series, dtype=float)
    ok = np.isfinite(s.to_numpy())
    t = numeric_times(s.index)[ok]
    y = s.to_numpy()[ok]
    out: dict[str, dict[str, float]] = {}
    if len(y) < 3:
        for se in se_types:
            check_se(se)
            out[se] = {"value": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                       "pvalue": np.nan, "nobs": int(len(y))}
        return out
    fit = sm.OLS(y, sm.add_constant(t.astype(float))).fit()
    return coef_by_se(fit, 1, se_types, alpha, hac_lags)


def row_slopes(y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise OLS of ``y`` (P x T, NaN = missing) on ``t``: slope, classical se, number of values.
    A row with fewer than 3 values has NaN se; fewer than 2, NaN slope."""
    ok = np.isfinite(y)
    n = ok.sum(axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        tbar = np.where(ok, t[None, :], 0.0).sum(axis=1) / n
        ybar = np.where(ok, y, 0.0).sum(axis=1) / n
        dt = np.where(ok, t[None, :] - tbar[:, None], 0.0)
        dy = np.where(ok, y - ybar[:, None], 0.0)
        sxx = (dt ** 2).sum(axis=1)
        slope = (dt * dy).sum(axis=1) / sxx
        resid = np.where(ok, dy - slope[:, None] * dt, 0.0)
        se = np.sqrt((resid ** 2).sum(axis=1) / (n - 2) / sxx)
    slope = np.where((n >= 2) & (sxx > 0), slope, np.nan)
    se = np.where(n >= 3, se, np.nan)
    return slope, se, n
