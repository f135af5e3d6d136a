"""The integration thesis as a test: did the gaps between neighbours across the border narrow after a
break year (a customs union, a common market) more than the gaps between neighbours inside each
country?

Pairs come from the polygons: every pair of regions sharing a boundary (edge or point contact,
:func:`crossborder.border.geometry.shared_edges`) is *treated* when its two regions lie on different
sides and a *control* when both lie in the same country (``control="border"``: both regions on the
border, i.e. in some cross-border pair; ``"all"``: any two neighbours of the panel). The outcome is
the gap ``g_pt = |ln y_at - ln y_bt|``.

Difference-in-differences (two-way fixed effects; statsmodels OLS)::

    g_pt = theta (cross_p x post_t) + mu_p + tau_t + e_pt,      post_t = 1[t >= break_year]

Event study in event time of the observed periods (k = 0: the first period from the break year on;
k = -1, the reference: the last period before the break, e.g. 2013 for a break in 2015 of data
observed in 2000, 2007, 2013, 2017 — the break year may fall between observations)::

    g_pt = sum_{k != -1} delta_k (cross_p x 1[k(t) = k]) + mu_p + tau_t + e_pt

theta < 0: cross-border gaps narrowed relative to domestic ones after the break. Standard errors
are clustered by pair (CR1, statsmodels' small-sample correction, t and F with G - 1 degrees of
freedom, G = number of pairs). The pre-trend test is the joint Wald F test of the leads
delta_k = 0 for k <= -2 (Angrist & Pischke 2009, ch. 5.2; Roth 2022, AER: Insights 4 on its low power).

:func:`break_test` asks whether a yearly series (sigma, the between-country share) changed its trend
at the break: ``s_t = a + b (t - T0) + c post_t + d (t - T0) post_t + e_t``, standard errors of
``se_type`` (classical by default; HAC on request, though with a dozen years its covariance is near
singular; it needs 2 periods on each side and 5 in all): ``d`` is the change of slope, the joint
Wald test of ``c = d = 0`` the break; the
classical Chow (1960, Econometrica 28) F test of the same restriction is reported beside it.

Beside the reported pair-clustered standard error, :func:`pair_did` gives (``inference=True``), each
named by its estimator (:mod:`crossborder.measures.inference`):

- ``se_dyadic``: dyadic-robust (Cameron & Miller 2014; Aronow, Samii & Assenova 2015) — pairs that
  share a region (one region lies in several pairs) may be correlated; t with R - 1 degrees of
  freedom, R regions;
- ``se_twoway``: two-way clustered by the pair's first and second region (Cameron, Gelbach & Miller
  2011); t with min(G_a, G_b) - 1 degrees of freedom;
- ``wild_pvalue``: the restricted wild cluster bootstrap-t by pair (Rademacher, 9999 draws, seed 0;
  every sign vector with 12 pairs or fewer);
- with ``exposure`` (a series by period, e.g. ln KZT/RUB: the log price of side a's currency in side
  b's), the DiD with the exchange-rate exposure ``x_pt = cross_p * s_p * exposure_t`` as a control,
  ``s_p = -sign(mean ln(y_a / y_b))`` before the break: a fall of side a's currency lowers ln y_a - ln y_b
  in a common unit, which narrows a gap where side a is richer and widens it where it is poorer
  (coefficient 1 = a fully mechanical effect, as in nominal USD); and the event study with the
  same control (``fx_event``, beside the path without it and the exposure itself).

:func:`integration` adds placebo break years (the DiD on the periods before the real break only,
with a break at each of them but the first), and puts all of these in ``IntegrationResult.inference``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._display import RegressionMixin, displayable
from ..border.geometry import shared_edges
from ..currency import parse_currency, rate_table
from ..errors import DataError, DegenerateDataError
from ..measures._arrays import numeric_times
from ..measures._covtype import UNSET, CovType
from ..measures._degenerate import check_statistic, cluster_warning, not_computed
from ..measures._timetrend import check_alpha, check_se, trend_cov_arg, with_se
from ..measures.decompose import decompose
from ..measures.dispersion import sigma
from ..measures.inference import (
    dyadic_cov,
    standard_errors,
    t_pvalue,
    twoway_cluster_cov,
    wild_cluster_bootstrap,
)
from ..panel import Panel
from .panels import DEFAULT_INDICATOR, study_panel
from .robustness import study_defaults

__all__ = [
    "BreakTest",
    "DiDResult",
    "IntegrationResult",
    "break_test",
    "fx_exposure",
    "integration",
    "neighbour_pairs",
    "pair_did",
    "pair_gap_frame",
]


# ----------------------------------------------------------------------------- pairs
def neighbour_pairs(
    regions: Any,
    *,
    id_col: str = "region",
    group_col: str = "country",
    contacts: Sequence[str] = ("edge", "point"),
    edges: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every pair of neighbouring regions: ``a``, ``b``, ``group_a``, ``group_b``, ``cross`` (the
    two lie on different sides), ``contact``. Cross-border pairs are oriented with ``a`` on the
    first side (sorted group labels). ``edges``: a precomputed :func:`shared_edges` table."""

    if group_col not in regions.columns or id_col not in regions.columns:
        raise DataError(f"regions need the columns {id_col!r} and {group_col!r}", column=group_col)
    e = shared_edges(regions, id_col) if edges is None else edges
    e = pd.DataFrame(e)[lambda d: d["contact"].isin(list(contacts))]
    g = pd.Series(regions[group_col].to_numpy(dtype=object),
                  index=regions[id_col].to_numpy(dtype=object))
    g = g[~g.index.duplicated()]
    ga, gb = g.reindex(e["a"]).to_numpy(dtype=object), g.reindex(e["b"]).to_numpy(dtype=object)
    sides = sorted(pd.unique(g.dropna()), key=str)
    swap = (ga != gb) & (gb == sides[0])
    a = np.where(swap, e["b"], e["a"])
    b = np.where(swap, e["a"], e["b"])
    out = pd.DataFrame({"a": a, "b": b, "group_a": np.where(swap, gb, ga),
                        "group_b": np.where(swap, ga, gb), "contact": e["contact"].to_numpy()})
    out["cross"] = out["group_a"] != out["group_b"]
    return out.drop_duplicates(["a", "b"]).sort_values(["cross", "a", "b"], ascending=[False, True, True],
                                                       ignore_index=True)


