"""Charts of the study-level estimators: the specification curve of a robustness grid, rolling-window
estimates with their intervals, and the event study of the integration test.

Same conventions as :mod:`crossborder.charts`: each function returns a
:class:`matplotlib.figure.Figure` (no pyplot state), 180 mm wide, no text below 7 pt, ready for
:func:`crossborder._mapstyle.save`; artists carry ``gid``s (``"estimate"``, ``"interval"``,
``"indicator"``, ``"zero"``) so tests can find them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
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
    source_lines_needed,
)
from .errors import DataError
from .i18n import translator

__all__ = ["event_study_chart", "free_legend", "rolling_chart", "specification_curve"]

SUPPORT = "#1f5fa8"     # negative and significant: supports convergence
AGAINST = "#b8322b"     # positive and significant
NEUTRAL = "#8c8c8c"     # not significant

#: dimensions shown under the curve, in this order, where they vary
DIMENSIONS = ("currency", "start", "end", "regions", "resources", "se_type")


def _canvas(width_mm: float, height_mm: float) -> Figure:
    fig = Figure(figsize=(width_mm * MM, height_mm * MM))
    FigureCanvasAgg(fig)
    return fig


def _margins(fig: Figure, width_mm: float, height_mm: float, title: str | None,
             subtitle: str | None, source: str | None, left_mm: float = 16.0,
             extra_top_mm: float = 0.0, extra_bottom_mm: float = 0.0) -> None:
    top = 3.0 + (5.0 if title else 0.0) + (4.0 if subtitle else 0.0) + extra_top_mm
    bottom = 11.0 + (3.4 * source_lines_needed(source, width_mm) if source else 0.0) \
        + extra_bottom_mm
    fig.subplots_adjust(left=left_mm / width_mm, right=1 - 6.0 / width_mm,
                        top=1 - top / height_mm, bottom=bottom / height_mm)


def _decorate(fig: Figure, title: str | None, subtitle: str | None, source: str | None) -> None:
    if title:
        add_title(fig, title, subtitle=subtitle)
    if source:
        add_source_line(fig, source)


def _segments_px(ax: Axes) -> list[Any]:
    """Display-space boxes of the drawn intervals and markers of ``ax`` (what a legend must not
    cover)."""
    from matplotlib.collections import LineCollection
    from matplotlib.transforms import Bbox

    out = []
    for c in ax.collections:
        if isinstance(c, LineCollection) and c.get_gid() in ("interval", None):
            for seg in c.get_segments():
                if len(seg):
                    pts = ax.transData.transform(np.asarray(seg))
                    out.append(Bbox.from_extents(pts[:, 0].min() - 2, pts[:, 1].min() - 2,
                                                 pts[:, 0].max() + 2, pts[:, 1].max() + 2))
    for ln in ax.get_lines():
        if ln.get_gid() in ("estimate", "series"):
            xy = np.column_stack([ln.get_xdata(), ln.get_ydata()]).astype(float)
            xy = xy[np.isfinite(xy).all(axis=1)]
            for px, py in ax.transData.transform(xy):
                out.append(Bbox.from_extents(px - 3, py - 3, px + 3, py + 3))
    return out


def free_legend(ax: Axes, **kw: Any) -> Any:
    """A legend at the first corner or edge of ``ax`` where it covers no interval or point (tried
    in matplotlib's order of locations); where none is free, outside right of the axes."""
    renderer = renderer_of(ax.figure)
    avoid = _segments_px(ax)
    for loc in ("upper left", "upper right", "lower left", "lower right", "upper center",
                "lower center", "center left", "center right"):
        leg = ax.legend(loc=loc, **kw)
        bb = leg.get_window_extent(renderer)
        if not any(bb.overlaps(a) for a in avoid):
            return leg
        leg.remove()
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), **kw)


def _colours(value: np.ndarray, pvalue: np.ndarray, alpha: float) -> list[str]:
    sig = pvalue < alpha
    return [SUPPORT if s and v < 0 else AGAINST if s and v > 0 else NEUTRAL
            for v, s in zip(value, sig, strict=True)]


# ----------------------------------------------------------------------------- specification curve
#: Colour of the ring and label marking the baseline specification.
BASELINE = "#111111"


def _host(fig: Any, width_mm: float, height_mm: float) -> Figure:
    """The user's Figure (or SubFigure) to draw into, else a new print-sized one."""
    return _canvas(width_mm, height_mm) if fig is None else fig


