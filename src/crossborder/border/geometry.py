"""Border geometry: shared edges between regions, the border line between two groups of regions.

Works for any border: ``regions`` is a GeoDataFrame of (multi)polygons with an id column (default
``region``) and, for the border functions, a group column (default ``country``). The polygons are
expected to form a coverage (no overlaps); gaps are allowed and can be bridged with ``tolerance_m``.

Contact kinds (``contact`` column):

* ``"edge"``  the two polygons share a stretch of boundary (a line of positive length);
* ``"point"`` they touch only at one or more points (length 0);
* ``"near"``  they do not touch but come within ``tolerance_m`` metres; the length is that of the
  first polygon's boundary lying within ``tolerance_m`` of the second.

Lengths are in km. ``length="auto"`` measures geodesically on the CRS's ellipsoid (WGS84 for
EPSG:4326, via ``pyproj.Geod``) when the CRS is geographic and planarly (in the CRS's units) when it
is projected; ``"geodesic"`` and ``"planar"`` force one of them.

Candidate pairs come from a spatial index (``shapely.STRtree``): the cost grows with the number of
neighbouring pairs, not with N^2, so 100,000 polygons are fine.

Border membership (``border_regions``): by default a region belongs to the border when it shares
an edge *or touches at a point* with a region of the other group, the same rule as queen
contiguity. This matters for the built-in Russia-Kazakhstan case: in Natural Earth 10m admin-1
v4.1.0 (the bundled geometry) Samara Oblast touches West Kazakhstan only at a point (the quadripoint
with Saratov and Orenburg), yet Samara is one of the 12 Russian border regions of Stepanov et al.
(2020); counting point contacts gives exactly their 12 + 7 regions. ``contacts=("edge",)`` gives
the strict rule (11 + 7 there), and ``tolerance_m`` also counts regions within that distance.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer

from .._display import displayable
from ..errors import DataError

__all__ = [
    "BorderLine",
    "border_line",
    "border_regions",
    "border_shares",
    "cross_border_pairs",
    "shared_edges",
]

LengthMethod = Literal["auto", "geodesic", "planar"]
Contact = Literal["edge", "point", "near"]
_RANK = {"edge": 0, "point": 1, "near": 2}
_EDGE_COLUMNS = ["a", "b", "contact", "length_km", "distance_m"]


# ----------------------------------------------------------------------------- input
def _prepare(regions: gpd.GeoDataFrame, id_col: str, extra: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    if not isinstance(regions, gpd.GeoDataFrame):
        raise DataError("regions must be a GeoDataFrame with polygon geometry")
    for col in (id_col, *extra):
        if col not in regions.columns:
            raise DataError(f"regions have no {col!r} column", column=col)
    if regions.crs is None:
        raise DataError("regions have no CRS: set one (e.g. EPSG:4326 or a projected CRS)")
    geom = regions.geometry
    missing = geom.isna() | geom.is_empty
    if missing.any():
        first = regions.loc[missing, id_col].iloc[0]
        raise DataError(f"{int(missing.sum())} regions have no geometry, e.g. {first!r}",
                        column=regions.geometry.name)
    kinds = set(geom.geom_type.unique()) - {"Polygon", "MultiPolygon"}
    if kinds:
        raise DataError(f"regions must be polygons, found {sorted(kinds)}",
                        column=regions.geometry.name)
    if regions[id_col].isna().any():
        raise DataError("region ids must not be missing", column=id_col)
    keep = regions[[id_col, *extra, regions.geometry.name]]
    if keep[id_col].duplicated().any():
        # several rows (parts) for one id: one (multi)polygon per id
        if extra:
            n_groups = keep.groupby(id_col)[list(extra)].nunique()
            bad = n_groups[(n_groups > 1).any(axis=1)]
            if len(bad):
                raise DataError(f"region {bad.index[0]!r} has rows in different groups",
                                column=extra[0])
        keep = keep.dissolve(by=id_col, as_index=False)
    return keep.reset_index(drop=True)


def _unit_metres(crs: CRS) -> float:
    return float(crs.axis_info[0].unit_conversion_factor) if crs.axis_info else 1.0


def _geod(crs: CRS) -> Geod:
    return crs.get_geod() or Geod(ellps="WGS84")


def _use_geodesic(crs: CRS, length: LengthMethod) -> bool:
    if length not in ("auto", "geodesic", "planar"):
        raise ValueError(f"length must be 'auto', 'geodesic' or 'planar', not {length!r}")
    return crs.is_geographic if length == "auto" else length == "geodesic"


# ----------------------------------------------------------------------------- lengths
def _line_lengths_km(lines: np.ndarray, crs: CRS, geodesic: bool) -> np.ndarray:
    """Length (km) of each linear geometry; point parts count 0. Vectorised over all lines."""
    lines = np.asarray(lines, dtype=object)
    if len(lines) == 0:
        return np.zeros(0)
    if not geodesic:
        return shapely.length(lines) * _unit_metres(crs) / 1000.0
    if not crs.is_geographic:
        to_ll = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        lines = shapely.transform(lines, lambda xy: np.column_stack(to_ll.transform(*xy.T)))
    parts, owner = shapely.get_parts(lines, return_index=True)
    coords, cidx = shapely.get_coordinates(parts, return_index=True)
    if len(coords) < 2:
        return np.zeros(len(lines))
    same = cidx[1:] == cidx[:-1]
    start, end = coords[:-1][same], coords[1:][same]
    _, _, dist = _geod(crs).inv(start[:, 0], start[:, 1], end[:, 0], end[:, 1])
    seg_owner = owner[cidx[:-1][same]]
    return np.bincount(seg_owner, weights=np.asarray(dist), minlength=len(lines)) / 1000.0


def _linear_part(geoms: np.ndarray) -> np.ndarray:
    """The 1-dimensional parts of each geometry, merged into (Multi)LineStrings (or empty)."""
    out = np.full(len(geoms), None, dtype=object)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    is_line = shapely.get_dimensions(parts) == 1
    if is_line.any():
        # boundary intersections can hold MultiLineStrings inside collections: flatten again
        lparts, lown = shapely.get_parts(parts[is_line], return_index=True)
        owners = owner[is_line][lown]
        order = np.argsort(owners, kind="stable")
        shapely.multilinestrings(lparts[order], indices=owners[order], out=out)
        present = np.unique(owners)
        out[present] = shapely.line_merge(out[present])
    out[shapely.is_missing(out)] = shapely.from_wkt("LINESTRING EMPTY")
    return out


# ----------------------------------------------------------------------------- core
def _contacts(
    left: np.ndarray,
    right: np.ndarray,
    crs: CRS,
    *,
    tolerance_m: float,
    geodesic: bool,
    same: bool,
) -> pd.DataFrame:
    """Contacts between ``left[i]`` and ``right[j]`` (i < j when ``same``): columns
    i, j, contact, length_km, distance_m, geometry (numpy object array)."""
    tree = shapely.STRtree(right)
    if tolerance_m > 0:
        if crs.is_geographic:
            lat = np.abs(shapely.get_coordinates(np.concatenate([left, right]))[:, 1]).max()
            # conservative: a degree of longitude at the highest latitude is the shortest
            step = tolerance_m / (111_000.0 * np.cos(np.radians(min(lat + 1.0, 89.0))))
        else:
            step = tolerance_m / _unit_metres(crs)
        i, j = tree.query(left, predicate="dwithin", distance=step)
    else:
        i, j = tree.query(left, predicate="intersects")
    if same:
        keep = i < j
        i, j = i[keep], j[keep]
    order = np.lexsort((j, i))
    i, j = i[order], j[order]

    touching = shapely.intersects(left[i], right[j])
    ti, tj = i[touching], j[touching]
    inter = shapely.intersection(shapely.boundary(left[ti]), shapely.boundary(right[tj]))
    lines = _linear_part(inter)
    t_len = _line_lengths_km(lines, crs, geodesic)
    t_contact = np.where(t_len > 0, "edge", "point")
    t_geom = np.where(t_len > 0, lines, inter)
    frames = [pd.DataFrame({"i": ti, "j": tj, "contact": t_contact, "length_km": t_len,
                            "distance_m": 0.0, "geometry": t_geom})]

    if tolerance_m > 0 and (~touching).any():
        ni, nj = i[~touching], j[~touching]
        near = _near(left[ni], right[nj], crs, tolerance_m, geodesic)
        frames.append(pd.DataFrame({"i": ni, "j": nj, "contact": "near", **near})
                      .loc[lambda d: d["distance_m"] <= tolerance_m])
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out.sort_values(["i", "j"], ignore_index=True)


def _near(a: np.ndarray, b: np.ndarray, crs: CRS, tolerance_m: float, geodesic: bool) -> dict:
    """Distance (m) between non-touching pairs and a's boundary within ``tolerance_m`` of b."""
    if not crs.is_geographic:
        unit = _unit_metres(crs)
        dist = shapely.distance(a, b) * unit
        part = shapely.intersection(shapely.boundary(a), shapely.buffer(b, tolerance_m / unit))
        part = _linear_part(part)
        return {"length_km": _line_lengths_km(part, crs, geodesic), "distance_m": dist,
                "geometry": part}
    # geographic: measure each pair in a local azimuthal equidistant projection
    ellps = _geod(crs)
    dist = np.empty(len(a))
    length = np.empty(len(a))
    parts = np.empty(len(a), dtype=object)
    for k, (ga, gb) in enumerate(zip(a, b, strict=True)):
        link = shapely.shortest_line(ga, gb)
        (x0, y0), (x1, y1) = link.coords
        _, _, dist[k] = ellps.inv(x0, y0, x1, y1)
        if dist[k] > tolerance_m:
            length[k], parts[k] = 0.0, shapely.from_wkt("LINESTRING EMPTY")
            continue
        local = CRS.from_proj4(f"+proj=aeqd +lat_0={(y0 + y1) / 2} +lon_0={(x0 + x1) / 2} "
                               f"+a={ellps.a} +rf={1 / ellps.f if ellps.f else 0} +units=m")
        fwd = Transformer.from_crs(crs, local, always_xy=True)
        back = Transformer.from_crs(local, crs, always_xy=True)
        la, lb = (shapely.transform(g, lambda xy, t=fwd: np.column_stack(t.transform(*xy.T)))
                  for g in (ga, gb))
        near_part = _linear_part(np.array(
            [shapely.intersection(la.boundary, lb.buffer(tolerance_m))], dtype=object))[0]
        length[k] = near_part.length / 1000.0
        parts[k] = shapely.transform(near_part,
                                     lambda xy, t=back: np.column_stack(t.transform(*xy.T)))
    if geodesic:
        length = _line_lengths_km(parts, crs, True)
    return {"length_km": length, "distance_m": dist, "geometry": parts}


