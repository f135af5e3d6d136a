"""``crossborder report --lang ru`` on the built-in data: section titles, figure captions, region
names, dates and numbers in Russian; the same sections rendered in Kazakh where the catalog has
the words, English where it does not (the fallbacks are listed in ``tests/test_i18n.py``)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from _svg import svg_texts

import crossborder as cb
import crossborder.report as report
from crossborder.cli import main
from crossborder.i18n import region_names
from crossborder.report.html import render

#: The whole built-in report a second time, in Russian (~1 min): CI runs it (``slow``); locally the
#: translations are checked by test_i18n (catalogs), test_i18n_verdict (sentences), test_i18n_figures
#: and test_i18n_report_small (a Russian report of every figure section on a small border).
pytestmark = pytest.mark.slow

#: English -> Russian, as the report must show them (section titles and figure captions).
RU_TITLES = {
    "Bottom line: the paper's conclusions against the data":
        "Вывод: заключения статьи в сравнении с данными",
    "Sigma convergence": "Сигма-конвергенция",
    "Beta convergence: speed and half-life": "Бета-конвергенция: скорость и период полусокращения",
    "Cross-border pairs and agglomerations": "Приграничные пары и агломерации",
    "Figures 1 and 2 from data; where the border still shows":
        "Рисунки 1 и 2 по данным; где граница всё ещё заметна",
}
RU_CAPTIONS = {
    "Dispersion over time by group of regions": "Дисперсия во времени по группам регионов",
    "Between-country share of the Theil index over time": "Межстрановая доля индекса Тейла во времени",
    "Border effect over time": "Эффект границы во времени",
    "Event-study coefficients around each break year":
        "Коэффициенты событийного анализа вокруг каждого года перелома",
    "Relative transition paths of the clubs": "Относительные траектории перехода клубов",
}
#: Region names in Russian, as ``regions.csv`` gives them (name_local; Kazakh regions: the part
#: before " / ").
RU_REGIONS = ["Оренбургская область", "Омская область", "Актюбинская область", "Павлодарская область"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    seen = {}
    original = report.render

    def spy(sections, meta, lang="en", names=None):
        seen.update(sections=sections, meta=meta)
        return original(sections, meta, lang, names)

    out = tmp_path_factory.mktemp("ru") / "out"
    report.render = spy
    try:
        code = main(["report", "--lang", "ru", "--out", str(out), "--quiet", "--date", "2026-01-01"])
    finally:
        report.render = original
    assert code == 0
    seen["out"] = out
    return (out / "report.html").read_text(encoding="utf-8"), seen


def _sections(html: str) -> str:
    """From the first section to the end of the last: the report's body without its head (title,
    explorer)."""
    return html[html.index("<section "):html.rindex("</section>")]


#: the tables whose cells are sentences of the report's language (the verdict's); every other table
#: holds numbers, codes and source keys only
TRANSLATED_TABLES = {"tables/bottom_line.csv", "tables/conclusions.csv", "tables/verdict.csv",
                     "tables/verdict_dependences.csv"}


def test_the_russian_run_is_a_second_run_of_the_english_one_byte_for_byte(built, ru_kz_report):
    # the language changes words only: the Russian run writes the English run's number tables byte
    # for byte, the same tables, figures (their words in Russian) and sections, the same manifest but
    # for the titles (test_report.py builds a small report twice for the byte identity of a whole
    # run, figures included)
    _, seen = built
    en, ru = ru_kz_report, seen["out"]
    tables = sorted(p.relative_to(en.html.parent) for p in en.tables)
    assert tables == sorted(p.relative_to(ru) for p in (ru / "tables").iterdir())
    figures = sorted(p.relative_to(en.html.parent) for p in en.figures)
    assert figures == sorted(p.relative_to(ru) for p in (ru / "figures").glob("*.png"))
    differ = {str(rel) for rel in tables
              if (en.html.parent / rel).read_bytes() != (ru / rel).read_bytes()}
    assert differ == TRANSLATED_TABLES
    for rel in differ:
        e, r = pd.read_csv(en.html.parent / rel), pd.read_csv(ru / rel)
        assert e.shape == r.shape and list(e.columns) == list(r.columns)
        assert re.search("[а-яё]", r.to_csv(), re.I) and not re.search("[а-яё]", e.to_csv(), re.I)
    me, mr = (json.loads(p.read_text(encoding="utf-8")) for p in (en.manifest, ru / "manifest.json"))
    for kind in ("tables", "figures"):
        strip = lambda rows: [{k: v for k, v in row.items() if k != "title"} for row in rows]  # noqa: E731
        assert strip(me.pop(kind)) == strip(mr.pop(kind))
    assert me == mr
    # the same sections in the same order (their words and figures are the language's)
    ids = re.compile(r'<section id="([^"]+)"')
    assert ids.findall(render(seen["sections"], seen["meta"], "en", {})) == ids.findall(
        en.html.read_text(encoding="utf-8"))


def _headings(html: str) -> list[str]:
    return [re.sub(r"^\d+\. ", "", h) for h in re.findall(r"<h2>(.*?)</h2>", html)]


def test_russian_titles_captions_and_names(built):
    html, seen = built
    assert '<html lang="ru">' in html
    heads = _headings(html)
    for en, ru in RU_TITLES.items():
        assert ru in heads and en not in heads
    captions = re.findall(r"<figcaption>(.*?) \(<a", html)
    for en, ru in RU_CAPTIONS.items():
        assert ru in captions and en not in captions
    # every figure caption and section title the report has is Russian (no Latin-only heading)
    assert all(re.search("[а-яё]", h, re.I) for h in heads)
    assert all(re.search("[а-яё]", c, re.I) for c in captions), captions
    for name in RU_REGIONS:
        assert f"<td>{name}</td>" in html
    assert "Orenburg Oblast" not in html.split('id="cb-explorer-data"')[0]
    assert "создан 1 января 2026" in html
    assert "Исследовать данные" in html


def test_russian_number_separators(built):
    html, _ = built
    # numbers are written 7 123,4-style: a no-break space groups thousands, a comma marks decimals
    # (no English 7,123.4 left)
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    grouped = [c for c in cells if re.fullmatch(r"-?\d{1,3}(\u00a0\d{3})+(,\d+)?", c)]
    assert grouped, "no number of four or more digits in Russian form"
    assert not [c for c in cells if "." in c]


def test_the_same_sections_in_kazakh(built):
    _, seen = built
    ds = cb.load_dataset("ru-kz")
    kk, en = region_names(ds, "kk"), region_names(ds, "en")
    names = {en[c]: kk[c] for c in kk.index if en[c] != kk[c]}
    html = render(seen["sections"], {**seen["meta"], "explorer": ""}, "kk", names)
    heads = _headings(html)
    assert "Сигма-конвергенция" in heads and "Шекаралас жұптар мен агломерациялар" in heads
    assert "Қорытынды: мақала тұжырымдары деректермен салыстырғанда" in heads
    captions = re.findall(r"<figcaption>(.*?) \(<a", html)
    assert "Шекара әсері уақыт бойынша" in captions
    # a caption the Kazakh catalog lacks stays English (listed in test_i18n.KK_FALLBACKS)
    assert any(c.startswith("Discontinuity map of GRP per capita") for c in captions)
    assert "<td>Ақтөбе облысы</td>" in html and "<td>Орынбор облысы</td>" in html
    assert "2026 жылғы 1 қаңтар" in html


#: Sentences (their fixed words) the Russian report's verdict section must show.
RU_VERDICT = [
    "Вывод. То, что доходы приграничных регионов сближаются, ",
    "Разрыв между приграничными регионами двух стран (Россия и Казахстан) ",
    "После 2015 г., когда начал работу Евразийский экономический союз, разрывы в доходах между "
    "соседними регионами по разные стороны границы ",
    "Итак, центральный тезис статьи — приграничье сближается, и интеграция этому помогает — ",
    "Каждый вопрос: сначала базовая спецификация, затем различные спецификации сетки",
    "Абсолютная β-конвергенция приграничных регионов: в базовой спецификации (",
    "Наблюдается конвергенция (σ, β)",
]


def test_russian_verdict_sentences(built):
    html, _ = built
    section = html.split('<section id="verdict">')[1].split("</section>")[0]
    for text in RU_VERDICT:
        assert text in section, text
    reading = re.search(r'<p class="reading">(.*?)</p>', section, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(items) >= 5
    for sentence in [reading, *items]:
        # Russian words, numbers with decimal commas, none of the English templates' words
        assert re.search("[а-яё]{4}", sentence) and not re.search(r"\d\.\d", sentence), sentence
        assert not re.search(r"\b(the|of|specifications?|significantly|baseline)\b", sentence), sentence


#: Figure -> the start of texts its SVG must show in the Russian report (axis labels, legends,
#: titles).
RU_FIGURE_TEXT = {
    "sigma": ["год", "СКО логарифмов", "приграничные, Россия", "приграничные, Казахстан"],
    "event_study": ["Событийный анализ: разрывы через границу относительно внутренних",
                    "год (пунктир — перелом; каждый ряд относительно последнего периода до своего перелома)"],
    "discontinuities": ["Ребро", "пограничное ребро (", "внутреннее ребро ("],
    "club_paths": ["время", "Траектории перехода клубов"],
    "spec_curve_sigma_trend": ["Кривая спецификаций: тренд сигмы", "спецификации, упорядоченные по оценке",
                               "базовая"],
}


def test_russian_figure_text(built):
    _, seen = built
    figures = seen["out"] / "figures"
    for name, words in RU_FIGURE_TEXT.items():
        texts = svg_texts(figures / f"{name}.svg")
        for w in words:
            assert any(t.startswith(w) for t in texts), (name, w)
    # the axis labels of the charts are Russian: no English 'year' or 'time' left on any figure
    for svg in figures.glob("*.svg"):
        texts = svg_texts(svg)
        assert "year" not in texts and "time" not in texts, svg.name
