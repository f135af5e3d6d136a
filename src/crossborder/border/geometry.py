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

**Pairs.** One definition everywhere (the ``border``, ``discontinuities``, ``zones``,
``integration`` and ``report`` commands, :func:`crossborder.border.shared.dataset_edges`): a
*pair* is two regions whose boundaries share a line of positive length (within the tolerance of
:func:`find_border` across the border; contact ``edge``, :data:`PAIR_CONTACTS`), on either side
of the border or across it. Regions that touch at a point only (contact ``point``) are listed as
such (``Border.points``, ``border --pairs``) but are no pair, unless ``contacts=`` asks for them.

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
from ..io.regions import check_finite_coordinates
from ..measures._checks import check_number

__all__ = [
    "HALF_EARTH_KM",
    "MAX_TOLERANCE_M",
    "PAIR_CONTACTS",
    "Border",
    "BorderLine",
    "border_line",
    "border_regions",
    "border_shares",
    "check_distance_km",
    "check_length",
    "check_tolerance",
    "cross_border_pairs",
    "equal_area_crs",
    "find_border",
    "shared_edges",
    "unit_xyz",
]

LengthMethod = Literal["auto", "geodesic", "planar"]
Contact = Literal["edge", "point", "near"]
_RANK = {"edge": 0, "point": 1, "near": 2}
#: The contacts that make two regions a pair (see the module docstring): a shared line.
PAIR_CONTACTS: tuple[str, ...] = ("edge",)
_EDGE_COLUMNS = ["a", "b", "contact", "length_km", "distance_m"]


