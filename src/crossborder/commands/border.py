"""The border and spatial commands: border, zones, twins, distances, discontinuities, moran, figures.

They work on the built-in dataset's polygons (``--dataset``, default ru-kz) or on the user's
(``--regions-file FILE`` with ``--data FILE`` where statistics are needed; the shared options of
:mod:`crossborder.commands._inputs`). Geometry comes from the base regions (non-overlapping
polygons, ``Dataset.base_regions``); where a polygon is a part of a unit of analysis (Tyumen's
southern part ``RU-TYU-XAO`` of ``RU-TYU``) the tables name the whole in ``region`` and the polygon
in ``part``. ``twins``, ``distances`` and ``zones`` use the built-in dataset's cities or the user's
(``--cities FILE``, placed in the polygons). ``discontinuities`` and ``moran`` take the selection
options of the measure commands and draw the analysis units (``crossborder.maps.map_units``).

Lengths and areas are computed from the polygons as given: generalised polygons understate a
border's length (a coastline effect), so the output says so and, where the dataset declares a
reference length (``Dataset.meta["reference_border_km"]``), states the gap.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..border.geometry import MAX_TOLERANCE_M, Border
from ..border.shared import dataset_border, dataset_edges, dataset_zone, zone_units
from ..border.zones import HALF_EARTH_KM
from ..dataset import Dataset
from ..errors import UsageError
from ..panel import Panel
from ._common import add_output_options, emit
from ._inputs import (
    GEO_SUFFIXES,
    add_city_options,
    add_input_options,
    add_panel_options,
    dataset_from_args,
    is_own,
    note,
    number,
    panel_from_args,
    require_polygons,
    require_sides,
)

FIGURE_FORMATS = ("png", "svg", "pdf")


# ----------------------------------------------------------------------------- tolerance
def tolerance_option(text: str) -> float | str:
    """``--tolerance-m``: ``auto`` or metres in [0, MAX_TOLERANCE_M]."""
    if text.strip().lower() == "auto":
        return "auto"
    value = number(float, low=0.0, high=MAX_TOLERANCE_M)(text)
    return value


def add_tolerance_option(p: argparse.ArgumentParser) -> None:
    """--tolerance-m: how far apart the two sides' polygons may lie and still share the border."""
    p.add_argument("--tolerance-m", type=tolerance_option, default="auto", metavar="M",
                   help="the two sides' boundaries within M metres of each other share the "
                        "border (default auto: chosen from the gaps and overlaps measured "
                        f"between the two sides' polygons, and stated; at most "
                        f"{MAX_TOLERANCE_M:,.0f})")


def border_of(args: argparse.Namespace, ds: Dataset) -> Border:
    """The dataset's one border at the options' tolerance (cached on the Dataset)."""
    try:
        return dataset_border(ds, getattr(args, "tolerance_m", "auto"))
    except ValueError as exc:
        raise UsageError(f"--tolerance-m: {exc}") from None


def border_notes(args: argparse.Namespace, border: Border) -> str:
    """What the border computation measured and did: lines for the title in text output, on
    stderr (once) with --json/--csv."""
    if not border.notes:
        return ""
    if getattr(args, "json", False) or getattr(args, "csv", False):
        for text in border.notes:
            note(text)
        return ""
    return "\n" + "\n".join(f"note: {t}" for t in border.notes)


# ----------------------------------------------------------------------------- option types
_km = number(float, low=0.0)
_positive_km = number(float, low=0.0, low_open=True)
_count = number(int, low=0)
_positive = number(int, low=0, low_open=True)
_year = number(int, low=1000, high=3000)


def _parser(sub: argparse._SubParsersAction, name: str, help_: str, examples: list[str],
            *, panel: bool = False, regions: str = "all", data: bool = True
            ) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_, description=help_ + ".",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n" + "\n".join(f"  {e}" for e in examples))
    if panel:
        add_panel_options(p, regions=regions)
    else:
        add_input_options(p, data=data)
    return p


