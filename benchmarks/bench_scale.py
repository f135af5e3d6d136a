"""Time the scale path (crossborder.scale) on each engine beside the in-memory measures.

Writes its own data: ``--rows`` long rows (regions x 30 years, 50 groups) as partitioned Parquet
(one file per ``--rows-per-file`` rows), then runs, each engine in its own subprocess so that its
peak memory (max RSS, with its child processes) is its own:

* the checks of ``check=True`` (no duplicate (region, year) row, one group per region), timed apart;
* an exact per-year population-weighted Theil decomposition by group (total, between, within);
* an exact per-year population-weighted Gini coefficient (a per-year sort).

The in-memory run reads the files with pandas, builds a Panel and calls cb.decompose and cb.sigma.
Every engine's numbers are compared with the in-memory ones (or, when that run is skipped, with
DuckDB's) and the largest relative difference is printed.

    .venv/bin/python benchmarks/bench_scale.py                       # 10^7 rows
    .venv/bin/python benchmarks/bench_scale.py --big                 # 10^8 rows (about 3 GB on disk)
    .venv/bin/python benchmarks/bench_scale.py --engines duckdb polars --keep --dir cells

Not run by CI.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

YEARS = 30
GROUPS = 50
ENGINES = ["inmemory", "polars", "duckdb", "dask", "dask-cluster"]


# ------------------------------------------------------------------------------ data
def write_cells(folder: Path, rows: int, rows_per_file: int, seed: int = 1) -> str:
    """rows/30 regions x 30 years of a log-normal value with a group effect and a trend, a
    population weight, 50 groups; written region block by region block (bounded memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    n_regions = rows // YEARS
    per_file = max(rows_per_file // YEARS, 1)
    rng = np.random.default_rng(seed)
    group_effect = rng.normal(0.0, 0.4, GROUPS)
    labels = np.array([f"g{g:02d}" for g in range(GROUPS)])
    years = np.arange(1991, 1991 + YEARS, dtype=np.int32)
    for i, lo in enumerate(range(0, n_regions, per_file)):
        hi = min(lo + per_file, n_regions)
        n = hi - lo
        g = rng.integers(0, GROUPS, n)
        level = 9.0 + group_effect[g] + rng.normal(0.0, 0.5, n)
        growth = 0.02 - 0.01 * (level - 9.0) + rng.normal(0.0, 0.01, n)
        t = np.arange(YEARS)
        logy = level[:, None] + growth[:, None] * t[None, :] + rng.normal(0.0, 0.05, (n, YEARS))
        pop = np.exp(rng.normal(8.0, 1.0, n))[:, None] * (1.0 + 0.01 * t[None, :])
        table = pa.table({
            "region": np.repeat(np.arange(lo, hi, dtype=np.int64), YEARS),
            "year": np.tile(years, n),
            "value": np.exp(logy).ravel(),
            "population": pop.ravel(),
            "group": pa.DictionaryArray.from_arrays(np.repeat(g, YEARS).astype(np.int32), labels),
        })
        pq.write_table(table, folder / f"part-{i:05d}.parquet", row_group_size=1_000_000)
    return str(folder / "*.parquet")


# ------------------------------------------------------------------------------ one engine
def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024.0  # KB on Linux


def run_engine(engine: str, glob: str) -> dict:
    warnings.simplefilter("ignore")
    out: dict = {"engine": engine}
    t0 = time.perf_counter()
    if engine == "inmemory":
        import pandas as pd

        import crossborder as cb
        from crossborder.scale import parquet_files

        df = pd.concat([pd.read_parquet(f) for f in parquet_files(glob)], ignore_index=True)
        df["group"] = df["group"].astype(str)
        t1 = time.perf_counter()
        panel = cb.Panel.from_long(df, weight="population", group="group")
        del df
        t2 = time.perf_counter()
        dec = cb.decompose(panel, "theil", weighted=True)
        t3 = time.perf_counter()
        gini = cb.sigma(panel, "gini", weighted=True)["gini"]
        t4 = time.perf_counter()
        out.update(start=0.0, read=t1 - t0, prepare=t2 - t1, check=0.0, theil=t3 - t2, gini=t4 - t3)
    else:
        from crossborder import scale

        kw: dict = dict(weight="population", group="group", weighted=True)
        cluster = client = None
        if engine == "dask-cluster":
            from distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
            client = Client(cluster)
            kw.update(engine="dask", scheduler=client)
        else:
            kw.update(engine=engine)
        from crossborder.scale._reduce import check_keys
        from crossborder.scale._source import dask_scheduler, load

        t1 = time.perf_counter()
        src = load(glob, region="region", time="year", value="value", group="group",
                   engine=kw["engine"], scheduler=kw.get("scheduler"))
        with dask_scheduler(src.scheduler):
            check_keys(src, True)  # what check=True costs: duplicate (region, year) rows, groups
        t2 = time.perf_counter()
        dec = scale.decompose(glob, "theil", check=False, **kw)
        t3 = time.perf_counter()
        gini = scale.sigma(glob, "gini", check=False, **kw)["gini"]
        t4 = time.perf_counter()
        out.update(start=t1 - t0, read=0.0, prepare=0.0, check=t2 - t1, theil=t3 - t2, gini=t4 - t3)
        if client is not None:
            client.close()
            cluster.close()
    out["peak_mb"] = _peak_mb()
    out["values"] = {"total": dec["total"].tolist(), "between": dec["between"].tolist(),
                     "within": dec["within"].tolist(), "gini": gini.tolist()}
    return out


# ------------------------------------------------------------------------------ driver
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=float, default=1e7, help="long rows to write (default 1e7)")
    ap.add_argument("--big", action="store_true", help="10^8 rows")
    ap.add_argument("--rows-per-file", type=float, default=2e6)
    ap.add_argument("--engines", nargs="+", default=ENGINES, choices=ENGINES)
    ap.add_argument("--dir", help="folder for the Parquet files (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the files (and reuse them if present)")
    ap.add_argument("--run", help=argparse.SUPPRESS)
    ap.add_argument("--glob", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(run_engine(args.run, args.glob)))
        return
    rows = int(1e8 if args.big else args.rows)
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="cb-scale-")) / "cells"
    t0 = time.perf_counter()
    if args.keep and folder.exists() and any(folder.glob("*.parquet")):
        glob = str(folder / "*.parquet")
        print(f"reusing {glob}")
    else:
        glob = write_cells(folder, rows, int(args.rows_per_file))
        size = sum(f.stat().st_size for f in folder.glob("*.parquet")) / 2**20
        print(f"wrote {rows:,} rows ({rows // YEARS:,} regions x {YEARS} years, {GROUPS} groups) in "
              f"{time.perf_counter() - t0:.1f} s, {size:,.0f} MB of Parquet")
    results = []
    try:
        for engine in args.engines:
            env = dict(os.environ, PYTHONWARNINGS="ignore")
            proc = subprocess.run([sys.executable, __file__, "--run", engine, "--glob", glob],
                                  capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                print(f"{engine}: failed\n{proc.stderr[-2000:]}")
                continue
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(f"  {engine}: theil {r['theil']:.1f} s, gini {r['gini']:.1f} s, "
                  f"peak {r['peak_mb']:,.0f} MB", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if not results:
        return
    ref = next((r for r in results if r["engine"] == "inmemory"), results[0])
    print(f"\n{rows:,} long rows; times in seconds; numbers compared with {ref['engine']}\n")
    print("| engine | start-up | read + pivot | checks | Theil decomposition | exact weighted Gini | "
          "peak memory | max rel. diff |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        diff = max(float(np.nanmax(np.abs(np.asarray(r["values"][k]) / np.asarray(ref["values"][k]) - 1)))
                   for k in ref["values"])
        pre = f"{r['read']:.1f} + {r['prepare']:.1f}" if r["engine"] == "inmemory" else "–"
        chk = "–" if r["engine"] == "inmemory" else f"{r['check']:.1f}"
        print(f"| {r['engine']} | {r['start']:.1f} | {pre} | {chk} | {r['theil']:.1f} | {r['gini']:.1f} | "
              f"{r['peak_mb'] / 1024:.2f} GB | {diff:.1e} |")


if __name__ == "__main__":
    main()
