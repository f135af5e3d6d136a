"""The options every command shares, in one place: where the regions and data come from, and
which part of them a command works on.

Input (``add_input_options``): the built-in ``--dataset`` or the user's own files:
``--regions-file FILE`` (polygons: GeoJSON, shapefile, GeoPackage) and ``--data FILE`` (CSV/TSV,
Excel, Parquet; long or wide; repeatable), with the columns named by ``--id-col``,
``--regions-id-col``, ``--time-col``, ``--value-col``, ``--weight-col`` and ``--group-col`` (the
country), or the country taken from the code's prefix (``--country-from-prefix``), the two sides
picked by ``--countries A B``, and rows of regions that are not in the regions file set aside by
``--drop-unknown``.

Selection (``add_selection_options``): ``--indicator``, ``--years``, ``--regions`` (a *selection*:
border, all, interior, a country, border:XX or codes — never a file: polygons come with
``--regions-file``), ``--currency``, ``--weight`` and ``--unbalanced``.

Cities (``add_city_options``; twins, distances, zones): ``--cities FILE`` (a table with name,
population, lon, lat, or a file of points; :func:`crossborder.io.cities.read_cities`) with
``--city-name-col``, ``--city-pop-col``, ``--lon-col``, ``--lat-col`` and the optional
``--city-region-col``, ``--city-country-col``, ``--city-capital-col``, ``--cities-crs``. The cities
are placed in the dataset's polygons (the user's, or the built-in ones, whose cities they then
replace); those outside every polygon are set aside and named on stderr.

Every option is honoured or is an error (:class:`~crossborder.errors.UsageError`, exit 2): an
option that does not apply to the chosen input, a value out of range, a selection that matches
nothing. What the readers repaired or set aside is summarised on stderr (``--verbose``: in full).
"""

from __future__ import annotations

import argparse
import ast
import math
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import REGION_SETS, Dataset, currency_of, load_dataset
from ..errors import DataError, UnitError, UsageError
from ..panel import Panel
from ..study import DEFAULT_INDICATOR, study_panel
from ..validate import near_codes
from ._common import cli_message

__all__ = ["add_input_options", "panel_command", "add_selection_options", "add_panel_options",
           "add_city_options", "dataset_from_args", "panel_from_args", "number", "parse_years_option",
           "GEO_SUFFIXES"]

#: Suffixes of polygon files: a ``--regions`` value like these is a mistaken ``--regions-file``.
GEO_SUFFIXES = (".geojson", ".json", ".shp", ".gpkg", ".fgb", ".gml", ".kml", ".zip")
#: Column options that only apply to the user's files.
_FILE_OPTIONS = ("id_col", "regions_id_col", "time_col", "value_col", "group_col", "weight_col",
                 "countries", "country_from_prefix", "crs", "country", "drop_unknown")


# ----------------------------------------------------------------------------- option types
def number(kind: type = float, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> Callable[[str], Any]:
    """An argparse type: a finite number of ``kind`` within [low, high] (open ends on request).

    ``int`` refuses '2.5' (not a whole number) instead of truncating it; 'nan' and 'inf' are
    refused for both kinds. Errors exit with code 2 naming the option.
    """
    def parse(text: str) -> Any:
        try:
            f = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(f):
            raise argparse.ArgumentTypeError(f"must be a finite number, not {text!r}")
        if kind is int:
            if not f.is_integer():
                raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}")
            v: Any = int(f)
        else:
            v = f
        if low is not None and (v < low or (low_open and v == low)):
            raise argparse.ArgumentTypeError(f"must be {'>' if low_open else '>='} {low:g}, "
                                             f"not {text!r}")
        if high is not None and (v > high or (high_open and v == high)):
            raise argparse.ArgumentTypeError(f"must be {'<' if high_open else '<='} {high:g}, "
                                             f"not {text!r}")
        return v

    parse.__name__ = kind.__name__
    return parse


def crs_option(text: str) -> str:
    """An argparse type: a coordinate reference system pyproj knows ('EPSG:3857', a WKT, a PROJ
    string); else a usage error (exit 2) instead of pyproj's internal error."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(text)
    except CRSError:
        raise argparse.ArgumentTypeError(f"unknown CRS {text!r} (e.g. EPSG:4326, EPSG:3857)") from None
    return text


def parse_years_option(text: str | None) -> tuple[int, int] | list[int] | None:
    """'2008-2019' -> (2008, 2019); '2008,2012,2019' -> [2008, 2012, 2019]; plain errors else."""
    if text is None:
        return None
    t = text.strip().replace("–", "-").replace(":", "-")
    hint = "use first-last (2008-2019) or a list (2008,2012,2019)"
    if re.fullmatch(r"\d{4}\s*-\s*\d{4}", t):
        a, b = (int(x) for x in t.split("-"))
        if a > b:
            raise UsageError(f"--years {text}: the first year ({a}) comes after the last ({b})")
        return (a, b)
    parts = [p.strip() for p in t.split(",")]
    if t and all(re.fullmatch(r"\d{4}", p) for p in parts):
        years = sorted({int(p) for p in parts})
        return years
    raise UsageError(f"--years {text!r}: not years; {hint}")


# ----------------------------------------------------------------------------- options
class _RegionsFile(argparse.Action):
    """--regions-file FILE, repeatable: ``regions_file`` lists the files, ``regions_files`` holds
    each with the per-file options that follow it."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        files = list(getattr(namespace, "regions_file", None) or [])
        specs = list(getattr(namespace, "regions_files", None) or [])
        files.append(values)
        specs.append({"path": values})
        namespace.regions_file = files
        namespace.regions_files = specs


class _PerFile(argparse.Action):
    """An option of the last --regions-file given before it; before any, of all files."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        specs = getattr(namespace, "regions_files", None) or []
        key = {"regions_id_col": "id_col"}.get(self.dest, self.dest)
        if specs:
            if key in specs[-1]:
                raise argparse.ArgumentError(self, f"given twice for --regions-file "
                                                   f"{specs[-1]['path']}")
            specs[-1][key] = values
            if len(specs) > 1:
                return
        else:
            setattr(namespace, f"_all_{self.dest}", values)
        setattr(namespace, self.dest, values)


def regions_file_specs(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each --regions-file with its own options (id_col, country, crs)."""
    specs = getattr(args, "regions_files", None)
    files = getattr(args, "regions_file", None)
    if isinstance(files, str | Path):
        return [{"path": str(files)}]
    return [dict(s) for s in specs] if specs else [{"path": str(f)} for f in files or []]


