"""Identical specifications count once: two bases with identical estimates, one row and a note."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossborder.study.robustness import TABLE_COLUMNS, deduplicate_specifications


def _grid() -> pd.DataFrame:
    rows = []
    rng = np.random.default_rng(0)
    for est in ("sigma_trend_KZ", "sigma_trend"):
        for start in (2008, 2010):
            for se in ("classical", "HC1"):
                base = rng.normal(-0.01, 0.005)
                for cur in ("USD", "PPP", "real"):
                    # within one country a national factor cancels: USD and PPP give the same number
                    same = est == "sigma_trend_KZ" and cur in ("USD", "PPP")
                    v = base if same else base + rng.normal(0, 0.002)
                    rows.append({"currency": cur, "start": start, "end": 2020, "regions": "all",
                                 "resources": "in", "se_type": se, "estimate": est, "value": v,
                                 "se": 0.003 if same else rng.uniform(0.002, 0.004),
                                 "pvalue": 0.01})
    t = pd.DataFrame(rows).reindex(columns=TABLE_COLUMNS)
    return t


def test_two_bases_with_identical_estimates_count_once():
    t = _grid()
    t.loc[(t["estimate"] == "sigma_trend_KZ") & (t["currency"] == "PPP"), "value"] += 1e-16  # rounding
    out, note = deduplicate_specifications(t)
    # sigma within KZ: 2 starts x 2 se types x (USD = PPP, real) -> 8 rows of 12; sigma: all 12
    kz = out[out["estimate"] == "sigma_trend_KZ"]
    assert len(kz) == 8 and len(out[out["estimate"] == "sigma_trend"]) == 12
    assert set(kz["currency"]) == {"USD", "real"}
    assert (kz.loc[kz["currency"] == "USD", "same_as"] == "currency=PPP").all()
    assert (out.loc[out["estimate"] == "sigma_trend", "same_as"] == "").all()
    assert note.startswith("4 of 24 rows repeat another specification's estimate")
    assert "sigma_trend_KZ 4" in note
    # the share supporting counts the evidence once
    assert len(out) == len(t) - 4


def test_dedup_keeps_rows_without_a_value_and_checks_dimensions():
    t = _grid()
    t.loc[0:1, "value"] = np.nan
    out, _ = deduplicate_specifications(t)
    assert out["value"].isna().sum() == 2
    same, note = deduplicate_specifications(t[t["estimate"] == "sigma_trend"])
    assert len(same) == 12 and note.startswith("no two specifications")
    # restricting the dimensions: identical estimates across a start year are not merged by currency
    t2 = _grid()
    t2.loc[t2["start"] == 2010, "value"] = t2.loc[t2["start"] == 2008, "value"].to_numpy()
    t2.loc[t2["start"] == 2010, "se"] = t2.loc[t2["start"] == 2008, "se"].to_numpy()
    by_cur, _ = deduplicate_specifications(t2, ["currency"])
    assert len(by_cur) == 20                       # only USD = PPP within KZ merged
    all_dims, _ = deduplicate_specifications(t2)
    assert len(all_dims) == 10                     # the start years repeat each other too
    with pytest.raises(ValueError):
        deduplicate_specifications(t, ["se_type"])


def test_same_value_with_another_standard_error_is_another_specification():
    """Identical to 10 significant digits in value AND standard error: a value equal with another
    se (or equal only to 9 digits) is not a duplicate."""
    t = _grid()
    kz_ppp = (t["estimate"] == "sigma_trend_KZ") & (t["currency"] == "PPP")
    t.loc[kz_ppp, "se"] = 0.0031
    assert len(deduplicate_specifications(t)[0]) == len(t)
    t = _grid()
    t.loc[kz_ppp, "value"] *= 1 + 1e-8
    assert len(deduplicate_specifications(t)[0]) == len(t)
    t.loc[kz_ppp, "value"] /= 1 + 1e-8
    assert len(deduplicate_specifications(t)[0]) == len(t) - 4
