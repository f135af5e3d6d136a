"""The notebook user's API (issue 22): balanced() reports, cov_type spellings, display, exports, ax=,
pandas interop."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import crossborder as cb
from crossborder.panel import BalancedPanelWarning


def _two_sided(missing_kz: bool = True) -> cb.Panel:
    vals = np.arange(1.0, 25.0).reshape(6, 4) + 10
    if missing_kz:
        vals[3:, 0] = np.nan  # every KZ region lacks the first year
    else:
        vals[0, 0] = np.nan  # one RU region lacks it
    return cb.Panel.from_matrix(vals, regions=["R1", "R2", "R3", "K1", "K2", "K3"],
                                times=[2000, 2001, 2002, 2003], groups=["RU"] * 3 + ["KZ"] * 3)


def test_balanced_records_and_warns_when_a_group_disappears() -> None:
    with pytest.warns(BalancedPanelWarning, match="KZ"):
        b = _two_sided().balanced()
    assert list(b.regions) == ["R1", "R2", "R3"]
    assert b.meta["balanced"] == {"dropped_regions": {"K1": 3, "K2": 3, "K3": 3},
                                  "dropped_groups": ["KZ"]}


def test_balanced_without_losing_a_group_is_silent_but_recorded() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = _two_sided(missing_kz=False).balanced()
    assert sorted(b.regions) == ["K1", "K2", "K3", "R2", "R3"]
    assert b.meta["balanced"] == {"dropped_regions": {"R1": 3}, "dropped_groups": []}


# ----------------------------------------------------------------------------- cov_type
def _beta_panel(n: int = 19, groups: int = 2) -> tuple[cb.Panel, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(22)
    y0 = np.exp(rng.normal(8, 0.6, n))
    y1 = y0 * np.exp(0.3 - 0.04 * np.log(y0) + rng.normal(0, 0.05 * (1 + np.arange(n) / n), n))
    g = np.array([f"G{i % groups}" for i in range(n)])
    p = cb.Panel.from_matrix(np.column_stack([y0, y1]), regions=[f"R{i:02d}" for i in range(n)],
                             times=[2008, 2020], groups=g)
    growth = (np.log(y1) - np.log(y0)) / 12
    return p, growth, np.column_stack([np.ones(n), np.log(y0)])


@pytest.mark.parametrize("spelling", ["nonrobust", "NonRobust", "HC0", "hc0", "HC1", "hc1", "Hc2", "HC3"])
def test_cov_type_spellings_equal_statsmodels(spelling: str) -> None:
    import statsmodels.api as sm
    from scipy import stats

    p, growth, X = _beta_panel()
    canonical = {"nonrobust": "nonrobust", "hc0": "HC0", "hc1": "HC1", "hc2": "HC2",
                 "hc3": "HC3"}[spelling.lower()]
    fit = sm.OLS(growth, X).fit(cov_type=canonical, use_t=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = cb.beta(p, cov_type=spelling)
    assert r.cov_type == canonical
    assert (r.beta, r.se, r.pvalue) == pytest.approx((fit.params[1], fit.bse[1], fit.pvalues[1]),
                                                     rel=1e-9)
    # small-sample inference: the p-value is Student's t with n - k = 17 degrees of freedom
    assert r.df_resid == 17
    assert r.pvalue == pytest.approx(2 * stats.t.sf(abs(r.tstat), 17), rel=1e-9)
    ci = r.to_frame().loc["initial", ["ci_low", "ci_high"]].to_numpy(float)
    np.testing.assert_allclose(ci, fit.conf_int()[1], rtol=1e-9)


def test_old_names_warn_and_give_the_same_numbers() -> None:
    p, _, _ = _beta_panel()
    new = cb.beta(p, cov_type="HC1")
    with pytest.warns(DeprecationWarning, match="cov_type"):
        old = cb.beta(p, robust="HC1")
    assert (old.se, old.pvalue) == (new.se, new.pvalue)
    with pytest.warns(DeprecationWarning, match="nonrobust"):
        classical = cb.beta(p, cov_type="classical")
    assert classical.se == cb.beta(p).se
    with pytest.raises(ValueError, match="HC1"):
        cb.beta(p, cov_type="HC9")
    with pytest.raises(TypeError, match="cov_type"):
        cb.beta(p, cov_type="HC1", robust="HC1")
    s = pd.Series(np.r_[5.0, 4.8, 4.9, 4.4, 4.1, 4.0, 3.7, 3.9], index=range(2000, 2008))
    with pytest.warns(DeprecationWarning, match="se_type"):
        old_b = cb.break_test(s, 2004, se_type="HC1")
    new_b = cb.break_test(s, 2004, cov_type="hc1")
    assert (old_b.change_se, old_b.change_pvalue) == (new_b.change_se, new_b.change_pvalue)


def test_hac_trend_equals_statsmodels() -> None:
    import statsmodels.api as sm

    p, _, _ = _beta_panel()
    rng = np.random.default_rng(3)
    vals = np.exp(rng.normal(0, 1, (8, 12)) * np.linspace(1, 0.6, 12))
    q = cb.Panel.from_matrix(vals, times=list(range(2000, 2012)))
    sd = np.log(vals).std(axis=0)
    ref = sm.OLS(sd, sm.add_constant(np.arange(2000, 2012.0))).fit(
        cov_type="HAC", cov_kwds={"maxlags": 1}, use_t=True)
    r = cb.sigma_trend(q, cov_type="hac")
    assert (r.slope, r.se, r.pvalue) == pytest.approx((ref.params[1], ref.bse[1], ref.pvalues[1]),
                                                      rel=1e-9)


def test_two_clusters_warn_and_use_t_with_g_minus_1() -> None:
    import statsmodels.api as sm

    from crossborder.measures._covtype import FewClustersWarning

    p, growth, X = _beta_panel(groups=2)
    codes = pd.factorize(p.group_labels())[0]
    ref = sm.OLS(growth, X).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    with pytest.warns(FewClustersWarning, match="2 clusters"):
        r = cb.beta(p, 2008, 2020, cluster="group")
    assert r.cov_type == "cluster" and r.n_clusters == 2 and r.df_resid == 1
    assert (r.se, r.pvalue) == pytest.approx((ref.bse[1], ref.pvalues[1]), rel=1e-9)
    # t(1): the tiny clustered se no longer reads as p = 1e-19
    assert r.pvalue > 0.01
    with warnings.catch_warnings():  # 20 clusters: no warning
        warnings.simplefilter("error")
        q, _, _ = _beta_panel(n=40, groups=20)
        cb.beta(q, cov_type="cluster", cluster="group")


# ----------------------------------------------------------------------------- display
def _grid_world() -> tuple[object, cb.Panel]:
    """A 6 x 4 grid of 10 km squares, country A west of x = 30 km, B east; 12 years of values."""
    import geopandas as gpd
    import shapely

    x, y = np.meshgrid(np.arange(6), np.arange(4), indexing="ij")
    x, y = x.ravel(), y.ravel()
    country = np.where(x < 3, "A", "B")
    ids = [f"{c}{i}_{j}" for c, i, j in zip(country, x, y, strict=True)]
    grid = gpd.GeoDataFrame({"region": ids, "country": country},
                            geometry=shapely.box(x * 1e4, y * 1e4, (x + 1) * 1e4, (y + 1) * 1e4),
                            crs="EPSG:3035")
    rng = np.random.default_rng(7)
    t = np.arange(12)
    base = np.where(x < 3, 10.0, 20.0) + x + y
    vals = base[:, None] * np.exp(0.02 * t[None, :] * (1 + (x < 3))[:, None]
                                  + rng.normal(0, 0.03, (len(ids), 12)))
    p = cb.Panel.from_matrix(vals, regions=ids, times=list(range(2008, 2020)), groups=country)
    return grid, p


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    grid, p = _grid_world()
    bp, _, _ = _beta_panel()
    pairs = cb.neighbour_pairs(grid)
    w = cb.weights_from_regions(grid, id_column="region")
    s = cb.sigma(p)["sd_log"]
    return {
        "beta": cb.beta(bp, cov_type="HC1"),
        "trend": cb.sigma_trend(p),
        "ftest": cb.sigma_ftest(p, 2008, 2019),
        "markov": cb.markov(p, k=3),
        "clubs": cb.clubs(p),
        "log_t": cb.log_t(p),
        "delta": cb.delta(p),
        "break": cb.break_test(s, 2014),
        "did": cb.pair_did(p, pairs, 2014),
        "moran": cb.moran(p.select(times=[2019]), w, permutations=99),
        "border_line": cb.border_line(grid, "country", "A", "B"),
        "rolling": cb.rolling(p, window=6),
    }


def test_every_result_has_a_short_repr_and_html(results: dict[str, object]) -> None:
    for name, r in results.items():
        text = repr(r)
        assert len(text) < 300, (name, len(text))
        assert text.startswith(f"<{type(r).__name__}"), name
        page = r._repr_html_()
        assert page.startswith("<div") and len(page) < 20_000, (name, len(page))
        assert type(r).__name__ in page or "<pre>" in page


def test_summary_object_keeps_the_text(results: dict[str, object]) -> None:
    for name, r in results.items():
        s = r.summary()
        assert isinstance(s, cb.Summary), name
        assert str(s) == type(r).summary.__wrapped__(r)  # today's text, unchanged
        assert repr(s) == str(s)  # shown as text, not a quoted string
        assert s.as_text() == str(s)
        assert "<pre>" in s.as_html() and s._repr_html_() == s.as_html()
        assert "\\begin{verbatim}" in s.as_latex()


def test_panel_and_dataset_display() -> None:
    _, p = _grid_world()
    assert len(repr(p)) < 300
    page = p._repr_html_()
    assert "<table" in page and "A0_0" in page and len(page) < 20_000


def test_regression_results_expose_params_bse_pvalues(results: dict[str, object]) -> None:
    import statsmodels.api as sm

    bp, growth, X = _beta_panel()
    fit = sm.OLS(growth, X).fit(cov_type="HC1", use_t=True)
    b = results["beta"]
    np.testing.assert_allclose(b.params.to_numpy(), fit.params, rtol=1e-9)
    np.testing.assert_allclose(b.bse.to_numpy(), fit.bse, rtol=1e-9)
    np.testing.assert_allclose(b.pvalues.to_numpy(), fit.pvalues, rtol=1e-9)
    np.testing.assert_allclose(b.conf_int(0.1).to_numpy(), fit.conf_int(0.1), rtol=1e-9)
    did = results["did"]
    assert did.params["cross_x_post"] == pytest.approx(did.coef, rel=1e-12)
    assert did.bse["cross_x_post"] == pytest.approx(did.se, rel=1e-12)
    assert tuple(did.conf_int().loc["cross_x_post"]) == pytest.approx((did.ci_low, did.ci_high))
    br = results["break"]
    assert br.params["change"] == pytest.approx(br.change) and br.bse["change"] == pytest.approx(br.change_se)
    assert "_table" not in br.to_dict()
    table = cb.compare(b, did, br, names=["beta", "did", "break"])
    assert list(table.columns) == ["beta", "did", "break"]
    assert table.loc["coef", "beta"] == b.beta and table.loc["se", "did"] == did.se
    assert table.index[1] == "coef" and table.loc["estimate", "beta"] == b.beta   # old name, last
    assert table.index[-1] == "estimate"
    assert table.loc["term", "break"] == "change"
    with pytest.raises(TypeError, match="regression"):
        cb.compare(results["markov"])


def test_dir_is_the_api() -> None:
    names = dir(cb)
    for helper in ("Any", "TYPE_CHECKING", "annotations", "importlib"):
        assert helper not in names
    for cls in ("MoranResult", "DeltaResult", "TrendResult", "BorderLine", "BorderZone", "PairGaps",
                "Agglomerations", "BorderEffect", "Deviations", "SpatialMarkovResult", "Verdict"):
        assert cls in cb.__all__ and isinstance(getattr(cb, cls), type)
    assert set(cb.__all__) <= set(names)


# ----------------------------------------------------------------------------- pandas interop
def _long() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = [(r, y, float(np.exp(rng.normal(2, 0.3))), 100.0 + i, "A" if i < 2 else "B")
            for i, r in enumerate(["r1", "r2", "r3", "r4"]) for y in range(2000, 2005)]
    return pd.DataFrame(rows, columns=["code", "year", "gdp", "pop", "country"])


def test_multiindex_frame_equals_long_input() -> None:
    df = _long()
    long = cb.Panel.from_long(df, region="code", time="year", value="gdp", weight="pop", group="country")
    multi = cb.Panel.from_frame(df.set_index(["code", "year"]), "gdp", weight="pop", group="country")
    pd.testing.assert_frame_equal(multi.frame, long.frame)
    assert multi.indicator == long.indicator == "gdp"
    series = cb.Panel.from_frame(df.set_index(["code", "year"])["gdp"])
    np.testing.assert_array_equal(series.to_matrix().values, long.to_matrix().values)
    with pytest.raises(cb.DataError, match="value="):
        cb.Panel.from_frame(df.set_index(["code", "year"]))  # three columns: which is the value?
    with pytest.raises(cb.DataError, match="index level"):
        cb.Panel.from_long(df.set_index(["code", "year"]), region="code", time="year", value="gdp")


def test_to_long_to_wide_round_trip() -> None:
    df = _long()
    p = cb.Panel.from_long(df, region="code", time="year", value="gdp", weight="pop", group="country")
    wide = p.to_wide()
    assert (wide.index.name, wide.columns.name) == ("region", "year")
    np.testing.assert_array_equal(wide.to_numpy(),
                                  df.pivot(index="code", columns="year", values="gdp").to_numpy())
    long = p.to_long()
    assert list(long.columns) == ["region", "year", "value", "weight", "group"]
    back = cb.Panel.from_long(long, weight="weight", group="group")
    np.testing.assert_array_equal(back.to_matrix().values, p.to_matrix().values)
    assert back.time_name == "year" and p.to_frame().index.names == ["region", "year"]
    again = cb.Panel.from_frame(p.to_frame(), "value", weight="weight", group="group")
    np.testing.assert_array_equal(again.to_matrix().values, p.to_matrix().values)


def test_a_dataframe_is_not_a_panel_and_string_years_get_a_hint() -> None:
    df = _long()
    with pytest.raises(TypeError, match="Panel.from_long"):
        cb.beta(df)
    text = df.assign(year=df["year"].astype(str))
    p = cb.Panel.from_long(text, region="code", time="year", value="gdp")
    with pytest.raises(ValueError, match="'2000'"):
        cb.beta(p, 2000, 2004)


def test_to_geodataframe_from_the_dataset_polygons() -> None:
    grid, p = _grid_world()
    g = p.to_geodataframe(2015, regions=grid)
    assert len(g) == len(grid) and g.attrs["unmatched"] == []
    want = p.to_wide()[2015]
    np.testing.assert_allclose(g.set_index("region")["value"].reindex(want.index), want.to_numpy())
    with pytest.raises(cb.DataError, match="regions="):
        p.to_geodataframe(2015)


# ----------------------------------------------------------------------------- ax=
def _user_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    return fig, fig.subplots(1, 2)


def test_charts_draw_on_the_users_axes(results: dict[str, object]) -> None:
    from crossborder.charts import distribution_chart, sigma_chart
    from crossborder.charts_study import event_study_chart

    _, p = _grid_world()
    fig, (left, right) = _user_axes()
    s = cb.sigma(p)
    out = sigma_chart(s, ax=right)
    assert out is right and len(fig.axes) == 2  # no new axes, nothing on the other one
    (line,) = [ln for ln in right.lines if ln.get_gid() == "series"]
    np.testing.assert_allclose(line.get_ydata(), s["sd_log"].to_numpy())
    assert not left.lines
    assert distribution_chart(p, ax=left) is left and left.lines
    fig2, (a, _) = _user_axes()
    assert event_study_chart(results["did"], ax=a) is a and a.collections


def test_results_plot_on_the_users_axes(results: dict[str, object]) -> None:
    import statsmodels.api as sm

    fig, (a, b) = _user_axes()
    beta = results["beta"]
    assert beta.plot(ax=a) is a
    pts = [c for c in a.collections if c.get_gid() == "points"][0].get_offsets()
    _, growth, X = _beta_panel()
    np.testing.assert_allclose(np.asarray(pts)[:, 0], X[:, 1])
    np.testing.assert_allclose(np.asarray(pts)[:, 1], growth)
    fit = [ln for ln in a.lines if ln.get_gid() == "fit"][0]
    slope = np.polyfit(fit.get_xdata(), fit.get_ydata(), 1)[0]
    assert slope == pytest.approx(sm.OLS(growth, X).fit().params[1], rel=1e-9)
    mk = results["markov"]
    assert mk.plot(ax=b) is b
    np.testing.assert_allclose(b.images[0].get_array(), mk.probabilities)
    fig2, (c, _) = _user_axes()
    cl = results["clubs"]
    assert cl.plot(ax=c) is c and len([ln for ln in c.lines if ln.get_gid() == "series"]) == cl.n_clubs
    assert len(fig.axes) == 2 and len(fig2.axes) == 2


def test_maps_draw_on_the_users_axes() -> None:
    from crossborder.maps import choropleth

    grid, p = _grid_world()
    fig, (a, _) = _user_axes()
    m = choropleth(grid, p, 2019, ax=a, k=3)
    assert m.ax is a and m.figure is fig and len(fig.axes) == 2
    assert any(c.get_gid() == "classes" for c in a.collections)
    assert len(repr(m)) < 300 and m._repr_html_().startswith("<div><img")