def add_input_options(p: argparse.ArgumentParser, *, data: bool = True) -> None:
    """--dataset or the user's files, and how to read them."""
    g = p.add_argument_group("input (the built-in dataset, or your own files)")
    g.add_argument("--dataset", default=None,
                   help="built-in dataset (default: ru-kz); not with --data/--regions-file")
    g.add_argument("--regions-file", metavar="FILE", action=_RegionsFile, dest="regions_file",
                   help="your regions' polygons (GeoJSON, shapefile, GeoPackage) with a region "
                        "code per feature and, ideally, a country column; repeat for several "
                        "files (each country's own, say): --regions-id-col, --country and --crs "
                        "given after a file apply to that file")
    if data:
        g.add_argument("--data", metavar="FILE", action="append", default=[],
                       help="your statistics: CSV/TSV/Excel/Parquet, long (region, year, value"
                            "[, indicator, unit]) or wide (one column per year: 2019 or gdp_2019);"
                            " repeat for several files")
    g.add_argument("--id-col", metavar="COL", help="column of the region codes in --data "
                                                   "(default: region)")
    g.add_argument("--regions-id-col", metavar="COL", action=_PerFile,
                   help="column of the region codes in --regions-file (default: as --id-col); "
                        "after a --regions-file, for that file only")
    g.add_argument("--country", metavar="CODE", action=_PerFile,
                   help="the country of the regions of the --regions-file it follows (e.g. "
                        "--regions-file us.shp --country US --regions-file mx.shp --country MX)")
    if data:
        g.add_argument("--time-col", metavar="COL", help="column of the years in a long --data "
                                                         "file (default: year)")
        g.add_argument("--value-col", metavar="COL", help="column of the values in a long --data "
                                                          "file (default: value)")
        g.add_argument("--weight-col", metavar="COL",
                       help="a column of weights (e.g. population) beside the values in a long "
                            "--data file; becomes the weight")
    g.add_argument("--group-col", metavar="COL",
                   help="column with each region's country (the side of the border), in "
                        "--regions-file or --data (default: a 'country' column of --regions-file, "
                        "else of --data; without one, the ISO 3166-2 prefix of the codes, e.g. "
                        "MX-AGU -> MX; a note says which was used)")
    g.add_argument("--country-from-prefix", nargs="?", const="auto", metavar="SEP",
                   help="take the country from the region code's prefix: the text before the "
                        "first SEP (default: '-' or '_'; 'MX-AGU' -> MX, '126_01' -> 126)")
    g.add_argument("--countries", nargs=2, metavar=("A", "B"),
                   help="the two sides of the border (needed when the files hold more than two "
                        "countries; regions of other countries are left out, with a note)")
    g.add_argument("--crs", metavar="CRS", type=crs_option, action=_PerFile,
                   help="coordinate reference system of --regions-file when the file has none "
                        "(e.g. EPSG:3857); after a --regions-file, for that file only")
    if data:
        g.add_argument("--drop-unknown", action="store_true",
                       help="set aside the rows of --data whose region is not in --regions-file "
                            "(listed once per region with the row count); default: an error")
    g.add_argument("--verbose", action="store_true",
                   help="list every repair and every row set aside (default: a short summary)")


#: The city options and the read_cities argument each names.
_CITY_OPTIONS = {"city_name_col": "name_col", "city_pop_col": "pop_col", "lon_col": "lon_col",
                 "lat_col": "lat_col", "city_region_col": "region_col",
                 "city_country_col": "country_col", "city_capital_col": "capital_col",
                 "cities_crs": "crs"}


def add_city_options(p: argparse.ArgumentParser) -> None:
    """--cities FILE and its columns (commands that use cities: twins, distances, zones)."""
    g = p.add_argument_group("cities (the built-in dataset's, or your own)")
    g.add_argument("--cities", metavar="FILE",
                   help="your cities: CSV/TSV/Excel/Parquet with name, population, lon, lat "
                        "(optional region, country, capital), or GeoJSON/GeoPackage/shapefile "
                        "points; a city's region and country come from the polygon it falls in "
                        "when the file has none. With the built-in dataset they replace its "
                        "cities")
    g.add_argument("--city-name-col", metavar="COL",
                   help="column of the city names (default: city, name, town, place, ...)")
    g.add_argument("--city-pop-col", metavar="COL",
                   help="column of the population (default: population, pop, inhabitants, ...)")
    g.add_argument("--lon-col", metavar="COL",
                   help="column of the longitude, degrees (default: lon, lng, longitude, x)")
    g.add_argument("--lat-col", metavar="COL",
                   help="column of the latitude, degrees (default: lat, latitude, y)")
    g.add_argument("--city-region-col", metavar="COL",
                   help="column of each city's region code (default: region; else the polygon)")
    g.add_argument("--city-country-col", metavar="COL",
                   help="column of each city's country (default: country; else the polygon)")
    g.add_argument("--city-capital-col", metavar="COL",
                   help="column saying true/false whether the city is a regional capital "
                        "(default: capital; needed by --capitals)")
    g.add_argument("--cities-crs", metavar="CRS", type=crs_option,
                   help="coordinate reference system of a --cities point file that has none")


def add_selection_options(p: argparse.ArgumentParser, regions: str = "border", *,
                          choices: tuple[str, ...] | None = None) -> None:
    """--indicator, --years, --regions (a selection), --currency, --weight, --unbalanced."""
    g = p.add_argument_group("selection")
    g.add_argument("--indicator",
                   help=f"indicator (default: {DEFAULT_INDICATOR}, GRP per capita, for the built-in "
                        "data; the only indicator of your --data)")
    g.add_argument("--currency", type=_currency_option,
                   help="convert local currency: USD at the exchange rate (built-in default), PPP "
                        "(newest vintage), an older PPP vintage as PPP:2023-06, real (constant "
                        "prices at --base-year), or none; your --data is used as it is (USD/PPP "
                        "only if already in it)")
    g.add_argument("--base-year", type=int, default=None,
                   help="base year of --currency real (default: the dataset's)")
    g.add_argument("--years", help="first-last (2008-2019) or a list (2008,2012,2019); default: "
                                   "the span in which both countries have data")
    what = ", ".join(choices) if choices else ("border, all, interior, a country (RU, KZ, "
                                               "border:RU) or codes separated by commas")
    g.add_argument("--regions", default=None, metavar="SELECTION",
                   help=f"which regions: {what} (default: {regions}; all for --data without "
                        "--regions-file). Not a file: polygons come with --regions-file")
    g.add_argument("--weight",
                   help="weight indicator (default: population where the data has it); naming one "
                        "implies --weighted for measures that weight (sigma, beta, decompose) and "
                        "is an error for those that cannot; 'none' for no weight")
    g.add_argument("--unbalanced", action="store_true",
                   help="keep regions with missing years (default: drop them and say which)")
    add_unit_options(g)
    p.set_defaults(regions_default=regions, regions_choices=choices)


