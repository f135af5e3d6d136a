"""``crossborder report``: the paper's study end to end, as one self-contained HTML report."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..dataset import load_dataset
from ..report import SECTIONS, build_report
from ._common import add_dataset_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="run the whole study and write report.html, figures and tables",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder report\n  crossborder report --out results/\n"
               "  crossborder report --date 2026-01-01   # fix the one date the report states\n",
    )
    add_dataset_options(p)
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--date", type=dt.date.fromisoformat, default=None,
                   help="generation date stated in the report (default: today)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ds = load_dataset(args.dataset)
    out = Path(args.out)
    if args.quiet or not sys.stderr.isatty():
        result = build_report(ds, out, generated=args.date)
    else:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("report", total=len(SECTIONS))

            def step(name: str) -> None:
                bar.update(task, advance=1, description=f"section {name}")

            result = build_report(ds, out, generated=args.date, progress=step)
    print(f"wrote {result.html} ({len(result.tables)} tables, {len(result.figures)} figures)")
    return 0
