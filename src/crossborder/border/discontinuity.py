"""Discontinuities on shared edges, the border effect, and multiscalar deviations.

* :func:`adjacency` — sparse neighbour matrix of regions: contiguity of order 1 or up to k (from
  :func:`~crossborder.border.geometry.shared_edges`), or a distance band between centroids.
* :func:`discontinuities` — a value on every shared edge between neighbouring regions:
  relative ``max(a/b, b/a)`` or absolute ``|a - b|`` (Grasland's discontinuity maps), with the
  edge line, its length and whether it is a border edge (the two regions in different groups).
* :func:`border_effect` — per period, the mean (and edge-length-weighted mean, median) of the
  discontinuities on border edges and on internal edges, and their ratio: how much larger the
  jumps are where the border runs.
* :func:`deviations` — multiscalar deviations in the HyperAtlas sense (Grasland, Ysebaert et al.
  2007; R package MTA) for a ratio indicator ``r_i = X_i / Y_i`` (e.g. GRP / population) against
  three references: the whole area (global, ``R = ΣX / ΣY``), the region's group (territorial,
  the sums over its country) and its neighbourhood (local, the sums over the region and its
  neighbours). Relative deviation ``100 r_i / R``; absolute deviation ``X_i - R Y_i``: the amount
  of the numerator to move into (negative) or out of (positive) the region for it to reach the
  reference. Absolute deviations add up to 0 over the area (global) and over each group
  (territorial).

Everything is sparse: edges come from an STRtree query, neighbourhood sums are sparse
matrix products (``scipy.sparse``), so 100,000 polygons are fine; nothing N x N is dense.
Values are N x T matrices (one column per period), so all periods are computed at once.

The regions must not overlap (a coverage): with the built-in data use the analysis units
``ds.regions[ds.regions.analysis_unit]`` (RU-TYU as the union of its parts), keeping those with
a polygon, or ``ds.base_regions`` with panels on the same units.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from scipy import sparse

from .._display import displayable
from ..errors import DataError
from ..measures._checks import check_bool, check_int
from ..panel import Panel
from .geometry import check_distance_km, check_tolerance, shared_edges
from .pairs import _links
from .zones import equal_area_crs

__all__ = [
    "Adjacency",
    "BorderEffect",
    "Deviations",
    "adjacency",
    "border_effect",
    "deviations",
    "discontinuities",
]

Kind = Literal["relative", "absolute"]


# ----------------------------------------------------------------------------- adjacency
class Adjacency(NamedTuple):
    """A sparse symmetric 0/1 neighbour matrix (CSR, no self links) with its region ids."""

    ids: pd.Index
    matrix: sparse.csr_matrix

    def pairs(self) -> pd.DataFrame:
        """The neighbour pairs (i < j) as a table of ids."""
        upper = sparse.triu(self.matrix, k=1).tocoo()
        return pd.DataFrame({"a": self.ids[upper.row], "b": self.ids[upper.col]})


def _symmetric(i: np.ndarray, j: np.ndarray, n: int) -> sparse.csr_matrix:
    m = sparse.coo_matrix((np.ones(2 * len(i)), (np.r_[i, j], np.r_[j, i])), shape=(n, n))
    m = m.tocsr()
    m.data[:] = 1.0
    m.setdiag(0)
    m.eliminate_zeros()
    return m


def _edge_table(regions: gpd.GeoDataFrame, id_col: str, edges: pd.DataFrame | None,
                tolerance_m: float) -> pd.DataFrame:
    if edges is None:
        edges = shared_edges(regions, id_col=id_col, tolerance_m=tolerance_m)
    for col in ("a", "b", "contact"):
        if col not in edges.columns:
            raise DataError(f"edges have no {col!r} column (use shared_edges)", column=col)
    return edges


def adjacency(
    regions: gpd.GeoDataFrame,
    id_col: str = "region",
    *,
    kind: Literal["contiguity", "distance"] = "contiguity",
    order: int = 1,
    distance_km: float | None = None,
    contacts: Collection[str] = ("edge", "point"),
    tolerance_m: float = 0.0,
    edges: pd.DataFrame | None = None,
) -> Adjacency:
    """Sparse neighbours of each region.

    ``kind="contiguity"``: regions in contact (``contacts``: ``edge`` = rook, ``edge``+``point``
    = queen, the default; ``near`` with ``tolerance_m``), and with ``order`` k > 1 every region
    reachable in at most k steps (cumulative orders). ``kind="distance"``: regions whose
    centroids (taken in an equal-area plane) lie within ``distance_km`` (geodesic when the
    regions are in geographic coordinates). ``edges`` reuses a :func:`shared_edges` table.
    """
    tolerance_m = float(check_tolerance(tolerance_m, auto=False))
    if kind == "contiguity":
        order = check_int("order", order, minimum=1)
    if kind == "distance" and distance_km is not None:
        distance_km = check_distance_km(distance_km)
    if id_col not in regions.columns:
        raise DataError(f"regions have no {id_col!r} column", column=id_col)
    ids = pd.Index(pd.unique(regions[id_col]))
    n = len(ids)
    if kind == "contiguity":
        if order < 1:
            raise ValueError("order must be >= 1")
        e = _edge_table(regions, id_col, edges, tolerance_m)
        e = e[e["contact"].isin(list(contacts))]
        m = _symmetric(ids.get_indexer(e["a"]), ids.get_indexer(e["b"]), n)
        if order > 1:
            step = m + sparse.identity(n, format="csr")
            reach = step.copy()
            for _ in range(order - 1):
                reach = reach @ step
                reach.data[:] = 1.0
            reach.setdiag(0)
            reach.eliminate_zeros()
            m = reach.tocsr()
        return Adjacency(ids, m)
    if kind == "distance":
        if distance_km is None or distance_km < 0:
            raise ValueError("kind='distance' needs distance_km >= 0")
        one = regions[[id_col, regions.geometry.name]]
        if regions[id_col].duplicated().any():
            one = one.dissolve(by=id_col, as_index=False, sort=False)
        one = one.set_index(id_col).reindex(ids)
        own = CRS.from_user_input(regions.crs)
        work = equal_area_crs(one) if own.is_geographic else own
        cent = one.geometry.to_crs(work).centroid.to_crs(own)
        pts = gpd.GeoDataFrame({"g": np.zeros(n)}, geometry=cent.values, crs=own)
        i, j, _ = _links(pts, float(distance_km), "g", "any")
        return Adjacency(ids, _symmetric(i, j, n))
    raise ValueError(f"kind must be 'contiguity' or 'distance', not {kind!r}")


# ----------------------------------------------------------------------------- discontinuities
def _edge_values(va: np.ndarray, vb: np.ndarray, kind: Kind) -> np.ndarray:
    """Relative max(a/b, b/a) (positive values only) or absolute |a - b|; E x T, NaN-aware."""
    if kind == "absolute":
        return np.abs(va - vb)
    if kind != "relative":
        raise ValueError(f"kind must be 'relative' or 'absolute', not {kind!r}")
    ok = (va > 0) & (vb > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, np.maximum(va / vb, vb / va), np.nan)


def _groups(regions: gpd.GeoDataFrame, id_col: str, group_col: str) -> pd.Series:
    if group_col not in regions.columns:
        raise DataError(f"regions have no {group_col!r} column", column=group_col)
    g = regions[[id_col, group_col]].drop_duplicates(id_col)
    return pd.Series(g[group_col].to_numpy(dtype=object), index=g[id_col].to_numpy(dtype=object))


def _edges_with_values(regions, panel, id_col, group_col, contacts, tolerance_m, edges):
    e = _edge_table(regions, id_col, edges, tolerance_m)
    e = e[e["contact"].isin(list(contacts))].reset_index(drop=True)
    groups = _groups(regions, id_col, group_col)
    m = panel.to_matrix()
    ia, ib = m.regions.get_indexer(e["a"]), m.regions.get_indexer(e["b"])
    nan_row = np.full((1, len(m.times)), np.nan)
    vals = np.vstack([m.values, nan_row])
    va, vb = vals[ia], vals[ib]        # index -1 -> the NaN row
    ga = groups.reindex(e["a"]).to_numpy(dtype=object)
    gb = groups.reindex(e["b"]).to_numpy(dtype=object)
    border = ga != gb
    no_geom = sorted(set(map(str, m.regions)) - set(map(str, groups.index)))
    return e, m, va, vb, ga, gb, border, no_geom


def discontinuities(
    regions: gpd.GeoDataFrame,
    panel: Panel,
    year: Any,
    kind: Kind = "relative",
    id_col: str = "region",
    group_col: str = "country",
    *,
    contacts: Collection[str] = ("edge",),
    tolerance_m: float = 0.0,
    edges: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """A discontinuity on every shared edge between neighbouring regions in one period.

    Parameters
    ----------
    regions : GeoDataFrame
        Non-overlapping (multi)polygons with ``id_col`` and ``group_col``.
    panel : Panel
        The indicator, region x time.
    year
        The period (a time of ``panel``).
    kind : {"relative", "absolute"}, default "relative"
        The discontinuity measure (see Notes).
    id_col : str, default "region"
        The regions' id column (the panel's region codes).
    group_col : str, default "country"
        The regions' group column: an edge is a border edge when its two groups differ.
    contacts : collection of {"edge", "point", "near"}, default ("edge",)
        The contacts that make an edge (by default lines of positive length only).
    tolerance_m : float, default 0
        Regions within this many metres count as ``near`` contacts.
    edges : DataFrame, optional
        Edges already computed (:func:`~crossborder.border.geometry.shared_edges`).

    Returns
    -------
    GeoDataFrame
        Columns: ``a``, ``b``, ``group_a``, ``group_b``, ``border`` (groups differ),
        ``contact``, ``length_km``, ``value_a``, ``value_b``, ``discontinuity`` and the edge
        ``geometry``. Panel regions without a polygon are listed in
        ``attrs["regions_without_geometry"]``.

    Notes
    -----
    For the edge between regions a and b with values ``v_a``, ``v_b``: relative
    ``max(v_a / v_b, v_b / v_a)`` ≥ 1, or absolute ``|v_a - v_b|``; NaN when a value is
    missing, or not positive for relative.

    References
    ----------
    Giraud, T. & Lambert, N. R package ``cartography``, ``discLayer(type = "rel" | "abs")``
    (discontinuity maps after Grasland).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from crossborder import Panel
    >>> g = gpd.GeoDataFrame({"region": ["A1", "A2", "B1", "B2"], "country": ["A", "A", "B", "B"]},
    ...                      geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
    ...                                box(1, 1, 2, 2)], crs="EPSG:4326")
    >>> p = Panel.from_matrix([[1.0], [2.0], [4.0], [4.0]], regions=["A1", "A2", "B1", "B2"],
    ...                       times=[2000])
    >>> from crossborder import discontinuities
    >>> d = discontinuities(g, p, 2000)
    >>> d[["a", "b", "border", "discontinuity"]].values.tolist()
    [['A1', 'A2', False, 2.0], ['A1', 'B1', True, 4.0], ['A2', 'B2', True, 2.0], ['B1', 'B2', False, 1.0]]
    """
    tolerance_m = float(check_tolerance(tolerance_m, auto=False))
    e, m, va, vb, ga, gb, border, no_geom = _edges_with_values(
        regions, panel, id_col, group_col, contacts, tolerance_m, edges)
    if year not in m.times:
        raise DataError(f"the panel has no time {year!r}", column="time")
    t = m.times.get_loc(year)
    a_val, b_val = va[:, t], vb[:, t]
    out = gpd.GeoDataFrame({
        "a": e["a"].to_numpy(dtype=object), "b": e["b"].to_numpy(dtype=object),
        "group_a": ga, "group_b": gb, "border": border,
        "contact": e["contact"].to_numpy(dtype=object),
        "length_km": e["length_km"].to_numpy(dtype=float) if "length_km" in e else np.nan,
        "value_a": a_val, "value_b": b_val,
        "discontinuity": _edge_values(a_val[:, None], b_val[:, None], kind)[:, 0],
    }, geometry=e.geometry.values if isinstance(e, gpd.GeoDataFrame) else None,
        crs=getattr(e, "crs", None))
    out.attrs["regions_without_geometry"] = no_geom
    out.attrs["kind"] = kind
    out.attrs["year"] = year
    return out


@displayable
@dataclass(frozen=True)
class BorderEffect:
    """Discontinuities on border vs internal edges per period.

    ``frame``: one row per period with ``n_border``, ``n_internal`` (edges with a value),
    ``mean_border``, ``mean_internal``, ``ratio`` (mean_border / mean_internal),
    ``wmean_border``, ``wmean_internal``, ``wratio`` (edge-length-weighted), ``median_border``,
    ``median_internal``, ``median_ratio``. ``ratio`` > 1: the border is a sharper jump than the
    internal boundaries.
    """

    frame: pd.DataFrame
    kind: str
    indicator: str

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> str:
        f = self.frame.dropna(subset=["ratio"])
        if not len(f):
            return f"Border effect of {self.indicator!r}: no period with edges on both kinds"
        first, last = f.iloc[0], f.iloc[-1]
        return (f"Border effect of {self.indicator!r} ({self.kind} discontinuities): mean on "
                f"border edges / mean on internal edges = {first['ratio']:.3f} in {f.index[0]}, "
                f"{last['ratio']:.3f} in {f.index[-1]} (length-weighted {first['wratio']:.3f} "
                f"-> {last['wratio']:.3f})")


def _masked_stats(d: np.ndarray, w: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
    sel = np.where(mask[:, None], d, np.nan)
    ok = np.isfinite(sel)
    n = ok.sum(axis=0)
    ww = np.where(ok, w[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, sel, 0.0).sum(axis=0) / n
        wmean = (np.where(ok, sel, 0.0) * ww).sum(axis=0) / ww.sum(axis=0)
    median = np.full(d.shape[1], np.nan)
    has = n > 0
    if has.any():
        median[has] = np.nanmedian(sel[:, has], axis=0)
    return {"n": n, "mean": np.where(n > 0, mean, np.nan), "wmean": wmean, "median": median}


def border_effect(
    regions: gpd.GeoDataFrame,
    panel: Panel,
    kind: Kind = "relative",
    id_col: str = "region",
    group_col: str = "country",
    *,
    contacts: Collection[str] = ("edge",),
    tolerance_m: float = 0.0,
    edges: pd.DataFrame | None = None,
) -> BorderEffect:
    """Mean, length-weighted mean and median discontinuity on border and internal edges, and
    their ratios, for every period of ``panel`` (all periods at once, E x T).

    Parameters
    ----------
    regions : GeoDataFrame
        Non-overlapping (multi)polygons with ``id_col`` and ``group_col``.
    panel : Panel
        The indicator, region x time.
    kind : {"relative", "absolute"}, default "relative"
        The discontinuity measure of :func:`discontinuities`.
    id_col : str, default "region"
        The regions' id column (the panel's region codes).
    group_col : str, default "country"
        The regions' group column: an edge is a border edge when its two groups differ.
    contacts : collection of {"edge", "point", "near"}, default ("edge",)
        The contacts that make an edge (by default lines of positive length only).
    tolerance_m : float, default 0
        Regions within this many metres count as ``near`` contacts.
    edges : DataFrame, optional
        Edges already computed (:func:`~crossborder.border.geometry.shared_edges`).

    Returns
    -------
    BorderEffect
        ``frame``: one row per period with ``n_border``, ``n_internal``, ``mean_border``,
        ``mean_internal``, ``ratio``, ``wmean_border``, ``wmean_internal``, ``wratio``,
        ``median_border``, ``median_internal``, ``median_ratio``.

    Notes
    -----
    With ``d_e`` the discontinuity of edge e (:func:`discontinuities`) and ``l_e`` its length:
    ``ratio = mean(d_e, e on the border) / mean(d_e, e internal)``, ``wratio`` the same with
    the length-weighted means ``sum(l_e d_e) / sum(l_e)``, ``median_ratio`` with the medians.
    ``ratio`` > 1: the border is a sharper jump than the internal boundaries.

    References
    ----------
    Giraud, T. & Lambert, N. R package ``cartography``, ``discLayer(type = "rel" | "abs")``
    (discontinuity maps after Grasland).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from crossborder import Panel
    >>> g = gpd.GeoDataFrame({"region": ["A1", "A2", "B1", "B2"], "country": ["A", "A", "B", "B"]},
    ...                      geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
    ...                                box(1, 1, 2, 2)], crs="EPSG:4326")
    >>> p = Panel.from_matrix([[1.0], [2.0], [4.0], [4.0]], regions=["A1", "A2", "B1", "B2"],
    ...                       times=[2000])
    >>> from crossborder import border_effect
    >>> f = border_effect(g, p).frame       # border edges 4 and 2, internal 2 and 1
    >>> f[["mean_border", "mean_internal", "ratio"]].round(2).values.tolist()
    [[3.0, 1.5, 2.0]]
    """
    tolerance_m = float(check_tolerance(tolerance_m, auto=False))
    e, m, va, vb, _, _, border, _ = _edges_with_values(
        regions, panel, id_col, group_col, contacts, tolerance_m, edges)
    d = _edge_values(va, vb, kind)
    w = e["length_km"].to_numpy(dtype=float) if "length_km" in e else np.ones(len(e))
    sb = _masked_stats(d, w, border)
    si = _masked_stats(d, w, ~border)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame = pd.DataFrame({
            "n_border": sb["n"], "n_internal": si["n"],
            "mean_border": sb["mean"], "mean_internal": si["mean"],
            "ratio": sb["mean"] / si["mean"],
            "wmean_border": sb["wmean"], "wmean_internal": si["wmean"],
            "wratio": sb["wmean"] / si["wmean"],
            "median_border": sb["median"], "median_internal": si["median"],
            "median_ratio": sb["median"] / si["median"],
        }, index=pd.Index(m.times, name=panel.time_name))
    return BorderEffect(frame=frame, kind=kind, indicator=panel.indicator)


# ----------------------------------------------------------------------------- deviations
@displayable
@dataclass(frozen=True)
class Deviations:
    """Global, territorial and local deviations of a ratio indicator.

    ``frame``: long table with ``region``, ``group``, the time (named as the numerator
    panel's ``time_name``), ``numerator``, ``denominator``,
    ``ratio``, and for each context c in (global, territorial, local): ``c_ratio`` (the
    reference ratio), ``c_rel`` (100 x ratio / reference) and ``c_abs`` (numerator - reference
    x denominator). ``local`` is NaN for regions without geometry or without neighbours.
    """

    frame: pd.DataFrame
    local: str
    include_self: bool

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    @property
    def time_name(self) -> str:
        """The name of the time column (the numerator panel's :attr:`Panel.time_name`)."""
        return str(self.frame.columns[2])

    def wide(self, column: str = "global_rel") -> pd.DataFrame:
        """Region x time table of one column."""
        return self.frame.pivot(index="region", columns=self.time_name, values=column)

    def summary(self) -> str:
        f = self.frame
        last = f[self.time_name].max()
        g = f[f[self.time_name] == last]
        moved = {c: float(np.nansum(np.abs(g[f"{c}_abs"])) / 2.0)
                 for c in ("global", "territorial", "local")}
        return (f"Deviations in {last} ({self.local} neighbourhood): redistribution of the "
                f"numerator needed to reach the reference — global {moved['global']:,.4g}, "
                f"territorial {moved['territorial']:,.4g}, local {moved['local']:,.4g}")


def _align(numerator: Panel, denominator: Panel):
    mx, my = numerator.to_matrix(), denominator.to_matrix()
    regions = mx.regions.union(my.regions)
    times = mx.times.union(my.times)
    x = mx.to_frame().reindex(index=regions, columns=times).to_numpy(dtype=float)
    y = my.to_frame().reindex(index=regions, columns=times).to_numpy(dtype=float)
    return regions, times, x, y


def deviations(
    regions: gpd.GeoDataFrame,
    numerator: Panel,
    denominator: Panel,
    year: Any | None = None,
    id_col: str = "region",
    group_col: str = "country",
    *,
    local: Literal["contiguity", "distance"] = "contiguity",
    order: int = 1,
    distance_km: float | None = None,
    include_self: bool = True,
    contacts: Collection[str] = ("edge", "point"),
    tolerance_m: float = 0.0,
    edges: pd.DataFrame | None = None,
    neighbours: Adjacency | None = None,
) -> Deviations:
    """Multiscalar deviations of ``numerator / denominator`` (HyperAtlas / MTA).

    Parameters
    ----------
    regions : GeoDataFrame
        Non-overlapping (multi)polygons with ``id_col`` and ``group_col``.
    numerator, denominator : Panel
        X and Y of the ratio ``r_i = X_i / Y_i`` (e.g. GRP and population).
    year : optional
        One period; ``None`` gives every period.
    id_col, group_col : str
        The regions' id column and group column (the territorial level).
    local : {"contiguity", "distance"}, default "contiguity"
        The neighbourhood: contiguity of order up to ``order``, or a distance band of
        ``distance_km`` between centroids (:func:`adjacency`).
    order : int, default 1
    distance_km : float, optional
    include_self : bool, default True
        The region belongs to its own neighbourhood (as in MTA).
    contacts : collection of str, default ("edge", "point")
    tolerance_m : float, default 0
    edges : DataFrame, optional
    neighbours : Adjacency, optional
        A neighbourhood already computed.

    Returns
    -------
    Deviations
        ``frame``: long table with ``region``, ``group``, ``time``, ``numerator``,
        ``denominator``, ``ratio`` and, for c in (global, territorial, local), ``c_ratio``,
        ``c_rel`` and ``c_abs``.

    Notes
    -----
    Reference ratio ``R = ΣX / ΣY``; relative deviation ``100 r_i / R``; absolute deviation
    ``X_i - R Y_i`` (the amount of X to move out of, or into, region i for it to reach the
    reference; it adds up to 0 over the area and over each group).
    References per period, over the regions with both values and a positive denominator:
    global ``ΣX / ΣY`` over all of them; territorial the same sums within the region's
    ``group_col`` (taken from ``regions``, else from the numerator panel's group); local the sums
    over the region's neighbourhood — its neighbours (:func:`adjacency` with ``local``,
    ``order``, ``distance_km``, ``contacts``, or ``neighbours`` given) plus, with
    ``include_self`` (the default, as in MTA), the region itself. ``year=None`` gives every
    period. Regions of the panels without a polygon get global and territorial deviations only.

    References
    ----------
    Grasland, C., Ysebaert, R., Zanin, C. & Lambert, N. (2007). Spatial disparities in Europe
    (chapter 4). In Gloersen, E. & Dubois, A. (coord.), *Regional disparities and cohesion: what
    strategies for the future?* European Parliament, DG IPOL.
    Ysebaert, R., Lambert, N. & Giraud, T. R package ``MTA``: Multiscalar Territorial Analysis
    (``gdev``, ``tdev``, ``sdev``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from crossborder import Panel
    >>> g = gpd.GeoDataFrame({"region": ["A1", "A2", "B1", "B2"], "country": ["A", "A", "B", "B"]},
    ...                      geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
    ...                                box(1, 1, 2, 2)], crs="EPSG:4326")
    >>> from crossborder import deviations
    >>> x = Panel.from_matrix([[2.0], [6.0], [12.0], [20.0]], regions=["A1", "A2", "B1", "B2"],
    ...                       times=[2000])
    >>> y = Panel.from_matrix([[1.0], [1.0], [2.0], [2.0]], regions=["A1", "A2", "B1", "B2"],
    ...                       times=[2000])
    >>> f = deviations(g, x, y).frame           # R = 40 / 6; country A: 8 / 2, B: 32 / 4
    >>> f[["global_rel", "territorial_ratio", "territorial_abs"]].round(1).values.tolist()
    [[30.0, 4.0, -2.0], [90.0, 4.0, 2.0], [90.0, 8.0, -4.0], [150.0, 8.0, 4.0]]
    """
    check_bool("include_self", include_self)
    if neighbours is None:  # the neighbourhood options are checked where they are used
        tolerance_m = float(check_tolerance(tolerance_m, auto=False))
        if local == "contiguity":
            order = check_int("order", order, minimum=1)
    ids, times, x, y = _align(numerator, denominator)
    if year is not None:
        if year not in times:
            raise DataError(f"the panels have no time {year!r}", column="time")
        k = times.get_loc(year)
        times, x, y = times[[k]], x[:, [k]], y[:, [k]]
    ok = np.isfinite(x) & np.isfinite(y) & (y > 0)
    x0, y0 = np.where(ok, x, 0.0), np.where(ok, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(ok, x / y, np.nan)

        # global
        g_ref = x0.sum(axis=0) / y0.sum(axis=0)
        g_ref = np.broadcast_to(g_ref, x.shape)

        # territorial
        groups = _groups(regions, id_col, group_col) if group_col in regions.columns \
            else pd.Series(dtype=object)
        grp = groups.reindex(ids)
        panel_groups = numerator.group_labels()
        if panel_groups is not None:
            grp = grp.fillna(panel_groups.reindex(ids))
        codes, uniq = pd.factorize(grp, use_na_sentinel=True)
        has_g = codes >= 0
        gmat = sparse.csr_matrix((np.ones(has_g.sum()), (np.flatnonzero(has_g), codes[has_g])),
                                 shape=(len(ids), max(len(uniq), 1)))
        t_ref = (gmat @ (gmat.T @ x0)) / (gmat @ (gmat.T @ y0))
        t_ref = np.where(has_g[:, None], t_ref, np.nan)

        # local
        if neighbours is None:
            neighbours = adjacency(regions, id_col, kind=local, order=order,
                                   distance_km=distance_km, contacts=contacts,
                                   tolerance_m=tolerance_m, edges=edges)
        pos = neighbours.ids.get_indexer(ids)
        inside = pos >= 0
        sel = sparse.csr_matrix((np.ones(inside.sum()), (np.flatnonzero(inside), pos[inside])),
                                shape=(len(ids), len(neighbours.ids)))
        w = sel @ neighbours.matrix @ sel.T          # neighbours among the panel's regions
        if include_self:
            w = w + sparse.diags(inside.astype(float))
        w = w.tocsr()
        w.data[:] = 1.0
        n_nb = np.asarray(w.sum(axis=1)).ravel()
        l_ref = np.asarray(w @ x0) / np.asarray(w @ y0)
        l_ref = np.where((inside & (n_nb > (1 if include_self else 0)))[:, None], l_ref, np.nan)

    cols: dict[str, np.ndarray] = {"numerator": x, "denominator": y, "ratio": ratio}
    for name, ref in (("global", g_ref), ("territorial", t_ref), ("local", l_ref)):
        ref = np.where(ok, ref, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            cols[f"{name}_ratio"] = ref
            cols[f"{name}_rel"] = 100.0 * ratio / ref
            cols[f"{name}_abs"] = np.where(ok, x - ref * y, np.nan)
    n, t = x.shape
    frame = pd.DataFrame({
        "region": np.repeat(ids.to_numpy(dtype=object), t),
        "group": np.repeat(grp.to_numpy(dtype=object), t),
        numerator.time_name: np.tile(np.asarray(times), n),
        **{k: v.ravel() for k, v in cols.items()},
    })
    frame = frame[np.isfinite(frame["numerator"]) | np.isfinite(frame["denominator"])]
    return Deviations(frame=frame.reset_index(drop=True), local=local, include_self=include_self)
