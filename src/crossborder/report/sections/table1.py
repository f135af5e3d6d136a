"""Section 2: the paper's Table 1 beside the dataset's 2019 values."""

from __future__ import annotations

import numpy as np

from ...study.table1 import read_table1_as_printed, table1_comparison
from ..model import Block, ReportContext, Section


def build(ctx: ReportContext) -> Section:
    s = Section("table1", "Table 1 of the paper beside the data (2019)")
    comp = table1_comparison(ctx.ds)
    t1 = read_table1_as_printed(ctx.ds)
    pop = comp.dropna(subset=["pop_diff_pct"])
    plausible = pop[comp.loc[pop.index, "issue"] == ""]
    unemp = comp.dropna(subset=["unemp_diff_pp"])
    worst = plausible.loc[plausible["pop_diff_pct"].abs().idxmax()]
    s.reading.append(
        f"For {len(plausible)} regions with a plausible printed population the data differ from "
        f"Table 1 by {np.median(plausible['pop_diff_pct'].abs()):.1f}% in the median and at most "
        f"{abs(worst['pop_diff_pct']):.1f}% ({worst['name']}). Unemployment is in the data for "
        f"{len(unemp)} of the printed regions; {int((unemp['unemp_diff_pp'].abs() >= 0.2).sum())} "
        f"differ by 0.2 percentage points or more (largest {unemp['unemp_diff_pp'].abs().max():.1f} pp),"
        " so the paper's figures may refer to another period or vintage.")
    cols = ["side", "region", "region_as_printed", "pop_as_printed", "pop_data", "pop_diff_pct",
            "pop_basis", "unemp_printed", "unemp_data", "unemp_diff_pp", "issue", "sources"]
    ctx.table(s, "table1_comparison", comp[cols], "Table 1 as printed vs the dataset",
              sources=sorted({x for v in comp["sources"] for x in v.split(";")}))
    s.blocks.append(Block("list", list(t1.issues), "Problems found in the table as printed"))
    return s
