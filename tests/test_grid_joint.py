"""The joint specification-curve test of each question against a direct permutation: the null
data sets rebuilt here from the documented rule (a region, a year, takes the key
``default_rng([seed, crc32(kind + "\\x1f" + label)]).random(D)`` in every specification; each
specification orders its regions or years by it), every specification re-fitted with statsmodels,
and the p-value of the share statistic counted by hand."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.measures.inference import t_pvalue
from crossborder.measures.resample import bootstrap_regions, sd_log
from crossborder.study.robustness import _coef_p

YEARS = list(range(2000, 2011))
REGIONS = [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)]
GROUPS = ["A"] * 6 + ["B"] * 6
D, SEED = 19, 3


def _values(currency: str) -> np.ndarray:
    rng = np.random.default_rng(21)
    y0 = np.linspace(6.0, 8.0, 12)
    g = 0.04 - 0.004 * (y0 - y0.mean()) + rng.normal(0, 0.006, 12)
    t = np.arange(len(YEARS))
    v = np.exp(y0[:, None] + g[:, None] * t[None, :] + rng.normal(0, 0.03, (12, len(YEARS))))
    return v * (np.exp(-np.outer([0.01] * 6 + [0.02] * 6, t)) if currency == "real" else 1.0)


def _factory(currency):
    return cb.Panel.from_matrix(_values(currency), regions=REGIONS, times=YEARS, groups=GROUPS)


def _keys(labels, kind: str) -> np.ndarray:
    return np.array([np.random.default_rng([SEED, zlib.crc32(f"{kind}\x1f{x}".encode())]).random(D)
                     for x in labels])


@pytest.fixture(scope="module")
def grid():
    return cb.robustness(_factory, currencies=["USD", "real"], starts=[2000, 2002], ends=[2008, 2010],
                         estimates=("beta", "sigma"), cov_types=("HC3", "HAC"), n_boot=99,
                         n_draws=D, seed=SEED, baselines={"sigma_trend_A": {"cov_type": "HAC"}})


def _distinct(grid, est):
    t = grid.table
    se = grid.evidence().set_index("estimate").loc[est, "baseline_cov_type"]
    return t[(t["estimate"] == est) & (t["se_type"] == se) & t["duplicate_of"].isna()]


def _joint_p(obs_b, obs_p, null_b, null_p, alpha=0.05):
    sign = np.sign(np.median(obs_b))
    share = np.mean((obs_p < alpha) & (np.sign(obs_b) == sign))
    null = ((null_p < alpha) & (np.sign(null_b) == sign)).mean(axis=1)
    return (1 + np.sum(null >= share - 1e-12)) / (D + 1), share


def _check(grid, est, null_b, null_p, rows):
    stored = grid.null_draws[est]["by_spec"]
    for j, sid in enumerate(rows["spec_id"]):
        assert stored[sid][0] == pytest.approx(null_b[:, j], rel=1e-9)
        assert stored[sid][1] == pytest.approx(null_p[:, j], rel=1e-7)
    ev = grid.evidence().set_index("estimate").loc[est]
    p, share = _joint_p(rows["value"].to_numpy(), rows["pvalue"].to_numpy(), null_b, null_p)
    assert ev["joint_pvalue"] == pytest.approx(p) and ev["joint_statistic"] == pytest.approx(share)


def test_beta_joint_p_against_permuted_regressions(grid):
    """beta: growth permuted across regions (within sides for the conditional), HC3, t(n - k)."""
    for est in ("beta_absolute", "beta_conditional"):
        rows = _distinct(grid, est)
        nb, npv = np.empty((D, len(rows))), np.empty((D, len(rows)))
        for j, r in enumerate(rows.itertuples()):
            logs = np.log(_values(r.currency))
            a, b = YEARS.index(r.start), YEARS.index(r.end)
            growth = (logs[:, b] - logs[:, a]) / (r.end - r.start)
            X = sm.add_constant(logs[:, a])
            if est == "beta_conditional":
                X = np.column_stack([X, [g == "B" for g in GROUPS]]).astype(float)
            keys = _keys(REGIONS, "region")
            for d in range(D):
                perm = np.empty(12, dtype=int)
                for side in ((range(12),) if est == "beta_absolute" else (range(6), range(6, 12))):
                    rows_s = np.array(side)
                    perm[rows_s] = rows_s[np.argsort(keys[rows_s, d])]
                f = sm.OLS(growth[perm], X).fit(cov_type="HC3", use_t=True)
                nb[d, j], npv[d, j] = f.params[1], f.pvalues[1]
        _check(grid, est, nb, npv, rows)


def test_trend_joint_p_against_permuted_years(grid):
    """sigma within A read with HAC (overridden): the years permuted, Newey-West refitted."""
    est = "sigma_trend_A"
    rows = _distinct(grid, est)
    nb, npv = np.empty((D, len(rows))), np.empty((D, len(rows)))
    for j, r in enumerate(rows.itertuples()):
        cols = [YEARS.index(y) for y in range(r.start, r.end + 1)]
        s = sd_log(_values(r.currency)[:6, cols])
        t = np.array(YEARS, dtype=float)[cols]
        keys = _keys([YEARS[c] for c in cols], "year")
        for d in range(D):
            order = np.argsort(keys[:, d])
            f = sm.OLS(s[order], sm.add_constant(t)).fit(cov_type="HAC", cov_kwds={"maxlags": 1},
                                                         use_t=True)
            nb[d, j], npv[d, j] = f.params[1], f.pvalues[1]
    _check(grid, est, nb, npv, rows)


def test_bootstrap_trend_joint_p_under_the_null(grid):
    """The pooled sigma trend with its region bootstrap: regions redrawn with Poisson(1) counts
    (``default_rng([seed, crc32("count\\x1f" + region)]).poisson(1, D)``), the weighted sd of logs,
    the observed slope taken out; p from the bootstrap slopes centred on the draw's slope."""
    est = "sigma_trend"
    rows = _distinct(grid, est)
    counts = np.array([np.random.default_rng([SEED, zlib.crc32(f"count\x1f{r}".encode())])
                       .poisson(1.0, D) for r in REGIONS], dtype=float)
    nb, npv = np.empty((D, len(rows))), np.empty((D, len(rows)))
    for j, r in enumerate(rows.itertuples()):
        cols = [YEARS.index(y) for y in range(r.start, r.end + 1)]
        block = _values(r.currency)[:, cols]
        t = np.array(YEARS, dtype=float)[cols]
        b_obs = np.polyfit(t, np.log(block).std(axis=0), 1)[0]
        boot = bootstrap_regions(block, None, sd_log, 99, SEED, strata=GROUPS)
        centred = np.array([np.polyfit(t, x, 1)[0] for x in boot]) - b_obs
        for d in range(D):
            w = counts[:, d]
            lw = np.log(block)
            m = (w[:, None] * lw).sum(0) / w.sum()
            sd = np.sqrt((w[:, None] * (lw - m) ** 2).sum(0) / w.sum())
            nb[d, j] = np.polyfit(t, sd, 1)[0] - b_obs
            npv[d, j] = min(1, 2 * min((1 + np.sum(centred + nb[d, j] <= 0)) / 100,
                                       (1 + np.sum(centred + nb[d, j] >= 0)) / 100))
    _check(grid, est, nb, npv, rows)


