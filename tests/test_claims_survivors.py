"""Tests written for the survivors of a mutation run on ``crossborder.study.claims`` (issue 23)."""

from __future__ import annotations

import pandas as pd

from crossborder.study.claims import threshold_reading


def test_threshold_reading_reads_values_given_as_text_as_numbers():
    """'400' and '380' are above $350 bn by more than the margin (as numbers; as text they would
    not compare); '351' is above only narrowly, 'nan' is a missing year."""
    assert threshold_reading(pd.Series(["400", "380"], index=[2012, 2013]), 350.0) == "supported"
    assert threshold_reading(pd.Series(["400", "351"]), 350.0, margin=0.05) == "supported, narrowly"
    assert threshold_reading(pd.Series(["400", "nan"]), 350.0) == (
        "cannot be answered from these data")