# ----------------------------------------------------------------------------- projections
def unit_xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points on the unit sphere: chord distance is monotone in the great-circle distance."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def equal_area_crs(geoms: gpd.GeoSeries | gpd.GeoDataFrame) -> CRS:
    """A Lambert azimuthal equal-area CRS (WGS84 datum) centred on ``geoms``.

    The centre is the direction of the mean unit vector of the vertices (a spherical centroid
    of the outline), which stays right for areas that cross the antimeridian (Russia does).
    """
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    if series.crs is None:
        raise DataError("geometry has no CRS")
    crs = CRS.from_user_input(series.crs)
    xy = shapely.get_coordinates(np.asarray(series.values, dtype=object))
    if len(xy) == 0:
        raise DataError("no coordinates to centre a projection on")
    if len(xy) > 20_000:
        xy = xy[np.linspace(0, len(xy) - 1, 20_000).astype(int)]
    if not crs.is_geographic:
        t = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        xy = np.column_stack(t.transform(xy[:, 0], xy[:, 1]))
    v = unit_xyz(xy[:, 0], xy[:, 1]).mean(axis=0)
    lon0 = float(np.degrees(np.arctan2(v[1], v[0])))
    lat0 = float(np.degrees(np.arctan2(v[2], np.hypot(v[0], v[1]))))
    return CRS.from_proj4(f"+proj=laea +lat_0={lat0:.4f} +lon_0={lon0:.4f} +x_0=0 +y_0=0 "
                          "+datum=WGS84 +units=m +no_defs")


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
    tolerance_m = float(check_tolerance(tolerance_m, auto=False))
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
    tolerance_m: float = 0.0

    def to_frame(self) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(
            {"a": [self.a], "b": [self.b], "length_km": [self.length_km],
             "n_pairs": [self.n_pairs], "method": [self.method],
             "tolerance_m": [self.tolerance_m]},
            geometry=[self.geometry], crs=self.crs)

    def summary(self) -> str:
        return (f"Border {self.a}-{self.b} ({self.group_col}): {self.length_km:,.1f} km "
                f"({self.method}), {self.n_pairs} cross-border region pairs sharing an edge"
                + (f" (within a {self.tolerance_m:,.0f} m tolerance)" if self.tolerance_m else ""))


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
    a: str | None = None,
    b: str | None = None,
    *,
    id_col: str = "region",
    tolerance_m: float = 0.0,
    length: LengthMethod = "auto",
) -> gpd.GeoDataFrame:
    """Pairs (region of group ``a``, region of group ``b``) in contact across the border.

    Parameters
    ----------
    regions : GeoDataFrame
        (Multi)polygons with an id column and a group column, forming a coverage.
    group_col : str, default "country"
        The column holding each region's group (side of the border).
    a, b : str, optional
        The two groups; default: the regions' two groups.
    id_col : str, default "region"
        The column of the region codes.
    tolerance_m : float, default 0
        Regions within this many metres that do not touch are listed as ``near`` contacts.
    length : {"auto", "geodesic", "planar"}, default "auto"
        Geodesic lengths for a geographic CRS, planar for a projected one, unless forced.

    Returns
    -------
    GeoDataFrame
        Columns ``a_region``, ``b_region``, ``contact``, ``length_km``, ``distance_m``,
        ``geometry`` (see :func:`shared_edges`), sorted by ``a_region``, ``b_region``. Point
        contacts are listed with length 0; near contacts only when ``tolerance_m`` > 0.

    Notes
    -----
    ``length_km`` of an ``edge`` contact is the length of the intersection of the two
    boundaries, ``|∂A ∩ ∂B|``, geodesic on the CRS's ellipsoid
    (``pyproj.Geod``) for geographic coordinates; of a ``near`` contact, the length of A's
    boundary within ``tolerance_m`` of B. Candidate pairs come from a ``shapely.STRtree``.

    References
    ----------
    Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87(1), 43-55
    (the geodesic lengths of ``pyproj.Geod``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from crossborder import cross_border_pairs
    >>> g = gpd.GeoDataFrame({"region": ["A1", "A2", "B1", "B2"], "country": ["A", "A", "B", "B"]},
    ...                      geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
    ...                                box(1, 1, 2, 3)], crs="EPSG:4326")
    >>> p = cross_border_pairs(g)
    >>> p[["a_region", "b_region", "contact"]].values.tolist()
    [['A1', 'B1', 'edge'], ['A1', 'B2', 'point'], ['A2', 'B1', 'point'], ['A2', 'B2', 'edge']]
    >>> p["length_km"].round(1).tolist()    # one degree of meridian is 110.6 km
    [110.6, 0.0, 0.0, 110.6]
    """
    tolerance_m = float(check_tolerance(tolerance_m, auto=False))
    a, b = _sides(regions, group_col, a, b)
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
    a: str | None = None,
    b: str | None = None,
    *,
    id_col: str = "region",
    length: LengthMethod = "auto",
    tolerance_m: float | str = "auto",
) -> BorderLine:
    """The line shared by the regions of group ``a`` and those of group ``b``
    (:func:`find_border`; the sides default to the regions' two groups).

    Parameters
    ----------
    regions : GeoDataFrame
        (Multi)polygons with an id column and a group column, forming a coverage.
    group_col : str, default "country"
        The column holding each region's group (side of the border).
    a, b : str, optional
        The two groups; default: the regions' two groups.
    id_col : str, default "region"
        The column of the region codes.
    length : {"auto", "geodesic", "planar"}, default "auto"
        Geodesic lengths for a geographic CRS, planar for a projected one, unless forced.
    tolerance_m : float or "auto", default "auto"
        The tolerance of :func:`find_border` (m).

    Returns
    -------
    BorderLine
        ``geometry`` (the merged line), ``length_km``, ``n_pairs``, ``method``,
        ``tolerance_m``, the groups and the CRS.

    Notes
    -----
    It is the union of the shared stretches of all cross-border pairs, merged with
    ``line_merge``; its length is the sum of the pairs' lengths,
    ``L = sum over pairs (A, B) of (|∂'A ∩ buffer(B, t)| + |∂'B ∩ buffer(A, t)|) / 2``
    (see :func:`find_border`). Polygons of the two sides that share no stretch give an empty
    line and a warning (not a border of 0 km).

    References
    ----------
    Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87(1), 43-55.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"region": ["A1", "A2", "B1", "B2"], "country": ["A", "A", "B", "B"]},
    ...                      geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
    ...                                box(1, 1, 2, 3)], crs="EPSG:4326")
    >>> from crossborder import border_line
    >>> line = border_line(g)
    >>> line.n_pairs, round(line.length_km, 1)      # two degrees of meridian
    (2, 221.1)
    """
    found = find_border(regions, group_col, a, b, id_col=id_col, length=length,
                        tolerance_m=tolerance_m)
    if found.line.n_pairs == 0:
        warnings.warn(found.notes[-1], stacklevel=2)
    return found.line


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
    a: str | None = None,
    b: str | None = None,
    *,
    id_col: str = "region",
    min_length_km: float = 0.0,
    contacts: Collection[str] = ("edge", "point"),
    tolerance_m: float = 0.0,
    length: LengthMethod = "auto",
) -> pd.DataFrame:
    """Regions of either group that touch the border, with their shared length and contact kind.

    Parameters
    ----------
    regions : GeoDataFrame
        (Multi)polygons with an id column and a group column, forming a coverage.
    group_col : str, default "country"
        The column holding each region's group (side of the border).
    a, b : str, optional
        The two groups; default: the regions' two groups.
    id_col : str, default "region"
        The column of the region codes.
    min_length_km : float, default 0
        The shortest shared edge that makes a region a border region.
    contacts : collection of {"edge", "point", "near"}, default ("edge", "point")
        The contact kinds that count. Near contacts need ``tolerance_m`` > 0 and ``"near"`` here.
    tolerance_m : float, default 0
        Regions within this many metres that do not touch are ``near`` contacts.
    length : {"auto", "geodesic", "planar"}, default "auto"
        Geodesic lengths for a geographic CRS, planar for a projected one, unless forced.

    Returns
    -------
    DataFrame
        Columns: ``region``, ``group`` (``a`` or ``b``), ``length_km`` (border length of the
        region, = ``edge_km`` unless near contacts are counted), ``contact``, ``n_neighbours``
        (regions of the other side in contact), sorted by group (``a`` first) and region.

    Notes
    -----
    A region counts when its best contact with the other side (edge > point > near) is in
    ``contacts`` and, for an edge, its shared length ``sum over B of |∂A ∩ ∂B|`` is at least
    ``min_length_km``. Point and near contacts have no length to test. Default: edge or point
    contact (queen rule; see the module docstring for why this gives Samara as a
    Russia-Kazakhstan border region).

    References
    ----------
    Stepanov, A., Burnasov, A., Ilyushkina, M. & Kovalev, Yu. (2020). Hidden geographical
    opportunities for convergence of Russian-Kazakh border area. Dela 53: 97-110 (the 12 + 7
    border regions the default reproduces).
    Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87(1), 43-55.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"region": ["A1", "A2", "B1", "B2"], "country": ["A", "A", "B", "B"]},
    ...                      geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
    ...                                box(1, 1, 2, 3)], crs="EPSG:4326")
    >>> from crossborder import border_regions
    >>> r = border_regions(g)
    >>> r["region"].tolist(), r["length_km"].round(1).tolist()
    (['A1', 'A2', 'B1', 'B2'], [110.6, 110.6, 110.6, 110.6])
    """
    unknown = set(contacts) - set(_RANK)
    if unknown:
        raise ValueError(f"unknown contact kinds {sorted(unknown)}; use edge, point, near")
    a, b = _sides(regions, group_col, a, b)
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
    a: str | None = None,
    b: str | None = None,
    *,
    id_col: str = "region",
    length: LengthMethod = "auto",
) -> pd.DataFrame:
    """Each border region's length of the ``a``-``b`` border (km) and its share of the total.

    Columns ``region``, ``group``, ``length_km``, ``share`` (length / border length; the shares of
    each side add up to 1). Regions in point contact only appear with length and share 0.
    """
    a, b = _sides(regions, group_col, a, b)
    pairs = cross_border_pairs(regions, group_col, a, b, id_col=id_col, length=length)
    per = _per_region(pd.DataFrame(pairs.drop(columns="geometry")), a, b)
    total = float(pairs.loc[pairs["contact"] == "edge", "length_km"].sum())
    out = per[["region", "group", "edge_km"]].rename(columns={"edge_km": "length_km"})
    out["share"] = out["length_km"] / total if total > 0 else np.nan
    out = out.assign(_g=(out["group"] != a).astype(int))
    out = out.sort_values(["_g", "length_km", "region"], ascending=[True, False, True])
    return out.drop(columns="_g").reset_index(drop=True)


