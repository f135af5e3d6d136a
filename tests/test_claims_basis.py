"""The claims read on their stated basis: each number against a hand computation from the bundled
CSVs (pandas on src/crossborder/datasets/ru_kz/*.csv, no crossborder code), and each verdict rule
on both sides of its threshold with tables built here.

Hand rules: GRP (``grp_lcu``, million LCU) / the annual rate of the newest dated vintage (USD:
``lcu_per_usd`` of vintage 2025-07; PPP: ``ppp_lcu_per_intl_dollar`` of vintage 2026-03); the 19
border units with Tyumen with its okrugs (RU-TYU), never its part RU-TYU-XAO, except where the paper
counts Tyumen without its okrugs (the 12% share).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import crossborder as cb
import crossborder.study.claims as claims
from crossborder.border import dataset_border
from crossborder.study.claims import (
    check_claims,
    claim_gdp_shares,
    claim_gross_product,
    claim_gross_product_karpenko,
    claim_population_in_reach,
    claim_thesis,
    gross_product_by_year,
    grp_usd,
    proxy_reading,
)
from crossborder.study.panels import study_panel

DATA = Path(__file__).resolve().parents[1] / "src" / "crossborder" / "datasets" / "ru_kz"
RU_BORDER = ["RU-AL", "RU-ALT", "RU-AST", "RU-CHE", "RU-KGN", "RU-NVS", "RU-OMS", "RU-ORE",
             "RU-SAM", "RU-SAR", "RU-TYU", "RU-VGG"]
KZ_BORDER = ["KZ-AKT", "KZ-ATY", "KZ-KUS", "KZ-PAV", "KZ-SEV", "KZ-VOS", "KZ-ZAP"]
USD_VINTAGE, PPP_VINTAGE = "2025-07", "2026-03"
VOCABULARY = ["supported", "supported, narrowly", "depends on the basis", "partly supported",
              "not supported", "cannot be answered from these data"]


@pytest.fixture(scope="module")
def csv():
    return SimpleNamespace(obs=pd.read_csv(DATA / "observations.csv"),
                           fx=pd.read_csv(DATA / "fx.csv", dtype={"vintage": str}),
                           regions=pd.read_csv(DATA / "regions.csv"),
                           parts=pd.read_csv(DATA / "parts.csv"))


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def table(ds):
    return check_claims(ds).set_index("key")


def _grp(csv, year: int) -> pd.Series:
    o = csv.obs
    return o[(o["indicator"] == "grp_lcu") & (o["year"] == year)].set_index("region")["value"]


def _rate(csv, country: str, year: int, column: str, vintage: str) -> float:
    f = csv.fx
    hit = f.loc[(f["country"] == country) & (f["year"] == year) & (f["vintage"] == vintage), column]
    assert len(hit) == 1
    return float(hit.iloc[0])


def _sum_bn(csv, year: int, codes: list[str], basis: str = "USD") -> float:
    column, vintage = (("lcu_per_usd", USD_VINTAGE) if basis == "USD"
                       else ("ppp_lcu_per_intl_dollar", PPP_VINTAGE))
    g = _grp(csv, year)
    return sum(g[c] * 1e6 / _rate(csv, c[:2], year, column, vintage) for c in codes) / 1e9


# ----------------------------------------------------------------------------- vocabulary
def test_the_vocabulary_is_fixed_and_every_row_uses_it(table):
    assert list(claims.VERDICTS) == VOCABULARY
    assert set(table["verdict"]) <= set(VOCABULARY)
    assert {"claim", "paper", "data", "year", "sources", "verdict", "note", "basis"} <= set(table.columns)
    assert (table["basis"].str.len() > 0).all()


def test_each_claim_counted_once_and_the_thesis_has_a_row(table):
    assert table.index.is_unique
    ru = table[table["claim"].str.startswith("Russian border regions' share")]
    assert len(ru) == 1 and ru["year"].iloc[0] == "2019"
    assert list(table.index[table["kind"] == "thesis"]) == ["thesis"]


# ----------------------------------------------------------------------------- gross product
def test_350_billion_on_the_papers_basis_by_hand(csv, ds, table):
    """Tyumen with its okrugs, USD at the annual rate: $357.7 bn (2018), $357.1 bn (2019), both
    above $350 bn by less than 5%: supported, narrowly."""
    units = RU_BORDER + KZ_BORDER
    hand = {y: _sum_bn(csv, y, units) for y in (2018, 2019)}
    assert hand[2018] == pytest.approx(357.7, abs=0.05) and hand[2019] == pytest.approx(357.1, abs=0.05)
    t = gross_product_by_year(ds, years=[2018, 2019]).set_index("year")
    for y, v in hand.items():
        assert t.loc[y, "total_bn"] == pytest.approx(v, rel=1e-9)
    row = table.loc["gross_product_350"]
    assert all(350 < v < 350 * 1.05 for v in hand.values())
    assert row["verdict"] == "supported, narrowly"
    assert f"USD: ${hand[2018]:,.1f} bn (2018), ${hand[2019]:,.1f} bn (2019)" in row["data"]
    assert "Tyumen with its okrugs" in row["basis"] and "WDI 2025-07" in row["basis"]
    assert "annual average rate" in row["basis"] and row["year"] == "2018–2019"


def test_without_the_okrugs_tyumen_counts_by_its_southern_part_by_hand(csv, ds):
    t = gross_product_by_year(ds, years=[2018, 2019]).set_index("year")
    south = [c if c != "RU-TYU" else "RU-TYU-XAO" for c in RU_BORDER] + KZ_BORDER
    for y in (2018, 2019):
        assert t.loc[y, "without_okrugs_bn"] == pytest.approx(_sum_bn(csv, y, south), rel=1e-9)
        assert t.loc[y, "okrugs_bn"] == pytest.approx(
            _sum_bn(csv, y, ["RU-TYU"]) - _sum_bn(csv, y, ["RU-TYU-XAO"]), rel=1e-9)
        assert t.loc[y, "n_regions"] == 19 and t.loc[y, "complete"]


def test_500_billion_depends_on_the_basis_by_hand(csv, table):
    """In USD below $500 bn in 2018 and 2019, at PPP far above: depends on the basis, both named."""
    units = RU_BORDER + KZ_BORDER
    usd = {y: _sum_bn(csv, y, units) for y in (2018, 2019)}
    ppp = {y: _sum_bn(csv, y, units, "PPP") for y in (2018, 2019)}
    assert max(usd.values()) < 500 < min(ppp.values())
    row = table.loc["gross_product_500"]
    assert row["verdict"] == "depends on the basis"
    assert f"PPP: ${ppp[2018]:,.1f} bn (2018), ${ppp[2019]:,.1f} bn (2019)" in row["data"]
    assert f"USD: ${usd[2018]:,.1f} bn (2018)" in row["data"]
    assert row["basis"].startswith("holds at PPP") and "WDI 2026-03" in row["basis"]
    # over 2011-2020 at PPP: $626-988 bn
    ppp_span = [_sum_bn(csv, y, units, "PPP") for y in range(2011, 2021)]
    assert f"${min(ppp_span):,.0f}–{max(ppp_span):,.0f} bn over 2011–2020" in row["note"]


def test_grp_usd_names_and_applies_its_currency(csv, ds):
    for basis, unit in (("USD", "WDI 2025-07"), ("PPP", "WDI 2026-03")):
        g = grp_usd(ds, 2019, basis)
        assert unit in g.attrs["unit"]
        g = g.set_index("region")["grp_usd"]
        for code in ("KZ-PAV", "RU-OMS"):
            assert g[code] / 1e9 == pytest.approx(_sum_bn(csv, 2019, [code], basis), rel=1e-9)


# ----------------------------------------------------------------------------- GDP shares
def test_russian_share_counts_tyumen_without_its_okrugs_by_hand(csv, ds):
    r, parts = csv.regions, csv.parts
    ru_units = r.loc[(r["country"] == "RU") & ~r["region"].isin(parts["part"]), "region"]
    g = _grp(csv, 2019)
    border = [c if c != "RU-TYU" else "RU-TYU-XAO" for c in RU_BORDER]
    share = 100 * g.reindex(border).sum() / g.reindex(ru_units).sum()
    with_okrugs = 100 * g.reindex(RU_BORDER).sum() / g.reindex(ru_units).sum()
    assert abs(share - with_okrugs) > 2        # the choice decides the verdict
    ru = [c for c in claim_gdp_shares(ds) if c.key == "gdp_share_ru"]
    assert len(ru) == 1 and ru[0].data == f"{share:.1f}%"
    assert ru[0].verdict == ("supported" if abs(share - 12) <= 2 else "not supported")
    assert "without its okrugs" in ru[0].basis


def test_kazakh_share_by_hand(csv, ds):
    """Kazakh analysis units: the current regions (Almaty, Astana, Shymkent... as their own
    units), not the GADM/DOSE merged units of parts.csv's ``whole`` column."""
    r, parts = csv.regions, csv.parts
    kz_units = r.loc[(r["country"] == "KZ") & ~r["region"].isin(parts["whole"]), "region"]
    g = _grp(csv, 2019)
    share = 100 * g.reindex(KZ_BORDER).sum() / g.reindex(kz_units).sum()
    kz = [c for c in claim_gdp_shares(ds) if c.key == "gdp_share_kz"][0]
    assert kz.data == f"{share:.1f}%" and kz.year == "2019"
    assert kz.verdict == ("supported" if abs(share - 36) <= 2 else "not supported")


