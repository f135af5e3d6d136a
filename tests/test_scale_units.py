"""The unit rule at scale: two countries' values are pooled only in one known unit, as in memory.

A blank unit beside 'RUB', or 'RUB' beside 'KZT', is refused by ``crossborder sigma --data FILES
--engine ...`` with the in-memory command's message (:func:`crossborder.validate.panel_unit`); the
same files pass with ``--unit`` stated, with national indices, and with conditional beta (country
dummies compare within countries)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from crossborder.cli import main
from crossborder.errors import UnitError
from crossborder.validate import panel_unit

pytest.importorskip("narwhals")
from crossborder import scale  # noqa: E402

ENGINES = ["duckdb", "polars", "pandas"]
try:
    import dask.dataframe  # noqa: F401

    ENGINES.append("dask")
except ImportError:  # pragma: no cover - the [scale] extra has dask
    pass


def _cells(units: dict[str, str | None]) -> pd.DataFrame:
    """Two countries A and B of 3 regions, 2000-2003, each country's values in ``units[country]``."""
    rng = np.random.default_rng(7)
    rows = [(f"{c}{i}", c, year, float(rng.uniform(10, 100)), units[c])
            for c in ("A", "B") for i in (1, 2, 3) for year in range(2000, 2004)]
    return pd.DataFrame(rows, columns=["region", "country", "year", "value", "unit"])


def _write(df: pd.DataFrame, folder) -> tuple[str, str]:
    """The rows as one file named value.parquet (the in-memory reader names the indicator after the
    file: 'value', as the scale path names it after the value column) and as a folder of two files."""
    folder.mkdir()
    one = folder / "value.parquet"
    df.to_parquet(one)
    (folder / "cells").mkdir()
    half = len(df) // 2
    df.iloc[:half].to_parquet(folder / "cells" / "a.parquet")
    df.iloc[half:].to_parquet(folder / "cells" / "b.parquet")
    return str(one), str(folder / "cells")