def add_unit_options(g: Any) -> None:
    """--relative, --unit, --fx, --deflator: how values of two countries become comparable."""
    g.add_argument("--relative", nargs="?", const="pooled", choices=["national", "pooled", "none"],
                   default=None,
                   help="each value as an index, 100 = the mean of its country's regions that year "
                        "(national: compares countries in different currencies and price levels) "
                        "or of all regions (pooled; --relative alone); weighted by the weight when "
                        "one is given; default none")
    g.add_argument("--unit", metavar="NAME",
                   help="the one unit every value of your --data is in (e.g. USD): your statement "
                        "lets two countries' values be pooled; a different unit in the data is an "
                        "error")
    g.add_argument("--fx", metavar="FILE",
                   help="exchange rates of your countries: a table country, year, rate (local "
                        "units per one common unit, as the World Bank's LCU per US$) [, unit, "
                        "source]; values are divided by the rate of their country and year")
    g.add_argument("--deflator", metavar="FILE",
                   help="price indices of your countries: country, year, index (100 in the base "
                        "year) [, source]; values / index * 100 (with --fx: converted at the base "
                        "year's rate)")


def panel_command(sub: argparse._SubParsersAction, name: str, help_: str, examples: list[str], *,
                  regions: str = "border") -> argparse.ArgumentParser:
    """A command's parser with the input, selection and output options of a command on one panel."""
    from ._common import add_output_options

    p = sub.add_parser(name, help=help_, description=help_ + ".",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n" + "\n".join(f"  {e}" for e in examples))
    add_panel_options(p, regions=regions)
    add_output_options(p)
    return p


def add_panel_options(p: argparse.ArgumentParser, regions: str = "border") -> None:
    """The input and selection options of a command that works on one panel."""
    add_input_options(p)
    add_selection_options(p, regions=regions)


# ----------------------------------------------------------------------------- notes
def note(text: str) -> None:
    """A line on stderr, with the API's hints in command-line words."""
    print(f"note: {cli_message(text)}", file=sys.stderr)


def _print_read_report(report: Any, verbose: bool) -> None:
    """A short summary of what the readers repaired, set aside or warned about (stderr)."""
    if report is None:
        return
    if verbose:
        print(report.summary(), file=sys.stderr)
        aside = report.set_aside
        if len(aside):
            with pd.option_context("display.width", 200, "display.max_rows", None,
                                   "display.max_columns", 20):
                print("rows set aside:\n" + aside.to_string(index=False), file=sys.stderr)
        return
    by_kind: dict[str, list] = {}
    for r in report.repairs:
        by_kind.setdefault(r.what, []).append(r)
    for what, reps in by_kind.items():
        if len(reps) == 1:
            note(f"repaired: {reps[0]}")
            continue
        cells = sum(r.count for r in reps)
        files = sorted({Path(r.file).name for r in reps if r.file})
        note(f"repaired: {what} ({cells} cells in {len(reps)} columns"
             + (f" of {', '.join(files)}" if files else "") + ")")
    aside = report.set_aside
    if len(aside):
        reasons = aside["reason"].astype(str).value_counts()
        shown = "; ".join(f"{n} x {reason}" for reason, n in reasons.head(5).items())
        more = f"; and {len(reasons) - 5} more reasons" if len(reasons) > 5 else ""
        note(f"set aside {len(aside)} row(s): {shown}{more} (--verbose lists them)")
    for w in report.warnings:
        if not w.startswith("set aside "):    # the unknown regions: the line above counts them
            note(w)


# ----------------------------------------------------------------------------- datasets
def is_own(ds: Dataset) -> bool:
    """True for a dataset read from the user's files (they carry the readers' report)."""
    return "report" in ds.meta


def _given(args: argparse.Namespace, name: str) -> bool:
    v = getattr(args, name, None)
    return v not in (None, False, [])


def _own_files(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "data", None)) or bool(getattr(args, "regions_file", None))


def _check_regions_option(args: argparse.Namespace) -> None:
    sel = getattr(args, "regions", None)
    if sel is None:
        return
    if Path(sel).suffix.lower() in GEO_SUFFIXES or (("/" in sel or "\\" in sel)
                                                     and Path(sel).exists()):
        raise UsageError(f"--regions {sel!r}: --regions selects regions (border, all, a country "
                         "or codes); give a polygons file with --regions-file FILE")


def dataset_from_args(args: argparse.Namespace) -> Dataset:
    """The Dataset the input options describe (built-in, or the user's files with border flags
    computed from the polygons); prints the readers' summary on stderr."""
    _check_regions_option(args)
    city_given = [f"--{n.replace('_', '-')}" for n in _CITY_OPTIONS if _given(args, n)]
    if city_given and not _given(args, "cities"):
        raise UsageError(f"{', '.join(city_given)} appl{'y' if len(city_given) > 1 else 'ies'} "
                         "to your cities: give --cities FILE")
    if _own_files(args):
        if args.dataset is not None:
            raise UsageError("--dataset and --data/--regions-file exclude each other: the built-in "
                             "dataset or your own files")
        ds = _user_dataset(args)
        _print_read_report(ds.meta.get("report"), getattr(args, "verbose", False))
        return _with_cities(ds, args)
    given = [f"--{n.replace('_', '-')}" for n in _FILE_OPTIONS if _given(args, n)]
    if given:
        raise UsageError(f"{', '.join(given)} appl{'y' if len(given) > 1 else 'ies'} to your own "
                         "files: give --data FILE and/or --regions-file FILE")
    try:
        ds = load_dataset(args.dataset or "ru-kz")
    except DataError as exc:
        if "no built-in dataset" not in str(exc):
            raise
        raise UsageError(f"--dataset {args.dataset}: {exc.reason}") from None
    return _with_cities(ds, args)


