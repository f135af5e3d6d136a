"""Section 1: the bottom line, the paper's conclusions point by point, and the verdict of the grid.

The reading is :func:`crossborder.study.verdict.verdict` of the robustness grid, the
between-country share per currency basis, the integration test and (for the paper's data) the
claims; this section only renders it. The bottom line opens the report; every number in it is in a
row of ``conclusions.csv``, whose ``source`` column names the CSV rows each number comes from
(``verdict.csv``, ``verdict_between_share.csv``, ``integration.csv``, ``claims.csv``,
``verdict_context.csv``)."""

from __future__ import annotations

import pandas as pd

from ...i18n import check_lang, gettext_for
from ...study.verdict import CONTEXT, TABLES
from ..model import Block, ReportContext, Section
from ..panels import border_regions_text, describe, panel
from ..studies import between_share_by_basis, study_verdict

TITLE = "Bottom line: the paper's conclusions against the data"


def build(ctx: ReportContext) -> Section:
    s = Section("verdict", TITLE)
    v = study_verdict(ctx)
    p = panel(ctx, "border")
    src = _sources(p)
    _ = gettext_for(check_lang(ctx.options.get("lang")))
    s.reading.append(_("Bottom line.") + " " + " ".join(v.bottom_line))
    ctx.table(s, "bottom_line", v.bottom_line_table,
              "The bottom line, sentence by sentence, with the conclusions row it rests on",
              sources=src, show=False)
    ctx.table(s, "conclusions", v.conclusions,
              "The paper's conclusions, point by point, against what the data show (source: the CSV "
              "rows each number comes from)", sources=src)
    basis = p.meta.get("currency_basis")
    s.blocks.append(Block("text", f"Data: {describe(p)}"
                          + (f"; currency basis {basis}, data vintage {p.meta.get('vintage')} for the "
                             "baseline" if basis else "; values as the data give them (no currency "
                             "conversion)") + f"; {border_regions_text(ctx, p)}."))
    s.blocks.append(Block("list", list(v.evidence["sentence"]),
                          "Each question: the baseline first, then the distinct specifications of the "
                          "grid (sign and significance side by side) and the joint test"))
    stated = v.dependences.loc[v.dependences["stated"], "sentence"]
    if len(stated):
        s.blocks.append(Block("list", list(stated), "Where a reading depends on one choice"))
    if v.extras:
        s.blocks.append(Block("list", list(v.extras), "Across the border, and across bases"))
    ctx.table(s, TABLES["evidence"].removesuffix(".csv"), v.evidence,
              f"Evidence per estimate: distinct specifications at the baseline's standard errors, sign "
              f"and significance shares (p < {v.alpha:g}) and the joint test", sources=src, fold=True)
    if len(v.dependences):
        ctx.table(s, TABLES["dependences"].removesuffix(".csv"), v.dependences,
                  "Where a reading depends on one choice (aliased choices named together)",
                  sources=src, fold=True)
    series = between_share_by_basis(ctx)
    if series:
        long = pd.concat([pd.DataFrame({"basis": b, "year": pd.Series(s_).index,
                                        "between_share": pd.Series(s_).to_numpy()})
                          for b, s_ in series.items()], ignore_index=True)
        ctx.table(s, TABLES["between"].removesuffix(".csv"), long,
                  "Between-country share of Theil T among the border regions, per currency basis",
                  sources=src, show=False)
    ctx.table(s, TABLES["context"].removesuffix(".csv"), CONTEXT,
              "The currency events the verdict names (the moves can be read in the exchange rates "
              "of the data)", sources=_fx_sources(ctx), show=False)
    return s


def _sources(p) -> list[str]:
    return sorted({x for v in p.meta.get("sources", []) for x in str(v).split(";")})


def _fx_sources(ctx) -> list[str]:
    """The sources of the dataset's exchange rates of the years the events fall in (2014-2016)."""
    fx = getattr(ctx.ds, "fx", None)
    if fx is None or "source" not in fx:
        return []
    years = pd.to_numeric(fx["year"], errors="coerce").between(2014, 2016)
    return sorted({str(x) for x in fx.loc[years & fx["lcu_per_usd"].notna(), "source"].dropna()})