def _edges_frame(found: pd.DataFrame, ids_a: np.ndarray, ids_b: np.ndarray,
                 crs: CRS, names: tuple[str, str] = ("a", "b")) -> gpd.GeoDataFrame:
    data = {
        names[0]: ids_a[found["i"].to_numpy()] if len(found) else np.array([], dtype=object),
        names[1]: ids_b[found["j"].to_numpy()] if len(found) else np.array([], dtype=object),
        "contact": found["contact"].to_numpy(dtype=object),
        "length_km": found["length_km"].to_numpy(dtype=float),
        "distance_m": found["distance_m"].to_numpy(dtype=float),
    }
    return gpd.GeoDataFrame(data, geometry=list(found["geometry"]), crs=crs)


def shared_edges(
    regions: gpd.GeoDataFrame,
    id_col: str = "region",
    tolerance_m: float = 0.0,
    *,
    length: LengthMethod = "auto",
) -> gpd.GeoDataFrame:
    """Every pair of neighbouring regions with their shared boundary.

    Returns a GeoDataFrame with columns ``a``, ``b`` (region ids, ``a`` the one listed first in
    ``regions``), ``contact`` (``edge``/``point``/``near``), ``length_km`` (length of the shared
    line; 0 for point contacts; for near contacts the length of ``a``'s boundary within
    ``tolerance_m`` of ``b``), ``distance_m`` (0 unless near) and ``geometry`` (the shared line,
    the contact point(s), or ``a``'s boundary stretch within the tolerance).

    Pairs are found with an STRtree query, so the work is proportional to the number of
    neighbouring pairs. Rows with the same id are dissolved into one (multi)polygon first.
    """
    if tolerance_m < 0:
        raise ValueError("tolerance_m must be >= 0")
    prepared = _prepare(regions, id_col)
    crs = CRS.from_user_input(prepared.crs)
    geoms = np.asarray(prepared.geometry.values, dtype=object)
    ids = prepared[id_col].to_numpy(dtype=object)
    found = _contacts(geoms, geoms, crs, tolerance_m=tolerance_m,
                      geodesic=_use_geodesic(crs, length), same=True)
    return _edges_frame(found, ids, ids, crs)


