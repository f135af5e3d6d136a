"""Results are indexed by the user's time column name (issue 22, point 6): ``Panel.time_name``."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

import crossborder as cb
from crossborder import scale
from crossborder.panel import Panel

REGIONS = ["A1", "A2", "B1", "B2"]
VALUES = np.array([[1.0, 2.0, 3.0], [2.0, 2.5, 3.5], [4.0, 3.0, 3.8], [5.0, 4.5, 4.0]])


def _long() -> pd.DataFrame:
    rows = [(r, t, VALUES[i, j], 10.0 + i, "A" if i < 2 else "B")
            for i, r in enumerate(REGIONS) for j, t in enumerate([1, 2, 3])]
    return pd.DataFrame(rows, columns=["code", "period", "gdp", "pop", "country"])


def _period() -> Panel:
    return Panel.from_long(_long(), region="code", time="period", value="gdp", weight="pop",
                           group="country")


def _grid() -> gpd.GeoDataFrame:
    # A1 A2 on the left, B1 B2 on the right: two border edges, one internal edge each side
    return gpd.GeoDataFrame({"region": REGIONS, "country": ["A", "A", "B", "B"]},
                            geometry=[box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
                                      box(1, 1, 2, 2)], crs="EPSG:4326")


def test_the_time_name_is_the_users_column_and_survives_every_transform() -> None:
    p = _period()
    assert p.time_name == "period"
    kept = [p.log(), p.select(times=[1, 2]), p.balanced(), p.relative("national"),
            cb.hp_filter(p.log()), Panel.from_xarray(p.to_xarray()),
            Panel.from_frame(p.to_frame(), "value", weight="weight", group="group"),
            Panel.from_long(p.to_long(), time="period", weight="weight", group="group")]
    assert [q.time_name for q in kept] == ["period"] * len(kept)
    assert p.to_wide().columns.name == "period" and p.to_frame().index.names == ["region", "period"]
    assert p.to_xarray()["value"].dims == ("region", "period")


def test_the_default_name_is_year_where_none_is_given() -> None:
    df = _long().rename(columns={"period": "year"})
    assert Panel.from_long(df, region="code", value="gdp").time_name == "year"
    assert Panel.from_matrix(VALUES).time_name == "year"
    wide = pd.DataFrame(VALUES, index=REGIONS, columns=[2000, 2001, 2002])
    assert Panel.from_wide(wide).time_name == "year"
    assert Panel.from_wide(wide.rename_axis(columns="quarter")).time_name == "quarter"
    unnamed = df.set_index(["code", "year"]).rename_axis([None, None])
    assert Panel.from_frame(unnamed, "gdp").time_name == "year"
    assert replace(Panel.from_matrix(VALUES), time_name="t").time_name == "t"


def test_measures_are_indexed_by_the_panels_time_name() -> None:
    p = _period()
    s = cb.sigma(p, measure="sd_log")
    assert s.index.name == "period" and list(s.index) == [1, 2, 3]
    np.testing.assert_allclose(s["sd_log"].to_numpy(), np.log(VALUES).std(axis=0, ddof=0))
    d = cb.decompose(p, index="theil", by="group")
    assert d.index.name == "period"
    share = VALUES / VALUES.mean(axis=0)
    np.testing.assert_allclose(d["total"].to_numpy(), (share * np.log(share)).mean(axis=0))
    g = cb.gamma(p)
    assert g.index.name == "period"
    r0 = VALUES[:, 0].argsort().argsort() + 1.0
    rt = VALUES.argsort(axis=0).argsort(axis=0) + 1.0
    # Boyle & McCarthy's binary index: var(r_t + r_0) / var(2 r_0)
    np.testing.assert_allclose(g["gamma"].to_numpy(),
                               (rt + r0[:, None]).var(axis=0) / (2 * r0).var())
    dl = cb.delta(p)
    assert dl.table.index.name == "period"
    assert list(dl.departures.columns[:2]) == ["region", "period"]


def test_spatial_and_border_results_carry_the_time_name() -> None:
    p = _period()
    w = np.array([[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]], dtype=float)
    m = cb.moran(p, w, permutations=0)
    assert m.table.index.name == "period"
    z = VALUES - VALUES.mean(axis=0)
    ws = w / w.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(m.table["I"].to_numpy(),
                               (z * (ws @ z)).sum(axis=0) / (z * z).sum(axis=0))
    lm = cb.local_moran(p, w, permutations=0)
    assert "period" in lm.table.columns and lm.clusters().columns.name == "period"
    e = cb.border_effect(_grid(), p)
    assert e.frame.index.name == "period"
    # relative jumps max(a/b, b/a): border edges A1|B1, A2|B2, internal A1|A2, B1|B2
    jump = lambda a, b: np.maximum(a / b, b / a)  # noqa: E731
    border = (jump(VALUES[0], VALUES[2]) + jump(VALUES[1], VALUES[3])) / 2
    internal = (jump(VALUES[0], VALUES[1]) + jump(VALUES[2], VALUES[3])) / 2
    np.testing.assert_allclose(e.frame["ratio"].to_numpy(), border / internal)
    dev = cb.deviations(_grid(), p, Panel.from_long(_long().assign(one=1.0), region="code",
                                                    time="period", value="one"))
    assert "period" in dev.frame.columns and dev.wide().columns.name == "period"
    last = dev.frame[dev.frame["period"] == 3]
    np.testing.assert_allclose(last["global_rel"].to_numpy(),
                               100 * VALUES[:, 2] / VALUES[:, 2].mean())


def test_the_scale_path_names_the_time_as_the_users_column() -> None:
    df = _long()
    kw = dict(region="code", time="period", value="gdp", engine="pandas")
    s = scale.sigma(df, "sd_log", **kw)
    assert s.index.name == "period"
    pd.testing.assert_frame_equal(s[["sd_log"]], cb.sigma(_period(), "sd_log")[["sd_log"]])
    d = scale.decompose(df, group="country", **kw)
    assert d.index.name == "period"
    np.testing.assert_allclose(d["total"].to_numpy(), cb.decompose(_period())["total"].to_numpy())
    for kind in ("binary", "multiannual"):
        g = scale.gamma(df, kind=kind, **kw)
        assert g.index.name == "period"
        np.testing.assert_allclose(g["gamma"].to_numpy(),
                                   cb.gamma(_period(), kind=kind)["gamma"].to_numpy())


def test_pair_gaps_and_club_paths_carry_the_time_name() -> None:
    p = _period()
    gaps = cb.pair_gaps(p, pd.DataFrame({"a_region": ["A1", "A2"], "b_region": ["B1", "B2"]}))
    assert gaps.time_name == "period" and list(gaps.gaps.columns[:3]) == ["a_region", "b_region",
                                                                           "period"]
    one = gaps.gaps[gaps.gaps["a_region"] == "A1"].sort_values("period")
    np.testing.assert_allclose(one["log_gap"].to_numpy(), np.log(VALUES[0] / VALUES[2]))
    rng = np.random.default_rng(2)
    x = np.exp(rng.normal(0, 0.1, (8, 20)) + np.r_[np.zeros(4), np.ones(4)][:, None])
    q = Panel.from_matrix(x, regions=[f"R{i}" for i in range(8)], times=list(range(20)),
                          time_name="quarter")
    paths = cb.clubs(q).transition_paths()
    assert paths.columns[2] == "quarter"
    r0 = paths[paths["region"] == "R0"].sort_values("quarter")
    np.testing.assert_allclose(r0["h_all"].to_numpy(), x[0] / x.mean(axis=0), rtol=1e-12)


def test_markov_class_table_names_its_time_axis() -> None:
    m = cb.markov(_period(), k=2)
    t = m.class_table()
    assert t.columns.name == "period" and list(t.columns) == [1, 2, 3]
    # quantile classes per period: the two lowest of four regions in class 0
    low = VALUES <= np.median(VALUES, axis=0)
    np.testing.assert_array_equal(t.to_numpy() == m.labels[0], low)
