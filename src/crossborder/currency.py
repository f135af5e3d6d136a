"""Currency bases of money panels: nominal USD, PPP (one WDI vintage), real (constant prices).

A basis is spelled ``BASIS[:VINTAGE]`` (basis case-insensitive):

- ``"USD"``: local currency / exchange rate (LCU per USD, annual average), newest vintage;
  ``"USD:2018-11"`` an older exchange-rate vintage.
- ``"PPP"``: local currency / PPP conversion factor (LCU per international $), newest vintage;
  ``"PPP:2023-06"`` an older one (for ru-kz the ICP 2017 basis of the first compilation).
- ``"real"``: constant prices. The level of the base year at PPP (newest vintage; ``"real:2023-06"``
  takes the base-year PPP of that vintage) carried to the other years by real growth indices:
  ``real(r, t) = x(r, b) / PPP(c, b) * I(r, t) / I(r, b)`` with ``I`` the chained real index of the
  region (see :func:`real_growth`). The base year ``b`` is an argument (``base_year``).

The exchange-rate table (``Dataset.fx``) has the columns ``country, year, lcu_per_usd,
ppp_lcu_per_intl_dollar`` and optionally ``vintage`` (one row per country, year and vintage; a vintage
may fill only one of the two rate columns), ``basis`` (e.g. ``"ICP 2021"``), ``source`` and ``flag``.
The newest vintage of a rate is the latest vintage spelled as a date (``YYYY`` or ``YYYY-MM``) that
has a value of that rate; other vintage names (``"dose-v2.11"``) are selectable but never the default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DataError, UnitError

__all__ = ["BASES", "CurrencySpec", "RealIndex", "REAL_INDICES", "DEFAULT_BASE_YEAR", "parse_currency",
           "fx_vintages", "rate_table", "currency_of", "CURRENCIES", "unit_label", "chain_index",
           "real_growth", "carry_level", "UserRates", "user_rates", "convert_with_user_rates"]

BASES = ("USD", "PPP", "real")
#: column of ``fx`` each nominal basis divides by
RATE_COLUMN = {"USD": "lcu_per_usd", "PPP": "ppp_lcu_per_intl_dollar"}
#: base year of the real basis unless the caller names one: a year both sides of ru-kz have (Kazakh
#: real index 2010-2023; Tyumen without okrugs from 2011) and an ICP benchmark year
DEFAULT_BASE_YEAR = 2011
_DATE_VINTAGE = re.compile(r"^\d{4}(-\d{2})?$")


@dataclass(frozen=True)
class CurrencySpec:
    """A parsed currency basis: ``basis`` in ``BASES`` and ``vintage`` (None = newest)."""

    basis: str
    vintage: str | None = None

    @property
    def rate_column(self) -> str:
        return RATE_COLUMN["PPP" if self.basis == "real" else self.basis]

    def __str__(self) -> str:
        return self.basis + (f":{self.vintage}" if self.vintage else "")


def parse_currency(text: str) -> CurrencySpec:
    """'USD' / 'PPP:2023-06' / 'real' -> CurrencySpec; anything else is a :class:`UnitError`."""
    if not isinstance(text, str) or not text.strip():
        raise UnitError("currency must be a text such as 'USD', 'PPP', 'PPP:2023-06' or 'real', "
                        f"not {text!r}")
    head, _, vintage = text.strip().partition(":")
    basis = {"usd": "USD", "ppp": "PPP", "real": "real"}.get(head.strip().lower())
    if basis is None:
        raise UnitError(f"unknown currency basis {text!r}: use USD, PPP or real, optionally with a "
                        "vintage as in 'PPP:2023-06'", column="currency")
    return CurrencySpec(basis, vintage.strip() or None)


def fx_vintages(fx: pd.DataFrame | None) -> pd.DataFrame:
    """One row per rate and vintage: ``rate`` (USD/PPP), ``vintage``, ``basis``, ``first_year``,
    ``last_year``, ``countries``, ``sources`` and ``newest`` (the default of that rate)."""
    cols = ["rate", "vintage", "basis", "first_year", "last_year", "countries", "sources", "newest"]
    if fx is None or fx.empty:
        return pd.DataFrame(columns=cols)
    fx = _with_vintage(fx)
    rows = []
    for rate, col in RATE_COLUMN.items():
        if col not in fx:
            continue
        have = fx[fx[col].notna()]
        newest = _newest(have["vintage"])
        for v, g in have.groupby("vintage", sort=False):
            icp = "; ".join(sorted(set(g["basis"].dropna().astype(str)) - {""})) if rate == "PPP" else ""
            rows.append({"rate": rate, "vintage": v, "basis": icp,
                         "first_year": int(g["year"].min()), "last_year": int(g["year"].max()),
                         "countries": ";".join(sorted(g["country"].astype(str).unique())),
                         "sources": ";".join(sorted(g["source"].dropna().astype(str).unique())),
                         "newest": v == newest})
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["rate", "newest", "vintage"], ascending=[True, False, False])
    return out.reset_index(drop=True)


def rate_table(fx: pd.DataFrame | None, spec: CurrencySpec,
               exclude_flags: tuple[str, ...] = ()) -> tuple[pd.DataFrame, str, str]:
    """The rates of one basis and vintage: (``country, year, rate, source`` table, vintage, ICP basis).

    Rows flagged with one of ``exclude_flags`` are left out (no rate for that year)."""
    if fx is None or fx.empty:
        raise UnitError("the dataset has no exchange rates or PPP factors to convert with")
    col = spec.rate_column
    if col not in fx:
        raise UnitError(f"the exchange-rate table has no column {col!r}", column=col)
    fx = _with_vintage(fx)
    have = fx[fx[col].notna()]
    vintage = spec.vintage or _newest(have["vintage"])
    rows = have[have["vintage"] == vintage]
    if rows.empty:
        known = sorted(set(have["vintage"]))
        raise UnitError(f"no {RATE_COLUMN_LABEL[col]} of vintage {spec.vintage!r}; vintages: {known}",
                        column="currency")
    if exclude_flags:
        flags = rows["flag"].fillna("").astype(str).str.split(";")
        bad = flags.map(lambda f: bool(set(exclude_flags) & set(f)))
        rows = rows[~bad]
    dup = rows.duplicated(["country", "year"])
    if dup.any():
        r = rows[dup].iloc[0]
        raise DataError(f"two {col} rates for {r['country']} {r['year']} in vintage {vintage!r}", column=col)
    basis = "; ".join(sorted(set(rows["basis"].dropna().astype(str)) - {""}))
    out = rows[["country", "year", col, "source"]].rename(columns={col: "rate"})
    return out.reset_index(drop=True), str(vintage), basis


RATE_COLUMN_LABEL = {"lcu_per_usd": "exchange rate (LCU per USD)",
                     "ppp_lcu_per_intl_dollar": "PPP factor (LCU per international $)"}


def unit_label(spec: CurrencySpec, vintage: str, icp: str, base_year: int | None = None) -> str:
    """The unit of a converted panel, naming basis and vintage:
    'USD (exchange rate, WDI 2025-07)', 'international $ (PPP, ICP 2021, WDI 2026-03)',
    'international $ at 2011 prices (PPP ICP 2021, WDI 2026-03; real growth indices)'."""
    src = f"WDI {vintage}" if _DATE_VINTAGE.match(vintage) else vintage
    if spec.basis == "USD":
        return f"USD (exchange rate, {src})"
    ppp = ", ".join(x for x in (icp, src) if x)
    if spec.basis == "PPP":
        return f"international $ (PPP, {ppp})"
    return f"international $ at {base_year} prices (PPP {ppp}; real growth indices)"


def _with_vintage(fx: pd.DataFrame) -> pd.DataFrame:
    fx = fx.copy()
    if "vintage" not in fx:
        fx["vintage"] = "as supplied"
    fx["vintage"] = fx["vintage"].fillna("as supplied").astype(str)
    for c in ("basis", "source", "flag"):
        if c not in fx:
            fx[c] = ""
    return fx


def _newest(vintages: pd.Series) -> str | None:
    names = sorted(set(vintages.astype(str)))
    dated = [v for v in names if _DATE_VINTAGE.match(v)]
    if dated:
        return max(dated)
    return names[0] if len(names) == 1 else None


#: Known currency codes, found anywhere in a unit (e.g. "PPP" in "international dollars (PPP)");
#: any other three-letter upper-case code before a parenthesis counts too ("BBD", "PLN").
CURRENCIES = {"RUB", "KZT", "USD", "EUR", "CNY", "UAH", "BYN", "MXN", "PPP"}
_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")


def currency_of(unit: str | None) -> str | None:
    """The currency code a unit is expressed in ('million RUB' -> 'RUB', 'USD (current)' -> 'USD',
    'BBD' -> 'BBD'): the first three-letter upper-case code before any parenthesis, else a known
    code anywhere; None for units that name no currency ('persons', '%')."""
    if not isinstance(unit, str):
        return None
    m = _CODE.search(unit.split("(")[0])
    if m:
        return m.group(1)
    for token in unit.replace("(", " ").replace(")", " ").replace(",", " ").split():
        if token.upper() in CURRENCIES:
            return token.upper()
    return None


# ---------------------------------------------------------------------- real growth
@dataclass(frozen=True)
class RealIndex:
    """A real growth index of a level indicator.

    ``indicator``: its name in the observations. Its unit says the kind: 'percent of previous year'
    (a chain/volume index: growth of year t = value / 100) or a fixed base ('percent of 2005': growth
    of year t = value(t) / value(t-1)). ``per_capita_from``: the index is of a total; per-capita growth
    is the index divided by the growth of this indicator (population)."""

    indicator: str
    per_capita_from: str | None = None


#: Real growth indices of level indicators, tried in order for each region and year: the first one
#: with the growth of that year is used. Names follow the dataset's indicator names, so a user's
#: dataset with the same names (or ``Dataset.meta["real_indices"]``) gets the same treatment.
REAL_INDICES: dict[str, tuple[RealIndex, ...]] = {
    "grp_per_capita_lcu": (RealIndex("grp_per_capita_volume_index"),
                           RealIndex("grp_per_capita_real_index_2005"),
                           RealIndex("grp_volume_index", per_capita_from="population")),
    "grp_lcu": (RealIndex("grp_volume_index"),),
}


def chain_index(obs: pd.DataFrame) -> pd.DataFrame:
    """Yearly growth factors ``region, year, growth`` (= value(t) / value(t-1)) of index observations
    ``region, year, value, unit``.

    A chain index ('percent of previous year' in its unit) gives value / 100 for each year; a
    fixed-base index ('percent of 2005') the ratio to the previous year where both years are present."""
    obs = obs[["region", "year", "value", "unit"]]
    chain = obs["unit"].astype(str).str.lower().str.contains("previous year")
    a = obs[chain]
    out = [pd.DataFrame({"region": a["region"], "year": a["year"], "growth": a["value"].astype(float) / 100})]
    b = obs[~chain]
    if len(b):
        prev = b.assign(year=b["year"] + 1)[["region", "year", "value"]].rename(columns={"value": "prev"})
        m = b.merge(prev, on=["region", "year"])
        out.append(pd.DataFrame({"region": m["region"], "year": m["year"],
                                 "growth": m["value"].astype(float) / m["prev"].astype(float)}))
    return pd.concat(out, ignore_index=True)


def real_growth(indices: list[tuple[RealIndex, pd.DataFrame]],
                divisor: pd.DataFrame | None = None) -> pd.DataFrame:
    """Growth factor of each region and year, from the first index that has it.

    ``indices``: (index, observations ``region, year, value, unit``) pairs in order of preference;
    ``divisor``: observations of the indicator a total index is divided by (population).
    Returns ``region, year, growth, index`` (growth = level(t) / level(t-1) at constant prices)."""
    parts = []
    for spec, obs in indices:
        if obs.empty:
            continue
        growth = chain_index(obs)
        label = spec.indicator
        if spec.per_capita_from is not None:
            if divisor is None:
                continue
            d = divisor[["region", "year", "value"]]
            prev = d.assign(year=d["year"] + 1).rename(columns={"value": "prev"})
            dg = d.merge(prev, on=["region", "year"])
            dg["d"] = dg["value"].astype(float) / dg["prev"].astype(float)
            growth = growth.merge(dg[["region", "year", "d"]], on=["region", "year"])
            growth["growth"] = growth["growth"] / growth["d"]
            label = f"{spec.indicator}/{spec.per_capita_from} growth"
        parts.append(growth[["region", "year", "growth"]].assign(index=label))
    if not parts:
        return pd.DataFrame(columns=["region", "year", "growth", "index"])
    out = pd.concat(parts, ignore_index=True)
    out = out[np.isfinite(out["growth"]) & (out["growth"] > 0)]
    return out.drop_duplicates(["region", "year"], keep="first").reset_index(drop=True)


def carry_level(level: pd.DataFrame, growth: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Base-year levels carried by growth factors: ``region, year, value, index``.

    ``level``: ``region, value`` at the base year; ``growth``: from :func:`real_growth`. A region's
    series runs over the unbroken run of growth factors around the base year."""
    out = []
    gi = {(r, int(y)): (float(g), str(i)) for r, y, g, i in
          zip(growth["region"], growth["year"], growth["growth"], growth["index"], strict=True)}
    for region, base in zip(level["region"], level["value"], strict=True):
        out.append((region, base_year, float(base), "base-year level"))
        v, y = float(base), base_year
        while (region, y + 1) in gi:                     # forward: level(t) = level(t-1) * g(t)
            g, ix = gi[(region, y + 1)]
            v *= g
            y += 1
            out.append((region, y, v, ix))
        v, y = float(base), base_year
        while (region, y) in gi:                         # backward: level(t-1) = level(t) / g(t)
            g, ix = gi[(region, y)]
            v /= g
            y -= 1
            out.append((region, y, v, ix))
    return pd.DataFrame(out, columns=["region", "year", "value", "index"])


