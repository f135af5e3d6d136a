"""Section 1: the verdict — what holds across specifications and what depends on one choice.

The reading is :func:`crossborder.study.verdict.verdict` of the robustness grid (with the
between-country share per currency basis and the integration test); this section only renders it."""

from __future__ import annotations

from ..model import ReportContext, Section
from ..panels import border_regions_text, describe, panel
from ..studies import grid, study_verdict

TITLE = "Verdict"


def build(ctx: ReportContext) -> Section:
    s = Section("verdict", TITLE)
    g = grid(ctx)
    v = study_verdict(ctx)
    p = panel(ctx, "border")
    basis = p.meta.get("currency_basis")
    s.reading.append(f"Data: {describe(p)}"
                     + (f"; currency basis {basis}, data vintage {p.meta.get('vintage')} for the baseline"
                        if basis else "; values as the data give them (no currency conversion)")
                     + f"; {border_regions_text(ctx, p)}.")
    s.reading.extend(v.sentences)
    fam = v.families[["label", "rows", "supporting", "share_supporting", "share_against",
                      "share_negative", "median", "min", "max", "strength", "estimate"]]
    ctx.table(s, "verdict", fam,
              f"Share of specifications supporting convergence per estimate (negative, p < {v.alpha:g}; "
              f"rows = specifications x standard errors of the grid: {', '.join(g.params['se_types'])})",
              sources=_sources(p))
    if len(v.dependences):
        ctx.table(s, "verdict_dependences", v.dependences,
                  "Where a verdict depends on one choice: share supporting at one level of a "
                  "dimension against all other levels", sources=_sources(p))
    return s


def _sources(p) -> list[str]:
    return sorted({x for v in p.meta.get("sources", []) for x in str(v).split(";")})
