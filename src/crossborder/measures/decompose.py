"""Between/within-group decomposition of Theil T and the mean log deviation, per period.

With groups = the two countries of a border area, the between part is the inequality the border
explains: how far apart the two sides are, against how unequal each side is inside.

For one period, with population shares p_i, income shares s_i, group shares p_g = sum_{i in g} p_i,
s_g = sum_{i in g} s_i, group means mu_g and the overall mean mu (Shorrocks 1980, Econometrica 48;
Cowell 2011, Measuring Inequality, ch. 7):

* Theil T:  between = sum_g s_g ln(s_g / p_g) = sum_g s_g ln(mu_g / mu),
  within = sum_g s_g T_g;
* MLD (Theil L):  between = sum_g p_g ln(p_g / s_g) = sum_g p_g ln(mu / mu_g),
  within = sum_g p_g L_g;

and total = between + within exactly (within is computed as total - between, which is the same
quantity; the tests check it against sum_g s_g T_g computed group by group). Unweighted, each region
counts as one person (p_i = 1/n): this is PySAL's ``inequality.theil.TheilD``. Weighted, p_i are the
population shares from the panel's weight role and s_i = p_i y_i / mu the income shares.

Group totals per period come from one sparse one-hot (G x N) product with the N x T arrays: no loop
over years or groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, special

from ..errors import DataError
from ..panel import Panel
from ._arrays import as_2d, group_codes, panel_arrays, weights_like
from ._checks import check_bool
from ._degenerate import not_computed
from .dispersion import _measure

__all__ = ["NIL_INEQUALITY", "check_inequality", "decompose", "decompose_array"]

#: Theil T and MLD are ~ var/2 for small deviations: below 1e-20 the values agree to ~10 digits
NIL_INEQUALITY = 1e-20


def check_inequality(total: np.ndarray, n: np.ndarray, index: str, times: Any = None) -> None:
    """Refuse a decomposition of no inequality (shared with :mod:`crossborder.scale`): the values
    are equal within every period (Theil or MLD nil wherever two regions count)."""
    total = np.asarray(total, dtype=float)
    counted = (np.asarray(n) >= 2) & np.isfinite(total)
    if counted.any() and (total[counted] <= NIL_INEQUALITY).all():
        raise not_computed("decomposition", f"the values are the same in every region in every "
                                            f"period ({index} = 0): there is no inequality to "
                                            "split between and within groups")


def decompose_array(
    values: Any,
    groups: Sequence[Any] | np.ndarray,
    index: str = "theil",
    weights: Any = None,
    *,
    regions: Sequence[Any] | None = None,
    times: Sequence[Any] | None = None,
) -> dict[str, np.ndarray]:
    """Decompose an N x T array by the group of each row: a dict of length-T arrays ``total``,
    ``between``, ``within``, ``between_share``, ``n`` and ``n_groups`` (groups present that period).
    """
    if index not in ("theil", "mld"):
        raise ValueError(f"index must be 'theil' or 'mld', got {index!r}")
    y = as_2d(values)
    codes, labels = group_codes(groups, regions)
    if len(codes) != y.shape[0]:
        raise ValueError(f"{len(codes)} group labels for {y.shape[0]} regions")
    w = weights_like(weights, y, regions, times)

    # total (also validates the values: >= 0 for Theil, > 0 for MLD, naming region and year); its
    # prepared arrays (mask, values and weights with 0 where a region does not count) serve the
    # group sums below
    total, prep = _measure(y, w, index, regions=regions, times=times)
    n = prep.n

    n_reg, n_t = y.shape
    if prep.full:
        # no weight and no missing value: the population of a group is its number of regions
        w0 = None
        wy = prep.y0  # the values as the kernel saw them (divided by their maximum if extreme)
    else:
        w0 = prep.mask().astype(float) if w is None else prep.w0
        wy = prep.y0 if w is None else prep.w0 * prep.y0
    onehot = sparse.csr_matrix(
        (np.ones(n_reg), (codes, np.arange(n_reg))), shape=(len(labels), n_reg)
    )
    if w0 is None:
        pop_g = np.repeat(np.bincount(codes, minlength=len(labels))[:, None].astype(float), n_t, 1)
    else:
        pop_g = onehot @ w0  # G x T
    inc_g = onehot @ wy
    with np.errstate(divide="ignore", invalid="ignore"):
        p_g = pop_g / pop_g.sum(axis=0)
        s_g = inc_g / inc_g.sum(axis=0)
        present = pop_g > 0
        if index == "theil":
            ratio = np.where(present, s_g / np.where(present, p_g, 1.0), 1.0)
            between = special.xlogy(np.where(present, s_g, 0.0), ratio).sum(axis=0)
        else:
            ratio = np.where(present, p_g / np.where(present, s_g, 1.0), 1.0)
            between = special.xlogy(np.where(present, p_g, 0.0), ratio).sum(axis=0)
    between = np.where(np.isnan(total), np.nan, between)
    within = total - between
    with np.errstate(divide="ignore", invalid="ignore"):
        # no inequality in a period (equal values): no share of it to attribute, NaN
        share = np.where(total > NIL_INEQUALITY, between / total, np.nan)
    return {
        "total": total,
        "between": between,
        "within": within,
        "between_share": share,
        "n": n,
        "n_groups": present.sum(axis=0),
    }


def decompose(
    panel: Panel,
    index: str = "theil",
    by: str | pd.Series | dict | None = "group",
    weighted: bool = False,
) -> pd.DataFrame:
    """Between/within-group decomposition of inequality per period.

    Parameters
    ----------
    panel : Panel
        Levels of one indicator, region x time.
    index : {"theil", "mld"}, default "theil"
        Theil T or the mean log deviation (Theil L).
    by : "group", str, Series or dict, default "group"
        ``"group"`` (or the name of the panel's group role, e.g. ``"country"``) for the panel's
        groups, or a Series/dict mapping region -> group.
    weighted : bool, default False
        Weight regions by the panel's weight role (population).

    Returns
    -------
    DataFrame
        Indexed by time with ``total``, ``between``, ``within``, ``between_share``, ``n`` (regions)
        and ``n_groups``.

    Notes
    -----
    Theil T = B + W with B = sum_g s_g ln(mean_g / mean) and W = sum_g s_g T_g (s_g: the group's
    share of the total); MLD: B = sum_g p_g ln(mean / mean_g), W = sum_g p_g L_g (p_g: the group's
    share of the regions or weight). Formulas: :mod:`crossborder.measures.decompose`.

    References
    ----------
    Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
    Econometrica 48: 613-625.

    Examples
    --------
    >>> from crossborder import Panel, decompose
    >>> p = Panel.from_matrix([[1.0], [1.0], [2.0], [2.0]], regions=list("ABCD"), times=[2000],
    ...                       groups={"A": "X", "B": "X", "C": "Y", "D": "Y"})
    >>> round(float(decompose(p).loc[2000, "between_share"]), 6)
    1.0
    """
    if index not in ("theil", "mld"):
        raise ValueError(f"index must be 'theil' or 'mld', got {index!r}")
    check_bool("weighted", weighted)
    y, w, regions, times = panel_arrays(panel, weighted)
    if by is None or (isinstance(by, str) and by in ("group", panel.group_name)):
        g = panel.group_labels()
        if g is None:
            raise DataError("the panel has no group role: build it with group=... or pass by=",
                            column="group")
    elif isinstance(by, str):
        raise DataError(f"by={by!r} is not the panel's group role ({panel.group_name!r}); pass a "
                        "Series or dict region -> group instead", column="group")
    else:
        g = pd.Series(by).reindex(regions)
    res = decompose_array(y, g, index, w, regions=regions, times=times)
    check_inequality(res["total"], res["n"], index, times)
    df = pd.DataFrame(res, index=pd.Index(times, name=panel.time_name))
    df.attrs.update(index=index, weighted=weighted, indicator=panel.indicator)
    return df
