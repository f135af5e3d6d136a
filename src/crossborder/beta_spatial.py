"""The study's baseline beta regressions checked for spatial dependence in their residuals.

For each baseline specification (absolute beta, and beta conditional on country where the panel has
two or more countries): Moran's I of the OLS residuals and the LM lag / error tests, with their
robust forms (:func:`crossborder.measures.spatial.beta_residual_tests`), on queen contiguity of the
regions' polygons (the same rule as the border's point-or-edge contact); where the tests reject,
the spatial lag or spatial error model of the same regression (spreg, maximum likelihood), its beta
and standard error beside the OLS ones (Rey & Montouri 1999; Anselin 2005 for the choice).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from .dataset import Dataset
from .measures.beta import beta
from .measures.spatial import beta_residual_tests, weights_from_regions
from .panel import Panel

__all__ = ["baseline_beta_spatial", "contiguity_weights"]


def contiguity_weights(ds: Dataset, regions: Any) -> Any:
    """Queen contiguity (libpysal ``W``) among ``regions`` from the dataset's polygons; a region
    without a polygon is kept with no neighbours."""
    codes = list(pd.Index(regions))
    r = ds.regions
    geo = r.set_index("region").reindex(codes)
    frame = gpd.GeoDataFrame({"region": codes}, geometry=list(geo.geometry), crs=r.crs)
    return weights_from_regions(frame, "queen", id_col="region")


def baseline_beta_spatial(panel: Panel, weights: Any, alpha: float = 0.05,
                          method: str = "ML") -> pd.DataFrame:
    """One row per baseline beta (first to last period of ``panel``): the OLS beta and se, Moran's I
    of its residuals (``moran_I``, ``moran_p``), the LM statistics and p-values, the ``model``
    chosen ("OLS", "lag" or "error"), the reason, and that model's ``beta``, ``se``, ``p``, spatial
    parameter (``spatial``: rho or lambda, ``spatial_coef``, ``spatial_se``, ``spatial_p``), speed and
    half-life. ``attrs["islands"]`` lists regions without a neighbour."""
    t0, t1 = panel.times[0], panel.times[-1]
    specs = [("absolute", beta(panel, t0, t1))]
    groups = panel.group_labels()
    if groups is not None and groups.nunique() >= 2:
        specs.append(("conditional on country", beta(panel, t0, t1, controls="group")))
    rows, islands = [], set()
    for name, res in specs:
        chk = beta_residual_tests(res, weights, alpha=alpha, method=method)
        islands.update(chk.islands)
        rows.append({"specification": name, **chk.to_row(), "reason": chk.reason})
    out = pd.DataFrame(rows)
    out.attrs["islands"] = sorted(map(str, islands))
    return out
