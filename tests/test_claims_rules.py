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


# ----------------------------------------------------------------------------- every field, by hand
def test_gross_product_narrowly_every_field():
    usd = _table({2017: 300.0, 2018: 357.7, 2019: 357.1}, "USD (exchange rate, WDI 2025-07)")
    ppp = _table({2017: 800.0, 2018: 919.8, 2019: 988.4}, "international $ (PPP, WDI 2026-03)")
    usd.attrs["sources"], ppp.attrs["sources"] = ["B", "A"], ["C", "A"]
    c = claim_gross_product(None, table=usd, ppp_table=ppp)
    assert c == claims.Claim(
        claim="Total gross product of the border area", paper="over $350 billion",
        data="USD: $357.7 bn (2018), $357.1 bn (2019); PPP: $919.8 bn (2018), $988.4 bn (2019); "
             "in USD 2.2% and 2.0% above $350 bn",
        year="2018–2019", sources="A; B; C", verdict="supported, narrowly",
        note="In USD above $350 bn in 2 of 3 years 2017–2019 (below in 2017, years of a weak rouble "
             "and tenge), at most $358 bn (2018). Tyumen's okrugs supply 30–30% of the sum; without "
             "them (Tyumen by its southern part, the paper's definition for its 12% figure) the sum "
             "is never above $350 bn (at most $250 bn, 2018). At PPP the sum is $800–988 bn over "
             "2017–2019, above $350 bn in 3 of 3 years. Narrowly: less than 5% above the threshold "
             "in some year read.",
        basis="the 19 border units, Tyumen with its okrugs (as the paper's Table 1); USD (exchange "
              "rate, WDI 2025-07) at the annual average rate; 2018–2019 (the latest GRP when the "
              "paper was written; its Table 1's year)",
        key="gross_product_350", kind="claim")


def test_gross_product_depends_every_field():
    usd = _table({2018: 357.7, 2019: 357.1}, "USD (x)")
    usd.loc[len(usd)] = {"year": 2021, "n_regions": 18, "complete": False, "total_bn": 382.4,
                         "okrugs_bn": 1.0, "without_okrugs_bn": 2.0}
    ppp = _table({2018: 919.8, 2019: 988.4}, "int $ (y)")
    c = claim_gross_product_karpenko(None, table=usd, ppp_table=ppp)
    assert c.claim == "Gross product of the border area (Karpenko's figure)"
    assert c.paper == "more than $500 billion (Karpenko, cited by the paper)"
    assert c.key == "gross_product_500" and c.verdict == "depends on the basis"
    assert c.data == "USD: $357.7 bn (2018), $357.1 bn (2019); PPP: $919.8 bn (2018), $988.4 bn (2019)"
    assert c.basis == ("holds at PPP, in int $ (y), not in USD (x) at the annual average rate; the 19 "
                       "border units, Tyumen with its okrugs (as the paper's Table 1); 2018–2019 (the "
                       "latest GRP when the paper was written; its Table 1's year)")
    assert c.note == ("In USD above $500 bn in 0 of 2 years 2018–2019, at most $358 bn (2018). Tyumen's "
                      "okrugs supply 30–30% of the sum; without them (Tyumen by its southern part, the "
                      "paper's definition for its 12% figure) the sum is never above $500 bn (at most "
                      "$250 bn, 2018). At PPP the sum is $920–988 bn over 2018–2019, above $500 bn in 2 "
                      "of 2 years. Years with GRP for fewer regions (2021) are lower bounds: at least "
                      "$382 bn in USD.")


def test_without_okrugs_above_in_some_years_is_named():
    usd = _table({2018: 600.0, 2019: 400.0}, "USD")
    assert ("the sum is above $350 bn only in 2018 (at most $420 bn, 2018)"
            in claim_gross_product(None, table=usd, ppp_table=usd).note)


