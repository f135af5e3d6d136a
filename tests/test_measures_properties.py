"""Property tests (hypothesis) of the dispersion kernels and the Theil/MLD decomposition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from crossborder.measures.decompose import decompose_array
from crossborder.measures.dispersion import inequality

SETTINGS = settings(max_examples=60, deadline=None)

positive = st.floats(min_value=0.1, max_value=1e4, allow_nan=False, allow_infinity=False)
nonneg = st.floats(min_value=0.0, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def panels(draw, elements=positive, min_n=2, max_n=12, max_t=4):
    n = draw(st.integers(min_n, max_n))
    t = draw(st.integers(1, max_t))
    return draw(arrays(float, (n, t), elements=elements))


@st.composite
def weighted_panels(draw):
    y = draw(panels())
    w = draw(arrays(float, y.shape, elements=st.floats(0.5, 1e3)))
    return y, w


SCALE_FREE = ["cv", "gini", "theil", "mld", "atkinson", "sd_log"]


@SETTINGS
@given(y=panels(), k=st.floats(0.01, 100.0), measure=st.sampled_from(SCALE_FREE))
def test_scale_invariance(y, k, measure):
    a, _ = inequality(y, measure)
    b, _ = inequality(y * k, measure)
    np.testing.assert_allclose(b, a, rtol=1e-7, atol=1e-9)


@SETTINGS
@given(yw=weighted_panels(), k=st.floats(0.01, 100.0),
       measure=st.sampled_from(["cv", "gini", "theil", "mld", "atkinson", "williamson"]))
def test_weighted_scale_invariance(yw, k, measure):
    y, w = yw
    a, _ = inequality(y, measure, w)
    b, _ = inequality(y * k, measure, w * 3.0)  # scaling the weights changes nothing either
    np.testing.assert_allclose(b, a, rtol=1e-7, atol=1e-9)


@SETTINGS
@given(y=panels(), seed=st.integers(0, 2**32 - 1), measure=st.sampled_from(
    ["sd_log", "var_log", "sd", "cv", "gini", "theil", "mld", "atkinson"]))
def test_region_order(y, seed, measure):
    perm = np.random.default_rng(seed).permutation(y.shape[0])
    a, _ = inequality(y, measure)
    b, _ = inequality(y[perm], measure)
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(v=positive, n=st.integers(2, 20), measure=st.sampled_from(
    ["sd_log", "var_log", "sd", "cv", "gini", "theil", "mld", "atkinson"]))
def test_all_equal_is_zero(v, n, measure):
    out, _ = inequality(np.full((n, 2), v), measure)
    np.testing.assert_allclose(out, 0.0, atol=1e-12)


@SETTINGS
@given(yw=weighted_panels())
def test_all_equal_weighted_is_zero(yw):
    y, w = yw
    y = np.full_like(y, y[0, 0])
    for m in ("williamson", "gini", "theil", "mld", "atkinson"):
        np.testing.assert_allclose(inequality(y, m, w)[0], 0.0, atol=1e-12)


@SETTINGS
@given(y=panels(), measure=st.sampled_from(["sd_log", "sd", "cv", "gini", "theil", "mld",
                                            "atkinson"]))
def test_unit_weights_equal_unweighted(y, measure):
    a, na = inequality(y, measure)
    b, nb = inequality(y, measure, np.ones_like(y))
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(na, nb)


@SETTINGS
@given(y=panels(min_n=3), drop=st.integers(0, 100), measure=st.sampled_from(
    ["sd_log", "sd", "cv", "gini", "theil", "mld", "atkinson"]), weighted=st.booleans())
def test_nan_is_dropping_the_region(y, drop, measure, weighted):
    i = drop % y.shape[0]
    w = np.linspace(1.0, 2.0, y.size).reshape(y.shape) if weighted else None
    holed = y.copy()
    holed[i, 0] = np.nan
    a, n = inequality(holed, measure, w)
    keep = np.arange(y.shape[0]) != i
    b, _ = inequality(y[keep, :1], measure, None if w is None else w[keep, :1])
    np.testing.assert_allclose(a[0], b[0], rtol=1e-9, atol=1e-12)
    assert n[0] == y.shape[0] - 1
    if y.shape[1] > 1:  # other periods keep the region
        np.testing.assert_allclose(a[1:], inequality(y[:, 1:], measure, None if w is None
                                                     else w[:, 1:])[0], rtol=1e-12, atol=1e-14)


@SETTINGS
@given(y=panels(elements=nonneg))
def test_gini_bounds(y):
    g, _ = inequality(y, "gini")
    ok = y.sum(axis=0) > 0
    assert np.all((g[ok] >= -1e-12) & (g[ok] < 1))


@SETTINGS
@given(yw=weighted_panels())
def test_weighted_gini_is_mean_difference(yw):
    # sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mu), computed pairwise here
    y, w = yw
    g, _ = inequality(y, "gini", w)
    for t in range(y.shape[1]):
        x, v = y[:, t], w[:, t]
        mu = (v * x).sum() / v.sum()
        ref = (v[:, None] * v[None, :] * np.abs(x[:, None] - x[None, :])).sum() / (
            2 * v.sum() ** 2 * mu)
        assert g[t] == pytest.approx(ref, rel=1e-9, abs=1e-12)


@SETTINGS
@given(y=panels(), measure=st.sampled_from(["gini", "theil", "sd_log", "mld", "atkinson"]))
def test_inputs_untouched(y, measure):
    before = y.copy()
    inequality(y, measure)
    inequality(y[:, :1].ravel(), measure)
    np.testing.assert_array_equal(y, before)


# ---------------------------------------------------------------- decomposition
@st.composite
def grouped(draw):
    y = draw(panels(max_n=15))
    groups = draw(arrays(int, y.shape[0], elements=st.integers(0, 3)))
    w = draw(arrays(float, y.shape, elements=st.floats(0.5, 1e3)))
    return y, groups, w


def _within_by_hand(y, groups, w, index):
    """sum_g s_g T_g (Theil) or sum_g p_g L_g (MLD), one group and one period at a time."""
    out = []
    for t in range(y.shape[1]):
        x, v = y[:, t], w[:, t]
        total_inc = (v * x).sum()
        acc = 0.0
        for g in np.unique(groups):
            sel = groups == g
            xg, vg = x[sel], v[sel]
            mu_g = (vg * xg).sum() / vg.sum()
            r = xg / mu_g
            if index == "theil":
                acc += (vg * xg).sum() / total_inc * ((vg * r * np.log(r)).sum() / vg.sum())
            else:
                acc += vg.sum() / v.sum() * ((vg * -np.log(r)).sum() / vg.sum())
        out.append(acc)
    return np.array(out)


@SETTINGS
@given(data=grouped(), index=st.sampled_from(["theil", "mld"]), weighted=st.booleans())
def test_decomposition_adds_up(data, index, weighted):
    y, groups, w = data
    if not weighted:
        w = np.ones_like(y)
    r = decompose_array(y, groups, index, w if weighted else None)
    np.testing.assert_allclose(r["between"] + r["within"], r["total"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r["total"], inequality(y, index, w if weighted else None)[0],
                               rtol=1e-12)
    np.testing.assert_allclose(r["within"], _within_by_hand(y, groups, w, index), rtol=1e-7,
                               atol=1e-10)
    assert np.all(r["between"] >= -1e-12) and np.all(r["within"] >= -1e-12)


@SETTINGS
@given(data=grouped(), seed=st.integers(0, 2**32 - 1))
def test_decomposition_region_order(data, seed):
    y, groups, w = data
    perm = np.random.default_rng(seed).permutation(y.shape[0])
    a = decompose_array(y, groups, "theil", w)
    b = decompose_array(y[perm], groups[perm], "theil", w[perm])
    for k in ("total", "between", "within"):
        np.testing.assert_allclose(b[k], a[k], rtol=1e-9, atol=1e-12)


def test_one_group_has_no_between():
    rng = np.random.default_rng(3)
    y = rng.lognormal(size=(20, 3))
    r = decompose_array(y, np.zeros(20, dtype=int), "theil")
    np.testing.assert_allclose(r["between"], 0.0, atol=1e-15)
    np.testing.assert_allclose(r["within"], r["total"])


def test_groups_equal_to_regions_is_all_between():
    rng = np.random.default_rng(4)
    y = rng.lognormal(size=(12, 3))
    for index in ("theil", "mld"):
        r = decompose_array(y, np.arange(12), index)
        np.testing.assert_allclose(r["between"], r["total"], rtol=1e-12)
        np.testing.assert_allclose(r["within"], 0.0, atol=1e-12)
