"""Maps: choropleths, the paper's Figures 1 and 2, discontinuity maps.

Every map is drawn in an Albers equal-area conic projection fitted to what it shows
(:func:`crossborder._mapstyle.equal_area_crs`), with a legend, a scale bar in km (geodesic), a north
arrow pointing to true north at the map centre, a source line and a title, laid out 180 mm wide
for print (fonts of 7 pt and more). Nothing is shown on screen: the functions build a
:class:`matplotlib.figure.Figure` (no pyplot state) and return a :class:`MapResult` holding it with
the table of what was drawn; ``result.save(path)`` writes PNG and SVG atomically.

* :func:`choropleth` — any indicator and year, classified with mapclassify (quantiles, equal
  interval, Fisher–Jenks, user breaks, …); missing values hatched grey with a "no data" entry.
* :func:`figure1` — the change in the share of ethnic Russians in the Kazakh border regions
  (Stepanov et al. 2020, Figure 1) from the data, with the paper's numbering.
* :func:`figure2` — border regions of both countries, the border line, the border zone, the
  agglomerations and their cross-border regions (Stepanov et al. 2020, Figure 2).
* :func:`discontinuity_map` — shared edges drawn with a width by their discontinuity value,
  border edges highlighted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import mapclassify
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import CRS

from ._mapstyle import (
    STYLE,
    add_graticule,
    add_north_arrow,
    add_scale_bar,
    add_source_line,
    add_title,
    equal_area_crs,
    map_layout,
    save,
    source_lines_needed,
    source_text,
    wrap_to_width,
)
from .errors import DataError
from .panel import Panel
from .paper import PAPER_AGGLOMERATIONS, PAPER_LABELS

__all__ = [
    "MapResult",
    "PAPER_AGGLOMERATIONS",
    "PAPER_LABELS",
    "SCHEMES",
    "choropleth",
    "classify",
    "discontinuity_map",
    "figure1",
    "figure1_table",
    "figure2",
    "map_units",
    "number_west_to_east",
]

#: Classification schemes by name -> mapclassify class.
SCHEMES: dict[str, type] = {
    "quantiles": mapclassify.Quantiles,
    "equal_interval": mapclassify.EqualInterval,
    "fisher_jenks": mapclassify.FisherJenks,
    "natural_breaks": mapclassify.NaturalBreaks,
    "jenks_caspall": mapclassify.JenksCaspall,
    "maximum_breaks": mapclassify.MaximumBreaks,
    "std_mean": mapclassify.StdMean,
    "box_plot": mapclassify.BoxPlot,
    "headtail_breaks": mapclassify.HeadTailBreaks,
    "user": mapclassify.UserDefined,
}

NO_DATA_COLOR = "#e3e3e3"
NO_DATA_HATCH = "////"
CONTEXT_COLOR = "#ebebe8"
BORDER_COLOR = "#c0141c"
HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]
BOUNDARIES_SOURCE = "boundaries: Natural Earth 10m admin-1"


def _boundaries(ds: Any) -> list[str]:
    """The boundary source of a dataset: Natural Earth for the built-in one, else
    ``ds.meta["boundaries_source"]`` when set."""
    if getattr(ds, "name", None) == "ru-kz":
        return [BOUNDARIES_SOURCE]
    b = getattr(ds, "meta", {}).get("boundaries_source")
    return [f"boundaries: {b}"] if b else []


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class MapResult:
    """A drawn map: the figure, its map axes and CRS, the table of what was drawn."""

    figure: Figure
    ax: Axes
    crs: CRS
    table: pd.DataFrame
    classifier: Any = None
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        title = self.meta.get("title", "map")
        s = [f"{title}: {len(self.table)} regions drawn in {self.crs.srs}"]
        if self.classifier is not None:
            s.append(f"classes: {self.meta.get('scheme')} k={self.classifier.k}, "
                     f"counts {list(map(int, self.classifier.counts))}")
        s.extend(self.notes)
        return "\n".join(s)

    def save(self, path: Any, formats: Sequence[str] = ("png", "svg"), *, dpi: float = 200):
        """Write PNG/SVG (see :func:`crossborder._mapstyle.save`); returns the paths."""
        return save(self.figure, path, formats, dpi=dpi)


# ----------------------------------------------------------------------------- helpers
def classify(values: Any, scheme: str = "quantiles", k: int = 5,
             breaks: Sequence[float] | None = None) -> Any:
    """A mapclassify classifier of the non-missing ``values``.

    ``scheme``: a key of :data:`SCHEMES`; ``"user"`` needs ``breaks`` (upper class bounds; the
    maximum is appended when the values exceed the last break). Passing ``breaks`` implies
    ``"user"``.
    """
    y = np.asarray(pd.Series(values).dropna(), dtype=float)
    if len(y) == 0:
        raise DataError("no values to classify")
    if breaks is not None:
        scheme = "user"
    key = scheme.lower().replace("-", "_").replace(" ", "_")
    if key not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; use one of {sorted(SCHEMES)}")
    if key == "user":
        if breaks is None:
            raise ValueError("scheme 'user' needs breaks")
        return mapclassify.UserDefined(y, bins=sorted(float(b) for b in breaks))
    if key in ("std_mean", "box_plot", "headtail_breaks"):
        return SCHEMES[key](y)
    return SCHEMES[key](y, k=int(k))


def _auto_decimals(bins: np.ndarray, lo: float) -> int:
    edges = np.concatenate([[lo], np.asarray(bins, dtype=float)])
    widths = np.abs(np.diff(edges))
    widths = widths[widths > 0]
    scale = widths.min() if len(widths) else max(abs(lo), 1.0)
    return int(np.clip(1 - np.floor(np.log10(scale)), 0, 4))


def _palette(cmap: str, n: int, reverse: bool = False) -> list[str]:
    """``n`` colours from a sequential colormap, skipping its near-white end."""
    cm = mpl.colormaps[cmap]
    pos = np.linspace(0.15, 1.0, n) if n > 1 else np.array([0.6])
    out = [to_hex(cm(x)) for x in pos]
    return out[::-1] if reverse else out


def _fmt(v: float, decimals: int) -> str:
    return f"{v:,.{decimals}f}".replace("-", "\u2212")


def class_labels(classifier: Any, fmt: str | None = None, counts: bool = True) -> list[str]:
    """Legend labels "lower – upper (n)" of a mapclassify classifier's classes.

    The first class starts at the data minimum (or at -inf for user breaks below it).
    """
    bins = np.asarray(classifier.bins, dtype=float)
    lo = float(np.min(classifier.y))
    lower = np.concatenate([[min(lo, bins[0])], bins[:-1]])
    dec = _auto_decimals(bins, lower[0])
    out = []
    for i, (a, b) in enumerate(zip(lower, bins, strict=True)):
        fa = fmt.format(a) if fmt else _fmt(a, dec)
        fb = fmt.format(b) if fmt else _fmt(b, dec)
        s = f"{fa} \u2013 {fb}"
        if counts:
            s += f"  ({int(classifier.counts[i])})"
        out.append(s)
    return out


def _series_of(data: Any, year: Any, id_col: str) -> tuple[pd.Series, Any, dict]:
    """Region -> value from a Panel, Series, mapping or long/wide DataFrame; with the year used."""
    meta: dict[str, Any] = {}
    if isinstance(data, Panel):
        f = data.frame
        meta = {"indicator": data.indicator, "unit": data.unit,
                "sources": list(data.meta.get("sources", []))}
        f = f[f["value"].notna()]
        if not len(f):
            raise DataError("panel has no values to map")
        if year is None:
            year = f["time"].max()
        sel = f[f["time"] == year]
        if not len(sel):
            raise DataError(f"panel has no values for time {year!r}", column="time")
        return sel.set_index("region")["value"].astype(float), year, meta
    if isinstance(data, Mapping):
        return pd.Series(dict(data), dtype=float), year, meta
    if isinstance(data, pd.Series):
        s = data
        if isinstance(s.index, pd.MultiIndex):
            if year is None:
                year = s.index.get_level_values(1).max()
            s = s.xs(year, level=1)
        return s.astype(float), year, meta
    if isinstance(data, pd.DataFrame):
        cols = set(data.columns)
        if {"value"} <= cols and (id_col in cols or "region" in cols):
            rc = id_col if id_col in cols else "region"
            tc = next((c for c in ("time", "year") if c in cols), None)
            d = data
            if tc is not None:
                if year is None:
                    year = d.loc[d["value"].notna(), tc].max()
                d = d[d[tc] == year]
            return d.set_index(rc)["value"].astype(float), year, meta
        # wide: index regions, columns times
        if year is None:
            year = data.columns[-1]
        return data[year].astype(float), year, meta
    raise DataError("data must be a Panel, a Series/mapping region -> value or a DataFrame")


def _project(gdf: gpd.GeoDataFrame | gpd.GeoSeries, crs: CRS):
    if gdf.crs is None:
        raise DataError("geometry has no CRS")
    return gdf.to_crs(crs)


def _extent(geoms: gpd.GeoSeries, margin: float = 0.03) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = geoms.total_bounds
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return x0 - dx, y0 - dy, x1 + dx, y1 + dy


def _clip_context(context: gpd.GeoDataFrame, focus: gpd.GeoDataFrame, crs: CRS,
                  extent: Sequence[float]) -> gpd.GeoDataFrame:
    """Context polygons cut to a lon/lat box around the view, then projected."""
    ll = focus.to_crs(4326).total_bounds
    pad = 15.0
    box = shapely.box(max(ll[0] - pad, -180), max(ll[1] - pad, -89.5),
                      min(ll[2] + pad, 180), min(ll[3] + pad, 89.5))
    ctx = context.to_crs(4326)
    ctx = ctx[ctx.intersects(box)]
    if not len(ctx):
        return ctx.to_crs(crs)
    ctx = ctx.clip(box)
    ctx = ctx[~ctx.is_empty]
    proj = ctx.to_crs(crs)
    view = shapely.box(*extent).buffer((extent[2] - extent[0]) * 0.05)
    return proj[proj.intersects(view)]


def _label_frame(regions: gpd.GeoDataFrame, id_col: str, labels: Any,
                 positions: Mapping[str, tuple[float, float]] | None, crs: CRS) -> pd.DataFrame:
    """region, label, x, y (projected) for the regions to label."""
    if labels is None or labels is False:
        return pd.DataFrame(columns=["region", "label", "x", "y"])
    if isinstance(labels, str) and labels in regions.columns:
        lab = dict(zip(regions[id_col], regions[labels].astype(str), strict=False))
    elif labels is True:
        lab = dict(zip(regions[id_col], regions[id_col].astype(str), strict=False))
    else:
        lab = {k: str(v) for k, v in dict(labels).items()}
    sub = regions[regions[id_col].isin(lab)]
    pts = gpd.GeoSeries([_label_point(g) for g in sub.geometry], crs=sub.crs)
    frame = pd.DataFrame({"region": sub[id_col].to_numpy(), "x": pts.x.to_numpy(),
                          "y": pts.y.to_numpy()})
    if positions:
        from pyproj import Transformer

        fwd = Transformer.from_crs(4326, crs, always_xy=True)
        for code, (lon, lat) in positions.items():
            m = frame["region"] == code
            if m.any():
                frame.loc[m, ["x", "y"]] = fwd.transform(lon, lat)
    frame["label"] = frame["region"].map(lab)
    return frame[["region", "label", "x", "y"]]


def _label_point(geom: Any) -> shapely.Point:
    """The pole of inaccessibility of the largest part (the point farthest inside it)."""
    parts = shapely.get_parts(geom)
    big = parts[int(np.argmax(shapely.area(parts)))]
    tol = max(np.sqrt(big.area) / 200.0, 1e-9)
    return shapely.ops.polylabel(big, tolerance=tol)


def _place_point_labels(ax: Axes, x: np.ndarray, y: np.ndarray, texts: Sequence[str],
                        radius_pt: np.ndarray | float = 3.0, fontsize: float = 7.0) -> None:
    """Label points, trying 8 positions around each and keeping the first that overlaps no
    other label or point marker (largest points first)."""
    renderer = ax.figure.canvas.get_renderer()
    to_disp = ax.transData.transform(np.column_stack([x, y]))
    r = np.broadcast_to(np.asarray(radius_pt, dtype=float), (len(x),)) * ax.figure.dpi / 72
    from matplotlib.transforms import Bbox

    markers = [Bbox.from_extents(px - ri, py - ri, px + ri, py + ri)
               for (px, py), ri in zip(to_disp, r, strict=True)]
    placed: list[Any] = []
    candidates = [((1, -0.3), "left", "top"), ((1, 0.3), "left", "bottom"),
                  ((-1, -0.3), "right", "top"), ((-1, 0.3), "right", "bottom"),
                  ((0, 1), "center", "bottom"), ((0, -1), "center", "top"),
                  ((1, 0), "left", "center"), ((-1, 0), "right", "center")]
    for i in np.argsort(-r, kind="stable"):
        others = [m for j, m in enumerate(markers) if j != i]
        choice = None
        for (dx, dy), ha, va in candidates:
            off = r[i] * 72 / ax.figure.dpi + 1.5
            t = ax.annotate(texts[i], (x[i], y[i]), xytext=(dx * off, dy * off),
                            textcoords="offset points", ha=ha, va=va, fontsize=fontsize,
                            zorder=15, path_effects=HALO, gid="city_label")
            bb = t.get_window_extent(renderer)
            if not any(bb.overlaps(o) for o in placed + others):
                choice = (t, bb)
                break
            t.remove()
        if choice is None:
            t = ax.annotate(texts[i], (x[i], y[i]), xytext=(4, -2), textcoords="offset points",
                            ha="left", va="top", fontsize=fontsize, zorder=15,
                            path_effects=HALO, gid="city_label")
            choice = (t, t.get_window_extent(renderer))
        placed.append(choice[1])


def _draw_labels(ax: Axes, frame: pd.DataFrame, fontsize: float = 7.5, **kw: Any) -> None:
    for row in frame.itertuples(index=False):
        ax.text(row.x, row.y, row.label, ha="center", va="center", fontsize=fontsize,
                fontweight=kw.get("fontweight", "bold"), color=kw.get("color", "#111111"),
                path_effects=HALO, zorder=15, gid="region_label")


def _border_geometry(regions: gpd.GeoDataFrame, border: Any, id_col: str, group_col: str,
                     groups: Sequence[str] | None):
    """The border line (in the regions' CRS) to overlay, or None."""
    if border is None or border is False:
        return None
    if isinstance(border, shapely.Geometry):
        return gpd.GeoSeries([border], crs=regions.crs)
    if isinstance(border, gpd.GeoSeries | gpd.GeoDataFrame):
        return border.geometry if isinstance(border, gpd.GeoDataFrame) else border
    if hasattr(border, "geometry") and hasattr(border, "crs") and hasattr(border, "length_km"):
        return gpd.GeoSeries([border.geometry], crs=border.crs)
    from .border.geometry import border_line

    if group_col not in regions.columns:
        if border == "auto":
            return None
        raise DataError(f"regions have no {group_col!r} column to find the border",
                        column=group_col)
    present = list(pd.unique(regions[group_col].dropna()))
    if groups is None:
        if len(present) != 2:
            if border == "auto":
                return None
            raise DataError(f"border=True needs exactly two groups in {group_col!r} (found "
                            f"{present}); pass groups=(a, b)", column=group_col)
        groups = sorted(present)
    a, b = groups
    line = border_line(regions, group_col, a, b, id_col=id_col)
    return gpd.GeoSeries([line.geometry], crs=line.crs)


def _legend_mm(rows: int, title: bool = True) -> float:
    """Height (mm) of a legend with ``rows`` rows of 7 pt entries."""
    return 2.0 + 4.1 * rows + (4.0 if title else 0.0)


def _finish(fig: Figure, ax: Axes, crs: CRS, extent: Sequence[float], *, title: str | None,
            subtitle: str | None, source: str | None, graticule: bool) -> None:
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_xlabel("")
    ax.set_ylabel("")
    if graticule:
        add_graticule(ax, crs)
    add_scale_bar(ax, crs)
    add_north_arrow(ax, crs)
    if title:
        add_title(fig, title, subtitle=subtitle)
    if source:
        add_source_line(fig, source)


def _layout(extent: Sequence[float], *, width_mm: float, panel_mm: float, source: str | None,
            subtitle: bool) -> tuple[Figure, Axes, Axes]:
    src_lines = source_lines_needed(source, width_mm) if source else 0
    top = 12.0 if subtitle else 9.0
    fig, ax, panel = map_layout(extent, width_mm=width_mm, top_mm=top,
                                bottom_mm=panel_mm + 3.5 * src_lines + 2.5)
    FigureCanvasAgg(fig)
    # the panel sits above the source line
    h = fig.get_figheight() * 25.4
    pos = panel.get_position()
    panel.set_position((pos.x0, (3.5 * src_lines + 2.5) / h, pos.width, panel_mm / h))
    return fig, ax, panel


def map_units(ds: Any, which: str = "border", *, display: str = "border_part") -> gpd.GeoDataFrame:
    """Regions of a Dataset ready to map: analysis units with a polygon, in lon/lat.

    ``which``: a region set of :meth:`Dataset.region_codes` (``"border"``, ``"all"``, …).
    ``display="border_part"`` draws a border region that is a union of parts (Tyumen with its
    okrugs) with only its parts on the border (``border_part``), so the map is not stretched to
    the Arctic; ``"unit"`` keeps the full unit. Adds a ``display_note`` column saying so.
    """
    r = ds.regions
    codes = ds.region_codes(which)
    out = r[r["region"].isin(codes) & r.geometry.notna()].copy()
    out["display_note"] = ""
    if display not in ("border_part", "unit"):
        raise ValueError("display must be 'border_part' or 'unit'")
    if display == "border_part" and {"border_part", "part_of", "geometry_basis"} <= set(r.columns):
        for i, row in out.iterrows():
            if row.get("geometry_basis") != "union of parts":
                continue
            parts = r[(r["part_of"] == row["region"]) & r["border_part"].astype(bool)]
            if len(parts):
                out.at[i, "geometry"] = shapely.union_all(np.asarray(parts.geometry.values))
                out.at[i, "display_note"] = ("drawn as " + ", ".join(parts["name"].astype(str))
                                             + " (the part on the border)")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=r.crs).reset_index(drop=True)