# ----------------------------------------------------------------------------- register
def register(sub: argparse._SubParsersAction) -> None:
    p = _parser(sub, "border", "the border line, the regions on it and the pairs across it",
                ["crossborder border", "crossborder border --pairs --csv",
                 "crossborder border --line --json", "crossborder border --tolerance-m 500",
                 "crossborder border --regions-file regions.geojson --countries MX US"],
                data=False)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--pairs", action="store_true",
                   help="list the cross-border neighbour pairs instead of the regions")
    g.add_argument("--line", action="store_true", help="only the border line (one row)")
    add_tolerance_option(p)
    p.add_argument("--reference-km", type=_positive_km, metavar="KM",
                   help="a published length of the border to compare with (the built-in data "
                        "declare the paper's 7,512 km)")
    add_output_options(p)
    p.set_defaults(func=run_border)

    p = _parser(sub, "zones", "the border zone: each region's area and population within a "
                              "distance of the border",
                ["crossborder zones", "crossborder zones --km 100 --year 2015",
                 "crossborder zones --by-side --json", "crossborder zones --regions all"])
    p.add_argument("--km", type=number(float, low=0.0, high=HALF_EARTH_KM), default=150.0,
                   help="width of the zone in km (default 150; at most half the Earth's "
                        "circumference)")
    add_tolerance_option(p)
    p.add_argument("--year", type=_year, default=None,
                   help="year of the population (default: 2019 for the built-in data, the last "
                        "year with population in your --data)")
    p.add_argument("--population", metavar="INDICATOR", default=None,
                   help="the population indicator (default: --weight-col, else population; "
                        "without one in your --data, zone areas only)")
    p.add_argument("--regions", default="border", metavar="{border,all}",
                   help="the border regions (default) or all regions (rows with a zone only); "
                        "polygons come with --regions-file")
    p.add_argument("--by-side", action="store_true",
                   help="print the totals per side instead of one row per region")
    add_city_options(p)
    add_output_options(p)
    p.set_defaults(func=run_zones)

    p = _parser(sub, "twins", "twin cities across the border, or cross-border agglomerations",
                ["crossborder twins", "crossborder twins --capitals --km 250",
                 "crossborder twins --min-population 100000 --csv",
                 "crossborder twins --agglomerations --link any",
                 "crossborder twins --regions-file r.geojson --cities cities.csv --km 50"],
                data=False)
    add_city_options(p)
    p.add_argument("--km", type=_km, default=150.0, help="largest distance in km (default 150)")
    p.add_argument("--capitals", action="store_true", help="regional capitals only")
    p.add_argument("--min-population", type=_km, default=0.0, metavar="N",
                   help="cities of at least N people (default: all)")
    p.add_argument("--agglomerations", action="store_true",
                   help="single-linkage agglomerations: chains of cities within --km")
    p.add_argument("--link", choices=["across", "any"], default="across",
                   help="agglomerations: chain only across the border (default) or any pair")
    add_output_options(p)
    p.set_defaults(func=run_twins)

    p = _parser(sub, "distances", "each city's distance to the border and to the nearest city "
                                  "across it",
                ["crossborder distances --capitals", "crossborder distances --max-km 100 --csv",
                 "crossborder distances --min-population 50000 --json",
                 "crossborder distances --regions-file r.geojson --cities cities.csv"],
                data=False)
    add_city_options(p)
    p.add_argument("--capitals", action="store_true", help="regional capitals only")
    p.add_argument("--min-population", type=_km, default=0.0, metavar="N",
                   help="cities (and cities across) of at least N people (default: all)")
    p.add_argument("--max-km", type=_km, default=None, metavar="KM",
                   help="only cities within KM of the border")
    add_tolerance_option(p)
    add_output_options(p)
    p.set_defaults(func=run_distances)

    p = _parser(sub, "discontinuities", "the jump in an indicator across every shared boundary, "
                                        "and the border effect",
                ["crossborder discontinuities", "crossborder discontinuities --year 2015 "
                 "--kind absolute --border-only", "crossborder discontinuities --effect --csv"],
                panel=True)
    p.add_argument("--year", type=_year, help="year (default: the panel's last)")
    p.add_argument("--kind", choices=["relative", "absolute"], default="relative",
                   help="relative max(a/b, b/a) (default) or absolute |a - b|")
    p.add_argument("--border-only", action="store_true", help="only edges on the border")
    p.add_argument("--effect", action="store_true",
                   help="the border effect over all years: discontinuities on border edges / "
                        "on internal edges")
    add_tolerance_option(p)
    add_output_options(p)
    p.set_defaults(func=run_discontinuities)

    p = _parser(sub, "moran", "spatial autocorrelation: Moran's I per year, or local Moran (LISA)",
                ["crossborder moran", "crossborder moran --weights knn --k 6 --permutations 99",
                 "crossborder moran --weights distance --threshold-km 500",
                 "crossborder moran --local 2019 --csv"], panel=True)
    p.add_argument("--weights", choices=["queen", "rook", "knn", "distance"], default="queen",
                   help="spatial weights (default queen contiguity)")
    p.add_argument("--k", type=_positive, default=5, help="neighbours for knn (default 5)")
    p.add_argument("--threshold-km", type=_positive_km, metavar="KM",
                   help="distance band for --weights distance (centroids within KM)")
    p.add_argument("--permutations", type=_count, default=999,
                   help="random permutations for p_sim (default 999; 0 for none)")
    p.add_argument("--seed", type=_count, default=12345, help="random seed (default 12345)")
    p.add_argument("--local", type=_year, metavar="YEAR", help="local Moran (LISA) of one year")
    p.add_argument("--log", action="store_true",
                   help="of the log values (as the report's Moran table); default: the values")
    add_output_options(p)
    p.set_defaults(func=run_moran)

    p = _parser(sub, "figures", "write Figures 1 and 2 of the paper and the tables behind them "
                                "(built-in data), or a map of the indicator and of its "
                                "discontinuities (your files)",
                ["crossborder figures", "crossborder figures --out figs --formats png",
                 "crossborder figures --zone-km 100 --fallback earliest",
                 "crossborder figures --regions-file r.geojson --data d.csv --out figs"],
                panel=True)
    p.add_argument("--out", default="figures", help="output folder (default: figures)")
    p.add_argument("--formats", default="png,svg",
                   help=f"comma-separated, from {', '.join(FIGURE_FORMATS)} (default png,svg)")
    p.add_argument("--zone-km", type=_km, default=None,
                   help="Figure 2 (built-in data): width of the border zone in km (default 150)")
    p.add_argument("--fallback", choices=["none", "earliest"], default=None,
                   help="Figure 1 (built-in data): without a 1989 value, use a region's earliest "
                        "value (default: none, leave it hatched)")
    p.add_argument("--year", type=_year, help="your files: year of the maps (default: the last)")
    add_output_options(p)
    p.set_defaults(func=run_figures)


