"""The grid counts evidence once: spec_id, baseline, duplicate_of, evidence() and depends_on()
without aliasing, on grids built by the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import crossborder as cb
from crossborder.measures.inference import t_pvalue
from crossborder.study.robustness import (
    DEPENDS_COLUMNS,
    EVIDENCE_COLUMNS,
    TABLE_COLUMNS,
    RobustnessResult,
    baselines,
)

YEARS = list(range(2000, 2011))
REGIONS = ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "b5"]
GROUPS = ["A"] * 5 + ["B"] * 5
#: national conversion factors: within a side a factor cancels from the sd of logs and from beta
FACTOR = {"USD": (1.0, 1.0), "PPP": (2.0, 3.0), "real": (1.0, 1.0)}


def _values(currency: str) -> np.ndarray:
    rng = np.random.default_rng(11)
    y0 = np.linspace(6.0, 8.0, 10)
    g = 0.05 - 0.02 * (y0 - y0.mean()) + rng.normal(0, 0.004, 10)
    t = np.arange(len(YEARS))
    v = np.exp(y0[:, None] + g[:, None] * t[None, :] + rng.normal(0, 0.01, (10, len(YEARS))))
    if currency == "real":          # a deflator per side
        v = v * np.exp(-np.outer([0.02] * 5 + [0.03] * 5, t))
    fa, fb = FACTOR[currency]
    return v * np.array([fa] * 5 + [fb] * 5)[:, None]


def _factory(currency):
    return cb.Panel.from_matrix(_values(currency), regions=REGIONS, times=YEARS, groups=GROUPS)


@pytest.fixture(scope="module")
def grid():
    return cb.robustness(_factory, currencies=["USD", "PPP", "real"], starts=[2000, 2002],
                         ends=[2009, 2010], estimates=("sigma", "beta"),
                         cov_types=("nonrobust", "HC3", "HAC"), n_boot=199, n_draws=49)


def test_contract_columns(grid):
    t = grid.table
    assert list(t.columns) == TABLE_COLUMNS
    # one spec_id per data specification, shared by its standard-error rows
    dims = ["currency", "start", "end", "regions", "resources"]
    assert t.groupby("spec_id")[dims].nunique().max().max() == 1
    assert t.drop_duplicates(dims).shape[0] == t["spec_id"].nunique() == 3 * 2 * 2
    assert list(grid.evidence().columns) == EVIDENCE_COLUMNS
    assert list(grid.depends_on().columns) == DEPENDS_COLUMNS


def test_baseline_rows_declared_not_chosen(grid):
    """Baseline: real basis (constant prices), first start, last end, HC3 for beta, bootstrap for
    sigma: one row per estimate."""
    b = grid.table[grid.table["baseline"]]
    assert sorted(b["estimate"]) == sorted(pd.unique(grid.table["estimate"]))
    assert set(b["currency"]) == {"real"} and set(b["start"]) == {2000} and set(b["end"]) == {2010}
    se = dict(zip(b["estimate"], b["se_type"], strict=True))
    assert se["beta_absolute"] == se["beta_conditional"] == "HC3"
    assert se["sigma_trend"] == se["sigma_trend_A"] == "bootstrap"
    decl = baselines(grid.params)
    assert set(decl["currency"]) == {"real"} and decl["why"].str.len().min() > 20


def test_baseline_override():
    g = cb.robustness(_factory, currencies=["USD", "PPP"], starts=[2000], ends=[2010],
                      estimates=("beta",), cov_types=("HC1", "HC3"), n_draws=0,
                      baselines={"beta": {"currency": "PPP", "cov_type": "HC1"}})
    b = g.table[g.table["baseline"]]
    assert set(b["currency"]) == {"PPP"} and set(b["se_type"]) == {"HC1"}
    # without the real basis the declared one falls back to the grid's first basis, said so
    d = baselines(cb.robustness(_factory, currencies=["USD", "PPP"], starts=[2000], ends=[2010],
                                estimates=("beta",), n_draws=0).params)
    assert set(d["currency"]) == {"USD"} and d["why"].str.contains("no real basis").all()


def test_identical_bases_count_once(grid):
    """sigma within a side is the same in USD, PPP and real (a national factor or deflator
    cancels): the PPP and real specifications are duplicates of the USD ones; pooled sigma is
    not (the factors differ by side)."""
    t = grid.table
    for se in ("HC3", "bootstrap"):
        sk = t[(t["estimate"] == "sigma_trend_A") & (t["se_type"] == se)]
        usd = sk[sk["currency"] == "USD"].set_index(["start", "end"])["spec_id"]
        for cur in ("PPP", "real"):
            dup = sk[sk["currency"] == cur].set_index(["start", "end"])["duplicate_of"]
            assert (dup.astype(int) == usd.reindex(dup.index)).all()
        assert sk.loc[sk["currency"] == "USD", "duplicate_of"].isna().all()
    assert t.loc[t["estimate"] == "sigma_trend", "duplicate_of"].isna().all()
    ev = grid.evidence().set_index("estimate")
    assert ev.loc["sigma_trend_A", "n_specs"] == 12 and ev.loc["sigma_trend_A", "n_distinct"] == 4
    assert ev.loc["beta_conditional", "n_distinct"] == 4 and ev.loc["beta_absolute", "n_distinct"] == 12
    assert ev.loc["sigma_trend", "n_distinct"] == 12
    assert ev.loc["sigma_trend_A", "n_rows"] == 12 * 4          # nonrobust, HC3, HAC, bootstrap


def test_evidence_shares_by_hand(grid):
    """Shares over the distinct specifications at the baseline's errors, computed here."""
    t = grid.table
    ev = grid.evidence(alpha=0.10).set_index("estimate")
    for est in ("beta_conditional", "sigma_trend_B", "beta_absolute"):
        se = ev.loc[est, "baseline_cov_type"]
        rows = t[(t["estimate"] == est) & (t["se_type"] == se) & t["duplicate_of"].isna()]
        v, p = rows["value"].to_numpy(), rows["pvalue"].to_numpy()
        assert ev.loc[est, "n_distinct"] == len(rows)
        assert ev.loc[est, "share_negative"] == pytest.approx(np.mean(v < 0))
        assert ev.loc[est, "share_significant_negative"] == pytest.approx(np.mean((v < 0) & (p < 0.10)))
        assert ev.loc[est, "share_significant_positive"] == pytest.approx(np.mean((v > 0) & (p < 0.10)))
        b = t[(t["estimate"] == est) & t["baseline"]].iloc[0]
        assert ev.loc[est, "baseline_value"] == b["value"] and ev.loc[est, "baseline_spec"] == b["spec_id"]
    assert ev.loc["beta_absolute", "question"] == "absolute beta convergence"
    assert ev.loc["sigma_trend_A", "question"] == "sigma convergence within A"
    assert "nonrobust" not in ev.loc["beta_absolute", "se_alternatives"]
    assert "classical" in ev.loc["beta_absolute", "se_alternatives"]


