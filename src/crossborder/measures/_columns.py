"""One name for an estimate's number across result tables: ``coef``, as statsmodels' summary tables.

Result tables that used another name for it (``value`` in rolling and robustness tables, ``estimate``
in integration tables, ``slope`` in a sigma trend's ``to_frame()``) carry ``coef`` in that column's
place and keep the old column, with the same numbers, after the others for one release
(deprecated: read ``coef``).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["COEF", "with_coef"]

#: the column of an estimate's number in every result table
COEF = "coef"


def with_coef(frame: pd.DataFrame, old: str) -> pd.DataFrame:
    """``frame`` with ``coef`` (= ``frame[old]``) where ``old`` was (or where ``coef`` already is)
    and ``old`` moved last, kept as a deprecated alias for one release. ``frame`` is returned as
    is when it has no ``old`` column."""
    if old not in frame.columns:
        return frame
    out = frame.copy()
    if COEF in out.columns:        # a table laid out with coef already: fill it in its place
        out[COEF] = out[old]
    else:
        out.insert(list(out.columns).index(old), COEF, out[old])
    return out[[*(c for c in out.columns if c != old), old]]
