"""Rebuild ``src/crossborder/datasets/ru_kz/regions_geometry.geojson`` from Natural Earth.

Source: Natural Earth 1:10m Admin-1 "States, Provinces" v4.1.0 (public domain), as shipped,
generalised and dissolved per province, in Debian's ``qgis-common`` package (3.22):
``/usr/share/qgis/resources/data/world_map.gpkg``, layer ``states_provinces``.

Usage::

    python scripts/build_ru_kz_geometry.py                       # downloads qgis-common itself
    python scripts/build_ru_kz_geometry.py --gpkg path/to/world_map.gpkg

Without ``--gpkg`` the script runs ``apt-get download qgis-common`` and ``dpkg -x`` in a cache
folder (``$XDG_CACHE_HOME/crossborder`` or ``~/.cache/crossborder``); nothing is installed.

Steps (decisions are documented in GEOMETRY.md beside the output):

1. read the Russian and Kazakh admin-1 polygons, map each to a *base* region code of
   ``regions.csv`` (``--regions``, default the bundled copy of ``shared/data/ru_kz/regions.csv``);
   Crimea and Sevastopol are dropped; the one unnamed islet is merged into its nearest unit;
2. snap the antimeridian clip line (|lon| = 179.9 in the source) to +-180, so that Chukotka's
   two halves meet at the antimeridian while every longitude stays in [-180, 180];
3. round every coordinate to ``--decimals`` (shared vertices round identically, so shared edges
   stay shared), then simplify all polygons as ONE coverage with ``shapely.coverage_simplify``;
4. verify: every polygon valid and non-empty, ``shapely.coverage_is_valid`` true and no
   ``coverage_invalid_edges``, every code of the mapping present in ``regions.csv``;
5. write GeoJSON (EPSG:4326), one feature per base unit sorted by code, properties
   ``region``, ``country``, ``name``, ``source_name``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "crossborder" / "datasets" / "ru_kz" / "regions_geometry.geojson"
DEFAULT_REGIONS = DEFAULT_OUT.parent / "regions.csv"  # the bundled copy of shared/data/ru_kz
GPKG_IN_DEB = Path("usr/share/qgis/resources/data/world_map.gpkg")
LAYER = "states_provinces"

# Natural Earth admin-1 ``name`` -> region code of regions.csv (base, non-overlapping units).
NE_TO_REGION: dict[str, str] = {
    # Russia
    "Adygey": "RU-AD",
    "Altay": "RU-ALT",
    "Amur": "RU-AMU",
    "Arkhangel'sk": "RU-ARK-XAO",  # NE polygon excludes the Nenets AO
    "Astrakhan'": "RU-AST",
    "Bashkortostan": "RU-BA",
    "Belgorod": "RU-BEL",
    "Bryansk": "RU-BRY",
    "Buryat": "RU-BU",
    "Chechnya": "RU-CE",
    "Chelyabinsk": "RU-CHE",
    "Chita": "RU-ZAB",  # Zabaykalsky Krai (gn_name "Zabaykal'skiy Kray")
    "Chukchi Autonomous Okrug": "RU-CHU",
    "Chuvash": "RU-CU",
    "City of St. Petersburg": "RU-SPE",
    "Dagestan": "RU-DA",
    "Gorno-Altay": "RU-AL",
    "Ingush": "RU-IN",
    "Irkutsk": "RU-IRK",
    "Ivanovo": "RU-IVA",
    "Kabardin-Balkar": "RU-KB",
    "Kaliningrad": "RU-KGD",
    "Kalmyk": "RU-KL",
    "Kaluga": "RU-KLU",
    "Kamchatka": "RU-KAM",
    "Karachay-Cherkess": "RU-KC",
    "Karelia": "RU-KR",
    "Kemerovo": "RU-KEM",
    "Khabarovsk": "RU-KHA",
    "Khakass": "RU-KK",
    "Khanty-Mansiy": "RU-KHM",
    "Kirov": "RU-KIR",
    "Komi": "RU-KO",
    "Kostroma": "RU-KOS",
    "Krasnodar": "RU-KDA",
    "Krasnoyarsk": "RU-KYA",
    "Kurgan": "RU-KGN",
    "Kursk": "RU-KRS",
    "Leningrad": "RU-LEN",
    "Lipetsk": "RU-LIP",
    "Maga Buryatdan": "RU-MAG",  # sic in Natural Earth: Magadan Oblast
    "Mariy-El": "RU-ME",
    "Mordovia": "RU-MO",
    "Moskovsskaya": "RU-MOS",  # sic in Natural Earth: Moscow Oblast
    "Moskva": "RU-MOW",
    "Murmansk": "RU-MUR",
    "Nenets": "RU-NEN",
    "Nizhegorod": "RU-NIZ",
    "North Ossetia": "RU-SE",
    "Novgorod": "RU-NGR",
    "Novosibirsk": "RU-NVS",
    "Omsk": "RU-OMS",
    "Orel": "RU-ORL",
    "Orenburg": "RU-ORE",
    "Penza": "RU-PNZ",
    "Perm'": "RU-PER",
    "Primor'ye": "RU-PRI",
    "Pskov": "RU-PSK",
    "Rostov": "RU-ROS",
    "Ryazan'": "RU-RYA",
    "Sakha (Yakutia)": "RU-SA",
    "Sakhalin": "RU-SAK",
    "Samara": "RU-SAM",
    "Saratov": "RU-SAR",
    "Smolensk": "RU-SMO",
    "Stavropol'": "RU-STA",
    "Sverdlovsk": "RU-SVE",
    "Tambov": "RU-TAM",
    "Tatarstan": "RU-TA",
    "Tomsk": "RU-TOM",
    "Tula": "RU-TUL",
    "Tuva": "RU-TY",
    "Tver'": "RU-TVE",
    "Tyumen'": "RU-TYU-XAO",  # NE polygon excludes the Khanty-Mansi and Yamalo-Nenets AOs
    "Udmurt": "RU-UD",
    "Ul'yanovsk": "RU-ULY",
    "Vladimir": "RU-VLA",
    "Volgograd": "RU-VGG",
    "Vologda": "RU-VLG",
    "Voronezh": "RU-VOR",
    "Yamal-Nenets": "RU-YAN",
    "Yaroslavl'": "RU-YAR",
    "Yevrey": "RU-YEV",
    # Kazakhstan (2019 boundaries, before the 2022 splits; NE v4.1.0 predates the 2018 split
    # of South Kazakhstan, so that unit keeps its pre-2018 aggregate code)
    "Almaty": "KZ-ALM",
    "Almaty City": "KZ-ALA",
    "Aqmola": "KZ-AKM",
    "Aqtöbe": "KZ-AKT",
    "Astana": "KZ-AST",
    "Atyrau": "KZ-ATY",
    "East Kazakhstan": "KZ-VOS",
    "Mangghystau": "KZ-MAN",
    "North Kazakhstan": "KZ-SEV",
    "Pavlodar": "KZ-PAV",
    "Qaraghandy": "KZ-KAR",
    "Qostanay": "KZ-KUS",
    "Qyzylorda": "KZ-KZY",
    "South Kazakhstan": "KZ-YUZ_SHY",
    "West Kazakhstan": "KZ-ZAP",
    "Zhambyl": "KZ-ZHA",
}
DROPPED = {"Crimea", "Sevastopol"}  # not in the statistics (regions.csv)
CLIP_LON = 179.8999  # the source was clipped at +-179.9 to avoid antimeridian-crossing polygons


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "crossborder"
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch_gpkg() -> Path:
    """Download Debian's qgis-common (no install) and unpack the Natural Earth GeoPackage."""
    root = cache_dir() / "qgis-common"
    gpkg = root / GPKG_IN_DEB
    if gpkg.exists():
        return gpkg
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["apt-get", "download", "qgis-common"], cwd=tmp, check=True)
        debs = sorted(Path(tmp).glob("qgis-common_*.deb"))
        if not debs:
            raise SystemExit("apt-get download qgis-common produced no .deb (run apt-get update?)")
        subprocess.run(["dpkg", "-x", str(debs[-1]), str(root)], check=True)
    if not gpkg.exists():
        raise SystemExit(f"{GPKG_IN_DEB} not found in qgis-common")
    return gpkg


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_source(gpkg: Path) -> gpd.GeoDataFrame:
    src = gpd.read_file(gpkg, layer=LAYER, where="adm0_a3 IN ('RUS', 'KAZ')")
    if src.crs is None or src.crs.to_epsg() != 4326:
        raise SystemExit(f"unexpected CRS {src.crs}")
    return src


