"""The interactive explorer: a choropleth with a year slider, the border's discontinuities, linked
sigma and between-share charts, a region's or pair's series on click and the robustness grid as a
sortable, filterable table — inside the report (``build_report``) or as a page of its own
(``crossborder explore --out DIR``, :func:`write_explorer`). The page is self-contained and
offline: see :mod:`crossborder.report.explorer_html`.

What the explorer shows is one JSON-ready dict (:func:`explorer_data`): the regions' polygons and
values by year, the border edges with their discontinuity by year, sigma and the between share over
time, the cross-border pairs' gaps and the robustness grid.

Everything is read from the report's shared results (:mod:`crossborder.report.panels`,
:mod:`crossborder.report.studies`) and from the border and measure functions: the explorer
computes nothing of its own. A part the data cannot support is ``None`` with the reason in
``notes`` (the page says so in place of the chart).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from ..atomic import write_text_atomic
from ..border.discontinuity import discontinuities
from ..border.pairs import pair_gaps
from ..dataset import Dataset
from ..errors import DataError, DegenerateDataError, UnitError
from ..i18n import check_lang, country_label, gettext_for, region_names
from ..maps import map_units
from ..measures.decompose import decompose
from ..measures.dispersion import sigma
from .explorer_html import UI_STRINGS, explorer_page
from .model import ReportContext, Skip
from .outputs import OutputDir
from .panels import check_two_sided, label, panel, region_sets, sides, why_not
from .studies import grid

__all__ = ["explorer_data", "write_explorer", "SIMPLIFY_DEG", "DIGITS"]

#: Tolerance (degrees) of the polygons' simplification for the page (about 1–2 km): the map is a
#: screen-sized overview, and the page stays small.
SIMPLIFY_DEG = 0.02
#: Decimals kept of a coordinate (about 1 km) and significant digits of a value.
DIGITS = 2
#: Margin around the border regions of the map's first view (share of their extent).
VIEW_MARGIN = 0.15
SIG = 6

#: Rows of the robustness grid the page carries at most (the CSV has them all).
GRID_ROWS = 20000

#: Errors that make one part of the explorer "not computed" rather than the whole page fail.
_PART_ERRORS = (Skip, DataError, DegenerateDataError, UnitError, ValueError)


def _num(v: Any) -> float | None:
    """A finite float with :data:`SIG` significant digits, or None (JSON null)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    return float(f"{f:.{SIG}g}")


def _time(t: Any) -> Any:
    """A period as JSON shows it: a whole number as an int (2015), another number as a float, any
    other period (a date, a quarter) as its text."""
    if isinstance(t, int | np.integer):
        return int(t)
    if isinstance(t, float | np.floating):
        return int(t) if float(t).is_integer() else float(t)
    return str(t)


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, list | tuple):
        if obj and isinstance(obj[0], int | float):
            return [round(float(c), DIGITS) for c in obj]
        return [_round_coords(o) for o in obj]
    return obj


def _geometry(geom: Any) -> dict[str, Any] | None:
    if geom is None or geom.is_empty:
        return None
    small = shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True)
    # d3-geo (Plotly's geo) reads a ring's winding on the sphere: exterior rings clockwise, else a
    # polygon is taken as the whole globe minus itself (the reverse of GeoJSON's RFC 7946 rule)
    parts = [shapely.geometry.polygon.orient(q, sign=-1.0) for q in shapely.get_parts(small)
             if q.geom_type == "Polygon"]
    if not parts:
        return None
    small = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    gi = shapely.geometry.mapping(small)
    return {"type": gi["type"], "coordinates": _round_coords(gi["coordinates"])}


