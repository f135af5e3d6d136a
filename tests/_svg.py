"""The texts of an SVG the package wrote: its ``<text>`` elements (figures are saved with
``svg.fonttype = "none"``), inner tags such as ``<tspan>`` removed, entities decoded."""

from __future__ import annotations

import html
import re
from pathlib import Path


def svg_texts(svg: str | Path) -> list[str]:
    """The texts of ``svg`` (its markup, or a path to the file)."""
    text = svg.read_text("utf-8") if isinstance(svg, Path) else svg
    found = re.findall(r"<text\b[^>]*>(.*?)</text>", text, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in found]
