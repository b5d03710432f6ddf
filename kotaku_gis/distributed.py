"""Coverage and remaining area over dask-geopandas partitions, for layers beyond one machine.

Design: the public functions take dask. ``kg.coverage`` and ``kg.remaining_area`` hand units
given as a ``dask_geopandas.GeoDataFrame`` to the functions of this module, which return a
lazy ``dask_geopandas.GeoDataFrame`` (``remaining_area``) or dask ``DataFrame``
(``coverage``) with the same columns and index as the single-machine answer; call
``.compute()`` (or write it with ``.to_parquet``) to run it, on a ``distributed`` cluster if
one is connected.

The works are read into memory once (they are far fewer than units, and a dask frame of works
is computed first), normalised and selected as on one machine, and broadcast to the
partitions as one task; each partition keeps the works that can reach its own lon/lat box and
runs the single-machine engine on one thread. Every unit is overlaid in the equal-area frame of
its own cell with the same service areas taken off in the same order however the units are
split, so the hectares are identical to the single-machine answer, to the last bit.

Partition units spatially so that each partition's box, and the works it keeps, stay small:
:func:`partition_units` orders them along a Hilbert curve and keeps their index
(``units.spatial_shuffle()`` of dask-geopandas does the same but replaces the index with the
Hilbert distance). The answer does not depend on the partitioning, only the speed does.

What the single-machine functions put in ``attrs["report"]`` about the selection of works
(left out by status or year, without geometry, of unknown kind) goes into ``report`` when one
is given. With ``include_planned=True`` each computed partition carries
``attrs["what_if"] = True``, as the single-machine answer does.
Units are checked and repaired per partition as on one machine (units without geometry or off
the globe come out with blank hectares, invalid ones are repaired), but those entries, and
works whose service area touches no unit, are not collected from the partitions: run
:func:`kotaku_gis.validate` on the units for the former.
"""

from __future__ import annotations

import dataclasses
import functools
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from ._engine import (
    EngineSettings,
    Works,
    as_units,
    as_works,
    checked_units,
    counted_works,
    coverage_table,
    groups,
    remaining_table,
    split_column,
    union_box,
)
from .crs import lonlat_bounds
from .errors import InputError, is_dask
from .validation_report import ValidationReport

if TYPE_CHECKING:
    import dask.dataframe as dd
    import dask_geopandas

__all__ = ["coverage", "partition_units", "remaining_area"]


def _dask_geopandas():
    try:
        import dask
        import dask_geopandas
    except ImportError as err:  # an optional dependency
        raise InputError(
            "dask-geopandas is not installed; install kotaku-gis[dask] to overlay "
            "dask-geopandas frames."
        ) from err
    return dask, dask_geopandas


def partition_units(units: gpd.GeoDataFrame, *, npartitions: int) -> dask_geopandas.GeoDataFrame:
    """Units as a dask-geopandas frame of spatially compact partitions, index kept.

    Units are ordered along a Hilbert curve of their boxes' centres and cut into
    ``npartitions`` runs of that order, so each partition covers a compact patch.

    Parameters
    ----------
    units : GeoDataFrame
        Units in memory (:func:`kotaku_gis.read_units`).
    npartitions : int
        How many partitions.

    Returns
    -------
    dask_geopandas.GeoDataFrame
        The same rows and index, in Hilbert order.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.distributed import partition_units
    >>> units = gpd.GeoDataFrame({"unit_id": ["A", "B", "C", "D"]},
    ...     geometry=[shapely.box(x, 0, x + 1, 1) for x in (0, 30, 10, 20)], crs=32750)
    >>> parts = partition_units(units, npartitions=2)
    >>> parts.npartitions, sorted(parts.compute().index.tolist())
    (2, [0, 1, 2, 3])
    """
    _, dask_geopandas = _dask_geopandas()
    if not isinstance(units, gpd.GeoDataFrame):
        raise InputError("partition_units needs units as a GeoDataFrame in memory.")
    if npartitions < 1:
        raise InputError(f"npartitions must be at least 1, not {npartitions}.")
    geoms = units.geometry
    present = (~geoms.isna() & ~geoms.is_empty).to_numpy()
    distance = np.full(len(units), np.iinfo(np.int64).max)  # units without geometry go last
    if present.any():
        distance[present] = geoms[present].hilbert_distance().to_numpy()
    order = np.argsort(distance, kind="stable")
    return dask_geopandas.from_geopandas(units.iloc[order], npartitions=npartitions, sort=False)


