"""Build the bundled Russia–Kazakhstan data from the compiled figures in ../shared/data/ru_kz.

Usage: python scripts/sync_ru_kz_data.py [SOURCE_DIR]

Copies the first compilation (regions, observations, sources, fx, Table 1, historical units) and
merges the second one (``additions/``, see its README):

- ``observations.csv``: Russian ``grp_lcu`` and ``grp_per_capita_lcu`` come from ONE Rosstat release
  for 1998–2023 (ROSSTAT_VRP_1998_2023); the rows of the first compilation it replaces (DOSE v2.11
  1998–2019, yearbooks 2020–2021) move to ``observations_not_used.csv`` with the reason. Added: the
  Russian volume indices and household consumption, the Kazakh real GRP per capita index (% of 2005),
  and the ethnic-Russian rows that do not conflict with existing ones (the two flagged
  ``conflicting_value`` go to ``observations_not_used.csv``). DOSE 1994–1996 rows stay (the release
  starts in 1998; its 1998–2010 values equal DOSE's to rounding).
- ``fx.csv``: one row per country, year and ``vintage``: the WDI exchange rates (PA.NUS.FCRF) and PPP
  factors (PA.NUS.PPP) of every vintage found, with their ICP ``basis``; the first compilation's rows
  as vintages ``dose-v2.11`` (DOSE's rates) and ``rsy`` (Bank of Russia averages from the yearbooks).
- ``national.csv``: national series (WDI CPI and GDP deflator by vintage; Kazakhstan's real GDP per
  capita index), which have no region code.
- ``sources.csv``: the first compilation's sources plus those of the additions.

Nothing is computed from the values: rows are copied, moved or relabelled, never changed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "src" / "crossborder" / "datasets" / "ru_kz"
COPIED = ["regions.csv", "table1_as_printed.csv", "historical_units.csv"]
RELEASE = "ROSSTAT_VRP_1998_2023"
#: indicators of the first compilation that the Rosstat release replaces where it has the region-year
REPLACED = ("grp_lcu", "grp_per_capita_lcu")
#: flags that describe a unit's coverage, carried over to the release's rows of the same region
COVERAGE_FLAGS = ("includes_okrugs", "excludes_okrugs", "includes_nenets_ao")
OBS_COLUMNS = ["region", "year", "indicator", "value", "unit", "source", "flag"]

#: WDI source id -> (vintage, ICP basis of its PPP factors). ICP bases: the additions README for
#: 2026-03 (ICP 2021) and 2023-06 (ICP 2017); 2024-04 equals 2023-06 to 4 digits before 2018 and
#: precedes the WDI release with ICP 2021 results, so ICP 2017; 2018-08 precedes the ICP 2017
#: results (May 2020), so ICP 2011; ~2013 precedes ICP 2011 results (2014), so ICP 2005.
WDI_VINTAGES = {
    "WDI_PPP_DATAHUB_20260305": ("2026-03", "ICP 2021"),
    "WDI_PPP_DATAHUB_20240401": ("2024-04", "ICP 2017"),
    "WDI_PPP_DATAHUB_20230601": ("2023-06", "ICP 2017"),
    "WDI_PPP_DATAHUB_20180823": ("2018-08", "ICP 2011"),
    "WDI_2013_RONNYWANG": ("2013", "ICP 2005"),
    "WDI_20250701_HARB1NGER": ("2025-07", ""),
    "WDI_20181114_TROENDLE": ("2018-11", ""),
    "WDI_20190130_TROENDLE": ("2019-01", ""),
    "WDI_20241113_LAHELU": ("2024-11", ""),
    "WDI_CPI_DATAHUB_201603": ("2016-03", ""),
}
RATE_COLUMNS = {"exchange_rate_lcu_per_usd": "lcu_per_usd",
                "ppp_lcu_per_intl_dollar": "ppp_lcu_per_intl_dollar"}

_CC_BY = "CC BY 4.0 (World Bank open data terms)"
NEW_SOURCES = [
    (RELEASE, "Rosstat, \"Валовой региональный продукт по субъектам Российской Федерации в 1998–2023 гг.\" "
              "(Gross regional product by federal subject, 1998–2023), workbook VRP_s_1998.xlsx: sheets 1–2 "
              "GRP, 3–4 GRP per capita, 5–6 and 9–10 volume indices, 11–12 households' actual final "
              "consumption. 2011+ revised vintage (population after the 2020/21 census; from 2016 Rosstat's "
              "method for owner-occupied housing and fixed-capital consumption); 2022–2023 preliminary.",
     "GitHub SergeevVladislav/hse_master_thesis, data/VRP_s_1998.xlsx (commit dc91f12c); cross-checked "
     "against MaxGoryunov/Energy-data-collection vrp.csv (2012–2021) and lizaml/convergence "
     "prep_data/vrp15.xls, vrp16.xls (EMISS exports)", "Rosstat official statistics"),
    ("WDI_20250701_HARB1NGER", "World Bank, World Development Indicators, PA.NUS.FCRF (official exchange "
     "rate, LCU per US$, period average), last updated 2025-07-01.",
     "GitHub Harb1nger001/GlobalConflictFXStress, data/raw/API_PA.NUS.FCRF_DS2_en_csv_v2_22859.csv "
     "(commit d90bf9f4)", _CC_BY),
    ("WDI_PPP_DATAHUB_20260305", "World Bank, WDI PA.NUS.PPP (PPP conversion factor, GDP, LCU per "
     "international $), vintage 2026-03-05 (ICP 2021 basis).",
     "GitHub datasets/ppp, data/ppp-gdp.csv (commit 17829648)", _CC_BY),
    ("WDI_PPP_DATAHUB_20240401", "World Bank, WDI PA.NUS.PPP, vintage 2024-04-01.",
     "GitHub datasets/ppp, data/ppp-gdp.csv (commit d36aaf64)", _CC_BY),
    ("WDI_PPP_DATAHUB_20230601", "World Bank, WDI PA.NUS.PPP, vintage 2023-06-01 (ICP 2017 basis; equals "
     "the PPP factors of the first compilation).", "GitHub datasets/ppp, data/ppp-gdp.csv (commit 1effd79b)",
     _CC_BY),
    ("WDI_PPP_DATAHUB_20180823", "World Bank, WDI PA.NUS.PPP, vintage 2018-08-23.",
     "GitHub datasets/ppp, data/ppp-gdp.csv (commit 6e23957c)", _CC_BY),
    ("WDI_20241113_LAHELU", "World Bank, WDI FP.CPI.TOTL (consumer price index, 2010 = 100), last "
     "updated 2024-11-13.", "GitHub lahelu07/unsupervised_uts, API_FP.CPI.TOTL_DS2_en_csv_v2_284.csv "
     "(commit aef31c6c)", _CC_BY),
    ("WDI_CPI_DATAHUB_201603", "World Bank, WDI FP.CPI.TOTL via the World Bank API, committed 2016-03-02.",
     "GitHub datasets/cpi, data/cpi.csv (commit d296260b)", _CC_BY),
    ("WDI_20190130_TROENDLE", "World Bank, WDI NY.GDP.DEFL.ZS (GDP deflator), last updated 2019-01-30.",
     "GitHub timtroendle/currency (commit efdc7afa)", _CC_BY),
    ("WDI_20181114_TROENDLE", "World Bank, WDI PA.NUS.FCRF, last updated 2018-11-14.",
     "GitHub timtroendle/currency (commit a4351e45)", _CC_BY),
    ("WDI_2013_RONNYWANG", "World Bank, WDI bulk download (~2013): PA.NUS.FCRF, PA.NUS.PPP, FP.CPI.TOTL, "
     "NY.GDP.DEFL.ZS.", "GitHub ronnywang/worldbank, WDI_bundle/parsed/ (commit ad4f9f88)", _CC_BY),
    ("KZ_SDG_811", "Bureau of National Statistics of Kazakhstan, national SDG reporting platform, "
     "indicator 8.1.1: real GDP/GRP per capita in % of 2005.",
     "GitHub kazstat/sdg-data-kazstat, data/indicator_8-1-1.csv (commit 0d8b3633)",
     "Kazakhstan official statistics"),
    ("GOVKZ_SKO_2025", "Akimat of North Kazakhstan Region, gov.kz page on the region's population "
     "(beginning of 2025).", "gov.kz", "official page, cited"),
    ("WIKI_RU_ZKO_2018", "Russian Wikipedia, \"Западно-Казахстанская область\", revision oldid 95384649.",
     "ru.wikipedia.org", "CC BY-SA 4.0"),
    ("WIKI_RU_ZKO_2022_MIRRORS", "Russian Wikipedia, \"Западно-Казахстанская область\", later infobox, "
     "read in two mirrors (fr.wiki7.org, perceptionl.com).", "mirrors of ru.wikipedia.org", "CC BY-SA 4.0"),
    ("WIKI_DE_NKO_2011", "German Wikipedia, North Kazakhstan Region article, revision of 10 January 2011 "
     "(conflicting value, not used).", "via a wikiless proxy", "CC BY-SA 4.0"),
    ("MASA_MEDIA_2022", "masa.media, article of 28 April 2022 citing the Bureau of National Statistics "
     "(conflicting value, not used).", "masa.media", "news article, cited"),
    ("FINPROM_GLOBALNEWS_2022", "Finprom.kz analysts as reported by globalnews.kz: ethnic Russians in East "
     "Kazakhstan at 1 January 2022.", "globalnews.kz", "news article, cited"),
]


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else REPO.parent / "shared" / "data" / "ru_kz"
    add = source / "additions"
    if not source.is_dir() or not add.is_dir():
        print(f"no such folder: {source} (with additions/)", file=sys.stderr)
        return 1
    for name in COPIED:
        shutil.copyfile(source / name, TARGET / name)
    shutil.copyfile(source / "README.md", TARGET / "DATA_README.md")
    shutil.copyfile(add / "README.md", TARGET / "DATA_README_ADDITIONS.md")

    obs = _read(source / "observations.csv")
    release = _read(add / "rosstat_grp_1998_2023.csv")
    kz_real = _read(add / "kz_grp_per_capita_real_index.csv")
    ethnic = _read(add / "ethnic_russians_additions.csv")
    wdi = _read(add / "national_wdi.csv")

    obs, not_used = merge_release(obs, release)
    regional_real = kz_real[kz_real["region"] != "KZ"]
    conflicting = ethnic["flag"].str.contains("conflicting_value")
    ok_ethnic = ethnic[~conflicting]
    clash = ok_ethnic.merge(obs, on=["region", "year", "indicator"])
    if len(clash):
        raise SystemExit(f"ethnic additions collide with existing rows: {clash[['region', 'year']]}")
    obs = pd.concat([obs, regional_real[OBS_COLUMNS], ok_ethnic[OBS_COLUMNS]], ignore_index=True)
    conflicts = ethnic[conflicting].assign(
        reason="conflicting value: documented in the additions README, never used")
    not_used = pd.concat([not_used, conflicts[OBS_COLUMNS + ["reason"]]], ignore_index=True)
    dup = obs.duplicated(["region", "year", "indicator"])
    if dup.any():
        raise SystemExit(f"duplicate observations: {obs[dup].head()}")
    obs.to_csv(TARGET / "observations.csv", index=False)
    not_used.to_csv(TARGET / "observations_not_used.csv", index=False)

    fx = build_fx(_read(source / "fx.csv"), wdi)
    fx.to_csv(TARGET / "fx.csv", index=False)
    national = build_national(wdi, kz_real[kz_real["region"] == "KZ"])
    national.to_csv(TARGET / "national.csv", index=False)

    sources = _read(source / "sources.csv")
    new = pd.DataFrame(NEW_SOURCES, columns=["source", "citation", "where_found", "license"])
    sources = pd.concat([sources, new[~new["source"].isin(sources["source"])]], ignore_index=True)
    used = set(obs["source"]) | set(fx["source"]) | set(national["source"]) | set(not_used["source"])
    unknown = sorted(used - set(sources["source"]))
    if unknown:
        raise SystemExit(f"sources without a citation: {unknown}")
    sources.to_csv(TARGET / "sources.csv", index=False)
    print(f"wrote {len(obs)} observations ({len(not_used)} rows not used), {len(fx)} rate rows, "
          f"{len(national)} national rows, {len(sources)} sources to {TARGET.relative_to(REPO)}")
    return 0


def _read(path: Path) -> pd.DataFrame:
    """Every cell as the text the compiler wrote, so that copied values keep their digits."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def merge_release(obs: pd.DataFrame, release: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Rosstat release replaces the first compilation's rows of the same region, year and indicator."""
    release = release.copy()
    coverage = (obs[obs["indicator"].isin(REPLACED)].assign(f=obs["flag"].str.split(";"))
                .explode("f").query("f in @COVERAGE_FLAGS").groupby("region")["f"]
                .agg(lambda s: ";".join(sorted(set(s)))))
    extra = release["region"].map(coverage).fillna("")
    release["flag"] = [";".join(x for x in (a, b) if x) for a, b in zip(extra, release["flag"], strict=True)]
    key = ["region", "year", "indicator"]
    hit = obs.merge(release[key].assign(_in=True), on=key, how="left")["_in"].fillna(False).to_numpy(bool)
    hit &= obs["indicator"].isin(REPLACED).to_numpy()
    replaced = obs[hit].assign(reason=f"superseded by {RELEASE}: one Rosstat release for 1998-2023")
    kept = obs[~hit]
    clash = kept.merge(release[key], on=key)
    if len(clash):
        raise SystemExit(f"release rows collide with kept rows: {clash.head()}")
    return pd.concat([kept, release[OBS_COLUMNS]], ignore_index=True), replaced[OBS_COLUMNS + ["reason"]]