# ----------------------------------------------------------------------------- one border
#: Half the Earth's equatorial circumference (km): no two points are farther apart.
HALF_EARTH_KM = 20_037.5
#: Largest tolerance (m) accepted: a tolerance closes digitising gaps between two national
#: sources; beyond 10 km it bridges real features (lakes, corridors, whole small regions).
MAX_TOLERANCE_M = 10_000.0
#: The automatic tolerance closes gaps up to this width (m) ...
AUTO_MAX_GAP_M = 250.0
#: ... looking for them this far (m) from the other side.
AUTO_SEARCH_M = 2 * AUTO_MAX_GAP_M
_EXACT_M = 0.01          # closer than 1 cm counts as touching
_KAPPA = 20.0            # m of boundary per m of tolerance the border's ends may add (see below)
_EDGE_FACTOR = 4.0       # a stretch shorter than 4 x tolerance cannot be told from a corner touch
_OVERLAP_M2 = 100.0      # overlaps under 100 m2 are rounding, not slivers
_KEEP_SHARE = 0.05       # auto: gaps that change no pair and add < 5 % to the length stay open


def _sides(regions: gpd.GeoDataFrame, group_col: str, a: str | None, b: str | None
           ) -> tuple[str, str]:
    """The two groups: as given, else ``regions.attrs["sides"]`` (a Dataset's ``sides``), else
    the only two groups present (in order of first appearance)."""
    if a is not None and b is not None:
        return a, b
    declared = getattr(regions, "attrs", {}).get("sides")
    if declared is not None and a is None and b is None:
        return str(declared[0]), str(declared[1])
    if not isinstance(regions, pd.DataFrame) or group_col not in regions.columns:
        raise DataError(f"regions have no {group_col!r} column", column=group_col)
    present = [g for g in pd.unique(regions[group_col].dropna())]
    if a is not None or b is not None:
        given = a if a is not None else b
        other = [g for g in present if g != given]
        if len(other) != 1:
            raise DataError(f"pass both sides: {group_col!r} holds {present}", column=group_col)
        return (given, other[0]) if a is not None else (other[0], given)
    if len(present) != 2:
        raise DataError(f"a border needs two sides: {group_col!r} holds {len(present)} groups "
                        f"({', '.join(map(str, present[:6]))}); pass a= and b=", column=group_col)
    return present[0], present[1]


def check_length(name: str, value: float | str, *, high: float, unit: str, beyond: str,
                 auto: bool = False) -> float | str:
    """``value`` as a length in ``unit`` in [0, ``high``], else ValueError naming ``name`` and
    the value (``beyond``: the words after it, why nothing above ``high`` makes sense);
    ``"auto"`` passes when ``auto``. The one check of the tolerances (m) and distances (km) of
    the border functions, on :func:`crossborder.measures._checks.check_number`."""
    if isinstance(value, str):
        if auto and value == "auto":
            return value
        raise ValueError(f"{name} must be {'auto or ' if auto else ''}a number of {unit}, "
                         f"not {value!r}")
    v = check_number(name, value, low=0)
    if v > high:
        raise ValueError(f"{name} {v:,.6g} {unit} {beyond}")
    return v


def check_tolerance(tolerance_m: float | str, auto: bool = True) -> float | str:
    """``"auto"`` (when ``auto``) or a tolerance in metres in [0, :data:`MAX_TOLERANCE_M`]
    (:func:`check_length`)."""
    return check_length("tolerance_m", tolerance_m, high=MAX_TOLERANCE_M, unit="m", auto=auto,
                        beyond=f"is beyond the {MAX_TOLERANCE_M:,.0f} m a tolerance can mean: it "
                               "closes gaps between two sources' polygons, and at this width it "
                               "would join regions across lakes, corridors or whole regions")


def check_distance_km(distance_km: float, name: str = "distance_km") -> float:
    """A distance in km in [0, :data:`HALF_EARTH_KM`] (:func:`check_length`)."""
    return float(check_length(name, distance_km, high=HALF_EARTH_KM, unit="km",
                              beyond=f"is more than half the Earth's circumference "
                                     f"({HALF_EARTH_KM:,.1f} km): no place is that far from the "
                                     "border"))


