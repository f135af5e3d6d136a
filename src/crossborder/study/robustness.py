"""Robustness of the headline convergence estimates across a grid of specifications.

Every headline estimate of a border study is re-run on each specification of a grid:

* ``start`` / ``end`` year (by default the first period of the span and the first one at least two
  years later; each of the last ``n_ends`` periods of the span as end);
* currency basis: each entry of ``currencies`` is passed to the panel factory (``study_panel``'s
  ``currency=`` for a Dataset), e.g. ``"USD"``, ``"PPP"``;
* region variant (:class:`RegionVariant`): the series of one region replaced by another's (e.g. a
  region without its resource enclaves) and/or regions excluded;
* resource regions ``"in"`` or ``"out"`` (a list, user-overridable; a dataset may supply a default;
  a region whose series a variant replaces is judged by the code of the series it carries);
* standard errors: ``classical``, ``HC1``, ``HC3`` (cross-section and trend), ``HAC`` (time trends only).

Estimates (one row each per specification; ``a``/``b`` are the two sides):

==========================  =====================================================================
``sigma_trend``             OLS slope of the sd of logs of the border regions on time (sigma_trend)
``sigma_trend_<a|b>``       the same within one side
``beta_absolute``           cross-section beta (:func:`crossborder.measures.beta.beta`), speed, half-life
``beta_conditional``        the same with a side (country) dummy
``between_share_trend``     slope of the between-side share of Theil T (:func:`decompose`) on time
``border_effect_trend``     slope of the border effect (mean discontinuity on border edges / on
                            internal edges, :func:`crossborder.border.discontinuity.border_effect`)
``pair_gap_trend``          slope of the mean |ln(y_a / y_b)| over cross-border neighbour pairs
==========================  =====================================================================

``supports_convergence`` is True when the estimate is negative and its p-value below ``alpha``
(every estimate is defined so that a fall means convergence). The specification curve (Simonsohn,
Simmons & Nelson 2020, Nature Human Behaviour 4: 1208-1214) sorts one estimate over all
specifications: :func:`crossborder.charts_study.specification_curve`.

Each specification's panel is balanced over its years (regions without a value in one of them are
left out and named in ``dropped``); a substituted series shortens the span to the years it covers
(``start`` is the year actually used). Specifications that would repeat another one's data (e.g.
a region excluded both as a variant and as a resource region) and estimates that cannot be
computed or have no inference (a time trend on fewer than 3 periods, say 2000-2007 of data
observed in 2000, 2007, 2013, 2017; HAC errors of a trend on fewer than 5 periods; a regression
with n <= k + 1 observations for k terms, or with a constant regressor; a standard error,
interval or p-value that is not finite) are
listed with the reason in :attr:`RobustnessResult.skipped` — never counted as specifications,
never silently dropped.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources as _resources
from typing import Any

import numpy as np
import pandas as pd

from .._display import displayable
from ..border.discontinuity import border_effect
from ..border.geometry import shared_edges
from ..errors import DataError, UnitError
from ..measures._arrays import numeric_times
from ..measures._covtype import UNSET, CovType
from ..measures._timetrend import (
    CROSS_SECTION_SE,
    check_alpha,
    check_se,
    coef_by_se,
    row_slopes,
    time_trend,
    trend_cov_args,
)
from ..measures.beta import speed_half_life
from ..measures.decompose import decompose_array
from ..panel import Panel
from .panels import DEFAULT_INDICATOR, study_panel

__all__ = [
    "ESTIMATE_FAMILIES",
    "RegionVariant",
    "RobustnessResult",
    "border_part_variants",
    "deduplicate_specifications",
    "default_currencies",
    "robustness",
    "study_defaults",
]

#: The estimate families a grid can run (``estimates=``).
ESTIMATE_FAMILIES = ("sigma", "beta", "between_share", "border_effect", "pair_gaps")

SPEC_COLUMNS = ["currency", "start", "end", "regions", "resources", "se_type"]
TABLE_COLUMNS = SPEC_COLUMNS + ["estimate", "value", "se", "ci_low", "ci_high", "pvalue", "nobs",
                                "n_regions", "supports_convergence", "speed", "half_life",
                                "dropped", "detail"]
#: the columns of :attr:`RobustnessResult.skipped` (what was set aside, and why)
SKIPPED_COLUMNS = ["currency", "start", "end", "regions", "resources", "se_type", "what", "reason"]


@dataclass(frozen=True)
class RegionVariant:
    """A variant of the region set: ``substitute`` maps a region to the region whose series
    replaces its own (same code, group and polygon kept); ``exclude`` leaves regions out."""

    name: str
    substitute: Mapping[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    note: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RegionVariant:
        return cls(name=str(d["name"]), substitute=dict(d.get("substitute") or {}),
                   exclude=tuple(d.get("exclude") or ()), note=str(d.get("note", "")))


BASELINE = RegionVariant("as given")


def study_defaults(ds: Any) -> dict[str, Any]:
    """The study defaults a dataset supplies: ``resource_regions`` (codes, from
    ``ds.meta["resource_regions"]``: a table with a ``region`` column or a list), ``region_variants``
    (:class:`RegionVariant` list, the first the baseline) and ``break_years``.

    Variants and break years come from ``ds.meta["study"]`` or, for a built-in dataset, its bundled
    ``study.json``; otherwise the variants are :func:`border_part_variants` and there are no break
    years; without ``meta["resource_regions"]`` the list is empty.
    """
    meta = dict(getattr(ds, "meta", {}) or {})
    raw = dict(meta.get("study") or {})
    name = getattr(ds, "name", None)
    if not raw and name:
        f = _resources.files("crossborder").joinpath("datasets", str(name).replace("-", "_"),
                                                     "study.json")
        if f.is_file():
            raw = json.loads(f.read_text(encoding="utf-8"))
    res = meta.get("resource_regions")
    if res is None:
        codes: list[str] = []
    elif isinstance(res, pd.DataFrame):
        codes = [str(c) for c in res["region"]]
    else:
        codes = [str(c) for c in res]
    variants = ([RegionVariant.from_dict(v) for v in raw.get("region_variants", [])]
                or border_part_variants(ds))
    return {"resource_regions": codes, "region_variants": variants,
            "break_years": [int(y) for y in raw.get("break_years", [])]}


def border_part_variants(ds: Any) -> list[RegionVariant]:
    """Region variants any dataset with parts supplies: as given; each border unit that has exactly
    one part of its own on the border (``border_part``) measured by that part; those units left
    out. Without such parts: the baseline only."""
    r = getattr(ds, "regions", None)
    if r is None or not {"part_of", "border_part", "border"} <= set(r.columns):
        return [BASELINE]
    parts = r[r["border_part"].astype(bool) & r["part_of"].notna()]
    border = set(r.loc[r["border"].astype(bool), "region"])
    counts = parts.groupby("part_of").size()
    subs = {str(w): str(p) for p, w in zip(parts["region"], parts["part_of"], strict=True)
            if w in border and counts[w] == 1}
    if not subs:
        return [BASELINE]
    wholes = ", ".join(subs)
    return [BASELINE,
            RegionVariant(f"{wholes} by the part on the border", substitute=subs,
                          note="; ".join(f"{w} carries the series of {p}" for w, p in subs.items())),
            RegionVariant(f"{wholes} excluded", exclude=tuple(subs))]


def default_currencies(ds: Any) -> list[str | None]:
    """The currency bases a Dataset offers: ``USD``, ``PPP`` (newest vintage), the latest older PPP
    vintage (``PPP:<vintage>``) and ``real`` where the dataset knows vintages; ``[None]`` without
    exchange rates."""
    fx = getattr(ds, "fx", None)
    if fx is None:
        return [None]
    out: list[str | None] = ["USD"]
    if "ppp_lcu_per_intl_dollar" in fx and fx["ppp_lcu_per_intl_dollar"].notna().any():
        out.append("PPP")
    if hasattr(ds, "fx_vintages"):
        v = ds.fx_vintages()
        older = v[(v["rate"] == "PPP") & ~v["newest"].astype(bool)
                  & v["vintage"].astype(str).str.fullmatch(r"\d{4}(-\d{2})?")]
        if len(older):
            out.append(f"PPP:{sorted(older['vintage'].astype(str))[-1]}")
        out.append("real")
    return out


# ----------------------------------------------------------------------------- result
@displayable
@dataclass(frozen=True)
class RobustnessResult:
    """The grid's tidy table (one row per specification x estimate, columns
    :data:`TABLE_COLUMNS`), what was skipped and why, and the grid's parameters."""

    table: pd.DataFrame
    skipped: pd.DataFrame
    params: dict[str, Any]

    @property
    def estimates(self) -> list[str]:
        return list(pd.unique(self.table["estimate"]))

    def _rows(self, estimate: str | None, where: Mapping[str, Any]) -> pd.DataFrame:
        t = self.table
        if estimate is not None:
            if estimate not in set(t["estimate"]):
                raise ValueError(f"no estimate {estimate!r}; the grid has {self.estimates}")
            t = t[t["estimate"] == estimate]
        for col, val in where.items():
            if col not in t.columns:
                raise ValueError(f"no column {col!r} to select on")
            vals = list(val) if isinstance(val, list | tuple | set) else [val]
            t = t[t[col].isin(vals)]
        return t

    def share_supporting(self, estimate: str | None = None, **where: Any) -> float:
        """Share of specifications (rows with a value) whose estimate supports convergence
        (negative, p < alpha); ``where`` selects, e.g. ``currency="PPP"``, ``se_type=["HC1"]``."""
        t = self._rows(estimate, where).dropna(subset=["value"])
        return float(t["supports_convergence"].mean()) if len(t) else float("nan")

    def share_negative(self, estimate: str | None = None, **where: Any) -> float:
        """Share of specifications whose point estimate is negative (any p)."""
        t = self._rows(estimate, where).dropna(subset=["value"])
        return float((t["value"] < 0).mean()) if len(t) else float("nan")

    def overview(self) -> pd.DataFrame:
        """One row per estimate: specifications, share supporting convergence, share negative,
        median, min and max of the estimate."""
        t = self.table.dropna(subset=["value"])
        g = t.groupby("estimate", sort=False)
        return pd.DataFrame({
            "specifications": g.size(),
            "share_supporting": g["supports_convergence"].mean(),
            "share_negative": g["value"].agg(lambda v: float((v < 0).mean())),
            "median": g["value"].median(),
            "min": g["value"].min(),
            "max": g["value"].max(),
        }).reset_index()

    def by(self, dimension: str, estimate: str | None = None) -> pd.DataFrame:
        """Share supporting convergence per level of one dimension (e.g. ``"end"``,
        ``"currency"``) and estimate: where a verdict depends on one choice."""
        if dimension not in SPEC_COLUMNS:
            raise ValueError(f"dimension must be one of {SPEC_COLUMNS}")
        t = self._rows(estimate, {}).dropna(subset=["value"])
        return (t.groupby(["estimate", dimension], sort=False)["supports_convergence"]
                .agg(["mean", "size"]).rename(columns={"mean": "share_supporting",
                                                       "size": "specifications"})
                .reset_index())

    def depends_on(self, estimate: str, threshold: float = 0.5) -> list[str]:
        """The dimensions along which the majority verdict of ``estimate`` flips: some level has a
        share supporting above ``threshold`` and another at or below it."""
        out = []
        for dim in SPEC_COLUMNS:
            s = self.by(dim, estimate)["share_supporting"]
            if len(s) > 1 and (s > threshold).any() and (s <= threshold).any():
                out.append(dim)
        return out

    def baseline(self, se_type: str = "HC1") -> pd.DataFrame:
        """The rows of the first specification (first currency, first start, last end, first
        region variant, resource regions in) with ``se_type`` errors (HAC for trends when asked):
        the numbers a report quotes before it says how robust they are."""
        t = self.table[self.table["se_type"] == se_type]
        if t.empty:
            raise ValueError(f"no rows with se_type {se_type!r}; the grid has "
                             f"{sorted(set(self.table['se_type']))}")
        first = t.iloc[0]
        sel = (t["currency"].astype(str) == str(first["currency"])) & (t["regions"] == first["regions"])
        sel &= (t["resources"] == first["resources"])
        t = t[sel]
        t = t[t["end"] == t["end"].max()]
        return t[t["start"] == t["start"].min()].reset_index(drop=True)

    def wide(self, estimates: Sequence[str] = ("beta_absolute", "beta_conditional"),
             se_type: str = "HC1", fields: Sequence[str] = ("value", "pvalue")) -> pd.DataFrame:
        """One row per specification (columns ``currency`` .. ``resources``), and for each estimate
        its ``fields`` (``beta_conditional_value``, ``beta_conditional_pvalue``, ...)."""
        dims = [c for c in SPEC_COLUMNS if c != "se_type"]
        t = self.table[(self.table["se_type"] == se_type) & self.table["estimate"].isin(estimates)]
        t = t.assign(currency=t["currency"].astype(object).where(t["currency"].notna(), "as given"))
        w = t.pivot_table(index=dims, columns="estimate", values=list(fields), aggfunc="first",
                          sort=False)
        w.columns = [f"{est}_{fld}" for fld, est in w.columns]
        order = [f"{e}_{f}" for e in estimates for f in fields if f"{e}_{f}" in w.columns]
        return w[order].reset_index()

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        o = self.overview()
        n_spec = len(self.table.drop_duplicates([c for c in SPEC_COLUMNS if c != "se_type"]))
        parts = [f"{r.estimate}: {100 * r.share_supporting:.0f}% of {r.specifications}"
                 for r in o.itertuples()]
        return (f"Robustness grid: {n_spec} specifications x {len(self.params['se_types'])} standard "
                f"errors x {len(o)} estimates; share supporting "
                f"convergence (negative, p < {self.params['alpha']}): " + "; ".join(parts))


