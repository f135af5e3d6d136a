"""Discontinuities, border effect and deviations on the built-in data, and at scale."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import crossborder as cb
from crossborder import Panel
from crossborder.border.discontinuity import (
    adjacency,
    border_effect,
    deviations,
    discontinuities,
)
from crossborder.border.geometry import shared_edges


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def units(ds):
    """Analysis units with a polygon (RU-TYU as the union of its parts; KZ-YUZ/KZ-SHY have
    none): a non-overlapping coverage."""
    r = ds.regions
    return r[r["analysis_unit"] & r.geometry.notna()]


@pytest.fixture(scope="module")
def edges(units):
    return shared_edges(units)


@pytest.fixture(scope="module")
def gdppc(ds):
    return ds.panel("grp_per_capita_lcu", currency="USD", regions="all")


def test_discontinuities_on_the_border(units, edges, gdppc):
    d = discontinuities(units, gdppc, 2019, edges=edges)
    border = d[d["border"]]
    assert len(border) == 17                     # edge contacts across RU-KZ (Samara: a point)
    assert set(border["group_a"]) | set(border["group_b"]) == {"RU", "KZ"}
    wide = gdppc.to_wide()[2019]
    row = border[(border["a"] == "RU-TYU") & (border["b"] == "KZ-SEV")].iloc[0]
    assert row["discontinuity"] == pytest.approx(wide["RU-TYU"] / wide["KZ-SEV"])
    row = border[(border["a"] == "RU-CHE") & (border["b"] == "KZ-KUS")].iloc[0]
    assert row["discontinuity"] == pytest.approx(wide["KZ-KUS"] / wide["RU-CHE"])
    # the Altai Republic has GRP per capita in the Rosstat 1998-2023 release: its edge has a value
    row = border[(border["a"] == "RU-AL") & (border["b"] == "KZ-VOS")].iloc[0]
    assert row["discontinuity"] == pytest.approx(max(wide["RU-AL"] / wide["KZ-VOS"],
                                                     wide["KZ-VOS"] / wide["RU-AL"]))
    assert (d["discontinuity"].dropna() >= 1.0).all()
    assert d.attrs["regions_without_geometry"] == ["KZ-SHY", "KZ-YUZ"]
    ab = discontinuities(units, gdppc, 2019, "absolute", edges=edges)
    np.testing.assert_allclose(ab["discontinuity"], (ab["value_a"] - ab["value_b"]).abs())
    # edge lengths: the border edges add up to the border length
    assert border["length_km"].sum() == pytest.approx(
        edges.merge(border[["a", "b"]])["length_km"].sum())


def test_border_effect_over_time(units, edges, gdppc):
    be = border_effect(units, gdppc, edges=edges)
    f = be.frame
    both = f[(f["n_border"] > 0) & (f["n_internal"] > 0)]
    assert list(both.index) == list(range(2008, 2023))     # Kazakh per-capita GRP from 2008
    # jumps across the border are larger than between Russian or Kazakh neighbours
    assert (both["ratio"] > 1.0).all()
    d = discontinuities(units, gdppc, 2015, edges=edges)
    b = d[d["border"]].dropna(subset=["discontinuity"])
    assert f.loc[2015, "mean_border"] == pytest.approx(b["discontinuity"].mean())
    assert f.loc[2015, "wmean_border"] == pytest.approx(
        np.average(b["discontinuity"], weights=b["length_km"]))
    assert f.loc[2015, "median_internal"] == pytest.approx(
        d.loc[~d["border"], "discontinuity"].median())
    assert "Border effect" in be.summary()


def test_deviations_add_up(ds, units, edges):
    grp = ds.panel("grp_lcu", currency="USD")
    pop = ds.panel("population")
    dv = deviations(units, grp, pop, edges=edges)
    f = dv.frame.dropna(subset=["global_abs"])
    assert f.groupby("year")["global_abs"].sum().abs().max() < 1e-6 * f["numerator"].sum()
    terr = f.groupby(["year", "group"])["territorial_abs"].sum().abs()
    assert terr.max() < 1e-6 * f["numerator"].sum()
    y = f[f["year"] == 2019]
    assert y["global_ratio"].iloc[0] == pytest.approx(y["numerator"].sum() / y["denominator"].sum())
    ru = y[y["group"] == "RU"]
    assert ru["territorial_ratio"].iloc[0] == pytest.approx(
        ru["numerator"].sum() / ru["denominator"].sum())
    # Omsk's neighbourhood: itself plus its neighbours with values
    nb = adjacency(units, edges=edges)
    i = nb.ids.get_loc("RU-OMS")
    hood = set(nb.ids[nb.matrix[i].indices]) | {"RU-OMS"}
    sub = y[y["region"].isin(hood)]
    omsk = y.set_index("region").loc["RU-OMS"]
    assert omsk["local_ratio"] == pytest.approx(sub["numerator"].sum() / sub["denominator"].sum())
    assert omsk["local_rel"] == pytest.approx(100 * omsk["ratio"] / omsk["local_ratio"])
    # KZ-SHY/KZ-YUZ have numbers but no polygon: global and territorial only
    shy = dv.frame[(dv.frame["region"] == "KZ-SHY") & dv.frame["global_rel"].notna()]
    assert len(shy) and shy["local_ratio"].isna().all()


def test_deviations_distance_band(ds, units, edges):
    grp = ds.panel("grp_lcu", currency="USD")
    pop = ds.panel("population")
    band = adjacency(units, kind="distance", distance_km=500.0)
    dv = deviations(units, grp, pop, 2019, neighbours=band).frame.set_index("region")
    # Moscow city and Moscow oblast are within 500 km of each other's centroid
    i = band.ids.get_loc("RU-MOW")
    assert "RU-MOS" in set(band.ids[band.matrix[i].indices])
    assert np.isfinite(dv.loc["RU-MOW", "local_ratio"])


def test_discontinuities_need_the_time(units, gdppc, edges):
    with pytest.raises(cb.DataError, match="no time"):
        discontinuities(units, gdppc, 1800, edges=edges)


@pytest.mark.slow
def test_scale_100k_polygons():
    """~100,000 grid squares: shared edges, discontinuities over 3 periods, border effect and
    local deviations, with sparse neighbour matrices (CI times nothing: a wall-clock limit failed on
    a loaded machine; the time is printed for a look)."""
    n = 316
    x, y = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    x, y = x.ravel(), y.ravel()
    ids = np.char.add("r", np.arange(n * n).astype(str))
    grid = gpd.GeoDataFrame({"region": ids, "country": np.where(x < n // 2, "A", "B")},
                            geometry=shapely.box(x * 1e3, y * 1e3, x * 1e3 + 1e3, y * 1e3 + 1e3),
                            crs="EPSG:3035")
    rng = np.random.default_rng(5)
    vals = rng.lognormal(size=(n * n, 3)) + np.where(x < n // 2, 0.0, 5.0)[:, None]
    p = Panel.from_matrix(vals, regions=ids, times=[2000, 2001, 2002])
    ones = Panel.from_matrix(np.ones_like(vals), regions=ids, times=[2000, 2001, 2002])
    start = time.perf_counter()
    edges = shared_edges(grid)
    d = discontinuities(grid, p, 2001, edges=edges)
    be = border_effect(grid, p, edges=edges)
    nb = adjacency(grid, edges=edges)
    dv = deviations(grid, p, ones, 2002, neighbours=nb)
    print(f"100k polygons: {time.perf_counter() - start:.1f} s")
    rook = 2 * n * (n - 1)
    assert len(d) == rook and d["border"].sum() == n
    assert nb.matrix.nnz == 2 * (rook + 2 * (n - 1) ** 2)    # queen links, stored sparse
    assert (be.frame["ratio"] > 1).all()
    assert len(dv.frame) == n * n
    assert dv.frame["global_abs"].sum() == pytest.approx(0.0, abs=1e-6 * vals[:, 2].sum())
    assert isinstance(pd.Series(dv.frame["local_rel"]).median(), float)
