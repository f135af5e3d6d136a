"""The verdict of a robustness grid: shares straight from the table, dependences by rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossborder.study.robustness import TABLE_COLUMNS, RobustnessResult, robustness
from crossborder.study.verdict import peak_only_in, verdict


def _table(rows):
    t = pd.DataFrame(rows)
    for c in TABLE_COLUMNS:
        if c not in t:
            t[c] = np.nan
    return t[TABLE_COLUMNS]


def test_dependence_on_one_end_year_and_shares():
    rows = []
    for cur in ("USD", "PPP"):
        for end in (2018, 2019, 2020, 2021):
            for se in ("HC1", "HC3"):
                p = 0.01 if end == 2020 else 0.4
                v = -0.02 if end == 2020 else -0.001
                rows.append({"currency": cur, "start": 2008, "end": end, "regions": "as given",
                             "resources": "in", "se_type": se, "estimate": "beta_conditional",
                             "value": v, "pvalue": p, "supports_convergence": v < 0 and p < 0.05})
                rows.append({"currency": cur, "start": 2008, "end": end, "regions": "as given",
                             "resources": "in", "se_type": se, "estimate": "sigma_trend",
                             "value": -0.01, "pvalue": 0.001, "supports_convergence": True})
    res = RobustnessResult(_table(rows), pd.DataFrame(), {"alpha": 0.05})
    v = verdict(res)
    fam = v.families.set_index("estimate")
    assert fam.loc["beta_conditional", "share_supporting"] == pytest.approx(4 / 16)
    assert fam.loc["sigma_trend", "strength"] == "robust"
    dep = v.dependences
    assert list(dep["estimate"]) == ["beta_conditional"]
    row = dep.iloc[0]
    assert (row["dimension"], row["level"], row["kind"]) == ("end", "2020", "appears")
    assert row["share_at"] == 1.0 and row["share_other"] == 0.0
    text = " ".join(v.sentences)
    assert "appears only when the window ends in 2020" in text
    assert "100% of 16" in text and "25% of 16" in text


def test_peak_in_one_basis_only():
    years = range(2010, 2020)
    usd = pd.Series([0.05, 0.06, 0.07, 0.08, 0.09, 0.15, 0.08, 0.07, 0.06, 0.05], index=years)
    ppp = pd.Series([0.12, 0.11, 0.10, 0.09, 0.09, 0.08, 0.08, 0.07, 0.07, 0.06], index=years)
    text = peak_only_in("between share", {"USD": usd, "PPP": ppp})
    assert "in 2015 (15.0%) appears in nominal USD only" in text
    assert "at PPP (newest vintage) it peaks in 2010 (12.0%)" in text
    assert peak_only_in("between share", {"USD": usd, "PPP": usd * 1.1}) == ""


def test_verdict_shares_on_a_real_grid():
    """A grid of a synthetic border panel: each family's share equals the table's own count."""
    from crossborder.panel import Panel

    rng = np.random.default_rng(3)
    regions = [f"A{i}" for i in range(6)] + [f"B{i}" for i in range(6)]
    years = list(range(2000, 2012))
    y0 = rng.uniform(5, 10, size=12)
    g = -0.02 * (y0 - y0.mean()) + rng.normal(0, 0.01, size=12)
    vals = np.exp(y0[:, None] + g[:, None] * (np.array(years) - 2000)[None, :]
                  + rng.normal(0, 0.02, size=(12, len(years))))
    p = Panel.from_matrix(vals, regions=regions, times=years, groups=["A"] * 6 + ["B"] * 6,
                          indicator="x", unit="EUR")
    res = robustness(lambda cur: p, estimates=("sigma", "beta", "between_share"), n_ends=3,
                     se_types=("classical", "HC1", "HAC"))
    v = verdict(res, names={"A": "side A", "B": "side B"})
    t = res.table.dropna(subset=["value"])
    for est, grp in t.groupby("estimate"):
        direct = float(np.mean((grp["value"].to_numpy() < 0) & (grp["pvalue"].to_numpy() < 0.05)))
        assert v.families.set_index("estimate").loc[est, "share_supporting"] == pytest.approx(direct)
    fam = v.families.set_index("estimate")
    assert fam.loc["sigma_trend_A", "label"] == "σ convergence within the border regions of side A"
    assert fam.loc["sigma_trend_B", "label"] == "σ convergence within the border regions of side B"
    text = " ".join(v.sentences)
    for side in ("A", "B"):
        grp = t[t["estimate"] == f"sigma_trend_{side}"]
        n_sup = int(((grp["value"] < 0) & (grp["pvalue"] < 0.05)).sum())
        assert (f"σ convergence within the border regions of side {side} "
                f"({100 * n_sup / len(grp):.0f}% of {len(grp)}") in text
    assert "sigma_trend_A" not in text
