"""Hostile input and failures around the report: everything renders as text, CSV cells cannot run
as formulas, and the report folder is either complete or the previous one, never partial."""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from _grid import write_grid
from markupsafe import escape

from crossborder.cli import main
from crossborder.io import read_dataset
from crossborder.report import OutDirError, build_report, check_out_dir

SCRIPT_NAME = "<script>alert('name')</script>"
SCRIPT_REGION = "<script>alert('region')</script>"
IMG_SOURCE = "<img src=x onerror=alert('source')>"
INDICATOR = "gdp<b onmouseover=alert(1)>pc"
FORMULA_REGION = '=HYPERLINK("http://x","y")'
YEARS = [2000, 2001, 2002, 2003, 2004, 2005]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    regions, data = write_grid(d, YEARS, names={"A-20": SCRIPT_REGION, "B-31": FORMULA_REGION},
                               indicator=INDICATOR, source=IMG_SOURCE)
    ds = read_dataset(regions, data, name=SCRIPT_NAME)
    res = build_report(ds, d / "out", generated=dt.date(2026, 1, 1), options={"indicator": INDICATOR})
    return res


def test_hostile_strings_render_as_text(hostile):
    html = hostile.html.read_text(encoding="utf-8")
    for text in (SCRIPT_NAME, SCRIPT_REGION, IMG_SOURCE, INDICATOR):
        assert str(escape(text)) in html, text
    # the only scripts are the explorer's: its data (JSON, every "<" written \u003c), Plotly, its code
    assert html.count("<script") == 3
    assert html.count('<script type="application/json" id="cb-explorer-data">') == 1
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "<b onmouseover" not in html
    # the only tags are the template's own
    assert html.count("<img ") == len(hostile.figures)


def test_csv_tables_neutralise_formula_cells(hostile):
    regions = list(csv.DictReader((hostile.html.parent / "tables" / "regions.csv").open(encoding="utf-8")))
    names = {r["region"]: r["name"] for r in regions}
    assert names["B-31"] == "'" + FORMULA_REGION
    assert names["A-20"] == SCRIPT_REGION
    for table in hostile.tables:
        for row in csv.reader(table.open(encoding="utf-8")):
            for cell in row:
                if cell.startswith(("=", "+", "@", "-")):
                    float(cell)  # only numbers may start so
    # the HTML shows the name as written, without the apostrophe
    assert str(escape(FORMULA_REGION)) in hostile.html.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- atomic folder
@pytest.fixture()
def grid_ds(tmp_path):
    regions, data = write_grid(tmp_path, [2000, 2001, 2002, 2003], population=False)
    return read_dataset(regions, data, name="grid")


#: The staging tests need a report of a few sections, one of them late (pairs): what they check
#: (the folder swapped as a whole, nothing left behind) does not depend on the sections.
FEW = {"sections": ["sigma", "pairs"], "explorer": False}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("failure", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_mid_report_leaves_previous_report_untouched(grid_ds, tmp_path, monkeypatch, failure):
    out = tmp_path / "report"
    build_report(grid_ds, out, generated=dt.date(2026, 1, 1), options=FEW)
    before = _snapshot(out)
    assert "report.html" in before and "tables/pair_gaps_trend.csv" in before

    def fail(ctx):
        raise failure

    import crossborder.report.sections.pairs as pairs  # a section late in the report

    monkeypatch.setattr(pairs, "build", fail)
    with pytest.raises(type(failure)):
        build_report(grid_ds, out, generated=dt.date(2027, 1, 1), options=FEW)
    assert _snapshot(out) == before
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert leftovers == []


def test_failure_on_first_run_leaves_no_folder(grid_ds, tmp_path, monkeypatch):
    import crossborder.report.sections.maps as maps

    monkeypatch.setattr(maps, "build", lambda ctx: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build_report(grid_ds, tmp_path / "new", generated=dt.date(2026, 1, 1),
                     options={**FEW, "sections": ["sigma", "maps"]})
    assert not (tmp_path / "new").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_rerun_replaces_the_folder_leaving_no_stale_files(grid_ds, tmp_path):
    out = tmp_path / "report"
    build_report(grid_ds, out, generated=dt.date(2026, 1, 1), options=FEW)
    # an older run wrote a table this run does not (listed in its manifest), and left a .part file
    import json

    (out / "tables" / "old_table.csv").write_text("a\n1\n")
    (out / "tables" / ".x.csv.123.part").write_text("half")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["tables"].append({"name": "old_table", "path": "tables/old_table.csv", "rows": 1,
                               "title": "", "sources": []})
    (out / "manifest.json").write_text(json.dumps(manifest))
    res = build_report(grid_ds, out, generated=dt.date(2026, 1, 1), options=FEW)
    manifest = json.loads(res.manifest.read_text())
    listed = {t["path"] for t in manifest["tables"]} | {f[k] for f in manifest["figures"]
                                                        for k in ("png", "svg")}
    assert set(_snapshot(out)) == listed | {"report.html", "manifest.json"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_out_with_files_the_report_did_not_write_is_refused(grid_ds, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(OutDirError, match="notes.txt"):
        build_report(grid_ds, out)
    assert (out / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("make, message", [
    (lambda d: "", "--out is empty"),
    (lambda d: "   ", "--out is empty"),
    (lambda d: (d / "a_file").write_text("x") and d / "a_file", "is a file, not a folder"),
    (lambda d: (d / "f").write_text("x") and d / "f" / "sub", "is a file, not a folder"),
    (lambda d: ".", "current folder"),
])
def test_bad_out_is_a_usage_error_before_any_work(tmp_path, monkeypatch, capsys, make, message):
    monkeypatch.chdir(tmp_path)
    out = make(tmp_path)

    def no_reading(*a, **k):
        raise AssertionError("data read before --out was checked")

    monkeypatch.setattr("crossborder.commands.report.dataset_from_args", no_reading)
    assert main(["report", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="permissions do not bind root (or Windows)")
def test_unwritable_out_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutDirError, match="cannot write"):
            check_out_dir(locked / "report")
    finally:
        locked.chmod(0o700)


def test_ctrl_c_exits_130_with_one_line_and_no_folder(tmp_path, monkeypatch, capsys):
    regions, data = write_grid(tmp_path, [2000, 2001, 2002], population=False)

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    import crossborder.report.sections.sigma as sigma

    monkeypatch.setattr(sigma, "build", interrupted)
    code = main(["report", "--regions", str(regions), "--data", str(data), "--out",
                 str(tmp_path / "r"), "--quiet"])
    assert code == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "interrupted" in err
    assert not (tmp_path / "r").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
