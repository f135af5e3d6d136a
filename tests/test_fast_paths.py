"""The fast paths of the in-memory panel path give the numbers of the straightforward computation:
each test computes the reference independently (scipy ranks, statsmodels OLS, np.unique patterns,
np.nanquantile, statsmodels' HP filter, a pivot by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import rankdata

from crossborder import Panel
from crossborder.measures.beta import beta
from crossborder.measures.dynamics import quantile_cuts
from crossborder.measures.hpfilter import DENSE_MAX_T, hp_filter
from crossborder.measures.ranks import gamma
from crossborder.measures.spatial import _blocks, moran


# ---------------------------------------------------------------- Panel.from_matrix
def test_from_matrix_frame_caches_and_generic_pivot_agree():
    rng = np.random.default_rng(0)
    y = rng.lognormal(size=(7, 4))
    y[2, :] = np.nan  # a region without any value
    y[4, 1] = np.nan
    w = rng.lognormal(size=(7, 4))
    regions = [f"r{i}" for i in range(7)]
    groups = list("aabbbcc")
    p = Panel.from_matrix(y, regions=pd.Index(regions), times=[2000, 2001, 2002, 2003], weights=w,
                          groups=pd.Series(groups, index=regions))
    ok = ~np.isnan(y)
    ri, ti = np.nonzero(ok)  # region-major, as the long table
    assert p.frame["region"].tolist() == [regions[i] for i in ri]
    assert p.frame["time"].tolist() == [2000 + j for j in ti]
    np.testing.assert_array_equal(p.frame["value"].to_numpy(), y[ok])
    np.testing.assert_array_equal(p.frame["weight"].to_numpy(), w[ok])
    assert p.frame["group"].tolist() == [groups[i] for i in ri]
    np.testing.assert_array_equal(p.weight_matrix().values, np.where(ok, w, np.nan))
    # the group of a region without rows is unknown, as in the long table
    g = p.group_labels()
    assert g.isna().tolist() == [i == 2 for i in range(7)]
    assert g.dropna().tolist() == [x for i, x in enumerate(groups) if i != 2]
    # the same panel pivoted from its long table
    q = Panel(p.frame.sample(frac=1.0, random_state=1), weight_name="weight", group_name="group")
    keep = [i for i in range(7) if i != 2]
    np.testing.assert_array_equal(q.to_matrix().values, y[keep])
    np.testing.assert_array_equal(q.weight_matrix().values, np.where(ok, w, np.nan)[keep])
    assert q.group_labels().tolist() == [groups[i] for i in keep]


def test_matrix_views_are_read_only_and_copies_independent():
    p = Panel.from_matrix(np.arange(12.0).reshape(4, 3) + 1, weights=np.ones((4, 3)))
    view = p.to_matrix(copy=False).values
    with pytest.raises(ValueError):
        view[0, 0] = 99.0
    m = p.to_matrix().values
    m[0, 0] = 99.0
    wm = p.weight_matrix().values
    wm[0, 0] = 99.0
    assert p.to_matrix().values[0, 0] == 1.0 and p.weight_matrix().values[0, 0] == 1.0


# ---------------------------------------------------------------- gamma
@pytest.mark.parametrize("gaps", [False, True])
def test_gamma_with_ties_equals_scipy_average_ranks(gaps):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 6, size=(80, 6)).astype(float)  # many ties
    if gaps:
        y[rng.random(y.shape) < 0.2] = np.nan
    g = gamma(Panel.from_matrix(y))
    for t in range(6):
        both = ~np.isnan(y[:, 0]) & ~np.isnan(y[:, t])
        r0, rt = rankdata(y[both, 0]), rankdata(y[both, t])  # average ranks
        expected = np.var(r0 + rt) / np.var(2 * r0)
        assert g.loc[t, "n"] == both.sum()
        assert g.loc[t, "gamma"] == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- beta (closed form)
def _panel(n=60, seed=5):
    rng = np.random.default_rng(seed)
    y = np.exp(rng.normal(9.0, 0.5, size=(n, 1)) + rng.normal(0, 0.1, size=(n, 5)).cumsum(axis=1))
    w = np.exp(rng.normal(10.0, 1.0, size=(n, 5)))
    groups = rng.choice(["A", "B", "C"], n)
    return Panel.from_matrix(y, times=range(2000, 2005), weights=w, groups=groups), y, w, groups


@pytest.mark.parametrize("robust", [None, "HC0", "HC1", "HC2", "HC3"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("conditional", [False, True])
def test_beta_closed_form_equals_statsmodels(robust, weighted, conditional):
    sm = pytest.importorskip("statsmodels.api")
    p, y, w, groups = _panel()
    res = beta(p, robust=robust, weighted=weighted, controls="group" if conditional else None)
    ly = np.log(y)
    growth = (ly[:, -1] - ly[:, 0]) / 4.0
    cols = [np.ones(len(y)), ly[:, 0]]
    if conditional:
        cols += [(groups == "B").astype(float), (groups == "C").astype(float)]
    X = np.column_stack(cols)
    model = sm.WLS(growth, X, weights=w[:, 0]) if weighted else sm.OLS(growth, X)
    fit = model.fit(cov_type=robust, use_t=True) if robust else model.fit()  # t(n - k), as beta
    assert res.beta == pytest.approx(fit.params[1], rel=1e-10)
    assert res.alpha == pytest.approx(fit.params[0], rel=1e-10)
    assert res.se == pytest.approx(fit.bse[1], rel=1e-9)
    assert res.pvalue == pytest.approx(fit.pvalues[1], rel=1e-8, abs=1e-300)
    assert res.r2 == pytest.approx(fit.rsquared, rel=1e-10)
    table = res.to_frame()
    np.testing.assert_allclose(table["se"].to_numpy(), fit.bse, rtol=1e-9)
    np.testing.assert_allclose(table[["ci_low", "ci_high"]].to_numpy(), fit.conf_int(), rtol=1e-9)
    # the statsmodels results stay available, fitted on first use
    np.testing.assert_allclose(np.asarray(res.fit.params), fit.params, rtol=1e-10)


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
def test_beta_collinear_controls_fall_back_to_statsmodels_pseudo_inverse():
    sm = pytest.importorskip("statsmodels.api")
    p, y, _, _ = _panel()
    x = np.linspace(0.0, 1.0, len(y))
    controls = pd.DataFrame({"x": x, "x2": 2.0 * x}, index=p.regions)  # rank deficient
    res = beta(p, controls=controls)
    ly = np.log(y)
    X = np.column_stack([np.ones(len(y)), ly[:, 0], x, 2.0 * x])
    fit = sm.OLS((ly[:, -1] - ly[:, 0]) / 4.0, X).fit()
    assert res.beta == pytest.approx(fit.params[1], rel=1e-8)
    assert res.se == pytest.approx(fit.bse[1], rel=1e-8)


# ---------------------------------------------------------------- moran
def _rook(nr, nc):
    idx = np.arange(nr * nc).reshape(nr, nc)
    a = np.r_[idx[:, :-1].ravel(), idx[:-1, :].ravel()]
    b = np.r_[idx[:, 1:].ravel(), idx[1:, :].ravel()]
    n = nr * nc
    return sparse.csr_array((np.ones(2 * len(a)), (np.r_[a, b], np.r_[b, a])), shape=(n, n))


def test_blocks_follow_np_unique_patterns():
    rng = np.random.default_rng(7)
    y = rng.normal(size=(29, 40))  # 29 rows: the packed patterns end in a partial byte
    y[rng.random(y.shape) < 0.05] = np.nan
    y[:, 5] = y[:, 9] = np.nan * y[:, 3]  # shared patterns
    obs = ~np.isnan(y)
    pats, inv = np.unique(obs.T, axis=0, return_inverse=True)
    inv = np.asarray(inv).ravel()
    expected = [(pats[i], np.flatnonzero(inv == i)) for i in range(len(pats)) if pats[i].sum() >= 3]
    got = _blocks(y)
    assert len(got) == len(expected)
    for (k1, c1), (k2, c2) in zip(got, expected, strict=True):
        np.testing.assert_array_equal(k1, k2)
        np.testing.assert_array_equal(c1, c2)
    full = _blocks(np.ones((5, 3)))
    assert len(full) == 1 and full[0][0].all() and full[0][1].tolist() == [0, 1, 2]


def test_moran_complete_fast_path_equals_general_path():
    rng = np.random.default_rng(11)
    w = _rook(6, 7)
    y = rng.normal(size=(42, 4)).cumsum(axis=0)
    complete = moran(y, w, permutations=0).table
    gappy = np.column_stack([y, y[:, :1]])
    gappy[3, 4] = np.nan  # one more year with a gap: the complete years go through np.unique
    general = moran(gappy, w, permutations=0).table
    pd.testing.assert_frame_equal(complete, general.iloc[:4], check_exact=False, rtol=1e-13)
    # and the definition, with the kurtosis term of the randomisation variance
    z = y - y.mean(axis=0)
    wr = w.toarray() / w.toarray().sum(axis=1, keepdims=True)
    i_ref = 42 / wr.sum() * np.einsum("it,ij,jt->t", z, wr, z) / (z * z).sum(axis=0)
    np.testing.assert_allclose(complete["I"].to_numpy(), i_ref, rtol=1e-12)


# ---------------------------------------------------------------- markov cuts
def test_quantile_cuts_from_partial_sort_equal_nanquantile():
    rng = np.random.default_rng(13)
    y = np.vstack([rng.normal(size=(997, 6)), rng.integers(0, 3, size=(300, 6))])  # with ties
    y[rng.random(y.shape) < 0.1] = np.nan
    y[:, 2] = np.nan
    y[:5, 3] = np.inf
    for k in (2, 5, 7):
        cuts = quantile_cuts(y, k)
        for t in range(6):
            col = y[:, t]
            if np.isnan(col).all():
                assert np.isnan(cuts[:, t]).all()
                continue
            expected = np.nanquantile(col, np.arange(1, k) / k)
            np.testing.assert_allclose(cuts[:, t], expected, rtol=1e-12)


# ---------------------------------------------------------------- HP filter
@pytest.mark.parametrize("t", [34, DENSE_MAX_T + 30])
def test_hp_filter_dense_and_sparse_paths_match_statsmodels(t):
    sm_hp = pytest.importorskip("statsmodels.tsa.filters.hp_filter")
    rng = np.random.default_rng(17)
    y = rng.normal(0, 1, (3, t)).cumsum(axis=1)
    ours = hp_filter(y, lamb=1600.0)
    for i in range(3):
        _, trend = sm_hp.hpfilter(y[i], lamb=1600.0)
        np.testing.assert_allclose(ours[i], trend, atol=1e-8)


# ---------------------------------------------------------------- map classes without mapclassify
@pytest.mark.filterwarnings("ignore:Not enough unique values")
def test_quantile_and_user_classes_equal_mapclassify():
    mc = pytest.importorskip("mapclassify")
    from crossborder.maps import classify

    rng = np.random.default_rng(19)
    for y in (rng.normal(size=57), rng.integers(0, 4, 40).astype(float)):  # the second with ties
        for k in (3, 5):
            ours, ref = classify(y, "quantiles", k), mc.Quantiles(y, k=k)
            np.testing.assert_array_equal(ours.bins, ref.bins)
            np.testing.assert_array_equal(ours.yb, ref.yb)
            np.testing.assert_array_equal(ours.counts, ref.counts)
            assert ours.k == ref.k
        ours, ref = classify(y, breaks=[0.5, -1.0]), mc.UserDefined(y, bins=[-1.0, 0.5])
        np.testing.assert_array_equal(ours.bins, ref.bins)
        np.testing.assert_array_equal(ours.yb, ref.yb)
        np.testing.assert_array_equal(ours.counts, ref.counts)


def test_maps_with_quantile_or_user_classes_do_not_import_mapclassify():
    import subprocess
    import sys

    code = ("import sys; import crossborder.maps as m; import crossborder.report; "
            "m.classify([1.0, 2.0, 3.0, 4.0], 'quantiles', 2); m.classify([1.0, 5.0], breaks=[2.0]); "
            "assert 'quantiles' in m.SCHEMES; print('mapclassify' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
