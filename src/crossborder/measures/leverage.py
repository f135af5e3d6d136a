"""Leverage one: when HC2 and HC3 standard errors do not exist.

The leverage of observation i is ``h_ii = x_i (X'X)^+ x_i'`` (weighted least squares: of the rows of
``sqrt(w) X``). HC2 scales each squared residual by ``1 / (1 - h_ii)`` and HC3 by ``1 / (1 - h_ii)^2``
(MacKinnon & White 1985, J. Econometrics 29: 305-325). An observation with ``h_ii = 1`` alone fixes
a coefficient — the only region of its side in a regression with a side dummy — so its residual is
0 and HC2/HC3 divide 0 by 0: what floating point returns then (NaN, or a finite number of any size
from the rounding of both) is noise, not a standard error.

The rule is per coefficient. With ``A = (X'X)^+ X'``, HC2/HC3 give ``Var(b_k) = sum_i A_ki^2 e_i^2
c_i``. A coefficient that an observation of leverage 1 does not move (``A_ki = 0``: beta, when the
lone region only fixes its side's dummy) has the term ``0 * 0/0``, whose limit is 0: its errors are
computed with those terms 0 (the sandwich without the observation). A coefficient it moves (the
side dummy; a slope fixed by two periods) has no HC2/HC3 errors: named, never computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["LEVERAGE_TOL", "LEVERAGE_SE", "hat_diagonal", "full_leverage", "leverage_one", "moved_by",
           "hc_factor", "hc_se", "leverage_one_reason"]

#: a leverage within this of 1 is 1 (rounding of a QR/SVD is ~1e-15)
LEVERAGE_TOL = 1e-8
#: the covariances that divide by 1 - h_ii
LEVERAGE_SE = ("HC2", "HC3")


def _hat_and_pinv(X: Any, weights: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """``(h, A)``: the hat diagonal and ``A = (X'X)^+ X'`` of ``sqrt(w) X``, from one SVD (the
    singular vectors of non-zero singular values: a rank-deficient design as by the pseudo-inverse)."""
    Xw = np.asarray(X, dtype=float)
    if Xw.ndim == 1:
        Xw = Xw[:, None]
    if weights is not None:
        Xw = Xw * np.sqrt(np.asarray(weights, dtype=float))[:, None]
    u, s, vt = np.linalg.svd(Xw, full_matrices=False)
    keep = s > s.max(initial=0.0) * max(Xw.shape) * np.finfo(float).eps
    u, s, vt = u[:, keep], s[keep], vt[keep]
    return np.einsum("ij,ij->i", u, u), (vt.T / s) @ u.T


def hat_diagonal(X: Any, weights: Any = None) -> np.ndarray:
    """``h_ii`` of the design ``X`` (n x k), weighted: of ``sqrt(w) X``."""
    return _hat_and_pinv(X, weights)[0]


def leverage_one(X: Any, weights: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """``(lone, moved)``: the observations of leverage 1, and per coefficient whether one of them
    moves it (:func:`moved_by`) — a moved coefficient has no HC2/HC3 errors."""
    h, A = _hat_and_pinv(X, weights)
    lone = h >= 1.0 - LEVERAGE_TOL
    return lone, moved_by(A, lone)


def full_leverage(X: Any, weights: Any = None) -> np.ndarray:
    """Boolean mask of the observations whose leverage is 1 (within :data:`LEVERAGE_TOL`)."""
    return hat_diagonal(X, weights) >= 1.0 - LEVERAGE_TOL


def leverage_one_reason(se_type: str, labels: Sequence[Any]) -> str:
    """Why ``se_type`` errors are not computed when the observations ``labels`` have leverage 1."""
    names = ", ".join(str(x) for x in list(labels)[:5]) + (", ..." if len(labels) > 5 else "")
    return (f"{se_type} errors do not exist: {names} {'has' if len(labels) == 1 else 'have'} "
            "leverage 1 (alone fixing a coefficient, e.g. the only region of its side with a side "
            f"dummy), so the residual is 0 and {se_type} divides 0 by 0; use HC1 or classical errors, "
            "or more regions")


def moved_by(A: np.ndarray, lone: np.ndarray) -> np.ndarray:
    """Per coefficient (a row of ``A = (X'X)^+ X'``), whether an observation of ``lone`` (leverage
    1) moves it: an entry above :data:`LEVERAGE_TOL` times the row's largest."""
    A = np.asarray(A, dtype=float)
    if not np.any(lone):
        return np.zeros(A.shape[0], dtype=bool)
    scale = np.abs(A).max(axis=1, keepdims=True)
    return (np.abs(A[:, lone]) > LEVERAGE_TOL * scale).any(axis=1)


def hc_factor(h: np.ndarray, se_type: str, lone: np.ndarray) -> np.ndarray:
    """``c_i`` of HC2 (``1 / (1 - h_i)``) or HC3 (``1 / (1 - h_i)^2``), 0 for the observations of
    ``lone`` (their term is ``A_ki^2 e_i^2 c_i`` with ``A_ki = 0``: see the module docstring)."""
    h = np.asarray(h, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = 1.0 / (1.0 - h) if se_type == "HC2" else 1.0 / (1.0 - h) ** 2
    return np.where(lone, 0.0, c)


def hc_se(X: Any, resid: Any, k: int, se_type: str, labels: Sequence[Any] | None = None
          ) -> tuple[float, str | None]:
    """The HC2/HC3 standard error of coefficient ``k`` of the (weighted) design ``X`` with residuals
    ``resid`` (of the weighted fit: ``sqrt(w) X`` and ``sqrt(w) e``), by the rule of the module
    docstring; ``(nan, reason)`` when an observation of leverage 1 moves it."""
    e = np.asarray(resid, dtype=float)
    h, A = _hat_and_pinv(X)
    lone = h >= 1.0 - LEVERAGE_TOL
    if moved_by(A, lone)[k]:
        names = np.flatnonzero(lone) if labels is None else np.asarray(labels)[lone]
        return float("nan"), leverage_one_reason(se_type, list(names))
    return float(np.sqrt((A[k] ** 2 * e ** 2 * hc_factor(h, se_type, lone)).sum())), None
