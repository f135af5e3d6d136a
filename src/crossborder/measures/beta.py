"""Beta convergence: do poorer regions grow faster?

Cross-section (Barro & Sala-i-Martin 1992, JPE 100; Sala-i-Martin 1996, Economic Journal 106)::

    g_i = alpha + beta ln y_i,start [+ controls] + e_i,
    g_i = (ln y_i,end - ln y_i,start) / T   (annualised, the default; T = end - start)
    g_i =  ln y_i,end - ln y_i,start        (annualize=False)

beta < 0 is (absolute, or conditional with controls) beta convergence. The implied speed of
convergence and half-life:

    lambda = -ln(1 + T beta) / T   (annualised growth)
    lambda = -ln(1 + beta) / T     (total growth)
    half_life = ln 2 / lambda

Edge cases: when 1 + T beta <= 0 (resp. 1 + beta <= 0) the log is undefined (the fit implies
overshooting) and ``speed`` is NaN; ``half_life`` is NaN when lambda is NaN or negative
(divergence) and +inf when lambda = 0.

REAT (>= 3.0) computes the speed as -ln(1 + beta) / T on *annualised* growth; that is not the
textbook speed. ``compat="reat"`` reproduces it.

Panel beta (:func:`beta_panel`): consecutive non-overlapping windows of ``window`` periods
[t_0, t_w], [t_w, t_2w], ...; per region and window the annualised growth over the window on the
log level at its start, with region fixed effects (region dummies, so statsmodels' inference is
exact) and optional window effects (Islam 1995, QJE 110). Regions with fewer than two windows do not
identify beta under fixed effects and are dropped. Note that fixed effects with a lagged level are
biased in short panels (Nickell 1981): read the panel speed as indicative.

Inference is statsmodels OLS (WLS with ``weighted=True``, weights = the start-period weight role):
``cov_type`` in {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"} (any case; see
:mod:`crossborder.measures._covtype`; the old ``robust=`` is deprecated); ``cluster="group"`` (or a
Series region -> cluster) gives cluster-robust standard errors, with a warning below 20 clusters.
Robust and clustered p-values and intervals use Student's t with n - k (clusters: G - 1) degrees of
freedom (statsmodels' ``use_t=True``), not the normal: ``BetaResult.df_resid`` says which.
Group dummies (``controls="group"``, no clustering) are absorbed by Frisch-Waugh-Lovell (demeaning
within groups) with the same numbers as the dummy regression; the statsmodels fit is then made on
first use of ``fit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._display import RegressionMixin, displayable
from ..errors import DataError
from ..panel import Panel, time_hint
from ._arrays import check_weight_coverage, check_weights, group_codes, numeric_times, panel_arrays, raise_at
from ._checks import check_bool, check_int
from ._covtype import UNSET, CovType, cov_type_arg
from ._degenerate import MIN_CLUSTERS, cluster_warning, nil_spread, not_computed
from .inference import wild_cluster_bootstrap
from .leverage import LEVERAGE_SE, LEVERAGE_TOL, hc_factor, leverage_one, leverage_one_reason, moved_by

__all__ = ["BetaResult", "beta", "beta_panel", "speed_half_life"]

_ROBUST = (None, "HC0", "HC1", "HC2", "HC3")


@displayable
@dataclass(frozen=True)
class BetaResult(RegressionMixin):
    """A beta-convergence regression. ``fit`` is the statsmodels results object."""

    alpha: float
    beta: float
    se: float
    tstat: float
    pvalue: float
    r2: float
    nobs: int
    speed: float
    half_life: float
    start: Any
    end: Any
    span: float
    annualize: bool
    kind: str
    cov_type: str
    dropped: tuple = ()
    dropped_terms: tuple = ()
    fit: Any = field(default=None, repr=False, compare=False)
    #: the coefficient table of a regression solved in closed form (None: read it from ``fit``)
    table: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    #: which least-squares solve ran: "cholesky" (normal equations, refined), "qr" (centred
    #: Householder QR, for ill-conditioned designs), "within" (group dummies absorbed, FWL),
    #: "statsmodels" (pinv: rank-deficient designs, clusters, panel FE) or "sums" (the scale path)
    solver: str = field(default="statsmodels", compare=False)
    #: degrees of freedom of the t distribution of the p-values and intervals (n - k; G - 1 clustered)
    df_resid: float | None = field(default=None, compare=False)
    #: number of clusters of a cluster-robust fit (None otherwise)
    n_clusters: int | None = field(default=None, compare=False)
    #: with fewer than 20 clusters: the restricted wild cluster bootstrap-t p of beta = 0
    #: (:func:`crossborder.measures.inference.wild_cluster_bootstrap`; NaN otherwise) and how
    wild_pvalue: float = field(default=float("nan"), compare=False)
    wild_method: str | None = field(default=None, compare=False)

    @property
    def converging(self) -> bool:
        return bool(self.beta < 0)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Growth against the initial log level with the fitted line
        (:func:`crossborder.charts.beta_scatter`); ``ax``: draw on this Axes and return it."""
        from ..charts import beta_scatter  # matplotlib only when a chart is asked for

        model = self.fit.model
        k = list(model.exog_names).index("initial")
        index = getattr(model.data, "row_labels", None)
        x = pd.Series(model.exog[:, k], index=index)
        g = pd.Series(model.endog, index=index)
        kwargs.setdefault("title", f"{self.kind} beta {self.start}-{self.end}")
        return beta_scatter(x, g, self if self.kind != "panel FE" else None, ax=ax, **kwargs)

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table: estimate, se, t, p and the 95% interval of every term."""
        if self.table is not None:
            return self.table.copy()
        ci = self.fit.conf_int()
        return pd.DataFrame(
            {
                "coef": self.fit.params,
                "se": self.fit.bse,
                "tstat": self.fit.tvalues,
                "pvalue": self.fit.pvalues,
                "ci_low": ci.iloc[:, 0],
                "ci_high": ci.iloc[:, 1],
            }
        ).rename_axis("term")

    def to_dict(self) -> dict[str, Any]:
        keys = ("alpha", "beta", "se", "tstat", "pvalue", "r2", "nobs", "speed", "half_life",
                "start", "end", "span", "annualize", "kind", "cov_type")
        out = {k: getattr(self, k) for k in keys} | {"dropped": list(self.dropped),
                                                      "dropped_terms": list(self.dropped_terms),
                                                      "solver": self.solver}
        if self.wild_method:
            out["wild_pvalue"] = self.wild_pvalue
        return out

    def summary(self) -> str:
        verdict = "convergence" if self.converging else "no convergence"
        return (f"{self.kind} beta {self.start}-{self.end}: beta = {self.beta:.6g} "
                f"(se {self.se:.3g}, t {self.tstat:.3g}, p {self.pvalue:.3g}; {self.cov_type}), "
                f"R2 = {self.r2:.3f}, n = {self.nobs}; speed {self.speed:.4g}/yr, half-life "
                f"{self.half_life:.4g} yr ({verdict})"
                + (f"; {self.n_clusters} clusters: wild bootstrap p {self.wild_pvalue:.3g} "
                   f"({self.wild_method})" if self.wild_method else ""))


def speed_half_life(beta: float, span: float, annualize: bool = True,
                    compat: str | None = None) -> tuple[float, float]:
    """(lambda, half-life) from beta over ``span`` periods; see the module docstring."""
    if compat not in (None, "reat"):
        raise ValueError(f"compat must be None or 'reat', got {compat!r}")
    arg = 1.0 + (span * beta if annualize and compat is None else beta)
    lam = float(-np.log(arg) / span) if arg > 0 and span > 0 else float("nan")
    if np.isnan(lam) or lam < 0:
        hl = float("nan")
    elif lam == 0:
        hl = float("inf")
    else:
        hl = float(np.log(2.0) / lam)
    return lam, hl


def check_beta_data(start: Any, end: Any, *, level_nil: bool, growth_nil: bool,
                    within_nil: bool = False) -> None:
    """Refuse a beta regression that the data do not identify (shared with :mod:`crossborder.scale`).

    ``level_nil``: the start levels are equal in every region (no slope to estimate); ``within_nil``:
    they do not vary beyond the controls (e.g. one level per country, collinear with the dummies);
    ``growth_nil``: the growth is equal in every region (an exact fit: beta 0 with standard error 0,
    no t or p-value)."""
    if level_nil:
        raise not_computed("beta", f"the {start} levels are the same in every region (constant "
                                   "data): the slope on the initial level is not identified")
    if within_nil:
        raise not_computed("beta", f"the {start} level does not vary beyond the controls (e.g. one "
                                   "level per country): the slope is not identified")
    if growth_nil:
        raise not_computed("beta", f"growth {start}-{end} is the same in every region (constant "
                                   "data): the fit is exact, with no residual to estimate a "
                                   "standard error from")


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _spanned(X: np.ndarray, j: int) -> bool:
    """True when column ``j`` of X is (to ~10 digits) a combination of the other columns: its
    coefficient is then not identified, whatever the other columns' own collinearity."""
    others = np.delete(X, j, axis=1)
    xj = X[:, j]
    coef = np.linalg.lstsq(others, xj, rcond=None)[0]
    r = xj - others @ coef
    d = xj - xj.mean()
    return bool(float(r @ r) <= 1e-20 * float(d @ d))


