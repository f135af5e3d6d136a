"""RobustnessResult's helpers and the grid's small rules on tables and grids built by the test
(survivors of a mutation run of study/robustness.py): every expected number counted by hand."""

from __future__ import annotations

import math
import warnings
import zlib
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from shapely.geometry import box

import crossborder as cb
from crossborder.study.robustness import (
    EVIDENCE_COLUMNS,
    TABLE_COLUMNS,
    RegionVariant,
    RobustnessResult,
    _cross_pair_rows,
    _default_starts,
    _edges,
    _no_inference,
    _NullDraws,
    _periods,
    _trend_names,
    _variant_geometry,
    baselines,
    border_part_variants,
    deduplicate_specifications,
    default_currencies,
)


def _result(rows: list[dict]) -> RobustnessResult:
    """A result from hand-written rows (missing columns empty)."""
    base = {"currency": "USD", "start": 2000, "end": 2010, "regions": "as given", "resources": "in",
            "se_type": "HC1", "se": 0.1, "pvalue": 0.5, "nobs": 10, "n_regions": 10,
            "supports_convergence": False, "dropped": "", "detail": "", "baseline": False}
    t = pd.DataFrame([{**base, **r} for r in rows], columns=TABLE_COLUMNS)
    return RobustnessResult(table=t, skipped=pd.DataFrame(), params={"alpha": 0.05,
                                                                      "se_types": ["HC1", "HC3"]})


def _four() -> RobustnessResult:
    """sigma_trend: values -0.2, 0.0, 0.5, 2.0 (HC1, HC1, HC3, HC3); only the first supports."""
    return _result([
        {"spec_id": 1, "estimate": "sigma_trend", "value": -0.2, "se_type": "HC1",
         "supports_convergence": True},
        {"spec_id": 2, "estimate": "sigma_trend", "value": 0.0, "se_type": "HC1"},
        {"spec_id": 1, "estimate": "sigma_trend", "value": 0.5, "se_type": "HC3"},
        {"spec_id": 2, "estimate": "sigma_trend", "value": 2.0, "se_type": "HC3"},
    ])


def test_share_negative_counts_strictly_below_zero():
    """One of four values is < 0 (0.0 is not negative, 0.5 is not below zero)."""
    assert _four().share_negative("sigma_trend") == pytest.approx(1 / 4)


def test_selection_by_a_list_of_levels_and_unknown_columns():
    res = _four()
    assert res.share_supporting("sigma_trend", se_type=["HC1", "HC3"]) == pytest.approx(1 / 4)
    assert res.share_supporting("sigma_trend", se_type=("HC1",)) == pytest.approx(1 / 2)
    assert res.share_negative(se_type={"HC3"}) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="no column 'colour' to select on"):
        res.share_supporting("sigma_trend", colour="red")


def test_shares_of_an_empty_selection_are_nan():
    res = _four()
    assert math.isnan(res.share_supporting("sigma_trend", currency="PPP"))
    assert math.isnan(res.share_negative("sigma_trend", currency="PPP"))


def test_by_keeps_the_table_order_and_names_the_dimensions():
    """Levels in the order of the table (2010 before 2008, sigma before beta), not sorted."""
    res = _result([
        {"spec_id": 1, "estimate": "sigma_trend", "end": 2010, "value": -1.0,
         "supports_convergence": True},
        {"spec_id": 2, "estimate": "sigma_trend", "end": 2008, "value": 1.0},
        {"spec_id": 3, "estimate": "sigma_trend", "end": 2008, "value": -1.0,
         "supports_convergence": True},
        {"spec_id": 1, "estimate": "beta_absolute", "end": 2010, "value": 1.0},
    ])
    b = res.by("end")
    assert list(zip(b["estimate"], b["end"], strict=True)) == [
        ("sigma_trend", 2010), ("sigma_trend", 2008), ("beta_absolute", 2010)]
    assert list(b["share_supporting"]) == [1.0, 0.5, 0.0]
    assert list(b["specifications"]) == [1, 2, 1]
    with pytest.raises(ValueError, match=r"dimension must be one of \['currency'"):
        res.by("colour")


def _baseline_table() -> RobustnessResult:
    """First row USD/as given/in 2000-2010; other rows differ in one dimension each."""
    return _result([
        {"spec_id": 1, "estimate": "sigma_trend", "value": -1.0},
        {"spec_id": 2, "estimate": "sigma_trend", "value": -2.0, "currency": "PPP"},
        {"spec_id": 3, "estimate": "sigma_trend", "value": -3.0, "regions": "no e4"},
        {"spec_id": 4, "estimate": "sigma_trend", "value": -4.0, "resources": "out"},
        {"spec_id": 5, "estimate": "sigma_trend", "value": -5.0, "end": 2009},
        {"spec_id": 6, "estimate": "sigma_trend", "value": -6.0, "start": 2002},
        {"spec_id": 1, "estimate": "sigma_trend", "value": -7.0, "se_type": "HC3"},
    ])


