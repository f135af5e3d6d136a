"""Section 6: convergence clubs (do they cross the border?), Markov mobility and spatial dependence.

Each part runs on what the data allow and says why when it cannot: clubs need a run of periods,
Markov two periods (its steps are stated: transitions over unequal steps are pooled), Moran's I one
period and polygons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...charts import clubs_chart
from ...maps import map_units
from ...measures.clubs import clubs
from ...measures.dynamics import markov
from ...measures.hpfilter import hp_filter
from ...measures.spatial import moran, weights_from_regions
from ..model import ReportContext, Section, Skip
from ..panels import (
    country_name,
    describe,
    geo_sources,
    label,
    need_periods,
    panel,
    sides,
    source_line,
    sources_of,
    steps,
    steps_text,
)

TITLE = "Convergence clubs, mobility and spatial dependence"

#: The fewest periods the club procedure is run on (HP filter, then a log t regression on the
#: last two thirds, which needs at least 3 periods beyond t = 1).
CLUB_PERIODS = 5
#: Classes of the Markov chain (quintiles) and the fewest regions it needs.
MARKOV_K = 5


def build(ctx: ReportContext) -> Section:
    s = Section("clubs", TITLE)
    p = panel(ctx, "all")
    src = sorted(set(sources_of(p)))
    for what, part in (("Convergence clubs", _clubs), ("Markov mobility", _markov),
                       ("Moran's I", _spatial)):
        try:
            part(ctx, s, p, src)
        except Skip as exc:
            ctx.skipped(s, what, str(exc))
    return s


def _country_columns(ctx: ReportContext) -> dict[str, str]:
    """Column of the clubs table counting each side's regions: code -> column name."""
    a, b = sides(ctx)
    if ctx.ds.name == "ru-kz":
        return {a: "russian", b: "kazakh"}
    return {a: f"regions_{a}", b: f"regions_{b}"}


def _clubs(ctx: ReportContext, s: Section, p, src: list[str]) -> None:
    need_periods(p, CLUB_PERIODS, "the club procedure (HP filter and log t regression)")
    res = clubs(hp_filter(p.log(), lamb=400), trim=1 / 3, cstar=0.0, hac="FQSB")
    members = res.membership()
    border = set(ctx.ds.border_regions["region"])
    members["border"] = members["region"].isin(border)
    cols = _country_columns(ctx)
    by_club = members[members["status"] == "club"].groupby("club").agg(
        size=("region", "size"),
        **{col: ("group", lambda g, code=code: int((g == code).sum())) for code, col in cols.items()},
        border_regions=("border", "sum"),
    )
    stats = res.to_frame().set_index("club")
    by_club = by_club.join(stats[["b", "se", "tstat"]], how="left")
    ca, cb = cols.values()
    by_club["mixes_countries"] = (by_club[ca] > 0) & (by_club[cb] > 0)
    by_club = by_club.reset_index()
    ctx.table(s, "clubs", by_club, f"Phillips–Sul clubs (HP-filtered log {label(p)} in {p.unit}, FQSB, "
              "c* = 0)",
              sources=src)
    ctx.table(s, "club_membership", members.sort_values(["club", "region"]), "Club of every region",
              sources=src, show=False)
    paths = res.transition_paths()
    club_paths = (paths.dropna(subset=["club"]).drop_duplicates(["club", "time"])
                  .pivot(index="time", columns="club", values="club_h_all"))
    ctx.table(s, "club_paths", club_paths.reset_index(),
              "Club averages relative to the cross-section average of all regions (HP-filtered logs)",
              sources=src, show=False)
    if len(club_paths.columns):
        ctx.figure(s, "club_paths", clubs_chart(
            res, title="Transition paths of the clubs", ylabel="club average / average of all regions",
            source=source_line(ctx, p), legend_outside=True, lang=ctx.lang),
            "Relative transition paths of the clubs")
    failing = [int(c) for c, t in zip(by_club["club"], by_club["tstat"], strict=True) if t <= -1.65]
    passing = by_club[~by_club["club"].isin(failing)]
    mixed = passing[passing["mixes_countries"]]
    bm = members[members["border"]]
    a, b = sides(ctx)
    both = "Russian and Kazakh regions" if ctx.ds.name == "ru-kz" else \
        f"regions of {country_name(ctx, a)} and {country_name(ctx, b)}"
    where = ("" if bm.empty else
             f" The {len(bm)} border regions fall into {bm['club'].nunique()} groups: "
             + "; ".join(f"club {c}: {', '.join(sorted(g['region']))}" for c, g in bm.groupby("club"))
             + ".")
    one = len(failing) == 1
    fail_text = ("" if not failing else
                 f" {'Club' if one else 'Clubs'} {', '.join(str(c) for c in failing)} "
                 f"{'fails its' if one else 'fail their'} own log t test (t "
                 + ", ".join(f"{t:.2f}" for t in by_club.loc[by_club['club'].isin(failing), 'tstat'])
                 + f") and {'is' if one else 'are'} not counted as a club here.")
    s.reading.append(
        f"On {describe(p)}, the Phillips–Sul procedure proposes {res.n_clubs} clubs and "
        f"{len(res.divergent)} divergent regions; {len(passing)} of the clubs pass their own log t test "
        f"(t > −1.65). Of those, {len(mixed)} mix {both}, holding {int(mixed['size'].sum())} of "
        f"{int(by_club['size'].sum())} regions." + fail_text + where)
    n_t = p.shape[1]
    used = n_t - int(np.floor(n_t / 3))
    if by_club.empty:
        verdict = "No group of regions passes as a club."
    elif failing:
        verdict = (f"{'Club' if len(failing) == 1 else 'Clubs'} {', '.join(str(c) for c in failing)} "
                   f"{'does' if len(failing) == 1 else 'do'} not pass the log t test as a whole "
                   "(t ≤ −1.65): with a fixed c* = 0 (the convention of R's ConvergenceClubs) the sieve "
                   "can admit members that together reject convergence; cstar_method='incremental' is "
                   "stricter.")
    else:
        verdict = "Every club passes the log t test as a whole (t > −1.65)."
    s.reading.append(
        f"With {n_t} {'years' if set(steps(p)) == {1.0} else 'periods'} and the first third "
        f"trimmed, each log t regression rests on {used} "
        "periods" + (", so the clubs are indicative" if used < 20 else "")
        + "; the clubs' t statistics are in the table. " + verdict)


