"""Section 4: the integration thesis as a test — DiD / event study of neighbour-pair gaps around
break years, the pre-trend test, and break tests of σ and the between-country share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...charts_study import event_study_chart
from ...i18n import gettext_for
from ...study.integration import DiDResult, IntegrationGrid
from ..model import ReportContext, Section, Skip
from ..panels import describe, geo_sources, label, panel, source_line, sources_of
from ..studies import integration_on_grid, integration_test

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
        fx_sides = res.params.get("fx_sides")
        for i, d in enumerate(res.did.values()):
            # the path is the same for every break year up to its reference: said once, then
            # only where the control changes theta's reading
            said = exchange_rate_sentence(d, fx_sides) if fx_sides and (i == 0 or d.fx_drives) else ""
            if said:
                s.reading.append(said)
        rm = res.inference[res.inference["test"] == "pretrend_rm_breakdown"]
        for r in rm.itertuples():
            s.reading.append(
                f"The leads before {r.break_year} are significant, so parallel trends are doubtful: "
                f"under Rambachan & Roth's (2023) relative magnitudes, the robust interval of the "
                f"average post-break coefficient includes 0 once post-break violations may reach "
                f"{r.estimate:.2f} times the largest pre-break change (the identified set from "
                f"{r.stat:.2f} times; rows pretrend_rm).")
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
    try:
        grid = integration_on_grid(ctx)
    except Skip as exc:
        ctx.skipped(s, "The integration test on the grid", str(exc))
    else:
        s.reading.append(grid_sentence(grid))
        ctx.table(s, "integration_grid", grid.table,
                  "The DiD on every currency basis, window (start and end year as the robustness "
                  "grid's) and break year: theta with pair-clustered, dyadic-robust and two-way "
                  "errors, the wild cluster bootstrap p, theta with the exchange-rate control and "
                  "fx_drives (the control changes theta's sign or significance); baseline marks the "
                  "declared specification", sources=src, show=False)
        ctx.table(s, "integration_grid_shares", grid.shares(),
                  "Shares of the grid's specifications with significant narrowing (theta < 0) and "
                  "widening (theta > 0) per currency basis and inference", sources=src)
    fig = event_study_chart(list(res.did.values()), title="Event study: gaps across the border "
                            "relative to domestic gaps",
                            subtitle=gettext_for(ctx.lang)("{indicator} in {unit}; 95% intervals, standard "
                                                           "errors clustered by pair").format(
                                indicator=label(p), unit=p.unit), source=source_line(ctx, p),
                            lang=ctx.lang)
    ctx.figure(s, "event_study", fig, "Event-study coefficients around each break year")
    return s


#: the currencies of the built-in sides, for the sentences on devaluations
CURRENCY_NAMES = {"KZ": "tenge", "RU": "rouble"}


def exchange_rate_sentence(d: DiDResult, sides: tuple[str, str]) -> str:
    """Where the exchange rate drives the DiD (the control changes theta's sign or significance, or
    the event path follows the exposure, |r| >= 0.5): its two largest yearly moves, named as the
    devaluation of one side's currency (``sides``: the exposure's ln a/b), and what the control
    does to theta. Empty otherwise."""
    if d.fx_event is None or not np.isfinite(d.fx_corr) or not (d.fx_drives or abs(d.fx_corr) >= 0.5):
        return ""
    x = pd.Series(d.fx_event["exposure"].to_numpy(dtype=float), index=d.fx_event["time"]).sort_index()
    step = x.diff().dropna()
    if step.empty:
        return ""
    big = step.reindex(step.abs().sort_values(ascending=False).index[:2]).sort_index()
    a, b = sides
    ca, cb = CURRENCY_NAMES.get(a, f"the {a} currency"), CURRENCY_NAMES.get(b, f"the {b} currency")
    moves = "; ".join(f"{'+' if v > 0 else '−'}{abs(v):.2f} in {t} ({ca if v > 0 else cb} devalued "
                      f"against the {cb if v > 0 else ca})" for t, v in big.items())
    effect = ("changes theta's sign or significance (fx_drives)" if d.fx_drives else
              "leaves theta's sign and significance as they are")
    return (f"The exchange rate moves the gaps: the event-study path at {d.break_year} correlates "
            f"{d.fx_corr:+.2f} with ln {a}/{b} ({moves}); the gap of a pair measured in one "
            f"currency moves with the exchange rate (coefficient {d.fx_exposure_coef:.2f}, 1 = one "
            f"for one). With the exposure as a control theta is {d.fx_coef:.4f} (p {d.fx_pvalue:.2g}) "
            f"against {d.coef:.4f} (p {d.pvalue:.2g}): the control {effect}.")


def grid_sentence(grid: IntegrationGrid) -> str:
    """The grid's shares of significant narrowing and widening per basis, in words."""
    sh = grid.shares()
    pair = sh[sh["inference"] == "pair"].set_index("currency")
    dy = sh[sh["inference"] == "dyadic"].set_index("currency")
    parts = [f"{c}: {r.narrowing} of {r.n} narrowing and {r.widening} widening "
             f"({dy.loc[c, 'narrowing']} narrowing with dyadic-robust errors)"
             for c, r in pair.iterrows()]
    drives = int(grid.table["fx_drives"].sum())
    out = (f"On the grid of {len(grid.table)} specifications (currency basis x window x break "
           f"year; p < {grid.params['alpha']:g}, errors clustered by pair): " + "; ".join(parts)
           + f". The exchange-rate control changes theta's sign or significance in {drives}.")
    try:
        b = grid.baseline()
    except ValueError:
        return out
    return out + (f" Baseline ({b['currency']}, {b['start']}–{b['end']}, break {b['break_year']}): "
                  f"theta {b['coef']:.4f}, p {b['pvalue']:.2g} by pair, {b['pvalue_dyadic']:.2g} "
                  f"dyadic-robust, wild bootstrap p {b['wild_pvalue']:.2g}.")
