"""Panel <-> xarray: the round trip keeps values, weights, groups, labels, indicator and unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossborder import DataError, Panel
from crossborder.measures.dispersion import sigma

xr = pytest.importorskip("xarray")


def _panel() -> Panel:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({
        "region": np.repeat(["A", "B", "C", "D"], 3),
        "year": np.tile([2001, 2002, 2003], 4),
        "value": rng.uniform(1, 9, 12),
        "pop": rng.uniform(1, 5, 12),
        "country": np.repeat(["X", "X", "Y", "Y"], 3),
    })
    df.loc[4, "value"] = np.nan        # B 2002 missing
    return Panel.from_long(df.dropna(), time="year", weight="pop", group="country",
                           indicator="gdp", unit="USD")


def test_to_xarray_holds_the_matrix_weights_groups_and_attrs() -> None:
    p = _panel()
    ds = p.to_xarray()
    assert ds["value"].dims == ("region", "year")
    np.testing.assert_array_equal(ds["value"].values, p.to_matrix().values)
    np.testing.assert_array_equal(ds["weight"].values, p.weight_matrix().values)
    assert list(ds["group"].values) == ["X", "X", "Y", "Y"]
    assert ds.attrs == {"indicator": "gdp", "unit": "USD"}
    assert np.isnan(ds["value"].sel(region="B", year=2002).item())
    assert ds["value"].sel(region="C", year=2003).item() == p.to_wide().loc["C", 2003]


def test_from_xarray_round_trip_gives_the_same_sigma() -> None:
    p = _panel()
    q = Panel.from_xarray(p.to_xarray())
    assert (q.indicator, q.unit, q.has_weight, q.has_group) == ("gdp", "USD", True, True)
    assert list(q.regions) == list(p.regions) and list(q.times) == list(p.times)
    a, b = sigma(p, weighted=True), sigma(q, weighted=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_series_equal(q.group_labels(), p.group_labels(), check_names=False)


def test_from_xarray_dataarray_with_its_own_dimension_names_and_order() -> None:
    da = xr.DataArray(np.array([[1.0, 3.0], [2.0, 4.0]]), dims=("year", "state"),
                      coords={"year": [2010, 2011], "state": ["S1", "S2"]}, name="v")
    p = Panel.from_xarray(da, region_dim="state", time_dim="year")
    assert list(p.regions) == ["S1", "S2"] and list(p.times) == [2010, 2011]
    assert p.to_wide().loc["S2", 2011] == 4.0 and p.to_wide().loc["S1", 2011] == 2.0


def test_from_xarray_refuses_what_is_not_a_panel() -> None:
    with pytest.raises(DataError, match="two dimensions"):
        Panel.from_xarray(xr.DataArray(np.arange(3.0), dims=("region",)))
    with pytest.raises(DataError, match="no variable 'gdp'"):
        Panel.from_xarray(_panel().to_xarray(), value="gdp")
    with pytest.raises(TypeError, match="DataArray or Dataset"):
        Panel.from_xarray(pd.DataFrame({"a": [1]}))
