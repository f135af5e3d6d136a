"""The report on a border no one prepared: built from files a test writes (a grid of squares, two
countries), on whatever the data allow, with nothing of Russia-Kazakhstan in it."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import plotly.offline
import pytest
from _grid import write_grid
from pyproj import Geod
from shapely.geometry import box

from crossborder.errors import UnitError
from crossborder.io import read_dataset
from crossborder.report import build_report

GEOD = Geod(ellps="WGS84")
RU_KZ_WORDS = ("Russia", "Kazakhstan", "okrug", "Tyumen", "GRP per capita", "russian", "kazakh")


def report(tmp_path, years, name="grid", indicator="gdp_pc", meta=None, extra=(), read=None, **kw):
    src = tmp_path / "in"
    src.mkdir()
    regions, data = write_grid(src, years, indicator=indicator, **kw)
    if extra:
        pd.concat([pd.read_csv(data), pd.DataFrame(list(extra))]).to_csv(data, index=False)
    ds = read_dataset(regions, data, name=name, **(read or {}))
    ds.meta.update(meta or {})
    res = build_report(ds, tmp_path / "out", generated=dt.date(2026, 1, 1),
                       options={"indicator": indicator})
    return res, pd.read_csv(data)


def sections(html: str) -> dict[str, str]:
    """Section id -> its HTML."""
    return dict(re.findall(r'<section id="([a-z0-9_]+)">(.*?)</section>', html, flags=re.S))


def assert_nothing_empty(html: str) -> None:
    """Every section says something: a reading, a table, a figure or why it was not computed."""
    for sid, body in sections(html).items():
        assert re.search(r'<p class="(reading|skipped|caption)"', body), f"section {sid} is empty"
    assert "Caveats the loader flagged" not in html


@pytest.fixture(scope="module")
def unequal(tmp_path_factory):
    """Six periods 7, 6, 4, 4 and 5 years apart, population and units given."""
    return report(tmp_path_factory.mktemp("unequal"), [1979, 1986, 1992, 1996, 2000, 2005])


def test_generic_report_has_nothing_of_russia_kazakhstan(unequal):
    res, _ = unequal
    html = res.html.read_text(encoding="utf-8")
    # the Plotly library embedded for the explorer knows country names ("Russia" ...): not report text
    plotly_js = plotly.offline.get_plotlyjs()
    assert html.count(plotly_js) == 1
    html = html.replace(plotly_js, "")
    for word in RU_KZ_WORDS:
        assert word.lower() not in html.lower(), word
    for table in res.tables:
        text = table.read_text(encoding="utf-8")
        for word in RU_KZ_WORDS:
            assert word.lower() not in text.lower(), (table.name, word)
    assert "border, A" in html and "border, B" in html
    assert_nothing_empty(html)


def test_clubs_table_counts_each_country_of_the_data(unequal):
    res, _ = unequal
    out = res.html.parent / "tables"
    clubs = pd.read_csv(out / "clubs.csv")
    members = pd.read_csv(out / "club_membership.csv")
    members = members[members["status"] == "club"]
    assert {"regions_A", "regions_B"} <= set(clubs.columns)
    for row in clubs.itertuples():
        g = members.loc[members["club"] == row.club, "group"]
        assert row.regions_A == (g == "A").sum() and row.regions_B == (g == "B").sum()
        assert row.mixes_countries == bool((g == "A").any() and (g == "B").any())
    assert clubs["mixes_countries"].any()


def test_unequal_steps_are_stated_and_beta_is_annualised_by_the_span(unequal):
    res, data = unequal
    html = res.html.read_text(encoding="utf-8")
    assert "consecutive years" not in html
    assert "7, 6, 4, 4 and 5 years apart" in html
    beta = pd.read_csv(res.html.parent / "tables" / "beta.csv").set_index("model")
    border = ["A-20", "A-21", "A-22", "A-23", "B-30", "B-31", "B-32", "B-33"]
    v = data[data["indicator"] == "gdp_pc"].pivot(index="region", columns="year", values="value")
    v = v.loc[border]
    y0, y1 = np.log(v[1979].to_numpy()), np.log(v[2005].to_numpy())
    growth = (y1 - y0) / 26.0
    slope = np.polyfit(y0, growth, 1)[0]
    assert beta.loc["absolute, border regions", "beta"] == pytest.approx(slope, rel=1e-9)
    # speed from beta over the 26-year span: -ln(1 + 26 b) / 26
    assert beta.loc["absolute, border regions", "speed"] == pytest.approx(-np.log1p(26 * slope) / 26)


def test_border_section_measures_the_line_and_states_its_basis(unequal):
    res, _ = unequal
    out = res.html.parent / "tables"
    border = pd.read_csv(out / "border.csv").set_index("item")["value"]
    # the line is the meridian 3°E from the equator to 4°N
    expected = GEOD.line_length([3.0, 3.0], [0.0, 4.0])
    assert float(border["border length, km"]) == pytest.approx(expected / 1000.0, rel=1e-9)
    assert int(float(border["pairs of regions sharing a stretch of border"])) == 4
    assert int(float(border["pairs touching at a point only"])) == 6
    assert "reference length, km" not in border.index
    zone = pd.read_csv(out / "border_zone.csv").set_index("country")
    # summed over the regions on the border, as the zones command does: the column of cells
    # on each side of the line
    for country, cols in (("A", [2]), ("B", [3])):
        area = sum(abs(GEOD.geometry_area_perimeter(box(i, j, i + 1, j + 1))[0])
                   for i in cols for j in range(4)) / 1e6
        assert zone.loc[country, "area_km2"] == pytest.approx(area, rel=1e-4)
    # the zone reaches 150 km into each side, beyond the border column's 1 degree (~111.3 km)
    assert zone.loc["A", "zone_share"] == pytest.approx(1.0, rel=1e-6)
    html = res.html.read_text(encoding="utf-8")
    assert "vertices along the line" in html and "understates the true one" in html


def test_one_period_report_keeps_the_cross_section_and_says_why_the_rest_is_missing(tmp_path):
    res, data = report(tmp_path, [2010], meta={"reference_border_km": (500.0, "a survey")})
    html = res.html.read_text(encoding="utf-8")
    border = pd.read_csv(res.html.parent / "tables" / "border.csv").set_index("item")["value"]
    length = GEOD.line_length([3.0, 3.0], [0.0, 4.0]) / 1000.0
    assert float(border["gap to the reference, %"]) == pytest.approx(100 * (length / 500.0 - 1))
    assert "Against the reference (a survey) 500 km" in html
    s = sections(html)
    assert "needs at least 2 periods; the data have 1 (2010)" in s["beta"]
    assert 'class="skipped">Not computed' in s["beta"]
    assert "Convergence clubs</strong>: not computed" in s["clubs"]
    assert "Trend of the gaps</strong>: not computed" in s["pairs"]
    assert_nothing_empty(html)
    out = res.html.parent / "tables"
    sigma = pd.read_csv(out / "sigma.csv")
    allr = sigma[sigma["regions"] == "all regions"].iloc[0]
    v = data.query("indicator == 'gdp_pc'")["value"]
    assert allr["sd_log"] == pytest.approx(np.log(v).std(ddof=0))
    assert (out / "border_effect.csv").is_file() and (out / "pair_gaps.csv").is_file()
    assert (out / "moran.csv").is_file() and (out / "decomposition.csv").is_file()
    assert not (out / "beta.csv").exists() and not (out / "sigma_trend.csv").exists()


def test_report_without_population_is_unweighted_and_says_so(tmp_path):
    res, _ = report(tmp_path, list(range(2000, 2010)), population=False)
    html = res.html.read_text(encoding="utf-8")
    assert "no population, so every measure is unweighted" in sections(html)["decomposition"]
    dec = pd.read_csv(res.html.parent / "tables" / "decomposition.csv")
    assert set(dec["weighted"]) == {False}
    assert_nothing_empty(html)


def test_report_without_unit_column_on_a_single_indicator(tmp_path):
    # two countries' values without a unit are never pooled: the report stops naming the ways out
    with pytest.raises(UnitError, match="for A and B state no unit"):
        report(tmp_path, list(range(2000, 2006)), unit=False, population=False)
    # stated by the user, the unit is the one the text prints
    src = tmp_path / "in"
    ds = read_dataset(src / "regions.geojson", src / "data.csv", name="grid").with_units(unit="EUR")
    res = build_report(ds, tmp_path / "out", generated=dt.date(2026, 1, 1),
                       options={"indicator": "gdp_pc"})
    assert (res.html.parent / "tables" / "sigma_trend.csv").is_file()
    html = res.html.read_text(encoding="utf-8").replace(plotly.offline.get_plotlyjs(), "")  # its "None"
    assert "None" not in html and "gdp_pc in EUR" in html


def test_countries_that_do_not_touch(tmp_path):
    stray = [{"region": "ZZ-9", "year": y, "indicator": "gdp_pc", "value": 5.0, "unit": "EUR"}
             for y in (2000, 2001)]
    res, _ = report(tmp_path, list(range(2000, 2006)), gap=2, extra=stray,
                    read={"unknown_regions": "set_aside"})
    html = res.html.read_text(encoding="utf-8")
    aside = pd.read_csv(res.html.parent / "tables" / "set_aside.csv")
    assert list(aside["region"]) == ["ZZ-9", "ZZ-9"] and list(aside["year"]) == [2000, 2001]
    read = pd.read_csv(res.html.parent / "tables" / "read_report.csv")
    assert read.loc[read["kind"] == "set aside", "count"].sum() == 2
    assert "2 rows were set aside" in html
    s = sections(html)
    for sid in ("border", "pairs", "maps"):
        assert "do not share a border" in s[sid] or "no border regions" in s[sid] \
            or "no pairs of neighbours" in s[sid], sid
        assert '<p class="skipped">Not computed' in s[sid]
    assert "sd_log" in pd.read_csv(res.html.parent / "tables" / "sigma.csv").columns
    assert_nothing_empty(html)


def test_every_region_on_the_border(tmp_path):
    res, _ = report(tmp_path, list(range(2000, 2006)), nx=2, split=1)
    html = res.html.read_text(encoding="utf-8")
    assert "every region lies on the border, so there are no interior regions" in sections(html)["sigma"]
    trend = pd.read_csv(res.html.parent / "tables" / "sigma_trend.csv")
    assert "interior (both countries)" not in set(trend["regions"])
    assert_nothing_empty(html)


def test_population_for_some_years_only_is_not_used_as_weight(tmp_path):
    """A weight missing in some years would drop those years from the balanced panels: the report
    stays unweighted over every year and says so."""
    src = tmp_path / "in"
    src.mkdir()
    regions, data = write_grid(src, list(range(2000, 2008)))
    frame = pd.read_csv(data)
    frame = frame[(frame["indicator"] != "population") | frame["year"].isin([2003, 2005])]
    frame.to_csv(data, index=False)
    res = build_report(read_dataset(regions, data, name="grid"), tmp_path / "out",
                       generated=dt.date(2026, 1, 1),
                       options={"sections": ["sigma", "decomposition"], "explorer": False})
    html = res.html.read_text(encoding="utf-8")
    assert "Population is missing for the periods 2000, 2001, 2002, 2004, 2006, 2007 of gdp_pc" in html
    trend = pd.read_csv(res.html.parent / "tables" / "sigma_trend.csv")
    assert set(trend["first"]) == {2000} and set(trend["last"]) == {2007}
    assert set(pd.read_csv(res.html.parent / "tables" / "decomposition.csv")["weighted"]) == {False}


def test_generic_report_opens_with_a_verdict_of_its_own(tmp_path):
    """A grid border with yearly data and a break year: the Verdict, robustness, rolling and
    integration sections are computed and name nothing of Russia-Kazakhstan."""
    src = tmp_path / "in"
    src.mkdir()
    regions, data = write_grid(src, list(range(2000, 2013)))
    ds = read_dataset(regions, data, name="grid")
    res = build_report(ds, tmp_path / "out", generated=dt.date(2026, 1, 1),
                       options={"indicator": "gdp_pc", "break_years": [2006], "explorer": False,
                                "sections": ["verdict", "robustness", "rolling", "integration"]})
    html = res.html.read_text(encoding="utf-8")
    body = sections(html)
    assert list(body)[:4] == ["verdict", "robustness", "rolling", "integration"]
    for sid in ("verdict", "robustness", "rolling", "integration"):
        assert "Not computed" not in body[sid], sid
    for word in RU_KZ_WORDS:            # a yearly generic report: the study sections' own text
        for sid in ("verdict", "robustness", "rolling", "integration"):
            assert word.lower() not in body[sid].lower(), (sid, word)
    grid = pd.read_csv(res.html.parent / "tables" / "robustness.csv").dropna(subset=["value"])
    verdict = pd.read_csv(res.html.parent / "tables" / "verdict.csv").set_index("estimate")
    for est, g in grid.groupby("estimate"):
        d = g[g["se_type"] == verdict.loc[est, "baseline_cov_type"]]
        d = d.assign(k=d["value"].map("{:.9e}".format) + d["se"].map("{:.9e}".format))
        d = d.drop_duplicates("k")
        share = float(np.mean((d["value"] < 0) & (d["pvalue"] < 0.05)))
        assert verdict.loc[est, "share_significant_negative"] == pytest.approx(share)
    concl = pd.read_csv(res.html.parent / "tables" / "conclusions.csv")
    assert list(concl["conclusion"].str.split().str[0]) == ["Convergence", "Integration", "The"]
    # the sides are named by the data's own codes
    assert "border regions of A" in body["verdict"] and "border regions of B" in body["verdict"]
    integ = pd.read_csv(res.html.parent / "tables" / "integration.csv")
    assert list(integ.loc[integ["test"] == "did", "break_year"]) == [2006]


def test_report_weight_option_names_the_weight(tmp_path):
    # a weight of another name (a wide file's POP_2013 becomes the indicator "POP") can be chosen
    from crossborder.cli import main

    regions, data = write_grid(tmp_path, [2000, 2005, 2010, 2015])
    df = pd.read_csv(data)
    df.loc[df["indicator"] == "population", "indicator"] = "POP"
    df.to_csv(data, index=False)
    out = tmp_path / "out"
    assert main(["report", "--regions-file", str(regions), "--data", str(data), "--indicator", "gdp_pc",
                 "--weight", "POP", "--out", str(out), "--quiet", "--sections", "sigma,decomposition",
                 "--no-explorer"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "POP-weighted" in html and "have no population" not in html
    assert main(["report", "--regions-file", str(regions), "--data", str(data), "--indicator", "gdp_pc",
                 "--weight", "nope", "--out", str(tmp_path / "o2"), "--quiet"]) == 2
