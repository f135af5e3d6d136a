"""Hostile inputs (issue 12), reader and data side: each gets the exact error or the reported
repair, never a silently wrong number, a network request or unbounded work.

Files are written in a temporary folder by each test, byte by byte, so that what each holds is
documented here. The timing/memory targets live in benchmarks/bench_hostile_read.py (not CI).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crossborder.errors import DataError, UnitError
from crossborder.io import read_observations, read_panel, read_regions, read_table
from crossborder.io.regions import OFFLINE_GDAL_CONFIG

DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good"


def error_of(fn, *args, cls=DataError, **kw) -> DataError:
    with pytest.raises(cls) as info:
        fn(*args, **kw)
    return info.value


# ---------------------------------------------------------------------- geometry: plain files only
VRT = """<OGRVRTDataSource>
  <OGRVRTLayer name="regions">
    <SrcDataSource>/vsicurl/http://127.0.0.1:9/regions.geojson</SrcDataSource>
  </OGRVRTLayer>
</OGRVRTDataSource>
"""


@pytest.mark.parametrize("name", ["regions.vrt", "regions.geojson"])
def test_gdal_vrt_is_refused_also_when_renamed(tmp_path, name):
    path = tmp_path / name
    path.write_text(VRT, encoding="utf-8")
    err = error_of(read_regions, path)
    if name.endswith(".vrt"):
        assert err.reason == ("regions are read from GeoJSON (.geojson, .json), shapefiles (.shp) "
                              "or GeoPackages (.gpkg), not '.vrt'")
    else:
        assert err.reason == ("not GeoJSON: a GDAL virtual file (VRT); only plain GeoJSON, "
                              "shapefiles and GeoPackages are read")
    assert err.file == str(path)


@pytest.mark.parametrize("path", [
    "/vsicurl/http://127.0.0.1:9/regions.geojson",
    "/vsizip/regions.zip/regions.shp",
    "http://127.0.0.1:9/regions.geojson",
    "https://example.invalid/regions.geojson",
    "ftp://example.invalid/regions.shp",
    "zip://regions.zip",
    "GPKG:regions.gpkg:layer",
])
def test_urls_and_gdal_virtual_paths_are_refused(path):
    err = error_of(read_regions, path)
    assert err.reason.startswith("not a plain local file: URLs and GDAL virtual paths")
    assert err.file == path


def test_file_content_must_match_its_extension(tmp_path):
    shp = tmp_path / "regions.shp"
    shp.write_bytes(b'{"type": "FeatureCollection", "features": []}')
    assert error_of(read_regions, shp).reason == (
        "not a shapefile: the file does not start with the shapefile magic number")
    gpkg = tmp_path / "regions.gpkg"
    gpkg.write_bytes(GOOD.joinpath("regions.geojson").read_bytes())
    assert error_of(read_regions, gpkg).reason == (
        "not a GeoPackage: the file does not start like an SQLite database")
    js = tmp_path / "regions.geojson"
    js.write_text('{"type": "Topology", "objects": {}}', encoding="utf-8")
    assert error_of(read_regions, js).reason == (
        "not GeoJSON: a JSON dict of type 'Topology', not a FeatureCollection or Feature")
    folder = tmp_path / "folder.shp"
    folder.mkdir()
    assert error_of(read_regions, folder).reason.startswith("a folder, not a file")


def test_geojson_crs_link_is_not_followed(tmp_path):
    doc = json.loads(GOOD.joinpath("regions.geojson").read_text(encoding="utf-8"))
    doc["crs"] = {"type": "link", "properties": {"href": "http://127.0.0.1:9/crs.wkt",
                                                 "type": "ogcwkt"}}
    path = tmp_path / "linked.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert error_of(read_regions, path).reason == (
        "the GeoJSON's CRS is a link to another file or URL, which is not followed: give the "
        "CRS by name, or pass crs=")


def test_gdal_reads_offline_and_the_options_are_restored():
    import pyogrio

    before = {k: pyogrio.get_gdal_config_option(k) for k in OFFLINE_GDAL_CONFIG}
    seen = {}
    real = pyogrio.read_dataframe

    def spy(*args, **kw):
        seen.update({k: pyogrio.get_gdal_config_option(k) for k in OFFLINE_GDAL_CONFIG})
        return real(*args, **kw)

    pyogrio.read_dataframe = spy
    try:
        gdf, _ = read_regions(GOOD / "regions.geojson")
    finally:
        pyogrio.read_dataframe = real
    assert len(gdf) == 4
    assert seen["GDAL_HTTP_PROXY"] == "127.0.0.1:9"
    assert seen["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"] == ".crossborder-no-remote-files"
    assert {k: pyogrio.get_gdal_config_option(k) for k in OFFLINE_GDAL_CONFIG} == before


# ---------------------------------------------------------------------- Excel
def workbook(path: Path, rows: list[list], title: str = "data") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


ROWS = [["region", "year", "value"], ["AA-R0", 2013, 1.5], ["AA-R1", 2013, 2.5]]


def rewrite_member(path: Path, member: str, edit) -> Path:
    """A copy of the workbook with one zip member's bytes changed by ``edit``."""
    out = path.with_name("edited_" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, edit(data) if info.filename == member else data)
    return out


