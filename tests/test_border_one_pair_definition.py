"""One definition of a pair, read by every command and the report (issue 17).

A pair is two regions whose boundaries share a line of positive length (across the border: within
the tolerance); regions touching at a point only are listed (``contact="point"``) but are no pair.
The case: two national files (AA: GeoJSON in EPSG:4326, codes in CODE_A; BB: GeoPackage in UTM
33N, codes in ID_B) drawn in UTM 33N along the line y = Y0. AA1 leaves a 40 m gap over 30 km,
AA2 a 30 m gap over its whole 100 km, BB2 claims a 30 m sliver of AA1 over 30 km; AA3 and BB2
share their edge exactly; AA3 touches BB3 at one corner only (a point contact across the
border) and AA4 at one corner (a point contact inside AA). Every expected number is computed
here from the UTM drawing with shapely and pyproj; the commands ``border``, ``discontinuities``,
``zones``, ``integration`` and ``report`` must all give them.
"""

from __future__ import annotations

import contextlib
import io
import json
from itertools import combinations
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Polygon

from crossborder.border.geometry import PAIR_CONTACTS, border_line, find_border
from crossborder.border.shared import dataset_border, dataset_edges, panel_edges
from crossborder.cli import build_parser, main
from crossborder.commands._inputs import dataset_from_args
from crossborder.io import read_regions
from crossborder.study.integration import neighbour_pairs
from crossborder.study.robustness import robustness

UTM = "EPSG:32633"
Y0 = 5_500_000.0
K = 1000.0
TOL = 100.0           # gaps up to 40 m: 2 x 40 m rounded up to 1-2-5 x 10^k
ZONE_KM = 20.0
BREAK = 2005
GEOD = Geod(ellps="WGS84")
TO_LL = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)


def _poly(xy: list[tuple[float, float]]) -> Polygon:
    return shapely.segmentize(Polygon([(x * K, Y0 + y) for x, y in xy]), 500.0)


def drawing() -> gpd.GeoDataFrame:
    top, bottom, up = 100 * K, -100 * K, 200 * K
    shapes = {
        "AA1": [(400, 0), (410, 0), (410, 40), (440, 40), (440, 0), (500, 0), (500, 30),
                (500, top), (400, top)],
        "AA2": [(500, 30), (600, 30), (600, top), (500, top)],
        "AA3": [(600, 0), (700, 0), (700, top), (600, top), (600, 30)],
        "AA4": [(700, top), (800, top), (800, up), (700, up)],          # AA3's corner only
        "BB1": [(400, bottom), (450, bottom), (450, 0), (400, 0)],
        "BB2": [(450, bottom), (700, bottom), (700, 0), (490, 0), (490, 30), (460, 30),
                (460, 0), (450, 0)],
        "BB3": [(700, bottom), (800, bottom), (800, 0), (700, 0)],       # AA3's corner only
    }
    return gpd.GeoDataFrame({"region": list(shapes), "country": [k[:2] for k in shapes]},
                            geometry=[_poly(v) for v in shapes.values()], crs=UTM)


def _geodesic_km(line: shapely.Geometry) -> float:
    return GEOD.geometry_length(shapely.transform(
        line, lambda xy: np.column_stack(TO_LL.transform(xy[:, 0], xy[:, 1])))) / 1000.0


