"""A border built from two national files: gaps of tens of metres and slivers along the common
line, the two files in different CRSs with different id columns (issue 17).

The geometry is drawn in UTM 33N (metres): side AA north of the line y = Y0, side BB south of it,
x from 400 to 600 km. AA1's edge leaves a 40 m gap over x 410-440 km, AA2's edge a 30 m gap over
its whole 100 km (AA2 and BB2 never touch: an exact-edge tool finds no pair there), and BB2
claims a 30 m sliver of AA1 over x 460-490 km. AA is written to GeoJSON in EPSG:4326 with its
codes in CODE_A, BB to a GeoPackage in UTM with its codes in ID_B. Every expected number is
computed here from the UTM drawing with shapely and pyproj (``pyproj.Geod.geometry_length``).
"""

from __future__ import annotations

import contextlib
import io
import json
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Polygon

from crossborder.border.geometry import find_border
from crossborder.border.shared import dataset_border, dataset_edges, dataset_zone, panel_edges
from crossborder.cli import build_parser, main
from crossborder.io import read_regions
from crossborder.study.integration import neighbour_pairs

UTM = "EPSG:32633"
Y0 = 5_500_000.0
K = 1000.0
TOL = 100.0          # the gaps are up to 40 m: 2 x 40 m rounded up to 1-2-5 x 10^k
ZONE_KM = 20.0
GEOD = Geod(ellps="WGS84")
TO_LL = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)


def _poly(xy: list[tuple[float, float]]) -> Polygon:
    return shapely.segmentize(Polygon(xy), 500.0)   # straight in UTM after reprojection too


def drawing() -> gpd.GeoDataFrame:
    top, bottom = Y0 + 100 * K, Y0 - 100 * K
    a1 = _poly([(400 * K, Y0), (410 * K, Y0), (410 * K, Y0 + 40), (440 * K, Y0 + 40),
                (440 * K, Y0), (500 * K, Y0), (500 * K, top), (400 * K, top)])
    a2 = _poly([(500 * K, Y0 + 30), (600 * K, Y0 + 30), (600 * K, top), (500 * K, top)])
    b1 = _poly([(400 * K, bottom), (450 * K, bottom), (450 * K, Y0), (400 * K, Y0)])
    b2 = _poly([(450 * K, bottom), (600 * K, bottom), (600 * K, Y0), (490 * K, Y0),
                (490 * K, Y0 + 30), (460 * K, Y0 + 30), (460 * K, Y0), (450 * K, Y0)])
    return gpd.GeoDataFrame({"region": ["AA1", "AA2", "BB1", "BB2"],
                             "country": ["AA", "AA", "BB", "BB"]},
                            geometry=[a1, a2, b1, b2], crs=UTM)


def _geodesic_km(line: shapely.Geometry) -> float:
    return GEOD.geometry_length(shapely.transform(
        line, lambda xy: np.column_stack(TO_LL.transform(xy[:, 0], xy[:, 1])))) / 1000.0


def expected_pairs() -> pd.DataFrame:
    """The documented length: mean of each side's boundary within TOL of the other region, less
    the stretches a region shares with a region of its own side."""
    g = drawing().set_index("region").geometry

    def outer(r: str) -> shapely.Geometry:
        same = [g[k].boundary for k in g.index if k[:2] == r[:2] and k != r]
        return g[r].boundary.difference(shapely.union_all(same))

    rows = []
    for a, b in [("AA1", "BB1"), ("AA1", "BB2"), ("AA2", "BB2")]:
        la = outer(a).intersection(g[b].buffer(TOL))
        lb = outer(b).intersection(g[a].buffer(TOL))
        rows.append({"a_region": a, "b_region": b, "a_km": _geodesic_km(la),
                     "b_km": _geodesic_km(lb), "line": la.union(lb)})
    out = pd.DataFrame(rows)
    out["length_km"] = (out["a_km"] + out["b_km"]) / 2
    return out


