"""The integration DiD on the grid of currency bases, windows and break years: each row against
pair_did (statsmodels fits, the inference module's sandwiches and wild bootstrap) on the same data,
the shares counted by hand, the windows listed by hand, the exchange-rate flag."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crossborder as cb
from crossborder.border.shared import panel_edges
from crossborder.study.integration import (
    GRID_COLUMNS,
    IntegrationGrid,
    fx_changes,
    fx_exposure,
    grid_windows,
    integration_grid,
    neighbour_pairs,
    pair_did,
)


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


@pytest.fixture(scope="module")
def grid(ds):
    return integration_grid(ds, currencies=["USD"], break_years=[2015, 2012], starts=[2008, 2010],
                            ends=[2019, 2021], n_boot=999)


def _row(g: IntegrationGrid, start: int, end: int, year: int) -> pd.Series:
    t = g.table
    return t[(t["start"] == start) & (t["end"] == end) & (t["break_year"] == year)].iloc[0]


@pytest.mark.parametrize(("start", "end", "year"), [(2008, 2021, 2015), (2010, 2019, 2012)])
def test_grid_rows_equal_pair_did_on_the_same_window(ds, grid, start, end, year):
    p = cb.study_panel(ds, regions="all", currency="USD")
    p = p.select(times=[t for t in p.times if start <= t <= end])
    r = ds.regions
    geo = r[r["region"].isin(set(map(str, p.regions))) & r.geometry.notna()]
    geo = geo[["region", "country", "geometry"]]
    pairs = neighbour_pairs(geo.reset_index(drop=True), edges=panel_edges(ds, p.regions))
    border = set(pairs.loc[pairs["cross"], "a"]) | set(pairs.loc[pairs["cross"], "b"])
    pairs = pairs[pairs["cross"] | (pairs["a"].isin(border) & pairs["b"].isin(border))]
    d = pair_did(p, pairs, year, exposure=fx_exposure(ds.fx, "KZ", "RU"), n_boot=999)
    row = _row(grid, start, end, year)
    for col, want in (("coef", d.coef), ("se", d.se), ("pvalue", d.pvalue), ("se_dyadic", d.se_dyadic),
                      ("pvalue_dyadic", d.pvalue_dyadic), ("se_twoway", d.se_twoway),
                      ("pvalue_twoway", d.pvalue_twoway), ("fx_coef", d.fx_coef), ("fx_se", d.fx_se),
                      ("fx_pvalue", d.fx_pvalue)):
        assert row[col] == pytest.approx(want, rel=1e-7), col
    assert row["wild_pvalue"] == pytest.approx(d.wild_pvalue, rel=1e-12)        # the same draws
    assert row["fx_drives"] == d.fx_drives
    assert (row["n_treated"], row["n_control"], row["nobs"]) == (d.n_treated, d.n_control, d.nobs)
    assert (row["n_before"], row["n_after"]) == (d.n_before, d.n_after)


def test_grid_layout_and_baseline(grid):
    t = grid.table
    assert list(t.columns) == GRID_COLUMNS
    assert len(t) == 8                                     # 2 starts x 2 ends x 2 break years
    assert t["baseline"].sum() == 1
    b = grid.baseline()
    assert (b["currency"], b["start"], b["end"], b["break_year"]) == ("USD", 2008, 2021, 2015)
    assert "USD" in grid.summary() and "Baseline (USD, 2008-2021, break 2015)" in grid.summary()


def test_default_bases_put_real_first_and_skip_breaks_outside_the_window(ds):
    g = integration_grid(ds, currencies=["real", "USD"], break_years=[2015, 2010], ends=[2021],
                         n_boot=99)
    t = g.table
    assert list(pd.unique(t["currency"])) == ["real", "USD"]
    b = g.baseline()
    assert (b["currency"], b["start"], b["break_year"]) == ("real", 2010, 2015)
    # the real basis starts in 2010: a break in 2010 has no period before it
    assert not ((t["currency"] == "real") & (t["break_year"] == 2010)).any()
    sk = g.skipped
    assert ((sk["currency"] == "real") & (sk["break_year"] == 2010)).sum() == 2   # two starts
    assert ((t["currency"] == "USD") & (t["start"] == 2008) & (t["break_year"] == 2010)).sum() == 1


def test_grid_windows_as_the_robustness_grid():
    assert grid_windows(list(range(2008, 2022))) == ([2008, 2010], [2017, 2018, 2019, 2020, 2021])
    assert grid_windows([2000, 2001, 2007, 2013, 2017], n_ends=2) == ([2000, 2007], [2013, 2017])
    assert grid_windows([2000, 2001], n_ends=1) == ([2000], [2001])


def test_shares_count_significance_strictly_below_alpha():
    t = pd.DataFrame({
        "currency": ["PPP"] * 5 + ["USD"] * 3,
        "coef": [-0.1, -0.2, 0.1, -0.1, 0.05, -0.1, 0.2, -0.3],
        "pvalue": [0.01, 0.05, 0.02, 0.2, np.nan, 0.049, 0.001, 0.06],
        "pvalue_dyadic": [0.2] * 8, "pvalue_twoway": [0.01] * 8, "wild_pvalue": [0.5] * 8,
        "fx_coef": [0.1] * 8, "fx_pvalue": [0.01] * 8})
    g = IntegrationGrid(table=t, skipped=pd.DataFrame(), params={"alpha": 0.05})
    sh = g.shares().set_index(["currency", "inference"])
    # PPP by pair: 4 with a p-value; 0.01 narrowing, 0.05 not (p == alpha), 0.02 widening
    assert tuple(sh.loc[("PPP", "pair"), ["n", "narrowing", "widening"]]) == (4, 1, 1)
    assert sh.loc[("PPP", "pair"), "share_narrowing"] == pytest.approx(0.25)
    assert tuple(sh.loc[("USD", "pair"), ["n", "narrowing", "widening"]]) == (3, 1, 1)
    assert tuple(sh.loc[("PPP", "twoway"), ["n", "narrowing", "widening"]]) == (5, 3, 2)
    assert tuple(sh.loc[("USD", "dyadic"), ["narrowing", "widening"]]) == (0, 0)
    assert tuple(sh.loc[("USD", "fx"), ["narrowing", "widening"]]) == (0, 3)  # signed by fx_coef
    g2 = IntegrationGrid(table=t, skipped=pd.DataFrame(), params={"alpha": 0.1})
    assert g2.shares().set_index(["currency", "inference"]).loc[("USD", "pair"), "narrowing"] == 2


def test_fx_changes_by_hand():
    assert fx_changes(-0.07, 0.13, -0.05, 0.30, 0.05) is False       # same sign, both n.s.
    assert fx_changes(-0.07, 0.01, 0.02, 0.01, 0.05) is True         # sign flips, significant
    assert fx_changes(0.003, 0.93, -0.002, 0.95, 0.05) is False      # sign flips near 0, n.s.
    assert fx_changes(0.003, 0.93, -0.2, 0.01, 0.05) is True
    assert fx_changes(-0.07, 0.04, -0.05, 0.06, 0.05) is True        # significance lost
    assert fx_changes(-0.07, 0.06, -0.09, 0.04, 0.05) is True        # significance gained
    assert fx_changes(-0.07, 0.05, -0.09, 0.05, 0.05) is False       # p == alpha both: n.s.
    assert fx_changes(-0.07, 0.04, -0.09, 0.06, 0.1) is False        # alpha honoured
    assert fx_changes(-0.07, 0.04, np.nan, np.nan, 0.05) is False


def test_cli_grid(capsys):
    import json

    from crossborder.cli import main

    assert main(["integration", "--grid", "--break-year", "2015", "--json"]) == 0
    rows = pd.DataFrame(json.loads(capsys.readouterr().out))
    assert rows["baseline"].sum() == 1 and rows.loc[rows["baseline"], "currency"].item() == "real"
    assert list(pd.unique(rows["currency"]))[:3] == ["real", "PPP", "USD"]


def test_shares_keep_the_basis_order_and_count_no_sign_for_a_zero_estimate():
    t = pd.DataFrame({
        "currency": ["real", "real", "PPP", "PPP"], "coef": [0.0, -0.1, 0.2, -0.2],
        "pvalue": [0.01, 0.01, 0.01, 0.3], "pvalue_dyadic": [np.nan] * 4, "pvalue_twoway": [0.5] * 4,
        "wild_pvalue": [0.5] * 4, "fx_coef": [0.1] * 4, "fx_pvalue": [0.5] * 4})
    sh = IntegrationGrid(table=t, skipped=pd.DataFrame(), params={"alpha": 0.05}).shares()
    assert list(sh.columns) == ["currency", "inference", "n", "narrowing", "widening", "share_narrowing",
                                "share_widening"]
    assert list(pd.unique(sh["currency"])) == ["real", "PPP"]         # the grid's order, real first
    s = sh.set_index(["currency", "inference"])
    assert tuple(s.loc[("real", "pair"), ["narrowing", "widening"]]) == (1, 0)   # 0.0: neither
    assert s.loc[("PPP", "pair"), "share_widening"] == pytest.approx(0.5)
    assert s.loc[("PPP", "dyadic"), "n"] == 0
    assert np.isnan(s.loc[("PPP", "dyadic"), "share_narrowing"])
    assert np.isnan(s.loc[("PPP", "dyadic"), "share_widening"])


def test_fx_changes_without_a_p_value_is_no_change():
    assert fx_changes(-0.07, 0.01, -0.05, np.nan, 0.05) is False
    assert fx_changes(-0.07, 0.01, np.nan, 0.01, 0.05) is False


def test_shares_of_an_empty_table_keep_their_columns():
    t = pd.DataFrame(columns=["currency", "coef", "pvalue", "pvalue_dyadic", "pvalue_twoway",
                              "wild_pvalue", "fx_coef", "fx_pvalue"])
    sh = IntegrationGrid(table=t, skipped=pd.DataFrame(), params={"alpha": 0.05}).shares()
    assert sh.empty and list(sh.columns) == ["currency", "inference", "n", "narrowing", "widening",
                                             "share_narrowing", "share_widening"]
