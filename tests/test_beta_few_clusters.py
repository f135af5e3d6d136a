"""beta with few clusters: the warning, and a wild cluster bootstrap p computed beside the CR1 p."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.measures._covtype import FewClustersWarning


def _panel(n: int, n_groups: int, seed: int = 1) -> cb.Panel:
    rng = np.random.default_rng(seed)
    start = rng.uniform(1, 3, n)
    end = start * np.exp(rng.normal(0.2, 0.3, n))
    regions = [f"R{i:02d}" for i in range(n)]
    groups = {r: f"G{i % n_groups}" for i, r in enumerate(regions)}
    return cb.Panel.from_matrix(np.column_stack([start, end]), regions=regions, times=[2000, 2010],
                                groups=groups)


def _direct_wild_p(panel: cb.Panel) -> float:
    """Restricted wild cluster bootstrap-t by brute force: impose beta = 0, flip each cluster's
    residuals by every sign vector, refit with statsmodels' CR1 errors, count |t*| >= |t|."""
    m = panel.to_matrix()
    x = np.log(m.values[:, 0])
    g = (np.log(m.values[:, 1]) - x) / 10
    codes = pd.factorize(panel.group_labels().reindex(m.regions))[0]
    X = sm.add_constant(x)
    t_obs = sm.OLS(g, X).fit(cov_type="cluster", cov_kwds={"groups": codes}).tvalues[1]
    u0 = g - g.mean()                           # the restricted fit: a constant only
    ts = []
    for signs in itertools.product((1.0, -1.0), repeat=codes.max() + 1):
        ystar = g.mean() + np.asarray(signs)[codes] * u0
        ts.append(sm.OLS(ystar, X).fit(cov_type="cluster", cov_kwds={"groups": codes}).tvalues[1])
    return float(np.mean(np.abs(ts) >= abs(t_obs) - 1e-10 * max(1.0, abs(t_obs))))


@pytest.mark.parametrize("n_groups", [2, 3, 5])
def test_few_clusters_warn_and_give_the_wild_bootstrap_p(n_groups: int) -> None:
    p = _panel(30, n_groups)
    with pytest.warns(FewClustersWarning, match=f"{n_groups} clusters"):
        b = cb.beta(p, cluster="group")
    assert b.n_clusters == n_groups
    assert b.wild_pvalue == pytest.approx(_direct_wild_p(p), abs=1e-12)
    assert b.wild_pvalue >= 2 / 2 ** n_groups            # the exact randomisation floor
    assert "wild bootstrap p" in b.summary() and "all " in b.wild_method
    assert b.to_dict()["wild_pvalue"] == b.wild_pvalue


def test_two_countries_cannot_reject_at_any_usual_level() -> None:
    p = _panel(19, 2, seed=7)
    with pytest.warns(FewClustersWarning):
        b = cb.beta(p, cluster="group")
    assert b.wild_pvalue >= 0.5                          # 4 sign vectors: p is 0.5 or 1


def test_enough_clusters_no_warning_no_bootstrap() -> None:
    p = _panel(60, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FewClustersWarning)
        b = cb.beta(p, cluster="group")
    assert b.n_clusters == 20 and np.isnan(b.wild_pvalue) and b.wild_method is None
    assert "wild" not in b.summary()
