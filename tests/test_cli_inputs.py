"""The command line on the user's own files, through the shared option layer (commands/_inputs.py).

A grid of 4 x 3 squares of one degree near the equator, split by the meridian 12°E: columns 0-1 are
country A, columns 2-3 country B. Every number is computed again here with numpy or pyproj.
"""

from __future__ import annotations

import io
import json
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.offline
import pytest
from pyproj import Geod
from shapely.geometry import box

import crossborder as cb
from crossborder.cli import main

YEARS = list(range(2000, 2011))
X0 = 10.0     # longitude of the grid's west edge; the border is the meridian X0 + 2


def _code(i: int, j: int) -> str:
    return f"{'A' if i < 2 else 'B'}-{i}{j}"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli_grid")
    rng = np.random.default_rng(11)
    rows, data, wide = [], [], []
    for i in range(4):
        for j in range(3):
            code = _code(i, j)
            rows.append({"code": code, "country": code[0], "geometry": box(X0 + i, j, X0 + i + 1,
                                                                           j + 1)})
            start = 1000.0 * (1 + i) * (1 + 0.2 * j)
            growth = 0.05 - 0.01 * i + rng.normal(0, 0.003)
            w = {"region": code}
            for k, year in enumerate(YEARS):
                v = round(start * np.exp(growth * k + rng.normal(0, 0.03)), 4)
                # each value states its unit: two countries are pooled only in one known unit
                data.append({"region": code, "year": year, "indicator": "gdp_pc", "value": v,
                             "unit": "EUR", "pop": 1000 + 100 * i + 10 * j + k, "side": code[0]})
                data.append({"region": code, "year": year, "indicator": "jobs",
                             "value": round(50 + 3 * i - j + 0.5 * k + rng.normal(0, 1), 4),
                             "unit": "%", "pop": 1000 + 100 * i + 10 * j + k, "side": code[0]})
                w[f"gdp_{year}"] = v
            wide.append(w)
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(d / "grid.geojson", driver="GeoJSON")
    nocountry = gpd.GeoDataFrame(rows, crs="EPSG:4326").drop(columns="country")
    nocountry.to_file(d / "grid_nocountry.geojson", driver="GeoJSON")
    third = gpd.GeoDataFrame(rows + [{"code": "C-50", "country": "C",
                                      "geometry": box(X0 + 4, 0, X0 + 5, 1)}], crs="EPSG:4326")
    third.to_file(d / "grid3.geojson", driver="GeoJSON")
    long = pd.DataFrame(data)
    long.to_csv(d / "long.csv", index=False)
    long[long["indicator"] == "gdp_pc"].drop(columns="indicator").to_csv(d / "gdp.csv",
                                                                         index=False)
    pd.DataFrame(wide).to_csv(d / "wide.csv", index=False)
    unknown = pd.concat([long, pd.DataFrame(
        [{"region": r, "year": y, "indicator": "gdp_pc", "value": 5.0, "unit": "EUR", "pop": 1.0,
          "side": "A"}
         for r in ("Z-1", "Z-2") for y in YEARS[:4]])], ignore_index=True)
    unknown.to_csv(d / "unknown.csv", index=False)
    gap = long.drop(long[(long["region"] == "B-31") & (long["year"] == 2004)].index)
    gap.to_csv(d / "gap.csv", index=False)
    pd.DataFrame({"region": ["A-00"], "2019Q4": [1.0]}).to_csv(d / "quarters.csv", index=False)
    long.rename(columns={"region": "code"}).to_csv(d / "othername.csv", index=False)
    usd = long[long["indicator"] == "gdp_pc"].assign(unit="USD")
    usd.to_csv(d / "usd.csv", index=False)
    usd.assign(unit="EUR").to_csv(d / "eur.csv", index=False)
    return d


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def own(files, data: str = "long.csv", regions: str = "grid.geojson") -> list[str]:
    return ["--regions-file", str(files / regions), "--regions-id-col", "code",
            "--data", str(files / data)]


