"""The border as an object of analysis: its line, the regions on it, pairs across it, zones along
it, twin cities and agglomerations, and the discontinuities it leaves in the data."""

from __future__ import annotations

from .discontinuity import (
    Adjacency,
    BorderEffect,
    Deviations,
    adjacency,
    border_effect,
    deviations,
    discontinuities,
)
from .geometry import (
    MAX_TOLERANCE_M,
    Border,
    BorderLine,
    GapProfile,
    border_line,
    border_regions,
    border_shares,
    cross_border_pairs,
    find_border,
    shared_edges,
)
from .pairs import Agglomerations, PairGaps, agglomerations, city_links, pair_gaps, twin_cities
from .shared import dataset_border, dataset_edges, dataset_zone
from .zones import HALF_EARTH_KM, BorderZone, border_zone, city_distances, equal_area_crs

__all__ = [
    "HALF_EARTH_KM", "MAX_TOLERANCE_M", "Border", "GapProfile", "dataset_border", "dataset_edges",
    "dataset_zone", "find_border",
    "Adjacency", "Agglomerations", "BorderEffect", "BorderLine", "BorderZone", "Deviations", "PairGaps",
    "adjacency", "agglomerations", "border_effect", "border_line", "border_regions", "border_shares",
    "border_zone", "city_distances", "city_links", "cross_border_pairs", "deviations", "discontinuities",
    "equal_area_crs", "pair_gaps", "shared_edges", "twin_cities",
]
