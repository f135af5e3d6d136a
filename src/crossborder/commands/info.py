"""``crossborder info``: the dataset's regions (border ones marked) and indicator x year coverage."""

from __future__ import annotations

import argparse

import pandas as pd

from ._common import add_output_options, emit
from ._inputs import add_input_options, dataset_from_args, is_own, selection_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info", help="regions, indicators, coverage and caveats of a dataset",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder info\n  crossborder info --regions border\n"
               "  crossborder info --coverage --json\n"
               "  crossborder info --regions-file regions.geojson --data gdp.csv\n",
    )
    add_input_options(p)
    p.add_argument("--regions", default=None, metavar="SELECTION",
                   help="which regions to list: border (default; all for your own files without "
                        "a border), all, interior, a country (RU, KZ, border:RU) or codes. Not a "
                        "file: polygons come with --regions-file")
    p.set_defaults(regions_default="border", regions_choices=None)
    p.add_argument("--coverage", action="store_true",
                   help="print only the indicator x year coverage table")
    add_output_options(p)
    p.set_defaults(func=run)


def _coverage_summary(ds, regions: str) -> pd.DataFrame:
    cov = ds.coverage(regions)
    years = cov.columns.to_numpy()
    rows = []
    for ind, counts in cov.iterrows():
        have = years[counts.to_numpy() > 0]
        rows.append({"indicator": ind, "years": _spans(have), "max_regions": int(counts.max()),
                     "values": int(counts.sum())})
    return pd.DataFrame(rows)


def _spans(years) -> str:
    """[1994, 1995, 1996, 1998] -> '1994–1996, 1998'."""
    out, start, prev = [], None, None
    for y in list(years) + [None]:
        if start is None:
            start = prev = y
        elif y is not None and y == prev + 1:
            prev = y
        else:
            out.append(f"{start}–{prev}" if prev != start else f"{start}")
            start = prev = y
    return ", ".join(out)


def run(args: argparse.Namespace) -> int:
    ds = dataset_from_args(args)
    which = selection_from_args(args, ds)
    cov = _coverage_summary(ds, which)
    if args.coverage:
        emit(args, cov)
        return 0
    codes = ds.region_codes(which)
    r = ds.regions.set_index("region").loc[codes].reset_index()
    table = pd.DataFrame({
        "region": r["region"], "name": r["name"], "country": r["country"],
        "border": r["border"].map({True: "*", False: ""}), "capital": r["capital"],
        "geometry": r["geometry_basis"],
    }).sort_values(["country", "border", "region"], ascending=[False, False, True],
                   na_position="last")
    if args.json or args.csv:
        emit(args, table)
        return 0
    print(repr(ds))
    counts = ds.border_regions["country"].value_counts()
    if len(counts):
        print("Border regions: " + " + ".join(f"{n} {c}" for c, n in counts.items())
              + " (* = on the border)\n")
    elif is_own(ds):
        print("No border regions: they come from the polygons (--regions-file) of two countries "
              "(--countries A B)\n")
    emit(args, table)
    label = which if isinstance(which, str) else f"{len(which)} chosen"
    print(f"\nIndicator coverage ({label} regions):")
    emit(args, cov)
    if ds.caveats:
        print("\nCaveats:")
        for c in ds.caveats:
            print(f"  - {c}")
    return 0
