"""The paper's Figures 1 and 2 (Stepanov et al. 2020) drawn from the data."""

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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import CRS

from .._mapstyle import (
    STYLE,
    equal_area_crs,
    source_text,
    wrap_to_width,
)
from ..errors import DataError
from ..study.paper import PAPER_AGGLOMERATIONS, PAPER_LABELS
from ._base import (
    BORDER_COLOR,
    BOUNDARIES_SOURCE,
    CONTEXT_COLOR,
    HALO,
    NO_DATA_COLOR,
    NO_DATA_HATCH,
    MapResult,
    _border_geometry,
    _boundaries,
    _clip_context,
    _context_of,
    _extent,
    _finish,
    _fmt,
    _label_frame,
    _layout,
    _legend_mm,
    _palette,
    _place_point_labels,
    classify,
    map_units,
    number_west_to_east,
)


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


#: Colormaps of the periods of Figure 1, one per period (each its own scale).
PERIOD_CMAPS = ("Blues", "Oranges", "Greens", "Purples", "Reds", "Greys")


def _period_scales(table: pd.DataFrame, step: float, cmap: str) -> list[dict[str, Any]]:
    """One colour scale per period (first year, last year) of the computable changes: its regions,
    class edges (``step`` p.p.), classifier and palette (darker = larger decrease). Changes over
    different periods are never put on one scale."""
    have = table.dropna(subset=["change_pp"])
    periods = sorted({(int(r.first_year), int(r.last_year)) for r in have.itertuples()},
                     key=lambda p: (p[0], p[1]))
    cmaps = [cmap] + [c for c in PERIOD_CMAPS if c != cmap]
    out = []
    for k, (y0, y1) in enumerate(periods):
        sub = have[(have["first_year"] == y0) & (have["last_year"] == y1)]
        vals = sub["change_pp"].to_numpy(dtype=float)
        edges = _change_breaks(vals, step)
        clf = classify(vals, breaks=list(edges[1:]))
        cm = cmaps[k % len(cmaps)]
        out.append({"period": f"{y0}\u2013{y1}", "first_year": y0, "last_year": y1,
                    "regions": list(sub["region"]), "edges": [float(e) for e in edges],
                    "classifier": clf, "cmap": cm,
                    "palette": _palette(cm, len(edges) - 1, reverse=True),
                    "class": dict(zip(sub["region"], clf.yb, strict=True))})
    return out


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
    ax: Axes | None = None,
) -> MapResult:
    """Stepanov et al. (2020), Figure 1, from the data: the change in the share of ethnic
    Russians in the Kazakh border regions, ``first_year`` → latest year.

    Kazakh border regions (``country``) are classed by ``change_pp`` in steps of ``step``
    percentage points, darker = larger decrease; regions without a computable change are hatched
    "no data" and listed in a note. The other side's border regions are drawn neutral. Labels
    follow the paper (Kazakh 1-7 from Atyrau to East Kazakhstan, Russian 1a-11a from Astrakhan to
    the Altai Republic; Samara, not numbered in the paper, is "Sam."); a key lists them. With
    ``fallback="earliest"`` a region without a ``first_year`` value uses its earliest value; the
    periods then differ, and changes over different periods are never on one colour scale: each
    period gets its own colormap and legend titled with the period (``result.meta["scales"]``).
    See :func:`figure1_table` for the values (``result.table``).

    ``ax``: draw on this matplotlib Axes (legends on the map, title on the axes, no key, notes or
    source line) and return the result holding it.
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

    scales = _period_scales(table, step, cmap)
    colour_of: dict[str, str] = {}
    for sc in scales:
        for code, c in sc["class"].items():
            colour_of[code] = sc["palette"][int(c)]
    colours = np.array([colour_of.get(r, NO_DATA_COLOR) for r in proj["region"]], dtype=object)
    one_period = len(scales) == 1
    clf = scales[0]["classifier"] if one_period else None
    edges = np.asarray(scales[0]["edges"]) if one_period else np.array([])

    if one_period:
        span = scales[0]["period"]
    elif scales:
        span = "periods differ: " + ", ".join(sc["period"] for sc in scales)
    else:
        span = f"{first_year}\u2013latest"
    paper = getattr(ds, "name", None) == "ru-kz"
    if title is None:
        title = (("Change in the share of ethnic Russians, Kazakh border regions"
                  if paper and indicator == "russian_share_pct" else
                  f"Change in {indicator}, border regions of {_country_name(country)}")
                 + (f", {span}" if one_period else ", by period"))
    if one_period or not scales:
        subtitle = ("p.p.; darker = larger decrease; " +
                    ("numbers after Stepanov et al. (2020)" if paper else
                     "regions numbered west to east"))
    else:
        subtitle = (f"p.p.; {len(scales)} periods, one colour scale each (changes over different "
                    "periods are not comparable); darker = larger decrease")
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

    n_common = int(missing.any()) + int(other is not None) + 1
    legends_mm = sum(_legend_mm(len(sc["edges"]) - 1) for sc in scales) + _legend_mm(
        n_common, title=not scales)
    side = dict(zip(shown["region"], shown["country"], strict=True))
    n_mine = sum(1 for c in labels if side.get(c) == country)
    key_rows = max(n_mine, -(-(len(labels) - n_mine) // 2))
    top_mm = max(legends_mm, 3.0 + 3.4 * key_rows)
    panel_mm = top_mm + 3.3 * n_note_lines + 2.0
    user_ax = ax
    with mpl.rc_context(STYLE):
        if user_ax is None:
            fig, ax, panel = _layout(extent, width_mm=width_mm, panel_mm=panel_mm, source=source,
                                     subtitle=True)
        else:
            fig, ax, panel = user_ax.figure, user_ax, user_ax
            ax.set_aspect("equal")
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

        # one legend per period (its own scale), then the common entries
        h_mm = panel_mm if user_ax is None else None
        y_mm = 0.0
        for sc in scales:
            e = sc["edges"]
            handles = [Patch(facecolor=c, edgecolor="#666666", linewidth=0.4)
                       for c in sc["palette"]]
            texts = [f"{_fmt(a, 0)} to {_fmt(b, 0)}" for a, b in zip(e[:-1], e[1:], strict=True)]
            anchor = (0.0, 1 - y_mm / h_mm) if h_mm else (1.01, 1 - y_mm / 60.0)
            leg = panel.legend(handles, texts, loc="upper left", ncol=1, frameon=False,
                               title=f"Change, p.p., {sc['period']}", alignment="left",
                               bbox_to_anchor=anchor, borderaxespad=0.2, handlelength=2.2,
                               handleheight=1.1)
            leg.set_gid("legend" if one_period else "legend_period")
            panel.add_artist(leg)
            y_mm += _legend_mm(len(e) - 1)
        handles, texts = [], []
        if missing.any():
            handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#8c8c8c",
                                 hatch=NO_DATA_HATCH, linewidth=0.4))
            texts.append("no data (no computable change)")
        if other is not None:
            handles.append(Patch(facecolor=OTHER_SIDE_COLOR, edgecolor="#999999", linewidth=0.4))
            texts.append(f"{_country_name(other)}: border region (not mapped)")
        handles.append(Line2D([], [], color=BORDER_COLOR, linewidth=1.3))
        texts.append("state border")
        anchor = (0.0, 1 - y_mm / h_mm) if h_mm else (1.01, 1 - y_mm / 60.0)
        leg = panel.legend(handles, texts, loc="upper left", ncol=1, frameon=False,
                           title=None if scales else "Change, p.p.", alignment="left",
                           bbox_to_anchor=anchor, borderaxespad=0.2, handlelength=2.2,
                           handleheight=1.1)
        leg.set_gid("legend_common" if scales else "legend")
        if user_ax is None:
            _draw_key(panel, table, shown, labels, x0=0.40, top_mm=1.5, panel_mm=panel_mm,
                      country=country)
            if notes:
                panel.text(0.0, 0.0, note_text, ha="left", va="bottom", fontsize=7,
                           gid="notes", linespacing=1.25)
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=True, user_ax=user_ax is not None)
    meta_scales = [{k: v for k, v in sc.items() if k not in ("classifier", "class")}
                   for sc in scales]
    return MapResult(figure=fig, ax=ax, crs=crs, table=table, classifier=clf,
                     notes=tuple(notes),
                     meta={"title": title, "scheme": "user", "edges": list(edges),
                           "scales": meta_scales})


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
    ax: Axes | None = None,
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

    ``ax``: draw on this matplotlib Axes (legends beside the map, title on the axes, no source
    line) and return the result holding it.
    """
    from ..border.zones import border_zone

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
    user_ax = ax
    with mpl.rc_context(STYLE):
        if user_ax is None:
            fig, ax, panel = _layout(extent, width_mm=width_mm, panel_mm=panel_mm, source=source,
                                     subtitle=True)
        else:
            fig, ax, panel = user_ax.figure, user_ax, user_ax
            ax.set_aspect("equal")
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
        on_map = user_ax is not None  # legends right of the user's axes, not over the map
        leg = panel.legend(h1, t1, loc="upper left", frameon=False, ncol=1,
                           title="Legend", alignment="left", borderaxespad=0.2,
                           bbox_to_anchor=(1.01, 1.0) if on_map else None)
        leg.set_gid("legend")
        panel.add_artist(leg)
        h2 = [Line2D([], [], color=_AGG_COLOURS[k % len(_AGG_COLOURS)], linewidth=1.8)
              for k in range(n_agg)]
        t2 = [f"{r.agglomeration}  {r.name}" for r in table.itertuples(index=False)]
        leg2 = panel.legend(h2, t2, loc="upper left" if not on_map else "lower left",
                            bbox_to_anchor=(0.45, 1.0) if not on_map else (1.01, 0.0),
                            frameon=False, ncol=1, title="Cross-border regions of the "
                            "agglomerations", alignment="left", borderaxespad=0.2)
        leg2.set_gid("legend_agglomerations")
        _finish(fig, ax, crs, extent, title=title, subtitle=subtitle, source=source,
                graticule=True, user_ax=on_map)
    return MapResult(figure=fig, ax=ax, crs=crs, table=table,
                     notes=tuple(n for n in shown["display_note"] if n),
                     meta={"title": title, "zone_km": zone_km, "origin": origin,
                           "zone": zone.by_group()})
