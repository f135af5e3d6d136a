"""The verdict's words and numbers as a reader sees them: names of bases and choices, the families
table, the dependence sentences, the peak and integration sentences (mutation-testing survivors
of ``crossborder.study.verdict``, each pinned here by a hand-made grid)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from _grid_result import grid_result

from crossborder.study.robustness import RobustnessResult
from crossborder.study.verdict import basis_name, estimate_label, peak_only_in, verdict, when


def _row(estimate="sigma_trend", value=-0.01, p=0.001, alpha=0.05, **spec):
    r = {"currency": "USD", "start": 2008, "end": 2020, "regions": "as given", "resources": "in",
         "se_type": "HC1", "estimate": estimate, "value": value, "pvalue": p,
         "supports_convergence": bool(value < 0 and p < alpha)}
    r.update(spec)
    return r


def _result(rows, alpha=0.05):
    return grid_result(rows, alpha)


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


def test_families_table_by_hand():
    """sigma_trend: values -3, -1, 0 (p 0.01), +2 (p 0.05 = alpha); beta_absolute after it."""
    rows = [_row(value=-3.0, p=0.01), _row(value=-1.0, p=0.2), _row(value=0.0, p=0.01),
            _row(value=2.0, p=0.05), _row("beta_absolute", value=-1.0, p=0.01)]
    fam = verdict(_result(rows)).families
    assert list(fam["estimate"]) == ["sigma_trend", "beta_absolute"]     # the table's order
    s = fam.set_index("estimate").loc["sigma_trend"]
    assert (s["rows"], s["supporting"]) == (4, 1)
    assert s["share_supporting"] == 0.25
    assert s["share_against"] == 0.0          # 0 is no divergence; p = alpha is not significant
    assert s["share_negative"] == 0.5         # -3 and -1; 0 is not negative
    assert (s["median"], s["min"], s["max"]) == (-0.5, -3.0, 2.0)
    assert s["label"] == "σ convergence of the border regions as a whole (falling sd of logs)"


def test_families_keep_the_order_of_the_table():
    rows = [_row("sigma_trend"), _row("beta_absolute"), _row("between_share_trend")]
    v = verdict(_result(rows))
    assert list(v.families["estimate"]) == ["sigma_trend", "beta_absolute", "between_share_trend"]
    assert list(v.to_frame()["estimate"]) == list(v.families["estimate"])
    lead = [s for s in v.sentences if s.startswith("What holds across specifications")][0]
    assert lead.index("σ convergence") < lead.index("absolute β") < lead.index("between-country")


def test_overview_sentence_lists_the_levels():
    rows = [_row(currency=c, end=e, se_type=s) for c in ("USD", "PPP") for e in (2019, 2020)
            for s in ("classical", "HC1")]
    rows += [_row(currency=np.nan, end=2020, se_type="HC1", regions="v2", resources="out")]
    v = verdict(_result(rows))
    assert v.sentences[0] == (
        "Each headline estimate was run on 5 specifications of the data (currency bases USD, PPP, "
        "as given; start years 2008; end years 2019, 2020; region variants as given, v2; resource "
        "regions in and out) with classical, HC1 standard errors. A specification supports "
        "convergence when its estimate is negative with p < 0.05; the shares below count every "
        "specification and kind of standard errors.")
    assert "No convergence estimate holds" not in " ".join(v.sentences)


def test_best_family_named_when_nothing_holds():
    rows = ([_row("beta_absolute")] + [_row("beta_absolute", p=0.5)] * 3
            + [_row("sigma_trend", p=0.5)] * 4)
    v = verdict(_result(rows))
    assert v.sentences[1] == ("No convergence estimate holds in most specifications (the most often "
                              "supported: absolute β convergence of the border regions, 25% of 4).")


def test_divergence_share_shown_from_ten_percent():
    """1 in 10 significantly positive is said; 1 in 11 is not."""
    ten = [_row()] * 9 + [_row(value=0.01, p=0.01)]
    assert "(90% of 10; 10% show significant divergence)" in " ".join(verdict(_result(ten)).sentences)
    eleven = [_row()] * 10 + [_row(value=0.01, p=0.01)]
    text = " ".join(verdict(_result(eleven)).sentences)
    assert "(91% of 11)." in text and "divergence" not in text


# ----------------------------------------------------------------------------- dependences
def test_dependence_sentence_names_the_side_and_counts():
    rows = ([_row("sigma_trend_KZ", end=2021)] * 3 + [_row("sigma_trend_KZ", end=2020, p=0.5)] * 2
            + [_row("sigma_trend_KZ", end=2019, p=0.5)] * 4)
    d = verdict(_result(rows), names={"KZ": "Kazakhstan"}).dependences
    assert len(d) == 1                                  # one sentence per dimension
    r = d.iloc[0]
    assert (r["level"], r["kind"], r["n_at"], r["n_other"]) == ("2021", "appears", 3, 6)
    assert (r["share_at"], r["share_other"]) == (1.0, 0.0)
    assert r["sentence"] == (
        "σ convergence within the border regions of Kazakhstan appears only when the window ends "
        "in 2021: 100% of its 3 specifications support it, against 0% of the 6 others.")


def test_appears_mainly_and_capitalised_label():
    lv = [2021] * 4 + [2020] * 5
    flags = [True, True, True, False] + [True, False, False, False, False]
    rows = [_row("beta_absolute", end=e, p=0.01 if f else 0.5) for e, f in zip(lv, flags, strict=True)]
    d = verdict(_result(rows)).dependences
    r = d.iloc[0]
    assert r["sentence"] == (
        "Absolute β convergence of the border regions appears mainly when the window ends in 2021: "
        "75% of its 4 specifications support it, against 20% of the 5 others.")


def test_a_level_without_dependence_does_not_hide_the_next():
    """Three end years: 2019 mixed (no sentence), 2020 none, 2021 all: 2021 appears."""
    rows = ([_row(end=2019), _row(end=2019, p=0.5)] + [_row(end=2020, p=0.5)] * 2
            + [_row(end=2021)] * 2)
    d = verdict(_result(rows), contrast=0.3).dependences
    assert list(d["level"]) == ["2021"] or list(d["level"]) == ["2020"]
    kinds = dict(zip(d["level"], d["kind"], strict=True))
    assert kinds.get("2021", "appears") == "appears" and kinds.get("2020", "disappears") == "disappears"
    per_level = verdict(_result(rows[:2] + rows[4:]), contrast=0.3).dependences
    assert list(per_level["kind"]) == []                # 2019 at 1/2, 2021 at 1: no contrast


def test_strongest_dimensions_first_and_at_most_per_estimate():
    """The end year splits 6/0 (gap 1), the currency 3/1 of 4 each... only the strongest kept
    with per_estimate=1."""
    rows = ([_row(end=2021, currency="USD")] * 3 + [_row(end=2021, currency="PPP")] * 3
            + [_row(end=2020, currency="USD", p=0.5)] * 3 + [_row(end=2020, currency="PPP", p=0.5)])
    rows += [_row(end=2020, currency="PPP", p=0.5)] * 2
    d = verdict(_result(rows), per_estimate=1).dependences
    assert list(d["dimension"]) == ["end"]
    d2 = verdict(_result(rows), per_estimate=2).dependences
    assert list(d2["dimension"])[0] == "end"


def test_missing_level_is_named_as_given():
    rows = [_row(regions="v2")] * 3 + [_row(regions=np.nan, p=0.5)] * 3
    d = verdict(_result(rows)).dependences
    r = d.set_index("level").loc["v2"]
    assert r["kind"] == "appears" and "with the region variant 'v2'" in r["sentence"]
    assert set(d["level"]) <= {"v2", "as given"}
    rows = [_row(regions=np.nan)] * 3 + [_row(regions="v2", p=0.5)] * 3
    d = verdict(_result(rows)).dependences
    assert list(d["level"]) == ["as given"]
    assert "appears only with the region variant 'as given'" in d["sentence"].iloc[0]


# ----------------------------------------------------------------------------- peaks
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


# ----------------------------------------------------------------------------- integration
def _integration_text(coef, p, pre):
    d = SimpleNamespace(coef=coef, pvalue=p, pretrend_pvalue=pre,
                        pretrend_note=lambda: "it needs 2 periods before the break, the data have 1 (2013)")
    did = SimpleNamespace(did={2014: d})
    return verdict(_result([_row()]), integration=did).extras[0]


def test_integration_sentence_words_and_numbers():
    assert _integration_text(-0.05, 0.012, 0.6) == (
        "After 2014, gaps between neighbours across the border narrowed by 0.050 log points relative "
        "to neighbours within one country (difference in differences, p 0.012, standard errors "
        "clustered by pair; pre-trend p 0.600): this supports the integration thesis.")
    flat = _integration_text(0.0004, 0.9, np.nan)
    assert flat.startswith("After 2014, gaps between neighbours across the border did not change "
                           "measurably relative to neighbours")
    # no pre-trend test: the reason, never "p nan"
    assert "log points" not in flat and flat.endswith(
        "no pre-trend test: it needs 2 periods before the break, the data have 1 (2013)): this does not "
        "support the integration thesis.")
    assert "nan" not in flat
    assert "widened by 0.020 log points" in _integration_text(0.02, 0.3, 0.5)


# ----------------------------------------------------------------------------- second round
def _dims_table():
    """end: 2021 at 3/5 vs 2020 at 0/5 (gap 0.6); currency: USD at 2/4 vs PPP at 1/6 (gap 1/3)."""
    spec = ([(2021, "USD", True)] * 2 + [(2021, "PPP", True)] + [(2021, "PPP", False)] * 2
            + [(2020, "PPP", False)] * 3 + [(2020, "USD", False)] * 2)
    return [_row(end=e, currency=c, p=0.01 if s else 0.5) for e, c, s in spec]


def test_dependences_ranked_by_the_gap_one_per_dimension():
    rows = _dims_table()
    assert list(verdict(_result(rows), per_estimate=1).dependences["dimension"]) == ["end"]
    d = verdict(_result(rows)).dependences
    assert list(d["dimension"]) == ["end", "currency"]
    assert list(d["level"]) == ["2021", "USD"]
    assert list(d.columns) == ["estimate", "dimension", "level", "share_at", "n_at", "share_other",
                               "n_other", "kind", "sentence"]


def test_at_most_two_dependences_per_estimate_by_default():
    base = [_row(currency="USD", end=2021, regions="v1")] * 4
    rows = base + [_row(currency="PPP", end=2021, regions="v1", p=0.5),
                   _row(currency="USD", end=2020, regions="v1", p=0.5),
                   _row(currency="USD", end=2021, regions="v2", p=0.5)]
    assert len(verdict(_result(rows)).dependences) == 2
    assert len(verdict(_result(rows), per_estimate=3).dependences) == 3


def test_dependences_keep_the_order_of_the_table():
    rows = ([_row("sigma_trend", end=2021)] * 2 + [_row("sigma_trend", end=2020, p=0.5)] * 2
            + [_row("beta_absolute", end=2021)] * 2 + [_row("beta_absolute", end=2020, p=0.5)] * 2)
    assert list(verdict(_result(rows)).dependences["estimate"]) == ["sigma_trend", "beta_absolute"]


def test_default_alpha_and_series_peaks_in_the_extras():
    t = _result([_row()]).table
    years = [2010, 2011, 2012]
    v = verdict(RobustnessResult(t, pd.DataFrame(), {}),
                series={"between share": {"USD": pd.Series([0.1, 0.3, 0.1], index=years),
                                          "PPP": pd.Series([0.3, 0.2, 0.1], index=years)}})
    assert v.alpha == 0.05
    assert v.extras == ["The peak of the between share in 2011 (30.0%) appears in nominal USD only; "
                        "at PPP (newest vintage) it peaks in 2010 (30.0%)."]
    assert v.sentences[-1] == v.extras[0]


def test_group_sentences_exact():
    rows = ([_row("sigma_trend")] * 2 + [_row("sigma_trend", p=0.5)]
            + [_row("beta_absolute")] * 2 + [_row("beta_absolute", p=0.5)])
    v = verdict(_result(rows), robust=0.9)
    assert ("What holds in most specifications (two in three or more), but not all: σ convergence of "
            "the border regions as a whole (falling sd of logs) (67% of 3); absolute β convergence "
            "of the border regions (67% of 3).") in v.sentences
    rows = [_row(start=s) for s in (2008, 2010)]
    assert "start years 2008, 2010; end years 2020;" in verdict(_result(rows)).sentences[0]


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


def test_integration_sentence_at_its_boundaries():
    zero = _integration_text(0.0, 0.01, 0.5)
    assert zero.endswith("this does not support the integration thesis.")
    assert _integration_text(0.0, 0.01, 0.01).endswith(
        "this does not support the integration thesis, and the leads reject parallel pre-trends.")
    assert _integration_text(-0.05, 0.05, 0.5).endswith("this does not support the integration thesis.")
    assert _integration_text(-0.05, 0.01, 0.05).endswith("this supports the integration thesis.")
    assert _integration_text(-0.05, 0.01, 0.01).endswith(
        "p 0.010): this would support the thesis, but the pre-trend test rejects parallel trends.")
    assert "gaps between neighbours across the border widened by 0.001 log points" in (
        _integration_text(0.0005, 0.5, 0.5))
