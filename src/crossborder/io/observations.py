"""Observations and panels from the user's tables (long or wide), with a report of what was done.

Long layout: one row per region and year (and indicator), a ``value`` column. Wide layout: one
row per region (and indicator), one column per year ("2019", "Y2019", "2019 г."). ``layout="auto"``
takes long when the ``year`` column exists, wide when column headers are years.

``indicator``, ``unit``, ``source`` and ``flag`` name a column of the file when there is one by
that name, else they are a constant for every row (so ``indicator="grp_pc"`` names a file that
holds one indicator). Without them the columns ``indicator``, ``unit``, ``source`` and ``flag``
are used if present; the indicator defaults to the file's stem (the value column's name in a long
file whose value column is not called ``value``) and the source to the file's name.

Nothing is dropped silently: cells marked missing ("", "n/a", "–", "..") are listed in
``report.set_aside``; text that is not a number is an error naming the file, row and column (or,
with ``on_error="set_aside"``, listed too); every repair (decimal comma, "2019 г.") is in
``report.repairs``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import DataError, UnitError
from ..panel import Panel
from ..validate import ReadReport, validate_observations
from .numbers import MISSING_MARKS, as_text, decimal_evidence, parse_numbers, parse_years
from .tables import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_UNPACKED_BYTES,
    EXCEL_SUFFIXES,
    PARQUET_SUFFIXES,
    _check_size,
    _header_and_body,
    check_plain_file,
    decode_text,
    file_label,
    leading_blank_lines,
    read_table,
    sniff_delimiter,
)

__all__ = ["ReadResult", "read_observations", "read_panel", "OBSERVATION_COLUMNS",
           "DEFAULT_CHUNK_BYTES"]

OBSERVATION_COLUMNS = ["region", "year", "indicator", "value", "unit", "source", "flag"]
#: Text files larger than this are read in chunks by ``read_observations`` (bounded memory).
DEFAULT_CHUNK_BYTES = 64 * 2**20
_CHUNK_ROWS = 50_000
_YEAR_HEADER = re.compile(r"^(?:y|fy)?\s*(\d{4})(?:\.0+)?\s*(?:г\.?|гг\.?|год|года|year)?$",
                          re.IGNORECASE)
#: A prefix naming the indicator, then a year: ``PIB100_2013``, ``gdp_2019``, ``gdp 2019``.
_PREFIXED_YEAR_HEADER = re.compile(r"^(?P<prefix>[^\W\d_][\w.]*?)[\s_\-.]*(?P<year>\d{4})$")
#: A year with a sub-annual period: ``2019Q4``, ``gdp_2019_q4``, ``2019M01``, ``2019-H1``.
_SUBANNUAL_HEADER = re.compile(r"^(?:[^\W\d_][\w.]*?[\s_\-.]*)?\d{4}[\s_\-.]*[QMHSW]\d{1,2}$",
                               re.IGNORECASE)


class ReadResult(NamedTuple):
    """What a reader returns: the data and the :class:`~crossborder.validate.ReadReport`."""

    data: pd.DataFrame
    report: ReadReport


# ---------------------------------------------------------------------- column roles
def _find(columns: Iterable[str], name: str) -> str | None:
    cols = list(columns)
    if name in cols:
        return name
    low = {str(c).strip().lower(): c for c in cols}
    return low.get(name.strip().lower())


def _year_of_header(h: str) -> int | None:
    m = _YEAR_HEADER.match(str(h).strip())
    return int(m.group(1)) if m else None


def _prefixed_year(h: str) -> tuple[str, int] | None:
    """('PIB100', 2013) for a header ``PIB100_2013``; None for a bare year or anything else."""
    m = _PREFIXED_YEAR_HEADER.match(str(h).strip())
    return (m.group("prefix"), int(m.group("year"))) if m else None


def _role(columns: list[str], given: str | None, default_col: str) -> tuple[str, str | None]:
    """('column', name) when a column plays the role, ('constant', value) otherwise."""
    if given is None:
        col = _find(columns, default_col)
        return ("column", col) if col is not None else ("constant", None)
    col = _find(columns, given)
    return ("column", col) if col is not None else ("constant", given)


class _Spec(NamedTuple):
    layout: str
    region: str
    year: str | None
    value: str | None
    year_cols: dict[str, int]
    roles: dict[str, tuple[str, Any]]
    col_indicator: dict[str, str]
    extra_numeric: dict[str, str]
    extra_text: dict[str, str]


def _resolve(columns: list[str], *, file: str, layout: str, region: str, year: str,
             indicator: str | None, value: str, unit: str | None, source: str | None,
             flag: str | None, extra_numeric: dict[str, str], extra_text: dict[str, str],
             report: ReadReport) -> _Spec:
    if layout not in ("auto", "long", "wide"):
        raise DataError(f"layout must be 'auto', 'long' or 'wide', not {layout!r}", file=file)
    region_col = _find(columns, region)
    if region_col is None:
        raise DataError(f"no column {region!r} with the region codes (columns: {columns}); "
                        "pass region='<column>'", file=file, row=1, column=region)
    year_col = _find(columns, year)
    year_cols = {c: y for c in columns if c != region_col and (y := _year_of_header(c)) is not None}
    col_indicator: dict[str, str] = {}
    if layout == "wide" or (layout == "auto" and year_col is None):
        subannual = [c for c in columns if _SUBANNUAL_HEADER.match(str(c).strip())]
        if subannual:
            raise DataError(f"column {subannual[0]!r} is not a year: crossborder reads annual data "
                            "(headers such as 2019 or gdp_2019), not quarters or months; "
                            "aggregate to years first", file=file, row=1, column=subannual[0])
        for c in columns:
            if c != region_col and c not in year_cols and (py := _prefixed_year(c)) is not None:
                year_cols[c] = py[1]
                col_indicator[c] = py[0]
        if col_indicator and indicator is not None and _find(columns, indicator) is None:
            prefixes = sorted(set(col_indicator.values()))
            if indicator in prefixes:   # read only that indicator's columns
                year_cols = {c: y for c, y in year_cols.items() if col_indicator.get(c) == indicator}
                col_indicator = {c: p for c, p in col_indicator.items() if p == indicator}
            elif len(prefixes) > 1:
                raise DataError(f"no columns for the indicator {indicator!r}: the headers name "
                                f"the indicators {prefixes}", file=file, row=1)
            else:
                col_indicator = {}      # one prefix: the given name replaces it
    if layout == "auto":
        if year_col is not None:
            layout = "long"
        elif year_cols:
            layout = "wide"
        else:
            raise DataError(f"cannot tell the layout: no column {year!r} and no column headed by a "
                            f"year (columns: {columns}); pass year='<column>'", file=file, row=1,
                            column=year)
    if layout == "long" and year_col is None:
        raise DataError(f"no column {year!r} with the years (columns: {columns})", file=file,
                        row=1, column=year)
    if layout == "wide" and not year_cols:
        raise DataError(f"no column headed by a year (columns: {columns})", file=file, row=1)
    roles = {
        "indicator": _role(columns, indicator, "indicator"),
        "unit": _role(columns, unit, "unit"),
        "source": _role(columns, source, "source"),
        "flag": _role(columns, flag, "flag"),
    }
    value_col = None
    stem = Path(file).stem
    if layout == "long":
        value_col = _find(columns, value)
        if value_col is None:
            raise DataError(f"no column {value!r} with the values (columns: {columns}); pass "
                            "value='<column>'", file=file, row=1, column=value)
        if roles["indicator"] == ("constant", None):
            roles["indicator"] = ("constant", value_col if value_col != "value" else stem)
    else:
        if roles["indicator"] == ("constant", None):
            roles["indicator"] = ("constant", stem)
        repaired = {c: y for c, y in year_cols.items()
                    if str(c).strip() != str(y) and c not in col_indicator}
        if repaired:
            report.repair("year column headers read as years", column=None, count=len(repaired),
                          examples=[f"{c!r} -> {y}" for c, y in list(repaired.items())[:3]])
        if col_indicator:
            named = sorted(set(col_indicator.values()))
            report.info["indicators_from_headers"] = named
        seen: dict[tuple[str | None, int], str] = {}
        for c, y in year_cols.items():
            key = (col_indicator.get(c), y)
            if key in seen:
                raise DataError(f"two columns for the year {y}: {seen[key]!r} and {c!r}",
                                file=file, row=1, column=c)
            seen[key] = c
    if roles["source"] == ("constant", None):
        roles["source"] = ("constant", Path(file).name)
    if roles["flag"] == ("constant", None):
        roles["flag"] = ("constant", "")
    def located(wanted: dict) -> dict:
        out = {}
        for key, col in wanted.items():
            found = _find(columns, col)
            if found is None:
                raise DataError(f"no column {col!r} (columns: {columns})", file=file, row=1,
                                column=col)
            out[key] = found
        return out

    ex_num, ex_txt = located(extra_numeric), located(extra_text)
    used = {region_col, year_col, value_col, *year_cols, *ex_num.values(), *ex_txt.values()}
    used |= {v for kind, v in roles.values() if kind == "column"}
    ignored = [c for c in columns if c not in used]
    if ignored:
        report.warn(f"columns not used: {ignored[:_MAX_NAMED]}" + (
            f" and {len(ignored) - _MAX_NAMED:,} more" if len(ignored) > _MAX_NAMED else ""))
    report.info.update({
        "layout": layout,
        **{k: (f"column {v!r}" if kind == "column" else v) for k, (kind, v) in roles.items()},
    })
    return _Spec(layout, region_col, year_col, value_col, year_cols, roles, col_indicator, ex_num,
                 ex_txt)


#: Column names listed in a note before "and N more".
_MAX_NAMED = 20


# ---------------------------------------------------------------------- table -> observations
def _role_values(table: pd.DataFrame, role: tuple[str, Any]) -> pd.Series:
    kind, v = role
    if kind == "column":
        return as_text(table[v])
    return pd.Series(v, index=table.index, dtype=object)


def _stacked(table: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The cells of ``columns`` one column after the other (column-major), as one Series whose
    index repeats the rows: one vectorised pass over a wide file instead of one per column."""
    if not columns:
        return pd.Series([], dtype=object)
    cells = table[columns].to_numpy(dtype=object).ravel(order="F")
    return pd.Series(cells, index=np.tile(np.asarray(table.index), len(columns)), dtype=object)


