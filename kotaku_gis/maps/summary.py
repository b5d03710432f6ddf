"""Where a map opens, and what stands for the units when they are too small to see.

A province of RT units is a scatter of specks at the zoom that shows it whole. So each map
groups its units by area (by kota when they span several, else by kelurahan or kecamatan),
and below the zoom at which an area's units are a few pixels wide the area is drawn as one
label instead: its name, slum hectares and units, and a bar of its hectares per level.
The map opens on the kota the caller names, or where the units are (the kota with the most
units), never on the whole province at a scale where nothing shows.

Examples
--------
>>> from kotaku_gis.maps.summary import zoom_for
>>> round(float(zoom_for(150.0, -8.58)), 2)  # a 150 m RT is 4 pixels wide from zoom 12
12.01
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import labels
from ..boundaries import name_key
from ..crs import WGS84
from ..errors import InputError
from ..schema import LEVELS
from . import style

__all__ = [
    "MIN_PIXELS",
    "Areas",
    "area_groups",
    "area_payload",
    "opening_bounds",
    "unit_bounds",
    "zoom_for",
]

#: An area's units are drawn from the zoom at which its median unit is this many pixels wide.
MIN_PIXELS = 4.0
#: Metres per pixel at zoom 0 on the equator (Web Mercator tiles of 256 pixels).
_M_PER_PX0 = 156_543.033_92
_M_PER_DEG = 111_320.0


def zoom_for(size_m: float | np.ndarray, lat: float | np.ndarray, pixels: float = MIN_PIXELS):
    """The zoom from which a thing ``size_m`` metres wide at ``lat`` spans ``pixels`` pixels.

    Examples
    --------
    >>> from kotaku_gis.maps.summary import zoom_for
    >>> round(float(zoom_for(1000.0, 0.0, pixels=1000 / 152.87)), 1)  # 152.87 m/pixel at zoom 10
    10.0
    """
    size = np.maximum(np.asarray(size_m, dtype=float), 0.01)
    return np.log2(_M_PER_PX0 * np.cos(np.radians(lat)) * pixels / size)


def unit_bounds(units: gpd.GeoDataFrame) -> np.ndarray:
    """Longitude/latitude bounds of each unit (NaN rows for units without geometry)."""
    geoms = units.geometry
    if geoms.crs is not None and not geoms.crs.equals(WGS84):
        geoms = geoms.to_crs(WGS84)
    return np.asarray(geoms.bounds.to_numpy(dtype=float))


def _sizes_m(bounds: np.ndarray) -> np.ndarray:
    """Geometric mean of each unit's width and height in metres."""
    lat = np.radians((bounds[:, 1] + bounds[:, 3]) / 2)
    width = (bounds[:, 2] - bounds[:, 0]) * _M_PER_DEG * np.cos(lat)
    height = (bounds[:, 3] - bounds[:, 1]) * _M_PER_DEG
    return np.sqrt(np.maximum(width, 0.01) * np.maximum(height, 0.01))


def area_groups(units: pd.DataFrame) -> str | None:
    """The column the summaries group by: ``kota`` across several kota, else the finest of
    ``kelurahan`` and ``kecamatan`` with names, else None (all units one area).

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.summary import area_groups
    >>> area_groups(pd.DataFrame({"kota": ["A", "B"], "kelurahan": ["x", "y"]}))
    'kota'
    >>> area_groups(pd.DataFrame({"kota": ["A", "A"], "kelurahan": ["x", "y"]}))
    'kelurahan'
    """
    if "kota" in units.columns and units["kota"].dropna().nunique() > 1:
        return "kota"
    for col in ("kelurahan", "kecamatan", "kota"):
        if col in units.columns and units[col].notna().any():
            return col
    return None


@dataclass(frozen=True)
class Areas:
    """The areas of a map's units: each unit's area (``code``, -1 for none) and per area its
    escaped ``names``, unit counts, label points, bounds and the zoom its units show from."""

    column: str | None
    code: np.ndarray
    names: list[str]
    raw_names: list[Any]
    n: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    bounds: np.ndarray
    zoom: np.ndarray

    @classmethod
    def of(cls, units: gpd.GeoDataFrame, bounds: np.ndarray, *, lang: str) -> Areas:
        """Group ``units`` (with their lon/lat ``bounds``) into areas."""
        column = area_groups(units)
        shown = np.isfinite(bounds).all(axis=1)
        if column is None:
            raw = pd.Series(labels.texts(lang)["all_units"], index=units.index, dtype=object)
        else:
            blank = labels.texts(lang)["no_area"]
            raw = units[column].astype(object).where(units[column].notna(), blank)
        codes, distinct = pd.factorize(raw.astype(str), sort=True)
        codes = np.where(shown, codes, -1)
        k = len(distinct)
        centre_x = (bounds[:, 0] + bounds[:, 2]) / 2
        centre_y = (bounds[:, 1] + bounds[:, 3]) / 2
        sizes = _sizes_m(np.where(shown[:, None], bounds, 0.0))
        lat, lon = np.full(k, np.nan), np.full(k, np.nan)
        box = np.full((k, 4), np.nan)
        zoom = np.full(k, 0.0)
        n = np.bincount(codes[codes >= 0], minlength=k)
        for g in range(k):
            rows = np.flatnonzero(codes == g)
            if not len(rows):
                continue
            mx, my = np.median(centre_x[rows]), np.median(centre_y[rows])
            near = rows[np.argmin((centre_x[rows] - mx) ** 2 + (centre_y[rows] - my) ** 2)]
            lon[g], lat[g] = centre_x[near], centre_y[near]
            box[g] = [
                bounds[rows, 1].min(),
                bounds[rows, 0].min(),
                bounds[rows, 3].max(),
                bounds[rows, 2].max(),
            ]
            zoom[g] = float(zoom_for(np.median(sizes[rows]), lat[g]))
        return cls(
            column=column,
            code=codes.astype(np.int64),
            names=style.esc(pd.Series(list(distinct), dtype=object)),
            raw_names=list(distinct),
            n=n,
            lat=lat,
            lon=lon,
            bounds=box,
            zoom=zoom,
        )


