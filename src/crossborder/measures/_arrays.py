"""Shared helpers of the measures: N x T arrays out of a Panel, validity masks, checks that name the
region and year of the first bad value.

Conventions used by every kernel: ``y`` is the N x T value array with NaN where missing; ``w`` the N x T
weight array or None. A region counts in a year when its value is finite and, for a weighted measure,
its weight is finite and positive (missing weight => the region is left out that year only; a zero
weight is the same as a missing one). A negative weight is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..panel import Panel


def _labels(n: int, labels: Sequence[Any] | None) -> Sequence[Any]:
    return range(n) if labels is None else labels


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
    regions = _labels(bad.shape[0], regions)
    times = _labels(bad.shape[1], times)
    raise DataError(
        f"{message} ({int(bad.sum())} such values), first for region {regions[i]!r} "
        f"in {times[t]!r}",
        column=column,
    )


def check_weights(w: np.ndarray, regions: Any = None, times: Any = None) -> None:
    """Negative weights are an error (NaN is a missing weight, zero a region that counts nothing)."""
    with np.errstate(invalid="ignore"):
        raise_at(w < 0, "negative weight", regions=regions, times=times, column="weight")


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
    # a Series is factorised as it is (no conversion of its labels to Python objects)
    arr = groups if isinstance(groups, pd.Series) else np.asarray(groups)
    if arr.ndim != 1:
        raise ValueError(f"groups must be one label per region, got shape {arr.shape}")
    codes, uniques = pd.factorize(arr, sort=True)
    if (codes < 0).any():
        i = int(np.flatnonzero(codes < 0)[0])
        who = regions[i] if regions is not None else i
        raise DataError(f"region {who!r} has no group", column="group")
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
    return w
