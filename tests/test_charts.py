"""Charts: sigma over time, beta scatter with its fit, pair gaps, distributions; output files."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from scipy.integrate import trapezoid

import crossborder as cb
from crossborder import charts
from crossborder._mapstyle import MIN_FONT_PT, save

matplotlib.use("Agg")


def _lines(fig, gid):
    return [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == gid]


def _texts(fig, gid=None):
    out = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [t for t in out if gid is None or t.get_gid() == gid]


def _assert_readable(fig):
    assert all(t.get_fontsize() >= MIN_FONT_PT for t in _texts(fig))


@pytest.fixture
def sigma_frames():
    years = np.arange(2000, 2011)
    return {
        "border RU": pd.DataFrame({"sd_log": 0.6 - 0.01 * (years - 2000), "n": 12},
                                  index=pd.Index(years, name="time")),
        "border KZ": pd.DataFrame({"sd_log": 0.5 + 0.005 * (years - 2000), "n": 7},
                                  index=pd.Index(years, name="time")),
        "all": pd.DataFrame({"sd_log": np.full(len(years), 0.55), "n": 19},
                            index=pd.Index(years, name="time")),
    }


def test_sigma_chart_draws_each_series(sigma_frames):
    before = plt.get_fignums()
    fig = charts.sigma_chart(sigma_frames, measure="sd_log", trend=True, source="Sources: x.")
    assert plt.get_fignums() == before  # no pyplot figure, nothing shown
    lines = _lines(fig, "series")
    assert [ln.get_label() for ln in lines] == list(sigma_frames)
    for ln, (_, f) in zip(lines, sigma_frames.items(), strict=True):
        np.testing.assert_allclose(ln.get_xdata(), f.index.to_numpy())
        np.testing.assert_allclose(ln.get_ydata(), f["sd_log"].to_numpy())
    # the trend of a straight line is the line itself
    trend = _lines(fig, "trend")
    np.testing.assert_allclose(trend[0].get_ydata(), sigma_frames["border RU"]["sd_log"])
    # country colours by the code in the name
    assert lines[0].get_color() == charts.COUNTRY_COLORS["RU"]
    assert lines[1].get_color() == charts.COUNTRY_COLORS["KZ"]
    assert fig.axes[0].get_legend() is not None
    assert _texts(fig, "source_line")[0].get_text() == "Sources: x."
    _assert_readable(fig)


def test_sigma_chart_indexed_and_from_a_dataframe(sigma_frames):
    wide = pd.DataFrame({k: v["sd_log"] for k, v in sigma_frames.items()})
    fig = charts.sigma_chart(wide, index_to=2000)
    ys = [ln.get_ydata() for ln in _lines(fig, "series")]
    assert all(y[0] == pytest.approx(1.0) for y in ys)
    assert ys[0][-1] == pytest.approx(0.5 / 0.6)
    assert "2000 = 1" in fig.axes[0].get_ylabel()


def test_beta_scatter_fit_labels_and_groups():
    rng = np.random.default_rng(0)
    regions = [f"R{i}" for i in range(12)]
    x = pd.Series(rng.normal(9, 0.5, 12), index=regions)
    g = 0.2 - 0.02 * x + rng.normal(0, 0.003, 12)
    groups = pd.Series(["RU"] * 7 + ["KZ"] * 5, index=regions)
    fit = np.polyfit(x, g, 1)
    fig = charts.beta_scatter(x, g, fit=(fit[1], fit[0]), labels={r: r.lower() for r in regions},
                              groups=groups)
    line = _lines(fig, "fit")[0]
    xs, ys = line.get_xdata(), line.get_ydata()
    assert xs[0] == pytest.approx(x.min()) and xs[-1] == pytest.approx(x.max())
    np.testing.assert_allclose(ys, fit[1] + fit[0] * xs)
    assert "\u2212" in line.get_label()  # negative beta shown with a minus sign
    labels = _texts(fig, "point_label")
    assert sorted(t.get_text() for t in labels) == sorted(r.lower() for r in regions)
    colour = {t.get_text(): t.get_color() for t in labels}
    assert colour["r0"] == charts.COUNTRY_COLORS["RU"] and colour["r11"] == \
        charts.COUNTRY_COLORS["KZ"]
    # labels do not overlap each other
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    overlaps = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert overlaps == 0
    pts = [c for c in fig.axes[0].collections if c.get_gid() == "points"]
    assert sum(len(c.get_offsets()) for c in pts) == 12
    _assert_readable(fig)


def test_beta_scatter_takes_a_beta_result():
    from crossborder.measures.beta import beta

    rng = np.random.default_rng(1)
    y0 = rng.lognormal(9, 0.5, 20)
    y1 = y0 * np.exp(0.3 - 0.03 * np.log(y0) + rng.normal(0, 0.01, 20))
    frame = pd.DataFrame({"region": np.repeat([f"R{i}" for i in range(20)], 2),
                          "year": np.tile([2000, 2010], 20),
                          "value": np.column_stack([y0, y1]).ravel()})
    res = beta(cb.Panel.from_long(frame))
    fig = charts.beta_scatter(np.log(y0), (np.log(y1) - np.log(y0)) / 10, res)
    line = _lines(fig, "fit")[0]
    np.testing.assert_allclose(line.get_ydata(), res.alpha + res.beta * line.get_xdata())
    with pytest.raises(cb.DataError):
        charts.beta_scatter([1.0, 2.0], [0.1], None)


def test_pair_gaps_chart_from_a_long_table():
    times = np.arange(2010, 2016)
    rows = []
    for a, b, g0 in [("RU-OMS", "KZ-PAV", 0.5), ("RU-AST", "KZ-ATY", -1.5),
                     ("RU-KGN", "KZ-SEV", 0.1)]:
        for t in times:
            rows.append({"a_region": a, "b_region": b, "time": t,
                         "log_gap": g0 * 0.9 ** (t - 2010)})
    gaps = pd.DataFrame(rows)
    fig = charts.pair_gaps_chart(gaps, names={"RU-OMS": "Omsk", "KZ-PAV": "Pavlodar"})
    lines = _lines(fig, "series")
    assert len(lines) == 3
    labels = {ln.get_label(): ln for ln in lines}
    assert "Omsk \u2013 Pavlodar" in labels and "RU-AST \u2013 KZ-ATY" in labels
    np.testing.assert_allclose(labels["Omsk \u2013 Pavlodar"].get_ydata(),
                               0.5 * 0.9 ** (times - 2010))
    parity = _lines(fig, "parity")
    assert len(parity) == 1 and set(parity[0].get_ydata()) == {0}
    ends = _texts(fig, "end_label")
    assert len(ends) == 3
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ends]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    _assert_readable(fig)


def test_distribution_chart_densities():
    rng = np.random.default_rng(2)
    wide = pd.DataFrame(rng.lognormal(0, 0.4, size=(40, 3)), columns=[2000, 2005, 2010],
                        index=[f"R{i}" for i in range(40)])
    fig = charts.distribution_chart(wide, groups=pd.Series(["RU"] * 20 + ["KZ"] * 20,
                                                          index=wide.index))
    lines = _lines(fig, "series")
    assert [ln.get_label().split()[0] for ln in lines] == ["2000", "2005", "2010"]
    for ln in lines:  # a density: integrates to about 1 over the drawn range
        assert trapezoid(ln.get_ydata(), ln.get_xdata()) == pytest.approx(1.0, abs=0.08)
    assert len(_lines(fig, "rug")) == 2


def test_chart_files(tmp_path, sigma_frames):
    fig = charts.sigma_chart(sigma_frames, measure="sd_log")
    png, svg = save(fig, tmp_path / "sigma")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    assert (w, h) == (round(180 / 25.4 * 200), int(100 / 25.4 * 200))
    assert ET.parse(svg).getroot().tag.endswith("svg")
