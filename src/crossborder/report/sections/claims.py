"""Section 9: each quantitative claim of the paper beside what the data give."""

from __future__ import annotations

from ...study.claims import check_claims, unemployment_pairs
from ..model import ReportContext, Section


def build(ctx: ReportContext) -> Section:
    s = Section("claims", "Claims check")
    table = check_claims(ctx.ds)
    counts = table["verdict"].value_counts()
    s.reading.append(
        f"Of {len(table)} checks of the paper's quantitative claims, the data support "
        f"{int(counts.get('supported', 0))}, partly support {int(counts.get('partly', 0))}, do not "
        f"support {int(counts.get('not supported', 0))} and cannot answer "
        f"{int(counts.get('cannot be checked', 0))}. "
        + " ".join(f"{r.claim}: paper {r.paper}, data {r.data} ({r.year}) — {r.verdict}"
                   + (f" ({r.note.rstrip('.')})" if r.verdict != "supported" and r.note else "") + "."
                   for r in table.itertuples()))
    sources = sorted({x.strip() for v in table["sources"] for x in v.split(";")
                      if x.strip() in set(ctx.ds.sources["source"])})
    ctx.table(s, "claims", table, "The paper's claims and the data", sources=sources)
    pairs = unemployment_pairs(ctx.ds)
    ctx.table(s, "unemployment_pairs", pairs,
              "Unemployment on the two sides of each cross-border pair of neighbours, 2019",
              sources=["KZ_STAT_UNEMP", "WIKI_EN_RU_UNEMP", "OMSKSTAT_UNEMP"])
    return s
