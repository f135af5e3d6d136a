"""The paper's quantitative claims and its thesis, each beside what the data give and on which basis.

Stepanov et al. (2020) state: 12 Russian + 7 Kazakh border regions; a border of 7,512 km; a total
gross product of the border area over $350 billion (and, after Karpenko, more than $500 billion);
the Kazakh border regions 36% of Kazakhstan's GDP and the Russian ones 12% of Russia's (without
Tyumen's okrugs); unemployment lower on the Kazakh side except against Tyumen and Orenburg; up to
50% of the employed within reach of the border; and, as its thesis, hidden geographical
opportunities for convergence across the border. Each ``claim_*`` function returns one
:class:`Claim`: the value the data give, the year, the ``basis`` on which the claim holds or fails
(regions, currency, years), the sources and a verdict from the fixed vocabulary :data:`VERDICTS`.

Claims are read fairly: on the paper's own basis where it states one (Tyumen with its okrugs, as its
Table 1; USD at the annual average exchange rate), in the years the paper could see
(:data:`~crossborder.study.paper.PAPER_YEARS`), with other bases named beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..border.discontinuity import border_effect
from ..border.geometry import border_regions
from ..border.pairs import GAP_ALPHA, pair_gaps
from ..border.shared import dataset_border
from ..border.zones import border_zone, city_distances
from ..dataset import Dataset
from .panels import study_panel
from .paper import PAPER_AGGLOMERATIONS, PAPER_TABLE_YEAR, PAPER_YEARS

__all__ = ["Claim", "PAPER_AGGLOMERATIONS", "VERDICTS", "SUPPORTED", "SUPPORTED_NARROWLY", "DEPENDS",
           "PARTLY", "NOT_SUPPORTED", "CANNOT", "NARROW_MARGIN", "check_claims", "border_capitals",
           "claim_reach", "claim_population_in_reach", "zone_of_border_regions", "claim_border_regions",
           "claim_border_length", "claim_gross_product", "claim_gross_product_karpenko",
           "gross_product_by_year", "claim_gdp_shares", "claim_unemployment", "claim_thesis",
           "thesis_evidence", "threshold_reading", "basis_verdict", "proxy_reading",
           "grp_usd", "unemployment_pairs"]

#: The verdict vocabulary, fixed. "supported": the data agree on the paper's basis, with room;
#: "supported, narrowly": they agree, but a threshold is passed by less than :data:`NARROW_MARGIN`;
#: "depends on the basis": it fails on the paper's basis and holds on another named one (e.g. PPP);
#: "partly supported": part of it holds (some years, some pairs, within a wider tolerance);
#: "not supported": it fails on every basis the data offer; "cannot be answered from these data":
#: the data do not measure what the claim is about (a proxy may be given as context in ``note``).
SUPPORTED = "supported"
SUPPORTED_NARROWLY = "supported, narrowly"
DEPENDS = "depends on the basis"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
CANNOT = "cannot be answered from these data"
VERDICTS: tuple[str, ...] = (SUPPORTED, SUPPORTED_NARROWLY, DEPENDS, PARTLY, NOT_SUPPORTED, CANNOT)

#: "Narrowly": every value above the threshold, but some by less than this share of it (5%).
NARROW_MARGIN = 0.05
#: Border length: supported within 5% of 7,512 km, partly within 15%.
LENGTH_TOLERANCE, LENGTH_PARTLY = 0.05, 0.15
#: GDP shares: supported within 2 percentage points of the printed share.
SHARE_TOLERANCE_PP = 2.0
#: The employed-population proxies read as "up to 50%" up to this share (an allowance of 5 points).
PROXY_ALLOWANCE = 0.55
#: The paper's stated border length (km).
PAPER_BORDER_KM = 7512.0


@dataclass(frozen=True)
class Claim:
    """One claim: ``key`` (a stable id), ``kind`` ("claim" or "thesis"), the paper's wording and the
    data's answer, the ``basis`` it is judged on, and a verdict from :data:`VERDICTS`."""

    claim: str
    paper: str
    data: str
    year: str
    sources: str
    verdict: str
    note: str = ""
    basis: str = ""
    key: str = ""
    kind: str = "claim"


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
        "Tyumen" + (f"; touching only at a point: {', '.join(points)}" if points else ""),
        basis="first-level regions whose polygons touch the other country (edge or point)",
        key="border_regions")


