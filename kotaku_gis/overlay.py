"""Service areas of completed works, the share of each unit they serve, and what remains.

The engine works frame by frame (:mod:`kotaku_gis.crs`): units are grouped by small cells of
longitude and latitude, each with a Lambert azimuthal equal-area frame centred on the cell,
and taken in Hilbert order in chunks of :data:`CHUNK_UNITS`, so a chunk covers a compact
patch. For each chunk the works that can reach it are projected into the frame and buffered
there (so a disc is a disc in metres), the service areas touching each unit are found with an
STRtree and taken off the unit one after another (overlaps counted once), and what is left is
the unserved part. Areas are measured in the same equal-area frame, so
``remaining_ha + covered_ha == area_ha`` holds exactly for every unit. Chunks run on a pool
of threads: shapely and PROJ release the GIL. Units given as a dask-geopandas frame are
handed to :mod:`kotaku_gis.distributed`, which runs the same engine per partition.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .catalogue import CATEGORIES, INTERVENTION_KINDS, kind_problems
from .crs import (
    WGS84,
    Frame,
    geoseries_values,
    laea_crs,
    local_frames,
    require_crs,
    to_frame_crs,
    to_lonlat,
)
from .errors import InputError, is_dask
from .interventions import is_prepared, prepare_interventions, select_works
from .io import repair_invalid
from .report import ValidationReport
from .schema import ADMIN_COLUMNS

__all__ = ["QUAD_SEGS", "coverage", "remaining_area", "service_areas"]

#: Segments per quarter circle of a buffer: 24 gives 96-gons whose area is within 0.072 % of
#: πr² (the design asks for 0.2 %).
QUAD_SEGS = 24
#: Units are overlaid in chunks of this many (each a compact patch in Hilbert order), which
#: bounds memory at national scale and shares the work out among threads.
CHUNK_UNITS = 1024
#: Threads overlaying chunks at once; ``None`` uses every core.
WORKERS: int | None = None
#: Cells, in degrees, that share one equal-area frame in the engine. Within 0.18 degrees of a
#: frame's centre its linear scale departs from 1 by less than 1.3e-6.
_FRAME_DEG = 0.25
#: Metres added to each work's reach when looking for the units it may serve: covers the gap
#: between a projected box and the lon/lat box of its four corners.
_REACH_MARGIN_M = 50.0
#: Metres per degree of latitude, rounded down so that reach boxes err on the large side.
_M_PER_DEG = 110_000.0


# ---------------------------------------------------------------- inputs


def _as_units(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    spatial = isinstance(units, gpd.GeoDataFrame) and units.active_geometry_name in units
    if isinstance(units, pd.DataFrame) and not spatial:
        raise InputError(
            "the units are a table without geometry (no polygons), so there is no area for "
            "works to serve. Join the table to its polygons (kg.join_r0(table, 'rt.gpkg')) or "
            "read a layer that has them (GeoPackage, Shapefile, KMZ …); kg.assess, "
            "kg.summarize and kg.progress work on the table as it is."
        )
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
    include_planned: bool = False,
) -> gpd.GeoDataFrame:
    """Completed works (by ``year``) of the asked kinds that have a geometry; report the rest.

    With ``include_planned`` planned and in-progress works count as completed (a what-if).
    """
    wanted = _kind_filter(works, kinds).to_numpy(dtype=bool)
    done = np.zeros(len(works), dtype=bool)
    done[wanted] = select_works(
        works[wanted], year=year, include_planned=include_planned, report=report
    )
    if not isinstance(works, gpd.GeoDataFrame):
        report.add(
            None, "geometry", "info", "no_geometry",
            f"{int(done.sum())} counted work(s) come without geometry and serve no area; they "
            "count only in allocation (kg.allocate)",
        )  # fmt: skip
        return gpd.GeoDataFrame(works.iloc[0:0], geometry=[], crs=WGS84)
    geoms = np.asarray(works.geometry.array, dtype=object)
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    known = works["kind_key"].notna().to_numpy()
    chosen = done
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
            [f"{msg}; the work has no service area"
             for msg in kind_problems(works["kind"][unknown])],
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


@dataclass(frozen=True)
class _Works:
    """Selected works as arrays the engine reads: geometry, radius, group, search boxes."""

    geoms: np.ndarray
    crs: pyproj.CRS
    radius: np.ndarray
    group: np.ndarray | None
    #: lon/lat boxes grown by each work's radius (and a margin): a unit whose box misses
    #: this box cannot touch the work's service area.
    reach: np.ndarray

    @classmethod
    def from_frame(cls, works: gpd.GeoDataFrame, split_by: str | None) -> _Works:
        geoms, crs = geoseries_values(works) if len(works) else (np.empty(0, object), WGS84)
        crs = _canonical(crs)
        radius = works["radius_m"].to_numpy(dtype=float)
        group = works[split_by].to_numpy(dtype=object) if split_by else None
        box = _lonlat_boxes(geoms, crs)
        grow = radius + _REACH_MARGIN_M
        coslat = np.cos(np.radians(np.clip(np.abs(box[:, [1, 3]]).max(axis=1), 0.0, 89.0)))
        reach = box + np.column_stack([-grow / coslat, -grow, grow / coslat, grow]) / _M_PER_DEG
        return cls(geoms, crs, radius, group, reach)

    def take(self, positions: np.ndarray) -> _Works:
        group = None if self.group is None else self.group[positions]
        return _Works(
            self.geoms[positions], self.crs, self.radius[positions], group, self.reach[positions]
        )

    def near(self, box: np.ndarray) -> np.ndarray:
        """Positions of the works that may reach into the lon/lat ``box``."""
        r = self.reach
        return np.flatnonzero(
            (r[:, 0] <= box[2]) & (r[:, 2] >= box[0]) & (r[:, 1] <= box[3]) & (r[:, 3] >= box[1])
        )


@dataclass
class _Overlay:
    """Per-unit results of one overlay, aligned with the units."""

    area_ha: np.ndarray
    covered_ha: dict[str | None, np.ndarray]
    remaining: np.ndarray | None
    #: per work: whether its service area touches some unit
    reached: np.ndarray


@lru_cache(maxsize=64)
def _canonical(crs: pyproj.CRS) -> pyproj.CRS:
    """The same CRS from its EPSG code when it has one.

    PROJ builds a transformation from a CRS read from GeoParquet's PROJJSON some 20 times
    more slowly than from the EPSG definition of the same CRS (30 ms against 1.5 ms), and the
    engine builds two per frame.
    """
    if crs.equals(WGS84, ignore_axis_order=True):
        return WGS84
    code = crs.to_epsg(min_confidence=100)
    if code is None:
        return crs
    by_code = pyproj.CRS.from_epsg(code)
    return by_code if by_code.equals(crs, ignore_axis_order=True) else crs


def _lonlat_boxes(geoms: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """Lon/lat boxes of the geometries (from the four corners of their boxes in ``crs``)."""
    b = shapely.bounds(geoms)
    xs = np.stack([b[:, 0], b[:, 2], b[:, 0], b[:, 2]], axis=1)
    ys = np.stack([b[:, 1], b[:, 1], b[:, 3], b[:, 3]], axis=1)
    lon, lat = to_lonlat(xs, ys, crs)
    return np.stack([lon.min(1), lat.min(1), lon.max(1), lat.max(1)], axis=1)


def _on_globe(boxes: np.ndarray) -> np.ndarray:
    """Lon/lat boxes that lie on the globe (not NaN, not swapped beyond ±90° latitude)."""
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(boxes).all(axis=1)
            & (boxes[:, 0] >= -180.0)
            & (boxes[:, 2] <= 180.0)
            & (boxes[:, 1] >= -90.0)
            & (boxes[:, 3] <= 90.0)
        )


def _unit_frames(geoms: np.ndarray, boxes: np.ndarray) -> list[Frame]:
    """Units grouped by cells of ``_FRAME_DEG``, each in the LAEA frame centred on its cell.

    A frame centred on the cell, not on the units that happen to be in the call, gives every
    unit the same frame, buffers and hectares however the units are split (chunks, dask
    partitions). Positions come in Hilbert order so that chunks of them are compact.
    """
    lon = (boxes[:, 0] + boxes[:, 2]) / 2
    lat = (boxes[:, 1] + boxes[:, 3]) / 2
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & _on_globe(boxes)
    pos = np.flatnonzero(ok)
    if len(pos) == 0:
        return []
    cells = np.floor(np.column_stack([lon[pos], lat[pos]]) / _FRAME_DEG).astype(np.int64)
    keys, inverse = np.unique(cells, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    hilbert = gpd.GeoSeries(shapely.points(lon[pos], lat[pos])).hilbert_distance().to_numpy()
    order = np.lexsort((pos, hilbert, inverse))
    splits = np.cumsum(np.bincount(inverse, minlength=len(keys)))[:-1]
    frames = []
    for (cx, cy), members in zip(keys, np.split(order, splits), strict=True):
        clon, clat = (cx + 0.5) * _FRAME_DEG, (cy + 0.5) * _FRAME_DEG
        frames.append(Frame(laea_crs(clon, clat), pos[members], clon, clat))
    return frames


def _subtract(
    targets: np.ndarray, pieces: np.ndarray, target_of: np.ndarray, piece_of: np.ndarray
) -> np.ndarray:
    """Each target minus every piece paired with it (so overlapping pieces count once).

    Pieces are taken off largest first, one rank at a time across all targets (one vectorised
    difference per rank); a target emptied early skips its remaining pieces. Taking pieces off
    one by one keeps every overlay as small as the target, where a union of the pieces first
    would build large shapes only to cut them back. Ties go by piece position, so the order,
    and hence the result to the last bit, depends on nothing but the pairs.
    """
    out = targets.copy()
    if len(target_of) == 0:
        return out
    # A target inside one of its pieces is empty: a prepared containment test settles it far
    # more cheaply than the differences would.
    shapely.prepare(pieces)
    inside = shapely.contains(pieces[piece_of], targets[target_of])
    if inside.any():
        full = np.zeros(len(targets), bool)
        full[target_of[inside]] = True
        out[full] = shapely.Polygon()
        keep = ~full[target_of]
        target_of, piece_of = target_of[keep], piece_of[keep]
    size = shapely.area(pieces)
    order = np.lexsort((piece_of, -size[piece_of], target_of))
    target_of, piece_of = target_of[order], piece_of[order]
    counts = np.bincount(target_of, minlength=len(targets))
    starts = np.cumsum(counts) - counts
    live = np.flatnonzero(counts)
    rank = 0
    while len(live):
        live = live[~shapely.is_empty(out[live])]
        at = starts[live] + rank
        out[live] = shapely.difference(out[live], pieces[piece_of[at]])
        rank += 1
        live = live[counts[live] > rank]
    return out


@dataclass
class _ChunkResult:
    positions: np.ndarray
    area_ha: np.ndarray
    covered_ha: dict[str | None, np.ndarray]
    hit: np.ndarray
    remaining: np.ndarray | None
    reached: np.ndarray


def _overlay_chunk(
    positions: np.ndarray,
    frame_crs: pyproj.CRS,
    ugeoms: np.ndarray,
    ucrs: pyproj.CRS,
    uboxes: np.ndarray,
    works: _Works,
    groups: list[str | None],
    keep_geometry: bool,
) -> _ChunkResult:
    local = to_frame_crs(ugeoms[positions], ucrs, frame_crs)
    unit_area = shapely.area(local) / 10_000.0
    covered = {g: np.zeros(len(positions)) for g in groups}
    hit = np.zeros(len(positions), bool)
    box = uboxes[positions]
    near = works.near(
        np.array([box[:, 0].min(), box[:, 1].min(), box[:, 2].max(), box[:, 3].max()])
    )
    if len(near) == 0:
        return _ChunkResult(positions, unit_area, covered, hit, None, near)
    # Keep only works that reach some unit's own box: a chunk's box can be much larger, where
    # the Hilbert curve turns or jumps.
    near = near[
        np.unique(shapely.STRtree(shapely.box(*works.reach[near].T)).query(shapely.box(*box.T))[1])
    ]
    svc = _buffer(to_frame_crs(works.geoms[near], works.crs, frame_crs), works.radius[near])
    ui, si = shapely.STRtree(svc).query(local, predicate="intersects")
    left_all = None
    for g in groups:
        sel = slice(None) if g is None else (works.group[near][si] == g)
        left = _subtract(local, svc, ui[sel], si[sel])
        covered[g] = np.clip(unit_area - shapely.area(left) / 10_000.0, 0.0, unit_area)
        if g is None:
            left_all = left
    hit[ui] = True
    remaining = None
    if keep_geometry and left_all is not None and hit.any():
        remaining = to_frame_crs(left_all[hit], frame_crs, ucrs)
    return _ChunkResult(positions, unit_area, covered, hit, remaining, near[np.unique(si)])


def _cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _overlay(
    units: gpd.GeoDataFrame,
    works: _Works,
    *,
    groups: list[str | None],
    keep_geometry: bool,
    workers: int | None = None,
) -> _Overlay:
    """Overlay ``units`` with the service areas of ``works``, chunk by chunk on threads."""
    ugeoms, ucrs = geoseries_values(units)
    ucrs = _canonical(ucrs)
    n = len(units)
    area = np.full(n, np.nan)
    covered = {g: np.full(n, np.nan) for g in groups}
    remaining = ugeoms.copy() if keep_geometry else None
    reached = np.zeros(len(works.geoms), bool)
    uboxes = _lonlat_boxes(ugeoms, ucrs)
    tasks = [
        (chunk, frame.crs)
        for frame in _unit_frames(ugeoms, uboxes)
        for chunk in np.array_split(frame.positions, -(-len(frame.positions) // CHUNK_UNITS))
    ]

    def run(task: tuple[np.ndarray, pyproj.CRS]) -> _ChunkResult:
        return _overlay_chunk(*task, ugeoms, ucrs, uboxes, works, groups, keep_geometry)

    def keep(res: _ChunkResult) -> None:
        area[res.positions] = res.area_ha
        for g in groups:
            covered[g][res.positions] = res.covered_ha[g]
        if res.remaining is not None:
            remaining[res.positions[res.hit]] = res.remaining
        reached[res.reached] = True

    workers = min(workers or WORKERS or _cores(), len(tasks))
    if workers <= 1:
        for res in map(run, tasks):
            keep(res)
    else:
        pool = ThreadPoolExecutor(workers, thread_name_prefix="kotaku-overlay")
        try:
            for res in pool.map(run, tasks):
                keep(res)
        finally:
            pool.shutdown(cancel_futures=True)
    return _Overlay(area, covered, remaining, reached)


def _checked_units(units: gpd.GeoDataFrame, report: ValidationReport) -> gpd.GeoDataFrame:
    """Report units without geometry or off the globe; repair and report invalid ones.

    Units read with :func:`kotaku_gis.read_units` are already repaired; a frame built by hand
    may hold a self-crossing ring, which projection would silently cut down to one lobe.
    """
    geoms = np.asarray(units.geometry.array, dtype=object)
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    col = units.geometry.name
    report.add_rows(
        units.index[bad], col, "warning", "null_geometry",
        "the unit has no geometry: its hectares and coverage are left blank",
    )  # fmt: skip
    if bad.all():
        return units
    with np.errstate(invalid="ignore"):
        boxes = _lonlat_boxes(geoms[~bad], _canonical(require_crs(units.crs)))
    off = ~_on_globe(boxes)
    report.add_rows(
        units.index[~bad][off], col, "warning", "off_globe",
        "the unit's coordinates are not on the globe in its CRS (latitude beyond ±90°: "
        "x and y swapped, or the wrong CRS): its hectares and coverage are left blank",
    )  # fmt: skip
    repaired = repair_invalid(geoms, ~bad, units.index, col, report)
    if repaired is geoms:
        return units
    return units.set_geometry(
        gpd.GeoSeries(repaired, index=units.index, crs=units.crs), crs=units.crs
    )


def _inputs(
    units: gpd.GeoDataFrame,
    interventions: pd.DataFrame,
    *,
    year: int | None,
    kinds: Iterable[str] | None,
    radii: Mapping[str, float] | None,
    what: str,
    include_planned: bool = False,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, ValidationReport]:
    """Checked units, the selected works and the report of both, for :func:`coverage` and
    :func:`remaining_area`."""
    units = _as_units(units)
    works = _as_works(interventions, radii)
    report = ValidationReport(what=what)
    units = _checked_units(units, report)
    chosen = _select_works(
        works, year=year, kinds=kinds, report=report, include_planned=include_planned
    )
    return units, chosen, report


def _groups(works: pd.DataFrame, split_by: str | None) -> list[str | None]:
    """``None`` (all works) and, with ``split_by``, each value of that column present."""
    if split_by is None or not len(works):
        return [None]
    return [None, *sorted(works[split_by].dropna().unique().tolist())]


def _unreached_report(
    chosen: pd.DataFrame | None, reached: np.ndarray, report: ValidationReport | None
) -> None:
    if chosen is None or report is None or reached.all():
        return
    report.add_rows(
        chosen.index[~reached], "geometry", "warning", "outside_units",
        "the completed work's service area touches no unit, so it serves none",
    )  # fmt: skip


def _coverage_table(
    units: gpd.GeoDataFrame,
    works: _Works,
    *,
    groups: list[str | None],
    workers: int | None = None,
    chosen: pd.DataFrame | None = None,
    report: ValidationReport | None = None,
) -> pd.DataFrame:
    """The body of :func:`coverage` for selected works (``chosen``, ``report``: as for
    :func:`_remaining_table`)."""
    result = _overlay(units, works, groups=groups, keep_geometry=False, workers=workers)
    _unreached_report(chosen, result.reached, report)
    out = pd.DataFrame({"unit_id": units["unit_id"]}, index=units.index)
    out["area_ha"] = result.area_ha
    with np.errstate(invalid="ignore", divide="ignore"):
        for group, ha in result.covered_ha.items():
            suffix = "" if group is None else f"_{group}"
            out[f"covered_ha{suffix}"] = ha
            out[f"covered_share{suffix}"] = np.where(result.area_ha > 0, ha / result.area_ha, 0.0)
    out.loc[np.isnan(result.area_ha), [c for c in out.columns if c.startswith("covered")]] = np.nan
    return out


def _remaining_table(
    units: gpd.GeoDataFrame,
    works: _Works,
    *,
    workers: int | None = None,
    chosen: pd.DataFrame | None = None,
    report: ValidationReport | None = None,
) -> gpd.GeoDataFrame:
    """The body of :func:`remaining_area` for selected works.

    With ``chosen`` (the works' frame) and ``report``, works whose service area touches no
    unit are reported.
    """
    result = _overlay(units, works, groups=[None], keep_geometry=True, workers=workers)
    _unreached_report(chosen, result.reached, report)
    keep = ["unit_id", *[c for c in ADMIN_COLUMNS if c in units]]
    out = pd.DataFrame(units[keep])
    out["area_ha"] = result.area_ha
    out["covered_ha"] = result.covered_ha[None]
    out["remaining_ha"] = result.area_ha - result.covered_ha[None]
    return gpd.GeoDataFrame(out, geometry=result.remaining, crs=units.crs)


def coverage(
    units: gpd.GeoDataFrame,
    interventions: gpd.GeoDataFrame,
    *,
    by: str | None = "kind",
    year: int | None = None,
    kinds: Iterable[str] | None = None,
    radii: Mapping[str, float] | None = None,
    include_planned: bool = False,
) -> pd.DataFrame:
    """Hectares and share of each unit served by completed works, overall and per kind.

    Only completed works count, and with ``year`` only those done by that year; the works
    left out are counted by reason in the report (``works_left_out``). Service areas that
    overlap are counted once.

    Parameters
    ----------
    units : GeoDataFrame
        Units with ``unit_id`` and polygons (:func:`kotaku_gis.read_units`). A
        ``dask_geopandas.GeoDataFrame`` runs per partition and gives a lazy dask frame
        (:mod:`kotaku_gis.distributed`).
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
    include_planned : bool, default False
        A what-if: count planned and in-progress works as done (not cancelled ones). The
        result carries ``attrs["what_if"] = True`` and a ``what_if`` report entry.

    Returns
    -------
    DataFrame
        Indexed like ``units``: ``unit_id``, ``area_ha``, ``covered_ha``, ``covered_share``
        (0–1), and the per-kind columns; ``attrs["report"]`` lists works and units left out,
        ``attrs["what_if"]`` says whether planned works were counted.

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
        raise InputError(f"by must be 'kind', 'category' or None, not {by!r}.")
    if is_dask(units):
        from .distributed import coverage as dask_coverage

        return dask_coverage(
            units, interventions, by=by, year=year, kinds=kinds, radii=radii,
            include_planned=include_planned,
        )  # fmt: skip
    units, chosen, report = _inputs(
        units, interventions, year=year, kinds=kinds, radii=radii, what="coverage",
        include_planned=include_planned,
    )  # fmt: skip
    split_by = "category" if by else None
    out = _coverage_table(
        units,
        _Works.from_frame(chosen, split_by),
        groups=_groups(chosen, split_by),
        chosen=chosen,
        report=report,
    )
    out.attrs["report"] = report
    out.attrs["what_if"] = bool(include_planned)
    return out


def remaining_area(
    units: gpd.GeoDataFrame,
    interventions: gpd.GeoDataFrame,
    *,
    kinds: Iterable[str] | None = None,
    year: int | None = None,
    radii: Mapping[str, float] | None = None,
    include_planned: bool = False,
) -> gpd.GeoDataFrame:
    """The part of each unit that completed works do not serve, and its hectares.

    Works left out (planned, in progress, cancelled, after ``year``, without a year) are
    counted by reason in the report (``works_left_out``).

    Parameters
    ----------
    units : GeoDataFrame
        Units with ``unit_id`` and polygons. A ``dask_geopandas.GeoDataFrame`` runs per
        partition and gives a lazy dask-geopandas frame (:mod:`kotaku_gis.distributed`).
    interventions : GeoDataFrame
        Works; only completed ones (and with ``year``, done by then) count.
    kinds : iterable of str, optional
        Count only these categories or activity keys.
    year : int, optional
        Count works done in or before this year.
    radii : mapping, optional
        Service radii in metres by kind key or category.
    include_planned : bool, default False
        A what-if: count planned and in-progress works as done (not cancelled ones). The
        result carries ``attrs["what_if"] = True`` and a ``what_if`` report entry.

    Returns
    -------
    GeoDataFrame
        One row per unit, indexed like ``units``, in the units' CRS: ``unit_id``, the
        administrative columns present, ``area_ha`` (the geometry's ellipsoidal hectares),
        ``covered_ha``, ``remaining_ha`` (``remaining_ha + covered_ha == area_ha``) and the
        unserved part as geometry. ``attrs["report"]`` lists what was left out,
        ``attrs["what_if"]`` says whether planned works were counted.

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
    if is_dask(units):
        from .distributed import remaining_area as dask_remaining_area

        return dask_remaining_area(
            units, interventions, kinds=kinds, year=year, radii=radii,
            include_planned=include_planned,
        )  # fmt: skip
    units, chosen, report = _inputs(
        units, interventions, year=year, kinds=kinds, radii=radii, what="remaining_area",
        include_planned=include_planned,
    )  # fmt: skip
    out = _remaining_table(units, _Works.from_frame(chosen, None), chosen=chosen, report=report)
    out.attrs["report"] = report
    out.attrs["what_if"] = bool(include_planned)
    return out