def test_thesis_every_field():
    e = _evidence(1.29, 4)
    e["sources"] = {"Z", "A"}
    c = claim_thesis(None, evidence=e)
    assert c == claims.Claim(
        claim="Hidden geographical opportunities for convergence across the border (the paper's thesis)",
        paper="convergence across the border; its opportunities hidden",
        data="GRP per capita at PPP jumps 1.29 times as much across the border as across internal "
             "boundaries (2019, 17 border edges); cross-border neighbour pairs, constant prices "
             "2010–2023: 4 of 16 pairs narrowed, 1 widened significantly (mean |ln gap| 0.80 -> 0.70); "
             "PPP 2010–2023: 0 of 16 pairs narrowed, 1 widened significantly (mean |ln gap| 0.80 -> "
             "0.70)",
        year="2019; 2010–2023", sources="A; Z", verdict="partly supported",
        note="The data can show a gap to close (the border discontinuity) and whether it closes (pair "
             "gaps, trend of |ln gap|, p < 0.05); whether the opportunities are 'hidden' or could be "
             "taken is not in them. See the Verdict for sigma, beta and the integration test.",
        basis="level gaps at PPP (international $); their change in constant prices (the study's "
              "baseline for growth); analysis units, Tyumen with its okrugs",
        key="thesis", kind="thesis")


def test_employed_every_field(monkeypatch):
    g = pd.DataFrame({"zone_population_share": [0.49, 0.5], "zone_cities_population": [45.0, 79.0],
                      "cities_population": [100.0, 100.0]}, index=pd.Index(["RU", "KZ"]))
    seen = []

    def zone(ds, d, y):
        seen.append((ds, d, y))
        return SimpleNamespace(by_group=lambda: g)

    monkeypatch.setattr(claims, "zone_of_border_regions", zone)
    c = claim_population_in_reach("DS", 120.0, 2018)
    assert seen == [("DS", 120.0, 2018)]
    assert c == claims.Claim(
        claim="Up to 50% of the employed population within reach of the border", paper="up to 50%",
        data="no employment by place of work or residence in the data", year="2018",
        sources="ROSSTAT_POP_GEODATA; DOSE_V2_11; KZ_STAT_POP; NATURAL_EARTH_ADMIN1; GEONAMES_CITIES",
        verdict="cannot be answered from these data",
        note="Proxies of population, not employment (a different construct), within 120 km of the "
             "border: even-density proxy RU: 49%; KZ: 50% (at most 50% on every side); city "
             "populations RU: 45%; KZ: 79% (above 50% on KZ); read as 'up to 50%' up to 55%.",
        basis="employment by place of work or residence near the border: not in the data",
        key="employed_in_reach", kind="claim")


def test_reach_every_field(monkeypatch):
    caps = pd.DataFrame({"city": ["a", "b", "c", "d"], "border_km": [50.0, 100.0, 200.0, 300.0],
                         "across_km": [222.0, 306.0, 310.0, 571.0]})
    seen = []
    monkeypatch.setattr(claims, "border_capitals", lambda ds: seen.append(ds) or caps)
    c = claims.claim_reach("DS", 120.0)
    assert seen == ["DS"]
    assert c == claims.Claim(
        claim="The nearest regional centre within about 150 km (1.5 hours)", paper="about 150 km",
        data="2 of 4 border-region capitals lie within 120 km of the border (median 150 km); the "
             "nearest capital across the border is 222–571 km away (median 308 km)",
        year="2019 boundaries", sources="NATURAL_EARTH_ADMIN1; GEONAMES_CITIES",
        verdict="partly supported",
        note="straight-line (geodesic) distances; travel times are not in the data",
        basis="straight-line distance of the regional capitals to the border, at most 120 km; "
              "partly supported when at least half of them",
        key="reach", kind="claim")


def test_border_length_every_field(monkeypatch):
    ds = SimpleNamespace(base_regions=None)
    # the dataset's one border (dataset_border), asked of this dataset
    monkeypatch.setattr(claims, "dataset_border", lambda d: SimpleNamespace(line=SimpleNamespace(
        length_km=6571.0 if d is ds else 0.0)))
    c = claims.claim_border_length(ds)
    assert c == claims.Claim(
        claim="Length of the Russia–Kazakhstan border", paper="7,512 km", data="6,571 km",
        year="2019 boundaries", sources="NATURAL_EARTH_ADMIN1", verdict="partly supported",
        note="geodesic length of the shared edges of generalised polygons (-12.5%); generalisation "
             "shortens a winding line, so a shortfall of some percent is expected",
        basis="generalised Natural Earth polygons; supported within 5%, partly within 15%",
        key="border_length", kind="claim")


def test_years_text_and_proxy_reading_list_several():
    assert claims._years_text([2020, 2015, 2016, 2017, 2011]) == "2011, 2015–2017, 2020"
    assert proxy_reading(pd.Series({"RU": 0.6, "KZ": 0.8})) == "above 50% on RU, KZ"


