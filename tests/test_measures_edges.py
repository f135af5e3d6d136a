"""Panel wrappers and edge cases of sigma, gamma, delta and decompose: few regions, bad values named
by region and year, missing weights, options, trend and F tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crossborder.errors import DataError
from crossborder.measures.decompose import decompose, decompose_array
from crossborder.measures.dispersion import MEASURES, inequality, sigma, sigma_ftest, sigma_trend
from crossborder.measures.frontier import delta
from crossborder.measures.ranks import gamma
from crossborder.panel import Panel


def _long(rows, weight=False, group=False):
    cols = ["region", "year", "value"] + (["pop"] if weight else []) + (["country"] if group else [])
    return Panel.from_long(pd.DataFrame(rows, columns=cols), weight="pop" if weight else None,
                           group="country" if group else None)


@pytest.fixture
def panel() -> Panel:
    rng = np.random.default_rng(11)
    y = rng.lognormal(10, 0.4, (9, 6))
    w = rng.uniform(1e5, 1e6, (9, 6))
    return Panel.from_matrix(y, regions=[f"r{i}" for i in range(9)], times=range(2010, 2016),
                             weights=w, groups=["RU"] * 5 + ["KZ"] * 4)


def test_fewer_than_two_regions_is_nan_not_a_crash():
    p = _long([("a", 2000, 1.0), ("b", 2000, 3.0), ("a", 2001, 2.0)])
    for m in ("sd_log", "sd", "cv", "gini", "theil", "mld", "atkinson"):
        s = sigma(p, m)
        assert s.loc[2000, "n"] == 2 and np.isfinite(s.loc[2000, m])
        assert s.loc[2001, "n"] == 1 and np.isnan(s.loc[2001, m])
    d = decompose(Panel.from_matrix([[1.0, 2.0], [3.0, np.nan]], groups=["x", "y"]))
    assert np.isfinite(d["total"].iloc[0]) and np.isnan(d["total"].iloc[1])
    assert np.isnan(delta(p).delta.loc[2001])


def test_all_measures_on_a_panel(panel):
    s = sigma(panel, list(MEASURES), weighted=True)
    assert list(s.columns) == [*MEASURES, "n"]
    assert (s["n"] == 9).all() and s.notna().all().all()
    y = panel.to_matrix().values
    w = panel.weight_matrix().values
    np.testing.assert_allclose(s["gini"], inequality(y, "gini", w)[0])
    np.testing.assert_allclose(s["williamson"], s["cv"])  # weighted cv is Williamson
    lw = np.log(y)
    mu = (w * lw).sum(0) / w.sum(0)
    np.testing.assert_allclose(s["var_log"], (w * (lw - mu) ** 2).sum(0) / w.sum(0))
    u = sigma(panel, "sd_log", ddof=1)
    np.testing.assert_allclose(u["sd_log"], np.log(y).std(axis=0, ddof=1))


def test_log_of_non_positive_names_region_and_year():
    p = _long([("a", 2000, 1.0), ("b", 2000, 3.0), ("a", 2001, 2.0), ("b", 2001, 0.0)])
    with pytest.raises(DataError, match=r"'b'.*2001"):
        sigma(p, "sd_log")
    with pytest.raises(DataError, match=r"'b'.*2001"):
        sigma(p, "mld")
    assert sigma(p, "theil").loc[2001, "theil"] == pytest.approx(np.log(2))  # 0 ln 0 = 0
    neg = _long([("a", 2000, 1.0), ("b", 2000, -3.0)])
    with pytest.raises(DataError, match="negative"):
        sigma(neg, "gini")
    assert sigma(neg, "sd").loc[2000, "sd"] == pytest.approx(2.0)


def test_hoover_and_williamson_need_a_weight():
    p = _long([("a", 2000, 1.0), ("b", 2000, 3.0)])
    for m in ("hoover", "williamson"):
        with pytest.raises(DataError, match="weight"):
            sigma(p, m)
    with pytest.raises(DataError, match="weight"):
        sigma(p, "gini", weighted=True)


def test_missing_weight_drops_region_that_year_only():
    rows = [("a", 2000, 1.0, 10.0), ("b", 2000, 2.0, 20.0), ("c", 2000, 4.0, np.nan),
            ("a", 2001, 1.0, 10.0), ("b", 2001, 2.0, 20.0), ("c", 2001, 4.0, 30.0)]
    p = _long(rows, weight=True)
    s = sigma(p, "theil", weighted=True)
    assert list(s["n"]) == [2, 3]
    assert s.loc[2000, "theil"] == pytest.approx(
        inequality([1.0, 2.0], "theil", [10.0, 20.0])[0][0])
    assert s.loc[2001, "theil"] == pytest.approx(
        inequality([1.0, 2.0, 4.0], "theil", [10.0, 20.0, 30.0])[0][0])
    bad = _long([("a", 2000, 1.0, -1.0), ("b", 2000, 2.0, 1.0)], weight=True)
    with pytest.raises(DataError, match=r"negative weight.*'a'"):
        sigma(bad, "gini", weighted=True)


def test_bad_options():
    p = Panel.from_matrix(np.arange(1.0, 7.0).reshape(3, 2), weights=np.ones((3, 2)))
    with pytest.raises(ValueError, match="unknown measure"):
        sigma(p, "variance")
    with pytest.raises(TypeError, match="unknown option"):
        sigma(p, "atkinson", eps=1)
    with pytest.raises(ValueError, match="ddof"):
        sigma(p, "sd", weighted=True, ddof=1)
    with pytest.raises(ValueError, match="epsilon"):
        sigma(p, "atkinson", epsilon=-1)
    with pytest.raises(DataError, match="infinite"):
        inequality([1.0, np.inf, 2.0], "sd")
    a = sigma(p, "atkinson", epsilon=2.0)["atkinson"]
    y = np.arange(1.0, 7.0).reshape(3, 2)
    np.testing.assert_allclose(a, 1 - (1 / (1 / y).mean(0)) / y.mean(0))  # harmonic / arithmetic


def test_sigma_trend_matches_linregress(panel):
    tr = sigma_trend(panel, "sd_log")
    s = sigma(panel, "sd_log")["sd_log"]
    ref = stats.linregress(np.arange(2010, 2016), s.to_numpy())
    assert tr.slope == pytest.approx(ref.slope, rel=1e-10)
    assert tr.se == pytest.approx(ref.stderr, rel=1e-10)
    assert tr.pvalue == pytest.approx(ref.pvalue, rel=1e-8)
    assert tr.nobs == 6 and "sd_log" in tr.summary()
    assert tr.to_frame().loc["sd_log", "slope"] == tr.slope
    assert sigma_trend(panel, "gini", robust="HC1").se > 0


def test_sigma_ftest(panel):
    r = sigma_ftest(panel, 2010, 2015)
    y = np.log(panel.to_matrix().values)
    va, vb = y[:, 0].var(ddof=1), y[:, 5].var(ddof=1)
    assert r.F == pytest.approx(va / vb, rel=1e-12)
    assert (r.df1, r.df2) == (8, 8)
    assert r.pvalue == pytest.approx(stats.f.sf(va / vb, 8, 8), rel=1e-10)
    two = sigma_ftest(panel, 2010, 2015, alternative="two-sided")
    assert two.pvalue == pytest.approx(2 * min(r.pvalue, 1 - r.pvalue), rel=1e-10)
    with pytest.raises(ValueError):
        sigma_ftest(panel, 2010, 1999)


def test_gamma_by_hand():
    p = Panel.from_matrix([[1.0, 2.0, 3.0], [2.0, 1.0, 2.0], [3.0, 3.0, 1.0]],
                          regions=list("abc"), times=[0, 1, 2])
    g = gamma(p)
    # ranks (1,2,3) -> (2,1,3): sums (3,3,6), var 2; var(2 R0) = 8/3 -> 0.75
    assert g.loc[0, "gamma"] == 1.0
    assert g.loc[1, "gamma"] == pytest.approx(0.75)
    assert g.loc[2, "gamma"] == pytest.approx(0.0)  # order reversed
    assert list(gamma(p, ref=1, last=2).index) == [1, 2]
    y = np.array([[1.0, 5.0], [2.0, np.nan], [3.0, 4.0], [4.0, 9.0]])
    g2 = gamma(Panel.from_matrix(y))
    # without the missing region: ranks (1,2,3) -> (2,1,3) again
    assert g2.loc[1, "gamma"] == pytest.approx(0.75) and g2.loc[1, "n"] == 3


def test_delta_lower_is_better():
    p = Panel.from_matrix([[5.0, 4.0], [7.0, 6.0], [10.0, 6.5]], regions=list("abc"),
                          times=[2000, 2001])
    d = delta(p, best="min")
    np.testing.assert_allclose(d.delta, [2 + 5, 2 + 2.5])
    assert list(d.table["best_region"]) == ["a", "a"]
    dep = d.departures.set_index(["region", "year"])
    assert dep.loc[("c", 2000), "from_mean"] == pytest.approx(10 - 22 / 3)
    assert dep.loc[("c", 2000), "from_mean_rel"] == pytest.approx((10 - 22 / 3) / (22 / 3))
    assert dep.loc[("c", 2000), "from_best_rel"] == pytest.approx(1.0)
    assert "delta" in d.summary()


def test_decompose_panel_roles(panel):
    y = panel.to_matrix().values
    w = panel.weight_matrix().values
    g = panel.group_labels().to_numpy()
    for index in ("theil", "mld"):
        for weighted in (False, True):
            d = decompose(panel, index, by="group", weighted=weighted)
            ref = decompose_array(y, g, index, w if weighted else None)
            np.testing.assert_allclose(d["between"], ref["between"], rtol=1e-12)
            assert list(d.columns) == ["total", "between", "within", "between_share", "n",
                                       "n_groups"]
            assert (d["n_groups"] == 2).all()
    # two groups, between = sum_g s_g ln(mu_g / mu), by hand for the first year, weighted
    x, v = y[:, 0], w[:, 0]
    mu = (v * x).sum() / v.sum()
    between = 0.0
    for sel in (slice(0, 5), slice(5, 9)):
        mu_g = (v[sel] * x[sel]).sum() / v[sel].sum()
        between += (v[sel] * x[sel]).sum() / (v * x).sum() * np.log(mu_g / mu)
    assert decompose(panel, weighted=True)["between"].iloc[0] == pytest.approx(between, rel=1e-10)
    plain = Panel.from_matrix(y)
    with pytest.raises(DataError, match="group"):
        decompose(plain)
    with pytest.raises(DataError, match="group"):
        decompose(panel, by="oblast")
    with pytest.raises(DataError, match="no group"):
        decompose_array(y, [None] + ["a"] * 8)


def test_counts_per_measure_when_weights_are_missing():
    rows = [("a", 2000, 1.0, 10.0), ("b", 2000, 2.0, 20.0), ("c", 2000, 4.0, np.nan),
            ("a", 2001, 1.0, 10.0), ("b", 2001, 2.0, 20.0), ("c", 2001, 4.0, 30.0)]
    s = sigma(_long(rows, weight=True), ["cv", "williamson"])
    assert list(s["n"]) == [3, 3] and list(s["n_williamson"]) == [2, 3]
    assert s.loc[2000, "williamson"] == pytest.approx(
        inequality([1.0, 2.0], "williamson", [10.0, 20.0])[0][0])
