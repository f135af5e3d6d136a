"""Delta convergence: distance to the best performer, and departures from the mean.

For each period t with regions i = 1..n (convergEU, Nicolini & Bugiardini et al., "convergEU";
Eurofound 2018, Upward convergence in the EU):

    delta_t = sum_i |x_best,t - x_it|,   x_best,t = max_i x_it  (or min_i when lower is better)

A falling delta is convergence towards the frontier. Departures per region and period:
from the mean, absolute x_it - m_t and relative (x_it - m_t) / m_t, and from the best,
absolute |x_best,t - x_it| and relative |x_best,t - x_it| / |x_best,t|. The mean m_t is unweighted,
or population-weighted with ``weighted=True``. A period with fewer than 2 regions gives NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._display import displayable
from ..panel import Panel
from ._arrays import check_weight_coverage, check_weights, panel_arrays, valid_mask
from ._checks import check_bool

__all__ = ["DeltaResult", "delta"]


@displayable
@dataclass(frozen=True)
class DeltaResult:
    """``table``: per period ``delta``, ``best``, ``best_region``, ``mean``, ``n``;
    ``departures``: per region and period (long) ``value``, ``from_mean``, ``from_mean_rel``,
    ``from_best``, ``from_best_rel``."""

    table: pd.DataFrame
    departures: pd.DataFrame
    best: str

    @property
    def delta(self) -> pd.Series:
        return self.table["delta"]

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self) -> str:
        d = self.table["delta"].dropna()
        if d.empty:
            return "delta: no period with two regions"
        way = "falls (convergence to the best)" if d.iloc[-1] < d.iloc[0] else "does not fall"
        return (f"delta (best = {self.best}) {way}: {d.iloc[0]:.6g} in {d.index[0]} -> "
                f"{d.iloc[-1]:.6g} in {d.index[-1]}")


def delta(panel: Panel, best: str = "max", weighted: bool = False) -> DeltaResult:
    """Delta convergence: the sum of distances to the best performer per period.

    Parameters
    ----------
    panel : Panel
        Values of one indicator, region x time.
    best : {"max", "min"}, default "max"
        The best performer is the highest value, or the lowest where lower is better (e.g.
        unemployment).
    weighted : bool, default False
        Weight the distances by the panel's weight role.

    Returns
    -------
    DeltaResult
        ``table``: per period ``delta``, ``best``, ``best_region``, ``mean``, ``n``; ``departures``:
        per region and period ``value``, ``from_mean``, ``from_mean_rel``, ``from_best``,
        ``from_best_rel``.

    Notes
    -----
    delta_t = sum_i |y_best,t - y_i,t|; a falling delta is convergence towards the frontier
    (formulas and convergEU's conventions: :mod:`crossborder.measures.frontier`).

    References
    ----------
    Eurofound (2018). Upward convergence in the EU: concepts, measurements and indicators;
    the convergEU R package (Nicolini, Bugiardini et al.).

    Examples
    --------
    >>> from crossborder import Panel, delta
    >>> p = Panel.from_matrix([[1.0, 2.0], [3.0, 3.0], [5.0, 4.0]], regions=["A", "B", "C"],
    ...                       times=[2000, 2001])
    >>> delta(p).table["delta"].tolist()
    [6.0, 3.0]
    """
    if best not in ("max", "min"):
        raise ValueError(f"best must be 'max' or 'min', got {best!r}")
    check_bool("weighted", weighted)
    y, w, regions, times = panel_arrays(panel, weighted)
    tname = panel.time_name
    if w is not None:
        check_weights(w, regions, times)
        check_weight_coverage(y, w, regions, times)
    m = valid_mask(y, w)
    n = m.sum(axis=0)
    yy = np.where(m, y, np.nan)
    filled = np.where(m, y, -np.inf if best == "max" else np.inf)
    pos = filled.argmax(axis=0) if best == "max" else filled.argmin(axis=0)
    top = np.take_along_axis(yy, pos[None, :], axis=0)[0]
    dist = np.abs(top - yy)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(m, dist, 0.0).sum(axis=0)
        if w is None:
            mean = np.where(m, y, 0.0).sum(axis=0) / n
        else:
            w0 = np.where(m, w, 0.0)
            mean = (w0 * np.where(m, y, 0.0)).sum(axis=0) / w0.sum(axis=0)
        from_mean = yy - mean
        from_mean_rel = from_mean / mean
        from_best_rel = dist / np.abs(top)
    few = n < 2
    d[few] = np.nan
    best_region = np.asarray(regions, dtype=object)[pos]
    best_region[n == 0] = None
    table = pd.DataFrame(
        {"delta": d, "best": top, "best_region": best_region, "mean": mean, "n": n},
        index=pd.Index(times, name=tname),
    )
    idx = pd.MultiIndex.from_product([regions, times], names=["region", tname])
    dep = pd.DataFrame(
        {
            "value": yy.ravel(),
            "from_mean": from_mean.ravel(),
            "from_mean_rel": from_mean_rel.ravel(),
            "from_best": dist.ravel(),
            "from_best_rel": from_best_rel.ravel(),
        },
        index=idx,
    )
    dep = dep[m.ravel()].reset_index()
    return DeltaResult(table=table, departures=dep, best=best)