# ----------------------------------------------------------------------------- inputs
@dataclass
class _Base:
    """One currency's panel of every region the grid may use, as arrays."""

    values: np.ndarray
    weights: np.ndarray | None
    regions: pd.Index
    times: pd.Index
    groups: pd.Series
    indicator: str
    unit: str | None


def _base(p: Panel) -> _Base:
    g = p.group_labels()
    if g is None:
        raise DataError("the robustness grid needs a panel with a group role (the two sides)",
                        column="group")
    m = p.to_matrix()
    w = p.weight_matrix()
    return _Base(m.values, None if w is None else w.values, m.regions, m.times, g, p.indicator,
                 p.unit)


def _dataset_inputs(ds: Any, indicator: str | None, variants: Sequence[RegionVariant],
                    weight: str | None, group_col: str, relative: str | None = None):
    """(factory, border codes, all codes, polygons) of a Dataset: every analysis unit, and the
    regions that stand in for one in a variant."""

    ind = indicator or DEFAULT_INDICATOR
    all_codes = ds.region_codes("all")
    border = ds.region_codes("border")
    extra = sorted({s for v in variants for s in v.substitute.values()} - set(all_codes))
    codes = all_codes + extra
    if weight:
        try:
            ds.values(weight)
        except DataError:
            weight = None

    def factory(currency: str | None) -> Panel:
        return study_panel(ds, indicator=ind, regions=codes, currency=currency, weight=weight,
                           balanced=False, relative=relative)

    r = getattr(ds, "regions", None)
    geometry = None
    if r is not None and "geometry" in r and group_col in r:
        geometry = r[r["region"].isin(codes) & r.geometry.notna()][["region", group_col, "geometry"]]
        geometry = geometry.reset_index(drop=True)
    return factory, border, all_codes, geometry


