"""Argument validation of the public measures: NaN/inf, ranges and whole numbers are errors that name
the argument and its value; weighted measures with no usable weight and regions without a group are
errors, never a silent NaN or a group of its own."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from crossborder import DataError, Panel
from crossborder.border.discontinuity import adjacency, border_effect, deviations, discontinuities
from crossborder.measures.beta import beta, beta_panel
from crossborder.measures.clubs import clubs, log_t, merge_clubs
from crossborder.measures.decompose import decompose, decompose_array
from crossborder.measures.dispersion import inequality, sigma, sigma_ftest, sigma_trend
from crossborder.measures.dynamics import (
    markov,
    quantile_cuts,
    spatial_markov,
    steady_state,
    transition_counts,
)
from crossborder.measures.frontier import delta
from crossborder.measures.hpfilter import hp_filter, hp_trend_matrix
from crossborder.measures.ranks import gamma_array
from crossborder.measures.spatial import local_moran, moran, spatial_beta, weights_from_regions

NAN, INF = float("nan"), float("inf")
REGIONS = [f"r{i}" for i in range(8)]
TIMES = list(range(2000, 2012))


def _values(n: int = 8, t: int = 12, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.exp(rng.normal(0.0, 0.4, (n, 1)) + np.linspace(0, 0.3, t) + rng.normal(0, 0.05, (n, t)))


@pytest.fixture(scope="module")
def panel() -> Panel:
    y = _values()
    w = np.random.default_rng(2).uniform(1, 5, y.shape)
    groups = pd.Series(["A"] * 4 + ["B"] * 4, index=REGIONS)
    return Panel.from_matrix(y, regions=REGIONS, times=TIMES, weights=w, groups=groups)


def _panel_with(weights=None, groups=None) -> Panel:
    return Panel.from_matrix(_values(), regions=REGIONS, times=TIMES, weights=weights,
                             groups=None if groups is None else pd.Series(groups, index=REGIONS))


def _grid() -> gpd.GeoDataFrame:
    cells = [(r, c) for r in range(3) for c in range(3)]
    return gpd.GeoDataFrame({"region": [f"c{r}{c}" for r, c in cells],
                             "country": ["A" if c < 2 else "B" for r, c in cells]},
                            geometry=[box(c, r, c + 1, r + 1) for r, c in cells], crs="EPSG:3857")


# ---------------------------------------------------------------- the cases named in the issue
def test_clubs_cstar_nan_is_an_error_not_more_clubs(panel) -> None:
    with pytest.raises(ValueError, match=r"^cstar must be a finite number, got nan$"):
        clubs(panel, cstar=NAN)


def test_sigma_negative_ddof_is_an_error(panel) -> None:
    with pytest.raises(ValueError, match=r"^ddof must be at least 0, got -5$"):
        sigma(panel, "sd", ddof=-5)


def test_markov_fractional_k_is_an_error_not_rounded(panel) -> None:
    with pytest.raises(ValueError, match=r"^markov: k must be a whole number, got 2.5$"):
        markov(panel, k=2.5)
    # a whole number given as a float is fine and gives the same chain as the int
    np.testing.assert_array_equal(markov(panel, k=2.0).counts, markov(panel, k=2).counts)


# ---------------------------------------------------------------- every numeric argument
CASES = [
    # (call, exact message)
    (lambda p: sigma(p, "sd", ddof=1.5), "ddof must be a whole number, got 1.5"),
    (lambda p: sigma(p, "sd", ddof=NAN), "ddof must be a whole number, got nan"),
    (lambda p: sigma(p, "sd", ddof=True), "ddof must be a whole number, got True"),
    (lambda p: sigma(p, "atkinson", epsilon=-0.5), "epsilon must be >= 0, got -0.5"),
    (lambda p: sigma(p, "atkinson", epsilon=NAN), "epsilon must be a finite number, got nan"),
    (lambda p: sigma(p, "atkinson", epsilon=INF), "epsilon must be a finite number, got inf"),
    (lambda p: sigma(p, "hoover", totals="yes"), "totals must be True or False, got 'yes'"),
    (lambda p: sigma(p, "sd", weighted="no"), "weighted must be True or False, got 'no'"),
    (lambda p: inequality(np.ones(4), "sd", ddof=-1), "ddof must be at least 0, got -1"),
    (lambda p: inequality(np.ones(4), "gini", ddof=1),
     "ddof applies to cv, sd, sd_log, var, var_log only, not gini"),
    (lambda p: sigma(p, ["gini", "theil"], ddof=1),
     "ddof applies to cv, sd, sd_log, var, var_log only, not to ['gini', 'theil']"),
    (lambda p: sigma(p, "sd", epsilon=1.0),
     "epsilon applies to atkinson only, which is not among the measures ['sd']"),
    (lambda p: sigma(p, ["gini", "sd"], totals=True),
     "totals applies to hoover only, which is not among the measures ['gini', 'sd']"),
    (lambda p: sigma_trend(p, "theil", compat="reat"),
     "compat applies to williamson only, which is not among the measures ['theil']"),
    (lambda p: sigma_trend(p, robust="HAC", maxlags=-1), "maxlags must be at least 0, got -1"),
    (lambda p: sigma_trend(p, robust="HAC", maxlags=1.5), "maxlags must be a whole number, got 1.5"),
    (lambda p: sigma_trend(p, maxlags=2),
     "maxlags applies to cov_type='HAC' only, got maxlags=2 with cov_type='nonrobust'"),
    (lambda p: sigma_trend(p, cov_type="HC9"),
     "cov_type must be one of 'nonrobust', 'HC0', 'HC1', 'HC2', 'HC3', 'HAC' (any case), got 'HC9'"),
    (lambda p: sigma_ftest(p, 2000, 2011, ddof=-1), "ddof must be at least 0, got -1"),
    (lambda p: sigma_ftest(p, 2000, 2011, alternative="bigger"),
     "alternative must be 'greater', 'less' or 'two-sided', got 'bigger'"),
    (lambda p: sigma_ftest(p, 2000, 2011, common="false"),
     "common must be True or False, got 'false'"),
    (lambda p: beta_panel(p, window=2.5), "window must be a whole number, got 2.5"),
    (lambda p: beta_panel(p, window=0), "window must be at least 1, got 0"),
    (lambda p: beta_panel(p, window=NAN), "window must be a whole number, got nan"),
    (lambda p: beta(p, annualize="no"), "annualize must be True or False, got 'no'"),
    (lambda p: clubs(p, trim=0), "trim must be in (0, 1), got 0"),
    (lambda p: clubs(p, trim=1.0), "trim must be in (0, 1), got 1.0"),
    (lambda p: clubs(p, trim=NAN), "trim must be a finite number, got nan"),
    (lambda p: log_t(p, trim=-0.2), "trim must be in (0, 1), got -0.2"),
    (lambda p: log_t(p, threshold=NAN), "threshold must be a finite number, got nan"),
    (lambda p: clubs(p, cstar=INF), "cstar must be a finite number, got inf"),
    (lambda p: clubs(p, cstar_method="incremental", cstar_increment=0),
     "cstar_increment must be > 0, got 0"),
    (lambda p: clubs(p, cstar_cap=NAN), "cstar_cap must be a finite number, got nan"),
    (lambda p: clubs(p, order_fraction=1), "order_fraction must be in [0, 1), got 1"),
    (lambda p: clubs(p, estar=NAN), "estar must be a finite number, got nan"),
    (lambda p: clubs(p, threshold=-INF), "threshold must be a finite number, got -inf"),
    (lambda p: merge_clubs(clubs(p), "PS", threshold=NAN), "threshold must be a finite number, got nan"),
    (lambda p: markov(p, k=1), "markov: k must be at least 2, got 1"),
    (lambda p: markov(p, k=NAN), "markov: k must be a whole number, got nan"),
    (lambda p: markov(p, classes=[0.5, INF]), "markov: cut points must be increasing finite numbers, "
                                                "got [0.5, inf]"),
    (lambda p: quantile_cuts(np.ones((3, 2)), 2.5), "k must be a whole number, got 2.5"),
    (lambda p: steady_state(np.eye(2), tol=0), "tol must be > 0, got 0"),
    (lambda p: transition_counts(np.zeros((3, 2), dtype=int), 2.5), "k must be a whole number, got 2.5"),
    (lambda p: spatial_beta(p, np.eye(8), start=1999), "1999 is not a time of the panel"),
    (lambda p: hp_filter(p, lamb=0), "lamb must be > 0, got 0"),
    (lambda p: hp_filter(p, lamb=-400), "lamb must be > 0, got -400"),
    (lambda p: hp_filter(np.ones((2, 5)), lamb=NAN), "lamb must be a finite number, got nan"),
    (lambda p: hp_trend_matrix(np.ones((2, 5)), lamb=INF), "lamb must be a finite number, got inf"),
    (lambda p: gamma_array(np.ones((3, 2)), ref=1.5), "ref must be a whole number, got 1.5"),
    (lambda p: gamma_array(np.ones((3, 2)), ref=2), "ref must be at most 1, got 2"),
    (lambda p: delta(p, weighted="yes"), "weighted must be True or False, got 'yes'"),
    (lambda p: decompose(p, index="gini"), "index must be 'theil' or 'mld', got 'gini'"),
]


@pytest.mark.parametrize("call, message", CASES, ids=[m[:45] for _, m in CASES])
def test_bad_argument_message(panel, call, message) -> None:
    with pytest.raises(ValueError) as exc:
        call(panel)
    assert str(exc.value) == message


@pytest.mark.parametrize("kwargs, message", [
    (dict(permutations=-1), "permutations must be at least 0, got -1"),
    (dict(permutations=99.5), "permutations must be a whole number, got 99.5"),
    (dict(permutations=NAN), "permutations must be a whole number, got nan"),
    (dict(seed=-3), "seed must be at least 0, got -3"),
    (dict(seed=1.5), "seed must be a whole number, got 1.5"),
])
def test_moran_arguments(kwargs, message) -> None:
    g = _grid()
    w = weights_from_regions(g, "rook", id_col="region")
    y = np.arange(9, dtype=float)[:, None] + np.array([[0.0, 1.0]])
    for f in (moran, local_moran):
        with pytest.raises(ValueError) as exc:
            f(y, w, **kwargs)
        assert str(exc.value) == message


@pytest.mark.parametrize("alpha", [0, 1, NAN, -0.1, 1.5])
def test_local_moran_alpha(alpha) -> None:
    w = weights_from_regions(_grid(), "rook", id_col="region")
    with pytest.raises(ValueError, match=r"^alpha must (be in \(0, 1\)|be a finite number), got "):
        local_moran(np.arange(9.0)[:, None], w, alpha=alpha)


def test_weights_from_regions_arguments() -> None:
    g = _grid()
    with pytest.raises(ValueError, match=r"^k must be a whole number, got 2.5$"):
        weights_from_regions(g, "knn", id_col="region", k=2.5)
    with pytest.raises(ValueError, match=r"^threshold_km must be a finite number, got nan$"):
        weights_from_regions(g, "distance", id_col="region", threshold_km=NAN)


def test_spatial_markov_m_is_checked() -> None:
    g = _grid()
    w = weights_from_regions(g, "rook", id_col="region")
    y = Panel.from_matrix(_values(9, 4), regions=list(g["region"]), times=[1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"^spatial_markov lag: m must be a whole number, got 1.5$"):
        spatial_markov(y, w, k=2, m=1.5)


def test_discontinuity_arguments() -> None:
    g = _grid()
    panel = Panel.from_matrix(np.arange(1.0, 10.0)[:, None], regions=list(g["region"]), times=[2000])
    with pytest.raises(ValueError, match=r"^order must be at least 1, got 0$"):
        adjacency(g, order=0)
    with pytest.raises(ValueError, match=r"^order must be a whole number, got 1.5$"):
        adjacency(g, order=1.5)
    with pytest.raises(ValueError, match=r"^distance_km must be a finite number, got nan$"):
        adjacency(g, kind="distance", distance_km=NAN)
    with pytest.raises(ValueError, match=r"^tolerance_m must be >= 0, got -1$"):
        discontinuities(g, panel, 2000, tolerance_m=-1)
    with pytest.raises(ValueError, match=r"^tolerance_m must be a finite number, got inf$"):
        border_effect(g, panel, tolerance_m=INF)
    with pytest.raises(ValueError, match=r"^order must be a whole number, got nan$"):
        deviations(g, panel, panel, order=NAN)


def test_ddof_at_least_the_number_of_regions_gives_nan_not_a_negative_variance() -> None:
    y = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, np.nan]])
    out, n = inequality(y, "var", ddof=2)
    # 3 regions: sum of squares / (3 - 2); 2 regions with ddof 2: no variance
    assert out[0] == pytest.approx(np.var([1.0, 2.0, 4.0], ddof=2))
    assert math.isnan(out[1]) and list(n) == [3, 2]


def test_f_test_needs_two_regions_in_each_period() -> None:
    y = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, np.nan]])
    p = Panel.from_matrix(y, regions=["a", "b", "c"], times=[2000, 2001])
    with pytest.raises(DataError, match=r"at least 2 regions with a value in 2001 \(ddof=1\), got 1"):
        sigma_ftest(p, 2000, 2001, common=False)


# ---------------------------------------------------------------- weights and groups
@pytest.mark.parametrize("fill, what", [(np.nan, "missing (NaN)"), (0.0, "zero")])
def test_weighted_measures_with_no_usable_weight_raise(fill, what) -> None:
    p = _panel_with(weights=np.full((8, 12), fill))
    calls = [(lambda: sigma(p, "gini", weighted=True), 12), (lambda: sigma(p, "williamson"), 12),
             (lambda: delta(p, weighted=True), 12),
             (lambda: beta(p, weighted=True), 1)]  # beta weights by the start period only
    for call, periods in calls:
        with pytest.raises(DataError) as exc:
            call()
        assert exc.value.reason == (
            f"no usable weight in 2000: the weights of all 8 regions with a value are {what} "
            f"({periods} such period(s)); a weighted measure needs positive weights")
        assert exc.value.column == "weight"


def test_one_period_without_weights_is_named(panel) -> None:
    w = np.random.default_rng(3).uniform(1, 5, (8, 12))
    w[:, 5] = np.nan
    w[:3, 6] = 0.0
    w[3:, 6] = np.nan
    p = _panel_with(weights=w)
    with pytest.raises(DataError, match=r"no usable weight in 2005: .* are missing \(NaN\) \(2 such"):
        sigma(p, "theil", weighted=True)
    w[:, 5] = 1.0
    p = _panel_with(weights=w)
    with pytest.raises(DataError, match=r"no usable weight in 2006: .* are missing \(NaN\) or zero "):
        decompose(_panel_with(weights=w, groups=["A"] * 4 + ["B"] * 4), weighted=True)
    # beta uses the start-period weights only: a later period without weights does not matter
    assert beta(p, start=2000, end=2011, weighted=True).nobs == 8
    with pytest.raises(DataError, match="no usable weight in 2006"):
        beta(p, start=2006, end=2011, weighted=True)


def test_some_missing_weights_are_left_out_and_counted(panel) -> None:
    w = np.random.default_rng(3).uniform(1, 5, (8, 12))
    w[0, :] = np.nan
    p = _panel_with(weights=w)
    s = sigma(p, ["sd", "gini"], weighted=True)
    y = _values()
    ww = w[1:, 0] / w[1:, 0].sum()
    mu = ww @ y[1:, 0]
    assert s.loc[2000, "sd"] == pytest.approx(np.sqrt(ww @ (y[1:, 0] - mu) ** 2))
    assert (s["n"] == 7).all()


def test_infinite_weight_is_an_error() -> None:
    w = np.ones((8, 12))
    w[2, 3] = np.inf
    with pytest.raises(DataError, match=r"infinite weight \(1 such values\), first for region 'r2' in 2003"):
        sigma(_panel_with(weights=w), "sd", weighted=True)


@pytest.mark.parametrize("label", [np.nan, None, "", "  "])
def test_missing_group_is_an_error_never_a_group_of_its_own(label) -> None:
    groups = ["A"] * 4 + ["B"] * 3 + [label]
    expected = "region 'r7' has no group (missing or empty label; 1 region(s) without a group)"
    with pytest.raises(DataError) as exc:
        decompose_array(_values(), groups, regions=REGIONS)
    assert exc.value.reason == expected
    try:
        p = _panel_with(groups=groups)
    except DataError:
        return  # the panel itself refuses a missing group: fine
    with pytest.raises(DataError) as exc:
        decompose(p)
    assert exc.value.reason == expected
    with pytest.raises(DataError) as exc:
        beta(p, controls="group")
    assert exc.value.reason == expected


def test_decompose_by_mapping_missing_a_region() -> None:
    p = _panel_with()
    by = {r: ("A" if i < 4 else "B") for i, r in enumerate(REGIONS[:-1])}
    with pytest.raises(DataError, match=r"region 'r7' has no group"):
        decompose(p, by=by)


def test_ddof_applies_to_the_measures_that_take_it(panel) -> None:
    """A list with gini and sd and ddof=1: sd uses it, gini is the same as without ddof."""
    s1 = sigma(panel, ["gini", "sd"], ddof=1)
    s0 = sigma(panel, ["gini", "sd"])
    y = panel.to_matrix().values
    np.testing.assert_allclose(s1["sd"], y.std(axis=0, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(s1["gini"], s0["gini"], rtol=0)