def _with_cities(ds: Dataset, args: argparse.Namespace) -> Dataset:
    """The dataset with the cities of --cities (placed in its polygons), if given."""
    path = getattr(args, "cities", None)
    if not path:
        return ds
    from ..io.cities import read_cities

    base = ds.base_regions
    has_polygons = len(base) > 0
    kw = {arg: getattr(args, opt) for opt, arg in _CITY_OPTIONS.items() if _given(args, opt)}
    try:
        cities, report = read_cities(path, regions=base if has_polygons else None, **kw)
    except DataError as exc:
        opt = next((o for o, a in _CITY_OPTIONS.items() if a.endswith("_col")
                    and getattr(args, o, None) is not None and exc.column == getattr(args, o)
                    and exc.reason.startswith("no column ")), None)
        if opt is None:
            raise
        cols = exc.reason[exc.reason.index("(columns: "):]
        raise UsageError(f"--{opt.replace('_', '-')} {getattr(args, opt)}: no such column in "
                         f"{path} {cols}") from None
    _print_read_report(report, getattr(args, "verbose", False))
    return replace(ds, cities=cities, meta={**ds.meta, "cities_file": str(path)})


def _user_dataset(args: argparse.Namespace) -> Dataset:
    from ..io import read_regions
    from ..io.dataset import _fill_region_columns, _hash_files, read_dataset
    from ..validate import ReadReport

    if args.group_col and args.country_from_prefix:
        raise UsageError("--group-col and --country-from-prefix exclude each other: the country "
                         "comes from a column or from the code's prefix")
    data = list(getattr(args, "data", []) or [])
    id_col = args.id_col or "region"
    gdf, regions_report = None, None
    specs = regions_file_specs(args)
    if specs:
        if len(specs) > 1:     # each file's own options; the rest from those given before
            gdf, regions_report = read_regions(
                specs, id_col=getattr(args, "_all_regions_id_col", None) or id_col,
                crs=getattr(args, "_all_crs", None), country=getattr(args, "_all_country", None))
        else:
            gdf, regions_report = read_regions(specs, id_col=args.regions_id_col or id_col,
                                               crs=args.crs, country=getattr(args, "country", None))
    elif args.regions_id_col or args.crs or getattr(args, "country", None):
        raise UsageError("--regions-id-col, --country and --crs apply to --regions-file")
    group_where = None
    if gdf is not None:
        if args.country_from_prefix:
            gdf = gdf.assign(country=_prefix(gdf["region"], args.country_from_prefix))
            group_where = "the region codes' prefix"
        elif args.group_col:
            col = _column(gdf.columns, args.group_col)
            if col is not None:
                gdf = gdf.assign(country=gdf[col].astype(object).where(gdf[col].notna(), None))
                group_where = f"column {col!r} of {', '.join(s['path'] for s in specs)}"
    # the country from a column of the data: --group-col, else a 'country' column when the regions
    # file has none (the codes' ISO prefix only when no such column exists, or with
    # --country-from-prefix)
    data_group = None
    if group_where is None and not args.country_from_prefix and data:
        name = args.group_col or "country"
        if gdf is None or _column(gdf.columns, name) is None:
            if any(_column(_table(f).columns, name) is not None for f in data):
                data_group = name
    fill_later = group_where is None and bool(args.group_col or args.country_from_prefix
                                              or data_group)
    if data:
        weight_col = getattr(args, "weight_col", None)
        if weight_col:
            _check_weight_col(weight_col, data)
        ds = _named_regions_file(read_dataset, args)(
            gdf, data, name=getattr(args, "name", None) or "custom", id_col="region",
            country_col="country" if gdf is not None and "country" in gdf else None,
            region=id_col, year=args.time_col or "year", value=args.value_col or "value",
            sources=getattr(args, "sources", None),
            unknown_regions="set_aside" if args.drop_unknown else "raise",
            extra_values=[weight_col] if weight_col else (), iso_prefix=not fill_later,
            countries=(_data_countries(args, data, data_group or args.group_col).to_dict()
                       if fill_later and (data_group or args.group_col) else None))
        report = ds.meta["report"]
        if regions_report is not None:
            report.extend(regions_report)
        inputs = [Path(f) for f in data] + [Path(s["path"]) for s in specs]
        ds.meta["input_hash"] = _hash_files(inputs)
    else:
        report = regions_report or ReadReport()
        regions = _fill_region_columns(gdf, name_col=None,
                                       country_col="country" if "country" in gdf else None,
                                       report=report, iso_prefix=not fill_later)
        obs = pd.DataFrame({c: pd.Series(dtype=object) for c in
                            ("region", "year", "indicator", "value", "unit", "source", "flag")})
        ds = Dataset(regions=regions, observations=obs,
                     sources=pd.DataFrame(columns=["source", "citation", "where_found", "licence"]),
                     name=getattr(args, "name", None) or "custom",
                     meta={"report": report, "set_aside": report.set_aside,
                           "input_hash": _hash_files([Path(s["path"]) for s in specs])})
    if fill_later:
        ds, group_where = _country_after_reading(ds, args, data, args.group_col or data_group)
    if group_where is not None:
        _forget_country_notes(report, args.group_col or data_group)
        report.repair(f"country taken from {group_where}", column="country",
                      count=int(ds.regions["country"].notna().sum()))
    return _two_sides(ds, args)


def _named_regions_file(func: Callable[..., Any], args: argparse.Namespace) -> Callable[..., Any]:
    """``func`` whose errors about the regions table (read here from --regions-file, so the readers
    do not know its name) name the file."""
    def call(*a: Any, **kw: Any) -> Any:
        try:
            return func(*a, **kw)
        except UnitError:
            raise
        except DataError as exc:
            if exc.file is not None or not args.regions_file or exc.column != "country":
                raise
            raise DataError(exc.reason, file=", ".join(s["path"] for s in regions_file_specs(args)),
                            row=exc.row,
                            column=exc.column) from None
    return call


def _check_weight_col(col: str, data: list[str]) -> None:
    """--weight-col names a column of every --data file (else a usage error naming the option)."""
    for f in data:
        columns = [str(c) for c in _table(f).columns]
        if col not in columns:
            raise UsageError(f"--weight-col {col}: no such column in {f} (columns: "
                             f"{_shorten(columns)})")


#: Raw tables of the --data files, by path, modification time and size (read once per run).
_TABLES: dict[str, pd.DataFrame] = {}


