"""HC2/HC3 errors with an observation of leverage 1 (measures/leverage.py). Per coefficient
(``A = (X'X)^+ X'``): one that the observation does not move (beta, when the only region of a side
fixes its side's dummy) has the sandwich without that observation's term (0 * 0/0 -> 0); one that
it moves (the side dummy; beta when one region alone sets the spread of the initial levels; a
break-test slope fixed by two periods) has no such errors, named instead of the rounding noise of
0/0 that was printed before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.errors import DegenerateDataError
from crossborder.measures.leverage import LEVERAGE_TOL, full_leverage, hat_diagonal, moved_by
from crossborder.study.integration import break_test
from crossborder.study.robustness import robustness
from crossborder.study.rolling import rolling

YEARS = list(range(2000, 2012))


def _values(n: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    return np.exp(rng.normal(7, 0.3, (n, 1)) + 0.02 * np.arange(len(YEARS))
                  + rng.normal(0, 0.05, (n, len(YEARS))))


def _panel(n_b: int, n_a: int = 5) -> cb.Panel:
    """n_a regions of side A, n_b of side B."""
    return cb.Panel.from_matrix(_values(n_a + n_b), regions=[f"R{i}" for i in range(n_a + n_b)],
                                times=YEARS, groups=["A"] * n_a + ["B"] * n_b)


def _one_apart() -> cb.Panel:
    """Six regions whose 2000 levels are equal but one (R0): R0 alone sets the spread of the
    initial level, so its leverage is 1 in beta from 2000 and it moves beta."""
    v = _values(6)
    v[1:, 0] = v[1, 0]
    return cb.Panel.from_matrix(v, regions=[f"R{i}" for i in range(6)], times=YEARS,
                                groups=["A"] * 3 + ["B"] * 3)


def _growth(p: cb.Panel, start: int, end: int, regions: list[str]) -> tuple[np.ndarray, np.ndarray]:
    w = p.frame.pivot(index="region", columns="time", values="value").loc[regions]
    y0 = np.log(w[start].to_numpy())
    return (np.log(w[end].to_numpy()) - y0) / (end - start), sm.add_constant(y0)


def test_hat_diagonal_is_statsmodels_leverage_and_moved_by_reads_the_rows():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(12), rng.normal(size=12), rng.normal(size=12)])
    y = rng.normal(size=12)
    np.testing.assert_allclose(hat_diagonal(X), sm.OLS(y, X).fit().get_influence().hat_matrix_diag,
                               rtol=1e-10)
    w = rng.uniform(0.5, 2.0, 12)
    Xw = X * np.sqrt(w)[:, None]
    np.testing.assert_allclose(hat_diagonal(X, w), np.diag(Xw @ np.linalg.pinv(Xw.T @ Xw) @ Xw.T),
                               rtol=1e-10)
    # a dummy of one observation gives it leverage 1: it moves the dummy, not the other slopes
    lone = np.column_stack([X, np.eye(12)[0]])
    assert list(np.flatnonzero(full_leverage(lone))) == [0]
    assert list(moved_by(np.linalg.pinv(lone), full_leverage(lone))) == [False, False, False, True]
    pair = np.column_stack([X, np.eye(12)[0] + np.eye(12)[1]])
    assert not full_leverage(pair).any() and hat_diagonal(pair).max() < 1 - 1e3 * LEVERAGE_TOL


@pytest.mark.parametrize("cov", ["HC2", "HC3"])
def test_beta_with_the_only_region_of_a_side_is_the_sandwich_without_it(cov):
    p = _panel(n_b=1)
    got = cb.beta(p, 2000, 2011, controls="group", cov_type=cov)
    growth, X = _growth(p, 2000, 2011, [f"R{i}" for i in range(5)])
    want = sm.OLS(growth, X).fit(cov_type=cov)      # side A alone: the same beta and residuals
    assert got.beta == pytest.approx(float(want.params[1]), rel=1e-9)
    assert got.se == pytest.approx(float(want.bse[1]), rel=1e-9)
    assert np.isnan(got.table.loc["group_B", "se"])  # the dummy it fixes has no such errors


@pytest.mark.parametrize("cov", ["HC2", "HC3"])
def test_beta_moved_by_a_region_of_leverage_one_is_named(cov):
    with pytest.raises(DegenerateDataError, match=f"{cov} errors do not exist: R0 has leverage 1"):
        cb.beta(_one_apart(), 2000, 2011, cov_type=cov)
    growth, X = _growth(_one_apart(), 2000, 2011, [f"R{i}" for i in range(6)])
    want = sm.OLS(growth, X).fit(cov_type="HC1")
    assert cb.beta(_one_apart(), 2000, 2011, cov_type="HC1").se == pytest.approx(float(want.bse[1]),
                                                                                  rel=1e-9)


def test_rolling_beta_with_the_only_region_of_a_side():
    p = _panel(n_b=1)
    r = rolling(p, window=6)                        # HC3, the declared baseline
    assert r.no_se.empty
    cond = r.table[r.table["estimate"] == "beta_conditional"].set_index("start")
    growth, X = _growth(p, 2000, 2005, [f"R{i}" for i in range(5)])
    want = sm.OLS(growth, X).fit(cov_type="HC3", use_t=True)    # t(3) as the 6-region fit
    assert cond.loc[2000, "se"] == pytest.approx(float(want.bse[1]), rel=1e-9)
    assert cond.loc[2000, "pvalue"] == pytest.approx(float(want.pvalues[1]), rel=1e-9)
    lo, hi = want.conf_int(0.05)[1]
    assert (cond.loc[2000, "ci_low"], cond.loc[2000, "ci_high"]) == (pytest.approx(lo, rel=1e-9),
                                                                      pytest.approx(hi, rel=1e-9))


def test_rolling_names_the_window_without_errors():
    from crossborder.report.sections.rolling import no_se_readings

    r = rolling(_one_apart(), window=6, conditional=False)
    assert list(r.no_se["start"]) == [2000] and list(r.no_se["estimate"]) == ["beta_absolute"]
    assert r.no_se["reason"].iloc[0].startswith("HC3 errors do not exist: R0 has leverage 1")
    row = r.table[(r.table["estimate"] == "beta_absolute") & (r.table["start"] == 2000)].iloc[0]
    assert np.isnan(row["se"]) and np.isnan(row["pvalue"]) and np.isfinite(row["coef"])
    later = r.table[(r.table["estimate"] == "beta_absolute") & (r.table["start"] > 2000)]
    assert later["se"].notna().all()
    assert "beta_absolute: no standard errors in 1 window(s) (2000-2005): HC3 errors" in r.summary()
    assert no_se_readings(r)[0].startswith("beta absolute: no standard errors in 1 of 7 windows: HC3")
    assert no_se_readings(rolling(_panel(n_b=2), window=6)) == []


def test_grid_keeps_beta_and_sets_aside_what_leverage_one_moves():
    res = robustness(_panel(n_b=1), estimates=("beta",), cov_types=("HC1", "HC3"), n_ends=1,
                     starts=[2000], n_boot=0, n_draws=0)
    cond = res.table[(res.table["estimate"] == "beta_conditional") & (res.table["se_type"] == "HC3")]
    growth, X = _growth(_panel(n_b=1), 2000, 2011, [f"R{i}" for i in range(5)])
    assert float(cond["se"].iloc[0]) == pytest.approx(float(sm.OLS(growth, X).fit(cov_type="HC3").bse[1]),
                                                      rel=1e-9)
    apart = robustness(_one_apart(), estimates=("beta",), cov_types=("HC1", "HC3"), n_ends=1,
                       starts=[2000], n_boot=0, n_draws=0)
    sk = apart.skipped
    why = sk[(sk["what"] == "beta_absolute") & (sk["se_type"] == "HC3")]["reason"]
    assert len(why) == 1 and why.iloc[0].startswith("HC3 errors do not exist: R0 has leverage 1")
    t = apart.table
    assert set(t[t["estimate"] == "beta_absolute"]["se_type"]) == {"HC1"} and t["se"].notna().all()


def test_break_test_with_two_periods_before_has_no_hc3_errors():
    s = pd.Series(np.log(_values(1)[0, :8]), index=range(2000, 2008))
    with pytest.raises(ValueError, match="break test at 2002: HC3 errors do not exist: 2000, 2001 "
                                         "have leverage 1"):
        break_test(s, 2002, cov_type="HC3")
    got = break_test(s, 2002, cov_type="HC1")
    t = np.arange(2000, 2008) - 2002.0
    post = (t >= 0).astype(float)
    want = sm.OLS(s.to_numpy(), np.column_stack([np.ones(8), t, post, t * post])).fit(cov_type="HC1")
    assert got.change_se == pytest.approx(float(want.bse[3]), rel=1e-9)
    assert break_test(s, 2003, cov_type="HC3").change_se > 0      # three periods before: defined


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
