"""Convergence charts: sigma over time, beta scatter with its fit, cross-border pair gaps,
distributions.

Each function builds and returns a :class:`matplotlib.figure.Figure` (no pyplot state; nothing is
shown), 180 mm wide by default with no text below 7 pt, ready for
:func:`crossborder._mapstyle.save` (PNG/SVG, atomic). Artists carry ``gid``s (``"series"``,
``"fit"``, ``"point_label"``, ``"parity"``…) so tests and SVG post-processing can find them.

Inputs are the package's tidy outputs: :func:`crossborder.measures.dispersion.sigma` frames,
:class:`crossborder.measures.beta.BetaResult` (or any ``(alpha, beta)``),
:class:`crossborder.border.pairs.PairGaps` (or its ``gaps`` long table), and Panels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._mapstyle import (
    MM,
    STYLE,
    add_source_line,
    add_title,
    fit_left_margin,
    renderer_of,
    save,
    source_lines_needed,
    wrap_to_width,
)
from .currency import parse_currency, rate_table
from .errors import DataError
from .i18n import translator
from .panel import Panel

__all__ = [
    "COUNTRY_COLORS",
    "CURRENCY_NAMES",
    "clubs_chart",
    "exchange_rate_jumps",
    "rate_jumps",
    "beta_scatter",
    "distribution_chart",
    "pair_gaps_chart",
    "pair_gaps_small_multiples",
    "save",
    "sigma_chart",
    "transition_chart",
]

#: Colours by group (country); other groups get the tab10 cycle.
COUNTRY_COLORS: dict[str, str] = {"RU": "#1f5fa8", "KZ": "#d4820a"}
_CYCLE = ["#1f5fa8", "#d4820a", "#2a9d5c", "#b8322b", "#7b4fa0", "#6b6b6b", "#c4508f",
          "#1b9aaa"]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
HALO = [patheffects.withStroke(linewidth=2.0, foreground="white")]


def _colour_map(names: Sequence[Any]) -> dict[Any, str]:
    """A colour per name: a country code (or a name with it as a word, "border RU") gets its
    :data:`COUNTRY_COLORS` colour once; the others take the remaining cycle."""
    import re

    out: dict[Any, str] = {}
    used: set[str] = set()
    for n in names:
        code = str(n) if str(n) in COUNTRY_COLORS else next(
            (c for c in COUNTRY_COLORS if re.search(rf"\b{re.escape(c)}\b", str(n))), None)
        if code is not None and code not in used:
            out[n] = COUNTRY_COLORS[code]
            used.add(code)
    free = [c for c in _CYCLE if c not in COUNTRY_COLORS.values()]
    k = 0
    for n in names:
        if n not in out:
            out[n] = free[k % len(free)]
            k += 1
    return out


def _figure(width_mm: float, height_mm: float, *, title: str | None, subtitle: str | None,
            source: str | None, ax: Any = None) -> tuple[Figure, Any]:
    """A figure with one axes leaving room for the title above and the source line below; or the
    user's ``ax`` (and its figure), drawn on as it is."""
    if ax is not None:
        ax.grid(True, color="#e2e2e2", linewidth=0.5, zorder=0)
        ax.set_axisbelow(True)
        return ax.figure, ax
    fig = Figure(figsize=(width_mm * MM, height_mm * MM))
    FigureCanvasAgg(fig)
    top = 3.0 + (5.0 if title else 0.0) + (4.0 if subtitle else 0.0)
    bottom = 11.0 + (3.4 * source_lines_needed(source, width_mm) if source else 0.0)
    fig.subplots_adjust(left=16.0 / width_mm, right=1 - 6.0 / width_mm,
                        top=1 - top / height_mm, bottom=bottom / height_mm)
    ax = fig.add_subplot(1, 1, 1)
    ax.grid(True, color="#e2e2e2", linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)
    return fig, ax


def _decorate(fig: Figure, *, title: str | None, subtitle: str | None,
              source: str | None, ax: Any = None) -> None:
    if ax is not None:  # the user's axes: the title on the axes, the figure left alone
        if title:
            ax.set_title(title + (f"\n{subtitle}" if subtitle else ""), loc="left")
        return
    if title:
        add_title(fig, title, subtitle=subtitle)
    if source:
        add_source_line(fig, source)


def _series_dict(data: Any, measure: str | None) -> dict[str, pd.Series]:
    """Name -> Series indexed by time from a DataFrame, a dict of Series/DataFrames or a Series."""
    if isinstance(data, pd.Series):
        return {str(data.name or measure or "value"): data}
    if isinstance(data, pd.DataFrame):
        cols = [c for c in data.columns if c != "n"]
        if measure is not None:
            cols = [measure] if measure in data.columns else []
        if not cols:
            raise DataError(f"no column {measure!r} to chart", column=measure)
        return {str(c): data[c] for c in cols}
    if isinstance(data, Mapping):
        out = {}
        for name, v in data.items():
            if isinstance(v, pd.DataFrame):
                cols = [c for c in v.columns if c != "n"]
                col = measure if measure in v.columns else cols[0] if cols else None
                if col is None:
                    raise DataError(f"series {name!r} has no column to chart")
                v = v[col]
            out[str(name)] = pd.Series(v)
        return out
    raise DataError("data must be a DataFrame, a Series or a dict of Series")


