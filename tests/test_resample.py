"""The region bootstrap (crossborder.measures.resample) against direct resampling loops."""

from __future__ import annotations

import numpy as np
import pytest

from crossborder.measures.decompose import decompose_array
from crossborder.measures.resample import (
    between_share_theil,
    bootstrap_indices,
    bootstrap_regions,
    bootstrap_trend,
    sd_log,
)

RNG = np.random.default_rng(3)
Y = np.exp(RNG.normal(8, 0.5, (9, 7)))
W = RNG.uniform(1, 5, (9, 7))
GROUPS = ["A"] * 4 + ["B"] * 5


def test_sd_log_and_between_share_equal_the_packages_measures():
    assert sd_log(Y) == pytest.approx(np.log(Y).std(axis=0), rel=1e-12)
    lw = np.log(Y)
    m = (W * lw).sum(0) / W.sum(0)
    assert sd_log(Y, W) == pytest.approx(np.sqrt((W * (lw - m) ** 2).sum(0) / W.sum(0)), rel=1e-12)
    for w in (None, W):
        want = decompose_array(Y, GROUPS, "theil", w)["between_share"]
        assert between_share_theil(GROUPS)(Y, w) == pytest.approx(want, rel=1e-10)


def test_bootstrap_regions_against_a_loop():
    """Unstratified: the draws of default_rng(seed).integers(0, N, (B, N)), the sd of logs of each."""
    got = bootstrap_regions(Y, statistic=sd_log, n_boot=50, seed=7)
    idx = np.random.default_rng(7).integers(0, 9, size=(50, 9))
    want = np.array([np.log(Y[i]).std(axis=0) for i in idx])
    assert got.shape == (50, 7) and got == pytest.approx(want, rel=1e-12)


def test_stratified_bootstrap_keeps_each_side_and_matches_a_loop():
    idx = bootstrap_indices(9, 40, np.random.default_rng(1), GROUPS)
    assert (idx[:, :4] < 4).all() and (idx[:, 4:] >= 4).all()
    got = bootstrap_regions(Y, W, between_share_theil(GROUPS), n_boot=40, seed=1, strata=GROUPS)
    want = np.array([decompose_array(Y[i], GROUPS, "theil", W[i])["between_share"] for i in idx])
    assert got == pytest.approx(want, rel=1e-10)
    # every draw of one stratum's rows comes from that stratum, roughly uniformly
    counts = np.bincount(bootstrap_indices(9, 4000, np.random.default_rng(2), GROUPS)[:, :4].ravel())
    assert counts[:4] / counts[:4].sum() == pytest.approx([0.25] * 4, abs=0.02)


def test_bootstrap_trend_by_hand():
    t = np.arange(2010, 2017, dtype=float)
    draws = bootstrap_regions(Y, n_boot=199, seed=4)
    obs = sd_log(Y)
    r = bootstrap_trend(obs, draws, t, alpha=0.1)
    slopes = np.array([np.polyfit(t, d, 1)[0] for d in draws])
    assert r["value"] == pytest.approx(np.polyfit(t, obs, 1)[0], rel=1e-9)
    assert r["se"] == pytest.approx(slopes.std(ddof=1), rel=1e-9)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx(tuple(np.quantile(slopes, [0.05, 0.95])),
                                                        rel=1e-9)
    below, above = (1 + (slopes <= 0).sum()) / 200, (1 + (slopes >= 0).sum()) / 200
    assert r["pvalue"] == pytest.approx(min(1, 2 * min(below, above)))
    assert r["nobs"] == 7 and r["n_boot"] == 199


def test_a_clear_trend_gets_the_smallest_bootstrap_p():
    """A dispersion falling every year in every draw: p = 2 / (B + 1), not 1e-100."""
    t = np.arange(10, dtype=float)
    y = np.exp(np.outer(np.linspace(-1, 1, 12), 1 - 0.08 * t))
    r = bootstrap_trend(sd_log(y), bootstrap_regions(y, n_boot=99, seed=0), t)
    assert r["value"] < 0 and r["pvalue"] == pytest.approx(2 / 100)
    up = np.exp(np.outer(np.linspace(-1, 1, 12), 1 + 0.08 * t))
    r = bootstrap_trend(sd_log(up), bootstrap_regions(up, n_boot=99, seed=0), t)
    assert r["value"] > 0 and r["pvalue"] == pytest.approx(2 / 100)


def test_seeded_and_checked():
    a = bootstrap_regions(Y, n_boot=20, seed=5)
    assert np.array_equal(a, bootstrap_regions(Y, n_boot=20, seed=5))
    assert not np.array_equal(a, bootstrap_regions(Y, n_boot=20, seed=6))
    with pytest.raises(ValueError, match="N x T"):
        bootstrap_regions(Y[0])
    with pytest.raises(ValueError, match="strata"):
        bootstrap_indices(9, 5, np.random.default_rng(0), ["A"] * 3)


def test_bootstrap_band_is_the_percentile_interval_of_the_draws_and_refuses_gaps() -> None:
    from crossborder.measures.resample import bootstrap_band, bootstrap_regions, sd_log

    rng = np.random.default_rng(5)
    y = np.exp(rng.normal(0, 0.5, (12, 6)))
    strata = ["A"] * 6 + ["B"] * 6
    lo, hi = bootstrap_band(y, statistic=sd_log, n_boot=300, seed=2, strata=strata)
    draws = bootstrap_regions(y, None, sd_log, n_boot=300, seed=2, strata=strata)
    np.testing.assert_allclose(lo, np.quantile(draws, 0.025, axis=0))
    np.testing.assert_allclose(hi, np.quantile(draws, 0.975, axis=0))
    assert (lo < hi).all()
    y[3, 2] = np.nan
    assert bootstrap_band(y) is None                      # an unbalanced panel: no band
    assert bootstrap_band(np.ones((2, 4))) is None        # fewer than 3 regions