def check_beta_se(se: float, start: Any, end: Any) -> None:
    """A standard error that is not a positive finite number: the fit is exact or singular."""
    if not (np.isfinite(se) and se > 0):
        raise not_computed("beta", f"the standard error of beta {start}-{end} is {se:g}: the fit "
                                   "is exact or the design singular (no residual variation)")


def _log_levels(y: np.ndarray, log: bool, regions: Any, times: Any) -> np.ndarray:
    if not log:
        return y
    with np.errstate(invalid="ignore"):
        raise_at(y <= 0, "log of a non-positive value", regions=regions, times=times,
                 column="value")
    return np.log(y)


def _groups(panel: Panel, what: str) -> pd.Series:
    g = panel.group_labels()
    if g is None:
        raise DataError(f"{what}='group' needs a panel with a group role (e.g. country)",
                        column="group")
    return g


def _controls(panel: Panel, controls: Any, regions: pd.Index) -> pd.DataFrame | None:
    if controls is None:
        return None
    if isinstance(controls, str):
        if controls not in ("group", panel.group_name):
            raise ValueError(f"controls must be a DataFrame or 'group', got {controls!r}")
        g = _groups(panel, "controls")
        group_codes(g, regions)  # a missing or empty group is an error, never a dummy of its own
        return pd.get_dummies(g.astype(str), prefix=g.name, drop_first=True, dtype=float)
    if isinstance(controls, pd.Series):
        controls = controls.to_frame()
    if not isinstance(controls, pd.DataFrame):
        raise ValueError("controls must be a DataFrame indexed by region, or 'group'")
    c = controls.reindex(regions)
    text = [col for col in c.columns if not pd.api.types.is_numeric_dtype(c[col])]
    for col in text:
        # a missing label would become all-zero dummies: the base category, silently
        missing = c[col].isna() | c[col].astype(str).str.strip().eq("")
        if missing.any():
            who = [str(r) for r in c.index[missing]]
            raise DataError(f"control {col!r} has no value for {len(who)} region(s): "
                            f"{', '.join(who[:10])}{' ...' if len(who) > 10 else ''}; give every region "
                            "a value or leave those regions out", column=str(col))
    if text:
        c = pd.get_dummies(c, columns=text, drop_first=True, dtype=float)
    return c.astype(float)


