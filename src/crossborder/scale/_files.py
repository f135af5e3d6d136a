"""The Parquet files of the scale path, checked the same way whatever engine reads them.

Before an engine reads a glob, every file's footer is read with pyarrow (metadata only: no data):

* a file whose footer cannot be read (truncated, not Parquet) is named;
* a column the run needs that some files lack is named with those files;
* a column whose type differs across files is named with the files of each kind: value and weight
  must be numbers (integers and floats mix: all are read as Float64); region, time and group must be
  of one kind (text, integer, float, ...) in every file. DuckDB would cast silently, Polars refuse in
  its own words, and neither names the file.

After an engine failed on a glob, :func:`unreadable_file` reads the files' columns one by one with
pyarrow to name the one that cannot be read; :func:`first_placed` finds the first row with a value
but no region or year in the files, for the message of the in-memory reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import DataError

_NUMERIC = {"integer", "float", "null"}


@dataclass(frozen=True)
class Layout:
    """What the footers say: ``types`` (column -> arrow type per file) and whether the files share
    one schema (``uniform``: the engines read them in one scan)."""

    files: tuple[str, ...]
    types: dict[str, tuple[Any, ...]]
    uniform: bool
    #: the footers' statistics prove that no region or time is missing (null or blank)
    clean_keys: bool = False


def kind(t: Any) -> str:
    """The kind of an arrow type: integer, float, text, boolean, time, null or the type's name."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "float"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or str(t) == "string_view":
        return "text"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_temporal(t):
        return "time"
    if pa.types.is_null(t):
        return "null"
    return str(t)


def _some(files: Sequence[str], n: int = 3) -> str:
    shown = ", ".join(files[:n])
    return shown + (f" and {len(files) - n} more" if len(files) > n else "")


def inspect(files: Sequence[str], columns: dict[str, str]) -> Layout:
    """Read every footer; raise :class:`DataError` naming the file(s) and column for an unreadable
    file, a column missing from some files, or a column whose type differs across files.
    ``columns`` maps each needed source column to its role (region, time, value, weight, group)."""
    import pyarrow.parquet as pq

    schemas, metas = [], []
    for f in files:
        try:
            pf = pq.ParquetFile(f)
            schemas.append(pf.schema_arrow)
            metas.append(pf.metadata)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
            raise DataError(f"not a readable Parquet file ({_reason(exc)})", file=f) from None
    names = [list(s.names) for s in schemas]
    for col in columns:
        lacking = [f for f, n in zip(files, names, strict=True) if col not in n]
        if not lacking:
            continue
        if len(lacking) == len(files):
            raise DataError(f"no column {col!r} (columns: {names[0]})", column=col)
        having = [f for f in files if f not in lacking]
        raise DataError(f"no such column in {'this file' if len(lacking) == 1 else 'these files'}, "
                        f"but {_some(having)} {'has' if len(having) == 1 else 'have'} it: every file "
                        "needs the columns of the run", file=_some(lacking), column=col)
    types = {col: tuple(s.field(col).type for s in schemas) for col in columns}
    for col, role in columns.items():
        kinds = [kind(t) for t in types[col]]
        if role in ("value", "weight"):
            bad = [i for i, k in enumerate(kinds) if k not in _NUMERIC]
            if bad:
                good = [files[i] for i, k in enumerate(kinds) if k in _NUMERIC - {"null"}]
                what = kinds[bad[0]] + f" ({types[col][bad[0]]})"
                tail = (f"; {_some(good)} {'holds' if len(good) == 1 else 'hold'} numbers"
                        if good else "")
                raise DataError(f"holds {what}, not numbers{tail}: the scale path reads {role}s as "
                                "stored; write the column as numbers in every file",
                                file=_some([files[i] for i in bad]), column=col)
            continue
        seen = [k for k in kinds if k != "null"]
        if len(set(seen)) > 1:
            # the kind of most files (ties: the first file's) is the reference; the others are named
            ref = max(dict.fromkeys(seen), key=seen.count)
            odd = [files[i] for i, k in enumerate(kinds) if k not in (ref, "null")]
            same = [files[i] for i, k in enumerate(kinds) if k == ref]
            i = files.index(odd[0])
            raise DataError(f"{kinds[i]} ({types[col][i]}) here but {ref} in {_some(same)}: a "
                            "column must have one type across the files", file=_some(odd),
                            column=col)
    full = [tuple((f.name, f.type) for f in s) for s in schemas]
    keys = [c for c, r in columns.items() if r in ("region", "time")]
    clean = all(_keys_present(md, keys) for md in metas)
    return Layout(files=tuple(files), types=types, uniform=len(set(full)) == 1, clean_keys=clean)


