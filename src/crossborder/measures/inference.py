"""Inference primitives for small, dependent samples: pure functions over arrays.

OLS ``y = X b + u`` with ``b = (X'X)^{-1} X'y`` and residuals ``e``; every covariance here is a
sandwich ``V = c (X'X)^{-1} M (X'X)^{-1}`` with a different meat ``M``:

- :func:`cluster_cov` — one-way clustering (Liang & Zeger 1986), ``M = sum_g S_g S_g'`` with the
  cluster score ``S_g = sum_{i in g} x_i e_i`` and CR1's ``c = G/(G-1) (N-1)/(N-K)``;
- :func:`twoway_cluster_cov` — two-way clustering (Cameron, Gelbach & Miller 2011, JBES 29: 238-249):
  ``V = V_1 + V_2 - V_12`` with ``V_12`` clustered on the intersection of the two groupings;
- :func:`dyadic_cov` — dyadic-robust (Fafchamps & Gubert 2007; Cameron & Miller 2014, "Robust
  inference for dyadic data"; Aronow, Samii & Assenova 2015, Political Analysis 23: 564-577): an
  observation of the dyad ``{a_i, b_i}`` may be correlated with every observation of a dyad that
  shares a node (region), ``M = sum_{i,j} 1[{a_i,b_i} & {a_j,b_j} != {}] x_i e_i e_j x_j'``
  ``= sum_r S_r S_r' - sum_d S_d S_d'`` (``S_r``: the score of the observations whose dyad contains
  node ``r``; ``S_d``: of dyad ``d``, whose pairs of observations the node sum counts twice);
  ``c = R/(R-1) (N-1)/(N-K)`` with ``R`` nodes (the CR1 factor with nodes for clusters);
- :func:`wild_cluster_bootstrap` — the restricted wild cluster bootstrap-t (WCR; Cameron, Gelbach &
  Miller 2008, REStat 90: 414-427; MacKinnon & Webb 2017, J. Appl. Econometrics 32: 233-254;
  Roodman, MacKinnon, Nielsen & Webb 2019, Stata Journal 19: 4-60) with Rademacher or Webb weights;
- :func:`t_pvalue` — two-sided p-values from t(df), e.g. ``df = n - k`` for a robust cross-section;
- :func:`spec_curve_test` / :func:`spec_curve_pvalues` — the joint test of a specification curve
  under the null (Simonsohn, Simmons & Nelson 2020, Nature Human Behaviour 4: 1208-1214).

A non-positive variance (the two-way and dyadic meats need not be positive semi-definite) gives a
NaN standard error, never a number.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "WildBootstrapResult",
    "SpecCurveTest",
    "bootstrap_weights",
    "cluster_cov",
    "dyadic_cov",
    "ols",
    "spec_curve_pvalues",
    "spec_curve_test",
    "standard_errors",
    "t_pvalue",
    "twoway_cluster_cov",
    "wild_cluster_bootstrap",
]

WEIGHTS = ("rademacher", "webb")
_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


# ----------------------------------------------------------------------------- sandwiches
def _as_2d(X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return X[:, None] if X.ndim == 1 else X


def ols(y: Any, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS by least squares: ``(b, e, (X'X)^+)`` — coefficients, residuals and the (pseudo-)inverse
    of ``X'X`` (a pseudo-inverse so that a rank-deficient design, e.g. fixed effects that absorb
    a column, still gives the estimable coefficients)."""
    X = _as_2d(X)
    y = np.asarray(y, dtype=float)
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    return b, y - X @ b, np.linalg.pinv(X.T @ X)


