"""Malformed inputs (issue 7): each real file under tests/data/bad gets a clear error naming the
file, row and column, or a documented repair that is reported. Never a stack trace, never a
silently wrong number, never rows lost without a report.

The files are written by tests/data/make_bad_files.py. The 2 GB CSV is generated in a temporary
folder (see ``test_huge_csv_is_refused_with_a_clear_message``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from crossborder.errors import DataError, UnitError
from crossborder.io import read_observations, read_panel, read_regions, read_table
from crossborder.validate import ValidationError

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
GOOD = DATA / "good"


@pytest.fixture(scope="module")
def regions():
    gdf, _ = read_regions(GOOD / "regions.geojson")
    return gdf


def error_of(fn, *args, cls=DataError, **kw) -> DataError:
    with pytest.raises(cls) as info:
        fn(*args, **kw)
    return info.value


# ---------------------------------------------------------------------- empty, header, delimiter
def test_empty_file():
    err = error_of(read_observations, BAD / "empty.csv")
    assert err.file.endswith("empty.csv")
    assert "empty" in str(err) and "empty.csv" in str(err)


def test_header_only():
    err = error_of(read_table, BAD / "header_only.csv")
    assert err.file.endswith("header_only.csv") and err.row == 1
    assert "only a header" in str(err) and "region, year, value" in str(err)


def test_wrong_delimiter_names_what_was_seen():
    err = error_of(read_observations, BAD / "wrong_delimiter.csv")
    assert err.file.endswith("wrong_delimiter.csv") and err.row == 1
    msg = str(err)
    assert "all in one column" in msg and "'region|year|value'" in msg
    assert "delimiter='|'" in msg
    # and the suggestion works
    obs, _ = read_observations(BAD / "wrong_delimiter.csv", delimiter="|")
    assert obs["value"].tolist() == [431.0, 470.0]


def test_forcing_the_wrong_delimiter_is_an_error():
    err = error_of(read_table, BAD / "decimal_comma.csv", delimiter=",")
    assert err.row == 1 and "all in one column" in str(err)


def test_ragged_row_names_the_line():
    err = error_of(read_observations, BAD / "ragged.csv")
    assert err.row == 3 and "4 fields where the rows above have 3" in str(err)


# ---------------------------------------------------------------------- numbers
def test_decimal_commas_with_space_thousands_are_read_and_reported():
    obs, report = read_observations(BAD / "decimal_comma.csv")
    assert obs["value"].tolist() == [1234.5, 1470.25, 3380.75, 2.5]
    assert list(obs.index) == [2, 3, 4, 5]
    assert report.info["delimiter"] == ";" and report.info["decimal"] == {"value": ","}
    whats = {r.what: r for r in report.repairs}
    assert whats["decimal comma read as a decimal point"].count == 4
    spaces = whats["spaces removed from numbers (thousands separators)"]
    assert spaces.rows == (2, 3, 4)  # row 3 holds a no-break space
    assert "'1 234,5' -> 1234.5" in spaces.examples[0]


def test_dots_as_thousands_with_decimal_comma():
    obs, report = read_observations(BAD / "decimal_comma_dots.csv")
    assert obs["value"].tolist() == [1234.5, 1470000.0, 12.5]
    assert any(r.what == "'.' read as a thousands separator" and r.rows == (2, 3)
               for r in report.repairs)


def test_a_column_mixing_decimal_marks_is_an_error():
    err = error_of(read_observations, BAD / "mixed_decimal_marks.csv")
    assert err.column == "value" and err.row == 3
    assert "'1,5'" in str(err) and "'2.75'" in str(err)


def test_ambiguous_thousands_are_not_guessed():
    err = error_of(read_observations, BAD / "ambiguous_thousands.csv")
    assert (err.row, err.column) == (2, "value")
    assert "'1,234' could be 1234" in str(err) and "decimal=" in str(err)
    obs, _ = read_observations(BAD / "ambiguous_thousands.csv", decimal=".")
    assert obs["value"].tolist() == [1234.0, 2500.0]
    obs, _ = read_observations(BAD / "ambiguous_thousands.csv", decimal=",")
    assert obs["value"].tolist() == [1.234, 2.5]


def test_missing_marks_are_set_aside_and_reported():
    obs, report = read_observations(BAD / "text_in_numeric.csv")
    assert obs["value"].tolist() == [1234.5, 470.0]
    assert list(obs.index) == [4, 7]
    aside = report.set_aside
    assert aside["row"].tolist() == [2, 3, 5, 6]
    assert aside["column"].unique().tolist() == ["value"]
    assert aside["reason"].tolist() == ["missing value 'n/a'", "missing value '–'",
                                        "missing value '..'", "empty cell"]
    assert aside["region"].tolist() == ["RU-ORE", "RU-ORE", "RU-SAM", "RU-SAM"]
    assert aside["year"].tolist() == [2017, 2018, 2017, 2018]
    # nothing lost: kept + set aside = data rows of the file
    assert len(obs) + len(aside) == 6


def test_text_that_is_not_a_number_names_file_row_column_and_text():
    err = error_of(read_observations, BAD / "not_a_number.csv")
    assert err.file.endswith("not_a_number.csv")
    assert (err.row, err.column) == (4, "value")
    assert "'approx. 431' is not a number" in str(err)


def test_text_that_is_not_a_number_can_be_set_aside():
    obs, report = read_observations(BAD / "not_a_number.csv", on_error="set_aside")
    assert obs["value"].tolist() == [380.5, 402.25]
    aside = report.set_aside
    assert aside[["row", "column", "reason"]].values.tolist() == [
        [4, "value", "not a number: 'approx. 431'"]]


# ---------------------------------------------------------------------- encodings
def test_cp1251():
    obs, report = read_observations(BAD / "cp1251.csv", region="регион", year="год",
                                    indicator="показатель", value="значение", unit="единица")
    assert report.info["encoding"] == "cp1251"
    assert obs["indicator"].tolist() == ["ВРП на душу"] * 2
    assert obs["unit"].tolist() == ["тыс. руб."] * 2
    assert obs["value"].tolist() == [431.0, 470.5]


def test_cp1251_with_default_column_names_names_the_columns_it_found():
    err = error_of(read_observations, BAD / "cp1251.csv")
    assert err.column == "region" and "'регион'" in str(err)


def test_utf8_with_bom():
    table = read_table(BAD / "utf8_bom.csv")
    assert table.attrs["crossborder"]["encoding"] == "utf-8-sig"
    assert list(table.columns) == ["region", "year", "value", "name"]  # no '\ufeffregion'
    assert table["name"].tolist() == ["Оренбург", "Самара"]


@pytest.mark.parametrize("name,encoding", [("utf16le_nobom.csv", "utf-16-le"),
                                           ("utf16be_nobom.csv", "utf-16-be")])
def test_bomless_utf16(name, encoding):
    table = read_table(BAD / name)
    info = table.attrs["crossborder"]
    assert info["encoding"] == encoding and info["delimiter"] == "\t"
    assert table["name"].tolist() == ["Оренбург", "Самара"]
    obs, report = read_observations(BAD / name)
    assert obs["value"].tolist() == [431.0, 470.0]
    assert report.warnings == ["columns not used: ['name']"]


def test_binary_file_is_refused():
    err = error_of(read_table, BAD / "binary.csv")
    assert err.file.endswith("binary.csv") and "does not look like a text table" in str(err)


# ---------------------------------------------------------------------- keys
def test_duplicate_region_year_rows_list_both_rows():
    err = error_of(read_observations, BAD / "duplicates.csv", cls=ValidationError)
    assert err.file.endswith("duplicates.csv") and err.row == 3
    assert "('RU-ORE', 2019, 'grp_pc') in rows 3, 5" in str(err)
    assert err.problems["row"].tolist() == [3, 5]


def test_duplicates_can_be_set_aside_all_copies_reported():
    obs, report = read_observations(BAD / "duplicates.csv", on_error="set_aside")
    assert obs.loc[:, ["region", "year"]].values.tolist() == [["RU-ORE", 2018], ["RU-SAM", 2019]]
    assert report.set_aside["row"].tolist() == [3, 5]
    assert report.set_aside["value"].tolist() == [431.0, 413.0]


def test_years_written_as_text_are_repaired_and_reported():
    obs, report = read_observations(BAD / "years_as_strings.csv")
    assert obs["year"].tolist() == [2016, 2017, 2018, 2019]
    rep = [r for r in report.repairs if r.column == "year"]
    assert len(rep) == 1 and rep[0].count == 4 and rep[0].rows == (2, 3, 4, 5)
    assert "'2016 год' -> 2016" in rep[0].examples[0]


def test_a_year_range_is_not_a_year():
    err = error_of(read_observations, BAD / "bad_year.csv")
    assert (err.row, err.column) == (3, "year") and "'2019-2020' is not a year" in str(err)


def test_years_out_of_range():
    err = error_of(read_observations, BAD / "year_out_of_range.csv", cls=ValidationError)
    assert err.problems["row"].tolist() == [3, 4]
    assert set(err.problems["column"]) == {"year"}
    assert "year out of range 1900–2100" in str(err)


def test_unknown_region_code(regions):
    err = error_of(read_observations, BAD / "unknown_region.csv", regions=regions,
                   cls=ValidationError)
    assert (err.row, err.column) == (3, "region")
    assert "'RU-XXX' is not in the regions table" in str(err)


# ---------------------------------------------------------------------- units and logs
def test_panel_mixing_units_names_file_and_column():
    err = error_of(read_panel, BAD / "mixed_units.csv", cls=UnitError)
    assert err.file.endswith("mixed_units.csv")
    assert err.column == "unit" and err.row == 4
    assert "'thousand RUB'" in str(err) and "'thousand KZT'" in str(err)


def test_mixed_units_within_one_country(regions):
    err = error_of(read_observations, BAD / "mixed_units_one_country.csv", regions=regions,
                   cls=UnitError)
    assert (err.row, err.column) == (3, "unit")
    assert "mixes units in country 'RU'" in str(err)


def test_rub_beside_kzt_is_fine_as_observations_with_countries(regions):
    obs, report = read_observations(BAD / "mixed_units.csv", regions=regions)
    assert len(obs) == 4 and not report.warnings


def test_zero_and_negative_incomes_under_a_log():
    err = error_of(read_panel, BAD / "log_nonpositive.csv", log=True, cls=ValidationError)
    assert err.problems[["row", "column"]].values.tolist() == [[3, "value"], [4, "value"]]
    assert "zero or negative value 0.0 under a log measure" in str(err)
    assert "-5.0" in str(err)
    # without a log the same file is a valid panel
    assert read_panel(BAD / "log_nonpositive.csv").shape == (4, 1)


# ---------------------------------------------------------------------- degenerate panels
def test_single_region():
    p = read_panel(BAD / "single_region.csv")
    assert p.shape == (1, 3)
    assert any("single region ('RU-ORE')" in w for w in p.meta["report"].warnings)


def test_single_year():
    p = read_panel(BAD / "single_year.csv")
    assert p.shape == (3, 1) and list(p.times) == [2019]
    assert any("single year (2019)" in w for w in p.meta["report"].warnings)


def test_all_equal_values():
    p = read_panel(BAD / "all_equal.csv")
    assert np.all(p.to_matrix().values == 100.0)
    assert any("all 6 values are equal" in w for w in p.meta["report"].warnings)


def test_unbalanced_panel_keeps_gaps_as_nan_and_reports_them():
    p = read_panel(BAD / "unbalanced.csv")
    m = p.to_matrix()
    assert list(m.regions) == ["KZ-ZAP", "RU-ORE", "RU-SAM"] and list(m.times) == [2017, 2018, 2019]
    np.testing.assert_array_equal(np.isnan(m.values), [[False, False, True],
                                                       [False, True, False],
                                                       [True, False, False]])
    aside = p.meta["set_aside"]
    assert sorted(zip(aside["row"], aside["column"], strict=True)) == [
        (2, "2018"), (3, "2017"), (4, "2019")]
    assert any("unbalanced panel: 3 of 3 regions" in w for w in p.meta["report"].warnings)


# ---------------------------------------------------------------------- geometry
def test_invalid_polygon_is_repaired_and_reported():
    gdf, report = read_regions(BAD / "invalid_bowtie.geojson")
    assert gdf.geometry.is_valid.all()
    ore = gdf.set_index("region").geometry["RU-ORE"]
    assert ore.geom_type == "MultiPolygon" and ore.area == pytest.approx(2.0)  # two triangles
    rep = [r for r in report.repairs if "make_valid" in r.what]
    assert len(rep) == 1 and rep[0].rows == (1,)
    assert "row 1 (RU-ORE): Self-intersection" in rep[0].examples[0]


def test_mixed_crs_is_reprojected_and_reported():
    gdf, report = read_regions([BAD / "mixed_crs_4326.geojson", BAD / "mixed_crs_3857.geojson"])
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 4
    zap = gdf.set_index("region").geometry["KZ-ZAP"]
    np.testing.assert_allclose(zap.bounds, (50, 49, 52, 51), atol=1e-6)
    assert any("different CRSs" in w and "EPSG:3857" in w for w in report.warnings)
    assert any(r.what == "reprojected from EPSG:3857 to EPSG:4326" and r.count == 2
               for r in report.repairs)


def test_mixed_crs_can_be_refused():
    err = error_of(read_regions, [BAD / "mixed_crs_4326.geojson", BAD / "mixed_crs_3857.geojson"],
                   mixed_crs="error")
    assert "different CRSs" in str(err) and "mixed_crs_3857.geojson" in str(err)


def test_missing_crs_is_an_error_unless_given():
    shp = BAD / "missing_crs" / "regions.shp"
    err = error_of(read_regions, shp)
    assert err.file.endswith("regions.shp")
    assert "no coordinate reference system" in str(err) and ".prj" in str(err)
    assert "crs=" in str(err)
    gdf, report = read_regions(shp, crs="EPSG:4326")
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 4
    assert any("set to EPSG:4326 as given by crs=" in r.what for r in report.repairs)


def test_projected_coordinates_labelled_wgs84_are_an_error():
    err = error_of(read_regions, BAD / "projected_without_crs.geojson")
    assert "are not longitudes/latitudes" in str(err) and "crs=" in str(err)


def test_empty_geometry_is_reported_and_kept_or_set_aside():
    gdf, report = read_regions(BAD / "empty_geometry.geojson")
    assert gdf["region"].tolist() == ["RU-ORE", "RU-SAM", "KZ-ZAP"]
    assert gdf.geometry.isna().tolist() == [True, True, False]
    assert any("RU-ORE" in w and "RU-SAM" in w for w in report.warnings)
    rep = [r for r in report.repairs if "empty geometry" in r.what]
    assert rep and rep[0].rows == (1, 2)
    gdf2, report2 = read_regions(BAD / "empty_geometry.geojson", empty="set_aside")
    assert gdf2["region"].tolist() == ["KZ-ZAP"]
    aside = report2.set_aside
    assert aside[["row", "region", "reason"]].values.tolist() == [
        [1, "RU-ORE", "empty geometry"], [2, "RU-SAM", "empty geometry"]]


def test_slivers_are_removed_and_reported_islands_kept():
    gdf, report = read_regions(BAD / "slivers.geojson")
    sam = gdf.set_index("region").geometry["RU-SAM"]
    assert sam.geom_type == "MultiPolygon" and len(sam.geoms) == 2  # square + island
    assert sam.area == pytest.approx(4.0 + 0.01)
    rep = [r for r in report.repairs if "sliver" in r.what]
    assert len(rep) == 1 and rep[0].count == 1 and rep[0].rows == (1,)
    assert "(RU-SAM): 1 part(s)" in rep[0].examples[0]
    gdf_all, rep_all = read_regions(BAD / "slivers.geojson", sliver_km2=None)
    assert len(gdf_all.set_index("region").geometry["RU-SAM"].geoms) == 3
    assert not [r for r in rep_all.repairs if "sliver" in r.what]


# ---------------------------------------------------------------------- a 2 GB CSV
def _write_big_csv(path: Path, n_bytes: int, *, unique: bool = True) -> int:
    """A long CSV of about ``n_bytes``: blocks of 1,000 regions x 20 years, each block a new
    indicator (so no (region, year, indicator) repeats). Returns the number of data rows."""
    rows = [f"R{r:04d},{2000 + y},IND,{(r * 7 + y) % 1000 + 0.5},thousand RUB,"
            f"ROSSTAT_REGIONS_2023,estimated;provisional" for r in range(1000) for y in range(20)]
    template = "\n".join(rows) + "\n"
    header = "region,year,indicator,value,unit,source,flag\n"
    written = 0
    n_rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        written += len(header)
        k = 0
        while written < n_bytes:
            block = template.replace("IND", f"i{k:05d}") if unique else template
            fh.write(block)
            written += len(block)
            n_rows += len(rows)
            k += 1
    return n_rows


BIG_MB = int(os.environ.get("CROSSBORDER_BIG_CSV_MB", "2048"))
CHUNKED_MB = int(os.environ.get("CROSSBORDER_CHUNKED_CSV_MB", "160"))


@pytest.mark.slow
def test_huge_csv_is_refused_with_a_clear_message(tmp_path):
    """The issue's 2 GB CSV (size set by CROSSBORDER_BIG_CSV_MB, default 2048): refused at once,
    before anything is read, with a message telling how to read it anyway."""
    path = tmp_path / "huge.csv"
    free = shutil.disk_usage(tmp_path).free
    if free < BIG_MB * 2**20 + 2**30:
        pytest.skip(f"needs {BIG_MB} MiB free in the temp folder, has {free / 2**20:.0f} MiB "
                    "(set CROSSBORDER_BIG_CSV_MB lower)")
    try:
        t0 = time.perf_counter()
        _write_big_csv(path, BIG_MB * 2**20, unique=False)
        written = time.perf_counter() - t0
        size = path.stat().st_size
        assert size >= BIG_MB * 2**20
        t0 = time.perf_counter()
        for fn in (read_table, read_observations, read_panel):
            err = error_of(fn, path)
            assert err.file.endswith("huge.csv")
            assert "above the limit" in str(err) and "max_bytes=None" in str(err)
            assert f"{size / 2**30:.1f} GiB" in str(err) or f"{size / 2**20:.1f} MiB" in str(err)
        assert time.perf_counter() - t0 < 1.0, "refusal must not read the file"
        print(f"wrote {size / 2**30:.2f} GiB in {written:.1f} s")
    finally:
        path.unlink(missing_ok=True)  # pytest keeps recent temp folders: do not leave 2 GB there


@pytest.mark.slow
def test_large_csv_is_read_in_chunks_in_bounded_memory(tmp_path, request):
    """A CSV over the chunk size (CROSSBORDER_CHUNKED_CSV_MB, default 160 MB) read with
    max_bytes=None in a fresh process: every row arrives with the right numbers, and the peak
    memory is bounded by the compact result plus a fixed chunk allowance, not by the text: the
    text is never held whole (pandas reading it whole as strings needs several times its size)."""
    path = tmp_path / "large.csv"
    n_rows = _write_big_csv(path, CHUNKED_MB * 2**20)
    request.addfinalizer(lambda: path.unlink(missing_ok=True))
    size = path.stat().st_size
    script = textwrap.dedent(f"""
        import resource, sys
        import crossborder.io as cio
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        obs, report = cio.read_observations({str(path)!r}, max_bytes=None,
                                            chunk_bytes=16 * 2**20)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = int(obs.memory_usage(deep=True).sum())
        print(len(obs), repr(float(obs["value"].sum())), base * 1024, peak * 1024, out,
              obs["year"].min(), obs["year"].max(), obs["indicator"].nunique())
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=False, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    n, total, base, peak, result_bytes, y0, y1, n_ind = out.stdout.split()
    assert int(n) == n_rows and (int(y0), int(y1)) == (2000, 2019)
    blocks = n_rows // 20_000
    assert int(n_ind) == blocks
    expected = blocks * sum((r * 7 + y) % 1000 + 0.5 for r in range(1000) for y in range(20))
    assert float(total) == pytest.approx(expected, rel=1e-12)
    grown = int(peak) - int(base)
    result_bytes = int(result_bytes)
    print(f"file {size / 2**20:.0f} MiB, {n_rows} rows; result {result_bytes / 2**20:.0f} MiB; "
          f"peak RSS grew {grown / 2**20:.0f} MiB")
    # about 100 MiB for the chunk being parsed, then a few copies of the compact result
    assert grown < 160 * 2**20 + 4 * result_bytes
    assert result_bytes < 0.5 * size
