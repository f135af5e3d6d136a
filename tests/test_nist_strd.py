"""Our OLS path against the NIST StRD certified values (linear regression).

Source: NIST Statistical Reference Datasets, linear least squares regression
(https://www.itl.nist.gov/div898/strd/lls/lls.shtml), files Norris.dat, Longley.dat and
Wampler1.dat ... Wampler5.dat (public domain). The data below are typed in from those files; the
certified estimates and standard deviations of estimate are quoted from them at the 15 significant
digits they give. Wampler1's y is 1 + x + ... + x^5 and Wampler2's 1 + 0.1 x + ... + 1e-5 x^5 at
x = 0 .. 20, as the files list them (exact in double precision).

The regression goes through the public path: :func:`crossborder.beta` with ``log=False,
annualize=False`` regresses (end - start) on start and the controls, so start = x1, end = x1 + y and
the other regressors as controls reproduce the NIST model; ``controls="group"`` with a second group
of one region runs the within-group (Frisch-Waugh-Lovell) path, whose slope, constant and standard
errors then equal the single-group certified values exactly.

Digits (LRE, log relative error, measured by this file's runs): Norris 13.9+ (normal equations),
Longley 13.8+ for the coefficients and 14.7+ for the standard errors (centred QR; the normal
equations gave 10.9-12), Wampler1 and 3 coefficients 10.2+, Wampler2 13.1+, standard errors 13.9+.
Wampler4 and 5 are the limit of double precision: with R^2 = 0.96 and 0.002 the coefficients' forward
error of any backward-stable solver grows with cond(X)^2 |r| (Golub & Van Loan 2013, thm 5.3.1), and we
get 8.6 and 6.6 digits (statsmodels' pinv 7.8 and 5.8); their standard errors keep 13.9+ digits. The
tests assert about one digit less than measured, so that a BLAS change does not fail them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossborder.measures.beta import beta
from crossborder.panel import Panel

# ------------------------------------------------------------------------- Norris (lower difficulty)
NORRIS_Y = [0.1, 338.8, 118.1, 888.0, 9.2, 228.1, 668.5, 998.5, 449.1, 778.9, 559.2, 0.3, 0.1, 778.1,
            668.8, 339.3, 448.9, 10.8, 557.7, 228.3, 998.0, 888.8, 119.6, 0.3, 0.6, 557.6, 339.3,
            888.0, 998.5, 778.9, 10.2, 117.6, 228.9, 668.4, 449.2, 0.2]
NORRIS_X = [0.2, 337.4, 118.2, 884.6, 10.1, 226.5, 666.3, 996.3, 448.6, 777.0, 558.2, 0.4, 0.6,
            775.5, 666.9, 338.0, 447.5, 11.6, 556.0, 228.1, 995.8, 887.6, 120.2, 0.3, 0.3, 556.8,
            339.1, 887.2, 999.0, 779.0, 11.1, 118.3, 229.2, 669.1, 448.9, 0.5]
NORRIS_B = [-0.262323073774029, 1.00211681802045]
NORRIS_SE = [0.232818234301152, 0.429796848199937e-03]
NORRIS_R2 = 0.999993745883712

# ------------------------------------------------------------------------ Longley (higher difficulty)
# y (total derived employment), x1 GNP deflator, x2 GNP, x3 unemployed, x4 armed forces,
# x5 population, x6 year
LONGLEY = np.array([
    [60323, 83.0, 234289, 2356, 1590, 107608, 1947], [61122, 88.5, 259426, 2325, 1456, 108632, 1948],
    [60171, 88.2, 258054, 3682, 1616, 109773, 1949], [61187, 89.5, 284599, 3351, 1650, 110929, 1950],
    [63221, 96.2, 328975, 2099, 3099, 112075, 1951], [63639, 98.1, 346999, 1932, 3594, 113270, 1952],
    [64989, 99.0, 365385, 1870, 3547, 115094, 1953], [63761, 100.0, 363112, 3578, 3350, 116219, 1954],
    [66019, 101.2, 397469, 2904, 3048, 117388, 1955], [67857, 104.6, 419180, 2822, 2857, 118734, 1956],
    [68169, 108.4, 442769, 2936, 2798, 120445, 1957], [66513, 110.8, 444546, 4681, 2637, 121950, 1958],
    [68655, 112.6, 482704, 3813, 2552, 123366, 1959], [69564, 114.2, 502601, 3931, 2514, 125368, 1960],
    [69331, 115.7, 518173, 4806, 2572, 127852, 1961], [70551, 116.9, 554894, 4007, 2827, 130081, 1962],
])
LONGLEY_B = [-3482258.63459582, 15.0618722713733, -0.358191792925910e-01, -2.02022980381683,
             -1.03322686717359, -0.511041056535807e-01, 1829.15146461355]
LONGLEY_SE = [890420.383607373, 84.9149257747669, 0.334910077722432e-01, 0.488399681651699,
              0.214274163161675, 0.226073200069370, 455.478499142212]
LONGLEY_R2 = 0.995479004577296

# ------------------------------------------------------------ Wampler 1-5 (higher difficulty)
WX = np.arange(21.0)
WAMPLER1_Y = 1 + WX + WX ** 2 + WX ** 3 + WX ** 4 + WX ** 5
WAMPLER2_Y = 1 + 0.1 * WX + 0.01 * WX ** 2 + 0.001 * WX ** 3 + 1e-4 * WX ** 4 + 1e-5 * WX ** 5
WAMPLER3_Y = [760, -2042, 2111, -1684, 3888, 1858, 11379, 17560, 39287, 64382, 113159, 175108, 273291,
              400186, 581243, 811568, 1121004, 1506550, 2002767, 2611612, 3369180]
WAMPLER4_Y = [75901, -204794, 204863, -204436, 253665, -200894, 214131, -185192, 221249, -138370,
              315911, -27644, 455253, 197434, 783995, 608816, 1370781, 1303798, 2205519, 2408860,
              3444321]
WAMPLER5_Y = [7590001, -20479994, 20480063, -20479636, 25231365, -20476094, 20489331, -20460392,
              18417449, -20413570, 20591111, -20302844, 18651453, -20077766, 21059195, -19666384,
              26348481, -18971402, 22480719, -17866340, 10958421]
WAMPLER_B = {1: [1.0] * 6, 2: [1.0, 0.1, 0.01, 0.001, 1e-4, 1e-5], 3: [1.0] * 6, 4: [1.0] * 6,
             5: [1.0] * 6}
WAMPLER_SE = {
    3: [2152.32624678170, 2363.55173469681, 779.343524331583, 101.475507550350, 5.64566512170752,
        0.112324854679312],
    4: [215232.624678170, 236355.173469681, 77934.3524331583, 10147.5507550350, 564.566512170752,
        11.2324854679312],
    5: [21523262.4678170, 23635517.3469681, 7793435.24331583, 1014755.07550350, 56456.6512170752,
        1123.24854679312],
}
WAMPLER_R2 = {3: 0.999995559025820, 4: 0.957478440825662, 5: 0.224668921574940e-02}
WAMPLER_Y = {1: WAMPLER1_Y, 2: WAMPLER2_Y, 3: WAMPLER3_Y, 4: WAMPLER4_Y, 5: WAMPLER5_Y}
# digits asserted for the coefficients (one below the measured LRE; see the module docstring)
WAMPLER_DIGITS = {1: 9.5, 2: 12, 3: 9.5, 4: 7.5, 5: 5.5}


def fit(y, X: np.ndarray, robust: str | None = None):
    """``beta`` of the NIST model y = b0 + b1 x1 + ... through the public path."""
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    regions = [f"r{i:03d}" for i in range(len(y))]
    panel = Panel.from_matrix(np.column_stack([X[:, 0], X[:, 0] + y]), regions=regions, times=[0, 1])
    controls = None
    if X.shape[1] > 1:
        controls = pd.DataFrame(X[:, 1:], index=regions, columns=[f"x{j}" for j in range(2, X.shape[1] + 1)])
    return beta(panel, controls=controls, log=False, annualize=False, robust=robust)


def lre(got, cert) -> np.ndarray:
    """Log relative error: the number of correct significant digits."""
    got, cert = np.asarray(got, dtype=float), np.asarray(cert, dtype=float)
    with np.errstate(divide="ignore"):
        return -np.log10(np.abs(got - cert) / np.abs(cert))


def test_norris_closed_form():
    res = fit(NORRIS_Y, np.array(NORRIS_X)[:, None])
    t = res.to_frame()
    assert res.solver == "cholesky"
    assert lre(t["coef"], NORRIS_B).min() > 12
    assert lre(t["se"], NORRIS_SE).min() > 12
    assert lre(res.r2, NORRIS_R2) > 12


def test_norris_within_group_path():
    """Group dummies by FWL: a second group of one region is fitted exactly by its own dummy, so the
    slope, the first group's constant and their errors are Norris's certified values."""
    n = len(NORRIS_Y)
    x = np.r_[NORRIS_X, 500.0]
    y = np.r_[NORRIS_Y, 123.4]
    regions = [f"r{i:03d}" for i in range(n + 1)]
    panel = Panel.from_matrix(np.column_stack([x, x + y]), regions=regions, times=[0, 1],
                              groups=["A"] * n + ["B"])
    res = beta(panel, controls="group", log=False, annualize=False)
    assert res.solver == "within"
    t = res.to_frame()
    assert lre(t.loc[["const", "initial"], "coef"], NORRIS_B).min() > 12
    assert lre(t.loc[["const", "initial"], "se"], NORRIS_SE).min() > 12
    # the dummy: the extra region's residual from the Norris line is zero
    assert t.loc["group_B", "coef"] == pytest.approx(123.4 - (NORRIS_B[0] + NORRIS_B[1] * 500.0),
                                                     rel=1e-10)


def test_longley():
    res = fit(LONGLEY[:, 0], LONGLEY[:, 1:])
    t = res.to_frame()
    assert res.solver == "qr"  # cond(X) 4e4 after scaling: the normal equations lose 2-3 digits
    assert lre(t["coef"], LONGLEY_B).min() > 13
    assert lre(t["se"], LONGLEY_SE).min() > 13.5
    assert lre(res.r2, LONGLEY_R2) > 13


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_wampler(k):
    X = np.column_stack([WX ** j for j in range(1, 6)])
    res = fit(WAMPLER_Y[k], X)
    t = res.to_frame()
    assert res.solver == "qr"
    assert lre(t["coef"], WAMPLER_B[k]).min() > WAMPLER_DIGITS[k]
    if k in WAMPLER_SE:
        assert lre(t["se"], WAMPLER_SE[k]).min() > 13
        assert lre(res.r2, WAMPLER_R2[k]) > 10
    else:  # an exact fit: certified standard errors 0, ours round-off
        assert (t["se"].to_numpy() < 1e-6 * np.abs(WAMPLER_B[k])).all()


def test_qr_keeps_the_digits_the_normal_equations_lose():
    """Wampler4's standard errors by the normal equations (Cholesky of X'X, as the fast path does on
    well-conditioned designs) keep ~10 digits; the QR fallback that ran keeps 13.9+."""
    X = np.column_stack([np.ones(21)] + [WX ** j for j in range(1, 6)])
    y = np.asarray(WAMPLER4_Y, dtype=float)
    d = np.linalg.norm(X, axis=0)
    Xs = X / d
    c = np.linalg.cholesky(Xs.T @ Xs)
    g = np.linalg.inv(c).T @ np.linalg.inv(c)
    b = g @ (Xs.T @ y)
    e = y - Xs @ b
    se_normal = np.sqrt(np.diag(g) * (e @ e) / (21 - 6)) / d
    se_ours = fit(y, X[:, 1:]).to_frame()["se"].to_numpy()
    assert lre(se_ours, WAMPLER_SE[4]).min() > lre(se_normal, WAMPLER_SE[4]).min() + 1


def test_robust_errors_on_the_qr_path_match_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    X = LONGLEY[:, 1:]
    for cov in ("HC0", "HC1", "HC2", "HC3"):
        res = fit(LONGLEY[:, 0], X, robust=cov)
        assert res.solver == "qr"
        want = sm.OLS(LONGLEY[:, 0], sm.add_constant(X)).fit(cov_type=cov).bse
        np.testing.assert_allclose(res.to_frame()["se"].to_numpy(), want, rtol=1e-7)


def test_weighted_qr_path_matches_statsmodels():
    """WLS on the QR path (centring on weighted means, leverages w_i / W + z_i'Gz_i)."""
    sm = pytest.importorskip("statsmodels.api")
    y, X = LONGLEY[:, 0], LONGLEY[:, 1:]
    w = np.linspace(1.0, 3.0, len(y))
    regions = [f"r{i:03d}" for i in range(len(y))]
    panel = Panel.from_matrix(np.column_stack([X[:, 0], X[:, 0] + y]), regions=regions, times=[0, 1],
                              weights=w)
    controls = pd.DataFrame(X[:, 1:], index=regions, columns=[f"x{j}" for j in range(2, 7)])
    for cov in (None, "HC1", "HC3"):
        res = beta(panel, controls=controls, log=False, annualize=False, weighted=True, robust=cov)
        assert res.solver == "qr"
        want = sm.WLS(y, sm.add_constant(X), weights=w).fit(cov_type=cov or "nonrobust")
        t = res.to_frame()
        np.testing.assert_allclose(t["coef"].to_numpy(), want.params, rtol=1e-8)
        np.testing.assert_allclose(t["se"].to_numpy(), want.bse, rtol=1e-7)
        assert res.r2 == pytest.approx(want.rsquared, rel=1e-10)
