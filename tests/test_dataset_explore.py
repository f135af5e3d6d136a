"""Dataset.explore: a folium map whose features carry each region's value of the chosen year."""

from __future__ import annotations

import numpy as np
import pytest

import crossborder as cb

folium = pytest.importorskip("folium")


@pytest.fixture(scope="module")
def ds() -> cb.Dataset:
    return cb.load_dataset("ru-kz")


def _features(m: object) -> list[dict]:
    layers = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert len(layers) == 1
    return layers[0].data["features"]


def test_explore_without_indicator_colours_the_regions_by_country(ds: cb.Dataset) -> None:
    feats = _features(ds.explore(tiles=None))
    assert {f["properties"]["region"] for f in feats} == set(ds.base_regions["region"])
    assert {f["properties"]["country"] for f in feats} == {"RU", "KZ"}


def test_explore_maps_the_converted_value_of_the_year(ds: cb.Dataset) -> None:
    m = ds.explore("grp_per_capita_lcu", 2015, currency="USD", tiles=None)
    want = ds.panel("grp_per_capita_lcu", currency="USD").to_wide()[2015]
    got = {f["properties"]["region"]: f["properties"]["grp_per_capita_lcu"] for f in _features(m)}
    common = sorted(set(got) & set(want.dropna().index))
    assert len(common) >= 15
    np.testing.assert_allclose([got[r] for r in common], want[common].to_numpy(), rtol=1e-12)


def test_explore_refuses_pooling_two_currencies_unconverted(ds: cb.Dataset) -> None:
    with pytest.raises(cb.UnitError):
        ds.explore("grp_per_capita_lcu", 2015)
