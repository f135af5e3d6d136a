"""Hostile geometry on the border (issue 16): a polygon under two codes, polygons overlapping
across the border, absurd tolerances and distances, the antimeridian, non-finite coordinates."""

from __future__ import annotations

import contextlib
import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Polygon, box

from crossborder.border.geometry import MAX_TOLERANCE_M, border_line, find_border
from crossborder.border.zones import HALF_EARTH_KM, border_zone
from crossborder.cli import main
from crossborder.errors import DataError
from crossborder.io import read_regions

UTM = "EPSG:32633"
K = 1000.0


def _cells() -> gpd.GeoDataFrame:
    """Two 10 km cells of A north of two of B, on UTM 33N: a 20 km border."""
    y0, x0 = 5_500_000.0, 500_000.0
    geoms = [box(x0, y0, x0 + 10 * K, y0 + 10 * K), box(x0 + 10 * K, y0, x0 + 20 * K, y0 + 10 * K),
             box(x0, y0 - 10 * K, x0 + 10 * K, y0), box(x0 + 10 * K, y0 - 10 * K, x0 + 20 * K, y0)]
    return gpd.GeoDataFrame({"region": ["a1", "a2", "b1", "b2"], "country": list("AABB")},
                            geometry=geoms, crs=UTM)


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:           # argparse's own errors
            code = int(exc.code)
    return code, out.getvalue(), err.getvalue()


def test_the_same_polygon_under_two_codes_is_counted_once():
    g = _cells()
    clean = find_border(g, "country", "A", "B")
    assert clean.line.length_km == pytest.approx(20.0)     # projected: planar metres
    dup = pd.concat([g, g[g["region"] == "b2"].assign(region="b2bis")], ignore_index=True)
    found = find_border(gpd.GeoDataFrame(dup, crs=UTM), "country", "A", "B")
    assert found.line.length_km == pytest.approx(20.0)
    assert list(found.duplicates["region"]) == ["b2bis"]
    assert list(found.duplicates["same_as"]) == ["b2"]
    assert any("b2bis = b2" in n and "counted once" in n for n in found.notes)


def test_polygons_overlapping_across_the_border_are_measured_and_said():
    g = _cells()
    # b2 reaches 200 m into a2 over its whole 10 km
    g.loc[3, "geometry"] = box(510 * K, 5_490_000.0, 520 * K, 5_500_200.0)
    found = find_border(g, "country", "A", "B")
    over = found.overlaps.set_index(["a_region", "b_region"])["overlap_km2"]
    assert over[("a2", "b2")] == pytest.approx(0.2 * 10.0, rel=1e-6)
    assert any("overlap in 1 pair(s)" in n for n in found.notes)
    # each side's outer boundary within the (1 m) tolerance of the other counts: for a2 its
    # 10 km bottom inside b2 and its east side along b2's flank (0.2 km; its west side is
    # shared with a1); for b2 its 10 km top inside a2 and both 0.2 km flanks
    pairs = found.edges.set_index(["a_region", "b_region"])
    assert pairs.loc[("a2", "b2"), "a_km"] == pytest.approx(10.2, abs=0.005)
    assert pairs.loc[("a2", "b2"), "b_km"] == pytest.approx(10.4, abs=0.005)
    assert pairs.loc[("a2", "b2"), "length_km"] == pytest.approx(10.3, abs=0.005)
    # b2's west flank runs 0.2 km along a1, whose side there is shared with a2: mean 0.1 km
    assert pairs.loc[("a1", "b2"), "length_km"] == pytest.approx(0.1, abs=0.005)


def test_absurd_tolerances_and_distances_are_refused_with_the_value():
    g = _cells()
    with pytest.raises(ValueError, match=r"tolerance_m 300,000 m is beyond the 10,000 m"):
        find_border(g, "country", "A", "B", tolerance_m=300_000)
    with pytest.raises(ValueError, match="finite"):
        find_border(g, "country", "A", "B", tolerance_m=float("nan"))
    assert find_border(g, "country", "A", "B", tolerance_m=MAX_TOLERANCE_M).tolerance_m == 10_000
    with pytest.raises(ValueError, match=r"distance_km 1e\+300 km is more than half"):
        border_zone(g, 1e300, "country", "A", "B")
    assert border_zone(g, HALF_EARTH_KM, "country", "A", "B").by_group()["zone_share"].min() \
        == pytest.approx(1.0)
    code, _, err = _cli("border", "--tolerance-m", "300000")
    assert code == 2 and "300000" in err and "10000" in err
    code, _, err = _cli("zones", "--km", "1e300")
    assert code == 2 and "1e300" in err and "20037.5" in err


