"""Section 3: sigma convergence of the study indicator — border regions, each side, border vs
interior. With fewer than 3 periods the dispersion is shown per period (cross-section) and the
trend is not computed; region sets the data lack (no interior regions, no border) are left out
with the reason."""

from __future__ import annotations

import pandas as pd

from ...charts import sigma_chart
from ...errors import DegenerateDataError
from ...i18n import gettext_for
from ...measures.dispersion import sigma, sigma_trend
from ...measures.resample import panel_band, sd_log
from ..model import ReportContext, Section, Skip, degenerate_reason
from ..panels import (
    describe,
    has_ppp,
    label,
    need_periods,
    panel,
    region_sets,
    source_line,
    sources_of,
    why_not,
)

TITLE = "Sigma convergence"
MEASURES = ["sd_log", "cv", "gini", "theil"]

#: The fewest periods a trend of the dispersion is fitted on.
TREND_PERIODS = 3


def _verdict(slope: float, p: float) -> str:
    if p >= 0.05:
        return "no significant trend"
    return "convergence (dispersion falls)" if slope < 0 else "divergence (dispersion rises)"


def build(ctx: ReportContext) -> Section:
    s = Section("sigma", TITLE)
    sets = {name: sel for name, sel in region_sets(ctx).items() if not why_not(ctx, sel)}
    missing = {name: why_not(ctx, sel) for name, sel in region_sets(ctx).items() if why_not(ctx, sel)}
    if not sets:
        raise Skip("no set of regions with at least 2 regions: " + "; ".join(missing.values()))
    rows, trends, series, sources, is_main = [], [], {}, set(), []
    bands: dict[str, tuple[pd.Series, pd.Series]] = {}
    no_trend: dict[str, str] = {}
    currencies = ["default"] + (["PPP"] if has_ppp(ctx) else [])
    main_name = next(iter(sets))
    main = panel(ctx, sets[main_name])
    can_trend = len(main.times) >= TREND_PERIODS
    for currency in currencies:
        for name, selection in list(sets.items()):
            p = panel(ctx, selection, currency)
            if p.shape[0] < 2:      # regions left out for missing years: no dispersion
                missing[name] = (f"{p.shape[0]} region left with a value in every period "
                                 f"{p.times[0]}–{p.times[-1]}; at least 2 are needed")
                del sets[name]
                continue
            sources.update(sources_of(p))
            table = sigma(p, measure=MEASURES)
            table.insert(0, "currency", p.unit)
            table.insert(0, "regions", name)
            rows.append(table.reset_index())
            if currency == "default":
                series[name] = table["sd_log"]
                band = panel_band(p, sd_log)
                if band is not None:
                    bands[name] = band
            if not can_trend:
                continue
            try:
                tr = sigma_trend(p, "sd_log")
            except DegenerateDataError as exc:  # e.g. equal values: named, the rest goes on
                no_trend[f"Trend of the dispersion, {name} ({p.unit})"] = degenerate_reason(exc)
                continue
            is_main.append(currency == "default")
            trends.append({"currency": "PPP" if currency == "PPP" else p.unit, "regions": name,
                           "n_regions": p.shape[0],
                           "first": p.times[0], "last": p.times[-1],
                           "sd_log_first": tr.series.iloc[0], "sd_log_last": tr.series.iloc[-1],
                           "slope": tr.slope, "se": tr.se, "pvalue": tr.pvalue,
                           "se_type": "classical (OLS)",
                           "verdict": _verdict(tr.slope, tr.pvalue)})
    dispersion = pd.concat(rows, ignore_index=True)
    main_trend = any(m and t["regions"] == main_name for t, m in zip(trends, is_main, strict=True))
    if can_trend and main_trend:
        _trend_reading(ctx, s, pd.DataFrame(trends), is_main, main, main_name, sources)
    elif can_trend:
        first = dispersion[dispersion["regions"] == main_name].iloc[[0, -1]]
        s.reading.append(f"Standard deviation of log {label(main)} ({main.unit}), {main_name}: "
                         + " → ".join(f"{r.sd_log:.3f} in {r.time}" for r in first.itertuples())
                         + ".")
    else:
        _cross_section_reading(ctx, s, dispersion, main)
    for what, reason in no_trend.items():
        ctx.skipped(s, what, reason)
    by_reason: dict[str, list[str]] = {}
    for name, reason in missing.items():
        by_reason.setdefault(reason, []).append(name)
    for reason, names in by_reason.items():
        ctx.skipped(s, "; ".join(names), reason)
    if len(main.times) >= 2:
        tr = gettext_for(ctx.lang)
        ctx.figure(s, "sigma", sigma_chart(series, title=tr("Sigma convergence: SD of log {indicator} "
                                                            "({unit})").format(indicator=label(main),
                                                                               unit=main.unit)
                                           + (tr("; shaded: 95% band, regions resampled within each "
                                                 "side (499 draws)") if bands else ""),
                                           ylabel="SD of logs",
                                           source=source_line(ctx, main), legend_outside=True,
                                           band=bands or None, lang=ctx.lang),
                   "Dispersion over time by group of regions")
    ctx.table(s, "sigma", dispersion, "Dispersion by year and group of regions",
              sources=sorted(sources), show=not can_trend)
    return s


