"""Spatial dependence in the residuals of beta regressions (measures.spatial.beta_residual_tests, the
study piece crossborder.beta_spatial, the report's beta section).

The statistics are recomputed here by hand from the textbook formulas (Anselin 1988, ch. 13; Anselin,
Bera, Florax & Yoon 1996) with numpy, Moran's I also with esda, and the spatial models with spreg
called directly on the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crossborder.errors import DataError
from crossborder.measures.beta import beta, beta_panel
from crossborder.measures.spatial import _choose, beta_residual_tests
from crossborder.panel import Panel

libpysal = pytest.importorskip("libpysal")
spreg = pytest.importorskip("spreg")

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")  # spreg's own pandas calls


def lattice(side: int) -> tuple[list[str], object, np.ndarray]:
    """Rook contiguity on a side x side grid with string ids; the row-standardised dense matrix."""
    base = libpysal.weights.lat2W(side, side)
    ids = [f"r{i:03d}" for i in range(side * side)]
    w = libpysal.weights.W({ids[k]: [ids[j] for j in v] for k, v in base.neighbors.items()},
                           id_order=ids)
    m = w.full()[0]
    return ids, w, m / m.sum(axis=1, keepdims=True)


def make_panel(side: int, rho: float, model: str, seed: int) -> tuple[Panel, object, np.ndarray]:
    ids, w, W = lattice(side)
    n = side * side
    rng = np.random.default_rng(seed)
    x0 = rng.normal(9.0, 0.5, n)
    eps = rng.normal(0.0, 0.01, n)
    a = np.linalg.inv(np.eye(n) - rho * W)
    if model == "error":
        g = 0.05 - 0.02 * (x0 - 9.0) + a @ eps
    else:  # lag
        g = a @ (0.05 - 0.02 * (x0 - 9.0) + eps)
    groups = ["A" if i < n // 2 else "B" for i in range(n)]
    p = Panel.from_matrix(np.exp(np.column_stack([x0, x0 + 10.0 * g])), regions=ids,
                          times=[2000, 2010], groups=groups)
    return p, w, W


def by_hand(y: np.ndarray, X: np.ndarray, W: np.ndarray) -> dict[str, float]:
    """Moran's I of the OLS residuals and the LM statistics, textbook formulas."""
    n = len(y)
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ b
    s2 = e @ e / n
    T = np.trace(W.T @ W + W @ W)
    M = np.eye(n) - X @ np.linalg.solve(X.T @ X, X.T)
    wxb = W @ X @ b
    nj = (wxb @ M @ wxb + T * s2) / s2
    d_err = e @ W @ e / s2
    d_lag = e @ W @ y / s2
    return {
        "moran_res": n / W.sum() * (e @ W @ e) / (e @ e),
        "lm_error": d_err ** 2 / T,
        "lm_lag": d_lag ** 2 / nj,
        "rlm_lag": (d_lag - d_err) ** 2 / (nj - T),
        "rlm_error": (d_err - T / nj * d_lag) ** 2 / (T * (1.0 - T / nj)),
    }


@pytest.mark.parametrize("controls", [None, "group"])
def test_statistics_by_hand(controls):
    p, w, W = make_panel(7, 0.6, "error", seed=3)
    res = beta(p, controls=controls)
    chk = beta_residual_tests(res, w)
    m = p.to_matrix().values
    x0 = np.log(m[:, 0])
    y = (np.log(m[:, 1]) - x0) / 10.0
    cols = [np.ones(len(y)), x0] + ([np.array([g == "B" for g in p.group_labels()], float)]
                                    if controls else [])
    want = by_hand(y, np.column_stack(cols), W)
    t = chk.to_frame()
    for name, value in want.items():
        assert t.at[name, "stat"] == pytest.approx(value, rel=1e-9), name
    for name in ("lm_lag", "lm_error", "rlm_lag", "rlm_error"):
        assert t.at[name, "pvalue"] == pytest.approx(stats.chi2.sf(want[name], 1), rel=1e-9)
    esda = pytest.importorskip("esda")
    e = y - np.column_stack(cols) @ np.linalg.lstsq(np.column_stack(cols), y, rcond=None)[0]
    assert t.at["moran_res", "stat"] == pytest.approx(esda.Moran(e, w, permutations=0).I, rel=1e-9)
    assert chk.ols_beta == pytest.approx(res.beta, rel=1e-12) and chk.n == 49


