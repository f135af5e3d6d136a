"""Tables from files as strings: CSV/TSV/TXT (encoding and delimiter sniffed), Excel, Parquet.

Text files: the encoding is found from a byte-order mark (UTF-8, UTF-16, UTF-32), else from the
pattern of NUL bytes (BOM-less UTF-16 little or big endian), else strict UTF-8, else cp1251 (pass
``encoding=`` for anything else). A file that is not consistently one encoding is an error naming
its first bad line, never decoded whole in the wrong one: UTF-8 with a cp1251 line or a stray byte,
cp1251 with a UTF-8 line, or a single high byte that forms no Cyrillic word. The delimiter is
sniffed among comma, semicolon and tab (pass ``delimiter=`` for others). Every cell comes back as
a string, so that numbers are parsed by :mod:`crossborder.io.numbers`, which knows decimal commas
and missing-value marks.

Excel workbooks are checked before they are parsed: the sum of the uncompressed sizes of the zip's
members must stay under ``max_unpacked_bytes`` (a "zip bomb" is refused without unpacking it), no
XML part may declare a DOCTYPE or an entity (XXE, "billion laughs"), and the sheet may have at most
``max_rows`` rows and ``max_columns`` columns. Each limit is an argument a user can raise (``None``
lifts it). The workbook is read once, cell values as Excel last computed them: a formula without a
cached value (a workbook written by a program that does not compute formulas) is an error naming
the sheet and the cell, never an empty cell.

The index of the returned table is the row of the file (``row``; header = row 1): the line number
for text files (unless a quoted field spans lines), the sheet row for Excel, the record number + 1
for Parquet. What was used (format, encoding, delimiter, sheet) is in
``table.attrs["crossborder"]``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MAX_COLUMNS",
    "read_table",
    "detect_encoding",
    "sniff_delimiter",
    "file_label",
    "TEXT_SUFFIXES",
    "EXCEL_SUFFIXES",
    "PARQUET_SUFFIXES",
]

#: Files larger than this are refused by :func:`read_table` unless ``max_bytes`` is raised
#: (``read_observations`` can stream larger CSV files in chunks with ``max_bytes=None``).
DEFAULT_MAX_BYTES = 512 * 2**20
#: An Excel workbook whose zip members unpack to more than this is refused before it is parsed.
DEFAULT_MAX_UNPACKED_BYTES = 256 * 2**20
#: Excel sheets with more rows (non-blank, header included) than this are refused.
DEFAULT_MAX_ROWS = 1_000_000
#: Excel sheets with more columns than this are refused.
DEFAULT_MAX_COLUMNS = 20_000

TEXT_SUFFIXES = {".csv", ".tsv", ".tab", ".txt", ".dat", ""}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = (",", ";", "\t")
_OTHER_DELIMITERS = ("|", ":", "^", "~", "#", " ")
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", ":": "colon",
                " ": "space"}


def file_label(path: str | os.PathLike[str]) -> str:
    """The name used in messages: the path as given (no absolute path is made up)."""
    return os.fspath(path)


# ---------------------------------------------------------------------- encodings
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(raw: bytes, *, file: str | None = None) -> str:
    """The encoding of a text file's bytes (a sample from the start will do).

    BOM first; then BOM-less UTF-16 from NUL bytes: ASCII text in UTF-16 LE has a NUL in every odd
    byte, in UTF-16 BE in every even byte; then strict UTF-8; then cp1251. NUL bytes in any other
    pattern mean the file is not text: :class:`DataError`.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    sample = raw[: 1 << 16]
    if b"\x00" in sample:
        arr = np.frombuffer(sample[: len(sample) // 2 * 2], dtype=np.uint8)
        if arr.size >= 2:
            even = float(np.mean(arr[0::2] == 0))
            odd = float(np.mean(arr[1::2] == 0))
            if odd > 0.3 and even < 0.05:
                return "utf-16-le"
            if even > 0.3 and odd < 0.05:
                return "utf-16-be"
        raise DataError(
            "NUL bytes in a pattern that is not UTF-16: this does not look like a text table "
            "(pass encoding= if it is one)", file=file)
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if len(raw) > len(sample) and exc.start >= len(sample) - 3:
            return "utf-8"
    return _utf8_or_cp1251(raw[:_PROBE_BYTES], file)


_PROBE_BYTES = 16 * 2**20
_CYRILLIC_WORD = re.compile(rb"[\xc0-\xff]{2}")
_UTF8_CYRILLIC_WORD = re.compile(rb"(?:[\xd0\xd1][\x80-\xbf]){2}")


def _line_of(raw: bytes, pos: int) -> int:
    return raw[:pos].count(b"\n") + 1


def _utf8_or_cp1251(probe: bytes, file: str | None) -> str:
    """cp1251 for text that is not UTF-8, unless the bytes say the file mixes encodings: valid
    UTF-8 characters beside bytes that are not (UTF-8 with a cp1251 line or a stray byte), UTF-8
    Cyrillic inside cp1251 text, or a lone high byte that forms no Cyrillic word (a stray byte,
    Latin-1 ...). Those are a :class:`DataError` naming the first bad line."""
    text = probe.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    try:
        probe.decode("utf-8")
        first_bad = len(probe)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    byte = probe[first_bad:first_bad + 1]
    line = _line_of(probe, first_bad)
    if good > 0 and good >= bad:
        raise DataError(
            f"line {line} is not UTF-8 (byte {byte!r}) although the rest of the file is: the file "
            "mixes encodings (a line saved as cp1251, or a stray byte); save the whole file as "
            "UTF-8, or pass encoding=", file=file, row=line)
    if not _CYRILLIC_WORD.search(probe):
        raise DataError(
            f"byte {byte!r} on line {line} is neither UTF-8 nor part of a Cyrillic word "
            "(cp1251): a stray byte or another encoding; fix the line, or pass encoding= "
            "(e.g. 'cp1251' or 'latin-1')", file=file, row=line)
    m = _UTF8_CYRILLIC_WORD.search(probe)
    if m:
        line = _line_of(probe, m.start())
        raise DataError(
            f"line {line} holds UTF-8 text while the file is otherwise cp1251 (first at line "
            f"{_line_of(probe, first_bad)}): the file mixes encodings; save the whole file in one "
            "encoding, or pass encoding=", file=file, row=line)
    return "cp1251"


def _decode(raw: bytes, encoding: str, file: str, *, detected: bool) -> str:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if detected and encoding == "utf-8":
            hint = ("the lines before are UTF-8: the file mixes encodings (a line saved as "
                    "cp1251, or a stray byte); save the whole file as UTF-8, or pass encoding=")
        else:
            hint = ("it is neither UTF-8 nor cp1251 nor UTF-16: pass encoding=" if detected
                    else "check the encoding= you passed")
        byte = raw[exc.start:exc.start + 1]
        raise DataError(f"cannot decode byte {byte!r} as {encoding}; {hint}",
                        file=file, row=line) from None
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}", file=file) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError(f"NUL character in the text after decoding as {encoding}: not a text table "
                        "or a wrong encoding= ", file=file, row=line)
    return text


