"""Exact zonal statistics against the all-or-nothing cell-centre approach, 10,000 RT units.

Run from the repository root::

    .venv/bin/python benchmarks/bench_zonal.py [n_units] [cell_m]

A seeded flood-depth raster (UTM 50S, ``cell_m`` metres, 10 by default, tiled GeoTIFF in a
temporary folder) covers RT-sized units from :mod:`benchmarks.synthetic` (lon/lat around
Mataram). Two ways to get each unit's mean and sum depth and its inundated hectares
(depth >= 0.3 m, the 4a volume) are timed and compared:

* exact: ``kg.zonal_stats`` and ``kg.inundated_ha`` (every cell weighted by the share of it
  inside the unit; ellipsoidal hectares);
* cell centre: what a planner writes with rasterio alone: per unit, read the window under
  it and keep the cells whose centre falls inside (``rasterio.features.geometry_mask``),
  each counted whole, hectares as cells × cell area.

Errors are those of the cell-centre answers against the exact ones; "4a score changes"
counts units whose 4a score (0/1/3/5 at 25/51/76 % of the unit's area) differs.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
import rasterio.features
import rasterio.windows
from rasterio.transform import Affine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kotaku_gis as kg
from benchmarks.synthetic import make_layers

THRESHOLD_M = 0.3
RASTER_CRS = "EPSG:32750"


def make_raster(path: Path, bounds: np.ndarray, cell_m: float, seed: int = 7) -> None:
    """Depth in metres: smooth ponds with sharp dry edges, channels, 0.5 % nodata specks."""
    rng = np.random.default_rng(seed)
    left, bottom = np.floor(bounds[:2] / cell_m) * cell_m - cell_m
    right, top = np.ceil(bounds[2:] / cell_m) * cell_m + cell_m
    width, height = round(float(right - left) / cell_m), round(float(top - bottom) / cell_m)
    transform = Affine(cell_m, 0.0, left, 0.0, -cell_m, top)
    profile = {
        "driver": "GTiff", "width": width, "height": height, "count": 1, "dtype": "float32",
        "crs": RASTER_CRS, "transform": transform, "nodata": -9999.0,
        "tiled": True, "blockxsize": 256, "blockysize": 256,
    }  # fmt: skip
    ponds = rng.uniform([left, bottom], [right, top], size=(400, 2))
    radii = rng.uniform(40.0, 250.0, 400)
    peaks = rng.uniform(0.2, 1.2, 400)
    with rasterio.open(path, "w", **profile) as dst:
        for _, window in dst.block_windows(1):
            rows, cols = np.mgrid[
                window.row_off : window.row_off + window.height,
                window.col_off : window.col_off + window.width,
            ]
            x = left + (cols + 0.5) * cell_m
            y = top - (rows + 0.5) * cell_m
            depth = 0.15 + 0.1 * np.sin(x / 370.0) * np.cos(y / 510.0)
            for (px, py), r, peak in zip(ponds, radii, peaks, strict=True):
                near = (np.abs(x - px) < 3 * r) & (np.abs(y - py) < 3 * r)
                if near.any():
                    d2 = ((x - px) ** 2 + (y - py) ** 2) / r**2
                    depth = np.where(near & (d2 < 1.0), np.maximum(depth, peak * (1 - d2)), depth)
            depth = np.where(depth < 0.2, 0.0, depth)  # dry ground: sharp wet/dry edges
            depth = np.where(rng.random(depth.shape) < 0.005, -9999.0, depth)
            dst.write(depth.astype("float32"), 1, window=window)


def cell_centre(units_utm, path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, sum and inundated hectares with whole cells whose centre is inside each unit."""
    n = len(units_utm)
    mean, total, wet_ha = np.full(n, np.nan), np.zeros(n), np.zeros(n)
    with rasterio.open(path) as src:
        cell_ha = abs(src.transform.a * src.transform.e) / 10_000.0
        full = rasterio.windows.Window(0, 0, src.width, src.height)
        t = src.transform
        for i, geom in enumerate(units_utm.geometry):
            minx, miny, maxx, maxy = geom.bounds
            c0, c1 = math.floor((minx - t.c) / t.a), math.ceil((maxx - t.c) / t.a)
            r0, r1 = math.floor((maxy - t.f) / t.e), math.ceil((miny - t.f) / t.e)
            window = rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0).intersection(full)
            values = src.read(1, window=window, masked=True)
            inside = rasterio.features.geometry_mask(
                [geom], values.shape, src.window_transform(window), invert=True
            )
            picked = values[inside & ~np.ma.getmaskarray(values)].filled(np.nan)
            if picked.size:
                mean[i] = picked.mean()
                total[i] = picked.sum()
                wet_ha[i] = (picked >= THRESHOLD_M).sum() * cell_ha
    return mean, total, wet_ha