def _table(path: str) -> pd.DataFrame:
    """A --data file as a raw table (read once per run)."""
    from ..io import read_table

    st = Path(path).stat()
    key = f"{Path(path).resolve()}:{st.st_mtime_ns}:{st.st_size}"
    if key not in _TABLES:
        if len(_TABLES) > 8:
            _TABLES.clear()
        _TABLES[key] = read_table(path)
    return _TABLES[key]


def _column(columns: Any, name: str) -> str | None:
    cols = [str(c) for c in columns]
    if name in cols:
        return name
    low = {c.strip().lower(): c for c in cols}
    return low.get(name.strip().lower())


def _prefix(codes: pd.Series, sep: str) -> pd.Series:
    text = codes.astype(str)
    if sep == "auto":
        m = text.str.extract(r"^(.+?)[-_]", expand=False)
    else:
        parts = text.str.split(sep, n=1, regex=False)
        m = parts.map(lambda x: x[0] if len(x) == 2 and x[0] else None)
    return m.astype(object).where(m.notna(), None)


def _country_after_reading(ds: Dataset, args: argparse.Namespace, data: list[str],
                           group_col: str | None) -> tuple[Dataset, str]:
    """The country from the codes' prefix, or from the column ``group_col`` of the data files."""
    regions = ds.regions.copy()
    if args.country_from_prefix:
        regions["country"] = _prefix(regions["region"], args.country_from_prefix).to_numpy()
        return replace(ds, regions=regions), "the region codes' prefix"
    m = _data_countries(args, data, group_col)
    regions["country"] = regions["region"].astype(str).map(m)
    regions["country"] = regions["country"].astype(object).where(regions["country"].notna(), None)
    return replace(ds, regions=regions), f"column {group_col!r} of the data"


def _data_countries(args: argparse.Namespace, data: list[str], group_col: str) -> pd.Series:
    """Region -> country from the column ``group_col`` of the data files (a usage error when no
    file has it; a data error when a region has two countries)."""
    pairs = []
    for f in data:
        table = _table(f)
        col, rid = _column(table.columns, group_col), _column(table.columns,
                                                                  args.id_col or "region")
        if col is not None and rid is not None:
            ctry = table[col].astype(object).where(table[col].notna(), "")
            pairs.append(pd.DataFrame({"region": table[rid].astype(str).str.strip(),
                                       "country": ctry.astype(str).str.strip()}))
    if not pairs:
        where = [s["path"] for s in regions_file_specs(args)]
        raise UsageError(f"--group-col {group_col}: no such column in "
                         f"{' or '.join(map(str, where + data))}")
    m = pd.concat(pairs).replace("", np.nan).dropna().drop_duplicates()
    twice = m[m["region"].duplicated(keep=False)]
    if len(twice):
        r = twice["region"].iat[0]
        raise DataError(f"region {r!r} has several countries in column {group_col!r}: "
                        f"{sorted(twice.loc[twice['region'] == r, 'country'])}",
                        column=group_col)
    return m.set_index("region")["country"]


def _forget_country_notes(report: Any, used: str | None = None) -> None:
    """Drop the readers' notes that the country options made stale (no country; the ISO prefix
    repair; the country column listed as not used)."""
    kept = []
    for w in report.warnings:
        if w.startswith("no country for"):
            continue
        if used and w.startswith("columns not used: "):
            try:
                cols = [c for c in ast.literal_eval(w[len("columns not used: "):]) if c != used]
            except (ValueError, SyntaxError):
                cols = None
            if cols is None:
                kept.append(w)
                continue
            if not cols:
                continue
            w = f"columns not used: {cols}"
        kept.append(w)
    report.warnings[:] = kept
    report.repairs[:] = [r for r in report.repairs if "ISO 3166-2 prefix" not in r.what]


def _two_sides(ds: Dataset, args: argparse.Namespace) -> Dataset:
    """Keep the two countries of --countries (others left out with a note), declare the sides,
    and flag the border regions from the polygons when there are two sides and polygons."""
    countries = sorted(map(str, pd.unique(ds.regions["country"].dropna())))
    if args.countries:
        a, b = args.countries
        if a == b:
            raise UsageError(f"--countries {a} {b}: the two sides must differ")
        unknown = [c for c in (a, b) if c not in countries]
        if unknown:
            raise UsageError(f"--countries: no region has country {unknown[0]!r} (countries: "
                             f"{_shorten(countries)}; --group-col or --country-from-prefix say "
                             "where the country comes from)")
        keep = ds.regions["country"].isin([a, b])
        if not keep.all():
            note(f"left out {int((~keep).sum())} region(s) of other countries than {a} and {b}")
        ds = replace(ds, regions=ds.regions[keep].reset_index(drop=True),
                     meta={**ds.meta, "sides": (a, b)})
    elif len(countries) == 2:
        ds = replace(ds, meta={**ds.meta, "sides": tuple(countries)})
    has_polygons = (ds.regions["geometry_basis"] == "own").any()
    if "sides" in ds.meta and has_polygons:
        ds = ds.with_border()
    return ds


def _shorten(items: list[str], n: int = 12) -> str:
    return ", ".join(items[:n]) + (f" ... ({len(items)} in all)" if len(items) > n else "")


def require_sides(ds: Dataset, option: str = "") -> tuple[str, str]:
    """The two sides of the border, or a usage error saying how to name them."""
    if not is_own(ds) or "sides" in ds.meta:
        return ds.sides()
    countries = sorted(map(str, pd.unique(ds.regions["country"].dropna())))
    if not countries:
        raise UsageError("no region has a country: name the column with --group-col COL, or take "
                         "it from the codes with --country-from-prefix")
    raise UsageError(f"a border needs two countries, the files have {len(countries)} "
                     f"({_shorten(countries)}): pick them with --countries A B")


def require_polygons(ds: Dataset, command: str) -> None:
    if not (ds.regions["geometry_basis"] == "own").any():
        raise UsageError(f"{command} needs polygons: give --regions-file FILE")