def test_beta_hc3_t_pvalue(grid):
    """The baseline beta row: HC3 with a t(n - k) p-value (statsmodels' HC3, Student's t)."""
    row = grid.table[(grid.table["estimate"] == "beta_absolute") & grid.table["baseline"]].iloc[0]
    logs = np.log(_values("real"))
    growth = (logs[:, -1] - logs[:, 0]) / 10.0
    fit = sm.OLS(growth, sm.add_constant(logs[:, 0])).fit(cov_type="HC3")
    assert row["se"] == pytest.approx(fit.bse[1], rel=1e-10)
    assert row["pvalue"] == pytest.approx(t_pvalue(fit.params[1] / fit.bse[1], 8), rel=1e-10)


# ----------------------------------------------------------------------------- aliasing
def _result(rows: list[dict], alpha: float = 0.05) -> RobustnessResult:
    t = pd.DataFrame(rows)
    t["spec_id"] = np.arange(1, len(t) + 1)
    t["baseline"] = False
    t["duplicate_of"] = pd.array([pd.NA] * len(t), dtype="Int64")
    t = t.reindex(columns=TABLE_COLUMNS)
    return RobustnessResult(t, pd.DataFrame(), {"alpha": alpha, "se_types": ["HC1"],
                                                "currencies": ["USD", "real"], "variants": ["A", "B"]})


