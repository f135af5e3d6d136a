"""Currency bases (USD, PPP by vintage, real), the longer study panel, substitute and exclude.

Expected values are computed here from the bundled CSV files read with pandas (not through the
package's conversion code), or are the values quoted in the data's README.
"""

from __future__ import annotations

from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import crossborder as cb
from crossborder.currency import RealIndex, parse_currency
from crossborder.datasets import resource_regions
from crossborder.errors import DataError, UnitError
from crossborder.study import border_part_substitutes, study_panel


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def raw():
    folder = resources.files("crossborder").joinpath("datasets", "ru_kz")
    with folder.joinpath("observations.csv").open("rb") as fh:
        obs = pd.read_csv(fh)
    with folder.joinpath("fx.csv").open("rb") as fh:
        fx = pd.read_csv(fh, dtype={"vintage": str})
    return obs, fx


def _obs(obs, region, indicator):
    o = obs[(obs.region == region) & (obs.indicator == indicator)]
    return o.set_index("year")["value"].astype(float)


def _ppp(fx, country, year, vintage="2026-03"):
    r = fx[(fx.country == country) & (fx.year == year) & (fx.vintage == vintage)]
    return float(r["ppp_lcu_per_intl_dollar"].dropna().iloc[0])


# ---------------------------------------------------------------------- vintages
def test_ppp_vintages_match_the_additions_readme(ds):
    # newest WDI (2026-03, ICP 2021) vs the first compilation's ICP 2017 basis (WDI 2023-06)
    new = ds.panel("grp_per_capita_lcu", regions=["KZ-PAV", "RU-SAM"], currency="PPP", group=None)
    old = ds.panel("grp_per_capita_lcu", regions=["KZ-PAV", "RU-SAM"], currency="PPP:2023-06",
                   group=None)
    lcu = ds.panel("grp_per_capita_lcu", regions=["KZ-PAV"], group=None).to_wide()
    w_new, w_old = new.to_wide(), old.to_wide()
    # README: KZ 2019 136.75 -> 126.17, KZ 2020 140.81 -> 124.88
    assert lcu.loc["KZ-PAV", 2019] / w_new.loc["KZ-PAV", 2019] == pytest.approx(126.17, abs=0.005)
    assert lcu.loc["KZ-PAV", 2019] / w_old.loc["KZ-PAV", 2019] == pytest.approx(136.75, abs=0.005)
    assert lcu.loc["KZ-PAV", 2020] / w_new.loc["KZ-PAV", 2020] == pytest.approx(124.88, abs=0.005)
    # README: the newest vintage adds RU 2020-24 (23.145, 23.685, 26.129, 27.239, ...)
    rub = ds.panel("grp_per_capita_lcu", regions=["RU-SAM"], group=None).to_wide()
    for year, factor in ((2020, 23.145), (2021, 23.685), (2022, 26.129), (2023, 27.239)):
        assert rub.loc["RU-SAM", year] / w_new.loc["RU-SAM", year] == pytest.approx(factor, abs=0.0005)
    assert new.meta["vintage"] == "2026-03" and new.meta["icp_basis"] == "ICP 2021"
    assert old.meta["vintage"] == "2023-06" and old.meta["icp_basis"] == "ICP 2017"
    assert new.unit == "international $ (PPP, ICP 2021, WDI 2026-03)"
    assert "WDI_PPP_DATAHUB_20260305" in new.meta["sources"]


def test_vintage_table_and_bad_spellings(ds):
    v = ds.fx_vintages()
    newest = v[v["newest"]].set_index("rate")["vintage"]
    assert newest["PPP"] == "2026-03" and newest["USD"] == "2025-07"
    assert {"2023-06", "2024-04", "2018-08", "2013", "dose-v2.11"} <= set(v.loc[v.rate == "PPP", "vintage"])
    assert parse_currency("ppp:2023-06").vintage == "2023-06"
    with pytest.raises(UnitError, match="unknown currency basis"):
        ds.panel("grp_per_capita_lcu", regions="border", currency="EUR")
    with pytest.raises(UnitError, match="vintages"):
        ds.panel("grp_per_capita_lcu", regions="border", currency="PPP:1999-01")
    with pytest.raises(UnitError, match="base_year"):
        ds.panel("grp_per_capita_lcu", regions="border", currency="USD", base_year=2015)
    with pytest.raises(UnitError, match="no real growth index"):
        ds.panel("cash_income_per_capita_lcu_month", regions="border", currency="real")


