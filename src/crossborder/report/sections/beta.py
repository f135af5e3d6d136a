"""Section 4: beta convergence, absolute and conditional on country, with speed and half-life.

Growth is annualised by the actual span between the first and last period (``beta`` divides by
``t1 - t0``), so periods of unequal length need no other care; two periods are enough. Each baseline
beta's residuals are tested for spatial dependence (Moran's I, LM lag / error on queen contiguity,
:mod:`crossborder.beta_spatial`); where the tests reject, the spatial model's beta stands beside
the OLS one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...beta_spatial import baseline_beta_spatial, contiguity_weights
from ...charts import beta_scatter
from ...errors import DataError, DegenerateDataError
from ...i18n import gettext_for
from ...measures.beta import beta
from ..model import ReportContext, Section, Skip, degenerate_reason
from ..panels import describe, geo_sources, label, need_periods, panel, source_line, sources_of, why_not

TITLE = "Beta convergence: speed and half-life"


def _row(name: str, res) -> dict:
    return {"model": name, "start": res.start, "end": res.end, "nobs": res.nobs, "beta": res.beta,
            "se": res.se, "pvalue": res.pvalue, "r2": res.r2, "speed": res.speed,
            "half_life": res.half_life,
            "se_type": "classical (OLS)" if res.cov_type == "nonrobust" else res.cov_type}


def build(ctx: ReportContext) -> Section:
    s = Section("beta", TITLE)
    rows, sources, fitted, skipped = [], set(), {}, {}
    for selection, which in (("border", "border regions"), ("all", "all regions")):
        reason = why_not(ctx, selection, minimum=3)
        if reason:
            skipped[f"Beta of the {which}"] = reason
            continue
        p = panel(ctx, selection)
        need_periods(p, 2, "beta convergence (growth between a first and a last period)")
        sources.update(sources_of(p))
        t0, t1 = p.times[0], p.times[-1]
        for model, controls in (("absolute", None), ("conditional on country", "group")):
            try:
                res = beta(p, t0, t1, controls=controls)
            except DegenerateDataError as exc:  # named in the report, the other models go on
                skipped[f"{model.capitalize()} beta of the {which}"] = degenerate_reason(exc)
                continue
            rows.append(_row(f"{model}, {which}", res))
            if controls is None:
                fitted[selection] = (res, p)
    if not fitted:
        raise Skip("; ".join(dict.fromkeys(skipped.values())))
    border_abs, border_p = fitted.get("border", fitted.get("all"))
    table = pd.DataFrame(rows)
    ctx.table(s, "beta", table, f"Beta regressions of annual growth of {label(border_p)} "
              f"({border_p.unit}) on the log initial level (standard "
              "errors in se_type; the robustness section gives HC1 and HC3 for every specification)",
              sources=sorted(sources))

    def say(r: pd.Series) -> str:
        sig = "significant at 5%" if r["pvalue"] < 0.05 else "not significant at 5%"
        if r["beta"] < 0 and np.isfinite(r["half_life"]):
            return (f"{r['model']}: β = {r['beta']:.4f} ({sig}), speed {100 * r['speed']:.2f}% a year, "
                    f"half-life {r['half_life']:.0f} years")
        return f"{r['model']}: β = {r['beta']:.4f} ({sig}), no convergence"

    span = float(border_abs.span)
    s.reading.append(
        f"{'Border regions' if 'border' in fitted else 'All regions'}: {describe(border_p)}. "
        + "; ".join(say(r) for _, r in table.iterrows())
        + ". A negative β means poorer regions grew faster; conditional on country, each side "
        "converges to its own level."
        + (f" Growth is annualised over the {span:g} years from {border_p.times[0]} to "
           f"{border_p.times[-1]}." if span != len(border_p.times) - 1 else ""))
    for what, reason in skipped.items():
        ctx.skipped(s, what, reason)
    _spatial(ctx, s, fitted, sorted(sources))
    m = border_p.to_matrix()
    y0, y1 = np.log(m.values[:, 0]), np.log(m.values[:, -1])
    growth = (y1 - y0) / (float(m.times[-1]) - float(m.times[0]))
    groups = border_p.group_labels()
    which_main = "border regions" if "border" in fitted else "all regions"
    fig = beta_scatter(pd.Series(y0, index=m.regions), pd.Series(growth, index=m.regions),
                       fit=border_abs, labels=pd.Series(list(m.regions), index=m.regions),
                       groups=groups,
                       title=gettext_for(ctx.lang)("Beta convergence of {which}, {first}–{last}").format(
                           which=gettext_for(ctx.lang)(which_main), first=m.times[0], last=m.times[-1]),
                       xlabel=gettext_for(ctx.lang)("log {indicator} {year} ({unit})").format(
                           indicator=label(border_p), year=m.times[0], unit=border_p.unit),
                       source=source_line(ctx, border_p), lang=ctx.lang)
    ctx.figure(s, "beta_scatter", fig, f"Growth against initial level, {which_main}, with the fitted line")
    return s


_SPATIAL_COLUMNS = ["regions", "specification", "n", "ols_beta", "ols_se", "moran_I", "moran_p",
                    "lm_lag", "lm_lag_p", "lm_error", "lm_error_p", "rlm_lag", "rlm_lag_p",
                    "rlm_error", "rlm_error_p", "model", "beta", "se", "p", "spatial",
                    "spatial_coef", "spatial_se", "spatial_p", "half_life"]


def _spatial(ctx: ReportContext, s: Section, fitted: dict, sources: list[str]) -> None:
    """Moran's I and LM tests of each baseline beta's residuals; the spatial model where needed."""
    frames, skipped, islands = [], [], set()
    for selection, (_, p) in fitted.items():
        which = "border regions" if selection == "border" else "all regions"
        w = contiguity_weights(ctx.ds, p.regions)
        linked = len(p.regions) - len(w.islands)
        if linked < 5:
            skipped.append(f"{which}: {linked} regions have a neighbour on the map; the tests need "
                           "at least 5")
            continue
        try:
            t = baseline_beta_spatial(p, w)
        except (DataError, np.linalg.LinAlgError, ValueError) as exc:
            skipped.append(f"{which}: {exc}")
            continue
        t.insert(0, "regions", which)
        frames.append(t)
        islands.update(t.attrs["islands"])
    for reason in skipped:
        ctx.skipped(s, "Spatial dependence of the β residuals", reason)
    if not frames:
        return
    table = pd.concat(frames, ignore_index=True)[_SPATIAL_COLUMNS]
    ctx.table(s, "beta_spatial", table,
              "Spatial dependence of the β residuals (queen contiguity, row-standardised): Moran's I "
              "and the LM lag / error tests with their robust forms; where they reject at 5%, the "
              "spatial lag (rho) or error (lambda) model of the same regression (maximum "
              "likelihood, spreg), its β and se beside the OLS ones",
              sources=sources + geo_sources(ctx))

    def pv(x: float) -> str:
        return f"p {x:.3f}" if x >= 0.001 else "p < 0.001"

    def say(r: pd.Series) -> str:
        head = (f"{r['specification']} β, {r['regions']}: Moran's I of the residuals "
                f"{r['moran_I']:.3f} ({pv(r['moran_p'])}), LM lag {pv(r['lm_lag_p'])}, LM error "
                f"{pv(r['lm_error_p'])}")
        if r["model"] == "OLS":
            return head + ", no spatial model needed"
        return (head + f"; spatial {r['model']} model β = {r['beta']:.4f} (se {r['se']:.4f}, "
                f"{pv(r['p'])}) against OLS {r['ols_beta']:.4f} (se {r['ols_se']:.4f}), "
                f"{r['spatial']} = {r['spatial_coef']:.2f}")

    s.reading.append(
        "Residual spatial dependence: " + "; ".join(say(r) for _, r in table.iterrows()) + "."
        + (f" {', '.join(sorted(islands))} have no neighbour on the map (a zero spatial lag)."
           if islands else ""))
