"""Hand-made tables for the verdict's tests: an evidence row per estimate (the columns of
``RobustnessResult.evidence()``), ``depends_on()`` rows and an integration table, each built from
counts the test states, so that a share sits exactly where the test wants it."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

EVIDENCE = ["estimate", "question", "baseline_spec", "baseline_value", "baseline_se",
            "baseline_pvalue", "baseline_cov_type", "n_rows", "n_specs", "n_distinct",
            "share_negative", "share_significant_negative", "share_significant_positive",
            "joint_pvalue", "joint_statistic", "joint_method", "se_alternatives"]
DEPENDS = ["estimate", "dimension", "level", "share_at", "share_other", "aliased_with",
           "sentence_key"]


def ev(estimate="beta_absolute", *, n=12, neg=12, sig_neg=6, sig_pos=0, rows=None, value=-0.0123,
       p=0.04, joint=0.03, spec=7, cov="HC3"):
    """One evidence row: ``n`` distinct specifications of which ``neg`` negative, ``sig_neg``
    significantly negative and ``sig_pos`` significantly positive (the shares are these ratios)."""
    return {"estimate": estimate, "question": estimate, "baseline_spec": spec,
            "baseline_value": value, "baseline_se": 0.005, "baseline_pvalue": p,
            "baseline_cov_type": cov, "n_rows": n if rows is None else rows, "n_specs": n,
            "n_distinct": n, "share_negative": neg / n, "share_significant_negative": sig_neg / n,
            "share_significant_positive": sig_pos / n, "joint_pvalue": joint,
            "joint_statistic": 3.0, "joint_method": "bootstrap under the null",
            "se_alternatives": "HC1, classical"}


def evidence(*rows):
    return pd.DataFrame(list(rows), columns=EVIDENCE)


def dep(estimate="sigma_trend", dimension="currency", level="real", share_at=0.9, share_other=0.1,
        aliased_with=None, key="appears"):
    return {"estimate": estimate, "dimension": dimension, "level": level, "share_at": share_at,
            "share_other": share_other, "aliased_with": aliased_with, "sentence_key": key}


def depends(*rows):
    return pd.DataFrame(list(rows), columns=DEPENDS)


INTEGRATION = ["break_year", "test", "estimate", "se", "ci_low", "ci_high", "pvalue", "stat",
               "nobs", "se_type", "detail"]


def integ_tables(theta=-0.048, p=0.01, pre=0.4, dyadic=0.03, wild=0.02, fx=None, fx_p=None,
                 placebo=(), year=2015):
    """(table, inference) of an integration result: the DiD, its pre-trend test, dyadic and wild p,
    the DiD with the exchange-rate control (when ``fx`` is given) and placebo p-values."""
    nan = np.nan
    table = pd.DataFrame([
        [year, "did", theta, 0.02, nan, nan, p, nan, 100, "cluster", ""],
        [year, "pretrend", nan, nan, nan, nan, pre, 1.0, 100, "cluster", ""],
        [year, "sigma_break", 0.01, 0.01, nan, nan, 0.5, nan, 12, "classical", ""],
    ], columns=INTEGRATION)
    more = []
    if dyadic is not None:
        more.append([year, "did_dyadic", theta, 0.05, nan, nan, dyadic, nan, 100, "dyadic", ""])
    if wild is not None:
        more.append([year, "did_wild", theta, nan, nan, nan, wild, nan, 100, "wild", ""])
    if fx is not None:
        more.append([year, "did_fx", fx, 0.03, nan, nan, fx_p, nan, 100, "cluster", ""])
    for i, pp in enumerate(placebo):
        more.append([year, "placebo", -0.01, 0.02, nan, nan, pp, nan, 50, "cluster",
                     f"placebo {2009 + i}"])
    return table, pd.DataFrame(more, columns=INTEGRATION)


def integration_result(currency="USD", **kw):
    table, inference = integ_tables(**kw)
    return SimpleNamespace(table=table, inference=inference, params={"currency": currency})


def grid(evidence_frame, depends_frame=None, alpha=0.05, baseline_currency="real"):
    """A stand-in for a RobustnessResult: its evidence, its dependences (asked with ``contrast``,
    recorded in ``asked``) and a table of two specifications (ids 3 and 7), the baseline (7) on
    ``baseline_currency``, 2010-2020."""
    asked = []

    def depends_on(contrast=0.25):
        asked.append(contrast)
        return depends() if depends_frame is None else depends_frame

    table = pd.DataFrame({"spec_id": [3, 7], "currency": ["USD", baseline_currency],
                          "start": [2008, 2010], "end": [2019, 2020],
                          "regions": ["as given", "as given"], "resources": ["in", "in"],
                          "estimate": ["between_share_trend"] * 2, "baseline": [False, True]})
    return SimpleNamespace(evidence=lambda: evidence_frame, depends_on=depends_on,
                           params={"alpha": alpha}, table=table, asked=asked)
