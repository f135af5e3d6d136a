"""The command line against the QA findings on the user's own files (issues 11 and 12): options that
were silently ignored, messages in the wrong words, exit codes that differed between commands.

A grid of 4 x 3 one-degree squares, columns 0-1 country AA, 2-3 country BB (codes AA-R00 ...); a
long CSV of gdp_pc 2008-2019 with a population in 2010 and 2015 only. Numbers are recomputed here
with numpy.
"""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from crossborder.cli import main

YEARS = list(range(2008, 2020))
POP_YEARS = (2010, 2015)


def _codes() -> list[tuple[str, str]]:
    return [(f"{'AA' if i < 2 else 'BB'}-R{i}{j}", "AA" if i < 2 else "BB")
            for i in range(4) for j in range(3)]


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli_qa")
    rng = np.random.default_rng(5)
    feats, rows = [], []
    for k, (code, country) in enumerate(_codes()):
        i, j = divmod(k, 3)
        feats.append({"region": code, "country": country, "geometry": box(i, j, i + 1, j + 1)})
        base = 100 * (1.5 if country == "BB" else 1) * np.exp(rng.normal(0, 0.3))
        for t in YEARS:
            rows.append({"region": code, "year": t, "indicator": "gdp_pc",
                         "value": round(base * np.exp(0.02 * (t - 2008) + rng.normal(0, 0.05)), 2),
                         "unit": "USD", "country": country})
            if t in POP_YEARS:
                rows.append({"region": code, "year": t, "indicator": "pop",
                             "value": float(rng.integers(100_000, 900_000)), "unit": "persons",
                             "country": country})
    gpd.GeoDataFrame(feats, crs="EPSG:4326").to_file(d / "grid.geojson", driver="GeoJSON")
    long = pd.DataFrame(rows)
    long.to_csv(d / "long.csv", index=False)
    # the country column puts BB-R20..22 in AA: it differs from the codes' prefix
    moved = long.copy()
    moved.loc[moved["region"].str.startswith("BB-R2"), "country"] = "AA"
    moved.to_csv(d / "moved.csv", index=False)
    # one code without an ISO prefix (a country column says where it belongs)
    mixed = long.copy()
    mixed.loc[mixed["region"] == "AA-R00", "region"] = "R00"
    mixed.to_csv(d / "mixed.csv", index=False)
    # the same code written twice, in two cases
    case = long[long["indicator"] == "gdp_pc"].copy()
    case.loc[(case["region"] == "AA-R00") & (case["year"] >= 2014), "region"] = "aa-r00"
    case.to_csv(d / "case.csv", index=False)
    # country BB only from 2012
    late = long[~((long["country"] == "BB") & (long["year"] < 2012))]
    late.to_csv(d / "late.csv", index=False)
    # a formula as a region code
    bad = long.copy()
    bad.loc[bad["region"] == "AA-R00", "region"] = '=HYPERLINK("http://x","y")'
    bad.to_csv(d / "formula.csv", index=False)
    return d


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def gdp(d, name: str = "long.csv") -> pd.DataFrame:
    long = pd.read_csv(d / name)
    return long[long["indicator"] == "gdp_pc"].pivot(index="region", columns="year", values="value")


def pop(d) -> pd.DataFrame:
    long = pd.read_csv(d / "long.csv")
    return long[long["indicator"] == "pop"].pivot(index="region", columns="year", values="value")


def _data(d, *more: str) -> list[str]:
    return ["--data", str(d / "long.csv"), "--indicator", "gdp_pc", *more]


# ----------------------------------------------------------------------------- D17: csv/json output
def test_csv_output_neutralises_formulas(d, capsys):
    code, out, _ = run(["sigma", "--data", d / "formula.csv", "--indicator", "gdp_pc",
                        "--group-col", "country", "--csv"], capsys)
    assert code == 0
    code, out, _ = run(["info", "--data", d / "formula.csv", "--group-col", "country",
                        "--regions", "all", "--csv"], capsys)
    assert code == 0
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert '\'=HYPERLINK("http://x","y")' in cells
    assert not any(c.startswith("=") for c in cells)


def test_json_has_no_infinity(capsys):
    import sys

    from crossborder.commands._common import dump_json

    buf = io.StringIO()
    dump_json({"a": float("inf"), "b": [np.float64("nan"), -np.inf, 1.5], "c": np.int64(3)}, buf)
    assert json.loads(buf.getvalue()) == {"a": None, "b": [None, None, 1.5], "c": 3}
    assert "Infinity" not in buf.getvalue() and "NaN" not in buf.getvalue()
    assert sys.stdout is not None


