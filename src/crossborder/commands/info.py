"""``crossborder info``: the dataset's regions (border ones marked) and indicator x year coverage."""

from __future__ import annotations

import argparse

import pandas as pd

from ..dataset import load_dataset
from ._common import add_dataset_options, add_output_options, emit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info", help="regions, indicators, coverage and caveats of a dataset",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder info\n  crossborder info --regions border\n"
               "  crossborder info --coverage --json\n",
    )
    add_dataset_options(p)
    p.add_argument("--regions", default="border",
                   help="which regions to list: border (default), all, interior, RU, KZ")
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
    ds = load_dataset(args.dataset)
    cov = _coverage_summary(ds, args.regions)
    if args.coverage:
        emit(args, cov)
        return 0
    codes = ds.region_codes(args.regions)
    r = ds.regions.set_index("region").loc[codes].reset_index()
    table = pd.DataFrame({
        "region": r["region"], "name": r["name"], "country": r["country"],
        "border": r["border"].map({True: "*", False: ""}), "capital": r["capital"],
        "geometry": r["geometry_basis"],
    }).sort_values(["country", "border", "region"], ascending=[False, False, True])
    if args.json or args.csv:
        emit(args, table)
        return 0
    print(repr(ds))
    n_ru = int((ds.border_regions["country"] == "RU").sum())
    n_kz = int((ds.border_regions["country"] == "KZ").sum())
    print(f"Border regions: {n_ru} Russian + {n_kz} Kazakh (* = on the border)\n")
    emit(args, table)
    print(f"\nIndicator coverage ({args.regions} regions):")
    emit(args, cov)
    print("\nCaveats:")
    for c in ds.caveats:
        print(f"  - {c}")
    return 0
