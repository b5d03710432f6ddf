"""``map_units``: the planner's interactive map of slum units, works and what is still unserved.

One map answers the meeting's questions: which units are slum and how badly (level before and
after the works), why (one view per aspect or criterion, and each unit's criteria table in its
popup), where the works are (by category: points clustered, lines, polygons) and which parts
of the units no completed work serves yet. Thematic views of the units are exclusive (radio
buttons in the layer control, the per-aspect and per-criterion views in folding groups);
works, the unserved parts, the boundaries and the basemaps are switched on and off freely.

The map opens on the work: fitted to the kota with the most units (or the one named by
``focus``), titled with its area, year and ruleset, the layer control folded, the
administrative boundaries drawn, and, zoomed out, one label per area instead of specks (see
:mod:`kotaku_gis.maps.summary` and :mod:`kotaku_gis.maps.context`). A national layer is
written as an index map of its kota linking to one map per kota (:mod:`kotaku_gis.maps.national`).

Geometry is simplified for display only (see :mod:`kotaku_gis.maps.display`), so that 10,000
RT units stay a few megabytes and draw on a canvas.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from .. import labels
from .._deprecation import renamed_keywords
from ..area import area_ha
from ..boundaries import context_boundaries
from ..errors import InputError, reject_dask
from ..rulesets import all_codes
from ..schema import (
    ADMIN_COLUMNS,
    LEVELS,
    after_column,
    parse_column,
    pct_column,
    score_column,
)
from . import style
from .columns import (
    by_unit,
    level_codes,
    need_columns,
    need_geoframe,
    need_polygons,
    numbers,
    swatches,
    text_column,
    unique_ids,
)
from .context import BOUNDARY_STYLE, add_basemaps, boundary_layer, default_title, title_html
from .display import display_geometries, pack
from .layers import (
    FitView,
    GroupedLayerControl,
    Legend,
    SummaryLayer,
    Title,
    UnitData,
    UnitView,
    to_js,
)
from .national import index_map
from .offline import make_offline
from .sites import site_layers
from .summary import Areas, area_payload, is_finite_box, opening_bounds, unit_bounds

__all__ = ["MAX_UNITS", "VIEWS", "WORKS_SHOWN", "map_units"]

#: Accepted values of ``views``: which per-aspect or per-criterion score views to add.
VIEWS = ("aspects", "criteria", "both", "none")
#: Above this many units (over several kota) a map is split: an index map and one map per kota.
MAX_UNITS = 20_000
#: Works layers are shown on opening when there are at most this many categories.
WORKS_SHOWN = 3

_LEVEL_AFTER = after_column("level")
_SHARE_LABELS = ["0–20%", "20–40%", "40–60%", "60–80%", "80–100%"]
_ASPECT_LABELS = ["0", "≤ 1/3", "≤ 2/3", "> 2/3"]
_SCORE_LABELS = ["0", "1", "3", "5"]
_UNIT_LINE = {"line": "#4d4d4d", "weight": 0.6, "opacity": 0.72}


# ----------------------------------------------------------------- views


def _level_view(col: str, title: str, lang: str) -> dict[str, Any]:
    return {
        "col": col,
        "values": [0, 1, 2, 3],
        "colors": [style.LEVEL_COLOURS[label] for label in LEVELS],
        "labels": list(labels.level_labels(lang)),
        "legend": "level",
        "title": title,
        **_UNIT_LINE,
    }


def _criterion_codes(frame: pd.DataFrame) -> list[str]:
    """Criterion codes with score or percentage columns, among the rulesets' codes.

    Column names are data too: a ``score_…`` column whose suffix is no criterion code of any
    ruleset gets no view, so nothing from a column name reaches the page unescaped.
    """
    known = set(all_codes())
    names = [parse_column(c) for c in frame.columns]
    codes = [c.key for c in names if c.prefix == "score" and c.state is None]
    pct = [c.key for c in names if c.prefix == "pct" and c.state is None]
    return [c for c in dict.fromkeys(codes + pct) if c in known]


def _score_views(
    frame: pd.DataFrame, codes: list[str], views: str, lang: str, cols: dict[str, list]
) -> list[tuple[str, dict[str, Any]]]:
    t = labels.texts(lang)
    scored = [c for c in codes if score_column(c) in frame.columns]
    out: list[tuple[str, dict[str, Any]]] = []
    if views in ("aspects", "both"):
        aspects: dict[str, list[str]] = {}
        for code in scored:
            aspects.setdefault(labels.aspect_of(code)[0], []).append(code)
        for key, members in aspects.items():
            _, name_id, name_en = labels.aspect_of(members[0])
            for c in members:
                cols.setdefault(score_column(c), numbers(frame[score_column(c)], 0))
            maximum = 5 * len(members)
            col = f"aspect_{key}"
            label = name_en if lang == "en" else name_id
            out.append(
                (
                    f"{t['aspect']}: {label}",
                    {
                        "col": col,
                        "sum": [score_column(c) for c in members],
                        "breaks": [0, maximum / 3, 2 * maximum / 3, maximum],
                        "colors": list(style.SCORE_COLOURS),
                        "labels": _ASPECT_LABELS,
                        "legend": "aspects",
                        "unit": f" / {maximum}",
                        "title": f"{t['score']} {label}",
                        "group": t["aspect_group"],
                        "short": label,
                        **_UNIT_LINE,
                    },
                )
            )
    if views in ("criteria", "both"):
        for code in scored:
            cols.setdefault(score_column(code), numbers(frame[score_column(code)], 0))
            label = labels.criterion_label(code, lang)
            out.append(
                (
                    f"{t['criterion']} {code}: {label}",
                    {
                        "col": score_column(code),
                        "values": [0, 1, 3, 5],
                        "colors": list(style.SCORE_COLOURS),
                        "labels": _SCORE_LABELS,
                        "legend": "criteria",
                        "title": f"{t['score']} {code}",
                        "group": t["criterion_group"],
                        "short": f"{code}: {label}",
                        **_UNIT_LINE,
                    },
                )
            )
    return out


# ----------------------------------------------------------------- the map


@renamed_keywords("kg.map_units", before="baseline")
def map_units(
    assessed: gpd.GeoDataFrame,
    *,
    interventions: gpd.GeoDataFrame | None = None,
    remaining: pd.DataFrame | None = None,
    after: pd.DataFrame | None = None,
    baseline: pd.DataFrame | None = None,
    views: str = "aspects",
    lang: str = "id",
    popup: bool = True,
    label_column: str | None = None,
    title: str | None = None,
    year: int | None = None,
    focus: str | None = None,
    boundaries: Any = "auto",
    tiles: str | Sequence[str] | None = "OpenStreetMap",
    show_works: bool | None = None,
    simplify_m: float = 1.0,
    precision: int = 6,
    collapsed: bool = True,
    split: bool | None = None,
    max_units: int = MAX_UNITS,
    offline: bool = True,
) -> folium.Map:
    """Interactive map of slum units: levels before and after works, scores, works, unserved parts.

    The map opens on the work: fitted to the kota with the most units (or to ``focus``),
    with a title (area, year of the works, ruleset), the layer control folded into an icon,
    the kota, kecamatan and kelurahan boundaries, and a legend that shows only what is on the
    map and folds away. Zoomed out, where units would be specks, each area (kota, or
    kelurahan in a one-kota map) is one label: its slum hectares per level; a click zooms in.
    Offline, when the basemap tiles fail to load, the page switches the basemap off and shows
    a plain background with the land drawn from the boundaries.

    Parameters
    ----------
    assessed : GeoDataFrame
        Units with ``unit_id`` and polygons, as from :func:`kotaku_gis.read_units`, usually
        scored by :func:`kotaku_gis.assess`: a ``level`` column colours the units by slum
        level, ``score_<code>`` / ``pct_<code>`` columns give the per-aspect or per-criterion
        views and each unit's criteria table (popup). Unscored units are drawn as outlines.
    interventions : GeoDataFrame, optional
        Works from :func:`kotaku_gis.read_interventions` (needs ``category``): one layer per
        category, points clustered, lines and polygons drawn; planned (not ``completed``)
        works are drawn hollow or dashed. Rows without geometry are counted in the legend.
    remaining : DataFrame or GeoDataFrame, optional
        The frame of :func:`kotaku_gis.remaining_area` (``unit_id``, ``area_ha``,
        ``covered_ha``, ``remaining_ha``, geometry = the unserved part): adds the view "share
        of the unit still unserved" (``remaining_ha / area_ha``) and the layer of unserved
        parts, hatched over the level colours. Matched to the units on ``unit_id``.
    after : DataFrame, optional
        With ``assessed`` the baseline: the units scored after the works, e.g.
        ``kg.assess(units, reductions=r, year=2023)``; its ``level`` (matched on ``unit_id``)
        gives the view "level after works". A ``level_after`` column of ``assessed`` does the
        same.
    baseline : DataFrame, optional
        The other way round, with ``assessed`` the state after works: the baseline scores,
        whose ``level`` gives the view "baseline level". Pass ``baseline`` or ``after``, not
        both. Score views and popups always show the scores of ``assessed``. ``before=`` is
        its old name, still accepted with a ``DeprecationWarning``.
    views : {"aspects", "criteria", "both", "none"}, default "aspects"
        Score views to add: one per aspect (sum of its criterion scores), one per criterion
        (score 0/1/3/5), both, or none. Each kind folds into one group of the layer control.
    lang : {"id", "en"}, default "id"
        Language of every text of the map: Indonesian or English.
    popup : bool, default True
        Give each unit a popup with its area, level(s), total score and criteria table
        (percentage and score per criterion). ``False`` makes large maps smaller.
    label_column : str, optional
        Column shown after the unit id in tooltips; default the first of ``kelurahan``,
        ``kecamatan``, ``kota``, ``provinsi`` present.
    title : str, optional
        The area named in the title (default: the units' one kota, else their provinsi);
        the year and ruleset follow it.
    year : int, optional
        The year of the works counted, shown in the title.
    focus : str, optional
        A kota (or kecamatan, kelurahan) of the units to open on, e.g. ``"Kota Mataram"``;
        default the kota with the most units. An unknown name raises :class:`InputError`.
    boundaries : "auto", None, GeoDataFrame or mapping, default "auto"
        Administrative boundaries drawn for context (layer "Batas wilayah"): ``"auto"`` uses
        the bundled boundaries of Nusa Tenggara Barat when the units lie there; for another
        province pass its layers, see :func:`kotaku_gis.boundaries.context_boundaries`.
        ``None`` draws none.
    tiles : str, list of str or None, default "OpenStreetMap"
        Basemaps (folium tile names or URL templates), the first shown; None for none. Tiles
        need the network; without it the page falls back to a plain background.
    show_works : bool, optional
        Show the works layers on opening; default only when there are at most
        :data:`WORKS_SHOWN` categories (more muddy the level colours).
    simplify_m : float, default 1.0
        Display simplification tolerance in metres (0 keeps every vertex).
    precision : int, default 6
        Decimals kept in longitude/latitude (6 ≈ 0.1 m, 5 ≈ 1 m).
    collapsed : bool, default True
        Fold the layer control into an icon (it opens on hover or touch).
    split : bool, optional
        Make an index map of the kota linking to one map per kota (written beside it by
        :func:`kotaku_gis.save_map`). Default: split when there are more than ``max_units``
        units over several kota.
    max_units : int, default 20,000
        The size above which ``split`` applies by default (a 20,000-unit map is about 10 MB).
    offline : bool, default True
        Make the map self-contained (Leaflet and plugins inlined, see
        :func:`kotaku_gis.save_map`); ``m.save()`` and notebooks then need no network.

    Returns
    -------
    folium.Map
        Thematic views of the units are base layers (one shown at a time); works by
        category, the unserved parts, the boundaries and the basemaps are overlays. A split
        map is the index; its per-kota maps are in ``m.kotaku_pages`` and
        :func:`kotaku_gis.save_map` writes them as ``<name>_<kota>.html`` beside it.

    Raises
    ------
    InputError
        Missing geometry, CRS or ``unit_id``; repeated unit ids; level labels that are not
        slum levels; ``remaining`` without its columns; unknown ``views``, ``lang`` or
        ``focus``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame(
    ...     {"unit_id": ["RT01", "RT02"], "level": ["kumuh berat", "tidak kumuh"]},
    ...     geometry=[shapely.box(116.100, -8.580, 116.101, -8.579),
    ...               shapely.box(116.101, -8.580, 116.102, -8.579)],
    ...     crs="EPSG:4326",
    ... )
    >>> m = kg.map_units(units, lang="en", year=2023)
    >>> [layer.layer_name for layer in m._children.values() if hasattr(layer, "view")]
    ['Slum level']
    >>> m.get_root().title
    'Slum map · Kota Mataram (works completed by 2023)'
    """
    units, ids, label_column = _checked_units(
        assessed, views=views, precision=precision, simplify_m=simplify_m,
        label_column=label_column,
    )  # fmt: skip
    lang = labels.check_lang(lang)
    options = {
        "interventions": interventions, "remaining": remaining, "after": after,
        "baseline": baseline, "views": views, "lang": lang, "popup": popup,
        "label_column": label_column, "title": title, "year": year, "boundaries": boundaries,
        "tiles": tiles, "show_works": show_works, "simplify_m": simplify_m,
        "precision": precision, "collapsed": collapsed, "offline": offline,
    }  # fmt: skip
    if _split(units, split, max_units):
        return index_map(
            units, ids, focus=focus, options=options, one_map=one_map, unit_parts=_unit_parts
        )
    return one_map(units, ids, focus=focus, **options)


def _split(units: gpd.GeoDataFrame, split: bool | None, max_units: int) -> bool:
    several = "kota" in units.columns and units["kota"].dropna().nunique() > 1
    if split is None:
        return several and len(units) > int(max_units)
    if split and not several:
        raise InputError(
            "split=True makes one map per kota, but the units have no 'kota' column with "
            "two or more kota; pass split=False or give the units their kota."
        )
    return bool(split)


def one_map(
    units: gpd.GeoDataFrame,
    ids: pd.Series,
    *,
    focus: str | None,
    interventions: gpd.GeoDataFrame | None,
    remaining: pd.DataFrame | None,
    after: pd.DataFrame | None,
    baseline: pd.DataFrame | None,
    views: str,
    lang: str,
    popup: bool,
    label_column: str | None,
    title: str | None,
    year: int | None,
    boundaries: Any,
    tiles: str | Sequence[str] | None,
    show_works: bool | None,
    simplify_m: float,
    precision: int,
    collapsed: bool,
    offline: bool,
    index_slug: str | None = None,
) -> folium.Map:
    """The map of checked units (:func:`map_units` without the split)."""
    parts = _unit_parts(
        units, ids, lang=lang, baseline=baseline, after=after, remaining=remaining,
        views=views, popup=popup,
    )  # fmt: skip
    bounds = unit_bounds(units)
    parts.areas = Areas.of(units, bounds, lang=lang)
    data, no_geometry = _unit_data(
        units, ids, parts, label_column=label_column, popup=popup, simplify_m=simplify_m,
        precision=precision,
    )  # fmt: skip
    opening, focus_name = opening_bounds(units, bounds, focus)
    found = context_boundaries(units, boundaries)
    heading = title or default_title(units, lang=lang, focus_name=focus_name, found=found)
    ruleset = getattr(units, "attrs", {}).get("ruleset")
    box, plain = title_html(heading, lang=lang, year=year, ruleset=ruleset, index_slug=index_slug)
    return _assemble(
        units, data, parts, no_geometry=no_geometry, interventions=interventions, tiles=tiles,
        title=(box, plain), collapsed=collapsed, offline=offline, simplify_m=simplify_m,
        precision=precision, opening=opening, found=found, show_works=show_works,
    )  # fmt: skip


def _checked_units(
    assessed: gpd.GeoDataFrame,
    *,
    views: str,
    precision: int,
    simplify_m: float,
    label_column: str | None,
) -> tuple[gpd.GeoDataFrame, pd.Series, str | None]:
    """The options checked; the units with their ids (escaped later) and the label column."""
    reject_dask(assessed, function="kg.map_units")
    if views not in VIEWS:
        raise InputError(f"views={views!r} is not one of {list(VIEWS)}.")
    if not 0 <= int(precision) <= 9:
        raise InputError(f"precision={precision!r}: keep 0-9 decimals (6 ≈ 0.1 m, 5 ≈ 1 m).")
    if not simplify_m >= 0:
        raise InputError(f"simplify_m={simplify_m!r}: give a tolerance in metres, 0 or more.")
    units = need_geoframe(assessed, "assessed")
    need_polygons(units)
    need_columns(units, ["unit_id"], "assessed", "Read the units with kg.read_units.")
    ids = unique_ids(units, "assessed")
    if label_column is None:
        label_column = next((c for c in ADMIN_COLUMNS if c in units.columns), None)
    elif label_column not in units.columns:
        raise InputError(f"label_column={label_column!r} is not a column of assessed.")
    return units, ids, label_column


def _unit_parts(
    units: gpd.GeoDataFrame,
    ids: pd.Series,
    *,
    lang: str,
    baseline: pd.DataFrame | None,
    after: pd.DataFrame | None,
    remaining: pd.DataFrame | None,
    views: str,
    popup: bool,
) -> _Parts:
    """What the units carry into the map: values, popup rows, views and legend sections."""
    parts = _Parts(lang)
    t = parts.t
    area = units["area_ha"] if "area_ha" in units else area_ha(units)
    parts.area = pd.to_numeric(pd.Series(np.asarray(area)), errors="coerce").to_numpy(float)
    parts.add_info("area_ha", numbers(area, 2), t["area_ha"])
    if "area_ha_geom" in units.columns:
        parts.add_info("area_ha_geom", numbers(units["area_ha_geom"], 2), t["area_ha_geom"])
    _add_levels(parts, units, ids, baseline, after)
    if "total_score" in units.columns:
        parts.add_info("total_score", numbers(units["total_score"], 0), t["total_score"])
    if remaining is not None:
        parts.unserved = _add_remaining(parts, ids, remaining)
    codes = _criterion_codes(units)
    _add_score_views(parts, units, codes, views)
    if popup:
        _add_criteria_table(parts, units, codes)
    if not parts.views:
        parts.views.append(
            (
                t["units"],
                {
                    "col": None,
                    "colors": ["#3388ff"],
                    "labels": [""],
                    "title": t["unit_color"],
                    **_UNIT_LINE,
                    "opacity": 0.25,
                },
            )
        )
    return parts


def _unit_data(
    units: gpd.GeoDataFrame,
    ids: pd.Series,
    parts: _Parts,
    *,
    label_column: str | None,
    popup: bool,
    simplify_m: float,
    precision: int,
) -> tuple[UnitData, int]:
    """The units' shared data element (geometry once, values, texts, areas) and the count of
    units without geometry."""
    t = parts.t
    shapes = {"geom": display_geometries(units.geometry, simplify_m=simplify_m, name="assessed")}
    no_geometry = int(
        (gpd.GeoSeries(shapes["geom"]).isna() | gpd.GeoSeries(shapes["geom"]).is_empty).sum()
    )
    if parts.unserved is not None:
        shapes["unserved"] = display_geometries(
            parts.unserved, simplify_m=simplify_m, name="remaining"
        )
    payload = {
        "id": style.esc(ids),
        "sub": text_column(units[label_column]) if label_column else None,
        "cols": parts.cols,
        "info": parts.info if popup else None,
        "crit": parts.crit,
        "t": {
            "missing": t["not_assessed"],
            "missing_color": style.MISSING_COLOUR,
            "code": t["code"],
            "criterion": t["criterion"],
            "pct": t["pct"],
            "score": t["score"],
        },
    }
    if parts.areas is not None:
        payload["grp"] = parts.areas.code.tolist()
        payload["gz"] = np.round(parts.areas.zoom, 2).tolist()
    packed = ",".join(
        f'"{key}":{pack(geoms, precision=precision).to_json()}' for key, geoms in shapes.items()
    )
    return UnitData(to_js(payload)[:-1] + "," + packed + "}"), no_geometry


def _summary_layer(parts: _Parts) -> SummaryLayer | None:
    """Area labels for low zooms, summarising the level views (baseline first)."""
    if parts.areas is None or not parts.level_cols:
        return None
    payload = area_payload(parts.areas, parts.level_cols, parts.area, lang=parts.lang)
    return SummaryLayer(to_js(payload))


def _assemble(
    units: gpd.GeoDataFrame,
    data: UnitData,
    parts: _Parts,
    *,
    no_geometry: int,
    interventions: gpd.GeoDataFrame | None,
    tiles: str | Sequence[str] | None,
    title: tuple[str, str],
    collapsed: bool,
    offline: bool,
    simplify_m: float,
    precision: int,
    opening: list[list[float]] | None,
    found: dict,
    show_works: bool | None,
) -> folium.Map:
    """The map: basemaps, boundaries, the units' views, unserved parts, sites, area labels,
    title, legend and controls."""
    t, lang = parts.t, parts.lang
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, zoom_snap=0.25)
    add_basemaps(m, tiles, found, lang=lang)
    m.add_child(data)
    for k, (name, view) in enumerate(parts.views):
        view["base"] = True
        group, short = view.pop("group", None), view.pop("short", None)
        layer = UnitView(data, view, name=html.escape(name), overlay=False, show=k == 0)
        if group:
            layer.kg_group, layer.kg_short = html.escape(group), html.escape(short or name)
        m.add_child(layer)
    legend_layers: dict[str, Any] = {}
    if parts.unserved is not None:
        unserved = UnitView(
            data, _unserved_view(t), name=html.escape(t["unserved"]), overlay=True, show=True
        )
        m.add_child(unserved)
        legend_layers["unserved"] = unserved
        parts.legend.append(
            swatches(
                t["unserved"], [style.UNSERVED_COLOUR], [t["unserved_key"]], hatch=True
            ).replace("<div>", '<div data-kg-layer="unserved">', 1)
        )

    site_note = 0
    if interventions is not None:
        layers, keys, site_note = site_layers(
            interventions, lang=lang, simplify_m=simplify_m, precision=precision
        )
        shown = len(layers) <= WORKS_SHOWN if show_works is None else bool(show_works)
        for k, layer in enumerate(layers):
            layer.layer_name = html.escape(layer.layer_name)
            layer.show = shown
            layer.kg_group = html.escape(t["sites"])
            layer.kg_short = html.escape(layer.layer_name.split(": ", 1)[-1])
            m.add_child(layer)
            legend_layers[f"site{k}"] = layer
        if keys:
            parts.legend.append(_sites_legend(t, keys))

    boundary = boundary_layer(found, lang=lang, skip_names=_labelled(parts))
    if boundary is not None:
        m.add_child(boundary)
        legend_layers["boundaries"] = boundary
        parts.legend.append(_boundary_legend(t, found))
    summary = _summary_layer(parts)
    if summary is not None:
        m.add_child(summary)
        parts.legend.append(
            '<div class="kg-note"><span class="kg-bar-key"></span>'
            f"{html.escape(t['summary_key'])}</div>"
        )
    for count, key in (
        (no_geometry, "no_geometry_units"),
        (site_note, "no_geometry_sites"),
        (parts.unmatched, "unmatched_remaining"),
    ):
        if count:
            parts.legend.append(f'<div class="kg-note">{count} {html.escape(t[key])}</div>')

    heading = f"<h4>{html.escape(t['legend'])}</h4>"
    m.add_child(Legend(heading + "".join(parts.legend), layers=legend_layers))
    m.add_child(Title(title[0]))
    m.add_child(GroupedLayerControl(collapsed=collapsed))
    if is_finite_box(opening):
        m.add_child(FitView(opening))
    if offline:
        make_offline(m)
    m.get_root().title = html.escape(title[1])
    return m


def _labelled(parts: _Parts) -> list[str]:
    """Names the area labels already show (their place names are not repeated)."""
    if parts.areas is None or not parts.level_cols:
        return []
    return [str(n) for n in parts.areas.raw_names]


def _sites_legend(t: Any, keys: list[tuple[str, str]]) -> str:
    rows = "".join(
        f'<div class="kg-key" data-kg-layer="site{k}"><span class="kg-swatch kg-dot" '
        f'style="background:{colour}"></span>{html.escape(label)}</div>'
        for k, (colour, label) in enumerate(keys)
    )
    every = " ".join(f"site{k}" for k in range(len(keys)))
    return (
        f'<div data-kg-layer="{every}"><h5>{html.escape(t["sites"])}</h5>{rows}'
        '<div class="kg-key"><span class="kg-swatch kg-dot kg-planned"></span>'
        f"{html.escape(t['planned'])}</div></div>"
    )


def _boundary_legend(t: Any, found: dict) -> str:

    rows = "".join(
        f'<div class="kg-key"><span class="kg-line" style="border-top:'
        f"{max(1.0, BOUNDARY_STYLE[level]['weight']):.0f}px "
        f"{'dashed' if BOUNDARY_STYLE[level]['dash'] else 'solid'} "
        f'{BOUNDARY_STYLE[level]["color"]}"></span>{html.escape(t["boundary_" + level])}</div>'
        for level in found
    )
    return f'<div data-kg-layer="boundaries"><h5>{html.escape(t["boundaries"])}</h5>{rows}</div>'


class _Parts:
    """What the units carry into the map: value columns, popup rows, views, legend sections."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.t = labels.texts(lang)
        self.cols: dict[str, list] = {}
        self.info: list[dict[str, Any]] = []
        self.crit: list[dict[str, Any]] = []
        self.views: list[tuple[str, dict[str, Any]]] = []
        self.legend: list[str] = []
        self.unmatched = 0
        #: The unserved parts aligned to the units, when ``remaining`` has them.
        self.unserved: gpd.GeoSeries | None = None
        #: Each unit's hectares (``area_ha``), its area, and the level columns with their
        #: codes and view titles: what the area labels add up.
        self.area: np.ndarray = np.zeros(0)
        self.areas: Areas | None = None
        self.level_cols: dict[str, tuple[np.ndarray, str]] = {}

    def add_info(self, col: str, values: list, label: str, labels: list | None = None) -> None:
        self.cols[col] = values
        row: dict[str, Any] = {"label": label, "col": col}
        if labels is not None:
            row["labels"] = labels
        self.info.append(row)


def _add_levels(
    parts: _Parts,
    units: gpd.GeoDataFrame,
    ids: pd.Series,
    baseline: pd.DataFrame | None,
    after: pd.DataFrame | None,
) -> None:
    """Level views: the baseline and, when known, the level after works."""
    t, lang = parts.t, parts.lang
    names = list(labels.level_labels(lang))
    hint = "Pass the frame kg.assess returns."
    own = units["level"] if "level" in units.columns else None
    if baseline is not None and after is not None:
        raise InputError(
            "pass either baseline= (assessed is then the state after works) or after= "
            "(assessed is then the baseline), not both."
        )
    if baseline is not None:
        need_columns(baseline, ["unit_id", "level"], "baseline", hint)
        base, later = by_unit(ids, baseline, "level", "baseline"), own
        if later is None:
            raise InputError("with baseline=, assessed needs the 'level' after works; " + hint)
    elif after is not None:
        need_columns(after, ["unit_id", "level"], "after", hint)
        base, later = own, by_unit(ids, after, "level", "after")
    else:
        base = own
        later = units[_LEVEL_AFTER] if _LEVEL_AFTER in units.columns else None
    if base is not None:
        name = t["level_before"] if later is not None else t["level"]
        codes = level_codes(base, "the baseline level")
        parts.add_info("level", codes.tolist(), name, names)
        parts.views.append((name, _level_view("level", name, lang)))
        parts.level_cols["level"] = (codes, name)
    if later is not None:
        codes = level_codes(later, "the level after works")
        parts.add_info(_LEVEL_AFTER, codes.tolist(), t["level_after"], names)
        parts.views.append((t["level_after"], _level_view(_LEVEL_AFTER, t["level_after"], lang)))
        parts.level_cols[_LEVEL_AFTER] = (codes, t["level_after"])
    if parts.views:
        colours = [*(style.LEVEL_COLOURS[label] for label in LEVELS), style.MISSING_COLOUR]
        parts.legend.append(
            swatches(t["level"], colours, [*names, t["not_assessed"]], view="level")
        )


def _first_column(frame: pd.DataFrame, names: Sequence[str]) -> str | None:
    return next((c for c in names if c in frame.columns), None)


def _add_remaining(parts: _Parts, ids: pd.Series, remaining: pd.DataFrame) -> gpd.GeoSeries | None:
    """Unserved share view and popup rows; the unserved parts aligned to the units, if any.

    The share is of the geometry's hectares (``area_ha_geom`` when the frame has it, else
    its ``area_ha``), the overlay being geometric.
    """
    t = parts.t
    hint = "Pass the frame kg.remaining_area returns."
    unserved_col = _first_column(remaining, ["remaining_ha", "unserved_ha"])
    area_col = _first_column(remaining, ["area_ha_geom", "area_ha"])
    need_columns(
        remaining,
        ["unit_id", area_col or "area_ha", unserved_col or "remaining_ha"],
        "remaining",
        hint,
    )
    rem_ha = pd.to_numeric(by_unit(ids, remaining, unserved_col, "remaining"))
    rem_area = pd.to_numeric(by_unit(ids, remaining, area_col, "remaining"))
    share = (rem_ha / rem_area.where(rem_area > 0)) * 100
    parts.cols["share"] = numbers(share.clip(0, 100), 1)
    served_col = _first_column(remaining, ["covered_ha", "served_ha"])
    if served_col is not None:
        covered = pd.to_numeric(by_unit(ids, remaining, served_col, "remaining"))
        parts.add_info("covered_ha", numbers(covered, 2), t["covered_ha"])
    parts.add_info("remaining_ha", numbers(rem_ha, 2), t["unserved_ha"])
    parts.views.append(
        (
            t["unserved_share"],
            {
                "col": "share",
                "breaks": list(style.SHARE_BREAKS),
                "colors": list(style.SHARE_COLOURS),
                "labels": _SHARE_LABELS,
                "legend": "share",
                "unit": "%",
                "title": t["unserved_share_short"],
                **_UNIT_LINE,
            },
        )
    )
    parts.legend.append(
        swatches(t["unserved_share"], style.SHARE_COLOURS, _SHARE_LABELS, view="share")
    )
    if not (isinstance(remaining, gpd.GeoDataFrame) and remaining.geometry.name in remaining):
        return None
    frame = need_geoframe(remaining, "remaining")
    rem_ids = frame["unit_id"].astype("string")
    parts.unmatched = int((~rem_ids.isin(ids.dropna())).sum())
    lookup = pd.Series(frame.geometry.array, index=rem_ids.to_numpy())
    return gpd.GeoSeries(lookup.reindex(ids.to_numpy()).to_numpy(), crs=frame.crs)


def _add_score_views(parts: _Parts, units: gpd.GeoDataFrame, codes: list[str], views: str) -> None:
    t = parts.t
    before = len(parts.views)
    score_views = _score_views(units, codes, views, parts.lang, parts.cols)
    parts.views += score_views
    kinds = {view["legend"] for _, view in parts.views[before:]}
    if "aspects" in kinds:
        parts.legend.append(
            swatches(t["aspect_classes"], style.SCORE_COLOURS, _ASPECT_LABELS, view="aspects")
        )
    if "criteria" in kinds:
        parts.legend.append(
            swatches(t["criterion_classes"], style.SCORE_COLOURS, _SCORE_LABELS, view="criteria")
        )


def _add_criteria_table(parts: _Parts, units: gpd.GeoDataFrame, codes: list[str]) -> None:
    for code in codes:
        entry: dict[str, Any] = {
            "code": html.escape(code),
            "name": html.escape(labels.criterion_label(code, parts.lang)),
            "pct": None,
            "score": None,
        }
        if pct_column(code) in units.columns:
            parts.cols[pct_column(code)] = numbers(units[pct_column(code)], 2)
            entry["pct"] = pct_column(code)
        if score_column(code) in units.columns:
            parts.cols.setdefault(score_column(code), numbers(units[score_column(code)], 0))
            entry["score"] = score_column(code)
        parts.crit.append(entry)


def _unserved_view(t: Any) -> dict[str, Any]:
    # hatched over the level colours, and not in the way of the units' tooltips and popups
    return {
        "geom": "unserved",
        "col": "remaining_ha",
        # one class: a single break at 0 sends every value to class 0
        "breaks": [0],
        "colors": [style.UNSERVED_COLOUR],
        "labels": [""],
        "unit": " ha",
        "title": t["unserved_ha"],
        "line": style.UNSERVED_COLOUR,
        "weight": 0.8,
        "opacity": 0.5,
        "hatch": True,
        "passive": True,
    }