def claim_border_length(ds: Dataset) -> Claim:
    """The geodesic length of the shared edges against 7,512 km: supported within
    :data:`LENGTH_TOLERANCE`, partly within :data:`LENGTH_PARTLY` (relative difference)."""
    line = dataset_border(ds).line          # the border every command reads
    ratio = line.length_km / PAPER_BORDER_KM
    off = abs(ratio - 1)
    verdict = SUPPORTED if off <= LENGTH_TOLERANCE else PARTLY if off <= LENGTH_PARTLY else NOT_SUPPORTED
    return Claim(
        "Length of the Russia–Kazakhstan border", "7,512 km", f"{line.length_km:,.0f} km",
        "2019 boundaries", "NATURAL_EARTH_ADMIN1", verdict,
        f"geodesic length of the shared edges of generalised polygons ({100 * (ratio - 1):+.1f}%); "
        "generalisation shortens a winding line, so a shortfall of some percent is expected",
        basis=f"generalised Natural Earth polygons; supported within {100 * LENGTH_TOLERANCE:.0f}%, "
              f"partly within {100 * LENGTH_PARTLY:.0f}%",
        key="border_length")


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


def gross_product_by_year(ds: Dataset, years: range | list[int] = range(2008, 2024),
                          currency: str = "USD") -> pd.DataFrame:
    """Sum of the border regions' GRP (billion USD, or international $ with ``currency="PPP"``) per
    year: ``total_bn`` (the border analysis units, Tyumen with its okrugs, the published unit),
    ``okrugs_bn`` (Tyumen minus Tyumen Oblast without the okrugs), ``without_okrugs_bn`` (Tyumen
    counted by its southern part, from the years it has GRP), ``n_regions`` (border units with a
    value; all of them make the sum ``complete``). ``attrs``: ``sources``, ``unit``."""
    years = list(years)
    codes = list(ds.regions["region"])
    p = ds.panel("grp_lcu", regions=codes, years=(min(years), max(years)), currency=currency, group=None)
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
    out.attrs["unit"] = p.unit
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


def threshold_reading(values: pd.Series, threshold: float, margin: float = NARROW_MARGIN) -> str:
    """The verdict of "above ``threshold``" from the values of the years read.

    Supported when every value is at least ``threshold * (1 + margin)``; "supported, narrowly"
    when every value is strictly above ``threshold`` but some below that; partly when some are
    above; not supported when none is (a value equal to the threshold is not above it); cannot be
    answered when a year has no value.
    """
    v = pd.Series(values, dtype=float)
    if v.empty or v.isna().any():
        return CANNOT
    above = v > threshold
    if above.all():
        return SUPPORTED if (v >= threshold * (1 + margin)).all() else SUPPORTED_NARROWLY
    return PARTLY if above.any() else NOT_SUPPORTED


def basis_verdict(primary: str, alternatives: Iterable[str]) -> str:
    """The verdict on the paper's basis, unless it fails there (partly or not) and holds on an
    alternative basis: then "depends on the basis"."""
    if primary in (PARTLY, NOT_SUPPORTED) and any(a in (SUPPORTED, SUPPORTED_NARROWLY)
                                                  for a in alternatives):
        return DEPENDS
    return primary


def _bn(values: pd.Series) -> str:
    return ", ".join(f"${v:,.1f} bn ({int(y)})" for y, v in values.items())


def _span(t: pd.DataFrame) -> str:
    return f"{int(t['year'].min())}–{int(t['year'].max())}"


