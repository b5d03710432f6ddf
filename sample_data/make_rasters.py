"""Make the sample rasters for Kota Mataram: flood depth and population (seeded, synthetic).

Run from the repository root after ``sample_data/make_sample.py``::

    .venv/bin/python sample_data/make_rasters.py

It reads the Kota Mataram boundary and the sample RT units from ``kotaku_gis/datasets/data/``
and writes, next to them:

``mataram_flood_depth.tif``
    Flood depth in metres (float32, nodata -9999) on a 30 m grid in UTM zone 50S
    (EPSG:32750), the kind of layer a drainage study or a flood model delivers. Depths come
    from a low-lying coastal strip on the west, three meandering east-west drainage channels
    and ponding pockets in about 40 % of the RT units. Cells farther than 300 m outside the
    kota are nodata.
``mataram_population.tif``
    People per cell (float32, nodata -9999) on a 1 arc-second grid (about 31 m) in
    longitude/latitude (EPSG:4326), the layout of WorldPop-style grids. Inside each RT unit
    the density follows the unit's ``penduduk`` with a few percent of noise, except for about
    12 % of the units whose raster density is set 40 % lower or 50 % higher, so that
    ``kg.population_per_unit`` has discrepancies to find. Elsewhere a smooth density around
    the old town centres (Ampenan, Mataram, Cakranegara) is scaled so that the kota holds
    about 430 000 people, the order of its 2020 census count. Cells farther than 500 m
    outside the kota are nodata.

Both layers are synthetic and drawn from a fixed seed; the files are deflate-compressed and
well under 500 KB each.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from rasterio.transform import Affine

SEED = 52_71  # the BPS code of Kota Mataram
DATA = Path(__file__).resolve().parents[1] / "kotaku_gis" / "datasets" / "data"
NODATA = -9999.0
KOTA_PEOPLE = 430_000.0
DEPTH_CELL_M = 30.0
POP_CELL_DEG = 1.0 / 3600.0
#: Mean radius of the Earth (m), for the area of the small population cells.
EARTH_RADIUS_M = 6_371_008.8


def load_inputs() -> tuple[shapely.Geometry, gpd.GeoDataFrame]:
    kota = gpd.read_file(DATA / "ntb_kabupaten_kota.geojson")
    mataram = kota.loc[kota["nama"] == "Kota Mataram", "geometry"].iloc[0]
    units = gpd.read_file(DATA / "ntb_sample.gpkg", layer="units")
    rt = units[(units["unit_level"] == "rt") & units["kota"].str.contains("Mataram")]
    return shapely.make_valid(mataram), rt.reset_index(drop=True)


def write_tiff(path: Path, values: np.ndarray, transform: Affine, crs: str, desc: str) -> None:
    profile = {
        "driver": "GTiff", "width": values.shape[1], "height": values.shape[0], "count": 1,
        "dtype": "float32", "crs": crs, "transform": transform, "nodata": NODATA,
        "compress": "deflate", "zlevel": 9, "predictor": 3,
        "tiled": True, "blockxsize": 256, "blockysize": 256,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values.astype("float32"), 1)
        dst.set_band_description(1, desc)
        dst.update_tags(source="synthetic, sample_data/make_rasters.py", seed=str(SEED))


def snapped_grid(bounds: np.ndarray, cell: float) -> tuple[float, float, int, int]:
    """Left, top, width and height of a grid on multiples of ``cell`` covering ``bounds``."""
    left = np.floor(bounds[0] / cell) * cell
    bottom = np.floor(bounds[1] / cell) * cell
    right = np.ceil(bounds[2] / cell) * cell
    top = np.ceil(bounds[3] / cell) * cell
    return left, top, round((right - left) / cell), round((top - bottom) / cell)


def flood_depth(rng: np.random.Generator, kota: shapely.Geometry, rt: gpd.GeoDataFrame) -> None:
    crs = "EPSG:32750"
    kota_m = gpd.GeoSeries([kota], crs="EPSG:4326").to_crs(crs).iloc[0]
    units = rt.to_crs(crs)
    area = kota_m.buffer(300.0)
    left, top, width, height = snapped_grid(np.array(area.bounds), DEPTH_CELL_M)
    cols, rows = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    x = left + cols * DEPTH_CELL_M
    y = top - rows * DEPTH_CELL_M
    inside = shapely.contains_xy(kota_m, x, y)

    # Coast: the kota's western edge on each row; land within about a kilometre of it is low.
    first = np.where(inside.any(axis=1), np.argmax(inside, axis=1), width)
    coast_x = left + first[:, None] * DEPTH_CELL_M
    depth = 0.55 * np.exp(-np.clip(x - coast_x, 0, None) / 450.0)

    # Drainage channels: east-west lines with a gentle meander, overflowing their banks.
    x0, y0, x1, y1 = kota_m.bounds
    points = shapely.points(x.ravel(), y.ravel())
    for frac in (0.28, 0.52, 0.76):
        xs = np.linspace(x0 - 500, x1 + 500, 60)
        phase = rng.uniform(0, 2 * np.pi)
        ys = y0 + frac * (y1 - y0) + 180.0 * np.sin(xs / 900.0 + phase)
        channel = shapely.linestrings(xs, ys)
        d = shapely.distance(points, channel).reshape(x.shape)
        depth = np.maximum(depth, rng.uniform(0.35, 0.7) * np.exp(-((d / 70.0) ** 2)))

    # Ponding pockets in about 40 % of the RT units.
    pocket_units = units[rng.random(len(units)) < 0.4]
    for geom in pocket_units.geometry:
        bx0, by0, bx1, by1 = geom.bounds
        cx, cy = rng.uniform(bx0, bx1), rng.uniform(by0, by1)
        radius = rng.uniform(30.0, 90.0)
        peak = rng.uniform(0.15, 0.9)
        depth = np.maximum(depth, peak * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / radius**2))

    depth = depth + rng.normal(0.0, 0.02, depth.shape)
    depth = np.where(depth < 0.05, 0.0, np.round(depth, 2))
    valid = shapely.contains_xy(area, x, y)
    depth = np.where(valid, depth, NODATA)
    transform = Affine(DEPTH_CELL_M, 0.0, left, 0.0, -DEPTH_CELL_M, top)
    write_tiff(DATA / "mataram_flood_depth.tif", depth, transform, crs, "flood depth (m)")


def cell_fractions(
    geoms: np.ndarray, left: float, top: float, width: int, height: int, cell: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit, flat cell number, share of the cell inside the unit) for every overlap."""
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    x = left + cols.ravel() * cell
    y = top - rows.ravel() * cell
    boxes = shapely.box(x, y - cell, x + cell, y)
    unit, cell_no = shapely.STRtree(boxes).query(geoms, predicate="intersects")
    share = shapely.area(shapely.intersection(geoms[unit], boxes[cell_no])) / cell**2
    return unit, cell_no, share


