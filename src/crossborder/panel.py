"""Panel: one indicator as region x time, with declared roles (value, optional weight and group).

A Panel is the input of every measure. It holds a tidy long table with the columns
``region``, ``time``, ``value`` and, where declared, ``weight`` (e.g. population, may vary by year)
and ``group`` (e.g. country, constant per region). ``to_matrix()`` gives the N x T array the
measures work on, with NaN where a value is missing.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import InitVar, dataclass, field, replace
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .errors import DataError, UnitError

__all__ = ["BalancedPanelWarning", "Matrix", "Panel", "RELATIVE", "check_region_spellings"]

#: What ``Panel.relative(to=...)`` indexes values to: the mean of the value's country, of all
#: regions, or nothing.
RELATIVE = ("national", "pooled", "none")


class BalancedPanelWarning(UserWarning):
    """:meth:`Panel.balanced` dropped every region of a group (e.g. a whole country)."""


def check_region_spellings(codes: pd.Series, rows: Any = None, *, file: str | None = None) -> None:
    """:class:`DataError` when two text codes differ only in case or spaces ('aa-r0', 'AA-R0',
    'AA- R0'): they would become two regions. Names both spellings (and their rows when given)."""
    uniq = pd.unique(codes.dropna())
    if pd.api.types.is_string_dtype(getattr(uniq, "dtype", None)) and \
            not isinstance(getattr(uniq, "dtype", None), np.dtype):
        text = pd.Series(uniq).reset_index(drop=True)     # a string dtype: every label is text
    else:
        text = pd.Series(np.asarray(uniq, dtype=object), dtype=object)
        text = text[[isinstance(c, str) for c in text]]
    if len(text) < 2:
        return
    # without spaces, case-folded: the string kernels where casefold() is lower() (ASCII), Python
    # for the rest
    key = text.str.replace(r"\s+", "", regex=True).str.lower()
    wide = text.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).to_numpy(dtype=bool)
    if wide.any():
        key = key.astype(object)
        key[wide] = [("".join(c.split())).casefold() for c in text[wide]]
    dup = key.duplicated(keep=False)
    if not dup.any():
        return
    first_key = key[dup].iloc[0]
    a, b = text[key == first_key].iloc[:2]
    n = int(key[dup].nunique())
    where = ""
    if rows is not None:
        pos = pd.Series(np.arange(len(codes)), index=None)
        vals = codes.to_numpy(dtype=object)
        ra = rows[int(pos[vals == a].iloc[0])]
        rb = rows[int(pos[vals == b].iloc[0])]
        where = f" (rows {_label(ra)} and {_label(rb)})"
    more = f"; {n - 1} more codes are written in several ways" if n > 1 else ""
    raise DataError(f"region codes {a!r} and {b!r} differ only in case or spaces{where}: they "
                    f"would be two regions; write each code one way{more}", file=file,
                    column="region")


class Matrix(NamedTuple):
    """An N x T float array with its labels: rows are ``regions``, columns are ``times``."""

    values: np.ndarray
    regions: pd.Index
    times: pd.Index

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, index=self.regions, columns=self.times)


@dataclass(frozen=True, eq=False)
class Panel:
    """One indicator as region x time.

    Build one with :meth:`from_long`, :meth:`from_wide` or :meth:`from_matrix`, or from a
    Dataset with ``Dataset.panel(indicator, weight=..., group=...)``.

    ``time_name`` is the name of the user's time column: every result table whose index or
    column is the panel's time carries that name (``sigma``, ``decompose``, ``gamma``, ``delta``,
    ``moran``/``local_moran``, ``border_effect``, ``deviations``, ``pair_gaps``, the clubs'
    transition paths, Markov class tables, the ``scale`` twins), and ``to_long``,
    ``to_frame``, ``to_wide`` and ``to_xarray`` use it. One rule: the name of the column (or
    index level, columns axis, xarray dimension) the times came from — ``from_long(time=...)``,
    whose default column is ``"year"``; where no name is given (an unnamed index level or
    columns axis, ``from_matrix`` without ``time_name=``) it is ``"year"`` as well. Every
    transform (``log``, ``select``, ``balanced``, ``relative``, ``hp_filter``, ...) keeps it;
    ``dataclasses.replace(p, time_name="period")`` renames it. The command line and the HTML
    report keep their documented ``time`` column in their CSV tables.
    """

    frame: pd.DataFrame
    indicator: str = "value"
    unit: str | None = None
    weight_name: str | None = None
    group_name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    #: The name of the user's time column: the index or column name of the time in results.
    time_name: str = "year"
    #: False skips the checks of the frame when the constructor guarantees them (from_matrix).
    validate: InitVar[bool] = True

    def __post_init__(self, validate: bool = True) -> None:
        if not validate:
            return
        f = self.frame
        for col in ("region", "time", "value"):
            if col not in f.columns:
                raise DataError(f"panel needs a {col!r} column", column=col)
        dup = f.duplicated(["region", "time"], keep=False)
        if dup.any():
            first = f.loc[dup, ["region", "time"]].iloc[0]
            raise DataError(
                f"{int(dup.sum())} rows share a (region, time) pair, "
                f"e.g. region {first['region']!r} in {first['time']!r}",
                column="region/time",
            )
        if "group" in f.columns:
            _check_groups(f["region"], f["group"])
            n_groups = f.groupby("region", sort=False)["group"].nunique(dropna=False)
            bad = n_groups[n_groups > 1]
            if len(bad):
                raise DataError(
                    f"group must be constant per region; region {bad.index[0]!r} has "
                    f"{int(bad.iloc[0])} groups",
                    column="group",
                )

    # ---------------------------------------------------------------- constructors
    @classmethod
    def from_long(
        cls,
        df: pd.DataFrame,
        *,
        region: str = "region",
        time: str = "year",
        value: str = "value",
        weight: str | None = None,
        group: str | None = None,
        indicator: str | None = None,
        unit: str | None = None,
        unit_column: str | None = None,
    ) -> Panel:
        """A Panel from a long table (one row per region and time).

        ``unit_column`` names a column of units: they must all agree, else :class:`UnitError`.
        """
        cols = {region: "region", time: "time", value: "value"}
        if weight is not None:
            cols[weight] = "weight"
        if group is not None:
            cols[group] = "group"
        missing = [c for c in cols if c not in df.columns]
        if missing:
            levels = [n for n in getattr(df.index, "names", []) if n is not None]
            hint = (f"; {missing[0]!r} is an index level: use Panel.from_frame(df) or "
                    "df.reset_index()" if missing[0] in levels else "")
            raise DataError(f"no column {missing[0]!r} (columns: {list(df.columns)}){hint}",
                            column=missing[0])
        if unit_column is not None:
            units = pd.unique(df[unit_column].dropna())
            if len(units) > 1:
                raise UnitError(
                    f"one panel mixes units {sorted(map(str, units))}; convert to one unit first",
                    column=unit_column,
                )
            if unit is None and len(units) == 1:
                unit = str(units[0])
        # one factorization of each label column gives the checks, the sort and the matrices
        # (an object sort of the long table and a duplicated() pass cost 5x the floor)
        try:
            rc, ru = _sorted_codes(df[region])
            tc, tu = _sorted_codes(df[time])
        except TypeError:           # labels of mixed types do not sort: the general path
            rc = tc = ru = tu = None
        if rc is None or (rc < 0).any():
            no_region = df[region].isna().to_numpy()
            if no_region.any():
                i = int(np.flatnonzero(no_region)[0])
                raise DataError(f"row {_label(df.index[i])} has no region ({int(no_region.sum())} "
                                "such rows): a missing code is not a region", column=region)
        try:
            check_region_spellings(pd.Series(ru) if rc is not None else df[region])
        except DataError:
            check_region_spellings(df[region], df.index)       # again, to name the rows
        frame = df[list(cols)].rename(columns=cols).reset_index(drop=True)
        for col in ("value", "weight"):
            if col in frame and frame[col].dtype != np.float64:
                frame[col] = pd.to_numeric(frame[col], errors="raise").astype(float)
        if rc is None or tc is None or (tc < 0).any():
            frame = frame.sort_values(["region", "time"], kind="stable").reset_index(drop=True)
            return cls(frame, indicator=indicator or value, unit=unit, weight_name=weight,
                       group_name=group, time_name=str(time))
        return cls._from_codes(frame, rc, ru, tc, tu, indicator=indicator or value, unit=unit,
                               weight_name=weight, group_name=group, time_name=str(time))

    @classmethod
    def _from_codes(cls, frame: pd.DataFrame, rc: np.ndarray, ru: pd.Index, tc: np.ndarray,
                    tu: pd.Index, **kw: Any) -> Panel:
        """The panel of a long ``frame`` whose region and time codes (into the sorted labels
        ``ru``, ``tu``) are known: the checks of ``__post_init__`` on integer codes (linear
        passes, no sort of the rows), the frame ordered by (region, time) and the matrix
        scattered once."""
        n, t = len(ru), len(tu)
        key = rc.astype(np.int64) * t + tc
        in_order = len(key) < 2 or bool((key[1:] > key[:-1]).all())   # sorted, no duplicate
        if not in_order:
            counts = np.bincount(key, minlength=n * t)
            if counts.max() > 1:
                both = counts[key] > 1
                j = int(np.flatnonzero(both)[0])
                raise DataError(f"{int(both.sum())} rows share a (region, time) pair, e.g. region "
                                f"{frame['region'].iat[j]!r} in {frame['time'].iat[j]!r}",
                                column="region/time")
        groups = None
        if "group" in frame.columns:
            gc, gu = pd.factorize(frame["group"])
            if (gc < 0).any() or any(isinstance(g, str) and not g.strip() for g in gu):
                _check_groups(frame["region"], frame["group"])       # names the regions
            first = np.empty(n, dtype=gc.dtype)
            first[rc] = gc
            differs = first[rc] != gc
            if differs.any():
                r = rc[int(np.flatnonzero(differs)[0])]
                k = len(pd.unique(gc[rc == r]))
                raise DataError(f"group must be constant per region; region "
                                f"{_label(ru[r])!r} has {k} groups", column="group")
            groups = (gc, gu, first)
        panel = cls(frame if in_order else _SortLater(frame, key, n * t), validate=False, **kw)
        region_index, time_index = pd.Index(ru), pd.Index(tu)
        object.__setattr__(panel, "_labels", (region_index, time_index))
        if in_order:
            panel.__dict__["_cells"] = (rc, tc)     # else: of the sorted frame, when it is read
        values = np.full((n, t), np.nan)
        values[rc, tc] = frame["value"].to_numpy(dtype=float)
        panel.__dict__["_matrix"] = Matrix(values, region_index, time_index)
        if groups is not None:
            g = pd.Series(groups[1].take(groups[2]), index=region_index,
                          name=panel.group_name or "group")
            g.index.name = "region"
            panel.__dict__["_groups"] = g
        return panel

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame | pd.Series,
        value: str | None = None,
        *,
        weight: str | None = None,
        group: str | None = None,
        indicator: str | None = None,
        unit: str | None = None,
    ) -> Panel:
        """A Panel from a frame indexed by (region, time), as pandas and statsmodels panels are.

        ``df``: a DataFrame or Series with a two-level MultiIndex, regions first, times second
        (``df.set_index(["region", "year"])``). ``value``: the column of values (default: the only
        column that is neither ``weight`` nor ``group``; a Series is its own value). The same
        Panel as :meth:`from_long` on ``df.reset_index()``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"region": ["A", "A", "B", "B"], "year": [2000, 2001] * 2,
        ...                    "gdp": [1.0, 2.0, 3.0, 4.0]}).set_index(["region", "year"])
        >>> Panel.from_frame(df).shape
        (2, 2)
        """
        if isinstance(df, pd.Series):
            df = df.to_frame(value or df.name or "value")
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"from_frame takes a DataFrame or Series, got {type(df).__name__}")
        if not isinstance(df.index, pd.MultiIndex) or df.index.nlevels != 2:
            raise DataError("from_frame needs a (region, time) MultiIndex, e.g. "
                            "df.set_index(['region', 'year']); a long table with region and time "
                            "columns goes to Panel.from_long(df, region=..., time=..., value=...)")
        region_name, time_name = (n if n is not None else d
                                  for n, d in zip(df.index.names, ("region", "year"), strict=True))
        if value is None:
            rest = [c for c in df.columns if c not in (weight, group)]
            if len(rest) != 1:
                raise DataError(f"from_frame: name the value column (value=...), one of {rest}")
            value = rest[0]
        long = df.reset_index()
        long.columns = [region_name, time_name, *df.columns]
        return cls.from_long(long, region=region_name, time=time_name, value=value, weight=weight,
                             group=group, indicator=indicator, unit=unit)

    @classmethod
    def from_wide(
        cls,
        df: pd.DataFrame,
        *,
        region: str | None = None,
        times: Sequence[Any] | None = None,
        indicator: str = "value",
        unit: str | None = None,
        weights: pd.DataFrame | None = None,
        groups: pd.Series | dict | None = None,
    ) -> Panel:
        """A Panel from a wide table: one row per region, one column per time.

        ``region`` names the region column (default: the index). ``times`` picks the time
        columns (default: every column but the region one). ``weights`` is a wide table of the
        same shape; ``groups`` maps region -> group. The panel's ``time_name`` is the name of
        the columns axis (``df.columns.name``), ``"year"`` when it has none.
        """
        wide = df.set_index(region) if region is not None else df
        if times is not None:
            wide = wide[list(times)]
        values = wide.to_numpy(dtype=float)
        w = None
        if weights is not None:
            wdf = weights.set_index(region) if region is not None and region in weights else weights
            w = wdf.reindex(index=wide.index, columns=wide.columns).to_numpy(dtype=float)
        return cls.from_matrix(
            values,
            regions=list(wide.index),
            times=_parse_times(wide.columns),
            weights=w,
            groups=groups,
            indicator=indicator,
            unit=unit,
            time_name=str(wide.columns.name) if wide.columns.name is not None else "year",
        )

    @classmethod
    def from_matrix(
        cls,
        values: np.ndarray | Sequence[Sequence[float]],
        *,
        regions: Sequence[Any] | None = None,
        times: Sequence[Any] | None = None,
        weights: np.ndarray | None = None,
        groups: Sequence[Any] | pd.Series | dict | None = None,
        indicator: str = "value",
        unit: str | None = None,
        time_name: str = "year",
    ) -> Panel:
        """A Panel from an N x T array (a 1-d array is one period); ``time_name`` names the
        time in results (see :class:`Panel`)."""
        arr = np.asarray(values, dtype=float)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise DataError(f"values must be N x T, got shape {arr.shape}")
        n, t = arr.shape
        regions = list(range(n)) if regions is None else _as_list(regions)
        times = list(range(t)) if times is None else _as_list(times)
        if len(regions) != n or len(times) != t:
            raise DataError(
                f"labels do not fit the {n} x {t} array: {len(regions)} regions, {len(times)} times"
            )
        w = None
        if weights is not None:
            w = np.asarray(weights, dtype=float)
            if w.ndim == 1:
                w = np.repeat(w[:, None], t, axis=1)
            if w.shape != arr.shape:
                raise DataError(f"weights have shape {w.shape}, values {arr.shape}")
        g = None
        if groups is not None:
            if isinstance(groups, dict):
                g = [groups.get(r) for r in regions]
            elif isinstance(groups, pd.Series):
                # by label where the Series is indexed by the regions, else by position
                # (a hash lookup on object arrays: an Arrow string isin converts label by label)
                by_label = bool(pd.Series(regions, dtype=object).isin(
                    groups.index.to_numpy(dtype=object)).any()) or len(groups) != n
                g = groups.reindex(regions).tolist() if by_label else groups.tolist()
            else:
                g = list(groups)
            if len(g) != n:
                raise DataError(f"{len(g)} groups for {n} regions")
            _check_groups(pd.Series(regions, dtype=object), pd.Series(g, dtype=object))
        check_region_spellings(pd.Series(regions, dtype=object), None)
        region_index, time_index = pd.Index(regions), pd.Index(times)
        for what, index in (("region", region_index), ("time", time_index)):
            if not index.is_unique:
                dup = index[index.duplicated()][0]
                raise DataError(f"{what} label {_label(dup)!r} appears more than once", column=what)
        gs = None
        if g is not None:
            gs = pd.Series(np.asarray(g, dtype=object)).array
        return cls._from_arrays(arr.copy(), region_index, time_index, weights=w, groups=gs,
                                indicator=indicator, unit=unit, time_name=time_name)

    @classmethod
    def _from_arrays(cls, values: np.ndarray, regions: pd.Index, times: pd.Index, *,
                     weights: np.ndarray | None = None, groups: Any = None,
                     indicator: str = "value", unit: str | None = None,
                     weight_name: str | None = None, group_name: str | None = None,
                     meta: dict[str, Any] | None = None, complete: bool = False,
                     time_name: str = "year") -> Panel:
        """A Panel on an N x T array the caller owns, with labels known to be valid (unique,
        one group per region): no check, no copy, and the long table built only when it is read
        (a measure that works on the matrix never pays for it). ``complete``: the caller knows
        that no value is missing."""
        wname = (weight_name or "weight") if weights is not None else None
        gname = (group_name or "group") if groups is not None else None
        panel = cls(_LazyFrame(values, regions, times, weights, groups), indicator=indicator,
                    unit=unit, weight_name=wname, group_name=gname, meta=dict(meta or {}),
                    time_name=time_name, validate=False)
        # keep every label, even a region or time with no value at all, and the matrices themselves
        object.__setattr__(panel, "_labels", (regions, times))
        panel.__dict__["_matrix"] = Matrix(values, regions, times)
        missing = None
        if (groups is not None or weights is not None) and not complete:
            missing = np.isnan(values)
        elif groups is not None or weights is not None:
            missing = np.zeros((1, 1), dtype=bool)
        if groups is not None:
            g = pd.Series(groups, index=regions, name=gname, copy=False)
            g.index.name = "region"
            if not complete:
                empty = missing.all(axis=1) if missing.shape[1] else np.ones(len(regions), bool)
                g = g.where(~empty) if empty.any() else g
            panel.__dict__["_groups"] = g
        if weights is not None:
            # as the pivot of the frame: no weight where the value is missing
            panel.__dict__["_weights"] = (np.where(missing, np.nan, weights) if missing.any()
                                          else weights)
        return panel

    # ---------------------------------------------------------------- labels and arrays
    @cached_property
    def regions(self) -> pd.Index:
        labels = self.__dict__.get("_labels")
        if labels is not None:
            return labels[0]
        return pd.Index(pd.unique(self.frame["region"])).sort_values()

    @cached_property
    def times(self) -> pd.Index:
        labels = self.__dict__.get("_labels")
        if labels is not None:
            return labels[1]
        return pd.Index(pd.unique(self.frame["time"])).sort_values()

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.regions), len(self.times)

    @property
    def has_weight(self) -> bool:
        return "weight" in _frame_columns(self)

    @property
    def has_group(self) -> bool:
        return "group" in _frame_columns(self)

    @cached_property
    def _cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of each frame row in the N x T matrix (one hash pass per label column)."""
        f = self.frame
        return _positions(f["region"], self.regions), _positions(f["time"], self.times)

    def _pivot(self, column: str) -> np.ndarray:
        ri, ti = self._cells
        out = np.full(self.shape, np.nan)
        out[ri, ti] = self.frame[column].to_numpy(dtype=float)
        return out

    @cached_property
    def _matrix(self) -> Matrix:
        return Matrix(self._pivot("value"), self.regions, self.times)

    @cached_property
    def _weights(self) -> np.ndarray:
        return self._pivot("weight")

    def to_matrix(self, copy: bool = True) -> Matrix:
        """The values as an N x T float array (NaN where missing) with region and time labels.

        ``copy=False`` gives a read-only view of the panel's cached array (no copy).
        """
        m = self._matrix
        return Matrix(_array(m.values, copy), m.regions, m.times)

    def weight_matrix(self, copy: bool = True) -> Matrix | None:
        """The weights as an N x T array aligned with :meth:`to_matrix`, or None
        (``copy=False``: a read-only view of the cached array)."""
        if not self.has_weight:
            return None
        return Matrix(_array(self._weights, copy), self.regions, self.times)

    @cached_property
    def _groups(self) -> pd.Series:
        return _groups_of(self.frame["group"], self._cells[0], self.regions,
                          self.group_name or "group")

    def group_labels(self) -> pd.Series | None:
        """The group of each region (aligned with :meth:`to_matrix` rows), or None."""
        if not self.has_group:
            return None
        return self._groups.copy()

    # ---------------------------------------------------------------- transformations
    def select(
        self,
        regions: Iterable[Any] | None = None,
        times: Iterable[Any] | None = None,
    ) -> Panel:
        """The panel restricted to some regions and/or times (unknown labels are an error)."""
        f = self.frame
        if regions is not None:
            regions = list(regions)
            unknown = sorted(set(map(str, regions)) - set(map(str, self.regions)))
            if unknown:
                raise DataError(f"regions not in the panel: {unknown[:10]}", column="region")
            f = f[f["region"].isin(regions)]
        if times is not None:
            times = list(times)
            f = f[f["time"].isin(times)]
        new = replace(self, frame=f.reset_index(drop=True), meta=dict(self.meta))
        return new

    def balanced(self) -> Panel:
        """Only the regions observed in every period of the panel.

        What is left out is recorded in ``meta["balanced"]``: ``dropped_regions`` (region ->
        number of periods with a value) and ``dropped_groups`` (groups, e.g. countries, left with no
        region at all). Losing a whole group warns (:class:`BalancedPanelWarning`): a
        cross-border comparison would then run on one side only; choose the years first (e.g.
        ``panel.select(times=...)`` or :func:`crossborder.study_panel`, which keeps the years every
        group has).
        """
        m = self._matrix.values
        complete = ~np.isnan(m).any(axis=1)
        keep = self.regions[complete]
        new = self.select(regions=keep)
        counts = (~np.isnan(m)).sum(axis=1)
        dropped = {_label(r): int(c) for r, c, ok in zip(self.regions, counts, complete, strict=True)
                   if not ok}
        lost: list[str] = []
        if self.has_group:
            g = self._groups
            before = pd.unique(g.dropna().to_numpy(dtype=object))
            after = set(g[complete].dropna().to_numpy(dtype=object).tolist())
            lost = [_label(x) for x in before if x not in after]
        new.meta["balanced"] = {"dropped_regions": dropped, "dropped_groups": lost}
        if lost:
            warnings.warn(
                f"balanced(): no region of {self.group_name or 'group'} {', '.join(lost)} has a value "
                f"in every one of the {len(self.times)} periods ({_label(self.times[0])}-"
                f"{_label(self.times[-1])}); {len(dropped)} of {len(self.regions)} regions dropped and "
                f"the panel keeps {len(keep)} region(s) of one side only. Choose the years first "
                "(panel.select(times=...) or crossborder.study_panel)",
                BalancedPanelWarning, stacklevel=2)
        return new

    def map_values(self, func: Any, indicator: str | None = None, unit: str | None = None) -> Panel:
        """A new panel with ``func`` applied to the value column (vectorised)."""
        f = self.frame.copy()
        f["value"] = func(f["value"].to_numpy(dtype=float))
        return replace(self, frame=f, indicator=indicator or self.indicator,
                       unit=unit if unit is not None else self.unit, meta=dict(self.meta))

    def relative(self, to: str = "national", *, reference: Panel | None = None,
                 weighted: bool | None = None) -> Panel:
        """Each value as an index, 100 = the mean of the reference regions in that year.

        ``to="national"``: the mean of the regions of the value's own group (country), so that
        regions in different currencies and price levels compare; ``"pooled"``: the mean of all
        reference regions (one unit needed); ``"none"``: the panel unchanged.
        ``I_it = 100 x_it / m_{g(i)t}`` with ``m_gt = sum_j w_jt x_jt / sum_j w_jt`` over the
        reference regions ``j`` of group ``g`` with a value (and a weight) in ``t``; ``w = 1``
        when unweighted. ``reference``: the panel whose regions make the means (default: this
        one; e.g. every region of each country while this one holds the border regions), with
        the same times. ``weighted``: weight the means by the weight role (default: when the
        panel has one). The unit and ``meta["relative"]`` say which mean, and whether weighted.
        """
        if to not in RELATIVE:
            raise DataError(f"relative to {to!r}: use one of {', '.join(RELATIVE)}")
        if to == "none":
            return self
        ref = self if reference is None else reference
        if weighted is None:
            weighted = self.has_weight
        if weighted and not ref.has_weight:
            raise DataError("a weighted index needs the weights of the reference regions",
                            column="weight")
        if to == "national" and (not self.has_group or not ref.has_group):
            raise DataError("relative to the national mean needs the country of each region "
                            "(the group role)", column="group")
        rm = ref.to_matrix(copy=False)
        pos = rm.times.get_indexer(self.times)
        if (pos < 0).any():
            t = self.times[int(np.flatnonzero(pos < 0)[0])]
            raise DataError(f"the reference regions have no value in {_label(t)}", column="time")
        x = rm.values[:, pos]
        w = ref.weight_matrix(copy=False).values[:, pos] if weighted else np.ones_like(x)
        ok = np.isfinite(x) & np.isfinite(w)
        xw, ww = np.where(ok, x * w, 0.0), np.where(ok, w, 0.0)
        if to == "national":
            ref_g = ref.group_labels()
            keys, codes = np.unique(ref_g.to_numpy(dtype=object).astype(str), return_inverse=True)
            sums = np.zeros((len(keys), x.shape[1]))
            wsum = np.zeros_like(sums)
            np.add.at(sums, codes, xw)
            np.add.at(wsum, codes, ww)
            own = self.group_labels().to_numpy(dtype=object).astype(str)
            row_of = np.searchsorted(keys, own)
            unknown = (row_of >= len(keys)) | (keys[np.minimum(row_of, len(keys) - 1)] != own)
            if unknown.any():
                raise DataError(f"no reference region of country {own[unknown][0]!r}",
                                column="group")
        else:
            sums, wsum = xw.sum(axis=0)[None, :], ww.sum(axis=0)[None, :]
            row_of = np.zeros(len(self.regions), dtype=np.intp)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / wsum
        ri, ti = self._cells
        m = means[row_of[ri], ti]
        vals = self.frame["value"].to_numpy(dtype=float)
        bad = ~(np.isfinite(m) & (m > 0)) & np.isfinite(vals)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            who = (f"country {self.group_labels().iloc[ri[i]]!r}" if to == "national"
                   else "the regions")
            raise DataError(f"no positive mean of {who} in {_label(self.times[ti[i]])} to index "
                            f"{_label(self.regions[ri[i]])!r} to", column="value")
        f = self.frame.copy()
        f["value"] = 100.0 * vals / m
        how = f"weighted by {self.weight_name or 'weight'}" if weighted else "unweighted"
        unit = f"index, {to} mean = 100, {how}"
        meta = {**self.meta, "relative": {"to": to, "weighted": bool(weighted),
                                          "weight": self.weight_name if weighted else None,
                                          "unit_before": self.unit}}
        new = replace(self, frame=f, unit=unit, meta=meta, validate=False)
        for key in ("_labels", "_groups", "_weights", "_cells"):
            if key in self.__dict__:
                new.__dict__[key] = self.__dict__[key]
        return new

    def locate(self, region: Any, time: Any) -> tuple[str | None, int | None] | None:
        """The file and row a value was read from (panels of :func:`crossborder.io.read_panel`
        keep them in ``meta["rows"]``), or None when the panel does not know."""
        rows = self.meta.get("rows")
        if not isinstance(rows, pd.DataFrame) or rows.empty:
            return None
        hit = rows[(rows["region"] == region) & (rows["time"] == time)]
        if hit.empty:
            return None
        file = hit["file"].iat[0]
        return (None if file is None else str(file)), int(hit["row"].iat[0])

    def _at(self, region: Any, time: Any) -> str:
        where = self.locate(region, time)
        if where is None:
            return ""
        file, row = where
        return f" ({file + ', ' if file else ''}row {row})"

    def log(self) -> Panel:
        """Natural log of the values; zero or negative values are an error naming the first
        (and its file and row when the panel was read from a file)."""
        f = self.frame
        bad = f["value"] <= 0
        if bad.any():
            row = f.loc[bad].iloc[0]
            where = self.locate(row["region"], row["time"])
            raise DataError(
                f"log of a non-positive value {float(row['value']):g} ({int(bad.sum())} such values) "
                f"for region {_label(row['region'])!r} in {_label(row['time'])}",
                column=self.indicator, file=where[0] if where else None,
                row=where[1] if where else None,
            )
        return self.map_values(np.log, indicator=f"log({self.indicator})", unit=f"log {self.unit}")

    def to_wide(self) -> pd.DataFrame:
        """Region x time table of the values (axes named ``region`` and :attr:`time_name`)."""
        return self._matrix.to_frame().rename_axis(index="region", columns=self.time_name)

    def to_long(self) -> pd.DataFrame:
        """The long table: one row per region and time with a value, columns ``region``, the
        time (named :attr:`time_name`), ``value`` and, where the panel has them, ``weight`` and
        ``group``; sorted by region and time. ``Panel.from_long(p.to_long(), time=p.time_name,
        ...)`` gives the panel back."""
        f = self.frame
        cols = [c for c in ("region", "time", "value", "weight", "group") if c in f.columns]
        return (f[cols].sort_values(["region", "time"], kind="stable").reset_index(drop=True)
                .rename(columns={"time": self.time_name}))

    def to_frame(self) -> pd.DataFrame:
        """The values (and weight, group) indexed by a (region, :attr:`time_name`) MultiIndex:
        the input of :meth:`from_frame`."""
        return self.to_long().set_index(["region", self.time_name])

    def to_xarray(self, region_dim: str = "region", time_dim: str | None = None) -> Any:
        """The panel as an ``xarray.Dataset`` with dimensions (``region_dim``, ``time_dim``,
        default :attr:`time_name`):
        variable ``value`` (NaN where missing), ``weight`` where the panel has one, and ``group`` as
        a coordinate along the regions; ``attrs`` hold the indicator and unit.

        :meth:`from_xarray` gives the panel back. Needs ``xarray`` (``pip install
        crossborder[xarray]``).

        Examples
        --------
        >>> p = Panel.from_matrix([[1.0, 2.0], [3.0, 4.0]], regions=["A", "B"], times=[2000, 2001])
        >>> p.to_xarray()["value"].sel(region="B", year=2001).item()
        4.0
        """
        try:
            import xarray as xr
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("Panel.to_xarray needs xarray: pip install 'crossborder[xarray]'") from exc
        time_dim = self.time_name if time_dim is None else time_dim
        dims = (region_dim, time_dim)
        coords: dict[str, Any] = {region_dim: np.asarray(self.regions), time_dim: np.asarray(self.times)}
        data = {"value": (dims, self.to_matrix().values)}
        if self.has_weight:
            data["weight"] = (dims, self.weight_matrix().values)
        if self.has_group:
            coords["group"] = (region_dim, self.group_labels().reindex(self.regions).to_numpy(object))
        attrs = {"indicator": self.indicator}
        if self.unit is not None:
            attrs["unit"] = self.unit
        return xr.Dataset(data, coords=coords, attrs=attrs)

    @classmethod
    def from_xarray(cls, obj: Any, value: str = "value", *, region_dim: str | None = None,
                    time_dim: str | None = None, weight: str | None = None,
                    group: str | None = None, indicator: str | None = None,
                    unit: str | None = None) -> Panel:
        """A Panel from an ``xarray.DataArray`` or ``Dataset`` with two dimensions, regions first.

        ``value``/``weight``: the Dataset's variables (a DataArray is its own value); ``group``: a
        coordinate or variable along the regions (default ``"group"`` when present). The dimension
        names default to the array's own (first: regions, second: times). ``indicator`` and ``unit``
        default to the object's ``attrs``; the time dimension's name becomes :attr:`time_name`.
        """
        if hasattr(obj, "data_vars"):
            ds = obj
            if value not in ds.data_vars:
                raise DataError(f"no variable {value!r} (variables: {list(ds.data_vars)})",
                                column=value)
            da = ds[value]
        elif hasattr(obj, "dims") and hasattr(obj, "values"):
            ds, da = None, obj
        else:
            raise TypeError(f"from_xarray takes an xarray DataArray or Dataset, got {type(obj).__name__}")
        if da.ndim != 2:
            raise DataError(f"from_xarray needs two dimensions (region, time); {value!r} has {da.dims}")
        rdim = region_dim or da.dims[0]
        tdim = time_dim or da.dims[1]
        if {rdim, tdim} != set(da.dims):
            raise DataError(f"dimensions {rdim!r} and {tdim!r} are not those of the array {da.dims}")
        da = da.transpose(rdim, tdim)
        w = None
        if weight is None and ds is not None and "weight" in ds.data_vars:
            weight = "weight"
        if weight is not None:
            if ds is None or weight not in ds.data_vars:
                raise DataError(f"no weight variable {weight!r}", column=weight)
            w = ds[weight].transpose(rdim, tdim).values.astype(float)
        src = ds if ds is not None else da
        groups = None
        gname = group if group is not None else ("group" if "group" in src.coords
                                                 or (ds is not None and "group" in ds.data_vars)
                                                 else None)
        if gname is not None:
            if gname not in src.coords and (ds is None or gname not in ds.data_vars):
                raise DataError(f"no group coordinate {gname!r}", column=gname)
            g = src[gname]
            if g.dims != (rdim,):
                raise DataError(f"group {gname!r} must lie along {rdim!r}, not {g.dims}")
            groups = dict(zip(da[rdim].values.tolist(), g.values.tolist(), strict=True))
        attrs = dict(getattr(src, "attrs", {}))
        return cls.from_matrix(da.values.astype(float), regions=list(da[rdim].values.tolist()),
                               times=list(da[tdim].values.tolist()), weights=w, groups=groups,
                               indicator=indicator or attrs.get("indicator", value),
                               unit=unit if unit is not None else attrs.get("unit"),
                               time_name=str(tdim))

    def to_geodataframe(self, year: Any = None, regions: Any = None, id_col: str = "region") -> Any:
        """The regions' polygons with the panel's value (and weight, group) in ``year`` (default the
        last time) as a GeoDataFrame, ready for ``.plot(column="value")`` or ``.explore()``.

        ``regions``: a GeoDataFrame with an ``id_col`` column; by default the polygons of the Dataset
        the panel was made from (``meta["polygons"]``, set by ``Dataset.panel``/``study_panel``).
        Regions of the panel without a polygon are left out and listed in ``attrs["unmatched"]``.
        """
        if regions is None:
            regions = self.meta.get("polygons")
        if regions is None:
            raise DataError("this panel does not know its polygons: pass regions=<GeoDataFrame> "
                            "(e.g. Dataset.regions)")
        if id_col not in regions.columns:
            raise DataError(f"regions have no {id_col!r} column", column=id_col)
        year = self.times[-1] if year is None else year
        if year not in self.times:
            raise DataError(f"{year!r} is not a time of the panel{time_hint(year, self.times)}",
                            column="time")
        f = self.frame[self.frame["time"] == year].drop(columns="time")
        out = regions.merge(f.rename(columns={"region": id_col}), on=id_col, how="inner")
        out.attrs["unmatched"] = sorted(set(map(str, f["region"])) - set(map(str, out[id_col])))
        out.attrs["year"] = year
        return out

    def _repr_html_(self) -> str:
        """In a notebook: the one-line description and the region x time table (first rows and
        columns)."""
        import html

        return (f"<div><strong>{html.escape(repr(self))}</strong>"
                + self.to_wide().to_html(max_rows=10, max_cols=10, float_format=lambda x: f"{x:.4g}",
                                         border=0) + "</div>")

    def __repr__(self) -> str:
        n, t = self.shape
        span = f"{self.times[0]}–{self.times[-1]}" if t else "no times"
        extra = []
        if self.weight_name:
            extra.append(f"weight={self.weight_name}")
        if self.group_name:
            extra.append(f"group={self.group_name}")
        return (f"Panel({self.indicator!r}, unit={self.unit!r}, {n} regions x {t} times "
                f"[{span}], {int(np.isfinite(self._matrix.values).sum())} values"
                + (", " + ", ".join(extra) if extra else "") + ")")