def _keys_present(md: Any, keys: Sequence[str]) -> bool:
    """True if the statistics of every row group prove ``keys`` are never null nor blank text: a
    null count of 0 and, for text, a minimum and maximum whose first characters lie between " " and
    U+0085 (every string then starts with a character that is not whitespace). Without statistics,
    or for a float key (NaN is not a null there): False, and the engines check the rows."""
    index = {md.schema.column(j).path: j for j in range(md.num_columns)}
    if any(k not in index for k in keys):
        return False
    for i in range(md.num_row_groups):
        rg = md.row_group(i)
        for k in keys:
            st = rg.column(index[k]).statistics
            if st is None or not st.has_null_count or st.null_count != 0:
                return False
            if md.schema.column(index[k]).physical_type in ("FLOAT", "DOUBLE"):
                return False  # a NaN is not counted as a null
            if md.schema.column(index[k]).logical_type.type == "STRING":
                if not st.has_min_max:
                    return False
                lo, hi = st.min, st.max
                if isinstance(lo, bytes) or isinstance(hi, bytes):
                    return False
                if not (lo and hi and " " < lo[0] and hi[0] < "\x85"):
                    return False
    return True


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def unreadable_file(files: Sequence[str], columns: Sequence[str]) -> DataError | None:
    """The first file whose ``columns`` pyarrow cannot read (batch by batch), as a
    :class:`DataError` naming it; None if every file reads."""
    import pyarrow.parquet as pq

    for f in files:
        try:
            pf = pq.ParquetFile(f)
            cols = [c for c in columns if c in pf.schema_arrow.names]
            for _ in pf.iter_batches(batch_size=1 << 16, columns=cols):
                pass
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
            return DataError(f"not a readable Parquet file ({_reason(exc)})", file=f)
    return None


def first_placed(files: Sequence[str], region: str, time: str, value: str) -> DataError | None:
    """The first row (in file order) with a value but no region or no year, as the in-memory
    reader's :class:`DataError` (file, row with the header as row 1, column); None if there is none.
    A region or year is missing when null or blank text; a value when null or NaN."""
    import numpy as np
    import pyarrow.parquet as pq

    for f in files:
        pf = pq.ParquetFile(f)
        start = 0
        for batch in pf.iter_batches(batch_size=1 << 16, columns=[region, time, value]):
            t = batch.to_pandas()
            nokey = [_missing(t[c]) for c in (region, time)]
            val = t[value]
            vmiss = val.isna().to_numpy()
            hit = np.flatnonzero((nokey[0] | nokey[1]) & ~vmiss)
            if hit.size:
                i = int(hit[0])
                raw = cell_text(val.iloc[i])
                which, col = ("region", region) if nokey[0][i] else ("year", time)
                return DataError(f"a value ({raw!r}) without a {which}: cannot tell where it "
                                 "belongs", file=f, row=start + i + 2, column=col)
            start += len(t)
    return None


def cell_text(v: Any) -> str:
    """A cell as the in-memory reader shows it in messages (2001.0 as '2001', numpy scalars plain)."""
    import numpy as np

    from ..io.tables import _cell_text

    if isinstance(v, float | np.floating):
        return _cell_text(float(v))
    return _cell_text(v.item() if isinstance(v, np.generic) else v)


def _missing(s: Any) -> Any:
    import pandas as pd

    miss = s.isna().to_numpy()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        text = s.astype(object).where(s.notna(), "").astype(str).str.strip()
        miss = miss | (text == "").to_numpy()
    return miss


__all__ = ["Layout", "cell_text", "first_placed", "inspect", "kind", "unreadable_file"]
