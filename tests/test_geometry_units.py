"""Border geometry beyond metres and the equator: a CRS in feet, near contacts at 60° N, a gap
exactly at the tolerance, an edge exactly ``min_length_km`` long. Expected numbers come from the
squares' coordinates and pyproj (the CRS's own unit factor, geodesic distances), not from the
package."""

from __future__ import annotations

import geopandas as gpd
import pytest
from pyproj import CRS, Geod
from shapely.geometry import box

from crossborder.border.geometry import border_line, border_regions, cross_border_pairs, shared_edges

#: NAD83 / New York Long Island, US survey feet: metres per foot from the CRS itself
FT_CRS = "EPSG:2263"
FT = CRS.from_user_input(FT_CRS).axis_info[0].unit_conversion_factor
X0, Y0 = 1_000_000.0, 200_000.0        # inside the zone


def _gdf(boxes: list[tuple[str, str, tuple[float, float, float, float]]], crs: str):
    return gpd.GeoDataFrame({"region": [r for r, _, _ in boxes], "country": [c for _, c, _ in boxes]},
                            geometry=[box(*b) for _, _, b in boxes], crs=crs)


def test_foot_crs_has_the_us_survey_foot():
    assert FT == pytest.approx(1200 / 3937, rel=1e-12)


def test_edge_lengths_in_a_foot_crs():
    """Two 1,000 ft squares sharing a 1,000 ft edge: 0.3048 km (the US survey foot), not 1 km."""
    g = _gdf([("a", "A", (X0, Y0, X0 + 1000, Y0 + 1000)),
              ("b", "B", (X0 + 1000, Y0, X0 + 2000, Y0 + 1000))], FT_CRS)
    e = shared_edges(g)
    assert list(e["contact"]) == ["edge"]
    assert e["length_km"].iloc[0] == pytest.approx(1000 * FT / 1000, rel=1e-9)
    line = border_line(g, "country", "A", "B")
    assert line.length_km == pytest.approx(0.3048006, rel=1e-6)
    assert line.method == "planar"


def test_near_contact_in_a_foot_crs():
    """A 100 ft gap is 30.48 m: within a 50 m tolerance (164 ft), outside a 25 m one (82 ft)."""
    g = _gdf([("a", "A", (X0, Y0, X0 + 1000, Y0 + 1000)),
              ("b", "B", (X0 + 1100, Y0, X0 + 2100, Y0 + 1000))], FT_CRS)
    p = cross_border_pairs(g, "country", "A", "B", tolerance_m=50.0)
    assert list(p["contact"]) == ["near"]
    assert p["distance_m"].iloc[0] == pytest.approx(100 * FT, rel=1e-9)
    # a's boundary within 164.04 ft of b: its east edge and 64.04 ft of its north and south edges
    tol_ft = 50.0 / FT
    expected_ft = 1000 + 2 * (tol_ft - 100)
    assert p["length_km"].iloc[0] == pytest.approx(expected_ft * FT / 1000, rel=1e-3)
    assert cross_border_pairs(g, "country", "A", "B", tolerance_m=25.0).empty
    near = border_regions(g, "country", "A", "B", contacts=("edge", "point", "near"),
                          tolerance_m=50.0)
    assert list(near["region"]) == ["a", "b"]


def test_near_contact_at_sixty_degrees_north():
    """Two cells at 60° N, 800 m apart east-west (0.0144° of longitude there, more than the
    0.009° a metre-per-degree figure of the equator gives for 1 km): found within 1 km, with
    the geodesic gap."""
    geod = Geod(ellps="WGS84")
    lat0, lat1 = 60.0, 60.01
    lon_gap = 800.0 / (geod.a * 3.141592653589793 / 180 * 0.5)   # ~ 800 m at 60° N
    a = (30.0, lat0, 30.05, lat1)
    b = (30.05 + lon_gap, lat0, 30.1 + lon_gap, lat1)
    g = _gdf([("a", "A", a), ("b", "B", b)], "EPSG:4326")
    p = cross_border_pairs(g, "country", "A", "B", tolerance_m=1000.0)
    assert list(p["contact"]) == ["near"]
    at_lo = geod.inv(a[2], lat0, b[0], lat0)[2]
    at_hi = geod.inv(a[2], lat1, b[0], lat1)[2]
    assert min(at_lo, at_hi) - 1e-6 <= p["distance_m"].iloc[0] <= max(at_lo, at_hi) + 1e-6
    assert 700 < p["distance_m"].iloc[0] < 900
    assert cross_border_pairs(g, "country", "A", "B", tolerance_m=500.0).empty


def test_gap_exactly_at_the_tolerance_counts():
    """Squares 500 m apart (UTM, metres): near at tolerance 500 m, not at 499 m."""
    g = _gdf([("a", "A", (500_000, 6_000_000, 501_000, 6_001_000)),
              ("b", "B", (501_500, 6_000_000, 502_500, 6_001_000))], "EPSG:32635")
    p = cross_border_pairs(g, "country", "A", "B", tolerance_m=500.0)
    assert list(p["contact"]) == ["near"]
    assert p["distance_m"].iloc[0] == 500.0
    assert cross_border_pairs(g, "country", "A", "B", tolerance_m=499.0).empty
    e = shared_edges(g, tolerance_m=500.0)
    assert list(e["contact"]) == ["near"]


def test_edge_exactly_min_length_counts():
    """A 1 km shared edge (UTM, metres) is a border edge at min_length_km=1, not at 1.001."""
    g = _gdf([("a", "A", (500_000, 6_000_000, 501_000, 6_001_000)),
              ("b", "B", (501_000, 6_000_000, 502_000, 6_001_000))], "EPSG:32635")
    r = border_regions(g, "country", "A", "B", min_length_km=1.0)
    assert list(r["region"]) == ["a", "b"]
    assert list(r["length_km"]) == [1.0, 1.0]
    assert border_regions(g, "country", "A", "B", min_length_km=1.001).empty
