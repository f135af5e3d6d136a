"""Markov chains of distribution dynamics on small hand-checked panels and random ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from crossborder import DataError, Panel
from crossborder.measures.dynamics import (
    classify,
    markov,
    mobility_indices,
    quantile_cuts,
    spatial_markov,
    steady_state,
    transition_counts,
)


def brute_counts(cls: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, k), dtype=int)
    for row in cls:
        for a, b in zip(row[:-1], row[1:], strict=True):
            if a >= 0 and b >= 0:
                out[a, b] += 1
    return out


def test_fixed_bins_by_hand() -> None:
    # classes with cuts [10, 20]: (-inf, 10], (10, 20], (20, inf)
    y = np.array([
        [5.0, 10.0, 15.0],   # 0 -> 0 -> 1 (10 is on a cut: lower class)
        [25.0, 20.0, 21.0],  # 2 -> 1 -> 2
        [12.0, np.nan, 30.0],  # 1 -> ? -> 2: both transitions skipped
    ])
    r = markov(y, classes=[10, 20])
    np.testing.assert_array_equal(r.classes, [[0, 0, 1], [2, 1, 2], [1, -1, 2]])
    np.testing.assert_array_equal(r.counts, [[1, 1, 0], [0, 0, 1], [0, 1, 0]])
    assert r.skipped == 2
    sp = r.skipped_pairs()
    assert list(sp["region"]) == [2, 2]
    assert list(sp["missing_from"]) == [False, True]
    assert list(sp["missing_to"]) == [True, False]
    np.testing.assert_allclose(r.probabilities, [[0.5, 0.5, 0], [0, 0, 1], [0, 1, 0]])
    assert r.labels == ("(-inf, 10]", "(10, 20]", "(20, inf)")
    assert pd.isna(r.class_table().iloc[2, 1]) and r.class_table().iloc[2, 2] == "(20, inf)"
    frame = r.to_frame()
    assert len(frame) == 9 and frame["count"].sum() == 4


def test_quantile_cut_value_goes_to_lower_class() -> None:
    y = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    np.testing.assert_allclose(quantile_cuts(y, 2), [[3.0]])
    np.testing.assert_array_equal(classify(y, quantile_cuts(y, 2))[:, 0], [0, 0, 0, 1, 1])


def test_quantiles_match_mapclassify() -> None:
    mc = pytest.importorskip("mapclassify")
    rng = np.random.default_rng(3)
    y = rng.lognormal(size=(97, 6))
    y[4, 2] = np.nan
    r = markov(y, k=4)
    for t in range(6):
        col = y[:, t]
        ok = ~np.isnan(col)
        np.testing.assert_array_equal(r.classes[ok, t], mc.Quantiles(col[ok], k=4).yb)
    assert (r.classes[4, 2] == -1) and r.skipped == 2


def test_quantile_cuts_nan_equals_nanquantile() -> None:
    rng = np.random.default_rng(0)
    y = rng.normal(size=(50, 7))
    y[rng.random(y.shape) < 0.2] = np.nan
    y[:, 3] = np.nan
    cuts = quantile_cuts(y, 5)
    with pytest.warns(RuntimeWarning):
        ref = np.nanquantile(y, [0.2, 0.4, 0.6, 0.8], axis=0)
    np.testing.assert_allclose(cuts, ref)


def test_relative_and_panel_input() -> None:
    # two periods; the second doubles every value: relative classes do not move
    y = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [6.0, 12.0]])
    panel = Panel.from_matrix(y, regions=list("abcd"), times=[2000, 2001])
    rel = markov(panel, classes=[0.9, 1.1], relative=True)
    # means 3 and 6: relative values 1/3, 2/3, 1, 2 in both periods
    np.testing.assert_array_equal(rel.classes[:, 0], [0, 0, 1, 2])
    np.testing.assert_array_equal(np.diag(rel.counts), [2, 1, 1])
    assert rel.mobility["shorrocks"] == pytest.approx(0.0)
    absolute = markov(panel, classes=[2.5, 5])
    np.testing.assert_array_equal(absolute.counts, [[1, 1, 0], [0, 0, 1], [0, 0, 1]])
    assert list(absolute.regions) == list("abcd")
    assert absolute.empty_classes == ()
    assert "4 regions, 2 periods" in absolute.summary()


def test_bad_classes() -> None:
    y = np.ones((3, 2))
    with pytest.raises(DataError):
        markov(y, classes=[2, 1])
    with pytest.raises(DataError):
        markov(y, classes="jenks")
    with pytest.raises(DataError):
        markov(y, k=4, classes=[1, 2])
    with pytest.raises(ValueError, match="k must be at least 2"):
        markov(y, k=1)


def test_steady_state_two_states() -> None:
    a, b = 0.3, 0.1
    p = np.array([[1 - a, a], [b, 1 - b]])
    np.testing.assert_allclose(steady_state(p), [b / (a + b), a / (a + b)])
    # reducible: two absorbing states, no unique steady state
    assert np.isnan(steady_state(np.eye(3))).all()


def test_mobility_extremes() -> None:
    k = 4
    still = mobility_indices(np.eye(k))
    assert still["shorrocks"] == 0 and still["determinant"] == 0 and still["l2"] == 0
    assert still["bartholomew"] == 0
    flat = mobility_indices(np.full((k, k), 1 / k))
    assert flat["shorrocks"] == pytest.approx(1.0)  # (k - 1) / (k - 1)
    assert flat["determinant"] == pytest.approx(1.0)
    assert flat["l2"] == pytest.approx(1.0)
    # mean |i - j| under uniform start and uniform moves: sum |i-j| / k^2 = 20 / 16, scaled
    assert flat["bartholomew"] == pytest.approx(20 / 16 / (k - 1))


def test_sojourn_and_pooled_classes() -> None:
    y = np.tile(np.arange(10.0)[:, None], (1, 5))  # nobody moves
    r = markov(y, k=5, classes="pooled")
    assert r.kind == "pooled" and r.labels[0] == "P1"
    np.testing.assert_array_equal(np.diag(r.counts), [8, 8, 8, 8, 8])
    assert np.isinf(r.sojourn).all()


@settings(max_examples=60, deadline=None)
@given(arrays(np.int8, st.tuples(st.integers(1, 12), st.integers(2, 8)),
              elements=st.integers(-1, 3)))
def test_counts_equal_brute_force(cls: np.ndarray) -> None:
    counts, skipped = transition_counts(cls, 4)
    np.testing.assert_array_equal(counts, brute_counts(cls, 4))
    assert counts.sum() + skipped == cls.shape[0] * (cls.shape[1] - 1)


def test_spatial_markov_line_with_island() -> None:
    # regions 0-1-2-3 on a line, region 4 alone; fixed classes so the lag classes are known
    w = np.zeros((5, 5))
    for i in range(3):
        w[i, i + 1] = w[i + 1, i] = 1
    y = np.array([
        [1.0, 1.0, 3.0],
        [1.0, 3.0, 3.0],
        [3.0, 3.0, 3.0],
        [3.0, 1.0, 1.0],
        [1.0, 3.0, 1.0],  # island: its transitions are skipped
    ])
    r = spatial_markov(y, w, classes=[2.0])
    assert r.islands == (4,)
    # lags at t0: [1, 2, 2, 3, nan] -> classes [0, 0, 0, 1, -]; at t1: [3, 2, 2, 3, nan]
    np.testing.assert_array_equal(r.lag_classes[:, 0], [0, 0, 0, 1, -1])
    np.testing.assert_array_equal(r.lag_classes[:, 1], [1, 0, 0, 1, -1])
    expected = np.zeros((2, 2, 2), dtype=int)
    # t0 -> t1: r0 0->0 (lag 0), r1 0->1 (lag 0), r2 1->1 (lag 0), r3 1->0 (lag 1)
    # t1 -> t2: r0 0->1 (lag 1), r1 1->1 (lag 0), r2 1->1 (lag 0), r3 0->0 (lag 1)
    expected[0] = [[1, 1], [0, 3]]
    expected[1] = [[1, 1], [1, 0]]
    np.testing.assert_array_equal(r.counts, expected)
    assert r.skipped == 2
    assert r.counts.sum() + 2 == r.pooled.counts.sum()
    assert r.to_frame()["count"].sum() == 8
    assert "without neighbours" in r.summary()


def test_spatial_markov_lag_classes_follow_k() -> None:
    rng = np.random.default_rng(5)
    y = rng.lognormal(size=(30, 6))
    w = (np.abs(np.subtract.outer(np.arange(30), np.arange(30))) == 1).astype(float)  # a line
    r = spatial_markov(y, w, k=3, lag_classes="quantile")
    assert r.counts.shape == (3, 3, 3)
    np.testing.assert_array_equal(r.counts.sum(axis=0), r.pooled.counts)
    r2 = spatial_markov(y, w, k=3, lag_classes=[1.0], m=2)
    assert r2.counts.shape == (2, 3, 3) and r2.lag_labels == ("(-inf, 1]", "(1, inf)")
    lag = (np.vstack([y[1:2], y[:-2] + y[2:], y[-2:-1]])
           / np.r_[1, np.full(28, 2), 1][:, None])
    np.testing.assert_array_equal(r2.lag_classes, (lag > 1).astype(int))
