"""The commands robustness, rolling and integration: numbers from their JSON output against the
Python API, figures written, exit 2 on options they cannot honour."""

from __future__ import annotations

import json

import pytest

import crossborder as cb
from crossborder.border.shared import panel_edges
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
    b = cb.beta(p, first, first + 5, cov_type="HC3")
    r = next(r for r in rows if r["estimate"] == "beta_absolute" and r["start"] == first)
    assert r["value"] == pytest.approx(b.beta, rel=1e-10)
    assert r["se"] == pytest.approx(b.se, rel=1e-10)
    assert r["se_type"] == "HC3"


def test_integration_json_and_event_chart(capsys, tmp_path):
    out = tmp_path / "event.svg"
    assert main(["integration", "--break-year", "2015", "--currency", "PPP", "--json",
                 "--out", str(out)]) == 0
    rows = json.loads(capsys.readouterr().out)
    did = next(r for r in rows if r["test"] == "did")
    ds = cb.load_dataset("ru-kz")
    panel = cb.study_panel(ds, regions="all", currency="PPP")
    # the command's pairs: the Dataset's one border (pairs share a line; corners are no pair)
    res = cb.integration(ds, [2015], panel=panel, currency="PPP",
                         edges=panel_edges(ds, panel.regions))
    assert did["estimate"] == pytest.approx(res.did[2015].coef, rel=1e-12)
    assert did["se"] == pytest.approx(res.did[2015].se, rel=1e-12)
    assert {r["test"] for r in rows} == {"did", "pretrend", "sigma_break", "between_share_break"}
    assert out.read_text().startswith("<?xml")


def test_integration_needs_polygons(capsys, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("region,year,value,group\na,2010,1,X\nb,2010,2,Y\n")
    assert main(["integration", "--data", str(f)]) == 2
    assert "polygons" in capsys.readouterr().err


def _user_border(tmp_path):
    """A 3 x 4 grid of 100 km squares (columns 0-1 country WE, 2-3 EA) and 10 years of values."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from shapely.geometry import box

    rows, data = [], []
    rng = np.random.default_rng(2)
    for r in range(3):
        for c in range(4):
            code = f"{'WE' if c < 2 else 'EA'}-{r}{c}"
            rows.append({"region": code, "country": code[:2],
                         "geometry": box(c * 1e5, r * 1e5, (c + 1) * 1e5, (r + 1) * 1e5)})
            level = rng.normal(0, 0.3)
            for y in range(2000, 2010):
                data.append({"region": code, "year": y, "unit": "EUR",
                             "value": float(np.exp(level + 0.02 * (y - 2000) + rng.normal(0, 0.05)))})
    geo = tmp_path / "regions.geojson"
    gpd.GeoDataFrame(rows, crs="EPSG:3857").to_file(geo, driver="GeoJSON")
    csv = tmp_path / "data.csv"
    pd.DataFrame(data).to_csv(csv, index=False)
    return geo, csv


def test_integration_and_robustness_on_a_users_border(capsys, tmp_path):
    geo, csv = _user_border(tmp_path)
    files = ["--regions-file", str(geo), "--data", str(csv)]
    assert main(["integration", *files, "--break-year", "2005", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    did = next(r for r in rows if r["test"] == "did")
    # 3 edges across; the 4 corners across are no pair
    assert did["detail"] == "3 cross-border vs 4 domestic pairs; reference period 2004"
    assert main(["robustness", *files, "--ends", "2008,2009", "--se", "HC1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    est = {r["estimate"] for r in rows}
    assert {"beta_conditional", "sigma_trend", "border_effect_trend", "pair_gap_trend"} <= est
    assert {r["currency"] for r in rows} == {None}
