"""``crossborder report``: the paper's study end to end, as one self-contained HTML report.

On the built-in Russia–Kazakhstan data by default; on any other border with ``--regions-file FILE``
(polygons: GeoJSON, shapefile or GeoPackage, with a region code and a country per feature) and one
or more ``--data FILE`` (long tables ``region, year, indicator, value[, unit, source]`` or wide
ones), read with the shared input options (``--id-col``, ``--group-col``, ``--countries``,
``--drop-unknown`` ...). ``--regions FILE`` is accepted as another name of ``--regions-file`` here
(the report has no region selection).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from ..errors import UsageError
from ..i18n import LANGS, gettext_for
from ._inputs import (
    GEO_SUFFIXES,
    _currency_option,
    _known,
    add_city_options,
    add_input_options,
    add_unit_options,
    check_report_options,
    dataset_from_args,
    declare_units,
    number,
    parse_years_option,
)
from .border import add_tolerance_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="run the whole study and write report.html, figures and tables",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder report\n  crossborder report --out results/\n"
               "  crossborder report --date 2026-01-01   # fix the one date the report states\n"
               "  crossborder report --regions-file regions.geojson --data gdp.csv "
               "--indicator gdp_pc\n",
    )
    add_input_options(p)
    add_city_options(p)
    g = _add_dataset_options(p, "report")
    g.add_argument("--break-year", metavar="YEARS",
                   help="break year(s) of the integration test, comma-separated, e.g. 2010,2015 "
                        "(default: the dataset's; without them the test is left out, saying why)")
    add_tolerance_option(g)
    g.add_argument("--years", help="first-last (1940-2000) or a list (1940,1950,2000): the years "
                                   "of the study (default: the years both countries observe)")
    g.add_argument("--window", type=number(int, low=3),
                   help="years per rolling window (default: 8, fewer on short data)")
    g.add_argument("--km", type=number(float, low=0, low_open=True, high=2000),
                   help="width of the border zone in km (default 150)")
    add_unit_options(g)
    p.add_argument("--out", default="out",
                   help="output folder (default: out); built beside it and renamed into place when "
                        "complete, replacing an earlier report there as a whole")
    p.add_argument("--date", type=dt.date.fromisoformat, default=None,
                   help="generation date stated in the report (default: today)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_lang_option(p)
    p.add_argument("--no-explorer", dest="explorer", action="store_false",
                   help="leave the interactive explorer out of report.html (smaller file)")
    p.add_argument("--sections", metavar="NAMES",
                   help="build only these sections, comma-separated, in the report's order, e.g. "
                        "sigma,beta,maps (default: all; a name that is no section lists them)")
    p.set_defaults(func=run)
    _register_explore(sub)


def _add_dataset_options(p: argparse.ArgumentParser, what: str) -> argparse._ArgumentGroup:
    """The options ``report`` and ``explore`` share (what to read and how to convert it), in a group
    named ``what``; returns the group for the command's own options."""
    g = p.add_argument_group(what)
    g.add_argument("--regions", metavar="FILE", dest="regions_alias",
                   help=f"the same as --regions-file (the {what} has no region selection)")
    g.add_argument("--sources", metavar="FILE", help="a table of sources (source, citation, licence)")
    g.add_argument("--name", default="custom", help=f"name of your dataset in the {what}")
    g.add_argument("--indicator", help="the indicator to study (default: GRP per capita, or the "
                                       "only indicator of your data)")
    g.add_argument("--currency", type=_currency_option,
                   help="convert local currencies: USD (built-in default), PPP, PPP:<vintage>, real "
                        "(constant prices), or none")
    g.add_argument("--weight", metavar="NAME",
                   help="the indicator that weights regions (default: population where it covers "
                        "every region and period); 'none' for unweighted measures")
    return g


def _add_lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGS, default="en",
                   help="language of the report, the explorer and this command's messages: "
                        "en, ru or kk (missing translations stay in English)")


def _register_explore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explore", help="write the interactive explorer (map, year slider, charts, robustness grid) "
                        "as one self-contained page",
        description="Write DIR/explorer.html: the report's interactive explorer on its own - a map "
                    "of the regions with a year slider and hover, the border's discontinuities, sigma "
                    "and the between share over time, a region's or pair's series on click and the "
                    "robustness grid as a sortable, filterable table. One file, works offline.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder explore --out explorer/\n  crossborder explore --lang ru --out "
               "explorer/\n  crossborder explore --regions-file regions.geojson --data gdp.csv --out x/\n")
    add_input_options(p)
    add_city_options(p)
    g = _add_dataset_options(p, "explorer")
    add_tolerance_option(g)
    g.add_argument("--years", help="first-last (1940-2000) or a list (1940,1950,2000)")
    add_unit_options(g)
    p.add_argument("--out", default="explorer", help="output folder (default: explorer); the page is "
                                                      "written as explorer.html inside it")
    _add_lang_option(p)
    p.set_defaults(func=run_explore, break_year=None, window=None, km=None)


