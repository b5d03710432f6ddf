"""Administrative boundaries for context: the kota, kecamatan and kelurahan around the units.

Maps and printed pages draw the boundaries of the areas their units lie in, so that a reader
knows where a unit is without a basemap (offline, or on paper). For Nusa Tenggara Barat the
package bundles them (:mod:`kotaku_gis.datasets`: ``ntb_kabupaten_kota``, ``ntb_kecamatan``,
``mataram_kelurahan``) and they are found by themselves; for another province the caller
passes its own layers.

Examples
--------
>>> import geopandas as gpd, shapely
>>> from kotaku_gis.boundaries import context_boundaries
>>> units = gpd.GeoDataFrame({"unit_id": ["RT01"]},
...     geometry=[shapely.box(116.080, -8.585, 116.082, -8.583)], crs=4326)
>>> found = context_boundaries(units)
>>> sorted(found), found["kota"]["nama"].tolist()
(['kecamatan', 'kelurahan', 'kota'], ['Kota Mataram'])
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from functools import cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .crs import WGS84, require_crs
from .errors import InputError

__all__ = ["BOUNDARY_LEVELS", "Boundaries", "area_boundary", "context_boundaries", "name_key"]

#: The levels of boundaries, largest first.
BOUNDARY_LEVELS: tuple[str, ...] = ("kota", "kecamatan", "kelurahan")

#: Boundaries by level (``"kota"``, ``"kecamatan"``, ``"kelurahan"``): each a GeoDataFrame
#: with ``nama`` (may be blank) and polygons in EPSG:4326.
Boundaries = dict[str, gpd.GeoDataFrame]

_BUNDLED = {"kota": "kabupaten_kota", "kecamatan": "kecamatan", "kelurahan": "kelurahan"}
_LEVEL_WORDS = {
    "kota": "kota",
    "kabupaten_kota": "kota",
    "kabupaten": "kota",
    "kab_kota": "kota",
    "kecamatan": "kecamatan",
    "kelurahan": "kelurahan",
    "desa": "kelurahan",
    "kelurahan_desa": "kelurahan",
}


@cache
def _bundled(level: str) -> gpd.GeoDataFrame:
    from . import datasets

    frame = datasets.load_boundaries(_BUNDLED[level])
    return gpd.GeoDataFrame(
        {"nama": frame["nama"].astype("string")}, geometry=frame.geometry.values, crs=frame.crs
    )


def name_key(name: Any) -> str:
    """A place name compared loosely: case, spaces and "Kab." / "Kabupaten" ignored.

    Examples
    --------
    >>> from kotaku_gis.boundaries import name_key
    >>> name_key("KAB. DOMPU") == name_key("Kabupaten  Dompu"), name_key("Kota Bima")
    (True, 'kota bima')
    """
    if name is None or (isinstance(name, float) and name != name) or name is pd.NA:
        return ""
    text = re.sub(r"[\s_]+", " ", str(name).strip().lower())
    return re.sub(r"^kab(upaten)?\.? ", "kabupaten ", text)


def _units_bounds(units: gpd.GeoDataFrame) -> np.ndarray | None:
    geoms = units.geometry
    shown = geoms[~(geoms.isna() | geoms.is_empty)]
    if shown.empty:
        return None
    return np.asarray(shown.to_crs(WGS84).total_bounds, dtype=float)


def _as_layer(frame: Any, level: str) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
        raise InputError(
            f"boundaries[{level!r}] is not a GeoDataFrame of polygons; pass the layer as read "
            "by geopandas.read_file (with a CRS)."
        )
    require_crs(frame.crs, name=f"boundaries[{level!r}]")
    names = next(
        (frame[c] for c in ("nama", "name", "NAMOBJ", level) if c in frame.columns),
        pd.Series(pd.NA, index=frame.index),
    )
    geoms = np.asarray(frame.geometry.to_crs(WGS84).array, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms = geoms[keep]
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
    return gpd.GeoDataFrame(
        {"nama": pd.array(names.to_numpy()[keep], dtype="string")}, geometry=geoms, crs=WGS84
    )


def _split_levels(frame: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """One layer with a ``level`` column (as the bundled files have) split by level."""
    if "level" not in frame.columns:
        return {"kota": frame}
    out: dict[str, gpd.GeoDataFrame] = {}
    words = frame["level"].astype("string").str.strip().str.lower()
    for word, level in _LEVEL_WORDS.items():
        rows = (words == word).to_numpy(dtype=bool)
        if rows.any():
            out[level] = frame[rows]
    return out or {"kota": frame}


def context_boundaries(
    units: gpd.GeoDataFrame,
    boundaries: Any = "auto",
    *,
    margin: float = 0.15,
) -> Boundaries:
    """The boundaries around ``units``, by level, cut to the units' extent.

    Parameters
    ----------
    units : GeoDataFrame
        The units to give context to (any CRS).
    boundaries : "auto", None, GeoDataFrame or mapping, default "auto"
        ``"auto"``: the bundled boundaries of Nusa Tenggara Barat when the units lie there,
        else none. ``None`` or ``False``: none. A GeoDataFrame: one layer (split by its
        ``level`` column when it has one, as the bundled files do; else taken as kota
        boundaries). A mapping ``{"kota": …, "kecamatan": …, "kelurahan": …}``: one layer per
        level. Names are read from ``nama``, ``name``, ``NAMOBJ`` or the level's own column.
    margin : float, default 0.15
        Share of the units' extent added on each side: boundaries within it are kept.

    Returns
    -------
    dict of str to GeoDataFrame
        Only the levels that have a boundary near the units, largest first; each with
        ``nama`` and valid polygons in EPSG:4326.

    Raises
    ------
    InputError
        A layer that is not a GeoDataFrame with a CRS, or an unknown level name.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.boundaries import context_boundaries
    >>> units = gpd.GeoDataFrame({"unit_id": ["A"]},
    ...     geometry=[shapely.box(110.0, -7.0, 110.01, -6.99)], crs=4326)
    >>> context_boundaries(units)  # far from Nusa Tenggara Barat: nothing bundled applies
    {}
    >>> kota = gpd.GeoDataFrame({"nama": ["Kota X"]},
    ...     geometry=[shapely.box(109.9, -7.1, 110.1, -6.9)], crs=4326)
    >>> context_boundaries(units, kota)["kota"]["nama"].tolist()
    ['Kota X']
    """
    bounds = _units_bounds(units)
    if bounds is None or boundaries is None or boundaries is False:
        return {}
    if isinstance(boundaries, str):
        if boundaries != "auto":
            raise InputError(
                f"boundaries={boundaries!r}: pass 'auto', None, a GeoDataFrame or a mapping "
                "{'kota': …, 'kecamatan': …, 'kelurahan': …}."
            )
        layers = {level: _bundled(level) for level in BOUNDARY_LEVELS}
        ntb = np.asarray(layers["kota"].total_bounds)
        overlaps = not (
            bounds[0] > ntb[2] or bounds[2] < ntb[0] or bounds[1] > ntb[3] or bounds[3] < ntb[1]
        )
        if not overlaps:
            return {}
    elif isinstance(boundaries, Mapping):
        layers = {}
        for key, frame in boundaries.items():
            level = _LEVEL_WORDS.get(str(key).strip().lower())
            if level is None:
                raise InputError(
                    f"boundaries has the level {key!r}; use 'kota', 'kecamatan' or 'kelurahan'."
                )
            layers[level] = _as_layer(frame, level)
    else:
        layers = {k: _as_layer(v, k) for k, v in _split_levels(_as_layer_raw(boundaries)).items()}
    west, south, east, north = bounds
    pad = max(east - west, north - south, 0.002) * margin
    window = shapely.box(west - pad, south - pad, east + pad, north + pad)
    out: Boundaries = {}
    for level in BOUNDARY_LEVELS:
        frame = layers.get(level)
        if frame is None or frame.empty:
            continue
        near = shapely.intersects(np.asarray(frame.geometry.array, dtype=object), window)
        if near.any():
            out[level] = frame[near].reset_index(drop=True)
    return out


def _as_layer_raw(frame: Any) -> gpd.GeoDataFrame:
    """A single boundary layer, with its ``level`` column kept for splitting."""
    layer = _as_layer(frame, "kota")
    if isinstance(frame, gpd.GeoDataFrame) and "level" in frame.columns:
        geoms = frame.geometry
        keep = ~(geoms.isna() | geoms.is_empty).to_numpy()
        layer["level"] = frame["level"].to_numpy()[keep]
    return layer


def area_boundary(
    name: Any, units: gpd.GeoDataFrame, layer: gpd.GeoDataFrame | None
) -> shapely.Geometry | None:
    """The boundary polygon of the area ``name`` whose units are ``units``, if ``layer`` has it.

    Matched on the name first (see :func:`name_key`), else on the polygon holding most of the
    units' points; None when neither finds one.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.boundaries import area_boundary, context_boundaries
    >>> units = gpd.GeoDataFrame({"kota": ["Kab. Dompu"]},
    ...     geometry=[shapely.box(118.46, -8.54, 118.47, -8.53)], crs=4326)
    >>> kota = context_boundaries(units)["kota"]
    >>> area_boundary("Kab. Dompu", units, kota).geom_type
    'MultiPolygon'
    """
    if layer is None or layer.empty:
        return None
    key = name_key(name)
    hit = np.flatnonzero((layer["nama"].map(name_key) == key).to_numpy(dtype=bool)) if key else []
    if len(hit) == 1:
        return layer.geometry.iloc[hit[0]]
    geoms = units.geometry
    shown = geoms[~(geoms.isna() | geoms.is_empty)]
    if shown.empty:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a point on the surface of lon/lat polygons
        points = np.asarray(shown.to_crs(WGS84).representative_point().array, dtype=object)
    tree = shapely.STRtree(np.asarray(layer.geometry.array, dtype=object))
    _, which = tree.query(points, predicate="within")
    if not len(which):
        return None
    counts = np.bincount(which, minlength=len(layer))
    best = int(counts.argmax())
    return layer.geometry.iloc[best] if counts[best] * 2 > len(points) else None