def _cluster(panel: Panel, cluster: Any, regions: pd.Index) -> pd.Series | None:
    if cluster is None:
        return None
    if isinstance(cluster, str):
        if cluster not in ("group", panel.group_name):
            raise ValueError(f"cluster must be 'group' or a Series region -> cluster, got {cluster!r}")
        return _groups(panel, "cluster")
    return pd.Series(cluster).reindex(regions)


def _robust_of(cov: str) -> str | None:
    """The internal ``robust`` of a canonical cov_type: None (classical or cluster) or "HC0".."HC3"."""
    return None if cov in ("nonrobust", "cluster") else cov


def _resolve(cov_type: Any, robust: Any, cluster: Any, func: str) -> str:
    """cov_type of beta/beta_panel: "cluster" when ``cluster`` is given and cov_type is not."""
    if robust is None and cluster is not None:  # the old default beside cluster=: not a choice
        robust = UNSET
    default = "cluster" if cluster is not None else "nonrobust"
    cov = cov_type_arg(cov_type, default, ("nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"),
                       func=func, stacklevel=4, robust=robust)
    if robust is not UNSET and robust is not None and cluster is not None:
        raise ValueError("give either robust= or cluster=, not both")
    if cov == "cluster" and cluster is None:
        raise ValueError("cov_type='cluster' needs cluster= ('group' or a Series region -> cluster)")
    if cov != "cluster" and cluster is not None:
        raise ValueError(f"cluster= gives cluster-robust errors; it cannot go with cov_type={cov!r}")
    return cov


def _fit(y: pd.Series, X: pd.DataFrame, weights: np.ndarray | None, robust: str | None,
         clusters: pd.Series | None) -> tuple[Any, str]:
    import statsmodels.api as sm

    if robust not in _ROBUST:
        raise ValueError(f"robust must be one of {_ROBUST}, got {robust!r}")
    if robust is not None and clusters is not None:
        raise ValueError("give either robust= or cluster=, not both")
    model = sm.WLS(y, X, weights=weights) if weights is not None else sm.OLS(y, X)
    if clusters is not None:
        codes = pd.factorize(clusters)[0]
        if codes.max(initial=-1) < 1:
            raise not_computed("beta", "cluster-robust errors need at least 2 clusters among the "
                                       f"regions used, got {codes.max(initial=-1) + 1}",
                               column="group")
        cluster_warning(int(codes.max()) + 1, "beta")
        return model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True), "cluster"
    if robust is not None:
        return model.fit(cov_type=robust, use_t=True), robust
    return model.fit(), "nonrobust"


