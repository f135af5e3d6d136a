"""The integration test: DiD and event study of neighbour-pair gaps against statsmodels fitted here on a
design matrix built by hand; the pre-trend F test against a Wald test computed here; the break test
against hand-made OLS and the Chow formula; the whole test on a made-up border of square regions."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from shapely.geometry import box

from crossborder import Panel, break_test, integration, neighbour_pairs, pair_did
from crossborder.errors import FewClustersWarning

YEARS = list(range(2008, 2017))
BREAK = 2013


def _panel(seed: int = 1) -> Panel:
    """12 regions (A0-A5 on side A, B0-B5 on side B), 9 years, log values with a region level, a
    common year shock and noise; after the break, A and B move closer."""
    rng = np.random.default_rng(seed)
    regions = [f"A{i}" for i in range(6)] + [f"B{i}" for i in range(6)]
    level = np.r_[rng.uniform(0.8, 1.3, 6), rng.uniform(0.0, 0.5, 6)]
    year = rng.normal(0, 0.05, len(YEARS)).cumsum()
    post = np.array([t >= BREAK for t in YEARS], dtype=float)
    side_b = np.r_[np.zeros(6), np.ones(6)]
    logs = (level[:, None] + year[None, :] + 0.25 * side_b[:, None] * post[None, :]
            + rng.normal(0, 0.04, (12, len(YEARS))))
    return Panel.from_matrix(np.exp(logs), regions=regions, times=YEARS, groups=["A"] * 6 + ["B"] * 6)


# A_i faces B_i across the border; inside each side, A_i - A_(i+1) and B_i - B_(i+1)
PAIRS = pd.DataFrame(
    [(f"A{i}", f"B{i}", True) for i in range(6)]
    + [(f"{s}{i}", f"{s}{i + 1}", False) for s in "AB" for i in range(5)],
    columns=["a", "b", "cross"])


def _long(panel: Panel) -> pd.DataFrame:
    m = panel.to_matrix()
    rows = []
    for a, b, cross in PAIRS.itertuples(index=False):
        ya, yb = m.values[m.regions.get_loc(a)], m.values[m.regions.get_loc(b)]
        for t, va, vb in zip(m.times, ya, yb, strict=True):
            rows.append({"pair": f"{a}-{b}", "cross": cross, "time": t,
                         "gap": abs(np.log(va) - np.log(vb))})
    return pd.DataFrame(rows)


def _hand_design(d: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Constant, pair dummies without the first pair, year dummies without the first year."""
    pairs = sorted(d["pair"].unique())
    X = pd.DataFrame({"const": 1.0}, index=d.index)
    for p in pairs[1:]:
        X[f"p_{p}"] = (d["pair"] == p).astype(float)
    for t in YEARS[1:]:
        X[f"y_{t}"] = (d["time"] == t).astype(float)
    return pd.concat([extra, X], axis=1)