def expected() -> SimpleNamespace:
    """The pairs by the documented definition, from the UTM drawing: across the border, the mean
    of each side's outer boundary (less the stretches shared within its side) within TOL of the
    other region, a pair when longer than 4 x TOL; inside a side, a shared line of positive
    length."""
    g = drawing().set_index("region")
    geom = g.geometry

    def outer(r: str) -> shapely.Geometry:
        same = [geom[k].boundary for k in g.index if g.loc[k, "country"] == g.loc[r, "country"]
                and k != r]
        return geom[r].boundary.difference(shapely.union_all(same))

    edges, points, lines = {}, set(), []
    for a in g.index[g["country"] == "AA"]:
        for b in g.index[g["country"] == "BB"]:
            if geom[a].distance(geom[b]) > TOL:
                continue
            la = outer(a).intersection(geom[b].buffer(TOL))
            lb = outer(b).intersection(geom[a].buffer(TOL))
            mean = (_geodesic_km(la) + _geodesic_km(lb)) / 2
            if mean * 1000 > 4 * TOL:
                edges[(a, b)] = mean
                lines.append(la.union(lb))
            else:
                points.add((a, b))
    inner = {(a, b) for a, b in combinations(g.index, 2)
             if g.loc[a, "country"] == g.loc[b, "country"]
             and geom[a].boundary.intersection(geom[b].boundary).length > 0}
    on_border = {r for p in list(edges) + list(points) for r in p}
    line = shapely.union_all(lines)
    zone = line.buffer(ZONE_KM * K)
    shares = {}
    for side in ("AA", "BB"):
        units = [r for r in on_border if r.startswith(side)]
        shares[side] = (sum(geom[r].intersection(zone).area for r in units)
                        / sum(geom[r].area for r in units))
    in_pairs = {r for p in edges for r in p}
    return SimpleNamespace(edges=edges, points=points, inner=inner, length_km=sum(edges.values()),
                           on_border=on_border, zone_share=shares,
                           control={p for p in inner if set(p) <= in_pairs})


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> SimpleNamespace:
    d = tmp_path_factory.mktemp("one_definition")
    g = drawing()
    a = g[g["country"] == "AA"].rename(columns={"region": "CODE_A"}).drop(columns="country")
    b = g[g["country"] == "BB"].rename(columns={"region": "ID_B"}).drop(columns="country")
    a.to_crs("EPSG:4326").to_file(d / "aa.geojson", driver="GeoJSON")
    b.to_file(d / "bb.gpkg", driver="GPKG")
    rng = np.random.default_rng(17)
    rows = []
    for i, r in enumerate(g["region"]):
        level = np.log(10.0 if r.startswith("AA") else 5.0) + rng.normal(0, 0.2)
        for year in range(2000, 2012):
            value = np.exp(level + (0.02 + 0.01 * i) * (year - 2000) + rng.normal(0, 0.03))
            rows.append({"region": r, "year": year, "indicator": "gdp_pc", "unit": "EUR",
                         "value": round(float(value), 4)})
    pd.DataFrame(rows).to_csv(d / "data.csv", index=False)
    files = ["--regions-file", str(d / "aa.geojson"), "--regions-id-col", "CODE_A",
             "--country", "AA",
             "--regions-file", str(d / "bb.gpkg"), "--regions-id-col", "ID_B", "--country", "BB"]
    return SimpleNamespace(dir=d, regions=files, data=["--data", str(d / "data.csv")],
                           want=expected())


def _cli(*args: str) -> SimpleNamespace:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def _json(*args: str) -> pd.DataFrame:
    r = _cli(*args, "--json")
    assert r.returncode == 0, r.stderr
    return pd.DataFrame(json.loads(r.stdout))


def _pairs(frame: pd.DataFrame, a: str = "a_region", b: str = "b_region") -> set:
    return {tuple(sorted(p)) for p in frame[[a, b]].to_numpy()}


def test_the_drawing_has_what_the_test_is_about(case):
    w = case.want
    assert set(w.edges) == {("AA1", "BB1"), ("AA1", "BB2"), ("AA2", "BB2"), ("AA3", "BB2")}
    assert w.points == {("AA3", "BB3")}
    assert ("AA3", "AA4") not in w.inner and ("AA1", "AA2") in w.inner
    assert w.control == {("AA1", "AA2"), ("AA2", "AA3"), ("BB1", "BB2")}


