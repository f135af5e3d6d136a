"""The integration DiD's additional inference: dyadic-robust and two-way SEs, the wild cluster bootstrap,
the exchange-rate exposure control and placebo break years — each against statsmodels or a
computation written out here on a made-up border."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from shapely.geometry import box

from crossborder import Panel
from crossborder.study.integration import fx_exposure, integration, pair_did

YEARS = list(range(2008, 2017))
BREAK = 2013
N_SIDE = 6


def _panel(seed: int = 1, n: int = N_SIDE) -> Panel:
    """Regions A0.. on side A, B0.. on side B; after the break, the sides move closer; a region
    shock shared by every pair of the region."""
    rng = np.random.default_rng(seed)
    regions = [f"A{i}" for i in range(n)] + [f"B{i}" for i in range(n)]
    level = np.r_[rng.uniform(0.8, 1.3, n), rng.uniform(0.0, 0.5, n)]
    year = rng.normal(0, 0.05, len(YEARS)).cumsum()
    post = np.array([t >= BREAK for t in YEARS], dtype=float)
    side_b = np.r_[np.zeros(n), np.ones(n)]
    region_shock = rng.normal(0, 0.05, (2 * n, 1)) * post[None, :]
    logs = (level[:, None] + year[None, :] + 0.15 * side_b[:, None] * post[None, :] + region_shock
            + rng.normal(0, 0.04, (2 * n, len(YEARS))))
    return Panel.from_matrix(np.exp(logs), regions=regions, times=YEARS, groups=["A"] * n + ["B"] * n)


def _pairs(n: int = N_SIDE) -> pd.DataFrame:
    return pd.DataFrame([(f"A{i}", f"B{i}", True) for i in range(n)]
                        + [(f"{s}{i}", f"{s}{i + 1}", False) for s in "AB" for i in range(n - 1)],
                        columns=["a", "b", "cross"])


def _long(panel: Panel, pairs: pd.DataFrame, years: list[int] = YEARS) -> pd.DataFrame:
    m = panel.to_matrix()
    rows = []
    for a, b, cross in pairs[["a", "b", "cross"]].itertuples(index=False):
        ya, yb = m.values[m.regions.get_loc(a)], m.values[m.regions.get_loc(b)]
        for t, va, vb in zip(m.times, ya, yb, strict=True):
            if t in years:
                rows.append({"pair": f"{a}|{b}", "a": a, "b": b, "cross": bool(cross), "time": t,
                             "d": np.log(va) - np.log(vb), "gap": abs(np.log(va) - np.log(vb))})
    return pd.DataFrame(rows)


def _design(d: pd.DataFrame, extra: pd.DataFrame, years: list[int] = YEARS) -> pd.DataFrame:
    X = pd.DataFrame({"const": 1.0}, index=d.index)
    for p in sorted(d["pair"].unique())[1:]:
        X[f"p_{p}"] = (d["pair"] == p).astype(float)
    for t in years[1:]:
        X[f"y_{t}"] = (d["time"] == t).astype(float)
    return pd.concat([extra, X], axis=1)


def _dyadic_var_by_hand(panel: Panel, pairs: pd.DataFrame) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    d = _long(panel, pairs)
    X = _design(d, pd.DataFrame({"did": (d["cross"] & (d["time"] >= BREAK)).astype(float)}))
    fit = sm.OLS(d["gap"], X).fit()
    Xa, e = X.to_numpy(), fit.resid.to_numpy()
    h = np.linalg.solve(Xa.T @ Xa, Xa.T)[0]                   # theta = h'y
    nodes = [{a, b} for a, b in zip(d["a"], d["b"], strict=True)]
    share = np.array([[bool(p & q) for q in nodes] for p in nodes], dtype=float)
    R, N, K = 2 * N_SIDE, len(d), Xa.shape[1]
    return R / (R - 1) * (N - 1) / (N - K) * (h * e) @ share @ (h * e), d, X


def test_a_negative_dyadic_variance_is_not_computed():
    # the dyadic meat need not be positive semi-definite: on this draw the variance of theta is < 0
    panel, pairs = _panel(seed=1), _pairs()
    var, _, _ = _dyadic_var_by_hand(panel, pairs)
    assert var < -1e-6
    res = pair_did(panel, pairs, BREAK, n_boot=99)
    assert np.isnan(res.se_dyadic) and np.isnan(res.pvalue_dyadic)
    assert "dyadic-robust not computed (variance not positive)" in res.inference_summary()


def test_dyadic_and_twoway_se_of_the_did_by_hand():
    panel, pairs = _panel(seed=2), _pairs()
    res = pair_did(panel, pairs, BREAK, n_boot=199)
    var, d, X = _dyadic_var_by_hand(panel, pairs)
    R = 2 * N_SIDE
    assert var > 0
    assert res.se_dyadic == pytest.approx(np.sqrt(var), rel=1e-8)
    assert res.pvalue_dyadic == pytest.approx(2 * stats.t.sf(abs(res.coef) / np.sqrt(var), R - 1), rel=1e-8)
    assert res.n_regions == R
    # two-way by the first and second region: V_a + V_b - V_pair, statsmodels' CR1 each
    v = {}
    for name, g in (("a", d["a"]), ("b", d["b"]), ("pair", d["pair"])):
        f = sm.OLS(d["gap"], X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(g)[0]})
        v[name] = f.cov_params().loc["did", "did"]
    assert res.se_twoway == pytest.approx(np.sqrt(v["a"] + v["b"] - v["pair"]), rel=1e-8)
    g_min = min(d["a"].nunique(), d["b"].nunique())
    assert res.pvalue_twoway == pytest.approx(
        2 * stats.t.sf(abs(res.coef) / res.se_twoway, g_min - 1), rel=1e-8)
    # the reported numbers do not change
    plain = pair_did(panel, pairs, BREAK, inference=False)
    assert (plain.coef, plain.se, plain.pvalue) == (res.coef, res.se, res.pvalue)
    assert np.isnan(plain.se_dyadic) and np.isnan(plain.wild_pvalue)


def test_wild_bootstrap_of_the_did_enumerates_ten_pairs_and_equals_a_direct_computation():
    panel, pairs = _panel(seed=4, n=4), _pairs(n=4)            # 4 + 6 = 10 pairs: 1024 vectors
    res = pair_did(panel, pairs, BREAK)
    assert res.wild_method.startswith("wild cluster bootstrap-t (WCR, rademacher, 10 clusters, all 1024")
    d = _long(panel, pairs)
    X = _design(d, pd.DataFrame({"did": (d["cross"] & (d["time"] >= BREAK)).astype(float)}))
    g = pd.factorize(d["pair"])[0]
    y = d["gap"].to_numpy()
    r = sm.OLS(y, X.drop(columns="did")).fit()                 # the null theta = 0 imposed
    t_obs = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g}).tvalues["did"]
    assert t_obs == pytest.approx(res.tstat, rel=1e-8)
    tb = []
    for v in itertools.product((1.0, -1.0), repeat=10):
        ys = r.fittedvalues.to_numpy() + r.resid.to_numpy() * np.asarray(v)[g]
        tb.append(sm.OLS(ys, X).fit(cov_type="cluster", cov_kwds={"groups": g}).tvalues["did"])
    assert res.wild_pvalue == pytest.approx(np.mean(np.abs(tb) >= abs(t_obs) - 1e-9))


def test_exchange_rate_exposure_control_by_hand():
    panel, pairs = _panel(seed=2), _pairs()
    rng = np.random.default_rng(3)
    x = pd.Series(rng.normal(0, 0.2, len(YEARS)).cumsum() + 1.5, index=YEARS)
    res = pair_did(panel, pairs, BREAK, exposure=x, n_boot=99)
    d = _long(panel, pairs)
    sign = -np.sign(d[d["time"] < BREAK].groupby("pair")["d"].mean())
    fx = d["cross"] * d["pair"].map(sign) * d["time"].map(x)
    X = _design(d, pd.DataFrame({"did": (d["cross"] & (d["time"] >= BREAK)).astype(float), "fx": fx}))
    fit = sm.OLS(d["gap"], X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(d["pair"])[0]},
                                  use_t=True)
    assert res.fx_coef == pytest.approx(fit.params["did"], rel=1e-8)
    assert res.fx_se == pytest.approx(fit.bse["did"], rel=1e-7)
    assert res.fx_pvalue == pytest.approx(fit.pvalues["did"], rel=1e-7)
    assert res.fx_exposure_coef == pytest.approx(fit.params["fx"], rel=1e-8)
    # the event path beside the exposure, and with the control when the signs differ across pairs
    path = res.fx_event.set_index("rel_time")
    assert list(path["exposure"]) == pytest.approx(list(x.to_numpy()))
    assert res.fx_corr == pytest.approx(np.corrcoef(path["coef"], path["exposure"])[0, 1])
    if sign.reindex([f"A{i}|B{i}" for i in range(N_SIDE)]).nunique() > 1:
        ks = [k for k in range(YEARS[0] - BREAK, YEARS[-1] - BREAK + 1) if k != -1]
        ev = pd.DataFrame({f"k{k}": (d["cross"] & (d["time"] - BREAK == k)).astype(float) for k in ks})
        Xe = _design(d, pd.concat([ev, fx.rename("fx")], axis=1))
        fe = sm.OLS(d["gap"], Xe).fit()
        for k in ks:
            assert path.loc[k, "coef_fx"] == pytest.approx(fe.params[f"k{k}"], rel=1e-7, abs=1e-10)
    else:
        assert "not identified" in res.fx_note


def test_exchange_rate_exposure_of_a_gap_in_usd_is_one_for_one():
    """Gaps in a common currency made only of local-currency values over an exchange rate move with
    the rate: the exposure coefficient is 1 when every cross pair keeps its sign."""
    rng = np.random.default_rng(8)
    n = N_SIDE
    x = pd.Series(rng.normal(0, 0.3, len(YEARS)).cumsum(), index=YEARS)   # ln(A's currency per B's)
    lcu = (np.r_[rng.uniform(2.0, 2.5, n), rng.uniform(0.0, 0.5, n)][:, None]
           + rng.normal(0, 0.02, (2 * n, len(YEARS))))
    logs = lcu - np.r_[np.ones(n), np.zeros(n)][:, None] * x.to_numpy()[None, :]
    panel = Panel.from_matrix(np.exp(logs), regions=[f"A{i}" for i in range(n)] + [f"B{i}" for i in range(n)],
                              times=YEARS, groups=["A"] * n + ["B"] * n)
    res = pair_did(panel, _pairs(), BREAK, exposure=x, n_boot=99)
    assert res.fx_exposure_coef == pytest.approx(1.0, abs=0.05)


def _grid() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [{"region": f"{s}{i}", "country": s, "geometry": box(c, i, c + 1, i + 1)}
         for s, c in (("A", 0), ("B", 1)) for i in range(N_SIDE)], crs="EPSG:4326")


def test_placebo_break_years_and_the_inference_rows():
    panel = _panel(seed=5)
    res = integration(panel, [BREAK], geometry=_grid(), control="all", n_boot=199)
    inf = res.inference
    assert {"did_dyadic", "did_twoway", "did_wild", "placebo"} <= set(inf["test"])
    assert "did_fx" not in set(inf["test"])                  # a Panel without exposure: no control
    pl = inf[inf["test"] == "placebo"]
    pre = [t for t in YEARS if t < BREAK]
    assert len(pl) == len(pre) - 1
    # the placebo at 2010 on 2008-2012 by hand
    pairs = res.did[BREAK].pairs
    d = _long(panel, pairs, pre)
    X = _design(d, pd.DataFrame({"did": (d["cross"] & (d["time"] >= 2010)).astype(float)}), pre)
    fit = sm.OLS(d["gap"], X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(d["pair"])[0]},
                                  use_t=True)
    row = pl[pl["detail"].str.startswith("placebo break 2010 ")].iloc[0]
    assert row["estimate"] == pytest.approx(fit.params["did"], rel=1e-8)
    assert row["se"] == pytest.approx(fit.bse["did"], rel=1e-7)
    dy = inf.set_index("test").loc["did_dyadic"]
    assert dy["se"] == pytest.approx(res.did[BREAK].se_dyadic)
    assert dy["estimate"] == res.did[BREAK].coef
    # the table of record is unchanged; the overview adds the rows; the summary names them
    assert set(res.table["test"]) == {"did", "pretrend", "sigma_break", "between_share_break"}
    assert len(res.overview()) == len(res.table) + len(inf)
    assert "dyadic-robust" in res.summary() and "placebo breaks before 2013" in res.summary()
    off = integration(panel, [BREAK], geometry=_grid(), control="all", placebo=False, n_boot=199)
    assert "placebo" not in set(off.inference["test"])


def test_fx_exposure_from_a_rate_table():
    fx = pd.DataFrame({"country": ["KZ", "RU", "KZ", "RU"], "year": [2014, 2014, 2015, 2015],
                       "lcu_per_usd": [179.19, 38.38, 221.73, 60.94],
                       "ppp_lcu_per_intl_dollar": [np.nan] * 4, "vintage": "2025-07"})
    got = fx_exposure(fx, "KZ", "RU")
    assert got.loc[2014] == pytest.approx(np.log(179.19 / 38.38))
    assert got.loc[2015] == pytest.approx(np.log(221.73 / 60.94))


def test_cli_prints_the_further_inference_on_the_built_in_data(capsys):
    import json

    import crossborder as cb
    from crossborder.cli import main

    assert main(["integration", "--break-year", "2015", "--currency", "USD", "--inference", "--json"]) == 0
    rows = pd.DataFrame(json.loads(capsys.readouterr().out)).set_index("test")
    ds = cb.load_dataset("ru-kz")
    res = cb.integration(ds, [2015], panel=cb.study_panel(ds, regions="all", currency="USD"),
                         currency="USD")
    d = res.did[2015]
    assert rows.loc["did_dyadic", "se"] == pytest.approx(d.se_dyadic, rel=1e-10)
    assert rows.loc["did_dyadic", "se"] > 1.5 * d.se          # pairs share regions: wider than by pair
    assert rows.loc["did_wild", "pvalue"] == pytest.approx(d.wild_pvalue)
    assert rows.loc["did_fx", "estimate"] == pytest.approx(d.fx_coef, rel=1e-10)
    assert "ln KZ/RU exchange rate" in rows.loc["did_fx", "detail"]
    # the exposure is ln(KZT per USD) - ln(RUB per USD) of the bundled rates
    path = res.fx_event.set_index("time")
    rates = ds.fx[(ds.fx["year"] == 2016) & ds.fx["lcu_per_usd"].notna()
                  & ds.fx["vintage"].astype(str).str.fullmatch(r"\d{4}(-\d{2})?")]
    newest = rates.sort_values("vintage").groupby("country")["lcu_per_usd"].last()
    assert path.loc[2016, "exposure"] == pytest.approx(np.log(newest["KZ"] / newest["RU"]), rel=1e-10)
    assert (rows.index == "placebo").sum() == 6               # 2009-2014 on 2008-2014
