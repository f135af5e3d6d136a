"""Section 7: cross-border pairs and agglomerations — distances, populations, gaps over time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...border.pairs import GAP_ALPHA, agglomerations, pair_gaps, twin_cities
from ...border.shared import dataset_border
from ...border.zones import geodesic_km
from ...charts import pair_gaps_small_multiples
from ...i18n import gettext_for
from ...study.claims import PAPER_AGGLOMERATIONS, border_capitals
from ..model import ReportContext, Section, Skip
from ..panels import country_name, geo_sources, label, panel, sides, source_line, sources_of

TITLE = "Cross-border pairs and agglomerations"

#: The fewest periods a trend of a pair's gap is fitted on.
TREND_PERIODS = 3

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
            "regions": ", ".join(ctx.ds.unit_of(c["region"])),
            "links_km": ", ".join(f"{k:.0f}" for k in np.atleast_1d(km)),
            "population": float(c["population"].sum()),
            "found_as": ", ".join(str(x) for x in sorted(clusters, key=str)) if None not in clusters
            else "not linked",
        })
    return pd.DataFrame(rows)


def capital_links(capitals: pd.DataFrame, paper: pd.DataFrame) -> pd.DataFrame:
    """Every cross-border link between capitals up to the longest link inside a paper group,
    marked by whether it joins two cities of the same paper group."""
    longest = max(float(x) for v in paper["links_km"] for x in v.split(", "))
    group_of = {c: i for i, names in enumerate(PAPER_AGGLOMERATIONS) for c in names}
    links = twin_cities(capitals, max_km=longest)
    links["in_paper_group"] = [group_of.get(a, -1) == group_of.get(b, -2)
                               for a, b in zip(links["a_city"], links["b_city"], strict=True)]
    links.attrs["longest"] = longest
    return links.sort_values("distance_km", ignore_index=True)


def _separability(links: pd.DataFrame) -> str:
    """Whether one link distance gives exactly the paper's groups: the longest link inside a paper
    group against the shortest cross-border link between capitals of different paper groups."""
    longest = links.attrs["longest"]
    extra = links[~links["in_paper_group"]]
    if extra.empty:
        return (f"Links of up to {longest:.0f} km join exactly the paper's groups and no other "
                "capitals.")
    first = extra.iloc[0]
    return (f"The paper's groups need links of up to {longest:.0f} km, but at that distance "
            f"{len(extra)} other pairs of capitals are linked too, the closest "
            f"{first['a_city']}–{first['b_city']} ({first['distance_km']:.0f} km): no single distance "
            "separates exactly the paper's five groups.")


def build(ctx: ReportContext) -> Section:
    ds = ctx.ds
    s = Section("pairs", TITLE)
    if ds.name == "ru-kz":
        _agglomerations(ctx, s)
    a, b = sides(ctx)
    # the pairs (a shared stretch of border); regions touching at a point only are no pair
    pairs = pd.DataFrame(dataset_border(ds, ctx.options.get("tolerance_m", "auto")).edges
                         .drop(columns="geometry"))
    if pairs.empty:
        raise Skip(f"no region of {country_name(ctx, a)} shares a stretch of border with a region of "
                   f"{country_name(ctx, b)} in the polygons, so there are no pairs of neighbours "
                   "across the border")
    pairs["a_region"] = ds.unit_of(pairs["a_region"])
    pairs["b_region"] = ds.unit_of(pairs["b_region"])
    p = panel(ctx, "border")
    known = set(p.regions)
    pairs = pairs[pairs["a_region"].isin(known) & pairs["b_region"].isin(known)]
    if pairs.empty:
        raise Skip(f"no pair of neighbours across the border has {label(p)} on both sides")
    gaps = pair_gaps(p, pairs)
    if len(p.times) < TREND_PERIODS:
        _gaps_only(ctx, s, p, gaps, a, b)
        return s
    trends = gaps.trends.sort_values(["a_region", "b_region"], ignore_index=True)
    ctx.table(s, "pair_gaps_trend", trends,
              f"Gap of {label(p)} ({p.unit}) between neighbours across the border: trend of ln({a}/{b}) "
              "and of |ln ratio| (classical OLS standard errors); change = significant narrowing or "
              f"widening of |gap| (p < {GAP_ALPHA:g}, same sign as its change from first to last year)",
              sources=sources_of(p) + geo_sources(ctx))
    ctx.table(s, "pair_gaps", gaps.gaps, f"Ratio of {label(p)} across each pair, by year",
              sources=sources_of(p) + geo_sources(ctx), show=False)
    s.reading.append(_gap_reading(ctx, trends, p, a))
    other = _other_indicator_gaps(ctx, pairs, p.indicator)
    if len(other):
        ctx.table(s, "pair_gaps_other", other,
                  "Gaps of the other indicators between neighbours across the border: trend of ln(a/b)",
                  sources=sorted(set(other.attrs["sources"])) + geo_sources(ctx))
        parts = []
        for ind, g in other.groupby("indicator", sort=False):
            parts.append(f"{ind}: significantly narrowed in {int((g['change'] == 'narrowed').sum())}, "
                         f"widened in {int((g['change'] == 'widened').sum())} of {len(g)} pairs")
        s.reading.append("Other indicators, all years with both values: " + "; ".join(parts) + ".")
    named = {f"{r.a_region} \u2013 {r.b_region}": r.change for r in trends.itertuples()}
    fig = pair_gaps_small_multiples(
        gaps, change=named,
        title=gettext_for(ctx.lang)("{indicator} across the border: ln({a} / {b}), one panel per "
                                    "pair").format(indicator=label(p), a=a, b=b),
        subtitle=gettext_for(ctx.lang)("{unit}; |gap| narrowed (blue) or widened (red) "
                                       "significantly").format(unit=p.unit),
        ylabel=f"ln({a} / {b})", source=source_line(ctx, p), lang=ctx.lang)
    ctx.figure(s, "pair_gaps", fig,
               f"Log ratio of {label(p)} ({p.unit}) of each pair of neighbouring regions over time, one "
               "panel per pair (shared axes)")
    return s


def _gap_reading(ctx: ReportContext, trends: pd.DataFrame, p, a: str) -> str:
    """How many pairs' |gap| narrowed or widened significantly, which, and the half-lives."""
    nar = trends[trends["change"] == "narrowed"]
    wid = trends[trends["change"] == "widened"]
    higher_a = int((trends["last"] > 0).sum())

    def named(t: pd.DataFrame) -> str:
        return ", ".join(f"{r.a_region}–{r.b_region} (|gap| {abs(r.first):.3f} → {abs(r.last):.3f})"
                         for r in t.itertuples())

    hl = nar["half_life"].dropna()
    return (f"Of {len(trends)} pairs of neighbouring regions across the border, the gap in {label(p)} "
            f"({p.unit}, {p.times[0]}–{p.times[-1]}) narrowed significantly in {len(nar)}"
            + (f" ({named(nar)})" if len(nar) else "") + f" and widened significantly in {len(wid)}"
            + (f" ({named(wid)})" if len(wid) else "")
            + f"; in the other {len(trends) - len(nar) - len(wid)} the trend of |ln ratio| is not "
            f"significant at {GAP_ALPHA:g} or disagrees with the change from the first to the last year, "
            "so they are not counted either way. "
            + (f"The median half-life of the significantly narrowing gaps is {hl.median():.0f} years. "
               if len(hl) else "")
            + f"In {p.times[-1]} the {a} side was higher in {higher_a} of the pairs.")


