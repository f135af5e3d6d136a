"""Degenerate inputs, named: the checks shared by the measures in memory and at scale.

A measure on constant values, one period, too few regions or clusters, or a statistic that comes out
negative or not finite is not computed: it raises :class:`~crossborder.errors.DegenerateDataError`
with the reason ("beta not computed: ..."), never a number. The same tests and the same words are
used by :mod:`crossborder.measures` and :mod:`crossborder.scale`, from sums where the data are big.

A spread is nil when the centred sum of squares is below ``(1e-12)^2`` of the raw one,
sum w (v - mean)^2 <= 1e-24 sum w v^2: the values agree to about 12 significant digits, below which
a regression slope, a standard error or a class boundary is rounding, not data.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..errors import DegenerateDataError, FewClustersWarning

__all__ = ["DegenerateDataError", "FewClustersWarning", "MIN_CLUSTERS", "check_statistic", "cluster_warning",
           "nil_spread", "nil_spread_sums", "not_computed"]

#: below this many clusters a cluster-robust standard error is unreliable (Cameron & Miller 2015,
#: J. Human Resources 50: 317-372): a warning; below 2 it is not computed
MIN_CLUSTERS = 20

_REL = 1e-24


def not_computed(what: str, why: str, column: str | None = None) -> DegenerateDataError:
    """The error to raise: "<what> not computed: <why>"."""
    return DegenerateDataError(why, what=what, column=column)


def nil_spread_sums(centred: float, raw: float) -> bool:
    """True when sum w (v - mean)^2 (``centred``) is nil beside sum w v^2 (``raw``)."""
    if not (math.isfinite(centred) and math.isfinite(raw)):
        return False
    return centred <= _REL * raw


def nil_spread(v: Any, weights: Any = None) -> bool:
    """True when the finite values of ``v`` are all equal (to ~12 digits; see the module docstring)."""
    a = np.asarray(v, dtype=float)
    w = np.ones_like(a) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(a) & np.isfinite(w)
    a, w = a[keep], w[keep]
    if len(a) < 2:
        return True
    top = float(np.max(np.abs(a)))
    if top == 0.0:
        return True
    s = a / top  # scaled: no overflow in the squares, no underflow of tiny values
    mean = float(np.average(s, weights=w))
    return nil_spread_sums(float(np.sum(w * (s - mean) ** 2)), float(np.sum(w * s * s)))


def check_statistic(what: str, name: str, value: float, *, positive: bool = True) -> float:
    """``value`` of a test statistic, or the error that says why it is not one.

    An F or chi-square statistic is >= 0 by construction; a negative or non-finite one comes from a
    covariance matrix that is not positive definite (too few clusters, a rank-deficient design) and
    its p-value would be meaningless ("F = -4.9e12, p 1" is not "no pre-trend")."""
    if not math.isfinite(value):
        raise not_computed(what, f"the {name} statistic is not finite ({value}): the covariance "
                                 "matrix is singular (too few clusters or observations for the "
                                 "restrictions tested)")
    if positive and value < 0:
        raise not_computed(what, f"the {name} statistic came out negative ({value:.3g}): the "
                                 "covariance matrix is not positive definite (too few clusters or "
                                 "observations for the restrictions tested)")
    return value


def cluster_warning(n_clusters: int, what: str) -> str | None:
    """Warn (:class:`~crossborder.errors.FewClustersWarning`) when a cluster-robust error rests on
    fewer than :data:`MIN_CLUSTERS` clusters; returns the message (None when there are enough)."""
    if n_clusters >= MIN_CLUSTERS:
        return None
    msg = (f"{what}: {n_clusters} clusters; cluster-robust standard errors are unreliable below "
           f"about {MIN_CLUSTERS} clusters (Cameron & Miller 2015): too small, p-values too low even "
           f"with t({n_clusters - 1}); prefer a wild cluster bootstrap p, or classical/HC errors")
    warnings.warn(msg, FewClustersWarning, stacklevel=3)
    return msg
