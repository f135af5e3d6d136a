"""Shared helpers of the measures: N x T arrays out of a Panel, validity masks, checks that name the
region and year of the first bad value.

Conventions used by every kernel: ``y`` is the N x T value array with NaN where missing; ``w`` the N x T
weight array or None. A region counts in a year when its value is finite and, for a weighted measure,
its weight is finite and positive (missing weight => the region is left out that year only; a zero
weight is the same as a missing one). A negative weight is an error.
"""

from __future__ import annotations

import contextvars
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..panel import Matrix, Panel

#: The panel whose arrays were last taken (weakly): lets :func:`raise_at` name the file and row a
#: bad value was read from (``Panel.locate``) when the labels are that panel's.
_PANEL: contextvars.ContextVar[Any] = contextvars.ContextVar("crossborder_panel", default=None)


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _labels(n: int, labels: Sequence[Any] | None) -> Sequence[Any]:
    return range(n) if labels is None else labels


def _show(label: Any) -> str:
    """repr of a label without numpy's wrapper (2013, not np.int64(2013))."""
    if isinstance(label, np.generic):
        label = label.item()
    return repr(label)


def raise_at(
    bad: np.ndarray,
    message: str,
    *,
    regions: Sequence[Any] | None = None,
    times: Sequence[Any] | None = None,
    column: str | None = None,
) -> None:
    """Raise :class:`DataError` naming the first (region, time) where the N x T mask ``bad`` is True."""
    if not bad.any():
        return
    i, t = np.argwhere(bad)[0]
    labels = regions
    regions = _labels(bad.shape[0], regions)
    times = _labels(bad.shape[1], times)
    region, time = _plain(regions[i]), _plain(times[t])
    ref = _PANEL.get()
    panel = ref() if ref is not None else None
    where = None
    if panel is not None and labels is not None and labels is panel.regions:
        where = panel.locate(region, time)
    raise DataError(
        f"{message} ({int(bad.sum())} such values), first for region {_show(region)} "
        f"in {_show(time)}",
        column=column, file=where[0] if where else None, row=where[1] if where else None,
    )


def check_weights(w: np.ndarray, regions: Any = None, times: Any = None) -> None:
    """Negative and infinite weights are an error (NaN is a missing weight, zero a region that
    counts nothing)."""
    with np.errstate(invalid="ignore"):
        raise_at(w < 0, "negative weight", regions=regions, times=times, column="weight")
    raise_at(np.isinf(w), "infinite weight", regions=regions, times=times, column="weight")


def check_weight_coverage(y: np.ndarray, w: np.ndarray, regions: Any = None, times: Any = None) -> None:
    """A period with values but no region with both a value and a finite positive weight is an
    error naming it: a weighted measure would otherwise be NaN there without a word (all weights
    missing or all zero)."""
    has_value = np.isfinite(y).any(axis=0)
    with np.errstate(invalid="ignore"):
        usable = (np.isfinite(y) & np.isfinite(w) & (w > 0)).any(axis=0)
    bad = np.flatnonzero(has_value & ~usable)
    if len(bad):
        t = int(bad[0])
        times = _labels(y.shape[1], times)
        col = w[:, t][np.isfinite(y[:, t])]
        what = ("missing (NaN)" if np.isnan(col).all() else "zero" if (col == 0).all()
                else "missing (NaN) or zero")
        raise DataError(
            f"no usable weight in {_show(times[t])}: the weights of all {len(col)} regions with a value "
            f"are {what} ({len(bad)} such period(s)); a weighted measure needs positive weights",
            column="weight",
        )


def valid_mask(y: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """True where the value is finite (and the weight finite and > 0)."""
    m = np.isfinite(y)
    if w is not None:
        with np.errstate(invalid="ignore"):
            m &= np.isfinite(w) & (w > 0)
    return m


def as_2d(a: Any) -> np.ndarray:
    """A float N x T array (a 1-d input is one period)."""
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"expected an N x T array, got shape {arr.shape}")
    return arr


def panel_arrays(
    panel: Panel, weighted: bool, *, need_weight: str | None = None
) -> tuple[np.ndarray, np.ndarray | None, pd.Index, pd.Index]:
    """(values, weights or None, regions, times) of a panel.

    ``need_weight`` names a measure that cannot work without a weight (error if the panel has none).
    The arrays are read-only views of the panel's cached matrices (no copy): a kernel that needs to
    write makes its own copy.
    """
    m = panel.to_matrix(copy=False)
    _PANEL.set(weakref.ref(panel))
    w = None
    if weighted or need_weight:
        wm = panel.weight_matrix(copy=False)
        if wm is None:
            what = need_weight or "a weighted measure"
            raise DataError(
                f"{what} needs a weight (e.g. population): build the panel with weight=...",
                column="weight",
            )
        w = wm.values
    return m.values, w, m.regions, m.times


