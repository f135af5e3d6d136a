"""Two currencies, two frequencies (issue 18): units declared or the study stops, indices to the
national mean, the user's own exchange rates and deflators, the years both sides observe, and a
report that never speaks for one side only.

The panel is written by the test: a 4 x 4 grid of squares split by a meridian; country US (columns
0-1) reports income every year 1988-2012 in dollars, country MX (columns 2-3) every 5 years
1990-2010 in pesos; neither file has a unit column.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from crossborder.cli import main
from crossborder.currency import convert_with_user_rates, user_rates
from crossborder.errors import DataError, UnitError
from crossborder.io import read_dataset
from crossborder.panel import Panel

US_YEARS = list(range(1988, 2013))
MX_YEARS = list(range(1990, 2011, 5))
COMMON = MX_YEARS


def _code(i: int, j: int) -> str:
    return f"{'US' if i < 2 else 'MX'}-{i}{j}"


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    d = tmp_path_factory.mktemp("two_currencies")
    rng = np.random.default_rng(18)
    rows, us, mx = [], [], []
    for i in range(4):
        for j in range(4):
            code = _code(i, j)
            rows.append({"region": code, "country": code[:2],
                         "geometry": box(i, j, i + 1, j + 1)})
            growth = 0.03 - 0.004 * i + 0.002 * j + rng.normal(0, 0.002)
            if i < 2:
                for y in US_YEARS:
                    us.append({"region": code, "year": y, "income_pc": round(
                        1000 * (1 + 0.3 * j) * np.exp(growth * (y - 1988) + rng.normal(0, 0.02)), 2)})
            else:
                for y in MX_YEARS:
                    mx.append({"region": code, "year": y, "income_pc": round(
                        9000 * (1 + 0.5 * j) * np.exp(growth * (y - 1990) + rng.normal(0, 0.02)), 1)})
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(d / "regions.geojson", driver="GeoJSON")
    pd.DataFrame(us).to_csv(d / "us.csv", index=False)
    pd.DataFrame(mx).to_csv(d / "mx.csv", index=False)
    # rates: pesos per dollar, 1 for the dollar; a deflator of each country, 100 in 2000
    fx = [{"country": "US", "year": y, "rate": 1.0, "unit": "USD", "source": "test rates"}
          for y in US_YEARS]
    fx += [{"country": "MX", "year": y, "rate": 8.0 + 0.25 * (y - 1990), "unit": "USD",
            "source": "test rates"} for y in US_YEARS]
    pd.DataFrame(fx).to_csv(d / "fx.csv", index=False)
    defl = [{"country": c, "year": y, "index": 100.0 * (1 + k) ** ((y - 2000) / 1)}
            for c, k in (("US", 0.02), ("MX", 0.05)) for y in US_YEARS]
    pd.DataFrame(defl).to_csv(d / "deflator.csv", index=False)
    # one-sided: each Mexican border region (column 2) lacks a year inside the span
    gap = pd.DataFrame(mx)
    for j, y in enumerate((1995, 2000, 2005, 2000)):
        gap = gap[~((gap["region"] == f"MX-2{j}") & (gap["year"] == y))]
    gap.to_csv(d / "mx_gap.csv", index=False)
    # issue 16: a blank unit for one country beside 'RUB' for the other
    pd.DataFrame(us).assign(unit="RUB").to_csv(d / "us_rub.csv", index=False)
    pd.DataFrame(mx).assign(unit="").to_csv(d / "mx_blank.csv", index=False)
    return d


def files(d, mx: str = "mx.csv", us: str = "us.csv") -> list[str]:
    return ["--regions-file", str(d / "regions.geojson"), "--data", str(d / us), "--data",
            str(d / mx), "--value-col", "income_pc"]


def run(argv: list, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def wide(d, name: str) -> pd.DataFrame:
    t = pd.read_csv(d / name)
    return t.pivot(index="region", columns="year", values="income_pc")


def raw(d) -> pd.DataFrame:
    """Region x common year of both files, as they are."""
    return pd.concat([wide(d, "us.csv")[COMMON], wide(d, "mx.csv")[COMMON]])


BORDER = [f"US-1{j}" for j in range(4)] + [f"MX-2{j}" for j in range(4)]


# ----------------------------------------------------------------------------- units
def test_no_unit_across_countries_is_an_error_naming_the_ways_out(d, capsys):
    code, out, err = run(["sigma", *files(d)], capsys)
    assert code == 1 and out == ""
    assert "the values of 'income_pc' for MX and US state no unit" in err
    for way in ("a unit column in the data", "--unit NAME", "--fx FILE", "--relative national"):
        assert way in err
    # one country alone needs no unit
    code, out, _ = run(["sigma", *files(d), "--regions", "US", "--json"], capsys)
    assert code == 0 and len(json.loads(out)) == len(US_YEARS)


def test_blank_unit_beside_rub_is_refused_not_titled_rub(d, capsys):
    code, out, err = run(["sigma", *files(d, mx="mx_blank.csv", us="us_rub.csv")], capsys)
    assert code == 1 and "(RUB)" not in out
    assert "for MX state no unit beside 'RUB' for US" in err
    ds = read_dataset(d / "regions.geojson", [d / "us_rub.csv", d / "mx_blank.csv"],
                      value="income_pc")
    with pytest.raises(UnitError, match="state no unit beside 'RUB'"):
        ds.panel("income_pc")
    assert ds.panel("income_pc", regions="US").unit == "RUB"


def test_unit_statement_pools_the_values(d, capsys):
    code, out, err = run(["sigma", *files(d), "--unit", "USD", "--measure", "sd_log", "--json"],
                         capsys)
    assert code == 0, err
    got = pd.DataFrame(json.loads(out)).set_index("time")["sd_log"]
    expect = np.log(raw(d).loc[BORDER]).std(axis=0, ddof=0)      # default: the border regions
    assert list(got.index) == COMMON
    np.testing.assert_allclose(got.to_numpy(), expect.to_numpy(), rtol=1e-10)
    code, out, _ = run(["sigma", *files(d), "--unit", "USD"], capsys)
    assert out.splitlines()[0] == "sigma convergence of income_pc (USD)"


def test_conditional_beta_runs_on_raw_units(d, capsys):
    code, out, err = run(["beta", *files(d), "--conditional", "--regions", "all", "--json"],
                         capsys)
    assert code == 0, err
    row = json.loads(out)[0]
    v = raw(d)
    ly0, ly1 = np.log(v[COMMON[0]]).to_numpy(), np.log(v[COMMON[-1]]).to_numpy()
    dummy = np.array([r.startswith("US") for r in v.index], dtype=float)
    X = np.column_stack([np.ones(len(v)), ly0, dummy])
    coef = np.linalg.lstsq(X, (ly1 - ly0) / (COMMON[-1] - COMMON[0]), rcond=None)[0]
    assert row["beta"] == pytest.approx(coef[1], rel=1e-9)
    # absolute beta pools levels: refused without a unit
    assert run(["beta", *files(d), "--regions", "all"], capsys)[0] == 1


# ----------------------------------------------------------------------------- frequencies
def test_years_both_sides_observe_said_once(d, capsys):
    code, out, err = run(["sigma", *files(d), "--unit", "USD", "--json"], capsys)
    assert code == 0
    assert [r["time"] for r in json.loads(out)] == COMMON
    notes = [line for line in err.splitlines() if "the years every country observes" in line]
    assert len(notes) == 1
    assert notes[0].startswith("note: years 1990, 1995, 2000, 2005, 2010: ")
    assert "MX 1990–2010 every 5 years, US 1988–2012 every year" in notes[0]
    assert "left out" not in err and "has no region" not in err
    # a range of years: the years both sides observe within it, said once
    code, out, err = run(["sigma", *files(d), "--unit", "USD", "--years", "1992-2009", "--json"],
                         capsys)
    assert code == 0 and [r["time"] for r in json.loads(out)] == [1995, 2000, 2005]
    assert err.count("the years every country observes in it, 1995, 2000, 2005") == 1


# ----------------------------------------------------------------------------- relative
def _national_index(d, weights: pd.DataFrame | None = None) -> pd.DataFrame:
    """100 x value / mean of every region of its country in that year (numpy)."""
    v = raw(d)
    out = v.copy()
    for c in ("US", "MX"):
        rows = [r.startswith(c) for r in v.index]
        if weights is None:
            mean = v[rows].mean(axis=0)
        else:
            w = weights.loc[v.index[rows], COMMON]
            mean = (v[rows] * w).sum(axis=0) / w.sum(axis=0)
        out[rows] = 100 * v[rows] / mean
    return out


def test_relative_national_against_numpy(d, capsys):
    code, out, err = run(["sigma", *files(d), "--relative", "national", "--measure", "sd_log,cv",
                          "--json"], capsys)
    assert code == 0, err
    rows = pd.DataFrame(json.loads(out)).set_index("time")
    idx = _national_index(d).loc[BORDER]
    np.testing.assert_allclose(rows["sd_log"].to_numpy(), np.log(idx).std(axis=0, ddof=0),
                               rtol=1e-10)
    np.testing.assert_allclose(rows["cv"].to_numpy(), (idx.std(axis=0, ddof=0) / idx.mean(axis=0)),
                               rtol=1e-10)
    assert set(rows["relative"]) == {"national"}
    assert set(rows["unit"]) == {"index, national mean = 100, unweighted"}
    code, out, _ = run(["sigma", *files(d), "--relative", "national"], capsys)
    assert out.splitlines()[0] == ("sigma convergence of income_pc (index, national mean = 100, "
                                   "unweighted)")


def test_panel_relative_weighted_and_pooled_against_numpy():
    v = np.array([[1.0, 2.0], [3.0, 4.0], [10.0, 20.0], [30.0, 50.0]])
    w = np.array([[1.0, 2.0], [3.0, 1.0], [1.0, 1.0], [2.0, 5.0]])
    p = Panel.from_matrix(v, regions=list("abcd"), times=[2000, 2010], weights=w,
                          groups=["X", "X", "Y", "Y"])
    got = p.relative("national").to_matrix().values
    expect = np.empty_like(v)
    for rows in ([0, 1], [2, 3]):
        mean = (v[rows] * w[rows]).sum(axis=0) / w[rows].sum(axis=0)
        expect[rows] = 100 * v[rows] / mean
    np.testing.assert_allclose(got, expect, rtol=1e-12)
    assert p.relative("national").unit == "index, national mean = 100, weighted by weight"
    pooled = p.relative("pooled", weighted=False).to_matrix().values
    np.testing.assert_allclose(pooled, 100 * v / v.mean(axis=0), rtol=1e-12)
    # indexed to another panel's regions (e.g. every region of the country)
    part = p.select(regions=["a", "c"]).relative("national", reference=p)
    np.testing.assert_allclose(part.to_matrix().values, expect[[0, 2]], rtol=1e-12)
    assert p.relative("none") is p
    with pytest.raises(DataError, match="use one of national, pooled, none"):
        p.relative("country")


# ----------------------------------------------------------------------------- own rates
def test_fx_conversion_against_a_hand_computation(d, capsys):
    code, out, err = run(["sigma", *files(d), "--fx", d / "fx.csv", "--measure", "sd_log",
                          "--json"], capsys)
    assert code == 0, err
    got = pd.DataFrame(json.loads(out)).set_index("time")["sd_log"]
    v = raw(d)
    rate = pd.Series({y: 8.0 + 0.25 * (y - 1990) for y in COMMON})
    usd = v.copy()
    mx = [r.startswith("MX") for r in v.index]
    usd[mx] = v[mx] / rate          # pesos / (pesos per dollar)
    border = usd.loc[BORDER]
    np.testing.assert_allclose(got.to_numpy(), np.log(border).std(axis=0, ddof=0), rtol=1e-10)
    code, out, _ = run(["sigma", *files(d), "--fx", d / "fx.csv"], capsys)
    assert out.splitlines()[0] == ("sigma convergence of income_pc (USD (exchange rates: test "
                                   "rates))")


def test_deflator_then_rate_of_the_base_year():
    obs = pd.DataFrame({"country": ["A", "A", "B"], "year": [2000, 2001, 2001],
                        "value": [100.0, 110.0, 300.0]})
    fx = user_rates(pd.DataFrame({"country": ["A", "A", "B", "B"], "year": [2000, 2001] * 2,
                                  "rate": [1.0, 1.0, 2.0, 3.0]}), "fx")
    defl = user_rates(pd.DataFrame({"country": ["A", "A", "B", "B"], "year": [2000, 2001] * 2,
                                    "index": [100.0, 105.0, 100.0, 150.0]}), "deflator",
                      file="defl.csv")
    out, notes = convert_with_user_rates(obs, fx, defl)
    # A: 110 / 1.05 at the 2000 rate 1; B: 300 / 1.5 at B's 2000 rate 2
    np.testing.assert_allclose(out["value"], [100.0, 110 / 1.05, 300 / 1.5 / 2.0])
    assert notes["prices"] == "constant prices of 2000 (deflator: defl.csv)"


US_RATES = "".join(f"US,{y},1\n" for y in US_YEARS)


@pytest.mark.parametrize("table, message", [
    ("country,year,rate\n" + US_RATES + "MX,1990,8\n", "no exchange rate for country 'MX' in 1995"),
    ("country,year,rate\nUS,1990,1\nMX,1990,-3\n",
     "the rate of country 'MX' in 1990 is -3: a rate must be a positive number"),
    ("country,year,rate\nUS,1990,1\nMX,1990,abc\n",
     "the rate of country 'MX' in 1990 is 'abc': a rate must be a positive number"),
    ("country,yr,rate\nUS,1990,1\n", "no column 'year'"),
])
def test_bad_or_missing_rates_name_country_and_year(d, capsys, tmp_path, table, message):
    f = tmp_path / "rates.csv"
    f.write_text(table, encoding="utf-8")
    code, _, err = run(["sigma", *files(d), "--fx", f], capsys)
    assert code == 1
    assert message in err and "rates.csv" in err


def test_fx_and_currency_exclude_each_other(d, capsys):
    code, _, err = run(["sigma", *files(d), "--fx", d / "fx.csv", "--currency", "USD"], capsys)
    assert code == 2 and "--fx and --currency USD exclude each other" in err


# ----------------------------------------------------------------------------- several files
@pytest.mark.parametrize("command", ["sigma", "beta", "decompose", "gamma", "delta", "markov"])
def test_several_data_files_on_every_measure_command(d, capsys, command):
    extra = ["--k", "2"] if command == "markov" else []
    code, out, err = run([command, *files(d), "--relative", "national", "--json", *extra],
                         capsys)
    assert code == 0, err
    assert "at scale" not in err and json.loads(out)


def test_clubs_take_hp_lambda_and_warn_on_five_year_steps(d, capsys):
    base = ["clubs", *files(d), "--relative", "national", "--regions", "all", "--json"]
    code, out, err = run(base, capsys)
    assert code == 0
    assert ("note: periods 5 years apart: the HP filter's lambda 400 is meant for annual data; "
            "Ravn-Uhlig scaling gives 0.64 (--hp-lambda 0.64)") in err
    assert "note: the log t regression rests on 4 periods (of 5" in err
    assert json.loads(out)["relative"] == "national"
    code, _, err = run([*base, "--hp-lambda", "0.64"], capsys)
    assert code == 0 and "HP filter with lambda 0.64" in err
    assert run([*base, "--hp-lambda", "0"], capsys)[0] == 2


# ----------------------------------------------------------------------------- report
def test_report_on_a_one_sided_selection_exits_1_with_the_reason(d, capsys, tmp_path):
    code, _, err = run(["report", *files(d, mx="mx_gap.csv"), "--relative", "national",
                        "--out", tmp_path / "rep", "--quiet"], capsys)
    assert code == 1
    assert "the report would speak for one side only: MX keeps no border region" in err
    assert "MX-20, MX-21, MX-22, MX-23" in err and "Choose --years" in err
    assert not (tmp_path / "rep").exists()


def test_report_relative_national_names_both_sides_border_regions(d, capsys, tmp_path):
    code, out, err = run(["report", *files(d), "--relative", "national", "--out",
                          tmp_path / "rep", "--quiet", "--date", "2026-01-01", "--no-explorer",
                          "--sections", "verdict,data,sigma"], capsys)
    assert code == 0, err
    verdict = pd.read_csv(tmp_path / "rep" / "tables" / "verdict.csv")
    assert len(verdict)
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert ("border regions of MX (4): MX-20, MX-21, MX-22, MX-23; of US (4): US-10, US-11, "
            "US-12, US-13") in html
    assert "1990–2010 every 5 years, income_pc as an index, national mean = 100" in html
    sigma = pd.read_csv(tmp_path / "rep" / "tables" / "sigma.csv")
    first = sigma[(sigma["regions"] == "border (both countries)") & (sigma["time"] == 1990)]
    idx = _national_index(d).loc[BORDER, 1990]
    assert first["sd_log"].iloc[0] == pytest.approx(np.log(idx).std(ddof=0), rel=1e-10)


# ----------------------------------------------------------------------------- the grid's skips
def _grid_panel(n_a: int, n_b: int, years: list[int], missing_b: bool = False) -> Panel:
    rng = np.random.default_rng(5)
    n = n_a + n_b
    v = np.exp(rng.normal(7, 0.3, (n, 1)) + 0.02 * np.arange(len(years))
               + rng.normal(0, 0.05, (n, len(years))))
    if missing_b:
        v[n_a:, 1] = np.nan
    return Panel.from_matrix(v, regions=[f"R{i}" for i in range(n)], times=years,
                             groups=["A"] * n_a + ["B"] * n_b)


def test_grid_skips_constant_regressors_small_n_and_short_hac_trends():
    from crossborder.study.robustness import robustness

    years = list(range(2000, 2006))
    # every B region lacks a year: the border regions of the spec are all on side A
    one_side = _grid_panel(5, 2, years, missing_b=True)
    res = robustness(lambda c: one_side, estimates=("beta",), se_types=("classical", "HC1"))
    reasons = set(res.skipped.loc[res.skipped["what"] == "beta_conditional", "reason"])
    assert any("the side dummy is constant" in r for r in reasons)
    assert "beta_conditional" not in set(res.table["estimate"])
    # 4 regions for 3 terms: n <= k + 1
    small = _grid_panel(2, 2, years)
    res = robustness(lambda c: small, estimates=("beta",), se_types=("classical",))
    assert set(res.skipped.loc[res.skipped["what"] == "beta_conditional", "reason"]) == {
        "4 regions for 3 terms: n <= k + 1 leaves no room for an inference"}
    # a trend on 4 periods: classical kept, HAC skipped with the reason
    four = _grid_panel(3, 3, [2000, 2002, 2004, 2006])
    res = robustness(lambda c: four, estimates=("sigma",), se_types=("classical", "HAC"),
                     min_years=5, starts=[2000], ends=[2006])
    # HAC left out; the region bootstrap (the declared baseline of sigma trends) stays beside classical
    assert set(res.table["se_type"]) == {"classical", "bootstrap"}
    hac = res.skipped[res.skipped["se_type"] == "HAC"]
    assert list(hac["what"]) == ["sigma_trend", "sigma_trend_A", "sigma_trend_B"]
    assert set(hac["reason"]) == {
        "HAC errors: a trend on 4 periods (2000, 2002, 2004, 2006); HAC needs at least 5"}


def test_study_panel_without_the_default_weight_says_so(d):
    """A user's dataset without population: study_panel's default weight is named as missing, with the
    indicators the data have (not the built-in data's aliases) and the way out; weight=None runs."""
    import crossborder as cb

    ds = read_dataset(d / "regions.geojson", [d / "us.csv", d / "mx.csv"], value="income_pc")
    with pytest.raises(DataError) as err:
        cb.study_panel(ds, indicator="income_pc", regions="all", relative="national")
    text = str(err.value)
    assert "'population' is not an indicator" in text and "['income_pc']" in text
    assert "weight=None" in text
    # the border regions are known once the border is found: never a silently empty panel
    with pytest.raises(DataError, match=r"holds no region .* after \.with_border\(\)"):
        cb.study_panel(ds, indicator="income_pc", relative="national", weight=None)
    p = cb.study_panel(ds.with_border(), indicator="income_pc", relative="national", weight=None)
    assert not p.has_weight and set(p.regions) == set(BORDER)


def test_report_regions_codes_beside_a_regions_file_says_the_report_has_no_selection(d, capsys, tmp_path):
    codes = ",".join(f"US-1{j}" for j in range(4))
    code, _, err = run(["report", *files(d), "--relative", "national", "--regions", codes,
                        "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert f"--regions {codes}: the report's --regions is a polygons file" in err
    assert "name the same file" not in err
