"""Table 1 beside the data: every number against a hand computation from the bundled CSVs (pandas on
src/crossborder/datasets/ru_kz/*.csv), and the implausibility threshold on both sides.

Hand rules (the paper's definitions): Russia, the 2019 annual average of ``population_dose`` (the
vintage current when the paper was written), else ``population_avg``; Kazakhstan, ``population_jan1``
of 2020 (the end of 2019); unemployment, ``unemployment_rate`` 2019.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crossborder as cb
import crossborder.study.table1 as table1
from crossborder.study.table1 import read_table1_as_printed, table1_comparison, table1_side_by_side

DATA = Path(__file__).resolve().parents[1] / "src" / "crossborder" / "datasets" / "ru_kz"
BORDER = ["KZ-AKT", "KZ-ATY", "KZ-KUS", "KZ-PAV", "KZ-SEV", "KZ-VOS", "KZ-ZAP", "RU-AL", "RU-ALT",
          "RU-AST", "RU-CHE", "RU-KGN", "RU-NVS", "RU-OMS", "RU-ORE", "RU-SAM", "RU-SAR", "RU-TYU",
          "RU-VGG"]


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def comparison(ds):
    return table1_comparison(ds).set_index("region")


@pytest.fixture(scope="module")
def csv():
    return (pd.read_csv(DATA / "observations.csv"),
            pd.read_csv(DATA / "table1_as_printed.csv", dtype=str, keep_default_na=False))


def _value(obs: pd.DataFrame, region: str, indicator: str, year: int) -> tuple[float, str]:
    hit = obs[(obs["region"] == region) & (obs["indicator"] == indicator) & (obs["year"] == year)]
    return (float(hit["value"].iloc[0]), hit["source"].iloc[0]) if len(hit) else (np.nan, "")


def test_every_row_against_the_csvs(csv, comparison):
    obs, printed = csv
    printed = printed.set_index("region")
    assert sorted(comparison.index) == BORDER
    assert list(comparison.index[:len(printed)]) == list(printed.index)   # printed order, then missing
    for code in BORDER:
        if code.startswith("RU"):
            pop, src = _value(obs, code, "population_dose", 2019)
            basis = "population_dose 2019"
            if np.isnan(pop):
                pop, src = _value(obs, code, "population_avg", 2019)
                basis = "population_avg 2019"
        else:
            pop, src = _value(obs, code, "population_jan1", 2020)
            basis = "population_jan1 2020 (end of 2019)"
        unemp, usrc = _value(obs, code, "unemployment_rate", 2019)
        row = comparison.loc[code]
        assert row["pop_data"] == pytest.approx(pop / 1000)
        assert row["pop_basis"] == basis
        assert row["side"] == code[:2]
        if np.isnan(unemp):
            assert np.isnan(row["unemp_data"])
        else:
            assert row["unemp_data"] == pytest.approx(unemp)
        assert set(row["sources"].split(";")) == {s for s in (src, usrc, "STEPANOV2020") if s}
        if code in printed.index:
            p = printed.loc[code]
            pp, pu = float(p["population_thousand"]), float(p["unemployment_pct"])
            assert row["pop_printed"] == pytest.approx(pp)
            assert row["pop_as_printed"] == p["population_thousand"]
            assert row["region_as_printed"] == p["region_as_printed"]
            assert row["pop_diff"] == pytest.approx(pop / 1000 - pp)
            assert row["pop_diff_pct"] == pytest.approx(100 * (pop / 1000 - pp) / pp)
            if not np.isnan(unemp):
                assert row["unemp_diff_pp"] == pytest.approx(unemp - pu)
        else:
            assert np.isnan(row["pop_printed"]) and np.isnan(row["pop_diff"])
            assert row["issue"] == "border region missing from Table 1"


def test_tyumen_is_compared_with_its_okrugs(comparison):
    """Table 1 prints Tyumen with its okrugs (3.7 million): the data's RU-TYU, not RU-TYU-XAO."""
    assert comparison.loc["RU-TYU", "pop_data"] > 3000
    assert abs(comparison.loc["RU-TYU", "pop_diff_pct"]) < 5


@pytest.mark.parametrize(("threshold", "flagged"), [(1.369, False), (1.3691, True)])
def test_implausible_population_threshold_on_each_side(ds, monkeypatch, threshold, flagged):
    """East Kazakhstan printed 1.369 (thousand): flagged only below the threshold (strictly)."""
    monkeypatch.setattr(table1, "MIN_PLAUSIBLE_POP_THOUSAND", threshold)
    t1 = read_table1_as_printed(ds)
    vos = t1.rows.set_index("region").loc["KZ-VOS"]
    assert (vos["issue"] != "") == flagged
    assert any("KZ-VOS" in i for i in t1.issues) == flagged
    assert (t1.rows["issue"] != "").sum() == int(flagged)


def test_issue_text_names_the_slip_and_the_missing_region(ds):
    t1 = read_table1_as_printed(ds)
    assert t1.issues[0] == ("East Kazakhstan (KZ-VOS): implausible population: printed 1.369 thousand; "
                            "evidently 1369 thousand (a slip of the decimal separator)")
    assert t1.issues[-1] == "Samara Oblast (RU-SAM) is a border region but is missing from Table 1"
    assert len(t1.issues) == 2
    assert t1.rows["year"].tolist() == [2019] * 18
    assert t1.rows["unemployment_pct"].dtype.kind == "f"


def test_side_by_side_puts_russia_left_and_kazakhstan_right(comparison):
    view = table1_side_by_side(comparison.reset_index())
    assert list(view.columns.get_level_values(0).unique()) == ["Russia", "Kazakhstan"]
    ru = view["Russia"].dropna(how="all")
    kz = view["Kazakhstan"].dropna(how="all")
    assert len(ru) == 12 and len(kz) == 7
    assert ru["name"].iloc[-1] == "Samara Oblast (not in Table 1)"
    assert ru["name"].iloc[0] == "Astrakhan" and ru["pop_printed"].iloc[0] == "1000.1"
    vos = kz[kz["name"] == "East Kazakhstan"]
    assert vos["pop_printed"].iloc[0] == "1.369"
    assert vos["pop_data"].iloc[0] == pytest.approx(comparison.loc["KZ-VOS", "pop_data"])