def run_json(argv: list[str], capsys):
    code, out, err = run([*argv, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)


def values(files, indicator: str = "gdp_pc", data: str = "long.csv") -> pd.DataFrame:
    """Region x year values of the test's own CSV."""
    d = pd.read_csv(files / data)
    return d[d["indicator"] == indicator].pivot(index="region", columns="year", values="value")


def numpy_beta(v: pd.DataFrame, first: int, last: int) -> float:
    ly0, ly1 = np.log(v[first].to_numpy()), np.log(v[last].to_numpy())
    growth = (ly1 - ly0) / (last - first)
    x = np.column_stack([np.ones_like(ly0), ly0])
    return float(np.linalg.lstsq(x, growth, rcond=None)[0][1])


# ----------------------------------------------------------------------------- border
def test_border_of_the_grid(files, capsys):
    line = run_json(["border", "--line", "--regions-file", str(files / "grid.geojson"),
                     "--regions-id-col", "code"], capsys)[0]
    expected = Geod(ellps="WGS84").line_length([X0 + 2, X0 + 2], [0, 3]) / 1000
    assert line["length_km"] == pytest.approx(expected, rel=1e-9)
    assert line["n_pairs"] == 3 and (line["a"], line["b"]) == ("A", "B")
    assert line["basis"] == "polygons as given"
    pairs = run_json(["border", "--pairs", "--regions-file", str(files / "grid.geojson"),
                      "--regions-id-col", "code"], capsys)
    edges = {(p["a_region"], p["b_region"]) for p in pairs if p["contact"] == "edge"}
    assert edges == {(f"A-1{j}", f"B-2{j}") for j in range(3)}
    assert sum(p["contact"] == "point" for p in pairs) == 4          # the diagonals across
    regions = run_json(["border", "--regions-file", str(files / "grid.geojson"),
                        "--regions-id-col", "code"], capsys)
    assert sorted(r["region"] for r in regions) == [*(f"A-1{j}" for j in range(3)),
                                                    *(f"B-2{j}" for j in range(3))]
    assert "part" not in regions[0]          # no region is a part of another


def test_border_text_states_its_basis(files, capsys):
    code, out, _ = run(["border", "--regions-file", str(files / "grid.geojson"),
                        "--regions-id-col", "code"], capsys)
    assert code == 0 and "length from the polygons as given" in out


def test_builtin_border_shows_the_gap_to_the_papers_length(capsys):
    line = run_json(["border", "--line"], capsys)[0]
    assert line["reference_km"] == 7512.0
    assert line["gap_pct"] == pytest.approx(100 * (line["length_km"] - 7512) / 7512)


def test_countries_pick_two_sides_of_three(files, capsys):
    base = ["border", "--line", "--regions-file", str(files / "grid3.geojson"),
            "--regions-id-col", "code"]
    code, _, err = run(base, capsys)
    assert code == 2 and "pick them with --countries A B" in err
    code, out, err = run([*base, "--countries", "A", "B", "--json"], capsys)
    assert code == 0 and "left out 1 region(s) of other countries" in err
    assert json.loads(out)[0]["n_pairs"] == 3
    code, _, err = run([*base, "--countries", "A", "Q"], capsys)
    assert code == 2 and "no region has country 'Q'" in err


def test_zones_of_the_grid(files, capsys):
    rows = run_json(["zones", *own(files, "gdp.csv"), "--km", "150", "--weight-col", "pop",
                     "--year", "2005",
                     "--regions", "all"], capsys)
    got = {r["region"]: r for r in rows}
    assert set(got) == {f"{c}-{i}{j}" for c, i in (("A", 0), ("A", 1), ("B", 2), ("B", 3))
                        for j in range(3)}
    # a one-degree cell next to the border lies wholly within 150 km (111 km wide);
    # the cells one column farther lie partly within
    for j in range(3):
        assert got[f"A-1{j}"]["zone_share"] == pytest.approx(1.0, abs=1e-6)
        assert 0 < got[f"A-0{j}"]["zone_share"] < 1
    pop = pd.read_csv(files / "long.csv").query("indicator == 'gdp_pc' and year == 2005")
    pop = pop.set_index("region")["pop"]
    for r, row in got.items():
        assert row["population"] == pop[r]
        assert row["zone_population"] == pytest.approx(pop[r] * row["zone_share"])


def test_zones_without_population_give_areas(files, capsys):
    code, out, err = run(["zones", *own(files, "gdp.csv"), "--csv"], capsys)
    assert code == 0 and "areas only" in err
    t = pd.read_csv(io.StringIO(out))
    assert len(t) == 6 and "zone_population" not in t


# ----------------------------------------------------------------------------- discontinuities
def test_discontinuities_and_the_border_effect(files, capsys):
    edges = pd.DataFrame(run_json(["discontinuities", *own(files), "--indicator", "gdp_pc",
                                   "--year", "2006", "--weight", "none"], capsys))
    v = values(files)[2006]
    expected = {}
    for i in range(4):                    # rook neighbours of the grid
        for j in range(3):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < 4 and j + dj < 3:
                    a, b = _code(i, j), _code(i + di, j + dj)
                    expected[frozenset((a, b))] = (max(v[a] / v[b], v[b] / v[a]), a[0] != b[0])
    got = {frozenset((a, b)): d for a, b, d in zip(edges["a"], edges["b"], edges["discontinuity"],
                                                    strict=True)}
    assert set(got) == set(expected) and len(got) == 17
    for k, (d, _) in expected.items():
        assert got[k] == pytest.approx(d, rel=1e-12)
    border = [d for d, on in expected.values() if on]
    internal = [d for d, on in expected.values() if not on]
    assert len(border) == 3
    effect = pd.DataFrame(run_json(["discontinuities", *own(files), "--indicator", "gdp_pc",
                                    "--effect", "--weight", "none"], capsys)).set_index("time")
    assert effect.loc[2006, "ratio"] == pytest.approx(np.mean(border) / np.mean(internal),
                                                      rel=1e-12)


def test_discontinuities_need_polygons(files, capsys):
    code, _, err = run(["discontinuities", "--data", str(files / "long.csv"), "--indicator",
                        "gdp_pc"], capsys)
    assert code == 2 and "discontinuities needs polygons: give --regions-file FILE" in err


# ----------------------------------------------------------------------------- moran, figures
def test_moran_equals_numpy(files, capsys):
    t = pd.DataFrame(run_json(["moran", *own(files), "--indicator", "gdp_pc", "--weights",
                               "rook", "--permutations", "0", "--regions", "all"],
                              capsys)).set_index("time")
    v = values(files)
    codes = list(v.index)
    w = np.zeros((12, 12))
    for a in codes:
        for b in codes:
            ia, ja, ib, jb = int(a[2]), int(a[3]), int(b[2]), int(b[3])
            w[codes.index(a), codes.index(b)] = abs(ia - ib) + abs(ja - jb) == 1
    w = w / w.sum(axis=1, keepdims=True)
    for year in (2000, 2010):
        z = v[year].to_numpy() - v[year].mean()
        assert t.loc[year, "I"] == pytest.approx(z @ w @ z / (z @ z), rel=1e-10)
    # --log: of the log values, as the report's table
    t = pd.DataFrame(run_json(["moran", *own(files), "--indicator", "gdp_pc", "--weights",
                               "rook", "--permutations", "0", "--regions", "all", "--log"],
                              capsys)).set_index("time")
    z = np.log(v[2010].to_numpy())
    z = z - z.mean()
    assert t.loc[2010, "I"] == pytest.approx(z @ w @ z / (z @ z), rel=1e-10)


def test_figures_from_the_users_files(files, tmp_path, capsys):
    code, out, err = run(["figures", *own(files), "--indicator", "gdp_pc", "--out",
                          str(tmp_path), "--formats", "png", "--csv"], capsys)
    assert code == 0, err
    t = pd.read_csv(io.StringIO(out))
    assert set(t["figure"]) == {"map", "discontinuities"}
    assert (tmp_path / "map.png").stat().st_size > 10_000
    edges = pd.read_csv(tmp_path / "discontinuities.csv")
    assert len(edges) == 17
    code, _, err = run(["figures", "--fallback", "earliest", *own(files), "--out",
                        str(tmp_path)], capsys)
    assert code == 2 and "--fallback" in err


def test_report_on_the_users_files(files, tmp_path, capsys):
    # the sections whose text names the data's countries; every section of a generic report:
    # test_report_generic.py::test_generic_report_has_nothing_of_russia_kazakhstan
    code, _, err = run(["report", *own(files), "--indicator", "gdp_pc", "--out",
                        str(tmp_path / "rep"), "--quiet", "--date", "2026-01-01",
                        "--sections", "verdict,data,border,sigma"], capsys)
    assert code == 0, err
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    html = html.replace(plotly.offline.get_plotlyjs(), "")   # the explorer's Plotly knows country names
    for word in ("Russia", "Kazakhstan", "okrug", "Tyumen"):
        assert word not in html


def test_info_on_the_users_files(files, capsys):
    rows = run_json(["info", *own(files), "--regions", "border"], capsys)
    assert sorted(r["region"] for r in rows) == ["A-10", "A-11", "A-12", "B-20", "B-21", "B-22"]


# ----------------------------------------------------------------------------- selections
def test_years_window_equals_numpy_ols(files, capsys):
    full = run_json(["beta", *own(files), "--indicator", "gdp_pc", "--regions", "all"], capsys)[0]
    part = run_json(["beta", *own(files), "--indicator", "gdp_pc", "--regions", "all",
                     "--years", "2000-2005"], capsys)[0]
    v = values(files)
    assert (full["start"], full["end"], part["start"], part["end"]) == (2000, 2010, 2000, 2005)
    assert full["beta"] == pytest.approx(numpy_beta(v, 2000, 2010), rel=1e-10)
    assert part["beta"] == pytest.approx(numpy_beta(v, 2000, 2005), rel=1e-10)
    assert part["beta"] != pytest.approx(full["beta"], rel=1e-3)
    ly0 = np.log(v[2000].to_numpy())
    alpha = np.mean((np.log(v[2005].to_numpy()) - ly0) / 5) - part["beta"] * ly0.mean()
    assert part["alpha"] == pytest.approx(alpha, rel=1e-10)


def test_years_list_and_regions_selections(files, capsys):
    v = values(files)
    sd = pd.DataFrame(run_json(["sigma", *own(files), "--indicator", "gdp_pc", "--measure",
                                "sd_log", "--years", "2001,2007", "--regions", "all"], capsys))
    assert list(sd["time"]) == [2001, 2007]
    assert sd["sd_log"].iloc[1] == pytest.approx(np.log(v[2007]).std(ddof=0), rel=1e-12)
    for selection, codes in (("border", ["A-10", "A-11", "A-12", "B-20", "B-21", "B-22"]),
                             ("A", [c for c in v.index if c[0] == "A"]),
                             ("interior:B", ["B-30", "B-31", "B-32"]),
                             ("A-00,A-01,B-32", ["A-00", "A-01", "B-32"])):
        sd = pd.DataFrame(run_json(["sigma", *own(files), "--indicator", "gdp_pc", "--measure",
                                    "sd_log", "--regions", selection], capsys)).set_index("time")
        assert (sd["n"] == len(codes)).all(), selection
        assert sd.loc[2010, "sd_log"] == pytest.approx(np.log(v.loc[codes, 2010]).std(ddof=0),
                                                       rel=1e-12)


def test_indicator_and_weight_options(files, capsys):
    jobs = values(files, "jobs")
    sd = pd.DataFrame(run_json(["sigma", *own(files), "--indicator", "jobs", "--measure",
                                "sd_log", "--regions", "all"], capsys)).set_index("time")
    assert sd.loc[2003, "sd_log"] == pytest.approx(np.log(jobs[2003]).std(ddof=0), rel=1e-12)
    code, _, err = run(["sigma", *own(files), "--regions", "all"], capsys)
    assert code == 2 and "pick one with --indicator NAME" in err
    # weights from a column beside the values
    d = pd.read_csv(files / "gdp.csv")
    w = d.pivot(index="region", columns="year", values="pop")[2004]
    ly = np.log(values(files)[2004])
    mean = np.average(ly, weights=w)
    expected = np.sqrt(np.average((ly - mean) ** 2, weights=w))
    got = pd.DataFrame(run_json(["sigma", *own(files, "gdp.csv"), "--weight-col", "pop",
                                 "--weighted", "--measure", "sd_log", "--regions", "all"],
                                capsys)).set_index("time")
    assert got.loc[2004, "sd_log"] == pytest.approx(expected, rel=1e-12)
    assert got.loc[2004, "sd_log"] != pytest.approx(np.log(values(files)[2004]).std(), rel=1e-6)
    code, _, err = run(["sigma", *own(files, "gdp.csv"), "--weighted", "--weight", "people"],
                       capsys)
    assert code == 2 and "--weight people: no such indicator" in err


def test_unbalanced_keeps_the_region_with_a_gap(files, capsys):
    code, out, err = run(["sigma", *own(files, "gap.csv"), "--indicator", "gdp_pc",
                          "--measure", "sd_log", "--regions", "all", "--json"], capsys)
    assert code == 0 and "left out 1 region(s) without a value in every year: B-31" in err
    assert {r["n"] for r in json.loads(out)} == {11}
    rows = run_json(["sigma", *own(files, "gap.csv"), "--indicator", "gdp_pc", "--measure",
                     "sd_log", "--regions", "all", "--unbalanced"], capsys)
    n = {r["time"]: r["n"] for r in rows}
    assert n[2004] == 11 and n[2005] == 12


def test_currency_is_honoured_or_an_error(files, capsys):
    code, _, err = run(["sigma", *own(files, "eur.csv"), "--currency", "USD"], capsys)
    assert code == 2 and "--currency USD: your data has no exchange rates" in err
    a = run_json(["sigma", *own(files, "usd.csv"), "--currency", "USD"], capsys)
    b = run_json(["sigma", *own(files, "usd.csv")], capsys)
    assert a == b


def test_group_col_and_prefix_give_the_countries(files, capsys):
    v = values(files)
    ly = np.log(v[2008])
    groups = ly.groupby(ly.index.str[0])
    mu = np.exp(ly).mean()
    y = np.exp(ly)
    between = sum(len(g) / len(y) * (np.exp(g).mean() / mu) * np.log(np.exp(g).mean() / mu)
                  for _, g in groups)
    for extra in (["--group-col", "side"], ["--country-from-prefix"],
                  ["--country-from-prefix", "-"]):
        t = pd.DataFrame(run_json(["decompose", *own(files, "gdp.csv", "grid_nocountry.geojson"),
                                   *extra, "--regions", "all"], capsys)).set_index("time")
        assert t.loc[2008, "between"] == pytest.approx(between, rel=1e-10), extra
        assert t.loc[2008, "n_groups"] == 2
    code, _, err = run(["decompose", *own(files, "gdp.csv", "grid_nocountry.geojson"),
                        "--group-col", "nowhere"], capsys)
    assert code == 2 and "--group-col nowhere: no such column" in err


def test_wide_file_with_prefixed_year_headers(files, capsys):
    a = run_json(["sigma", *own(files, "wide.csv"), "--regions", "all", "--unit", "EUR"], capsys)
    b = run_json(["sigma", *own(files, "gdp.csv"), "--regions", "all"], capsys)
    assert a == b and len(a) == len(YEARS)
    code, out, _ = run(["info", *own(files, "wide.csv"), "--coverage", "--json"], capsys)
    assert json.loads(out)[0]["indicator"] == "gdp"


def test_quarterly_headers_are_an_error(files, capsys):
    code, _, err = run(["info", "--data", str(files / "quarters.csv")], capsys)
    assert code == 1
    assert "column '2019Q4' is not a year: crossborder reads annual data" in err


def test_unknown_regions_listed_once_or_set_aside(files, capsys):
    code, _, err = run(["sigma", *own(files, "unknown.csv"), "--indicator", "gdp_pc"], capsys)
    assert code == 1
    assert "2 region code(s) in the data are not in the regions table (8 rows)" in err
    assert err.count("'Z-1': 4 rows") == 1 and err.count("'Z-2'") == 1
    code, out, err = run(["sigma", *own(files, "unknown.csv"), "--indicator", "gdp_pc",
                          "--drop-unknown", "--json", "--regions", "all"], capsys)
    assert code == 0
    assert "set aside 8 row(s): 8 x region not in the regions table" in err
    assert json.loads(out) == run_json(["sigma", *own(files), "--indicator", "gdp_pc",
                                        "--regions", "all"], capsys)
    code, _, err = run(["sigma", *own(files, "unknown.csv"), "--indicator", "gdp_pc",
                        "--drop-unknown", "--verbose", "--regions", "all"], capsys)
    assert code == 0 and "rows set aside:" in err and err.count("Z-2") >= 4


def test_hints_speak_the_command_line(files, capsys):
    code, _, err = run(["info", "--data", str(files / "othername.csv")], capsys)
    assert code == 1 and "--id-col COLUMN" in err and "region='<column>'" not in err
    rows = run_json(["info", "--data", str(files / "othername.csv"), "--id-col", "code",
                     "--regions", "all"], capsys)
    assert len(rows) == 12


# ----------------------------------------------------------------------------- JSON fields
def test_json_carries_every_field(files, capsys):
    beta = run_json(["beta", *own(files), "--indicator", "gdp_pc"], capsys)[0]
    assert {"alpha", "beta", "se", "tstat", "pvalue", "r2", "nobs", "speed", "half_life", "span",
            "kind", "cov_type"} <= set(beta)
    mk = run_json(["markov", "--k", "4"], capsys)
    labels = ["Q1", "Q2", "Q3", "Q4"]
    assert list(mk["steady_state"]) == labels and "shorrocks" in mk["mobility"]
    p = np.array([[c["probability"] for c in mk["transitions"][i * 4:(i + 1) * 4]]
                  for i in range(4)])
    pi = np.array([mk["steady_state"][q] for q in labels])
    assert np.allclose(pi @ p, pi) and np.isclose(pi.sum(), 1)
    assert mk["mobility"]["shorrocks"] == pytest.approx((4 - np.trace(p)) / 3)
    d = run_json(["delta", *own(files), "--indicator", "gdp_pc", "--regions", "all"], capsys)
    v = values(files)
    assert d["best"] == "max" and len(d["departures"]) == v.size
    first = d["table"][0]
    assert first["best_region"] == v[2000].idxmax() and first["n"] == 12
    clubs = run_json(["clubs", "--regions", "all"], capsys)
    assert clubs["n_clubs"] == len(clubs["clubs"]) >= 1
    assert {"b", "se", "tstat", "size"} <= set(clubs["clubs"][0])


# ----------------------------------------------------------------------------- bad options
@pytest.mark.parametrize("argv, message", [
    (["clubs", "--cstar", "nan"], "argument --cstar: must be a finite number, not 'nan'"),
    (["clubs", "--cstar", "inf"], "argument --cstar: must be a finite number, not 'inf'"),
    (["sigma", "--ddof", "-5"], "argument --ddof: must be >= 0, not '-5'"),
    (["markov", "--k", "2.5"], "argument --k: must be a whole number, not '2.5'"),
    (["markov", "--k", "1"], "argument --k: must be >= 2, not '1'"),
    (["clubs", "--trim", "2"], "argument --trim: must be < 1, not '2'"),
    (["clubs", "--trim", "0"], "argument --trim: must be > 0, not '0'"),
    (["moran", "--permutations", "1e3.5"], "argument --permutations: not a number: '1e3.5'"),
    (["sigma", "--years", "2019-2008"],
     "--years 2019-2008: the first year (2019) comes after the last (2008)"),
    (["beta", "--years", "abc"],
     "--years 'abc': not years; use first-last (2008-2019) or a list (2008,2012,2019)"),
    (["sigma", "--regions", "border:ZZ"], "--regions border:ZZ: no country 'ZZ' (countries: KZ, RU)"),
    (["sigma", "--regions", "RU-XX,KZ-PAV"], "unknown codes: RU-XX"),
    (["sigma", "--regions", "my.geojson"],
     "--regions 'my.geojson': --regions selects regions (border, all, a country or codes); "
     "give a polygons file with --regions-file FILE"),
    (["zones", "--regions", "my.shp"], "use border or all (polygons come with --regions-file FILE)"),
    (["sigma", "--id-col", "code"], "--id-col applies to your own files"),
    (["sigma", "--years", "1800-1810"], "--years 1800-1810: no grp_per_capita_lcu in those years"),
    (["sigma", "--measure", "bogus"], "--measure: unknown measure 'bogus'"),
    (["sigma", "--weight", "people"], "--weight people: no such indicator in the data"),
    (["beta", "--indicator", "gdp"], "--indicator gdp: no such indicator in the data"),
    (["moran", "--threshold-km", "100"], "--threshold-km applies to --weights distance"),
])
def test_bad_options_are_usage_errors(argv, message, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2, err
    assert message in err and "Traceback" not in err + out


def test_twins_need_cities_and_info_lists_polygons_only(files, capsys):
    code, _, err = run(["twins", "--regions-file", str(files / "grid.geojson"), "--regions-id-col",
                        "code"], capsys)
    assert code == 2 and "twins needs cities" in err
    rows = run_json(["info", "--regions-file", str(files / "grid.geojson"), "--regions-id-col",
                     "code", "--regions", "all"], capsys)
    assert len(rows) == 12 and {r["geometry"] for r in rows} == {"own"}


def test_dataset_and_own_files_exclude_each_other(files, capsys):
    code, _, err = run(["sigma", "--dataset", "ru-kz", "--data", str(files / "long.csv")], capsys)
    assert code == 2 and "--dataset and --data/--regions-file exclude each other" in err


def test_unknown_builtin_dataset_is_a_usage_error(capsys):
    code, _, err = run(["sigma", "--dataset", "nowhere"], capsys)
    assert code == 2 and "--dataset nowhere: no built-in dataset 'nowhere'" in err


# ----------------------------------------------------------------------------- exit codes
def _boom(exc: BaseException):
    def func(args):
        raise exc
    return func


def _patched(monkeypatch, exc: BaseException) -> None:
    import crossborder.commands.measures as m

    monkeypatch.setattr(m, "run_gamma", _boom(exc))


@pytest.mark.parametrize("exc, code", [(KeyError("x"), 3), (TypeError("y"), 3),
                                       (cb.DataError("bad"), 1), (ValueError("no"), 2)])
def test_exit_codes_and_debug_tracebacks(monkeypatch, capsys, exc, code):
    _patched(monkeypatch, exc)
    got, _, err = run(["gamma"], capsys)
    assert got == code and "Traceback" not in err
    if code == 3:
        assert "internal error (" in err and "--debug" in err
    got, _, err = run(["--debug", "gamma"], capsys)
    assert got == code and "Traceback (most recent call last)" in err


def test_ctrl_c_exits_130_with_one_line(monkeypatch, capsys):
    _patched(monkeypatch, KeyboardInterrupt())
    code, out, err = run(["gamma"], capsys)
    assert code == 130 and err == "crossborder: interrupted\n" and out == ""


def test_help_and_argparse_errors_return_codes(capsys):
    assert main(["sigma", "--help"]) == 0
    assert main(["sigma", "--no-such-option"]) == 2


# ----------------------------------------------------------------------------- Python API bits
def test_indicators_without_a_unit_column(files, tmp_path):
    plain = tmp_path / "gdp_no_unit.csv"
    pd.read_csv(files / "gdp.csv").drop(columns="unit", errors="ignore").to_csv(plain, index=False)
    ds = cb.read_dataset(files / "grid.geojson", plain, id_col="code")
    t = ds.indicators()
    assert list(t["unit"].isna()) == [True, True] and set(t["country"]) == {"A", "B"}


def test_cross_border_pairs_of_the_builtin_regions_skip_what_has_no_polygon():
    ds = cb.load_dataset("ru-kz")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pairs = cb.cross_border_pairs(ds.regions)
    text = " ".join(str(w.message) for w in caught)
    assert "KZ-YUZ" in text and "without a polygon" in text
    base = cb.cross_border_pairs(ds.base_regions)
    assert pairs[["a_region", "b_region"]].equals(base[["a_region", "b_region"]])


def test_options_are_not_abbreviated(capsys):
    # argparse's prefix matching would read --data as --dataset, or --year as --years
    code = main(["twins", "--data", "x.csv"])
    err = capsys.readouterr().err
    assert code == 2 and "unrecognized arguments: --data" in err
    code = main(["sigma", "--year", "2010-2012"])
    assert code == 2 and "unrecognized arguments: --year" in capsys.readouterr().err