def time_hint(label: Any, times: pd.Index) -> str:
    """A hint when ``label`` and the panel's ``times`` differ in type only (2000 vs '2000')."""
    if not len(times):
        return ""
    as_text = [str(t) for t in times]
    if isinstance(label, str) != isinstance(times[0], str) and str(label) in as_text:
        return (f" (its times are {type(times[0]).__name__} such as {times[0]!r}: ask for "
                f"{times[as_text.index(str(label))]!r}, or convert the time column)")
    return ""


def _check_groups(regions: pd.Series, groups: pd.Series) -> None:
    """A missing or blank group is an error naming the region (never a group of its own)."""
    g = groups.astype(object)
    blank_text = [v for v in pd.unique(g.dropna().to_numpy(dtype=object))
                  if isinstance(v, str) and not v.strip()]
    blank = g.isna().to_numpy() | g.isin(blank_text).to_numpy()
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        who = sorted({_label(r) for r in regions.to_numpy(dtype=object)[blank]})
        raise DataError(f"region {_label(regions.iat[i])!r} has no group ({len(who)} regions "
                        f"without one: {who[:10]}): fill the group (e.g. the country) or leave "
                        "the region out", column="group")


def _array(a: np.ndarray, copy: bool) -> np.ndarray:
    if copy:
        return a.copy()
    view = a.view()
    view.flags.writeable = False
    return view


