"""Hypothesis strategies: random RT-like units and works near Kota Mataram.

Units are drawn on a grid of cells of ``CELL_DEG`` degrees (about 330 m) between lon
116.07-116.17 and lat -8.63 to -8.55; each unit keeps to its own cell, so units never
overlap, and a unit that fills its cell shares its edges with its neighbours, as RT tiles do.
Works (points, lines, small polygons) fall anywhere around the units, with random service
radii, kinds, statuses and years.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import strategies as st

import kotaku_gis as kg
from kotaku_gis.schema import CRITERIA_2018, CRITERION_DENOMINATOR

LON_MIN, LON_MAX = 116.07, 116.17
LAT_MIN, LAT_MAX = -8.63, -8.55
CELL_DEG = 0.003
NX = round((LON_MAX - LON_MIN) / CELL_DEG)
NY = round((LAT_MAX - LAT_MIN) / CELL_DEG)

#: Kinds the works draw from: every category key and some activities.
KINDS = (*kg.CATEGORIES, "jalan_beton", "hidran_umum", "septictank_komunal", "tps_3r", "apar")
STATUSES = ("selesai", "Selesai", "completed", "100%", "rencana", "proses")
SHAPES = ("full", "box", "ell", "hull", "multi")


def _cell_origin(i: int, j: int) -> tuple[float, float]:
    return LON_MIN + i * CELL_DEG, LAT_MIN + j * CELL_DEG


@st.composite
def unit_geometry(draw: st.DrawFn, cell: tuple[int, int]) -> shapely.Geometry:
    """A polygon inside one grid cell: the whole cell, a box, an L, a convex hull or two boxes."""
    x0, y0 = _cell_origin(*cell)
    shape = draw(st.sampled_from(SHAPES))
    if shape == "full":
        return shapely.box(x0, y0, x0 + CELL_DEG, y0 + CELL_DEG)
    frac = st.floats(0.0, 0.35, allow_nan=False)
    left, bottom = draw(frac), draw(frac)
    right, top = 1 - draw(frac), 1 - draw(frac)
    box = shapely.box(
        x0 + left * CELL_DEG, y0 + bottom * CELL_DEG, x0 + right * CELL_DEG, y0 + top * CELL_DEG
    )
    if shape == "box":
        return box
    if shape == "ell":
        bx0, by0, bx1, by1 = box.bounds
        corner = shapely.box((bx0 + bx1) / 2, (by0 + by1) / 2, bx1, by1)
        return box.difference(corner)
    if shape == "multi":
        bx0, by0, bx1, by1 = box.bounds
        gap = (bx1 - bx0) * draw(st.floats(0.05, 0.3))
        mid = (bx0 + bx1) / 2
        return shapely.MultiPolygon(
            [shapely.box(bx0, by0, mid - gap / 2, by1), shapely.box(mid + gap / 2, by0, bx1, by1)]
        )
    pts = draw(
        st.lists(st.tuples(st.floats(0.05, 0.95), st.floats(0.05, 0.95)), min_size=3, max_size=8)
    )
    hull = shapely.MultiPoint([(x0 + u * CELL_DEG, y0 + v * CELL_DEG) for u, v in pts])
    hull = hull.convex_hull
    # A degenerate hull (collinear points) falls back to the box.
    return hull if hull.geom_type == "Polygon" and hull.area > (CELL_DEG**2) * 0.01 else box


@st.composite
def units_frames(draw: st.DrawFn, *, min_units: int = 1, max_units: int = 8) -> gpd.GeoDataFrame:
    """Non-overlapping RT-like units in EPSG:4326, with denominators and criterion volumes."""
    n = draw(st.integers(min_units, max_units))
    # Units cluster in a block of cells so that works touch several of them.
    bx = draw(st.integers(0, NX - 6))
    by = draw(st.integers(0, NY - 6))
    cells = draw(
        st.lists(
            st.tuples(st.integers(bx, bx + 5), st.integers(by, by + 5)),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    geoms = [draw(unit_geometry(c)) for c in cells]
    counts = st.integers(1, 300)
    data: dict[str, list] = {
        "unit_id": [f"RT{k:03d}" for k in range(n)],
        "kelurahan": [draw(st.sampled_from(["Ampenan Utara", "Dayan Peken", "Cakranegara"]))
                      for _ in range(n)],
        "buildings": [draw(counts) for _ in range(n)],
        "households": [draw(counts) for _ in range(n)],
        "road_length_m": [draw(st.floats(50.0, 2000.0)) for _ in range(n)],
        "drain_length_m": [draw(st.floats(50.0, 2000.0)) for _ in range(n)],
    }  # fmt: skip
    frame = gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326")
    area = kg.area_ha(frame).to_numpy()
    for code in CRITERIA_2018:
        denom = CRITERION_DENOMINATOR[code]
        limit = area if denom == "area_ha" else frame[denom].to_numpy(dtype=float)
        shares = np.array([draw(st.floats(0.0, 1.0)) for _ in range(n)])
        frame[code] = np.round(shares * limit, 3)
    return frame


@st.composite
def work_geometry(draw: st.DrawFn, bounds: tuple[float, float, float, float]) -> shapely.Geometry:
    """A point, a line or a small polygon starting in or near ``bounds`` (lon/lat)."""
    x0, y0, x1, y1 = bounds
    pad = CELL_DEG / 4
    lon = st.floats(x0 - pad, x1 + pad, allow_nan=False)
    lat = st.floats(y0 - pad, y1 + pad, allow_nan=False)
    kind = draw(st.sampled_from(["point", "point", "line", "line", "polygon"]))
    start = (draw(lon), draw(lat))
    if kind == "point":
        return shapely.Point(start)
    step = st.floats(-CELL_DEG, CELL_DEG, allow_nan=False)
    if kind == "line":
        pts = [start]
        for _ in range(draw(st.integers(1, 3))):
            pts.append((pts[-1][0] + draw(step), pts[-1][1] + draw(step)))
        line = shapely.LineString(pts)
        return line if line.length > 0 else shapely.Point(start)
    w = abs(draw(step)) / 3 + CELL_DEG / 20
    h = abs(draw(step)) / 3 + CELL_DEG / 20
    return shapely.box(start[0], start[1], start[0] + w, start[1] + h)


@st.composite
def works_frames(
    draw: st.DrawFn,
    bounds: gpd.GeoDataFrame | tuple[float, float, float, float],
    *,
    min_works: int = 0,
    max_works: int = 8,
    prefix: str = "W",
) -> gpd.GeoDataFrame:
    """Works in EPSG:4326 with kind, status, year and radius_m (0-150 m).

    Each work starts in or near one of the units of ``bounds`` (a frame), or near a box.
    """
    n = draw(st.integers(min_works, max_works))
    if isinstance(bounds, gpd.GeoDataFrame):
        boxes = [tuple(b) for b in bounds.geometry.dropna().bounds.to_numpy()]
    else:
        boxes = [tuple(bounds)]
    geoms = [draw(work_geometry(draw(st.sampled_from(boxes)))) for _ in range(n)]
    data = {
        "intervention_id": [f"{prefix}{k:03d}" for k in range(n)],
        "kind": [draw(st.sampled_from(KINDS)) for _ in range(n)],
        "status": [draw(st.sampled_from(STATUSES)) for _ in range(n)],
        "year": [draw(st.integers(2020, 2023)) for _ in range(n)],
        "radius_m": [draw(st.sampled_from([25.0, 0.0, 5.0, 60.0, 150.0])) for _ in range(n)],
    }
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326")


@st.composite
def units_and_works(
    draw: st.DrawFn, *, max_units: int = 8, max_works: int = 8
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Units and the works around them, both in EPSG:4326."""
    units = draw(units_frames(max_units=max_units))
    works = draw(works_frames(units, min_works=1, max_works=max_works))
    return units, works


def score_tables(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """A plain table of ``n`` units with denominators and volumes (some above 100 %)."""
    frame = pd.DataFrame(
        {
            "unit_id": [f"U{k}" for k in range(n)],
            "buildings": rng.integers(0, 200, n).astype(float),
            "households": rng.integers(0, 250, n).astype(float),
            "road_length_m": rng.uniform(0, 1500, n).round(1),
            "drain_length_m": rng.uniform(0, 1500, n).round(1),
            "area_ha": rng.uniform(0, 6, n).round(2),
        }
    )
    for code in CRITERIA_2018:
        denom = frame[CRITERION_DENOMINATOR[code]].to_numpy()
        frame[code] = (rng.uniform(0, 1.1, n) * denom).round(2)
    return frame
