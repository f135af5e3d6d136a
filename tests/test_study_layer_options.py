"""Options of the study layer honoured end to end, each against statsmodels or numpy fitted here:
the integration test's alpha, standard errors and border regions; the rolling windows' alpha and
HAC lags; the currency basis of real levels and the suspect rates left out; the balanced study
panel (weights, end trims); the out-of-core sigma and beta (weighted mean log, one-region years,
``compat``)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from shapely.geometry import box

import crossborder as cb
from crossborder import Panel, integration, neighbour_pairs, pair_did
from crossborder.study.rolling import rolling

YEARS = list(range(2000, 2010))


# ----------------------------------------------------------------------------- integration
@pytest.fixture(scope="module")
def squares():
    """3 rows x 4 columns of squares; columns 0-1 West, 2-3 East: the border regions are columns 1
    and 2, columns 0 and 3 are inland."""
    rows = []
    for r in range(3):
        for c in range(4):
            rows.append({"region": f"{'W' if c < 2 else 'E'}{r}{c}",
                         "country": "West" if c < 2 else "East",
                         "geometry": box(c * 1e5, r * 1e5, (c + 1) * 1e5, (r + 1) * 1e5)})
    geo = gpd.GeoDataFrame(rows, crs="EPSG:3857")
    rng = np.random.default_rng(21)
    col = np.array([int(code[-1]) for code in geo["region"]])
    # inland regions far apart and drifting: their dispersion differs from the border regions'
    level = np.where(col == 0, -1.0, np.where(col == 3, 1.0, 0.0))[:, None]
    drift = np.where(np.isin(col, [0, 3]), 0.08, 0.0)[:, None] * np.arange(len(YEARS))[None, :]
    logs = level * (1 + drift) + rng.normal(0, 0.1, (12, len(YEARS)))
    panel = Panel.from_matrix(np.exp(logs), regions=list(geo["region"]), times=YEARS,
                              groups=list(geo["country"]))
    return geo, panel


def _sd_border(panel):
    m = panel.to_matrix()
    keep = [i for i, r in enumerate(m.regions) if r[-1] in "12"]
    return pd.Series(np.log(m.values[keep]).std(axis=0), index=list(m.times))


def test_integration_sigma_break_is_on_the_border_regions(squares):
    geo, panel = squares
    res = integration(panel, [2005], geometry=geo)
    sd = _sd_border(panel)
    t = np.asarray(sd.index, dtype=float) - 2005
    post = (t >= 0).astype(float)
    fit = sm.OLS(sd.to_numpy(), np.column_stack([np.ones_like(t), t, post, t * post])).fit()
    b = {x.name: x for x in res.breaks[2005]}["sigma_break"]
    assert b.slope_before == pytest.approx(fit.params[1], rel=1e-10)
    assert b.change == pytest.approx(fit.params[3], rel=1e-10)
    # the joint test of shift and slope change: chi2 with 2 degrees of freedom
    w = fit.wald_test(np.array([[0, 0, 1.0, 0], [0, 0, 0, 1.0]]), use_f=False, scalar=True)
    assert b.wald == pytest.approx(float(w.statistic), rel=1e-8)
    assert b.wald_pvalue == pytest.approx(float(w.pvalue), rel=1e-8)
    assert b.wald_pvalue == pytest.approx(stats.chi2.sf(b.wald, 2), rel=1e-10)


def test_integration_passes_alpha_and_se_type(squares):
    geo, panel = squares
    res = integration(panel, [2005], geometry=geo, alpha=0.10, se_type="HC1", control="all")
    direct = pair_did(panel, neighbour_pairs(geo), 2005, alpha=0.10)
    d95 = pair_did(panel, neighbour_pairs(geo), 2005)
    assert (res.did[2005].ci_low, res.did[2005].ci_high) == pytest.approx(
        (direct.ci_low, direct.ci_high), rel=1e-12)
    assert res.did[2005].ci_high - res.did[2005].ci_low < d95.ci_high - d95.ci_low
    row = res.table[res.table["test"] == "did"].iloc[0]
    assert row["ci_low"] == pytest.approx(direct.ci_low, rel=1e-12)
    sd = _sd_border(panel)
    t = np.asarray(sd.index, dtype=float) - 2005
    post = (t >= 0).astype(float)
    X = np.column_stack([np.ones_like(t), t, post, t * post])
    hc1 = sm.OLS(sd.to_numpy(), X).fit(cov_type="HC1")
    b = {x.name: x for x in res.breaks[2005]}["sigma_break"]
    assert b.se_type == "HC1"
    assert b.change_se == pytest.approx(hc1.bse[3], rel=1e-8)
    assert set(res.table.loc[res.table["test"] == "sigma_break", "se_type"]) == {"HC1"}


# ----------------------------------------------------------------------------- rolling
def _rolling_panel():
    rng = np.random.default_rng(4)
    y0 = rng.uniform(6, 9, 10)
    t = np.arange(len(YEARS))
    logs = (y0[:, None] + (0.04 - 0.01 * (y0 - y0.mean()))[:, None] * t[None, :]
            + rng.normal(0, 0.05, (10, len(YEARS))))
    return Panel.from_matrix(np.exp(logs), regions=[f"r{i}" for i in range(10)], times=YEARS), logs


def test_rolling_beta_intervals_at_alpha():
    panel, logs = _rolling_panel()
    res = rolling(panel, window=6, alpha=0.10, beta_se="HC1", conditional=False)
    row = res.table[(res.table["estimate"] == "beta_absolute") & (res.table["start"] == 2000)].iloc[0]
    growth = (logs[:, 5] - logs[:, 0]) / 5
    fit = sm.OLS(growth, sm.add_constant(logs[:, 0])).fit(cov_type="HC1", use_t=True)
    lo, hi = fit.conf_int(0.10)[1]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), rel=1e-8)


@pytest.mark.parametrize("lags", [0, 2])
def test_rolling_sigma_trend_uses_the_hac_lags(lags):
    panel, logs = _rolling_panel()
    res = rolling(panel, window=8, trend_se="HAC", hac_lags=lags, conditional=False)
    row = res.table[(res.table["estimate"] == "sigma_trend") & (res.table["start"] == 2000)].iloc[0]
    sd = logs[:, :8].std(axis=0)
    fit = sm.OLS(sd, sm.add_constant(np.asarray(YEARS[:8], dtype=float))).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags})
    assert row["value"] == pytest.approx(fit.params[1], rel=1e-10)
    assert row["se"] == pytest.approx(fit.bse[1], rel=1e-8)
    assert row["se_type"] == f"HAC ({lags} lag)"


# ----------------------------------------------------------------------------- currency
@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


def test_real_levels_at_the_base_year_are_at_ppp(ds):
    """At its base year a real (constant-price) series is the PPP level of that year: Samara's
    2015 GRP per capita in RUB over fx.csv's newest PPP factor, not the exchange rate."""
    real = cb.study_panel(ds, currency="real", base_year=2015, regions=["RU-SAM", "KZ-ZAP"],
                          balanced=False).to_matrix()
    obs = ds.observations
    lcu = obs[(obs["region"] == "RU-SAM") & (obs["indicator"] == "grp_per_capita_lcu")
              & (obs["year"] == 2015)]["value"].iloc[0]
    fx = ds.fx
    ppp = fx[(fx["country"] == "RU") & (fx["year"] == 2015) & (fx["vintage"] == "2026-03")]
    factor = float(ppp["ppp_lcu_per_intl_dollar"].iloc[0])
    usd = cb.study_panel(ds, currency="USD", regions=["RU-SAM", "KZ-ZAP"], balanced=False).to_matrix()
    got = real.values[real.regions.get_loc("RU-SAM"), list(real.times).index(2015)]
    assert got == pytest.approx(lcu / factor, rel=1e-9)
    assert got != pytest.approx(usd.values[usd.regions.get_loc("RU-SAM"), list(usd.times).index(2015)],
                                rel=0.05)


