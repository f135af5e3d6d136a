"""The border and spatial commands: border, zones, twins, distances, discontinuities, moran, figures.

All work on the built-in dataset's polygons (``--dataset``, default ru-kz). Geometry comes from
the base regions (non-overlapping polygons, ``Dataset.base_regions``); where a polygon is a part of
a unit of analysis (Tyumen's southern part ``RU-TYU-XAO`` of ``RU-TYU``) the tables name the
whole in ``region`` and the polygon in ``part``. ``discontinuities`` and ``moran`` take the shared
data options of the measure commands and draw the analysis units (``crossborder.maps.map_units``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import Dataset, load_dataset
from ..panel import Panel
from ._common import add_dataset_options, add_output_options, emit
from ._panel_options import add_panel_options, panel_from_args

FIGURE_FORMATS = ("png", "svg", "pdf")


# ----------------------------------------------------------------------------- option types
def _number(kind: type, low: float, strict: bool):
    """An argparse type: a number of ``kind`` >= low (> low when ``strict``); else exit 2."""
    def parse(text: str):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not np.isfinite(v) or v < low or (strict and v == low):
            raise argparse.ArgumentTypeError(f"must be {'>' if strict else '>='} {low:g}: {text!r}")
        return v
    parse.__name__ = kind.__name__
    return parse


_km = _number(float, 0.0, False)
_positive_km = _number(float, 0.0, True)
_count = _number(int, 0, False)
_positive = _number(int, 0, True)


def _parser(sub: argparse._SubParsersAction, name: str, help_: str, examples: list[str],
            *, panel: bool = False, regions: str = "all") -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_, description=help_ + ".",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n" + "\n".join(f"  {e}" for e in examples))
    if panel:
        add_panel_options(p, regions=regions)
    else:
        add_dataset_options(p)
    return p


# ----------------------------------------------------------------------------- register
def register(sub: argparse._SubParsersAction) -> None:
    p = _parser(sub, "border", "the border line, the regions on it and the pairs across it",
                ["crossborder border", "crossborder border --pairs --csv",
                 "crossborder border --line --json", "crossborder border --tolerance-m 500"])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--pairs", action="store_true",
                   help="list the cross-border neighbour pairs instead of the regions")
    g.add_argument("--line", action="store_true", help="only the border line (one row)")
    p.add_argument("--tolerance-m", type=_km, default=0.0, metavar="M",
                   help="also count regions within M metres of the other side (default 0)")
    add_output_options(p)
    p.set_defaults(func=run_border)

    p = _parser(sub, "zones", "the border zone: each region's area and population within a "
                              "distance of the border",
                ["crossborder zones", "crossborder zones --km 100 --year 2015",
                 "crossborder zones --by-side --json", "crossborder zones --regions all"])
    p.add_argument("--km", type=_km, default=150.0, help="width of the zone in km (default 150)")
    p.add_argument("--year", type=int, default=2019, help="year of the population (default 2019)")
    p.add_argument("--regions", choices=["border", "all"], default="border",
                   help="the border regions (default) or all regions (rows with a zone only)")
    p.add_argument("--by-side", action="store_true",
                   help="print the totals per side instead of one row per region")
    add_output_options(p)
    p.set_defaults(func=run_zones)

    p = _parser(sub, "twins", "twin cities across the border, or cross-border agglomerations",
                ["crossborder twins", "crossborder twins --capitals --km 250",
                 "crossborder twins --min-population 100000 --csv",
                 "crossborder twins --agglomerations --link any"])
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
                 "crossborder distances --min-population 50000 --json"])
    p.add_argument("--capitals", action="store_true", help="regional capitals only")
    p.add_argument("--min-population", type=_km, default=0.0, metavar="N",
                   help="cities (and cities across) of at least N people (default: all)")
    p.add_argument("--max-km", type=_km, default=None, metavar="KM",
                   help="only cities within KM of the border")
    add_output_options(p)
    p.set_defaults(func=run_distances)

    p = _parser(sub, "discontinuities", "the jump in an indicator across every shared boundary, "
                                        "and the border effect",
                ["crossborder discontinuities", "crossborder discontinuities --year 2015 "
                 "--kind absolute --border-only", "crossborder discontinuities --effect --csv"],
                panel=True)
    p.add_argument("--year", type=int, help="year (default: the panel's last)")
    p.add_argument("--kind", choices=["relative", "absolute"], default="relative",
                   help="relative max(a/b, b/a) (default) or absolute |a - b|")
    p.add_argument("--border-only", action="store_true", help="only edges on the border")
    p.add_argument("--effect", action="store_true",
                   help="the border effect over all years: discontinuities on border edges / "
                        "on internal edges")
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
    p.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")
    p.add_argument("--local", type=int, metavar="YEAR", help="local Moran (LISA) of one year")
    add_output_options(p)
    p.set_defaults(func=run_moran)

    p = _parser(sub, "figures", "write Figures 1 and 2 of the paper and the tables behind them",
                ["crossborder figures", "crossborder figures --out figs --formats png",
                 "crossborder figures --zone-km 100 --fallback earliest"])
    p.add_argument("--out", default="figures", help="output folder (default: figures)")
    p.add_argument("--formats", default="png,svg",
                   help=f"comma-separated, from {', '.join(FIGURE_FORMATS)} (default png,svg)")
    p.add_argument("--zone-km", type=_km, default=150.0,
                   help="Figure 2: width of the border zone in km (default 150)")
    p.add_argument("--fallback", choices=["none", "earliest"], default="none",
                   help="Figure 1: without a 1989 value, use a region's earliest value "
                        "(default: none, leave it hatched)")
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
    if part is not None:
        out.insert(out.columns.get_loc(col) + 1, part, codes)
    out[col] = ds.unit_of(codes)
    return out


def _names(ds: Dataset, codes: pd.Series) -> pd.Series:
    return codes.map(ds.regions.set_index("region")["name"])


def _sides(ds: Dataset) -> tuple[str, str]:
    return ds.sides("country")


def _check_year(panel: Panel, year: int, option: str) -> None:
    if year not in set(panel.times):
        raise ValueError(f"{option} {year}: the panel has years {panel.times[0]}–"
                         f"{panel.times[-1]}")


# ----------------------------------------------------------------------------- border
def run_border(args: argparse.Namespace) -> int:
    from ..border.geometry import border_line, border_regions, cross_border_pairs

    ds = load_dataset(args.dataset)
    a, b = _sides(ds)
    base = ds.base_regions
    line = border_line(base, "country", a, b)
    if args.line:
        emit(args, pd.DataFrame(line.to_frame().drop(columns="geometry")), title=line.summary())
        return 0
    if args.pairs:
        pairs = pd.DataFrame(cross_border_pairs(base, "country", a, b,
                                                tolerance_m=args.tolerance_m).drop(
            columns="geometry"))
        pairs = _with_wholes(ds, pairs, "a_region", "a_part")
        pairs = _with_wholes(ds, pairs, "b_region", "b_part")
        emit(args, pairs, title=line.summary() + "\ncross-border neighbour pairs:")
        return 0
    contacts = ("edge", "point", "near") if args.tolerance_m > 0 else ("edge", "point")
    table = border_regions(base, "country", a, b, contacts=contacts, tolerance_m=args.tolerance_m)
    table = _with_wholes(ds, table, "region", "part")
    table.insert(2, "name", _names(ds, table["region"]).to_numpy())
    table.insert(table.columns.get_loc("length_km") + 1, "share",
                 table["length_km"] / line.length_km if line.length_km > 0 else np.nan)
    counts = table.groupby("group", sort=False).size()
    title = (line.summary() + "\nborder regions: "
             + " + ".join(f"{n} {g}" for g, n in counts.items()))
    emit(args, table, title=title)
    return 0


# ----------------------------------------------------------------------------- zones
def run_zones(args: argparse.Namespace) -> int:
    from ..border.geometry import border_line
    from ..border.zones import border_zone

    ds = load_dataset(args.dataset)
    a, b = _sides(ds)
    base = ds.base_regions
    units = base[base["border"] | base["border_part"]] if args.regions == "border" else base
    pop = ds.panel("population", regions=list(units["region"]), years=[args.year], group=None)
    if not len(pop.frame):
        raise ValueError(f"--year {args.year}: no population data in that year")
    zone = border_zone(units, args.km, "country", a, b, population=pop, year=args.year,
                       cities=ds.cities, line=border_line(base, "country", a, b))
    if args.by_side:
        sides = zone.by_group().reset_index().rename(columns={"group": "side"})
        sides.insert(1, "km", zone.distance_km)
        sides.insert(2, "year", args.year)
        emit(args, sides, title=zone.summary())
        return 0
    table = pd.DataFrame(zone.to_frame().drop(columns="geometry"))
    if args.regions == "all":
        table = table[table["zone_km2"] > 0]
    table = _with_wholes(ds, table, "region", "part")
    table.insert(2, "name", _names(ds, table["region"]).to_numpy())
    table = (table.assign(_side=table["group"].map({a: 0, b: 1}).fillna(2))
             .sort_values(["_side", "zone_share", "region"], ascending=[True, False, True])
             .drop(columns="_side").reset_index(drop=True))
    emit(args, table, title=zone.summary() + f"\npopulation of {args.year}; per region:")
    return 0


# ----------------------------------------------------------------------------- cities
def _dataset_with_cities(args: argparse.Namespace) -> Dataset:
    ds = load_dataset(args.dataset)
    if ds.cities is None:
        raise ValueError(f"dataset {ds.name!r} has no cities")
    return ds


def run_twins(args: argparse.Namespace) -> int:
    from ..border.pairs import agglomerations, twin_cities

    ds = _dataset_with_cities(args)
    a, b = _sides(ds)
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
        raise ValueError("--link applies to --agglomerations only")
    table = twin_cities(ds.cities, args.km, "country", a, b, **kw)
    for col in ("a_region", "b_region"):
        if col in table:
            table = _with_wholes(ds, table, col)
    what = "regional capitals" if args.capitals else "cities"
    emit(args, table, title=f"{len(table)} pairs of {what} across the {a}-{b} border within "
                            f"{args.km:g} km (ranked by the smaller city):")
    return 0


def run_distances(args: argparse.Namespace) -> int:
    from ..border.geometry import border_line
    from ..border.zones import city_distances

    ds = _dataset_with_cities(args)
    a, b = _sides(ds)
    cities = ds.cities
    if args.capitals:
        cities = cities[cities["capital"].astype(bool)]
    if args.min_population > 0:
        cities = cities[pd.to_numeric(cities["population"], errors="coerce").fillna(-1)
                        >= args.min_population]
    base = ds.base_regions
    d = city_distances(cities, base, "country", a, b, line=border_line(base, "country", a, b),
                       min_population=args.min_population)
    if args.max_km is not None:
        d = d[d["border_km"] <= args.max_km]
    d = _with_wholes(ds, d, "region")
    cols = [c for c in ("city", "country", "region", "population", "capital", "border_km",
                        "across", "across_km", "across_population") if c in d]
    d = d[cols].sort_values(["border_km", "city"], ignore_index=True)
    what = "regional capitals" if args.capitals else "cities"
    emit(args, d, title=f"{len(d)} {what}: geodesic km to the {a}-{b} border and to the nearest "
                        f"{'capital' if args.capitals else 'city'} across it")
    return 0


# ----------------------------------------------------------------------------- panel-based
def _panel_on_map(args: argparse.Namespace):
    """The panel of the options (its regions with a polygon) and the analysis units on the map
    that the options chose (with those left out for missing years, whose edges show no value)."""
    from ..maps import map_units

    panel = panel_from_args(args)
    units = map_units(load_dataset(args.dataset), "all")
    dropped = panel.meta.get("dropped_regions")
    chosen = set(panel.regions) | (set(dropped["region"]) if dropped is not None else set())
    units = units[units["region"].isin(chosen)].reset_index(drop=True)
    have = set(units["region"])
    without = [r for r in panel.regions if r not in have]
    if without:
        _note(f"left out {len(without)} region(s) without a polygon: {', '.join(map(str, without))}")
        keep = [r for r in panel.regions if r in have]
        if len(keep) < 3:
            raise ValueError("fewer than 3 regions of the panel have a polygon")
        panel = panel.select(regions=keep)
    return panel, units


def run_discontinuities(args: argparse.Namespace) -> int:
    from ..border.discontinuity import border_effect, discontinuities

    panel, units = _panel_on_map(args)
    if args.effect:
        res = border_effect(units, panel, kind=args.kind)
        emit(args, res.to_frame().reset_index(), title=res.summary())
        return 0
    year = int(panel.times[-1]) if args.year is None else args.year
    _check_year(panel, year, "--year")
    edges = discontinuities(units, panel, year, kind=args.kind)
    table = pd.DataFrame(edges.drop(columns="geometry"))
    if args.border_only:
        table = table[table["border"]]
    table.insert(0, "year", year)
    table = table.reset_index(drop=True)
    shown = table.dropna(subset=["discontinuity"])
    by = shown.groupby("border")["discontinuity"].mean()
    title = (f"{args.kind} discontinuities of {panel.indicator} ({panel.unit}) on {len(table)} "
             f"shared edges, {year}")
    if True in by.index and False in by.index:
        title += f"; mean on border edges {by[True]:.3f}, on internal edges {by[False]:.3f}"
    emit(args, table, title=title)
    return 0


def run_moran(args: argparse.Namespace) -> int:
    from ..measures.spatial import local_moran, moran, weights_from_regions

    if args.weights == "distance" and args.threshold_km is None:
        raise ValueError("--weights distance needs --threshold-km")
    panel, units = _panel_on_map(args)
    units = units[units["region"].isin(set(panel.regions))].reset_index(drop=True)
    if args.weights == "knn" and args.k >= len(units):
        raise ValueError(f"--k {args.k}: must be below the number of regions ({len(units)})")
    w = weights_from_regions(units, args.weights, id_column="region", k=args.k,
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
         title=f"Moran's I of {panel.indicator} ({panel.unit}), {args.weights} weights, "
               f"{len(panel.regions)} regions, {args.permutations} permutations")
    return 0


# ----------------------------------------------------------------------------- figures
def run_figures(args: argparse.Namespace) -> int:
    import matplotlib.pyplot as plt

    from ..maps import figure1, figure2
    from ..report.outputs import write_text_atomic

    formats = [f.strip().lower().lstrip(".") for f in args.formats.split(",") if f.strip()]
    bad = sorted(set(formats) - set(FIGURE_FORMATS))
    if not formats or bad:
        raise ValueError(f"--formats {args.formats!r}: use {', '.join(FIGURE_FORMATS)}")
    formats = list(dict.fromkeys(formats))
    ds = load_dataset(args.dataset)
    out = Path(args.out)
    rows = []
    for name, make in (("figure1", lambda: figure1(ds, fallback=args.fallback)),
                       ("figure2", lambda: figure2(ds, zone_km=args.zone_km))):
        fig = make()
        try:
            for path in fig.save(out / name, formats):
                rows.append({"figure": name, "kind": path.suffix.lstrip("."), "file": str(path),
                             "bytes": path.stat().st_size, "rows": None})
        finally:
            plt.close(fig.figure)
        csv = write_text_atomic(out / f"{name}.csv",
                                fig.table.to_csv(index=False, lineterminator="\n"))
        rows.append({"figure": name, "kind": "csv", "file": str(csv),
                     "bytes": csv.stat().st_size, "rows": len(fig.table)})
    table = pd.DataFrame(rows)
    table["rows"] = table["rows"].astype(float)
    emit(args, table, title=f"wrote {len(table)} files to {out}")
    return 0