def _file_decimal(table: pd.DataFrame, columns: Iterable[str]) -> str | None:
    """The decimal mark the file's value columns show (None: both or neither). The evidence is
    cellwise, so all columns are checked in one pass (linear in the number of cells)."""
    cols = list(dict.fromkeys(columns))
    if not cols or len(table) == 0:
        return None
    comma, point, _, _ = decimal_evidence(_stacked(table, cols))
    if comma and not point:
        return ","
    if point and not comma:
        return "."
    return None


def _numbers(table: pd.DataFrame, col: str, *, file: str, decimal: str, file_decimal: str | None,
             delimiter: str | None, on_error: str, report: ReadReport,
             decided: dict[str, str] | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    dec = decimal if decimal != "auto" or decided is None else decided.get(col, "auto")
    parsed = parse_numbers(table[col], file=file, column=col, decimal=dec,
                           file_decimal=file_decimal, delimiter=delimiter,
                           on_error="raise" if on_error == "raise" else "missing")
    if decided is not None and parsed.decimal is not None:
        decided.setdefault(col, parsed.decimal)
    if parsed.decimal is not None:
        report.info.setdefault("decimal", {})[col] = parsed.decimal
    for what, count, rows, examples in parsed.repairs:
        report.repair(what, column=col, count=count, rows=rows, examples=examples)
    return parsed.values, parsed.missing, parsed.bad


#: Cells read without any repair or decision: an integer, or a decimal point with other than three
#: decimals (three could be a thousands group). A column of only such cells (and missing marks)
#: is parsed with the others in one vectorised pass; any other column goes cell by cell through
#: :func:`~crossborder.io.numbers.parse_numbers`, with the same result either way.
_PLAIN_NUMBER = r"[+-]?[0-9]+|[+-]?[0-9]*\.(?:[0-9]{1,2}|[0-9]{4,})"


def _wide_numbers(table: pd.DataFrame, cols: list[str], *, file: str, decimal: str,
                  file_decimal: str | None, delimiter: str | None, on_error: str,
                  report: ReadReport, decided: dict[str, str] | None,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    """Values, missing and bad masks and the raw text of the year columns of a wide table,
    column-major (the cells of ``cols[0]``, then ``cols[1]`` ...).

    Time linear in the number of cells: plain columns (see ``_PLAIN_NUMBER``) are parsed in one
    pass over all cells; only columns that need a decision (decimal comma, thousands separators,
    spaces, text) are parsed one by one (a file of 30,000 plain columns reads in seconds, where
    a pass per column took minutes)."""
    n, k = len(table), len(cols)
    raw = as_text(_stacked(table, cols))
    plain = raw.str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool, na_value=False)
    mark = raw.str.lower().isin(MISSING_MARKS).to_numpy(dtype=bool)
    point = raw.str.contains(".", regex=False).to_numpy(dtype=bool, na_value=False)
    numbers = pd.to_numeric(raw.where(plain, "nan"), errors="coerce").to_numpy(dtype=float)
    missing = np.array(mark.reshape((n, k), order="F"))  # a writable copy
    values = numbers.reshape((n, k), order="F")
    simple = (plain | mark).reshape((n, k), order="F").all(axis=0)
    has_point = (point & plain).reshape((n, k), order="F").any(axis=0)
    values = np.where(missing, np.nan, values)
    bad = np.zeros((n, k), dtype=bool)
    for j, col in enumerate(cols):
        dec = decimal if decimal != "auto" or decided is None else decided.get(col, "auto")
        if simple[j] and dec == "auto":
            if has_point[j]:   # what parse_numbers decides for such a column
                if decided is not None:
                    decided.setdefault(col, ".")
                report.info.setdefault("decimal", {})[col] = "."
            continue
        v, m, b = _numbers(table, col, file=file, decimal=decimal, file_decimal=file_decimal,
                           delimiter=delimiter, on_error=on_error, report=report, decided=decided)
        values[:, j], missing[:, j], bad[:, j] = v.to_numpy(), m.to_numpy(), b.to_numpy()
    return (values.ravel(order="F"), missing.ravel(order="F"), bad.ravel(order="F"),
            raw.array)


def _observations_from_table(
    table: pd.DataFrame, spec: _Spec, *, file: str, decimal: str, delimiter: str | None,
    on_error: str, report: ReadReport, decided: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Tidy observations with the private columns _file, _row, _column (see validate)."""
    region = as_text(table[spec.region])
    _report_padded_codes(table[spec.region], region, spec.region, report)
    roles = {k: _role_values(table, r) for k, r in spec.roles.items()}
    value_cols = [spec.value] if spec.layout == "long" else list(spec.year_cols)
    file_decimal = _file_decimal(table, value_cols + list(spec.extra_numeric.values()))
    extras = {}
    for out, col in spec.extra_numeric.items():
        v, miss, bad = _numbers(table, col, file=file, decimal=decimal, file_decimal=file_decimal,
                                delimiter=delimiter, on_error=on_error, report=report,
                                decided=decided)
        extras[out] = v
    for out, col in spec.extra_text.items():
        extras[out] = as_text(table[col])

    if spec.layout == "long":
        years, rep, ymiss = parse_years(table[spec.year], file=file, column=spec.year)
        if rep.any():
            idx = np.flatnonzero(rep.to_numpy())
            report.repair("years written as text read as numbers", column=spec.year,
                          count=idx.size, rows=[table.index[i] for i in idx[:10]],
                          examples=[f"row {table.index[i]}: {table[spec.year].iloc[i]!r} -> "
                                    f"{int(years.iloc[i])}" for i in idx[:3]])
        vals, vmiss, vbad = _numbers(table, spec.value, file=file, decimal=decimal,
                                     file_decimal=file_decimal, delimiter=delimiter,
                                     on_error=on_error, report=report, decided=decided)
        out = pd.DataFrame({
            "region": region.array, "year": years.to_numpy(),
            **{k: s.array for k, s in roles.items()},
            "value": vals.to_numpy(), "_raw": table[spec.value].array,
            "_missing": vmiss.to_numpy(), "_bad": vbad.to_numpy(),
            "_file": file, "_row": np.asarray(table.index, dtype=np.int64),
            "_column": spec.value,
            **{k: s.array for k, s in extras.items()},
        })
        ymiss_arr = ymiss.to_numpy()
    else:
        cols = list(spec.year_cols)
        n, k = len(table), len(cols)
        vals, vmiss, vbad, raw = _wide_numbers(
            table, cols, file=file, decimal=decimal, file_decimal=file_decimal,
            delimiter=delimiter, on_error=on_error, report=report, decided=decided)
        tile = np.tile(np.arange(n), k)    # column-major: the rows of each year column in turn
        col_roles = {name: ser.iloc[tile].array for name, ser in roles.items()}
        if spec.col_indicator:
            ind = (np.array(col_roles["indicator"], dtype=object) if "indicator" in col_roles
                   else np.full(n * k, np.nan, dtype=object))
            for j, col in enumerate(cols):
                if col in spec.col_indicator:
                    ind[j * n:(j + 1) * n] = spec.col_indicator[col]
            col_roles["indicator"] = ind
        out = pd.DataFrame({
            "region": region.iloc[tile].array,
            "year": np.repeat(np.array([spec.year_cols[c] for c in cols], dtype=float), n),
            **col_roles,
            "value": vals, "_raw": raw, "_missing": vmiss, "_bad": vbad,
            "_file": file, "_row": np.tile(np.asarray(table.index, dtype=np.int64), k),
            "_column": np.repeat(np.array(cols, dtype=object), n),
            **{name: ser.iloc[tile].array for name, ser in extras.items()},
        })
        ymiss_arr = np.zeros(len(out), dtype=bool)
        # keep the file's row order: row, then year
        out = out.sort_values(["_row", "year"], kind="stable").reset_index(drop=True)

    no_key = (out["region"] == "").to_numpy(dtype=bool) | ymiss_arr
    missing = out["_missing"].to_numpy(dtype=bool, copy=True)
    bad = out["_bad"].to_numpy(dtype=bool, copy=True)
    aside = np.zeros(len(out), dtype=bool)
    # a row with neither key nor value (a blank or footnote line): set aside
    hollow = no_key & missing
    if hollow.any():
        _aside(report, out, hollow, "no region/year and no value (blank or note row)")
        aside |= hollow
    placed = no_key & ~missing
    if placed.any():
        if on_error == "raise":
            i = int(np.flatnonzero(placed)[0])
            which = "region" if out["region"].iat[i] == "" else "year"
            col = spec.region if which == "region" else spec.year
            raise DataError(f"a value ({out['_raw'].iat[i]!r}) without a {which}: cannot tell "
                            "where it belongs", file=file, row=int(out["_row"].iat[i]),
                            column=col)
        _aside(report, out, placed, "value without a region or year")
        aside |= placed
    miss = missing & ~aside
    if miss.any():
        reasons = np.array([f"missing value {r!r}" if str(r).strip() else "empty cell"
                            for r in out["_raw"][miss]], dtype=object)
        _aside(report, out, miss, reasons)
        aside |= miss
    bad &= ~aside
    if bad.any():  # only with on_error="set_aside": parse_numbers raised otherwise
        reasons = np.array([f"not a number: {r!r}" for r in out["_raw"][bad]], dtype=object)
        _aside(report, out, bad, reasons)
        aside |= bad
    out = out.loc[~aside].drop(columns=["_raw", "_missing", "_bad"])
    return out.reset_index(drop=True)


def _report_padded_codes(raw: pd.Series, stripped: pd.Series, column: str,
                         report: ReadReport) -> None:
    """Region codes with spaces around them (' AA-R0 ') are read without them: a reported repair."""
    text = raw.astype(object).where(raw.notna(), "").astype(str)
    padded = (text != stripped.astype(object).to_numpy()).to_numpy() & (stripped != "").to_numpy()
    if padded.any():
        idx = np.flatnonzero(padded)
        report.repair("spaces around region codes removed", column=column, count=idx.size,
                      rows=[raw.index[i] for i in idx[:10]],
                      examples=[f"row {raw.index[i]}: {text.iloc[i]!r} -> {stripped.iloc[i]!r}"
                                for i in idx[:3]])


def _aside(report: ReadReport, out: pd.DataFrame, mask: np.ndarray, reason: Any) -> None:
    sub = out.loc[mask]
    rows = pd.DataFrame({
        "file": sub["_file"].to_numpy(dtype=object),
        "row": sub["_row"].to_numpy(),
        "column": sub["_column"].to_numpy(dtype=object),
        "region": sub["region"].to_numpy(dtype=object),
        "year": sub["year"].to_numpy(),
        "indicator": sub["indicator"].to_numpy(dtype=object),
        "value": sub["_raw"].to_numpy(dtype=object),
    })
    rows["year"] = [None if np.isnan(y) else int(y) for y in rows["year"]]
    report.set_rows_aside(rows, pd.Series(reason) if isinstance(reason, np.ndarray) else reason)


def _finish(obs: pd.DataFrame, report: ReadReport, keep: np.ndarray | None) -> pd.DataFrame:
    """Public shape: the OBSERVATION_COLUMNS, index = row of the file."""
    if keep is not None and not keep.all():
        obs = obs.loc[keep]
    obs = pd.DataFrame({c: obs[c] for c in obs.columns if c != "_file" and c != "_column"},
                       copy=False)
    obs["year"] = obs["year"].astype(np.int64)
    flag, unit = obs["flag"], obs["unit"]
    if isinstance(flag.dtype, pd.CategoricalDtype):
        if flag.isna().any():
            flag = (flag.cat.add_categories("") if "" not in flag.cat.categories
                    else flag).fillna("")
        obs["flag"] = flag
    else:
        obs["flag"] = flag.astype(object).where(flag.notna(), "")
    if isinstance(unit.dtype, pd.CategoricalDtype):
        if "" in unit.cat.categories:
            obs["unit"] = unit.cat.remove_categories([""])
    else:
        unit = unit.astype(object)
        obs["unit"] = unit.where(unit.notna() & (unit != ""), None)
    for c in ("region", "indicator", "source"):
        if not isinstance(obs[c].dtype, pd.CategoricalDtype):
            obs[c] = obs[c].astype(object)
    extra = [c for c in obs.columns if c not in OBSERVATION_COLUMNS and not c.startswith("_")]
    result = obs[OBSERVATION_COLUMNS + extra]
    result.index = pd.Index(obs["_row"].to_numpy(dtype=np.int64), name="row")
    return result


# ---------------------------------------------------------------------- reading files
def _is_text(path: Path) -> bool:
    s = path.suffix.lower()
    return s not in EXCEL_SUFFIXES and s not in PARQUET_SUFFIXES and s != ".xls"


def _text_chunks(path: Path, file: str, *, encoding: str | None, delimiter: str | None,
                 chunk_rows: int, report: ReadReport) -> Iterator[pd.DataFrame]:
    """String tables of ``chunk_rows`` rows each (index = line of the file), header shared."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    enc = encoding
    if enc is None:
        from .tables import detect_encoding

        enc = detect_encoding(head, file=file)
    cut = len(head) - (len(head) % 4)
    sample, _ = decode_text(head[:cut] if len(head) == 1 << 20 else head, file,
                            "utf-8" if enc == "utf-8-sig" else enc)
    if len(head) == 1 << 20 and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    delim = delimiter or sniff_delimiter(sample, file=file)
    lead_lines, _ = leading_blank_lines(sample)
    report.info.update({"format": "text", "encoding": enc, "delimiter": delim,
                        "read": f"in chunks of {chunk_rows} rows"})
    py_enc = "utf-16" if enc == "utf-16" else enc
    try:
        reader = pd.read_csv(
            path, sep=delim, header=None, dtype=str, na_filter=False, keep_default_na=False,
            skip_blank_lines=False, engine="c", encoding=py_enc, encoding_errors="strict",
            chunksize=chunk_rows, index_col=False, skiprows=lead_lines,
        )
        header: list[str] | None = None
        line = lead_lines
        for chunk in reader:
            chunk.index = np.arange(line + 1, line + len(chunk) + 1)
            line += len(chunk)
            if header is None:
                table = _header_and_body(_drop_blank(chunk), file, delim)
                header = list(table.columns)
                keep_cols = [i for i, h in enumerate(chunk.iloc[0].fillna("").astype(str))
                             if h.strip() or f"unnamed_{i + 1}" in header]
                yield table
                continue
            body = _drop_blank(chunk.iloc[:, keep_cols].fillna(""))
            if body.empty:
                continue
            body.columns = header
            body.index.name = "row"
            yield body
    except pd.errors.ParserError as exc:
        from .tables import _parser_line, _parser_message

        raise DataError(_parser_message(exc), file=file,
                        row=_parser_line(exc, lead_lines)) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot decode the file as {enc} after the first MiB ({exc.reason}); "
                        "pass encoding=", file=file) from None


def _drop_blank(chunk: pd.DataFrame) -> pd.DataFrame:
    """Rows whose cells are all empty (lines of spaces go on, and are set aside as hollow)."""
    blank = (chunk.fillna("") == "").all(axis=1)
    return chunk[~blank.to_numpy()]


def _compact(obs: pd.DataFrame) -> pd.DataFrame:
    """Repeated text as categoricals, years as int32: a chunk's observations in little memory."""
    out = obs.copy()
    for c in ("region", "indicator", "unit", "source", "flag", "_file", "_column"):
        if c in out:
            out[c] = out[c].astype("category")
    out["year"] = out["year"].astype(np.float32)
    out["_row"] = out["_row"].astype(np.int32 if out["_row"].max() < 2**31 - 1 else np.int64)
    return out


def _concat_compact(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if len(parts) == 1:
        return parts[0]
    cats = {}
    for c in parts[0].columns:
        if isinstance(parts[0][c].dtype, pd.CategoricalDtype):
            cats[c] = pd.api.types.union_categoricals([p[c] for p in parts]).categories
    columns = list(parts[0].columns)
    out = {}
    for c in columns:  # column by column, freeing the pieces: peak = result + one column
        pieces = [p.pop(c) for p in parts]
        if c in cats:
            pieces = [x.cat.set_categories(cats[c]) for x in pieces]
        out[c] = pd.concat(pieces, ignore_index=True)
        del pieces
    return pd.DataFrame(out, copy=False)


def _read_observation_frame(
    path: str | os.PathLike[str], *, layout: str, region: str, year: str, indicator: str | None,
    value: str, unit: str | None, source: str | None, flag: str | None, sheet: Any,
    encoding: str | None, delimiter: str | None, decimal: str, on_error: str,
    max_bytes: int | None, chunk_bytes: int | None, report: ReadReport,
    extra_numeric: dict[str, str] | None = None, extra_text: dict[str, str] | None = None,
    limits: dict[str, int | None] | None = None, table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Observations of one file with the private columns; ``table``: the file already read by
    :func:`read_table` (so that a workbook is parsed once)."""
    file = file_label(path)
    p = Path(path)
    check_plain_file(p, file, "the table file itself")
    size = p.stat().st_size
    _check_size(size, max_bytes, file)
    kw = dict(layout=layout, region=region, year=year, indicator=indicator, value=value,
              unit=unit, source=source, flag=flag, extra_numeric=extra_numeric or {},
              extra_text=extra_text or {}, report=report)
    if table is None and _is_text(p) and chunk_bytes is not None and size > chunk_bytes > 0:
        decided: dict[str, str] = {}
        parts = []
        spec = None
        for table in _text_chunks(p, file, encoding=encoding, delimiter=delimiter,
                                  chunk_rows=_CHUNK_ROWS, report=report):
            if spec is None:
                spec = _resolve(list(table.columns), file=file, **kw)
            obs = _observations_from_table(
                table, spec, file=file, decimal=decimal, delimiter=report.info["delimiter"],
                on_error=on_error, report=report, decided=decided)
            parts.append(_compact(obs))
        frame = _concat_compact(parts)
        report.info["rows"] = int(len(frame))
        return frame
    if table is None:
        table = read_table(p, sheet=sheet, encoding=encoding, delimiter=delimiter,
                           max_bytes=max_bytes, **(limits or {}))
    info = dict(table.attrs.get("crossborder", {}))
    info.pop("file", None)
    report.info.update(info)
    spec = _resolve(list(table.columns), file=file, **kw)
    return _observations_from_table(table, spec, file=file, decimal=decimal,
                                    delimiter=info.get("delimiter"), on_error=on_error,
                                    report=report)


def read_observations(
    path: str | os.PathLike[str],
    *,
    layout: str = "auto",
    region: str = "region",
    year: str = "year",
    indicator: str | None = None,
    value: str = "value",
    unit: str | None = None,
    source: str | None = None,
    flag: str | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str = "auto",
    regions: pd.DataFrame | Iterable[str] | None = None,
    year_range: tuple[int, int] = (1900, 2100),
    log_indicators: Iterable[str] = (),
    on_error: str = "raise",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    chunk_bytes: int | None = DEFAULT_CHUNK_BYTES,
    max_unpacked_bytes: int | None = DEFAULT_MAX_UNPACKED_BYTES,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    max_columns: int | None = DEFAULT_MAX_COLUMNS,
) -> ReadResult:
    """Observations (region, year, indicator, value, unit, source, flag) from a file, validated.

    Parameters
    ----------
    path : str or PathLike
        A CSV/TSV/TXT, Excel or Parquet file, long or wide (module docstring: the column roles).
    layout : {"auto", "long", "wide"}, default "auto"
    region, year, indicator, value, unit, source, flag : str, optional
        The columns holding each role (``indicator``/``unit`` may also name the one indicator or unit
        of a file without such a column).
    sheet, encoding, delimiter, decimal
        How the file is read (:func:`crossborder.io.read_table`; :mod:`crossborder.io.numbers`).
    regions, year_range, log_indicators, on_error
        The checks of :func:`crossborder.validate.validate_observations`.
    max_bytes, chunk_bytes, max_unpacked_bytes, max_rows, max_columns : int or None
        Text files larger than ``chunk_bytes`` are read in chunks (text columns then categoricals);
        files larger than ``max_bytes`` are refused with a message saying how to raise the limit;
        Excel workbooks over ``max_unpacked_bytes`` unpacked, ``max_rows`` rows or ``max_columns``
        columns too (``None`` lifts a limit).

    Returns
    -------
    ReadResult
        ``(data, report)``: the long table (its index is the row of the file each value came from,
        header = row 1) and the :class:`ReadReport` (rows set aside, warnings, repairs).

    Notes
    -----
    Nothing is dropped silently: every row left out is in ``report.set_aside`` with its reason.

    References
    ----------
    RFC 4180 (CSV); the Apache Parquet format specification.
    """
    file = file_label(path)
    report = ReadReport(file=file)
    frame = _read_observation_frame(
        path, layout=layout, region=region, year=year, indicator=indicator, value=value,
        unit=unit, source=source, flag=flag, sheet=sheet, encoding=encoding, delimiter=delimiter,
        decimal=decimal, on_error=on_error, max_bytes=max_bytes, chunk_bytes=chunk_bytes,
        report=report, limits=_limits(max_unpacked_bytes, max_rows, max_columns))
    validate_observations(frame, regions, file=file, log_indicators=log_indicators,
                          year_range=year_range, on_error=on_error, report=report)
    data = _finish(frame, report, report.keep)
    report.info["rows"] = int(len(data))
    return ReadResult(data, report)


# ---------------------------------------------------------------------- panels
def read_panel(
    path: str | os.PathLike[str],
    *,
    indicator: str | None = None,
    region: str = "region",
    time: str = "year",
    value: str = "value",
    weight: str | None = None,
    group: str | None = None,
    unit: str | None = None,
    layout: str = "auto",
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str = "auto",
    regions: pd.DataFrame | Iterable[str] | None = None,
    year_range: tuple[int, int] = (1900, 2100),
    log: bool = False,
    on_error: str = "raise",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int | None = DEFAULT_MAX_UNPACKED_BYTES,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    max_columns: int | None = DEFAULT_MAX_COLUMNS,
) -> Panel:
    """One indicator of a file as a :class:`~crossborder.panel.Panel` (region x time).

    Parameters
    ----------
    path : str or PathLike
        A CSV/TSV/TXT, Excel or Parquet file, long (one row per region and year) or wide (one column
        per year).
    indicator : str, optional
        Picks one indicator when the file has an ``indicator`` column holding several (else it names
        the panel).
    region, time, value : str
        The columns of the region codes, the times and the values.
    weight : str, optional
        A numeric column of the file, or another indicator of the same file (e.g. ``"population"``).
    group : str, optional
        A column constant per region (e.g. ``"country"``).
    unit : str, optional
        The values' unit where the file has no unit column.
    layout : {"auto", "long", "wide"}, default "auto"
    sheet, encoding, delimiter, decimal
        How the file is read (:func:`crossborder.io.read_table`; :mod:`crossborder.io.numbers` for
        decimal marks and missing-value marks).
    regions : DataFrame or iterable of str, optional
        The known region codes: others are an error (or set aside with ``on_error="set_aside"``).
    year_range : (int, int), default (1900, 2100)
    log : bool, default False
        Require values > 0 (for log measures): a zero or negative value is an error naming the file,
        row and column.
    on_error : {"raise", "set_aside"}, default "raise"
    max_bytes, max_unpacked_bytes, max_rows, max_columns : int or None
        The limits of :func:`crossborder.io.read_table` (``None`` lifts one); the file is read once.

    Returns
    -------
    Panel
        ``panel.meta`` holds ``report`` (the :class:`ReadReport`), ``set_aside`` (rows not kept),
        ``file`` and ``sources``.

    Notes
    -----
    Units that differ within the panel raise :class:`UnitError` naming the file, the unit column and
    the row where the second unit first appears. The report warns about panels measures cannot say
    much about: one region, one year, all values equal, regions with gaps (unbalanced panels are kept:
    missing region-years are NaN in ``to_matrix()``).

    References
    ----------
    RFC 4180 (CSV); the Apache Parquet format specification.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from crossborder import read_panel
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "gdp.csv"
    >>> _ = f.write_text("region,year,value\\nA,2000,1.5\\nA,2001,2\\nB,2000,3\\nB,2001,4\\n")
    >>> read_panel(f, indicator="gdp").shape
    (2, 2)
    """
    file = file_label(path)
    report = ReadReport(file=file)
    limits = _limits(max_unpacked_bytes, max_rows, max_columns)
    table = read_table(path, sheet=sheet, encoding=encoding, delimiter=delimiter,
                       max_bytes=max_bytes, **limits)  # read once, columns probed from it
    probe = list(table.columns)
    extra_numeric: dict[str, str] = {}
    weight_indicator = None
    ind_col = _find(probe, indicator) if indicator is not None else None
    if weight is not None:
        if _find(probe, weight) is not None:
            extra_numeric["weight"] = weight
        else:
            weight_indicator = weight
    extra_text = {"group": group} if group is not None else {}
    frame = _read_observation_frame(
        path, layout=layout, region=region, year=time,
        indicator=None if ind_col is None and _find(probe, "indicator") is not None else indicator,
        value=value, unit=unit, source=None, flag=None, sheet=sheet, encoding=encoding,
        delimiter=delimiter, decimal=decimal, on_error=on_error, max_bytes=max_bytes,
        chunk_bytes=None, report=report, extra_numeric=extra_numeric, extra_text=extra_text,
        table=table)
    names = sorted(pd.unique(frame["indicator"].astype(str)))
    if weight_indicator is not None:
        if weight_indicator not in names:
            raise DataError(f"no column or indicator {weight_indicator!r} for the weights "
                            f"(indicators: {names})", file=file, column=weight_indicator)
        w = frame[frame["indicator"] == weight_indicator]
        frame = frame[frame["indicator"] != weight_indicator]
        names = [n for n in names if n != weight_indicator]
    has_column = str(report.info.get("indicator", "")).startswith("column")
    if indicator is not None and has_column and indicator not in names and ind_col is None:
        raise DataError(f"no indicator {indicator!r} in the file (indicators: {names})",
                        file=file, column="indicator")
    if len(names) > 1:
        if indicator is None:
            raise DataError(f"the file holds several indicators {names}: pass indicator= to pick "
                            "one", file=file, column="indicator")
        frame = frame[frame["indicator"] == indicator]
    chosen = indicator if len(names) > 1 or not names else names[0]
    if weight_indicator is not None:
        wv = w[["region", "year", "value", "_row"]].rename(columns={"value": "weight",
                                                                    "_row": "_wrow"})
        if wv.duplicated(["region", "year"]).any():
            dup = w[wv.duplicated(["region", "year"], keep=False).to_numpy()]
            raise DataError(f"weight {weight_indicator!r} has several values for region "
                            f"{dup['region'].iat[0]!r} in {int(dup['year'].iat[0])}", file=file,
                            row=int(dup["_row"].iat[1]), column=value)
        frame = frame.merge(wv, on=["region", "year"], how="left")
    frame = frame.reset_index(drop=True)
    _check_panel_units(frame, file, report)
    validate_observations(frame, regions, file=file, year_range=year_range,
                          log_indicators=frame["indicator"].unique() if log else (),
                          on_error=on_error, report=report)
    frame = frame.loc[report.keep].reset_index(drop=True)
    frame["year"] = frame["year"].astype(np.int64)
    if "group" in frame:
        no_g = (frame["group"].astype(object).fillna("").astype(str).str.strip() == "").to_numpy()
        if no_g.any():
            if on_error == "raise":
                i = int(np.flatnonzero(no_g)[0])
                raise DataError(f"no group for region {frame['region'].iat[i]!r} in "
                                f"{int(frame['year'].iat[i])} ({int(no_g.sum())} such rows): a "
                                "missing group is not a group; fill it or pass "
                                "on_error='set_aside'", file=file, row=int(frame["_row"].iat[i]),
                                column=group)
            _aside_rows(report, frame, no_g, f"no group {group}")
            frame = frame.loc[~no_g].reset_index(drop=True)
    if "weight" in frame:
        no_w = frame["weight"].isna().to_numpy()
        if no_w.any():
            _aside_rows(report, frame, no_w, f"no weight {weight}")
            frame = frame.loc[~no_w].reset_index(drop=True)
        _check_weights(frame, file=file, column=weight if weight_indicator is None else value,
                       log=log)
    _report_lost_regions(frame, report)
    units = pd.unique(frame["unit"].dropna().astype(str)) if "unit" in frame else []
    units = [u for u in units if u]
    try:
        panel = Panel.from_long(
            frame, region="region", time="year", value="value",
            weight="weight" if "weight" in frame else None,
            group="group" if "group" in frame else None,
            indicator=str(chosen) if chosen is not None else value,
            unit=units[0] if len(units) == 1 else None)
    except DataError as exc:
        raise DataError(exc.reason, file=file, column=exc.column) from None
    if weight is not None:
        object.__setattr__(panel, "weight_name", weight)
    if group is not None:
        object.__setattr__(panel, "group_name", group)
    object.__setattr__(panel, "time_name", time)     # the file's own name for its time column
    _shape_warnings(panel, report)
    wrow = frame["_wrow"] if "_wrow" in frame else frame["_row"]
    panel.meta.update({
        "file": file, **report.to_meta(),
        "rows": pd.DataFrame({"region": frame["region"].to_numpy(dtype=object),
                              "time": frame["year"].to_numpy(), "file": file,
                              "row": frame["_row"].to_numpy(dtype=np.int64),
                              "weight_row": wrow.to_numpy(dtype=np.int64)}),
        "sources": sorted(pd.unique(frame["source"].astype(str))) if len(frame) else [],
    })
    return panel


def _check_weights(frame: pd.DataFrame, *, file: str, column: str | None, log: bool) -> None:
    """Negative weights, and years in which every weight is zero, are errors naming the file and
    row (of the weight) and the year; under ``log`` any weight <= 0 is."""
    w = frame["weight"].to_numpy(dtype=float)
    rows = (frame["_wrow"] if "_wrow" in frame else frame["_row"]).to_numpy()
    bad = (w <= 0) if log else (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"weight {w[i]:g} for region {frame['region'].iat[i]!r} in "
                        f"{int(frame['year'].iat[i])} is {'not positive' if log else 'negative'} "
                        f"({int(bad.sum())} such weights)", file=file, row=int(rows[i]),
                        column=column)
    years = frame["year"].to_numpy()
    total = pd.Series(w).groupby(years).sum()
    zero = total[total <= 0]
    if len(zero):
        y = int(zero.index[0])
        at = [int(r) for r in rows[years == y][:5]]
        raise DataError(f"every weight in {y} is zero (rows {', '.join(map(str, at))}"
                        f"{' ...' if (years == y).sum() > 5 else ''}): the weighted measures of "
                        "that year are undefined", file=file, row=at[0], column=column)


def _report_lost_regions(frame: pd.DataFrame, report: ReadReport) -> None:
    """Regions whose every row was set aside (every value missing ...): a warning, and an error
    when no value is left at all."""
    aside = report.set_aside
    if len(frame) == 0:
        reasons = ", ".join(f"{n} x {r}" for r, n in aside["reason"].value_counts().items())
        raise DataError(f"no value left for the panel: all {len(aside)} rows were set aside "
                        f"({reasons or 'none read'})", file=report.file)
    if not len(aside):
        return
    lost = sorted(set(aside["region"].dropna().astype(str)) - set(frame["region"].astype(str))
                  - {""})
    if lost:
        report.warn(f"{len(lost)} regions have no value left and are not in the panel (every row "
                    f"set aside, see set_aside): {lost[:10]}{' ...' if len(lost) > 10 else ''}")


def _limits(max_unpacked_bytes: int | None, max_rows: int | None,
            max_columns: int | None) -> dict[str, int | None]:
    return {"max_unpacked_bytes": max_unpacked_bytes, "max_rows": max_rows,
            "max_columns": max_columns}


def _aside_rows(report: ReadReport, frame: pd.DataFrame, mask: np.ndarray, reason: str) -> None:
    sub = frame.loc[mask]
    report.set_rows_aside(pd.DataFrame({
        "file": sub["_file"].to_numpy(dtype=object), "row": sub["_row"].to_numpy(),
        "column": sub["_column"].to_numpy(dtype=object),
        "region": sub["region"].to_numpy(dtype=object),
        "year": sub["year"].astype(int).to_numpy(), "indicator": sub["indicator"].to_numpy(),
        "value": sub["value"].to_numpy()}), reason)


def _check_panel_units(frame: pd.DataFrame, file: str, report: ReadReport) -> None:
    unit = frame["unit"].astype(object)
    unit = unit.where(unit.notna() & (unit.astype(str) != ""), None)
    if unit.isna().all():
        return
    labels = unit.fillna("(none)").astype(str)
    firsts = labels.drop_duplicates()
    if len(firsts) <= 1:
        return
    col = report.info.get("unit", "unit")
    col = col[len("column "):].strip("'\"") if isinstance(col, str) and col.startswith(
        "column ") else "unit"
    desc = "; ".join(f"{u!r} (first at row {int(frame['_row'].iat[i])})"
                     for u, i in zip(firsts, firsts.index, strict=True))
    second = firsts.index[1]
    raise UnitError(f"one panel mixes units: {desc}; convert to one unit first (or read each "
                    "country's values as its own panel)", file=file,
                    row=int(frame["_row"].iat[second]), column=col)


def _shape_warnings(panel: Panel, report: ReadReport) -> None:
    n, t = panel.shape
    m = panel.to_matrix().values
    if n == 1:
        report.warn(f"the panel has a single region ({str(panel.regions[0])!r}): dispersion and "
                    "convergence across regions are not defined")
    if t == 1:
        report.warn(f"the panel has a single year ({panel.times[0]}): growth, beta convergence "
                    "and trends need two or more")
    finite = m[np.isfinite(m)]
    if finite.size and np.all(finite == finite[0]):
        report.warn(f"all {finite.size} values are equal ({finite[0]:g}): every dispersion "
                    "measure is 0")
    gaps = np.isnan(m).sum(axis=1)
    if gaps.any():
        who = [f"{r} ({int(g)} missing)" for r, g in zip(panel.regions, gaps, strict=True) if g]
        report.warn(f"unbalanced panel: {len(who)} of {n} regions lack some of the {t} years: "
                    f"{', '.join(who[:10])}{' ...' if len(who) > 10 else ''}; measures use the "
                    "values present (Panel.balanced() keeps complete regions only)")
    report.info["shape"] = (n, t)


_ = MISSING_MARKS  # re-exported through crossborder.io.numbers
