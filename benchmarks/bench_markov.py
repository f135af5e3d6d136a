"""Markov transition counts: crossborder vs giddy.markov.Markov on a synthetic 100,000 x 30 panel.

Both sides use per-year quintile classes (mapclassify.Quantiles convention: linear-interpolated
quantiles, a value equal to a cut point in the lower class). Timed:

- counts: the chain from ready-made class ids (crossborder's bincount kernel vs giddy.Markov);
- pipeline: from the raw values (crossborder.markov vs mapclassify.Quantiles per year + giddy), and
  from a Panel (its matrix already pivoted).

Run: python benchmarks/bench_markov.py [N] [T]
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
from _timing import best_of


def main(n: int = 100_000, t: int = 30, k: int = 5) -> None:
    import giddy.markov as gm
    import mapclassify as mc

    from crossborder.measures.dynamics import markov, transition_counts
    from crossborder.panel import Panel

    rng = np.random.default_rng(20240601)
    # log incomes: persistent region effects plus a random walk, so classes are sticky
    y = np.exp(rng.normal(0, 0.5, (n, 1)) + np.cumsum(rng.normal(0, 0.1, (n, t)), axis=1))

    def giddy_pipeline():
        q = np.column_stack([mc.Quantiles(y[:, j], k=k).yb for j in range(t)])
        return gm.Markov(q, summary=False)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_gp, g = best_of(giddy_pipeline, repeat=1)
        q = np.column_stack([mc.Quantiles(y[:, j], k=k).yb for j in range(t)])
        t_gc, gc = best_of(lambda: gm.Markov(q, summary=False), repeat=3)
    t_op, r = best_of(lambda: markov(y, k=k), repeat=3)
    panel = Panel.from_matrix(y)
    panel.to_matrix()  # pivot cached, as in a session that reuses the panel
    t_pp, rp = best_of(lambda: markov(panel, k=k), repeat=3)
    np.testing.assert_array_equal(rp.counts, r.counts)
    t_oc, (oc, _) = best_of(lambda: transition_counts(q, k), repeat=3)

    np.testing.assert_array_equal(r.classes, q)
    np.testing.assert_array_equal(r.counts, g.transitions)
    np.testing.assert_array_equal(oc, gc.transitions)
    np.testing.assert_allclose(r.probabilities, g.p, rtol=1e-12)

    print(f"panel {n:,} x {t}, {k} per-year quantile classes, {int(r.counts.sum()):,} transitions")
    print("counts agree: yes")
    print(f"{'':28s}{'giddy':>10s}{'crossborder':>14s}{'ratio':>9s}")
    print(f"{'counts from class ids':28s}{t_gc:9.3f}s{t_oc:13.4f}s{t_gc / t_oc:8.1f}x")
    print(f"{'pipeline from values':28s}{t_gp:9.3f}s{t_op:13.4f}s{t_gp / t_op:8.1f}x")
    print(f"{'pipeline from a Panel':28s}{t_gp:9.3f}s{t_pp:13.4f}s{t_gp / t_pp:8.1f}x")
    print(f"{'  (crossborder.markov incl. steady state, mobility-ready result)':s}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
