"""Tests that close the gaps found by planting bugs in the measures: each checks a number computed
here independently (numpy, scipy, statsmodels directly, or a small case by hand) that a planted bug
would change."""

from __future__ import annotations

import itertools
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from shapely.geometry import box

from crossborder import Panel
from crossborder.border.discontinuity import border_effect, discontinuities
from crossborder.measures.beta import beta, beta_panel
from crossborder.measures.dispersion import sigma, sigma_ftest, sigma_trend
from crossborder.measures.frontier import delta
from crossborder.measures.ranks import gamma
from crossborder.measures.spatial import local_moran


# ---------------------------------------------------------------- gamma: ties take average ranks
def test_gamma_ties_use_average_ranks_by_hand() -> None:
    # period 0: 1, 2, 2, 3 -> average ranks 1, 2.5, 2.5, 4 (ordinal ranks would be 1, 2, 3, 4)
    # period 1: 3, 1, 1, 2 -> 4, 1.5, 1.5, 3
    # sums 5, 4, 4, 7: variance 1.5; Var(2 R0) = 4 * 1.125 = 4.5 -> gamma = 1/3
    # (ordinal ranks: sums 5, 3, 5, 7, variance 2, Var(2 R0) = 5 -> 0.4)
    p = Panel.from_matrix([[1.0, 3.0], [2.0, 1.0], [2.0, 1.0], [3.0, 2.0]], times=[0, 1])
    g = gamma(p)
    assert g.loc[1, "gamma"] == pytest.approx(1 / 3, rel=1e-12)
    assert g.loc[0, "gamma"] == pytest.approx(1.0, rel=1e-12)


def test_gamma_ties_against_pandas_average_ranks() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(1, 5, size=(30, 6)).astype(float)  # many ties in every period
    y[3, 2] = np.nan
    p = Panel.from_matrix(y, times=list(range(6)))
    g = gamma(p)
    for t in range(6):
        both = np.isfinite(y[:, 0]) & np.isfinite(y[:, t])
        r0 = pd.Series(y[both, 0]).rank(method="average").to_numpy()
        rt = pd.Series(y[both, t]).rank(method="average").to_numpy()
        expected = np.var(r0 + rt) / np.var(2 * r0)
        assert g.loc[t, "gamma"] == pytest.approx(expected, rel=1e-12), t
        assert g.loc[t, "n"] == both.sum()


# ---------------------------------------------------------------- weighted beta: start-period weights
def _beta_panel_data(seed: int = 3, n: int = 30):
    rng = np.random.default_rng(seed)
    y0 = np.exp(rng.normal(9.0, 0.6, n))
    y1 = y0 * np.exp(0.3 - 0.02 * np.log(y0) * 10 + rng.normal(0, 0.08, n))
    pop0 = rng.uniform(0.2, 5.0, n)
    pop1 = pop0 * rng.uniform(0.2, 5.0, n)  # very different end-period weights
    regions = [f"r{i:02d}" for i in range(n)]
    p = Panel.from_matrix(np.column_stack([y0, y1]), regions=regions, times=[2000, 2010],
                          weights=np.column_stack([pop0, pop1]))
    return p, y0, y1, pop0, pop1


def test_weighted_beta_uses_start_period_weights() -> None:
    p, y0, y1, pop0, pop1 = _beta_panel_data()
    r = beta(p, weighted=True)
    X = sm.add_constant(np.log(y0))
    g = np.log(y1 / y0) / 10
    ref = sm.WLS(g, X, weights=pop0).fit()
    assert r.beta == pytest.approx(ref.params[1], rel=1e-10)
    assert r.se == pytest.approx(ref.bse[1], rel=1e-10)
    assert r.alpha == pytest.approx(ref.params[0], rel=1e-10)
    # the end-period weights give a clearly different answer (so the test can tell them apart)
    end = sm.WLS(g, X, weights=pop1).fit()
    assert abs(end.params[1] - ref.params[1]) > 20 * ref.bse[1] * 1e-3
    assert r.beta != pytest.approx(end.params[1], rel=1e-6)


