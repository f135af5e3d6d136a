"""The robustness grid on data observed every few years (2000, 2007, 2013, 2017): a time trend on 2
periods has no inference and is set aside with its reason (not counted), numerical warnings become
reasons instead of lines on stderr, and --json has null, never Infinity/NaN."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import statsmodels.api as sm

import crossborder as cb
import crossborder.study.robustness as rob
from crossborder.cli import main

YEARS = [2000, 2007, 2013, 2017]
BORDER = [f"r{i}" for i in range(8)]


def _values() -> np.ndarray:
    rng = np.random.default_rng(11)
    return np.exp(rng.normal(8.0, 0.4, size=(8, 1)) + rng.normal(0.1, 0.1, size=(8, 4)).cumsum(axis=1))


def _factory(currency):
    return cb.Panel.from_matrix(_values(), regions=BORDER, times=YEARS, groups=["A"] * 4 + ["B"] * 4)


@pytest.fixture(scope="module")
def grid():
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # no warning may reach the caller
        return cb.robustness(_factory, starts=[2000], ends=[2007, 2013], estimates=("sigma", "beta"),
                             cov_types=("nonrobust", "HC1"))


def test_two_period_trends_are_set_aside_with_the_reason(grid):
    t, s = grid.table, grid.skipped
    assert set(t.loc[t["end"] == 2007, "estimate"]) == {"beta_absolute", "beta_conditional"}
    short = s[s["end"] == 2007]
    assert list(short["what"]) == ["sigma_trend", "sigma_trend_A", "sigma_trend_B"]
    assert set(short["reason"]) == {"2000-2007 has 2 period(s) (2000, 2007); a time trend needs 3"}
    assert np.isfinite(t[["value", "se", "ci_low", "ci_high", "pvalue"]].to_numpy(float)).all()
    # counted: the sigma trend on 2000-2013 only (rows: 2 standard errors and the region
    # bootstrap; one specification), beta on both spans (rows: 2 standard errors each)
    o = grid.overview().set_index("estimate")
    assert o.loc["sigma_trend", "rows"] == 3 and o.loc["beta_absolute", "rows"] == 4
    assert o.loc["sigma_trend", "specifications"] == 1 and o.loc["beta_absolute", "specifications"] == 2


def test_rows_equal_statsmodels(grid):
    logs = np.log(_values())
    growth = (logs[:, 1] - logs[:, 0]) / 7
    fit = sm.OLS(growth, sm.add_constant(logs[:, 0])).fit(cov_type="HC1", use_t=True)
    t = grid.table
    row = t[(t["estimate"] == "beta_absolute") & (t["end"] == 2007) & (t["se_type"] == "HC1")].iloc[0]
    assert (row["value"], row["se"], row["pvalue"]) == pytest.approx(
        (fit.params[1], fit.bse[1], fit.pvalues[1]), rel=1e-10)
    sd = logs[:, :3].std(axis=0)
    trend = sm.OLS(sd, sm.add_constant(np.array(YEARS[:3], dtype=float))).fit()
    row = t[(t["estimate"] == "sigma_trend") & (t["end"] == 2013) & (t["se_type"] == "classical")].iloc[0]
    assert (row["value"], row["se"], row["pvalue"]) == pytest.approx(
        (trend.params[1], trend.bse[1], trend.pvalues[1]), rel=1e-10)
    assert row["nobs"] == 3


def test_a_warning_with_a_non_finite_se_becomes_a_reason(monkeypatch):
    real = rob.coef_by_se

    def hc1_breaks(fit, k, se_types, *a, **kw):
        out = real(fit, k, se_types, *a, **kw)
        if "HC1" in out:
            out["HC1"]["se"] = np.float64(1.0) / np.float64(0.0)   # numpy warns: divide by zero
        return out

    monkeypatch.setattr(rob, "coef_by_se", hc1_breaks)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cb.robustness(_factory, starts=[2000], ends=[2013], estimates=("beta",),
                            cov_types=("nonrobust", "HC1"))
    assert set(res.table["se_type"]) == {"classical"}
    hc1 = res.skipped[res.skipped["se_type"] == "HC1"]
    assert list(hc1["what"]) == ["beta_absolute", "beta_conditional"]
    assert set(hc1["reason"]) == {"HC1 errors: se not finite (nobs 8); numerical warning: divide by "
                                  "zero encountered in scalar divide"}


@pytest.mark.parametrize("kw, message", [
    ({"alpha": 1.5}, "alpha must be between 0 and 1 (exclusive), e.g. 0.05 for 95% intervals; got 1.5"),
    ({"alpha": float("nan")}, "alpha must be between 0 and 1 (exclusive), e.g. 0.05 for 95% intervals; "
                              "got nan"),
    ({"n_ends": 0}, "n_ends must be at least 1, got 0"),
    ({"min_years": 2}, "min_years must be at least 3 (a trend needs 3 years)"),
])
def test_numbers_are_checked(kw, message):
    with pytest.raises(ValueError) as e:
        cb.robustness(_factory, estimates=("beta",), **kw)
    assert str(e.value) == message


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from _grid import write_grid

    return write_grid(tmp_path_factory.mktemp("sparse"), YEARS)


def _no_constants(name):
    raise AssertionError(f"{name} in JSON")


def test_cli_json_has_no_infinity_and_no_warnings(capsys, files):
    geo, data = files
    opts = ["robustness", "--regions-file", str(geo), "--data", str(data), "--indicator", "gdp_pc"]
    assert main([*opts, "--json"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out, parse_constant=_no_constants)
    assert "Warning" not in err
    assert err.splitlines()[-1].startswith(
        "note: 33 row(s) of the grid set aside, not counted (--skipped lists them): 1 x 2000-2000: the "
        "end is not after the start; 6 x 2000-2007 has 2 period(s) (2000, 2007); a time trend needs 3; "
        "6 x HAC errors: a trend on 3 periods (2000, 2007, 2013); HAC needs at least 5; ")
    assert min(r["nobs"] for r in rows if r["estimate"].endswith("trend")) == 3
    # HAC errors of a trend on fewer than 5 periods are never counted
    assert not [r for r in rows if r["se_type"] == "HAC" and r["nobs"] < 5]
    assert all(r["se"] is not None and r["se"] > 0 for r in rows)
    assert main([*opts, "--skipped", "--json"]) == 0
    skipped = json.loads(capsys.readouterr().out, parse_constant=_no_constants)
    hac = [r for r in skipped if r["reason"].startswith("HAC errors: a trend on ")]
    assert len(skipped) - len(hac) == 15
    # 6 trends (sigma, each side's sigma, between share, border effect, pair gaps) x 3 specs of 3
    # periods
    assert len(hac) == 18 and {r["se_type"] for r in hac} == {"HAC"}
    assert {r["reason"] for r in skipped if r["end"] == 2013 and r["start"] == 2007} == {
        "2007-2013 has 2 period(s) (2007, 2013); a time trend needs 3"}


@pytest.mark.parametrize("opts, message", [
    (["--alpha", "0"], "--alpha 0: give a number between 0 and 1 (exclusive), e.g. 0.05 for 95% "
                       "intervals"),
    (["--alpha", "inf"], "--alpha inf: give a number between 0 and 1 (exclusive), e.g. 0.05 for 95% "
                         "intervals"),
    (["--n-ends", "0"], "--n-ends 0: use at least 1 end year"),
    (["--min-years", "2"], "--min-years 2: a time trend needs at least 3 years"),
    (["--ends", "2017-2013"], "--ends 2017-2013: the range 2017-2013 runs backwards; write 2013-2017"),
    (["--starts", "x"], "--starts x: 'x' is not a year or a range of years (e.g. 2015 or 2015-2019)"),
    (["--ends", "2013-2017"], "no data in 2014, 2015, 2016 (start and end years must be periods of "
                              "the data; the span has 2000, 2007, 2013, 2017)"),
])
def test_cli_refuses_bad_numbers(capsys, files, opts, message):
    geo, data = files
    assert main(["robustness", "--regions-file", str(geo), "--data", str(data), "--indicator", "gdp_pc",
                 *opts]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"crossborder: error: {message}"


def test_study_json_writes_null_for_infinite_and_missing(capsys):
    import argparse

    import pandas as pd

    from crossborder.commands.study import _emit

    frame = pd.DataFrame({"se": [np.inf, 0.5, np.nan], "half_life": [1.0, -np.inf, 2.0],
                          "detail": [float("inf"), "x", None]})
    _emit(argparse.Namespace(json=True, csv=False), frame, "t")
    rows = json.loads(capsys.readouterr().out, parse_constant=_no_constants)
    assert rows == [{"se": None, "half_life": 1.0, "detail": None},
                    {"se": 0.5, "half_life": None, "detail": "x"},
                    {"se": None, "half_life": 2.0, "detail": None}]