def claim_gross_product(ds: Dataset, threshold_bn: float = 350.0, paper: str = "over $350 billion",
                        claim: str = "Total gross product of the border area",
                        table: pd.DataFrame | None = None, ppp_table: pd.DataFrame | None = None,
                        key: str = "gross_product_350") -> Claim:
    """The sum of the border regions' GRP against ``threshold_bn``, read on the paper's own basis.

    Paper's basis: the 19 border units with Tyumen with its okrugs (as its Table 1), in USD at the
    annual average exchange rate, in :data:`PAPER_YEARS`; :func:`threshold_reading` gives the
    verdict there, :func:`basis_verdict` turns a failure into "depends on the basis" when the sum
    at PPP (same units and years) is above. Other years, Tyumen without its okrugs and PPP over
    the years are context (``note``). ``table``/``ppp_table``: :func:`gross_product_by_year` in
    USD and PPP (computed when not given).
    """
    usd = gross_product_by_year(ds) if table is None else table
    ppp = gross_product_by_year(ds, currency="PPP") if ppp_table is None else ppp_table
    years = list(PAPER_YEARS)
    sources = "; ".join(sorted(set(usd.attrs.get("sources", [])) | set(ppp.attrs.get("sources", []))))

    def ref(t: pd.DataFrame) -> pd.Series:
        return t[t["complete"]].set_index("year")["total_bn"].reindex(years)

    at_usd, at_ppp = ref(usd), ref(ppp)
    primary = threshold_reading(at_usd, threshold_bn)
    alternative = threshold_reading(at_ppp, threshold_bn)
    verdict = basis_verdict(primary, [alternative])
    period = _years_text(years)
    usd_unit = usd.attrs.get("unit", "USD")
    ppp_unit = ppp.attrs.get("unit", "PPP")
    data = f"USD: {_bn(at_usd)}; PPP: {_bn(at_ppp)}"
    if verdict == SUPPORTED_NARROWLY:
        data += ("; in USD " + " and ".join(f"{100 * (v / threshold_bn - 1):.1f}%" for v in at_usd)
                 + f" above ${threshold_bn:,.0f} bn")
    units = "the 19 border units, Tyumen with its okrugs (as the paper's Table 1)"
    why_years = f"{period} (the latest GRP when the paper was written; its Table 1's year)"
    if verdict == DEPENDS:
        basis = (f"holds at PPP, in {ppp_unit}, not in {usd_unit} at the annual average rate; "
                 f"{units}; {why_years}")
    else:
        basis = f"{units}; {usd_unit} at the annual average rate; {why_years}"
    both = usd[usd["complete"] & usd["without_okrugs_bn"].notna()]
    note = ""
    if len(both):
        above = both.loc[both["total_bn"] > threshold_bn, "year"].tolist()
        below = both.loc[both["total_bn"] <= threshold_bn, "year"].tolist()
        wo_above = both.loc[both["without_okrugs_bn"] > threshold_bn, "year"].tolist()
        best = both.loc[both["total_bn"].idxmax()]
        wo_best = both.loc[both["without_okrugs_bn"].idxmax()]
        share = 100 * both["okrugs_bn"] / both["total_bn"]
        span = _span(both)
        note += (f"In USD above ${threshold_bn:,.0f} bn in {len(above)} of {len(both)} years {span}"
                 + (f" (below in {_years_text(below)}, years of a weak rouble and tenge)" if below and above
                    else "")
                 + f", at most ${best['total_bn']:,.0f} bn ({int(best['year'])}). Tyumen's okrugs "
                 f"supply {share.min():.0f}–{share.max():.0f}% of the sum; without them (Tyumen by its "
                 "southern part, the paper's definition for its 12% figure) the sum is "
                 + (f"above ${threshold_bn:,.0f} bn only in {_years_text(wo_above)}"
                    if wo_above else f"never above ${threshold_bn:,.0f} bn")
                 + f" (at most ${wo_best['without_okrugs_bn']:,.0f} bn, {int(wo_best['year'])}).")
        pb = ppp[ppp["complete"] & ppp["year"].isin(both["year"])]
        if len(pb):
            n_ppp = int((pb["total_bn"] > threshold_bn).sum())
            note += (f" At PPP the sum is ${pb['total_bn'].min():,.0f}–{pb['total_bn'].max():,.0f} bn "
                     f"over {_span(pb)}, above ${threshold_bn:,.0f} bn in {n_ppp} of {len(pb)} years.")
    later = usd[~usd["complete"]]
    if len(later):
        note += (" Years with GRP for fewer regions (" + _years_text(later["year"].tolist())
                 + ") are lower bounds: at least $" + ", $".join(f"{v:,.0f}" for v in later["total_bn"])
                 + " bn in USD.")
    if verdict == SUPPORTED_NARROWLY:
        note += (f" Narrowly: less than {100 * NARROW_MARGIN:.0f}% above the threshold in some year "
                 "read.")
    return Claim(claim, paper, data, period, sources, verdict, note.strip(), basis=basis, key=key)


def claim_gross_product_karpenko(ds: Dataset, table: pd.DataFrame | None = None,
                                 ppp_table: pd.DataFrame | None = None) -> Claim:
    """The paper's "more than $500 billion" (after Karpenko), by the same rule."""
    return claim_gross_product(ds, 500.0, "more than $500 billion (Karpenko, cited by the paper)",
                               "Gross product of the border area (Karpenko's figure)", table,
                               ppp_table, key="gross_product_500")


