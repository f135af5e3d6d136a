"""The user's cities through the command line (--cities FILE): twins, distances and zones on a grid
border written by the test, every distance computed again here with pyproj.Geod.

The grid: 4 x 3 squares of one degree, west edge at 10°E, south edge at the equator; columns 0-1
are country A, columns 2-3 country B, so the border is the meridian 12°E from 0° to 3°N.
"""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, Point, box

from crossborder.cli import main

X0, BORDER_X = 10.0, 12.0
GEOD = Geod(ellps="WGS84")
# name, population, lon, lat, capital
CITIES = [
    ("Westa", 50000, 11.9, 0.5, "no"),
    ("Westb", 20000, 11.2, 1.5, "no"),
    ("Westc", 8000, 11.5, 2.5, "yes"),
    ("Easta", 30000, 12.1, 0.5, "yes"),
    ("Eastb", 100000, 13.5, 1.5, "no"),
    ("Eastc", 5000, 12.3, 2.6, "no"),
    ("Nowhere", 100, 20.0, 5.0, "no"),     # outside every polygon
    ("Faraway", 200, -5.0, 40.0, "no"),    # outside every polygon
]
INSIDE = [c for c in CITIES if X0 <= c[2] <= X0 + 4 and 0 <= c[3] <= 3]


def _code(lon: float, lat: float) -> str:
    i, j = int(lon - X0), int(lat)
    return f"{'A' if i < 2 else 'B'}-{i}{j}"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli_cities")
    rows = [{"code": f"{'A' if i < 2 else 'B'}-{i}{j}", "country": "A" if i < 2 else "B",
             "geometry": box(X0 + i, j, X0 + i + 1, j + 1)} for i in range(4) for j in range(3)]
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(d / "grid.geojson", driver="GeoJSON")
    table = pd.DataFrame(CITIES, columns=["Name", "Inhabitants", "X", "Y", "capital"])
    table.to_csv(d / "cities.csv", index=False)
    table.rename(columns={"Name": "city", "Inhabitants": "population", "X": "lon", "Y": "lat"}
                 ).to_csv(d / "usual.csv", index=False)
    pts = gpd.GeoDataFrame(table.drop(columns=["X", "Y"]),
                           geometry=gpd.points_from_xy(table["X"], table["Y"]), crs="EPSG:4326")
    pts.to_file(d / "cities.geojson", driver="GeoJSON")
    return d


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:     # argparse: exit 2
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def grid(files) -> list[str]:
    return ["--regions-file", str(files / "grid.geojson"), "--regions-id-col", "code"]


def cities(files, name: str = "cities.csv") -> list[str]:
    cols = ["--city-name-col", "Name", "--city-pop-col", "Inhabitants", "--lon-col", "X",
            "--lat-col", "Y"] if name == "cities.csv" else []
    return ["--cities", str(files / name), *cols]


