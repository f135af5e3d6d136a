"""The bundled Russia-Kazakhstan geometry and cities: valid coverage, border of 12 + 7 regions."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from crossborder.border.geometry import border_line, border_regions, cross_border_pairs

DATA = Path(__file__).resolve().parents[1] / "src" / "crossborder" / "datasets" / "ru_kz"
GEOJSON = DATA / "regions_geometry.geojson"
CITIES = DATA / "cities.csv"

RU_BORDER = {"RU-AST", "RU-VGG", "RU-SAR", "RU-SAM", "RU-ORE", "RU-CHE", "RU-KGN",
             "RU-TYU-XAO", "RU-OMS", "RU-NVS", "RU-ALT", "RU-AL"}
KZ_BORDER = {"KZ-ATY", "KZ-ZAP", "KZ-AKT", "KZ-KUS", "KZ-SEV", "KZ-PAV", "KZ-VOS"}


@pytest.fixture(scope="module")
def shapes() -> gpd.GeoDataFrame:
    return gpd.read_file(GEOJSON)


@pytest.fixture(scope="module")
def regions_csv() -> pd.DataFrame:
    return pd.read_csv(DATA / "regions.csv", dtype=str, keep_default_na=False)


def test_file_is_a_valid_coverage_in_wgs84(shapes):
    assert shapes.crs.to_epsg() == 4326
    assert GEOJSON.stat().st_size < 1_200_000
    assert shapes["region"].is_unique
    assert set(shapes.geom_type) <= {"Polygon", "MultiPolygon"}
    assert not shapes.geometry.is_empty.any()
    assert shapes.geometry.is_valid.all()
    geoms = np.asarray(shapes.geometry.values, dtype=object)
    assert shapely.coverage_is_valid(geoms)
    assert all(e.is_empty for e in shapely.coverage_invalid_edges(geoms))
    xy = shapely.get_coordinates(geoms)
    assert xy[:, 0].min() >= -180 and xy[:, 0].max() <= 180
    assert xy[:, 1].min() > 35 and xy[:, 1].max() < 90


def test_chukotka_reaches_the_antimeridian_from_both_sides(shapes):
    chu = shapes.loc[shapes["region"] == "RU-CHU"].geometry.iloc[0]
    lon = shapely.get_coordinates(chu)[:, 0]
    assert lon.min() == -180.0 and lon.max() == 180.0
    assert chu.is_valid


def test_codes_are_base_units_of_regions_csv(shapes, regions_csv):
    codes = set(shapes["region"])
    assert codes <= set(regions_csv["region"])
    # aggregates never have their own polygon; their parts do
    for aggregate in ("RU-TYU", "RU-ARK", "KZ-ALM_ALA", "KZ-AKM_AST"):
        assert aggregate not in codes
    assert {"RU-TYU-XAO", "RU-KHM", "RU-YAN", "RU-ARK-XAO", "RU-NEN", "KZ-ALM", "KZ-ALA",
            "KZ-AKM", "KZ-AST", "KZ-YUZ_SHY"} <= codes
    without = set(regions_csv["region"]) - codes
    assert without == {"RU-TYU", "RU-ARK", "KZ-ALM_ALA", "KZ-AKM_AST", "KZ-YUZ", "KZ-SHY"}
    country = dict(zip(regions_csv["region"], regions_csv["country"], strict=True))
    assert (shapes["country"] == shapes["region"].map(country)).all()


def test_border_regions_are_the_papers_12_plus_7(shapes):
    got = border_regions(shapes, "country", "RU", "KZ")
    assert set(got.loc[got["group"] == "RU", "region"]) == RU_BORDER
    assert set(got.loc[got["group"] == "KZ", "region"]) == KZ_BORDER
    # Samara touches West Kazakhstan only at a point in Natural Earth v4.1.0
    samara = got.set_index("region").loc["RU-SAM"]
    assert samara["contact"] == "point" and samara["length_km"] == 0
    strict = border_regions(shapes, "country", "RU", "KZ", contacts=("edge",))
    assert set(strict["region"]) == (RU_BORDER | KZ_BORDER) - {"RU-SAM"}
    # the same membership holds when the Russian side is the whole country
    assert set(border_regions(shapes, "country", "KZ", "RU")["region"]) == RU_BORDER | KZ_BORDER


def test_border_line_length(shapes):
    line = border_line(shapes, "country", "RU", "KZ")
    # the paper gives 7,512 km; the generalised Natural Earth polygons give ~6,571 km
    assert 6_000 < line.length_km < 8_000
    assert line.length_km == pytest.approx(6_571, abs=5)
    assert line.geometry.geom_type == "LineString"  # one continuous line, Caspian to Altai
    start, end = line.geometry.coords[0], line.geometry.coords[-1]
    west, east = sorted([start, end])
    # west end on the Caspian coast east of the Volga delta (the Kigach mouth, ~49.2 E 46.3 N),
    # east end at the tripoint with China in the Altai (~87.3 E 49.1 N)
    assert 48.8 < west[0] < 49.6 and 46.0 < west[1] < 46.7
    assert 87.0 < east[0] < 87.6 and 48.9 < east[1] < 49.3


def test_cross_border_pairs(shapes):
    pairs = cross_border_pairs(shapes, "country", "RU", "KZ")
    edge = pairs[pairs["contact"] == "edge"]
    found = set(map(tuple, edge[["a_region", "b_region"]].values))
    assert found == {
        ("RU-AST", "KZ-ATY"), ("RU-AST", "KZ-ZAP"), ("RU-VGG", "KZ-ZAP"), ("RU-SAR", "KZ-ZAP"),
        ("RU-ORE", "KZ-ZAP"), ("RU-ORE", "KZ-AKT"), ("RU-ORE", "KZ-KUS"), ("RU-CHE", "KZ-KUS"),
        ("RU-KGN", "KZ-KUS"), ("RU-KGN", "KZ-SEV"), ("RU-TYU-XAO", "KZ-SEV"),
        ("RU-OMS", "KZ-SEV"), ("RU-OMS", "KZ-PAV"), ("RU-NVS", "KZ-PAV"), ("RU-ALT", "KZ-PAV"),
        ("RU-ALT", "KZ-VOS"), ("RU-AL", "KZ-VOS"),
    }
    assert set(map(tuple, pairs.loc[pairs["contact"] == "point",
                                    ["a_region", "b_region"]].values)) == {("RU-SAM", "KZ-ZAP")}
    assert (edge["length_km"] > 50).all()
    longest = edge.sort_values("length_km").iloc[-1]
    assert (longest["a_region"], longest["b_region"]) == ("RU-ORE", "KZ-AKT")


def test_cities(shapes, regions_csv):
    cities = pd.read_csv(CITIES, dtype={"region": str, "capital_of": str},
                         keep_default_na=False)
    assert list(cities.columns) == ["city", "name_local", "country", "region", "lat", "lon",
                                    "population", "geonameid", "capital", "capital_of"]
    assert cities["geonameid"].is_unique
    assert set(cities["country"]) == {"RU", "KZ"}
    assert set(cities["region"]) <= set(shapes["region"])
    key = ["country", "region", "population", "geonameid"]
    assert cities[key].equals(cities.sort_values(key, ascending=[True, True, False, True])[key]
                              .reset_index(drop=True))
    # every city lies in its region's polygon or within 10 km of it
    pts = gpd.GeoSeries(gpd.points_from_xy(cities["lon"], cities["lat"]), crs="EPSG:4326")
    poly = gpd.GeoSeries(cities["region"].map(dict(zip(shapes["region"], shapes.geometry,
                                                       strict=True))), crs="EPSG:4326")
    inside = poly.contains(pts)
    assert inside.mean() > 0.97
    assert (pts[~inside].to_crs(3576).distance(poly[~inside].to_crs(3576)) < 10_000).all()

    capitals = cities[cities["capital"]].set_index("city")
    expect = {"Atyrau": "KZ-ATY", "Oral": "KZ-ZAP", "Aktobe": "KZ-AKT", "Kostanay": "KZ-KUS",
              "Petropavl": "KZ-SEV", "Pavlodar": "KZ-PAV", "Ust-Kamenogorsk": "KZ-VOS",
              "Astrakhan": "RU-AST", "Volgograd": "RU-VGG", "Saratov": "RU-SAR",
              "Samara": "RU-SAM", "Orenburg": "RU-ORE", "Chelyabinsk": "RU-CHE",
              "Kurgan": "RU-KGN", "Tyumen": "RU-TYU-XAO", "Omsk": "RU-OMS",
              "Novosibirsk": "RU-NVS", "Barnaul": "RU-ALT", "Gorno-Altaysk": "RU-AL",
              "Petropavlovsk-Kamchatsky": "RU-KAM", "Abakan": "RU-KK"}
    for city, region in expect.items():
        assert capitals.at[city, "region"] == region, city
        assert region in capitals.at[city, "capital_of"].split(";"), city
    assert capitals.at["Tyumen", "capital_of"] == "RU-TYU;RU-TYU-XAO"
    with_capital = set(regions_csv.loc[~regions_csv["capital"].str.startswith("("), "region"])
    named = set(";".join(capitals["capital_of"]).split(";"))
    assert named == with_capital
    members = {"Atyrau", "Astrakhan", "Samara", "Oral", "Chelyabinsk", "Kurgan", "Petropavl",
               "Omsk", "Pavlodar", "Barnaul", "Ust-Kamenogorsk"}
    assert members <= set(cities["city"])