def pair_gap_frame(panel: Panel, pairs: pd.DataFrame) -> pd.DataFrame:
    """Long table of the gaps: ``pair`` ("a|b"), ``a``, ``b``, ``cross``, ``time``, ``gap`` =
    |ln y_a - ln y_b| for every pair with both regions in the panel and both values positive."""
    m = panel.to_matrix()
    p = pairs[pairs["a"].isin(m.regions) & pairs["b"].isin(m.regions)].reset_index(drop=True)
    ia, ib = m.regions.get_indexer(p["a"]), m.regions.get_indexer(p["b"])
    va, vb = m.values[ia], m.values[ib]
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.where((va > 0) & (vb > 0), np.abs(np.log(va) - np.log(vb)), np.nan)
    n_p, n_t = gap.shape
    out = pd.DataFrame({
        "pair": np.repeat((p["a"].astype(str) + "|" + p["b"].astype(str)).to_numpy(), n_t),
        "a": np.repeat(p["a"].to_numpy(dtype=object), n_t),
        "b": np.repeat(p["b"].to_numpy(dtype=object), n_t),
        "cross": np.repeat(p["cross"].to_numpy(dtype=bool), n_t),
        "time": np.tile(np.asarray(m.times), n_p),
        "gap": gap.ravel(),
    })
    return out[np.isfinite(out["gap"])].reset_index(drop=True)


# ----------------------------------------------------------------------------- DiD
def _fmt_year(v: float) -> str:
    return f"{v:g}"


@displayable
@dataclass(frozen=True)
class DiDResult(RegressionMixin):
    """Difference-in-differences and event study of pair gaps around ``break_year``.

    ``coef`` (theta), ``se`` (clustered by pair), ``pvalue``, interval; ``event``: one row per
    event-time period ``k`` (``rel_time``, ``time`` — the observed period, ``coef``, ``se``,
    ``ci_low``, ``ci_high``, ``pvalue``; k = -1, the last period before the break (``reference``),
    has coefficient 0); ``n_before``/``n_after``: periods before / from the break;
    ``pretrend_*``: the joint F test of the leads k <= -2, NaN with fewer than 2 periods before
    (``pretrend_df`` = (q, G - 1)); not computed (NaN, ``pretrend_why`` says why) when the
    clustered covariance of the leads is singular, e.g. with fewer pairs than leads.
    """

    break_year: int
    coef: float
    se: float
    tstat: float
    pvalue: float
    ci_low: float
    ci_high: float
    nobs: int
    n_treated: int
    n_control: int
    n_clusters: int
    event: pd.DataFrame
    pretrend_F: float
    pretrend_df: tuple[int, int]
    pretrend_pvalue: float
    se_type: str = "cluster (pair)"
    reference: Any = None
    n_before: int = 0
    n_after: int = 0
    se_dyadic: float = float("nan")
    pvalue_dyadic: float = float("nan")
    n_regions: int = 0
    se_twoway: float = float("nan")
    pvalue_twoway: float = float("nan")
    wild_pvalue: float = float("nan")
    wild_method: str = ""
    fx_coef: float = float("nan")
    fx_se: float = float("nan")
    fx_pvalue: float = float("nan")
    fx_exposure_coef: float = float("nan")
    fx_exposure_se: float = float("nan")
    fx_corr: float = float("nan")
    fx_note: str = ""
    fx_event: pd.DataFrame = field(default=None, repr=False, compare=False)
    pairs: pd.DataFrame = field(default=None, repr=False, compare=False)
    fit: Any = field(default=None, repr=False, compare=False)
    event_fit: Any = field(default=None, repr=False, compare=False)
    #: why the pre-trend test is not computed (empty when it is, or when there are no leads)
    pretrend_why: str = ""

    def to_dict(self) -> dict[str, Any]:
        keys = ("break_year", "coef", "se", "tstat", "pvalue", "ci_low", "ci_high", "nobs",
                "n_treated", "n_control", "n_clusters", "pretrend_F", "pretrend_pvalue", "se_type",
                "reference", "n_before", "n_after")
        return {k: getattr(self, k) for k in keys} | {"pretrend_df": list(self.pretrend_df)}

    @property
    def df_resid(self) -> float:
        """Degrees of freedom of the t inference: G - 1 clusters (pairs)."""
        return float(self.n_clusters - 1)

    def coef_table(self) -> pd.DataFrame:
        """The DiD regression's coefficients (``cross_x_post`` first, then the fixed effects): coef,
        se, tstat, pvalue and the 95% interval (clustered by pair, t(G - 1))."""
        f = self.fit
        ci = np.asarray(f.conf_int(0.05))
        return pd.DataFrame({"coef": f.params, "se": f.bse, "tstat": f.tvalues, "pvalue": f.pvalues,
                             "ci_low": ci[:, 0], "ci_high": ci[:, 1]}).rename_axis("term")

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.to_dict()])

    def summary(self) -> str:
        d = "narrowed" if self.coef < 0 else "widened"
        pre = (f"pre-trend F({self.pretrend_df[0]}, {self.pretrend_df[1]}) = {self.pretrend_F:.3g}, "
               f"p {self.pretrend_pvalue:.3g}" if np.isfinite(self.pretrend_F) else
               f"no pre-trend test ({self.pretrend_note()})")
        return (f"DiD at {self.break_year} (reference period {self.reference}; {self.n_before} "
                f"period(s) before, {self.n_after} from the break on): cross-border gaps {d} by "
                f"{abs(self.coef):.4f} log points relative to domestic pairs (se {self.se:.4f}, "
                f"p {self.pvalue:.3g}; {self.se_type}); {self.n_treated} cross-border and "
                f"{self.n_control} domestic pairs, {self.nobs} obs; {pre}")

    def inference_dict(self) -> dict[str, Any]:
        """The additional inference (dyadic, two-way, wild bootstrap, exchange-rate control)."""
        keys = ("se_dyadic", "pvalue_dyadic", "n_regions", "se_twoway", "pvalue_twoway",
                "wild_pvalue", "wild_method", "fx_coef", "fx_se", "fx_pvalue", "fx_exposure_coef",
                "fx_exposure_se", "fx_corr", "fx_note")
        return {k: getattr(self, k) for k in keys}

    def inference_summary(self) -> str:
        """One compact line: the DiD's p-value under each estimator and with the exposure control."""
        def se_p(name: str, se: float, p: float) -> str:
            if not np.isfinite(se):
                return f"{name} not computed (variance not positive)"
            return f"{name} {se:.4f} (p {p:.3g})"
        wild = (f"wild cluster bootstrap p {self.wild_pvalue:.3g}" if np.isfinite(self.wild_pvalue)
                else f"wild cluster bootstrap {self.wild_method or 'not computed'}")
        out = (f"  {self.break_year}: theta {self.coef:.4f}; se by pair {self.se:.4f} (p {self.pvalue:.3g}), "
               f"{se_p('dyadic-robust', self.se_dyadic, self.pvalue_dyadic)}, "
               f"{se_p('two-way by region', self.se_twoway, self.pvalue_twoway)}; {wild}")
        if np.isfinite(self.fx_coef):
            out += (f"; with the exchange-rate exposure: theta {self.fx_coef:.4f} (se {self.fx_se:.4f}, "
                    f"p {self.fx_pvalue:.3g}), exposure {self.fx_exposure_coef:.3f} "
                    f"(se {self.fx_exposure_se:.3f})")
        elif self.fx_note:
            out += f"; {self.fx_note}"
        return out

    def pretrend_note(self) -> str:
        """Why there is no pre-trend test, in words (empty when there is one)."""
        if np.isfinite(self.pretrend_F):
            return ""
        if self.n_before < 2:
            return (f"it needs 2 periods before the break, the data have {self.n_before} "
                    f"({self.reference})")
        return f"not computed: {self.pretrend_why or 'the clustered covariance of the leads has rank 0'}"