def _lines(geom: Any) -> tuple[list[float | None], list[float | None]]:
    """Lon and lat of a (multi)line, parts separated by None (Plotly's gap)."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for part in shapely.get_parts(shapely.line_merge(geom) if geom.geom_type != "LineString" else geom):
        xy = shapely.get_coordinates(shapely.simplify(part, SIMPLIFY_DEG / 2))
        if lon:
            lon.append(None)
            lat.append(None)
        lon += [round(float(x), DIGITS) for x in xy[:, 0]]
        lat += [round(float(y), DIGITS) for y in xy[:, 1]]
    return lon, lat


def explorer_data(ctx: ReportContext, lang: str = "en") -> dict[str, Any]:
    """The explorer's content for the report context ``ctx`` in language ``lang``.

    Keys: ``years``; ``regions`` (code, name, country, country_name, border); ``values``
    (one list per region, one value per year, null where missing); ``geojson`` (the analysis
    units' polygons, simplified by :data:`SIMPLIFY_DEG`); ``edges`` (border edges: the two
    regions, the line and ``max(a/b, b/a)`` per year, as
    :func:`crossborder.border.discontinuity.discontinuities` gives it); ``sigma`` (SD of logs per
    region set and year, :func:`crossborder.measures.dispersion.sigma`); ``between`` (the
    between-country share of Theil T of the border regions,
    :func:`crossborder.measures.decompose.decompose`); ``pairs`` (log gap ln(a/b) per
    cross-border pair and year, :func:`crossborder.border.pairs.pair_gaps`); ``grid`` (the
    robustness grid's columns and rows); ``notes`` (part -> why it was not computed).
    """
    lang = check_lang(lang)
    _ = gettext_for(lang)
    ds = ctx.ds
    notes: dict[str, str] = {}
    p = panel(ctx, "all")
    times = [_time(t) for t in p.times]
    m = p.to_matrix()
    codes = [str(c) for c in m.regions]
    units = map_units(ds, "all")
    units = units[units["region"].astype(str).isin(codes)].reset_index(drop=True)
    names = region_names(ds, lang)
    a_side, b_side = sides(ctx)
    country_names = dict(ds.meta.get("country_names") or {})
    group = units.set_index(units["region"].astype(str))["country"].astype(str)
    border = set(ds.region_codes("border"))
    regions = [{"code": c, "name": str(names.get(c, c)), "country": str(group.get(c, "")),
                "country_name": country_label(str(group.get(c, "")), country_names, lang),
                "border": c in border} for c in codes]
    values = [[_num(v) for v in row] for row in m.values]
    features = []
    for r in units.itertuples():
        g = _geometry(r.geometry)
        if g is not None:
            features.append({"type": "Feature", "id": str(r.region),
                             "properties": {"region": str(r.region)}, "geometry": g})
    out: dict[str, Any] = {
        "lang": lang, "indicator": label(p), "unit": str(p.unit), "years": times,
        "sides": [a_side, b_side], "regions": regions, "values": values,
        "geojson": {"type": "FeatureCollection", "features": features},
        "view": _view(units, border), "notes": notes,
    }
    out["edges"] = _edges(units, p, times, names, notes, _)
    out["sigma"] = _sigma(ctx, times, notes, _)
    out["between"] = _between(ctx, times, notes, _)
    out["pairs"] = _pairs(ctx, p, out["edges"], times, notes, _)
    out["grid"] = _grid(ctx, notes, _)
    return out


def _view(units: Any, border: set[str]) -> list[float] | None:
    """[lon0, lon1, lat0, lat1] of the border regions, with :data:`VIEW_MARGIN` around them (None:
    the map fits every region)."""
    on = units[units["region"].astype(str).isin(border)]
    if on.empty or len(on) == len(units):
        return None
    x0, y0, x1, y1 = (float(v) for v in on.total_bounds)
    dx, dy = (x1 - x0) * VIEW_MARGIN, (y1 - y0) * VIEW_MARGIN
    return [round(x0 - dx, 2), round(x1 + dx, 2), round(y0 - dy, 2), round(y1 + dy, 2)]


def _edges(units: Any, p: Any, times: list, names: pd.Series, notes: dict, _: Any) -> list[dict]:
    """Border edges with their relative discontinuity per year (one edge table, reused)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    edges = None
    for i, t in enumerate(p.times):
        try:
            d = discontinuities(units, p, t, kind="relative", edges=edges)
        except _PART_ERRORS as exc:
            notes["edges"] = str(exc)
            return []
        if edges is None:
            edges = d
        for e in d[d["border"]].itertuples():
            key = (str(e.a), str(e.b))
            if key not in rows:
                lon, lat = _lines(e.geometry)
                mid = shapely.line_interpolate_point(shapely.line_merge(e.geometry)
                                                     if e.geometry.geom_type != "LineString"
                                                     else e.geometry, 0.5, normalized=True)
                rows[key] = {"a": key[0], "b": key[1],
                             "label": f"{names.get(key[0], key[0])} – {names.get(key[1], key[1])}",
                             "lon": lon, "lat": lat,
                             "mid": [round(float(shapely.get_x(mid)), DIGITS),
                                     round(float(shapely.get_y(mid)), DIGITS)],
                             "disc": [None] * len(times)}
            rows[key]["disc"][i] = _num(e.discontinuity)
    if not rows:
        notes["edges"] = _("no border edge has values on both sides")
    return list(rows.values())


def _sigma(ctx: ReportContext, times: list, notes: dict, _: Any) -> dict[str, list] | None:
    """SD of logs per region set (those with at least 2 regions), on the explorer's years."""
    out: dict[str, list] = {}
    for name, sel in region_sets(ctx).items():
        if why_not(ctx, sel):
            continue
        try:
            s = sigma(panel(ctx, sel), measure="sd_log")["sd_log"]
        except _PART_ERRORS:
            continue
        s.index = [_time(t) for t in s.index]
        out[_(name) if name in _PLAIN_SETS else name] = [_num(s.get(t)) for t in times]
    if not out:
        notes["sigma"] = _("no set of regions with at least 2 regions")
        return None
    return out


#: Region-set names without a country in them (translated as they are).
_PLAIN_SETS = ("border (both countries)", "interior (both countries)", "all regions")


def _between(ctx: ReportContext, times: list, notes: dict, _: Any) -> list | None:
    try:
        share = decompose(panel(ctx, "border"), "theil", by="group")["between_share"]
    except _PART_ERRORS as exc:
        notes["between"] = str(exc)
        return None
    share.index = [_time(t) for t in share.index]
    return [_num(share.get(t)) for t in times]


def _pairs(ctx: ReportContext, p: Any, edges: list[dict], times: list, notes: dict, _: Any) -> list[dict]:
    """ln(a/b) per cross-border pair of neighbours (the border edges) and year."""
    if not edges:
        return []
    frame = pd.DataFrame({"a_region": [e["a"] for e in edges], "b_region": [e["b"] for e in edges]})
    try:
        res = pair_gaps(p, frame)
    except _PART_ERRORS as exc:
        notes["pairs"] = str(exc)
        return []
    gaps, tcol = res.gaps, res.time_name
    out = []
    for e in edges:
        g = gaps[(gaps["a_region"] == e["a"]) & (gaps["b_region"] == e["b"])].set_index(tcol)
        g.index = [_time(t) for t in g.index]
        out.append({"a": e["a"], "b": e["b"], "label": e["label"],
                    "log_gap": [_num(g["log_gap"].get(t, np.nan)) for t in times]})
    return out


def _grid(ctx: ReportContext, notes: dict, _: Any) -> dict[str, Any] | None:
    try:
        table = grid(ctx).table
    except _PART_ERRORS as exc:
        notes["grid"] = str(exc)
        return None
    shown = table.head(GRID_ROWS)
    columns = []
    for name in shown.columns:
        col = shown[name]
        if pd.api.types.is_bool_dtype(col):
            columns.append({"name": str(name), "values": [bool(v) for v in col]})
        elif pd.api.types.is_numeric_dtype(col):
            columns.append({"name": str(name), "values": [_num(v) for v in col]})
        else:   # text: the distinct values once, and an index per row (the grid repeats them)
            text = col.astype(object).where(col.notna(), None)
            levels = list(dict.fromkeys(str(v) for v in text if v is not None))
            at = {v: i for i, v in enumerate(levels)}
            columns.append({"name": str(name), "levels": levels,
                            "codes": [None if v is None else at[str(v)] for v in text]})
    return {"columns": columns, "rows": int(len(shown)), "total": int(len(table))}


def write_explorer(ds: Dataset, out_dir: str | Path, *, lang: str = "en",
                   options: dict[str, Any] | None = None, title: str = "") -> Path:
    """Write ``out_dir/explorer.html``: the explorer of ``ds`` as a self-contained page.

    ``options`` are the report's (``indicator``, ``currency``, ``weight``, ``relative``,
    ``tolerance_m`` ...), so the page shows the same results as the report.
    """
    lang = check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not ds.regions["border"].any():
        ds = ds.with_border()
    ctx = ReportContext(ds=ds, out=OutputDir(out), options=dict(options or {}))
    check_two_sided(ctx)
    data = explorer_data(ctx, lang)
    _ = gettext_for(lang)
    page = explorer_page(data, lang, title or f"{_(UI_STRINGS['title'])}: {ds.name}")
    return write_text_atomic(out / "explorer.html", page)
