"""Units overlaid with service areas, chunk by chunk: covered hectares and what remains."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..schema import ADMIN_COLUMNS
from ..validation_report import ValidationReport
from .layers import Chunk, UnitLayer, Works
from .settings import EngineSettings

__all__ = ["coverage_table", "groups", "remaining_table", "subtract"]


def subtract(
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
    area_ha: np.ndarray
    covered_ha: dict[str | None, np.ndarray]
    hit: np.ndarray
    remaining: np.ndarray | None
    reached: np.ndarray


@dataclass
class _Overlay:
    """Per-unit results of one overlay, aligned with the units."""

    area_ha: np.ndarray
    covered_ha: dict[str | None, np.ndarray]
    remaining: np.ndarray | None
    #: per work: whether its service area touches some unit
    reached: np.ndarray


def _overlay_chunk(
    layer: UnitLayer,
    chunk: Chunk,
    works: Works,
    groups: list[str | None],
    keep_geometry: bool,
) -> _ChunkResult:
    local = layer.project(chunk)
    unit_area = shapely.area(local) / 10_000.0
    covered = {g: np.zeros(len(local)) for g in groups}
    hit = np.zeros(len(local), bool)
    near = works.reaching(chunk.bounds)
    if len(near) == 0:
        return _ChunkResult(unit_area, covered, hit, None, near)
    svc = works.in_frame(near, chunk.crs, buffered=True)
    ui, si = shapely.STRtree(svc).query(local, predicate="intersects")
    left_all = None
    for g in groups:
        sel = slice(None) if g is None else (works.group[near][si] == g)
        left = subtract(local, svc, ui[sel], si[sel])
        covered[g] = np.clip(unit_area - shapely.area(left) / 10_000.0, 0.0, unit_area)
        if g is None:
            left_all = left
    hit[ui] = True
    remaining = None
    if keep_geometry and left_all is not None and hit.any():
        remaining = layer.project_back(chunk, left_all[hit])
    return _ChunkResult(unit_area, covered, hit, remaining, near[np.unique(si)])


def _overlay(
    layer: UnitLayer, works: Works, *, groups: list[str | None], keep_geometry: bool
) -> _Overlay:
    """Overlay the units of ``layer`` with the service areas of ``works``."""
    n = len(layer)
    area = np.full(n, np.nan)
    covered = {g: np.full(n, np.nan) for g in groups}
    remaining = layer.geoms.copy() if keep_geometry else None
    reached = np.zeros(len(works), bool)
    results = layer.map(lambda c: _overlay_chunk(layer, c, works, groups, keep_geometry))
    for chunk, res in zip(layer.chunks, results, strict=True):
        pos = chunk.positions
        area[pos] = res.area_ha
        for g in groups:
            covered[g][pos] = res.covered_ha[g]
        if res.remaining is not None:
            remaining[pos[res.hit]] = res.remaining
        reached[res.reached] = True
    return _Overlay(area, covered, remaining, reached)


def groups(works: pd.DataFrame, split_by: str | None) -> list[str | None]:
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


def coverage_table(
    units: gpd.GeoDataFrame,
    works: Works,
    *,
    groups: list[str | None],
    settings: EngineSettings | None = None,
    chosen: pd.DataFrame | None = None,
    report: ValidationReport | None = None,
) -> pd.DataFrame:
    """The body of :func:`kotaku_gis.coverage` for selected works (``chosen``, ``report``:
    as for :func:`remaining_table`)."""
    layer = UnitLayer.of(units, settings)
    result = _overlay(layer, works, groups=groups, keep_geometry=False)
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


def remaining_table(
    units: gpd.GeoDataFrame,
    works: Works,
    *,
    settings: EngineSettings | None = None,
    chosen: pd.DataFrame | None = None,
    report: ValidationReport | None = None,
) -> gpd.GeoDataFrame:
    """The body of :func:`kotaku_gis.remaining_area` for selected works.

    With ``chosen`` (the works' frame) and ``report``, works whose service area touches no
    unit are reported.
    """
    layer = UnitLayer.of(units, settings)
    result = _overlay(layer, works, groups=[None], keep_geometry=True)
    _unreached_report(chosen, result.reached, report)
    keep = ["unit_id", *[c for c in ADMIN_COLUMNS if c in units]]
    out = pd.DataFrame(units[keep])
    out["area_ha"] = result.area_ha
    out["covered_ha"] = result.covered_ha[None]
    out["remaining_ha"] = result.area_ha - result.covered_ha[None]
    return gpd.GeoDataFrame(out, geometry=result.remaining, crs=units.crs)
