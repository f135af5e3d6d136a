"""``cov_type=`` on ``crossborder.scale.beta``: the in-memory vocabulary and statsmodels' numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder import scale


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 40
    start = np.exp(rng.normal(3.0, 0.5, n))
    group = np.array(["A", "B", "C", "D"])[np.arange(n) % 4]
    growth = -0.03 * np.log(start) + rng.normal(0, 0.02, n) * (1 + np.arange(n) / n)
    end = start * np.exp(10 * growth)
    return pd.DataFrame({"region": np.r_[np.arange(n), np.arange(n)].astype(str),
                         "year": np.r_[np.full(n, 2000), np.full(n, 2010)],
                         "value": np.r_[start, end], "country": np.r_[group, group]})


def _statsmodels(df: pd.DataFrame, conditional: bool, **fit) -> object:
    wide = df.pivot(index="region", columns="year", values="value")
    g = np.log(wide[2010] / wide[2000]) / 10
    X = pd.DataFrame({"const": 1.0, "initial": np.log(wide[2000])})
    country = df.drop_duplicates("region").set_index("region")["country"].reindex(wide.index)
    if conditional:
        X = X.join(pd.get_dummies(country, prefix="country", drop_first=True, dtype=float))
    return sm.OLS(g, X).fit(use_t=True, **fit), country


@pytest.mark.parametrize("spelling", ["nonrobust", "hc0", "HC1", "Hc2", "HC3"])
@pytest.mark.parametrize("conditional", [False, True])
def test_each_cov_type_gives_statsmodels_numbers(spelling: str, conditional: bool) -> None:
    df = _frame()
    got = scale.beta(df, controls="group" if conditional else None, cov_type=spelling,
                     group="country", engine="pandas")
    want, _ = _statsmodels(df, conditional, cov_type=spelling.upper() if spelling != "nonrobust"
                           else "nonrobust")
    assert got.cov_type == (spelling.upper() if spelling != "nonrobust" else "nonrobust")
    assert got.beta == pytest.approx(want.params["initial"], rel=1e-9)
    assert got.se == pytest.approx(want.bse["initial"], rel=1e-9)
    assert got.pvalue == pytest.approx(want.pvalues["initial"], rel=1e-8)
    # and the in-memory beta on the same data says the same
    mem = cb.beta(cb.Panel.from_long(df, group="country"), controls="group" if conditional else None,
                  cov_type=spelling)
    assert (mem.se, mem.cov_type) == (pytest.approx(got.se, rel=1e-9), got.cov_type)


def test_cluster_cov_type_matches_statsmodels_and_warns_of_few_clusters() -> None:
    df = _frame()
    with pytest.warns(cb.FewClustersWarning):
        got = scale.beta(df, cov_type="CLUSTER", cluster="group", group="country", engine="pandas")
    country = df.drop_duplicates("region").set_index("region")["country"].sort_index()
    want, _ = _statsmodels(df, False, cov_type="cluster",
                           cov_kwds={"groups": pd.factorize(country)[0]})
    assert got.cov_type == "cluster"
    assert got.se == pytest.approx(want.bse["initial"], rel=1e-9)
    assert got.pvalue == pytest.approx(want.pvalues["initial"], rel=1e-8)   # t(G - 1) = t(3)


def test_old_robust_name_warns_and_bad_spellings_are_refused() -> None:
    df = _frame()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = scale.beta(df, cov_type="HC1", engine="pandas")
    with pytest.warns(DeprecationWarning, match="cov_type"):
        old = scale.beta(df, robust="HC1", engine="pandas")
    assert old.se == new.se and old.cov_type == "HC1"
    with pytest.raises(ValueError, match="cov_type must be one of"):
        scale.beta(df, cov_type="HC4", engine="pandas")
    with pytest.raises(ValueError, match="needs cluster="):
        scale.beta(df, cov_type="cluster", group="country", engine="pandas")
    with pytest.raises(TypeError, match="cov_type= only"):
        scale.beta(df, cov_type="HC1", robust="HC1", engine="pandas")
