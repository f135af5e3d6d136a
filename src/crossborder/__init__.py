"""crossborder: convergence between the regions on the two sides of an international border.

The public names below are loaded on first use (PEP 562), so ``import crossborder`` and the
command line start without importing every measure's dependencies.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from .errors import CrossborderError, DataError, UnitError

__version__ = "0.1.0"

#: public name -> module that defines it
_LAZY: dict[str, str] = {
    **dict.fromkeys(["agglomerations", "border_effect", "border_line", "border_regions", "border_zone",
                     "city_distances", "cross_border_pairs", "deviations", "discontinuities",
                     "pair_gaps", "twin_cities", "Border", "find_border"], ".border"),
    **dict.fromkeys(["BorderEffect", "Deviations"], ".border.discontinuity"),
    "BorderLine": ".border.geometry",
    **dict.fromkeys(["Agglomerations", "PairGaps"], ".border.pairs"),
    "BorderZone": ".border.zones",
    **dict.fromkeys(["Summary", "compare"], "._display"),
    **dict.fromkeys(["CovType", "FewClustersWarning"], ".measures._covtype"),
    **dict.fromkeys(["Dataset", "load_dataset"], ".dataset"),
    **dict.fromkeys(["read_dataset", "read_observations", "read_panel", "read_regions", "read_table"],
                    ".io"),
    **dict.fromkeys(["BetaResult", "beta", "beta_panel"], ".measures.beta"),
    **dict.fromkeys(["Club", "ClubsResult", "LogTResult", "clubs", "log_t", "merge_clubs"],
                    ".measures.clubs"),
    "decompose": ".measures.decompose",
    **dict.fromkeys(["FTestResult", "TrendResult", "sigma", "sigma_ftest", "sigma_trend"],
                    ".measures.dispersion"),
    **dict.fromkeys(["MarkovResult", "SpatialMarkovResult", "markov", "spatial_markov"],
                    ".measures.dynamics"),
    **dict.fromkeys(["DeltaResult", "delta"], ".measures.frontier"),
    "hp_filter": ".measures.hpfilter",
    **dict.fromkeys(["BreakTest", "DiDResult", "IntegrationGrid", "IntegrationResult", "break_test",
                     "integration", "integration_grid", "neighbour_pairs", "pair_did"],
                    ".study.integration"),
    "gamma": ".measures.ranks",
    **dict.fromkeys(["RegionVariant", "RobustnessResult", "robustness", "study_defaults"],
                    ".study.robustness"),
    **dict.fromkeys(["RollingResult", "rolling"], ".study.rolling"),
    **dict.fromkeys(["LocalMoranResult", "MoranResult", "ResidualSpatialTests", "SpatialBetaResult",
                     "local_moran", "moran", "spatial_beta", "weights_from_regions"],
                    ".measures.spatial"),
    "Verdict": ".study.verdict",
    **dict.fromkeys(["BalancedPanelWarning", "Matrix", "Panel"], ".panel"),
    "study_panel": ".study",
    **dict.fromkeys(["ReadReport", "Repair", "ValidationError", "validate_observations",
                     "validate_regions"], ".validate"),
}

__all__ = [
    "Agglomerations",
    "BalancedPanelWarning",
    "BetaResult",
    "BorderEffect",
    "BorderLine",
    "BorderZone",
    "BreakTest",
    "Club",
    "ClubsResult",
    "CovType",
    "CrossborderError",
    "DataError",
    "Dataset",
    "DeltaResult",
    "Deviations",
    "DiDResult",
    "FTestResult",
    "FewClustersWarning",
    "IntegrationGrid",
    "IntegrationResult",
    "LocalMoranResult",
    "LogTResult",
    "MarkovResult",
    "Matrix",
    "MoranResult",
    "PairGaps",
    "Panel",
    "ReadReport",
    "RegionVariant",
    "Repair",
    "ResidualSpatialTests",
    "RobustnessResult",
    "RollingResult",
    "SpatialBetaResult",
    "SpatialMarkovResult",
    "Summary",
    "TrendResult",
    "UnitError",
    "ValidationError",
    "Verdict",
    "__version__",
    "Border",
    "find_border",
    "agglomerations",
    "beta",
    "beta_panel",
    "border_effect",
    "border_line",
    "border_regions",
    "border_zone",
    "break_test",
    "city_distances",
    "clubs",
    "compare",
    "cross_border_pairs",
    "decompose",
    "delta",
    "deviations",
    "discontinuities",
    "gamma",
    "hp_filter",
    "integration",
    "integration_grid",
    "load_dataset",
    "local_moran",
    "log_t",
    "markov",
    "merge_clubs",
    "moran",
    "neighbour_pairs",
    "pair_did",
    "pair_gaps",
    "read_dataset",
    "read_observations",
    "read_panel",
    "read_regions",
    "read_table",
    "robustness",
    "rolling",
    "sigma",
    "sigma_ftest",
    "sigma_trend",
    "spatial_beta",
    "spatial_markov",
    "study_defaults",
    "study_panel",
    "twin_cities",
    "validate_observations",
    "validate_regions",
    "weights_from_regions",
]


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crossborder' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API (``__all__``), the module's dunders and its loaded subpackages: no helper
    imports (``annotations``, ``TYPE_CHECKING``, ...)."""
    mods = {k for k, v in globals().items() if isinstance(v, type(_importlib)) and not k.startswith("_")}
    return sorted(set(__all__) | {k for k in globals() if k.startswith("__")} | mods)


if _typing.TYPE_CHECKING:  # what static tools and editors see
    from ._display import Summary, compare
    from .border import (
        Border,
        agglomerations,
        border_effect,
        border_line,
        border_regions,
        border_zone,
        city_distances,
        cross_border_pairs,
        deviations,
        discontinuities,
        find_border,
        pair_gaps,
        twin_cities,
    )
    from .border.discontinuity import BorderEffect, Deviations
    from .border.geometry import BorderLine
    from .border.pairs import Agglomerations, PairGaps
    from .border.zones import BorderZone
    from .dataset import Dataset, load_dataset
    from .io import read_dataset, read_observations, read_panel, read_regions, read_table
    from .measures._covtype import CovType, FewClustersWarning
    from .measures.beta import BetaResult, beta, beta_panel
    from .measures.clubs import Club, ClubsResult, LogTResult, clubs, log_t, merge_clubs
    from .measures.decompose import decompose
    from .measures.dispersion import FTestResult, TrendResult, sigma, sigma_ftest, sigma_trend
    from .measures.dynamics import MarkovResult, SpatialMarkovResult, markov, spatial_markov
    from .measures.frontier import DeltaResult, delta
    from .measures.hpfilter import hp_filter
    from .measures.ranks import gamma
    from .measures.spatial import (
        LocalMoranResult,
        MoranResult,
        ResidualSpatialTests,
        SpatialBetaResult,
        local_moran,
        moran,
        spatial_beta,
        weights_from_regions,
    )
    from .panel import BalancedPanelWarning, Matrix, Panel
    from .study import study_panel
    from .study.integration import (
        BreakTest,
        DiDResult,
        IntegrationGrid,
        IntegrationResult,
        break_test,
        integration,
        integration_grid,
        neighbour_pairs,
        pair_did,
    )
    from .study.robustness import RegionVariant, RobustnessResult, robustness, study_defaults
    from .study.rolling import RollingResult, rolling
    from .study.verdict import Verdict
    from .validate import ReadReport, Repair, ValidationError, validate_observations, validate_regions
