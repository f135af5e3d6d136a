"""The built-in ru-kz dataset: regions, part/whole units, panels, units and currencies."""

from __future__ import annotations

import numpy as np
import pytest

import crossborder as cb
from crossborder.errors import DataError, UnitError

RU_BORDER = {"RU-AST", "RU-VGG", "RU-SAR", "RU-SAM", "RU-ORE", "RU-CHE", "RU-KGN", "RU-TYU",
             "RU-OMS", "RU-NVS", "RU-ALT", "RU-AL"}
KZ_BORDER = {"KZ-ATY", "KZ-ZAP", "KZ-AKT", "KZ-KUS", "KZ-SEV", "KZ-PAV", "KZ-VOS"}


@pytest.fixture(scope="module")
def ds() -> cb.Dataset:
    return cb.load_dataset("ru-kz")


def test_border_regions_are_the_papers_12_plus_7(ds):
    b = ds.border_regions
    assert set(b.loc[b["country"] == "RU", "region"]) == RU_BORDER
    assert set(b.loc[b["country"] == "KZ", "region"]) == KZ_BORDER
    assert len(b) == 19


def test_border_regions_have_valid_geometry(ds):
    b = ds.border_regions
    assert b.crs.to_epsg() == 4326
    assert b.geometry.notna().all()
    assert b.geometry.is_valid.all()
    assert not b.geometry.is_empty.any()


def test_all_regions_of_both_countries_are_kept(ds):
    units = ds.regions[ds.regions["analysis_unit"]]
    assert (units["country"] == "RU").sum() >= 80
    assert (units["country"] == "KZ").sum() >= 17
    assert len(ds.region_codes("interior")) == len(ds.region_codes("all")) - 19


def test_tyumen_is_one_border_region_with_its_southern_part(ds):
    r = ds.regions.set_index("region")
    assert r.loc["RU-TYU-XAO", "part_of"] == "RU-TYU"
    assert r.loc["RU-KHM", "part_of"] == "RU-TYU"
    assert bool(r.loc["RU-TYU", "border"]) and not bool(r.loc["RU-TYU-XAO", "border"])
    assert bool(r.loc["RU-TYU-XAO", "border_part"])
    assert "RU-TYU-XAO" not in ds.region_codes("all")
    # the whole's polygon is the union of the parts, so it is larger than the southern part
    assert r.loc["RU-TYU", "geometry_basis"] == "union of parts"
    assert r.loc["RU-TYU", "geometry"].area > 5 * r.loc["RU-TYU-XAO", "geometry"].area


def test_every_observation_names_a_known_source_and_region(ds):
    assert set(ds.observations["source"]) <= set(ds.sources["source"])
    assert set(ds.observations["region"]) <= set(ds.regions["region"])
    assert {"source", "citation", "licence"} <= set(ds.sources.columns)


def test_panel_matrix_and_labels(ds):
    p = ds.panel("grp_per_capita_usd", weight="population", regions="border", years=(2010, 2019))
    m = p.to_matrix()
    assert m.values.shape == (len(m.regions), len(m.times))
    assert list(m.times) == list(range(2010, 2020))
    # Samara 2019 in DOSE: 8195.838615 USD
    assert m.values[list(m.regions).index("RU-SAM"), -1] == pytest.approx(8195.838615)
    w = p.weight_matrix()
    assert w.values[list(w.regions).index("KZ-ATY"), -1] == 633791.0   # 1 January 2019
    g = p.group_labels()
    assert set(g) == {"RU", "KZ"} and g["KZ-PAV"] == "KZ"
    assert p.weight_name == "population"


def test_mixing_currencies_is_an_error_and_conversion_uses_the_rates(ds):
    with pytest.raises(UnitError, match="mixes currencies"):
        ds.panel("grp_per_capita_lcu", regions="border")
    usd = ds.panel("grp_per_capita_lcu", regions="border", currency="USD").to_wide()
    # KZ-VOS 2019: 2,929,200 KZT / 382.7473106 KZT per USD
    assert usd.loc["KZ-VOS", 2019] == pytest.approx(2929200 / 382.7473106)
    # Samara 2019: 526,919.7 RUB (Rosstat 1998-2023 release) at the newest PPP (WDI 2026-03) ...
    ppp = ds.panel("grp_per_capita_lcu", regions="border", currency="PPP").to_wide()
    assert ppp.loc["RU-SAM", 2019] == pytest.approx(526919.7 / 23.9342746734619)
    # ... and at the ICP 2017 vintage of the first compilation
    old = ds.panel("grp_per_capita_lcu", regions="border", currency="PPP:2023-06")
    assert old.to_wide().loc["RU-SAM", 2019] == pytest.approx(526919.7 / 24.838261)
    # that vintage has no PPP factor after 2022: those values are set aside and reported
    aside = old.meta["set_aside"]
    assert ((aside["region"] == "RU-SAM") & (aside["year"] == 2023)).any()
    assert 2023 not in old.times


