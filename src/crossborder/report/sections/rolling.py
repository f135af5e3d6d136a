"""Section 3: time-varying convergence — β and the σ trend on rolling windows of years."""

from __future__ import annotations

from ...charts_study import rolling_chart
from ...i18n import gettext_for
from ...study.rolling import RollingResult
from ..model import ReportContext, Section
from ..panels import describe, label, panel, source_line, sources_of
from ..studies import rolling_windows

TITLE = "When convergence happened: rolling windows"


def no_se_readings(r: RollingResult) -> list[str]:
    """A sentence per estimate whose standard errors do not exist in some windows, with why."""
    t = r.table
    return [f"{est.replace('_', ' ')}: no standard errors in {len(g)} of "
            f"{int((t['estimate'] == est).sum())} windows: {g['reason'].iloc[0]}"
            for est, g in r.no_se.groupby("estimate", sort=False)]


def build(ctx: ReportContext) -> Section:
    s = Section("rolling", TITLE)
    p = panel(ctx, "border")
    r = rolling_windows(ctx)
    t = r.table
    parts = []
    for est, g in t.groupby("estimate", sort=False):
        sig = g[(g["value"] < 0) & (g["pvalue"] < r.alpha)]
        se = g["se_type"].iloc[0]
        parts.append(f"{est.replace('_', ' ')} ({se} standard errors): negative with p < {r.alpha:g} "
                     f"in {len(sig)} of {len(g)} windows"
                     + (f", those ending in {', '.join(str(e) for e in sig['end'])}" if len(sig) else ""))
    s.reading.append(
        f"Windows of {r.window} years moving by one year over {describe(p)}: " + "; ".join(parts)
        + ". Windows overlap, so neighbouring estimates are not independent.")
    s.reading.extend(no_se_readings(r))
    ctx.table(s, "rolling", t, f"Rolling {r.window}-year windows: β (absolute, conditional) and σ trend "
              f"of {label(p)} ({p.unit}), with standard errors named in se_type",
              sources=sorted(set(sources_of(p))))
    tr = gettext_for(ctx.lang)
    fig = rolling_chart(r, title=tr("Rolling {n}-year windows: β and σ trend").format(n=r.window),
                        subtitle=tr("border regions, {indicator} in {unit}").format(indicator=label(p),
                                                                                   unit=p.unit),
                        source=source_line(ctx, p), lang=ctx.lang)
    ctx.figure(s, "rolling", fig, f"β and σ trend on rolling {r.window}-year windows, with 95% intervals")
    return s
