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

COMMANDS = ["info", "table1", "sigma", "beta", "decompose", "gamma", "delta", "clubs", "markov",
            "border", "zones", "twins", "distances", "discontinuities", "moran", "figures", "report"]

#: Commands registered together by one module.
COMMAND_MODULES = {
    **{n: "measures" for n in ("sigma", "beta", "decompose", "gamma", "delta", "clubs", "markov")},
    **{n: "border" for n in ("border", "zones", "twins", "distances", "discontinuities", "moran",
                             "figures")},
}

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossborder",
        description="Convergence between the regions on the two sides of a border.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder info\n  crossborder table1\n  crossborder sigma --regions all\n"
               "  crossborder beta --conditional\n  crossborder decompose --weighted\n"
               "  crossborder clubs\n  crossborder border --pairs\n  crossborder zones --km 150\n"
               "  crossborder twins --capitals --km 250\n  crossborder moran --weights queen\n"
               "  crossborder figures --out figures/\n  crossborder report --out out/\n",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("--version", action="version", version=f"crossborder {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in dict.fromkeys(COMMAND_MODULES.get(n, n) for n in COMMANDS):
        importlib.import_module(f"crossborder.commands.{module}").register(sub)
    from .commands import _scale

    _scale.install(sub)  # --engine/--scheduler: the measure commands on data bigger than memory
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(_run_with_spinner(args) or 0)
    except DataError as exc:
        print(f"crossborder: error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except (CrossborderError, ValueError, TypeError, KeyError) as exc:
        if args.debug:
            raise
        print(f"crossborder: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a trace
        if args.debug:
            raise
        print(f"crossborder: internal error ({type(exc).__name__}): {exc}\n"
              "run again with --debug for the traceback", file=sys.stderr)
        return EXIT_INTERNAL


def _run_with_spinner(args: argparse.Namespace) -> int | None:
    """Run the command; on a terminal a spinner on stderr says it is working (the report command
    draws its own progress bar)."""
    if args.command == "report":
        return args.func(args)
    from .commands._progress import working

    with working(f"crossborder {args.command} …"):
        return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