# ----------------------------------------------------------------------------- helpers
def _note(text: str) -> None:
    print(f"note: {text}", file=sys.stderr)


def _with_wholes(ds: Dataset, frame: pd.DataFrame, col: str, part: str | None = None
                 ) -> pd.DataFrame:
    """Replace polygon codes in ``col`` by their unit of analysis, keeping the code in ``part``."""
    out = frame.copy()
    codes = out[col]
    if part is not None and ("part_of" not in ds.regions or ds.regions["part_of"].isna().all()):
        part = None                   # no region is part of another: no column of parts
    if part is not None:
        out.insert(out.columns.get_loc(col) + 1, part, codes)
    out[col] = ds.unit_of(codes)
    return out


def _names(ds: Dataset, codes: pd.Series) -> pd.Series:
    return codes.map(ds.regions.set_index("region")["name"])


def _border_dataset(args: argparse.Namespace, command: str) -> tuple[Dataset, str, str]:
    """The dataset of the options with polygons and two sides, or a usage error saying why not."""
    ds = dataset_from_args(args)
    require_polygons(ds, command)
    a, b = require_sides(ds)
    return ds, a, b


def _check_year(panel: Panel, year: int, option: str) -> None:
    if year not in set(panel.times):
        raise UsageError(f"{option} {year}: the panel has years {panel.times[0]}–"
                         f"{panel.times[-1]}")


def _length_basis(ds: Dataset, length_km: float, reference_km: float | None = None
                  ) -> tuple[str, dict]:
    """What a length measured on these polygons means, and the gap to a declared reference."""
    text = ("length from the polygons as given: generalised (simplified) polygons understate "
            "a border's length")
    fields: dict = {"basis": "polygons as given"}
    ref = (reference_km, "--reference-km") if reference_km else ds.meta.get("reference_border_km")
    if ref:
        km, source = ref
        gap = (length_km - km) / km
        text += (f"; the reference length is {km:,.0f} km ({source}): these polygons give "
                 f"{abs(gap):.1%} {'less' if gap < 0 else 'more'}")
        fields.update({"reference_km": km, "reference_source": source, "gap_pct": 100 * gap})
    return text, fields


