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
    assert error_of(read_regions, folder).reason.startswith("not a file (a folder?)")


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
