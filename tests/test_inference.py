"""Inference primitives against hand-built sandwiches, a direct bootstrap and a direct permutation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from crossborder.measures.inference import (
    bootstrap_weights,
    cluster_cov,
    dyadic_cov,
    ols,
    spec_curve_pvalues,
    spec_curve_test,
    standard_errors,
    t_pvalue,
    twoway_cluster_cov,
    wild_cluster_bootstrap,
)


def _dyadic_design(seed: int = 3):
    """Dyads among 6 nodes observed 3 times each, errors correlated through shared nodes."""
    rng = np.random.default_rng(seed)
    nodes = list("ABCDEF")
    dyads = [("A", "B"), ("A", "C"), ("B", "C"), ("C", "D"), ("D", "E"), ("E", "F"), ("A", "F"),
             ("B", "E")]
    shock = {v: rng.normal() for v in nodes}
    a, b, x, y = [], [], [], []
    for u, v in dyads:
        for _ in range(3):
            xi = rng.normal()
            a.append(u)
            b.append(v)
            x.append(xi)
            y.append(0.5 + 0.3 * xi + shock[u] + shock[v] + rng.normal(scale=0.5))
    X = np.column_stack([np.ones(len(x)), x])
    return np.array(y), X, np.array(a), np.array(b)


def test_dyadic_cov_equals_a_hand_built_sandwich():
    y, X, a, b = _dyadic_design()
    n, k = X.shape
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    e = y - X @ beta
    meat = np.zeros((k, k))
    for i in range(n):                       # every pair of observations whose dyads share a node
        for j in range(n):
            if {a[i], b[i]} & {a[j], b[j]}:
                meat += np.outer(X[i] * e[i], X[j] * e[j])
    bread = np.linalg.inv(X.T @ X)
    R = len(set(a) | set(b))
    expected = R / (R - 1) * (n - 1) / (n - k) * bread @ meat @ bread
    got = dyadic_cov(X, e, a, b)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)
    # no correction: the estimator of Aronow, Samii & Assenova; order of the nodes irrelevant
    np.testing.assert_allclose(dyadic_cov(X, e, b, a, small_sample=False), bread @ meat @ bread,
                               rtol=1e-10, atol=1e-14)
    # it is wider than clustering by dyad alone, which misses the shared nodes
    by_dyad = cluster_cov(X, e, np.char.add(a, b))
    assert standard_errors(got)[1] > standard_errors(by_dyad)[1]


def test_cluster_and_twoway_cov_equal_statsmodels_one_way_terms():
    y, X, a, b = _dyadic_design(5)
    fit = sm.OLS(y, X).fit()
    e = fit.resid
    for g in (a, b):
        codes = np.unique(g, return_inverse=True)[1]
        ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": codes}).cov_params()
        np.testing.assert_allclose(cluster_cov(X, e, g), ref, rtol=1e-10)
    both = np.unique(np.char.add(a, b), return_inverse=True)[1]
    v = {name: sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": codes}).cov_params()
         for name, codes in (("a", np.unique(a, return_inverse=True)[1]),
                             ("b", np.unique(b, return_inverse=True)[1]), ("ab", both))}
    np.testing.assert_allclose(twoway_cluster_cov(X, e, a, b), v["a"] + v["b"] - v["ab"], rtol=1e-10)


def test_standard_errors_are_nan_for_a_negative_variance():
    se = standard_errors(np.array([[4.0, 0.0], [0.0, -1.0]]))
    assert se[0] == pytest.approx(2.0) and np.isnan(se[1])


def test_t_pvalue_is_students_t():
    assert t_pvalue(2.1, 7) == pytest.approx(2 * stats.t.sf(2.1, 7))
    np.testing.assert_allclose(t_pvalue(np.array([-1.0, 3.0]), 12), 2 * stats.t.sf([1.0, 3.0], 12))
    assert t_pvalue(2.1, 7) > 2 * stats.norm.sf(2.1)
    with pytest.raises(ValueError):
        t_pvalue(1.0, 0)


def _cluster_design(G: int = 6, seed: int = 11):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(3, 7, size=G)
    g = np.repeat(np.arange(G), sizes)
    n = len(g)
    x = rng.normal(size=n) + rng.normal(size=G)[g]
    z = rng.normal(size=n)
    y = 1.0 + 0.4 * x - 0.2 * z + rng.normal(size=G)[g] + rng.normal(size=n)
    return y, np.column_stack([np.ones(n), x, z]), g


def _direct_wcr(y, X, g, col, null, V):
    """The restricted wild cluster bootstrap written out: refit with statsmodels for every vector."""
    others = np.delete(X, col, axis=1)
    r = sm.OLS(y - null * X[:, col], others).fit()
    y0 = r.fittedvalues + null * X[:, col]
    u0 = r.resid
    t_obs = (sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g}).params[col] - null) / \
        sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g}).bse[col]
    tb = []
    for v in V:
        f = sm.OLS(y0 + u0 * v[g], X).fit(cov_type="cluster", cov_kwds={"groups": g})
        tb.append((f.params[col] - null) / f.bse[col])
    tb = np.array(tb)
    return t_obs, tb, np.mean(np.abs(tb) >= abs(t_obs) - 1e-9)


def test_wild_bootstrap_enumerates_all_sign_vectors_and_equals_a_direct_computation():
    y, X, g = _cluster_design()
    V = np.array(list(itertools.product((1.0, -1.0), repeat=6)))
    t_obs, tb, p = _direct_wcr(y, X, g, 1, 0.0, V)
    res = wild_cluster_bootstrap(y, X, g, 1)
    assert res.enumerated and res.n_boot == 64 and res.n_clusters == 6
    assert res.tstat == pytest.approx(t_obs, rel=1e-9)
    np.testing.assert_allclose(np.sort(np.abs(res.t_boot)), np.sort(np.abs(tb)), rtol=1e-8)
    assert res.pvalue == pytest.approx(p)
    assert res.pvalue >= 2 / 64                  # the sample and its mirror are among the draws


def test_wild_bootstrap_webb_draws_with_a_seed_and_a_shifted_null():
    y, X, g = _cluster_design(G=7, seed=2)
    V = np.random.default_rng(5).choice(
        np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)]), size=(199, 7))
    t_obs, tb, p = _direct_wcr(y, X, g, 2, -0.1, V)
    res = wild_cluster_bootstrap(y, X, g, 2, null=-0.1, weights="webb", n_boot=199, seed=5)
    assert not res.enumerated and res.n_boot == 199
    np.testing.assert_allclose(res.t_boot, tb, rtol=1e-8)
    assert res.pvalue == pytest.approx(p)
    again = wild_cluster_bootstrap(y, X, g, 2, null=-0.1, weights="webb", n_boot=199, seed=5)
    assert again.pvalue == res.pvalue


def test_bootstrap_weights_rules():
    W, full = bootstrap_weights(3)
    assert full and W.shape == (8, 3) and len({tuple(r) for r in W}) == 8
    W, full = bootstrap_weights(13, n_boot=50, seed=1)
    assert not full and W.shape == (50, 13) and set(np.unique(W)) == {-1.0, 1.0}
    with pytest.raises(ValueError):
        bootstrap_weights(3, weights="mammen")


def _tiny_grid(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Three specifications of one question: slope of y on x, of y on x without the last point,
    and Spearman's rho."""
    s1 = stats.linregress(x, y)
    s2 = stats.linregress(x[:-1], y[:-1])
    s3 = stats.spearmanr(x, y)
    return np.array([s1.slope, s2.slope, s3.statistic]), np.array([s1.pvalue, s2.pvalue, s3.pvalue])


