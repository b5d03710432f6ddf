"""Raster summaries per unit: exact zonal statistics, inundated hectares, population.

Flood-depth, population and building-density rasters are how planners check and update a
baseline between field surveys. Every cell counts with the exact share of it that lies inside
the unit (coverage fractions computed by exactextract), so a unit covering half a cell takes
half of that cell's weight, whatever the cell size. Units are brought to the raster's CRS
(edges densified first). Cells are read in windows, never the whole raster: under each unit
when there are few units, block by block (skipping blocks without units) when there are many,
so rasters far larger than memory are fine.

Units that cannot be summarised (null, empty or non-polygonal geometry, wholly outside the
raster, only nodata cells) get NaN and a ``count`` of 0, and a row in the
:class:`~kotaku_gis.report.ValidationReport` attached as ``result.attrs["report"]``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import rasterio.errors
import rasterio.io
import shapely
from exactextract import exact_extract
from exactextract.feature import Feature, FeatureSource, JSONFeature
from exactextract.operation import Operation
from exactextract.raster import RasterioRasterSource, RasterSource
from exactextract.writer import Writer

from .area import area_ha_array
from .crs import geoseries_values, to_frame_crs
from .errors import InputError, reject_dask
from .io import polygonal_parts
from .validation_report import ValidationReport

__all__ = [
    "ZONAL_STATS",
    "inundated_ha",
    "population_per_unit",
    "with_inundation",
    "zonal_stats",
]

#: Statistics :func:`zonal_stats` computes. All weight each cell by the share of it inside the
#: unit: ``count`` is the weighted number of valid cells, ``majority`` the value with the most
#: weight, ``valid_share`` the share of the unit's footprint covered by valid (not nodata)
#: cells, so parts outside the raster count as not valid.
ZONAL_STATS: tuple[str, ...] = ("mean", "sum", "min", "max", "count", "majority", "valid_share")

#: Cells read at once for one unit; larger units are processed in several windows.
MAX_CELLS_IN_MEMORY = 4_000_000
#: From this many units on, the raster is read block by block rather than unit by unit.
_MANY_UNITS = 100
#: Cells between the points where a projection's scale factor is evaluated exactly.
_LATTICE = 64
#: A valid share below 1 minus this is reported as partial data.
_PARTIAL_TOLERANCE = 1e-6

RasterInput = str | os.PathLike | rasterio.io.DatasetReaderBase


# ---------------------------------------------------------------- raster input


@contextlib.contextmanager
def _open(raster: RasterInput) -> Iterator[tuple[rasterio.io.DatasetReader, str]]:
    """Yield an open dataset and its name; close it afterwards only if it was opened here."""
    if isinstance(raster, str | os.PathLike):
        name = os.fspath(raster)
        try:
            ds = rasterio.open(name)
        except rasterio.errors.RasterioIOError as err:
            raise InputError(
                f"cannot open the raster {name!r} ({err}); give the path of a GeoTIFF or another "
                "file GDAL reads."
            ) from err
        with ds:
            yield ds, name
        return
    if not isinstance(raster, rasterio.io.DatasetReaderBase):
        raise InputError(
            f"raster must be a file path or an open rasterio dataset, not "
            f"{type(raster).__name__}; open it with rasterio.open(path)."
        )
    if raster.closed:
        raise InputError(f"the raster {raster.name!r} is closed; open it again with rasterio.open.")
    yield raster, raster.name


def _raster_crs(ds: rasterio.io.DatasetReader, name: str) -> pyproj.CRS:
    if ds.crs is None:
        raise InputError(
            f"the raster {name!r} has no coordinate reference system; set it, e.g. "
            "`rio edit-info --crs EPSG:32750 file.tif`, then try again."
        )
    t = ds.transform
    if t.b != 0 or t.d != 0:
        raise InputError(
            f"the raster {name!r} is rotated; warp it to a north-up grid first "
            "(e.g. `gdalwarp in.tif out.tif`)."
        )
    return pyproj.CRS.from_user_input(ds.crs.to_wkt())


def _band_source(ds: rasterio.io.DatasetReader, band: int, name: str) -> RasterioRasterSource:
    if not isinstance(band, int | np.integer) or not 1 <= band <= ds.count:
        raise InputError(
            f"band {band!r} does not exist in the raster {name!r}, which has {ds.count} "
            f"band(s); pass band=1 … band={ds.count}."
        )
    # exactextract tells raster sources apart by name: every source needs its own.
    return RasterioRasterSource(ds, int(band), name=f"band_{int(band)}")


# ---------------------------------------------------------------- units


@dataclass
class _Prepared:
    """Unit geometries in the raster's CRS; None where a unit cannot be summarised."""

    index: pd.Index
    geoms: np.ndarray
    report: ValidationReport
    column: str

    @property
    def usable(self) -> np.ndarray:
        return ~shapely.is_missing(self.geoms)