def _variant_geometry(geometry: Any, variant: RegionVariant, id_col: str,
                      keep: Sequence[str] | None = None) -> Any:
    """The polygons of a variant: a region whose series is replaced takes the polygon of the region
    standing in for it where that one has its own (the part on the border, say); stand-ins that
    replace nothing are left out."""
    if geometry is None:
        return None
    ids = geometry[id_col].astype(str)
    g = geometry.copy()
    for region, stand_in in variant.substitute.items():
        own = g.loc[ids == stand_in, "geometry"]
        if len(own) and (ids == region).any():
            g.loc[ids == region, "geometry"] = own.iloc[0]
    used = set(map(str, variant.substitute.values())) - set(map(str, variant.substitute))
    mask = ~ids.isin(used)
    if keep is not None:
        mask &= ids.isin(set(map(str, keep)))
    return g[mask].reset_index(drop=True)


def _edges(geometry: Any, id_col: str) -> pd.DataFrame | None:
    if geometry is None or len(geometry) < 2:
        return None

    e = pd.DataFrame(shared_edges(geometry, id_col).drop(columns="geometry"))
    return e[e["contact"].isin(["edge", "point"])].reset_index(drop=True)


# ----------------------------------------------------------------------------- the grid
def robustness(
    source: Any,
    *,
    indicator: str | None = None,
    currencies: Sequence[str | None] | None = None,
    starts: Sequence[int] | None = None,
    ends: Sequence[int] | None = None,
    n_ends: int = 5,
    min_years: int = 5,
    variants: Sequence[RegionVariant] | None = None,
    resource_regions: Sequence[str] | None = None,
    resources: Sequence[str] = ("in", "out"),
    cov_types: Sequence[CovType] | None = None,
    estimates: Sequence[str] = ESTIMATE_FAMILIES,
    border: Sequence[str] | None = None,
    geometry: Any = None,
    id_col: str = "region",
    group_col: str = "country",
    weight: str | None = "population",
    alpha: float = 0.05,
    hac_lags: int = 1,
    relative: str | None = None,
    se_types: Any = UNSET,
) -> RobustnessResult:
    """Run the headline estimates on every specification of the grid (see the module docstring).

    ``source``: a :class:`~crossborder.dataset.Dataset` (panels from ``study_panel`` of every
    analysis unit, the border regions from its ``border`` flag, polygons for the border effect and
    the pairs, defaults from :func:`study_defaults`) or a callable ``currency -> Panel`` giving a
    panel with a group role of every region the grid may use (then ``border`` lists the border
    regions, default all; ``geometry`` a GeoDataFrame with ``id_col`` and ``group_col`` for the
    border effect and pair gaps, which are skipped without it).

    ``currencies``: passed one by one to the factory (Dataset default ``("USD", "PPP")`` where it
    has PPP factors, else ``(None,)``). ``starts``/``ends``: years (default: the first year and two
    years later; the last ``n_ends`` years of each currency's span); pairs shorter than
    ``min_years`` are skipped. ``variants``: region variants (default: the dataset's, else one
    baseline). ``resource_regions``: codes left out when ``resources`` includes ``"out"`` (default:
    the dataset's list; empty means only ``"in"``). ``weight``: the Dataset's weight indicator; as in
    ``study_panel``, values without a weight are set aside (the estimates themselves are
    unweighted). ``relative``: a Dataset's panels as indices to the national or pooled mean
    (``study_panel``'s ``relative=``)
    ``cov_types``: the standard errors of every estimate (default ``("nonrobust", "HC1",
    "HC3", "HAC")``; HAC only for the trends; labelled "classical" in the table's ``se_type``);
    ``se_types`` is its deprecated old name. Returns a :class:`RobustnessResult`.
    """
    se_types = trend_cov_args(cov_types, ("classical", "HC1", "HC3", "HAC"), "robustness", "se_types",
                              se_types)
    for se in se_types:
        check_se(se)
    bad = sorted(set(estimates) - set(ESTIMATE_FAMILIES))
    if bad:
        raise ValueError(f"unknown estimates {bad}; choose from {ESTIMATE_FAMILIES}")
    bad_r = sorted(set(resources) - {"in", "out"})
    if bad_r or not resources:
        raise ValueError(f"resources must be a non-empty subset of ('in', 'out'), got {list(resources)}")
    if min_years < 3:
        raise ValueError("min_years must be at least 3 (a trend needs 3 years)")
    if n_ends < 1:
        raise ValueError(f"n_ends must be at least 1, got {n_ends}")
    if int(hac_lags) != hac_lags or hac_lags < 0:
        raise ValueError(f"hac_lags must be a whole number >= 0, got {hac_lags!r}")
    alpha = check_alpha(alpha)

    defaults = study_defaults(source) if not callable(source) else {
        "resource_regions": [], "region_variants": [BASELINE], "break_years": []}
    strict_variants = variants is not None
    variants = list(variants) if variants is not None else defaults["region_variants"]
    if not variants:
        raise ValueError("variants must not be empty")
    res_codes = list(resource_regions) if resource_regions is not None else defaults["resource_regions"]
    if "out" in resources and not res_codes:
        if resource_regions is not None or list(resources) == ["out"]:
            raise ValueError("resources='out' needs a non-empty list of resource_regions")
        resources = [r for r in resources if r != "out"]

    strict_currencies = currencies is not None
    if callable(source):
        factory = source
        all_codes = None
        border_codes = list(border) if border is not None else None
    else:
        factory, border_codes, all_codes, geo = _dataset_inputs(source, indicator, variants, weight,
                                                                group_col, relative)
        if border is not None:
            border_codes = list(border)
        geometry = geo if geometry is None else geometry
        if currencies is None:
            currencies = default_currencies(source)
    if currencies is None:
        currencies = [None]

    need_edges = bool({"border_effect", "pair_gaps"} & set(estimates)) and geometry is not None
    edge_cache: dict[tuple, pd.DataFrame | None] = {}

    def edges_of(variant: RegionVariant) -> pd.DataFrame | None:
        if not need_edges:
            return None
        key = tuple(sorted(variant.substitute.items()))
        if key not in edge_cache:
            edge_cache[key] = _edges(_variant_geometry(geometry, variant, id_col, all_codes), id_col)
        return edge_cache[key]

    geo_groups = (None if geometry is None else
                  pd.Series(geometry[group_col].to_numpy(dtype=object),
                            index=geometry[id_col].to_numpy(dtype=object)))

    rows: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    seen: dict[tuple, str] = {}
    for currency in currencies:
        try:
            base = _base(factory(currency))
        except (UnitError, DataError) as err:
            if strict_currencies:
                raise
            skipped.append({"currency": currency, "what": "currency", "reason": str(err)})
            continue
        units = list(base.regions) if all_codes is None else [r for r in all_codes if r in base.regions]
        bcodes = units if border_codes is None else [r for r in border_codes if r in set(base.regions)]
        missing = [r for r in (border_codes or []) if r not in set(base.regions)]
        if missing:
            skipped.append({"currency": currency, "what": "regions", "reason":
                            f"border regions without any value: {', '.join(map(str, missing))}"})
        sides = sorted(pd.unique(base.groups.reindex(bcodes).dropna()), key=str)
        if len(sides) != 2:
            raise DataError(f"the border regions must be on two sides, found groups {sides}",
                            column="group")
        years = base.times
        t_starts = list(starts) if starts is not None else _default_starts(years)
        t_ends = list(ends) if ends is not None else list(years[-n_ends:])
        absent = [y for y in dict.fromkeys(t_starts + t_ends) if y not in years]
        if absent:
            where = "the span" if currency is None else f"the {currency} span"
            raise ValueError(f"no data in {', '.join(map(str, absent))} (start and end years must be "
                             f"periods of the data; {where} has {_periods(years)})")
        for variant in variants:
            absent = [r for r in list(variant.substitute.values()) + list(variant.substitute)
                      if r not in base.regions]
            if absent:
                msg = (f"variant {variant.name!r}: {', '.join(map(str, absent))} without values "
                       f"({currency})")
                if strict_variants:
                    raise DataError(msg, column="region")
                skipped.append({"currency": currency, "regions": variant.name, "what": "variant",
                                "reason": msg})
                continue
            for resource in resources:
                # a resource region is left out where its own series is used (a part standing in
                # for it is judged by its own code)
                res_out = ({r for r in units if variant.substitute.get(r, r) in set(res_codes)}
                           if resource == "out" else set())
                out = set(variant.exclude) | res_out
                for start in t_starts:
                    for end in t_ends:
                        spec = {"currency": currency, "start": start, "end": end,
                                "regions": variant.name, "resources": resource}
                        made = _spec_panels(base, variant, out, units, bcodes, start, end, min_years)
                        if isinstance(made, str):
                            skipped.append({**spec, "what": "specification", "reason": made})
                            continue
                        key = made["key"]
                        if key in seen:
                            skipped.append({**spec, "what": "specification",
                                            "reason": f"same data as {seen[key]}"})
                            continue
                        seen[key] = (f"{variant.name}/{resource} {made['start']}-{end} "
                                     f"({currency})")
                        spec["start"] = made["start"]
                        rows.extend(_estimates(made, spec, sides, se_types, estimates,
                                               edges_of(variant),
                                               geo_groups, alpha, hac_lags, skipped))
    if not rows:
        why = "; ".join(dict.fromkeys(str(r["reason"]) for r in skipped)) or "empty grid"
        raise DataError(f"no specification of the robustness grid could be estimated: {why}")
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table["supports_convergence"] = table["supports_convergence"].astype(bool)
    params = {"alpha": alpha, "hac_lags": hac_lags, "currencies": list(currencies),
              "variants": [v.name for v in variants],
              "variant_notes": {v.name: v.note for v in variants}, "resource_regions": res_codes,
              "resources": list(resources), "se_types": list(se_types), "estimates": list(estimates),
              "min_years": min_years, "indicator": base.indicator}
    return RobustnessResult(table=table, skipped=pd.DataFrame(skipped, columns=SKIPPED_COLUMNS),
                            params=params)