@pytest.mark.parametrize(("printed", "expected"), [(10.0, "supported"), (9.9, "not supported"),
                                                   (14.0, "supported"), (14.1, "not supported")])
def test_share_tolerance_is_two_points(ds, monkeypatch, printed, expected):
    """The Russian share moved to exactly 2 points from 12% (either side) and just beyond."""
    monkeypatch.setattr(claims, "_gdp_share", lambda grp, units, border, year: (
        printed if border[0].startswith("RU") else 36.0, []))
    ru = [c for c in claim_gdp_shares(ds) if c.key == "gdp_share_ru"][0]
    assert ru.verdict == expected


# ----------------------------------------------------------------------------- thresholds
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


# ----------------------------------------------------------------------------- employed
@pytest.mark.parametrize(("share", "text"), [(0.55, "at most 50% on every side"),
                                             (0.5501, "above 50% on KZ")])
def test_proxy_allowance_is_55_percent(share, text):
    assert proxy_reading(pd.Series({"RU": 0.4, "KZ": share})) == text


def test_employed_claim_cannot_be_answered_proxy_kept_as_context(table, ds):
    g = claims.zone_of_border_regions(ds).by_group()
    row = table.loc["employed_in_reach"]
    assert row["verdict"] == "cannot be answered from these data"
    even = g["zone_population"] / g["population"]
    assert f"KZ: {100 * even['KZ']:.0f}%" in row["note"] and "different construct" in row["note"]