def group_codes(
    groups: Sequence[Any] | pd.Series, regions: Sequence[Any] | None = None
) -> tuple[np.ndarray, pd.Index]:
    """Integer codes 0..G-1 of the group of each region, and the group labels (a missing group is
    an error naming the region)."""
    # a Series is factorised as it is (no conversion of its labels to Python objects); otherwise
    # object dtype: np.asarray(["A", nan]) would make the missing label the string 'nan'
    arr = groups if isinstance(groups, pd.Series) else np.asarray(groups, dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"groups must be one label per region, got shape {arr.shape}")
    codes, uniques = pd.factorize(arr, sort=True)
    # an empty or blank label is a missing group, never a group of its own
    blank = np.array([isinstance(u, str) and not u.strip() for u in uniques], dtype=bool)
    if blank.any():
        codes = np.where(np.isin(codes, np.flatnonzero(blank)), -1, codes)
    if (codes < 0).any():
        i = int(np.flatnonzero(codes < 0)[0])
        who = regions[i] if regions is not None else i
        n_missing = int((codes < 0).sum())
        raise DataError(f"region {_show(who)} has no group (missing or empty label; {n_missing} "
                        "region(s) without a group)", column="group")
    return codes.astype(np.intp), pd.Index(uniques)


def numeric_times(times: pd.Index) -> np.ndarray:
    """Times as floats for slopes and spans: numbers as they are, dates as fractional years,
    anything else as positions 0, 1, 2, ..."""
    if pd.api.types.is_numeric_dtype(times):
        return times.to_numpy(dtype=float)
    if isinstance(times, pd.DatetimeIndex) or pd.api.types.is_datetime64_any_dtype(times):
        dt = pd.DatetimeIndex(times)
        return (dt.year + (dt.dayofyear - 1) / 365.25).to_numpy(dtype=float)
    try:
        return pd.to_numeric(pd.Series(times)).to_numpy(dtype=float)
    except (ValueError, TypeError):
        return np.arange(len(times), dtype=float)


def weights_like(weights: Any, y: np.ndarray, regions: Any = None, times: Any = None) -> np.ndarray | None:
    """``weights`` as an array of the values' shape, checked (>= 0, finite where given), or None."""
    if weights is None:
        return None
    w = as_2d(weights)
    if w.shape != y.shape:
        raise ValueError(f"weights have shape {w.shape}, values {y.shape}")
    check_weights(w, regions, times)
    check_weight_coverage(y, w, regions, times)
    return w


def time_name(panel: Any) -> str:
    """The name results give the time of ``panel``: its :attr:`Panel.time_name`, the name of a
    Matrix's time index, else ``"year"`` (the default of :meth:`Panel.from_long`)."""
    if isinstance(panel, Panel):
        return panel.time_name
    if isinstance(panel, Matrix) and panel.times.name is not None:
        return str(panel.times.name)
    return "year"


def as_matrix(panel: Panel | Matrix | np.ndarray) -> Matrix:
    """A Panel, Matrix or N x T array as a Matrix (a Panel's arrays read-only, not copied)."""
    if isinstance(panel, Panel):
        return panel.to_matrix(copy=False)  # read-only: the kernels do not write into it
    if isinstance(panel, Matrix):
        return panel
    y = np.asarray(panel, dtype=float)
    if y.ndim != 2:
        raise DataError(f"values must be N x T, got shape {y.shape}")
    return Matrix(y, pd.RangeIndex(y.shape[0]), pd.RangeIndex(y.shape[1]))


def trim_incomplete_ends(have: np.ndarray, regions: pd.Index, times: pd.Index, lo: int, hi: int,
                          min_years: int = 3, most: int = 1) -> tuple[int, int, dict[int, list[str]]]:
    """Give up at most ``most`` first and last years of ``times[lo:hi]`` where that rescues a region:
    one that lacks a value in that end year only, and would otherwise be dropped from the balanced
    panel (ru-kz: East Kazakhstan, Almaty and Karaganda regions lack 2022, the year Abai, Zhetisu
    and Ulytau were split off). At least ``min_years`` remain. Returns the new bounds and the years
    given up with the regions they rescue."""
    trimmed: dict[int, list[str]] = {}

    def rescues(end: int, rest: slice) -> np.ndarray:
        return ~have[:, end] & have[:, rest].all(axis=1)

    for _ in range(most):
        saved = rescues(hi - 1, slice(lo, hi - 1)) if hi - lo > min_years else None
        if saved is not None and saved.any():
            trimmed[int(times[hi - 1])] = [str(r) for r in regions[saved]]
            hi -= 1
    for _ in range(most):
        saved = rescues(lo, slice(lo + 1, hi)) if hi - lo > min_years else None
        if saved is not None and saved.any():
            trimmed[int(times[lo])] = [str(r) for r in regions[saved]]
            lo += 1
    return lo, hi, trimmed
