"""The study-level estimates the report's verdict, robustness, rolling and integration sections
share, computed once per report (cached on the context): the robustness grid, the rolling windows,
the integration test and the verdict read from them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..border.shared import panel_edges
from ..errors import DataError, UnitError
from ..i18n import check_lang
from ..measures.decompose import decompose
from ..study.claims import check_claims
from ..study.integration import IntegrationGrid, IntegrationResult, integration, integration_grid
from ..study.robustness import RobustnessResult, default_currencies, robustness, study_defaults
from ..study.rolling import RollingResult, rolling
from ..study.verdict import Verdict, verdict
from .model import ReportContext, Skip
from .panels import (
    country_name,
    currency,
    indicator,
    panel,
    relative,
    sides,
    weight,
    why_not,
)

#: Standard errors of the report's grid: classical, HC1 and HC3 for every estimate, HAC
#: (Newey-West, 1 lag) for the time trends (the command's default grid).
GRID_SE = ("classical", "HC1", "HC3", "HAC")
GRID_COV = ("nonrobust", "HC1", "HC3", "HAC")  # GRID_SE as cov_types
#: Years per rolling window (fewer when the data are shorter), and the fewest periods it must hold.
ROLLING_WINDOW = 8
ROLLING_MIN = 5


def _cached(ctx: ReportContext, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per report, kept in ``ctx.cache[key]``; a :class:`Skip` it raises is kept
    too and raised again to every later caller."""
    if key not in ctx.cache:
        try:
            ctx.cache[key] = compute()
        except Skip as exc:
            ctx.cache[key] = exc
    got = ctx.cache[key]
    if isinstance(got, Skip):
        raise got
    return got


def grid(ctx: ReportContext) -> RobustnessResult:
    """The robustness grid on the dataset (every currency basis it has, its region variants and
    resource regions, the last five end years, two start years, the standard errors of GRID_SE)."""

    def compute() -> RobustnessResult:
        reason = why_not(ctx, "border", minimum=4)
        if reason:
            raise Skip(reason)
        try:
            return robustness(ctx.ds, indicator=indicator(ctx), cov_types=GRID_COV,
                              weight=weight(ctx), relative=relative(ctx))
        except (DataError, UnitError, ValueError) as err:
            raise Skip(f"the robustness grid cannot be run: {err}") from err

    return _cached(ctx, "grid", compute)


def names(ctx: ReportContext) -> dict[str, str]:
    """Side code -> how the text names it."""
    return {code: country_name(ctx, code) for code in sides(ctx)}


def between_share_by_basis(ctx: ReportContext) -> dict[str, Any]:
    """The between-side share of Theil T of the border regions over time, per currency basis."""
    if "between_by_basis" not in ctx.cache:
        out = {}
        for cur in default_currencies(ctx.ds):
            try:
                p = panel(ctx, "border", cur)
            except (DataError, UnitError, Skip):
                continue
            if len(p.times) >= 3:
                out[str(cur) if cur is not None else "as given"] = decompose(p, "theil", by="group")[
                    "between_share"]
        ctx.cache["between_by_basis"] = out
    return ctx.cache["between_by_basis"]


def break_years(ctx: ReportContext) -> list[int]:
    """Break years of the integration test: option ``break_years``, else the dataset's."""
    given = ctx.options.get("break_years")
    if given:
        return [int(y) for y in given]
    return study_defaults(ctx.ds)["break_years"]


def integration_test(ctx: ReportContext) -> IntegrationResult:
    """The integration test at the break years that have data before and after them (cached; the
    break years outside the data in ``ctx.cache["integration_outside"]``)."""

    def compute() -> IntegrationResult:
        try:
            years = break_years(ctx)
            if not years:
                raise Skip("the dataset names no break year (its study defaults have no "
                           "break_years) and none was given, so there is no before and after to "
                           "compare")
            p = panel(ctx, "all")
            # a period before the break and one at or after it (the break may fall between periods)
            inside = [y for y in years if p.times[0] < y <= p.times[-1]]
            if not inside:
                raise Skip(f"no break year ({', '.join(map(str, years))}) has data before and after "
                           f"it in {p.times[0]}–{p.times[-1]}")
            edges = panel_edges(ctx.ds, p.regions, ctx.options.get("tolerance_m", "auto"))
            res = integration(ctx.ds, inside, panel=p, currency=currency(ctx), edges=edges)
        except (DataError, ValueError) as err:
            raise Skip(f"the integration test cannot be run: {err}") from err
        ctx.cache["integration_outside"] = [y for y in years if y not in inside]
        return res

    return _cached(ctx, "integration", compute)


def integration_on_grid(ctx: ReportContext) -> IntegrationGrid:
    """The integration DiD on every currency basis, window and break year (cached; Skip when the
    integration test itself cannot run or the dataset has no currency bases)."""

    def compute() -> IntegrationGrid:
        res = integration_test(ctx)
        if getattr(ctx.ds, "fx", None) is None:
            raise Skip("the dataset has no exchange rates, so there is one currency basis only")
        try:
            return integration_grid(ctx.ds, break_years=list(break_years(ctx)),
                                    control=res.params["control"],
                                    tolerance_m=ctx.options.get("tolerance_m", "auto"),
                                    alpha=res.params["alpha"])
        except (DataError, ValueError) as err:
            raise Skip(f"the integration grid cannot be run: {err}") from err

    return _cached(ctx, "integration_grid", compute)


def rolling_windows(ctx: ReportContext) -> RollingResult:
    """Rolling beta and sigma on the border regions, windows of :data:`ROLLING_WINDOW` years (fewer
    on short data, option ``window``), cached."""

    def compute() -> RollingResult:
        p = panel(ctx, "border")
        span = int(p.times[-1]) - int(p.times[0]) + 1 if len(p.times) else 0
        window = int(ctx.options.get("window") or min(ROLLING_WINDOW, span - 2))  # in years
        if len(p.times) < ROLLING_MIN + 2 or window < ROLLING_MIN:
            raise Skip(f"rolling windows of at least {ROLLING_MIN} periods need "
                       f"{ROLLING_MIN + 2} periods; the data have {len(p.times)}")
        try:
            return rolling(p, window=window)
        except (DataError, ValueError) as err:
            raise Skip(f"rolling windows cannot be estimated: {err}") from err

    return _cached(ctx, "rolling", compute)


def claims_table(ctx: ReportContext) -> Any:
    """The paper's claims checked on the dataset (:func:`check_claims`), once per report: the
    verdict and the claims section read the same table."""
    return _cached(ctx, "claims", lambda: check_claims(ctx.ds))


def study_verdict(ctx: ReportContext) -> Verdict:
    """The verdict read from the grid, the between share per basis, the integration test and, for
    the paper's data, the claims; its sentences in the report's language (option ``lang``)."""
    if "verdict" not in ctx.cache:
        g = grid(ctx)
        try:
            integ = integration_test(ctx)
        except Skip:
            integ = None
        try:
            integ_grid = integration_on_grid(ctx) if integ is not None else None
        except Skip:
            integ_grid = None
        paper = ctx.ds.name == "ru-kz"
        a, b = sides(ctx)
        ctx.cache["verdict"] = verdict(
            g, names=names(ctx), sides=(country_name(ctx, a), country_name(ctx, b)),
            between=between_share_by_basis(ctx), integration=integ, integration_grid=integ_grid,
            claims=claims_table(ctx) if paper else None, paper=paper,
            lang=check_lang(ctx.options.get("lang")))
    return ctx.cache["verdict"]
