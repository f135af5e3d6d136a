"""Map furniture shared by :mod:`crossborder.maps` and :mod:`crossborder.charts`.

* :func:`equal_area_crs` — an Albers equal-area conic fitted to the data (standard parallels at
  1/6 and 5/6 of the latitude range, the rule of Deetz & Adams 1934; central meridian and origin at
  the centre of the area), so every map of any border is equal-area without a hand-picked EPSG code.
* :func:`add_scale_bar` — a segmented bar in km whose length is measured geodesically between
  its own end points (pyproj ``Geod``), so it is right where it is drawn, not only on a standard
  parallel.
* :func:`add_north_arrow` — an arrow pointing to true north at the map centre (in a conic
  projection meridians converge, so north is the y axis only on the central meridian).
* :func:`add_source_line`, :func:`add_title`, :func:`add_graticule`, :func:`map_layout`.
* :func:`save` — PNG/SVG written atomically (temporary file in the target folder + ``os.replace``).

Print size: figures are laid out in millimetres (default 180 mm wide, saved at 200 dpi) with no
text smaller than 7 pt. Every artist added here carries a ``gid`` (``"scale_bar"``,
``"north_arrow"``, ``"source_line"``, ``"title"``, ``"graticule"``) so that tests and SVG
post-processing can find it.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from pyproj import CRS, Geod, Transformer

from .atomic import write_bytes_atomic
from .errors import DataError

__all__ = [
    "MM",
    "MIN_FONT_PT",
    "STYLE",
    "add_graticule",
    "add_north_arrow",
    "add_scale_bar",
    "add_source_line",
    "add_title",
    "credit_line",
    "credit_name",
    "equal_area_crs",
    "fit_left_margin",
    "map_layout",
    "north_angle",
    "renderer_of",
    "nice_length",
    "save",
    "short_citation",
    "source_text",
    "text_width_pt",
    "wrap_to_width",
]

MM = 1 / 25.4  # inches per millimetre
MIN_FONT_PT = 7.0
WGS84 = CRS.from_epsg(4326)

#: rcParams used for every figure of the package (matplotlib defaults otherwise).
STYLE: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7.5,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "svg.fonttype": "none",      # text stays text in SVG
    "svg.hashsalt": "crossborder",  # stable element ids: identical figures give identical SVG
    "axes.spines.top": False,
    "axes.spines.right": False,
}

#: The rcParams read when a figure is *saved* (``savefig`` reads them then, not when the figure was
#: drawn under :data:`STYLE`): SVG text as ``<text>`` (small, searchable, no glyph outlines) and
#: stable element ids.
SAVE_STYLE: dict[str, Any] = {k: STYLE[k] for k in ("svg.fonttype", "svg.hashsalt")}


# ----------------------------------------------------------------------------- projection
def _lonlat_coords(data: Any) -> np.ndarray:
    """Longitude/latitude of every vertex of ``data`` (GeoDataFrame/GeoSeries/geometry/bounds)."""
    if isinstance(data, Sequence | np.ndarray) and len(data) == 4 and np.isscalar(data[0]):
        x0, y0, x1, y1 = map(float, data)
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    if isinstance(data, shapely.Geometry):
        return shapely.get_coordinates(data)
    gs = data.geometry if hasattr(data, "geometry") else data
    if gs.crs is None:
        raise ValueError("data have no CRS: cannot fit a projection")
    if not CRS.from_user_input(gs.crs).is_geographic:
        gs = gs.to_crs(WGS84)
    return shapely.get_coordinates(np.asarray(gs.values))


def _lon_span(lon: np.ndarray) -> tuple[float, float]:
    """Smallest longitude interval holding every longitude (handles the antimeridian)."""
    lon = np.sort(np.mod(np.asarray(lon, dtype=float) + 180.0, 360.0) - 180.0)
    if len(lon) == 0:
        return -180.0, 180.0
    gaps = np.diff(np.concatenate([lon, [lon[0] + 360.0]]))
    k = int(np.argmax(gaps))
    start = lon[(k + 1) % len(lon)]
    end = lon[k] if k + 1 < len(lon) else lon[k]
    if end < start:
        end += 360.0
    return float(start), float(end)


def equal_area_crs(data: Any, *, round_to: float = 0.5) -> CRS:
    """An Albers equal-area conic projection fitted to ``data``.

    ``data``: a GeoDataFrame/GeoSeries (any CRS), a shapely geometry in lon/lat or bounds
    ``(lon_min, lat_min, lon_max, lat_max)``. Standard parallels
    ``lat_1 = φmin + Δφ/6``, ``lat_2 = φmax − Δφ/6``; ``lat_0`` the middle latitude, ``lon_0`` the
    middle of the (antimeridian-aware) longitude span; ellipsoid WGS84, metres. Parameters are
    rounded to ``round_to`` degrees so that nearby extents share one CRS. When the area straddles
    the equator symmetrically (``lat_1 ≈ −lat_2``, where the cone degenerates) a Lambert
    cylindrical equal-area projection is used instead.
    """
    xy = _lonlat_coords(data)
    if len(xy) == 0:
        raise ValueError("no coordinates to fit a projection to")
    lon0, lon1 = _lon_span(xy[:, 0])
    lat_min, lat_max = float(xy[:, 1].min()), float(xy[:, 1].max())
    span = max(lat_max - lat_min, 1e-6)

    def r(v: float) -> float:
        return round(v / round_to) * round_to if round_to else v

    lon_c = r((lon0 + lon1) / 2.0)
    lon_c = (lon_c + 180.0) % 360.0 - 180.0
    lat_1, lat_2 = r(lat_min + span / 6.0), r(lat_max - span / 6.0)
    if lat_1 == lat_2:
        lat_1, lat_2 = lat_1 - round_to / 2, lat_2 + round_to / 2
    lat_c = r((lat_min + lat_max) / 2.0)
    if abs(lat_1 + lat_2) < 1.0:
        return CRS.from_proj4(f"+proj=cea +lon_0={lon_c:g} +lat_ts={max(abs(lat_1), 1):g} "
                              "+ellps=WGS84 +units=m +no_defs")
    return CRS.from_proj4(
        f"+proj=aea +lat_1={lat_1:g} +lat_2={lat_2:g} +lat_0={lat_c:g} +lon_0={lon_c:g} "
        "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs")


# ----------------------------------------------------------------------------- furniture
def fit_left_margin(fig: Figure, axes: Sequence[Axes], pad_mm: float = 1.5) -> None:
    """Move the axes' left edge so that the y tick labels and the y label lie inside the figure
    (measured with the renderer, not guessed): a two-line label is never cut."""
    renderer = renderer_of(fig)
    width_px = fig.get_figwidth() * fig.dpi
    pad = pad_mm * MM * fig.dpi
    need = 0.0
    for ax in axes:
        box = ax.yaxis.get_tightbbox(renderer)
        if box is not None:
            need = max(need, pad - box.x0)
    if need > 0:
        fig.subplots_adjust(left=min(fig.subplotpars.left + need / width_px, 0.45))


def renderer_of(fig: Any) -> Any:
    """The renderer of a Figure or SubFigure, whatever its canvas (text extents are measured
    with it)."""
    canvas = getattr(fig, "canvas", None)
    if canvas is not None and hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    root = fig.get_figure(root=True) if hasattr(fig, "get_figure") else fig
    return root._get_renderer()


def nice_length(target: float) -> float:
    """The largest 1, 2, 2.5 or 5 × 10^n not above ``target`` (> 0)."""
    if not target > 0:
        raise ValueError("target must be > 0")
    exp = math.floor(math.log10(target))
    for m in (5.0, 2.5, 2.0, 1.0):
        if m * 10**exp <= target * (1 + 1e-12):
            return m * 10**exp
    return 10.0 ** exp


def _to_lonlat(crs: CRS) -> Transformer:
    return Transformer.from_crs(crs, WGS84, always_xy=True)


def add_scale_bar(
    ax: Axes,
    crs: Any,
    *,
    loc: tuple[float, float] = (0.03, 0.04),
    length_km: float | None = None,
    fraction: float = 0.22,
    min_mm: float = 22.0,
    segments: int = 2,
    height_frac: float = 0.012,
    fontsize: float = 7.0,
) -> float:
    """Draw a segmented scale bar in km with its left end at ``loc`` (axes fraction).

    The bar is straight in the projected plane; its length in map units is chosen so that the
    geodesic distance (WGS84 ``Geod.inv``) between its two ends equals ``length_km``. By default
    ``length_km`` is the "nice" number (1, 2, 2.5, 5 × 10^n) closest below ``fraction`` of the
    map width (and at least ``min_mm`` on paper). Returns the length in km.
    """
    crs = CRS.from_user_input(crs)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    bx, by = x0 + loc[0] * (x1 - x0), y0 + loc[1] * (y1 - y0)
    back, geod = _to_lonlat(crs), Geod(ellps="WGS84")
    # the bar is at least min_mm long on paper, so that its labels fit
    ax_mm = ax.get_window_extent().width / ax.figure.dpi / MM
    frac = max(fraction, min(min_mm / ax_mm, 0.6)) if ax_mm > 0 else fraction
    probe = frac * (x1 - x0)
    lon_a, lat_a = back.transform(bx, by)
    lon_b, lat_b = back.transform(bx + probe, by)
    _, _, dist_m = geod.inv(lon_a, lat_a, lon_b, lat_b)
    m_per_unit = dist_m / probe
    if length_km is None:
        length_km = nice_length(dist_m / 1000.0)
    # refine once: map units whose ends are exactly length_km apart on the ellipsoid
    length_u = length_km * 1000.0 / m_per_unit
    lon_b, lat_b = back.transform(bx + length_u, by)
    _, _, d2 = geod.inv(lon_a, lat_a, lon_b, lat_b)
    length_u *= length_km * 1000.0 / d2
    h = height_frac * (y1 - y0)
    seg = length_u / segments
    for i in range(segments):
        ax.add_patch(Rectangle((bx + i * seg, by), seg, h, facecolor="black" if i % 2 == 0 else
                               "white", edgecolor="black", linewidth=0.6, zorder=20,
                               gid="scale_bar"))
    bar_mm = length_u / (x1 - x0) * ax_mm
    ticks = [0.0, length_km / 2, length_km] if segments % 2 == 0 and bar_mm >= 30 \
        else [0.0, length_km]
    for t in ticks:
        label = f"{t:g}" + (" km" if t == length_km else "")
        ax.text(bx + t / length_km * length_u, by + h * 1.6, label, ha="center", va="bottom",
                fontsize=fontsize, zorder=20, gid="scale_bar")
    return float(length_km)


def north_angle(crs: Any, x: float, y: float, step_deg: float = 0.05) -> float:
    """Angle (degrees, clockwise from the +y axis) of true north at the projected point (x, y)."""
    crs = CRS.from_user_input(crs)
    lon, lat = _to_lonlat(crs).transform(x, y)
    fwd = Transformer.from_crs(WGS84, crs, always_xy=True)
    lat2 = min(lat + step_deg, 89.999)
    nx, ny = fwd.transform(lon, lat2)
    return float(np.degrees(np.arctan2(nx - x, ny - y)))


def add_north_arrow(
    ax: Axes,
    crs: Any,
    *,
    loc: tuple[float, float] = (0.95, 0.86),
    at: str | tuple[float, float] = "centre",
    size_pt: float = 22.0,
    fontsize: float = 8.0,
) -> float:
    """Draw a north arrow with its head at ``loc`` (axes fraction).

    It points to true north at the map centre (``at="centre"``, the default), at the arrow's own
    position (``at="arrow"``) or at a projected point ``(x, y)``. Returns the angle in degrees
    clockwise from the map's y axis.
    """
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if at == "centre":
        px, py = (x0 + x1) / 2, (y0 + y1) / 2
    elif at == "arrow":
        px, py = x0 + loc[0] * (x1 - x0), y0 + loc[1] * (y1 - y0)
    elif isinstance(at, tuple):
        px, py = at
    else:
        raise ValueError("at must be 'centre', 'arrow' or an (x, y) tuple")
    ang = north_angle(crs, px, py)
    s, c = math.sin(math.radians(ang)), math.cos(math.radians(ang))
    ax.annotate("", xy=loc, xycoords="axes fraction", xytext=(-size_pt * s, -size_pt * c),
                textcoords="offset points", zorder=20, gid="north_arrow",
                arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.3",
                            "color": "black", "linewidth": 1.2, "shrinkA": 0, "shrinkB": 0})
    ax.annotate("N", xy=loc, xycoords="axes fraction", xytext=(5 * s, 5 * c),
                textcoords="offset points", ha="center", va="center", rotation=-ang,
                fontsize=fontsize, fontweight="bold", zorder=20, gid="north_arrow")
    return ang


def add_graticule(ax: Axes, crs: Any, *, step: float | None = None, color: str = "#b8b8b8",
                  linewidth: float = 0.3) -> float:
    """Light meridians and parallels every ``step`` degrees (default 2, 5 or 10 by extent).

    Returns the step used. Drawn above context polygons, below the mapped regions (zorder 1.5),
    clipped to the axes.
    """
    crs = CRS.from_user_input(crs)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    xs = np.linspace(x0, x1, 25)
    ys = np.linspace(y0, y1, 25)
    gx, gy = np.meshgrid(xs, ys)
    lon, lat = _to_lonlat(crs).transform(gx.ravel(), gy.ravel())
    lon, lat = np.asarray(lon), np.asarray(lat)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lo0, lo1 = _lon_span(lon[ok])
    la0, la1 = float(lat[ok].min()), float(lat[ok].max())
    if step is None:
        span = max(lo1 - lo0, la1 - la0)
        step = 2.0 if span <= 15 else 5.0 if span <= 50 else 10.0
    fwd = Transformer.from_crs(WGS84, crs, always_xy=True)
    meridians = np.arange(math.floor(lo0 / step) * step, lo1 + step, step)
    parallels = np.arange(math.floor(la0 / step) * step, la1 + step, step)
    parallels = parallels[(parallels > -90) & (parallels < 90)]
    segs = []
    t = np.linspace(0, 1, 100)
    for m in meridians:
        lats = la0 - step + t * (la1 - la0 + 2 * step)
        segs.append(np.column_stack(fwd.transform(np.full_like(t, m), np.clip(lats, -89.9, 89.9))))
    for p in parallels:
        lons = lo0 - step + t * (lo1 - lo0 + 2 * step)
        segs.append(np.column_stack(fwd.transform(lons, np.full_like(t, p))))
    from matplotlib.collections import LineCollection

    lc = LineCollection(segs, colors=color, linewidths=linewidth, zorder=1.5, gid="graticule")
    ax.add_collection(lc, autolim=False)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return float(step)


def add_title(fig: Figure, title: str, *, subtitle: str | None = None, top_mm: float = 3.0,
              fontsize: float = 10.0) -> None:
    """Title (bold) and optional subtitle at the top left of the figure."""
    h_mm = fig.get_figheight() / MM
    y = 1 - top_mm / h_mm
    fig.text(0.012, y, title, ha="left", va="top", fontsize=fontsize, fontweight="bold",
             gid="title")
    if subtitle:
        fig.text(0.012, y - (fontsize * 0.3528 + 1.5) / h_mm, subtitle, ha="left", va="top",
                 fontsize=max(MIN_FONT_PT, fontsize - 2), color="#333333", gid="title")


def text_width_pt(text: str, fontsize: float = 7.0) -> float:
    """Width in points of one line of ``text`` in the default sans font at ``fontsize`` (measured
    once per text, size and font settings: a glyph layout costs milliseconds, and the same source
    lines are wrapped for many figures)."""
    fonts = (tuple(mpl.rcParams["font.family"]), tuple(mpl.rcParams["font.sans-serif"]))
    return _text_width_pt(str(text), float(fontsize), fonts)


@functools.lru_cache(maxsize=8192)
def _text_width_pt(text: str, fontsize: float, fonts: tuple[tuple[str, ...], ...]) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    w, _, _ = TextToPath().get_text_width_height_descent(
        text, FontProperties(size=fontsize), ismath=False)
    return float(w)


def wrap_to_width(text: str, width_mm: float, fontsize: float = 7.0) -> str:
    """Greedy word wrap of ``text`` (paragraphs kept) so no line is wider than ``width_mm``."""
    limit = width_mm * MM * 72
    out: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if line and text_width_pt(trial, fontsize) > limit:
                out.append(line)
                line = word
            else:
                line = trial
        out.append(line)
    return "\n".join(out)


def add_source_line(fig: Figure, text: str, *, fontsize: float = 7.0,
                    bottom_mm: float = 2.0) -> None:
    """A source line at the bottom left, wrapped to the figure width."""
    width_mm = fig.get_figwidth() / MM * 0.93
    fig.text(0.012, bottom_mm / (fig.get_figheight() / MM), wrap_to_width(text, width_mm, fontsize),
             ha="left", va="bottom", fontsize=fontsize, color="#333333", gid="source_line",
             linespacing=1.15)


def source_lines_needed(text: str, width_mm: float, fontsize: float = 7.0) -> int:
    """How many lines :func:`add_source_line` will wrap ``text`` into."""
    return wrap_to_width(text, width_mm * 0.93, fontsize).count("\n") + 1


def map_layout(
    extent: Sequence[float],
    *,
    width_mm: float = 180.0,
    top_mm: float = 12.0,
    bottom_mm: float = 30.0,
    side_mm: float = 3.0,
    max_map_height_mm: float = 170.0,
) -> tuple[Figure, Axes, Axes]:
    """A figure ``width_mm`` wide with a map axes of the extent's aspect and a panel below it.

    ``extent`` = (xmin, ymin, xmax, ymax) in projected units. Returns ``(fig, map_ax,
    panel_ax)``; the panel (axis off) holds legends and notes, ``bottom_mm`` high.
    """
    xmin, ymin, xmax, ymax = map(float, extent)
    aspect = (ymax - ymin) / (xmax - xmin)
    full_w = width_mm - 2 * side_mm
    map_w, map_h = full_w, full_w * aspect
    if map_h > max_map_height_mm:  # tall extent: narrower map, centred
        map_h = max_map_height_mm
        map_w = map_h / aspect
    height_mm = top_mm + map_h + bottom_mm
    fig = Figure(figsize=(width_mm * MM, height_mm * MM))
    left = (width_mm - map_w) / 2
    ax = fig.add_axes((left / width_mm, bottom_mm / height_mm, map_w / width_mm,
                       map_h / height_mm))
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(True)
        s.set_linewidth(0.6)
    panel = fig.add_axes((side_mm / width_mm, 0.0, full_w / width_mm, bottom_mm / height_mm))
    panel.set_axis_off()
    panel.set_xlim(0, 1)
    panel.set_ylim(0, 1)
    return fig, ax, panel


# ----------------------------------------------------------------------------- sources
def short_citation(citation: str, max_len: int = 60) -> str:
    """A short form of a full citation for a source line.

    ``Wikipedia contributors, "Title" ...`` -> ``Wikipedia "Title"``; ``Surname, X., Other, Y.
    (2023). Title`` -> ``Surname et al. (2023)``; otherwise the text up to the first comma or
    parenthesis, cut to ``max_len`` characters.
    """
    c = " ".join(str(citation).split())
    if c.lower().startswith("wikipedia contributors"):
        q = c.split('"')
        return f'Wikipedia "{q[1]}"' if len(q) > 2 else "Wikipedia"


    m = re.match(r"^([^,(]+),[^(]*\((\d{4})\)", c)
    if m and c.count(",") >= 2 and re.match(r"^[^,(]+, [A-Z]\.", c):
        return f"{m.group(1).strip()} et al. ({m.group(2)})"
    if m:
        return f"{m.group(1).strip()} ({m.group(2)})"
    head = re.split(r"[,(:]", c, maxsplit=1)[0].strip()
    return head if len(head) <= max_len else head[: max_len - 1].rstrip() + "…"


def source_text(sources: pd.DataFrame | None, ids: Iterable[str], *,
                extra: Iterable[str] = (), prefix: str = "Sources: ") -> str:
    """'Sources: A; B; …' from a sources table (columns ``source``, ``citation``) and ids."""
    ids = list(dict.fromkeys(str(i) for i in ids if i is not None and str(i) != "nan"))
    parts: list[str] = []
    cite = {}
    if sources is not None and {"source", "citation"} <= set(sources.columns):
        cite = dict(zip(sources["source"].astype(str), sources["citation"], strict=False))
    for i in ids:
        s = short_citation(cite[i]) if i in cite else i
        if s not in parts:
            parts.append(s)
    parts.extend(e for e in extra if e not in parts)
    return prefix + "; ".join(parts) + "." if parts else ""


# ----------------------------------------------------------------------------- saving
def save(fig: Figure, path: str | os.PathLike, formats: Iterable[str] = ("png", "svg"), *,
         dpi: float = 200) -> list[Path]:
    """Write ``fig`` to ``path`` + ``.png``/``.svg``/… atomically; returns the written paths.

    ``path`` is given without extension (a known extension is stripped). Each file is rendered to
    a temporary file in the same folder and moved into place with ``os.replace``, so a reader
    never sees a half-written file. The folder is created if needed.
    """
    p = Path(path)
    formats = [f.lower().lstrip(".") for f in formats]
    if p.suffix.lower().lstrip(".") in {"png", "svg", "pdf", "jpg", "jpeg", "tif", "tiff", "eps"}:
        p = p.with_suffix("")
    p.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        target = p.with_name(p.name + "." + fmt)
        buf = io.BytesIO()
        with mpl.rc_context(SAVE_STYLE):
            meta = {"Date": None} if fmt in ("svg", "pdf") else None
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
        write_bytes_atomic(target, buf.getvalue())
        out.append(target)
    return out


# ----------------------------------------------------------------------------- credits
_QUOTED_GLOSS = re.compile(r'^\s*"([^"]+)"\s*(?:\(([^()]+)\))?')


def credit_name(citation: str, max_len: int = 90) -> str:
    """A short credit for a chart's source line, naming the publisher *and* the release.

    ``Org, "Native title" (English title), details`` -> ``Org, English title``;
    ``Org, "Title", details`` -> ``Org, Title``; ``Org, Series, details`` -> ``Org, Series``
    (the parenthesis of the series dropped); author–year citations and Wikipedia as
    :func:`short_citation`. Cut to ``max_len`` characters.
    """
    c = " ".join(str(citation).split())
    short = short_citation(c, max_len)
    if c.lower().startswith("wikipedia") or re.match(r"^[^,(]+, [A-Z]\.", c):
        return short
    m = re.match(r"^([^,(]+?)\s*\((\d{4})\)\.?\s*([^./]*)", c)
    if m:  # "Org (2022). Title. ..." -> "Org, Title"; "Author et al. (2020). ..." -> with the year
        org, year, title = m.group(1).strip(), m.group(2), m.group(3).strip()
        if "et al" in org or not title:
            return f"{org} ({year})"
        out = f"{org}, {title}"
        return out if len(out) <= max_len else out[: max_len - 1].rstrip() + "…"
    head, _, rest = c.partition(", ")
    if not rest:
        return short
    m = _QUOTED_GLOSS.match(rest)
    if m:
        title = m.group(2) or m.group(1)
    else:
        title = re.split(r"[,;(]", rest, maxsplit=1)[0]
    title = title.strip().rstrip(".")
    out = f"{head.strip()}, {title}" if title else head.strip()
    return out if len(out) <= max_len else out[: max_len - 1].rstrip() + "…"


def _year_span(years: Iterable[Any]) -> str:
    ys = sorted({int(y) for y in years})
    if not ys:
        return ""
    return f"{ys[0]}" if len(ys) == 1 else f"{ys[0]}\u2013{ys[-1]}"


def _drawn_indicators(ds: Any, meta: dict[str, Any], indicator: str) -> dict[str, Any]:
    """Indicator -> years it contributes (None: every drawn year). The real basis adds its growth
    indices (``meta["real_index"]``) and takes the level only in its base year."""
    known = set(ds.observations["indicator"].unique())
    out: dict[str, Any] = {indicator: None}
    if meta.get("currency_basis") == "real" and meta.get("base_year") is not None:
        out[indicator] = {int(meta["base_year"])}
    for spec in (meta.get("real_index") or {}).values():
        for name in re.findall(r"[A-Za-z0-9_]+", str(spec)):
            if name in known and name not in out:
                out[name] = None
    return out


def credit_line(ds: Any, panel: Any, *, years: Any = None, prefix: str = "Sources: ",
                extra: Iterable[str] = ()) -> str:
    """The source line of a chart of ``panel``, derived from the data actually drawn.

    For the panel's indicator (and, on the real basis, its growth indices), its regions and its
    times (cut to ``years``: ``(first, last)`` inclusive or a list), the dataset's observations
    name their sources; each source is credited once with :func:`credit_name` of its citation in
    ``ds.sources`` and the span of years drawn from it. The conversion's rates
    (``meta["rate_sources"]``) follow, with the vintage. Sources the panel's meta lists but that
    supply no drawn value (an older compilation replaced in these years) are not credited.
    Without a dataset (``ds=None``) the panel's ``meta["sources"]`` are credited as they are.
    """
    meta = dict(getattr(panel, "meta", {}) or {})
    times = [t for t in panel.times]
    if years is not None:
        if isinstance(years, tuple) and len(years) == 2:
            times = [t for t in times if years[0] <= t <= years[1]]
        else:
            keep = set(years)
            times = [t for t in times if t in keep]
    rate_ids = [str(s) for s in meta.get("rate_sources") or []]
    listed = {s.strip() for v in meta.get("sources") or [] for s in str(v).split(";") if s.strip()}
    cites: dict[str, str] = {}
    table = getattr(ds, "sources", None)
    if table is not None and {"source", "citation"} <= set(table.columns):
        cites = dict(zip(table["source"].astype(str), table["citation"].astype(str), strict=False))
    spans: dict[str, list[Any]] = {}
    if ds is not None and getattr(ds, "observations", None) is not None:
        regions = set(panel.regions)
        indicator = str(meta.get("indicator") or panel.indicator)
        for ind, only in _drawn_indicators(ds, meta, indicator).items():
            try:
                obs = ds.values(ind)
            except DataError:  # an indicator the dataset lacks credits nothing
                continue
            sel = obs[obs["region"].isin(regions) & obs["year"].isin(times)]
            if only is not None:
                sel = sel[sel["year"].isin(only)]
            for src, yr in zip(sel["source"].astype(str), sel["year"], strict=True):
                for s in src.split(";"):
                    s = s.strip()
                    if s and (not listed or s in listed or ind != indicator):
                        spans.setdefault(s, []).append(yr)
    else:
        spans = {s: list(times) for s in sorted(listed) if s not in rate_ids}
    parts = []
    for s in sorted(spans, key=lambda k: (min(int(y) for y in spans[k]), k)):
        name = credit_name(cites[s]) if s in cites else s
        span = _year_span(spans[s])
        parts.append(f"{name} ({span})" if span else name)
    basis = meta.get("currency_basis")
    what = {"USD": "exchange rates", "PPP": "PPP factors", "real": "PPP factors"}.get(basis, "rates")
    for s in rate_ids:
        name = credit_name(cites[s]) if s in cites else s
        vint = f", vintage {meta['vintage']}" if meta.get("vintage") else ""
        parts.append(f"{what}: {name}{vint}")
    parts.extend(e for e in extra if e and e not in parts)
    return prefix + "; ".join(parts) + "." if parts else ""
