"""The paper's quantitative claims, each beside what the data give.

Stepanov et al. (2020) state: 12 Russian + 7 Kazakh border regions; a border of 7,512 km; a total
gross product of the border area over $350 billion; the Kazakh border regions 36% of Kazakhstan's
GDP and the Russian ones 12% of Russia's (without Tyumen's okrugs); unemployment lower on the
Kazakh side except against Tyumen and Orenburg. Each ``claim_*`` function returns one
:class:`Claim` with the value the data give, the year, the sources and a verdict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..border.geometry import border_line, border_regions, cross_border_pairs
from ..border.zones import border_zone, city_distances
from ..dataset import Dataset
from .paper import PAPER_AGGLOMERATIONS

__all__ = ["Claim", "PAPER_AGGLOMERATIONS", "check_claims", "border_capitals", "claim_reach",
           "claim_population_in_reach", "zone_of_border_regions", "claim_border_regions",
           "claim_border_length", "claim_gross_product", "claim_gross_product_karpenko",
           "gross_product_by_year", "claim_gdp_shares", "claim_unemployment",
           "grp_usd", "unemployment_pairs"]

SUPPORTED, NOT_SUPPORTED, PARTLY, CANNOT = "supported", "not supported", "partly", "cannot be checked"


@dataclass(frozen=True)
class Claim:
    claim: str
    paper: str
    data: str
    year: str
    sources: str
    verdict: str
    note: str = ""


def claim_border_regions(ds: Dataset) -> Claim:
    """Border regions derived from the polygons (edge or point contact) vs the paper's 12 + 7."""
    touching = border_regions(ds.base_regions, "country", "RU", "KZ")
    units = set(ds.unit_of(touching["region"]))
    flagged = set(ds.border_regions["region"])
    n_ru = sum(c.startswith("RU-") for c in units)
    n_kz = sum(c.startswith("KZ-") for c in units)
    points = touching.loc[touching["contact"] == "point", "region"].tolist()
    verdict = SUPPORTED if units == flagged and (n_ru, n_kz) == (12, 7) else NOT_SUPPORTED
    return Claim(
        "Russian and Kazakh regions on the border", "12 + 7", f"{n_ru} + {n_kz}", "2019 boundaries",
        "NATURAL_EARTH_ADMIN1", verdict,
        "derived from shared edges of the polygons; Tyumen's southern part (RU-TYU-XAO) stands for "
        "Tyumen" + (f"; touching only at a point: {', '.join(points)}" if points else ""))


def claim_border_length(ds: Dataset) -> Claim:
    line = border_line(ds.base_regions, "country", "RU", "KZ")
    ratio = line.length_km / 7512.0
    verdict = SUPPORTED if abs(ratio - 1) <= 0.05 else PARTLY if abs(ratio - 1) <= 0.15 else NOT_SUPPORTED
    return Claim(
        "Length of the Russia–Kazakhstan border", "7,512 km", f"{line.length_km:,.0f} km",
        "2019 boundaries", "NATURAL_EARTH_ADMIN1", verdict,
        f"geodesic length of the shared edges of generalised polygons ({100 * (ratio - 1):+.1f}%); "
        "generalisation shortens a winding line, so a shortfall of some percent is expected")


def grp_usd(ds: Dataset, year: int, currency: str = "USD") -> pd.DataFrame:
    """GRP of every region in ``year`` in USD (or PPP), from ``grp_lcu`` at the national rate."""
    codes = [c for c in ds.regions["region"]]
    p = ds.panel("grp_lcu", regions=codes, years=[year], currency=currency, group=None)
    out = p.frame[["region", "value"]].rename(columns={"value": "grp_usd"})
    out = out.merge(ds.regions[["region", "country", "border", "analysis_unit"]], on="region")
    out.attrs.update(sources=list(p.meta["sources"]), unit=p.unit)
    return out


#: Tyumen with its two oil okrugs, and Tyumen Oblast without them (the part on the border).
TYUMEN, TYUMEN_SOUTH = "RU-TYU", "RU-TYU-XAO"


