"""Rolling windows measured in years: on data observed every few years a window covers the stated
years (not a count of periods), windows with fewer than 3 periods are listed, and the numbers of a
window equal OLS fitted here with numpy/statsmodels; options are checked (alpha, window, step)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.cli import main
from crossborder.study.rolling import rolling_windows

YEARS = [1993, 2000, 2007, 2013, 2017]


@pytest.fixture(scope="module")
def sparse():
    """12 regions on two sides, observed in 1993, 2000, 2007, 2013, 2017."""
    rng = np.random.default_rng(7)
    y = np.exp(rng.normal(8.0, 0.5, size=(12, 1)) + rng.normal(0.02, 0.03, size=(12, 5)).cumsum(axis=1))
    groups = ["A"] * 6 + ["B"] * 6
    return cb.Panel.from_matrix(y, regions=[f"R{i:02d}" for i in range(12)], times=YEARS, groups=groups,
                                indicator="gdp")


def test_windows_cover_the_stated_years_on_sparse_data():
    kept, skipped = rolling_windows(pd.Index(YEARS), 15)
    # 1993-2007 holds 1993, 2000, 2007; 2000-2014 holds 2000, 2007, 2013; 2007-2021 passes 2017
    assert kept == [[0, 1, 2], [1, 2, 3]]
    assert skipped == []
    kept, skipped = rolling_windows(pd.Index(YEARS), 11)
    assert kept == [[2, 3, 4]]                       # 2007-2017
    assert [(s["start"], s["window_end"], s["periods"]) for s in skipped] == [(1993, 2003, 2),
                                                                            (2000, 2010, 2)]
    assert skipped[0]["reason"] == ("2 period(s) in the 11 years from 1993 (1993, 2000); a window "
                                    "needs 3")


def test_annual_windows_are_consecutive_years_and_step_is_in_years():
    years = pd.Index(range(2000, 2012))
    kept, _ = rolling_windows(years, 8, step=2)
    assert kept == [list(range(0, 8)), list(range(2, 10)), list(range(4, 12))]


def test_no_window_with_three_periods_names_the_windows_that_fit():
    with pytest.raises(ValueError) as e:
        rolling_windows(pd.Index(YEARS), 8)
    assert str(e.value) == ("no window of 8 years holds 3 periods of the data (1993, 2000, 2007, 2013, "
                            "2017) and ends by 2017; windows of 11, 14-25 years hold 3 periods")
    with pytest.raises(ValueError, match=r"^the panel spans 25 years \(1993-2017\), fewer than the "
                                         r"window \(26 years\)"):
        rolling_windows(pd.Index(YEARS), 26)


def test_sparse_window_numbers_equal_direct_ols(sparse):
    res = cb.rolling(sparse, 15)
    assert list(res.windows().itertuples(index=False, name=None)) == [(1993, 2007, 2007, 3),
                                                                      (2000, 2013, 2014, 3)]
    logs = np.log(sparse.to_matrix().values)
    for i0, i1, cols in ((0, 2, [0, 1, 2]), (1, 3, [1, 2, 3])):
        span = YEARS[i1] - YEARS[i0]
        growth = (logs[:, i1] - logs[:, i0]) / span
        fit = sm.OLS(growth, sm.add_constant(logs[:, i0])).fit(cov_type="HC3", use_t=True)
        row = res.table[(res.table["estimate"] == "beta_absolute") & (res.table["start"] == YEARS[i0])]
        assert row["value"].iloc[0] == pytest.approx(fit.params[1], rel=1e-10)
        assert row["se"].iloc[0] == pytest.approx(fit.bse[1], rel=1e-10)
        sd = logs[:, cols].std(axis=0)                           # ddof 0
        t = np.asarray(YEARS, dtype=float)[cols]
        slope = np.polyfit(t, sd, 1)[0]
        resid = sd - np.polyval(np.polyfit(t, sd, 1), t)
        se = np.sqrt(resid @ resid / (3 - 2) / ((t - t.mean()) ** 2).sum())
        row = res.table[(res.table["estimate"] == "sigma_trend") & (res.table["start"] == YEARS[i0])]
        assert row["value"].iloc[0] == pytest.approx(slope, rel=1e-9)
        assert row["se"].iloc[0] == pytest.approx(se, rel=1e-9)
        assert row["nobs"].iloc[0] == 3
    assert res.summary().splitlines()[0] == ("Rolling windows of 15 years: 1993-2007 (3 periods, 1993 "
                                            "to 2007), 2000-2014 (3 periods, 2000 to 2013)")
    res11 = cb.rolling(sparse, 11)
    assert res11.summary().splitlines()[-1] == ("not estimated: 2 window(s) with fewer than 3 periods: "
                                               "1993-2003 (2 periods), 2000-2010 (2 periods)")


@pytest.mark.parametrize("alpha", [0, 1, 2, -0.1, float("nan"), float("inf")])
def test_rolling_alpha_must_lie_between_0_and_1(sparse, alpha):
    with pytest.raises(ValueError, match=r"alpha must be between 0 and 1 \(exclusive\)"):
        cb.rolling(sparse, 15, alpha=alpha)


@pytest.mark.parametrize("kw", [{"step": 0}, {"window": float("nan")}, {"window": 0}])
def test_rolling_window_and_step_are_checked(sparse, kw):
    with pytest.raises(ValueError, match=r"must be a finite number of years >= 1"):
        cb.rolling(sparse, **({"window": 15} | kw))


@pytest.fixture()
def sparse_csv(tmp_path, sparse):
    m = sparse.to_matrix()
    rows = [{"region": r, "year": t, "value": m.values[i, j], "unit": "EUR",
             "country": "A" if i < 6 else "B"}
            for i, r in enumerate(m.regions) for j, t in enumerate(m.times)]
    f = tmp_path / "sparse.csv"
    pd.DataFrame(rows).to_csv(f, index=False)
    return f


def test_cli_rolling_window_in_years(capsys, sparse_csv, sparse):
    assert main(["rolling", "--data", str(sparse_csv), "--group-col", "country", "--window", "15",
                 "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["start"], r["end"], r["window_end"], r["periods"]) for r in rows} == {
        (1993, 2007, 2007, 3), (2000, 2013, 2014, 3)}
    direct = cb.rolling(sparse, 15).table
    got = next(r for r in rows if r["estimate"] == "beta_conditional" and r["start"] == 2000)
    want = direct[(direct["estimate"] == "beta_conditional") & (direct["start"] == 2000)].iloc[0]
    assert got["value"] == pytest.approx(want["value"], rel=1e-10)


@pytest.mark.parametrize("opts, message", [
    (["--window", "8"], "crossborder: error: --window 8: no window of 8 years holds 3 periods of the "
                        "data (1993, 2000, 2007, 2013, 2017) and ends by 2017; windows of 11, 14-25 "
                        "years hold 3 periods"),
    (["--window", "2"], "crossborder: error: --window 2: a window must cover at least 3 years (it needs "
                        "3 periods)"),
    (["--step", "0", "--window", "15"], "crossborder: error: --step 0: must be at least 1 year"),
    (["--alpha", "2", "--window", "15"], "crossborder: error: --alpha 2: give a number between 0 and 1 "
                                         "(exclusive), e.g. 0.05 for 95% intervals"),
    (["--alpha", "nan", "--window", "15"], "crossborder: error: --alpha nan: give a number between 0 "
                                           "and 1 (exclusive), e.g. 0.05 for 95% intervals"),
])
def test_cli_rolling_refuses_bad_numbers(capsys, sparse_csv, opts, message):
    assert main(["rolling", "--data", str(sparse_csv), "--group-col", "country", *opts]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == message
