"""What a map shows around its units: title, boundaries, basemaps and the plain background.

A map must make sense in a meeting room without network: it says what it shows (area, year
of the works, ruleset), draws the kota, kecamatan and kelurahan boundaries (bundled for Nusa
Tenggara Barat, or the caller's), and when the basemap tiles cannot load the page itself
notices (tile error events) and shows a plain background with the land drawn from the kota
boundaries instead of a grey void.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import labels
from ..boundaries import BOUNDARY_LEVELS, Boundaries, area_boundary
from ..rulesets import get_ruleset
from .display import display_geometries, pack
from .layers import Basemaps, BoundaryLayer, to_js

__all__ = ["add_basemaps", "boundary_layer", "default_title", "title_html"]

# display tolerance (m) of each level's lines, its line style, and the zooms of its lines and
# of its names (names from labelMin up to, not including, labelMax)
BOUNDARY_STYLE: dict[str, dict[str, Any]] = {
    "kota": {"tol": 40.0, "color": "#2b2b2b", "weight": 2.6, "dash": None,
             "min": 0, "labelMin": 7, "labelMax": 11.5},
    "kecamatan": {"tol": 20.0, "color": "#5a5a5a", "weight": 1.5, "dash": "9 4",
                  "min": 10, "labelMin": 11.5, "labelMax": 13.5},
    "kelurahan": {"tol": 6.0, "color": "#8c8c8c", "weight": 0.9, "dash": "2 3",
                  "min": 12, "labelMin": 13.5, "labelMax": 99},
}  # fmt: skip


def _packed(geoms: np.ndarray, tol: float, precision: int) -> str:
    shown = display_geometries(gpd.GeoSeries(geoms, crs=4326), simplify_m=tol, name="boundaries")
    return pack(shown, precision=precision).to_json()


def boundary_layer(
    found: Boundaries, *, lang: str, skip_names: Sequence[str] = (), precision: int = 5
) -> BoundaryLayer | None:
    """The map layer of ``found`` boundaries (lines and names), or None when there are none.

    Names in ``skip_names`` (already labelled by the area summaries) get no place label.
    """
    if not found:
        return None
    skip = {str(n) for n in skip_names}
    levels = []
    for level in BOUNDARY_LEVELS:
        frame = found.get(level)
        if frame is None or frame.empty:
            continue
        spec = BOUNDARY_STYLE[level]
        geoms = np.asarray(frame.geometry.array, dtype=object)
        names = frame["nama"].astype(object).where(frame["nama"].notna(), "")
        names = names.where(~names.astype(str).isin(skip), "")
        points = shapely.point_on_surface(geoms)
        levels.append(
            {
                "key": level,
                "geom": "__GEOM__",
                "labels": "__LABELS__",
                "names": [html.escape(str(n)) for n in names],
                "color": spec["color"],
                "weight": spec["weight"],
                "dash": spec["dash"],
                "min": spec["min"],
                "labelMin": spec["labelMin"],
                "labelMax": spec["labelMax"],
            }
        )
        text = to_js(levels[-1])
        text = text.replace('"__GEOM__"', _packed(geoms, spec["tol"], precision))
        text = text.replace('"__LABELS__"', pack(points, precision=precision).to_json())
        levels[-1] = text
    payload = '{"levels":[' + ",".join(levels) + "]}"
    return BoundaryLayer(payload, name=html.escape(labels.texts(lang)["boundaries"]))


def add_basemaps(
    m: folium.Map, tiles: str | Sequence[str] | None, found: Boundaries, *, lang: str
) -> list[folium.TileLayer]:
    """Tile basemaps as options (the first shown), and the watcher that falls back to a plain
    background with the land from the kota boundaries when the tiles fail."""
    t = labels.texts(lang)
    names = [tiles] if isinstance(tiles, str) else list(tiles or [])
    layers = []
    for k, name in enumerate(names):
        layer = folium.TileLayer(name, overlay=True, control=True, show=k == 0)
        layer.layer_name = html.escape(_tile_label(name))
        layer.kg_group = html.escape(t["basemap_group"])
        m.add_child(layer)
        layers.append(layer)
    land = None
    kota = found.get("kota")
    if kota is not None and not kota.empty:
        land = _packed(np.asarray(kota.geometry.array, dtype=object), 40.0, 5)
    m.add_child(Basemaps(layers, land=land, note=html.escape(t["basemap_offline"])))
    return layers


def _tile_label(name: str) -> str:
    """A basemap's name in the layer control: its tile name, or the host of its URL."""
    if name.startswith(("http://", "https://", "//")):
        return name.split("//", 1)[-1].split("/", 1)[0]
    return name


def default_title(
    units: pd.DataFrame, *, lang: str, focus_name: Any = None, found: Boundaries | None = None
) -> str:
    """The area a map shows: its one kota, else its one provinsi, else how many kota; for
    units without those columns the kota boundary (of ``found``) holding them.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.context import default_title
    >>> default_title(pd.DataFrame({"kota": ["Kota Mataram"]}), lang="id")
    'Kota Mataram'
    >>> default_title(pd.DataFrame({"kota": ["A", "B"], "provinsi": ["NTB", "NTB"]}), lang="en")
    'NTB'
    """
    for col in ("kota", "provinsi"):
        if col in units.columns:
            values = units[col].dropna().unique()
            if len(values) == 1:
                return str(values[0])
    if "kota" in units.columns and units["kota"].notna().any():
        n = units["kota"].dropna().nunique()
        return f"{n} kota/kabupaten"
    if focus_name is not None:
        return str(focus_name)
    kota = (found or {}).get("kota")
    if isinstance(units, gpd.GeoDataFrame) and kota is not None:
        shape = area_boundary(None, units, kota)
        if shape is not None:
            hit = np.flatnonzero(np.asarray(kota.geometry.array, dtype=object) == shape)
            if len(hit) and pd.notna(kota["nama"].iloc[hit[0]]):
                return str(kota["nama"].iloc[hit[0]])
    return labels.count_text(len(units), lang) + " " + labels.texts(lang)["units_word"]


def title_html(
    heading: str,
    *,
    lang: str,
    year: int | None,
    ruleset: str | None,
    index_slug: str | None = None,
) -> tuple[str, str]:
    """The title box's HTML (escaped) and the page title as plain text.

    ``index_slug``: the page is one area's map of an index map; the box links back to the
    index (the page finds it from its own file name, ``<index>_<slug>.html``).
    """
    t = labels.texts(lang)
    parts = []
    if year is not None:
        parts.append(t["works_to"].format(year=int(year)))
    if ruleset:
        try:
            parts.append(get_ruleset(ruleset).title)
        except Exception:  # an unknown name is shown as it is
            parts.append(str(ruleset))
    main = f"{t['map_title']} · {heading}"
    sub = " · ".join(parts)
    box = f"<h1>{html.escape(main)}</h1>"
    if sub:
        box += f'<div class="kg-sub">{html.escape(sub)}</div>'
    if index_slug is not None:
        box = (
            f'<div><a class="kg-back" data-kg-slug="{html.escape(index_slug)}" href="#">'
            f"{html.escape(t['back_index'])}</a></div>" + box
        )
    plain = main + (f" ({sub})" if sub else "")
    return box, plain