def beta(
    panel: Panel,
    start: Any = None,
    end: Any = None,
    controls: pd.DataFrame | str | None = None,
    annualize: bool = True,
    cov_type: CovType | None = None,
    log: bool = True,
    cluster: str | pd.Series | None = None,
    weighted: bool = False,
    compat: Literal["reat"] | None = None,
    *,
    robust: Any = UNSET,
) -> BetaResult:
    """Cross-section beta convergence between ``start`` and ``end`` (default: first and last time).

    Parameters
    ----------
    panel : Panel
        Levels (or logs with ``log=False``) of one indicator, region x time.
    start, end : time label, optional
        The first and last period of the growth; default the panel's first and last time.
    controls : DataFrame or "group", optional
        Conditional beta: a DataFrame indexed by region (text columns become dummies), or
        ``"group"`` for group dummies (e.g. a country dummy). A control constant on the regions
        kept is left out and listed in ``dropped_terms``.
    annualize : bool, default True
        Growth per period (``/ T``) rather than over the whole span.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}, optional
        Standard errors (any case); default ``"nonrobust"``, or ``"cluster"`` when ``cluster`` is
        given. ``robust=`` is its deprecated old name.
    log : bool, default True
        Take logs of the levels (``False`` when they are logs already).
    cluster : "group", "region" or Series, optional
        Clusters (a Series maps region -> cluster); fewer than 20 clusters warn.
    weighted : bool, default False
        WLS with the start-period weight role as weights.
    compat : {"reat"}, optional
        ``"reat"`` reproduces REAT's speed, -ln(1 + beta) / T on annualised growth.

    Returns
    -------
    BetaResult
        ``beta``, ``se``, ``tstat``, ``pvalue``, ``speed``, ``half_life``, ``r2``, the regions
        ``dropped`` (no value, weight or control) and the statsmodels ``fit``; ``params``,
        ``bse``, ``pvalues``, ``conf_int()`` and ``summary()`` as statsmodels.

    Notes
    -----
    g_i = alpha + beta ln y_i,start [+ controls] + e_i with g_i = (ln y_i,end - ln y_i,start) / T;
    beta < 0 is convergence, speed lambda = -ln(1 + T beta) / T, half-life ln 2 / lambda. Robust
    and clustered p-values use t(n - k) (clusters: t(G - 1)). Edge cases: :mod:`crossborder.measures.beta`.

    References
    ----------
    Barro, R. & Sala-i-Martin, X. (1992). Convergence. Journal of Political Economy 100: 223-251.
    Sala-i-Martin, X. (1996). The classical approach to convergence analysis. Economic Journal
    106: 1019-1036.

    Examples
    --------
    >>> from crossborder import Panel, beta
    >>> p = Panel.from_matrix([[1.0, 2.0], [2.0, 3.0], [4.0, 5.0], [8.0, 9.0]],
    ...                       regions=["A", "B", "C", "D"], times=[2000, 2010])
    >>> r = beta(p)
    >>> round(r.beta, 3), r.nobs        # by hand: slope of ln(end/start)/10 on ln(start)
    (-0.028, 4)
    """
    if not isinstance(panel, Panel):
        raise _not_a_panel(panel, "beta")
    cov = _resolve(cov_type, robust, cluster, "beta")
    robust = _robust_of(cov)
    check_bool("annualize", annualize)
    check_bool("log", log)
    check_bool("weighted", weighted)
    y, w, regions, times = panel_arrays(panel, weighted)
    if len(times) < 2:
        raise not_computed("beta", f"one period ({_plain(times[0]) if len(times) else 'none'}): "
                                   "growth needs a first and a last period")
    start = times[0] if start is None else start
    end = times[-1] if end is None else end
    for label in (start, end):
        if label not in times:
            raise ValueError(f"{label!r} is not a time of the panel{time_hint(label, times)}")
    i0, i1 = times.get_loc(start), times.get_loc(end)
    tnum = numeric_times(times)
    span = float(tnum[i1] - tnum[i0])
    if span <= 0:
        raise ValueError(f"end ({end!r}) must come after start ({start!r})")
    levels = _log_levels(y[:, [i0, i1]], log, regions, [start, end])
    growth = levels[:, 1] - levels[:, 0]
    if annualize:
        growth = growth / span
    if isinstance(controls, str) and cluster is None:
        fast = _beta_group_fast(panel, controls, levels[:, 0], growth, regions, start, end,
                                w[:, i0] if weighted else None, robust)
        if fast is not None:
            table, r2, dropped, lazy = fast
            b = float(table.at["initial", "coef"])
            lam, hl = speed_half_life(b, span, annualize, compat)
            row = table.loc["initial"]
            check_beta_se(float(row["se"]), start, end)
            return BetaResult(
                alpha=float(table.at["const", "coef"]), beta=b, se=float(row["se"]),
                tstat=float(row["tstat"]), pvalue=float(row["pvalue"]), r2=r2,
                nobs=len(growth) - len(dropped), speed=lam, half_life=hl, start=start, end=end,
                span=span, annualize=annualize, kind="conditional", cov_type=robust or "nonrobust",
                dropped=dropped, fit=_LazyFit(lazy), table=table, solver="within",
                df_resid=float(len(growth) - len(dropped) - len(table)),
            )
    ctrl = _controls(panel, controls, regions)
    names = ["const", "initial"]
    if ctrl is not None:
        ctrl = ctrl.rename(columns=lambda c: f"{c}_control" if c in ("growth", "const", "initial")
                           else c)
        names += list(ctrl.columns)
    X = np.empty((len(regions), len(names)))
    X[:, 0] = 1.0
    X[:, 1] = levels[:, 0]
    if ctrl is not None:
        X[:, 2:] = ctrl.to_numpy(dtype=float)
    ok = ~np.isnan(growth)  # NaN where either level is
    if ctrl is not None:
        ok &= ~np.isnan(X[:, 2:]).any(axis=1)
    weights = None
    if weighted:
        weights = w[:, i0]
        check_weights(weights[:, None], regions, [start])
        check_weight_coverage(levels[:, :1], weights[:, None], regions, [start])
        ok &= np.isfinite(weights) & (weights > 0)
    clusters = _cluster(panel, cluster, regions)
    if clusters is not None:
        ok &= clusters.notna().to_numpy()
    all_ok = bool(ok.all())
    dropped = () if all_ok else tuple(regions[~ok])
    X, yv = (X, growth) if all_ok else (X[ok], growth[ok])
    # a control that is constant on the regions kept (e.g. the dummy of a country whose regions
    # all lack data) cannot be estimated beside the constant: leave it out and say so
    varies = np.ones(len(names), dtype=bool)
    if len(names) > 2 and len(X):
        varies[2:] = X[:, 2:].min(axis=0) != X[:, 2:].max(axis=0)
    elif len(names) > 2:
        varies[2:] = False
    constant = [c for c, v in zip(names, varies, strict=True) if not v]
    if not varies.all():
        X = X[:, varies]
        names = [c for c, v in zip(names, varies, strict=True) if v]
    if len(yv) < len(names) + 1:
        raise not_computed("beta", f"too few regions: {len(yv)} with values in {start} and "
                                   f"{end} for {len(names)} terms (it needs more regions than "
                                   "terms)")
    level_nil = nil_spread(X[:, 1])
    within_nil = not level_nil and len(names) > 2 and _spanned(X, 1)
    check_beta_data(start, end, level_nil=level_nil, growth_nil=nil_spread(yv),
                    within_nil=bool(within_nil))
    wk = None if weights is None else weights[ok]
    ck = None if clusters is None else clusters[ok]
    if robust in LEVERAGE_SE and ck is None:
        # a region of leverage 1 that moves beta leaves it without HC2/HC3 errors (one that only
        # fixes its side's dummy does not: measures.leverage)
        lone, moved = leverage_one(X, wk)
        if moved[names.index("initial")]:
            raise not_computed("beta", leverage_one_reason(
                robust, list(np.asarray(regions if all_ok else regions[ok])[lone])))

    def sm_fit(clusters: pd.Series | None) -> tuple[Any, str]:
        index = regions if all_ok else regions[ok]
        return _fit(pd.Series(yv, index=index, name="growth"),
                    pd.DataFrame(X, index=index, columns=names), wk, robust, clusters)

    est = _ols(yv, X, names, wk, robust) if ck is None else None
    solver = "statsmodels"
    if est is None:
        fit, cov = sm_fit(ck)
        table = None
        params, bse, tv, pv = fit.params, fit.bse, fit.tvalues, fit.pvalues
        r2, nobs = float(fit.rsquared), int(fit.nobs)
        df_resid = float(fit.df_resid_inference if ck is not None else fit.df_resid)
    else:
        table, r2, solver = est
        cov = robust or "nonrobust"
        fit = _LazyFit(lambda: sm_fit(None)[0])
        params, bse, tv, pv = table["coef"], table["se"], table["tstat"], table["pvalue"]
        nobs = len(yv)
        df_resid = float(len(yv) - len(names))
    b = float(params["initial"])
    check_beta_se(float(bse["initial"]), start, end)
    lam, hl = speed_half_life(b, span, annualize, compat)
    n_clusters = None if ck is None else int(pd.factorize(ck)[0].max()) + 1
    wild = (_wild(yv, X, wk, ck, names.index("initial"))
            if n_clusters is not None and n_clusters < MIN_CLUSTERS else None)
    return BetaResult(
        alpha=float(params["const"]), beta=b, se=float(bse["initial"]),
        tstat=float(tv["initial"]), pvalue=float(pv["initial"]),
        r2=r2, nobs=nobs, speed=lam, half_life=hl, start=start,
        end=end, span=span, annualize=annualize,
        kind="conditional" if ctrl is not None else "absolute", cov_type=cov, dropped=dropped,
        dropped_terms=tuple(constant), fit=fit, table=table, solver=solver, df_resid=df_resid,
        n_clusters=n_clusters,
        wild_pvalue=wild.pvalue if wild is not None else float("nan"),
        wild_method=wild.method if wild is not None else None,
    )


