"""One border per Dataset and tolerance: every command and the report read the same computation.

:func:`dataset_border` runs :func:`~crossborder.border.geometry.find_border` on the dataset's own
polygons (``Dataset.base_regions``) between its two sides (``Dataset.sides()``) once per
tolerance and keeps it on the Dataset; :func:`dataset_edges` gives the neighbour table of any set
of the dataset's analysis units with the border's cross-border pairs in it (the discontinuities
and the integration test read it); :func:`dataset_zone` gives the border zone of the border
regions (the ``zones`` command and the report). One definition of a cross-border *pair*: two
regions that share a line of positive length (contact ``edge``; across the border, a stretch
of the border within the tolerance): :data:`~crossborder.border.geometry.PAIR_CONTACTS`. Regions
touching at a point only are border regions (the queen rule of ``Border.regions``, which gives
the paper's 12 + 7 on the built-in data) and are listed with ``contact="point"``, but they are no
pair unless ``contacts=("edge", "point")`` asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..dataset import Dataset
from ..panel import Panel
from .geometry import PAIR_CONTACTS, Border, check_tolerance, find_border, shared_edges
from .zones import BorderZone, border_zone

__all__ = ["border_edges", "dataset_border", "dataset_edges", "dataset_zone", "panel_edges", "zone_units"]


def dataset_border(ds: Dataset, tolerance_m: float | str = "auto",
                   group_col: str = "country") -> Border:
    """The border of ``ds`` (cached on the Dataset per tolerance and group column)."""
    tol = check_tolerance(tolerance_m)
    cache = ds.__dict__.setdefault("_border_cache", {})
    key = (group_col, tol)
    if key not in cache:
        a, b = ds.sides(group_col)
        cache[key] = find_border(ds.base_regions, group_col, a, b, tolerance_m=tol)
        if tol == "auto":      # the same computation answers for the tolerance it chose
            cache.setdefault((group_col, cache[key].tolerance_m), cache[key])
    return cache[key]


def dataset_edges(ds: Dataset, units: gpd.GeoDataFrame, tolerance_m: float | str = "auto",
                  *, id_col: str = "region", group_col: str = "country",
                  contacts: Collection[str] = PAIR_CONTACTS) -> pd.DataFrame:
    """Neighbour table (``a``, ``b``, ``contact``, ``length_km``, ``distance_m``, geometry) of
    the analysis ``units``: the pairs inside each side exactly as the polygons share them, and
    across the border the pairs of :func:`dataset_border` (a part standing for its unit; the
    lengths of several parts added up). ``contacts``: the kinds kept, by default the pairs
    (``edge``: a shared line); ``("edge", "point")`` adds the regions touching at a point."""
    return border_edges(units, dataset_border(ds, tolerance_m, group_col), id_col=id_col,
                        group_col=group_col, contacts=contacts, unit_of=ds.unit_of)


def border_edges(units: gpd.GeoDataFrame, border: Border, *, id_col: str = "region",
                 group_col: str = "country", contacts: Collection[str] = PAIR_CONTACTS,
                 unit_of: Callable[[pd.Series], pd.Series] | None = None) -> pd.DataFrame:
    """Neighbour table of ``units`` with the cross-border pairs of ``border`` (found within its
    tolerance, so that two agencies' polygons a few metres apart still make a pair) and the pairs
    inside each side as the polygons share them (:func:`dataset_edges` for a Dataset).
    ``unit_of`` maps the border's region codes to the units' (default: the same codes)."""
    kinds = set(contacts)
    unknown = kinds - {"edge", "point", "near"}
    if unknown:
        raise ValueError(f"unknown contact kinds {sorted(unknown)}; use edge, point, near")
    inner = shared_edges(units, id_col=id_col)
    group = units.drop_duplicates(id_col).set_index(id_col)[group_col]
    ga = group.reindex(inner["a"]).to_numpy(dtype=object)
    gb = group.reindex(inner["b"]).to_numpy(dtype=object)
    inner = inner[(ga == gb) & inner["contact"].isin(kinds).to_numpy()]
    cross = pd.DataFrame(border.pairs).copy()
    if unit_of is None:
        cross["a"], cross["b"] = cross["a_region"], cross["b_region"]
    else:
        cross["a"] = unit_of(cross["a_region"]).to_numpy(dtype=object)
        cross["b"] = unit_of(cross["b_region"]).to_numpy(dtype=object)
    have = set(units[id_col])
    cross = cross[cross["a"].isin(have) & cross["b"].isin(have)]
    if len(cross):
        rank = {"edge": 0, "point": 1, "near": 2}
        cross = cross.assign(_r=cross["contact"].map(rank))
        geo = cross.groupby(["a", "b"], sort=True).agg(
            length_km=("length_km", "sum"), distance_m=("distance_m", "min"), _r=("_r", "min"),
            geometry=("geometry", lambda g: g.iloc[0] if len(g) == 1 else
                      shapely.union_all(np.asarray(g.values))))
        geo["contact"] = geo["_r"].map({v: k for k, v in rank.items()})
        cross = geo.drop(columns="_r").reset_index()
        cross = cross[cross["contact"].isin(kinds)]
    else:
        cross = cross.reindex(columns=["a", "b", "contact", "length_km", "distance_m", "geometry"])
    cols = ["a", "b", "contact", "length_km", "distance_m", "geometry"]
    out = pd.concat([pd.DataFrame(inner)[cols], cross[cols]], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=units.crs)


def zone_units(ds: Dataset, which: str = "border", tolerance_m: float | str = "auto"
               ) -> gpd.GeoDataFrame:
    """The polygons a border zone is summed over: the regions on the border (``"border"``: the
    regions of :func:`dataset_border` in contact with the other side, each territory once) or
    every polygon (``"all"``)."""
    base = ds.base_regions
    if which == "all":
        return base
    if which != "border":
        raise ValueError(f"which must be 'border' or 'all', not {which!r}")
    on = set(dataset_border(ds, tolerance_m).regions()["region"])
    return base[base["region"].isin(on)].reset_index(drop=True)


def dataset_zone(ds: Dataset, distance_km: float = 150.0, tolerance_m: float | str = "auto", *,
                 which: str = "border", population: Panel | pd.Series | Mapping | None = None,
                 year: Any | None = None, cities: Any = None, city_region_col: str | None = None
                 ) -> BorderZone:
    """The zone within ``distance_km`` of the border line of :func:`dataset_border`, over
    :func:`zone_units` (the border regions by default): the ``zones`` command and the report's
    zone section both read it."""
    border = dataset_border(ds, tolerance_m)
    units = zone_units(ds, which, tolerance_m)
    return border_zone(units, distance_km, "country", border.a, border.b, population=population,
                       year=year, cities=cities, city_region_col=city_region_col,
                       line=border.line)


def panel_edges(ds: Dataset, regions: Any, tolerance_m: float | str = "auto",
                group_col: str = "country", contacts: Collection[str] = PAIR_CONTACTS
                ) -> pd.DataFrame:
    """:func:`dataset_edges` of the analysis units ``regions`` (codes) that have a polygon: the
    neighbour table the integration test reads (the pairs; ``contacts`` as there)."""
    r = ds.regions
    units = r[r["region"].isin(set(map(str, regions))) & r.geometry.notna()]
    units = units[["region", group_col, "geometry"]].reset_index(drop=True)
    return dataset_edges(ds, gpd.GeoDataFrame(units, geometry="geometry", crs=r.crs),
                         tolerance_m, group_col=group_col, contacts=contacts)