def test_flagged_values_are_set_aside_and_reported(ds):
    p = ds.panel("grp_per_capita_lcu", regions=["RU-TYU"], group=None)
    aside = p.meta["set_aside"]
    assert set(aside["year"]) == {1994, 1995, 1996}
    assert aside["reason"].str.contains("flag").all()
    assert 1994 not in p.times
    everything = ds.panel("grp_per_capita_lcu", regions=["RU-TYU"], group=None, exclude_flags=())
    assert len(everything.frame) == len(p.frame) + len(aside)


def test_unknown_indicator_and_region_set_are_clear_errors(ds):
    with pytest.raises(DataError, match="no indicator 'gdp'"):
        ds.panel("gdp")
    with pytest.raises(DataError, match="unknown region set"):
        ds.region_codes("borderline")
    with pytest.raises(DataError, match="unknown region codes"):
        ds.panel("grp_lcu", regions=["RU-XXX"])


def test_country_region_sets(ds):
    kz = ds.region_codes("border:KZ")
    assert set(kz) == KZ_BORDER
    assert all(c.startswith("RU-") for c in ds.region_codes("RU"))


def test_log_of_nonpositive_value_names_region_and_year():
    p = cb.Panel.from_matrix(np.array([[1.0, 2.0], [0.0, 3.0]]), regions=["A", "B"], times=[2000, 2001])
    with pytest.raises(DataError, match="region 'B' in 2000"):
        p.log()


def test_whole_gets_sum_of_parts_for_additive_indicators(ds):
    obs = ds.observations
    parts = obs[(obs.indicator == "population_avg") & (obs.year == 2020)
                & obs.region.isin(["RU-TYU-XAO", "RU-KHM", "RU-YAN"])]
    assert len(parts) == 3
    pop = ds.values("population").set_index(["region", "year"])
    assert pop.loc[("RU-TYU", 2020), "value"] == parts["value"].sum()
    assert pop.loc[("RU-TYU", 2020), "flag"] == "sum_of_parts"
    # a ratio is never summed
    gpc = ds.values("grp_per_capita_lcu")
    assert not (gpc["flag"] == "sum_of_parts").any()


def test_study_panel_is_balanced_and_reports_what_it_dropped(ds):
    from crossborder.study import parse_years, study_panel

    p = study_panel(ds)
    m = p.to_matrix()
    assert not np.isnan(m.values).any()
    # Kazakh per-capita GRP 2008-2022, Russian 1998-2023: both sides have 2022, but East Kazakhstan
    # has no 2022 value on its 2019 boundaries, so the default gives up 2022 to keep it (reported)
    assert list(m.times) == list(range(2008, 2022))
    assert p.meta["span_trimmed"] == {2022: ["KZ-VOS"]}
    assert p.meta["dropped_regions"].empty
    assert "RU-AL" in m.regions and "KZ-VOS" in m.regions
    # asking for 2022 gets it, without East Kazakhstan (reported)
    p22 = study_panel(ds, years=(2008, 2022))
    assert p22.times[-1] == 2022 and list(p22.meta["dropped_regions"]["region"]) == ["KZ-VOS"]
    assert parse_years("2008-2019") == (2008, 2019)
    assert parse_years("2008,2010") == [2008, 2010]


def test_panel_from_matrix_keeps_the_array_and_refuses_repeated_labels():
    values = np.array([[1.0, np.nan], [3.0, 4.0]])
    p = cb.Panel.from_matrix(values, regions=["A", "B"], times=[2000, 2001])
    m = p.to_matrix()
    assert np.array_equal(m.values, values, equal_nan=True)
    assert len(p.frame) == 3          # the missing value is not a row
    assert p.select(regions=["B"]).to_matrix().values.tolist() == [[3.0, 4.0]]
    with pytest.raises(DataError, match="region label 'A' appears more than once"):
        cb.Panel.from_matrix(values, regions=["A", "A"])
    with pytest.raises(DataError, match="time label '2000' appears more than once"):
        cb.Panel.from_matrix(values, times=[2000, 2000])
