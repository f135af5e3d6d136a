"""Degenerate data are named, never computed into a number (issue 16): constant values, one period,
too few regions or clusters, a statistic that comes out negative or not finite, values whose squares
overflow or underflow. Each case is built here; the API raises DegenerateDataError ("<what> not
computed: <why>"), the command line exits 1 with that message, the report marks the section and goes
on. The same rule at scale (crossborder.scale, pandas and DuckDB engines).

Numbers (CV, Gini, Theil of extreme values) are recomputed here with numpy on rescaled copies.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import crossborder.scale as scale
from crossborder import Panel, beta, clubs, decompose, gamma, log_t, markov, moran, pair_did, sigma
from crossborder.cli import main
from crossborder.errors import DataError, DegenerateDataError, FewClustersWarning
from crossborder.measures._degenerate import check_statistic, nil_spread
from crossborder.measures.dispersion import inequality, sigma_ftest, sigma_trend

YEARS = list(range(2008, 2020))
ENGINES = ["pandas", pytest.param("duckdb", marks=pytest.mark.filterwarnings("ignore"))]


def _grid(n_a: int, n_b: int, value) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """n_a regions of country AA in a column at x 0-1, n_b of BB beside them at x 1-2 (BB-R0 next
    to AA-R0); ``value(k, t)`` the value of region k (AA first) in year index t."""
    codes = [(f"AA-R{k}", "AA", box(0, k, 1, k + 1)) for k in range(n_a)]
    codes += [(f"BB-R{k}", "BB", box(1, k, 2, k + 1)) for k in range(n_b)]
    geo = gpd.GeoDataFrame([{"region": c, "country": g, "geometry": s} for c, g, s in codes],
                           crs="EPSG:4326")
    rows = [{"region": c, "year": t, "indicator": "gdp_pc", "value": value(k, i), "unit": "USD",
             "country": g} for k, (c, g, _) in enumerate(codes) for i, t in enumerate(YEARS)]
    return geo, pd.DataFrame(rows)


def _files(tmp_path, name: str, n_a: int, n_b: int, value, years=None) -> list[str]:
    geo, long = _grid(n_a, n_b, value)
    if years is not None:
        long = long[long["year"].isin(years)]
    geo.to_file(tmp_path / f"{name}.geojson", driver="GeoJSON")
    long.to_csv(tmp_path / f"{name}.csv", index=False)
    long[["region", "year", "value", "country"]].to_parquet(tmp_path / f"{name}.parquet")
    return ["--data", str(tmp_path / f"{name}.csv"), "--regions-file",
            str(tmp_path / f"{name}.geojson"), "--indicator", "gdp_pc", "--group-col", "country"]


def _panel(values: np.ndarray, groups=None, times=None) -> Panel:
    n, t = values.shape
    groups = groups if groups is not None else ["AA"] * (n // 2) + ["BB"] * (n - n // 2)
    return Panel.from_matrix(values, regions=[f"R{i}" for i in range(n)],
                             times=times if times is not None else YEARS[:t], groups=groups)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


CONSTANT = np.full((8, 12), 100.0)


# ----------------------------------------------------------------------------- the shared rule
def test_nil_spread_is_relative_and_scale_free():
    assert nil_spread([5.0, 5.0, 5.0])
    assert nil_spread([1e308, 1e308])
    assert nil_spread([3e-310, 3e-310])
    assert not nil_spread([1e308, 9e307])
    assert not nil_spread([3e-310, 2e-310])
    assert not nil_spread([100.0, 100.0 * (1 + 1e-9)])


@pytest.mark.parametrize("value", [-4.92e12, float("nan"), float("inf")])
def test_a_negative_or_non_finite_statistic_is_never_a_p_value(value):
    with pytest.raises(DegenerateDataError) as info:
        check_statistic("pre-trend test", "F", value)
    assert str(info.value).startswith("pre-trend test not computed: the F statistic")
    assert isinstance(info.value, DataError)  # exit code 1 on the command line
    assert check_statistic("pre-trend test", "F", 2.5) == 2.5


# ----------------------------------------------------------------------------- constant values
def test_beta_on_constant_values_is_not_computed():
    p = _panel(CONSTANT)
    with pytest.raises(DegenerateDataError, match="the 2008 levels are the same in every region"):
        beta(p)
    with pytest.raises(DegenerateDataError, match="the 2008 levels are the same"):
        beta(p, controls="group")


def test_beta_with_equal_growth_is_not_computed_but_varied_growth_is():
    levels = np.linspace(100.0, 200.0, 8)[:, None]
    same = levels * np.exp(0.02 * np.arange(12))[None, :]  # the same growth everywhere
    with pytest.raises(DegenerateDataError, match="growth 2008-2019 is the same in every region"):
        beta(_panel(same))
    rng = np.random.default_rng(3)
    varied = same * np.exp(rng.normal(0, 0.05, same.shape))
    res = beta(_panel(varied))
    g = (np.log(varied[:, -1]) - np.log(varied[:, 0])) / 11
    x = np.log(varied[:, 0])
    assert res.beta == pytest.approx(np.polyfit(x, g, 1)[0], rel=1e-9)


def test_beta_level_collinear_with_the_country_is_not_computed():
    # one level per country: the initial level is the country dummy, the slope is not identified
    y = np.r_[np.full(4, 100.0), np.full(4, 150.0)][:, None] * np.exp(
        np.random.default_rng(1).normal(0, 0.05, (8, 12)).cumsum(axis=1))
    y[:, 0] = np.r_[np.full(4, 100.0), np.full(4, 150.0)]
    with pytest.raises(DegenerateDataError, match="does not vary beyond the controls"):
        beta(_panel(y), controls="group")
    beta(_panel(y))  # absolute beta is identified


def test_cluster_robust_beta_warns_under_20_clusters():
    rng = np.random.default_rng(2)
    y = 100 * np.exp(rng.normal(0, 0.3, (10, 1)) + rng.normal(0, 0.05, (10, 12)).cumsum(axis=1))
    with pytest.warns(FewClustersWarning, match="beta: 2 clusters"):
        beta(_panel(y), cluster="group")


@pytest.mark.parametrize("engine", ENGINES)
def test_scale_beta_on_constant_values_is_the_same_error(tmp_path, engine):
    _files(tmp_path, "const", 4, 4, lambda k, t: 100.0)
    with pytest.raises(DegenerateDataError) as at_scale:
        scale.beta(tmp_path / "const.parquet", engine=engine)
    with pytest.raises(DegenerateDataError) as in_memory:
        beta(_panel(CONSTANT))
    assert str(at_scale.value) == str(in_memory.value)
    with pytest.raises(DegenerateDataError, match="the 2008 levels are the same"):
        scale.beta(tmp_path / "const.parquet", controls="group", group="country", engine=engine)


def test_clubs_and_log_t_on_constant_values_are_not_computed():
    with pytest.raises(DegenerateDataError, match=r"clubs not computed: the values of 2008 are the "
                                                  r"same in every region \(in every period"):
        clubs(_panel(np.log(CONSTANT)))
    y = np.log(100 * np.exp(np.random.default_rng(4).normal(0, 0.2, (8, 12))))
    y[:, 0] = 4.0  # an index with a base year: H_2008 = 0
    with pytest.raises(DegenerateDataError, match="the values of 2008 are the same in every region: "):
        clubs(_panel(y))
    with pytest.raises(DegenerateDataError, match="log t test not computed: the values of 2008"):
        log_t(_panel(y))


def test_markov_on_constant_values_and_on_one_period_is_not_computed():
    with pytest.raises(DegenerateDataError, match=r"markov not computed: the values of 2008 are all "
                                                  r"equal \(100, constant data\)"):
        markov(_panel(CONSTANT))
    with pytest.raises(DegenerateDataError, match=r"the values of all periods are all equal"):
        markov(_panel(CONSTANT), classes="pooled")
    # two classes of varied data: one cut point is no sign of ties
    varied = np.random.default_rng(8).normal(size=(8, 12))
    assert markov(_panel(varied), k=2).counts.sum() == 8 * 11
    with pytest.raises(DegenerateDataError, match=r"one period \(2008\): a transition needs two"):
        markov(_panel(np.arange(8.0)[:, None] + 1))
    # fixed cut points on constant data are a chain (every region stays in its class)
    res = markov(_panel(CONSTANT), classes=[50.0, 150.0])
    assert res.counts[1, 1] == 8 * 11


@pytest.mark.parametrize("engine", ENGINES)
def test_scale_markov_constant_and_one_period(tmp_path, engine):
    _files(tmp_path, "const", 4, 4, lambda k, t: 100.0)
    with pytest.raises(DegenerateDataError, match=r"the values of 2008 are all equal \(100"):
        scale.markov(tmp_path / "const.parquet", engine=engine)
    _files(tmp_path, "one", 4, 4, lambda k, t: 100.0 + k, years=[2010])
    with pytest.raises(DegenerateDataError, match=r"one period \(2010\)"):
        scale.markov(tmp_path / "one.parquet", engine=engine)


@pytest.mark.parametrize("engine", [None, *ENGINES])
def test_decompose_of_equal_values_is_not_computed(tmp_path, engine):
    if engine is None:
        with pytest.raises(DegenerateDataError, match="no inequality to split"):
            decompose(_panel(CONSTANT))
        return
    _files(tmp_path, "const", 4, 4, lambda k, t: 100.0)
    with pytest.raises(DegenerateDataError, match="no inequality to split"):
        scale.decompose(tmp_path / "const.parquet", group="country", engine=engine)


@pytest.mark.parametrize("engine", [None, *ENGINES])
def test_gamma_with_a_tied_reference_period_is_not_computed(tmp_path, engine):
    words = "gamma not computed: the values of 2008 are the same in every region: their ranks"
    if engine is None:
        with pytest.raises(DegenerateDataError, match=words):
            gamma(_panel(CONSTANT))
        return
    _files(tmp_path, "const", 4, 4, lambda k, t: 100.0)
    with pytest.raises(DegenerateDataError, match=words):
        scale.gamma(tmp_path / "const.parquet", engine=engine)


def test_sigma_trend_of_a_constant_series_is_not_computed():
    with pytest.raises(DegenerateDataError, match=r"trend of sd_log not computed: sd_log is the same "
                                                  r"in every period \(0\)"):
        sigma_trend(_panel(CONSTANT), "sd_log")


def test_moran_on_two_regions_or_constant_values_is_not_computed():
    w = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(DegenerateDataError, match="at most 2 region.* Moran's I needs at least 3"):
        moran(_panel(np.array([[1.0, 2.0], [3.0, 5.0]])), w, permutations=9)
    ring = np.roll(np.eye(6), 1, axis=1) + np.roll(np.eye(6), -1, axis=1)
    with pytest.raises(DegenerateDataError, match="the values are the same in every region"):
        moran(_panel(np.full((6, 3), 7.0)), ring, permutations=9)


# ----------------------------------------------------------------------------- overflow, underflow
def _extreme(kind: str) -> np.ndarray:
    rng = np.random.default_rng(11)
    base = 100 * np.exp(rng.normal(0, 0.3, (8, 12)))
    if kind == "big":
        base[0] = 1e308  # one value near the largest float: its square overflows
        return base
    return base * 1e-312  # subnormal values near 1e-310: their squares underflow to 0


def _by_hand(y: np.ndarray) -> dict[str, np.ndarray]:
    """CV, Gini and Theil T per column of y, from y / max (scale invariant)."""
    s = y / y.max(axis=0)
    mu = s.mean(axis=0)
    cv = s.std(axis=0) / mu
    gini = np.abs(s[:, None, :] - s[None, :, :]).mean(axis=(0, 1)) / (2 * mu)
    r = s / mu
    theil = (r * np.log(r)).mean(axis=0)
    return {"cv": cv, "gini": gini, "theil": theil}


@pytest.mark.parametrize("kind", ["big", "tiny"])
def test_cv_gini_theil_of_extreme_values_are_computed_in_a_scaled_domain(kind):
    y = _extreme(kind)
    got = sigma(_panel(y), ["cv", "gini", "theil", "sd"])
    want = _by_hand(y)
    for name in ("cv", "gini", "theil"):
        assert np.isfinite(got[name]).all()
        np.testing.assert_allclose(got[name].to_numpy(), want[name], rtol=1e-9)
    sd = (y / y.max(axis=0)).std(axis=0) * y.max(axis=0)
    np.testing.assert_allclose(got["sd"].to_numpy(), sd, rtol=1e-9)
    d = decompose(_panel(y), "theil")
    np.testing.assert_allclose(d["total"].to_numpy(), want["theil"], rtol=1e-9)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["big", "tiny"])
def test_scale_sigma_of_extreme_values_matches_memory(tmp_path, kind, engine):
    y = _extreme(kind)
    _files(tmp_path, kind, 4, 4, lambda k, t: float(y[k, t]))
    got = scale.sigma(tmp_path / f"{kind}.parquet", ["cv", "gini", "theil", "sd"], engine=engine)
    want = _by_hand(y)
    for name in ("cv", "gini", "theil"):
        np.testing.assert_allclose(got[name].to_numpy(), want[name], rtol=1e-9)


def test_a_variance_beyond_the_float_range_is_refused_naming_the_period():
    y = np.array([[1.0, 1e200], [2.0, 3e200]])
    with pytest.raises(DegenerateDataError, match=r"var not computed: the variance of the values "
                                                  r"in 2009 exceeds the largest floating-point"):
        inequality(y, "var", times=[2008, 2009])


def test_a_sum_that_overflows_at_scale_is_refused_naming_the_year(tmp_path):
    _files(tmp_path, "huge", 2, 2, lambda k, t: 1.5e308)
    with pytest.raises(DegenerateDataError, match="the sum of the .* values in 2008 overflows"):
        scale.sigma(tmp_path / "huge.parquet", "cv", engine="pandas")


# ----------------------------------------------------------------------------- too few clusters
def _four_plus_one(seed: int) -> tuple[Panel, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    regions = ["A0", "A1", "A2", "A3", "B0"]
    y = 100 * np.exp(rng.normal(0, 0.1, (5, 1)) + rng.normal(0, 0.05, (5, 12)).cumsum(axis=1))
    p = Panel.from_matrix(y, regions=regions, times=YEARS, groups=["A"] * 4 + ["B"])
    pairs = pd.DataFrame([("A0", "B0", True), ("A1", "B0", True), ("A0", "A1", False),
                          ("A1", "A2", False), ("A2", "A3", False)], columns=["a", "b", "cross"])
    return p, pairs


@pytest.mark.parametrize("seed", range(4))
def test_pretrend_on_a_four_plus_one_border_is_not_computed_never_a_p_value(seed):
    p, pairs = _four_plus_one(seed)
    with pytest.warns(FewClustersWarning, match="5 clusters"):
        res = pair_did(p, pairs, 2015)
    leads = [c for c in res.event_fit.params.index if c.startswith("k[-") and c != "k[-1]"]
    ev = np.linalg.eigvalsh(res.event_fit.cov_params().loc[leads, leads].to_numpy())
    rank = int((ev > 1e-10 * ev.max()).sum())
    assert rank < len(leads)  # 5 pairs cannot identify 6 leads
    assert np.isnan(res.pretrend_F) and np.isnan(res.pretrend_pvalue)
    assert res.pretrend_note().startswith(f"not computed: the clustered covariance of the "
                                          f"{len(leads)} leads has rank {rank}")
    assert "no pre-trend test (not computed:" in res.summary()


# ----------------------------------------------------------------------------- command line
def test_cli_names_degenerate_data_with_exit_1(tmp_path, capsys):
    const = _files(tmp_path, "const", 4, 4, lambda k, t: 100.0)
    for command, words in (("beta", "beta not computed: the 2008 levels are the same"),
                           ("clubs", "clubs not computed: the values of 2008 are the same"),
                           ("markov", "markov not computed: the values of 2008 are all equal (100"),
                           ("decompose", "decomposition not computed: the values are the same"),
                           ("gamma", "gamma not computed: the values of 2008 are the same")):
        code, out, err = run([command, *const], capsys)
        assert code == 1, (command, err)
        assert f"crossborder: error: {words}" in err
        assert out == ""
    one = _files(tmp_path, "one", 4, 4, lambda k, t: 100.0 + 7 * k, years=[2010])
    code, out, err = run(["markov", *one], capsys)
    assert code == 1 and "markov not computed: one period (2010)" in err
    two = _files(tmp_path, "two", 1, 1, lambda k, t: 100.0 + 10 * k + t)
    code, out, err = run(["moran", *two, "--permutations", "9"], capsys)
    assert code == 1 and "Moran's I not computed: at most 2 region(s)" in err


def test_cli_scale_beta_on_constant_values(tmp_path, capsys):
    _files(tmp_path, "const", 4, 4, lambda k, t: 100.0)
    code, out, err = run(["beta", "--data", tmp_path / "const.parquet", "--engine", "pandas"], capsys)
    assert code == 1
    assert "crossborder: error: beta not computed: the 2008 levels are the same" in err


def test_cli_prints_extreme_values_as_numbers(tmp_path, capsys):
    y = _extreme("big")
    args = _files(tmp_path, "big", 4, 4, lambda k, t: float(y[k, t]))
    code, out, err = run(["sigma", *args, "--measure", "cv,gini,theil", "--csv"], capsys)
    assert code == 0
    got = pd.read_csv(pd.io.common.StringIO(out))
    np.testing.assert_allclose(got["gini"].to_numpy(), _by_hand(y)["gini"], rtol=1e-9)
    assert "RuntimeWarning" not in err


def test_cli_integration_on_a_four_plus_one_border(tmp_path, capsys):
    """4 + 1 regions: one pair shares a line (the other contacts are corners, no pairs): a clear
    stop; 4 + 2: four pairs, far too few clusters: the warning, and no pre-trend F printed."""
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.05, (6, 12))

    def value(k, t):
        return float(100 * np.exp(0.03 * t + 0.1 * k + noise[k, t]))

    code, out, err = run(["integration", *_files(tmp_path, "four1", 4, 1, value), "--break-year",
                          "2015"], capsys)
    assert code == 1 and "needs cross-border and domestic pairs; found 1 and 0" in err
    with pytest.warns(FewClustersWarning, match=r"DiD at 2015 \(clusters: pairs\): 4 clusters"):
        code, out, err = run(["integration", *_files(tmp_path, "four2", 4, 2, value),
                              "--break-year", "2015"], capsys)
    assert code == 0, err
    assert "no pre-trend test (not computed: the clustered covariance" in out
    assert "pre-trend F(" not in out
    # the command line prints crossborder's warnings on one line, without the code's source line
    msg = warnings.formatwarning("3 clusters", FewClustersWarning, "x.py", 1)
    assert msg == "crossborder: warning: 3 clusters\n"


# ----------------------------------------------------------------------------- report
@pytest.mark.parametrize("case", ["constant", "one border region of a side"])
def test_report_marks_degenerate_sections_and_goes_on(tmp_path, capsys, case):
    if case == "constant":
        args = _files(tmp_path, "c", 4, 4, lambda k, t: 100.0)
    else:
        noise = np.random.default_rng(1).normal(0, 0.05, (5, 12))
        args = _files(tmp_path, "c", 4, 1, lambda k, t: float(100 * np.exp(0.03 * t + 0.1 * k
                                                                           + noise[k, t])))
    code, out, err = run(["report", *args, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    if case == "constant":
        assert ("Not computed: beta: the 2008 levels are the same in every region (constant data)"
                in html)
        assert "Not computed: clubs: the values of 2008 are the same in every region" in html
        assert "sd_log is the same in every period" in html
    else:
        assert ("Conditional on country beta of the border regions</strong>: not computed — beta: "
                "too few regions: 3 with values in 2008 and 2019 for 3 terms" in html)
        assert (tmp_path / "out" / "tables" / "beta.csv").exists()


def test_report_with_no_section_computable_is_an_error(tmp_path, capsys, monkeypatch):
    import crossborder.report as report

    monkeypatch.setattr(report, "SECTIONS", ["beta", "clubs"])
    args = _files(tmp_path, "c", 4, 4, lambda k, t: 100.0)
    code, out, err = run(["report", *args, "--out", tmp_path / "out"], capsys)
    assert code == 1
    assert ("crossborder: error: report not computed: no section of the report can be computed: "
            "beta: the 2008 levels are the same in every region") in err
    assert not (tmp_path / "out" / "report.html").exists()


@pytest.mark.parametrize("engine", [None, "pandas"])
def test_one_period_for_a_measure_that_needs_two(tmp_path, engine):
    one = np.arange(1.0, 9.0)[:, None]
    if engine is None:
        with pytest.raises(DegenerateDataError, match=r"beta not computed: one period \(2008\)"):
            beta(_panel(one))
        with pytest.raises(ValueError, match="trend of sd_log not computed: a trend needs at least 3"):
            sigma_trend(_panel(one), "sd_log")
        return
    _files(tmp_path, "one", 4, 4, lambda k, t: 100.0 + 7 * k, years=[2010])
    with pytest.raises(DegenerateDataError, match=r"beta not computed: one period \(2010\)"):
        scale.beta(tmp_path / "one.parquet", engine=engine)


def test_variance_ratio_test_with_a_zero_variance_is_not_computed():
    y = np.c_[np.arange(1.0, 9.0), np.full(8, 3.0)]
    with pytest.raises(DegenerateDataError, match="the values of 2009 are the same in every region"):
        sigma_ftest(_panel(y), 2008, 2009, log=False)
