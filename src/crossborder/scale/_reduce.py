"""Reductions of a long table to small per-year (or per-year-and-group) tables, once over narwhals.

Three kinds, each giving a table of T (or T x G) rows that the numpy finishes turn into results:

* **sums** (:func:`sums`): ``group_by(time[, group])`` sums of row expressions;
* **per-year sort** (:func:`sorted_sums`, :func:`year_quantiles`, :func:`year_ranks`): a window
  ordered by value within each year (Polars, DuckDB, PySpark through narwhals), or, for pandas and
  Dask, a pandas function over whole years (Dask shuffles the rows by year first, so one year must
  fit in one worker's memory);
* **checks** (:func:`first_bad`, :func:`check_keys`): counts of bad rows, and the first one named.

Every reduction is exact: no sampling, no approximate quantiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from . import _files
from ._source import Source, _nw, key_missing, value_missing

WINDOW_ENGINES = ("polars", "duckdb", "pyspark")


def valid(weighted: bool) -> Any:
    """True where a row counts: a finite value (and, weighted, a finite weight > 0)."""
    nw = _nw()
    ok = nw.col("value").is_finite().fill_null(False)
    if weighted:
        ok = ok & nw.col("weight").is_finite().fill_null(False) & (nw.col("weight") > 0).fill_null(False)
    return ok


def sums(src: Source, lf: Any, columns: dict[str, Any], by: Sequence[str] = ("time",)) -> pd.DataFrame:
    """``group_by(by)`` sums of the row expressions ``columns`` (name -> expression) and the row
    count ``rows``; a pandas table indexed by ``by``."""
    nw = _nw()
    names = list(columns)
    agg = lf.with_columns(**columns).group_by(*by).agg(
        nw.len().alias("rows"), *[nw.col(c).sum() for c in names])
    out = src.collect(agg)
    return out.set_index(list(by)).sort_index()


def join_small(src: Source, lf: Any, table: pd.DataFrame, on: Sequence[str]) -> Any:
    """``lf`` inner-joined with a small pandas ``table`` (key dtypes cast to those of ``lf``)."""
    nw = _nw()
    table = table.reset_index() if set(on) - set(table.columns) else table
    schema = lf.collect_schema()
    if src.engine == "dask":
        # merged into each partition: no shuffle, and each partition keeps a clean index
        native = lf.to_native()
        small_pd = table.astype({c: native.dtypes[c] for c in on})
        meta = native._meta.merge(small_pd.iloc[:0], on=list(on), how="inner")
        return nw.from_native(native.map_partitions(_merge_small, small_pd, list(on), meta=meta))
    small = src.small(table)
    small = small.with_columns(*[nw.col(c).cast(schema[c]) for c in on])
    return join(src, lf, small, on)


def join(src: Source, left: Any, right: Any, on: Sequence[str], how: str = "inner") -> Any:
    """``left.join(right)``; with Dask the index is renumbered within each partition afterwards (a
    merge repeats index labels, and Dask aligns new columns on the index)."""
    nw = _nw()
    out = left.join(right, on=list(on), how=how)
    if src.engine == "dask":
        native = out.to_native()
        # an opaque renumbering, so that the optimiser cannot move column assignments across it
        out = nw.from_native(native.map_partitions(_renumber, meta=native._meta))
    return out


def _merge_small(pdf: pd.DataFrame, small: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    return pdf.merge(small, on=on, how="inner")


def _renumber(pdf: pd.DataFrame) -> pd.DataFrame:
    return pdf.reset_index(drop=True)


def first_bad(src: Source, lf: Any, condition: Any, message: str, column: str) -> None:
    """Raise :class:`DataError` naming the first (region, time) of a row where ``condition`` holds."""
    nw = _nw()
    bad = lf.filter(condition.fill_null(False)).select("region", "time")
    if src.engine == "dask":
        rows = bad.to_native().head(1, npartitions=-1)
    else:
        rows = src.collect(bad.head(1))
    if len(rows):
        n = src.collect(lf.select(condition.fill_null(False).cast(nw.Int64).sum().alias("n")))
        r = rows.iloc[0]
        raise DataError(f"{message} ({int(n['n'].iloc[0])} such values), first for region "
                        f"{_plain(r['region'])!r} in {_plain(r['time'])!r}", column=column)


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def check_keys(src: Source, group: bool) -> None:
    """Every value has a region and a time, one row per (region, time), and (``group``) one group
    per region: else :class:`DataError`.

    A count of the distinct (region, time) pairs against the rows, and the distinct (region, group)
    pairs; skip both with ``check=False`` when the data are known to be clean. Rows without a region
    or time and without a value are left out, as blank lines are in memory.
    """
    nw = _nw()
    lf = src.lf
    if src.clean_keys or src.raw is None:  # the files' statistics: every row has its keys
        rows = src.collect(lf.select(nw.len().alias("n")))["n"].iloc[0]
    else:
        raw = src.raw
        nokey = key_missing(raw)
        placed = nokey & ~value_missing()
        counts = src.collect(raw.select(nw.len().alias("all"),
                                        nokey.cast(nw.Int64).sum().alias("nokey"),
                                        placed.cast(nw.Int64).sum().alias("placed")))
        if int(counts["placed"].iloc[0]):
            check_placed(src, placed, int(counts["placed"].iloc[0]))
        rows = int(counts["all"].iloc[0]) - int(counts["nokey"].iloc[0])
    keys = src.collect(lf.select("region", "time").unique().select(nw.len().alias("n")))["n"].iloc[0]
    if rows != keys:
        dup = lf.group_by("region", "time").agg(nw.len().alias("rows")).filter(nw.col("rows") > 1)
        found = src.collect(dup).sort_values(["region", "time"])
        r = found.iloc[0]
        raise DataError(f"{int(rows - keys)} rows repeat a (region, time) pair, e.g. region "
                        f"{_plain(r['region'])!r} in {_plain(r['time'])!r}", column="region/time")
    if group:
        per = lf.select("region", "group").unique().group_by("region").agg(nw.len().alias("groups"))
        found = src.collect(per.filter(nw.col("groups") > 1))
        if len(found):
            r = found.sort_values("region").iloc[0]
            raise DataError(f"group must be constant per region; region {_plain(r['region'])!r} has "
                            f"{int(r['groups'])} groups", column="group")
        first_bad(src, lf, nw.col("group").is_null(), "region without a group", "group")


def check_placed(src: Source, placed: Any, n: int) -> None:
    """Raise the in-memory reader's error for the first value without a region or time: in the
    files (file, row, column: the same message as in memory), or in the frame."""
    names = src.names or {"region": "region", "time": "time", "value": "value"}
    if src.files:
        err = _files.first_placed(src.files, names["region"], names["time"], names["value"])
        if err is not None:
            raise err
    bad = src.raw.filter(placed)
    if src.engine == "dask":
        first = bad.to_native().head(1, npartitions=-1)
    else:
        first = src.collect(bad.head(1))
    if len(first) == 0:  # pragma: no cover - counted above
        return
    r = first.iloc[0]
    which = "year" if _has(r["region"]) else "region"
    col = names["time"] if which == "year" else names["region"]
    raise DataError(f"a value ({_files.cell_text(r['value'])!r}) without a {which}: cannot tell where it "
                    f"belongs ({n} such rows)", column=col)


def _has(x: Any) -> bool:
    return not (x is None or (isinstance(x, float) and np.isnan(x)) or pd.isna(x)
                or (isinstance(x, str) and not x.strip()))


# ---------------------------------------------------------------------------- per-year sorts
def _dask_by_year(src: Source, lf: Any, func: Any, meta: pd.DataFrame) -> pd.DataFrame:
    """Shuffle the rows so that each year is in one partition, run ``func`` (pandas -> pandas) on
    each partition and compute the (small) result."""
    from ._progress import report

    report("dask")
    ddf = lf.to_native()
    parts = ddf.shuffle(on="time").map_partitions(func, meta=meta)
    return parts.compute()


def _pandas_or_dask(src: Source, lf: Any, func: Any, meta: pd.DataFrame) -> pd.DataFrame:
    if src.engine == "dask":
        return _dask_by_year(src, lf, func, meta)
    return func(src.collect(lf))


def _gini_pd(pdf: pd.DataFrame) -> pd.DataFrame:
    """Per year: W = sum w, total = sum w y, area = 2 sum w cum(w y) - sum w^2 y (rows sorted by value)."""
    pdf = pdf.sort_values(["time", "value"], kind="stable")
    w = pdf["w"].to_numpy(dtype=float)
    wy = w * pdf["value"].to_numpy(dtype=float)
    cum = pd.Series(wy, index=pdf.index).groupby(pdf["time"].to_numpy(), sort=False).cumsum()
    t = pd.DataFrame({"time": pdf["time"].to_numpy(), "W": w, "total": wy,
                      "a": w * cum.to_numpy(), "b": w * wy})
    return t.groupby("time").sum().reset_index()


def sorted_sums(src: Source, lf: Any) -> pd.DataFrame:
    """Per year, over the rows of ``lf`` (columns time, value, w, region) sorted by value: ``W``,
    ``total`` (sum w y), ``a`` = sum w_i C_i with C_i the cumulative sum of w y up to row i, and
    ``b`` = sum w_i^2 y_i. Weighted Gini = 1 - (2a - b) / (W total)."""
    nw = _nw()
    if src.engine in WINDOW_ENGINES:
        wy = nw.col("w") * nw.col("value")
        # ties broken by region, so that the running sum is the same for every engine
        cum = wy.cum_sum().over("time", order_by=["value", "region"])
        lf2 = lf.with_columns(wy=wy).with_columns(a=nw.col("w") * cum, b=nw.col("w") * nw.col("wy"))
        agg = lf2.group_by("time").agg(nw.col("w").sum().alias("W"), nw.col("wy").sum().alias("total"),
                                       nw.col("a").sum(), nw.col("b").sum())
        out = src.collect(agg)
    else:
        meta = pd.DataFrame({"time": pd.Series(dtype=_time_dtype(lf)), "W": [], "total": [],
                             "a": [], "b": []})
        out = _pandas_or_dask(src, lf.select("time", "value", "w"), _gini_pd, meta)
    return out.set_index("time").sort_index()


def _time_dtype(lf: Any) -> Any:
    native = lf.to_native()
    try:
        return native.dtypes["time"]
    except (AttributeError, KeyError, TypeError):
        return "float64"


def year_quantiles(src: Source, lf: Any, q: np.ndarray) -> pd.DataFrame:
    """Per-year quantiles of ``value`` at probabilities ``q`` by linear interpolation between order
    statistics (numpy's default), exact on every engine: a table indexed by time, one column per q."""
    nw = _nw()
    names = [f"c{j}" for j in range(len(q))]
    if src.engine in WINDOW_ENGINES:
        agg = lf.group_by("time").agg(*[nw.col("value").quantile(float(p), interpolation="linear")
                                        .alias(n) for p, n in zip(q, names, strict=True)])
        out = src.collect(agg)
    else:
        def func(pdf: pd.DataFrame) -> pd.DataFrame:
            g = pdf.groupby("time")["value"]
            return pd.DataFrame({n: g.quantile(float(p)) for p, n in zip(q, names, strict=True)}
                                ).rename_axis("time").reset_index()

        meta = pd.DataFrame({"time": pd.Series(dtype=_time_dtype(lf)),
                             **{n: pd.Series(dtype=float) for n in names}})
        out = _pandas_or_dask(src, lf.select("time", "value"), func, meta)
    return out.set_index("time").sort_index()


def _ranks_pd(pdf: pd.DataFrame) -> pd.DataFrame:
    g = pdf.groupby("time")
    r0 = g["base"].rank(method="average")
    rt = g["value"].rank(method="average")
    t = pd.DataFrame({"time": pdf["time"].to_numpy(), "s2": ((r0 + rt) ** 2).to_numpy(),
                      "b2": (r0 ** 2).to_numpy()})
    out = t.groupby("time").agg(n=("s2", "size"), s2=("s2", "sum"), b2=("b2", "sum"))
    return out.reset_index()


def year_ranks(src: Source, lf: Any) -> pd.DataFrame:
    """Per year, over rows with ``value`` and the region's ``base`` value: n, sum (R0 + Rt)^2 and
    sum R0^2 with R the average ranks within the year (ties share their mean rank)."""
    nw = _nw()
    if src.engine in WINDOW_ENGINES:
        r0 = nw.col("base").rank(method="average").over("time")
        rt = nw.col("value").rank(method="average").over("time")
        lf2 = lf.with_columns(r0=r0, rt=rt).with_columns(
            s2=(nw.col("r0") + nw.col("rt")) ** 2, b2=nw.col("r0") ** 2)
        agg = lf2.group_by("time").agg(nw.len().alias("n"), nw.col("s2").sum(), nw.col("b2").sum())
        out = src.collect(agg)
    else:
        meta = pd.DataFrame({"time": pd.Series(dtype=_time_dtype(lf)),
                             "n": pd.Series(dtype="int64"), "s2": [], "b2": []})
        out = _pandas_or_dask(src, lf.select("time", "value", "base"), _ranks_pd, meta)
    return out.set_index("time").sort_index()


def _region_ranks_pd(pdf: pd.DataFrame, ref: Any) -> pd.DataFrame:
    pdf = pdf.copy()
    pdf["r"] = pdf.groupby("time")["value"].rank(method="average")
    pdf["r0"] = pdf["r"].where(pdf["time"] == ref, 0.0)
    return pdf[["region", "r", "r0"]]


def region_rank_sums(src: Source, lf: Any, ref: Any) -> tuple[int, float, float]:
    """Over the rows of ``lf`` (region, time, value): the average ranks R within each year, then per
    region S = sum of its ranks over the years and R0 = its rank in ``ref``; returns (n regions,
    sum S^2, sum R0^2). The multi-annual gamma's sums (:mod:`crossborder.scale.ranks`)."""
    nw = _nw()
    if src.engine in WINDOW_ENGINES:
        r = nw.col("value").rank(method="average").over("time")
        lf2 = lf.with_columns(r=r).with_columns(
            r0=nw.when(nw.col("time") == ref).then(nw.col("r")).otherwise(0.0))
        per = lf2.group_by("region").agg(nw.col("r").sum().alias("S"), nw.col("r0").sum().alias("R0"))
        out = src.collect(per.select(nw.len().alias("n"), (nw.col("S") ** 2).sum().alias("s2"),
                                     (nw.col("R0") ** 2).sum().alias("b2")))
        row = out.iloc[0]
        return int(row["n"]), float(row["s2"]), float(row["b2"])
    if src.engine == "dask":
        from ._progress import report

        report("dask")
        ddf = lf.select("region", "time", "value").to_native()
        meta = pd.DataFrame({"region": ddf._meta["region"], "r": pd.Series(dtype=float),
                             "r0": pd.Series(dtype=float)})
        ranked = ddf.shuffle(on="time").map_partitions(_region_ranks_pd, ref, meta=meta)
        per = ranked.groupby("region")[["r", "r0"]].sum().compute()
    else:
        per = _region_ranks_pd(src.collect(lf.select("region", "time", "value")), ref
                               ).groupby("region")[["r", "r0"]].sum()
    return len(per), float((per["r"] ** 2).sum()), float((per["r0"] ** 2).sum())