def test_xxe_and_billion_laughs_workbooks_are_a_clear_data_error(tmp_path):
    book = workbook(tmp_path / "book.xlsx", ROWS)
    laughs = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1
                                                    else b"&lol;" * 10) for i in range(1, 10))
              + b"]>\n")
    bomb = rewrite_member(book, "xl/worksheets/sheet1.xml",
                          lambda b: laughs + b.split(b"?>", 1)[-1].lstrip())
    err = error_of(read_table, bomb)
    assert err.reason == (
        "the workbook contains XML entity declarations (<!DOCTYPE or <!ENTITY in "
        "xl/worksheets/sheet1.xml), which are not read: they can expand without bound or reach "
        "other files (XXE); save the sheet again from a spreadsheet program")
    xxe = rewrite_member(book, "xl/workbook.xml", lambda b: (
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + b.split(b"?>", 1)[-1]))
    assert "(<!DOCTYPE or <!ENTITY in xl/workbook.xml)" in error_of(read_observations, xxe).reason


def test_excel_limits_can_be_raised(tmp_path):
    book = workbook(tmp_path / "book.xlsx", ROWS)
    with zipfile.ZipFile(book) as zf:
        unpacked = sum(m.file_size for m in zf.infolist())
    err = error_of(read_table, book, max_unpacked_bytes=1000)
    assert err.reason == (f"the workbook unpacks to {unpacked / 1024:.1f} KiB, above the limit of "
                          "1000 bytes: pass max_unpacked_bytes= (or None) to read it anyway, or "
                          "save the sheet as CSV")
    err = error_of(read_table, book, max_rows=2)
    assert (err.row, err.reason) == (3, "sheet 'data' has more than 2 rows, the limit: pass "
                                        "max_rows= (or None) to read it anyway")
    err = error_of(read_observations, book, max_columns=2)
    assert (err.row, err.reason) == (1, "sheet 'data' has a cell in column 3 (C), above the limit "
                                        "of 2 columns: pass max_columns= (or None) to read it "
                                        "anyway")
    table = read_table(book, max_unpacked_bytes=None, max_rows=3, max_columns=3)
    assert table.to_numpy().tolist() == [["AA-R0", "2013", "1.5"], ["AA-R1", "2013", "2.5"]]


def test_a_workbook_is_parsed_once_by_read_panel(tmp_path, monkeypatch):
    import openpyxl

    book = workbook(tmp_path / "book.xlsx", ROWS)
    calls = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: calls.append(a) or real(*a, **k))
    panel = read_panel(book)
    assert len(calls) == 1
    assert panel.to_matrix().values.ravel().tolist() == [1.5, 2.5]


def test_formula_without_cached_value_is_an_error_naming_sheet_and_cell(tmp_path):
    # openpyxl writes formulas without a cached value, as any program that does not calculate
    book = workbook(tmp_path / "book.xlsx", [*ROWS, ["AA-R2", 2013, "=C2*2"]], title="grp")
    err = error_of(read_observations, book)
    assert (err.row, err.column) == (4, "C")
    assert err.reason.startswith("sheet 'grp' cell C4 holds the formula =C2*2 without a value "
                                 "computed by Excel")


def test_full_width_digits_are_normalised_and_reported(tmp_path):
    book = workbook(tmp_path / "book.xlsx", [*ROWS, ["AA-R2", "２０１３", "１２３"]])
    obs, report = read_observations(book)
    assert obs["value"].tolist() == [1.5, 2.5, 123.0]
    nfkc = [r for r in report.repairs if r.what.startswith("full-width")]
    assert len(nfkc) == 1 and nfkc[0].rows == (4,) and nfkc[0].column == "value"
    assert nfkc[0].examples == ("row 4: '１２３' -> 123",)
    assert obs["year"].tolist() == [2013, 2013, 2013]
    assert len(report.set_aside) == 0
    # digits of another script are an error, not a silent missing value
    other = workbook(tmp_path / "arabic.xlsx", [*ROWS, ["AA-R2", 2013, "١٢٣"]])
    err = error_of(read_observations, other)
    assert err.row == 4 and err.reason.startswith("'١٢٣' is not a number")


