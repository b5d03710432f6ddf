"""Coordinate reference systems: equal-area and local metric frames for the data at hand.

Hectares, lengths and buffers are computed in Lambert azimuthal equal-area (LAEA) frames on the
WGS 84 ellipsoid, each centred on a cell of longitude and latitude (:func:`local_frames`).
LAEA preserves area exactly everywhere, so hectares do not depend on the cell. Its linear scale
departs from 1 with the distance from the centre: by less than 1.3e-6 within a cell of
``MEASURE_CELL_DEG`` (a quarter degree), where lengths are measured and buffers drawn, so the
same frame serves as the "local metric CRS"; by less than 2e-5 within a cell of ``CELL_DEG``
(a degree, 0.7° from the centre at the corners), which grids and map display share.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from .errors import InputError

__all__ = [
    "CELL_DEG",
    "MEASURE_CELL_DEG",
    "Frame",
    "laea_crs",
    "local_frames",
    "lonlat_bounds",
    "on_globe",
    "require_crs",
    "to_frame_crs",
    "to_lonlat",
]

#: Size in degrees of the cells that share one LAEA frame for grids and map display (about
#: 110 km at the equator).
CELL_DEG = 1.0
#: Size in degrees of the cells whose frames measure hectares and lengths and draw buffers:
#: within 0.18 degrees of its centre a frame's linear scale departs from 1 by less than 1.3e-6.
MEASURE_CELL_DEG = 0.25
#: Longest segment, in metres, kept when projecting: long straight edges are densified first
#: so that the projected outline follows the geodesic between vertices.
_MAX_SEGMENT_M = 500.0
_DEG_M = 111_320.0

WGS84 = pyproj.CRS.from_epsg(4326)


@lru_cache(maxsize=256)
def laea_crs(lon: float, lat: float) -> pyproj.CRS:
    """Lambert azimuthal equal-area CRS on WGS 84 centred on (lon, lat), in metres.

    Examples
    --------
    >>> from kotaku_gis.crs import laea_crs
    >>> laea_crs(116.1, -8.58).is_projected
    True
    """
    return pyproj.CRS.from_proj4(
        f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +x_0=0 +y_0=0 "
        "+ellps=WGS84 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
    )


@lru_cache(maxsize=512)
def _transformer(src: pyproj.CRS, dst: pyproj.CRS) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(_canonical(src), _canonical(dst), always_xy=True)


@lru_cache(maxsize=64)
def _canonical(crs: pyproj.CRS) -> pyproj.CRS:
    """The same CRS from its EPSG code when it has one.

    PROJ builds a transformation from a CRS read from GeoParquet's PROJJSON some 20 times
    more slowly than from the EPSG definition of the same CRS (30 ms against 1.5 ms), and
    every frame needs two.
    """
    if crs.srs.startswith("+proj=laea"):  # a frame of laea_crs: it has no EPSG code
        return crs
    if crs.equals(WGS84, ignore_axis_order=True):
        return WGS84
    code = crs.to_epsg(min_confidence=100)
    if code is None:
        return crs
    by_code = pyproj.CRS.from_epsg(code)
    return by_code if by_code.equals(crs, ignore_axis_order=True) else crs


def require_crs(crs: pyproj.CRS | None, *, name: str = "the layer") -> pyproj.CRS:
    """Return ``crs`` as a pyproj CRS, or raise :class:`InputError` when it is missing.

    Examples
    --------
    >>> from kotaku_gis.crs import require_crs
    >>> require_crs("EPSG:4326").name
    'WGS 84'
    >>> require_crs(None, name="units.gpkg")
    Traceback (most recent call last):
    ...
    kotaku_gis.errors.InputError: units.gpkg has no coordinate reference system. ...
    """
    if crs is None:
        raise InputError(
            f"{name} has no coordinate reference system. Set it before use, e.g. "
            "frame.set_crs('EPSG:4326') for longitude/latitude or 'EPSG:32750' for UTM 50S."
        )
    return pyproj.CRS.from_user_input(crs)


@dataclass(frozen=True)
class Frame:
    """A local equal-area frame and the positions of the geometries that belong to it."""

    crs: pyproj.CRS
    positions: np.ndarray
    lon: float
    lat: float


def _is_wgs84_lonlat(crs: pyproj.CRS) -> bool:
    """True when coordinates in ``crs`` are already WGS 84 longitude and latitude.

    A geographic CRS on another ellipsoid (Segara EPSG:4613, Batavia EPSG:4211, ID74
    EPSG:4238) places the same numbers some 100-300 m away, so it must be transformed.
    """
    return crs.equals(WGS84) or (crs.is_geographic and crs.ellipsoid == WGS84.ellipsoid)


def to_lonlat(x: np.ndarray, y: np.ndarray, crs: pyproj.CRS) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 longitude and latitude of coordinates in ``crs``.

    Longitude/latitude on the WGS 84 ellipsoid passes as it is; every other CRS, geographic
    ones on other ellipsoids included, is transformed. Arrays of any shape; coordinates that
    cannot be transformed come out as NaN or inf.

    Examples
    --------
    >>> import numpy as np, pyproj
    >>> from kotaku_gis.crs import to_lonlat
    >>> lon, lat = to_lonlat(np.array([400_000.0]), np.array([9_050_000.0]),
    ...                      pyproj.CRS.from_epsg(32750))
    >>> round(float(lon[0]), 4), round(float(lat[0]), 4)
    (116.0912, -8.5932)
    >>> lon, lat = to_lonlat(np.array([116.1]), np.array([-8.6]), pyproj.CRS.from_epsg(4613))
    >>> bool(abs(lon[0] - 116.1) > 1e-4)  # Segara (Bessel ellipsoid) is not WGS 84
    True
    """
    if _is_wgs84_lonlat(crs):
        return x, y
    with np.errstate(all="ignore"):
        lon, lat = _transformer(crs, WGS84).transform(x, y)
    return np.asarray(lon), np.asarray(lat)