def _scores(X: np.ndarray, e: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """``S_g = sum_{i in g} x_i e_i`` for every group: a (n_groups x K) array."""
    S = np.zeros((n_groups, X.shape[1]))
    np.add.at(S, codes, X * e[:, None])
    return S


def _k(X: np.ndarray, bread: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(bread)) if X.shape[1] else 0


def cluster_cov(X: Any, e: Any, groups: Any, *, bread: np.ndarray | None = None,
                small_sample: bool = True) -> np.ndarray:
    """One-way cluster-robust covariance (CR1 with ``small_sample``):
    ``V = c B (sum_g S_g S_g') B``, ``B = (X'X)^{-1}``, ``c = G/(G-1) (N-1)/(N-K)`` (as statsmodels'
    ``cov_type="cluster"``; K = rank of X). Liang & Zeger (1986); Cameron & Miller (2015, JHR 50)."""
    X = _as_2d(X)
    e = np.asarray(e, dtype=float)
    B = np.linalg.pinv(X.T @ X) if bread is None else bread
    codes, uniq = pd.factorize(pd.Series(list(groups) if not isinstance(groups, np.ndarray) else groups))
    G = len(uniq)
    S = _scores(X, e, codes, G)
    n, k = X.shape[0], _k(X, B)
    c = G / (G - 1) * (n - 1) / (n - k) if small_sample and G > 1 and n > k else 1.0
    return c * B @ (S.T @ S) @ B


def twoway_cluster_cov(X: Any, e: Any, groups1: Any, groups2: Any, *, bread: np.ndarray | None = None,
                       small_sample: bool = True) -> np.ndarray:
    """Two-way cluster-robust covariance (Cameron, Gelbach & Miller 2011, JBES 29: 238-249):
    ``V = V_1 + V_2 - V_12``, each term a :func:`cluster_cov` (with its own CR1 factor), ``V_12``
    clustered on the intersection of ``groups1`` and ``groups2``. Not necessarily positive
    semi-definite: a negative diagonal element gives a NaN standard error."""
    g1 = np.asarray(pd.Series(list(groups1)).astype(str))
    g2 = np.asarray(pd.Series(list(groups2)).astype(str))
    both = np.char.add(np.char.add(g1.astype(str), "\x1f"), g2.astype(str))
    X = _as_2d(X)
    B = np.linalg.pinv(X.T @ X) if bread is None else bread
    return (cluster_cov(X, e, g1, bread=B, small_sample=small_sample)
            + cluster_cov(X, e, g2, bread=B, small_sample=small_sample)
            - cluster_cov(X, e, both, bread=B, small_sample=small_sample))


def dyadic_cov(X: Any, e: Any, node_a: Any, node_b: Any, *, bread: np.ndarray | None = None,
               small_sample: bool = True) -> np.ndarray:
    """Dyadic-robust covariance of OLS (Cameron & Miller 2014; Aronow, Samii & Assenova 2015).

    Observation ``i`` belongs to the dyad ``{node_a[i], node_b[i]}`` (unordered; e.g. the two regions
    of a pair, observed over several years). Every two observations whose dyads share a node may be
    correlated::

        M = sum_{i,j} 1[{a_i, b_i} and {a_j, b_j} share a node] x_i e_i e_j' x_j'
          = sum_r S_r S_r' - sum_d S_d S_d'
        V = c (X'X)^{-1} M (X'X)^{-1},   c = R/(R-1) (N-1)/(N-K)

    ``S_r``: sum of ``x_i e_i`` over observations whose dyad contains node ``r``; ``S_d``: over the
    observations of dyad ``d`` (their pairs share two nodes and the node sum counts them twice).
    ``R``: the number of nodes; ``small_sample=False``: ``c = 1`` (the estimator of Aronow et al.).
    """
    X = _as_2d(X)
    e = np.asarray(e, dtype=float)
    a = np.asarray(pd.Series(list(node_a)).astype(str))
    b = np.asarray(pd.Series(list(node_b)).astype(str))
    if np.any(a == b):
        raise ValueError("a dyad needs two different nodes")
    B = np.linalg.pinv(X.T @ X) if bread is None else bread
    nodes = pd.Index(pd.unique(np.concatenate([a, b])))
    R = len(nodes)
    xe = X * e[:, None]
    S_node = np.zeros((R, X.shape[1]))
    np.add.at(S_node, nodes.get_indexer(a), xe)
    np.add.at(S_node, nodes.get_indexer(b), xe)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    dcodes, duniq = pd.factorize(pd.Series(np.char.add(np.char.add(lo, "\x1f"), hi)))
    S_dyad = _scores(X, e, dcodes, len(duniq))
    M = S_node.T @ S_node - S_dyad.T @ S_dyad
    n, k = X.shape[0], _k(X, B)
    c = R / (R - 1) * (n - 1) / (n - k) if small_sample and R > 1 and n > k else 1.0
    return c * B @ M @ B


def standard_errors(V: np.ndarray) -> np.ndarray:
    """``sqrt(diag(V))``; NaN where the diagonal is not positive (a two-way or dyadic meat that is
    not positive semi-definite: "not computed", never a number)."""
    d = np.diag(np.asarray(V, dtype=float)).copy()
    out = np.full(d.shape, np.nan)
    ok = d > 0
    out[ok] = np.sqrt(d[ok])
    return out


def t_pvalue(t: Any, df: float) -> Any:
    """Two-sided p-value ``2 P(T_df > |t|)`` of Student's t with ``df`` degrees of freedom — for
    robust inference in small samples (``df = n - k`` for a cross-section with HC errors,
    ``G - 1`` for clustered errors; Cameron & Miller 2015, JHR 50: 317-372, sec. VI). ``df`` must
    be positive; NaN in, NaN out."""
    if not df > 0:
        raise ValueError(f"t p-values need positive degrees of freedom, not {df}")
    p = 2.0 * stats.t.sf(np.abs(np.asarray(t, dtype=float)), df)
    return float(p) if np.ndim(p) == 0 else p


# ----------------------------------------------------------------------------- wild bootstrap
def bootstrap_weights(G: int, *, weights: str = "rademacher", n_boot: int = 9999, seed: int = 0,
                      enumerate_max: int = 12) -> tuple[np.ndarray, bool]:
    """Cluster weights of the wild bootstrap: a (B x G) array and whether it enumerates them all.

    Rademacher (``+-1`` with probability 1/2) with ``G <= enumerate_max``: all ``2^G`` sign vectors
    (the exact distribution, no simulation error). Otherwise ``n_boot`` draws from
    ``numpy.random.default_rng(seed)``: Rademacher, or Webb's six points
    ``+-sqrt(1/2), +-1, +-sqrt(3/2)`` with probability 1/6 each (Webb 2014; better with few clusters,
    where Rademacher has few distinct vectors)."""
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS}, not {weights!r}")
    if G < 1:
        raise ValueError("the wild bootstrap needs at least one cluster")
    if weights == "rademacher" and G <= enumerate_max:
        return np.array(list(itertools.product((1.0, -1.0), repeat=G))), True
    rng = np.random.default_rng(seed)
    if weights == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(n_boot, G)), False
    return rng.choice(_WEBB, size=(n_boot, G)), False