def _wild(y: np.ndarray, X: np.ndarray, weights: np.ndarray | None, clusters: pd.Series,
          col: int) -> Any:
    """The wild cluster bootstrap of beta = 0 beside few-cluster errors: Rademacher weights, all
    2^G sign vectors up to 12 clusters (exact; with G clusters p >= 2 / 2^G), else 9,999 Webb
    draws (seed 0). WLS is OLS on rows scaled by sqrt(weight)."""
    if weights is not None:
        r = np.sqrt(weights)
        y, X = y * r, X * r[:, None]
    G = int(pd.factorize(clusters)[0].max()) + 1
    return wild_cluster_bootstrap(y, X, clusters.to_numpy(), col,
                                  weights="rademacher" if G <= 12 else "webb")


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """sum(a * b) by pairwise summation; not BLAS, whose threads a peer may have left spinning."""
    return float(np.multiply(a, b).sum())


def _beta_group_fast(panel: Panel, controls: str, x: np.ndarray, growth: np.ndarray,
                     regions: pd.Index, start: Any, end: Any, weights: np.ndarray | None,
                     robust: str | None) -> tuple[pd.DataFrame, float, tuple, Any] | None:
    """Conditional beta with group dummies (``controls="group"``) by Frisch-Waugh-Lovell.

    The table, R^2, dropped regions and a maker of the statsmodels fit of ``beta(..., controls=
    "group")`` without building the dummy columns; None when the general path must decide (a group
    left without regions, a single group, too few regions, a degenerate within variation). With
    weights w (1 for OLS), group means m_g(v) = sum_g w v / W_g and within values v~ = v - m_g(v):
    beta = sum w x~ y~ / S with S = sum w x~^2, residuals e = y~ - beta x~ on n - G - 1 degrees of
    freedom, group intercepts a_g = m_g(y) - beta m_g(x) (``const`` the first group's, a dummy
    a_g - a_first). Every coefficient is linear in y with whitened influence c_i, so its (co)variance
    is sum c c' u_i with u_i = s^2 (classical) or w_i e_i^2 scaled for HC1-HC3; the leverage of the
    dummies-plus-x design is h_i = w_i / W_g + w_i x~_i^2 / S (MacKinnon & White 1985).
    """

    if robust not in _ROBUST:
        raise ValueError(f"robust must be one of {_ROBUST}, got {robust!r}")
    if controls not in ("group", panel.group_name):
        raise ValueError(f"controls must be a DataFrame or 'group', got {controls!r}")
    g = _groups(panel, "controls")
    codes, uniques = group_codes(g, regions)
    # the dummies are those of the labels as text, sorted, the first left out (pd.get_dummies)
    text = np.array([str(u) for u in uniques], dtype=object)
    order = np.argsort(text, kind="stable")
    if len(set(text)) != len(text) or len(text) < 2:
        return None
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    codes, text = rank[codes], text[order]
    ok = ~np.isnan(growth)
    if weights is not None:
        check_weights(weights[:, None], regions, [start])
        check_weight_coverage(x[:, None], weights[:, None], regions, [start])
        ok &= np.isfinite(weights) & (weights > 0)
    all_ok = bool(ok.all())
    dropped = () if all_ok else tuple(regions[~ok])
    c, xv, yv = (codes, x, growth) if all_ok else (codes[ok], x[ok], growth[ok])
    wv = np.ones(len(yv)) if weights is None else (weights if all_ok else weights[ok])
    n, ng = len(yv), len(text)
    k = ng + 1
    count = np.bincount(c, minlength=ng)
    if (count == 0).any() or n < k + 1 or not (np.isfinite(xv).all() and np.isfinite(yv).all()):
        return None
    if robust in ("HC2", "HC3") and (count < 2).any():
        return None
    check_beta_data(start, end, level_nil=nil_spread(xv), growth_nil=nil_spread(yv))
    wg = np.bincount(c, wv, minlength=ng)

    def within(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = np.bincount(c, wv * v, minlength=ng) / wg
        d = v - m[c]
        fix = np.bincount(c, wv * d, minlength=ng) / wg  # a second pass for accuracy
        return d - fix[c], m + fix

    xt, mx = within(xv)
    yt, my = within(yv)
    wx = wv * xt
    s = _dot(wx, xt)
    spread = _dot(wv, (xv - np.average(xv, weights=wv)) ** 2)
    if not (s > 1e-10 * spread and s > 0):
        return None
    b = _dot(wx, yt) / s
    e = yt - b * xt
    ssr = _dot(wv, e * e)
    df_resid = n - k
    if robust is None:
        u = np.full(n, ssr / df_resid)
    else:
        u = wv * e * e
        if robust in ("HC2", "HC3"):
            h = wv / wg[c] + wx * xt / s
            u = u / (1.0 - h) if robust == "HC2" else u / (1.0 - h) ** 2
    # (co)variances of beta and the group intercepts a_g from the whitened influences
    q = _dot(wx, xt * u) / (s * s)
    pg = np.bincount(c, wv * u, minlength=ng) / (wg * wg)
    rg = np.bincount(c, wx * u, minlength=ng) / (wg * s)
    var_a = pg - 2.0 * mx * rg + mx * mx * q
    a = my - b * mx
    # dummy g: a_g - a_0; cov(a_g, a_0) = -m_0 r_g - m_g r_0 + m_g m_0 q for g != 0
    cov_a0 = -mx[0] * rg[1:] - mx[1:] * rg[0] + mx[1:] * mx[0] * q
    var = np.concatenate([[var_a[0], q], var_a[1:] + var_a[0] - 2.0 * cov_a0])
    params = np.concatenate([[a[0], b], a[1:] - a[0]])
    if robust == "HC1":
        var = var * (n / df_resid)
    tss = _dot(wv, (yv - np.average(yv, weights=wv)) ** 2)
    names = ["const", "initial"] + [
        f"{g.name}_{t}" if f"{g.name}_{t}" not in ("growth", "const", "initial")
        else f"{g.name}_{t}_control" for t in text[1:]]
    table = _coef_table(params, np.sqrt(var), robust, df_resid, names)

    def fit() -> Any:
        X = np.zeros((n, k))
        X[:, 0] = 1.0
        X[:, 1] = xv
        rows = np.flatnonzero(c > 0)
        X[rows, c[rows] + 1] = 1.0
        index = regions if all_ok else regions[ok]
        return _fit(pd.Series(yv, index=index, name="growth"),
                    pd.DataFrame(X, index=index, columns=names),
                    None if weights is None else wv, robust, None)[0]

    return table, 1.0 - ssr / tss, dropped, fit


class _LazyFit:
    """The statsmodels results of a regression already solved in closed form: fitted on first use
    of any attribute (``params``, ``bse``, ``summary()``, ...)."""

    def __init__(self, make: Any) -> None:
        self._make = make
        self._res: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_make", "_res"):
            raise AttributeError(name)
        if self._res is None:
            self._res = self._make()
        return getattr(self._res, name)

    def __repr__(self) -> str:
        return f"<statsmodels results, fitted on first use: {self._res!r}>"


def _ols(y: np.ndarray, X: np.ndarray, names: list[str], weights: np.ndarray | None,
         robust: str | None) -> tuple[pd.DataFrame, float, str] | None:
    """OLS (WLS with ``weights``) with classical or HC0-HC3 errors in closed form, as statsmodels'
    ``OLS/WLS(...).fit(cov_type=...)`` gives them (t inference when classical, normal when robust).

    The columns are scaled to unit norm. A well-conditioned design (condition number of the scaled
    X below 1e3) is solved by the normal equations (Cholesky) with one step of iterative refinement
    (corrected semi-normal equations, Björck 1996, sect. 2.9: as accurate as a QR there, and a
    fraction of its cost); an ill-conditioned one (Longley, the Wampler polynomials) by Householder
    QR of the centred and scaled X (:func:`_qr_solve`), again with one refinement step, which keeps
    the digits the normal equations lose (their error grows with cond(X)^2, QR's with cond(X)). The
    sandwich (X'X)^-1 X' diag(u_i^2) X (X'X)^-1 uses u_i^2 = e_i^2 (HC0), x n / (n - k) (HC1),
    / (1 - h_i) (HC2), / (1 - h_i)^2 (HC3) with h_i the leverage (MacKinnon & White 1985).
    Returns (table, R^2, solver), solver "cholesky" or "qr"; None when X is numerically rank
    deficient (condition number of the scaled X above 1e9) or a value is not finite: statsmodels'
    pseudo-inverse then decides, as before. Checked against the NIST StRD certified values
    (tests/test_nist_strd.py).
    """

    if robust not in _ROBUST:
        raise ValueError(f"robust must be one of {_ROBUST}, got {robust!r}")
    n, k = X.shape
    if weights is not None:
        sw = np.sqrt(weights)
        Xw, yw = X * sw[:, None], y * sw
    else:
        Xw, yw = X, y
    if k == 0 or not (np.isfinite(Xw).all() and np.isfinite(yw).all()):
        return None
    d = np.sqrt(np.einsum("ij,ij->j", Xw, Xw))
    if not (d > 0).all():
        return None
    Xs = Xw / d
    sv = np.linalg.svd(Xs, compute_uv=False)
    cond = sv[0] / sv[-1] if sv[-1] > 0 else np.inf
    if not cond < 1e9:
        return None
    if cond < 1e3:
        solver = "cholesky"
        try:
            chol = np.linalg.cholesky(Xs.T @ Xs)
        except np.linalg.LinAlgError:
            return None
        rinv = np.linalg.inv(chol).T  # upper triangular; (Xs'Xs)^-1 = rinv rinv'

        def solve(v: np.ndarray) -> np.ndarray:
            return rinv @ (rinv.T @ (Xs.T @ v))

        bs = solve(yw)
        resid = yw - Xs @ bs
        bs = bs + solve(resid)  # one refinement step
        resid = yw - Xs @ bs
        params = bs / d
        xtx_inv = (rinv @ rinv.T) / np.outer(d, d)
        z = Xs @ rinv  # h_i = x_i (X'X)^-1 x_i' = |R^-T xs_i|^2
        lev = np.einsum("ij,ij->i", z, z)
    else:
        solver = "qr"
        params, xtx_inv, resid, lev = _qr_solve(X, y, weights)
    ssr = float(resid @ resid)
    df_resid = n - k
    if robust is None:
        cov = xtx_inv * (ssr / df_resid)
    else:
        u2 = resid * resid
        lone = np.zeros(n, dtype=bool)
        if robust in LEVERAGE_SE:
            lone = lev >= 1.0 - LEVERAGE_TOL
            u2 = u2 * hc_factor(lev, robust, lone)     # 0 where h = 1 (measures.leverage)
        meat = Xw.T @ (Xw * u2[:, None])
        cov = xtx_inv @ meat @ xtx_inv
        if lone.any():      # no HC2/HC3 errors of a coefficient a region of leverage 1 moves
            moved = moved_by(xtx_inv @ Xw.T, lone)
            cov[moved, :] = np.nan
            cov[:, moved] = np.nan
        if robust == "HC1":
            cov = cov * (n / df_resid)
    # R^2 around the (weighted) mean, as statsmodels for a model with a constant
    if weights is None:
        tss = float(((y - y.mean()) ** 2).sum())
    else:
        tss = float((weights * (y - np.average(y, weights=weights)) ** 2).sum())
    r2 = 1.0 - ssr / tss
    return _coef_table(params, np.sqrt(np.diag(cov)), robust, df_resid, names), r2, solver


def _qr_solve(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Least squares by Householder QR for an ill-conditioned design: (params, (X'WX)^-1, whitened
    residuals, leverages).

    With a constant first column the other columns and y are centred on their (weighted) means
    first (two passes) and scaled to unit norm, which removes the constant's share of the
    conditioning (Longley's scaled X: cond 4e4 -> 1e2 after centring); the intercept is then
    a = mean(y) - m'b, var(a) = s^2 (1 / W + |R^-T m|^2) and cov(a, b) = -s^2 Gm with G = (Z'WZ)^-1, and the
    leverage h_i = w_i / W + z_i' G z_i. Otherwise a QR of the unit-norm columns. One step of
    iterative refinement either way.
    """
    n, k = X.shape
    wv = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    sw = np.sqrt(wv)
    centred = k > 1 and bool((X[:, 0] == 1.0).all())
    if centred:
        W = float(wv.sum())

        def centre(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            m = (wv @ v) / W
            dv = v - m
            fix = (wv @ dv) / W  # a second pass for accuracy
            return (dv - fix) * (sw if v.ndim == 1 else sw[:, None]), m + fix

        Z, m = centre(X[:, 1:])
        yz, my = centre(y)
    else:
        Z, yz = X * sw[:, None], y * sw
    dz = np.sqrt(np.einsum("ij,ij->j", Z, Z))
    Zs = Z / dz
    q, r = np.linalg.qr(Zs)
    rinv = np.linalg.inv(r)  # upper triangular; (Zs'Zs)^-1 = rinv rinv'
    bz = rinv @ (q.T @ yz)
    resid = yz - Zs @ bz
    bz = bz + rinv @ (q.T @ resid)  # one refinement step
    resid = yz - Zs @ bz
    b = bz / dz
    G = (rinv @ rinv.T) / np.outer(dz, dz)
    zr = Zs @ rinv
    lev = np.einsum("ij,ij->i", zr, zr)
    if not centred:
        return b, G, resid, lev
    u = rinv.T @ (m / dz)  # m'Gm = |u|^2, a sum of squares (no cancellation)
    gm = (rinv @ u) / dz
    xtx_inv = np.empty((k, k))
    xtx_inv[0, 0] = 1.0 / W + float(u @ u)
    xtx_inv[0, 1:] = xtx_inv[1:, 0] = -gm
    xtx_inv[1:, 1:] = G
    return np.r_[my - m @ b, b], xtx_inv, resid, wv / W + lev


def _coef_table(params: np.ndarray, bse: np.ndarray, robust: str | None, df_resid: float,
                names: list[str]) -> pd.DataFrame:
    """coef, se, t, p and 95% interval per term: Student's t with ``df_resid`` = n - k for classical
    and robust errors alike (statsmodels with ``use_t=True``)."""
    from scipy import stats

    with np.errstate(divide="ignore", invalid="ignore"):
        tv = params / bse
    pv = 2 * stats.t.sf(np.abs(tv), df_resid)
    q = stats.t.ppf(0.975, df_resid)
    return pd.DataFrame({"coef": params, "se": bse, "tstat": tv, "pvalue": pv,
                         "ci_low": params - q * bse, "ci_high": params + q * bse},
                        index=pd.Index(names, name="term"))


def beta_panel(
    panel: Panel,
    window: int = 5,
    log: bool = True,
    time_effects: bool = False,
    cov_type: CovType | None = None,
    cluster: str | pd.Series | None = "region",
    *,
    robust: Any = UNSET,
) -> BetaResult:
    """Panel beta convergence with region fixed effects over consecutive non-overlapping windows.

    Parameters
    ----------
    panel : Panel
        Levels (or logs with ``log=False``) of one indicator, region x time.
    window : int, default 5
        Periods per window: [t_0, t_w], [t_w, t_2w], ...
    log : bool, default True
        Take logs of the levels.
    time_effects : bool, default False
        Window dummies besides the region fixed effects.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}, optional
        Default ``"cluster"`` on ``cluster`` (the region: serial correlation within a region);
        pass ``cluster=None`` for the others. ``robust=`` is deprecated.
    cluster : "region", "group", Series or None, default "region"

    Returns
    -------
    BetaResult
        As :func:`beta`; ``alpha`` is NaN (each region has its own intercept).

    Notes
    -----
    Per region and window, the annualised growth over the window on the log level at its start,
    with region dummies (Islam 1995). Regions with fewer than two windows do not identify beta
    and are dropped. Fixed effects with a lagged level are biased in short panels (Nickell 1981):
    read the panel speed as indicative.

    References
    ----------
    Islam, N. (1995). Growth empirics: a panel data approach. Quarterly Journal of Economics 110:
    1127-1170.
    """
    cov = _resolve(cov_type, robust, cluster, "beta_panel")
    robust = _robust_of(cov)
    window = check_int("window", window, minimum=1)
    check_bool("log", log)
    check_bool("time_effects", time_effects)
    y, _, regions, times = panel_arrays(panel, weighted=False)
    starts = np.arange(0, len(times) - window, window)
    if len(starts) < 2:
        raise not_computed("panel beta", f"it needs at least two windows of {window} periods; the "
                                         f"panel has {len(times)} periods")
    ends = starts + window
    tnum = numeric_times(times)
    spans = tnum[ends] - tnum[starts]
    lv0 = _log_levels(y[:, starts], log, regions, list(times[starts]))
    lv1 = _log_levels(y[:, ends], log, regions, list(times[ends]))
    growth = (lv1 - lv0) / spans  # annualised per window, N x K
    n, k = growth.shape
    long = pd.DataFrame(
        {
            "region": np.repeat(np.arange(n), k),
            "window": np.tile(np.arange(k), n),
            "growth": growth.ravel(),
            "initial": lv0.ravel(),
        }
    ).dropna()
    counts = long["region"].map(long["region"].value_counts())
    dropped = tuple(regions[np.setdiff1d(np.arange(n), long.loc[counts >= 2, "region"])])
    long = long[counts >= 2]
    X = pd.concat(
        [long[["initial"]],
         pd.get_dummies(long["region"].map(dict(enumerate(regions))).astype(str), prefix="fe",
                        dtype=float)],
        axis=1,
    )
    if time_effects:
        win = pd.get_dummies(long["window"].map(lambda j: f"{times[starts[j]]}"), prefix="window",
                             drop_first=True, dtype=float)
        X = pd.concat([X, win], axis=1)
    if isinstance(cluster, str) and cluster == "region":
        clusters = long["region"]
    elif cluster is None:
        clusters = None
    else:
        per_region = _cluster(panel, cluster, regions).to_numpy()
        clusters = pd.Series(per_region[long["region"].to_numpy()], index=long.index)
    fit, cov = _fit(long["growth"], X, None, robust, clusters)
    span = float(np.mean(spans))
    b = float(fit.params["initial"])
    lam, hl = speed_half_life(b, span, annualize=True)
    return BetaResult(
        alpha=float("nan"), beta=b, se=float(fit.bse["initial"]),
        tstat=float(fit.tvalues["initial"]), pvalue=float(fit.pvalues["initial"]),
        r2=float(fit.rsquared), nobs=int(fit.nobs), speed=lam, half_life=hl, start=times[0],
        end=times[ends[-1]], span=span, annualize=True,
        kind="panel FE" + (" + window effects" if time_effects else ""), cov_type=cov,
        dropped=dropped, fit=fit, df_resid=float(fit.df_resid_inference if clusters is not None
                                                  else fit.df_resid),
        n_clusters=None if clusters is None else int(pd.factorize(clusters)[0].max()) + 1,
    )


def _not_a_panel(obj: Any, func: str) -> TypeError:
    """The TypeError of a measure given something other than a Panel (a DataFrame: how to make one)."""
    if isinstance(obj, pd.DataFrame):
        return TypeError(f"{func}() takes a crossborder.Panel, not a DataFrame: build one with "
                         "Panel.from_long(df, region=..., time=..., value=...) (a long table), "
                         "Panel.from_frame(df) (a (region, time) MultiIndex) or Panel.from_wide(df)")
    return TypeError(f"{func}() takes a crossborder.Panel, got {type(obj).__name__}")