def test_usd_uses_the_newest_exchange_rates(ds, raw):
    obs, fx = raw
    p = ds.panel("grp_per_capita_lcu", regions=["KZ-PAV"], currency="USD", group=None)
    rate = fx[(fx.country == "KZ") & (fx.year == 2022) & (fx.vintage == "2025-07")]["lcu_per_usd"].iloc[0]
    assert p.to_wide().loc["KZ-PAV", 2022] == pytest.approx(_obs(obs, "KZ-PAV", "grp_per_capita_lcu")[2022]
                                                          / rate)
    assert p.meta["currency_basis"] == "USD" and p.meta["vintage"] == "2025-07"
    assert p.unit == "USD (exchange rate, WDI 2025-07)"


# ---------------------------------------------------------------------- real basis
def test_real_basis_against_hand_computation(ds, raw):
    obs, fx = raw
    p = ds.panel("grp_per_capita_lcu", regions=["RU-SAM", "KZ-PAV"], currency="real", group=None)
    w = p.to_wide()
    assert p.meta["base_year"] == 2011 and p.meta["currency_basis"] == "real"
    assert p.meta["vintage"] == "2026-03"
    assert p.unit == "international $ at 2011 prices (PPP ICP 2021, WDI 2026-03; real growth indices)"

    # Samara: 2011 level at PPP, carried by the per-capita volume index (% of previous year)
    sam = _obs(obs, "RU-SAM", "grp_per_capita_lcu")[2011] / _ppp(fx, "RU", 2011)
    vi = _obs(obs, "RU-SAM", "grp_per_capita_volume_index") / 100
    assert w.loc["RU-SAM", 2011] == pytest.approx(sam)
    assert w.loc["RU-SAM", 2016] == pytest.approx(sam * np.prod([vi[y] for y in range(2012, 2017)]))
    assert w.loc["RU-SAM", 2023] == pytest.approx(sam * np.prod([vi[y] for y in range(2012, 2024)]))
    assert w.loc["RU-SAM", 2008] == pytest.approx(sam / (vi[2009] * vi[2010] * vi[2011]))

    # Pavlodar: 2011 level at PPP, carried by the real index (% of 2005) rebased to 2011
    pav = _obs(obs, "KZ-PAV", "grp_per_capita_lcu")[2011] / _ppp(fx, "KZ", 2011)
    ix = _obs(obs, "KZ-PAV", "grp_per_capita_real_index_2005")
    for year in (2010, 2015, 2023):
        assert w.loc["KZ-PAV", year] == pytest.approx(pav * ix[year] / ix[2011])
    assert 2009 not in set(p.frame.loc[p.frame.region == "KZ-PAV", "time"])   # index starts 2010


def test_real_basis_before_2005_uses_volume_index_over_population_growth(ds, raw):
    obs, fx = raw
    p = ds.panel("grp_per_capita_lcu", regions=["RU-SAM"], currency="real", base_year=2015, group=None)
    w = p.to_wide()
    base = _obs(obs, "RU-SAM", "grp_per_capita_lcu")[2015] / _ppp(fx, "RU", 2015)
    pc = _obs(obs, "RU-SAM", "grp_per_capita_volume_index") / 100
    total = _obs(obs, "RU-SAM", "grp_volume_index") / 100
    pop = _obs(obs, "RU-SAM", "population_avg")
    # 2003 = base / (growth 2004 ... 2015); 2004 per-capita growth = volume index / population growth
    g2004 = total[2004] / (pop[2004] / pop[2003])
    expected = base / (g2004 * np.prod([pc[y] for y in range(2005, 2016)]))
    assert w.loc["RU-SAM", 2003] == pytest.approx(expected)
    assert "grp_volume_index/population growth" in p.meta["real_index"]["RU-SAM"]


