"""Regions with geometry from GeoJSON, shapefiles or GeoPackages (pyogrio via geopandas).

Everything comes out in EPSG:4326 (longitude, latitude). What is repaired or doubtful is reported,
with the file, the feature's row (1-based feature number) and the region code:

- no CRS (e.g. a shapefile without its .prj): an error, unless ``crs=`` says what it is;
- coordinates outside longitude/latitude bounds in a file that says EPSG:4326 (a projected file
  that lost its CRS, read by GDAL as WGS 84): an error asking for ``crs=``;
- several files or layers in different CRSs: each is reprojected to EPSG:4326 and the fact is
  reported (``mixed_crs="error"`` refuses instead);
- invalid polygons (self-intersections such as a bow-tie): repaired with ``shapely.make_valid``,
  keeping the polygonal parts, and reported;
- empty or missing geometry: reported; the region is kept without a polygon (``empty="keep"``,
  it can still carry statistics) or set aside (``empty="set_aside"``); never dropped silently;
- multipolygon parts smaller than ``sliver_km2`` (area on the EPSG:6933 equal-area grid), such as
  slivers left by digitising: removed and reported (the largest part is always kept);
- geometry that is not polygonal (points, lines), missing or repeated region codes: errors.

Only plain local files of the three formats are read: the extension must be ``.geojson``/``.json``,
``.shp`` or ``.gpkg`` and the first bytes must match it (GeoJSON: a JSON object of type
``FeatureCollection`` or ``Feature``; shapefile: the shapefile magic number; GeoPackage: an SQLite
database). GDAL virtual files (VRT, also renamed ``.geojson``), GDAL virtual paths (``/vsicurl/``,
``/vsizip/`` ...), URLs (``http(s)://``, ``ftp://``), folders and GeoJSON whose CRS is a link are
refused, and GDAL reads with its network access closed (:data:`OFFLINE_GDAL_CONFIG`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import DataError
from ..validate import ReadReport, validate_regions
from .observations import ReadResult, _find
from .tables import check_plain_file, file_label

__all__ = ["read_regions", "check_finite_coordinates", "DEFAULT_SLIVER_KM2", "EQUAL_AREA_CRS",
           "GEOMETRY_SUFFIXES", "OFFLINE_GDAL_CONFIG"]

#: Multipolygon parts smaller than this (km²) are removed as slivers (the largest part stays).
DEFAULT_SLIVER_KM2 = 0.5
#: Equal-area CRS used for areas (World Cylindrical Equal Area).
EQUAL_AREA_CRS = "EPSG:6933"
_POLYGONAL = {"Polygon", "MultiPolygon"}
#: The geometry formats read, by extension.
GEOMETRY_SUFFIXES = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "shapefile",
                     ".gpkg": "GeoPackage"}
#: GDAL configuration while reading geometry: no network (an unreachable local proxy, no
#: retries, /vsicurl/ limited to an extension no file has, PROJ without network) and no
#: VirtualOGR tables inside SQLite/GeoPackage files.
OFFLINE_GDAL_CONFIG = {
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".crossborder-no-remote-files",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "OGR_SQLITE_LIST_VIRTUAL_OGR": "NO",
    "PROJ_NETWORK": "OFF",
}
# URLs (http://, zip://), GDAL virtual paths (/vsicurl/) and driver prefixes ("GPKG:a.gpkg:x")
_REMOTE = re.compile(r"^(?:(?i:[a-z][a-z0-9+.-]*://|/vsi[a-z0-9_]*/)|[A-Z][A-Z0-9_]+:[^\\/])")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_SNIFF_BYTES = 1 << 20


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """GDAL without network access while the block runs (the previous options restored)."""
    import pyogrio

    before = {k: pyogrio.get_gdal_config_option(k) for k in OFFLINE_GDAL_CONFIG}
    pyogrio.set_gdal_config_options(OFFLINE_GDAL_CONFIG)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


def _check_source(p: Any, file: str) -> Path:
    """A plain local file of a declared geometry format whose first bytes match its extension."""
    text = os.fspath(p)
    if not isinstance(text, str):
        text = os.fsdecode(text)
    if _REMOTE.match(text.strip()) or "/vsi" in text.replace("\\", "/").lower():
        raise DataError("not a plain local file: URLs and GDAL virtual paths (/vsicurl/, /vsizip/, "
                        "zip://, http://, ftp:// ...) are not read; download or unpack the file "
                        "and pass its local path", file=file)
    path = Path(text)
    check_plain_file(path, file, "the .geojson, .shp or .gpkg file itself")
    kind = GEOMETRY_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DataError(f"regions are read from GeoJSON (.geojson, .json), shapefiles (.shp) or "
                        f"GeoPackages (.gpkg), not {path.suffix or 'a file without extension'!r}",
                        file=file)
    if path.stat().st_size == 0:
        raise DataError("the file is empty (0 bytes)", file=file)
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if kind == "GeoPackage" and not head.startswith(_SQLITE_MAGIC):
        raise DataError("not a GeoPackage: the file does not start like an SQLite database",
                        file=file)
    if kind == "shapefile" and not head.startswith(_SHP_MAGIC):
        raise DataError("not a shapefile: the file does not start with the shapefile magic "
                        "number", file=file)
    if kind == "GeoJSON":
        _check_geojson(path, head, file)
    return path


#: Deepest nesting of arrays and objects read in a GeoJSON file. A MultiPolygon's coordinates are
#: 4 levels inside its geometry, 7 inside a FeatureCollection; properties rarely add more than a
#: few. Python's JSON parser fails with RecursionError near 1,000 levels, GDAL's earlier.
MAX_JSON_DEPTH = 64

_CHUNK = 1 << 24


def json_depth(path: str | os.PathLike[str], limit: int | None = None) -> int:
    """The deepest nesting of ``[``/``{`` in the JSON file ``path`` (brackets inside strings not
    counted), scanned in chunks of 16 MiB with numpy: time linear in the size, memory bounded.
    With ``limit``, stops as soon as the depth exceeds it (the returned depth is then > limit)."""
    depth = deepest = 0
    in_string = False
    escaped = False     # the chunk before ended in an odd run of backslashes inside a string
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            b = np.frombuffer(chunk, dtype=np.uint8)
            pos = np.arange(b.size)
            bs = b == 0x5C
            # the length of the run of backslashes just before each byte
            last_other = np.maximum.accumulate(np.where(bs, -1, pos))
            run = np.empty(b.size, dtype=np.int64)
            run[0] = 0
            run[1:] = pos[:-1] - last_other[:-1]
            odd = run % 2 == 1
            if escaped:  # the carried-over backslash escapes this chunk's first byte(s)
                lead = int(np.argmax(~bs)) if (~bs).any() else b.size
                odd[: lead + 1] = ~odd[: lead + 1]
            quote = (b == 0x22) & ~odd
            # inside a string after an odd number of quotes (outside strings JSON has no
            # backslashes, so their escaping only matters inside)
            parity = (np.cumsum(quote) + int(in_string)) % 2 == 1
            inside = parity & ~quote
            step = np.zeros(b.size, dtype=np.int64)
            step[((b == 0x5B) | (b == 0x7B)) & ~inside] = 1
            step[((b == 0x5D) | (b == 0x7D)) & ~inside] = -1
            level = depth + np.cumsum(step)
            if level.size:
                deepest = max(deepest, int(level.max()))
                depth = int(level[-1])
            in_string = bool(parity[-1]) if b.size else in_string
            tail = b.size - 1 - int(last_other[-1])
            escaped = tail % 2 == 1 if tail < b.size else (escaped != (tail % 2 == 1))
            if limit is not None and deepest > limit:
                break
    return deepest


def _check_geojson(path: Path, head: bytes, file: str) -> None:
    depth = json_depth(path, limit=MAX_JSON_DEPTH)
    if depth > MAX_JSON_DEPTH:
        raise DataError(f"not read: arrays and objects nested more than {MAX_JSON_DEPTH} levels "
                        f"deep (GeoJSON needs about 10); the file is malformed or hostile",
                        file=file)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<"):
        what = ("a GDAL virtual file (VRT)" if b"<OGRVRTDataSource" in head[:4096]
                or b"<VRTDataset" in head[:4096] else "an XML file")
        raise DataError(f"not GeoJSON: {what}; only plain GeoJSON, shapefiles and GeoPackages "
                        "are read", file=file)
    if not start.startswith(b"{"):
        raise DataError("not GeoJSON: the file does not start with a JSON object '{'", file=file)
    kind = re.search(rb'"type"\s*:\s*"(\w+)"', start)
    if len(head) < _SNIFF_BYTES or kind is None or kind.group(1) not in (b"FeatureCollection",
                                                                          b"Feature"):
        try:
            with path.open("rb") as fh:
                doc = json.load(fh)
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataError(f"not GeoJSON: not valid JSON ({_short(exc)})", file=file) from None
        top = doc.get("type") if isinstance(doc, dict) else None
        if top not in ("FeatureCollection", "Feature"):
            raise DataError(f"not GeoJSON: a JSON {type(doc).__name__} of type {top!r}, not a "
                            "FeatureCollection or Feature", file=file)
        crs = doc.get("crs")
        if isinstance(crs, dict) and str(crs.get("type", "")).lower() == "link":
            raise DataError("the GeoJSON's CRS is a link to another file or URL, which is not "
                            "followed: give the CRS by name, or pass crs=", file=file)
    elif re.search(rb'"crs"\s*:\s*\{\s*"type"\s*:\s*"link"', start, re.IGNORECASE):
        raise DataError("the GeoJSON's CRS is a link to another file or URL, which is not "
                        "followed: give the CRS by name, or pass crs=", file=file)


def _layers(path: Path, file: str) -> list[str]:
    import pyogrio

    try:
        with _offline():
            return [str(x) for x in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # noqa: BLE001 - GDAL raises several types for unreadable files
        raise DataError(f"cannot open as geometry ({type(exc).__name__}: {_short(exc)})",
                        file=file) from None


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _read_one(path: Path, file: str, layer: str | None) -> gpd.GeoDataFrame:
    try:
        with _offline(), warnings.catch_warnings():
            # NaN coordinates: check_finite_coordinates names the region, not numpy's warning
            warnings.filterwarnings("ignore", "invalid value encountered in from_wkb",
                                    RuntimeWarning)
            gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 - pyogrio/GDAL errors for bad files
        raise DataError(f"cannot read geometry ({type(exc).__name__}: {_short(exc)})",
                        file=file) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf:
        raise DataError("no geometry column", file=file)
    return gdf


def _sources(paths: Any, layer: Any) -> list[tuple[Path, str, str | None, dict[str, Any]]]:
    """(path, label, layer, per-file options) of each file or layer; an entry may be a mapping
    ``{"path": ..., "id_col": ..., "country": ..., "crs": ...}``."""
    if isinstance(paths, str | os.PathLike) or isinstance(paths, Mapping):
        paths = [paths]
    out = []
    for p in paths:
        opts: dict[str, Any] = {}
        if isinstance(p, Mapping):
            unknown = set(p) - {"path", "id_col", "country", "crs"}
            if "path" not in p or unknown:
                raise DataError("a regions file given as a mapping needs 'path' and may have "
                                f"'id_col', 'country', 'crs' (got {sorted(map(str, p))})")
            opts = {k: v for k, v in p.items() if k != "path" and v is not None}
            p = p["path"]
        file = file_label(p)
        path = _check_source(p, file)
        if layer is None:
            if path.suffix.lower() == ".gpkg" and path.is_file():
                names = _layers(path, file)
                if len(names) > 1:
                    raise DataError(f"the GeoPackage has {len(names)} layers {names}: pass "
                                    "layer='<name>' (or a list of layers)", file=file)
            out.append((path, file, None, opts))
        elif isinstance(layer, str):
            out.append((path, f"{file}:{layer}", layer, opts))
        else:
            out.extend((path, f"{file}:{lay}", lay, opts) for lay in layer)
    if not out:
        raise DataError("no regions file given")
    return out


def read_regions(
    paths: str | os.PathLike[str] | Mapping[str, Any]
    | Sequence[str | os.PathLike[str] | Mapping[str, Any]],
    *,
    id_col: str = "region",
    name_col: str | None = None,
    country_col: str | None = None,
    country: str | None = None,
    layer: str | Sequence[str] | None = None,
    crs: Any = None,
    mixed_crs: str = "reproject",
    sliver_km2: float | None = DEFAULT_SLIVER_KM2,
    empty: str = "keep",
) -> ReadResult:
    """Regions (GeoDataFrame in EPSG:4326) from one or more GeoJSON/shapefile/GeoPackage files or
    layers; returns ``(regions, report)``.

    Parameters
    ----------
    paths : path, mapping, or a sequence of them
        The files. Several files (each country's regions from its own national source, say) are
        read one by one and joined: an entry may be a mapping ``{"path": ..., "id_col": ...,
        "country": ..., "crs": ...}`` whose options apply to that file only (``id_col``: its
        column of region codes; ``country``: the country of all its regions; ``crs``: its CRS
        when the file has none — an empty ``.prj`` counts as none).
    id_col : str, default "region"
        The column of the region codes.
    name_col, country_col : str, optional
        The columns of the regions' names and countries.
    country : str, optional
        Gives every file's regions that country.
    layer : str or sequence of str, optional
        The layer(s) of a GeoPackage.
    crs : optional
        The CRS of files that have none.
    mixed_crs : {"reproject", "error"}, default "reproject"
        Files in different CRSs are reprojected to EPSG:4326 (and the fact reported), or refused.
    sliver_km2 : float or None
        Multipolygon parts smaller than this are removed (``None``: none is).
    empty : {"keep", "set_aside"}, default "keep"
        What becomes of a region with an empty or missing geometry.

    Returns
    -------
    ReadResult
        ``(regions, report)``: ``regions`` has the columns ``region`` (the codes from
        ``id_col``, as text), ``name`` and ``country`` when ``name_col``/``country_col`` (or
        columns called so) exist, the file's other columns, and ``geometry``; the index holds
        each feature's row (1-based feature number). ``report`` (:class:`ReadReport`) lists what
        was repaired or doubtful, with the file, the row and the region code.

    Notes
    -----
    See the module docstring for what is checked, repaired and reported. A part's area, for
    the sliver test, is its area on the EPSG:6933 equal-area grid (km²); invalid polygons are
    repaired with ``shapely.make_valid``, keeping the polygonal parts. Errors name the file.

    References
    ----------
    Butler, H. et al. (2016). The GeoJSON Format. IETF RFC 7946.
    ESRI (1998). ESRI Shapefile Technical Description. The OGC GeoPackage Encoding Standard.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> from crossborder import read_regions
    >>> def square(code, x):
    ...     ring = [[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]
    ...     return {"type": "Feature", "properties": {"code": code, "country": code[0]},
    ...             "geometry": {"type": "Polygon", "coordinates": [ring]}}
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "regions.geojson"
    >>> _ = f.write_text(json.dumps({"type": "FeatureCollection",
    ...                              "features": [square("A1", 0), square("B1", 1)]}))
    >>> regions, report = read_regions(f, id_col="code")
    >>> regions[["region", "country"]].values.tolist(), regions.crs.to_string()
    ([['A1', 'A'], ['B1', 'B']], 'EPSG:4326')
    """
    if mixed_crs not in ("reproject", "error"):
        raise DataError(f"mixed_crs must be 'reproject' or 'error', not {mixed_crs!r}")
    if empty not in ("keep", "set_aside"):
        raise DataError(f"empty must be 'keep' or 'set_aside', not {empty!r}")
    sources = _sources(paths, layer)
    report = ReadReport(file=", ".join(s[1] for s in sources))
    frames = []
    crss: dict[str, Any] = {}
    for path, file, lay, opts in sources:
        gdf = _read_one(path, file, lay)
        gdf = gdf.rename_geometry("geometry") if gdf.geometry.name != "geometry" else gdf
        gdf = _per_file_columns(gdf, file, id_col, opts.get("id_col"),
                                opts.get("country", country), report)
        file_crs = opts.get("crs", crs)
        if gdf.crs is None:
            if file_crs is None:
                hint = (" (a shapefile without its .prj file?)" if path.suffix.lower() == ".shp"
                        else "")
                raise DataError(f"the geometry has no coordinate reference system{hint}: pass "
                                "crs='EPSG:....' to say which it is", file=file)
            gdf = gdf.set_crs(file_crs)
            report.repair(f"no CRS in the file: set to {file_crs} as given by crs=", file=file,
                          count=len(gdf))
        elif file_crs is not None and not gdf.crs.equals(gpd.GeoSeries([], crs=file_crs).crs):
            report.warn(f"{file}: crs={file_crs} ignored, the file says {gdf.crs.to_string()}")
        _check_bounds(gdf, file)
        crss[file] = gdf.crs
        gdf = gdf.copy()
        gdf["_file"] = file
        gdf["_row"] = np.arange(1, len(gdf) + 1)
        frames.append(gdf)
    names = {f: c.to_string() for f, c in crss.items()}
    distinct = sorted(set(names.values()))
    if len(distinct) > 1:
        if mixed_crs == "error":
            raise DataError(f"the files are in different CRSs: {names}; pass mixed_crs="
                            "'reproject' to reproject each to EPSG:4326")
        report.warn(f"the files are in different CRSs {names}: each reprojected to EPSG:4326")
    out = []
    for gdf in frames:
        if not gdf.crs.equals(gpd.GeoSeries([], crs="EPSG:4326").crs):
            report.repair(f"reprojected from {gdf.crs.to_string()} to EPSG:4326",
                          file=gdf["_file"].iat[0] if len(gdf) else None, count=len(gdf))
            gdf = gdf.to_crs("EPSG:4326")
        out.append(gdf)
    regions = pd.concat(out, ignore_index=True) if len(out) > 1 else out[0]
    regions = gpd.GeoDataFrame(regions, geometry="geometry", crs="EPSG:4326")
    if len(regions) == 0:
        raise DataError("no features in the geometry file", file=report.file)

    if country_col is None and "country" in regions.columns and (
            country is not None or any("country" in o for *_, o in sources)):
        country_col = "country"
    regions = _codes(regions, id_col, name_col, country_col, report)
    check_finite_coordinates(regions)
    regions = _fix_geometry(regions, report, sliver_km2=sliver_km2, empty=empty)
    validate_regions(regions, file=report.file, report=ReadReport())  # codes; valid polygons
    report.info.update({"format": "geometry", "rows": len(regions), "crs": "EPSG:4326",
                        "source_crs": names})
    data = regions.drop(columns=["_file", "_row"])
    data.index = pd.Index(regions["_row"].to_numpy(), name="row")
    return ReadResult(data, report)


def check_finite_coordinates(regions: gpd.GeoDataFrame, id_col: str = "region") -> None:
    """Every coordinate a finite number, else a :class:`DataError` naming the region (``id_col``),
    and the file and row where ``regions`` keep them (``_file``, ``_row`` while a file is read):
    a NaN or infinite coordinate (``NaN`` in a GeoJSON, a broken shapefile) is caught before GEOS
    meets it (``GEOSException ... encountered NaN/Inf numbers``). Missing geometries pass. The one
    check of the readers and of the border functions (:mod:`crossborder.border.geometry`)."""
    geoms = np.asarray(regions.geometry.values, dtype=object)
    present = ~shapely.is_missing(geoms)
    if not present.any():
        return
    coords, index = shapely.get_coordinates(geoms[present], return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if not bad.any():
        return
    features = np.unique(index[bad])
    i = int(np.flatnonzero(present)[features[0]])
    shown = ", ".join(f"{v:g}" for v in coords[np.flatnonzero(bad)[0]][:2])
    more = f" ({features.size} regions have such coordinates)" if features.size > 1 else ""
    rid = regions[id_col].iat[i] if id_col in regions else i
    where = ({"file": regions["_file"].iat[i], "row": int(regions["_row"].iat[i])}
             if "_file" in regions and "_row" in regions else {})
    raise DataError(f"region {str(rid)!r} has a coordinate that is not a finite number "
                    f"({shown}){more}: fix the geometry", column=regions.geometry.name,
                    **where)


def _per_file_columns(gdf: gpd.GeoDataFrame, file: str, id_col: str, own_id: str | None,
                      country: str | None, report: ReadReport) -> gpd.GeoDataFrame:
    """One file's column of region codes named as the others' (``id_col``), and its country."""
    cols = [c for c in gdf.columns if c != "geometry"]
    want = own_id or id_col
    found = _find(cols, want)
    if found is None:
        raise DataError(f"no column {want!r} with the region codes (columns: {cols}); pass "
                        "id_col='<column>' for this file", file=file, column=want)
    if found != id_col:
        if id_col in gdf.columns:
            raise DataError(f"the codes are in {found!r} but the file also has a column "
                            f"{id_col!r}: rename one", file=file, column=id_col)
        gdf = gdf.rename(columns={found: id_col})
    if country is not None:
        if "country" in gdf.columns:
            differ = gdf["country"].notna() & (gdf["country"].astype(str) != str(country))
            if differ.any():
                report.warn(f"{file}: its 'country' column replaced by {country!r} as given "
                            f"({int(differ.sum())} rows said otherwise)")
        gdf = gdf.assign(country=str(country))
    return gdf


def _check_bounds(gdf: gpd.GeoDataFrame, file: str) -> None:
    if gdf.crs is None or not gdf.crs.is_geographic or gdf.geometry.isna().all():
        return
    xmin, ymin, xmax, ymax = gdf.total_bounds
    if not np.all(np.isfinite([xmin, ymin, xmax, ymax])):
        return
    if xmin < -180.5 or xmax > 360.5 or ymin < -90.5 or ymax > 90.5:
        raise DataError(
            f"coordinates up to ({xmax:.6g}, {ymax:.6g}) are not longitudes/latitudes although the "
            f"file says {gdf.crs.to_string()}: the file's real CRS was probably lost; pass crs= "
            "(e.g. crs='EPSG:3857') and drop the wrong CRS from the file", file=file)


def _codes(regions: gpd.GeoDataFrame, id_col: str, name_col: str | None,
           country_col: str | None, report: ReadReport) -> gpd.GeoDataFrame:
    cols = [c for c in regions.columns if c not in ("geometry", "_file", "_row")]
    found = _find(cols, id_col)
    if found is None:
        raise DataError(f"no column {id_col!r} with the region codes (columns: {cols}); pass "
                        "id_col='<column>'", file=report.file, column=id_col)
    raw = regions[found]
    codes = [_code_text(v) for v in raw.to_numpy(dtype=object)]
    _report_padded(raw.to_numpy(dtype=object), codes, regions, found, report)
    regions = regions.drop(columns=[found] + (["region"] if "region" in regions.columns else []))
    regions.insert(0, "region", pd.Series(codes, index=regions.index, dtype=object))
    for role, given in (("name", name_col), ("country", country_col)):
        if given is not None:
            col = _find(cols, given)
            if col is None:
                raise DataError(f"no column {given!r} (columns: {cols})", file=report.file,
                                column=given)
            if col != role:
                if role in regions.columns:
                    regions = regions.drop(columns=[role])
                regions[role] = regions.pop(col)
    return regions


def _report_padded(raw: np.ndarray, codes: list[Any], regions: gpd.GeoDataFrame, column: str,
                   report: ReadReport) -> None:
    """Codes written with spaces around them (' AA-R0 ') are read without them: a reported repair
    (per file), never a silent merge with the code written without spaces."""
    padded = np.array([isinstance(r, str) and c is not None and r != c
                       for r, c in zip(raw, codes, strict=True)], dtype=bool)
    if not padded.any():
        return
    files = (regions["_file"].to_numpy(dtype=object) if "_file" in regions
             else np.full(len(raw), report.file, dtype=object))
    rows = regions["_row"].to_numpy() if "_row" in regions else np.arange(1, len(raw) + 1)
    for f in pd.unique(files[padded]):
        idx = np.flatnonzero(padded & (files == f))
        report.repair("spaces around region codes removed", column=column, count=idx.size,
                      rows=[int(rows[i]) for i in idx[:10]],
                      examples=[f"feature {int(rows[i])}: {raw[i]!r} -> {codes[i]!r}"
                                for i in idx[:3]], file=f)


def _code_text(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v).strip()
    return s or None


def _fix_geometry(regions: gpd.GeoDataFrame, report: ReadReport, *, sliver_km2: float | None,
                  empty: str) -> gpd.GeoDataFrame:
    geoms = np.asarray(regions.geometry.to_numpy(), dtype=object)
    n = len(geoms)
    files = regions["_file"].to_numpy(dtype=object)
    rows = regions["_row"].to_numpy()
    codes = regions["region"].to_numpy(dtype=object)

    def where(mask: np.ndarray) -> list[str]:
        return [f"{f} row {r} ({c})" for f, r, c in zip(files[mask], rows[mask], codes[mask],
                                                        strict=True)]

    is_none = np.array([g is None for g in geoms], dtype=bool)
    is_empty = is_none.copy()
    is_empty[~is_none] = shapely.is_empty(geoms[~is_none])
    types = np.array([None if e else g.geom_type for g, e in zip(geoms, is_empty, strict=True)],
                     dtype=object)
    not_poly = ~is_empty & ~np.isin(types, list(_POLYGONAL))
    if not_poly.any():
        i = int(np.flatnonzero(not_poly)[0])
        raise DataError(f"region {codes[i]!r} has a {types[i]}, not a polygon: regions need "
                        f"polygons ({int(not_poly.sum())} such features)", file=files[i],
                        row=int(rows[i]), column="geometry")

    # non-finite coordinates were refused before (check_finite_coordinates, with the region and file)
    invalid = np.zeros(n, dtype=bool)
    invalid[~is_empty] = ~shapely.is_valid(geoms[~is_empty])
    if invalid.any():
        reasons = [shapely.is_valid_reason(g) for g in geoms[invalid]]
        fixed = shapely.make_valid(geoms[invalid])
        geoms[invalid] = [_polygonal(g) for g in fixed]
        idx = np.flatnonzero(invalid)
        report.repair("invalid polygons made valid with shapely.make_valid (polygonal parts kept)",
                      column="geometry", count=idx.size, rows=list(rows[idx]),
                      examples=[f"{w}: {r}" for w, r in zip(where(invalid), reasons,
                                                            strict=True)])
        now_empty = np.zeros(n, dtype=bool)
        now_empty[idx] = [g is None or g.is_empty for g in geoms[idx]]
        is_empty |= now_empty

    if sliver_km2 is not None and sliver_km2 > 0:
        _remove_slivers(geoms, is_empty, sliver_km2, report, rows, where)

    if is_empty.any():
        geoms[is_empty] = None
        listed = where(is_empty)
        if empty == "keep":
            report.warn(f"{int(is_empty.sum())} regions have empty geometry and are kept without "
                        f"a polygon: {', '.join(listed[:10])}")
            report.repair("empty geometry: region kept without a polygon", column="geometry",
                          count=int(is_empty.sum()), rows=list(rows[is_empty]), examples=listed)
        else:
            aside = pd.DataFrame({"file": files[is_empty], "row": rows[is_empty],
                                  "column": "geometry", "region": codes[is_empty]})
            report.set_rows_aside(aside, "empty geometry")
    out = regions.copy()
    out["geometry"] = gpd.GeoSeries(list(geoms), index=regions.index, crs="EPSG:4326")
    if empty == "set_aside" and is_empty.any():
        out = out.loc[~is_empty]
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def _polygonal(g: Any) -> Any:
    """The polygonal part of a made-valid geometry (a collection may hold lines and points)."""
    if g is None or g.is_empty:
        return None
    if g.geom_type in _POLYGONAL:
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in _POLYGONAL]
    if not parts:
        return None
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def _remove_slivers(geoms: np.ndarray, is_empty: np.ndarray, sliver_km2: float,
                    report: ReadReport, rows: np.ndarray, where: Any) -> None:
    multi = np.zeros(len(geoms), dtype=bool)
    multi[~is_empty] = [g.geom_type == "MultiPolygon" for g in geoms[~is_empty]]
    if not multi.any():
        return
    parts, owner = shapely.get_parts(geoms[multi], return_index=True)
    area_km2 = gpd.GeoSeries(parts, crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6
    frame = pd.DataFrame({"owner": owner, "area": area_km2})
    largest = frame.groupby("owner")["area"].transform("max").to_numpy()
    drop = (area_km2 < sliver_km2) & (area_km2 < largest)
    if not drop.any():
        return
    positions = np.flatnonzero(multi)
    touched = np.unique(owner[drop])
    for o in touched:
        keep_parts = parts[(owner == o) & ~drop]
        geoms[positions[o]] = (keep_parts[0] if len(keep_parts) == 1
                               else shapely.MultiPolygon(list(keep_parts)))
    mask = np.zeros(len(geoms), dtype=bool)
    mask[positions[touched]] = True
    n_parts = pd.Series(drop).groupby(owner).sum()
    lost = pd.Series(np.where(drop, area_km2, 0.0)).groupby(owner).sum()
    examples = [f"{w}: {int(n_parts[o])} part(s), {lost[o]:.4g} km² in all"
                for w, o in zip(where(mask), touched, strict=True)]
    report.repair(f"multipolygon slivers under {sliver_km2:g} km² removed", column="geometry",
                  count=int(drop.sum()), rows=list(rows[mask]), examples=examples)
