"""Metadata of the built-in datasets.

``resource_regions(ds)``: the documented default list of resource (oil, gas, mining) regions of a
dataset, one row per region with ``region``, ``resource`` and ``reason``; a robustness check leaves
them out with ``study_panel(..., exclude=list(resource_regions(ds)["region"]))``. A user's list
replaces it by passing other codes. The list of the built-in ``ru-kz`` is
``datasets/ru_kz/resource_regions.csv``: regions whose GRP is dominated by the extraction of oil, gas
or ore (Tyumen with its okrugs, Khanty-Mansi, Yamalo-Nenets, Nenets, Sakhalin; Atyrau, Mangystau,
West Kazakhstan, Aktobe, Kyzylorda). Part codes (``RU-KHM``) matter where a panel uses parts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ..dataset import Dataset

__all__ = ["resource_regions"]

_COLUMNS = ["region", "resource", "reason"]


def resource_regions(ds: Dataset | str = "ru-kz") -> pd.DataFrame:
    """The dataset's default resource regions (``region, resource, reason``); empty if it has none.

    ``ds``: a Dataset (its ``meta["resource_regions"]`` table) or the name of a built-in dataset."""
    if isinstance(ds, str):
        from ..dataset import load_dataset

        ds = load_dataset(ds)
    table = ds.meta.get("resource_regions")
    if table is None:
        return pd.DataFrame(columns=_COLUMNS)
    return pd.DataFrame(table)[_COLUMNS].reset_index(drop=True)
