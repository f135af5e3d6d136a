"""A border built from scratch, where every answer is known by hand.

A 10 x 10 grid of 10 km squares in a projected CRS (metres), split by the vertical line x = 50 km
into country A (columns 0-4) and country B (columns 5-9). Cell (x, y) has id ``A{x}_{y}`` or
``B{x}_{y}`` and value 10 + x in A, 30 + x in B (so 14 | 35 across the border).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from crossborder import Panel
from crossborder.border.discontinuity import (
    adjacency,
    border_effect,
    deviations,
    discontinuities,
)
from crossborder.border.geometry import border_line, border_regions, cross_border_pairs
from crossborder.border.pairs import agglomerations, pair_gaps, twin_cities
from crossborder.border.zones import border_zone, city_distances

CELL = 10_000.0  # metres
CRS = "EPSG:3035"


def _grid() -> gpd.GeoDataFrame:
    x, y = np.meshgrid(np.arange(10), np.arange(10), indexing="ij")
    x, y = x.ravel(), y.ravel()
    country = np.where(x < 5, "A", "B")
    ids = [f"{c}{i}_{j}" for c, i, j in zip(country, x, y, strict=True)]
    geom = shapely.box(x * CELL, y * CELL, (x + 1) * CELL, (y + 1) * CELL)
    return gpd.GeoDataFrame({"region": ids, "country": country, "x": x, "y": y},
                            geometry=geom, crs=CRS)


def _value(x: np.ndarray) -> np.ndarray:
    return np.where(x < 5, 10.0 + x, 30.0 + x)


def _panel(grid: gpd.GeoDataFrame, values: np.ndarray, times=(2000,)) -> Panel:
    vals = np.repeat(np.asarray(values, float)[:, None], len(times), axis=1)
    return Panel.from_matrix(vals, regions=grid["region"], times=list(times),
                             groups=grid["country"])


def _cities() -> gpd.GeoDataFrame:
    rows = [  # name, country, x km, y km, population
        ("A1", "A", 45, 25, 100_000), ("B1", "B", 55, 25, 80_000),
        ("A2", "A", 42, 75, 50_000), ("B2", "B", 58, 75, 60_000),
        ("B3", "B", 58, 87, 20_000), ("A3", "A", 5, 52, 30_000),
        ("B4", "B", 95, 52, 10_000),
    ]
    df = pd.DataFrame(rows, columns=["city", "country", "xkm", "ykm", "population"])
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.xkm * 1000.0, df.ykm * 1000.0),
                            crs=CRS)


@pytest.fixture(scope="module")
def grid() -> gpd.GeoDataFrame:
    return _grid()


# ----------------------------------------------------------------------------- geometry
def test_border_line_and_regions(grid):
    line = border_line(grid, "country", "A", "B")
    assert line.length_km == pytest.approx(100.0)
    assert line.n_pairs == 10
    br = border_regions(grid, "country", "A", "B", contacts=("edge",))
    assert sorted(br["region"]) == sorted([f"A4_{j}" for j in range(10)]
                                          + [f"B5_{j}" for j in range(10)])
    pairs = cross_border_pairs(grid, "country", "A", "B")
    assert (pairs["contact"] == "edge").sum() == 10
    assert (pairs["contact"] == "point").sum() == 18      # diagonal neighbours across the line


# ----------------------------------------------------------------------------- zones
def test_zone_of_one_and_a_half_cells(grid):
    pop = pd.Series(1000.0, index=grid["region"])
    z = border_zone(grid, 15.0, "country", "A", "B", population=pop)
    f = z.regions.set_index("region")
    # column 4 / 5 entirely inside, column 3 / 6 half inside, the rest outside
    col = grid.set_index("region")["x"]
    expect = col.map({3: 0.5, 4: 1.0, 5: 1.0, 6: 0.5}).fillna(0.0)
    np.testing.assert_allclose(f["zone_share"], expect.reindex(f.index), atol=1e-9)
    np.testing.assert_allclose(f["area_km2"], 100.0)
    g = z.by_group()
    assert g.loc["A", "zone_km2"] == pytest.approx(1500.0)
    assert g.loc["B", "zone_km2"] == pytest.approx(1500.0)
    assert g.loc["A", "zone_share"] == pytest.approx(0.3)
    assert g.loc["A", "zone_population"] == pytest.approx(15_000.0)
    assert f.loc["A3_0", "zone_population"] == pytest.approx(500.0)
    # the zone polygons are the cells' parts: x in [35, 65] km
    zone = shapely.union_all(np.asarray(z.regions.geometry.values))
    assert zone.bounds == pytest.approx((35_000.0, 0.0, 65_000.0, 100_000.0))


def test_zone_cities_and_distances(grid):
    cities = _cities()
    z = border_zone(grid, 15.0, "country", "A", "B", cities=cities)
    inside = set(z.cities.loc[z.cities["in_zone"], "city"])
    assert inside == {"A1", "B1", "A2", "B2", "B3"}
    g = z.by_group()
    assert g.loc["A", "zone_n_cities"] == 2 and g.loc["B", "zone_n_cities"] == 3
    assert g.loc["B", "zone_cities_population"] == pytest.approx(160_000)
    f = z.regions.set_index("region")
    assert f.loc["A4_2", "zone_n_cities"] == 1 and f.loc["A0_5", "n_cities"] == 1

    d = city_distances(cities, grid, "country", "A", "B").set_index("city")
    expect_border = {"A1": 5, "B1": 5, "A2": 8, "B2": 8, "B3": 8, "A3": 45, "B4": 45}
    for name, km in expect_border.items():
        assert d.loc[name, "border_km"] == pytest.approx(km)
    assert d.loc["A1", "across"] == "B1" and d.loc["A1", "across_km"] == pytest.approx(10.0)
    assert d.loc["A2", "across"] == "B2" and d.loc["A2", "across_km"] == pytest.approx(16.0)
    assert d.loc["A3", "across"] == "B1"
    assert d.loc["A3", "across_km"] == pytest.approx(math.hypot(50, 27))
    big = city_distances(cities, grid, "country", "A", "B", min_population=70_000)
    assert big.set_index("city").loc["A2", "across"] == "B1"


# ----------------------------------------------------------------------------- pairs
def test_twin_cities_and_agglomerations():
    cities = _cities()
    t = twin_cities(cities, 12.0, "country", "A", "B", region_col=None)
    assert list(zip(t["a_city"], t["b_city"], strict=True)) == [("A1", "B1")]
    t = twin_cities(cities, 20.0, "country", "A", "B", region_col=None)
    # ranked by the smaller partner's population: A1-B1 (80k), A2-B2 (50k), A2-B3 (20k)
    assert list(zip(t["a_city"], t["b_city"], strict=True)) == [
        ("A1", "B1"), ("A2", "B2"), ("A2", "B3")]
    np.testing.assert_allclose(t["distance_km"], [10.0, 16.0, 20.0])

    ag = agglomerations(cities, 20.0, "country", "A", "B", region_col=None)
    assert ag.names() == ["A1–B1", "B2–A2–B3"]
    assert ag.table["population"].tolist() == [180_000, 130_000]
    assert ag.table["max_link_km"].tolist() == pytest.approx([10.0, 20.0])
    # within-country links only chain when link="any": B2-B3 are 12 km apart
    ag = agglomerations(cities, 16.0, "country", "A", "B", link="any", region_col=None)
    assert ag.names() == ["A1–B1", "B2–A2–B3"]
    ag = agglomerations(cities, 16.0, "country", "A", "B", link="across", region_col=None)
    assert ag.names() == ["A1–B1", "B2–A2"]
    # a population floor drops B3 and A3/B4 never link
    ag = agglomerations(cities, 100.0, "country", "A", "B", min_population=55_000,
                        region_col=None)
    assert ag.names() == ["A1–B1–B2"]


def test_pair_gaps_half_life(grid):
    pairs = cross_border_pairs(grid, "country", "A", "B")
    edge_pairs = pairs[pairs["contact"] == "edge"]
    times = np.arange(2000, 2011)
    lam, g0 = 0.1, 0.8
    # a = 10 everywhere; b = a * exp(-g0 exp(-lam t)) so ln(a/b) = g0 exp(-lam t)
    a_ids = edge_pairs["a_region"].tolist()
    b_ids = edge_pairs["b_region"].tolist()
    gap = g0 * np.exp(-lam * (times - 2000))
    vals = np.vstack([np.full((len(a_ids), len(times)), 10.0),
                      np.tile(10.0 * np.exp(-gap), (len(b_ids), 1))])
    p = Panel.from_matrix(vals, regions=a_ids + b_ids, times=times)
    res = pair_gaps(p, edge_pairs)
    tr = res.trends
    assert len(tr) == 10
    np.testing.assert_allclose(tr["half_life"], math.log(2) / lam)
    np.testing.assert_allclose(tr["decay"], lam)
    slope = np.polyfit(times, gap, 1)[0]
    np.testing.assert_allclose(tr["slope"], slope)
    assert tr["narrowing"].all() and not tr["crossed"].any()
    g = res.gaps[res.gaps["a_region"] == "A4_0"]
    np.testing.assert_allclose(g["log_gap"], gap)
    np.testing.assert_allclose(g["ratio"], np.exp(gap))


def test_pair_gaps_crossing_and_widening():
    times = np.arange(10)
    a = np.array([np.full(10, 10.0), np.full(10, 10.0)])
    b = np.array([10.0 * np.exp(-(0.5 - 0.1 * times)),     # gap 0.5 -> -0.4: crosses
                  10.0 * np.exp(-(0.1 * np.exp(0.2 * times)))])  # widening
    p = Panel.from_matrix(np.vstack([a, b]), regions=["a1", "a2", "b1", "b2"], times=times)
    tr = pair_gaps(p, pd.DataFrame({"a_region": ["a1", "a2"], "b_region": ["b1", "b2"]})).trends
    assert tr.loc[0, "crossed"] and np.isnan(tr.loc[0, "half_life"])
    assert tr.loc[0, "slope"] == pytest.approx(-0.1)
    assert tr.loc[0, "se"] == pytest.approx(0.0, abs=1e-12)
    assert not tr.loc[1, "narrowing"] and tr.loc[1, "decay"] == pytest.approx(-0.2)


# ----------------------------------------------------------------------------- discontinuities
def test_discontinuities_by_hand(grid):
    p = _panel(grid, _value(grid["x"].to_numpy()))
    d = discontinuities(grid, p, 2000, "absolute", group_col="country")
    assert len(d) == 180                                  # 90 + 90 rook edges
    assert d["border"].sum() == 10
    assert (d.loc[d["border"], "discontinuity"] == 21.0).all()
    assert d.loc[d["border"], "length_km"].to_numpy() == pytest.approx(10.0)
    internal = d.loc[~d["border"], "discontinuity"]
    assert (internal == 1.0).sum() == 80 and (internal == 0.0).sum() == 90

    r = discontinuities(grid, p, 2000, "relative")
    assert r.loc[r["border"], "discontinuity"].to_numpy() == pytest.approx(35 / 14)
    assert r["discontinuity"].min() == pytest.approx(1.0)


def test_border_effect_by_hand(grid):
    x = grid["x"].to_numpy()
    # second period: side B halved
    vals = np.column_stack([_value(x), np.where(x < 5, 10.0 + x, (30.0 + x) / 2)])
    p = Panel.from_matrix(vals, regions=grid["region"], times=[2000, 2001])
    be = border_effect(grid, p, "absolute").frame
    assert be.loc[2000, "n_border"] == 10 and be.loc[2000, "n_internal"] == 170
    assert be.loc[2000, "mean_border"] == pytest.approx(21.0)
    assert be.loc[2000, "mean_internal"] == pytest.approx(80 / 170)
    assert be.loc[2000, "ratio"] == pytest.approx(21.0 / (80 / 170))
    assert be.loc[2000, "wratio"] == pytest.approx(be.loc[2000, "ratio"])
    # 2001: border |14 - 17.5| = 3.5, internal steps of 1 in A and 0.5 in B
    assert be.loc[2001, "mean_border"] == pytest.approx(3.5)
    assert be.loc[2001, "mean_internal"] == pytest.approx((40 * 1 + 40 * 0.5) / 170)

    rel = border_effect(grid, p, "relative").frame
    internal_steps = sum((11 + k) / (10 + k) + (36 + k) / (35 + k) for k in range(4)) * 10
    assert rel.loc[2000, "mean_internal"] == pytest.approx((90 + internal_steps) / 170)
    assert rel.loc[2000, "median_internal"] == pytest.approx(1.0)
    assert rel.loc[2000, "median_ratio"] == pytest.approx(35 / 14)


# ----------------------------------------------------------------------------- deviations
def test_adjacency_kinds(grid):
    queen = adjacency(grid)
    rook = adjacency(grid, contacts=("edge",))
    band = adjacency(grid, kind="distance", distance_km=10.0)
    assert queen.matrix.nnz == 2 * (180 + 162)
    assert rook.matrix.nnz == 2 * 180
    assert (band.matrix != rook.matrix).nnz == 0 and list(band.ids) == list(rook.ids)
    order2 = adjacency(grid, order=2)
    centre = order2.ids.get_loc("A4_5")
    assert order2.matrix[centre].nnz == 24               # the 5 x 5 block around it
    corner = order2.ids.get_loc("A0_0")
    assert order2.matrix[corner].nnz == 8                 # the 3 x 3 block minus itself


def test_deviations_by_hand(grid):
    x = grid["x"].to_numpy()
    num = _panel(grid, _value(x))
    den = _panel(grid, np.ones(len(grid)))
    dv = deviations(grid, num, den, 2000).frame.set_index("region")
    assert dv["global_ratio"].iloc[0] == pytest.approx(24.5)
    assert dv.loc["A2_5", "territorial_ratio"] == pytest.approx(12.0)
    assert dv.loc["B7_5", "territorial_ratio"] == pytest.approx(37.0)
    assert dv.loc["A2_5", "global_rel"] == pytest.approx(100 * 12 / 24.5)
    assert dv.loc["A2_5", "global_abs"] == pytest.approx(12 - 24.5)
    assert dv.loc["A2_5", "local_ratio"] == pytest.approx(12.0)       # columns 1, 2, 3
    local_border = (13 + 14 + 35) / 3
    assert dv.loc["A4_5", "local_ratio"] == pytest.approx(local_border)
    assert dv.loc["A4_5", "local_rel"] == pytest.approx(100 * 14 / local_border)
    assert dv.loc["A4_5", "local_abs"] == pytest.approx(14 - local_border)
    assert dv.loc["A0_0", "local_ratio"] == pytest.approx(10.5)         # corner: 2 x 2 block
    assert dv["global_abs"].sum() == pytest.approx(0.0, abs=1e-9)
    assert dv.groupby("group")["territorial_abs"].sum().to_numpy() == pytest.approx(0.0,
                                                                                     abs=1e-9)
    # without the region itself: the 8 queen neighbours of A4_5
    no_self = deviations(grid, num, den, 2000, include_self=False).frame.set_index("region")
    assert no_self.loc["A4_5", "local_ratio"] == pytest.approx((3 * 13 + 2 * 14 + 3 * 35) / 8)


def test_deviations_missing_values_and_geometry(grid):
    x = grid["x"].to_numpy()
    vals = _value(x).astype(float)
    vals[list(grid["region"]).index("A3_5")] = np.nan
    regions = [*grid["region"], "NOGEOM"]
    num = Panel.from_matrix(np.r_[vals, 50.0], regions=regions, times=[2000],
                            groups=[*grid["country"], "A"])
    den = Panel.from_matrix(np.ones(len(regions)), regions=regions, times=[2000])
    dv = deviations(grid, num, den).frame.set_index("region")
    # the missing neighbour is left out of A4_5's neighbourhood: 3 x 14 + 3 x 35 + 2 x 13
    assert dv.loc["A4_5", "local_ratio"] == pytest.approx((3 * 14 + 3 * 35 + 2 * 13) / 8)
    assert np.isnan(dv.loc["NOGEOM", "local_ratio"])
    total = vals[np.isfinite(vals)].sum() + 50.0
    assert dv.loc["NOGEOM", "global_ratio"] == pytest.approx(total / 100)
    assert dv.loc["NOGEOM", "group"] == "A"
    assert "A3_5" not in dv.index or np.isnan(dv.loc["A3_5", "global_rel"])