@pytest.mark.parametrize(("length", "expected"), [(1.0625, "supported"), (1.125, "partly supported"),
                                                  (1.1875, "not supported")])
def test_border_length_tolerances_are_inclusive(monkeypatch, length, expected):
    """Tolerances set to binary fractions (1/16, 1/8) so that a length exactly at them is exact."""
    monkeypatch.setattr(claims, "PAPER_BORDER_KM", 1.0)
    monkeypatch.setattr(claims, "LENGTH_TOLERANCE", 0.0625)
    monkeypatch.setattr(claims, "LENGTH_PARTLY", 0.125)
    monkeypatch.setattr(claims, "dataset_border",
                        lambda d: SimpleNamespace(line=SimpleNamespace(length_km=length)))
    assert claims.claim_border_length(SimpleNamespace(base_regions=None)).verdict == expected


def test_reach_one_of_three_is_not_half(monkeypatch):
    caps = pd.DataFrame({"city": ["a", "b", "c"], "border_km": [50.0, 200.0, 300.0],
                         "across_km": [200.0, 300.0, 400.0]})
    monkeypatch.setattr(claims, "border_capitals", lambda ds: caps)
    assert claims.claim_reach(None).verdict == "not supported"


def test_employed_default_distance_is_150_km(monkeypatch):
    g = pd.DataFrame({"zone_population_share": [0.4, 0.4], "zone_cities_population": [1.0, 1.0],
                      "cities_population": [2.0, 2.0]}, index=pd.Index(["RU", "KZ"]))
    seen = []
    monkeypatch.setattr(claims, "zone_of_border_regions",
                        lambda ds, d, y: seen.append((d, y)) or SimpleNamespace(by_group=lambda: g))
    assert "within 150 km of the border" in claim_population_in_reach(None).note
    assert seen == [(150.0, 2019)]


def test_gross_product_context_at_its_edges():
    """Without the okrugs exactly at $350 bn is not above; PPP exactly at it is not above; an
    incomplete PPP year is left out of the PPP range; several lower-bound years listed; the
    percentage above the threshold to one decimal (367.29 is 4.9% above 350); tables without a
    unit attribute name the bases plainly."""
    usd = pd.DataFrame([{"year": 2018, "n_regions": 19, "complete": True, "total_bn": 367.29,
                         "okrugs_bn": 17.29, "without_okrugs_bn": 350.0},
                        {"year": 2019, "n_regions": 19, "complete": True, "total_bn": 400.0,
                         "okrugs_bn": 0.0, "without_okrugs_bn": 400.0},
                        {"year": 2021, "n_regions": 18, "complete": False, "total_bn": 382.4,
                         "okrugs_bn": 0.0, "without_okrugs_bn": 0.0},
                        {"year": 2022, "n_regions": 18, "complete": False, "total_bn": 472.8,
                         "okrugs_bn": 0.0, "without_okrugs_bn": 0.0}])
    ppp = usd.copy()
    ppp["total_bn"] = [350.0, 360.0, 9999.0, 9999.0]
    c = claim_gross_product(None, table=usd, ppp_table=ppp)
    assert c.verdict == "supported, narrowly"
    assert "in USD 4.9% and 14.3% above $350 bn" in c.data
    assert "the sum is above $350 bn only in 2019 (at most $400 bn, 2019)" in c.note
    assert "At PPP the sum is $350–360 bn over 2018–2019, above $350 bn in 1 of 2 years." in c.note
    assert "(2021–2022) are lower bounds: at least $382, $473 bn in USD." in c.note
    assert "Tyumen's okrugs supply 0–5% of the sum" in c.note
    assert "; USD at the annual average rate;" in c.basis
    usd["total_bn"] = [300.0, 300.0, 1.0, 1.0]
    ppp["total_bn"] = [400.0, 400.0, 1.0, 1.0]
    c = claim_gross_product(None, table=usd, ppp_table=ppp)
    assert c.basis.startswith("holds at PPP, in PPP, not in USD at the annual average rate;")


def test_okrug_share_rounds_from_the_ratio():
    t = _table({2018: 400.0, 2019: 400.0}, "USD")
    t["okrugs_bn"] = [399.0, 399.0]
    assert "Tyumen's okrugs supply 100–100% of the sum" in claim_gross_product(
        None, table=t, ppp_table=t).note