def _as_list(labels: Any) -> list[Any]:
    """Labels as a list of Python objects (``tolist()`` of an Index or Series: no slow iteration)."""
    return labels.tolist() if isinstance(labels, (pd.Index, pd.Series)) else list(labels)


def _gather(labels: np.ndarray, idx: np.ndarray) -> Any:
    """``labels[idx]`` as a column, with the dtype pandas infers from the labels themselves."""
    return pd.Series(labels).array.take(idx)


def _groups_of(group: pd.Series, rows: np.ndarray, regions: pd.Index, name: str) -> pd.Series:
    """The group of each region from the long table's group column and the region position of each
    of its rows (a region without rows: missing). Any row of a region gives its group (constant)."""
    first = np.full(len(regions), -1, dtype=np.intp)
    first[rows] = np.arange(len(rows))
    has = first >= 0
    g = group.take(first[has])
    g.index = regions[has]
    g.index.name = "region"
    return g.reindex(regions).rename(name)


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(column, sort=True)`` with the sort on the distinct labels only (missing:
    -1); a :class:`TypeError` when the labels do not sort (mixed types)."""
    codes, uniques = pd.factorize(column)
    perm = np.asarray(uniques.argsort())
    if len(perm) > 1:
        ordered = uniques.take(perm)
        if not (ordered[1:] > ordered[:-1]).all():        # e.g. objects without an order
            raise TypeError("labels do not sort")
        if (perm != np.arange(len(perm))).any():
            rank = np.empty_like(perm)
            rank[perm] = np.arange(len(perm))
            codes = (rank[codes] if not len(codes) or codes.min() >= 0
                     else np.where(codes >= 0, rank[np.maximum(codes, 0)], -1))
        uniques = ordered
    return codes, pd.Index(uniques)


def _positions(column: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value of ``column`` in ``index`` (-1 if absent): the distinct values are
    looked up once, then their codes mapped."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return index.get_indexer(uniques)[codes]


def _label(x: Any) -> str:
    """A label as users write it: numpy scalars shown as plain numbers."""
    return str(x.item() if isinstance(x, np.generic) else x)


def _parse_times(cols: Iterable[Any]) -> list[Any]:
    """Column labels as times: '2019', 'Y2019', 2019 -> 2019 where every label parses."""
    out = []
    for c in cols:
        s = str(c).strip()
        digits = s.lstrip("Yy")
        if digits.isdigit():
            out.append(int(digits))
        else:
            return list(cols)
    return out


class _LazyFrame:
    """The long table of a panel built from arrays, made on first use: region-major, without the
    missing values; each label column inferred once from its N (or T) labels and then gathered."""

    def __init__(self, values: np.ndarray, regions: pd.Index, times: pd.Index,
                 weights: np.ndarray | None, groups: Any) -> None:
        self.parts = (values, regions, times, weights, groups)
        self.columns = (["region", "time", "value"] + (["weight"] if weights is not None else [])
                        + (["group"] if groups is not None else []))

    def build(self) -> pd.DataFrame:
        arr, regions, times, w, g = self.parts
        n, t = arr.shape
        missing = np.isnan(arr)
        if missing.any():
            keep = np.flatnonzero(~missing.ravel())
            row, col = np.divmod(keep, t)
            values, wv = arr.ravel()[keep], None if w is None else w.ravel()[keep]
        else:
            row, col = np.repeat(np.arange(n), t), np.tile(np.arange(t), n)
            values, wv = arr.ravel().copy(), None if w is None else w.ravel().copy()
        columns = {"region": _gather(np.asarray(regions, dtype=object), row),
                   "time": _gather(np.asarray(times), col),
                   "value": values}
        if wv is not None:
            columns["weight"] = wv
        frame = pd.DataFrame(columns, copy=False)
        if g is not None:
            frame["group"] = pd.Series(g).array.take(row)
        return frame


class _SortLater:
    """A long table in the order it was given, sorted by (region, time) when first read: each row
    placed at its cell ``key`` (linear, no argsort of the rows)."""

    def __init__(self, frame: pd.DataFrame, key: np.ndarray, cells: int) -> None:
        self.parts = (frame, key, cells)
        self.columns = frame.columns

    def build(self) -> pd.DataFrame:
        frame, key, cells = self.parts
        pos = np.full(cells, -1, dtype=np.int64)
        pos[key] = np.arange(len(key))
        return frame.take(pos[pos >= 0]).reset_index(drop=True)


class _FrameSlot:
    """The ``frame`` field of :class:`Panel`: a DataFrame, or a :class:`_LazyFrame` built (once)
    when read."""

    def __set__(self, obj: Panel, value: Any) -> None:
        obj.__dict__["_frame"] = value

    def __get__(self, obj: Panel | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        f = obj.__dict__["_frame"]
        if isinstance(f, _LazyFrame | _SortLater):
            f = f.build()
            obj.__dict__["_frame"] = f
        return f


def _frame_columns(panel: Panel) -> Any:
    """The columns of the panel's long table, without building a lazy one."""
    f = panel.__dict__.get("_frame")
    return f.columns


Panel.frame = _FrameSlot()  # type: ignore[assignment]