@dataclass(frozen=True)
class WildBootstrapResult:
    """Restricted wild cluster bootstrap-t of ``H0: b_k = r``: ``tstat`` (CR1), ``pvalue`` (two-sided,
    symmetric), ``n_boot`` (draws or ``2^G``), ``enumerated``, ``weights``, ``n_clusters``,
    ``t_boot`` (the bootstrap t statistics)."""

    coef: float
    null: float
    tstat: float
    pvalue: float
    n_boot: int
    enumerated: bool
    weights: str
    n_clusters: int
    seed: int
    t_boot: np.ndarray

    @property
    def method(self) -> str:
        how = (f"all {self.n_boot} sign vectors" if self.enumerated
               else f"{self.n_boot} draws, seed {self.seed}")
        return f"wild cluster bootstrap-t (WCR, {self.weights}, {self.n_clusters} clusters, {how})"


def wild_cluster_bootstrap(
    y: Any,
    X: Any,
    clusters: Any,
    col: int,
    *,
    null: float = 0.0,
    weights: str = "rademacher",
    n_boot: int = 9999,
    seed: int = 0,
    enumerate_max: int = 12,
) -> WildBootstrapResult:
    """Restricted wild cluster bootstrap-t p-value of ``H0: b_col = null`` in ``y = X b + u``
    (WCR; Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017; the convention of ``boottest``,
    Roodman et al. 2019: the null imposed, t statistics with the CR1 covariance, symmetric p).

    1. Restricted fit: regress ``y - null x_col`` on the other columns: fitted ``y0``, residuals ``u0``.
    2. For each weight vector ``v`` (one weight per cluster, :func:`bootstrap_weights`):
       ``y* = y0 + null x_col + v_g u0``; refit, ``t* = (b*_col - null) / se_CR1(b*_col)``.
    3. ``p = #{|t*| >= |t|} / B`` (``t``: the CR1 t of the sample). With full enumeration the sample
       itself (v = 1) and its mirror (v = -1) are among the draws, so ``p >= 2 / 2^G``: an exact
       randomisation p-value.

    Computed without refitting: with ``x~ = M_{X-col} x_col`` (Frisch-Waugh),
    ``b* - null = sum_g v_g x~_g'u0_g / x~'x~`` and the cluster scores of the refit are linear in ``v``.
    """
    X = _as_2d(X)
    y = np.asarray(y, dtype=float)
    n, K = X.shape
    if not 0 <= col < K:
        raise ValueError(f"col {col} is not a column of X ({K} columns)")
    codes, uniq = pd.factorize(pd.Series(list(clusters) if not isinstance(clusters, np.ndarray)
                                         else clusters))
    G = len(uniq)
    if G < 2:
        raise ValueError("the wild cluster bootstrap needs at least 2 clusters")
    others = np.delete(X, col, axis=1)
    xk = X[:, col]
    # restricted fit and the partialled-out regressor
    if others.shape[1]:
        Q, Rr = np.linalg.qr(others)
        keep = np.abs(np.diag(Rr)) > 1e-10 * max(1.0, np.abs(np.diag(Rr)).max())
        Q = Q[:, keep]
    else:
        Q = np.zeros((n, 0))

    def resid(z: np.ndarray) -> np.ndarray:
        return z - Q @ (Q.T @ z)

    xt = resid(xk)
    xx = float(xt @ xt)
    if not xx > 1e-12 * max(1.0, float(xk @ xk)):
        raise ValueError(f"column {col} is collinear with the other columns")
    u0 = resid(y - null * xk)
    # the sample's CR1 t
    Xq = np.column_stack([Q, xt])                       # same column space as X
    e_full = y - Xq @ np.linalg.lstsq(Xq, y, rcond=None)[0]
    k = Q.shape[1] + 1
    c = G / (G - 1) * (n - 1) / (n - k) if n > k else 1.0
    coef = float(xt @ y / xx)
    s_obs = np.bincount(codes, weights=xt * e_full, minlength=G)
    se = np.sqrt(c * float(s_obs @ s_obs)) / xx
    t = (coef - null) / se
    # bootstrap: numerator and cluster scores linear in v
    U = np.zeros((n, G))
    U[np.arange(n), codes] = u0                          # u0 of cluster g in column g
    num = np.bincount(codes, weights=xt * u0, minlength=G) / xx          # b* - null = v @ num
    MU = U - np.column_stack([Q, xt / np.sqrt(xx)]) @ (np.column_stack([Q, xt / np.sqrt(xx)]).T @ U)
    A = np.zeros((G, G))                                 # A[h, g]: score of cluster h from u0 of g
    np.add.at(A, codes, xt[:, None] * MU)
    V, enumerated = bootstrap_weights(G, weights=weights, n_boot=n_boot, seed=seed,
                                      enumerate_max=enumerate_max)
    scores = V @ A.T
    se_b = np.sqrt(c * np.einsum("bg,bg->b", scores, scores)) / xx
    with np.errstate(invalid="ignore", divide="ignore"):
        t_boot = (V @ num) / se_b
    tol = 1e-10 * max(1.0, abs(t))
    p = float(np.mean(np.abs(t_boot) >= abs(t) - tol))
    return WildBootstrapResult(coef=coef, null=float(null), tstat=float(t), pvalue=p,
                               n_boot=int(V.shape[0]), enumerated=enumerated, weights=weights,
                               n_clusters=G, seed=int(seed), t_boot=t_boot)


