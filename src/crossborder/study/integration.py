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

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._display import RegressionMixin, displayable
from ..border.geometry import PAIR_CONTACTS, shared_edges
from ..border.shared import panel_edges
from ..currency import parse_currency, rate_table
from ..dataset import Dataset
from ..errors import DataError, DegenerateDataError, UnitError
from ..measures._arrays import numeric_times
from ..measures._columns import with_coef
from ..measures._covtype import UNSET, CovType
from ..measures._degenerate import check_statistic, cluster_warning, not_computed
from ..measures._timetrend import check_alpha, check_se, trend_cov_arg, with_se
from ..measures.decompose import decompose
from ..measures.dispersion import sigma
from ..measures.inference import (
    bootstrap_weights,
    dyadic_cov,
    standard_errors,
    t_pvalue,
    twoway_cluster_cov,
    wild_cluster_bootstrap,
)
from ..measures.leverage import LEVERAGE_SE, leverage_one, leverage_one_reason
from ..panel import Panel
from .panels import DEFAULT_INDICATOR, study_panel
from .robustness import default_currencies, study_defaults

__all__ = [
    "BreakTest",
    "DiDResult",
    "IntegrationGrid",
    "IntegrationResult",
    "RelativeMagnitudes",
    "break_test",
    "did_relative_magnitudes",
    "fx_exposure",
    "fx_changes",
    "grid_windows",
    "integration",
    "integration_grid",
    "neighbour_pairs",
    "pair_did",
    "pair_gap_frame",
    "relative_magnitudes",
]