def _gdp_share(grp: pd.DataFrame, units: pd.Index, border: list[str], year: int
               ) -> tuple[float, list[str]]:
    g = grp[grp["year"] == year].set_index("region")["value"]
    have = g.reindex(border).dropna()
    return 100 * have.sum() / g.reindex(units).sum(), sorted(set(border) - set(have.index))


def claim_gdp_shares(ds: Dataset, year: int = PAPER_TABLE_YEAR) -> list[Claim]:
    """Border regions' share of the sum of all regions' GRP in local currency, one row per country
    in ``year`` (the year of the paper's Table 1): Kazakhstan 36%, Russia 12% without Tyumen's
    okrugs (Tyumen by its southern part, RU-TYU-XAO). Supported within :data:`SHARE_TOLERANCE_PP`."""
    out = []
    grp = ds.observations[ds.observations["indicator"] == "grp_lcu"]
    r = ds.regions.set_index("region")
    for country, paper in (("KZ", "36%"), ("RU", "12%")):
        units = r[(r["country"] == country) & r["analysis_unit"]].index
        border = list(r[(r["country"] == country) & r["border"] & r["analysis_unit"]].index)
        note = "share of the sum of all regions' GRP in local currency"
        basis = f"the {len(border)} border units over all regions of the country"
        if country == "RU":
            border = [c if c != TYUMEN else TYUMEN_SOUTH for c in border]
            basis += ", Tyumen without its okrugs (RU-TYU-XAO), as the paper states"
        share, missing = _gdp_share(grp, units, border, year)
        if missing:
            note += f"; no GRP for {', '.join(missing)}"
        others = [y for y in range(year - 8, year + 3) if y != year
                  and not _gdp_share(grp, units, border, y)[1]
                  and (grp["year"] == y).any()]
        if others:
            shares = [_gdp_share(grp, units, border, y)[0] for y in others]
            note += (f"; {min(shares):.1f}–{max(shares):.1f}% in the other years "
                     f"{_years_text(others)}")
        ok = abs(share - float(paper.rstrip("%"))) <= SHARE_TOLERANCE_PP
        out.append(Claim(
            f"{'Kazakh' if country == 'KZ' else 'Russian'} border regions' share of national GDP",
            paper, f"{share:.1f}%", str(year),
            "; ".join(sorted(set(grp[grp["year"] == year].set_index("region")["source"]
                                 .reindex(list(units) + border).dropna()))),
            SUPPORTED if ok else NOT_SUPPORTED, note,
            basis=basis + f"; {year} (the paper's Table 1 year); supported within "
                          f"{SHARE_TOLERANCE_PP:g} percentage points",
            key=f"gdp_share_{country.lower()}"))
    return out


def unemployment_pairs(ds: Dataset, year: int = PAPER_TABLE_YEAR) -> pd.DataFrame:
    """Unemployment on the two sides of every cross-border pair of neighbours in ``year``."""
    pairs = pd.DataFrame(dataset_border(ds).pairs.drop(columns="geometry"))
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


def claim_unemployment(ds: Dataset, year: int = PAPER_TABLE_YEAR) -> Claim:
    """Exceptions (Russian regions with a neighbour pair where the Kazakh side is not lower; a tie
    is not lower): supported when exactly Tyumen and Orenburg, partly when they are among them.
    Neighbours share a stretch of border, as in the thesis and the grid: a corner (Samara and West
    Kazakhstan) stays in :func:`unemployment_pairs`' table, marked ``contact`` point, and is no
    pair here."""
    t = unemployment_pairs(ds, year)
    t = t[t["contact"] == "edge"]
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
        f"no {year} rate for {', '.join(missing)}" if missing else "",
        basis=f"neighbour pairs across the border (shared edge or point), {year} rates as "
              "published, a tie not counted as lower",
        key="unemployment")


def border_capitals(ds: Dataset) -> pd.DataFrame:
    """The capitals of the 19 border regions: distance to the border and to the nearest capital
    of a border region across it (geodesic km)."""
    r = ds.regions
    border_codes = set(r.loc[r["border"] | r["border_part"], "region"])
    cities = ds.cities
    is_cap = cities["capital_of"].fillna("").str.split(";").map(lambda c: bool(border_codes & set(c)))
    caps = cities[is_cap & cities["capital"]]
    d = city_distances(caps, ds.base_regions, line=dataset_border(ds).line)
    d["region"] = ds.unit_of(d["region"])
    return d[["city", "country", "region", "population", "border_km", "across", "across_km"]].sort_values(
        "border_km", ignore_index=True)


