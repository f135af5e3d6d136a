"""The report's claims section: its tally in the fixed vocabulary, the table with its basis column."""

from __future__ import annotations

import pandas as pd

import crossborder as cb
from crossborder.report.model import ReportContext
from crossborder.report.outputs import OutputDir
from crossborder.report.sections import claims as section
from crossborder.study.claims import VERDICTS


def test_claims_section_tallies_every_verdict_and_saves_the_basis(tmp_path):
    ds = cb.load_dataset("ru-kz")
    s = section.build(ReportContext(ds=ds, out=OutputDir(tmp_path)))
    saved = pd.read_csv(tmp_path / "tables" / "claims.csv")
    assert "basis" in saved.columns and (saved["kind"] == "thesis").sum() == 1
    counts = saved["verdict"].value_counts()
    tally = "; ".join(f"{int(counts[v])} {v}" for v in VERDICTS if v in counts)
    assert sum(counts) == len(saved) and set(counts.index) <= set(VERDICTS)
    assert f"Of {len(saved)} rows (the paper's thesis and its quantitative claims): {tally}." in s.reading[0]
    assert "— supported, narrowly" in s.reading[0] and "— depends on the basis" in s.reading[0]
