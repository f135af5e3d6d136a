"""Languages: the gettext catalogs, their compiled .mo files, what falls back to English, numbers,
dates and region names in Russian and Kazakh."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

import crossborder as cb
from crossborder.i18n import (
    LANGS,
    MONTHS,
    catalog_path,
    check_lang,
    format_date,
    format_number,
    gettext_for,
    missing,
    region_names,
)
from crossborder.report import SECTIONS
from crossborder.report.explorer_html import UI_STRINGS

TEMPLATES = Path(cb.__file__).parent / "report" / "templates"
DATA = Path(cb.__file__).parent / "datasets" / "ru_kz"

#: Strings the Kazakh catalog does not translate yet (they show in English): long table captions
#: and the captions that name the built-in indicator's unit. Russian has none of these gaps.
KK_FALLBACKS = {
    "Log ratio of GRP per capita (USD (exchange rate, WDI 2025-07)) of each pair of neighbouring regions "
    "over time, one panel per pair (shared axes)",
    "Discontinuity map of GRP per capita (USD (exchange rate, WDI 2025-07)), 2021",
    "Per estimate: rows (specifications x standard errors), distinct specifications read with the "
    "baseline's errors, and over those the share supporting convergence, the share negative, median, "
    "min and max",
    "β of every specification (HC1 standard errors, 95% interval)",
    "Caveats the loader flagged",
    "Regions on the border: length of border each shares, contact",
    "Table 1 as printed vs the dataset",
    "Problems found in the table as printed",
    "Trend of the SD of the log indicator (OLS on year, classical standard errors; HC1, HC3 and HAC in "
    "the robustness section)",
    "Transition probabilities, steady state",
    "Mobility indices of the transition matrix",
    "Class changes by country",
    "Capitals of the border regions: distance to the border and to the nearest capital across it",
    "Agglomerations found: border-region capitals linked across the border within 400 km",
    "The paper's five agglomerations in the data",
    "Cross-border links between capitals up to the longest link inside one of the paper's groups",
    "Gaps of the other indicators between neighbours across the border: trend of ln(a/b)",
    # three long cells of the verdict's conclusions table (the claims and thesis rows)
    "the quantitative facts it cites (border length, gross product, GDP shares, unemployment, reach "
    "of the agglomerations)",
    "each claim against the bundled data, with the basis that makes it hold or fail",
    "see the claims table (the basis named per claim)",
    "; the claims table's thesis row (a gap at the border and neighbour gaps closing): {verdict}",
}


def _catalog(lang: str):
    with open(catalog_path(lang, ".po"), "rb") as fh:
        return read_po(fh, locale=lang)


def _section_titles() -> list[str]:
    titles = []
    for name in SECTIONS:
        module = importlib.import_module(f"crossborder.report.sections.{name}")
        title = getattr(module, "TITLE", None)
        if callable(title):
            titles += [title(type("D", (), {"name": n})()) for n in ("ru-kz", "other")]
        elif title:
            titles.append(title)
    return titles + ["Table 1 of the paper beside the data (2019)", "Claims check"]


def _template_strings() -> list[str]:
    found = []
    for name in ("report.html.j2", "explorer.html.j2"):
        with open(TEMPLATES / name, "rb") as fh:
            found += [m[2][0] if isinstance(m[2], tuple) else m[2]
                      for m in babel_extract(fh, ["_", "gettext"], [], {})]
    return found


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_committed_mo_is_a_fresh_compile_of_the_po(lang):
    fresh = io.BytesIO()
    write_mo(fresh, _catalog(lang))
    assert catalog_path(lang, ".mo").read_bytes() == fresh.getvalue()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_catalogs_pass_babels_checks(lang):
    cat = _catalog(lang)
    # Babel flags every msgid with a "%" as python-format; "95% intervals" is not a format string
    # (the template formats only the %(name)s ones), so only those are held to its check
    problems = [(m.id, errs) for m, errs in cat.check() if errs and "%(" in m.id]
    assert problems == []
    assert len([m for m in cat if m.id and "%(" in m.id]) == 2
    # a placeholder of the msgid stays in the translation (str.format's {name}, %(name)s)
    for m in cat:
        if m.id and m.string:
            for token in ("%(rows)s", "%(shown)s"):
                assert (token in m.id) == (token in m.string), (lang, m.id)
            assert sorted(re.findall(r"\{\w+\}", m.id)) == sorted(re.findall(r"\{\w+\}", m.string)), (
                lang, m.id)


def test_every_title_template_word_and_explorer_string_is_translated():
    wanted = _section_titles() + _template_strings() + list(UI_STRINGS.values()) + list(MONTHS)
    assert len(_template_strings()) >= 10 and "Explore the data" in _template_strings()
    for lang in ("ru", "kk"):
        assert missing(lang, wanted) == [], lang


def test_fallbacks_to_english_are_the_listed_ones():
    """Every msgid of the catalogs is translated in Russian; in Kazakh exactly KK_FALLBACKS stay in
    English (printed, so the list is in the test log)."""
    ids = [m.id for m in _catalog("ru") if m.id]
    assert missing("ru", ids) == []
    kk = missing("kk", ids)
    print("Kazakh falls back to English for:\n  " + "\n  ".join(kk))
    assert set(kk) == KK_FALLBACKS
    _ = gettext_for("kk")
    assert all(_(m) == m for m in KK_FALLBACKS)
    assert set(ids) == {m.id for m in _catalog("kk") if m.id}    # the two catalogs list the same msgids


def test_translations_at_run_time():
    assert gettext_for("ru")("Sigma convergence") == "Сигма-конвергенция"
    assert gettext_for("kk")("Kazakhstan") == "Қазақстан"
    assert gettext_for("en")("Sigma convergence") == "Sigma convergence"
    assert gettext_for("ru")("a sentence no catalog has") == "a sentence no catalog has"
    assert check_lang(None) == "en" and check_lang(" RU ") == "ru" and LANGS == ("en", "ru", "kk")
    with pytest.raises(ValueError, match="en, ru, kk"):
        check_lang("de")


def test_numbers_and_dates():
    nbsp = "\u00a0"
    assert format_number(1234567.891, "ru", ",.1f") == f"1{nbsp}234{nbsp}567,9"
    assert format_number(1234567.891, "kk", ",.2f") == f"1{nbsp}234{nbsp}567,89"
    assert format_number(1234567.891, "en", ",.1f") == "1,234,567.9"
    assert format_number(0.000123456, "ru") == "0,0001235"
    assert format_number(float("nan"), "ru") == "–" and format_number(None) == "–"
    day = dt.date(2026, 3, 8)
    assert format_date(day, "en") == "8 March 2026"
    assert format_date(day, "ru") == "8 марта 2026"
    assert format_date(day, "kk") == "2026 жылғы 8 наурыз"


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


def test_region_names_of_the_built_in_data(ds):
    regions = pd.read_csv(DATA / "regions.csv", dtype=str, keep_default_na=False).set_index("region")
    ru, kk, en = region_names(ds, "ru"), region_names(ds, "kk"), region_names(ds, "en")
    assert ru["RU-ORE"] == regions.loc["RU-ORE", "name_local"] == "Оренбургская область"
    assert ru["KZ-AKT"] == regions.loc["KZ-AKT", "name_local"].split(" / ")[0] == "Актюбинская область"
    assert kk["KZ-AKT"] == regions.loc["KZ-AKT", "name_local"].split(" / ")[1] == "Ақтөбе облысы"
    assert kk["RU-ORE"] == "Орынбор облысы"
    assert en["RU-ORE"] == "Orenburg Oblast"
    # no Kazakh name for an interior Russian region: English, and listed as a fallback
    assert kk["RU-AD"] == "Republic of Adygea" and "RU-AD" in kk.attrs["fallback"]
    assert "RU-ORE" not in kk.attrs["fallback"] and ru.attrs["fallback"] == []
    border = set(ds.region_codes("border"))
    assert border and not border & set(kk.attrs["fallback"])     # every border region has a Kazakh name


def test_region_names_file_cites_its_sources(ds):
    names = pd.read_csv(DATA / "region_names.csv", dtype=str, keep_default_na=False)
    assert list(names.columns) == ["region", "lang", "name", "source"]
    assert set(names["lang"]) == {"ru", "kk"}
    assert (names["name"].str.strip() != "").all()
    assert set(names["source"]) <= set(ds.sources["source"])
    assert not names.duplicated(["region", "lang"]).any()
    known = set(pd.read_csv(DATA / "regions.csv", usecols=["region"])["region"])
    assert set(names["region"]) <= known


def test_region_names_of_a_users_file():
    from shapely.geometry import box

    regions = pd.DataFrame({"region": ["A", "B"], "name": ["North", "South"], "name_ru": ["Север", ""]})

    class Own:
        name = "mine"

    own = Own()
    own.regions = regions.assign(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    got = region_names(own, "ru")
    assert got.to_dict() == {"A": "Север", "B": "South"} and got.attrs["fallback"] == ["B"]
    assert region_names(own, "kk").to_dict() == {"A": "North", "B": "South"}
