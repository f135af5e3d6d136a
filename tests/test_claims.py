"""The paper's claims checked against the data."""

from __future__ import annotations

import pytest

import crossborder as cb
from crossborder.claims import (
    claim_border_length,
    claim_border_regions,
    claim_gdp_shares,
    claim_unemployment,
    grp_usd,
    unemployment_pairs,
)


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


def test_border_regions_from_geometry_are_12_plus_7(ds):
    c = claim_border_regions(ds)
    assert c.data == "12 + 7" and c.verdict == "supported"
    assert "RU-SAM" in c.note   # Samara meets West Kazakhstan only at a point


def test_border_length_is_in_range(ds):
    km = float(claim_border_length(ds).data.split()[0].replace(",", ""))
    assert 6000 < km < 8000


def test_grp_in_usd_uses_the_annual_rate(ds):
    g = grp_usd(ds, 2019).set_index("region")
    # Samara 2019: 1,689,575.4 million RUB (Rosstat 1998-2023 release) at 64.7376583333333 RUB/USD
    # (WDI 2025-07, the newest exchange-rate vintage)
    assert g.loc["RU-SAM", "grp_usd"] == pytest.approx(1689575.4e6 / 64.7376583333333)


def test_kazakh_share_of_gdp_2019(ds):
    kz = claim_gdp_shares(ds)[0]
    obs = ds.observations
    g = obs[(obs.indicator == "grp_lcu") & (obs.year == 2019)].set_index("region")["value"]
    units = ds.regions[(ds.regions.country == "KZ") & ds.regions.analysis_unit].region
    border = ds.border_regions[ds.border_regions.country == "KZ"].region
    assert kz.data == f"{100 * g[border].sum() / g.reindex(units).sum():.1f}%"


def test_unemployment_pairs(ds):
    t = unemployment_pairs(ds).set_index(["ru", "kz"])
    assert t.loc[("RU-AST", "KZ-ATY"), "unemp_ru"] == 7.6
    assert t.loc[("RU-AST", "KZ-ATY"), "unemp_kz"] == 4.8
    assert t.loc[("RU-ORE", "KZ-AKT"), "kz_lower"] == 0
    c = claim_unemployment(ds)
    assert "RU-TYU" in c.data and "RU-ORE" in c.data


def test_border_capitals_distances(ds):
    from crossborder.claims import border_capitals

    caps = border_capitals(ds).set_index("city")
    assert len(caps) == 19
    # Oral (Uralsk) lies close to the border; Samara is its nearest capital across it
    assert caps.loc["Oral", "border_km"] < 50
    assert caps.loc["Oral", "across"] == "Samara"
    assert caps.loc["Omsk", "region"] == "RU-OMS"
    assert caps.loc["Tyumen", "region"] == "RU-TYU"


def test_population_in_reach_is_a_proxy_not_a_verdict(ds):
    from crossborder.claims import claim_population_in_reach, zone_of_border_regions

    assert claim_population_in_reach(ds).verdict == "cannot be checked"
    g = zone_of_border_regions(ds).by_group()
    assert ((g["zone_population_share"] > 0) & (g["zone_population_share"] < 1)).all()


def test_gross_product_claim(ds):
    from crossborder.claims import claim_gross_product

    c = claim_gross_product(ds)
    g = grp_usd(ds, 2019)
    border = g[g["border"] & g["analysis_unit"]]
    assert c.data.startswith(f"${border['grp_usd'].sum() / 1e9:,.0f} billion")
    # the Rosstat release gives the Altai Republic GRP for every year: all 19 regions count
    assert c.verdict == "supported" and "(19 of 19 regions)" in c.data
