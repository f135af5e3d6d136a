"""Section 9: each quantitative claim of the paper beside what the data give."""

from __future__ import annotations

from ...study.claims import SUPPORTED, VERDICTS, unemployment_pairs
from ..model import ReportContext, Section
from ..studies import claims_table


def build(ctx: ReportContext) -> Section:
    s = Section("claims", "Claims check")
    table = claims_table(ctx)
    counts = table["verdict"].value_counts()
    tally = "; ".join(f"{int(counts[v])} {v}" for v in VERDICTS if v in counts)
    s.reading.append(
        f"Of {len(table)} rows (the paper's thesis and its quantitative claims): {tally}. Each is read "
        "on the basis stated beside it (column basis); the paper's own where it states one. "
        + " ".join(f"{r.claim}: paper {r.paper}, data {r.data} ({r.year}) — {r.verdict}"
                   + (f" ({r.note.rstrip('.')})" if r.verdict != SUPPORTED and r.note else "") + "."
                   for r in table.itertuples()))
    sources = sorted({x.strip() for v in table["sources"] for x in v.split(";")
                      if x.strip() in set(ctx.ds.sources["source"])})
    ctx.table(s, "claims", table, "The paper's claims and the data", sources=sources)
    pairs = unemployment_pairs(ctx.ds)
    ctx.table(s, "unemployment_pairs", pairs,
              "Unemployment on the two sides of each cross-border pair of neighbours, 2019",
              sources=["KZ_STAT_UNEMP", "WIKI_EN_RU_UNEMP", "OMSKSTAT_UNEMP"])
    return s