# ----------------------------------------------------------------------------- selections
def selection_from_args(args: argparse.Namespace, ds: Dataset) -> str | list[str]:
    """The region selection of ``--regions`` checked against the dataset."""
    text = args.regions
    own = is_own(ds)
    if text is None:
        text = args.regions_default
        if own and text == "border" and not ds.regions["border"].any():
            text = _default_without_border(ds)
    choices = getattr(args, "regions_choices", None)
    if choices and text not in choices:
        raise UsageError(f"--regions {text}: use {', '.join(choices)}")
    t = text.strip()
    countries = set(map(str, pd.unique(ds.regions["country"].dropna())))
    set_name, colon, country = t.partition(":")
    if t in REGION_SETS or t in countries or (colon and set_name in REGION_SETS):
        if colon and country not in countries:
            raise UsageError(f"--regions {t}: no country {country!r} (countries: "
                             f"{_shorten(sorted(countries))})")
        if (set_name in ("border", "interior")) and not ds.regions["border"].any():
            raise UsageError(f"--regions {t}: no region is flagged as on the border; the border "
                             "regions come from the polygons (--regions-file) of two countries "
                             "(--countries A B)")
        codes = ds.region_codes(t)
        if not codes:
            raise UsageError(f"--regions {t}: no region matches")
        return t
    if colon:
        raise UsageError(f"--regions {t}: use border:XX, all:XX or interior:XX with a country")
    codes = [c.strip() for c in t.split(",") if c.strip()]
    known = set(map(str, ds.regions["region"]))
    unknown = [c for c in codes if c not in known]
    if unknown or not codes:
        raise UsageError(f"--regions {t}: not a region set ({', '.join(REGION_SETS)}), a country "
                         f"({_shorten(sorted(countries))}) or known region codes"
                         + (f"; unknown codes: {_shorten(unknown)}" if unknown else "")
                         + "".join(f"; {c!r} {how}" for c, how in near_codes(unknown, known).items()))
    return codes


def _default_without_border(ds: Dataset) -> str:
    """The default selection 'border' when no region is flagged as on the border: with polygons a
    usage error (never a silent switch to every region); without polygons 'all', as documented,
    with a note when the data hold more than two countries."""
    countries = sorted(map(str, pd.unique(ds.regions["country"].dropna())))
    if (ds.regions["geometry_basis"] == "own").any():
        if "sides" not in ds.meta and len(countries) > 2:
            raise UsageError(f"the default --regions border needs the two sides of the border: the "
                             f"files hold {len(countries)} countries ({_shorten(countries)}); pick "
                             "them with --countries A B, or choose --regions all")
        a, b = ds.meta.get("sides", (None, None))
        raise UsageError("no region is on the border" + (f" between {a} and {b}" if a else "")
                         + " (the polygons of the two sides do not touch): choose --regions all "
                         "or a country")
    if len(countries) > 2 and "sides" not in ds.meta:
        note(f"regions: all, of {len(countries)} countries ({_shorten(countries)}): without "
             "polygons there is no border; --countries A B keeps two of them")
    return "all"


def _indicator(args: argparse.Namespace, ds: Dataset, weight: str | None) -> str:
    names = sorted(map(str, pd.unique(ds.observations["indicator"])))
    if not names:
        raise UsageError("this command needs statistics: give --data FILE")
    if args.indicator is not None:
        _known(ds, args.indicator, "--indicator")
        return args.indicator
    if not is_own(ds):
        return DEFAULT_INDICATOR
    rest = [n for n in names if n != weight]
    if len(rest) == 1:
        return rest[0]
    raise UsageError(f"the data hold several indicators ({_shorten(rest)}): pick one with "
                     "--indicator NAME")


def _weight(args: argparse.Namespace, ds: Dataset, own: bool) -> str | None:
    w, col = getattr(args, "weight", None), getattr(args, "weight_col", None)
    if col and w not in (None, col):
        raise UsageError(f"--weight {w} and --weight-col {col} name two different weights")
    if col:
        return col
    if w == "none":
        return None
    if not own:
        if w is not None:
            _known(ds, w, "--weight")
        return w or "population"
    names = set(map(str, pd.unique(ds.observations["indicator"])))
    if w is None:
        return "population" if "population" in names else None
    _known(ds, w, "--weight", " (--weight-col COL takes a column of weights)")
    return w


def _known(ds: Dataset, indicator: str, option: str, hint: str = "") -> None:
    """A usage error unless the dataset has the indicator (or an alias of it)."""
    try:
        ds.values(indicator)
    except DataError:
        names = sorted(map(str, pd.unique(ds.observations["indicator"])))
        raise UsageError(f"{option} {indicator}: no such indicator in the data (indicators: "
                         f"{_shorten(names)}){hint}") from None


def _currency_option(text: str) -> str:
    """'none' or a currency basis crossborder.currency can parse (else a usage error)."""
    from ..currency import parse_currency
    from ..errors import UnitError

    if text.strip().lower() == "none":
        return "none"
    try:
        parse_currency(text)
    except UnitError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None
    return text.strip()


def check_report_options(args: argparse.Namespace, ds: Dataset) -> None:
    """The report's --indicator and --currency checked as every other command checks them (a
    usage error, exit 2): a known indicator; on the user's files no conversion without rates."""
    if args.indicator is not None:
        _known(ds, args.indicator, "--indicator")
    if is_own(ds) and args.currency not in (None, "none"):
        indicators = ([args.indicator] if args.indicator is not None else
                      sorted(map(str, pd.unique(ds.observations["indicator"]))))
        errors = []
        for ind in indicators:
            try:
                _currency(args, ds, ind, True)
                return                  # one indicator is already in that currency
            except UsageError as exc:
                errors.append(exc)
        raise errors[0]


def _currency(args: argparse.Namespace, ds: Dataset, indicator: str, own: bool) -> str | None:
    cur = getattr(args, "currency", None)
    if not own:
        return None if cur == "none" else (cur or "USD")
    if cur in (None, "none"):
        return None
    units = sorted({str(u) for u in ds.values(indicator)["unit"].dropna() if str(u).strip()})
    have = {currency_of(u) for u in units}
    if units and have == {cur}:
        return None                   # already in that currency: nothing to convert
    raise UsageError(f"--currency {cur}: your data has no exchange rates to convert with (units of "
                     f"{indicator}: {units or 'none given'}); give your rates with --fx FILE "
                     "(country, year, rate), convert before, or leave --currency out")


def weight_given(args: argparse.Namespace) -> bool:
    """True when the options name a weight: ``--weight NAME`` (not 'none') or ``--weight-col``."""
    return (getattr(args, "weight", None) not in (None, "none")
            or bool(getattr(args, "weight_col", None)))


