"""Tests written for the survivors of a mutation run on ``crossborder.study.verdict`` (issue 23):
each pins a row, a parser rule or a sentence that no other test read in full. Every expected text is
spelled out here from the inputs the test builds (counts, years, p-values)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from _verdict_frames import dep, depends, ev, evidence, grid, integration_result

from crossborder.study.verdict import (
    PAPER_SAYS,
    _aliases,
    _baseline_basis,
    between_reading,
    bottom_line,
    claims_reading,
    conclusions,
    dependence_sentences,
    describe_spec,
    integration_reading,
    read_evidence,
    verdict,
)


def _claims(labels, kinds=None):
    t = pd.DataFrame({"claim": [f"c{i}" for i in range(len(labels))], "verdict": labels})
    if kinds is not None:
        t["kind"] = kinds
    return t


# ----------------------------------------------------------------------------- the claims row
def test_claims_row_in_full():
    """3 claims: 2 supported, 1 not supported -> 'partly supported', every cell as written."""
    read = read_evidence(evidence(ev("beta_absolute", sig_neg=12)))
    cl = claims_reading(_claims(["supported", "not supported", "supported"]))
    row = conclusions(read, claims=cl).set_index("key").loc["claims"]
    assert row.to_dict() == {
        "conclusion": "The paper's quantitative claims",
        "paper_says": PAPER_SAYS["claims"],
        "data_show": "of 3 checks: 2 supported; 1 not supported",
        "evidence": "each claim against the bundled data, with the basis that makes it hold or fail",
        "robustness": "see the claims table (the basis named per claim)",
        "verdict": "partly supported",
        "source": "claims.csv (the rows of kind claim, counted by verdict)"}


def test_claims_reading_without_a_kind_column_counts_every_row():
    """No ``kind`` column: all 4 rows are claims and there is no thesis; with it, the thesis row
    is set apart (3 claims)."""
    out = claims_reading(_claims(["supported"] * 2 + ["not supported", "supported"]))
    assert (out["n"], out["thesis"], out["counts"]) == (4, None, {"supported": 3,
                                                                  "not supported": 1})
    kinds = ["claim", "claim", "thesis", "claim"]
    out = claims_reading(_claims(["supported", "not supported", "partly supported", "supported"],
                                 kinds))
    assert (out["n"], out["thesis"], out["counts"]) == (3, "partly supported",
                                                        {"supported": 2, "not supported": 1})


# ----------------------------------------------------------------------------- aliases
def test_aliases_ignore_items_that_are_not_dimension_level_pairs():
    """A two-letter text without '=' and a 3-tuple are not (dimension, level) pairs."""
    assert _aliases(["ab", ("start", "2012", "x"), ("end", "2019"), "regions = v2"]) == [
        ("end", "2019"), ("regions", "v2")]
    assert _aliases(None) == [] and _aliases(float("nan")) == [] and _aliases("") == []


def test_aliases_split_at_the_first_equals_sign():
    """A level may itself contain '=' ('a=b'): only the first '=' separates the dimension."""
    assert _aliases("regions=a=b; start=2012") == [("regions", "a=b"), ("start", "2012")]
    assert _aliases([("regions", "a=b")]) == [("regions", "a=b")]


# ----------------------------------------------------------------------------- between share
def test_between_share_read_from_text_drops_the_missing_years():
    """Values as text, 'nan' at both ends: the first and last years are those with a number
    (2011: 10.0%, 2013: 25.0%), a rise of 15 points."""
    s = pd.Series(["nan", "0.10", "0.20", "0.25", "nan"], index=range(2010, 2015))
    out = between_reading({"real": s}, "real")
    assert (out["first_year"], out["last_year"]) == (2011, 2013)
    assert (out["first"], out["last"], out["change"]) == (0.10, 0.25, "divergence")
    assert "rose from 10.0% in 2011 to 25.0% in 2013" in out["sentence"]


# ------------------------------------------------------------------ the entry passes its options on
def _shares(rows):
    return pd.DataFrame(rows, columns=["currency", "inference", "n", "narrowing", "widening"])


def test_verdict_strength_options_and_their_defaults():
    """9 of 10 significantly negative is robust at the default 0.9; 3 of 4 is robust only with
    ``robust=0.75``; 1 of 4 is mixed only with ``rare=0.25`` (rare at the default 1/3)."""
    nine = verdict(grid(evidence(ev(n=10, neg=10, sig_neg=9))))
    assert nine.evidence["strength"].iloc[0] == "robust"
    three = grid(evidence(ev(n=4, neg=4, sig_neg=3)))
    assert verdict(three).evidence["strength"].iloc[0] == "mostly"
    assert verdict(three, robust=0.75).evidence["strength"].iloc[0] == "robust"
    one = grid(evidence(ev(n=4, neg=4, sig_neg=1)))
    assert verdict(one).evidence["strength"].iloc[0] == "rare"
    assert verdict(one, rare=0.25).evidence["strength"].iloc[0] == "mixed"


def test_verdict_alpha_defaults_to_five_percent_without_the_grids():
    """A grid whose params lack alpha is read at 0.05: a joint p of 0.06 does not reject, 0.04 does."""
    for joint, rejects in ((0.06, False), (0.04, True)):
        g = grid(evidence(ev(joint=joint)))
        g.params = {}
        v = verdict(g)
        assert v.alpha == 0.05
        assert ("the curve as a whole rejects no effect" in v.evidence["sentence"].iloc[0]) is rejects


def test_verdict_alpha_reaches_the_bottom_line():
    """A joint p of 0.03 is named in the bottom line at the grid's alpha 0.05, not at 0.01."""
    e = evidence(ev("beta_absolute", n=20, neg=19, sig_neg=4, joint=0.03))
    assert "joint test p 0.03 for growth" in verdict(grid(e, alpha=0.05)).bottom_line[0]
    assert "joint test" not in verdict(grid(e, alpha=0.01)).bottom_line[0]


