"""The measure commands: sigma, beta, decompose, gamma, delta, clubs, markov.

Each command imports its measure when it runs, so that ``crossborder --help`` and the other
commands start without loading every measure's dependencies.

Each takes the shared input and selection options (:mod:`crossborder.commands._inputs`) and prints
a tidy table; ``--csv`` for the table, ``--json`` for every field of the result.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from ..errors import DataError, UsageError
from ._common import _records, dump_json, emit
from ._inputs import number, panel_command, panel_from_args, parse_years_option, wants_weights

SIGMA_MEASURES = ["sd_log", "var_log", "sd", "cv", "williamson", "gini", "theil", "mld", "atkinson",
                  "hoover"]


def _parser(sub: argparse._SubParsersAction, name: str, help_: str, examples: list[str],
            regions: str = "border") -> argparse.ArgumentParser:
    return panel_command(sub, name, help_, examples, regions=regions)


def register(sub: argparse._SubParsersAction) -> None:
    p = _parser(sub, "sigma", "dispersion of the regions per year (sigma convergence)",
                ["crossborder sigma", "crossborder sigma --measure gini,theil --regions all",
                 "crossborder sigma --measure williamson --json"])
    p.add_argument("--measure", default="sd_log,cv,gini,theil",
                   help=f"comma-separated, from {', '.join(SIGMA_MEASURES)} (default: sd_log,cv,gini,theil)")
    p.add_argument("--weighted", action="store_true",
                   help="weight regions by the weight (population; --weight NAME implies it)")
    p.add_argument("--ddof", type=number(int, low=0), default=0,
                   help="delta degrees of freedom of SD/CV (default 0)")
    p.set_defaults(func=run_sigma)

    p = _parser(sub, "beta", "beta convergence: growth on the initial level, speed and half-life",
                ["crossborder beta", "crossborder beta --conditional --robust HC1",
                 "crossborder beta --years 2008-2019 --regions all"])
    p.add_argument("--conditional", action="store_true", help="add a country dummy")
    p.add_argument("--weighted", action="store_true",
                   help="weighted least squares, weights = the start year's weight (population; "
                        "--weight NAME implies it)")
    p.add_argument("--robust", choices=["HC0", "HC1", "HC2", "HC3"], help="robust standard errors")
    p.add_argument("--not-annualized", action="store_true", help="growth over the whole span")
    p.set_defaults(func=run_beta)

    p = _parser(sub, "decompose", "inequality within and between countries (the border's share)",
                ["crossborder decompose", "crossborder decompose --index mld --weighted"])
    p.add_argument("--index", choices=["theil", "mld"], default="theil")
    p.add_argument("--weighted", action="store_true",
                   help="population-weighted (--weight NAME implies it)")
    p.set_defaults(func=run_decompose)

    p = _parser(sub, "gamma", "gamma convergence: Kendall's concordance of ranks with the first year",
                ["crossborder gamma", "crossborder gamma --multiannual --years 2008-2019"])
    p.add_argument("--multiannual", action="store_true",
                   help="Boyle & McCarthy's multi-annual index: the ranks of every year from the "
                        "first to each year at once (not convergEU's normalisation)")
    p.set_defaults(func=run_gamma)

    p = _parser(sub, "delta", "delta convergence: distance to the best performer over time",
                ["crossborder delta", "crossborder delta --weighted"])
    p.add_argument("--weighted", action="store_true",
                   help="population-weighted mean distance (--weight NAME implies it)")
    p.set_defaults(func=run_delta)

    p = _parser(sub, "clubs", "Phillips–Sul convergence clubs, and which mix the two countries",
                ["crossborder clubs", "crossborder clubs --cstar 0 --hac AQSB --merge PS"],
                regions="all")
    p.add_argument("--trim", type=number(float, low=0, high=1, low_open=True, high_open=True),
                   default=1 / 3, help="share of periods discarded, between 0 and 1 (default 1/3)")
    p.add_argument("--cstar", type=number(float), default=0.0,
                   help="sieve critical value c* (default 0)")
    p.add_argument("--hac", choices=["FQSB", "AQSB"], default="FQSB")
    p.add_argument("--merge", choices=["PS", "vLT"], default=None, help="merge clubs after clustering")
    p.add_argument("--no-filter", action="store_true",
                   help="use the logs as they are (default: HP-filtered logs, lambda 400)")
    p.add_argument("--hp-lambda", type=number(float, low=0, low_open=True), default=None,
                   help="smoothing parameter of the HP filter (default 400, for annual data; "
                        "Ravn-Uhlig: 400 / step^4 for periods step years apart, e.g. 0.04 for "
                        "decades)")
    p.set_defaults(func=run_clubs)

    p = _parser(sub, "markov", "distribution dynamics: transitions between income classes",
                ["crossborder markov", "crossborder markov --k 4 --relative"], regions="all")
    p.add_argument("--k", type=number(int, low=2), default=5,
                   help="number of quantile classes, at least 2 (default 5)")
    p.set_defaults(func=run_markov)


def _stamped(args: argparse.Namespace, panel: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the columns ``relative`` and ``unit`` when the values are indices
    (--relative): every JSON and CSV row says what its numbers are of (the text has the title)."""
    rel = panel.meta.get("relative")
    if not rel or not (getattr(args, "json", False) or getattr(args, "csv", False)):
        return frame
    return frame.assign(relative=rel["to"], unit=panel.unit)