def test_vectorised_errors_equal_statsmodels():
    rng = np.random.default_rng(0)
    X = sm.add_constant(rng.normal(size=(15, 2)))
    Y = rng.normal(size=(15, 4))
    for se, kw in (("classical", {}), ("HC0", {"cov_type": "HC0"}), ("HC1", {"cov_type": "HC1"}),
                   ("HC2", {"cov_type": "HC2"}), ("HC3", {"cov_type": "HC3"}),
                   ("HAC", {"cov_type": "HAC", "cov_kwds": {"maxlags": 2}})):
        b, p = _coef_p(X, Y, 2, se, hac_lags=2)
        for d in range(4):
            f = sm.OLS(Y[:, d], X).fit(use_t=True, **kw)
            assert b[d] == pytest.approx(f.params[2], rel=1e-10)
            assert p[d] == pytest.approx(f.pvalues[2], rel=1e-8)
            assert p[d] == pytest.approx(t_pvalue(f.tvalues[2], 12), rel=1e-8)


def test_no_draws_no_joint_p():
    g = cb.robustness(_factory, currencies=["USD"], starts=[2000], ends=[2010], estimates=("beta",),
                      n_draws=0)
    ev = g.evidence()
    assert ev["joint_pvalue"].isna().all() and ev["joint_method"].str.contains("n_draws=0").all()
    assert g.null_draws == {}