# ---------------------------------------------------------------- panel beta with window effects
def test_panel_beta_time_effects_match_statsmodels_dummies() -> None:
    rng = np.random.default_rng(11)
    n, t, window = 8, 13, 3
    shocks = rng.normal(0, 0.05, t)  # a common shock per period: window effects matter
    ly = np.empty((n, t))
    ly[:, 0] = rng.normal(9, 0.5, n)
    fe = rng.normal(0, 0.3, n)
    for j in range(1, t):
        ly[:, j] = ly[:, j - 1] + 0.08 * (9 + fe - ly[:, j - 1]) + shocks[j] + rng.normal(0, 0.01, n)
    times = list(range(1990, 1990 + t))
    regions = [f"r{i}" for i in range(n)]
    p = Panel.from_matrix(np.exp(ly), regions=regions, times=times)

    starts = np.arange(0, t - window, window)  # 0, 3, 6, 9
    k = len(starts)
    growth = (ly[:, starts + window] - ly[:, starts]) / window
    rows = []
    for i in range(n):
        for j in range(k):
            row = {"g": growth[i, j], "initial": ly[i, starts[j]]}
            row.update({f"fe{m}": float(m == i) for m in range(n)})
            row.update({f"w{m}": float(m == j) for m in range(1, k)})  # first window dropped
            rows.append(row)
    d = pd.DataFrame(rows)
    X = d.drop(columns="g")
    ref = sm.OLS(d["g"], X).fit()
    without = sm.OLS(d["g"], X[[c for c in X.columns if not c.startswith("w")]]).fit()

    r = beta_panel(p, window=window, time_effects=True, cluster=None)
    assert r.beta == pytest.approx(ref.params["initial"], rel=1e-9)
    assert r.se == pytest.approx(ref.bse["initial"], rel=1e-9)
    assert r.r2 == pytest.approx(ref.rsquared, rel=1e-9)
    assert r.nobs == n * k and r.fit.df_model == pytest.approx(ref.df_model)
    # window coefficients: the window dummies' estimates, in order
    wins = [c for c in r.fit.params.index if str(c).startswith("window")]
    np.testing.assert_allclose(r.fit.params[wins].to_numpy(),
                               ref.params[[f"w{m}" for m in range(1, k)]].to_numpy(), rtol=1e-8)
    # clustered by region (the default) as statsmodels clusters the same regression
    rc = beta_panel(p, window=window, time_effects=True)
    refc = sm.OLS(d["g"], X).fit(cov_type="cluster",
                                  cov_kwds={"groups": np.repeat(np.arange(n), k)})
    assert rc.se == pytest.approx(refc.bse["initial"], rel=1e-9)
    # and without window effects the estimate differs
    r0 = beta_panel(p, window=window, time_effects=False, cluster=None)
    assert r0.beta == pytest.approx(without.params["initial"], rel=1e-9)
    assert abs(r0.beta - r.beta) > 1e-3


# ---------------------------------------------------------------- sigma_trend: HAC lags
@pytest.fixture(scope="module")
def trend_panel() -> Panel:
    rng = np.random.default_rng(21)
    n, t = 12, 20
    drift = np.cumsum(rng.normal(0, 0.04, t))  # autocorrelated dispersion: HAC lags matter
    y = np.exp(rng.normal(0, 1, (n, 1)) * (0.6 + drift - 0.01 * np.arange(t)) + rng.normal(0, 0.02, (n, t)))
    return Panel.from_matrix(y, times=list(range(2000, 2000 + t)))


