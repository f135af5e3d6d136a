"""The verdict's entry, the paper's conclusions point by point and the bottom line, on hand-made
tables: each verdict from counts the test states, every number of the bottom line traced to a named
CSV row written by the test."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from _verdict_frames import dep, depends, ev, evidence, grid, integration_result

from crossborder.study.verdict import (
    CONCLUSION_COLUMNS,
    CONTEXT,
    between_reading,
    bottom_line,
    cited_rows,
    claims_reading,
    conclusions,
    fmt_p,
    fmt_pct,
    fmt_value,
    integration_reading,
    read_evidence,
    trace_tokens,
    verdict,
)

YEARS = list(range(2010, 2021))
#: the real basis rises 18.4% -> 27.0%; USD has a spike in 2015 and ends lower
REAL = pd.Series(np.linspace(0.184, 0.27, len(YEARS)), index=YEARS)
USD = pd.Series([0.10, 0.11, 0.10, 0.12, 0.13, 0.30, 0.14, 0.12, 0.11, 0.10, 0.10], index=YEARS)


def _claims(labels):
    return pd.DataFrame({"claim": [f"c{i}" for i in range(len(labels))], "verdict": labels})


CLAIMS = _claims(["supported", "supported, narrowly", "depends on the basis", "not supported",
                  "supported", "cannot be answered from these data", "supported"])


def _full(fx=-0.01, fx_p=0.4, theta=-0.048, p=0.01, exposure_p=None, **kw):
    e = evidence(ev("sigma_trend", n=44, neg=30, sig_neg=10, sig_pos=2),
                 ev("beta_absolute", n=44, neg=44, sig_neg=17),
                 ev("between_share_trend", n=40, neg=5, sig_neg=1, sig_pos=30, value=0.0087,
                    p=0.001, joint=0.0004))
    d = depends(dep("sigma_trend", "currency", "real", 0.9, 0.1, aliased_with="start=2012"))
    integ = integration_result(theta=theta, p=p, fx=fx, fx_p=fx_p, **kw)
    if exposure_p is not None:
        row = integ.inference.iloc[[0]].assign(test="fx_exposure", estimate=0.43, pvalue=exposure_p)
        integ.inference = pd.concat([integ.inference, row], ignore_index=True)
    return verdict(grid(e, d), names={"RU": "Russia"}, sides=("Russia", "Kazakhstan"),
                   between={"real": REAL, "USD": USD}, integration=integ, claims=CLAIMS), integ, e


# ----------------------------------------------------------------------------- the table
def test_conclusions_table_rows_columns_and_verdicts():
    v, _, _ = _full()
    c = v.conclusions
    assert list(c.columns) == ["key"] + CONCLUSION_COLUMNS
    assert list(c["key"]) == ["convergence", "integration", "polarised", "claims", "thesis"]
    row = c.set_index("key")
    # sigma 10/44 significantly negative (rare), beta 17/44 (mixed): neither holds in most
    assert row.loc["convergence", "verdict"] == "depends on the basis"   # sigma depends on currency
    assert row.loc["convergence", "data_show"] == (
        "σ (spread of log income): no clear direction, rare; β (poorer regions growing faster): "
        "convergence, mixed")
    assert row.loc["integration", "verdict"] == "depends on the exchange rate"  # -0.048 -> -0.01
    assert row.loc["polarised", "verdict"] == "supported"                   # 30/40 divergence
    assert row.loc["claims", "data_show"] == (
        "of 7 checks: 3 supported; 1 supported, narrowly; 1 depends on the basis; 1 not supported; "
        "1 cannot be answered from these data")
    assert row.loc["integration", "data_show"] == (
        "after 2015 gaps across the border narrowed by about 5%, in USD")
    assert row.loc["claims", "verdict"] == "partly supported"
    assert row.loc["thesis", "verdict"] == "partly supported"
    assert "the two sides drift apart" in row.loc["thesis", "data_show"]
    assert row.loc["thesis", "source"] == (
        "conclusions.csv[key=convergence]; conclusions.csv[key=integration]; "
        "conclusions.csv[key=polarised]")
    assert row.loc["integration", "source"].startswith(
        "integration.csv[test=did, break_year=2015]; integration.csv[test=pretrend, break_year=2015]")
    assert "verdict_context.csv[event=rouble]" in row.loc["integration", "source"]
    assert row.loc["polarised", "source"] == (
        "verdict_between_share.csv[basis=real, year=2010]; "
        "verdict_between_share.csv[basis=real, year=2020]; "
        "verdict.csv[estimate=between_share_trend]")


def test_convergence_verdicts_by_rule():
    def verdict_of(*rows, dep_frame=None):
        read = read_evidence(evidence(*rows))
        return conclusions(read, dependences=dep_frame).set_index("key").loc["convergence",
                                                                            "verdict"]

    assert verdict_of(ev("sigma_trend", sig_neg=12), ev("beta_absolute", sig_neg=8)) == "supported"
    assert verdict_of(ev("sigma_trend", sig_neg=12), ev("beta_absolute", sig_neg=7)) == \
        "partly supported"
    assert verdict_of(ev("sigma_trend", sig_neg=12),
                      ev("beta_absolute", sig_neg=0, sig_pos=8)) == "not supported"
    assert verdict_of(ev("sigma_trend", sig_neg=4), ev("beta_absolute", sig_neg=4)) == \
        "not supported"
    assert verdict_of(ev("sigma_trend", sig_neg=4), ev("beta_absolute", sig_neg=4),
                      dep_frame=depends(dep("beta_absolute", "currency"))) == "depends on the basis"
    assert verdict_of(ev("sigma_trend", sig_neg=4), ev("beta_absolute", sig_neg=4),
                      dep_frame=depends(dep("beta_absolute", "end"))) == "not supported"
    assert verdict_of(ev("beta_absolute", sig_neg=12)) == "supported"
    assert verdict_of(ev("pair_gap_trend", sig_neg=12)) == "cannot be answered from these data"


def test_thesis_and_claims_verdicts_by_rule():
    read = read_evidence(evidence(ev("sigma_trend", sig_neg=12), ev("beta_absolute", sig_neg=12)))
    integ = integration_result()
    good = integration_reading(integ.table, integ.inference)
    c = conclusions(read, integration=good, claims=claims_reading(_claims(["supported"] * 3)))
    row = c.set_index("key")
    assert (row.loc["thesis", "verdict"], row.loc["claims", "verdict"]) == ("supported", "supported")
    narrow = claims_reading(_claims(["supported", "supported, narrowly"]))
    assert conclusions(read, claims=narrow).set_index("key").loc["claims", "verdict"] == "supported"
    bad = claims_reading(_claims(["not supported", "cannot be answered from these data"]))
    assert conclusions(read, claims=bad).set_index("key").loc["claims", "verdict"] == "not supported"
    none = read_evidence(evidence(ev("sigma_trend", sig_neg=0), ev("beta_absolute", sig_neg=0)))
    assert conclusions(none, integration=good).set_index("key").loc["thesis", "verdict"] == \
        "partly supported"
    assert conclusions(none).set_index("key").loc["thesis", "verdict"] == \
        "cannot be answered from these data"
    t2 = integration_result(theta=0.05, p=0.01)
    wide = integration_reading(t2.table, t2.inference)
    assert conclusions(none, integration=wide).set_index("key").loc["thesis", "verdict"] == \
        "not supported"
    generic = conclusions(read, paper=False)
    assert list(generic["key"]) == ["convergence", "integration", "polarised"]
    assert set(generic["paper_says"]) == {""}


def test_claims_counted_in_order():
    r = claims_reading(CLAIMS)
    direct = Counter(CLAIMS["verdict"])
    assert r["counts"] == dict(direct) and list(r["counts"]) == list(dict.fromkeys(CLAIMS["verdict"]))
    assert r["n"] == 7 and r["thesis"] is None
    assert claims_reading(_claims(["supported", "not supported", "not supported"]))["plain"] == (
        "1 holds and 2 do not hold")
    assert claims_reading(_claims(["partly supported"] * 2 + ["depends on the basis"] * 2
                                  + ["supported, narrowly"] * 2 + ["new label"]))["plain"] == (
        "2 hold in part, 2 depend on the currency basis, 2 hold narrowly and 1 new label")
    assert claims_reading(_claims(["cannot be answered from these data"]))["plain"] == (
        "1 cannot be checked with these data")


def test_the_claims_thesis_row_is_set_apart():
    """check_claims' thesis row (kind 'thesis') is not a claim: not counted, named in the thesis
    row of the conclusions with its CSV row."""
    table = CLAIMS.assign(kind="claim")
    table = pd.concat([table, pd.DataFrame({"claim": ["thesis"], "verdict": ["partly supported"],
                                            "kind": ["thesis"]})], ignore_index=True)
    r = claims_reading(table)
    assert r["n"] == 7 and r["counts"] == dict(Counter(CLAIMS["verdict"]))
    assert r["thesis"] == "partly supported"
    read = read_evidence(evidence(ev("sigma_trend", sig_neg=12)))
    row = conclusions(read, claims=r).set_index("key").loc["thesis"]
    assert row["evidence"].endswith("the claims table's thesis row (a gap at the border and "
                                    "neighbour gaps closing): partly supported")
    assert row["source"].endswith("; claims.csv[key=thesis]")
    assert "claims.csv" not in conclusions(read, claims=claims_reading(CLAIMS)).set_index(
        "key").loc["thesis", "source"]


# ----------------------------------------------------------------------------- bottom line
def test_bottom_line_words():
    v, _, _ = _full()
    b = v.bottom_line
    assert len(b) == 5
    assert b[0] == ("That incomes in the border regions are drawing closer depends on how incomes are "
                    "converted between currencies: poorer regions grew significantly faster in 39% of "
                    "44 ways of measuring it, and inequality among them fell significantly in 23% of 44 "
                    "and rose significantly in 5%; taken together, though, the specifications show "
                    "more convergence than chance would (joint test p 0.03 for growth, 0.03 for "
                    "inequality).")
    assert b[1] == ("The gap between the border regions of Russia and those of Kazakhstan widened: the "
                    "part of the area's income inequality that lies between the two countries went "
                    "from 18.4% in 2010 to 27.0% in 2020 (in constant prices).")
    assert b[2] == ("After 2015, when the Eurasian Economic Union began, income gaps between "
                    "neighbouring regions across the border narrowed by about 5%, compared with "
                    "neighbours inside one country, but this moves with the exchange rate: the rouble "
                    "fell by half in December 2014 and the tenge in August 2015, both after the oil "
                    "price collapsed, so the data cannot credit the Union with it.")
    assert b[3] == ("Of the paper's 7 checked figures, 3 hold, 1 holds narrowly, 1 depends on the "
                    "currency basis, 1 does not hold and 1 cannot be checked with these data.")
    assert b[4] == ("So the paper's central claim, that the border area converges and that integration "
                    "helps, holds only in part.")


def test_bottom_line_names_the_exchange_rate_when_the_gaps_move_with_it():
    """theta -0.073 (p 0.13), the exposure coefficient significant: not driven (no narrowing), but
    the devaluations are named; without a significant exposure they are not."""
    v, _, _ = _full(theta=-0.073, p=0.13, fx=-0.047, fx_p=0.3, exposure_p=0.0001)
    assert v.bottom_line[2] == (
        "After 2015, when the Eurasian Economic Union began, income gaps between neighbouring regions "
        "across the border did not change beyond chance (estimate −7%), compared with neighbours "
        "inside one country; the gaps move with the exchange rate: the rouble fell by half in "
        "December 2014 and the tenge in August 2015, both after the oil price collapsed.")
    row = v.conclusions.set_index("key").loc["integration"]
    assert row["verdict"] == "not supported"
    assert row["robustness"].startswith("the gaps move with the exchange rate: the 2014–16 "
                                        "devaluations (rouble December 2014, tenge August 2015)")
    v, _, _ = _full(theta=-0.073, p=0.13, fx=-0.047, fx_p=0.3, exposure_p=0.2)
    assert "rouble" not in v.bottom_line[2] and "rouble" not in " ".join(v.conclusions["robustness"])
    v, _, _ = _full(theta=0.06, p=0.01, fx=None)
    assert "widened by about 6%" in v.bottom_line[2]
    v, integ, e = _full(theta=-0.073, p=0.13, fx=-0.047, fx_p=0.3, exposure_p=0.0001)
    generic = verdict(grid(e), integration=integ, paper=False, sides=("A", "B"))
    text = " ".join(generic.bottom_line) + " ".join(generic.conclusions.astype(str).agg(" ".join, 1))
    for word in ("rouble", "tenge", "Eurasian", "oil", "EAEU"):
        assert word not in text, word
    assert generic.bottom_line[1] == (
        "After 2015, income gaps between neighbouring regions across the border did not change "
        "beyond chance (estimate −7%), compared with neighbours inside one country; the gaps move "
        "with the exchange rate between the two currencies.")
    driven = verdict(grid(e), integration=integration_result(fx=-0.01, fx_p=0.4), paper=False)
    assert driven.bottom_line[1].endswith(
        "but this moves with the exchange rate between the two currencies, so the data cannot "
        "credit the break year with it.")
    v, _, _ = _full(theta=-0.06, p=0.01, fx=None, pre=0.01)
    assert v.bottom_line[2].endswith(", but the checks do not bear it out (the pre-trend test "
                                     "rejects parallel trends before the break (p 0.01)).")


def test_bottom_line_without_the_optional_parts():
    read = read_evidence(evidence(ev("sigma_trend", sig_neg=12)))
    c = conclusions(read, paper=False)
    b = bottom_line(c, read)
    assert b == ["That incomes in the border regions are drawing closer holds: inequality among them "
                 "fell significantly in 100% of 12; the joint test across them agrees (p 0.03 for "
                 "inequality)."]
    usd = between_reading({"USD": USD}, "USD")
    b = bottom_line(c, read, between=usd, sides=("A", "B"))
    assert b[1] == ("The gap between the border regions of A and those of B changed little: the part "
                    "of the area's income inequality that lies between the two countries went from "
                    "10.0% in 2010 to 10.0% in 2020 (in nominal USD).")


def _formats(cell) -> set[str]:
    """Every way the verdict writes a number of a CSV cell, as number tokens."""
    out = set()
    if isinstance(cell, str):
        return set(trace_tokens(cell))
    if pd.isna(cell):
        return out
    x = float(cell)
    for text in (fmt_value(x), fmt_p(x), fmt_pct(x), fmt_pct(x, 1), fmt_pct(abs(x)),
                 str(int(x)) if x == int(x) else ""):
        out |= set(trace_tokens(text))
    return out


def _write(tmp_path, v, integ, e):
    tables = {
        "verdict.csv": v.evidence,
        "verdict_between_share.csv": pd.concat(
            [pd.DataFrame({"basis": b, "year": s.index, "between_share": s.to_numpy()})
             for b, s in {"real": REAL, "USD": USD}.items()]),
        "integration.csv": pd.concat([integ.table, integ.inference], ignore_index=True),
        "claims.csv": CLAIMS, "verdict_context.csv": CONTEXT, "conclusions.csv": v.conclusions,
    }
    for name, frame in tables.items():
        frame.to_csv(tmp_path / name, index=False)
    return {name: pd.read_csv(tmp_path / name) for name in tables}


def _cited_tokens(csvs, source) -> set[str]:
    tokens = set()
    for name, key in cited_rows(source):
        t = csvs[name]
        sel = np.ones(len(t), dtype=bool)
        for col, val in key.items():
            sel &= t[col].astype(str).to_numpy() == val
        assert sel.any(), f"{name}{key} names no row"
        for cell in t[sel].to_numpy().ravel():
            tokens |= _formats(cell)
    return tokens


@pytest.mark.parametrize("kw", [{}, {"theta": -0.073, "p": 0.13, "fx": -0.047, "fx_p": 0.3,
                                     "exposure_p": 0.0001}])
def test_every_number_traces_to_a_named_csv_row(tmp_path, kw):
    """Each number of the bottom line and of the conclusions' data_show and evidence is in a row
    of the CSV its ``source`` names (claims: the count of the claims table's verdicts)."""
    v, integ, e = _full(**kw)
    csvs = _write(tmp_path, v, integ, e)
    rows = csvs["conclusions.csv"].set_index("key")
    counts = {str(n) for n in Counter(csvs["claims.csv"]["verdict"]).values()} | {
        str(len(csvs["claims.csv"]))}
    for key in ("convergence", "integration", "polarised"):
        allowed = _cited_tokens(csvs, rows.loc[key, "source"])
        for col in ("data_show", "evidence"):
            missing = [t for t in trace_tokens(str(rows.loc[key, col])) if t not in allowed]
            assert not missing, (key, col, missing)
    assert set(trace_tokens(rows.loc["claims", "data_show"])) <= counts
    table = v.bottom_line_table
    assert list(table["sentence"]) == v.bottom_line
    assert list(table["rests_on"]) == [f"conclusions.csv[key={k}]" for k in
                                       ("convergence", "polarised", "integration", "claims", "thesis")]
    for r in table.itertuples():
        key = r.rests_on.split("=")[1].rstrip("]")
        assert r.source == rows.loc[key, "source"]
        allowed = counts if key == "claims" else _cited_tokens(csvs, r.source)
        missing = [t for t in trace_tokens(r.sentence) if t not in allowed]
        assert not missing, (key, r.sentence, missing)


# ----------------------------------------------------------------------------- the entry
def test_divergence_is_reported_as_divergence_not_a_peak():
    v, _, _ = _full()
    assert v.between["direction"] == "divergence"
    assert v.extras[0] == ("At constant prices (real basis), the share of the border area's "
                           "inequality that lies between the two countries rose from 18.4% in 2010 "
                           "to 27.0% in 2020: divergence across the border, the two sides drifting "
                           "apart.")
    assert not any("peak" in s and "constant prices" in s for s in v.sentences)
    one = verdict(grid(evidence(ev("between_share_trend", sig_neg=0, sig_pos=10))),
                  between={"real": REAL, "USD": USD, "PPP": USD * 0.5 + 0.1})
    # USD and PPP share the 2015 peak: no peak sentence; the real series rises, never a 'peak'
    assert len(one.extras) == 1 and "rose from 18.4%" in one.extras[0]
    other = USD.copy()
    other[2013] = 0.5
    two = verdict(grid(evidence(ev("between_share_trend", sig_neg=0, sig_pos=10))),
                  between={"real": REAL, "USD": USD, "PPP": other})
    assert two.extras[1].startswith("The peak of the between-country share of inequality in 2015 "
                                    "(30.0%) appears in nominal USD only")


def test_entry_reads_the_grids_baseline_basis_and_sentences_in_order():
    e = evidence(ev("sigma_trend", sig_neg=12), ev("between_share_trend", sig_neg=0, sig_pos=12))
    d = depends(dep("sigma_trend"))
    v = verdict(grid(e, d, baseline_currency="USD"), between={"real": REAL, "USD": USD})
    assert v.between["basis"] == "USD"
    assert "at the baseline (nominal USD, 2010–2020, HC3) σ slope = −0.012" in v.sentences[0]
    assert v.sentences[:2] == list(v.evidence["sentence"])
    assert v.sentences[2] == v.dependences["sentence"].iloc[0]
    assert v.sentences[3:] == v.extras
    assert v.to_frame().equals(v.conclusions)
    assert list(v.conclusions["key"]) == ["convergence", "integration", "polarised", "thesis"]
    g = grid(e, d)
    g.table = pd.DataFrame({"currency": ["PPP", "USD"]})
    assert verdict(g, between={"PPP": USD, "USD": REAL}).between["basis"] == "PPP"
    g.table = pd.DataFrame({"currency": [None]})
    assert verdict(g, between={"real": REAL}).between is None
    g.table = pd.DataFrame({"currency": []})
    assert verdict(g).between is None


def test_bottom_line_at_most_five_sentences_in_the_report_order():
    v, _, _ = _full()
    assert len(v.bottom_line) <= 5
    assert [s.split()[0] for s in v.bottom_line] == ["That", "The", "After", "Of", "So"]


def test_between_reading_needs_two_years():
    with pytest.raises(ValueError, match="1 year"):
        between_reading({"real": REAL.iloc[:1]}, "real")
    two = between_reading({"real": REAL.iloc[[0, -1]]}, "real")
    assert (two["first_year"], two["last_year"], two["change"]) == (2010, 2020, "divergence")
    # values given as text are read as numbers ('0.27' - '0.184' is a rise of 8.6 points)
    text = between_reading({"real": REAL.iloc[[0, -1]].map("{:.3f}".format)}, "real")
    assert (text["first"], text["last"], text["change"]) == (0.184, 0.27, "divergence")


def test_rows_that_cannot_be_answered_say_so_in_full():
    read = read_evidence(evidence(ev("pair_gap_trend", sig_neg=12)))
    row = conclusions(read).set_index("key").loc["convergence"]
    assert row.to_dict() == {"conclusion": "Convergence observed (σ, β)",
                             "paper_says": "the border regions converge: the poorer ones catch up "
                                           "(sigma and beta convergence)",
                             "data_show": "the grid has neither σ nor β", "evidence": "",
                             "robustness": "", "verdict": "cannot be answered from these data",
                             "source": ""}
    # a currency dependence of another estimate does not make this one depend on the basis
    weak = read_evidence(evidence(ev("sigma_trend", sig_neg=4), ev("beta_absolute", sig_neg=4)))
    other = depends(dep("pair_gap_trend", "currency"))
    assert conclusions(weak, dependences=other).set_index("key").loc["convergence", "verdict"] == \
        "not supported"