def _gaps_only(ctx: ReportContext, s: Section, p, gaps, a: str, b: str) -> None:
    """Fewer periods than a trend needs: the gaps themselves, and why there is no trend."""
    g = gaps.gaps
    ctx.table(s, "pair_gaps", g, f"Ratio of {label(p)} ({p.unit}) across each pair of neighbours, "
              f"{country_name(ctx, a)} / {country_name(ctx, b)}, by period",
              sources=sources_of(p) + geo_sources(ctx))
    last = g[g["time"] == p.times[-1]]
    higher = int((last["log_gap"] > 0).sum())
    s.reading.append(
        f"Across {len(gaps.trends)} pairs of neighbouring regions across the border, {label(p)} "
        f"({p.unit}) in {p.times[-1]} was higher on the {country_name(ctx, a)} side in {higher} of "
        f"them; the median ratio {country_name(ctx, a)} / {country_name(ctx, b)} is "
        f"{float(np.exp(last['log_gap'].median())):.2f}.")
    ctx.skipped(s, "Trend of the gaps", f"a trend needs at least {TREND_PERIODS} periods; the data have "
                f"{len(p.times)} ({', '.join(str(t) for t in p.times)})")


#: Indicators whose cross-border gaps the report follows besides the study's own.
GAP_INDICATORS = ("unemployment_rate", "cash_income_per_capita_lcu_month")