# ----------------------------------------------------------------------------- D13, D21, D22
def test_unknown_option_prints_the_commands_usage(d, capsys):
    code, _, err = run(["zones", "--regions-file", d / "grid.geojson", "--indicator", "x"], capsys)
    assert code == 2
    assert err.startswith("usage: crossborder zones ")
    assert "crossborder zones: error: unrecognized arguments: --indicator x" in err


def test_bad_crs_is_a_usage_error(d, capsys):
    code, _, err = run(["border", "--regions-file", d / "grid.geojson", "--crs", "EPSG:99999"],
                       capsys)
    assert code == 2
    assert "argument --crs: unknown CRS 'EPSG:99999'" in err
    assert "internal error" not in err


def test_weight_col_missing_names_the_option(d, capsys):
    code, _, err = run(["sigma", *_data(d, "--weight-col", "nope")], capsys)
    assert code == 2
    assert f"--weight-col nope: no such column in {d / 'long.csv'}" in err
    assert "--value-col" not in err


# ----------------------------------------------------------------------------- D1, D10: weights
def test_weight_implies_weighting_and_says_so(d, capsys):
    code, out, err = run(["sigma", *_data(d, "--regions-file", d / "grid.geojson", "--regions",
                                          "all", "--weight", "pop", "--measure", "sd_log",
                                          "--json")], capsys)
    assert code == 0
    assert "note: weighted by pop (--weight implies --weighted)" in err
    rows = json.loads(out)
    assert [r["time"] for r in rows] == list(POP_YEARS)
    y, w = np.log(gdp(d)), pop(d)
    for r in rows:
        t = r["time"]
        p = w[t] / w[t].sum()
        mu = (p * y[t]).sum()
        assert r["sd_log"] == pytest.approx(np.sqrt((p * (y[t] - mu) ** 2).sum()), rel=1e-9)
    assert "the weight pop 2010, 2015" in err


def test_unweighted_measure_keeps_every_year(d, capsys):
    code, out, err = run(["sigma", *_data(d, "--regions", "all", "--weight", "none",
                                          "--measure", "sd_log", "--json")], capsys)
    assert code == 0
    rows = json.loads(out)
    assert [r["time"] for r in rows] == YEARS
    y = np.log(gdp(d))
    assert rows[0]["sd_log"] == pytest.approx(float(np.std(y[2008])), rel=1e-9)
    code, out, err = run(["sigma", *_data(d, "--regions", "all", "--measure", "sd_log",
                                          "--json")], capsys)
    assert code == 0 and [r["time"] for r in json.loads(out)] == YEARS
    assert "set aside" not in err


def test_beta_weight_is_wls_on_the_start_weights(d, capsys):
    import statsmodels.api as sm

    code, out, err = run(["beta", *_data(d, "--regions", "all", "--weight", "pop", "--json")],
                         capsys)
    assert code == 0
    res = json.loads(out)[0]
    assert (res["start"], res["end"]) == POP_YEARS
    y = np.log(gdp(d))
    g = (y[2015] - y[2010]) / 5
    fit = sm.WLS(g, sm.add_constant(y[2010]), weights=pop(d)[2010]).fit()
    assert res["beta"] == pytest.approx(fit.params.iloc[1], rel=1e-9)


@pytest.mark.parametrize("command", ["gamma", "markov", "clubs"])
def test_commands_that_cannot_weight_refuse_weight(d, command, capsys):
    code, _, err = run([command, *_data(d, "--regions", "all", "--weight", "pop")], capsys)
    assert code == 2
    assert f"--weight: {command} does not weight regions; leave --weight out" in err


def test_weighted_without_weight_in_cli_words(d, capsys):
    long = pd.read_csv(d / "long.csv")
    only = d / "gdp_only.csv"
    long[long["indicator"] == "gdp_pc"].to_csv(only, index=False)
    code, _, err = run(["sigma", "--data", only, "--weighted"], capsys)
    assert code == 2
    assert ("crossborder: error: --weighted needs a weight: --weight NAME (indicators: gdp_pc) or "
            "--weight-col COL") in err
    code, _, err = run(["sigma", "--data", only, "--measure", "williamson"], capsys)
    assert code == 2 and "--measure williamson needs a weight" in err


# ----------------------------------------------------------------------------- D14, D15, D16: country
def _theil_between_share(y: pd.Series, groups: pd.Series) -> float:
    mu = y.mean()
    total = np.mean(y / mu * np.log(y / mu))
    between = sum(len(g) / len(y) * g.mean() / mu * np.log(g.mean() / mu)
                  for _, g in y.groupby(groups))
    return between / total


