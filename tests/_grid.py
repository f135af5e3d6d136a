"""A border from files alone, for the report's tests: a grid of squares split between two
countries, its polygons as GeoJSON and its statistics as a long CSV."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box


def write_grid(folder, years, *, nx=6, ny=4, split=3, gap=0, population=True, unit=True,
               names=None, indicator="gdp_pc", source=None):
    """nx x ny squares of 1 degree near the equator: columns < split are country A, the others B
    (shifted east by ``gap`` degrees). Values grow at a rate falling with the column."""
    rows, data = [], []
    rng = np.random.default_rng(7)
    for i in range(nx):
        for j in range(ny):
            c = "A" if i < split else "B"
            code = f"{c}-{i}{j}"
            x = i + (gap if c == "B" else 0)
            rows.append({"region": code, "name": (names or {}).get(code, f"cell {i},{j}"), "country": c,
                         "geometry": box(x, j, x + 1, j + 1)})
            start = 1000.0 * (1 + i) * (1 + 0.1 * j)
            growth = 0.06 - 0.008 * i + rng.normal(0, 0.002)
            for y in years:
                row = {"region": code, "year": y, "indicator": indicator,
                       "value": round(start * np.exp(growth * (y - years[0])), 3)}
                if unit:
                    row["unit"] = "EUR"
                if source:
                    row["source"] = source
                data.append(row)
                if population:
                    row = {"region": code, "year": y, "indicator": "population",
                           "value": 10000 + 100 * i + j}
                    if unit:
                        row["unit"] = "persons"
                    if source:
                        row["source"] = source
                    data.append(row)
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(folder / "regions.geojson", driver="GeoJSON")
    pd.DataFrame(data).to_csv(folder / "data.csv", index=False)
    return folder / "regions.geojson", folder / "data.csv"
