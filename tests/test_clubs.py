"""Phillips–Sul log t test, clubs, merging and the HP filter on synthetic panels."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from crossborder.errors import DataError
from crossborder.measures.clubs import (
    Club,
    ClubsResult,
    _design,
    _Engine,
    _group_h,
    clubs,
    log_t,
    merge_clubs,
    relative_transition,
)
from crossborder.measures.hpfilter import hp_filter
from crossborder.panel import Panel


def make_clubs(sizes=(8, 8, 8), T=30, seed=0, gap=0.6, sd=0.2):
    """Clubs at levels `gap` apart; inside a club deviations shrink like 1/t."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, T + 1)
    rows, labels = [], []
    for k, n in enumerate(sizes):
        c = rng.normal(0, sd, (n, 1))
        e = rng.normal(0, 0.01, (n, T))
        rows.append(8 + 0.02 * t + gap * (len(sizes) - k) + (c + e) / t)
        labels += [k] * n
    return np.vstack(rows), np.array(labels)


# ------------------------------------------------------------------ naive references
def naive_H(x):
    h = x / x.mean(axis=0)
    return ((h - 1) ** 2).mean(axis=0)


def naive_regression(H, trim=1 / 3):
    T = len(H)
    k0 = int(round(T * trim))
    t = np.arange(k0 + 1, T + 1)
    y = np.log(H[0] / H[k0:]) - 2 * np.log(np.log(t))
    Z = np.column_stack([np.ones(len(t)), np.log(t)])
    coef = np.linalg.solve(Z.T @ Z, Z.T @ y)
    return Z, coef, y - Z @ coef


def qs(z):
    a = 6 * np.pi * z / 5
    return 25 / (12 * np.pi**2 * z**2) * (np.sin(a) / a - np.cos(a))


def naive_fqsb_se(H, trim=1 / 3):
    """Phillips & Sul's GAUSS long-run variance, written as plain loops."""
    Z, coef, u = naive_regression(H, trim)
    n = len(u)
    rho = sum(u[s] * u[s + 1] for s in range(n - 1)) / sum(u[s] ** 2 for s in range(n - 1))
    bw = 1.3221 * (4 * rho**2 / (1 - rho) ** 4 * n) ** 0.2
    m = n - 1
    lrv = sum(u[s] ** 2 for s in range(n)) / m
    for j in range(1, m):
        lrv += 2 * qs(j / bw) * sum(u[s] * u[s + j] for s in range(m - j)) / m
    return coef[1], np.sqrt(lrv * np.linalg.inv(Z.T @ Z)[1, 1])


def naive_aqsb_se(H, trim=1 / 3):
    """Andrews (1991) kernel HAC sandwich with the automatic AR(1) bandwidth, as loops."""
    Z, coef, u = naive_regression(H, trim)
    n, k = Z.shape
    psi = Z * u[:, None]
    s = psi[:, 1]
    X = np.column_stack([np.ones(n - 1), s[:-1]])
    rho = np.linalg.lstsq(X, s[1:], rcond=None)[0][1]
    bw = 1.3221 * (4 * rho**2 / (1 - rho) ** 4 * n) ** 0.2
    S = psi.T @ psi
    for j in range(1, n):
        w = qs(j / bw)
        if abs(w) <= 1e-7 and all(abs(qs(i / bw)) <= 1e-7 for i in range(j, n)):
            break
        G = psi[j:].T @ psi[:-j]
        S += w * (G + G.T)
    S *= n / (n - k)
    B = np.linalg.inv(Z.T @ Z)
    return coef[1], np.sqrt((B @ S @ B)[1, 1])


# ------------------------------------------------------------------ log t
def test_H_and_regression_match_the_formula():
    x, _ = make_clubs(seed=1)
    x = x + np.random.default_rng(5).normal(0, 0.3, x.shape)  # a panel that does not converge
    res = log_t(x)
    np.testing.assert_allclose(res.H.to_numpy(), naive_H(x), rtol=1e-12)
    b, se = naive_fqsb_se(naive_H(x))
    assert res.b == pytest.approx(b, rel=1e-10)
    assert res.se == pytest.approx(se, rel=1e-10)
    assert res.tstat == pytest.approx(b / se, rel=1e-10)
    ra = log_t(x, hac="AQSB")
    ba, sea = naive_aqsb_se(naive_H(x))
    assert ra.b == pytest.approx(ba, rel=1e-10)
    assert ra.se == pytest.approx(sea, rel=1e-9)
    assert ra.se != pytest.approx(res.se, rel=1e-3)


