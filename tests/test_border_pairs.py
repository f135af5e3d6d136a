"""Twin cities, agglomerations and pair gaps on the built-in Russia–Kazakhstan data.

The paper's five cross-border agglomerations (Stepanov et al. 2020): Atyrau–Astrakhan,
Samara–Uralsk (Oral), Chelyabinsk–Kurgan–Petropavlovsk (Petropavl), Omsk–Pavlodar,
Barnaul–Ust-Kamenogorsk. What the data support (regional capitals of the 19 border regions,
geodesic distances): every named link is a cross-border pair within 400 km, and single linkage
at 400 km puts each named group inside one cluster — but it cannot keep Omsk–Pavlodar apart
from Chelyabinsk–Kurgan–Petropavl (Omsk–Petropavl, 271 km, is shorter than Omsk–Pavlodar,
385 km), and it also finds Orenburg–Aktobe (222 km, the closest pair of regional capitals on the
border), which the paper does not list.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import crossborder as cb
from crossborder.border.geometry import cross_border_pairs
from crossborder.border.pairs import agglomerations, city_links, pair_gaps, twin_cities

PAPER = [("Astrakhan", "Atyrau"), ("Samara", "Oral"), ("Chelyabinsk", "Kurgan", "Petropavl"),
         ("Omsk", "Pavlodar"), ("Barnaul", "Ust-Kamenogorsk")]


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def capitals(ds):
    """Regional capitals of the 19 border regions (Tyumen city for RU-TYU)."""
    r = ds.regions
    border = set(r.loc[r["border"] | r["border_part"], "region"])
    c = ds.cities
    return c[c["capital"] & c["region"].isin(border)].reset_index(drop=True)


def _km(c, x, y):
    a = c.set_index("city").loc[x]
    b = c.set_index("city").loc[y]
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b["lon"] - a["lon"]) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_capitals_are_the_nineteen_border_regions(capitals):
    assert len(capitals) == 19
    assert (capitals["country"] == "RU").sum() == 12


def test_paper_links_are_cross_border_pairs_within_400_km(capitals):
    t = twin_cities(capitals, 400.0)
    found = {(a, b) for a, b in zip(t["a_city"], t["b_city"], strict=True)}
    for ru, kz in [("Astrakhan", "Atyrau"), ("Samara", "Oral"), ("Kurgan", "Petropavl"),
                   ("Omsk", "Pavlodar"), ("Barnaul", "Ust-Kamenogorsk")]:
        assert (ru, kz) in found
        row = t[(t["a_city"] == ru) & (t["b_city"] == kz)].iloc[0]
        assert row["distance_km"] == pytest.approx(_km(capitals, ru, kz), rel=0.005)
    # the link inside Russia that makes the Chelyabinsk-Kurgan-Petropavl chain
    links = city_links(capitals, 400.0, link="any")
    inner = links[(links["city_i"].isin(["Chelyabinsk", "Kurgan"]))
                  & (links["city_j"].isin(["Chelyabinsk", "Kurgan"]))]
    assert len(inner) == 1 and inner["distance_km"].iloc[0] < 260
    # Omsk-Pavlodar is about 385 km, and Omsk is nearer to Petropavl
    assert _km(capitals, "Omsk", "Pavlodar") == pytest.approx(385, abs=5)
    assert _km(capitals, "Omsk", "Petropavl") < _km(capitals, "Omsk", "Pavlodar")


def test_agglomerations_of_regional_capitals(capitals):
    ag = agglomerations(capitals, 400.0, capitals_only=True)
    groups = [set(n.split("–")) for n in ag.names()]
    for named in PAPER:
        assert sum(set(named) <= g for g in groups) == 1, named
    assert {"Astrakhan", "Atyrau"} in groups
    assert {"Barnaul", "Ust-Kamenogorsk", "Gorno-Altaysk"} in groups
    north = next(g for g in groups if "Omsk" in g)
    assert {"Chelyabinsk", "Kurgan", "Petropavl", "Omsk", "Pavlodar"} <= north
    west = next(g for g in groups if "Samara" in g)
    assert {"Orenburg", "Aktobe"} <= west
    assert len(groups) == 4
    # below 385 km Omsk-Pavlodar and Barnaul-Ust-Kamenogorsk fall apart,
    # below 306 km Astrakhan-Atyrau too
    at350 = [set(n.split("–")) for n in agglomerations(capitals, 350.0).names()]
    assert not any({"Omsk", "Pavlodar"} <= g for g in at350)
    assert not any({"Barnaul", "Ust-Kamenogorsk"} <= g for g in at350)
    at300 = [set(n.split("–")) for n in agglomerations(capitals, 300.0).names()]
    assert not any("Astrakhan" in g for g in at300)
    # ranking by population: the northern chain is the largest
    assert ag.table.iloc[0]["name"].split("–")[0] == "Chelyabinsk"
    pop = capitals.set_index("city")["population"]
    assert ag.table.iloc[0]["population"] == pytest.approx(pop[sorted(north)].sum())


def test_all_cities_and_population_floor(ds):
    # with every town, 150 km links and a 100,000 floor: the Orsk-Aktobe and Semey-Rubtsovsk
    # pairs are the cross-border agglomerations in 1.5-hour reach
    ag = agglomerations(ds.cities, 150.0, min_population=100_000)
    names = [set(n.split("–")) for n in ag.names()]
    assert {"Aktobe", "Orsk", "Novotroitsk"} in names
    assert {"Semey", "Rubtsovsk"} in names
    assert (ag.members.groupby("agglomeration")["country"].nunique() == 2).all()
    assert (ag.links["distance_km"] <= 150.0).all()


def test_pair_gaps_on_grp_per_capita(ds):
    r = ds.regions
    units = r[r["analysis_unit"] & r.geometry.notna()]
    pairs = cross_border_pairs(units)
    p = ds.panel("grp_per_capita_lcu", currency="USD", regions="all")
    pairs = pairs[pairs["a_region"].isin(p.regions) & pairs["b_region"].isin(p.regions)]
    res = pair_gaps(p, pairs)
    wide = p.to_wide()
    g = res.gaps.set_index(["a_region", "b_region", "year"])
    row = g.loc[("RU-TYU", "KZ-SEV", 2019)]
    assert row["ratio"] == pytest.approx(wide.loc["RU-TYU", 2019] / wide.loc["KZ-SEV", 2019])
    assert row["log_gap"] == pytest.approx(math.log(row["ratio"]))
    tr = res.trends.set_index(["a_region", "b_region"])
    assert tr.loc[("RU-TYU", "KZ-SEV"), "first"] > 1.0           # Tyumen far richer
    # slope and se agree with statsmodels' OLS on the same years
    sm = pytest.importorskip("statsmodels.api")
    one = res.gaps[(res.gaps["a_region"] == "RU-OMS") & (res.gaps["b_region"] == "KZ-PAV")]
    one = one.dropna(subset=["log_gap"])
    fit = sm.OLS(one["log_gap"].to_numpy(), sm.add_constant(one["year"].to_numpy(float))).fit()
    assert tr.loc[("RU-OMS", "KZ-PAV"), "slope"] == pytest.approx(fit.params[1])
    assert tr.loc[("RU-OMS", "KZ-PAV"), "se"] == pytest.approx(fit.bse[1])
    assert tr.loc[("RU-OMS", "KZ-PAV"), "n"] == len(one)
    narrowing = res.trends[res.trends["narrowing"] & ~res.trends["crossed"]]
    assert (narrowing["half_life"] > 0).all()
    assert np.isnan(res.trends.loc[~res.trends["narrowing"], "half_life"]).all()


def test_pair_gaps_unknown_region(ds):
    p = ds.panel("population")
    with pytest.raises(cb.DataError, match="not in the panel"):
        pair_gaps(p, pd.DataFrame({"a_region": ["RU-OMS"], "b_region": ["XX-NONE"]}))