def run_json(argv: list[str], capsys) -> list[dict]:
    code, out, err = run([*argv, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)


def km(a: tuple, b: tuple) -> float:
    return GEOD.inv(a[2], a[3], b[2], b[3])[2] / 1000.0


def expected_twins(max_km: float) -> dict[tuple[str, str], float]:
    west = [c for c in INSIDE if c[2] < BORDER_X]
    east = [c for c in INSIDE if c[2] > BORDER_X]
    return {(w[0], e[0]): km(w, e) for w in west for e in east if km(w, e) <= max_km}


# ----------------------------------------------------------------------------- twins
@pytest.mark.parametrize("max_km", [60.0, 95.0, 250.0])
def test_twins_pair_exactly_the_cities_within_km(files, capsys, max_km):
    rows = run_json(["twins", *grid(files), *cities(files), "--km", str(max_km)], capsys)
    expected = expected_twins(max_km)
    assert {(r["a_city"], r["b_city"]) for r in rows} == set(expected)
    for r in rows:
        assert r["distance_km"] == pytest.approx(expected[(r["a_city"], r["b_city"])], rel=1e-9)
        assert r["a_region"] == _code(*[c[2:4] for c in CITIES if c[0] == r["a_city"]][0])
        assert r["b_region"] == _code(*[c[2:4] for c in CITIES if c[0] == r["b_city"]][0])
    # ranked by the smaller city of the pair
    smaller = [min(r["a_population"], r["b_population"]) for r in rows]
    assert smaller == sorted(smaller, reverse=True)


def test_the_km_limits_change_the_pairs():
    assert len(expected_twins(60)) == 1 and len(expected_twins(95)) == 2
    assert len(expected_twins(250)) > len(expected_twins(95))


def test_a_point_file_and_usual_column_names_give_the_same_twins(files, capsys):
    want = run_json(["twins", *grid(files), *cities(files), "--km", "250"], capsys)
    for name in ("usual.csv", "cities.geojson"):
        extra = ["--city-name-col", "Name", "--city-pop-col", "Inhabitants"] \
            if name.endswith("geojson") else []
        got = run_json(["twins", *grid(files), "--cities", str(files / name), *extra,
                        "--km", "250"], capsys)
        assert got == want


def test_capitals_come_from_the_capital_column(files, capsys):
    rows = run_json(["twins", *grid(files), *cities(files), "--km", "250", "--capitals"], capsys)
    caps = [c for c in INSIDE if c[4] == "yes"]          # Westc (A) and Easta (B)
    assert [(r["a_city"], r["b_city"]) for r in rows] == [("Westc", "Easta")]
    assert rows[0]["distance_km"] == pytest.approx(km(caps[0], caps[1]), rel=1e-9)


# ----------------------------------------------------------------------------- distances
def border_km_by_hand(lon: float, lat: float) -> float:
    """Geodesic km to the meridian 12°E between 0° and 3°N, the minimum over 0.0001° steps."""
    lats = np.linspace(0.0, 3.0, 30001)
    d = GEOD.inv(np.full(lats.size, lon), np.full(lats.size, lat), np.full(lats.size, BORDER_X),
                 lats)[2]
    return float(d.min()) / 1000.0


def test_distances_to_the_border_line_and_across(files, capsys):
    rows = run_json(["distances", *grid(files), *cities(files)], capsys)
    assert sorted(r["city"] for r in rows) == sorted(c[0] for c in INSIDE)
    by = {c[0]: c for c in INSIDE}
    for r in rows:
        c = by[r["city"]]
        assert r["border_km"] == pytest.approx(border_km_by_hand(c[2], c[3]), abs=0.01)
        assert r["region"] == _code(c[2], c[3])
        assert r["country"] == ("A" if c[2] < BORDER_X else "B")
        others = [o for o in INSIDE if (o[2] < BORDER_X) != (c[2] < BORDER_X)]
        nearest = min(others, key=lambda o: km(c, o))
        assert r["across"] == nearest[0]
        assert r["across_km"] == pytest.approx(km(c, nearest), rel=1e-9)
    assert [r["border_km"] for r in rows] == sorted(r["border_km"] for r in rows)


def test_one_distance_checked_with_shapely_in_an_equidistant_projection(files, capsys):
    """Eastc's distance to the border: in an azimuthal equidistant projection centred on the
    city, distances from the centre are true, so shapely's planar distance to the projected
    (densified) border is the geodesic distance."""
    rows = run_json(["distances", *grid(files), *cities(files)], capsys)
    eastc = next(r for r in rows if r["city"] == "Eastc")
    aeqd = CRS.from_proj4("+proj=aeqd +lat_0=2.6 +lon_0=12.3 +ellps=WGS84 +units=m")
    to = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    lats = np.linspace(0, 3, 3001)
    x, y = to.transform(np.full(lats.size, BORDER_X), lats)
    line = LineString(np.column_stack([x, y]))
    assert eastc["border_km"] == pytest.approx(line.distance(Point(0, 0)) / 1000.0, abs=0.01)
    assert 30 < eastc["border_km"] < 36                  # 0.3° of longitude near the equator


def test_max_km_and_min_population(files, capsys):
    rows = run_json(["distances", *grid(files), *cities(files), "--max-km", "40"], capsys)
    want = {c[0] for c in INSIDE if border_km_by_hand(c[2], c[3]) <= 40}
    assert {r["city"] for r in rows} == want == {"Westa", "Easta", "Eastc"}


# ----------------------------------------------------------------------------- zones
def test_zones_count_the_cities_in_each_region_and_zone(files, capsys):
    rows = run_json(["zones", *grid(files), *cities(files), "--km", "50"], capsys)
    for r in rows:
        mine = [c for c in INSIDE if _code(c[2], c[3]) == r["region"]]
        near = [c for c in mine if border_km_by_hand(c[2], c[3]) <= 50]
        assert r["n_cities"] == len(mine)
        assert r["zone_n_cities"] == len(near)
        assert r["zone_cities_population"] == sum(c[1] for c in near)
    assert sum(r["zone_n_cities"] for r in rows) == 3      # Westa, Easta, Eastc


# ----------------------------------------------------------------------------- reported
def test_cities_outside_every_polygon_are_reported(files, capsys):
    code, out, err = run(["distances", *grid(files), *cities(files)], capsys)
    assert code == 0
    assert "note: 2 cities outside every region polygon (set aside): Nowhere, Faraway" in err
    assert "Nowhere" not in out and "Faraway" not in out


def test_duplicates_are_set_aside_and_reported(files, capsys, tmp_path):
    t = pd.read_csv(files / "usual.csv")
    dup = pd.concat([t, t.iloc[[0]], t.iloc[[1]].assign(lon=11.3)], ignore_index=True)
    dup.to_csv(tmp_path / "dup.csv", index=False)
    code, out, err = run(["distances", *grid(files), "--cities", str(tmp_path / "dup.csv"),
                          "--json"], capsys)
    assert code == 0, err
    assert ("note: 1 duplicate cities set aside (same name and place as an earlier row): "
            "Westa (row 10)") in err
    assert "note: 1 city name(s) at different places (all kept): Westb (rows 3, 11)" in err
    names = [r["city"] for r in json.loads(out)]
    assert names.count("Westa") == 1 and names.count("Westb") == 2


def test_a_country_column_is_kept_and_the_region_comes_from_the_polygon(files, capsys, tmp_path):
    t = pd.read_csv(files / "usual.csv").iloc[:6]
    t.assign(land=["A", "A", "A", "B", "B", "B"]).to_csv(tmp_path / "c.csv", index=False)
    rows = run_json(["distances", *grid(files), "--cities", str(tmp_path / "c.csv"),
                     "--city-country-col", "land"], capsys)
    assert {(r["city"], r["country"], r["region"]) for r in rows} == {
        (c[0], "A" if c[2] < BORDER_X else "B", _code(c[2], c[3])) for c in INSIDE}


def test_builtin_cities_replaced_by_the_users(capsys, tmp_path):
    pd.DataFrame({"city": ["Petropavl", "Kurgan"], "population": [218_000, 309_000],
                  "lon": [69.15, 65.34], "lat": [54.87, 55.44]}).to_csv(tmp_path / "c.csv",
                                                                        index=False)
    rows = run_json(["twins", "--cities", str(tmp_path / "c.csv"), "--km", "400"], capsys)
    assert [(r["a_city"], r["b_city"], r["a_region"], r["b_region"]) for r in rows] == [
        ("Kurgan", "Petropavl", "RU-KGN", "KZ-SEV")]
    d = GEOD.inv(65.34, 55.44, 69.15, 54.87)[2] / 1000.0
    assert rows[0]["distance_km"] == pytest.approx(d, rel=1e-9)
    assert math.isclose(d, 250, abs_tol=20)


# ----------------------------------------------------------------------------- errors
def _write(tmp_path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return str(tmp_path / name)


def test_a_named_column_that_is_not_there_is_a_usage_error(files, capsys):
    code, _, err = run(["twins", *grid(files), "--cities", str(files / "cities.csv"),
                        "--city-name-col", "town"], capsys)
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"crossborder: error: --city-name-col town: no such column in {files / 'cities.csv'} "
        "(columns: ['Name', 'Inhabitants', 'X', 'Y', 'capital'])")


def test_no_column_of_names_is_a_data_error_listing_the_columns(files, capsys, tmp_path):
    f = _write(tmp_path, "c.csv", "label,pop,lon,lat\nWesta,5,11.9,0.5\n")
    code, _, err = run(["twins", *grid(files), "--cities", f], capsys)
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"crossborder: error: {f}: no column of the city name (looked for city, name, town, "
        "place, settlement, locality, city_name; columns: ['label', 'pop', 'lon', 'lat']): "
        "name the column with --city-name-col COLUMN")