@pytest.mark.parametrize("trim,rounding,start", [
    (1 / 3, "half_even", 11), (0.3, "half_even", 10), (0.35, "half_even", 11),
    (0.35, "floor", 11), (0.25, "half_even", 9), (0.25, "half_up", 9), (0.25, "floor", 8),
])
def test_trimmed_start(trim, rounding, start):
    # T = 30: the regression starts at [rT] + 1; 30 * 0.35 = 10.5 and R's round(10.5) = 10
    d = _design(30, trim, rounding)
    assert d.k0 + 1 == start
    assert d.n == 30 - d.k0


def test_half_even_and_half_up_differ_at_a_half():
    assert _design(30, 0.35, "half_even").k0 == 10  # round(10.5) -> 10 in R
    assert _design(30, 0.35, "half_up").k0 == 11
    assert _design(30, 0.35, "floor").k0 == 10


def test_converging_group_passes_and_logged_false_takes_logs():
    x, lab = make_clubs(seed=2)
    one = x[lab == 0]
    res = log_t(one)
    assert res.converges and res.b > 0
    levels = np.exp(one)
    assert log_t(levels, logged=False).tstat == pytest.approx(res.tstat, rel=1e-12)
    assert log_t(levels).tstat != pytest.approx(res.tstat, rel=1e-6)


def test_log_t_reports_range_with_panel_labels():
    x, _ = make_clubs(T=24)
    p = Panel.from_matrix(x, times=list(range(2000, 2024)))
    res = log_t(p)
    assert (res.start, res.end, res.n_obs) == (2008, 2023, 16)
    assert list(res.H.index) == list(range(2000, 2024))
    assert res.to_frame().loc[0, "tstat"] == res.tstat
    assert "log t test" in res.summary()


# ------------------------------------------------------------------ running sums
def test_running_sums_equal_direct_computation():
    rng = np.random.default_rng(3)
    x = 5 + rng.normal(0, 0.3, (40, 25)).cumsum(axis=1) * 0.1 + rng.normal(0, 0.5, (40, 1))
    d = _design(25, 1 / 3, "half_even")
    eng = _Engine(x, d, "FQSB", -1e9)  # threshold never fails: grow covers every prefix
    members = np.array([3, 7, 11, 20])
    cands = np.array([0, 1, 5, 30, 39])
    fast = eng.add_one(members, cands)
    direct = [eng.group(np.append(members, c))[2] for c in cands]
    np.testing.assert_allclose(fast, direct, rtol=1e-9)
    rows = np.arange(40)
    grown = eng.grow(rows, 4)
    direct = [eng.group(rows[4 : k + 1])[2] for k in range(6, 40)]
    np.testing.assert_allclose(grown, direct, rtol=1e-9)
    pair = eng.first_pair(rows)
    assert pair == (0, pytest.approx(eng.group(rows[:2])[2]))


def test_group_H_is_var_over_mean_squared():
    x = np.random.default_rng(4).uniform(1, 2, (6, 9))
    np.testing.assert_allclose(_group_h(x), naive_H(x), rtol=1e-12)


# ------------------------------------------------------------------ clustering
def test_recovers_known_clubs_in_order():
    x, lab = make_clubs(sizes=(9, 7, 8), seed=6)
    names = [f"r{i}" for i in range(len(x))]
    res = clubs(pd.DataFrame(x, index=names))
    assert res.n_clubs == 3 and res.divergent == ()
    for k, club in enumerate(res.clubs):
        assert set(club.members) == {n for n, lbl in zip(names, lab, strict=True) if lbl == k}
        assert club.tstat > -1.65
        assert club.tstat == pytest.approx(log_t(x[lab == k]).tstat, rel=1e-10)
    assert res.sizes == [9, 7, 8]
    table = res.to_frame()
    assert list(table["size"]) == [9, 7, 8] and (table["tstat"] > 0).all()


def test_whole_panel_converging_is_one_club():
    x, lab = make_clubs(sizes=(10,), seed=7)
    res = clubs(x)
    assert res.n_clubs == 1 and res.sizes == [10] and res.clubs[0].cstar is None


def test_fanning_out_panel_is_all_divergent():
    t = np.arange(1, 31)
    x = 5 + np.outer(np.arange(12) * 0.3, np.log(t)) + np.outer(np.arange(12), np.ones(30))
    res = clubs(x)
    assert res.n_clubs == 0 and len(res.divergent) == 12
    assert (res.membership()["status"] == "divergent").all()


def test_divergent_unit_is_left_out():
    x, lab = make_clubs(sizes=(8, 8), seed=8)
    t = np.arange(1, 31)
    rogue = 8 + 0.9 + 0.07 * t  # starts near the top club and drifts away above it
    res = clubs(np.vstack([x, rogue]))
    assert res.divergent == (16,)
    assert res.sizes == [8, 8]
    assert res.settings["order"][0] == 16  # highest in the last period, yet in no club


