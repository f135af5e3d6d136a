"""A :class:`~crossborder.dataset.Dataset` for the user's own border: regions file + data files.

``read_dataset(regions=..., data=[...], sources=None)`` reads the regions (GeoJSON, shapefile,
GeoPackage, or a plain table without geometry), each data file (long or wide, see
:func:`~crossborder.io.read_observations`), validates all observations together (duplicates across
files are found too, each named by file and row) and fills the Dataset's region columns:

- ``name``: the ``name`` column (or ``name_col``), else the code; ``name_local``: that column if
  present, else the name;
- ``country``: the ``country`` column (or ``country_col``), else the ISO 3166-2 prefix of the code
  ("RU-ALT" -> "RU", reported as a repair), else missing (a warning);
- ``kind`` and ``capital``: those columns if present; ``part_of``: that column if present;
- ``border``: a ``border`` column if present (true/false, yes/no, 1/0), else False: the border
  regions are computed from the geometry by the border module;
- ``analysis_unit``: that column if present, else True for every region that is not part of
  another region of the table;
- ``geometry_basis``: ``"own"`` for a region with a polygon, ``"none"`` without.

Without a sources table, one source row per data file is made (``source`` = the file's name); a
``source`` code used in the data but missing from a given sources table gets a row saying so
(and a warning). The report (repairs, warnings, each file's facts in ``report.info["files"]``) is
``dataset.meta["report"]``; rows set aside are ``dataset.meta["set_aside"]``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import DataError
from ..validate import ReadReport, near_codes, validate_observations
from .observations import _finish, _read_observation_frame
from .regions import DEFAULT_SLIVER_KM2, read_regions
from .tables import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_UNPACKED_BYTES,
    EXCEL_SUFFIXES,
    PARQUET_SUFFIXES,
    TEXT_SUFFIXES,
    read_table,
)

__all__ = ["read_dataset", "REGION_COLUMNS"]

REGION_COLUMNS = ["region", "name", "name_local", "country", "kind", "border", "capital",
                  "part_of", "analysis_unit", "geometry_basis"]
_TRUE = {"true", "t", "yes", "y", "1", "да", "x", "border"}
_FALSE = {"false", "f", "no", "n", "0", "нет", "", "interior"}
_ISO_PREFIX = re.compile(r"^([A-Z]{2})-[A-Z0-9]")


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    if isinstance(x, str | os.PathLike):
        return [x]
    return list(x)


def _table_suffix(p: Path) -> bool:
    s = p.suffix.lower()
    return s in TEXT_SUFFIXES or s in EXCEL_SUFFIXES or s in PARQUET_SUFFIXES


def _read_region_input(regions: Any, *, id_col: str, name_col: str | None,
                       country_col: str | None, layer: Any, crs: Any, sliver_km2: float | None,
                       report: ReadReport) -> gpd.GeoDataFrame | None:
    if regions is None:
        return None
    if isinstance(regions, gpd.GeoDataFrame):
        gdf = regions.copy()
        if gdf.crs is None:
            raise DataError("the regions GeoDataFrame has no CRS: set one (gdf.set_crs(...))")
        gdf = gdf.to_crs("EPSG:4326")
        if id_col != "region":
            gdf = gdf.rename(columns={id_col: "region"})
        return gdf.rename_geometry("geometry") if gdf.geometry.name != "geometry" else gdf
    if isinstance(regions, pd.DataFrame):
        df = regions.rename(columns={id_col: "region"}) if id_col != "region" else regions
        return gpd.GeoDataFrame(df.copy(), geometry=gpd.GeoSeries([None] * len(df),
                                                                  index=df.index,
                                                                  crs="EPSG:4326"))
    paths = _as_list(regions)
    if len(paths) == 1 and _table_suffix(Path(paths[0])) and Path(paths[0]).suffix != "":
        table = read_table(paths[0])
        col = next((c for c in table.columns if c.strip().lower() == id_col.lower()), None)
        if col is None:
            raise DataError(f"no column {id_col!r} with the region codes (columns: "
                            f"{list(table.columns)})", file=str(paths[0]), column=id_col)
        table = table.rename(columns={col: "region"})
        report.warn(f"{paths[0]}: a table without geometry: regions have no polygons")
        return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries([None] * len(table),
                                                              index=table.index,
                                                              crs="EPSG:4326"))
    gdf, rep = read_regions(paths, id_col=id_col, name_col=name_col, country_col=country_col,
                            layer=layer, crs=crs, sliver_km2=sliver_km2)
    report.extend(rep)
    return gdf


def _bools(values: pd.Series, column: str, file: str | None) -> np.ndarray:
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip().str.lower()
    out = text.isin(_TRUE).to_numpy()
    bad = ~out & ~text.isin(_FALSE).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{values.iloc[i]!r} is not true/false (yes/no, 1/0)", file=file,
                        row=_row_label(values.index[i]), column=column)
    return out


def _row_label(x: Any) -> int | None:
    return int(x) if isinstance(x, int | np.integer) else None


def _fill_region_columns(gdf: gpd.GeoDataFrame, *, name_col: str | None,
                         country_col: str | None, report: ReadReport,
                         file: str | None = None, iso_prefix: bool = True,
                         countries: dict | None = None) -> gpd.GeoDataFrame:
    file = file or report.file
    out = gdf.copy()
    out["region"] = out["region"].astype(object)
    low = {str(c).strip().lower(): c for c in out.columns}

    def col(name: str | None, default: str) -> str | None:
        if name is not None:
            return name if name in out.columns else low.get(name.lower())
        return low.get(default)

    c = col(name_col, "name")
    out["name"] = out[c].astype(object) if c else out["region"]
    c = col(None, "name_local")
    out["name_local"] = out[c].astype(object) if c else out["name"]
    c = col(country_col, "country")
    if c:
        ctry = out[c].astype(object)
        blank = (ctry.isna() | (ctry.astype(str).str.strip() == "")).to_numpy()
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            who = out["region"].to_numpy(dtype=object)[blank]
            raise DataError(f"region {who[0]!r} has no country ({int(blank.sum())} regions without "
                            f"one: {list(who[:10])}): a region without a country is on neither "
                            "side of the border; fill the country column", file=file,
                            row=_row_label(out.index[i]), column=c)
        out["country"] = ctry
    elif not iso_prefix:        # the caller fills the country (e.g. from a column of the data)
        m = out["region"].astype(str).map(countries or {})
        out["country"] = m.astype(object).where(m.notna(), None)
    else:
        m = out["region"].astype(str).str.extract(_ISO_PREFIX, expand=False)
        out["country"] = m.astype(object).where(m.notna(), None)
        if m.notna().any():
            report.repair("country taken from the ISO 3166-2 prefix of the region code",
                          column="country", count=int(m.notna().sum()),
                          examples=[f"{r!r} -> {k}" for r, k in zip(out["region"][m.notna()][:3],
                                                                     m.dropna()[:3],
                                                                     strict=True)])
        if m.isna().any() and m.notna().any():
            who = out["region"][m.isna()].tolist()
            raise DataError(f"no country for {len(who)} regions {who[:10]}: there is no country "
                            "column and only some codes have an ISO 3166-2 prefix; add a country "
                            "column (or pass country_col=)", file=file, column="country")
        if m.isna().any():
            report.warn(f"no country for {int(m.isna().sum())} regions (no country column, and "
                        "the codes have no ISO 3166-2 prefix): pass country_col=")
    c = col(None, "kind")
    out["kind"] = out[c].astype(object) if c else "region"
    c = col(None, "border")
    out["border"] = _bools(out[c], c, file) if c else False
    c = col(None, "capital")
    out["capital"] = out[c].astype(object) if c else None
    c = col(None, "part_of")
    if c:
        part = out[c].astype(object)
        out["part_of"] = part.where(part.notna() & (part.astype(str).str.strip() != ""), None)
    else:
        out["part_of"] = None
    c = col(None, "analysis_unit")
    if c:
        out["analysis_unit"] = _bools(out[c], c, file)
    else:
        out["analysis_unit"] = ~out["part_of"].isin(set(out["region"])).to_numpy()
    geoms = out.geometry
    has = geoms.notna().to_numpy(copy=True)
    has[has] = ~geoms[has].is_empty.to_numpy()
    out["geometry_basis"] = np.where(has, "own", "none")
    out["border"] = out["border"].astype(bool)
    out["analysis_unit"] = out["analysis_unit"].astype(bool)
    rest = [c for c in out.columns if c not in REGION_COLUMNS and c != "geometry"]
    out = out[REGION_COLUMNS + rest + ["geometry"]]
    return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs="EPSG:4326")


def _sources_table(sources: Any, obs: pd.DataFrame, report: ReadReport) -> pd.DataFrame:
    used = sorted(pd.unique(obs["source"].astype(str)))
    # the file's name, not its path: a report names the user's file without the folders of their machine
    files = (obs.drop_duplicates("source").set_index("source")["_file"]
             .map(lambda f: Path(str(f)).name).to_dict() if "_file" in obs else {})
    if sources is None:
        return pd.DataFrame({
            "source": used,
            "citation": [f"the user's file {files.get(s, s)}" for s in used],
            "where_found": [files.get(s, s) for s in used],
            "licence": "unknown",
        })
    table = sources if isinstance(sources, pd.DataFrame) else read_table(sources)
    table = table.rename(columns={c: c.strip().lower() for c in table.columns})
    table = table.rename(columns={"license": "licence"})
    if "source" not in table:
        raise DataError(f"the sources table needs a 'source' column (columns: "
                        f"{list(table.columns)})", file=None if isinstance(sources, pd.DataFrame)
                        else str(sources), column="source")
    for c in ("citation", "where_found", "licence"):
        if c not in table:
            table[c] = None
    missing = [s for s in used if s not in set(table["source"].astype(str))]
    if missing:
        report.warn(f"sources used in the data but not in the sources table: {missing}")
        table = pd.concat([table, pd.DataFrame({
            "source": missing,
            "citation": [f"not in the sources table; named in {files.get(s, 'the data')}"
                         for s in missing],
            "where_found": [files.get(s) for s in missing], "licence": "unknown"})],
            ignore_index=True)
    return table.reset_index(drop=True)


def read_dataset(
    regions: Any = None,
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] = (),
    sources: Any = None,
    *,
    name: str = "custom",
    id_col: str = "region",
    name_col: str | None = None,
    country_col: str | None = None,
    layer: Any = None,
    crs: Any = None,
    sliver_km2: float | None = DEFAULT_SLIVER_KM2,
    region: str = "region",
    year: str = "year",
    indicator: str | None = None,
    value: str = "value",
    unit: str | None = None,
    layout: str = "auto",
    decimal: str = "auto",
    year_range: tuple[int, int] = (1900, 2100),
    log_indicators: Iterable[str] = (),
    on_error: str = "raise",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int | None = DEFAULT_MAX_UNPACKED_BYTES,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    max_columns: int | None = DEFAULT_MAX_COLUMNS,
    unknown_regions: str = "raise",
    extra_values: Sequence[str] = (),
    iso_prefix: bool = True,
    countries: dict | None = None,
) -> Dataset:
    """A Dataset from the user's regions and data files (see the module docstring).

    Parameters
    ----------
    regions : path(s), DataFrame, GeoDataFrame or None
        Geometry file(s), a table of regions without geometry, a (Geo)DataFrame, or None (then the
        regions are the codes found in the data, without polygons, with a warning).
    data : path or sequence of paths
        Observation files, each read with the same column options.
    sources : path or DataFrame, optional
        A table with ``source, citation, where_found, licence``.
    name : str, default "custom"
    id_col, name_col, country_col : str, optional
        The regions' code, name and country columns.
    layer, crs
        The geometry file's layer; the CRS of a file that has none.
    sliver_km2 : float, optional
        Polygons smaller than this are slivers (reported).
    region, year, indicator, value, unit, layout, decimal, year_range, log_indicators, on_error
        As :func:`read_observations`.
    max_bytes, max_unpacked_bytes, max_rows, max_columns : int or None
        The limits of :func:`crossborder.io.read_table` for each data file (``None`` lifts one).
    unknown_regions : {"raise", "set_aside"}, default "raise"
        Rows whose region code is not in ``regions``: an error listing each code once with its number
        of rows, or set aside and reported the same way.
    extra_values : sequence of str
        Further value columns of long files, each read as an indicator named after its column (e.g. a
        population column beside the values).
    iso_prefix : bool, default True
        ``False``: without a country column the country is left empty (no country from the codes'
        ISO 3166-2 prefix).
    countries : dict, optional
        region -> country, so that the checks of the data (units per country) see the countries.

    Returns
    -------
    Dataset

    Notes
    -----
    Several regions files with per-file options: :func:`crossborder.io.read_regions`.

    References
    ----------
    ISO 3166-2 (subdivision codes).
    """
    if unknown_regions not in ("raise", "set_aside"):
        raise DataError(f"unknown_regions must be 'raise' or 'set_aside', not {unknown_regions!r}")
    report = ReadReport(file=None)
    gdf = _read_region_input(regions, id_col=id_col, name_col=name_col, country_col=country_col,
                             layer=layer, crs=crs, sliver_km2=sliver_km2, report=report)
    files = _as_list(data)
    if not files:
        raise DataError("no data files given: pass data='file.csv' or a list of files")
    frames = []
    reports = []
    for f in files:
        rep = ReadReport(file=str(f))
        frame = _read_observation_frame(
            f, layout=layout, region=region, year=year, indicator=indicator, value=value,
            unit=unit, source=None, flag=None, sheet=None, encoding=None, delimiter=None,
            decimal=decimal, on_error=on_error, max_bytes=max_bytes, chunk_bytes=None,
            report=rep, limits={"max_unpacked_bytes": max_unpacked_bytes, "max_rows": max_rows,
                                "max_columns": max_columns})
        frames.append(frame)
        for col in extra_values:
            if rep.info.get("layout") != "long":
                raise DataError(f"a value column {col!r} beside the values needs a long file "
                                "(one row per region and year)", file=str(f), column=col)
            more = _read_observation_frame(
                f, layout="long", region=region, year=year, indicator=None, value=col, unit=None,
                source=None, flag=None, sheet=None, encoding=None, delimiter=None, decimal=decimal,
                on_error=on_error, max_bytes=max_bytes, chunk_bytes=None,
                report=ReadReport(file=str(f)),
                limits={"max_unpacked_bytes": max_unpacked_bytes, "max_rows": max_rows,
                        "max_columns": max_columns})
            more["indicator"] = col
            more["unit"] = None
            frames.append(more.drop_duplicates(["region", "year", "value"]))
        reports.append(rep)
    obs = pd.concat(frames, ignore_index=True)
    for col in ("region", "indicator", "unit", "source", "flag", "_file", "_column"):
        obs[col] = obs[col].astype(object)
    if gdf is None:
        codes = sorted(pd.unique(obs["region"].astype(str)))
        report.warn(f"no regions given: {len(codes)} regions made from the data's codes, without "
                    "polygons")
        gdf = gpd.GeoDataFrame({"region": codes},
                               geometry=gpd.GeoSeries([None] * len(codes), crs="EPSG:4326"))
    regions_table = _fill_region_columns(
        gdf, name_col=name_col, country_col=country_col, report=report, iso_prefix=iso_prefix,
        countries=countries,
        file=", ".join(map(str, _as_list(regions))) if isinstance(regions, str | os.PathLike)
        or isinstance(regions, list | tuple) else None)
    obs = _unknown_regions(obs, set(regions_table["region"]), unknown_regions, report)
    validate_observations(obs, regions_table, log_indicators=log_indicators,
                          year_range=year_range, on_error=on_error, report=report)
    src = _sources_table(sources, obs.loc[report.keep], report)
    observations = _finish(obs, report, report.keep).reset_index(drop=True)
    for rep in reports:
        report.extend(rep)
    inputs = [Path(f) for f in files]
    if regions is not None and isinstance(regions, str | os.PathLike):
        inputs.append(Path(regions))
    if sources is not None and isinstance(sources, str | os.PathLike):
        inputs.append(Path(sources))
    meta = {**report.to_meta(), "files": [str(f) for f in files],
            "input_hash": _hash_files(inputs)}
    return Dataset(regions=regions_table, observations=observations, sources=src, name=name,
                   meta=meta)


def _unknown_regions(obs: pd.DataFrame, known: set, how: str, report: ReadReport) -> pd.DataFrame:
    """Rows whose region is not in the regions table: one line per code (with its row count) in
    an error, or set aside (``how="set_aside"``) with the same summary as a warning."""
    region = obs["region"].astype(object)
    unknown = ~region.isin(known).to_numpy() & (region.astype(str).str.strip() != "").to_numpy()
    if not unknown.any():
        return obs
    sub = obs.loc[unknown]
    counts = sub.groupby(sub["region"].astype(str), sort=True).agg(
        rows=("region", "size"), file=("_file", "first"), row=("_row", "first"))
    near = near_codes(counts.index, known)
    lines = [f"{code!r}: {n} row{'s' if n != 1 else ''} (first: {f}, row {r})"
             + (f"; it {near[code]}" if code in near else "")
             for code, (n, f, r) in counts.iterrows()]
    shown = "\n  ".join(lines[:20]) + (f"\n  ... and {len(lines) - 20} more" if len(lines) > 20
                                       else "")
    if how == "raise":
        first = counts.iloc[0]
        raise DataError(f"{len(counts)} region code(s) in the data are not in the regions table "
                        f"({int(counts['rows'].sum())} rows):\n  {shown}", file=str(first["file"]),
                        row=int(first["row"]), column="region")
    rows = pd.DataFrame({
        "file": sub["_file"].to_numpy(dtype=object), "row": sub["_row"].to_numpy(),
        "column": "region", "region": sub["region"].to_numpy(dtype=object),
        "year": [None if pd.isna(y) else int(y) for y in sub["year"]],
        "indicator": sub["indicator"].to_numpy(dtype=object),
        "value": sub["value"].to_numpy(dtype=object)})
    report.set_rows_aside(rows, "region not in the regions table")
    report.warn(f"set aside {int(counts['rows'].sum())} rows of {len(counts)} region code(s) not "
                f"in the regions table:\n  {shown}")
    if near:
        listed = "; ".join(f"{c!r} {how}" for c, how in list(near.items())[:5])
        more = f"; and {len(near) - 5} more" if len(near) > 5 else ""
        report.warn(f"{len(near)} of the codes set aside look like codes of the regions table: "
                    f"{listed}{more}")
    return obs.loc[~unknown].reset_index(drop=True)


def _hash_files(paths: list[Path]) -> str:
    """SHA-256 over the input files' names and bytes (a shapefile's side files included)."""
    h = hashlib.sha256()
    for p in paths:
        group = sorted(p.parent.glob(p.stem + ".*")) if p.suffix.lower() == ".shp" else [p]
        for f in group:
            if f.is_file():
                h.update(f.name.encode())
                with f.open("rb") as fh:
                    for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        h.update(block)
    return h.hexdigest()