def test_no_coordinates_name_the_option(files, capsys, tmp_path):
    f = _write(tmp_path, "c.csv", "city,population,east,north\nWesta,5,11.9,0.5\n")
    code, _, err = run(["twins", *grid(files), "--cities", f], capsys)
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"crossborder: error: {f}: no column of the city lon (looked for lon, lng, long, "
        "longitude, x; columns: ['city', 'population', 'east', 'north']): name the column with "
        "--lon-col COLUMN")
    code, _, err = run(["twins", *grid(files), "--cities", f, "--lon-col", "east",
                        "--lat-col", "north", "--json"], capsys)
    assert code == 0, err


@pytest.mark.parametrize("body, message", [
    ("city,population,lon,lat\nWesta,5,11.9,0.5\nEasta,5,12.1,95\n",
     "row 3, column 'lat': 95 is not a latitude (must be within -90..90) (are longitude and "
     "latitude swapped?)"),
    ("city,population,lon,lat\nWesta,5,11.9,0.5\nEasta,many,12.1,0.5\n",
     "row 3, column 'population': 'many' is not a number"),
    ("city,population,lon,lat\nWesta,5,11.9,0.5\n,5,12.1,0.5\n",
     "row 3, column 'city': a city without a name"),
    ("city,population,lon,lat\nWesta,-5,11.9,0.5\n",
     "row 2, column 'population': a negative population (-5)"),
    ("city,population,lon,lat\nWesta,5,,0.5\n",
     "row 2, column 'lon': a city without a coordinate"),
    ("city,population,lon,lat,capital\nWesta,5,11.9,0.5,perhaps\n",
     "row 2, column 'capital': 'perhaps' is not true/false (yes/no, 1/0)"),
])
def test_bad_cells_name_file_row_and_column(files, capsys, tmp_path, body, message):
    f = _write(tmp_path, "c.csv", body)
    code, _, err = run(["twins", *grid(files), "--cities", f], capsys)
    assert code == 1
    assert err.strip().splitlines()[-1].startswith(f"crossborder: error: {f}, {message}")