def test_baseline_is_the_first_specifications_rows_with_hc1_by_default():
    res = _baseline_table()
    b = res.baseline()
    assert list(b["value"]) == [-1.0]
    assert list(b.columns) == list(res.table.columns)
    assert list(b.index) == [0]
    assert list(res.baseline("HC3")["value"]) == [-7.0]


def test_baseline_starts_from_the_first_row_of_the_table():
    """When the first row is PPP, the baseline is the PPP specification."""
    res = _result([
        {"spec_id": 2, "estimate": "sigma_trend", "value": -2.0, "currency": "PPP"},
        {"spec_id": 1, "estimate": "sigma_trend", "value": -1.0},
    ])
    assert list(res.baseline()["value"]) == [-2.0]


def test_wide_one_row_per_specification_in_table_order():
    res = _result([
        {"spec_id": 1, "estimate": "beta_absolute", "end": 2010, "currency": None, "value": -1.0,
         "pvalue": 0.01, "dropped": "x"},
        {"spec_id": 1, "estimate": "beta_conditional", "end": 2010, "currency": None, "value": -2.0,
         "pvalue": 0.02, "dropped": "x"},
        {"spec_id": 2, "estimate": "beta_absolute", "end": 2008, "currency": None, "value": -3.0,
         "pvalue": 0.03, "dropped": "y"},
        {"spec_id": 2, "estimate": "beta_conditional", "end": 2008, "currency": None, "value": -4.0,
         "pvalue": 0.04, "dropped": "y"},
        {"spec_id": 2, "estimate": "beta_conditional", "end": 2008, "currency": None, "value": -9.0,
         "pvalue": 0.09, "se_type": "HC3"},
    ])
    w = res.wide()
    assert list(w.columns) == ["currency", "start", "end", "regions", "resources",
                               "beta_absolute_value", "beta_absolute_pvalue",
                               "beta_conditional_value", "beta_conditional_pvalue"]
    assert list(w["currency"]) == ["as given", "as given"]
    assert list(w["end"]) == [2010, 2008]
    assert list(w["beta_conditional_value"]) == [-2.0, -4.0]
    assert list(w["beta_absolute_pvalue"]) == [0.01, 0.03]
    d = res.wide(estimates=("beta_conditional",), fields=("value", "dropped"))
    assert list(d["beta_conditional_dropped"]) == ["x", "y"]
    assert list(res.wide(se_type="HC3")["beta_conditional_value"]) == [-9.0]


def test_no_inference_reasons_in_words():
    r = {"nobs": 3.0}
    assert _no_inference("HC1", r, ["value", "se"], []) == "HC1 errors: no estimate (3 value(s))"
    assert _no_inference("HAC", r, ["se", "pvalue"], ["divide by zero", "invalid value"]) == (
        "HAC errors: se, pvalue not finite (nobs 3); numerical warning: divide by zero; "
        "invalid value")
    assert _no_inference("HC3", {"nobs": np.float64(7)}, ["ci_low"], []) == (
        "HC3 errors: ci_low not finite (nobs 7)")


def test_depends_on_levels_shares_aliases_and_keys_by_hand():
    """sigma_trend on four specifications (currency x end), HC1 errors, alpha 0.05 by default
    (the params name none). Supporting (negative, p < 0.05): PPP-2010 and as given-2010; USD-2009
    has estimate 0.0 (not negative), USD-2010 p exactly 0.05 (not below). beta_absolute, first in
    the table, has no finite estimate and no row. Counted by hand:

    * currency PPP: 1 at, 1/3 elsewhere -> neither; as given likewise;
    * currency USD: 0 at, 1 elsewhere -> disappears, and within end 2010 (the only end shared with
      the other currencies) 0 against 1 -> disappears; its specifications contain end 2009's;
    * end 2010: 2/3 at, 0 elsewhere -> appears, but within USD (the only currency at both ends)
      0 against 0 -> aliased; it contains PPP's and as given's specifications;
    * end 2009: 0 at, 2/3 elsewhere -> disappears, within USD 0 against 0 -> aliased.
    """
    base = {"start": 2000, "regions": "as given", "resources": "in", "se_type": "HC1",
            "nobs": 10, "n_regions": 10, "supports_convergence": False, "dropped": "", "detail": "",
            "baseline": False}
    rows = [
        {"spec_id": 9, "estimate": "beta_absolute", "currency": "USD", "end": 2010,
         "value": np.nan, "se": np.nan, "pvalue": np.nan},
        {"spec_id": 1, "estimate": "sigma_trend", "currency": "PPP", "end": 2010, "value": -0.2,
         "se": 0.02, "pvalue": 0.01},
        {"spec_id": 2, "estimate": "sigma_trend", "currency": "USD", "end": 2009, "value": 0.0,
         "se": 0.03, "pvalue": 0.01},
        {"spec_id": 3, "estimate": "sigma_trend", "currency": "USD", "end": 2010, "value": -0.1,
         "se": 0.04, "pvalue": 0.05, "baseline": True},
        {"spec_id": 4, "estimate": "sigma_trend", "currency": None, "end": 2010, "value": -0.3,
         "se": 0.05, "pvalue": 0.01},
    ]
    t = pd.DataFrame([{**base, **r} for r in rows], columns=TABLE_COLUMNS)
    res = RobustnessResult(table=t, skipped=pd.DataFrame(), params={"se_types": ["HC1"]})
    d = res.depends_on()
    assert list(d["estimate"]) == ["sigma_trend"] * 3
    assert list(zip(d["dimension"], d["level"], strict=True)) == [
        ("currency", "USD"), ("end", "2010"), ("end", "2009")]
    assert d["share_at"].tolist() == pytest.approx([0.0, 2 / 3, 0.0])
    assert d["share_other"].tolist() == pytest.approx([1.0, 0.0, 2 / 3])
    assert list(d["aliased_with"]) == ["currency=USD; end=2009",
                                       "end=2010; currency=PPP; currency=as given",
                                       "end=2009; currency=USD"]
    assert list(d["sentence_key"]) == ["disappears", "appears_aliased", "disappears_aliased"]
    # at alpha 0.1 USD-2010 (p 0.05) supports too: currency USD 1/2 against 1 -> neither
    d10 = res.depends_on(alpha=0.1)
    assert ("currency", "USD") not in set(zip(d10["dimension"], d10["level"], strict=True))


