"""Rambachan & Roth (2023) relative magnitudes: the identified set against a linear programme over
the violations written out here, the robust interval and the breakdown value by hand, and the rows
the integration test adds where the leads are significant."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from shapely.geometry import box

from crossborder import Panel
from crossborder.study.integration import (
    did_relative_magnitudes,
    integration,
    relative_magnitudes,
)

# event times -3, -2 (leads), 0, 1, 2 (reference -1 left out)
K = [-3, -2, 0, 1, 2]
B = np.array([0.10, -0.05, -0.30, -0.40, -0.20])
V = np.diag([0.02, 0.01, 0.03, 0.02, 0.04]) ** 2 + 0.0001
DF = 20


def _lp_identified_set(mbar: float, l_post: np.ndarray) -> tuple[float, float]:
    """min / max of l'(beta_post - delta_post) over |delta_k - delta_{k-1}| <= mbar M (delta_-1 = 0),
    M the largest pre-period change of beta (delta_pre = beta_pre): a linear programme."""
    pre = np.r_[B[:2], 0.0]
    M = np.abs(np.diff(pre)).max()
    A, ub = [], []
    for j in range(3):                    # delta_j - delta_{j-1}, delta_{-1} = 0
        row = np.zeros(3)
        row[j] = 1.0
        if j:
            row[j - 1] = -1.0
        A += [row, -row]
        ub += [mbar * M, mbar * M]
    lo = optimize.linprog(l_post, A_ub=A, b_ub=ub, bounds=[(None, None)] * 3)   # min l'delta
    hi = optimize.linprog(-l_post, A_ub=A, b_ub=ub, bounds=[(None, None)] * 3)
    est = l_post @ B[2:]
    return est - (-hi.fun), est - lo.fun


@pytest.mark.parametrize("target", ["average", "impact"])
def test_identified_set_equals_the_linear_programme(target):
    l_post = np.array([1 / 3] * 3) if target == "average" else np.array([1.0, 0, 0])
    rm = relative_magnitudes(K, B, V, df=DF, target=target)
    assert rm.max_pre_change == pytest.approx(0.15)          # |-0.05 - 0.10|; |0 - (-0.05)| = 0.05
    for r in rm.table.itertuples():
        lo, hi = _lp_identified_set(r.mbar, l_post)
        assert (r.id_low, r.id_high) == pytest.approx((lo, hi), abs=1e-9)
    assert rm.weight == pytest.approx(2.0 if target == "average" else 1.0)   # mean of k + 1 over 0, 1, 2


def test_robust_interval_and_breakdown_by_hand():
    rm = relative_magnitudes(K, B, V, df=DF, mbars=(0, 0.5, 1, 2), alpha=0.1)
    lv = np.r_[0, 0, 1 / 3, 1 / 3, 1 / 3]
    est, se = lv @ B, np.sqrt(lv @ V @ lv)
    assert (rm.estimate, rm.se) == pytest.approx((est, se))
    # the pre-period changes d1 = b(-2) - b(-3), d2 = 0 - b(-2) and their standard errors
    d = np.array([B[1] - B[0], -B[1]])
    sd = np.sqrt([V[0, 0] + V[1, 1] - 2 * V[0, 1], V[1, 1]])
    m_up = np.max(np.abs(d) + stats.t.ppf(1 - 0.1 / 8, DF) * sd)
    assert rm.max_pre_change_upper == pytest.approx(m_up)
    t = rm.table.set_index("mbar")
    assert t.loc[0, "ci_high"] - est == pytest.approx(stats.t.ppf(0.95, DF) * se)
    for m in (0.5, 1, 2):
        half = stats.t.ppf(1 - 0.1 / 4, DF) * se + m * 2.0 * m_up
        assert (t.loc[m, "ci_low"], t.loc[m, "ci_high"]) == pytest.approx((est - half, est + half))
    want = (abs(est) - stats.t.ppf(1 - 0.1 / 4, DF) * se) / (2.0 * m_up)
    assert rm.breakdown == pytest.approx(want)
    assert rm.breakdown_id == pytest.approx(abs(est) / (2.0 * 0.15))
    # at the breakdown value the interval's upper end is 0
    at = relative_magnitudes(K, B, V, df=DF, mbars=(rm.breakdown,), alpha=0.1).table.iloc[0]
    assert at["ci_high"] == pytest.approx(0.0, abs=1e-12)


def test_breakdown_is_zero_when_the_plain_interval_includes_zero():
    b = B.copy()
    b[2:] = [0.01, -0.02, 0.005]
    assert relative_magnitudes(K, b, V, df=DF).breakdown == 0.0


@pytest.mark.parametrize(("k", "msg"), [([-3, -1, 0, 1, 2], "reference"), ([-4, -2, 0, 1, 2], "gap"),
                                        ([0, 1, 2, 3, 4], "needs a period")])
def test_bad_event_times(k, msg):
    with pytest.raises(ValueError, match=msg):
        relative_magnitudes(k, B, V, df=DF)


def test_order_of_the_event_times_does_not_matter():
    o = [3, 0, 4, 2, 1]
    a = relative_magnitudes(K, B, V, df=DF)
    b = relative_magnitudes([K[i] for i in o], B[o], V[np.ix_(o, o)], df=DF)
    pd.testing.assert_frame_equal(a.table, b.table)


YEARS = list(range(2006, 2017))
BREAK = 2012


def _trending(n: int = 6, trend: float = 0.06, seed: int = 3) -> tuple[Panel, gpd.GeoDataFrame]:
    """Cross-border gaps closing steadily before and after the break: significant leads."""
    rng = np.random.default_rng(seed)
    regions = [f"A{i}" for i in range(n)] + [f"B{i}" for i in range(n)]
    t = np.arange(len(YEARS))
    side_a = np.r_[np.ones(n), np.zeros(n)][:, None]
    logs = 1.5 * side_a - side_a * trend * t
    logs = logs + rng.normal(0, 0.01, logs.shape)
    geo = gpd.GeoDataFrame([{"region": f"{s}{i}", "country": s, "geometry": box(c, i, c + 1, i + 1)}
                            for s, c in (("A", 0), ("B", 1)) for i in range(n)], crs="EPSG:4326")
    return Panel.from_matrix(np.exp(logs), regions=regions, times=YEARS, groups=["A"] * n + ["B"] * n), geo


def test_integration_adds_the_sensitivity_where_leads_are_significant():
    panel, geo = _trending()
    res = integration(panel, [BREAK], geometry=geo, control="all", n_boot=99, placebo=False)
    d = res.did[BREAK]
    assert d.pretrend_pvalue < 0.05
    rows = res.inference[res.inference["test"] == "pretrend_rm"]
    assert list(rows["stat"]) == [0.0, 0.5, 1.0, 2.0]
    names = [f"k[{v}]" for v in d.event["rel_time"] if v != -1]
    rm = relative_magnitudes([v for v in d.event["rel_time"] if v != -1],
                             d.event_fit.params[names].to_numpy(),
                             d.event_fit.cov_params().loc[names, names].to_numpy(), df=d.n_clusters - 1)
    assert list(rows["ci_low"]) == pytest.approx(list(rm.table["ci_low"]))
    assert list(rows["estimate"]) == pytest.approx([rm.estimate] * 4)
    post = d.event[d.event["rel_time"] >= 0]["coef"]
    assert rm.estimate == pytest.approx(post.mean())
    bd = res.inference[res.inference["test"] == "pretrend_rm_breakdown"].iloc[0]
    assert bd["estimate"] == pytest.approx(rm.breakdown) and bd["stat"] == pytest.approx(rm.breakdown_id)
    assert did_relative_magnitudes(d).breakdown == pytest.approx(rm.breakdown)


def test_no_sensitivity_rows_without_significant_leads():
    rng = np.random.default_rng(9)             # (pairs share regions: many seeds reject)
    panel, geo = _trending(trend=0.0)
    panel = Panel.from_matrix(panel.to_matrix().values * np.exp(rng.normal(0, 0.05, (12, len(YEARS)))),
                              regions=list(panel.regions), times=YEARS, groups=["A"] * 6 + ["B"] * 6)
    res = integration(panel, [BREAK], geometry=geo, control="all", n_boot=99, placebo=False)
    d = res.did[BREAK]
    leads = d.event[d.event["rel_time"] <= -2]
    assert d.pretrend_pvalue > 0.3 and (leads["pvalue"] > 0.2).all()
    rows = res.inference[res.inference["test"].str.startswith("pretrend_rm")]
    assert len(rows) == 1 and rows.iloc[0]["detail"].startswith("not needed")


def test_three_leads_chain_their_changes():
    k = [-4, -3, -2, 0]
    b = np.array([0.5, 0.45, 0.0, -0.5])
    v = np.eye(4) * 0.01 ** 2
    rm = relative_magnitudes(k, b, v, df=DF, mbars=(1.0,), target="impact", alpha=0.1)
    # changes: 0.45 - 0.5, 0.0 - 0.45, 0 - 0.0: the largest is 0.45 (not b(-2) - b(-4) = 0.5)
    assert rm.max_pre_change == pytest.approx(0.45)
    sd = np.sqrt([2e-4, 2e-4, 1e-4])
    assert rm.max_pre_change_upper == pytest.approx(
        np.max(np.abs([-0.05, -0.45, 0.0]) + stats.t.ppf(1 - 0.1 / 12, DF) * sd))
    row = rm.table.iloc[0]
    assert list(rm.table.columns) == ["mbar", "coef", "id_low", "id_high", "ci_low", "ci_high",
                                      "estimate"]      # estimate: coef's old name, deprecated
    assert (row["coef"], row["id_low"], row["id_high"]) == pytest.approx((-0.5, -0.95, -0.05))
    assert row["estimate"] == row["coef"]
    assert (rm.target, rm.alpha) == ("impact", 0.1)


def test_leads_exactly_zero_never_break_down():
    v = np.diag([0.0, 0.0, 0.01, 0.01, 0.01]) ** 2          # leads known exactly: 0
    b = np.r_[0.0, 0.0, B[2:]]
    rm = relative_magnitudes(K, b, v, df=DF)
    assert rm.max_pre_change == 0.0 and rm.max_pre_change_upper == 0.0
    assert rm.breakdown == np.inf and rm.breakdown_id == np.inf
    t = rm.table
    assert (t["ci_high"] - t["ci_low"]).iloc[1:].nunique() == 1   # no violation to add: Mbar > 0 alike


@pytest.mark.parametrize(("args", "msg"), [
    (dict(target="mean"), r"^target must be 'average' or 'impact', not 'mean'$"),
    (dict(mbars=(-0.5,)), r"^Mbar must be >= 0$"),
    (dict(coef=B[:4]), r"^coef needs one value per event time and cov a square matrix of that size$"),
    (dict(cov=V[:4, :4]), r"^coef needs one value per event time and cov a square matrix of that size$"),
    (dict(k=[-3, -2, 1, 2, 3], target="impact"), r"^the impact target needs the event time k = 0$"),
    (dict(k=[-3, -1, 0, 1, 2]), r"^leave the reference period k = -1 out \(its coefficient is 0\)$"),
    (dict(k=[-4, -2, 0, 1, 2]), r"^the pre-break event times must run without a gap up to -2$"),
    (dict(k=[0, 1, 2, 3, 4]), r"^the relative-magnitudes bound needs a period before the reference "
                              r"and one from the break on$"),
])
def test_bad_arguments_say_what_is_wrong(args, msg):
    kw = {"k": K, "coef": B, "cov": V} | args
    k, coef, cov = kw.pop("k"), kw.pop("coef"), kw.pop("cov")
    with pytest.raises(ValueError, match=msg):
        relative_magnitudes(k, coef, cov, df=DF, **kw)
