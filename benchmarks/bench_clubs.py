"""Time crossborder's Phillips–Sul clubs against the PyPI package ``convergence-clubs``.

The peer is a Python port of R's ConvergenceClubs and is used only as a yardstick: both run on the
same panels (the filteredGDP data of Phillips & Sul when ../shared/refdata is present, and seeded
synthetic panels of 1,000 and 10,000 units x 40 periods with a known club structure), the club
partitions are compared, and the times and ratios are printed.

    .venv/bin/python benchmarks/bench_clubs.py [--sizes 1000 10000] [--peer-cap-seconds 600]

The peer is skipped for a size when its projected time (from the smaller sizes, assuming
quadratic growth) exceeds ``--peer-cap-seconds``; the report then says so.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from crossborder.measures.clubs import clubs
from crossborder.measures.hpfilter import hp_filter

REFDATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "refdata"


def synthetic_panel(n: int, t: int = 40, n_clubs: int = 6, divergent_share: float = 0.01,
                    seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """HP-filtered log income with ``n_clubs`` clubs and a few divergent units (label -1).

    x_it = mu_t + a_club + (c_i + e_it) / t: deviations inside a club shrink like
    1/t (so b = 2 alpha = 2 inside a club), club levels stay 0.6 apart, divergent units drift.
    """
    rng = np.random.default_rng(seed)
    time_ = np.arange(1, t + 1)
    labels = rng.integers(0, n_clubs, size=n)
    n_div = int(round(divergent_share * n))
    labels[rng.choice(n, size=n_div, replace=False)] = -1
    levels = 0.6 * np.arange(n_clubs)[::-1]
    mu = 8.0 + 0.02 * time_
    c = rng.normal(0.0, 0.25, size=(n, 1))
    e = np.zeros((n, t))
    shocks = rng.normal(0.0, 0.05, size=(n, t))
    for j in range(t):  # AR(1) noise, seeded
        e[:, j] = (0.5 * e[:, j - 1] if j else 0.0) + shocks[:, j]
    x = mu + np.where(labels[:, None] >= 0, levels[np.maximum(labels, 0)][:, None], 0.0)
    x = x + (c + e) / time_
    drift = rng.choice([-1.0, 1.0], size=(n, 1)) * rng.uniform(0.5, 1.5, size=(n, 1))
    x = np.where(labels[:, None] < 0, x + drift * (time_ / t) ** 2 + 0.7, x)
    names = [f"u{i:05d}" for i in range(n)]
    df = pd.DataFrame(hp_filter(x, 400.0), index=names, columns=[f"Y{k}" for k in time_])
    return df, labels


def partition_ours(res) -> tuple[list[frozenset], frozenset]:
    return [frozenset(c.members) for c in res.clubs], frozenset(res.divergent)


def partition_peer(res, names: pd.Index) -> tuple[list[frozenset], frozenset]:
    div = res.divergent if res.divergent is not None else []
    return [frozenset(names[list(c.ids)]) for c in res.clubs], frozenset(div)


def best_of(fn, repeat: int):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--periods", type=int, default=40)
    ap.add_argument("--peer-cap-seconds", type=float, default=600.0)
    ap.add_argument("--no-peer", action="store_true")
    args = ap.parse_args()
    try:
        import convergence_clubs as cc
    except ImportError:  # pragma: no cover
        cc = None
    if args.no_peer:
        cc = None

    panels: list[tuple[str, pd.DataFrame, np.ndarray | None]] = []
    ref = REFDATA / "filteredGDP.txt"
    if ref.exists():
        panels.append(("filteredGDP 152x34", pd.read_csv(ref, sep=r"\s+").set_index("Countries"),
                       None))
    for n in args.sizes:
        df, lab = synthetic_panel(n, args.periods, seed=n)
        panels.append((f"synthetic {n}x{args.periods}", df, lab))

    print(f"{'panel':<22}{'clubs':>6}{'div':>6}{'ours s':>10}{'peer s':>10}{'ratio':>9}  agree")
    last_peer: tuple[int, float] | None = None
    for name, df, lab in panels:
        n = len(df)
        t_ours, res = best_of(lambda df=df: clubs(df), 3 if n <= 2000 else 2)
        ours = partition_ours(res)
        peer_s, agree = None, "-"
        if cc is not None:
            projected = None if last_peer is None else last_peer[1] * (n / last_peer[0]) ** 2
            if projected is not None and projected > args.peer_cap_seconds:
                agree = f"peer skipped (projected {projected:,.0f} s > cap)"
            else:
                with warnings.catch_warnings():  # the peer warns about clubs failing as a whole
                    warnings.simplefilter("ignore")
                    peer_s, pres = best_of(lambda df=df: cc.find_clubs(df), 1)
                theirs = partition_peer(pres, df.index)
                agree = "yes" if (ours[0] == theirs[0] and ours[1] == theirs[1]) else "NO"
                last_peer = (n, peer_s)
        truth = ""
        if lab is not None:
            sizes = sorted(np.bincount(lab[lab >= 0]).tolist(), reverse=True)
            truth = f"  (true clubs {sizes}, found {sorted(res.sizes, reverse=True)[:8]})"
        ratio = f"{peer_s / t_ours:8.1f}x" if peer_s else f"{'-':>9}"
        peer_txt = f"{peer_s:10.3f}" if peer_s else f"{'-':>10}"
        print(f"{name:<22}{res.n_clubs:>6}{len(res.divergent):>6}{t_ours:>10.3f}{peer_txt}"
              f"{ratio}  {agree}{truth}")


if __name__ == "__main__":
    main()
