"""The Examples sections of the public docstrings run, and the public functions have numpydoc sections.

Each module's doctests are executed (as ``python -m doctest`` would); a module listed here must
hold at least one example, so an Examples section cannot silently vanish.
"""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

import crossborder as cb

MODULES_WITH_EXAMPLES = [
    "crossborder._display",
    "crossborder.border.discontinuity",
    "crossborder.border.geometry",
    "crossborder.border.pairs",
    "crossborder.border.zones",
    "crossborder.dataset",
    "crossborder.io.observations",
    "crossborder.io.regions",
    "crossborder.io.tables",
    "crossborder.panel",
    "crossborder.measures.beta",
    "crossborder.measures.clubs",
    "crossborder.measures.decompose",
    "crossborder.measures.dispersion",
    "crossborder.measures.dynamics",
    "crossborder.measures.frontier",
    "crossborder.measures.hpfilter",
    "crossborder.measures.ranks",
    "crossborder.measures.spatial",
    "crossborder.study.panels",
]

#: the estimators and readers: each documents Parameters, Returns, Notes and References
ESTIMATORS = ["beta", "beta_panel", "sigma", "sigma_trend", "sigma_ftest", "gamma", "delta",
              "decompose", "hp_filter", "log_t", "clubs", "merge_clubs", "markov", "spatial_markov",
              "moran", "local_moran", "spatial_beta", "compare", "load_dataset", "read_panel",
              "read_observations", "read_dataset", "validate_observations", "validate_regions",
              "find_border", "border_line", "border_regions", "cross_border_pairs", "border_zone",
              "city_distances", "discontinuities", "border_effect", "deviations", "pair_gaps",
              "twin_cities", "agglomerations", "read_regions", "read_table",
              "weights_from_regions", "study_panel"]


@pytest.mark.parametrize("name", MODULES_WITH_EXAMPLES)
def test_the_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0


@pytest.mark.parametrize("name", ESTIMATORS)
def test_estimators_have_numpydoc_sections(name: str) -> None:
    doc = inspect.getdoc(getattr(cb, name))
    for section in ("Parameters\n----------", "Returns\n-------", "Notes\n-----",
                    "References\n----------"):
        assert section in doc, f"{name}: no {section.splitlines()[0]} section"
