"""Section 3: sigma convergence of GRP per capita — border regions, each side, border vs interior."""

from __future__ import annotations

import pandas as pd

from ...charts import sigma_chart
from ...measures.dispersion import sigma, sigma_trend
from ..model import ReportContext, Section
from ..panels import describe, has_ppp, label, panel, region_sets, source_line, sources_of

MEASURES = ["sd_log", "cv", "gini", "theil"]


def _verdict(slope: float, p: float) -> str:
    if p >= 0.05:
        return "no significant trend"
    return "convergence (dispersion falls)" if slope < 0 else "divergence (dispersion rises)"


def build(ctx: ReportContext) -> Section:
    s = Section("sigma", "Sigma convergence")
    rows, trends, series, sources = [], [], {}, set()
    currencies = ["default"] + (["PPP"] if has_ppp(ctx) else [])
    for currency in currencies:
        for name, selection in region_sets(ctx).items():
            p = panel(ctx, selection, currency)
            sources.update(sources_of(p))
            table = sigma(p, measure=MEASURES)
            table.insert(0, "currency", p.unit)
            table.insert(0, "regions", name)
            rows.append(table.reset_index())
            tr = sigma_trend(p, "sd_log")
            trends.append({"currency": "PPP" if currency == "PPP" else p.unit, "regions": name,
                           "n_regions": p.shape[0],
                           "first": p.times[0], "last": p.times[-1],
                           "sd_log_first": tr.series.iloc[0], "sd_log_last": tr.series.iloc[-1],
                           "slope": tr.slope, "se": tr.se, "pvalue": tr.pvalue,
                           "verdict": _verdict(tr.slope, tr.pvalue)})
            if currency == "default":
                series[name] = tr.series
    trend = pd.DataFrame(trends)
    main = panel(ctx, "border")
    usd = trend[trend["currency"] == main.unit].set_index("regions")
    b = usd.loc["border (both countries)"]
    s.reading.append(
        f"Across the border regions ({describe(main)}), the standard deviation of "
        f"log {label(main)} went from {b['sd_log_first']:.3f} in {b['first']} to "
        f"{b['sd_log_last']:.3f} in {b['last']} (trend {b['slope']:+.4f} per year, p = "
        f"{b['pvalue']:.2f}): {b['verdict']}. "
        + " ".join(f"{name}: {r['sd_log_first']:.3f} → {r['sd_log_last']:.3f}, {r['verdict']}."
                   for name, r in usd.iterrows() if name != "border (both countries)"))
    if has_ppp(ctx):
        _ppp_reading(s, trend)
    ctx.table(s, "sigma_trend", trend, "Trend of the SD of the log indicator (OLS on year)",
              sources=sorted(sources))
    ctx.figure(s, "sigma", sigma_chart(series, title=f"Sigma convergence: SD of log {label(main)} "
                                       f"({main.unit})", ylabel="SD of logs",
                                       source=source_line(ctx, main), legend_outside=True),
               "Dispersion over time by group of regions")
    ctx.table(s, "sigma", pd.concat(rows, ignore_index=True),
              "Dispersion by year and group of regions", sources=sorted(sources), show=False)
    return s


def _ppp_reading(s: Section, trend: pd.DataFrame) -> None:
    ppp = trend[trend["currency"] == "PPP"].set_index("regions").loc["border (both countries)"]
    s.reading.append(
        f"At purchasing power parity (national PPP factors, {ppp['first']}–{ppp['last']}, the years "
        f"with a factor for both countries) the border regions' dispersion goes from "
        f"{ppp['sd_log_first']:.3f} to {ppp['sd_log_last']:.3f}: {ppp['verdict']}. National PPP "
        "factors rescale each country as a whole, so they move the gap between the two sides, "
        "not the dispersion within each.")