def _selected(
    units: dask_geopandas.GeoDataFrame,
    interventions: pd.DataFrame,
    report: ValidationReport | None,
    what: str,
    options: dict,
    split_by: str | None = None,
) -> tuple[Works, list[str | None]]:
    """Check the units' schema and select the works as on one machine (``options``: year,
    kinds, radii, include_planned); the works and their groups."""
    as_units(units._meta)
    if is_dask(interventions):
        interventions = interventions.compute()
    own = ValidationReport(what=what)
    options = dict(options)
    works = as_works(interventions, options.pop("radii"))
    chosen = counted_works(works, report=own, **options)
    if report is not None:
        report.extend(own)
    return Works.from_frame(chosen, split_by), groups(chosen, split_by)


def _near(part: gpd.GeoDataFrame, works: Works) -> Works:
    """The works that can reach the lon/lat box of a partition's units."""
    if len(part) == 0 or len(works) == 0:
        return works.take(np.zeros(0, dtype=np.int64))
    box = lonlat_bounds(np.asarray(part.geometry.array, dtype=object), part.crs)
    box = box[np.isfinite(box).all(axis=1)]  # units without geometry reach nothing
    if len(box) == 0:
        return works.take(np.zeros(0, dtype=np.int64))
    return works.take(works.near(union_box(box)))


def _partition(
    part: gpd.GeoDataFrame,
    works: Works,
    table: Callable[..., pd.DataFrame],
    what: str,
    settings: EngineSettings,
    what_if: bool,
) -> pd.DataFrame:
    """One partition's answer, from the units checked as on one machine."""
    part = checked_units(part, ValidationReport(what=what))
    out = table(part, _near(part, works), settings=settings)
    out.attrs["what_if"] = what_if
    return out


def _lazy(
    units: dask_geopandas.GeoDataFrame,
    works: Works,
    table: Callable[..., pd.DataFrame],
    what: str,
    settings: EngineSettings | None,
    include_planned: bool,
    **kwargs: object,
):
    """``table`` of every partition, lazily; works broadcast as one task, one thread each."""
    dask, _ = _dask_geopandas()
    # Dask runs the partitions in parallel: each runs the engine on one thread.
    settings = dataclasses.replace(settings or EngineSettings(), workers=1)
    meta = table(units._meta, works.take(np.zeros(0, dtype=np.int64)), settings=settings)
    # One task holds the works, named without hashing the geometries.
    broadcast = dask.delayed(works, name=f"kotaku-works-{uuid.uuid4().hex}", traverse=False)
    return units.map_partitions(
        _partition, broadcast, table, what, settings, bool(include_planned), meta=meta,
        **kwargs,
    )  # fmt: skip


