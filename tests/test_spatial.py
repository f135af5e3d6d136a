"""Spatial weights, Moran's I, local Moran and spatial beta on synthetic grids of squares."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from crossborder import DataError, Panel
from crossborder.measures.spatial import (
    aligned_weights,
    local_moran,
    moran,
    spatial_beta,
    spatial_lag,
    weights_from_regions,
)


def grid(n: int = 5, size: float = 1000.0, island: bool = False, crs: str = "EPSG:32643"):
    """n x n squares of ``size`` (CRS units), ids r{row}c{col}; optionally a far square 'island'."""
    ids, geoms = [], []
    for r in range(n):
        for c in range(n):
            ids.append(f"r{r}c{c}")
            geoms.append(box(c * size, r * size, (c + 1) * size, (r + 1) * size))
    if island:
        ids.append("island")
        geoms.append(box(10 * n * size, 10 * n * size, (10 * n + 1) * size, (10 * n + 1) * size))
    return gpd.GeoDataFrame({"id": ids}, geometry=geoms, crs=crs)


def cell_values(n: int, f) -> np.ndarray:
    return np.array([f(r, c) for r in range(n) for c in range(n)], dtype=float)


def dense_moran(y: np.ndarray, w: np.ndarray) -> float:
    """Moran's I straight from the definition with a dense row-standardised matrix."""
    rows = w.sum(axis=1, keepdims=True)
    w = np.divide(w, rows, out=np.zeros_like(w), where=rows > 0)
    z = y - y.mean()
    num = sum(w[i, j] * z[i] * z[j] for i in range(len(y)) for j in range(len(y)))
    return len(y) / w.sum() * num / (z @ z)


# ---------------------------------------------------------------- weights
def test_contiguity_cardinalities() -> None:
    g = grid(5, island=True)
    queen = weights_from_regions(g, "queen", id_col="id")
    rook = weights_from_regions(g, "rook", id_col="id")
    assert queen.cardinalities["r0c0"] == 3 and queen.cardinalities["r0c2"] == 5
    assert queen.cardinalities["r2c2"] == 8
    assert rook.cardinalities["r0c0"] == 2 and rook.cardinalities["r2c2"] == 4
    assert queen.islands == ["island"] and rook.islands == ["island"]
    assert set(queen.neighbors["r2c2"]) == {f"r{r}c{c}" for r in (1, 2, 3) for c in (1, 2, 3)} - {
        "r2c2"}


def test_knn_and_distance_band_projected() -> None:
    g = grid(5, island=True)
    knn = weights_from_regions(g, "knn", id_col="id", k=4)
    assert set(knn.cardinalities.values()) == {4} and knn.islands == []
    band = weights_from_regions(g, "distance", id_col="id", threshold_km=1.01)
    assert band.cardinalities["r2c2"] == 4  # the rook neighbours, 1 km away; diagonals 1.41 km
    assert band.islands == ["island"]
    band2 = weights_from_regions(g, "distance", id_col="id", threshold_km=1.5)
    assert band2.cardinalities["r2c2"] == 8


def test_distance_band_geographic_crs_is_projected() -> None:
    # 0.01 degree squares at the equator are about 1.11 km wide
    g = grid(4, size=0.01, crs="EPSG:4326")
    near = weights_from_regions(g, "distance", id_col="id", threshold_km=1.2)
    assert near.cardinalities["r1c1"] == 4
    far = weights_from_regions(g, "distance", id_col="id", threshold_km=1.0)
    assert far.cardinalities["r1c1"] == 0 and len(far.islands) == 16


def test_weights_errors() -> None:
    g = grid(3)
    with pytest.raises(DataError):
        weights_from_regions(g, "hexagons", id_col="id")
    with pytest.raises(DataError):
        weights_from_regions(g, "knn", id_col="id", k=9)
    with pytest.raises(DataError):
        weights_from_regions(g, "distance", id_col="id")
    w = weights_from_regions(g, "rook", id_col="id")
    with pytest.raises(DataError, match="not in the weights"):
        aligned_weights(w, ["r0c0", "nowhere"])


