"""The verdict of a robustness grid in plain words: what holds across specifications and what
depends on one choice.

:func:`verdict` reads a :class:`~crossborder.measures.robustness.RobustnessResult` by fixed rules
and returns sentences with the numbers behind them (a report only renders them):

* per estimate family, the share of rows (specification x standard errors) that support
  convergence (estimate negative, p < alpha) and the share that go significantly the other way;
  the reading is *robust* (share >= ``robust``), *majority* (>= 0.5), *minority* (>= ``rare``)
  or *rare*;
* a dependence on one choice: for each estimate, dimension (currency, start, end, region variant,
  resource regions, standard errors) and level, the share supporting at that level against the
  share at every other level of the dimension; it is stated when the verdict *appears* with that
  level (share >= 0.5 there and < ``contrast`` elsewhere) or *disappears* with it (share <= 0.1
  there and >= ``contrast``... elsewhere) — the strongest two per estimate. Levels of different
  dimensions are not balanced in a grid (a substituted series shortens the span), so each sentence
  gives the counts it rests on;
* optionally, a yearly series per currency basis (e.g. the between-country share) whose peak
  appears in one basis only, and the integration test (difference in differences of pair gaps).

The rules read only the table's columns, never region or country names: the levels (a region
variant's name, a currency basis) are the dataset's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._display import displayable
from .robustness import SPEC_COLUMNS, RobustnessResult

__all__ = ["Verdict", "basis_name", "estimate_label", "peak_only_in", "verdict", "when"]

#: How the text names each estimate family; ``{side}`` is the side's name.
LABELS = {
    "sigma_trend": "σ convergence of the border regions as a whole (falling sd of logs)",
    "sigma_trend_side": "σ convergence within the border regions of {side}",
    "beta_absolute": "absolute β convergence of the border regions",
    "beta_conditional": "conditional β convergence (with a side dummy)",
    "between_share_trend": "a falling between-country share of inequality (Theil T)",
    "border_effect_trend": ("a falling border effect (discontinuity on border edges relative to "
                            "internal ones)"),
    "pair_gap_trend": "narrowing gaps between neighbours across the border (mean |log ratio|)",
}

#: How a level of each dimension is named in a sentence.
WHEN = {
    "currency": "{level}",
    "start": "when the window starts in {level}",
    "end": "when the window ends in {level}",
    "regions": "with the region variant '{level}'",
    "resources": "with the resource regions {level}",
    "se_type": "with {level} standard errors",
}


def basis_name(level: str) -> str:
    """How the text names a currency basis of the grid."""
    if level == "USD":
        return "in nominal USD"
    if level == "PPP":
        return "at PPP (newest vintage)"
    if level.startswith("PPP:"):
        return f"at PPP of the {level[4:]} vintage"
    if level == "real":
        return "at constant prices (real basis)"
    return f"in {level}"


def when(dimension: str, level: str) -> str:
    """'when the window ends in 2020', 'in nominal USD', 'with the resource regions left out'."""
    if dimension == "currency":
        return basis_name(level)
    if dimension == "resources":
        return {"in": "with the resource regions kept in",
                "out": "with the resource regions left out"}.get(level, f"with resources {level}")
    return WHEN[dimension].format(level=level)


def _cap(text: str) -> str:
    return text[0].upper() + text[1:] if text[:1].isascii() else text

ROBUST, MOSTLY, MIXED, RARE = "robust", "mostly", "mixed", "rare"


def estimate_label(estimate: str, names: Mapping[str, str] | None = None) -> str:
    """The plain-words name of an estimate (``sigma_trend_<side>`` names the side via ``names``)."""
    if estimate in LABELS:
        return LABELS[estimate]
    if estimate.startswith("sigma_trend_"):
        side = estimate.removeprefix("sigma_trend_")
        return LABELS["sigma_trend_side"].format(side=(names or {}).get(side, side))
    return estimate


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


@displayable
@dataclass(frozen=True)
class Verdict:
    """Sentences (in order: overview, what holds, what depends on one choice, extras) and the numbers
    behind them: ``families`` (one row per estimate: ``rows``, ``supporting``, ``share_supporting``,
    ``share_against``, ``share_negative``, ``median``, ``min``, ``max``, ``strength``) and
    ``dependences`` (estimate, dimension, level, ``share_at``, ``n_at``, ``share_other``,
    ``n_other``, ``kind`` = appears / disappears, ``sentence``)."""

    sentences: list[str]
    families: pd.DataFrame
    dependences: pd.DataFrame
    extras: list[str] = field(default_factory=list)
    alpha: float = 0.05

    def to_frame(self) -> pd.DataFrame:
        return self.families.copy()


def _strength(share: float, robust: float, rare: float) -> str:
    if share >= robust:
        return ROBUST
    if share >= 2 / 3:
        return MOSTLY
    if share >= rare:
        return MIXED
    return RARE


def _families(t: pd.DataFrame, alpha: float, robust: float, rare: float,
              names: Mapping[str, str] | None) -> pd.DataFrame:
    rows = []
    for est, g in t.groupby("estimate", sort=False):
        sup = g["supports_convergence"].astype(bool)
        against = (g["value"] > 0) & (g["pvalue"] < alpha)
        share = float(sup.mean())
        rows.append({"estimate": est, "label": estimate_label(str(est), names), "rows": len(g),
                     "supporting": int(sup.sum()), "share_supporting": share,
                     "share_against": float(against.mean()),
                     "share_negative": float((g["value"] < 0).mean()),
                     "median": float(g["value"].median()), "min": float(g["value"].min()),
                     "max": float(g["value"].max()), "strength": _strength(share, robust, rare)})
    return pd.DataFrame(rows)


def _dependences(t: pd.DataFrame, names: Mapping[str, str] | None, contrast: float,
                 per_estimate: int) -> pd.DataFrame:
    rows = []
    for est, g in t.groupby("estimate", sort=False):
        found = []
        for dim in SPEC_COLUMNS:
            col = g[dim].astype(object).where(g[dim].notna(), "as given").astype(str)
            levels = list(dict.fromkeys(col))
            if len(levels) < 2:
                continue
            sup = g["supports_convergence"].astype(bool).to_numpy()
            for level in levels:
                at = (col == level).to_numpy()
                s_at, s_other = float(sup[at].mean()), float(sup[~at].mean())
                if s_at >= 0.5 and s_other < contrast:
                    kind = "appears"
                elif s_at <= 0.1 and s_other >= contrast:
                    kind = "disappears"
                else:
                    continue
                found.append({"estimate": est, "dimension": dim, "level": level, "share_at": s_at,
                              "n_at": int(at.sum()), "share_other": s_other,
                              "n_other": int((~at).sum()), "kind": kind,
                              "gap": abs(s_at - s_other)})
        found.sort(key=lambda r: -r["gap"])
        best: dict[str, dict] = {}
        for r in found:  # one sentence per dimension (in/out of a binary one say the same)
            best.setdefault(r["dimension"], r)
        for r in list(best.values())[:per_estimate]:
            lab = _cap(estimate_label(str(est), names))
            w = when(r["dimension"], r["level"])
            if r["kind"] == "appears":
                only = "only" if r["share_other"] == 0 else "mainly"
                text = (f"{lab} appears {only} {w}: {_pct(r['share_at'])} of its {r['n_at']} "
                        f"specifications support it, against {_pct(r['share_other'])} of the "
                        f"{r['n_other']} others.")
            else:
                text = (f"{lab} disappears {w}: {_pct(r['share_at'])} of its {r['n_at']} "
                        f"specifications support it, against {_pct(r['share_other'])} of the "
                        f"{r['n_other']} others.")
            rows.append({**{k: v for k, v in r.items() if k != "gap"}, "sentence": text})
    cols = ["estimate", "dimension", "level", "share_at", "n_at", "share_other", "n_other", "kind",
            "sentence"]
    return pd.DataFrame(rows, columns=cols)


def peak_only_in(name: str, by_basis: Mapping[str, pd.Series],
                 fmt: Callable[[float], str] | None = None) -> str:
    """'' unless the peak year of ``name`` in one basis is not a peak in any other basis; then the
    sentence saying so, with each basis' own peak. A peak is the year of the series' maximum."""
    s = {b: pd.Series(v, dtype=float).dropna() for b, v in by_basis.items()}
    s = {b: v for b, v in s.items() if len(v) >= 3}
    if len(s) < 2:
        return ""
    if fmt is None:
        lo = min(float(v.min()) for v in s.values())
        hi = max(float(v.max()) for v in s.values())
        fmt = (lambda x: f"{100 * x:.1f}%") if 0 <= lo and hi <= 1 else (lambda x: f"{x:.3g}")
    peaks = {b: (v.idxmax(), float(v.max())) for b, v in s.items()}
    for b, (year, value) in peaks.items():
        others = {o: p for o, p in peaks.items() if o != b}
        if any(p[0] == year for p in others.values()):
            continue
        # the peak is not a peak elsewhere: interior and at least 10% above the basis' median
        v = s[b]
        if year in (v.index[0], v.index[-1]) or value < 1.1 * float(v.median()):
            continue
        rest = "; ".join(f"{basis_name(o)} it peaks in {y} ({fmt(x)})" for o, (y, x) in others.items())
        return (f"The peak of the {name} in {year} ({fmt(value)}) appears {basis_name(b)} only; "
                f"{rest}.")
    return ""


def _integration_sentences(result: Any, alpha: float) -> list[str]:
    out = []
    for year, d in result.did.items():
        direction = ("did not change measurably" if abs(d.coef) < 0.0005 else
                     "narrowed" if d.coef < 0 else "widened")
        sig = d.pvalue < alpha
        pre_ok = not (np.isfinite(d.pretrend_pvalue) and d.pretrend_pvalue < alpha)
        reading = ("supports the integration thesis" if d.coef < 0 and sig and pre_ok else
                   "would support the thesis, but the pre-trend test rejects parallel trends"
                   if d.coef < 0 and sig else "does not support the integration thesis"
                   + ("" if pre_ok else ", and the leads reject parallel pre-trends"))
        out.append(
            f"After {year}, gaps between neighbours across the border {direction}"
            + ("" if abs(d.coef) < 0.0005 else f" by {abs(d.coef):.3f} log points")
            + " relative to neighbours within one country "
            f"(difference in differences, p {d.pvalue:.3f}, standard errors clustered by pair; "
            + (f"pre-trend p {d.pretrend_pvalue:.3f}" if np.isfinite(d.pretrend_pvalue)
               else f"no pre-trend test: {d.pretrend_note()}")
            + f"): this {reading}.")
    return out


def verdict(
    result: RobustnessResult,
    *,
    names: Mapping[str, str] | None = None,
    series: Mapping[str, Mapping[str, pd.Series]] | None = None,
    integration: Any = None,
    robust: float = 0.9,
    rare: float = 1 / 3,
    contrast: float = 0.25,
    per_estimate: int = 2,
) -> Verdict:
    """Read ``result`` by the rules of the module docstring.

    ``names``: how the text names each side (group code -> name); ``series``: name -> {basis ->
    yearly series} whose peaks are compared across bases; ``integration``: an
    :class:`~crossborder.measures.integration.IntegrationResult` whose DiD estimates are read too.
    """
    alpha = float(result.params.get("alpha", 0.05))
    t = result.table.dropna(subset=["value"])
    fam = _families(t, alpha, robust, rare, names)
    dep = _dependences(t, names, contrast, per_estimate)
    n_spec = len(t.drop_duplicates([c for c in SPEC_COLUMNS if c != "se_type"]))
    levels = {d: list(dict.fromkeys(t[d].astype(object).where(t[d].notna(), "as given").astype(str)))
              for d in SPEC_COLUMNS}
    sentences = [
        f"Each headline estimate was run on {n_spec} specifications of the data (currency bases "
        f"{', '.join(levels['currency'])}; start years {', '.join(levels['start'])}; end years "
        f"{', '.join(levels['end'])}; region variants {', '.join(levels['regions'])}; resource "
        f"regions {' and '.join(levels['resources'])}) with {', '.join(levels['se_type'])} standard "
        f"errors. A specification supports convergence when its estimate is negative with p < "
        f"{alpha:g}; the shares below count every specification and kind of standard errors."]
    groups = [
        (ROBUST, "What holds across specifications: "),
        (MOSTLY, "What holds in most specifications (two in three or more), but not all: "),
        (MIXED, "Mixed, supported in one to two specifications in three: "),
        (RARE, "What does not hold (fewer than one specification in three): "),
    ]
    if not fam["strength"].isin([ROBUST, MOSTLY]).any():
        sentences.append(f"No convergence estimate holds in most specifications (the most often "
                         f"supported: {_best(fam)}).")
    for strength, lead in groups:
        g = fam[fam["strength"] == strength]
        if g.empty:
            continue
        sentences.append(lead + "; ".join(
            f"{r.label} ({_pct(r.share_supporting)} of {r.rows}"
            + (f"; {_pct(r.share_against)} show significant divergence" if r.share_against >= 0.1
               else "") + ")" for r in g.itertuples()) + ".")
    sentences.extend(dep["sentence"])
    extras = []
    for name, by_basis in (series or {}).items():
        text = peak_only_in(name, by_basis)
        if text:
            extras.append(text)
    if integration is not None:
        extras.extend(_integration_sentences(integration, alpha))
    return Verdict(sentences=sentences + extras, families=fam, dependences=dep, extras=extras,
                   alpha=alpha)


def _best(fam: pd.DataFrame) -> str:
    r = fam.sort_values("share_supporting", ascending=False).iloc[0]
    return f"{r['label']}, {_pct(r['share_supporting'])} of {r['rows']}"
