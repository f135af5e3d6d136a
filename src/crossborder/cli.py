"""The command line: ``crossborder COMMAND [options]``.

Each command lives in ``crossborder.commands.<name>`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` (taking the parsed args, returning an exit code).
Exit codes: 0 success, 1 bad input data, 2 bad usage, 3 unexpected internal error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __version__
from .errors import CrossborderError, DataError

COMMANDS = ["info", "table1", "report"]

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossborder",
        description="Convergence between the regions on the two sides of a border.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder info\n  crossborder table1\n",
    )
    parser.add_argument("--version", action="version", version=f"crossborder {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"crossborder.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        print(f"crossborder: error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except CrossborderError as exc:
        print(f"crossborder: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