def wants_weights(args: argparse.Namespace) -> bool:
    """Weighting asked for: ``--weighted``, or a weight named with ``--weight``/``--weight-col``
    (naming a weight implies weighting: the option is honoured, never ignored)."""
    return bool(getattr(args, "weighted", False)) or weight_given(args)


def declare_units(args: argparse.Namespace, ds: Dataset,
                  indicator: str | None) -> tuple[Dataset, bool]:
    """The dataset with the units the options declare (--unit, --fx, --deflator) for
    ``indicator`` (None: every indicator but the weight); True when one was declared. The user's
    rates replace a conversion with the built-in tables, so --currency is then an error."""
    unit, fx, defl = (getattr(args, k, None) for k in ("unit", "fx", "deflator"))
    if not (unit or fx or defl):
        return ds, False
    if getattr(args, "currency", None) not in (None, "none"):
        given = "--fx" if fx else "--deflator" if defl else "--unit"
        raise UsageError(f"{given} and --currency {args.currency} exclude each other: convert "
                         "with your tables or with the built-in ones")
    if unit and fx:
        raise UsageError("--unit and --fx exclude each other: the rates give the unit (a 'unit' "
                         "column in the --fx file names it)")
    from ..currency import user_rates

    tables = {}
    for kind, path in (("fx", fx), ("deflator", defl)):
        if path:
            if not Path(path).is_file():
                raise UsageError(f"--{kind} {path}: no such file")
            tables[kind] = user_rates(_table(path), kind, file=str(path))
    inds = None if indicator is None else [indicator]
    return ds.with_units(unit=unit, fx=tables.get("fx"), deflator=tables.get("deflator"),
                         indicators=inds), True


def own_files_unit_error(exc: UnitError) -> UnitError:
    """``exc`` for the user's own files: they carry no exchange rates, so --currency cannot convert
    them (no circular advice); the scale path says the same (commands/_scale.py)."""
    if "currency='USD' or 'PPP' to convert" not in exc.reason:
        return exc
    reason = re.sub(r"pass currency='USD' or 'PPP' to convert",
                    "your files have no exchange rates, so convert the values to one currency "
                    "before, give your rates with --fx FILE (country, year, rate), or compare "
                    "each region with its country's mean with --relative national",
                    exc.reason)
    return UnitError(reason, file=exc.file, row=exc.row, column=exc.column)


def panel_from_args(args: argparse.Namespace, ds: Dataset | None = None, *,
                    weighting: bool | None = None, weight_for: str = "--weighted",
                    two_sided: bool = False, pooled: bool = True) -> Panel:
    """The panel the options describe; every selection option is honoured or is an error, and
    what was left out is noted on stderr.

    ``weighting``: ``True`` the command weights (the panel carries the weight, and a missing weight
    is a usage error naming ``weight_for``, the option that asked for it); ``False`` it does not
    (the panel has no weight, so years without a weight are not left out, and ``--weight NAME`` or
    ``--weight-col`` is a usage error); ``None`` the panel carries the weight when the data have one.
    ``pooled=False``: the measure compares values within each country only (beta with country
    dummies, which absorb each country's scale), so the countries' units may differ.
    ``two_sided``: the measure compares the countries (decompose, conditional beta): a year in
    which one of them has no value is an error, not a note. A country of the selection without any
    value in the chosen years is always an error (the study would silently be one-sided).
    """
    ds = dataset_from_args(args) if ds is None else ds
    own = is_own(ds)
    if weighting is False and weight_given(args):
        opt = "--weight-col" if getattr(args, "weight_col", None) else "--weight"
        raise UsageError(f"{opt}: {args.command} does not weight regions; leave {opt} out")
    if weighting and getattr(args, "weighted", False) and getattr(args, "weight", None) == "none":
        raise UsageError("--weighted and --weight none exclude each other")
    auto = _weight(args, ds, own)
    indicator = _indicator(args, ds, auto)
    weight = auto if weighting is None else (auto if weighting else None)
    if weighting and weight is None:
        names = sorted(map(str, pd.unique(ds.observations["indicator"])))
        raise UsageError(f"{weight_for} needs a weight: --weight NAME (indicators: "
                         f"{_shorten(names)}) or --weight-col COL (a column of weights in a long "
                         "--data file)")
    if weighting and weight_given(args) and not getattr(args, "weighted", False):
        note(f"weighted by {weight} (--weight{'-col' if getattr(args, 'weight_col', None) else ''} "
             "implies --weighted)")
    ds, declared = declare_units(args, ds, indicator)
    currency = None if declared else _currency(args, ds, indicator, own)
    years = parse_years_option(args.years)
    selection = selection_from_args(args, ds)
    if own:
        _check_groups(ds, selection)
    group = "country" if ds.regions["country"].notna().any() else None
    if years is not None:
        have = set(int(y) for y in ds.values(indicator)["year"])
        wanted = (set(range(years[0], years[1] + 1)) if isinstance(years, tuple) else set(years))
        if not have & wanted:
            raise UsageError(f"--years {args.years}: no {indicator} in those years (the data "
                             f"have {min(have)}–{max(have)})")
        if isinstance(years, list) and wanted - have:
            raise UsageError(f"--years {args.years}: no {indicator} in "
                             f"{', '.join(map(str, sorted(wanted - have)))}")
    base_year = getattr(args, "base_year", None)
    if base_year is not None and (currency is None or not str(currency).lower().startswith("real")):
        raise UsageError(f"--base-year {base_year} applies to --currency real only")
    try:
        p = study_panel(ds, indicator=indicator, regions=selection, years=years, currency=currency,
                        weight=weight, balanced=not args.unbalanced, group=group,
                        base_year=base_year, relative=getattr(args, "relative", None),
                        pooled=pooled)
        # the command line's tables keep their documented "time" column (Panel.time_name)
        p = replace(p, time_name="time", meta=p.meta, validate=False)
    except UnitError as exc:
        if not own:
            raise
        raise own_files_unit_error(exc) from None
    if years is not None and p.meta.get("common_years"):
        note(f"--years {args.years}: the years every country observes in it, "
             f"{_years_text(list(map(int, p.times)))} ({_coverage(ds, indicator, selection)})")
    if years is None and len(p.times):
        span = ds.values(indicator)
        span = span[span["region"].isin(set(ds.region_codes(selection)))]["year"]
        if len(span) and (span.min() < p.times[0] or span.max() > p.times[-1]):
            wyears = ""
            if weight is not None and weight in set(map(str, ds.observations["indicator"])):
                wy = sorted(set(int(y) for y in ds.values(weight)["year"]))
                wyears = f", the weight {weight} {_years_text(wy)}"
            if p.meta.get("common_years"):
                note(f"years {_years_text(list(map(int, p.times)))}: the years every country "
                     f"observes ({_coverage(ds, indicator, selection)}){wyears}; measures over "
                     "time use the years between them (growth annualised); --years chooses")
            else:
                note(f"years {p.times[0]}–{p.times[-1]}: the span in which each country has data "
                     f"({indicator} has {int(span.min())}–{int(span.max())}{wyears}; --years "
                     "chooses)")
        for year, missing in (p.meta.get("span_trimmed") or {}).items():
            first, last = min(year, p.times[0]), max(year, p.times[-1])
            note(f"year {year} left out to keep {len(missing)} region(s) that have no value in it "
                 f"({_shorten(missing)}); --years {first}-{last} keeps the year without them")
    dropped = p.meta.get("dropped_regions")
    if dropped is not None and len(dropped):
        note(f"left out {len(dropped)} region(s) without a value in every year: "
             f"{', '.join(map(str, dropped['region']))}")
    aside = p.meta.get("set_aside")
    if aside is not None and len(aside):
        reasons = aside["reason"].astype(str).value_counts()
        note(f"set aside {len(aside)} value(s) of the panel: "
             + "; ".join(f"{n} x {r}" for r, n in reasons.items())
             + ("" if getattr(args, "verbose", False) else " (--verbose lists them)"))
        if getattr(args, "verbose", False):
            with pd.option_context("display.width", 200, "display.max_rows", None):
                print(aside.to_string(index=False), file=sys.stderr)
    if len(p.frame) == 0:
        raise UsageError("the selection holds no values (check --regions, --years and "
                         "--indicator)")
    _check_sides_present(p, ds, selection, indicator, args, two_sided)
    return p


