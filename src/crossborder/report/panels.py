"""The panels the report's sections share, built once per report (cached on the context), and
what the data allow: region sets that exist, enough periods, a weight.

Everything a reader sees is named from the data: the countries (their codes, or the names the
dataset gives in ``meta["country_names"]``; Russia and Kazakhstan only for ``ru-kz``), the
indicator and the steps between periods.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .._mapstyle import credit_line
from ..errors import DataError
from ..panel import Panel
from ..study import DEFAULT_INDICATOR, study_panel
from .model import ReportContext, Skip

COUNTRY_NAMES = {"RU": "Russia", "KZ": "Kazakhstan"}


def country_name(ctx: ReportContext, code: str) -> str:
    """How the text names a country: the dataset's ``meta["country_names"]``, the built-in names
    for ru-kz, else the code as the data write it."""
    names = dict(ctx.ds.meta.get("country_names") or {})
    if ctx.ds.name == "ru-kz":
        names = {**COUNTRY_NAMES, **names}
    return str(names.get(code, code))


def sides(ctx: ReportContext) -> tuple[str, str]:
    """The two countries (groups) of the border."""
    if "sides" not in ctx.cache:
        ctx.cache["sides"] = ctx.ds.sides()
    return ctx.cache["sides"]


def region_sets(ctx: ReportContext) -> dict[str, str]:
    """Region sets compared in the sigma section: name -> selection for Dataset.region_codes."""
    a, b = sides(ctx)
    return {
        "border (both countries)": "border",
        f"border, {country_name(ctx, a)}": f"border:{a}",
        f"border, {country_name(ctx, b)}": f"border:{b}",
        "interior (both countries)": "interior",
        "all regions": "all",
    }


def indicator(ctx: ReportContext) -> str:
    """The indicator the study is about: option ``indicator``, else GRP per capita, else the only
    indicator of the data (population aside, which is the weight)."""
    ind = ctx.options.get("indicator")
    if ind:
        return ind
    known = set(ctx.ds.observations["indicator"].unique())
    if DEFAULT_INDICATOR in known:
        return DEFAULT_INDICATOR
    if len(known) == 1:
        return next(iter(known))
    besides = known - {"population"}
    if len(besides) == 1:  # population is the weight, not a study indicator
        return next(iter(besides))
    raise DataError(f"dataset {ctx.ds.name!r} has several indicators {sorted(known)}: choose one "
                    "with --indicator", column="indicator")


def relative(ctx: ReportContext) -> str | None:
    """Option ``relative``: ``"national"`` / ``"pooled"`` indexes every value to a mean (100), see
    :meth:`crossborder.panel.Panel.relative`; None: the values."""
    rel = ctx.options.get("relative")
    return None if rel in (None, "none") else str(rel)


def currency(ctx: ReportContext) -> str | None:
    return ctx.options.get("currency", "USD" if ctx.ds.fx is not None else None)


def has_ppp(ctx: ReportContext) -> bool:
    fx = ctx.ds.fx
    return fx is not None and "ppp_lcu_per_intl_dollar" in fx and fx["ppp_lcu_per_intl_dollar"].notna().any()


def weight(ctx: ReportContext) -> str | None:
    """Population as weight where the dataset has it for every region and period the study
    indicator has; otherwise None (every measure unweighted) and :func:`weight_note` says why.

    A weight missing in some years would make the balanced panels drop those years (or regions),
    so the report rather leaves the weights out than lose data without saying so.
    """
    if "weight" not in ctx.cache:
        ctx.cache["weight"], ctx.cache["weight_note"] = _choose_weight(ctx)
    return ctx.cache["weight"]


def _choose_weight(ctx: ReportContext) -> tuple[str | None, str]:
    name = ctx.options.get("weight") or "population"
    if name == "none":
        return None, "Every measure is unweighted (each region counts once), as asked (--weight none)."
    try:
        ctx.ds.values(name)
    except DataError:
        return None, (f"The data have no {name}, so every measure is unweighted (each region "
                      f"counts once) and the {name}-weighted variants are not computed.")
    ind, cur = indicator(ctx), currency(ctx)
    rel = relative(ctx)
    plain = study_panel(ctx.ds, indicator=ind, regions="all", currency=cur, weight=None,
                        relative=rel)
    weighted = study_panel(ctx.ds, indicator=ind, regions="all", currency=cur, weight=name,
                           relative=rel)
    if list(plain.times) == list(weighted.times) and set(plain.regions) == set(weighted.regions):
        return name, ""
    lost_t = [t for t in plain.times if t not in set(weighted.times)]
    lost_r = sorted(set(plain.regions) - set(weighted.regions))
    what = []
    if lost_t:
        what.append(f"the periods {', '.join(str(t) for t in lost_t)}")
    if lost_r:
        what.append(f"{len(lost_r)} regions ({', '.join(lost_r[:5])}{', ...' if len(lost_r) > 5 else ''})")
    return None, (f"{name[:1].upper() + name[1:]} is missing for {' and '.join(what)} of {label(plain)}: "
                  "weighting by it would drop them, so every measure is unweighted (each region counts "
                  f"once) and the {name}-weighted variants are not computed.")


def weight_note(ctx: ReportContext) -> str:
    """'' when the measures are population-weighted; otherwise the sentence saying why not."""
    weight(ctx)
    return ctx.cache["weight_note"]


#: How the text names each region set a section may need when it is empty.
_SET_NAMES = {"border": "border regions", "interior": "interior regions (off the border)",
              "all": "regions"}


def region_count(ctx: ReportContext, selection: str) -> int:
    """Number of analysis units in a region set (``border``, ``interior``, ``border:XX``, ...)."""
    return len(ctx.ds.region_codes(selection))


def why_not(ctx: ReportContext, selection: str, minimum: int = 2) -> str:
    """'' when ``selection`` has at least ``minimum`` regions, else the reason it cannot be used."""
    n = region_count(ctx, selection)
    if n >= minimum:
        return ""
    set_name, _, country = selection.partition(":")
    what = _SET_NAMES.get(set_name, set_name) + (f" of {country_name(ctx, country)}" if country else "")
    if set_name == "border" and n == 0:
        a, b = sides(ctx)
        return (f"no region of {country_name(ctx, a)} touches a region of {country_name(ctx, b)} in "
                "the polygons, so there are no border regions")
    if set_name == "interior" and n == 0:
        return "every region lies on the border, so there are no interior regions to compare"
    return f"{n} {what}; at least {minimum} are needed"


def need_periods(p: Panel, n: int, what: str) -> None:
    """Raise :class:`Skip` when panel ``p`` has fewer than ``n`` periods."""
    t = len(p.times)
    if t < n:
        span = ", ".join(str(x) for x in p.times[:5]) + (", ..." if t > 5 else "")
        raise Skip(f"{what} needs at least {n} periods; the data have {t}" + (f" ({span})" if t else ""))


def steps(p: Panel) -> list[float]:
    """The steps between consecutive periods of ``p`` (in the time unit, e.g. years)."""
    try:
        t = np.asarray(p.times, dtype=float)
    except (TypeError, ValueError):
        return [1.0] * max(len(p.times) - 1, 0)
    return [float(x) for x in np.diff(t)]


def steps_text(p: Panel) -> str:
    """'consecutive years', 'periods 5 years apart' or 'periods 7, 6 and 4 years apart'."""
    st = steps(p)
    if not st:
        return "consecutive periods"
    uniq = sorted(set(st))
    if uniq == [1.0]:
        return "consecutive years"

    def num(x: float) -> str:
        return f"{x:g}"

    if len(uniq) == 1:
        return f"consecutive periods {num(uniq[0])} years apart"
    seq = [num(x) for x in st]
    listed = ", ".join(seq[:-1]) + " and " + seq[-1] if len(seq) <= 8 else \
        f"{num(min(st))} to {num(max(st))}"
    return f"consecutive periods {listed} years apart"


def panel(ctx: ReportContext, regions: str = "border", currency_: str | None = "default",
          same_span_as: str | None = "border") -> Panel:
    """The study indicator, balanced (see ``study_panel``), over the span of the ``same_span_as``
    panel (by default the border regions'), so that region sets compare."""
    cur = currency(ctx) if currency_ == "default" else currency_
    key = f"panel:{regions}:{cur}:{same_span_as}"
    if key not in ctx.cache:
        reason = why_not(ctx, regions)
        if reason:
            raise Skip(reason)
        if same_span_as is not None and same_span_as != regions and why_not(ctx, same_span_as):
            same_span_as = None
        years = None
        if same_span_as is not None and same_span_as != regions:
            ref = panel(ctx, same_span_as, cur, None)
            years = (int(ref.times[0]), int(ref.times[-1]))
        p = study_panel(ctx.ds, indicator=indicator(ctx), regions=regions, currency=cur,
                        years=years, weight=weight(ctx), relative=relative(ctx))
        ctx.cache[key] = with_shown_unit(p)
    return ctx.cache[key]


#: How the report names the unit of data that state none.
NO_UNIT = "unit not stated in the data"


def with_shown_unit(p: Panel) -> Panel:
    """``p`` with a unit the text can print (data without a unit say so instead of 'None') and
    its time named ``time``: the documented column of the report's CSV tables, stable whatever
    the data call their years (:attr:`Panel.time_name`)."""
    if p.unit and p.time_name == "time":
        return p
    return replace(p, unit=p.unit or NO_UNIT, time_name="time", meta=dict(p.meta), validate=False)


def geo_sources(ctx: ReportContext, cities: bool = False) -> list[str]:
    """Source ids of the dataset's polygons (and cities), where it names them."""
    keys = ["geometry_source"] + (["cities_source"] if cities else [])
    return [ctx.ds.meta[k] for k in keys if ctx.ds.meta.get(k)]


def sources_of(p: Panel) -> list[str]:
    return [s for v in p.meta.get("sources", []) for s in v.split(";")]


def source_line(ctx: ReportContext, p: Panel) -> str:
    """The source line of a chart of panel ``p``: the sources of the values drawn, with their years
    (:func:`crossborder._mapstyle.credit_line`)."""
    return credit_line(ctx.ds, p) or ctx.ds.name


def label(p: Panel) -> str:
    """How the text names the panel's indicator (the data's own name, except the built-in GRP)."""
    return "GRP per capita" if p.indicator == DEFAULT_INDICATOR else str(p.indicator)


def border_regions_text(ctx: ReportContext, p: Panel) -> str:
    """'border regions of US: US-20, US-21; of MX: MX-30, MX-31' (the regions of each side in the
    border panel ``p``)."""
    groups = p.group_labels()
    parts = []
    for side in sides(ctx):
        regs = [str(r) for r, g in groups.items() if str(g) == str(side)]
        parts.append(f"of {country_name(ctx, side)} ({len(regs)}): {', '.join(regs)}")
    return "border regions " + "; ".join(parts)


def check_two_sided(ctx: ReportContext) -> None:
    """A :class:`DataError` when a side of the border keeps no border region in the study's
    panel: the report never speaks for one side only. Says why and what to change."""
    if why_not(ctx, "border"):
        return                      # no border at all: the sections say so
    try:
        p = panel(ctx, "border")
    except Skip:
        return
    groups = p.group_labels()
    have = set() if groups is None else set(map(str, groups.dropna()))
    lacking = [s for s in sides(ctx) if str(s) not in have]
    if not lacking:
        return
    side = lacking[0]
    codes = ctx.ds.region_codes(f"border:{side}")
    dropped = p.meta.get("dropped_regions")
    lost = ([] if dropped is None else [r for r in dropped["region"] if r in set(codes)])
    vals = ctx.ds.values(indicator(ctx))
    years = sorted(set(int(y) for y in vals.loc[vals["region"].isin(codes), "year"]))
    span = f"{p.times[0]}–{p.times[-1]}" if len(p.times) else "no years"
    why = (f"its {len(lost)} border region(s) ({', '.join(map(str, lost[:8]))}) lack a value in "
           f"some of the years {span}" if lost else
           f"none of its {len(codes)} border region(s) has {label(p)} in {span}")
    cover = (f"; its data cover {years[0]}–{years[-1]} ({len(years)} years)" if years else "")
    raise DataError(f"the report would speak for one side only: {country_name(ctx, side)} keeps no "
                    f"border region in the study panel ({why}{cover}). Choose --years that both "
                    "sides observe, fill the missing values, or study one side with a command "
                    "(e.g. sigma --regions border:" + str(sides(ctx)[0] if side != sides(ctx)[0]
                                                          else sides(ctx)[1]) + ")",
                    column="region")


def describe(p: Panel) -> str:
    """'18 regions, 2008–2020, grp_per_capita_lcu in USD (left out: RU-AL)'."""
    n, t = p.shape
    dropped = p.meta.get("dropped_regions")
    left = (f" (left out for missing years: {', '.join(dropped['region'])})"
            if dropped is not None and len(dropped) else "")
    span = f"{p.times[0]}" if len(p.times) == 1 else f"{p.times[0]}–{p.times[-1]}"
    st = sorted(set(steps(p)))
    if len(st) == 1 and st[0] != 1:
        span += f" every {st[0]:g} years"
    elif len(st) > 1:
        span += " (periods " + ", ".join(map(str, p.times)) + ")"
    how = "as an" if p.meta.get("relative") else "in"
    return f"{n} regions, {span}, {label(p)} {how} {p.unit}{left}"