def test_periods_in_words():
    """Three or more consecutive periods read as a range; two, or gaps, as a list."""
    assert _periods(pd.Index([2000, 2001, 2002])) == "2000-2002"
    assert _periods(pd.Index([2000, 2001])) == "2000, 2001"
    assert _periods(pd.Index([2000, 2002, 2003])) == "2000, 2002, 2003"


def _evidence_result(**params) -> RobustnessResult:
    """sigma_trend on four specifications with HC1 (the baseline's, spec 1), HAC and HC3 errors,
    and beta_absolute without a finite estimate. HC3: p 0.2 everywhere. (value; HC1 p; HAC p):
    1 (-0.2; 0.01; 0.01), 2 (0.0; 0.01; 0.01), 3 (-0.1; 0.08; 0.05), 4 (0.3; 0.01; 0.01)."""
    base = {"currency": "USD", "start": 2000, "end": 2010, "regions": "as given", "resources": "in",
            "nobs": 10, "n_regions": 10, "supports_convergence": False, "dropped": "", "detail": "",
            "baseline": False}
    specs = [(1, -0.2, 0.01, 0.01), (2, 0.0, 0.01, 0.01), (3, -0.1, 0.08, 0.05), (4, 0.3, 0.01, 0.01)]
    rows = [{"spec_id": i, "estimate": "sigma_trend", "currency": f"c{i}", "se_type": "HC1",
             "value": v, "se": 0.01 * i, "pvalue": p1, "baseline": i == 1}
            for i, v, p1, _ in specs]
    rows += [{"spec_id": i, "estimate": "sigma_trend", "currency": f"c{i}", "se_type": "HAC",
              "value": v, "se": 0.02 * i, "pvalue": p2} for i, v, _, p2 in specs]
    rows += [{"spec_id": i, "estimate": "sigma_trend", "currency": f"c{i}", "se_type": "HC3",
              "value": v, "se": 0.03 * i, "pvalue": 0.2} for i, v, _, _ in specs]
    rows.append({"spec_id": 1, "estimate": "beta_absolute", "currency": "c1", "se_type": "HC1",
                 "value": np.nan, "se": np.nan, "pvalue": np.nan})
    t = pd.DataFrame([{**base, **r} for r in rows], columns=TABLE_COLUMNS)
    return RobustnessResult(table=t, skipped=pd.DataFrame(), params={"se_types": ["HC1", "HAC"],
                                                                      **params})


def test_evidence_by_hand_at_the_default_and_the_grids_alpha():
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no mean of an empty selection
        e = _evidence_result().evidence().set_index("estimate")
    s = e.loc["sigma_trend"]
    assert (s["baseline_spec"], s["baseline_value"], s["baseline_se"], s["baseline_pvalue"]) == (
        1, -0.2, 0.01, 0.01)
    assert (s["baseline_cov_type"], s["n_rows"], s["n_specs"], s["n_distinct"]) == ("HC1", 12, 4, 4)
    # alpha 0.05 (the params name none): negative 1 and 3; significant negative 1; positive 4
    assert (s["share_negative"], s["share_significant_negative"],
            s["share_significant_positive"]) == pytest.approx((0.5, 0.25, 0.25))
    # HAC: negative with p < 0.05: spec 1 only (spec 3 has p exactly 0.05, spec 2 estimate 0)
    assert s["se_alternatives"] == "HAC 0.25; HC3 0.00"
    assert s["joint_method"] == "not computed (n_draws=0)"
    assert math.isnan(s["joint_pvalue"]) and math.isnan(s["joint_statistic"])
    b = e.loc["beta_absolute"]
    assert b["n_distinct"] == 0 and b["n_rows"] == 1
    assert math.isnan(b["share_negative"]) and math.isnan(b["share_significant_negative"])
    assert b["se_alternatives"] == ""
    # the grid's alpha 0.1: spec 3 significant with either errors
    s10 = _evidence_result(alpha=0.1, n_draws=200).evidence().set_index("estimate").loc["sigma_trend"]
    assert s10["share_significant_negative"] == pytest.approx(0.5)
    assert s10["se_alternatives"] == "HAC 0.50; HC3 0.00"
    assert s10["joint_method"] == "not computed (no null draws with HC1 errors)"


