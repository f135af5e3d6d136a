"""The explorer as HTML: a fragment embedded in the report, or a page of its own.

The page is self-contained: Plotly's JavaScript is embedded inline (``plotly.offline.get_plotlyjs``,
never a CDN), the data travel as one JSON blob in a ``<script type="application/json">`` element,
and the map is a geo choropleth of the regions' own polygons with no basemap (``geo.visible`` off,
``fitbounds="locations"``), so nothing is fetched from the network. The interaction (year slider,
hover, click, the robustness grid's sorting and filtering) is plain JavaScript
(``templates/explorer.js``) on that blob; every string from the data is set as text, never
as HTML.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from ..i18n import SEPARATORS, check_lang, gettext_for

__all__ = ["explorer_fragment", "explorer_scripts", "explorer_page", "ui_strings", "json_for_script",
           "UI_STRINGS"]

#: The explorer's own words (msgids of the catalogs), by key.
UI_STRINGS = {
    "title": "Explore the data",
    "intro": ("Move the year slider to redraw the map and the border's discontinuities; point at a "
              "region to see its value and rank; click a region or a border pair to see its series. "
              "The static figures below remain for print."),
    "year": "Year",
    "value": "Value",
    "rank": "Rank",
    "country": "Country",
    "discontinuity": "Discontinuity max(a/b, b/a)",
    "hover_hint": "Point at a region on the map.",
    "sigma": "σ: standard deviation of logs",
    "between": "Between-country share of Theil T, border regions",
    "pairs": "Pairs across the border",
    "pairs_hint": "Click a pair (or its marker on the border) to see its gap over time.",
    "series": "Series",
    "series_hint": "Click a region or a pair to see its series.",
    "log_gap": "ln(a / b)",
    "grid": "Robustness grid",
    "filter": "Filter rows",
    "all_estimates": "all estimates",
    "rows_shown": "{shown} of {total} rows shown",
    "not_computed": "Not computed",
    "no_script": "The explorer needs JavaScript; the tables and figures below do not.",
    "sort_hint": "Click a column's header to sort by it.",
    "open": "Open the explorer",
    "open_hint": ("The map and charts are drawn when opened (a click or focus inside them opens them "
                  "too); the report below does not wait for them."),
}


def ui_strings(lang: str) -> dict[str, str]:
    """:data:`UI_STRINGS` in ``lang`` (English where the catalog lacks one)."""
    _ = gettext_for(check_lang(lang))
    return {k: _(v) for k, v in UI_STRINGS.items()}


def json_for_script(data: Any) -> Markup:
    """``data`` as JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are written as
    ``\\u003c`` ... so no string of the data can close the element."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


@cache
def _plotly_js() -> str:
    import plotly.offline

    js = plotly.offline.get_plotlyjs()
    return js.replace("</script", "<\\/script")


@cache
def _explorer_js() -> str:
    return (resources.files("crossborder.report") / "templates" / "explorer.js").read_text("utf-8")


def _env() -> Environment:
    return Environment(loader=PackageLoader("crossborder.report", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


#: BCP 47 locale the page's ``Intl.NumberFormat`` formats numbers in, per language.
LOCALES = {"en": "en-GB", "ru": "ru-RU", "kk": "kk-KZ"}


def _context(data: dict[str, Any], lang: str, include_plotlyjs: bool, lazy: bool = True
             ) -> dict[str, Any]:
    lang = check_lang(lang)
    strings = ui_strings(lang)
    group, decimal = SEPARATORS[lang]
    blob = {**data, "strings": strings, "locale": LOCALES[lang], "separators": decimal + group}
    return {"s": strings, "lang": lang, "data_json": json_for_script(blob),
            "plotly_js": Markup(_plotly_js()) if include_plotlyjs else None,
            "explorer_js": Markup(_explorer_js()), "notes": data.get("notes", {}), "lazy": lazy}


def explorer_fragment(data: dict[str, Any], lang: str = "en", *, include_plotlyjs: bool = True,
                      scripts: bool = True, lazy: bool = True) -> Markup:
    """The explorer as an HTML fragment (``<div id="cb-explorer">``); with ``scripts=False``
    without its data and scripts, which :func:`explorer_scripts` gives for the end of the page.

    Plotly's 4.8 MB of JavaScript are embedded as text (``<script type="text/plain">``, never
    executed by the parser); with ``lazy`` the explorer compiles and draws them only when opened
    (its button, a click or focus inside it, or ``#explore`` in the address), so the page around it
    is usable at once; without, as soon as the page has been read."""
    ctx = _context(data, lang, include_plotlyjs, lazy)
    return Markup(_env().get_template("explorer.html.j2").render(scripts=scripts, **ctx))


def explorer_scripts(data: dict[str, Any], lang: str = "en", *, include_plotlyjs: bool = True) -> Markup:
    """The explorer's data (JSON) and scripts, for the end of a page holding
    ``explorer_fragment(..., scripts=False)``."""
    ctx = _context(data, lang, include_plotlyjs)
    return Markup(_env().get_template("explorer_scripts.html.j2").render(**ctx))


def explorer_page(data: dict[str, Any], lang: str = "en", title: str = "") -> str:
    """A page of its own holding only the explorer (``crossborder explore --out DIR``)."""
    lang = check_lang(lang)
    return _env().get_template("explorer_page.html.j2").render(
        lang=lang, title=title or ui_strings(lang)["title"],
        explorer=explorer_fragment(data, lang, scripts=False, lazy=False),
        scripts=explorer_scripts(data, lang))