def _context_of(ds: Any, shown: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The dataset's own polygons not drawn in ``shown`` (nor the parts used for display)."""
    base = ds.base_regions
    used = set(shown["region"])
    if "part_of" in base.columns:
        parts_used = base[base["part_of"].isin(used) & base.get("border_part", False)]
        used |= set(parts_used["region"])
    geom = shapely.union_all(np.asarray(shown.geometry.values))
    ctx = base[~base["region"].isin(used)]
    # parts whose whole is shown in full
    ctx = ctx[~ctx.geometry.within(geom.buffer(1e-6))]
    return ctx


def number_west_to_east(regions: gpd.GeoDataFrame, group_col: str = "country",
                        suffixes: Mapping[str, str] | None = None,
                        id_col: str = "region") -> dict[str, str]:
    """Labels 1, 2, … per group ordered by the longitude of each region's representative point.

    ``suffixes`` maps a group to a suffix (``{"RU": "a"}`` gives 1a, 2a, …), the convention of
    Stepanov et al. (2020) for any border.
    """
    suffixes = dict(suffixes or {})
    ll = regions.to_crs(4326)
    x = ll.geometry.representative_point().x
    out: dict[str, str] = {}
    for g, sub in ll.assign(_x=x).groupby(group_col, sort=False):
        for n, code in enumerate(sub.sort_values("_x")[id_col], start=1):
            out[code] = f"{n}{suffixes.get(g, '')}"
    return out


# ----------------------------------------------------------------------------- choropleth
def choropleth(
    regions: gpd.GeoDataFrame,
    data: Panel | pd.Series | Mapping | pd.DataFrame,
    year: Any = None,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    id_col: str = "region",
    cmap: str = "YlGnBu",
    reverse: bool = False,
    crs: Any = None,
    title: str | None = None,
    subtitle: str | None = None,
    legend_title: str | None = None,
    fmt: str | None = None,
    labels: Any = None,
    label_positions: Mapping[str, tuple[float, float]] | None = None,
    border: Any = "auto",
    group_col: str = "country",
    groups: Sequence[str] | None = None,
    context: gpd.GeoDataFrame | None = None,
    source: str | None = None,
    sources: pd.DataFrame | None = None,
    boundaries: str | None = None,
    no_data_label: str = "no data",
    width_mm: float = 180.0,
    graticule: bool = True,
    notes: Sequence[str] = (),
    class_names: Sequence[str] | None = None,
) -> MapResult:
    """A choropleth of one indicator and year over ``regions``.

    ``data``: a :class:`Panel` (``year`` or its last time), a Series/mapping region -> value or a
    long DataFrame (region, [time|year], value). Values are classified with mapclassify
    (:func:`classify`: ``scheme`` in :data:`SCHEMES`, ``k`` classes, or ``breaks`` for user
    classes); colours from ``cmap`` (``reverse`` flips it). Regions without a value are drawn grey
    and hatched with a ``no_data_label`` legend entry. ``border``: ``"auto"`` overlays the line
    between the two groups of ``group_col`` when there are exactly two, ``True`` requires it,
    ``False`` draws none, or pass a line (shapely in the regions' CRS, GeoSeries, BorderLine).
    ``labels``: a column name, ``True`` (ids) or a mapping region -> text. ``context``: polygons
    drawn light grey underneath for orientation. ``source``: the source line (default: built
    from the panel's source ids, with short citations when ``sources`` — a table with columns
    ``source`` and ``citation``, e.g. ``Dataset.sources`` — is given; ``boundaries`` names the
    source of the polygons, e.g. ``"Natural Earth 10m admin-1"``). ``crs``: default an
    Albers equal-area conic fitted to ``regions``.

    ``class_names`` replaces the legend's class bounds with names (one per class), which makes a
    categorical map of coded values (e.g. 0 = interior, 1 = border) with user ``breaks``.

    Returns a :class:`MapResult`; its table has region, value, class (0-based, NaN if missing),
    colour and label.
    """
    if id_col not in regions.columns:
        raise DataError(f"regions have no {id_col!r} column", column=id_col)
    values, year, meta = _series_of(data, year, id_col)
    values = values[~values.index.duplicated(keep="first")]
    regions = regions[regions.geometry.notna() & ~regions.geometry.is_empty]
    crs = CRS.from_user_input(crs) if crs is not None else equal_area_crs(regions)
    proj = _project(regions, crs).reset_index(drop=True)
    v = proj[id_col].map(values).astype(float)
    has = v.notna().to_numpy()
    if not has.any():
        raise DataError("no region has a value to map" + (f" in {year}" if year is not None
                                                          else ""))
    clf = classify(v[has], scheme, k, breaks)
    n_cls = len(clf.bins)
    palette = _palette(cmap, n_cls, reverse)
    cls = np.full(len(proj), np.nan)
    cls[has] = clf.yb
    colours = np.array([palette[int(c)] if c == c else NO_DATA_COLOR for c in cls], dtype=object)

    unmatched = sorted(set(values.dropna().index) - set(proj[id_col]))
    notes = list(notes)
    if unmatched:
        notes.append(f"{len(unmatched)} values without a polygon not drawn: "
                     + ", ".join(map(str, unmatched[:8])) + ("…" if len(unmatched) > 8 else ""))
    if source is None:
        ids = meta.get("sources") or []
        extra = [f"boundaries: {boundaries}"] if boundaries else []
        source = source_text(sources, ids, extra=extra) if ids or extra else None
    extent = _extent(proj.geometry)
    n_handles = n_cls + int((~has).any()) + 1
    ncol = min(3, n_handles)
    panel_mm = _legend_mm(-(-n_handles // ncol), title=True) + 3.2 * len(notes)
    with mpl.rc_context(STYLE):
        fig, ax, panel = _layout(extent, width_mm=width_mm, panel_mm=panel_mm,
                                 source=source, subtitle=bool(subtitle))
        if context is not None and len(context):
            ctx = _clip_context(context, regions, crs, extent)
            ctx.plot(ax=ax, facecolor=CONTEXT_COLOR, edgecolor="white", linewidth=0.4,
                     zorder=1)
            ax.collections[-1].set_gid("context")
        if has.any():
            proj[has].plot(ax=ax, color=list(colours[has]), edgecolor="white", linewidth=0.5,
                           zorder=2)
            ax.collections[-1].set_gid("classes")
        if (~has).any():
            proj[~has].plot(ax=ax, facecolor=NO_DATA_COLOR, edgecolor="#8c8c8c",
                            hatch=NO_DATA_HATCH, linewidth=0.4, zorder=2)
            ax.collections[-1].set_gid("no_data")
        line = _border_geometry(regions, border, id_col, group_col, groups)
        if line is not None:
            line.to_crs(crs).plot(ax=ax, color=BORDER_COLOR, linewidth=1.4, zorder=6)
            ax.collections[-1].set_gid("border_line")
        lab = _label_frame(proj, id_col, labels, label_positions, crs)
        _draw_labels(ax, lab)

        handles = [Patch(facecolor=c, edgecolor="#666666", linewidth=0.4) for c in palette]
        texts = class_labels(clf, fmt)
        if class_names is not None:
            if len(class_names) != len(texts):
                raise ValueError(f"{len(class_names)} class names for {len(texts)} classes")
            texts = [f"{name}  ({int(n)})" for name, n in zip(class_names, clf.counts, strict=True)]
        if (~has).any():
            handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#8c8c8c",
                                 hatch=NO_DATA_HATCH, linewidth=0.4))
            texts.append(f"{no_data_label}  ({int((~has).sum())})")
        if line is not None:
            handles.append(Line2D([], [], color=BORDER_COLOR, linewidth=1.4))
            texts.append("border")
        lt = legend_title or _legend_title(meta, year)
        leg = panel.legend(handles, texts, loc="upper left", ncol=ncol,
                           frameon=False, title=lt, alignment="left", handlelength=2.2,
                           handleheight=1.1, columnspacing=1.6, borderaxespad=0.2)
        leg.set_gid("legend")
        if notes:
            panel.text(0.0, 0.0, "\n".join(notes), ha="left", va="bottom", fontsize=7,
                       gid="notes", wrap=True)
        if title is None:
            title = _legend_title(meta, year) or "Choropleth"
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=graticule)

    table = pd.DataFrame({
        "region": proj[id_col].to_numpy(),
        "value": v.to_numpy(),
        "class": cls,
        "colour": colours,
    })
    if len(lab):
        table["label"] = table["region"].map(dict(zip(lab["region"], lab["label"],
                                                      strict=True)))
    return MapResult(figure=fig, ax=ax, crs=crs, table=table, classifier=clf, notes=tuple(notes),
                     meta={"title": title, "scheme": "user" if breaks is not None else scheme,
                           "year": year, **meta})