# ---------------------------------------------------------------------- delimiters
def _first_lines(text: str, n: int = 50) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.strip():
            lines.append(line)
            if len(lines) >= n:
                break
    return lines


def sniff_delimiter(text: str, *, file: str | None = None) -> str:
    """Comma, semicolon or tab: the candidate that splits the header into the most fields and
    splits the following lines consistently (quote-aware). :class:`DataError` when none splits the
    header, naming what the header looked like and the likely delimiter."""
    lines = _first_lines(text)
    if not lines:
        raise DataError("the file is empty (only blank lines)", file=file)
    best, best_score = None, None
    too_long = False
    for d in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error as exc:
            too_long |= "field limit" in str(exc)
            continue
        head = counts[0]
        if head < 2:
            continue
        body = counts[1:] or [head]
        consistent = sum(c == head for c in body) / len(body)
        score = (consistent >= 0.8, consistent, head)
        if best_score is None or score > best_score:
            best, best_score = d, score
    if best is None and too_long:
        raise _field_too_long(text, file)
    if best is None:
        header = lines[0]
        seen = [c for c in _OTHER_DELIMITERS if header.count(c) >= 1 and c != " "]
        if not seen and "  " in header:
            seen = ["several spaces"]
        guess = (f"; it looks delimited by {_DELIM_NAMES.get(seen[0], seen[0])} {seen[0]!r}: "
                 f"pass delimiter={seen[0]!r}") if seen and seen[0] != "several spaces" else (
            "; columns seem aligned with spaces: save the table as CSV" if seen else "")
        raise DataError(
            "all in one column: no comma, semicolon or tab splits the header "
            f"{_clip(header)!r} into columns{guess}", file=file, row=1)
    return best