def test_evidence_joint_test_at_the_grids_alpha_by_hand():
    """Three null draws of the four sigma specifications. At alpha 0.1 the observed statistic is
    the share significant in the median's direction (negative): specs 1 and 3, 0.5. Draw 1: all
    negative with p 0.01 (share 1); draw 2: all positive (0); draw 3: specs 1, 2 negative with
    p 0.09 (0.5 at alpha 0.1). Two draws reach 0.5: p = (2 + 1) / (3 + 1) = 0.75 (at alpha 0.05
    it would be 0.5: the observed share 0.25, draw 1 alone)."""
    by_spec = {1: (np.array([-1.0, 1.0, -1.0]), np.array([0.01, 0.01, 0.09])),
               2: (np.array([-1.0, 1.0, -1.0]), np.array([0.01, 0.01, 0.09])),
               3: (np.array([-1.0, 1.0, 1.0]), np.array([0.01, 0.01, 0.09])),
               4: (np.array([-1.0, 1.0, 1.0]), np.array([0.01, 0.01, 0.09]))}
    res = _evidence_result(alpha=0.1, n_draws=3)
    res = RobustnessResult(table=res.table, skipped=res.skipped, params=res.params,
                           null_draws={"sigma_trend": {"method": "years permuted", "by_spec": by_spec}})
    s = res.evidence().set_index("estimate").loc["sigma_trend"]
    assert s["joint_statistic"] == pytest.approx(0.5)
    assert s["joint_pvalue"] == pytest.approx(0.75)
    assert s["joint_method"] == "years permuted; 3 draws; 4 specifications"
    partial = {k: v for k, v in by_spec.items() if k != 4}
    res = RobustnessResult(table=res.table, skipped=res.skipped, params=res.params,
                           null_draws={"sigma_trend": {"method": "years permuted", "by_spec": partial}})
    s = res.evidence().set_index("estimate").loc["sigma_trend"]
    assert s["joint_method"] == "not computed (a specification without null draws)"
    assert math.isnan(s["joint_pvalue"])


def test_evidence_and_overview_of_an_empty_table_have_their_columns():
    res = RobustnessResult(table=pd.DataFrame(columns=TABLE_COLUMNS), skipped=pd.DataFrame(),
                           params={})
    assert list(res.evidence().columns) == EVIDENCE_COLUMNS
    assert list(res.overview().columns) == ["estimate", "rows", "specifications", "cov_type",
                                            "share_supporting", "share_negative", "median", "min",
                                            "max"]


def test_region_variant_from_a_dict():
    v = RegionVariant.from_dict({"name": 7, "substitute": {"e4": "e4s"}, "exclude": ["w1", "w2"],
                                 "note": "e4 by its part"})
    assert v == RegionVariant("7", {"e4": "e4s"}, ("w1", "w2"), "e4 by its part")
    assert v.substitute == {"e4": "e4s"} and v.exclude == ("w1", "w2") and v.note == "e4 by its part"
    bare = RegionVariant.from_dict({"name": "as given", "substitute": None})
    assert (bare.substitute, bare.exclude, bare.note) == ({}, (), "")


def test_trend_names_of_the_families():
    """The trends a HAC skip names: sigma (and each side's), between share, border effect, pairs."""
    assert _trend_names(("sigma", "beta", "between_share", "border_effect", "pair_gaps"),
                        ["KZ", "RU"]) == ["sigma_trend", "sigma_trend_KZ", "sigma_trend_RU",
                                          "between_share_trend", "border_effect_trend",
                                          "pair_gap_trend"]
    assert _trend_names(("beta", "pair_gaps"), ["A", "B"]) == ["pair_gap_trend"]


def test_overview_counts_distinct_specifications_with_the_baselines_errors():
    """beta_absolute (first, no finite estimate) has no row; sigma_trend: 12 rows, 4 distinct
    specifications with HC1 errors, values -0.2, 0.0, -0.1, 0.3: 2 of 4 negative, 1 supporting."""
    res = _evidence_result()
    t = res.table.copy()
    t.loc[(t["spec_id"] == 1) & (t["se_type"] == "HC1") & (t["estimate"] == "sigma_trend"),
          "supports_convergence"] = True
    t = pd.concat([t[t["estimate"] == "beta_absolute"], t[t["estimate"] != "beta_absolute"]])
    res = RobustnessResult(table=t.drop(columns="coef").reset_index(drop=True), skipped=res.skipped,
                           params=res.params)
    o = res.overview()
    assert list(o["estimate"]) == ["sigma_trend"]
    r = o.iloc[0]
    assert (r["rows"], r["specifications"], r["cov_type"]) == (12, 4, "HC1")
    assert (r["share_supporting"], r["share_negative"]) == pytest.approx((0.25, 0.5))
    assert (r["median"], r["min"], r["max"]) == pytest.approx((-0.05, -0.2, 0.3))


