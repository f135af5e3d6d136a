"""The measure commands at scale: ``crossborder sigma --data 'cells/*.parquet' --engine ...`` equals the
in-memory answer on the same data (DuckDB, Polars, a Dask LocalCluster by address)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import crossborder as cb
from crossborder.cli import main

pytest.importorskip("narwhals")
from test_scale import make_cells, write_parquet  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning",
                                        "ignore::FutureWarning")


@pytest.fixture(scope="module")
def cells(tmp_path_factory):
    df = make_cells(n=60, t=5).rename(columns={"cell": "region", "gdp_pc": "value"})
    glob = write_parquet(df, tmp_path_factory.mktemp("cli") / "cells", files=3)
    panel = cb.Panel.from_long(df, weight="population", group="country")
    return glob, panel


def _json(capsys, argv: list[str]) -> pd.DataFrame:
    # --unbalanced: these tests compare with the panel of every row (Panel.from_long); the balancing
    # the command line applies by default is tested below, against the in-memory command
    assert main(argv + ["--unbalanced", "--json"]) == 0
    return pd.DataFrame(json.loads(capsys.readouterr().out))


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_sigma_command(cells, capsys, engine):
    glob, panel = cells
    got = _json(capsys, ["sigma", "--data", glob, "--weight", "population", "--group", "country",
                         "--engine", engine, "--measure", "gini,theil,sd_log,williamson", "--weighted"])
    want = cb.sigma(panel, ["gini", "theil", "sd_log", "williamson"], weighted=True)
    assert got["time"].tolist() == want.index.tolist()
    for col in ("gini", "theil", "sd_log", "williamson"):
        np.testing.assert_allclose(got[col], want[col], rtol=1e-9)
    assert got["n"].tolist() == want["n"].tolist()


def test_glob_alone_picks_the_scale_path(cells, capsys):
    glob, panel = cells
    got = _json(capsys, ["sigma", "--data", glob, "--measure", "cv"])
    np.testing.assert_allclose(got["cv"], cb.sigma(panel, "cv")["cv"], rtol=1e-9)


@pytest.mark.slow
def test_sigma_on_a_dask_cluster(cells, capsys):
    distributed = pytest.importorskip("distributed")
    glob, panel = cells
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                      dashboard_address=None) as cluster:
            got = _json(capsys, ["sigma", "--data", glob, "--weight", "population", "--group", "country",
                                 "--scheduler", cluster.scheduler_address, "--measure", "gini,theil",
                                 "--weighted"])
    want = cb.sigma(panel, ["gini", "theil"], weighted=True)
    np.testing.assert_allclose(got[["gini", "theil"]], want[["gini", "theil"]], rtol=1e-9)


def test_other_commands(cells, capsys):
    glob, panel = cells
    got = _json(capsys, ["decompose", "--data", glob, "--engine", "duckdb", "--weighted"])
    want = cb.decompose(panel, weighted=True)
    np.testing.assert_allclose(got[["total", "between", "within"]], want[["total", "between", "within"]],
                               rtol=1e-9)
    got = _json(capsys, ["beta", "--data", glob, "--engine", "polars", "--conditional", "--robust", "HC1"])
    want = cb.beta(panel, controls="group", cov_type="HC1")
    assert got["beta"].iloc[0] == pytest.approx(want.beta, rel=1e-9)
    assert got["se"].iloc[0] == pytest.approx(want.se, rel=1e-9)
    got = _json(capsys, ["gamma", "--data", glob, "--engine", "duckdb"])
    np.testing.assert_allclose(got["gamma"], cb.gamma(panel)["gamma"], rtol=1e-9)
    got = _json(capsys, ["markov", "--data", glob, "--engine", "duckdb", "--k", "4"])
    assert got["count"].tolist() == cb.markov(panel, k=4).counts.ravel().tolist()


def test_options_not_applied_are_errors(cells, capsys):
    glob, _ = cells
    assert main(["sigma", "--data", glob, "--engine", "duckdb", "--years", "2001-2003"]) == 2
    assert "--years: not applied by the scale path" in capsys.readouterr().err
    assert main(["sigma", "--engine", "duckdb"]) == 2
    assert "need --data" in capsys.readouterr().err
    assert main(["sigma", "--data", glob, "--engine", "polars", "--scheduler", "threads"]) == 2
    assert "--engine dask" in capsys.readouterr().err


def test_naming_a_weight_weights_as_in_memory(cells, capsys):
    # the command: --weight without --weighted weights, on the scale path as in memory
    glob, panel = cells
    got = _json(capsys, ["sigma", "--data", glob, "--weight", "population", "--group", "country",
                         "--measure", "sd_log,gini"])
    want = cb.sigma(panel, ["sd_log", "gini"], weighted=True)
    np.testing.assert_allclose(got[["sd_log", "gini"]], want[["sd_log", "gini"]], rtol=1e-9)
    got = _json(capsys, ["beta", "--data", glob, "--weight", "population", "--engine", "duckdb"])
    want = cb.beta(panel, weighted=True)
    assert got["beta"].iloc[0] == pytest.approx(want.beta, rel=1e-9)
    assert main(["gamma", "--data", glob, "--weight", "population"]) == 2
    assert "gamma does not weight regions" in capsys.readouterr().err


def test_gamma_multiannual_command(cells, capsys):
    glob, panel = cells
    got = _json(capsys, ["gamma", "--data", glob, "--engine", "duckdb", "--multiannual"])
    want = cb.gamma(panel, kind="multiannual")
    np.testing.assert_allclose(got["gamma"], want["gamma"], rtol=1e-9)
    assert got["n"].tolist() == want["n"].tolist()


# ---------------------------------------------------------------------- a scheduler that never speaks
@pytest.fixture
def mute_server():
    """A local TCP server that accepts connections and never says a word (its address)."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for c in held:
        c.close()
    server.close()