def _error(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    line = [x for x in err.splitlines() if x.startswith("crossborder: error:")]
    return code, line[0] if line else err


@pytest.mark.parametrize(("units", "words"), [
    ({"A": "RUB", "B": None}, "the values of 'value' for B state no unit beside 'RUB' for A"),
    ({"A": "RUB", "B": "  "}, "the values of 'value' for B state no unit beside 'RUB' for A"),
    ({"A": "RUB", "B": "KZT"}, "indicator 'value' mixes currencies 'KZT' and 'RUB' in one panel"),
    ({"A": "tonnes", "B": "kg"}, "indicator 'value' mixes the units 'kg' and 'tonnes' in one panel"),
])
def test_two_countries_in_different_or_unknown_units_are_refused_as_in_memory(tmp_path, capsys, units,
                                                                               words):
    one, cells = _write(_cells(units), tmp_path / "d")
    code, memory = _error(capsys, ["sigma", "--data", one, "--measure", "cv"])
    assert code == 1 and words in memory
    for engine in ENGINES:
        code, at_scale = _error(capsys, ["sigma", "--data", cells, "--engine", engine, "--measure", "cv"])
        assert (code, at_scale) == (1, memory), engine


def test_every_measure_command_applies_the_rule_at_scale(tmp_path, capsys):
    one, cells = _write(_cells({"A": "RUB", "B": None}), tmp_path / "d")
    for command in ("sigma", "decompose", "beta", "gamma", "markov"):
        code, memory = _error(capsys, [command, "--data", one])
        assert code == 1 and "state no unit beside 'RUB' for A" in memory, command
        code, at_scale = _error(capsys, [command, "--data", cells, "--engine", "polars"])
        assert (code, at_scale) == (1, memory), command


def test_one_country_with_and_without_a_unit_is_refused_at_scale(tmp_path, capsys):
    df = _cells({"A": "USD", "B": "USD"})
    df.loc[0, "unit"] = None
    _, cells = _write(df, tmp_path / "d")
    for engine in ENGINES:
        code, err = _error(capsys, ["sigma", "--data", cells, "--engine", engine, "--measure", "cv"])
        assert code == 1, engine
        assert "indicator 'value' mixes 'USD' and no unit in country 'A'; convert to one unit first" \
            in err, engine


def _cv(df: pd.DataFrame) -> np.ndarray:
    return df.groupby("year")["value"].agg(lambda x: np.std(x) / np.mean(x)).to_numpy()


def test_one_unit_stated_or_shared_or_compared_within_countries_passes(tmp_path, capsys):
    blank = _cells({"A": "RUB", "B": None})
    _, cells = _write(blank, tmp_path / "blank")
    # --unit RUB states the blank side's unit: pooled, the CV of the raw values, titled (RUB)
    assert main(["sigma", "--data", cells, "--engine", "duckdb", "--measure", "cv", "--unit", "RUB"]) == 0
    assert "sigma convergence of value (RUB; duckdb)" in capsys.readouterr().out
    assert main(["sigma", "--data", cells, "--engine", "polars", "--measure", "cv", "--unit", "RUB",
                 "--json"]) == 0
    got = pd.DataFrame(json.loads(capsys.readouterr().out))
    np.testing.assert_allclose(got["cv"], _cv(blank), rtol=1e-12)
    # a stated unit the data contradict is the in-memory error
    code, err = _error(capsys, ["sigma", "--data", cells, "--engine", "duckdb", "--unit", "KZT"])
    assert code == 1 and "the unit stated for 'value' is 'KZT', but the data say 'RUB'" in err
    # notes in parentheses aside, one unit: pooled
    same = _cells({"A": "USD (NBK rate)", "B": "USD (CBR rate)"})
    _, cells2 = _write(same, tmp_path / "same")
    assert main(["sigma", "--data", cells2, "--engine", "duckdb", "--measure", "cv", "--json"]) == 0
    np.testing.assert_allclose(pd.DataFrame(json.loads(capsys.readouterr().out))["cv"], _cv(same),
                               rtol=1e-12)
    # RUB beside KZT: national indices and country dummies compare within each country
    mixed = _cells({"A": "RUB", "B": "KZT"})
    _, cells3 = _write(mixed, tmp_path / "mixed")
    assert main(["sigma", "--data", cells3, "--engine", "duckdb", "--measure", "cv", "--relative",
                 "national"]) == 0
    assert main(["beta", "--data", cells3, "--engine", "duckdb", "--conditional"]) == 0
    capsys.readouterr()


def test_the_python_api_applies_the_rule_through_prepare(tmp_path):
    df = _cells({"A": "RUB", "B": None})
    with pytest.raises(UnitError) as memory:
        panel_unit(df, "value")
    for engine in ENGINES:
        with pytest.raises(UnitError) as at_scale:
            scale.sigma(_write_once(df, tmp_path / engine), "cv", group="country", engine=engine,
                        prepare=scale.Prepare(balanced=False, unit_col="unit"))
        assert at_scale.value.reason == memory.value.reason, engine
        assert at_scale.value.column == "unit"
    # without the unit column named, the rule is not applied (the caller vouches for the values)
    got = scale.sigma(df, "cv", group="country", prepare=scale.Prepare(balanced=False))
    np.testing.assert_allclose(got["cv"].to_numpy(), _cv(df), rtol=1e-12)
    # stated, the blank side takes the unit; pooled=False lets the countries' units differ
    got = scale.sigma(df, "cv", group="country",
                      prepare=scale.Prepare(balanced=False, unit_col="unit", unit="RUB"))
    np.testing.assert_allclose(got["cv"].to_numpy(), _cv(df), rtol=1e-12)
    mixed = _cells({"A": "RUB", "B": "KZT"})
    with pytest.raises(UnitError, match="mixes currencies 'KZT' and 'RUB'"):
        scale.beta(mixed, controls="group", group="country",
                   prepare=scale.Prepare(balanced=False, unit_col="unit"))
    got = scale.beta(mixed, controls="group", group="country",
                     prepare=scale.Prepare(balanced=False, unit_col="unit", pooled=False))
    plain = scale.beta(mixed, controls="group", group="country", prepare=scale.Prepare(balanced=False))
    assert got.beta == pytest.approx(plain.beta, rel=1e-12) and got.nobs == 6


def _write_once(df: pd.DataFrame, folder) -> str:
    folder.mkdir()
    df.to_parquet(folder / "a.parquet")
    return str(folder / "a.parquet")
