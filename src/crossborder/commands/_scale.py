"""The measure commands on data bigger than memory: ``--data 'cells/*.parquet'`` through crossborder.scale.

:func:`install` adds to the ``sigma``, ``decompose``, ``beta``, ``gamma`` and ``markov`` parsers the
options ``--engine {duckdb,polars,dask,pandas}``, ``--scheduler ADDRESS`` (Dask), ``--memory-limit SIZE``
(the engine's memory budget, default half the machine's) and, where the parser
has no group-column option of its own, ``--group COL``, and routes a command through the scale path
when one of them is given or ``--data`` is a glob or a folder of Parquet files. Otherwise the command
runs as before. Column names come from ``--id-col``/``--time-col``/``--value-col`` (defaults region,
year, value); the weight from ``--weight-col`` or ``--weight`` (default: ``population`` if the files
have it); the group from ``--group-col`` or ``--group``, the same option (default: ``country`` or
``group`` if the files have one). Options the scale path cannot honour (years, region selections,
currency, ...) are an error there, never ignored.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

import pandas as pd

SCALE_COMMANDS = ("sigma", "decompose", "beta", "gamma", "markov")
ENGINES = ("duckdb", "polars", "dask", "pandas")
#: options of the in-memory path that the scale path does not apply: given, they are an error
_NOT_AT_SCALE = ("years", "regions", "currency", "indicator", "dataset", "regions_file",
                 "countries", "country_from_prefix", "drop_unknown", "regions_id_col", "balanced")
#: conversions by a table of the user's (country, year): run in memory (the message says how)
_CONVERSIONS = ("fx", "deflator")


#: Seconds to wait for a Dask scheduler to accept a connection, and again to answer, before giving up.
SCHEDULER_TIMEOUT = 5.0
_LOCAL_SCHEDULERS = ("threads", "processes", "synchronous", "sync")


def check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """Fail within about ``timeout`` seconds (twice at most), with the address and the reason, when
    nothing accepts a TCP connection at a ``--scheduler`` address (``tcp://host:port`` or
    ``host:port``) or what accepts does not answer as a Dask scheduler
    (:func:`crossborder.scale._source.probe_scheduler`); Dask's client would wait 30 s, or for ever,
    and then fail with a traceback. Local schedulers (threads, processes) and other protocols
    (tls://, ucx://) are left to Dask."""
    import socket
    from urllib.parse import urlsplit

    from ..errors import UsageError

    if address in _LOCAL_SCHEDULERS:
        return
    text = address if "://" in address else f"tcp://{address}"
    parts = urlsplit(text)
    if parts.scheme != "tcp":
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or port is None:
        raise UsageError(f"--scheduler {address!r}: give a Dask scheduler address as host:port or "
                         "tcp://host:port (e.g. tcp://127.0.0.1:8786), or threads/processes")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        why = (f"nothing answered within {timeout:g} s" if isinstance(exc, TimeoutError)
               else exc.strerror or str(exc) or type(exc).__name__)
        raise UsageError(f"--scheduler {address}: cannot reach a Dask scheduler there ({why}); "
                         "start one (dask scheduler) or check the address") from None
    from ..scale._source import probe_scheduler

    why = probe_scheduler(text, timeout)
    if why is not None:
        raise UsageError(f"--scheduler {address}: no Dask scheduler there ({why}); start one "
                         "(dask scheduler) or check the address and port") from None


def install(sub: argparse._SubParsersAction) -> None:
    """Add the scale options to the measure commands registered on ``sub`` and wrap their ``func``."""
    for name in SCALE_COMMANDS:
        p = sub.choices.get(name)
        if p is None:
            continue
        g = p.add_argument_group("bigger than memory (crossborder.scale; needs crossborder[scale])")
        g.add_argument("--engine", choices=ENGINES, default=None,
                       help="run on this engine, out of core: duckdb (default for a glob), polars, "
                            "dask, or pandas (in memory)")
        g.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="Dask scheduler address (tcp://host:8786), or threads/processes; "
                            "implies --engine dask")
        g.add_argument("--memory-limit", metavar="SIZE", default=None,
                       help="memory the engine may use: a share of the machine's memory (50%%, the "
                            "default) or a size (4GB, 512MiB); DuckDB spills to a temporary folder "
                            "beyond it (Polars has no limit: it streams)")
        if "--group" not in p._option_string_actions:
            if "--group-col" in p._option_string_actions:
                g.add_argument("--group", dest="group_col", metavar="COL", default=None,
                               help="the same as --group-col")
            else:
                g.add_argument("--group", dest="scale_group", metavar="COL", default=None,
                               help="group (country) column of --data at scale (default: country "
                                    "or group if present)")
        defaults = {a.dest: a.default for a in p._actions}
        original = p.get_default("func")
        p.set_defaults(func=_wrap(name, original, defaults))