def _bands(band: Any, names: Sequence[str]) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Series name -> (lower, upper) from ``band``: a pair (for the first series) or a mapping."""
    if band is None:
        return {}
    if isinstance(band, Mapping):
        unknown = [k for k in band if str(k) not in names]
        if unknown:
            raise DataError(f"bands for series not drawn: {unknown}; series: {list(names)}")
        return {str(k): (pd.Series(v[0]), pd.Series(v[1])) for k, v in band.items()}
    if len(band) != 2:
        raise DataError("band must be a (lower, upper) pair or a mapping name -> (lower, upper)")
    return {names[0]: (pd.Series(band[0]), pd.Series(band[1]))}


def _annotate(ax: Axes, annotations: Sequence[tuple[Any, str]] | None) -> None:
    """A dotted vertical line at each time, its short name (the text before any parenthesis)
    written up the line at the top of the axes, the full text as a legend entry "year: text"."""
    from matplotlib.transforms import blended_transform_factory

    if not annotations:
        return
    tr = blended_transform_factory(ax.transData, ax.transAxes)
    for x, text in annotations:
        ax.axvline(float(x), color="#6b6b6b", linewidth=0.8, linestyle=":", zorder=1,
                   gid="annotation_line", label=f"{x}: {text}")
        ax.text(float(x), 0.985, " " + text.split(" (")[0], transform=tr, rotation=90,
                ha="right", va="top", fontsize=7, color="#333333", path_effects=HALO, zorder=6,
                gid="annotation")


#: Names of the currencies of the built-in data's countries, for the annotations.
CURRENCY_NAMES: dict[str, str] = {"RU": "rouble", "KZ": "tenge"}


def exchange_rate_jumps(
    series: pd.Series | Mapping[str, pd.Series],
    rates: pd.DataFrame,
    *,
    k: float = 1.5,
    min_move: float = 0.2,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> list[tuple[Any, str]]:
    """Years where a charted series jumps *and* an exchange rate moves: the annotations of a chart
    in a converted currency (a rouble devaluation is a jump of the dollar values, not of the
    economy).

    A jump at ``t``: ``|s_t - s_{t-1}| > k * median_u |s_u - s_{u-1}|`` (a robust scale of the
    series' one-year changes; with several series, any of them). A move: a country's currency
    loses at least ``min_move`` of its value against the unit, ``1 - r_{t-1} / r_t >= min_move``
    with ``r`` in local currency per unit (or gains as much). ``rates``: a long table ``country,
    year, rate`` (as :func:`crossborder.currency.rate_table`) or a wide one (index year, one column
    per country). Returns ``(year, text)`` pairs naming the largest move, e.g. "rouble
    devaluation: −37% against the USD (2015, annual average)"; ``names`` maps a country to its
    currency's name (:data:`CURRENCY_NAMES` by default, else "KZ currency"); ``lang``: the text
    in that language where the catalogs of :mod:`crossborder.i18n` have its words.
    """
    _ = translator(lang)
    names = {**CURRENCY_NAMES, **dict(names or {})}
    wide = (rates.pivot_table(index="year", columns="country", values="rate", aggfunc="first")
            if {"country", "year", "rate"} <= set(rates.columns) else rates)
    wide = wide.sort_index().astype(float)
    value_change = 1.0 - wide.shift(1) / wide       # share of its value a currency lost
    data = series if isinstance(series, Mapping) else {"series": series}
    years: set[Any] = set()
    for s in data.values():
        s = pd.Series(s).dropna().sort_index()
        idx = np.asarray(s.index)
        d = s.diff()
        steps = np.diff(idx.astype(float)) if len(idx) > 1 else np.array([])
        d = d.where(np.concatenate([[False], steps == 1]))  # one-year changes only
        scale = float(np.nanmedian(np.abs(d))) if d.notna().any() else np.nan
        if not np.isfinite(scale):
            continue
        big = d.abs() > k * scale if scale > 0 else d.abs() > 0
        years |= set(d.index[big.fillna(False).to_numpy()])
    out = []
    for t in sorted(years):
        if t not in value_change.index:
            continue
        row = value_change.loc[t].dropna()
        row = row[row.abs() >= min_move]
        if row.empty:
            continue
        c = row.abs().idxmax()
        move = float(row[c])
        what = _(names.get(str(c), f"{c} currency"))
        word = _("devaluation" if move > 0 else "appreciation")
        sign = "\u2212" if move > 0 else "+"
        out.append((t, _("{what} {word} ({sign}{move} vs USD, {year} average)").format(
            what=what, word=word, sign=sign, move=f"{abs(move):.0%}", year=t)))
    return out


def rate_jumps(ds: Any, panel: Any, series: pd.Series | Mapping[str, pd.Series],
               **kw: Any) -> list[tuple[Any, str]]:
    """:func:`exchange_rate_jumps` of ``series`` drawn from ``panel`` against the rates that
    converted it: none unless the panel is in USD at exchange rates (``meta["currency_basis"]``)
    and the dataset has its rate table (``ds.fx``, the vintage of ``meta["currency"]``)."""
    meta = getattr(panel, "meta", {}) or {}
    if meta.get("currency_basis") != "USD" or getattr(ds, "fx", None) is None:
        return []
    rates, _, _ = rate_table(ds.fx, parse_currency(meta.get("currency") or "USD"))
    return exchange_rate_jumps(series, rates, **kw)


# ----------------------------------------------------------------------------- sigma
def sigma_chart(
    data: pd.DataFrame | Mapping[str, Any] | pd.Series,
    *,
    measure: str | None = None,
    title: str | None = "Sigma convergence: dispersion over time",
    subtitle: str | None = None,
    ylabel: str | None = None,
    xlabel: str = "year",
    source: str | None = None,
    index_to: Any = None,
    trend: bool = False,
    width_mm: float = 180.0,
    height_mm: float = 100.0,
    legend_outside: bool = False,
    band: Any = None,
    band_label: str = "95% band",
    annotations: Sequence[tuple[Any, str]] | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Figure | Axes:
    """Dispersion over time, one line per series (e.g. border RU / border KZ / all regions).

    ``data``: a :func:`~crossborder.measures.dispersion.sigma` frame (one line per measure
    column, ``n`` ignored), a dict name -> Series (or -> sigma frame, taking ``measure`` or its
    first column) or one Series. ``index_to``: divide each series by its value at that time
    (=1 there). ``trend``: add each series' OLS line on time (dashed). Falling lines =
    sigma convergence. ``legend_outside`` puts the legend right of the plot (for many lines).

    ``band``: a ``(lower, upper)`` pair of Series (time-indexed) shaded around the first series,
    or a mapping series name -> ``(lower, upper)`` (e.g. percentiles of
    ``crossborder.measures.resample.bootstrap_regions`` draws), labelled ``band_label`` in the
    legend; ``index_to`` divides a band by its series' value at that time, as the series.
    ``annotations``: ``(time, text)`` pairs marked by a dotted vertical line and the text at the
    top of the axes (e.g. :func:`exchange_rate_jumps`).

    ``ax``: draw on this matplotlib Axes (title on the axes; no source line) and return it;
    without it a new print-sized Figure is returned.
    ``lang``: the figure's words (title, axis labels, legend) in that language where the catalogs
    of :mod:`crossborder.i18n` have them (English otherwise).
    """
    _ = translator(lang)
    title, subtitle, xlabel, ylabel, band_label = _(title), _(subtitle), _(xlabel), _(ylabel), _(band_label)
    series = _series_dict(data, measure)
    bands = _bands(band, list(series))
    if index_to is not None:
        bands = {k: (lo / series[k].loc[index_to], hi / series[k].loc[index_to])
                 for k, (lo, hi) in bands.items()}
        series = {k: s / s.loc[index_to] for k, s in series.items()}
    colours = _colour_map(list(series))
    with mpl.rc_context(STYLE):
        user_ax = ax
        fig, ax = _figure(width_mm, height_mm, title=title, subtitle=subtitle, source=source,
                          ax=user_ax)
        if legend_outside and user_ax is None:
            fig.subplots_adjust(right=1 - 62.0 / width_mm)
        for i, (name, s) in enumerate(series.items()):
            s = s.dropna()
            x = np.asarray(s.index, dtype=float)
            (line,) = ax.plot(x, s.to_numpy(dtype=float), color=colours[name], linewidth=1.4,
                              marker=_MARKERS[i % len(_MARKERS)], markersize=3.2,
                              label=_(name), zorder=3)
            line.set_gid("series")
            if name in bands:
                lo, hi = (pd.Series(b).reindex(s.index).to_numpy(dtype=float) for b in bands[name])
                poly = ax.fill_between(x, lo, hi, color=colours[name], alpha=0.18, linewidth=0,
                                       zorder=2, label=f"{_(name)}: {band_label}" if len(series) > 1
                                       else band_label)
                poly.set_gid("band")
            if trend and len(s) >= 2:
                b, a = np.polyfit(x, s.to_numpy(dtype=float), 1)
                (tl,) = ax.plot(x, a + b * x, color=colours[name], linewidth=0.9,
                                linestyle="--", zorder=2)
                tl.set_gid("trend")
        ax.set_xlabel(xlabel)
        if ylabel is None:
            ylabel = _(measure or (next(iter(series)) if len(series) == 1 else "dispersion"))
            if index_to is not None:
                ylabel += f" ({index_to} = 1)"
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        _annotate(ax, annotations)
        if annotations:  # the legend holds the annotations' text: beside the plot, covering nothing
            legend_outside = True
            if user_ax is None:
                fig.subplots_adjust(right=1 - 62.0 / width_mm)
        if legend_outside:
            leg = ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
            _wrap_legend(leg, 44.0)
        else:
            leg = ax.legend(frameon=False, loc="best")
        leg.set_gid("legend")
        if user_ax is None:
            fit_left_margin(fig, [ax])
        _decorate(fig, title=title, subtitle=subtitle, source=source, ax=user_ax)
    return fig if user_ax is None else ax


def _wrap_legend(leg: Any, width_mm: float) -> None:
    """Wrap the legend's texts to ``width_mm`` (a legend beside the plot stays in the figure)."""
    for t in leg.get_texts():
        t.set_text(wrap_to_width(t.get_text(), width_mm, t.get_fontsize()))


# ----------------------------------------------------------------------------- beta
def _fit_params(fit: Any) -> tuple[float, float] | None:
    if fit is None:
        return None
    if hasattr(fit, "alpha") and hasattr(fit, "beta"):
        return float(fit.alpha), float(fit.beta)
    a, b = fit
    return float(a), float(b)


def beta_scatter(
    x_initial_log: Any,
    growth: Any,
    fit: Any = None,
    *,
    labels: Sequence[str] | pd.Series | Mapping | None = None,
    groups: Sequence[Any] | pd.Series | Mapping | None = None,
    title: str | None = "Beta convergence: growth against initial level",
    subtitle: str | None = None,
    xlabel: str = "log of the initial level",
    ylabel: str = "average annual growth (log points)",
    source: str | None = None,
    width_mm: float = 180.0,
    height_mm: float = 115.0,
    ax: Axes | None = None,
    lang: str = "en",
) -> Figure | Axes:
    """Growth against the log initial level with the fitted line ``g = alpha + beta ln y0``.

    ``x_initial_log`` and ``growth``: arrays or Series (Series are aligned on their index).
    ``fit``: ``(alpha, beta)`` or a :class:`~crossborder.measures.beta.BetaResult`; the line is
    drawn over the range of x and its equation is in the legend. ``labels``: text per point
    (a mapping/Series is looked up by the index); ``groups``: group per point (e.g. country),
    coloured with :data:`COUNTRY_COLORS`. A downward slope is beta convergence.

    ``ax``: draw on this matplotlib Axes (title on the axes; no source line) and return it;
    without it a new print-sized Figure is returned.
    ``lang``: the figure's words (title, axis labels, legend) in that language where the catalogs
    of :mod:`crossborder.i18n` have them (English otherwise).
    """
    _ = translator(lang)
    title, subtitle, xlabel, ylabel = _(title), _(subtitle), _(xlabel), _(ylabel)
    x = pd.Series(x_initial_log) if not isinstance(x_initial_log, pd.Series) else x_initial_log
    g = pd.Series(growth) if not isinstance(growth, pd.Series) else growth
    if isinstance(x_initial_log, pd.Series) and isinstance(growth, pd.Series):
        x, g = x.align(g, join="inner")
    else:
        if len(x) != len(g):
            raise DataError(f"x ({len(x)}) and growth ({len(g)}) differ in length")
        g.index = x.index

    def per_point(v: Any) -> pd.Series | None:
        if v is None:
            return None
        if isinstance(v, Mapping):
            return pd.Series({i: v.get(i) for i in x.index})
        if isinstance(v, pd.Series):
            return v.reindex(x.index) if not v.index.equals(pd.RangeIndex(len(v))) or \
                isinstance(x.index, pd.RangeIndex) else pd.Series(v.to_numpy(), index=x.index)
        v = list(v)
        if len(v) != len(x):
            raise DataError(f"{len(v)} labels/groups for {len(x)} points")
        return pd.Series(v, index=x.index)

    lab, grp = per_point(labels), per_point(groups)
    ok = x.notna() & g.notna()
    x, g = x[ok].astype(float), g[ok].astype(float)
    lab = lab[ok] if lab is not None else None
    grp = grp[ok] if grp is not None else None
    params = _fit_params(fit)
    with mpl.rc_context(STYLE):
        user_ax = ax
        fig, ax = _figure(width_mm, height_mm, title=title, subtitle=subtitle, source=source,
                          ax=user_ax)
        names = list(pd.unique(grp.astype(str))) if grp is not None else [None]
        colours = _colour_map([n for n in names if n is not None]) if grp is not None else {}
        for i, name in enumerate(names):
            m = (grp.astype(str) == name) if grp is not None else pd.Series(True, index=x.index)
            sc = ax.scatter(x[m], g[m], s=22, color=colours.get(name, "#333333"),
                            marker=_MARKERS[i % len(_MARKERS)], edgecolor="white",
                            linewidth=0.5, zorder=3, label=_(name))
            sc.set_gid("points")
        if params is not None:
            a, b = params
            xs = np.linspace(x.min(), x.max(), 50)
            sign = "+" if b >= 0 else "\u2212"
            (line,) = ax.plot(xs, a + b * xs, color="#222222", linewidth=1.1, zorder=2,
                              label=_("fit: g = {a} {sign} {b} ln y\u2080").format(
                                  a=f"{a:.4g}", sign=sign, b=f"{abs(b):.4g}"))
            line.set_gid("fit")
        if lab is not None:
            _label_points(ax, x.to_numpy(), g.to_numpy(), lab.astype(str).to_numpy(),
                          [colours.get(n, "#333333") for n in
                           (grp.astype(str) if grp is not None else [None] * len(x))])
        ax.axhline(0, color="#9a9a9a", linewidth=0.6, zorder=1)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        handles, texts = ax.get_legend_handles_labels()
        keep = [(h, t) for h, t in zip(handles, texts, strict=True) if t and t != "None"]
        if keep:
            leg = ax.legend(*zip(*keep, strict=True), frameon=False, loc="best")
            leg.set_gid("legend")
        _decorate(fig, title=title, subtitle=subtitle, source=source, ax=user_ax)
    return fig if user_ax is None else ax


def _label_points(ax: Any, x: np.ndarray, y: np.ndarray, labels: np.ndarray,
                  colours: Sequence[str]) -> None:
    """Point labels offset to the right, nudged vertically where they would collide."""
    fig = ax.figure
    renderer = renderer_of(fig)
    placed: list[Any] = []
    for xi, yi, t, c in sorted(zip(x, y, labels, colours, strict=True), key=lambda r: r[1]):
        best = None
        for dy in (0, 6, -6, 12, -12, 18, -18):
            for dx, ha in ((4, "left"), (-4, "right")):
                txt = ax.annotate(t, (xi, yi), xytext=(dx, dy), textcoords="offset points",
                                  ha=ha, va="center", fontsize=7, color=c, zorder=4,
                                  path_effects=HALO, gid="point_label")
                bb = txt.get_window_extent(renderer).expanded(1.02, 1.05)
                if not any(bb.overlaps(p) for p in placed):
                    best = (txt, bb)
                    break
                txt.remove()
            if best:
                break
        if best is None:
            txt = ax.annotate(t, (xi, yi), xytext=(4, 0), textcoords="offset points",
                              ha="left", va="center", fontsize=7, color=c, zorder=4,
                              path_effects=HALO, gid="point_label")
            best = (txt, txt.get_window_extent(renderer))
        placed.append(best[1])


# ----------------------------------------------------------------------------- pair gaps
def _gap_frame(data: Any, value: str, a_col: str, b_col: str,
               names: Mapping[str, str] | None) -> pd.DataFrame:
    """Wide frame: index time, one column per pair "a \u2013 b". The time column of a long table:
    the PairGaps' ``time_name``, else ``time`` or ``year``."""
    tcol = getattr(data, "time_name", None)
    if hasattr(data, "gaps") and isinstance(data.gaps, pd.DataFrame):
        data = data.gaps
    if not isinstance(data, pd.DataFrame):
        raise DataError("pair gaps must be a PairGaps result or a DataFrame")
    if tcol is None:
        tcol = next((c for c in ("time", "year") if c in data.columns), "time")
    if {a_col, b_col, tcol, value} <= set(data.columns) or \
            {"pair", tcol, value} <= set(data.columns):
        d = data.copy()
        if "pair" not in d.columns:
            nm = dict(names or {})
            d["pair"] = (d[a_col].map(lambda r: nm.get(r, r)).astype(str) + " \u2013 "
                         + d[b_col].map(lambda r: nm.get(r, r)).astype(str))
        return d.pivot_table(index=tcol, columns="pair", values=value, aggfunc="first",
                             sort=False)
    return data  # already wide


def pair_gaps_chart(
    data: Any,
    *,
    value: str = "log_gap",
    a_col: str = "a_region",
    b_col: str = "b_region",
    names: Mapping[str, str] | None = None,
    title: str | None = "Gaps between cross-border region pairs",
    subtitle: str | None = None,
    ylabel: str | None = None,
    xlabel: str = "year",
    source: str | None = None,
    width_mm: float = 180.0,
    height_mm: float = 110.0,
    ax: Axes | None = None,
    lang: str = "en",
) -> Figure | Axes:
    """The log ratio ln(y_a / y_b) of each cross-border pair over time, with parity (0) marked.

    ``data``: a :class:`~crossborder.border.pairs.PairGaps` result, its ``gaps`` long table
    (``a_region``, ``b_region``, ``time``, ``log_gap``), a long table with a ``pair`` column, or a
    wide frame (index time, one column per pair). ``names`` maps region codes to display names.
    Each line is labelled at its last point; lines moving towards 0 are narrowing gaps.

    ``ax``: draw on this matplotlib Axes (title on the axes; no source line) and return it;
    without it a new print-sized Figure is returned.
    ``lang``: the figure's words (title, axis labels, legend) in that language where the catalogs
    of :mod:`crossborder.i18n` have them (English otherwise).
    """
    _ = translator(lang)
    title, subtitle, xlabel, ylabel = _(title), _(subtitle), _(xlabel), _(ylabel)
    wide = _gap_frame(data, value, a_col, b_col, names)
    wide = wide.sort_index()
    colours = _colour_map(list(range(len(wide.columns))))
    with mpl.rc_context(STYLE):
        user_ax = ax
        fig, ax = _figure(width_mm, height_mm, title=title, subtitle=subtitle, source=source,
                          ax=user_ax)
        if user_ax is None:
            fig.subplots_adjust(right=1 - 50.0 / width_mm)
        ax.axhline(0, color="#555555", linewidth=0.9, zorder=1, gid="parity")
        ends = []
        for i, col in enumerate(wide.columns):
            s = wide[col].dropna()
            if not len(s):
                continue
            x = np.asarray(s.index, dtype=float)
            (line,) = ax.plot(x, s.to_numpy(dtype=float), color=colours[i], linewidth=1.3,
                              marker=_MARKERS[i % len(_MARKERS)], markersize=2.8, zorder=3,
                              label=str(col))
            line.set_gid("series")
            ends.append((float(s.iloc[-1]), x[-1], str(col), colours[i]))
        _end_labels(ax, ends)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel or ("ln(a / b)" if value == "log_gap" else value))
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        _decorate(fig, title=title, subtitle=subtitle, source=source, ax=user_ax)
    return fig if user_ax is None else ax


