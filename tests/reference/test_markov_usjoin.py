"""Reference: PySAL's US state incomes (usjoin.csv, 48 states, 1929-2009), per-year quintiles.

Published transition counts (giddy documentation, Rey 2001 data): the counts below. The
probabilities, steady state and sojourn times are checked against values computed here from those
counts by other methods (power iteration, a linear solve), and against giddy's published steady
state [0.20774716, 0.18725774, 0.20740537, 0.18821787, 0.20937187].
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _refdata import missing, need_module

from crossborder import Panel
from crossborder.measures.dynamics import markov, spatial_markov

COUNTS = np.array([
    [729, 71, 1, 0, 0],
    [72, 567, 80, 3, 0],
    [0, 81, 631, 86, 2],
    [0, 3, 86, 573, 56],
    [0, 0, 1, 57, 741],
])
GIDDY_STEADY_STATE = np.array([0.20774716, 0.18725774, 0.20740537, 0.18821787, 0.20937187])


def _example(name: str) -> Path:
    try:
        import libpysal.examples as ex

        path = Path(ex.get_path(name))
    except Exception as exc:  # libpysal missing or the example not shipped
        missing(f"libpysal example {name} not available: {exc}")
    if not path.exists():
        missing(f"libpysal example {name} not found at {path.name}")
    return path


@pytest.fixture(scope="module")
def usjoin() -> pd.DataFrame:
    return pd.read_csv(_example("usjoin.csv"))


@pytest.fixture(scope="module")
def panel(usjoin: pd.DataFrame) -> Panel:
    years = [c for c in usjoin.columns if str(c).isdigit()]
    return Panel.from_wide(usjoin, region="Name", times=years, indicator="income")


def test_shape(panel: Panel) -> None:
    assert panel.shape == (48, 81)
    assert panel.times[0] == 1929 and panel.times[-1] == 2009


@pytest.mark.parametrize("relative", [False, True])
def test_counts_exact(panel: Panel, relative: bool) -> None:
    r = markov(panel, k=5, relative=relative)
    np.testing.assert_array_equal(r.counts, COUNTS)
    assert r.skipped == 0
    assert r.n_transitions == 48 * 80


def test_probabilities_and_steady_state(panel: Panel) -> None:
    r = markov(panel)
    p = COUNTS / COUNTS.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(r.probabilities, p, rtol=1e-12, atol=0)
    # steady state by power iteration: every row of P^n converges to pi
    pi_power = np.linalg.matrix_power(p, 20000)[0]
    # and by a linear solve of pi (P - I) = 0 with sum(pi) = 1 (last equation replaced)
    a = (p - np.eye(5)).T
    a[-1] = 1.0
    pi_solve = np.linalg.solve(a, np.r_[np.zeros(4), 1.0])
    np.testing.assert_allclose(pi_power, pi_solve, rtol=1e-9)
    np.testing.assert_allclose(r.steady_state, pi_solve, rtol=1e-9)
    np.testing.assert_allclose(r.steady_state, GIDDY_STEADY_STATE, rtol=1e-7)
    np.testing.assert_allclose(r.sojourn, 1.0 / (1.0 - np.diag(p)), rtol=1e-12)
    assert r.sojourn[0] == pytest.approx(801 / 72)  # 729 of 801 stay: 1 / (72/801)


def test_mobility(panel: Panel) -> None:
    r = markov(panel)
    p = COUNTS / COUNTS.sum(axis=1, keepdims=True)
    mob = r.mobility
    assert mob["shorrocks"] == pytest.approx((5 - np.trace(p)) / 4, rel=1e-12)
    # determinant from the product of the eigenvalues rather than np.linalg.det
    det = abs(np.prod(np.linalg.eigvals(p)).real)
    assert mob["determinant"] == pytest.approx(1 - det ** 0.25, rel=1e-9)
    assert mob["determinant_gmz"] == pytest.approx(1 - det, rel=1e-9)
    lam = sorted(np.abs(np.linalg.eigvals(p)))[-2]
    assert mob["l2"] == pytest.approx(1 - lam, rel=1e-9)


def test_against_giddy(usjoin: pd.DataFrame, panel: Panel) -> None:
    gm = need_module("giddy.markov")
    mc = need_module("mapclassify")
    y = usjoin[[c for c in usjoin.columns if str(c).isdigit()]].to_numpy(float)
    q = np.array([mc.Quantiles(y[:, t], k=5).yb for t in range(y.shape[1])]).T
    g = gm.Markov(q, summary=False)
    r = markov(panel)
    np.testing.assert_array_equal(r.classes, q)
    np.testing.assert_array_equal(r.counts, g.transitions)
    np.testing.assert_allclose(r.probabilities, g.p, rtol=1e-12)
    np.testing.assert_allclose(r.steady_state, g.steady_state, rtol=1e-9)


def test_spatial_markov_against_giddy(usjoin: pd.DataFrame, panel: Panel) -> None:
    gm = need_module("giddy.markov")
    import libpysal

    w = libpysal.io.open(str(_example("states48.gal"))).read()
    # the .gal ids are row positions of usjoin (0..47); relabel them with the state names
    names = list(usjoin["Name"])
    w = libpysal.weights.W({names[int(i)]: [names[int(j)] for j in nb]
                            for i, nb in w.neighbors.items()}, silence_warnings=True)
    r = spatial_markov(panel, w, k=5)
    y = usjoin[[c for c in usjoin.columns if str(c).isdigit()]].to_numpy(float)
    wg = libpysal.io.open(str(_example("states48.gal"))).read()
    wg.transform = "r"
    g = gm.Spatial_Markov(y, wg, k=5, m=5, fixed=False)
    np.testing.assert_array_equal(r.counts, g.T)
    np.testing.assert_allclose(r.probabilities, g.P, rtol=1e-12)
    np.testing.assert_array_equal(r.counts.sum(axis=0), COUNTS)
    assert r.islands == ()
