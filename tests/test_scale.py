"""The scale path (crossborder.scale) against the in-memory measures on the same data, every engine.

The data: a small long table written as partitioned Parquet (several files) with the things real data
have — a missing value, a missing and a zero weight, a region missing a year, tied values — read back
by each engine from the glob, and by pandas for the in-memory Panel.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

import crossborder as cb
from crossborder.errors import DataError

pytest.importorskip("narwhals")
from crossborder import scale  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning",
                                        "ignore::FutureWarning")

#: Dask's reductions start slowly (a graph per pass, ~5-10 s a test on 2 cores): its cases run in CI
#: (``slow``); locally Dask is read by test_frames_of_each_engine and the scale tests of the CLI,
#: files and units on every engine.
ENGINES = ["pandas", "polars", "duckdb", pytest.param("dask", marks=pytest.mark.slow)]
#: The measures with Dask code of their own (decompose's reductions, markov's pairs) keep Dask locally.
EVERY_ENGINE = ["pandas", "polars", "duckdb", "dask"]
RTOL = 1e-9
MEASURES = ["sd_log", "var_log", "sd", "var", "cv", "williamson", "gini", "theil", "mld", "atkinson",
            "hoover"]


def make_cells(n: int = 120, t: int = 6, seed: int = 7, files: int = 4) -> pd.DataFrame:
    """A long table of n regions x t years in three countries, with the awkward cases in it."""
    rng = np.random.default_rng(seed)
    region = np.repeat([f"c{i:04d}" for i in range(n)], t)
    year = np.tile(np.arange(2001, 2001 + t), n)
    value = np.round(np.exp(rng.normal(9.0, 0.6, n * t)), -2)  # rounded: ties within a year
    pop = rng.uniform(1.0, 500.0, n * t)
    country = np.repeat(rng.choice(["CN", "KZ", "RU"], n), t)
    df = pd.DataFrame({"cell": region, "year": year, "gdp_pc": value, "population": pop,
                       "country": country})
    df.loc[3, "gdp_pc"] = np.nan  # a missing value
    df.loc[10, "population"] = np.nan  # a missing weight
    df.loc[20, "population"] = 0.0  # a zero weight
    return df.drop(index=[31, 32]).reset_index(drop=True)  # a region missing two years


def write_parquet(df: pd.DataFrame, folder, files: int = 4) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for i, part in enumerate(np.array_split(np.arange(len(df)), files)):
        df.iloc[part].to_parquet(folder / f"part-{i:03d}.parquet", index=False)
    return str(folder / "*.parquet")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    df = make_cells()
    glob = write_parquet(df, tmp_path_factory.mktemp("cells") / "cells")
    panel = cb.Panel.from_long(df, region="cell", time="year", value="gdp_pc", weight="population",
                               group="country")
    return df, glob, panel


COLS = dict(region="cell", time="year", value="gdp_pc")


def _eq(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, rtol=RTOL, check_dtype=False, check_index_type=False)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("weighted", [False, True])
def test_sigma_every_measure(data, engine, weighted):
    _, glob, panel = data
    got = scale.sigma(glob, MEASURES, weighted=weighted, weight="population", group="country",
                      engine=engine, **COLS)
    want = cb.sigma(panel, MEASURES, weighted=weighted)
    _eq(got, want)
    assert "n_williamson" in got.columns or weighted  # the weighted measures count fewer regions


def test_sigma_options(data):
    _, glob, panel = data
    _eq(scale.sigma(glob, ["sd", "cv", "sd_log"], ddof=1, engine="polars", **COLS),
        cb.sigma(panel, ["sd", "cv", "sd_log"], ddof=1))
    for eps in (0.0, 1.0, 2.0):
        _eq(scale.sigma(glob, "atkinson", epsilon=eps, weighted=True, weight="population",
                        engine="duckdb", **COLS),
            cb.sigma(panel, "atkinson", weighted=True, epsilon=eps))
    _eq(scale.sigma(glob, "hoover", totals=True, weight="population", engine="duckdb", **COLS),
        cb.sigma(panel, "hoover", totals=True))


def test_sigma_numbers_by_hand(data):
    """Weighted Theil T and SD of logs of one year, straight from the formulas with numpy."""
    df, glob, _ = data
    got = scale.sigma(glob, ["theil", "sd_log"], weighted=True, weight="population", engine="duckdb",
                      **COLS)
    yr = df[(df["year"] == 2001) & df["gdp_pc"].notna() & (df["population"] > 0)]
    y, w = yr["gdp_pc"].to_numpy(), yr["population"].to_numpy()
    p = w / w.sum()
    mu = (p * y).sum()
    theil = (p * y / mu * np.log(y / mu)).sum()
    sd_log = np.sqrt((p * (np.log(y) - (p * np.log(y)).sum()) ** 2).sum())
    assert got.loc[2001, "theil"] == pytest.approx(theil, rel=1e-12)
    assert got.loc[2001, "sd_log"] == pytest.approx(sd_log, rel=1e-12)


def test_frames_of_each_engine(data):
    """A frame (not a path) picks its engine by its type."""
    import dask.dataframe as dd
    import duckdb
    import polars as pl

    df, _, panel = data
    want = cb.sigma(panel, ["gini", "theil"], weighted=True)
    frames = [(df, "pandas"), (pl.from_pandas(df).lazy(), "polars"), (pl.from_pandas(df), "polars"),
              (duckdb.from_df(df), "duckdb"), (dd.from_pandas(df, npartitions=3), "dask")]
    for frame, engine in frames:
        got = scale.sigma(frame, ["gini", "theil"], weighted=True, weight="population", **COLS)
        _eq(got, want)
        assert got.attrs["engine"] == engine


@pytest.mark.parametrize("engine", EVERY_ENGINE)
@pytest.mark.parametrize("index", ["theil", "mld"])
def test_decompose(data, engine, index):
    _, glob, panel = data
    for weighted in (False, True):
        got = scale.decompose(glob, index, weighted=weighted, weight="population", group="country",
                              engine=engine, **COLS)
        _eq(got, cb.decompose(panel, index, weighted=weighted))


def _same_beta(a, b) -> None:
    for f in ("alpha", "beta", "se", "tstat", "pvalue", "r2", "speed", "half_life", "span"):
        assert getattr(a, f) == pytest.approx(getattr(b, f), rel=RTOL, nan_ok=True), f
    assert (a.nobs, a.kind, a.cov_type, a.dropped, a.dropped_terms) == \
        (b.nobs, b.kind, b.cov_type, b.dropped, b.dropped_terms)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), rtol=1e-8)


@pytest.mark.parametrize("engine", ENGINES)
def test_beta(data, engine):
    _, glob, panel = data
    cases = [dict(), dict(controls="group"), dict(controls="group", cov_type="HC1", weighted=True),
             dict(cluster="group"), dict(controls="group", cov_type="HC3", annualize=False)]
    if engine == "dask":  # slow to start each pass: two cases cover its reductions
        cases = cases[1:3]
    for kw in cases:
        got = scale.beta(glob, 2003, 2006, weight="population", group="country", engine=engine,
                         **COLS, **kw)
        _same_beta(got, cb.beta(panel, 2003, 2006, **kw))
    assert "c0005" in got.dropped  # the region missing a year is reported, not silently lost


def test_beta_more_options(data):
    _, glob, panel = data
    for kw in (dict(cov_type="HC0"), dict(cov_type="HC2", weighted=True), dict(log=False),
               dict(controls="group", cluster="group", weighted=True)):
        _same_beta(scale.beta(glob, 2002, 2005, weight="population", group="country", engine="polars",
                              **COLS, **kw), cb.beta(panel, 2002, 2005, **kw))
    _same_beta(scale.beta(glob, group="country", engine="duckdb", **COLS), cb.beta(panel))


@pytest.mark.parametrize("engine", ENGINES)
def test_gamma(data, engine):
    _, glob, panel = data
    _eq(scale.gamma(glob, engine=engine, **COLS), cb.gamma(panel))
    _eq(scale.gamma(glob, ref=2002, last=2005, engine=engine, **COLS), cb.gamma(panel, ref=2002, last=2005))


@pytest.mark.parametrize("engine", ENGINES)
def test_gamma_multiannual(data, engine):
    """The multi-annual index at scale: the in-memory numbers, with the region missing two years
    leaving the windows that include them."""
    _, glob, panel = data
    want = cb.gamma(panel, kind="multiannual")
    got = scale.gamma(glob, kind="multiannual", engine=engine, **COLS)
    _eq(got, want)
    assert want["n"].iloc[0] == 120 and want["n"].iloc[-1] < 120  # the windows did shrink


@pytest.mark.parametrize("engine", EVERY_ENGINE)
def test_markov(data, engine):
    _, glob, panel = data
    cases = [dict(), dict(k=4, relative=True), dict(classes=[6000.0, 9000.0, 12000.0])]
    if engine != "dask":
        cases.append(dict(classes="pooled", k=3))
    for kw in cases:
        got = scale.markov(glob, engine=engine, **COLS, **kw)
        want = cb.markov(panel, **kw)
        np.testing.assert_array_equal(got.counts, want.counts)
        np.testing.assert_allclose(got.cuts, want.cuts, rtol=RTOL)
        assert got.skipped == want.skipped > 0
        assert got.labels == want.labels
        pd.testing.assert_frame_equal(got.matrix(), want.matrix(), rtol=RTOL)
        pd.testing.assert_frame_equal(got.to_frame(), want.to_frame())
        assert got.mobility == pytest.approx(want.mobility, rel=RTOL)
    assert f"{got.n_regions} regions" in got.summary()


def test_dask_pooled_is_an_error(data):
    _, glob, _ = data
    with pytest.raises(ValueError, match="global sort"):
        scale.markov(glob, classes="pooled", engine="dask", **COLS)


# ------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("engine", ["polars", "duckdb", "dask"])
def test_bad_data_is_named(tmp_path, engine):
    df = make_cells(n=20, t=3)
    bad = df.copy()
    bad.loc[bad.index[7], "gdp_pc"] = -5.0
    glob = write_parquet(bad, tmp_path / "neg")
    with pytest.raises(DataError, match=r"sd_log needs values > 0.*region 'c0002' in 2002"):
        scale.sigma(glob, "sd_log", engine=engine, **COLS)
    dup = pd.concat([df, df.iloc[[5]]])
    glob = write_parquet(dup, tmp_path / "dup")
    with pytest.raises(DataError, match="repeat a \\(region, time\\) pair, e.g. region 'c0001'"):
        scale.sigma(glob, "gini", engine=engine, **COLS)
    mixed = df.copy()
    mixed.loc[mixed.index[4], "country"] = "XX"
    glob = write_parquet(mixed, tmp_path / "mixed")
    with pytest.raises(DataError, match="group must be constant per region"):
        scale.decompose(glob, group="country", engine=engine, **COLS)
    negw = df.copy()
    negw.loc[negw.index[9], "population"] = -1.0
    glob = write_parquet(negw, tmp_path / "negw")
    with pytest.raises(DataError, match="negative weight"):
        scale.sigma(glob, "theil", weighted=True, weight="population", engine=engine, **COLS)


def test_usage_errors(data):
    df, glob, _ = data
    import polars as pl

    with pytest.raises(ValueError, match="polars frame"):
        scale.sigma(pl.from_pandas(df).lazy(), engine="duckdb", **COLS)
    with pytest.raises(DataError, match="williamson needs a weight"):
        scale.sigma(glob, "williamson", engine="duckdb", **COLS)
    with pytest.raises(DataError, match="no Parquet file"):
        scale.sigma(glob + ".nothing", engine="duckdb", **COLS)
    with pytest.raises(ValueError, match="scheduler= applies to the dask engine only"):
        scale.sigma(glob, engine="duckdb", scheduler="threads", **COLS)
    with pytest.raises(DataError, match="no column 'income'"):
        scale.sigma(glob, engine="polars", region="cell", time="year", value="income")
    with pytest.raises(ValueError, match="cluster at scale"):
        scale.beta(glob, cluster="region", group="country", engine="polars", **COLS)


# ------------------------------------------------------------------------------ Dask schedulers
@pytest.mark.slow
def test_dask_schedulers(data):
    _, glob, panel = data
    want = cb.sigma(panel, ["gini", "theil"], weighted=True)
    for sched in ("threads", "synchronous"):
        _eq(scale.sigma(glob, ["gini", "theil"], weighted=True, weight="population", engine="dask",
                        scheduler=sched, **COLS), want)


@pytest.mark.slow
def test_dask_local_cluster(data):
    """A real distributed scheduler (in-process workers), by address and by client; shut down after."""
    distributed = pytest.importorskip("distributed")
    _, glob, panel = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                      dashboard_address=None) as cluster:
            got = scale.sigma(glob, ["gini", "theil", "sd_log"], weighted=True, weight="population",
                              engine="dask", scheduler=cluster.scheduler_address, **COLS)
            _eq(got, cb.sigma(panel, ["gini", "theil", "sd_log"], weighted=True))
            with distributed.Client(cluster) as client:
                dec = scale.decompose(glob, weight="population", group="country", weighted=True,
                                      engine="dask", scheduler=client, **COLS)
                _eq(dec, cb.decompose(panel, weighted=True))
                _eq(scale.gamma(glob, engine="dask", scheduler=client, **COLS), cb.gamma(panel))
        assert cluster.status.name == "closed"


# ------------------------------------------------------------------------------ Spark
def _spark_reason() -> str | None:
    if shutil.which("java") is None:
        return "Java is not installed (Spark needs a JRE: apt-get install openjdk-17-jre-headless)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'crossborder[spark]')"
    return None


@pytest.fixture(scope="session")
def spark():
    reason = _spark_reason()
    if reason:
        print(f"spark tests skipped: {reason}")
        pytest.skip(reason)
    from crossborder.scale._source import spark_session

    session = spark_session("local[2]")  # one shared session, on the loopback address
    session.conf.set("spark.sql.shuffle.partitions", "4")
    yield session
    session.stop()


@pytest.mark.spark
def test_spark_sigma_and_markov(data, spark):
    df, _, panel = data
    sdf = spark.createDataFrame(df)
    _eq(scale.sigma(sdf, ["gini", "theil", "sd_log"], weighted=True, weight="population", **COLS),
        cb.sigma(panel, ["gini", "theil", "sd_log"], weighted=True))
    _eq(scale.decompose(sdf, weight="population", group="country", **COLS), cb.decompose(panel))
    np.testing.assert_array_equal(scale.markov(sdf, **COLS).counts, cb.markov(panel).counts)
    _eq(scale.gamma(sdf, **COLS), cb.gamma(panel))
    _same_beta(scale.beta(sdf, 2003, 2006, controls="group", cov_type="HC1", group="country", **COLS),
               cb.beta(panel, 2003, 2006, controls="group", cov_type="HC1"))


def test_progress_names_each_pass(data):
    from crossborder.scale._progress import progress

    _, glob, _ = data
    seen: list[str] = []
    with progress(seen.append):
        scale.sigma(glob, ["gini", "theil"], weighted=True, weight="population", engine="duckdb", **COLS)
    assert len(seen) >= 4  # checks, pass 1, pass 2, the Gini sort
    assert seen[0].startswith("duckdb: pass 1 over the data (")
    assert seen[-1].startswith(f"duckdb: pass {len(seen)} ")
    n = len(seen)
    scale.sigma(glob, "cv", engine="duckdb", **COLS)  # outside the block: no callback
    assert len(seen) == n
