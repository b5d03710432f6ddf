"""Slum hectares on a regular grid, for sharing results without exact slum boundaries.

Drawing the exact outline of a slum can expose its residents to eviction. A grid of, say,
100 m cells carrying the slum hectares and the dominant level of each cell shows where the
problem is and how large it is, and adds up to the same hectares as the units.

Each slum unit's hectares are split over the cells it overlaps in proportion to the area of
each piece, measured in one Lambert azimuthal equal-area frame. The pieces of a unit sum to
the unit's hectares, so the grid conserves hectares to floating-point rounding. Because the
frame is equal-area, every cell is exactly ``cell_m × cell_m`` of ground.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import shapely
from rasterio.transform import Affine
from rasterio.windows import Window

from .area import area_ha_array
from .crs import CELL_DEG, geoseries_values, laea_crs, to_frame_crs, to_lonlat
from .errors import InputError, reject_dask
from .io import atomic_path
from .rulesets import NOT_SLUM, normalise_levels
from .schema import LEVELS, ha_column
from .validation_report import ValidationReport

__all__ = ["LEVEL_CODES", "grid_summary", "write_grid_tiff"]

_SLUM_LEVELS: tuple[str, ...] = tuple(level for level in LEVELS if level != NOT_SLUM)
#: Codes of the slum levels in the level band of :func:`write_grid_tiff` (0: no slum).
LEVEL_CODES: dict[str, int] = {"kumuh ringan": 1, "kumuh sedang": 2, "kumuh berat": 3}
#: Side in cells of the GeoTIFF's blocks, written one at a time.
_BLOCK = 256
#: Unit/cell pairs intersected at once, bounding memory for kelurahan-sized units.
_CHUNK_PAIRS = 200_000


def _frame_crs(geoms: np.ndarray, src: pyproj.CRS, crs: object) -> pyproj.CRS:
    """The grid's CRS: the one given (metric, projected) or LAEA on the data's 1° cell."""
    if crs is not None:
        frame = pyproj.CRS.from_user_input(crs)
        unit = frame.axis_info[0].unit_name if frame.axis_info else ""
        if not frame.is_projected or unit not in ("metre", "meter"):
            raise InputError(
                f"the grid CRS must be projected in metres, not {frame.name!r}; pass an "
                "equal-area CRS such as kotaku_gis.crs.laea_crs(lon, lat), or leave crs=None."
            )
        return frame
    # Centred on the middle of the 1° cell holding the data, so that grids of the same area
    # made from different years or files line up cell for cell.
    box = shapely.box(*shapely.total_bounds(geoms))
    lonlat = to_frame_crs(np.array([shapely.centroid(box)]), src, pyproj.CRS.from_epsg(4326))
    lon, lat = shapely.get_coordinates(lonlat)[0]
    centre = (np.floor(np.array([lon, lat]) / CELL_DEG) + 0.5) * CELL_DEG
    return laea_crs(float(centre[0]), float(centre[1]))


def _on_globe(geoms: np.ndarray, src: pyproj.CRS) -> np.ndarray:
    """True where a geometry's bounding box lies on the globe in WGS 84 lon/lat.

    Swapped axes (latitude 116) or a wrong CRS put a unit off the globe; no local frame can
    be centred there.
    """
    b = shapely.bounds(geoms)
    with np.errstate(all="ignore"):
        lon, lat = to_lonlat(b[:, [0, 2]], b[:, [1, 3]], src)
    ok = np.isfinite(lon).all(axis=1) & np.isfinite(lat).all(axis=1)
    with np.errstate(invalid="ignore"):
        ok &= (np.abs(lon) <= 180).all(axis=1) & (np.abs(lat) <= 90).all(axis=1)
    return ok


def _levels(assessed: pd.DataFrame, column: str) -> pd.Series:
    if column not in assessed.columns:
        raise InputError(
            f"the units have no {column!r} column; score them first with kg.assess(units)."
        )
    return normalise_levels(assessed[column], column=column)


def _verified_hectares(
    slum: gpd.GeoDataFrame, geoms: np.ndarray, crs: pyproj.CRS, column: str, report
) -> np.ndarray:
    """The units' hectares: the verified ``area_ha`` column, else the geometry's."""
    measured = area_ha_array(geoms, crs)
    if column not in slum.columns:
        return measured
    given = pd.to_numeric(slum[column], errors="coerce").to_numpy(dtype=np.float64)
    missing = ~np.isfinite(given)
    report.add_rows(
        slum.index[missing], column, "info", "area_from_geometry",
        f"no {column} given: the geometry's hectares are spread on the grid",
    )  # fmt: skip
    return np.where(missing, measured, given)


def _candidate_cells(geoms: np.ndarray, cell_m: float) -> np.ndarray:
    """(ix, iy) of every grid cell that some unit's bounding box touches, without repeats."""
    b = shapely.bounds(geoms)
    i0 = np.floor(b[:, 0] / cell_m).astype(np.int64)
    j0 = np.floor(b[:, 1] / cell_m).astype(np.int64)
    nx = np.maximum(np.ceil(b[:, 2] / cell_m).astype(np.int64) - i0, 1)
    ny = np.maximum(np.ceil(b[:, 3] / cell_m).astype(np.int64) - j0, 1)
    per_unit = nx * ny
    unit = np.repeat(np.arange(len(geoms)), per_unit)
    k = np.arange(per_unit.sum()) - np.repeat(np.cumsum(per_unit) - per_unit, per_unit)
    ix = i0[unit] + k % nx[unit]
    iy = j0[unit] + k // nx[unit]
    return np.unique(np.stack([ix, iy], axis=1), axis=0)


