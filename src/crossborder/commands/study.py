"""The study-level commands: robustness (a grid of specifications), rolling (time-varying
convergence) and integration (DiD / event study of pair gaps around a break year).

Each imports its estimator when it runs and takes the shared data options; ``--json``/``--csv``
print the full tidy table, ``--out FILE`` writes the command's figure (PNG, SVG or PDF by the
extension; PNG without one).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..border.shared import panel_edges
from ..errors import UsageError
from ._common import emit
from ._inputs import (
    dataset_from_args,
    declare_units,
    note,
    panel_command,
    panel_from_args,
    require_polygons,
)
from .border import add_tolerance_option, border_of

SE_CHOICES = ("classical", "HC0", "HC1", "HC2", "HC3", "HAC")


def _parser(sub: argparse._SubParsersAction, name: str, help_: str, examples: list[str],
            regions: str = "border") -> argparse.ArgumentParser:
    p = panel_command(sub, name, help_, examples, regions=regions)
    p.add_argument("--out", metavar="FILE", help="write the figure to FILE (.png, .svg or .pdf)")
    return p


def _list(text: str | None, kind: type = str, option: str = "") -> list | None:
    """Comma-separated items; years (``kind=int``) also as ranges ``2015-2019``."""
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if kind is int:
        out: list[int] = []
        for t in items:
            try:
                if "-" in t.lstrip("-"):
                    a, b = (int(x) for x in t.split("-", 1))
                    if b < a:
                        raise UsageError(f"{option} {text}: the range {t} runs backwards; write "
                                         f"{b}-{a}")
                    out.extend(range(a, b + 1))
                else:
                    out.append(int(t))
            except ValueError:
                raise UsageError(f"{option} {text}: {t!r} is not a year or a range of years "
                                 "(e.g. 2015 or 2015-2019)") from None
        if not out:
            raise UsageError(f"{option} {text!r}: give at least one year")
        return out
    return items


def _check_se(values: list[str] | None, option: str) -> None:
    for v in values or []:
        if v not in SE_CHOICES:
            raise UsageError(f"{option}: {v!r} is not one of {', '.join(SE_CHOICES)}")


def _label(panel) -> str:
    """The indicator with its unit when the data has one."""
    return f"{panel.indicator} ({panel.unit})" if panel.unit else str(panel.indicator)


def _check_alpha(alpha: float) -> None:
    """--alpha: a finite number strictly between 0 and 1."""
    if not (math.isfinite(alpha) and 0 < alpha < 1):
        raise UsageError(f"--alpha {alpha:g}: give a number between 0 and 1 (exclusive), e.g. 0.05 "
                         "for 95% intervals")


def _check_out(out: str | None) -> None:
    """--out FILE: a known format and a place that can be written, checked before any computing
    (a read-only or missing folder fails at once, with the path)."""
    if not out:
        return
    from ..atomic import check_writable

    path = Path(out)
    if path.suffix.lower().lstrip(".") not in ("png", "svg", "pdf", ""):
        raise UsageError(f"--out: use a .png, .svg or .pdf file, not {path.name!r}")
    check_writable(path if path.suffix else path.with_suffix(".png"))


def _save(fig, out: str) -> None:
    from .._mapstyle import save

    path = Path(out)
    fmt = path.suffix.lower().lstrip(".") or "png"
    if fmt not in ("png", "svg", "pdf"):
        raise UsageError(f"--out: use a .png, .svg or .pdf file, not {path.name!r}")
    for written in save(fig, path, formats=[fmt]):
        print(f"wrote {written}", file=sys.stderr)


def _finite(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with +-inf as missing: JSON (RFC 8259) has no Infinity or NaN, missing is null."""
    def fix(v):
        return None if isinstance(v, float | np.floating) and not np.isfinite(v) else v

    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].replace([np.inf, -np.inf], np.nan)
        elif out[col].dtype == object:
            out[col] = out[col].map(fix)
    return out


def _emit(args: argparse.Namespace, frame: pd.DataFrame, title: str) -> None:
    if getattr(args, "json", False):
        frame = _finite(frame)
    if getattr(args, "csv", False):
        from ..csvsafe import neutralise_formulas

        frame = neutralise_formulas(frame)
    emit(args, frame, title=title)