#: Colours of a pair's significant change of |gap| in the small multiples.
CHANGE_COLORS = {"narrowed": "#1f5fa8", "widened": "#b8322b", "no significant change": "#6b6b6b"}


def pair_gaps_small_multiples(
    data: Any,
    *,
    change: Mapping[str, str] | None = None,
    value: str = "log_gap",
    a_col: str = "a_region",
    b_col: str = "b_region",
    names: Mapping[str, str] | None = None,
    title: str | None = "Gaps between cross-border region pairs",
    subtitle: str | None = None,
    ylabel: str | None = None,
    source: str | None = None,
    ncols: int = 4,
    width_mm: float = 180.0,
    panel_mm: float = 32.0,
    fig: Figure | None = None,
    lang: str = "en",
) -> Figure:
    """One small panel per pair (shared axes): ln(y_a / y_b) over time with parity (0) marked, the
    pair named in the panel's title. ``change`` maps a pair name ("a – b") to its
    :func:`~crossborder.border.pairs.gap_change` reading, which colours the line (blue narrowed,
    red widened, grey no significant change) and is written under the pair's name.

    ``fig``: draw the panels into this Figure (or SubFigure) and return it (title on the figure, no
    source line); else a new print-sized Figure.
    ``lang``: the figure's words (title, axis labels, legend) in that language where the catalogs
    of :mod:`crossborder.i18n` have them (English otherwise).
    """
    _ = translator(lang)
    title, subtitle, ylabel = _(title), _(subtitle), _(ylabel)
    wide = _gap_frame(data, value, a_col, b_col, names).sort_index()
    cols = [c for c in wide.columns if wide[c].notna().any()]
    if not cols:
        raise DataError("no pair has a gap to draw")
    nrows = int(np.ceil(len(cols) / ncols))
    top = 3.0 + (5.0 if title else 0.0) + (4.0 if subtitle else 0.0) + (8.0 if change else 5.0)
    bottom = 11.0 + (3.4 * source_lines_needed(source, width_mm) if source else 0.0)
    height_mm = top + bottom + panel_mm * nrows
    user_fig = fig
    with mpl.rc_context(STYLE):
        if user_fig is None:
            fig = Figure(figsize=(width_mm * MM, height_mm * MM))
            FigureCanvasAgg(fig)
            fig.subplots_adjust(left=16.0 / width_mm, right=1 - 4.0 / width_mm,
                                top=1 - top / height_mm, bottom=bottom / height_mm, hspace=0.55,
                                wspace=0.12)
            axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
        else:
            axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False,
                                gridspec_kw={"hspace": 0.55, "wspace": 0.12})
        x = np.asarray(wide.index, dtype=float)
        for k, ax in enumerate(axes.ravel()):
            if k >= len(cols):
                ax.set_visible(False)
                continue
            col = cols[k]
            reading = (change or {}).get(str(col), "")
            c = CHANGE_COLORS.get(reading, "#1f5fa8")
            ax.grid(True, color="#e2e2e2", linewidth=0.5, zorder=0)
            ax.axhline(0, color="#555555", linewidth=0.7, zorder=1, gid="parity")
            (line,) = ax.plot(x, wide[col].to_numpy(dtype=float), color=c, linewidth=1.2, zorder=3)
            line.set_gid("series")
            ax.set_title(str(col) + (f"\n{_(reading)}" if reading else ""), fontsize=7, color=c, pad=2)
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(3, integer=True))
        for ax in axes[:, 0]:
            ax.set_ylabel(ylabel or ("ln(a / b)" if value == "log_gap" else value), fontsize=7)
        if user_fig is None:
            _decorate(fig, title=title, subtitle=subtitle, source=source)
        elif title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    return fig