CITIES = pd.DataFrame({
    "city": ["Southtown", "Linetown", "Farville"],
    "country": ["BB", "BB", "AA"],
    "population": [50_000, 20_000, 30_000],
    "x": [550 * K, 455 * K, 420 * K], "y": [Y0 - 3 * K, Y0 + 20, Y0 + 60 * K]})


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("two_sources")
    g = drawing()
    a = g[g["country"] == "AA"].rename(columns={"region": "CODE_A"}).drop(columns="country")
    b = g[g["country"] == "BB"].rename(columns={"region": "ID_B"}).drop(columns="country")
    a.to_crs("EPSG:4326").to_file(d / "aa.geojson", driver="GeoJSON")
    b.to_file(d / "bb.gpkg", driver="GPKG")
    lon, lat = TO_LL.transform(CITIES["x"].to_numpy(), CITIES["y"].to_numpy())
    CITIES.drop(columns=["x", "y"]).assign(lon=lon, lat=lat).to_csv(d / "cities.csv", index=False)
    years = range(2000, 2012)
    level = {"AA1": 10.0, "AA2": 12.0, "BB1": 5.0, "BB2": 6.0}
    pd.DataFrame([{"region": r, "year": y, "value": v * (1.02 + 0.01 * i) ** (y - 2000), "unit": "USD"}
                  for i, (r, v) in enumerate(level.items()) for y in years]
                 ).to_csv(d / "data.csv", index=False)
    return {"dir": d, "aa": d / "aa.geojson", "bb": d / "bb.gpkg", "cities": d / "cities.csv",
            "data": d / "data.csv"}


def _regions_args(f: dict) -> list[str]:
    return ["--regions-file", str(f["aa"]), "--regions-id-col", "CODE_A", "--country", "AA",
            "--regions-file", str(f["bb"]), "--regions-id-col", "ID_B", "--country", "BB"]


def _cli(*args: str) -> SimpleNamespace:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def _api_regions(f: dict) -> gpd.GeoDataFrame:
    regions, _ = read_regions([{"path": f["aa"], "id_col": "CODE_A", "country": "AA"},
                               {"path": f["bb"], "id_col": "ID_B", "country": "BB"}])
    return regions


def test_api_closes_the_gaps_measures_the_sliver_and_states_the_tolerance(files):
    regions = _api_regions(files)
    assert set(regions["region"]) == {"AA1", "AA2", "BB1", "BB2"}
    assert regions.crs.to_epsg() == 4326
    border = find_border(regions, "country", "AA", "BB")
    assert border.tolerance_m == TOL
    assert border.profile.gap_m == pytest.approx(40.0, abs=0.5)
    # gaps along 30 km (40 m) and 100 km (30 m)
    assert border.profile.gap_km == pytest.approx(130.0, rel=0.01)
    want = expected_pairs()
    got = border.edges.merge(want, on=["a_region", "b_region"], suffixes=("", "_want"))
    assert len(got) == 3 == len(border.edges)
    np.testing.assert_allclose(got["length_km"], got["length_km_want"], rtol=2e-4)
    np.testing.assert_allclose(got["a_km"], got["a_km_want"], rtol=2e-4)
    assert border.line.length_km == pytest.approx(want["length_km"].sum(), rel=2e-4)
    # BB2 claims 30 m x 30 km of AA1
    sliver = border.overlaps.set_index(["a_region", "b_region"])["overlap_km2"]
    assert sliver[("AA1", "BB2")] == pytest.approx(0.030 * 30.0, rel=0.01)
    text = " ".join(border.notes)
    assert "gaps up to 40 m" in text and "100 m tolerance" in text and "overlap" in text


def test_a_given_tolerance_changes_the_result(files):
    regions = _api_regions(files)
    exact = find_border(regions, "country", "AA", "BB", tolerance_m=1)
    # 1 m closes no gap: AA2-BB2 (30 m apart all along) is no pair
    assert ("AA2", "BB2") not in set(map(tuple, exact.edges[["a_region", "b_region"]].to_numpy()))
    wide = find_border(regions, "country", "AA", "BB", tolerance_m=1000)
    assert wide.line.length_km > find_border(regions, "country", "AA", "BB").line.length_km
    with pytest.raises(ValueError, match="300,000 m"):
        find_border(regions, "country", "AA", "BB", tolerance_m=300_000)