def lonlat_bounds(geoms: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """WGS 84 lon/lat boxes ``(west, south, east, north)`` of geometries in ``crs``.

    Each box spans the four corners of the geometry's box in ``crs``; null and empty
    geometries, and coordinates that cannot be transformed, give NaN or inf.

    Examples
    --------
    >>> import numpy as np, pyproj, shapely
    >>> from kotaku_gis.crs import lonlat_bounds
    >>> box = np.array([shapely.box(400_000, 9_050_000, 401_000, 9_051_000)])
    >>> lonlat_bounds(box, pyproj.CRS.from_epsg(32750)).round(3).tolist()
    [[116.091, -8.593, 116.1, -8.584]]
    """
    b = shapely.bounds(np.asarray(geoms, dtype=object))
    xs = np.stack([b[:, 0], b[:, 2], b[:, 0], b[:, 2]], axis=1)
    ys = np.stack([b[:, 1], b[:, 1], b[:, 3], b[:, 3]], axis=1)
    with np.errstate(invalid="ignore"):
        lon, lat = to_lonlat(xs, ys, crs)
        return np.stack([lon.min(1), lat.min(1), lon.max(1), lat.max(1)], axis=1)


def on_globe(bounds: np.ndarray) -> np.ndarray:
    """Which lon/lat boxes (:func:`lonlat_bounds`) lie on the globe.

    A box with NaN, or beyond ±180° longitude or ±90° latitude (x and y swapped, or the
    wrong CRS), is off the globe: no local frame can be centred there.

    Examples
    --------
    >>> import numpy as np
    >>> from kotaku_gis.crs import on_globe
    >>> on_globe(np.array([[116.1, -8.6, 116.2, -8.5], [-8.6, 116.1, -8.5, 116.2]])).tolist()
    [True, False]
    """
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(bounds).all(axis=1)
            & (bounds[:, 0] >= -180.0)
            & (bounds[:, 2] <= 180.0)
            & (bounds[:, 1] >= -90.0)
            & (bounds[:, 3] <= 90.0)
        )


