"""Beta convergence: coefficients and standard errors against closed-form least squares, speed and
half-life formulas and their edge cases, conditional/robust/clustered/weighted variants, panel FE."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crossborder.errors import DataError
from crossborder.measures.beta import beta, beta_panel, speed_half_life
from crossborder.panel import Panel


def _panel(n=40, seed=0, b=-0.02, span=10, groups=True):
    rng = np.random.default_rng(seed)
    y0 = rng.lognormal(9.0, 0.5, n)
    g = (0.3 + b * np.log(y0) + rng.normal(0, 0.01, n)) * span
    y1 = y0 * np.exp(g)
    regions = [f"R{i:02d}" for i in range(n)]
    grp = ["north" if i % 3 else "south" for i in range(n)] if groups else None
    pop = rng.uniform(1e5, 1e6, n)
    p = Panel.from_matrix(np.column_stack([y0, y1]), regions=regions, times=[2000, 2000 + span],
                          groups=grp, weights=np.column_stack([pop, pop]))
    return p, y0, y1, pop


def _ols(X, y):
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ coef
    n, k = X.shape
    xtx_inv = np.linalg.inv(X.T @ X)
    se = np.sqrt(np.diag(xtx_inv) * (e @ e) / (n - k))
    return coef, se, e, xtx_inv


def test_absolute_beta_matches_least_squares():
    p, y0, y1, _ = _panel()
    r = beta(p, 2000, 2010)
    X = np.column_stack([np.ones_like(y0), np.log(y0)])
    g = np.log(y1 / y0) / 10
    coef, se, e, _ = _ols(X, g)
    assert r.alpha == pytest.approx(coef[0], rel=1e-10)
    assert r.beta == pytest.approx(coef[1], rel=1e-10)
    assert r.se == pytest.approx(se[1], rel=1e-10)
    assert r.tstat == pytest.approx(coef[1] / se[1], rel=1e-10)
    assert r.r2 == pytest.approx(1 - (e @ e) / ((g - g.mean()) @ (g - g.mean())), rel=1e-10)
    assert r.nobs == 40 and r.span == 10 and r.kind == "absolute"
    assert r.beta == pytest.approx(-0.02, abs=0.003)
    assert r.speed == pytest.approx(-math.log(1 + 10 * r.beta) / 10, rel=1e-12)
    assert r.half_life == pytest.approx(math.log(2) / r.speed, rel=1e-12)
    assert r.converging
    tab = r.to_frame()
    assert list(tab.index) == ["const", "initial"]
    assert tab.loc["initial", "ci_low"] < r.beta < tab.loc["initial", "ci_high"]
    assert "beta" in r.summary() and r.to_dict()["nobs"] == 40


def test_total_growth_gives_the_same_speed():
    p, *_ = _panel()
    a = beta(p, annualize=True)
    t = beta(p, annualize=False)
    assert t.beta == pytest.approx(10 * a.beta, rel=1e-10)
    assert t.speed == pytest.approx(a.speed, rel=1e-10)
    assert t.pvalue == pytest.approx(a.pvalue, rel=1e-8)


def test_speed_formulas_and_edges():
    lam, hl = speed_half_life(-0.01, 10, annualize=True)
    assert lam == pytest.approx(-math.log(0.9) / 10, rel=1e-12)
    assert hl == pytest.approx(math.log(2) / lam, rel=1e-12)
    lam, _ = speed_half_life(-0.1, 10, annualize=False)
    assert lam == pytest.approx(-math.log(0.9) / 10, rel=1e-12)
    # REAT >= 3.0: -ln(1 + beta) / T on annualised growth
    lam, _ = speed_half_life(-0.01, 10, annualize=True, compat="reat")
    assert lam == pytest.approx(-math.log(0.99) / 10, rel=1e-12)
    lam, hl = speed_half_life(-0.2, 10)  # 1 + T beta < 0: overshooting
    assert math.isnan(lam) and math.isnan(hl)
    lam, hl = speed_half_life(0.01, 10)  # divergence
    assert lam < 0 and math.isnan(hl)
    lam, hl = speed_half_life(0.0, 10)
    assert lam == 0 and math.isinf(hl)


def test_group_dummies_and_clusters():
    p, y0, y1, _ = _panel()
    r = beta(p, controls="group", cluster="group")
    south = np.array([0.0 if i % 3 else 1.0 for i in range(40)])
    X = np.column_stack([np.ones(40), np.log(y0), south])  # drop_first: 'north' is the base
    g = np.log(y1 / y0) / 10
    coef, _, e, xtx_inv = _ols(X, g)
    assert r.beta == pytest.approx(coef[1], rel=1e-10)
    assert r.kind == "conditional" and r.cov_type == "cluster"
    # cluster-robust: sandwich with the G/(G-1) (N-1)/(N-K) correction
    meat = np.zeros((3, 3))
    for c in (0.0, 1.0):
        s = X[south == c].T @ e[south == c]
        meat += np.outer(s, s)
    cov = xtx_inv @ meat @ xtx_inv * (2 / 1) * (39 / 37)
    assert r.se == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-8)


def test_hc0_robust():
    p, y0, y1, _ = _panel()
    r = beta(p, robust="HC0")
    X = np.column_stack([np.ones(40), np.log(y0)])
    coef, _, e, xtx_inv = _ols(X, np.log(y1 / y0) / 10)
    cov = xtx_inv @ (X.T * e**2) @ X @ xtx_inv
    assert r.se == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-10)
    assert r.cov_type == "HC0"
    with pytest.raises(ValueError):
        beta(p, robust="HC9")
    with pytest.raises(ValueError):
        beta(p, robust="HC1", cluster="group")


def test_control_frame_and_weights():
    p, y0, y1, pop = _panel()
    ctrl = pd.DataFrame({"x": np.arange(40.0) % 7}, index=p.regions)
    r = beta(p, controls=ctrl)
    X = np.column_stack([np.ones(40), np.log(y0), np.arange(40.0) % 7])
    coef, se, *_ = _ols(X, np.log(y1 / y0) / 10)
    assert r.beta == pytest.approx(coef[1], rel=1e-10)
    assert r.se == pytest.approx(se[1], rel=1e-10)
    rw = beta(p, weighted=True)
    sw = np.sqrt(pop)
    Xw = np.column_stack([np.ones(40), np.log(y0)]) * sw[:, None]
    coef, se, *_ = _ols(Xw, np.log(y1 / y0) / 10 * sw)
    assert rw.beta == pytest.approx(coef[1], rel=1e-10)
    assert rw.se == pytest.approx(se[1], rel=1e-10)


def test_missing_regions_are_listed_and_bad_values_named():
    p, y0, y1, _ = _panel(groups=False)
    f = p.frame.copy()
    f = f[~((f["region"] == "R03") & (f["time"] == 2010))]
    r = beta(Panel.from_long(f, time="time"))
    assert r.dropped == ("R03",) and r.nobs == 39
    f.loc[(f["region"] == "R05") & (f["time"] == 2000), "value"] = 0.0
    with pytest.raises(DataError, match=r"R05.*2000"):
        beta(Panel.from_long(f, time="time"))
    with pytest.raises(DataError, match="group"):
        beta(p, controls="group")
    with pytest.raises(DataError):
        beta(p.select(regions=["R01", "R02"]))


def test_panel_fe_matches_within_estimator():
    rng = np.random.default_rng(7)
    n, t = 25, 13
    fe = rng.normal(0, 0.3, n)
    ly = np.empty((n, t))
    ly[:, 0] = rng.normal(9, 0.5, n)
    for j in range(1, t):
        ly[:, j] = ly[:, j - 1] + 0.05 * (fe + 9 - ly[:, j - 1]) + rng.normal(0, 0.02, n)
    times = list(range(2000, 2000 + t))
    p = Panel.from_matrix(np.exp(ly), regions=[f"r{i}" for i in range(n)], times=times)
    r = beta_panel(p, window=3, cluster=None)
    starts = np.arange(0, t - 3, 3)
    g = (ly[:, starts + 3] - ly[:, starts]) / 3
    x = ly[:, starts]
    gd = (g - g.mean(axis=1, keepdims=True)).ravel()
    xd = (x - x.mean(axis=1, keepdims=True)).ravel()
    b = (xd @ gd) / (xd @ xd)
    e = gd - b * xd
    dof = g.size - n - 1
    assert r.beta == pytest.approx(b, rel=1e-9)
    assert r.se == pytest.approx(math.sqrt((e @ e) / dof / (xd @ xd)), rel=1e-9)
    assert r.nobs == g.size and r.beta < 0 and r.kind == "panel FE" and math.isnan(r.alpha)
    assert r.speed == pytest.approx(-math.log(1 + 3 * b) / 3, rel=1e-9)
    rt = beta_panel(p, window=3, time_effects=True)
    assert rt.cov_type == "cluster" and "window" in rt.kind


def test_panel_fe_needs_two_windows_and_drops_singletons():
    rng = np.random.default_rng(2)
    y = rng.lognormal(size=(6, 7))
    y[0, 3:] = np.nan  # region 0 only has the first window
    p = Panel.from_matrix(y, regions=list("abcdef"), times=range(7))
    r = beta_panel(p, window=2)
    assert r.dropped == ("a",) and r.nobs == 15
    with pytest.raises(DataError, match="two windows"):
        beta_panel(p, window=4)


def test_group_dummy_of_a_group_left_without_data():
    p, y0, y1, _ = _panel()
    f = p.frame
    south = {f"R{i:02d}" for i in range(40) if i % 3 == 0}
    keep = ~(f["region"].isin(south) & (f["time"] == 2010))
    q = Panel.from_long(f[keep], time="time", group="group")
    r = beta(q, controls="group")
    assert r.dropped_terms == ("group_south",)
    assert set(r.dropped) == south and r.nobs == 40 - len(south)
    assert r.beta == pytest.approx(beta(q).beta, rel=1e-12)
    with pytest.raises(DataError, match="2 clusters"):
        beta(q, cluster="group")
