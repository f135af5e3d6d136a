"""``crossborder table1``: the paper's Table 1 as printed, beside the bundled data for 2019."""

from __future__ import annotations

import argparse
import sys

from ..dataset import load_dataset
from ..study.table1 import read_table1_as_printed, table1_comparison, table1_side_by_side
from ._common import add_output_options, emit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "table1", help="Table 1 of Stepanov et al. (2020) beside the dataset's 2019 values",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder table1\n  crossborder table1 --csv > table1.csv\n",
    )
    p.add_argument("--long", action="store_true",
                   help="one row per region with differences and sources (default: as in the paper)")
    add_output_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ds = load_dataset("ru-kz")
    comparison = table1_comparison(ds)
    if args.json or args.csv or args.long:
        emit(args, comparison)
    else:
        emit(args, table1_side_by_side(comparison),
             title="Table 1 (Stepanov et al. 2020): population (thousand) and unemployment (%), "
                   "2019 — as printed vs the bundled data", float_format="{:,.1f}")
    if not (args.json or args.csv):
        issues = read_table1_as_printed(ds).issues
        diff = comparison.dropna(subset=["unemp_diff_pp"])
        big = diff[diff["unemp_diff_pp"].abs() >= 0.2]
        print("\nProblems in the table as printed:")
        for line in issues:
            print(f"  - {line}")
        print(f"\nUnemployment differs by 0.2 pp or more for {len(big)} of {len(diff)} regions "
              "with data (the paper's figures may be for another period). Population basis: "
              "Russia annual average 2019 (pre-2021-census vintage), Kazakhstan 1 January 2020.")
    sys.stdout.flush()
    return 0