def test_aligned_weights_reorders_and_lag_skips_missing() -> None:
    w = weights_from_regions(grid(3), "rook", id_col="id")
    order = ["r1c1", "r0c1", "r1c0", "r1c2", "r2c1"]  # centre first; a subset of the ids
    aw = aligned_weights(w, order)
    dense = aw.matrix.toarray()
    np.testing.assert_allclose(dense[0], [0, 0.25, 0.25, 0.25, 0.25])
    np.testing.assert_allclose(dense[1], [1, 0, 0, 0, 0])
    y = np.array([[0.0], [1.0], [2.0], [np.nan], [5.0]])
    lag = spatial_lag(aw.matrix, y)
    assert lag[0, 0] == pytest.approx((1 + 2 + 5) / 3)  # the missing neighbour is left out
    assert lag[3, 0] == pytest.approx(0.0)


# ---------------------------------------------------------------- global Moran
@pytest.fixture(scope="module")
def grid_panel() -> tuple[Panel, object]:
    n = 5
    g = grid(n, island=True)
    checker = cell_values(n, lambda r, c: (r + c) % 2)
    gradient = cell_values(n, lambda r, c: r + c)
    noise = np.random.default_rng(7).normal(size=n * n)
    vals = np.column_stack([checker, gradient, noise])
    vals = np.vstack([vals, [0.5, 4.0, 0.0]])  # the island's values
    panel = Panel.from_matrix(vals, regions=list(g["id"]), times=[2001, 2002, 2003])
    return panel, weights_from_regions(g, "rook", id_col="id")


def test_moran_checkerboard_and_gradient(grid_panel) -> None:
    panel, w = grid_panel
    r = moran(panel, w, permutations=999, seed=1)
    t = r.table
    assert r.islands == ("island",)
    assert t.loc[2001, "I"] < -0.9 and t.loc[2001, "p_sim"] <= 0.002
    assert t.loc[2002, "I"] > 0.7 and t.loc[2002, "p_sim"] <= 0.002
    assert t.loc[2001, "z_norm"] < -4 and t.loc[2002, "z_norm"] > 4
    assert abs(t.loc[2003, "z_norm"]) < 3
    assert (t["expected"] == -1 / 25).all() and (t["n"] == 26).all()
    dense = w.full()[0]
    for year in (2001, 2002, 2003):
        y = panel.to_matrix().values[:, panel.times.get_loc(year)]
        assert t.loc[year, "I"] == pytest.approx(dense_moran(y, dense), rel=1e-10)


def test_moran_seed_reproducible_and_missing_year(grid_panel) -> None:
    panel, w = grid_panel
    a = moran(panel, w, permutations=199, seed=5).table
    b = moran(panel, w, permutations=199, seed=5).table
    pd.testing.assert_frame_equal(a, b)
    # a missing value in one year: that year uses the other regions and their weights only
    m = panel.to_matrix().values.copy()
    m[12, 1] = np.nan  # the centre cell r2c2
    p2 = Panel.from_matrix(m, regions=list(panel.regions), times=list(panel.times))
    r = moran(p2, w, permutations=0)
    keep = np.ones(26, bool)
    keep[12] = False
    dense = w.full()[0][np.ix_(keep, keep)]
    assert r.table.loc[2002, "n"] == 25
    assert r.table.loc[2002, "I"] == pytest.approx(dense_moran(m[keep, 1], dense), rel=1e-10)
    assert r.table.loc[2001, "I"] == pytest.approx(moran(panel, w, permutations=0)
                                                   .table.loc[2001, "I"])
    assert "p_sim" not in r.table


def test_moran_matches_esda(grid_panel) -> None:
    esda = pytest.importorskip("esda")
    panel, w = grid_panel
    r = moran(panel, w, permutations=0).table
    w.transform = "r"
    for j, year in enumerate(panel.times):
        e = esda.Moran(panel.to_matrix().values[:, j], w, permutations=0)
        assert r.loc[year, "I"] == pytest.approx(e.I, rel=1e-10)
        assert r.loc[year, "z_norm"] == pytest.approx(e.z_norm, rel=1e-9)
        assert r.loc[year, "z_rand"] == pytest.approx(e.z_rand, rel=1e-9)
        assert r.loc[year, "p_norm"] == pytest.approx(e.p_norm, rel=1e-6)


