"""The bottom line in Russian names the currency basis and the integration effect in Russian, not
in English (survivors of a mutation run of study/verdict.py's bottom_line: ``lang`` not passed to
basis_name / _moved). Expected words from the Russian catalog (crossborder.po), the numbers from
the inputs the test builds."""

from __future__ import annotations

import pandas as pd
from _verdict_frames import ev, evidence, integration_result

from crossborder.study.verdict import (
    between_reading,
    bottom_line,
    conclusions,
    integration_reading,
    read_evidence,
)


def test_russian_bottom_line_names_the_basis_and_the_narrowing_in_russian():
    """Between share 30% -> 20% in nominal USD; the DiD narrows by about 6% (theta −0.06)."""
    read = read_evidence(evidence(ev("between_share_trend", n=10, neg=9, sig_neg=8)), lang="ru")
    integ = integration_result(theta=-0.06, p=0.01)
    ir = integration_reading(integ.table, integ.inference, lang="ru")
    btw = between_reading({"USD": pd.Series([0.3, 0.2], index=[2012, 2019])}, "USD",
                          evidence=read.iloc[0], lang="ru")
    out = bottom_line(conclusions(read, between=btw, integration=ir), read, between=btw,
                      integration=ir, sides=("Russia", "Kazakhstan"), lang="ru")
    assert "(в номинальных долларах США)" in out[1]
    assert "nominal" not in out[1]
    assert "сократились примерно на 6%" in out[2]
    assert "narrowed" not in out[2]