# ----------------------------------------------------------------------------- pairs
def neighbour_pairs(
    regions: Any,
    *,
    id_col: str = "region",
    group_col: str = "country",
    contacts: Sequence[str] = PAIR_CONTACTS,
    edges: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every pair of neighbouring regions: ``a``, ``b``, ``group_a``, ``group_b``, ``cross`` (the
    two lie on different sides), ``contact``. Cross-border pairs are oriented with ``a`` on the
    first side (sorted group labels). ``edges``: a precomputed :func:`shared_edges` table.
    ``contacts``: the kinds that make a pair (default the one definition of
    :data:`crossborder.border.geometry.PAIR_CONTACTS`: a shared line; ``("edge", "point")`` adds
    regions touching at a point)."""

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
    #: the exchange-rate control changes theta's sign or its significance at ``alpha``
    fx_drives: bool = False
    alpha: float = 0.05
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
                "fx_exposure_se", "fx_corr", "fx_note", "fx_drives")
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
        if "fx_coef" in extra:
            extra["fx_drives"] = fx_changes(float(fit.params["cross_x_post"]),
                                            float(fit.pvalues["cross_x_post"]), extra["fx_coef"],
                                            extra["fx_pvalue"], alpha)
    return DiDResult(**extra, alpha=alpha,
        break_year=int(break_year), coef=float(fit.params["cross_x_post"]),
        se=float(fit.bse["cross_x_post"]), tstat=float(fit.tvalues["cross_x_post"]),
        pvalue=float(fit.pvalues["cross_x_post"]), ci_low=float(ci.iloc[0]), ci_high=float(ci.iloc[1]),
        nobs=int(fit.nobs), n_treated=int(n_treated), n_control=int(n_control), n_clusters=G,
        event=event, pretrend_F=F, pretrend_df=df, pretrend_pvalue=p, pretrend_why=why,
        reference=reference, n_before=n_before, n_after=int(len(periods) - n_before),
        pairs=gaps.drop_duplicates("pair")[["pair", "a", "b", "cross"]].reset_index(drop=True),
        fit=fit, event_fit=efit)


def fx_changes(coef: float, pvalue: float, fx_coef: float, fx_pvalue: float, alpha: float) -> bool:
    """Whether the exchange-rate control changes the DiD's reading: theta is significant at
    ``alpha`` (p < alpha) with the control and not without it, or the reverse; or its sign flips
    while one of the two is significant (two insignificant estimates near 0 flip sign by chance,
    which changes no reading)."""
    if not (np.isfinite(fx_coef) and np.isfinite(fx_pvalue)):
        return False
    sig, fx_sig = pvalue < alpha, fx_pvalue < alpha
    return bool(sig != fx_sig or (np.sign(fx_coef) != np.sign(coef) and (sig or fx_sig)))


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
    if se_type in LEVERAGE_SE:
        lone, moved = leverage_one(X)
        if moved[2:].any():
            raise ValueError(f"the break test at {break_year}: "
                             + leverage_one_reason(se_type, [str(x) for x in np.asarray(s.index)[lone]]))
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
    ``between_share_break``) with ``coef`` (the estimate's number, as statsmodels), ``se``,
    ``pvalue``, ``stat`` and ``detail`` (and ``estimate``: the old name of ``coef``, kept last for
    one release, deprecated);
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

    def __post_init__(self) -> None:
        # the number in ``coef`` (as statsmodels); ``estimate`` kept last for one release (deprecated)
        object.__setattr__(self, "table", with_coef(self.table, "estimate"))
        if self.inference is not None:
            object.__setattr__(self, "inference", with_coef(self.inference, "estimate"))

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
    :func:`crossborder.border.shared.dataset_edges`); default: for a Dataset its one border
    (:func:`crossborder.border.shared.panel_edges`: the pairs every command reads), for a Panel
    with ``geometry=`` the polygons' shared edges.

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
        if edges is None and geometry is None and isinstance(ds, Dataset):
            # the Dataset's one border (its tolerance, its pairs), as every command reads it
            edges = panel_edges(ds, p.regions, group_col=group_col)
    years = list(break_years) if break_years is not None else (defaults or [2015])
    pairs = neighbour_pairs(geo, id_col=id_col, group_col=group_col, edges=edges)
    fx_name = "the exposure supplied"
    fx_sides: tuple[str, str] | None = None
    if exposure is None and not isinstance(source, Panel) and getattr(source, "fx", None) is not None:
        sides = sorted(pd.unique(pairs.loc[pairs["cross"], ["group_a", "group_b"]].to_numpy().ravel()),
                       key=str)
        if len(sides) == 2:
            try:
                exposure = fx_exposure(source.fx, str(sides[0]), str(sides[1]))
                fx_name = f"ln {sides[0]}/{sides[1]} exchange rate"
                fx_sides = (str(sides[0]), str(sides[1]))
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
        more.extend(_sensitivity_rows(d))
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
              "indicator": p.indicator, "unit": p.unit, "years": (p.times[0], p.times[-1]),
              "fx_sides": fx_sides}
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
    if np.isfinite(d.fx_corr):
        moved = ("moves with" if d.fx_corr >= 0.5 else "moves against" if d.fx_corr <= -0.5
                 else "is only loosely related to")
        out.append(_row(d, "fx_path", estimate=d.fx_corr, se_type="",
                        detail=f"correlation of the event-study path with the {fx_name} over the "
                               f"{len(d.fx_event)} event periods: the path {moved} the exchange rate; "
                               + ("the exchange-rate control changes theta's sign or significance"
                                  if d.fx_drives else "the control leaves theta's sign and "
                                  "significance as they are")))
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


# ----------------------------------------------------------------------------- pre-trend sensitivity
#: the relative-magnitude bounds of :func:`relative_magnitudes` by default
RM_MBARS = (0.0, 0.5, 1.0, 2.0)


@displayable
@dataclass(frozen=True)
class RelativeMagnitudes:
    """Rambachan & Roth (2023) relative-magnitudes sensitivity of a post-break effect (see
    :func:`relative_magnitudes`): ``table`` one row per ``mbar`` (``coef``: the effect, ``id_low``,
    ``id_high``: the identified set; ``ci_low``, ``ci_high``: the robust interval);
    ``max_pre_change`` (M-hat: the largest change between consecutive pre-period coefficients) and
    its upper confidence bound; ``breakdown``: the smallest Mbar whose robust interval includes 0
    (0 when the plain interval already does), ``breakdown_id``: that of the identified set."""

    table: pd.DataFrame
    target: str
    estimate: float
    se: float
    max_pre_change: float
    max_pre_change_upper: float
    breakdown: float
    breakdown_id: float
    weight: float
    alpha: float

    def __post_init__(self) -> None:
        # the number in ``coef`` (as statsmodels); ``estimate`` kept last for one release (deprecated)
        object.__setattr__(self, "table", with_coef(self.table, "estimate"))

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        return (f"relative magnitudes ({self.target} post-break effect {self.estimate:.4f}, largest "
                f"pre-break change {self.max_pre_change:.4f}): the robust interval includes 0 from "
                f"Mbar = {self.breakdown:.2f}, the identified set from Mbar = {self.breakdown_id:.2f}")


def relative_magnitudes(rel_time: Sequence[int], coef: Sequence[float], cov: Any, *,
                        df: float, mbars: Sequence[float] = RM_MBARS, alpha: float = 0.05,
                        target: str = "average") -> RelativeMagnitudes:
    """Sensitivity of the post-break effect to violations of parallel trends bounded by the
    pre-break ones: Rambachan & Roth (2023, Review of Economic Studies 90: 2555-2591), section
    2.3.2, the relative-magnitudes restriction Delta^RM(Mbar).

    ``rel_time``/``coef``/``cov``: the event-study coefficients (event time k; the reference
    k = -1 is left out, its coefficient 0) and their covariance; ``df``: the degrees of freedom of
    their t inference (G - 1 clusters). The event-study coefficient is ``beta_k = tau_k + delta_k``
    (effect plus the trend violation, ``delta_-1 = 0``); before the break ``tau_k = 0``, so
    ``delta_pre = beta_pre``. Delta^RM(Mbar) bounds every post-break change of the violation by
    Mbar times the largest pre-break change::

        |delta_{k+1} - delta_k| <= Mbar * M,   k >= -1,   M = max_{s <= -2} |beta_{s+1} - beta_s|

    so ``|delta_k| <= (k + 1) Mbar M`` for k >= 0 (the changes add up from the reference). The
    target ``theta = l' tau_post`` (``"average"``: the mean over the post-break periods, l_k = 1/K;
    ``"impact"``: k = 0) has the identified set (Rambachan & Roth, Lemma 2.1 applied to this
    box)::

        theta in [l'beta_post - Mbar w M, l'beta_post + Mbar w M],   w = sum_k l_k (k + 1)

    The robust interval here is a Bonferroni union bound, valid and conservative (not the
    conditional-hybrid interval of the paper's HonestDiD): with probability at least 1 - alpha,
    ``l'beta_post`` lies within ``t_{1-alpha/4} se`` of its estimate and every pre-break change
    within ``t_{1-alpha/(4J)} sd_j`` of its own (J changes), so ``M <= M_up = max_j(|d_j| +
    t_{1-alpha/(4J)} sd_j)`` and ``theta in l'beta_post +- (t_{1-alpha/4} se + Mbar w M_up)``;
    at Mbar = 0 (parallel trends after the break) the plain ``t_{1-alpha/2}`` interval. The
    breakdown value is the smallest Mbar whose interval includes 0.
    """
    alpha = check_alpha(alpha)
    if target not in ("average", "impact"):
        raise ValueError(f"target must be 'average' or 'impact', not {target!r}")
    k = np.asarray(rel_time, dtype=int)
    b = np.asarray(coef, dtype=float)
    V = np.asarray(cov, dtype=float)
    if V.shape != (len(k), len(k)) or len(b) != len(k):
        raise ValueError("coef needs one value per event time and cov a square matrix of that size")
    if -1 in set(k.tolist()):
        raise ValueError("leave the reference period k = -1 out (its coefficient is 0)")
    if any(m < 0 for m in mbars):
        raise ValueError("Mbar must be >= 0")
    order = np.argsort(k)
    k, b, V = k[order], b[order], V[np.ix_(order, order)]
    pre, post = np.flatnonzero(k <= -2), np.flatnonzero(k >= 0)
    if not len(pre) or not len(post):
        raise ValueError("the relative-magnitudes bound needs a period before the reference and one "
                         "from the break on")
    if not np.array_equal(k[pre], np.arange(k[pre][0], -1)):
        raise ValueError("the pre-break event times must run without a gap up to -2")
    # the pre-break changes d_j = beta_{s+1} - beta_s, s = first lead .. -2 (beta_-1 = 0)
    J = len(pre)
    Dm = np.zeros((J, len(k)))
    for j, i in enumerate(pre):
        Dm[j, i] = -1.0
        if j + 1 < J:
            Dm[j, pre[j + 1]] = 1.0
    d = Dm @ b
    sd = np.sqrt(np.clip(np.diag(Dm @ V @ Dm.T), 0.0, None))
    lv = np.zeros(len(k))
    if target == "average":
        lv[post] = 1.0 / len(post)
    else:
        lv[post[k[post] == 0]] = 1.0
        if not lv.any():
            raise ValueError("the impact target needs the event time k = 0")
    est = float(lv @ b)
    se = float(np.sqrt(max(lv @ V @ lv, 0.0)))
    w = float(lv[post] @ (k[post] + 1))
    M = float(np.abs(d).max())
    M_up = float((np.abs(d) + stats.t.ppf(1 - alpha / (4 * J), df) * sd).max())
    t0, t1 = float(stats.t.ppf(1 - alpha / 2, df)), float(stats.t.ppf(1 - alpha / 4, df))
    rows = []
    for m in mbars:
        half = t0 * se if m == 0 else t1 * se + m * w * M_up
        rows.append({"mbar": float(m), "estimate": est, "id_low": est - m * w * M,
                     "id_high": est + m * w * M, "ci_low": est - half, "ci_high": est + half})
    if abs(est) <= t0 * se:
        breakdown = 0.0
    else:
        breakdown = max(0.0, (abs(est) - t1 * se) / (w * M_up)) if M_up > 0 else float("inf")
    breakdown_id = abs(est) / (w * M) if M > 0 else float("inf")
    return RelativeMagnitudes(table=pd.DataFrame(rows), target=target, estimate=est, se=se,
                              max_pre_change=M, max_pre_change_upper=M_up, breakdown=breakdown,
                              breakdown_id=breakdown_id, weight=w, alpha=alpha)


def did_relative_magnitudes(d: DiDResult, mbars: Sequence[float] = RM_MBARS,
                            target: str = "average") -> RelativeMagnitudes:
    """:func:`relative_magnitudes` of a DiD's event study (its pair-clustered covariance, t(G - 1))."""
    names = [f"k[{v}]" for v in d.event["rel_time"] if v != -1]
    ks = [int(v) for v in d.event["rel_time"] if v != -1]
    V = np.asarray(d.event_fit.cov_params().loc[names, names], dtype=float)
    b = np.asarray(d.event_fit.params[names], dtype=float)
    return relative_magnitudes(ks, b, V, df=d.n_clusters - 1, mbars=mbars, alpha=d.alpha,
                               target=target)


def _sensitivity_rows(d: DiDResult) -> list[dict[str, Any]]:
    """Rows ``pretrend_rm`` (one per Mbar) and ``pretrend_rm_breakdown`` where a lead or the leads
    jointly are significant at the DiD's alpha; else one row saying it is not needed."""
    leads = d.event[d.event["rel_time"] <= -2]
    sig = bool((leads["pvalue"] < d.alpha).any()) or bool(d.pretrend_pvalue < d.alpha)
    if leads.empty:
        return []
    if not sig:
        return [_row(d, "pretrend_rm", detail=f"not needed: no lead significant at {d.alpha:g}, "
                                              "jointly or alone")]
    try:
        rm = did_relative_magnitudes(d)
    except ValueError as err:
        return [_row(d, "pretrend_rm", detail=f"not computed: {err}")]
    out = [_row(d, "pretrend_rm", estimate=r.estimate, ci_low=r.ci_low, ci_high=r.ci_high,
                stat=r.mbar, se=rm.se, se_type="cluster (pair)",
                detail=f"Rambachan-Roth relative magnitudes, Mbar = {r.mbar:g}: identified set "
                       f"[{r.id_low:.4f}, {r.id_high:.4f}] for the average post-break coefficient; "
                       f"largest pre-break change {rm.max_pre_change:.4f} (bound "
                       f"{rm.max_pre_change_upper:.4f}); Bonferroni robust interval")
           for r in rm.table.itertuples()]
    out.append(_row(d, "pretrend_rm_breakdown", estimate=rm.breakdown, stat=rm.breakdown_id,
                    detail=f"the robust interval includes 0 from Mbar = {rm.breakdown:.3g} (the "
                           f"identified set from Mbar = {rm.breakdown_id:.3g}): post-break "
                           "violations of parallel trends that large relative to the largest "
                           "pre-break one explain the effect away"))
    return out


# ----------------------------------------------------------------------------- the test on a grid
#: columns of :attr:`IntegrationGrid.table`
GRID_COLUMNS = ["currency", "start", "end", "break_year", "baseline", "coef", "se", "pvalue",
                "se_dyadic", "pvalue_dyadic", "se_twoway", "pvalue_twoway", "wild_pvalue", "fx_coef",
                "fx_se", "fx_pvalue", "fx_drives", "n_treated", "n_control", "n_regions", "nobs",
                "n_before", "n_after"]
#: the inference of each share: (label, p-value column, estimate column)
GRID_INFERENCE = (("pair", "pvalue", "coef"), ("dyadic", "pvalue_dyadic", "coef"),
                  ("twoway", "pvalue_twoway", "coef"), ("wild", "wild_pvalue", "coef"),
                  ("fx", "fx_pvalue", "fx_coef"))


@displayable
@dataclass(frozen=True)
class IntegrationGrid:
    """The DiD of :func:`integration` on a grid of currency bases, windows and break years
    (:func:`integration_grid`): ``table`` one row per specification (:data:`GRID_COLUMNS`;
    ``baseline`` marks the declared one), ``skipped`` what could not be run and why."""

    table: pd.DataFrame
    skipped: pd.DataFrame
    params: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def baseline(self) -> pd.Series:
        """The baseline specification's row."""
        b = self.table[self.table["baseline"]]
        if b.empty:
            raise ValueError("the grid has no baseline specification (it could not be run)")
        return b.iloc[0]

    def shares(self) -> pd.DataFrame:
        """Per currency basis and inference (pair-clustered, dyadic, two-way, wild bootstrap,
        with the exchange-rate control): ``n`` specifications with a p-value, ``narrowing`` /
        ``widening`` (theta < 0 / > 0 with p < alpha) and their shares."""
        alpha = self.params["alpha"]
        rows = []
        for cur, g in self.table.groupby("currency", sort=False):
            for name, pcol, ecol in GRID_INFERENCE:
                ok = g[np.isfinite(g[pcol].astype(float))]
                sig = ok[pcol] < alpha
                nar, wid = int((sig & (ok[ecol] < 0)).sum()), int((sig & (ok[ecol] > 0)).sum())
                n = len(ok)
                rows.append({"currency": cur, "inference": name, "n": n, "narrowing": nar,
                             "widening": wid, "share_narrowing": nar / n if n else np.nan,
                             "share_widening": wid / n if n else np.nan})
        return pd.DataFrame(rows, columns=["currency", "inference", "n", "narrowing", "widening",
                                           "share_narrowing", "share_widening"])

    def summary(self) -> str:
        sh = self.shares()
        pair = sh[sh["inference"] == "pair"]
        parts = [f"{r.currency} {r.narrowing}/{r.n} narrowing, {r.widening}/{r.n} widening"
                 for r in pair.itertuples()]
        out = ("DiD on the grid (pair-clustered p < "
               f"{self.params['alpha']:g}): " + "; ".join(parts))
        try:
            b = self.baseline()
        except ValueError:
            return out + "; no baseline"
        return (out + f". Baseline ({b['currency']}, {b['start']}-{b['end']}, break {b['break_year']}): "
                f"theta {b['coef']:.4f} (p {b['pvalue']:.3g}, dyadic p {b['pvalue_dyadic']:.3g}, "
                f"wild p {b['wild_pvalue']:.3g})")


def grid_windows(times: Sequence[Any], n_ends: int = 5) -> tuple[list, list]:
    """The robustness grid's default windows: starts at the first period and the first one at least
    two years later, ends at each of the last ``n_ends`` periods."""
    t = numeric_times(pd.Index(list(times)))
    later = np.flatnonzero(t >= t[0] + 2)
    starts = [times[0]] + ([times[int(later[0])]] if len(later) else [])
    return starts, list(times)[-n_ends:]


def _grid_currencies(ds: Any) -> list[str | None]:
    """The dataset's bases, the real basis first, then PPP, USD and the others."""
    have = default_currencies(ds)
    first = [c for c in ("real", "PPP", "USD") if c in have]
    return first + [c for c in have if c not in first]


def _study_pairs(pairs: pd.DataFrame, regions: Any, control: str) -> pd.DataFrame:
    """The pairs of ``regions``; with ``control="border"`` the domestic ones of border regions only."""
    present = set(regions)
    pairs = pairs[pairs["a"].isin(present) & pairs["b"].isin(present)]
    border = set(pairs.loc[pairs["cross"], "a"]) | set(pairs.loc[pairs["cross"], "b"])
    if not border:
        raise DataError("no neighbours across the border among the panel's regions")
    if control == "border":
        pairs = pairs[pairs["cross"] | (pairs["a"].isin(border) & pairs["b"].isin(border))]
    return pairs.reset_index(drop=True)


def _grid_did(panel: Panel, gaps: pd.DataFrame, Q: np.ndarray, K: int, X: np.ndarray,
              clusters: np.ndarray, break_year: int, exposure: pd.Series | None, *, alpha: float,
              n_boot: int, seed: int) -> dict[str, Any]:
    """The DiD of :func:`pair_did` and its inference (pair-clustered, dyadic, two-way, wild, the
    exchange-rate control) by Frisch-Waugh-Lovell: ``Q`` an orthonormal basis of the fixed effects
    ``X`` (rank ``K - 1``; ``K`` counts theta too), so ``theta = x~'y~ / x~'x~`` with ``z~ = z -
    Q Q'z``, and the sandwich of theta has the score ``x~_i e_i``. Same numbers as
    :func:`pair_did`, without refitting the fixed effects for each break year."""
    def resid(z: np.ndarray) -> np.ndarray:
        return z - Q @ (Q.T @ z)

    y = gaps["gap"].to_numpy(dtype=float)
    cross = gaps["cross"].to_numpy(dtype=bool)
    t = numeric_times(pd.Index(gaps["time"]))
    D = (cross & (t >= break_year)).astype(float)
    yt, Dt = resid(y), resid(D)
    DD = float(Dt @ Dt)
    coef = float(Dt @ yt) / DD
    e = yt - Dt * coef
    n = len(y)
    G = int(clusters.max() + 1)
    small = (n - 1) / (n - K)
    Sg = np.bincount(clusters, weights=Dt * e, minlength=G)
    se = float(np.sqrt(G / (G - 1) * small * (Sg @ Sg)) / DD)
    a, b = gaps["a"].astype(str).to_numpy(), gaps["b"].astype(str).to_numpy()
    R = len(set(a) | set(b))
    one = np.array([[1.0 / DD]])
    out: dict[str, Any] = {"coef": coef, "se": se, "pvalue": t_pvalue(coef / se, G - 1),
                           "n_regions": R, "nobs": n}
    vd = float(dyadic_cov(Dt, e, a, b, bread=one, small_sample=False)[0, 0]) * R / (R - 1) * small
    out["se_dyadic"] = float(np.sqrt(vd)) if vd > 0 else np.nan
    out["pvalue_dyadic"] = t_pvalue(coef / out["se_dyadic"], R - 1)
    vt = 0.0
    for grp, sign in ((a, 1.0), (b, 1.0), (gaps["pair"].to_numpy(), -1.0)):
        codes, uniq = pd.factorize(pd.Series(grp))
        Sh = np.bincount(codes, weights=Dt * e, minlength=len(uniq))
        vt += sign * len(uniq) / (len(uniq) - 1) * small * float(Sh @ Sh) / DD ** 2
    out["se_twoway"] = float(np.sqrt(vt)) if vt > 0 else np.nan
    out["pvalue_twoway"] = t_pvalue(coef / out["se_twoway"], min(len(set(a)), len(set(b))) - 1)
    out["wild_pvalue"] = _wild_p(Q, Dt, yt, clusters, G, abs(coef / se), n_boot=n_boot, seed=seed)
    out |= {"fx_coef": np.nan, "fx_se": np.nan, "fx_pvalue": np.nan, "fx_drives": False}
    if exposure is not None:
        ex = pd.Series(exposure, dtype=float)
        ex.index = numeric_times(pd.Index(ex.index))
        x_t = ex.reindex(t).to_numpy()
        if np.isfinite(x_t[cross]).all():
            s_p = (-np.sign(_signed_pre_gap(panel, gaps, t < break_year))).reindex(gaps["pair"])
            fx = np.where(cross, s_p.fillna(0.0).to_numpy() * np.where(cross, x_t, 0.0), 0.0)
            if np.any(fx != 0):
                Z = np.column_stack([Dt, resid(fx)])
                ZZi = np.linalg.inv(Z.T @ Z)
                bz = ZZi @ (Z.T @ yt)
                ez = yt - Z @ bz
                S = np.zeros((G, 2))
                np.add.at(S, clusters, Z * ez[:, None])
                V = G / (G - 1) * (n - 1) / (n - K - 1) * ZZi @ (S.T @ S) @ ZZi
                fse = float(np.sqrt(V[0, 0]))
                out |= {"fx_coef": float(bz[0]), "fx_se": fse,
                        "fx_pvalue": t_pvalue(float(bz[0]) / fse, G - 1)}
                out["fx_drives"] = fx_changes(coef, out["pvalue"], out["fx_coef"], out["fx_pvalue"],
                                              alpha)
    return out


@functools.lru_cache(maxsize=8)
def _weights(G: int, n_boot: int, seed: int) -> np.ndarray:
    """:func:`bootstrap_weights` (Rademacher) once per number of clusters, draws and seed."""
    return bootstrap_weights(G, n_boot=n_boot, seed=seed)[0]


def _wild_p(Q: np.ndarray, Dt: np.ndarray, u0: np.ndarray, clusters: np.ndarray, G: int, t_abs: float,
            *, n_boot: int, seed: int) -> float:
    """The restricted wild cluster bootstrap p of theta = 0 (as
    :func:`crossborder.measures.inference.wild_cluster_bootstrap`, Rademacher weights from
    :func:`~crossborder.measures.inference.bootstrap_weights`) from the fixed effects' basis ``Q``,
    the partialled-out regressor ``Dt`` and the restricted residuals ``u0 = y~``: ``theta* - 0 =
    sum_g v_g Dt_g'u0_g / Dt'Dt``, the refit's cluster scores linear in ``v``."""
    n = len(u0)
    clusters = pd.factorize(clusters)[0]        # numbered by first appearance, as the bootstrap's
    DD = float(Dt @ Dt)
    K = Q.shape[1] + 1
    c = G / (G - 1) * (n - 1) / (n - K)
    U = np.zeros((n, G))
    U[np.arange(n), clusters] = u0
    Qx = np.column_stack([Q, Dt / np.sqrt(DD)])
    MU = U - Qx @ (Qx.T @ U)
    A = np.zeros((G, G))
    np.add.at(A, clusters, Dt[:, None] * MU)
    num = np.bincount(clusters, weights=Dt * u0, minlength=G) / DD
    V = _weights(G, n_boot, seed)
    scores = V @ A.T
    se_b = np.sqrt(c * np.einsum("bg,bg->b", scores, scores)) / DD
    with np.errstate(invalid="ignore", divide="ignore"):
        t_boot = (V @ num) / se_b
    return float(np.mean(np.abs(t_boot) >= t_abs - 1e-10 * max(1.0, t_abs)))


def integration_grid(
    ds: Any,
    *,
    currencies: Sequence[str | None] | None = None,
    break_years: Sequence[int] | None = None,
    starts: Sequence[int] | None = None,
    ends: Sequence[int] | None = None,
    n_ends: int = 5,
    min_years: int = 5,
    indicator: str | None = None,
    control: str = "border",
    group_col: str = "country",
    alpha: float = 0.05,
    n_boot: int = 9999,
    seed: int = 0,
    edges: pd.DataFrame | None = None,
    tolerance_m: float | str = "auto",
    exposure: pd.Series | None = None,
) -> IntegrationGrid:
    """The integration DiD (:func:`pair_did`) on every currency basis, window and break year.

    ``currencies``: default the dataset's bases, the real one first, then PPP, USD and the others
    (:func:`crossborder.study.robustness.default_currencies`); windows: each ``start`` x ``end``
    (default :func:`grid_windows` of each basis's span, the robustness grid's defaults) of at least
    ``min_years`` periods; ``break_years``: default the dataset's
    (:func:`~crossborder.study.robustness.study_defaults`), else 2015; a break year needs a period
    before it and one from it on inside the window. Each specification has theta with its
    pair-clustered, dyadic-robust and two-way standard errors and t p-values, the wild cluster
    bootstrap p (``n_boot``, ``seed``), theta with the exchange-rate exposure as a control
    (``exposure``, default :func:`fx_exposure` of the two sides) and ``fx_drives``. The baseline
    (``baseline`` True): the first basis, its first start and last end (by default its whole
    span), the first break year. Neighbours:
    ``edges``, default :func:`crossborder.border.shared.panel_edges` of every region of the bases
    (``tolerance_m``), as the report and the command use for :func:`integration`.
    """
    if control not in ("border", "all"):
        raise ValueError("control must be 'border' or 'all'")
    alpha = check_alpha(alpha)
    if n_ends < 1 or min_years < 2:
        raise ValueError("n_ends must be at least 1 and min_years at least 2")
    curs = list(currencies) if currencies is not None else _grid_currencies(ds)
    years = [int(y) for y in (break_years if break_years is not None
                              else study_defaults(ds)["break_years"] or [2015])]
    panels = {}
    skipped: list[dict[str, Any]] = []
    for cur in curs:
        try:
            panels[cur] = study_panel(ds, indicator=indicator or DEFAULT_INDICATOR, regions="all",
                                      currency=cur)
        except (DataError, UnitError) as err:
            if currencies is not None:
                raise
            skipped.append({"currency": cur, "reason": str(err)})
    if not panels:
        raise DataError("no currency basis of the grid has a panel: "
                        + "; ".join(s["reason"] for s in skipped))
    codes = set().union(*(set(map(str, p.regions)) for p in panels.values()))
    r = ds.regions
    geo = r[r["region"].isin(codes) & r.geometry.notna()][["region", group_col, "geometry"]]
    if edges is None:
        edges = panel_edges(ds, sorted(codes), tolerance_m, group_col=group_col)
    pairs_all = neighbour_pairs(geo.reset_index(drop=True), group_col=group_col, edges=edges)
    if exposure is None and getattr(ds, "fx", None) is not None:
        sides = sorted(pd.unique(pairs_all.loc[pairs_all["cross"], ["group_a", "group_b"]]
                                 .to_numpy().ravel()), key=str)
        try:
            exposure = fx_exposure(ds.fx, str(sides[0]), str(sides[1])) if len(sides) == 2 else None
        except (DataError, UnitError, ValueError, KeyError):
            exposure = None
    rows = []
    for cur, p in panels.items():
        pairs = _study_pairs(pairs_all, p.regions, control)
        times = list(p.times)
        t_starts, t_ends = grid_windows(times, n_ends)
        t_starts = list(starts) if starts is not None else t_starts
        t_ends = list(ends) if ends is not None else t_ends
        tn = numeric_times(pd.Index(times))
        for start in t_starts:
            for end in t_ends:
                spec = {"currency": cur, "start": start, "end": end}
                inside = [lab for lab, v in zip(times, tn, strict=True) if start <= v <= end]
                if len(inside) < min_years:
                    skipped.append({**spec, "reason": f"{len(inside)} periods, fewer than {min_years}"})
                    continue
                sub = p.select(times=inside)
                gaps = pair_gap_frame(sub, pairs)
                Xf, clusters = _fe_design(gaps)
                X = Xf.to_numpy()
                Qf, Rf = np.linalg.qr(X)
                keep = np.abs(np.diag(Rf)) > 1e-10 * np.abs(np.diag(Rf)).max()
                Q = Qf[:, keep]
                gt = numeric_times(pd.Index(gaps["time"]))
                for year in years:
                    before = int((np.unique(gt) < year).sum())
                    if before == 0 or before == len(np.unique(gt)):
                        skipped.append({**spec, "break_year": year,
                                        "reason": f"no period before {year} or from it on in "
                                                  f"{start}-{end}"})
                        continue
                    did = _grid_did(sub, gaps, Q, int(keep.sum()) + 1, X, clusters, year, exposure,
                                    alpha=alpha, n_boot=n_boot, seed=seed)
                    rows.append({**spec, "break_year": year,
                                 "baseline": (cur == curs[0] and start == t_starts[0]
                                              and end == t_ends[-1] and year == years[0]),
                                 "n_treated": int(gaps.loc[gaps["cross"], "pair"].nunique()),
                                 "n_control": int(gaps.loc[~gaps["cross"], "pair"].nunique()),
                                 "n_before": before, "n_after": int(len(np.unique(gt)) - before),
                                 **did})
    if not rows:
        raise DataError("no specification of the integration grid could be run: "
                        + "; ".join(dict.fromkeys(s["reason"] for s in skipped)))
    table = pd.DataFrame(rows)[GRID_COLUMNS]
    table["baseline"] = table["baseline"].astype(bool)
    table["fx_drives"] = table["fx_drives"].astype(bool)
    return IntegrationGrid(table=table, skipped=pd.DataFrame(
        skipped, columns=["currency", "start", "end", "break_year", "reason"]),
        params={"alpha": alpha, "currencies": curs, "break_years": years, "control": control,
                "n_boot": n_boot, "seed": seed, "min_years": min_years})