def _prepare(units: gpd.GeoDataFrame | gpd.GeoSeries, crs: pyproj.CRS, name: str) -> _Prepared:
    """Check, repair and project unit polygons to the raster CRS, reporting what is left out."""
    if not isinstance(units, gpd.GeoDataFrame | gpd.GeoSeries):
        raise InputError(
            f"units must be a GeoDataFrame of polygons with a CRS, not {type(units).__name__}; "
            "read them with kg.read_units(path)."
        )
    geoms, src_crs = geoseries_values(units)
    geoms = geoms.copy()
    index = units.index
    report = ValidationReport(what="units", source=name)
    col = units.geometry.name if isinstance(units, gpd.GeoDataFrame) else "geometry"

    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    report.add_rows(
        index[missing], col, "warning", "null_geometry",
        "the unit has no geometry: its raster statistics are NaN",
    )  # fmt: skip
    report.add_rows(
        index[empty], col, "warning", "empty_geometry",
        "the geometry is empty: its raster statistics are NaN",
    )  # fmt: skip
    present = ~(missing | empty)
    invalid = present & ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure")
        report.add_rows(
            index[invalid], col, "warning", "invalid_geometry",
            "invalid geometry repaired with make_valid before reading the raster",
            repaired=True,
        )  # fmt: skip
    collections = present & (shapely.get_type_id(geoms) == 7)
    geoms[collections] = polygonal_parts(geoms[collections])
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6]) & ~shapely.is_empty(geoms)
    not_polygon = present & ~polygonal
    report.add_rows(
        index[not_polygon], col, "warning", "not_polygon",
        "only polygons cover raster cells; this geometry has no area, its statistics are NaN",
    )  # fmt: skip

    keep = present & polygonal
    out = np.full(len(geoms), None, dtype=object)
    if keep.any():
        moved = geoms[keep] if src_crs.equals(crs) else to_frame_crs(geoms[keep], src_crs, crs)
        finite = np.isfinite(shapely.bounds(moved)).all(axis=1)
        report.add_rows(
            index[keep][~finite], col, "warning", "projection_failed",
            f"the unit cannot be projected to the raster's CRS ({crs.name}); check its "
            "coordinates and CRS",
        )  # fmt: skip
        moved[~finite] = None
        out[keep] = moved
    return _Prepared(index, out, report, col)


# ---------------------------------------------------------------- exactextract plumbing


class _WkbFeature(Feature):
    def __init__(self, pos: int, wkb: bytes) -> None:
        super().__init__()
        self._pos = pos
        self._wkb = wkb

    def geometry(self) -> bytes:
        return self._wkb

    def set_geometry_format(self) -> str:
        return "wkb"

    def get(self, name: str) -> int:
        return self._pos

    def fields(self) -> list[str]:
        return ["pos"]


class _WkbSource(FeatureSource):
    """Unit polygons as WKB, each tagged with its position in the units frame."""

    def __init__(self, positions: np.ndarray, geoms: np.ndarray, srs_wkt: str) -> None:
        super().__init__()
        self._positions = positions
        self._wkb = shapely.to_wkb(geoms)
        self._srs_wkt = srs_wkt

    def count(self) -> int:
        return len(self._positions)

    def __iter__(self) -> Iterator[_WkbFeature]:
        for pos, wkb in zip(self._positions, self._wkb, strict=True):
            yield _WkbFeature(int(pos), wkb)

    def srs_wkt(self) -> str:
        return self._srs_wkt


