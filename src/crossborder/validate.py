"""Validation of observations and regions; the report of what was repaired, set aside or doubtful.

Every problem names the file, the row (the line of the file, header = line 1; for geometry files
the 1-based feature number) and the column. Nothing is dropped silently: a row that is not kept is
listed in ``report.set_aside`` with the reason, and every repair (decimal comma, year written as
"2019 г.", invalid polygon made valid ...) is listed in ``report.repairs``.

``validate_observations`` checks: duplicate (region, year, indicator) rows, non-numeric and missing
values, region codes not in the regions table, years out of range, mixed units within one indicator
and country, zero or negative values under a log measure, regions without geometry (a warning) and
invalid polygons.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._display import displayable
from .currency import currency_of
from .errors import DataError, UnitError

__all__ = [
    "ReadReport",
    "Repair",
    "ValidationError",
    "SET_ASIDE_COLUMNS",
    "validate_observations",
    "validate_regions",
    "how_codes_differ",
    "near_codes",
    "panel_unit",
    "NO_UNIT_WAYS_OUT",
]

#: Columns of ``ReadReport.set_aside``: where the row was, what it held and why it was not kept.
SET_ASIDE_COLUMNS = ["file", "row", "column", "region", "year", "indicator", "value", "reason"]
#: Columns of the problem table attached to a :class:`ValidationError`.
PROBLEM_COLUMNS = ["file", "row", "column", "region", "year", "indicator", "value", "problem"]
_MAX_LISTED = 10
#: The column named by a duplicate-key problem.
_DUP_COLUMN = "region/year/indicator"


@dataclass(frozen=True)
class Repair:
    """One kind of repair made to the input, with how many cells it touched and where."""

    what: str
    file: str | None = None
    column: str | None = None
    count: int = 1
    rows: tuple[Any, ...] = ()
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists, not tuples) for printing or JSON."""
        return {"what": self.what, "file": self.file, "column": self.column, "count": self.count,
                "rows": list(self.rows), "examples": list(self.examples)}

    def __str__(self) -> str:
        where = ", ".join(
            p for p in (self.file, None if self.column is None else f"column {self.column!r}") if p
        )
        detail = f"{self.count} cell{'s' if self.count != 1 else ''}"
        if self.rows:
            shown = ", ".join(map(str, self.rows[:5]))
            detail += f", rows {shown}{' ...' if self.count > 5 else ''}"
        if self.examples:
            detail += f"; e.g. {self.examples[0]}"
        return f"{where + ': ' if where else ''}{self.what} ({detail})"