def test_api_pairs_points_and_lengths(case):
    w = case.want
    regions, _ = read_regions([{"path": case.dir / "aa.geojson", "id_col": "CODE_A",
                                "country": "AA"},
                               {"path": case.dir / "bb.gpkg", "id_col": "ID_B", "country": "BB"}])
    border = find_border(regions, "country", "AA", "BB")
    assert PAIR_CONTACTS == ("edge",)
    assert border.tolerance_m == TOL
    assert _pairs(border.edges) == set(w.edges) and _pairs(border.points) == w.points
    got = border.edges.set_index(["a_region", "b_region"])["length_km"]
    for pair, km in w.edges.items():
        assert got[pair] == pytest.approx(km, rel=2e-4)
    assert border.line.n_pairs == 4
    assert border.line.length_km == pytest.approx(w.length_km, rel=2e-4)


def test_the_neighbour_table_holds_pairs_and_points_only_when_asked(case):
    w = case.want
    ds = dataset_from_args(build_parser().parse_args(["border", *case.regions]))
    units = ds.base_regions
    table = dataset_edges(ds, units)
    assert set(table["contact"]) == {"edge"}
    assert _pairs(table, "a", "b") == set(w.edges) | w.inner
    both = dataset_edges(ds, units, contacts=("edge", "point"))
    assert _pairs(both[both["contact"] == "point"], "a", "b") == w.points | {("AA3", "AA4")}
    with pytest.raises(ValueError, match="unknown contact kinds"):
        dataset_edges(ds, units, contacts=("corner",))
    # the integration test's pairs, through the function it calls with the Dataset's border
    used = neighbour_pairs(ds.regions, edges=panel_edges(ds, list(units["region"])))
    assert _pairs(used[used["cross"]], "a", "b") == set(w.edges)
    assert _pairs(used[~used["cross"]], "a", "b") == w.inner
    assert dataset_border(ds) is ds.border()             # one computation, cached


def test_api_defaults_follow_the_datasets_sides(case):
    # the BB file first: the regions' first group is BB, the dataset's sides are (AA, BB)
    half = len(case.regions) // 2
    ds = dataset_from_args(build_parser().parse_args(
        ["border", *case.regions[half:], *case.regions[:half]]))
    assert ds.regions["country"].iloc[0] == "BB" and ds.sides() == ("AA", "BB")
    for frame in (ds.regions, ds.base_regions, ds.border_regions):
        line = border_line(frame)
        assert (line.a, line.b) == ("AA", "BB")
    assert (ds.border().a, ds.border().b) == ("AA", "BB")


@pytest.fixture(scope="module")
def commands(case) -> SimpleNamespace:
    """The numbers of each command, run once."""
    r, d = case.regions, case.data
    integ = _cli("integration", *r, *d, "--break-year", str(BREAK), "--json")
    assert integ.returncode == 0, integ.stderr
    return SimpleNamespace(
        pairs=_json("border", "--pairs", *r),
        line=_json("border", "--line", *r).iloc[0],
        regions=_json("border", *r),
        disc=_json("discontinuities", *r, *d, "--regions", "all", "--border-only"),
        effect=_json("discontinuities", *r, *d, "--regions", "all", "--effect"),
        zones=_json("zones", *r, "--km", str(ZONE_KM), "--by-side").set_index("side"),
        integration=pd.DataFrame(json.loads(integ.stdout)))


def test_every_command_reads_the_same_pairs(case, commands):
    w = case.want
    pairs = commands.pairs
    assert _pairs(pairs[pairs["contact"] == "edge"]) == set(w.edges)
    assert _pairs(pairs[pairs["contact"] == "point"]) == w.points
    assert commands.line["n_pairs"] == len(w.edges)
    assert commands.line["length_km"] == pytest.approx(w.length_km, rel=2e-4)
    assert set(commands.regions["region"]) == w.on_border          # BB3 by its corner
    assert _pairs(commands.disc, "a", "b") == set(w.edges)         # the corner is no pair
    assert set(commands.effect["n_border"]) == {len(w.edges)}
    did = commands.integration.query("test == 'did'").iloc[0]
    assert did["detail"].startswith(f"{len(w.edges)} cross-border vs {len(w.control)} domestic "
                                    "pairs")
    for side in ("AA", "BB"):
        assert commands.zones.loc[side, "zone_share"] == pytest.approx(w.zone_share[side],
                                                                       rel=2e-3)