def check_plain_file(p: Path, file: str, what: str = "the file itself") -> None:
    """Raise :class:`DataError` unless ``p`` is an existing regular file: a missing path, a
    folder, a FIFO (named pipe), a socket or a device each said as such (a FIFO would block the
    reader, or read as an empty file)."""
    import stat

    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise DataError("no such file", file=file) from None
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", file=file) from None
    if stat.S_ISREG(mode):
        return
    kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "not a regular file")
    raise DataError(f"{kind}, not a file: pass {what}", file=file)


def _field_too_long(text: str, file: str | None) -> DataError:
    """The error for a line with a field over the csv module's limit: which line and how long."""
    limit = csv.field_size_limit()
    for n, line in enumerate(text.splitlines(), 1):
        if len(line) > limit:
            longest = max(len(f) for f in re.split("[,;\t]", line))
            return DataError(
                f"a cell of {longest:,} characters (the line has {len(line):,}), above the limit "
                f"of {limit:,} characters for one cell: not a table of statistics, or a quote "
                "that is never closed", file=file, row=n)
    return DataError(f"a cell longer than {limit:,} characters: a quote that is never closed?",
                     file=file)


def _clip(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


# ---------------------------------------------------------------------- main entry
def read_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int | None = DEFAULT_MAX_UNPACKED_BYTES,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    max_columns: int | None = DEFAULT_MAX_COLUMNS,
) -> pd.DataFrame:
    """A table of strings from a CSV/TSV/TXT, Excel (.xlsx) or Parquet file.

    Parameters
    ----------
    path : str or PathLike
        A plain local file.
    sheet : str or int, optional
        An Excel sheet by name or 0-based number (default the first).
    encoding, delimiter : str, optional
        Sniffed when not given (see Notes).
    max_bytes : int or None
        Files over it are refused with a message saying how to raise the limit.
    max_unpacked_bytes, max_rows, max_columns : int or None
        An Excel workbook that unpacks to more than ``max_unpacked_bytes``, or whose sheet has
        more than ``max_rows`` rows or ``max_columns`` columns, is refused too (``None`` lifts a
        limit).

    Returns
    -------
    DataFrame
        Every cell a string; empty cells are ``""``; blank lines are skipped. The index holds
        the row of the file (header = row 1). What was used (format, encoding, delimiter, sheet)
        is in ``table.attrs["crossborder"]``.

    Raises
    ------
    DataError
        Naming the file (and row) for an empty file, a header with no rows below it, a file all
        in one column, ragged rows and undecodable bytes.

    Notes
    -----
    The encoding is found from a byte-order mark (UTF-8, UTF-16, UTF-32), else from the pattern
    of NUL bytes (BOM-less UTF-16), else strict UTF-8, else cp1251; a file that is not
    consistently one encoding is an error naming its first bad line. The delimiter is sniffed
    among comma, semicolon and tab. See the module docstring for the Excel checks.

    References
    ----------
    Shafranovich, Y. (2005). Common Format and MIME Type for Comma-Separated Values (CSV) Files.
    IETF RFC 4180. ECMA-376, Office Open XML File Formats. The Apache Parquet format
    specification.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from crossborder import read_table
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "grp.csv"
    >>> _ = f.write_bytes("region;value\\nA;1,5\\nB;\\n".encode("cp1251"))
    >>> t = read_table(f)
    >>> t.values.tolist(), t.index.tolist(), t.attrs["crossborder"]["delimiter"]
    ([['A', '1,5'], ['B', '']], [2, 3], ';')
    """
    file = file_label(path)
    p = Path(path)
    check_plain_file(p, file, "the table file itself")
    size = p.stat().st_size
    _check_size(size, max_bytes, file)
    if size == 0:
        raise DataError("the file is empty (0 bytes)", file=file)
    suffix = p.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        table, info = _read_excel(p, sheet, file, max_unpacked_bytes=max_unpacked_bytes,
                                  max_rows=max_rows, max_columns=max_columns)
    elif suffix == ".xls":
        raise DataError("old Excel .xls files are not read: save the sheet as .xlsx or CSV",
                        file=file)
    elif suffix in PARQUET_SUFFIXES:
        table, info = _read_parquet(p, file)
    else:
        raw = p.read_bytes()
        table, info = _read_text(raw, file, encoding=encoding, delimiter=delimiter)
    info["bytes"] = size
    table.attrs["crossborder"] = info
    return table


