"""Option ``sections`` of the report (``--sections`` on the command line): only the sections named
are built, in the report's order, and a wrong name is refused before anything is written."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from _grid import write_grid

from crossborder.cli import main
from crossborder.errors import UsageError
from crossborder.io import read_dataset
from crossborder.report import SECTIONS, build_report, sections_for

YEARS = [2000, 2001, 2002, 2003]


@pytest.fixture(scope="module")
def grid_files(tmp_path_factory):
    return write_grid(tmp_path_factory.mktemp("grid"), YEARS, population=False)


@pytest.fixture(scope="module")
def grid_ds(grid_files):
    return read_dataset(*grid_files, name="grid")


def _section_ids(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z0-9_]+)"', html)


def test_only_the_named_sections_in_the_reports_order(grid_ds, tmp_path):
    res = build_report(grid_ds, tmp_path / "out", generated=dt.date(2026, 1, 1),
                       options={"sections": ["pairs", "sigma"], "explorer": False})
    assert _section_ids(res.html.read_text("utf-8")) == ["sigma", "pairs"]
    manifest = json.loads(res.manifest.read_text())
    assert manifest["sections"] == ["sigma", "pairs"] and manifest["partial"] is True
    tables = {t["name"] for t in manifest["tables"]}
    assert "pair_gaps_trend" in tables and any(t.startswith("sigma") for t in tables)
    assert not any(t.startswith(("beta", "clubs", "robustness")) for t in tables)


def test_sections_for_reads_names_or_one_text():
    class _Named:
        name = "grid"

    ds = _Named()
    general = [s for s in SECTIONS if s not in ("table1", "claims")]
    assert sections_for(ds) == general
    assert sections_for(ds, "maps, sigma") == ["sigma", "maps"]
    assert sections_for(ds, ["beta", "verdict"]) == ["verdict", "beta"]
    _Named.name = "ru-kz"
    assert sections_for(ds) == SECTIONS and sections_for(ds, "claims") == ["claims"]


@pytest.mark.parametrize("only, words", [
    ("sigma,sigmas", "'sigmas' is not a section of the report; they are verdict,"),
    ("table1", "table1 is about the paper's Russia-Kazakhstan data, not in a report on 'grid'"),
    (",", "none named"),
])
def test_a_wrong_name_is_refused_before_anything_is_written(grid_ds, tmp_path, only, words):
    with pytest.raises(UsageError, match=re.escape(words)):
        build_report(grid_ds, tmp_path / "out", options={"sections": only})
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []


def test_cli_sections(grid_files, tmp_path, capsys):
    regions, data = grid_files
    out = tmp_path / "out"
    args = ["report", "--regions-file", str(regions), "--data", str(data), "--out", str(out),
            "--quiet", "--no-explorer", "--date", "2026-01-01"]
    assert main([*args, "--sections", "border,sigma"]) == 0
    assert _section_ids((out / "report.html").read_text("utf-8")) == ["border", "sigma"]
    capsys.readouterr()
    assert main([*args, "--sections", "sigm"]) == 2
    assert "'sigm' is not a section of the report" in capsys.readouterr().err
