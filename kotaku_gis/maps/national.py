"""National maps: an index map of the kota/kabupaten linking to one map per kota.

One HTML file of 100,000 RT units would be about 45 MB, more than a browser in a meeting
survives. Above a size (:data:`kotaku_gis.maps.units.MAX_UNITS` units over several kota)
:func:`kotaku_gis.map_units` returns an index map instead: each kota/kabupaten drawn with its
boundary (or the outline of its units) and labelled with its slum hectares per level, every
label linking to that kota's own map. :func:`kotaku_gis.save_map` writes the index as the file
asked for and each kota's map beside it as ``<name>_<kota>.html``, one at a time, so memory
stays that of the largest kota.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import labels
from ..boundaries import area_boundary, context_boundaries
from ..crs import WGS84
from . import style
from .context import add_basemaps, boundary_layer, default_title, title_html
from .layers import FitView, GroupedLayerControl, Legend, SummaryLayer, Title, to_js
from .offline import make_offline
from .summary import Areas, area_payload, slug, unit_bounds

__all__ = ["MapPage", "index_map"]


@dataclass(frozen=True)
class MapPage:
    """One kota's map of an index map: its name, file-name part, and how to draw it."""

    name: str
    slug: str
    build: Callable[[], folium.Map]


def _slugs(names: list[Any]) -> list[str]:
    out: list[str] = []
    for name in names:
        base = slug(name)
        candidate, k = base, 2
        while candidate in out:
            candidate, k = f"{base}_{k}", k + 1
        out.append(candidate)
    return out


def _outlines(units: gpd.GeoDataFrame, areas: Areas, kota_layer) -> gpd.GeoDataFrame:
    """Per kota its boundary when known, else the convex hull of its units (buffered a little)."""
    geoms = np.asarray(units.geometry.to_crs(WGS84).array, dtype=object)
    shapes = []
    for g, name in enumerate(areas.raw_names):
        rows = areas.code == g
        shape = area_boundary(name, units[rows], kota_layer)
        if shape is None:
            hull = shapely.convex_hull(shapely.union_all(shapely.envelope(geoms[rows])))
            shape = shapely.buffer(hull, 0.002, quad_segs=2)
        shapes.append(shape)
    return gpd.GeoDataFrame(
        {"nama": pd.array([None] * len(shapes), dtype="string")}, geometry=shapes, crs=WGS84
    )


def _works_of(works: gpd.GeoDataFrame | None, box: np.ndarray, unit_ids: pd.Series):
    """The works near one kota: drawn within about a kilometre of its units, or table rows
    naming one of its units."""
    if works is None:
        return None
    geoms = works.geometry
    lonlat = geoms.to_crs(WGS84) if geoms.crs is not None and not geoms.crs.equals(WGS84) else geoms
    pad = 0.01
    window = shapely.box(box[1] - pad, box[0] - pad, box[3] + pad, box[2] + pad)
    arr = np.asarray(lonlat.array, dtype=object)
    blank = shapely.is_missing(arr) | shapely.is_empty(arr)
    near = np.zeros(len(arr), bool)
    near[~blank] = shapely.intersects(arr[~blank], window)
    if "unit_id" in works.columns:
        named = works["unit_id"].astype("string").isin(unit_ids).fillna(False).to_numpy(bool)
        near |= blank & named
    return works[near]


def index_map(
    units: gpd.GeoDataFrame,
    ids: pd.Series,
    *,
    focus: str | None,
    options: dict[str, Any],
    one_map: Callable[..., folium.Map],
    unit_parts: Callable[..., Any],
) -> folium.Map:
    """The index map of checked units over several kota, with ``kotaku_pages``.

    ``one_map`` draws a kota's own map and ``unit_parts`` prepares the units' layers; both are
    passed in by :func:`kotaku_gis.maps.units.map_units`, which owns them.
    """

    lang = options["lang"]
    t = labels.texts(lang)
    bounds = unit_bounds(units)
    areas = Areas.of(units, bounds, lang=lang)
    parts = unit_parts(
        units, ids, lang=lang, baseline=options["baseline"], after=options["after"],
        remaining=None, views="none", popup=False,
    )  # fmt: skip
    slugs = _slugs(areas.raw_names)
    found = context_boundaries(units, options["boundaries"])
    outlines = _outlines(units, areas, found.get("kota"))

    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, zoom_snap=0.25)
    add_basemaps(m, options["tiles"], found, lang=lang)
    lines = boundary_layer({"kota": outlines}, lang=lang)
    if lines is not None:
        m.add_child(lines)
    level_cols = parts.level_cols or {"level": (np.full(len(units), -1), t["level"])}
    payload = area_payload(areas, level_cols, parts.area, lang=lang, href=slugs, always=True)
    m.add_child(SummaryLayer(to_js(payload)))
    heading = options["title"] or default_title(units, lang=lang)
    box, plain = title_html(
        heading, lang=lang, year=options["year"], ruleset=units.attrs.get("ruleset")
    )
    box = (
        box.replace(html.escape(t["map_title"]), html.escape(t["index_title"]), 1)
        + f'<div class="kg-sub">{html.escape(t["index_note"])}</div>'
    )
    plain = plain.replace(t["map_title"], t["index_title"], 1)
    colours = [*(style.LEVEL_COLOURS[lvl] for lvl in style.LEVEL_COLOURS), style.MISSING_COLOUR]
    names = [*labels.level_labels(lang), t["not_assessed"]]
    rows = "".join(
        f'<div class="kg-key"><span class="kg-swatch" style="background:{c}"></span>'
        f"{html.escape(n)}</div>"
        for c, n in zip(colours, names, strict=True)
    )
    m.add_child(
        Legend(
            f"<h4>{html.escape(t['legend'])}</h4><div><h5>{html.escape(t['level'])}</h5>{rows}"
            f'</div><div class="kg-note">{html.escape(t["index_note"])}</div>'
        )
    )
    m.add_child(Title(box))
    m.add_child(GroupedLayerControl(collapsed=options["collapsed"]))
    shown = np.isfinite(bounds).all(axis=1)
    if shown.any():
        b = bounds[shown]
        m.add_child(
            FitView([[float(b[:, 1].min()), float(b[:, 0].min())], [float(b[:, 3].max()),
                     float(b[:, 2].max())]])
        )  # fmt: skip
    if options["offline"]:
        make_offline(m)
    m.get_root().title = html.escape(plain)

    page_options = {k: v for k, v in options.items() if k != "title"}
    remaining = options["remaining"]

    def _page(g: int) -> Callable[[], folium.Map]:
        def build() -> folium.Map:
            rows = areas.code == g
            part, part_ids = units[rows], ids[rows]
            own = dict(page_options)
            own["interventions"] = _works_of(options["interventions"], areas.bounds[g], part_ids)
            if remaining is not None and "unit_id" in remaining.columns:
                keep = remaining["unit_id"].astype("string").isin(part_ids).fillna(False)
                own["remaining"] = remaining[keep.to_numpy(bool)]
            return one_map(
                part, part_ids, focus=None, title=str(areas.raw_names[g]),
                index_slug=slugs[g], **own,
            )  # fmt: skip

        return build

    m.kotaku_pages = [
        MapPage(str(name), slugs[g], _page(g)) for g, name in enumerate(areas.raw_names)
    ]
    return m
