"""Choropleth of any indicator and year, classified with mapclassify."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import CRS

from .._mapstyle import (
    STYLE,
    equal_area_crs,
    source_text,
)
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
    _palette,
    _project,
    _series_of,
    class_labels,
    classify,
)


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
    ax: Axes | None = None,
    lang: str = "en",
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

    ``ax``: draw on this matplotlib Axes (legend and notes on the map, title on the axes, no source
    line); the MapResult then holds the user's figure and axes.

    Returns a :class:`MapResult`; its table has region, value, class (0-based, NaN if missing),
    colour and label. ``lang``: the map's words (title, legend, notes, class names) in that
    language where the catalogs of :mod:`crossborder.i18n` have them.
    """
    tr = translator(lang)
    title, subtitle, legend_title = tr(title), tr(subtitle), tr(legend_title)
    no_data_label = tr(no_data_label)
    notes = [tr(n) for n in notes]
    class_names = [tr(n) for n in class_names] if class_names is not None else None
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
        user_ax = ax
        if user_ax is None:
            fig, ax, panel = _layout(extent, width_mm=width_mm, panel_mm=panel_mm,
                                     source=source, subtitle=bool(subtitle))
        else:  # the user's axes: legend and notes on the map itself
            fig, ax, panel = user_ax.figure, user_ax, user_ax
            ax.set_aspect("equal")
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
            texts.append(tr("border"))
        lt = legend_title or _legend_title(meta, year)
        leg = panel.legend(handles, texts, loc="upper left", ncol=ncol,
                           frameon=False, title=lt, alignment="left", handlelength=2.2,
                           handleheight=1.1, columnspacing=1.6, borderaxespad=0.2)
        leg.set_gid("legend")
        if notes:
            panel.text(0.0, 0.0, "\n".join(notes), ha="left", va="bottom", fontsize=7,
                       transform=panel.transAxes,
                       gid="notes", wrap=True)
        if title is None:
            title = _legend_title(meta, year) or "Choropleth"
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=graticule, user_ax=user_ax is not None)

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