def _end_labels(ax: Any, ends: list[tuple[float, float, str, str]]) -> None:
    """Labels right of the axes at each line's last value, spread to avoid overlap."""
    if not ends:
        return
    fig = ax.figure
    y0, y1 = ax.get_ylim()
    h_pt = ax.get_window_extent().height * 72 / fig.dpi
    min_gap = 8.5 / h_pt * (y1 - y0)
    ends = sorted(ends)
    orig = np.array([e[0] for e in ends])
    ys = orig.copy()
    for _ in range(50):  # 1-d repulsion: keep the order, a minimum gap, centred on the values
        for i in range(1, len(ys)):
            ys[i] = max(ys[i], ys[i - 1] + min_gap)
        # shift each run of touching labels so that it is centred on its lines' values
        run_start = 0
        new = ys.copy()
        for i in range(1, len(ys) + 1):
            if i == len(ys) or ys[i] - ys[i - 1] > min_gap * 1.0001:
                sl = slice(run_start, i)
                new[sl] = ys[sl] - (ys[sl] - orig[sl]).mean()
                run_start = i
        if np.allclose(new, ys):
            break
        ys = new
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + min_gap)
    from matplotlib.transforms import blended_transform_factory

    text_tr = blended_transform_factory(ax.transAxes, ax.transData)
    for (yv, x_last, name, c), yl in zip(ends, ys, strict=True):
        ax.annotate(name, (x_last, yv), xytext=(1.03, yl), textcoords=text_tr,
                    xycoords="data", ha="left", va="center", fontsize=7, color=c,
                    annotation_clip=False, gid="end_label",
                    arrowprops={"arrowstyle": "-", "color": c, "linewidth": 0.4,
                                "shrinkA": 1, "shrinkB": 2, "alpha": 0.8,
                                "relpos": (0.0, 0.5)})