def _legend_title(meta: Mapping[str, Any], year: Any) -> str | None:
    ind = meta.get("indicator")
    if not ind:
        return None if year is None else str(year)
    unit = f" ({meta['unit']})" if meta.get("unit") else ""
    return f"{ind}{unit}" + (f", {year}" if year is not None else "")


# ----------------------------------------------------------------------------- figure 1
def _short_name(name: str) -> str:
    name = name.split(" (")[0]
    for suffix in (" Region", " Oblast", " oblast", " region"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _labels_for(ds: Any, regions: gpd.GeoDataFrame, country: str = "KZ") -> dict[str, str]:
    """The paper's labels for the built-in data; else 1, 2, … west to east for ``country`` and
    1a, 2a, … (1b, …) for the other group(s)."""
    if getattr(ds, "name", None) == "ru-kz":
        return {k: v for k, v in PAPER_LABELS.items() if k in set(regions["region"])}
    groups = sorted(pd.unique(regions["country"]), key=lambda g: (g != country, str(g)))
    return number_west_to_east(regions, "country",
                               {g: ("" if i == 0 else "abcdefgh"[i - 1])
                                for i, g in enumerate(groups)})


def figure1_table(
    ds: Any,
    *,
    indicator: str = "russian_share_pct",
    country: str = "KZ",
    first_year: int | None = 1989,
    last_year: int | None = None,
    fallback: str = "none",
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The values behind :func:`figure1`: one row per border region of ``country``.

    Values come from the observations and, for a historical unit that overlaps exactly one
    region (``historical_units.overlaps_regions``), from ``historical_units`` — as the data give
    them, not re-aggregated; an observation wins over a historical unit for the same year.
    ``last``: the latest value (up to ``last_year``). ``first``: the value of ``first_year``;
    with ``fallback="earliest"`` a region without one takes its earliest earlier value (the
    period then differs between regions; see ``first_year`` in the table). ``change_pp =
    last − first`` (percentage points), ``change_pp_per_year`` its annual mean.

    Columns: region, label, name, first_year, first_value, first_source, first_basis,
    last_year, last_value, last_source, change_pp, change_pp_per_year, n_values, years,
    status, source.
    """
    if fallback not in ("none", "earliest"):
        raise ValueError("fallback must be 'none' or 'earliest'")
    codes = ds.region_codes(f"border:{country}")
    regs = ds.regions.set_index("region")
    if labels is None:
        labels = _labels_for(ds, map_units(ds, "border"), country)
    try:
        obs = ds.values(indicator)
    except DataError:
        obs = pd.DataFrame(columns=["region", "year", "value", "source", "flag"])
    obs = obs[obs["region"].isin(codes)].assign(basis="")
    rows = [obs[["region", "year", "value", "source", "flag", "basis"]]]
    hist = getattr(ds, "historical_units", None)
    if hist is not None and len(hist) and "overlaps_regions" in hist:
        h = hist[hist["indicator"] == indicator].copy()
        h["_codes"] = h["overlaps_regions"].astype(str).str.split(";")
        h = h[h["_codes"].map(len) == 1]
        h["region"] = h["_codes"].str[0].str.strip()
        h = h[h["region"].isin(codes)]
        if len(h):
            rows.append(pd.DataFrame({
                "region": h["region"], "year": h["year"], "value": h["value"],
                "source": h["source"], "flag": "historical_unit",
                "basis": "historical unit: " + h["unit_name"].astype(str)}))
    allv = pd.concat([r for r in rows if len(r)], ignore_index=True) if any(
        len(r) for r in rows) else rows[0]
    allv = allv.assign(_hist=allv["flag"].eq("historical_unit")).sort_values(
        ["region", "year", "_hist"]).drop_duplicates(["region", "year"], keep="first")
    if last_year is not None:
        allv = allv[allv["year"] <= last_year]

    out = []
    for code in codes:
        v = allv[allv["region"] == code].sort_values("year")
        rec: dict[str, Any] = {"region": code, "label": labels.get(code, ""),
                               "name": _short_name(str(regs.at[code, "name"])),
                               "n_values": len(v),
                               "years": ", ".join(str(int(y)) for y in v["year"])}
        first = last = None
        if len(v):
            last = v.iloc[-1]
            if first_year is not None and (v["year"] == first_year).any():
                first = v[v["year"] == first_year].iloc[0]
            elif fallback == "earliest" and len(v) > 1:
                first = v.iloc[0]
            if first is not None and first["year"] >= last["year"]:
                first = None
        for key, r in (("first", first), ("last", last)):
            rec[f"{key}_year"] = int(r["year"]) if r is not None else pd.NA
            rec[f"{key}_value"] = float(r["value"]) if r is not None else np.nan
            rec[f"{key}_source"] = str(r["source"]) if r is not None else ""
        rec["first_basis"] = str(first["basis"]) if first is not None else ""
        if first is not None and last is not None:
            rec["change_pp"] = rec["last_value"] - rec["first_value"]
            rec["change_pp_per_year"] = rec["change_pp"] / (rec["last_year"] - rec["first_year"])
            rec["status"] = ("change" if first_year is None or rec["first_year"] == first_year
                             else f"change from {rec['first_year']} (no {first_year} value)")
        else:
            rec["change_pp"] = rec["change_pp_per_year"] = np.nan
            rec["status"] = ("no value" if not len(v) else "one value only" if len(v) == 1
                             else f"no {first_year} value")
        rec["source"] = "; ".join(dict.fromkeys(s for s in (rec["first_source"],
                                                            rec["last_source"]) if s))
        out.append(rec)
    cols = ["region", "label", "name", "first_year", "first_value", "first_source",
            "first_basis", "last_year", "last_value", "last_source", "change_pp",
            "change_pp_per_year", "n_values", "years", "status", "source"]
    table = pd.DataFrame(out, columns=cols)
    order = table["label"].map(lambda s: (len(s) == 0, int("".join(c for c in s if c.isdigit())
                                                           or 0)))
    return table.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _change_breaks(changes: np.ndarray, step: float) -> np.ndarray:
    lo = np.floor(np.nanmin(changes) / step) * step
    hi = max(0.0, np.ceil(np.nanmax(changes) / step) * step)
    edges = np.arange(lo, hi + step / 2, step)
    if len(edges) < 2:
        edges = np.array([lo - step, lo])
    return edges


def figure1(
    ds: Any,
    *,
    indicator: str = "russian_share_pct",
    country: str = "KZ",
    first_year: int | None = 1989,
    last_year: int | None = None,
    fallback: str = "none",
    step: float = 5.0,
    cmap: str = "Blues",
    crs: Any = None,
    width_mm: float = 180.0,
    title: str | None = None,
) -> MapResult:
    """Stepanov et al. (2020), Figure 1, from the data: the change in the share of ethnic
    Russians in the Kazakh border regions, ``first_year`` → latest year.

    Kazakh border regions (``country``) are classed by ``change_pp`` in steps of ``step``
    percentage points, darker = larger decrease; regions without a computable change are hatched
    "no data" and listed in a note. The other side's border regions are drawn neutral. Labels
    follow the paper (Kazakh 1-7 from Atyrau to East Kazakhstan, Russian 1a-11a from Astrakhan to
    the Altai Republic; Samara, not numbered in the paper, is "Sam."); a key lists them. With
    ``fallback="earliest"`` a region without a ``first_year`` value uses its earliest value
    (period shown on the label). See :func:`figure1_table` for the values (``result.table``).
    """
    shown = map_units(ds, "border")
    labels = _labels_for(ds, shown, country)
    table = figure1_table(ds, indicator=indicator, country=country, first_year=first_year,
                          last_year=last_year, fallback=fallback, labels=labels)
    crs = CRS.from_user_input(crs) if crs is not None else equal_area_crs(shown)
    proj = shown.to_crs(crs).reset_index(drop=True)
    change = proj["region"].map(table.set_index("region")["change_pp"]).astype(float)
    mapped = proj["country"].eq(country).to_numpy()
    has = mapped & change.notna().to_numpy()
    missing = mapped & ~has

    clf = None
    palette: list[str] = []
    edges = np.array([])
    if has.any():
        edges = _change_breaks(change[has].to_numpy(), step)
        clf = mapclassify.UserDefined(change[has].to_numpy(), bins=list(edges[1:]))
        palette = _palette(cmap, len(edges) - 1, reverse=True)  # darker = larger decrease
    colours = np.full(len(proj), NO_DATA_COLOR, dtype=object)
    if clf is not None:
        colours[has] = [palette[int(c)] for c in clf.yb]

    years = table.dropna(subset=["change_pp"])
    span = (f"{int(years['first_year'].min())}\u2013{int(years['last_year'].max())}"
            if len(years) else f"{first_year}\u2013latest")
    paper = getattr(ds, "name", None) == "ru-kz"
    if title is None:
        title = (("Change in the share of ethnic Russians in the Kazakh border regions, "
                  if paper and indicator == "russian_share_pct" else
                  f"Change in {indicator}, border regions of {_country_name(country)}, ") + span)
    subtitle = ("p.p.; darker = larger decrease; " +
                ("numbers after Stepanov et al. (2020)" if paper else
                 "regions numbered west to east"))
    if fallback == "earliest" and (years["first_year"] != first_year).any():
        subtitle += "; start year varies (on labels)"
    other = proj.loc[~mapped, "country"].iloc[0] if (~mapped).any() else None
    notes = _figure1_notes(table, shown, first_year, fallback)
    note_text = wrap_to_width("\n".join(notes), width_mm - 16, 7.0) if notes else ""
    n_note_lines = note_text.count("\n") + 1 if notes else 0
    drawn = table.dropna(subset=["change_pp"])
    src_ids = [s for s in drawn["source"].str.split("; ").explode() if isinstance(s, str) and s]
    source = source_text(ds.sources, src_ids, extra=_boundaries(ds))
    if len(drawn) < len(table):
        source += " Years listed in the note: values in the data set (sources.csv)."
    extent = _extent(proj.geometry)

    n_leg = (len(edges) - 1 if len(edges) else 0) + int(missing.any()) + 2
    side = dict(zip(shown["region"], shown["country"], strict=True))
    n_mine = sum(1 for c in labels if side.get(c) == country)
    key_rows = max(n_mine, -(-(len(labels) - n_mine) // 2))
    top_mm = max(_legend_mm(n_leg), 3.0 + 3.4 * key_rows)
    panel_mm = top_mm + 3.3 * n_note_lines + 2.0
    with mpl.rc_context(STYLE):
        fig, ax, panel = _layout(extent, width_mm=width_mm, panel_mm=panel_mm, source=source,
                                 subtitle=True)
        ctx = _clip_context(_context_of(ds, shown), shown, crs, extent)
        if len(ctx):
            ctx.plot(ax=ax, facecolor=CONTEXT_COLOR, edgecolor="white", linewidth=0.4, zorder=1)
            ax.collections[-1].set_gid("context")
        if (~mapped).any():
            proj[~mapped].plot(ax=ax, facecolor=OTHER_SIDE_COLOR, edgecolor="white",
                               linewidth=0.6, zorder=2)
            ax.collections[-1].set_gid("other_side")
        if has.any():
            proj[has].plot(ax=ax, color=list(colours[has]), edgecolor="white", linewidth=0.6,
                           zorder=2)
            ax.collections[-1].set_gid("classes")
        if missing.any():
            proj[missing].plot(ax=ax, facecolor=NO_DATA_COLOR, edgecolor="#8c8c8c",
                               hatch=NO_DATA_HATCH, linewidth=0.4, zorder=2)
            ax.collections[-1].set_gid("no_data")
        line = _border_geometry(shown, True, "region", "country", None)
        line.to_crs(crs).plot(ax=ax, color=BORDER_COLOR, linewidth=1.3, zorder=6)
        ax.collections[-1].set_gid("border_line")

        lab = _label_frame(proj, "region", labels, None, crs)
        chg = lab["region"].map(table.set_index("region")["change_pp"])
        per = lab["region"].map(table.set_index("region")["first_year"])
        for i, row in enumerate(lab.itertuples(index=False)):
            dark = bool(has[proj.index[proj["region"] == row.region][0]]) and \
                _is_dark(colours[proj.index[proj["region"] == row.region][0]])
            colour = "white" if dark else "#111111"
            effects = [] if dark else HALO
            ax.text(row.x, row.y, row.label, ha="center", va="bottom" if chg.iloc[i] == chg.iloc[i]
                    else "center", fontsize=8, fontweight="bold", color=colour,
                    path_effects=effects, zorder=15, gid="region_label")
            if chg.iloc[i] == chg.iloc[i]:
                txt = _fmt(chg.iloc[i], 1)
                if fallback == "earliest" and first_year is not None and per.iloc[i] != first_year:
                    txt += f"\n(from {int(per.iloc[i])})"
                ax.text(row.x, row.y, txt, ha="center", va="top", fontsize=7, color=colour,
                        path_effects=effects, zorder=15, gid="value_label")

        handles, texts = [], []
        for c, (a, b) in zip(palette, zip(edges[:-1], edges[1:], strict=True), strict=True):
            handles.append(Patch(facecolor=c, edgecolor="#666666", linewidth=0.4))
            texts.append(f"{_fmt(a, 0)} to {_fmt(b, 0)}")
        if missing.any():
            handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#8c8c8c",
                                 hatch=NO_DATA_HATCH, linewidth=0.4))
            texts.append("no data (no computable change)")
        if other is not None:
            handles.append(Patch(facecolor=OTHER_SIDE_COLOR, edgecolor="#999999", linewidth=0.4))
            texts.append(f"{_country_name(other)}: border region (not mapped)")
        handles.append(Line2D([], [], color=BORDER_COLOR, linewidth=1.3))
        texts.append("state border")
        leg = panel.legend(handles, texts, loc="upper left", ncol=1, frameon=False,
                           title=f"Change, p.p. ({span})", alignment="left",
                           borderaxespad=0.2, handlelength=2.2, handleheight=1.1)
        leg.set_gid("legend")
        _draw_key(panel, table, shown, labels, x0=0.40, top_mm=1.5, panel_mm=panel_mm,
                  country=country)
        if notes:
            panel.text(0.0, 0.0, note_text, ha="left", va="bottom", fontsize=7,
                       gid="notes", linespacing=1.25)
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=True)
    return MapResult(figure=fig, ax=ax, crs=crs, table=table, classifier=clf,
                     notes=tuple(notes),
                     meta={"title": title, "scheme": "user", "edges": list(edges)})


OTHER_SIDE_COLOR = "#f6efdc"
_COUNTRY_NAMES = {"RU": "Russia", "KZ": "Kazakhstan"}


def _country_name(code: str) -> str:
    return _COUNTRY_NAMES.get(code, str(code))


def _is_dark(colour: str) -> bool:
    r, g, b = mpl.colors.to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b < 0.5


def _figure1_notes(table: pd.DataFrame, shown: gpd.GeoDataFrame, first_year: int | None,
                   fallback: str) -> list[str]:
    notes = []
    none = table[table["change_pp"].isna()]
    if len(none):
        parts = []
        for r in none.itertuples(index=False):
            s = f"{r.label} {r.name}"
            if r.n_values:
                s += f" ({r.years})"
            parts.append(s)
        why = (f"no {first_year} value" if first_year is not None and fallback == "none"
               else "fewer than two values")
        notes.append(f"No data ({why}; years with a value in brackets): " + ", ".join(parts)
                     + ".")
    for r in table[table["first_basis"].str.len() > 0].itertuples(index=False):
        notes.append(f"{r.label} {r.name}, {int(r.first_year)}: {r.first_basis}; not "
                     "re-aggregated, boundary basis as the source gives it.")
    for r in shown[shown["display_note"].str.len() > 0].itertuples(index=False):
        notes.append(f"{r.name} {r.display_note}.")
    return notes


def _wrap(text: str, width_mm: float) -> str:
    return wrap_to_width(text, width_mm, 7.0)


def _draw_key(panel: Axes, table: pd.DataFrame, shown: gpd.GeoDataFrame,
              labels: Mapping[str, str], *, x0: float, top_mm: float, panel_mm: float,
              country: str) -> None:
    """The key of region numbers: one column for ``country``, two for the other side."""
    names = dict(zip(shown["region"], shown["name"].map(_short_name), strict=True))

    def num(code: str) -> tuple[int, str]:
        s = labels.get(code, "")
        d = "".join(c for c in s if c.isdigit())
        return (0, f"{int(d):03d}") if d else (1, s)

    mine = sorted([c for c in labels if shown.set_index("region").at[c, "country"] == country],
                  key=num)
    theirs = sorted([c for c in labels if c not in mine], key=num)
    cols = [mine, theirs[: (len(theirs) + 1) // 2], theirs[(len(theirs) + 1) // 2:]]
    xs = [x0, x0 + 0.22, x0 + 0.40]
    y = 1 - top_mm / panel_mm
    for x, codes in zip(xs, cols, strict=True):
        if not codes:
            continue
        panel.text(x + 0.03, y, "\n".join(labels[c] for c in codes), ha="right", va="top",
                   fontsize=7, fontweight="bold", linespacing=1.35, gid="key")
        panel.text(x + 0.04, y, "\n".join(names.get(c, c) for c in codes), ha="left",
                   va="top", fontsize=7, linespacing=1.35, gid="key")


# ----------------------------------------------------------------------------- discontinuities
def discontinuity_map(
    regions: gpd.GeoDataFrame,
    edges: gpd.GeoDataFrame,
    *,
    value: str | None = None,
    border_col: str = "border",
    id_col: str = "region",
    fill: Panel | pd.Series | Mapping | None = None,
    year: Any = None,
    width_range: tuple[float, float] = (0.4, 5.0),
    border_color: str = BORDER_COLOR,
    internal_color: str = "#3b3b3b",
    crs: Any = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    legend_title: str | None = None,
    labels: Any = None,
    context: gpd.GeoDataFrame | None = None,
    width_mm: float = 180.0,
    graticule: bool = True,
) -> MapResult:
    """Shared edges drawn with a line width by their discontinuity, border edges highlighted.

    ``edges``: the GeoDataFrame of :func:`crossborder.border.discontinuity.discontinuities`
    (columns ``a``, ``b``, ``border`` (bool), ``length_km``, the value column — ``discontinuity``
    there, ``value`` accepted too, or name it with ``value`` — and the edge geometry). Widths are
    linear in the value between ``width_range`` (points) from the smallest to the largest value;
    border edges in ``border_color``, internal ones in ``internal_color``; edges without a value
    (or with point geometry only) are left out and counted in the notes. ``fill``: optional
    values to shade the regions with (a light 5-class quantile choropleth), else a flat tint.
    The legend shows three reference widths (min, middle, max).
    """
    if value is None:
        value = next((c for c in ("discontinuity", "value") if c in edges.columns), None)
        if value is None:
            raise DataError("edges have no 'discontinuity' or 'value' column; pass value=",
                            column="value")
    for col in (value, border_col):
        if col not in edges.columns:
            raise DataError(f"edges have no {col!r} column", column=col)
    if edges.crs is None:
        raise DataError("edges have no CRS")
    regions = regions[regions.geometry.notna() & ~regions.geometry.is_empty]
    crs = CRS.from_user_input(crs) if crs is not None else equal_area_crs(regions)
    proj = regions.to_crs(crs).reset_index(drop=True)
    e = edges.to_crs(crs).reset_index(drop=True)
    vals = pd.to_numeric(e[value], errors="coerce")
    linear = e.geometry.notna() & (shapely.get_dimensions(np.asarray(e.geometry.values)) == 1)
    keep = vals.notna() & linear & ~e.geometry.is_empty
    notes = []
    if (~keep).any():
        notes.append(f"{int((~keep).sum())} of {len(e)} edges not drawn (no value or no line).")
    e, vals = e[keep].reset_index(drop=True), vals[keep].reset_index(drop=True)
    if not len(e):
        raise DataError("no edge with a value and a line to draw")
    vmin, vmax = float(vals.min()), float(vals.max())
    w0, w1 = width_range

    def width(v: Any) -> Any:
        if vmax == vmin:
            return np.full(np.shape(v), (w0 + w1) / 2) if np.ndim(v) else (w0 + w1) / 2
        return w0 + (np.asarray(v, dtype=float) - vmin) / (vmax - vmin) * (w1 - w0)

    is_border = e[border_col].astype(bool).to_numpy()
    kind = edges.attrs.get("kind")
    if legend_title is None:
        legend_title = {"relative": "Discontinuity max(a/b, b/a)",
                        "absolute": "Discontinuity |a \u2212 b|"}.get(kind, f"{value}")
        if edges.attrs.get("year") is not None:
            legend_title += f", {edges.attrs['year']}"
    if source is None:
        source = "Shared edges of the regions' polygons (computed by crossborder)."
    extent = _extent(proj.geometry)
    fill_vals = None
    if fill is not None:
        fill_vals, _, _ = _series_of(fill, year, id_col)
    with mpl.rc_context(STYLE):
        fig, ax, panel = _layout(extent, width_mm=width_mm,
                                 panel_mm=_legend_mm(2) + 3.3 * (len(notes) + (fill is not None)),
                                 source=source,
                                 subtitle=bool(subtitle))
        if context is not None and len(context):
            ctx = _clip_context(context, regions, crs, extent)
            ctx.plot(ax=ax, facecolor=CONTEXT_COLOR, edgecolor="white", linewidth=0.4, zorder=1)
            ax.collections[-1].set_gid("context")
        colours: Any = "#f4f1ea"
        if fill_vals is not None:
            fv = proj[id_col].map(fill_vals).astype(float)
            ok = fv.notna().to_numpy()
            if ok.any():
                clf = classify(fv[ok], "quantiles", 5)
                pal = _palette("Blues", len(clf.bins))
                pal = [to_hex(np.array(mpl.colors.to_rgb(c)) * 0.4 + 0.6) for c in pal]
                colours = np.full(len(proj), NO_DATA_COLOR, dtype=object)
                colours[ok] = [pal[int(c)] for c in clf.yb]
                colours = list(colours)
                notes.append("Regions shaded by " + (getattr(fill, "indicator", None) or "value")
                             + " (5 quantile classes, darker = higher).")
        proj.plot(ax=ax, color=colours, edgecolor="#bdbdbd", linewidth=0.3, zorder=2)
        ax.collections[-1].set_gid("regions")
        order = np.argsort(vals.to_numpy())  # thick lines on top
        for flag, colour, gid in ((False, internal_color, "internal_edges"),
                                  (True, border_color, "border_edges")):
            idx = [i for i in order if is_border[i] == flag]
            if not idx:
                continue
            sub = e.iloc[idx]
            sub.plot(ax=ax, color=colour, linewidth=width(vals.iloc[idx].to_numpy()),
                     capstyle="round", joinstyle="round", zorder=5 + int(flag))
            ax.collections[-1].set_gid(gid)
        lab = _label_frame(proj, id_col, labels, None, crs)
        _draw_labels(ax, lab, fontsize=7)

        refs = np.unique(np.round([vmin, (vmin + vmax) / 2, vmax], 6))
        dec = _auto_decimals(np.asarray(refs[1:] if len(refs) > 1 else refs), float(refs[0]))
        h1 = [Line2D([], [], color=internal_color, linewidth=float(width(r))) for r in refs]
        t1 = [_fmt(r, dec) for r in refs]
        h2 = [Line2D([], [], color=border_color, linewidth=3.0),
              Line2D([], [], color=internal_color, linewidth=3.0)]
        t2 = [f"border edge ({int(is_border.sum())})", f"internal edge ({int((~is_border).sum())})"]
        leg = panel.legend(h1, t1, loc="upper left", frameon=False, title=legend_title,
                           alignment="left", ncol=len(h1), handlelength=3.0,
                           borderaxespad=0.2)
        leg.set_gid("legend")
        panel.add_artist(leg)
        leg2 = panel.legend(h2, t2, loc="upper left", bbox_to_anchor=(0.55, 1.0), frameon=False,
                            title="Edge", alignment="left", handlelength=3.0, borderaxespad=0.2)
        leg2.set_gid("legend_edges")
        if notes:
            panel.text(0.0, 0.0, "\n".join(notes), ha="left", va="bottom", fontsize=7,
                       gid="notes")
        if title is None:
            title = "Discontinuities on shared edges"
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=graticule)
    table = pd.DataFrame(e.drop(columns=e.geometry.name)).assign(
        linewidth=width(vals.to_numpy()))
    return MapResult(figure=fig, ax=ax, crs=crs, table=table, notes=tuple(notes),
                     meta={"title": title, "value": value, "range": (vmin, vmax)})


# ----------------------------------------------------------------------------- figure 2
_AGG_COLOURS = ["#6a3d9a", "#1b7837", "#b35806", "#2166ac", "#c51b7d", "#01665e", "#8c510a"]
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
COUNTRY_TINTS = {"RU": "#e3ebf5", "KZ": "#f6ead2"}
ZONE_COLOR = "#7a9cc6"


def _agglomeration_members(ds: Any, agglomerations: Any) -> tuple[list[list[str]], str]:
    """City-name lists and a description of where they came from."""
    if agglomerations is None:
        return [list(a) for a in PAPER_AGGLOMERATIONS], \
            "agglomerations as named by Stepanov et al. (2020)"
    if hasattr(agglomerations, "members") and hasattr(agglomerations, "table"):
        m = agglomerations.members
        groups = [list(g["city"]) for _, g in m.groupby("agglomeration", sort=True)]
        return groups, (f"agglomerations detected: single linkage, links ≤ "
                        f"{agglomerations.max_km:g} km ({agglomerations.link})")
    return [list(a) for a in agglomerations], "agglomerations as given"


def figure2(
    ds: Any,
    zone_km: float = 150.0,
    *,
    agglomerations: Any = None,
    crs: Any = None,
    width_mm: float = 180.0,
    title: str | None = None,
    hull_km: float = 30.0,
    inset_km: float = 8.0,
    labels: bool = False,
) -> MapResult:
    """Stepanov et al. (2020), Figure 2, from data: the border regions of both countries, the
    border line, the border zone, the agglomerations and their cross-border regions.

    * border zone: the part of the border regions within ``zone_km`` of the border line
      (:func:`crossborder.border.zones.border_zone`, buffered in an equal-area plane);
    * agglomerations: ``None`` draws the five named in the paper (:data:`PAPER_AGGLOMERATIONS`),
      or pass an :class:`~crossborder.border.pairs.Agglomerations` result (detected from the
      cities) or a list of lists of city names (``ds.cities["city"]``). Each is outlined as the
      convex hull of its cities buffered by ``hull_km`` (dashed), its cities drawn by population;
    * cross-border regions: the union of the (analysis-unit) regions holding each
      agglomeration's cities, outlined in its colour, inset by ``inset_km`` so neighbouring
      outlines stay apart, numbered I, II, … in the legend.

    ``labels=True`` adds the paper's region numbers (grey; off by default, the city names are
    the labels of this map).

    ``result.table``: one row per agglomeration (number, name, cities, regions, population of
    the cities, cities inside the zone, area of the cross-border region in km²).
    """
    from .border.zones import border_zone

    if ds.cities is None:
        raise DataError(f"dataset {ds.name!r} has no cities for the agglomerations")
    shown = map_units(ds, "border")
    crs = CRS.from_user_input(crs) if crs is not None else equal_area_crs(shown)
    proj = shown.to_crs(crs).reset_index(drop=True)
    countries = list(pd.unique(proj["country"]))
    groups = sorted(countries, key=lambda c: c != "RU")
    zone = border_zone(shown, zone_km, "country", groups[0], groups[1] if len(groups) > 1 else
                       groups[0], cities=ds.cities, city_region_col=None)
    zone_geo = zone.regions.to_crs(crs)

    member_lists, origin = _agglomeration_members(ds, agglomerations)
    cities = ds.cities.to_crs(crs)
    by_name = cities.drop_duplicates("city").set_index("city")
    unknown = sorted({c for grp in member_lists for c in grp} - set(by_name.index))
    if unknown:
        raise DataError(f"cities not in the dataset: {unknown}", column="city")
    in_zone = dict(zip(zone.cities["city"], zone.cities["in_zone"], strict=False)) \
        if zone.cities is not None else {}
    unit_area = dict(zip(proj["region"], proj.geometry.area / 1e6, strict=True))

    rows, hulls, cbr = [], [], []
    for k, grp in enumerate(member_lists):
        pts = by_name.loc[grp]
        units = list(dict.fromkeys(ds.unit_of(pts["region"]).tolist()))
        geoms = proj.loc[proj["region"].isin(units), "geometry"]
        union = shapely.union_all(np.asarray(geoms.values))
        hull = shapely.convex_hull(shapely.multipoints(np.asarray(
            [[p.x, p.y] for p in pts.geometry]))).buffer(hull_km * 1000.0)
        hulls.append(hull)
        cbr.append(union.buffer(-inset_km * 1000.0) if inset_km > 0 else union)
        rows.append({
            "agglomeration": _ROMAN[k] if k < len(_ROMAN) else str(k + 1),
            "name": "\u2013".join(grp),
            "cities": ", ".join(grp),
            "regions": ", ".join(units),
            "cities_population": float(pd.to_numeric(pts["population"]).sum()),
            "cities_in_zone": int(sum(bool(in_zone.get(c, False)) for c in grp)),
            "cross_border_region_km2": float(sum(unit_area.get(u, 0.0) for u in units)),
        })
    table = pd.DataFrame(rows)

    if title is None:
        title = (f"Border regions, the {zone_km:g} km border zone and cross-border "
                 "agglomerations")
    subtitle = origin
    paper = getattr(ds, "name", None) == "ru-kz"
    source = (("Sources: cities and population: GeoNames (cities15000); " + BOUNDARIES_SOURCE
               if paper else "Sources: the dataset's cities and regions"
               + "".join("; " + b for b in _boundaries(ds)))
              + f"; border zone: {zone_km:g} km buffer of the border line in an equal-area "
              "plane (crossborder.border.zones)"
              + ("; after Stepanov et al. (2020), Figure 2." if paper else "."))
    extent = _extent(proj.geometry)
    n_agg = len(table)
    panel_mm = max(_legend_mm(5), _legend_mm(-(-n_agg // 2) + 0)) + 2
    all_members = by_name.loc[[c for g in member_lists for c in g]]
    with mpl.rc_context(STYLE):
        fig, ax, panel = _layout(extent, width_mm=width_mm, panel_mm=panel_mm, source=source,
                                 subtitle=True)
        ctx = _clip_context(_context_of(ds, shown), shown, crs, extent)
        if len(ctx):
            ctx.plot(ax=ax, facecolor=CONTEXT_COLOR, edgecolor="white", linewidth=0.4, zorder=1)
            ax.collections[-1].set_gid("context")
        for c in countries:
            sub = proj[proj["country"] == c]
            sub.plot(ax=ax, facecolor=COUNTRY_TINTS.get(c, "#eeeeee"), edgecolor="#9a9a9a",
                     linewidth=0.5, zorder=2)
            ax.collections[-1].set_gid(f"regions_{c}")
        zg = zone_geo[~zone_geo.geometry.is_empty]
        if len(zg):
            zg.plot(ax=ax, facecolor=ZONE_COLOR, alpha=0.35, edgecolor="none", zorder=3)
            ax.collections[-1].set_gid("border_zone")
        line = gpd.GeoSeries([zone.line.geometry], crs=zone.line.crs).to_crs(crs)
        line.plot(ax=ax, color=BORDER_COLOR, linewidth=1.4, zorder=6)
        ax.collections[-1].set_gid("border_line")
        for k, (hull, region_outline) in enumerate(zip(hulls, cbr, strict=True)):
            colour = _AGG_COLOURS[k % len(_AGG_COLOURS)]
            gpd.GeoSeries([region_outline], crs=crs).boundary.plot(
                ax=ax, color=colour, linewidth=1.6, zorder=5)
            ax.collections[-1].set_gid("cross_border_region")
            gpd.GeoSeries([hull], crs=crs).boundary.plot(
                ax=ax, color="#222222", linewidth=0.9, linestyle=(0, (3, 1.5)), zorder=7)
            ax.collections[-1].set_gid("agglomeration")
            hx0, hy0, hx1, hy1 = hull.bounds
            ax.text((hx0 + hx1) / 2, hy1, table.at[k, "agglomeration"], ha="center",
                    va="bottom", fontsize=8, fontweight="bold", color=colour, zorder=16,
                    path_effects=HALO, gid="agglomeration_label")
        pop = pd.to_numeric(all_members["population"]).to_numpy(dtype=float)
        size = 8 + 60 * np.sqrt(pop / max(pop.max(), 1.0))
        ax.scatter(all_members.geometry.x, all_members.geometry.y, s=size, color="#222222",
                   edgecolor="white", linewidth=0.6, zorder=8, gid="cities")
        _place_point_labels(ax, all_members.geometry.x.to_numpy(),
                            all_members.geometry.y.to_numpy(),
                            [str(n) for n in all_members.index], np.sqrt(size) / 2)
        if labels:
            lab = _label_frame(proj, "region", _labels_for(ds, shown), None, crs)
            for row in lab.itertuples(index=False):
                ax.text(row.x, row.y, row.label, ha="center", va="center", fontsize=7,
                        color="#6f6f6f", zorder=4, path_effects=HALO, gid="region_label")

        h1 = [Patch(facecolor=COUNTRY_TINTS.get(c, "#eeeeee"), edgecolor="#9a9a9a",
                    linewidth=0.5) for c in countries]
        t1 = [f"{_country_name(c)}: border region" for c in countries]
        h1 += [Patch(facecolor=ZONE_COLOR, alpha=0.35, edgecolor="none"),
               Line2D([], [], color=BORDER_COLOR, linewidth=1.4),
               Line2D([], [], color="#222222", linewidth=0.9, linestyle=(0, (3, 1.5))),
               Line2D([], [], marker="o", linestyle="none", color="#222222", markersize=5)]
        t1 += [f"border zone (\u2264 {zone_km:g} km of the border)", "state border",
               f"agglomeration (cities + {hull_km:g} km)", "city (size: population)"]
        leg = panel.legend(h1, t1, loc="upper left", frameon=False, ncol=1,
                           title="Legend", alignment="left", borderaxespad=0.2)
        leg.set_gid("legend")
        panel.add_artist(leg)
        h2 = [Line2D([], [], color=_AGG_COLOURS[k % len(_AGG_COLOURS)], linewidth=1.8)
              for k in range(n_agg)]
        t2 = [f"{r.agglomeration}  {r.name}" for r in table.itertuples(index=False)]
        leg2 = panel.legend(h2, t2, loc="upper left", bbox_to_anchor=(0.45, 1.0),
                            frameon=False, ncol=1, title="Cross-border regions of the "
                            "agglomerations", alignment="left", borderaxespad=0.2)
        leg2.set_gid("legend_agglomerations")
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=True)
    return MapResult(figure=fig, ax=ax, crs=crs, table=table,
                     notes=tuple(n for n in shown["display_note"] if n),
                     meta={"title": title, "zone_km": zone_km, "origin": origin,
                           "zone": zone.by_group()})
