"""Service areas of completed works, the share of each unit they serve, and what remains.

The engine works frame by frame (:mod:`kotaku_gis.crs`): units and the works near them are
projected into one local equal-area frame, works are buffered there (so a disc is a disc in
metres), the service areas touching each unit are found with an STRtree and unioned once per
unit (overlaps counted once), and the unit minus that union is what remains unserved. Areas
are measured in the same equal-area frame, so ``remaining_ha + covered_ha == area_ha`` holds
exactly for every unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .catalogue import CATEGORIES, INTERVENTION_KINDS
from .crs import WGS84, geoseries_values, local_frames, require_crs, to_frame_crs
from .errors import InputError
from .interventions import completed_by, is_prepared, prepare_interventions
from .report import ValidationReport

__all__ = ["QUAD_SEGS", "coverage", "remaining_area", "service_areas"]

#: Segments per quarter circle of a buffer: 24 gives 96-gons whose area is within 0.072 % of
#: πr² (the design asks for 0.2 %).
QUAD_SEGS = 24
#: Units are overlaid in chunks of this many, bounding memory at national scale.
CHUNK_UNITS = 4096


# ---------------------------------------------------------------- inputs


def _as_units(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not isinstance(units, gpd.GeoDataFrame):
        raise InputError(
            "units must be a GeoDataFrame with polygons; read them with kg.read_units(path)."
        )
    require_crs(units.crs, name="the units layer")
    if "unit_id" not in units.columns:
        raise InputError(
            "units have no 'unit_id' column; read them with kg.read_units(path, "
            "id_column='…') to name the identifier column."
        )
    return units


def _as_works(interventions: pd.DataFrame, radii: Mapping[str, float] | None) -> pd.DataFrame:
    if not isinstance(interventions, pd.DataFrame):
        raise InputError(
            "interventions must be a (Geo)DataFrame; read them with kg.read_interventions(path)."
        )
    if isinstance(interventions, gpd.GeoDataFrame):
        require_crs(interventions.crs, name="the interventions layer")
    if radii or not is_prepared(interventions):
        return prepare_interventions(interventions, radii=dict(radii) if radii else None)
    return interventions


def _kind_filter(works: pd.DataFrame, kinds: Iterable[str] | None) -> pd.Series:
    if kinds is None:
        return pd.Series(True, index=works.index)
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    unknown = [k for k in kinds if k not in INTERVENTION_KINDS]
    if unknown:
        raise InputError(
            f"kinds {unknown} are not in the catalogue; use category keys {list(CATEGORIES)} "
            "or activity keys of kg.INTERVENTION_KINDS."
        )
    return (works["category"].isin(kinds) | works["kind_key"].isin(kinds)).fillna(False)


def _select_works(
    works: pd.DataFrame,
    *,
    year: int | None,
    kinds: Iterable[str] | None,
    report: ValidationReport,
) -> gpd.GeoDataFrame:
    """Completed works (by ``year``) of the asked kinds that have a geometry; report the rest."""
    if not isinstance(works, gpd.GeoDataFrame):
        report.add(
            None, "geometry", "info", "no_geometry",
            f"{len(works)} work(s) come without geometry and serve no area; they count "
            "only in allocation (kg.allocate)",
        )  # fmt: skip
        return gpd.GeoDataFrame(works.iloc[0:0], geometry=[], crs=WGS84)
    geoms = np.asarray(works.geometry.array, dtype=object)
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    known = works["kind_key"].notna().to_numpy()
    chosen = (completed_by(works, year) & _kind_filter(works, kinds)).to_numpy()
    unlocated = chosen & ~located
    if unlocated.any():
        report.add_rows(
            works.index[unlocated], "geometry", "info", "no_geometry",
            "a completed work without geometry serves no area (it counts in kg.allocate)",
        )  # fmt: skip
    unknown = chosen & located & ~known
    if unknown.any():
        report.add_rows(
            works.index[unknown], "kind", "warning", "unknown_kind",
            "the kind is not in the catalogue, so the work has no service area",
        )  # fmt: skip
    return works[chosen & located & known]


# ---------------------------------------------------------------- service areas


def _buffer(geoms: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """Buffers in metres of geometries already in a metric frame; radius 0 keeps polygons."""
    out = shapely.buffer(geoms, radius, quad_segs=QUAD_SEGS)
    zero = radius <= 0
    if zero.any():
        polygonal = shapely.get_dimensions(geoms) == 2
        keep = zero & polygonal
        out[keep] = shapely.make_valid(geoms[keep])
    return out


def service_areas(
    interventions: gpd.GeoDataFrame,
    *,
    radii: Mapping[str, float] | None = None,
) -> gpd.GeoDataFrame:
    """Service polygon of each intervention, buffered in a local metric frame.

    Points become discs, lines corridors, polygons grow by their radius. The radius is the
    ``radius_m`` column where given, else ``radii`` by kind or category, else the catalogue's
    default (:data:`kotaku_gis.INTERVENTION_KINDS`). Buffers are drawn in a Lambert
    azimuthal equal-area frame centred within a degree of the work, with 96 segments per circle
    (a disc's area within 0.1 % of πr²), then returned in the interventions' CRS.

    Parameters
    ----------
    interventions : GeoDataFrame
        Works with ``kind``; read them with :func:`kotaku_gis.read_interventions`.
    radii : mapping, optional
        Service radius in metres by kind key or category.

    Returns
    -------
    GeoDataFrame
        Aligned with the input index, with ``intervention_id``, ``kind_key``, ``category``,
        ``year``, ``completed``, ``radius_m`` and the service polygon as geometry (empty for
        a point or line with radius 0, or an unknown kind; null without geometry).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> works = gpd.GeoDataFrame({"kind": ["hidran_umum"], "radius_m": [50.0]},
    ...     geometry=[shapely.Point(116.1, -8.58)], crs="EPSG:4326")
    >>> disc = kg.service_areas(works)
    >>> round(float(kg.area_ha(disc).iloc[0]) / (3.14159265 * 50**2 / 1e4), 3)
    0.999
    """
    works = _as_works(interventions, radii)
    if not isinstance(works, gpd.GeoDataFrame):
        raise InputError("service_areas needs interventions with geometry (a GeoDataFrame).")
    geoms, crs = geoseries_values(works)
    out_geoms = np.full(len(works), None, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out_geoms[present] = shapely.Polygon()
    known = works["kind_key"].notna().to_numpy()
    radius = works["radius_m"].to_numpy(dtype=float)
    for frame in local_frames(np.where(known, geoms, None), crs):
        pos = frame.positions
        local = to_frame_crs(geoms[pos], crs, frame.crs)
        buffered = _buffer(local, radius[pos])
        out_geoms[pos] = to_frame_crs(buffered, frame.crs, crs)
    cols = ["intervention_id", "kind", "kind_key", "category", "year", "completed", "radius_m"]
    result = pd.DataFrame(works[[c for c in cols if c in works.columns]])
    return gpd.GeoDataFrame(result, geometry=out_geoms, crs=crs)


# ---------------------------------------------------------------- the engine


@dataclass
class _Overlay:
    """Per-unit results of one overlay, aligned with the units."""

    area_ha: np.ndarray
    covered_ha: dict[str | None, np.ndarray]
    remaining: np.ndarray | None


def _lonlat_boxes(geoms: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    b = shapely.bounds(geoms)
    if crs.is_geographic:
        return b
    tr = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
    xs = np.stack([b[:, 0], b[:, 2], b[:, 0], b[:, 2]], axis=1)
    ys = np.stack([b[:, 1], b[:, 1], b[:, 3], b[:, 3]], axis=1)
    lon, lat = tr.transform(xs, ys)
    return np.stack([lon.min(1), lat.min(1), lon.max(1), lat.max(1)], axis=1)


def _grouped_union(pieces: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Union of ``pieces`` per group id in 0…n-1 (empty polygon for groups without pieces)."""
    out = np.full(n, shapely.Polygon(), dtype=object)
    if len(pieces) == 0:
        return out
    order = np.argsort(groups, kind="stable")
    groups, pieces = groups[order], pieces[order]
    counts = np.bincount(groups, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(groups)) - starts[groups]
    # Pad into a 2D array, bucketed by count so that a few crowded units do not make every
    # row wide; union_all then reduces each row in C without the GIL.
    for lo, hi in ((1, 1), (2, 8), (9, 64), (65, None)):
        sel = (counts >= lo) if hi is None else ((counts >= lo) & (counts <= hi))
        ids = np.flatnonzero(sel)
        if len(ids) == 0:
            continue
        width = int(counts[ids].max())
        table = np.full((len(ids), width), None, dtype=object)
        slot = np.full(n, -1)
        slot[ids] = np.arange(len(ids))
        take = slot[groups] >= 0
        table[slot[groups[take]], rank[take]] = pieces[take]
        out[ids] = table[:, 0] if width == 1 else shapely.union_all(table, axis=1)
    return out


def _overlay(
    units: gpd.GeoDataFrame,
    works: gpd.GeoDataFrame,
    *,
    split_by: str | None,
    keep_geometry: bool,
) -> _Overlay:
    ugeoms, ucrs = geoseries_values(units)
    n = len(units)
    area = np.full(n, np.nan)
    groups: list[str | None] = [None]
    if split_by is not None and len(works):
        groups += sorted(works[split_by].dropna().unique().tolist())
    covered = {g: np.full(n, np.nan) for g in groups}
    remaining = ugeoms.copy() if keep_geometry else None

    if len(works):
        wgeoms, wcrs = geoseries_values(works)
        wbox = _lonlat_boxes(wgeoms, wcrs)
        wradius = works["radius_m"].to_numpy(dtype=float)
        wgroup = works[split_by].to_numpy() if split_by else None
    for frame in local_frames(ugeoms, ucrs):
        for chunk in np.array_split(frame.positions, max(1, len(frame.positions) // CHUNK_UNITS)):
            local_units = to_frame_crs(ugeoms[chunk], ucrs, frame.crs)
            unit_area = shapely.area(local_units) / 10_000.0
            area[chunk] = unit_area
            for g in groups:
                covered[g][chunk] = 0.0
            if not len(works):
                continue
            ubox = _lonlat_boxes(ugeoms[chunk], ucrs)
            margin = (wradius.max() + 50.0) / 100_000.0  # degrees, generous
            near = (
                (wbox[:, 0] <= ubox[:, 2].max() + margin)
                & (wbox[:, 2] >= ubox[:, 0].min() - margin)
                & (wbox[:, 1] <= ubox[:, 3].max() + margin)
                & (wbox[:, 3] >= ubox[:, 1].min() - margin)
            )
            wpos = np.flatnonzero(near)
            if len(wpos) == 0:
                continue
            svc = _buffer(to_frame_crs(wgeoms[wpos], wcrs, frame.crs), wradius[wpos])
            tree = shapely.STRtree(svc)
            ui, si = tree.query(local_units, predicate="intersects")
            for g in groups:
                sel = np.ones(len(si), bool) if g is None else (wgroup[wpos][si] == g)
                if not sel.any():
                    continue
                union = _grouped_union(svc[si[sel]], ui[sel], len(chunk))
                hit = ~shapely.is_empty(union)
                left = local_units.copy()
                left[hit] = shapely.difference(local_units[hit], union[hit])
                rem_ha = shapely.area(left) / 10_000.0
                covered[g][chunk] = np.clip(unit_area - rem_ha, 0.0, unit_area)
                if g is None and remaining is not None and hit.any():
                    remaining[chunk[hit]] = to_frame_crs(left[hit], frame.crs, ucrs)
    return _Overlay(area, covered, remaining)


def _null_report(units: gpd.GeoDataFrame, report: ValidationReport) -> None:
    geoms = np.asarray(units.geometry.array, dtype=object)
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    report.add_rows(
        units.index[bad], units.geometry.name, "warning", "null_geometry",
        "the unit has no geometry: its hectares and coverage are left blank",
    )  # fmt: skip


def coverage(
    units: gpd.GeoDataFrame,
    interventions: gpd.GeoDataFrame,
    *,
    by: str | None = "kind",
    year: int | None = None,
    kinds: Iterable[str] | None = None,
    radii: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Hectares and share of each unit served by completed works, overall and per kind.

    Only completed works count, and with ``year`` only those done by that year. Service areas
    that overlap are counted once.

    Parameters
    ----------
    units : GeoDataFrame
        Units with ``unit_id`` and polygons (:func:`kotaku_gis.read_units`).
    interventions : GeoDataFrame
        Works (:func:`kotaku_gis.read_interventions`); any CRS.
    by : {"kind", None}, default "kind"
        Also give ``covered_ha_<category>`` and ``covered_share_<category>`` for each category
        of work present.
    year : int, optional
        Count works done in or before this year.
    kinds : iterable of str, optional
        Count only these categories or activity keys.
    radii : mapping, optional
        Service radii in metres by kind key or category.

    Returns
    -------
    DataFrame
        Indexed like ``units``: ``unit_id``, ``area_ha``, ``covered_ha``, ``covered_share``
        (0–1), and the per-kind columns; ``attrs["report"]`` lists works and units left out.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame({"unit_id": ["RT01"]},
    ...     geometry=[shapely.box(400_000, 9_050_000, 400_200, 9_050_200)], crs=32750)
    >>> works = gpd.GeoDataFrame({"kind": ["hidran_umum"], "status": ["selesai"],
    ...     "year": [2022]}, geometry=[shapely.Point(400_000, 9_050_000)], crs=32750)
    >>> cov = kg.coverage(units, works)
    >>> round(float(cov.loc[0, "covered_share"]), 3)  # a quarter disc of 100 m radius
    0.196
    """
    if by not in ("kind", "category", None):
        raise InputError(f"by must be 'kind' or None, not {by!r}.")
    units = _as_units(units)
    works = _as_works(interventions, radii)
    report = ValidationReport(what="coverage")
    _null_report(units, report)
    chosen = _select_works(works, year=year, kinds=kinds, report=report)
    result = _overlay(units, chosen, split_by="category" if by else None, keep_geometry=False)
    out = pd.DataFrame({"unit_id": units["unit_id"]}, index=units.index)
    out["area_ha"] = result.area_ha
    with np.errstate(invalid="ignore", divide="ignore"):
        for group, ha in result.covered_ha.items():
            suffix = "" if group is None else f"_{group}"
            out[f"covered_ha{suffix}"] = ha
            out[f"covered_share{suffix}"] = np.where(result.area_ha > 0, ha / result.area_ha, 0.0)
    out.loc[np.isnan(result.area_ha), [c for c in out.columns if c.startswith("covered")]] = np.nan
    out.attrs["report"] = report
    return out


def remaining_area(
    units: gpd.GeoDataFrame,
    interventions: gpd.GeoDataFrame,
    *,
    kinds: Iterable[str] | None = None,
    year: int | None = None,
    radii: Mapping[str, float] | None = None,
) -> gpd.GeoDataFrame:
    """The part of each unit that completed works do not serve, and its hectares.

    Parameters
    ----------
    units : GeoDataFrame
        Units with ``unit_id`` and polygons.
    interventions : GeoDataFrame
        Works; only completed ones (and with ``year``, done by then) count.
    kinds : iterable of str, optional
        Count only these categories or activity keys.
    year : int, optional
        Count works done in or before this year.
    radii : mapping, optional
        Service radii in metres by kind key or category.

    Returns
    -------
    GeoDataFrame
        One row per unit, indexed like ``units``, in the units' CRS: ``unit_id``, the
        administrative columns present, ``area_ha`` (the geometry's ellipsoidal hectares),
        ``covered_ha``, ``remaining_ha`` (``remaining_ha + covered_ha == area_ha``) and the
        unserved part as geometry. ``attrs["report"]`` lists what was left out.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame({"unit_id": ["RT01"]},
    ...     geometry=[shapely.box(400_000, 9_050_000, 400_200, 9_050_200)], crs=32750)
    >>> drain = gpd.GeoDataFrame({"kind": ["drainase"], "status": ["selesai"], "year": [2021],
    ...     "radius_m": [20.0]},
    ...     geometry=[shapely.LineString([(399_900, 9_050_100), (400_300, 9_050_100)])],
    ...     crs=32750)
    >>> rem = kg.remaining_area(units, drain)
    >>> # a 40 m band across a 200 m square: a fifth of it (to UTM's 0.04 % scale error)
    >>> round(float(rem.loc[0, "covered_ha"] / rem.loc[0, "area_ha"]), 3)
    0.2
    """
    units = _as_units(units)
    works = _as_works(interventions, radii)
    report = ValidationReport(what="remaining_area")
    _null_report(units, report)
    chosen = _select_works(works, year=year, kinds=kinds, report=report)
    result = _overlay(units, chosen, split_by=None, keep_geometry=True)
    keep = ["unit_id", *[c for c in ("kelurahan", "kecamatan", "kota", "provinsi") if c in units]]
    out = pd.DataFrame(units[keep])
    out["area_ha"] = result.area_ha
    out["covered_ha"] = result.covered_ha[None]
    out["remaining_ha"] = result.area_ha - result.covered_ha[None]
    gdf = gpd.GeoDataFrame(out, geometry=result.remaining, crs=units.crs)
    gdf.attrs["report"] = report
    return gdf