def test_cli_border_zones_distances_agree_with_the_drawing(files):
    want = expected_pairs()
    r = _cli("border", "--pairs", "--json", *_regions_args(files))
    assert r.returncode == 0, r.stderr
    assert "gaps up to 40 m" in r.stderr and "100 m tolerance" in r.stderr
    pairs = pd.DataFrame(json.loads(r.stdout))
    edges = pairs[pairs["contact"] == "edge"].merge(want, on=["a_region", "b_region"])
    assert len(edges) == 3
    np.testing.assert_allclose(edges["length_km_x"], edges["length_km_y"], rtol=2e-4)

    r = _cli("border", "--line", "--json", *_regions_args(files), "--tolerance-m", "0")
    line0 = json.loads(r.stdout)[0]
    r = _cli("border", "--line", "--json", *_regions_args(files))
    line = json.loads(r.stdout)[0]
    assert line["length_km"] == pytest.approx(want["length_km"].sum(), rel=2e-4)
    assert line["tolerance_m"] == TOL and line["n_pairs"] == 3
    assert line0["length_km"] < line["length_km"] - 100   # the exact edges miss the gapped 130 km

    # the zone: shares of each border region's area within 20 km of the closed line
    closed = shapely.union_all(list(want["line"])).buffer(ZONE_KM * K)
    g = drawing().set_index("region").geometry
    share = {k: g[k].intersection(closed).area / g[k].area for k in g.index}
    r = _cli("zones", "--km", str(ZONE_KM), "--json", *_regions_args(files))
    assert r.returncode == 0, r.stderr
    z = pd.DataFrame(json.loads(r.stdout)).set_index("region")
    for k, v in share.items():
        assert z.loc[k, "zone_share"] == pytest.approx(v, rel=2e-3)

    # Southtown: 3 km south of BB2's edge; Linetown: 20 m inside AA1's polygon, stated BB
    r = _cli("distances", "--json", "--cities", str(files["cities"]), *_regions_args(files))
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("Linetown") == 1 and "stated country" in r.stderr
    d = pd.DataFrame(json.loads(r.stdout)).set_index("city")
    lon, lat = TO_LL.transform([550 * K, 550 * K], [Y0 - 3 * K, Y0])
    _, _, metres = GEOD.inv(lon[0], lat[0], lon[1], lat[1])
    assert d.loc["Southtown", "border_km"] == pytest.approx(metres / 1000, abs=0.015)
    assert d.loc["Linetown", "region"] == "BB2" and d.loc["Linetown", "border_km"] < 0.05


def test_same_pairs_and_zone_shares_in_every_command(files):
    from crossborder.commands._inputs import dataset_from_args
    from crossborder.report.model import ReportContext
    from crossborder.report.outputs import OutputDir
    from crossborder.report.sections import border as border_section

    want = {tuple(p) for p in expected_pairs()[["a_region", "b_region"]].to_numpy()}
    r = _cli("discontinuities", "--border-only", "--json", "--data", str(files["data"]),
             "--regions", "all", *_regions_args(files))
    assert r.returncode == 0, r.stderr
    disc = pd.DataFrame(json.loads(r.stdout))
    assert {tuple(sorted(p)) for p in disc[["a", "b"]].to_numpy()} == want

    args = _parser_args(files)
    ds = dataset_from_args(args)
    border = dataset_border(ds)
    assert dataset_border(ds) is border                  # one computation, cached
    assert {tuple(p) for p in border.edges[["a_region", "b_region"]].to_numpy()} == want
    # the integration test's cross-border pairs
    edges = panel_edges(ds, ["AA1", "AA2", "BB1", "BB2"])
    cross = neighbour_pairs(ds.regions, edges=edges, contacts=("edge",))
    assert {tuple(p) for p in cross.loc[cross["cross"], ["a", "b"]].to_numpy()} == want
    units = ds.base_regions
    assert {tuple(sorted(p)) for p, c in zip(
        dataset_edges(ds, units)[["a", "b"]].to_numpy(), dataset_edges(ds, units)["contact"],
        strict=True) if c == "edge" and p[0][:2] != p[1][:2]} == want
    # the report's zone section sums the same regions as the zones command
    r = _cli("zones", "--km", "150", "--by-side", "--json", *_regions_args(files))
    by_side = pd.DataFrame(json.loads(r.stdout)).set_index("side")
    ctx = ReportContext(ds=ds, out=OutputDir(files["dir"] / "report"), options={})
    border_section.build(ctx)
    table = pd.read_csv(files["dir"] / "report" / "tables" / "border_zone.csv").set_index("country")
    for side in ("AA", "BB"):
        assert table.loc[side, "zone_share"] == pytest.approx(by_side.loc[side, "zone_share"],
                                                              rel=1e-9)
    assert dataset_zone(ds, 150.0).by_group().loc["AA", "zone_share"] == pytest.approx(
        by_side.loc["AA", "zone_share"], rel=1e-9)


def _parser_args(files: dict):
    return build_parser().parse_args(["border", *_regions_args(files)])


def test_pairs_are_libpysals_fuzzy_contiguity_at_the_tolerance(files):
    from libpysal.weights import fuzzy_contiguity

    g = drawing()
    w = fuzzy_contiguity(g, buffering=True, buffer=TOL)
    ids, country = list(g["region"]), list(g["country"])
    cross = {(ids[i], ids[j]) for i, nb in w.neighbors.items() for j in nb
             if country[i] == "AA" and country[j] == "BB"}
    border = find_border(_api_regions(files), "country", "AA", "BB")
    assert cross == {tuple(p) for p in border.edges[["a_region", "b_region"]].to_numpy()}
    # with no buffer libpysal (like exact edges) misses AA2-BB2, 30 m apart all along
    w0 = fuzzy_contiguity(g, buffering=False)
    assert "BB2" not in {ids[j] for j in w0.neighbors[1]}
