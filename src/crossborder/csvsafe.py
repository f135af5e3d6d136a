"""CSV that is safe to open in a spreadsheet: cells that would run as formulas are neutralised.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``):
CSV injection (OWASP, "CSV Injection"). Such text cells get a leading apostrophe, the convention
spreadsheets themselves use for "this is text". Numbers are never touched: ``-0.25`` stays a number
because only text (object/string) columns are rewritten, and a text cell that parses as a plain
number (``"-3"``, ``"+1.5e3"``) is left as it is.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "neutralise_formulas"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_cell(value: object) -> object:
    """``'=1+2'`` -> ``"'=1+2"``; numbers, ``None`` and harmless text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) cannot run as spreadsheet formulas."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype | pd.CategoricalDtype):
            out[col] = s.astype(object).map(neutralise_cell)
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples(
            [tuple(neutralise_cell(str(c)) for c in col) for col in out.columns])
    else:
        out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out