def _periods(years: pd.Index) -> str:
    """The periods in words: a range for consecutive years, else the list."""
    t = numeric_times(years)
    if len(t) > 2 and np.all(np.diff(t) == 1):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def _default_starts(years: pd.Index) -> list:
    """The first period and the first one at least two years later (on annual data: the first year
    and two years later)."""
    t = numeric_times(years)
    later = np.flatnonzero(t >= t[0] + 2)
    return [years[0]] + ([years[later[0]]] if len(later) else [])


def _spec_panels(base: _Base, variant: RegionVariant, out: set, units: list, border: list,
                 start: int, end: int, min_years: int) -> dict[str, Any] | str:
    """The arrays of one specification (border regions; every region for the border effect), or
    why there are none."""
    t = base.times
    src_of = {r: variant.substitute.get(r, r) for r in units if r not in out}
    # a substituted series shortens the span to the years it covers
    first = start
    for r, s in src_of.items():
        if s != r and r in border:
            have = np.flatnonzero(np.isfinite(base.values[base.regions.get_loc(s)]))
            if not len(have):
                return f"{s} has no values"
            first = max(first, int(t[have[0]]))
    if end <= first:
        return f"{first}-{end}: the end is not after the start"
    if end - first + 1 < min_years:
        return f"{first}-{end} is shorter than {min_years} years"
    cols = np.flatnonzero((t >= first) & (t <= end))
    keep = list(src_of)
    rows = base.regions.get_indexer([src_of[r] for r in keep])
    y = base.values[np.ix_(rows, cols)]
    w = None if base.weights is None else base.weights[np.ix_(rows, cols)]
    full = np.isfinite(y).all(axis=1) & (y > 0).all(axis=1)
    labels = np.asarray(keep, dtype=object)
    groups = base.groups.reindex(keep).to_numpy(dtype=object)
    times = np.asarray(t[cols])
    in_border = np.isin(labels, np.asarray(border, dtype=object))
    b_ok = full & in_border
    if b_ok.sum() < 4:
        return f"fewer than 4 border regions with a value in every year {first}-{end}"
    dropped = sorted(map(str, labels[in_border & ~full]))

    def make_all() -> Panel:
        return Panel.from_matrix(y[full], regions=list(labels[full]), times=list(times),
                                 weights=None if w is None else w[full], groups=list(groups[full]),
                                 indicator=base.indicator, unit=base.unit)

    key = (tuple(sorted((str(r), str(src_of[r])) for r in labels[b_ok])), first, end,
           tuple(sorted(map(str, labels[full]))), id(base))
    return {"y": y[b_ok], "labels": labels[b_ok], "groups": groups[b_ok], "times": times,
            "make_all": make_all, "start": first, "dropped": dropped, "key": key}