class _ArrayWriter(Writer):
    """Collects each operation's result into a float array indexed by unit position."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self._n = n
        self.columns: dict[str, np.ndarray] = {}

    def add_operation(self, op: Operation) -> None:
        self.columns[op.name] = np.full(self._n, np.nan)

    def add_column(self, col_name: str) -> None:
        pass

    def add_geometry(self) -> None:
        pass

    def write(self, feature: Feature) -> None:
        f = JSONFeature()
        feature.copy_to(f)
        props = f.feature["properties"]
        pos = props["pos"]
        for name, values in self.columns.items():
            value = props.get(name)
            if value is not None:
                values[pos] = value

    def features(self) -> dict[str, np.ndarray]:
        return self.columns


class _AtLeastSource(RasterSource):
    """1.0 where a band is at or above a threshold, 0.0 below; nodata stays masked."""

    def __init__(self, base: RasterioRasterSource, threshold: float) -> None:
        super().__init__()
        self.set_name("at_least")
        self._base = base
        self._threshold = threshold

    def res(self) -> tuple[float, float]:
        return self._base.res()

    def extent(self) -> tuple[float, float, float, float]:
        return self._base.extent()

    def srs_wkt(self) -> str:
        return self._base.srs_wkt()

    def nodata_value(self) -> None:
        return None

    def read_window(self, x0: int, y0: int, nx: int, ny: int) -> np.ma.MaskedArray:
        values = np.ma.asarray(self._base.read_window(x0, y0, nx, ny))
        wet = (np.ma.getdata(values) >= self._threshold).astype(np.float64)
        return np.ma.masked_array(wet, mask=np.ma.getmaskarray(values))


class _CellAreaSource(RasterSource):
    """Ellipsoidal area in m² of every cell of a north-up raster grid.

    Geographic grids: the exact area of a longitude/latitude rectangle on the ellipsoid,
    (a² Δλ / 2) |q(φ₂) − q(φ₁)| with q the authalic-latitude function. Projected grids: the
    planar cell area divided by the projection's areal scale factor at the cell centre; the
    factor changes by about 1e-6 across a 100 m cell, so the error is of second order.
    """

    def __init__(self, ds: rasterio.io.DatasetReader, crs: pyproj.CRS) -> None:
        super().__init__()
        self.set_name("cell_area")
        self._last: tuple[tuple[int, int, int, int], np.ndarray] | None = None
        self._transform = ds.transform
        self._extent = tuple(ds.bounds)
        self._res = (
            (ds.bounds.right - ds.bounds.left) / ds.width,
            (ds.bounds.top - ds.bounds.bottom) / ds.height,
        )
        self._srs_wkt = ds.crs.to_wkt()
        ellipsoid = crs.ellipsoid
        self._geographic = crs.is_geographic
        if self._geographic:
            self._a = ellipsoid.semi_major_metre
            f = 1.0 / ellipsoid.inverse_flattening if ellipsoid.inverse_flattening else 0.0
            self._e = np.sqrt(f * (2.0 - f))
        else:
            self._proj = pyproj.Proj(crs)
            self._to_lonlat = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)

    def res(self) -> tuple[float, float]:
        return self._res

    def extent(self) -> tuple[float, float, float, float]:
        return self._extent

    def srs_wkt(self) -> str:
        return self._srs_wkt

    def nodata_value(self) -> None:
        return None

    def _q(self, lat_deg: np.ndarray) -> np.ndarray:
        s = np.sin(np.radians(lat_deg))
        e = self._e
        if e == 0.0:
            return 2.0 * s
        return (1 - e * e) * (s / (1 - e * e * s * s) - np.log((1 - e * s) / (1 + e * s)) / (2 * e))

    def read_window(self, x0: int, y0: int, nx: int, ny: int) -> np.ndarray:
        # Operations that use the cell areas as values and as weights ask for the same window.
        key = (x0, y0, nx, ny)
        if self._last is None or self._last[0] != key:
            self._last = (key, self._areas(x0, y0, nx, ny))
        return self._last[1]

    def _areas(self, x0: int, y0: int, nx: int, ny: int) -> np.ndarray:
        t = self._transform
        if nx == 0 or ny == 0:
            return np.zeros((ny, nx))
        if self._geographic:
            lat_edges = t.f + t.e * np.arange(y0, y0 + ny + 1)
            dlon = np.radians(abs(t.a))
            rows = self._a**2 * dlon / 2.0 * np.abs(np.diff(self._q(lat_edges)))
            return np.repeat(rows[:, None], nx, axis=1)
        # The scale factor is smooth: evaluate it on a lattice of at most _LATTICE cells and
        # interpolate bilinearly (the curvature term over 64 cells of 100 m is below 1e-12).
        cols = np.arange(x0, x0 + nx) + 0.5
        rows = np.arange(y0, y0 + ny) + 0.5
        lattice_cols = np.linspace(cols[0], cols[-1], max(2, -(-nx // _LATTICE) + 1))
        lattice_rows = np.linspace(rows[0], rows[-1], max(2, -(-ny // _LATTICE) + 1))
        lc, lr = np.meshgrid(lattice_cols, lattice_rows)
        lon, lat = self._to_lonlat.transform((t.c + t.a * lc).ravel(), (t.f + t.e * lr).ravel())
        scale = self._proj.get_factors(lon, lat).areal_scale.reshape(lc.shape)
        along_rows = _interpolation_matrix(rows, lattice_rows)
        along_cols = _interpolation_matrix(cols, lattice_cols)
        return abs(t.a * t.e) / (along_rows @ scale @ along_cols.T)


def _interpolation_matrix(at: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Matrix M such that M @ values linearly interpolates values given at ``knots``."""
    if knots[0] == knots[-1]:
        return np.full((len(at), len(knots)), 1.0 / len(knots))
    return np.stack([np.interp(at, knots, unit) for unit in np.eye(len(knots))], axis=1)


