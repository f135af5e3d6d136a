"""Boyle & McCarthy's multi-annual index of rank concordance (``gamma(..., kind="multiannual")``).

gamma*_T = Var(sum_{t=0}^{T} R_it) / ((T + 1)^2 Var(R_i0)) (Boyle & McCarthy 1997, Applied Economics
Letters 4: 509-512; 1999, 6: 113-115). Checked against a hand computation and against R convergEU's
``gamma_conv`` as printed in its vignette ("measuring-convergence", built 2020-06-10), whose code divides
by (T + 2)^2 instead of (T + 1)^2 and sums every year up to ``last`` (also those before ``ref``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossborder.measures.ranks import gamma, gamma_array, gamma_multiannual_array
from crossborder.panel import Panel

# convergEU's vignette toy table (time x country), and its two reshuffled copies
TOY = pd.DataFrame(
    {"countryA": [0.8, 1.2, 0.9, 1.3, 1.2, 1.2], "countryB": [2.7, 3.2, 2.9, 2.9, 3.1, 3.0],
     "countryC": [3.9, 4.2, 4.1, 4.0, 4.1, 4.0]},
    index=range(2000, 2006),
)
TOY2 = pd.DataFrame(  # timeCounTB2: 2001 and 2003 reshuffled
    {"countryA": [0.8, 4.2, 0.9, 4.0, 1.2, 1.2], "countryB": [2.7, 3.2, 2.9, 1.3, 3.1, 3.0],
     "countryC": [3.9, 1.2, 4.1, 2.9, 4.1, 4.0]},
    index=range(2000, 2006),
)
TOY3 = pd.DataFrame(  # timeCounTB3, as printed after its random permutation
    {"1": [0.8, 1.2, 4.1, 1.3, 4.1, 1.2], "2": [2.7, 3.2, 2.9, 4.0, 3.1, 4.0],
     "3": [3.9, 4.2, 0.9, 2.9, 1.2, 3.0]},
    index=range(2000, 2006),
)


def panel(wide: pd.DataFrame) -> Panel:
    return Panel.from_wide(wide.T)


def convergeu_corrected(printed: float, periods: int) -> float:
    """convergEU's printed value with its (T + 2)^2 replaced by the formula's (T + 1)^2, T + 1 =
    ``periods`` (the years from the table's first up to ``last``)."""
    return printed * (periods + 1) ** 2 / periods ** 2


def test_hand_computation():
    # ranks per year (A, B, C) of TOY2: 2000 (1,2,3), 2001 (3,2,1), 2002 (1,2,3), 2003 (3,1,2),
    # 2004 (1,2,3), 2005 (1,2,3); sums over 2000-2005: A 10, B 11, C 15, mean 12,
    # Var = (4 + 1 + 9) / 3 = 14/3; Var(R_0) = 2/3; gamma* = (14/3) / (36 * 2/3) = 7/36
    g = gamma(panel(TOY2), kind="multiannual")
    assert g.loc[2005, "gamma"] == pytest.approx(7 / 36, rel=1e-12)
    # over 2000-2003 only: sums A 8, B 7, C 9 -> Var 2/3; gamma* = (2/3) / (16 * 2/3) = 1/16
    assert g.loc[2003, "gamma"] == pytest.approx(1 / 16, rel=1e-12)
    # over 2000-2001: sums 4, 4, 4 -> 0 (the ranking fully reversed)
    assert abs(g.loc[2001, "gamma"]) < 1e-12
    assert (g["n"] == 3).all()


@pytest.mark.parametrize(("last", "printed"), [(2005, 0.7346939), (2004, 0.6944444), (2003, 0.64),
                                               (2002, 0.5625), (2001, 0.4444444)])
def test_convergeu_toy_once_corrected(last, printed):
    # ranks never change: the index is 1; convergEU prints ((T + 1) / (T + 2))^2
    periods = last - 2000 + 1
    ours = gamma(panel(TOY), ref=2000, last=last, kind="multiannual").loc[last, "gamma"]
    assert ours == pytest.approx(1.0, rel=1e-12)
    assert convergeu_corrected(printed, periods) == pytest.approx(ours, rel=1e-6)


@pytest.mark.parametrize(("wide", "printed"), [(TOY2, 0.1428571), (TOY3, 0.08163265)])
def test_convergeu_reshuffled_once_corrected(wide, printed):
    ours = gamma(panel(wide), kind="multiannual").loc[2005, "gamma"]
    assert ours == pytest.approx(convergeu_corrected(printed, 6), rel=1e-6)
    # and the uncorrected formula of its code, recomputed here, is the printed number
    ranks = wide.rank(axis=1).to_numpy()
    code = np.var(ranks.sum(axis=0)) / np.var(7 * ranks[0])
    assert code == pytest.approx(printed, rel=1e-6)


def test_two_periods_is_the_binary_index():
    rng = np.random.default_rng(3)
    y = rng.normal(size=(15, 5))
    g, _ = gamma_multiannual_array(y[:, [0, 3]])
    b, _ = gamma_array(y[:, [0, 3]], 0)
    assert g[1] == pytest.approx(b[1], rel=1e-12)


def test_against_scipy_ranks_with_missing_values():
    """A region missing a year leaves every window that contains it; ties get average ranks."""
    from scipy.stats import rankdata

    rng = np.random.default_rng(11)
    y = np.round(rng.normal(size=(12, 6)), 1)
    y[4, 3] = np.nan
    y[7, 0] = y[2, 0]  # a tie in the reference year
    g, n = gamma_multiannual_array(y)
    for t in range(1, 6):
        rows = np.isfinite(y[:, : t + 1]).all(axis=1)
        r = np.column_stack([rankdata(y[rows, s]) for s in range(t + 1)])
        want = np.var(r.sum(axis=1)) / ((t + 1) ** 2 * np.var(r[:, 0]))
        assert g[t] == pytest.approx(want, rel=1e-12)
        assert n[t] == rows.sum()
    assert n[2] == 12 and n[3] == 11


def test_window_and_kind_checked():
    p = panel(TOY2)
    g = gamma(p, ref=2001, last=2004, kind="multiannual")
    assert list(g.index) == [2001, 2002, 2003, 2004]
    # from 2001: ranks (3,2,1), (1,2,3), (3,1,2), (1,2,3): sums 8, 7, 9 over 4 years -> (2/3)/(16*2/3)
    assert g.loc[2004, "gamma"] == pytest.approx(1 / 16, rel=1e-12)
    with pytest.raises(ValueError, match="kind"):
        gamma(p, kind="pairwise")


def test_cli_multiannual(tmp_path, capsys):
    """``crossborder gamma --multiannual`` on convergEU's reshuffled toy table: 7/36 over six years."""
    import json

    from crossborder.cli import main

    long = TOY2.rename_axis("year").reset_index().melt(id_vars="year", var_name="region")
    long.to_csv(tmp_path / "toy.csv", index=False)
    assert main(["gamma", "--data", str(tmp_path / "toy.csv"), "--multiannual", "--json"]) == 0
    got = pd.DataFrame(json.loads(capsys.readouterr().out)).set_index("time")
    assert got.loc[2005, "gamma"] == pytest.approx(7 / 36, rel=1e-12)
    assert got.loc[2003, "gamma"] == pytest.approx(1 / 16, rel=1e-12)
    assert main(["gamma", "--data", str(tmp_path / "toy.csv"), "--json"]) == 0
    binary = pd.DataFrame(json.loads(capsys.readouterr().out)).set_index("time")
    # binary 2005 against 2000: ranks unchanged -> 1, unlike the multi-annual index
    assert binary.loc[2005, "gamma"] == pytest.approx(1.0, rel=1e-12)
