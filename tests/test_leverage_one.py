"""HC2/HC3 errors of a fit in which one region has leverage 1 (the only region of its side, with a
side dummy) do not exist: its residual is 0 and HC2/HC3 divide 0 by 0. Before, rolling beta and the
grid printed the rounding noise of that division as a standard error; ``beta`` said "the fit is
exact". Each now names the region; with two regions on the side the errors are computed as
statsmodels computes them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.errors import DegenerateDataError
from crossborder.measures.leverage import LEVERAGE_TOL, full_leverage, hat_diagonal
from crossborder.study.robustness import robustness
from crossborder.study.rolling import rolling

YEARS = list(range(2000, 2012))


def _panel(n_b: int, n_a: int = 5) -> cb.Panel:
    rng = np.random.default_rng(3)
    n = n_a + n_b
    v = np.exp(rng.normal(7, 0.3, (n, 1)) + 0.02 * np.arange(len(YEARS))
               + rng.normal(0, 0.05, (n, len(YEARS))))
    return cb.Panel.from_matrix(v, regions=[f"R{i}" for i in range(n)], times=YEARS,
                                groups=["A"] * n_a + ["B"] * n_b)


def _design(p: cb.Panel, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    w = p.frame.pivot(index="region", columns="time", values="value")
    y0, y1 = np.log(w[start].to_numpy()), np.log(w[end].to_numpy())
    side = (p.group_labels().reindex(w.index) == "B").to_numpy(float)
    return (y1 - y0) / (end - start), np.column_stack([np.ones(len(y0)), y0, side])


def test_hat_diagonal_is_statsmodels_leverage():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(12), rng.normal(size=12), rng.normal(size=12)])
    y = rng.normal(size=12)
    want = sm.OLS(y, X).fit().get_influence().hat_matrix_diag
    np.testing.assert_allclose(hat_diagonal(X), want, rtol=1e-10)
    w = rng.uniform(0.5, 2.0, 12)
    Xw = X * np.sqrt(w)[:, None]
    np.testing.assert_allclose(hat_diagonal(X, w), np.diag(Xw @ np.linalg.pinv(Xw.T @ Xw) @ Xw.T),
                               rtol=1e-10)
    # a dummy of one observation gives it leverage 1; two observations share it
    lone = np.column_stack([X[:, :2], np.eye(12)[0]])
    assert list(np.flatnonzero(full_leverage(lone))) == [0]
    pair = np.column_stack([X[:, :2], np.eye(12)[0] + np.eye(12)[1]])
    h = hat_diagonal(pair)
    assert not full_leverage(pair).any() and h.max() < 1 - 1e3 * LEVERAGE_TOL


@pytest.mark.parametrize("cov", ["HC2", "HC3"])
def test_beta_names_the_region_of_leverage_one(cov):
    p = _panel(n_b=1)
    with pytest.raises(DegenerateDataError, match=f"{cov} errors do not exist: R5 has leverage 1"):
        cb.beta(p, 2000, 2011, controls="group", cov_type=cov)
    growth, X = _design(p, 2000, 2011)
    want = sm.OLS(growth, X).fit(cov_type="HC1")
    assert cb.beta(p, 2000, 2011, controls="group", cov_type="HC1").se == pytest.approx(
        float(want.bse[1]), rel=1e-9)


def test_beta_with_two_regions_on_the_side_has_hc3_errors():
    p = _panel(n_b=2)
    growth, X = _design(p, 2000, 2011)
    want = sm.OLS(growth, X).fit(cov_type="HC3")
    got = cb.beta(p, 2000, 2011, controls="group", cov_type="HC3")
    assert got.se == pytest.approx(float(want.bse[1]), rel=1e-9)


def test_rolling_beta_has_no_errors_and_says_why():
    r = rolling(_panel(n_b=1), window=6)                      # HC3, the declared baseline
    cond = r.table[r.table["estimate"] == "beta_conditional"]
    assert len(cond) == 7 and cond["se"].isna().all() and cond["pvalue"].isna().all()
    growth, X = _design(_panel(n_b=1), 2000, 2005)
    assert cond["coef"].iloc[0] == pytest.approx(float(sm.OLS(growth, X).fit().params[1]), rel=1e-9)
    assert list(r.no_se["estimate"].unique()) == ["beta_conditional"] and len(r.no_se) == 7
    assert r.no_se["reason"].str.startswith("HC3 errors do not exist: R5 has leverage 1").all()
    assert "beta_conditional: no standard errors in 7 window(s) (2000-2005," in r.summary()
    # the absolute beta keeps its HC3 errors: no dummy, no leverage 1
    ab = r.table[r.table["estimate"] == "beta_absolute"]
    assert ab["se"].notna().all()
    two = rolling(_panel(n_b=2), window=6)
    assert two.no_se.empty and two.table["se"].notna().all()


def test_grid_sets_the_hc3_rows_aside_with_the_reason():
    res = robustness(_panel(n_b=1), estimates=("beta",), cov_types=("HC1", "HC3"), n_ends=1,
                     starts=[2000], n_boot=0, n_draws=0)
    t = res.table
    cond = t[t["estimate"] == "beta_conditional"]
    assert set(cond["se_type"]) == {"HC1"}
    sk = res.skipped
    why = sk[(sk["what"] == "beta_conditional") & (sk["se_type"] == "HC3")]["reason"]
    assert len(why) >= 1 and why.str.startswith("HC3 errors do not exist: R5 has leverage 1").all()
    assert set(t[t["estimate"] == "beta_absolute"]["se_type"]) == {"HC1", "HC3"}
    assert pd.notna(t["se"]).all()


def test_the_grid_reads_one_panel_as_the_factory_that_gives_it():
    p = _panel(n_b=2)
    a = robustness(p, estimates=("beta",), cov_types=("HC1",), n_ends=1, starts=[2000], n_boot=0,
                   n_draws=0).table
    b = robustness(lambda currency: p, estimates=("beta",), cov_types=("HC1",), n_ends=1,
                   starts=[2000], n_boot=0, n_draws=0).table
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(TypeError, match="reads a Dataset, a Panel or a function currency -> Panel, "
                                        "not DataFrame"):
        robustness(p.frame)


def test_the_report_says_why_rolling_beta_has_no_errors():
    from crossborder.report.sections.rolling import no_se_readings

    assert no_se_readings(rolling(_panel(n_b=2), window=6)) == []
    (line,) = no_se_readings(rolling(_panel(n_b=1), window=6))
    assert line.startswith("beta conditional: no standard errors in 7 of 7 windows: HC3 errors do "
                           "not exist: R5 has leverage 1")