def _extract(
    prepared: _Prepared,
    ds: rasterio.io.DatasetReader,
    ops: Sequence[tuple[str, str, RasterSource, RasterSource | None]],
    *,
    max_cells_in_memory: int,
) -> dict[str, np.ndarray]:
    """Run (name, stat, values, weights) operations on every usable unit; NaN elsewhere."""
    n = len(prepared.geoms)
    positions = np.flatnonzero(prepared.usable)
    if not len(positions):
        return {name: np.full(n, np.nan) for name, *_ in ops}
    writer = _ArrayWriter(n)
    # Many units: walk the raster block by block, each block read once for all the units on
    # it (blocks without units are skipped). Few units: read the window under each unit.
    many = len(positions) >= _MANY_UNITS
    exact_extract(
        ops[0][2],
        _WkbSource(positions, prepared.geoms[positions], ds.crs.to_wkt()),
        [Operation(stat, name, values, weights) for name, stat, values, weights in ops],
        include_cols=["pos"],
        output=writer,
        strategy="raster-sequential" if many else "feature-sequential",
        max_cells_in_memory=max_cells_in_memory,
    )
    return writer.features()


def _valid_share(
    prepared: _Prepared, ds: rasterio.io.DatasetReader, count: np.ndarray
) -> np.ndarray:
    """Share of each unit's footprint (in the raster CRS) covered by valid cells."""
    cells = shapely.area(prepared.geoms) / abs(ds.transform.a * ds.transform.e)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(cells > 0, count / cells, np.nan)
    return np.clip(share, 0.0, 1.0)