def test_employed_claim_never_judged_on_the_proxy(monkeypatch):
    g = pd.DataFrame({"zone_population_share": [0.2, 0.3], "zone_cities_population": [20.0, 30.0],
                      "cities_population": [100.0, 100.0]}, index=pd.Index(["RU", "KZ"]))
    monkeypatch.setattr(claims, "zone_of_border_regions",
                        lambda ds, d, y: SimpleNamespace(by_group=lambda: g))
    c = claim_population_in_reach(None)
    assert c.verdict == "cannot be answered from these data"
    assert "even-density proxy RU: 20%; KZ: 30% (at most 50% on every side)" in c.note


# ----------------------------------------------------------------------------- thesis
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


def test_thesis_pair_counts_by_an_independent_regression(ds, table):
    """Real basis: |ln(y_a / y_b)| of each cross-border neighbour pair regressed on the year
    (scipy linregress); narrowed = slope < 0, p < 0.05 and the last |gap| below the first."""
    p = study_panel(ds, currency="real", weight=None)
    wide = p.frame.pivot(index="region", columns="time", values="value")
    pairs = pd.DataFrame(dataset_border(ds).pairs.drop(columns="geometry"))
    a, b = ds.unit_of(pairs["a_region"]), ds.unit_of(pairs["b_region"])
    keys = {(x, y) for x, y in zip(a, b, strict=True) if x in wide.index and y in wide.index}
    years = np.asarray(wide.columns, dtype=float)
    narrowed = widened = 0
    for x, y in keys:
        gap = np.abs(np.log(wide.loc[x].to_numpy() / wide.loc[y].to_numpy()))
        fit = stats.linregress(years, gap)
        if fit.pvalue < 0.05 and fit.slope < 0 and gap[-1] < gap[0]:
            narrowed += 1
        if fit.pvalue < 0.05 and fit.slope > 0 and gap[-1] > gap[0]:
            widened += 1
    row = table.loc["thesis"]
    assert (f"constant prices {int(years[0])}–{int(years[-1])}: {narrowed} of {len(keys)} pairs "
            f"narrowed, {widened} widened") in row["data"]
    assert row["verdict"] == ("supported" if narrowed > len(keys) / 2 else "partly supported")