def test_verdict_names_sides_in_labels_and_dependences():
    """``names`` reaches the evidence sentence and the dependence sentence of a side's estimate."""
    e = evidence(ev("sigma_trend_RU", n=10, neg=10, sig_neg=9))
    d = depends(dep("sigma_trend_RU", "end", "2019", 0.0, 0.5, key="disappears"))
    v = verdict(grid(e, d), names={"RU": "Russia"})
    assert v.evidence["label"].iloc[0] == "σ convergence within the border regions of Russia"
    assert v.dependences["sentence"].iloc[0] == (
        "σ convergence within the border regions of Russia disappears when the window ends in 2019: "
        "0% of those specifications support it, against 50% of the others.")


def test_verdict_reads_the_between_share_with_the_grids_evidence():
    """The share rises 18.4% -> 27.0% on the baseline basis (real) but the grid's trend is
    significantly negative in 10 of 12 specifications: no clear direction, and the default sides."""
    s = pd.Series([0.184, 0.2, 0.27], index=[2010, 2015, 2020])
    e = evidence(ev("between_share_trend", n=12, neg=10, sig_neg=10, sig_pos=0))
    v = verdict(grid(e), between={"real": s, "USD": s * 0.5})
    assert (v.between["change"], v.between["direction"]) == ("divergence", "no clear direction")
    assert v.bottom_line[1] == (
        "The gap between the border regions of one side and those of the other widened: the part of "
        "the area's income inequality that lies between the two countries went from 18.4% in 2010 to "
        "27.0% in 2020 (in constant prices), though the rise is not significant in most ways of "
        "measuring it.")
    alone = verdict(grid(evidence(ev("beta_absolute", n=12, sig_neg=10))), between={"real": s})
    assert alone.between["direction"] == "divergence"


def test_verdict_reads_the_integration_grid():
    """A DiD that narrows (theta −0.12, p 0.001) is 'supported' alone and 'depends on the basis'
    beside a grid where no specification narrows under dyadic-robust errors (0 of 10)."""
    e = evidence(ev("beta_absolute", n=10, neg=10, sig_neg=9))
    integ = integration_result(theta=-0.12, p=0.001)
    alone = verdict(grid(e), integration=integ).conclusions.set_index("key")
    assert alone.loc["integration", "verdict"] == "supported"
    shares = _shares([("real", "pair", 10, 6, 0), ("real", "dyadic", 10, 0, 0)])
    g = SimpleNamespace(shares=lambda: shares)
    row = verdict(grid(e), integration=integ, integration_grid=g).conclusions.set_index("key")
    assert row.loc["integration", "verdict"] == "depends on the basis"
    assert row.loc["integration", "robustness"].endswith(
        "on the grid of currency bases and windows (pair-clustered p): at constant prices (real "
        "basis) 6/10 narrow; with dyadic-robust errors none narrows")


# ---------------------------------------------------------------- specifications and the basis
def test_describe_spec_without_region_or_resource_columns():
    """A specification that names neither a region variant nor resources: basis and years only."""
    assert describe_spec({"currency": "real", "start": 2010, "end": 2020}) == "real basis, 2010–2020"
    assert describe_spec({"currency": "PPP", "start": 2008.0, "end": 2019.0}) == "PPP, 2008–2019"
    assert describe_spec({"currency": "USD", "start": 2010, "end": 2020, "regions": "v2",
                          "resources": "out"}) == (
        "nominal USD, 2010–2020, v2, resource regions left out")


