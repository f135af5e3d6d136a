"""The command line: ``crossborder COMMAND [options]``.

Each command lives in ``crossborder.commands.<name>`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` (taking the parsed args, returning an exit code).
Exit codes: 0 success; 1 bad input data (:class:`~crossborder.errors.DataError`); 2 bad usage: an
option that cannot be honoured (:class:`~crossborder.errors.UsageError`, argparse's errors, or a
``ValueError`` of a measure saying what the options ask is not possible); 3 an internal error (any
other exception: a bug), with a hint to rerun with ``--debug``; 130 interrupted (Ctrl-C).
``--debug`` prints the traceback of every error, whatever its kind.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from . import __version__
from .commands._common import cli_message
from .errors import CrossborderError, DataError

COMMANDS = ["info", "table1", "sigma", "beta", "decompose", "gamma", "delta", "clubs", "markov",
            "border", "zones", "twins", "distances", "discontinuities", "moran", "figures", "report",
            "robustness", "rolling", "integration"]

#: Commands registered together by one module.
COMMAND_MODULES = {
    **{n: "measures" for n in ("sigma", "beta", "decompose", "gamma", "delta", "clubs", "markov")},
    **{n: "border" for n in ("border", "zones", "twins", "distances", "discontinuities", "moran",
                             "figures")},
    **{n: "study" for n in ("robustness", "rolling", "integration")},
}

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class _ExactParser(argparse.ArgumentParser):
    """A parser that takes options only as written in full: argparse's prefix matching would read
    ``twins --data X`` as ``--dataset X`` (a different option, silently)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _ExactParser(
        prog="crossborder",
        description="Convergence between the regions on the two sides of a border.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  crossborder info\n  crossborder table1\n  crossborder sigma --regions all\n"
               "  crossborder beta --conditional\n  crossborder decompose --weighted\n"
               "  crossborder clubs\n  crossborder border --pairs\n  crossborder zones --km 150\n"
               "  crossborder twins --capitals --km 250\n  crossborder moran --weights queen\n"
               "  crossborder figures --out figures/\n  crossborder report --out out/\n"
               "  crossborder border --regions-file regions.geojson --group-col country\n"
               "  crossborder beta --data gdp.csv --years 1940-1970\n\n"
               "your own files: --regions-file FILE (polygons) and --data FILE (statistics);\n"
               "--regions is always a selection (border, all, a country, codes), never a file.\n"
               "exit codes: 0 ok, 1 bad data, 2 bad usage, 3 internal error, 130 interrupted\n",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("--version", action="version", version=f"crossborder {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_ExactParser)
    for module in dict.fromkeys(COMMAND_MODULES.get(n, n) for n in COMMANDS):
        importlib.import_module(f"crossborder.commands.{module}").register(sub)
    from .commands import _scale

    _scale.install(sub)  # --engine/--scheduler: the measure commands on data bigger than memory
    parser.set_defaults(_subparsers=sub)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse; an unknown option is reported with the usage of its command (argparse would print
    the top-level usage, which does not list the command's options)."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        sub = getattr(args, "_subparsers", None)
        command = getattr(args, "command", None)
        target = sub.choices.get(command, parser) if sub is not None and command else parser
        target.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:        # argparse: --help (0) or a usage error (2), message printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print("crossborder: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_USAGE
    debug = bool(getattr(args, "debug", False))
    _plain_warnings()
    try:
        return int(_run_with_spinner(args) or 0)
    except KeyboardInterrupt:
        print("crossborder: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except DataError as exc:
        return _fail(exc, EXIT_DATA, debug)
    except (CrossborderError, ValueError) as exc:
        return _fail(exc, EXIT_USAGE, debug)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a trace
        return _fail(exc, EXIT_INTERNAL, debug)


def _plain_warnings() -> None:
    """crossborder's own warnings as one line on stderr, without the source line of the code."""
    import warnings

    from .errors import CrossborderWarning

    original = warnings.formatwarning
    if getattr(original, "crossborder", False):  # installed by an earlier main() in this process
        return

    def fmt(message, category, filename, lineno, line=None):  # noqa: ANN001, ANN202
        if issubclass(category, CrossborderWarning):
            return f"crossborder: warning: {message}\n"
        return original(message, category, filename, lineno, line)

    fmt.crossborder = True  # type: ignore[attr-defined]
    warnings.formatwarning = fmt


def _fail(exc: BaseException, code: int, debug: bool) -> int:
    """Print the error (with its traceback under --debug) and return the exit code."""
    from .commands._progress import done

    done()
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if code == EXIT_INTERNAL:
        print(f"crossborder: internal error ({type(exc).__name__}): {exc}\n"
              "this is a bug: run again with --debug for the traceback and report it",
              file=sys.stderr)
    else:
        print(f"crossborder: error: {cli_message(str(exc))}", file=sys.stderr)
    return code


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
