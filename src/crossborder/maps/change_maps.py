"""Two maps of the study's question on a continuous colour scale with one colorbar each: the change
in the log indicator over the study window per region, and the border discontinuity — every
border edge coloured by the gap between the regions on its two sides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize, TwoSlopeNorm, to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import CRS

from .._mapstyle import STYLE, equal_area_crs
from ..errors import DataError
from ..i18n import translator
from ..panel import Panel
from ._base import (
    BORDER_COLOR,
    CONTEXT_COLOR,
    NO_DATA_COLOR,
    NO_DATA_HATCH,
    MapResult,
    _border_geometry,
    _clip_context,
    _draw_labels,
    _extent,
    _finish,
    _label_frame,
    _layout,
    _legend_mm,
)

__all__ = ["border_gap_map", "change_map", "log_change"]

#: Tints of the two sides under the border-gap map (first group, second group).
SIDE_TINTS = ("#e3ebf5", "#f6ead2")


def _norm(values: np.ndarray, centre: float | None) -> Normalize:
    """A colour norm over ``values``: centred on ``centre`` (symmetric limits, so equal distances
    from it get equally strong colours) when the values straddle it, else their range."""
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if centre is not None and lo < centre < hi:
        half = max(centre - lo, hi - centre)
        return TwoSlopeNorm(vcenter=centre, vmin=centre - half, vmax=centre + half)
    if lo == hi:
        return Normalize(vmin=lo - 0.5, vmax=hi + 0.5)
    return Normalize(vmin=lo, vmax=hi)


def _colorbar(fig: Any, ax: Axes, panel: Axes | None, norm: Normalize, cmap: str,
              label: str) -> Any:
    """One horizontal colorbar: in the panel under a print map, else under the user's axes."""
    sm = ScalarMappable(norm=norm, cmap=cmap)
    if panel is not None:
        cax = panel.inset_axes((0.0, 0.62, 0.45, 0.16))
        cb = fig.colorbar(sm, cax=cax, orientation="horizontal")
    else:
        cb = fig.colorbar(sm, ax=ax, orientation="horizontal", shrink=0.6, pad=0.03, aspect=30)
    cb.ax.set_title(label, loc="left", fontsize=7)  # above the bar, left-aligned: never cut
    cb.ax.tick_params(labelsize=7)
    cb.ax.set_gid("colorbar")
    return cb


def log_change(panel: Panel, first: Any = None, last: Any = None, *,
               annual: bool = False) -> pd.DataFrame:
    """Per region: the values in ``first`` and ``last`` (default the panel's first and last
    times) and ``change = ln y_last − ln y_first`` (log points; divided by ``last − first`` when
    ``annual``). Regions without a positive value in both are NaN."""
    f = panel.frame
    times = list(panel.times)
    first = times[0] if first is None else first
    last = times[-1] if last is None else last
    for t in (first, last):
        if t not in times:
            raise DataError(f"the panel has no time {t!r}", column="time")
    if first == last:
        raise DataError("first and last are the same time: no change to map", column="time")
    wide = f.pivot_table(index="region", columns="time", values="value", aggfunc="first")
    y0 = wide[first].astype(float).where(lambda v: v > 0)
    y1 = wide[last].astype(float).where(lambda v: v > 0)
    change = np.log(y1) - np.log(y0)
    if annual:
        change = change / (float(last) - float(first))
    out = pd.DataFrame({"first": y0, "last": y1, "change": change})
    out.index.name = "region"
    out.attrs.update(first_time=first, last_time=last, annual=annual)
    return out


