"""Time-varying convergence: beta and the sigma trend on rolling windows of years.

A window of ``window`` years starting at an observed period ``s`` covers the calendar years
``s .. s + window - 1`` and holds the periods of the panel that fall in them; windows start at
observed periods, each at least ``step`` years after the previous one, and a window must lie inside
the panel's span (its last year at most the panel's last period). On annual data a window holds
``window`` periods; on data observed every few years (say 1993, 2000, 2007, 2013, 2017) it holds
fewer, and a window with fewer than 3 periods (a trend needs 3) is not estimated: it is listed in
:attr:`RollingResult.skipped` with the reason. For every window:

* absolute and conditional (side dummy) beta between the window's first and last observed period
  (:func:`crossborder.measures.beta.beta`), with speed and half-life;
* the slope of the sd of logs on time over the window's periods
  (:func:`crossborder.measures.dispersion.sigma_trend`).

Each with its confidence interval at level ``1 - alpha`` and its standard errors named in
``se_type`` (default HC3 for beta, the study's declared baseline for a cross-section of a few
dozen regions, :data:`crossborder.study.robustness.BASELINE_DECLARATIONS`; classical for the
sigma trend, because a HAC covariance from a window of a few years is unreliable —
``trend_cov_type="HAC"`` on request). A reader sees *when* convergence happened rather than one
number for one span. Windows overlap, so neighbouring
estimates are not independent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._display import displayable
from ..measures._arrays import numeric_times
from ..measures._columns import with_coef
from ..measures._covtype import UNSET, CovType, cov_type_arg
from ..measures._timetrend import (
    CROSS_SECTION_SE,
    check_alpha,
    check_se,
    coef_by_se,
    se_type_of,
    trend_cov_arg,
)
from ..measures.beta import beta
from ..measures.dispersion import sigma
from ..panel import Panel

__all__ = ["RollingResult", "rolling", "rolling_windows"]

#: fewest periods in a window (the sigma trend's regression needs 3 points)
MIN_PERIODS = 3
SKIPPED_COLUMNS = ["start", "end", "window_end", "periods", "reason"]
NO_SE_COLUMNS = ["start", "end", "window_end", "periods", "estimate", "reason"]


def _fmt(t: Any) -> str:
    return f"{t:g}" if isinstance(t, float | np.floating) else str(t)


@displayable
@dataclass(frozen=True)
class RollingResult:
    """One row per window and estimate (``beta_absolute``, ``beta_conditional``, ``sigma_trend``):
    ``start``, ``end`` (the window's first and last observed period), ``periods`` (how many it
    holds), ``window_end`` (the last year the window covers, ``start + window - 1``),
    ``estimate`` (its name), ``coef`` (its number), ``se``, ``ci_low``, ``ci_high``, ``pvalue``,
    ``nobs``, ``speed``, ``half_life``, ``se_type``, and ``value``: the old name of ``coef``, kept
    last for one release (deprecated). ``window`` and ``step`` are in years; ``skipped``: the
    windows not estimated (``start``, ``end``, ``window_end``, ``periods``, ``reason``);
    ``no_se``: the estimates whose standard errors do not exist (``se``, interval and p NaN: a
    region of leverage 1 under HC2/HC3, see :mod:`crossborder.measures.leverage`), with
    ``estimate`` and the ``reason``."""

    table: pd.DataFrame
    window: int
    alpha: float
    step: int = 1
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=SKIPPED_COLUMNS))
    no_se: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NO_SE_COLUMNS))

    def __post_init__(self) -> None:
        # the number in ``coef`` (as statsmodels); ``value`` kept last for one release (deprecated)
        object.__setattr__(self, "table", with_coef(self.table, "value"))

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def series(self, estimate: str) -> pd.DataFrame:
        """The rows of one estimate indexed by the window's last period."""
        return self.table[self.table["estimate"] == estimate].set_index("end")

    def windows(self) -> pd.DataFrame:
        """One row per estimated window: ``start``, ``end``, ``window_end``, ``periods``."""
        return self.table[["start", "end", "window_end", "periods"]].drop_duplicates(ignore_index=True)

    def describe_windows(self) -> str:
        """The windows in words, e.g. "windows of 8 years (2000-2007 ... 2013-2020; 14 windows, 8
        periods each)" or, on non-annual data, each window with its periods."""
        w = self.windows()
        step = f", starts at least {self.step} years apart" if self.step != 1 else ""
        head = f"windows of {self.window} years{step}"
        if len(w) and (w["periods"] == self.window).all():
            first, last = w.iloc[0], w.iloc[-1]
            span = (f"{_fmt(first['start'])}-{_fmt(first['end'])}" if len(w) == 1 else
                    f"{_fmt(first['start'])}-{_fmt(first['end'])} ... "
                    f"{_fmt(last['start'])}-{_fmt(last['end'])}")
            return f"{head} ({span}; {len(w)} window(s) of {self.window} periods)"
        parts = [f"{_fmt(r.start)}-{_fmt(r.window_end)} ({r.periods} periods, {_fmt(r.start)} to "
                 f"{_fmt(r.end)})" for r in w.itertuples()]
        return f"{head}: " + ", ".join(parts)

    def summary(self) -> str:
        parts = []
        for est, g in self.table.groupby("estimate", sort=False):
            sig = g[(g["value"] < 0) & (g["pvalue"] < self.alpha)]
            ends = ", ".join(_fmt(e) for e in sig["end"])
            parts.append(f"{est}: {len(sig)} of {len(g)} windows negative at p < {self.alpha:g}"
                         + (f" (ending {ends})" if ends else ""))
        text = f"Rolling {self.describe_windows()}\n" + "; ".join(parts)
        if len(self.skipped):
            text += (f"\nnot estimated: {len(self.skipped)} window(s) with fewer than {MIN_PERIODS} "
                     "periods: " + ", ".join(f"{_fmt(r.start)}-{_fmt(r.window_end)} ({r.periods} "
                                             "periods)" for r in self.skipped.itertuples()))
        for est, g in self.no_se.groupby("estimate", sort=False):
            text += (f"\n{est}: no standard errors in {len(g)} window(s) "
                     f"({', '.join(f'{_fmt(r.start)}-{_fmt(r.window_end)}' for r in g.itertuples())}): "
                     f"{g['reason'].iloc[0]}")
        return text


