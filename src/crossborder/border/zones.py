"""Border zones and distances to the border.

* :func:`border_zone` — the part of each region within ``distance_km`` of the border line between
  two groups of regions (default 150 km, the paper's 1.5-hour reach to the nearest regional
  centre), its area and area share, the population inside it and the cities inside it.
* :func:`city_distances` — for each city, the distance to the border line and to the nearest city
  on the other side.

Where the work is done (``crs``): areas and buffers are computed in an equal-area projection,
by default a Lambert azimuthal equal-area projection centred on the regions
(:func:`equal_area_crs`) when the regions are in geographic coordinates, and in the regions' own
CRS when it is projected (pass ``crs=`` to choose another). Areas are then exact up to the
polygons' vertices. The buffer of ``distance_km`` around the line is Euclidean in that plane:
Lambert's distance scale departs from 1 by ``1 - cos(c / 2)`` at an angular distance ``c`` from the
centre, i.e. below 0.1 % within 500 km and about 0.7 % 1,500 km away, which is the accuracy of the
zone's edge for the Russia–Kazakhstan border (7,500 km long, about 3,000 km across).

Distances of points (cities) to the line are geodesic on the ellipsoid (``pyproj.Geod``): the
nearest point of the line is found in the plane, then the distance to it is measured on the
ellipsoid. Distances between cities are geodesic, found with a KD-tree on unit-sphere coordinates
(the chord is monotone in the great-circle distance), so no N x N matrix is built.

Population inside a zone: ``population x zone area share`` assumes the population is spread
evenly over each region — a documented approximation (it understates zones that hold the regional
capital and overstates empty steppe). With ``cities`` the population of the cities inside the
zone is given as well, as an observed lower bound of the urban population there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer
from scipy.spatial import cKDTree

from .._display import displayable
from ..errors import DataError
from ..panel import Panel
from .geometry import (
    HALF_EARTH_KM,
    BorderLine,
    border_line,
    check_distance_km,
    equal_area_crs,
    unit_xyz,
)

__all__ = ["HALF_EARTH_KM", "BorderZone", "border_zone", "check_distance_km", "city_distances",
           "equal_area_crs"]

_EARTH_RADIUS_KM = 6371.0088


def _work_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries, crs: Any | None,
              around: BorderLine | None = None) -> CRS:
    """The CRS to buffer and measure in: ``crs``, the data's own projected CRS, or Lambert
    equal-area centred on the border line (``around``) or on the data."""
    if crs is not None:
        return CRS.from_user_input(crs)
    own = CRS.from_user_input(gdf.crs)
    if not own.is_geographic:
        return own
    if around is not None and not shapely.is_empty(around.geometry):
        return equal_area_crs(gpd.GeoSeries([around.geometry], crs=around.crs))
    return equal_area_crs(gdf)


def _metres(crs: CRS) -> float:
    return float(crs.axis_info[0].unit_conversion_factor) if crs.axis_info else 1.0


# ----------------------------------------------------------------------------- points
def _as_points(cities: gpd.GeoDataFrame | pd.DataFrame) -> gpd.GeoDataFrame:
    """Cities as a point GeoDataFrame (from ``lon``/``lat`` columns when not already one)."""
    if isinstance(cities, gpd.GeoDataFrame):
        if cities.crs is None:
            raise DataError("cities have no CRS")
        kinds = set(cities.geometry.geom_type.dropna().unique()) - {"Point"}
        if kinds:
            raise DataError(f"cities must be points, found {sorted(kinds)}")
        return cities.reset_index(drop=True)
    for col in ("lon", "lat"):
        if col not in cities.columns:
            raise DataError("cities need a geometry or lon/lat columns", column=col)
    return gpd.GeoDataFrame(cities.reset_index(drop=True),
                            geometry=gpd.points_from_xy(cities["lon"], cities["lat"]),
                            crs="EPSG:4326")


def _lonlat(points: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    crs = CRS.from_user_input(points.crs)
    xy = shapely.get_coordinates(np.asarray(points.values, dtype=object))
    if crs.is_geographic:
        return xy[:, 0], xy[:, 1]
    t = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    lon, lat = t.transform(xy[:, 0], xy[:, 1])
    return np.asarray(lon), np.asarray(lat)


def _geod(crs: CRS) -> Geod:
    return crs.get_geod() or Geod(ellps="WGS84")


def geodesic_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray,
                geod: Geod | None = None) -> np.ndarray:
    """Geodesic distance (km) on the ellipsoid (WGS84 unless ``geod``), vectorised."""
    g = geod or Geod(ellps="WGS84")
    if len(np.atleast_1d(lon1)) == 0:
        return np.zeros(0)
    _, _, d = g.inv(np.asarray(lon1, float), np.asarray(lat1, float),
                    np.asarray(lon2, float), np.asarray(lat2, float))
    return np.asarray(d, dtype=float) / 1000.0


def chord_for_km(km: float, slack: float = 1.01) -> float:
    """Unit-sphere chord that certainly covers a geodesic distance ``km`` (ellipsoid slack 1%)."""
    angle = min(km * slack / _EARTH_RADIUS_KM, np.pi)
    return float(2.0 * np.sin(angle / 2.0))


@dataclass(frozen=True)
class _Located:
    """Points ready for distance work: geographic (unit sphere + geodesic) or planar."""

    coords: np.ndarray          # xyz on the unit sphere, or planar xy
    lon: np.ndarray
    lat: np.ndarray
    geographic: bool
    geod: Geod | None
    unit_m: float

    def km(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if self.geographic:
            return geodesic_km(self.lon[i], self.lat[i], self.lon[j], self.lat[j], self.geod)
        d = self.coords[i] - self.coords[j]
        return np.hypot(d[:, 0], d[:, 1]) * self.unit_m / 1000.0

    def radius(self, km: float) -> float:
        return chord_for_km(km) if self.geographic else km * 1000.0 / self.unit_m


def locate(points: gpd.GeoDataFrame) -> _Located:
    """Coordinates for KD-tree searches: unit sphere when geographic, the plane when projected."""
    crs = CRS.from_user_input(points.crs)
    if crs.is_geographic:
        lon, lat = _lonlat(points.geometry)
        return _Located(unit_xyz(lon, lat), lon, lat, True, _geod(crs), 1.0)
    xy = shapely.get_coordinates(np.asarray(points.geometry.values, dtype=object))
    return _Located(xy, xy[:, 0], xy[:, 1], False, None, _metres(crs))


# ----------------------------------------------------------------------------- zone
@displayable
@dataclass(frozen=True)
class BorderZone:
    """The border zone within ``distance_km`` of the border line.

    ``regions``: one row per region (GeoDataFrame in the regions' CRS, geometry = the region's
    part inside the zone) with ``region``, ``group``, ``area_km2``, ``zone_km2``, ``zone_share``
    and, when given, ``population``, ``zone_population`` (= population x zone_share),
    ``n_cities``, ``zone_n_cities``, ``cities_population``, ``zone_cities_population``.
    ``cities``: the cities with an ``in_zone`` flag (or None). ``line``: the border line.
    """

    distance_km: float
    regions: gpd.GeoDataFrame
    line: BorderLine
    crs: CRS
    cities: gpd.GeoDataFrame | None = None

    def to_frame(self) -> gpd.GeoDataFrame:
        return self.regions.copy()

    def by_group(self) -> pd.DataFrame:
        """Totals per side: area, zone area and share, and population columns when present."""
        cols = [c for c in ("area_km2", "zone_km2", "population", "zone_population",
                            "n_cities", "zone_n_cities", "cities_population",
                            "zone_cities_population") if c in self.regions]
        out = pd.DataFrame(self.regions[["group", *cols]]).groupby("group", sort=False).sum()
        out["zone_share"] = out["zone_km2"] / out["area_km2"]
        if "population" in out:
            out["zone_population_share"] = out["zone_population"] / out["population"]
        return out

    def summary(self) -> str:
        g = self.by_group()
        lines = [f"Border zone within {self.distance_km:g} km of the {self.line.a}-{self.line.b} "
                 f"border ({self.line.length_km:,.0f} km):"]
        for name, row in g.iterrows():
            s = (f"  {name}: {row['zone_km2']:,.0f} of {row['area_km2']:,.0f} km2 "
                 f"({100 * row['zone_share']:.1f}%)")
            if "zone_population" in g:
                s += f", ~{row['zone_population']:,.0f} people (area-share estimate)"
            lines.append(s)
        return "\n".join(lines)


def _population_series(population: Any, year: Any | None) -> pd.Series:
    if isinstance(population, Panel):
        wide = population.to_wide()
        if not len(wide.columns):
            raise DataError("population panel is empty")
        col = wide.columns[-1] if year is None else year
        if col not in wide.columns:
            raise DataError(f"population panel has no time {year!r}", column="time")
        return wide[col]
    if isinstance(population, Mapping):
        return pd.Series(dict(population), dtype=float)
    if isinstance(population, pd.Series):
        return population.astype(float)
    raise DataError("population must be a Panel, a Series or a mapping region -> value")


def border_zone(
    regions: gpd.GeoDataFrame,
    distance_km: float = 150.0,
    group_col: str = "country",
    a: str | None = None,
    b: str | None = None,
    *,
    id_col: str = "region",
    population: Panel | pd.Series | Mapping | None = None,
    year: Any | None = None,
    cities: gpd.GeoDataFrame | pd.DataFrame | None = None,
    city_region_col: str | None = None,
    pop_col: str = "population",
    crs: Any | None = None,
    line: BorderLine | None = None,
) -> BorderZone:
    """The part of each region within ``distance_km`` of the ``a``-``b`` border line.

    Parameters
    ----------
    regions : GeoDataFrame
        (Multi)polygons with an id column and a group column. Each region's row stands on its
        own, but :meth:`BorderZone.by_group` adds rows up: pass non-overlapping regions (with
        the built-in data, ``ds.base_regions`` or the analysis units, not ``ds.regions`` with
        both RU-TYU and its parts).
    distance_km : float, default 150
        The zone's reach D (the paper's 1.5-hour reach to the nearest regional centre).
    group_col, a, b, id_col
        The group column, the two groups (default: the regions' two) and the id column, as in
        :func:`border_line`.
    population : Panel, Series or mapping, optional
        Population by region (of a Panel: the ``year`` or its last time); adds
        ``zone_population``.
    year : optional
        The Panel's time to take the population from.
    cities : GeoDataFrame or DataFrame, optional
        Points with a ``pop_col``: adds the number and population of cities in each region and
        in its zone.
    city_region_col : str, optional
        A city's region (it must use ``regions``' ids); else the polygon that contains it.
    pop_col : str, default "population"
        The cities' population column.
    crs : optional
        The equal-area CRS to work in (default: see the module docstring).
    line : BorderLine, optional
        Reuses a :class:`BorderLine` already computed.

    Returns
    -------
    BorderZone
        ``regions`` (one row per region: ``area_km2``, ``zone_km2``, ``zone_share`` and the
        population columns; geometry = the region's part inside the zone), ``cities``, ``line``.

    Notes
    -----
    ``zone_i = region_i ∩ buffer(border line, D)``, ``zone_share_i = area(zone_i) / area(region_i)``
    in an equal-area plane (see the module docstring). Regions of both groups (and any other
    regions passed) get a row; those farther than D get zone 0.
    ``zone_population_i = population_i x zone_share_i`` assumes the population is spread evenly
    over each region.

    References
    ----------
    Stepanov, A., Burnasov, A., Ilyushkina, M. & Kovalev, Yu. (2020). Hidden geographical
    opportunities for convergence of Russian-Kazakh border area. Dela 53: 97-110 (the 150 km reach).
    Snyder, J. P. (1987). *Map Projections: A Working Manual*. USGS Professional Paper 1395
    (the Lambert azimuthal equal-area projection).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"region": ["A1", "B1"], "country": ["A", "B"]},
    ...                      geometry=[box(0, 0, 100_000, 100_000), box(100_000, 0, 200_000, 100_000)],
    ...                      crs="EPSG:32642")      # UTM metres: two 100 km squares
    >>> from crossborder import border_zone
    >>> z = border_zone(g, 50, population={"A1": 1000, "B1": 400})
    >>> z.regions[["zone_km2", "zone_share", "zone_population"]].round(1).values.tolist()
    [[5000.0, 0.5, 500.0], [5000.0, 0.5, 200.0]]
    """
    check_distance_km(distance_km)
    if line is None:
        line = border_line(regions, group_col, a, b, id_col=id_col)
    a, b = line.a, line.b
    work = _work_crs(regions, crs, line)
    unit = _metres(work)
    prepared = regions[[id_col, group_col, regions.geometry.name]].dissolve(
        by=id_col, as_index=False, sort=False) if regions[id_col].duplicated().any() \
        else regions[[id_col, group_col, regions.geometry.name]].reset_index(drop=True)
    proj = prepared.to_crs(work)
    geoms = np.asarray(proj.geometry.values, dtype=object)
    line_proj = gpd.GeoSeries([line.geometry], crs=line.crs).to_crs(work).iloc[0]
    buffer = shapely.buffer(line_proj, distance_km * 1000.0 / unit, quad_segs=16)

    zone = np.full(len(geoms), None, dtype=object)
    zone[:] = shapely.from_wkt("POLYGON EMPTY")
    hit = shapely.STRtree(geoms).query(buffer, predicate="intersects")
    if len(hit):
        zone[hit] = shapely.intersection(geoms[hit], buffer)
    area = shapely.area(geoms) * unit**2 / 1e6
    zone_area = shapely.area(zone) * unit**2 / 1e6
    out = pd.DataFrame({
        "region": prepared[id_col].to_numpy(dtype=object),
        "group": prepared[group_col].to_numpy(dtype=object),
        "area_km2": area,
        "zone_km2": zone_area,
        "zone_share": np.divide(zone_area, area, out=np.full(len(area), np.nan), where=area > 0),
    })
    if population is not None:
        pop = _population_series(population, year)
        out["population"] = pop.reindex(out["region"]).to_numpy(dtype=float)
        out["zone_population"] = out["population"] * out["zone_share"]

    city_frame = None
    if cities is not None:
        pts = _as_points(cities).to_crs(work)
        if pop_col not in pts.columns:
            raise DataError(f"cities have no {pop_col!r} column", column=pop_col)
        pgeoms = np.asarray(pts.geometry.values, dtype=object)
        in_zone = shapely.intersects(pgeoms, buffer)
        if city_region_col is not None:
            owner = pts[city_region_col].to_numpy(dtype=object)
        else:
            pi, ri = shapely.STRtree(geoms).query(pgeoms, predicate="intersects")
            owner = np.full(len(pgeoms), None, dtype=object)
            owner[pi] = out["region"].to_numpy(dtype=object)[ri]
        popv = pd.to_numeric(pts[pop_col], errors="coerce").fillna(0.0).to_numpy(dtype=float)
        tab = pd.DataFrame({"region": owner, "one": 1.0, "pop": popv,
                            "zone_one": in_zone.astype(float), "zone_pop": popv * in_zone})
        agg = tab.groupby("region").sum().reindex(out["region"]).fillna(0.0)
        out["n_cities"] = agg["one"].to_numpy(dtype=int)
        out["zone_n_cities"] = agg["zone_one"].to_numpy(dtype=int)
        out["cities_population"] = agg["pop"].to_numpy()
        out["zone_cities_population"] = agg["zone_pop"].to_numpy()
        city_frame = _as_points(cities).assign(zone_region=owner, in_zone=in_zone)

    zone_geo = gpd.GeoSeries(zone, crs=work).to_crs(regions.crs)
    result = gpd.GeoDataFrame(out, geometry=zone_geo.values, crs=regions.crs)
    return BorderZone(distance_km=float(distance_km), regions=result, line=line, crs=work,
                      cities=city_frame)


def _geodesic_to_line(loc: _Located, line_proj: shapely.Geometry, work: CRS,
                      resolution_km: float) -> np.ndarray:
    """Geodesic distance (km) from each point to the nearest vertex of the densified line."""
    if resolution_km <= 0:
        raise ValueError("resolution_km must be > 0")
    if shapely.is_empty(line_proj):
        return np.full(len(loc.lon), np.nan)
    dense = shapely.segmentize(line_proj, resolution_km * 1000.0 / _metres(work))
    xy = shapely.get_coordinates(dense)
    to_ll = Transformer.from_crs(work, work.geodetic_crs, always_xy=True)
    vlon, vlat = (np.asarray(v) for v in to_ll.transform(xy[:, 0], xy[:, 1]))
    k = min(4, len(vlon))
    _, idx = cKDTree(unit_xyz(vlon, vlat)).query(loc.coords, k=k)
    idx = idx.reshape(len(loc.lon), k)
    n = len(loc.lon)
    d = geodesic_km(np.repeat(loc.lon, k), np.repeat(loc.lat, k), vlon[idx.ravel()],
                    vlat[idx.ravel()], loc.geod).reshape(n, k)
    return d.min(axis=1)


# ----------------------------------------------------------------------------- distances
def city_distances(
    cities: gpd.GeoDataFrame | pd.DataFrame,
    regions: gpd.GeoDataFrame | None = None,
    group_col: str = "country",
    a: str | None = None,
    b: str | None = None,
    *,
    id_col: str = "region",
    name_col: str = "city",
    pop_col: str | None = "population",
    min_population: float = 0.0,
    line: BorderLine | None = None,
    crs: Any | None = None,
    resolution_km: float = 0.5,
) -> pd.DataFrame:
    """Distance (km) of each city of group ``a`` or ``b`` to the border and to the nearest city
    across it.

    Parameters
    ----------
    cities : GeoDataFrame or DataFrame
        Points with a ``group_col`` column (e.g. ``country``), optionally ``name_col`` and
        ``pop_col``.
    regions : GeoDataFrame, optional
        The regions the border line is found from (:func:`border_line`) unless ``line`` is given.
    group_col, a, b, id_col
        The group column, the two groups and the regions' id column, as in :func:`border_line`.
    name_col : str, default "city"
        The cities' name column (their position when absent).
    pop_col : str or None, default "population"
        The cities' population column.
    min_population : float, default 0
        The smallest city that can be the nearest city across.
    line : BorderLine, optional
        A border line already computed.
    crs : optional
        The CRS to work in (default: see the module docstring).
    resolution_km : float, default 0.5
        The spacing of the densified line's vertices.

    Returns
    -------
    DataFrame
        Every column of ``cities`` but the geometry, then ``border_km`` (geodesic distance to
        the line), ``across`` (nearest city of the other group with at least
        ``min_population``), ``across_km`` (geodesic) and ``across_population``. Cities of other
        groups are left out: they have no "across".

    Notes
    -----
    ``border_km_i = min over points p of the line of d(city_i, p)`` and
    ``across_km_i = min over cities j of the other group of d(city_i, city_j)``, with ``d`` the
    geodesic distance on the ellipsoid. With geographic coordinates the line is densified to
    vertices at most ``resolution_km``
    apart and ``border_km`` is the geodesic distance to the nearest vertex (found with a KD-tree
    on the unit sphere): it exceeds the true distance by at most ``resolution_km / 2`` on the
    line and by well under 10 m for cities 50 km or more away. With projected coordinates it is
    the planar distance.

    References
    ----------
    Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87(1), 43-55.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"region": ["A1", "B1"], "country": ["A", "B"]},
    ...                      geometry=[box(0, 0, 100_000, 100_000), box(100_000, 0, 200_000, 100_000)],
    ...                      crs="EPSG:32642")      # UTM metres: two 100 km squares
    >>> from shapely.geometry import Point
    >>> from crossborder import city_distances
    >>> c = gpd.GeoDataFrame({"city": ["a", "b"], "country": ["A", "B"], "population": [10, 20]},
    ...                      geometry=[Point(60_000, 50_000), Point(130_000, 50_000)],
    ...                      crs="EPSG:32642")
    >>> d = city_distances(c, g)
    >>> d[["city", "border_km", "across", "across_km"]].round(1).values.tolist()
    [['a', 40.0, 'b', 70.0], ['b', 30.0, 'a', 70.0]]
    """
    pts = _as_points(cities)
    if group_col not in pts.columns:
        raise DataError(f"cities have no {group_col!r} column", column=group_col)
    if line is None:
        if regions is None:
            raise ValueError("give regions or a border line")
        line = border_line(regions, group_col, a, b, id_col=id_col)
    if a is None or b is None:
        a, b = line.a, line.b
    pts = pts[pts[group_col].isin([a, b])].reset_index(drop=True)
    work = _work_crs(pts if regions is None else regions, crs, line)
    loc = locate(pts)

    # distance to the border line
    lproj = gpd.GeoSeries([line.geometry], crs=line.crs).to_crs(work).iloc[0]
    pproj = np.asarray(pts.geometry.to_crs(work).values, dtype=object) if not loc.geographic \
        else None
    if loc.geographic:
        border_km = _geodesic_to_line(loc, lproj, work, resolution_km)
    else:
        border_km = shapely.distance(pproj, lproj) * _metres(work) / 1000.0

    # nearest city across
    group = pts[group_col].to_numpy(dtype=object)
    popv = (pd.to_numeric(pts[pop_col], errors="coerce").to_numpy(dtype=float)
            if pop_col is not None and pop_col in pts else np.full(len(pts), np.inf))
    across = np.full(len(pts), -1)
    for side, other in ((a, b), (b, a)):
        src = np.flatnonzero(group == side)
        dst = np.flatnonzero((group == other) & (np.nan_to_num(popv, nan=-1) >= min_population))
        if len(src) and len(dst):
            _, k = cKDTree(loc.coords[dst]).query(loc.coords[src], k=1)
            across[src] = dst[k]
    has = across >= 0
    across_km = np.full(len(pts), np.nan)
    across_km[has] = loc.km(np.flatnonzero(has), across[has])
    names = pts[name_col].to_numpy(dtype=object) if name_col in pts else np.arange(len(pts))
    out = pd.DataFrame(pts.drop(columns=pts.geometry.name))
    out["border_km"] = border_km
    out["across"] = np.where(has, names[np.maximum(across, 0)], None)
    out["across_km"] = across_km
    out["across_population"] = np.where(has, popv[np.maximum(across, 0)], np.nan)
    return out