def score_4a(pct: np.ndarray) -> np.ndarray:
    return np.select([pct >= 76, pct >= 51, pct >= 25], [5, 3, 1], default=0)


def pct(values: np.ndarray, q: float) -> float:
    return float(np.nanpercentile(values, q))


def main(n_units: int = 10_000, cell_m: float = 10.0) -> None:
    units, _ = make_layers(n_units=n_units, n_works=0, n_cities=1, seed=11)
    units_utm = units.to_crs(RASTER_CRS)
    area = kg.area_ha(units).to_numpy()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "depth.tif"
        t = time.perf_counter()
        make_raster(path, np.asarray(units_utm.total_bounds), cell_m)
        t_raster = time.perf_counter() - t
        with rasterio.open(path) as src:
            shape = (src.height, src.width)

        t = time.perf_counter()
        exact = kg.zonal_stats(units, path, stats=("mean", "sum", "count"))
        t_exact = time.perf_counter() - t
        t = time.perf_counter()
        exact_wet = kg.inundated_ha(units, path, threshold=THRESHOLD_M).to_numpy()
        t_exact_wet = time.perf_counter() - t
        t = time.perf_counter()
        cc_mean, cc_sum, cc_wet = cell_centre(units_utm, path)
        t_cc = time.perf_counter() - t

    ex_mean, ex_sum = exact["mean"].to_numpy(), exact["sum"].to_numpy()
    ok = ex_sum > 0
    sum_err = np.abs(cc_sum[ok] - ex_sum[ok]) / ex_sum[ok]
    mean_err = np.abs(cc_mean - ex_mean)
    wet_err = np.abs(cc_wet - exact_wet)
    share_err = 100 * wet_err / area
    changed = score_4a(100 * cc_wet / area) != score_4a(100 * exact_wet / area)
    no_centre = np.isnan(cc_mean) & ~np.isnan(ex_mean)

    print(
        f"{n_units} units (median {np.median(area):.2f} ha), raster {shape[1]}×{shape[0]} "
        f"cells of {cell_m:g} m (made in {t_raster:.1f} s)"
    )
    print(f"{'method':<34}{'time (s)':>10}{'units/s':>10}")
    for name, seconds in (
        ("exact zonal_stats (mean,sum,count)", t_exact),
        ("exact inundated_ha", t_exact_wet),
        ("cell centre (mean,sum,wet ha)", t_cc),
    ):
        print(f"{name:<34}{seconds:>10.2f}{n_units / seconds:>10.0f}")
    print()
    print(f"{'cell-centre error vs exact':<40}{'median':>10}{'p95':>10}{'max':>10}")
    rows = (
        ("sum, relative (%)", 100 * sum_err),
        ("mean depth, absolute (cm)", 100 * mean_err),
        ("inundated, absolute (ha)", wet_err),
        ("inundated, share of unit area (pp)", share_err),
    )
    for name, err in rows:
        print(f"{name:<40}{pct(err, 50):>10.4f}{pct(err, 95):>10.4f}{np.nanmax(err):>10.4f}")
    print()
    print(f"units whose 4a score changes: {changed.sum()} of {n_units} ({changed.mean():.1%})")
    print(f"units with no cell centre inside (NaN): {no_centre.sum()}")
    print(
        f"total inundated ha: exact {np.nansum(exact_wet):.2f}, cell centre "
        f"{np.nansum(cc_wet):.2f} ({np.nansum(cc_wet) / np.nansum(exact_wet) - 1:+.3%})"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 10_000, float(args[1]) if len(args) > 1 else 10.0)
