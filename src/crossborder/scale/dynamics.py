"""Distribution dynamics (discrete Markov chain) at scale: exact per-year cut points, then counts.

Per-year quantile cut points by linear interpolation between order statistics (a per-year sort:
``quantile`` in Polars/DuckDB, pandas' group quantile over whole years for pandas and Dask), each row
classed by the number of cut points strictly below its value, and the transitions counted by one
self-join of (region, period position, class) with itself shifted by one period, then one
``group_by(from, to)``. The chain, steady state and mobility indices are those of
:func:`crossborder.markov` (the same kernels on the k x k counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..measures.dynamics import (
    MarkovResult,
    _labels,
    _probabilities,
    check_markov_data,
    steady_state,
)
from . import _reduce as R
from ._prepare import Prepare, unit_column
from ._prepare import apply as apply_prepare
from ._source import _nw, dask_scheduler, load
from .ranks import all_times

__all__ = ["ScaleMarkovResult", "markov"]


@dataclass(frozen=True, eq=False)
class ScaleMarkovResult:
    """A Markov chain computed at scale: as :class:`crossborder.MarkovResult` without the N x T class
    table (``n_regions`` regions were counted instead)."""

    counts: np.ndarray
    probabilities: np.ndarray
    steady_state: np.ndarray
    cuts: np.ndarray
    labels: tuple[str, ...]
    times: pd.Index
    kind: str
    relative: bool
    skipped: int
    n_regions: int

    k = MarkovResult.k
    n_transitions = MarkovResult.n_transitions
    mobility = MarkovResult.mobility
    sojourn = MarkovResult.sojourn
    empty_classes = MarkovResult.empty_classes
    to_frame = MarkovResult.to_frame
    matrix = MarkovResult.matrix
    summary = MarkovResult.summary


def markov(
    data: Any,
    k: int | None = None,
    classes: str | Any = "quantile",
    relative: bool = False,
    *,
    region: str = "region",
    time: str = "year",
    value: str = "value",
    group: str | None = None,
    engine: str | None = None,
    scheduler: Any = None,
    check: bool = True,
    prepare: Prepare | None = None,
) -> ScaleMarkovResult:
    """:func:`crossborder.markov` of a long table of any size (``classes``: "quantile" per period,
    "pooled" quantiles — not with Dask — or an array of fixed cut points)."""
    nw = _nw()
    src = load(data, region=region, time=time, value=value, group=group, engine=engine,
               scheduler=scheduler, unit=unit_column(prepare))
    with dask_scheduler(src.scheduler if src.engine == "dask" else None):
        if check:
            R.check_keys(src, False)
        src = apply_prepare(src, prepare)
        times = all_times(src)
        n_regions = int(src.collect(src.lf.select("region").unique().select(nw.len().alias("n")))["n"]
                        .iloc[0])
        lf = src.lf.filter(~nw.col("value").is_nan().fill_null(True))
        if relative:
            means = R.sums(src, lf, {"s": nw.col("value")})
            means["mean"] = means["s"] / means["rows"]
            lf = R.join_small(src, lf, means[["mean"]].reset_index(), ["time"]).with_columns(
                value=nw.col("value") / nw.col("mean")).drop("mean")
        cuts, kind, (lo, hi) = _cuts(src, lf, classes, k, times)
        kk = cuts.shape[0] + 1
        pos = pd.DataFrame({"time": times, "pos": np.arange(len(times), dtype=np.int64)})
        if src.engine == "dask":
            found = _dask_pairs(lf, cuts, kind, pos)
        else:
            if kind == "quantile":
                table = pd.DataFrame(cuts.T, columns=[f"c{j}" for j in range(kk - 1)])
                table["time"] = times
                lf = R.join_small(src, lf, table.dropna(), ["time"])
                above = [(nw.col("value") > nw.col(f"c{j}")).cast(nw.Int64) for j in range(kk - 1)]
            else:
                above = [(nw.col("value") > float(c)).cast(nw.Int64) for c in cuts]
            cls = nw.sum_horizontal(*above) if above else nw.lit(0)
            lf = R.join_small(src, lf, pos, ["time"]).select("region", "pos", cls.alias("cls"))
            nxt = lf.select("region", (nw.col("pos") - 1).alias("pos"), nw.col("cls").alias("to"))
            pairs = R.join(src, lf, nxt, ["region", "pos"]).group_by("cls", "to").agg(
                nw.len().alias("n"))
            found = src.collect(pairs)
    counts = np.zeros((kk, kk), dtype=np.int64)
    counts[found["cls"].to_numpy(dtype=np.intp), found["to"].to_numpy(dtype=np.intp)] = found["n"]
    check_markov_data(times, lo, hi, kind, int(counts.sum()))
    p = _probabilities(counts)
    skipped = n_regions * max(len(times) - 1, 0) - int(counts.sum())
    return ScaleMarkovResult(counts=counts, probabilities=p, steady_state=steady_state(p), cuts=cuts,
                             labels=_labels(kind, cuts, kk), times=times, kind=kind, relative=relative,
                             skipped=skipped, n_regions=n_regions)


def _classes_pd(pdf: pd.DataFrame, cuts: np.ndarray, kind: str, pos: pd.DataFrame) -> pd.DataFrame:
    """(region, pos, cls) of a partition: the class is the number of cut points below the value."""
    pdf = pdf.merge(pos, on="time", how="inner")
    y = pdf["value"].to_numpy(dtype=float)
    if kind == "quantile":
        c = cuts[:, pdf["pos"].to_numpy()]  # (k-1) x rows
        cls = (y[None, :] > c).sum(axis=0)
    else:
        cls = (y[:, None] > cuts[None, :]).sum(axis=1)
    return pd.DataFrame({"region": pdf["region"].to_numpy(), "pos": pdf["pos"].to_numpy(),
                         "cls": cls.astype(np.int64)})


def _pairs_pd(pdf: pd.DataFrame) -> pd.DataFrame:
    """Counts of (class, next class) over the regions of a partition (whole regions: shuffled)."""
    nxt = pdf.assign(pos=pdf["pos"] - 1).rename(columns={"cls": "to"})
    j = pdf.merge(nxt, on=["region", "pos"], how="inner")
    return j.groupby(["cls", "to"]).size().rename("n").reset_index()


def _dask_pairs(lf: Any, cuts: np.ndarray, kind: str, pos: pd.DataFrame) -> pd.DataFrame:
    """Transition counts with Dask in pandas: classes per partition, then the rows shuffled by region
    so that each region's periods meet in one partition (dask-expr aligns assigned columns on the
    index, which a merge leaves repeated; plain pandas per partition avoids it)."""
    ddf = lf.to_native()[["region", "time", "value"]]
    pos = pos.astype({"time": ddf.dtypes["time"]})
    meta_c = pd.DataFrame({"region": pd.Series(dtype=ddf.dtypes["region"]),
                           "pos": pd.Series(dtype="int64"), "cls": pd.Series(dtype="int64")})
    cls = ddf.map_partitions(_classes_pd, cuts, kind, pos, meta=meta_c)
    meta_p = pd.DataFrame({"cls": pd.Series(dtype="int64"), "to": pd.Series(dtype="int64"),
                           "n": pd.Series(dtype="int64")})
    parts = cls.shuffle(on="region").map_partitions(_pairs_pd, meta=meta_p).compute()
    return parts.groupby(["cls", "to"], as_index=False)["n"].sum()


def _cuts(src: Any, lf: Any, classes: Any, k: int | None, times: pd.Index
          ) -> tuple[np.ndarray, str, tuple[Any, Any]]:
    """Cut points, their kind, and the smallest and largest values (per year for "quantile")."""
    nw = _nw()
    if isinstance(classes, str):
        if classes not in ("quantile", "pooled"):
            raise DataError(f"markov: classes must be 'quantile', 'pooled' or an array of cut points, "
                            f"got {classes!r}")
        k = 5 if k is None else int(k)
        if k < 2:
            raise DataError(f"markov: k must be at least 2, got {k}")
        q = np.arange(1, k) / k
        if classes == "quantile":
            # with the smallest and largest value of each year (quantiles 0 and 1): equal values
            # make no classes
            table = R.year_quantiles(src, lf, np.r_[0.0, q, 1.0]).reindex(times)
            a = table.to_numpy(dtype=float).T
            return a[1:-1], "quantile", (a[0], a[-1])
        if src.engine == "dask":
            raise ValueError("pooled quantile classes need one global sort: use DuckDB or Polars, or "
                             "give the cut points")
        if src.engine == "pandas":
            v = lf.collect().to_native()["value"].to_numpy(dtype=float)
            return np.quantile(v, q), "pooled", (np.min(v, initial=np.inf), np.max(v, initial=-np.inf))
        out = src.collect(lf.select(*[nw.col("value").quantile(float(p), interpolation="linear")
                                      .alias(f"c{j}") for j, p in enumerate(q)],
                                    nw.col("value").min().alias("lo"),
                                    nw.col("value").max().alias("hi")))
        row = out.iloc[0]
        return (row[[f"c{j}" for j in range(len(q))]].to_numpy(dtype=float), "pooled",
                (float(row["lo"]), float(row["hi"])))
    cuts = np.asarray(classes, dtype=float).ravel()
    if cuts.size == 0 or np.any(np.diff(cuts) <= 0) or np.isnan(cuts).any():
        raise DataError(f"markov: cut points must be increasing numbers, got {list(cuts)}")
    if k is not None and int(k) != cuts.size + 1:
        raise DataError(f"markov: {cuts.size} cut points make {cuts.size + 1} classes, not k={k}")
    return cuts, "bins", (np.nan, np.nan)