def claim_reach(ds: Dataset, reach_km: float = 150.0) -> Claim:
    """Partly supported when at least half the border-region capitals lie within ``reach_km`` of
    the border (travel times, the claim's own measure, are not in the data)."""
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
        "straight-line (geodesic) distances; travel times are not in the data",
        basis=f"straight-line distance of the regional capitals to the border, at most {reach_km:g} km; "
              "partly supported when at least half of them",
        key="reach")


def zone_of_border_regions(ds: Dataset, distance_km: float = 150.0, year: int = PAPER_TABLE_YEAR):
    """The border zone of the border regions' own polygons, with population (area-share estimate)."""
    r = ds.base_regions
    border_units = r[r["border"] | r["border_part"]]
    pop = ds.panel("population", regions=list(border_units["region"]), years=[year], group=None)
    return border_zone(border_units, distance_km, population=pop, year=year, cities=ds.cities)


def proxy_reading(shares: pd.Series, allowance: float = PROXY_ALLOWANCE) -> str:
    """How a proxy's shares (0–1, one per side) read against "up to 50%": "at most 50% on every
    side" when none exceeds ``allowance``, else "above 50% on SIDE"."""
    over = [str(k) for k, v in shares.items() if v > allowance]
    return f"above 50% on {', '.join(over)}" if over else "at most 50% on every side"


def claim_population_in_reach(ds: Dataset, distance_km: float = 150.0,
                              year: int = PAPER_TABLE_YEAR) -> Claim:
    """'Up to 50% of the employed within reach of the border': the data have no employment by place
    of work or residence, so it cannot be answered. Two population proxies (a different construct)
    are given as context: the border regions' population within ``distance_km`` of the border
    spread evenly over each region's area, and the population of the towns and cities (GeoNames
    points) within that distance, each read by :func:`proxy_reading` (allowing 55%)."""
    g = zone_of_border_regions(ds, distance_km, year).by_group()
    even = g["zone_population_share"]
    cities = g["zone_cities_population"] / g["cities_population"]
    parts_even = "; ".join(f"{k}: {100 * v:.0f}%" for k, v in even.items())
    parts_city = "; ".join(f"{k}: {100 * v:.0f}%" for k, v in cities.items())
    return Claim(
        "Up to 50% of the employed population within reach of the border", "up to 50%",
        "no employment by place of work or residence in the data", str(year),
        "ROSSTAT_POP_GEODATA; DOSE_V2_11; KZ_STAT_POP; NATURAL_EARTH_ADMIN1; GEONAMES_CITIES", CANNOT,
        f"Proxies of population, not employment (a different construct), within {distance_km:g} km of "
        f"the border: even-density proxy {parts_even} ({proxy_reading(even)}); city populations "
        f"{parts_city} ({proxy_reading(cities)}); read as 'up to 50%' up to "
        f"{100 * PROXY_ALLOWANCE:.0f}%.",
        basis="employment by place of work or residence near the border: not in the data",
        key="employed_in_reach")


def thesis_evidence(ds: Dataset, year: int = PAPER_TABLE_YEAR) -> dict:
    """What the data say about convergence across the border, on the study's baselines.

    ``ratio``: the border effect of GRP per capita at PPP in ``year`` (level gaps at PPP): mean
    relative discontinuity ``max(a/b, b/a)`` on border edges over its mean on internal edges of the
    analysis units (Grasland's discontinuities, :func:`~crossborder.border.discontinuity.border_effect`);
    above 1, the border is a sharper jump than the boundaries inside either country. For each basis
    (``real``: constant prices, the baseline for growth; ``PPP``): the cross-border neighbour pairs
    (sharing a stretch of the dataset's border; a corner is no pair, as in the grid) of the border
    study panel whose gap |ln(y_a / y_b)| narrowed or widened significantly
    (:func:`~crossborder.border.pairs.gap_change`, p < 0.05), its ``span`` and the mean |gap| at
    its ends.
    """
    r = ds.regions
    units = r[r["analysis_unit"] & r.geometry.notna()]
    p = ds.panel("grp_per_capita_lcu", regions=list(units["region"]), years=[year], currency="PPP",
                 group=None)
    frame = border_effect(units, p).frame
    out: dict = {"year": year, "ratio": float(frame["ratio"].iloc[0]),
                 "n_border_edges": int(frame["n_border"].iloc[0]),
                 "sources": set(p.meta["sources"]) | {"NATURAL_EARTH_ADMIN1"}}
    pairs = pd.DataFrame(dataset_border(ds).edges.drop(columns="geometry"))  # a corner is no pair
    pairs["a_region"] = ds.unit_of(pairs["a_region"])
    pairs["b_region"] = ds.unit_of(pairs["b_region"])
    for basis in ("real", "PPP"):
        sp = study_panel(ds, currency=basis, weight=None)
        have = set(sp.regions)
        pr = pairs[pairs["a_region"].isin(have) & pairs["b_region"].isin(have)]
        tr = pair_gaps(sp, pr).trends
        out[basis] = {"n_pairs": len(tr), "narrowed": int((tr["change"] == "narrowed").sum()),
                      "widened": int((tr["change"] == "widened").sum()),
                      "span": f"{sp.times[0]}–{sp.times[-1]}",
                      "first": float(tr["first"].abs().mean()), "last": float(tr["last"].abs().mean())}
        out["sources"] |= set(sp.meta["sources"])
    out["sources"] = {x.strip() for v in out["sources"] for x in str(v).split(";") if x.strip()}
    return out


