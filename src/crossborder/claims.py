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

from .border.geometry import border_line, border_regions, cross_border_pairs
from .border.zones import border_zone, city_distances
from .dataset import Dataset
from .paper import PAPER_AGGLOMERATIONS

__all__ = ["Claim", "PAPER_AGGLOMERATIONS", "check_claims", "border_capitals", "claim_reach",
           "claim_population_in_reach", "zone_of_border_regions", "claim_border_regions",
           "claim_border_length", "claim_gross_product", "claim_gdp_shares", "claim_unemployment",
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


def claim_gross_product(ds: Dataset, year: int = 2019) -> Claim:
    g = grp_usd(ds, year)
    units = g[g["analysis_unit"] & g["border"]]
    total = units["grp_usd"].sum() / 1e9
    tyu = g.loc[g["region"] == "RU-TYU", "grp_usd"].sum() / 1e9
    missing = sorted(set(ds.border_regions["region"]) - set(units["region"]))
    # GRP is positive, so regions without a value can only add to the total
    verdict = SUPPORTED if total > 350 else PARTLY if missing else NOT_SUPPORTED
    return Claim(
        "Total gross product of the border area", "over $350 billion",
        f"${total:,.0f} billion ({len(units)} of 19 regions)", str(year),
        "; ".join(g.attrs.get("sources", [])), verdict,
        f"sum of GRP in {g.attrs.get('unit')}; Tyumen with its okrugs "
        f"contributes ${tyu:,.0f} billion"
        + (f"; no GRP for {', '.join(missing)}, which could only add to the sum" if missing else ""))


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
    g = zone_of_border_regions(ds, distance_km, year).by_group()
    parts = "; ".join(f"{k}: {100 * v:.0f}%" for k, v in g["zone_population_share"].items())
    return Claim(
        "Up to 50% of the employed population within reach of the border", "up to 50%",
        f"population of the border regions within {distance_km:g} km of the border (area-share "
        f"estimate) — {parts}", str(year),
        "ROSSTAT_POP_GEODATA; DOSE_V2_11; KZ_STAT_POP; NATURAL_EARTH_ADMIN1", CANNOT,
        "the data have no employment by place of work or residence; the population share is a proxy, "
        "estimated as each region's population times the share of its area in the zone")


def check_claims(ds: Dataset) -> pd.DataFrame:
    """Every claim the data can speak to, as a table (one row per claim)."""
    claims = [claim_border_regions(ds), claim_border_length(ds), claim_reach(ds),
              claim_population_in_reach(ds), claim_gross_product(ds),
              *claim_gdp_shares(ds), claim_unemployment(ds)]
    return pd.DataFrame([asdict(c) for c in claims])
