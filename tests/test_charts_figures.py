"""The figures of issue 19 (point 7) and issue 22 (point 5): what is drawn is checked through the
artists (texts, colours, legend positions, colorbars), not pixels."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

import crossborder as cb
from crossborder import charts, charts_study, maps
from crossborder.border.discontinuity import discontinuities
from crossborder.measures.clubs import Club, ClubsResult

matplotlib.use("Agg")


def _texts(fig, gid=None):
    out = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [t for t in out if gid is None or t.get_gid() == gid]


def _colorbars(fig):
    from matplotlib.axes import Axes

    return fig.findobj(lambda a: isinstance(a, Axes) and a.get_gid() == "colorbar")


def _user_axes():
    fig = Figure()
    return fig, fig.subplots(1, 2)


# ----------------------------------------------------------------------------- event study
def _did(break_year=2015, shift=0.0):
    years = np.arange(2008, 2022)
    coef = 0.01 * (years - break_year + 1) + shift
    coef[years == break_year] = 0.12 + shift   # a tall interval in the break year
    coef[years == break_year - 1] = 0.0
    ev = pd.DataFrame({"rel_time": years - break_year, "time": years, "coef": coef,
                       "ci_low": coef - 0.06, "ci_high": coef + 0.06})
    return SimpleNamespace(event=ev, break_year=break_year, coef=-0.05, se=0.02, pvalue=0.012,
                           pretrend_pvalue=0.31)


def _interval_boxes(ax):
    boxes = []
    for c in ax.collections:
        if c.get_gid() == "interval":
            for seg in c.get_segments():
                pts = ax.transData.transform(np.asarray(seg))
                boxes.append(matplotlib.transforms.Bbox.from_extents(
                    pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()))
    return boxes


def test_event_study_legend_covers_no_interval_and_the_label_is_inside():
    results = [_did(2015), _did(2010, shift=-0.02), _did(2012, shift=0.01)]
    fig = charts_study.event_study_chart(results, title="t", subtitle="s", source="Sources: x.")
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    boxes = _interval_boxes(ax)
    assert len(boxes) == len(results) * len(results[0].event)
    leg = [lg for lg in fig.legends if lg.get_gid() == "legend"][0]
    lb = leg.get_window_extent(renderer)
    assert not any(lb.overlaps(b) for b in boxes)
    assert len(leg.get_texts()) == 3 and "break 2015: DiD -0.050" in leg.get_texts()[0].get_text()
    # the legend sits above the source line and inside the figure
    src = _texts(fig, "source_line")[0].get_window_extent(renderer)
    assert lb.y0 > src.y1 and lb.x0 >= 0
    # the two-line y label is inside the figure (renderer extents)
    yl = ax.yaxis.label.get_window_extent(renderer)
    assert "\n" in ax.get_ylabel()
    assert yl.x0 >= 0 and yl.y0 >= 0 and yl.y1 <= fig.bbox.height
    # and beside the axes, below the title block
    axbox = ax.get_window_extent(renderer)
    assert yl.y0 >= axbox.y0 - 1 and yl.y1 <= axbox.y1 + 1
    for t in _texts(fig, "title"):
        assert not yl.overlaps(t.get_window_extent(renderer))


def test_event_study_on_a_users_axes_takes_a_free_corner():
    fig, (a, b) = _user_axes()
    out = charts_study.event_study_chart(_did(2015), ax=a)
    assert out is a and len(fig.axes) == 2
    renderer = fig._get_renderer()
    lb = a.get_legend().get_window_extent(renderer)
    assert not any(lb.overlaps(box) for box in _interval_boxes(a))


# ----------------------------------------------------------------------------- clubs
def _clubs_result(t2: float) -> ClubsResult:
    rng = np.random.default_rng(3)
    regions = pd.Index([f"R{i}" for i in range(6)])
    times = pd.Index(np.arange(2000, 2010))
    values = np.exp(rng.normal(0, 0.2, (6, 10)).cumsum(axis=1) * 0.1 + np.arange(6)[:, None] * 0.3)
    clubs = (Club(1, ("R5", "R4", "R3"), b=0.1, se=0.05, tstat=2.0),
             Club(2, ("R2", "R1", "R0"), b=-0.5, se=0.2, tstat=t2))
    return ClubsResult(clubs=clubs, divergent=(), regions=regions, times=times, values=values,
                       settings={"threshold": -1.65})


def test_clubs_chart_marks_a_club_failing_its_own_test():
    res = _clubs_result(-2.5)
    fig = charts.clubs_chart(res, source="Sources: x.")
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_gid() == "series"]
    assert len(lines) == 2
    ok, bad = lines
    assert ok.get_linestyle() == "-" and bad.get_linestyle() == "--"
    assert to_hex(bad.get_color()) == "#9a9a9a" and to_hex(ok.get_color()) != "#9a9a9a"
    assert "fails its log t test" in bad.get_label() and "\u22122.50" in bad.get_label()
    assert "fails" not in ok.get_label()
    legend = [" ".join(t.get_text().split()) for t in fig.axes[0].get_legend().get_texts()]
    assert any("fails its log t test" in t for t in legend)
    wide = charts.clubs_chart(res, legend_outside=True, source="Sources: x.")
    renderer = wide.canvas.get_renderer()
    box = wide.axes[0].get_legend().get_window_extent(renderer)
    assert box.x1 <= wide.bbox.width and box.x0 >= 0  # beside the plot, inside the figure
    # the path of club 2: mean of its members over the mean of all regions, computed here
    v = res.values
    want = v[[0, 1, 2]].mean(axis=0) / v.mean(axis=0)
    np.testing.assert_allclose(bad.get_ydata(), want)
    # a club passing its test (t above the threshold) is drawn solid
    fig2 = charts.clubs_chart(_clubs_result(-1.0))
    styles = [ln.get_linestyle() for ln in fig2.axes[0].get_lines() if ln.get_gid() == "series"]
    assert styles == ["-", "-"]


# ----------------------------------------------------------------------------- figure 1
@pytest.fixture(scope="module")
def ds() -> cb.Dataset:
    return cb.load_dataset("ru-kz")


def test_figure1_never_puts_two_periods_on_one_scale(ds):
    res = maps.figure1(ds, fallback="earliest")
    t = res.table.dropna(subset=["change_pp"])
    periods = sorted({(int(a), int(b)) for a, b in zip(t["first_year"], t["last_year"],
                                                        strict=True)})
    assert len(periods) > 1
    legends = [a for a in res.ax.figure.findobj(matplotlib.legend.Legend)
               if a.get_gid() == "legend_period"]
    titles = [lg.get_title().get_text() for lg in legends]
    assert titles == [f"Change, p.p., {a}\u2013{b}" for a, b in periods]
    # each period its own colormap: no colour is shared between two periods' legends
    palettes = [{to_hex(h.get_facecolor()) for h in lg.legend_handles} for lg in legends]
    for i in range(len(palettes)):
        for j in range(i + 1, len(palettes)):
            assert not palettes[i] & palettes[j]
    assert [s["period"] for s in res.meta["scales"]] == [f"{a}\u2013{b}" for a, b in periods]
    # the region of each period is drawn in a colour of its period's legend
    classes = [c for c in res.ax.collections if c.get_gid() == "classes"][0]
    drawn = {to_hex(c) for c in classes.get_facecolors()}
    for sc, pal in zip(res.meta["scales"], palettes, strict=True):
        assert pal & drawn
        assert set(sc["palette"]) == pal
    title = _texts(res.figure, "title")[0].get_text()
    assert "by period" in title and "one scale" not in " ".join(
        t.get_text() for t in _texts(res.figure, "title"))


def test_figure1_of_one_period_keeps_one_legend(ds):
    res = maps.figure1(ds)
    legends = [a for a in res.figure.findobj(matplotlib.legend.Legend)
               if a.get_gid() in ("legend", "legend_period")]
    assert len(legends) == 1
    period = res.meta["scales"][0]["period"]
    assert legends[0].get_title().get_text().endswith(period)


# ----------------------------------------------------------------------------- exchange-rate jumps
def _rates():
    years = np.arange(2008, 2022)
    ru = pd.Series(30.0, index=years)
    ru.loc[2015:] = 60.0          # the rouble loses half its value in 2015
    kz = pd.Series(150.0, index=years)
    kz.loc[2016:] = 165.0         # the tenge 9 %: below the threshold
    return pd.DataFrame({"country": ["RU"] * len(years) + ["KZ"] * len(years),
                         "year": np.tile(years, 2), "rate": np.r_[ru, kz]}), years


def test_exchange_rate_jumps_need_a_jump_and_a_move():
    rates, years = _rates()
    base = pd.Series(0.10 + 0.002 * (years - 2008), index=years)
    spike = base.copy()
    spike.loc[2015] += 0.05
    out = charts.exchange_rate_jumps(spike, rates)
    assert [y for y, _ in out] == [2015]
    assert out[0][1].startswith("rouble devaluation") and "\u221250%" in out[0][1]
    # a jump in a year without a large move is not annotated
    other = base.copy()
    other.loc[2012] += 0.05
    assert charts.exchange_rate_jumps(other, rates) == []
    # a move without a jump is not annotated
    assert charts.exchange_rate_jumps(base, rates) == []
    # wide rates, several series, another country's name
    wide = rates.pivot(index="year", columns="country", values="rate")
    out = charts.exchange_rate_jumps({"a": base, "b": spike}, wide, names={"RU": "RUB"})
    assert out[0][1].startswith("RUB devaluation")


def test_sigma_chart_draws_the_annotations_and_rate_jumps_only_in_usd(ds):
    from crossborder.study import study_panel

    rates, years = _rates()
    s = pd.Series(0.1, index=years)
    s.loc[2015] = 0.3
    notes = charts.exchange_rate_jumps(s, rates)
    fig = charts.sigma_chart(s, annotations=notes)
    texts = _texts(fig, "annotation")
    assert len(texts) == 1 and texts[0].get_text().strip() == "rouble devaluation"
    legend = [" ".join(t.get_text().split()) for t in fig.axes[0].get_legend().get_texts()]
    assert f"2015: {notes[0][1]}" in legend
    renderer = fig.canvas.get_renderer()
    lb = fig.axes[0].get_legend().get_window_extent(renderer)
    assert lb.x1 <= fig.bbox.width and not lb.overlaps(texts[0].get_window_extent(renderer))
    vline = [ln for ln in fig.axes[0].get_lines() if ln.get_gid() == "annotation_line"][0]
    assert list(vline.get_xdata()) == [2015.0, 2015.0]
    # the built-in study in USD: the between-country share jumps in 2015 with the rouble
    p = study_panel(ds, currency="USD")
    share = cb.decompose(p, index="theil", by="group")["between_share"]
    got = dict(charts.rate_jumps(ds, p, share))
    assert 2015 in got and got[2015].startswith("rouble devaluation")
    fx = ds.fx_vintages()
    assert not fx.empty
    assert charts.rate_jumps(ds, study_panel(ds, currency="PPP"), share) == []


# ----------------------------------------------------------------------------- bands
def test_sigma_chart_draws_bands_computed_here():
    rng = np.random.default_rng(7)
    years = np.arange(2000, 2010)
    y = np.exp(rng.normal(0, 0.4, (15, len(years))))
    sd = pd.Series(np.log(y).std(axis=0, ddof=0), index=years, name="sd_log")
    draws = np.array([np.log(y[rng.integers(0, 15, 15)]).std(axis=0, ddof=0) for _ in range(200)])
    lo = pd.Series(np.percentile(draws, 2.5, axis=0), index=years)
    hi = pd.Series(np.percentile(draws, 97.5, axis=0), index=years)
    fig = charts.sigma_chart(sd, band=(lo, hi))
    bands = [c for c in fig.axes[0].collections if c.get_gid() == "band"]
    assert len(bands) == 1
    verts = bands[0].get_paths()[0].vertices
    inside = verts[(verts[:, 0] >= years[0]) & (verts[:, 0] <= years[-1])]
    for x, v in inside:
        t = int(round(x))
        assert v == pytest.approx(lo[t]) or v == pytest.approx(hi[t])
    assert np.isin(np.round(lo.to_numpy(), 12), np.round(inside[:, 1], 12)).all()
    assert np.isin(np.round(hi.to_numpy(), 12), np.round(inside[:, 1], 12)).all()
    assert "95% band" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    # a band per named series, indexed like its series
    two = {"a": sd, "b": sd * 2}
    fig2 = charts.sigma_chart(two, band={"b": (lo * 2, hi * 2)}, index_to=2000)
    (b2,) = [c for c in fig2.axes[0].collections if c.get_gid() == "band"]
    ys = b2.get_paths()[0].vertices[:, 1]
    assert ys.max() == pytest.approx(max(hi * 2 / (sd * 2).loc[2000]))
    with pytest.raises(cb.DataError):
        charts.sigma_chart(two, band={"c": (lo, hi)})


# ----------------------------------------------------------------------------- spec curve
def _grid_table(with_baseline: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows = []
    for cur in ("USD", "PPP", "real"):
        for start in (2008, 2010):
            v = rng.normal(-0.02, 0.02)
            rows.append({"estimate": "beta_absolute", "currency": cur, "start": start,
                         "se_type": "HC1", "value": v, "ci_low": v - 0.03, "ci_high": v + 0.03,
                         "pvalue": 0.04 if v < -0.02 else 0.5,
                         "supports_convergence": bool(v < -0.02),
                         "baseline": cur == "real" and start == 2010})
    t = pd.DataFrame(rows)
    return t if with_baseline else t.drop(columns="baseline")


def test_specification_curve_marks_the_baseline():
    t = _grid_table()
    fig = charts_study.specification_curve(t, "beta_absolute")
    ax = fig.axes[0]
    ring = [c for c in ax.collections if c.get_gid() == "baseline"]
    assert len(ring) == 1
    order = t.sort_values("value", kind="stable").reset_index(drop=True)
    pos = int(np.flatnonzero(order["baseline"])[0])
    np.testing.assert_allclose(ring[0].get_offsets(), [[pos, order.loc[pos, "value"]]])
    assert [x.get_text() for x in _texts(fig, "baseline_label")] == ["baseline"]
    marks = [ln for ln in fig.axes[1].get_lines() if ln.get_gid() == "baseline"]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [pos, pos]
    plain = charts_study.specification_curve(_grid_table(False), "beta_absolute")
    assert not [c for c in plain.axes[0].collections if c.get_gid() == "baseline"]


def test_specification_curve_of_one_specification_warns_nothing():
    t = _grid_table().iloc[[0]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts_study.specification_curve(t, "beta_absolute")
        fig.canvas.draw()


# ----------------------------------------------------------------------------- new maps
def _grid(n=4):
    rows = []
    for i in range(n):
        for j in range(n):
            rows.append({"region": f"R{i}{j}", "country": "A" if j < n // 2 else "B",
                         "geometry": shapely.box(60 + j, 48 + i, 61 + j, 49 + i)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _grid_panel(grid):
    rng = np.random.default_rng(5)
    y0 = rng.lognormal(8, 0.3, len(grid))
    growth = rng.normal(0.1, 0.3, len(grid))
    frame = pd.DataFrame({"region": np.repeat(grid["region"], 3), "year": np.tile([2000, 2005, 2010],
                                                                                   len(grid)),
                          "value": np.column_stack([y0, y0 * 1.1, y0 * np.exp(growth)]).ravel()})
    return cb.Panel.from_long(frame), y0, y0 * np.exp(growth)


def test_change_map_colours_the_log_change_centred_on_zero():
    grid = _grid()
    p, y0, y1 = _grid_panel(grid)
    res = maps.change_map(grid, p, title="t", source="Sources: x.")
    t = res.table.set_index("region").reindex(grid["region"])
    want = np.log(y1) - np.log(y0)
    np.testing.assert_allclose(t["change"], want)
    assert min(want) < 0 < max(want)
    half = max(abs(want.min()), abs(want.max()))
    assert res.meta["norm"] == pytest.approx((-half, half))
    # a region with no change would be white-ish; the most negative and most positive get the
    # two ends' colours, red (falls) and blue (rises) in RdBu
    r_lo = to_rgb(t["colour"].iloc[int(np.argmin(want))])
    r_hi = to_rgb(t["colour"].iloc[int(np.argmax(want))])
    assert r_lo[0] > r_lo[2] and r_hi[2] > r_hi[0]
    assert len(_colorbars(res.figure)) == 1
    annual = maps.change_map(grid, p, annual=True)
    np.testing.assert_allclose(annual.table["change"], res.table["change"] / 10)


def test_border_gap_map_colours_border_edges_by_the_gap():
    grid = _grid()
    p, _, _ = _grid_panel(grid)
    edges = discontinuities(grid, p, 2010)
    res = maps.border_gap_map(grid, edges, side="B")
    t = res.table
    assert len(t) == int(edges["border"].sum()) == 4
    vals = p.frame[p.frame["time"] == 2010].set_index("region")["value"]
    for r in t.itertuples():
        assert r.side.endswith(("2", "3")) and r.other.endswith(("0", "1"))
        assert r.gap == pytest.approx(np.log(vals[r.side] / vals[r.other]))
    coll = [c for c in res.ax.collections if c.get_gid() == "border_edges"][0]
    drawn = [to_hex(c) for c in coll.get_colors()]
    assert drawn == list(t["colour"])
    assert len(_colorbars(res.figure)) == 1
    with pytest.raises(cb.DataError):
        maps.border_gap_map(grid, edges, side="C")


# ----------------------------------------------------------------------------- ax= / fig=
def test_every_chart_and_map_draws_on_the_users_axes(ds):
    grid = _grid()
    p, _, _ = _grid_panel(grid)
    fig, (a, b) = _user_axes()
    assert charts.sigma_chart(cb.sigma(p), ax=a) is a
    assert charts.pair_gaps_chart(pd.DataFrame({"x \u2013 y": [0.1, 0.2]}, index=[2000, 2001]),
                                  ax=b) is b
    fig, (a, b) = _user_axes()
    assert charts.clubs_chart(_clubs_result(-2.0), ax=a) is a
    assert charts.beta_scatter([1.0, 2.0, 3.0], [0.3, 0.2, 0.1], (0.4, -0.1), ax=b) is b
    fig, (a, b) = _user_axes()
    assert charts_study.specification_curve(_grid_table(), "beta_absolute", ax=a) is a
    assert [c for c in a.collections if c.get_gid() == "baseline"]
    assert charts.distribution_chart(p, ax=b) is b
    for fn, kw in ((maps.change_map, {"panel": p}),
                   (maps.border_gap_map, {"edges": discontinuities(grid, p, 2010)}),
                   (maps.choropleth, {"data": p, "k": 3}),
                   (maps.discontinuity_map, {"edges": discontinuities(grid, p, 2010)})):
        fig, (a, _) = _user_axes()
        m = fn(grid, ax=a, **kw)
        assert m.ax is a and m.figure is fig
        assert len([x for x in fig.axes if x.get_gid() != "colorbar"]) == 2
    fig, (a, _) = _user_axes()
    m = maps.figure1(ds, fallback="earliest", ax=a)
    assert m.ax is a and [c for c in a.collections if c.get_gid() == "classes"]
    fig, (a, _) = _user_axes()
    m = maps.figure2(ds, ax=a)
    assert m.ax is a and len(fig.axes) == 2


def test_multi_panel_charts_draw_into_the_users_figure():
    fig = Figure()
    left, right = fig.subfigures(1, 2)
    out = charts_study.specification_curve(_grid_table(), "beta_absolute", fig=left)
    assert out is left and len(left.axes) == 2 and not right.axes
    roll = pd.DataFrame({"estimate": "beta_absolute", "end": [2010, 2011, 2012],
                         "value": [-0.01, -0.02, -0.015], "ci_low": -0.04, "ci_high": 0.01,
                         "pvalue": [0.2, 0.04, 0.1], "se_type": "HC1"})
    assert charts_study.rolling_chart(roll, fig=right) is right and len(right.axes) == 1
    fig2 = Figure()
    gaps = pd.DataFrame({"a \u2013 b": [0.3, 0.2, 0.1], "c \u2013 d": [-0.1, 0.0, 0.05]},
                        index=[2000, 2001, 2002])
    out = charts.pair_gaps_small_multiples(gaps, fig=fig2, ncols=2, title="t")
    assert out is fig2 and len([a for a in fig2.axes if a.get_visible()]) == 2


def test_free_legend_takes_the_first_free_corner_and_else_goes_outside():
    fig, (a, _) = _user_axes()
    xs, ys = np.meshgrid(np.linspace(0, 10, 21), np.linspace(0, 10, 21))
    busy = ~((xs > 5) & (ys < 5))            # every part of the axes but the lower right
    (ln,) = a.plot(xs[busy], ys[busy], "o", markersize=2, label="points")
    ln.set_gid("series")
    a.set_xlim(-0.5, 10.5)
    a.set_ylim(-0.5, 10.5)
    leg = charts_study.free_legend(a, frameon=False)
    renderer = fig._get_renderer()
    box = leg.get_window_extent(renderer)
    axbox = a.get_window_extent(renderer)
    # lower right: right half and bottom half of the axes
    assert box.x0 > (axbox.x0 + axbox.x1) / 2 and box.y1 < (axbox.y0 + axbox.y1) / 2
    pts = a.transData.transform(np.column_stack([xs[busy], ys[busy]]))
    assert not any(box.contains(px, py) for px, py in pts)
    # an interval across the lower right too: no corner is free, the legend goes beside the axes
    seg = a.vlines([8.0], [0.0], [4.5], gid="interval")
    assert seg.get_gid() == "interval"
    for x in np.linspace(5.5, 10, 10):
        a.vlines([x], [0.0], [4.5], gid="interval")
    leg = charts_study.free_legend(a, frameon=False)
    assert leg.get_window_extent(renderer).x0 >= axbox.x1


def test_exchange_rate_jumps_edge_cases():
    years = np.arange(2010, 2020)
    rates = pd.DataFrame({"year": years, "AA": 10.0, "BB": 100.0}).set_index("year")
    rates.loc[2013:, "AA"] = 20.0        # AA loses half its value in 2013
    rates.loc[2016:, "BB"] = 50.0        # BB doubles its value in 2016
    flat = pd.Series(1.0, index=years)
    assert charts.exchange_rate_jumps(flat, rates) == []          # no change at all
    one = flat.copy()
    one.loc[2013:] = 2.0                 # the only change: 2013 (robust scale 0)
    assert [y for y, _ in charts.exchange_rate_jumps(one, rates)] == [2013]
    text = charts.exchange_rate_jumps(one, rates)[0][1]
    assert text == "AA currency devaluation (\u221250% vs USD, 2013 average)"
    up = flat.copy()
    up.loc[2016:] = 0.5
    (y, text), = charts.exchange_rate_jumps(up, rates, names={"BB": "bee"})
    assert y == 2016 and text == "bee appreciation (+100% vs USD, 2016 average)"
    # several series: the union of their jump years
    both = charts.exchange_rate_jumps({"a": one, "b": up}, rates)
    assert [y for y, _ in both] == [2013, 2016]
    # a change over a gap of two years is not a one-year jump; nor is a series' first year
    gap = one.drop(2012)
    assert charts.exchange_rate_jumps(gap, rates) == []
    late = pd.Series([1.0, 1.0, 1.1, 1.0], index=[2013, 2014, 2015, 2017])
    assert charts.exchange_rate_jumps(late, rates) == []
    assert charts.exchange_rate_jumps(pd.Series([1.0], index=[2013]), rates) == []


def test_log_change_between_chosen_times_and_its_errors():
    frame = pd.DataFrame({"region": np.repeat(["a", "b", "c"], 3), "year": np.tile([1, 2, 4], 3),
                          "value": [2.0, 3.0, 8.0, 0.5, 0.5, 0.25, 0.0, 1.0, 1.0]})
    p = cb.Panel.from_long(frame)
    ch = maps.log_change(p)
    np.testing.assert_allclose(ch.loc[["a", "b"], "change"], [np.log(4.0), np.log(0.5)])
    assert np.isnan(ch.loc["c", "change"])       # no positive value in the first year
    mid = maps.log_change(p, 2, 4)
    np.testing.assert_allclose(mid.loc[["a", "b", "c"], "change"], [np.log(8 / 3), np.log(0.5), 0.0])
    assert maps.log_change(p, 1, 4, annual=True).loc["a", "change"] == pytest.approx(np.log(4) / 3)
    assert maps.log_change(p).loc["a", "change"] == pytest.approx(np.log(4))  # not annual
    with pytest.raises(cb.DataError, match="no time 3") as e:
        maps.log_change(p, 3)
    assert e.value.column == "time"
    with pytest.raises(cb.DataError, match="same time") as e:
        maps.log_change(p, 2, 2)
    assert e.value.column == "time"
