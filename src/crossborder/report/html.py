"""Render the report's sections into one self-contained HTML file (figures embedded as PNG).

Every string of the report is text: the Jinja environment autoescapes everything (whatever the
template's name), so a dataset name, source, region or indicator such as ``<script>`` shows as
written and never runs. The only HTML not written by the template is the tables' markup, which
:func:`table_html` builds from escaped cells and marks safe itself.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from .model import Section


def _fmt(v: Any) -> str:
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


def table_html(frame: pd.DataFrame) -> Markup:
    """An HTML table of ``frame``: every header and cell escaped, numbers right-aligned."""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            num = isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
            cls = ' class="num"' if num else ""
            cells.append(f"<td{cls}>{escape(_fmt(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def render(sections: list[Section], meta: dict[str, Any]) -> str:
    env = Environment(loader=PackageLoader("crossborder.report", "templates"),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["table_html"] = table_html
    env.filters["b64"] = lambda b: base64.b64encode(b).decode("ascii")
    return env.get_template("report.html.j2").render(sections=sections, meta=meta)