def register(sub: argparse._SubParsersAction) -> None:
    p = _parser(sub, "robustness",
                "every headline estimate on a grid of specifications (years, currency, regions, "
                "resource regions, standard errors)",
                ["crossborder robustness",
                 "crossborder robustness --estimate beta_conditional --out spec.png",
                 "crossborder robustness --currency PPP --ends 2015-2019 --se HC1,HAC --csv",
                 "crossborder robustness --resource-regions RU-ORE,KZ-ATY"])
    g = p.add_argument_group("grid")
    g.add_argument("--currencies", help="currency bases of the grid, comma-separated (default: every "
                                        "basis the dataset has; --currency X runs one)")
    g.add_argument("--starts", help="start years, e.g. 2008,2010 (default: first year and two later)")
    g.add_argument("--ends", help="end years, e.g. 2016-2020 (default: the last --n-ends years)")
    g.add_argument("--n-ends", type=int, default=5, help="number of last years used as ends (default 5)")
    g.add_argument("--min-years", type=int, default=5, help="shortest span in years (default 5)")
    g.add_argument("--se", default="classical,HC1,HC3,HAC",
                   help="standard errors, comma-separated (default classical,HC1,HC3,HAC; HAC for "
                        "time trends only)")
    g.add_argument("--resource-regions",
                   help="codes left out in the 'resources out' variant (default: the dataset's list); "
                        "'none' runs without that variant")
    g.add_argument("--estimates", help="families, comma-separated, from sigma, beta, between_share, "
                                       "border_effect, pair_gaps (default: all)")
    g.add_argument("--estimate", help="print the rows of one estimate (e.g. beta_conditional) and "
                                      "draw its specification curve (default for --out: beta_conditional)")
    g.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    g.add_argument("--skipped", action="store_true",
                   help="print what the grid set aside and why (specifications repeating another "
                        "one's data, spans too short, time trends on fewer than 3 periods, estimates "
                        "without a finite standard error) instead of the estimates")
    p.set_defaults(func=run_robustness)

    p = _parser(sub, "rolling", "beta and sigma trend on rolling windows of years, with intervals",
                ["crossborder rolling", "crossborder rolling --window 6 --out rolling.png",
                 "crossborder rolling --currency PPP --trend-se HAC --json"])
    p.add_argument("--window", type=int, default=8,
                   help="years each window covers (default 8): a window from year s covers s to "
                        "s + WINDOW - 1 and holds the periods of the data in those years; a window "
                        "needs 3 periods (on data every few years, use a longer window)")
    p.add_argument("--step", type=int, default=1,
                   help="years between the starts of two windows (default 1)")
    p.add_argument("--beta-se", default="HC3", choices=SE_CHOICES[:-1],
                   help="beta's errors (default HC3, the study's declared baseline)")
    p.add_argument("--trend-se", default="classical", choices=SE_CHOICES,
                   help="sigma trend's errors (default classical)")
    p.add_argument("--alpha", type=float, default=0.05, help="1 - confidence level (default 0.05)")
    p.set_defaults(func=run_rolling)

    p = _parser(sub, "integration",
                "did cross-border gaps narrow after a break year more than domestic ones? DiD and "
                "event study of neighbour-pair gaps, break tests of sigma and the between share",
                ["crossborder integration", "crossborder integration --break-year 2010,2012,2015",
                 "crossborder integration --currency PPP --out event.png --json"], regions="all")
    p.add_argument("--break-year", help="break year(s), comma-separated (default: the dataset's, "
                                        "else 2015)")
    p.add_argument("--control", choices=["border", "all"], default="border",
                   help="domestic pairs: both regions on the border (default) or any neighbours")
    p.add_argument("--se", default="classical", choices=SE_CHOICES,
                   help="errors of the break tests (default classical; the DiD clusters by pair)")
    p.add_argument("--alpha", type=float, default=0.05, help="1 - confidence level (default 0.05)")
    p.add_argument("--events", action="store_true", help="print the event-study coefficients instead")
    add_tolerance_option(p)
    p.add_argument("--inference", action="store_true",
                   help="print the DiD's further inference instead: dyadic-robust and two-way "
                        "clustered errors, wild cluster bootstrap p, the exchange-rate control, "
                        "placebo break years")
    p.add_argument("--grid", action="store_true",
                   help="run the DiD on every currency basis, window and break year instead and "
                        "print the grid (with the dataset's bases; --currency is ignored)")
    p.set_defaults(func=run_integration)