# ----------------------------------------------------------------------------- border
@displayable
@dataclass(frozen=True)
class BorderLine:
    """The border between two groups of regions: the merged shared line and its length (km)."""

    geometry: shapely.Geometry
    length_km: float
    a: str
    b: str
    group_col: str
    crs: CRS
    n_pairs: int
    method: str

    def to_frame(self) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(
            {"a": [self.a], "b": [self.b], "length_km": [self.length_km],
             "n_pairs": [self.n_pairs], "method": [self.method]},
            geometry=[self.geometry], crs=self.crs)

    def summary(self) -> str:
        return (f"Border {self.a}-{self.b} ({self.group_col}): {self.length_km:,.1f} km "
                f"({self.method}), {self.n_pairs} cross-border region pairs sharing an edge")


def _drawable(regions: gpd.GeoDataFrame, id_col: str) -> gpd.GeoDataFrame:
    """The regions the border functions can use, each territory once: rows without a polygon are
    skipped, and so are wholes drawn as the union of parts that are rows of the table too (a
    Dataset's ``regions``: ``RU-TYU`` beside ``RU-TYU-XAO``); both with a warning."""
    if not isinstance(regions, gpd.GeoDataFrame) or id_col not in regions:
        return regions
    geom = regions.geometry
    missing = (geom.isna() | geom.is_empty).to_numpy()
    union = np.zeros(len(regions), dtype=bool)
    if "geometry_basis" in regions and "part_of" in regions:
        parts_of = set(regions["part_of"].dropna())
        union = ((regions["geometry_basis"] == "union of parts")
                 & regions[id_col].isin(parts_of)).to_numpy()
    if missing.any():
        warnings.warn(f"skipped {int(missing.sum())} region(s) without a polygon: "
                      f"{', '.join(map(str, regions.loc[missing, id_col]))}", stacklevel=4)
    if union.any():
        warnings.warn(f"skipped {int(union.sum())} region(s) drawn as the union of their parts, "
                      f"which are counted instead: {', '.join(map(str, regions.loc[union, id_col]))}"
                      " (Dataset.base_regions has each territory once)", stacklevel=4)
    return regions[~(missing | union)] if (missing | union).any() else regions


