"""Duplicate keys: each repeated key listed once in the error; problem rows in native types."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from crossborder.validate import ValidationError, validate_observations


def _obs(regions: list[str], years: list[int]) -> pd.DataFrame:
    n = len(regions)
    return pd.DataFrame({"region": regions, "year": years, "indicator": "gdp",
                         "value": np.arange(n, dtype=float) + 1.5}, index=np.arange(2, n + 2))


def test_each_repeated_key_is_listed_once_with_its_count_and_first_rows():
    # 'A' 2013 twelve times (rows 2..13), then 'B' 2013 twice (rows 14, 15)
    obs = _obs(["A"] * 12 + ["B"] * 2, [2013] * 14)
    with pytest.raises(ValidationError) as info:
        validate_observations(obs, file="f.csv")
    err = info.value
    a_rows = ", ".join(str(r) for r in range(2, 12))
    assert str(err.reason).splitlines() == [
        "problems in the observations (14):",
        f"  f.csv, row 2, column 'region/year/indicator': duplicate (region, year, indicator) = "
        f"('A', 2013, 'gdp') in rows {a_rows} and 2 more (12 copies)",
        "  f.csv, row 14, column 'region/year/indicator': duplicate (region, year, indicator) = "
        "('B', 2013, 'gdp') in rows 14, 15"]
    # the table still lists every copy, by row
    assert err.problems["row"].tolist() == list(range(2, 16))
    assert err.problems["problem"].nunique() == 2


def test_other_problems_are_still_listed_row_by_row_and_counted():
    # 12 rows without a region code (each its own line, 10 shown) and one duplicated key
    obs = _obs([""] * 12 + ["B", "B"], list(range(2000, 2012)) + [2013, 2013])
    with pytest.raises(ValidationError) as info:
        validate_observations(obs, file="f.csv")
    lines = str(info.value.reason).splitlines()
    assert lines[0] == "problems in the observations (14):"
    assert lines[1:11] == [f"  f.csv, row {r}, column 'region': no region code" for r in range(2, 12)]
    assert lines[11] == "  ... and 4 more (see the exception's .problems)"


def test_set_aside_keeps_numbers_as_numbers():
    obs = _obs(["A", "A", "B"], [2013, 2013, 2013])
    report = validate_observations(obs, on_error="set_aside")
    aside = report.set_aside
    assert report.keep.tolist() == [False, False, True]
    assert aside["row"].dtype == np.int64 and aside["row"].tolist() == [2, 3]
    assert aside["value"].dtype == np.float64 and aside["value"].tolist() == [1.5, 2.5]
    assert aside["year"].tolist() == [2013, 2013]


@pytest.mark.slow
def test_memory_of_many_duplicates_is_a_few_words_per_row():
    n = 200_000
    obs = pd.DataFrame({"region": np.repeat([f"R{i}" for i in range(n // 20)], 20)[:n],
                        "year": np.tile(np.arange(2000, 2010), n // 10)[:n],
                        "indicator": "gdp", "value": np.ones(n)})
    assert obs.duplicated(["region", "year"], keep=False).all()
    tracemalloc.start()
    try:
        report = validate_observations(obs, on_error="set_aside")
        assert len(report.set_aside) == n
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # a Python object per cell (8 columns) would take over 200 bytes a row; the native columns
    # take the input's own size and a few words a row
    assert peak / n < 400, peak / n