# ----------------------------------------------------------------------------- specification curve
SPEC_STATISTICS = ("share", "median", "stouffer")


@dataclass(frozen=True)
class SpecCurveTest:
    """The joint test of a specification curve: the observed ``median`` estimate, ``share``
    significant in the dominant direction, mean z (``stouffer``), each with its p-value against the
    null draws, and ``pvalue``, that of ``statistic``."""

    median: float
    share: float
    stouffer: float
    pvalue_median: float
    pvalue_share: float
    pvalue_stouffer: float
    statistic: str
    pvalue: float
    n_specs: int
    n_draws: int
    alpha: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _curve_stats(est: np.ndarray, p: np.ndarray, alpha: float, sign: float) -> np.ndarray:
    """(|median|, share significant with the sign ``sign``, |mean z| signed by ``sign``) per row."""
    est = np.atleast_2d(est)
    p = np.atleast_2d(p)
    med = np.abs(np.nanmedian(est, axis=1))
    share = np.nanmean((p < alpha) & (np.sign(est) == sign), axis=1)
    z = stats.norm.isf(np.clip(p, 1e-300, 1.0) / 2) * np.sign(est)
    stouffer = sign * np.nanmean(z, axis=1)
    return np.column_stack([med, share, stouffer])


def spec_curve_pvalues(
    estimates: Any,
    pvalues: Any,
    null_estimates: Any,
    null_pvalues: Any,
    *,
    alpha: float = 0.05,
    statistic: str = "share",
    plus_one: bool = True,
) -> SpecCurveTest:
    """Joint p-values of a specification curve against null draws (Simonsohn, Simmons & Nelson 2020).

    ``estimates``/``pvalues``: one per specification (S); ``null_estimates``/``null_pvalues``:
    (D x S), every specification re-estimated on D data sets with the null imposed. The dominant
    sign ``s`` is the sign of the observed median estimate. Statistics and their p-values::

        median:   |median_j b_j|;            p = (#{d: |median b^d| >= |median b|} + 1) / (D + 1)
        share:    mean_j 1[p_j < alpha, sign b_j = s]   (null draws counted with the same s)
        stouffer: s * mean_j z_j,  z_j = Phi^{-1}(1 - p_j / 2) sign(b_j)

    ``plus_one=False`` drops the ``+1`` (when the draws enumerate the whole null distribution,
    the sample among them, the exact permutation p-value). ``statistic`` picks ``pvalue``.
    """
    if statistic not in SPEC_STATISTICS:
        raise ValueError(f"statistic must be one of {SPEC_STATISTICS}, not {statistic!r}")
    est = np.asarray(estimates, dtype=float).ravel()
    p = np.asarray(pvalues, dtype=float).ravel()
    ne = np.atleast_2d(np.asarray(null_estimates, dtype=float))
    npv = np.atleast_2d(np.asarray(null_pvalues, dtype=float))
    if est.shape != p.shape or ne.shape != npv.shape or ne.shape[1] != est.size:
        raise ValueError("estimates and p-values need one value per specification, and the null "
                         "draws one row per draw with the same specifications")
    D = ne.shape[0]
    if D < 1:
        raise ValueError("the joint test needs at least one null draw")
    sign = float(np.sign(np.nanmedian(est))) or 1.0
    obs = _curve_stats(est, p, alpha, sign)[0]
    null = _curve_stats(ne, npv, alpha, sign)
    tol = 1e-12 * np.maximum(1.0, np.abs(obs))
    hits = (null >= obs - tol).sum(axis=0)
    pv = (hits + 1) / (D + 1) if plus_one else hits / D
    by = dict(zip(("median", "share", "stouffer"), pv, strict=True))  # the columns of _curve_stats
    return SpecCurveTest(median=float(np.nanmedian(est)), share=float(obs[1]), stouffer=float(obs[2]),
                         pvalue_median=float(by["median"]), pvalue_share=float(by["share"]),
                         pvalue_stouffer=float(by["stouffer"]), statistic=statistic,
                         pvalue=float(by[statistic]), n_specs=int(est.size), n_draws=int(D),
                         alpha=float(alpha))


def spec_curve_test(
    estimates: Any,
    pvalues: Any,
    null_fn: Callable[[np.random.Generator], tuple[Any, Any]],
    *,
    n_draws: int = 500,
    seed: int = 0,
    alpha: float = 0.05,
    statistic: str = "share",
    plus_one: bool = True,
) -> SpecCurveTest:
    """The specification-curve test under the null: ``null_fn(rng)`` re-estimates every
    specification on one data set with the null imposed (permuted, or with the effect removed) and
    returns ``(estimates, pvalues)`` in the order of the observed ones; it is called ``n_draws``
    times with one ``numpy.random.default_rng(seed)``, then :func:`spec_curve_pvalues`."""
    if n_draws < 1:
        raise ValueError("n_draws must be at least 1")
    rng = np.random.default_rng(seed)
    draws = [null_fn(rng) for _ in range(n_draws)]
    ne = np.array([np.asarray(d[0], dtype=float).ravel() for d in draws])
    npv = np.array([np.asarray(d[1], dtype=float).ravel() for d in draws])
    return spec_curve_pvalues(estimates, pvalues, ne, npv, alpha=alpha, statistic=statistic,
                              plus_one=plus_one)