def _window_end(start: Any, t0: float, window: float) -> Any:
    """The last year a window covers: ``start + window - 1`` (an int for integer years)."""
    end = t0 + window - 1
    if isinstance(start, int | np.integer) and float(end).is_integer():
        return int(end)
    return float(end)


def _check_years(value: Any, name: str, minimum: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number of years, got {value!r}") from None
    if not np.isfinite(v) or v < minimum:
        raise ValueError(f"{name} must be a finite number of years >= {minimum:g}, got {value!r}")
    return v


def _fitting_windows(t: np.ndarray) -> str:
    """Which whole numbers of years make a window with 3 periods inside the span, in words."""
    n = len(t) - MIN_PERIODS + 1
    lo = t[MIN_PERIODS - 1:] - t[:n] + 1              # shortest window from each start with 3 periods
    hi = t[-1] - t[:n] + 1                            # longest window from that start within the span
    ok = [w for w in range(1, int(np.floor(t[-1] - t[0] + 1)) + 1) if np.any((lo <= w) & (w <= hi))]
    if not ok:
        return f"no window holds {MIN_PERIODS} periods"
    runs: list[list[int]] = []
    for w in ok:
        if runs and w == runs[-1][-1] + 1:
            runs[-1].append(w)
        else:
            runs.append([w])
    text = ", ".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return f"windows of {text} years hold {MIN_PERIODS} periods"


def rolling_windows(times: Any, window: float, step: float = 1) -> tuple[list[list[int]], list[dict]]:
    """The rolling windows over ``times`` (see the module docstring): the positions of the periods
    of every window with at least 3 periods, and the windows with fewer (``start``, ``end``,
    ``periods``, ``reason``). Raises ValueError when the span is shorter than the window or no
    window holds 3 periods (naming the shortest window that would)."""

    window = _check_years(window, "window", 1)
    step = _check_years(step, "step", 1)
    idx = pd.Index(times)
    t = numeric_times(idx)
    listed = ", ".join(_fmt(x) for x in idx)
    if len(t) < MIN_PERIODS:
        raise ValueError(f"rolling windows need at least {MIN_PERIODS} periods; the panel has "
                         f"{len(t)} ({listed})")
    span = t[-1] - t[0] + 1
    fits = _fitting_windows(t)
    if window > span:
        raise ValueError(f"the panel spans {span:g} years ({_fmt(idx[0])}-{_fmt(idx[-1])}), fewer "
                         f"than the window ({window:g} years); {fits}")
    eps = 1e-9
    kept: list[list[int]] = []
    skipped: list[dict] = []
    last_start = None
    for i in range(len(t)):
        if t[i] + window - 1 > t[-1] + eps:            # the window would reach past the data
            break
        if last_start is not None and t[i] < last_start + step - eps:
            continue
        last_start = t[i]
        pos = [j for j in range(i, len(t)) if t[j] < t[i] + window - eps]
        if len(pos) >= MIN_PERIODS:
            kept.append(pos)
        else:
            skipped.append({"start": idx[i], "end": idx[pos[-1]],
                            "window_end": _window_end(idx[i], t[i], window), "periods": len(pos),
                            "reason": f"{len(pos)} period(s) in the {window:g} years from "
                                      f"{_fmt(idx[i])} ({', '.join(_fmt(idx[j]) for j in pos)}); "
                                      f"a window needs {MIN_PERIODS}"})
    if not kept:
        raise ValueError(f"no window of {window:g} years holds {MIN_PERIODS} periods of the data "
                         f"({listed}) and ends by {_fmt(idx[-1])}; {fits}")
    return kept, skipped


def rolling(
    panel: Panel,
    window: int = 8,
    *,
    step: int = 1,
    cov_type: CovType | None = None,
    trend_cov_type: CovType | None = None,
    measure: str = "sd_log",
    conditional: bool = True,
    alpha: float = 0.05,
    hac_lags: int = 1,
    beta_se: Any = UNSET,
    trend_se: Any = UNSET,
) -> RollingResult:
    """Beta (absolute, and conditional on the side when the panel has groups and ``conditional``)
    and the sigma trend of ``measure`` on every window of ``window`` years, windows starting at
    least ``step`` years apart (see the module docstring). The panel is used as given: a region
    missing a value in a window's first or last period drops out of that window's beta (counted in
    ``nobs``). ``cov_type``: the standard errors of beta (default ``"HC3"``, the declared
    baseline; ``"nonrobust"``, ``"HC0"``..``"HC3"``); ``trend_cov_type``: those of the sigma
    trend (default ``"nonrobust"``; also ``"HAC"``). ``beta_se`` / ``trend_se`` are their
    deprecated old names."""

    beta_se = se_type_of(cov_type_arg(cov_type, "HC3", ("nonrobust", "HC0", "HC1", "HC2", "HC3"),
                                      func="rolling", beta_se=beta_se))
    trend_se = trend_cov_arg(trend_cov_type, "nonrobust", "rolling", trend_se=trend_se)
    check_se(trend_se)
    if beta_se not in CROSS_SECTION_SE:
        raise ValueError(f"beta_se must be one of {CROSS_SECTION_SE}, got {beta_se!r}")
    alpha = check_alpha(alpha)
    if int(hac_lags) != hac_lags or hac_lags < 0:
        raise ValueError(f"hac_lags must be a whole number >= 0, got {hac_lags!r}")
    times = list(panel.times)
    windows, skipped = rolling_windows(panel.times, window, step)
    do_cond = conditional and panel.has_group and panel.group_labels().nunique() > 1
    s = sigma(panel, measure)[measure]
    import statsmodels.api as sm


    tnum = numeric_times(pd.Index(times))
    rows: list[dict[str, Any]] = []
    no_se: list[dict[str, Any]] = []
    for pos in windows:
        start, end = times[pos[0]], times[pos[-1]]
        base = {"start": start, "end": end, "window_end": _window_end(start, tnum[pos[0]], window),
                "periods": len(pos)}
        kinds = [("beta_absolute", None)] + ([("beta_conditional", "group")] if do_cond else [])
        for name, controls in kinds:
            b = beta(panel, start, end, controls=controls)
            k = list(b.fit.params.index).index("initial")
            r = coef_by_se(b.fit, k, (beta_se,), alpha)[beta_se]
            if "reason" in r:       # no such errors on this window: the estimate without them
                no_se.append({**base, "estimate": name, "reason": r["reason"]})
            rows.append({**base, "estimate": name, **r, "speed": b.speed, "half_life": b.half_life,
                         "se_type": beta_se})
        y = s.iloc[pos].to_numpy(dtype=float)
        ok = np.isfinite(y)
        if ok.sum() >= MIN_PERIODS:
            fit = sm.OLS(y[ok], sm.add_constant(tnum[pos][ok])).fit()
            r = coef_by_se(fit, 1, (trend_se,), alpha, hac_lags)[trend_se]
        else:
            r = {"value": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                 "pvalue": np.nan, "nobs": int(ok.sum())}
        rows.append({**base, "estimate": "sigma_trend", **r, "speed": np.nan, "half_life": np.nan,
                     "se_type": trend_se if trend_se != "HAC" else f"HAC ({hac_lags} lag)"})
    cols = ["start", "end", "window_end", "periods", "estimate", "value", "se", "ci_low", "ci_high",
            "pvalue", "nobs", "speed", "half_life", "se_type"]
    return RollingResult(table=pd.DataFrame(rows, columns=cols), window=window, alpha=alpha, step=step,
                         skipped=pd.DataFrame(skipped, columns=SKIPPED_COLUMNS),
                         no_se=pd.DataFrame(no_se, columns=NO_SE_COLUMNS))
