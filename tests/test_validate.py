"""validate_observations / validate_regions on in-memory tables: every check names the row and
column, set-aside rows are reported and never lost, and the report adds up."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from crossborder.errors import DataError, UnitError
from crossborder.validate import (
    SET_ASIDE_COLUMNS,
    ReadReport,
    ValidationError,
    validate_observations,
    validate_regions,
)


def obs(rows, **extra) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    for k, v in extra.items():
        df[k] = v
    df.index = pd.RangeIndex(2, 2 + len(df), name="row")  # lines of a file, header = 1
    return df


REGIONS = gpd.GeoDataFrame(
    {"region": ["A", "B", "C"], "country": ["X", "X", "Y"]},
    geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0, -1, 1, 0)],
    crs="EPSG:4326")


def test_clean_table_passes_with_an_empty_report():
    report = validate_observations(obs([["A", 2019, "gdp", 1.0], ["B", 2019, "gdp", 2.0]]),
                                   REGIONS, file="f.csv")
    assert report.keep.tolist() == [True, True]
    assert report.set_aside.empty and list(report.set_aside.columns) == SET_ASIDE_COLUMNS
    assert not report.warnings and not report.repairs


def test_duplicates_list_every_row():
    df = obs([["A", 2019, "gdp", 1.0], ["B", 2019, "gdp", 2.0], ["A", 2019, "gdp", 3.0],
              ["A", 2019, "pop", 3.0], ["A", 2019, "gdp", 4.0]])
    with pytest.raises(ValidationError) as info:
        validate_observations(df, file="f.csv")
    err = info.value
    assert (err.file, err.row, err.column) == ("f.csv", 2, "region/year/indicator")
    assert err.problems["row"].tolist() == [2, 4, 6]
    assert "('A', 2019, 'gdp') in rows 2, 4, 6" in str(err)


def test_non_numeric_and_missing_values():
    df = obs([["A", 2019, "gdp", "1.5"], ["B", 2019, "gdp", "abc"], ["C", 2019, "gdp", None]])
    with pytest.raises(ValidationError) as info:
        validate_observations(df, file="f.csv")
    assert info.value.problems[["row", "column", "problem"]].values.tolist() == [
        [3, "value", "not a number: 'abc'"]]
    report = validate_observations(df, file="f.csv", on_error="set_aside")
    assert report.keep.tolist() == [True, False, False]
    aside = report.set_aside.sort_values("row")
    assert aside[["row", "reason"]].values.tolist() == [[3, "not a number: 'abc'"],
                                                        [4, "missing value"]]


def test_unknown_regions_from_a_table_or_a_list():
    df = obs([["A", 2019, "gdp", 1.0], ["Q", 2019, "gdp", 2.0], [" ", 2019, "gdp", 3.0]])
    with pytest.raises(ValidationError) as info:
        validate_observations(df, ["A", "B"], file="f.csv")
    p = info.value.problems.set_index("row")
    assert p.loc[3, "problem"].startswith("region code 'Q' is not in the regions table")
    assert p.loc[4, "problem"] == "no region code"
    assert set(p["column"]) == {"region"}


def test_years_out_of_range_and_fractional():
    df = obs([["A", 1850, "gdp", 1.0], ["A", 2019.5, "gdp", 2.0], ["A", 2020, "gdp", 3.0]])
    with pytest.raises(ValidationError) as info:
        validate_observations(df, year_range=(1900, 2030))
    assert info.value.problems[["row", "problem"]].values.tolist() == [
        [3, "year is not a whole number: 2019.5"], [2, "year out of range 1900–2030"]]


def test_log_indicators_refuse_zero_and_negative_only_for_them():
    df = obs([["A", 2019, "income", 0.0], ["B", 2019, "income", -2.0], ["A", 2019, "growth", -1.0]])
    with pytest.raises(ValidationError) as info:
        validate_observations(df, log_indicators=["income"], file="f.csv")
    assert info.value.problems["row"].tolist() == [2, 3]
    assert "zero or negative value -2.0 under a log measure" in str(info.value)
    validate_observations(df)  # fine without a log


def test_mixed_units_within_indicator_and_country():
    df = obs([["A", 2019, "gdp", 1.0], ["B", 2019, "gdp", 2.0], ["C", 2019, "gdp", 3.0]],
             unit=["RUB", "thousand RUB", "KZT"])
    with pytest.raises(UnitError) as info:
        validate_observations(df, REGIONS, file="f.csv")
    err = info.value
    assert (err.file, err.row, err.column) == ("f.csv", 3, "unit")
    assert "mixes units in country 'X': 'RUB' first at row 2; 'thousand RUB' first at row 3" in (
        str(err))
    # different units in different countries are fine; without countries: a warning
    df.loc[3, "unit"] = "RUB"
    assert not validate_observations(df, REGIONS).warnings
    report = validate_observations(df)
    assert report.warnings and "cannot be told" in report.warnings[0]


def test_units_mixed_with_missing_units_count_as_mixed():
    df = obs([["A", 2019, "gdp", 1.0], ["B", 2019, "gdp", 2.0]], unit=["RUB", None])
    with pytest.raises(UnitError, match="'\\(none\\)' first at row 3"):
        validate_observations(df, REGIONS)


def test_regions_without_geometry_warn_and_invalid_polygons_fail():
    regions = REGIONS.copy()
    regions.loc[1, "geometry"] = None
    report = validate_observations(obs([["A", 2019, "gdp", 1.0], ["B", 2019, "gdp", 2.0]]),
                                   regions)
    assert report.warnings == ["1 regions have no geometry (B): maps and border measures leave "
                               "them out"]
    regions.loc[0, "geometry"] = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    with pytest.raises(ValidationError) as info:
        validate_observations(obs([["A", 2019, "gdp", 1.0]]), regions)
    assert info.value.problems["problem"].iloc[0].startswith("invalid polygon: Self-intersection")
    assert info.value.problems["region"].iloc[0] == "A"


def test_validate_regions_codes():
    regions = pd.DataFrame({"region": ["A", "A", None, "B"]}, index=[1, 2, 3, 4])
    with pytest.raises(ValidationError) as info:
        validate_regions(regions, file="r.geojson")
    p = info.value.problems
    assert sorted(zip(p["row"], p["problem"], strict=True)) == [
        (1, "region code appears more than once"), (2, "region code appears more than once"),
        (3, "no region code")]


def test_private_location_columns_name_files_and_rows():
    df = obs([["A", 2019, "gdp", 1.0], ["A", 2019, "gdp", 2.0]])
    df["_file"] = ["a.csv", "b.csv"]
    df["_row"] = [7, 9]
    df["_column"] = ["2019", "Y2019"]
    with pytest.raises(ValidationError) as info:
        validate_observations(df)
    assert "in rows a.csv row 7, b.csv row 9" in str(info.value)
    assert info.value.problems["file"].tolist() == ["a.csv", "b.csv"]


def test_report_to_frame_and_summary_add_up():
    df = obs([["A", 2019, "gdp", 1.0], ["B", 2019, "gdp", None], ["A", 2019, "gdp", 5.0]])
    report = ReadReport(file="f.csv")
    report.repair("decimal comma read as a decimal point", column="value", count=2,
                  rows=[2, 3], examples=["row 2: '1,0' -> 1"])
    validate_observations(df, file="f.csv", on_error="set_aside", report=report)
    table = report.to_frame()
    assert table["kind"].tolist() == ["repair", "set aside", "set aside"]
    assert table.loc[table["kind"] == "set aside", "count"].sum() == 3
    assert int(report.keep.sum()) + len(report.set_aside) == len(df)
    text = report.summary()
    assert "set aside: 3 rows" in text and "decimal comma" in text


def test_bad_on_error_and_missing_columns():
    with pytest.raises(DataError, match="on_error"):
        validate_observations(obs([["A", 2019, "gdp", 1.0]]), on_error="ignore")
    with pytest.raises(DataError, match="missing \\['indicator'\\]"):
        validate_observations(pd.DataFrame({"region": ["A"], "year": [2019], "value": [1.0]}))


def test_many_rows_are_checked_without_python_loops_per_row():
    n = 200_000
    df = pd.DataFrame({"region": np.repeat([f"R{i}" for i in range(n // 20)], 20),
                       "year": np.tile(np.arange(2000, 2020), n // 20),
                       "indicator": "gdp", "value": np.arange(n, dtype=float) + 1})
    df.loc[n - 1, "year"] = 2000  # one duplicate at the very end
    with pytest.raises(ValidationError) as info:
        validate_observations(df)
    assert info.value.problems["row"].tolist() == [n - 20, n - 1]