def _report_coverage(
    prepared: _Prepared,
    ds: rasterio.io.DatasetReader,
    count: np.ndarray,
    share: np.ndarray,
    *,
    outside: str,
    no_data: str,
    partial: str,
) -> None:
    """Report units outside the raster, without valid cells, or only partly covered."""
    usable = prepared.usable
    extent = shapely.box(*ds.bounds)
    touches = np.zeros(len(usable), dtype=bool)
    touches[usable] = shapely.intersects(prepared.geoms[usable], extent)
    report, index, col = prepared.report, prepared.index, prepared.column
    report.add_rows(
        index[usable & ~touches], col, "warning", "outside_raster",
        f"the unit lies wholly outside the raster; {outside}",
    )  # fmt: skip
    report.add_rows(
        index[usable & touches & ~(count > 0)], col, "warning", "no_valid_cells",
        f"every raster cell under the unit is nodata; {no_data}",
    )  # fmt: skip
    part = usable & (count > 0) & (share < 1.0 - _PARTIAL_TOLERANCE)
    report.add_rows(
        index[part], col, "warning", "partial_raster_data",
        [
            f"{100 * (1 - s):.2f} % of the unit is outside the raster or nodata; {partial}"
            for s in share[part]
        ],
    )  # fmt: skip


def _check_stats(stats: str | Sequence[str]) -> tuple[str, ...]:
    stats = (stats,) if isinstance(stats, str) else tuple(stats)
    unknown = [s for s in stats if s not in ZONAL_STATS]
    if unknown or not stats:
        raise InputError(
            f"unknown statistic(s) {unknown!r}; choose among {', '.join(ZONAL_STATS)}."
        )
    return tuple(dict.fromkeys(stats))


# ---------------------------------------------------------------- public functions


def zonal_stats(
    units: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: RasterInput,
    *,
    stats: str | Sequence[str] = ("mean", "sum"),
    band: int = 1,
    prefix: str = "",
    max_cells_in_memory: int = MAX_CELLS_IN_MEMORY,
) -> pd.DataFrame:
    """Statistics of a raster per unit, each cell weighted by the exact share of it inside.

    Parameters
    ----------
    units : GeoDataFrame or GeoSeries
        Unit polygons with a CRS; they are projected to the raster's CRS, which may differ.
    raster : path or rasterio dataset
        A single- or multi-band raster with a CRS, north up. Nodata (the nodata value or the
        dataset mask) is left out. Only the cells under each unit are read.
    stats : str or sequence of str
        Any of ``"mean"``, ``"sum"``, ``"min"``, ``"max"``, ``"count"`` (weighted number of
        valid cells), ``"majority"`` (value with the greatest weight) and ``"valid_share"``
        (share of the unit covered by valid cells; parts outside the raster are not valid).
    band : int
        The band to summarise (1-based).
    prefix : str
        Put before each column name, e.g. ``"depth_"`` gives ``depth_mean``.
    max_cells_in_memory : int
        Cells read at once; a larger unit is processed window by window.

    Returns
    -------
    DataFrame
        One column per statistic, indexed like ``units``. Units without valid cells (outside
        the raster, all nodata, null or empty geometry) get NaN, a ``count`` of 0 and an entry
        in ``result.attrs["report"]``.

    Examples
    --------
    A unit covering half of each of two 10 m cells (0 and 1): the mean and the sum are 0.5,
    the count of whole cells 1. The raster may be an open dataset, here one in memory.

    >>> import numpy as np, shapely, geopandas as gpd
    >>> from rasterio.io import MemoryFile
    >>> from rasterio.transform import Affine
    >>> import kotaku_gis as kg
    >>> ds = MemoryFile().open(driver="GTiff", width=2, height=1, count=1, dtype="float32",
    ...     crs="EPSG:32750", transform=Affine(10, 0, 400000, 0, -10, 9050000))
    >>> ds.write(np.array([[0.0, 1.0]], dtype="float32"), 1)
    >>> unit = gpd.GeoSeries([shapely.box(400005, 9049990, 400015, 9050000)], crs="EPSG:32750")
    >>> kg.zonal_stats(unit, ds, stats=["mean", "sum", "count"]).round(2).values.tolist()
    [[0.5, 0.5, 1.0]]
    """
    reject_dask(units, function="kg.zonal_stats")
    stats = _check_stats(stats)
    with _open(raster) as (ds, name):
        crs = _raster_crs(ds, name)
        values = _band_source(ds, band, name)
        prepared = _prepare(units, crs, name)
        wanted = [s for s in stats if s not in ("count", "valid_share")]
        ops = [("count", "count", values, None)]
        ops += [(s, s, values, None) for s in wanted]
        result = _extract(prepared, ds, ops, max_cells_in_memory=max_cells_in_memory)
        count = np.nan_to_num(result["count"], nan=0.0)
        share = _valid_share(prepared, ds, count)
        _report_coverage(
            prepared, ds, count, share,
            outside="its statistics are NaN", no_data="its statistics are NaN",
            partial="statistics use the valid cells only",
        )  # fmt: skip

    no_data = ~(count > 0)
    columns = {}
    for stat in stats:
        if stat == "count":
            columns[stat] = count
        elif stat == "valid_share":
            columns[stat] = share
        else:
            columns[stat] = np.where(no_data, np.nan, result[stat])
    frame = pd.DataFrame(
        {f"{prefix}{k}": np.asarray(v, dtype=np.float64) for k, v in columns.items()},
        index=prepared.index,
    )
    frame.attrs["report"] = prepared.report
    return frame