def test_a_scheduler_address_that_accepts_and_never_speaks_fails_within_seconds(cells, capsys,
                                                                                mute_server):
    import time

    pytest.importorskip("distributed")
    glob, _ = cells
    t0 = time.perf_counter()
    code = main(["sigma", "--data", glob, "--scheduler", mute_server, "--measure", "cv"])
    seconds = time.perf_counter() - t0
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"crossborder: error: --scheduler {mute_server}: no Dask scheduler there "
                          "(it did not answer as a Dask scheduler within 5 s")
    assert "Traceback" not in err
    assert seconds < 60  # measured 5-7 s; without the probe Dask's client waited for ever


def test_the_python_api_probes_a_scheduler_address_too(cells, mute_server):
    from crossborder import scale
    from crossborder.scale._source import probe_scheduler

    pytest.importorskip("distributed")
    glob, _ = cells
    assert probe_scheduler(mute_server, timeout=0.5).startswith("it did not answer as a Dask "
                                                                 "scheduler within 0.5 s")
    with pytest.raises(ConnectionError, match=f"scheduler {mute_server}: it did not answer"):
        scale.sigma(glob, "cv", engine="dask", scheduler=mute_server, region="region", time="year",
                    value="value")


@pytest.mark.slow
def test_the_probe_tells_a_scheduler_from_a_worker():
    distributed = pytest.importorskip("distributed")
    from crossborder.scale._source import probe_scheduler

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                      dashboard_address=None) as cluster:
            assert probe_scheduler(cluster.scheduler_address) is None
            worker = next(iter(cluster.workers.values()))
            assert probe_scheduler(worker.address) == "a Dask worker answers there, not a scheduler"


# ---------------------------------------------------------------------- the in-memory preparation at scale
def _gappy_cells(tmp_path):
    """Two countries of 3 regions, 2000-2005: A3 lacks 2002 (dropped by balancing), B3 lacks 2005
    only (the last year is given up to keep it). One Parquet file and a folder holding it."""
    rng = np.random.default_rng(55)
    rows = []
    for region, country in [("A1", "A"), ("A2", "A"), ("A3", "A"), ("B1", "B"), ("B2", "B"), ("B3", "B")]:
        for year in range(2000, 2006):
            if (region, year) in (("A3", 2002), ("B3", 2005)):
                continue
            rows.append((region, country, year, float(rng.uniform(10, 100)), "USD"))
    df = pd.DataFrame(rows, columns=["region", "country", "year", "value", "unit"])
    (tmp_path / "cells").mkdir()
    df.to_parquet(tmp_path / "one.parquet")
    df.to_parquet(tmp_path / "cells" / "a.parquet")
    return df


