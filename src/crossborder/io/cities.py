"""Cities (points with a name and a population) from the user's files, placed in their regions.

A table (CSV/TSV/Excel/Parquet, read with :func:`~crossborder.io.tables.read_table`) with
longitude and latitude columns, or a GeoJSON/GeoPackage/shapefile of points. The columns are
named by the caller or found by their usual names (case-insensitive):

- name: ``city``, ``name``, ``town``, ``place``, ``settlement``, ``locality``;
- population: ``population``, ``pop``, ``inhabitants``, ``pop_total``, ``people``;
- longitude / latitude (tables only): ``lon``/``lng``/``long``/``longitude``/``x`` and
  ``lat``/``latitude``/``y``;
- optional: ``region``, ``country``, ``capital`` (true/false, yes/no, 1/0; empty = false).

A city's region and country come from its columns when present, else from the region polygon
the point falls in (point-in-polygon join, boundary included; a point on the edge of two
polygons goes to the first and is reported). Cities outside every polygon are set aside and
reported with their names; exact duplicates (same name at the same place) are set aside and
reported; the same name at different places is kept and reported. Every error names the file,
the row (header = row 1; features numbered from 1) and the column.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from ..errors import DataError
from ..validate import ReadReport
from .numbers import parse_numbers
from .observations import ReadResult
from .tables import check_plain_file, file_label, read_table

__all__ = ["read_cities", "CITY_COLUMNS", "GEO_SUFFIXES"]

#: Suffixes read as point geometry files; anything else is a table.
GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".fgb")
#: Usual names of each role, in order of preference.
CITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("city", "name", "town", "place", "settlement", "locality", "city_name"),
    "population": ("population", "pop", "inhabitants", "pop_total", "people"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "lat": ("lat", "latitude", "y"),
    "region": ("region",),
    "country": ("country",),
    "capital": ("capital", "is_capital"),
}
_ARG = {"name": "name_col", "population": "pop_col", "lon": "lon_col", "lat": "lat_col",
        "region": "region_col", "country": "country_col", "capital": "capital_col"}
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f", ""}


def _find(columns: list[str], name: str) -> str | None:
    if name in columns:
        return name
    low = {c.strip().lower(): c for c in columns}
    return low.get(name.strip().lower())


def _pick(columns: list[str], role: str, given: str | None, file: str, *, required: bool
          ) -> str | None:
    """The column playing ``role``: the one given (an error when absent) or a usual name."""
    if given is not None:
        col = _find(columns, given)
        if col is None:
            raise DataError(f"no column {given!r} for the city {role} (columns: {columns})",
                            file=file, column=given)
        return col
    for name in CITY_COLUMNS[role]:
        col = _find(columns, name)
        if col is not None:
            return col
    if required:
        usual = ", ".join(CITY_COLUMNS[role])
        raise DataError(f"no column of the city {role} (looked for {usual}; columns: {columns}): "
                        f"pass {_ARG[role]}='<column>'", file=file)
    return None


def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str).str.strip()


def _numbers(raw: pd.Series, file: str, column: str, report: ReadReport) -> pd.Series:
    """Numbers of a column (decimal commas, spaces as thousands separators), repairs reported."""
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return pd.to_numeric(raw, errors="coerce").astype(float)
    parsed = parse_numbers(_text(raw), file=file, column=column)
    for what, count, rows, examples in parsed.repairs:
        report.repair(what, column=column, count=count, rows=rows, examples=examples)
    return parsed.values


def _first_bad(mask: pd.Series | np.ndarray, index: pd.Index) -> Any:
    return index[np.flatnonzero(np.asarray(mask))[0]]


def _short(names: list[str], n: int = 5) -> str:
    return ", ".join(map(str, names[:n])) + (f" ... ({len(names)} in all)" if len(names) > n else "")


def _read_points(path: Path, file: str, crs: Any, layer: str | None
                 ) -> tuple[pd.DataFrame, np.ndarray | None]:
    """(attributes as read, lon/lat array) of a point file; features numbered from 1."""
    try:
        gdf = gpd.read_file(path, layer=layer)
    except Exception as exc:  # noqa: BLE001 - GDAL's many error types: one message with the file
        raise DataError(f"cannot read the points: {str(exc).splitlines()[0][:200]}",
                        file=file) from None
    if gdf.crs is None:
        if crs is None:
            raise DataError("the points have no coordinate reference system (a shapefile "
                            "without its .prj file?): pass the cities' crs='EPSG:....'",
                            file=file)
        gdf = gdf.set_crs(crs)
    gdf.index = pd.RangeIndex(1, len(gdf) + 1, name="row")
    geom = gdf.geometry
    missing = geom.isna() | geom.is_empty
    if missing.any():
        raise DataError("a city without a location (empty geometry)",
                        file=file, row=int(_first_bad(missing, gdf.index)), column="geometry")
    kinds = geom.geom_type
    if (kinds != "Point").any():
        r = int(_first_bad(kinds != "Point", gdf.index))
        raise DataError(f"cities must be points, this feature is a {kinds.loc[r]}", file=file,
                        row=r, column="geometry")
    geom = geom.to_crs("EPSG:4326")
    xy = shapely.get_coordinates(np.asarray(geom.values, dtype=object))
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), xy


def read_cities(
    path: str | os.PathLike[str],
    *,
    regions: gpd.GeoDataFrame | None = None,
    name_col: str | None = None,
    pop_col: str | None = None,
    lon_col: str | None = None,
    lat_col: str | None = None,
    region_col: str | None = None,
    country_col: str | None = None,
    capital_col: str | None = None,
    id_col: str = "region",
    group_col: str = "country",
    crs: Any = None,
    layer: str | None = None,
) -> ReadResult:
    """Cities (a point GeoDataFrame in EPSG:4326) and the :class:`ReadReport` of reading them.

    Columns: ``city``, ``population`` (float; NaN where the file has none, reported),
    ``lon``, ``lat``, ``region``, ``country``, ``capital`` (only when the file has one), the
    geometry; the index is the row of the file. ``regions`` (polygons with ``id_col`` and
    ``group_col``) give each city without a region or country column (or cell) the region and
    country of the polygon it falls in; a city in no polygon is set aside and reported. Without
    ``regions`` every city needs a country. ``crs`` applies to a point file without one.
    """
    file = file_label(path)
    p = Path(path)
    check_plain_file(p, file, "the cities file itself")
    report = ReadReport(file=file)
    if p.suffix.lower() in GEO_SUFFIXES:
        table, xy = _read_points(p, file, crs, layer)
    else:
        if crs is not None:
            raise DataError("crs= applies to a file of points; a table's lon/lat are degrees "
                            "(EPSG:4326)", file=file)
        table, xy = read_table(p), None
    columns = [str(c) for c in table.columns]
    table.columns = columns
    if len(table) == 0:
        raise DataError("no cities in the file", file=file)
    used: dict[str, str] = {}
    given = {"name": name_col, "population": pop_col, "lon": lon_col, "lat": lat_col,
             "region": region_col, "country": country_col, "capital": capital_col}
    for role in ("name", "population", "region", "country", "capital"):
        col = _pick(columns, role, given[role], file, required=role in ("name", "population"))
        if col is not None:
            used[role] = col
    if xy is not None and (lon_col or lat_col):
        raise DataError("lon_col/lat_col apply to a table: this file's points carry their "
                        "coordinates", file=file)
    if xy is None:
        for role in ("lon", "lat"):
            used[role] = _pick(columns, role, given[role], file, required=True)
        if used["lon"] == used["lat"]:
            raise DataError(f"the same column {used['lon']!r} for longitude and latitude",
                            file=file, column=used["lon"])
    roles = list(used.values())
    twice = {c for c in roles if roles.count(c) > 1}
    if twice:
        c = sorted(twice)[0]
        raise DataError(f"column {c!r} is named for two roles "
                        f"({', '.join(r for r, v in used.items() if v == c)})", file=file, column=c)
    report.info.update({"format": "points" if xy is not None else "table", "rows": len(table),
                        "columns": dict(used)})

    idx = table.index
    out = pd.DataFrame(index=idx)
    names = _text(table[used["name"]])
    if (names == "").any():
        raise DataError("a city without a name", file=file, row=_first_bad(names == "", idx),
                        column=used["name"])
    out["city"] = names
    pop = _numbers(table[used["population"]], file, used["population"], report)
    if (pop < 0).any():
        r = _first_bad(pop < 0, idx)
        raise DataError(f"a negative population ({pop.loc[r]:g})", file=file, row=r,
                        column=used["population"])
    if pop.isna().any():
        report.warn(f"{int(pop.isna().sum())} cities without a population (kept; they count as "
                    f"0 in sums and pass no minimum): {_short(list(names[pop.isna()]))}")
    out["population"] = pop.astype(float)
    if xy is None:
        for role, low, high in (("lon", -180.0, 180.0), ("lat", -90.0, 90.0)):
            col = used[role]
            v = _numbers(table[col], file, col, report)
            if v.isna().any():
                raise DataError("a city without a coordinate", file=file,
                                row=_first_bad(v.isna(), idx), column=col)
            bad = (v < low) | (v > high)
            if bad.any():
                r = _first_bad(bad, idx)
                swap = " (are longitude and latitude swapped?)" if role == "lat" else ""
                raise DataError(f"{v.loc[r]:g} is not a {'longitude' if role == 'lon' else 'latitude'}"
                                f" (must be within {low:g}..{high:g}){swap}", file=file, row=r,
                                column=col)
            out[role] = v.to_numpy(dtype=float)
    else:
        out["lon"], out["lat"] = xy[:, 0], xy[:, 1]
    for role in ("region", "country"):
        if role in used:
            t = _text(table[used[role]])
            out[role] = t.where(t != "", None)
        else:
            out[role] = None
    if "capital" in used:
        t = _text(table[used["capital"]]).str.lower()
        bad = ~t.isin(_TRUE | _FALSE)
        if bad.any():
            r = _first_bad(bad, idx)
            raise DataError(f"{table[used['capital']].loc[r]!r} is not true/false (yes/no, 1/0)",
                            file=file, row=r, column=used["capital"])
        out["capital"] = t.isin(_TRUE).to_numpy()

    out = _duplicates(out, report)
    out = _place(out, regions, id_col, group_col, report, used)
    geometry = gpd.points_from_xy(out["lon"], out["lat"])
    cities = gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4326")
    cities.index.name = "row"
    report.info["cities"] = len(cities)
    return ReadResult(cities, report)


def _duplicates(out: pd.DataFrame, report: ReadReport) -> pd.DataFrame:
    """Exact duplicates (name and place) set aside; one name at several places reported."""
    key = out[["city", "lon", "lat"]]
    dup = key.duplicated(keep="first").to_numpy()
    if dup.any():
        rows = out.index[dup]
        aside = pd.DataFrame({"row": rows, "column": "city", "value": out.loc[dup, "city"]})
        report.set_rows_aside(aside, "duplicate city (same name and place as an earlier row)")
        shown = [f"{c} (row {r})" for r, c in zip(rows, out.loc[dup, "city"], strict=True)]
        report.warn(f"{int(dup.sum())} duplicate cities set aside (same name and place as an "
                    f"earlier row): {_short(shown)}")
        out = out[~dup]
    same = out[out["city"].duplicated(keep=False)]
    if len(same):
        shown = [f"{c} (rows {', '.join(map(str, g.index))})" for c, g in same.groupby("city")]
        report.warn(f"{len(shown)} city name(s) at different places (all kept): {_short(shown)}")
    return out


#: A city whose stated country the polygons contradict is placed in the nearest region of its
#: stated country when that region is at most this far (km): polygons of two national sources
#: (or generalised ones) put cities on the border line on the wrong side.
STATED_COUNTRY_KM = 5.0


def _by_stated_country(out: pd.DataFrame, rows: pd.Index, clash: np.ndarray,
                       polys: gpd.GeoDataFrame, code: np.ndarray, group: np.ndarray,
                       report: ReadReport) -> np.ndarray:
    """Cities in ``clash`` within :data:`STATED_COUNTRY_KM` of a polygon of their stated
    country get its nearest region (said once); returns the clashes left."""
    geod = Geod(ellps="WGS84")
    geoms = np.asarray(polys.geometry.values, dtype=object)
    placed = []
    left = clash.copy()
    for k in np.flatnonzero(clash):
        r = rows[k]
        stated = out.at[r, "country"]
        mine = np.flatnonzero(group == stated)
        if not len(mine):
            continue
        pt = shapely.Point(out.at[r, "lon"], out.at[r, "lat"])
        near = shapely.shortest_line(np.full(len(mine), pt, dtype=object), geoms[mine])
        xy = shapely.get_coordinates(near).reshape(-1, 2, 2)
        _, _, d = geod.inv(xy[:, 0, 0], xy[:, 0, 1], xy[:, 1, 0], xy[:, 1, 1])
        best = int(np.argmin(d))
        if d[best] <= STATED_COUNTRY_KM * 1000.0:
            out.at[r, "region"] = code[mine[best]]
            placed.append(f"{out.at[r, 'city']} ({stated}, {d[best] / 1000:.2g} km from "
                          f"{code[mine[best]]})")
            left[k] = False
    if placed:
        report.warn(f"{len(placed)} cities on the border line fall in a polygon of the other side "
                    f"(the two sides' polygons do not match there): placed by their stated "
                    f"country in its nearest region: {_short(placed)}")
    return left


def _place(out: pd.DataFrame, regions: gpd.GeoDataFrame | None, id_col: str, group_col: str,
           report: ReadReport, used: dict[str, str]) -> pd.DataFrame:
    """Region and country from the polygons where the file gives none; cities outside every
    polygon set aside and reported."""
    need = out["region"].isna() | out["country"].isna()
    if regions is None:
        if out["country"].isna().any():
            r = _first_bad(out["country"].isna(), out.index)
            where = f"column {used['country']!r} is empty" if "country" in used else \
                "there is no country column"
            raise DataError(f"{where} and no region polygons are given to place the cities in: "
                            "pass country_col='<column>' or the regions", file=report.file,
                            row=r, column=used.get("country"))
        return out
    known = dict(zip(regions[id_col].astype(str), regions[group_col], strict=False)) \
        if group_col in regions else {}
    named = out["region"].notna()
    unknown = named & ~out["region"].isin(set(regions[id_col].astype(str)))
    if unknown.any():
        report.warn(f"{int(unknown.sum())} cities name a region that is not among the regions: "
                    f"{_short(sorted(set(out.loc[unknown, 'region'])))}")
    fill = named & ~unknown & out["country"].isna()
    if fill.any():
        out = out.copy()
        out.loc[fill, "country"] = out.loc[fill, "region"].map(known)
        report.repair("country taken from the region of each city", column="country",
                      count=int(fill.sum()), rows=list(out.index[fill]))
    need = out["region"].isna() | out["country"].isna()
    if not need.any():
        return out
    polys = regions[regions.geometry.notna() & ~regions.geometry.is_empty].reset_index(drop=True)
    polys = polys.to_crs("EPSG:4326") if polys.crs is not None else polys
    pts = shapely.points(out.loc[need, "lon"].to_numpy(), out.loc[need, "lat"].to_numpy())
    pi, ri = shapely.STRtree(np.asarray(polys.geometry.values, dtype=object)).query(
        pts, predicate="intersects")
    order = np.lexsort((ri, pi))
    pi, ri = pi[order], ri[order]
    first = np.unique(pi, return_index=True)
    owner = np.full(len(pts), -1)
    owner[first[0]] = ri[first[1]]
    on_edge = np.bincount(pi, minlength=len(pts)) > 1
    rows = out.index[need.to_numpy()]
    code = polys[id_col].astype(str).to_numpy(dtype=object)
    group = (polys[group_col].to_numpy(dtype=object) if group_col in polys
             else np.full(len(polys), None, dtype=object))
    inside = owner >= 0
    found_region = pd.Series(np.where(inside, code[np.maximum(owner, 0)], None), index=rows)
    found_country = pd.Series(np.where(inside, group[np.maximum(owner, 0)], None), index=rows)
    out = out.copy()
    given_country = out.loc[rows, "country"]
    clash = inside & given_country.notna().to_numpy() & out.loc[rows, "region"].isna().to_numpy() \
        & (given_country.to_numpy(dtype=object) != found_country.to_numpy(dtype=object))
    fill_r = out.loc[rows, "region"].isna().to_numpy() & inside & ~clash
    fill_c = given_country.isna().to_numpy() & inside
    if clash.any():
        clash = _by_stated_country(out, rows, clash, polys, code, group, report)
    out.loc[rows[fill_r], "region"] = found_region[fill_r].to_numpy()
    out.loc[rows[fill_c], "country"] = found_country[fill_c].to_numpy()
    for role, mask in (("region", fill_r), ("country", fill_c)):
        if mask.any():
            report.repair(f"{role} taken from the polygon each city falls in", column=role,
                          count=int(mask.sum()), rows=list(rows[mask]))
    if clash.any():
        shown = [f"{c} ({g} by the file, in {r} by the polygons)" for c, g, r in zip(
            out.loc[rows[clash], "city"], given_country[clash], found_region[clash], strict=True)]
        report.warn(f"{int(clash.sum())} cities fall in a polygon of another country than their "
                    f"country column says (generalised polygons?): kept without a region: "
                    f"{_short(shown)}")
    if (on_edge & ~clash).any():
        report.warn(f"{int((on_edge & ~clash).sum())} cities lie on the edge of two regions: "
                    f"placed in the first: {_short(list(out.loc[rows[on_edge & ~clash], 'city']))}")
    outside = ~inside
    if outside.any():
        gone = rows[outside]
        aside = pd.DataFrame({"row": gone, "column": "lon/lat", "value": out.loc[gone, "city"]})
        report.set_rows_aside(aside, "city outside every region polygon")
        report.warn(f"{int(outside.sum())} cities outside every region polygon (set aside): "
                    f"{_short(list(out.loc[gone, 'city']))}")
        out = out.drop(index=gone)
    if len(out) == 0:
        raise DataError("no city falls in a region polygon (are longitude and latitude "
                        "swapped, or the cities of another area?)", file=report.file)
    return out
