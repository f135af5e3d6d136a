"""Section 4: the integration thesis as a test — DiD / event study of neighbour-pair gaps around
break years, the pre-trend test, and break tests of σ and the between-country share."""

from __future__ import annotations

from ...charts_study import event_study_chart
from ..model import ReportContext, Section
from ..panels import describe, geo_sources, label, panel, source_line, sources_of
from ..studies import integration_test

TITLE = "The integration thesis as a test"


def build(ctx: ReportContext) -> Section:
    s = Section("integration", TITLE)
    res = integration_test(ctx)
    p = panel(ctx, "all")
    src = sorted(set(sources_of(p))) + geo_sources(ctx)
    s.reading.append(
        f"Did the gaps between neighbouring regions across the border narrow after a break year more "
        f"than the gaps between neighbours within one country? Gap = |ln ratio| of {label(p)} of two "
        f"neighbouring regions ({describe(p)}); control pairs: neighbours on the same side, both on the "
        "border. Difference in differences with pair and year fixed effects; standard errors "
        "clustered by pair (CR1, t with G − 1 degrees of freedom). The event study takes the last "
        "observed period before the break as reference; the pre-trend test is the joint F test of the leads.")
    for d in res.did.values():
        s.reading.append(d.summary() + ".")
    if res.inference is not None and not res.inference.empty:
        s.reading.append(
            "Pairs share regions (one region lies in several pairs), so the table also gives, beside "
            "the pair-clustered error: a dyadic-robust error (pairs that share a region may be "
            "correlated; Cameron & Miller 2014, Aronow, Samii & Assenova 2015), errors clustered "
            "two ways by region (Cameron, Gelbach & Miller 2011), a restricted wild cluster "
            "bootstrap p by pair (Rademacher weights), the DiD with the exposure to the exchange "
            "rate between the two currencies as a control, and placebo break years on the periods "
            "before each break (rows did_dyadic, did_twoway, did_wild, did_fx, fx_exposure, placebo).")
        s.reading.extend(d.inference_summary().strip() + "." for d in res.did.values())
    for tests in res.breaks.values():
        for b in tests:
            s.reading.append(b.summary() + ".")
    outside = ctx.cache.get("integration_outside") or []
    if outside:
        ctx.skipped(s, f"Break year {', '.join(map(str, outside))}",
                    f"no data before and after it in {p.times[0]}–{p.times[-1]}")
    ctx.table(s, "integration", res.overview(),
              "DiD, pre-trend and break tests per break year (se_type names the standard errors: "
              "clustered by pair for DiD; classical OLS for the break tests, with the Chow F test), "
              "then the DiD under other estimators, with the exchange-rate control, and placebo "
              "break years", sources=src)
    ctx.table(s, "event_study", res.event,
              "Event-study coefficients (cross-border minus domestic gap, relative to the last "
              "observed period before the break; standard errors clustered by pair)", sources=src, show=False)
    if res.fx_event is not None:
        ctx.table(s, "event_study_fx", res.fx_event,
                  "Event-study path beside the exchange-rate exposure (ln of one currency in the "
                  "other) and the path with the exposure as a control", sources=src, show=False)
    fig = event_study_chart(list(res.did.values()), title="Event study: gaps across the border "
                            "relative to domestic gaps",
                            subtitle=f"{label(p)} in {p.unit}; 95% intervals, standard errors "
                                     "clustered by pair", source=source_line(ctx, p))
    ctx.figure(s, "event_study", fig, "Event-study coefficients around each break year")
    return s