def gross_product_by_year(ds: Dataset, years: range | list[int] = range(2008, 2024)) -> pd.DataFrame:
    """Sum of the border regions' GRP in USD per year: ``total_bn`` (Tyumen with its okrugs, the
    published unit), ``okrugs_bn`` (Tyumen minus Tyumen Oblast without the okrugs),
    ``without_okrugs_bn`` (Tyumen counted by its southern part, from the years it has GRP),
    ``n_regions`` (border units with a value; all 19 make the sum complete)."""
    years = list(years)
    codes = list(ds.regions["region"])
    p = ds.panel("grp_lcu", regions=codes, years=(min(years), max(years)), currency="USD", group=None)
    f = p.frame[["region", "time", "value"]].merge(
        ds.regions[["region", "border", "analysis_unit"]], on="region")
    sources = set(p.meta.get("sources", []))
    rows = []
    n_units = len(ds.border_regions)
    for year, g in f[f["time"].isin(years)].groupby("time", sort=True):
        units = g[g["analysis_unit"] & g["border"]]
        total = units["value"].sum() / 1e9
        tyu = g.loc[g["region"] == TYUMEN, "value"]
        south = g.loc[g["region"] == TYUMEN_SOUTH, "value"]
        has_south = len(south) > 0 and len(tyu) > 0 and np.isfinite(south.iloc[0])
        okrugs = (tyu.iloc[0] - south.iloc[0]) / 1e9 if has_south else np.nan
        rows.append({"year": int(year), "n_regions": len(units), "complete": len(units) == n_units,
                     "total_bn": total, "okrugs_bn": okrugs,
                     "without_okrugs_bn": total - okrugs if has_south else np.nan})
    out = pd.DataFrame(rows)
    out.attrs["sources"] = sorted(sources)
    return out


def _years_text(years: list[int]) -> str:
    """'2015–2017, 2020' from [2015, 2016, 2017, 2020]."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def claim_gross_product(ds: Dataset, threshold_bn: float = 350.0, paper: str = "over $350 billion",
                        claim: str = "Total gross product of the border area",
                        table: pd.DataFrame | None = None) -> Claim:
    """The sum of the border regions' GRP against ``threshold_bn`` in every year in which it can be
    measured with and without Tyumen's okrugs (complete years from the first with southern Tyumen's
    GRP). Supported only when above in every such year in both counts; partly when above in some
    years or only with the okrugs (the note says when and why); not supported when never above."""
    t = gross_product_by_year(ds) if table is None else table
    both = t[t["complete"] & t["without_okrugs_bn"].notna()]
    if both.empty:
        return Claim(claim, paper, "no complete year", "", "", CANNOT)
    above = both.loc[both["total_bn"] > threshold_bn, "year"].tolist()
    below = both.loc[both["total_bn"] <= threshold_bn, "year"].tolist()
    wo_above = both.loc[both["without_okrugs_bn"] > threshold_bn, "year"].tolist()
    best = both.loc[both["total_bn"].idxmax()]
    wo_best = both.loc[both["without_okrugs_bn"].idxmax()]
    last = both.iloc[-1]
    span = f"{int(both['year'].min())}–{int(both['year'].max())}"
    if len(below) == 0 and len(wo_above) == len(both):
        verdict = SUPPORTED
    elif above:
        verdict = PARTLY
    else:
        verdict = NOT_SUPPORTED
    data = (f"${last['total_bn']:,.0f} billion in {int(last['year'])} "
            f"(all {int(last['n_regions'])} regions); "
            f"above ${threshold_bn:,.0f} billion in {len(above)} of {len(both)} years {span}"
            + (f", below in {_years_text(below)}" if below and above else "")
            + f"; at most ${best['total_bn']:,.0f} billion ({int(best['year'])})")
    share = 100 * both["okrugs_bn"] / both["total_bn"]
    note = (f"sum of GRP in USD at the annual exchange rate (WDI); Tyumen's okrugs supply "
            f"${last['okrugs_bn']:,.0f} billion ({share.iloc[-1]:.0f}%) of the {int(last['year'])} sum "
            f"({share.min():.0f}–{share.max():.0f}% over {span}). Without the okrugs (Tyumen by its "
            f"southern part, the paper's own definition for its 12% figure) the sum is "
            + (f"above ${threshold_bn:,.0f} billion only in {_years_text(wo_above)}"
               if wo_above else f"never above ${threshold_bn:,.0f} billion")
            + f" (at most ${wo_best['without_okrugs_bn']:,.0f} billion, {int(wo_best['year'])}).")
    if verdict == PARTLY:
        note += (" Partly: it holds only with the okrugs" if not wo_above else " Partly")
        note += (f" and only in {_years_text(above)}" if below else "") + "."
    later = t[~t["complete"]]
    if len(later):
        note += (" Years with GRP for fewer regions (" + _years_text(later["year"].tolist()) +
                 ") are lower bounds and not judged: at least $"
                 + ", $".join(f"{v:,.0f}" for v in later["total_bn"]) + " billion.")
    return Claim(claim, paper, data, span, "; ".join(t.attrs.get("sources", [])), verdict, note)


def claim_gross_product_karpenko(ds: Dataset, table: pd.DataFrame | None = None) -> Claim:
    """The paper's "more than $500 billion" (after Karpenko), by the same rule."""
    return claim_gross_product(ds, 500.0, "more than $500 billion (Karpenko, cited by the paper)",
                               "Gross product of the border area (Karpenko's figure)", table)


