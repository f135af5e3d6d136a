"""Numbers and years from text, with a report: decimal comma or point, thousands separators,
missing-value marks, years written as "2019 г." or "Y2019".

The decimal mark is decided per column from the cells that only one reading fits: "1,5",
"1 234,5", "1.234,5" and "1.234.567" mean a decimal comma; "1.5", "1,234.5" and "1,234,567" a
decimal point. A column with both kinds of evidence is an error. Cells like "1,234" or "1.234"
fit both readings; when a column holds nothing else, the decimal mark of the file's other columns
decides, then a semicolon delimiter (European convention: decimal comma); "1.234" alone is read
with a decimal point; "1,234" alone is an error asking for ``decimal=``. Spaces (also no-break and
thin spaces) are thousands separators. The marks "", "n/a", "na", "nan", "null", "-", "–", "—",
"..", "...", "…", ":", "x" mean missing: such cells are returned as NaN and listed, never mixed
up with zero. Any other text is an error naming the file, row and column. Full-width and other
compatibility characters ("１２３", "１，５") are normalised to ASCII (Unicode NFKC) and reported as a
repair; digits of other scripts are not numbers here (an error, never a silent missing value).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["MISSING_MARKS", "ParsedNumbers", "parse_numbers", "decimal_evidence", "parse_years"]

#: Cell texts read as "no value" (compared after stripping, case-insensitive).
MISSING_MARKS = frozenset({
    "", "n/a", "na", "nan", "null", "none", "-", "–", "—", "‒", "..", "...", "…", ":", "x",
    "#n/a", "n.a.", "n.a",
})

_SPACES = "[ \t\u00a0\u2007\u2009\u202f]"
_EXP = r"(?:[eE][+-]?[0-9]+)?"
# cells only a decimal comma explains
_COMMA_ONLY = (
    r"[+-]?[0-9]*,(?:[0-9]{1,2}|[0-9]{4,})" + _EXP          # 1,5   0,25   12,3456
    + r"|[+-]?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]*" + _EXP      # 1.234,5
    + r"|[+-]?[0-9]{1,3}(?:\.[0-9]{3}){2,}"               # 1.234.567
    + r"|[+-]?[0-9]{4,},[0-9]+" + _EXP                   # 1234,567 (no grouping before)
)
# cells only a decimal point explains
_POINT_ONLY = (
    r"[+-]?[0-9]*\.(?:[0-9]{1,2}|[0-9]{4,})" + _EXP
    + r"|[+-]?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]*" + _EXP
    + r"|[+-]?[0-9]{1,3}(?:,[0-9]{3}){2,}"
    + r"|[+-]?[0-9]{4,}\.[0-9]+" + _EXP
)
_AMBIGUOUS_COMMA = r"[+-]?[0-9]{1,3},[0-9]{3}"
_AMBIGUOUS_POINT = r"[+-]?[0-9]{1,3}\.[0-9]{3}"
_VALID = {
    ".": r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?" + _EXP + r"|[+-]?\.[0-9]+" + _EXP,
    ",": r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]*)?" + _EXP + r"|[+-]?,[0-9]+" + _EXP,
}


@dataclass
class ParsedNumbers:
    """Values of one column (float, NaN where missing) and what reading them took."""

    values: pd.Series
    decimal: str | None
    missing: pd.Series          # bool, True where the cell was a missing mark
    bad: pd.Series              # bool, True where the cell was text that is not a number
    repairs: list[tuple[str, int, list, list[str]]] = field(default_factory=list)
    #: (what, count, rows, examples): decimal comma, thousands separators, unicode minus ...


def as_text(raw: pd.Series) -> pd.Series:
    """The column as stripped text ("" where missing), kept in pandas' string dtype."""
    if raw.dtype == object or not pd.api.types.is_string_dtype(raw.dtype):
        raw = raw.astype(object).where(raw.notna(), "")
    return raw.astype("str").fillna("").str.strip()