# ---------------------------------------------------------------------- units
def two_country_dataset(tmp_path: Path, unit_a: str, unit_b: str):
    from crossborder.io import read_dataset

    regions = pd.DataFrame({"region": ["A1", "A2", "B1", "B2"], "country": ["AA", "AA", "BB", "BB"]})
    data = tmp_path / "gdp_pc.csv"
    data.write_text("region,year,value,unit\n"
                    f"A1,2013,10,{unit_a}\nA2,2013,20,{unit_a}\nB1,2013,30,{unit_b}\n"
                    f"B2,2013,40,{unit_b}\n", encoding="utf-8")
    return read_dataset(regions, data)


@pytest.mark.parametrize("a, b", [("EUR", "PLN"), ("USD", "BBD")])
def test_two_currencies_are_never_pooled(tmp_path, a, b):
    ds = two_country_dataset(tmp_path, a, b)
    err = error_of(ds.panel, "gdp_pc", cls=UnitError)
    assert err.reason == (f"indicator 'gdp_pc' mixes currencies '{b}' and '{a}' in one panel; "
                          "pass currency='USD' or 'PPP' to convert, or choose one country"
                          if b < a else
                          f"indicator 'gdp_pc' mixes currencies '{a}' and '{b}' in one panel; "
                          "pass currency='USD' or 'PPP' to convert, or choose one country")
    # one country alone is one unit
    assert ds.panel("gdp_pc", regions="AA").unit == a


def test_any_two_units_are_never_pooled(tmp_path):
    ds = two_country_dataset(tmp_path, "persons", "%")
    err = error_of(ds.panel, "gdp_pc", cls=UnitError)
    assert err.reason == ("indicator 'gdp_pc' mixes the units '%' and 'persons' in one panel; "
                          "convert to one unit first, or choose one country")
    # notes in parentheses do not make another unit
    same = two_country_dataset(tmp_path, "USD (current; rate A)", "USD (current; rate B)")
    assert same.panel("gdp_pc").unit == "USD"


# ---------------------------------------------------------------------- region codes
def test_region_codes_differing_in_case_are_an_error_naming_both(tmp_path):
    from crossborder.validate import ValidationError

    f = tmp_path / "codes.csv"
    f.write_text("region,year,value\nAA-R0,2013,1\naa-r0,2014,2\nAA-R1,2013,3\nAA-R1,2014,4\n",
                 encoding="utf-8")
    err = error_of(read_panel, f, cls=ValidationError)
    assert (err.row, err.column) == (3, "region")
    assert err.problems["problem"].tolist() == [
        "region code 'aa-r0' is also written 'AA-R0' (it differs only in case): codes that "
        "differ only in case, spaces, Unicode form or look-alike letters would be two regions; "
        "write each code one way"]
    obs, report = read_observations(f, on_error="set_aside")
    assert sorted(set(obs["region"])) == ["AA-R0", "AA-R1"]
    assert report.set_aside["row"].tolist() == [3]


def test_spaces_around_a_code_are_a_reported_repair(tmp_path):
    f = tmp_path / "codes.csv"
    f.write_text('region,year,value\nAA-R0,2013,1\n" AA-R0 ",2014,2\nAA-R1,2013,3\nAA-R1,2014,4\n',
                 encoding="utf-8")
    panel = read_panel(f)
    assert list(panel.regions) == ["AA-R0", "AA-R1"]
    assert panel.to_matrix().values.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    fixed = [r for r in panel.meta["repairs"] if r["what"] == "spaces around region codes removed"]
    assert fixed == [{"what": "spaces around region codes removed", "file": str(f),
                      "column": "region", "count": 1, "rows": [3],
                      "examples": ["row 3: ' AA-R0 ' -> 'AA-R0'"]}]