def test_membership_groups_and_transition_paths():
    x, lab = make_clubs(sizes=(6, 6), seed=9)
    regions = [f"R{i}" for i in range(6)] + [f"K{i}" for i in range(6)]
    country = ["RU"] * 3 + ["KZ"] * 3 + ["RU"] * 2 + ["KZ"] * 4
    p = Panel.from_matrix(x, regions=regions, times=list(range(1990, 2020)), groups=country)
    res = clubs(p)
    m = res.membership()
    assert list(m.columns[:4]) == ["region", "club", "status", "group"]
    assert m.groupby("club")["group"].nunique().tolist() == [2, 2]  # both clubs cross the border
    paths = res.transition_paths()
    assert len(paths) == 12 * 30
    by = paths.groupby(["club", "year"])
    np.testing.assert_allclose(by["h_club"].mean().to_numpy(), 1.0, rtol=1e-12)
    allmean = x.mean(axis=0)
    r0 = paths[paths["region"] == "R0"].sort_values("year")
    np.testing.assert_allclose(r0["h_all"].to_numpy(), x[0] / allmean, rtol=1e-12)
    rel = relative_transition(p)
    assert rel.loc["R0", 1990] == pytest.approx(x[0, 0] / allmean[0])


def test_order_fraction_changes_ordering_key():
    x, lab = make_clubs(sizes=(5, 5), seed=10)
    x[0, -1] = x[:, -1].min() - 1  # last-period outlier
    a = clubs(x).settings["order"]
    b = clubs(x, order_fraction=0.3).settings["order"]
    assert a[-1] == 0 and b[-1] != 0


def test_incremental_cstar_never_worse_than_core():
    x, lab = make_clubs(sizes=(8, 8, 8), seed=11, gap=0.15)
    res = clubs(x, cstar_method="incremental", cstar_increment=0.5, cstar_cap=20)
    assert all(c.tstat > -1.65 for c in res.clubs)
    assert sum(res.sizes) + len(res.divergent) == 24


def test_core_rules_both_run_and_agree_on_clean_clubs():
    x, _ = make_clubs(seed=12)
    assert clubs(x, core_rule="max_t").sizes == clubs(x, core_rule="max_abs_t").sizes
    with pytest.raises(DataError):
        clubs(x, core_rule="biggest")


# ------------------------------------------------------------------ merging
def _split_result(x, lab, split_first_into=2, drop_to_divergent=None):
    base = clubs(pd.DataFrame(x, index=[f"u{i}" for i in range(len(x))]))
    pieces = []
    first = base.clubs[0].members
    cut = len(first) // split_first_into
    pieces += [first[:cut], first[cut:]] if split_first_into > 1 else [first]
    pieces += [c.members for c in base.clubs[1:]]
    divergent = ()
    if drop_to_divergent is not None:
        divergent = (drop_to_divergent,)
        pieces = [tuple(m for m in p if m != drop_to_divergent) for p in pieces]
    fake = tuple(Club(number=i + 1, members=p, b=np.nan, se=np.nan, tstat=np.nan)
                 for i, p in enumerate(pieces))
    return base, ClubsResult(clubs=fake, divergent=divergent, regions=base.regions,
                             times=base.times, values=base.values, settings=base.settings)


@pytest.mark.parametrize("method", ["PS", "vLT"])
def test_merging_rejoins_a_split_club(method):
    x, lab = make_clubs(seed=13)
    base, split = _split_result(x, lab)
    assert split.n_clubs == 4
    merged = merge_clubs(split, method)
    assert merged.sizes == base.sizes
    assert merged.clubs[0].merged_from == (1, 2)
    assert merged.clubs[1].merged_from == (3,)
    assert [set(c.members) for c in merged.clubs] == [set(c.members) for c in base.clubs]
    assert merged.clubs[0].tstat == pytest.approx(base.clubs[0].tstat, rel=1e-10)


def test_merge_divergent_puts_a_unit_back():
    x, lab = make_clubs(seed=14)
    base, split = _split_result(x, lab, split_first_into=1, drop_to_divergent="u12")
    assert "u12" in split.divergent
    out = merge_clubs(split, None, merge_divergent=True)
    assert out.divergent == ()
    assert "u12" in out.clubs[1].members
    strict = merge_clubs(split, None, merge_divergent=True, estar=1e9)
    assert strict.divergent == ("u12",)


def test_clubs_merge_option_matches_merge_clubs():
    x, _ = make_clubs(sizes=(6, 6, 6, 6), gap=0.2, seed=15)
    a = clubs(x, merge="PS")
    b = merge_clubs(clubs(x), "PS")
    assert a.sizes == b.sizes
    assert a.settings["merge"] == "PS"


