"""The claims' verdict rules on both sides of every threshold, on tables and evidence built here
(no dataset): $350 bn exactly, 5% above it, a failing paper basis with PPP above, the 55% proxy
allowance, the thesis's discontinuity ratio at 1 and its "most pairs" at exactly half.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import crossborder.study.claims as claims
from crossborder.study.claims import (
    claim_gross_product,
    claim_gross_product_karpenko,
    claim_population_in_reach,
    claim_thesis,
    proxy_reading,
)

VOCABULARY = ["supported", "supported, narrowly", "depends on the basis", "partly supported",
              "not supported", "cannot be answered from these data"]


def test_the_vocabulary_constants():
    assert list(claims.VERDICTS) == VOCABULARY
    assert (claims.SUPPORTED, claims.SUPPORTED_NARROWLY, claims.DEPENDS, claims.PARTLY,
            claims.NOT_SUPPORTED, claims.CANNOT) == tuple(VOCABULARY)
    assert claims.NARROW_MARGIN == 0.05


def _table(values: dict[int, float], unit: str) -> pd.DataFrame:
    t = pd.DataFrame([{"year": y, "n_regions": 19, "complete": True, "total_bn": v,
                       "okrugs_bn": 0.3 * v, "without_okrugs_bn": 0.7 * v} for y, v in values.items()])
    t.attrs.update(sources=["SRC"], unit=unit)
    return t


@pytest.mark.parametrize(("usd", "ppp", "expected"), [
    ((350.0, 350.0), (340.0, 340.0), "not supported"),         # exactly at $350 bn is not above
    ((350.01, 351.0), (340.0, 340.0), "supported, narrowly"),
    ((367.5, 368.0), (340.0, 340.0), "supported"),             # exactly 5% above: not narrowly
    ((367.49, 368.0), (340.0, 340.0), "supported, narrowly"),
    ((360.0, 350.0), (340.0, 340.0), "partly supported"),
    ((350.0, 350.0), (350.01, 351.0), "depends on the basis"),  # fails in USD, holds at PPP
    ((360.0, 350.0), (400.0, 400.0), "depends on the basis"),
    ((350.0, 350.0), (350.0, 400.0), "not supported"),         # PPP only partly: not a basis
    ((np.nan, 400.0), (400.0, 400.0), "cannot be answered from these data"),
])
def test_gross_product_threshold_on_each_side(usd, ppp, expected):
    years = (2018, 2019)
    c = claim_gross_product(None, table=_table(dict(zip(years, usd, strict=True)), "USD (x)"),
                            ppp_table=_table(dict(zip(years, ppp, strict=True)), "int $ (y)"))
    assert c.verdict == expected
    assert c.year == "2018–2019"
    assert c.basis.startswith("holds at PPP") == (expected == "depends on the basis")


def test_threshold_reads_only_the_papers_years():
    """2017 far below, 2020 far below: the reading is on 2018-2019 only."""
    usd = _table({2017: 100.0, 2018: 400.0, 2019: 400.0, 2020: 100.0}, "USD")
    c = claim_gross_product(None, table=usd, ppp_table=usd)
    assert c.verdict == "supported"
    assert "above $350 bn in 2 of 4 years 2017–2020 (below in 2017, 2020" in c.note


def test_karpenko_uses_500():
    usd = _table({2018: 499.99, 2019: 510.0}, "USD")
    assert claim_gross_product_karpenko(None, table=usd, ppp_table=usd).verdict == "partly supported"
    usd = _table({2018: 500.01, 2019: 510.0}, "USD")
    assert claim_gross_product_karpenko(None, table=usd, ppp_table=usd).verdict == "supported, narrowly"


def test_incomplete_years_are_lower_bounds_not_read():
    usd = _table({2018: 400.0, 2019: 400.0}, "USD")
    usd.loc[usd["year"] == 2019, "complete"] = False
    c = claim_gross_product(None, table=usd, ppp_table=usd)
    assert c.verdict == "cannot be answered from these data"
    assert "(2019) are lower bounds: at least $400 bn" in c.note


@pytest.mark.parametrize(("share", "text"), [(0.55, "at most 50% on every side"),
                                             (0.5501, "above 50% on KZ")])
def test_proxy_allowance_is_55_percent(share, text):
    assert proxy_reading(pd.Series({"RU": 0.4, "KZ": share})) == text


def test_employed_claim_never_judged_on_the_proxy(monkeypatch):
    g = pd.DataFrame({"zone_population_share": [0.2, 0.3], "zone_cities_population": [20.0, 30.0],
                      "cities_population": [100.0, 100.0]}, index=pd.Index(["RU", "KZ"]))
    monkeypatch.setattr(claims, "zone_of_border_regions",
                        lambda ds, d, y: SimpleNamespace(by_group=lambda: g))
    c = claim_population_in_reach(None)
    assert c.verdict == "cannot be answered from these data"
    assert "even-density proxy RU: 20%; KZ: 30% (at most 50% on every side)" in c.note


def _evidence(ratio: float, narrowed: int, n_pairs: int = 16) -> dict:
    pairs = {"n_pairs": n_pairs, "narrowed": narrowed, "widened": 1, "span": "2010–2023",
             "first": 0.8, "last": 0.7}
    return {"year": 2019, "ratio": ratio, "n_border_edges": 17, "sources": {"S"}, "real": pairs,
            "PPP": dict(pairs, narrowed=0)}


@pytest.mark.parametrize(("ratio", "narrowed", "expected"), [
    (1.0, 16, "not supported"),          # no sharper jump at the border: no gap to close
    (1.01, 9, "supported"),              # a gap, and more than half the pairs narrowing
    (1.01, 8, "partly supported"),       # exactly half is not most
    (np.nan, 9, "cannot be answered from these data")])
def test_thesis_rule_on_each_side(ratio, narrowed, expected):
    c = claim_thesis(None, evidence=_evidence(ratio, narrowed))
    assert c.verdict == expected and c.kind == "thesis"
    assert "constant prices 2010–2023: " + f"{narrowed} of 16 pairs narrowed" in c.data