def _check_size(size: int, max_bytes: int | None, file: str) -> None:
    if max_bytes is not None and size > max_bytes:
        raise DataError(
            f"the file is {_human(size)}, above the limit of {_human(max_bytes)} for reading it "
            f"whole; pass max_bytes=None (or a larger max_bytes) to read it anyway — "
            "read_observations then reads CSV files in chunks in bounded memory", file=file)


def _human(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover


def decode_text(raw: bytes, file: str, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file's bytes and the encoding used (sniffed unless given)."""
    enc = encoding or detect_encoding(raw, file=file)
    return _decode(raw, enc, file, detected=encoding is None), enc


def _read_text(raw: bytes, file: str, *, encoding: str | None,
               delimiter: str | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    text, enc = decode_text(raw, file, encoding)
    if not text.strip():
        raise DataError("the file is empty (only blank lines)", file=file)
    delim = delimiter if delimiter is not None else sniff_delimiter(text, file=file)
    if len(delim) != 1:
        raise DataError(f"delimiter must be one character, not {delim!r}", file=file)
    if delimiter is not None:
        first = _first_lines(text, 1)
        head = next(csv.reader(first, delimiter=delim), [""]) if first else [""]
        if len(head) < 2:
            raise DataError(
                f"all in one column: the header {_clip(first[0] if first else '')!r} was not "
                f"split by the delimiter {delim!r} you passed (leave delimiter= out to sniff it)",
                file=file, row=1)
    lead_lines, lead_chars = leading_blank_lines(text)
    first = _first_lines(text, 1)
    if first and len(next(csv.reader(first, delimiter=delim), [])) > 64:
        return _read_wide_text(text[lead_chars:], file, delim, lead_lines, enc)
    try:
        grid = pd.read_csv(
            io.StringIO(text[lead_chars:]), sep=delim, header=None, dtype=str, na_filter=False,
            keep_default_na=False, skip_blank_lines=False, engine="c", quotechar='"',
            doublequote=True, skipinitialspace=False, comment=None, index_col=False,
        )
    except pd.errors.ParserError as exc:
        raise DataError(_parser_message(exc), file=file,
                        row=_parser_line(exc, lead_lines)) from None
    except (ValueError, csv.Error, pd.errors.EmptyDataError) as exc:
        raise DataError(f"cannot read as a table: {exc}", file=file) from None
    grid.index = np.arange(lead_lines + 1, lead_lines + len(grid) + 1)
    grid = grid[~_blank_rows(grid)]
    if grid.empty:
        raise DataError("the file is empty (only blank lines)", file=file)
    table = _header_and_body(grid, file, delim)
    info = {"file": file, "format": "text", "encoding": enc, "delimiter": delim,
            "rows": len(table)}
    return table, info


def _read_wide_text(text: str, file: str, delim: str, lead_lines: int,
                    enc: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A table of many columns (more than 64) read with the csv module into one block of strings:
    pandas' parser builds one block per column, slow for thousands of columns. Same rules: ragged
    rows are an error naming the line, short rows are padded, blank lines dropped."""
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"',
                        doublequote=True)
    width = None
    try:
        for fields in reader:
            line = lead_lines + reader.line_num
            if not fields or not any(f.strip() for f in fields):
                continue
            if width is None:
                width = len(fields)
            elif len(fields) > width:
                raise DataError(f"{len(fields)} fields where the rows above have {width}: a stray "
                                "delimiter, a missing quote, or a decimal comma in a "
                                "comma-delimited file", file=file, row=line)
            rows.append(fields + [""] * (width - len(fields)))
            lines.append(line)
    except csv.Error as exc:
        raise DataError(f"cannot read as a table: {exc}", file=file,
                        row=lead_lines + reader.line_num) from None
    if not rows:
        raise DataError("the file is empty (only blank lines)", file=file)
    grid = pd.DataFrame(np.array(rows, dtype=object), index=lines, dtype=object)
    table = _header_and_body(grid, file, delim)
    info = {"file": file, "format": "text", "encoding": enc, "delimiter": delim,
            "rows": len(table)}
    return table, info


def _blank_rows(grid: pd.DataFrame) -> np.ndarray:
    """True for rows whose cells are all empty or spaces. Wide tables go through the distinct cell
    texts once (thousands of columns in linear time), narrow ones column by column."""
    if grid.shape[1] <= 64:
        return (grid.fillna("").apply(lambda c: c.str.strip()) == "").all(axis=1).to_numpy()
    arr = grid.to_numpy(dtype=object)
    codes, uniques = pd.factorize(arr.ravel(), use_na_sentinel=True)
    blank_u = np.fromiter((not str(u).strip() for u in uniques), dtype=bool, count=len(uniques))
    cells = np.ones(codes.size, dtype=bool)
    live = codes >= 0
    cells[live] = blank_u[codes[live]]
    return cells.reshape(arr.shape).all(axis=1)


def leading_blank_lines(text: str) -> tuple[int, int]:
    """Number of blank lines at the start of a text, and their length in characters."""
    m = re.match(r"(?:[ \t]*\r?\n)*", text)
    lead = m.group(0) if m else ""
    return lead.count("\n"), len(lead)


def _parser_line(exc: Exception, offset: int = 0) -> int | None:
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) + offset if m else None


def _parser_message(exc: Exception) -> str:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if m:
        return (f"{m.group(3)} fields where the rows above have {m.group(1)}: a stray delimiter, "
                "a missing quote, or a decimal comma in a comma-delimited file")
    return f"cannot read as a table: {str(exc).strip()}"


def _header_and_body(grid: pd.DataFrame, file: str, delim: str | None) -> pd.DataFrame:
    """First non-blank row as header; unnamed empty columns dropped; duplicate names an error."""
    grid = grid.fillna("")
    header_row = int(grid.index[0])
    header = [str(h).strip() for h in grid.iloc[0].tolist()]
    body = grid.iloc[1:]
    if len(header) < 2 and delim is not None:
        raise DataError(
            f"all in one column: the header {_clip(header[0])!r} was not split by "
            f"{_DELIM_NAMES.get(delim, delim)} {delim!r}", file=file, row=header_row)
    keep = []
    names = []
    for i, h in enumerate(header):
        if h == "":
            col = body.iloc[:, i]
            if (col.str.strip() == "").all():
                continue  # a trailing delimiter: an empty, unnamed column
            h = f"unnamed_{i + 1}"
        keep.append(i)
        names.append(h)
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    dups = [n for n, c in seen.items() if c > 1]
    if dups:
        raise DataError(f"the header names column {dups[0]!r} more than once", file=file,
                        row=header_row, column=dups[0])
    if body.empty:
        raise DataError(f"only a header ({', '.join(names[:8])}), no data rows below it",
                        file=file, row=header_row)
    table = body.iloc[:, keep].copy()
    table.columns = names
    table.index.name = "row"
    return table


# ---------------------------------------------------------------------- Excel and Parquet
def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


_XML_DECLARATIONS = tuple(
    pattern.encode(enc) for pattern in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("ascii", "utf-16-le", "utf-16-be"))


def _check_workbook_zip(p: Path, file: str, max_unpacked_bytes: int | None) -> None:
    """Refuse a workbook before parsing it: unpacked size over the limit, or XML parts that declare
    a DOCTYPE or entities (XXE and entity expansion, "billion laughs")."""
    try:
        with zipfile.ZipFile(p) as zf:
            members = zf.infolist()
            total = sum(m.file_size for m in members)
            if max_unpacked_bytes is not None and total > max_unpacked_bytes:
                raise DataError(
                    f"the workbook unpacks to {_human(total)}, above the limit of "
                    f"{_human(max_unpacked_bytes)}: pass max_unpacked_bytes= (or None) to read it "
                    "anyway, or save the sheet as CSV", file=file)
            for m in members:
                if not m.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                tail = b""
                with zf.open(m) as fh:
                    while block := fh.read(1 << 20):
                        chunk = tail + block
                        if any(d in chunk for d in _XML_DECLARATIONS):
                            raise DataError(
                                "the workbook contains XML entity declarations (<!DOCTYPE or "
                                f"<!ENTITY in {m.filename}), which are not read: they can expand "
                                "without bound or reach other files (XXE); save the sheet again "
                                "from a spreadsheet program", file=file)
                        tail = chunk[-32:]
    except zipfile.BadZipFile as exc:
        raise DataError(f"not a readable .xlsx workbook (BadZipFile: {exc})", file=file) from None
    except (OSError, RuntimeError, NotImplementedError) as exc:  # encrypted or odd compression
        raise DataError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
                        file=file) from None


class _NoCachedValue:
    """Marks a formula cell that has no value computed by Excel."""

    __slots__ = ("formula",)

    def __init__(self, formula: str) -> None:
        self.formula = formula


def _sheet_rows(wb: Any, ws: Any) -> Any:
    """(row number, cells) of a read-only worksheet, each cell a dict with row, column, value;
    a formula cell without a cached value has a :class:`_NoCachedValue` value."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict:
            cell = super().parse_cell(element)
            if cell["value"] is None:
                f = element.find(FORMULA_TAG)
                if f is not None:
                    cell["value"] = _NoCachedValue(f.text or "")
            return cell

    with ws._get_source() as src:
        parser = Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                        date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        yield from parser.parse()


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _read_excel(p: Path, sheet: str | int | None, file: str, *,
                max_unpacked_bytes: int | None = DEFAULT_MAX_UNPACKED_BYTES,
                max_rows: int | None = DEFAULT_MAX_ROWS,
                max_columns: int | None = DEFAULT_MAX_COLUMNS) -> tuple[pd.DataFrame, dict]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise DataError("reading Excel needs openpyxl (pip install openpyxl)", file=file) from None
    _check_workbook_zip(p, file, max_unpacked_bytes)
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError,
            AttributeError, SyntaxError) as exc:  # SyntaxError: xml.etree's ParseError
        raise DataError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
                        file=file) from None
    try:
        names = wb.sheetnames
        if sheet is None:
            name = names[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataError(f"no sheet number {sheet}; sheets: {names}", file=file)
            name = names[sheet]
        else:
            if sheet not in names:
                raise DataError(f"no sheet {sheet!r}; sheets: {names}", file=file)
            name = sheet
        ws = wb[name]
        rows: list[list[str]] = []
        index: list[int] = []
        try:
            for r, cells_in_row in _sheet_rows(wb, ws):
                if not cells_in_row:
                    continue
                width = max(c["column"] for c in cells_in_row)
                if max_columns is not None and width > max_columns:
                    raise DataError(
                        f"sheet {name!r} has a cell in column {width} ({_column_letter(width)}), "
                        f"above the limit of {max_columns} columns: pass max_columns= (or None) "
                        "to read it anyway", file=file, row=r)
                cells = [""] * width
                for c in cells_in_row:
                    v = c["value"]
                    if isinstance(v, _NoCachedValue):
                        ref = f"{_column_letter(c['column'])}{r}"
                        raise DataError(
                            f"sheet {name!r} cell {ref} holds the formula ={v.formula} without a "
                            "value computed by Excel (the workbook was written by a program that "
                            "does not calculate): open and save it in a spreadsheet program, or "
                            "replace the formulas by values", file=file, row=r,
                            column=_column_letter(c["column"]))
                    cells[c["column"] - 1] = _cell_text(v)
                if any(c.strip() for c in cells):
                    rows.append(cells)
                    index.append(r)
                    if max_rows is not None and len(rows) > max_rows:
                        raise DataError(
                            f"sheet {name!r} has more than {max_rows} rows, the limit: pass "
                            "max_rows= (or None) to read it anyway", file=file, row=r)
        except (ValueError, TypeError, KeyError, AttributeError, zipfile.BadZipFile,
                SyntaxError) as exc:
            if isinstance(exc, DataError):
                raise
            raise DataError(f"cannot read sheet {name!r}: {exc}", file=file) from None
    finally:
        wb.close()
    if not rows:
        raise DataError(f"sheet {name!r} is empty", file=file)
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    if width > 64:
        # one block of strings (the cells are text already): astype(str) made one block per column,
        # 8,000 columns took 15-20 s
        grid = pd.DataFrame(np.array(padded, dtype=object), index=index, dtype=object)
    else:
        grid = pd.DataFrame(padded, index=index, dtype=object).astype(str)
    try:
        table = _header_and_body(grid, file, None)
    except DataError as exc:
        if sheet is None and len(names) > 1:
            raise DataError(f"{exc.reason} (first sheet {name!r}; the workbook has the sheets "
                            f"{names}: pass sheet=)", file=file, row=exc.row) from None
        raise
    if table.shape[1] < 2:
        raise DataError(f"sheet {name!r} has only one column {table.columns[0]!r}", file=file)
    info = {"file": file, "format": "xlsx", "sheet": name, "sheets": names, "rows": len(table)}
    return table, info


def _read_parquet(p: Path, file: str) -> tuple[pd.DataFrame, dict]:
    try:
        frame = pd.read_parquet(p)
    except ImportError:  # pragma: no cover - a declared dependency
        raise DataError("reading Parquet needs pyarrow (pip install pyarrow)", file=file) from None
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
        raise DataError(f"not a readable Parquet file ({type(exc).__name__}: {exc})",
                        file=file) from None
    if frame.shape[1] == 0:
        raise DataError("the Parquet file has no columns", file=file)
    if len(frame) == 0:
        raise DataError(f"only a header ({', '.join(map(str, frame.columns[:8]))}), no rows",
                        file=file, row=1)
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    table = pd.DataFrame(index=pd.RangeIndex(2, len(frame) + 2, name="row"))
    for c in frame.columns:
        col = frame[c]
        if pd.api.types.is_float_dtype(col):
            text = [("" if np.isnan(v) else _cell_text(float(v))) for v in col.to_numpy(float)]
        else:
            text = [_cell_text(None if (v is None or v is pd.NA or (isinstance(v, float)
                                                                    and np.isnan(v))) else v)
                    for v in col.to_numpy(dtype=object)]
        table[str(c)] = pd.Series(text, index=table.index, dtype=object)
    return table, {"file": file, "format": "parquet", "rows": len(table)}