def _of(panel: Any) -> str:
    """' (USD)' or ' (index, national mean = 100, unweighted)': the unit for a title."""
    return f" ({panel.unit})" if panel.unit else ""


def _note(text: str, args: argparse.Namespace) -> None:
    if not (args.json or args.csv):
        print(text)


def run_sigma(args: argparse.Namespace) -> int:
    from ..measures.dispersion import sigma

    measures = [m.strip() for m in args.measure.split(",") if m.strip()]
    bad = [m for m in measures if m not in SIGMA_MEASURES]
    if bad or not measures:
        raise UsageError(f"--measure: unknown measure {bad[0] if bad else args.measure!r}; "
                         f"choose from {', '.join(SIGMA_MEASURES)}")
    weighted = wants_weights(args)
    always = [m for m in measures if m in ("williamson", "hoover")]
    why = "--weighted" if weighted or not always else f"--measure {always[0]}"
    panel = panel_from_args(args, weighting=weighted or bool(always), weight_for=why)
    table = sigma(panel, measure=measures, weighted=weighted, ddof=args.ddof)
    emit(args, _stamped(args, panel, table.reset_index()),
         title=f"sigma convergence of {panel.indicator}{_of(panel)}")
    return 0


def run_beta(args: argparse.Namespace) -> int:
    from ..measures.beta import beta

    if isinstance(parse_years_option(args.years), list) and len(parse_years_option(args.years)) != 2:
        raise UsageError(f"--years {args.years}: beta compares a first and a last year; give two "
                         "years (2008,2019) or a range (2008-2019)")
    weighted = wants_weights(args)
    # country dummies absorb each country's scale: conditional beta runs on raw units
    panel = panel_from_args(args, weighting=weighted, two_sided=bool(args.conditional),
                            pooled=not args.conditional)
    times = panel.times
    if len(times) < 2:
        raise UsageError(f"beta needs two years; the selection has one ({times[0]}): give a range "
                         "with --years first-last")
    res = beta(panel, times[0], times[-1], controls="group" if args.conditional else None,
               annualize=not args.not_annualized, cov_type=args.robust or "nonrobust", weighted=weighted)
    fields = res.to_dict()
    for k in ("dropped", "dropped_terms"):
        fields[k] = ",".join(map(str, fields[k])) or None
    row = pd.DataFrame([{**fields, "conditional": bool(args.conditional)}])
    if not args.json:
        row = row.drop(columns=["dropped", "dropped_terms"])
    if res.dropped:
        print(f"note: left out of the regression: {', '.join(map(str, res.dropped))}",
              file=sys.stderr)
    emit(args, _stamped(args, panel, row), title=res.summary() + (
        f"\nvalues: {panel.indicator}{_of(panel)}" if panel.meta.get("relative") else ""))
    return 0


def run_decompose(args: argparse.Namespace) -> int:
    from ..measures.decompose import decompose

    weighted = wants_weights(args)
    panel = panel_from_args(args, weighting=weighted, two_sided=True)
    table = decompose(panel, index=args.index, by="group", weighted=weighted)
    emit(args, _stamped(args, panel, table.reset_index()),
         title=f"{args.index} of {panel.indicator}{_of(panel)}: within and between "
               f"{panel.group_name or 'groups'}")
    return 0


def run_gamma(args: argparse.Namespace) -> int:
    from ..measures.ranks import gamma

    panel = panel_from_args(args, weighting=False)
    if getattr(args, "multiannual", False):
        emit(args, _stamped(args, panel, gamma(panel, kind="multiannual").reset_index()),
             title=f"multi-annual gamma of {panel.indicator}{_of(panel)} over the years from the first "
                   "to each (1 = ranks unchanged)")
        return 0
    emit(args, _stamped(args, panel, gamma(panel).reset_index()),
         title=f"gamma convergence of {panel.indicator}{_of(panel)} (1 = ranks unchanged)")
    return 0


def run_delta(args: argparse.Namespace) -> int:
    from ..measures.frontier import delta

    weighted = wants_weights(args)
    panel = panel_from_args(args, weighting=weighted)
    res = delta(panel, weighted=weighted)
    if args.json:
        _dump({"best": res.best, "table": _records(res.to_frame().reset_index()),
               "departures": _records(res.departures.reset_index(drop=True))})
        return 0
    emit(args, _stamped(args, panel, res.to_frame().reset_index()), title=res.summary() + (
        f"\nvalues: {panel.indicator}{_of(panel)}" if panel.meta.get("relative") else ""))
    return 0


