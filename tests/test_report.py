"""The report: files written, reproducible byte for byte, every table traced to sources."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from _grid import write_grid

import crossborder as cb
from crossborder.io import read_dataset
from crossborder.report import SECTIONS, build_report
from crossborder.report.outputs import write_text_atomic


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


def _grid_report(folder, day):
    """A small report from files (a grid of 24 squares, two countries, six periods), read and built
    afresh each call."""
    folder.mkdir()
    regions, data = write_grid(folder, [1979, 1986, 1992, 1996, 2000, 2005])
    ds = read_dataset(regions, data, name="grid")
    return build_report(ds, folder / "out", generated=day, options={"indicator": "gdp_pc"})


@pytest.mark.slow   # two whole builds (~30 s): CI runs it
def test_report_is_byte_identical_between_runs(tmp_path):
    # two runs of the whole pipeline (read, build, render) on a small border give identical files;
    # the built-in report's second run is its Russian build, whose tables, figures, manifest and
    # sections equal the English build's byte for byte (tests/test_i18n_report.py)
    day = dt.date(2026, 1, 1)
    a, b = _grid_report(tmp_path / "a", day), _grid_report(tmp_path / "b", day)
    assert len(a.tables) >= 20 and len(a.figures) >= 8
    assert a.html.read_bytes() == b.html.read_bytes()
    assert a.manifest.read_bytes() == b.manifest.read_bytes()
    for ta, tb in zip(a.tables, b.tables, strict=True):
        assert ta.read_bytes() == tb.read_bytes()
    for fa, fb in zip(a.figures, b.figures, strict=True):
        assert fa.read_bytes() == fb.read_bytes()
        assert fa.with_suffix(".svg").read_bytes() == fb.with_suffix(".svg").read_bytes()


def test_report_has_every_section_and_traces_tables(ru_kz_report, ds):
    a = ru_kz_report
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


def test_border_section_states_the_gap_to_the_papers_length(ru_kz_report, ds):
    from crossborder.border.geometry import border_line

    a = ru_kz_report
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


def test_report_opens_with_the_verdict_and_has_the_study_sections(ru_kz_report):
    import re

    import numpy as np
    import pandas as pd

    a = ru_kz_report
    text = a.html.read_text(encoding="utf-8")
    ids = re.findall(r'<section id="([a-z0-9_]+)">', text)
    assert ids[:4] == ["verdict", "robustness", "rolling", "integration"]
    body = dict(re.findall(r'<section id="([a-z0-9_]+)">(.*?)</section>', text, flags=re.S))
    for sid in ("verdict", "robustness", "rolling", "integration"):
        assert "Not computed" not in body[sid], sid
    out = a.html.parent
    grid = pd.read_csv(out / "tables" / "robustness.csv")
    verdict = pd.read_csv(out / "tables" / "verdict.csv").set_index("estimate")
    # the verdict's shares are the robustness table's, counted directly: the distinct
    # specifications at the baseline's standard errors (identical estimates once)
    t = grid.dropna(subset=["value"])
    for est, g in t.groupby("estimate"):
        d = g[g["se_type"] == verdict.loc[est, "baseline_cov_type"]]
        d = d.assign(k=d["value"].map("{:.9e}".format) + d["se"].map("{:.9e}".format))
        d = d.drop_duplicates("k")
        share = np.mean((d["value"] < 0) & (d["pvalue"] < 0.05))
        assert verdict.loc[est, "share_significant_negative"] == pytest.approx(share)
        assert verdict.loc[est, "n_distinct"] == len(d)
        assert f"{len(d)} distinct specifications" in body["verdict"]
        assert f"{100 * share:.0f}% significantly negative" in body["verdict"]
    # the report opens with the bottom line and the paper's conclusions point by point
    assert body["verdict"].index("Bottom line.") < body["verdict"].index("conclusions.csv")
    concl = pd.read_csv(out / "tables" / "conclusions.csv")
    assert len(concl) == 5 and concl["source"].notna().all()
    # the full grid is behind a fold with its CSV link; the specification curve is drawn
    assert re.search(r'<details class="fold"><summary class="caption"><strong>Robustness grid',
                     body["robustness"])
    assert 'href="tables/robustness.csv"' in body["robustness"]
    assert (out / "figures" / "spec_curve_beta_conditional.png").is_file()
    assert (out / "figures" / "rolling.png").is_file() and (out / "figures" / "event_study.png").is_file()
    # every regression names its standard errors
    integ = pd.read_csv(out / "tables" / "integration.csv")
    assert set(integ["break_year"]) == {2010, 2012, 2015}
    assert integ.loc[integ["test"] == "did", "se_type"].eq("cluster (pair)").all()
    assert pd.read_csv(out / "tables" / "rolling.csv")["se_type"].notna().all()
    # the between share on the baseline (real) basis: its change stated, never a 'peak'
    between = pd.read_csv(out / "tables" / "verdict_between_share.csv")
    real = between[between["basis"] == "real"].dropna(subset=["between_share"])
    first, last = real.iloc[0], real.iloc[-1]
    assert (f"from {100 * first['between_share']:.1f}% in {int(first['year'])} to "
            f"{100 * last['between_share']:.1f}% in {int(last['year'])}") in body["verdict"]


def test_pair_gaps_count_only_significant_changes(ru_kz_report):
    import re

    import numpy as np
    import pandas as pd
    from scipy import stats

    a = ru_kz_report
    tr = pd.read_csv(a.html.parent / "tables" / "pair_gaps_trend.csv")
    assert tr["first_time"].dtype.kind == "i"            # years are whole numbers
    p = 2 * stats.t.sf(np.abs(tr["abs_slope"] / tr["abs_se"]), tr["n"] - 2)
    d = tr["last"].abs() - tr["first"].abs()
    narrowed = (p < 0.05) & (tr["abs_slope"] < 0) & (d < 0)
    widened = (p < 0.05) & (tr["abs_slope"] > 0) & (d > 0)
    assert (tr["change"] == "narrowed").eq(narrowed).all()
    assert (tr["change"] == "widened").eq(widened).all()
    che = tr[(tr["a_region"] == "RU-CHE") & (tr["b_region"] == "KZ-KUS")].iloc[0]
    assert abs(che["last"]) > abs(che["first"]) and che["change"] != "narrowed"
    text = a.html.read_text(encoding="utf-8")
    body = dict(re.findall(r'<section id="([a-z0-9_]+)">(.*?)</section>', text, flags=re.S))["pairs"]
    assert f"narrowed significantly in {int(narrowed.sum())}" in body
    assert f"widened significantly in {int(widened.sum())}" in body
    assert not re.search(r"2,0\d\d\.0", text)
