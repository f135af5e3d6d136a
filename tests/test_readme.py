"""The README's Python blocks run as written and say what they show.

Every ```python block of README.md is executed in order, one namespace per part of the tour: the
tour's first block (the built-in dataset and its panels) is run once and each later section of the
tour runs on a copy of its namespace; "Your own border" runs on small files this test writes to
``tmp_path``. A block whose first line is ``# not run: ...`` (needs the user's files or a cluster) is
only compiled. The value of every expression statement is kept, so that the test can check the
README's comments against independent computations (numpy / statsmodels).
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
NOT_RUN = "# not run"


def _blocks() -> list[tuple[str, str]]:
    """(heading, code) of every python block, the heading being the nearest ## or ### above."""
    heading, out = "", []
    for m in re.finditer(r"^(#{2,3}) ([^\n]+)$|^```python\n(.*?)^```", README.read_text(encoding="utf-8"),
                         re.M | re.S):
        if m.group(2):
            heading = m.group(2).strip()
        else:
            out.append((heading, m.group(3)))
    return out


def _section(heading: str) -> list[str]:
    return [code for h, code in _blocks() if h == heading]


def _run(code: str, ns: dict) -> dict[str, object]:
    """Execute ``code`` statement by statement in ``ns``; the value of each expression statement,
    keyed by its source text (a line with two statements gives two keys)."""
    values: dict[str, object] = {}
    tree = ast.parse(code)
    for node in tree.body:
        src = ast.get_source_segment(code, node)
        if isinstance(node, ast.Expr):
            values[src] = eval(compile(ast.Expression(node.value), "README.md", "eval"), ns)
        else:
            exec(compile(ast.Module([node], []), "README.md", "exec"), ns)
    return values


def _value(values: dict[str, object], prefix: str) -> object:
    hits = [v for k, v in values.items() if k.startswith(prefix)]
    assert len(hits) == 1, f"{prefix!r} is not one expression of the README block"
    return hits[0]


def test_every_block_is_run_or_marked() -> None:
    blocks = _blocks()
    assert len(blocks) >= 6
    marked = [code for _, code in blocks if code.startswith(NOT_RUN)]
    assert len(marked) == 1  # only the out-of-core example, which needs a cluster
    for _, code in blocks:  # and every block at least parses
        ast.parse(code)
    headings = {h for h, _ in blocks}
    assert {"A short tour", "Your own border", "Measures", "In a notebook",
            "Is it robust? Did integration matter?"} <= headings


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    (code,) = _section("A short tour")
    ns: dict = {}
    values = _run(code, ns)
    return ns, values


def test_tour_opening(tour: tuple[dict, dict]) -> None:
    ns, values = tour
    ds, p = ns["ds"], ns["p"]
    border = _value(values, "ds.border_regions")
    assert list(border.columns) == ["region", "name", "country"]
    assert border["country"].value_counts().to_dict() == {"RU": 12, "KZ": 7}  # "the 12 + 7"
    # the first panel: N x T with NaN where missing, and its years differ by country
    values_, regions, years = ns["values"], ns["regions"], ns["years"]
    assert values_.shape == (len(regions), len(years))
    first = ds.panel("grp_per_capita_lcu", currency="USD", weight="population", regions="border")
    wide = first.to_wide()
    groups = first.group_labels()
    first_year = {g: wide[groups == g].notna().any(axis=0).idxmax() for g in ("RU", "KZ")}
    assert first_year["RU"] < first_year["KZ"]  # "Russian GRP starts in 1996, Kazakh in 2008"
    assert (first_year["RU"], first_year["KZ"]) == (1996, 2008)
    # the study panel: complete, both countries, the 19 border regions over 2008-2021
    m = p.to_matrix().values
    assert not np.isnan(m).any()
    assert p.shape[0] == 19 and (p.times[0], p.times[-1]) == (2008, 2021)
    assert set(p.group_labels()) == {"RU", "KZ"}
    assert p.has_weight
    # and the advice of the text: balanced() on the first panel loses Kazakhstan and says so
    with pytest.warns(UserWarning, match="KZ"):
        b = first.balanced()
    assert set(b.group_labels()) == {"RU"}
    assert b.meta["balanced"]["dropped_groups"] == ["KZ"]
    assert len(b.meta["balanced"]["dropped_regions"]) == 19 - b.shape[0]