# ----------------------------------------------------------------------------- border
def run_border(args: argparse.Namespace) -> int:
    ds, a, b = _border_dataset(args, "border")
    border = border_of(args, ds)
    line = border.line
    if line.n_pairs == 0:
        raise UsageError(" ".join(border.notes) or f"the regions of {a} and {b} share no edge")
    basis, basis_fields = _length_basis(ds, line.length_km, args.reference_km)
    summary = line.summary() + "\n" + basis + border_notes(args, border)
    if args.line:
        table = pd.DataFrame(line.to_frame().drop(columns="geometry"))
        table["tolerance_source"] = border.tolerance_source
        prof = border.profile
        table["gap_m"] = prof.gap_m if prof is not None else np.nan
        table["gap_km"] = prof.gap_km if prof is not None else np.nan
        table["overlap_km2"] = float(border.pairs["overlap_km2"].sum())
        table["duplicates"] = len(border.duplicates)
        for k, v in basis_fields.items():
            table[k] = v
        emit(args, table, title=summary)
        return 0
    if args.pairs:
        pairs = pd.DataFrame(border.pairs.drop(columns="geometry"))
        pairs = _with_wholes(ds, pairs, "a_region", "a_part")
        pairs = _with_wholes(ds, pairs, "b_region", "b_part")
        n_points = len(border.points)
        emit(args, pairs, title=summary + f"\n{line.n_pairs} cross-border pairs (contact edge)"
             + (f" and {n_points} region(s) touching at a point only (contact point: listed, "
                "no pair)" if n_points else "") + ":")
        return 0
    table = border.regions()
    table = _with_wholes(ds, table, "region", "part")
    table.insert(2, "name", _names(ds, table["region"]).to_numpy())
    table.insert(table.columns.get_loc("length_km") + 1, "share",
                 table["length_km"] / line.length_km if line.length_km > 0 else np.nan)
    counts = table.groupby("group", sort=False).size()
    title = (summary + "\nborder regions: "
             + " + ".join(f"{n} {g}" for g, n in counts.items()))
    emit(args, table, title=title)
    return 0


# ----------------------------------------------------------------------------- zones
def run_zones(args: argparse.Namespace) -> int:
    if args.regions not in ("border", "all"):
        hint = (" (polygons come with --regions-file FILE)"
                if str(args.regions).lower().endswith(GEO_SUFFIXES) else "")
        raise UsageError(f"--regions {args.regions}: use border or all{hint}")
    ds, a, b = _border_dataset(args, "zones")
    border = border_of(args, ds)
    if border.line.n_pairs == 0:
        raise UsageError(" ".join(border.notes))
    units = zone_units(ds, args.regions, border.tolerance_m)
    pop, year = _zone_population(args, ds, units)
    city_region_col = None
    if ds.meta.get("cities_file"):            # --cities: each city's region as read and placed
        city_region_col = "region"
        lost = ds.cities[ds.cities["region"].isna()]
        if len(lost):
            note(f"{len(lost)} cities without a region are counted in no region: "
                 f"{', '.join(map(str, lost['city'][:5]))}{' ...' if len(lost) > 5 else ''}")
    zone = dataset_zone(ds, args.km, border.tolerance_m, which=args.regions, population=pop,
                        year=year, cities=ds.cities, city_region_col=city_region_col)
    basis = ("areas from the polygons as given, in an equal-area projection; the zone is measured "
             "from the border line of these polygons" + border_notes(args, border))
    if args.by_side:
        sides = zone.by_group().reset_index().rename(columns={"group": "side"})
        sides.insert(1, "km", zone.distance_km)
        sides.insert(2, "year", year)
        emit(args, sides, title=zone.summary() + "\n" + basis)
        return 0
    table = pd.DataFrame(zone.to_frame().drop(columns="geometry"))
    if args.regions == "all":
        table = table[table["zone_km2"] > 0]
    table = _with_wholes(ds, table, "region", "part")
    table.insert(2, "name", _names(ds, table["region"]).to_numpy())
    table = (table.assign(_side=table["group"].map({a: 0, b: 1}).fillna(2))
             .sort_values(["_side", "zone_share", "region"], ascending=[True, False, True])
             .drop(columns="_side").reset_index(drop=True))
    what = f"population of {year}" if year is not None else "no population data: areas only"
    emit(args, table, title=zone.summary() + f"\n{basis}\n{what}; per region:")
    return 0