def test_panel_from_long_refuses_a_missing_region_and_case_variants():
    from crossborder.panel import Panel

    df = pd.DataFrame({"region": ["A", None, "B"], "year": [2013, 2013, 2013], "value": [1, 2, 3]},
                      index=[10, 11, 12])
    err = error_of(Panel.from_long, df)
    assert err.reason == "row 11 has no region (1 such rows): a missing code is not a region"
    df = pd.DataFrame({"region": ["AA-R0", "aa-r0"], "year": [2013, 2014], "value": [1.0, 2.0]})
    err = error_of(Panel.from_long, df)
    assert err.reason == ("region codes 'AA-R0' and 'aa-r0' differ only in case or spaces (rows 0 "
                          "and 1): they would be two regions; write each code one way")


def test_regions_file_with_case_variants_is_an_error(tmp_path):
    from crossborder.validate import ValidationError

    doc = json.loads(GOOD.joinpath("regions.geojson").read_text(encoding="utf-8"))
    doc["features"][1]["properties"]["region"] = doc["features"][0]["properties"]["region"].lower()
    path = tmp_path / "regions.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    err = error_of(read_regions, path, cls=ValidationError)
    first = doc["features"][0]["properties"]["region"]
    assert err.row == 2 and err.problems["problem"].tolist() == [
        f"region code {first.lower()!r} is also written {first!r} (it differs only in case): "
        "codes that differ only in case, spaces, Unicode form or look-alike letters would be two "
        "regions; write each code one way"]


# ---------------------------------------------------------------------- encodings
UTF8 = "region,name,year,value\nAA-R0,Омск,2013,1\nAA-R1,Самара,2013,2\n"


@pytest.mark.parametrize("raw, line, reason", [
    (UTF8.encode() + "AA-R2,Курган,2013,3\n".encode("cp1251"), 4,
     "line 4 is not UTF-8 (byte b'\\xca') although the rest of the file is: the file mixes "
     "encodings (a line saved as cp1251, or a stray byte); save the whole file as UTF-8, or pass "
     "encoding="),
    (UTF8.encode() + b"AA-R2,Kur\xffgan,2013,3\n", 4,
     "line 4 is not UTF-8 (byte b'\\xff') although the rest of the file is: the file mixes "
     "encodings (a line saved as cp1251, or a stray byte); save the whole file as UTF-8, or pass "
     "encoding="),
    (b"region,year,value\nAA-R0,2013,1\nAA-R\xe91,2013,2\n", 3,
     "byte b'\\xe9' on line 3 is neither UTF-8 nor part of a Cyrillic word (cp1251): a stray byte "
     "or another encoding; fix the line, or pass encoding= (e.g. 'cp1251' or 'latin-1')"),
    (UTF8.encode("cp1251") + "AA-R2,Курган,2013,3\n".encode(), 4,
     "line 4 holds UTF-8 text while the file is otherwise cp1251 (first at line 2): the file "
     "mixes encodings; save the whole file in one encoding, or pass encoding="),
])
def test_a_file_mixing_encodings_is_an_error_naming_the_first_bad_line(tmp_path, raw, line, reason):
    f = tmp_path / "mixed.csv"
    f.write_bytes(raw)
    err = error_of(read_observations, f)
    assert (err.row, err.reason) == (line, reason)


def test_a_consistent_cp1251_file_is_still_read(tmp_path):
    f = tmp_path / "cp1251.csv"
    f.write_bytes(UTF8.encode("cp1251"))
    table = read_table(f)
    assert table["name"].tolist() == ["Омск", "Самара"]
    assert table.attrs["crossborder"]["encoding"] == "cp1251"


# ---------------------------------------------------------------------- missing group, values, weights
def csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_group_is_an_error_or_a_reported_set_aside(tmp_path):
    f = csv(tmp_path, "g.csv", "region,year,value,country\nA,2013,1,X\nA,2014,2,X\nB,2013,3,Y\n"
                               "B,2014,4,Y\nC,2013,5,\nC,2014,6,\n")
    err = error_of(read_panel, f, group="country")
    assert (err.row, err.column) == (6, "country")
    assert err.reason == ("no group for region 'C' in 2013 (2 such rows): a missing group is not "
                          "a group; fill it or pass on_error='set_aside'")
    panel = read_panel(f, group="country", on_error="set_aside")
    assert panel.group_labels().to_dict() == {"A": "X", "B": "Y"}
    aside = panel.meta["set_aside"]
    assert aside[["row", "region", "reason"]].values.tolist() == [
        [6, "C", "no group country"], [7, "C", "no group country"]]


