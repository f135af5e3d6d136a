"""Reference: Phillips & Sul's filteredGDP panel (152 countries, 1970–2003) as shipped with the R
package ConvergenceClubs; published numbers: whole-panel log t and the 7 clubs with FQSB, c* = 0."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _refdata import REFDATA, need_file

from crossborder.measures.clubs import clubs, log_t
from crossborder.measures.hpfilter import hp_filter
from crossborder.panel import Panel

FILTERED = REFDATA / "filteredGDP.txt"
LEVELS = REFDATA / "GDP.txt"



def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(need_file(path), sep=r"\s+").set_index("Countries")


@pytest.fixture(scope="module")
def filtered() -> pd.DataFrame:
    return _read(FILTERED)


def test_whole_panel_log_t(filtered):
    res = log_t(Panel.from_wide(filtered), trim=1 / 3, hac="FQSB")
    assert res.b == pytest.approx(-0.8748112, abs=5e-8)
    assert res.se == pytest.approx(0.0054828, abs=5e-8)
    assert res.tstat == pytest.approx(-159.555, abs=5e-4)
    # regression over t = 12..34, i.e. 1981..2003
    assert (res.start, res.end, res.n_obs) == (1981, 2003, 23)
    assert not res.converges


def test_clubs_fqsb_cstar0(filtered):
    res = clubs(Panel.from_wide(filtered), trim=1 / 3, cstar=0, hac="FQSB")
    assert res.n_clubs == 7
    assert res.divergent == ()
    assert res.sizes == [50, 30, 21, 24, 14, 11, 2]
    expected_t = [9.2823, 6.9044, 3.4025, 2.0549, 1.7008, 6.0238, -0.5585]
    assert [c.tstat for c in res.clubs] == pytest.approx(expected_t, abs=5e-5)
    members = res.membership()
    assert len(members) == 152 and members["club"].notna().all()
    assert set(res.clubs[-1].members) == {"Congo..Dem..Rep.", "Liberia"}
    # members are listed in the clustering order: by the last period, highest first
    first = filtered.loc[list(res.clubs[0].members), "Y2003"].to_numpy()
    assert (np.diff(first) <= 0).all()
    assert res.clubs[0].members[0] == filtered["Y2003"].idxmax()
    assert "United.States" in res.clubs[0].members


def test_array_and_dataframe_inputs_agree(filtered):
    a = clubs(filtered.to_numpy())
    b = clubs(filtered)
    assert a.sizes == b.sizes
    assert [c.tstat for c in a.clubs] == pytest.approx([c.tstat for c in b.clubs], abs=1e-12)


def test_hp_filter_of_log_levels_reproduces_filtered(filtered):
    levels = _read(LEVELS)
    assert list(levels.index) == list(filtered.index)
    trend = hp_filter(np.log(levels.to_numpy(dtype=float)), lamb=400)
    np.testing.assert_allclose(trend, filtered.to_numpy(dtype=float), rtol=0, atol=1e-9)
    panel_trend = hp_filter(Panel.from_wide(levels).log(), lamb=400).to_wide()
    np.testing.assert_allclose(panel_trend.to_numpy(), filtered.to_numpy(dtype=float),
                               rtol=0, atol=1e-9)
