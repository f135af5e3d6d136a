"""Spatial weights aligned with a panel's regions, and the spatial lag (shared by spatial.py and
dynamics.py: the spatial Markov chain and Moran's I read the same row-standardised weights)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import DataError

__all__ = ["AlignedWeights", "aligned_weights", "spatial_lag"]


@dataclass(frozen=True, eq=False)
class AlignedWeights:
    """Row-standardised N x N weights in the row order of ``regions``; ``islands`` have no
    neighbours (a zero row)."""

    matrix: sparse.csr_array
    regions: pd.Index
    islands: tuple[Any, ...]

    def subset(self, keep: np.ndarray) -> AlignedWeights:
        """The weights among the regions where ``keep`` (bool, N) holds, row-standardised again."""
        return _standardised(self.matrix[keep][:, keep], self.regions[keep])


def _standardised(m: Any, regions: pd.Index) -> AlignedWeights:
    m = sparse.csr_array(m, dtype=float)
    m.setdiag(0.0)
    m.eliminate_zeros()
    rows = np.asarray(m.sum(axis=1)).ravel()
    inv = np.divide(1.0, rows, out=np.zeros_like(rows), where=rows != 0)
    m = sparse.csr_array(sparse.diags_array(inv) @ m)
    islands = tuple(regions[rows == 0])
    return AlignedWeights(m, regions, islands)


def aligned_weights(weights: Any, regions: pd.Index | list) -> AlignedWeights:
    """Row-standardised weights aligned with ``regions``.

    ``weights``: a libpysal ``W`` or ``Graph`` whose ids include every region (other ids are left
    out), an :class:`AlignedWeights`, or an N x N array / sparse matrix already in the order of
    ``regions``.
    """
    regions = pd.Index(regions)
    if isinstance(weights, AlignedWeights):
        if not weights.regions.equals(regions):
            pos = weights.regions.get_indexer(regions)
            if (pos < 0).any():
                raise DataError(f"regions without weights: {list(regions[pos < 0][:10])}")
            return _standardised(weights.matrix[pos][:, pos], regions)
        return weights
    if hasattr(weights, "to_W") and not hasattr(weights, "id_order"):  # libpysal Graph
        weights = weights.to_W()
    if hasattr(weights, "id_order") and hasattr(weights, "sparse"):  # libpysal W
        ids = pd.Index(weights.id_order)
        pos = ids.get_indexer(regions)
        if (pos < 0).any():
            # ids may be ints where regions are strings or the other way round
            pos = pd.Index(ids.astype(str)).get_indexer(regions.astype(str))
        if (pos < 0).any():
            raise DataError(f"regions not in the weights: {list(regions[pos < 0][:10])}")
        full = sparse.csr_array(weights.sparse)
        # undo a row standardisation to start from the given links
        return _standardised(full[pos][:, pos], regions)
    m = sparse.csr_array(weights) if not sparse.issparse(weights) else sparse.csr_array(weights)
    if m.shape != (len(regions), len(regions)):
        raise DataError(f"weights are {m.shape}, the panel has {len(regions)} regions")
    return _standardised(m, regions)


def spatial_lag(w: Any, values: np.ndarray) -> np.ndarray:
    """Mean of the neighbours' values (row-standardised ``w``) per column, NaN-aware.

    Neighbours with a missing value are left out and the remaining weights rescaled; a region
    with no observed neighbour gets NaN.
    """
    y = np.asarray(values, dtype=float)
    obs = ~np.isnan(y)
    num = w @ np.where(obs, y, 0.0)
    den = w @ obs.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 1e-12, num / np.where(den > 1e-12, den, 1.0), np.nan)
