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