def _duplicates(prepared: gpd.GeoDataFrame, id_col: str, group_col: str) -> pd.DataFrame:
    """Regions whose polygon is the very same as an earlier region's (``region``, ``same_as``,
    ``group``, ``same_group``)."""
    geoms = np.asarray(prepared.geometry.values, dtype=object)
    keys = pd.Series(shapely.to_wkb(shapely.normalize(geoms)), index=prepared.index)
    first = keys.duplicated(keep="first")
    if not first.any():
        return pd.DataFrame(columns=["region", "same_as", "group", "same_group"])
    owner = keys[~first].reset_index().set_index(0)["index"]
    rows = []
    for k in np.flatnonzero(first.to_numpy()):
        orig = int(owner[keys.iloc[k]])
        rows.append({"region": prepared[id_col].iloc[k], "same_as": prepared[id_col].iloc[orig],
                     "group": prepared[group_col].iloc[k],
                     "same_group": prepared[group_col].iloc[orig]})
    return pd.DataFrame(rows)


def _at_antimeridian(geoms: np.ndarray, crs: CRS) -> tuple[bool, bool]:
    """Whether ``geoms`` have vertices at longitude +180 and at -180."""
    if not crs.is_geographic or not len(geoms):
        return False, False
    x = shapely.get_coordinates(geoms)[:, 0]
    return bool((x >= 179.9999).any()), bool((x <= -179.9999).any())