def _check_sides_present(p: Panel, ds: Dataset, selection: str | list[str], indicator: str,
                         args: argparse.Namespace, two_sided: bool) -> None:
    """Every country of the selection keeps a region in the panel (else a usage error: the study
    would silently be one-sided); in an unbalanced panel, a year in which a country has no value
    is an error for a measure that compares the countries (``two_sided``), a note otherwise."""
    cmap = ds.regions.drop_duplicates("region").set_index("region")["country"]
    wanted = sorted(set(map(str, cmap.reindex(ds.region_codes(selection)).dropna())))
    if len(wanted) < 2:
        return
    f = p.frame[p.frame["value"].notna()]
    ctry = f["region"].map(cmap).astype(str)
    missing = [c for c in wanted if c not in set(ctry)]
    if missing:
        c = missing[0]
        vals = ds.values(indicator)
        years = vals.loc[vals["region"].map(cmap).astype(str) == c, "year"]
        chosen = args.years if args.years else f"{p.times[0]}-{p.times[-1]}"
        dropped = p.meta.get("dropped_regions")
        lost = ([] if dropped is None else
                [r for r in dropped["region"] if str(cmap.get(r)) == c])
        if lost and set(map(int, years)) & set(map(int, p.times)):
            raise UsageError(f"--years {chosen}: country {c} keeps no region: its {len(lost)} "
                             f"region(s) ({_shorten(list(map(str, lost)), 6)}) lack {indicator} in "
                             f"some of the years {_years_text(list(map(int, p.times)))} (its "
                             f"{indicator} covers {_years_text(sorted(set(map(int, years))))}), so "
                             "the study would be one-sided; choose --years they all observe, or "
                             "--unbalanced to keep regions with missing years")
        cover = (f"its {indicator} covers {int(years.min())}–{int(years.max())}" if len(years)
                 else f"it has no {indicator} at all")
        raise UsageError(f"--years {chosen}: country {c} has no region with {indicator} in those "
                         f"years ({cover}), so the study would be one-sided; choose --years in "
                         f"its span, or --regions {[w for w in wanted if w != c][0]} to study one "
                         "side on purpose")
    per_year = ctry.groupby(f["time"].to_numpy()).agg(lambda x: set(x))
    gaps = {t: [c for c in wanted if c not in got] for t, got in per_year.items()
            if len(got) < len(wanted)}
    if not gaps:
        return
    t0, lack = next(iter(gaps.items()))
    years = ", ".join(map(str, gaps))
    if two_sided:
        raise UsageError(f"{args.command} compares the countries, but in {years} country "
                         f"{lack[0]} has no value of {indicator}: choose --years without those "
                         "years (or leave out --unbalanced)")
    note(f"one-sided years: in {years} only {', '.join(c for c in wanted if c not in lack)} "
         f"{'has' if len(wanted) - len(lack) == 1 else 'have'} values ({', '.join(lack)} none); "
         "those years' numbers describe one side only")


def _coverage(ds: Dataset, indicator: str, selection: str | list[str]) -> str:
    """'US 1929–2009 every year, MX 1940–2000 every 10 years': each country's years of data."""
    vals = ds.values(indicator)
    cmap = ds.regions.drop_duplicates("region").set_index("region")["country"]
    vals = vals[vals["region"].isin(set(ds.region_codes(selection)))]
    out = []
    for c, years in vals.groupby(vals["region"].map(cmap))["year"]:
        ys = sorted(set(int(y) for y in years))
        steps = sorted(set(np.diff(ys).tolist()))
        every = ("" if len(ys) < 2 else " every year" if steps == [1] else
                 f" every {steps[0]} years" if len(steps) == 1 else " with gaps")
        out.append(f"{c} {ys[0]}–{ys[-1]}{every}")
    return ", ".join(out)


def _years_text(years: list[int]) -> str:
    """'2007, 2013' or '1990–2019' (a run of consecutive years)."""
    if len(years) > 2 and years[-1] - years[0] == len(years) - 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years)) if len(years) <= 8 else f"{years[0]}–{years[-1]} (with gaps)"


def _check_groups(ds: Dataset, selection: str | list[str]) -> None:
    codes = ds.region_codes(selection)
    country = ds.regions.set_index("region")["country"].reindex(codes)
    if country.notna().any() and country.isna().any():
        raise DataError(f"{int(country.isna().sum())} region(s) have no country: "
                        f"{_shorten(list(map(str, country.index[country.isna()])))}; name the "
                        "country column with --group-col COL or use --country-from-prefix",
                        column="country")