def test_did_coefficient_and_clustered_se_match_statsmodels_by_hand():
    panel = _panel()
    res = pair_did(panel, PAIRS, BREAK)
    d = _long(panel)
    treat = pd.DataFrame({"did": (d["cross"] & (d["time"] >= BREAK)).astype(float)})
    X = _hand_design(d, treat)
    groups = pd.factorize(d["pair"])[0]
    fit = sm.OLS(d["gap"], X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    assert res.coef == pytest.approx(fit.params["did"], rel=1e-10)
    assert res.se == pytest.approx(fit.bse["did"], rel=1e-8)
    assert res.pvalue == pytest.approx(fit.pvalues["did"], rel=1e-8)
    assert res.coef < -0.15          # the planted narrowing of 0.25 log points
    # CR1 by hand: G/(G-1) (N-1)/(N-K) (X'X)^-1 sum_g X_g'u_g u_g'X_g (X'X)^-1
    Xa, u = X.to_numpy(), fit.resid.to_numpy()
    bread = np.linalg.inv(Xa.T @ Xa)
    meat = sum(np.outer(Xa[groups == g].T @ u[groups == g], Xa[groups == g].T @ u[groups == g])
               for g in range(groups.max() + 1))
    G, N, K = groups.max() + 1, len(u), Xa.shape[1]
    V = G / (G - 1) * (N - 1) / (N - K) * bread @ meat @ bread
    assert res.se == pytest.approx(np.sqrt(V[0, 0]), rel=1e-8)
    assert (res.n_treated, res.n_control, res.n_clusters, res.nobs) == (6, 10, 16, 16 * len(YEARS))


def test_event_study_and_pretrend_wald_by_hand():
    panel = _panel(seed=7)
    res = pair_did(panel, PAIRS, BREAK)
    d = _long(panel)
    ks = [k for k in range(YEARS[0] - BREAK, YEARS[-1] - BREAK + 1) if k != -1]
    ev = pd.DataFrame({f"k{k}": (d["cross"] & (d["time"] - BREAK == k)).astype(float) for k in ks})
    X = _hand_design(d, ev)
    groups = pd.factorize(d["pair"])[0]
    fit = sm.OLS(d["gap"], X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    got = res.event.set_index("rel_time")
    for k in ks:
        assert got.loc[k, "coef"] == pytest.approx(fit.params[f"k{k}"], rel=1e-8, abs=1e-12)
        assert got.loc[k, "se"] == pytest.approx(fit.bse[f"k{k}"], rel=1e-7)
    assert got.loc[-1, "coef"] == 0.0
    leads = [f"k{k}" for k in ks if k <= -2]
    b = fit.params[leads].to_numpy()
    V = fit.cov_params().loc[leads, leads].to_numpy()
    q, G = len(leads), groups.max() + 1
    assert np.linalg.matrix_rank(V) == q
    F = b @ np.linalg.solve(V, b) / q
    assert res.pretrend_F == pytest.approx(F, rel=1e-8)
    assert res.pretrend_df == (q, G - 1)
    assert res.pretrend_pvalue == pytest.approx(stats.f.sf(F, q, G - 1), rel=1e-8)


def test_pretrend_with_fewer_clusters_than_leads_is_not_computed_and_says_why():
    # 2 cross-border and 2 domestic pairs: 4 clusters cannot identify a 4 x 4 clustered covariance;
    # a pseudo-inverse would test a subspace from rounding-level eigenvalues (issue 16: F = -4.9e12)
    few = PAIRS[PAIRS["a"].isin(["A0", "A1", "B0"]) & PAIRS["b"].isin(["B0", "B1", "A1"])]
    with pytest.warns(FewClustersWarning, match="4 clusters"):
        res = pair_did(_panel(), few, BREAK)
    assert (res.n_treated, res.n_control) == (2, 2)
    leads = [f"k[{k}]" for k in range(YEARS[0] - BREAK, -1)]
    V = res.event_fit.cov_params().loc[leads, leads].to_numpy()
    ev = np.linalg.eigvalsh(V)
    r = int((ev > 1e-10 * ev.max()).sum())
    assert r < len(leads)
    assert np.isnan(res.pretrend_F) and np.isnan(res.pretrend_pvalue)
    assert res.pretrend_note() == (
        f"not computed: the clustered covariance of the {len(leads)} leads has rank {r} "
        f"({res.n_clusters} pairs as clusters): too few clusters to test {len(leads)} leads jointly")
    assert "no pre-trend test (not computed: the clustered covariance" in res.summary()


def test_event_study_window_bins_the_ends():
    res = pair_did(_panel(), PAIRS, BREAK, window=(-3, 2))
    assert list(res.event["rel_time"]) == [-3, -2, -1, 0, 1, 2]


def test_break_year_without_data_on_one_side_is_an_error():
    with pytest.raises(ValueError) as e:
        pair_did(_panel(), PAIRS, 2030)
    assert str(e.value) == ("break year 2030: the DiD needs a period of data before it and one from it "
                            "on; the data have 2008-2016 (break years 2009 to 2016 work)")


def test_break_test_against_hand_ols_and_chow():
    years = np.arange(2005, 2019)
    s = pd.Series(0.5 + 0.01 * (years - 2005) - 0.03 * np.clip(years - 2012, 0, None)
                  + np.random.default_rng(3).normal(0, 0.005, len(years)), index=years)
    bt = break_test(s, 2012)
    c = years - 2012.0
    post = (years >= 2012).astype(float)
    X = np.column_stack([np.ones_like(c), c, post, c * post])
    fit = sm.OLS(s.to_numpy(), X).fit()
    assert bt.change == pytest.approx(fit.params[3], rel=1e-10)
    assert bt.change_se == pytest.approx(fit.bse[3], rel=1e-10)
    assert bt.slope_after == pytest.approx(fit.params[1] + fit.params[3], rel=1e-10)
    ssr_r = sm.OLS(s.to_numpy(), X[:, :2]).fit().ssr
    F = ((ssr_r - fit.ssr) / 2) / (fit.ssr / (len(years) - 4))
    assert bt.chow_F == pytest.approx(F, rel=1e-10)
    assert bt.chow_pvalue == pytest.approx(stats.f.sf(F, 2, len(years) - 4), rel=1e-8)
    hac = break_test(s, 2012, se_type="HAC")
    fh = sm.OLS(s.to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": 1}, use_t=True)
    assert hac.change_se == pytest.approx(fh.bse[3], rel=1e-10)


def _squares() -> gpd.GeoDataFrame:
    """A 3 x 4 grid of 100 km squares: columns 0-1 are country 'West', 2-3 'East'."""
    rows = []
    for r in range(3):
        for c in range(4):
            rows.append({"region": f"{'W' if c < 2 else 'E'}{r}{c}", "country": "West" if c < 2 else "East",
                         "geometry": box(c * 1e5, r * 1e5, (c + 1) * 1e5, (r + 1) * 1e5)})
    return gpd.GeoDataFrame(rows, crs="EPSG:3857")


def test_integration_on_a_made_up_border():
    geo = _squares()
    pairs = neighbour_pairs(geo)
    cross = pairs[pairs["cross"]]
    # column 1 meets column 2 along 3 edges (the pairs) and at 4 corners (point contacts, no pair)
    assert len(cross) == 3 and set(cross["contact"]) == {"edge"}
    with_points = neighbour_pairs(geo, contacts=("edge", "point"))
    assert len(with_points[with_points["cross"]]) == 7
    assert set(cross["group_a"]) == {"East"}          # sorted group labels: East first
    rng = np.random.default_rng(5)
    years = list(range(2000, 2010))
    values = np.exp(rng.normal(0, 0.3, (12, 1)) + rng.normal(0, 0.05, (12, len(years))))
    panel = Panel.from_matrix(values, regions=list(geo["region"]), times=years,
                              groups=list(geo["country"]))
    res = integration(panel, [2005], geometry=geo, control="all")
    direct = pair_did(panel, pairs, 2005)
    row = res.table[(res.table["test"] == "did")].iloc[0]
    assert row["coef"] == pytest.approx(direct.coef, rel=1e-12)
    assert row["estimate"] == row["coef"]              # the old name, kept last for one release
    assert res.table.columns[-1] == "estimate" and list(res.inference.columns) == list(res.table.columns)
    assert row["se"] == pytest.approx(direct.se, rel=1e-12)
    assert {"sigma_break", "between_share_break", "pretrend"} <= set(res.table["test"])
    border_only = integration(panel, [2005], geometry=geo, control="border")
    # domestic pairs of border regions only: the two middle columns' vertical neighbours
    assert border_only.did[2005].n_control == 4


def test_a_default_break_year_without_data_before_it_is_reported():
    geo = _squares()
    years = list(range(2000, 2010))
    rng = np.random.default_rng(8)
    panel = Panel.from_matrix(np.exp(rng.normal(0, 0.3, (12, len(years)))), regions=list(geo["region"]),
                              times=years, groups=list(geo["country"]))

    class Data:                                   # a dataset-like source with default break years
        name = "made-up"
        meta = {"study": {"break_years": [2000, 2005]}}
        regions = geo

    res = integration(Data(), panel=panel)
    did = res.table[res.table["test"] == "did"].set_index("break_year")
    assert did.loc[2000, "detail"].startswith("not tested")
    assert np.isfinite(did.loc[2005, "estimate"]) and list(res.did) == [2005]
    assert did.loc[2000, "detail"] == ("not tested: break year 2000: the DiD needs a period of data "
                                       "before it and one from it on; the data have 2000-2009 (break "
                                       "years 2001 to 2009 work)")
    with pytest.raises(ValueError, match="^break year 2000: the DiD needs a period of data before it"):
        integration(Data(), [2000], panel=panel)
