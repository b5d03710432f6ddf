"""Geometry for display: simplified in a metric frame, quantised and packed for the browser.

A map of 10,000 RT polygons written as plain GeoJSON carries every digitised vertex at 15
decimals; the browser then parses tens of megabytes. Here each geometry is simplified in its
local equal-area frame (a tolerance in metres, topology preserved, so no polygon collapses),
returned to longitude/latitude, rounded to ``precision`` decimals (6 ≈ 0.1 m) and written as
integer steps from the previous vertex: a compact JSON array that ``kotaku_map.js`` turns back
into GeoJSON. The analysis never sees these geometries: they are for drawing only.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely import GeometryType

from ..crs import WGS84, local_frames, require_crs, to_frame_crs

__all__ = ["Packed", "display_geometries", "pack"]

_POLYGONAL = (GeometryType.POLYGON, GeometryType.MULTIPOLYGON)
_LINEAR = (GeometryType.LINESTRING, GeometryType.MULTILINESTRING, GeometryType.LINEARRING)
_PUNTAL = (GeometryType.POINT, GeometryType.MULTIPOINT)


def display_geometries(
    geoms: gpd.GeoSeries, *, simplify_m: float = 1.0, name: str = "the layer"
) -> np.ndarray:
    """Longitude/latitude shapely geometries simplified by ``simplify_m`` metres.

    Simplification runs in the local equal-area frame of each geometry (DESIGN §5), with
    topology preserved; points pass through. Null and empty geometries stay as they are.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.maps.display import display_geometries
    >>> ring = shapely.Point(116.1, -8.58).buffer(0.001, quad_segs=64)
    >>> out = display_geometries(gpd.GeoSeries([ring], crs=4326), simplify_m=1.0)
    >>> bool(shapely.get_num_coordinates(out[0]) < shapely.get_num_coordinates(ring))
    True
    """
    crs = require_crs(geoms.crs, name=name)
    values = np.asarray(geoms.array, dtype=object)
    out = values.copy()
    for frame in local_frames(values, crs):
        part = values[frame.positions]
        if simplify_m > 0:
            metric = to_frame_crs(part, crs, frame.crs)
            metric = shapely.simplify(metric, simplify_m, preserve_topology=True)
            out[frame.positions] = to_frame_crs(metric, frame.crs, WGS84)
        elif not crs.equals(WGS84):
            out[frame.positions] = to_frame_crs(part, crs, WGS84)
    return out


@dataclass(frozen=True)
class Packed:
    """Geometries of one family packed for ``kotaku_map.js``.

    ``counts`` run from the innermost level out: for polygons (vertices per ring, rings per
    polygon, polygons per row), for lines (vertices per line, lines per row), for points
    (points per row). ``steps`` are the quantised coordinates as differences from the previous
    vertex, x and y interleaved.
    """

    kind: str
    scale: int
    counts: tuple[np.ndarray, ...]
    steps: np.ndarray

    def to_json(self) -> str:
        """The packed geometries as a JSON object (integers only, safe inside <script>)."""
        counts = ",".join(_int_list(c) for c in self.counts)
        return f'{{"k":"{self.kind}","s":{self.scale},"n":[{counts}],"xy":{_int_list(self.steps)}}}'


def _int_list(values: np.ndarray) -> str:
    return "[" + ",".join(np.asarray(values, dtype=np.int64).astype(str).tolist()) + "]"


def _family(geoms: np.ndarray) -> str:
    types = shapely.get_type_id(geoms)
    present = types[types >= 0]
    for kind, family in (("polygon", _POLYGONAL), ("line", _LINEAR), ("point", _PUNTAL)):
        if np.isin(present, family).all():
            return kind
    raise ValueError("pack() takes geometries of one family: points, lines or polygons")


def pack(geoms: np.ndarray, *, precision: int = 6) -> Packed:
    """Pack longitude/latitude geometries of one family, one entry per row.

    Null and empty geometries give a row with no parts, so row ``i`` of the packed data is
    row ``i`` of the input.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> from kotaku_gis.maps.display import pack
    >>> p = pack(np.array([shapely.box(116.0, -8.6, 116.001, -8.599), None]), precision=3)
    >>> [c.tolist() for c in p.counts], p.steps[:4].tolist()
    ([[5], [1], [1, 0]], [116001, -8600, 0, 1])
    """
    geoms = np.asarray(geoms, dtype=object)
    kind = _family(geoms)
    blank = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    geoms = np.where(blank, None, geoms)
    rings = shapely.get_type_id(geoms) == GeometryType.LINEARRING
    if rings.any():
        xy, index = shapely.get_coordinates(geoms[rings], return_index=True)
        geoms[rings] = shapely.linestrings(xy, indices=index)
    if blank.all():
        counts = {"polygon": 3, "line": 2, "point": 1}[kind]
        return Packed(
            kind,
            10**precision,
            (*(np.zeros(0, np.int64) for _ in range(counts - 1)), np.zeros(len(geoms), np.int64)),
            np.zeros(0, np.int64),
        )
    gtype, coords, offsets = shapely.to_ragged_array(geoms, include_z=False)
    level_counts = [np.diff(o) for o in offsets]
    if kind == "point":
        if gtype == GeometryType.POINT:
            per_row = (~blank).astype(np.int64)
            coords = coords[~blank]
        else:
            (per_row,) = level_counts
        counts: tuple[np.ndarray, ...] = (per_row,)
    elif gtype in (GeometryType.MULTIPOLYGON, GeometryType.MULTILINESTRING):
        counts = tuple(level_counts)
    else:
        # single polygons / lines: one part per row that has any, none for blank rows
        inner = level_counts[:-1]
        parts = level_counts[-1]
        counts = (*inner, parts[parts > 0], (parts > 0).astype(np.int64))
    scale = 10**precision
    quantised = np.rint(coords * scale).astype(np.int64)
    steps = np.diff(quantised, axis=0, prepend=np.zeros((1, 2), np.int64)).ravel()
    return Packed(kind, scale, counts, steps)