def test_summary_in_full():
    """Three specifications (USD, PPP, real) x HC1: sigma supports in 1 of 3, beta in 2 of 3."""
    rows = [{"spec_id": i + 1, "estimate": est, "currency": cur, "value": v,
             "supports_convergence": sup, "baseline": cur == "USD"}
            for est, vals in (("sigma_trend", ((-0.2, True), (-0.1, False), (0.1, False))),
                              ("beta_absolute", ((-0.3, True), (-0.4, True), (0.2, False))))
            for i, (cur, (v, sup)) in enumerate(zip(("USD", "PPP", "real"), vals, strict=True))]
    assert _result(rows).summary() == (
        "Robustness grid: 3 specifications x 2 standard errors x 2 estimates; share of the distinct "
        "specifications supporting convergence (negative, p < 0.05) with the baseline's errors: "
        "sigma_trend: 33% of 3 (HC1); beta_absolute: 67% of 3 (HC1)")


def test_border_part_variants_of_a_regions_table():
    """A and E (border units) each have one part on the border: they get a variant measured by it
    and one without them. B has two border parts, C is not on the border, D's part is not on it."""
    r = pd.DataFrame({
        "region": ["A", "A1", "B", "B1", "B2", "C", "C1", "D", "D1", "E", "E1"],
        "part_of": [None, "A", None, "B", "B", None, "C", None, "D", None, "E"],
        "border_part": [False, True, False, True, True, False, True, False, False, False, True],
        "border": [True, False, True, False, False, False, False, True, False, True, False]})
    v = border_part_variants(SimpleNamespace(regions=r))
    assert v == [RegionVariant("as given"),
                 RegionVariant("A, E by the part on the border", substitute={"A": "A1", "E": "E1"},
                               note="A carries the series of A1; E carries the series of E1"),
                 RegionVariant("A, E excluded", exclude=("A", "E"))]
    assert border_part_variants(SimpleNamespace(regions=r.drop(columns="part_of"))) == [
        RegionVariant("as given")]
    assert border_part_variants(object()) == [RegionVariant("as given")]
    no_part = r.assign(border_part=False)
    assert border_part_variants(SimpleNamespace(regions=no_part)) == [RegionVariant("as given")]


def test_default_currencies_from_the_rates_a_dataset_has():
    """USD always with rates; PPP where a factor is known; the newest older PPP vintage (a year or
    a year-month, not the newest) and real where the dataset knows vintages."""
    ppp = pd.DataFrame({"ppp_lcu_per_intl_dollar": [np.nan, 25.0]})
    assert default_currencies(SimpleNamespace()) == [None]
    assert default_currencies(SimpleNamespace(fx=ppp)) == ["USD", "PPP"]
    assert default_currencies(SimpleNamespace(fx=ppp.assign(ppp_lcu_per_intl_dollar=np.nan))) == ["USD"]
    assert default_currencies(SimpleNamespace(fx=pd.DataFrame({"usd": [1.0]}))) == ["USD"]
    vintages = pd.DataFrame({"rate": ["PPP", "PPP", "PPP", "PPP", "PPP", "USD"],
                             "newest": [True, False, False, False, False, False],
                             "vintage": ["2024-04", "2017-10", "2021", "2011", "icp2030", "2023"]})
    ds = SimpleNamespace(fx=ppp, fx_vintages=lambda: vintages)
    assert default_currencies(ds) == ["USD", "PPP", "PPP:2021", "real"]
    only_newest = SimpleNamespace(fx=ppp, fx_vintages=lambda: vintages.iloc[:1])
    assert default_currencies(only_newest) == ["USD", "PPP", "real"]


DECL = ["family", "estimate", "question", "currency", "start", "end", "regions", "resources",
        "cov_type", "why"]


