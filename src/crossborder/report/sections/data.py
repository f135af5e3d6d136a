"""Section 1: the data — regions, coverage, sources and licences, caveats (when there are any)."""

from __future__ import annotations

import pandas as pd

from ...i18n import gettext_for
from ...maps import choropleth, map_units
from ..model import Block, ReportContext, Section
from ..panels import country_name, sides, weight_note

TITLE = "Data: regions, coverage, sources"


def _regions_map(ctx: ReportContext):
    """All regions, border ones shaded by country (a categorical choropleth)."""
    ds = ctx.ds
    a, b = sides(ctx)
    units = map_units(ds, "all")
    code = pd.Series(0.0, index=units["region"])
    border = units.set_index("region")["border"].astype(bool)
    country = units.set_index("region")["country"]
    code[border & (country == a)] = 1.0
    code[border & (country == b)] = 2.0
    tr = gettext_for(ctx.lang)
    return choropleth(units, code, scheme="user", breaks=[0, 1, 2], cmap="Blues",
                      title=tr("Regions of the dataset '{name}'").format(name=ds.name),
                      legend_title="regions",
                      class_names=["interior"] + [tr("border, {country}").format(
                          country=tr(country_name(ctx, c))) for c in (a, b)], lang=ctx.lang).figure


def _counts_text(ctx: ReportContext, n_all: pd.Series, n_b: pd.Series) -> str:
    """'4 in Russia and 3 in Kazakhstan, of which 2 Russian and 1 Kazakh regions lie on the border'
    for ru-kz; '12 in A and 12 in B, of which 4 and 4 lie on the border' otherwise."""
    a, b = sides(ctx)
    if ctx.ds.name == "ru-kz":
        return (f"{int(n_all.get(a, 0))} in Russia and {int(n_all.get(b, 0))} in Kazakhstan, of which "
                f"{int(n_b.get(a, 0))} Russian and {int(n_b.get(b, 0))} Kazakh regions lie on the border")
    return (f"{int(n_all.get(a, 0))} in {country_name(ctx, a)} and {int(n_all.get(b, 0))} in "
            f"{country_name(ctx, b)}, of which {int(n_b.get(a, 0))} and {int(n_b.get(b, 0))} lie on "
            "the border")


def _read_report(ctx: ReportContext, s: Section) -> None:
    """What the reader of the user's files repaired, set aside or warned about (nothing is dropped
    without a word): a table of kinds with counts, and the set-aside rows themselves as CSV."""
    rep = ctx.ds.meta.get("report")
    if rep is None or not hasattr(rep, "to_frame"):
        return
    table = rep.to_frame()
    if table.empty:
        return
    counts = table.groupby("kind")["count"].sum()
    s.reading.append(
        "Reading the files, "
        + ", ".join(f"{int(counts[k])} {w}" for k, w in (("repair", "cells were repaired"),
                                                          ("set aside", "rows were set aside"),
                                                          ("warning", "warnings were given"))
                    if k in counts)
        + "; the table below lists each kind.")
    sources = sorted(ctx.ds.observations["source"].dropna().astype(str).unique())
    ctx.table(s, "read_report", table, "What the reader repaired, set aside or warned about",
              sources=sources)
    aside = rep.set_aside
    if len(aside):
        ctx.table(s, "set_aside", aside, "Rows set aside while reading, with the reason",
                  sources=sources, show=False)


def build(ctx: ReportContext) -> Section:
    ds = ctx.ds
    s = Section("data", TITLE)
    units = ds.regions[ds.regions["analysis_unit"]]
    regions = pd.DataFrame({
        "region": units["region"], "name": units["name"], "country": units["country"],
        "border": units["border"], "capital": units["capital"],
        "geometry": units["geometry_basis"],
    }).sort_values(["border", "country", "region"], ascending=[False, False, True])
    n_b = regions.groupby("country")["border"].sum()
    n_all = regions.groupby("country").size()
    cov = ds.coverage("all")
    obs_units = ds.observations[ds.observations["region"].isin(units["region"])]
    rest = len(ds.observations) - len(obs_units)
    s.reading.append(
        f"The dataset '{ds.name}' covers {len(units)} regions: {_counts_text(ctx, n_all, n_b)}. "
        f"It holds {len(ds.observations):,} observations of {ds.observations['indicator'].nunique()} "
        f"indicators from {len(ds.sources)} sources, {int(cov.columns.min())}–{int(cov.columns.max())}; "
        + (f"{len(obs_units):,} of them refer to these regions and the rest to parts or aggregates"
           + (" (e.g. Tyumen without its okrugs)." if ds.name == "ru-kz" else ".")
           if rest else "all of them refer to these regions.")
        + (" " + weight_note(ctx) if weight_note(ctx) else ""))
    summary = pd.DataFrame([
        {"item": "regions (analysis units)", "value": len(units)},
        *({"item": f"regions in {c}", "value": int(n)} for c, n in n_all.items()),
        *({"item": f"border regions in {c}", "value": int(n)} for c, n in n_b.items()),
        {"item": "observations", "value": len(ds.observations)},
        {"item": "observations of the analysis units", "value": len(obs_units)},
        {"item": "indicators", "value": int(ds.observations["indicator"].nunique())},
        {"item": "sources", "value": len(ds.sources)},
        {"item": "first year", "value": int(cov.columns.min())},
        {"item": "last year", "value": int(cov.columns.max())},
    ])
    ctx.table(s, "dataset_summary", summary, "The dataset in numbers",
              sources=sorted(ds.observations["source"].unique()))
    ctx.figure(s, "regions_map", _regions_map(ctx), "The regions of both countries; border regions shaded")
    ctx.table(s, "regions", regions, "Regions (border = on the border)",
              sources=[ctx.ds.meta["geometry_source"]] if ctx.ds.meta.get("geometry_source") else [])
    coverage = cov.reset_index().melt(id_vars="indicator", var_name="year", value_name="regions")
    coverage = coverage[coverage["regions"] > 0]
    wide = (coverage.pivot(index="indicator", columns="year", values="regions").fillna(0)
            .astype(int).reset_index())
    ctx.table(s, "coverage", wide, "Number of regions with a value, by indicator and year",
              sources=sorted(ds.observations["source"].unique()))
    geo = {ds.meta.get("geometry_source"), ds.meta.get("cities_source")}
    used = ds.sources[ds.sources["source"].isin(set(ds.observations["source"]) | geo)]
    src = used[["source", "citation", "licence"]].sort_values("source")
    ctx.table(s, "sources", src, "Sources and licences", sources=list(src["source"]))
    if ds.caveats:
        s.blocks.append(Block("list", list(ds.caveats), "Caveats the loader flagged"))
    _read_report(ctx, s)
    return s