def _basis(rows):
    cols = ["estimate", "currency", "baseline"]
    return _baseline_basis(SimpleNamespace(table=pd.DataFrame(rows, columns=cols)))


def test_baseline_basis_prefers_the_between_share_baseline():
    """beta's baseline (USD) comes first, the between share's (real) second: real."""
    assert _basis([("beta_absolute", "USD", True), ("between_share_trend", "USD", False),
                   ("between_share_trend", "real", True)]) == "real"


def test_baseline_basis_falls_back_to_the_first_baseline_row():
    """No between-share baseline (its only row is not one): the first baseline row's basis, PPP."""
    assert _basis([("between_share_trend", "USD", False), ("sigma_trend", "USD", False),
                   ("beta_absolute", "PPP", True), ("sigma_trend", "real", True)]) == "PPP"


def test_baseline_basis_reads_a_missing_baseline_flag_as_no():
    """A missing flag (NaN) is not a baseline: the flagged row's basis (real), not the first row's."""
    assert _basis([("beta_absolute", "USD", np.nan), ("beta_absolute", "real", True)]) == "real"
    assert _basis([("beta_absolute", "USD", np.nan), ("beta_absolute", "real", np.nan)]) == "USD"


def test_baseline_basis_of_a_grid_as_given_is_none():
    """Currency as given (NaN) on the baseline row: no basis, not the text 'nan'."""
    assert _basis([("between_share_trend", np.nan, True)]) is None
    assert _basis([]) is None


# ----------------------------------------------------------------------------- dependences
def test_two_aliased_levels_that_name_each_other_are_both_stated():
    """The real basis and the 2012 start go together and neither is a cause on its own
    (``*_aliased``): each is stated, naming the other; a cause among them would silence the other."""
    d = depends(dep("sigma_trend", "currency", "real", 0.8, 0.2,
                    aliased_with="currency=real; start=2012", key="appears_aliased"),
                dep("sigma_trend", "start", "2012", 0.8, 0.2,
                    aliased_with="start=2012; currency=real", key="appears_aliased"))
    out = dependence_sentences(d)
    assert list(out["stated"]) == [True, True]
    assert out["sentence"].iloc[1] == (
        "σ convergence of the border regions as a whole (falling sd of logs) appears mainly when the "
        "window starts in 2012 — in this grid it goes only with the real basis, so either may be the "
        "cause: 80% of those specifications support it, against 20% of the others.")


# ----------------------------------------------------------------------------- bottom line
def test_bottom_line_defaults_paper_and_alpha():
    """Called without ``paper`` and ``alpha``: the paper's wording (the Union named) and alpha 0.05
    (a joint p of 0.06 is not named, 0.04 is)."""
    read = read_evidence(evidence(ev("beta_absolute", n=20, neg=19, sig_neg=4, joint=0.06)))
    integ = integration_result(theta=-0.12, p=0.001)
    ir = integration_reading(integ.table, integ.inference)
    concl = conclusions(read, integration=ir)
    out = bottom_line(concl, read, integration=ir)
    assert out[0] == ("That incomes in the border regions are drawing closer does not hold: poorer "
                      "regions grew significantly faster in 20% of 20 ways of measuring it.")
    assert out[1].startswith("After 2015, when the Eurasian Economic Union began, income gaps")
    read4 = read_evidence(evidence(ev("beta_absolute", n=20, neg=19, sig_neg=4, joint=0.04)))
    assert "(joint test p 0.04 for growth)" in bottom_line(conclusions(read4), read4)[0]


def test_bottom_line_joint_p_exactly_at_alpha_is_not_named():
    read = read_evidence(evidence(ev("beta_absolute", n=20, neg=19, sig_neg=4, joint=0.05)))
    assert "joint test" not in bottom_line(conclusions(read), read, alpha=0.05)[0]
    assert "joint test p 0.05 for growth" in bottom_line(conclusions(read), read, alpha=0.051)[0]


def test_bottom_line_without_sigma_or_beta_says_so_plainly():
    """Only a pair-gap trend in the grid: the convergence sentence has no shares and no joint test."""
    read = read_evidence(evidence(ev("pair_gap_trend", n=10, sig_neg=10, joint=0.001)))
    assert bottom_line(conclusions(read), read)[0] == (
        "That incomes in the border regions are drawing closer cannot be answered from these data.")
