"""A code written with spaces around it (' AA-R00 ') is a reported repair, never a silent merge."""

from __future__ import annotations

import json

from crossborder.cli import main
from crossborder.io import read_observations, read_regions


def _square(code: str, x: float) -> dict:
    ring = [[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]
    return {"type": "Feature", "properties": {"code": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _files(tmp_path, codes=(" AA-R00 ", "BB-R01"), data_codes=("AA-R00", "AA-R00")):
    g = tmp_path / "regions.geojson"
    g.write_text(json.dumps({"type": "FeatureCollection",
                             "features": [_square(c, i) for i, c in enumerate(codes)]}),
                 encoding="utf-8")
    d = tmp_path / "data.csv"
    d.write_text("region,year,value\n" + f'"{data_codes[0]}",2013,1.5\n"{data_codes[1]}",2014,2.5\n'
                 "BB-R01,2013,3\nBB-R01,2014,4\n", encoding="utf-8")
    return g, d


def test_regions_file_code_with_spaces_is_a_reported_repair(tmp_path):
    g, _ = _files(tmp_path)
    gdf, report = read_regions(g, id_col="code")
    assert sorted(gdf["region"]) == ["AA-R00", "BB-R01"]
    fixed = [r.to_dict() for r in report.repairs if r.what == "spaces around region codes removed"]
    assert fixed == [{"what": "spaces around region codes removed", "file": str(g),
                      "column": "code", "count": 1, "rows": [1],
                      "examples": ["feature 1: ' AA-R00 ' -> 'AA-R00'"]}]


def test_regions_file_without_spaces_reports_no_such_repair(tmp_path):
    g, _ = _files(tmp_path, codes=("AA-R00", "BB-R01"))
    _, report = read_regions(g, id_col="code")
    assert not [r for r in report.repairs if r.what == "spaces around region codes removed"]


def test_data_code_with_spaces_is_a_reported_repair(tmp_path):
    _, d = _files(tmp_path, codes=("AA-R00", "BB-R01"), data_codes=(" AA-R00 ", "AA-R00"))
    obs, report = read_observations(d)
    assert obs["region"].tolist() == ["AA-R00", "AA-R00", "BB-R01", "BB-R01"]
    fixed = [r for r in report.repairs if r.what == "spaces around region codes removed"]
    assert [(r.count, r.rows) for r in fixed] == [(1, (2,))]


def test_the_command_line_prints_both_repairs(tmp_path, capsys):
    g, d = _files(tmp_path, data_codes=(" AA-R00 ", "AA-R00"))
    code = main(["info", "--regions-file", str(g), "--regions-id-col", "code", "--data", str(d)])
    err = capsys.readouterr().err
    assert code == 0
    lines = [x for x in err.splitlines() if "spaces around region codes removed" in x]
    assert lines == ["note: repaired: spaces around region codes removed (2 cells in 2 columns "
                     "of data.csv, regions.geojson)"]
