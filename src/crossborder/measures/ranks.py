"""Gamma convergence: how much the ranking of regions changes over time.

Kendall's index of rank concordance between a reference period 0 and a period t (Boyle & McCarthy
1997, Applied Economics Letters 4: 509-512; Siegel 1956):

    gamma_t = Var(R_i0 + R_it) / Var(2 R_i0)

with R_it the rank of region i in period t (average ranks for ties), over the regions observed in
both periods. gamma = 1 when the ranks are unchanged and falls towards 0 as they reshuffle; a falling
gamma is gamma convergence (mobility within the distribution).

convergEU's ``gamma_conv`` divides the variance of the summed ranks by a different normalisation
(a (T + 2)^2 factor), so its numbers differ from this textbook value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from ..panel import Panel
from ._arrays import panel_arrays
from ._checks import check_int

__all__ = ["gamma", "gamma_array"]


def gamma_array(values: np.ndarray, ref: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Kendall's concordance of each column of an N x T array with column ``ref``: (gamma, n)."""
    y = np.asarray(values, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"expected an N x T array, got shape {y.shape}")
    ref = check_int("ref", ref, minimum=0, maximum=max(y.shape[1] - 1, 0))
    base = y[:, [ref]]
    both = np.isfinite(y) & np.isfinite(base)
    r_t = rankdata(np.where(both, y, np.nan), axis=0, nan_policy="omit")
    r_0 = rankdata(np.where(both, base, np.nan), axis=0, nan_policy="omit")
    n = both.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = np.nanvar(np.where(both, r_0 + r_t, np.nan), axis=0) if y.size else np.array([])
        den = 4.0 * np.nanvar(np.where(both, r_0, np.nan), axis=0) if y.size else np.array([])
        out = num / den
    out[(n < 2) | ~(den > 0)] = np.nan
    return out, n


def gamma(panel: Panel, ref: Any = None, last: Any = None) -> pd.DataFrame:
    """Kendall's rank concordance of every period from ``ref`` (default: the first) to ``last``
    (default: the last) with ``ref``; see the module docstring for the formula.

    Returns a DataFrame indexed by time with ``gamma`` and ``n`` (regions observed in both periods).
    Ranks are computed on the values as they are (a monotone transform such as a log gives the same
    ranks).
    """
    import warnings

    y, _, _, times = panel_arrays(panel, weighted=False)
    i0 = 0 if ref is None else _position(times, ref)
    i1 = len(times) - 1 if last is None else _position(times, last)
    if i1 < i0:
        raise ValueError(f"last ({times[i1]!r}) is before ref ({times[i0]!r})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nanvar of an all-NaN column
        g, n = gamma_array(y[:, i0:i1 + 1], 0)
    return pd.DataFrame({"gamma": g, "n": n}, index=pd.Index(times[i0:i1 + 1], name="time"))


def _position(times: pd.Index, label: Any) -> int:
    if label not in times:
        raise ValueError(f"{label!r} is not a time of the panel")
    return int(times.get_loc(label))
