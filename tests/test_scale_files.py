"""Hostile Parquet on the scale path: the same rule and the same message on every engine and in memory.

Each case of issue 16 is built here: a value without a region or year (the in-memory reader refuses it;
the engines counted it or made a <NA> year), types that drift across the files of a glob, a truncated
or corrupted file, a column missing from one file, and the memory budget (handed to DuckDB, read back
from it; an out-of-memory is an error with advice, exit 2, not "a bug").
"""

from __future__ import annotations

import json
import os
import re
import tempfile

import numpy as np
import pandas as pd
import pytest

from crossborder.cli import main
from crossborder.errors import DataError, OutOfMemory

pytest.importorskip("narwhals")
from crossborder import scale  # noqa: E402
from crossborder.scale import _memory, _source  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning",
                                        "ignore::FutureWarning")

ENGINES = ["duckdb", "polars", "dask", "pandas"]


def frame(n: int = 8, t: int = 3, seed: int = 3, first: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "region": np.repeat([f"r{i:02d}" for i in range(first, first + n)], t),
        "year": np.tile(np.arange(2001, 2001 + t), n),
        "value": rng.uniform(100.0, 200.0, n * t),
        "population": rng.uniform(1.0, 10.0, n * t),
    })


def write(parts: list[pd.DataFrame], folder) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for i, part in enumerate(parts):
        part.to_parquet(folder / f"part-{i}.parquet", index=False)
    return str(folder / "*.parquet")


def _err(capsys, argv: list[str], code: int) -> str:
    assert main(argv) == code
    return capsys.readouterr().err.strip().splitlines()[-1]


# ------------------------------------------------------------------ a value without a region or year
@pytest.mark.parametrize("key", ["region", "year", "blank region", "NaN year"])
def test_value_without_a_key_same_message_in_memory_and_on_every_engine(tmp_path, capsys, key):
    df = frame()
    if key == "year":
        df["year"] = df["year"].astype("Int64")
        df.loc[5, "year"] = pd.NA
    elif key == "NaN year":  # a float year column: NaN, which Parquet statistics do not count
        df["year"] = df["year"].astype(float)
        df.loc[5, "year"] = np.nan
    else:
        df.loc[5, "region"] = None if key == "region" else "   "
    path = tmp_path / "cells.parquet"
    df.to_parquet(path, index=False)
    col = "region" if "region" in key else "year"
    # the in-memory reader's words: the file, the row (header = row 1: row index 5 is row 7), the column
    raw = repr(float(df.loc[5, "value"]))  # the cell as the reader shows it: text, quoted
    want = (f"crossborder: error: {path}, row 7, column {col!r}: a value ({raw!r}) "
            f"without a {col}: cannot tell where it belongs")
    assert _err(capsys, ["sigma", "--data", str(path), "--measure", "cv"], 1) == want
    for engine in ENGINES:
        assert _err(capsys, ["sigma", "--data", str(path), "--measure", "cv", "--engine", engine],
                    1) == want, engine
        with pytest.raises(DataError) as info:
            scale.gamma(str(path), engine=engine)
        assert (info.value.file, info.value.row, info.value.column) == (str(path), 7, col)


@pytest.mark.parametrize("statistics", [True, False])
def test_clean_keys_are_proven_by_the_footers_or_checked(tmp_path, statistics):
    # with statistics, a null count of 0 spares the engines a pass; without, the rows are checked
    import pyarrow as pa
    import pyarrow.parquet as pq

    from crossborder.scale import _files

    df = frame()
    clean, dirty = tmp_path / "clean.parquet", tmp_path / "dirty.parquet"
    pq.write_table(pa.Table.from_pandas(df), clean, write_statistics=statistics)
    bad = df.copy()
    bad.loc[2, "region"] = None
    pq.write_table(pa.Table.from_pandas(bad), dirty, write_statistics=statistics)
    roles = {"region": "region", "year": "time", "value": "value"}
    assert _files.inspect([str(clean)], roles).clean_keys is statistics
    assert _files.inspect([str(dirty)], roles).clean_keys is False
    for engine in ENGINES:
        with pytest.raises(DataError, match="without a region") as info:
            scale.sigma(str(dirty), "cv", engine=engine)
        assert info.value.row == 4


def test_value_without_a_region_in_a_frame(tmp_path):
    df = frame()
    df.loc[4, "region"] = None
    import polars as pl

    for data in (df, pl.from_pandas(df).lazy()):
        with pytest.raises(DataError, match=r"column 'region': a value \(.*\) without a region: cannot "
                                            r"tell where it belongs \(1 such rows\)"):
            scale.sigma(data, "cv")