def _zone_population(args: argparse.Namespace, ds: Dataset, units) -> tuple[Panel | None, int | None]:
    """The population panel of the zone's regions in the year asked (or the default year)."""
    name = args.population or getattr(args, "weight_col", None) or "population"
    names = set(map(str, pd.unique(ds.observations["indicator"])))
    if is_own(ds) and name not in names:
        if args.population or args.year is not None:
            raise UsageError(f"--population {name}: no such indicator in the data (a column of "
                             "population beside the values is read with --weight-col COL)"
                             if args.population else
                             "--year: the data hold no population (name it with --population)")
        other = sorted(names)
        note(f"no indicator named {name!r} in the data (indicators: {', '.join(other) or 'none'}): "
             "the zones give areas only; --population NAME names the population")
        return None, None
    if not is_own(ds):
        year = 2019 if args.year is None else args.year
    elif args.year is None:
        year = int(ds.values(name)["year"].max())
    else:
        year = args.year
    # a head count per side, summed (never compared as levels across the countries)
    pop = ds.panel(name, regions=list(units["region"]), years=[year], group=None, pooled=False)
    if not len(pop.frame):
        raise UsageError(f"--year {year}: no population data in that year")
    return pop, year


# ----------------------------------------------------------------------------- cities
def _dataset_with_cities(args: argparse.Namespace) -> tuple[Dataset, str, str]:
    """The dataset with cities and two sides; cities of other countries are left out with a
    note; --capitals needs a capital column."""
    ds = dataset_from_args(args)
    if ds.cities is None:
        raise UsageError(f"{args.command} needs cities: give --cities FILE (the built-in dataset "
                         "has its own)")
    if is_own(ds) and not len(ds.base_regions):
        raise UsageError(f"{args.command} needs the border line: give --regions-file FILE")
    a, b = require_sides(ds)
    if args.capitals and "capital" not in ds.cities:
        raise UsageError("--capitals: the cities have no capital column (name it with "
                         "--city-capital-col COL)")
    other = ~ds.cities["country"].isin([a, b])
    if other.any():
        names = list(ds.cities.loc[other, "city"].astype(str))
        note(f"left out {int(other.sum())} cities of other countries than {a} and {b} (or of "
             f"none): {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}")
    return ds, a, b


def run_twins(args: argparse.Namespace) -> int:
    from ..border.pairs import agglomerations, twin_cities

    ds, a, b = _dataset_with_cities(args)
    kw = dict(min_population=args.min_population, capitals_only=args.capitals)
    if args.agglomerations:
        res = agglomerations(ds.cities, args.km, "country", a, b, link=args.link, **kw)
        table = res.table.copy()
        if "regions" in table:
            table["regions"] = table["regions"].map(lambda s: ";".join(dict.fromkeys(
                ds.unit_of(pd.Series(s.split(";"))).tolist())))
        emit(args, table, title=res.summary().splitlines()[0] + ":")
        return 0
    if args.link != "across":
        raise UsageError("--link applies to --agglomerations only")
    table = twin_cities(ds.cities, args.km, "country", a, b, **kw)
    for col in ("a_region", "b_region"):
        if col in table:
            table = _with_wholes(ds, table, col)
    what = "regional capitals" if args.capitals else "cities"
    emit(args, table, title=f"{len(table)} pairs of {what} across the {a}-{b} border within "
                            f"{args.km:g} km (ranked by the smaller city):")
    return 0


def run_distances(args: argparse.Namespace) -> int:
    from ..border.zones import city_distances

    ds, a, b = _dataset_with_cities(args)
    cities = ds.cities
    if args.capitals:
        cities = cities[cities["capital"].astype(bool)]
    if args.min_population > 0:
        cities = cities[pd.to_numeric(cities["population"], errors="coerce").fillna(-1)
                        >= args.min_population]
    base = ds.base_regions
    border = border_of(args, ds)
    if border.line.n_pairs == 0:
        raise UsageError(" ".join(border.notes))
    d = city_distances(cities, base, "country", a, b, line=border.line,
                       min_population=args.min_population)
    if args.max_km is not None:
        d = d[d["border_km"] <= args.max_km]
    d = _with_wholes(ds, d, "region")
    cols = [c for c in ("city", "country", "region", "population", "capital", "border_km",
                        "across", "across_km", "across_population") if c in d]
    d = d[cols].sort_values(["border_km", "city"], ignore_index=True)
    what = "regional capitals" if args.capitals else "cities"
    emit(args, d, title=f"{len(d)} {what}: geodesic km to the {a}-{b} border and to the nearest "
                        f"{'capital' if args.capitals else 'city'} across it"
                        + border_notes(args, border))
    return 0


