"""Service areas of completed works, the share of each unit they serve, and what remains.

Completed works are buffered in local equal-area frames (a disc is a disc in metres) and
overlaid with the units by the engine (:mod:`kotaku_gis._engine`): units are taken frame by
frame, a compact chunk at a time, on a pool of threads (:class:`kotaku_gis.EngineSettings`),
and the service areas touching each unit are taken off it one after another, so overlaps count
once and what is left is the unserved part. Areas are measured in the same equal-area frame,
so ``remaining_ha + covered_ha == area_ha`` holds exactly for every unit. Units given as a
dask-geopandas frame are handed to :mod:`kotaku_gis.distributed`, which runs the same engine
per partition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import distributed
from ._engine import (
    QUAD_SEGS,
    EngineSettings,
    Works,
    as_works,
    buffer,
    coverage_table,
    groups,
    remaining_table,
    select_inputs,
    split_column,
)
from .crs import MEASURE_CELL_DEG, geoseries_values, local_frames, to_frame_crs
from .errors import InputError, is_dask

__all__ = ["QUAD_SEGS", "coverage", "remaining_area", "service_areas"]


def service_areas(
    interventions: gpd.GeoDataFrame,
    *,
    radii: Mapping[str, float] | None = None,
) -> gpd.GeoDataFrame:
    """Service polygon of each intervention, buffered in a local metric frame.

    Points become discs, lines corridors, polygons grow by their radius. The radius is the
    ``radius_m`` column where given, else ``radii`` by kind or category, else the catalogue's
    default (:data:`kotaku_gis.INTERVENTION_KINDS`). Buffers are drawn in a Lambert
    azimuthal equal-area frame centred within a fifth of a degree of the work, with 96
    segments per circle (a disc's area within 0.1 % of πr²), then returned in the
    interventions' CRS.

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
    works = as_works(interventions, radii)
    if not isinstance(works, gpd.GeoDataFrame):
        raise InputError("service_areas needs interventions with geometry (a GeoDataFrame).")
    geoms, crs = geoseries_values(works)
    out_geoms = np.full(len(works), None, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out_geoms[present] = shapely.Polygon()
    known = works["kind_key"].notna().to_numpy()
    radius = works["radius_m"].to_numpy(dtype=float)
    cells = local_frames(
        np.where(known, geoms, None), crs, cell_deg=MEASURE_CELL_DEG, ordered=False
    )
    for frame in cells:
        pos = frame.positions
        local = to_frame_crs(geoms[pos], crs, frame.crs)
        out_geoms[pos] = to_frame_crs(buffer(local, radius[pos]), frame.crs, crs)
    cols = ["intervention_id", "kind", "kind_key", "category", "year", "completed", "radius_m"]
    result = pd.DataFrame(works[[c for c in cols if c in works.columns]])
    return gpd.GeoDataFrame(result, geometry=out_geoms, crs=crs)


def coverage(
    units: gpd.GeoDataFrame,
    interventions: gpd.GeoDataFrame,
    *,
    by: str | None = "kind",
    year: int | None = None,
    kinds: Iterable[str] | None = None,
    radii: Mapping[str, float] | None = None,
    include_planned: bool = False,
    settings: EngineSettings | None = None,
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
    settings : EngineSettings, optional
        Chunk size and threads of the engine (:class:`kotaku_gis.EngineSettings`); the
        answer does not depend on them.

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
    split_by = split_column(by)
    options = {"year": year, "kinds": kinds, "radii": radii, "include_planned": include_planned}
    if is_dask(units):
        return distributed.coverage(units, interventions, by=by, settings=settings, **options)
    units, chosen, report = select_inputs(units, interventions, what="coverage", **options)
    out = coverage_table(
        units,
        Works.from_frame(chosen, split_by),
        groups=groups(chosen, split_by),
        settings=settings,
        chosen=chosen,
        report=report,
    )
    return _done(out, report, include_planned)


def remaining_area(
    units: gpd.GeoDataFrame,
    interventions: gpd.GeoDataFrame,
    *,
    kinds: Iterable[str] | None = None,
    year: int | None = None,
    radii: Mapping[str, float] | None = None,
    include_planned: bool = False,
    settings: EngineSettings | None = None,
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
    kinds, year, radii, include_planned, settings
        As for :func:`coverage`.

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
    A drain serving 20 m either side crosses a 200 m square RT (in UTM 50S metres):

    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis import remaining_area
    >>> square = gpd.GeoDataFrame({"unit_id": ["RT05"]}, crs="EPSG:32750",
    ...     geometry=[shapely.box(400_000, 9_050_000, 400_200, 9_050_200)])
    >>> drain = gpd.GeoDataFrame({"kind": ["drainase"], "status": ["selesai"], "year": [2021],
    ...     "radius_m": [20.0]},
    ...     geometry=[shapely.LineString([(399_900, 9_050_100), (400_300, 9_050_100)])],
    ...     crs=32750)
    >>> rem = remaining_area(square, drain)
    >>> # a 40 m band across a 200 m square: a fifth of it (to UTM's 0.04 % scale error)
    >>> round(float(rem.loc[0, "covered_ha"] / rem.loc[0, "area_ha"]), 3)
    0.2
    """
    options = {"year": year, "kinds": kinds, "radii": radii, "include_planned": include_planned}
    if is_dask(units):
        return distributed.remaining_area(units, interventions, settings=settings, **options)
    units, chosen, report = select_inputs(units, interventions, what="remaining_area", **options)
    out = remaining_table(
        units, Works.from_frame(chosen), settings=settings, chosen=chosen, report=report
    )
    return _done(out, report, include_planned)


def _done(out: pd.DataFrame, report, include_planned: bool) -> pd.DataFrame:
    """The answer with its report and whether planned works were counted."""
    out.attrs["report"] = report
    out.attrs["what_if"] = bool(include_planned)
    return out
