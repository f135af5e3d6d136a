"""Spatial statistics: weights from the regions' geometry, Moran's I, local Moran, spatial beta.

- :func:`weights_from_regions`: contiguity (queen/rook), k nearest or distance band weights
  (libpysal), distances between centroids in a metric equal-area projection.
- :func:`moran`: global Moran's I of every period (Moran 1950; Cliff & Ord 1981) with normal,
  randomisation and permutation inference; vectorised over the periods.
- :func:`local_moran`: local Moran (LISA, Anselin 1995) of every period with conditional
  permutation inference, quadrants and significance.
- :func:`spatial_beta`: beta convergence with a spatial lag or a spatial error model
  (spreg ML or GM estimators; Rey & Montouri 1999).
- :func:`beta_residual_tests`: Moran's I and the LM lag/error tests of a beta regression's
  residuals and, where they reject, the spatial model of the same regression.

Regions without neighbours (islands, enclaves) never crash anything: they are listed in every
result. With row-standardised weights their spatial lag is zero (global Moran, spreg, as in
esda); local statistics and spatial Markov leave them out.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, stats

from .._display import displayable
from ..errors import DataError
from ..panel import Matrix, Panel
from ._arrays import as_matrix as _as_matrix
from ._arrays import time_name as _time_name
from ._checks import check_bool, check_int, check_number
from ._degenerate import not_computed
from ._weights import AlignedWeights, aligned_weights, spatial_lag
from .beta import speed_half_life

__all__ = [
    "AlignedWeights",
    "LocalMoranResult",
    "MoranResult",
    "ResidualSpatialTests",
    "SpatialBetaResult",
    "aligned_weights",
    "beta_residual_tests",
    "local_moran",
    "moran",
    "spatial_beta",
    "spatial_lag",
    "weights_from_regions",
]


# ---------------------------------------------------------------------------- weights
def _metric(gdf: Any) -> Any:
    """The frame in a metric equal-area CRS (Lambert azimuthal centred on the data) if geographic."""
    crs = gdf.crs
    if crs is None or not crs.is_geographic:
        return gdf
    lon0, lat0 = (np.asarray(gdf.to_crs(4326).total_bounds).reshape(2, 2).mean(axis=0))
    return gdf.to_crs(f"+proj=laea +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m")


def weights_from_regions(
    regions: Any,
    method: str = "queen",
    *,
    id_col: str | None = None,
    k: int = 4,
    threshold_km: float | None = None,
    binary: bool = True,
    id_column: str | None = None,
) -> Any:
    """Spatial weights (a libpysal ``W``) from a GeoDataFrame of region polygons.

    Parameters
    ----------
    regions : GeoDataFrame
        Region polygons.
    method : {"queen", "rook", "knn", "distance"}, default "queen"
        ``"queen"`` (shared edge or corner), ``"rook"`` (shared edge), ``"knn"`` (the ``k``
        nearest centroids) or ``"distance"`` (centroids within ``threshold_km``).
    id_col : str, optional
        The column of the region ids; default the index.
    k : int, default 4
        The number of neighbours of ``"knn"`` (1 <= k < number of regions).
    threshold_km : float, optional
        The distance band of ``"distance"`` (required there).
    binary : bool, default True
        ``"distance"`` weights 1 within the band, or the inverse distance if False.
    id_column : str, optional
        The old name of ``id_col``: deprecated, warns with a FutureWarning.

    Returns
    -------
    libpysal.weights.W
        Unstandardised weights keyed by region id. Islands (including regions with no geometry,
        which are kept with no neighbours and warned about) are in ``W.islands``.

    Notes
    -----
    ``w_ij = 1`` when i and j share a boundary point (queen) or a boundary segment (rook), when
    j is among the k nearest centroids of i (knn, not symmetric), or when
    ``d_ij <= threshold_km`` (distance; ``w_ij = 1 / d_ij`` with d in metres when
    ``binary=False``); else 0. Distances between centroids are computed in a Lambert azimuthal
    equal-area projection centred on the regions when the CRS is geographic, else in the given
    (assumed metric) CRS.

    References
    ----------
    Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Dordrecht: Kluwer.
    The weights are built by libpysal (``libpysal.weights``: ``Queen``, ``Rook``, ``KNN``,
    ``DistanceBand``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from crossborder import weights_from_regions
    >>> g = gpd.GeoDataFrame({"region": ["A", "B", "C", "D"]},
    ...                      geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1),
    ...                                box(1, 1, 2, 2)], crs="EPSG:4326")
    >>> w = weights_from_regions(g, id_col="region")        # A and D touch at a corner
    >>> {r: sorted(n) for r, n in w.neighbors.items()}
    {'A': ['B', 'D'], 'B': ['A', 'C', 'D'], 'C': ['B', 'D'], 'D': ['A', 'B', 'C']}
    >>> w = weights_from_regions(g, "rook", id_col="region")
    >>> {r: sorted(n) for r, n in w.neighbors.items()}
    {'A': ['B'], 'B': ['A', 'C', 'D'], 'C': ['B'], 'D': ['B']}
    """
    from libpysal import weights as lw

    if method == "knn":
        k = check_int("k", k, minimum=1)
    if method == "distance" and threshold_km is not None:
        threshold_km = check_number("threshold_km", threshold_km, low=0, low_open=True)
    check_bool("binary", binary)
    if id_column is not None:
        if id_col is not None and id_col != id_column:
            raise ValueError("give id_col only (id_column is its deprecated old name)")
        warnings.warn("weights_from_regions(id_column=) is deprecated: use id_col= (the name "
                      "every other function uses)", FutureWarning, stacklevel=2)
        id_col = id_column
    id_column = id_col
    if id_column is not None:
        if id_column not in regions.columns:
            raise DataError(f"no column {id_column!r} in the regions", column=id_column)
        regions = regions.set_index(id_column)
    if regions.index.has_duplicates:
        dup = regions.index[regions.index.duplicated()][0]
        raise DataError(f"region id {dup!r} appears more than once", column=id_column or "index")
    all_ids = list(regions.index)
    nogeom = regions.geometry.isna() | regions.geometry.is_empty
    regions = regions[~nogeom.to_numpy()]
    ids = list(regions.index)
    n = len(ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands are reported by the caller, not warned about
        if method in ("queen", "rook"):
            cls = lw.Queen if method == "queen" else lw.Rook
            w = cls.from_dataframe(regions, use_index=True, silence_warnings=True)
        elif method in ("knn", "distance"):
            pts = _metric(regions).geometry.centroid
            xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
            if method == "knn":
                if not 1 <= k < n:
                    raise DataError(f"knn needs 1 <= k < number of regions ({n}), got k={k}")
                w = lw.KNN(xy, k=k, ids=ids, silence_warnings=True)
            else:
                if threshold_km is None or threshold_km <= 0:
                    raise DataError("distance weights need a positive threshold_km")
                w = lw.DistanceBand(xy, threshold=threshold_km * 1000.0, binary=binary,
                                    alpha=-1.0, ids=ids, silence_warnings=True)
        else:
            raise DataError(f"method must be queen, rook, knn or distance, got {method!r}")
    if nogeom.any():
        # regions without a geometry have no neighbours: keep them, as islands
        missing = [r for r, bad in zip(all_ids, nogeom, strict=True) if bad]
        warnings.warn(f"regions without geometry have no neighbours: {missing}",
                      UserWarning, stacklevel=2)
        neighbors = {**w.neighbors, **{r: [] for r in missing}}
        wts = {**w.weights, **{r: [] for r in missing}}
        w = lw.W(neighbors, wts, id_order=all_ids, silence_warnings=True)
    return w


def _blocks(y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Columns grouped by their pattern of observed rows: [(rows kept, columns), ...].

    Columns with fewer than 3 observations are left out.
    """
    obs = ~np.isnan(y)
    n, t = obs.shape
    if obs.all():  # complete data: one block of every row and column
        return [(np.ones(n, dtype=bool), np.arange(t))] if n >= 3 and t else []
    # the distinct patterns, in the order of np.unique(obs.T, axis=0) (it fixes the order in which
    # the blocks draw their permutations): packed 8 rows to a byte, first row the high bit, the
    # bytes sort as the boolean rows do
    packed = np.packbits(obs.T, axis=1)
    _, first, inv = np.unique(packed, axis=0, return_index=True, return_inverse=True)
    inv = np.asarray(inv).ravel()
    pats = obs[:, first].T
    return [(pats[i], np.flatnonzero(inv == i)) for i in range(len(pats)) if pats[i].sum() >= 3]