def test_country_column_of_the_data_is_the_default_group(d, capsys):
    code, out, err = run(["decompose", "--data", d / "moved.csv", "--indicator", "gdp_pc",
                          "--years", "2018-2019", "--json"], capsys)
    assert code == 0
    assert "country taken from column 'country' of the data" in err
    assert "ISO 3166-2 prefix" not in err and "columns not used" not in err
    y = gdp(d, "moved.csv")
    groups = pd.read_csv(d / "moved.csv").drop_duplicates("region").set_index("region")["country"]
    rows = json.loads(out)
    for r in rows:
        t = r["time"]
        assert r["between_share"] == pytest.approx(_theil_between_share(y[t], groups[y.index]),
                                                   rel=1e-9)
    assert rows[0]["n_groups"] == 2
    # the prefix only when asked for: then BB-R2x are in BB again
    code, out, err = run(["decompose", "--data", d / "moved.csv", "--indicator", "gdp_pc",
                          "--years", "2018-2019", "--country-from-prefix", "--json"], capsys)
    assert code == 0 and "country taken from the region codes' prefix" in err
    prefix = pd.Series(y.index.str[:2], index=y.index)
    assert json.loads(out)[0]["between_share"] == pytest.approx(
        _theil_between_share(y[2018], prefix), rel=1e-9)


def test_codes_partly_without_prefix_take_the_country_column(d, capsys):
    for extra in ([], ["--group-col", "country"]):
        code, out, err = run(["sigma", "--data", d / "mixed.csv", "--indicator", "gdp_pc",
                              "--measure", "sd_log", "--json", *extra], capsys)
        assert code == 0, err
        assert json.loads(out)[0]["sd_log"] == pytest.approx(float(np.std(np.log(gdp(d)[2008]))),
                                                             rel=1e-9)


def test_case_variants_without_regions_file_name_the_data_rows(d, capsys):
    code, _, err = run(["sigma", "--data", d / "case.csv", "--indicator", "gdp_pc"], capsys)
    assert code == 1
    assert "polygons" not in err and "regions table" not in err
    assert f"{d / 'case.csv'}, row " in err
    assert "region code 'aa-r00' is also written 'AA-R00'" in err


# ----------------------------------------------------------------------------- D20, D11: sides
@pytest.fixture(scope="module")
def three(d):
    grid = gpd.read_file(d / "grid.geojson")
    extra = gpd.GeoDataFrame([{"region": "CC-R50", "country": "CC", "geometry": box(4, 0, 5, 1)}],
                             crs="EPSG:4326")
    pd.concat([grid, extra], ignore_index=True).to_file(d / "grid3.geojson", driver="GeoJSON")
    long = pd.read_csv(d / "long.csv")
    more = long[long["region"] == "BB-R30"].assign(region="CC-R50", country="CC")
    pd.concat([long, more], ignore_index=True).to_csv(d / "long3.csv", index=False)
    return d


def test_default_border_with_three_countries_needs_countries(three, capsys):
    d = three
    base = ["sigma", "--regions-file", d / "grid3.geojson", "--data", d / "long3.csv",
            "--indicator", "gdp_pc"]
    code, _, err = run(base, capsys)
    assert code == 2
    assert ("the default --regions border needs the two sides of the border: the files hold 3 "
            "countries (AA, BB, CC); pick them with --countries A B, or choose --regions all") in err
    code, out, err = run([*base, "--countries", "AA", "BB", "--measure", "sd_log", "--json"], capsys)
    assert code == 0
    rows = json.loads(out)
    border = ["AA-R10", "AA-R11", "AA-R12", "BB-R20", "BB-R21", "BB-R22"]
    assert rows[0]["n"] == 6
    assert rows[0]["sd_log"] == pytest.approx(float(np.std(np.log(gdp(d)[2008][border]))), rel=1e-9)
    # without polygons the documented default is all, said in a note
    code, out, err = run(["sigma", "--data", d / "long3.csv", "--indicator", "gdp_pc", "--json"],
                         capsys)
    assert code == 0 and json.loads(out)[0]["n"] == 13
    assert "note: regions: all, of 3 countries (AA, BB, CC): without polygons" in err


def test_years_without_one_country_is_an_error(d, capsys):
    base = ["--data", d / "late.csv", "--indicator", "gdp_pc", "--regions", "all"]
    code, _, err = run(["beta", *base, "--years", "2008-2019"], capsys)
    assert code == 2
    # its regions are left out for lacking years: said so, never "no region in those years"
    assert ("--years 2008-2019: country BB keeps no region: its 6 region(s) (BB-R20, BB-R21, "
            "BB-R22, BB-R30, BB-R31, BB-R32) lack gdp_pc in some of the years 2008–2019 (its gdp_pc "
            "covers 2012–2019), so the study would be one-sided") in err
    code, out, err = run(["sigma", *base, "--years", "2010-2013", "--unbalanced", "--measure",
                          "sd_log", "--json"], capsys)
    assert code == 0
    assert ("note: one-sided years: in 2010, 2011 only AA has values (BB none); those years' "
            "numbers describe one side only") in err
    rows = {r["time"]: r for r in json.loads(out)}
    assert rows[2010]["n"] == 6 and rows[2012]["n"] == 12
    code, _, err = run(["decompose", *base, "--years", "2010-2013", "--unbalanced"], capsys)
    assert code == 2
    assert "decompose compares the countries, but in 2010, 2011 country BB has no value" in err
    code, _, err = run(["beta", *base, "--years", "2010-2013", "--unbalanced", "--conditional"],
                       capsys)
    assert code == 2 and "beta compares the countries" in err