def _row(spec: dict, se: str, estimate: str, r: Mapping[str, Any], n_regions: int, dropped: list,
         alpha: float, detail: str = "", speed: float = np.nan, half_life: float = np.nan) -> dict:
    value, p = r["value"], r["pvalue"]
    return {**spec, "se_type": se, "estimate": estimate, "value": value, "se": r["se"],
            "ci_low": r["ci_low"], "ci_high": r["ci_high"], "pvalue": p, "nobs": r["nobs"],
            "n_regions": n_regions,
            "supports_convergence": bool(np.isfinite(value) and value < 0 and p < alpha),
            "speed": speed, "half_life": half_life, "dropped": ", ".join(dropped), "detail": detail}


def _ols(y: np.ndarray, X: np.ndarray) -> Any:
    import statsmodels.api as sm

    return sm.OLS(y, X).fit()


#: the fewest periods of a time trend with HAC (Newey-West) errors
MIN_HAC_PERIODS = 5


def _trend_names(families: Sequence[str], sides: list) -> list[str]:
    """The trend estimates of ``families`` (each side's sigma trend too)."""
    out = []
    if "sigma" in families:
        out += ["sigma_trend"] + [f"sigma_trend_{g}" for g in sides]
    out += [f"{f}_trend" for f in ("between_share", "border_effect") if f in families]
    if "pair_gaps" in families:
        out.append("pair_gap_trend")
    return out