def _hectares_by_level(codes: np.ndarray, area: np.ndarray, groups: np.ndarray, k: int):
    """Hectares per area and level (worst first, then not assessed): a k × 5 list."""
    out = np.zeros((k, len(LEVELS) + 1))
    ok = (groups >= 0) & np.isfinite(area)
    level = np.where(codes >= 0, codes, len(LEVELS))
    np.add.at(out, (groups[ok], level[ok]), area[ok])
    return np.round(out, 4).tolist()


def area_payload(
    areas: Areas,
    level_codes: dict[str, tuple[np.ndarray, str]],
    area_ha: np.ndarray,
    *,
    lang: str,
    href: list[str] | None = None,
    always: bool = False,
) -> dict[str, Any]:
    """The JSON of a :class:`~kotaku_gis.maps.layers.SummaryLayer`.

    ``level_codes`` maps each level column (``level``, ``level_after``) to the units' level
    codes (0 worst … 3 not slum, -1 not assessed) and the title of its view; the first is
    summarised until another level view is shown. ``always`` shows the labels at every zoom
    (an index map). Hectares are the units' ``area_ha`` (as in every report).
    """
    t = labels.texts(lang)
    k = len(areas.names)
    ha = {
        col: _hectares_by_level(codes, area_ha, areas.code, k)
        for col, (codes, _) in level_codes.items()
    }
    payload: dict[str, Any] = {
        "name": areas.names,
        "lat": np.round(areas.lat, 6).tolist(),
        "lon": np.round(areas.lon, 6).tolist(),
        "b": np.round(areas.bounds, 6).tolist(),
        "gz": [99.0] * k if always else np.round(areas.zoom, 2).tolist(),
        "n": areas.n.tolist(),
        "ha": ha,
        "cols": list(ha),
        "colors": [*(style.LEVEL_COLOURS[lvl] for lvl in LEVELS), style.MISSING_COLOUR],
        "labels": [html.escape(x) for x in (*labels.level_labels(lang), t["not_assessed"])],
        "viewTitle": {col: html.escape(title) for col, (_, title) in level_codes.items()},
        "locale": "en-GB" if lang == "en" else "id-ID",
        "t": {
            key: html.escape(t[key])
            for key in ("slum_ha", "slum_total", "units_word", "open", "click_open", "click_zoom")
        },
    }
    if href is not None:
        payload["href"] = href
    return payload


def _matches(units: pd.DataFrame, focus: str) -> tuple[str, np.ndarray] | None:
    key = name_key(focus)
    for col in ("kota", "kecamatan", "kelurahan", "provinsi"):
        if col in units.columns:
            rows = units[col].map(name_key).to_numpy() == key
            if rows.any():
                return col, rows
    return None


def opening_bounds(
    units: gpd.GeoDataFrame, bounds: np.ndarray, focus: str | None
) -> tuple[list[list[float]] | None, Any]:
    """The bounds a map opens on, and the name of the area it opens on (or None).

    ``focus`` names a kota (or kecamatan, kelurahan, provinsi) of the units; without it the
    map opens on the kota with the most units, leaving out a stray unit far from the others
    (so that it does not set the scale).
    """
    shown = np.isfinite(bounds).all(axis=1)
    name = None
    if focus is not None:
        found = _matches(units, str(focus))
        if found is None:
            known = (
                sorted(units["kota"].dropna().astype(str).unique())[:12]
                if "kota" in units.columns
                else []
            )
            raise InputError(
                f"focus={focus!r} names no kota, kecamatan or kelurahan of the units"
                + (f"; the kota are {known}" if known else "")
                + ". Give one of their names as the units spell it."
            )
        rows = found[1] & shown
        name = focus
    elif "kota" in units.columns and units["kota"].dropna().nunique() > 1:
        kota = units["kota"].astype(object).where(shown)
        counts = pd.Series(kota).value_counts()
        name = counts.index[0]
        rows = (kota == name).to_numpy(dtype=bool)
    else:
        rows = shown
    if not rows.any():
        return None, name
    b = bounds[rows]
    if len(b) >= 20:
        # a stray unit far from the others does not set the scale: keep the units within the
        # middle 96 % of the centres widened by half its size on each side
        cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
        lo_x, hi_x = np.quantile(cx, [0.02, 0.98])
        lo_y, hi_y = np.quantile(cy, [0.02, 0.98])
        wx, wy = (hi_x - lo_x) / 2, (hi_y - lo_y) / 2
        core = (cx >= lo_x - wx) & (cx <= hi_x + wx) & (cy >= lo_y - wy) & (cy <= hi_y + wy)
        b = b[core]
    west, south = float(b[:, 0].min()), float(b[:, 1].min())
    east, north = float(b[:, 2].max()), float(b[:, 3].max())
    return [[south, west], [north, east]], name


def slug(name: Any) -> str:
    """A file-name part from a place name: "Kota Mataram" → "kota_mataram".

    Examples
    --------
    >>> from kotaku_gis.maps.summary import slug
    >>> slug("Kota Mataram"), slug("Kab. Bima / 2"), slug("")
    ('kota_mataram', 'kab_bima_2', 'tanpa_nama')
    """
    text = re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")
    return text or "tanpa_nama"


def is_finite_box(box: Any) -> bool:
    """True for bounds [[south, west], [north, east]] of finite numbers."""
    return box is not None and all(math.isfinite(v) for pair in box for v in pair)
