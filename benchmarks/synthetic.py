"""Seeded synthetic RT units and works in Indonesia, at the sizes the benchmarks run.

Units are RT-sized quadrilaterals (about 0.5-5 ha) that tile a city block by block: a grid
with uneven column widths and row heights whose nodes are jittered, so neighbours share
their edges exactly and nothing overlaps. Each city is one such grid placed at a real city
centre (lon/lat, EPSG:4326). Works are short lanes and drains (lines of three vertices) and
point facilities (hydrants, communal septic tanks, waste bins, ...) scattered over the
cities, with a kind from the catalogue, a status and a year; on request some of the points
become polygons (row-house blocks and retention ponds).

Examples
--------
>>> from benchmarks.synthetic import make_layers
>>> units, works = make_layers(n_units=200, n_works=500, seed=1)
>>> len(units), len(works), units.crs.to_epsg()
(200, 500, 4326)
>>> bool(units.geometry.is_valid.all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["CITIES", "SIZES", "Size", "make_layers"]

#: City centres (lon, lat): Nusa Tenggara Barat first, then across the archipelago.
CITIES: tuple[tuple[str, float, float], ...] = (
    ("Mataram", 116.10, -8.58),
    ("Selong", 116.53, -8.65),
    ("Praya", 116.27, -8.71),
    ("Sumbawa Besar", 117.42, -8.49),
    ("Bima", 118.72, -8.46),
    ("Jakarta Utara", 106.88, -6.13),
    ("Bandung", 107.61, -6.91),
    ("Semarang", 110.42, -6.97),
    ("Surabaya", 112.75, -7.25),
    ("Yogyakarta", 110.37, -7.80),
    ("Malang", 112.63, -7.98),
    ("Cirebon", 108.55, -6.71),
    ("Tegal", 109.14, -6.87),
    ("Pekalongan", 109.67, -6.89),
    ("Serang", 106.15, -6.12),
    ("Denpasar", 115.22, -8.65),
    ("Kupang", 123.60, -10.17),
    ("Makassar", 119.42, -5.14),
    ("Palu", 119.87, -0.90),
    ("Manado", 124.84, 1.47),
    ("Banjarmasin", 114.59, -3.32),
    ("Pontianak", 109.33, -0.03),
    ("Samarinda", 117.15, -0.50),
    ("Palembang", 104.76, -2.98),
    ("Medan", 98.67, 3.59),
    ("Padang", 100.36, -0.95),
    ("Pekanbaru", 101.45, 0.51),
    ("Bandar Lampung", 105.26, -5.43),
    ("Jambi", 103.61, -1.61),
    ("Ambon", 128.18, -3.70),
)


@dataclass(frozen=True)
class Size:
    """One benchmark size: how many units and works, over how many cities."""

    name: str
    n_units: int
    n_works: int
    n_cities: int


#: The three sizes of the benchmark: a city, a province (Nusa Tenggara Barat) and the nation.
SIZES: dict[str, Size] = {
    "city": Size("city", 2_000, 5_000, 1),
    "province": Size("province", 10_000, 25_000, 5),
    "national": Size("national", 100_000, 250_000, 30),
}

#: Line works (lanes and drains) and their share among lines.
_LINE_KINDS = {
    "jalan_beton": 0.35,
    "paving": 0.25,
    "drainase_lingkungan": 0.25,
    "pedestrian": 0.05,
    "perpipaan": 0.10,
}
#: Point works and their share among points.
_POINT_KINDS = {
    "hidran_umum": 0.20,
    "septictank_komunal": 0.20,
    "mck": 0.10,
    "bak_sampah": 0.20,
    "sumur_resapan": 0.15,
    "sambungan_rumah": 0.10,
    "tps_3r": 0.05,
}
#: Polygon works (made from points on request) and their share among polygons.
_POLYGON_KINDS = {"rumah_deret": 0.5, "kolam_retensi": 0.5}
_STATUS = {"Selesai": 0.85, "Proses": 0.10, "Rencana": 0.05}
_LINE_SHARE = 0.8
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQ = 111_320.0


def _choice(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(table), dtype=object)
    p = np.array(list(table.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _city_units(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Quadrilaterals tiling a jittered grid, in metres from the city centre; and their extent."""
    ncols = int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    xs = np.concatenate([[0.0], np.cumsum(rng.uniform(80.0, 215.0, ncols))])
    ys = np.concatenate([[0.0], np.cumsum(rng.uniform(80.0, 215.0, nrows))])
    xs -= xs[-1] / 2
    ys -= ys[-1] / 2
    nx, ny = np.meshgrid(xs, ys)  # (nrows + 1, ncols + 1)
    nx = nx + rng.uniform(-15.0, 15.0, nx.shape)
    ny = ny + rng.uniform(-15.0, 15.0, ny.shape)
    r, c = np.divmod(np.arange(n), ncols)
    corners = [(r, c), (r, c + 1), (r + 1, c + 1), (r + 1, c), (r, c)]
    ring = np.stack([np.stack([nx[i, j], ny[i, j]], axis=-1) for i, j in corners], axis=1)
    extent = np.array([nx.min(), ny.min(), nx.max(), ny.max()])
    return ring, extent