def test_depends_on_names_aliased_levels_together():
    """Only the real basis starts in 2012 (currency and start aliased); regions varies within
    both. Support: real and region A. The real basis and 2012 are named together, never as a
    cause; region A is a cause; B disappears on its own."""
    rows, k = [], 0
    for cur, start in (("USD", 2010), ("real", 2012)):
        for end in (2019, 2020, 2021):
            for reg in ("A", "B"):
                k += 1
                sup = cur == "real" and reg == "A"
                rows.append({"currency": cur, "start": start, "end": end, "regions": reg,
                             "resources": "in", "se_type": "HC1", "estimate": "x",
                             "value": (-1 if sup else 1) * 0.01 * k, "se": 0.001, "pvalue":
                             0.001 if sup else 0.5})
    d = _result(rows).depends_on()
    got = {(r.dimension, r.level): (r.sentence_key, r.aliased_with, r.share_at, r.share_other)
           for r in d.itertuples()}
    assert got == {
        ("currency", "USD"): ("disappears_aliased", "currency=USD; start=2010", 0.0, 0.5),
        ("currency", "real"): ("appears_aliased", "currency=real; start=2012", 0.5, 0.0),
        ("start", "2010"): ("disappears_aliased", "start=2010; currency=USD", 0.0, 0.5),
        ("start", "2012"): ("appears_aliased", "start=2012; currency=real", 0.5, 0.0),
        ("regions", "A"): ("appears", "", 0.5, 0.0),
        ("regions", "B"): ("disappears", "", 0.0, 0.5),
    }


def _two_levels(n_at: int, sup_at: int, n_other: int, sup_other: int) -> RobustnessResult:
    rows, k = [], 0
    for end, n, s in ((2019, n_at, sup_at), (2020, n_other, sup_other)):
        for i in range(n):
            k += 1
            rows.append({"currency": "USD", "start": 2000, "end": end, "regions": "A",
                         "resources": "in", "se_type": "HC1", "estimate": "x",
                         "value": (-1 if i < s else 1) * 0.01 * k, "se": 0.001,
                         "pvalue": 0.01 if i < s else 0.5})
    return _result(rows)


def _keys(res: RobustnessResult, contrast: float = 0.25) -> dict:
    d = res.depends_on(contrast)
    d = d[d["dimension"] == "end"]
    return dict(zip(d["level"], d["sentence_key"], strict=True))


def test_depends_on_thresholds_exactly():
    """appears: share_at >= 0.5 and share_other < contrast; disappears: share_at <= 0.1 and
    share_other >= contrast — each at its edge."""
    assert _keys(_two_levels(4, 2, 4, 0))["2019"] == "appears"            # 0.5 vs 0
    assert "2019" not in _keys(_two_levels(4, 2, 4, 1))                   # 0.5 vs 0.25 = contrast
    assert _keys(_two_levels(4, 2, 4, 1), contrast=0.26)["2019"] == "appears"
    assert _keys(_two_levels(10, 1, 4, 1))["2019"] == "disappears"        # 0.1 vs 0.25
    assert "2019" not in _keys(_two_levels(10, 1, 4, 1), contrast=0.26)
    assert "2019" not in _keys(_two_levels(9, 1, 4, 1))                   # 0.11 vs 0.25
    assert "2019" not in _keys(_two_levels(10, 4, 4, 0))                  # 0.4 vs 0