def test_city_options_without_cities_and_capitals_without_a_column(files, capsys, tmp_path):
    code, _, err = run(["twins", *grid(files), "--lon-col", "X"], capsys)
    assert code == 2
    assert err.strip().endswith("crossborder: error: --lon-col applies to your cities: give "
                                "--cities FILE")
    f = _write(tmp_path, "c.csv", "city,population,lon,lat\nWesta,5,11.9,0.5\nEasta,5,12.1,0.5\n")
    code, _, err = run(["twins", *grid(files), "--cities", f, "--capitals"], capsys)
    assert code == 2
    assert err.strip().endswith("crossborder: error: --capitals: the cities have no capital "
                                "column (name it with --city-capital-col COL)")


def test_no_city_inside_the_polygons_is_an_error(files, capsys, tmp_path):
    f = _write(tmp_path, "c.csv", "city,population,lon,lat\nSwapped,5,0.5,11.9\n")
    code, _, err = run(["distances", *grid(files), "--cities", f], capsys)
    assert code == 1
    assert err.strip().endswith(f"crossborder: error: {f}: no city falls in a region polygon "
                                "(are longitude and latitude swapped, or the cities of another "
                                "area?)")


def test_cities_without_polygons_need_a_country(capsys, tmp_path):
    f = _write(tmp_path, "c.csv", "city,population,lon,lat\nWesta,5,11.9,0.5\n")
    d = _write(tmp_path, "d.csv", "region,year,value\nA-1,2000,1\nB-1,2000,2\n")
    code, _, err = run(["zones", "--data", d, "--cities", f], capsys)
    assert code == 1
    assert err.strip().endswith(
        f"crossborder: error: {f}, row 2: there is no country column and no region polygons are "
        "given to place the cities in: name the column with --city-country-col COLUMN or give "
        "--regions-file FILE")