def local_frames(
    geoms: np.ndarray,
    crs: pyproj.CRS,
    *,
    cell_deg: float = CELL_DEG,
    bounds: np.ndarray | None = None,
    ordered: bool = True,
) -> list[Frame]:
    """Split geometries into cells of ``cell_deg`` degrees, each with its LAEA frame.

    A geometry belongs to the cell holding the centre of its lon/lat box, and each frame is
    centred on its cell, not on the geometries that happen to be in the call: a geometry gets
    the same frame, and so the same buffers and hectares, however a layer is split (chunks,
    partitions, one row at a time). Within a frame the positions come in Hilbert order of the
    boxes' centres, so that runs of them cover compact patches (``ordered=False``: in their
    own order). Null and empty geometries, and those off the globe (:func:`on_globe`),
    belong to no frame.

    Parameters
    ----------
    geoms : array of shapely geometries
    crs : pyproj.CRS
        Their CRS.
    cell_deg : float, default CELL_DEG
        Size of the cells in degrees.
    bounds : array, optional
        The geometries' :func:`lonlat_bounds`, when already at hand.
    ordered : bool, default True
        Positions within a frame in Hilbert order; else in order.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> from kotaku_gis.crs import local_frames, WGS84
    >>> pts = np.array([shapely.Point(116.1, -8.6), shapely.Point(118.7, -8.5)])
    >>> [(f.positions.tolist(), f.lon, f.lat) for f in local_frames(pts, WGS84)]
    [([0], 116.5, -8.5), ([1], 118.5, -8.5)]
    """
    geoms = np.asarray(geoms, dtype=object)
    if bounds is None:
        bounds = lonlat_bounds(geoms, crs)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & on_globe(bounds)
    pos = np.flatnonzero(ok)
    if len(pos) == 0:
        return []
    lon = (bounds[pos, 0] + bounds[pos, 2]) / 2
    lat = (bounds[pos, 1] + bounds[pos, 3]) / 2
    cx = np.floor(lon / cell_deg).astype(np.int64)
    cy = np.floor(lat / cell_deg).astype(np.int64)
    # one number per cell, in the order of (cx, cy): cells span less than 2**21 each way
    keys, inverse = np.unique((cx << 21) + cy, return_inverse=True)
    if ordered:
        hilbert = gpd.GeoSeries(shapely.points(lon, lat)).hilbert_distance().to_numpy()
        order = np.lexsort((pos, hilbert, inverse))
    else:
        order = np.argsort(inverse, kind="stable")
    splits = np.cumsum(np.bincount(inverse, minlength=len(keys)))[:-1]
    frames = []
    for key, members in zip(keys, np.split(order, splits), strict=True):
        cell_x = (key + (1 << 20)) >> 21
        cell_y = key - (cell_x << 21)
        clon, clat = float((cell_x + 0.5) * cell_deg), float((cell_y + 0.5) * cell_deg)
        frames.append(Frame(laea_crs(clon, clat), pos[members], clon, clat))
    return frames


def to_frame_crs(geoms: np.ndarray, src: pyproj.CRS, dst: pyproj.CRS) -> np.ndarray:
    """Project shapely geometries from ``src`` to ``dst``, densifying long edges first.

    Edges longer than about 500 m are split before projecting so that the projected outline
    follows the source's edges; invalid polygons are made valid first (every part kept);
    z coordinates are dropped.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> from kotaku_gis.crs import WGS84, laea_crs, to_frame_crs
    >>> centre = np.array([shapely.Point(116.1, -8.58)])
    >>> shapely.get_coordinates(to_frame_crs(centre, WGS84, laea_crs(116.1, -8.58))).round(6)
    array([[0., 0.]])
    """
    geoms = np.asarray(geoms, dtype=object)
    step = _MAX_SEGMENT_M / _DEG_M if src.is_geographic else _MAX_SEGMENT_M
    # GEOS densify silently buffer(0)s invalid polygons (a bowtie loses a lobe): repair them
    # first so that every part keeps its area.
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure")
    dense = shapely.segmentize(geoms, step)
    tr = _transformer(src, dst)

    def _apply(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(dense, _apply, include_z=False)


def geoseries_values(geoms: gpd.GeoSeries | gpd.GeoDataFrame) -> tuple[np.ndarray, pyproj.CRS]:
    """The shapely array and CRS of a GeoSeries or GeoDataFrame (CRS required).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.crs import geoseries_values
    >>> geoms, crs = geoseries_values(gpd.GeoSeries([shapely.Point(116.1, -8.58)], crs=4326))
    >>> geoms.dtype, crs.to_epsg()
    (dtype('O'), 4326)
    """
    if isinstance(geoms, gpd.GeoDataFrame):
        geoms = geoms.geometry
    crs = require_crs(geoms.crs)
    return np.asarray(geoms.array, dtype=object), crs
