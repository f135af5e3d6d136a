"""Languages of the report, the explorer and the command line's human output: English, Russian, Kazakh.

Strings are translated with the standard library's :mod:`gettext` from the catalogs in
``i18n/locale/<lang>/LC_MESSAGES/crossborder.mo`` (compiled from the ``.po`` beside them; the
tests check that every committed ``.mo`` equals a fresh Babel compile of its ``.po``). A string a
catalog lacks stays in English: :func:`missing` lists them, and a test prints that list.

Numbers are formatted with the standard library too (no Babel at run time): the separators are
CLDR's for each language (``en``: ``1,234.5``; ``ru`` and ``kk``: ``1 234,5`` with a no-break
space), applied to Python's own formatting. Region names come from the data
(:func:`region_names`): the built-in dataset carries Russian and Kazakh names with their source in
``datasets/ru_kz/region_names.csv``; a user's regions file may carry ``name_ru`` / ``name_kk``
columns. Any name the data lack falls back to the English ``name``.
"""

from __future__ import annotations

import datetime as _dt
import gettext as _gettext
import math
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["LANGS", "DOMAIN", "check_lang", "translation", "gettext_for", "translator", "missing",
           "format_number",
           "format_date", "region_names", "country_label", "catalog_path"]

#: The languages with a catalog (English is the source language and needs none).
LANGS = ("en", "ru", "kk")
DOMAIN = "crossborder"

#: (thousands separator, decimal mark) per language, as CLDR gives them (``ru``/``kk``: a
#: no-break space groups thousands, a comma marks decimals).
SEPARATORS = {"en": (",", "."), "ru": ("\u00a0", ","), "kk": ("\u00a0", ",")}

#: How the report names the built-in countries, before translation.
COUNTRY_NAMES = {"RU": "Russia", "KZ": "Kazakhstan"}


def check_lang(lang: str | None) -> str:
    """``lang`` if it is one of :data:`LANGS` (None means English), else a ``ValueError``."""
    lang = "en" if lang is None else str(lang).strip().lower()
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def _localedir() -> Path:
    return Path(str(resources.files(__name__) / "locale"))


def catalog_path(lang: str, suffix: str = ".mo") -> Path:
    """Where the catalog of ``lang`` lives (``.po`` or ``.mo``)."""
    return _localedir() / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translation(lang: str | None) -> _gettext.NullTranslations:
    """The gettext translations of ``lang`` (English: the identity)."""
    lang = check_lang(lang)
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=_localedir(), languages=[lang], fallback=True)


def gettext_for(lang: str | None) -> Callable[[str], str]:
    """``_`` of ``lang``: msgid -> its translation, or the msgid itself where the catalog lacks it."""
    return translation(lang).gettext


def translator(lang: str | None) -> Callable[[Any], Any]:
    """Like :func:`gettext_for`, for the optional words of a figure: a text is translated where the
    catalog has it, anything else (None, a number, an empty string) comes back as it is."""
    _ = gettext_for(lang)
    return lambda text: _(text) if isinstance(text, str) and text else text


def missing(lang: str, msgids: Iterable[str]) -> list[str]:
    """The ``msgids`` that ``lang``'s catalog does not translate (shown in English)."""
    t = translation(lang)
    known = getattr(t, "_catalog", None)    # GNUTranslations' table (a translation may equal its msgid)
    if known is None:
        return list(msgids) if check_lang(lang) != "en" else []
    return [m for m in msgids if m not in known]


def format_number(value: Any, lang: str | None = "en", spec: str = ",.4g") -> str:
    """``value`` formatted with ``spec`` (Python's format mini-language, ``,`` for thousands)
    and the separators of ``lang`` (:data:`SEPARATORS`); a missing value is an en dash."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = format(value, spec)
    group, decimal = SEPARATORS[check_lang(lang)]
    if (group, decimal) == (",", "."):
        return text
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


#: Month names as a date writes them (English; the catalogs give the Russian genitive forms).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def format_date(day: _dt.date, lang: str | None = "en") -> str:
    """``day`` written out in ``lang``: "7 December 2026", "7 декабря 2026", "2026 жылғы 7 желтоқсан"
    (the pattern ``{day} {month} {year}`` is itself translated)."""
    _ = gettext_for(lang)
    pattern = _("{day} {month} {year}")
    return pattern.format(day=day.day, month=_(MONTHS[day.month - 1]), year=day.year)


def country_label(code: str, names: dict[str, str] | None = None, lang: str | None = "en") -> str:
    """A country as the text names it in ``lang``: the dataset's name (``names``), the built-in
    English name for RU/KZ, else the code; then translated where the catalog has it."""
    names = {**COUNTRY_NAMES, **(names or {})}
    return gettext_for(lang)(str(names.get(code, code)))


@cache
def _builtin_names() -> pd.DataFrame:
    path = resources.files("crossborder.datasets") / "ru_kz" / "region_names.csv"
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def region_names(ds: Any, lang: str | None = "en") -> pd.Series:
    """Region code -> name in ``lang``, for every region of ``ds``.

    English: the ``name`` column. Other languages: for the built-in ``ru-kz`` the names of
    ``datasets/ru_kz/region_names.csv`` (with their source); for any dataset a ``name_<lang>``
    column of its regions table where it has one. A name the data lack is the English one
    (``attrs["fallback"]`` lists those codes).
    """
    lang = check_lang(lang)
    regions = ds.regions
    english = pd.Series(regions["name"].astype(str).to_numpy(), index=regions["region"].astype(str))
    english = english[~english.index.duplicated()]
    given = pd.Series(dtype=object)
    if lang != "en":
        col = f"name_{lang}"
        if col in regions.columns:
            own = regions[["region", col]].dropna()
            own = own[own[col].astype(str).str.strip() != ""]
            given = pd.Series(own[col].astype(str).to_numpy(), index=own["region"].astype(str))
        elif getattr(ds, "name", None) == "ru-kz":
            table = _builtin_names()
            table = table[(table["lang"] == lang) & (table["name"] != "")]
            given = pd.Series(table["name"].to_numpy(), index=table["region"].to_numpy())
    given = given[~given.index.duplicated()]
    out = english.copy()
    have = given.reindex(out.index)
    out = have.where(have.notna(), out).astype(str)
    out.attrs["fallback"] = [c for c in out.index if c not in given.index] if lang != "en" else []
    return out