def build_fx(old: pd.DataFrame, wdi: pd.DataFrame) -> pd.DataFrame:
    """Rates by country, year and vintage (a vintage may fill only one of the two rate columns)."""
    old = old.copy()
    old["vintage"] = old["source"].map(lambda s: "dose-v2.11" if s == "DOSE_V2_11" else "rsy")
    old["basis"] = (old["ppp_lcu_per_intl_dollar"] != "").map({True: "ICP 2017", False: ""})
    rates = wdi[wdi["indicator"].isin(RATE_COLUMNS)].copy()
    unknown = sorted(set(rates["source"]) - set(WDI_VINTAGES))
    if unknown:
        raise SystemExit(f"no vintage for {unknown}")
    rates["vintage"] = rates["source"].map(lambda s: WDI_VINTAGES[s][0])
    rates["basis"] = [WDI_VINTAGES[s][1] if i == "ppp_lcu_per_intl_dollar" else ""
                      for s, i in zip(rates["source"], rates["indicator"], strict=True)]
    rows = []
    for (country, year, vintage), g in rates.groupby(["country", "year", "vintage"], sort=True):
        row = {"country": country, "year": year, "vintage": vintage, "lcu_per_usd": "",
               "ppp_lcu_per_intl_dollar": ""}
        for r in g.itertuples():
            row[RATE_COLUMNS[r.indicator]] = r.value
        row.update(basis=";".join(sorted(set(g["basis"]) - {""})),
                   source=";".join(sorted(set(g["source"]))),
                   flag=";".join(sorted(set(g["flag"]) - {""})))
        rows.append(row)
    cols = ["country", "year", "vintage", "lcu_per_usd", "ppp_lcu_per_intl_dollar", "basis", "source", "flag"]
    out = pd.concat([pd.DataFrame(rows), old], ignore_index=True)[cols]
    return out.sort_values(["vintage", "country", "year"], kind="stable").reset_index(drop=True)


def build_national(wdi: pd.DataFrame, kz_national: pd.DataFrame) -> pd.DataFrame:
    """National series without a region code: WDI CPI and deflator by vintage, Kazakhstan's real index."""
    other = wdi[~wdi["indicator"].isin(RATE_COLUMNS)].copy()
    other["vintage"] = other["source"].map(lambda s: WDI_VINTAGES[s][0])
    kz = kz_national.rename(columns={"region": "country"}).assign(vintage="")
    cols = ["country", "year", "indicator", "value", "unit", "source", "flag", "vintage"]
    return pd.concat([other[cols], kz[cols]], ignore_index=True).sort_values(
        ["indicator", "vintage", "country", "year"], kind="stable")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
