"""The commands robustness, rolling and integration: numbers from their JSON output against the
Python API, figures written, exit 2 on options they cannot honour."""

from __future__ import annotations

import json

import pytest

import crossborder as cb
from crossborder.cli import main


@pytest.fixture(scope="module")
def span():
    p = cb.study_panel(cb.load_dataset("ru-kz"))
    return int(p.times[0]), int(p.times[-1])


def test_robustness_json_rows_equal_beta(capsys, span, tmp_path):
    first, last = span
    out = tmp_path / "spec.png"
    assert main(["robustness", "--currencies", "USD", "--starts", str(first), "--ends",
                 f"{last - 1},{last}", "--se", "HC1", "--estimates", "beta",
                 "--estimate", "beta_conditional", "--out", str(out), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["estimate"] for r in rows} == {"beta_conditional"}
    ds = cb.load_dataset("ru-kz")
    baseline = [r for r in rows if r["regions"] == rows[0]["regions"] and r["resources"] == "in"]
    assert len(baseline) == 2                     # the first variant is the dataset's baseline
    for r in baseline:
        b = cb.beta(cb.study_panel(ds, years=(r["start"], r["end"])), controls="group", robust="HC1")
        assert r["value"] == pytest.approx(b.beta, rel=1e-10)
        assert r["pvalue"] == pytest.approx(b.pvalue, rel=1e-8)
    assert out.is_file() and out.stat().st_size > 10_000


def test_robustness_rejects_years(capsys):
    assert main(["robustness", "--years", "2008-2019"]) == 2
    assert "--starts" in capsys.readouterr().err


def test_robustness_rejects_unknown_se(capsys):
    assert main(["robustness", "--se", "HC9"]) == 2


def test_rolling_json(capsys, span):
    first, last = span
    assert main(["rolling", "--window", "6", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 * (last - first + 1 - 5)
    p = cb.study_panel(cb.load_dataset("ru-kz"))
    b = cb.beta(p, first, first + 5, robust="HC1")
    r = next(r for r in rows if r["estimate"] == "beta_absolute" and r["start"] == first)
    assert r["value"] == pytest.approx(b.beta, rel=1e-10)
    assert r["se_type"] == "HC1"


def test_integration_json_and_event_chart(capsys, tmp_path):
    out = tmp_path / "event.svg"
    assert main(["integration", "--break-year", "2015", "--currency", "PPP", "--json",
                 "--out", str(out)]) == 0
    rows = json.loads(capsys.readouterr().out)
    did = next(r for r in rows if r["test"] == "did")
    ds = cb.load_dataset("ru-kz")
    panel = cb.study_panel(ds, regions="all", currency="PPP")
    res = cb.integration(ds, [2015], panel=panel, currency="PPP")
    assert did["estimate"] == pytest.approx(res.did[2015].coef, rel=1e-12)
    assert did["se"] == pytest.approx(res.did[2015].se, rel=1e-12)
    assert {r["test"] for r in rows} == {"did", "pretrend", "sigma_break", "between_share_break"}
    assert out.read_text().startswith("<?xml")


def test_integration_needs_polygons(capsys, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("region,year,value,group\na,2010,1,X\nb,2010,2,Y\n")
    assert main(["integration", "--data", str(f)]) == 2
    assert "polygons" in capsys.readouterr().err
