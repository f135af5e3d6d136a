"""Conditional beta with group dummies by Frisch-Waugh-Lovell equals statsmodels with the dummies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossborder import Panel
from crossborder.measures.beta import beta

sm = pytest.importorskip("statsmodels.api")


def _data(n=80, seed=11, labels=("A", "B", "C", "D"), missing=0):
    rng = np.random.default_rng(seed)
    y = np.exp(rng.normal(9.0, 0.5, size=(n, 1)) + rng.normal(0, 0.1, size=(n, 4)).cumsum(axis=1))
    w = np.exp(rng.normal(10.0, 1.0, size=(n, 4)))
    # unequal group sizes, every group with at least 3 regions
    groups = np.array([labels[i % len(labels)] if i < 3 * len(labels) else
                       labels[int(rng.integers(0, len(labels)))] for i in range(n)], dtype=object)
    if missing:
        y[rng.choice(n, missing, replace=False), -1] = np.nan
    return y, w, groups


def _statsmodels(y, w, groups, robust, weighted):
    """OLS/WLS of annualised growth on const, initial log level and one dummy per group but the
    first label in text order, on the regions with values."""
    ly = np.log(y)
    growth = (ly[:, -1] - ly[:, 0]) / 3.0
    ok = ~np.isnan(growth)
    text = np.array([str(g) for g in groups])
    levels = sorted(set(text[ok]))
    X = np.column_stack([np.ones(len(y)), ly[:, 0]] + [(text == lv).astype(float) for lv in levels[1:]])
    model = (sm.WLS(growth[ok], X[ok], weights=w[ok, 0]) if weighted else sm.OLS(growth[ok], X[ok]))
    return model.fit(cov_type=robust, use_t=True) if robust else model.fit()  # t(n - k), as beta


@pytest.mark.parametrize("robust", [None, "HC0", "HC1", "HC2", "HC3"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("missing", [0, 7])
def test_group_dummies_by_fwl_equal_statsmodels(robust, weighted, missing):
    y, w, groups = _data(missing=missing)
    p = Panel.from_matrix(y, times=range(2000, 2004), weights=w, groups=groups)
    res = beta(p, controls="group", robust=robust, weighted=weighted)
    fit = _statsmodels(y, w, groups, robust, weighted)
    assert res.table is not None  # solved in closed form
    assert res.nobs == int(fit.nobs) and len(res.dropped) == missing
    assert res.beta == pytest.approx(fit.params[1], rel=1e-10)
    assert res.alpha == pytest.approx(fit.params[0], rel=1e-10)
    assert res.se == pytest.approx(fit.bse[1], rel=1e-10)
    assert res.tstat == pytest.approx(fit.tvalues[1], rel=1e-10)
    assert res.pvalue == pytest.approx(fit.pvalues[1], rel=1e-9, abs=1e-300)
    assert res.r2 == pytest.approx(fit.rsquared, rel=1e-10)
    table = res.to_frame()
    assert list(table.index) == ["const", "initial", "group_B", "group_C", "group_D"]
    # every term: the group intercepts (as dummies against the first group) and their errors
    np.testing.assert_allclose(table["coef"].to_numpy(), fit.params, rtol=1e-10)
    np.testing.assert_allclose(table["se"].to_numpy(), fit.bse, rtol=1e-10)
    np.testing.assert_allclose(table["tstat"].to_numpy(), fit.tvalues, rtol=1e-10)
    np.testing.assert_allclose(table["pvalue"].to_numpy(), fit.pvalues, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(table[["ci_low", "ci_high"]].to_numpy(), fit.conf_int(), rtol=1e-10)
    # the statsmodels fit stays available on first use, with the same terms
    np.testing.assert_allclose(np.asarray(res.fit.bse), fit.bse, rtol=1e-10)
    assert list(res.fit.params.index) == list(table.index)


def test_dummies_follow_text_order_of_labels():
    # integer labels: pd.get_dummies sorts their text, so "10" comes before "2" (the first left out)
    y, w, groups = _data(labels=(2, 10, 7))
    p = Panel.from_matrix(y, times=range(2000, 2004), weights=w, groups=groups)
    res = beta(p, controls="group", robust="HC3")
    fit = _statsmodels(y, w, groups, "HC3", False)
    assert list(res.to_frame().index) == ["const", "initial", "group_2", "group_7"]
    np.testing.assert_allclose(res.to_frame()["coef"].to_numpy(), fit.params, rtol=1e-10)
    np.testing.assert_allclose(res.to_frame()["se"].to_numpy(), fit.bse, rtol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
def test_leverage_of_dummies_plus_x_is_one_over_group_size_plus_within_term(weighted):
    # h_i = w_i / W_g + w_i x~_i^2 / sum w x~^2 (x~ demeaned within group, weighted): the diagonal of
    # the hat matrix of the whitened design [dummies, x], which HC2/HC3 divide by
    rng = np.random.default_rng(3)
    n = 40
    g = rng.integers(0, 4, n)
    x = rng.normal(size=n)
    w = np.exp(rng.normal(size=n)) if weighted else np.ones(n)
    D = (g[:, None] == np.arange(4)).astype(float)
    Xw = np.sqrt(w)[:, None] * np.column_stack([D, x])
    hat = np.einsum("ij,ji->i", Xw, np.linalg.pinv(Xw))
    wg = np.bincount(g, w)
    xt = x - (np.bincount(g, w * x) / wg)[g]
    np.testing.assert_allclose(w / wg[g] + w * xt**2 / (w @ xt**2), hat, rtol=1e-12)


def test_group_left_without_regions_goes_the_general_way_and_is_reported():
    y, w, groups = _data()
    y[groups == "D", -1] = np.nan  # group D loses all its regions
    p = Panel.from_matrix(y, times=range(2000, 2004), weights=w, groups=groups)
    res = beta(p, controls="group", robust="HC2")
    assert res.dropped_terms == ("group_D",)
    fit = _statsmodels(y, w, groups, "HC2", False)
    assert res.beta == pytest.approx(fit.params[1], rel=1e-10)
    assert res.se == pytest.approx(fit.bse[1], rel=1e-10)


def test_cluster_by_group_still_uses_statsmodels():
    y, w, groups = _data()
    p = Panel.from_matrix(y, times=range(2000, 2004), weights=w, groups=groups)
    res = beta(p, controls="group", cluster="group")
    ly = np.log(y)
    X = np.column_stack([np.ones(len(y)), ly[:, 0]] + [(groups == c).astype(float) for c in "BCD"])
    codes = pd.factorize(groups)[0]
    fit = sm.OLS((ly[:, -1] - ly[:, 0]) / 3.0, X).fit(cov_type="cluster", cov_kwds={"groups": codes})
    assert res.cov_type == "cluster"
    assert res.se == pytest.approx(fit.bse[1], rel=1e-10)


def test_a_missing_text_control_is_an_error_not_the_base_category():
    from crossborder.errors import DataError

    rng = np.random.default_rng(3)
    regions = [f"r{i}" for i in range(12)]
    p = Panel.from_matrix(np.exp(rng.normal(size=(12, 2)) + [0, 0.1]), regions=regions,
                          times=[2000, 2010])
    ctrl = pd.DataFrame({"kind": ["a", "b", "c"] * 4}, index=regions)
    assert np.isfinite(beta(p, controls=ctrl).beta)
    ctrl.loc["r5", "kind"] = None
    with pytest.raises(DataError, match=r"control 'kind' has no value for 1 region\(s\): r5"):
        beta(p, controls=ctrl)
    # a region missing from the controls table is the same case
    with pytest.raises(DataError, match=r"has no value for 1 region\(s\): r5"):
        beta(p, controls=ctrl.drop(index="r5"))
