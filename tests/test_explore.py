"""The explorer's content and page on a border that is not ru-kz: a grid of squares split by a line.

Every number the page carries is checked against the data file, computed here with numpy: the
values by region and year, the discontinuity max(a/b, b/a) on each border edge, ln(a/b) of each
pair, the SD of logs and the between-country share of Theil T.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from crossborder.cli import main
from crossborder.io import read_dataset
from crossborder.report import build_report
from crossborder.report.explorer import explorer_data, write_explorer
from crossborder.report.explorer_html import UI_STRINGS, explorer_fragment, explorer_page, json_for_script
from crossborder.report.model import ReportContext
from crossborder.report.outputs import OutputDir

YEARS = list(range(2000, 2012))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """6 x 3 squares of 1 degree in the southern hemisphere; columns 0-2 country P, 3-5 country Q;
    one name carries markup, to prove it stays text."""
    d = tmp_path_factory.mktemp("grid")
    rows, data = [], []
    rng = np.random.default_rng(11)
    for i in range(6):
        for j in range(3):
            code = f"{'P' if i < 3 else 'Q'}-{i}{j}"
            name = "</script><b>x</b>" if code == "P-00" else f"square {i}.{j}"
            rows.append({"region": code, "name": name, "country": code[0], "name_ru": f"квадрат {i}.{j}",
                         "geometry": box(20 + i, -30 + j, 21 + i, -29 + j)})
            start = 500.0 * (1 + i) * (1 + 0.2 * j)
            growth = 0.05 - 0.006 * i + rng.normal(0, 0.003)
            for k, year in enumerate(YEARS):
                data.append({"region": code, "year": year, "indicator": "income",
                             "value": round(start * np.exp(growth * k), 3), "unit": "ZAR"})
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(d / "regions.geojson", driver="GeoJSON")
    pd.DataFrame(data).to_csv(d / "data.csv", index=False)
    return d


@pytest.fixture(scope="module")
def ds(files):
    return read_dataset(files / "regions.geojson", files / "data.csv", name="squares").with_border()


@pytest.fixture(scope="module")
def data(ds, tmp_path_factory):
    ctx = ReportContext(ds=ds, out=OutputDir(tmp_path_factory.mktemp("x")), options={})
    return explorer_data(ctx, "en")


@pytest.fixture(scope="module")
def wide(files):
    frame = pd.read_csv(files / "data.csv")
    return frame.pivot(index="region", columns="year", values="value")


def test_values_are_the_data(data, wide):
    assert data["years"] == YEARS
    codes = [r["code"] for r in data["regions"]]
    assert sorted(codes) == sorted(wide.index)
    got = pd.DataFrame(data["values"], index=codes, columns=YEARS)
    np.testing.assert_allclose(got.loc[wide.index].to_numpy(), wide.to_numpy(), rtol=1e-5)
    assert {r["code"]: r["country"] for r in data["regions"]}["Q-41"] == "Q"
    assert sorted(r["code"] for r in data["regions"] if r["border"]) == \
        ["P-20", "P-21", "P-22", "Q-30", "Q-31", "Q-32"]


def test_border_edges_carry_their_discontinuity(data, wide):
    edges = {(e["a"], e["b"]): e for e in data["edges"]}
    assert set(edges) == {(f"P-2{j}", f"Q-3{j}") for j in range(3)}
    for (a, b), e in edges.items():
        ratio = wide.loc[a] / wide.loc[b]
        np.testing.assert_allclose(e["disc"], np.maximum(ratio, 1 / ratio), rtol=1e-5)
        # the line is the shared meridian x = 23 between the squares' latitudes
        lons = [x for x in e["lon"] if x is not None]
        assert lons == pytest.approx([23.0] * len(lons))
        j = int(a[-1])
        assert e["mid"] == pytest.approx([23.0, -30 + j + 0.5])


def test_pairs_carry_the_log_gap(data, wide):
    for p in data["pairs"]:
        np.testing.assert_allclose(p["log_gap"], np.log(wide.loc[p["a"]] / wide.loc[p["b"]]), rtol=1e-5)
    assert len(data["pairs"]) == 3


def test_sigma_and_between_share(data, wide):
    border = wide.loc[["P-20", "P-21", "P-22", "Q-30", "Q-31", "Q-32"]]
    np.testing.assert_allclose(data["sigma"]["border (both countries)"],
                               np.log(border).std(ddof=0).to_numpy(), rtol=1e-5)
    np.testing.assert_allclose(data["sigma"]["all regions"], np.log(wide).std(ddof=0).to_numpy(),
                               rtol=1e-5)
    # Theil T, unweighted: T = mean(y/mu ln(y/mu)); between = sum_g s_g ln(mu_g/mu), s_g income share
    y = border.to_numpy()
    mu = y.mean(axis=0)
    total = (y / mu * np.log(y / mu)).mean(axis=0)
    between = np.zeros(len(YEARS))
    for g in ("P", "Q"):
        yg = y[[c.startswith(g) for c in border.index]]
        between += yg.sum(axis=0) / y.sum(axis=0) * np.log(yg.mean(axis=0) / mu)
    np.testing.assert_allclose(data["between"], between / total, rtol=1e-4)


def test_grid_is_the_robustness_table(data, ds, tmp_path):
    from crossborder.report.studies import grid

    table = grid(ReportContext(ds=ds, out=OutputDir(tmp_path), options={})).table
    g = data["grid"]
    assert [c["name"] for c in g["columns"]] == list(table.columns)
    assert g["rows"] == g["total"] == len(table)
    est = next(c for c in g["columns"] if c["name"] == "estimate")
    assert [est["levels"][k] for k in est["codes"]] == list(table["estimate"])
    value = next(c for c in g["columns"] if c["name"] == "value")
    np.testing.assert_allclose(np.array(value["values"], dtype=float), table["value"].to_numpy(dtype=float),
                               rtol=1e-5, equal_nan=True)


def test_names_in_another_language(ds, tmp_path):
    ru = explorer_data(ReportContext(ds=ds, out=OutputDir(tmp_path), options={}), "ru")
    assert {r["code"]: r["name"] for r in ru["regions"]}["Q-41"] == "квадрат 4.1"
    assert ru["pairs"][0]["label"].startswith("квадрат 2.")


def test_json_in_the_page_cannot_close_its_script():
    text = str(json_for_script({"name": "</script><script>alert(1)</script> & \u2028"}))
    assert "</script" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script> & \u2028"}


def test_fragment_is_offline_and_names_stay_text(data):
    html = str(explorer_fragment(data, "en"))
    assert "<script src" not in html and "<link" not in html
    assert "<b>x</b>" not in html            # the markup in a region's name stays inside the JSON
    blob = re.search(r'<script type="application/json" id="cb-explorer-data">(.*?)</script>', html, re.S)
    parsed = json.loads(blob.group(1))
    assert parsed["strings"]["year"] == UI_STRINGS["year"]
    assert "</script><b>x</b>" in {r["name"] for r in parsed["regions"]}
    assert html.count("<script") == 3        # the data, Plotly inline, the explorer's code


def test_plotly_is_inert_text_until_the_explorer_is_opened(data):
    """Plotly's source sits in a script element the browser does not run (type text/plain); the
    only script that runs is the explorer's, which compiles it when the explorer is opened in a
    report (data-lazy 1, an "open" button) and at once on the explorer's own page (data-lazy 0)."""
    import plotly.offline

    html = str(explorer_fragment(data, "ru"))
    tags = re.findall(r"<script([^>]*)>", html)
    assert tags == [' type="application/json" id="cb-explorer-data"', ' type="text/plain" id="cb-plotly-src"',
                    ""]
    plotly_src = re.search(r'<script type="text/plain" id="cb-plotly-src">(.*?)</script>', html,
                           re.S).group(1)
    assert plotly_src == plotly.offline.get_plotlyjs() and len(plotly_src) > 3_000_000
    executed = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(executed) == 1 and "cb-plotly-src" in executed[0] and len(executed[0]) < 50_000
    assert 'data-lazy="1"' in html and 'id="cb-open"' in html and "Открыть обозреватель" in html
    page = explorer_page(data, "en")
    assert 'data-lazy="0"' in page and 'id="cb-open"' not in page