def test_depends_on_honours_alpha():
    """p = 0.03: supporting at alpha 0.05, not at 0.01 (the grid's alpha or the argument)."""
    rows = [{"currency": "USD", "start": 2000, "end": e, "regions": "A", "resources": "in",
             "se_type": "HC1", "estimate": "x", "value": -0.01 * (i + 1), "se": 0.001,
             "pvalue": 0.03 if e == 2019 else 0.5} for i, e in enumerate((2019, 2019, 2020, 2020))]
    assert _keys(_result(rows)) == {"2019": "appears", "2020": "disappears"}
    assert _keys(_result(rows, alpha=0.01)) == {}
    assert dict(zip(*_result(rows).depends_on(alpha=0.01)[["level", "sentence_key"]].T.values,
                    strict=True)) == {}


def test_declared_baselines_by_what_the_question_measures():
    """Growth and dispersion in constant prices, level gaps at PPP, dollar sizes in USD; on the
    built-in data each side's sigma trend by name."""
    d = baselines().set_index("estimate")
    assert d.loc["dollar_sizes", "currency"] == "USD"
    assert d.loc["border_effect_trend", "currency"] == d.loc["pair_gap_trend", "currency"] == "PPP"
    assert set(d.loc[["sigma_trend", "beta_absolute", "between_share_trend"], "currency"]) == {"real"}
    ds = baselines(cb.load_dataset("ru-kz")).set_index("estimate")
    assert ds.loc["sigma_trend_KZ", "question"] == "sigma convergence within KZ"
    assert ds.loc["beta_conditional", "cov_type"] == "HC3"
    assert ds.loc["between_share_trend", "cov_type"] == "bootstrap"
    assert set(ds["regions"]) == {"Tyumen with okrugs"} and set(ds["resources"]) == {"in"}


def test_bootstrap_rows_equal_a_direct_bootstrap_at_the_grids_alpha():
    """The bootstrap row of sigma (pooled: drawn within each side; within a side) and of the
    between share: bootstrap_regions + bootstrap_trend on the same arrays, seed and alpha."""
    from crossborder.measures.decompose import decompose_array
    from crossborder.measures.resample import (
        between_share_theil,
        bootstrap_regions,
        bootstrap_trend,
        sd_log,
    )

    g = cb.robustness(_factory, currencies=["PPP"], starts=[2001], ends=[2009],
                      estimates=("sigma", "between_share"), cov_types=("HAC",), n_boot=99,
                      n_draws=0, alpha=0.1, seed=4)
    t = g.table[g.table["se_type"] == "bootstrap"].set_index("estimate")
    y = _values("PPP")[:, 1:10]
    years = np.arange(2001, 2010, dtype=float)
    cases = {"sigma_trend": (y, sd_log, GROUPS, sd_log(y)),
             "sigma_trend_B": (y[5:], sd_log, GROUPS[5:], sd_log(y[5:])),
             "between_share_trend": (y, between_share_theil(GROUPS), GROUPS,
                                     decompose_array(y, GROUPS, "theil")["between_share"])}
    for est, (block, stat, strata, obs) in cases.items():
        want = bootstrap_trend(obs, bootstrap_regions(block, None, stat, 99, 4, strata), years, 0.1)
        for k in ("value", "se", "ci_low", "ci_high", "pvalue"):
            assert t.loc[est, k] == pytest.approx(want[k], rel=1e-9), (est, k)


def test_evidence_significance_strictly_below_alpha():
    """p exactly alpha is not significant; the shares count distinct rows at the baseline errors."""
    rows = [{"currency": "USD", "start": 2000, "end": e, "regions": "A", "resources": "in",
             "se_type": "HC1", "estimate": "x", "value": v, "se": 0.001, "pvalue": p}
            for e, v, p in ((2017, -0.01, 0.05), (2018, -0.02, 0.049), (2019, 0.03, 0.01),
                            (2020, 0.04, 0.05))]
    ev = _result(rows).evidence().iloc[0]
    assert ev["n_distinct"] == 4 and ev["share_negative"] == 0.5
    assert ev["share_significant_negative"] == 0.25 and ev["share_significant_positive"] == 0.25
    assert ev["baseline_cov_type"] == "HC1" and np.isnan(ev["joint_pvalue"])
