"""The panels the report's sections share, built once per report (cached on the context)."""

from __future__ import annotations

from ..panel import Panel
from ..study import study_panel
from .model import ReportContext

#: Source line of the charts of GRP per capita.
GRP_SOURCE = "Rosstat via DOSE and yearbooks; Bureau of National Statistics of Kazakhstan"

#: Region sets compared in the sigma section: name -> selection for Dataset.region_codes.
SETS = {
    "border (both countries)": "border",
    "border, Russia": "border:RU",
    "border, Kazakhstan": "border:KZ",
    "interior (both countries)": "interior",
    "all regions": "all",
}


def panel(ctx: ReportContext, regions: str = "border", currency: str = "USD",
          same_span_as: str | None = "border") -> Panel:
    """GRP per capita in one currency, balanced (see ``study_panel``), over the span of the
    ``same_span_as`` panel (by default the border regions'), so that region sets compare."""
    key = f"panel:{regions}:{currency}:{same_span_as}"
    if key not in ctx.cache:
        years = None
        if same_span_as is not None and same_span_as != regions:
            ref = panel(ctx, same_span_as, currency, None)
            years = (int(ref.times[0]), int(ref.times[-1]))
        ctx.cache[key] = study_panel(ctx.ds, regions=regions, currency=currency, years=years)
    return ctx.cache[key]


def sources_of(p: Panel) -> list[str]:
    return [s for v in p.meta.get("sources", []) for s in v.split(";")]


def describe(p: Panel) -> str:
    """'18 regions, 2008–2020, GRP per capita in USD (left out: RU-AL)'."""
    n, t = p.shape
    dropped = p.meta.get("dropped_regions")
    left = f" (left out for missing years: {', '.join(dropped['region'])})" if dropped is not None and len(
        dropped) else ""
    return f"{n} regions, {p.times[0]}–{p.times[-1]}, GRP per capita in {p.unit}{left}"
