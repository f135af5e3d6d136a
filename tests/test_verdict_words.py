"""The verdict's words and numbers as a reader sees them: names of bases and choices, number
formats, the baseline sentence of each question, the dependence sentences (aliased choices named
together), the peak sentence, and the parsing of a ``source`` citation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _verdict_frames import dep, depends, ev, evidence

from crossborder.study.verdict import (
    basis_name,
    choice,
    cited_rows,
    dependence_sentences,
    describe_spec,
    estimate_label,
    fmt_p,
    fmt_pct,
    fmt_value,
    peak_only_in,
    read_evidence,
    trace_tokens,
    when,
)


def test_basis_names_and_choices():
    assert basis_name("USD") == "in nominal USD"
    assert basis_name("PPP") == "at PPP (newest vintage)"
    assert basis_name("PPP:2017") == "at PPP of the 2017 vintage"
    assert basis_name("real") == "at constant prices (real basis)"
    assert basis_name("EUR") == "in EUR"
    assert when("currency", "PPP:2011") == "at PPP of the 2011 vintage"
    assert when("resources", "in") == "with the resource regions kept in"
    assert when("resources", "out") == "with the resource regions left out"
    assert when("resources", "half") == "with resources half"
    assert when("start", "2010") == "when the window starts in 2010"
    assert when("end", "2020") == "when the window ends in 2020"
    assert when("regions", "v2") == "with the region variant 'v2'"
    assert when("se_type", "HC3") == "with HC3 standard errors"


def test_estimate_labels_name_the_side():
    assert estimate_label("sigma_trend_KZ", {"KZ": "Kazakhstan"}) == (
        "σ convergence within the border regions of Kazakhstan")
    assert estimate_label("sigma_trend_RU", {"KZ": "Kazakhstan"}) == (
        "σ convergence within the border regions of RU")
    assert estimate_label("sigma_trend_RU") == "σ convergence within the border regions of RU"
    assert estimate_label("beta_absolute") == "absolute β convergence of the border regions"
    assert estimate_label("something_else") == "something_else"


def test_peak_sentence_formats():
    years = [2010, 2011, 2012]
    a = pd.Series([1.0, 3.0, 1.0], index=years)       # three values are enough; not shares
    b = pd.Series([3.0, 2.0, 1.0], index=years)
    assert peak_only_in("x", {"USD": a, "PPP": b}) == (
        "The peak of the x in 2011 (3) appears in nominal USD only; at PPP (newest vintage) it "
        "peaks in 2010 (3).")
    z = pd.Series([0.0, 0.5, 0.0], index=years)       # shares from 0: percent
    w = pd.Series([0.4, 0.3, 0.2], index=years)
    assert peak_only_in("share", {"USD": z, "PPP": w}) == (
        "The peak of the share in 2011 (50.0%) appears in nominal USD only; at PPP (newest vintage) "
        "it peaks in 2010 (40.0%).")
    assert peak_only_in("x", {"USD": a}) == ""
    assert peak_only_in("x", {"USD": a.iloc[:2], "PPP": b.iloc[:2]}) == ""
    fmt = peak_only_in("x", {"USD": a, "PPP": b}, fmt=lambda x: f"<{x:g}>")
    assert "(<3>)" in fmt


def test_peak_at_an_end_or_shared_is_not_a_sentence():
    years = [2010, 2011, 2012, 2013]
    end = pd.Series([1.0, 1.0, 1.0, 5.0], index=years)
    other = pd.Series([5.0, 1.0, 1.0, 1.0], index=years)
    assert peak_only_in("x", {"USD": end, "PPP": other}) == ""
    same = pd.Series([1.0, 5.0, 1.0, 1.0], index=years)
    assert peak_only_in("x", {"USD": same, "PPP": same * 2}) == ""
    with_gap = pd.Series([1.0, np.nan, 5.0, 1.0, 1.0], index=years + [2014])
    assert peak_only_in("x", {"USD": with_gap, "PPP": other}).startswith(
        "The peak of the x in 2012 (5) appears in nominal USD only")


def test_peaks_with_three_bases():
    years = [2010, 2011, 2012, 2013, 2014]
    usd = pd.Series([1.0, 1.0, 3.0, 1.0, 1.0], index=years)
    ppp = pd.Series([1.0, 1.0, 2.0, 1.0, 1.0], index=years)          # same peak year as USD
    real = pd.Series([1.0, 1.5, 1.0, 1.0, 1.0], index=years)         # its own, 50% over the median
    assert peak_only_in("x", {"USD": usd, "PPP": ppp, "real": real}) == (
        "The peak of the x in 2011 (1.5) appears at constant prices (real basis) only; in nominal USD "
        "it peaks in 2012 (3); at PPP (newest vintage) it peaks in 2012 (2).")
    last = pd.Series([1.0, 1.0, 1.0, 1.0, 9.0], index=years)         # its peak at the end: skipped
    assert peak_only_in("x", {"USD": last, "PPP": ppp}).startswith(
        "The peak of the x in 2012 (2) appears at PPP (newest vintage) only")
    edge = pd.Series([1.0, 1.1, 1.0, 1.0, 1.0], index=years)         # exactly 10% over the median
    assert peak_only_in("x", {"USD": edge, "PPP": usd}).startswith("The peak of the x in 2011 (1.1)")
    top = pd.Series([0.2, 1.0, 0.2, 0.2, 0.2], index=years)          # shares up to exactly 1
    assert "(100.0%)" in peak_only_in("x", {"USD": top, "PPP": ppp / 4})


def test_number_formats():
    assert fmt_value(-0.01234) == "−0.012" and fmt_value(0.456) == "0.46"
    assert fmt_value(-12.5) == "−12"
    assert fmt_p(0.04) == "0.04" and fmt_p(0.0123) == "0.012" and fmt_p(0.5) == "0.5"
    assert fmt_p(0.001) == "0.001" and fmt_p(0.000999) == "< 0.001" and fmt_p(4e-119) == "< 0.001"
    assert fmt_pct(0.184) == "18%" and fmt_pct(0.184, 1) == "18.4%" and fmt_pct(1.0) == "100%"
    assert fmt_pct(17 / 44) == "39%"


def test_baseline_stated_first_then_sign_and_significance_side_by_side():
    """The brief's example: baseline beta -0.0123 (p 0.04), 44 distinct specifications all
    negative, 17 of them significant (39%), joint p 0.03."""
    r = read_evidence(evidence(ev(n=44, neg=44, sig_neg=17, value=-0.0123, p=0.04, joint=0.03)),
                      specs={7: "real basis, 2010–2020", 3: "nominal USD, 2008–2019"})
    assert r["sentence"].iloc[0] == (
        "Absolute β convergence of the border regions: at the baseline (real basis, 2010–2020, HC3) "
        "β = −0.012 (p 0.04); across 44 distinct specifications 100% negative, 39% significantly "
        "negative, 0% significantly positive; joint test p 0.03 (the curve as a whole rejects no "
        "effect): mixed: significant convergence in one to two specifications in three.")
    assert r["baseline"].iloc[0] == "real basis, 2010–2020"
    assert r["source"].iloc[0] == "verdict.csv[estimate=beta_absolute]"
    assert (r["label"].iloc[0], r["direction"].iloc[0], r["strength"].iloc[0]) == (
        "absolute β convergence of the border regions", "convergence", "mixed")


def test_rows_counted_once_are_said_and_a_missing_joint_test_too():
    r = read_evidence(evidence(ev("sigma_trend_KZ", n=10, rows=40, sig_neg=10, joint=np.nan)),
                      names={"KZ": "Kazakhstan"})
    s = r["sentence"].iloc[0]
    assert s.startswith("σ convergence within the border regions of Kazakhstan: at the baseline")
    assert ("across 10 distinct specifications (40 rows of the grid: 30 repeat another "
            "specification's estimate or differ only in standard errors and are counted once)") in s
    assert "σ slope = −0.012" not in s and "slope = −0.012" in s
    assert s.endswith("; no joint test: convergence holds across specifications.")
    s2 = read_evidence(evidence(ev("sigma_trend", rows=12, n=12, sig_neg=12)))["sentence"].iloc[0]
    assert "σ slope = −0.012" in s2 and "rows of the grid" not in s2


def test_read_evidence_keeps_every_column_and_order():
    e = evidence(ev("sigma_trend", sig_neg=12), ev("beta_absolute", sig_neg=0, sig_pos=12))
    r = read_evidence(e)
    assert list(r["estimate"]) == ["sigma_trend", "beta_absolute"]
    assert list(r.columns[:len(e.columns)]) == list(e.columns)
    assert list(r["direction"]) == ["convergence", "divergence"]
    empty = read_evidence(evidence())
    assert empty.empty and "sentence" in empty.columns


def test_dependence_sentences_name_aliases_together():
    """The grid's rows of the built-in data: the real basis is the cause (the contrast holds within
    the other choices) and the only basis starting in 2012; the 2012 start is aliased with it and
    not stated again; an aliased level without a stated partner names both; a binary choice gets one
    sentence."""
    d = depends(
        dep("sigma_trend", "currency", "real", 0.0, 0.59, aliased_with="currency=real; start=2012",
            key="disappears"),
        dep("sigma_trend", "start", "2012", 0.0, 0.49, aliased_with="start=2012; currency=real",
            key="disappears_aliased"),
        dep("sigma_trend", "resources", "in", 0.66, 0.03, aliased_with="", key="appears"),
        dep("sigma_trend", "resources", "out", 0.03, 0.66, aliased_with="", key="disappears"),
        dep("beta_absolute", "regions", "southern Tyumen", 0.5, 0.0,
            aliased_with=[("start", "2011")], key="appears_aliased"),
        dep("beta_conditional", "end", "2018", 0.0, 0.42, aliased_with="", key="disappears"),
        dep("pair_gap_trend", "resources", "in", 0.5, 0.06, key="other"),
        dep("sigma_trend_RU", "end", "2019", 0.0, 0.5, key="disappears_aliased"))
    out = dependence_sentences(d, {"RU": "Russia"})
    assert list(out["stated"]) == [True, False, True, False, True, True, True, True]
    assert list(out.loc[~out["stated"], "sentence"]) == ["", ""]
    assert list(out.loc[out["stated"], "sentence"]) == [
        "σ convergence of the border regions as a whole (falling sd of logs) disappears at constant "
        "prices (real basis) (in this grid it goes only with windows starting in 2012, yet the "
        "contrast holds among specifications otherwise alike): 0% of those specifications support "
        "it, against 59% of the others.",
        "σ convergence of the border regions as a whole (falling sd of logs) appears mainly with the "
        "resource regions kept in: 66% of those specifications support it, against 3% of the others.",
        "Absolute β convergence of the border regions appears only with the region variant 'southern "
        "Tyumen' — in this grid it goes only with windows starting in 2011, so either may be the "
        "cause: 50% of those specifications support it, against 0% of the others.",
        "Conditional β convergence (with a side dummy) disappears when the window ends in 2018: 0% of "
        "those specifications support it, against 42% of the others.",
        "Narrowing gaps between neighbours across the border (mean |log ratio|) differs with the "
        "resource regions kept in: 50% of those specifications support it, against 6% of the others.",
        "σ convergence within the border regions of Russia disappears when the window ends in 2019 — "
        "but not among specifications otherwise alike, so that choice alone is not the cause: 0% of "
        "those specifications support it, against 50% of the others.",
    ]
    two = dependence_sentences(depends(dep(aliased_with="currency=real; start=2012; regions=v2",
                                           key="appears_aliased")))
    assert ("it goes only with windows starting in 2012 and the region variant 'v2', so either"
            in two["sentence"].iloc[0])
    # an aliased level whose partner is a cause of another estimate is still stated
    other = dependence_sentences(depends(
        dep("beta_absolute", "currency", "real", key="appears"),
        dep("sigma_trend", "start", "2012", aliased_with="currency=real", key="appears_aliased")))
    assert list(other["stated"]) == [True, True]
    assert dependence_sentences(depends()).empty


def test_choices_as_noun_phrases():
    assert [choice("currency", c) for c in ("real", "USD", "PPP", "PPP:2017", "EUR")] == [
        "the real basis", "nominal USD", "PPP (newest vintage)", "PPP of the 2017 vintage", "EUR"]
    assert choice("start", "2012") == "windows starting in 2012"
    assert choice("end", "2023") == "windows ending in 2023"
    assert choice("regions", "v") == "the region variant 'v'"
    assert choice("resources", "in") == "the resource regions kept in"
    assert choice("resources", "out") == "the resource regions left out"
    assert choice("resources", "x") == "resources x"
    assert choice("se_type", "HC3") == "HC3 errors"
    assert choice("other", "y") == "other y"


def test_describe_spec():
    spec = {"currency": "real", "start": 2010, "end": 2020, "regions": "as given", "resources": "in"}
    assert describe_spec(spec) == "real basis, 2010–2020"
    assert describe_spec({**spec, "currency": "USD", "resources": "out"}) == (
        "nominal USD, 2010–2020, resource regions left out")
    assert describe_spec({**spec, "currency": "PPP:2024-04", "regions": "southern Tyumen"}) == (
        "PPP (2024-04 vintage), 2010–2020, southern Tyumen")
    assert describe_spec({**spec, "currency": "PPP"}) == "PPP, 2010–2020"
    assert describe_spec({**spec, "currency": None}) == "as given, 2010–2020"
    assert describe_spec({**spec, "currency": np.nan, "start": 2010.0}) == "as given, 2010–2020"


def test_trace_tokens_and_cited_rows():
    assert trace_tokens("rose from 18.4% in 2010 to 27.0% (p < 0.001), β = −0.012") == [
        "18.4", "2010", "27.0", "0.001", "0.012"]
    assert cited_rows("a.csv[x=1, y=two]; integration.csv[test=did, break_year=2015]; b.csv") == [
        ("a.csv", {"x": "1", "y": "two"}), ("integration.csv", {"test": "did", "break_year": "2015"}),
        ("b.csv", {})]
    assert cited_rows("claims.csv (all rows, counted by verdict)") == [("claims.csv", {})]
    assert cited_rows("") == []


@pytest.mark.parametrize("hi,expect", [(1.0, "(100.0%)"), (1.5, "(1.5)")])
def test_peak_format_percent_only_up_to_one(hi, expect):
    """Shares in [0, 1] read as percentages; a series above 1 (here 1.5) as plain numbers."""
    years = [2010, 2011, 2012, 2013, 2014]
    top = pd.Series([0.2, hi, 0.2, 0.2, 0.2], index=years)
    other = pd.Series([0.1, 0.1, 0.5, 0.1, 0.1], index=years)
    assert expect in peak_only_in("x", {"USD": top, "PPP": other})


def test_cited_rows_read_past_other_text_and_keep_equals_in_values():
    assert cited_rows("see below; a.csv[k=v]") == [("a.csv", {"k": "v"})]
    assert cited_rows("a.csv[note=x=y, n=1]") == [("a.csv", {"note": "x=y", "n": "1"})]


def test_peak_series_are_read_as_numbers():
    """Values given as text ('10' > '3' as numbers, not as strings) are compared as numbers."""
    years = [2010, 2011, 2012, 2013, 2014]
    text = pd.Series(["2", "10", "3", "2", "2"], index=years)
    other = pd.Series([1.0, 1.0, 1.0, 5.0, 1.0], index=years)
    assert peak_only_in("x", {"USD": text, "PPP": other}).startswith(
        "The peak of the x in 2011 (10) appears in nominal USD only")
