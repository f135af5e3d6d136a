"""Time-varying convergence: beta and the sigma trend on rolling windows of years.

For every window of ``window`` consecutive periods ``[t, t + window - 1]`` (moving by ``step``):

* absolute and conditional (side dummy) beta between the window's first and last period
  (:func:`crossborder.measures.beta.beta`), with speed and half-life;
* the slope of the sd of logs on time within the window
  (:func:`crossborder.measures.dispersion.sigma_trend`).

Each with its confidence interval at level ``1 - alpha`` and its standard errors named in
``se_type`` (default HC1 for beta; classical for the sigma trend, because a HAC covariance from
a window of a few years is unreliable — ``trend_se="HAC"`` on request). A reader sees *when*
convergence happened rather than one number for one span. Windows overlap, so neighbouring
estimates are not independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..panel import Panel
from ._timetrend import CROSS_SECTION_SE, check_se, coef_by_se

__all__ = ["RollingResult", "rolling"]


@dataclass(frozen=True)
class RollingResult:
    """One row per window and estimate (``beta_absolute``, ``beta_conditional``, ``sigma_trend``):
    ``start``, ``end``, ``estimate``, ``value``, ``se``, ``ci_low``, ``ci_high``, ``pvalue``,
    ``nobs``, ``speed``, ``half_life``, ``se_type``."""

    table: pd.DataFrame
    window: int
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def series(self, estimate: str) -> pd.DataFrame:
        """The rows of one estimate indexed by the window's last period."""
        return self.table[self.table["estimate"] == estimate].set_index("end")

    def summary(self) -> str:
        parts = []
        for est, g in self.table.groupby("estimate", sort=False):
            sig = g[(g["value"] < 0) & (g["pvalue"] < self.alpha)]
            ends = ", ".join(str(e) for e in sig["end"])
            parts.append(f"{est}: {len(sig)} of {len(g)} windows negative at p < {self.alpha}"
                         + (f" (ending {ends})" if ends else ""))
        return f"Rolling {self.window}-period windows: " + "; ".join(parts)


def rolling(
    panel: Panel,
    window: int = 8,
    *,
    step: int = 1,
    beta_se: str = "HC1",
    trend_se: str = "classical",
    measure: str = "sd_log",
    conditional: bool = True,
    alpha: float = 0.05,
    hac_lags: int = 1,
) -> RollingResult:
    """Beta (absolute, and conditional on the side when the panel has groups and ``conditional``)
    and the sigma trend of ``measure`` on every window of ``window`` periods (see the module
    docstring). The panel is used as given: a region missing a value in a window's first or last
    period drops out of that window's beta (counted in ``nobs``)."""
    from .beta import beta
    from .dispersion import sigma

    check_se(trend_se)
    if beta_se not in CROSS_SECTION_SE:
        raise ValueError(f"beta_se must be one of {CROSS_SECTION_SE}, got {beta_se!r}")
    times = list(panel.times)
    if window < 3:
        raise ValueError("window must be at least 3 periods (a trend needs 3)")
    if step < 1:
        raise ValueError("step must be at least 1")
    if len(times) < window:
        raise ValueError(f"the panel has {len(times)} periods, fewer than the window ({window})")
    do_cond = conditional and panel.has_group and panel.group_labels().nunique() > 1
    s = sigma(panel, measure)[measure]
    import statsmodels.api as sm

    from ._arrays import numeric_times

    tnum = numeric_times(pd.Index(times))
    rows: list[dict[str, Any]] = []
    for i in range(0, len(times) - window + 1, step):
        start, end = times[i], times[i + window - 1]
        base = {"start": start, "end": end}
        kinds = [("beta_absolute", None)] + ([("beta_conditional", "group")] if do_cond else [])
        for name, controls in kinds:
            b = beta(panel, start, end, controls=controls)
            k = list(b.fit.params.index).index("initial")
            r = coef_by_se(b.fit, k, (beta_se,), alpha)[beta_se]
            rows.append({**base, "estimate": name, **r, "speed": b.speed, "half_life": b.half_life,
                         "se_type": beta_se})
        y = s.iloc[i: i + window].to_numpy(dtype=float)
        ok = np.isfinite(y)
        if ok.sum() >= 3:
            fit = sm.OLS(y[ok], sm.add_constant(tnum[i: i + window][ok])).fit()
            r = coef_by_se(fit, 1, (trend_se,), alpha, hac_lags)[trend_se]
        else:
            r = {"value": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                 "pvalue": np.nan, "nobs": int(ok.sum())}
        rows.append({**base, "estimate": "sigma_trend", **r, "speed": np.nan, "half_life": np.nan,
                     "se_type": trend_se if trend_se != "HAC" else f"HAC ({hac_lags} lag)"})
    cols = ["start", "end", "estimate", "value", "se", "ci_low", "ci_high", "pvalue", "nobs", "speed",
            "half_life", "se_type"]
    return RollingResult(table=pd.DataFrame(rows, columns=cols), window=window, alpha=alpha)
