"""Section 2: every headline estimate on a grid of specifications, and specification curves."""

from __future__ import annotations

from ...charts_study import specification_curve
from ...i18n import gettext_for
from ...study.robustness import SPEC_COLUMNS
from ...study.verdict import estimate_label
from ..model import ReportContext, Section
from ..panels import label, panel, source_line
from ..studies import grid, names

TITLE = "Robustness: the estimates across specifications"

#: Specification curves drawn, each with the standard errors of its baseline (evidence.csv).
CURVES = ("beta_conditional", "beta_absolute", "sigma_trend")


def build(ctx: ReportContext) -> Section:
    s = Section("robustness", TITLE)
    g = grid(ctx)
    p = panel(ctx, "border")
    t = g.table
    n_spec = len(t.drop_duplicates([c for c in SPEC_COLUMNS if c != "se_type"]))
    src = sorted({x for v in p.meta.get("sources", []) for x in str(v).split(";")})
    s.reading.append(
        f"The grid runs every headline estimate of {label(p)} on {n_spec} specifications: currency "
        f"bases {', '.join('as given' if c is None else str(c) for c in g.params['currencies'])}; "
        f"region variants "
        f"{', '.join(g.params['variants'])}; resource regions {' and '.join(g.params['resources'])}"
        + (f" (left out: {', '.join(g.params['resource_regions'])})" if g.params["resource_regions"]
           else "")
        + f"; start and end years as in the table. Standard errors: {', '.join(g.params['se_types'])} "
        "(classical = OLS; HC1, HC3 = heteroskedasticity-robust; HAC = Newey–West with "
        f"{g.params['hac_lags']} lag, for time trends only; cross-section β has no HAC row)"
        + (f", and for the σ and between-share trends a bootstrap over regions ({g.params['n_boot']} "
           "draws within each side)" if g.params.get("n_boot") else "")
        + ". Each row names its standard errors in the column se_type, its specification in spec_id "
        "(shared by its standard-error rows), whether it is the question's baseline (baseline) and "
        "the earlier specification it repeats (duplicate_of). The report runs the command's full "
        "default grid (crossborder robustness).")
    if len(g.skipped):
        s.reading.append(f"{len(g.skipped)} combinations were not estimated (same data as another "
                         "specification, too short, or without the series a variant needs); they are "
                         "listed in robustness_skipped.csv.")
    ev = g.evidence()
    s.reading.append(
        "Each question is read first at its baseline specification, declared before the grid runs "
        "(growth and dispersion in constant prices, level gaps at PPP; HC3 errors with t(n − k) "
        "p-values for β, a bootstrap over regions for the σ and between-share trends). Specifications "
        "with identical estimates (e.g. σ within one country in USD and at PPP, where a national "
        "conversion factor cancels) count once, and standard-error types are alternatives of one "
        "specification, not specifications: evidence.csv gives per question the baseline, the "
        "distinct specifications, the share negative beside the share significant, and the joint "
        "specification-curve p-value (Simonsohn, Simmons & Nelson 2020).")
    ctx.table(s, "evidence", ev,
              "Per question: the baseline specification, the distinct specifications (duplicates "
              "and standard-error alternatives out), share negative and share significant, the "
              "joint test", sources=src)
    ctx.table(s, "robustness_overview", g.overview(),
              "Per estimate: rows (specifications x standard errors), distinct specifications "
              "read with the baseline's errors, and over those the share supporting convergence, "
              "the share negative, median, min and max", sources=src)
    ctx.table(s, "robustness", g.table,
              f"Robustness grid: one row per specification, standard errors and estimate "
              f"({p.meta.get('currency_basis') or 'as given'} baseline; vintage "
              f"{p.meta.get('vintage') or 'as given'})", sources=src, fold=True)
    beta_cols = [e for e in ("beta_absolute", "beta_conditional") if e in set(t["estimate"])]
    beta_se = "HC3" if "HC3" in set(t["se_type"]) else "HC1"
    if beta_cols and beta_se in set(t["se_type"]):
        wide = g.wide(beta_cols, se_type=beta_se, fields=("value", "ci_low", "ci_high", "pvalue"))
        ctx.table(s, "robustness_beta", wide,
                  f"β of every specification ({beta_se} standard errors, t(n − k) p-values, "
                  f"{100 * (1 - g.params['alpha']):g}% interval)", sources=src, fold=True)
    if len(g.skipped):
        ctx.table(s, "robustness_skipped", g.skipped, "Combinations not estimated, and why",
                  sources=src, show=False)
    base_se = dict(zip(ev["estimate"], ev["baseline_cov_type"], strict=True))
    level = f"{100 * (1 - g.params['alpha']):g}%"
    for est in CURVES:
        se = base_se.get(est)
        rows = t[(t["estimate"] == est) & (t["se_type"] == se)].dropna(subset=["value"])
        if rows.empty:
            continue
        lab = estimate_label(est, names(ctx), ctx.lang)
        tr = gettext_for(ctx.lang)
        fig = specification_curve(g, est, se_type=se,
                                  title=tr("Specification curve: {estimate}").format(
                                      estimate=tr(est.replace("_", " "))),
                                  subtitle=tr("{label}; {se} standard errors, {level} intervals").format(
                                      label=lab, se=se, level=level),
                                  ylabel=est.replace("_", " "), source=source_line(ctx, p), lang=ctx.lang)
        ctx.figure(s, f"spec_curve_{est}", fig,
                   f"Specification curve of {est} ({se} standard errors; blue: negative with p < "
                   f"{g.params['alpha']:g}, red: positive with p < {g.params['alpha']:g}, grey: not "
                   "significant; below: the choices of each specification)")
    return s
