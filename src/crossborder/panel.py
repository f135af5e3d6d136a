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

__all__ = ["BalancedPanelWarning", "Matrix", "Panel", "check_region_spellings"]


class BalancedPanelWarning(UserWarning):
    """:meth:`Panel.balanced` dropped every region of a group (e.g. a whole country)."""


def check_region_spellings(codes: pd.Series, rows: Any = None, *, file: str | None = None) -> None:
    """:class:`DataError` when two text codes differ only in case or spaces ('aa-r0', 'AA-R0',
    'AA- R0'): they would become two regions. Names both spellings (and their rows when given)."""
    text = pd.Series(pd.unique(codes.dropna().to_numpy(dtype=object)), dtype=object)
    text = text[[isinstance(c, str) for c in text]]
    if len(text) < 2:
        return
    key = text.map(lambda c: "".join(c.split()).casefold())
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
    """

    frame: pd.DataFrame
    indicator: str = "value"
    unit: str | None = None
    weight_name: str | None = None
    group_name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
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
        no_region = df[region].isna().to_numpy()
        if no_region.any():
            i = int(np.flatnonzero(no_region)[0])
            raise DataError(f"row {_label(df.index[i])} has no region ({int(no_region.sum())} such "
                            "rows): a missing code is not a region", column=region)
        check_region_spellings(df[region], df.index)
        frame = df[list(cols)].rename(columns=cols).reset_index(drop=True)
        frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype(float)
        if "weight" in frame:
            frame["weight"] = pd.to_numeric(frame["weight"], errors="raise").astype(float)
        frame = frame.sort_values(["region", "time"], kind="stable").reset_index(drop=True)
        return cls(
            frame,
            indicator=indicator or value,
            unit=unit,
            weight_name=weight,
            group_name=group,
        )

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
                                  for n, d in zip(df.index.names, ("region", "time"), strict=True))
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
        same shape; ``groups`` maps region -> group.
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
    ) -> Panel:
        """A Panel from an N x T array (a 1-d array is one period)."""
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
        # the long table, region-major, without the missing values: each label column is inferred
        # once from its N (or T) labels and then gathered, instead of N x T Python objects
        missing = np.isnan(arr)
        if missing.any():
            keep = np.flatnonzero(~missing.ravel())
            row, col = np.divmod(keep, t)
            values, wv = arr.ravel()[keep], None if w is None else w.ravel()[keep]
        else:
            row, col = np.repeat(np.arange(n), t), np.tile(np.arange(t), n)
            values, wv = arr.ravel(), None if w is None else w.ravel()
        columns = {
            "region": _gather(np.asarray(regions, dtype=object), row),
            "time": _gather(np.asarray(times), col),
            "value": values,
        }
        weight_name = None
        if wv is not None:
            columns["weight"] = wv
            weight_name = "weight"
        # the label columns are fresh arrays, the numeric ones are copied into their block
        frame = pd.DataFrame(columns, copy=False)
        group_name = None
        if g is not None:
            frame["group"] = _gather(np.asarray(g, dtype=object), row)
            group_name = "group"
        # labels are unique and each region has one group, so the frame needs no further check
        panel = cls(frame, indicator=indicator, unit=unit, weight_name=weight_name,
                    group_name=group_name, validate=False)
        # keep every label, even a region or time with no value at all, and the matrices themselves
        object.__setattr__(panel, "_labels", (region_index, time_index))
        panel.__dict__["_matrix"] = Matrix(arr.copy(), region_index, time_index)
        if g is not None:
            panel.__dict__["_groups"] = _groups_of(frame["group"], row, region_index,
                                                   group_name)
        if w is not None:
            # as the pivot of the frame: no weight where the value is missing
            panel.__dict__["_weights"] = np.where(missing, np.nan, w)
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
        return "weight" in self.frame.columns

    @property
    def has_group(self) -> bool:
        return "group" in self.frame.columns

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
        """Region x time table of the values (axes named ``region`` and ``time``)."""
        return self._matrix.to_frame().rename_axis(index="region", columns="time")

    def to_long(self) -> pd.DataFrame:
        """The long table: one row per region and time with a value, columns ``region``, ``time``,
        ``value`` and, where the panel has them, ``weight`` and ``group``; sorted by region and
        time. ``Panel.from_long(p.to_long(), time="time", ...)`` gives the panel back."""
        f = self.frame
        cols = [c for c in ("region", "time", "value", "weight", "group") if c in f.columns]
        return f[cols].sort_values(["region", "time"], kind="stable").reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The values (and weight, group) indexed by a (region, time) MultiIndex: the input of
        :meth:`from_frame`."""
        return self.to_long().set_index(["region", "time"])

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
                f"[{span}], {len(self.frame)} values" + (", " + ", ".join(extra) if extra else "")
                + ")")


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
