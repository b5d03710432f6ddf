"""Build the bundled sample: slum units and interventions of NTB on real boundaries.

Run from the repository root::

    python sample_data/make_sample.py            # rebuild kotaku_gis/datasets/data/ntb_sample.gpkg
    python sample_data/make_sample.py --copy-from DIR   # refresh the boundary copies first

The script is seeded and deterministic: the same boundaries give the same GeoPackage. It reads
the boundary GeoJSON files shipped in ``kotaku_gis/datasets/data/`` (copies of the published
files, kept as published) and builds everything on ``shapely.make_valid`` versions of them.

What it makes (see ``sample_data/README.md``):

* Kota Mataram in RT detail: a slum zone in each of 13 coastal and riverside kelurahan,
  partitioned into RT polygons of 0.5-5 ha by a relaxed (Lloyd) Voronoi partition;
* kawasan-level units in the nine other kota/kabupaten of NTB, inside kecamatan polygons;
* baseline volumes for the 16 criteria of Permen PUPR 14/2018, drawn so that the levels are a
  plausible mix, and denominators at kampung densities;
* interventions 2020-2023 (points, lines, polygons and table-only rows) aimed at the criteria
  each treated unit fails, so that completed works reduce the slum hectares year by year.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kotaku_gis.area import area_ha_array  # noqa: E402
from kotaku_gis.crs import WGS84, laea_crs, to_frame_crs  # noqa: E402
from kotaku_gis.schema import CRITERIA_2018, CRITERION_DENOMINATOR, LEVELS  # noqa: E402
from kotaku_gis.scoring import round_half_up  # noqa: E402

DATA = ROOT / "kotaku_gis" / "datasets" / "data"
OUT = DATA / "ntb_sample.gpkg"
BOUNDARY_FILES = (
    "ntb_kabupaten_kota.geojson",
    "ntb_kecamatan.geojson",
    "mataram_kelurahan.geojson",
)
SEED = 14_2018
PROVINSI = "Nusa Tenggara Barat"

#: how often each criterion is deficient in Mataram's kampung baselines (relative weights):
#: fire protection, waste and sanitation fail most, drinking water least (PDAM reaches most RT).
DEFICIT_WEIGHT = {
    "1a": 1.2,
    "1b": 0.5,
    "1c": 1.0,
    "2a": 0.5,
    "2b": 1.0,
    "3a": 0.3,
    "3b": 0.6,
    "4a": 0.8,
    "4b": 0.8,
    "4c": 1.2,
    "5a": 1.3,
    "5b": 1.3,
    "6a": 1.4,
    "6b": 1.4,
    "7a": 2.2,
    "7b": 2.0,
}
#: total-score ranges of the levels (Permen 14/2018); targets stay 2 below the top because a
#: score step adds at most 2 points.
LEVEL_RANGE = {
    "kumuh berat": (60, 78),
    "kumuh sedang": (38, 57),
    "kumuh ringan": (16, 35),
    "tidak kumuh": (0, 13),
}
#: percentage band drawn for each score, inside the 25/51/76 thresholds with a margin so that
#: rounding the volume to whole buildings or metres keeps the score.
SCORE_BAND = {0: (0.0, 22.0), 1: (28.0, 48.0), 3: (54.0, 73.0), 5: (79.0, 100.0)}

# The kelurahan of Kota Mataram where the sample's slum RT lie: the coast of Ampenan and
# Sekarbela and the banks of the Jangkok and Ancar rivers. Value: (share of the kelurahan in the
# slum zone, cap in ha, how bad: shifts the level mix towards sedang/berat).
MATARAM_KELURAHAN = {
    "Bintaro": (0.55, 45, 0.9),
    "Ampenan Utara": (0.30, 55, 0.7),
    "Ampenan Tengah": (0.55, 35, 0.6),
    "Ampenan Selatan": (0.50, 50, 0.8),
    "Banjar": (0.60, 15, 0.5),
    "Taman Sari": (0.35, 45, 0.4),
    "Pejeruk": (0.50, 40, 0.5),
    "Dayan Peken": (0.50, 25, 0.4),
    "Tanjung Karang Permai": (0.55, 40, 0.8),
    "Tanjung Karang": (0.35, 55, 0.6),
    "Jempong Baru": (0.10, 60, 0.5),
    "Kekalik Jaya": (0.35, 45, 0.3),
    "Karang Taliwang": (0.55, 25, 0.4),
}
#: the coast of Mataram runs north-south west of this longitude
COAST_MAX_LON = 116.0805

# Kawasan in the other KOTAKU kota/kabupaten: kecamatan code → number of kawasan.
KAWASAN_KECAMATAN = {
    "52.01.01": 2,  # Gerung, Lombok Barat
    "52.01.13": 1,  # Lembar
    "52.01.14": 1,  # Batu Layar
    "52.02.01": 2,  # Praya, Lombok Tengah
    "52.03.07": 2,  # Selong, Lombok Timur
    "52.03.17": 1,  # Labuhan Haji
    "52.04.08": 2,  # Sumbawa, Kabupaten Sumbawa
    "52.04.18": 1,  # Labuhan Badas
    "52.05.01": 2,  # Dompu
    "52.05.05": 1,  # Woja
    "52.06.03": 2,  # Woha, Kabupaten Bima
    "52.06.02": 1,  # Bolo
    "52.07.02": 2,  # Taliwang, Sumbawa Barat
    "52.08.01": 2,  # Tanjung, Lombok Utara
    "52.72.01": 2,  # Rasanae Barat, Kota Bima
    "52.72.03": 2,  # Asakota
    "52.72.05": 1,  # Mpunda
}

# Programme names as planners type them, per group of criteria the works address.
KIND_NAMES = {
    "jalan": ["Jalan Beton", "Jalan beton", "JALAN RABAT BETON", "Paving Block",
              "jalan paving block"],
    "drainase": ["Drainase Lingkungan", "saluran drainase", "Drainase lingkungan"],
    "normalisasi": ["Normalisasi Saluran", "normalisasi saluran"],
    "air_minum": ["Hidran Umum", "Sumur Bor", "Kran Umum"],
    "perpipaan": ["Jaringan Perpipaan", "jaringan perpipaan"],
    "air_limbah": ["IPAL Komunal", "MCK Plus", "ipal komunal"],
    "persampahan": ["Bak Sampah", "bak sampah"],
    "tps": ["TPS 3R"],
    "hidran": ["Hidran Kebakaran", "hidran kebakaran"],
    "apar": ["APAR"],
    "rtlh": ["Rehab RTLH", "rehab RTLH", "Bedah Rumah"],
    "kolam": ["Kolam Retensi"],
    "rumah_deret": ["Rumah Deret"],
}  # fmt: skip

# Table rows (no geometry): (programme name, criterion) as the SIM export lists them.
TABLE_KINDS = [
    ("Sambungan Rumah (SR)", "3a"),
    ("Sambungan Rumah (SR)", "3b"),
    ("Jamban Keluarga", "5a"),
    ("PAH", "3b"),
    ("Gerobak Sampah", "6b"),
    ("Motor Sampah", "6a"),
    ("Rehab RTLH", "1c"),
]

METRE_DEG = 1 / 110_600.0  # degrees of latitude per metre near 8.6° S (for shaping only)


# --------------------------------------------------------------------------- helpers


def ha(geoms) -> np.ndarray:
    """Ellipsoidal hectares of lon/lat geometries."""
    return area_ha_array(np.atleast_1d(np.asarray(geoms, dtype=object)), WGS84)


def metres(geoms, lon0: float, lat0: float) -> np.ndarray:
    """Lengths in metres of lon/lat lines, in a local equal-area frame."""
    geoms = np.atleast_1d(np.asarray(geoms, dtype=object))
    return shapely.length(to_frame_crs(geoms, WGS84, laea_crs(lon0, lat0)))


def polygons_of(geom) -> list:
    """The polygon parts of any geometry (drops points and lines from make_valid output)."""
    parts = shapely.get_parts(geom)
    out = []
    for p in parts:
        if p.geom_type == "Polygon" and not p.is_empty:
            out.append(p)
        elif p.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(polygons_of(p))
    return out


def valid_polygonal(geom):
    """``make_valid`` (as the library's readers repair) keeping only the polygonal part."""
    return shapely.union_all(polygons_of(shapely.make_valid(geom, method="structure")))


def sample_points(rng: np.random.Generator, zone, n: int) -> np.ndarray:
    """``n`` uniform random points inside ``zone`` (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = zone.bounds
    shapely.prepare(zone)
    out: list = []
    while len(out) < n:
        xs = rng.uniform(minx, maxx, 4 * n)
        ys = rng.uniform(miny, maxy, 4 * n)
        pts = shapely.points(xs, ys)
        out.extend(pts[shapely.contains(zone, pts)])
    return np.array(out[:n], dtype=object)


def voronoi_cells(points: np.ndarray, zone) -> np.ndarray:
    """Voronoi cells of ``points`` clipped to ``zone``, in the order of the points."""
    if len(points) == 1:
        return np.array([zone], dtype=object)
    env = shapely.buffer(zone.envelope, 0.01)
    vor = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=env))
    # voronoi_polygons does not keep the input order: match each cell to its generator
    tree = shapely.STRtree(vor)
    idx = tree.query(points, predicate="within")
    order = np.empty(len(points), dtype=np.int64)
    order[idx[0]] = idx[1]
    return shapely.intersection(vor[order], zone)


def partition(rng: np.random.Generator, zone, mean_ha: float) -> list:
    """Split ``zone`` into polygons of about ``mean_ha`` (all 0.5-5 ha) by Lloyd relaxation."""
    zone_ha = float(ha(zone)[0])
    n = max(1, round(zone_ha / mean_ha))
    pts = sample_points(rng, zone, n)
    for _ in range(12):
        cells = voronoi_cells(pts, zone)
        cent = shapely.centroid(cells)
        outside = ~shapely.contains(zone, cent)
        cent[outside] = shapely.point_on_surface(cells[outside])
        pts = cent
    cells = [p for c in voronoi_cells(pts, zone) for p in polygons_of(c)]
    return _merge_small(_split_large(cells, rng))


def _split_large(cells: list, rng: np.random.Generator) -> list:
    out = []
    for cell in cells:
        a = float(ha(cell)[0])
        if a <= 4.6:
            out.append(cell)
            continue
        k = int(np.ceil(a / 2.5))
        pts = sample_points(rng, cell, k)
        for _ in range(10):
            sub = voronoi_cells(pts, cell)
            pts = shapely.point_on_surface(sub)
        out.extend(p for c in voronoi_cells(pts, cell) for p in polygons_of(c))
    return out


def _merge_small(cells: list) -> list:
    """Merge cells under 0.6 ha into the neighbour they share the longest edge with."""
    cells = list(cells)
    while True:
        areas = ha(cells)
        small = np.flatnonzero(areas < 0.6)
        if len(small) == 0:
            return cells
        i = int(small[np.argmin(areas[small])])
        shared = np.array(
            [
                shapely.length(shapely.intersection(cells[i].boundary, c.boundary))
                if j != i
                else 0.0
                for j, c in enumerate(cells)
            ]
        )
        candidates = np.flatnonzero(shared > 0)
        if len(candidates) == 0:
            # an island of the zone too small for an RT: give it back to the kelurahan
            cells.pop(i)
            continue
        # prefer the neighbour that stays under 4.8 ha, then the longest shared edge
        fits = candidates[areas[candidates] + areas[i] < 4.8]
        pool = fits if len(fits) else candidates
        j = int(pool[np.argmax(shared[pool])])
        merged = shapely.union(cells[i], cells[j])
        parts = polygons_of(merged)
        if len(parts) != 1:
            cells.pop(i)
            continue
        cells[j] = parts[0]
        cells.pop(i)


def score_units(units: pd.DataFrame) -> pd.DataFrame:
    """Permen 14/2018 scores, total and level of each unit (used to check the mix)."""
    scores = {}
    for code in CRITERIA_2018:
        den = units[CRITERION_DENOMINATOR[code]].to_numpy(dtype=float)
        vol = np.clip(units[code].to_numpy(dtype=float), 0, den)
        pct = round_half_up(np.divide(100 * vol, den, out=np.zeros_like(den), where=den > 0))
        scores[code] = np.select([pct >= 76, pct >= 51, pct >= 25], [5, 3, 1], 0)
    s = pd.DataFrame(scores, index=units.index)
    total = s.sum(axis=1)
    level = np.select([total >= 60, total >= 38, total >= 16], list(LEVELS[:3]), default=LEVELS[3])
    return s.assign(total_score=total, level=level)


# --------------------------------------------------------------------------- units


def read_boundaries() -> dict[str, gpd.GeoDataFrame]:
    out = {}
    for name in BOUNDARY_FILES:
        frame = gpd.read_file(DATA / name)
        frame["geometry"] = [valid_polygonal(g) for g in frame.geometry]
        out[name.split(".")[0]] = frame
    return out


def river(rng: np.random.Generator, kel):
    """A schematic river course across a kelurahan: Mataram's rivers run west to the sea."""
    c = kel.point_on_surface()
    theta = rng.uniform(-0.35, 0.35)
    half = 3000 * METRE_DEG
    dx, dy = half * np.cos(theta), half * np.sin(theta)
    course = shapely.LineString([(c.x - dx, c.y - dy), (c.x, c.y), (c.x + dx, c.y + dy)])
    return shapely.intersection(course, kel)


def slum_zone(kel, spine, share: float, cap_ha: float):
    """The band of a kelurahan along ``spine`` (its coast or river) that holds the slum RT."""
    target = min(share * float(ha(kel)[0]), cap_ha)
    lo, hi = 0.0, 3000 * METRE_DEG
    for _ in range(30):
        w = (lo + hi) / 2
        zone = valid_polygonal(shapely.intersection(kel, shapely.buffer(spine, w)))
        if float(ha(zone)[0]) < target:
            lo = w
        else:
            hi = w
    return zone


def denominators(rng: np.random.Generator, area: np.ndarray, *, kawasan: bool) -> dict:
    density = rng.uniform(25, 40, len(area)) if kawasan else rng.uniform(40, 60, len(area))
    buildings = np.maximum(np.round(area * density), 10).astype(int)
    households = np.round(buildings * rng.uniform(1.1, 1.3, len(area))).astype(int)
    lane = rng.uniform(200, 320, len(area)) if kawasan else rng.uniform(250, 400, len(area))
    road = np.round(area * lane).astype(int)
    drain = np.round(road * rng.uniform(0.9, 1.3, len(area))).astype(int)
    return {
        "buildings": buildings,
        "households": households,
        "penduduk": np.round(households * rng.uniform(3.4, 4.0, len(area))).astype(int),
        "road_length_m": road,
        "drain_length_m": drain,
    }


def draw_scores(rng: np.random.Generator, level: str) -> dict[str, int]:
    """Criterion scores (0/1/3/5) whose total falls in ``level``'s range."""
    lo, hi = LEVEL_RANGE[level]
    target = int(rng.integers(lo, hi + 1))
    scores = dict.fromkeys(CRITERIA_2018, 0)
    step = {0: 1, 1: 3, 3: 5}
    weights = np.array([DEFICIT_WEIGHT[c] for c in CRITERIA_2018])
    while sum(scores.values()) < target:
        open_ = np.array([scores[c] < 5 for c in CRITERIA_2018])
        p = weights * open_
        c = CRITERIA_2018[rng.choice(len(CRITERIA_2018), p=p / p.sum())]
        scores[c] = step[scores[c]]
    return scores


def draw_volumes(rng: np.random.Generator, units: pd.DataFrame, levels: list[str]) -> None:
    """Fill the 16 volume columns so that each unit scores at (about) its drawn level."""
    vols = {c: np.zeros(len(units)) for c in CRITERIA_2018}
    for i, level in enumerate(levels):
        scores = draw_scores(rng, level)
        for c in CRITERIA_2018:
            lo, hi = SCORE_BAND[scores[c]]
            pct = rng.uniform(lo, hi)
            den = float(units[CRITERION_DENOMINATOR[c]].iloc[i])
            if CRITERION_DENOMINATOR[c] == "area_ha":
                vols[c][i] = min(np.round(den * pct / 100, 2), den)
            else:
                vols[c][i] = min(np.round(den * pct / 100), den)
    for c in CRITERIA_2018:
        units[c] = vols[c]


def draw_levels(rng: np.random.Generator, badness: np.ndarray) -> list[str]:
    """Level of each unit: mostly ringan, a good share sedang, a few berat, some tidak kumuh."""
    out = []
    for b in badness:
        p = np.array([0.02 + 0.06 * b, 0.18 + 0.2 * b, 0.62 - 0.16 * b, 0.18 - 0.1 * b])
        out.append(LEVELS[rng.choice(4, p=p / p.sum())])
    return out


def pertimbangan(rng: np.random.Generator, units: pd.DataFrame, coastal: np.ndarray) -> None:
    """Legal status and the three 'pertimbangan lain' levels (1 rendah, 3 sedang, 5 tinggi)."""
    n = len(units)
    units["legal_status"] = np.where(
        rng.random(n) < np.where(coastal, 0.22, 0.06), "tidak legal", "legal"
    )
    density = units["penduduk"].to_numpy() / units["area_ha"].to_numpy()
    # Permen 14/2018 population density classes: < 150 jiwa/ha low, 150-200 medium, > 200 high
    units["kepadatan_penduduk"] = np.select([density > 200, density >= 150], [5, 3], 1)
    units["nilai_strategis"] = rng.choice([1, 3, 5], n, p=[0.45, 0.35, 0.2])
    units["potensi_sosial_ekonomi"] = rng.choice([1, 3, 5], n, p=[0.3, 0.45, 0.25])


def mataram_units(rng: np.random.Generator, b: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    kel = b["mataram_kelurahan"]
    kec = b["ntb_kecamatan"].set_index("kode")["nama"]
    # the city's outline without the slivers between the simplified kelurahan polygons
    city = max(
        polygons_of(shapely.union_all(shapely.buffer(kel.geometry.to_numpy(), 1e-6))),
        key=lambda p: p.area,
    )
    coast = shapely.intersection(city.exterior, shapely.box(115.9, -8.8, COAST_MAX_LON, -8.4))
    chosen = kel[kel["nama"].isin(MATARAM_KELURAHAN)]
    if len(chosen) != len(MATARAM_KELURAHAN):
        raise SystemExit("a kelurahan of MATARAM_KELURAHAN is missing from the boundary file")
    rows = []
    taken = shapely.Polygon()
    for _, k in chosen.sort_values("kode").iterrows():
        share, cap, badness = MATARAM_KELURAHAN[k["nama"]]
        shore = shapely.intersection(k.geometry.boundary, shapely.buffer(coast, 2 * METRE_DEG))
        is_coastal = shapely.length(shore) > 50 * METRE_DEG
        spine = shore if is_coastal else river(rng, k.geometry)
        # the published kelurahan overlap their neighbours a little: an RT belongs to one only
        zone = valid_polygonal(shapely.difference(slum_zone(k.geometry, spine, share, cap), taken))
        taken = shapely.union(taken, zone)
        cells = partition(rng, zone, mean_ha=float(rng.uniform(1.3, 2.0)))
        # number RT from north-west to south-east, ten or so per RW
        cent = shapely.centroid(np.array(cells, dtype=object))
        order = np.lexsort((shapely.get_x(cent), -np.round(shapely.get_y(cent), 3)))
        per_rw = int(rng.integers(8, 13))
        code = k["kode"].replace(".", "")
        for rank, idx in enumerate(order):
            rt = rank + 1
            rows.append(
                {
                    "unit_id": f"{code}-RT{rt:03d}",
                    "unit_level": "rt",
                    "rt": f"{rt:03d}",
                    "rw": f"{rank // per_rw + 1:03d}",
                    "kelurahan": k["nama"],
                    "kode_kelurahan": k["kode"],
                    "kecamatan": kec[k["kode"][:8]],
                    "kode_kecamatan": k["kode"][:8],
                    "kota": "Kota Mataram",
                    "provinsi": PROVINSI,
                    "nama_kawasan": None,
                    "_badness": badness,
                    "_coastal": is_coastal,
                    "geometry": cells[idx],
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def blob(rng: np.random.Generator, centre, radius_deg: float):
    """An irregular rounded polygon around ``centre`` (a kampung block outline)."""
    angles = np.sort(rng.uniform(0, 2 * np.pi, 9))
    r = radius_deg * rng.uniform(0.6, 1.0, 9)
    ring = shapely.points(centre.x + r * np.cos(angles), centre.y + r * np.sin(angles))
    hull = shapely.convex_hull(shapely.multipoints(ring))
    return shapely.buffer(hull, 0.25 * radius_deg, quad_segs=4)


def kawasan_units(rng: np.random.Generator, b: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    kec = b["ntb_kecamatan"].set_index("kode")
    kab = b["ntb_kabupaten_kota"].set_index("kode")["nama"]
    rows, placed = [], []
    for code, count in KAWASAN_KECAMATAN.items():
        poly = kec.loc[code, "geometry"]
        for n in range(1, count + 1):
            for _ in range(500):
                target = float(rng.uniform(6, 55))
                radius = np.sqrt(target * 10_000 / np.pi) * METRE_DEG * 0.9
                centre = sample_points(rng, poly, 1)[0]
                shape = valid_polygonal(shapely.intersection(blob(rng, centre, radius), poly))
                parts = polygons_of(shape)
                if len(parts) != 1:
                    continue
                shape = parts[0]
                if not 5.2 <= float(ha(shape)[0]) <= 58 or any(
                    shapely.distance(shape, p) < 300 * METRE_DEG for p in placed
                ):
                    continue
                break
            else:
                raise SystemExit(f"could not place a kawasan in kecamatan {code}")
            placed.append(shape)
            kota = kab[code[:5]]
            rows.append(
                {
                    "unit_id": f"{code.replace('.', '')}-KWS{n:02d}",
                    "unit_level": "kawasan",
                    "rt": None,
                    "rw": None,
                    "kelurahan": None,
                    "kode_kelurahan": None,
                    "kecamatan": kec.loc[code, "nama"],
                    "kode_kecamatan": code,
                    "kota": kota,
                    "provinsi": PROVINSI,
                    "nama_kawasan": f"Kawasan {kec.loc[code, 'nama']} {n}",
                    "_badness": float(rng.uniform(0.2, 0.8)),
                    "_coastal": bool(rng.random() < 0.5),
                    "geometry": shape,
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def build_units(rng: np.random.Generator, b: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    units = pd.concat([mataram_units(rng, b), kawasan_units(rng, b)], ignore_index=True)
    geom_ha = ha(units.geometry.to_numpy())
    area = np.round(geom_ha, 2)
    # a handful of verified areas differ a little from the drawn polygon, as in field data
    odd = rng.choice(np.flatnonzero(units["unit_level"] == "rt"), 6, replace=False)
    area[odd] = np.round(
        geom_ha[odd] * rng.choice([-1, 1], 6) * rng.uniform(0.02, 0.06, 6) + geom_ha[odd], 2
    )
    units["area_ha"] = area
    for name, values in denominators(rng, area, kawasan=False).items():
        units[name] = values
    kaw = (units["unit_level"] == "kawasan").to_numpy()
    for name, values in denominators(rng, area[kaw], kawasan=True).items():
        units.loc[kaw, name] = values
    pertimbangan(rng, units, units["_coastal"].to_numpy())
    draw_volumes(rng, units, draw_levels(rng, units["_badness"].to_numpy()))
    units = units.drop(columns=["_badness", "_coastal"])
    cols = [
        "unit_id",
        "unit_level",
        "provinsi",
        "kota",
        "kecamatan",
        "kode_kecamatan",
        "kelurahan",
        "kode_kelurahan",
        "rw",
        "rt",
        "nama_kawasan",
        "legal_status",
        "nilai_strategis",
        "kepadatan_penduduk",
        "potensi_sosial_ekonomi",
        "area_ha",
        "buildings",
        "households",
        "penduduk",
        "road_length_m",
        "drain_length_m",
        *CRITERIA_2018,
        "geometry",
    ]
    return gpd.GeoDataFrame(units[cols], geometry="geometry", crs=WGS84)


# --------------------------------------------------------------------------- interventions


def chords(rng: np.random.Generator, poly, spacing_m: float) -> list:
    """Parallel lanes across ``poly`` at a random bearing, ``spacing_m`` apart, as lines."""
    inner = shapely.buffer(poly, -6 * METRE_DEG)
    if inner.is_empty:
        return []
    c = poly.centroid
    theta = rng.uniform(0, np.pi)
    half = 600 * METRE_DEG
    d = np.array([np.cos(theta), np.sin(theta)])
    nrm = np.array([-d[1], d[0]])
    offsets = np.arange(-half, half, spacing_m * METRE_DEG) + rng.uniform(0, spacing_m) * METRE_DEG
    starts = np.array([c.x, c.y]) + offsets[:, None] * nrm - half * d
    ends = np.array([c.x, c.y]) + offsets[:, None] * nrm + half * d
    lines = shapely.linestrings(np.stack([starts, ends], axis=1))
    parts = shapely.get_parts(shapely.intersection(lines, inner))
    return [p for p in parts if p.geom_type == "LineString" and p.length > 20 * METRE_DEG]


def scatter(rng: np.random.Generator, poly, n: int) -> list:
    """``n`` points well inside ``poly``."""
    inner = shapely.buffer(poly, -5 * METRE_DEG)
    return list(sample_points(rng, inner if not inner.is_empty else poly, n))


class Works:
    """Accumulates intervention rows."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: list[dict] = []

    def add(self, group: str, geom, year: int, status: str, *, volume=None, **extra) -> None:
        name = str(self.rng.choice(KIND_NAMES[group]))
        if status == "selesai" and self.rng.random() < 0.05:
            status = "Selesai"
        self.rows.append(
            {
                "kind": name,
                "year": year,
                "status": status,
                "volume": volume,
                "geometry": geom,
                **extra,
            }
        )


def status_for(rng: np.random.Generator, year: int) -> str:
    if year < 2023:
        return "selesai"
    return str(rng.choice(["selesai", "proses", "rencana"], p=[0.5, 0.25, 0.25]))


def treat_unit(works: Works, unit: pd.Series, scores: pd.Series, year: int, full: bool) -> None:
    """Works that address the unit's failing criteria, worst aspect first."""
    rng = works.rng
    poly = unit.geometry
    status = status_for(rng, year)
    groups = {
        "jalan": ("2a", "2b"),
        "drainase": ("4b", "4c", "4a"),
        "air_minum": ("3a", "3b"),
        "air_limbah": ("5a", "5b"),
        "persampahan": ("6a", "6b"),
        "proteksi": ("7a", "7b"),
        "rtlh": ("1c",),
    }
    gain = {g: sum(int(scores[c]) for c in cs) for g, cs in groups.items()}
    need = int(scores["total_score"]) - 15 if full else (int(scores["total_score"]) - 15) // 2
    ordered = sorted(gain, key=lambda g: (-gain[g], rng.random()))
    for g in ordered:
        if need <= 0 or gain[g] == 0:
            break
        need -= gain[g]
        if g in ("jalan", "drainase"):
            deficit = max(unit[c] for c in groups[g][:2]) * 1.05
            lanes = chords(rng, poly, float(rng.uniform(32, 42)))
            rng.shuffle(lanes)
            got = 0.0
            for lane in lanes:
                if got >= deficit:
                    break
                length = float(metres(lane, poly.centroid.x, poly.centroid.y)[0])
                got += length
                vol = None if rng.random() < 0.12 else float(round(length))
                works.add(g, lane, year, status, volume=vol)
        elif g == "air_minum":
            n = 1 + int(unit["area_ha"] > 2.5)
            for p in scatter(rng, poly, n):
                works.add("air_minum", p, year, status, volume=1.0)
        elif g == "air_limbah":
            n = 1 + int(unit["area_ha"] > 3.0)
            for p in scatter(rng, poly, n):
                works.add("air_limbah", p, year, status, volume=1.0)
        elif g == "persampahan":
            for p in scatter(rng, poly, max(1, round(unit["area_ha"]))):
                works.add("persampahan", p, year, status, volume=1.0)
        elif g == "proteksi":
            works.add("hidran", scatter(rng, poly, 1)[0], year, status, volume=1.0)
            for p in scatter(rng, poly, max(2, round(unit["area_ha"] * 1.5))):
                works.add("apar", p, year, status, volume=None if rng.random() < 0.3 else 1.0)
        elif g == "rtlh":
            houses = max(1, int(unit["1c"]))
            works.add("rtlh", scatter(rng, poly, 1)[0], year, status, volume=float(houses))


def build_interventions(
    rng: np.random.Generator, units: gpd.GeoDataFrame, b: dict[str, gpd.GeoDataFrame]
) -> gpd.GeoDataFrame:
    scores = score_units(units)
    works = Works(rng)
    rt = units["unit_level"] == "rt"
    slum = np.flatnonzero((scores["level"] != "tidak kumuh").to_numpy() & rt.to_numpy())
    rng.shuffle(slum)
    per_year = {2020: 0.10, 2021: 0.11, 2022: 0.11, 2023: 0.13}
    start = 0
    for year, share in per_year.items():
        count = round(share * len(slum))
        for i in slum[start : start + count]:
            treat_unit(works, units.iloc[i], scores.iloc[i], year, full=rng.random() < 0.75)
        start += count

    # long drains and river normalisation across several RT of a kelurahan
    mataram = units[rt]
    for _, group in mataram.groupby("kelurahan", sort=True):
        if rng.random() < 0.45:
            zone = shapely.union_all(group.geometry.to_numpy())
            lanes = chords(rng, zone, 120)
            if lanes:
                lane = max(lanes, key=lambda g: g.length)
                year = int(rng.choice([2020, 2021, 2022, 2023]))
                length = float(metres(lane, lane.centroid.x, lane.centroid.y)[0])
                works.add(
                    "normalisasi", lane, year, status_for(rng, year), volume=float(round(length))
                )

    # a few TPS 3R (each serves most of a kelurahan's slum zone), retention ponds, rumah deret
    for year, kel in [(2021, "Bintaro"), (2022, "Tanjung Karang Permai"), (2023, "Pejeruk")]:
        group = mataram[mataram["kelurahan"] == kel]
        works.add(
            "tps",
            scatter(rng, group.geometry.iloc[len(group) // 2], 1)[0],
            year,
            "selesai" if year < 2023 else "rencana",
            volume=1.0,
        )
    flooded = mataram.index[(mataram["4a"] / mataram["area_ha"]).to_numpy() > 0.6]
    for i in rng.choice(flooded, min(4, len(flooded)), replace=False):
        poly = units.loc[i, "geometry"]
        pond = shapely.intersection(
            shapely.buffer(scatter(rng, poly, 1)[0], float(rng.uniform(18, 28)) * METRE_DEG),
            shapely.buffer(poly, -3 * METRE_DEG),
        )
        year = int(rng.choice([2021, 2022, 2023]))
        vol = None if rng.random() < 0.5 else float(np.round(ha(pond)[0], 2))
        works.add("kolam", pond, year, status_for(rng, year), volume=vol)
    dense = mataram.index[(mataram["1b"] / mataram["area_ha"]).to_numpy() > 0.5]
    for i in rng.choice(dense, min(3, len(dense)), replace=False):
        poly = units.loc[i, "geometry"]
        c = scatter(rng, poly, 1)[0]
        block = shapely.intersection(
            shapely.box(
                c.x - 30 * METRE_DEG,
                c.y - 15 * METRE_DEG,
                c.x + 30 * METRE_DEG,
                c.y + 15 * METRE_DEG,
            ),
            shapely.buffer(poly, -3 * METRE_DEG),
        )
        year = int(rng.choice([2022, 2023]))
        works.add(
            "rumah_deret",
            block,
            year,
            status_for(rng, year),
            volume=float(np.round(ha(block)[0], 2)),
        )

    # works in the kawasan of the other kota/kabupaten
    kaw = np.flatnonzero((units["unit_level"] == "kawasan").to_numpy())
    for i in rng.choice(kaw, round(0.6 * len(kaw)), replace=False):
        unit = units.iloc[i]
        year = int(rng.choice([2020, 2021, 2022, 2023]))
        status = status_for(rng, year)
        lanes = chords(rng, unit.geometry, 60)
        rng.shuffle(lanes)
        for lane in lanes[: int(rng.integers(1, 4))]:
            length = float(metres(lane, lane.centroid.x, lane.centroid.y)[0])
            works.add(
                str(rng.choice(["jalan", "drainase"])),
                lane,
                year,
                status,
                volume=float(round(length)),
            )
        for p in scatter(rng, unit.geometry, int(rng.integers(0, 3))):
            works.add(
                str(rng.choice(["air_minum", "air_limbah", "hidran"])), p, year, status, volume=1.0
            )

    frame = gpd.GeoDataFrame(works.rows, geometry="geometry", crs=WGS84)
    frame["unit_id"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["criterion"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["radius_m"] = np.nan

    # a few service radii measured on site instead of the catalogue default
    for group, radius in [("Hidran Umum", 150.0), ("APAR", 30.0), ("MCK Plus", 75.0)]:
        idx = frame.index[frame["kind"] == group]
        pick = rng.choice(idx, min(3, len(idx)), replace=False)
        frame.loc[pick, "radius_m"] = radius

    table = table_rows(rng, units, scores)
    frame = pd.concat([frame, table], ignore_index=True)
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=WGS84)
    frame["year"] = frame["year"].astype(int)
    frame = frame.sort_values(["year", "kind"], kind="stable", ignore_index=True)
    frame["kode_kota"] = kota_codes(frame, units)
    seq = frame.groupby(["kode_kota", "year"]).cumcount() + 1
    frame["intervention_id"] = (
        frame["kode_kota"] + "-" + frame["year"].astype(str) + "-" + seq.map("{:04d}".format)
    )
    frame["sumber_dana"] = rng.choice(
        ["BPM KOTAKU", "BPM KOTAKU", "APBD Kota", "DAK", "CSR"], len(frame)
    )
    cols = [
        "intervention_id",
        "kind",
        "year",
        "status",
        "volume",
        "radius_m",
        "unit_id",
        "criterion",
        "sumber_dana",
        "geometry",
    ]
    return gpd.GeoDataFrame(frame[cols], geometry="geometry", crs=WGS84)


def kota_codes(works: gpd.GeoDataFrame, units: gpd.GeoDataFrame) -> pd.Series:
    """'5271'-style code of the kota/kabupaten of each work: its nearest unit's, or its unit's."""
    kota = units["kode_kecamatan"].str.slice(0, 5).str.replace(".", "", regex=False)
    out = works["unit_id"].map(dict(zip(units["unit_id"], kota, strict=True)))
    geoms = works.geometry.to_numpy()
    located = np.flatnonzero(~shapely.is_missing(geoms))
    tree = shapely.STRtree(units.geometry.to_numpy())
    pairs = tree.query_nearest(geoms[located], all_matches=False)
    out.iloc[located[pairs[0]]] = kota.to_numpy()[pairs[1]]
    return out.astype(str)


def table_rows(rng: np.random.Generator, units: gpd.GeoDataFrame, scores) -> pd.DataFrame:
    """Works reported only as table rows: unit, criterion and volume, no location."""
    rt = np.flatnonzero(
        (units["unit_level"] == "rt").to_numpy() & (scores["level"] != "tidak kumuh").to_numpy()
    )
    rows = []
    for i in rng.choice(rt, 24, replace=False):
        kind, code = TABLE_KINDS[int(rng.integers(len(TABLE_KINDS)))]
        deficit = float(units[code].iloc[i])
        if deficit < 2:
            continue
        year = int(rng.choice([2020, 2021, 2022, 2023]))
        rows.append(
            {
                "kind": kind,
                "year": year,
                "status": status_for(rng, year),
                "volume": float(max(1, round(deficit * rng.uniform(0.3, 0.9)))),
                "geometry": None,
                "unit_id": units["unit_id"].iloc[i],
                "criterion": code,
                "radius_m": np.nan,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


# --------------------------------------------------------------------------- main


def copy_boundaries(source: Path) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name in BOUNDARY_FILES:
        shutil.copyfile(source / name, DATA / name)


def write(units: gpd.GeoDataFrame, works: gpd.GeoDataFrame, out: Path) -> None:
    # a fixed timestamp in gpkg_contents makes the file byte-for-byte reproducible
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-01-01T00:00:00.000Z"})
    tmp = out.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    units.to_file(tmp, layer="units", driver="GPKG", engine="pyogrio")
    works.to_file(
        tmp, layer="interventions", driver="GPKG", engine="pyogrio", geometry_type="Unknown"
    )
    tmp.replace(out)


def describe(units: gpd.GeoDataFrame, works: gpd.GeoDataFrame, out: Path) -> None:
    scores = score_units(units)
    lv = units.assign(level=scores["level"])
    print(
        f"units: {len(units)} ({(units.unit_level == 'rt').sum()} RT), {units.area_ha.sum():.2f} ha"
    )
    print(
        lv.pivot_table(
            index="unit_level",
            columns="level",
            values="area_ha",
            aggfunc=["count", "sum"],
            fill_value=0,
        )
        .round(2)
        .to_string()
    )
    gtype = works.geometry.geom_type.fillna("none (table row)")
    print(f"interventions: {len(works)}")
    print(pd.crosstab(gtype.rename("geometry"), works["year"]).to_string())
    print(pd.crosstab(works["status"], works["year"]).to_string())
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copy-from", type=Path, help="copy the boundary GeoJSON files first")
    parser.add_argument("--out", type=Path, default=OUT, help=f"GeoPackage to write ({OUT.name})")
    args = parser.parse_args(argv)
    if args.copy_from:
        copy_boundaries(args.copy_from)
    rng = np.random.default_rng(SEED)
    boundaries = read_boundaries()
    units = build_units(rng, boundaries)
    works = build_interventions(rng, units, boundaries)
    write(units, works, args.out)
    describe(units, works, args.out)


if __name__ == "__main__":
    main()
