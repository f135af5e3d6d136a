"""Shared pieces of the maps: the result type, classification, layout, labels, units to map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
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
from pyproj import CRS

from .._display import need_folium, short_repr
from .._mapstyle import (
    add_graticule,
    add_north_arrow,
    add_scale_bar,
    add_source_line,
    add_title,
    map_layout,
    renderer_of,
    save,
    source_lines_needed,
)
from ..errors import DataError
from ..panel import Panel


class _Schemes(Mapping):
    """Scheme name -> mapclassify class, imported on first use: importing mapclassify compiles its
    Fisher–Jenks kernel with numba (seconds), which maps classified by quantiles or user breaks do
    not need."""

    _names = {
        "quantiles": "Quantiles",
        "equal_interval": "EqualInterval",
        "fisher_jenks": "FisherJenks",
        "natural_breaks": "NaturalBreaks",
        "jenks_caspall": "JenksCaspall",
        "maximum_breaks": "MaximumBreaks",
        "std_mean": "StdMean",
        "box_plot": "BoxPlot",
        "headtail_breaks": "HeadTailBreaks",
        "user": "UserDefined",
    }

    def __getitem__(self, key: str) -> type:
        import mapclassify

        return getattr(mapclassify, self._names[key])

    def __contains__(self, key: object) -> bool:  # without importing mapclassify
        return key in self._names

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


#: Classification schemes by name -> mapclassify class (mapclassify imported on first lookup).
SCHEMES: Mapping[str, type] = _Schemes()


class BinClasses:
    """Values classified by upper class bounds ``bins`` (a value on a bound falls in the lower
    class), with the attributes of a mapclassify classifier that the maps use: ``y``, ``bins``,
    ``k``, ``yb`` (class of each value) and ``counts``. Quantile and user-break classes are built
    this way, without importing mapclassify (the bounds are those of ``mapclassify.Quantiles`` and
    ``mapclassify.UserDefined``)."""

    def __init__(self, y: np.ndarray, bins: Sequence[float], name: str, k: int | None = None) -> None:
        self.y = np.asarray(y, dtype=float)
        self.bins = np.asarray(bins, dtype=float)
        # as mapclassify.Quantiles: k stays the number asked for when repeated bounds merge
        self.k = len(self.bins) if k is None else k
        self.name = name
        self.yb = np.searchsorted(self.bins, self.y, side="left")
        self.counts = np.bincount(self.yb, minlength=len(self.bins))

    def __repr__(self) -> str:
        return f"{self.name}(k={self.k}, bins={self.bins.tolist()}, counts={self.counts.tolist()})"


def _quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes: the 100/k, 200/k, ..., 100th percentiles (linear
    interpolation), repeated bounds merged (then fewer classes, with a warning)."""
    import warnings

    from scipy import stats

    step = 100.0 / k
    pct = np.minimum(np.arange(step, 100.0 + step, step), 100.0)
    bins = np.unique([stats.scoreatpercentile(y, p) for p in pct])
    if len(bins) < k:
        warnings.warn(f"Not enough unique values in array to form {k} classes. Setting k to "
                      f"{len(bins)}.", UserWarning, stacklevel=3)
    return bins


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
    """A drawn map: the figure, its map axes and CRS, the table of what was drawn.

    In a notebook it shows as the map itself (``_repr_html_``: the figure as a PNG with the summary);
    its ``repr`` is one line."""

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

    def __repr__(self) -> str:
        return short_repr(self)

    def _repr_png_(self) -> bytes:
        import io

        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=100)
        return buf.getvalue()

    def _repr_html_(self) -> str:
        import base64
        import html

        png = base64.b64encode(self._repr_png_()).decode("ascii")
        return (f'<div><img src="data:image/png;base64,{png}" alt="map"/>'
                f"<pre>{html.escape(self.summary())}</pre></div>")

    def save(self, path: Any, formats: Sequence[str] = ("png", "svg"), *, dpi: float = 200):
        """Write PNG/SVG (see :func:`crossborder._mapstyle.save`); returns the paths."""
        return save(self.figure, path, formats, dpi=dpi)

    def explore(self, m: Any = None, **kwargs: Any) -> Any:
        """The map as an interactive folium map in a notebook, as ``GeoDataFrame.explore`` and
        :meth:`crossborder.Dataset.explore` draw one (a map that carries geometry: the
        :func:`~crossborder.maps.discontinuity_map`).

        The regions in a light tint (their id in the tooltip) under the edges drawn, coloured by
        their value and as wide as on the static map (1.5 x its line width in points); the
        tooltip names both regions, whether the edge is on the border, its length and value.
        ``m``: draw on this ``folium.Map``; ``kwargs`` go to the edges' ``GeoDataFrame.explore``
        (e.g. ``cmap=``, ``tiles=None``). Returns the ``folium.Map``. Needs folium (``pip install
        'crossborder[explore]'``).
        """
        need_folium("MapResult.explore")
        edges = self.meta.get("edges")
        if edges is None:
            raise DataError("this map keeps no geometry to explore: Dataset.explore(indicator, year) "
                            "or GeoDataFrame.explore draws regions interactively")
        value = self.meta["value"]
        regions = self.meta.get("regions")
        if regions is not None and len(regions):
            tip = [c for c in regions.columns if c != regions.geometry.name][:1]
            m = regions.to_crs(4326).explore(
                m=m, color="#f4f1ea", tooltip=tip or False, highlight=False,
                style_kwds={"color": "#999999", "weight": 0.5, "fillOpacity": 0.5},
                **({"tiles": kwargs["tiles"]} if "tiles" in kwargs and m is None else {}))
        e = edges.to_crs(4326)
        kwargs.setdefault("column", value)
        kwargs.setdefault("cmap", "YlOrRd")
        kwargs.setdefault("tooltip", [c for c in ("a", "b", "border", "length_km", value)
                                      if c in e.columns])
        kwargs.setdefault("legend_kwds", {"caption": str(self.meta.get("legend_title") or value)})
        if "linewidth" in e.columns:
            kwargs.setdefault("style_kwds", {"style_function": lambda f: {
                "weight": 1.5 * float(f["properties"]["linewidth"])}})
        return e.explore(m=m, **kwargs)


# ----------------------------------------------------------------------------- helpers
def classify(values: Any, scheme: str = "quantiles", k: int = 5,
             breaks: Sequence[float] | None = None) -> Any:
    """A classifier of the non-missing ``values``: a mapclassify classifier, or for quantiles and
    user breaks a :class:`BinClasses` with the same bounds, classes and counts.

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
        bins = sorted(float(b) for b in breaks)
        if bins[-1] < y.max():
            bins.append(float(y.max()))
        return BinClasses(y, bins, "UserDefined")
    if key == "quantiles":
        return BinClasses(y, _quantile_bins(y, int(k)), "Quantiles", k=int(k))
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
    renderer = renderer_of(ax.figure)
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
    from ..border.geometry import border_line

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
            subtitle: str | None, source: str | None, graticule: bool, user_ax: bool = False) -> None:
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_xlabel("")
    ax.set_ylabel("")
    if graticule:
        add_graticule(ax, crs)
    add_scale_bar(ax, crs)
    add_north_arrow(ax, crs)
    if user_ax:  # the user's axes: the title on the axes, the figure left alone
        if title:
            ax.set_title(title + (f"\n{subtitle}" if subtitle else ""), loc="left")
        return
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
