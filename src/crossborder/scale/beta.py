"""Beta convergence at scale: the regression from per-group sums, exact, in three passes.

The model of :func:`crossborder.beta`: g_i = alpha + beta x_i [+ group dummies] + e_i, with x_i the
(log) level in ``start`` and g_i the (annualised) growth to ``end``; WLS with the start-period weight
when ``weighted``. Written with one intercept per model group h (one group for absolute beta) and the
level centred on its group's mean, the design is block-diagonal: Z'WZ = diag(W_h, S_xx), so

* pass 1 (one join of the start and end rows per region, then sums per group): n_h, W_h, sum w x,
  sum w g;
* pass 2 (centred on the group means): S_xx, S_xg, S_gg per group; beta = sum S_xg / sum S_xx (the
  within estimator, Frisch–Waugh–Lovell);
* pass 3 (residuals): sum w e^2 and the sandwich sums (HC0–HC3 with the leverage
  h_i = w_i (1 / W_h + x~_i^2 / S_xx), or the score sums per cluster).

The coefficients and their covariance are then mapped to statsmodels' parametrisation (constant,
initial level, dummies of all groups but the first) and tested as the in-memory beta does
(statsmodels' ``use_t=True``): t with n - k degrees of freedom, G - 1 with G clusters.
``cov_type=`` chooses the errors, as in memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError
from ..measures._arrays import numeric_times
from ..measures._covtype import UNSET, CovType
from ..measures._degenerate import cluster_warning, nil_spread_sums, not_computed
from ..measures.beta import (
    BetaResult,
    _resolve,
    _robust_of,
    check_beta_data,
    check_beta_se,
    speed_half_life,
)
from ..measures.leverage import LEVERAGE_SE, LEVERAGE_TOL, leverage_one_reason
from . import _reduce as R
from ._prepare import Prepare, unit_column
from ._prepare import apply as apply_prepare
from ._source import _nw, dask_scheduler, load
from .ranks import _position, _scalar, all_times

__all__ = ["SumsFit", "beta"]

class SumsFit:
    """The parts of a statsmodels results object that :class:`BetaResult` and its tables use."""

    def __init__(self, params: pd.Series, cov: pd.DataFrame, df_resid: float, use_t: bool,
                 rsquared: float, nobs: int, cov_type: str) -> None:
        self.params = params
        self._cov = cov
        self.bse = pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=params.index)
        self.tvalues = params / self.bse
        self.df_resid = df_resid
        self.use_t = use_t
        dist = stats.t(df_resid) if use_t else stats.norm
        self.pvalues = pd.Series(2 * dist.sf(np.abs(self.tvalues.to_numpy())), index=params.index)
        self.rsquared = rsquared
        self.nobs = float(nobs)
        self.cov_type = cov_type
        self._dist = dist

    def cov_params(self) -> pd.DataFrame:
        return self._cov

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        q = self._dist.ppf(1 - alpha / 2)
        return pd.DataFrame({0: self.params - q * self.bse, 1: self.params + q * self.bse})


def beta(
    data: Any,
    start: Any = None,
    end: Any = None,
    controls: str | None = None,
    annualize: bool = True,
    cov_type: CovType | None = None,
    log: bool = True,
    cluster: str | None = None,
    weighted: bool = False,
    compat: str | None = None,
    *,
    robust: Any = UNSET,
    region: str = "region",
    time: str = "year",
    value: str = "value",
    weight: str | None = None,
    group: str | None = None,
    engine: str | None = None,
    scheduler: Any = None,
    check: bool = True,
    prepare: Prepare | None = None,
) -> BetaResult:
    """:func:`crossborder.beta` of a long table of any size (absolute, or conditional with
    ``controls="group"``: dummies of the ``group`` column). Returns a :class:`BetaResult` whose
    ``fit`` is a :class:`SumsFit`.

    ``cov_type`` is the in-memory vocabulary (:mod:`crossborder.measures._covtype`, any case):
    ``"nonrobust"`` (default), ``"HC0"``..``"HC3"``, or ``"cluster"`` with ``cluster="group"``
    (errors clustered by the group column; the default when ``cluster`` is given). The same
    numbers as ``crossborder.beta(panel, cov_type=...)`` and statsmodels' ``OLS/WLS(...).fit(
    cov_type=..., use_t=True)``: t with n - k degrees of freedom (G - 1 with G clusters).
    ``robust=`` is the deprecated old name (a :class:`DeprecationWarning`).
    """
    nw = _nw()
    if controls not in (None, "group", group) or (controls is not None and group is None):
        raise ValueError("controls at scale: None, or 'group' with group=<column> (group dummies)")
    if cluster not in (None, "group", group) or (cluster is not None and group is None):
        raise ValueError("cluster at scale: None, or 'group' with group=<column>")
    cov = _resolve(cov_type, robust, cluster, "scale.beta")
    robust = _robust_of(cov)
    if weighted and weight is None:
        raise DataError("weighted beta needs a weight (e.g. population): pass weight=...", column="weight")
    conditional = controls is not None
    src = load(data, region=region, time=time, value=value, weight=weight,
               group=group if (conditional or cluster is not None or group is not None) else None,
               engine=engine, scheduler=scheduler, unit=unit_column(prepare))
    with dask_scheduler(src.scheduler if src.engine == "dask" else None):
        if check:
            R.check_keys(src, src.has_group)
        src = apply_prepare(src, prepare)
        times = all_times(src)
        if len(times) < 2:
            raise not_computed("beta", f"one period ({_scalar(times[0]) if len(times) else 'none'}): "
                                       "growth needs a first and a last period")
        start = times[0] if start is None else start
        end = times[-1] if end is None else end
        i0, i1 = _position(times, start), _position(times, end)
        tnum = numeric_times(times)
        span = float(tnum[i1] - tnum[i0])
        if span <= 0:
            raise ValueError(f"end ({end!r}) must come after start ({start!r})")
        y = nw.col("value")
        both = src.lf.filter(nw.col("time").is_in([_scalar(start), _scalar(end)]))
        if log:
            R.first_bad(src, both, y <= 0, "log of a non-positive value", "value")
        ok = y.is_finite().fill_null(False)
        if weighted:
            ok = ok & nw.col("weight").is_finite().fill_null(False) & (nw.col("weight") > 0).fill_null(False)
        if src.has_group and (conditional or cluster is not None):
            ok = ok & ~nw.col("group").is_null()
        keep = ["region"] + (["weight"] if weighted else []) + (["group"] if src.has_group else [])
        s = src.lf.filter((nw.col("time") == _scalar(start)) & ok).select(
            *keep, (y.log() if log else y).alias("x"))
        e = src.lf.filter((nw.col("time") == _scalar(end)) & y.is_finite().fill_null(False)).select(
            "region", (y.log() if log else y).alias("xe"))
        j = R.join(src, s, e, ["region"])
        growth = nw.col("xe") - nw.col("x")
        j = j.select(*keep, "x", (growth / span if annualize else growth).alias("g"))
        by = "group" if src.has_group and (conditional or cluster is not None) else "one"
        if by == "one":
            j = j.with_columns(one=nw.lit(0))
        wexpr = nw.col("weight") if weighted else nw.lit(1.0)
        p1 = R.sums(src, j, {"W": wexpr, "Sx": wexpr * nw.col("x"), "Sg": wexpr * nw.col("g")}, [by])
        if conditional or by == "one":
            means = pd.DataFrame({"mx": p1["Sx"] / p1["W"], "mg": p1["Sg"] / p1["W"]})
        else:  # absolute model, clustered by group: one mean for all
            tot = p1.sum()
            means = pd.DataFrame({"mx": tot["Sx"] / tot["W"], "mg": tot["Sg"] / tot["W"]}, index=p1.index)
        jc = R.join_small(src, j, means.reset_index(), [by]).with_columns(
            xt=nw.col("x") - nw.col("mx"), gt=nw.col("g") - nw.col("mg"))
        p2 = R.sums(src, jc, {"Sxx": wexpr * nw.col("xt") ** 2, "Sxg": wexpr * nw.col("xt") * nw.col("gt"),
                              "Sgg": wexpr * nw.col("gt") ** 2, "Rxx": wexpr * nw.col("x") ** 2,
                              "Rgg": wexpr * nw.col("g") ** 2}, [by])
        n = int(p1["rows"].sum())
        sxx = float(p2["Sxx"].sum())
        b = float(p2["Sxg"].sum()) / sxx if sxx > 0 else float("nan")
        m = len(p1) if conditional else 1
        k = m + 1
        if n < k:
            raise not_computed("beta", f"too few regions: {n} with values in {start} and {end} for "
                                       f"{k} terms (it needs more regions than terms)")
        _check_degenerate(p1, p2, conditional, start, end)
        resid = nw.col("gt") - b * nw.col("xt")
        wW = pd.DataFrame({"Wm": p1["W"] if conditional or by == "one" else p1["W"].sum()},
                          index=p1.index)
        jr = R.join_small(src, jc, wW.reset_index(), [by])
        lev = wexpr * (1.0 / nw.col("Wm") + nw.col("xt") ** 2 / sxx)
        # leverage 1 (measures.leverage): its HC2/HC3 term is 0 where it does not move beta (the
        # only region of its group fixes the group's intercept: xt = 0); where it moves beta
        # (w xt^2 / S_xx > 0) beta has no HC2/HC3 errors
        lone = lev >= 1.0 - LEVERAGE_TOL
        moves = lone & (wexpr * nw.col("xt") ** 2 / sxx > LEVERAGE_TOL)
        f = {None: nw.lit(1.0), "HC0": nw.lit(1.0), "HC1": nw.lit(1.0),
             "HC2": nw.when(lone).then(nw.lit(0.0)).otherwise(1.0 / (1.0 - lev)),
             "HC3": nw.when(lone).then(nw.lit(0.0)).otherwise(1.0 / (1.0 - lev) ** 2)}[robust]
        w2e2 = wexpr * wexpr * resid * resid * f
        moved = ({"moved": nw.when(moves).then(nw.lit(1.0)).otherwise(nw.lit(0.0))}
                 if robust in LEVERAGE_SE else {})       # counted only where it matters
        p3 = R.sums(src, jr, {"ssr": wexpr * resid * resid, "M0": w2e2, "M1": w2e2 * nw.col("xt"),
                              "M2": w2e2 * nw.col("xt") ** 2, "U0": wexpr * resid,
                              "U1": wexpr * resid * nw.col("xt"), **moved}, [by])
        if moved and float(p3["moved"].sum()) > 0:
            names = src.collect(jr.filter(moves).select("region"))["region"]
            raise not_computed("beta", leverage_one_reason(robust, sorted(map(str, names))))
        dropped = _dropped(src, j)
        all_groups = (sorted(map(str, src.collect(src.lf.select("group").unique())["group"].dropna()))
                      if conditional else [])
    p2, p3 = p2.reindex(p1.index), p3.reindex(p1.index)
    groups = [str(g) for g in p1.index]
    order = np.argsort(groups, kind="stable")
    p1, p2, p3 = p1.iloc[order], p2.iloc[order], p3.iloc[order]
    groups = [groups[i] for i in order]
    W = p1["W"].to_numpy(dtype=float)
    mx = (p1["Sx"] / p1["W"]).to_numpy()
    my = (p1["Sg"] / p1["W"]).to_numpy()
    ssr = float(p3["ssr"].sum())
    wtot = W.sum()
    ybar = float(p1["Sg"].sum()) / wtot
    # S_gg is centred on the model groups' means: add the between part for the conditional model
    tss = float(p2["Sgg"].sum()) + (float(((my - ybar) ** 2 * W).sum()) if conditional else 0.0)
    r2 = 1.0 - ssr / tss
    # theta' = (intercepts of the model groups, beta); bread = diag(1 / W_h, 1 / S_xx)
    if conditional:
        Wm, mxm, mym = W, mx, my
    else:
        Wm, mxm, mym = np.array([wtot]), np.array([float(p1["Sx"].sum()) / wtot]), np.array([ybar])
    bread = np.diag(np.r_[1.0 / Wm, 1.0 / sxx])
    if robust is None and cluster is None:
        cov_p = ssr / (n - k) * bread
        cov_type, use_t = "nonrobust", True
        df_inf = float(n - k)
    else:
        if cluster is not None:
            u = np.zeros((len(groups), m + 1))
            for c in range(len(groups)):
                u[c, c if conditional else 0] = p3["U0"].iloc[c]
                u[c, m] = p3["U1"].iloc[c]
            meat = u.T @ u
            G = len(groups)
            if G < 2:
                raise not_computed("beta", "cluster-robust errors need at least 2 clusters among "
                                           f"the regions used, got {G}", column="group")
            cluster_warning(G, "beta")
            scale = G / (G - 1) * (n - 1) / (n - k)
            cov_type = "cluster"
        else:
            meat = np.zeros((m + 1, m + 1))
            M0, M1 = p3["M0"].to_numpy(), p3["M1"].to_numpy()
            if conditional:
                meat[np.arange(m), np.arange(m)] = M0
                meat[np.arange(m), m] = meat[m, np.arange(m)] = M1
            else:
                meat[0, 0], meat[0, 1] = M0.sum(), M1.sum()
                meat[1, 0] = M1.sum()
            meat[m, m] = p3["M2"].sum()
            scale = n / (n - k) if robust == "HC1" else 1.0
            cov_type = robust
        cov_p = scale * bread @ meat @ bread
        # Student's t as in memory (statsmodels' use_t=True): n - k, or G - 1 with G clusters
        use_t = True
        df_inf = float(G - 1) if cluster is not None else float(n - k)
    # to statsmodels' terms: const, initial, dummies of the groups but the first (sorted labels)
    base = 0
    names = ["const", "initial"]
    A_rows = []
    a = np.zeros(m + 1)
    a[base], a[m] = 1.0, -mxm[base]
    A_rows.append(a)
    a = np.zeros(m + 1)
    a[m] = 1.0
    A_rows.append(a)
    dropped_terms: list[str] = []
    if conditional:
        if groups[0] != all_groups[0] and len(groups) > 1:
            raise DataError(f"the first group {all_groups[0]!r} has no region with values: its dummy "
                            "is the baseline, so the other dummies are collinear with the constant")
        for lab in all_groups[1:]:
            term = f"{group}_{lab}"
            if lab not in groups or len(groups) == 1:
                dropped_terms.append(term)
                continue
            h = groups.index(lab)
            a = np.zeros(m + 1)
            a[h], a[base] = 1.0, -1.0
            a[m] = -(mxm[h] - mxm[base])
            A_rows.append(a)
            names.append(term)
    A = np.array(A_rows)
    theta_p = np.r_[mym, b]  # y = a'_h + b (x - mean_h): the intercepts a'_h are the group means
    params = pd.Series(A @ theta_p, index=names)
    cov = pd.DataFrame(A @ cov_p @ A.T, index=names, columns=names)
    fit = SumsFit(params, cov, df_inf, use_t, r2, n, cov_type)
    check_beta_se(float(fit.bse["initial"]), start, end)
    lam, hl = speed_half_life(b, span, annualize, compat)
    return BetaResult(
        alpha=float(params["const"]), beta=b, se=float(fit.bse["initial"]),
        tstat=float(fit.tvalues["initial"]), pvalue=float(fit.pvalues["initial"]), r2=r2, nobs=n,
        speed=lam, half_life=hl, start=start, end=end, span=span, annualize=annualize,
        kind="conditional" if conditional else "absolute", cov_type=cov_type, dropped=dropped,
        dropped_terms=tuple(dropped_terms), fit=fit, solver="sums", df_resid=df_inf,
    )


def _check_degenerate(p1: pd.DataFrame, p2: pd.DataFrame, conditional: bool, start: Any,
                      end: Any) -> None:
    """The degenerate-data rule of :func:`crossborder.beta` from the sums: start levels or growth
    equal in every region, or levels that do not vary within the groups of a conditional model."""
    W = p1["W"].to_numpy(dtype=float)
    sxx, sgg = float(p2["Sxx"].sum()), float(p2["Sgg"].sum())
    if conditional:  # p2 is centred on the group means: add the between parts
        mx, mg = (p1["Sx"] / p1["W"]).to_numpy(), (p1["Sg"] / p1["W"]).to_numpy()
        tot = W.sum()
        sxx_total = sxx + float((W * (mx - (W * mx).sum() / tot) ** 2).sum())
        sgg_total = sgg + float((W * (mg - (W * mg).sum() / tot) ** 2).sum())
    else:
        sxx_total, sgg_total = sxx, sgg
    level_nil = nil_spread_sums(sxx_total, float(p2["Rxx"].sum()))
    check_beta_data(start, end, level_nil=level_nil,
                    growth_nil=nil_spread_sums(sgg_total, float(p2["Rgg"].sum())),
                    within_nil=conditional and not level_nil and not sxx > 1e-20 * sxx_total)


def _dropped(src: Any, kept: Any) -> tuple:
    """The regions of the data left out of the regression (no value in start or end, no weight...)."""
    regions = src.lf.select("region").unique()
    out = src.collect(R.join(src, regions, kept.select("region"), ["region"], how="anti"))
    return tuple(out["region"].sort_values().tolist())
