"""Section 2: the border itself — its length, the regions on it and the zone within reach of it.

Lengths and areas are measured on the dataset's polygons as they are, so they are only as exact as
the polygons: generalised (simplified) polygons cut the corners of a winding border and shorten it,
and move the edges of the zones. The section states that basis — the number of vertices along the
border line and their mean spacing — and, where a reference length is declared (the dataset's
``meta["reference_border_km"]``, e.g. the paper's 7,512 km for ru-kz, or the report's option of that
name), the gap to it.
"""

from __future__ import annotations

import pandas as pd
import shapely

from ...border.shared import dataset_border, dataset_zone
from ..model import ReportContext, Section, Skip
from ..panels import country_name, geo_sources, sides

TITLE = "The border: length, regions on it, the zone within reach"

#: Width of the border zone (km): the paper's 1.5-hour reach to the nearest regional centre.
ZONE_KM = 150.0

#: How the report cites the reference length of built-in datasets: source id, words.
REFERENCE_CITED = {"ru-kz": ("STEPANOV2020", "the paper's")}


def _reference(ctx: ReportContext) -> tuple[float, str, str] | None:
    """(km, source id or citation, how the text names it) of the border's reference length: option
    ``reference_border_km`` or the dataset's ``meta["reference_border_km"]`` (a number or a pair
    ``(km, source)``), else None."""
    ref = ctx.options.get("reference_border_km", ctx.ds.meta.get("reference_border_km"))
    if not ref:
        return None
    km, source = (ref[0], str(ref[1])) if isinstance(ref, tuple | list) else \
        (ref, str(ctx.options.get("reference_border_source", "")))
    if ctx.ds.name in REFERENCE_CITED and "reference_border_km" not in ctx.options:
        return float(km), *REFERENCE_CITED[ctx.ds.name]
    return float(km), source, f"the reference ({source})" if source else "the reference"


def _resolution(line: shapely.Geometry) -> tuple[int, int]:
    """(vertices, segments) of the border line."""
    parts = shapely.get_parts(line)
    n = int(sum(len(shapely.get_coordinates(p)) for p in parts))
    return n, max(n - len(parts), 0)


def build(ctx: ReportContext) -> Section:
    ds = ctx.ds
    s = Section("border", TITLE)
    a, b = sides(ctx)
    na, nb = country_name(ctx, a), country_name(ctx, b)
    regions = ds.base_regions
    if regions.geometry.isna().all() or regions.empty:
        raise Skip("the dataset has no polygons, so there is no border line to measure")
    border = dataset_border(ds, ctx.options.get("tolerance_m", "auto"))
    line = border.line
    touching = border.regions()
    if line.n_pairs == 0:
        if len(touching):
            raise Skip(f"the regions of {na} and {nb} touch only at points, so the border has no "
                       "length to measure")
        raise Skip(f"no region of {na} touches a region of {nb} in the polygons: the two countries "
                   "do not share a border here")
    geo = geo_sources(ctx)
    vertices, segments = _resolution(line.geometry)
    spacing = line.length_km / segments if segments else float("nan")
    ref = _reference(ctx)
    contacts = border.pairs["contact"]
    points = int((contacts == "point").sum())
    rows = [
        {"item": "border length, km", "value": line.length_km},
        {"item": "length method", "value": line.method},
        {"item": "tolerance, m", "value": border.tolerance_m},
        {"item": "pairs of regions sharing a stretch of border", "value": line.n_pairs},
        {"item": "pairs touching at a point only", "value": points},
        {"item": "vertices along the border line", "value": vertices},
        {"item": "mean spacing of the vertices, km", "value": spacing},
        *({"item": f"border regions of {c}", "value": int((touching["group"] == c).sum())}
          for c in (a, b)),
    ]
    gap = ""
    if ref is not None:
        km, src, who = ref
        rows += [{"item": "reference length, km", "value": km},
                 {"item": "gap to the reference, %", "value": 100 * (line.length_km / km - 1)}]
        gap = (f" Against {who} {km:,.0f} km the measured line is {100 * (line.length_km / km - 1):+.1f}%"
               f" ({line.length_km - km:+,.0f} km).")
    ctx.table(s, "border", pd.DataFrame(rows), "The border line and the basis of its length",
              sources=geo + ([ref[1]] if ref and ref[1] in set(ds.sources["source"]) else []))
    s.reading.append(
        f"The border between {na} and {nb} is {line.length_km:,.0f} km long ({line.method} length of "
        f"the edges that {line.n_pairs} pairs of regions share; {points} more "
        f"{'pair touches' if points == 1 else 'pairs touch'} only at a point). Basis: the polygons "
        f"as given — {vertices:,} vertices along the line, one every "
        f"{spacing:.1f} km on average. Generalised polygons cut the corners of a winding border, so "
        "this length understates the true one, and a finer outline gives a longer line." + gap
        + "".join(f" {t[0].upper()}{t[1:]}." for t in border.notes))
    per = touching.rename(columns={"group": "country", "length_km": "border_km"})
    ctx.table(s, "border_regions", per, "Regions on the border: length of border each shares, contact",
              sources=geo)
    zone_km = float(ctx.options.get("zone_km", ZONE_KM))
    zone = dataset_zone(ds, zone_km, border.tolerance_m)
    by = zone.by_group().reset_index().rename(columns={"group": "country"})
    by = by[by["country"].isin([a, b])].reset_index(drop=True)
    ctx.table(s, "border_zone", by, f"Area within {zone_km:g} km of the border, by country (km²)",
              sources=geo)
    s.reading.append(
        f"Within {zone_km:g} km of the border lie "
        + " and ".join(f"{r.zone_km2:,.0f} km² of {country_name(ctx, r.country)} "
                       f"({100 * r.zone_share:.1f}% of its regions' area)" for r in by.itertuples())
        + " (the regions on the border, as the zones command counts them)"
        + ". Areas are measured in an equal-area projection on the same polygons, so the zone's "
        "edge follows the generalised line and its area is only as exact as the polygons.")
    return s
