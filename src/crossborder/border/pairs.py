"""Twin cities, cross-border agglomerations and the gaps between cross-border region pairs.

* :func:`city_links` — every pair of cities within ``max_km`` of each other (geodesic), found with
  a KD-tree radius query (unit-sphere chords for geographic coordinates), never an N x N matrix.
* :func:`twin_cities` — the cross-border pairs among them (one city on each side), ranked by
  population.
* :func:`agglomerations` — single-linkage clusters of cities: connected components
  (``scipy.sparse.csgraph.connected_components``) of the sparse graph of links within
  ``max_km``; by default only cross-border links chain cities (``link="across"``), and only
  clusters with cities on both sides are kept.
* :func:`pair_gaps` — for each cross-border region pair and an indicator Panel, the ratio and log
  ratio of the two sides over time, the OLS trend of the log gap and of its absolute value, and
  the half-life of the gap where it narrows.

Gap trend and half-life: with ``g_t = ln(y_a,t / y_b,t)``, ``slope`` and ``se`` are the OLS slope
of ``g_t`` on ``t`` (per unit of time) and its classical standard error; ``abs_slope`` is the slope
of ``|g_t|``. The gap narrows when the slope of ``ln |g_t|`` on ``t``, ``-lambda``, is negative:
then ``|g_t| ≈ |g_0| e^{-lambda t}`` and the half-life is ``ln 2 / lambda`` (the time for the log gap
to halve), the same exponential-decay reading as the half-life of beta convergence
(Barro & Sala-i-Martin 1992). Where the gap changes sign (``crossed``) the decay model does not
hold and the half-life is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .._display import displayable
from ..errors import DataError
from ..panel import Panel
from .geometry import _sides
from .zones import _as_points, locate

__all__ = [
    "Agglomerations",
    "PairGaps",
    "agglomerations",
    "city_links",
    "pair_gaps",
    "twin_cities",
]

Link = Literal["across", "any"]


# ----------------------------------------------------------------------------- cities
def _select_cities(
    cities: gpd.GeoDataFrame | pd.DataFrame,
    group_col: str,
    groups: tuple[str, str] | None,
    pop_col: str,
    min_population: float,
    capitals_only: bool,
    capital_col: str,
) -> gpd.GeoDataFrame:
    pts = _as_points(cities)
    if group_col not in pts.columns:
        raise DataError(f"cities have no {group_col!r} column", column=group_col)
    keep = pd.Series(True, index=pts.index)
    if groups is not None:
        keep &= pts[group_col].isin(groups)
    if min_population > 0:
        if pop_col not in pts.columns:
            raise DataError(f"cities have no {pop_col!r} column", column=pop_col)
        keep &= pd.to_numeric(pts[pop_col], errors="coerce").fillna(-1) >= min_population
    if capitals_only:
        if capital_col not in pts.columns:
            raise DataError(f"cities have no {capital_col!r} column", column=capital_col)
        cap = pts[capital_col]
        if cap.dtype != bool:
            cap = cap.astype(str).str.lower().isin(["true", "1", "yes"])
        keep &= cap
    return pts[keep.to_numpy()].reset_index(drop=True)


def _links(pts: gpd.GeoDataFrame, max_km: float, group_col: str, link: Link
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i < j) within ``max_km`` (geodesic or planar) and their distance in km."""
    if max_km < 0:
        raise ValueError("max_km must be >= 0")
    if link not in ("across", "any"):
        raise ValueError(f"link must be 'across' or 'any', not {link!r}")
    if len(pts) < 2:
        empty = np.zeros(0, dtype=int)
        return empty, empty, np.zeros(0)
    loc = locate(pts)
    pairs = cKDTree(loc.coords).query_pairs(loc.radius(max_km), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    if link == "across":
        g = pts[group_col].to_numpy(dtype=object)
        keep = g[i] != g[j]
        i, j = i[keep], j[keep]
    km = loc.km(i, j)
    keep = km <= max_km
    i, j, km = i[keep], j[keep], km[keep]
    order = np.lexsort((j, i))
    return i[order], j[order], km[order]


def city_links(
    cities: gpd.GeoDataFrame | pd.DataFrame,
    max_km: float,
    *,
    group_col: str = "country",
    link: Link = "across",
    name_col: str = "city",
) -> pd.DataFrame:
    """Every pair of cities within ``max_km`` (km, geodesic for geographic coordinates).

    ``link="across"`` keeps pairs in different groups only. Columns ``i``, ``j`` (row positions
    in ``cities``), ``city_i``, ``city_j``, ``group_i``, ``group_j``, ``distance_km``.
    """
    pts = _as_points(cities)
    i, j, km = _links(pts, max_km, group_col, link)
    names = pts[name_col].to_numpy(dtype=object) if name_col in pts else np.arange(len(pts))
    g = pts[group_col].to_numpy(dtype=object)
    return pd.DataFrame({"i": i, "j": j, "city_i": names[i], "city_j": names[j],
                         "group_i": g[i], "group_j": g[j], "distance_km": km})


def twin_cities(
    cities: gpd.GeoDataFrame | pd.DataFrame,
    max_km: float = 150.0,
    group_col: str = "country",
    a: str | None = None,
    b: str | None = None,
    *,
    name_col: str = "city",
    pop_col: str = "population",
    region_col: str | None = "region",
    min_population: float = 0.0,
    capitals_only: bool = False,
    capital_col: str = "capital",
) -> pd.DataFrame:
    """Pairs of cities, one of group ``a`` and one of group ``b``, within ``max_km`` of each other.

    Parameters
    ----------
    cities : GeoDataFrame or DataFrame
        Points with ``group_col``, ``name_col`` and ``pop_col`` columns.
    max_km : float, default 150
        The longest link (geodesic km).
    group_col : str, default "country"
        The cities' side of the border.
    a, b : str, optional
        The two groups; default: the cities' two groups.
    name_col, pop_col : str
        The cities' name and population columns.
    region_col : str or None, default "region"
        The cities' region column, carried into the result (``None``: none).
    min_population : float, default 0
        Cities below it are left out.
    capitals_only : bool, default False
        Keep only the cities flagged in ``capital_col``.
    capital_col : str, default "capital"

    Returns
    -------
    DataFrame
        Columns ``a_city``, ``b_city``, ``a_population``, ``b_population``,
        ``a_region``/``b_region`` (when ``region_col``), ``distance_km``, ``min_population``,
        ``population`` (combined), ``rank``.

    Notes
    -----
    The pairs ``(i, j)`` with i in ``a``, j in ``b`` and geodesic ``d(i, j) <= max_km``, found
    with a KD-tree radius query (no N x N matrix). Ranked by ``min(P_i, P_j)``, the population
    of the smaller city of the pair (a pair is as strong as its smaller partner), then by the
    combined population ``P_i + P_j``.

    References
    ----------
    Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87(1), 43-55.

    Examples
    --------
    >>> import geopandas as gpd
    >>> c = gpd.GeoDataFrame({"city": ["a1", "a2", "b1"], "country": ["A", "A", "B"],
    ...                       "population": [500, 100, 300]},
    ...                      geometry=gpd.points_from_xy([0.0, 0.0, 1.0], [0.0, 5.0, 0.0]),
    ...                      crs="EPSG:4326")     # a1-b1: one degree of the equator apart
    >>> from crossborder import twin_cities
    >>> t = twin_cities(c, 150, region_col=None)
    >>> t[["a_city", "b_city", "min_population", "rank"]].values.tolist()
    [['a1', 'b1', 300.0, 1]]
    >>> round(float(t["distance_km"].iloc[0]), 1)
    111.3
    """
    a, b = _sides(cities, group_col, a, b)
    pts = _select_cities(cities, group_col, (a, b), pop_col, min_population, capitals_only,
                         capital_col)
    i, j, km = _links(pts, max_km, group_col, "across")
    g = pts[group_col].to_numpy(dtype=object)
    swap = g[i] != a
    ia, ib = np.where(swap, j, i), np.where(swap, i, j)
    names = pts[name_col].to_numpy(dtype=object)
    pop = pd.to_numeric(pts[pop_col], errors="coerce").to_numpy(dtype=float) \
        if pop_col in pts else np.full(len(pts), np.nan)
    out = pd.DataFrame({"a_city": names[ia], "b_city": names[ib],
                        "a_population": pop[ia], "b_population": pop[ib]})
    if region_col is not None and region_col in pts:
        r = pts[region_col].to_numpy(dtype=object)
        out["a_region"], out["b_region"] = r[ia], r[ib]
    out["distance_km"] = km
    out["min_population"] = np.fmin(pop[ia], pop[ib])
    out["population"] = pop[ia] + pop[ib]
    out = out.sort_values(["min_population", "population", "distance_km"],
                          ascending=[False, False, True], ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


@displayable
@dataclass(frozen=True)
class Agglomerations:
    """Single-linkage clusters of cities across a border.

    ``table``: one row per agglomeration (ranked by population): ``agglomeration`` (rank),
    ``name`` (cities by population, joined by "–"), ``n_cities``, ``population``, ``groups``,
    ``regions``, ``max_link_km`` (its longest link), and the population on each side.
    ``members``: one row per city in an agglomeration. ``links``: the links used.
    """

    table: pd.DataFrame
    members: pd.DataFrame
    links: pd.DataFrame
    max_km: float
    link: str
    params: dict

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def names(self) -> list[str]:
        return self.table["name"].tolist()

    def summary(self) -> str:
        head = (f"{len(self.table)} cross-border agglomerations (single linkage, links of at "
                f"most {self.max_km:g} km, {self.link} links)")
        rows = [f"  {r.agglomeration}. {r.name}: {r.population:,.0f} people, "
                f"longest link {r.max_link_km:.0f} km" for r in self.table.itertuples()]
        return "\n".join([head, *rows])


def agglomerations(
    cities: gpd.GeoDataFrame | pd.DataFrame,
    max_km: float = 150.0,
    group_col: str = "country",
    a: str | None = None,
    b: str | None = None,
    *,
    link: Link = "across",
    name_col: str = "city",
    pop_col: str = "population",
    region_col: str | None = "region",
    min_population: float = 0.0,
    capitals_only: bool = False,
    capital_col: str = "capital",
) -> Agglomerations:
    """Chains of cities on the two sides within ``max_km`` of each other (single linkage).

    Parameters
    ----------
    cities : GeoDataFrame or DataFrame
        Points with ``group_col``, ``name_col`` and ``pop_col`` columns.
    max_km : float, default 150
        The longest link (geodesic km).
    group_col : str, default "country"
        The cities' side of the border.
    a, b : str, optional
        The two groups; default: the cities' two groups.
    link : {"across", "any"}, default "across"
        Which links chain cities: only cross-border ones, or links within a country too.
    name_col, pop_col : str
        The cities' name and population columns.
    region_col : str or None, default "region"
        The cities' region column, carried into the result (``None``: none).
    min_population : float, default 0
        Cities below it are left out.
    capitals_only : bool, default False
        Keep only the cities flagged in ``capital_col``.
    capital_col : str, default "capital"

    Returns
    -------
    Agglomerations
        ``table``: one row per agglomeration, ranked by population (``name``, ``n_cities``,
        ``population``, the population on each side, ``max_link_km``); ``members``; ``links``.

    Notes
    -----
    Cities (after ``min_population`` / ``capitals_only``) are nodes; two are linked when they lie
    within ``max_km`` (geodesic) and, with ``link="across"``, on different sides (with ``"any"``
    links within a country chain too). The agglomerations are the connected components that hold
    cities of both ``a`` and ``b``; the rest are dropped. Sparse throughout: a KD-tree radius query
    and ``scipy.sparse.csgraph.connected_components``.

    References
    ----------
    Stepanov, A., Burnasov, A., Ilyushkina, M. & Kovalev, Yu. (2020). Hidden geographical
    opportunities for convergence of Russian-Kazakh border area. Dela 53: 97-110.
    Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87(1), 43-55.

    Examples
    --------
    >>> import geopandas as gpd
    >>> c = gpd.GeoDataFrame({"city": ["a1", "a2", "b1"], "country": ["A", "A", "B"],
    ...                       "population": [500, 100, 300]},
    ...                      geometry=gpd.points_from_xy([0.0, 0.0, 1.0], [0.0, 5.0, 0.0]),
    ...                      crs="EPSG:4326")     # a1-b1: one degree of the equator apart
    >>> from crossborder import agglomerations
    >>> ag = agglomerations(c, 150, region_col=None)
    >>> ag.table[["name", "n_cities", "population"]].values.tolist()
    [['a1–b1', 2, 800.0]]
    """
    a, b = _sides(cities, group_col, a, b)
    pts = _select_cities(cities, group_col, (a, b), pop_col, min_population, capitals_only,
                         capital_col)
    i, j, km = _links(pts, max_km, group_col, link)
    n = len(pts)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    g = pts[group_col].to_numpy(dtype=object)
    pop = pd.to_numeric(pts[pop_col], errors="coerce").fillna(0.0).to_numpy(dtype=float) \
        if pop_col in pts else np.zeros(n)
    names = pts[name_col].to_numpy(dtype=object)
    comp = pd.DataFrame({"label": label, "group": g, "pop": pop})
    sides = comp.groupby("label")["group"].agg(lambda s: set(s) >= {a, b})
    good = sides[sides].index
    members = pd.DataFrame(pts.drop(columns=pts.geometry.name)).assign(_label=label)
    members = members[members["_label"].isin(good)]
    link_frame = pd.DataFrame({"city_i": names[i], "city_j": names[j], "distance_km": km,
                               "_label": label[i]})
    link_frame = link_frame[link_frame["_label"].isin(good)]

    rows = []
    for lab, m in members.groupby("_label", sort=False):
        m = m.sort_values(pop_col if pop_col in m else name_col, ascending=False)
        lk = link_frame.loc[link_frame["_label"] == lab, "distance_km"]
        mp = pd.to_numeric(m[pop_col], errors="coerce").fillna(0.0) if pop_col in m \
            else pd.Series(0.0, index=m.index)
        row = {"_label": lab, "name": "–".join(map(str, m[name_col])), "n_cities": len(m),
               "population": float(mp.sum()),
               f"{a}_population": float(mp[m[group_col] == a].sum()),
               f"{b}_population": float(mp[m[group_col] == b].sum()),
               "groups": ";".join(sorted(map(str, m[group_col].unique()))),
               "max_link_km": float(lk.max()) if len(lk) else 0.0}
        if region_col is not None and region_col in m:
            row["regions"] = ";".join(dict.fromkeys(map(str, m[region_col])))
        rows.append(row)
    table = pd.DataFrame(rows, columns=["_label", "name", "n_cities", "population",
                                        f"{a}_population", f"{b}_population", "groups",
                                        "max_link_km"]
                         + (["regions"] if region_col is not None and region_col in pts else []))
    table = table.sort_values(["population", "name"], ascending=[False, True], ignore_index=True)
    table.insert(0, "agglomeration", np.arange(1, len(table) + 1))
    rank = dict(zip(table["_label"], table["agglomeration"], strict=True))
    members = members.assign(agglomeration=members["_label"].map(rank)).drop(columns="_label")
    sort_cols = ["agglomeration", pop_col] if pop_col in members else ["agglomeration"]
    members = members.sort_values(sort_cols, ascending=[True, False][:len(sort_cols)],
                                  ignore_index=True)
    link_frame = link_frame.assign(agglomeration=link_frame["_label"].map(rank)).drop(
        columns="_label").sort_values(["agglomeration", "distance_km"], ignore_index=True)
    params = {"min_population": min_population, "capitals_only": capitals_only,
              "groups": (a, b), "group_col": group_col}
    return Agglomerations(table=table.drop(columns="_label"), members=members, links=link_frame,
                          max_km=float(max_km), link=link, params=params)


# ----------------------------------------------------------------------------- gaps
def _ols_slope(y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise OLS of y (P x T, NaN = missing) on t: slope, its classical se, and n used."""
    ok = np.isfinite(y)
    n = ok.sum(axis=1).astype(float)
    tt = np.where(ok, t[None, :], 0.0)
    yy = np.where(ok, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tbar = tt.sum(axis=1) / n
        ybar = yy.sum(axis=1) / n
        dt = np.where(ok, t[None, :] - tbar[:, None], 0.0)
        dy = np.where(ok, y - ybar[:, None], 0.0)
        sxx = (dt**2).sum(axis=1)
        slope = (dt * dy).sum(axis=1) / sxx
        resid = np.where(ok, dy - slope[:, None] * dt, 0.0)
        s2 = (resid**2).sum(axis=1) / (n - 2)
        se = np.sqrt(s2 / sxx)
    slope = np.where((n >= 2) & (sxx > 0), slope, np.nan)
    se = np.where(n >= 3, se, np.nan)
    return slope, se, n


#: Significance level of :func:`gap_change`.
GAP_ALPHA = 0.05


def gap_change(abs_first: np.ndarray, abs_last: np.ndarray, abs_slope: np.ndarray,
               abs_pvalue: np.ndarray, alpha: float = GAP_ALPHA) -> np.ndarray:
    """``narrowed`` / ``widened`` where the trend of |log gap| is significant (p < ``alpha``) and
    the change of |log gap| from the first to the last year has the same sign; otherwise
    ``no significant change`` (a pair whose |gap| rose from 0.155 to 0.211 never counts as
    narrowing, whatever the decay of ln |gap| says)."""
    d = np.asarray(abs_last, float) - np.asarray(abs_first, float)
    slope = np.asarray(abs_slope, float)
    sig = np.asarray(abs_pvalue, float) < alpha
    return np.where(sig & (slope < 0) & (d < 0), "narrowed",
                    np.where(sig & (slope > 0) & (d > 0), "widened", "no significant change"))


def _times_column(values: np.ndarray, present: np.ndarray) -> pd.Series:
    """Times as whole numbers (nullable) when they are, so a year prints as 2008, not 2008.0."""
    v = np.where(present, values, np.nan)
    ok = np.isfinite(v)
    if ok.any() and np.all(v[ok] == np.round(v[ok])):
        return pd.Series(pd.array(np.where(ok, v, 0).astype("int64"), dtype="Int64")).where(ok)
    return pd.Series(v)


@displayable
@dataclass(frozen=True)
class PairGaps:
    """Ratios of the two sides of each cross-border pair over time and the trend of the gap.

    ``gaps``: long table ``a_region``, ``b_region``, the time (named as the panel's
    ``time_name``: :attr:`time_name`), ``a_value``, ``b_value``, ``ratio`` (a / b), ``log_gap``
    (ln ratio). ``trends``: one row per pair with ``n`` (years with both
    values), ``first``/``last`` log gap, ``slope``/``se``/``t`` (OLS of the log gap on time),
    ``abs_slope``/``abs_se``/``abs_pvalue`` (of |log gap|), ``decay`` (-slope of ln|log gap|),
    ``narrowing``, ``change`` (:func:`gap_change`: significant narrowing or widening of |gap|),
    ``crossed`` (the gap changed sign) and ``half_life`` (ln 2 / decay where it narrows and does
    not cross).
    """

    gaps: pd.DataFrame
    trends: pd.DataFrame
    indicator: str

    def to_frame(self) -> pd.DataFrame:
        return self.trends.copy()

    @property
    def time_name(self) -> str:
        """The name of the time column of ``gaps`` (the panel's :attr:`Panel.time_name`)."""
        return str(self.gaps.columns[2])

    def summary(self) -> str:
        tr = self.trends
        n_narrow = int(tr["narrowing"].sum())
        return (f"Gaps of {self.indicator!r} across {len(tr)} region pairs: {n_narrow} narrowing "
                f"(median half-life {tr['half_life'].median():.1f} periods where defined)")


def pair_gaps(
    panel: Panel,
    pairs: pd.DataFrame,
    *,
    a_col: str = "a_region",
    b_col: str = "b_region",
) -> PairGaps:
    """The ratio and log ratio of side ``a`` to side ``b`` for every pair, and its trend.

    Parameters
    ----------
    panel : Panel
        The indicator, region x time. Values must be positive for the log gap (others give
        NaN); times must be numeric for the trend.
    pairs : DataFrame
        Any table with the two region columns, e.g. :func:`cross_border_pairs` (edge and point
        contacts; duplicates are dropped).
    a_col, b_col : str, default "a_region", "b_region"
        The columns of the two sides' regions.

    Returns
    -------
    PairGaps
        ``gaps``: long table of ``ratio`` and ``log_gap`` per pair and time; ``trends``: one
        row per pair with ``slope``, ``se``, ``t``, ``abs_slope``, ``abs_se``, ``abs_pvalue``,
        ``decay``, ``narrowing``, ``change``, ``crossed`` and ``half_life``.

    Notes
    -----
    With ``g_t = ln(y_a,t / y_b,t)``: ``slope`` and ``se`` are the OLS slope of ``g_t`` on
    ``t`` and its classical standard error; ``abs_slope`` is the slope of ``|g_t|``;
    ``decay = lambda = -(OLS slope of ln |g_t| on t)``. Where the gap narrows
    (``|g_t| ≈ |g_0| e^{-lambda t}``) and does not change sign, ``half_life = ln 2 / lambda``.

    References
    ----------
    Barro, R. & Sala-i-Martin, X. (1992). Convergence. Journal of Political Economy 100: 223-251
    (the half-life reading of exponential convergence).

    Examples
    --------
    >>> import math
    >>> import pandas as pd
    >>> from crossborder import Panel, pair_gaps
    >>> p = Panel.from_matrix([[math.e, math.e ** 0.5, math.e ** 0.25], [1.0, 1.0, 1.0]],
    ...                       regions=["A1", "B1"], times=[2000, 2001, 2002])
    >>> r = pair_gaps(p, pd.DataFrame({"a_region": ["A1"], "b_region": ["B1"]}))
    >>> r.gaps["log_gap"].round(2).tolist()          # the log gap halves every year
    [1.0, 0.5, 0.25]
    >>> round(float(r.trends["half_life"].iloc[0]), 2)
    1.0
    """
    for col in (a_col, b_col):
        if col not in pairs.columns:
            raise DataError(f"pairs have no {col!r} column", column=col)
    pr = pd.DataFrame(pairs[[a_col, b_col]]).drop_duplicates().reset_index(drop=True)
    m = panel.to_matrix()
    ia = m.regions.get_indexer(pr[a_col])
    ib = m.regions.get_indexer(pr[b_col])
    missing = sorted(set(pr[a_col][ia < 0]) | set(pr[b_col][ib < 0]))
    if missing:
        raise DataError(f"regions not in the panel: {missing[:10]}", column="region")
    va, vb = m.values[ia], m.values[ib]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = va / vb
        log_gap = np.where((va > 0) & (vb > 0), np.log(ratio), np.nan)
    try:
        t = np.asarray(m.times, dtype=float)
    except (TypeError, ValueError) as err:
        raise DataError("times must be numeric for the trend of the gap", column="time") from err

    slope, se, n = _ols_slope(log_gap, t)
    abs_slope, abs_se, _ = _ols_slope(np.abs(log_gap), t)
    with np.errstate(divide="ignore"):
        log_abs = np.where(np.abs(log_gap) > 0, np.log(np.abs(log_gap)), np.nan)
    decay_slope, _, _ = _ols_slope(log_abs, t)
    finite = np.isfinite(log_gap)
    pos = np.where(finite, log_gap > 0, False).any(axis=1)
    neg = np.where(finite, log_gap < 0, False).any(axis=1)
    crossed = pos & neg
    decay = -decay_slope
    narrowing = np.isfinite(decay) & (decay > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        half_life = np.where(narrowing & ~crossed, np.log(2.0) / decay, np.nan)
    first_idx = np.where(finite.any(axis=1), finite.argmax(axis=1), 0)
    last_idx = np.where(finite.any(axis=1), finite.shape[1] - 1 - finite[:, ::-1].argmax(axis=1),
                        0)
    rows = np.arange(len(pr))
    first = np.where(finite.any(axis=1), log_gap[rows, first_idx], np.nan)
    last = np.where(finite.any(axis=1), log_gap[rows, last_idx], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        tstat = slope / se
        abs_t = abs_slope / abs_se
    from scipy import stats

    abs_p = np.where(np.isfinite(abs_t), 2 * stats.t.sf(np.abs(np.nan_to_num(abs_t)), n - 2), np.nan)
    any_ = finite.any(axis=1)
    trends = pd.DataFrame({
        a_col: pr[a_col], b_col: pr[b_col], "n": n.astype(int),
        "first_time": _times_column(t[first_idx], any_),
        "last_time": _times_column(t[last_idx], any_),
        "first": first, "last": last, "slope": slope, "se": se, "t": tstat,
        "abs_slope": abs_slope, "abs_se": abs_se, "abs_pvalue": abs_p, "decay": decay,
        "narrowing": narrowing, "crossed": crossed, "half_life": half_life,
        "change": gap_change(np.abs(first), np.abs(last), abs_slope, abs_p),
    })
    n_p, n_t = log_gap.shape
    gaps = pd.DataFrame({
        a_col: np.repeat(pr[a_col].to_numpy(dtype=object), n_t),
        b_col: np.repeat(pr[b_col].to_numpy(dtype=object), n_t),
        panel.time_name: np.tile(np.asarray(m.times), n_p),
        "a_value": va.ravel(), "b_value": vb.ravel(),
        "ratio": ratio.ravel(), "log_gap": log_gap.ravel(),
    })
    gaps = gaps[np.isfinite(gaps["a_value"]) | np.isfinite(gaps["b_value"])]
    return PairGaps(gaps=gaps.reset_index(drop=True), trends=trends,
                    indicator=panel.indicator)
