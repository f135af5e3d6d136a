"""Maps: equal-area projection, furniture (scale bar, north arrow, source line), saving, the
choropleth and its classes, Figures 1 and 2 from the built-in data, the discontinuity map."""

from __future__ import annotations

import math
import struct
import xml.etree.ElementTree as ET

import geopandas as gpd
import mapclassify
import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.text import Text
from pyproj import CRS, Geod, Transformer

import crossborder as cb
from crossborder import _mapstyle as ms
from crossborder import maps

matplotlib.use("Agg")

GEOD = Geod(ellps="WGS84")


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def ds() -> cb.Dataset:
    return cb.load_dataset("ru-kz")


def _grid(n: int = 4, lon0: float = 60.0, lat0: float = 48.0, step: float = 1.0):
    """n x n squares of ``step`` degrees; columns left of the middle are country A, right B."""
    rows = []
    for i in range(n):
        for j in range(n):
            rows.append({"region": f"R{i}{j}", "country": "A" if j < n // 2 else "B",
                         "geometry": shapely.box(lon0 + j * step, lat0 + i * step,
                                                 lon0 + (j + 1) * step, lat0 + (i + 1) * step)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _texts(fig, gid=None):
    out = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [t for t in out if gid is None or t.get_gid() == gid]


def _collections(ax, gid):
    return [c for c in ax.collections if c.get_gid() == gid]


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _params(crs):
    names = {"Latitude of 1st standard parallel": "lat_1",
             "Latitude of 2nd standard parallel": "lat_2",
             "Longitude of false origin": "lon_0", "Latitude of false origin": "lat_0"}
    return {names[p.name]: p.value for p in crs.coordinate_operation.params if p.name in names}


def _assert_readable(fig):
    small = [(t.get_text()[:30], t.get_fontsize()) for t in _texts(fig)
             if t.get_fontsize() < ms.MIN_FONT_PT - 1e-9]
    assert not small, small


# ----------------------------------------------------------------------------- projection
def test_equal_area_crs_is_albers_fitted_to_the_latitudes(ds):
    border = maps.map_units(ds, "border")
    crs = ms.equal_area_crs(border)
    assert crs.coordinate_operation.method_name.startswith("Albers Equal Area")
    p = _params(crs)
    lon0, lat0, lon1, lat1 = border.total_bounds
    span = lat1 - lat0
    assert p["lat_1"] == pytest.approx(lat0 + span / 6, abs=0.25)
    assert p["lat_2"] == pytest.approx(lat1 - span / 6, abs=0.25)
    assert p["lon_0"] == pytest.approx((lon0 + lon1) / 2, abs=0.25)


@pytest.mark.parametrize("code", ["KZ-SEV", "RU-AST", "KZ-VOS"])
def test_equal_area_crs_keeps_geodesic_areas(ds, code):
    border = maps.map_units(ds, "border")
    crs = ms.equal_area_crs(border)
    geom = border.loc[border["region"] == code, "geometry"].iloc[0]
    geodesic = abs(GEOD.geometry_area_perimeter(geom)[0])
    planar = gpd.GeoSeries([geom], crs=4326).to_crs(crs).area.iloc[0]
    assert planar == pytest.approx(geodesic, rel=0.01)
    # a conformal-ish projection of the same area does not (control: Web Mercator)
    merc = gpd.GeoSeries([geom], crs=4326).to_crs(3857).area.iloc[0]
    assert abs(merc / geodesic - 1) > 0.5


def test_longitude_span_crosses_the_antimeridian():
    lo, hi = ms._lon_span(np.array([170.0, 175.0, -175.0, -170.0]))
    assert (lo, hi) == (170.0, 190.0)
    crs = ms.equal_area_crs((170.0, 60.0, -170.0, 70.0))
    assert abs(_params(crs)["lon_0"]) == pytest.approx(180.0)


def test_nice_length():
    assert [ms.nice_length(v) for v in (0.9, 3.1, 7.7, 240, 499, 1000)] == \
        [0.5, 2.5, 5.0, 200.0, 250.0, 1000.0]


def test_north_points_to_the_pole_and_converges_in_a_cone():
    crs = CRS.from_proj4("+proj=aea +lat_1=45 +lat_2=60 +lat_0=52 +lon_0=65 +ellps=WGS84")
    fwd = Transformer.from_crs(4326, crs, always_xy=True)
    assert ms.north_angle(crs, *fwd.transform(65.0, 52.0)) == pytest.approx(0.0, abs=1e-6)
    # meridian convergence of a cone: angle = -n * (lon - lon_0), n ~ (sin 45 + sin 60) / 2
    n = (math.sin(math.radians(45)) + math.sin(math.radians(60))) / 2
    east = ms.north_angle(crs, *fwd.transform(85.0, 52.0))
    west = ms.north_angle(crs, *fwd.transform(45.0, 52.0))
    assert east == pytest.approx(-n * 20, rel=0.02)
    assert west == pytest.approx(n * 20, rel=0.02)


# ----------------------------------------------------------------------------- choropleth
def test_choropleth_quantiles_follow_mapclassify_and_missing_is_no_data():
    grid = _grid()
    values = pd.Series(np.arange(1.0, 17.0) ** 1.5, index=grid["region"])
    values[["R00", "R33", "R12"]] = np.nan
    res = maps.choropleth(grid, values, scheme="quantiles", k=4, labels=True,
                          title="Test", source="Sources: made up.")
    expected = mapclassify.Quantiles(values.dropna().to_numpy(), k=4)
    np.testing.assert_array_equal(res.classifier.counts, expected.counts)
    np.testing.assert_allclose(res.classifier.bins, expected.bins)
    drawn = res.table.set_index("region")
    cls = drawn.loc[values.dropna().index, "class"].to_numpy()
    np.testing.assert_array_equal(cls, expected.yb)
    assert drawn.loc[["R00", "R33", "R12"], "class"].isna().all()
    # no data: one hatched collection with the three squares, and a legend entry
    nd = _collections(res.ax, "no_data")
    assert len(nd) == 1 and len(nd[0].get_paths()) == 3 and nd[0].get_hatch() == "////"
    cl = _collections(res.ax, "classes")
    assert len(cl[0].get_paths()) == 13
    legend = [lg for lg in res.figure.findobj(matplotlib.legend.Legend)
              if lg.get_gid() == "legend"][0]
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[-2].startswith("no data") and "(3)" in texts[-2]
    assert texts[-1] == "border"
    assert [int(t.rsplit("(", 1)[1].rstrip(")")) for t in texts[:4]] == list(expected.counts)
    # border line between the two countries is drawn; 16 labels
    assert len(_collections(res.ax, "border_line")) == 1
    assert len(_texts(res.figure, "region_label")) == 16
    assert _texts(res.figure, "source_line")[0].get_text() == "Sources: made up."
    assert _texts(res.figure, "title")[0].get_text() == "Test"
    _assert_readable(res.figure)


@pytest.mark.parametrize("scheme, cls", [("equal_interval", mapclassify.EqualInterval),
                                         ("fisher_jenks", mapclassify.FisherJenks)])
def test_choropleth_schemes(scheme, cls):
    grid = _grid()
    rng = np.random.default_rng(3)
    values = pd.Series(rng.lognormal(size=16), index=grid["region"])
    res = maps.choropleth(grid, values, scheme=scheme, k=3)
    ref = cls(values.to_numpy(), k=3)
    np.testing.assert_array_equal(res.classifier.counts, ref.counts)
    np.testing.assert_allclose(res.classifier.bins, ref.bins)


def test_choropleth_user_breaks_and_panel_input():
    grid = _grid()
    frame = pd.DataFrame({"region": np.repeat(grid["region"].to_numpy(), 2),
                          "year": np.tile([2000, 2010], 16),
                          "value": np.arange(32, dtype=float)})
    panel = cb.Panel.from_long(frame, indicator="x", unit="u")
    res = maps.choropleth(grid, panel, breaks=[10, 20, 40])
    last = frame[frame["year"] == 2010]["value"].to_numpy()  # the panel's last year
    assert res.meta["year"] == 2010
    assert list(res.classifier.counts) == [int((last <= 10).sum()),
                                           int(((last > 10) & (last <= 20)).sum()),
                                           int((last > 20).sum())]
    with pytest.raises(ValueError):
        maps.classify([1.0, 2.0], scheme="nope")


def test_map_furniture_scale_bar_and_north_arrow(ds):
    units = maps.map_units(ds, "border")
    p = ds.panel("grp_per_capita_usd", regions="border")
    res = maps.choropleth(units, p, 2019, labels=maps.PAPER_LABELS, sources=ds.sources,
                          boundaries="Natural Earth 10m admin-1")
    labels = {t.get_text() for t in _texts(res.figure, "region_label")}
    assert labels == set(maps.PAPER_LABELS.values())
    # the scale bar's ends are as far apart on the ellipsoid as its label says
    bars = [p for p in res.ax.patches if p.get_gid() == "scale_bar"]
    assert len(bars) >= 2
    x0 = min(b.get_x() for b in bars)
    x1 = max(b.get_x() + b.get_width() for b in bars)
    y = bars[0].get_y()
    km = float([t.get_text() for t in _texts(res.figure, "scale_bar")
                if t.get_text().endswith("km")][0].split()[0])
    back = Transformer.from_crs(res.crs, 4326, always_xy=True)
    (la, pa), (lb, pb) = back.transform(x0, y), back.transform(x1, y)
    assert GEOD.inv(la, pa, lb, pb)[2] / 1000 == pytest.approx(km, rel=1e-3)
    # north arrow (arrow + "N") and a source line naming the sources
    assert [t.get_text() for t in _texts(res.figure, "north_arrow")] == ["N"]
    arrows = [a for a in res.ax.texts if a.get_gid() == "north_arrow"]
    assert len(arrows) == 2
    src = _texts(res.figure, "source_line")[0].get_text()
    assert "Wenz et al." in src and "Natural Earth" in src
    _assert_readable(res.figure)


def test_save_png_and_svg_atomically(tmp_path):
    grid = _grid()
    res = maps.choropleth(grid, pd.Series(np.arange(16.0), index=grid["region"]), k=3)
    paths = res.save(tmp_path / "sub" / "map.png")  # the extension is stripped
    assert [p.name for p in paths] == ["map.png", "map.svg"]
    w, h = _png_size(paths[0])
    assert w == round(180 / 25.4 * 200)
    assert h == int(res.figure.get_figheight() * 200)
    root = ET.parse(paths[1]).getroot()
    assert root.tag.endswith("svg")
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["map.png", "map.svg"]
    # identical figures give identical SVG (fixed hash salt, no date)
    again = ms.save(res.figure, tmp_path / "again", formats=("svg",))[0]
    assert again.read_bytes() == paths[1].read_bytes()


def test_save_leaves_no_temporary_file_on_error(tmp_path):
    grid = _grid()
    res = maps.choropleth(grid, pd.Series(np.arange(16.0), index=grid["region"]), k=3)
    with pytest.raises(ValueError):
        ms.save(res.figure, tmp_path / "bad", formats=("nosuchformat",))
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- figure 1
def _expected_sev(ds):
    hist = ds.historical_units
    h = hist[(hist["indicator"] == "russian_share_pct") & (hist["overlaps_regions"] == "KZ-SEV")]
    obs = ds.values("russian_share_pct")
    obs = obs[obs["region"] == "KZ-SEV"].sort_values("year")
    return h.iloc[0], obs.iloc[-1]


def test_figure1_table_from_the_data(ds):
    t = maps.figure1_table(ds).set_index("region")
    assert list(t["label"]) == ["1", "2", "3", "4", "5", "6", "7"]
    first, last = _expected_sev(ds)
    row = t.loc["KZ-SEV"]
    assert (row["first_year"], row["first_value"]) == (first["year"], first["value"])
    assert (row["last_year"], row["last_value"]) == (last["year"], last["value"])
    assert row["change_pp"] == pytest.approx(last["value"] - first["value"])
    assert row["first_basis"].startswith("historical unit")
    assert row["source"] == f"{first['source']}; {last['source']}"
    # only North Kazakhstan has a 1989 value
    assert t["change_pp"].notna().sum() == 1
    # with the earliest value as fallback, Pavlodar's change is its 2009 -> latest change
    t2 = maps.figure1_table(ds, fallback="earliest").set_index("region")
    pav = ds.values("russian_share_pct").query("region == 'KZ-PAV'").sort_values("year")
    assert t2.loc["KZ-PAV", "change_pp"] == pytest.approx(
        pav["value"].iloc[-1] - pav["value"].iloc[0])
    assert t2.loc["KZ-PAV", "first_year"] == pav["year"].iloc[0]
    assert t2.loc["KZ-SEV", "first_year"] == 1989  # 1989 still wins where it exists
    zap = ds.values("russian_share_pct").query("region == 'KZ-ZAP'").sort_values("year")
    assert t2.loc["KZ-ZAP", "change_pp"] == pytest.approx(zap["value"].iloc[-1] - zap["value"].iloc[0])


def test_figure1_map(ds, tmp_path):
    res = maps.figure1(ds)
    labels = [t.get_text() for t in _texts(res.figure, "region_label")]
    assert sorted(labels) == sorted(maps.PAPER_LABELS.values())
    assert len(labels) == 19
    nd = _collections(res.ax, "no_data")
    assert len(nd[0].get_paths()) == int(res.table["change_pp"].isna().sum()) == 6
    assert len(_collections(res.ax, "classes")[0].get_paths()) == 1
    assert len(_collections(res.ax, "other_side")[0].get_paths()) == 12
    notes = _texts(res.figure, "notes")[0].get_text().replace("\n", " ")
    for r in res.table[res.table["change_pp"].isna()].itertuples():
        assert f"{r.label} {r.name}" in notes
    # darker = larger decrease: the palette darkens towards the most negative class
    edges = res.meta["edges"]
    assert edges[-1] == 0 and edges[0] <= res.table["change_pp"].min()
    value_label = _texts(res.figure, "value_label")[0].get_text()
    assert value_label == "\u2212" + f"{abs(res.table['change_pp'].min()):.1f}"
    paths = res.save(tmp_path / "figure1")
    assert _png_size(paths[0])[0] == 1417
    ET.parse(paths[1])
    _assert_readable(res.figure)


def test_figure1_classes_darker_for_larger_decrease(ds):
    res = maps.figure1(ds, fallback="earliest")
    t = res.table.dropna(subset=["change_pp"]).set_index("region")
    assert len(t) == 4
    for sc in res.meta["scales"]:  # within each period's own scale
        lum = {}
        for code in sc["regions"]:
            cls = np.searchsorted(sc["edges"][1:], t.loc[code, "change_pp"])
            r, g, b = matplotlib.colors.to_rgb(sc["palette"][cls])
            lum[code] = 0.299 * r + 0.587 * g + 0.114 * b
        order = t.loc[sc["regions"], "change_pp"].sort_values().index
        assert all(lum[a] <= lum[b] for a, b in zip(order[:-1], order[1:], strict=True))
        pal = [matplotlib.colors.to_rgb(c) for c in sc["palette"]]
        lums = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in pal]
        assert lums == sorted(lums)  # the palette runs from dark (large decrease) to light


# ----------------------------------------------------------------------------- figure 2
def test_figure2_with_the_papers_agglomerations(ds, tmp_path):
    assert ds.cities is not None, "the built-in dataset bundles its cities"
    res = maps.figure2(ds)
    t = res.table.set_index("agglomeration")
    assert list(t.index) == ["I", "II", "III", "IV", "V"]
    assert t.loc["III", "regions"] == "RU-CHE, RU-KGN, KZ-SEV"
    assert len(_collections(res.ax, "agglomeration")) == 5
    assert len(_collections(res.ax, "cross_border_region")) == 5
    assert len(_collections(res.ax, "border_zone")) == 1
    assert len(_texts(res.figure, "city_label")) == 11
    # the cross-border region's area is the sum of its regions' equal-area areas
    units = maps.map_units(ds, "border").to_crs(res.crs).set_index("region")
    assert t.loc["IV", "cross_border_region_km2"] == pytest.approx(
        units.loc[["RU-OMS", "KZ-PAV"]].area.sum() / 1e6)
    paths = res.save(tmp_path / "figure2")
    assert _png_size(paths[0])[0] == 1417
    _assert_readable(res.figure)


def test_figure2_with_detected_agglomerations(ds):
    assert ds.cities is not None, "the built-in dataset bundles its cities"
    from crossborder.border.pairs import agglomerations

    ag = agglomerations(ds.cities, 400.0, capitals_only=True)
    res = maps.figure2(ds, agglomerations=ag, zone_km=100)
    assert len(res.table) == len(ag.table)
    assert "detected" in res.meta["origin"]
    with pytest.raises(cb.DataError):
        maps.figure2(ds, agglomerations=[["Atlantis", "Omsk"]])


# ----------------------------------------------------------------------------- discontinuities
def test_discontinuity_map_widths_follow_values():
    from crossborder.border.discontinuity import discontinuities

    grid = _grid()
    frame = pd.DataFrame({"region": grid["region"], "year": 2000,
                          "value": np.where(grid["country"] == "A", 1.0, 3.0)
                          * (1 + np.arange(16) / 20)})
    panel = cb.Panel.from_long(frame)
    edges = discontinuities(grid, panel, 2000)
    res = maps.discontinuity_map(grid, edges, title="t")
    border = _collections(res.ax, "border_edges")[0]
    internal = _collections(res.ax, "internal_edges")[0]
    assert len(border.get_paths()) == int(edges["border"].sum()) == 4
    assert len(internal.get_paths()) == len(edges) - 4
    # widths are linear in the value: largest on the border (ratios near 3)
    widths = res.table["linewidth"].to_numpy()
    vals = res.table["discontinuity"].to_numpy()
    assert widths[np.argmax(vals)] == pytest.approx(5.0)
    assert widths[np.argmin(vals)] == pytest.approx(0.4)
    np.testing.assert_allclose(np.diff(widths[np.argsort(vals)]) >= 0, True)
    assert max(border.get_linewidths()) > max(internal.get_linewidths())
    _assert_readable(res.figure)


def test_number_west_to_east_for_any_border():
    grid = _grid()
    lab = maps.number_west_to_east(grid, suffixes={"B": "a"})
    assert lab["R00"] in {"1", "2", "3", "4"} and lab["R03"].endswith("a")
    # column 0 (westernmost of A) before column 1
    assert int(lab["R00"]) < int(lab["R01"])


def test_figure1_on_another_border():
    """Figure 1 for a border built from squares: known changes, numbering west to east."""
    rows = []
    for i in range(4):
        for j in range(6):
            rows.append({"region": f"R{i}{j}", "name": f"Region {i}{j}",
                         "country": "A" if j < 3 else "B",
                         "geometry": shapely.box(10 + j, 45 + i, 11 + j, 46 + i)})
    g = gpd.GeoDataFrame(rows, crs=4326)
    g["border"] = g["region"].str[2].isin(["2", "3"])
    g["analysis_unit"] = True
    g["part_of"] = None
    g["geometry_basis"] = "own"
    obs = []
    for r in g.loc[g["border"] & (g["country"] == "B"), "region"]:
        for year, v in ((1990, 40.0), (2020, 40.0 - 4 * int(r[1]))):
            obs.append({"region": r, "year": year, "indicator": "russian_share_pct",
                        "value": v, "unit": "percent", "source": "S1", "flag": ""})
    obs.pop()  # R33 keeps only its 1990 value: no data
    ds = cb.Dataset(regions=g, observations=pd.DataFrame(obs),
                    sources=pd.DataFrame({"source": ["S1"],
                                          "citation": ["Somebody, A., Other, B. (2020). A book."]}),
                    name="toy")
    res = maps.figure1(ds, country="B", first_year=1990)
    t = res.table.set_index("region")
    np.testing.assert_allclose(t.loc[["R03", "R13", "R23"], "change_pp"], [0.0, -4.0, -8.0])
    assert np.isnan(t.loc["R33", "change_pp"])
    assert set(t["label"]) == {"1", "2", "3", "4"}
    labels = maps.paper_figures._labels_for(ds, maps.map_units(ds, "border"), "B")
    other = {lab for code, lab in labels.items() if code.endswith("2")}
    assert other == {"1a", "2a", "3a", "4a"}
    assert len(_collections(res.ax, "no_data")[0].get_paths()) == 1
    # 5-point classes from floor(min) to 0: [-10, -5], (-5, 0]
    assert res.meta["edges"] == [-10.0, -5.0, 0.0]
    assert list(res.classifier.counts) == [1, 2]
    src = _texts(res.figure, "source_line")[0].get_text()
    assert src.startswith("Sources: Somebody et al. (2020).")
    assert "Natural Earth" not in src
    assert "Kazakh" not in _texts(res.figure, "title")[0].get_text()
