"""The in-memory command line's preparation of a panel, at scale: balancing and relative indices.

:func:`balance` applies the rule of :func:`crossborder.study_panel` (``balanced=True``, no years
chosen) to a long table of any size: the span is the years in which every group (country) has at
least ``min(2, its regions)`` regions with a value (only those years, where a group observes every
k-th year), its first and last years given up where that keeps a region that lacks only that year
(at most one at each end, at least 3 years left), then only the regions with a value (and a weight)
in every year of the span. Three small reductions feed it: counts per (group, year), regions per
group, and the rows of the regions that lack a year — never a region x year table of the whole data.

:func:`relative` gives each value as an index, ``I_it = 100 x_it / m_g(i)t`` with
``m_gt = sum_j w_jt x_jt / sum_j w_jt`` over every region ``j`` of the data in group ``g`` (national)
or over all regions (pooled) with a value in ``t`` — the reference keeps the regions balancing left
out, as :meth:`crossborder.Panel.relative` does with every region of each country (``w = 1``
unweighted).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..measures._arrays import trim_incomplete_ends
from ..validate import panel_unit
from . import _reduce as R
from ._source import Source, _nw, value_missing

MIN_REGIONS_PER_GROUP = 2


@dataclass(frozen=True)
class Balance:
    """What :func:`balance` kept and left out.

    ``times``: the years kept; ``dropped``: the regions left out (region, years_with_value,
    years_in_span), as ``Panel.meta["dropped_regions"]`` in memory; ``span_trimmed``: end years
    given up -> the regions they keep; ``common_years``: where the groups observe different years,
    {"kept": [...], "left_out": [...]}."""

    times: list[Any]
    dropped: pd.DataFrame
    span_trimmed: dict[int, list[str]] = field(default_factory=dict)
    common_years: dict[str, list[Any]] | None = None


def _plain(values: Any) -> list[Any]:
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def balance(src: Source) -> Balance:
    """The regions and years the in-memory command line keeps (see the module's docstring)."""
    nw = _nw()
    has = ~value_missing()
    lf = src.lf
    by = ("group", "time") if src.has_group else ("time",)
    counts = src.collect(lf.filter(has).group_by(*by).agg(nw.len().alias("n")))
    times = pd.Index(np.sort(pd.unique(counts["time"].to_numpy())))
    if len(times) == 0:
        return Balance(times=[], dropped=_no_drop())
    # the regions that lack a value (or a weight) in some year: the only ones the rule looks at
    flags = {"nv": has.cast(nw.Int64)}
    if src.has_weight:
        flags["nw"] = (has & ~_weight_missing()).cast(nw.Int64)
    short = nw.col("nv") < len(times)
    if src.has_weight:
        short = short | (nw.col("nw") < len(times))
    per = lf.select("region", **flags).group_by("region").agg(*[nw.col(c).sum() for c in flags])
    lacking = src.collect(per.filter(short).select("region"))
    have = pd.DataFrame(np.zeros((0, len(times)), dtype=bool), columns=times)
    have_w = have.copy()
    if len(lacking):
        rows = src.collect(R.join_small(src, lf, lacking[["region"]], ["region"]).select(
            "region", "time", has.alias("v"),
            *([(~_weight_missing()).alias("w")] if src.has_weight else [])))
        have = _matrix(rows, "v", lacking["region"], times)
        have_w = _matrix(rows, "w", lacking["region"], times) if src.has_weight else have
    lo, hi = 0, len(times)
    span = list(times)
    trimmed: dict[int, list[str]] = {}
    common_years = None
    if src.has_group:
        sizes = src.collect(lf.select("group", "region").unique().group_by("group")
                            .agg(nw.len().alias("regions"))).set_index("group")["regions"]
        table = counts.pivot_table(index="group", columns="time", values="n", aggfunc="sum",
                                   fill_value=0).reindex(columns=times, fill_value=0)
        need = np.minimum(MIN_REGIONS_PER_GROUP, sizes.reindex(table.index).to_numpy())
        ok = (table.to_numpy() >= need[:, None]).all(axis=0)
        if ok.any():
            idx = np.flatnonzero(ok)
            lo, hi = idx[0], idx[-1] + 1
            common = np.flatnonzero(ok[lo:hi]) + lo
            h = have.to_numpy()
            if len(common) < hi - lo:
                common_years = {"kept": _plain(times[common]),
                                "left_out": _plain(times[i] for i in range(lo, hi) if not ok[i])}
                c_lo, c_hi, trimmed = trim_incomplete_ends(h[:, common], have.index,
                                                            times[common], 0, len(common))
                span = list(times[common[c_lo:c_hi]])
            else:
                lo, hi, trimmed = trim_incomplete_ends(h, have.index, times, lo, hi)
                span = list(times[lo:hi])
    cols = [times.get_loc(t) for t in span]
    hv, hw = have.to_numpy()[:, cols], have_w.to_numpy()[:, cols]
    full = hv.all(axis=1) & hw.all(axis=1)
    dropped = pd.DataFrame({"region": _plain(have.index[~full]),
                            "years_with_value": hv[~full].sum(axis=1).astype(int),
                            "years_in_span": len(span)})
    return Balance(times=_plain(span), dropped=dropped.reset_index(drop=True), span_trimmed=trimmed,
                   common_years=common_years)


def _weight_missing() -> Any:
    nw = _nw()
    return nw.col("weight").is_null() | nw.col("weight").is_nan().fill_null(True)


def _no_drop() -> pd.DataFrame:
    return pd.DataFrame(columns=["region", "years_with_value", "years_in_span"])


def _matrix(rows: pd.DataFrame, flag: str, regions: pd.Series, times: pd.Index) -> pd.DataFrame:
    """regions x times: True where the row exists and ``flag`` holds."""
    got = rows.pivot_table(index="region", columns="time", values=flag, aggfunc="any")
    got = got.reindex(index=regions.to_numpy(), columns=times)
    return got.fillna(False).astype(bool)


def restrict(src: Source, bal: Balance) -> Source:
    """``src`` with only the years and regions ``bal`` keeps."""
    nw = _nw()
    keep = nw.col("time").is_in(bal.times)
    if len(bal.dropped):
        keep = keep & ~nw.col("region").is_in(_plain(bal.dropped["region"]))
    return replace(src, lf=src.lf.filter(keep), raw=None, clean_keys=True)


def relative(src: Source, to: str, *, weighted: bool, reference: Source | None = None) -> Source:
    """``src``'s values as indices, 100 = the (weighted) mean of ``reference`` (default: ``src``)
    in each year, per group (``to="national"``) or over all regions (``"pooled"``)."""
    nw = _nw()
    if to not in ("national", "pooled"):
        raise DataError(f"relative to {to!r}: use 'national' or 'pooled'")
    if to == "national" and not src.has_group:
        raise DataError("relative to the national mean needs the country of each region: a group "
                        "column (--group COL)", column="group")
    if weighted and not src.has_weight:
        raise DataError("a weighted index needs a weight column", column="weight")
    ref = reference if reference is not None else src
    ok = ~value_missing() & nw.col("value").is_finite().fill_null(False)
    w = nw.col("weight") if weighted else nw.lit(1.0)
    if weighted:
        ok = ok & nw.col("weight").is_finite().fill_null(False)
    by = ["group", "time"] if to == "national" else ["time"]
    means = R.sums(ref, ref.lf, {"sxw": nw.when(ok).then(w * nw.col("value")).otherwise(0.0),
                                 "sw": nw.when(ok).then(w).otherwise(0.0)}, by)
    with np.errstate(invalid="ignore", divide="ignore"):
        means["mean"] = means["sxw"] / means["sw"]
    bad = means[~(np.isfinite(means["mean"]) & (means["mean"] > 0))]
    if len(bad):
        key = bad.index[0]
        where = (f"country {_plain([key[0]])[0]!r} in {_plain([key[1]])[0]!r}" if to == "national"
                 else f"{_plain([key])[0]!r}")
        raise DataError(f"--relative {to}: the mean of {where} is {bad['mean'].iloc[0]:g}, not a "
                        "positive number: an index to it means nothing", column="value")
    table = means[["mean"]].reset_index()
    lf = R.join_small(src, src.lf, table, by)
    lf = lf.with_columns((nw.col("value") * 100.0 / nw.col("mean")).alias("value")).drop("mean")
    return replace(src, lf=lf, raw=None, clean_keys=True)


@dataclass(frozen=True)
class Prepare:
    """How a scale measure prepares its rows, as the in-memory command line prepares a panel.

    ``balanced``: only the regions and years :func:`balance` keeps; ``relative``: ``"national"`` or
    ``"pooled"`` indices (:func:`relative`); ``use_weight``: the weight counts in both (a region
    without a weight in a year is left out; the means are weighted), as in memory when a weight is
    named. ``unit_col``: a column of units; the values of two groups are then pooled only in one
    known unit, by the rule and with the message of the in-memory path
    (:func:`crossborder.validate.panel_unit`: a blank unit beside 'RUB', or 'RUB' beside 'KZT', is a
    :class:`~crossborder.errors.UnitError`); ``unit``: the user's statement that every value is in
    this unit (fills blank units; another unit in the data is an error); ``pooled=False``: the values
    are compared within each group only (group dummies, national indices), so the groups' units may
    differ. After a run, ``balances`` holds the :class:`Balance` of each pass (what was left out)."""

    balanced: bool = True
    relative: str | None = None
    use_weight: bool = False
    balances: list[Balance] = field(default_factory=list, compare=False)
    unit_col: str | None = None
    unit: str | None = None
    pooled: bool = True


def unit_column(prep: Prepare | None) -> str | None:
    """The unit column a measure reads for ``prep`` (None: no unit rule)."""
    return None if prep is None else prep.unit_col


def check_units(src: Source, prep: Prepare) -> str | None:
    """The unit of the values (None: none stated), or the in-memory path's :class:`UnitError`.

    One small reduction: the distinct (group, unit) pairs of the rows; :func:`panel_unit` decides on
    them as on the in-memory panel's rows (it depends only on which units each group has). The
    indicator is named by the value column, as the scale path's titles name it."""
    if src.units is None:
        return prep.unit
    pairs = src.collect(src.units.unique())
    obs = pd.DataFrame({"unit": pairs["unit"].astype(object).where(pairs["unit"].notna(), None)})
    if "group" in pairs:
        obs["country"] = pairs["group"].astype(object).where(pairs["group"].notna(), None)
    pooled = prep.pooled and prep.relative != "national"
    return panel_unit(obs, src.names.get("value", "value"), pooled=pooled, stated=prep.unit)


def apply(src: Source, prep: Prepare | None) -> Source:
    """``src`` balanced and indexed as ``prep`` says (unchanged for None); run after the checks."""
    if prep is None:
        return src
    check_units(src, prep)
    base = src if prep.use_weight or not src.has_weight else replace(src, has_weight=False)
    out = base
    if prep.balanced:
        bal = balance(base)
        prep.balances.append(bal)
        out = restrict(base, bal)
    if prep.relative not in (None, "none"):
        ref = base if not prep.balanced else replace(
            base, lf=base.lf.filter(_nw().col("time").is_in(prep.balances[-1].times)))
        out = relative(out, str(prep.relative), weighted=prep.use_weight and src.has_weight,
                       reference=ref)
    return replace(out, has_weight=src.has_weight)


__all__ = ["Balance", "Prepare", "apply", "balance", "check_units", "relative", "restrict", "unit_column"]