def _split_groups(regions: gpd.GeoDataFrame, id_col: str, group_col: str, a: str, b: str):
    prepared = _prepare(_drawable(regions, id_col), id_col, (group_col,))
    groups = prepared[group_col]
    for g in (a, b):
        if not (groups == g).any():
            raise DataError(f"no region has {group_col} == {g!r}", column=group_col)
    if a == b:
        raise ValueError("the two groups must differ")
    return prepared[groups == a].reset_index(drop=True), prepared[groups == b].reset_index(
        drop=True)


def cross_border_pairs(
    regions: gpd.GeoDataFrame,
    group_col: str = "country",
    a: str = "RU",
    b: str = "KZ",
    *,
    id_col: str = "region",
    tolerance_m: float = 0.0,
    length: LengthMethod = "auto",
) -> gpd.GeoDataFrame:
    """Pairs (region of group ``a``, region of group ``b``) in contact across the border.

    Columns ``a_region``, ``b_region``, ``contact``, ``length_km``, ``distance_m``, ``geometry``
    (see :func:`shared_edges`), sorted by ``a_region``, ``b_region``. Point contacts are listed
    with length 0; near contacts only when ``tolerance_m`` > 0.
    """
    if tolerance_m < 0:
        raise ValueError("tolerance_m must be >= 0")
    side_a, side_b = _split_groups(regions, id_col, group_col, a, b)
    crs = CRS.from_user_input(side_a.crs)
    found = _contacts(np.asarray(side_a.geometry.values, dtype=object),
                      np.asarray(side_b.geometry.values, dtype=object), crs,
                      tolerance_m=tolerance_m, geodesic=_use_geodesic(crs, length), same=False)
    out = _edges_frame(found, side_a[id_col].to_numpy(dtype=object),
                       side_b[id_col].to_numpy(dtype=object), crs, names=("a_region", "b_region"))
    return out.sort_values(["a_region", "b_region"], ignore_index=True)


def border_line(
    regions: gpd.GeoDataFrame,
    group_col: str = "country",
    a: str = "RU",
    b: str = "KZ",
    *,
    id_col: str = "region",
    length: LengthMethod = "auto",
) -> BorderLine:
    """The line shared by the regions of group ``a`` and those of group ``b``.

    It is the union of the edges of all cross-border pairs, merged with ``line_merge``; its length
    is the sum of the pairs' edge lengths (the edges of a coverage do not overlap).
    """
    pairs = cross_border_pairs(regions, group_col, a, b, id_col=id_col, length=length)
    edges = pairs[pairs["contact"] == "edge"]
    crs = CRS.from_user_input(pairs.crs)
    if len(edges):
        line = shapely.line_merge(shapely.union_all(np.asarray(edges.geometry.values)))
    else:
        line = shapely.from_wkt("LINESTRING EMPTY")
    method = "geodesic" if _use_geodesic(crs, length) else "planar"
    return BorderLine(geometry=line, length_km=float(edges["length_km"].sum()), a=str(a),
                      b=str(b), group_col=group_col, crs=crs, n_pairs=len(edges), method=method)


