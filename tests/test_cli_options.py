"""Every CLI option changes the result exactly as the API call it stands for.

Built-in dataset: ``beta --currency real --base-year 2015`` = ``beta(study_panel(base_year=2015))``;
``markov --relative`` = ``markov(..., relative=True)``; ``sigma --weight grp_lcu`` = the sigma of
the panel weighted by GRP (not by population); ``--years 2010-2010`` keeps 2010.
Own files: codes with two separators (``A-0-1``) take the country before the first one; a command
that does not weight keeps the years in which the weight ``population`` is missing.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import crossborder as cb
from crossborder.cli import main


def run_json(argv: list[str], capsys):
    code = main([*argv, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


# ----------------------------------------------------------------------------- built-in data
def test_beta_real_base_year_is_the_api_call(ds, capsys):
    row = run_json(["beta", "--currency", "real", "--base-year", "2015"], capsys)[0]
    api = cb.beta(cb.study_panel(ds, currency="real", base_year=2015))
    default = cb.beta(cb.study_panel(ds, currency="real"))
    assert row["beta"] == pytest.approx(api.beta, rel=1e-10)
    assert row["alpha"] == pytest.approx(api.alpha, rel=1e-10)
    assert row["alpha"] != pytest.approx(default.alpha, rel=1e-6)   # the base year matters


def test_markov_relative_is_the_api_call(ds, capsys):
    from crossborder.measures.dynamics import markov

    rel = run_json(["markov", "--relative"], capsys)
    plain = run_json(["markov"], capsys)
    panel = cb.study_panel(ds, regions="all", weight=None)
    api = markov(panel, k=5, relative=True)
    assert rel["relative"] == "pooled" and plain["relative"] in (False, None, "none")
    assert rel["steady_state"] == pytest.approx(dict(zip(api.labels, api.steady_state,
                                                         strict=True)), rel=1e-10)
    assert rel["mobility"] == pytest.approx(api.mobility, rel=1e-10)
    t = api.to_frame()
    assert [r["count"] for r in rel["transitions"]] == [int(c) for c in t["count"]]
    assert [r["probability"] for r in rel["transitions"]] == pytest.approx(
        list(t["probability"]), rel=1e-12)
    # per-period quantile classes do not change when each period is divided by its mean: the
    # transitions are the same with and without --relative; the result says which was asked
    assert rel["transitions"] == plain["transitions"]


def test_sigma_weight_another_indicator(ds, capsys):
    by_grp = pd.DataFrame(run_json(["sigma", "--measure", "sd_log", "--weight", "grp_lcu"],
                                   capsys)).set_index("time")
    by_pop = pd.DataFrame(run_json(["sigma", "--measure", "sd_log", "--weighted"],
                                   capsys)).set_index("time")
    p = cb.study_panel(ds, weight="grp_lcu")
    api = cb.sigma(p, "sd_log", weighted=True)
    common = by_grp.index.intersection(by_pop.index)
    assert len(common) > 5
    np.testing.assert_allclose(by_grp["sd_log"], api.loc[by_grp.index, "sd_log"], rtol=1e-10)
    # by hand for the first year: weighted mean and sd of the logs with GRP weights
    m, w = p.to_matrix(), p.weight_matrix()
    t0 = m.times[0]
    lg, wt = np.log(m.values[:, 0]), w.values[:, 0]
    mu = np.sum(wt * lg) / wt.sum()
    assert by_grp.loc[t0, "sd_log"] == pytest.approx(np.sqrt(np.sum(wt * (lg - mu) ** 2) / wt.sum()),
                                                     rel=1e-10)
    assert np.abs(by_grp.loc[common, "sd_log"] - by_pop.loc[common, "sd_log"]).max() > 1e-3


def test_one_year_range_keeps_that_year(ds, capsys):
    rows = run_json(["sigma", "--measure", "sd_log", "--years", "2010-2010"], capsys)
    assert [r["time"] for r in rows] == [2010]
    api = cb.sigma(cb.study_panel(ds, years=(2010, 2010)), "sd_log")
    assert rows[0]["sd_log"] == pytest.approx(float(api.loc[2010, "sd_log"]), rel=1e-12)


# ----------------------------------------------------------------------------- own files
YEARS = list(range(2000, 2006))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """4 x 2 squares; codes A-<col>-<row> (country A: columns 0-1) and B-<col>-<row>; values and a
    'population' indicator, population missing for A-0-0 in 2003."""
    d = tmp_path_factory.mktemp("two_separators")
    rng = np.random.default_rng(17)
    rows, data = [], []
    for i in range(4):
        for j in range(2):
            code = f"{'A' if i < 2 else 'B'}-{i}-{j}"
            rows.append({"code": code, "geometry": box(10 + i, j, 11 + i, j + 1)})
            for k, y in enumerate(YEARS):
                data.append({"region": code, "year": y, "indicator": "gdp_pc",
                             "value": round(1000 * (1 + i) * np.exp(0.03 * k + rng.normal(0, 0.05)), 3)})
                if not (code == "A-0-0" and y == 2003):
                    data.append({"region": code, "year": y, "indicator": "population",
                                 "value": 1000 + 10 * i + j})
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(d / "grid.geojson", driver="GeoJSON")
    pd.DataFrame(data).to_csv(d / "data.csv", index=False)
    return d


def own(files):
    return ["--regions-file", str(files / "grid.geojson"), "--regions-id-col", "code",
            "--data", str(files / "data.csv"), "--indicator", "gdp_pc", "--regions", "all",
            "--unit", "USD"]  # the grid states no unit


def _between_share(files, year):
    """Theil T between A and B (the first letter of the code), by hand."""
    d = pd.read_csv(files / "data.csv")
    v = d[(d["indicator"] == "gdp_pc") & (d["year"] == year)].set_index("region")["value"]
    mu = v.mean()
    total = np.mean(v / mu * np.log(v / mu))
    between = sum(len(g) / len(v) * (g.mean() / mu) * np.log(g.mean() / mu)
                  for _, g in v.groupby(v.index.str[0]))
    return between, between / total


@pytest.mark.parametrize("sep", [[], ["-"]])
def test_country_is_the_text_before_the_first_separator(files, capsys, sep):
    t = pd.DataFrame(run_json(["decompose", *own(files), "--country-from-prefix", *sep],
                              capsys)).set_index("time")
    assert set(t["n_groups"]) == {2}
    between, share = _between_share(files, 2000)
    assert t.loc[2000, "between"] == pytest.approx(between, rel=1e-10)
    assert t.loc[2000, "between_share"] == pytest.approx(share, rel=1e-10)


def test_unweighted_command_keeps_years_without_the_weight(files, capsys):
    """gamma does not weight: A-0-0, without population in 2003, stays in every year; sigma
    --weighted leaves it out (the weight is missing in one year)."""
    rows = run_json(["gamma", *own(files), "--country-from-prefix"], capsys)
    assert [r["time"] for r in rows] == YEARS
    d = pd.read_csv(files / "data.csv")
    v = d[d["indicator"] == "gdp_pc"].pivot(index="region", columns="year", values="value")
    from scipy import stats

    # Kendall's W of two rankings (first year, each year) over all 8 regions
    for r in rows[1:]:
        ranks = np.column_stack([stats.rankdata(v[2000]), stats.rankdata(v[r["time"]])])
        s = ranks.sum(axis=1)
        w = 12 * np.sum((s - s.mean()) ** 2) / (4 * (8 ** 3 - 8))
        assert r["gamma"] == pytest.approx(w, rel=1e-10)
    weighted = run_json(["sigma", *own(files), "--country-from-prefix", "--weighted",
                         "--measure", "sd_log"], capsys)
    assert {r["n"] for r in weighted} == {7}
