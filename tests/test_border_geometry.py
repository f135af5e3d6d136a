"""Border geometry on synthetic grids where every length, region and pair is known exactly."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from crossborder.border.geometry import (
    border_line,
    border_regions,
    border_shares,
    cross_border_pairs,
    find_border,
    shared_edges,
)
from crossborder.errors import DataError

CELL = 1000.0  # metres
UTM = "EPSG:32633"  # projected, metres


def grid(nx: int, ny: int, group=None, crs: str = UTM, size: float = CELL,
         x0: float = 500_000.0, y0: float = 5_000_000.0) -> gpd.GeoDataFrame:
    """nx * ny squares; region id 'c{col}_{row}'; ``group(col, row)`` gives the group."""
    col, row = (a.ravel() for a in np.meshgrid(np.arange(nx), np.arange(ny)))
    boxes = shapely.box(x0 + col * size, y0 + row * size, x0 + (col + 1) * size,
                        y0 + (row + 1) * size)
    data = {"region": [f"c{c}_{r}" for c, r in zip(col, row, strict=True)]}
    if group is not None:
        data["country"] = [group(c, r) for c, r in zip(col, row, strict=True)]
    return gpd.GeoDataFrame(data, geometry=boxes, crs=crs)


def vertical_split(c: int, r: int) -> str:
    return "A" if c <= 4 else "B"


def staircase(c: int, r: int) -> str:
    return "A" if c + r <= 9 else "B"


# ----------------------------------------------------------------------------- shared_edges
def test_shared_edges_counts_and_lengths_on_grid():
    g = grid(4, 3)
    e = shared_edges(g)
    # 3 rows x 3 vertical edges + 4 cols x 2 horizontal edges; 2 diagonals per inner vertex
    assert (e["contact"] == "edge").sum() == 3 * 3 + 4 * 2
    assert (e["contact"] == "point").sum() == 2 * (3 * 2)
    edges = e[e["contact"] == "edge"]
    np.testing.assert_allclose(edges["length_km"], 1.0)
    assert (e.loc[e["contact"] == "point", "length_km"] == 0).all()
    assert set(e.loc[e["contact"] == "edge"].geom_type) == {"LineString"}
    one = e[(e["a"] == "c0_0") & (e["b"] == "c1_0")]
    assert len(one) == 1
    assert one.geometry.iloc[0].equals(shapely.LineString([(501_000, 5_000_000),
                                                           (501_000, 5_001_000)]))
    assert not ((e["a"] == "c1_0") & (e["b"] == "c0_0")).any()  # each pair once


def test_shared_edges_geodesic_close_to_planar_near_utm_centre():
    g = grid(4, 3, x0=480_000.0)
    planar = shared_edges(g, length="planar")
    geodesic = shared_edges(g, length="geodesic")
    # UTM scale factor near the central meridian is 0.9996: geodesic = planar / k
    np.testing.assert_allclose(geodesic["length_km"], planar["length_km"] / 0.9996, rtol=2e-4)


def test_near_contact_projected():
    a = shapely.box(0, 0, 1000, 1000)
    b = shapely.box(1050, 0, 2050, 1000)  # 50 m gap
    g = gpd.GeoDataFrame({"region": ["a", "b"]}, geometry=[a, b], crs=UTM)
    assert len(shared_edges(g)) == 0
    assert len(shared_edges(g, tolerance_m=40)) == 0
    e = shared_edges(g, tolerance_m=100)
    assert e["contact"].tolist() == ["near"]
    assert e["distance_m"].iloc[0] == pytest.approx(50.0)
    # a's boundary within 100 m of b: the facing side (1000 m) + 50 m of top and bottom sides
    assert e["length_km"].iloc[0] == pytest.approx(1.1, abs=1e-9)


def test_near_contact_geographic():
    a = shapely.box(0.0, 0.0, 0.01, 0.01)
    b = shapely.box(0.0105, 0.0, 0.0205, 0.01)  # 0.0005 deg gap at the equator
    g = gpd.GeoDataFrame({"region": ["a", "b"]}, geometry=[a, b], crs="EPSG:4326")
    e = shared_edges(g, tolerance_m=100)
    assert e["contact"].tolist() == ["near"]
    assert e["distance_m"].iloc[0] == pytest.approx(0.0005 * 111_319.49, abs=0.5)
    # facing side 0.01 deg of latitude (~1.106 km) + 2 * ~44 m of the other sides
    assert e["length_km"].iloc[0] == pytest.approx(1.1057 + 2 * (0.1 - 0.0557), abs=0.005)


def test_geodesic_length_of_a_meridian_edge():
    a = shapely.box(10.0, 50.0, 11.0, 51.0)
    b = shapely.box(11.0, 50.0, 12.0, 51.0)
    g = gpd.GeoDataFrame({"region": ["a", "b"]}, geometry=[a, b], crs="EPSG:4326")
    e = shared_edges(g)
    # meridian arc 50..51 N on WGS84: integral of the meridional radius of curvature
    a, f = 6_378_137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi = np.radians(np.linspace(50.0, 51.0, 10_001))
    radius = a * (1 - e2) / (1 - e2 * np.sin(phi) ** 2) ** 1.5
    arc_km = float(np.sum((radius[1:] + radius[:-1]) / 2 * np.diff(phi))) / 1000.0
    assert e["length_km"].iloc[0] == pytest.approx(arc_km, abs=1e-6)


def test_duplicate_ids_are_dissolved_and_bad_input_is_named():
    g = grid(3, 1)
    g.loc[1, "region"] = "c0_0"  # c0_0 now has two squares
    e = shared_edges(g)
    assert e[["a", "b"]].values.tolist() == [["c0_0", "c2_0"]]
    assert e["length_km"].iloc[0] == pytest.approx(1.0)
    with pytest.raises(DataError, match="no 'code' column"):
        shared_edges(g, id_col="code")
    with pytest.raises(DataError, match="no CRS"):
        shared_edges(g.set_crs(None, allow_override=True))
    with pytest.raises(ValueError):
        shared_edges(g, tolerance_m=-1)


# ----------------------------------------------------------------------------- any border
def test_border_on_a_vertical_split():
    g = grid(10, 10, vertical_split)
    line = border_line(g, "country", "A", "B")
    assert line.length_km == pytest.approx(10.0)
    assert line.method == "planar"
    assert line.n_pairs == 10
    assert line.geometry.equals(shapely.LineString([(505_000, 5_000_000),
                                                    (505_000, 5_010_000)]))
    regions = border_regions(g, "country", "A", "B")
    assert set(regions.loc[regions["group"] == "A", "region"]) == {f"c4_{r}" for r in range(10)}
    assert set(regions.loc[regions["group"] == "B", "region"]) == {f"c5_{r}" for r in range(10)}
    assert regions["group"].tolist() == ["A"] * 10 + ["B"] * 10
    np.testing.assert_allclose(regions["length_km"], 1.0)
    # corner cells have 2 partners (one edge, one diagonal), inner cells 3
    partners = dict(zip(regions["region"], regions["n_neighbours"], strict=True))
    assert partners["c4_0"] == 2 and partners["c4_5"] == 3

    pairs = cross_border_pairs(g, "country", "A", "B")
    edge_pairs = pairs[pairs["contact"] == "edge"]
    assert sorted(map(tuple, edge_pairs[["a_region", "b_region"]].values)) == sorted(
        (f"c4_{r}", f"c5_{r}") for r in range(10))
    assert (pairs["contact"] == "point").sum() == 18

    shares = border_shares(g, "country", "A", "B")
    np.testing.assert_allclose(shares["share"], 0.1)
    assert shares.groupby("group")["share"].sum().to_dict() == pytest.approx({"A": 1, "B": 1})


def test_border_on_a_staircase_point_contacts_count_by_default():
    g = grid(10, 10, staircase)
    line = border_line(g, "country", "A", "B")
    # every A cell with c + r = 9 has a B neighbour to the right and above, except at the ends
    assert line.length_km == pytest.approx(18.0)
    assert line.n_pairs == 18
    assert shapely.get_num_geometries(line.geometry) == 1  # one connected staircase

    queen = border_regions(g, "country", "A", "B")
    edge_only = border_regions(g, "country", "A", "B", contacts=("edge",))
    diag_a = {f"c{c}_{9 - c}" for c in range(10)}  # c + r = 9: edge contact
    point_a = {f"c{c}_{8 - c}" for c in range(9)}  # c + r = 8: touches B only at a corner
    assert set(edge_only.loc[edge_only["group"] == "A", "region"]) == diag_a
    assert set(queen.loc[queen["group"] == "A", "region"]) == diag_a | point_a
    assert (queen.loc[queen["region"].isin(point_a), "contact"] == "point").all()
    assert (queen.loc[queen["region"].isin(point_a), "length_km"] == 0).all()
    # c + r = 10 on the B side: edge; c + r = 11: point only
    assert set(edge_only.loc[edge_only["group"] == "B", "region"]) == {
        f"c{c}_{10 - c}" for c in range(1, 10)}
    assert len(queen) == 10 + 9 + 9 + 8

    long_enough = border_regions(g, "country", "A", "B", contacts=("edge",), min_length_km=1.5)
    # only cells with two border edges (1 + 1 km) pass 1.5 km
    assert set(long_enough.loc[long_enough["group"] == "A", "region"]) == {
        f"c{c}_{9 - c}" for c in range(1, 9)}


def test_border_with_a_gap_needs_the_tolerance():
    left = grid(2, 2, lambda c, r: "A")
    right = grid(2, 2, lambda c, r: "B", x0=502_030.0)  # 30 m strip of no-man's-land
    right["region"] = "r" + right["region"]
    g = gpd.GeoDataFrame(pd.concat([left, right], ignore_index=True), crs=UTM)
    with pytest.warns(UserWarning, match="share no stretch of boundary.*0.03 km"):
        assert border_line(g, "country", "A", "B", tolerance_m=0).length_km == 0
    assert border_regions(g, "country", "A", "B").empty
    # by default the 30 m strip is measured and closed (2 x 30 m, rounded up to 1-2-5: 100 m);
    # the line is the two facing cells' sides: 2 x 1 km, plus up to 100 m at each end
    found = find_border(g, "country", "A", "B")
    assert found.tolerance_m == 100.0 and found.profile.gap_m == pytest.approx(30.0, abs=0.01)
    assert 2.0 < found.line.length_km < 2.0 + 4 * 0.1
    assert {tuple(p) for p in found.edges[["a_region", "b_region"]].to_numpy()} == {
        ("c1_0", "rc0_0"), ("c1_1", "rc0_1")}
    near = border_regions(g, "country", "A", "B", tolerance_m=50,
                          contacts=("edge", "point", "near"))
    assert set(near["region"]) == {"c1_0", "c1_1", "rc0_0", "rc0_1"}
    assert (near["contact"] == "near").all()
    pairs = cross_border_pairs(g, "country", "A", "B", tolerance_m=50)
    assert len(pairs) == 4  # two facing pairs, two diagonal pairs
    facing = pairs[pairs["a_region"].str[-1] == pairs["b_region"].str[-1]]
    np.testing.assert_allclose(facing["distance_m"], 30.0)


def test_unknown_group_is_an_error():
    g = grid(3, 3, vertical_split)
    with pytest.raises(DataError, match="'C'"):
        border_line(g, "country", "A", "C")


@pytest.mark.slow
def test_shared_edges_scales_sparse_on_20000_squares():
    nx, ny = 200, 100
    g = grid(nx, ny)
    start = time.perf_counter()
    e = shared_edges(g)
    elapsed = time.perf_counter() - start
    assert (e["contact"] == "edge").sum() == (nx - 1) * ny + nx * (ny - 1)
    assert (e["contact"] == "point").sum() == 2 * (nx - 1) * (ny - 1)
    assert e["length_km"].sum() == pytest.approx((nx - 1) * ny + nx * (ny - 1))
    assert elapsed < 120, f"shared_edges on 20,000 squares took {elapsed:.1f} s"