def test_baselines_of_a_grids_params():
    """A grid's params: its stored baselines as they are; for named estimates, resolved to the
    grid's levels (no real basis: the first, USD; no HC3: HC1; the bootstrap only with n_boot)."""
    stored = [{"why": "w", "estimate": "sigma_trend", "family": "sigma", "question": "q",
               "currency": "PPP", "start": "first", "end": "last", "regions": "v1",
               "resources": "in", "cov_type": "HAC"}]
    p = {"baselines": stored, "estimate_names": ["beta_absolute"], "currencies": ["USD", "PPP"],
         "variants": ["as published", "no e4"], "se_types": ["classical", "HC1"], "n_boot": 99}
    b = baselines(p)
    assert list(b.columns) == DECL
    assert b.to_dict("records") == [{k: stored[0][k] for k in DECL}]
    r = baselines(p, estimates=["beta_absolute", "sigma_trend"]).set_index("estimate")
    assert list(r.index) == ["beta_absolute", "sigma_trend"]
    assert list(r["currency"]) == ["USD", "USD"]
    assert list(r["regions"]) == ["as published", "as published"]
    assert list(r["cov_type"]) == ["HC1", "bootstrap"]
    assert r.loc["beta_absolute", "why"].endswith(
        "; the grid has no real basis: its first basis, USD, instead; the grid has no HC3 errors: "
        "HC1 instead")
    no_boot = baselines({**p, "n_boot": 0}, estimates=["sigma_trend"])
    assert list(no_boot["cov_type"]) == ["classical"]
    # the names a grid ran, without stored baselines
    named = baselines({k: v for k, v in p.items() if k != "baselines"})
    assert list(named["estimate"]) == ["beta_absolute"]
    # a bare params dict: one basis (as given), no variants, no errors
    bare = baselines({"estimate_names": ["sigma_trend"]}).iloc[0]
    assert (bare["currency"], bare["regions"], bare["cov_type"]) == ("as given", "first variant",
                                                                       None)
    assert bare["why"].endswith("; the grid has no real basis: its first basis, as given, instead; "
                                "the grid has no bootstrap errors: None instead")


def test_baselines_of_a_dataset_name_each_sides_sigma():
    """A dataset's border regions on two sides: a sigma trend per side; without regions (or
    without a country column) one '<side>' row; errors: the bootstrap, HC3 and HAC as declared."""
    sides = SimpleNamespace(regions=pd.DataFrame({"border": [True, True, False, True],
                                                  "country": ["RU", "KZ", "CN", "RU"]}),
                            fx=pd.DataFrame({"ppp_lcu_per_intl_dollar": [25.0]}))
    b = baselines(sides)
    assert list(b["estimate"]) == ["sigma_trend", "sigma_trend_KZ", "sigma_trend_RU",
                                   "beta_absolute", "beta_conditional", "between_share_trend",
                                   "border_effect_trend", "pair_gap_trend"]
    assert list(b["cov_type"]) == ["bootstrap"] * 3 + ["HC3", "HC3", "bootstrap", "HAC", "HAC"]
    # no real basis: the first, USD; the border effect and pair gaps at PPP as declared
    assert list(b["currency"]) == ["USD"] * 6 + ["PPP", "PPP"]
    assert set(b["regions"]) == {"as given"}
    assert list(b["question"])[:3] == ["sigma convergence across the border regions",
                                       "sigma convergence within KZ", "sigma convergence within RU"]
    for ds in (object(), SimpleNamespace(regions=pd.DataFrame({"border": [True], "region": ["a"]}))):
        assert list(baselines(ds)["estimate"])[:2] == ["sigma_trend", "sigma_trend_<side>"]
    assert list(baselines(sides, estimates=["pair_gap_trend"])["estimate"]) == ["pair_gap_trend"]


def test_default_starts():
    """The first period and the first at least two years later (none on a two-year span)."""
    assert _default_starts(pd.Index([2000, 2001, 2002, 2005])) == [2000, 2002]
    assert _default_starts(pd.Index([2000, 2001, 2003])) == [2000, 2003]
    assert _default_starts(pd.Index([2000, 2001])) == [2000]


def test_poisson_counts_are_the_same_for_a_label_and_differ_between_labels():
    """Each label's counts: Poisson(1) from a generator seeded by (seed, crc32 of the label)."""
    d = _NullDraws(50, 3)
    c = d.counts(["a", "b", "a"])
    want_a = np.random.default_rng([3, zlib.crc32(b"count\x1fa")]).poisson(1.0, 50)
    want_b = np.random.default_rng([3, zlib.crc32(b"count\x1fb")]).poisson(1.0, 50)
    assert c.shape == (3, 50)
    np.testing.assert_array_equal(c[0], want_a)
    np.testing.assert_array_equal(c[1], want_b)
    np.testing.assert_array_equal(c[2], want_a)
    assert not np.array_equal(c[0], c[1])