def population(rng: np.random.Generator, kota: shapely.Geometry, rt: gpd.GeoDataFrame) -> None:
    deg_per_m = 1.0 / 111_320.0
    area = kota.buffer(500.0 * deg_per_m)
    left, top, width, height = snapped_grid(np.array(area.bounds), POP_CELL_DEG)
    cols, rows = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    lon = left + cols * POP_CELL_DEG
    lat = top - rows * POP_CELL_DEG
    cell_ha = (EARTH_RADIUS_M * np.radians(POP_CELL_DEG)) ** 2 * np.cos(np.radians(lat)) / 1e4

    # Background density (people per ha) around the old centres, with smooth variation.
    centres = [(116.080, -8.572, 0.012), (116.105, -8.585, 0.015), (116.135, -8.588, 0.014)]
    background = np.full(lon.shape, 20.0)
    for cx, cy, r in centres:
        background += 80.0 * np.exp(-((lon - cx) ** 2 + (lat - cy) ** 2) / r**2)
    for _ in range(25):
        cx, cy = rng.uniform(*area.bounds[::2]), rng.uniform(*area.bounds[1::2])
        background *= 1.0 + rng.uniform(-0.25, 0.25) * np.exp(
            -((lon - cx) ** 2 + (lat - cy) ** 2) / 0.004**2
        )

    # RT units: their own density, a few percent of noise, and some deliberate outliers.
    unit_density = (rt["penduduk"] / rt["area_ha"]).to_numpy(dtype=float, copy=True)
    unit_density *= rng.lognormal(0.0, 0.04, len(rt))
    outlier = rng.random(len(rt))
    unit_density[outlier < 0.06] *= 0.6
    unit_density[(outlier >= 0.06) & (outlier < 0.12)] *= 1.5
    geoms = np.asarray(rt.geometry.array, dtype=object)
    unit, cell_no, share = cell_fractions(geoms, left, top, width, height, POP_CELL_DEG)
    n_cells = width * height
    covered = np.minimum(np.bincount(cell_no, weights=share, minlength=n_cells), 1.0)
    in_units = np.bincount(cell_no, weights=share * unit_density[unit], minlength=n_cells)

    inside = shapely.contains_xy(kota, lon, lat)
    rt_people = (in_units.reshape(lon.shape) * cell_ha)[inside].sum()
    rest = ((1.0 - covered.reshape(lon.shape)) * background * cell_ha)[inside].sum()
    background *= (KOTA_PEOPLE - rt_people) / rest
    density = in_units.reshape(lon.shape) + (1.0 - covered.reshape(lon.shape)) * background
    people = np.round(density * cell_ha, 2)
    people = np.where(shapely.contains_xy(area, lon, lat), people, NODATA)
    transform = Affine(POP_CELL_DEG, 0.0, left, 0.0, -POP_CELL_DEG, top)
    write_tiff(DATA / "mataram_population.tif", people, transform, "EPSG:4326", "people per cell")


def main() -> None:
    rng = np.random.default_rng(SEED)
    kota, rt = load_inputs()
    flood_depth(rng, kota, rt)
    population(rng, kota, rt)
    for name in ("mataram_flood_depth.tif", "mataram_population.tif"):
        path = DATA / name
        with rasterio.open(path) as src:
            values = src.read(1, masked=True)
            print(
                f"{name}: {src.width}×{src.height} cells, {src.crs}, "
                f"{path.stat().st_size / 1024:.0f} KB, valid values {values.min():.2f}–"
                f"{values.max():.2f}, sum {values.sum():.1f}"
            )


if __name__ == "__main__":
    main()