def specification_curve(
    result: Any,
    estimate: str,
    *,
    se_type: str | None = None,
    dimensions: Sequence[str] = DIMENSIONS,
    alpha: float | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    ylabel: str | None = None,
    source: str | None = None,
    width_mm: float = 180.0,
    height_mm: float | None = None,
    fig: Figure | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Figure | Axes:
    """Specification curve (Simonsohn, Simmons & Nelson 2020): the estimate of every specification,
    sorted, with its confidence interval (blue: negative and significant, red: positive and
    significant, grey: not significant), and beneath it one row per level of each dimension that
    varies, marking the specifications that use it.

    ``result``: a :class:`~crossborder.study.robustness.RobustnessResult` or its table. Where the
    table has a boolean ``baseline`` column, the baseline specification (declared before the grid)
    is ringed, labelled "baseline" and its column marked in the rows beneath. ``se_type``: only
    the specifications with these standard errors (the point estimates do not depend on them);
    default: every one.

    ``fig``: draw both panels into this Figure (or SubFigure) and return it; ``ax``: draw the curve
    alone on this Axes and return it; else a new print-sized Figure is returned.
    ``lang``: the figure's words (title, axis labels, legend) in that language where the
    catalogs of :mod:`crossborder.i18n` have them (English otherwise).
    """
    _ = translator(lang)
    title, subtitle, ylabel = _(title), _(subtitle), _(ylabel)
    table = getattr(result, "table", result)
    if alpha is None:
        alpha = float(getattr(result, "params", {}).get("alpha", 0.05))
    t = table[table["estimate"] == estimate].dropna(subset=["value"])
    if se_type is not None:
        t = t[t["se_type"] == se_type]
    if t.empty:
        raise DataError(f"no specification has a value for {estimate!r}", column="estimate")
    t = t.sort_values("value", kind="stable").reset_index(drop=True)
    dims = [d for d in dimensions if d in t.columns and t[d].nunique(dropna=False) > 1]
    levels = [(d, lv) for d in dims for lv in sorted(pd.unique(t[d]), key=lambda v: (str(type(v)), v))]
    n_rows = len(levels)
    if height_mm is None:
        height_mm = 70.0 + 3.6 * n_rows + 18.0
    x = np.arange(len(t))
    val = t["value"].to_numpy(float)
    colours = _colours(val, t["pvalue"].to_numpy(float), alpha)
    base = (t["baseline"].fillna(False).astype(bool).to_numpy() if "baseline" in t.columns
            else np.zeros(len(t), dtype=bool))
    user_fig, user_ax = fig, ax
    with mpl.rc_context(STYLE):
        if user_ax is not None:
            fig, ax, ax2 = user_ax.figure, user_ax, None
        else:
            fig = _host(user_fig, width_mm, height_mm)
            if user_fig is None:
                _margins(fig, width_mm, height_mm, title, subtitle, source, left_mm=40.0)
            gs = fig.add_gridspec(2, 1, height_ratios=[62.0, max(3.6 * n_rows, 4.0)], hspace=0.06)
            ax = fig.add_subplot(gs[0])
            ax2 = fig.add_subplot(gs[1], sharex=ax)
        ax.grid(True, axis="y", color="#e2e2e2", linewidth=0.5, zorder=0)
        ax.axhline(0, color="#333333", linewidth=0.8, zorder=1, gid="zero")
        lo, hi = t["ci_low"].to_numpy(float), t["ci_high"].to_numpy(float)
        coll = ax.vlines(x, lo, hi, colors=colours, linewidth=0.8, alpha=0.55, zorder=2)
        coll.set_gid("interval")
        sc = ax.scatter(x, val, c=colours, s=7, zorder=3, linewidths=0)
        sc.set_gid("estimate")
        if base.any():
            ring = ax.scatter(x[base], val[base], s=46, facecolors="none", edgecolors=BASELINE,
                              linewidths=1.1, zorder=4)
            ring.set_gid("baseline")
            for xb, vb in zip(x[base], val[base], strict=True):
                ax.annotate(_("baseline"), (xb, vb), xytext=(0, 12), textcoords="offset points",
                            ha="center", va="bottom", fontsize=7, color=BASELINE, zorder=5,
                            arrowprops={"arrowstyle": "-", "color": BASELINE, "linewidth": 0.6,
                                        "shrinkA": 0, "shrinkB": 4},
                            gid="baseline_label")
        ax.set_xlim(-0.8, len(t) - 0.2)
        ax.set_xticks([])
        ax.set_ylabel(ylabel or estimate)
        share = float(t["supports_convergence"].mean()) if "supports_convergence" in t else np.nan
        ax.text(0.01, 0.97, _("{n} specifications; {share}% negative with p < {alpha}").format(
                    n=len(t), share=f"{100 * share:.0f}", alpha=f"{alpha:g}"),
                transform=ax.transAxes, ha="left", va="top", fontsize=7, color="#333333")
        if ax2 is None:
            ax.set_xlabel(_("specifications, sorted by the estimate"))
            if title:
                ax.set_title(title, loc="left")
            return ax
        for i, (d, lv) in enumerate(levels):
            on = (t[d] == lv).to_numpy()
            pts = ax2.scatter(x[on], np.full(on.sum(), i), s=4, color="#333333", marker="s",
                              linewidths=0)
            pts.set_gid("indicator")
        for xb in x[base]:
            ax2.axvline(xb, color=BASELINE, linewidth=0.6, alpha=0.5, zorder=0, gid="baseline")
        ax2.set_ylim(max(n_rows, 1) - 0.5, -0.5)
        ax2.set_yticks(range(n_rows))
        ax2.set_yticklabels([f"{_(d)}: {lv}" for d, lv in levels], fontsize=7)
        ax2.tick_params(axis="y", length=0)
        ax2.set_xticks([])
        for spine in ax2.spines.values():
            spine.set_visible(False)
        for i in range(1, len(dims)):
            edge = sum(1 for d, _ in levels if d in dims[:i]) - 0.5
            ax2.axhline(edge, color="#cccccc", linewidth=0.5)
        ax2.set_xlabel(_("specifications, sorted by the estimate"))
        if user_fig is None:
            _decorate(fig, title, subtitle, source)
        elif title:
            ax.set_title(title, loc="left")
    return fig


# ----------------------------------------------------------------------------- rolling
def rolling_chart(
    result: Any,
    *,
    estimates: Sequence[str] | None = None,
    alpha: float | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    width_mm: float = 180.0,
    height_mm: float | None = None,
    fig: Figure | None = None,
    lang: str = "en",
) -> Figure:
    """One panel per estimate (beta absolute/conditional, sigma trend) over the windows' last
    period: the estimate with its confidence band, zero marked; points with p < alpha filled.

    ``result``: a :class:`~crossborder.study.rolling.RollingResult` or its table. ``fig``: draw
    the panels into this Figure (or SubFigure) and return it (no title block or source line
    there); else a new print-sized Figure.
    ``lang``: the figure's words (title, axis labels, legend) in that language where the
    catalogs of :mod:`crossborder.i18n` have them (English otherwise)."""
    _ = translator(lang)
    title, subtitle = _(title), _(subtitle)
    table = getattr(result, "table", result)
    if alpha is None:
        alpha = float(getattr(result, "alpha", 0.05))
    names = list(estimates) if estimates is not None else list(pd.unique(table["estimate"]))
    if not names:
        raise DataError("no rolling estimates to chart")
    if height_mm is None:
        height_mm = 30.0 + 45.0 * len(names)
    window = getattr(result, "window", None)
    user_fig = fig
    with mpl.rc_context(STYLE):
        fig = _host(user_fig, width_mm, height_mm)
        if user_fig is None:
            _margins(fig, width_mm, height_mm, title, subtitle, source, extra_top_mm=4.0)
        axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
        if user_fig is None:
            fig.subplots_adjust(hspace=0.3)
        for ax, name in zip(axes, names, strict=True):
            g = table[table["estimate"] == name].sort_values("end")
            if g.empty:
                raise DataError(f"no rolling estimate {name!r}", column="estimate")
            x = g["end"].to_numpy(float)
            v = g["value"].to_numpy(float)
            ax.grid(True, color="#e2e2e2", linewidth=0.5, zorder=0)
            ax.axhline(0, color="#333333", linewidth=0.8, zorder=1, gid="zero")
            band = ax.fill_between(x, g["ci_low"].to_numpy(float), g["ci_high"].to_numpy(float),
                                   color=SUPPORT, alpha=0.15, linewidth=0, zorder=2)
            band.set_gid("interval")
            (line,) = ax.plot(x, v, color=SUPPORT, linewidth=1.3, zorder=3)
            line.set_gid("estimate")
            sig = g["pvalue"].to_numpy(float) < alpha
            ax.scatter(x[sig], v[sig], color=SUPPORT, s=12, zorder=4, linewidths=0)
            ax.scatter(x[~sig], v[~sig], facecolors="white", edgecolors=SUPPORT, s=12, zorder=4,
                       linewidths=0.8)
            se = g["se_type"].iloc[0] if "se_type" in g else ""
            ax.set_ylabel(_(name.replace("_", " ")), fontsize=7)
            ax.set_title(_("{name} ({se} standard errors, {level}% interval; filled: p < {alpha})").format(
                name=_(name.replace("_", " ")), se=se, level=f"{100 * (1 - alpha):.0f}", alpha=f"{alpha:g}"),
                fontsize=7, loc="left")
            ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        axes[-1].set_xlabel(_("last period of the window")
                            + (_(" (windows of {n} years)").format(n=f"{window:g}") if window else ""))
        if user_fig is None:
            _decorate(fig, title, subtitle, source)
        elif title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    return fig


# ----------------------------------------------------------------------------- event study
def event_study_chart(
    result: Any,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    width_mm: float = 180.0,
    height_mm: float = 95.0,
    ax: Axes | None = None,
    lang: str = "en",
) -> Figure | Axes:
    """Event-study coefficients by period (cross-border minus domestic pair gaps, relative to the
    last period before the break) with their clustered confidence intervals; the break dashed, the
    pre-trend test and the DiD estimate in the legend. ``result``: a
    :class:`~crossborder.study.integration.DiDResult`, or several in a sequence (one colour each,
    offset slightly).

    The legend never covers an interval: on a new Figure it sits below the axes, above the source
    line; on the user's ``ax`` at the first free corner (:func:`free_legend`), else outside right.
    The left margin is measured so the two-line y label stays inside the figure. ``ax``: draw on
    this matplotlib Axes (title on the axes, no source line) and return it; without it a new
    print-sized Figure is returned.
    ``lang``: the figure's words (title, axis labels, legend) in that language where the
    catalogs of :mod:`crossborder.i18n` have them (English otherwise)."""
    _ = translator(lang)
    title, subtitle = _(title), _(subtitle)
    user_ax = ax
    results = list(result) if isinstance(result, list | tuple) else [result]
    colours = [SUPPORT, "#d4820a", "#2a9d5c", AGAINST]
    legend_mm = 3.6 * len(results) + 2.0
    with mpl.rc_context(STYLE):
        if user_ax is None:
            fig = _canvas(width_mm, height_mm)
            _margins(fig, width_mm, height_mm, title, subtitle, source, left_mm=22.0,
                     extra_bottom_mm=legend_mm)
            ax = fig.add_subplot(1, 1, 1)
        else:
            fig = user_ax.figure
        ax.grid(True, color="#e2e2e2", linewidth=0.5, zorder=0)
        ax.axhline(0, color="#333333", linewidth=0.8, zorder=1, gid="zero")
        off = 0.12 * (np.arange(len(results)) - (len(results) - 1) / 2)
        for i, r in enumerate(results):
            ev = r.event.sort_values("rel_time")
            x = ev["time"].to_numpy(float) + off[i]
            c = colours[i % len(colours)]
            ax.axvline(r.break_year - 0.5, color=c, linewidth=0.8, linestyle="--", zorder=1,
                       gid="break")
            err = np.vstack([ev["coef"] - ev["ci_low"], ev["ci_high"] - ev["coef"]])
            eb = ax.errorbar(x, ev["coef"], yerr=err, fmt="o", color=c, markersize=3, elinewidth=0.9,
                             capsize=1.5, zorder=3,
                             label=_("break {year}: DiD {coef} (se {se}, p {p}); pre-trend p {pre}").format(
                                 year=r.break_year, coef=f"{r.coef:+.3f}", se=f"{r.se:.3f}",
                                 p=f"{r.pvalue:.3f}", pre=f"{r.pretrend_pvalue:.3f}"))
            eb[0].set_gid("estimate")
            for coll in eb[2]:
                coll.set_gid("interval")
        ax.set_xlabel(_("year (dashed: break; each series relative to the last period before its break)"))
        ax.set_ylabel(_("cross-border minus domestic gap\n(|ln ratio|, vs. period \u22121)"))
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        if user_ax is not None:
            free_legend(ax, frameon=False, fontsize=7).set_gid("legend")
            if title:
                ax.set_title(title, loc="left")
            return ax
        fit_left_margin(fig, [ax])
        # the legend below the axes (under the x label), above the source line: it covers nothing
        renderer = renderer_of(fig)
        below = ax.get_tightbbox(renderer).y0 / (fig.get_figheight() * fig.dpi)
        handles, labels = ax.get_legend_handles_labels()
        leg = fig.legend(handles, labels, loc="upper left", frameon=False, fontsize=7,
                         bbox_to_anchor=(ax.get_position().x0, below - 0.005),
                         borderaxespad=0.0)
        leg.set_gid("legend")
        _decorate(fig, title, subtitle, source)
    return fig