def claim_gdp_shares(ds: Dataset) -> list[Claim]:
    """Border regions' share of the sum of all regions' GRP, per country (Russia without okrugs)."""
    out = []
    grp = ds.observations[ds.observations["indicator"] == "grp_lcu"]
    r = ds.regions.set_index("region")
    for country, paper, years in (("KZ", "36%", (2019,)), ("RU", "12%", (2020, 2021))):
        for year in years:
            g = grp[(grp["year"] == year)].set_index("region")["value"]
            units = r[(r["country"] == country) & r["analysis_unit"]].index
            total = g.reindex(units).sum()
            border = list(r[(r["country"] == country) & r["border"] & r["analysis_unit"]].index)
            note = "share of the sum of all regions' GRP"
            if country == "RU":
                border = [c if c != "RU-TYU" else "RU-TYU-XAO" for c in border]
                note += "; Tyumen without its okrugs (RU-TYU-XAO), which has GRP from 2011"
            have = g.reindex(border).dropna()
            share = 100 * have.sum() / total
            missing = sorted(set(border) - set(have.index))
            if missing:
                note += f"; no GRP for {', '.join(missing)}"
            ok = abs(share - float(paper.rstrip("%"))) <= 2
            out.append(Claim(
                f"{'Kazakh' if country == 'KZ' else 'Russian'} border regions' share of national GDP",
                paper, f"{share:.1f}%", str(year),
                "; ".join(sorted(set(grp[grp["year"] == year].set_index("region")["source"]
                                     .reindex(list(units) + border).dropna()))),
                SUPPORTED if ok else NOT_SUPPORTED, note))
    return out


def unemployment_pairs(ds: Dataset, year: int = 2019) -> pd.DataFrame:
    """Unemployment on the two sides of every cross-border pair of neighbours in ``year``."""
    pairs = cross_border_pairs(ds.base_regions, "country", "RU", "KZ")
    pairs = pd.DataFrame(pairs.drop(columns="geometry"))
    pairs["ru"] = ds.unit_of(pairs["a_region"])
    pairs["kz"] = ds.unit_of(pairs["b_region"])
    u = ds.observations[(ds.observations["indicator"] == "unemployment_rate")
                        & (ds.observations["year"] == year)].set_index("region")["value"]
    out = pairs[["ru", "kz", "contact", "length_km"]].copy()
    out["unemp_ru"] = out["ru"].map(u)
    out["unemp_kz"] = out["kz"].map(u)
    out["kz_lower"] = np.where(out[["unemp_ru", "unemp_kz"]].notna().all(axis=1),
                               out["unemp_kz"] < out["unemp_ru"], np.nan)
    out["year"] = year
    return out.sort_values(["ru", "kz"], ignore_index=True)


def claim_unemployment(ds: Dataset, year: int = 2019) -> Claim:
    t = unemployment_pairs(ds, year)
    known = t.dropna(subset=["unemp_ru", "unemp_kz"])
    higher = sorted(set(known.loc[known["kz_lower"] == 0, "ru"]))
    missing = sorted(set(t["ru"]) - set(known["ru"]))
    expected = {"RU-TYU", "RU-ORE"}
    verdict = SUPPORTED if set(higher) == expected else PARTLY if set(higher) & expected else NOT_SUPPORTED
    return Claim(
        "Unemployment lower on the Kazakh side, except against Tyumen and Orenburg",
        "exceptions: Tyumen, Orenburg",
        f"Kazakh side lower in {int((known['kz_lower'] == 1).sum())} of {len(known)} neighbour pairs; "
        f"exceptions: {', '.join(higher) or 'none'}", str(year),
        "KZ_STAT_UNEMP; WIKI_EN_RU_UNEMP; OMSKSTAT_UNEMP", verdict,
        f"no {year} rate for {', '.join(missing)}" if missing else "")