def test_rows_without_key_and_value_are_left_out_as_in_memory(tmp_path, capsys):
    # a blank line (no region, no year, no value): set aside in memory, left out at scale; before, the
    # engines counted it as a region of its own or as a <NA> year
    df = frame(n=6, t=3)
    blank = pd.DataFrame({"region": [None, None], "year": pd.array([pd.NA, 2002], dtype="Int64"),
                          "value": [np.nan, np.nan], "population": [np.nan, 1.0]})
    both = pd.concat([df.assign(year=df["year"].astype("Int64")), blank], ignore_index=True)
    path = tmp_path / "cells.parquet"
    both.to_parquet(path, index=False)
    by_year = df.groupby("year")["value"]
    cv = (by_year.std(ddof=0) / by_year.mean()).to_numpy()  # the population CV, by hand
    for engine in ENGINES:
        got = scale.sigma(str(path), "cv", engine=engine)
        assert got.index.tolist() == [2001, 2002, 2003], engine
        np.testing.assert_allclose(got["cv"].to_numpy(), cv, rtol=1e-12)
        assert got["n"].tolist() == [6, 6, 6]
    assert main(["sigma", "--data", str(path), "--measure", "cv", "--json"]) == 0  # in memory
    memory = pd.DataFrame(json.loads(capsys.readouterr().out))
    np.testing.assert_allclose(memory["cv"].to_numpy(), cv, rtol=1e-12)


# ------------------------------------------------------------------ types that drift across files
def test_text_values_in_one_file_are_named(tmp_path, capsys):
    a, b, c = frame(first=0), frame(first=10), frame(first=20)
    glob = write([a, b.assign(value=b["value"].round(2).astype(str)), c], tmp_path / "drift")
    odd = os.path.join(str(tmp_path / "drift"), "part-1.parquet")
    for engine in ENGINES:
        with pytest.raises(DataError, match="holds text .*, not numbers; .*part-0.parquet, "
                                            ".*part-2.parquet hold numbers") as info:
            scale.sigma(glob, "cv", engine=engine)
        assert (info.value.file, info.value.column) == (odd, "value")
    line = _err(capsys, ["sigma", "--data", glob, "--measure", "cv", "--engine", "polars"], 1)
    assert line.startswith(f"crossborder: error: {odd}, column 'value': holds text")


def test_a_region_code_type_that_drifts_is_named(tmp_path):
    a, b, c = frame(first=0), frame(first=10), frame(first=20)
    b = b.assign(region=np.repeat(np.arange(10, 18), 3))  # integer codes in one file
    glob = write([a, b, c], tmp_path / "keys")
    for engine in ENGINES:
        with pytest.raises(DataError, match=r"integer \(int64\) here but text in .*part-0.parquet, "
                                            r".*part-2.parquet: a column must have one type") as info:
            scale.gamma(glob, engine=engine)
        assert info.value.column == "region" and info.value.file.endswith("part-1.parquet")


def test_integer_beside_float_values_read_alike(tmp_path):
    # harmless drift (Polars refused it: "data type mismatch"; DuckDB cast it): one answer everywhere
    a, b, c = frame(first=0), frame(first=10), frame(first=20)
    b = b.assign(value=b["value"].round().astype("int64"), extra=1)  # and a column only this file has
    glob = write([a, b, c], tmp_path / "mixed")
    whole = pd.concat([a, b, c]).astype({"value": float})
    by_year = whole.groupby("year")["value"]
    cv = (by_year.std(ddof=0) / by_year.mean()).to_numpy()
    for engine in ENGINES:
        got = scale.sigma(glob, "cv", engine=engine)
        np.testing.assert_allclose(got["cv"].to_numpy(), cv, rtol=1e-12, err_msg=engine)


