"""The notebook user's API (issue 22): balanced() reports, cov_type spellings, display, exports, ax=,
pandas interop."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crossborder as cb
from crossborder.panel import BalancedPanelWarning


def _two_sided(missing_kz: bool = True) -> cb.Panel:
    vals = np.arange(1.0, 25.0).reshape(6, 4) + 10
    if missing_kz:
        vals[3:, 0] = np.nan  # every KZ region lacks the first year
    else:
        vals[0, 0] = np.nan  # one RU region lacks it
    return cb.Panel.from_matrix(vals, regions=["R1", "R2", "R3", "K1", "K2", "K3"],
                                times=[2000, 2001, 2002, 2003], groups=["RU"] * 3 + ["KZ"] * 3)


def test_balanced_records_and_warns_when_a_group_disappears() -> None:
    with pytest.warns(BalancedPanelWarning, match="KZ"):
        b = _two_sided().balanced()
    assert list(b.regions) == ["R1", "R2", "R3"]
    assert b.meta["balanced"] == {"dropped_regions": {"K1": 3, "K2": 3, "K3": 3},
                                  "dropped_groups": ["KZ"]}


def test_balanced_without_losing_a_group_is_silent_but_recorded() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = _two_sided(missing_kz=False).balanced()
    assert sorted(b.regions) == ["K1", "K2", "K3", "R2", "R3"]
    assert b.meta["balanced"] == {"dropped_regions": {"R1": 3}, "dropped_groups": []}
