"""Write the small input files of tests/data/good and tests/data/bad (run once; outputs committed).

    python tests/data/make_bad_files.py

Every file is tiny and written byte by byte here, so that what each one holds is documented: the
malformed inputs of issue 7 (empty file, header only, wrong delimiter, decimal commas, cp1251,
UTF-8 with BOM, BOM-less UTF-16, duplicates, text in numeric columns, years as strings, unknown
region codes, mixed units, zero and negative incomes under a log, a single region, a single year,
all-equal values, an unbalanced panel; invalid, empty, sliver, mixed-CRS and CRS-less geometry).
The 2 GB CSV is not here: tests/test_bad_inputs.py generates it in a temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOOD = HERE / "good"
BAD = HERE / "bad"

# four square regions on two sides of a border at latitude 51 (country RU north, KZ south)
SQUARES = {
    "RU-ORE": [(50, 51), (52, 51), (52, 53), (50, 53)],
    "RU-SAM": [(52, 51), (54, 51), (54, 53), (52, 53)],
    "KZ-ZAP": [(50, 49), (52, 49), (52, 51), (50, 51)],
    "KZ-AKT": [(52, 49), (54, 49), (54, 51), (52, 51)],
}
NAMES = {"RU-ORE": ("Orenburg Oblast", "Оренбургская область"),
         "RU-SAM": ("Samara Oblast", "Самарская область"),
         "KZ-ZAP": ("West Kazakhstan", "Батыс Қазақстан облысы"),
         "KZ-AKT": ("Aktobe Region", "Ақтөбе облысы")}
YEARS = (2017, 2018, 2019)
# grp per capita: RU in thousand RUB, KZ in thousand KZT
GRP = {"RU-ORE": (380.5, 402.25, 431.0), "RU-SAM": (420.75, 441.5, 470.0),
       "KZ-ZAP": (2900.0, 3150.5, 3380.25), "KZ-AKT": (2400.5, 2610.0, 2890.75)}
POP = {"RU-ORE": (1990.0, 1977.7, 1962.9), "RU-SAM": (3193.5, 3183.0, 3179.0),
       "KZ-ZAP": (646.7, 652.3, 655.3), "KZ-AKT": (857.7, 869.6, 881.7)}
UNIT = {"RU": "thousand RUB", "KZ": "thousand KZT"}


def ring(points: list[tuple[float, float]]) -> list[list[float]]:
    return [list(map(float, p)) for p in [*points, points[0]]]


def feature(props: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def polygon(points: list[tuple[float, float]]) -> dict:
    return {"type": "Polygon", "coordinates": [ring(points)]}


def collection(features: list[dict], crs: str | None = None) -> str:
    doc: dict = {"type": "FeatureCollection"}
    if crs is not None:  # the legacy GeoJSON 2008 "crs" member, which GDAL reads
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    doc["features"] = features
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)


def long_rows(indicators: tuple[str, ...] = ("grp_pc", "population")) -> list[str]:
    rows = ["region,year,indicator,value,unit,source"]
    for code in SQUARES:
        country = code[:2]
        for i, y in enumerate(YEARS):
            if "grp_pc" in indicators:
                rows.append(f"{code},{y},grp_pc,{GRP[code][i]},{UNIT[country]},STAT_{country}")
            if "population" in indicators:
                rows.append(f"{code},{y},population,{POP[code][i]},thousand persons,"
                            f"STAT_{country}")
    return rows


def mercator(lon: float, lat: float) -> tuple[float, float]:
    import math

    r = 6378137.0
    return (round(r * math.radians(lon), 3),
            round(r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)), 3))


def make_good() -> None:
    feats = [feature({"region": c, "name": NAMES[c][0], "name_local": NAMES[c][1],
                      "country": c[:2], "border": "true"}, polygon(pts))
             for c, pts in SQUARES.items()]
    write(GOOD / "regions.geojson", collection(feats))
    write(GOOD / "long.csv", "\n".join(long_rows()) + "\n")
    wide = ["region,2017,2018,2019"] + [f"{c},{','.join(map(str, GRP[c]))}"
                                        for c in SQUARES if c.startswith("RU")]
    write(GOOD / "wide_ru.csv", "\n".join(wide) + "\n")
    write(GOOD / "sources.csv",
          "source,citation,where_found,licence\n"
          "STAT_RU,\"Rosstat, regions of Russia (test figures)\",tests,public\n"
          "STAT_KZ,\"Bureau of National Statistics of Kazakhstan (test figures)\",tests,public\n")
    _excel_and_parquet()


def _excel_and_parquet() -> None:
    import openpyxl
    import pandas as pd

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "notes"
    ws.append(["test workbook: the data are on sheet 'grp'"])
    ws2 = wb.create_sheet("grp")
    ws2.append(["region", "Y2017", "Y2018", "Y2019"])
    for c in SQUARES:
        if c.startswith("KZ"):
            ws2.append([c, *GRP[c]])
    ws2.append([])
    ws2.append(["Source: test figures", None, None, None])
    wb.properties.created = wb.properties.modified = __import__("datetime").datetime(2020, 1, 1)
    wb.save(GOOD / "wide_kz.xlsx")
    rows = [r.split(",") for r in long_rows(("population",))[1:]]
    df = pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit", "source"])
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    df.to_parquet(GOOD / "population.parquet", index=False)


def make_bad_tables() -> None:
    write(BAD / "empty.csv", b"")
    write(BAD / "header_only.csv", "region,year,value\n")
    write(BAD / "wrong_delimiter.csv",
          "region|year|value\nRU-ORE|2019|431.0\nRU-SAM|2019|470.0\n")
    write(BAD / "ragged.csv", "region,year,value\nRU-ORE,2019,431.0\nRU-SAM,2019,470,0\n")
    # decimal commas with spaces (one a no-break space) as thousands separators, ; delimited
    write(BAD / "decimal_comma.csv",
          "region;year;value\nRU-ORE;2019;1 234,5\nRU-SAM;2019;1\u00a0470,25\n"
          "KZ-ZAP;2019;3 380,75\nKZ-AKT;2019;2,5\n")
    write(BAD / "decimal_comma_dots.csv",
          "region;year;value\nRU-ORE;2019;1.234,5\nRU-SAM;2019;1.470.000\nKZ-ZAP;2019;12,5\n")
    write(BAD / "mixed_decimal_marks.csv",
          "region,year,value\nRU-ORE,2019,\"1,5\"\nRU-SAM,2019,2.75\n")
    write(BAD / "ambiguous_thousands.csv",
          "region,year,value\nRU-ORE,2019,\"1,234\"\nRU-SAM,2019,\"2,500\"\n")
    cyr = ("регион;год;показатель;значение;единица\n"
           "RU-ORE;2019;ВРП на душу;431,0;тыс. руб.\n"
           "RU-SAM;2019;ВРП на душу;470,5;тыс. руб.\n")
    write(BAD / "cp1251.csv", cyr, "cp1251")
    write(BAD / "utf8_bom.csv", "\ufeffregion,year,value,name\nRU-ORE,2019,431.0,Оренбург\n"
                                "RU-SAM,2019,470.0,Самара\n")
    body = ("region\tyear\tvalue\tname\nRU-ORE\t2019\t431.0\tОренбург\n"
            "RU-SAM\t2019\t470.0\tСамара\n")
    write(BAD / "utf16le_nobom.csv", body, "utf-16-le")
    write(BAD / "utf16be_nobom.csv", body, "utf-16-be")
    write(BAD / "binary.csv", bytes(range(256)) * 4)
    write(BAD / "duplicates.csv",
          "region,year,indicator,value\nRU-ORE,2018,grp_pc,402.25\nRU-ORE,2019,grp_pc,431.0\n"
          "RU-SAM,2019,grp_pc,470.0\nRU-ORE,2019,grp_pc,413.0\n")
    # text in a numeric column: missing marks (set aside, reported) and a spaced decimal comma
    write(BAD / "text_in_numeric.csv",
          "region;year;value\nRU-ORE;2017;n/a\nRU-ORE;2018;–\nRU-ORE;2019;1 234,5\n"
          "RU-SAM;2017;..\nRU-SAM;2018;\nRU-SAM;2019;470,0\n")
    write(BAD / "not_a_number.csv",
          "region,year,value\nRU-ORE,2017,380.5\nRU-ORE,2018,402.25\nRU-ORE,2019,approx. 431\n")
    write(BAD / "years_as_strings.csv",
          "region,year,value\nRU-ORE,2016 год,360.0\nRU-ORE,2017 г.,380.5\nRU-ORE,2018г,402.25\n"
          "RU-ORE,Y2019,431.0\n")
    write(BAD / "bad_year.csv", "region,year,value\nRU-ORE,2019,431.0\nRU-ORE,2019-2020,1.0\n")
    write(BAD / "year_out_of_range.csv",
          "region,year,value\nRU-ORE,2019,431.0\nRU-ORE,2190,1.0\nRU-SAM,1019,2.0\n")
    write(BAD / "unknown_region.csv",
          "region,year,value\nRU-ORE,2019,431.0\nRU-XXX,2019,12.0\nKZ-AKT,2019,2890.75\n")
    # a panel mixing RUB and KZT (no conversion) and one country mixing two scales of roubles
    rows = ["region,year,indicator,value,unit"]
    for c in SQUARES:
        rows.append(f"{c},2019,grp_pc,{GRP[c][2]},{UNIT[c[:2]]}")
    write(BAD / "mixed_units.csv", "\n".join(rows) + "\n")
    write(BAD / "mixed_units_one_country.csv",
          "region,year,indicator,value,unit\nRU-ORE,2019,grp_pc,431.0,thousand RUB\n"
          "RU-SAM,2019,grp_pc,470000,RUB\n")
    write(BAD / "log_nonpositive.csv",
          "region,year,indicator,value\nRU-ORE,2019,income,431.0\nRU-SAM,2019,income,0\n"
          "KZ-ZAP,2019,income,-5\nKZ-AKT,2019,income,12.5\n")
    write(BAD / "single_region.csv", "region,2017,2018,2019\nRU-ORE,380.5,402.25,431.0\n")
    write(BAD / "single_year.csv",
          "region,year,value\nRU-ORE,2019,431.0\nRU-SAM,2019,470.0\nKZ-ZAP,2019,3380.25\n")
    write(BAD / "all_equal.csv",
          "region,2018,2019\nRU-ORE,100,100\nRU-SAM,100,100\nKZ-ZAP,100,100\n")
    write(BAD / "unbalanced.csv",
          "region,2017,2018,2019\nRU-ORE,380.5,,431.0\nRU-SAM,,441.5,470.0\nKZ-ZAP,2900,3150.5,\n")


def make_bad_geometry() -> None:
    # a bow-tie: the ring crosses itself at (51, 52)
    bowtie = {"type": "Polygon", "coordinates": [ring([(50, 51), (52, 53), (52, 51), (50, 53)])]}
    feats = [feature({"region": "RU-ORE", "country": "RU"}, bowtie),
             feature({"region": "RU-SAM", "country": "RU"}, polygon(SQUARES["RU-SAM"]))]
    write(BAD / "invalid_bowtie.geojson", collection(feats))
    # empty geometry: null and an empty polygon
    feats = [feature({"region": "RU-ORE"}, None),
             feature({"region": "RU-SAM"}, {"type": "Polygon", "coordinates": []}),
             feature({"region": "KZ-ZAP"}, polygon(SQUARES["KZ-ZAP"]))]
    write(BAD / "empty_geometry.geojson", collection(feats))
    # a multipolygon with a sliver of about 0.0001 km² beside the main square
    sliver = [(54.0005, 52.0), (54.0006, 52.0), (54.0006, 52.0001), (54.0005, 52.0001)]
    island = [(54.2, 52.2), (54.3, 52.2), (54.3, 52.3), (54.2, 52.3)]  # ~76 km²: kept
    multi = {"type": "MultiPolygon", "coordinates": [[ring(SQUARES["RU-SAM"])], [ring(sliver)],
                                                     [ring(island)]]}
    feats = [feature({"region": "RU-SAM"}, multi),
             feature({"region": "RU-ORE"}, polygon(SQUARES["RU-ORE"]))]
    write(BAD / "slivers.geojson", collection(feats))
    # mixed CRS: the Russian side in EPSG:4326, the Kazakh side in Web Mercator (EPSG:3857)
    feats = [feature({"region": c}, polygon(SQUARES[c])) for c in ("RU-ORE", "RU-SAM")]
    write(BAD / "mixed_crs_4326.geojson", collection(feats, "urn:ogc:def:crs:OGC:1.3:CRS84"))
    feats = [feature({"region": c}, polygon([mercator(*p) for p in SQUARES[c]]))
             for c in ("KZ-ZAP", "KZ-AKT")]
    write(BAD / "mixed_crs_3857.geojson", collection(feats, "urn:ogc:def:crs:EPSG::3857"))
    # Web Mercator metres in a GeoJSON without a crs member: read as WGS 84 by GDAL
    write(BAD / "projected_without_crs.geojson", collection(feats))
    _shapefile_without_prj()


def _shapefile_without_prj() -> None:
    import geopandas as gpd
    from shapely.geometry import Polygon

    out = BAD / "missing_crs"
    out.mkdir(exist_ok=True)
    gdf = gpd.GeoDataFrame({"region": list(SQUARES)},
                           geometry=[Polygon(p) for p in SQUARES.values()], crs=None)
    gdf.to_file(out / "regions.shp", engine="pyogrio")
    for extra in ("regions.prj", "regions.cpg"):
        (out / extra).unlink(missing_ok=True)


if __name__ == "__main__":
    make_good()
    make_bad_tables()
    make_bad_geometry()
    print(f"wrote {len(list(GOOD.iterdir()))} good and {len(list(BAD.rglob('*.*')))} bad files")