def _pieces(
    geoms: np.ndarray, cell_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(unit, ix, iy, area m²) of every non-empty piece of a unit inside a grid cell."""
    cells = _candidate_cells(geoms, cell_m)
    boxes = shapely.box(
        cells[:, 0] * cell_m, cells[:, 1] * cell_m,
        (cells[:, 0] + 1) * cell_m, (cells[:, 1] + 1) * cell_m,
    )  # fmt: skip
    # Only the cells a unit really intersects, not every cell of its bounding box.
    box_idx, unit = shapely.STRtree(geoms).query(boxes, predicate="intersects")
    area = np.empty(len(unit))
    for start in range(0, len(unit), _CHUNK_PAIRS):
        sl = slice(start, start + _CHUNK_PAIRS)
        area[sl] = shapely.area(shapely.intersection(geoms[unit[sl]], boxes[box_idx[sl]]))
    keep = area > 0
    return unit[keep], cells[box_idx[keep], 0], cells[box_idx[keep], 1], area[keep]


def grid_summary(
    assessed: gpd.GeoDataFrame,
    *,
    cell_m: float = 100.0,
    crs: object = None,
    level_column: str = "level",
    area_column: str = "area_ha",
) -> gpd.GeoDataFrame:
    """Slum hectares and the dominant level on a regular grid, conserving hectares.

    Parameters
    ----------
    assessed : GeoDataFrame
        Units with polygons, a CRS and a ``level`` column (output of :func:`kotaku_gis.assess`).
        Units whose level is ``"tidak kumuh"`` or missing are not slum and are left out.
    cell_m : float
        Cell size in metres.
    crs : CRS-like, optional
        The grid's projected metric CRS. By default a Lambert azimuthal equal-area frame centred
        on the middle of the 1° cell holding the data, so grids of the same area line up.
        Cells are aligned on multiples of ``cell_m`` from the CRS origin.
    level_column : str
        Column with the level labels.
    area_column : str
        Column with the units' verified hectares; where absent or missing, the geometry's
        ellipsoidal hectares are used (and reported).

    Returns
    -------
    GeoDataFrame
        One row per cell holding slum, in the grid CRS, ordered from the top-left: ``ix`` and
        ``iy`` (cell numbers along x and y from the CRS origin), ``slum_ha``, ``level`` (the
        slum level with most hectares in the cell; a tie goes to the worse level), ``units``
        (slum units in the cell), ``ha_kumuh_berat``, ``ha_kumuh_sedang``, ``ha_kumuh_ringan``
        and the cell square as geometry. ``slum_ha`` sums to the slum units' hectares;
        ``attrs["report"]`` lists slum units that could not be placed (no polygon, or
        coordinates off the globe) with their hectares.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> from kotaku_gis.crs import laea_crs
    >>> frame = laea_crs(116.5, -8.5)
    >>> units = gpd.GeoDataFrame(
    ...     {"level": ["kumuh berat", "kumuh ringan", "tidak kumuh"], "area_ha": [2.0, 1.0, 1.0]},
    ...     geometry=[shapely.box(50, 50, 250, 150), shapely.box(0, 100, 100, 200),
    ...               shapely.box(300, 0, 400, 100)], crs=frame)
    >>> grid = kg.grid_summary(units, cell_m=100, crs=frame)
    >>> grid[["ix", "iy", "slum_ha", "level", "units"]].values.tolist()
    [[0, 1, 1.25, 'kumuh ringan', 2], [1, 1, 0.5, 'kumuh berat', 1], [2, 1, 0.25, 'kumuh berat', 1], [0, 0, 0.25, 'kumuh berat', 1], [1, 0, 0.5, 'kumuh berat', 1], [2, 0, 0.25, 'kumuh berat', 1]]
    >>> float(grid["slum_ha"].sum())
    3.0
    """  # noqa: E501
    cell_m = _checked(assessed, cell_m)
    report = ValidationReport(what="units", source="grid_summary")
    slum = _slum_units(assessed, level_column, area_column, report)
    frame, pieces = _pieces_on_grid(slum, cell_m, crs, report)
    grid = _cells(pieces, cell_m, frame)
    grid.attrs["report"] = report
    return grid


def _checked(assessed: gpd.GeoDataFrame, cell_m: float) -> float:
    """The cell size in metres, once the units are known to be a GeoDataFrame."""
    reject_dask(assessed, function="kg.grid_summary")
    if not isinstance(assessed, gpd.GeoDataFrame):
        raise InputError(
            "grid_summary needs the assessed units as a GeoDataFrame with polygons; read them "
            "with kg.read_units(path) and score them with kg.assess(units)."
        )
    try:
        cell_m = float(cell_m)
    except (TypeError, ValueError) as err:
        raise InputError(f"cell_m must be a number of metres, not {cell_m!r}.") from err
    if not (np.isfinite(cell_m) and cell_m > 0):
        raise InputError(f"cell_m must be a positive number of metres, not {cell_m}.")
    return cell_m


@dataclass
class _Slum:
    """The slum units that can be placed on the grid, and what the frame is centred on."""

    geoms: np.ndarray
    hectares: np.ndarray
    levels: np.ndarray
    index: pd.Index
    src: pyproj.CRS
    #: Every placeable unit (slum or not): where the grid's frame goes when no slum is placed.
    placeable: np.ndarray


def _slum_units(
    assessed: gpd.GeoDataFrame, level_column: str, area_column: str, report: ValidationReport
) -> _Slum:
    """The slum units with polygons on the globe and their hectares; the others reported."""
    levels = _levels(assessed, level_column)
    geoms, src = geoseries_values(assessed)
    is_slum = levels.isin(_SLUM_LEVELS).fillna(False).to_numpy(dtype=bool)
    unscored = levels.isna().to_numpy()
    report.add_rows(
        assessed.index[unscored], level_column, "warning", "no_level",
        "the unit has no level, so it is not on the grid; score it with kg.assess first",
    )  # fmt: skip
    polygonal = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    polygonal &= np.isin(shapely.get_type_id(geoms), [3, 6, 7])
    on_globe = np.zeros(len(geoms), dtype=bool)
    on_globe[polygonal] = _on_globe(geoms[polygonal], src)
    placeable = polygonal & on_globe
    slum = assessed[is_slum]
    ha = _verified_hectares(slum, geoms[is_slum], src, area_column, report)
    lost = ~polygonal[is_slum]
    report.add_rows(
        slum.index[lost], slum.geometry.name, "warning", "not_on_grid",
        [f"slum unit without a polygon: its {h:.4f} ha are not on the grid" for h in ha[lost]],
    )  # fmt: skip
    off = polygonal[is_slum] & ~on_globe[is_slum]
    report.add_rows(
        slum.index[off], slum.geometry.name, "error", "off_globe",
        [f"the unit's coordinates are not on the globe (longitude and latitude swapped, or "
         f"a wrong CRS): its {h:.4f} ha are not on the grid; fix the coordinates or the CRS"
         for h in ha[off]],
    )  # fmt: skip
    keep = placeable[is_slum]
    return _Slum(
        geoms=geoms[is_slum][keep],
        hectares=ha[keep],
        levels=levels[is_slum].to_numpy()[keep],
        index=slum.index[keep],
        src=src,
        placeable=geoms[placeable],
    )


@dataclass
class _Pieces:
    """The pieces of the slum units in the grid's cells: cell numbers, hectares and level."""

    ix: np.ndarray
    iy: np.ndarray
    hectares: np.ndarray
    levels: np.ndarray


def _pieces_on_grid(
    slum: _Slum, cell_m: float, crs: object, report: ValidationReport
) -> tuple[pyproj.CRS, _Pieces]:
    """The grid's frame, and each unit's hectares split over its cells by piece area."""
    if len(slum.geoms):
        frame = _frame_crs(slum.geoms, slum.src, crs)
        projected = to_frame_crs(slum.geoms, slum.src, frame)
        unit, ix, iy, area = _pieces(projected, cell_m)
    else:
        frame = _frame_crs(slum.placeable, slum.src, crs) if len(slum.placeable) else slum.src
        projected = slum.geoms
        unit = ix = iy = np.array([], dtype=np.int64)
        area = np.array([], dtype=np.float64)
    unit_area = np.bincount(unit, weights=area, minlength=len(projected))
    unplaced = unit_area <= 0
    report.add_rows(
        slum.index[unplaced], "geometry", "warning", "not_on_grid",
        [f"the unit's polygon has no area: its {h:.4f} ha are not on the grid"
         for h in slum.hectares[unplaced]],
    )  # fmt: skip
    with np.errstate(invalid="ignore", divide="ignore"):
        piece_ha = slum.hectares[unit] * area / unit_area[unit]
    return frame, _Pieces(ix, iy, piece_ha, slum.levels[unit])


def _cells(pieces: _Pieces, cell_m: float, frame: pyproj.CRS) -> gpd.GeoDataFrame:
    """One row per cell holding slum: hectares in all and per level, dominant level, units."""
    cells, cell_of_piece = np.unique(
        np.stack([pieces.ix, pieces.iy], axis=1), axis=0, return_inverse=True
    )
    cell_of_piece = cell_of_piece.ravel()
    n = len(cells)
    by_level = {
        name: np.bincount(
            cell_of_piece, weights=np.where(pieces.levels == name, pieces.hectares, 0.0),
            minlength=n,
        )
        for name in _SLUM_LEVELS
    }  # fmt: skip
    stacked = np.stack([by_level[name] for name in _SLUM_LEVELS], axis=1)
    dominant = np.asarray(_SLUM_LEVELS, dtype=object)[np.argmax(stacked, axis=1)]
    out = pd.DataFrame(
        {
            "ix": cells[:, 0],
            "iy": cells[:, 1],
            "slum_ha": np.bincount(cell_of_piece, weights=pieces.hectares, minlength=n),
            "level": pd.array(dominant, dtype="string"),
            "units": np.bincount(cell_of_piece, minlength=n),
            **{ha_column(name): by_level[name] for name in _SLUM_LEVELS},
        }
    )
    out = out.sort_values(["iy", "ix"], ascending=[False, True], ignore_index=True)
    x = out["ix"].to_numpy() * cell_m
    y = out["iy"].to_numpy() * cell_m
    return gpd.GeoDataFrame(out, geometry=shapely.box(x, y, x + cell_m, y + cell_m), crs=frame)


def write_grid_tiff(
    grid: gpd.GeoDataFrame, path: str | os.PathLike, *, compress: str = "deflate"
) -> Path:
    """Write the output of :func:`grid_summary` as a two-band GeoTIFF.

    Band 1 holds the slum hectares of each cell (float64, so the bands sum to the same
    hectares as the grid), band 2 the dominant level code (:data:`LEVEL_CODES`: 1 ringan,
    2 sedang, 3 berat). Cells without slum hold 0 in both bands, which is also the nodata
    value so that viewers leave them transparent. The file is written atomically.

    Parameters
    ----------
    grid : GeoDataFrame
        Output of :func:`grid_summary` (``slum_ha``, ``level`` and square cells), possibly
        filtered.
    path : str or path
        Where to write the GeoTIFF.
    compress : str
        GeoTIFF compression.

    Returns
    -------
    Path
        ``path``: the two-band GeoTIFF.

    Examples
    --------
    >>> import tempfile, geopandas as gpd, shapely, rasterio
    >>> import kotaku_gis as kg
    >>> from kotaku_gis.crs import laea_crs
    >>> units = gpd.GeoDataFrame({"level": ["kumuh sedang"], "area_ha": [2.0]},
    ...     geometry=[shapely.box(50, 50, 250, 150)], crs=laea_crs(116.5, -8.5))
    >>> grid = kg.grid_summary(units, cell_m=100, crs=units.crs)
    >>> path = kg.write_grid_tiff(grid, tempfile.mkdtemp() + "/slum_grid.tif")
    >>> with rasterio.open(path) as src:
    ...     print(src.shape, float(src.read(1).sum()), int(src.read(2).max()))
    (2, 3) 2.0 2
    """
    if not isinstance(grid, gpd.GeoDataFrame) or not {"slum_ha", "level"} <= set(grid.columns):
        raise InputError(
            "write_grid_tiff needs the GeoDataFrame returned by kg.grid_summary(assessed)."
        )
    if grid.empty:
        raise InputError("the grid has no cells (no slum units were placed); nothing to write.")
    if grid.crs is None:
        raise InputError("the grid has no CRS; make it with kg.grid_summary(assessed).")
    bounds = shapely.bounds(np.asarray(grid.geometry.array, dtype=object))
    widths = bounds[:, 2] - bounds[:, 0]
    heights = bounds[:, 3] - bounds[:, 1]
    cell = float(widths[0])
    if not (np.allclose(widths, cell, rtol=1e-9) and np.allclose(heights, cell, rtol=1e-9)):
        raise InputError(
            "the grid's cells are not squares of one size; pass the unchanged output of "
            "kg.grid_summary (filtering rows is fine, editing geometries is not)."
        )
    x0, top = bounds[:, 0].min(), bounds[:, 3].max()
    cols = np.rint((bounds[:, 0] - x0) / cell).astype(np.int64)
    rows = np.rint((top - bounds[:, 3]) / cell).astype(np.int64)
    shape = (int(rows.max()) + 1, int(cols.max()) + 1)
    values = pd.to_numeric(grid["slum_ha"]).to_numpy(dtype=np.float64)
    codes = grid["level"].astype("string").map(LEVEL_CODES).astype("float64").fillna(0.0)
    codes = codes.to_numpy()

    profile = {
        "driver": "GTiff", "width": shape[1], "height": shape[0], "count": 2,
        "dtype": "float64", "crs": grid.crs.to_wkt(), "nodata": 0.0,
        "transform": Affine(cell, 0.0, x0, 0.0, -cell, top), "compress": compress,
        "tiled": True, "blockxsize": _BLOCK, "blockysize": _BLOCK, "sparse_ok": True,
    }  # fmt: skip
    # A national grid spans thousands of kilometres at 100 m: only the blocks that hold
    # cells are written (the others stay sparse, read as nodata), one block in memory at a time.
    block = (rows // _BLOCK) * (shape[1] // _BLOCK + 1) + cols // _BLOCK
    order = np.argsort(block, kind="stable")
    starts = np.flatnonzero(np.r_[True, block[order][1:] != block[order][:-1]])
    with atomic_path(path) as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            for first, end in zip(starts, [*starts[1:], len(order)], strict=True):
                at = order[first:end]
                r0 = int(rows[at[0]] // _BLOCK) * _BLOCK
                c0 = int(cols[at[0]] // _BLOCK) * _BLOCK
                window = Window(c0, r0, min(_BLOCK, shape[1] - c0), min(_BLOCK, shape[0] - r0))
                for band, data in ((1, values), (2, codes)):
                    tile = np.zeros((window.height, window.width))
                    tile[rows[at] - r0, cols[at] - c0] = data[at]
                    dst.write(tile, band, window=window)
            dst.set_band_description(1, "slum_ha")
            dst.set_band_description(2, "level (1 kumuh ringan, 2 kumuh sedang, 3 kumuh berat)")
            dst.update_tags(
                cell_m=str(cell),
                slum_ha_total=repr(float(grid["slum_ha"].sum())),
                **{f"level_{code}": name for name, code in LEVEL_CODES.items()},
            )
    return Path(path)
