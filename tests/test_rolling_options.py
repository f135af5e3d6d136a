"""Rolling windows on annual data: every option reaches the numbers (alpha, hac_lags, cov_type,
trend_cov_type, conditional, step), checked against statsmodels fitted here; window arithmetic
listed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.study.rolling import RollingResult, rolling_windows

YEARS = list(range(2000, 2012))
GROUPS = ["A"] * 5 + ["B"] * 5


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(17)
    y0 = rng.normal(8.0, 0.5, size=(10, 1))
    y = np.exp(y0 + (0.03 - 0.01 * (y0 - 8)) * np.arange(12) + rng.normal(0, 0.03, (10, 12)))
    return cb.Panel.from_matrix(y, regions=[f"R{i}" for i in range(10)], times=YEARS, groups=GROUPS)


def _logs(panel):
    return np.log(panel.to_matrix().values)


def _beta_fit(panel, a, b, conditional=False):
    lg = _logs(panel)
    growth = (lg[:, b] - lg[:, a]) / (YEARS[b] - YEARS[a])
    X = sm.add_constant(lg[:, a])
    if conditional:
        X = np.column_stack([X, [g == "B" for g in GROUPS]]).astype(float)
    return sm.OLS(growth, X).fit()


def _sigma_fit(panel, a, b):
    sd = _logs(panel)[:, a:b + 1].std(axis=0)
    return sm.OLS(sd, sm.add_constant(np.array(YEARS[a:b + 1], dtype=float))).fit()


def test_windows_listed_by_hand(panel):
    r = cb.rolling(panel, 8, step=2)
    w = r.windows()
    assert list(zip(w["start"], w["end"], w["window_end"], w["periods"], strict=True)) == [
        (2000, 2007, 2007, 8), (2002, 2009, 2009, 8), (2004, 2011, 2011, 8)]
    assert r.describe_windows() == ("windows of 8 years, starts at least 2 years apart (2000-2007 ... "
                                    "2004-2011; 3 window(s) of 8 periods)")
    one = cb.rolling(panel, 12)
    assert one.describe_windows() == "windows of 12 years (2000-2011; 1 window(s) of 12 periods)"
    assert len(cb.rolling(panel, 5).windows()) == 8


def test_beta_at_alpha_and_cov_type(panel):
    r = cb.rolling(panel, 6, alpha=0.10, cov_type="HC3")
    t = r.table
    for est, cond in (("beta_absolute", False), ("beta_conditional", True)):
        row = t[(t["estimate"] == est) & (t["start"] == 2003)].iloc[0]
        f = _beta_fit(panel, 3, 8, cond).get_robustcov_results("HC3", use_t=True)
        assert row["value"] == pytest.approx(f.params[1], rel=1e-10)
        assert row["se"] == pytest.approx(f.bse[1], rel=1e-10)
        assert row["pvalue"] == pytest.approx(f.pvalues[1], rel=1e-10)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(f.conf_int(0.10)[1]), rel=1e-10)
        assert row["se_type"] == "HC3" and row["nobs"] == 10 and row["periods"] == 6
        assert row["speed"] == pytest.approx(-np.log(1 + 5 * f.params[1]) / 5, rel=1e-10)


def test_sigma_trend_alpha_and_hac_lags(panel):
    r = cb.rolling(panel, 7, alpha=0.2, trend_cov_type="HAC", hac_lags=2)
    row = r.table[(r.table["estimate"] == "sigma_trend") & (r.table["start"] == 2001)].iloc[0]
    f = _sigma_fit(panel, 1, 7).get_robustcov_results("HAC", maxlags=2, use_t=True)
    assert row["se"] == pytest.approx(f.bse[1], rel=1e-10)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(f.conf_int(0.2)[1]), rel=1e-10)
    assert row["se_type"] == "HAC (2 lag)"
    classical = cb.rolling(panel, 7, alpha=0.2)
    c = classical.table[(classical.table["estimate"] == "sigma_trend")].iloc[1]
    g = _sigma_fit(panel, 1, 7)
    assert c["se"] == pytest.approx(g.bse[1], rel=1e-10) and c["se_type"] == "classical"
    assert (c["ci_low"], c["ci_high"]) == pytest.approx(tuple(g.conf_int(0.2)[1]), rel=1e-10)
    assert np.isnan(c["speed"]) and c["nobs"] == 7


def test_default_errors_and_no_conditional(panel):
    r = cb.rolling(panel, 10, conditional=False)
    assert set(r.table["estimate"]) == {"beta_absolute", "sigma_trend"}
    b = r.table[r.table["estimate"] == "beta_absolute"].iloc[0]
    f = _beta_fit(panel, 0, 9).get_robustcov_results("HC3", use_t=True)
    assert b["se"] == pytest.approx(f.bse[1], rel=1e-10) and b["se_type"] == "HC3"
    hc1 = _beta_fit(panel, 0, 9).get_robustcov_results("HC1", use_t=True)
    assert abs(f.bse[1] / hc1.bse[1] - 1) > 1e-3          # the two differ on these data
    assert (b["ci_low"], b["ci_high"]) == pytest.approx(tuple(f.conf_int(0.05)[1]), rel=1e-10)


def test_summary_counts_windows_at_alpha():
    """Negative (0 is not) with p < alpha (strictly), per estimate in table order, the ends listed;
    the windows set aside named."""
    t = pd.DataFrame({"start": [2000, 2001, 2002, 2003] * 2, "end": [2005, 2006, 2007, 2008] * 2,
                      "window_end": [2005, 2006, 2007, 2008] * 2, "periods": [6] * 8,
                      "estimate": ["sigma_trend"] * 4 + ["beta_absolute"] * 4,
                      "value": [-1.0, -1.0, 1.0, -2.0, 0.0, 1.0, 1.0, 1.0],
                      "pvalue": [0.04, 0.05, 0.01, 0.001, 0.01, 0.5, 0.5, 0.5]})
    skipped = pd.DataFrame({"start": [2004], "end": [2006], "window_end": [2009], "periods": [2],
                            "reason": ["x"]})
    r = RollingResult(table=t, window=6, alpha=0.05, skipped=skipped)
    assert r.summary() == (
        "Rolling windows of 6 years (2000-2005 ... 2003-2008; 4 window(s) of 6 periods)\n"
        "sigma_trend: 2 of 4 windows negative at p < 0.05 (ending 2005, 2008); "
        "beta_absolute: 0 of 4 windows negative at p < 0.05\n"
        "not estimated: 1 window(s) with fewer than 3 periods: 2004-2009 (2 periods)")
    w = r.windows()
    assert list(w.index) == [0, 1, 2, 3] and list(w["start"]) == [2000, 2001, 2002, 2003]
    assert list(r.series("beta_absolute").index) == [2005, 2006, 2007, 2008]
    assert list(r.series("beta_absolute")["value"]) == [0.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("kw", [{"hac_lags": -1}, {"hac_lags": 1.5}, {"cov_type": "HAC"}])
def test_bad_options(panel, kw):
    with pytest.raises(ValueError):
        cb.rolling(panel, 6, **kw)


def test_defaults_window_8_and_one_hac_lag(panel):
    r = cb.rolling(panel, trend_cov_type="HAC")
    assert r.window == 8 and set(r.windows()["periods"]) == {8} and len(r.windows()) == 5
    row = r.table[r.table["estimate"] == "sigma_trend"].iloc[0]
    f = _sigma_fit(panel, 0, 7).get_robustcov_results("HAC", maxlags=1, use_t=True)
    assert row["se"] == pytest.approx(f.bse[1], rel=1e-10) and row["se_type"] == "HAC (1 lag)"


@pytest.mark.parametrize("cov, label", [("nonrobust", "classical"), ("HC0", "HC0"), ("HC2", "HC2")])
def test_every_cross_section_cov_type(panel, cov, label):
    r = cb.rolling(panel, 12, cov_type=cov, conditional=False)
    row = r.table[r.table["estimate"] == "beta_absolute"].iloc[0]
    fit = _beta_fit(panel, 0, 11)
    f = fit if cov == "nonrobust" else fit.get_robustcov_results(cov, use_t=True)
    assert row["se"] == pytest.approx(f.bse[1], rel=1e-10) and row["se_type"] == label


def test_deprecated_names_still_work_and_say_so(panel):
    with pytest.warns(DeprecationWarning, match=r"rolling\(beta_se="):
        r = cb.rolling(panel, 12, beta_se="HC3", conditional=False)
    assert r.table["se_type"].iloc[0] == "HC3"
    with pytest.warns(DeprecationWarning, match=r"rolling\(trend_se="):
        r = cb.rolling(panel, 12, trend_se="HAC")
    assert r.table["se_type"].iloc[-1] == "HAC (1 lag)"


def test_table_layout_zero_lags_and_one_side(panel):
    r = cb.rolling(panel, 6, trend_cov_type="HAC", hac_lags=0)
    assert list(r.table.columns) == ["start", "end", "window_end", "periods", "estimate", "coef",
                                     "se", "ci_low", "ci_high", "pvalue", "nobs", "speed",
                                     "half_life", "se_type", "value"]   # value: deprecated coef
    assert list(r.skipped.columns) == ["start", "end", "window_end", "periods", "reason"]
    assert isinstance(r.table["window_end"].iloc[0], int | np.integer)
    b = r.table[r.table["estimate"] == "beta_absolute"].iloc[0]
    assert b["half_life"] == pytest.approx(np.log(2) / b["speed"], rel=1e-10)
    s = r.table[r.table["estimate"] == "sigma_trend"].iloc[0]
    f = _sigma_fit(panel, 0, 5).get_robustcov_results("HAC", maxlags=0, use_t=True)
    assert s["se"] == pytest.approx(f.bse[1], rel=1e-10) and s["se_type"] == "HAC (0 lag)"
    one = cb.Panel.from_matrix(panel.to_matrix().values, regions=list(panel.regions), times=YEARS,
                               groups=["A"] * 10)
    assert set(cb.rolling(one, 6).table["estimate"]) == {
        "beta_absolute", "sigma_trend"}


def test_a_window_with_fewer_than_three_sigma_values_has_an_empty_trend_row():
    """2000-2003 with one region observed in 2001 and 2002: sigma exists in 2 of 4 years (fewer
    than 3): the sigma_trend row is there with nobs 2 and no estimate or inference (rolling
    mutation survivor); beta (start and end years only) is estimated on all six regions."""
    rng = np.random.default_rng(2)
    v = np.exp(rng.normal(8, 0.5, (6, 1)) + np.arange(4) * 0.02 + rng.normal(0, 0.01, (6, 4)))
    v[1:, 1:3] = np.nan
    p = cb.Panel.from_matrix(v, regions=list("abcdef"), times=[2000, 2001, 2002, 2003],
                             groups=list("AAABBB"))
    t = cb.rolling(p, window=4).table.set_index("estimate")
    s = t.loc["sigma_trend"]
    assert int(s["nobs"]) == 2
    assert s[["coef", "se", "ci_low", "ci_high", "pvalue", "speed", "half_life"]].isna().all()
    assert (s["start"], s["end"], s["periods"]) == (2000, 2003, 4)
    assert int(t.loc["beta_absolute", "nobs"]) == 6


def test_rolling_windows_table_and_argument_messages():
    """Four years, windows of 3: 2000-2002 and 2001-2003, indexed 0, 1 (one row per window); HAC
    is not an error of the cross-section beta; hac_lags must be whole and >= 0."""
    rng = np.random.default_rng(2)
    v = np.exp(rng.normal(8, 0.5, (6, 1)) + np.arange(4) * 0.02 + rng.normal(0, 0.01, (6, 4)))
    p = cb.Panel.from_matrix(v, regions=list("abcdef"), times=[2000, 2001, 2002, 2003],
                             groups=list("AAABBB"))
    w = cb.rolling(p, window=3).windows()
    assert list(w.index) == [0, 1]
    assert list(zip(w["start"], w["end"], w["periods"], strict=True)) == [(2000, 2002, 3),
                                                                          (2001, 2003, 3)]
    with pytest.raises(ValueError, match="cov_type must be one of 'nonrobust', 'HC0'"):
        cb.rolling(p, window=3, cov_type="HAC")
    with pytest.raises(ValueError, match="hac_lags must be a whole number >= 0, got -1"):
        cb.rolling(p, window=3, hac_lags=-1)


def test_rolling_windows_default_step_and_messages():
    """Yearly windows of 3 over 2000-2003 by default (step 1): 2000-2002 and 2001-2003; three
    periods are enough, two are not; window and step must be numbers of years."""
    years = [2000, 2001, 2002, 2003]
    windows, skipped = rolling_windows(years, 3)
    assert windows == [[0, 1, 2], [1, 2, 3]] and skipped == []
    assert rolling_windows(years[:3], 3)[0] == [[0, 1, 2]]
    with pytest.raises(ValueError, match=r"rolling windows need at least 3 periods; the panel has 2 "
                                         r"\(2000, 2001\)"):
        rolling_windows(years[:2], 2)
    with pytest.raises(ValueError, match="window must be a number of years, got 'x'"):
        rolling_windows(years, "x")
    with pytest.raises(ValueError, match="step must be a number of years, got 'y'"):
        rolling_windows(years, 3, "y")


def test_rolling_windows_skipped_with_their_span_and_reason():
    """Annual data with a gap (2003, 2004 missing), windows of 3 years: 2001-2003 holds 2 periods and
    2002-2004 one: both skipped, each with its last period, the window's end and the reason; on
    half-years the periods are written as numbers (2002.5), not 2002.0."""
    windows, skipped = rolling_windows([2000, 2001, 2002, 2005, 2006, 2007], 3)
    assert windows == [[0, 1, 2], [3, 4, 5]]
    assert [(s["start"], s["end"], s["window_end"], s["periods"]) for s in skipped] == [
        (2001, 2002, 2003, 2), (2002, 2002, 2004, 1)]
    assert all(type(s["window_end"]) is int for s in skipped)      # years stay whole numbers
    assert skipped[0]["reason"] == ("2 period(s) in the 3 years from 2001 (2001, 2002); a window "
                                    "needs 3")
    half = rolling_windows([2000.0, 2000.5, 2001.0, 2001.5, 2002.0, 2002.5], 1.5)[1]
    assert [(s["start"], s["end"], s["window_end"]) for s in half] == [(2002.0, 2002.5, 2002.5)]
    assert half[0]["reason"] == ("2 period(s) in the 1.5 years from 2002 (2002, 2002.5); a window "
                                 "needs 3")