def border_capitals(ds: Dataset) -> pd.DataFrame:
    """The capitals of the 19 border regions: distance to the border and to the nearest capital
    of a border region across it (geodesic km)."""
    r = ds.regions
    border_codes = set(r.loc[r["border"] | r["border_part"], "region"])
    cities = ds.cities
    is_cap = cities["capital_of"].fillna("").str.split(";").map(lambda c: bool(border_codes & set(c)))
    caps = cities[is_cap & cities["capital"]]
    d = city_distances(caps, ds.base_regions)
    d["region"] = ds.unit_of(d["region"])
    return d[["city", "country", "region", "population", "border_km", "across", "across_km"]].sort_values(
        "border_km", ignore_index=True)


def claim_reach(ds: Dataset, reach_km: float = 150.0) -> Claim:
    d = border_capitals(ds)
    near = d[d["border_km"] <= reach_km]
    across = d["across_km"]
    verdict = PARTLY if len(near) >= len(d) / 2 else NOT_SUPPORTED
    return Claim(
        "The nearest regional centre within about 150 km (1.5 hours)", "about 150 km",
        f"{len(near)} of {len(d)} border-region capitals lie within {reach_km:g} km of the border "
        f"(median {d['border_km'].median():.0f} km); the nearest capital across the border is "
        f"{across.min():.0f}–{across.max():.0f} km away (median {across.median():.0f} km)",
        "2019 boundaries", "NATURAL_EARTH_ADMIN1; GEONAMES_CITIES", verdict,
        "straight-line (geodesic) distances; travel times are not in the data")


def zone_of_border_regions(ds: Dataset, distance_km: float = 150.0, year: int = 2019):
    """The border zone of the border regions' own polygons, with population (area-share estimate)."""
    r = ds.base_regions
    border_units = r[r["border"] | r["border_part"]]
    pop = ds.panel("population", regions=list(border_units["region"]), years=[year], group=None)
    return border_zone(border_units, distance_km, population=pop, year=year, cities=ds.cities)


def claim_population_in_reach(ds: Dataset, distance_km: float = 150.0, year: int = 2019) -> Claim:
    """'Up to 50% of the employed within reach of the border', judged on two proxies (the data have
    no employment by place): the population of the border regions within ``distance_km`` of the
    border spread evenly over each region's area, and the population of the towns and cities
    (GeoNames points) within that distance. Supported when both stay at or below 50% on both
    sides (allowing 55%), partly when only one does, not supported when neither does."""
    g = zone_of_border_regions(ds, distance_km, year).by_group()
    even = g["zone_population_share"]
    cities = g["zone_cities_population"] / g["cities_population"]
    even_ok = bool((even <= 0.55).all())
    city_ok = bool((cities <= 0.55).all())
    verdict = SUPPORTED if even_ok and city_ok else PARTLY if even_ok or city_ok else NOT_SUPPORTED
    parts_even = "; ".join(f"{k}: {100 * v:.0f}%" for k, v in even.items())
    parts_city = "; ".join(f"{k}: {100 * v:.0f}%" for k, v in cities.items())
    over = [k for k, v in cities.items() if v > 0.55]
    return Claim(
        "Up to 50% of the employed population within reach of the border", "up to 50%",
        f"within {distance_km:g} km of the border — even-density proxy: {parts_even}; city "
        f"populations: {parts_city}", str(year),
        "ROSSTAT_POP_GEODATA; DOSE_V2_11; KZ_STAT_POP; NATURAL_EARTH_ADMIN1; GEONAMES_CITIES", verdict,
        "the data have no employment by place of work or residence; the even-density proxy spreads "
        "each region's population over its area, the city proxy counts the towns and cities (where "
        "most of the employed live)"
        + (f"; by city populations the share on side {', '.join(over)} is well above 50%, so 'up to "
           "50%' understates it there" if over else ""))


def check_claims(ds: Dataset) -> pd.DataFrame:
    """Every claim the data can speak to, as a table (one row per claim)."""
    gp = gross_product_by_year(ds)
    claims = [claim_border_regions(ds), claim_border_length(ds), claim_reach(ds),
              claim_population_in_reach(ds), claim_gross_product(ds, table=gp),
              claim_gross_product_karpenko(ds, table=gp),
              *claim_gdp_shares(ds), claim_unemployment(ds)]
    return pd.DataFrame([asdict(c) for c in claims])