def _cv_by_hand(df: pd.DataFrame, relative: bool) -> pd.Series:
    kept = df[(df["region"] != "A3") & (df["year"] <= 2004)].copy()
    if relative:  # 100 = the mean of every region of the country that year (A3 included)
        means = df[df["year"] <= 2004].groupby(["country", "year"])["value"].mean()
        keys = pd.MultiIndex.from_arrays([kept["country"], kept["year"]])
        kept["value"] = 100 * kept["value"] / means.loc[keys].to_numpy()
    return kept.groupby("year")["value"].agg(lambda x: np.std(x) / np.mean(x))


@pytest.mark.parametrize("relative", [False, True])
def test_the_scale_path_balances_and_indexes_as_the_in_memory_path(tmp_path, capsys, relative):
    df = _gappy_cells(tmp_path)
    want = _cv_by_hand(df, relative)
    extra = ["--relative", "national"] if relative else []
    runs = {"memory": ["--data", str(tmp_path / "one.parquet")]}
    for engine in ("duckdb", "polars", "pandas"):
        runs[engine] = ["--data", str(tmp_path / "cells"), "--engine", engine]
    if not relative:
        runs["duckdb-unit"] = ["--data", str(tmp_path / "cells"), "--engine", "duckdb", "--unit", "USD"]
    for name, argv in runs.items():
        assert main(["sigma", *argv, "--measure", "cv", *extra, "--json"]) == 0, name
        out, err = capsys.readouterr()
        got = pd.DataFrame(json.loads(out)).set_index("time")
        assert got.index.tolist() == [2000, 2001, 2002, 2003, 2004], name
        np.testing.assert_allclose(got["cv"], want.to_numpy(), rtol=1e-12, err_msg=name)
        assert got["n"].tolist() == [5] * 5, name
        assert "left out 1 region(s) without a value in every year: A3" in err, name
        assert "year 2005 left out to keep 1 region(s) that have no value in it (B3)" in err, name


def test_unbalanced_at_scale_keeps_every_region(tmp_path, capsys):
    df = _gappy_cells(tmp_path)
    assert main(["sigma", "--data", str(tmp_path / "cells"), "--engine", "polars", "--unbalanced",
                 "--measure", "cv", "--json"]) == 0
    out, err = capsys.readouterr()
    got = pd.DataFrame(json.loads(out)).set_index("time")
    want = df.groupby("year")["value"].agg(lambda x: np.std(x) / np.mean(x))
    np.testing.assert_allclose(got["cv"], want.to_numpy(), rtol=1e-12)
    assert got["n"].tolist() == [6, 6, 5, 6, 6, 5] and "left out" not in err


def test_the_scale_python_api_reports_what_balancing_left_out(tmp_path):
    from crossborder import scale

    _gappy_cells(tmp_path)
    engines = ["duckdb", "polars", "pandas"]
    try:
        import dask.dataframe  # noqa: F401
        engines.append("dask")
    except ImportError:
        pass
    for engine in engines:
        prep = scale.Prepare()
        got = scale.gamma(str(tmp_path / "cells"), group="country", engine=engine, prepare=prep)
        assert got.index.tolist() == [2000, 2001, 2002, 2003, 2004], engine
        bal = prep.balances[0]
        assert bal.times == [2000, 2001, 2002, 2003, 2004]
        assert bal.dropped.to_dict("records") == [{"region": "A3", "years_with_value": 4,
                                                   "years_in_span": 5}]
        assert bal.span_trimmed == {2005: ["B3"]}


def test_currency_tables_at_scale_name_the_in_memory_command(tmp_path, capsys):
    _gappy_cells(tmp_path)
    fx = tmp_path / "fx.csv"
    fx.write_text("country,year,rate\nA,2000,1\n", encoding="utf-8")
    code = main(["sigma", "--data", str(tmp_path / "cells"), "--engine", "duckdb", "--fx", str(fx)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--fx: the scale path does not convert currencies (--data {tmp_path / 'cells'}); run " \
           f"`crossborder sigma --data FILE --fx {fx}` on one file that fits in memory" in err
