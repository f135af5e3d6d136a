"""The report on a border built from the user's own files: a grid of squares split by a line."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from crossborder.cli import main
from crossborder.io import read_dataset
from crossborder.report import build_report

YEARS = list(range(2000, 2016))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """6 x 4 squares of 1 degree near the equator; columns 0-2 are country A, 3-5 country B."""
    d = tmp_path_factory.mktemp("grid")
    rows, data = [], []
    rng = np.random.default_rng(7)
    for i in range(6):
        for j in range(4):
            code = f"{'A' if i < 3 else 'B'}-{i}{j}"
            rows.append({"region": code, "name": f"cell {i},{j}", "country": code[0],
                         "geometry": box(i, j, i + 1, j + 1)})
            start = 1000.0 * (1 + i) * (1 + 0.1 * j)
            growth = 0.06 - 0.008 * i + rng.normal(0, 0.002)
            for k, year in enumerate(YEARS):
                data.append({"region": code, "year": year, "indicator": "gdp_pc",
                             "value": round(start * np.exp(growth * k), 3), "unit": "EUR"})
                data.append({"region": code, "year": year, "indicator": "population",
                             "value": 10000 + 100 * i + j, "unit": "persons"})
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(d / "regions.geojson", driver="GeoJSON")
    pd.DataFrame(data).to_csv(d / "data.csv", index=False)
    return d


def test_border_regions_come_from_the_polygons(files):
    ds = read_dataset(files / "regions.geojson", files / "data.csv", name="grid").with_border()
    assert ds.sides() == ("A", "B")
    assert sorted(ds.border_regions["region"]) == ["A-20", "A-21", "A-22", "A-23",
                                                   "B-30", "B-31", "B-32", "B-33"]


def test_report_on_a_user_border(files, tmp_path):
    ds = read_dataset(files / "regions.geojson", files / "data.csv", name="grid")
    res = build_report(ds, tmp_path / "out", generated=dt.date(2026, 1, 1),
                       options={"indicator": "gdp_pc"})
    html = res.html.read_text(encoding="utf-8")
    # every section but Table 1 and the claims check, which are the paper's
    assert html.count("<section ") == 12
    assert "Table 1" not in html
    sigma = pd.read_csv(tmp_path / "out" / "tables" / "sigma.csv")
    first = sigma[(sigma["regions"] == "border (both countries)") & (sigma["time"] == 2000)].iloc[0]
    border = pd.read_csv(files / "data.csv").query(
        "indicator == 'gdp_pc' and year == 2000 and region.str[2] in ('2', '3')", engine="python")
    assert first["sd_log"] == pytest.approx(np.log(border["value"]).std(ddof=0))
    gaps = pd.read_csv(tmp_path / "out" / "tables" / "pair_gaps_trend.csv")
    assert len(gaps) == 4          # the 4 pairs across the line; the 6 corner contacts are no pair
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["dataset"] == "grid" and len(manifest["input_hash"]) == 64


def test_report_command_on_user_files(files, tmp_path, capsys):
    code = main(["report", "--regions", str(files / "regions.geojson"), "--data",
                 str(files / "data.csv"), "--indicator", "gdp_pc", "--name", "grid",
                 "--out", str(tmp_path / "cli"), "--quiet", "--sections", "border,sigma"])
    assert code == 0       # the whole report on these files: test_report_on_a_user_border
    assert (tmp_path / "cli" / "report.html").is_file()
    assert main(["report", "--regions", str(files / "regions.geojson"), "--quiet"]) == 2  # usage
    assert "needs both" in capsys.readouterr().err


def test_report_break_year_must_be_years(files, tmp_path):
    args = ["report", "--regions", str(files / "regions.geojson"), "--data", str(files / "data.csv"),
            "--indicator", "gdp_pc", "--out", str(tmp_path / "bad"), "--quiet"]
    assert main(args + ["--break-year", "2010,soon"]) == 2
    assert not (tmp_path / "bad" / "report.html").exists()