# ---------------------------------------------------------------------- the user's own rates
#: The value column of each kind of user table: an exchange rate (local currency units per one unit
#: of the common currency, as the World Bank's "LCU per US$") or a price index (100 in its base year).
USER_RATE_COLUMNS = {"fx": "rate", "deflator": "index"}


@dataclass(frozen=True)
class UserRates:
    """A user's table of ``country, year, rate`` (``kind="fx"``) or ``country, year, index``
    (``kind="deflator"``), checked; ``source`` names it in every output (the table's ``source``
    column, else the file name); ``unit``: the common unit the rates convert to (fx; the table's
    ``unit`` column, else "common unit")."""

    kind: str
    table: pd.DataFrame
    source: str
    unit: str | None = None

    def lookup(self, country: pd.Series, year: pd.Series) -> np.ndarray:
        """The rate of each (country, year); a missing one is a :class:`DataError` naming the first
        country and year that has none."""
        key = pd.MultiIndex.from_arrays([country.astype(str).to_numpy(),
                                         pd.to_numeric(year).astype(int).to_numpy()])
        t = self.table
        idx = pd.MultiIndex.from_arrays([t["country"].to_numpy(), t["year"].to_numpy()])
        pos = idx.get_indexer(key)
        if (pos < 0).any():
            i = int(np.flatnonzero(pos < 0)[0])
            n = int(len(pd.unique(key[pos < 0])))
            what = "exchange rate" if self.kind == "fx" else "deflator"
            raise DataError(f"no {what} for country {key[i][0]!r} in {key[i][1]} in {self.source}"
                            f" ({n} country-year(s) of the data without one): add the row "
                            f"(country, year, {USER_RATE_COLUMNS[self.kind]})",
                            column=USER_RATE_COLUMNS[self.kind])
        return t["value"].to_numpy(dtype=float)[pos]

    def base_year(self, country: str) -> int:
        """The year in which a deflator of ``country`` is 100 (its base year)."""
        t = self.table[self.table["country"] == country]
        at = t[np.isclose(t["value"].to_numpy(dtype=float), 100.0)]
        if at.empty:
            raise DataError(f"the deflator of country {country!r} in {self.source} is 100 in no year:"
                            " with exchange rates, values are converted at the rate of the "
                            "deflator's base year (where it is 100)", column="index")
        return int(at["year"].min())


