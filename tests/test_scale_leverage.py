"""The leverage-1 rule of HC2/HC3 (measures/leverage.py) at scale, the same on every engine as in
memory: where the only region of a group fixes its intercept, beta's HC3 is the sandwich without
it; where one region alone spreads the initial levels, beta has no HC3 errors, named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crossborder as cb
from crossborder import scale
from crossborder.errors import DegenerateDataError

YEARS = list(range(2000, 2012))
ENGINES = ["pandas", "polars", "duckdb", pytest.param("dask", marks=pytest.mark.slow)]


def _values() -> np.ndarray:
    rng = np.random.default_rng(3)
    return np.exp(rng.normal(7, 0.3, (6, 1)) + 0.02 * np.arange(len(YEARS))
                  + rng.normal(0, 0.05, (6, len(YEARS))))


def _frame(v: np.ndarray, groups: str) -> pd.DataFrame:
    return pd.DataFrame([(f"R{i}", y, v[i, j], groups[i]) for i in range(len(v))
                         for j, y in enumerate(YEARS)], columns=["region", "year", "value", "country"])


def _parquet(frame: pd.DataFrame, path) -> str:
    frame.to_parquet(path, index=False)
    return str(path)


COLS = dict(region="region", time="year", value="value", group="country")


@pytest.mark.parametrize("engine", ENGINES)
def test_the_only_region_of_a_group_leaves_beta_its_hc3(tmp_path, engine):
    frame = _frame(_values(), "AAAAAB")
    got = scale.beta(_parquet(frame, tmp_path / "f.parquet"), 2000, 2011, cov_type="HC3",
                     controls="group", engine=engine, **COLS)
    want = cb.beta(cb.Panel.from_long(frame, region="region", time="year", value="value",
                                      group="country"), 2000, 2011, cov_type="HC3", controls="group")
    assert got.se == pytest.approx(want.se, rel=1e-9) and got.beta == pytest.approx(want.beta, rel=1e-9)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_region_that_alone_spreads_the_levels_leaves_beta_no_hc3(tmp_path, engine):
    v = _values()
    v[1:, 0] = v[1, 0]
    path = _parquet(_frame(v, "AAABBB"), tmp_path / "f.parquet")
    with pytest.raises(DegenerateDataError, match="HC3 errors do not exist: R0 has leverage 1"):
        scale.beta(path, 2000, 2011, cov_type="HC3", engine=engine, **COLS)
    got = scale.beta(path, 2000, 2011, cov_type="HC1", engine=engine, **COLS)
    want = cb.beta(cb.Panel.from_long(_frame(v, "AAABBB"), region="region", time="year",
                                      value="value"), 2000, 2011, cov_type="HC1")
    assert got.se == pytest.approx(want.se, rel=1e-9)