#: the estimates that are slopes on time (they need 3 periods for an inference)
TREND_ESTIMATES = ("sigma_trend", "between_share_trend", "border_effect_trend", "pair_gap_trend")
_INFERENCE = ("value", "se", "ci_low", "ci_high", "pvalue")


def _fits(compute: Any) -> tuple[dict[str, dict[str, float]], list[str]]:
    """``compute()`` (se type -> row) with numpy's and statsmodels' RuntimeWarnings caught: they
    become the reasons of the rows without inference instead of lines on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(divide="warn", invalid="warn", over="warn"):
            results = compute()
    return results, list(dict.fromkeys(str(w.message) for w in caught))


def _no_inference(se: str, r: Mapping[str, Any], bad: list[str], msgs: list[str]) -> str:
    """Why a row has no inference, in words."""
    if "value" in bad:
        why = f"no estimate ({int(r['nobs'])} value(s))"
    else:
        why = f"{', '.join(bad)} not finite (nobs {int(r['nobs'])})"
    return f"{se} errors: {why}" + (f"; numerical warning: {'; '.join(msgs)}" if msgs else "")


def _estimates(made: dict, spec: dict, sides: list, se_types: Sequence[str], families: Sequence[str],
               edges: pd.DataFrame | None, geo_groups: pd.Series | None, alpha: float, hac_lags: int,
               skipped: list) -> list[dict]:
    """The estimates of one specification, on its arrays: the formulas of sigma_trend (sd of logs,
    ddof 0, on time), beta (annualised log growth on the initial log level, side dummy for the
    conditional one) and decompose (Theil T between share); the tests check them against those
    functions. Time trends need 3 periods; a row whose estimate, standard error, interval or
    p-value is not finite is not a specification: it goes to ``skipped`` with the reason."""

    y, groups, times = made["y"], made["groups"], made["times"]
    logs = np.log(y)
    n_b = y.shape[0]
    tnum = numeric_times(pd.Index(times))
    Xt = np.column_stack([np.ones(len(tnum)), tnum])
    dropped = made["dropped"]
    trend_se = tuple(se_types)
    cross_se = tuple(s for s in se_types if s in CROSS_SECTION_SE)
    out: list[dict] = []
    short = len(times) < 3
    periods = ", ".join(map(str, times))
    if "HAC" in trend_se and len(times) < MIN_HAC_PERIODS and not short:
        # Newey-West on a handful of periods has no inference (a 3-period trend gets p 0.001)
        trend_se = tuple(se for se in trend_se if se != "HAC")
        for name in _trend_names(families, sides):
            skipped.append({**spec, "se_type": "HAC", "what": name,
                            "reason": f"HAC errors: a trend on {len(times)} periods ({periods}); "
                                      f"HAC needs at least {MIN_HAC_PERIODS}"})

    def add(name: str, compute: Any, n_regions: int, **kw: Any) -> None:
        results, msgs = _fits(compute)
        for se, r in results.items():
            bad = [k for k in _INFERENCE if not np.isfinite(r[k])]
            if bad:
                skipped.append({**spec, "se_type": se, "what": name,
                                "reason": _no_inference(se, r, bad, msgs)})
            else:
                out.append(_row(spec, se, name, r, n_regions, dropped, alpha, **kw))

    def too_short(name: str) -> bool:
        if short:
            skipped.append({**spec, "what": name, "reason": f"{made['start']}-{spec['end']} has "
                                                            f"{len(times)} period(s) ({periods}); a time "
                                                            "trend needs 3"})
        return short

    if "sigma" in families:
        subsets = [("sigma_trend", np.ones(n_b, dtype=bool))] + [
            (f"sigma_trend_{g}", groups == g) for g in sides]
        for name, mask in subsets:
            if mask.sum() < 2:
                skipped.append({**spec, "what": name, "reason": "fewer than 2 regions"})
                continue
            if too_short(name):
                continue
            sd = logs[mask].std(axis=0)
            add(name, lambda sd=sd: coef_by_se(_ols(sd, Xt), 1, trend_se, alpha, hac_lags),
                int(mask.sum()))

    if "beta" in families:
        span = float(tnum[-1] - tnum[0])
        growth = (logs[:, -1] - logs[:, 0]) / span
        dummy = (groups == sides[1]).astype(float)
        for name, X in (("beta_absolute", np.column_stack([np.ones(n_b), logs[:, 0]])),
                        ("beta_conditional", np.column_stack([np.ones(n_b), logs[:, 0], dummy]))):
            if n_b <= X.shape[1] + 1:
                skipped.append({**spec, "what": name, "reason": f"{n_b} regions for {X.shape[1]} "
                                f"terms: n <= k + 1 leaves no room for an inference"})
                continue
            const = [j for j in range(1, X.shape[1]) if np.all(X[:, j] == X[0, j])]
            if const:
                what = "the side dummy" if name == "beta_conditional" and 2 in const else \
                    "the initial level"
                skipped.append({**spec, "what": name, "reason": f"{what} is constant (a constant "
                                "regressor: every border region on one side, or one level)"})
                continue
            fit = _ols(growth, X)
            speed, half_life = speed_half_life(float(fit.params[1]), span)
            add(name, lambda fit=fit: coef_by_se(fit, 1, cross_se, alpha, hac_lags), n_b, speed=speed,
                half_life=half_life)

    if "between_share" in families and not too_short("between_share_trend"):
        share = decompose_array(y, groups, "theil")["between_share"]
        add("between_share_trend", lambda: coef_by_se(_ols(share, Xt), 1, trend_se, alpha, hac_lags),
            n_b, detail=f"share {share[0]:.4f} -> {share[-1]:.4f}")

    if {"border_effect", "pair_gaps"} & set(families) and edges is None:
        skipped.append({**spec, "what": "border_effect/pair_gaps", "reason": "no polygons"})
        return out

    if "border_effect" in families and not too_short("border_effect_trend"):

        pa: Panel = made["make_all"]()
        ids = set(map(str, pa.regions))
        e = edges[edges["a"].astype(str).isin(ids) & edges["b"].astype(str).isin(ids)]
        geo = pd.DataFrame({"region": list(geo_groups.index), "country": list(geo_groups.values)})
        geo = geo[geo["region"].astype(str).isin(ids)]
        fx = border_effect(geo, pa, edges=e).frame
        ratio = fx["ratio"].to_numpy(dtype=float)
        add("border_effect_trend",
            lambda: time_trend(pd.Series(ratio, index=times), trend_se, hac_lags, alpha), pa.shape[0],
            detail=f"ratio {ratio[0]:.3f} -> {ratio[-1]:.3f}; {int(fx['n_border'].iloc[-1])} border "
                   "edges")

    if "pair_gaps" in families and not too_short("pair_gap_trend"):
        ia, ib = _cross_pair_rows(edges, made["labels"], groups)
        if not len(ia):
            skipped.append({**spec, "what": "pair_gaps", "reason": "no cross-border neighbours"})
            return out
        gap = np.abs(logs[ia] - logs[ib])                   # pairs x years, |ln(y_a / y_b)|
        slope, se_p, n = row_slopes(gap, tnum)
        from scipy import stats

        with np.errstate(invalid="ignore", divide="ignore"):
            tval = slope / se_p
            p = 2 * stats.t.sf(np.abs(tval), n - 2)
        n_narrow = int(((tval < 0) & (p < alpha)).sum())
        n_widen = int(((tval > 0) & (p < alpha)).sum())
        mean_abs = gap.mean(axis=0)
        add("pair_gap_trend", lambda: coef_by_se(_ols(mean_abs, Xt), 1, trend_se, alpha, hac_lags), n_b,
            detail=f"{len(ia)} pairs: {n_narrow} narrow, {n_widen} widen significantly (trend of |gap|, "
                   f"p < {alpha})")
    return out


def _cross_pair_rows(edges: pd.DataFrame, labels: np.ndarray, groups: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (in ``labels``) of the two regions of every neighbour pair across the border."""
    pos = {lab: i for i, lab in enumerate(labels)}
    a = edges["a"].map(pos)
    b = edges["b"].map(pos)
    ok = a.notna() & b.notna()
    ia, ib = a[ok].to_numpy(dtype=int), b[ok].to_numpy(dtype=int)
    cross = groups[ia] != groups[ib]
    pairs = {(min(x, y), max(x, y)) for x, y in zip(ia[cross], ib[cross], strict=True)}
    if not pairs:
        return np.array([], dtype=int), np.array([], dtype=int)
    arr = np.array(sorted(pairs))
    return arr[:, 0], arr[:, 1]


