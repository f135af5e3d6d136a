"""Section 8: the paper's Figures 1 and 2 redrawn from data; discontinuities; border effect."""

from __future__ import annotations

from ...border.discontinuity import border_effect, discontinuities
from ...border.shared import dataset_edges
from ...charts import rate_jumps, sigma_chart
from ...errors import DataError
from ...i18n import gettext_for
from ...maps import border_gap_map, change_map, discontinuity_map, figure1, figure2, map_units
from ..model import ReportContext, Section, Skip
from ..panels import (
    country_name,
    geo_sources,
    label,
    panel,
    sides,
    source_line,
    sources_of,
    steps,
    why_not,
)


def TITLE(ds) -> str:  # noqa: N802 - the section title, which depends on the dataset
    return ("Figures 1 and 2 from data; where the border still shows" if ds.name == "ru-kz"
            else "Where the border still shows")


def build(ctx: ReportContext) -> Section:
    ds = ctx.ds
    s = Section("maps", TITLE(ds))

    if ds.name == "ru-kz":
        _paper_figures(ctx, s)
    p = panel(ctx, "all")
    if why_not(ctx, "border"):
        raise Skip(why_not(ctx, "border"))
    regions = map_units(ds, "all")
    # the pairs of the dataset's one border (as the discontinuities command reads them)
    pairs = dataset_edges(ds, regions, ctx.options.get("tolerance_m", "auto"))
    effect = border_effect(regions, p, edges=pairs).to_frame().reset_index()
    if effect["ratio"].isna().all():
        a, b = sides(ctx)
        raise Skip(f"no boundary of the panel's regions is shared both across the border ({a}–{b}) "
                   "and inside a country, so there is nothing to compare the border with")
    ctx.table(s, "border_effect", effect,
              f"Discontinuities of {label(p)} ({p.unit}) on border vs internal boundaries (max(a/b, b/a))",
              sources=sources_of(p) + geo_sources(ctx))
    year = int(p.times[-1])
    tr = gettext_for(ctx.lang)
    edges = discontinuities(regions, p, year, kind="relative", edges=pairs)
    dmap = discontinuity_map(regions, edges, fill=p, year=year,
                             title=gettext_for(ctx.lang)("Discontinuities of {indicator}, {year}").format(
                                 indicator=label(p), year=year),
                             subtitle="max(a/b, b/a) on every shared boundary; border edges in red",
                             fill_label=f"{label(p)}, {p.unit}",
                             source=source_line(ctx, p), lang=ctx.lang)
    ctx.figure(s, "discontinuities", dmap.figure, f"Discontinuity map of {label(p)} ({p.unit}), {year}")
    a, b = sides(ctx)
    try:
        gap = border_gap_map(regions, edges, side=a, names={c: country_name(ctx, c) for c in (a, b)},
                             title=tr("The border discontinuity of {indicator}, {year}").format(
                                 indicator=label(p), year=year),
                             subtitle=tr("ln({a} / {b}) across each border edge, {unit}").format(
                                 a=tr(country_name(ctx, a)), b=tr(country_name(ctx, b)), unit=p.unit),
                             source=source_line(ctx, p), lang=ctx.lang)
        ctx.figure(s, "border_gap", gap.figure,
                   f"Gap in {label(p)} across each stretch of the border, {year} (log ratio, {p.unit})")
    except DataError as exc:  # e.g. no border edge with positive values on both sides
        ctx.skipped(s, "Map of the gap across the border", str(exc))
    if len(p.times) >= 2:
        try:
            change = change_map(regions, p, title=tr("Change in log {indicator}, {first}\u2013{last}").format(
                                    indicator=label(p), first=p.times[0], last=p.times[-1]),
                                subtitle=tr("{unit}; log points, 0 = no change").format(unit=p.unit),
                                source=source_line(ctx, p), lang=ctx.lang)
            ctx.figure(s, "log_change", change.figure,
                       f"Change in log {label(p)} over the study window, {p.times[0]}\u2013"
                       f"{p.times[-1]} ({p.unit})")
        except DataError as exc:  # e.g. no region with a positive value in both years
            ctx.skipped(s, "Map of the change in the log indicator", str(exc))
    if len(p.times) >= 2:
        lines = {"mean": effect.set_index("time")["ratio"],
                 "length-weighted": effect.set_index("time")["wratio"],
                 "median": effect.set_index("time")["median_ratio"]}
        ctx.figure(s, "border_effect", sigma_chart(
            lines, title="Border effect: discontinuity on border edges / on internal edges",
            ylabel="border / internal discontinuity\n(1 = border no sharper)", source=source_line(ctx, p),
            annotations=rate_jumps(ds, p, lines, lang=ctx.lang), lang=ctx.lang),
            "Border effect over time")
    e = effect.dropna(subset=["ratio"])
    first, last = e.iloc[0], e.iloc[-1]
    above = int((e["ratio"] > 1).sum())
    if len(e) == 1:
        s.reading.append(
            f"On the border, {label(p)} jumps on average {first['ratio']:.2f} times as much as on "
            f"boundaries inside either country in {int(first['time'])} (length-weighted: "
            f"{first['wratio']:.2f}). A ratio above 1 means the border still shows in the data.")
        return s
    s.reading.append(
        f"On the border, {label(p)} jumps on average "
        f"{first['ratio']:.2f} times as much as on boundaries inside either country in "
        f"{int(first['time'])} and {last['ratio']:.2f} times in {int(last['time'])}; the ratio is "
        f"above 1 in {above} of {len(e)} {'years' if set(steps(p)) <= {1.0} else 'periods'} "
        f"(length-weighted: {first['wratio']:.2f} → "
        f"{last['wratio']:.2f}). A ratio above 1 means the border still shows in the data.")
    return s


def _paper_figures(ctx: ReportContext, s: Section) -> None:
    ds = ctx.ds
    f1 = figure1(ds, fallback="earliest")
    t1 = f1.table
    ctx.figure(s, "figure1", f1.figure,
               "Figure 1 from data: change in the share of ethnic Russians in the Kazakh border regions")
    ctx.table(s, "figure1", t1, "Values behind Figure 1",
              sources=sorted({x for c in ("first_source", "last_source") if c in t1
                              for x in t1[c].dropna().astype(str) if x}))
    have = t1.dropna(subset=["change_pp"])
    s.reading.append(
        f"The share of ethnic Russians can be compared over time for {len(have)} of the "
        f"{len(t1)} Kazakh border regions: "
        + "; ".join(f"{r['name']} {r['first_value']:.1f}% ({int(r['first_year'])}) → "
                    f"{r['last_value']:.1f}% ({int(r['last_year'])})" for _, r in have.iterrows())
        + ". Only North Kazakhstan has a 1989 value (on a boundary basis its source does not state); "
        "the others start later, so the periods differ. The data for this figure come from "
        "secondary sources only.")

    found = ctx.cache.get("agglomerations")
    f2 = figure2(ds, zone_km=150.0, agglomerations=found)
    ctx.figure(s, "figure2", f2.figure,
               "Figure 2 from data: border regions, border line, 150 km zone and the agglomerations "
               + ("found in the data (section 7)" if found is not None else "named by the paper"))
    ctx.table(s, "figure2", f2.table, "Agglomerations drawn in Figure 2",
              sources=geo_sources(ctx, cities=True))
