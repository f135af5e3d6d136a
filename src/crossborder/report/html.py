"""Render the report's sections into one self-contained HTML file (figures embedded as PNG).

In another language (``lang``, see :mod:`crossborder.i18n`) the template's words, the section
titles and the captions the catalog has are translated, numbers take the language's separators
(``1 234,5``) and a table cell that is a region's English name shows the name in that language
where the data have it.

Every string of the report is text: the Jinja environment autoescapes everything (whatever the
template's name), so a dataset name, source, region or indicator such as ``<script>`` shows as
written and never runs. The only HTML not written by the template is the tables' markup, which
:func:`table_html` builds from escaped cells and marks safe itself.
"""

from __future__ import annotations

import base64
import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from ..i18n import SEPARATORS, check_lang, format_date, translation
from .model import Section


def _localise(text: str, lang: str) -> str:
    """A number formatted in English (``1,234.5``) with the separators of ``lang``."""
    group, decimal = SEPARATORS[lang]
    if (group, decimal) == (",", "."):
        return text
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def _fmt(v: Any, lang: str = "en") -> str:
    text = _fmt_en(v)
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_):
        return _localise(text, lang)
    return text


def _fmt_en(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return "–"
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, int | np.integer):
        return f"{int(v):,}" if abs(int(v)) >= 10000 else str(int(v))
    if isinstance(v, float | np.floating):
        a = abs(float(v))
        if a == 0:
            return "0"
        if a >= 1e4:
            return f"{v:,.0f}"
        if a >= 100:
            return f"{v:,.1f}"
        return f"{v:.4g}"
    return str(v)


def table_html(frame: pd.DataFrame, lang: str = "en", names: dict[str, str] | None = None) -> Markup:
    """An HTML table of ``frame``: every header and cell escaped, numbers right-aligned; numbers
    with the separators of ``lang``, a cell equal to a key of ``names`` (a region's English name)
    shown as its value (the name in ``lang``)."""
    names = names or {}
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            num = isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
            cls = ' class="num"' if num else ""
            text = _fmt(v, lang)
            cells.append(f"<td{cls}>{escape(names.get(text, text) if not num else text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def render(sections: list[Section], meta: dict[str, Any], lang: str = "en",
           names: dict[str, str] | None = None) -> str:
    """The report's HTML in ``lang``; ``names``: a region's English name -> its name in ``lang``."""
    lang = check_lang(lang)
    env = Environment(loader=PackageLoader("crossborder.report", "templates"),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translation(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["table_html"] = lambda frame: table_html(frame, lang, names)
    env.filters["b64"] = lambda b: base64.b64encode(b).decode("ascii")
    env.filters["num"] = lambda v: _fmt(v, lang)
    # words from the sections (titles, captions) are data to the template: translated where the
    # catalog has them, and escaped like any text (never through the i18n extension's ``_``,
    # which marks its result safe)
    tr = translation(lang).gettext
    env.filters["tr"] = lambda text: tr(str(text)) if text else text
    generated = meta.get("generated", "")
    shown = str(generated)      # English keeps the ISO date (2026-01-01); others write it out
    if lang != "en":
        try:
            shown = format_date(_dt.date.fromisoformat(shown), lang)
        except ValueError:
            pass
    return env.get_template("report.html.j2").render(sections=sections, meta=meta, lang=lang,
                                                     generated=shown)
