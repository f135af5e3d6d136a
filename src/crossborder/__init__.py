"""crossborder: convergence between the regions on the two sides of an international border."""

from __future__ import annotations

__version__ = "0.1.0"

from .border import (
    agglomerations,
    border_effect,
    border_line,
    border_regions,
    border_zone,
    city_distances,
    cross_border_pairs,
    deviations,
    discontinuities,
    pair_gaps,
    twin_cities,
)
from .dataset import Dataset, load_dataset
from .errors import CrossborderError, DataError, UnitError
from .io import read_dataset, read_observations, read_panel, read_regions, read_table
from .measures.beta import BetaResult, beta, beta_panel
from .measures.clubs import ClubsResult, LogTResult, log_t, merge_clubs
from .measures.clubs import clubs as clubs
from .measures.decompose import decompose
from .measures.dispersion import sigma, sigma_ftest, sigma_trend
from .measures.dynamics import MarkovResult, markov, spatial_markov
from .measures.frontier import delta
from .measures.hpfilter import hp_filter
from .measures.ranks import gamma
from .measures.spatial import local_moran, moran, spatial_beta, weights_from_regions
from .panel import Matrix, Panel
from .study import study_panel
from .validate import ReadReport, Repair, ValidationError, validate_observations, validate_regions

__all__ = [
    "BetaResult",
    "ClubsResult",
    "CrossborderError",
    "DataError",
    "Dataset",
    "LogTResult",
    "MarkovResult",
    "Matrix",
    "Panel",
    "UnitError",
    "__version__",
    "agglomerations",
    "border_effect",
    "border_line",
    "border_regions",
    "border_zone",
    "city_distances",
    "cross_border_pairs",
    "deviations",
    "discontinuities",
    "pair_gaps",
    "twin_cities",
    "beta",
    "beta_panel",
    "clubs",
    "decompose",
    "delta",
    "gamma",
    "hp_filter",
    "load_dataset",
    "local_moran",
    "log_t",
    "markov",
    "merge_clubs",
    "moran",
    "read_dataset",
    "read_observations",
    "read_panel",
    "read_regions",
    "read_table",
    "sigma",
    "sigma_ftest",
    "sigma_trend",
    "spatial_beta",
    "spatial_markov",
    "study_panel",
    "validate_observations",
    "validate_regions",
    "ReadReport",
    "Repair",
    "ValidationError",
    "weights_from_regions",
]
