"""The integration test on data observed every few years (1993, 2000, 2007, 2013, 2017): the event
study's reference is the last observed period before the break (which may fall between
observations), the coefficients equal statsmodels on a design built here, too few periods give a
message naming what is needed, and alpha is checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from crossborder import Panel, integration, pair_did

YEARS = [1993, 2000, 2007, 2013, 2017]
PAIRS = pd.DataFrame(
    [(f"A{i}", f"B{i}", True) for i in range(5)]
    + [(f"{s}{i}", f"{s}{i + 1}", False) for s in "AB" for i in range(4)],
    columns=["a", "b", "cross"])


def _panel() -> Panel:
    rng = np.random.default_rng(21)
    regions = [f"A{i}" for i in range(5)] + [f"B{i}" for i in range(5)]
    logs = (np.r_[rng.uniform(0.8, 1.3, 5), rng.uniform(0.0, 0.5, 5)][:, None]
            + rng.normal(0, 0.05, len(YEARS)).cumsum()[None, :] + rng.normal(0, 0.05, (10, len(YEARS))))
    return Panel.from_matrix(np.exp(logs), regions=regions, times=YEARS, groups=["A"] * 5 + ["B"] * 5)


def _by_hand(panel: Panel, event_of_year: dict[int, int]):
    """Gaps, pair and year dummies, cross x event-period dummies (reference -1 left out)."""
    m = panel.to_matrix()
    rows = []
    for a, b, cross in PAIRS.itertuples(index=False):
        ya, yb = m.values[m.regions.get_loc(a)], m.values[m.regions.get_loc(b)]
        rows += [{"pair": f"{a}|{b}", "cross": cross, "time": t, "gap": abs(np.log(va / vb))}
                 for t, va, vb in zip(YEARS, ya, yb, strict=True)]
    d = pd.DataFrame(rows)
    X = pd.DataFrame({"const": 1.0}, index=d.index)
    for p in sorted(d["pair"].unique())[1:]:
        X[f"p_{p}"] = (d["pair"] == p).astype(float)
    for t in YEARS[1:]:
        X[f"y_{t}"] = (d["time"] == t).astype(float)
    k = d["time"].map(event_of_year)
    ev = pd.DataFrame({f"k{v}": (d["cross"] & (k == v)).astype(float) for v in sorted(set(k)) if v != -1})
    groups = pd.factorize(d["pair"])[0]
    return sm.OLS(d["gap"], pd.concat([ev, X], axis=1)).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def test_break_between_observations_uses_the_last_period_before_it():
    panel = _panel()
    res = pair_did(panel, PAIRS, 2010)
    assert (res.reference, res.n_before, res.n_after) == (2007, 3, 2)
    ev = res.event.set_index("rel_time")
    assert list(ev.index) == [-3, -2, -1, 0, 1]
    assert list(ev["time"]) == [1993, 2000, 2007, 2013, 2017]
    fit = _by_hand(panel, {1993: -3, 2000: -2, 2007: -1, 2013: 0, 2017: 1})
    for k in (-3, -2, 0, 1):
        assert ev.loc[k, "coef"] == pytest.approx(fit.params[f"k{k}"], rel=1e-8, abs=1e-12)
        assert ev.loc[k, "se"] == pytest.approx(fit.bse[f"k{k}"], rel=1e-7)
    assert ev.loc[-1, "coef"] == 0.0
    leads = ["k-3", "k-2"]
    b = fit.params[leads].to_numpy()
    F = b @ np.linalg.solve(fit.cov_params().loc[leads, leads].to_numpy(), b) / 2
    assert res.pretrend_F == pytest.approx(F, rel=1e-8)
    assert res.summary().startswith("DiD at 2010 (reference period 2007; 3 period(s) before, 2 from the "
                                    "break on)")


def test_default_break_2015_references_2013():
    res = pair_did(_panel(), PAIRS, 2015)
    assert (res.reference, res.n_before, res.n_after) == (2013, 4, 1)
    assert res.event.set_index("rel_time").loc[0, "time"] == 2017


def test_one_period_before_the_break_has_no_pretrend_test_and_says_why():
    res = pair_did(_panel(), PAIRS, 1995)
    assert (res.reference, res.n_before) == (1993, 1)
    assert np.isnan(res.pretrend_F)
    assert res.pretrend_note() == "it needs 2 periods before the break, the data have 1 (1993)"


@pytest.mark.parametrize("year", [1993, 2018])
def test_break_without_a_period_on_one_side_names_the_break_years_that_work(year):
    with pytest.raises(ValueError) as e:
        pair_did(_panel(), PAIRS, year)
    assert str(e.value) == (f"break year {year}: the DiD needs a period of data before it and one from it "
                            "on; the data have 1993, 2000, 2007, 2013, 2017 (break years 1994 to 2017 "
                            "work)")


@pytest.mark.parametrize("alpha", [0, 1, 2, float("nan")])
def test_alpha_is_checked(alpha):
    with pytest.raises(ValueError, match=r"^alpha must be between 0 and 1 \(exclusive\)"):
        pair_did(_panel(), PAIRS, 2010, alpha=alpha)


def test_integration_table_on_sparse_data_states_the_reference_and_what_is_not_tested():
    import geopandas as gpd
    from shapely.geometry import box

    geo = gpd.GeoDataFrame(
        [{"region": f"{s}{i}", "country": s, "geometry": box(c, i, c + 1, i + 1)}
         for s, c in (("A", 0), ("B", 1)) for i in range(5)], crs="EPSG:4326")
    res = integration(_panel(), [2015], geometry=geo, control="all")
    t = res.table.set_index("test")
    assert t.loc["did", "detail"].endswith("reference period 2013")
    assert t.loc["pretrend", "detail"].startswith("joint F(")
    assert t.loc["sigma_break", "detail"] == ("not tested: a break test at 2015 needs 2 periods on each "
                                              "side and 5 in all; the series has 4 before and 1 from it")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from _grid import write_grid

    return write_grid(tmp_path_factory.mktemp("sparse_int"), [2000, 2007, 2013, 2017])


def test_cli_integration_default_break_on_sparse_files(capsys, files):
    import json

    from crossborder.cli import main

    geo, data = files
    opts = ["integration", "--regions-file", str(geo), "--data", str(data), "--indicator", "gdp_pc"]
    assert main([*opts, "--events", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["rel_time"], r["time"]) for r in rows] == [(-3, 2000), (-2, 2007), (-1, 2013), (0, 2017)]
    assert main([*opts, "--break-year", "2010", "--json"]) == 0
    did = next(r for r in json.loads(capsys.readouterr().out) if r["test"] == "did")
    assert did["detail"].endswith("reference period 2007")
    assert main([*opts, "--break-year", "2018"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "crossborder: error: break year 2018: the DiD needs a period of data before it and one from it "
        "on; the data have 2000, 2007, 2013, 2017 (break years 2001 to 2017 work)")
    assert main([*opts, "--alpha", "nan"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "crossborder: error: --alpha nan: give a number between 0 and 1 (exclusive), e.g. 0.05 for 95% "
        "intervals")


def test_break_years_that_split_the_periods_alike_are_flagged():
    import geopandas as gpd
    from shapely.geometry import box

    geo = gpd.GeoDataFrame(
        [{"region": f"{s}{i}", "country": s, "geometry": box(c, i, c + 1, i + 1)}
         for s, c in (("A", 0), ("B", 1)) for i in range(5)], crs="EPSG:4326")
    res = integration(_panel(), [2008, 2010], geometry=geo, control="all")
    assert res.did[2008].coef == res.did[2010].coef
    did = res.table[res.table["test"] == "did"].set_index("break_year")["detail"]
    assert did[2008].endswith("reference period 2007")
    assert did[2010].endswith("reference period 2007; the periods split as at 2008: the same estimates")


def test_hac_break_test_with_two_periods_before_keeps_numpy_warnings_in():
    """Two periods before the break: the HAC variance of the pre-break slope is degenerate (a rounding-level
    number, negative or not by the last bit of the BLAS, so statsmodels may warn); the break terms are finite,
    equal statsmodels' and no warning reaches the caller."""
    import warnings

    import crossborder as cb
    from crossborder import break_test
    from crossborder.measures.dispersion import sigma

    sd = sigma(cb.study_panel(cb.load_dataset("ru-kz")), "sd_log")["sd_log"]
    t = np.asarray(sd.index, dtype=float)
    post = (t >= 2010).astype(float)
    X = np.column_stack([np.ones_like(t), t - 2010, post, (t - 2010) * post])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.OLS(sd.to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": 1}, use_t=True)
    assert int((t < 2010).sum()) == 2                      # the case this test is about
    # the pre-break slope is fitted exactly by two points: its HAC variance is zero up to rounding
    assert not np.isfinite(fit.bse[1]) or abs(fit.bse[1]) < 1e-8 * abs(fit.params[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bt = break_test(sd, 2010, cov_type="HAC")
    assert np.isfinite(bt.change_se) and np.isfinite(bt.change_pvalue)
    assert bt.change_se == pytest.approx(fit.bse[3], rel=1e-10)
    assert bt.change_pvalue == pytest.approx(fit.pvalues[3], rel=1e-8)
