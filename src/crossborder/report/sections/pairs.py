"""Section 7: cross-border pairs and agglomerations — distances, populations, gaps over time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...border.geometry import cross_border_pairs
from ...border.pairs import agglomerations, pair_gaps
from ...border.zones import geodesic_km
from ...charts import pair_gaps_chart
from ...claims import PAPER_AGGLOMERATIONS, _wholes, border_capitals
from ..model import ReportContext, Section
from ..panels import GRP_SOURCE, panel, sources_of

#: Longest link between two capitals of border regions that still joins an agglomeration.
LINK_KM = 400.0


def _paper_agglomerations(ctx: ReportContext, found: pd.DataFrame) -> pd.DataFrame:
    cities = ctx.ds.cities.drop_duplicates("city").set_index("city")
    which = {c: a for a, c in zip(found["agglomeration"], found["city"], strict=True)}
    rows = []
    for names in PAPER_AGGLOMERATIONS:
        c = cities.loc[list(names)]
        km = geodesic_km(c["lon"].to_numpy()[:-1], c["lat"].to_numpy()[:-1],
                         c["lon"].to_numpy()[1:], c["lat"].to_numpy()[1:])
        clusters = {which.get(n) for n in names}
        rows.append({
            "agglomeration (paper)": "–".join(names),
            "regions": ", ".join(_wholes(ctx.ds, c["region"])),
            "links_km": ", ".join(f"{k:.0f}" for k in np.atleast_1d(km)),
            "population": float(c["population"].sum()),
            "found_as": ", ".join(str(x) for x in sorted(clusters, key=str)) if None not in clusters
            else "not linked",
        })
    return pd.DataFrame(rows)


def build(ctx: ReportContext) -> Section:
    ds = ctx.ds
    s = Section("pairs", "Cross-border pairs and agglomerations")
    caps = border_capitals(ds)
    ctx.table(s, "border_capitals", caps,
              "Capitals of the border regions: distance to the border and to the nearest capital across it")
    capitals = ds.cities[ds.cities["city"].isin(caps["city"]) & ds.cities["capital"]]
    agg = agglomerations(capitals, max_km=LINK_KM)
    members = agg.members
    table = agg.table.copy()
    ctx.table(s, "agglomerations", table,
              f"Agglomerations found: border-region capitals linked across the border within {LINK_KM:g} km")
    paper = _paper_agglomerations(ctx, members[["agglomeration", "city"]])
    ctx.table(s, "agglomerations_paper", paper, "The paper's five agglomerations in the data")
    joined = paper["found_as"].str.contains(",|not", regex=True)
    s.reading.append(
        f"Linking the capitals of the 19 border regions to capitals across the border within "
        f"{LINK_KM:g} km (single linkage) gives {len(table)} agglomerations: "
        + "; ".join(f"{r.name} ({r.population / 1e6:.1f} million people)" for r in table.itertuples())
        + ". Each of the paper's five agglomerations falls inside one of them"
        + ("" if not joined.any() else " except " + ", ".join(paper.loc[joined, "agglomeration (paper)"]))
        + f", but the data join some of them: the capitals are {caps['across_km'].min():.0f}–"
        f"{caps['across_km'].max():.0f} km from the nearest capital across the border, and no single "
        "distance separates exactly the paper's five groups (Omsk is nearer to Petropavl than to "
        "Pavlodar; Orenburg–Aktobe, the closest pair of capitals, is not among the paper's).")
    pairs = pd.DataFrame(cross_border_pairs(ds.base_regions, "country", "RU", "KZ").drop(columns="geometry"))
    pairs["a_region"] = _wholes(ds, pairs["a_region"])
    pairs["b_region"] = _wholes(ds, pairs["b_region"])
    p = panel(ctx, "border")
    known = set(p.regions)
    pairs = pairs[pairs["a_region"].isin(known) & pairs["b_region"].isin(known)]
    gaps = pair_gaps(p, pairs)
    trends = gaps.trends.sort_values(["a_region", "b_region"], ignore_index=True)
    ctx.table(s, "pair_gaps_trend", trends,
              "Gap of GRP per capita (USD) between neighbours across the border: trend of ln(RU/KZ)",
              sources=sources_of(p))
    ctx.table(s, "pair_gaps", gaps.gaps, "Ratio of GRP per capita across each pair, by year",
              sources=sources_of(p), show=False)
    n_narrow = int(trends["narrowing"].sum())
    richer_ru = int((trends["last"] > 0).sum())
    s.reading.append(
        f"Of {len(trends)} pairs of neighbouring regions across the border, the gap in GRP per capita "
        f"(USD, {p.times[0]}–{p.times[-1]}) narrowed in {n_narrow}; in {p.times[-1]} the Russian side "
        f"was richer in {richer_ru} of them. The median half-life of the narrowing gaps is "
        f"{trends['half_life'].median():.0f} years.")
    fig = pair_gaps_chart(gaps, title="GRP per capita across the border: ln(Russia / Kazakhstan)",
                          source=GRP_SOURCE)
    ctx.figure(s, "pair_gaps", fig,
               "Log ratio of GRP per capita (USD) of each pair of neighbouring regions over time")
    return s
