"""One vocabulary for standard errors: ``cov_type=``, spelled as statsmodels spells it.

``cov_type`` (case-insensitive) is one of ``"nonrobust"`` (classical OLS), ``"HC0"``..``"HC3"``
(White 1980; MacKinnon & White 1985), ``"HAC"`` (Newey & West 1987; time series only) or ``"cluster"``
(Liang & Zeger 1986; with ``cluster=``). The old names of the argument (``robust``, ``se_type``,
``se_types``, ``beta_se``, ``trend_se``, ``hac``) and the old spellings of classical errors
(``None``, ``"classical"``) still work and raise a :class:`DeprecationWarning`.

Robust inference in small samples uses Student's t with the residual degrees of freedom (n - k; G - 1
for G clusters), not the normal: statsmodels' ``use_t=True``. Fewer than :data:`MIN_CLUSTERS` clusters
warn (:class:`FewClustersWarning`): cluster-robust errors from a handful of clusters are too small
(Cameron, Gelbach & Miller 2008, REStat 90; Cameron & Miller 2015, JHR 50).
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from .. import errors as _errors
from ._degenerate import MIN_CLUSTERS  # below MIN_CLUSTERS clusters: a FewClustersWarning

__all__ = ["COV_TYPES", "MIN_CLUSTERS", "CovType", "FewClustersWarning", "cov_type_arg",
           "normalize_cov_type"]

CovType = Literal["nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC", "cluster"]
COV_TYPES: tuple[str, ...] = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC", "cluster")


class _Unset:
    def __repr__(self) -> str:
        return "<deprecated>"


#: default of a deprecated argument: not given
UNSET: Any = _Unset()


FewClustersWarning = _errors.FewClustersWarning  # one class: crossborder.errors.FewClustersWarning


def normalize_cov_type(value: Any, allowed: tuple[str, ...] = COV_TYPES, name: str = "cov_type",
                       stacklevel: int = 3) -> str:
    """The canonical spelling of a ``cov_type`` (``"hc1"`` -> ``"HC1"``); ``None`` and
    ``"classical"`` give ``"nonrobust"`` with a DeprecationWarning; anything else is a ValueError
    that lists the choices."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "classical"):
        warnings.warn(f"{name}={value!r} for classical standard errors is deprecated: write "
                      "cov_type='nonrobust' (as statsmodels)", DeprecationWarning, stacklevel=stacklevel)
        value = "nonrobust"
    canonical = {c.lower(): c for c in COV_TYPES}
    key = value.strip().lower() if isinstance(value, str) else None
    if key not in canonical or canonical[key] not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))} (any case), got {value!r}")
    return canonical[key]


def cov_type_arg(cov_type: Any, default: str, allowed: tuple[str, ...] = COV_TYPES,
                 func: str = "", stacklevel: int = 3, **old: Any) -> str:
    """``cov_type`` resolved against the deprecated old-name arguments in ``old`` (name -> value,
    :data:`UNSET` when not given): giving an old name warns (DeprecationWarning) and is used;
    giving both is a TypeError. ``cov_type=None`` is ``default``."""
    given = {k: v for k, v in old.items() if v is not UNSET}
    if len(given) > 1 or (given and cov_type is not None):
        raise TypeError(f"{func}: give cov_type= only (not {', '.join(given)})")
    if given:
        (name, value), = given.items()
        warnings.warn(f"{func}({name}=...) is deprecated: use cov_type= (e.g. cov_type='HC1'; "
                      "'nonrobust' for classical errors)", DeprecationWarning, stacklevel=stacklevel)
        if value is None:
            return "nonrobust"
        return normalize_cov_type(value, allowed, name=name, stacklevel=stacklevel + 1)
    if cov_type is None:
        return default
    return normalize_cov_type(cov_type, allowed, stacklevel=stacklevel + 1)