def test_spec_curve_test_equals_a_direct_permutation_on_a_tiny_grid():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    y = np.array([1.2, 1.9, 3.4, 3.1, 5.2, 5.0])
    est, p = _tiny_grid(x, y)
    perms = list(itertools.permutations(range(6)))          # all 720, the sample among them
    null = [_tiny_grid(x, y[list(q)]) for q in perms]
    # direct: the exact permutation p of the share significant and of the median
    share = lambda e, pv: np.mean((pv < 0.05) & (e > 0))  # noqa: E731 - the observed median is > 0
    obs_share, obs_med = share(est, p), abs(np.median(est))
    p_share = np.mean([share(e, pv) >= obs_share - 1e-12 for e, pv in null])
    p_med = np.mean([abs(np.median(e)) >= obs_med - 1e-12 for e, _ in null])
    it = iter(null)
    res = spec_curve_test(est, p, lambda rng: next(it), n_draws=len(perms), plus_one=False)
    assert res.share == pytest.approx(obs_share) and res.n_draws == 720 and res.n_specs == 3
    assert res.pvalue == pytest.approx(p_share) and res.statistic == "share"
    assert res.pvalue_median == pytest.approx(p_med)
    assert res.pvalue < 0.05                                 # a clear slope is rare under the null
    # random permutations with a seed: the same draws written out
    rng = np.random.default_rng(9)
    direct = [_tiny_grid(x, rng.permutation(y)) for _ in range(99)]
    hits = sum(share(e, pv) >= obs_share - 1e-12 for e, pv in direct)
    res = spec_curve_test(est, p, lambda r: _tiny_grid(x, r.permutation(y)), n_draws=99, seed=9)
    assert res.pvalue == pytest.approx((hits + 1) / 100)


def test_spec_curve_pvalues_shapes_and_statistic():
    with pytest.raises(ValueError):
        spec_curve_pvalues([1.0, 2.0], [0.01], [[1.0, 2.0]], [[0.5, 0.5]])
    with pytest.raises(ValueError):
        spec_curve_pvalues([1.0], [0.01], [[1.0]], [[0.5]], statistic="mean")
    r = spec_curve_pvalues([-1.0, -2.0], [0.01, 0.02], [[0.1, -0.1], [-3.0, -3.0]],
                           [[0.9, 0.9], [0.001, 0.001]], statistic="median")
    # one of two null draws has |median| >= 1.5 and both significant negative: p = (1 + 1) / 3
    assert r.pvalue == pytest.approx(2 / 3) and r.pvalue_share == pytest.approx(2 / 3)


def test_ols_pinv_bread():
    y, X, _, _ = _dyadic_design()
    b, e, B = ols(y, X)
    np.testing.assert_allclose(b, sm.OLS(y, X).fit().params, rtol=1e-10)
    np.testing.assert_allclose(B, np.linalg.inv(X.T @ X), rtol=1e-10)