# ----------------------------------------------------------------------------- distribution
def distribution_chart(
    data: Panel | pd.DataFrame,
    times: Sequence[Any] | None = None,
    *,
    relative: bool = True,
    log: bool = False,
    groups: pd.Series | Mapping | None = None,
    title: str | None = "Distribution of regions",
    subtitle: str | None = None,
    xlabel: str | None = None,
    source: str | None = None,
    width_mm: float = 180.0,
    height_mm: float = 100.0,
    ax: Axes | None = None,
    lang: str = "en",
) -> Figure | Axes:
    """Kernel densities (Gaussian, Scott's bandwidth) of the regional values at a few times.

    ``data``: a Panel or a wide frame (regions x times). ``times``: default first, middle and
    last. ``relative``: values over the period's mean (1 = average), the usual view of
    distribution dynamics (Quah 1993). ``log``: take logs first. ``groups``: a rug of the
    regions coloured by group under the densities. A narrowing, single-peaked density is
    convergence; two peaks suggest clubs.

    ``ax``: draw on this matplotlib Axes (title on the axes; no source line) and return it;
    without it a new print-sized Figure is returned.

    ``lang``: the figure's words (title, axis labels, legend) in that language where the catalogs
    of :mod:`crossborder.i18n` have them (English otherwise).
    """
    from scipy.stats import gaussian_kde

    if isinstance(data, Panel):
        m = data.to_matrix()
        wide = pd.DataFrame(m.values, index=m.regions, columns=m.times)
        if groups is None:
            groups = data.group_labels()
    else:
        wide = data
    if times is None:
        cols = list(wide.columns)
        times = list(dict.fromkeys([cols[0], cols[len(cols) // 2], cols[-1]]))
    _ = translator(lang)
    title, subtitle, xlabel = _(title), _(subtitle), _(xlabel)
    cmap = mpl.colormaps["viridis"]
    with mpl.rc_context(STYLE):
        user_ax = ax
        fig, ax = _figure(width_mm, height_mm, title=title, subtitle=subtitle, source=source,
                          ax=user_ax)
        allv = []
        for i, t in enumerate(times):
            v = wide[t].astype(float)
            if log:
                v = np.log(v.where(v > 0))
            if relative:
                v = v - v.mean() if log else v / v.mean()
            v = v.dropna()
            allv.append(v)
            if len(v) < 3 or np.nanstd(v) == 0:
                continue
            kde = gaussian_kde(v.to_numpy())
            lo, hi = v.min(), v.max()
            pad = 0.25 * (hi - lo)
            xs = np.linspace(lo - pad, hi + pad, 200)
            colour = cmap(0.1 + 0.8 * i / max(1, len(times) - 1))
            (line,) = ax.plot(xs, kde(xs), color=colour, linewidth=1.4, label=f"{t} (n={len(v)})")
            line.set_gid("series")
        if groups is not None and allv:
            gser = pd.Series(groups) if not isinstance(groups, pd.Series) else groups
            last = allv[-1]
            gl = gser.reindex(last.index).astype(str)
            gcol = _colour_map(list(pd.unique(gl)))
            ymin = ax.get_ylim()[0]
            for name in pd.unique(gl):
                vv = last[gl == name]
                ax.plot(vv, np.full(len(vv), ymin), "|", color=gcol[name], markersize=8,
                        label=f"{_(name)}, {times[-1]}", gid="rug")
        if xlabel is None:
            xlabel = _("log difference from the mean" if log and relative else
                       "value relative to the mean (1 = average)" if relative else
                       "log value" if log else "value")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(_("density"))
        leg = ax.legend(frameon=False, loc="best")
        leg.set_gid("legend")
        _decorate(fig, title=title, subtitle=subtitle, source=source, ax=user_ax)
    return fig if user_ax is None else ax


# ----------------------------------------------------------------------------- results' .plot()
def clubs_chart(result: Any, *, ax: Axes | None = None,
                title: str | None = "Convergence clubs: transition paths",
                subtitle: str | None = None, source: str | None = None,
                ylabel: str = "relative transition path (1 = average)",
                threshold: float | None = None, legend_outside: bool = False,
                width_mm: float = 180.0, height_mm: float = 100.0, lang: str = "en") -> Figure | Axes:
    """Each club's average relative transition path h_t = mean_club(y_it) / mean_all(y_it)
    (Phillips & Sul 2007, 2009), one line per club; converging clubs flatten, distinct clubs stay
    apart. A club whose own log t statistic is at or below ``threshold`` (default the result's,
    −1.65) fails its test: drawn dashed and grey, its legend entry saying "fails its log t test".
    ``result``: a :class:`~crossborder.measures.clubs.ClubsResult`. ``ax``: draw on this Axes and
    return it (else a new Figure).
    ``lang``: the figure's words (title, axis labels, legend) in that language where the catalogs
    of :mod:`crossborder.i18n` have them (English otherwise)."""
    _ = translator(lang)
    title, subtitle, ylabel = _(title), _(subtitle), _(ylabel)
    paths = result.transition_paths()
    tcol = paths.columns[2]             # the panel's time_name
    clubs = paths.dropna(subset=["club"]).drop_duplicates(["club", tcol])
    names = [_("club {n}").format(n=int(c)) for c in pd.unique(clubs["club"])]
    colours = _colour_map(names)
    if threshold is None:
        threshold = float(getattr(result, "settings", {}).get("threshold", -1.65))
    with mpl.rc_context(STYLE):
        user_ax = ax
        fig, ax = _figure(width_mm, height_mm, title=title, subtitle=subtitle, source=source,
                          ax=user_ax)
        if legend_outside and user_ax is None:
            fig.subplots_adjust(right=1 - 62.0 / width_mm)
        info = {c.number: c for c in result.clubs}
        for i, (c, g) in enumerate(clubs.groupby("club", sort=True)):
            name = _("club {n}").format(n=int(c))
            club = info.get(int(c))
            size = len(club.members) if club is not None else 0
            t = float(club.tstat) if club is not None else np.nan
            fails = bool(np.isfinite(t) and t <= threshold)
            label = _("{name} ({size} regions)").format(name=name, size=size)
            if fails:
                label += _(":\nfails its log t test (t = {t})").format(t=f"{t:.2f}").replace("-", "\u2212")
            (line,) = ax.plot(np.asarray(g[tcol], dtype=float), g["club_h_all"].to_numpy(float),
                              color="#9a9a9a" if fails else colours[name],
                              linestyle="--" if fails else "-",
                              marker=_MARKERS[i % len(_MARKERS)], markersize=3,
                              linewidth=1.2 if fails else 1.4, label=label)
            line.set_gid("series")
        ax.axhline(1.0, color="#9a9a9a", linewidth=0.6, zorder=1)
        ax.set_xlabel(_(str(tcol)))
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        if legend_outside:
            leg = ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
            _wrap_legend(leg, 44.0)
        else:
            leg = ax.legend(frameon=False, loc="best")
        leg.set_gid("legend")
        if user_ax is None:
            fit_left_margin(fig, [ax])
        _decorate(fig, title=title, subtitle=subtitle, source=source, ax=user_ax)
    return fig if user_ax is None else ax


def transition_chart(result: Any, *, ax: Axes | None = None,
                     title: str | None = "Distribution dynamics: transition probabilities",
                     width_mm: float = 120.0, height_mm: float = 110.0, lang: str = "en"
                     ) -> Figure | Axes:
    """The Markov transition matrix as a heat map (row = class at t, column = class at t + 1),
    each cell with its probability; mass on the diagonal is persistence. ``result``: a
    :class:`~crossborder.measures.dynamics.MarkovResult`. ``ax``: draw on this Axes and return it
    (else a new Figure).
    ``lang``: the figure's words (title, axis labels, legend) in that language where the catalogs
    of :mod:`crossborder.i18n` have them (English otherwise)."""
    _ = translator(lang)
    title = _(title)
    P = np.asarray(result.probabilities, dtype=float)
    labels = list(result.labels)
    with mpl.rc_context(STYLE):
        user_ax = ax
        fig, ax = _figure(width_mm, height_mm, title=title, subtitle=None, source=None, ax=user_ax)
        ax.grid(False)
        im = ax.imshow(P, cmap="Blues", vmin=0.0, vmax=1.0)
        im.set_gid("matrix")
        for i in range(P.shape[0]):
            for j in range(P.shape[1]):
                if np.isfinite(P[i, j]):
                    ax.text(j, i, f"{P[i, j]:.2f}", ha="center", va="center", fontsize=7,
                            color="white" if P[i, j] > 0.6 else "#222222")
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel(_("class at t + 1"))
        ax.set_ylabel(_("class at t"))
        _decorate(fig, title=title, subtitle=None, source=None, ax=user_ax)
    return fig if user_ax is None else ax