# ----------------------------------------------------------------------------- panel-based
def _panel_on_map(args: argparse.Namespace, ds: Dataset | None = None):
    """The panel of the options (its regions with a polygon) and the analysis units on the map
    that the options chose (with those left out for missing years, whose edges show no value)."""
    from ..maps import map_units

    ds = dataset_from_args(args) if ds is None else ds
    require_polygons(ds, args.command)
    panel = panel_from_args(args, ds, weighting=False)
    units = map_units(ds, "all")
    dropped = panel.meta.get("dropped_regions")
    chosen = set(panel.regions) | (set(dropped["region"]) if dropped is not None else set())
    units = units[units["region"].isin(chosen)].reset_index(drop=True)
    have = set(units["region"])
    without = [r for r in panel.regions if r not in have]
    if without:
        _note(f"left out {len(without)} region(s) without a polygon: {', '.join(map(str, without))}")
        keep = [r for r in panel.regions if r in have]
        if len(keep) < 3:
            raise UsageError("fewer than 3 regions of the panel have a polygon")
        panel = panel.select(regions=keep)
    return panel, units


def run_discontinuities(args: argparse.Namespace) -> int:
    from ..border.discontinuity import border_effect, discontinuities

    ds = dataset_from_args(args)
    panel, units = _panel_on_map(args, ds)
    border = border_of(args, ds)
    edges = dataset_edges(ds, units, border.tolerance_m)
    if args.effect:
        res = border_effect(units, panel, kind=args.kind, edges=edges)
        emit(args, res.to_frame().reset_index(), title=res.summary())
        return 0
    year = int(panel.times[-1]) if args.year is None else args.year
    _check_year(panel, year, "--year")
    edges = discontinuities(units, panel, year, kind=args.kind, edges=edges)
    table = pd.DataFrame(edges.drop(columns="geometry"))
    if args.border_only:
        table = table[table["border"]]
    table.insert(0, "year", year)
    table = table.reset_index(drop=True)
    shown = table.dropna(subset=["discontinuity"])
    by = shown.groupby("border")["discontinuity"].mean()
    unit = f" ({panel.unit})" if panel.unit else ""
    title = (f"{args.kind} discontinuities of {panel.indicator}{unit} on {len(table)} "
             f"shared edges, {year}")
    if True in by.index and False in by.index:
        title += f"; mean on border edges {by[True]:.3f}, on internal edges {by[False]:.3f}"
    emit(args, table, title=title + border_notes(args, border))
    return 0


def run_moran(args: argparse.Namespace) -> int:
    from ..measures.spatial import local_moran, moran, weights_from_regions

    if args.threshold_km is not None and args.weights != "distance":
        raise UsageError("--threshold-km applies to --weights distance")
    if args.weights == "distance" and args.threshold_km is None:
        raise UsageError("--weights distance needs --threshold-km")
    panel, units = _panel_on_map(args)
    if args.log:
        panel = panel.log()
    units = units[units["region"].isin(set(panel.regions))].reset_index(drop=True)
    if args.weights == "knn" and args.k >= len(units):
        raise UsageError(f"--k {args.k}: must be below the number of regions ({len(units)})")
    w = weights_from_regions(units, args.weights, id_col="region", k=args.k,
                             threshold_km=args.threshold_km)
    if args.local is not None:
        _check_year(panel, args.local, "--local")
        res = local_moran(panel.select(times=[args.local]), w, permutations=args.permutations,
                          seed=args.seed)
    else:
        res = moran(panel, w, permutations=args.permutations, seed=args.seed)
    if res.islands:
        _note(f"regions without neighbours ({args.weights} weights): "
              f"{', '.join(map(str, res.islands))}")
    if args.local is not None:
        emit(args, res.to_frame(), title=f"local Moran of {panel.indicator}, {args.local}, "
                                         f"{args.weights} weights\n" + res.summary())
        return 0
    emit(args, res.to_frame().reset_index(),
         title=f"Moran's I of {'log ' if args.log else ''}{panel.indicator}"
               f"{' (' + panel.unit + ')' if panel.unit else ''}, "
               f"{args.weights} weights, "
               f"{len(panel.regions)} regions, {args.permutations} permutations")
    return 0