@pytest.mark.parametrize("kind", ["error", "lag"])
def test_rejects_and_fits_the_spatial_model(kind):
    """Strong spatial dependence: the tests reject and the spatial model is spreg's, fitted here."""
    p, w, _ = make_panel(10, 0.8, kind, seed=5)
    res = beta(p)
    chk = beta_residual_tests(res, w)
    t = chk.to_frame()
    assert min(t.at["lm_lag", "pvalue"], t.at["lm_error", "pvalue"]) < 0.01
    assert chk.model in ("lag", "error") and chk.spatial is not None
    m = p.to_matrix().values
    x0 = np.log(m[:, 0])[:, None]
    y = ((np.log(m[:, 1]) - np.log(m[:, 0])) / 10.0)[:, None]
    wr = libpysal.weights.W(w.neighbors, id_order=w.id_order)
    wr.transform = "r"
    est = (spreg.ML_Lag if chk.model == "lag" else spreg.ML_Error)(y, x0, w=wr)
    se = np.sqrt(np.diag(est.vm))
    assert chk.spatial["beta"] == pytest.approx(float(est.betas[1, 0]), rel=1e-6)
    assert chk.spatial["se"] == pytest.approx(float(se[1]), rel=1e-6)
    assert chk.spatial["spatial_coef"] == pytest.approx(float(est.betas[-1, 0]), rel=1e-6)
    assert chk.spatial["spatial"] == ("rho" if chk.model == "lag" else "lambda")
    row = chk.to_row()
    assert row["model"] == chk.model and row["ols_beta"] == pytest.approx(res.beta, rel=1e-12)


def test_choice_of_model():
    def table(p_lag, p_err, r_lag, r_err, s_lag=1.0, s_err=2.0):
        return pd.DataFrame({"stat": [0.1, 5.0, 5.0, s_lag, s_err],
                             "pvalue": [0.01, p_lag, p_err, r_lag, r_err]},
                            index=["moran_res", "lm_lag", "lm_error", "rlm_lag", "rlm_error"])

    assert _choose(table(0.2, 0.3, 0.5, 0.5), 0.05)[0] is None
    assert _choose(table(0.01, 0.3, 0.5, 0.5), 0.05)[0] == "lag"
    assert _choose(table(0.2, 0.01, 0.5, 0.5), 0.05)[0] == "error"
    assert _choose(table(0.01, 0.01, 0.01, 0.5), 0.05)[0] == "lag"
    assert _choose(table(0.01, 0.01, 0.5, 0.01), 0.05)[0] == "error"
    assert _choose(table(0.01, 0.01, 0.5, 0.6, s_lag=3.0, s_err=0.5), 0.05)[0] == "lag"
    assert _choose(table(0.01, 0.01, 0.01, 0.02, s_lag=3.0, s_err=4.0), 0.05)[0] == "error"


def test_refuses_weighted_and_panel_beta():
    p, w, _ = make_panel(5, 0.3, "error", seed=1)
    wp = Panel.from_matrix(p.to_matrix().values, regions=list(p.regions), times=[2000, 2010],
                           weights=np.ones(25))
    with pytest.raises(DataError, match="unweighted"):
        beta_residual_tests(beta(wp, weighted=True), w)
    long = Panel.from_matrix(np.exp(np.random.default_rng(2).normal(9, 0.3, (25, 7))),
                             regions=list(p.regions), times=list(range(2000, 2007)))
    with pytest.raises(DataError, match="cross-section"):
        beta_residual_tests(beta_panel(long, window=3, cluster=None), w)


def test_study_piece_on_the_bundled_case():
    """All 95 regions: residuals of both baseline betas are spatially dependent; the error model
    is chosen; the two exclave/island regions have no neighbour."""
    import crossborder as cb
    from crossborder.beta_spatial import baseline_beta_spatial, contiguity_weights
    from crossborder.study import study_panel

    ds = cb.load_dataset("ru-kz")
    p = study_panel(ds, regions="all")
    w = contiguity_weights(ds, p.regions)
    t = baseline_beta_spatial(p, w)
    assert list(t["specification"]) == ["absolute", "conditional on country"]
    assert set(t.attrs["islands"]) >= {"RU-KGD", "RU-SAK"}
    direct = beta_residual_tests(beta(p), w)
    row = t.iloc[0]
    assert row["ols_beta"] == pytest.approx(beta(p).beta, rel=1e-12)
    assert row["moran_I"] == pytest.approx(direct.to_frame().at["moran_res", "stat"], rel=1e-12)
    assert row["model"] == direct.model
    if row["model"] != "OLS":
        assert row["beta"] == pytest.approx(direct.spatial["beta"], rel=1e-9)
        assert np.isfinite(row["se"]) and row["se"] > 0


def test_report_beta_section_shows_the_diagnostics(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import crossborder as cb
    from crossborder.report.model import ReportContext
    from crossborder.report.outputs import OutputDir
    from crossborder.report.sections import beta as section

    ctx = ReportContext(ds=cb.load_dataset("ru-kz"), out=OutputDir(tmp_path))
    s = section.build(ctx)
    captions = [b.caption for b in s.blocks if b.kind == "table"]
    assert any("Spatial dependence of the β residuals" in c for c in captions)
    table = pd.read_csv(tmp_path / "tables" / "beta_spatial.csv")
    assert set(table["regions"]) == {"border regions", "all regions"}
    assert {"moran_I", "lm_lag_p", "lm_error_p", "model", "beta", "se"} <= set(table.columns)
    assert any("Residual spatial dependence" in r for r in s.reading)
    spatial = table[table["model"] != "OLS"]
    for _, r in spatial.iterrows():  # the spatial β stands beside the OLS one, with its se
        assert np.isfinite(r["beta"]) and r["se"] > 0
        assert f"{r['beta']:.4f}" in " ".join(s.reading)