def test_the_report_command_gives_the_commands_numbers(case, commands):
    out = case.dir / "report"
    r = _cli("report", *case.regions, *case.data, "--indicator", "gdp_pc", "--break-year",
             str(BREAK), "--km", str(ZONE_KM), "--out", str(out), "--quiet", "--no-explorer",
             "--sections", "integration,border,pairs,maps")    # the sections of these tables
    assert r.returncode == 0, r.stderr
    tables = out / "tables"
    border = pd.read_csv(tables / "border.csv").set_index("item")["value"]
    assert float(border["border length, km"]) == pytest.approx(commands.line["length_km"],
                                                               rel=1e-9)
    assert int(float(border["pairs of regions sharing a stretch of border"])) == len(case.want.edges)
    assert int(float(border["pairs touching at a point only"])) == len(case.want.points)
    on = pd.read_csv(tables / "border_regions.csv")
    assert set(on["region"]) == set(commands.regions["region"])
    zone = pd.read_csv(tables / "border_zone.csv").set_index("country")
    for side in ("AA", "BB"):
        assert zone.loc[side, "zone_share"] == pytest.approx(
            commands.zones.loc[side, "zone_share"], rel=1e-9)
    trend = pd.read_csv(tables / "pair_gaps_trend.csv")
    assert _pairs(trend) == _pairs(commands.pairs[commands.pairs["contact"] == "edge"])
    effect = pd.read_csv(tables / "border_effect.csv").set_index("time")
    mine = commands.effect.set_index("time")
    np.testing.assert_array_equal(effect["n_border"], mine["n_border"])
    np.testing.assert_allclose(effect["ratio"], mine["ratio"], rtol=1e-12)
    report_did = pd.read_csv(tables / "integration.csv").query("test == 'did'").iloc[0]
    did = commands.integration.query("test == 'did'").iloc[0]
    assert report_did["detail"].split(";")[0] == did["detail"].split(";")[0]


def test_the_robustness_grid_reads_the_same_pairs(case):
    """The grid's border effect and pair gaps use the border found within the tolerance (the 40 m
    and 30 m gaps keep their pairs) and pairs only (AA3-BB3 touch at a corner: no pair)."""
    w = case.want
    ds = dataset_from_args(build_parser().parse_args(["report", *case.regions, *case.data]))
    grid = robustness(ds, indicator="gdp_pc", estimates=("border_effect", "pair_gaps"),
                      currencies=[None], cov_types=("nonrobust",), n_boot=0, n_draws=0)
    t = grid.table
    gaps = t[t["estimate"] == "pair_gap_trend"]
    effect = t[t["estimate"] == "border_effect_trend"]
    assert len(gaps) and len(effect)
    assert gaps["detail"].str.startswith(f"{len(w.edges)} pairs:").all()
    assert effect["detail"].str.endswith(f"; {len(w.edges)} border edges").all()
    data = pd.read_csv(case.dir / "data.csv")
    logs = np.log(data.pivot(index="region", columns="year", values="value"))
    row = gaps[gaps["regions"] == gaps["regions"].iloc[0]].iloc[0]
    years = [y for y in logs.columns if row["start"] <= y <= row["end"]]
    gap = np.mean([np.abs(logs.loc[a, years] - logs.loc[b, years]).to_numpy() for a, b in w.edges],
                  axis=0)
    assert row["value"] == pytest.approx(np.polyfit(np.array(years, float), gap, 1)[0], rel=1e-9)