def test_your_own_border(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import geopandas as gpd
    import shapely

    monkeypatch.chdir(tmp_path)
    regs = [("AA-1", "AA", 0), ("AA-2", "AA", 1), ("BB-1", "BB", 2), ("BB-2", "BB", 3)]
    gpd.GeoDataFrame({"region": [r for r, _, _ in regs], "country": [c for _, c, _ in regs]},
                     geometry=[shapely.box(x, 0, x + 1, 1) for *_, x in regs],
                     crs="EPSG:4326").to_file("regions.geojson", driver="GeoJSON")
    rows = []
    for r, c, x in regs:
        for y in range(2000, 2006):
            rows.append((r, y, "gdp_pc", 1000.0 * (1 + x) * (1.02 + 0.01 * x) ** (y - 2000), c))
            rows.append((r, y, "population", 1e5 * (1 + x), c))
    long = pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "country"])
    long.to_csv("gdp.csv", index=False)
    gdp = long[long["indicator"] == "gdp_pc"].rename(columns={"value": "gdp_pc"})
    pop = long[long["indicator"] == "population"].rename(columns={"value": "pop"})
    df = gdp.merge(pop[["region", "year", "pop"]], on=["region", "year"])
    wide_df = df.pivot(index="region", columns="year", values="gdp_pc").reset_index()
    first, second = _section("Your own border")
    ns: dict = {"cb": __import__("crossborder"), "df": df, "wide_df": wide_df}
    _run(first, ns)
    want = df.pivot(index="region", columns="year", values="gdp_pc")
    np.testing.assert_array_equal(ns["panel"].to_matrix().values, want.to_numpy())
    _run(second, ns)
    panel, own = ns["panel"], ns["own"]
    np.testing.assert_allclose(panel.to_matrix().values, want.to_numpy(), rtol=1e-12)
    assert list(panel.group_labels()) == ["AA", "AA", "BB", "BB"]
    # "border regions come from the polygons": the two squares that touch across x = 2
    assert sorted(own.border_regions["region"]) == ["AA-2", "BB-1"]


