"""Hodrick–Prescott trend of every region's series, with one smoother computed for the panel.

The trend tau of a series y (length T) minimises
``sum (y_t - tau_t)^2 + lamb * sum (tau_{t+1} - 2 tau_t + tau_{t-1})^2``, i.e. it solves
``(I + lamb K'K) tau = y`` with K the (T-2) x T second-difference matrix (Hodrick & Prescott 1997).
The matrix depends on T and lamb only, so its inverse (the smoother) is computed once and applied to
all N series in one matrix product (for long series: one sparse LU, N right-hand sides).
Phillips & Sul (2007, 2009) filter log per-capita income with ``lamb = 400`` for annual data, the
default here (as ``mFilter::hpfilter(x, freq=400, type="lambda")`` in R).
"""

from __future__ import annotations

from functools import lru_cache
from typing import overload

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..errors import DataError
from ..panel import Panel
from ._checks import check_number

__all__ = ["hp_filter", "hp_trend_matrix"]


#: up to this many periods the trend is one product with the precomputed dense T x T smoother;
#: longer series use one sparse LU of the pentadiagonal system with all N series as right-hand sides
DENSE_MAX_T = 400


def hp_trend_matrix(values: np.ndarray, lamb: float = 400.0) -> np.ndarray:
    """HP trend of each row of an N x T array (no NaN allowed).

    The trend is S y with the smoother S = (I + lamb K'K)^-1, which depends on T and lamb only:
    for T <= :data:`DENSE_MAX_T` it is computed once (dense, symmetric) and applied to every row
    in one matrix product; longer series use one sparse LU factorisation and N solves.
    """
    y = np.asarray(values, dtype=float)
    if y.ndim == 1:
        return hp_trend_matrix(y[None, :], lamb)[0]
    if y.ndim != 2:
        raise DataError(f"hp_filter needs an N x T array, got shape {y.shape}")
    lamb = check_number("lamb", lamb, low=0, low_open=True)
    n, t = y.shape
    if t < 3 or lamb == 0:
        return y.copy()
    if t <= DENSE_MAX_T:
        return y @ _smoother(t, float(lamb))  # S is symmetric: (S y_i')' = y_i S
    trend = splu(_system(t, lamb).tocsc()).solve(np.ascontiguousarray(y.T))
    return np.asarray(trend).T.reshape(n, t)


def _system(t: int, lamb: float) -> sp.csr_matrix:
    """I + lamb K'K, K the (T-2) x T second-difference matrix."""
    ones = np.ones(t - 2)
    k = sp.diags([ones, -2.0 * ones, ones], [0, 1, 2], shape=(t - 2, t), format="csr")
    return sp.identity(t, format="csr") + lamb * (k.T @ k)


@lru_cache(maxsize=16)
def _smoother(t: int, lamb: float) -> np.ndarray:
    """The dense T x T smoother (I + lamb K'K)^-1 (read-only, cached per T and lamb)."""
    s = np.linalg.solve(_system(t, lamb).toarray(), np.eye(t))
    s = 0.5 * (s + s.T)  # exactly symmetric
    s.flags.writeable = False
    return s


@overload
def hp_filter(data: Panel, lamb: float = ...) -> Panel: ...
@overload
def hp_filter(data: pd.DataFrame, lamb: float = ...) -> pd.DataFrame: ...
@overload
def hp_filter(data: np.ndarray, lamb: float = ...) -> np.ndarray: ...


def hp_filter(data, lamb: float = 400.0):
    """Hodrick–Prescott trend of each region's series.

    Parameters
    ----------
    data : Panel, DataFrame or ndarray
        A Panel, a wide DataFrame (regions x times) or an N x T array. Series must be complete: a
        region with a missing value is an error naming it (``Panel.balanced()`` keeps complete ones).
    lamb : float, default 400.0
        The smoothing parameter (400 is Phillips & Sul's choice for annual data before the club
        procedure; 6.25 and 100 are other annual conventions).

    Returns
    -------
    Panel, DataFrame or ndarray
        The trends, of the input's type (a Panel keeps its regions, times, weights and groups).

    Notes
    -----
    The trend tau minimises sum_t (y_t - tau_t)^2 + lamb sum_t (Delta^2 tau_t)^2, i.e.
    tau = (I + lamb K'K)^-1 y with K the (T - 2) x T second-difference matrix.

    References
    ----------
    Hodrick, R. J. & Prescott, E. C. (1997). Postwar U.S. business cycles. Journal of Money, Credit
    and Banking 29: 1-16.

    Examples
    --------
    >>> import numpy as np
    >>> from crossborder import hp_filter
    >>> line = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    >>> bool(np.allclose(hp_filter(line), line))           # a straight line is its own trend
    True
    """
    check_number("lamb", lamb, low=0, low_open=True)
    if isinstance(data, Panel):
        m = data.to_matrix(copy=False)
        _check_complete(m.values, m.regions, m.times)
        trend = hp_trend_matrix(m.values, lamb)
        w = data.weight_matrix(copy=False)
        g = data._groups if data.has_group else None
        # the labels of a valid panel need no second check, and the trend is ours: no copy, and
        # the long table only if someone reads it
        return Panel._from_arrays(trend, m.regions, m.times,
                                  weights=None if w is None else w.values,
                                  groups=None if g is None else g.array,
                                  indicator=f"hp({data.indicator})", unit=data.unit,
                                  complete=True, time_name=data.time_name)
    if isinstance(data, pd.DataFrame):
        vals = data.to_numpy(dtype=float)
        _check_complete(vals, data.index, data.columns)
        return pd.DataFrame(hp_trend_matrix(vals, lamb), index=data.index, columns=data.columns)
    arr = np.asarray(data, dtype=float)
    if arr.ndim == 2:
        _check_complete(arr, pd.RangeIndex(arr.shape[0]), pd.RangeIndex(arr.shape[1]))
    elif not np.isfinite(arr).all():
        raise DataError("hp_filter: the series has missing or infinite values")
    return hp_trend_matrix(arr, lamb)


def _check_complete(values: np.ndarray, regions: pd.Index, times: pd.Index) -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(values, axis=None)):
            return                  # one pass: a NaN or an infinity makes the sum non-finite
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        n_bad = int(bad.any(axis=1).sum())
        raise DataError(
            f"hp_filter needs complete series: region {regions[i]!r} has no finite value in "
            f"{times[j]!r} ({n_bad} region(s) incomplete; Panel.balanced() keeps complete ones)",
            column=str(times[j]),
        )
