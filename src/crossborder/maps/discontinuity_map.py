"""Shared edges drawn with a width by their discontinuity, border edges highlighted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import CRS

from .._mapstyle import (
    STYLE,
    equal_area_crs,
)
from ..errors import DataError
from ..i18n import translator
from ..panel import Panel
from ._base import (
    BORDER_COLOR,
    CONTEXT_COLOR,
    NO_DATA_COLOR,
    MapResult,
    _auto_decimals,
    _clip_context,
    _draw_labels,
    _extent,
    _finish,
    _fmt,
    _label_frame,
    _layout,
    _legend_mm,
    _palette,
    _series_of,
    classify,
)


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
    fill_label: str | None = None,
    labels: Any = None,
    context: gpd.GeoDataFrame | None = None,
    width_mm: float = 180.0,
    graticule: bool = True,
    ax: Axes | None = None,
    lang: str = "en",
) -> MapResult:
    """Shared edges drawn with a line width by their discontinuity, border edges highlighted.

    ``ax``: draw on this matplotlib Axes (legends on the map, title on the axes, no source line).

    ``edges``: the GeoDataFrame of :func:`crossborder.border.discontinuity.discontinuities`
    (columns ``a``, ``b``, ``border`` (bool), ``length_km``, the value column — ``discontinuity``
    there, ``value`` accepted too, or name it with ``value`` — and the edge geometry). Widths are
    linear in the value between ``width_range`` (points) from the smallest to the largest value;
    border edges in ``border_color``, internal ones in ``internal_color``; edges without a value
    (or with point geometry only) are left out and counted in the notes. ``fill``: optional
    values to shade the regions with (a light 5-class quantile choropleth with its own legend of
    class bounds, titled ``fill_label`` — name the indicator and its unit there), else a flat tint.
    The legend shows three reference widths (min, middle, max). ``.explore()`` on the result
    draws the same edges on an interactive folium map (:meth:`MapResult.explore`). ``lang``: the
    map's words (title, legends, notes) in that language where the catalogs of
    :mod:`crossborder.i18n` have them.
    """
    tr = translator(lang)
    title, subtitle, source, legend_title, fill_label = (tr(title), tr(subtitle), tr(source),
                                                         tr(legend_title), tr(fill_label))
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
        notes.append(tr("{k} of {n} edges not drawn (no value or no line).").format(
            k=int((~keep).sum()), n=len(e)))
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
        legend_title = tr({"relative": "Discontinuity max(a/b, b/a)",
                           "absolute": "Discontinuity |a \u2212 b|"}.get(kind, f"{value}"))
        if edges.attrs.get("year") is not None:
            legend_title += f", {edges.attrs['year']}"
    if source is None:
        source = tr("Shared edges of the regions' polygons (computed by crossborder).")
    extent = _extent(proj.geometry)
    fill_vals = None
    shade = None
    if fill is not None:
        fill_vals, _, _ = _series_of(fill, year, id_col)
    with mpl.rc_context(STYLE):
        user_ax = ax
        if user_ax is None:
            fig, ax, panel = _layout(extent, width_mm=width_mm,
                                     panel_mm=_legend_mm(2) + 3.3 * (len(notes) + (fill is not None))
                                     + (12.0 if fill is not None else 0.0),
                                     source=source,
                                     subtitle=bool(subtitle))
        else:  # the user's axes: legend and notes on the map itself
            fig, ax, panel = user_ax.figure, user_ax, user_ax
            ax.set_aspect("equal")
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
                shade_label = fill_label or getattr(fill, "indicator", None) or tr("value")
                lows = [float(fv[ok].min())] + [float(b) for b in clf.bins[:-1]]
                shade = ([Patch(facecolor=c, edgecolor="#999999", linewidth=0.4) for c in pal],
                         [f"{_fmt(lo, 0)} – {_fmt(hi, 0)}" for lo, hi in zip(lows, clf.bins, strict=True)])
                notes.append(tr("Regions shaded by {label} (5 quantile classes, darker = higher).").format(
                    label=shade_label))
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
        t2 = [tr("border edge ({n})").format(n=int(is_border.sum())),
              tr("internal edge ({n})").format(n=int((~is_border).sum()))]
        leg = panel.legend(h1, t1, loc="upper left", frameon=False, title=legend_title,
                           alignment="left", ncol=len(h1), handlelength=3.0,
                           borderaxespad=0.2)
        leg.set_gid("legend")
        panel.add_artist(leg)
        leg2 = panel.legend(h2, t2, loc="upper left", bbox_to_anchor=(0.55, 1.0), frameon=False,
                            title=tr("Edge"), alignment="left", handlelength=3.0, borderaxespad=0.2)
        leg2.set_gid("legend_edges")
        if shade is not None:
            panel.add_artist(leg2)
            leg3 = panel.legend(*shade, loc="upper left", bbox_to_anchor=(0.0, 0.55), frameon=False,
                                title=tr("Regions: {label}").format(label=shade_label), alignment="left",
                                ncol=len(shade[0]),
                                handlelength=2.0, borderaxespad=0.2, fontsize=7, title_fontsize=7)
            leg3.set_gid("legend_fill")
        if notes:
            panel.text(0.0, 0.0, "\n".join(notes), ha="left", va="bottom", fontsize=7,
                       transform=panel.transAxes,
                       gid="notes")
        if title is None:
            title = tr("Discontinuities on shared edges")
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=graticule, user_ax=user_ax is not None)
    table = pd.DataFrame(e.drop(columns=e.geometry.name)).assign(
        linewidth=width(vals.to_numpy()))
    # the geometry drawn, for MapResult.explore(): the edges with their widths, the regions
    drawn = e.assign(linewidth=table["linewidth"].to_numpy())
    return MapResult(figure=fig, ax=ax, crs=crs, table=table, notes=tuple(notes),
                     meta={"title": title, "value": value, "range": (vmin, vmax),
                           "legend_title": legend_title, "edges": drawn,
                           "regions": proj[[id_col, proj.geometry.name]]})