def _check_seed(seed: Any) -> Any:
    """None (fresh randomness), a numpy generator, or a whole number >= 0 (reproducible)."""
    if seed is None or isinstance(seed, np.random.Generator | np.random.BitGenerator
                                  | np.random.SeedSequence):
        return seed
    return check_int("seed", seed, minimum=0)


# ---------------------------------------------------------------------------- global Moran
@displayable
@dataclass(frozen=True, eq=False)
class MoranResult:
    """Moran's I of each period: one row per period in ``table`` (I, expected, z and p values
    under normality, randomisation and permutation), with the weights' ``islands``."""

    table: pd.DataFrame
    islands: tuple[Any, ...]
    permutations: int

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        cols = ["n", "I", "expected", "z_norm", "p_norm"] + (
            ["p_sim"] if self.permutations else [])
        head = f"Moran's I per period ({self.permutations} permutations)"
        if self.islands:
            head += f"; regions without neighbours: {list(self.islands)}"
        return head + "\n" + self.table[cols].round(4).to_string()


def _moran_block(w: sparse.csr_array, y: np.ndarray, permutations: int,
                 rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Moran's I for each column of an n x t block without missing values."""
    n = y.shape[0]
    z = y - y.mean(axis=0)
    z2 = z * z
    zz = z2.sum(axis=0)
    # a period with the same value in every region (to ~12 digits) has no pattern: I is NaN there,
    # not a ratio of rounding errors
    zz = np.where(zz <= 1e-24 * (y * y).sum(axis=0), np.nan, zz)
    s0 = w.sum()
    wt = w + w.T
    s1 = 0.5 * (wt.multiply(wt)).sum()
    s2 = float(((np.asarray(w.sum(axis=0)).ravel() + np.asarray(w.sum(axis=1)).ravel()) ** 2)
               .sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        i_obs = n / s0 * (z * (w @ z)).sum(axis=0) / zz
    ei = -1.0 / (n - 1)
    v_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    with np.errstate(invalid="ignore", divide="ignore"):
        b2 = n * (z2 * z2).sum(axis=0) / (zz * zz)  # z**4 (a multiplication: pow() is slow)
        v_rand = (n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
                  - b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)) / (
            (n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
        z_norm = (i_obs - ei) / math.sqrt(v_norm)
        z_rand = (i_obs - ei) / np.sqrt(v_rand)
    out = {
        "n": np.full(y.shape[1], n), "I": i_obs, "expected": np.full(y.shape[1], ei),
        "z_norm": z_norm, "p_norm": 2 * stats.norm.sf(np.abs(z_norm)),
        "z_rand": z_rand, "p_rand": 2 * stats.norm.sf(np.abs(z_rand)),
    }
    if permutations:
        t = y.shape[1]
        sims = np.empty((permutations, t))
        chunk = max(1, 4_000_000 // max(1, n * t))
        for a in range(0, permutations, chunk):  # chunks of permutations bound the memory
            b = min(permutations, a + chunk)
            idx = rng.permuted(np.broadcast_to(np.arange(n), (b - a, n)), axis=1)
            zp = z[idx]  # perms x n x t
            lag = (w @ zp.transpose(1, 0, 2).reshape(n, -1)).reshape(n, b - a, t)
            with np.errstate(invalid="ignore", divide="ignore"):
                sims[a:b] = n / s0 * np.einsum("pnt,npt->pt", zp, lag) / zz
        larger = (sims >= i_obs).sum(axis=0)
        larger = np.minimum(larger, permutations - larger)
        out["p_sim"] = (larger + 1.0) / (permutations + 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["z_sim"] = (i_obs - sims.mean(axis=0)) / sims.std(axis=0)
    return out


def moran(
    panel: Panel | Matrix | np.ndarray,
    weights: Any,
    permutations: int = 999,
    seed: int | None = 12345,
) -> MoranResult:
    """Global Moran's I of every period.

    Parameters
    ----------
    panel : Panel, Matrix or ndarray
        Region x time values.
    weights : libpysal W, Graph or ndarray
        Neighbours (row-standardised here); see :func:`weights_from_regions`.
    permutations : int, default 999
        Random relabellings for ``p_sim`` (0: none).
    seed : int or None, default 12345
        Fixes the relabellings (the same ones serve every period).

    Returns
    -------
    MoranResult
        ``table``: one row per period with ``n``, ``I``, ``expected``, ``z_norm``, ``p_norm``,
        ``z_rand``, ``p_rand`` and ``p_sim``; the weights' ``islands``.

    Notes
    -----
    I = (n / S0) z'Wz / z'z with z = y - mean(y), S0 = n minus the islands; E[I] = -1/(n - 1);
    z and two-sided p under normality and randomisation (Cliff & Ord 1981);
    p_sim = (min(#{I_sim >= I}, #{I_sim < I}) + 1) / (permutations + 1) as in esda. A period with
    missing values uses the regions observed in it, the weights restricted to them; fewer than three
    regions give "not computed".

    References
    ----------
    Cliff, A. D. & Ord, J. K. (1981). Spatial Processes: Models and Applications. Pion.

    Examples
    --------
    >>> import numpy as np
    >>> from crossborder import moran
    >>> w = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
    >>> y = np.array([[1.0], [2.0], [3.0], [4.0]])      # a trend along a line: z'Wz / z'z = 2 / 5
    >>> round(float(moran(y, w, permutations=0).table["I"].iloc[0]), 6)
    0.4
    """
    permutations = check_int("permutations", permutations, minimum=0)
    seed = _check_seed(seed)
    mat = _as_matrix(panel)
    aw = aligned_weights(weights, mat.regions)
    rng = np.random.default_rng(seed)
    t = mat.values.shape[1]
    cols = ["n", "I", "expected", "z_norm", "p_norm", "z_rand", "p_rand"]
    if permutations:
        cols += ["z_sim", "p_sim"]
    res = {c: np.full(t, np.nan) for c in cols}
    for keep, idx in _blocks(mat.values):
        w = aw.matrix if keep.all() else aw.subset(keep).matrix
        # complete data: the matrix itself, in the column-major layout of a fancy-indexed block
        # (the same summation order, so the same last bits)
        yb = (np.asfortranarray(mat.values) if keep.all() and len(idx) == len(mat.times)
              else mat.values[keep][:, idx])
        out = _moran_block(w, yb, permutations, rng)
        for c in cols:
            res[c][idx] = out[c]
    table = pd.DataFrame(res, index=pd.Index(mat.times, name=_time_name(panel)))
    table["n"] = table["n"].astype("Int64")
    if t and not np.isfinite(res["I"]).any():
        raise not_computed("Moran's I", _why_no_moran(mat.values, aw))
    return MoranResult(table, aw.islands, permutations)


def _why_no_moran(y: np.ndarray, aw: Any) -> str:
    """Why Moran's I is undefined in every period: too few regions, no neighbours, or no spread."""
    n_max = int((~np.isnan(y)).sum(axis=0).max(initial=0))
    if n_max < 3:
        return (f"at most {n_max} region(s) with a value in a period: Moran's I needs at least 3 "
                "regions")
    if len(aw.islands) >= y.shape[0] - 1 or float(aw.matrix.sum()) == 0.0:
        return "no region has a neighbour under these weights"
    return ("the values are the same in every region (z'z = 0): there is no spatial pattern to "
            "measure")


# ---------------------------------------------------------------------------- local Moran
QUADRANTS = np.array(["HH", "LH", "LL", "HL"], dtype=object)


@displayable
@dataclass(frozen=True, eq=False)
class LocalMoranResult:
    """Local Moran statistics: one row per region and period in ``table`` with the value, its
    standardised deviation ``z``, the neighbours' mean deviation ``lag``, ``Is``, ``quadrant``
    (HH, LH, LL, HL; "island" without neighbours), ``p_sim`` and ``cluster`` (the quadrant where
    p_sim <= alpha, else "ns")."""

    table: pd.DataFrame
    islands: tuple[Any, ...]
    permutations: int
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def clusters(self) -> pd.DataFrame:
        """Region x time table of cluster labels."""
        return self.table.pivot(index="region", columns=self.time_name, values="cluster")

    @property
    def time_name(self) -> str:
        """The name of the time column (the panel's :attr:`Panel.time_name`)."""
        return str(self.table.columns[1])

    def summary(self) -> str:
        counts = self.table.groupby([self.time_name, "cluster"]).size().unstack(fill_value=0)
        head = (f"Local Moran, {self.permutations} conditional permutations, alpha {self.alpha}")
        if self.islands:
            head += f"; regions without neighbours: {list(self.islands)}"
        return head + "\n" + counts.to_string()


def _local_block(w: sparse.csr_array, y: np.ndarray, permutations: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Is, lag, z and p_sim for each cell of an n x t block without missing values."""
    n, t = y.shape
    z = y - y.mean(axis=0)
    sd = z.std(axis=0)
    z = np.divide(z, sd, out=np.zeros_like(z), where=sd > 0)
    den = (z * z).sum(axis=0)
    lag = w @ z
    with np.errstate(invalid="ignore", divide="ignore"):
        i_loc = (n - 1) * z * lag / den
    p = np.full((n, t), np.nan)
    if permutations:
        card = np.diff(w.indptr)
        kmax = int(card.max()) if n else 0
        if kmax and kmax <= n - 1:
            # neighbours' weights of each region, padded to kmax
            wv = np.zeros((n, kmax))
            pos = np.arange(w.nnz) - np.repeat(w.indptr[:-1], card)
            wv[np.repeat(np.arange(n), card), pos] = w.data
            # conditional randomisation: region i keeps its value, its kmax neighbours are drawn
            # from the n - 1 others (the same draws shifted past i for every region, as esda)
            draws = np.argsort(rng.random((permutations, n - 1)), axis=1)[:, :kmax]
            larger = np.zeros((n, t), dtype=np.int64)
            chunk = max(1, 4_000_000 // max(1, permutations * kmax * t))
            for a in range(0, n, chunk):
                b = min(n, a + chunk)
                rows = np.arange(a, b)
                idx = draws[None, :, :] + (draws[None, :, :] >= rows[:, None, None])
                lag_sim = np.einsum("rk,rpkt->rpt", wv[a:b], z[idx])
                with np.errstate(invalid="ignore", divide="ignore"):
                    sims = (n - 1) * z[a:b, None, :] * lag_sim / den
                larger[a:b] = (sims >= i_loc[a:b, None, :]).sum(axis=1)
            larger = np.minimum(larger, permutations - larger)
            p = (larger + 1.0) / (permutations + 1.0)
    return i_loc, lag, z, p


def local_moran(
    panel: Panel | Matrix | np.ndarray,
    weights: Any,
    permutations: int = 999,
    seed: int | None = 12345,
    alpha: float = 0.05,
) -> LocalMoranResult:
    """Local Moran (LISA) of every region and period.

    Parameters
    ----------
    panel : Panel, Matrix or ndarray
        Region x time values.
    weights : libpysal W, Graph or ndarray
        Neighbours (row-standardised here).
    permutations : int, default 999
        Conditional permutations for ``p_sim``.
    seed : int or None, default 12345
    alpha : float, default 0.05
        A region is in a ``cluster`` (its quadrant) when p_sim <= alpha, else "ns".

    Returns
    -------
    LocalMoranResult
        ``table``: one row per region and period with the value, ``z``, ``lag``, ``Is``,
        ``quadrant`` (HH, LH, LL, HL; "island" without neighbours), ``p_sim`` and ``cluster``;
        ``clusters()`` counts them.

    Notes
    -----
    I_i = (n - 1) z_i sum_j w_ij z_j / sum_j z_j^2 with row-standardised weights (esda's
    ``Moran_Local`` convention); p_sim from conditional permutations (the region's value fixed, its
    neighbours drawn at random from the other regions), folded as in esda.

    References
    ----------
    Anselin, L. (1995). Local indicators of spatial association - LISA. Geographical Analysis 27:
    93-115.
    """
    permutations = check_int("permutations", permutations, minimum=0)
    seed = _check_seed(seed)
    alpha = check_number("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    mat = _as_matrix(panel)
    aw = aligned_weights(weights, mat.regions)
    rng = np.random.default_rng(seed)
    n, t = mat.values.shape
    i_loc, lag, zv, p = (np.full((n, t), np.nan) for _ in range(4))
    for keep, idx in _blocks(mat.values):
        w = aw.matrix if keep.all() else aw.subset(keep).matrix
        a, b, c, d = _local_block(w, mat.values[keep][:, idx], permutations, rng)
        sel = np.ix_(keep, idx)
        i_loc[sel], lag[sel], zv[sel], p[sel] = a, b, c, d
    isl = np.isin(np.asarray(mat.regions, dtype=object), np.asarray(aw.islands, dtype=object))
    i_loc[isl], p[isl] = np.nan, np.nan
    quad = np.where(zv > 0, np.where(lag > 0, 0, 3), np.where(lag > 0, 1, 2))
    q = QUADRANTS[quad]
    q[isl, :] = "island"
    q[np.isnan(zv)] = None
    cluster = np.where(p <= alpha, q, "ns").astype(object)
    cluster[np.isnan(p)] = q[np.isnan(p)]
    table = pd.DataFrame({
        "region": np.repeat(np.asarray(mat.regions, dtype=object), t),
        _time_name(panel): np.tile(np.asarray(mat.times), n),
        "value": mat.values.ravel(),
        "z": zv.ravel(),
        "lag": lag.ravel(),
        "Is": i_loc.ravel(),
        "quadrant": q.ravel(),
        "p_sim": p.ravel(),
        "cluster": cluster.ravel(),
    })
    table = table[~np.isnan(mat.values.ravel())].reset_index(drop=True)
    return LocalMoranResult(table, aw.islands, permutations, alpha)


# ---------------------------------------------------------------------------- spatial beta
@displayable
@dataclass(frozen=True, eq=False)
class SpatialBetaResult:
    """Spatial beta convergence: growth_i = a + b ln y_i0 (+ rho W growth | + lambda W u).

    ``table`` has one row per model ("lag", "error") with beta, its se, z, p, the spatial
    parameter (rho or lambda) with its se and p, the implied speed of convergence
    -ln(1 + b T) / T and half-life ln 2 / speed, log-likelihood (ML), AIC (ML), pseudo R2.
    ``dropped`` regions lacked a start or end value; ``islands`` had no neighbours.
    """

    table: pd.DataFrame
    start: Any
    end: Any
    horizon: float
    n: int
    dropped: tuple[Any, ...]
    islands: tuple[Any, ...]
    method: str
    models: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        head = (f"Spatial beta convergence {self.start}-{self.end} (T = {self.horizon:g}), "
                f"n = {self.n}, {self.method}")
        if self.dropped:
            head += f"; dropped (missing start/end): {list(self.dropped)}"
        if self.islands:
            head += f"; regions without neighbours: {list(self.islands)}"
        return head + "\n" + self.table.round(5).to_string()


def _horizon(times: pd.Index, i0: int, i1: int) -> float:
    try:
        return float(times[i1]) - float(times[i0])
    except (TypeError, ValueError):
        return float(i1 - i0)


def spatial_beta(
    panel: Panel | Matrix | np.ndarray,
    weights: Any,
    start: Any = None,
    end: Any = None,
    models: tuple[str, ...] = ("lag", "error"),
    method: str = "ML",
    log: bool = True,
) -> SpatialBetaResult:
    """Beta convergence with spatial dependence, estimated with spreg.

    Parameters
    ----------
    panel : Panel, Matrix or ndarray
        Levels (or logs with ``log=False``), region x time.
    weights : libpysal W, Graph or ndarray
        Neighbours (row-standardised here).
    start, end : time label, optional
        The growth period (default the first and last time).
    models : tuple of {"lag", "error"}, default ("lag", "error")
        The spatial lag model (+ rho W growth) and/or the spatial error model (u = lambda W u + e).
    method : {"ML", "GM"}, default "ML"
        ``spreg.ML_Lag``/``ML_Error`` or ``spreg.GM_Lag``/``GM_Error_Het``.
    log : bool, default True
        Take logs of the levels.

    Returns
    -------
    SpatialBetaResult
        ``table``: one row per model with beta, its se, z, p, the spatial parameter with its se and
        p, the speed and half-life, log-likelihood and AIC (ML), pseudo R2; ``dropped`` and
        ``islands``; ``residual_tests`` where computed.

    Notes
    -----
    growth_i = (ln y_iT - ln y_i0) / T on ln y_i0, T = end - start (numeric times, else the number
    of periods); speed -ln(1 + beta T) / T and half-life ln 2 / speed as
    :func:`crossborder.measures.beta.speed_half_life`.

    References
    ----------
    Rey, S. J. & Montouri, B. D. (1999). US regional income convergence: a spatial econometric
    perspective. Regional Studies 33: 143-156.
    """
    import libpysal
    import spreg

    check_bool("log", log)
    mat = _as_matrix(panel)
    times = mat.times
    for label in (start, end):
        if label is not None and label not in times:
            raise ValueError(f"{label!r} is not a time of the panel")
    i0 = 0 if start is None else times.get_loc(start)
    i1 = len(times) - 1 if end is None else times.get_loc(end)
    if not isinstance(i0, int) or not isinstance(i1, int) or i1 <= i0:
        raise DataError(f"start ({times[i0]!r}) must come before end ({times[i1]!r})",
                        column="time")
    y0, y1 = mat.values[:, i0], mat.values[:, i1]
    if log:
        bad = (y0 <= 0) | (y1 <= 0)
        if bad.any():
            r = mat.regions[np.flatnonzero(bad)[0]]
            raise DataError(f"log of a non-positive value for region {r!r}", column="value")
        y0, y1 = np.log(y0), np.log(y1)
    keep = ~(np.isnan(y0) | np.isnan(y1))
    dropped = tuple(mat.regions[~keep])
    horizon = _horizon(times, i0, i1)
    aw = aligned_weights(weights, mat.regions).subset(keep)
    n = int(keep.sum())
    if n < 5:
        raise DataError(f"spatial beta needs at least 5 regions with start and end values, "
                        f"got {n}")
    growth = ((y1 - y0) / horizon)[keep][:, None]
    x = y0[keep][:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.WSP(sparse.csr_matrix(aw.matrix)).to_W(silence_warnings=True)
    rows, fitted = [], {}
    method = method.upper()
    if method not in ("ML", "GM"):
        raise DataError(f"method must be 'ML' or 'GM', got {method!r}")
    estimators = {
        ("lag", "ML"): spreg.ML_Lag, ("lag", "GM"): spreg.GM_Lag,
        ("error", "ML"): spreg.ML_Error, ("error", "GM"): spreg.GM_Error_Het,
    }
    for model in models:
        if model not in ("lag", "error"):
            raise DataError(f"model must be 'lag' or 'error', got {model!r}")
        # spreg warns about its optimiser and prints the model name: keep both quiet
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            est = estimators[model, method](growth, x, w=w, name_y="growth",
                                           name_x=["log_initial"])
        fitted[model] = est
        # betas: constant, log_initial, then rho (lag) or lambda (error); vm covers all three
        betas = np.asarray(est.betas).ravel()
        se = np.sqrt(np.diag(np.asarray(est.vm)))
        zs = np.asarray([zp[0] for zp in est.z_stat])
        ps = np.asarray([zp[1] for zp in est.z_stat])
        j_b, j_rho = 1, len(betas) - 1
        b = betas[j_b]
        speed, half_life = speed_half_life(float(b), horizon)
        rows.append({
            "model": model,
            "beta": b,
            "se": se[j_b],
            "z": zs[j_b],
            "p": ps[j_b],
            "spatial": "rho" if model == "lag" else "lambda",
            "spatial_coef": betas[j_rho],
            "spatial_se": se[j_rho],
            "spatial_p": ps[j_rho],
            "speed": speed,
            "half_life": half_life,
            "loglik": float(getattr(est, "logll", math.nan)),
            "aic": float(getattr(est, "aic", math.nan)),
            "pseudo_r2": float(getattr(est, "pr2", math.nan)),
        })
    table = pd.DataFrame(rows).set_index("model")
    return SpatialBetaResult(table, times[i0], times[i1], horizon, n, dropped, aw.islands,
                             method, fitted)


# ---------------------------------------------------------------------------- beta residual tests
_TESTS = ("moran_res", "lm_lag", "lm_error", "rlm_lag", "rlm_error")


@displayable
@dataclass(frozen=True, eq=False)
class ResidualSpatialTests:
    """Spatial dependence in the residuals of a beta regression, and the spatial model it calls for.

    ``tests``: one row per test (``moran_res``: Moran's I of the OLS residuals with its normal
    z and p under the regression's null, Cliff & Ord 1981; ``lm_lag``, ``lm_error`` and their robust
    forms ``rlm_lag``, ``rlm_error``: Lagrange multiplier statistics, chi2(1), Anselin 1988; Anselin,
    Bera, Florax & Yoon 1996), columns ``stat`` and ``pvalue``. ``model``: "lag", "error" or None
    (no test rejects at ``alpha``), chosen as in Anselin (2005) and Florax, Folmer & Rey (2003): the
    model whose LM test alone rejects; when both reject, the one whose robust test rejects (the
    larger robust statistic when both or neither do). ``spatial``: that model's beta, its standard
    error, z, p, the spatial parameter (rho or lambda) and the implied speed and half-life (spreg
    ML_Lag / ML_Error, or GM_Lag / GM_Error_Het); None without a model.
    """

    tests: pd.DataFrame
    model: str | None
    reason: str
    spatial: pd.Series | None
    ols_beta: float
    ols_se: float
    n: int
    islands: tuple[Any, ...]
    alpha: float
    method: str

    def to_frame(self) -> pd.DataFrame:
        return self.tests.copy()

    def to_row(self) -> dict[str, Any]:
        """One flat record: the OLS beta, the five tests and, where chosen, the spatial model."""
        t = self.tests
        row: dict[str, Any] = {"ols_beta": self.ols_beta, "ols_se": self.ols_se, "n": self.n,
                               "moran_I": t.at["moran_res", "stat"],
                               "moran_p": t.at["moran_res", "pvalue"]}
        for name in _TESTS[1:]:
            row[name] = t.at[name, "stat"]
            row[f"{name}_p"] = t.at[name, "pvalue"]
        row["model"] = self.model or "OLS"
        sp = self.spatial
        row.update({k: (sp[k] if sp is not None else math.nan) for k in
                    ("beta", "se", "p", "spatial_coef", "spatial_se", "spatial_p", "speed",
                     "half_life")})
        row["spatial"] = sp["spatial"] if sp is not None else ""
        return row

    def summary(self) -> str:
        t = self.tests
        head = (f"OLS beta {self.ols_beta:.6g} (se {self.ols_se:.3g}), n = {self.n}; Moran's I of the "
                f"residuals {t.at['moran_res', 'stat']:.4f} (p {t.at['moran_res', 'pvalue']:.3g}); "
                f"LM lag {t.at['lm_lag', 'stat']:.3g} (p {t.at['lm_lag', 'pvalue']:.3g}), LM error "
                f"{t.at['lm_error', 'stat']:.3g} (p {t.at['lm_error', 'pvalue']:.3g}). {self.reason}")
        if self.spatial is not None:
            sp = self.spatial
            head += (f" Spatial {self.model} model ({self.method}): beta {sp['beta']:.6g} "
                     f"(se {sp['se']:.3g}), {sp['spatial']} {sp['spatial_coef']:.3g} "
                     f"(se {sp['spatial_se']:.3g}).")
        return head


def _choose(tests: pd.DataFrame, alpha: float) -> tuple[str | None, str]:
    p_lag, p_err = tests.at["lm_lag", "pvalue"], tests.at["lm_error", "pvalue"]
    lag, err = p_lag < alpha, p_err < alpha
    if not (lag or err):
        return None, f"Neither LM test rejects at {alpha:g}: no spatial model is needed."
    if lag != err:
        which = "lag" if lag else "error"
        return which, f"Only LM {which} rejects at {alpha:g}: spatial {which} model."
    r_lag, r_err = tests.at["rlm_lag", "pvalue"] < alpha, tests.at["rlm_error", "pvalue"] < alpha
    if r_lag != r_err:
        which = "lag" if r_lag else "error"
        return which, (f"Both LM tests reject at {alpha:g}; only robust LM {which} does: spatial "
                       f"{which} model.")
    which = "lag" if tests.at["rlm_lag", "stat"] >= tests.at["rlm_error", "stat"] else "error"
    return which, (f"Both LM tests reject at {alpha:g}, and {'both' if r_lag else 'neither'} robust "
                   f"test{'s' if r_lag else ''} {'do' if r_lag else 'does'}: the larger robust "
                   f"statistic picks the spatial {which} model.")


def beta_residual_tests(result: Any, weights: Any, alpha: float = 0.05, method: str = "ML",
                        fit: bool = True) -> ResidualSpatialTests:
    """Moran's I and the LM lag / error tests of a cross-section beta regression's OLS residuals,
    and, where they reject, the spatial lag or error model of the same regression (spreg).

    ``result``: a :class:`~crossborder.measures.beta.BetaResult` of :func:`~crossborder.beta`
    (absolute or conditional, not weighted; its regions and controls are kept as they are, so the
    spatial model's beta is comparable with the OLS one); ``weights``: a libpysal ``W``/``Graph`` or
    :class:`AlignedWeights` covering its regions (row-standardised here; regions without neighbours
    have a zero lag and are listed in ``islands``). The decision rule is in
    :class:`ResidualSpatialTests`. ``fit=False`` skips the spatial model.
    """
    import libpysal
    import spreg

    alpha = check_number("alpha", alpha, low=0.0, high=1.0, low_open=True, high_open=True)
    check_bool("fit", fit)
    method = str(method).upper()
    if method not in ("ML", "GM"):
        raise DataError(f"method must be 'ML' or 'GM', got {method!r}")
    sm_fit = getattr(result, "fit", None)
    model = getattr(sm_fit, "model", None) if sm_fit is not None else None
    if model is None or not hasattr(model, "exog"):
        raise DataError("spatial residual tests need a beta of crossborder.beta (in memory)")
    if str(getattr(result, "kind", "")).startswith("panel"):
        raise DataError("spatial residual tests are for a cross-section beta, not a panel one")
    if type(model).__name__ == "WLS":
        raise DataError("spatial residual tests are for an unweighted (OLS) beta; the LM tests "
                        "of Anselin (1988) assume OLS residuals")
    names = list(model.exog_names)
    y = np.asarray(model.endog, dtype=float)[:, None]
    X = np.asarray(model.exog, dtype=float)
    keep = [j for j, c in enumerate(names) if c != "const"]
    xn = [names[j] for j in keep]
    regions = pd.Index(model.data.row_labels)
    aw = aligned_weights(weights, regions)
    n = len(regions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.WSP(sparse.csr_matrix(aw.matrix)).to_W(silence_warnings=True)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        ols = spreg.OLS(y, X[:, keep], w=w, spat_diag=True, moran=True, name_y="growth",
                        name_x=xn)
    stats_ = {name: getattr(ols, name) for name in _TESTS}
    tests = pd.DataFrame(
        {"stat": [float(stats_["moran_res"][0])] + [float(stats_[k][0]) for k in _TESTS[1:]],
         "pvalue": [float(stats_["moran_res"][2])] + [float(stats_[k][1]) for k in _TESTS[1:]]},
        index=pd.Index(_TESTS, name="test"))
    tests["z"] = [float(stats_["moran_res"][1])] + [math.nan] * 4
    chosen, reason = _choose(tests, alpha)
    spatial = None
    if chosen is not None and fit:
        est_cls = {("lag", "ML"): spreg.ML_Lag, ("lag", "GM"): spreg.GM_Lag,
                   ("error", "ML"): spreg.ML_Error, ("error", "GM"): spreg.GM_Error_Het}
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            est = est_cls[chosen, method](y, X[:, keep], w=w, name_y="growth", name_x=xn)
        betas = np.asarray(est.betas).ravel()
        se = np.sqrt(np.diag(np.asarray(est.vm)))
        zp = np.asarray(est.z_stat, dtype=float)
        j_b, j_s = 1 + xn.index("initial"), len(betas) - 1
        speed, half_life = speed_half_life(float(betas[j_b]), float(result.span),
                                           bool(result.annualize))
        spatial = pd.Series({
            "beta": float(betas[j_b]), "se": float(se[j_b]), "z": float(zp[j_b, 0]),
            "p": float(zp[j_b, 1]), "spatial": "rho" if chosen == "lag" else "lambda",
            "spatial_coef": float(betas[j_s]), "spatial_se": float(se[j_s]),
            "spatial_p": float(zp[j_s, 1]), "speed": speed, "half_life": half_life,
            "loglik": float(getattr(est, "logll", math.nan)),
            "aic": float(getattr(est, "aic", math.nan)),
        })
    return ResidualSpatialTests(tests, chosen, reason, spatial, float(result.beta),
                                float(result.se), n, aw.islands, alpha, method)
