"""The report: files written, reproducible byte for byte, every table traced to sources."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import crossborder as cb
from crossborder.report import SECTIONS, build_report
from crossborder.report.outputs import write_text_atomic


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def two_runs(ds, tmp_path_factory):
    day = dt.date(2026, 1, 1)
    a = build_report(ds, tmp_path_factory.mktemp("a"), generated=day)
    b = build_report(ds, tmp_path_factory.mktemp("b"), generated=day)
    return a, b


def test_report_is_byte_identical_between_runs(two_runs):
    a, b = two_runs
    assert a.html.read_bytes() == b.html.read_bytes()
    assert a.manifest.read_bytes() == b.manifest.read_bytes()
    for ta, tb in zip(a.tables, b.tables, strict=True):
        assert ta.read_bytes() == tb.read_bytes()
    for fa, fb in zip(a.figures, b.figures, strict=True):
        assert fa.read_bytes() == fb.read_bytes()
        assert fa.with_suffix(".svg").read_bytes() == fb.with_suffix(".svg").read_bytes()


def test_report_has_every_section_and_traces_tables(two_runs, ds):
    a, _ = two_runs
    text = a.html.read_text(encoding="utf-8")
    assert text.count("<section ") == len(SECTIONS)
    assert "2026-01-01" in text
    manifest = json.loads(a.manifest.read_text(encoding="utf-8"))
    assert manifest["crossborder_version"] == cb.__version__
    assert len(manifest["input_hash"]) == 64
    known = set(ds.sources["source"])
    for t in manifest["tables"]:
        assert (a.html.parent / t["path"]).is_file()
        assert set(t["sources"]) <= known
        assert t["sources"], f"table {t['name']} names no source"
    # no leftovers of atomic writes
    assert not list(a.html.parent.rglob("*.part"))


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    write_text_atomic(target, "complete old report")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(target, "half a new report")
    assert target.read_text() == "complete old report"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_write_gives_usual_permissions(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "t.csv", "a,b\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_border_section_states_the_gap_to_the_papers_length(two_runs, ds):
    from crossborder.border.geometry import border_line

    a, _ = two_runs
    table = json.loads(a.manifest.read_text(encoding="utf-8"))["tables"]
    assert {"border", "border_regions", "border_zone"} <= {t["name"] for t in table}
    import pandas as pd

    border = pd.read_csv(a.html.parent / "tables" / "border.csv").set_index("item")["value"]
    length = border_line(ds.base_regions, "country", "RU", "KZ").length_km
    assert float(border["border length, km"]) == pytest.approx(length)
    assert float(border["reference length, km"]) == 7512.0
    assert float(border["gap to the reference, %"]) == pytest.approx(100 * (length / 7512.0 - 1))
    text = a.html.read_text(encoding="utf-8")
    assert "Against the paper&#39;s 7,512 km" in text or "Against the paper's 7,512 km" in text