# ------------------------------------------------------------------ errors
def test_bad_input_is_a_clear_error():
    x, _ = make_clubs()
    x[2, 5] = np.nan
    with pytest.raises(DataError, match="balanced"):
        clubs(x)
    with pytest.raises(DataError, match="trim"):
        log_t(make_clubs(T=5)[0], trim=0.9)
    with pytest.raises(DataError, match="non-positive"):
        log_t(-make_clubs()[0], logged=False)
    with pytest.raises(DataError, match="hac"):
        log_t(make_clubs()[0], hac="NW")


# ------------------------------------------------------------------ HP filter
def test_hp_filter_matches_statsmodels_and_keeps_labels():
    sm_hp = pytest.importorskip("statsmodels.tsa.filters.hp_filter")
    rng = np.random.default_rng(16)
    y = rng.normal(0, 1, (5, 34)).cumsum(axis=1)
    ours = hp_filter(y, lamb=400)
    for i in range(5):
        _, trend = sm_hp.hpfilter(y[i], lamb=400)
        np.testing.assert_allclose(ours[i], trend, atol=1e-9)
    p = Panel.from_matrix(y + 10, regions=list("abcde"), times=list(range(1990, 2024)),
                          groups=["x", "x", "y", "y", "y"])
    hp = hp_filter(p)
    assert isinstance(hp, Panel)
    assert list(hp.regions) == list("abcde") and list(hp.times) == list(range(1990, 2024))
    assert hp.group_labels().tolist() == ["x", "x", "y", "y", "y"]
    np.testing.assert_allclose(hp.to_matrix().values, ours + 10, atol=1e-9)


def test_hp_filter_keeps_a_line_and_rejects_gaps():
    line = np.vstack([np.arange(20.0) * 2 + 1, np.full(20, 3.0)])
    np.testing.assert_allclose(hp_filter(line), line, atol=1e-9)
    gappy = line.copy()
    gappy[1, 4] = np.nan
    with pytest.raises(DataError, match="complete"):
        hp_filter(gappy)


# ------------------------------------------------------------------ the peer, when installed
def test_agrees_with_convergence_clubs_peer():
    cc = pytest.importorskip("convergence_clubs")
    x, lab = make_clubs(sizes=(12, 10, 9, 11), seed=17, gap=0.3)
    df = pd.DataFrame(x, index=[f"u{i:02d}" for i in range(len(x))])
    ours = clubs(df)
    peer = cc.find_clubs(df)
    assert [set(df.index[list(c.ids)]) for c in peer.clubs] == [set(c.members) for c in ours.clubs]
    for hac in ("FQSB", "AQSB"):
        ref = cc.log_t_test(naive_H(x), 1 / 3, hac)
        assert log_t(x, hac=hac).se == pytest.approx(ref.std_err, rel=1e-9)


@pytest.mark.parametrize("ours,theirs", [
    (dict(hac="AQSB"), dict(hac_method="AQSB")),
    (dict(core_rule="max_t"), dict(core_rule="max_t")),
    (dict(trim=0.3), dict(time_trim=0.3)),
    (dict(cstar=1.0), dict(cstar=1.0)),
    (dict(order_fraction=0.3), dict(sort_fraction=0.3)),
    (dict(cstar_method="incremental", cstar_increment=0.05, cstar_cap=50),
     dict(cstar_method="incremental", cstar_increment=0.05, cstar_cap=50)),
])
def test_options_agree_with_convergence_clubs_peer(ours, theirs):
    cc = pytest.importorskip("convergence_clubs")
    rng = np.random.default_rng(18)
    x, _ = make_clubs(sizes=(15, 12, 14, 13, 10), seed=18, gap=0.25, sd=0.4)
    x = x + rng.normal(0, 0.01, x.shape).cumsum(axis=1) * 0.3
    df = pd.DataFrame(x, index=[f"u{i:02d}" for i in range(len(x))])
    a = clubs(df, **ours)
    assert a.n_clubs >= 3
    with warnings.catch_warnings():  # the peer warns about clubs failing as a whole
        warnings.simplefilter("ignore")
        b = cc.find_clubs(df, **theirs)
        merged = {m: cc.merge_clubs(b, m) for m in ("PS", "vLT")}
    assert [set(df.index[list(c.ids)]) for c in b.clubs] == [set(c.members) for c in a.clubs]
    assert set(b.divergent) == set(a.divergent)
    for method, bm in merged.items():
        am = merge_clubs(a, method)
        assert [set(df.index[list(c.ids)]) for c in bm.clubs] == [set(c.members) for c in am.clubs]