# ---------------------------------------------------------------- local Moran
def test_local_moran_quadrants_and_island(grid_panel) -> None:
    panel, w = grid_panel
    r = local_moran(panel, w, permutations=999, seed=3, alpha=0.05)
    t = r.table.set_index(["region", "year"])
    assert r.islands == ("island",)
    assert t.loc[("island", 2002), "quadrant"] == "island"
    assert np.isnan(t.loc[("island", 2002), "Is"])
    # gradient: the high corner is HH, the low corner LL, both significant
    assert t.loc[("r4c4", 2002), "quadrant"] == "HH" and t.loc[("r4c4", 2002), "cluster"] == "HH"
    assert t.loc[("r0c0", 2002), "cluster"] == "LL"
    # checkerboard: every grid cell is a high among lows or a low among highs
    cb = r.table[(r.table.year == 2001) & (r.table.region != "island")]
    assert set(cb["quadrant"]) == {"HL", "LH"}
    assert (cb["Is"] < 0).all()
    # Is_i = (n - 1) z_i lag_i / sum z^2 with z standardised: sum z^2 = n
    g = r.table[r.table.year == 2002]
    np.testing.assert_allclose(g["Is"].dropna(), (25 * g["z"] * g["lag"] / 26).iloc[:25])
    assert set(r.clusters().columns) == {2001, 2002, 2003}
    assert "conditional permutations" in r.summary()


def test_local_moran_matches_esda(grid_panel) -> None:
    esda = pytest.importorskip("esda")
    panel, w = grid_panel
    r = local_moran(panel, w, permutations=0)
    w.transform = "r"
    y = panel.to_matrix().values[:, 1]
    e = esda.Moran_Local(y, w, permutations=0)
    ours = r.table[r.table.year == 2002]
    np.testing.assert_allclose(ours["Is"].to_numpy()[:25], e.Is[:25], rtol=1e-10)
    q = ours["quadrant"].map({"HH": 1, "LH": 2, "LL": 3, "HL": 4}).to_numpy()[:25]
    np.testing.assert_array_equal(q, e.q[:25])


def test_local_moran_p_sim_matches_brute_force(grid_panel) -> None:
    """Conditional permutation p values against a plain loop with many more draws."""
    panel, w = grid_panel
    r = local_moran(panel, w, permutations=999, seed=11)
    ours = r.table[(r.table.year == 2003) & (r.table.region != "island")]
    y = panel.to_matrix().values[:, 2]
    n = len(y)
    z = (y - y.mean()) / y.std()
    aw = aligned_weights(w, list(panel.regions))
    rng = np.random.default_rng(0)
    perms = 4000
    for i in range(n - 1):  # the island (last) has no statistic
        row = aw.matrix[[i]]
        nb_w = row.data
        others = np.delete(np.arange(n), i)
        obs = (n - 1) * z[i] * (nb_w @ z[row.indices]) / (z @ z)
        sims = np.array([(n - 1) * z[i] * (nb_w @ z[rng.choice(others, len(nb_w), replace=False)])
                         / (z @ z) for _ in range(perms)])
        larger = (sims >= obs).sum()
        p = (min(larger, perms - larger) + 1) / (perms + 1)
        assert ours["p_sim"].iloc[i] == pytest.approx(p, abs=0.06), i


# ---------------------------------------------------------------- spatial beta
def beta_panel(rho: float, seed: int = 0, n: int = 10, island: bool = False):
    g = grid(n, island=island)
    w = weights_from_regions(g, "rook", id_col="id")
    aw = aligned_weights(w, list(g["id"]))
    m = len(g)
    rng = np.random.default_rng(seed)
    y0 = rng.normal(8.0, 0.5, m)
    b, horizon = -0.02, 10
    eps = rng.normal(0, 0.002, m)
    # growth = (I - rho W)^-1 (0.2 + b y0 + eps)
    growth = np.linalg.solve(np.eye(m) - rho * aw.matrix.toarray(), 0.2 + b * y0 + eps)
    y1 = y0 + growth * horizon
    panel = Panel.from_matrix(np.exp(np.column_stack([y0, y1])), regions=list(g["id"]),
                              times=[2000, 2010])
    return panel, w