def change_map(
    regions: gpd.GeoDataFrame,
    panel: Panel,
    first: Any = None,
    last: Any = None,
    *,
    annual: bool = False,
    id_col: str = "region",
    cmap: str = "RdBu",
    border: Any = "auto",
    group_col: str = "country",
    labels: Any = None,
    context: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    width_mm: float = 180.0,
    graticule: bool = True,
    ax: Axes | None = None,
    lang: str = "en",
) -> MapResult:
    """The change in the log indicator over the study window, ``ln y_last − ln y_first`` per
    region (:func:`log_change`), on a continuous colour scale with one colorbar: diverging and
    centred on 0 (no change) when some regions fall and some rise, else over the range. Regions
    without both values are hatched "no data". ``result.table``: region, first, last, change,
    colour.

    ``ax``: draw on this matplotlib Axes (colorbar under it, title on the axes, no source line)
    and return the result holding it; else a new print-sized map. ``lang``: the map's words in
    that language where the catalogs of :mod:`crossborder.i18n` have them.
    """
    tr = translator(lang)
    title, subtitle = tr(title), tr(subtitle)
    ch = log_change(panel, first, last, annual=annual)
    first, last = ch.attrs["first_time"], ch.attrs["last_time"]
    regions = regions[regions.geometry.notna() & ~regions.geometry.is_empty]
    crs = CRS.from_user_input(crs) if crs is not None else equal_area_crs(regions)
    proj = regions.to_crs(crs).reset_index(drop=True)
    v = proj[id_col].map(ch["change"]).astype(float)
    has = v.notna().to_numpy()
    if not has.any():
        raise DataError(f"no region has a value in both {first} and {last}")
    norm = _norm(v[has].to_numpy(), 0.0)
    cm = mpl.colormaps[cmap]
    colours = np.array([to_hex(cm(norm(x))) if x == x else NO_DATA_COLOR for x in v], dtype=object)
    what = tr("per year") if annual else f"{first}\u2013{last}"
    unit = f" ({panel.unit})" if panel.unit else ""
    label = tr("change in ln {indicator}, {what} (log points){unit}").format(
        indicator=panel.indicator, what=what, unit=unit)
    if title is None:
        title = tr("Change in log {indicator}, {first}\u2013{last}").format(
            indicator=panel.indicator, first=first, last=last)
    extent = _extent(proj.geometry)
    with mpl.rc_context(STYLE):
        user_ax = ax
        fig, ax, panel_ax = _axes_with_context(ax, extent, width_mm, source, subtitle, context,
                                               regions, crs)
        proj[has].plot(ax=ax, color=list(colours[has]), edgecolor="white", linewidth=0.5, zorder=2)
        ax.collections[-1].set_gid("change")
        handles, texts = [], []
        if (~has).any():
            proj[~has].plot(ax=ax, facecolor=NO_DATA_COLOR, edgecolor="#8c8c8c",
                            hatch=NO_DATA_HATCH, linewidth=0.4, zorder=2)
            ax.collections[-1].set_gid("no_data")
            handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#8c8c8c", hatch=NO_DATA_HATCH,
                                 linewidth=0.4))
            texts.append(f"no data  ({int((~has).sum())})")
        line = _border_geometry(regions, border, id_col, group_col, None)
        if line is not None:
            line.to_crs(crs).plot(ax=ax, color=BORDER_COLOR, linewidth=1.4, zorder=6)
            ax.collections[-1].set_gid("border_line")
            handles.append(Line2D([], [], color=BORDER_COLOR, linewidth=1.4))
            texts.append(tr("border"))
        _draw_labels(ax, _label_frame(proj, id_col, labels, None, crs))
        _colorbar(fig, ax, panel_ax, norm, cmap, label)
        if handles:
            host = panel_ax if panel_ax is not None else ax
            leg = host.legend(handles, texts, loc="upper left" if panel_ax is not None else "best",
                              bbox_to_anchor=(0.55, 1.0) if panel_ax is not None else None,
                              frameon=False, alignment="left")
            leg.set_gid("legend")
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=graticule, user_ax=user_ax is not None)
    table = pd.DataFrame({"region": proj[id_col].to_numpy(),
                          "first": proj[id_col].map(ch["first"]).to_numpy(dtype=float),
                          "last": proj[id_col].map(ch["last"]).to_numpy(dtype=float),
                          "change": v.to_numpy(), "colour": colours})
    return MapResult(figure=fig, ax=ax, crs=crs, table=table,
                     meta={"title": title, "first": first, "last": last, "annual": annual,
                           "norm": (float(norm.vmin), float(norm.vmax)), "cmap": cmap})