def claim_thesis(ds: Dataset, evidence: dict | None = None) -> Claim:
    """The paper's thesis, hidden geographical opportunities for convergence across the border, read
    as two things the data can measure: a gap to close (the border is a sharper jump in GRP per
    capita than internal boundaries, ``ratio`` > 1) and its closing (most cross-border neighbour
    pairs narrowing significantly in constant prices). Both: supported; a gap without most pairs
    closing: partly supported; no gap: not supported. The "opportunities" themselves are not in
    the data. ``evidence``: :func:`thesis_evidence` (computed when not given)."""
    e = thesis_evidence(ds) if evidence is None else evidence
    real, ppp = e["real"], e["PPP"]
    if not np.isfinite(e["ratio"]):
        verdict = CANNOT
    elif e["ratio"] <= 1:
        verdict = NOT_SUPPORTED
    elif real["narrowed"] > real["n_pairs"] / 2:
        verdict = SUPPORTED
    else:
        verdict = PARTLY

    def pairs_text(x: dict, name: str) -> str:
        return (f"{name} {x['span']}: {x['narrowed']} of {x['n_pairs']} pairs narrowed, {x['widened']} "
                f"widened significantly (mean |ln gap| {x['first']:.2f} -> {x['last']:.2f})")

    return Claim(
        "Hidden geographical opportunities for convergence across the border (the paper's thesis)",
        "convergence across the border; its opportunities hidden",
        f"GRP per capita at PPP jumps {e['ratio']:.2f} times as much across the border as across "
        f"internal boundaries ({e['year']}, {e['n_border_edges']} border edges); cross-border "
        f"neighbour pairs, " + pairs_text(real, "constant prices") + "; " + pairs_text(ppp, "PPP"),
        f"{e['year']}; {real['span']}",
        "; ".join(sorted(e["sources"])), verdict,
        "The data can show a gap to close (the border discontinuity) and whether it closes (pair "
        f"gaps, trend of |ln gap|, p < {GAP_ALPHA}); whether the opportunities are 'hidden' or "
        "could be taken is not in them. See the Verdict for sigma, beta and the integration test.",
        basis="level gaps at PPP (international $); their change in constant prices (the study's "
              "baseline for growth); analysis units, Tyumen with its okrugs",
        key="thesis", kind="thesis")


#: Column order of :func:`check_claims`.
COLUMNS = ["key", "kind", "claim", "paper", "data", "year", "basis", "sources", "verdict", "note"]


def check_claims(ds: Dataset) -> pd.DataFrame:
    """Every claim the data can speak to, and the paper's thesis, as a table (one row each).

    Columns :data:`COLUMNS`; ``verdict`` is one of :data:`VERDICTS`; ``kind`` is "thesis" for the
    thesis row; ``key`` is a stable id per row."""
    gp = gross_product_by_year(ds)
    gp_ppp = gross_product_by_year(ds, currency="PPP")
    claims = [claim_thesis(ds), claim_border_regions(ds), claim_border_length(ds), claim_reach(ds),
              claim_population_in_reach(ds), claim_gross_product(ds, table=gp, ppp_table=gp_ppp),
              claim_gross_product_karpenko(ds, table=gp, ppp_table=gp_ppp),
              *claim_gdp_shares(ds), claim_unemployment(ds)]
    return pd.DataFrame([asdict(c) for c in claims], columns=COLUMNS)
