"""Intervention sites on the map: one layer per category, points clustered, lines, polygons.

Works come from :func:`kotaku_gis.read_interventions` (which adds ``category``). Each of the
eight categories of :data:`kotaku_gis.CATEGORIES` gets its colour and layer; works of an
unknown kind go to an "other" layer rather than disappearing, and works without geometry
(table rows) are counted for the legend. Planned works (not ``completed``) are drawn hollow or
dashed.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import labels
from ..catalogue import CATEGORIES
from . import style
from .columns import coded, need_columns, need_geoframe, numbers
from .display import display_geometries, pack
from .layers import SiteLayer, to_js

__all__ = ["site_layers"]


def _site_fields(sites: pd.DataFrame, rows: np.ndarray, lang: str) -> dict[str, Any]:
    """Tooltip texts of the sites at ``rows``: id plus kind, year, status, volume, unit."""
    t = labels.texts(lang)
    part = sites.iloc[rows]
    ident = (
        part["intervention_id"]
        if "intervention_id" in part
        else pd.Series(part.index.astype(str), index=part.index)
    )
    fields: list[dict[str, Any]] = []
    for col, label in (("kind", "kind"), ("year", "year"), ("status", "status")):
        if col in part:
            fields.append({"label": t[label], **coded(part[col])})
    if "volume" in part:
        fields.append({"label": t["volume"], "n": numbers(part["volume"], 2)})
    if "unit_id" in part:
        fields.append({"label": t["units"], **coded(part["unit_id"])})
    return {"id": style.esc(ident), "fields": fields}


def site_layers(
    interventions: gpd.GeoDataFrame,
    *,
    lang: str = "id",
    simplify_m: float = 1.0,
    precision: int = 6,
) -> tuple[list[SiteLayer], list[tuple[str, str]], int]:
    """One map layer per category of works, its legend rows, and the works not drawn.

    Returns the layers (in :data:`kotaku_gis.CATEGORIES` order, then "other"), the
    (colour, label) of each for the legend, and how many works have no geometry.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.maps.sites import site_layers
    >>> works = gpd.GeoDataFrame(
    ...     {"intervention_id": ["W1", "W2"], "category": ["air_minum", "air_minum"]},
    ...     geometry=[shapely.Point(116.1, -8.58), None], crs=4326)
    >>> layers, legend, not_drawn = site_layers(works, lang="en")
    >>> [layer.layer_name for layer in layers], not_drawn
    (['Intervention sites: Drinking water (1)'], 1)
    """
    sites = need_geoframe(interventions, "interventions")
    need_columns(
        sites,
        ["category"],
        "interventions",
        "Read them with kg.read_interventions, which adds the category of each kind.",
    )
    category = sites["category"].astype("string").str.strip().str.lower()
    category = category.where(category.isin(list(CATEGORIES)), style.OTHER_CATEGORY)
    geoms = display_geometries(sites.geometry, simplify_m=simplify_m, name="interventions")
    shown = gpd.GeoSeries(geoms)
    blank = (shown.isna() | shown.is_empty).to_numpy()
    types = shown.geom_type.fillna("").to_numpy()
    done = (
        sites["completed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "completed" in sites
        else np.ones(len(sites), bool)
    )
    layers: list[SiteLayer] = []
    legend: list[tuple[str, str]] = []
    t = labels.texts(lang)
    families = {
        "points": ["Point", "MultiPoint"],
        "lines": ["LineString", "MultiLineString", "LinearRing"],
        "polygons": ["Polygon", "MultiPolygon"],
    }
    for key in (*CATEGORIES, style.OTHER_CATEGORY):
        rows = np.flatnonzero((category == key).to_numpy() & ~blank)
        if not len(rows):
            continue
        colour = style.CATEGORY_COLOURS[key]
        payload = {
            "color": colour,
            "done": done[rows].astype(int).tolist(),
            **_site_fields(sites, rows, lang),
        }
        parts = []
        for family, names in families.items():
            mask = np.isin(types[rows], names)
            if mask.any():
                packed = pack(geoms[rows[mask]], precision=precision).to_json()
                index = to_js(np.flatnonzero(mask).tolist())
                parts.append(f'"{family}":{{"geom":{packed},"row":{index}}}')
        label = labels.category_label(key, lang)
        body = to_js(payload)[:-1] + "," + ",".join(parts) + "}"
        layers.append(SiteLayer(body, name=f"{t['sites']}: {label} ({len(rows)})"))
        legend.append((colour, label))
    return layers, legend, int(blank.sum())