def _nfkc(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text with compatibility characters (full-width digits ...) as NFKC, and where it changed."""
    wide = text.str.contains(r"[\uff01-\uff5e\u3000]", regex=True)
    if not wide.any():
        return text, wide
    fixed = text.copy()
    fixed[wide] = [unicodedata.normalize("NFKC", t).strip() for t in text[wide]]
    return fixed, wide & (fixed != text)


def _normalise(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Stripped text (NFKC where it had full-width characters), text without spaces and with '−'
    as '-', and the missing-mark mask."""
    text, _ = _nfkc(as_text(raw))
    missing = text.str.lower().isin(MISSING_MARKS)
    compact = text
    spaced = text.str.contains(_SPACES, regex=True)
    if spaced.any():
        compact = compact.str.replace(_SPACES, "", regex=True)
    if compact.str.contains("\u2212", regex=False).any():
        compact = compact.str.replace("\u2212", "-", regex=False)
    return text, compact, missing


def decimal_evidence(raw: pd.Series) -> tuple[bool, bool, bool, bool]:
    """(comma-only cells, point-only cells, ambiguous '1,234' cells, ambiguous '1.234' cells)."""
    _, compact, missing = _normalise(raw)
    c = compact[~missing]
    return (bool(c.str.fullmatch(_COMMA_ONLY).any()), bool(c.str.fullmatch(_POINT_ONLY).any()),
            bool(c.str.fullmatch(_AMBIGUOUS_COMMA).any()),
            bool(c.str.fullmatch(_AMBIGUOUS_POINT).any()))


def _first(mask: pd.Series, text: pd.Series) -> tuple[object, str]:
    i = int(np.flatnonzero(mask.to_numpy())[0])
    return _plain_row(text.index[i]), text.iloc[i]


def parse_numbers(
    raw: pd.Series,
    *,
    file: str | None = None,
    column: str | None = None,
    decimal: str = "auto",
    file_decimal: str | None = None,
    delimiter: str | None = None,
    on_error: str = "raise",
) -> ParsedNumbers:
    """Numbers from a column of text (index = rows of the file).

    ``decimal``: ``"auto"`` (see the module docstring), ``"."`` or ``","``. ``file_decimal``: the
    decimal mark the file's other columns showed, used for ambiguous columns. ``on_error="raise"``
    raises :class:`DataError` at the first cell that is not a number, naming file, row, column and
    the text (and how many more there are); ``"missing"`` returns NaN for them (the caller reports).
    """
    text, compact, missing = _normalise(raw)
    shown = as_text(raw)
    _, widened = _nfkc(shown)
    live = ~missing
    c = compact[live]
    if decimal not in ("auto", ".", ","):
        raise DataError(f"decimal must be 'auto', '.' or ',', not {decimal!r}", file=file,
                        column=column)
    dec: str | None
    if decimal == "auto":
        comma = c.str.fullmatch(_COMMA_ONLY)
        point = c.str.fullmatch(_POINT_ONLY)
        if comma.any() and point.any():
            r1, t1 = _first(comma, text[live])
            r2, t2 = _first(point, text[live])
            raise DataError(
                f"the column mixes a decimal comma (row {r1}: {t1!r}) and a decimal point "
                f"(row {r2}: {t2!r}); fix the file or pass decimal=", file=file, row=r2,
                column=column)
        if comma.any():
            dec = ","
        elif point.any():
            dec = "."
        else:
            amb_comma = c.str.fullmatch(_AMBIGUOUS_COMMA)
            if amb_comma.any():
                if file_decimal in (".", ","):
                    dec = file_decimal
                elif delimiter == ";":
                    dec = ","
                else:
                    r, t = _first(amb_comma, text[live])
                    raise DataError(
                        f"{t!r} could be {t.replace(',', '')} (comma as thousands separator) or "
                        f"{t.replace(',', '.')} (decimal comma), and nothing else in the file "
                        "tells which: pass decimal=',' or decimal='.'", file=file, row=r,
                        column=column)
            elif c.str.fullmatch(_AMBIGUOUS_POINT).any() and file_decimal == ",":
                dec = ","
            else:
                dec = "." if c.str.contains(r"[.,]", regex=True).any() else None
    else:
        dec = decimal
    use = dec or "."
    valid = c.str.fullmatch(_VALID[use])
    bad = ~valid
    if bad.any() and on_error == "raise":
        r, t = _first(bad, text[live])
        more = int(bad.sum()) - 1
        raise DataError(
            f"{t!r} is not a number" + (f" ({more} more such cells in this column)" if more else "")
            + ("" if dec is None else f"; the column reads {'comma' if dec == ',' else 'point'} "
               "as the decimal mark"),
            file=file, row=r, column=column)
    thousands = "." if use == "," else ","
    cleaned = c.str.replace(thousands, "", regex=False)
    if use == ",":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    cleaned = cleaned.where(valid, "nan")
    values = pd.Series(np.nan, index=raw.index, dtype=float)
    values[live.to_numpy()] = pd.to_numeric(cleaned, errors="coerce").astype(float).to_numpy()

    repairs = []
    spaced = live & (text.str.contains(_SPACES, regex=True))
    if spaced.any():
        repairs.append(("spaces removed from numbers (thousands separators)", spaced))
    if use == ",":
        has_comma = live & compact.str.contains(",", regex=False)
        if has_comma.any():
            repairs.append(("decimal comma read as a decimal point", has_comma))
    grouped = live & compact.str.contains(thousands, regex=False) & valid.reindex(
        raw.index, fill_value=False)
    if grouped.any():
        repairs.append((f"{thousands!r} read as a thousands separator", grouped))
    if widened.any():
        repairs.append(("full-width characters normalised to ASCII (Unicode NFKC)",
                        live & widened))
    minus = live & text.str.contains("\u2212", regex=False)
    if minus.any():
        repairs.append(("'−' (U+2212) read as a minus sign", minus))
    out = []
    for what, mask in repairs:
        idx = np.flatnonzero(mask.to_numpy())
        rows = [text.index[i] for i in idx[:10]]
        ex = [f"row {text.index[i]}: {shown.iloc[i]!r} -> {values.iloc[i]:g}" for i in idx[:3]]
        out.append((what, int(idx.size), rows, ex))
    bad_all = pd.Series(False, index=raw.index)
    bad_all[live.to_numpy()] = bad.to_numpy()
    return ParsedNumbers(values, dec, missing, bad_all, out)


_YEAR = r"(?:y|fy)?\s*([0-9]{4})(?:\.0+)?\s*(?:г\.?|гг\.?|год|года|year|yr\.?)?"


def parse_years(
    raw: pd.Series, *, file: str | None = None, column: str | None = None,
    allow_missing: bool = True,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Years from text: '2019', '2019 г.', '2019г', 'Y2019', '2019.0' -> 2019.

    Returns (years as float with NaN where missing, repaired mask, missing mask). Text that is not
    one four-digit year is a :class:`DataError` naming the file, row and column.
    """
    codes, uniques = pd.factorize(as_text(raw))
    text_u = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    shown_u = text_u
    if len(text_u):
        text_u = _nfkc(text_u.astype("str"))[0].astype(object)
    missing_u = text_u.str.lower().isin(MISSING_MARKS).to_numpy()
    m_u = text_u.str.extract("^" + _YEAR + "$", flags=re.IGNORECASE, expand=False)
    bad_u = (m_u.isna().to_numpy() & ~missing_u)
    missing = pd.Series(missing_u[codes], index=raw.index)
    bad = pd.Series(bad_u[codes], index=raw.index)
    if bad.any() or (missing.any() and not allow_missing):
        mask = bad if bad.any() else missing
        i = int(np.flatnonzero(mask.to_numpy())[0])
        more = int(mask.sum()) - 1
        t = shown_u.iloc[codes[i]]
        raise DataError(f"{t!r} is not a year" + (f" ({more} more such cells)" if more else ""),
                        file=file, row=_plain_row(raw.index[i]), column=column)
    years_u = pd.to_numeric(m_u, errors="coerce").astype(float).to_numpy()
    repaired_u = ~missing_u & (shown_u.to_numpy(dtype=object) != m_u.fillna("").to_numpy(object))
    years = pd.Series(years_u[codes], index=raw.index)
    repaired = pd.Series(repaired_u[codes], index=raw.index)
    return years, repaired, missing


def _plain_row(r: object) -> object:
    return int(r) if isinstance(r, int | np.integer) else r