def user_rates(raw: pd.DataFrame, kind: str, *, file: str | None = None,
               source: str | None = None) -> UserRates:
    """Check a user's exchange-rate (``kind="fx"``: ``country, year, rate``) or deflator
    (``"deflator"``: ``country, year, index``) table (``file``: where it was read, for the
    messages and as its source name). Every rate must be a finite positive number (else a
    :class:`DataError` naming country, year, file and row); one row per country and year."""
    if kind not in USER_RATE_COLUMNS:
        raise ValueError(f"kind must be one of {sorted(USER_RATE_COLUMNS)}, not {kind!r}")
    col = USER_RATE_COLUMNS[kind]
    low = {str(c).strip().lower(): c for c in raw.columns}
    missing = [c for c in ("country", "year", col) if c not in low]
    if missing:
        raise DataError(f"no column {missing[0]!r}: a {'exchange-rate' if kind == 'fx' else 'deflator'}"
                        f" table has the columns country, year, {col} (columns: "
                        f"{[str(c) for c in raw.columns]})", file=file, column=missing[0])
    country = raw[low["country"]].astype(object)
    rows = np.arange(len(raw)) + 2                      # the file's line (header = line 1)
    year = pd.to_numeric(raw[low["year"]], errors="coerce")
    value = pd.to_numeric(raw[low[col]].astype(str).str.strip().str.replace(",", "."),
                          errors="coerce")
    bad = (country.isna() | (country.astype(str).str.strip() == "") | year.isna()
           | (year % 1 != 0)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError("a row without a country or a whole year", file=file, row=int(rows[i]),
                        column="country" if country.isna().iloc[i] else "year")
    badv = ~(np.isfinite(value.to_numpy(dtype=float)) & (value.to_numpy(dtype=float) > 0))
    if badv.any():
        i = int(np.flatnonzero(badv)[0])
        given = raw[low[col]].iloc[i]
        shown = f"{value.iloc[i]:g}" if np.isfinite(value.iloc[i]) else repr(given)
        raise DataError(f"the {col} of country {str(country.iloc[i]).strip()!r} in "
                        f"{int(year.iloc[i])} is {shown}: a {col} must be a positive number",
                        file=file, row=int(rows[i]), column=str(low[col]))
    t = pd.DataFrame({"country": country.astype(str).str.strip().to_numpy(),
                      "year": year.astype(int).to_numpy(), "value": value.to_numpy(dtype=float)})
    dup = t.duplicated(["country", "year"], keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(f"two rows for country {t['country'].iat[i]!r} in {t['year'].iat[i]}",
                        file=file, row=int(rows[i]), column=str(low[col]))
    name = source
    if name is None and "source" in low:
        names = sorted({str(x) for x in raw[low["source"]].dropna() if str(x).strip()})
        name = "; ".join(names) or None
    if name is None:
        name = file.replace("\\", "/").rsplit("/", 1)[-1] if file else f"the {kind} table"
    unit = None
    if kind == "fx":
        units = (sorted({str(x).strip() for x in raw[low["unit"]].dropna() if str(x).strip()})
                 if "unit" in low else [])
        if len(units) > 1:
            raise DataError(f"the rates convert to several units {units}: one common unit",
                            file=file, column=str(low["unit"]))
        unit = units[0] if units else None
    return UserRates(kind, t, name, unit)


def convert_with_user_rates(obs: pd.DataFrame, fx: UserRates | None,
                            deflator: UserRates | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Values of ``obs`` (``country, year, value``) converted with the user's tables.

    Deflator alone: ``v / D(c, t) * 100`` (constant prices of the deflator's base year, in each
    country's own unit). Rates alone: ``v / R(c, t)`` (the common unit, current prices). Both:
    ``v / D(c, t) * 100 / R(c, b_c)`` with ``b_c`` the year in which the deflator of ``c`` is 100
    (constant prices, converted at the base year's rate). Returns the converted rows and the
    unit notes (``unit`` for fx, ``prices``)."""
    out = obs.copy()
    v = out["value"].to_numpy(dtype=float)
    notes: dict[str, str] = {}
    if deflator is not None:
        v = v / deflator.lookup(out["country"], out["year"]) * 100.0
        bases = ({c: deflator.base_year(str(c)) for c in pd.unique(out["country"].astype(str))}
                 if fx is not None else {})
        years = sorted(set(bases.values()))
        notes["prices"] = (f"constant prices of {', '.join(map(str, years))} (deflator: "
                           f"{deflator.source})" if years else
                           f"constant prices (deflator: {deflator.source})")
    if fx is not None:
        if deflator is not None:
            country = out["country"].astype(str)
            year = country.map(bases)
            v = v / fx.lookup(country, year)
        else:
            v = v / fx.lookup(out["country"], out["year"])
        notes["unit"] = f"{fx.unit or 'common unit'} (exchange rates: {fx.source})"
    out["value"] = v
    return out, notes