def remaining_area(
    units: dask_geopandas.GeoDataFrame,
    interventions: pd.DataFrame,
    *,
    kinds: Iterable[str] | None = None,
    year: int | None = None,
    radii: Mapping[str, float] | None = None,
    report: ValidationReport | None = None,
    include_planned: bool = False,
    settings: EngineSettings | None = None,
) -> dask_geopandas.GeoDataFrame:
    """:func:`kotaku_gis.remaining_area` over the partitions of dask-geopandas units.

    ``kg.remaining_area(units, works)`` calls this when ``units`` is a
    ``dask_geopandas.GeoDataFrame``.

    Parameters
    ----------
    units : dask_geopandas.GeoDataFrame
        Units with ``unit_id`` and polygons, best partitioned spatially
        (:func:`partition_units`).
    interventions : GeoDataFrame
        Works, in memory or as a dask frame (computed first).
    kinds, year, radii, include_planned, settings
        As for :func:`kotaku_gis.remaining_area` (each partition runs on one thread).
    report : ValidationReport, optional
        Receives the entries about works left out.

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Lazy; computed, it equals the single-machine answer row for row.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> from kotaku_gis.distributed import partition_units
    >>> units = gpd.GeoDataFrame({"unit_id": ["RT01", "RT02"]},
    ...     geometry=[shapely.box(400_000, 9_050_000, 400_200, 9_050_200),
    ...               shapely.box(400_200, 9_050_000, 400_400, 9_050_200)], crs=32750)
    >>> works = gpd.GeoDataFrame({"kind": ["hidran_umum"], "status": ["selesai"],
    ...     "year": [2022]}, geometry=[shapely.Point(400_200, 9_050_100)], crs=32750)
    >>> lazy = kg.remaining_area(partition_units(units, npartitions=2), works)
    >>> local = kg.remaining_area(units, works)
    >>> bool((lazy.compute().sort_index()["covered_ha"] == local["covered_ha"]).all())
    True
    """
    _dask_geopandas()
    options = {"year": year, "kinds": kinds, "radii": radii, "include_planned": include_planned}
    works, _ = _selected(units, interventions, report, "remaining_area", options)
    return _lazy(units, works, remaining_table, "remaining_area", settings, include_planned)


def coverage(
    units: dask_geopandas.GeoDataFrame,
    interventions: pd.DataFrame,
    *,
    by: str | None = "kind",
    year: int | None = None,
    kinds: Iterable[str] | None = None,
    radii: Mapping[str, float] | None = None,
    report: ValidationReport | None = None,
    include_planned: bool = False,
    settings: EngineSettings | None = None,
) -> dd.DataFrame:
    """:func:`kotaku_gis.coverage` over the partitions of dask-geopandas units.

    ``kg.coverage(units, works)`` calls this when ``units`` is a ``dask_geopandas.GeoDataFrame``.
    The per-kind columns are those of the categories among all the selected works, in every
    partition.

    Parameters
    ----------
    units : dask_geopandas.GeoDataFrame
        Units with ``unit_id`` and polygons, best partitioned spatially.
    interventions : GeoDataFrame
        Works, in memory or as a dask frame (computed first).
    by, year, kinds, radii, include_planned, settings
        As for :func:`kotaku_gis.coverage` (each partition runs on one thread).
    report : ValidationReport, optional
        Receives the entries about works left out.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy: ``.compute()`` gives the single-machine answer, row for row.

    Examples
    --------
    A tap at the corner of an RT serves a quarter of its disc there:

    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.distributed import coverage, partition_units
    >>> rt = gpd.GeoDataFrame({"unit_id": ["RT01"]},
    ...     geometry=[shapely.box(400_000, 9_050_000, 400_200, 9_050_200)], crs=32750)
    >>> tap = gpd.GeoDataFrame({"kind": ["hidran_umum"], "status": ["selesai"],
    ...     "year": [2022]}, geometry=[shapely.Point(400_000, 9_050_000)], crs=32750)
    >>> cov = coverage(partition_units(rt, npartitions=1), tap).compute()
    >>> round(float(cov.loc[0, "covered_share"]), 3)
    0.196
    """
    split_by = split_column(by)
    _dask_geopandas()
    options = {"year": year, "kinds": kinds, "radii": radii, "include_planned": include_planned}
    works, kinds_present = _selected(units, interventions, report, "coverage", options, split_by)
    table = functools.partial(coverage_table, groups=kinds_present)
    return _lazy(units, works, table, "coverage", settings, include_planned, align_dataframes=False)
