"""Window arithmetic and thresholds of the robustness grid on a small made-up border, each
expected specification listed by hand.

Defaults (module docstring of ``crossborder.study.robustness``): start years = the first year
and the first one at least two years later; end years = the last ``n_ends`` years; a window
``start..end`` needs ``end - start + 1 >= min_years`` years; a region without a value in a year of
the window is left out (and named in ``dropped``); a row supports convergence when its estimate
is negative with p < alpha (strictly).
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

import crossborder as cb

YEARS = list(range(2000, 2008))
REGIONS = ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"]
GROUPS = ["A"] * 4 + ["B"] * 4


def _values(gap_in_a3: bool = False) -> np.ndarray:
    rng = np.random.default_rng(5)
    y0 = np.linspace(6.0, 8.0, 8)
    g = 0.05 - 0.02 * (y0 - y0.mean()) + rng.normal(0, 0.004, 8)
    t = np.arange(len(YEARS))
    v = np.exp(y0[:, None] + g[:, None] * t[None, :] + rng.normal(0, 0.01, (8, len(YEARS))))
    if gap_in_a3:
        v[2, 3] = np.nan          # a3 has no value in 2003
    return v


def _factory(gap_in_a3: bool = False):
    p = cb.Panel.from_matrix(_values(gap_in_a3), regions=REGIONS, times=YEARS, groups=GROUPS)
    return lambda currency: p


def _grid(**kw):
    kw.setdefault("estimates", ("sigma",))
    kw.setdefault("se_types", ("classical",))
    kw.setdefault("n_boot", 0)
    return cb.robustness(_factory(kw.pop("gap", False)), **kw)


def _windows(res) -> set[tuple[int, int]]:
    t = res.table
    return set(zip(t["start"].astype(int), t["end"].astype(int), strict=True))


def test_default_windows_listed_by_hand():
    """2000-2007, n_ends 2, min_years 5: starts 2000 and 2002, ends 2006 and 2007."""
    res = _grid(n_ends=2, min_years=5)
    assert _windows(res) == {(2000, 2006), (2000, 2007), (2002, 2006), (2002, 2007)}


def test_one_end_year():
    res = _grid(n_ends=1, min_years=5)
    assert _windows(res) == {(2000, 2007), (2002, 2007)}


def test_min_years_counts_both_ends():
    """2002-2006 has exactly 5 years: kept at min_years 5, skipped at 6 with the reason."""
    res = _grid(starts=[2002], ends=[2006], min_years=5)
    assert _windows(res) == {(2002, 2006)}
    res = _grid(starts=[2002, 2001], ends=[2006], min_years=6)
    assert _windows(res) == {(2001, 2006)}
    assert "2002-2006 is shorter than 6 years" in set(res.skipped["reason"])


def test_region_with_a_gap_is_left_out_of_its_windows():
    """a3 has no value in 2003: left out (and named) in 2000-2007, kept in 2004-2007; the sigma
    trend of 2000-2007 is that of the other 7 regions, fitted here."""
    res = _grid(gap=True, starts=[2000, 2004], ends=[2007], min_years=4)
    t = res.table[res.table["estimate"] == "sigma_trend"].set_index("start")
    assert t.loc[2000, "dropped"] == "a3" and t.loc[2000, "n_regions"] == 7
    assert t.loc[2004, "dropped"] == "" and t.loc[2004, "n_regions"] == 8
    logs = np.log(np.delete(_values(True), 2, axis=0))
    sd = logs.std(axis=0)
    fit = sm.OLS(sd, sm.add_constant(np.asarray(YEARS, dtype=float))).fit()
    assert t.loc[2000, "value"] == pytest.approx(fit.params[1], rel=1e-10)


def test_p_exactly_alpha_does_not_support():
    """Rerun the grid with alpha equal to a row's own p-value: p < alpha fails, so that row no
    longer supports convergence; a hair above, it does."""
    res = _grid(starts=[2000], ends=[2007])
    row = res.table[res.table["estimate"] == "sigma_trend"].iloc[0]
    assert row["value"] < 0
    p = float(row["pvalue"])
    at = _grid(starts=[2000], ends=[2007], alpha=p).table
    assert not at.loc[at["estimate"] == "sigma_trend", "supports_convergence"].iloc[0]
    above = _grid(starts=[2000], ends=[2007], alpha=float(np.nextafter(p, 1))).table
    assert above.loc[above["estimate"] == "sigma_trend", "supports_convergence"].iloc[0]


def test_beta_intervals_at_the_grids_alpha():
    """beta_absolute at alpha 0.10: the interval of statsmodels' conf_int(0.10), not 95%."""
    res = _grid(estimates=("beta",), starts=[2000], ends=[2007], alpha=0.10)
    row = res.table[res.table["estimate"] == "beta_absolute"].iloc[0]
    logs = np.log(_values())
    growth = (logs[:, -1] - logs[:, 0]) / 7.0
    fit = sm.OLS(growth, sm.add_constant(logs[:, 0])).fit()
    lo, hi = fit.conf_int(0.10)[1]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), rel=1e-10)
