"""The integration test's and the currency bases' choices that issue 23's planted bugs changed
without a failing test: the break test's Wald df, the border regions of the sigma break, alpha and
the standard errors passed through, flagged exchange rates and the PPP level of the real basis —
each against statsmodels or a hand computation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from shapely.geometry import box

from crossborder import Panel
from crossborder.currency import parse_currency, rate_table
from crossborder.measures.dispersion import sigma
from crossborder.study.integration import break_test, integration

YEARS = list(range(2004, 2016))
BREAK = 2010


def _trend_design(years: np.ndarray) -> np.ndarray:
    c = years - float(BREAK)
    post = (years >= BREAK).astype(float)
    return np.column_stack([np.ones_like(c), c, post, c * post])


def test_break_wald_is_chi2_with_two_degrees_of_freedom():
    years = np.array(YEARS)
    rng = np.random.default_rng(11)
    s = pd.Series(0.4 + 0.01 * (years - 2004) - 0.003 * np.clip(years - BREAK, 0, None)
                  + rng.normal(0, 0.006, len(years)), index=years)
    bt = break_test(s, BREAK)
    fit = sm.OLS(s.to_numpy(), _trend_design(years)).fit()
    R = np.array([[0, 0, 1.0, 0], [0, 0, 0, 1.0]])
    r = R @ fit.params
    W = float(r @ np.linalg.solve(R @ fit.cov_params() @ R.T, r))
    assert bt.wald == pytest.approx(W, rel=1e-9)
    assert bt.wald_pvalue == pytest.approx(stats.chi2.sf(W, 2), rel=1e-9)
    assert abs(stats.chi2.sf(W, 1) - stats.chi2.sf(W, 2)) > 0.01       # 1 df would differ clearly
    assert 0.001 < bt.wald_pvalue < 0.9


def _squares() -> gpd.GeoDataFrame:
    """3 x 4 squares: columns 0-1 'West', 2-3 'East'; the border regions are columns 1 and 2."""
    return gpd.GeoDataFrame(
        [{"region": f"{'W' if c < 2 else 'E'}{r}{c}", "country": "West" if c < 2 else "East",
          "geometry": box(c, r, c + 1, r + 1)} for r in range(3) for c in range(4)], crs="EPSG:4326")


def _panel(seed: int = 2) -> Panel:
    geo = _squares()
    rng = np.random.default_rng(seed)
    t = np.arange(len(YEARS))
    inner = geo["region"].str[-1].isin(["1", "2"]).to_numpy()
    # the outer columns spread out fast, the border columns slowly converge after the break
    logs = rng.normal(0, 0.3, (12, 1)) * (1.0 + 0.15 * t[None, :] * (~inner)[:, None])
    logs = logs + rng.normal(0, 0.05, (12, len(YEARS)))
    return Panel.from_matrix(np.exp(logs), regions=list(geo["region"]), times=YEARS,
                             groups=list(geo["country"]))


def test_sigma_break_is_on_the_border_regions_only():
    panel, geo = _panel(), _squares()
    res = integration(panel, [BREAK], geometry=geo, control="all", n_boot=99, placebo=False)
    row = res.table[res.table["test"] == "sigma_break"].iloc[0]
    border = [r for r in panel.regions if r[-1] in "12"]
    sd = sigma(panel.select(regions=border), "sd_log")["sd_log"]
    years = np.array(YEARS)
    fit = sm.OLS(sd.to_numpy(), _trend_design(years)).fit()
    assert row["estimate"] == pytest.approx(fit.params[3], rel=1e-9)
    assert row["se"] == pytest.approx(fit.bse[3], rel=1e-9)
    every = sigma(panel, "sd_log")["sd_log"]
    other = sm.OLS(every.to_numpy(), _trend_design(years)).fit().params[3]
    assert abs(other - row["estimate"]) > 0.01                         # all regions: clearly other


def test_alpha_reaches_the_did_interval():
    panel, geo = _panel(), _squares()
    res = integration(panel, [BREAK], geometry=geo, control="all", alpha=0.2, n_boot=99, placebo=False)
    d = res.did[BREAK]
    row = res.table[res.table["test"] == "did"].iloc[0]
    q = stats.t.ppf(0.9, d.n_clusters - 1)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((d.coef - q * d.se, d.coef + q * d.se), rel=1e-9)
    ev = d.event[d.event["rel_time"] == 0].iloc[0]
    assert ev["ci_high"] - ev["coef"] == pytest.approx(q * ev["se"], rel=1e-9)


def test_the_break_tests_use_the_requested_standard_errors():
    panel, geo = _panel(), _squares()
    res = integration(panel, [BREAK], geometry=geo, control="all", cov_type="HC1", n_boot=99,
                      placebo=False)
    row = res.table[res.table["test"] == "sigma_break"].iloc[0]
    assert row["se_type"] == "HC1"
    border = [r for r in panel.regions if r[-1] in "12"]
    sd = sigma(panel.select(regions=border), "sd_log")["sd_log"]
    fit = sm.OLS(sd.to_numpy(), _trend_design(np.array(YEARS))).fit(cov_type="HC1")
    assert row["se"] == pytest.approx(fit.bse[3], rel=1e-9)
    classical = sm.OLS(sd.to_numpy(), _trend_design(np.array(YEARS))).fit().bse[3]
    assert abs(classical - row["se"]) > 1e-3 * classical


FX = pd.DataFrame({
    "country": ["KZ", "RU", "KZ", "RU", "KZ", "RU"], "year": [2014, 2014, 2015, 2015, 2016, 2016],
    "lcu_per_usd": [179.19, 38.38, 221.73, 60.94, 342.16, 67.06],
    "ppp_lcu_per_intl_dollar": [96.0, 17.5, 104.0, 23.0, 113.0, 24.0],
    "vintage": "2025-07", "source": "WDI", "flag": ["", "", "suspect", "x;suspect", "x", ""]})


def test_flagged_rates_are_left_out():
    rates, vintage, _ = rate_table(FX, parse_currency("USD"), exclude_flags=("suspect",))
    assert vintage == "2025-07"
    kept = set(zip(rates["country"], rates["year"], strict=True))
    assert kept == {("KZ", 2014), ("RU", 2014), ("KZ", 2016), ("RU", 2016)}
    every, _, _ = rate_table(FX, parse_currency("USD"))
    assert len(every) == 6


def test_the_real_basis_takes_its_levels_at_ppp():
    spec = parse_currency("real")
    assert spec.rate_column == "ppp_lcu_per_intl_dollar"
    rates, _, _ = rate_table(FX, spec)
    got = rates.set_index(["country", "year"])["rate"]
    assert got.loc[("RU", 2015)] == pytest.approx(23.0)
    assert got.loc[("KZ", 2014)] == pytest.approx(96.0)
    assert parse_currency("USD").rate_column == "lcu_per_usd"