def _to(geoms: np.ndarray, src: CRS, dst: CRS) -> np.ndarray:
    if src.equals(dst):
        return geoms
    t = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geoms, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def _segments(geoms: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end points and owner (index into ``geoms``) of every boundary segment of
    ``geoms[which]``."""
    rings, ring_owner = shapely.get_parts(shapely.boundary(geoms[which]), return_index=True)
    xy, idx = shapely.get_coordinates(rings, return_index=True)
    same = idx[1:] == idx[:-1]
    return xy[:-1][same], xy[1:][same], which[ring_owner[idx[:-1][same]]]


def _gap_samples(own: np.ndarray, other: np.ndarray, search: float, step: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Signed distance (; > 0 a gap outside ``other``, < 0 the depth inside it) and length of
    each piece (at most ``step`` long) of the outer boundary of ``own`` that lies within
    ``search`` of ``other``'s boundary; boundaries between two polygons of ``own`` are left out.
    Planar, in the units of a projected CRS. Distances are to boundary segments in an STRtree,
    so the cost grows with the number of vertices near the border."""
    empty = (np.zeros(0), np.zeros(0))
    i, j = shapely.STRtree(other).query(own, predicate="dwithin", distance=search)
    if not len(i):
        return empty
    a0, a1, a_owner = _segments(own, np.unique(i))
    b0, b1, _ = _segments(other, np.unique(j))
    a_seg = shapely.linestrings(np.stack([a0, a1], axis=1))
    b_tree = shapely.STRtree(shapely.linestrings(np.stack([b0, b1], axis=1)))
    keep = np.unique(b_tree.query(a_seg, predicate="dwithin", distance=search)[0])
    if not len(keep):
        return empty
    p0, p1, seg_owner = a0[keep], a1[keep], a_owner[keep]
    seg_len = np.hypot(*(p1 - p0).T)
    a_tree = shapely.STRtree(a_seg)

    def nearest(xy: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance of points to the other side's boundary, and whether they lie on the
        boundary between two polygons of this side (internal)."""
        pts = shapely.points(xy)
        pi, si = a_tree.query(pts, predicate="dwithin", distance=_EXACT_M)
        internal = np.zeros(len(pts), dtype=bool)
        internal[pi[a_owner[si] != owner[pi]]] = True
        (qi, _), dist = b_tree.query_nearest(pts, max_distance=search, return_distance=True)
        d = np.full(len(pts), np.inf)
        np.minimum.at(d, qi, dist)
        off = np.flatnonzero(np.isfinite(d) & (d > _EXACT_M) & ~internal)
        if len(off):
            inside = np.unique(shapely.STRtree(other).query(pts[off], predicate="within")[0])
            d[off[inside]] *= -1.0
        return d, internal

    # a segment whose ends and middle lie on the other side's boundary lies on it (its
    # vertices are the other's, or on the other's straight segments): one sample of its length
    ends, ends_internal = nearest(np.concatenate([p0, (p0 + p1) / 2, p1]), np.tile(seg_owner, 3))
    m = len(p0)
    d3 = np.abs(ends).reshape(3, m)
    on = (d3 <= _EXACT_M).all(axis=0)
    whole_d = np.zeros(int(on.sum()))
    whole_w = seg_len[on]
    whole_internal = ends_internal.reshape(3, m)[1][on]
    p0, p1, seg_owner, seg_len = p0[~on], p1[~on], seg_owner[~on], seg_len[~on]
    n = np.maximum(1, np.ceil(seg_len / step).astype(int))
    rep = np.repeat(np.arange(len(n)), n)
    k = np.arange(len(rep)) - np.repeat(np.cumsum(n) - n, n)
    frac = ((k + 0.5) / n[rep])[:, None]
    mid = p0[rep] + frac * (p1[rep] - p0[rep])
    d, internal = nearest(mid, seg_owner[rep])
    d = np.concatenate([d, whole_d])
    internal = np.concatenate([internal, whole_internal])
    weight = np.concatenate([(seg_len / n)[rep], whole_w])
    d[np.abs(d) <= _EXACT_M] = 0.0
    ok = np.isfinite(d) & ~internal
    return d[ok], weight[ok]


def _nice_ceil(x: float) -> float:
    """The smallest of 1, 2, 5 x 10^k (m) at least ``x``."""
    if x <= 0:
        return 0.0
    e = np.floor(np.log10(x))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * 10**e >= x * (1 - 1e-12):
            return float(m * 10**e)
    return float(10 ** (e + 1))


@dataclass(frozen=True)
class GapProfile:
    """What separates the two sides' polygons along their common line (both sides' boundaries
    sampled; lengths are the mean of the two sides, planar in the working projection).

    ``gap_m``: the widest gap the line is closed over (0: none); ``gap_km``: length of line
    with a gap below the tolerance; ``overlap_km``: length of line along which the two sides
    overlap; ``max_overlap_m``: the deepest overlap; ``closable``: False when gaps go on
    beyond the search distance (the sides do not meet in the polygons)."""

    gap_m: float
    gap_km: float
    overlap_km: float
    max_overlap_m: float
    exact_km: float
    closable: bool
    tolerance_m: float


def gap_profile(d: np.ndarray, w: np.ndarray, search: float = AUTO_SEARCH_M) -> GapProfile:
    """Choose the tolerance from the distances ``d`` (m) of boundary pieces of lengths ``w``.

    ``f(t)`` = length of boundary outside the other side but within ``t`` of it. Where the two
    sides' boundaries diverge for good (the border's ends at a coast or a third country) ``f``
    grows about linearly, by ``t / sin(angle)`` per end; a gap left by digitising adds a block
    of length at its width. Scanning ``t`` upwards from 0.5 m on a 5 % log grid, a gap shows as
    a ``t`` where doubling it adds more than ``_KAPPA x t`` of boundary (more than ten ends at
    30° add); the gaps are closed at the first ``t`` after that where doubling adds no more. The
    tolerance is twice the widest gap below it, rounded up to 1, 2 or 5 x 10^k m ("gaps up to
    95 m; closed with a 200 m tolerance"). No such gap up to :data:`AUTO_MAX_GAP_M`: tolerance 0;
    gaps that go on growing up to it: not closable (no tolerance chosen, said).
    """
    gap = d > _EXACT_M
    dist = np.sort(d[gap])
    cum = np.concatenate([[0.0], np.cumsum(w[gap][np.argsort(d[gap])])])
    exact_km = float(w[np.abs(d) <= _EXACT_M].sum()) / 2000.0
    over = d < -_EXACT_M
    overlap_km = float(w[over].sum()) / 2000.0
    max_over = float(-d[over].min()) if over.any() else 0.0

    def f(t: float) -> float:
        return float(cum[np.searchsorted(dist, t, side="right")])

    t_close, failed = None, False
    t = 0.5
    while t <= AUTO_MAX_GAP_M:
        if f(2 * t) - f(t) > _KAPPA * t:
            failed = True
        elif failed:
            t_close = t
            break
        t *= 1.05
    if not failed:
        return GapProfile(0.0, 0.0, overlap_km, max_over, exact_km, True, 0.0)
    if t_close is None:
        return GapProfile(float(dist[-1]) if len(dist) else 0.0, f(search) / 2000.0, overlap_km,
                          max_over, exact_km, False, 0.0)
    within = dist[dist <= t_close]
    gap_m = float(within[-1])
    return GapProfile(gap_m, f(t_close) / 2000.0, overlap_km, max_over, exact_km, True,
                      _nice_ceil(2.0 * gap_m))


@dataclass(frozen=True)
class Border:
    """One border computation: the pairs across the border, its line, and what was measured
    and repaired on the way (gaps, overlaps, duplicate polygons), for one tolerance.

    ``pairs``: every contact across the border, a GeoDataFrame ``a_region``, ``b_region``,
    ``contact`` (``edge``: a shared stretch, a pair — :attr:`edges`; ``point``: a touch at a
    point, or within the tolerance over less than 4 x the tolerance, listed but no pair —
    :attr:`points`), ``length_km`` (the shared length: see :func:`find_border`), ``a_km`` and
    ``b_km`` (each side's boundary within the tolerance of the other region), ``distance_m``
    (0 when they touch), ``overlap_km2`` (area both claim) and the shared line as geometry.
    ``notes``: sentences for the user, each said once.
    """

    a: str
    b: str
    group_col: str
    id_col: str
    tolerance_m: float
    tolerance_source: str
    pairs: gpd.GeoDataFrame
    line: BorderLine
    profile: GapProfile | None
    duplicates: pd.DataFrame
    notes: tuple[str, ...]

    @property
    def edges(self) -> gpd.GeoDataFrame:
        """The cross-border pairs: those sharing a stretch of border (contact ``edge``)."""
        return self.pairs[self.pairs["contact"] == "edge"].reset_index(drop=True)

    @property
    def points(self) -> gpd.GeoDataFrame:
        """Regions of the two sides that touch at a point only (contact ``point``): listed, but
        no pair (:data:`PAIR_CONTACTS`)."""
        return self.pairs[self.pairs["contact"] == "point"].reset_index(drop=True)

    @property
    def overlaps(self) -> pd.DataFrame:
        """Pairs whose polygons overlap (``a_region``, ``b_region``, ``overlap_km2``)."""
        o = self.pairs[self.pairs["overlap_km2"] > 0]
        return pd.DataFrame(o[["a_region", "b_region", "overlap_km2"]]).reset_index(drop=True)

    def regions(self, contacts: Collection[str] = ("edge", "point"),
                min_length_km: float = 0.0) -> pd.DataFrame:
        """The regions on the border, as :func:`border_regions` (``region``, ``group``,
        ``length_km``, ``contact``, ``n_neighbours``)."""
        per = _per_region(pd.DataFrame(self.pairs.drop(columns="geometry")), self.a, self.b)
        is_edge = per["contact"] == "edge"
        counts = per["contact"].isin(list(contacts)) & (~is_edge | (per["edge_km"] >= min_length_km))
        out = per[counts].drop(columns="edge_km")
        out = out.assign(_g=(out["group"] != self.a).astype(int)).sort_values(["_g", "region"])
        return out.drop(columns="_g").reset_index(drop=True)

    def shares(self) -> pd.DataFrame:
        """Each border region's length of the border (km) and its share of the total."""
        per = _per_region(pd.DataFrame(self.pairs.drop(columns="geometry")), self.a, self.b)
        total = self.line.length_km
        out = per[["region", "group", "edge_km"]].rename(columns={"edge_km": "length_km"})
        out["share"] = out["length_km"] / total if total > 0 else np.nan
        out = out.assign(_g=(out["group"] != self.a).astype(int))
        out = out.sort_values(["_g", "length_km", "region"], ascending=[True, False, True])
        return out.drop(columns="_g").reset_index(drop=True)

    def summary(self) -> str:
        return "\n".join([self.line.summary(), *self.notes])


def _tolerant_pairs(pa: np.ndarray, pb: np.ndarray, tol_m: float, unit: float, work: CRS,
                    crs: CRS, geodesic: bool) -> pd.DataFrame:
    """Pairs within ``tol_m`` metres in the ``work`` CRS (``unit`` m per unit): each side's
    boundary within the tolerance of the other region (overlaps included), lengths in ``crs``."""
    tol = tol_m / unit
    i, j = shapely.STRtree(pb).query(pa, predicate="dwithin", distance=tol)
    order = np.lexsort((j, i))
    i, j = i[order], j[order]
    ua, ia = np.unique(i, return_inverse=True)
    ub, ib = np.unique(j, return_inverse=True)
    buf_a = shapely.buffer(pa[ua], tol, quad_segs=8)[ia]
    buf_b = shapely.buffer(pb[ub], tol, quad_segs=8)[ib]
    part_a = _linear_part(shapely.intersection(_outer_boundary(pa, ua, 0.05 / unit)[ia], buf_b))
    part_b = _linear_part(shapely.intersection(_outer_boundary(pb, ub, 0.05 / unit)[ib], buf_a))
    back_a, back_b = _to(part_a, work, crs), _to(part_b, work, crs)
    a_km = _line_lengths_km(back_a, crs, geodesic)
    b_km = _line_lengths_km(back_b, crs, geodesic)
    mean = (a_km + b_km) / 2.0
    dist = shapely.distance(pa[i], pb[j]) * unit
    overlap = np.zeros(len(i))
    hit = shapely.intersects(pa[i], pb[j])
    if hit.any():
        overlap[hit] = shapely.area(shapely.intersection(pa[i[hit]], pb[j[hit]])) * unit**2
    overlap = np.where(overlap >= _OVERLAP_M2, overlap / 1e6, 0.0)
    is_edge = mean * 1000.0 > _EDGE_FACTOR * tol_m
    geom = np.empty(len(i), dtype=object)
    if is_edge.any():
        geom[is_edge] = _linear_part(shapely.union(back_a[is_edge], back_b[is_edge]))
    if (~is_edge).any():
        link = shapely.shortest_line(pa[i[~is_edge]], pb[j[~is_edge]])
        geom[~is_edge] = _to(shapely.get_point(link, 0), work, crs)
    return pd.DataFrame({"i": i, "j": j, "contact": np.where(is_edge, "edge", "point"),
                         "length_km": np.where(is_edge, mean, 0.0),
                         "a_km": a_km, "b_km": b_km, "distance_m": dist,
                         "overlap_km2": overlap, "geometry": geom})


def _outer_boundary(geoms: np.ndarray, which: np.ndarray, eps: float) -> np.ndarray:
    """The boundary of each ``geoms[which]`` less the stretches it shares with another polygon
    of its side (near the ends of a cross-border stretch those run within the tolerance of the
    other side too, but they are no part of the border)."""
    tree = shapely.STRtree(geoms)
    i, k = tree.query(geoms[which], predicate="intersects")
    keep = which[i] != k
    i, k = i[keep], k[keep]
    bounds = shapely.boundary(geoms[which])
    if not len(i):
        return bounds
    order = np.argsort(i, kind="stable")
    i, k = i[order], k[order]
    others = np.full(len(which), None, dtype=object)
    for pos in np.unique(i):
        others[pos] = shapely.union_all(shapely.boundary(geoms[k[i == pos]]))
    has = ~shapely.is_missing(others)
    out = bounds.copy()
    # snapped to 5 cm: the two polygons' vertices along a shared edge may differ slightly
    out[has] = shapely.difference(bounds[has], others[has], grid_size=eps)
    return out


def _overlap_areas(pa: np.ndarray, pb: np.ndarray, unit: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j) whose polygons overlap by at least 100 m² and the area (km²)."""
    i, j = shapely.STRtree(pb).query(pa, predicate="intersects")
    if not len(i):
        return i, j, np.zeros(0)
    area = shapely.area(shapely.intersection(pa[i], pb[j])) * unit**2
    keep = area >= _OVERLAP_M2
    return i[keep], j[keep], area[keep] / 1e6


def find_border(
    regions: gpd.GeoDataFrame,
    group_col: str = "country",
    a: str | None = None,
    b: str | None = None,
    *,
    id_col: str = "region",
    tolerance_m: float | str = "auto",
    length: LengthMethod = "auto",
) -> Border:
    """The border between the regions of group ``a`` and of group ``b``, found within a tolerance.

    Parameters
    ----------
    regions : GeoDataFrame
        (Multi)polygons with an id column and a group column, forming a coverage (gaps allowed).
    group_col : str, default "country"
        The column holding each region's group (side of the border).
    a, b : str, optional
        The two groups; default: the regions' two groups.
    id_col : str, default "region"
        The column of the region codes.
    tolerance_m : float or "auto", default "auto"
        The tolerance t (m): chosen from the data by default (see Notes), else used as given
        (at most :data:`MAX_TOLERANCE_M`).
    length : {"auto", "geodesic", "planar"}, default "auto"
        Geodesic lengths for a geographic CRS, planar for a projected one, unless forced.

    Returns
    -------
    Border
        ``pairs`` (every contact across the border, with its ``length_km``), ``line`` (the
        :class:`BorderLine`), ``tolerance_m`` and ``tolerance_source``, ``profile`` (the gap
        profile), ``duplicates`` and ``notes`` (what was measured and done).

    Notes
    -----
    Two regions on either side share a stretch of border when each one's boundary runs within
    ``tolerance_m`` of the other region (inside it, where they overlap). Its **length** is the
    mean of the two sides' outer boundary lengths within the tolerance,
    ``(|∂'A ∩ buffer(B, t)| + |∂'B ∩ buffer(A, t)|) / 2``, where ``∂'A`` is A's boundary less
    the stretches it shares with regions of its own side; geodesic on the ellipsoid for
    geographic coordinates (planar otherwise, see ``length``). With ``t = 0`` and polygons that
    share their edges exactly it is the length of the shared edges, as :func:`cross_border_pairs`.
    A stretch shorter than 4 t cannot be told from a corner touch and is a ``point`` contact.
    Where the two sides part for good (the border's ends at a coast or a third country) the
    boundaries within t add about ``t / sin(angle)`` each; where they overlap, the overlap's
    flanks count too.

    ``tolerance_m="auto"`` (default) measures the gaps between the two sides' polygons along
    their common line and chooses the tolerance that closes them (:func:`gap_profile`; 0 when
    the polygons share their edges exactly; gaps that change no pair and add under 5 % to the
    length are measured and said but left open, so exact-edge data keep their exact numbers); a
    number (m, at most :data:`MAX_TOLERANCE_M`) is used as given. Gaps and overlaps are
    measured in a Lambert equal-area projection centred on the regions (or the regions' own
    projected CRS), so regions meeting at the antimeridian are matched. Duplicated polygons
    (one polygon under two codes of one side) are counted once.
    What was measured and done is said in ``notes``. Candidate pairs come from STRtree queries:
    the cost grows with the number of vertices near the border.

    References
    ----------
    The definition follows R ``cartography::getBorders(tol=)`` (boundaries within a
    tolerance) and libpysal's ``fuzzy_contiguity`` (buffered polygons that intersect), with a
    length that both sides agree on.
    Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87(1), 43-55.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from crossborder import find_border
    >>> g = gpd.GeoDataFrame({"region": ["A1", "A2", "B1", "B2"], "country": ["A", "A", "B", "B"]},
    ...                      geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
    ...                                box(1, 1, 2, 3)], crs="EPSG:4326")
    >>> b = find_border(g)
    >>> b.tolerance_m, b.line.n_pairs, round(b.line.length_km, 1)
    (0.0, 2, 221.1)
    >>> b.pairs["contact"].tolist()
    ['edge', 'point', 'point', 'edge']
    """
    tol = check_tolerance(tolerance_m)
    a, b = _sides(regions, group_col, a, b)
    if a == b:
        raise ValueError("the two groups must differ")
    if isinstance(regions, gpd.GeoDataFrame) and id_col in regions:
        check_finite_coordinates(regions, id_col)
    prepared = _prepare(_drawable(regions, id_col), id_col, (group_col,))
    groups = prepared[group_col]
    for g in (a, b):
        if not (groups == g).any():
            raise DataError(f"no region has {group_col} == {g!r}", column=group_col)
    crs = CRS.from_user_input(prepared.crs)
    geodesic = _use_geodesic(crs, length)
    notes: list[str] = []

    dups = _duplicates(prepared[groups.isin([a, b])].reset_index(drop=True), id_col, group_col)
    same_side = dups[dups["group"] == dups["same_group"]]
    if len(dups):
        listed = ", ".join(f"{r.region} = {r.same_as}" for r in dups.itertuples())
        notes.append(f"the same polygon is given under two codes ({listed}): "
                     + ("each counted once (the later code left out of the border)"
                        if len(same_side) == len(dups) else
                        "across the two sides it is an overlap, measured below"))
    drop = set(same_side["region"])
    side_a = prepared[(groups == a) & ~prepared[id_col].isin(drop)].reset_index(drop=True)
    side_b = prepared[(groups == b) & ~prepared[id_col].isin(drop)].reset_index(drop=True)
    ga = np.asarray(side_a.geometry.values, dtype=object)
    gb = np.asarray(side_b.geometry.values, dtype=object)
    ids_a = side_a[id_col].to_numpy(dtype=object)
    ids_b = side_b[id_col].to_numpy(dtype=object)

    work = equal_area_crs(gpd.GeoSeries(np.concatenate([ga, gb]), crs=crs)) \
        if crs.is_geographic else crs
    unit = _unit_metres(work)          # metres per unit of the working CRS
    pa, pb = _to(ga, crs, work), _to(gb, crs, work)
    (a_east, a_west), (b_east, b_west) = _at_antimeridian(ga, crs), _at_antimeridian(gb, crs)
    antimeridian = (a_east and b_west) or (a_west and b_east)

    oi, oj, oarea = _overlap_areas(pa, pb, unit)
    profile = None
    if tol == "auto":
        search = AUTO_SEARCH_M
        da, wa = _gap_samples(pa, pb, search / unit, 50.0 / unit)
        db, wb = _gap_samples(pb, pa, search / unit, 50.0 / unit)
        profile = gap_profile(np.concatenate([da, db]) * unit, np.concatenate([wa, wb]) * unit,
                              search)
        used, source = profile.tolerance_m, "chosen from the data"
        if profile.gap_m > 0:
            notes.append(f"the two sides' polygons leave gaps up to {profile.gap_m:,.0f} m along "
                         f"{profile.gap_km:,.1f} km of their common line; closed with a "
                         f"{used:,.0f} m tolerance (--tolerance-m / tolerance_m= to change it)")
        elif not profile.closable:
            notes.append(f"the two sides' polygons do not meet along a line, and gaps go on beyond "
                         f"{AUTO_MAX_GAP_M:,.0f} m: no tolerance chosen; give one "
                         "(--tolerance-m / tolerance_m=) if they should")
    else:
        used, source = float(tol), "as given"
    if len(oi):
        k = int(np.argmax(oarea))
        notes.append(f"the polygons of {a} and {b} overlap in {len(oi)} pair(s), "
                     f"{oarea.sum():,.3g} km² in all (largest {ids_a[oi[k]]}–{ids_b[oj[k]]}, "
                     f"{oarea[k]:,.3g} km²"
                     + (f"; up to {profile.max_overlap_m:,.0f} m deep along "
                        f"{profile.overlap_km:,.1f} km" if profile and profile.overlap_km else "")
                     + "): both sides' boundaries through the overlap count as border")
    if antimeridian:
        notes.append("regions of the two sides meet at the antimeridian (±180°): matched in a "
                     "projection centred on the regions")
    forced = len(oi) > 0 or antimeridian
    exact = None
    if not forced:
        exact = _contacts(ga, gb, crs, tolerance_m=0.0, geodesic=geodesic, same=False)
        exact["a_km"] = exact["length_km"]
        exact["b_km"] = exact["length_km"]
        exact["overlap_km2"] = 0.0
    found = exact
    if used > 0 or forced:
        if used == 0:
            notes.append("measured with a 1 m tolerance (overlaps or the antimeridian need one)")
            used = 1.0
        found = _tolerant_pairs(pa, pb, used, unit, work, crs, geodesic)
    if tol == "auto" and exact is not None and found is not exact:
        def edge_set(f: pd.DataFrame) -> set:
            return set(zip(f.loc[f["contact"] == "edge", "i"], f.loc[f["contact"] == "edge", "j"],
                           strict=True))
        km_exact = float(exact.loc[exact["contact"] == "edge", "length_km"].sum())
        km_closed = float(found.loc[found["contact"] == "edge", "length_km"].sum())
        if edge_set(exact) == edge_set(found) and km_closed < (1 + _KEEP_SHARE) * km_exact:
            notes[-1] = (f"the two sides' polygons leave gaps up to {profile.gap_m:,.0f} m along "
                         f"{profile.gap_km:,.1f} km of their common line; closing them "
                         f"(--tolerance-m {used:g}) changes no pair and adds "
                         f"{km_closed - km_exact:,.1f} km (under {_KEEP_SHARE:.0%}): the exactly "
                         "shared edges are kept")
            found, used, source = exact, 0.0, "chosen from the data: exact edges"
    out = _edges_frame(found, ids_a, ids_b, crs, names=("a_region", "b_region"))
    for col in ("a_km", "b_km", "overlap_km2"):
        out.insert(len(out.columns) - 1, col, found[col].to_numpy(dtype=float))
    out = out.sort_values(["a_region", "b_region"], ignore_index=True)
    edges = out[out["contact"] == "edge"]
    if len(edges):
        geom = shapely.line_merge(shapely.union_all(np.asarray(edges.geometry.values)))
    else:
        geom = shapely.from_wkt("LINESTRING EMPTY")
        closest = float(shapely.distance(shapely.union_all(pa), shapely.union_all(pb))) * unit
        notes.append(f"the regions of {a} and {b} share no stretch of boundary"
                     + (f" (they come within {closest / 1000:,.3g} km of each other)"
                        if closest > 0 else " (they touch only at points)")
                     + ": no border line; its length is not 0 km but unknown")
    line = BorderLine(geometry=geom, length_km=float(edges["length_km"].sum()), a=str(a), b=str(b),
                      group_col=group_col, crs=crs, n_pairs=len(edges),
                      method="geodesic" if geodesic else "planar", tolerance_m=float(used))
    return Border(a=str(a), b=str(b), group_col=group_col, id_col=id_col, tolerance_m=float(used),
                  tolerance_source=source, pairs=out, line=line, profile=profile,
                  duplicates=dups, notes=tuple(notes))