def test_real_basis_with_an_older_ppp_vintage(ds, raw):
    obs, fx = raw
    p = ds.panel("grp_per_capita_lcu", regions=["KZ-PAV"], currency="real:2018-08", base_year=2012,
                 group=None)
    ix = _obs(obs, "KZ-PAV", "grp_per_capita_real_index_2005")
    base = _obs(obs, "KZ-PAV", "grp_per_capita_lcu")[2012] / _ppp(fx, "KZ", 2012, "2018-08")
    assert p.to_wide().loc["KZ-PAV", 2020] == pytest.approx(base * ix[2020] / ix[2012])
    assert p.meta["vintage"] == "2018-08"


# ---------------------------------------------------------------------- study panel
def test_default_study_panel_runs_to_2021_or_later_and_names_its_basis(ds):
    # nominal: both sides have 2022, given up to keep East Kazakhstan (no 2022 on 2019 boundaries)
    p = study_panel(ds)
    assert p.times[-1] == 2021 and p.meta["span_trimmed"] == {2022: ["KZ-VOS"]}
    assert study_panel(ds, years=(2008, 2022)).times[-1] == 2022
    assert p.meta["currency_basis"] == "USD" and p.meta["vintage"] == "2025-07"
    assert "WDI 2025-07" in p.unit
    # real: the Kazakh index runs to 2023
    real = study_panel(ds, currency="real")
    assert real.times[-1] == 2023 and real.meta["base_year"] == 2011


def test_altai_republic_is_in_the_panels(ds):
    assert "RU-AL" in study_panel(ds, regions="all").regions
    assert "RU-AL" in study_panel(ds, regions="border").regions
    assert "RU-AL" in study_panel(ds, currency="real").regions


def test_substitute_tyumen_without_okrugs(ds, raw):
    obs, fx = raw
    assert border_part_substitutes(ds) == {"RU-TYU": "RU-TYU-XAO"}
    p = study_panel(ds, substitute=border_part_substitutes(ds))
    assert p.meta["substitute"] == {"RU-TYU": "RU-TYU-XAO"}
    assert "RU-TYU-XAO" not in p.regions and "RU-TYU" in p.regions
    assert p.times[0] == 2011                     # the southern part has GRP from 2011
    rate = fx[(fx.country == "RU") & (fx.year == 2019) & (fx.vintage == "2025-07")]["lcu_per_usd"].iloc[0]
    xao = _obs(obs, "RU-TYU-XAO", "grp_per_capita_lcu")
    assert p.to_wide().loc["RU-TYU", 2019] == pytest.approx(xao[2019] / rate)
    w = p.weight_matrix()
    assert w.values[list(w.regions).index("RU-TYU"), list(w.times).index(2019)] == \
        _obs(obs, "RU-TYU-XAO", "population_avg")[2019]
    with_okrugs = study_panel(ds)
    assert with_okrugs.to_wide().loc["RU-TYU", 2019] > 2 * p.to_wide().loc["RU-TYU", 2019]


def test_exclude_and_resource_regions(ds):
    res = resource_regions(ds)
    assert {"RU-TYU", "RU-KHM", "RU-YAN", "KZ-ATY", "KZ-MAN", "KZ-ZAP", "KZ-AKT", "RU-SAK"} <= set(res.region)
    assert res["reason"].str.len().gt(10).all()
    p = study_panel(ds, exclude=list(res["region"]))
    assert not set(res["region"]) & set(p.regions)
    assert p.meta["excluded"] == ["RU-TYU", "KZ-ATY", "KZ-ZAP", "KZ-AKT"]   # the border ones
    assert "RU-SAK" in p.meta["exclude_not_selected"]
    assert len(p.regions) == len(study_panel(ds).regions) - 4
    p2 = study_panel(ds, exclude=["RU-TYU"])
    assert "RU-TYU" not in p2.regions and p2.meta["excluded"] == ["RU-TYU"]
    with pytest.raises(DataError, match="unknown region codes"):
        study_panel(ds, exclude=["RU-XXX"])
    with pytest.raises(DataError, match="another group"):
        study_panel(ds, substitute={"RU-TYU": "KZ-MAN"})
    with pytest.raises(DataError, match="in the selection already"):
        study_panel(ds, regions="border", substitute={"RU-TYU": "RU-OMS"})


