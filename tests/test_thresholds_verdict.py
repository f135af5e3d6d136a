"""Every threshold and direction the verdict uses, on hand-made grids sitting on each side of it.

The verdict (``crossborder.study.verdict``) reads a robustness table by fixed rules: strength
robust (share >= ``robust``), mostly (>= 2/3), mixed (>= ``rare``), rare; a dependence *appears*
with a level (share there >= 0.5, elsewhere < ``contrast``) or *disappears* (share there <= 0.1,
elsewhere >= ``contrast``); significance at the grid's own ``alpha``. Each test builds the table
rows by hand so that the share sits exactly on a threshold (shares are ratios of small integers,
the same double as the threshold's literal) and asserts the words a reader sees.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from _grid_result import grid_result

from crossborder.study.verdict import peak_only_in, verdict


def _rows(estimate, supports, *, alpha=0.05, dim="end", levels=None, against=0):
    """One row per entry of ``supports`` (True: value -0.01, p 0.001; False: value -0.001, p 0.5),
    then ``against`` rows going significantly the other way (value +0.01, p 0.001). ``levels`` (one
    per row) sets the dimension ``dim``; other dimensions are constant."""
    out = []
    flags = list(supports) + [None] * against
    levels = list(levels) if levels is not None else [2020] * len(flags)
    for i, s in enumerate(flags):
        v, p = (-0.01, 0.001) if s else (0.01, 0.001) if s is None else (-0.001, 0.5)
        row = {"currency": "USD", "start": 2008, "end": 2020, "regions": "as given",
               "resources": "in", "se_type": "HC1", "estimate": estimate, "value": v, "pvalue": p,
               "supports_convergence": bool(v < 0 and p < alpha)}
        row[dim] = levels[i]
        out.append(row)
    return out


def _result(rows, alpha=0.05):
    return grid_result(rows, alpha)


def _strength(rows, **kw):
    return verdict(_result(rows), **kw).families.set_index("estimate")["strength"]


# ----------------------------------------------------------------------------- strength
def test_share_exactly_robust_is_robust_and_just_below_is_not():
    """3 of 4 supporting with ``robust=0.75``: robust at the threshold, 'mostly' at 2/3 < share."""
    s = _strength(_rows("sigma_trend", [True, True, True, False]), robust=0.75)
    assert s["sigma_trend"] == "robust"
    s = _strength(_rows("sigma_trend", [True, True, True, False]), robust=0.8)
    assert s["sigma_trend"] == "mostly"


def test_default_robust_threshold_nine_in_ten():
    """9 of 10 is robust at the default 0.9; 8 of 10 only mostly."""
    v = verdict(_result(_rows("sigma_trend", [True] * 9 + [False])))
    assert v.families["strength"].iloc[0] == "robust"
    assert "What holds across specifications: σ convergence of the border regions as a whole" in (
        " ".join(v.sentences))
    assert _strength(_rows("sigma_trend", [True] * 8 + [False] * 2))["sigma_trend"] == "mostly"


def test_two_thirds_is_mostly_one_half_is_mixed():
    assert _strength(_rows("beta_absolute", [True] * 4 + [False] * 2))["beta_absolute"] == "mostly"
    v = verdict(_result(_rows("beta_absolute", [True] * 2 + [False] * 2)))
    assert v.families["strength"].iloc[0] == "mixed"
    text = " ".join(v.sentences)
    assert "Mixed, supported in one to two specifications in three: absolute β" in text
    assert "No convergence estimate holds in most specifications" in text
    assert "(50% of 4)" in text


def test_rare_threshold_one_third():
    assert _strength(_rows("beta_absolute", [True] + [False] * 2))["beta_absolute"] == "mixed"
    assert _strength(_rows("beta_absolute", [True] + [False] * 3))["beta_absolute"] == "rare"


# ----------------------------------------------------------------------------- direction
def test_significant_divergence_is_counted_against_never_for():
    """2 supporting, 2 not, 4 significantly positive: share against 4/8 from an independent count,
    and a grid whose every estimate is significantly positive never reads as support."""
    v = verdict(_result(_rows("sigma_trend", [True, True, False, False], against=4)))
    fam = v.families.iloc[0]
    assert fam["share_against"] == pytest.approx(4 / 8)
    assert fam["share_supporting"] == pytest.approx(2 / 8)
    assert "(25% of 8; 50% show significant divergence)" in " ".join(v.sentences)

    v = verdict(_result(_rows("sigma_trend", [], against=6)))
    fam = v.families.iloc[0]
    assert (fam["share_supporting"], fam["share_against"], fam["strength"]) == (0.0, 1.0, "rare")
    text = " ".join(v.sentences)
    assert "What does not hold (fewer than one specification in three): σ convergence" in text
    assert "What holds" not in text


def test_convergence_not_counted_as_divergence():
    v = verdict(_result(_rows("sigma_trend", [True] * 6)))
    assert v.families["share_against"].iloc[0] == 0.0
    assert "divergence" not in " ".join(v.sentences)


# ----------------------------------------------------------------------------- dependences
def _dep(rows, **kw):
    d = verdict(_result(rows), **kw).dependences
    return d[d["dimension"] == "end"]


def test_appears_needs_the_others_strictly_below_contrast():
    """At 2021 all 4 support; elsewhere 1 of 4 = 0.25 = contrast: not 'appears'; 0 of 4: appears."""
    lv = [2021] * 4 + [2020] * 4
    at_contrast = _rows("beta_absolute", [True] * 4 + [True, False, False, False], levels=lv)
    assert _dep(at_contrast).empty
    below = _rows("beta_absolute", [True] * 4 + [False] * 4, levels=lv)
    d = _dep(below)
    assert list(zip(d["level"], d["kind"], strict=True)) == [("2021", "appears")]
    assert "appears only when the window ends in 2021: 100% of its 4" in d["sentence"].iloc[0]


def test_appears_needs_half_at_the_level():
    lv = [2021] * 4 + [2020] * 4
    half = _rows("beta_absolute", [True, True, False, False] + [False] * 4, levels=lv)
    d = _dep(half)
    assert list(zip(d["level"], d["kind"], strict=True)) == [("2021", "appears")]
    below = _rows("beta_absolute", [True, False, False, False] + [False] * 4, levels=lv)
    assert "appears" not in set(_dep(below)["kind"])


def test_disappears_at_exactly_one_in_ten():
    """1 of 10 supporting at 2021 (share 0.1) against all 10 elsewhere: it disappears; 2 of 10
    does not."""
    lv = [2021] * 10 + [2020] * 10
    d = _dep(_rows("sigma_trend", [True] + [False] * 9 + [True] * 10, levels=lv))
    assert list(zip(d["level"], d["kind"], strict=True)) == [("2021", "disappears")]
    assert ("disappears when the window ends in 2021: 10% of its 10 specifications support it, "
            "against 100% of the 10 others.") in d["sentence"].iloc[0]
    d = _dep(_rows("sigma_trend", [True] * 2 + [False] * 8 + [True] * 10, levels=lv))
    assert "disappears" not in set(d["kind"])


def test_disappears_needs_contrast_elsewhere():
    lv = [2021] * 4 + [2020] * 4
    at = _rows("sigma_trend", [False] * 4 + [True, False, False, False], levels=lv)
    d = _dep(at)   # elsewhere exactly 0.25 >= contrast: disappears
    assert list(zip(d["level"], d["kind"], strict=True)) == [("2021", "disappears")]
    assert _dep(at, contrast=0.3).empty


# ----------------------------------------------------------------------------- peaks
def test_peak_needs_ten_percent_over_the_median():
    years = range(2010, 2018)
    flat = [0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10]
    other = pd.Series([0.20, 0.19, 0.18, 0.17, 0.16, 0.15, 0.14, 0.13], index=years)
    low = pd.Series(flat, index=years)
    low[2014] = 0.105                      # peak 5% above the median: no sentence
    assert peak_only_in("x", {"USD": low, "PPP": other}) == ""
    high = pd.Series(flat, index=years)
    high[2014] = 0.12                      # 20% above: the sentence
    text = peak_only_in("x", {"USD": high, "PPP": other})
    assert text.startswith("The peak of the x in 2014 (12.0%) appears in nominal USD only")


# ----------------------------------------------------------------------------- integration
def _integration(coef, p, pre):
    return SimpleNamespace(did={2014: SimpleNamespace(coef=coef, pvalue=p, pretrend_pvalue=pre)})


def _integration_text(coef, p, pre, alpha=0.05):
    rows = _rows("sigma_trend", [True] * 3)
    return verdict(_result(rows, alpha), integration=_integration(coef, p, pre)).extras[0]


def test_integration_sentence_reads_the_pretrend_test():
    assert _integration_text(-0.05, 0.01, 0.6).endswith("this supports the integration thesis.")
    rejected = _integration_text(-0.05, 0.01, 0.01)
    assert "would support the thesis, but the pre-trend test rejects parallel trends" in rejected
    wider = _integration_text(0.05, 0.01, 0.01)
    assert "widened" in wider and wider.endswith(
        "does not support the integration thesis, and the leads reject parallel pre-trends.")
    assert _integration_text(0.05, 0.01, 0.6).endswith("does not support the integration thesis.")
    assert _integration_text(-0.05, 0.3, 0.6).endswith("does not support the integration thesis.")


# ----------------------------------------------------------------------------- alpha, counts
def test_verdict_uses_the_grids_alpha():
    """At alpha 0.10 a positive estimate with p 0.07 is significant divergence, and so is a
    pre-trend p of 0.07 a rejection; the overview names p < 0.1."""
    rows = _rows("sigma_trend", [True] * 3)
    for r in rows[:1]:
        r.update(value=0.02, pvalue=0.07, supports_convergence=False)
    v = verdict(_result(rows, alpha=0.10), integration=_integration(-0.05, 0.01, 0.07))
    assert v.alpha == 0.10
    assert v.families["share_against"].iloc[0] == pytest.approx(1 / 3)
    assert "negative with p < 0.1;" in v.sentences[0]
    assert "rejects parallel trends" in v.extras[0]
    v5 = verdict(_result(rows, alpha=0.05), integration=_integration(-0.05, 0.01, 0.07))
    assert v5.families["share_against"].iloc[0] == 0.0
    assert "supports the integration thesis" in v5.extras[0]


def test_specifications_are_counted_without_se_types():
    """2 end years x 2 currencies x 3 kinds of standard errors = 4 specifications, 12 rows."""
    rows = []
    for cur in ("USD", "PPP"):
        for end in (2019, 2020):
            for se in ("classical", "HC1", "HC3"):
                r = _rows("sigma_trend", [True])[0]
                r.update(currency=cur, end=end, se_type=se)
                rows.append(r)
    v = verdict(_result(rows))
    assert v.sentences[0].startswith("Each headline estimate was run on 4 specifications")
    assert "with classical, HC1, HC3 standard errors" in v.sentences[0]
    assert "(100% of 12)" in " ".join(v.sentences)
