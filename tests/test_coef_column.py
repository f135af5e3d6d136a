"""One column name for an estimate's number across result tables: ``coef`` (issue 22, point 4); the
old names (``slope``, ``value``, ``estimate``) stay, equal and last, for one release."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.measures._columns import with_coef
from crossborder.study.integration import relative_magnitudes
from crossborder.study.robustness import TABLE_COLUMNS, robustness

YEARS = list(range(2000, 2010))


def _panel() -> cb.Panel:
    rng = np.random.default_rng(3)
    start = rng.normal(3.0, 0.6, 16)
    v = start[:, None] + (-0.04 * (start[:, None] - 3.0) + 0.01) * np.arange(10) \
        + rng.normal(0, 0.03, (16, 10))
    return cb.Panel.from_matrix(np.exp(v), regions=[f"R{i:02d}" for i in range(16)], times=YEARS,
                                groups=["A"] * 8 + ["B"] * 8)


def test_with_coef_puts_coef_in_place_and_the_old_name_last() -> None:
    f = pd.DataFrame({"estimate": ["b"], "value": [1.5], "se": [0.1]})
    assert list(with_coef(f, "value").columns) == ["estimate", "coef", "se", "value"]
    laid = pd.DataFrame({"estimate": ["b"], "coef": [np.nan], "se": [0.1], "value": [1.5]})
    out = with_coef(laid, "value")
    assert list(out.columns) == ["estimate", "coef", "se", "value"] and out["coef"].iat[0] == 1.5
    assert with_coef(f, "slope") is f


def test_sigma_trend_coef_is_the_ols_slope() -> None:
    p = _panel()
    tr = cb.sigma_trend(p, cov_type="nonrobust")
    f = tr.to_frame()
    sd = np.log(p.to_matrix().values).std(axis=0)
    assert f.columns[0] == "coef" and f.columns[-1] == "slope"
    assert f["coef"].iat[0] == pytest.approx(np.polyfit(np.array(YEARS, float), sd, 1)[0], rel=1e-9)
    assert f["slope"].iat[0] == f["coef"].iat[0]


def test_rolling_coef_is_each_windows_beta() -> None:
    p = _panel()
    r = cb.rolling(p, window=5, conditional=False)
    t = r.table
    assert "coef" in t.columns and t.columns[-1] == "value"
    np.testing.assert_array_equal(t["coef"].to_numpy(), t["value"].to_numpy())
    row = t[(t["estimate"] == "beta_absolute") & (t["start"] == 2002)].iloc[0]
    y = np.log(p.to_matrix().values)
    x, g = y[:, 2], (y[:, 6] - y[:, 2]) / 4
    assert row["coef"] == pytest.approx(sm.OLS(g, sm.add_constant(x)).fit().params[1], rel=1e-9)


def test_robustness_table_has_coef_in_its_contract() -> None:
    p = _panel()
    res = robustness(lambda c: p, estimates=("sigma",), cov_types=("nonrobust",),
                     starts=[2000], ends=[2009], min_years=5)
    t = res.table
    assert list(t.columns) == TABLE_COLUMNS and "coef" in TABLE_COLUMNS
    row = t[(t["estimate"] == "sigma_trend") & (t["se_type"] == "classical")].iloc[0]
    sd = np.log(p.to_matrix().values).std(axis=0)
    assert row["coef"] == pytest.approx(np.polyfit(np.array(YEARS, float), sd, 1)[0], rel=1e-9)
    assert row["value"] == row["coef"]


def test_relative_magnitudes_coef_is_the_effect() -> None:
    rm = relative_magnitudes([-3, -2, 0, 1], np.array([0.1, 0.0, -0.4, -0.6]), np.eye(4) * 1e-4,
                             df=30, mbars=(0.0, 1.0), target="average")
    # the average post-break effect: mean of k = 0, 1 (the reference k = -1 is 0)
    assert rm.table["coef"].tolist() == pytest.approx([-0.5, -0.5])
    np.testing.assert_array_equal(rm.table["estimate"], rm.table["coef"])
