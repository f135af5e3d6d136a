"""Border zones and distances on the built-in Russia–Kazakhstan data, checked independently."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer

import crossborder as cb
from crossborder.border.geometry import border_line
from crossborder.border.zones import border_zone, city_distances, equal_area_crs


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def border_units(ds):
    """The border regions with a polygon of their own (RU-TYU-XAO stands for Tyumen)."""
    r = ds.regions
    return r[(r["border"] | r["border_part"]) & (r["geometry_basis"] == "own")]


@pytest.fixture(scope="module")
def line(ds):
    return border_line(ds.base_regions)


def _haversine_km(lon1, lat1, lon2, lat2, radius=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl, dp = math.radians(lon2 - lon1), p2 - p1
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))


def _distance_to_territory_km(lon, lat, territory) -> float:
    """Exact geodesic distance from a point to a polygon, in an azimuthal equidistant projection
    centred on the point (distances from the centre are true)."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    t = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    local = shapely.transform(territory, lambda xy: np.column_stack(t.transform(*xy.T)))
    return shapely.distance(shapely.Point(0, 0), local) / 1000.0


def test_equal_area_crs_centres_on_russia_across_the_antimeridian(ds):
    crs = equal_area_crs(ds.base_regions[ds.base_regions["country"] == "RU"])
    op = crs.coordinate_operation
    assert "Lambert Azimuthal Equal Area" in op.method_name
    params = {p.name: p.value for p in op.params}
    assert 60 < params["Longitude of natural origin"] < 120
    assert 50 < params["Latitude of natural origin"] < 70


def test_thin_zone_is_a_strip_along_the_border(border_units, line):
    # a 1 km zone is 1 km x the (geodesic) border length on each side, up to the line's bends
    # (the buffer's inner corners overlap: the deficit grows with D, 7% at 10 km for this
    # wiggly line)
    for d, tol in ((1.0, 0.005), (10.0, 0.1)):
        g = border_zone(border_units, d, line=line).by_group()
        for side in ("RU", "KZ"):
            assert g.loc[side, "zone_km2"] == pytest.approx(d * line.length_km, rel=tol)
            assert g.loc[side, "zone_km2"] < d * line.length_km


def test_zone_grows_with_distance_and_covers_everything(border_units, line):
    shares = [border_zone(border_units, d, line=line).by_group()["zone_share"]
              for d in (0.0, 50.0, 150.0, 300.0, 3000.0)]
    assert (shares[0] == 0).all()
    for lo, hi in zip(shares, shares[1:], strict=False):
        assert (hi > lo).all()
    assert shares[-1].to_numpy() == pytest.approx(1.0)
    # the paper's 150 km reach: between 40% and 60% of the border regions' area on each side
    assert ((shares[2] > 0.4) & (shares[2] < 0.6)).all()


def test_zone_population_is_population_times_area_share(ds, border_units, line):
    pop = ds.panel("population", regions=list(border_units["region"]))
    z = border_zone(border_units, 150.0, line=line, population=pop, year=2019)
    f = z.regions.set_index("region")
    wide = pop.to_wide()[2019]
    np.testing.assert_allclose(f["zone_population"],
                               wide.reindex(f.index) * f["zone_share"], rtol=1e-12)
    assert f.loc["KZ-SEV", "population"] == wide["KZ-SEV"]


def test_cities_in_zone_agree_with_their_distance_to_the_border(ds, border_units, line):
    z = border_zone(border_units, 150.0, line=line, cities=ds.cities, city_region_col="region")
    d = city_distances(z.cities, line=line)
    merged = z.cities.merge(d[["geonameid", "border_km"]], on="geonameid")
    near_edge = (merged["border_km"] - 150.0).abs() < 1.5      # 1% of D: the zone's accuracy
    ok = merged["in_zone"] == (merged["border_km"] <= 150.0)
    assert (ok | near_edge).all()
    assert merged["in_zone"].sum() > 50
    f = z.regions.set_index("region")
    # every city of North Kazakhstan is its capital Petropavl, 46 km from the border
    assert f.loc["KZ-SEV", "zone_n_cities"] == f.loc["KZ-SEV", "n_cities"] == 1


@pytest.mark.parametrize("city", ["Omsk", "Petropavl", "Oral", "Kurgan", "Orenburg",
                                  "Ust-Kamenogorsk", "Pavlodar", "Chelyabinsk", "Aktobe",
                                  "Astrakhan"])
def test_distance_to_the_border_matches_distance_to_the_other_country(ds, line, city):
    d = city_distances(ds.cities, line=line).set_index("city")
    row = d.loc[city]
    other = ds.base_regions[ds.base_regions["country"] != row["country"]]
    exact = _distance_to_territory_km(row["lon"], row["lat"], shapely.union_all(other.geometry))
    assert row["border_km"] == pytest.approx(exact, abs=0.3)


def test_capitals_distances_are_plausible(ds, line):
    d = city_distances(ds.cities, line=line).set_index("city")
    # regional centres next to the border (Natural Earth 10m lines, generalised)
    assert d.loc["Oral", "border_km"] < 50
    assert d.loc["Petropavl", "border_km"] < 80
    assert 70 < d.loc["Omsk", "border_km"] < 140
    assert 200 < d.loc["Barnaul", "border_km"] < 320
    # the nearest city across is a geodesic distance: check one against the haversine
    om = d.loc["Omsk"]
    across = d.loc[om["across"]]
    assert om["across_km"] == pytest.approx(
        _haversine_km(om["lon"], om["lat"], across["lon"], across["lat"]), rel=0.005)
    big = city_distances(ds.cities, line=line, min_population=300_000).set_index("city")
    assert big.loc["Pavlodar", "across"] == "Omsk"
    assert big.loc["Pavlodar", "across_km"] == pytest.approx(385, abs=5)