def test_explore_command_writes_one_page(files, tmp_path, capsys):
    code = main(["explore", "--regions-file", str(files / "regions.geojson"), "--data",
                 str(files / "data.csv"), "--name", "squares", "--lang", "ru", "--out", str(tmp_path / "x")])
    assert code == 0
    page = (tmp_path / "x" / "explorer.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "квадрат 4.1" in page and "Исследовать данные" in page
    out = capsys.readouterr().out
    assert out.startswith("записан ") and "explorer.html" in out


def test_write_explorer_on_a_dataset_without_border_flags(files, tmp_path):
    ds = read_dataset(files / "regions.geojson", files / "data.csv", name="squares")
    path = write_explorer(ds, tmp_path / "e")
    assert path.name == "explorer.html" and path.stat().st_size > 1_000_000   # Plotly is inline


def test_report_with_and_without_the_explorer(ds, tmp_path):
    day = dt.date(2026, 1, 1)
    # the explorer does not depend on the sections: one section each
    on = build_report(ds, tmp_path / "on", generated=day, options={"lang": "ru", "sections": "sigma"}).html
    off = build_report(ds, tmp_path / "off", generated=day,
                       options={"explorer": False, "sections": "sigma"}).html
    with_explorer, without = on.read_text(encoding="utf-8"), off.read_text(encoding="utf-8")
    assert 'id="cb-explorer"' in with_explorer and 'id="cb-explorer"' not in without
    assert "Сигма-конвергенция" in with_explorer and "Sigma convergence" in without
    assert "1 января 2026" in with_explorer
    assert len(with_explorer) > len(without) + 4_000_000