def _city_works(
    rng: np.random.Generator, n: int, extent: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Lines (three vertices, 60-400 m, mostly along the grid) and points, in metres."""
    n_lines = round(n * _LINE_SHARE)
    start = rng.uniform(extent[:2], extent[2:], size=(n, 2))
    heading = rng.integers(0, 4, n_lines) * (np.pi / 2) + rng.normal(0.0, 0.08, n_lines)
    length = rng.uniform(60.0, 400.0, n_lines)
    bend = rng.normal(0.0, 0.25, n_lines)
    half = length / 2
    p0 = start[:n_lines]
    p1 = p0 + half[:, None] * np.column_stack([np.cos(heading), np.sin(heading)])
    h2 = heading + bend
    p2 = p1 + half[:, None] * np.column_stack([np.cos(h2), np.sin(h2)])
    lines = np.stack([p0, p1, p2], axis=1)
    points = start[n_lines:]
    return lines, points


def _to_lonlat(xy: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    out = np.empty_like(xy)
    out[..., 0] = lon0 + xy[..., 0] / (_M_PER_DEG_LON_EQ * np.cos(np.radians(lat0)))
    out[..., 1] = lat0 + xy[..., 1] / _M_PER_DEG_LAT
    return out


def make_layers(
    *,
    n_units: int,
    n_works: int,
    n_cities: int = 1,
    seed: int = 2024,
    polygon_share: float = 0.0,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Units and works over ``n_cities`` cities, reproducible from ``seed``.

    Parameters
    ----------
    n_units, n_works : int
        How many units and works in all, shared evenly among the cities.
    n_cities : int, default 1
        How many cities of :data:`CITIES`, in order (the first five are in Nusa Tenggara Barat).
    seed : int
        Seed of the random generator: the same seed gives the same layers.
    polygon_share : float, default 0
        Share of the works drawn as polygons: 20-60 m squares (row-house blocks and retention
        ponds) in place of as many points; the units and the other works stay as they are
        without it.

    Returns
    -------
    units, works : GeoDataFrame
        Units (``unit_id``, ``kota``, ``households``, ``buildings``, polygons) and works
        (``intervention_id``, ``kind``, ``status``, ``year``, lines, points and polygons),
        EPSG:4326.

    Examples
    --------
    >>> from benchmarks.synthetic import make_layers
    >>> _, works = make_layers(n_units=100, n_works=1000, seed=1, polygon_share=0.05)
    >>> works.geometry.geom_type.value_counts().to_dict()
    {'LineString': 800, 'Point': 150, 'Polygon': 50}
    """
    if not 0.0 <= polygon_share <= 1.0 - _LINE_SHARE:
        raise ValueError(f"polygon_share must be 0…{1 - _LINE_SHARE:.1f}, not {polygon_share}.")
    shapes = np.random.default_rng([seed, 1])  # apart, so that the rest stays as it is
    if not 1 <= n_cities <= len(CITIES):
        raise ValueError(f"n_cities must be 1…{len(CITIES)}, not {n_cities}.")
    rng = np.random.default_rng(seed)
    unit_parts: list[gpd.GeoDataFrame] = []
    work_parts: list[gpd.GeoDataFrame] = []
    per_city_units = np.diff(np.linspace(0, n_units, n_cities + 1).round().astype(int))
    per_city_works = np.diff(np.linspace(0, n_works, n_cities + 1).round().astype(int))
    for k, ((name, lon0, lat0), nu, nw) in enumerate(
        zip(CITIES[:n_cities], per_city_units, per_city_works, strict=False)
    ):
        rings, extent = _city_units(rng, int(nu))
        polys = shapely.polygons(_to_lonlat(rings, lon0, lat0))
        area_m2 = shapely.area(shapely.polygons(rings))
        households = np.round(area_m2 / 10_000 * rng.uniform(40.0, 120.0, len(rings)))
        code = f"{name[:3].upper()}{k:02d}"  # towns may share their first letters
        unit_parts.append(
            gpd.GeoDataFrame(
                {
                    "unit_id": [f"{code}-RT{i:05d}" for i in range(len(rings))],
                    "kota": name,
                    "households": households.astype(int),
                    "buildings": np.round(households * rng.uniform(0.7, 0.95, len(rings))).astype(
                        int
                    ),
                },
                geometry=polys,
                crs="EPSG:4326",
            )
        )
        lines, points = _city_works(rng, int(nw), extent)
        geoms = np.concatenate(
            [
                shapely.linestrings(_to_lonlat(lines, lon0, lat0)),
                shapely.points(_to_lonlat(points, lon0, lat0)),
            ]
        )
        kinds = np.concatenate(
            [_choice(rng, _LINE_KINDS, len(lines)), _choice(rng, _POINT_KINDS, len(points))]
        )
        n_polygons = min(round(int(nw) * polygon_share), len(points))
        if n_polygons:
            at = len(lines) + np.arange(n_polygons)
            half = shapes.uniform(10.0, 30.0, n_polygons)[:, None]
            centre = points[:n_polygons]
            corners = np.stack(
                [centre + half * np.array(d) for d in [(-1, -1), (1, -1), (1, 1), (-1, 1)]]
                + [centre + half * np.array((-1, -1))],
                axis=1,
            )
            geoms[at] = shapely.polygons(_to_lonlat(corners, lon0, lat0))
            kinds[at] = _choice(shapes, _POLYGON_KINDS, n_polygons)
        work_parts.append(
            gpd.GeoDataFrame(
                {
                    "intervention_id": [f"{code}-W{i:06d}" for i in range(len(geoms))],
                    "kind": kinds,
                    "status": _choice(rng, _STATUS, len(geoms)),
                    "year": rng.integers(2016, 2025, len(geoms)),
                },
                geometry=geoms,
                crs="EPSG:4326",
            )
        )
    units = pd.concat(unit_parts, ignore_index=True)
    works = pd.concat(work_parts, ignore_index=True)
    for frame in (units, works):
        for col in ("unit_id", "intervention_id", "kota", "kind", "status"):
            if col in frame.columns:
                frame[col] = frame[col].astype("string")
    return units, works


# ---------------------------------------------------------------- baselines and candidates

#: Denominator of each criterion of Permen PUPR 14/2018.
_DENOMINATOR = {
    **dict.fromkeys(["1a", "1c", "7a", "7b"], "buildings"),
    **dict.fromkeys(["1b", "4a"], "area_ha"),
    **dict.fromkeys(["2a", "2b"], "road_length_m"),
    **dict.fromkeys(["4b", "4c"], "drain_length_m"),
    **dict.fromkeys(["3a", "3b", "5a", "5b", "6a", "6b"], "households"),
}
#: How often each criterion fails (fire, waste and sanitation most, drinking water least).
_FAILS = {
    "1a": 0.35, "1b": 0.15, "1c": 0.30, "2a": 0.30, "2b": 0.40, "3a": 0.20, "3b": 0.15,
    "4a": 0.30, "4b": 0.35, "4c": 0.40, "5a": 0.50, "5b": 0.45, "6a": 0.55, "6b": 0.55,
    "7a": 0.65, "7b": 0.65,
}  # fmt: skip


def make_baseline(units: gpd.GeoDataFrame, *, seed: int = 2024) -> gpd.GeoDataFrame:
    """The units with the denominators and the 16 criterion volumes of Permen 14/2018.

    Each unit gets a severity; each criterion fails with a probability that grows with it,
    and a failing criterion's percentage is drawn across the score bands (25-100 %), with a
    margin from the band edges, a passing one's below 25 %. About 30 % of the units end up
    tidak kumuh, most of the rest kumuh ringan and a few kumuh sedang.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> from benchmarks.synthetic import make_baseline, make_layers
    >>> units, _ = make_layers(n_units=300, n_works=10, seed=1)
    >>> levels = kg.assess(make_baseline(units, seed=1))["level"].value_counts()
    >>> bool(levels["kumuh ringan"] > levels["tidak kumuh"] > levels["kumuh sedang"] > 0)
    True
    """
    import kotaku_gis as kg

    rng = np.random.default_rng(seed)
    out = units.copy()
    n = len(out)
    out["area_ha"] = kg.area_ha(out).to_numpy()
    out["road_length_m"] = np.round(out["area_ha"].to_numpy() * rng.uniform(250, 400, n), 1)
    out["drain_length_m"] = np.round(out["road_length_m"].to_numpy() * rng.uniform(0.9, 1.3, n))
    severity = rng.beta(2.5, 2.0, n)
    for code, den in _DENOMINATOR.items():
        d = out[den].to_numpy(dtype=float)
        fails = rng.random(n) < np.clip(_FAILS[code] * (0.4 + 1.5 * severity), 0, 0.97)
        band = rng.choice(3, size=n, p=[0.4, 0.35, 0.25])
        lo = np.array([27.0, 53.0, 78.0])[band]
        hi = np.array([49.0, 74.0, 100.0])[band]
        pct = np.where(
            fails, rng.uniform(lo, hi), rng.uniform(0.0, 23.0, n) * (rng.random(n) < 0.5)
        )
        vol = d * pct / 100.0
        if den in ("buildings", "households"):
            vol = np.minimum(np.round(vol), d)
        else:
            vol = np.round(vol, 2)
        out[code] = vol
    return out


#: Kinds a planner proposes for a failing criterion, with their unit cost (rupiah, per metre
#: for lines, per item for points) and how they are drawn: illustrative figures.
_CANDIDATE_KINDS = {
    "2a": ("jalan_beton", 1_100_000.0, "line"),
    "2b": ("paving", 650_000.0, "line"),
    "1a": ("jalan_beton", 1_100_000.0, "line"),
    "4a": ("drainase_lingkungan", 1_300_000.0, "line"),
    "4b": ("drainase_lingkungan", 1_300_000.0, "line"),
    "4c": ("normalisasi_saluran", 900_000.0, "line"),
    "3a": ("hidran_umum", 35_000_000.0, "point"),
    "3b": ("sumur_bor", 90_000_000.0, "point"),
    "5a": ("septictank_komunal", 180_000_000.0, "point"),
    "5b": ("mck", 250_000_000.0, "point"),
    "6a": ("bak_sampah", 12_000_000.0, "point"),
    "6b": ("gerobak_sampah", 25_000_000.0, "point"),
    "7a": ("hidran_kebakaran", 75_000_000.0, "point"),
    "7b": ("apar", 20_000_000.0, "point"),
    "1c": ("rehab_rtlh", 20_000_000.0, "item"),
}


def make_candidates(
    units: gpd.GeoDataFrame, *, n: int, seed: int = 2024, assessed: pd.DataFrame | None = None
) -> gpd.GeoDataFrame:
    """Candidate works with costs, aimed at the failing criteria of slum units.

    Slum units (``assessed``, default ``kg.assess(units)``) are targeted about 2.5 works
    each; each work addresses another failing criterion of its unit with a kind of work
    (:data:`_CANDIDATE_KINDS`): a
    lane or drain of 60-250 m through the unit, a facility near its centre (public taps and
    fire hydrants serve a disc of 60-120 m, so neighbours' discs overlap), or a number of
    houses to rehabilitate. Costs are the length or count times an illustrative unit cost,
    varied by ±20 %. Columns: ``intervention_id``, ``kind``, ``cost``, ``kota``,
    ``unit_id_target``, ``volume`` (items), ``radius_m`` (points), geometry (EPSG:4326).

    Examples
    --------
    >>> from benchmarks.synthetic import make_baseline, make_candidates, make_layers
    >>> units, _ = make_layers(n_units=200, n_works=10, seed=1)
    >>> cands = make_candidates(make_baseline(units, seed=1), n=50, seed=1)
    >>> len(cands), bool((cands["cost"] > 0).all()), cands["intervention_id"].is_unique
    (50, True, True)
    """
    import kotaku_gis as kg

    rng = np.random.default_rng(seed)
    if assessed is None:
        assessed = kg.assess(units)
    slum = np.flatnonzero((assessed["level"] != "tidak kumuh").to_numpy())
    codes = [c for c in _CANDIDATE_KINDS if f"score_{c}" in assessed.columns]
    scores = np.column_stack([assessed[f"score_{c}"].to_numpy() for c in codes])
    # A candidate list is drawn up unit by unit: about 2.5 works per targeted unit, each on
    # another of its failing criteria, so that most units leave the list only with several.
    chosen = rng.choice(slum, size=min(len(slum), int(np.ceil(n / 2.5))), replace=False)
    target = chosen[np.arange(n) % len(chosen)]
    rank = np.arange(n) // len(chosen)
    shuffled = {int(u): rng.permutation(np.flatnonzero(scores[u] > 0)) for u in chosen}
    centre = units.geometry.to_crs(4326).representative_point()
    rows, geoms = [], []
    for k, u in enumerate(target):
        failing = shuffled[int(u)]
        code = (
            codes[failing[rank[k] % len(failing)]]
            if len(failing)
            else codes[rng.integers(len(codes))]
        )
        kind, unit_cost, shape = _CANDIDATE_KINDS[code]
        lon, lat = centre.iloc[u].x, centre.iloc[u].y
        row = {
            "intervention_id": f"CAND-{k:05d}",
            "kind": kind,
            "kota": units["kota"].iloc[u] if "kota" in units.columns else "",
            "unit_id_target": units["unit_id"].iloc[u],
            "volume": np.nan,
            "radius_m": np.nan,
        }
        factor = rng.uniform(0.8, 1.2)
        if shape == "line":
            length = rng.uniform(60.0, 250.0)
            heading = rng.integers(0, 4) * np.pi / 2 + rng.normal(0, 0.1)
            dx, dy = np.cos(heading) * length / 2, np.sin(heading) * length / 2
            ox, oy = rng.uniform(-30, 30, 2)
            xy = np.array([[ox - dx, oy - dy], [ox + dx, oy + dy]])
            cost = length * unit_cost * factor
        else:
            xy = rng.uniform(-40, 40, (1, 2))
            if shape == "item":
                count = int(rng.integers(3, 15))
                row["volume"] = float(count)
                cost = count * unit_cost * factor
            else:
                row["radius_m"] = (
                    float(rng.uniform(60.0, 120.0)) if code in ("3a", "7a") else np.nan
                )
                cost = unit_cost * factor
        lon_lat = _to_lonlat(xy, lon, lat)
        geoms.append(shapely.LineString(lon_lat) if shape == "line" else shapely.Point(lon_lat[0]))
        row["cost"] = round(cost, -5)
        rows.append(row)
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    for col in ("intervention_id", "kind", "kota", "unit_id_target"):
        out[col] = out[col].astype("string")
    return out
