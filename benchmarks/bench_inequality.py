"""Side-by-side timing of crossborder's inequality kernels against PySAL ``inequality``.

Same synthetic panel for both (lognormal, seeded; default 100,000 regions x 30 years, ~30 groups):

* Theil T per year:         crossborder ``inequality(y, "theil")``  vs ``inequality.theil.Theil(y).T``
* Theil between/within:     crossborder ``decompose_array(y, g)``   vs ``inequality.theil.TheilD(y, g)``
* Gini per year:            crossborder ``inequality(y, "gini")``   vs ``inequality.gini.Gini(y[:, t]).g``
                            for each year (PySAL's Gini takes one period), and ``np.sort(y, axis=0)``
                            as the floor of any sort-based Gini.

Numbers are checked to agree before anything is timed. Timings interleave the contenders, repeat each
``--repeat`` times and report the best (and median) wall time. Targets: >= 3x faster than PySAL on
Theil and TheilD; Gini within 1.5x of ``np.sort``. ``--check`` exits 1 when a target is missed.
Also times the Panel-level call ``sigma(panel, "theil")`` (the array is already pivoted).

    python benchmarks/bench_inequality.py [--regions 100000] [--years 30] [--groups 30] [--check]

Needs the ``inequality`` package (the ``peers`` extra).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def race(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Run each contender ``repeat`` times, interleaved, after one warm-up call each."""
    for fn in contenders.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(repeat):
        for name, fn in contenders.items():
            times[name].append(_timed(fn))
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--groups", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--seed", type=int, default=20200531)
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args(argv)

    try:
        from inequality.gini import Gini
        from inequality.theil import Theil, TheilD
    except ImportError:
        print("PySAL `inequality` is not installed (pip install inequality)", file=sys.stderr)
        return 2

    from crossborder.measures.decompose import decompose_array
    from crossborder.measures.dispersion import inequality, sigma
    from crossborder.panel import Panel

    rng = np.random.default_rng(args.seed)
    n, t = args.regions, args.years
    y = rng.lognormal(mean=10.0, sigma=0.6, size=(n, t))
    y *= np.exp(rng.normal(0.0, 0.2, size=(1, t)))  # a common shock per year
    groups = rng.integers(0, args.groups, size=n)
    y *= np.exp(0.3 * rng.normal(size=args.groups))[groups][:, None]  # real between-group part

    # ---- agreement first
    ours_t, _ = inequality(y, "theil")
    np.testing.assert_allclose(ours_t, Theil(y).T, rtol=1e-9)
    dec = decompose_array(y, groups, "theil")
    td = TheilD(y, groups)
    np.testing.assert_allclose(dec["between"], td.bg, rtol=1e-8)
    np.testing.assert_allclose(dec["within"], td.wg, rtol=1e-8)
    ours_g, _ = inequality(y, "gini")
    np.testing.assert_allclose(ours_g, [Gini(y[:, j]).g for j in range(t)], rtol=1e-9)
    print(f"panel {n:,} regions x {t} years, {args.groups} groups: numbers agree "
          "(Theil, between, within, Gini; rtol 1e-8)")

    # ---- timings, side by side
    res = race(
        {
            "crossborder theil": lambda: inequality(y, "theil"),
            "pysal Theil": lambda: Theil(y).T,
            "crossborder decompose": lambda: decompose_array(y, groups, "theil"),
            "pysal TheilD": lambda: TheilD(y, groups),
            "crossborder gini": lambda: inequality(y, "gini"),
            "pysal Gini per year": lambda: [Gini(y[:, j]).g for j in range(t)],
            "np.sort(axis=0)": lambda: np.sort(y, axis=0),
        },
        args.repeat,
    )
    best = {k: min(v) for k, v in res.items()}
    print(f"\n{'':24s}{'best ms':>10s}{'median ms':>11s}")
    for k, v in res.items():
        print(f"{k:24s}{best[k] * 1e3:10.1f}{statistics.median(v) * 1e3:11.1f}")

    ratios = [
        ("Theil: PySAL / crossborder", best["pysal Theil"] / best["crossborder theil"], 3.0, ">="),
        ("TheilD: PySAL / crossborder",
         best["pysal TheilD"] / best["crossborder decompose"], 3.0, ">="),
        ("Gini: PySAL / crossborder",
         best["pysal Gini per year"] / best["crossborder gini"], 1.0, ">="),
        ("Gini: crossborder / np.sort", best["crossborder gini"] / best["np.sort(axis=0)"], 1.5,
         "<="),
    ]
    print()
    ok = True
    for label, r, target, op in ratios:
        met = r >= target if op == ">=" else r <= target
        ok &= met
        print(f"{label:30s}{r:7.2f}x   target {op} {target:g}x   {'met' if met else 'MISSED'}")

    # ---- the Panel-level call (pivot cached, as in a session that reuses the panel)
    t0 = time.perf_counter()
    panel = Panel.from_matrix(y, groups=groups)
    panel.to_matrix()
    build = time.perf_counter() - t0
    pt = race({"sigma(panel, 'theil')": lambda: sigma(panel, "theil")}, max(3, args.repeat // 2))
    print(f"\nPanel.from_matrix + first pivot: {build:.2f} s (once); sigma(panel, 'theil'): "
          f"{min(pt[next(iter(pt))]) * 1e3:.1f} ms best")
    return 0 if (ok or not args.check) else 1


if __name__ == "__main__":
    raise SystemExit(main())