def _wrap(command: str, original: Callable[[argparse.Namespace], int],
          defaults: dict[str, Any]) -> Callable[[argparse.Namespace], int]:
    def func(args: argparse.Namespace) -> int:
        if not wants_scale(args):
            if getattr(args, "memory_limit", None):
                raise ValueError("--memory-limit is the budget of the scale engines: give --data a "
                                 "Parquet glob or folder, or --engine")
            return original(args)
        return run(command, args, defaults)

    func.__name__ = f"run_{command}_maybe_at_scale"
    return func


def _data(args: argparse.Namespace) -> str | None:
    data = getattr(args, "data", None)
    if isinstance(data, list):
        if len(data) > 1:
            raise ValueError("at scale, give one --data: a Parquet file, folder or glob "
                             "('cells/*.parquet')")
        data = data[0] if data else None
    return data


def _is_glob_or_folder(data: str) -> bool:
    return any(c in data for c in "*?[") or os.path.isdir(data)


def wants_scale(args: argparse.Namespace) -> bool:
    """The scale path: --engine or --scheduler given, or --data a glob or a folder. Several
    ``--data`` files (none a glob or folder) run in memory, as on every other command."""
    if getattr(args, "engine", None) or getattr(args, "scheduler", None):
        return True
    data = getattr(args, "data", None)
    if isinstance(data, list) and len(data) > 1:
        if any(_is_glob_or_folder(d) for d in data):
            _data(args)               # a glob among several files: say how the scale path reads
        return False
    data = _data(args)
    return bool(data) and _is_glob_or_folder(data)


def _columns(path: str) -> list[str]:
    import pyarrow.parquet as pq

    from ..errors import DataError
    from ..scale import parquet_files

    first = parquet_files(path)[0]
    try:
        return list(pq.read_schema(first).names)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
        raise DataError(f"not a readable Parquet file ({type(exc).__name__}: "
                        f"{' '.join(str(exc).split())[:200]})", file=first) from None


def _spinner_text(message: str) -> None:
    """Show the pass in the command line's spinner (terminals only: no spinner, nothing shown)."""
    from . import _progress

    live = _progress._live
    if live is not None:
        from rich.spinner import Spinner

        live.update(Spinner("dots", text=f"crossborder {message}"))


def run(command: str, args: argparse.Namespace, defaults: dict[str, Any]) -> int:
    """Run ``command`` through crossborder.scale and print its table as the in-memory command does;
    on a terminal the spinner names the pass over the data and the time so far."""
    from ..scale._memory import memory_budget, polars_isolated
    from ..scale._progress import progress

    with memory_budget(getattr(args, "memory_limit", None)), polars_isolated(), \
            progress(_spinner_text):
        return _run(command, args, defaults)


def _run(command: str, args: argparse.Namespace, defaults: dict[str, Any]) -> int:
    from ..errors import UnitError
    from ._inputs import own_files_unit_error

    try:
        return _run_measure(command, args, defaults)
    except UnitError as exc:
        raise own_files_unit_error(exc) from None


