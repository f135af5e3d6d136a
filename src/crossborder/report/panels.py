"""The panels the report's sections share, built once per report (cached on the context)."""

from __future__ import annotations

from ..errors import DataError
from ..panel import Panel
from ..study import DEFAULT_INDICATOR, study_panel
from .model import ReportContext

#: Source line of the charts of the built-in data's GRP per capita.
GRP_SOURCE = "Rosstat via DOSE and yearbooks; Bureau of National Statistics of Kazakhstan"

COUNTRY_NAMES = {"RU": "Russia", "KZ": "Kazakhstan"}


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)


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
        f"border, {country_name(a)}": f"border:{a}",
        f"border, {country_name(b)}": f"border:{b}",
        "interior (both countries)": "interior",
        "all regions": "all",
    }


def indicator(ctx: ReportContext) -> str:
    """The indicator the study is about (option ``indicator``; default GRP per capita)."""
    ind = ctx.options.get("indicator")
    if ind:
        return ind
    known = set(ctx.ds.observations["indicator"])
    if DEFAULT_INDICATOR in known:
        return DEFAULT_INDICATOR
    if len(known) == 1:
        return next(iter(known))
    raise DataError(f"dataset {ctx.ds.name!r} has several indicators {sorted(known)}: choose one "
                    "with --indicator", column="indicator")


def currency(ctx: ReportContext) -> str | None:
    return ctx.options.get("currency", "USD" if ctx.ds.fx is not None else None)


def has_ppp(ctx: ReportContext) -> bool:
    fx = ctx.ds.fx
    return fx is not None and "ppp_lcu_per_intl_dollar" in fx and fx["ppp_lcu_per_intl_dollar"].notna().any()


def weight(ctx: ReportContext) -> str | None:
    """Population as weight where the dataset has it."""
    try:
        ctx.ds.values("population")
    except DataError:
        return None
    return "population"


def panel(ctx: ReportContext, regions: str = "border", currency_: str | None = "default",
          same_span_as: str | None = "border") -> Panel:
    """The study indicator, balanced (see ``study_panel``), over the span of the ``same_span_as``
    panel (by default the border regions'), so that region sets compare."""
    cur = currency(ctx) if currency_ == "default" else currency_
    key = f"panel:{regions}:{cur}:{same_span_as}"
    if key not in ctx.cache:
        years = None
        if same_span_as is not None and same_span_as != regions:
            ref = panel(ctx, same_span_as, cur, None)
            years = (int(ref.times[0]), int(ref.times[-1]))
        ctx.cache[key] = study_panel(ctx.ds, indicator=indicator(ctx), regions=regions, currency=cur,
                                     years=years, weight=weight(ctx))
    return ctx.cache[key]


def geo_sources(ctx: ReportContext, cities: bool = False) -> list[str]:
    """Source ids of the dataset's polygons (and cities), where it names them."""
    keys = ["geometry_source"] + (["cities_source"] if cities else [])
    return [ctx.ds.meta[k] for k in keys if ctx.ds.meta.get(k)]


def sources_of(p: Panel) -> list[str]:
    return [s for v in p.meta.get("sources", []) for s in v.split(";")]


def source_line(ctx: ReportContext, p: Panel) -> str:
    """The source line of a chart of panel ``p``."""
    if ctx.ds.name == "ru-kz":
        return GRP_SOURCE
    ids = sorted(set(sources_of(p)))
    cites = ctx.ds.sources.set_index("source")["citation"] if "citation" in ctx.ds.sources else {}
    return "; ".join(str(cites.get(i, i))[:80] for i in ids) or ctx.ds.name


def label(p: Panel) -> str:
    """How the text names the panel's indicator."""
    return "GRP per capita" if p.indicator == DEFAULT_INDICATOR else p.indicator


def describe(p: Panel) -> str:
    """'18 regions, 2008–2020, grp_per_capita_lcu in USD (left out: RU-AL)'."""
    n, t = p.shape
    dropped = p.meta.get("dropped_regions")
    left = (f" (left out for missing years: {', '.join(dropped['region'])})"
            if dropped is not None and len(dropped) else "")
    return f"{n} regions, {p.times[0]}–{p.times[-1]}, {label(p)} in {p.unit}{left}"
