"""The study's standard panels: GRP per capita in one currency over a common span of years.

Convergence measures compare the same regions over time. ``study_panel`` picks the indicator in one
currency, keeps the years in which every country of the selection has data and, with
``balanced=True``, the regions observed in all of them; what it leaves out is reported in
``panel.meta["dropped_regions"]`` and ``panel.meta["set_aside"]``, never lost silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .dataset import Dataset
from .panel import Panel

__all__ = ["DEFAULT_INDICATOR", "study_panel", "parse_years"]

#: GRP per capita, converted from local currency at the annual average exchange rate.
DEFAULT_INDICATOR = "grp_per_capita_lcu"


def parse_years(text: str | None) -> tuple[int, int] | list[int] | None:
    """'2008-2019' -> (2008, 2019); '2008,2010,2012' -> [2008, 2010, 2012]; None -> None."""
    if text is None or text == "":
        return None
    t = text.replace("–", "-").replace(":", "-").strip()
    if "-" in t:
        a, b = (int(x) for x in t.split("-", 1))
        return (a, b)
    return [int(x) for x in t.split(",")]


def study_panel(
    ds: Dataset,
    indicator: str = DEFAULT_INDICATOR,
    regions: str | Iterable[str] = "border",
    years: tuple[int, int] | Sequence[int] | None = None,
    currency: str | None = "USD",
    weight: str | None = "population",
    balanced: bool = True,
    min_regions_per_group: int = 2,
    group: str | None = "country",
) -> Panel:
    """A panel ready for convergence measures.

    ``currency`` converts local-currency indicators (ignored for indicators without a currency).
    Without ``years``, the span is the years in which every group (country) has at least
    ``min_regions_per_group`` regions with a value. ``balanced=True`` then keeps only regions with a
    value (and a weight) in every year of the span; the regions dropped are listed in
    ``meta["dropped_regions"]`` with the number of years they had. ``group``: the region column
    that names the sides (None: no groups).
    """
    probe = ds.values(indicator)
    money = probe["unit"].astype(str).str.contains("RUB|KZT|USD", regex=True).any()
    p = ds.panel(indicator, weight=weight, regions=regions, years=years,
                 currency=currency if money else None, group=group)
    m = p.to_matrix()
    groups = p.group_labels()
    have = ~np.isnan(m.values)
    if years is None and groups is not None:
        ok = np.ones(len(m.times), dtype=bool)
        for g in pd.unique(groups):
            rows = (groups == g).to_numpy()
            ok &= have[rows].sum(axis=0) >= min(min_regions_per_group, int(rows.sum()))
        if ok.any():
            idx = np.flatnonzero(ok)
            span = list(m.times[idx[0]: idx[-1] + 1])
            p = _keep_meta(p, p.select(times=span))
            m = p.to_matrix()
            have = ~np.isnan(m.values)
    dropped = pd.DataFrame(columns=["region", "years_with_value", "years_in_span"])
    if balanced:
        full = have.all(axis=1)
        if p.has_weight:
            full &= ~np.isnan(p.weight_matrix().values).any(axis=1)
        if not full.all():
            dropped = pd.DataFrame({"region": m.regions[~full],
                                    "years_with_value": have[~full].sum(axis=1),
                                    "years_in_span": len(m.times)})
            p = _keep_meta(p, p.select(regions=list(m.regions[full])))
    p.meta["dropped_regions"] = dropped.reset_index(drop=True)
    return p


def _keep_meta(old: Panel, new: Panel) -> Panel:
    new.meta.update(old.meta)
    return new