def _trend_reading(ctx: ReportContext, s: Section, trend: pd.DataFrame, is_main: list[bool], main,
                   main_name: str, sources: set[str]) -> None:
    usd = trend[is_main].set_index("regions")
    b = usd.loc[main_name]
    where = {"border (both countries)": "Across the border regions",
             "interior (both countries)": "Across the interior regions",
             "all regions": "Across all regions"}.get(main_name, f"Across {main_name}")
    s.reading.append(
        f"{where} ({describe(main)}), the standard deviation of "
        f"log {label(main)} went from {b['sd_log_first']:.3f} in {b['first']} to "
        f"{b['sd_log_last']:.3f} in {b['last']} (trend {b['slope']:+.4f} per year, p = "
        f"{b['pvalue']:.2f}): {b['verdict']}. "
        + " ".join(f"{name}: {r['sd_log_first']:.3f} → {r['sd_log_last']:.3f}, {r['verdict']}."
                   for name, r in usd.iterrows() if name != main_name))
    if has_ppp(ctx):
        _ppp_reading(s, trend)
    ctx.table(s, "sigma_trend", trend,
              "Trend of the SD of the log indicator (OLS on year, classical standard errors; "
              "HC1, HC3 and HAC in the robustness section)",
              sources=sorted(sources))


def _cross_section_reading(ctx: ReportContext, s: Section, dispersion: pd.DataFrame, main) -> None:
    times = ", ".join(str(t) for t in main.times)
    s.reading.append(
        f"With {len(main.times)} period{'s' if len(main.times) > 1 else ''} ({times}) the dispersion "
        f"is a cross-section; a trend needs at least {TREND_PERIODS} periods. Standard deviation of "
        f"log {label(main)} ({main.unit}): "
        + "; ".join(f"{r.regions} {r.time}: {r.sd_log:.3f}" for r in dispersion.itertuples())
        + ".")
    try:
        need_periods(main, TREND_PERIODS, "a trend of the dispersion")
    except Skip as exc:
        ctx.skipped(s, "Trend of the dispersion", str(exc))


def _ppp_reading(s: Section, trend: pd.DataFrame) -> None:
    ppp = trend[trend["currency"] == "PPP"].set_index("regions").loc["border (both countries)"]
    s.reading.append(
        f"At purchasing power parity (national PPP factors, {ppp['first']}–{ppp['last']}, the years "
        f"with a factor for both countries) the border regions' dispersion goes from "
        f"{ppp['sd_log_first']:.3f} to {ppp['sd_log_last']:.3f}: {ppp['verdict']}. National PPP "
        "factors rescale each country as a whole, so they move the gap between the two sides, "
        "not the dispersion within each.")
