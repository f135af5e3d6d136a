"""A Russian report on a small yearly border (a grid of squares) with every figure section: no
English axis word on any figure, Russian titles, section by section. The whole built-in report in
Russian, compared with the English one byte for byte, is test_i18n_report.py (CI)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from _grid import write_grid
from _svg import svg_texts

from crossborder.io import read_dataset
from crossborder.report import build_report

FIGURE_SECTIONS = ["robustness", "rolling", "integration", "sigma", "beta", "decomposition",
                   "clubs", "pairs"]


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    d = tmp_path_factory.mktemp("ru_small")
    regions, data = write_grid(d, list(range(2000, 2013)))
    res = build_report(read_dataset(regions, data, name="grid"), d / "out",
                       generated=dt.date(2026, 1, 1),
                       options={"lang": "ru", "indicator": "gdp_pc", "break_years": [2006],
                                "explorer": False, "sections": FIGURE_SECTIONS})
    return {p.stem: svg_texts(p) for p in (res.html.parent / "figures").glob("*.svg")}


def test_every_figure_section_drew_its_figures(figures):
    for name in ("spec_curve_sigma_trend", "rolling", "event_study", "sigma", "beta_scatter",
                 "between_share", "club_paths", "pair_gaps"):
        assert name in figures, sorted(figures)


def test_no_english_axis_word_on_any_figure(figures):
    for name, texts in figures.items():
        assert texts, name
        for t in texts:
            assert not re.fullmatch(r"(year|time|years|specifications.*|estimate)", t), (name, t)
        assert any(re.search("[а-яё]{3}", t) for t in texts), (name, texts[:8])


def test_russian_titles(figures):
    assert any(t.startswith("Кривая спецификаций") for t in figures["spec_curve_sigma_trend"])
    assert any(t.startswith("Событийный анализ") for t in figures["event_study"])
    assert "год" in figures["sigma"]
