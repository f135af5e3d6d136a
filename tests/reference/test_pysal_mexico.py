"""PySAL's Mexico example: Theil T of 32 states' per-capita GDP by decade, split between and
within the ``hanson98`` regions (values printed in ``inequality.theil`` docs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _refdata import missing, need_module

from crossborder.measures.decompose import decompose
from crossborder.measures.dispersion import sigma
from crossborder.panel import Panel

THEIL = [.20894344, .15222451, .10472941, .10194725, .09560113, .10511256, .10660832]
BETWEEN = [.0345889, .02816853, .05260921, .05931219, .03205257, .02963731, .03635872]
WITHIN = [.17435454, .12405598, .0521202, .04263506, .06354856, .07547525, .0702496]
DECADES = list(range(1940, 2010, 10))


def _mexico_csv() -> Path:
    libpysal = need_module("libpysal")
    try:
        path = Path(libpysal.examples.get_path("mexico.csv"))
    except Exception:  # noqa: BLE001 - any failure to locate the bundled example
        path = Path(libpysal.__file__).parent / "examples" / "mexico" / "mexico.csv"
    if not path.is_file():
        missing("mexico.csv not found in the installed libpysal (examples not bundled)")
    return path


@pytest.fixture(scope="module")
def mexico() -> Panel:
    df = pd.read_csv(_mexico_csv()).set_index("State")
    wide = df[[f"pcgdp{d}" for d in DECADES]].rename(columns=lambda c: int(c[5:]))
    return Panel.from_wide(wide, groups=df["hanson98"])


def test_theil_by_decade(mexico):
    s = sigma(mexico, "theil")
    # PySAL prints 8 decimals: agreement to the last printed digit (>= 6 significant digits)
    np.testing.assert_allclose(s["theil"].to_numpy(), THEIL, rtol=0, atol=5e-9)
    assert list(s.index) == DECADES


def test_between_within(mexico):
    d = decompose(mexico, "theil", by="group")
    np.testing.assert_allclose(d["total"].to_numpy(), THEIL, rtol=0, atol=5e-9)
    np.testing.assert_allclose(d["between"].to_numpy(), BETWEEN, rtol=0, atol=5e-9)
    np.testing.assert_allclose(d["within"].to_numpy(), WITHIN, rtol=0, atol=5e-9)
    np.testing.assert_allclose(d["between_share"].to_numpy(),
                               np.array(BETWEEN) / np.array(THEIL), rtol=1e-6)
    assert (d["n_groups"] == 5).all() and (d["n"] == 32).all()


def test_groups_given_as_mapping(mexico):
    g = mexico.group_labels()
    d = decompose(mexico, "theil", by=g.to_dict())
    np.testing.assert_allclose(d["between"].to_numpy(), BETWEEN, rtol=0, atol=5e-9)
