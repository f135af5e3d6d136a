"""Table 1 of the paper as printed, and beside the dataset."""

from __future__ import annotations

import pytest

from crossborder.study.table1 import read_table1_as_printed, table1_comparison


def test_table1_flags_east_kazakhstan_and_missing_samara():
    t1 = read_table1_as_printed()
    vos = t1.rows.set_index("region").loc["KZ-VOS"]
    assert vos["population_as_printed"] == "1.369"
    assert "implausible" in vos["issue"] and "1369" in vos["issue"]
    assert any("RU-SAM" in i and "missing" in i for i in t1.issues)
    assert len(t1.rows) == 18


def test_table1_comparison_values():
    c = table1_comparison().set_index("region")
    assert len(c) == 19
    # Aktobe 1 Jan 2020 = 881,651 persons; printed 881.7 thousand
    assert c.loc["KZ-AKT", "pop_data"] == pytest.approx(881.651)
    assert c.loc["KZ-AKT", "pop_diff"] == pytest.approx(881.651 - 881.7)
    # Saratov unemployment 2019: data 4.3, printed 5.0
    assert c.loc["RU-SAR", "unemp_diff_pp"] == pytest.approx(-0.7)
    assert c.loc["RU-SAM", "issue"] == "border region missing from Table 1"