def test_suspect_rates_are_left_out(ds):
    """DOSE's RUB/USD rates of 1994 and 1995 are flagged dose_fx_suspect in fx.csv: no rate for
    those years when the flag is excluded, the 1996 rate kept."""
    from crossborder.currency import parse_currency, rate_table

    spec = parse_currency("USD:dose-v2.11")
    rates, vintage, _ = rate_table(ds.fx, spec, exclude_flags=("dose_fx_suspect",))
    ru = rates[rates["country"] == "RU"].set_index("year")["rate"]
    assert vintage == "dose-v2.11"
    assert 1994 not in ru.index and 1995 not in ru.index and 1996 in ru.index
    everything, _, _ = rate_table(ds.fx, spec)
    assert {1994, 1995} <= set(everything.loc[everything["country"] == "RU", "year"])


def test_real_basis_rates_are_ppp_factors(ds):
    """The rates of the real basis are PPP factors (levels at PPP, carried by real growth):
    Russia 2019 at 23.9342746734619 RUB per international $ (fx.csv, WDI PPP 2026-03)."""
    from crossborder.currency import parse_currency, rate_table

    spec = parse_currency("real")
    assert spec.rate_column == "ppp_lcu_per_intl_dollar"
    rates, vintage, icp = rate_table(ds.fx, spec)
    ru = rates[rates["country"] == "RU"].set_index("year")["rate"]
    assert ru[2019] == pytest.approx(23.9342746734619)
    assert (vintage, icp) == ("2026-03", "ICP 2021")