def border_gap_map(
    regions: gpd.GeoDataFrame,
    edges: gpd.GeoDataFrame,
    *,
    side: str | None = None,
    id_col: str = "region",
    group_col: str = "country",
    cmap: str = "PuOr",
    width_pt: float = 3.5,
    internal: bool = True,
    labels: Any = None,
    names: Mapping[str, str] | None = None,
    context: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    width_mm: float = 180.0,
    graticule: bool = True,
    ax: Axes | None = None,
    lang: str = "en",
) -> MapResult:
    """The border discontinuity: every border edge coloured by the gap across it,
    ``ln(y_side / y_other)`` of the two regions it separates (``side``: the group whose value is
    the numerator, default the first group in sorted order), on a diverging scale centred on 0
    (parity) with one colorbar; internal edges thin grey for reference, the two sides tinted.

    ``edges``: the GeoDataFrame of :func:`crossborder.border.discontinuity.discontinuities`
    (``a``, ``b``, ``group_a``, ``group_b``, ``border``, ``value_a``, ``value_b``, geometry).
    ``result.table``: the border edges with ``gap`` and ``colour``. ``ax``: draw on this
    matplotlib Axes and return the result holding it; else a new print-sized map. ``lang``: the
    map's words in that language where the catalogs of :mod:`crossborder.i18n` have them.
    """
    tr = translator(lang)
    title, subtitle = tr(title), tr(subtitle)
    need = {"a", "b", "group_a", "group_b", "border", "value_a", "value_b"}
    missing = need - set(edges.columns)
    if missing:
        raise DataError(f"edges lack the columns {sorted(missing)} (use border.discontinuities)")
    if edges.crs is None:
        raise DataError("edges have no CRS")
    regions = regions[regions.geometry.notna() & ~regions.geometry.is_empty]
    crs = CRS.from_user_input(crs) if crs is not None else equal_area_crs(regions)
    proj = regions.to_crs(crs).reset_index(drop=True)
    e = edges.to_crs(crs).reset_index(drop=True)
    on_border = e["border"].astype(bool).to_numpy()
    groups = sorted(pd.unique(pd.concat([e.loc[on_border, "group_a"],
                                         e.loc[on_border, "group_b"]]).dropna().astype(str)))
    if not groups:
        raise DataError("no border edge to colour")
    side = groups[0] if side is None else str(side)
    if side not in groups:
        raise DataError(f"side {side!r} is not on the border; groups: {groups}")
    b = e[on_border].copy()
    va, vb = b["value_a"].astype(float), b["value_b"].astype(float)
    a_is_side = b["group_a"].astype(str).eq(side)
    num, den = np.where(a_is_side, va, vb), np.where(a_is_side, vb, va)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.log(num / den)
    b["gap"] = np.where((num > 0) & (den > 0), gap, np.nan)
    b["side"] = np.where(a_is_side, b["a"], b["b"])
    b["other"] = np.where(a_is_side, b["b"], b["a"])
    ok = b["gap"].notna().to_numpy()
    if not ok.any():
        raise DataError("no border edge has positive values on both sides")
    norm = _norm(b.loc[ok, "gap"].to_numpy(), 0.0)
    cm = mpl.colormaps[cmap]
    b["colour"] = [to_hex(cm(norm(g))) if g == g else "#8c8c8c" for g in b["gap"]]
    other = next((g for g in groups if g != side), "other side")
    nm = {k: tr(v) for k, v in dict(names or {}).items()}
    label = tr("ln({a} / {b}) across the border").format(a=nm.get(side, side), b=nm.get(other, other))
    year = edges.attrs.get("year")
    if title is None:
        title = tr("The border discontinuity") + (f", {year}" if year is not None else "")
    extent = _extent(proj.geometry)
    with mpl.rc_context(STYLE):
        user_ax = ax
        fig, ax, panel_ax = _axes_with_context(ax, extent, width_mm, source, subtitle, context,
                                               regions, crs)
        tint = {side: SIDE_TINTS[0], other: SIDE_TINTS[1]}
        fill = (proj[group_col].astype(str).map(tint).fillna("#f1f1f1") if group_col in proj
                else pd.Series("#f1f1f1", index=proj.index))
        proj.plot(ax=ax, color=list(fill), edgecolor="#bdbdbd", linewidth=0.3, zorder=2)
        ax.collections[-1].set_gid("regions")
        inner = e[~on_border & e.geometry.notna()]
        if internal and len(inner):
            inner.plot(ax=ax, color="#8c8c8c", linewidth=0.5, zorder=4)
            ax.collections[-1].set_gid("internal_edges")
        b.plot(ax=ax, color=list(b["colour"]), linewidth=width_pt, capstyle="round", zorder=6)
        ax.collections[-1].set_gid("border_edges")
        _draw_labels(ax, _label_frame(proj, id_col, labels, None, crs), fontsize=7)
        _colorbar(fig, ax, panel_ax, norm, cmap, label)
        handles = [Patch(facecolor=tint[side], edgecolor="#9a9a9a", linewidth=0.4),
                   Patch(facecolor=tint[other], edgecolor="#9a9a9a", linewidth=0.4)]
        texts = [f"{nm.get(side, side)}", f"{nm.get(other, other)}"]
        if internal and len(inner):
            handles.append(Line2D([], [], color="#8c8c8c", linewidth=0.5))
            texts.append(tr("internal boundary"))
        host = panel_ax if panel_ax is not None else ax
        leg = host.legend(handles, texts, loc="upper left" if panel_ax is not None else "best",
                          bbox_to_anchor=(0.55, 1.0) if panel_ax is not None else None,
                          frameon=False, alignment="left")
        leg.set_gid("legend")
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=graticule, user_ax=user_ax is not None)
    table = pd.DataFrame(b.drop(columns=b.geometry.name)).reset_index(drop=True)
    return MapResult(figure=fig, ax=ax, crs=crs, table=table,
                     meta={"title": title, "side": side, "other": other, "year": year,
                           "norm": (float(norm.vmin), float(norm.vmax)), "cmap": cmap})


def _axes_with_context(ax: Any, extent: Any, width_mm: float, source: Any, subtitle: Any,
                       context: Any, regions: Any, crs: Any) -> tuple[Any, Any, Any]:
    """(figure, map axes, legend panel axes or None): a new layout with a colour-bar panel, or the
    user's Axes; the context polygons (neighbouring countries) drawn beneath."""
    if ax is None:
        fig, ax, panel_ax = _layout(extent, width_mm=width_mm, panel_mm=_legend_mm(3) + 6.0,
                                    source=source, subtitle=bool(subtitle))
    else:
        fig, panel_ax = ax.figure, None
        ax.set_aspect("equal")
    if context is not None and len(context):
        _clip_context(context, regions, crs, extent).plot(
            ax=ax, facecolor=CONTEXT_COLOR, edgecolor="white", linewidth=0.4, zorder=1)
        ax.collections[-1].set_gid("context")
    return fig, ax, panel_ax