# ------------------------------------------------------------------ unreadable files, missing columns
@pytest.mark.parametrize("damage", ["truncated", "page header"])
def test_a_damaged_file_in_a_glob_is_named(tmp_path, capsys, damage):
    glob = write([frame(first=0), frame(first=10), frame(first=20)], tmp_path / damage.replace(" ", "_"))
    bad = os.path.join(os.path.dirname(glob), "part-1.parquet")
    raw = bytearray(open(bad, "rb").read())
    if damage == "truncated":
        raw = raw[: len(raw) // 2]
    else:  # the footer is intact: the engines fail only when they read the pages
        raw[4:40] = b"\xff" * 36
    with open(bad, "wb") as fh:
        fh.write(bytes(raw))
    for engine in ENGINES:
        with pytest.raises(DataError, match="not a readable Parquet file") as info:
            scale.sigma(glob, "cv", engine=engine)
        assert info.value.file == bad, engine
        line = _err(capsys, ["sigma", "--data", glob, "--measure", "cv", "--engine", engine], 1)
        assert line.startswith(f"crossborder: error: {bad}: not a readable Parquet file"), line


def test_a_weight_missing_in_one_file_is_named(tmp_path, capsys):
    a, b, c = frame(first=0), frame(first=10), frame(first=20)
    glob = write([a, b.drop(columns="population"), c], tmp_path / "nowt")
    odd = os.path.join(os.path.dirname(glob), "part-1.parquet")
    for engine in ENGINES:
        with pytest.raises(DataError, match="no such column in this file, but .*part-0.parquet, "
                                            ".*part-2.parquet have it") as info:
            scale.sigma(glob, "theil", weight="population", weighted=True, engine=engine)
        assert (info.value.file, info.value.column) == (odd, "population")
        line = _err(capsys, ["sigma", "--data", glob, "--weight", "population", "--measure", "theil",
                             "--engine", engine], 1)
        assert line.startswith(f"crossborder: error: {odd}, column 'population': no such column")
    with pytest.raises(DataError, match="no column 'income'"):  # missing everywhere: as before
        scale.sigma(glob, "cv", value="income")


# ------------------------------------------------------------------ memory
def test_parse_memory():
    total = _memory.machine_memory()
    assert 0 < total <= os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert _memory.parse_memory("2GB") == 2 * 10**9
    assert _memory.parse_memory("1.5GiB") == int(1.5 * 2**30)
    assert _memory.parse_memory("512 MiB") == 512 * 2**20
    assert _memory.parse_memory("25%") == int(total * 0.25)
    assert _memory.parse_memory(None) == int(total * 0.5)
    assert _memory.parse_memory(3 * 2**20) == 3 * 2**20
    for bad in ("lots", "0%", "150%", "10KB", "-1GB"):
        with pytest.raises(ValueError, match="memory limit"):
            _memory.parse_memory(bad)


def _duck_setting(con, name: str) -> str:
    return con.execute(f"SELECT current_setting('{name}')").fetchall()[0][0]


def _mib(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+) (KiB|MiB|GiB|TiB)", text).groups()
    return float(number) * {"KiB": 2**-10, "MiB": 1, "GiB": 2**10, "TiB": 2**20}[unit]


def test_memory_limit_is_handed_to_duckdb(tmp_path):
    glob = write([frame(n=40, t=5)], tmp_path / "m")
    src = _source.load(glob, region="region", time="year", value="value", engine="duckdb")
    want = _memory.machine_memory() * 0.5 / 2**20  # the default: half the machine
    assert _mib(_duck_setting(src.con, "memory_limit")) == pytest.approx(want, rel=0.01)
    with scale.memory_budget("48MiB"):
        src = _source.load(glob, region="region", time="year", value="value", engine="duckdb")
    assert _mib(_duck_setting(src.con, "memory_limit")) == pytest.approx(48, rel=0.01)
    spill = _duck_setting(src.con, "temp_directory")
    assert os.path.dirname(spill) == tempfile.gettempdir() and "crossborder-spill" in spill


def test_memory_limit_option(tmp_path, capsys, monkeypatch):
    df = frame(n=300, t=5)
    glob = write([df.iloc[:750], df.iloc[750:]], tmp_path / "m")
    seen = []
    real = _source.duckdb_connection

    def spy():
        con = real()
        seen.append(_duck_setting(con, "memory_limit"))
        return con

    monkeypatch.setattr(_source, "duckdb_connection", spy)
    assert main(["sigma", "--data", glob, "--memory-limit", "32MiB", "--measure", "gini", "--json"]) == 0
    got = pd.DataFrame(json.loads(capsys.readouterr().out))
    assert [_mib(s) for s in seen] == [pytest.approx(32, rel=0.01)]
    v = np.sort(df[df["year"] == 2001]["value"].to_numpy())
    n = v.size
    gini = 2 * np.sum(np.arange(1, n + 1) * v) / (n * v.sum()) - (n + 1) / n  # by hand
    assert got["gini"].iloc[0] == pytest.approx(gini, rel=1e-12)
    assert _err(capsys, ["sigma", "--data", glob, "--memory-limit", "lots"], 2).startswith(
        "crossborder: error: memory limit 'lots'")
    one = glob.replace("*", "part-0")  # one file: the in-memory path, which has no budget to apply
    assert "--memory-limit is the budget of the scale engines" in _err(
        capsys, ["sigma", "--data", one, "--memory-limit", "1GB"], 2)


@pytest.mark.parametrize("exc", ["duckdb", "MemoryError", "polars"])
def test_out_of_memory_is_an_error_with_advice(tmp_path, capsys, monkeypatch, exc):
    glob = write([frame()], tmp_path / "oom")
    engine = "polars" if exc == "polars" else "duckdb"
    if exc == "duckdb":
        import duckdb

        err: BaseException = duckdb.OutOfMemoryException(
            "Out of Memory Error: could not allocate block of size 256.0 KiB (30.0 MiB/32.0 MiB used)")
    elif exc == "polars":
        err = RuntimeError("memory allocation of 8589934592 bytes failed")
    else:
        err = MemoryError()

    def boom(self, lf):
        raise err

    monkeypatch.setattr(_source.Source, "collect", boom)
    with pytest.raises(OutOfMemory) as info:
        scale.sigma(glob, "cv", engine=engine)
    assert isinstance(info.value, MemoryError) and info.value.__cause__ is err
    line = _err(capsys, ["sigma", "--data", glob, "--engine", engine, "--memory-limit", "1GiB"], 2)
    assert line.startswith(f"crossborder: error: out of memory on the {engine} engine")
    assert "raise the memory limit (--memory-limit" in line and "now 1.0 GiB of" in line
    assert ("--engine duckdb" in line) == (engine != "duckdb")
    assert "this is a bug" not in capsys.readouterr().err


def test_a_real_duckdb_out_of_memory_is_mapped(tmp_path):
    # 1 MiB is below what DuckDB needs for a query here: either it copes (then the numbers are right)
    # or it runs out of memory, and that is the advice, never another error
    df = frame(n=400, t=5)
    glob = write([df], tmp_path / "tiny")
    by_year = df.groupby("year")["value"]
    cv = (by_year.std(ddof=0) / by_year.mean()).to_numpy()
    with scale.memory_budget("1MiB"):
        try:
            got = scale.sigma(glob, ["cv", "gini"], engine="duckdb")
        except OutOfMemory as exc:
            assert "out of memory on the duckdb engine (OutOfMemoryException" in str(exc)
        else:
            np.testing.assert_allclose(got["cv"].to_numpy(), cv, rtol=1e-12)


class _Aborts:
    """A stand-in for a Polars query whose allocation fails: Polars aborts the process."""

    def collect(self, engine: str | None = None) -> None:
        os.abort()


def test_a_polars_process_that_aborts_is_an_out_of_memory_with_advice():
    with _memory.polars_isolated():
        with pytest.raises(OutOfMemory) as info:
            _memory.polars_collect(_Aborts())
        assert _memory._polars["pool"] is None  # the dead child is let go; the next query starts one
    text = str(info.value)
    assert text.startswith("out of memory on the polars engine (MemoryError: the Polars process was "
                           "ended by SIGABRT: an allocation failed); raise the memory limit")
    assert "run on DuckDB (--engine duckdb), which spills to disk" in text


def test_polars_runs_in_a_child_on_the_command_line_with_the_same_numbers(tmp_path, capsys):
    pl = pytest.importorskip("polars")
    df = frame(n=50, t=4)
    glob = write([df.iloc[:100], df.iloc[100:]], tmp_path / "pl")
    query = pl.scan_parquet(glob).group_by("year").agg(pl.col("value").sum())
    with _memory.polars_isolated():
        got = _memory.polars_collect(query)
        child = _memory._polars["pool"]
        assert child is not None  # a child ran it
    with _memory.polars_isolated():
        again = _memory.polars_collect(query)
    assert _memory._polars["pool"] is child  # the same child, kept for the next run
    assert again.sort("year").equals(got.sort("year"))
    want = df.groupby("year")["value"].sum()
    np.testing.assert_allclose(got.sort("year")["value"].to_numpy(), want.to_numpy(), rtol=1e-12)


def test_the_default_budget_under_an_address_space_limit_is_a_quarter_of_the_room(tmp_path):
    import subprocess
    import sys

    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (6 * 10**9, "
            "resource.getrlimit(resource.RLIMIT_AS)[1])); "
            "from crossborder.scale import _memory as m; "
            "print(m.address_space_room(), m.default_budget(), m.parse_memory(None), m.machine_memory())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)})
    room, budget, parsed, machine = map(int, out.stdout.split())
    assert 10**9 < room < 6 * 10**9  # the limit less what the interpreter has mapped
    assert budget == parsed == int(min(machine * 0.5, room * 0.25))
    assert budget < 6 * 10**9 * 0.5 / 2  # well below half the limit, which failed in DuckDB
