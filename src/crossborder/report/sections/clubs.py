"""Section 6: convergence clubs (do they cross the border?) and Markov mobility."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...charts import sigma_chart
from ...maps import map_units
from ...measures.clubs import clubs
from ...measures.dynamics import markov
from ...measures.hpfilter import hp_filter
from ...measures.spatial import moran, weights_from_regions
from ..model import ReportContext, Section
from ..panels import describe, geo_sources, panel, source_line, sources_of


def build(ctx: ReportContext) -> Section:
    s = Section("clubs", "Convergence clubs, mobility and spatial dependence")
    p = panel(ctx, "all")
    res = clubs(hp_filter(p.log(), lamb=400), trim=1 / 3, cstar=0.0, hac="FQSB")
    members = res.membership()
    border = set(ctx.ds.border_regions["region"])
    members["border"] = members["region"].isin(border)
    by_club = members[members["status"] == "club"].groupby("club").agg(
        size=("region", "size"),
        russian=("group", lambda g: int((g == "RU").sum())),
        kazakh=("group", lambda g: int((g == "KZ").sum())),
        border_regions=("border", "sum"),
    )
    stats = res.to_frame().set_index("club")
    by_club = by_club.join(stats[["b", "se", "tstat"]], how="left")
    by_club["mixes_countries"] = (by_club["russian"] > 0) & (by_club["kazakh"] > 0)
    by_club = by_club.reset_index()
    src = sorted(set(sources_of(p)))
    ctx.table(s, "clubs", by_club, "Phillips–Sul clubs (HP-filtered log GRP per capita, FQSB, c* = 0)",
              sources=src)
    ctx.table(s, "club_membership", members.sort_values(["club", "region"]), "Club of every region",
              sources=src, show=False)
    paths = res.transition_paths()
    club_paths = (paths.dropna(subset=["club"]).drop_duplicates(["club", "time"])
                  .pivot(index="time", columns="club", values="club_h_all"))
    ctx.table(s, "club_paths", club_paths.reset_index(),
              "Club averages relative to the cross-section average of all regions (HP-filtered logs)",
              sources=src, show=False)
    ctx.figure(s, "club_paths", sigma_chart(
        {f"club {int(c)} ({int(by_club.set_index('club').loc[c, 'size'])})": club_paths[c]
         for c in club_paths.columns},
        title="Transition paths of the clubs", ylabel="club average / average of all regions",
        source=source_line(ctx, p), legend_outside=True), "Relative transition paths of the clubs")
    mixed = by_club[by_club["mixes_countries"]]
    bm = members[members["border"]]
    s.reading.append(
        f"On {describe(p)}, the Phillips–Sul procedure finds {res.n_clubs} clubs and "
        f"{len(res.divergent)} divergent regions. {len(mixed)} of the clubs mix Russian and Kazakh "
        f"regions, holding {int(mixed['size'].sum())} of {int(by_club['size'].sum())} regions. The "
        f"{len(bm)} border regions fall into {bm['club'].nunique()} clubs: "
        + "; ".join(f"club {c}: {', '.join(sorted(g['region']))}" for c, g in bm.groupby("club"))
        + ".")
    failing = [int(c) for c, t in zip(by_club["club"], by_club["tstat"], strict=True) if t <= -1.65]
    n_t = p.shape[1]
    used = n_t - int(np.floor(n_t / 3))
    s.reading.append(
        f"With {n_t} years and the first third trimmed, each log t regression rests on {used} "
        "periods" + (", so the clubs are indicative" if used < 20 else "")
        + "; the clubs' t statistics are in the table. "
        + (f"Clubs {', '.join(str(c) for c in failing)} do not pass the log t test as a whole "
           "(t ≤ −1.65): with a fixed c* = 0 (the convention of R's ConvergenceClubs) the sieve can "
           "admit members that together reject convergence; cstar_method='incremental' is stricter."
           if failing else "Every club passes the log t test as a whole (t > −1.65)."))
    mk = markov(p, k=5)
    cells = mk.to_frame()
    ctx.table(s, "markov", cells, "Transitions between per-year quintiles of GRP per capita (all regions)",
              sources=src, show=False)
    matrix = pd.DataFrame(mk.probabilities, index=list(mk.labels), columns=list(mk.labels))
    matrix.insert(0, "from", list(mk.labels))
    matrix["steady_state"] = mk.steady_state
    ctx.table(s, "markov_matrix", matrix, "Transition probabilities, steady state", sources=src)
    mob = mk.mobility
    ctx.table(s, "markov_mobility", pd.DataFrame([{"index": k, "value": v} for k, v in mob.items()]
                                                 + [{"index": "mean probability of staying",
                                                     "value": float(mk.probabilities.diagonal().mean())}]),
              "Mobility indices of the transition matrix", sources=src)
    moves = _moves_by_country(mk.class_table(), p.group_labels())
    ctx.table(s, "markov_moves", moves, "Class changes by country", sources=src)
    s.reading.append(
        f"Between consecutive years a region stays in its quintile with probability "
        f"{mk.probabilities.diagonal().mean():.2f} on average (Shorrocks mobility "
        f"{mob['shorrocks']:.3f}). "
        + " ".join(f"{r.country}: {r.moves_up} moves up and {r.moves_down} down in {r.transitions} "
                   "transitions." for r in moves.itertuples()))
    _spatial(ctx, s, p, src)
    return s


def _spatial(ctx: ReportContext, s: Section, p, src: list[str]) -> None:
    """Moran's I of log GRP per capita per year (queen contiguity, 999 permutations, fixed seed)."""
    units = map_units(ctx.ds, "all")
    units = units[units["region"].isin(set(p.regions))].reset_index(drop=True)
    on_map = p.select(regions=[r for r in p.regions if r in set(units["region"])])
    w = weights_from_regions(units, "queen", id_column="region")
    res = moran(on_map.log(), w, permutations=999, seed=12345)
    table = res.to_frame().reset_index()
    ctx.table(s, "moran", table, "Moran's I of log GRP per capita (queen contiguity, 999 permutations)",
              sources=src + geo_sources(ctx))
    significant = int((table["p_sim"] <= 0.05).sum())
    positive = bool((table["I"] > table["expected"]).mean() > 0.5)
    lead = ("Neighbours resemble each other" if positive and significant > len(table) / 2 else
            "Neighbours differ more than chance would make them" if significant > len(table) / 2 else
            "No clear spatial pattern")
    s.reading.append(
        f"{lead}: Moran's I of log GRP per capita is "
        f"{table['I'].iloc[0]:.2f} in {table['time'].iloc[0]} and {table['I'].iloc[-1]:.2f} in "
        f"{table['time'].iloc[-1]} (expected {table['expected'].iloc[0]:.3f} without spatial "
        f"dependence), significant at 5% in {significant} of {len(table)} years"
        + (f"; {', '.join(map(str, res.islands))} have no neighbours on the map and count with a "
           "zero spatial lag" if res.islands else "") + ".")


def _moves_by_country(classes: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Up and down moves between consecutive years per country, from the region x year classes."""
    c = classes.copy()
    if "region" in c.columns:
        c = c.set_index("region")
    c = c.apply(lambda col: pd.to_numeric(col.astype(str).str.lstrip("Q"), errors="coerce"))
    diff = c.diff(axis=1).iloc[:, 1:]
    g = groups.reindex(diff.index)
    rows = []
    for country in sorted(g.dropna().unique()):
        d = diff[g == country].to_numpy().ravel()
        d = d[~pd.isna(d)]
        rows.append({"country": country, "transitions": len(d), "moves_up": int((d > 0).sum()),
                     "moves_down": int((d < 0).sum()), "stays": int((d == 0).sum())})
    return pd.DataFrame(rows)
