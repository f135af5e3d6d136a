"""Published values: REAT's inline examples (Wieland, REAT R package) and convergEU's toy panel.

Each number is the one printed in the issue (REAT/convergEU documentation); where the peer prints a
different value because it uses a non-textbook formula, the test checks our textbook value and, with
``compat=``, the peer's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossborder.measures.dispersion import inequality, sigma
from crossborder.measures.frontier import delta
from crossborder.panel import Panel

GDP = np.array([460.69, 549.19, 124.16, 65.29, 31.59, 109.27, 263.44, 39.87, 258.53, 645.59,
                131.95, 35.03, 112.66, 56.22, 85.61, 56.81])
POP = np.array([10879618, 12843514, 3520031, 2484826, 671489, 1787408, 6176172, 1612362,
                7926599, 17865516, 4052803, 995597, 4084851, 2245470, 2858714, 2170714],
               dtype=float)

SIG6 = {"rel": 5e-7}  # at least 6 significant digits


def one(measure, values, weights=None, **kw):
    out, _ = inequality(values, measure, weights, **kw)
    assert out.shape == (1,)
    return float(out[0])


def test_gini_reat_gdp():
    assert one("gini", GDP) == pytest.approx(0.5009348, **SIG6)


def test_gini_small():
    assert one("gini", [20, 50, 20, 10]) == pytest.approx(0.3, rel=1e-12)


def test_hoover_totals_and_per_capita_agree():
    # REAT: hoover(gdp, pop); as a per-capita panel with population weights it is the same number
    assert one("hoover", GDP, POP, totals=True) == pytest.approx(0.07358991, **SIG6)
    assert one("hoover", GDP / POP, POP) == pytest.approx(0.07358991, **SIG6)


def test_williamson_textbook_and_reat():
    assert one("williamson", GDP / POP, POP) == pytest.approx(0.1873097, **SIG6)
    assert one("williamson", GDP / POP, POP, compat="reat") == pytest.approx(0.1909018, **SIG6)


def test_cv_ddof():
    assert one("cv", GDP / POP, ddof=1) == pytest.approx(0.2772080, **SIG6)
    assert one("cv", GDP / POP, ddof=0) == pytest.approx(0.2684055, **SIG6)


def test_theil_and_mld():
    x = [10, 10, 10, 20, 50]
    assert one("theil", x) == pytest.approx(0.2502012, **SIG6)
    assert one("mld", x) == pytest.approx(0.232630162, rel=1e-9)  # REAT's "theil"


def test_weighted_gini():
    inc = [500, 1500, 2500, 4000, 7500, 15000]
    w = [1000, 1200, 1600, 400, 200, 600]
    assert one("gini", inc, w) == pytest.approx(0.527826087, rel=1e-9)


def test_atkinson():
    assert one("atkinson", [100, 0, 0, 0], epsilon=0.8) == pytest.approx(0.99609375, rel=1e-12)


def test_reat_numbers_through_a_panel():
    p = Panel.from_matrix(GDP / POP, regions=[f"r{i}" for i in range(16)], times=[2000],
                          weights=POP)
    s = sigma(p, ["williamson", "hoover", "cv"], ddof=0)
    assert s.loc[2000, "williamson"] == pytest.approx(0.1873097, **SIG6)
    assert s.loc[2000, "hoover"] == pytest.approx(0.07358991, **SIG6)
    assert s.loc[2000, "cv"] == pytest.approx(0.2684055, **SIG6)
    assert s.loc[2000, "n"] == 16


# ---------------------------------------------------------------- convergEU toy panel
TOY = pd.DataFrame(
    {"A": [0.8, 1.2, 0.9, 1.3, 1.2, 1.2], "B": [2.7, 3.2, 2.9, 2.9, 3.1, 3.0],
     "C": [3.9, 4.2, 4.1, 4.0, 4.1, 4.0]},
    index=range(2000, 2006),
)


@pytest.fixture
def toy() -> Panel:
    return Panel.from_wide(TOY.T)


def test_convergeu_sd(toy):
    s = sigma(toy, "sd", ddof=0)
    expected = [1.276279, 1.247219, 1.319933, 1.108553, 1.202775, 1.158543]
    np.testing.assert_allclose(s["sd"].to_numpy(), expected, rtol=5e-7)
    assert list(s.index) == list(range(2000, 2006))
    assert (s["n"] == 3).all()


def test_convergeu_delta(toy):
    d = delta(toy)
    np.testing.assert_allclose(d.delta.to_numpy(), [4.3, 4.0, 4.4, 3.8, 3.9, 3.8], rtol=1e-9)
    assert (d.table["best_region"] == "C").all()