def test_spatial_beta_lag_recovers_parameters() -> None:
    pytest.importorskip("spreg")  # a declared dependency; skip cleanly if absent
    panel, w = beta_panel(rho=0.6)
    r = spatial_beta(panel, w, method="ML")
    lag = r.table.loc["lag"]
    assert r.horizon == 10 and r.n == 100 and r.dropped == () and r.islands == ()
    assert lag["spatial_coef"] == pytest.approx(0.6, abs=0.1) and lag["spatial_p"] < 0.001
    # the reduced form scales beta by 1 / (1 - rho); the lag model recovers the structural -0.02
    assert lag["beta"] == pytest.approx(-0.02, abs=0.002)
    speed = -math.log(1 + lag["beta"] * 10) / 10
    assert lag["speed"] == pytest.approx(speed) and lag["half_life"] == pytest.approx(
        math.log(2) / speed)
    gm = spatial_beta(panel, w, method="GM", models=("lag",))
    assert gm.table.loc["lag", "beta"] == pytest.approx(-0.02, abs=0.003)


def test_spatial_beta_without_dependence_matches_ols() -> None:
    pytest.importorskip("spreg")  # a declared dependency; skip cleanly if absent
    panel, w = beta_panel(rho=0.0, seed=1)
    r = spatial_beta(panel, w)
    m = panel.to_matrix().values
    x = np.log(m[:, 0])
    g = (np.log(m[:, 1]) - x) / 10
    ols = np.polyfit(x, g, 1)[0]
    assert abs(r.table.loc["lag", "spatial_coef"]) < 0.25
    assert r.table.loc["error", "beta"] == pytest.approx(ols, rel=0.05)
    assert r.table.loc["lag", "beta"] == pytest.approx(ols, rel=0.1)


def test_spatial_beta_island_and_missing_do_not_crash() -> None:
    pytest.importorskip("spreg")  # a declared dependency; skip cleanly if absent
    panel, w = beta_panel(rho=0.3, island=True)
    m = panel.to_matrix().values.copy()
    m[0, 1] = np.nan
    p2 = Panel.from_matrix(m, regions=list(panel.regions), times=[2000, 2010])
    r = spatial_beta(p2, w, method="ML")
    assert r.dropped == ("r0c0",)
    assert r.islands == ("island",)
    assert r.n == 100
    assert np.isfinite(r.table["beta"]).all()
    assert "without neighbours" in r.summary()
    with pytest.raises(DataError):
        spatial_beta(p2, w, models=("durbin",))


def test_region_without_geometry_is_kept_as_island() -> None:
    g = grid(3)
    g.loc[4, "geometry"] = None  # the centre cell r1c1
    with pytest.warns(UserWarning, match="r1c1"):
        w = weights_from_regions(g, "queen", id_col="id")
    assert w.islands == ["r1c1"] and w.n == 9
    assert w.cardinalities["r0c0"] == 2  # r0c1 and r1c0; the centre is gone
    with pytest.warns(UserWarning):
        knn = weights_from_regions(g, "knn", id_col="id", k=2)
    assert knn.islands == ["r1c1"]
    panel = Panel.from_matrix(np.arange(9.0), regions=list(g["id"]), times=[2000])
    r = moran(panel, w, permutations=99)
    assert r.islands == ("r1c1",) and np.isfinite(r.table.loc[2000, "I"])


def test_weights_id_column_is_the_deprecated_name_of_id_col():
    g = grid(3)
    with pytest.warns(FutureWarning, match="use id_col="):
        old = weights_from_regions(g, "queen", id_column="id")
    new = weights_from_regions(g, "queen", id_col="id")
    assert old.neighbors == new.neighbors
