"""Dataset: regions (with geometry), long observations and their sources; ``load_dataset``.

A Dataset holds facts, not derived numbers: one row per region, year and indicator, each with its
unit, source id and flags. ``Dataset.panel(indicator, ...)`` turns one indicator into a
:class:`~crossborder.panel.Panel`, converting currencies on request and reporting every row it
sets aside (in ``panel.meta["set_aside"]``).

Part/whole units: ``regions.part_of`` names the unit a region is part of (``RU-TYU-XAO`` is part of
``RU-TYU``, the Tyumen federal subject with its okrugs). Each observation's region code says which
unit a statistic means. ``analysis_unit`` marks one non-overlapping set of units that the default
panels use, so that no territory is counted twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._display import need_folium
from .currency import (
    DEFAULT_BASE_YEAR,
    REAL_INDICES,
    CurrencySpec,
    UserRates,
    carry_level,
    convert_with_user_rates,
    currency_of,
    fx_vintages,
    parse_currency,
    rate_table,
    real_growth,
    unit_label,
)
from .errors import DataError, UnitError
from .panel import Panel
from .validate import panel_unit

__all__ = ["Dataset", "load_dataset", "currency_of", "DEFAULT_EXCLUDE_FLAGS", "INDICATOR_ALIASES"]

#: Observations with these flags are left out of panels by default (and reported as set aside):
#: DOSE's Tyumen 1994–1996 per-capita values mix coverages, DOSE's 1994–1995 RUB/USD rates are suspect.
#: Kazakh real-growth index values whose boundaries (before or after the 2022 split) are not stated.
#: Flags whose rows a panel sets aside by default (reported in ``meta["set_aside"]``).
#: ``pre_tenge_rubles``: Kazakh values of 1990-92 in Soviet/Russian roubles, which Kazakhstan's
#: exchange rates and PPP factors (per tenge) cannot convert.
DEFAULT_EXCLUDE_FLAGS: tuple[str, ...] = ("okrug_coverage_unclear", "dose_fx_suspect",
                                          "boundary_basis_unclear", "pre_tenge_rubles")

#: Names that stand for one indicator per country, tried in order for each region and year.
INDICATOR_ALIASES: dict[str, tuple[str, ...]] = {
    # Russia: annual average (Rosstat; DOSE's vintage where Rosstat's series lacks the unit, e.g.
    # Tyumen with its okrugs); Kazakhstan: 1 January. The two differ by definition.
    "population": ("population_avg", "population_jan1", "population_dose"),
}

#: Indicators that add up over parts of a territory (a whole = the sum of its parts).
ADDITIVE_INDICATORS = {"population_avg", "population_jan1", "population_dose", "population_census",
                       "grp_lcu", "russian_population"}

REGION_SETS = ("all", "border", "interior")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Regions, observations and sources of one study area."""

    regions: gpd.GeoDataFrame
    observations: pd.DataFrame
    sources: pd.DataFrame
    name: str = "custom"
    cities: gpd.GeoDataFrame | None = None
    fx: pd.DataFrame | None = None
    historical_units: pd.DataFrame | None = None
    caveats: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # the regions and the cities know the dataset's sides: the border functions' defaults
        for frame in (self.regions, self.cities):
            if frame is not None and "sides" not in frame.attrs:
                try:
                    frame.attrs["sides"] = self.sides()
                except (DataError, KeyError):
                    pass

    # ------------------------------------------------------------------ overview
    def __repr__(self) -> str:
        n_border = int(self.regions["border"].sum()) if "border" in self.regions else 0
        return (f"Dataset({self.name!r}: {len(self.regions)} regions ({n_border} on the border), "
                f"{len(self.observations)} observations of {self.observations['indicator'].nunique()}"
                f" indicators, {len(self.sources)} sources)")

    def _repr_html_(self) -> str:
        """In a notebook: the one-line description and the indicators (first rows)."""
        import html

        return (f"<div><strong>{html.escape(repr(self))}</strong>"
                + self.indicators().to_html(max_rows=12, border=0) + "</div>")

    def explore(self, indicator: str | None = None, year: int | None = None, *,
                currency: str | None = None, weight: str | None = None, **kwargs: Any) -> Any:
        """An interactive map in a notebook (``GeoDataFrame.explore``, drawn by folium).

        Without ``indicator``: the regions coloured by country, the border regions outlined in the
        tooltip. With one: its value in ``year`` (default the last year with values), converted by
        ``currency`` as :meth:`panel` does (needed for a local-currency indicator of two
        countries). ``kwargs`` go to ``GeoDataFrame.explore`` (e.g. ``tiles=None``, ``cmap=``,
        ``m=`` to draw on an existing map). Needs folium (``pip install 'crossborder[explore]'``).
        """
        need_folium("Dataset.explore")
        base = self.base_regions
        keep = [c for c in ("region", "name", "country", "border") if c in base.columns]
        gdf = base[keep + ["geometry"]].to_crs(4326)
        if indicator is None:
            kwargs.setdefault("column", "country")
            kwargs.setdefault("tooltip", keep)
            return gdf.explore(**kwargs)
        panel = self.panel(indicator, currency=currency, weight=weight)
        if year is None:
            have = np.isfinite(panel.to_matrix(copy=False).values).any(axis=0)
            if not have.any():
                raise DataError(f"{indicator!r} has no value to map")
            year = panel.times[np.flatnonzero(have)[-1]]
        out = panel.to_geodataframe(year, regions=gdf, id_col="region")
        out = out.rename(columns={"value": panel.indicator})
        kwargs.setdefault("column", panel.indicator)
        kwargs.setdefault("tooltip", keep + [panel.indicator])
        kwargs.setdefault("legend_kwds", {"caption": f"{panel.indicator} ({panel.unit}), {year}"})
        return out.explore(**kwargs)

    def indicators(self) -> pd.DataFrame:
        """One row per indicator and country: units, years, number of regions and values."""
        obs = self.observations.merge(self.regions[["region", "country"]], on="region", how="left")
        if "unit" not in obs:
            obs["unit"] = None
        g = obs.groupby(["indicator", "country"], sort=True, dropna=False)
        return pd.DataFrame({
            "unit": g["unit"].agg(_units_text),
            "first_year": g["year"].min(),
            "last_year": g["year"].max(),
            "regions": g["region"].nunique(),
            "values": g.size(),
        }).reset_index()

    def coverage(self, regions: str | Sequence[str] = "all") -> pd.DataFrame:
        """Indicator x year table of the number of regions with a value."""
        codes = self.region_codes(regions)
        obs = self.observations[self.observations["region"].isin(codes)]
        return (obs.groupby(["indicator", "year"]).size().unstack("year", fill_value=0)
                .sort_index())

    # ------------------------------------------------------------------ regions
    def region_codes(self, which: str | Iterable[str] = "all") -> list[str]:
        """Codes of a set of regions.

        ``"all"``: the analysis units (non-overlapping); ``"border"``/``"interior"``: those on or off
        the border (after :meth:`with_border`, a unit without a polygon is in neither: listed in
        ``meta["border_unknown"]``); a country code (``"RU"``) or ``"border:RU"``: one country's;
        or a list of codes.
        """
        r = self.regions
        if isinstance(which, str):
            set_name, _, country = which.partition(":")
            if set_name in r["country"].unique() and not country:
                set_name, country = "all", set_name
            if set_name not in REGION_SETS:
                raise DataError(f"unknown region set {which!r}: use one of {REGION_SETS}, a "
                                "country code, 'border:XX' or a list of codes", column="region")
            mask = r["analysis_unit"].astype(bool)
            if set_name == "border":
                mask &= r["border"].astype(bool)
            elif set_name == "interior":
                mask &= ~r["border"].astype(bool)
            if set_name != "all" and "border_known" in r:
                # regions without a polygon are in neither set (Dataset.meta["border_unknown"])
                mask &= r["border_known"].astype(bool)
            if country:
                mask &= r["country"] == country
            return r.loc[mask, "region"].tolist()
        codes = list(which)
        unknown = sorted(set(codes) - set(r["region"]))
        if unknown:
            raise DataError(f"unknown region codes {unknown[:10]}", column="region")
        return codes

    def unit_of(self, codes: pd.Series) -> pd.Series:
        """The analysis unit each code belongs to: itself, or the whole it is part of
        (``RU-TYU-XAO`` -> ``RU-TYU``). Codes not in the regions table are kept as they are."""
        r = self.regions.set_index("region")
        whole = r["part_of"].where(~r["analysis_unit"].astype(bool)) if "part_of" in r else None
        if whole is None:
            return codes.copy()
        mapped = codes.map(whole.dropna())
        return mapped.where(mapped.notna(), codes)

    @property
    def border_regions(self) -> gpd.GeoDataFrame:
        """The regions on the border (one row per unit of analysis: Tyumen once, with its okrugs)."""
        return self.regions[self.regions["border"] & self.regions["analysis_unit"]]

    @cached_property
    def base_regions(self) -> gpd.GeoDataFrame:
        """Units with a polygon of their own: a non-overlapping coverage for border geometry.
        ``attrs["sides"]`` holds :meth:`sides` (the border functions' default sides)."""
        r = self.regions
        out = r[r["geometry_basis"] == "own"].reset_index(drop=True)
        try:
            out.attrs["sides"] = self.sides()
        except (DataError, KeyError):
            pass
        return out

    def border(self, tolerance_m: float | str = "auto") -> Any:
        """The one border computation of this dataset (a
        :class:`crossborder.border.geometry.Border`, cached per tolerance): every command and
        the report read it."""
        from .border.shared import dataset_border

        return dataset_border(self, tolerance_m)

    def sides(self, group_col: str = "country") -> tuple[str, str]:
        """The two groups (countries) on either side of the border: ("RU", "KZ") for ru-kz, the
        pair in ``meta["sides"]`` where the dataset declares one, else the only two countries."""
        if self.name == "ru-kz":
            return ("RU", "KZ")
        declared = self.meta.get("sides")
        if declared is not None and group_col == "country":
            return (str(declared[0]), str(declared[1]))
        groups = sorted(pd.unique(self.regions.loc[self.regions["analysis_unit"], group_col].dropna()))
        if len(groups) != 2:
            raise DataError(f"a border needs exactly two groups in {group_col!r}, found {groups}",
                            column=group_col)
        return (str(groups[0]), str(groups[1]))

    def with_units(self, unit: str | None = None, fx: UserRates | None = None,
                   deflator: UserRates | None = None,
                   indicators: Iterable[str] | None = None) -> Dataset:
        """A copy whose panels of ``indicators`` (default: every indicator) are in one declared unit.

        ``unit``: the user's statement that every value is in this unit (blank units are filled;
        a different unit in the data is an error). ``fx``: exchange rates to a common unit
        (:func:`crossborder.currency.user_rates`, ``country, year, rate`` = local units per common
        unit); ``deflator``: price indices (``country, year, index``, 100 in the base year). See
        :func:`crossborder.currency.convert_with_user_rates` for the formulas. Panels built without
        ``currency=`` use them; their unit and ``meta["conversion"]`` name the tables' sources."""
        if unit is not None and fx is not None:
            raise UnitError("a stated unit and exchange rates exclude each other: the rates give "
                            "the unit", column="unit")
        if unit is not None and not str(unit).strip():
            raise UnitError("the stated unit is blank", column="unit")
        decl = {"unit": None if unit is None else str(unit).strip(), "fx": fx,
                "deflator": deflator,
                "indicators": None if indicators is None else set(map(str, indicators))}
        return replace(self, meta={**self.meta, "units": decl})

    def _declared(self, indicator: str) -> dict[str, Any]:
        decl = self.meta.get("units") or {}
        wanted = decl.get("indicators")
        if not decl or (wanted is not None and indicator not in wanted):
            return {}
        return decl

    def with_border(self, group_col: str = "country", contacts: tuple[str, ...] = ("edge", "point"),
                    tolerance_m: float | str = "auto") -> Dataset:
        """A copy whose ``border`` flags come from the polygons: the analysis units that touch a
        region of the other side within the tolerance (a part touching it flags its whole; see
        :func:`crossborder.border.geometry.find_border`, the dataset's one border)."""
        from .border.shared import dataset_border

        touching = dataset_border(self, tolerance_m, group_col).regions(contacts)
        r = self.regions.copy()
        part_of = r.set_index("region")["part_of"] if "part_of" in r else pd.Series(dtype=object)
        codes = set(touching["region"])
        wholes = {part_of.get(c) for c in codes if isinstance(part_of.get(c), str)}
        r["border"] = r["analysis_unit"] & r["region"].isin(codes | wholes)
        r["border_part"] = ~r["analysis_unit"] & r["region"].isin(codes)
        # a unit with no polygon (own or of its parts) is neither border nor interior: unknown
        no_polygon = (r["geometry_basis"] == "none") if "geometry_basis" in r else r.geometry.isna()
        unknown = r["analysis_unit"].astype(bool) & no_polygon.to_numpy() & ~r["border"]
        r["border_known"] = ~unknown.to_numpy()
        aside = pd.DataFrame({"region": r.loc[unknown, "region"].to_numpy(dtype=object),
                              "reason": "no polygon: cannot tell border from interior"})
        out = replace(self, regions=r, meta={**self.meta, "border_from": "geometry",
                                              "border_unknown": aside})
        # the same polygons: the border computed for the flags is the border of the copy too
        out.__dict__["_border_cache"] = self.__dict__.setdefault("_border_cache", {})
        return out

    # ------------------------------------------------------------------ panels
    def values(self, indicator: str) -> pd.DataFrame:
        """Observations of one indicator (or alias such as ``population``), one row per region-year.

        Built once per indicator and dataset (a report asks for the population many times); each
        call returns its own (copy-on-write) frame. A Dataset is immutable: ``replace()`` it
        rather than editing ``observations`` in place.
        """
        cache = self.__dict__.setdefault("_values_cache", {})
        if indicator not in cache:
            cache[indicator] = self._values(indicator)
        return cache[indicator].copy(deep=False)

    def _values(self, indicator: str) -> pd.DataFrame:
        obs = self.observations
        names = (indicator,) if (obs["indicator"] == indicator).any() else INDICATOR_ALIASES.get(
            indicator, (indicator,))
        parts = [self._with_sums_of_parts(obs[obs["indicator"] == n]) for n in names]
        if not any(len(p) for p in parts):
            present = set(obs["indicator"])
            known = sorted(present | {a for a, names in INDICATOR_ALIASES.items() if present & set(names)})
            raise DataError(f"no indicator {indicator!r} in dataset {self.name!r}; known: {known}",
                            column="indicator")
        out = pd.concat(parts, ignore_index=True)
        return out.drop_duplicates(["region", "year"], keep="first").reset_index(drop=True)

    def _with_sums_of_parts(self, obs: pd.DataFrame) -> pd.DataFrame:
        """Add, for an additive indicator, a whole's value as the sum of its parts where the whole
        has none in a year and every part has one (flag ``sum_of_parts``).

        Tyumen with its okrugs has Rosstat population only as its three parts, for example.
        """
        if obs.empty or obs["indicator"].iloc[0] not in ADDITIVE_INDICATORS:
            return obs
        members = self.regions.dropna(subset=["part_of"])[["region", "part_of"]]
        if members.empty:
            return obs
        n_parts = members.groupby("part_of").size()
        x = obs.merge(members, on="region")
        g = x.groupby(["part_of", "year", "unit"], as_index=False).agg(
            value=("value", "sum"), n=("region", "size"),
            source=("source", lambda s: ";".join(sorted(set(s)))))
        g = g[g["n"] == g["part_of"].map(n_parts)]
        have = pd.MultiIndex.from_frame(obs[["region", "year"]])
        g = g[~pd.MultiIndex.from_arrays([g["part_of"], g["year"]]).isin(have)]
        if g.empty:
            return obs
        sums = pd.DataFrame({"region": g["part_of"], "year": g["year"],
                             "indicator": obs["indicator"].iloc[0], "value": g["value"],
                             "unit": g["unit"], "source": g["source"], "flag": "sum_of_parts"})
        return pd.concat([obs, sums], ignore_index=True)

    def panel(
        self,
        indicator: str,
        weight: str | None = None,
        group: str | None = "country",
        regions: str | Iterable[str] = "all",
        years: tuple[int, int] | Sequence[int] | None = None,
        currency: str | None = None,
        exclude_flags: Iterable[str] = DEFAULT_EXCLUDE_FLAGS,
        base_year: int | None = None,
        pooled: bool = True,
    ) -> Panel:
        """One indicator as a Panel of regions x years.

        ``weight``: an indicator (or alias, e.g. ``"population"``) used as weight role.
        ``group``: a column of ``regions`` (default the country). ``regions``: see
        :meth:`region_codes`. ``years``: ``(first, last)`` inclusive or a list.
        ``currency`` (see :mod:`crossborder.currency`): ``"USD"`` converts local-currency values at
        the annual average exchange rate, ``"PPP"`` at the PPP conversion factor (``fx`` table), each
        of its newest vintage; ``"USD:2018-11"`` / ``"PPP:2023-06"`` name an older vintage
        (:meth:`fx_vintages` lists them); ``"real"`` gives constant prices: the ``base_year`` level
        at PPP carried by the real growth indices (default base year
        :data:`crossborder.currency.DEFAULT_BASE_YEAR`). Values without a rate are set aside.
        ``meta`` names ``currency_basis``, ``vintage`` (and ``icp_basis``, ``base_year``).
        Mixing currencies without a conversion raises :class:`UnitError`, and so do values of two
        countries without a known common unit (:func:`crossborder.validate.panel_unit`; the ways
        out: a unit column, :meth:`with_units`, a conversion). ``pooled=False``: the values will be
        compared within each country only (e.g. beta with country dummies, which absorb the scale),
        so each country needs one unit but the countries' units may differ.
        Rows left out (flags, no rate, no weight) are listed in ``panel.meta["set_aside"]``.
        """
        codes = self.region_codes(regions)
        spec = parse_currency(currency) if currency is not None else None
        if base_year is not None and (spec is None or spec.basis != "real"):
            raise UnitError("base_year applies to currency='real' only", column="currency")
        set_aside: list[pd.DataFrame] = []
        flags = set(exclude_flags)
        conv: dict[str, Any] = {}
        if spec is not None and spec.basis == "real":
            obs, unit, conv = self._real_values(indicator, codes, spec, base_year, flags, set_aside)
            if years is not None:
                obs = obs[_year_mask(obs["year"], years)]
        else:
            obs = self.values(indicator)
            obs = obs[obs["region"].isin(codes)]
            if years is not None:
                obs = obs[_year_mask(obs["year"], years)]
            obs = _drop_flagged(obs, flags, set_aside)

            obs = obs.merge(self.regions[["region", "country"]], on="region", how="left")
            obs["currency"] = obs["unit"].map(currency_of)
            unit = None
            if spec is None:
                # without a conversion, one known unit (notes in parentheses aside); the user's
                # declared unit or own rates first
                decl = self._declared(indicator)
                notes: dict[str, str] = {}
                if decl.get("fx") is not None or decl.get("deflator") is not None:
                    obs, notes = convert_with_user_rates(obs, decl.get("fx"), decl.get("deflator"))
                    if "unit" in notes:
                        obs["unit"] = notes["unit"]
                    conv["user_rates"] = {k: decl[k].source for k in ("fx", "deflator")
                                          if decl.get(k) is not None}
                    conv["rate_sources"] = sorted(conv["user_rates"].values())
                unit = panel_unit(obs, indicator, pooled=pooled, stated=decl.get("unit"))
                if "prices" in notes:
                    unit = f"{unit or 'each country’s own unit'} at {notes['prices']}"
        if spec is not None and spec.basis != "real":
            obs, unit, dropped, conv = self._convert(obs, spec)
            if len(dropped):
                set_aside.append(dropped)

        frame = obs[["region", "year", "value"]].copy()
        if weight is not None:
            w = self.values(weight)[["region", "year", "value"]].rename(columns={"value": "weight"})
            frame = frame.merge(w, on=["region", "year"], how="left")
            no_w = frame["weight"].isna()
            if no_w.any():
                set_aside.append(_aside(frame[no_w], f"no {weight} weight"))
                frame = frame[~no_w]
        if group is not None:
            if group not in self.regions:
                raise DataError(f"no region column {group!r} to group by", column=group)
            frame = frame.merge(self.regions[["region", group]], on="region", how="left")
        p = Panel.from_long(
            frame, region="region", time="year", value="value",
            weight="weight" if weight is not None else None,
            group=group, indicator=indicator, unit=unit,
        )
        if weight is not None:
            p = replace(p, weight_name=weight)
        p.meta.update({
            "dataset": self.name,
            "indicator": indicator,
            "weight": weight,
            "currency": currency,
            "repairs": [],
            "currency_basis": spec.basis if spec is not None else None,
            "vintage": conv.get("vintage"),
            **{k: v for k, v in conv.items() if k != "vintage"},
            "sources": sorted(set(pd.unique(obs["source"].astype(str))) | set(conv.get("rate_sources", []))),
            "set_aside": (pd.concat(set_aside, ignore_index=True) if set_aside
                          else _aside(obs.iloc[:0], "")),
            "polygons": self.regions,  # for Panel.to_geodataframe
        })
        return p

    def fx_vintages(self) -> pd.DataFrame:
        """The exchange-rate and PPP vintages of ``fx`` (rate, vintage, ICP basis, years, sources,
        newest = the default); spell one as ``currency="PPP:<vintage>"``."""
        return fx_vintages(self.fx)

    def _convert(self, obs: pd.DataFrame, spec: CurrencySpec
                 ) -> tuple[pd.DataFrame, str, pd.DataFrame, dict[str, Any]]:
        """Local-currency values to USD (exchange rate) or international dollars (PPP) of one vintage."""
        foreign = _foreign_currency(obs, spec.basis)
        rates, vintage, icp = rate_table(self.fx, spec, exclude_flags=("dose_fx_suspect",))
        col = spec.rate_column
        rate = obs.merge(rates, on=["country", "year"], how="left")["rate"]
        rate.index = obs.index
        already = obs["currency"] == spec.basis
        scale = obs["unit"].map(_unit_scale)
        converted = obs.copy()
        converted["value"] = np.where(already, obs["value"], obs["value"] * scale / rate)
        ok = already | (rate.notna() & ~foreign)
        dropped = pd.concat([
            _aside(obs[foreign & ~already], "not in the country's own currency: its rates do not "
                   "convert this unit"),
            _aside(obs[~ok & ~foreign], f"no {col} rate (vintage {vintage}) for the country and "
                   "year")], ignore_index=True)
        used = rates.merge(obs[ok & ~already][["country", "year"]].drop_duplicates(), on=["country", "year"])
        conv = {"vintage": vintage, "icp_basis": icp if spec.basis == "PPP" else None,
                "rate_sources": sorted(pd.unique(used["source"].dropna().astype(str)))}
        return converted[ok], unit_label(spec, vintage, icp), dropped, conv

    def _real_values(self, indicator: str, codes: list[str], spec: CurrencySpec, base_year: int | None,
                     flags: set[str], set_aside: list[pd.DataFrame]
                     ) -> tuple[pd.DataFrame, str, dict[str, Any]]:
        """Constant-price values: base-year level at PPP times the chained real growth index
        (see :mod:`crossborder.currency`); years the indices do not link to the base year, and
        regions without a base-year level, are set aside."""
        table = {**REAL_INDICES, **self.meta.get("real_indices", {})}
        if indicator not in table:
            raise UnitError(f"no real growth index is known for {indicator!r}; real basis for: "
                            f"{sorted(table)}", column="currency")
        b = DEFAULT_BASE_YEAR if base_year is None else int(base_year)
        obs = self.values(indicator)
        obs = _drop_flagged(obs[obs["region"].isin(codes)], flags, set_aside)
        obs = obs.merge(self.regions[["region", "country"]], on="region", how="left")
        obs["currency"] = obs["unit"].map(currency_of)
        level = obs[obs["year"] == b]
        level, _, no_rate, conv = self._convert(level, CurrencySpec("PPP", spec.vintage))
        if len(no_rate):
            set_aside.append(no_rate)
        known = set(self.observations["indicator"].unique())
        indices = []
        for ix in table[indicator]:
            if ix.indicator not in known:
                continue
            rows = self.values(ix.indicator)
            rows = _drop_flagged(rows[rows["region"].isin(codes)], flags, set_aside)
            indices.append((ix, rows))
        divisors = {ix.per_capita_from for ix, _ in indices if ix.per_capita_from}
        divisor = self.values(divisors.pop()) if divisors else None
        growth = real_growth(indices, divisor)
        real = carry_level(level[["region", "value"]], growth, b)
        base_src = level.set_index("region")["source"].astype(str)
        index_src = (pd.concat([r[["region", "year", "indicator", "source"]] for _, r in indices])
                     if indices else pd.DataFrame(columns=["region", "year", "indicator", "source"]))
        src = index_src.groupby("region")["source"].agg(lambda s: ";".join(sorted(set(s.astype(str)))))
        real["source"] = [";".join(sorted({base_src.get(r, ""), *src.get(r, "").split(";")} - {""}))
                          for r in real["region"]]
        real["flag"] = ""
        real["unit"] = ""
        real = real.merge(self.regions[["region", "country"]], on="region", how="left")
        have = pd.MultiIndex.from_frame(real[["region", "year"]])
        missed = obs[~pd.MultiIndex.from_frame(obs[["region", "year"]]).isin(have)]
        no_level = missed["region"].isin(set(obs["region"]) - set(level["region"]))
        if no_level.any():
            set_aside.append(_aside(missed[no_level], f"no base-year ({b}) level at PPP"))
        if (~no_level).any():
            set_aside.append(_aside(missed[~no_level], f"no real growth index links the year to {b}"))
        used = real[real["index"] != "base-year level"].groupby("region")["index"].agg(
            lambda s: "; ".join(sorted(set(s))))
        conv = {**conv, "icp_basis": conv.get("icp_basis"), "base_year": b,
                "real_index": used.to_dict()}
        return real.drop(columns="index"), unit_label(spec, conv["vintage"], conv["icp_basis"] or "", b), conv

    # ------------------------------------------------------------------ sources
    def sources_of(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The source rows behind a table with a ``source`` column (or a panel's meta)."""
        ids = set(frame["source"].astype(str))
        return self.sources[self.sources["source"].isin(ids)]


def _units_text(s: pd.Series) -> str | None:
    """The distinct units of a column as 'a; b' (None when no row has a unit)."""
    units = sorted({str(u) for u in s.dropna() if str(u).strip()})
    return "; ".join(units) if units else None


def _drop_flagged(obs: pd.DataFrame, flags: set[str], set_aside: list[pd.DataFrame]) -> pd.DataFrame:
    """Rows carrying one of ``flags`` go to ``set_aside`` (reported); the rest is returned."""
    if not flags or obs.empty:
        return obs
    has_flag = obs["flag"].fillna("").astype(str).str.split(";").map(lambda f: bool(flags & set(f)))
    if has_flag.any():
        set_aside.append(_aside(obs[has_flag], "flag excluded: " + "/".join(sorted(flags))))
    return obs[~has_flag]


def _year_mask(year: pd.Series, years: tuple[int, int] | Sequence[int]) -> pd.Series:
    ys = list(years)
    if isinstance(years, tuple) and len(ys) == 2:
        return (year >= ys[0]) & (year <= ys[1])
    return year.isin(ys)


def _aside(rows: pd.DataFrame, reason: str) -> pd.DataFrame:
    cols = [c for c in ("region", "year", "value") if c in rows.columns]
    out = rows[cols].copy()
    out["reason"] = reason
    return out.reset_index(drop=True)


def _unit_scale(unit: Any) -> float:
    """Multiplier from the unit's prefix: 'million RUB' -> 1e6, 'thousand persons' -> 1e3."""
    u = str(unit).lower()
    if u.startswith("billion"):
        return 1e9
    if u.startswith("million"):
        return 1e6
    if u.startswith("thousand"):
        return 1e3
    return 1.0


def _foreign_currency(obs: pd.DataFrame, target: str) -> pd.Series:
    """True for values that are not in their country's own currency (the one most of its values
    to convert are in): the country's exchange rates do not convert them, so they are set aside
    (Kazakh GRP in roubles before the tenge, for example). A unit that names no currency is an
    error: it cannot be converted at all."""
    local = obs["currency"] != target
    no_code = local & obs["currency"].isna()
    if no_code.any():
        raise UnitError(f"cannot convert {str(obs['unit'][no_code].iloc[0])!r} to {target}: the "
                        "unit names no currency", column="unit")
    own = (obs[local].groupby("country", dropna=False)["currency"]
           .agg(lambda c: c.value_counts().sort_index().idxmax()))
    return local & (obs["currency"] != obs["country"].map(own))


# ---------------------------------------------------------------------- loading
def load_dataset(name: str = "ru-kz") -> Dataset:
    """A built-in dataset.

    Parameters
    ----------
    name : str, default "ru-kz"
        ``"ru-kz"``: the Russia–Kazakhstan border area (12 Russian and 7 Kazakh regions, their
        statistics with sources, polygons, cities and exchange rates).

    Returns
    -------
    Dataset
        ``regions`` (GeoDataFrame), ``observations`` (long), ``sources``, ``cities``, ``fx``.

    Notes
    -----
    Every value carries its source (``ds.sources``: source, citation, where found, licence); the
    licences are listed in the README's "Data and licences".

    References
    ----------
    Stepanov, A., Burnasov, A., Ilyushkina, M. & Kovalev, Yu. (2020). Hidden geographical
    opportunities for convergence of Russian-Kazakh border area. Dela 53: 97-110.

    Examples
    --------
    >>> import crossborder as cb
    >>> ds = cb.load_dataset("ru-kz")
    >>> sorted(ds.regions["country"].unique())
    ['KZ', 'RU']
    """
    key = name.lower().replace("_", "-")
    if key != "ru-kz":
        raise DataError(f"no built-in dataset {name!r}; built-in: ['ru-kz']")
    return _load_ru_kz()


def _package_file(name: str) -> Any:
    return resources.files("crossborder").joinpath("datasets", "ru_kz", name)


def _read_csv(name: str, **kw: Any) -> pd.DataFrame:
    with _package_file(name).open("rb") as fh:
        return pd.read_csv(fh, **kw)


def _load_ru_kz() -> Dataset:
    regions = _read_csv("regions.csv", dtype={"region": str})
    regions["border"] = regions["border"].astype(str).str.lower().eq("true")
    parts = _read_csv("parts.csv")
    regions["part_of"] = regions["region"].map(dict(zip(parts["part"], parts["whole"], strict=True)))
    wholes = set(parts["whole"])
    ru_wholes = {w for w in wholes if w.startswith("RU-")}
    # analysis units: Russia counts federal subjects (wholes); Kazakhstan its 2019 oblasts and cities
    is_ru = regions["country"] == "RU"
    regions["analysis_unit"] = np.where(
        is_ru, regions["part_of"].isna() | ~regions["part_of"].isin(ru_wholes),
        ~regions["region"].isin(wholes - ru_wholes))
    # Tyumen is one border region (RU-TYU, with its okrugs); its southern part keeps the flag
    # ``border_part`` because it is the polygon that touches the border
    regions["border_part"] = regions["border"] & regions["part_of"].notna()
    regions["border"] = regions["border"] & regions["analysis_unit"]
    regions = _attach_geometry(regions)

    obs = _read_csv("observations.csv", dtype={"region": str, "flag": str, "source": str})
    obs["flag"] = obs["flag"].fillna("")
    sources = pd.concat([_read_csv("sources.csv").rename(columns={"license": "licence"}),
                         _read_csv("geo_sources.csv")], ignore_index=True)
    fx = _read_csv("fx.csv")
    hist = _read_csv("historical_units.csv")
    cities = _load_cities()
    caveats = _ru_kz_caveats(regions, obs)
    return Dataset(regions=regions, observations=obs, sources=sources, name="ru-kz", cities=cities,
                   fx=fx, historical_units=hist, caveats=tuple(caveats),
                   meta={"table1": "table1_as_printed.csv", "input_hash": _hash_package_files(),
                         "resource_regions": _read_csv("resource_regions.csv"),
                         "observations_not_used": _read_csv("observations_not_used.csv",
                                                            dtype={"flag": str, "source": str}),
                         "national": _read_csv("national.csv"),
                         "grp_release": "ROSSTAT_VRP_1998_2023",
                         "geometry_source": "NATURAL_EARTH_ADMIN1", "cities_source": "GEONAMES_CITIES",
                         # the length the paper gives; the bundled (generalised) polygons give less
                         "reference_border_km": (7512.0, "Stepanov et al. 2020")})


def _hash_package_files() -> str:
    """SHA-256 over the bundled files (sorted by name): identifies the input of every result."""
    h = hashlib.sha256()
    folder = resources.files("crossborder").joinpath("datasets", "ru_kz")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith((".csv", ".geojson")):
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    return h.hexdigest()


def _attach_geometry(regions: pd.DataFrame) -> gpd.GeoDataFrame:
    """Polygons from the bundled file; wholes without a polygon get the union of their parts."""
    geo_file = _package_file("regions_geometry.geojson")
    if geo_file.is_file():
        with geo_file.open("rb") as fh:
            shapes = gpd.read_file(fh)
        own = dict(zip(shapes["region"], shapes.geometry, strict=True))
    else:
        own = {}
    geoms, basis = [], []
    for code in regions["region"]:
        if code in own:
            geoms.append(own[code])
            basis.append("own")
            continue
        members = regions.loc[regions["part_of"] == code, "region"]
        member_geoms = [own[m] for m in members if m in own]
        if len(members) and len(member_geoms) == len(members):
            geoms.append(shapely.union_all(member_geoms))
            basis.append("union of parts")
        else:
            geoms.append(None)
            basis.append("none")
    regions = regions.copy()
    regions["geometry_basis"] = basis
    return gpd.GeoDataFrame(regions, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"))


def _load_cities() -> gpd.GeoDataFrame | None:
    f = _package_file("cities.csv")
    if not f.is_file():
        return None
    with f.open("rb") as fh:
        cities = pd.read_csv(fh, dtype={"region": str})
    return gpd.GeoDataFrame(cities, geometry=gpd.points_from_xy(cities["lon"], cities["lat"]),
                            crs="EPSG:4326")


def _ru_kz_caveats(regions: pd.DataFrame, obs: pd.DataFrame) -> list[str]:
    """Data caveats a user of the built-in dataset must know, with the counts behind them."""
    flags = obs["flag"].str.split(";").explode()
    n = flags.value_counts()
    out = [
        "RU-TYU is the Tyumen federal subject including the Khanty-Mansi and Yamalo-Nenets okrugs "
        f"({int(n.get('includes_okrugs', 0))} values flagged includes_okrugs), as in the paper's "
        "Table 1; its geometry here is the union of the oblast and the okrugs. RU-TYU-XAO is the "
        "southern part without them, the polygon that actually touches Kazakhstan.",
        "Population differs by definition across the border: Russia annual average "
        "(population_avg), Kazakhstan 1 January (population_jan1).",
        f"DOSE's Tyumen 1994–1996 values have unclear okrug coverage "
        f"({int(n.get('okrug_coverage_unclear', 0))} values) and DOSE's 1994–1995 RUB/USD rates "
        f"look wrong ({int(n.get('dose_fx_suspect', 0))} values): both left out of panels by default.",
        "Russian GRP and GRP per capita 1998–2023 come from one Rosstat release "
        "(ROSSTAT_VRP_1998_2023): 1998–2010 equal to DOSE's values to rounding, 2011 on the revised "
        "vintage (population after the 2020/21 census), from 2016 Rosstat's new method "
        f"({int(n.get('rosstat_method_2016', 0))} values flagged rosstat_method_2016), 2022–2023 "
        f"preliminary ({int(n.get('preliminary', 0))} values). The rows of the first compilation it "
        "replaces (DOSE 1998–2019, yearbooks 2020–2021) are kept in observations_not_used.csv; "
        "DOSE's 1994–1996 values stay (the release starts in 1998).",
        "Exchange rates and PPP factors: WDI vintages (fx.csv, Dataset.fx_vintages()). Default: the "
        "newest (exchange rates WDI 2025-07; PPP WDI 2026-03, ICP 2021 basis); 'PPP:2023-06' is the "
        "ICP 2017 basis of the first compilation.",
        "Real basis: Russia chains the per-capita volume index (2005 on) and before 2005 the GRP "
        "volume index divided by population growth; Kazakhstan rebases its real GRP per capita index "
        "(% of 2005, 2010–2023; values flagged boundary_basis_unclear, East Kazakhstan, Almaty Region "
        "and Karaganda 2021–2023, are left out by default).",
        "Kazakh per-capita GRP is official from 2008 only; DOSE's Kazakh per-capita values before "
        "2015 were left out by the compiler because DOSE's Kazakh population is scrambled.",
        "East Kazakhstan, Almaty Region and Karaganda are on 2019 boundaries: values published on "
        "the 2022 boundaries (Abai, Zhetisu, Ulytau split off) are not included.",
        "Unemployment: Russia 2019–2020 from a secondary source (Wikipedia, attributed to Rosstat), "
        "missing for the Siberian border regions except Omsk; Kazakhstan changed to the 19th ICLS "
        "standard in 2015.",
        f"Ethnic composition comes only from secondary sources "
        f"({int(n.get('secondary_source', 0))} values flagged secondary_source).",
    ]
    no_geom = regions.loc[regions["geometry_basis"] == "none", "region"].tolist()
    if no_geom:
        out.append(f"No polygon for {len(no_geom)} regions: {', '.join(no_geom)}.")
    return out