# ----------------------------------------------------------------------------- figures
def run_figures(args: argparse.Namespace) -> int:
    import matplotlib.pyplot as plt

    from ..csvsafe import neutralise_formulas
    from ..report.outputs import write_text_atomic

    formats = [f.strip().lower().lstrip(".") for f in args.formats.split(",") if f.strip()]
    bad = sorted(set(formats) - set(FIGURE_FORMATS))
    if not formats or bad:
        raise UsageError(f"--formats {args.formats!r}: use {', '.join(FIGURE_FORMATS)}")
    formats = list(dict.fromkeys(formats))
    from ..atomic import check_writable

    check_writable(args.out, folder=True)  # a read-only --out fails now, not after the drawing
    ds = dataset_from_args(args)
    makers = _own_figures(args, ds) if is_own(ds) else _paper_figures(args, ds)
    out = Path(args.out)
    rows = []
    for name, make in makers:
        fig = make()
        try:
            for path in fig.save(out / name, formats):
                rows.append({"figure": name, "kind": path.suffix.lstrip("."), "file": str(path),
                             "bytes": path.stat().st_size, "rows": None})
        finally:
            plt.close(fig.figure)
        table = neutralise_formulas(pd.DataFrame(fig.table).drop(columns="geometry",
                                                                 errors="ignore"))
        csv = write_text_atomic(out / f"{name}.csv", table.to_csv(index=False, lineterminator="\n"))
        rows.append({"figure": name, "kind": "csv", "file": str(csv),
                     "bytes": csv.stat().st_size, "rows": len(fig.table)})
    table = pd.DataFrame(rows)
    table["rows"] = table["rows"].astype(float)
    emit(args, table, title=f"wrote {len(table)} files to {out}")
    return 0


def _paper_figures(args: argparse.Namespace, ds: Dataset) -> list:
    """Figures 1 and 2 of Stepanov et al. (2020) from the built-in data."""
    from ..maps import figure1, figure2

    given = [o for o in ("indicator", "years", "regions", "currency", "weight", "year")
             if getattr(args, o, None) is not None] + (["unbalanced"] if args.unbalanced else [])
    if given:
        raise UsageError(f"--{given[0]}: the paper's figures are fixed; it applies to maps of your "
                         "own files (--regions-file, --data)")
    fallback = args.fallback or "none"
    zone_km = 150.0 if args.zone_km is None else args.zone_km
    return [("figure1", lambda: figure1(ds, fallback=fallback)),
            ("figure2", lambda: figure2(ds, zone_km=zone_km))]


def _own_figures(args: argparse.Namespace, ds: Dataset) -> list:
    """A choropleth of the indicator and a map of its discontinuities, from the user's files."""
    from ..border.discontinuity import discontinuities
    from ..maps import choropleth, discontinuity_map

    if args.fallback is not None or args.zone_km is not None:
        raise UsageError(f"--{'fallback' if args.fallback is not None else 'zone-km'}: applies to "
                         "the paper's figures of the built-in data")
    panel, units = _panel_on_map(args, ds)
    year = int(panel.times[-1]) if args.year is None else args.year
    _check_year(panel, year, "--year")
    shown = units[units["region"].isin(set(panel.regions))].reset_index(drop=True)
    what = f"{panel.indicator}" + (f" ({panel.unit})" if panel.unit else "")
    a, b = require_sides(ds)
    sides = set(ds.regions.set_index("region")["country"].reindex(list(shown["region"])).dropna())
    lacking = [c for c in (a, b) if c not in sides]
    if lacking:
        raise UsageError(f"the maps show both sides of the border: the selection has no region of "
                         f"{lacking[0]} (--regions {args.regions or 'border'}); choose --regions "
                         "border or all")

    def edges_map():
        edges = discontinuities(units, panel, year, kind="relative",
                                edges=dataset_edges(ds, units))   # the Dataset's one border
        return discontinuity_map(units, edges, fill=panel, year=year,
                                 title=f"Discontinuities of {what}, {year}",
                                 legend_title="max(a/b, b/a)")

    return [("map", lambda: choropleth(shown, panel, year, title=f"{what}, {year}",
                                       groups=(a, b))),
            ("discontinuities", edges_map)]
