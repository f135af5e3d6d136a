"""Table 1 of Stepanov et al. (2020) as printed, checked, and set beside the bundled data for 2019.

Table 1 of the paper lists population (thousand) and unemployment (%) in 2019 for the Russian and
Kazakh border regions. Loading it as printed flags what cannot be right: East Kazakhstan's population
printed as "1.369" thousand (a slip for 1,369) and Samara, a border region, missing from the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from ..dataset import Dataset, load_dataset

__all__ = ["Table1", "read_table1_as_printed", "table1_comparison", "table1_side_by_side"]

#: Below this a region's printed population (thousand persons) is implausible for an oblast.
MIN_PLAUSIBLE_POP_THOUSAND = 50.0


@dataclass(frozen=True)
class Table1:
    """Table 1 as printed (``rows``) with the problems found on loading (``issues``)."""

    rows: pd.DataFrame
    issues: tuple[str, ...] = field(default_factory=tuple)


def read_table1_as_printed(ds: Dataset | None = None) -> Table1:
    """Read the bundled Table 1 (values as printed, strings) and check it against the border list.

    Each row gets ``issue`` text where its value is implausible; border regions of ``ds`` (default:
    the built-in ``ru-kz``) missing from the table are listed in ``Table1.issues``.
    """
    path = resources.files("crossborder").joinpath("datasets", "ru_kz", "table1_as_printed.csv")
    with path.open("rb") as fh:
        raw = pd.read_csv(fh, dtype=str, keep_default_na=False)
    rows = raw.copy()
    rows["population_thousand"] = pd.to_numeric(raw["population_thousand"])
    rows["unemployment_pct"] = pd.to_numeric(raw["unemployment_pct"])
    rows["year"] = pd.to_numeric(raw["year"]).astype(int)
    rows["population_as_printed"] = raw["population_thousand"]
    low = rows["population_thousand"] < MIN_PLAUSIBLE_POP_THOUSAND
    rows["issue"] = np.where(
        low,
        "implausible population: printed " + raw["population_thousand"] + " thousand; "
        "evidently " + (rows["population_thousand"] * 1000).round().astype(int).astype(str)
        + " thousand (a slip of the decimal separator)",
        "",
    )
    issues = [f"{r.region_as_printed} ({r.region}): {r.issue}" for r in rows[low].itertuples()]
    if ds is None:

        ds = load_dataset("ru-kz")
    border = ds.border_regions
    missing = border[~border["region"].isin(rows["region"])]
    issues += [f"{r.name} ({r.region}) is a border region but is missing from Table 1"
               for r in missing.itertuples()]
    return Table1(rows=rows, issues=tuple(issues))


def _value(ds: Dataset, indicator: str, region: str, year: int) -> tuple[float, str]:
    obs = ds.observations
    hit = obs[(obs["indicator"] == indicator) & (obs["region"] == region) & (obs["year"] == year)]
    if hit.empty:
        return np.nan, ""
    return float(hit["value"].iloc[0]), str(hit["source"].iloc[0])


def _population_2019(ds: Dataset, region: str, country: str) -> tuple[float, str, str]:
    """The dataset's 2019 population (thousand) in the definition closest to the paper's.

    Russia: Rosstat annual average of 2019 in the vintage current when the paper was written
    (``population_dose``; the post-2021-census revision ``population_avg`` where that is missing).
    Kazakhstan: population at the end of 2019 (1 January 2020, ``population_jan1``).
    """
    if country == "RU":
        for ind in ("population_dose", "population_avg"):
            v, src = _value(ds, ind, region, 2019)
            if not np.isnan(v):
                return v / 1000, src, f"{ind} 2019"
        return np.nan, "", ""
    v, src = _value(ds, "population_jan1", region, 2020)
    return v / 1000, src, "population_jan1 2020 (end of 2019)"


def table1_comparison(ds: Dataset | None = None) -> pd.DataFrame:
    """Table 1 as printed beside the dataset's 2019 values, with differences.

    Columns: side, region, name, pop_printed, pop_data, pop_diff, pop_diff_pct, pop_basis,
    unemp_printed, unemp_data, unemp_diff_pp, sources, issue. Border regions missing from the
    table (Samara) are included with empty printed values and an issue.
    """
    if ds is None:

        ds = load_dataset("ru-kz")
    t1 = read_table1_as_printed(ds)
    printed = t1.rows.set_index("region")
    names = ds.regions.set_index("region")["name"]
    order = list(printed.index) + [r for r in ds.border_regions["region"] if r not in printed.index]
    records = []
    for code in order:
        country = code[:2]
        pop, pop_src, basis = _population_2019(ds, code, country)
        unemp, unemp_src = _value(ds, "unemployment_rate", code, 2019)
        if code in printed.index:
            p = printed.loc[code]
            pop_printed, unemp_printed = p["population_thousand"], p["unemployment_pct"]
            issue, as_printed = p["issue"], p["region_as_printed"]
            pop_as_printed = p["population_as_printed"]
        else:
            pop_printed = unemp_printed = np.nan
            issue, as_printed, pop_as_printed = "border region missing from Table 1", "", ""
        records.append({
            "side": country, "region": code, "name": names.get(code, ""),
            "region_as_printed": as_printed,
            "pop_as_printed": pop_as_printed, "pop_printed": pop_printed, "pop_data": pop,
            "pop_diff": pop - pop_printed,
            "pop_diff_pct": 100 * (pop - pop_printed) / pop_printed,
            "pop_basis": basis,
            "unemp_printed": unemp_printed, "unemp_data": unemp,
            "unemp_diff_pp": unemp - unemp_printed,
            "sources": ";".join(sorted({s for s in (pop_src, unemp_src, "STEPANOV2020") if s})),
            "issue": issue,
        })
    return pd.DataFrame.from_records(records)


def table1_side_by_side(comparison: pd.DataFrame) -> pd.DataFrame:
    """The comparison laid out as in the paper: Russian regions left, Kazakh regions right."""
    cols = ["name", "pop_printed", "pop_data", "unemp_printed", "unemp_data"]
    view = comparison.copy()
    view["name"] = view["region_as_printed"].where(view["region_as_printed"] != "",
                                                   view["name"] + " (not in Table 1)")
    view["pop_printed"] = view["pop_as_printed"]
    ru = view[view["side"] == "RU"][cols].reset_index(drop=True)
    kz = view[view["side"] == "KZ"][cols].reset_index(drop=True)
    ru.columns = pd.MultiIndex.from_product([["Russia"], cols])
    kz.columns = pd.MultiIndex.from_product([["Kazakhstan"], cols])
    return pd.concat([ru, kz], axis=1)
