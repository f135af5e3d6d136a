"""Timing of the in-memory panel path against array floors and peers (default 100,000 x 30).

Every contender is timed on the same seeded synthetic panel (lognormal incomes, lognormal
populations varying by year, ~30 groups), after one warm-up call; the best of ``--repeat`` runs is
reported (the machine is shared, so the best is the least noisy number). Numbers are checked to
agree with the peer (or the floor's reference) before timing.

* ``Panel.from_matrix`` (weights and groups) and the first pivot, against ``np.repeat`` of the
  labels (the floor of building the long table);
* weighted Theil and Gini through a Panel (``sigma(panel, ..., weighted=True)``) against the array
  kernel ``inequality(y, ..., w)``;
* ``gamma(panel)`` against one ``np.argsort(y, axis=0)`` (the floor of any rank-based index);
* absolute beta (classical and HC1) and conditional beta (group dummies) against one
  ``np.linalg.lstsq`` and the ``convergence-clubs`` peer (``beta_convergence(..., cov_type="HC1")``);
* ``decompose(panel)`` against PySAL ``inequality.theil.TheilD``;
* ``markov(panel)`` against mapclassify.Quantiles per year + ``giddy.markov.Markov``;
* ``hp_filter`` against ``convergence_clubs.filters.hp_filter``;
* ``moran(panel, w, permutations=0)`` on a rook lattice against one sparse ``w @ z``.

    PYTHONPATH=src python benchmarks/bench_panel.py [--regions 100000] [--years 30] [--repeat 5]
        [--only gamma beta ...]

Peers come from the ``peers`` extra; a missing peer is reported and skipped.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from _timing import best_of
from scipy import sparse


def row(name: str, ours: float, other: float | None, other_name: str) -> None:
    if other is None:
        print(f"{name:34s}{ours * 1e3:10.1f} ms")
        return
    print(f"{name:34s}{ours * 1e3:10.1f} ms   {other_name:26s}{other * 1e3:10.1f} ms   "
          f"{other / ours:6.2f}x")


def rook(nr: int, nc: int) -> sparse.csr_array:
    """Rook contiguity of an nr x nc lattice (row-major ids), binary."""
    idx = np.arange(nr * nc).reshape(nr, nc)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    n = nr * nc
    m = sparse.coo_array((np.ones(2 * len(a)), (np.r_[a, b], np.r_[b, a])), shape=(n, n))
    return sparse.csr_array(m)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--groups", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--only", nargs="*", default=None,
                    help="subset of: from_matrix weighted gamma beta decompose markov hp moran")
    args = ap.parse_args(argv)
    only = set(args.only) if args.only else None

    def want(key: str) -> bool:
        return only is None or key in only

    import crossborder as cb
    from crossborder.measures.dispersion import inequality, sigma
    from crossborder.panel import Panel

    rng = np.random.default_rng(args.seed)
    n, t, r = args.regions, args.years, args.repeat
    y = np.exp(rng.normal(9.0, 0.5, (n, 1)) + np.cumsum(rng.normal(0.0, 0.05, (n, t)), axis=1))
    pop = np.exp(rng.normal(11.0, 1.0, (n, 1)) + rng.normal(0.0, 0.01, (n, t)))
    groups = np.array([f"g{g:02d}" for g in rng.integers(0, args.groups, n)], dtype=object)
    regions = [f"r{i:06d}" for i in range(n)]
    times = list(range(1990, 1990 + t))
    print(f"panel {n:,} regions x {t} years, {args.groups} groups; best of {r} (ms)\n")

    def build() -> Panel:
        return Panel.from_matrix(y, regions=regions, times=times, weights=pop, groups=groups)

    if want("from_matrix"):
        def build_and_pivot() -> Panel:
            p = build()
            p.to_matrix()
            p.weight_matrix()
            p.group_labels()
            return p

        tb, _ = best_of(build, r)
        tp, _ = best_of(build_and_pivot, r)
        lab = np.asarray(regions, dtype=object)
        tf, _ = best_of(lambda: (np.repeat(lab, t), y.ravel().copy(), pop.ravel().copy()), r)
        row("Panel.from_matrix", tb, tf, "floor: repeat + ravel")
        row("  + to_matrix/weights/groups", tp, None, "")

    panel = build()
    panel.to_matrix()

    if want("weighted"):
        for m in ("theil", "gini"):
            ref = inequality(y, m, pop)[0]
            np.testing.assert_allclose(sigma(panel, m, weighted=True)[m].to_numpy(), ref, rtol=1e-12)
            tp, _ = best_of(lambda m=m: sigma(panel, m, weighted=True), r)
            ta, _ = best_of(lambda m=m: inequality(y, m, pop), r)
            row(f"sigma(panel, {m!r}, weighted)", tp, ta, "array kernel")

    if want("gamma"):
        from scipy.stats import rankdata

        g = cb.gamma(panel)
        r0 = rankdata(y[:, 0])
        rt = rankdata(y[:, -1])
        np.testing.assert_allclose(g["gamma"].iloc[-1], np.var(r0 + rt) / np.var(2 * r0),
                                   rtol=1e-12)
        tg, _ = best_of(lambda: cb.gamma(panel), r)
        ta, _ = best_of(lambda: np.argsort(y, axis=0), r)
        row("gamma(panel)", tg, ta, "floor: argsort(axis=0)")

    if want("beta"):
        ly = np.log(y)
        gr = (ly[:, -1] - ly[:, 0]) / (t - 1)
        X = np.column_stack([np.ones(n), ly[:, 0]])
        ta, _ = best_of(lambda: np.linalg.lstsq(X, gr, rcond=None), r)
        b = cb.beta(panel)
        np.testing.assert_allclose(b.beta, np.linalg.lstsq(X, gr, rcond=None)[0][1], rtol=1e-9)
        tb, _ = best_of(lambda: cb.beta(panel), r)
        row("beta(panel)", tb, ta, "floor: lstsq")
        th, bh = best_of(lambda: cb.beta(panel, robust="HC1"), r)
        try:
            from convergence_clubs.beta import beta_convergence
        except ImportError:
            row("beta(panel, robust='HC1')", th, None, "")
        else:
            wide = pd.DataFrame(y, index=regions, columns=times)
            peer = beta_convergence(wide, cov_type="HC1")
            np.testing.assert_allclose(bh.se, peer.std_err, rtol=1e-9)
            tpeer, _ = best_of(lambda: beta_convergence(wide, cov_type="HC1"), r)
            row("beta(panel, robust='HC1')", th, tpeer, "convergence-clubs HC1")
        tc, bc = best_of(lambda: cb.beta(panel, controls="group"), r)
        # checked after timing: a large lstsq leaves BLAS threads that slow the next timings
        labels = np.unique(groups)
        Xg = np.column_stack([X] + [(groups == g).astype(float) for g in labels[1:]])
        np.testing.assert_allclose(bc.beta, np.linalg.lstsq(Xg, gr, rcond=None)[0][1], rtol=1e-9)
        row("beta(panel, controls='group')", tc, tb, "absolute beta")

    if want("decompose"):
        try:
            from inequality.theil import TheilD
        except ImportError:
            TheilD = None
        td = cb.decompose(panel)
        tp, _ = best_of(lambda: cb.decompose(panel), r)
        if TheilD is None:
            row("decompose(panel)", tp, None, "")
        else:
            ref = TheilD(y, groups)
            np.testing.assert_allclose(td["between"].to_numpy(), np.ravel(ref.bg), rtol=1e-8)
            tpeer, _ = best_of(lambda: TheilD(y, groups), r)
            row("decompose(panel)", tp, tpeer, "pysal TheilD")
        tw, _ = best_of(lambda: cb.decompose(panel, weighted=True), r)
        row("decompose(panel, weighted)", tw, None, "")

    if want("markov"):
        tm, res = best_of(lambda: cb.markov(panel), r)
        try:
            import giddy.markov as gm
            import mapclassify as mc
        except ImportError:
            row("markov(panel)", tm, None, "")
        else:
            def giddy_pipeline():
                q = np.column_stack([mc.Quantiles(y[:, j], k=5).yb for j in range(t)])
                return gm.Markov(q, summary=False)

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tpeer, gres = best_of(giddy_pipeline, max(1, r // 2))
            np.testing.assert_array_equal(res.counts, gres.transitions)
            row("markov(panel)", tm, tpeer, "mapclassify + giddy")

    if want("hp"):
        from crossborder.measures.hpfilter import hp_filter

        th, ours = best_of(lambda: hp_filter(y), r)
        tpan, _ = best_of(lambda: hp_filter(panel), max(1, r // 2))
        try:
            from convergence_clubs.filters import hp_filter as peer_hp
        except ImportError:
            row("hp_filter(array)", th, None, "")
        else:
            np.testing.assert_allclose(ours, peer_hp(y), rtol=1e-9)
            tpeer, _ = best_of(lambda: peer_hp(y), r)
            row("hp_filter(array)", th, tpeer, "convergence-clubs")
        row("hp_filter(panel)", tpan, th, "hp_filter(array)")

    if want("moran"):
        nc = int(np.sqrt(n))
        nr = n // nc
        nn = nr * nc
        wm = rook(nr, nc)
        pm = Panel.from_matrix(y[:nn], times=times)
        pm.to_matrix()
        from crossborder.measures.spatial import aligned_weights

        aw = aligned_weights(wm, pm.regions)
        res = cb.moran(pm, aw, permutations=0)
        z = y[:nn] - y[:nn].mean(axis=0)
        i_ref = nn / aw.matrix.sum() * (z * (aw.matrix @ z)).sum(axis=0) / (z * z).sum(axis=0)
        np.testing.assert_allclose(res.table["I"].to_numpy(), i_ref, rtol=1e-10)
        tm, _ = best_of(lambda: cb.moran(pm, aw, permutations=0), r)
        tf, _ = best_of(lambda: aw.matrix @ z, r)
        row("moran(panel, permutations=0)", tm, tf, "floor: sparse w @ z")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