def run_clubs(args: argparse.Namespace) -> int:
    from ..measures.clubs import MIN_PERIODS, clubs
    from ..measures.hpfilter import hp_filter

    panel = panel_from_args(args, weighting=False).log()
    if len(panel.times) < MIN_PERIODS:
        error = UsageError if args.years else DataError
        raise error(f"clubs need at least {MIN_PERIODS} periods (HP filter and the log t "
                         f"regression on the last two thirds); the selection has "
                         f"{len(panel.times)} ({', '.join(map(str, panel.times))})")
    if args.no_filter and args.hp_lambda is not None:
        raise UsageError("--hp-lambda and --no-filter exclude each other")
    _clubs_notes(panel, args)
    if not args.no_filter:
        panel = hp_filter(panel, lamb=args.hp_lambda or 400.0)
    res = clubs(panel, trim=args.trim, cstar=args.cstar, hac=args.hac, merge=args.merge)
    members = res.membership()
    if args.json:
        _dump({"n_clubs": res.n_clubs, "clubs": _records(res.to_frame()),
               "divergent": list(res.divergent), "members": _records(members),
               "settings": {k: v for k, v in res.settings.items() if k != "order"},
               "regions": len(res.regions), "start": res.times[0], "end": res.times[-1],
               "relative": args.relative or "none", "unit": panel.unit})
        return 0
    if args.csv:
        emit(args, members)
        return 0
    print(res.summary())
    if "group" in members:
        mix = members[members["status"] == "club"].groupby("club")["group"].agg(
            lambda g: ", ".join(f"{k} {v}" for k, v in g.value_counts().sort_index().items()))
        print("\nclub members by country:")
        for club, text in mix.items():
            print(f"  club {club}: {text}")
    sys.stdout.write("\n")
    emit(args, members)
    return 0


#: Fewest periods of the log t regression (after trimming) for clubs that are more than indicative.
CLUBS_FIRM_PERIODS = 20


def _clubs_notes(panel: Any, args: argparse.Namespace) -> None:
    """Notes on stderr: a series too short for firm clubs; a lambda meant for annual data on
    periods several years apart (Ravn & Uhlig 2002: lambda scales with the 4th power of the
    frequency, 400 / step^4)."""
    import numpy as np

    t = np.asarray(panel.times, dtype=float)
    used = len(t) - int(np.floor(args.trim * len(t)))
    if used < CLUBS_FIRM_PERIODS:
        print(f"note: the log t regression rests on {used} periods (of {len(t)}, first "
              f"{args.trim:.2g} trimmed): with fewer than {CLUBS_FIRM_PERIODS} the clubs are "
              "indicative", file=sys.stderr)
    steps = sorted(set(np.diff(t).tolist()))
    if args.no_filter or not steps or steps == [1.0]:
        return
    step = float(np.median(np.diff(t)))
    scaled = 400.0 / step ** 4
    what = (f"periods {step:g} years apart" if len(steps) == 1 else
            f"periods {steps[0]:g} to {steps[-1]:g} years apart")
    if args.hp_lambda is None:
        print(f"note: {what}: the HP filter's lambda 400 is meant for annual data; Ravn-Uhlig "
              f"scaling gives {scaled:.3g} (--hp-lambda {scaled:.3g})", file=sys.stderr)
    else:
        print(f"note: {what}: HP filter with lambda {args.hp_lambda:g} (Ravn-Uhlig scaling of "
              f"400 gives {scaled:.3g})", file=sys.stderr)


def run_markov(args: argparse.Namespace) -> int:
    from ..measures.dynamics import markov

    panel = panel_from_args(args, weighting=False)
    if args.k > len(panel.regions):
        raise UsageError(f"--k {args.k}: more classes than regions ({len(panel.regions)}); "
                         f"use at most {len(panel.regions)}")
    res = markov(panel, k=args.k)
    if args.json:
        labels = list(res.labels)
        _dump({"k": res.k, "kind": res.kind, "relative": args.relative or "none",
               "unit": panel.unit, "labels": labels,
               "regions": len(res.regions), "times": list(res.times),
               "n_transitions": res.n_transitions, "skipped": res.skipped,
               "transitions": _records(res.to_frame()),
               "steady_state": dict(zip(labels, res.steady_state, strict=True)),
               "sojourn": dict(zip(labels, res.sojourn, strict=True)),
               "mobility": res.mobility, "empty_classes": list(res.empty_classes)})
        return 0
    if args.csv:
        emit(args, res.to_frame())
        return 0
    print(res.summary())
    return 0


def _dump(obj: dict[str, Any]) -> None:
    """A JSON object on stdout (NaN and infinities as null)."""
    dump_json(obj)