def test_regions_meeting_at_the_antimeridian_share_a_border():
    west = Polygon([(170, 60), (180, 60), (180, 65), (170, 65)])
    east = Polygon([(-180, 60), (-170, 60), (-170, 65), (-180, 65)])
    g = gpd.GeoDataFrame({"region": ["w", "e"], "country": ["W", "E"]}, geometry=[west, east],
                         crs="EPSG:4326")
    found = find_border(g, "country", "W", "E")
    _, _, metres = Geod(ellps="WGS84").inv(180, 60, 180, 65)
    assert found.line.n_pairs == 1
    assert found.line.length_km == pytest.approx(metres / 1000, rel=1e-4)
    assert any("antimeridian" in n for n in found.notes)


def test_a_nan_coordinate_names_the_file_and_the_region(tmp_path):
    g = _cells()
    g.loc[1, "geometry"] = Polygon([(510 * K, 5_500_000.0), (520 * K, 5_500_000.0),
                                    (520 * K, float("nan")), (510 * K, 5_510_000.0)])
    with pytest.raises(DataError, match=r"region 'a2' has a coordinate that is not a finite"):
        find_border(g, "country", "A", "B")
    path = tmp_path / "cells.gpkg"
    g.to_file(path, driver="GPKG")
    with pytest.raises(DataError, match=r"cells\.gpkg.*'a2'|'a2'.*cells\.gpkg") as err:
        read_regions(path)
    assert "not a finite number" in str(err.value)


def test_two_files_without_a_crs_need_one_each(tmp_path):
    g = _cells()
    a, b = g[g["country"] == "A"], g[g["country"] == "B"]
    a.to_file(tmp_path / "a.shp")
    b.to_crs("EPSG:4326").to_file(tmp_path / "b.shp")
    (tmp_path / "a.prj").write_text("")          # an empty .prj: no CRS
    with pytest.raises(DataError, match=r"a\.shp.*no coordinate reference system"):
        read_regions([tmp_path / "a.shp", tmp_path / "b.shp"])
    regions, _ = read_regions([{"path": tmp_path / "a.shp", "crs": UTM, "country": "A"},
                               {"path": tmp_path / "b.shp", "country": "B"}])
    assert regions.crs.to_epsg() == 4326
    assert dict(zip(regions["region"], regions["country"], strict=True)) == {
        "a1": "A", "a2": "A", "b1": "B", "b2": "B"}
    # a missing id column is named with its file
    with pytest.raises(DataError, match=r"b\.shp.*no column 'CODE'"):
        read_regions([{"path": tmp_path / "a.shp", "crs": UTM},
                      {"path": tmp_path / "b.shp", "id_col": "CODE"}])
    found = find_border(regions)
    assert found.line.length_km == pytest.approx(20.0, rel=2e-3)   # geodesic vs UTM's scale
    assert np.isfinite(shapely.length(found.line.geometry))


def test_polygons_that_do_not_touch_have_no_border_and_say_so(tmp_path):
    g = _cells()
    far = g.copy()
    far.loc[far["country"] == "B", "geometry"] = far.loc[far["country"] == "B"].translate(0, -5 * K)
    with pytest.warns(UserWarning, match=r"share no stretch of boundary \(they come within 5 km "
                                         r"of each other\): no border line"):
        line = border_line(far, "country", "A", "B")
    assert line.length_km == 0.0 and line.n_pairs == 0 and line.geometry.is_empty
    # a point contact only: no border line either, and the warning says so
    corner = g[g["region"].isin(["a1", "b2"])]
    with pytest.warns(UserWarning, match=r"touch only at points.*no border line"):
        assert border_line(corner, "country", "A", "B").length_km == 0.0
    assert find_border(corner, "country", "A", "B").points[["a_region", "b_region"]].values.tolist() \
        == [["a1", "b2"]]
    far.to_file(tmp_path / "far.geojson", driver="GeoJSON")
    code, _, err = _cli("border", "--regions-file", str(tmp_path / "far.geojson"))
    assert code == 2 and "no border line" in err