# ----------------------------------------------------------------------------- balanced panels
def _dataset(tmp_path, years, drop):
    """A 4 x 2 grid (write_grid), with the rows of ``drop`` ((region, year, indicator) triples)
    removed from its CSV."""
    from _grid import write_grid

    regions, data = write_grid(tmp_path, list(years), nx=4, ny=2, split=2, unit=False)
    d = pd.read_csv(data)
    for region, year, indicator in drop:
        d = d[~((d["region"] == region) & (d["year"] == year) & (d["indicator"] == indicator))]
    d.to_csv(data, index=False)
    return cb.read_dataset(regions, data).with_units(unit="USD")  # the grid states no unit


def test_balanced_panel_drops_a_region_without_a_weight(tmp_path):
    ds = _dataset(tmp_path, range(2000, 2006), [("A-01", 2002, "population")])
    p = cb.study_panel(ds, indicator="gdp_pc", weight="population", regions="all")
    assert "A-01" not in set(p.regions)
    assert list(p.meta["dropped_regions"]["region"]) == ["A-01"]
    assert len(p.regions) == 7


def test_first_year_given_up_to_keep_a_region(tmp_path):
    """B-20 lacks 2000 only: the span starts in 2001 and B-20 stays."""
    ds = _dataset(tmp_path, range(2000, 2006), [("B-20", 2000, "gdp_pc")])
    p = cb.study_panel(ds, indicator="gdp_pc", regions="all")
    assert [int(t) for t in p.times] == [2001, 2002, 2003, 2004, 2005]
    assert "B-20" in set(p.regions) and len(p.regions) == 8
    assert p.meta["span_trimmed"] == {2000: ["B-20"]}


def test_last_year_given_up_only_down_to_three_years(tmp_path):
    """4 years, B-20 lacking the last: 2000-2002 keeps it. 3 years: no trim below 3, B-20 goes."""
    ds = _dataset(tmp_path, range(2000, 2004), [("B-20", 2003, "gdp_pc")])
    p = cb.study_panel(ds, indicator="gdp_pc", regions="all")
    assert [int(t) for t in p.times] == [2000, 2001, 2002] and "B-20" in set(p.regions)
    short = tmp_path / "short"
    short.mkdir()
    ds = _dataset(short, range(2000, 2003), [("B-20", 2002, "gdp_pc")])
    p = cb.study_panel(ds, indicator="gdp_pc", regions="all")
    assert [int(t) for t in p.times] == [2000, 2001, 2002]
    assert "B-20" not in set(p.regions)
    assert list(p.meta["dropped_regions"]["region"]) == ["B-20"]


# ----------------------------------------------------------------------------- out of core
def _long():
    rng = np.random.default_rng(9)
    rows = []
    for i in range(6):
        for y in (2000, 2001, 2002):
            rows.append({"region": f"r{i}", "year": y, "value": float(np.exp(rng.normal(8, 0.5))),
                         "pop": float(100 * (i + 1) ** 2)})
    rows.append({"region": "r0", "year": 2003, "value": 5000.0, "pop": 100.0})   # one region
    return pd.DataFrame(rows)


def test_scale_weighted_sd_of_logs_by_hand():
    from crossborder.scale import sigma as big_sigma

    d = _long()
    out = big_sigma(d, "sd_log", weight="pop", weighted=True)
    for y in (2000, 2001, 2002):
        g = d[d["year"] == y]
        lg, w = np.log(g["value"].to_numpy()), g["pop"].to_numpy()
        m = np.sum(w * lg) / w.sum()
        assert out.loc[y, "sd_log"] == pytest.approx(np.sqrt(np.sum(w * (lg - m) ** 2) / w.sum()),
                                                     rel=1e-9)
    assert np.isnan(out.loc[2003, "sd_log"])        # one region: no dispersion
    assert out.loc[2003, "n"] == 1


def test_scale_beta_compat_reat():
    """compat='reat': lambda = -ln(1 + b) / T (b the annualised slope), half-life ln 2 / lambda."""
    from crossborder.scale import beta as big_beta

    d = _long()
    d = d[d["year"] <= 2002]
    r = big_beta(d, 2000, 2002, compat="reat")
    wide = d.pivot(index="region", columns="year", values="value")
    x, g = np.log(wide[2000]), (np.log(wide[2002]) - np.log(wide[2000])) / 2
    b = np.polyfit(x, g, 1)[0]
    assert r.beta == pytest.approx(b, rel=1e-9)
    assert r.speed == pytest.approx(-np.log(1 + b) / 2, rel=1e-9)
    assert r.half_life == pytest.approx(np.log(2) / r.speed, rel=1e-12)
    plain = big_beta(d, 2000, 2002)
    assert plain.speed == pytest.approx(-np.log(1 + 2 * b) / 2, rel=1e-9)
