"""The options every measure command shares: which data, which indicator, years and regions."""

from __future__ import annotations

import argparse
import sys

from ..currency import parse_currency
from ..dataset import load_dataset
from ..errors import UnitError
from ..io import read_panel, read_table
from ..panel import Panel
from ..study import DEFAULT_INDICATOR, parse_years, study_panel


def add_panel_options(p: argparse.ArgumentParser, regions: str = "border") -> None:
    g = p.add_argument_group("data")
    g.add_argument("--dataset", default="ru-kz", help="built-in dataset (default: ru-kz)")
    g.add_argument("--data", metavar="FILE",
                   help="your own long table (CSV/Excel/Parquet) instead of the built-in dataset; "
                        "columns region, year, value[, weight][, group]")
    g.add_argument("--indicator", default=DEFAULT_INDICATOR,
                   help=f"indicator (default: {DEFAULT_INDICATOR}, GRP per capita)")
    g.add_argument("--currency", default="USD", type=_currency,
                   help="convert local currency: USD at the exchange rate (default), PPP, real "
                        "(constant prices), an older vintage as PPP:2023-06, or none")
    g.add_argument("--base-year", type=int, default=None,
                   help="base year of --currency real (default 2011)")
    g.add_argument("--years", help="first-last (2008-2019) or a list (2008,2012,2019); default: "
                                   "the span in which both countries have data")
    g.add_argument("--regions", default=regions,
                   help=f"border, all, interior, a country (RU, KZ, border:RU) or codes "
                        f"separated by commas (default: {regions})")
    g.add_argument("--weight", default="population",
                   help="weight indicator (default: population); 'none' for no weight")
    g.add_argument("--unbalanced", action="store_true",
                   help="keep regions with missing years (default: drop them and say which)")


def _currency(text: str) -> str:
    """'none' or a currency basis crossborder.currency can parse (else a usage error)."""
    if text.lower() == "none":
        return "none"
    try:
        parse_currency(text)
    except UnitError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None
    return text


def _region_selection(text: str) -> str | list[str]:
    """'border', 'KZ', 'border:RU' stay names of sets; 'RU-OMS,KZ-PAV' becomes a list of codes."""
    if text in ("border", "all", "interior") or ":" in text or text.isalpha():
        return text
    return [r.strip() for r in text.split(",") if r.strip()]


def panel_from_args(args: argparse.Namespace) -> Panel:
    """The panel the options describe; notes what was dropped on stderr."""
    weight = None if args.weight in (None, "none") else args.weight
    if args.data:
        columns = set(read_table(args.data).columns)
        return read_panel(args.data, weight=weight if weight in columns else None,
                          group="country" if "country" in columns else
                          "group" if "group" in columns else None)
    ds = load_dataset(args.dataset)
    p = study_panel(ds, indicator=args.indicator, regions=_region_selection(args.regions),
                    years=parse_years(args.years),
                    currency=None if args.currency == "none" else args.currency, weight=weight,
                    base_year=getattr(args, "base_year", None),
                    balanced=not args.unbalanced)
    dropped = p.meta.get("dropped_regions")
    if dropped is not None and len(dropped):
        print(f"note: left out {len(dropped)} region(s) without a value in every year: "
              f"{', '.join(dropped['region'])}", file=sys.stderr)
    return p