def _markov(ctx: ReportContext, s: Section, p, src: list[str]) -> None:
    need_periods(p, 2, "a Markov chain (transitions between periods)")
    if p.shape[0] < MARKOV_K:
        raise Skip(f"{p.shape[0]} regions cannot fill {MARKOV_K} quantile classes")
    mk = markov(p, k=MARKOV_K)
    cells = mk.to_frame()
    ctx.table(s, "markov", cells, f"Transitions between per-period quintiles of {label(p)} (all regions)"
              if set(steps(p)) != {1.0} else
              f"Transitions between per-year quintiles of {label(p)} (all regions)",
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
    st = sorted(set(steps(p)))
    pooled = (" Transitions over steps of different length are pooled in one matrix, so a "
              "probability mixes horizons; read it as per step, not per year.") if len(st) > 1 else ""
    s.reading.append(
        f"Between {steps_text(p)} a region stays in its quintile with probability "
        f"{mk.probabilities.diagonal().mean():.2f} on average (Shorrocks mobility "
        f"{mob['shorrocks']:.3f}). "
        + " ".join(f"{r.country}: {r.moves_up} moves up and {r.moves_down} down in {r.transitions} "
                   "transitions." for r in moves.itertuples()) + pooled)


def _spatial(ctx: ReportContext, s: Section, p, src: list[str]) -> None:
    """Moran's I of the log indicator per period (queen contiguity, 999 permutations, fixed seed)."""
    units = map_units(ctx.ds, "all")
    units = units[units["region"].isin(set(p.regions))].reset_index(drop=True)
    if len(units) < 3:
        raise Skip(f"{len(units)} regions of the panel have a polygon; Moran's I needs at least 3")
    on_map = p.select(regions=[r for r in p.regions if r in set(units["region"])])
    w = weights_from_regions(units, "queen", id_col="region")
    res = moran(on_map.log(), w, permutations=999, seed=12345)
    table = res.to_frame().reset_index()
    ctx.table(s, "moran", table, f"Moran's I of log {label(p)} (queen contiguity, 999 permutations)",
              sources=src + geo_sources(ctx))
    significant = int((table["p_sim"] <= 0.05).sum())
    positive = bool((table["I"] > table["expected"]).mean() > 0.5)
    lead = ("Neighbours resemble each other" if positive and significant > len(table) / 2 else
            "Neighbours differ more than chance would make them" if significant > len(table) / 2 else
            "No clear spatial pattern")
    unit = "years" if set(steps(p)) <= {1.0} else "periods"
    i_, t_ = table["I"], table["time"]
    span = (f"{i_.iloc[0]:.2f} in {t_.iloc[0]}" if len(table) == 1 else
            f"{i_.iloc[0]:.2f} in {t_.iloc[0]} and {i_.iloc[-1]:.2f} in {t_.iloc[-1]}")
    where = (f"significant at 5% in {significant} of {len(table)} {unit}" if len(table) > 1 else
             "significant at 5%" if significant else "not significant at 5%")
    s.reading.append(
        f"{lead}: Moran's I of log {label(p)} is {span} (expected {table['expected'].iloc[0]:.3f} without "
        f"spatial dependence), {where}"
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
