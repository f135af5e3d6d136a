"""Source lines derived from the data drawn (issue 19, point 7): every source that supplies a drawn
value is credited with the years it supplies, and no other."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import crossborder as cb
from crossborder._mapstyle import credit_line, credit_name


def _toy() -> cb.Dataset:
    regions = gpd.GeoDataFrame(
        [{"region": r, "name": r, "country": c, "border": True,
          "analysis_unit": True, "part_of": None, "geometry_basis": "own",
          "geometry": shapely.box(i, 0, i + 1, 1)}
         for i, (r, c) in enumerate([("A1", "A"), ("A2", "A"), ("B1", "B"), ("B2", "B")])],
        crs=4326)
    rows = []
    for r in ("A1", "A2", "B1", "B2"):
        for y in range(2000, 2011):
            # the old compilation until 2004, the new release from 2005; B2 has a third source in 2010
            src = "OLD" if y < 2005 else ("EXTRA" if (r, y) == ("B2", 2010) else "NEW")
            rows.append({"region": r, "year": y, "indicator": "gdp", "value": 1.0 + y - 2000,
                         "unit": "USD", "source": src, "flag": ""})
    sources = pd.DataFrame({
        "source": ["OLD", "NEW", "EXTRA"],
        "citation": ["Office, \"Старый сборник\" (Old compilation), pages 1-10.",
                     "Office, \"Новый выпуск\" (New release 2005–2010), workbook x.xlsx.",
                     "Someone, A., Other, B. (2021). A paper. Journal 1."]})
    return cb.Dataset(regions=regions, observations=pd.DataFrame(rows), sources=sources, name="toy")


def test_credit_names_the_release_not_the_publisher_alone():
    assert credit_name('Office, "Новый выпуск" (New release 2005–2010), workbook x.') == \
        "Office, New release 2005–2010"
    assert credit_name('Office, "Title only", details') == "Office, Title only"
    assert credit_name("World Bank, World Development Indicators, PA.NUS.FCRF (rate), 2025.") == \
        "World Bank, World Development Indicators"
    assert credit_name("Someone, A., Other, B. (2021). A paper.") == "Someone et al. (2021)"
    assert credit_name("Agency (2022). Statistical Yearbook 2022 / other. Tables.") == \
        "Agency, Statistical Yearbook 2022"


def test_credit_line_lists_the_sources_of_the_years_drawn():
    ds = _toy()
    p = ds.panel("gdp", regions="all")
    line = credit_line(ds, p)
    assert line == ("Sources: Office, Old compilation (2000–2004); Office, New release 2005–2010 "
                    "(2005–2010); Someone et al. (2021) (2010).")
    late = p.select(times=[t for t in p.times if t >= 2006])
    line = credit_line(ds, late)
    assert "Old compilation" not in line and "New release 2005–2010 (2006–2010)" in line
    # the years argument cuts the same way; regions not drawn credit nothing
    assert credit_line(ds, p, years=(2006, 2009)) == \
        "Sources: Office, New release 2005–2010 (2006–2009)."
    no_b2 = p.select(regions=["A1", "A2", "B1"])
    assert "Someone" not in credit_line(ds, no_b2)


def test_credit_line_of_the_built_in_study_names_the_rosstat_release():
    from crossborder.study import study_panel

    ds = cb.load_dataset("ru-kz")
    p = study_panel(ds, currency="USD")
    line = credit_line(ds, p)
    # the panel's values: which sources supply them, computed here from the observations
    obs = ds.values(p.indicator)
    drawn = obs[obs["region"].isin(p.regions) & obs["year"].isin(p.times)]
    used = set(drawn["source"])
    assert "ROSSTAT_VRP_1998_2023" in used and "DOSE_V2_11" not in used
    assert "Rosstat, Gross regional product by federal subject, 1998–2023" in line
    ru = drawn[drawn["source"] == "ROSSTAT_VRP_1998_2023"]["year"]
    assert f"1998–2023 ({ru.min()}–{ru.max()})" in line
    assert "DOSE" not in line and "Wenz" not in line and "yearbook" not in line.lower()
    assert f"exchange rates: World Bank, World Development Indicators, vintage {p.meta['vintage']}" \
        in line
    real = study_panel(ds, currency="real")
    rline = credit_line(ds, real)
    assert "SDG" in rline and f"GRP per capita ({real.meta['base_year']})" in rline


def test_credit_line_without_a_dataset_uses_the_panel_meta():
    frame = pd.DataFrame({"region": np.repeat(["a", "b"], 3), "year": np.tile([1, 2, 3], 2),
                          "value": np.arange(1.0, 7.0)})
    p = cb.Panel.from_long(frame)
    p.meta["sources"] = ["S2;S1"]
    assert credit_line(None, p) == "Sources: S1 (1–3); S2 (1–3)."


def test_report_source_line_is_derived(monkeypatch):
    from crossborder.report import panels

    class Ctx:
        ds = _toy()

    p = Ctx.ds.panel("gdp", regions="all")
    assert panels.source_line(Ctx, p) == credit_line(Ctx.ds, p)
    with pytest.raises(AttributeError):
        panels.GRP_SOURCE  # noqa: B018 - the constant credit is gone


def test_credit_name_edge_cases():
    assert credit_name('Wikipedia contributors, "Some page", older revision.') == \
        'Wikipedia "Some page"'
    assert credit_name('Office, "Title."') == "Office, Title"
    assert credit_name("Office, Series; part (x), details") == "Office, Series"
    assert credit_name("Agency (2020).") == "Agency (2020)"
    assert credit_name("Someone et al. (2020). A paper. Journal.") == "Someone et al. (2020)"
    assert credit_name("Agency (2019). Yearbook 2019. Tables.") == "Agency, Yearbook 2019"
    assert credit_name("Agency") == "Agency"
    # cut to max_len with an ellipsis, the cut end stripped; exactly max_len is kept whole
    long = "Office, " + "A" * 30
    assert credit_name(long, max_len=20) == "Office, " + "A" * 11 + "\u2026"
    assert credit_name("Office, " + "A" * 12, max_len=20) == "Office, " + "A" * 12
    assert credit_name("Office, AAAAAAAAAA BBBBBBBBBB", max_len=20) == "Office, AAAAAAAAAA\u2026"
    assert credit_name("Agency (2019). " + "Y" * 30 + ". x", max_len=16) == "Agency, " + "Y" * 7 + \
        "\u2026"
    assert credit_name("Agency (2019). " + "Y" * 8 + ". x", max_len=16) == "Agency, " + "Y" * 8
    assert credit_name("Agency (2019). Yyyyyy Zzzzzzzzz. x", max_len=16) == "Agency, Yyyyyy\u2026"


def test_credit_line_years_rates_extra_and_listed_sources():
    from types import SimpleNamespace

    ds = _toy()
    p = ds.panel("gdp", regions="all")
    assert credit_line(ds, p, years=(1900, 1901)) == ""
    assert credit_line(ds, p, years=[2006, 2008]) == \
        "Sources: Office, New release 2005–2010 (2006–2008)."
    assert credit_line(ds, p, years=(2006, 2007, 2009)) == \
        "Sources: Office, New release 2005–2010 (2006–2009)."
    assert credit_line(ds, p, years=[2003]) == "Sources: Office, Old compilation (2003)."
    # the conversion's rates, named by the basis, with the vintage where there is one
    for basis, what in (("USD", "exchange rates"), ("PPP", "PPP factors"),
                        ("real", "PPP factors"), (None, "rates")):
        q = p.select(times=[2006])
        q.meta.update(rate_sources=["RATES_X"], currency_basis=basis, vintage="2025-07")
        assert credit_line(ds, q) == ("Sources: Office, New release 2005–2010 (2006); "
                                      f"{what}: RATES_X, vintage 2025-07.")
        q.meta["vintage"] = None
        assert credit_line(ds, q).endswith(f"{what}: RATES_X.")
    # extra parts once, empty ones dropped
    q = p.select(times=[2006])
    assert credit_line(ds, q, extra=("boundaries: NE", "", "boundaries: NE")) == \
        "Sources: Office, New release 2005–2010 (2006); boundaries: NE."
    # sources the panel's meta does not list are not credited; "A;B" names two sources
    q = p.select(times=[2009, 2010])
    q.meta["sources"] = ["EXTRA"]
    assert credit_line(ds, q) == "Sources: Someone et al. (2021) (2010)."
    obs = ds.observations.copy()
    obs.loc[(obs["region"] == "A1") & (obs["year"] == 2009), "source"] = "NEW;EXTRA"
    two = cb.Dataset(regions=ds.regions, observations=obs, sources=ds.sources, name="toy")
    q = two.panel("gdp", regions="all").select(times=[2009])
    assert credit_line(two, q) == ("Sources: Someone et al. (2021) (2009); "  # same year: by id
                                   "Office, New release 2005–2010 (2009).")
    # a panel without the indicator in its meta uses its own; a dataset without observations
    # falls back on the meta
    frame = p.frame.rename(columns={"time": "year"})
    bare = cb.Panel.from_long(frame[frame["year"] >= 2006], indicator="gdp")
    assert "indicator" not in bare.meta
    assert credit_line(ds, bare) == ("Sources: Office, New release 2005–2010 (2006–2010); "
                                     "Someone et al. (2021) (2010).")
    bare.meta["sources"] = ["NEW"]
    assert credit_line(SimpleNamespace(sources=ds.sources), bare) == \
        "Sources: Office, New release 2005–2010 (2006–2010)."