def assign_codes(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per base code; unnamed islets are merged into the nearest named unit."""
    named = src[src["name"].notna() & ~src["name"].isin(DROPPED)].copy()
    unknown = sorted(set(named["name"]) - set(NE_TO_REGION))
    if unknown:
        raise SystemExit(f"Natural Earth units without a code: {unknown}")
    missing = sorted(set(NE_TO_REGION) - set(named["name"]))
    if missing:
        raise SystemExit(f"mapped Natural Earth units not in the source: {missing}")
    named["region"] = named["name"].map(NE_TO_REGION)
    geoms = dict(zip(named["region"], named.geometry, strict=True))
    names = dict(zip(named["region"], named["name"], strict=True))
    for islet in src[src["name"].isna()].geometry:
        dist = {code: shapely.distance(g, islet) for code, g in geoms.items()}
        near = min(dist, key=dist.get)
        print(f"unnamed islet at {islet.representative_point().coords[0]} -> {near}"
              f" ({dist[near]:.3f} deg away)", file=sys.stderr)
        geoms[near] = shapely.union(geoms[near], islet)
        names[near] = names[near] + " (+ unnamed islet)"
    codes = sorted(geoms)
    return gpd.GeoDataFrame(
        {"region": codes, "source_name": [names[c] for c in codes]},
        geometry=[geoms[c] for c in codes],
        crs="EPSG:4326",
    )


def snap_antimeridian(xy: np.ndarray) -> np.ndarray:
    out = xy.copy()
    lon = out[:, 0]
    lon[lon >= CLIP_LON] = 180.0
    lon[lon <= -CLIP_LON] = -180.0
    return out


def check_coverage(geoms: np.ndarray, stage: str) -> None:
    bad = [i for i, g in enumerate(geoms) if g is None or g.is_empty or not g.is_valid]
    if bad:
        raise SystemExit(f"{stage}: invalid or empty polygons at rows {bad}")
    if not shapely.coverage_is_valid(geoms):
        edges = shapely.coverage_invalid_edges(geoms)
        rows = [i for i, e in enumerate(edges) if not e.is_empty]
        raise SystemExit(f"{stage}: coverage invalid at rows {rows}")


def build(gpkg: Path, regions_csv: Path, decimals: int, tolerance: float) -> gpd.GeoDataFrame:
    regions = pd.read_csv(regions_csv, dtype=str, keep_default_na=False)
    known = set(regions["region"])
    gdf = assign_codes(read_source(gpkg))
    stray = sorted(set(gdf["region"]) - known)
    if stray:
        raise SystemExit(f"codes not in {regions_csv.name}: {stray}")
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    check_coverage(geoms, "source")

    geoms = shapely.transform(geoms, lambda xy: np.round(snap_antimeridian(xy), decimals))
    check_coverage(geoms, "rounded")
    if tolerance > 0:
        geoms = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
        check_coverage(geoms, "simplified")
    # Single-part units as Polygon, the others as MultiPolygon; orient shells counter-clockwise.
    geoms = np.array([shapely.orient_polygons(g) for g in geoms], dtype=object)
    check_coverage(geoms, "final")
    lon = shapely.get_coordinates(geoms)[:, 0]
    if lon.min() < -180 or lon.max() > 180:
        raise SystemExit("longitude outside [-180, 180]")

    meta = regions.set_index("region")
    out = gpd.GeoDataFrame(
        {
            "region": gdf["region"].to_numpy(),
            "country": [meta.at[c, "country"] for c in gdf["region"]],
            "name": [meta.at[c, "name"] for c in gdf["region"]],
            "source_name": gdf["source_name"].to_numpy(),
        },
        geometry=list(geoms),
        crs="EPSG:4326",
    )
    return out.sort_values("region", ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpkg", type=Path, help="world_map.gpkg (default: fetch qgis-common)")
    parser.add_argument("--regions", type=Path, default=DEFAULT_REGIONS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--decimals", type=int, default=4)
    parser.add_argument("--tolerance", type=float, default=0.005,
                        help="coverage_simplify tolerance in degrees (0 = no simplification)")
    args = parser.parse_args(argv)

    gpkg = args.gpkg or fetch_gpkg()
    print(f"source: {gpkg} sha256={sha256(gpkg)}", file=sys.stderr)
    out = build(gpkg, args.regions.resolve(), args.decimals, args.tolerance)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.exists():
        args.out.unlink()
    out.to_file(args.out, driver="GeoJSON", engine="pyogrio",
                layer_options={"COORDINATE_PRECISION": str(args.decimals), "WRITE_NAME": "NO"})
    n_vertices = int(shapely.get_num_coordinates(out.geometry.values).sum())
    print(f"wrote {args.out.name}: {len(out)} features, {n_vertices} vertices, "
          f"{args.out.stat().st_size / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
