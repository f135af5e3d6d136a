"""Border detection with a tolerance: crossborder.find_border vs the exact-edge path and libpysal's
fuzzy contiguity, on synthetic coverages of 10,000 and 100,000 polygons.

The coverage: square cells of 1 km (each side drawn with 5 vertices per edge) on UTM 33N, the
western half country A, the eastern half B. Along the middle third of the border B's cells start
30 m east of A's (a gap of 30 m, as between two national sources), and along the last sixth they
reach 20 m into A (a sliver). Timed, best of ``repeat``:

- exact: ``cross_border_pairs`` (shared edges only, tolerance 0: today's path);
- auto: ``find_border`` with the tolerance chosen from the data (gap profile + pairs within it);
- given: ``find_border(tolerance_m=100)``;
- libpysal: ``libpysal.weights.fuzzy_contiguity(buffering=True, buffer=100)`` on all polygons
  (it finds neighbours, not shared lengths; its cross-border pairs are compared with ours).

Run: python benchmarks/bench_border.py [N ...]   (default 10000 100000)
"""

from __future__ import annotations

import sys

import geopandas as gpd
import numpy as np
import shapely
from _timing import best_of


def coverage(n: int) -> gpd.GeoDataFrame:
    side = int(round(np.sqrt(n)))
    col, row = np.meshgrid(np.arange(side), np.arange(side))
    col, row = col.ravel(), row.ravel()
    x0, y0 = 500_000.0 + col * 1000.0, 5_000_000.0 + row * 1000.0
    mid = side // 2
    first_b = col == mid
    shift = np.where(first_b & (row >= side // 3) & (row < 2 * side // 3), 30.0,
                     np.where(first_b & (row >= 5 * side // 6), -20.0, 0.0))
    geoms = shapely.segmentize(shapely.box(x0 + shift, y0, x0 + 1000.0, y0 + 1000.0), 250.0)
    return gpd.GeoDataFrame({"region": [f"c{i}" for i in range(len(col))],
                             "country": np.where(col < mid, "A", "B")},
                            geometry=geoms, crs="EPSG:32633")


def main(sizes: list[int]) -> None:
    from libpysal.weights import fuzzy_contiguity

    from crossborder.border.geometry import cross_border_pairs, find_border

    for n in sizes:
        g = coverage(n)
        repeat = 3 if n <= 20_000 else 1
        t_exact, exact = best_of(lambda g=g: cross_border_pairs(g, "country", "A", "B"), repeat)
        t_auto, auto = best_of(lambda g=g: find_border(g, "country", "A", "B"), repeat)
        t_given, _ = best_of(lambda g=g: find_border(g, "country", "A", "B", tolerance_m=100),
                             repeat)
        t_pysal, w = best_of(lambda g=g: fuzzy_contiguity(g, buffering=True, buffer=100.0), repeat)
        ids, country = g["region"].to_numpy(), g["country"].to_numpy()
        cross = {(ids[i], ids[j]) for i, nb in w.neighbors.items() for j in nb
                 if country[i] == "A" and country[j] == "B"}
        ours = {tuple(p) for p in auto.pairs[["a_region", "b_region"]].to_numpy()}
        km_exact = float(exact.loc[exact["contact"] == "edge", "length_km"].sum())
        print(f"N = {len(g):,} polygons, border {auto.line.length_km:,.1f} km "
              f"(tolerance {auto.tolerance_m:g} m chosen; {auto.line.n_pairs} edge pairs); "
              f"exact edges only: {km_exact:,.1f} km")
        print(f"  exact edges (cross_border_pairs)   {t_exact:8.2f} s")
        print(f"  find_border, tolerance chosen      {t_auto:8.2f} s   x{t_auto / t_exact:.1f} exact")
        print(f"  find_border, tolerance 100 m       {t_given:8.2f} s   x{t_given / t_exact:.1f} exact")
        print(f"  libpysal fuzzy_contiguity (100 m)  {t_pysal:8.2f} s   "
              f"x{t_pysal / t_auto:.2f} of find_border auto")
        print(f"  ours: {len(auto.edges):,} pairs (a shared stretch) + {len(auto.points):,} "
              f"point contacts; libpysal's cross-border neighbours == both: {cross == ours}")
        for text in auto.notes:
            print(f"  note: {text}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
