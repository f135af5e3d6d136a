"""Every threshold and direction the verdict uses, on hand-made tables sitting on each side of it.

The verdict (``crossborder.study.verdict``) reads the grid's evidence by fixed rules: strength
robust (share >= ``robust``), mostly (>= 2/3), mixed (>= ``rare``), rare; the direction is the
larger of the two significance shares; the joint test, the DiD, its pre-trend test and its checks
at the grid's own ``alpha`` (p exactly at alpha is not significant). Each share is a ratio of small
integers, the same double as the threshold's literal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _verdict_frames import dep, depends, ev, evidence, grid, integ_tables, integration_result

from crossborder.study.verdict import (
    between_reading,
    bottom_line,
    conclusions,
    integration_reading,
    read_evidence,
    strength,
    verdict,
)


def _read(**kw):
    alpha = kw.pop("alpha", 0.05)
    opts = {k: kw.pop(k) for k in ("robust", "rare") if k in kw}
    return read_evidence(evidence(ev(**kw)), alpha=alpha, **opts).iloc[0]


# ----------------------------------------------------------------------------- strength
def test_strength_at_each_threshold():
    assert strength(0.9) == "robust" and strength(8 / 9) == "mostly"
    assert strength(2 / 3) == "mostly" and strength(3 / 5) == "mixed"
    assert strength(1 / 3) == "mixed" and strength(1 / 4) == "rare"
    assert strength(3 / 4, robust=0.75) == "robust" and strength(3 / 4, robust=0.8) == "mostly"
    assert strength(1 / 4, rare=0.25) == "mixed"


def test_two_thirds_significant_is_mostly_and_one_half_mixed():
    r = _read(n=12, sig_neg=8)
    assert (r["direction"], r["strength"]) == ("convergence", "mostly")
    assert "convergence holds in most specifications (two in three or more), not all" in r["sentence"]
    r = _read(n=12, sig_neg=6)
    assert (r["direction"], r["strength"]) == ("convergence", "mixed")
    assert r["reading"].startswith("mixed: significant convergence in one to two")


def test_robust_at_nine_in_ten_and_the_option():
    assert _read(n=10, sig_neg=9)["strength"] == "robust"
    assert _read(n=10, sig_neg=8)["strength"] == "mostly"
    assert _read(n=4, sig_neg=3, robust=0.75)["strength"] == "robust"
    assert _read(n=4, sig_neg=3, robust=0.8)["strength"] == "mostly"


def test_rare_threshold_one_third_has_no_direction():
    r = _read(n=3, sig_neg=1)
    assert (r["direction"], r["strength"]) == ("convergence", "mixed")
    r = _read(n=4, sig_neg=1)
    assert (r["direction"], r["strength"]) == ("no clear direction", "rare")
    assert "no clear finding: significant in fewer than one specification in three" in r["sentence"]
    assert _read(n=4, sig_neg=1, rare=0.25)["direction"] == "convergence"


def test_sign_share_alone_is_never_support():
    """Every point estimate negative, none significant: the reading says so, not 'convergence'."""
    r = _read(n=44, neg=44, sig_neg=0)
    assert r["direction"] == "no clear direction"
    assert "100% negative, 0% significantly negative, 0% significantly positive" in r["sentence"]


# ----------------------------------------------------------------------------- direction
def test_rejected_convergence_never_reads_as_support():
    """Significant divergence in 9 of 10: divergence, convergence rejected — in the row, in the
    conclusions table and in the bottom line."""
    r = _read(estimate="sigma_trend", n=10, neg=1, sig_neg=0, sig_pos=9)
    assert (r["direction"], r["strength"]) == ("divergence", "robust")
    assert "convergence is rejected" in r["reading"]
    read = read_evidence(evidence(ev("sigma_trend", n=10, neg=1, sig_neg=0, sig_pos=9),
                                  ev("beta_absolute", n=10, sig_neg=10)))
    row = conclusions(read).set_index("key").loc["convergence"]
    assert row["verdict"] == "not supported"
    v = verdict(grid(read[list(evidence().columns)]))
    assert v.conclusions.set_index("key").loc["convergence", "verdict"] == "not supported"
    assert v.bottom_line[0].startswith("That incomes in the border regions are drawing closer does "
                                       "not hold")


def test_a_tie_has_no_direction_and_divergence_needs_the_larger_share():
    r = _read(n=6, neg=3, sig_neg=3, sig_pos=3)
    assert (r["direction"], r["reading"]) == (
        "no clear direction", "no clear direction: as many specifications significant each way")
    r = _read(n=6, neg=2, sig_neg=2, sig_pos=4)
    assert (r["direction"], r["strength"]) == ("divergence", "mostly")
    assert _read(n=6, neg=4, sig_neg=4, sig_pos=2)["direction"] == "convergence"


# ----------------------------------------------------------------------------- alpha
def test_joint_p_exactly_at_alpha_does_not_reject():
    assert "rejects no effect" not in _read(joint=0.05)["sentence"]
    assert "rejects no effect" in _read(joint=0.049)["sentence"]
    assert "rejects no effect" in _read(joint=0.07, alpha=0.1)["sentence"]


def test_did_p_exactly_at_alpha_is_not_a_narrowing():
    t, inf = integ_tables(p=0.05)
    r = integration_reading(t, inf)
    assert not r["narrowed"] and r["reading"] == "not supported"
    assert r["why"] == ["the gaps did not narrow significantly"]
    t, inf = integ_tables(p=0.049)
    assert integration_reading(t, inf)["reading"] == "supported"


def test_pretrend_rejection_says_so():
    t, inf = integ_tables(pre=0.05)
    assert integration_reading(t, inf)["reading"] == "supported"
    t, inf = integ_tables(pre=0.049)
    r = integration_reading(t, inf)
    assert r["reading"] == "not supported" and r["pretrend_rejects"]
    assert r["why"] == ["the pre-trend test rejects parallel trends before the break (p 0.049)"]
    row = conclusions(read_evidence(evidence(ev())), integration=r).set_index("key")
    assert "pre-trend test rejects parallel trends" in row.loc["integration", "robustness"]


def test_dyadic_and_wild_p_at_alpha_weaken_the_reading():
    t, inf = integ_tables(dyadic=0.05)
    r = integration_reading(t, inf)
    assert r["reading"] == "not supported"
    assert r["why"] == ["dyadic-robust p not below 0.05"]
    t, inf = integ_tables(dyadic=0.2, wild=0.06)
    assert integration_reading(t, inf)["why"] == ["dyadic-robust and wild bootstrap p not below 0.05"]
    t, inf = integ_tables(dyadic=0.049, wild=0.049)
    assert integration_reading(t, inf)["why"] == []


def test_placebo_significance_at_alpha():
    t, inf = integ_tables(placebo=(0.05, 0.5, 0.9))
    r = integration_reading(t, inf)
    assert (r["placebo_significant"], r["placebo_tested"], r["reading"]) == (0, 3, "supported")
    assert "placebo" not in integration_reading(*integ_tables())["source"]
    assert r["source"].endswith("; integration.csv[test=placebo, break_year=2015]")
    t, inf = integ_tables(placebo=(0.049, 0.5, 0.01))
    r = integration_reading(t, inf)
    assert (r["placebo_significant"], r["reading"]) == (2, "not supported")
    assert r["why"] == ["2 of 3 placebo breaks before 2015 are significant too"]


def test_exchange_rate_control_threshold():
    """theta -0.04; with the control -0.02 (a change of exactly half): not driven; -0.019: driven;
    a control p at alpha also drives it."""
    t, inf = integ_tables(theta=-0.04, fx=-0.02, fx_p=0.01)
    assert not integration_reading(t, inf)["fx_drives"]
    t, inf = integ_tables(theta=-0.04, fx=-0.019, fx_p=0.01)
    r = integration_reading(t, inf)
    assert r["fx_drives"] and r["reading"] == "depends on the exchange rate"
    t, inf = integ_tables(theta=-0.04, fx=-0.04, fx_p=0.05)
    assert integration_reading(t, inf)["fx_drives"]
    t, inf = integ_tables(theta=-0.04, fx=0.001, fx_p=0.01)
    assert integration_reading(t, inf)["fx_drives"]
    t, inf = integ_tables(theta=-0.04, fx=-0.061, fx_p=0.01)
    assert integration_reading(t, inf)["fx_drives"]
    t, inf = integ_tables(theta=-0.04, fx=-0.059, fx_p=0.01)
    assert not integration_reading(t, inf)["fx_drives"]


def test_the_grids_alpha_is_honoured_end_to_end():
    """At alpha 0.10 a DiD p of 0.07 narrows and a pre-trend p of 0.07 rejects; at 0.05 neither."""
    e = evidence(ev(joint=0.07))
    r10 = verdict(grid(e, alpha=0.10), integration=integration_result(p=0.07, pre=0.07, dyadic=None,
                                                                      wild=None))
    assert r10.alpha == 0.10
    assert r10.integration["narrowed"] and r10.integration["pretrend_rejects"]
    assert "rejects no effect" in r10.evidence["sentence"].iloc[0]
    r05 = verdict(grid(e, alpha=0.05), integration=integration_result(p=0.07, pre=0.07, dyadic=None,
                                                                      wild=None))
    assert not r05.integration["narrowed"] and not r05.integration["pretrend_rejects"]
    assert "rejects no effect" not in r05.evidence["sentence"].iloc[0]


# ----------------------------------------------------------------------------- between share
def test_between_share_change_threshold():
    s = {"real": pd.Series([0.25, 0.3, 0.5], index=[2010, 2015, 2020])}
    assert between_reading(s, "real", min_change=0.25)["direction"] == "divergence"
    assert between_reading(s, "real", min_change=0.5)["direction"] == "no clear direction"
    down = {"real": pd.Series([0.5, 0.3, 0.25], index=[2010, 2015, 2020])}
    assert between_reading(down, "real", min_change=0.25)["direction"] == "convergence"
    assert between_reading(down, "real", min_change=0.5)["direction"] == "no clear direction"


def test_between_share_needs_the_grid_to_agree():
    s = {"real": pd.Series([0.184, 0.2, 0.27], index=[2010, 2015, 2020])}
    agree = read_evidence(evidence(ev("between_share_trend", sig_neg=0, sig_pos=10))).iloc[0]
    assert between_reading(s, "real", evidence=agree)["direction"] == "divergence"
    other = read_evidence(evidence(ev("between_share_trend", sig_neg=10, sig_pos=0))).iloc[0]
    assert between_reading(s, "real", evidence=other)["direction"] == "no clear direction"
    weak = read_evidence(evidence(ev("between_share_trend", n=170, sig_neg=14, sig_pos=19))).iloc[0]
    r = between_reading(s, "real", evidence=weak)
    assert (r["change"], r["direction"]) == ("divergence", "no clear direction")
    assert r["sentence"] == ("At constant prices (real basis), the share of the border area's "
                             "inequality that lies between the two countries rose from 18.4% in "
                             "2010 to 27.0% in 2020, but the trend is significant in only 11% of 170 "
                             "specifications.")
    c = conclusions(read_evidence(evidence(ev())), between=r)
    b = bottom_line(c, read_evidence(evidence(ev())), between=r, sides=("A", "B"))
    assert b[1].endswith("went from 18.4% in 2010 to 27.0% in 2020 (in constant prices), though the "
                         "rise is not significant in most ways of measuring it.")
    assert c.set_index("key").loc["polarised", "verdict"] == "not supported"
    down = {"real": s["real"][::-1].set_axis(s["real"].index)}
    weak_down = read_evidence(evidence(ev("between_share_trend", n=170, sig_neg=19))).iloc[0]
    r = between_reading(down, "real", evidence=weak_down)
    assert r["sentence"].endswith("fell from 27.0% in 2010 to 18.4% in 2020, but the trend is "
                                  "significant in only 11% of 170 specifications.")
    b = bottom_line(c, read_evidence(evidence(ev())), between=r, sides=("A", "B"))
    assert "narrowed" in b[1] and b[1].endswith("though the fall is not significant in most ways "
                                                "of measuring it.")


def test_dependences_asked_with_the_contrast():
    g = grid(evidence(ev()), depends(dep()))
    verdict(g, contrast=0.3)
    verdict(g)
    assert g.asked == [0.3, 0.25]


@pytest.mark.parametrize("share_other,verb", [(0.0, "appears only"), (0.1, "appears mainly")])
def test_appears_only_when_nothing_elsewhere(share_other, verb):
    v = verdict(grid(evidence(ev()), depends(dep(share_other=share_other))))
    assert f"{verb} at constant prices (real basis)" in v.dependences["sentence"].iloc[0]


def test_between_share_sentences_for_each_reading():
    flat = {"real": pd.Series([0.2, 0.21, 0.205], index=[2010, 2015, 2020])}
    none = read_evidence(evidence(ev("between_share_trend", sig_neg=0, sig_pos=0))).iloc[0]
    assert between_reading(flat, "real", evidence=none)["sentence"] == (
        "At constant prices (real basis), the share of the border area's inequality that lies "
        "between the two countries stayed close to its level from 20.0% in 2010 to 20.5% in 2020.")
    down = {"real": pd.Series([0.3, 0.25, 0.2], index=[2010, 2015, 2020])}
    conv = read_evidence(evidence(ev("between_share_trend", sig_neg=12))).iloc[0]
    r = between_reading(down, "real", evidence=conv)
    assert r["direction"] == "convergence" and r["sentence"].endswith(
        "fell from 30.0% in 2010 to 20.0% in 2020: the two sides drawing closer.")


@pytest.mark.parametrize("theta,p,words", [
    (0.03, 0.3, "did not change beyond chance (estimate +3%)"),
    (0.0, 0.9, "did not change beyond chance (estimate +0%)"),
    (-0.03, 0.3, "did not change beyond chance (estimate −3%)"),
    (0.03, 0.05, "did not change beyond chance (estimate +3%)"),
    (0.03, 0.049, "widened by about 3%"),
    (-0.03, 0.049, "narrowed by about 3%"),
])
def test_integration_words_on_each_side_of_zero_and_alpha(theta, p, words):
    t, inf = integ_tables(theta=theta, p=p)
    row = conclusions(read_evidence(evidence(ev())), integration=integration_reading(t, inf))
    assert row.set_index("key").loc["integration", "data_show"] == (
        f"after 2015 gaps across the border {words}")


def test_integration_break_year_chosen_and_errors():
    """The first break year with a DiD estimate is read (not the first row of another test); a
    break year asked for is read; no DiD is an error that says so."""
    t15, i15 = integ_tables(theta=-0.05, p=0.01, year=2015)
    t10, i10 = integ_tables(theta=0.04, p=0.01, year=2010)
    table = pd.concat([t15[t15["test"] == "did"], t10, t15[t15["test"] != "did"]],
                      ignore_index=True)
    inference = pd.concat([i15, i10], ignore_index=True)
    assert integration_reading(table, inference)["break_year"] == 2015
    r = integration_reading(table, inference, break_year=2010)
    assert (r["break_year"], r["theta"], r["widened"]) == (2010, 0.04, True)
    no_inference = integration_reading(t15, None)
    assert no_inference["narrowed"] and np.isnan(no_inference["dyadic_pvalue"])
    untested = t15.assign(estimate=np.where(t15["test"] == "did", np.nan, t15["estimate"]))
    with pytest.raises(ValueError, match="the integration table has no DiD estimate"):
        integration_reading(untested, i15)
    with pytest.raises(ValueError, match="no DiD estimate at break year 2012"):
        integration_reading(t15, i15, break_year=2012)


@pytest.mark.parametrize("theta,p,narrowed,widened", [
    (0.0, 0.01, False, False), (-0.02, 0.01, True, False), (0.02, 0.01, False, True),
    (0.02, 0.05, False, False), (-0.02, 0.05, False, False), (0.02, 0.5, False, False)])
def test_narrowed_and_widened_flags(theta, p, narrowed, widened):
    r = integration_reading(*integ_tables(theta=theta, p=p, fx=-0.019, fx_p=0.5))
    assert (r["narrowed"], r["widened"]) == (narrowed, widened)
    assert r["fx_drives"] is narrowed       # the control is only read when the gaps narrowed
