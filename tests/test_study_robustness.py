"""The robustness grid and rolling windows: their rows against direct calls of the package's measures
(cb.beta, cb.sigma_trend, cb.decompose) and statsmodels fitted here; region variants, resource
regions and what is skipped, on the built-in data and on a made-up border."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.charts_study import rolling_chart, specification_curve
from crossborder.study.robustness import RegionVariant


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def grid(ds):
    p = cb.study_panel(ds)
    last = int(p.times[-1])
    return cb.robustness(ds, currencies=["USD"], starts=[int(p.times[0])], ends=[last - 1, last],
                         variants=[RegionVariant("as published")], resources=("in",),
                         estimates=("sigma", "beta", "between_share"))


def _row(table, **where):
    t = table
    for k, v in where.items():
        t = t[t[k] == v]
    assert len(t) == 1, where
    return t.iloc[0]


@pytest.mark.parametrize("se", ["classical", "HC1", "HC3"])
def test_beta_rows_equal_direct_calls(ds, grid, se):
    for end in sorted(set(grid.table["end"])):
        start = int(grid.table["start"].iloc[0])
        p = cb.study_panel(ds, years=(start, end))
        robust = None if se == "classical" else se
        for name, controls in (("beta_absolute", None), ("beta_conditional", "group")):
            direct = cb.beta(p, controls=controls, robust=robust)
            row = _row(grid.table, estimate=name, end=end, se_type=se)
            assert row["value"] == pytest.approx(direct.beta, rel=1e-12)
            assert row["se"] == pytest.approx(direct.se, rel=1e-10)
            assert row["pvalue"] == pytest.approx(direct.pvalue, rel=1e-8)
            assert row["half_life"] == pytest.approx(direct.half_life, rel=1e-12)
            assert row["nobs"] == direct.nobs
            ci = direct.to_frame().loc["initial"]
            assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci["ci_low"], ci["ci_high"]),
                                                                    rel=1e-10)
            assert row["supports_convergence"] == (direct.beta < 0 and direct.pvalue < 0.05)
            dropped = set(row["dropped"].split(", ")) - {""}
            assert set(p.meta["dropped_regions"]["region"]) <= dropped
            assert not dropped & set(p.regions)
            assert row["n_regions"] == len(p.regions)


@pytest.mark.parametrize("se", ["classical", "HC1", "HC3", "HAC"])
def test_sigma_rows_equal_direct_sigma_trend(ds, grid, se):
    start, end = int(grid.table["start"].iloc[0]), int(grid.table["end"].max())
    robust = None if se == "classical" else se
    for name, regions in (("sigma_trend", "border"), ("sigma_trend_RU", "border:RU"),
                          ("sigma_trend_KZ", "border:KZ")):
        direct = cb.sigma_trend(cb.study_panel(ds, regions=regions, years=(start, end)), robust=robust)
        row = _row(grid.table, estimate=name, end=end, se_type=se)
        assert row["value"] == pytest.approx(direct.slope, rel=1e-12)
        assert row["se"] == pytest.approx(direct.se, rel=1e-10)
        assert row["pvalue"] == pytest.approx(direct.pvalue, rel=1e-8)


def test_between_share_trend_against_statsmodels(ds, grid):
    start, end = int(grid.table["start"].iloc[0]), int(grid.table["end"].max())
    share = cb.decompose(cb.study_panel(ds, years=(start, end)))["between_share"]
    X = sm.add_constant(np.asarray(share.index, dtype=float))
    fit = sm.OLS(share.to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": 1}, use_t=True)
    row = _row(grid.table, estimate="between_share_trend", end=end, se_type="HAC")
    assert row["value"] == pytest.approx(fit.params[1], rel=1e-10)
    assert row["se"] == pytest.approx(fit.bse[1], rel=1e-10)


def test_no_hac_for_a_cross_section(grid):
    beta_rows = grid.table[grid.table["estimate"].str.startswith("beta")]
    assert set(beta_rows["se_type"]) == {"classical", "HC1", "HC3"}


def test_result_helpers(grid):
    """Shares from an independent count: negative estimate with p < 0.05, by hand."""
    t = grid.table.dropna(subset=["value"])
    b = t[t["estimate"] == "beta_conditional"]
    count = lambda rows: sum(v < 0 and p < 0.05 for v, p in zip(rows["value"], rows["pvalue"],  # noqa: E731
                                                                 strict=True))
    assert grid.share_supporting("beta_conditional") == pytest.approx(count(b) / len(b))
    hc1 = b[b["se_type"] == "HC1"]
    assert grid.share_supporting("beta_conditional", se_type="HC1") == pytest.approx(
        count(hc1) / len(hc1))
    assert grid.share_negative("beta_conditional") == pytest.approx(
        sum(v < 0 for v in b["value"]) / len(b))
    o = grid.overview().set_index("estimate")
    # each distinct specification once, read with the baseline's errors (HC3 for beta)
    hc3 = b[(b["se_type"] == "HC3") & b["duplicate_of"].isna()]
    assert 0 < len(hc3) < len(b)
    assert o.loc["beta_conditional", "rows"] == len(b)
    assert o.loc["beta_conditional", "specifications"] == len(hc3)
    assert o.loc["beta_conditional", "cov_type"] == "HC3"
    assert o.loc["beta_conditional", "share_supporting"] == pytest.approx(count(hc3) / len(hc3))
    assert o.loc["beta_conditional", "median"] == pytest.approx(hc3["value"].median())
    assert f"beta_conditional: {100 * count(hc3) / len(hc3):.0f}% of {len(hc3)} (HC3)" in grid.summary()
    by_end = grid.by("end", "beta_conditional")
    assert list(by_end["specifications"]) == [len(b) // 2] * 2
    with pytest.raises(ValueError, match="no estimate"):
        grid.share_supporting("nothing")


# ----------------------------------------------------------------------------- a made-up border
def _factory_panel(currency):
    """Regions w1-w4 (West), e1-e4 (East) and e4s, a part of e4 with its own series from 2003."""
    rng = np.random.default_rng(11)
    years = list(range(2000, 2011))
    regions = ["w1", "w2", "w3", "w4", "e1", "e2", "e3", "e4", "e4s"]
    groups = ["West"] * 4 + ["East"] * 5
    v = np.exp(rng.normal(0, 0.4, (9, 1)) + rng.normal(0.02, 0.03, (9, len(years))).cumsum(axis=1))
    v[8, :3] = np.nan
    if currency == "double":
        v = v * 2.0
    return cb.Panel.from_matrix(v, regions=regions, times=years, groups=groups)


def test_variants_and_resource_regions_on_a_made_up_border():
    variants = [RegionVariant("as given"), RegionVariant("part for e4", substitute={"e4": "e4s"}),
                RegionVariant("no e4", exclude=("e4",))]
    res = cb.robustness(_factory_panel, currencies=["plain", "double"], starts=[2000], ends=[2009, 2010],
                        variants=variants, resource_regions=["e4", "w1"], estimates=("beta", "pair_gaps"),
                        se_types=("HC1",), border=["w1", "w2", "w3", "w4", "e1", "e2", "e3", "e4"])
    t = res.table
    # the substituted series starts in 2003: the span starts there
    sub = t[t["regions"] == "part for e4"]
    assert set(sub["start"]) == {2003}
    base = _factory_panel("plain")
    m = base.to_matrix()
    v = m.values.copy()
    v[7] = v[8]
    manual = cb.Panel.from_matrix(v[:8], regions=list(m.regions[:8]), times=list(m.times),
                                  groups=list(base.group_labels()[:8]))
    direct = cb.beta(manual, 2003, 2010, robust="HC1")
    row = _row(t, regions="part for e4", resources="in", end=2010, currency="plain",
               estimate="beta_absolute")
    assert row["value"] == pytest.approx(direct.beta, rel=1e-12)
    assert row["n_regions"] == 8
    # resources out leaves e4 and w1 out
    out = _row(t, regions="as given", resources="out", end=2010, currency="plain",
               estimate="beta_conditional")
    keep = ["w2", "w3", "w4", "e1", "e2", "e3"]
    d = cb.beta(base.select(regions=keep), 2000, 2010, controls="group", robust="HC1")
    assert out["value"] == pytest.approx(d.beta, rel=1e-12)
    # a currency that scales every value equally changes no beta
    plain = t[t["currency"] == "plain"].set_index(["regions", "resources", "end", "estimate"])["value"]
    double = t[t["currency"] == "double"].set_index(["regions", "resources", "end", "estimate"])["value"]
    assert np.allclose(plain.sort_index(), double.sort_index(), rtol=1e-10)
    # with its part standing in, e4 is no resource region: only w1 is left out
    part_out = _row(t, regions="part for e4", resources="out", end=2010, currency="plain",
                    estimate="beta_absolute")
    assert part_out["n_regions"] == 7
    v7 = v[1:8]
    manual = cb.Panel.from_matrix(v7, regions=list(m.regions[1:8]), times=list(m.times),
                                  groups=list(base.group_labels()[1:8]))
    assert part_out["value"] == pytest.approx(cb.beta(manual, 2003, 2010).beta, rel=1e-12)
    # excluding e4 and leaving the resource regions out repeat another specification's data
    reasons = res.skipped["reason"].astype(str)
    assert reasons.str.startswith("same data as").sum() >= 4
    assert "pair_gaps" in set(res.skipped["what"].astype(str).str.split("/").str[-1])  # no polygons


def test_out_without_resource_list_is_an_error():
    with pytest.raises(ValueError, match="resource_regions"):
        cb.robustness(_factory_panel, resources=("out",), estimates=("beta",))


def test_year_outside_the_span_is_an_error():
    with pytest.raises(ValueError) as e:
        cb.robustness(_factory_panel, ends=[2030], estimates=("beta",))
    assert str(e.value) == ("no data in 2030 (start and end years must be periods of the data; the "
                            "span has 2000-2010)")


def test_specification_curve_draws_every_specification(grid):
    fig = specification_curve(grid, "beta_conditional")
    ax = fig.axes[0]
    pts = [c for c in ax.collections if c.get_gid() == "estimate"][0]
    n = int((grid.table["estimate"] == "beta_conditional").sum())
    assert len(pts.get_offsets()) == n
    ys = np.asarray(pts.get_offsets())[:, 1]
    assert np.all(np.diff(ys) >= 0)                      # sorted
    labels = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert any(lab.startswith("se_type: ") for lab in labels)
    assert any(lab.startswith("end: ") for lab in labels)


# ----------------------------------------------------------------------------- rolling
def test_rolling_rows_equal_direct_calls(ds):
    p = cb.study_panel(ds)
    res = cb.rolling(p, 6)
    times = list(p.times)
    assert len(res.table) == 3 * (len(times) - 5)
    for i in (0, len(times) - 6):
        start, end = times[i], times[i + 5]
        b = cb.beta(p, start, end, cov_type="HC3")         # the declared baseline's errors
        row = _row(res.table, estimate="beta_absolute", end=end)
        assert (row["value"], row["se"], row["pvalue"]) == pytest.approx((b.beta, b.se, b.pvalue),
                                                                         rel=1e-10)
        bc = cb.beta(p, start, end, controls="group", cov_type="HC3")
        assert _row(res.table, estimate="beta_conditional", end=end)["value"] == pytest.approx(
            bc.beta, rel=1e-12)
        s = cb.sigma_trend(p.select(times=times[i: i + 6]))
        row = _row(res.table, estimate="sigma_trend", end=end)
        assert (row["value"], row["se"], row["pvalue"]) == pytest.approx((s.slope, s.se, s.pvalue),
                                                                         rel=1e-10)
        ci = s.fit.conf_int()[1]
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(ci), rel=1e-10)
    hac = cb.rolling(p, 6, trend_se="HAC")
    s = cb.sigma_trend(p.select(times=times[:6]), robust="HAC")
    assert _row(hac.table, estimate="sigma_trend", end=times[5])["se"] == pytest.approx(s.se, rel=1e-10)
    fig = rolling_chart(res)
    assert len(fig.axes) == 3


def test_rolling_window_longer_than_the_panel_is_an_error(ds):
    p = cb.study_panel(ds)
    with pytest.raises(ValueError, match="fewer than the window"):
        cb.rolling(p, len(p.times) + 1)


def test_border_part_variants_from_the_regions_table(ds):
    from crossborder.study.robustness import border_part_variants

    parts = ds.regions[ds.regions["border_part"].astype(bool) & ds.regions["part_of"].notna()]
    variants = border_part_variants(ds)
    assert variants[0].substitute == {} and variants[0].exclude == ()
    assert variants[1].substitute == dict(zip(parts["part_of"], parts["region"], strict=True))
    assert variants[2].exclude == tuple(parts["part_of"])


def test_border_effect_and_pair_gap_rows_against_direct_calls(ds):
    p = cb.study_panel(ds)
    start, end = int(p.times[0]), int(p.times[-1])
    res = cb.robustness(ds, currencies=["USD"], starts=[start], ends=[end],
                        variants=[RegionVariant("as published")], resources=("in",),
                        se_types=("classical",), estimates=("border_effect", "pair_gaps"))
    r = ds.regions
    units = r[r["analysis_unit"].astype(bool) & r.geometry.notna()][["region", "country", "geometry"]]
    every = cb.study_panel(ds, regions="all", years=(start, end))
    ratio = cb.border_effect(units[units["region"].isin(set(every.regions))], every).frame["ratio"]
    fit = sm.OLS(ratio.to_numpy(), sm.add_constant(ratio.index.to_numpy(dtype=float))).fit()
    row = _row(res.table, estimate="border_effect_trend")
    assert row["value"] == pytest.approx(fit.params[1], rel=1e-10)
    assert row["pvalue"] == pytest.approx(fit.pvalues[1], rel=1e-8)

    border = cb.study_panel(ds, years=(start, end))
    pairs = cb.cross_border_pairs(units, "country", "RU", "KZ")
    # pairs only (one definition): Samara and West Kazakhstan touch at a point and are no pair
    assert set(pairs.loc[pairs["contact"] == "point", "a_region"]) == {"RU-SAM"}
    pairs = pairs[(pairs["contact"] == "edge") & pairs["a_region"].isin(border.regions)
                  & pairs["b_region"].isin(border.regions)]
    gaps = cb.pair_gaps(border, pairs)
    mean_abs = gaps.gaps.assign(g=gaps.gaps["log_gap"].abs()).groupby("year")["g"].mean()
    fit = sm.OLS(mean_abs.to_numpy(), sm.add_constant(mean_abs.index.to_numpy(dtype=float))).fit()
    row = _row(res.table, estimate="pair_gap_trend")
    assert row["value"] == pytest.approx(fit.params[1], rel=1e-10)
    tr = gaps.trends
    t = tr["abs_slope"] / tr["abs_se"]
    from scipy import stats

    sig = 2 * stats.t.sf(np.abs(t), tr["n"] - 2) < 0.05
    assert row["detail"].startswith(f"{len(tr)} pairs: {int((sig & (t < 0)).sum())} narrow, "
                                    f"{int((sig & (t > 0)).sum())} widen")


def test_wide_and_baseline(grid):
    w = grid.wide(se_type="HC3")
    t = grid.table[grid.table["se_type"] == "HC3"]
    for r in w.itertuples():
        row = _row(t, end=r.end, estimate="beta_conditional")
        assert r.beta_conditional_value == row["value"]
        assert r.beta_conditional_pvalue == row["pvalue"]
    base = grid.baseline("HC1")
    assert set(base["end"]) == {grid.table["end"].max()}
    assert set(base["estimate"]) == set(grid.table["estimate"])
    with pytest.raises(ValueError, match="se_type"):
        grid.baseline("HC0")


def test_specification_curve_of_one_standard_error(grid):
    fig = specification_curve(grid, "sigma_trend", se_type="HAC")
    pts = [c for c in fig.axes[0].collections if c.get_gid() == "estimate"][0]
    t = grid.table
    assert len(pts.get_offsets()) == int(((t["estimate"] == "sigma_trend") & (t["se_type"] == "HAC")).sum())
    labels = [x.get_text() for x in fig.axes[1].get_yticklabels()]
    assert not any(lab.startswith("se_type") for lab in labels)


def test_polygons_of_three_groups_skip_the_border_estimates_with_the_reason():
    """The border effect and pair gaps need one border of two sides: polygons of three groups are
    named in the skip reason (not 'no polygons'), and the other estimates still run."""
    import geopandas as gpd
    from shapely.geometry import box

    codes = ["w1", "w2", "w3", "w4", "e1", "e2", "e3", "e4"]
    groups = ["West"] * 4 + ["East"] * 3 + ["North"]
    geo = gpd.GeoDataFrame({"region": codes, "country": groups},
                           geometry=[box(i, 0, i + 1, 1) for i in range(8)], crs="EPSG:3857")
    grid = cb.robustness(_factory_panel, currencies=[None], border=codes[:7], geometry=geo,
                         estimates=("sigma", "border_effect"), cov_types=("nonrobust",), n_boot=0,
                         n_draws=0)
    assert set(grid.table["estimate"]) >= {"sigma_trend"}
    assert "border_effect_trend" not in set(grid.table["estimate"])
    why = set(grid.skipped.loc[grid.skipped["what"] == "border_effect/pair_gaps", "reason"])
    assert why == {"the polygons' 'country' holds 3 group(s) (East, North, West); the border effect "
                   "and pair gaps need two sides"}