def test_measures(tour: tuple[dict, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import statsmodels.api as sm

    monkeypatch.chdir(tmp_path)
    ns, _ = tour
    ns = dict(ns)
    (code,) = _section("Measures")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the tour runs without a warning
        values = _run(code, ns)
    p = ns["p"]
    m = p.to_matrix().values
    logs = np.log(m)
    s = _value(values, "cb.sigma(")
    assert list(s.index) == list(p.times)  # one row per year
    np.testing.assert_allclose(s["sd_log"], logs.std(axis=0, ddof=0), rtol=1e-10)
    b = _value(values, "cb.beta(")
    i0, i1 = list(p.times).index(2008), list(p.times).index(2020)
    g = (logs[:, i1] - logs[:, i0]) / 12
    ru = (p.group_labels() == "RU").to_numpy(dtype=float)
    fit = sm.OLS(g, np.column_stack([np.ones(len(g)), logs[:, i0], ru])).fit()
    assert b.beta == pytest.approx(fit.params[1], rel=1e-9)
    assert b.se == pytest.approx(fit.bse[1], rel=1e-9)
    assert {"alpha", "beta", "se", "speed", "half_life"} <= set(b.to_dict())
    d = _value(values, "cb.decompose(")
    np.testing.assert_allclose(d["between"] + d["within"], d["total"], rtol=1e-10)
    assert (d["n_groups"] == 2).all() and (d["between"] > 0).all()
    c = _value(values, "cb.clubs(")
    members = [r for club in c.clubs for r in club.members] + list(c.divergent)
    assert sorted(members) == sorted(p.regions)
    mk = _value(values, "cb.markov(")
    np.testing.assert_allclose(mk.probabilities.sum(axis=1), 1.0)
    km = _value(values, "cb.border_line(")
    assert km == pytest.approx(6571, rel=0.005)  # "6,571 km from the polygons"
    disc = _value(values, "cb.discontinuities(")
    assert len(disc) > 0
    assert (tmp_path / "figure2.png").stat().st_size > 0
    assert (tmp_path / "figure2.svg").stat().st_size > 0


def test_in_a_notebook(tour: tuple[dict, dict]) -> None:
    import statsmodels.api as sm

    ns, _ = tour
    ns = dict(ns)
    (code,) = _section("In a notebook")
    values = _run(code, ns)
    p, b = ns["p"], ns["b"]
    assert b.cov_type == "HC1" and b.df_resid == len(p.regions) - 3
    logs = np.log(p.to_matrix().values)
    i0, i1 = list(p.times).index(2008), list(p.times).index(2020)
    ru = (p.group_labels() == "RU").to_numpy(dtype=float)
    fit = sm.OLS((logs[:, i1] - logs[:, i0]) / 12, np.column_stack(
        [np.ones(len(ru)), logs[:, i0], ru])).fit(cov_type="HC1", use_t=True)
    params, bse, pvalues, ci = _value(values, "b.params")
    np.testing.assert_allclose(params, fit.params, rtol=1e-9)
    np.testing.assert_allclose(bse, fit.bse, rtol=1e-9)
    np.testing.assert_allclose(pvalues, fit.pvalues, rtol=1e-9)
    np.testing.assert_allclose(ci, fit.conf_int(), rtol=1e-9)
    assert "<pre>" in _value(values, "b.summary()")._repr_html_()
    table = _value(values, "cb.compare(")
    assert table.loc["se", "HC1"] == pytest.approx(fit.bse[1], rel=1e-9)
    long, wide = _value(values, "p.to_long()")
    assert len(long) == p.shape[0] * p.shape[1] and wide.shape == p.shape
    assert list(long.columns) == ["region", "year", "value", "weight", "group"]
    assert _value(values, "cb.sigma(p).index.name") == ("year", "year")     # "'year'"
    back = _value(values, "cb.Panel.from_frame(")
    np.testing.assert_array_equal(back.to_matrix().values, p.to_matrix().values)
    g = _value(values, "p.to_geodataframe(2019)")
    assert sorted(g["region"]) == sorted(p.regions) and g.geometry.notna().all()
    np.testing.assert_allclose(g.set_index("region")["value"].reindex(p.regions),
                               p.to_wide()[2019].to_numpy())


@pytest.mark.slow
def test_robustness_and_integration(tour: tuple[dict, dict]) -> None:
    ns, _ = tour
    ns = dict(ns)
    (code,) = _section("Is it robust? Did integration matter?")
    values = _run(code, ns)
    share = _value(values, 'r.share_supporting("beta_conditional"')
    assert 0.0 <= float(share) <= 1.0
    rolling = _value(values, "cb.rolling(")
    assert len(rolling) > 0
    integ = _value(values, "cb.integration(ds, [2010, 2012, 2015]).table")
    assert {2010, 2012, 2015} <= set(integ["break_year"])
    inference = _value(values, "cb.integration(ds, [2015]).inference")
    # what the comment promises: dyadic-robust and two-way SEs, the wild bootstrap p, placebo years
    assert {"did_dyadic", "did_twoway", "did_wild", "placebo"} <= set(inference["test"])
    evidence = _value(values, "r.evidence()")
    assert {"beta_conditional", "sigma_trend"} <= set(evidence["estimate"])
    assert evidence["joint_pvalue"].between(0, 1).all()
    assert {"estimate", "dimension", "aliased_with"} <= set(_value(values, "r.depends_on()").columns)
    shares = _value(values, "cb.integration_grid(ds).shares()")
    assert list(dict.fromkeys(shares["currency"]))[0] == "real"       # the real basis first


def test_out_of_core_block_compiles() -> None:
    (code,) = [c for c in _section("Bigger than memory")]
    assert code.startswith(NOT_RUN)
    compile(code, "README.md", "exec")
