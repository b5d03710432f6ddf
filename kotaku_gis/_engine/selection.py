"""The engine's inputs: units checked and repaired, and the works that count, with a report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..catalogue import CATEGORIES, INTERVENTION_KINDS, kind_problems
from ..crs import WGS84, lonlat_bounds, on_globe, require_crs
from ..errors import InputError
from ..interventions import is_prepared, prepare_interventions, select_works
from ..io import repair_invalid
from ..validation_report import ValidationReport

__all__ = [
    "as_units",
    "as_works",
    "checked_units",
    "counted_works",
    "select_inputs",
    "split_column",
]


def split_column(by: str | None) -> str | None:
    """The column coverage is split by (``"category"``), or None, for ``by``."""
    if by not in ("kind", "category", None):
        raise InputError(f"by must be 'kind', 'category' or None, not {by!r}.")
    return "category" if by else None


def as_units(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The units, or :class:`InputError` if they are not polygons with a CRS and ``unit_id``."""
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


def as_works(interventions: pd.DataFrame, radii: Mapping[str, float] | None) -> pd.DataFrame:
    """The works prepared (kind, status, radius …), unless they already are."""
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


def counted_works(
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
    unlocated = done & ~located
    if unlocated.any():
        report.add_rows(
            works.index[unlocated], "geometry", "info", "no_geometry",
            "a completed work without geometry serves no area (it counts in kg.allocate)",
        )  # fmt: skip
    unknown = done & located & ~known
    if unknown.any():
        report.add_rows(
            works.index[unknown], "kind", "warning", "unknown_kind",
            [f"{msg}; the work has no service area"
             for msg in kind_problems(works["kind"][unknown])],
        )  # fmt: skip
    return works[done & located & known]


def checked_units(units: gpd.GeoDataFrame, report: ValidationReport) -> gpd.GeoDataFrame:
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
    off = ~on_globe(lonlat_bounds(geoms[~bad], require_crs(units.crs)))
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


def select_inputs(
    units: gpd.GeoDataFrame,
    interventions: pd.DataFrame,
    *,
    year: int | None,
    kinds: Iterable[str] | None,
    radii: Mapping[str, float] | None,
    what: str,
    include_planned: bool = False,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, ValidationReport]:
    """Checked units, the counted works and the report of both, for coverage and remaining
    area."""
    units = as_units(units)
    works = as_works(interventions, radii)
    report = ValidationReport(what=what)
    units = checked_units(units, report)
    chosen = counted_works(
        works, year=year, kinds=kinds, report=report, include_planned=include_planned
    )
    return units, chosen, report
