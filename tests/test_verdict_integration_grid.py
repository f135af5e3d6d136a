"""The integration conclusion reads the DiD across the grid of bases and windows beside the one DiD."""

from __future__ import annotations

import pandas as pd
import pytest
from _verdict_frames import ev, evidence, integration_result

from crossborder.study.verdict import conclusions, grid_reading, integration_reading, read_evidence


def _shares(rows: list[tuple[str, str, int, int, int]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["currency", "inference", "n", "narrowing", "widening"])
    df["share_narrowing"] = df["narrowing"] / df["n"]
    df["share_widening"] = df["widening"] / df["n"]
    return df


GRID = _shares([("real", "pair", 15, 0, 0), ("PPP", "pair", 25, 10, 1), ("USD", "pair", 25, 3, 2),
                ("real", "dyadic", 15, 0, 0), ("PPP", "dyadic", 25, 0, 0), ("USD", "dyadic", 25, 0, 0)])


def test_grid_reading_names_each_basis_and_the_dyadic_count() -> None:
    g = grid_reading(GRID)
    assert g["text"] == ("on the grid of currency bases and windows (pair-clustered p): at constant "
                         "prices (real basis) 0/15 narrow; at PPP (newest vintage) 10/25 narrow, "
                         "1/25 widen; in nominal USD 3/25 narrow, 2/25 widen; with dyadic-robust "
                         "errors none narrows")
    assert g["holds"] is False
    assert g["source"] == ("integration_grid_shares.csv[inference=pair]; "
                           "integration_grid_shares.csv[inference=dyadic]")


@pytest.mark.parametrize(("narrow", "holds"), [(12, False), (13, True)])   # 12/24 is half: not most
def test_grid_holds_only_when_most_specifications_narrow_under_dyadic_errors(narrow: int,
                                                                             holds: bool) -> None:
    g = grid_reading(_shares([("PPP", "pair", 24, 20, 0), ("PPP", "dyadic", 24, narrow, 0)]))
    assert g["holds"] is holds
    assert f"with dyadic-robust errors {narrow} of 24 narrow" in g["text"]


def _read() -> pd.DataFrame:
    return read_evidence(evidence(ev("sigma_trend", n=10, neg=9, sig_neg=9),
                                  ev("beta_absolute", n=10, neg=9, sig_neg=9)))


def test_a_did_that_narrows_alone_but_not_across_the_grid_depends_on_the_basis() -> None:
    integ = integration_reading(*_tables(theta=-0.12, p=0.001))
    assert integ["reading"] == "supported"
    alone = conclusions(_read(), integration=integ).set_index("key").loc["integration"]
    assert alone["verdict"] == "supported"
    with_grid = conclusions(_read(), integration=integ,
                            integration_grid=grid_reading(GRID)).set_index("key").loc["integration"]
    assert with_grid["verdict"] == "depends on the basis"
    assert "with dyadic-robust errors none narrows" in with_grid["robustness"]
    assert "integration_grid_shares.csv[inference=dyadic]" in with_grid["source"]
    held = grid_reading(_shares([("real", "pair", 10, 9, 0), ("real", "dyadic", 10, 8, 0)]))
    kept = conclusions(_read(), integration=integ,
                       integration_grid=held).set_index("key").loc["integration"]
    assert kept["verdict"] == "supported"


def test_a_did_that_does_not_narrow_stays_not_supported_whatever_the_grid() -> None:
    integ = integration_reading(*_tables(theta=-0.07, p=0.2))
    held = grid_reading(_shares([("real", "pair", 10, 9, 0), ("real", "dyadic", 10, 8, 0)]))
    row = conclusions(_read(), integration=integ, integration_grid=held).set_index("key")
    assert row.loc["integration", "verdict"] == "not supported"


def _tables(theta: float, p: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    r = integration_result(theta=theta, p=p, fx=theta, fx_p=p)
    return r.table, r.inference


@pytest.mark.parametrize(("joint", "named"), [(0.049, True), (0.05, False)])
def test_the_bottom_line_names_a_joint_test_below_alpha(joint: float, named: bool) -> None:
    from crossborder.study.verdict import bottom_line

    read = read_evidence(evidence(ev("sigma_trend", n=20, neg=15, sig_neg=4, joint=0.5),
                                  ev("beta_absolute", n=20, neg=19, sig_neg=4, joint=joint)))
    first = bottom_line(conclusions(read), read, alpha=0.05)[0]
    assert ("show more convergence than chance would (joint test p 0.049 for growth)" in first) is named
    assert "for inequality" not in first                 # p 0.5: not named


@pytest.mark.parametrize(("neg", "direction"), [(10, "convergence"), (11, "convergence"), (10, None),
                                                (9, "divergence"), (0, "divergence")])
def test_a_joint_test_is_named_with_the_direction_it_found(neg: int, direction: str | None) -> None:
    """The joint test's dominant sign is the median estimate's: more than half of the 20 distinct
    estimates negative is convergence, fewer than half divergence (10 of 20: named without a
    direction). A significant divergence never reads as 'more convergence than chance'."""
    from crossborder.study.verdict import bottom_line

    read = read_evidence(evidence(
        ev("sigma_trend", n=20, neg=neg, sig_neg=0, sig_pos=20 - neg, joint=0.01),
        ev("beta_absolute", n=20, neg=15, sig_neg=2, joint=0.5)))
    first = bottom_line(conclusions(read), read, alpha=0.05)[0]
    conv = "more convergence than chance would (joint test p 0.01 for inequality)" in first
    div = "more divergence than chance would (joint test p 0.01 for inequality)" in first
    if neg == 10:           # the median's sign is not in the evidence: named without a direction
        assert not conv and not div
        assert ("; half the estimates are negative, yet the specifications lean one way more than "
                "chance would (joint test p 0.01 for inequality)") in first
    else:
        assert (conv, div) == (direction == "convergence", direction == "divergence")
