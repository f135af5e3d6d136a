"""The command line: ``crossborder COMMAND [options]``.

Each command lives in ``crossborder.commands.<name>`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` (taking the parsed args, returning an exit code).
Exit codes: 0 success; 1 bad input data (:class:`~crossborder.errors.DataError`); 2 bad usage: an
option that cannot be honoured (:class:`~crossborder.errors.UsageError`, argparse's errors, or a
``ValueError`` of a measure saying what the options ask is not possible); 3 an internal error (any
other exception: a bug), with a hint to rerun with ``--debug``; 130 interrupted (Ctrl-C), 143
terminated (SIGTERM), 129 hung up (SIGHUP): the two signals clean up like Ctrl-C (no half-written
file or hidden build folder stays). A file that cannot be read or written (missing, a folder, a
FIFO, no permission, read-only, disk full) is exit 2 with its path and the reason, never "a bug".
With ``--json`` a failure also prints ``{"error": ..., "kind": ..., "exit": ...}`` on stdout
(kind: data, usage, file, internal, interrupted).
``--debug`` prints the traceback of every error, whatever its kind.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import signal
import sys
import traceback
from collections.abc import Sequence

from . import __version__
from .commands._common import cli_message
from .errors import CrossborderError, DataError, FileAccessError, os_error_message, plain_message

COMMANDS = ["info", "table1", "sigma", "beta", "decompose", "gamma", "delta", "clubs", "markov",
            "border", "zones", "twins", "distances", "discontinuities", "moran", "figures", "report",
            "explore", "robustness", "rolling", "integration"]

#: Commands registered together by one module.
COMMAND_MODULES = {
    **{n: "measures" for n in ("sigma", "beta", "decompose", "gamma", "delta", "clubs", "markov")},
    **{n: "border" for n in ("border", "zones", "twins", "distances", "discontinuities", "moran",
                             "figures")},
    **{n: "study" for n in ("robustness", "rolling", "integration")},
    "explore": "report",   # registered with the report (the same input options)
}

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is so that it cleans up like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.code = 128 + signum


def _raise_interrupted(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _signals_interrupt():
    """SIGTERM and SIGHUP raise :class:`Interrupted` (a KeyboardInterrupt) while the command runs,
    so every ``finally``/``except BaseException`` that cleans up after Ctrl-C runs for them too."""
    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    old = {}
    try:
        for s in wanted:
            old[s] = signal.signal(s, _raise_interrupted)
    except ValueError:  # not the main thread: leave the handlers alone
        pass
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


class _ExactParser(argparse.ArgumentParser):
    """A parser that takes options only as written in full: argparse's prefix matching would read
    ``twins --data X`` as ``--dataset X`` (a different option, silently)."""

    last_error: str | None = None

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        _ExactParser.last_error = message
        super().error(message)


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
    with _signals_interrupt():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in words
    _ExactParser.last_error = None
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:        # argparse: --help (0) or a usage error (2), message printed
        code = exc.code if isinstance(exc.code, int) else EXIT_USAGE
        if code and as_json:
            _json_error(_ExactParser.last_error or "bad usage", "usage", code)
        return code
    except KeyboardInterrupt as exc:
        return _interrupted(exc, as_json)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_USAGE
    debug = bool(getattr(args, "debug", False))
    as_json = bool(getattr(args, "json", False))
    _plain_warnings()
    try:
        return int(_run_with_spinner(args) or 0)
    except KeyboardInterrupt as exc:
        return _interrupted(exc, as_json)
    except BrokenPipeError:
        return EXIT_OK
    except DataError as exc:
        return _fail(exc, EXIT_DATA, debug, as_json)
    except (CrossborderError, ValueError) as exc:
        return _fail(exc, EXIT_USAGE, debug, as_json)
    except OSError as exc:  # a file the system would not read or write: the path and why
        return _fail(FileAccessError(os_error_message(exc), path=exc.filename), EXIT_USAGE, debug,
                     as_json, cause=exc)
    except RecursionError as exc:
        return _fail(DataError("the input is nested too deeply to read (Python's recursion "
                               "limit): flatten it"), EXIT_DATA, debug, as_json, cause=exc)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a trace
        return _fail(exc, EXIT_INTERNAL, debug, as_json)


def _kind(exc: BaseException, code: int) -> str:
    if code == EXIT_INTERNAL:
        return "internal"
    if isinstance(exc, FileAccessError):
        return "file"
    return "data" if code == EXIT_DATA else "usage"


def _json_error(message: str, kind: str, code: int) -> None:
    """The failure as one JSON object on stdout, for programs that asked for ``--json``."""
    with contextlib.suppress(OSError, ValueError):
        json.dump({"error": message, "kind": kind, "exit": code}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        sys.stdout.flush()


def _interrupted(exc: KeyboardInterrupt, as_json: bool) -> int:
    from .commands._progress import done

    done()
    code = getattr(exc, "code", EXIT_INTERRUPTED)
    what = {143: "terminated (SIGTERM)", 129: "hung up (SIGHUP)"}.get(code, "interrupted")
    print(f"crossborder: {what}", file=sys.stderr)
    if as_json:
        _json_error(what, "interrupted", code)
    return code


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


def _fail(exc: BaseException, code: int, debug: bool, as_json: bool = False,
          cause: BaseException | None = None) -> int:
    """Print the error (with its traceback under --debug) and return the exit code."""
    from .commands._progress import done

    done()
    if debug:
        traceback.print_exception(cause or exc, file=sys.stderr)
    if code == EXIT_INTERNAL:
        message = f"internal error ({type(exc).__name__}): {plain_message(str(exc))}"
        print(f"crossborder: {message}\n"
              "this is a bug: run again with --debug for the traceback and report it",
              file=sys.stderr)
    else:
        message = plain_message(cli_message(str(exc)))
        print(f"crossborder: error: {message}", file=sys.stderr)
    if as_json:
        _json_error(message, _kind(exc, code), code)
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