def inundated_ha(
    units: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: RasterInput,
    *,
    threshold: float,
    band: int = 1,
    max_cells_in_memory: int = MAX_CELLS_IN_MEMORY,
) -> pd.Series:
    """Ellipsoidal hectares of each unit where the raster is at or above ``threshold``.

    This is the volume of criterion 4a (genangan, inundation) when the raster is a flood depth
    in metres and ``threshold`` the depth that counts as inundated (e.g. 0.3). Cells count with
    the share of them inside the unit. Nodata cells and parts of the unit outside the raster
    count as not inundated, and are reported.

    Parameters
    ----------
    units : GeoDataFrame or GeoSeries
        Unit polygons with a CRS (any; they are projected to the raster's CRS).
    raster : path or rasterio dataset
        Flood depth (or any value to threshold), with a CRS, projected or geographic.
    threshold : float
        Cells with a value ``>= threshold`` are inundated.
    band : int
        The band to read (1-based).
    max_cells_in_memory : int
        Cells read at once; a larger unit is processed window by window.

    Returns
    -------
    Series
        ``inundated_ha`` aligned with the units' index; NaN for units wholly outside the raster
        or without a usable polygon. ``result.attrs["report"]`` lists those and the units only
        partly covered by valid cells.

    Notes
    -----
    The wet share of a unit is the sum over cells of coverage × ellipsoidal cell area × wet,
    divided by the same sum without ``wet``; it multiplies :func:`kotaku_gis.area_ha` of the
    unit's part inside the raster. Weighting cells by their true ground area keeps the share
    exact when the grid's scale varies (geographic cells shrink with latitude; UTM areas are
    off by 0.06 % near Lombok and drift across a zone). What remains is the scale change
    within one partly covered cell: about 1e-8 relative for 10-100 m projected cells and
    1e-6 for geographic ones, far below the 0.01 ha that reports print. Multiplying by
    ``area_ha`` makes a fully wet unit exactly its own hectares, so the 4a percentage never
    exceeds 100 % by rounding.

    Examples
    --------
    >>> import tempfile, numpy as np, rasterio, shapely, geopandas as gpd
    >>> from rasterio.transform import Affine
    >>> import kotaku_gis as kg
    >>> path = tempfile.mkdtemp() + "/depth.tif"
    >>> with rasterio.open(path, "w", driver="GTiff", width=2, height=1, count=1,
    ...                    dtype="float32", crs="EPSG:32750",
    ...                    transform=Affine(100, 0, 400000, 0, -100, 9050000)) as dst:
    ...     dst.write(np.array([[0.1, 0.6]], dtype="float32"), 1)
    >>> unit = gpd.GeoSeries([shapely.box(400000, 9049900, 400200, 9050000)], crs="EPSG:32750")
    >>> wet = kg.inundated_ha(unit, path, threshold=0.3)
    >>> round(float(wet.iloc[0]), 4), round(float(kg.area_ha(unit).iloc[0]) / 2, 4)
    (1.0006, 1.0006)
    """
    reject_dask(units, function="kg.inundated_ha")
    try:
        threshold = float(threshold)
    except (TypeError, ValueError) as err:
        raise InputError(f"threshold must be a number (e.g. 0.3 m), not {threshold!r}.") from err
    with _open(raster) as (ds, name):
        crs = _raster_crs(ds, name)
        values = _band_source(ds, band, name)
        prepared = _prepare(units, crs, name)
        cells = _CellAreaSource(ds, crs)
        wet = _AtLeastSource(values, threshold)  # keeps the band's nodata mask
        ops = [
            ("count", "count", wet, None),
            ("wet_m2", "weighted_sum", wet, cells),
            ("all_m2", "sum", cells, None),
        ]
        result = _extract(prepared, ds, ops, max_cells_in_memory=max_cells_in_memory)
        count = np.nan_to_num(result["count"], nan=0.0)
        share = _valid_share(prepared, ds, count)
        _report_coverage(
            prepared, ds, count, share,
            outside="its inundated hectares are NaN (with_inundation keeps the unit's 4a)",
            no_data="it counts as not inundated (0 ha)",
            partial="that part counts as not inundated",
        )  # fmt: skip
        inside = np.full(len(prepared.geoms), None, dtype=object)
        usable = prepared.usable
        inside[usable] = shapely.intersection(prepared.geoms[usable], shapely.box(*ds.bounds))
        inside_ha = area_ha_array(inside, crs)

    wet_m2 = np.nan_to_num(result["wet_m2"], nan=0.0)
    all_m2 = result["all_m2"]
    with np.errstate(invalid="ignore", divide="ignore"):
        wet = np.where(all_m2 > 0, inside_ha * wet_m2 / all_m2, np.nan)
    out = pd.Series(wet, index=prepared.index, name="inundated_ha", dtype=np.float64)
    out.attrs["report"] = prepared.report
    return out