# ----------------------------------------------------------------------------- D6, D18
def test_clubs_need_the_reports_number_of_periods(d, capsys):
    from crossborder.measures.clubs import MIN_PERIODS
    from crossborder.report.sections.clubs import CLUB_PERIODS

    assert MIN_PERIODS == CLUB_PERIODS == 5
    code, _, err = run(["clubs", *_data(d, "--years", "2008,2010,2012,2014")], capsys)
    assert code == 2
    assert ("clubs need at least 5 periods (HP filter and the log t regression on the last two "
            "thirds); the selection has 4 (2008, 2010, 2012, 2014)") in err
    code, _, _ = run(["clubs", *_data(d, "--years", "2008-2012")], capsys)
    assert code == 0


def test_markov_k_above_the_regions_is_a_usage_error(d, capsys):
    code, _, err = run(["markov", *_data(d, "--k", "13")], capsys)
    assert code == 2
    assert "--k 13: more classes than regions (12); use at most 12" in err
    assert run(["markov", *_data(d, "--k", "12")], capsys)[0] == 0


# ----------------------------------------------------------------------------- D19, D23: messages
def test_beta_years_need_two_years(d, capsys):
    for years in ("2010", "2010,2012,2014"):
        code, _, err = run(["beta", *_data(d, "--years", years)], capsys)
        assert code == 2
        assert (f"--years {years}: beta compares a first and a last year; give two years "
                "(2008,2019) or a range (2008-2019)") in err
        assert "np.int64" not in err


def test_mixed_currencies_on_own_files_do_not_advise_currency(d, capsys):
    long = pd.read_csv(d / "long.csv")
    g = long[long["indicator"] == "gdp_pc"].copy()
    g["unit"] = np.where(g["country"] == "AA", "EUR", "PLN")
    g.to_csv(d / "eurpln.csv", index=False)
    code, _, err = run(["sigma", "--data", d / "eurpln.csv", "--indicator", "gdp_pc"], capsys)
    assert code == 1
    assert "mixes currencies 'EUR' and 'PLN'" in err
    assert "your files have no exchange rates, so convert the values to one currency before" in err
    assert "--currency" not in err


@pytest.mark.parametrize("command", ["sigma", "beta", "gamma", "report"])
def test_same_mistake_same_exit_code(d, command, tmp_path, capsys):
    base = [command, "--regions-file", d / "grid.geojson", "--data", d / "long.csv"]
    out = ["--out", tmp_path / "rep"] if command == "report" else []
    code, _, err = run([*base, "--indicator", "nope", *out], capsys)
    assert code == 2
    assert "--indicator nope: no such indicator in the data (indicators: gdp_pc, pop)" in err
    code, _, err = run([*base, "--indicator", "gdp_pc", "--currency", "PPP", *out], capsys)
    assert code == 2
    assert "--currency PPP: your data has no exchange rates to convert with" in err
    assert not (tmp_path / "rep").exists()


def test_unknown_dataset_and_report_regions_are_usage_errors(d, tmp_path, capsys):
    code, _, err = run(["sigma", "--dataset", "nope"], capsys)
    assert code == 2 and "--dataset nope: no built-in dataset 'nope'" in err
    code, _, err = run(["report", "--regions", "border", "--data", d / "long.csv", "--out",
                        tmp_path / "r"], capsys)
    assert code == 2
    assert ("--regions border: the report's --regions is a polygons file (the same as "
            "--regions-file); the report has no region selection") in err


def test_figures_of_one_side_and_region_without_country(d, tmp_path, capsys):
    code, _, err = run(["figures", "--regions-file", d / "grid.geojson", *_data(d), "--regions",
                        "AA", "--out", tmp_path / "figs"], capsys)
    assert code == 2
    assert ("the maps show both sides of the border: the selection has no region of BB "
            "(--regions AA)") in err
    grid = gpd.read_file(d / "grid.geojson")
    grid.loc[grid["region"] == "AA-R11", "country"] = None
    grid.to_file(tmp_path / "nocountry.geojson", driver="GeoJSON")
    code, _, err = run(["sigma", "--regions-file", tmp_path / "nocountry.geojson", *_data(d)],
                       capsys)
    assert code == 1
    assert f"error: {tmp_path / 'nocountry.geojson'}, row " in err
    assert "region 'AA-R11' has no country" in err