# ----------------------------------------------------------------------------- robustness
def run_robustness(args: argparse.Namespace) -> int:
    from ..study.robustness import robustness

    _check_out(args.out)
    if args.years:
        raise UsageError("robustness: use --starts and --ends instead of --years")
    if args.regions is not None or args.unbalanced:
        raise UsageError("robustness runs on the border regions (and every region for the border "
                         "effect), balanced per specification: --regions/--unbalanced do not apply")
    if args.currencies and args.currency:
        raise UsageError("give --currency or --currencies, not both")
    _check_alpha(args.alpha)
    if args.n_ends < 1:
        raise UsageError(f"--n-ends {args.n_ends}: use at least 1 end year")
    if args.min_years < 3:
        raise UsageError(f"--min-years {args.min_years}: a time trend needs at least 3 years")
    se = _list(args.se)
    _check_se(se, "--se")
    ds = dataset_from_args(args)
    # resolves and checks indicator, weight and currency; its notes on the default span do not
    # apply (each specification is balanced over its own years, its left-out regions in the table)
    with contextlib.redirect_stderr(io.StringIO()):
        probe = panel_from_args(args, ds)
    currencies = _list(args.currencies) or ([probe.meta.get("currency")] if args.currency else None)
    if currencies is not None:
        currencies = [None if c == "none" else c for c in currencies]
    res_codes = None if args.resource_regions is None else (
        [] if args.resource_regions == "none" else _list(args.resource_regions))
    resources = ("in",) if res_codes == [] else ("in", "out")
    kw = dict(starts=_list(args.starts, int, "--starts"), ends=_list(args.ends, int, "--ends"),
              n_ends=args.n_ends,
              min_years=args.min_years, cov_types=[_cov(s) for s in se], alpha=args.alpha,
              resources=resources,
              resource_regions=res_codes or None)
    if args.estimates:
        kw["estimates"] = _list(args.estimates)
    ds, _ = declare_units(args, ds, probe.indicator)       # --unit, --fx, --deflator
    res = robustness(ds, indicator=probe.indicator, currencies=currencies,
                     weight=probe.meta.get("weight"), relative=args.relative, **kw)
    if len(res.skipped):
        print(_skipped_note(res.skipped), file=sys.stderr)
    if args.out:
        from ..charts_study import specification_curve

        est = args.estimate or "beta_conditional"
        if est not in res.estimates:
            raise UsageError(f"--estimate: no estimate {est!r}; the grid has {res.estimates}")
        have = list(pd.unique(res.table.loc[res.table["estimate"] == est, "se_type"]))
        se_curve = "HC1" if "HC1" in have else have[0]
        _save(specification_curve(res, est, se_type=se_curve, title=f"{est}: every specification",
                                  subtitle=f"{res.params['indicator']}; sorted estimates with "
                                           f"{100 * (1 - args.alpha):.0f}% intervals ({se_curve})"),
              args.out)
    if args.skipped:
        table = res.skipped
    elif args.estimate:
        table = res.table[res.table["estimate"] == args.estimate]
        if table.empty:
            raise UsageError(f"--estimate: no estimate {args.estimate!r}; the grid has {res.estimates}")
    elif args.json or args.csv:
        table = res.table
    else:
        table = res.overview()
    _emit(args, table.reset_index(drop=True), res.summary())
    return 0


def _skipped_note(skipped: pd.DataFrame) -> str:
    """One note on what the grid set aside: each reason once, with how many rows it covers."""
    reasons = skipped["reason"].astype(str)
    same = reasons.str.startswith("same data as")
    counts = reasons[~same].value_counts(sort=False)
    parts = ([f"{int(same.sum())} specification(s) repeat another one's data"] if same.any() else []) + [
        f"{n} x {reason}" for reason, n in counts.items()]
    shown = parts[:4] + ([f"and {len(parts) - 4} more reason(s)"] if len(parts) > 4 else [])
    return (f"note: {len(skipped)} row(s) of the grid set aside, not counted (--skipped lists them): "
            + "; ".join(shown))


# ----------------------------------------------------------------------------- rolling
def run_rolling(args: argparse.Namespace) -> int:
    from ..study.rolling import rolling, rolling_windows

    _check_out(args.out)
    _check_alpha(args.alpha)
    if args.window < 3:
        raise UsageError(f"--window {args.window}: a window must cover at least 3 years (it needs 3 "
                         "periods)")
    if args.step < 1:
        raise UsageError(f"--step {args.step}: must be at least 1 year")
    panel = panel_from_args(args)
    try:
        rolling_windows(panel.times, args.window, args.step)
    except ValueError as err:
        raise UsageError(f"--window {args.window}: {err}") from None
    res = rolling(panel, args.window, step=args.step, cov_type=_cov(args.beta_se),
                  trend_cov_type=_cov(args.trend_se), alpha=args.alpha)
    if args.out:
        from ..charts_study import rolling_chart

        _save(rolling_chart(res, title=f"Convergence in rolling {args.window}-year windows",
                            subtitle=f"{_label(panel)}, {panel.shape[0]} regions"),
              args.out)
    _emit(args, res.table, res.summary())
    return 0


# ----------------------------------------------------------------------------- integration
def run_integration(args: argparse.Namespace) -> int:
    from ..study.integration import integration

    _check_out(args.out)
    _check_alpha(args.alpha)
    years = _list(args.break_year, int, "--break-year")
    ds = dataset_from_args(args)
    require_polygons(ds, "integration")
    if args.grid:
        from ..study.integration import integration_grid

        grid = integration_grid(ds, break_years=years, control=args.control, alpha=args.alpha,
                                tolerance_m=border_of(args, ds).tolerance_m)
        _emit(args, grid.table, grid.summary())
        return 0
    panel = panel_from_args(args, ds)
    border = border_of(args, ds)
    res = integration(ds, years, panel=panel, control=args.control, cov_type=_cov(args.se),
                      alpha=args.alpha, currency=panel.meta.get("currency"),
                      edges=panel_edges(ds, panel.regions, border.tolerance_m))
    for text in border.notes:
        note(text)
    if args.out:
        from ..charts_study import event_study_chart

        _save(event_study_chart(list(res.did.values()),
                                title="Gaps across the border vs. gaps inside each country",
                                subtitle=f"{_label(panel)}; event study, "
                                         f"{100 * (1 - args.alpha):g}% intervals clustered by pair"),
              args.out)
    table = res.event if args.events else res.inference if args.inference else res.table
    _emit(args, table, res.summary())
    return 0


def _cov(se: str) -> str:
    """The ``cov_type`` of an ``--se`` value ("classical" is "nonrobust")."""
    return "nonrobust" if se == "classical" else se