def with_inundation(
    units: gpd.GeoDataFrame,
    raster: RasterInput,
    *,
    threshold: float,
    column: str = "4a",
    band: int = 1,
) -> gpd.GeoDataFrame:
    """A copy of ``units`` whose criterion 4a volume is the inundated hectares of a raster.

    Use it between reading the units and scoring them, so that the 4a score follows the
    flood-depth raster::

        units = kg.read_units("rt.gpkg")
        units = kg.with_inundation(units, "flood_depth.tif", threshold=0.3)
        assessed = kg.assess(units)

    Units the raster cannot measure (wholly outside it, no usable polygon) keep their
    existing 4a value; each is listed in the report.

    Parameters
    ----------
    units : GeoDataFrame
        Units with polygons and a CRS.
    raster : path or rasterio dataset
        Flood depth in metres.
    threshold : float
        Depth that counts as inundated, in the raster's unit.
    column : str
        Column to write, ``"4a"`` by default.
    band : int
        The band to read (1-based).

    Returns
    -------
    GeoDataFrame
        The units with ``column`` set; ``attrs["report"]`` holds the units' report (if any)
        extended by what the raster step found.

    Examples
    --------
    The bundled flood-depth raster of Kota Mataram sets 4a of three RT of the sample:

    >>> import kotaku_gis as kg
    >>> units = kg.datasets.load_units().head(3)
    >>> flooded = kg.with_inundation(units, kg.datasets.get_path("mataram_flood_depth"),
    ...                              threshold=0.3)
    >>> flooded["4a"].round(2).tolist()
    [1.3, 1.22, 1.51]
    """
    if not isinstance(units, gpd.GeoDataFrame):
        raise InputError(
            "with_inundation needs the units as a GeoDataFrame with polygons; read them with "
            "kg.read_units(path)."
        )
    wet = inundated_ha(units, raster, threshold=threshold, band=band)
    out = units.copy()
    if column in out.columns:
        previous = pd.to_numeric(out[column], errors="coerce").astype(np.float64)
        out[column] = wet.where(wet.notna(), previous)
    else:
        out[column] = wet
    report = ValidationReport(what="units", source=wet.attrs["report"].source)
    existing = units.attrs.get("report")
    if isinstance(existing, ValidationReport):
        report.what, report.source = existing.what, existing.source
        report.extend(existing)
    report.extend(wet.attrs["report"])
    out.attrs["report"] = report
    return out