def test_panel_refuses_a_blank_group():
    from crossborder.panel import Panel

    df = pd.DataFrame({"region": ["A", "B", "C"], "year": 2013, "value": [1.0, 2.0, 3.0],
                       "country": ["X", "Y", ""]})
    err = error_of(Panel.from_long, df, group="country")
    assert err.reason == ("region 'C' has no group (1 regions without one: ['C']): fill the group "
                          "(e.g. the country) or leave the region out")
    err = error_of(Panel.from_matrix, [[1.0], [2.0]], regions=["A", "B"], groups={"A": "X"})
    assert err.reason.startswith("region 'B' has no group")


def test_a_region_with_every_value_missing_is_reported(tmp_path):
    f = csv(tmp_path, "m.csv", "region,year,value\nA,2013,1\nA,2014,2\nB,2013,\nB,2014,n/a\n"
                               "C,2013,3\nC,2014,4\n")
    panel = read_panel(f)
    assert list(panel.regions) == ["A", "C"]
    assert panel.meta["warnings"] == [
        "1 regions have no value left and are not in the panel (every row set aside, see "
        "set_aside): ['B']"]
    assert panel.meta["set_aside"]["row"].tolist() == [4, 5]


def test_weights_missing_zero_or_negative(tmp_path):
    nan = csv(tmp_path, "nan.csv", "region,year,value,pop\nA,2013,1,\nA,2014,2,\nB,2013,1,\n"
                                   "B,2014,2,\n")
    assert error_of(read_panel, nan, weight="pop").reason == (
        "no value left for the panel: all 4 rows were set aside (4 x no weight pop)")
    zero = csv(tmp_path, "zero.csv", "region,year,value,pop\nA,2013,1,0\nA,2014,2,1\nB,2013,1,0\n"
                                     "B,2014,2,1\n")
    err = error_of(read_panel, zero, weight="pop")
    assert (err.row, err.column, err.reason) == (
        2, "pop", "every weight in 2013 is zero (rows 2, 4): the weighted measures of that year "
                  "are undefined")
    neg = csv(tmp_path, "neg.csv", "region,year,value,pop\nA,2013,1,5\nA,2014,2,1\nB,2013,1,-3\n"
                                   "B,2014,2,1\n")
    err = error_of(read_panel, neg, weight="pop")
    assert str(err) == (f"{neg}, row 4, column 'pop': weight -3 for region 'B' in 2013 is negative "
                        "(1 such weights)")


def test_a_non_positive_value_under_a_log_names_file_row_and_a_plain_year(tmp_path):
    from crossborder.measures.dispersion import sigma

    f = csv(tmp_path, "neg.csv", "region,year,value\nA,2013,1\nA,2014,2\nB,2013,-1\nB,2014,2\n")
    panel = read_panel(f)
    err = error_of(sigma, panel, "sd_log")
    assert str(err) == (f"{f}, row 4, column 'value': sd_log needs values > 0, got a non-positive "
                        "value (1 such values), first for region 'B' in 2013")
    err = error_of(panel.log)
    assert (err.file, err.row) == (str(f), 4)
    assert err.reason.endswith("for region 'B' in 2013")


# ---------------------------------------------------------------------- missing country, null geometry
def square(x: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}


def regions_file(tmp_path: Path, rows: list[tuple]) -> Path:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region": code, "country": country}, "geometry": geom}
        for code, country, geom in rows]}
    path = tmp_path / "regions.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_region_without_country_is_an_error_not_interior(tmp_path):
    from crossborder.io import read_dataset

    path = regions_file(tmp_path, [("A1", "AA", square(0)), ("B1", "BB", square(1)),
                                   ("B2", None, square(2))])
    data = csv(tmp_path, "x.csv", "region,year,value\nA1,2013,1\nB1,2013,2\nB2,2013,3\n")
    err = error_of(read_dataset, path, data)
    assert (err.file, err.row, err.column) == (str(path), 3, "country")
    assert err.reason == ("region 'B2' has no country (1 regions without one: ['B2']): a region "
                          "without a country is on neither side of the border; fill the country "
                          "column")


