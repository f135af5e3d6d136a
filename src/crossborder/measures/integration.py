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
from ..errors import DataError
from ..panel import Panel
from ._arrays import numeric_times
from ._covtype import UNSET, CovType, warn_few_clusters
from ._timetrend import check_alpha, check_se, trend_cov_arg, with_se

__all__ = [
    "BreakTest",
    "DiDResult",
    "IntegrationResult",
    "break_test",
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
    from ..border.geometry import shared_edges

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
    (``pretrend_df`` = (q, G - 1); q is below the number of leads when the
    clustered covariance of the leads is singular, with fewer treated pairs than leads).
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
    pairs: pd.DataFrame = field(default=None, repr=False, compare=False)
    fit: Any = field(default=None, repr=False, compare=False)
    event_fit: Any = field(default=None, repr=False, compare=False)

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

    def pretrend_note(self) -> str:
        """Why there is no pre-trend test, in words (empty when there is one)."""
        if np.isfinite(self.pretrend_F):
            return ""
        if self.n_before < 2:
            return (f"it needs 2 periods before the break, the data have {self.n_before} "
                    f"({self.reference})")
        return "the clustered covariance of the leads has rank 0"


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


def _wald_f(fit: Any, names: list[str], n_clusters: int) -> tuple[float, float, tuple[int, int]]:
    """Joint F test that the coefficients ``names`` are 0 under the fit's (clustered) covariance:
    F = b' V^+ b / r with r = rank(V), p from F(r, G - 1). With fewer treated clusters than
    coefficients the clustered V is singular: its pseudo-inverse and rank are used (as statsmodels'
    ``wald_test`` does), so the test has r numerator degrees of freedom, not len(names)."""
    b = np.asarray(fit.params[names], dtype=float)
    V = np.asarray(fit.cov_params().loc[names, names], dtype=float)
    r = int(np.linalg.matrix_rank(V))
    if r == 0:
        return float("nan"), float("nan"), (0, n_clusters - 1)
    F = float(b @ np.linalg.pinv(V) @ b / r)
    return F, float(stats.f.sf(F, r, n_clusters - 1)), (r, n_clusters - 1)


def pair_did(
    panel: Panel,
    pairs: pd.DataFrame,
    break_year: int = 2015,
    *,
    alpha: float = 0.05,
    window: tuple[int, int] | None = None,
) -> DiDResult:
    """DiD and event study of the gaps of neighbour ``pairs`` (a :func:`neighbour_pairs` table:
    ``a``, ``b``, ``cross``) in ``panel`` around ``break_year`` (see the module docstring).

    ``window=(lo, hi)`` bins the event-time periods at its ends (k < lo counts as lo, k > hi as
    hi); by default every period has its own coefficient. The break year needs a period of data
    before it and one from it on (a ValueError names the break years that work).
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
    warn_few_clusters(G, f"pair DiD at {break_year} (clustered by pair)")

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
        F, p, df = _wald_f(efit, [f"k[{v}]" for v in leads], G)
    else:
        F, p, df = float("nan"), float("nan"), (0, G - 1)
    return DiDResult(
        break_year=int(break_year), coef=float(fit.params["cross_x_post"]),
        se=float(fit.bse["cross_x_post"]), tstat=float(fit.tvalues["cross_x_post"]),
        pvalue=float(fit.pvalues["cross_x_post"]), ci_low=float(ci.iloc[0]), ci_high=float(ci.iloc[1]),
        nobs=int(fit.nobs), n_treated=int(n_treated), n_control=int(n_control), n_clusters=G,
        event=event, pretrend_F=F, pretrend_df=df, pretrend_pvalue=p,
        reference=reference, n_before=n_before, n_after=int(len(periods) - n_before),
        pairs=gaps.drop_duplicates("pair")[["pair", "a", "b", "cross"]].reset_index(drop=True),
        fit=fit, event_fit=efit)


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
    """

    table: pd.DataFrame
    event: pd.DataFrame
    did: dict[int, DiDResult]
    breaks: dict[int, list[BreakTest]]
    params: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        return "\n".join(d.summary() for d in self.did.values())


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
    ``"HAC"`` on request.
    """
    from .decompose import decompose
    from .dispersion import sigma
    from .robustness import study_defaults

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
        from ..study import DEFAULT_INDICATOR, study_panel

        ds = source
        p = panel if panel is not None else study_panel(
            ds, indicator=indicator or DEFAULT_INDICATOR, regions="all", currency=currency)
        r = ds.regions
        geo = geometry if geometry is not None else (
            r[r["region"].isin(set(map(str, p.regions))) & r.geometry.notna()]
            [["region", group_col, "geometry"]].reset_index(drop=True))
        defaults = study_defaults(ds)["break_years"]
    years = list(break_years) if break_years is not None else (defaults or [2015])
    pairs = neighbour_pairs(geo, id_col=id_col, group_col=group_col)
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
    splits: dict[int, int] = {}              # periods before the break -> first break year so split
    for year in years:
        try:
            d = pair_did(p, pairs, int(year), alpha=alpha, window=window)
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
    table = pd.DataFrame(rows, columns=["break_year", "test", "estimate", "se", "ci_low", "ci_high",
                                        "pvalue", "stat", "nobs", "se_type", "detail"])
    params = {"control": control, "currency": currency, "alpha": alpha, "window": window,
              "indicator": p.indicator, "unit": p.unit, "years": (p.times[0], p.times[-1])}
    if not dids:
        raise ValueError("no break year could be tested: "
                         + "; ".join(str(r["detail"]) for r in rows if r["test"] == "did"))
    return IntegrationResult(table=table, event=pd.concat(events, ignore_index=True), did=dids,
                             breaks=breaks, params=params)
