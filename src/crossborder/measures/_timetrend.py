"""Linear time trends of a yearly series with a stated standard error, shared by the study-level
estimators (robustness grid, rolling windows, break tests).

    s_t = a + b t + e_t        (OLS, statsmodels)

``se_type``: ``"classical"`` (OLS), ``"HC0"``..``"HC3"`` (White/MacKinnon), ``"HAC"`` (Newey-West with
``hac_lags`` lags, default 1, as :func:`crossborder.measures.dispersion.sigma_trend`). As in the rest of the
package, robust covariances give normal (z) p-values and intervals; classical ones use the t distribution.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._arrays import numeric_times

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
    return fit.get_robustcov_results(cov_type=se_type, use_t=False, **kw)


def coef_by_se(fit: Any, k: int, se_types: tuple[str, ...] | list[str], alpha: float = 0.05,
               hac_lags: int = 1) -> dict[str, dict[str, float]]:
    """Coefficient ``k`` of a classical OLS ``fit`` with each covariance of ``se_types``: value, se,
    ci_low, ci_high, pvalue, nobs (one fit, several covariances)."""
    out = {}
    for se in se_types:
        f = with_se(fit, se, hac_lags)
        ci = np.asarray(f.conf_int(alpha))[k]
        out[se] = {"value": float(np.asarray(f.params)[k]), "se": float(np.asarray(f.bse)[k]),
                   "ci_low": float(ci[0]), "ci_high": float(ci[1]),
                   "pvalue": float(np.asarray(f.pvalues)[k]), "nobs": int(f.nobs)}
    return out


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