def _boxes(codes: list[str], sides: list[str], cells: list[tuple[int, int]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": codes, "side": sides},
                            geometry=[box(x, y, x + 1, y + 1) for x, y in cells], crs="EPSG:3857")


def test_variant_geometry_takes_the_stand_ins_polygon_and_drops_it():
    """b is measured by bs: b takes bs's polygon and bs goes; c's stand-in zz has no polygon (c
    keeps its own); keep leaves out d."""
    g = _boxes(["a", "b", "bs", "c", "d"], ["W", "E", "E", "E", "W"],
               [(0, 0), (1, 0), (5, 5), (1, 1), (0, 1)])
    v = RegionVariant("parts", substitute={"b": "bs", "c": "zz"})
    out = _variant_geometry(g, v, "code", keep=["a", "b", "bs", "c"])
    assert list(out.columns) == ["code", "side", "geometry"]
    assert list(out["code"]) == ["a", "b", "c"] and list(out.index) == [0, 1, 2]
    assert out.geometry.iloc[1].equals(box(5, 5, 6, 6))
    assert out.geometry.iloc[0].equals(box(0, 0, 1, 1)) and out.geometry.iloc[2].equals(box(1, 1, 2, 2))
    assert list(_variant_geometry(g, v, "code")["code"]) == ["a", "b", "c", "d"]
    assert _variant_geometry(None, v, "code") is None


def test_edges_of_a_users_polygons():
    """Two columns of two boxes (W | E): neighbours across the border W1-E1, W2-E2 (the corner
    contacts W1-E2, W2-E1 are points, not edges); inside a side W1-W2, E1-E2."""
    g = _boxes(["W1", "W2", "E1", "E2"], ["W", "W", "E", "E"], [(0, 0), (0, 1), (1, 0), (1, 1)])
    e = _edges(g, "code", "side")
    assert set(zip(e["a"], e["b"], strict=True)) == {("W1", "W2"), ("E1", "E2"), ("W1", "E1"),
                                                     ("W2", "E2")}
    assert set(e["contact"]) == {"edge"}
    assert "index" not in e.columns and list(e.index) == [0, 1, 2, 3]
    two = _edges(g.iloc[[0, 2]].reset_index(drop=True), "code", "side")
    assert list(zip(two["a"], two["b"], strict=True)) == [("W1", "E1")]
    assert _edges(g.iloc[[0]], "code", "side") is None
    assert _edges(None, "code", "side") is None


def test_dedup_rounds_to_ten_significant_digits_and_keeps_the_columns():
    """0.123456789012 and 0.123456789019 agree to 10 significant digits (0.1234567890), not to 11:
    one specification by default, two at digits=11. The table's own index is not carried."""
    t = pd.DataFrame({"estimate": ["sigma_trend"] * 3, "se_type": ["HC1"] * 3,
                      "currency": ["USD", "PPP", "real"], "start": [2000] * 3, "end": [2010] * 3,
                      "regions": ["as given"] * 3, "resources": ["in"] * 3,
                      "value": [0.123456789012, 0.123456789019, 0.2], "se": [0.01] * 3},
                     index=[7, 8, 9])
    out, note = deduplicate_specifications(t)
    assert list(out.columns) == list(t.columns) + ["same_as"]
    assert list(out["currency"]) == ["USD", "real"] and list(out.index) == [0, 1]
    assert list(out["same_as"]) == ["currency=PPP", ""]
    assert note.startswith("1 of 3 rows repeat another specification's estimate")
    assert len(deduplicate_specifications(t, digits=11)[0]) == 3
    # a value that is not a number is kept as it is, like a missing one
    text = t.astype({"value": object})
    text.loc[8, "value"] = "n/a"
    assert list(deduplicate_specifications(text)[0]["currency"]) == ["USD", "PPP", "real"]
    with pytest.raises(ValueError, match="dimensions must be columns of the table other than se_type"):
        deduplicate_specifications(t, ["colour"])


def test_dedup_names_every_merged_row_and_dimension_in_table_order():
    """sigma_trend identical on three bases; beta_absolute identical on (USD, 2000) and
    (PPP, 2002): the first row of each names the others; the note counts sigma first."""
    t = pd.DataFrame({"estimate": ["sigma_trend"] * 3 + ["beta_absolute"] * 2,
                      "se_type": ["HC1"] * 5, "currency": ["USD", "PPP", "real", "USD", "PPP"],
                      "start": [2000, 2000, 2000, 2000, 2002], "end": [2010] * 5,
                      "regions": ["as given"] * 5, "resources": ["in"] * 5,
                      "value": [-0.1, -0.1, -0.1, -0.5, -0.5], "se": [0.01] * 3 + [0.2] * 2})
    out, note = deduplicate_specifications(t)
    assert list(out["same_as"]) == ["currency=PPP; currency=real", "currency=PPP, start=2002"]
    assert note == ("3 of 5 rows repeat another specification's estimate and standard error "
                    "(differing only in currency, start, end, regions, resources) and are counted "
                    "once (sigma_trend 2, beta_absolute 1); the row kept names them in same_as")


def test_null_draws_of_beta_name_their_permutation():
    """Growth permuted across regions, within each side when the conditional beta has strata; one
    draw's estimate is the HC3 OLS slope of the growth reordered by each region's key."""
    rng = np.random.default_rng(1)
    labels = ["a1", "a2", "a3", "b1", "b2", "b3"]
    x0 = rng.normal(8.0, 0.5, 6)
    growth = 0.03 - 0.01 * (x0 - 8.0) + rng.normal(0, 0.002, 6)
    X = np.column_stack([np.ones(6), x0])
    d = _NullDraws(4, 7)
    d.cov_of = lambda est: "HC3"
    d.beta("beta_absolute", 1, growth, X, labels, None, 1)
    d.beta("beta_conditional", 2, growth, np.column_stack([X, [0, 0, 0, 1, 1, 1]]), labels,
           np.array(["A"] * 3 + ["B"] * 3, dtype=object), 1)
    assert d.method == {"beta_absolute": "growth permuted across regions",
                        "beta_conditional": "growth permuted across regions within each side"}
    keys = np.array([np.random.default_rng([7, zlib.crc32(f"region\x1f{lab}".encode())]).random(4)
                     for lab in labels])
    perm = np.argsort(keys[:, 0])
    fit = sm.OLS(growth[perm], X).fit(cov_type="HC3", use_t=True)
    b, p = d.by["beta_absolute"][1]
    assert b[0] == pytest.approx(fit.params[1], rel=1e-9)
    assert p[0] == pytest.approx(fit.pvalues[1], rel=1e-7)
    assert set(d.result(pd.DataFrame())) == {"beta_absolute", "beta_conditional"}


def test_cross_pair_rows_across_the_border_only():
    """Pairs across the border once each, as row indices in labels order; none: empty int arrays."""
    labels = np.array(["W1", "W2", "E1", "E2"], dtype=object)
    groups = np.array(["W", "W", "E", "E"], dtype=object)
    edges = pd.DataFrame({"a": ["W1", "E2", "E1", "W1", "X9"], "b": ["W2", "W2", "W1", "E1", "E1"]})
    ia, ib = _cross_pair_rows(edges, labels, groups)
    assert list(zip(ia, ib, strict=True)) == [(0, 2), (1, 3)]
    ia, ib = _cross_pair_rows(edges.iloc[[0]], labels, groups)
    assert (len(ia), len(ib)) == (0, 0)
    assert ia.dtype.kind == "i" and ib.dtype.kind == "i"


def _toy(pop: bool = True, gap: bool = False) -> cb.Dataset:
    """Ten border regions (A1-A5, B1-B5), GDP per head in USD 2000-2006; a population indicator
    (``pop``), missing for A4 in 2003 with ``gap``."""
    codes = [f"A{i}" for i in range(1, 6)] + [f"B{i}" for i in range(1, 6)]
    regions = gpd.GeoDataFrame({"region": codes, "country": ["A"] * 5 + ["B"] * 5,
                                "border": True, "analysis_unit": True}, geometry=[None] * 10)
    rng = np.random.default_rng(4)
    rows = []
    for j, r in enumerate(codes):
        for i, y in enumerate(range(2000, 2007)):
            v = float(np.exp(8 + 0.2 * j + (0.03 - 0.004 * j) * i + rng.normal(0, 0.01)))
            rows.append((r, y, "gdp_pc", v, "USD", "S", ""))
            if pop and not (gap and r == "A4" and y == 2003):
                rows.append((r, y, "population", 1000.0 + j, "persons", "S", ""))
    obs = pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit", "source", "flag"])
    sources = pd.DataFrame({"source": ["S"], "citation": ["toy"], "licence": ["none"]})
    return cb.Dataset(regions=regions, observations=obs, sources=sources, name="toy")


def _toy_sigma(ds: cb.Dataset, **kw) -> pd.DataFrame:
    return cb.robustness(ds, indicator="gdp_pc", estimates=("sigma",), cov_types=("nonrobust",),
                         n_boot=0, n_draws=0, starts=[2000], ends=[2006], **kw
                         ).table.set_index("estimate")


def _sigma_slope(ds: cb.Dataset, drop: tuple[str, ...] = ()) -> float:
    w = ds.values("gdp_pc").pivot(index="region", columns="year", values="value")
    logs = np.log(w.drop(index=list(drop)).to_numpy(dtype=float))
    return float(np.polyfit(np.arange(2000, 2007), logs.std(axis=0), 1)[0])


def test_a_dataset_grid_sets_aside_values_without_a_weight():
    """Without a population indicator the panels are unweighted (all ten regions); with A4's
    population missing in 2003, A4 has no weighted value that year and is left out of 2000-2006:
    the sigma trend is that of the other nine, fitted here."""
    ds = _toy(pop=False)
    t = _toy_sigma(ds)
    assert (t.loc["sigma_trend", "n_regions"], t.loc["sigma_trend", "dropped"]) == (10, "")
    assert t.loc["sigma_trend", "value"] == pytest.approx(_sigma_slope(ds), rel=1e-9)
    gap = _toy(gap=True)
    t = _toy_sigma(gap)
    assert (t.loc["sigma_trend", "n_regions"], t.loc["sigma_trend", "dropped"]) == (9, "A4")
    assert t.loc["sigma_trend", "value"] == pytest.approx(_sigma_slope(gap, ("A4",)), rel=1e-9)


def test_a_dataset_grid_passes_relative_to_its_panels():
    """Indices to the national mean: each side's sigma is unchanged (a yearly national divisor
    shifts that side's logs alike), sigma across the border is not."""
    ds = _toy()
    plain, rel = _toy_sigma(ds), _toy_sigma(ds, relative="national")
    for side in ("sigma_trend_A", "sigma_trend_B"):
        assert rel.loc[side, "value"] == pytest.approx(plain.loc[side, "value"], rel=1e-9)
    assert abs(rel.loc["sigma_trend", "value"] - plain.loc["sigma_trend", "value"]) > 1e-3