def _fe_design(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Pair dummies (all pairs, no constant) and year dummies (first year left out)."""
    pair_codes, pair_names = pd.factorize(frame["pair"], sort=True)
    time_codes, time_names = pd.factorize(frame["time"], sort=True)
    n = len(frame)
    P = np.zeros((n, len(pair_names)))
    P[np.arange(n), pair_codes] = 1.0
    T = np.zeros((n, len(time_names)))
    T[np.arange(n), time_codes] = 1.0
    X = pd.DataFrame(np.hstack([P, T[:, 1:]]), index=frame.index,
                     columns=[f"pair[{p}]" for p in pair_names] + [f"year[{t}]" for t in time_names[1:]])
    return X, pair_codes


def _quiet(fit: Any) -> Any:
    """Compute the standard errors once without numpy's warning for the fixed effects: a pair
    dummy is constant within its cluster, so its clustered variance is 0 up to rounding (maybe
    slightly negative, NaN after the square root); the coefficients of interest are unaffected."""
    with np.errstate(invalid="ignore"):
        fit.bse  # noqa: B018 - cached by statsmodels
    return fit


def _wald_f(fit: Any, names: list[str], n_clusters: int
            ) -> tuple[float, float, tuple[int, int], str]:
    """Joint F test that the coefficients ``names`` are 0 under the fit's (clustered) covariance:
    F = b' V^-1 b / q, p from F(q, G - 1), and "" -- or NaN and why it is not computed.

    With fewer clusters than the test needs, the clustered V is singular (rank r < q, eigenvalues
    below 1e-10 of the largest): a pseudo-inverse would test only r of the q restrictions, and
    from rounding-level eigenvalues it gives absurd statistics (F = -4.9e12 or 6.7e13 on a 4 + 1
    region border), so the test is not computed and the note says why. A V with a clearly
    negative eigenvalue is not a covariance: no test either. F is then >= 0 by construction; a
    negative or non-finite F is never turned into a p-value
    (:func:`crossborder.measures._degenerate.check_statistic`)."""
    b = np.asarray(fit.params[names], dtype=float)
    V = np.asarray(fit.cov_params().loc[names, names], dtype=float)
    nan = float("nan")
    if not (np.isfinite(V).all() and np.isfinite(b).all()):
        return nan, nan, (0, n_clusters - 1), ("the clustered covariance of the leads is not finite "
                                               f"({n_clusters} clusters)")
    ev, Q = np.linalg.eigh(0.5 * (V + V.T))
    top = float(ev.max(initial=0.0))
    keep = ev > 1e-10 * top
    r = int(keep.sum())
    if r == 0:
        return nan, nan, (0, n_clusters - 1), "the clustered covariance of the leads has rank 0"
    if r < len(names):
        return nan, nan, (r, n_clusters - 1), (
            f"the clustered covariance of the {len(names)} leads has rank {r} ({n_clusters} pairs "
            f"as clusters): too few clusters to test {len(names)} leads jointly")
    if ev.min() < -1e-8 * top:
        return nan, nan, (0, n_clusters - 1), (
            f"the clustered covariance of the {len(names)} leads is not positive semi-definite "
            f"(eigenvalue {ev.min():.3g}): {n_clusters} clusters are too few for the test")
    proj = Q[:, keep].T @ b
    F = float((proj * proj / ev[keep]).sum() / r)
    try:
        check_statistic("pre-trend test", "F", F)
    except DegenerateDataError as exc:
        return nan, nan, (r, n_clusters - 1), exc.why
    return F, float(stats.f.sf(F, r, n_clusters - 1)), (r, n_clusters - 1), ""


def pair_did(
    panel: Panel,
    pairs: pd.DataFrame,
    break_year: int = 2015,
    *,
    alpha: float = 0.05,
    window: tuple[int, int] | None = None,
    exposure: pd.Series | None = None,
    inference: bool = True,
    n_boot: int = 9999,
    seed: int = 0,
) -> DiDResult:
    """DiD and event study of the gaps of neighbour ``pairs`` (a :func:`neighbour_pairs` table:
    ``a``, ``b``, ``cross``) in ``panel`` around ``break_year`` (see the module docstring).

    ``window=(lo, hi)`` bins the event-time periods at its ends (k < lo counts as lo, k > hi as
    hi); by default every period has its own coefficient. The break year needs a period of data
    before it and one from it on (a ValueError names the break years that work).
    ``inference``: also the dyadic-robust and two-way clustered standard errors and the wild
    cluster bootstrap p (``n_boot`` draws, ``seed``); ``exposure``: a series by period (ln of side
    a's currency in side b's, :func:`fx_exposure`) for the DiD and event study with the
    exchange-rate control. The reported ``coef``/``se``/``pvalue`` do not change.
    """
    import statsmodels.api as sm

    alpha = check_alpha(alpha)
    gaps = pair_gap_frame(panel, pairs)
    if gaps.empty:
        raise DataError("no pair has both regions in the panel with positive values")
    t = numeric_times(pd.Index(gaps["time"]))
    periods = np.unique(t)
    labels = {float(v): lab for v, lab in zip(t, gaps["time"], strict=True)}
    listed = (f"{labels[float(periods[0])]}-{labels[float(periods[-1])]}"
              if len(periods) > 2 and np.all(np.diff(periods) == 1)
              else ", ".join(str(labels[float(v)]) for v in periods))
    if len(periods) < 2:
        raise DataError(f"a DiD needs gaps in at least 2 periods; the pairs have {listed}",
                        column="time")
    n_before = int((periods < break_year).sum())
    if n_before == 0 or n_before == len(periods):
        raise ValueError(f"break year {break_year}: the DiD needs a period of data before it and one "
                         f"from it on; the data have {listed} (break years {_fmt_year(periods[0] + 1)}"
                         f" to {_fmt_year(periods[-1])} work)")
    n_treated = gaps.loc[gaps["cross"], "pair"].nunique()
    n_control = gaps.loc[~gaps["cross"], "pair"].nunique()
    if n_treated < 1 or n_control < 1:
        raise DataError(f"the test needs cross-border and domestic pairs; found {n_treated} and "
                        f"{n_control}")
    reference = labels[float(periods[n_before - 1])]        # the last period before the break
    X, clusters = _fe_design(gaps)
    y = gaps["gap"].to_numpy()
    cross = gaps["cross"].to_numpy(dtype=float)
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": clusters}, "use_t": True}
    G = int(clusters.max() + 1)

    after = t >= break_year
    Xd = pd.concat([pd.Series(cross * after, index=X.index, name="cross_x_post"), X], axis=1)
    fit = _quiet(sm.OLS(y, Xd).fit(**cov))
    ci = fit.conf_int(alpha).loc["cross_x_post"]

    # event time in periods: 0 = the first period from the break year on, -1 = the last one before
    k = np.searchsorted(periods, t) - n_before
    time_of = {int(i) - n_before: labels[float(v)] for i, v in enumerate(periods)}
    if window is not None:
        lo, hi = window
        if not lo <= -1 <= hi:
            raise ValueError("window must contain the reference period -1")
        k = np.clip(k, lo, hi)
    ks = [int(v) for v in sorted(set(k)) if v != -1]
    ev = pd.DataFrame({f"k[{v}]": cross * (k == v) for v in ks}, index=X.index)
    efit = _quiet(sm.OLS(y, pd.concat([ev, X], axis=1)).fit(**cov))
    eci = efit.conf_int(alpha)
    rows = [{"rel_time": v, "time": time_of[v], "coef": float(efit.params[f"k[{v}]"]),
             "se": float(efit.bse[f"k[{v}]"]), "ci_low": float(eci.loc[f"k[{v}]", 0]),
             "ci_high": float(eci.loc[f"k[{v}]", 1]), "pvalue": float(efit.pvalues[f"k[{v}]"])}
            for v in ks]
    rows.append({"rel_time": -1, "time": reference, "coef": 0.0, "se": 0.0, "ci_low": 0.0,
                 "ci_high": 0.0, "pvalue": np.nan})
    event = pd.DataFrame(rows).sort_values("rel_time", ignore_index=True)
    leads = [v for v in ks if v <= -2]
    if leads:
        F, p, df, why = _wald_f(efit, [f"k[{v}]" for v in leads], G)
    else:
        F, p, df, why = float("nan"), float("nan"), (0, G - 1), ""
    se = float(fit.bse["cross_x_post"])
    if not (np.isfinite(se) and se > 0):
        raise not_computed("DiD", f"the clustered standard error of the DiD coefficient is {se:g} "
                                  f"({G} pairs as clusters): too few pairs, or gaps without "
                                  "variation")
    cluster_warning(G, f"DiD at {break_year} (clusters: pairs)")
    extra: dict[str, Any] = {}
    if inference:
        extra = _more_inference(y, Xd, fit, gaps, clusters, n_boot=n_boot, seed=seed)
    if exposure is not None:
        extra |= _fx_control(panel, gaps, y, X, Xd, ev, event, t, break_year, exposure, cov, k, ks)
    return DiDResult(**extra,
        break_year=int(break_year), coef=float(fit.params["cross_x_post"]),
        se=float(fit.bse["cross_x_post"]), tstat=float(fit.tvalues["cross_x_post"]),
        pvalue=float(fit.pvalues["cross_x_post"]), ci_low=float(ci.iloc[0]), ci_high=float(ci.iloc[1]),
        nobs=int(fit.nobs), n_treated=int(n_treated), n_control=int(n_control), n_clusters=G,
        event=event, pretrend_F=F, pretrend_df=df, pretrend_pvalue=p, pretrend_why=why,
        reference=reference, n_before=n_before, n_after=int(len(periods) - n_before),
        pairs=gaps.drop_duplicates("pair")[["pair", "a", "b", "cross"]].reset_index(drop=True),
        fit=fit, event_fit=efit)


def _more_inference(y: np.ndarray, Xd: pd.DataFrame, fit: Any, gaps: pd.DataFrame, clusters: np.ndarray,
                    *, n_boot: int, seed: int) -> dict[str, Any]:
    """Dyadic-robust and two-way (region a, region b) standard errors of theta and the wild cluster
    bootstrap p by pair; a statistic that cannot be computed stays NaN."""
    Xm = Xd.to_numpy(dtype=float)
    e = np.asarray(fit.resid, dtype=float)
    bread = np.linalg.pinv(Xm.T @ Xm)
    a, b = gaps["a"].astype(str).to_numpy(), gaps["b"].astype(str).to_numpy()
    coef = float(fit.params["cross_x_post"])
    R = len(set(a) | set(b))
    out: dict[str, Any] = {"n_regions": R}
    se_d = float(standard_errors(dyadic_cov(Xm, e, a, b, bread=bread))[0])
    if np.isfinite(se_d) and R > 1:
        out |= {"se_dyadic": se_d, "pvalue_dyadic": t_pvalue(coef / se_d, R - 1)}
    se_t = float(standard_errors(twoway_cluster_cov(Xm, e, a, b, bread=bread))[0])
    g_min = min(len(set(a)), len(set(b)))
    if np.isfinite(se_t) and g_min > 1:
        out |= {"se_twoway": se_t, "pvalue_twoway": t_pvalue(coef / se_t, g_min - 1)}
    try:
        w = wild_cluster_bootstrap(y, Xm, clusters, 0, n_boot=n_boot, seed=seed)
    except ValueError as err:
        out["wild_method"] = f"not computed: {err}"
    else:
        out |= {"wild_pvalue": w.pvalue, "wild_method": w.method}
    return out


def _signed_pre_gap(panel: Panel, gaps: pd.DataFrame, before: np.ndarray) -> pd.Series:
    """Mean of ln y_a - ln y_b per pair over the periods before the break."""
    m = panel.to_matrix()
    pre = gaps[before]
    ia, ib = m.regions.get_indexer(pre["a"]), m.regions.get_indexer(pre["b"])
    it = pd.Index(m.times).get_indexer(pre["time"])
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.log(m.values[ia, it]) - np.log(m.values[ib, it])
    return pd.Series(d, index=pre["pair"].to_numpy()).groupby(level=0).mean()


def _fx_control(panel: Panel, gaps: pd.DataFrame, y: np.ndarray, X: pd.DataFrame, Xd: pd.DataFrame,
                ev: pd.DataFrame, event: pd.DataFrame, t: np.ndarray, break_year: int,
                exposure: pd.Series, cov: dict[str, Any], k: np.ndarray, ks: list[int]) -> dict[str, Any]:
    """The DiD and the event study with the signed exchange-rate exposure as a control."""
    import statsmodels.api as sm

    ex = pd.Series(exposure, dtype=float)
    ex.index = numeric_times(pd.Index(ex.index))
    x_t = ex.reindex(t).to_numpy()
    cross = gaps["cross"].to_numpy(dtype=bool)
    missing = sorted({_fmt_year(v) for v in t[cross & ~np.isfinite(x_t)]})
    if missing:
        return {"fx_note": f"no exchange-rate control: the exposure has no value in {', '.join(missing)}"}
    sgn = -np.sign(_signed_pre_gap(panel, gaps, t < break_year))
    s_p = sgn.reindex(gaps["pair"]).fillna(0.0).to_numpy()
    fx = pd.Series(np.where(cross, s_p * x_t, 0.0), index=X.index, name="fx_exposure")
    if not np.any(fx.to_numpy() != 0):
        return {"fx_note": "no exchange-rate control: the exposure is 0 for every pair"}
    out: dict[str, Any] = {}
    f = _quiet(sm.OLS(y, pd.concat([Xd[["cross_x_post"]], fx, X], axis=1)).fit(**cov))
    out |= {"fx_coef": float(f.params["cross_x_post"]), "fx_se": float(f.bse["cross_x_post"]),
            "fx_pvalue": float(f.pvalues["cross_x_post"]), "fx_exposure_coef": float(f.params["fx_exposure"]),
            "fx_exposure_se": float(f.bse["fx_exposure"])}
    # the path beside the exposure; the event study with the control when the signs vary
    per = pd.Series(x_t, index=k).groupby(level=0).first()
    path = event[["rel_time", "time", "coef"]].copy()
    path["exposure"] = path["rel_time"].map(per).to_numpy()
    ok = np.isfinite(path["exposure"].to_numpy())
    if ok.sum() > 2 and np.std(path.loc[ok, "coef"]) > 0 and np.std(path.loc[ok, "exposure"]) > 0:
        out["fx_corr"] = float(np.corrcoef(path.loc[ok, "coef"], path.loc[ok, "exposure"])[0, 1])
    Xe = pd.concat([ev, fx, X], axis=1)
    if np.linalg.matrix_rank(Xe.to_numpy(dtype=float)) < Xe.shape[1]:
        path["coef_fx"], path["se_fx"] = np.nan, np.nan
        out["fx_note"] = ("event study with the exposure not identified: every cross-border pair has "
                          "the same sign of exposure")
    else:
        fe = _quiet(sm.OLS(y, Xe).fit(**cov))
        cf = {v: float(fe.params[f"k[{v}]"]) for v in ks} | {-1: 0.0}
        sf = {v: float(fe.bse[f"k[{v}]"]) for v in ks} | {-1: 0.0}
        path["coef_fx"] = path["rel_time"].map(cf)
        path["se_fx"] = path["rel_time"].map(sf)
    out["fx_event"] = path
    return out


# ----------------------------------------------------------------------------- break in a series
@displayable
@dataclass(frozen=True)
class BreakTest(RegressionMixin):
    """Trend break of a yearly series at ``break_year`` (see the module docstring)."""

    name: str
    break_year: int
    slope_before: float
    slope_after: float
    change: float
    change_se: float
    change_pvalue: float
    shift: float
    shift_pvalue: float
    wald: float
    wald_pvalue: float
    chow_F: float
    chow_pvalue: float
    nobs: int
    se_type: str

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    @property
    def df_resid(self) -> float:
        """Degrees of freedom of the t inference: n - 4."""
        return float(self.nobs - 4)

    def coef_table(self) -> pd.DataFrame:
        """The trend-break regression (terms ``const``, ``trend``, ``shift``, ``change``): coef, se,
        tstat, pvalue and the 95% interval with the test's covariance."""
        t = self.__dict__.get("_table")
        if t is None:
            raise ValueError("this BreakTest has no coefficient table (made by hand, not break_test)")
        return t.copy()

    def summary(self) -> str:
        return (f"{self.name} break at {self.break_year}: slope {self.slope_before:.4g} -> "
                f"{self.slope_after:.4g} per year (change {self.change:.4g}, p {self.change_pvalue:.3g}; "
                f"{self.se_type}); joint Wald p {self.wald_pvalue:.3g}, Chow F {self.chow_F:.3g} "
                f"(p {self.chow_pvalue:.3g})")


def break_test(series: pd.Series, break_year: int, *, cov_type: CovType | None = None,
               hac_lags: int = 1, name: str = "", se_type: Any = UNSET) -> BreakTest:
    """Trend-shift regression of ``series`` (indexed by year) at ``break_year`` with ``cov_type``
    standard errors (``"nonrobust"`` by default, ``"HC0"``..``"HC3"``, ``"HAC"``; t(n - 4) p-values;
    ``se_type`` is the deprecated old name), and the Chow F test; needs two years on each side and
    one to spare."""
    import statsmodels.api as sm

    se_type = trend_cov_arg(cov_type, "nonrobust", "break_test", se_type=se_type)
    check_se(se_type)
    s = pd.Series(series, dtype=float).dropna()
    t = numeric_times(s.index)
    post = (t >= break_year).astype(float)
    n_before, n_after = int((post == 0).sum()), int(post.sum())
    if n_before < 2 or n_after < 2 or len(s) < 5:
        raise ValueError(f"a break test at {break_year} needs 2 periods on each side and 5 in all; "
                         f"the series has {n_before} before and {n_after} from it")
    c = t - break_year
    X = np.column_stack([np.ones_like(c), c, post, c * post])
    y = s.to_numpy()
    base = sm.OLS(y, X).fit()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = with_se(base, se_type, hac_lags)
        params, V = np.asarray(f.params), np.asarray(f.cov_params())
        bse, pvalues = np.asarray(f.bse), np.asarray(f.pvalues)
        R = np.array([[0, 0, 1.0, 0], [0, 0, 0, 1.0]])
        r = R @ params
        try:
            wald = float(r @ np.linalg.solve(R @ V @ R.T, r))
        except np.linalg.LinAlgError:
            wald = float("nan")
    if not (np.isfinite(bse[2:]).all() and np.isfinite(pvalues[2:]).all() and np.isfinite(wald)
            and wald >= 0):
        msgs = "; ".join(dict.fromkeys(str(w.message) for w in caught))
        raise ValueError(f"the {se_type} covariance of the break test at {break_year} gives no finite "
                         f"standard error or Wald statistic with {len(y)} periods"
                         + (f" (numerical warning: {msgs})" if msgs else "")
                         + "; use classical errors")
    restricted = sm.OLS(y, X[:, :2]).fit()
    df2 = len(y) - 4
    chow = ((restricted.ssr - base.ssr) / 2) / (base.ssr / df2) if df2 > 0 else np.nan
    ci = np.asarray(f.conf_int(0.05))
    table = pd.DataFrame({"coef": params, "se": bse, "tstat": np.asarray(f.tvalues), "pvalue": pvalues,
                          "ci_low": ci[:, 0], "ci_high": ci[:, 1]},
                         index=pd.Index(["const", "trend", "shift", "change"], name="term"))
    out = BreakTest(
        name=name, break_year=int(break_year), slope_before=float(params[1]),
        slope_after=float(params[1] + params[3]), change=float(params[3]),
        change_se=float(bse[3]), change_pvalue=float(pvalues[3]),
        shift=float(params[2]), shift_pvalue=float(pvalues[2]), wald=wald,
        wald_pvalue=float(stats.chi2.sf(wald, 2)), chow_F=float(chow),
        chow_pvalue=float(stats.f.sf(chow, 2, df2)) if df2 > 0 else float("nan"),
        nobs=len(y), se_type=se_type if se_type != "HAC" else f"HAC ({hac_lags} lag)")
    object.__setattr__(out, "_table", table)
    return out


# ----------------------------------------------------------------------------- the whole test
@displayable
@dataclass(frozen=True)
class IntegrationResult:
    """DiD/event studies per break year and the break tests of sigma and the between share.

    ``table``: one row per break year and test (``did``, ``pretrend``, ``sigma_break``,
    ``between_share_break``) with ``estimate``, ``se``, ``pvalue``, ``stat`` and ``detail``;
    ``event``: the event-study coefficients of every break year; ``did``: break year ->
    :class:`DiDResult`; ``breaks``: break year -> list of :class:`BreakTest`.
    ``inference``: more rows of the same columns beside the DiD — ``did_dyadic``, ``did_twoway``,
    ``did_wild`` (p only), ``did_fx`` (theta with the exchange-rate exposure as a control),
    ``fx_exposure`` (its coefficient), ``placebo`` (one row per placebo break year); ``fx_event``:
    the event-study path without and with the exposure control beside the exposure.
    """

    table: pd.DataFrame
    event: pd.DataFrame
    did: dict[int, DiDResult]
    breaks: dict[int, list[BreakTest]]
    params: dict[str, Any]
    inference: pd.DataFrame = field(default=None, repr=False, compare=False)
    fx_event: pd.DataFrame = field(default=None, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def overview(self) -> pd.DataFrame:
        """``table`` followed by the ``inference`` rows."""
        if self.inference is None or self.inference.empty:
            return self.table.copy()
        return pd.concat([self.table, self.inference], ignore_index=True)

    def summary(self) -> str:
        lines = [d.summary() for d in self.did.values()]
        more = [d.inference_summary() for d in self.did.values() if np.isfinite(d.se_dyadic)
                or np.isfinite(d.wild_pvalue)]
        if more:
            lines += ["Beside the pair-clustered errors:", *more]
        if self.inference is not None and not self.inference.empty:
            pl = self.inference[self.inference["test"] == "placebo"]
            for year, g in pl.groupby("break_year", sort=False):
                shown = ", ".join(f"{r.detail.split()[2]} {r.estimate:+.3f} (p {r.pvalue:.2g})"
                                  for r in g.itertuples() if np.isfinite(r.estimate))
                if shown:
                    lines.append(f"  placebo breaks before {year}: {shown}")
        return "\n".join(lines)


def integration(
    source: Any,
    break_years: Sequence[int] | None = None,
    *,
    panel: Panel | None = None,
    geometry: Any = None,
    currency: str | None = "USD",
    indicator: str | None = None,
    control: str = "border",
    id_col: str = "region",
    group_col: str = "country",
    alpha: float = 0.05,
    cov_type: CovType | None = None,
    hac_lags: int = 1,
    window: tuple[int, int] | None = None,
    edges: pd.DataFrame | None = None,
    exposure: pd.Series | None = None,
    placebo: bool = True,
    n_boot: int = 9999,
    seed: int = 0,
    se_type: Any = UNSET,
) -> IntegrationResult:
    """The integration test on any border: :func:`pair_did` at each break year and
    :func:`break_test` of the sd of logs and of the between-side Theil share of the border regions.

    ``source``: a Dataset (its study panel of every analysis unit in ``currency``, its polygons, its
    default break years — :func:`crossborder.measures.robustness.study_defaults` — else 2015) or a
    Panel with a group role (then ``geometry``: a GeoDataFrame with ``id_col`` and ``group_col``).
    ``panel`` overrides the Dataset's panel; a default break year the panel cannot test (no year
    before it, say) gets a row "not tested" instead of an error. ``control``: ``"border"``
    (domestic pairs of border regions) or ``"all"`` (every domestic pair of neighbours in the
    panel). ``cov_type`` of the break tests: ``"nonrobust"`` by default, because with a dozen
    years and four terms HAC covariances are close to singular and their p-values far too small;
    ``"HAC"`` on request. ``edges``: the neighbour table to use (a Dataset's one border:
    :func:`crossborder.border.shared.dataset_edges`); default the polygons' shared edges.

    Beside the DiD (``IntegrationResult.inference``): dyadic-robust and two-way clustered errors, the
    wild cluster bootstrap p (``n_boot``, ``seed``), placebo break years (``placebo``) and the DiD with
    the exchange-rate exposure as a control — ``exposure`` a series by period (ln of side a's
    currency in side b's), by default from a Dataset's exchange rates (:func:`fx_exposure`).
    """

    if control not in ("border", "all"):
        raise ValueError("control must be 'border' or 'all'")
    alpha = check_alpha(alpha)
    se_type = trend_cov_arg(cov_type, "nonrobust", "integration", se_type=se_type)
    check_se(se_type)
    if isinstance(source, Panel):
        p = source
        if geometry is None:
            raise ValueError("a Panel needs geometry= (polygons with the region and group columns)")
        geo = geometry
        defaults: list[int] = []
    else:

        ds = source
        p = panel if panel is not None else study_panel(
            ds, indicator=indicator or DEFAULT_INDICATOR, regions="all", currency=currency)
        r = ds.regions
        geo = geometry if geometry is not None else (
            r[r["region"].isin(set(map(str, p.regions))) & r.geometry.notna()]
            [["region", group_col, "geometry"]].reset_index(drop=True))
        defaults = study_defaults(ds)["break_years"]
    years = list(break_years) if break_years is not None else (defaults or [2015])
    pairs = neighbour_pairs(geo, id_col=id_col, group_col=group_col, edges=edges)
    fx_name = "the exposure supplied"
    if exposure is None and not isinstance(source, Panel) and getattr(source, "fx", None) is not None:
        sides = sorted(pd.unique(pairs.loc[pairs["cross"], ["group_a", "group_b"]].to_numpy().ravel()),
                       key=str)
        if len(sides) == 2:
            try:
                exposure = fx_exposure(source.fx, str(sides[0]), str(sides[1]))
                fx_name = f"ln {sides[0]}/{sides[1]} exchange rate"
            except (DataError, ValueError, KeyError):
                exposure = None
    pairs = pairs[pairs["a"].isin(p.regions) & pairs["b"].isin(p.regions)]
    border = set(pairs.loc[pairs["cross"], "a"]) | set(pairs.loc[pairs["cross"], "b"])
    if not border:
        raise DataError("no neighbours across the border among the panel's regions")
    if control == "border":
        pairs = pairs[pairs["cross"] | (pairs["a"].isin(border) & pairs["b"].isin(border))]
    pb = p.select(regions=[r for r in p.regions if r in border])
    sd = sigma(pb, "sd_log")["sd_log"]
    share = decompose(pb, "theil", by="group")["between_share"]

    rows, events, dids, breaks = [], [], {}, {}
    more: list[dict[str, Any]] = []
    fx_events: list[pd.DataFrame] = []
    splits: dict[int, int] = {}              # periods before the break -> first break year so split
    for year in years:
        try:
            d = pair_did(p, pairs, int(year), alpha=alpha, window=window, exposure=exposure,
                         n_boot=n_boot, seed=seed)
        except ValueError as err:
            if break_years is not None:          # asked for: an error; a default: said, not run
                raise
            rows.append({"break_year": year, "test": "did", "detail": f"not tested: {err}"})
            continue
        dids[int(year)] = d
        twin = splits.setdefault(d.n_before, year)
        same = (f"; the periods split as at {twin}: the same estimates" if twin != year else "")
        rows.append({"break_year": year, "test": "did", "estimate": d.coef, "se": d.se,
                     "ci_low": d.ci_low, "ci_high": d.ci_high, "pvalue": d.pvalue, "stat": d.tstat,
                     "nobs": d.nobs, "se_type": d.se_type,
                     "detail": f"{d.n_treated} cross-border vs {d.n_control} domestic pairs; "
                               f"reference period {d.reference}{same}"})
        rows.append({"break_year": year, "test": "pretrend", "estimate": np.nan, "se": np.nan,
                     "ci_low": np.nan, "ci_high": np.nan, "pvalue": d.pretrend_pvalue,
                     "stat": d.pretrend_F, "nobs": d.nobs, "se_type": d.se_type,
                     "detail": (f"joint F({d.pretrend_df[0]}, {d.pretrend_df[1]}) of the leads"
                                if np.isfinite(d.pretrend_F) else f"not tested: {d.pretrend_note()}")})
        events.append(d.event.assign(break_year=year))
        more.extend(_inference_rows(d, fx_name))
        if d.fx_event is not None:
            fx_events.append(d.fx_event.assign(break_year=year))
        if placebo:
            more.extend(_placebo_rows(p, pairs, int(year), alpha=alpha))
        bt = []
        for name, series in (("sigma_break", sd), ("between_share_break", share)):
            try:
                b = break_test(series, int(year), cov_type="nonrobust" if se_type == "classical"
                               else se_type, hac_lags=hac_lags, name=name)
            except ValueError as err:
                rows.append({"break_year": year, "test": name, "detail": f"not tested: {err}"})
                continue
            bt.append(b)
            rows.append({"break_year": year, "test": name, "estimate": b.change, "se": b.change_se,
                         "ci_low": np.nan, "ci_high": np.nan, "pvalue": b.change_pvalue,
                         "stat": b.wald, "nobs": b.nobs, "se_type": b.se_type,
                         "detail": f"slope {b.slope_before:.4g} -> {b.slope_after:.4g}; joint Wald "
                                   f"p {b.wald_pvalue:.3g}; Chow F {b.chow_F:.3g} p {b.chow_pvalue:.3g}"})
        breaks[int(year)] = bt
    columns = ["break_year", "test", "estimate", "se", "ci_low", "ci_high", "pvalue", "stat", "nobs",
               "se_type", "detail"]
    table = pd.DataFrame(rows, columns=columns)
    inference = pd.DataFrame(more, columns=columns)
    params = {"control": control, "currency": currency, "alpha": alpha, "window": window,
              "indicator": p.indicator, "unit": p.unit, "years": (p.times[0], p.times[-1])}
    if not dids:
        raise ValueError("no break year could be tested: "
                         + "; ".join(str(r["detail"]) for r in rows if r["test"] == "did"))
    return IntegrationResult(table=table, event=pd.concat(events, ignore_index=True), did=dids,
                             breaks=breaks, params=params, inference=inference,
                             fx_event=pd.concat(fx_events, ignore_index=True) if fx_events else None)


def fx_exposure(fx: pd.DataFrame, side_a: str, side_b: str, currency: str = "USD") -> pd.Series:
    """ln(currency of ``side_a`` per currency of ``side_b``) per year from an exchange-rate table
    (``Dataset.fx``; the newest vintage of ``currency``'s rate: ``ln(LCU_a/USD) - ln(LCU_b/USD)``),
    e.g. ln KZT/RUB for sides ``"KZ"``, ``"RU"``: it rises when side a's currency falls."""

    rates, _, _ = rate_table(fx, parse_currency(currency))
    wide = rates.pivot_table(index="year", columns="country", values="rate", aggfunc="first")
    if side_a not in wide or side_b not in wide:
        raise DataError(f"the exchange-rate table has no {currency} rate for {side_a!r} and {side_b!r}",
                        column="country")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.log(wide[side_a].astype(float)) - np.log(wide[side_b].astype(float))
    return out[np.isfinite(out)].rename(f"ln {side_a}/{side_b}")


def _row(d: DiDResult, test: str, **kw: Any) -> dict[str, Any]:
    base = {"break_year": d.break_year, "test": test, "estimate": np.nan, "se": np.nan,
            "ci_low": np.nan, "ci_high": np.nan, "pvalue": np.nan, "stat": np.nan, "nobs": d.nobs,
            "se_type": "", "detail": ""}
    return base | kw


def _inference_rows(d: DiDResult, fx_name: str) -> list[dict[str, Any]]:
    """The DiD's additional inference as rows of the integration table's columns."""
    out = []
    if np.isfinite(d.se_dyadic):
        out.append(_row(d, "did_dyadic", estimate=d.coef, se=d.se_dyadic, pvalue=d.pvalue_dyadic,
                        stat=d.coef / d.se_dyadic, se_type="dyadic-robust (region)",
                        detail=f"pairs sharing any of {d.n_regions} regions may be correlated; "
                               f"t({d.n_regions - 1}); pair-clustered se {d.se:.4g}"))
    elif d.n_regions:
        out.append(_row(d, "did_dyadic", estimate=d.coef, se_type="dyadic-robust (region)",
                        detail="not computed: the dyadic variance of theta is not positive (its meat "
                               "need not be positive semi-definite)"))
    if np.isfinite(d.se_twoway):
        out.append(_row(d, "did_twoway", estimate=d.coef, se=d.se_twoway, pvalue=d.pvalue_twoway,
                        stat=d.coef / d.se_twoway, se_type="two-way cluster (region a, region b)",
                        detail="Cameron-Gelbach-Miller: V_a + V_b - V_pair"))
    elif d.n_regions:
        out.append(_row(d, "did_twoway", estimate=d.coef, se_type="two-way cluster (region a, region b)",
                        detail="not computed: V_a + V_b - V_pair of theta is not positive"))
    if d.wild_method:
        out.append(_row(d, "did_wild", estimate=d.coef, pvalue=d.wild_pvalue, stat=d.tstat,
                        se_type="wild cluster bootstrap (pair)", detail=d.wild_method))
    if np.isfinite(d.fx_coef):
        corr = f"; event path vs exposure r = {d.fx_corr:.2f}" if np.isfinite(d.fx_corr) else ""
        out.append(_row(d, "did_fx", estimate=d.fx_coef, se=d.fx_se, pvalue=d.fx_pvalue,
                        stat=d.fx_coef / d.fx_se, se_type="cluster (pair)",
                        detail=f"DiD with the exposure to the {fx_name} as a control (signed by "
                               f"the pair's richer side){corr}"))
        out.append(_row(d, "fx_exposure", estimate=d.fx_exposure_coef, se=d.fx_exposure_se,
                        pvalue=float(2 * stats.t.sf(abs(d.fx_exposure_coef / d.fx_exposure_se),
                                                    d.n_clusters - 1)),
                        stat=d.fx_exposure_coef / d.fx_exposure_se, se_type="cluster (pair)",
                        detail="coefficient of the exposure (1: the gap moves with the exchange rate "
                               "one for one)" + (f"; {d.fx_note}" if d.fx_note else "")))
    elif d.fx_note:
        out.append(_row(d, "did_fx", detail=d.fx_note))
    return out


def _placebo_rows(panel: Panel, pairs: pd.DataFrame, break_year: int, *,
                  alpha: float) -> list[dict[str, Any]]:
    """The DiD on the periods before ``break_year`` only, with a placebo break at each of them but
    the first: a real effect of the break should not show there."""
    times = list(panel.times)
    tn = numeric_times(pd.Index(times))
    pre = [lab for lab, v in zip(times, tn, strict=True) if v < break_year]
    out = []
    if len(pre) < 2:
        return [{"break_year": break_year, "test": "placebo", "estimate": np.nan, "se": np.nan,
                 "ci_low": np.nan, "ci_high": np.nan, "pvalue": np.nan, "stat": np.nan, "nobs": np.nan,
                 "se_type": "", "detail": f"not tested: {len(pre)} period(s) before {break_year}"}]
    sub = panel.select(times=pre)
    span = f"{pre[0]}-{pre[-1]}"
    for lab, v in zip(pre[1:], numeric_times(pd.Index(pre[1:])), strict=True):
        try:
            d = pair_did(sub, pairs, int(v), alpha=alpha, inference=False)
        except (ValueError, DataError) as err:
            out.append({"break_year": break_year, "test": "placebo", "detail": f"placebo {lab} not "
                        f"tested: {err}"})
            continue
        out.append({"break_year": break_year, "test": "placebo", "estimate": d.coef, "se": d.se,
                    "ci_low": d.ci_low, "ci_high": d.ci_high, "pvalue": d.pvalue, "stat": d.tstat,
                    "nobs": d.nobs, "se_type": d.se_type,
                    "detail": f"placebo break {lab} on {span} (the periods before {break_year})"})
    return out