@displayable
@dataclass(eq=False)
class ReadReport:
    """What a reader or validator did: repairs, rows set aside, warnings and facts about the input.

    ``info`` holds facts such as the encoding, delimiter, decimal mark and layout that were used;
    ``repairs`` a list of :class:`Repair`; ``set_aside`` a table (:data:`SET_ASIDE_COLUMNS`) of the
    rows not kept, with the reason; ``warnings`` things a user should know that are not errors.
    ``keep`` (set by validation) is a boolean array over the rows of the validated table: True for
    the rows kept.
    """

    file: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    keep: np.ndarray | None = field(default=None, repr=False)
    _aside: list[pd.DataFrame] = field(default_factory=list, repr=False)
    _aside_cache: pd.DataFrame | None = field(default=None, repr=False)

    # ---------------------------------------------------------------- recording
    def repair(self, what: str, *, column: str | None = None, count: int = 1,
               rows: Sequence[Any] = (), examples: Sequence[str] = (),
               file: str | None = None) -> None:
        """Record one kind of repair."""
        self.repairs.append(Repair(what, file or self.file, column, int(count),
                                   tuple(_plain(r) for r in list(rows)[:50]),
                                   tuple(list(examples)[:10])))

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def set_rows_aside(self, rows: pd.DataFrame, reason: str | Sequence[str] | pd.Series) -> None:
        """Add rows (any of the :data:`SET_ASIDE_COLUMNS`) to the set-aside table with a reason.

        Numbers keep their types and texts are shared, not copied: a million rows set aside cost
        a few machine words each."""
        if len(rows) == 0:
            return
        n = len(rows)
        out = {}
        for col in SET_ASIDE_COLUMNS[:-1]:
            if col in rows.columns:
                out[col] = pd.Series(rows[col].array, index=pd.RangeIndex(n))
            else:
                out[col] = pd.Series(np.full(n, self.file if col == "file" else None,
                                             dtype=object), dtype=object)
        out["reason"] = pd.Series(
            reason.to_numpy(dtype=object) if isinstance(reason, pd.Series)
            else np.full(n, reason, dtype=object) if isinstance(reason, str)
            else np.asarray(list(reason), dtype=object), dtype=object)
        self._aside.append(pd.DataFrame(out))
        self._aside_cache = None

    def extend(self, other: ReadReport) -> None:
        """Add another report's repairs, warnings, set-aside rows and (per file) info."""
        self.repairs.extend(other.repairs)
        for w in other.warnings:
            self.warn(w)
        self._aside.extend(other._aside)
        self._aside_cache = None
        if other.info:
            files = self.info.setdefault("files", {})
            files[other.file or f"#{len(files)}"] = dict(other.info)

    # ---------------------------------------------------------------- reading
    def to_meta(self) -> dict[str, Any]:
        """What a reader puts in ``panel.meta``/``dataset.meta`` for printing: ``repairs`` (a list
        of dicts, see :meth:`Repair.to_dict`), ``set_aside`` (a table of
        :data:`SET_ASIDE_COLUMNS`), ``warnings`` (texts) and ``report`` (this report)."""
        return {"report": self, "repairs": [r.to_dict() for r in self.repairs],
                "set_aside": self.set_aside, "warnings": list(self.warnings)}

    @property
    def set_aside(self) -> pd.DataFrame:
        """Rows not kept: file, row, column, region, year, indicator, value (as read) and reason."""
        if not self._aside:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in SET_ASIDE_COLUMNS})
        if self._aside_cache is None:  # built once per change (summaries read it often)
            self._aside_cache = _concat(self._aside)
        return self._aside_cache.copy(deep=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per repair, warning and set-aside reason: kind, file, column, count, detail."""
        rows = [{"kind": "repair", "file": r.file, "column": r.column, "count": r.count,
                 "detail": str(r)} for r in self.repairs]
        rows += [{"kind": "warning", "file": self.file, "column": None, "count": 1, "detail": w}
                 for w in self.warnings]
        aside = self.set_aside
        if len(aside):
            g = aside.fillna({"file": "", "column": ""}).groupby(
                ["file", "column", "reason"], sort=True, dropna=False).size()
            rows += [{"kind": "set aside", "file": f or None, "column": c or None, "count": int(n),
                      "detail": reason} for (f, c, reason), n in g.items()]
        return pd.DataFrame(rows, columns=["kind", "file", "column", "count", "detail"])

    def summary(self) -> str:
        """A few lines for people: what was used, repaired, set aside and what to look at."""
        lines = []
        if self.file:
            lines.append(f"read {self.file}")
        for k in ("format", "encoding", "delimiter", "decimal", "layout", "rows"):
            if k in self.info:
                lines.append(f"  {k}: {self.info[k]!r}")
        for f, info in self.info.get("files", {}).items():
            facts = ", ".join(f"{k} {info[k]!r}" for k in ("format", "encoding", "delimiter",
                                                          "layout", "rows") if k in info)
            lines.append(f"  file {f}: {facts}")
        for r in self.repairs:
            lines.append(f"  repaired: {r}")
        aside = self.set_aside
        if len(aside):
            lines.append(f"  set aside: {len(aside)} rows")
            for reason, n in aside["reason"].value_counts(sort=True).items():
                lines.append(f"    {n} x {reason}")
        for w in self.warnings:
            lines.append(f"  warning: {w}")
        return "\n".join(lines) if lines else "nothing to report"

    def __bool__(self) -> bool:  # a report is a report even when empty
        return True


class ValidationError(DataError):
    """Bad observations or regions. ``problems`` lists every problem found (PROBLEM_COLUMNS)."""

    def __init__(self, message: str, problems: pd.DataFrame, **where: Any) -> None:
        super().__init__(message, **where)
        self.problems = problems


def _year_text(y: Any) -> str:
    try:
        f = float(y)
    except (TypeError, ValueError):
        return repr(y)
    return str(int(f)) if np.isfinite(f) and f.is_integer() else repr(y)


# ---------------------------------------------------------------------- codes that look alike
#: Letters of other scripts drawn like Latin ones (Unicode's confusables, the ones met in region
#: codes: Cyrillic and Greek capitals and small letters).
_LOOKALIKES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i",
    "ј": "j", "ԛ": "q", "ԝ": "w", "һ": "h",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
})


def _skeleton(code: str) -> str:
    """What a code looks like: NFC, no spaces, look-alike letters as Latin, case folded."""
    text = "".join(unicodedata.normalize("NFC", code).split())
    return text.translate(_LOOKALIKES).casefold()


def _char(c: str) -> str:
    return f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"


def how_codes_differ(code: Any, other: Any) -> str | None:
    """How ``code`` differs from ``other`` when the two look alike (print the same or nearly),
    in words; None when they are equal or differ visibly.

    Checked in order: Unicode normal form (NFD vs NFC: 'é' as 'e' + a combining accent), case,
    spaces, and look-alike letters of another script (Cyrillic 'А' U+0410 for Latin 'A')."""
    a, b = str(code), str(other)
    if a == b or _skeleton(a) != _skeleton(b):
        return None
    na, nb = unicodedata.normalize("NFC", a), unicodedata.normalize("NFC", b)
    if na == nb:
        form = "NFD" if unicodedata.is_normalized("NFD", a) else "another form"
        return (f"is the same text in another Unicode normal form ({form}: accents as separate "
                "combining characters); save the files in NFC")
    if na.casefold() == nb.casefold():
        return "differs only in case"
    if "".join(na.split()) == "".join(nb.split()):
        return "differs only in spaces"
    sa, sb = "".join(na.split()), "".join(nb.split())
    if len(sa) == len(sb):
        diffs = [f"{_char(x)} at position {i + 1} where it has {_char(y)}"
                 for i, (x, y) in enumerate(zip(sa, sb, strict=True))
                 if x != y and x.casefold() != y.casefold()]
        if diffs:
            more = f" and {len(diffs) - 2} more" if len(diffs) > 2 else ""
            return "has " + "; ".join(diffs[:2]) + more + " (letters that look alike)"
    odd = [c for c in sa if ord(c) > 127]
    return ("differs in look-alike letters of another script: "
            + ", ".join(_char(c) for c in dict.fromkeys(odd)))


def near_codes(codes: Iterable[Any], known: Iterable[Any]) -> dict[str, str]:
    """For each of ``codes`` that is not in ``known`` but looks like one of them, a note:
    ``looks like 'KZ-AKT' but has 'А' (U+0410 CYRILLIC CAPITAL LETTER A) at position 4 ...``.
    Time linear in the number of codes (one dictionary of skeletons)."""
    known = list(dict.fromkeys(map(str, known)))
    index: dict[str, str] = {}
    for k in known:
        index.setdefault(_skeleton(k), k)
    present = set(known)
    out = {}
    for c in dict.fromkeys(map(str, codes)):
        if c in present:
            continue
        match = index.get(_skeleton(c))
        if match is None:
            continue
        how = how_codes_differ(c, match)
        if how:
            out[c] = f"looks like {match!r} but {how}"
    return out


def _plain(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    return x


# ---------------------------------------------------------------------- locating rows
def _locate(obs: pd.DataFrame, file: str | None) -> tuple[Any, Any, Any]:
    """File, row and value column of each row, from the private ``_file/_row/_column`` columns
    written by the readers, else from ``file`` and the index (named ``row`` when it holds lines).
    Each is a Series over the rows or a single value."""
    files = obs["_file"] if "_file" in obs else file
    rows = obs["_row"] if "_row" in obs else pd.Series(obs.index, index=obs.index)
    cols = obs["_column"] if "_column" in obs else "value"
    return files, rows, cols


def _pick(x: Any, idx: np.ndarray) -> Any:
    if isinstance(x, pd.Series):
        return x.iloc[idx].to_numpy(dtype=object)
    return np.full(idx.size, x, dtype=object)


def _take(x: Any, idx: np.ndarray) -> pd.Series:
    """The rows ``idx`` of a column in its own type (texts stay compact, numbers stay numbers),
    or a constant as an object column of shared references (no per-row objects, no inference)."""
    if isinstance(x, pd.Series):
        return pd.Series(x.iloc[idx].array, index=pd.RangeIndex(idx.size))
    return pd.Series(np.full(idx.size, x, dtype=object), dtype=object)


def _problem_frame(obs: pd.DataFrame, mask: np.ndarray, problem: Any,
                   column: str | None, where: tuple) -> pd.DataFrame:
    """Problem rows for the masked rows; ``problem`` is a text or a function of the sub-frame.

    Columns keep their native types (the row numbers int64, years, values and texts as read);
    constant texts are object columns of shared references, so a million problem rows cost a
    few machine words each, not a Python object per cell."""
    files, rows, cols = where
    idx = np.flatnonzero(mask)
    sub = obs[[c for c in ("region", "year", "indicator", "value") if c in obs]].iloc[idx]
    out = {
        "file": _take(files, idx),
        "row": pd.Series(_rows_of(rows, idx)),
        "column": _take(cols if column is None else column, idx),
    }
    for c in ("region", "year", "indicator", "value"):
        out[c] = _take(sub[c].reset_index(drop=True) if c in obs else None, np.arange(idx.size)
                       if c in obs else idx)
    texts = problem(sub) if callable(problem) else np.full(idx.size, problem, dtype=object)
    out["problem"] = pd.Series(np.asarray(texts, dtype=object), dtype=object)
    out["_pos"] = pd.Series(idx)
    return pd.DataFrame(out)


def _rows_of(rows: Any, idx: np.ndarray) -> np.ndarray:
    """Row numbers of the rows ``idx``: int64 when they are integers, else objects."""
    if isinstance(rows, pd.Series):
        r = rows.iloc[idx]
        if pd.api.types.is_integer_dtype(r.dtype):
            return r.to_numpy(dtype=np.int64)
        return np.asarray([_plain(x) for x in r.to_numpy(dtype=object)], dtype=object)
    return np.full(idx.size, rows, dtype=object)


def _concat(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate problem/set-aside tables (one part is returned as it is, without a copy)."""
    if len(parts) == 1:
        return parts[0].reset_index(drop=True) if not isinstance(parts[0].index, pd.RangeIndex) \
            else parts[0]
    return pd.concat(parts, ignore_index=True)


def _raise(problems: pd.DataFrame, what: str, cls: type[DataError] | None = None) -> None:
    cls = cls or ValidationError
    problems = problems.drop(columns="_pos", errors="ignore")
    first = problems.iloc[0]
    lines = []
    # a repeated key's copies share one text that names their rows: it is listed once
    text = problems["problem"]
    dup = (problems["column"] == _DUP_COLUMN).to_numpy()
    listed = ~dup
    if dup.any():
        listed[dup] = ~text[dup].duplicated().to_numpy()
    shown = problems[listed].head(_MAX_LISTED)
    for _, p in shown.iterrows():
        loc = ", ".join(x for x in (
            None if p["file"] is None else str(p["file"]),
            None if p["row"] is None else f"row {p['row']}",
            None if p["column"] is None else f"column {p['column']!r}") if x)
        lines.append(f"  {loc}: {p['problem']}")
    covered = int((~shown["column"].eq(_DUP_COLUMN)).sum())
    if dup.any():
        covered += int(text[dup].isin(set(shown["problem"][shown["column"] == _DUP_COLUMN]))
                       .sum())
    more = len(problems) - covered
    if more > 0:
        lines.append(f"  ... and {more} more (see the exception's .problems)")
    msg = f"{what} ({len(problems)}):\n" + "\n".join(lines)
    row = first["row"]
    row = int(row) if isinstance(row, int | np.integer) else None
    file = None if first["file"] is None else str(first["file"])
    col = None if first["column"] is None else str(first["column"])
    if cls is ValidationError:
        raise ValidationError(msg, problems.reset_index(drop=True), file=file, row=row, column=col)
    err = cls(msg, file=file, row=row, column=col)
    err.problems = problems.reset_index(drop=True)  # type: ignore[attr-defined]
    raise err


# ---------------------------------------------------------------------- observations
def validate_observations(
    obs: pd.DataFrame,
    regions: pd.DataFrame | Iterable[str] | None = None,
    *,
    file: str | None = None,
    log_indicators: Iterable[str] = (),
    year_range: tuple[int, int] = (1900, 2100),
    on_error: str = "raise",
    report: ReadReport | None = None,
) -> ReadReport:
    """Check a long observation table (region, year, indicator, value[, unit]).

    Parameters
    ----------
    obs : DataFrame
        The long table.
    regions : DataFrame or iterable of str, optional
        The known regions (codes; with geometry, its polygons are checked too).
    file : str, optional
        Names the file in messages when the rows do not carry it.
    log_indicators : iterable of str
        Indicators whose values must be > 0.
    year_range : (int, int), default (1900, 2100)
        Inclusive.
    on_error : {"raise", "set_aside"}, default "raise"
    report : ReadReport, optional
        A report to add to.

    Returns
    -------
    ReadReport

    Notes
    -----
    Errors (raised as :class:`ValidationError` listing every offending row, unless
    ``on_error="set_aside"``, which moves the rows to ``report.set_aside`` and marks them False in
    ``report.keep``): duplicate (region, year, indicator) rows (all copies), non-numeric values,
    region codes not in ``regions``, years that are not integers in ``year_range``, zero or negative
    values of the ``log_indicators``. Rows with a missing value are always set aside (reported).
    Units that differ within one indicator and country raise :class:`UnitError` in either mode;
    without a country for the regions this is a warning. Rows are named by the private columns
    ``_file``/``_row``/``_column`` that the readers add, else by ``file`` and the index.

    References
    ----------
    The checks follow the tidy-data rules (Wickham 2014, Journal of Statistical Software 59(10)).
    """
    if on_error not in ("raise", "set_aside"):
        raise DataError(f"on_error must be 'raise' or 'set_aside', not {on_error!r}")
    report = report if report is not None else ReadReport(file=file)
    missing_cols = [c for c in ("region", "year", "indicator", "value") if c not in obs.columns]
    if missing_cols:
        raise DataError(f"observations need the columns region, year, indicator and value; "
                        f"missing {missing_cols} (columns: {list(obs.columns)})",
                        file=file, column=missing_cols[0])
    n = len(obs)
    where = _locate(obs, file)
    keep = np.ones(n, dtype=bool)
    problems: list[pd.DataFrame] = []

    # values: numbers or missing
    raw = obs["value"]
    value = pd.to_numeric(raw, errors="coerce").astype(float).to_numpy()
    raw_missing = raw.isna().to_numpy()
    not_number = np.isnan(value) & ~raw_missing
    if not_number.any():
        problems.append(_problem_frame(
            obs, not_number, lambda d: [f"not a number: {v!r}" for v in d["value"]], None, where))
    missing = raw_missing & keep
    if missing.any():
        report.set_rows_aside(
            _problem_frame(obs, missing, "missing value", None, where).drop(columns="_pos"),
            "missing value")
        keep &= ~missing
    infinite = np.isinf(value)
    if infinite.any():
        problems.append(_problem_frame(obs, infinite, "infinite value", None, where))

    # years: integers within range
    year = pd.to_numeric(obs["year"], errors="coerce").astype(float).to_numpy()
    bad_year = np.isnan(year) | (year != np.round(year))
    if bad_year.any():
        problems.append(_problem_frame(
            obs, bad_year, lambda d: [f"year is not a whole number: {v!r}" for v in d["year"]],
            "year", where))
    lo, hi = year_range
    out_of_range = ~bad_year & ((year < lo) | (year > hi))
    if out_of_range.any():
        problems.append(_problem_frame(
            obs, out_of_range, f"year out of range {lo}–{hi}", "year", where))

    # region codes
    no_region = _blank(obs["region"])
    if no_region.any():
        problems.append(_problem_frame(obs, no_region, "no region code", "region", where))
    spelled = _spelling_variants(obs["region"], no_region)
    if spelled is not None:
        problems.append(_problem_frame(obs, spelled[0], spelled[1], "region", where))
    reg_table, codes = _region_table(regions)
    if codes is not None:
        unknown = ~no_region & ~obs["region"].isin(codes).to_numpy()
        if unknown.any():
            sample = sorted(map(str, codes))[:5]
            near = near_codes(obs["region"][unknown].astype(str).unique(), codes)
            problems.append(_problem_frame(
                obs, unknown,
                lambda d: [f"region code {r!r} is not in the regions table"
                           + (f": it {near[str(r)]}" if str(r) in near else f" (e.g. {sample})")
                           for r in d["region"]], "region", where))

    # duplicates: one int64 code per key; the message per repeated key is built once, from its
    # first rows, and shared by its copies (time and memory linear in the number of rows)
    key = obs[["region", "year", "indicator"]]
    dup, combined = _duplicated(key, return_codes=True)
    if dup.any():
        idx = np.flatnonzero(dup)
        gid = pd.factorize(combined[idx])[0] if combined is not None else (
            key.iloc[idx].groupby(list(key.columns), sort=False, dropna=False).ngroup().to_numpy())
        del combined
        texts = _duplicate_texts(key, idx, gid, where)
        msgs = texts[gid]
        del texts
        problems.append(_problem_frame(obs, dup, lambda _d: msgs, _DUP_COLUMN, where))

    # log measures
    logs = set(log_indicators)
    if logs:
        nonpos = obs["indicator"].isin(logs).to_numpy() & (value <= 0)
        if nonpos.any():
            problems.append(_problem_frame(
                obs, nonpos,
                lambda d: [f"zero or negative value {_plain(v)!r} under a log measure"
                           for v in d["value"]], None, where))

    # units within indicator and country
    _check_units(obs, reg_table, where, report)

    # geometry of the regions that have observations; the observations' own problems are reported
    # first (a code written in two cases is the data's mistake, named by file and row, even when the
    # regions table was made from the data's codes)
    geo_problems = None
    if reg_table is not None and "geometry" in reg_table:
        used = set(pd.unique(obs["region"].to_numpy()[keep]))
        geo_problems = validate_regions(reg_table, file=None, report=report, only=used,
                                        raise_errors=False)
    if problems and on_error == "raise":
        _raise(_concat(problems), "problems in the observations")
    if geo_problems is not None and len(geo_problems):
        _raise(geo_problems, "invalid polygons in the regions table")

    if problems:
        table = _concat(problems)
        bad = np.zeros(n, dtype=bool)
        bad[table["_pos"].to_numpy(dtype=int)] = True
        report.set_rows_aside(table.drop(columns="_pos"), table["problem"])
        keep &= ~bad
    report.keep = keep
    report.info.setdefault("rows_valid", int(keep.sum()))
    return report


def _duplicate_texts(key: pd.DataFrame, idx: np.ndarray, gid: np.ndarray,
                     where: tuple) -> np.ndarray:
    """One text per repeated key (``gid`` numbers the keys 0.. in order of first appearance):
    the key and its first rows, e.g. "duplicate (region, year, indicator) = ('A', 2013, 'gdp') in
    rows 2, 3". Built column-wise (vectorised string operations, a loop of at most
    ``_MAX_LISTED`` steps), never row by row."""
    rows = pd.Series(_rows_of(where[1], idx)).astype(str)
    files = where[0]
    if isinstance(files, pd.Series):
        f = pd.Series(files.iloc[idx].to_numpy(dtype=object), dtype=object)
        if f.nunique(dropna=False) > 1:
            rows = rows.where(f.isna().to_numpy(), f.astype(str) + " row " + rows)
    order = np.argsort(gid, kind="stable")
    ranked = gid[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    del ranked
    counts = np.diff(np.r_[starts, gid.size])
    labels = rows.to_numpy()[order] if rows.dtype == object else rows.array.take(order)
    labels = pd.Series(labels, dtype="str")
    shown = labels.iloc[starts].reset_index(drop=True)
    for k in range(1, min(int(counts.max()), _MAX_LISTED)):
        has = np.flatnonzero(counts > k)
        shown.iloc[has] = (shown.iloc[has] + ", "
                           + labels.iloc[starts[has] + k].to_numpy()).to_numpy()
    firsts = idx[order[starts]]

    def shown_as(col: str, fmt: Any) -> pd.Series:
        codes, uniques = pd.factorize(key[col].iloc[firsts], use_na_sentinel=False)
        texts = np.array([fmt(_plain(u)) for u in np.asarray(uniques, dtype=object)],
                         dtype=object)
        return pd.Series(texts[codes], dtype="str")

    text = ("duplicate (region, year, indicator) = (" + shown_as("region", repr) + ", "
            + shown_as("year", _year_text) + ", " + shown_as("indicator", repr) + ") in rows "
            + shown)
    many = np.flatnonzero(counts > _MAX_LISTED)
    if many.size:
        c = pd.Series(counts[many])
        text.iloc[many] = (text.iloc[many].to_numpy() + " and "
                           + (c - _MAX_LISTED).astype(str).to_numpy() + " more ("
                           + c.astype(str).to_numpy() + " copies)")
    return text.to_numpy(dtype=object)


def _duplicated(key: pd.DataFrame, return_codes: bool = False) -> Any:
    """All copies of repeated key rows: one int64 code per row, sorted (little memory). With
    ``return_codes``, also the codes (None when the key space is too large for int64)."""
    combined = np.zeros(len(key), dtype=np.int64)
    size = 1
    for c in key.columns:
        col = key[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes, n = col.cat.codes.to_numpy(), len(col.cat.categories) + 1
            codes = codes.astype(np.int64) + 1
        else:
            codes, uniques = pd.factorize(col, use_na_sentinel=False)
            n = max(len(uniques), 1)
        if size * n >= 2**62:
            mask = key.duplicated(keep=False).to_numpy()
            return (mask, None) if return_codes else mask
        combined *= n
        combined += codes
        size *= n
        del codes
    order = np.argsort(combined, kind="stable")
    ranked = combined[order]
    if not return_codes:
        del combined
    same = ranked[1:] == ranked[:-1]
    del ranked
    dup_sorted = np.zeros(len(order), dtype=bool)
    dup_sorted[1:] |= same
    dup_sorted[:-1] |= same
    out = np.empty(len(order), dtype=bool)
    out[order] = dup_sorted
    return (out, combined) if return_codes else out


def _spelling_variants(region: pd.Series, blank: np.ndarray) -> tuple[np.ndarray, Any] | None:
    """Rows whose code differs only in case or spaces from a code seen earlier ('aa-r0' after
    'AA-R0'): the mask and a problem text per row, naming the other spelling and its first row."""
    if isinstance(region.dtype, pd.CategoricalDtype):
        codes, uniques = region.cat.codes.to_numpy(), np.asarray(region.cat.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(region.astype(object), use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    if uniques.size < 2:
        return None
    keys = np.array([_skeleton(str(u)) for u in uniques], dtype=object)
    kcodes, kuniq = pd.factorize(keys)
    if kuniq.size == uniques.size:
        return None
    # first row of each spelling; the spelling seen first is the one kept
    first_row = np.full(uniques.size, np.iinfo(np.int64).max, dtype=np.int64)
    live = (codes >= 0) & ~blank
    pos = np.flatnonzero(live)
    np.minimum.at(first_row, codes[pos], pos)
    order = np.lexsort((first_row, kcodes))
    canonical = np.empty(uniques.size, dtype=np.int64)
    for k in np.unique(kcodes):
        members = order[kcodes[order] == k]
        canonical[members] = members[0]
    other = canonical != np.arange(uniques.size)
    mask = live.copy()
    mask[live] = other[codes[live]]
    if not mask.any():
        return None
    texts = np.array([f"region code {uniques[i]!r} is also written {uniques[canonical[i]]!r}"
                      + _variant_note(uniques[i], uniques[canonical[i]])
                      + ": codes that differ only in case, spaces, Unicode form or look-alike "
                      "letters would be two regions; write each code one way"
                      for i in range(uniques.size)], dtype=object)
    return mask, (lambda d, t=texts, c=codes, m=mask: list(t[c[m]]))


def _variant_note(code: Any, other: Any) -> str:
    """' (it differs only in case)' and the like, or '' for the code itself."""
    how = how_codes_differ(code, other)
    return f" (it {how})" if how else ""


def _blank(s: pd.Series) -> np.ndarray:
    """True where a code is missing or only spaces (categoricals checked on their categories)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.asarray(s.cat.categories.astype(str).str.strip() == "")
        codes = s.cat.codes.to_numpy()
        return (codes < 0) | np.append(cats, False)[codes]
    o = s.astype(object)
    return (o.isna() | (o.astype(str).str.strip() == "")).to_numpy()


def _region_table(regions: Any) -> tuple[pd.DataFrame | None, set | None]:
    if regions is None:
        return None, None
    if isinstance(regions, pd.DataFrame):
        if "region" not in regions:
            raise DataError("the regions table needs a 'region' column", column="region")
        return regions, set(regions["region"].astype(object))
    return None, set(regions)


def _labels(s: pd.Series) -> pd.Series:
    """Text labels with missing and empty as '(none)' (categoricals stay categorical)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories.astype(str)
        s = s.cat.rename_categories(cats.where(cats.str.strip() != "", "(none)"))
        if "(none)" not in s.cat.categories:
            s = s.cat.add_categories("(none)")
        return s.fillna("(none)")
    o = s.astype(object)
    o = o.where(o.notna(), "(none)").astype(str)
    return o.where(o.str.strip() != "", "(none)")


def _check_units(obs: pd.DataFrame, reg_table: pd.DataFrame | None, where: tuple,
                 report: ReadReport) -> None:
    if "unit" not in obs.columns or len(obs) == 0:
        return
    unit = _labels(obs["unit"])
    if "country" in obs.columns:
        country = _labels(obs["country"])
    elif reg_table is not None and "country" in reg_table:
        lookup = dict(zip(reg_table["region"], reg_table["country"], strict=False))
        country = _labels(obs["region"].astype(object).map(lookup))
    else:
        country = None
    parts = {"indicator": _labels(obs["indicator"]), "unit": unit}
    if country is not None:
        parts["country"] = country
    codes = {}
    labels = {}
    for k, v in parts.items():
        if isinstance(v.dtype, pd.CategoricalDtype):
            c, u = v.cat.codes.to_numpy(), np.asarray(v.cat.categories, dtype=object)
        else:
            c, u = pd.factorize(v, use_na_sentinel=False)
        codes[k], labels[k] = c, np.asarray(u, dtype=object)
    if country is None:
        codes["country"], labels["country"] = np.zeros(1, dtype=np.int64), np.array([""])
    sizes = {k: max(len(labels[k]), 1) for k in codes}
    combined = np.zeros(len(obs), dtype=np.int64)
    for k in ("indicator", "country", "unit"):
        combined *= sizes[k]
        combined += codes[k]
    _, first = np.unique(combined, return_index=True)
    del combined
    first = np.sort(first)
    pairs = pd.DataFrame(
        {k: labels[k][codes[k][first] if codes[k].size > 1 else np.zeros(first.size, int)]
         for k in ("indicator", "country", "unit")}, index=first)
    n_units = pairs.groupby(["indicator", "country"], sort=True, observed=True).size()
    mixed = n_units[n_units > 1]
    if not len(mixed):
        return
    if country is None:
        for ind in mixed.index.get_level_values(0):
            units = sorted(pairs.loc[pairs["indicator"] == ind, "unit"].astype(str))
            report.warn(f"indicator {ind!r} has several units {units}; without a country for each "
                        "region it cannot be told whether they belong to different countries "
                        "(pass regions= with a country column)")
        return
    _, rows, _ = where
    parts = []
    for ind, ctry in mixed.index:
        sub = pairs[(pairs["indicator"] == ind) & (pairs["country"] == ctry)]
        firsts = sub.index.to_numpy()  # positions: frame has a RangeIndex
        at = _pick(rows, firsts)
        desc = "; ".join(f"{u!r} first at row {_plain(r)}"
                         for u, r in zip(sub["unit"], at, strict=True))
        mask = np.zeros(len(obs), dtype=bool)
        mask[firsts[1:]] = True
        parts.append(_problem_frame(
            obs, mask, f"indicator {ind!r} mixes units in country {ctry!r}: {desc}; convert to "
            "one unit (or give the indicators different names)", "unit", where))
    _raise(pd.concat(parts, ignore_index=True), "mixed units within one indicator and country",
           UnitError)


#: The ways out of a panel whose countries' values have no common unit (the command line names its
#: options for them: --unit NAME, --fx FILE, --relative national).
NO_UNIT_WAYS_OUT = ("a unit column in the data (e.g. 'USD' on every row), "
                    "Dataset.with_units(unit='NAME') when every value is in that one unit, or a "
                    "conversion to one unit: Dataset.with_units(fx=rates) (country, year, rate; "
                    "deflator=index for constant prices); or relative='national' to compare each "
                    "region with the mean of its own country")


def _unit_key(unit: str) -> str:
    """A unit without its notes in parentheses: 'USD (current, NBK rate)' and 'USD (current, DOSE
    rate)' are one unit."""
    return " ".join(str(unit).split("(")[0].split()).casefold()


def panel_unit(obs: pd.DataFrame, indicator: str, *, pooled: bool = True,
               stated: str | None = None) -> str | None:
    """The unit of a panel's values (``obs``: ``unit`` and ``country`` columns), or a
    :class:`UnitError`: values of two countries are pooled only when their unit is known to be one.

    ``stated``: the user's statement that every value is in this unit (fills blank units; a unit
    of the data that differs is an error). ``pooled=False``: the values are compared within each
    country only (a country dummy absorbs the scale): each country needs one unit (or none), the
    countries' units may differ; the result then names each country's unit.
    Rules (pooled, two countries or more): every value has a unit (blank beside 'RUB' is refused,
    never titled 'RUB'), and the units agree (notes in parentheses aside).
    """
    unit = obs["unit"] if "unit" in obs else pd.Series(None, index=obs.index, dtype=object)
    unit = unit.astype(object)
    blank = unit.isna() | (unit.astype(str).str.strip() == "")
    if stated is not None:
        given = unit[~blank].astype(str)
        other = sorted({u for u in given if _unit_key(u) != _unit_key(stated)})
        if other:
            raise UnitError(f"the unit stated for {indicator!r} is {stated!r}, but the data say "
                            f"{other[0]!r}" + (f" (and {len(other) - 1} more)" if len(other) > 1
                                               else "") + ": state the data's unit, or leave the "
                            "statement out", column="unit")
        unit = unit.where(~blank, stated)
        blank = pd.Series(False, index=obs.index)
    country = (obs["country"].astype(object).where(obs["country"].notna(), "(no country)")
               if "country" in obs else pd.Series("", index=obs.index, dtype=object))
    countries = sorted(map(str, pd.unique(country)))
    given = sorted(pd.unique(unit[~blank.to_numpy()].astype(str)))

    def shown(u: str) -> str:
        """The unit as titles print it: notes in parentheses dropped where they differ."""
        same = [g for g in given if _unit_key(g) == _unit_key(u)]
        return u if len(same) <= 1 else u.split("(")[0].strip()

    per: dict[str, list[str]] = {}
    for c in countries:
        mask = (country.astype(str) == c).to_numpy()
        keys: dict[str, str] = {}
        for u in pd.unique(unit[mask & ~blank.to_numpy()].astype(str)):
            keys.setdefault(_unit_key(u), u)
        if blank[mask].any():
            keys.setdefault("", "")
        per[c] = list(keys.values())
    for c, units in per.items():
        if len(units) > 1:
            shown = " and ".join(repr(u) if u else "no unit" for u in units[:2])
            raise UnitError(f"indicator {indicator!r} mixes {shown} in country {c!r}; convert to one "
                            "unit first", column="unit")
    if len(countries) < 2:
        u = per[countries[0]][0] if countries else ""
        return shown(u) if u else None
    if not pooled:
        if all(not u[0] for u in per.values()):
            return None
        return "; ".join(f"{shown(u[0]) if u[0] else 'no unit'} ({c})" for c, u in per.items())
    keys = {_unit_key(u[0]) for u in per.values()}
    if len(keys) == 1 and "" not in keys:
        return shown(next(iter(per.values()))[0])
    lacking = [c for c, u in per.items() if not u[0]]
    if lacking:
        having = {c: u[0] for c, u in per.items() if u[0]}
        beside = ("" if not having else " beside " + ", ".join(f"{u!r} for {c}"
                                                              for c, u in having.items()))
        who = " and ".join(lacking) if len(lacking) <= 3 else f"{len(lacking)} countries"
        raise UnitError(f"the values of {indicator!r} for {who} state no unit{beside}: values of "
                        f"two countries are pooled only in one known unit. Ways out: "
                        f"{NO_UNIT_WAYS_OUT}", column="unit")
    units = sorted({u[0] for u in per.values()})
    keyed: dict[str, str] = {}
    for u in units:
        keyed.setdefault(_unit_key(u), u)
    shown = list(keyed.values())
    both = " and ".join(repr(u) for u in shown[:2]) + (f" (and {len(shown) - 2} more)"
                                                       if len(shown) > 2 else "")
    if None not in {currency_of(u) for u in shown}:
        raise UnitError(f"indicator {indicator!r} mixes currencies {both} in one panel; pass "
                        "currency='USD' or 'PPP' to convert, or choose one country", column="unit")
    raise UnitError(f"indicator {indicator!r} mixes the units {both} in one panel; convert to one "
                    "unit first, or choose one country", column="unit")


# ---------------------------------------------------------------------- regions
def validate_regions(
    regions: pd.DataFrame,
    *,
    file: str | None = None,
    report: ReadReport | None = None,
    only: Iterable[str] | None = None,
    raise_errors: bool = True,
) -> pd.DataFrame:
    """Check region rows: codes present and unique, geometry present (warning) and valid (error).

    Parameters
    ----------
    regions : DataFrame or GeoDataFrame
    file : str, optional
    report : ReadReport, optional
    only : iterable of str, optional
        Restrict the checks to some codes.
    raise_errors : bool, default True

    Returns
    -------
    DataFrame
        The problem table (empty when all is well); :class:`ValidationError` is raised when
        ``raise_errors`` and there are problems.

    Notes
    -----
    Geometry validity is shapely's (``is_valid_reason``: OGC Simple Features).

    References
    ----------
    OGC Simple Feature Access, part 1 (06-103r4).
    """
    report = report if report is not None else ReadReport(file=file)
    r = regions
    if only is not None:
        r = r[r["region"].isin(set(only))]
    rows = (r["_row"].to_numpy(dtype=object) if "_row" in r
            else np.asarray(r.index, dtype=object))
    out = []
    codes = r["region"].astype(object)
    blank = (codes.isna() | (codes.astype(str).str.strip() == "")).to_numpy()
    dup = codes.duplicated(keep=False).to_numpy() & ~blank

    def frame(mask: np.ndarray, problem: Any, column: str) -> pd.DataFrame:
        idx = np.flatnonzero(mask)
        return pd.DataFrame({
            "file": file, "row": rows[idx], "column": column,
            "region": codes.to_numpy(dtype=object)[idx], "year": None, "indicator": None,
            "value": None,
            "problem": problem[idx] if isinstance(problem, np.ndarray) else problem,
        }).astype(object)

    if blank.any():
        out.append(frame(blank, "no region code", "region"))
    if dup.any():
        out.append(frame(dup, "region code appears more than once", "region"))
    spelled = _spelling_variants(codes.reset_index(drop=True), blank)
    if spelled is not None:
        mask, texts = spelled
        full = np.full(len(r), "", dtype=object)
        full[mask] = texts(None)
        out.append(frame(mask, full, "region"))
    if "geometry" in r:
        import shapely

        geoms = np.asarray(r["geometry"].to_numpy(), dtype=object)
        none = np.array([g is None for g in geoms], dtype=bool)
        empty = none.copy()
        empty[~none] = shapely.is_empty(geoms[~none])
        if empty.any():
            names = ", ".join(map(str, codes.to_numpy(dtype=object)[empty][:_MAX_LISTED]))
            report.warn(f"{int(empty.sum())} regions have no geometry ({names}): maps and border "
                        "measures leave them out")
        valid = np.ones(len(r), dtype=bool)
        valid[~empty] = shapely.is_valid(geoms[~empty])
        if (~valid).any():
            reasons = np.full(len(r), "", dtype=object)
            reasons[~valid] = [f"invalid polygon: {shapely.is_valid_reason(g)}"
                               for g in geoms[~valid]]
            out.append(frame(~valid, reasons, "geometry"))
    problems = (pd.concat(out, ignore_index=True) if out
                else pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS}))
    if len(problems) and raise_errors:
        _raise(problems, "problems in the regions table")
    return problems