# ----------------------------------------------------------------------------- counting once
def deduplicate_specifications(
    table: pd.DataFrame,
    dimensions: Sequence[str] | None = None,
    *,
    digits: int = 10,
) -> tuple[pd.DataFrame, str]:
    """Count identical specifications once: a grid table without the rows that repeat another
    specification's estimate, and a note that says what was merged.

    Two rows of one ``estimate`` and ``se_type`` that differ only in ``dimensions`` (by default every
    specification column but ``se_type``: currency, start, end, regions, resources) and give the same
    ``value`` and ``se`` to ``digits`` significant digits are one piece of evidence — e.g. sigma
    within one country on the USD and PPP bases, where a national conversion factor cancels. The
    first row (in table order) is kept; its ``same_as`` column lists the merged rows' differing
    values (``"currency=PPP; currency=PPP:2024-04"``), empty when nothing was merged. Rows without
    a finite value are kept as they are. Not yet used by the verdict.
    """
    dims = [c for c in SPEC_COLUMNS if c != "se_type"] if dimensions is None else list(dimensions)
    unknown = [c for c in dims if c not in table.columns or c == "se_type"]
    if unknown:
        raise ValueError(f"dimensions must be columns of the table other than se_type, not {unknown}")
    t = table.reset_index(drop=True).copy()
    fixed = ["estimate", "se_type"] + [c for c in SPEC_COLUMNS if c in t.columns and c not in dims
                                       and c != "se_type"]

    def rounded(col: str) -> pd.Series:
        v = pd.to_numeric(t[col], errors="coerce") if col in t.columns else pd.Series(np.nan, index=t.index)
        return v.map(lambda x: f"{x:.{digits - 1}e}" if np.isfinite(x) else "nan")

    finite = np.isfinite(pd.to_numeric(t["value"], errors="coerce").to_numpy(dtype=float))
    key = t[fixed].astype(str).agg("\x1f".join, axis=1) + "\x1f" + rounded("value") + "\x1f" + rounded("se")
    key = key.where(finite, "row " + t.index.astype(str))
    first = ~key.duplicated()
    t["same_as"] = ""
    merged: dict[str, int] = {}
    for _, idx in t.groupby(key, sort=False).groups.items():
        if len(idx) < 2:
            continue
        keep, rest = idx[0], idx[1:]
        diff = [c for c in dims if c in t.columns and t.loc[idx, c].astype(str).nunique() > 1]
        t.at[keep, "same_as"] = "; ".join(
            ", ".join(f"{c}={t.at[r, c]}" for c in diff) for r in rest)
        merged[str(t.at[keep, "estimate"])] = merged.get(str(t.at[keep, "estimate"]), 0) + len(rest)
    out = t[first].reset_index(drop=True)
    n_drop = int((~first).sum())
    if not n_drop:
        return out, f"no two specifications give identical estimates ({len(t)} rows)"
    per = ", ".join(f"{k} {v}" for k, v in merged.items())
    return out, (f"{n_drop} of {len(t)} rows repeat another specification's estimate and standard error "
                 f"(differing only in {', '.join(dims)}) and are counted once ({per}); the row kept "
                 f"names them in same_as")
