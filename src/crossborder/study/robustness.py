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
(every estimate is defined so that a fall means convergence). Cross-section p-values are
Student's t with n - k degrees of freedom for every covariance (statsmodels' ``use_t``); the sigma
and between-share trends also get a ``bootstrap`` row: their uncertainty from resampling regions
(:mod:`crossborder.measures.resample`), not from HAC on a dozen yearly points (HAC stays as an
alternative row).

Counting evidence once: every data specification has a ``spec_id``, shared by its standard-error
rows (alternatives of one specification, not specifications); ``duplicate_of`` names the earlier
specification whose estimate and standard error are identical (e.g. sigma within one country in
USD and at PPP, where a national conversion factor cancels); ``baseline`` marks, per estimate, the
row of the question's baseline specification with its baseline errors — declared before the grid
runs (:data:`BASELINE_DECLARATIONS`, :func:`baselines`), never picked from results.
:meth:`RobustnessResult.evidence` gives per question the baseline, the distinct specifications,
the share negative beside the share significant, and a joint specification-curve p-value;
:meth:`RobustnessResult.depends_on` the choices an estimate depends on, with aliased ones named
together. The specification curve (Simonsohn,
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

import functools
import json
import warnings
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources as _resources
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._display import displayable
from ..border.discontinuity import border_effect
from ..border.geometry import find_border
from ..border.shared import border_edges, dataset_border
from ..dataset import Dataset
from ..errors import DataError, UnitError
from ..measures._arrays import numeric_times
from ..measures._columns import with_coef
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
from ..measures.inference import spec_curve_pvalues, t_pvalue
from ..measures.leverage import LEVERAGE_SE, LEVERAGE_TOL, hc_factor, moved_by
from ..measures.resample import (
    between_share_theil,
    bootstrap_regions,
    bootstrap_trend,
    sd_log,
    trend_slopes,
)
from ..panel import Panel
from .panels import DEFAULT_INDICATOR, study_panel

__all__ = [
    "BASELINE_DECLARATIONS",
    "DEPENDS_COLUMNS",
    "ESTIMATE_FAMILIES",
    "EVIDENCE_COLUMNS",
    "RegionVariant",
    "RobustnessResult",
    "baselines",
    "border_part_variants",
    "deduplicate_specifications",
    "default_currencies",
    "question_of",
    "robustness",
    "study_defaults",
]

#: The estimate families a grid can run (``estimates=``).
ESTIMATE_FAMILIES = ("sigma", "beta", "between_share", "border_effect", "pair_gaps")

SPEC_COLUMNS = ["currency", "start", "end", "regions", "resources", "se_type"]
TABLE_COLUMNS = ["spec_id"] + SPEC_COLUMNS + [
    "estimate", "coef", "se", "ci_low", "ci_high", "pvalue", "nobs", "n_regions",
    "supports_convergence", "speed", "half_life", "dropped", "detail", "baseline", "duplicate_of",
    "value"]
#: the columns of :meth:`RobustnessResult.evidence` (one row per estimate)
EVIDENCE_COLUMNS = ["estimate", "question", "baseline_spec", "baseline_value", "baseline_se",
                    "baseline_pvalue", "baseline_cov_type", "n_rows", "n_specs", "n_distinct",
                    "share_negative", "share_significant_negative", "share_significant_positive",
                    "joint_pvalue", "joint_statistic", "joint_method", "se_alternatives"]
#: the columns of :meth:`RobustnessResult.depends_on`
DEPENDS_COLUMNS = ["estimate", "dimension", "level", "share_at", "share_other", "aliased_with",
                   "sentence_key"]
#: the standard errors of the trends from resampling regions (:mod:`crossborder.measures.resample`)
BOOTSTRAP = "bootstrap"
#: the estimates whose trends get a region-bootstrap row (their yearly statistic is recomputed on
#: resampled regions)
BOOTSTRAP_ESTIMATES = ("sigma_trend", "between_share_trend")
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
    if not isinstance(r, pd.DataFrame) or not {"part_of", "border_part", "border"} <= set(r.columns):
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


# ----------------------------------------------------------------------------- baselines
#: The baseline specification of each question, declared before any estimate is computed (never
#: picked from results): the currency basis by what the question measures — growth and
#: dispersion in constant prices (``real``; without it the grid's first basis, the panel's own),
#: level gaps at purchasing-power parity, dollar sizes in US dollars —, the first start and last end
#: year of that basis, the first region variant (the units as published), resource regions in, and
#: the standard errors the estimate is read with: HC3 for a cross-section of a few dozen regions
#: (MacKinnon & White 1985; Long & Ervin 2000) with t(n - k) p-values; the region bootstrap for
#: the trends of statistics over regions (sigma, the Theil between share); HAC (Newey-West) for
#: the other trends. ``estimate`` ``sigma_trend_<side>`` stands for each side's sigma trend.
BASELINE_DECLARATIONS = pd.DataFrame(
    [
        ("sigma", "sigma_trend", "sigma convergence across the border regions", "real", BOOTSTRAP,
         "dispersion of log output per head: constant prices; its uncertainty is that of the "
         "regions observed (bootstrap over regions)"),
        ("sigma", "sigma_trend_<side>", "sigma convergence within {side}", "real", BOOTSTRAP,
         "dispersion within one side: constant prices (a national conversion factor cancels "
         "within a country anyway); bootstrap over that side's regions"),
        ("beta", "beta_absolute", "absolute beta convergence", "real", "HC3",
         "growth on the initial level: growth in constant prices; a cross-section of a few "
         "dozen regions, HC3 with t(n - k)"),
        ("beta", "beta_conditional", "beta convergence within each side", "real", "HC3",
         "growth on the initial level with a side dummy: constant prices; HC3 with t(n - k)"),
        ("between_share", "between_share_trend", "the between-country share of inequality",
         "real", BOOTSTRAP,
         "a dispersion decomposed: constant prices; bootstrap over regions within each side"),
        ("border_effect", "border_effect_trend", "the border effect (level gap at the border)",
         "PPP", "HAC", "a gap in levels across the border: purchasing-power parity; a yearly "
         "series, Newey-West errors"),
        ("pair_gaps", "pair_gap_trend", "gaps between neighbouring regions across the border",
         "PPP", "HAC", "gaps in levels between neighbours: purchasing-power parity; Newey-West"),
        ("claims", "dollar_sizes", "dollar sizes (the paper's claims)", "USD", "",
         "a size quoted in dollars: US dollars at market rates (not a grid estimate)"),
    ],
    columns=["family", "estimate", "question", "currency", "cov_type", "why"],
).assign(start="first", end="last", regions="first variant", resources="in")
_DECL_COLUMNS = ["family", "estimate", "question", "currency", "start", "end", "regions",
                 "resources", "cov_type", "why"]
#: the standard errors a baseline falls back to when the declared one is not in the grid
_FALLBACK_SE = {"trend": (BOOTSTRAP, "HAC", "classical", "HC3", "HC1", "HC2", "HC0"),
                "cross": ("HC3", "HC2", "HC1", "HC0", "classical")}


def _declared_row(estimate: str) -> pd.Series | None:
    """The declaration of ``estimate`` (``sigma_trend_<side>`` for a side's sigma trend)."""
    d = BASELINE_DECLARATIONS.set_index("estimate")
    if estimate in d.index:
        return d.loc[estimate]
    if estimate.startswith("sigma_trend_"):
        return d.loc["sigma_trend_<side>"]
    return None


def question_of(estimate: str) -> str:
    """The short human name of the question an estimate answers ("sigma convergence within KZ")."""
    row = _declared_row(estimate)
    if row is None:
        return estimate.replace("_", " ")
    return str(row["question"]).replace("{side}", estimate.removeprefix("sigma_trend_"))


def _pick_se(estimate: str, declared: str, available: Sequence[str]) -> str | None:
    """The declared standard errors if the grid has them, else the first fallback it has."""
    if declared in available:
        return declared
    kind = "cross" if estimate.startswith("beta") else "trend"
    return next((s for s in _FALLBACK_SE[kind] if s in available), None)


def _resolve_baselines(estimates: Sequence[str], currencies: Sequence[Any], variants: Sequence[str],
                       se_types: Sequence[str], override: Any = None) -> pd.DataFrame:
    """The baseline of each estimate name on a grid with these levels (columns ``_DECL_COLUMNS``),
    the declarations overridden by ``override`` (a DataFrame or a mapping estimate -> fields,
    matched by ``estimate`` or ``family``)."""
    over: dict[str, dict] = {}
    if override is not None:
        recs = (override.to_dict("records") if isinstance(override, pd.DataFrame) else
                [{"estimate": k, **dict(v)} for k, v in dict(override).items()])
        for r in recs:
            key = r.get("estimate") if pd.notna(r.get("estimate", np.nan)) else r.get("family")
            if key is None:
                raise ValueError("a baseline override names an estimate or a family")
            over[str(key)] = {k: v for k, v in r.items() if k not in ("estimate", "family")
                              and not (np.isscalar(v) and pd.isna(v))}
    cur_names = [("as given" if c is None else str(c)) for c in currencies]
    rows = []
    for est in estimates:
        decl = _declared_row(est)
        if decl is None:
            continue
        row = {"family": decl["family"], "estimate": est, "question": question_of(est),
               "currency": decl["currency"], "start": "first", "end": "last",
               "regions": variants[0] if len(variants) else "first variant",
               "resources": "in", "cov_type": decl["cov_type"], "why": decl["why"]}
        if row["currency"] not in cur_names and cur_names:
            row["why"] += (f"; the grid has no {row['currency']} basis: its first basis, "
                           f"{cur_names[0]}, instead")
            row["currency"] = cur_names[0]
        se = _pick_se(est, row["cov_type"], se_types)
        if se != row["cov_type"]:
            row["why"] += f"; the grid has no {row['cov_type']} errors: {se} instead"
            row["cov_type"] = se
        for src in (decl["family"], est):
            if src in over:
                row.update(over[src])
                row["why"] = "set by the user"
        rows.append(row)
    return pd.DataFrame(rows, columns=_DECL_COLUMNS)


def baselines(ds_or_params: Any = None, *, estimates: Sequence[str] | None = None) -> pd.DataFrame:
    """The baseline specification of each question (columns ``family, estimate, question,
    currency, start, end, regions, resources, cov_type, why``), declared before the grid runs
    (:data:`BASELINE_DECLARATIONS`) and resolved to the levels a grid has: a Dataset (its currency
    bases, region variants, the grid's default errors and the bootstrap), a
    :attr:`RobustnessResult.params` dict (what that grid ran, with the user's overrides), or
    ``None`` (the declarations, ``sigma_trend_<side>`` for each side's sigma trend)."""
    if ds_or_params is None:
        return BASELINE_DECLARATIONS[_DECL_COLUMNS].copy()
    if isinstance(ds_or_params, Mapping):
        p = ds_or_params
        if "baselines" in p and estimates is None:
            return pd.DataFrame(p["baselines"], columns=_DECL_COLUMNS)
        names = list(estimates) if estimates is not None else list(p.get("estimate_names", []))
        se = list(p.get("se_types", ())) + ([BOOTSTRAP] if p.get("n_boot") else [])
        return _resolve_baselines(names, p.get("currencies", [None]), p.get("variants", []), se)
    ds = ds_or_params
    r = getattr(ds, "regions", None)
    sides = (sorted(map(str, pd.unique(r.loc[r["border"].astype(bool), "country"].dropna())))
             if r is not None and {"border", "country"} <= set(r.columns) else ["<side>"])
    names = list(estimates) if estimates is not None else [
        n for e in BASELINE_DECLARATIONS["estimate"] if e != "dollar_sizes"
        for n in ([f"sigma_trend_{g}" for g in sides] if e == "sigma_trend_<side>" else [e])]
    variants = [v.name for v in study_defaults(ds)["region_variants"]]
    return _resolve_baselines(names, default_currencies(ds), variants,
                              ["classical", "HC1", "HC3", "HAC", BOOTSTRAP])


# ----------------------------------------------------------------------------- result
@displayable
@dataclass(frozen=True)
class RobustnessResult:
    """The grid's tidy table (one row per specification x estimate, columns
    :data:`TABLE_COLUMNS`), what was skipped and why, and the grid's parameters.

    ``estimate`` names the estimate, ``coef`` is its number (as statsmodels); ``value``, the old
    name of ``coef``, is kept last for one release (deprecated)."""

    table: pd.DataFrame
    skipped: pd.DataFrame
    params: dict[str, Any]
    #: the joint test's null draws per estimate: ``{"method": str, "by_spec": {spec_id:
    #: (estimates (D,), p-values (D,))}}`` at the estimate's baseline errors
    null_draws: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: :meth:`_distinct` per (estimate, errors), computed once: the table is not changed after the
    #: grid (evidence(), depends_on() and the report read it several times)
    _distinct_memo: dict[tuple[str, str | None], pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # ``value`` (the grid's rows, deprecated) gives ``coef``
        object.__setattr__(self, "table", with_coef(self.table, "value"))

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
        """One row per estimate, each distinct specification counted once and read with the
        baseline's standard errors (as :meth:`evidence`): ``rows`` (specifications x standard
        errors in the table), ``specifications`` (distinct ones), ``cov_type``, the share
        supporting convergence (negative, p < alpha), the share negative, and the median, min
        and max of the estimate over the distinct specifications."""
        rows = []
        for est in self.estimates:
            t = self.table[(self.table["estimate"] == est)].dropna(subset=["value"])
            if t.empty:
                continue
            se = self._baseline_se(est)
            d = self._distinct(est, se)
            v = d["value"].astype(float)
            rows.append({"estimate": est, "rows": len(t), "specifications": len(d), "cov_type": se,
                         "share_supporting": float(d["supports_convergence"].astype(float).mean())
                         if len(d) else np.nan,
                         "share_negative": float((v < 0).mean()) if len(d) else np.nan,
                         "median": v.median(), "min": v.min(), "max": v.max()})
        return pd.DataFrame(rows, columns=["estimate", "rows", "specifications", "cov_type",
                                           "share_supporting", "share_negative", "median", "min",
                                           "max"])

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

    def _distinct(self, estimate: str, se_type: str | None) -> pd.DataFrame:
        """The rows of ``estimate`` with ``se_type`` errors, each distinct specification once
        (:func:`deduplicate_specifications`: the first of those with identical estimates).
        Computed once per (estimate, errors); callers read the frame and never change it."""
        key = (estimate, se_type)
        if key not in self._distinct_memo:
            t = self.table[(self.table["estimate"] == estimate) & (self.table["se_type"] == se_type)]
            t = t.dropna(subset=["value"])
            self._distinct_memo[key] = deduplicate_specifications(t)[0] if len(t) else t
        return self._distinct_memo[key]

    def _baseline_se(self, estimate: str) -> str | None:
        """The standard errors an estimate is read with: its baseline row's, else the declared."""
        t = self.table[self.table["estimate"] == estimate]
        b = t[t["baseline"].astype(bool)]
        if len(b):
            return str(b["se_type"].iloc[0])
        decl = baselines(self.params)
        d = decl[decl["estimate"] == estimate]
        se = None if d.empty else d["cov_type"].iloc[0]
        return se if se in set(t["se_type"]) else _pick_se(estimate, "", list(pd.unique(t["se_type"])))

    def evidence(self, alpha: float | None = None) -> pd.DataFrame:
        """The evidence of each estimate counted once (columns :data:`EVIDENCE_COLUMNS`).

        ``baseline_*``: the declared baseline specification (:func:`baselines`) with its errors;
        ``n_rows``: rows of the table (specifications x standard errors); ``n_specs``: data
        specifications (``spec_id``); ``n_distinct``: those left when specifications with an
        identical estimate count once (``duplicate_of``), all read with the baseline's errors;
        over those: ``share_negative`` (point estimate < 0, any p) beside
        ``share_significant_negative`` / ``_positive`` (p < ``alpha``, default the grid's);
        ``joint_*``: the specification-curve test of the question (Simonsohn, Simmons & Nelson
        2020; :func:`crossborder.measures.inference.spec_curve_pvalues`, statistic: the share
        significant in the dominant direction; NaN when the grid ran without null draws);
        ``se_alternatives``: the share significant negative of the distinct specifications with
        each other standard error, e.g. ``"HAC 0.62; classical 0.55"``."""
        alpha = self.params.get("alpha", 0.05) if alpha is None else check_alpha(alpha)
        rows = []
        for est in self.estimates:
            t = self.table[self.table["estimate"] == est]
            se = self._baseline_se(est)
            b = t[t["baseline"].astype(bool)]
            d = self._distinct(est, se)
            v, p = d["value"].to_numpy(dtype=float), d["pvalue"].to_numpy(dtype=float)
            n = len(d)

            def share(x: np.ndarray, n: int = n) -> float:
                return float(x.mean()) if n else float("nan")

            alts = []
            for other in pd.unique(t["se_type"]):
                if other == se:
                    continue
                o = self._distinct(est, other)
                if len(o):
                    s_o = float(((o["value"] < 0) & (o["pvalue"] < alpha)).mean())
                    alts.append(f"{other} {s_o:.2f}")
            jp, js, jm = np.nan, np.nan, "not computed (n_draws=0)"
            draws = self.null_draws.get(est)
            if self.params.get("n_draws") and not draws:
                jm = f"not computed (no null draws with {se} errors)"
            if draws and n:
                ids = d["spec_id"].astype(int).tolist()
                jm = "not computed (a specification without null draws)"
                if all(i in draws["by_spec"] for i in ids):
                    ne = np.column_stack([draws["by_spec"][i][0] for i in ids])
                    npv = np.column_stack([draws["by_spec"][i][1] for i in ids])
                    test = spec_curve_pvalues(v, p, ne, npv, alpha=alpha, statistic="share")
                    jp, js = test.pvalue, test.share
                    jm = f"{draws['method']}; {test.n_draws} draws; {test.n_specs} specifications"
            rows.append({
                "estimate": est, "question": question_of(est),
                "baseline_spec": int(b["spec_id"].iloc[0]) if len(b) else pd.NA,
                "baseline_value": float(b["value"].iloc[0]) if len(b) else np.nan,
                "baseline_se": float(b["se"].iloc[0]) if len(b) else np.nan,
                "baseline_pvalue": float(b["pvalue"].iloc[0]) if len(b) else np.nan,
                "baseline_cov_type": se, "n_rows": len(t), "n_specs": int(t["spec_id"].nunique()),
                "n_distinct": n, "share_negative": share(v < 0),
                "share_significant_negative": share((v < 0) & (p < alpha)),
                "share_significant_positive": share((v > 0) & (p < alpha)),
                "joint_pvalue": jp, "joint_statistic": js, "joint_method": jm,
                "se_alternatives": "; ".join(alts)})
        out = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
        out["baseline_spec"] = out["baseline_spec"].astype("Int64")
        return out

    def depends_on(self, contrast: float = 0.25, alpha: float | None = None) -> pd.DataFrame:
        """Where an estimate's support depends on one choice, without aliasing (columns
        :data:`DEPENDS_COLUMNS`).

        Over the distinct specifications read with the baseline's errors (as :meth:`evidence`),
        a row "supports" when negative with p < ``alpha``. A level of a dimension *appears* when
        ``share_at >= 0.5`` and ``share_other < contrast``, *disappears* when ``share_at <= 0.1``
        and ``share_other >= contrast``. It is named as the cause (``sentence_key`` ``appears`` /
        ``disappears``) only when it varies within the other dimensions: among the cells of
        specifications equal in every other dimension that hold both the level and another one,
        the same contrast holds. Otherwise the key is ``appears_aliased`` /
        ``disappears_aliased``. ``aliased_with`` lists, with the level itself, the levels of other
        dimensions whose specifications contain or are contained in the level's (e.g.
        ``"currency=real; start=2012"`` when only the real basis starts in 2012); empty when none."""
        alpha = self.params.get("alpha", 0.05) if alpha is None else check_alpha(alpha)
        out = []
        for est in self.estimates:
            d = self._distinct(est, self._baseline_se(est))
            if d.empty:
                continue
            sup = ((d["value"] < 0) & (d["pvalue"] < alpha)).to_numpy()
            lev = {c: d[c].astype(object).where(d[c].notna(), "as given").astype(str)
                   for c in SPEC_COLUMNS if c != "se_type"}
            dims = [c for c in lev if lev[c].nunique() > 1]
            for dim in dims:
                others = [c for c in dims if c != dim]
                cell = (pd.Series(list(zip(*(lev[c] for c in others), strict=True)), index=d.index)
                        if others else pd.Series([()] * len(d), index=d.index))
                for level in dict.fromkeys(lev[dim]):
                    at = (lev[dim] == level).to_numpy()
                    kind = _contrast(sup[at].mean(), sup[~at].mean(), contrast)
                    if kind is None:
                        continue
                    both = set(cell[at]) & set(cell[~at])
                    inside = cell.isin(both).to_numpy()
                    within = (_contrast(sup[at & inside].mean(), sup[~at & inside].mean(), contrast)
                              if inside.any() else None)
                    nested = [f"{dim}={level}"] + [
                        f"{c}={m}" for c in others for m in dict.fromkeys(lev[c])
                        if _nested(at, (lev[c] == m).to_numpy())]
                    out.append({"estimate": est, "dimension": dim, "level": level,
                                "share_at": float(sup[at].mean()),
                                "share_other": float(sup[~at].mean()),
                                "aliased_with": "; ".join(nested) if len(nested) > 1 else "",
                                "sentence_key": kind if within == kind else f"{kind}_aliased"})
        return pd.DataFrame(out, columns=DEPENDS_COLUMNS)

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
        parts = [f"{r.estimate}: {100 * r.share_supporting:.0f}% of {r.specifications} ({r.cov_type})"
                 for r in o.itertuples()]
        return (f"Robustness grid: {n_spec} specifications x {len(self.params['se_types'])} standard "
                f"errors x {len(o)} estimates; share of the distinct specifications supporting "
                f"convergence (negative, p < {self.params['alpha']}) with the baseline's errors: "
                + "; ".join(parts))


def _contrast(s_at: float, s_other: float, contrast: float) -> str | None:
    """``appears`` (``s_at >= 0.5`` and ``s_other < contrast``), ``disappears`` (``s_at <= 0.1``
    and ``s_other >= contrast``) or None."""
    if s_at >= 0.5 and s_other < contrast:
        return "appears"
    if s_at <= 0.1 and s_other >= contrast:
        return "disappears"
    return None


def _nested(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the rows of one mask contain those of the other (neither empty)."""
    return bool(a.any() and b.any() and (not (a & ~b).any() or not (b & ~a).any()))


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


def _edges(geometry: Any, id_col: str, group_col: str, ds: Any = None) -> pd.DataFrame | str | None:
    """The neighbour pairs (contact ``edge``: one definition, :data:`PAIR_CONTACTS`) of the
    polygons: across the border those of the Dataset's border (:func:`dataset_border`, found
    within its tolerance) or, for a user's polygons, of :func:`find_border` on them; inside a side
    the lines the polygons share. None without polygons; a reason (str) when the polygons hold no
    single border of two sides."""
    if geometry is None or len(geometry) < 2:
        return None
    units = gpd.GeoDataFrame(geometry, geometry="geometry")
    try:
        if isinstance(ds, Dataset):
            border = dataset_border(ds, "auto", group_col)
            unit_of = ds.unit_of
        else:
            groups = sorted(map(str, pd.unique(units[group_col].dropna())))
            if len(groups) != 2:
                return (f"the polygons' {group_col!r} holds {len(groups)} group(s) "
                        f"({', '.join(groups)}); the border effect and pair gaps need two sides")
            border = find_border(units, group_col, id_col=id_col)
            unit_of = None
    except DataError as err:
        return f"no border of two sides in the polygons: {err}"
    e = border_edges(units, border, id_col=id_col, group_col=group_col, unit_of=unit_of)
    return pd.DataFrame(e.drop(columns="geometry")).reset_index(drop=True)


# ----------------------------------------------------------------------------- the grid
def _the_panel(panel: Panel, currency: Any) -> Panel:
    """The factory of a grid given one panel: the same panel for every currency."""
    return panel


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
    baselines: Any = None,
    n_boot: int = 999,
    n_draws: int = 200,
    seed: int = 0,
    se_types: Any = UNSET,
) -> RobustnessResult:
    """Run the headline estimates on every specification of the grid (see the module docstring).

    ``source``: a :class:`~crossborder.dataset.Dataset` (panels from ``study_panel`` of every
    analysis unit, the border regions from its ``border`` flag, polygons for the border effect and
    the pairs, defaults from :func:`study_defaults`) or a callable ``currency -> Panel`` giving a
    panel with a group role of every region the grid may use, or that one :class:`Panel` (then
    ``border`` lists the border
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
    ``se_types`` is its deprecated old name. ``n_boot``: draws of the region bootstrap of the
    sigma and between-share trends (an extra ``se_type`` ``"bootstrap"`` row, see
    :mod:`crossborder.measures.resample`; 0 leaves it out). ``baselines``: the baseline of each
    question (default :func:`baselines`; a DataFrame or mapping estimate or family -> fields
    ``currency``, ``start``, ``end``, ``regions``, ``resources``, ``cov_type`` overrides it).
    ``n_draws``: null data sets of the joint specification-curve test of each question (0: no
    test; see :func:`_null_draws`); ``seed`` seeds the bootstrap and the null draws. Returns a
    :class:`RobustnessResult`.
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
    if int(n_boot) != n_boot or n_boot < 0 or n_boot == 1:
        raise ValueError(f"n_boot must be 0 (no bootstrap) or a whole number >= 2, got {n_boot!r}")
    if int(n_draws) != n_draws or n_draws < 0:
        raise ValueError(f"n_draws must be a whole number >= 0, got {n_draws!r}")
    alpha = check_alpha(alpha)
    boot = {"n_boot": int(n_boot), "seed": int(seed)}
    draws = _NullDraws(int(n_draws), int(seed))

    if isinstance(source, Panel):       # one panel: the factory that gives it for every currency
        source = functools.partial(_the_panel, source)
    elif not callable(source) and not isinstance(source, Dataset):
        raise TypeError("robustness() reads a Dataset, a Panel or a function currency -> Panel, "
                        f"not {type(source).__name__}")
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
    border_of = None
    if callable(source):
        factory = source
        all_codes = None
        border_codes = list(border) if border is not None else None
    else:
        factory, border_codes, all_codes, geo = _dataset_inputs(source, indicator, variants, weight,
                                                                group_col, relative)
        if border is not None:
            border_codes = list(border)
        if geometry is None:
            geometry, border_of = geo, source        # the Dataset's own polygons: its border
        if currencies is None:
            currencies = default_currencies(source)
    if currencies is None:
        currencies = [None]

    need_edges = bool({"border_effect", "pair_gaps"} & set(estimates)) and geometry is not None
    edge_cache: dict[tuple, pd.DataFrame | str | None] = {}

    def edges_of(variant: RegionVariant) -> pd.DataFrame | str | None:
        if not need_edges:
            return None
        key = tuple(sorted(variant.substitute.items()))
        if key not in edge_cache:
            edge_cache[key] = _edges(_variant_geometry(geometry, variant, id_col, all_codes), id_col,
                                     group_col, border_of)
        return edge_cache[key]

    geo_groups = (None if geometry is None else
                  pd.Series(geometry[group_col].to_numpy(dtype=object),
                            index=geometry[id_col].to_numpy(dtype=object)))

    all_se = list(se_types) + ([BOOTSTRAP] if n_boot else [])
    variant_names = [v.name for v in variants]
    draws.cov_of = lambda est: _resolve_baselines([est], currencies, variant_names, all_se,
                                                  baselines)["cov_type"].iloc[0]
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
                        spec = {"spec_id": len(seen), **spec}
                        rows.extend(_estimates(made, spec, sides, se_types, estimates,
                                               edges_of(variant),
                                               geo_groups, alpha, hac_lags, skipped, boot, draws))
    if not rows:
        why = "; ".join(dict.fromkeys(str(r["reason"]) for r in skipped)) or "empty grid"
        raise DataError(f"no specification of the robustness grid could be estimated: {why}")
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table["supports_convergence"] = table["supports_convergence"].astype(bool)
    ids, _ = pd.factorize(table["spec_id"])
    draws.renumber(dict(zip(table["spec_id"], ids + 1, strict=True)))
    table["spec_id"] = ids + 1
    decl = _resolve_baselines(list(pd.unique(table["estimate"])), currencies, variant_names, all_se,
                              baselines)
    table["baseline"] = _mark_baselines(table, decl)
    table["duplicate_of"] = _duplicate_of(table)
    params = {"alpha": alpha, "hac_lags": hac_lags, "currencies": list(currencies),
              "variants": [v.name for v in variants],
              "variant_notes": {v.name: v.note for v in variants}, "resource_regions": res_codes,
              "resources": list(resources), "se_types": list(se_types), "estimates": list(estimates),
              "min_years": min_years, "indicator": base.indicator, "n_boot": int(n_boot),
              "n_draws": int(n_draws), "seed": int(seed), "sides": [str(x) for x in sides],
              "estimate_names": list(pd.unique(table["estimate"])),
              "baselines": decl.to_dict("records")}
    return RobustnessResult(table=table, skipped=pd.DataFrame(skipped, columns=SKIPPED_COLUMNS),
                            params=params, null_draws=draws.result(table))


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


# ----------------------------------------------------------------------------- baselines, duplicates
def _levels(col: pd.Series) -> pd.Series:
    return col.astype(object).where(col.notna(), "as given").astype(str)


def _mark_baselines(table: pd.DataFrame, decl: pd.DataFrame) -> np.ndarray:
    """True on the row of each estimate's baseline specification at its baseline errors. ``first``
    start / ``last`` end: the first and last of that basis, variant and resource choice in the
    grid's design (over every estimate), so a baseline never moves to another specification."""
    mark = np.zeros(len(table), dtype=bool)
    cur = _levels(table["currency"])
    for r in decl.itertuples():
        design = ((cur == str(r.currency)) & (table["regions"].astype(str) == str(r.regions))
                  & (table["resources"].astype(str) == str(r.resources))).to_numpy()
        if not design.any():
            continue
        starts, ends = table.loc[design, "start"], table.loc[design, "end"]
        start = starts.min() if str(r.start) == "first" else int(r.start)
        end = ends.max() if str(r.end) == "last" else int(r.end)
        mark |= (design & (table["start"] == start).to_numpy() & (table["end"] == end).to_numpy()
                 & (table["estimate"] == r.estimate).to_numpy()
                 & (table["se_type"] == r.cov_type).to_numpy())
    return mark


def _value_key(t: pd.DataFrame, digits: int = 10) -> pd.Series:
    """``value`` and ``se`` rounded to ``digits`` significant digits, as one string per row."""
    def rounded(col: str) -> pd.Series:
        v = (pd.to_numeric(t[col], errors="coerce") if col in t.columns
             else pd.Series(np.nan, index=t.index))
        return v.map(lambda x: f"{x:.{digits - 1}e}" if np.isfinite(x) else "nan")

    return rounded("value") + "\x1f" + rounded("se")


def _duplicate_of(table: pd.DataFrame) -> pd.Series:
    """Per row, the ``spec_id`` of the first specification (in table order) whose row of the same
    estimate and errors has the same value and standard error (10 significant digits), else NA."""
    key = table["estimate"].astype(str) + "\x1f" + table["se_type"].astype(str) + "\x1f" + \
        _value_key(table)
    finite = np.isfinite(pd.to_numeric(table["value"], errors="coerce").to_numpy(dtype=float))
    first = table.groupby(key, sort=False)["spec_id"].transform("first")
    dup = first.where(finite & (first != table["spec_id"]).to_numpy())
    return dup.astype("Int64")


# ----------------------------------------------------------------------------- the joint test
def _coef_p(X: np.ndarray, Y: np.ndarray, k: int, se: str, hac_lags: int = 1
            ) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient ``k`` of the OLS of every column of ``Y`` (n x D) on ``X`` (n x K) and its
    two-sided t(n - K) p-value with ``se`` errors, vectorised over the columns: ``a = e_k'(X'X)^-1
    X'`` and residuals ``e``; classical ``s^2 (X'X)^-1_kk``; HC0..HC3 ``sum_i a_i^2 e_i^2 c_i``
    (``c_i`` = 1, n / (n - K), 1 / (1 - h_i), 1 / (1 - h_i)^2; MacKinnon & White 1985); HAC
    (Newey-West, Bartlett weights ``1 - l / (L + 1)``, rows in time order) ``sum_t u_t^2 + 2 sum_l
    w_l sum_t u_t u_{t-l}``, ``u_t = a_t e_t`` — statsmodels' ``OLS(...).fit(cov_type=..)`` with
    ``use_t=True``."""
    n, K = X.shape
    xtxi = np.linalg.pinv(X.T @ X)
    A = xtxi @ X.T
    B = A @ Y
    E = Y - X @ B
    a = A[k][:, None]
    df = n - K
    if se == "classical":
        var = (E ** 2).sum(axis=0) / df * xtxi[k, k]
    elif se == "HAC":
        u = a * E
        var = (u ** 2).sum(axis=0)
        for lag in range(1, int(hac_lags) + 1):
            var = var + 2 * (1 - lag / (hac_lags + 1)) * (u[lag:] * u[:-lag]).sum(axis=0)
    elif se in LEVERAGE_SE:
        h = np.einsum("ij,ji->i", X, A)
        lone = h >= 1.0 - LEVERAGE_TOL
        if moved_by(A, lone)[k]:      # no such errors (measures.leverage)
            return B[k], np.full(B.shape[1], np.nan)
        var = (a ** 2 * E ** 2 * hc_factor(h, se, lone)[:, None]).sum(axis=0)
    else:
        var = (a ** 2 * E ** 2 * (n / df if se == "HC1" else 1.0)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tval = B[k] / np.sqrt(var)
    return B[k], np.asarray(t_pvalue(tval, df), dtype=float)


class _NullDraws:
    """The null data sets of the joint specification-curve test (Simonsohn, Simmons & Nelson 2020,
    Nature Human Behaviour 4: 1208-1214), every specification re-estimated on each of ``n`` draws
    with the effect removed, read with the estimate's baseline errors (``cov_of``):

    * beta: the growth rates permuted across the specification's border regions (within each side
      for the conditional beta: the side effect kept, the link between growth and the initial
      level broken) — the null of no convergence, exact under exchangeable regions;
    * trends read with the region bootstrap (sigma, between share): the bootstrap under the null
      (Efron & Tibshirani 1993, sec. 16.4; the "effect removed" variant of Simonsohn et al.):
      every region gets a Poisson(1) count (the Poisson bootstrap, which draws a region the same
      number of times in every specification), the statistic is recomputed with those counts as
      frequency weights and the observed slope ``b`` subtracted, ``b*_d = slope_d - b``; its p is
      that of the specification's own bootstrap distribution centred on it,
      ``2 min(1 + #{s_b - b + b*_d <= 0}, 1 + #{s_b - b + b*_d >= 0}) / (B + 1)`` — the null of no
      trend with the uncertainty the observed p-value measures;
    * other trends (border effect, pair gaps; any trend read with classical, HC or HAC errors):
      the years of the yearly series permuted and the slope refitted — the null of no trend,
      exact when the years are exchangeable; with persistent series it is somewhat liberal.

    One draw is one data set for the whole grid: a region (a year) takes the same random key in
    every specification, and each specification orders its regions (years) by it, so the
    dependence between specifications, which the test must keep, is kept."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.seed = n, seed
        self.by: dict[str, dict[int, tuple[np.ndarray, np.ndarray]]] = {}
        self.method: dict[str, str] = {}
        self.cov_of: Any = lambda est: None
        self._keys: dict[tuple[str, str], np.ndarray] = {}
        self._cov: dict[str, Any] = {}

    def keys(self, labels: Sequence[Any], kind: str) -> np.ndarray:
        """(len(labels) x n) uniform keys, the same for a label wherever it appears."""
        out = []
        for lab in labels:
            k = (kind, str(lab))
            if k not in self._keys:
                h = zlib.crc32(f"{kind}\x1f{lab}".encode())
                self._keys[k] = np.random.default_rng([self.seed, h]).random(self.n)
            out.append(self._keys[k])
        return np.array(out)

    def _se(self, name: str) -> Any:
        if name not in self._cov:
            self._cov[name] = self.cov_of(name)
        return self._cov[name]

    def beta(self, name: str, spec_id: int, growth: np.ndarray, X: np.ndarray, labels: Sequence[Any],
             strata: np.ndarray | None, hac_lags: int) -> None:
        se = self._se(name)
        if not self.n or se not in CROSS_SECTION_SE:
            return
        K = self.keys(labels, "region")
        codes = (np.zeros(len(growth), dtype=int) if strata is None else
                 pd.factorize(np.asarray(strata, dtype=object))[0])
        Y = np.empty(K.shape)
        for g in np.unique(codes):
            rows = np.flatnonzero(codes == g)
            Y[rows] = growth[rows[np.argsort(K[rows], axis=0)]]
        b, p = _coef_p(X, Y, 1, se, hac_lags)
        self.by.setdefault(name, {})[spec_id] = (b, p)
        self.method[name] = ("growth permuted across regions" + (" within each side"
                                                                 if strata is not None else ""))

    def counts(self, labels: Sequence[Any]) -> np.ndarray:
        """(len(labels) x n) Poisson(1) counts of each region in each draw, the same for a label
        wherever it appears (the Poisson bootstrap: Hanley & MacGibbon 2006, Comput. Methods
        Programs Biomed. 83: 57-62)."""
        out = []
        for lab in labels:
            k = ("count", str(lab))
            if k not in self._keys:
                h = zlib.crc32(f"count\x1f{lab}".encode())
                self._keys[k] = np.random.default_rng([self.seed, h]).poisson(1.0, self.n)
            out.append(self._keys[k])
        return np.array(out, dtype=float)

    def trend(self, name: str, spec_id: int, series: np.ndarray, t: np.ndarray, times: Sequence[Any],
              bdraws: np.ndarray | None, alpha: float, hac_lags: int, block: np.ndarray | None = None,
              labels: Sequence[Any] | None = None, stat: Any = None) -> None:
        se = self._se(name)
        if not self.n or se is None:
            return
        if se == BOOTSTRAP:
            if bdraws is None or block is None:
                return
            # the bootstrap under the null: regions drawn (Poisson counts), the observed slope
            # taken out, each draw's p from the specification's bootstrap distribution centred
            # on the draw's slope
            W = self.counts(labels).T[:, :, None] * np.ones(block.shape)[None]   # D x N x T
            with np.errstate(invalid="ignore", divide="ignore"):
                null_series = stat(np.broadcast_to(block, W.shape), W)
            b_obs = float(trend_slopes(series, t))
            b = trend_slopes(null_series, t) - b_obs
            centred = trend_slopes(bdraws, t) - b_obs
            centred = np.sort(centred[np.isfinite(centred)])
            B = len(centred)
            below = (1 + np.searchsorted(centred, -b, side="right")) / (B + 1)
            above = (1 + B - np.searchsorted(centred, -b, side="left")) / (B + 1)
            p = np.where(np.isfinite(b), np.minimum(1.0, 2 * np.minimum(below, above)), np.nan)
            self.method[name] = "regions redrawn with the trend removed (bootstrap under the null)"
        else:
            order = np.argsort(self.keys(times, "year"), axis=0)          # T x D
            X = np.column_stack([np.ones(len(t)), t - t.mean()])    # centred: the same slope
            b, p = _coef_p(X, series[order], 1, se, hac_lags)
            self.method[name] = "years permuted"
        self.by.setdefault(name, {})[spec_id] = (b, p)

    def renumber(self, new: Mapping[int, int]) -> None:
        self.by = {e: {int(new[i]): v for i, v in d.items() if i in new} for e, d in self.by.items()}

    def result(self, table: pd.DataFrame) -> dict[str, Any]:
        return {e: {"method": self.method[e], "by_spec": d} for e, d in self.by.items() if d}


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
    elif r.get("reason"):
        return str(r["reason"])
    else:
        why = f"{', '.join(bad)} not finite (nobs {int(r['nobs'])})"
    return f"{se} errors: {why}" + (f"; numerical warning: {'; '.join(msgs)}" if msgs else "")


def _estimates(made: dict, spec: dict, sides: list, se_types: Sequence[str], families: Sequence[str],
               edges: pd.DataFrame | str | None, geo_groups: pd.Series | None, alpha: float, hac_lags: int,
               skipped: list, boot: Mapping[str, int] | None = None,
               draws: _NullDraws | None = None) -> list[dict]:
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

    def add_boot(name: str, series: np.ndarray, block: np.ndarray, stat: Any, strata: np.ndarray,
                 n_regions: int) -> np.ndarray | None:
        """The region-bootstrap row of a trend (:mod:`crossborder.measures.resample`); its draws."""
        if not boot or not boot["n_boot"]:
            return None
        bd = bootstrap_regions(block, None, stat, boot["n_boot"], boot["seed"], strata=strata)
        r = bootstrap_trend(series, bd, tnum, alpha)
        add(name, lambda: {BOOTSTRAP: r}, n_regions,
            detail=f"region bootstrap: {r['n_boot']} draws of the regions within each side, "
                   "percentile interval")
        return bd

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
            bdraws = add_boot(name, sd, y[mask], sd_log, groups[mask], int(mask.sum()))
            if draws is not None:
                draws.trend(name, spec["spec_id"], sd, tnum, times, bdraws, alpha, hac_lags,
                            y[mask], made["labels"][mask], sd_log)

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
            add(name, lambda fit=fit: coef_by_se(fit, 1, cross_se, alpha, hac_lags, made["labels"]),
                n_b, speed=speed,
                half_life=half_life)
            if draws is not None:
                draws.beta(name, spec["spec_id"], growth, X, made["labels"],
                           groups if name == "beta_conditional" else None, hac_lags)

    if "between_share" in families and not too_short("between_share_trend"):
        share = decompose_array(y, groups, "theil")["between_share"]
        add("between_share_trend", lambda: coef_by_se(_ols(share, Xt), 1, trend_se, alpha, hac_lags),
            n_b, detail=f"share {share[0]:.4f} -> {share[-1]:.4f}")
        bdraws = add_boot("between_share_trend", share, y, between_share_theil(groups), groups, n_b)
        if draws is not None:
            draws.trend("between_share_trend", spec["spec_id"], share, tnum, times, bdraws, alpha,
                        hac_lags, y, made["labels"], between_share_theil(groups))

    if {"border_effect", "pair_gaps"} & set(families) and not isinstance(edges, pd.DataFrame):
        skipped.append({**spec, "what": "border_effect/pair_gaps",
                        "reason": edges if isinstance(edges, str) else "no polygons"})
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
        if draws is not None and np.isfinite(ratio).all():
            draws.trend("border_effect_trend", spec["spec_id"], ratio, tnum, times, None, alpha,
                        hac_lags)

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
        if draws is not None:
            draws.trend("pair_gap_trend", spec["spec_id"], mean_abs, tnum, times, None, alpha,
                        hac_lags)
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
    a finite value are kept as they are. :meth:`RobustnessResult.evidence` counts with it.
    """
    dims = [c for c in SPEC_COLUMNS if c != "se_type"] if dimensions is None else list(dimensions)
    unknown = [c for c in dims if c not in table.columns or c == "se_type"]
    if unknown:
        raise ValueError(f"dimensions must be columns of the table other than se_type, not {unknown}")
    t = table.reset_index(drop=True).copy()
    fixed = ["estimate", "se_type"] + [c for c in SPEC_COLUMNS if c in t.columns and c not in dims
                                       and c != "se_type"]

    finite = np.isfinite(pd.to_numeric(t["value"], errors="coerce").to_numpy(dtype=float))
    key = _value_key(t, digits)
    for c in reversed(fixed):
        key = t[c].astype(str) + "\x1f" + key
    key = key.where(finite, "row " + t.index.astype(str))
    first = ~key.duplicated()
    t["same_as"] = ""
    merged: dict[str, int] = {}
    shown = {c: t[c].astype(str).to_numpy() for c in dims if c in t.columns}
    raw = {c: t[c].to_numpy(dtype=object) for c in shown}
    est = t["estimate"].astype(str).to_numpy()
    same_as = t["same_as"].to_numpy(dtype=object)
    for idx in t.groupby(key, sort=False).indices.values():
        if len(idx) < 2:
            continue
        keep, rest = idx[0], idx[1:]
        diff = [c for c in shown if len(set(shown[c][idx])) > 1]
        same_as[keep] = "; ".join(", ".join(f"{c}={raw[c][r]}" for c in diff) for r in rest)
        merged[est[keep]] = merged.get(est[keep], 0) + len(rest)
    t["same_as"] = same_as
    out = t[first].reset_index(drop=True)
    n_drop = int((~first).sum())
    if not n_drop:
        return out, f"no two specifications give identical estimates ({len(t)} rows)"
    per = ", ".join(f"{k} {v}" for k, v in merged.items())
    return out, (f"{n_drop} of {len(t)} rows repeat another specification's estimate and standard error "
                 f"(differing only in {', '.join(dims)}) and are counted once ({per}); the row kept "
                 f"names them in same_as")
