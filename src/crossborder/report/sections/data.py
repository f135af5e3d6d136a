"""Section 1: the data — regions, coverage, sources and licences, caveats."""

from __future__ import annotations

import pandas as pd

from ...maps import choropleth, map_units
from ..model import Block, ReportContext, Section


def _regions_map(ds):
    """All regions, border ones shaded by country (a categorical choropleth)."""
    units = map_units(ds, "all")
    code = pd.Series(0.0, index=units["region"])
    border = units.set_index("region")["border"].astype(bool)
    country = units.set_index("region")["country"]
    code[border & (country == "RU")] = 1.0
    code[border & (country == "KZ")] = 2.0
    return choropleth(units, code, scheme="user", breaks=[0, 1, 2], cmap="Blues",
                      title=f"Regions of the dataset '{ds.name}'", legend_title="regions",
                      class_names=["interior", "border, Russia", "border, Kazakhstan"]).figure


def build(ctx: ReportContext) -> Section:
    ds = ctx.ds
    s = Section("data", "Data: regions, coverage, sources")
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
    s.reading.append(
        f"The dataset '{ds.name}' covers {len(units)} regions: {int(n_all.get('RU', 0))} in Russia and "
        f"{int(n_all.get('KZ', 0))} in Kazakhstan, of which {int(n_b.get('RU', 0))} Russian and "
        f"{int(n_b.get('KZ', 0))} Kazakh regions lie on the border. It holds "
        f"{len(ds.observations):,} observations of {ds.observations['indicator'].nunique()} indicators "
        f"from {len(ds.sources)} sources, {int(cov.columns.min())}–{int(cov.columns.max())}; "
        f"{len(obs_units):,} of them refer to these regions and the rest to parts or aggregates "
        "(e.g. Tyumen without its okrugs).")
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
    ctx.figure(s, "regions_map", _regions_map(ds), "The regions of both countries; border regions shaded")
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
    s.blocks.append(Block("list", list(ds.caveats), "Caveats the loader flagged"))
    return s
