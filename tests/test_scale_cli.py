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
    assert main(argv + ["--json"]) == 0
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
    want = cb.beta(panel, controls="group", robust="HC1")
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