def test_a_geometry_file_of_polygons_is_not_cities(files, capsys):
    f = files / "grid.geojson"
    code, _, err = run(["twins", *grid(files), "--cities", str(f), "--city-name-col", "code",
                        "--city-pop-col", "country"], capsys)
    assert code == 1
    assert err.strip().endswith(f"crossborder: error: {f}, row 1, column 'geometry': cities must "
                                "be points, this feature is a Polygon")


def test_read_cities_api_sets_aside_and_reports(files):
    from crossborder.io.cities import read_cities

    regions = gpd.read_file(files / "grid.geojson").rename(columns={"code": "region"})
    got, report = read_cities(files / "usual.csv", regions=regions)
    assert list(got["city"]) == [c[0] for c in INSIDE]
    assert list(got.index) == [2, 3, 4, 5, 6, 7]                 # rows of the file
    assert list(got["region"]) == [_code(c[2], c[3]) for c in INSIDE]
    aside = report.set_aside
    assert list(aside["row"]) == [8, 9] and list(aside["value"]) == ["Nowhere", "Faraway"]
    assert set(aside["reason"]) == {"city outside every region polygon"}
    assert got.crs.to_epsg() == 4326
    assert list(got.geometry.x) == [c[2] for c in INSIDE]


def test_a_country_column_that_disagrees_with_the_polygon_wins(files, capsys, tmp_path):
    """Westa (11.9°E) in a polygon of A but said to be in B by the file: it stays in B, without a
    region, is said so, and zones count it in no region."""
    t = pd.read_csv(files / "usual.csv").iloc[:6]
    t.assign(country=["B", "A", "A", "B", "B", "B"]).to_csv(tmp_path / "c.csv", index=False)
    code, out, err = run(["distances", *grid(files), "--cities", str(tmp_path / "c.csv"),
                          "--json"], capsys)
    assert code == 0, err
    assert ("note: 1 cities fall in a polygon of another country than their country column says "
            "(generalised polygons?): kept without a region: Westa (B by the file, in A-10 by "
            "the polygons)") in err
    westa = next(r for r in json.loads(out) if r["city"] == "Westa")
    assert westa["country"] == "B" and westa["region"] is None
    west = [c for c in INSIDE if c[2] < BORDER_X and c[0] != "Westa"]
    nearest = min(west, key=lambda o: km(INSIDE[0], o))
    assert westa["across"] == nearest[0]
    code, out, err = run(["zones", *grid(files), "--cities", str(tmp_path / "c.csv"), "--km", "50",
                          "--json"], capsys)
    assert code == 0, err
    assert "note: 1 cities without a region are counted in no region: Westa" in err
    assert {r["region"]: r["n_cities"] for r in json.loads(out)}["A-10"] == 0


def test_semicolons_decimal_commas_and_spaced_thousands_are_read_and_reported(files, capsys,
                                                                             tmp_path):
    f = _write(tmp_path, "c.csv", "Stadt;Einwohner;Länge;Breite\nWesta;50 000;11,9;0,5\n"
                                  "Easta;30 000;12,1;0,5\n")
    code, out, err = run(["twins", *grid(files), "--cities", f, "--city-name-col", "Stadt",
                          "--city-pop-col", "Einwohner", "--lon-col", "Länge", "--lat-col",
                          "Breite", "--json"], capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["a_city"], r["b_city"], r["a_population"], r["b_population"]) for r in rows] == [
        ("Westa", "Easta", 50000.0, 30000.0)]
    assert rows[0]["distance_km"] == pytest.approx(km(INSIDE[0], INSIDE[3]), rel=1e-9)
    assert "spaces removed from numbers (thousands separators)" in err
    assert "decimal comma read as a decimal point (4 cells in 2 columns of c.csv)" in err