@pytest.mark.parametrize("maxlags", [None, 0, 1, 2, 4])
def test_sigma_trend_hac_lags_match_statsmodels(trend_panel, maxlags) -> None:
    s = sigma(trend_panel, "sd_log")["sd_log"].to_numpy()
    X = sm.add_constant(np.arange(2000, 2020, dtype=float))
    lags = 1 if maxlags is None else maxlags  # Newey-West with 1 lag by default
    ref = sm.OLS(s, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    r = sigma_trend(trend_panel, "sd_log", cov_type="HAC", maxlags=maxlags)
    assert r.slope == pytest.approx(ref.params[1], rel=1e-10)
    assert r.se == pytest.approx(ref.bse[1], rel=1e-10)
    assert r.pvalue == pytest.approx(ref.pvalues[1], rel=1e-8)


def test_sigma_trend_hac_lags_change_the_se(trend_panel) -> None:
    se = {m: sigma_trend(trend_panel, "sd_log", robust="HAC", maxlags=m).se for m in (0, 1, 2, 4)}
    assert len({round(v, 12) for v in se.values()}) == 4
    # the default is one lag, not zero or two
    default = sigma_trend(trend_panel, "sd_log", robust="HAC").se
    assert default == se[1] and default != se[0] and default != se[2]


# ---------------------------------------------------------------- the variance-ratio F test
def _ftest_panel(rising: bool, missing: bool = False) -> tuple[Panel, np.ndarray]:
    rng = np.random.default_rng(8 if rising else 9)
    n = 15
    base = rng.normal(0, 0.5, n)
    a = base + rng.normal(0, 0.05, n)
    b = base * (2.5 if rising else 0.5) + rng.normal(0, 0.05, n)
    y = np.exp(np.column_stack([a, rng.normal(0, 0.3, n), b]))
    if missing:
        y[0, 2] = np.nan
        y[1, 0] = np.nan
        y[2, 0] = np.nan
    return Panel.from_matrix(y, times=[2000, 2005, 2010]), np.log(y)


@pytest.mark.parametrize("rising", [False, True])
def test_ftest_two_sided_and_one_sided_both_directions(rising) -> None:
    p, ly = _ftest_panel(rising)
    va, vb = np.var(ly[:, 0], ddof=1), np.var(ly[:, 2], ddof=1)
    F = va / vb
    assert (F < 1) == rising
    sf, cdf = stats.f.sf(F, 14, 14), stats.f.cdf(F, 14, 14)
    greater = sigma_ftest(p, 2000, 2010, alternative="greater")
    less = sigma_ftest(p, 2000, 2010, alternative="less")
    two = sigma_ftest(p, 2000, 2010, alternative="two-sided")
    assert greater.F == pytest.approx(F, rel=1e-12) and (greater.df1, greater.df2) == (14, 14)
    assert greater.pvalue == pytest.approx(sf, rel=1e-10)
    assert less.pvalue == pytest.approx(cdf, rel=1e-10)
    assert two.pvalue == pytest.approx(2 * min(sf, cdf), rel=1e-10)
    # the test that matches the direction of the change is the significant one
    if rising:
        assert less.pvalue < 0.01 and greater.pvalue > 0.99 and two.pvalue == pytest.approx(2 * cdf)
    else:
        assert greater.pvalue < 0.01 and less.pvalue > 0.99 and two.pvalue == pytest.approx(2 * sf)


def test_ftest_common_option() -> None:
    p, ly = _ftest_panel(rising=False, missing=True)
    a, b = ly[:, 0], ly[:, 2]
    both = np.isfinite(a) & np.isfinite(b)  # regions 0, 1, 2 lack one of the two values
    common = sigma_ftest(p, 2000, 2010, common=True)
    va, vb = np.var(a[both], ddof=1), np.var(b[both], ddof=1)
    assert (common.df1, common.df2) == (11, 11)
    assert common.var_start == pytest.approx(va, rel=1e-12)
    assert common.var_end == pytest.approx(vb, rel=1e-12)
    assert common.pvalue == pytest.approx(stats.f.sf(va / vb, 11, 11), rel=1e-10)
    each = sigma_ftest(p, 2000, 2010, common=False)
    ea, eb = a[np.isfinite(a)], b[np.isfinite(b)]
    assert (each.df1, each.df2) == (len(ea) - 1, len(eb) - 1) == (12, 13)
    assert each.var_start == pytest.approx(np.var(ea, ddof=1), rel=1e-12)
    assert each.var_end == pytest.approx(np.var(eb, ddof=1), rel=1e-12)
    F = np.var(ea, ddof=1) / np.var(eb, ddof=1)
    assert each.pvalue == pytest.approx(stats.f.sf(F, 12, 13), rel=1e-10)


# ---------------------------------------------------------------- Atkinson
def _atk_panel():
    y = np.array([[1.0, 2.0], [2.0, 2.5], [4.0, 3.0], [9.0, 3.5], [16.0, 4.0]])
    w = np.array([[1.0, 3.0], [2.0, 1.0], [1.0, 1.0], [4.0, 2.0], [2.0, 5.0]])
    return Panel.from_matrix(y, times=[0, 1], weights=w), y, w


def test_atkinson_epsilon_one_is_one_minus_geometric_over_arithmetic_mean() -> None:
    p, y, w = _atk_panel()
    a = sigma(p, "atkinson", epsilon=1.0)["atkinson"].to_numpy()
    geo = np.exp(np.log(y).mean(axis=0))
    np.testing.assert_allclose(a, 1 - geo / y.mean(axis=0), rtol=1e-12)
    # period 0 by hand: geometric mean (1*2*4*9*16)^(1/5) = 1152^(1/5), arithmetic mean 32/5
    assert a[0] == pytest.approx(1 - 1152 ** 0.2 / 6.4, rel=1e-12)
    aw = sigma(p, "atkinson", weighted=True, epsilon=1)["atkinson"].to_numpy()
    s = w / w.sum(axis=0)
    np.testing.assert_allclose(aw, 1 - np.exp((s * np.log(y)).sum(axis=0)) / (s * y).sum(axis=0),
                               rtol=1e-12)
    # continuity: epsilon -> 1 from either side tends to the same value
    near = sigma(p, "atkinson", epsilon=1 + 1e-7)["atkinson"].to_numpy()
    np.testing.assert_allclose(near, a, rtol=1e-5)


def test_atkinson_default_epsilon_is_one_half() -> None:
    p, y, w = _atk_panel()
    a = sigma(p, "atkinson")["atkinson"].to_numpy()
    mu = y.mean(axis=0)
    np.testing.assert_allclose(a, 1 - (np.sqrt(y / mu).mean(axis=0)) ** 2, rtol=1e-12)
    # period 0 by hand: mean of sqrt y = (1 + sqrt2 + 2 + 3 + 4) / 5
    assert a[0] == pytest.approx(1 - ((10 + math.sqrt(2)) / 5) ** 2 / 6.4, rel=1e-12)
    aw = sigma(p, "atkinson", weighted=True)["atkinson"].to_numpy()
    s = w / w.sum(axis=0)
    muw = (s * y).sum(axis=0)
    np.testing.assert_allclose(aw, 1 - ((s * np.sqrt(y / muw)).sum(axis=0)) ** 2, rtol=1e-12)


# ---------------------------------------------------------------- weighted delta
def test_delta_weighted_mean_and_departures() -> None:
    y = np.array([[10.0, 12.0], [20.0, np.nan], [40.0, 30.0], [30.0, 36.0]])
    w = np.array([[1.0, 2.0], [3.0, 5.0], [1.0, 1.0], [5.0, 2.0]])
    p = Panel.from_matrix(y, regions=list("abcd"), times=[2000, 2001], weights=w)
    r = delta(p, weighted=True)
    # 2000: (10 + 60 + 40 + 150) / 10 = 26; 2001 (b missing): (24 + 30 + 72) / 5 = 25.2
    assert r.table["mean"].tolist() == pytest.approx([26.0, 25.2], rel=1e-12)
    # delta and the best do not depend on the weights
    assert r.table["delta"].tolist() == pytest.approx([30 + 20 + 0 + 10, 24 + 0 + 6], rel=1e-12)
    dep = r.departures.set_index(["region", "year"])
    assert dep.loc[("a", 2000), "from_mean"] == pytest.approx(10 - 26.0)
    assert dep.loc[("d", 2001), "from_mean_rel"] == pytest.approx((36 - 25.2) / 25.2)
    assert ("b", 2001) not in dep.index
    u = delta(p, weighted=False)
    assert u.table["mean"].tolist() == pytest.approx([25.0, 26.0], rel=1e-12)


# ---------------------------------------------------------------- discontinuities: length-weighted ratio
KM = 1000.0


def _regions_unequal_edges() -> gpd.GeoDataFrame:
    # country A: a3 | a1 (bottom), a2 (top); country B to the right: b1 (bottom), b2 (top)
    # shared edges (km): a1-a2 10, b1-b2 10, a3-a1 30, a3-a2 10 (internal); a1-b1 10, a1-b2 20,
    # a2-b2 10 (border)
    x0, y0 = 500_000.0, 5_000_000.0
    cells = {
        "a3": (-10, 0, 0, 40), "a1": (0, 0, 10, 30), "a2": (0, 30, 10, 40),
        "b1": (10, 0, 20, 10), "b2": (10, 10, 20, 40),
    }
    return gpd.GeoDataFrame(
        {"region": list(cells), "country": [r[0].upper() for r in cells]},
        geometry=[box(x0 + a * KM, y0 + b * KM, x0 + c * KM, y0 + d * KM)
                  for a, b, c, d in cells.values()],
        crs="EPSG:32643",
    )


def test_border_effect_wratio_weights_by_edge_length() -> None:
    g = _regions_unequal_edges()
    vals = {"a1": [1.0, 1.0], "a2": [2.0, 2.0], "a3": [4.0, 4.0], "b1": [3.0, 3.0],
            "b2": [8.0, np.nan]}
    p = Panel.from_matrix(np.array(list(vals.values())), regions=list(vals), times=[2000, 2001])
    # (a, b, length km, border) by hand
    edges = [("a1", "a2", 10, False), ("b1", "b2", 10, False), ("a3", "a1", 30, False),
             ("a3", "a2", 10, False), ("a1", "b1", 10, True), ("a1", "b2", 20, True),
             ("a2", "b2", 10, True)]
    d = discontinuities(g, p, 2000)
    got = {frozenset((a, b)): (length, border) for a, b, length, border
           in d[["a", "b", "length_km", "border"]].itertuples(index=False)}
    assert len(got) == len(edges)
    for a, b, length, border in edges:
        assert got[frozenset((a, b))][0] == pytest.approx(length, rel=1e-9)
        assert got[frozenset((a, b))][1] == border

    def stats_of(border: bool, t: int) -> tuple[float, float]:
        rows = [(max(vals[a][t] / vals[b][t], vals[b][t] / vals[a][t]), length)
                for a, b, length, bd in edges if bd == border
                and np.isfinite(vals[a][t]) and np.isfinite(vals[b][t])]
        v = np.array([r[0] for r in rows])
        ln = np.array([r[1] for r in rows], dtype=float)
        return v.mean(), (v * ln).sum() / ln.sum()

    be = border_effect(g, p).frame
    for t, year in enumerate((2000, 2001)):
        mb, wb = stats_of(True, t)
        mi, wi = stats_of(False, t)
        assert be.loc[year, "wmean_border"] == pytest.approx(wb, rel=1e-9)
        assert be.loc[year, "wmean_internal"] == pytest.approx(wi, rel=1e-9)
        assert be.loc[year, "wratio"] == pytest.approx(wb / wi, rel=1e-9)
        assert be.loc[year, "ratio"] == pytest.approx(mb / mi, rel=1e-9)
    # 2000 by hand: border (3*10 + 8*20 + 4*10) / 40 = 5.75; internal
    # (2*10 + 8/3*10 + 4*30 + 2*10) / 60 = 3.1111; the unweighted ratio is 5 / (32/3 / 4) = 1.875
    assert be.loc[2000, "wratio"] == pytest.approx(5.75 / (560 / 3 / 60), rel=1e-9)
    assert be.loc[2000, "ratio"] == pytest.approx(1.875, rel=1e-9)


# ---------------------------------------------------------------- local Moran: permutation p values
def _exact_local_p(z: np.ndarray, nbrs: list[list[int]]) -> np.ndarray:
    """P(I_sim >= I_obs) under conditional randomisation, by enumerating every neighbour set."""
    n = len(z)
    den = z @ z
    q = np.full(n, np.nan)
    for i, nb in enumerate(nbrs):
        obs = (n - 1) * z[i] * z[nb].mean() / den
        others = [j for j in range(n) if j != i]
        sims = np.array([(n - 1) * z[i] * z[list(s)].mean() / den
                         for s in itertools.combinations(others, len(nb))])
        q[i] = (sims >= obs).mean()
    return q


def test_local_moran_p_sim_matches_exact_conditional_permutation() -> None:
    # integer deviations with mean 10 and population sd 1: z is exact, and so is every neighbour
    # mean (1, 2 or 4 neighbours), so ties are exact and ">=" is well defined
    y = 10.0 + np.array([2.0, 1.0, -1.0, -1.0, -1.0, 0.0, 0.0, 0.0])
    assert y.std() == 1.0 and y.mean() == 10.0
    nbrs = [[1], [0, 5], [7], [6], [7], [1, 7], [3, 7], [2, 4, 5, 6]]  # symmetric
    n = len(y)
    w = np.zeros((n, n))
    for i, nb in enumerate(nbrs):
        w[i, nb] = 1.0
    w = np.maximum(w, w.T)
    nbrs = [list(np.flatnonzero(row)) for row in w]
    assert sorted({len(nb) for nb in nbrs}) == [1, 2, 4]
    perms = 20000
    r = local_moran(y[:, None], w, permutations=perms, seed=7)
    p_sim = r.table["p_sim"].to_numpy()
    q = _exact_local_p(y - 10.0, nbrs)
    folded = np.minimum(q, 1 - q)
    # a region with z = 0 has I = 0 in every permutation: all draws are >= I, p = 1 / (perms + 1)
    zero = (y == 10.0)
    np.testing.assert_allclose(p_sim[zero], 1 / (perms + 1), rtol=1e-12)
    # the others: within 4.5 binomial standard deviations of the exact folded probability
    sd = np.sqrt(q * (1 - q) / perms)
    assert (np.abs(p_sim - folded) <= 4.5 * sd + 2 / perms).all(), (p_sim, folded)
    assert (q[~zero] > 0.55).any() and (q[~zero] < 0.45).any()  # both sides of the fold occur
    # Is by the definition: (n - 1) z_i mean(z_neighbours) / sum z^2
    z = y - 10.0
    np.testing.assert_allclose(r.table["Is"], [(n - 1) * z[i] * z[nb].mean() / (z @ z)
                                               for i, nb in enumerate(nbrs)], atol=1e-14)



# ---------------------------------------------------------------- reference data: fail in CI, skip elsewhere
def _refdata_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent / "reference" / "_refdata.py"
    spec = importlib.util.spec_from_file_location("_refdata_under_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("1", pytest.fail.Exception),
                                         ("", pytest.skip.Exception), (None, pytest.skip.Exception)])
def test_missing_reference_data_fails_in_ci_and_skips_elsewhere(monkeypatch, tmp_path, ci, outcome):
    ref = _refdata_module()
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="nothere.txt not available"):
        ref.need_file(tmp_path / "nothere.txt")
    with pytest.raises(outcome, match="no_such_reference_package"):
        ref.need_module("no_such_reference_package")
    present = tmp_path / "here.txt"
    present.write_text("x")
    assert ref.need_file(present) == present


def test_ci_script_sets_ci() -> None:
    from pathlib import Path

    script = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "export CI=true" in script