def _run_measure(command: str, args: argparse.Namespace, defaults: dict[str, Any]) -> int:
    from ._common import emit as _emit

    def emit(*a: Any, **k: Any) -> None:
        _balance_notes(prep)
        _emit(*a, **k)

    try:
        from .. import scale
    except ImportError as exc:
        raise ValueError("the scale path needs the [scale] extra: pip install 'crossborder[scale]'") from exc
    data = _data(args)
    if not data:
        raise ValueError("--engine/--scheduler need --data: a Parquet file, folder or glob")
    given = [d for d in _NOT_AT_SCALE if d in defaults and getattr(args, d, None) != defaults[d]]
    if given:
        opts = ", ".join("--" + d.replace("_", "-") for d in given)
        raise ValueError(f"{opts}: not applied by the scale path (--data {data}); select the rows in "
                         "the files, or run without --engine on data that fits in memory")
    conv = [d for d in _CONVERSIONS if getattr(args, d, None)]
    if conv:
        opt = "--" + conv[0]
        raise ValueError(f"{opt}: the scale path does not convert currencies (--data {data}); run "
                         f"`crossborder {command} --data FILE {opt} {getattr(args, conv[0])}` on one "
                         "file that fits in memory (without --engine), convert the values in the "
                         "files first, or compare within each country with --relative national")
    rel = getattr(args, "relative", None)
    rel = None if rel == "none" else rel
    engine = args.engine or ("dask" if args.scheduler else "duckdb")
    if args.scheduler and engine != "dask":
        raise ValueError("--scheduler is a Dask scheduler: use it with --engine dask")
    if args.scheduler:
        check_scheduler(args.scheduler)
    cols = _columns(data)
    region = getattr(args, "id_col", None) or "region"
    time = getattr(args, "time_col", None) or "year"
    value = getattr(args, "value_col", None) or "value"
    w, col = getattr(args, "weight", None), getattr(args, "weight_col", None)
    if col and w not in (None, col):
        raise ValueError(f"--weight {w} and --weight-col {col} name two different weights")
    weight = col or (None if w == "none" else w)
    if weight is not None and weight not in cols and not col and w == defaults.get("weight"):
        weight = None  # the default weight, absent from the files: unweighted measures only
    if weight is None and w is None and "population" in cols:
        weight = "population"  # as the in-memory path: population where the data have it
    # the rule of the in-memory path: naming a weight implies weighting; a command that cannot weight
    # refuses one; weighting without a weight is an error (commands/_inputs.py)
    from ._inputs import note, wants_weights, weight_given

    weighted = wants_weights(args) and command in ("sigma", "decompose", "beta")
    if command in ("gamma", "markov") and weight_given(args):
        opt = "--weight-col" if getattr(args, "weight_col", None) else "--weight"
        raise ValueError(f"{opt}: {command} does not weight regions; leave {opt} out")
    if weighted and weight is None:
        raise ValueError("--weighted needs a weight: --weight NAME or --weight-col COL (a column of "
                         f"the files: {', '.join(cols)})")
    if weighted and weight_given(args) and not getattr(args, "weighted", False):
        note(f"weighted by {weight} (--weight implies --weighted)")
    group = getattr(args, "group_col", None) or getattr(args, "scale_group", None)
    if group is None:
        group = "country" if "country" in cols else "group" if "group" in cols else None
    if rel == "national" and group is None:
        raise ValueError("--relative national needs the country of each region: --group COL (a "
                         f"column of the files: {', '.join(cols)})")
    # the in-memory rule: a balanced panel (--unbalanced keeps every region), indices to the
    # national or pooled mean (markov's pooled classes are its own relative option)
    # the in-memory unit rule: a 'unit' column of the files (as the in-memory reader finds it) pools two
    # countries' values only in one known unit; --unit states it; group dummies compare within countries
    prep = scale.Prepare(balanced=not getattr(args, "unbalanced", False),
                   relative=None if command == "markov" and rel == "pooled" else rel,
                   use_weight=weight is not None and (weight_given(args) or weighted),
                   unit_col="unit" if "unit" in cols else None, unit=getattr(args, "unit", None),
                   pooled=not (command == "beta" and args.conditional))
    kw: dict[str, Any] = dict(region=region, time=time, value=value, engine=engine,
                              scheduler=args.scheduler, prepare=prep)
    unit = getattr(args, "unit", None)
    what = ("index, national mean = 100" if rel == "national" else
            "index, pooled mean = 100" if rel == "pooled" and command != "markov" else unit)
    where = (f"{what + '; ' if what else ''}"
             f"{engine}{' on ' + args.scheduler if args.scheduler else ''}")
    if command == "sigma":
        measures = [m.strip() for m in args.measure.split(",") if m.strip()]
        table = scale.sigma(data, measures, weight=weight, group=group, weighted=weighted,
                            ddof=args.ddof, **kw)
        emit(args, table.rename_axis("time").reset_index(), title=f"sigma convergence of {value} ({where})")
    elif command == "decompose":
        if group is None:
            raise ValueError("decompose needs a group column: --group COL")
        table = scale.decompose(data, args.index, weight=weight, group=group, weighted=weighted,
                                **kw)
        emit(args, table.rename_axis("time").reset_index(),
             title=f"{args.index} of {value}: within and between {group} ({where})")
    elif command == "beta":
        if args.conditional and group is None:
            raise ValueError("--conditional needs a group column: --group COL")
        res = scale.beta(data, controls="group" if args.conditional else None,
                         annualize=not args.not_annualized, cov_type=args.robust or "nonrobust",
                         weight=weight if weighted else None, weighted=weighted, group=group, **kw)
        row = pd.DataFrame([{
            "start": res.start, "end": res.end, "beta": res.beta, "se": res.se, "tstat": res.tstat,
            "pvalue": res.pvalue, "r2": res.r2, "nobs": res.nobs, "speed": res.speed,
            "half_life": res.half_life, "conditional": bool(args.conditional),
        }])
        emit(args, row, title=res.summary())
    elif command == "gamma":
        multi = bool(getattr(args, "multiannual", False))
        emit(args, scale.gamma(data, kind="multiannual" if multi else "binary", group=group,
                               **kw).rename_axis("time").reset_index(),
             title=f"{'multi-annual ' if multi else ''}gamma convergence (1 = ranks unchanged; "
                   f"{where})")
    else:  # markov
        res = scale.markov(data, k=args.k, relative=rel == "pooled", group=group, **kw)
        if args.json or args.csv:
            emit(args, res.to_frame())
        else:
            _balance_notes(prep)
            print(res.summary())
    return 0


def _balance_notes(prep: Any) -> None:
    """The in-memory command line's notes on what balancing left out (stderr)."""
    from ._inputs import _shorten, note

    if not prep.balances:
        return
    bal = prep.balances[0]
    if bal.common_years:
        note(f"years {', '.join(map(str, bal.common_years['kept']))}: the years every country "
             f"observes (left out: {', '.join(map(str, bal.common_years['left_out']))})")
    for year, kept in bal.span_trimmed.items():
        note(f"year {year} left out to keep {len(kept)} region(s) that have no value in it "
             f"({_shorten(kept)})")
    if len(bal.dropped):
        note(f"left out {len(bal.dropped)} region(s) without a value in every year: "
             f"{', '.join(map(str, bal.dropped['region']))}")


__all__ = ["install", "run", "wants_scale"]
