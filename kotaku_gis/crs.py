"""Coordinate reference systems: equal-area and local metric frames for the data at hand.

Hectares and buffers are computed in Lambert azimuthal equal-area (LAEA) frames on the WGS 84
ellipsoid, each centred on a small cell of the data. LAEA preserves area exactly everywhere, and
within a cell of ``CELL_DEG`` degrees its linear scale departs from 1 by less than 2e-5 (at the
cell's corners, 0.7° from the centre), so the same frame serves as the "local metric CRS" in
which buffers are drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from .errors import InputError

__all__ = [
    "CELL_DEG",
    "Frame",
    "laea_crs",
    "local_frames",
    "require_crs",
    "to_frame_crs",
    "to_lonlat",
]

#: Size in degrees of the cells that share one LAEA frame (about 110 km at the equator).
CELL_DEG = 1.0
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
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


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


def _lonlat_centres(geoms: np.ndarray, crs: pyproj.CRS) -> tuple[np.ndarray, np.ndarray]:
    bounds = shapely.bounds(geoms)
    x = (bounds[:, 0] + bounds[:, 2]) / 2
    y = (bounds[:, 1] + bounds[:, 3]) / 2
    if _is_wgs84_lonlat(crs):
        return x, y
    ok = np.isfinite(x)
    lon = np.full_like(x, np.nan)
    lat = np.full_like(y, np.nan)
    if ok.any():
        lon[ok], lat[ok] = _transformer(crs, WGS84).transform(x[ok], y[ok])
    return lon, lat


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


def local_frames(
    geoms: np.ndarray, crs: pyproj.CRS, *, cell_deg: float = CELL_DEG
) -> Iterator[Frame]:
    """Split geometries into cells of ``cell_deg`` degrees, each with its LAEA frame.

    Null and empty geometries, and those whose coordinates are not on the globe, belong to no
    frame.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> from kotaku_gis.crs import local_frames, WGS84
    >>> pts = np.array([shapely.Point(116.1, -8.6), shapely.Point(118.7, -8.5)])
    >>> [f.positions.tolist() for f in local_frames(pts, WGS84)]
    [[0], [1]]
    """
    geoms = np.asarray(geoms, dtype=object)
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not valid.any():
        return
    pos = np.flatnonzero(valid)
    lon, lat = _lonlat_centres(geoms[pos], crs)
    # Coordinates off the globe (swapped axes, a wrong CRS) belong to no frame; validation
    # reports them.
    finite = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 89) & (np.abs(lon) <= 180)
    if not finite.any():
        return
    pos, lon, lat = pos[finite], lon[finite], lat[finite]
    cx = np.floor(lon / cell_deg).astype(np.int64)
    cy = np.floor(lat / cell_deg).astype(np.int64)
    keys = np.stack([cx, cy], axis=1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    splits = np.cumsum(np.bincount(inverse, minlength=len(uniq)))[:-1]
    for members in np.split(order, splits):
        clon = float(np.round((lon[members].min() + lon[members].max()) / 2, 4))
        clat = float(np.round((lat[members].min() + lat[members].max()) / 2, 4))
        yield Frame(laea_crs(clon, clat), pos[members], clon, clat)


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
