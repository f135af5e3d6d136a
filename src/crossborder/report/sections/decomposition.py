"""Section 5: the border's share of inequality — within/between-country decomposition over time."""

from __future__ import annotations

import pandas as pd

from ...charts import rate_jumps, sigma_chart
from ...i18n import gettext_for
from ...measures.decompose import decompose
from ...measures.resample import between_share_theil, panel_band
from ..model import ReportContext, Section, Skip
from ..panels import describe, panel, source_line, sources_of, weight, weight_note, why_not

TITLE = "The border's share of inequality"


def build(ctx: ReportContext) -> Section:
    s = Section("decomposition", TITLE)
    frames, sources, shares, skipped, panels = [], set(), {}, {}, {}
    bands: dict[str, tuple[pd.Series, pd.Series]] = {}
    for selection, label in (("border", "border regions"), ("all", "all regions")):
        reason = why_not(ctx, selection)
        if reason:
            skipped[f"Decomposition of the {label}"] = reason
            continue
        p = panel(ctx, selection)
        panels[selection] = p
        sources.update(sources_of(p))
        for weighted in (False, True) if p.has_weight else (False,):
            for index in ("theil", "mld"):
                d = decompose(p, index=index, by="group", weighted=weighted).reset_index()
                d.insert(0, "weighted", weighted)
                d.insert(0, "index", index)
                d.insert(0, "regions", label)
                frames.append(d)
                if index == "theil":
                    key = f"{label}, {f'{weight(ctx)}-weighted' if weighted else 'unweighted'}"
                    shares[key] = d.set_index("time")["between_share"]
                    band = (panel_band(p, between_share_theil(
                        p.group_labels().reindex(p.regions).to_numpy(object)), weighted=weighted)
                        if p.has_group else None)
                    if band is not None:
                        bands[key] = band
    if not frames:
        raise Skip("; ".join(skipped.values()))
    main = panels.get("border", panels.get("all"))
    table = pd.concat(frames, ignore_index=True)
    ctx.table(s, "decomposition", table, "Theil T and MLD split into between- and within-country parts "
              f"({main.unit})",
              sources=sorted(sources))
    lines = []
    for key, sh in shares.items():
        sh = sh.dropna()  # a period without inequality has no between share
        if sh.empty:
            continue
        if len(sh) == 1:
            lines.append(f"{key}: {100 * sh.iloc[0]:.1f}% in {sh.index[0]}")
            continue
        lines.append(f"{key}: {100 * sh.iloc[0]:.1f}% in {sh.index[0]} → {100 * sh.iloc[-1]:.1f}% in "
                     f"{sh.index[-1]} (peak {100 * sh.max():.1f}% in {sh.idxmax()})")
    note = weight_note(ctx)
    s.reading.append(
        f"The between-country part of the Theil index is the inequality that the border explains "
        f"({describe(main)}). " + "; ".join(lines) + ". The rest is inequality "
        "among regions of the same country." + (f" {note}" if note else ""))
    for what, reason in skipped.items():
        ctx.skipped(s, what, reason)
    if len(main.times) < 2:
        ctx.skipped(s, "Chart over time", f"one period ({main.times[0]}): the shares are in the table")
        return s
    fig = sigma_chart({k: v * 100 for k, v in shares.items()},
                      title=gettext_for(ctx.lang)("Share of inequality between the two countries (Theil T)")
                      + (gettext_for(ctx.lang)("; shaded: 95% band, regions resampled within each country "
                                               "(499 draws)") if bands else ""),
                      lang=ctx.lang,
                      ylabel="between-country share, %",
                      source=source_line(ctx, main),
                      annotations=rate_jumps(ctx.ds, main, shares, lang=ctx.lang),
                      band={k: (lo * 100, hi * 100) for k, (lo, hi) in bands.items()} or None)
    ctx.figure(s, "between_share", fig, "Between-country share of the Theil index over time")
    return s