def population_per_unit(
    units: gpd.GeoDataFrame,
    raster: RasterInput,
    *,
    persons_per_household: float,
    baseline: str = "households",
    tolerance: float = 0.2,
    band: int = 1,
) -> pd.DataFrame:
    """Population and households per unit from a population raster, against the baseline.

    The raster holds people per cell (WorldPop, a census grid); each unit gets the sum of
    its cells weighted by the share of each cell inside it. Dividing by
    ``persons_per_household`` estimates households, compared with the units' baseline count.

    Parameters
    ----------
    units : GeoDataFrame
        Units with polygons, a CRS and the ``baseline`` column.
    raster : path or rasterio dataset
        Counts per cell (not densities). For a raster of households, pass
        ``persons_per_household=1``.
    persons_per_household : float
        Average household size for the area (from BPS figures for the kota).
    baseline : str
        Column with the baseline households.
    tolerance : float
        Relative gap allowed before a unit is flagged: ratios outside
        ``[1 - tolerance, 1 + tolerance]`` are ``"below"`` or ``"above"``.
    band : int
        The band to read (1-based).

    Returns
    -------
    DataFrame
        Indexed like the units: ``population``, ``estimate`` (households), ``baseline``,
        ``ratio`` (estimate / baseline), ``valid_share`` and ``flag``: ``"ok"``, ``"below"``,
        ``"above"``, ``"no baseline"`` (missing or zero) or ``"no data"`` (no valid cell).
        ``attrs["report"]`` lists units the raster covers only partly or not at all.

    Examples
    --------
    The bundled population raster of Kota Mataram against three RT of the sample, at 3.8
    persons per household:

    >>> import kotaku_gis as kg
    >>> units = kg.datasets.load_units().head(3)
    >>> pop = kg.population_per_unit(units, kg.datasets.get_path("mataram_population"),
    ...                              persons_per_household=3.8)
    >>> pop[["baseline", "flag"]].values.tolist()
    [[80.0, 'ok'], [71.0, 'below'], [87.0, 'above']]
    >>> pop["estimate"].round(1).tolist()
    [75.4, 47.9, 121.5]
    """
    reject_dask(units, function="kg.population_per_unit")
    if not isinstance(units, gpd.GeoDataFrame) or baseline not in units.columns:
        raise InputError(
            f"population_per_unit needs a GeoDataFrame of units with a {baseline!r} column; "
            "read them with kg.read_units(path) or pass baseline='<column>'."
        )
    try:
        size = float(persons_per_household)
        tol = float(tolerance)
    except (TypeError, ValueError) as err:
        raise InputError(
            "persons_per_household and tolerance must be numbers, e.g. "
            "persons_per_household=3.8, tolerance=0.2."
        ) from err
    if not size > 0 or not 0 <= tol < 1:
        raise InputError(
            f"persons_per_household must be > 0 (got {size}) and tolerance in [0, 1) (got {tol})."
        )
    zs = zonal_stats(units, raster, stats=("sum", "count", "valid_share"), band=band)
    base = pd.to_numeric(units[baseline], errors="coerce").astype(np.float64)
    estimate = zs["sum"] / size
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = estimate.where(base > 0) / base.where(base > 0)
    flag = np.select(
        [zs["count"].to_numpy() <= 0, ~(base.to_numpy() > 0), ratio < 1 - tol, ratio > 1 + tol],
        ["no data", "no baseline", "below", "above"],
        default="ok",
    )
    out = pd.DataFrame(
        {
            "population": zs["sum"],
            "estimate": estimate,
            "baseline": base,
            "ratio": ratio,
            "valid_share": zs["valid_share"],
            "flag": pd.array(flag, dtype="string"),
        },
        index=units.index,
    )
    out.attrs["report"] = zs.attrs["report"]
    return out