def run(args: argparse.Namespace) -> int:
    from ..report import check_out_dir

    out = check_out_dir(args.out)  # before any reading or computing: a bad --out fails at once
    try:
        return _run(args, out)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (cli.Interrupted): cleaned up
        what = {143: "terminated", 129: "hung up"}.get(getattr(exc, "code", 130), "interrupted")
        print(f"crossborder: {what}; no report written ({out.name} left as it was)",
              file=sys.stderr)
        return getattr(exc, "code", 130)


def run_explore(args: argparse.Namespace) -> int:
    """``crossborder explore``: the explorer alone, as ``--out/explorer.html``."""
    from ..report.explorer import write_explorer

    if not str(args.out or "").strip():
        raise UsageError("--out is empty: name a folder for the explorer, e.g. --out explorer/")
    ds, options = _dataset_and_options(args)
    path = write_explorer(ds, args.out, lang=args.lang, options=options)
    _ = gettext_for(args.lang)
    print(_("wrote {path} ({size} MB)").format(path=path, size=f"{path.stat().st_size / 1e6:.1f}"))
    return 0


def _dataset_and_options(args: argparse.Namespace) -> tuple:
    """The dataset and the report's options from the shared input options of report/explore."""
    if args.regions_alias:
        alias = Path(args.regions_alias)
        if not alias.exists() and alias.suffix.lower() not in GEO_SUFFIXES:
            raise UsageError(f"--regions {args.regions_alias}: the report's --regions is a polygons "
                             "file (the same as --regions-file); the report has no region "
                             "selection")
        if args.regions_file:
            raise UsageError("--regions and --regions-file name the same file: give one")
        args.regions_file = args.regions_alias
    if args.regions_file or args.data:
        if not (args.regions_file and args.data):
            raise UsageError("a report on your own border needs both --regions-file FILE and "
                             "--data FILE")
    elif args.sources:
        raise UsageError("--sources applies to your own files (--regions-file, --data)")
    ds = dataset_from_args(args)
    check_report_options(args, ds)
    options: dict = {}
    if args.indicator:
        options["indicator"] = args.indicator
    ds, declared = declare_units(args, ds, args.indicator)
    if declared:
        options["currency"] = None
    if args.currency:
        options["currency"] = None if args.currency == "none" else args.currency
    if args.relative not in (None, "none"):
        options["relative"] = args.relative
    if args.window:
        options["window"] = args.window
    if args.km:
        options["zone_km"] = args.km
    if args.years:
        ds = _years(ds, args.years)
    if args.weight:
        if args.weight != "none":
            _known(ds, args.weight, "--weight")
        options["weight"] = args.weight
    if args.tolerance_m != "auto":
        options["tolerance_m"] = args.tolerance_m
    if args.break_year:
        try:
            options["break_years"] = [int(y) for y in args.break_year.split(",") if y.strip()]
        except ValueError as err:
            raise UsageError(f"--break-year: give years separated by commas, not {args.break_year!r}") \
                from err
    for key, what in (("relative", "index to the mean"), ("window", "rolling window")):
        if key in options:
            print(f"note: {what}: {options[key]}", file=sys.stderr)
    return ds, options


def _run(args: argparse.Namespace, out: Path) -> int:
    from ..report import build_report, sections_for

    ds, options = _dataset_and_options(args)
    options["lang"] = args.lang
    if not args.explorer:
        options["explorer"] = False
    if args.sections is not None:
        options["sections"] = args.sections
    if args.quiet or not sys.stderr.isatty():
        result = build_report(ds, out, generated=args.date, options=options)
    else:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("report", total=len(sections_for(ds, options.get("sections"))))

            def step(name: str) -> None:
                bar.update(task, advance=1, description=f"section {name}")

            result = build_report(ds, out, generated=args.date, progress=step, options=options)
    _ = gettext_for(args.lang)
    print(_("wrote {path} ({tables} tables, {figures} figures)").format(
        path=result.html, tables=len(result.tables), figures=len(result.figures)))
    return 0


def _years(ds, text: str):
    """The dataset restricted to the years of ``--years`` (every indicator: the study, its weight
    and the rates see the same years); a usage error when no observation is left."""
    years = parse_years_option(text)
    obs = ds.observations
    if isinstance(years, tuple):
        keep = (obs["year"] >= years[0]) & (obs["year"] <= years[1])
    else:
        keep = obs["year"].isin(years)
    if not keep.any():
        have = sorted(set(int(y) for y in obs["year"]))
        raise UsageError(f"--years {text}: no data in those years (the data have "
                         f"{have[0]}–{have[-1]})" if have else f"--years {text}: the data are empty")
    return replace(ds, observations=obs[keep].reset_index(drop=True))
