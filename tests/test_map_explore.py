"""``.explore()`` on a discontinuity map: the edges on an interactive folium map (issue 22, point 5)."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

import crossborder as cb
from crossborder.maps import discontinuity_map

folium = pytest.importorskip("folium")

VALUES = {"A1": 1.0, "A2": 2.0, "B1": 4.0, "B2": 5.0}


def _grid() -> gpd.GeoDataFrame:
    # A1 A2 west of lon 61, B1 B2 east of it; rows at lat 50-51 and 51-52
    return gpd.GeoDataFrame({"region": list(VALUES), "country": ["A", "A", "B", "B"]},
                            geometry=[box(60, 50, 61, 51), box(60, 51, 61, 52), box(61, 50, 62, 51),
                                      box(61, 51, 62, 52)], crs="EPSG:4326")


def _layers(m: object) -> list:
    return [c for c in m._children.values() if isinstance(c, folium.GeoJson)]


def _map():
    p = cb.Panel.from_matrix([[v] for v in VALUES.values()], regions=list(VALUES), times=[2000])
    return discontinuity_map(_grid(), cb.discontinuities(_grid(), p, 2000))


def test_explore_returns_a_folium_map_with_every_edge_and_its_value() -> None:
    m = _map().explore()
    assert isinstance(m, folium.Map)
    regions, edges = _layers(m)
    assert len(regions.data["features"]) == 4
    got = {(f["properties"]["a"], f["properties"]["b"]): f for f in edges.data["features"]}
    # relative discontinuity max(a/b, b/a) on each shared edge, by hand
    want = {(a, b): max(VALUES[a] / VALUES[b], VALUES[b] / VALUES[a])
            for a, b in [("A1", "A2"), ("A1", "B1"), ("A2", "B2"), ("B1", "B2")]}
    assert set(got) == set(want)
    for key, f in got.items():
        assert f["properties"]["discontinuity"] == pytest.approx(want[key])
        assert f["properties"]["border"] == (key[0][0] != key[1][0])
    # the A1|B1 edge is the meridian 61 between latitudes 50 and 51 (back in lon/lat)
    line = np.array(got[("A1", "B1")]["geometry"]["coordinates"])
    assert np.allclose(np.sort(line[:, 1]), [50.0, 51.0], atol=1e-6)
    assert np.allclose(line[:, 0], 61.0, atol=1e-6)
    # as wide as on the static map: 0.4 pt for the smallest value, 5 pt for the largest (x 1.5)
    weight = {k: edges.style_function(f)["weight"] for k, f in got.items()}
    assert weight[("B1", "B2")] == pytest.approx(1.5 * 0.4)
    assert weight[("A1", "B1")] == pytest.approx(1.5 * 5.0)
    assert "A1" in m.get_root().render()


def test_explore_draws_on_a_given_map_and_refuses_a_map_without_geometry() -> None:
    base = folium.Map(location=[51, 61], zoom_start=6, tiles=None)
    res = _map()
    assert res.explore(m=base) is base
    assert len(_layers(base)) == 2
    with pytest.raises(cb.DataError, match="no geometry"):
        replace(res, meta={"value": "discontinuity"}).explore()
