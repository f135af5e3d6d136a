"""The border and spatial commands on the built-in data: real numbers in their JSON/CSV output."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

import crossborder as cb
from crossborder.cli import build_parser, main
from crossborder.commands._inputs import panel_from_args
from crossborder.maps import map_units
from crossborder.measures.spatial import moran, weights_from_regions


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:   # argparse rejects bad options with exit 2
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(argv: list[str], capsys) -> pd.DataFrame:
    code, out, err = run([*argv, "--json"], capsys)
    assert code == 0, err
    return pd.DataFrame(json.loads(out))


def run_csv(argv: list[str], capsys) -> pd.DataFrame:
    code, out, err = run([*argv, "--csv"], capsys)
    assert code == 0, err
    return pd.read_csv(io.StringIO(out))


@pytest.fixture(scope="module")
def ds():
    return cb.load_dataset("ru-kz")


# ----------------------------------------------------------------------------- border
def test_border_regions_are_the_19_units(capsys, ds):
    t = run_json(["border"], capsys)
    flagged = set(ds.border_regions["region"])
    assert len(flagged) == 19 and "RU-TYU" in flagged
    assert set(t["region"]) == flagged and len(t) == 19
    assert t.loc[t["region"] == "RU-TYU", "part"].item() == "RU-TYU-XAO"
    assert (t.groupby("group").size().to_dict()) == {"RU": 12, "KZ": 7}
    assert t.loc[t["region"] == "RU-SAM", "contact"].item() == "point"
    assert t.loc[t["region"] == "RU-SAM", "length_km"].item() == 0
    line = run_json(["border", "--line"], capsys)
    length = line["length_km"].item()
    assert 6000 < length < 8000
    # the regions of each side share the whole line, and their shares add up to 1
    for _, side in t.groupby("group"):
        assert side["length_km"].sum() == pytest.approx(length, rel=1e-9)
        assert side["share"].sum() == pytest.approx(1.0, rel=1e-9)


def test_border_pairs_csv(capsys):
    t = run_csv(["border", "--pairs"], capsys)
    assert list(t.columns[:4]) == ["a_region", "a_part", "b_region", "b_part"]
    assert set(t["a_region"].str[:3]) == {"RU-"} and set(t["b_region"].str[:3]) == {"KZ-"}
    assert "RU-TYU" in set(t["a_region"]) and "RU-TYU-XAO" in set(t["a_part"])
    edges = t[t["contact"] == "edge"]
    assert len(edges) == 17 and (edges["length_km"] > 0).all()
    sam = t[t["a_region"] == "RU-SAM"]
    assert list(sam["b_region"]) == ["KZ-ZAP"] and sam["contact"].item() == "point"
    line = run_json(["border", "--line"], capsys)
    assert edges["length_km"].sum() == pytest.approx(line["length_km"].item(), rel=1e-6)


# ----------------------------------------------------------------------------- zones
def test_zones_per_region_and_per_side(capsys):
    t = run_json(["zones", "--km", "150", "--year", "2019"], capsys)
    assert len(t) == 19 and "RU-TYU" in set(t["region"])
    assert ((t["zone_share"] > 0) & (t["zone_share"] <= 1)).all()
    assert (t["zone_km2"] <= t["area_km2"] * (1 + 1e-12)).all()
    assert np.allclose(t["zone_population"], t["population"] * t["zone_share"])
    assert t["population"].notna().all() and (t["population"] > 1e5).all()
    sides = run_csv(["zones", "--km", "150", "--year", "2019", "--by-side"], capsys)
    assert list(sides["side"]) == ["RU", "KZ"]
    for col in ("zone_share", "zone_population_share"):
        assert sides[col].between(0, 1).all() and (sides[col] > 0).all()
    per = t.groupby("group")[["zone_km2", "population", "zone_population"]].sum()
    got = sides.set_index("side")
    for col in per.columns:
        assert np.allclose(got.loc[per.index, col], per[col])
    narrow = run_csv(["zones", "--km", "50", "--by-side"], capsys).set_index("side")
    assert (narrow["zone_km2"] < got["zone_km2"]).all()


# ----------------------------------------------------------------------------- cities
def test_twin_capitals_include_samara_oral(capsys):
    t = run_json(["twins", "--capitals", "--km", "250"], capsys)
    pairs = set(zip(t["a_city"], t["b_city"], strict=True))
    assert ("Samara", "Oral") in pairs
    row = t[(t["a_city"] == "Samara") & (t["b_city"] == "Oral")].iloc[0]
    assert 200 < row["distance_km"] <= 250
    assert (row["a_region"], row["b_region"]) == ("RU-SAM", "KZ-ZAP")
    assert (t["distance_km"] <= 250).all()
    assert list(t["rank"]) == list(range(1, len(t) + 1))
    assert (t["min_population"] == t[["a_population", "b_population"]].min(axis=1)).all()
    fewer = run_json(["twins", "--capitals", "--km", "150"], capsys)
    assert len(fewer) < len(t)


def test_agglomerations(capsys):
    t = run_json(["twins", "--agglomerations", "--km", "150"], capsys)
    assert len(t) >= 3
    assert np.allclose(t["RU_population"] + t["KZ_population"], t["population"])
    assert (t["RU_population"] > 0).all() and (t["KZ_population"] > 0).all()
    assert (t["max_link_km"] <= 150).all()
    assert t["population"].is_monotonic_decreasing
    # Tyumen's part is named by its unit of analysis
    assert not t["regions"].str.contains("RU-TYU-XAO").any()


def test_distances_of_capitals(capsys):
    t = run_csv(["distances", "--capitals"], capsys)
    assert t["capital"].all() and set(t["country"]) == {"RU", "KZ"}
    assert t["border_km"].is_monotonic_increasing and (t["border_km"] >= 0).all()
    oral = t[t["city"] == "Oral"].iloc[0]
    assert oral["border_km"] < 50 and oral["across"] == "Samara"
    twins = run_json(["twins", "--capitals", "--km", "250"], capsys)
    so = twins[(twins["a_city"] == "Samara") & (twins["b_city"] == "Oral")]["distance_km"].item()
    assert oral["across_km"] == pytest.approx(so, rel=1e-9)
    near = run_csv(["distances", "--capitals", "--max-km", "100"], capsys)
    assert 0 < len(near) < len(t) and (near["border_km"] <= 100).all()


# ----------------------------------------------------------------------------- discontinuities
def test_discontinuities_and_border_effect(capsys):
    t = run_json(["discontinuities", "--year", "2019"], capsys)
    assert (t["year"] == 2019).all() and "geometry" not in t
    border = t[t["border"]]
    assert len(border) >= 15 and (border["group_a"] != border["group_b"]).all()
    ok = t.dropna(subset=["discontinuity"])
    expect = np.maximum(ok["value_a"] / ok["value_b"], ok["value_b"] / ok["value_a"])
    assert np.allclose(ok["discontinuity"], expect) and (ok["discontinuity"] >= 1).all()
    absolute = run_json(["discontinuities", "--year", "2019", "--kind", "absolute",
                         "--border-only"], capsys)
    assert absolute["border"].all() and len(absolute) == len(border)
    a = absolute.dropna(subset=["discontinuity"])
    assert np.allclose(a["discontinuity"], (a["value_a"] - a["value_b"]).abs())
    eff = run_csv(["discontinuities", "--effect"], capsys)
    assert 2019 in set(eff["time"]) and len(eff) >= 10
    assert np.allclose(eff["ratio"], eff["mean_border"] / eff["mean_internal"])
    row = eff[eff["time"] == 2019].iloc[0]
    assert row["mean_border"] == pytest.approx(border["discontinuity"].mean(), rel=1e-9)


# ----------------------------------------------------------------------------- moran
def test_moran_equals_the_function(capsys, ds):
    code, out, err = run(["moran", "--permutations", "99", "--json"], capsys)
    assert code == 0
    t = pd.DataFrame(json.loads(out)).set_index("time")
    assert "RU-KGD" in err    # Kaliningrad has no neighbours: reported, not fatal
    assert np.isfinite(t["I"]).all() and len(t) >= 10
    args = build_parser().parse_args(["moran"])
    panel = panel_from_args(args)
    capsys.readouterr()
    units = map_units(ds, "all")
    units = units[units["region"].isin(set(panel.regions))]
    w = weights_from_regions(units, "queen", id_col="region")
    direct = moran(panel, w, permutations=99, seed=12345).table
    assert list(t.index) == list(direct.index)
    assert np.allclose(t["I"], direct["I"], rtol=0, atol=1e-12)
    assert np.allclose(t["p_sim"], direct["p_sim"])
    assert (t["n"] == len(panel.regions)).all()


def test_moran_knn_and_local(capsys):
    knn = run_json(["moran", "--weights", "knn", "--k", "5", "--permutations", "99"], capsys)
    assert np.isfinite(knn["I"]).all() and knn["p_sim"].between(0, 1).all()
    lisa = run_json(["moran", "--local", "2019", "--permutations", "99"], capsys)
    assert (lisa["time"] == 2019).all() and lisa["region"].is_unique
    assert set(lisa["cluster"]) <= {"HH", "LL", "HL", "LH", "ns", "island"}
    # z: standardised values; Is_i = (n - 1) z_i lag_i / sum z^2 = (n - 1) z_i lag_i / n
    v = lisa["value"]
    assert np.allclose(lisa["z"], (v - v.mean()) / v.std(ddof=0))
    n = len(lisa)
    have = lisa["Is"].notna()
    # islands (no queen neighbour in the panel: Kaliningrad, Sakhalin, and Almaty city and Zhambyl
    # once Almaty Region leaves the 2008-2022 panel) have no local statistic; all others have one
    assert (have == (lisa["cluster"] != "island")).all() and have.sum() >= n - 4
    assert np.allclose(lisa.loc[have, "Is"],
                       (n - 1) * lisa.loc[have, "z"] * lisa.loc[have, "lag"] / n)


# ----------------------------------------------------------------------------- figures
def test_figures_written(capsys, tmp_path):
    out = tmp_path / "figs"
    code, text, err = run(["figures", "--out", str(out), "--json"], capsys)
    assert code == 0, err
    listed = pd.DataFrame(json.loads(text))
    for name in ("figure1", "figure2"):
        png = (out / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        svg = (out / f"{name}.svg").read_text(encoding="utf-8")
        assert "<svg" in svg[:2000] and svg.rstrip().endswith("</svg>")
        table = pd.read_csv(out / f"{name}.csv")
        assert len(table) > 0
    assert len(pd.read_csv(out / "figure2.csv")) == 5      # the paper's five agglomerations
    assert set(pd.read_csv(out / "figure1.csv")["region"].str[:3]) == {"KZ-"}
    assert len(listed) == 6
    assert all((out / p.split("/")[-1]).stat().st_size == b
               for p, b in zip(listed["file"], listed["bytes"], strict=True))
    assert not list(out.glob(".*"))    # no temporary files left behind


# ----------------------------------------------------------------------------- bad options
@pytest.mark.parametrize("argv, message", [
    (["zones", "--km", "-5"], "--km"),
    (["twins", "--km", "far"], "--km"),
    (["moran", "--weights", "distance"], "--threshold-km"),
    (["moran", "--k", "0"], "--k"),
    (["moran", "--weights", "knn", "--k", "500"], "--k 500"),
    (["moran", "--local", "1900"], "--local 1900"),
    (["discontinuities", "--year", "1900"], "--year 1900"),
    (["discontinuities", "--kind", "ratio"], "--kind"),
    (["figures", "--formats", "gif"], "--formats"),
    (["twins", "--link", "any"], "--agglomerations"),
    (["zones", "--year", "1900"], "1900"),
])
def test_bad_options_exit_2(argv, message, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert message in err and "Traceback" not in err and "Traceback" not in out