# ---------------------------------------------------------------------- any dataset
def _toy() -> cb.Dataset:
    """Two countries, two regions each, EUR and UAH; a chain index for the real basis; rates in two
    vintages. Region A2 has a part A2s that can stand in for it."""
    regions = gpd.GeoDataFrame({
        "region": ["A1", "A2", "A2s", "B1", "B2"], "country": ["A", "A", "A", "B", "B"],
        "border": [True, True, False, True, True], "analysis_unit": [True, True, False, True, True],
        "part_of": [None, None, "A2", None, None]}, geometry=[None] * 5)
    rows = []
    for r, cur, base in (("A1", "EUR", 100.0), ("A2", "EUR", 200.0), ("A2s", "EUR", 50.0),
                         ("B1", "UAH", 1000.0), ("B2", "UAH", 3000.0)):
        for i, y in enumerate(range(2000, 2004)):
            if r == "A2s" and y == 2000:
                continue
            rows.append((r, y, "gdp_pc", base * (1 + 0.1 * i), cur, "S", ""))
            rows.append((r, y, "gdp_pc_growth", 102.0 + i, "percent of previous year", "S", ""))
    obs = pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit", "source", "flag"])
    fx = pd.DataFrame({
        "country": ["A", "B"] * 8, "year": np.repeat([2000, 2001, 2002, 2003] * 2, 2),
        "vintage": ["2020-01"] * 8 + ["2024-01"] * 8,
        "lcu_per_usd": [1.0, 10.0] * 4 + [np.nan] * 8,
        "ppp_lcu_per_intl_dollar": [np.nan] * 8 + [0.5, 4.0] * 4, "source": "S", "flag": ""})
    sources = pd.DataFrame({"source": ["S"], "citation": ["toy"], "licence": ["none"]})
    return cb.Dataset(regions=regions, observations=obs, sources=sources, name="toy", fx=fx,
                      meta={"real_indices": {"gdp_pc": (RealIndex("gdp_pc_growth"),)}})


def test_bases_substitute_and_exclude_on_any_dataset():
    toy = _toy()
    usd = study_panel(toy, "gdp_pc", regions="all", weight=None)
    assert usd.to_wide().loc["B2", 2001] == pytest.approx(3300.0 / 10.0)
    assert usd.meta["vintage"] == "2020-01"
    ppp = study_panel(toy, "gdp_pc", regions="all", weight=None, currency="PPP")
    assert ppp.to_wide().loc["B2", 2001] == pytest.approx(3300.0 / 4.0)
    real = study_panel(toy, "gdp_pc", regions="all", weight=None, currency="real", base_year=2001)
    # B1: 2001 level at PPP 1100 / 4, then * 1.04 (2002) and / 1.03 (back to 2000)
    assert real.to_wide().loc["B1", 2002] == pytest.approx(1100.0 / 4 * 1.04)
    assert real.to_wide().loc["B1", 2000] == pytest.approx(1100.0 / 4 / 1.03)
    sub = study_panel(toy, "gdp_pc", regions="all", weight=None, substitute={"A2": "A2s"})
    assert list(sub.times) == [2001, 2002, 2003]     # the stand-in starts in 2001
    assert sub.to_wide().loc["A2", 2002] == pytest.approx(60.0)
    ex = study_panel(toy, "gdp_pc", regions="all", weight=None, exclude=["B2"])
    assert list(ex.regions) == ["A1", "A2", "B1"] and ex.meta["excluded"] == ["B2"]