def test_a_region_without_geometry_is_neither_border_nor_interior(tmp_path):
    from crossborder.io import read_dataset

    path = regions_file(tmp_path, [("A1", "AA", square(0)), ("B1", "BB", square(1)),
                                   ("B2", "BB", square(2)), ("B3", "BB", None)])
    data = csv(tmp_path, "x.csv", "region,year,value\nA1,2013,1\nB1,2013,2\nB2,2013,3\nB3,2013,4\n")
    ds = read_dataset(path, data)
    fixed = [r for r in ds.meta["repairs"] if r["what"].startswith("empty geometry")]
    assert fixed[0]["rows"] == [4]
    ds = ds.with_border()
    assert ds.region_codes("border") == ["A1", "B1"]
    assert ds.region_codes("interior") == ["B2"]
    assert ds.region_codes("all") == ["A1", "B1", "B2", "B3"]
    assert ds.meta["border_unknown"].values.tolist() == [
        ["B3", "no polygon: cannot tell border from interior"]]


# ---------------------------------------------------------------------- resources
def test_many_identical_rows_give_one_bounded_message_per_key(tmp_path):
    from crossborder.validate import ValidationError

    f = csv(tmp_path, "same.csv", "region,year,value\n" + "AA-R0,2013,1.5\n" * 2000)
    err = error_of(read_observations, f, cls=ValidationError)
    assert len(err.problems) == 2000
    text = err.problems["problem"].iat[0]
    assert text == ("duplicate (region, year, indicator) = ('AA-R0', 2013, 'same') in rows "
                    "2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 1990 more (2000 copies)")
    assert err.problems["problem"].nunique() == 1
    obs, report = read_observations(f, on_error="set_aside")
    assert len(obs) == 0 and len(report.set_aside) == 2000


def test_a_wide_file_with_thousands_of_columns_reads_like_a_narrow_one(tmp_path):
    years = list(range(1950, 2020))
    other = [f"note{i}" for i in range(3000)]
    rng = np.random.default_rng(7)
    values = rng.uniform(1, 100, (3, len(years))).round(2)
    lines = [",".join(["region", *map(str, years), *other])]
    for r, row in zip(["A", "B", "C"], values, strict=True):
        lines.append(",".join([r, *map(str, row), *(["x"] * len(other))]))
    f = csv(tmp_path, "wide.csv", "\n".join(lines) + "\n\n")
    table = read_table(f)
    assert table.shape == (3, 1 + len(years) + len(other)) and list(table.index) == [2, 3, 4]
    panel = read_panel(f)
    assert np.array_equal(panel.to_matrix().values, values)
    assert list(panel.times) == years
    ragged = csv(tmp_path, "ragged.csv", "\n".join(lines[:2]) + "\n" + lines[2] + ",extra\n")
    err = error_of(read_table, ragged)
    assert (err.row, err.reason) == (3, f"{len(years) + len(other) + 2} fields where the rows above "
                                        f"have {len(years) + len(other) + 1}: a stray delimiter, a "
                                        "missing quote, or a decimal comma in a comma-delimited "
                                        "file")


def test_from_matrix_groups_series_never_silently_misaligned():
    from crossborder.panel import Panel

    table = pd.DataFrame({"region": ["A", "B"], "country": ["X", "Y"]})
    p = Panel.from_matrix([[1.0], [2.0]], regions=table["region"], groups=table["country"])
    assert p.group_labels().to_dict() == {"A": "X", "B": "Y"}
    by_region = pd.Series({"B": "Y", "A": "X"})
    assert Panel.from_matrix([[1.0], [2.0]], regions=["A", "B"],
                             groups=by_region).group_labels().to_dict() == {"A": "X", "B": "Y"}
    # a Series indexed by nothing of the regions is read by position, never as missing groups
    p = Panel.from_matrix([[1.0], [2.0]], regions=["A", "B"],
                          groups=pd.Series(["X", "Y"], index=[10, 11]))
    assert p.group_labels().to_dict() == {"A": "X", "B": "Y"}
    # a Series covering only some regions leaves the others without a group: an error
    err = error_of(Panel.from_matrix, [[1.0], [2.0]], regions=["A", "B"],
                   groups=pd.Series({"A": "X"}))
    assert err.reason.startswith("region 'B' has no group")


def test_conversion_sets_aside_values_not_in_the_countrys_own_currency(tmp_path):
    from crossborder.dataset import _foreign_currency

    obs = pd.DataFrame({"country": ["KZ", "KZ", "KZ", "RU"], "unit": ["KZT", "KZT", "RUB", "RUB"],
                        "currency": ["KZT", "KZT", "RUB", "RUB"]})
    assert _foreign_currency(obs, "USD").tolist() == [False, False, True, False]
    obs.loc[3, ["unit", "currency"]] = ["persons", None]
    assert error_of(_foreign_currency, obs, "USD", cls=UnitError).reason == (
        "cannot convert 'persons' to USD: the unit names no currency")
