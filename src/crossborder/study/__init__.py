"""The study: the paper's question asked of a dataset, above the estimators and the geometry.

Layers (see DESIGN.md): ``measures/`` (pure estimators over a Panel) and ``border/`` (geometry) sit
below; this package reads both and nothing below imports it.

- :mod:`.panels`      the study panels (indicator, currency basis, years, region variants)
- :mod:`.robustness`  the specification grid
- :mod:`.rolling`     rolling windows
- :mod:`.integration` the difference-in-differences integration test and its inference
- :mod:`.verdict`     the verdict read from the grid
- :mod:`.claims`      the paper's factual claims checked against the data
- :mod:`.table1`      the paper's Table 1 rebuilt from data
- :mod:`.paper`       the paper's metadata (agglomerations, published values)
"""

from __future__ import annotations

from .panels import DEFAULT_INDICATOR, border_part_substitutes, parse_years, study_panel

__all__ = ["DEFAULT_INDICATOR", "border_part_substitutes", "parse_years", "study_panel"]