def _per_region(pairs: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """One row per region on either side: group, length_km, edge_km, best contact, partners."""
    cols = ["region", "group", "length_km", "edge_km", "contact", "n_neighbours"]
    if not len(pairs):
        return pd.DataFrame(columns=cols)
    pairs = pairs.assign(
        rank=pairs["contact"].map(_RANK),
        edge_km=np.where(pairs["contact"] == "edge", pairs["length_km"], 0.0),
    )
    names = {v: k for k, v in _RANK.items()}
    rows = []
    for side, col, other in ((a, "a_region", "b_region"), (b, "b_region", "a_region")):
        g = pairs.groupby(col, sort=True)
        agg = g.agg(length_km=("length_km", "sum"), edge_km=("edge_km", "sum"),
                    rank=("rank", "min"), n_neighbours=(other, "nunique"))
        rows.append(pd.DataFrame({
            "region": agg.index.to_numpy(dtype=object),
            "group": side,
            "length_km": agg["length_km"].to_numpy(dtype=float),
            "edge_km": agg["edge_km"].to_numpy(dtype=float),
            "contact": agg["rank"].map(names).to_numpy(dtype=object),
            "n_neighbours": agg["n_neighbours"].to_numpy(dtype=int),
        }))
    return pd.concat(rows, ignore_index=True)[cols]


def border_regions(
    regions: gpd.GeoDataFrame,
    group_col: str = "country",
    a: str = "RU",
    b: str = "KZ",
    *,
    id_col: str = "region",
    min_length_km: float = 0.0,
    contacts: Collection[str] = ("edge", "point"),
    tolerance_m: float = 0.0,
    length: LengthMethod = "auto",
) -> pd.DataFrame:
    """Regions of either group that touch the border, with their shared length and contact kind.

    A region counts when its best contact with the other side (edge > point > near) is in
    ``contacts`` and, for an edge, its shared length is at least ``min_length_km``. Point and near
    contacts have no length to test. Default: edge or point contact (queen rule; see the module
    docstring for why this gives Samara as a Russia-Kazakhstan border region). Near contacts need
    ``tolerance_m`` > 0 and ``"near"`` in ``contacts``.

    Columns: ``region``, ``group`` (``a`` or ``b``), ``length_km`` (border length of the region,
    = ``edge_km`` unless near contacts are counted), ``contact``, ``n_neighbours`` (regions of the
    other side in contact), sorted by group (``a`` first) and region.
    """
    unknown = set(contacts) - set(_RANK)
    if unknown:
        raise ValueError(f"unknown contact kinds {sorted(unknown)}; use edge, point, near")
    pairs = cross_border_pairs(regions, group_col, a, b, id_col=id_col,
                               tolerance_m=tolerance_m, length=length)
    per = _per_region(pd.DataFrame(pairs.drop(columns="geometry")), a, b)
    is_edge = per["contact"] == "edge"
    counts = per["contact"].isin(list(contacts)) & (~is_edge | (per["edge_km"] >= min_length_km))
    out = per[counts].drop(columns="edge_km")
    out = out.assign(_g=(out["group"] != a).astype(int)).sort_values(["_g", "region"])
    return out.drop(columns="_g").reset_index(drop=True)


def border_shares(
    regions: gpd.GeoDataFrame,
    group_col: str = "country",
    a: str = "RU",
    b: str = "KZ",
    *,
    id_col: str = "region",
    length: LengthMethod = "auto",
) -> pd.DataFrame:
    """Each border region's length of the ``a``-``b`` border (km) and its share of the total.

    Columns ``region``, ``group``, ``length_km``, ``share`` (length / border length; the shares of
    each side add up to 1). Regions in point contact only appear with length and share 0.
    """
    pairs = cross_border_pairs(regions, group_col, a, b, id_col=id_col, length=length)
    per = _per_region(pd.DataFrame(pairs.drop(columns="geometry")), a, b)
    total = float(pairs.loc[pairs["contact"] == "edge", "length_km"].sum())
    out = per[["region", "group", "edge_km"]].rename(columns={"edge_km": "length_km"})
    out["share"] = out["length_km"] / total if total > 0 else np.nan
    out = out.assign(_g=(out["group"] != a).astype(int))
    out = out.sort_values(["_g", "length_km", "region"], ascending=[True, False, True])
    return out.drop(columns="_g").reset_index(drop=True)
