"""The US-Mexico admin-1 file of the shared reference data (the two countries' states in one
shapefile, sharing their edges but for gaps under 20 m along about 43 km): the default border keeps
today's exact-edge numbers (2,436 km, 9 pairs), says what it left open, and a tolerance changes the
result; the pairs are libpysal's fuzzy contiguity across the border."""

from __future__ import annotations

import pytest
from _refdata import REFDATA, need_file
from libpysal.weights import fuzzy_contiguity

from crossborder.border.geometry import find_border
from crossborder.io import read_regions


@pytest.fixture(scope="module")
def states():
    path = need_file(REFDATA / "mexusa" / "mex_us_admin.shp")
    regions, _ = read_regions(path, id_col="ID_ADMIN_1")
    return regions.assign(country=regions["region"].str.split("_").str[0])


def _pairs(border) -> set[tuple[str, str]]:
    return set(map(tuple, border.edges[["a_region", "b_region"]].to_numpy()))


def test_exact_edges_keep_todays_numbers(states):
    border = find_border(states, "country", "126", "204")
    assert border.tolerance_m == 0
    assert border.line.length_km == pytest.approx(2_436.3, abs=0.5)
    assert border.line.n_pairs == 9
    assert border.profile.gap_m < 20 and 40 < border.profile.gap_km < 46
    assert "exactly shared edges are kept" in border.notes[0]


def test_a_tolerance_changes_the_length_not_the_pairs_and_matches_libpysal(states):
    exact = find_border(states, "country", "126", "204")
    closed = find_border(states, "country", "126", "204", tolerance_m=100)
    assert closed.line.length_km > exact.line.length_km + 40   # the 43 km of gaps now count
    assert _pairs(closed) == _pairs(exact)
    # libpysal: polygons buffered by 100 m (in a metric CRS) that intersect are neighbours
    metric = states.to_crs("ESRI:102008").reset_index(drop=True)
    w = fuzzy_contiguity(metric, buffering=True, buffer=100.0)
    ids, country = list(states["region"]), dict(zip(states["region"], states["country"], strict=True))
    cross = {(ids[i], ids[j]) for i, nb in w.neighbors.items() for j in nb
             if country[ids[i]] == "126" and country[ids[j]] == "204"}
    assert cross == _pairs(closed)