def _other_indicator_gaps(ctx: ReportContext, pairs: pd.DataFrame, skip: str) -> pd.DataFrame:
    """Pair-gap trends of every other indicator the dataset has (money in one currency)."""
    ds, frames, sources = ctx.ds, [], []
    known = set(ds.observations["indicator"].unique())
    for ind in GAP_INDICATORS:
        if ind == skip or ind not in known:
            continue
        money = ds.values(ind)["unit"].astype(str).str.contains("RUB|KZT").any()
        p = ds.panel(ind, regions="border", currency="USD" if money and ds.fx is not None else None)
        here = pairs[pairs["a_region"].isin(p.regions) & pairs["b_region"].isin(p.regions)]
        if here.empty:
            continue
        t = pair_gaps(p, here).trends
        t.insert(0, "indicator", ind)
        frames.append(t)
        sources += sources_of(p)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out.attrs["sources"] = sources
    return out


def _agglomerations(ctx: ReportContext, s: Section) -> None:
    ds = ctx.ds
    caps = border_capitals(ds)
    ctx.table(s, "border_capitals", caps,
              "Capitals of the border regions: distance to the border and to the nearest capital across it",
              sources=geo_sources(ctx, cities=True))
    capitals = ds.cities[ds.cities["city"].isin(caps["city"]) & ds.cities["capital"]]
    agg = agglomerations(capitals, max_km=LINK_KM)
    ctx.cache["agglomerations"] = agg
    members = agg.members
    table = agg.table.copy()
    ctx.table(s, "agglomerations", table,
              f"Agglomerations found: border-region capitals linked across the border within {LINK_KM:g} km",
              sources=geo_sources(ctx, cities=True))
    paper = _paper_agglomerations(ctx, members[["agglomeration", "city"]])
    ctx.table(s, "agglomerations_paper", paper, "The paper's five agglomerations in the data",
              sources=["STEPANOV2020", *geo_sources(ctx, cities=True)])
    links = capital_links(capitals, paper)
    ctx.table(s, "capital_links", links,
              "Cross-border links between capitals up to the longest link inside one of the paper's groups",
              sources=geo_sources(ctx, cities=True))
    joined = paper["found_as"].str.contains(",|not", regex=True)
    s.reading.append(
        f"Linking the capitals of the 19 border regions to capitals across the border within "
        f"{LINK_KM:g} km (single linkage) gives {len(table)} agglomerations: "
        + "; ".join(f"{r.name} ({r.population / 1e6:.1f} million people)" for r in table.itertuples())
        + ". Each of the paper's five agglomerations falls inside one of them"
        + ("" if not joined.any() else " except " + ", ".join(paper.loc[joined, "agglomeration (paper)"]))
        + f". The capitals are {caps['across_km'].min():.0f}–{caps['across_km'].max():.0f} km from "
        "the nearest capital across the border. " + _separability(links))
