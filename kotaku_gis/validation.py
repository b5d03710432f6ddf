"""Validation of unit and intervention layers: every problem, row by row.

:func:`validate` inspects a frame and returns a :class:`~kotaku_gis.report.ValidationReport`;
it changes nothing. The readers in :mod:`kotaku_gis.io` repair what can be repaired first
(invalid polygons, 3D coordinates) and record those repairs in the same report.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .area import area_ha_array
from .catalogue import kind_problems
from .columns import conventions_for
from .crs import to_lonlat
from .errors import InputError
from .rulesets import all_codes
from .schema import CRITERION_DENOMINATOR, DENOMINATORS, INDONESIA_BOUNDS
from .scoring import evidence_report
from .validation_report import ValidationReport

__all__ = ["validate"]

What = Literal["units", "interventions"]

#: Numeric columns of units: denominators, people, criterion volumes (both rulesets), given
#: percentages, scores and aspect averages, the 1/3/5 considerations.
_UNIT_NUMBERS: tuple[str, ...] = tuple(
    n for n, c in conventions_for("units").items() if c.kind in ("number", "count")
)

#: Overlaps between units smaller than this (in hectares, 1 m²) are slivers of digitising, not
#: double counting, and are not reported.
OVERLAP_TOLERANCE_HA = 1e-4
#: Relative difference between a verified ``area_ha`` and the geometry's hectares that is
#: reported.
AREA_MISMATCH_SHARE = 0.05

_POLYGONAL = ("Polygon", "MultiPolygon")
_COMPLETED_WORDS = frozenset(
    {"selesai", "completed", "complete", "done", "finished", "100%", "100", "true", "1", "ya"}
)
_PENDING_WORDS = frozenset(
    {"rencana", "planned", "proses", "progress", "in progress", "ongoing", "berjalan",
     "belum", "belum selesai", "batal", "cancelled", "false", "0", "tidak"}
)  # fmt: skip


def validate(
    frame: pd.DataFrame | gpd.GeoDataFrame,
    what: What = "units",
    *,
    source: str | None = None,
) -> ValidationReport:
    """List every problem in a unit or intervention layer.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        Units (one row per RT or kawasan) or interventions, with the columns of DESIGN §3.
    what : {"units", "interventions"}
        Which conventions to check against.
    source : str, optional
        File name to quote in messages.

    Returns
    -------
    ValidationReport
        One entry per problem (row, column, severity, check, message). ``.ok`` is False when
        any entry is an error.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame(
    ...     {"unit_id": ["A", "A"]},
    ...     geometry=[shapely.box(116.1, -8.6, 116.101, -8.599)] * 2, crs="EPSG:4326")
    >>> report = kg.validate(units, "units")
    >>> sorted(report.checks())
    ['criterion_missing', 'duplicate_id', 'overlap']
    """
    return validate_with_areas(frame, what, source=source, measured_ha=None)


def validate_with_areas(
    frame: pd.DataFrame | gpd.GeoDataFrame,
    what: What,
    *,
    source: str | None,
    measured_ha: np.ndarray | None,
) -> ValidationReport:
    """:func:`validate`, given the geometries' hectares when the caller has them already.

    :func:`kotaku_gis.read_units` measures every unit anyway; passing those hectares saves
    measuring them a second time for the ``area_mismatch`` check.

    Examples
    --------
    >>> import numpy as np, geopandas as gpd, shapely
    >>> from kotaku_gis.validation import validate_with_areas
    >>> units = gpd.GeoDataFrame({"unit_id": ["A"], "area_ha": [2.0]},
    ...     geometry=[shapely.box(116.1, -8.6, 116.101, -8.599)], crs="EPSG:4326")
    >>> report = validate_with_areas(units, "units", source=None, measured_ha=np.array([1.2]))
    >>> sorted(report.checks())
    ['area_mismatch', 'criterion_missing']
    """
    if what not in ("units", "interventions"):
        raise InputError(f"what must be 'units' or 'interventions', not {what!r}.")
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"validate needs a DataFrame or GeoDataFrame of {what}, not {type(frame).__name__}."
        )
    report = ValidationReport(what=what, source=source)
    id_col = "unit_id" if what == "units" else "intervention_id"
    _check_ids(frame, id_col, report)
    if what == "units":
        _check_numbers(frame, list(_UNIT_NUMBERS), report)
        _check_denominators(frame, report)
        evidence_report(frame, report=report)
    else:
        _check_numbers(frame, ["volume", "radius_m", "year"], report)
        _check_years(frame, report)
        _check_kinds(frame, report)
        _check_status(frame, report)
    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame:
        _check_geometry(frame, what, report, measured_ha)
    elif what == "interventions":
        _check_table_rows(frame, np.ones(len(frame), dtype=bool), report)
    return report


# ---------------------------------------------------------------- identifiers and numbers


def _check_ids(frame: pd.DataFrame, id_col: str, report: ValidationReport) -> None:
    if id_col not in frame.columns:
        severity = "error" if id_col == "unit_id" else "warning"
        report.add(
            None, id_col, severity, "missing_column",
            f"no {id_col!r} column; add one with a unique identifier per row"
            + ("" if id_col == "unit_id" else " (row numbers are used meanwhile)"),
        )  # fmt: skip
        return
    ids = frame[id_col]
    missing = ids.isna() | (ids.astype("string").str.strip() == "")
    report.add_rows(
        frame.index[missing.to_numpy()], id_col, "error", "missing_id",
        f"{id_col} is empty; give every row an identifier",
    )  # fmt: skip
    dup = (ids.duplicated(keep=False) & ~missing).to_numpy(dtype=bool)
    # Every copy of a repeated id is among ``dup``, so counting there counts them all.
    values = ids.to_numpy()[dup]
    counts = pd.Series(values).map(pd.Series(values).value_counts()).to_numpy()
    for row, value, count in zip(frame.index[dup], values, counts, strict=True):
        report.add(
            row, id_col, "error", "duplicate_id",
            f"{id_col} {value!r} appears {int(count)} times; ids must be unique",
        )  # fmt: skip


def _check_numbers(frame: pd.DataFrame, columns: list[str], report: ValidationReport) -> None:
    for col in columns:
        if col not in frame.columns:
            continue
        raw = frame[col]
        values = _numbers(raw)
        # Cells that are not numbers, leaving out blanks (only those few are looked at).
        bad = np.isnan(values) & raw.notna().to_numpy(dtype=bool)
        if bad.any():
            text = raw[bad].astype("string").str.strip()
            bad[bad] = (text != "").to_numpy(dtype=bool, na_value=False)
        for row, value in zip(frame.index[bad], raw.to_numpy()[bad], strict=True):
            report.add(
                row, col, "error", "non_numeric",
                f"{col} is {value!r}, not a number; write a number (decimal point, no units)",
            )  # fmt: skip
        if col == "year":
            continue
        with np.errstate(invalid="ignore"):
            neg = values < 0
        report.add_rows(
            frame.index[neg], col, "error",
            "negative_value", f"{col} is negative; volumes and counts must be 0 or more",
        )  # fmt: skip


def _numbers(values: pd.Series) -> np.ndarray:
    """The values as a float array, NaN where blank or not a number."""
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _check_denominators(frame: pd.DataFrame, report: ValidationReport) -> None:
    for code, denom in CRITERION_DENOMINATOR.items():
        if code not in frame.columns or denom not in frame.columns:
            continue
        # Positions, not labels: an index may repeat (frames concatenated without
        # ignore_index).
        vol = _numbers(frame[code])
        den = _numbers(frame[denom])
        with np.errstate(invalid="ignore"):
            above = vol > den + 1e-9
        for row, v, d in zip(frame.index[above], vol[above], den[above], strict=True):
            report.add(
                row, code, "warning", "above_denominator",
                f"criterion {code} volume {v:g} exceeds {denom} {d:g}; "
                "it is clamped to 100 % for scoring; check the survey figures",
            )  # fmt: skip
    for denom in DENOMINATORS:
        if denom in frame.columns:
            zero = _numbers(frame[denom]) == 0
            report.add_rows(
                frame.index[zero], denom, "warning", "zero_denominator",
                f"{denom} is 0: criteria measured against it score 0 %",
            )  # fmt: skip


# ---------------------------------------------------------------- interventions


def _check_kinds(frame: pd.DataFrame, report: ValidationReport) -> None:
    if "kind" not in frame.columns:
        report.add(
            None, "kind", "error", "missing_column",
            "no 'kind' column; name each work's category or activity (see kg.INTERVENTION_KINDS)",
        )  # fmt: skip
        return
    problems = kind_problems(frame["kind"])
    unknown = problems.notna().to_numpy(dtype=bool)
    report.add_rows(
        frame.index[unknown], "kind", "error", "unknown_kind",
        [f"{msg} (see kg.INTERVENTION_KINDS)" for msg in problems[unknown]],
    )  # fmt: skip


def _lacks(frame: pd.DataFrame, column: str, report: ValidationReport, consequence: str) -> bool:
    """True, with a warning saying what follows, when ``frame`` has no ``column``."""
    if column in frame.columns:
        return False
    report.add(None, column, "warning", "missing_column", f"no {column!r} column: {consequence}")
    return True


def _check_years(frame: pd.DataFrame, report: ValidationReport) -> None:
    # Works without a year cannot be placed before or after a reporting year, so analyses
    # asked for a year leave them out; say so here rather than drop them silently there.
    if _lacks(frame, "year", report, "the works count only when no year is asked for; add "
              "the year each work was completed"):  # fmt: skip
        return
    raw = frame["year"]
    blank = raw.isna() | (raw.astype("string").str.strip() == "").fillna(False)
    report.add_rows(
        frame.index[blank.to_numpy(dtype=bool)], "year", "warning", "missing_year",
        "the work has no year: it counts only when no year is asked for; fill in the year "
        "it was completed",
    )  # fmt: skip


def status_completed(status: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whether each status means a completed work, and whether it was recognised at all.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.validation import status_completed
    >>> done, known = status_completed(pd.Series(["Selesai", "rencana", "50%"]))
    >>> done.tolist(), known.tolist()
    ([True, False, False], [True, True, False])
    """
    text = status.astype("string").str.strip().str.lower()
    done = text.isin(_COMPLETED_WORDS)
    pending = text.isin(_PENDING_WORDS)
    if status.dtype == bool:
        done = status.astype(bool)
        pending = ~done
    return done.fillna(False).astype(bool), (done | pending).fillna(False).astype(bool)


def _check_status(frame: pd.DataFrame, report: ValidationReport) -> None:
    if _lacks(frame, "status", report, "every work is taken as completed; add status "
              "('selesai' or 'rencana') to tell them apart"):  # fmt: skip
        return
    _, known = status_completed(frame["status"])
    unknown = ~known.to_numpy(dtype=bool)
    for row, value in zip(frame.index[unknown], frame["status"].to_numpy()[unknown], strict=True):
        report.add(
            row, "status", "warning", "unknown_status",
            f"status {value!r} is not recognised, so the work is taken as not completed; "
            "use 'selesai' for completed works",
        )  # fmt: skip


def _check_table_rows(
    frame: pd.DataFrame, no_geometry: np.ndarray, report: ValidationReport
) -> None:
    none = np.zeros(len(frame), dtype=bool)
    has_unit = frame["unit_id"].notna().to_numpy(dtype=bool) if "unit_id" in frame else none
    unlocated = no_geometry & ~has_unit
    report.add_rows(
        frame.index[unlocated], "geometry", "error", "no_location",
        "the work has neither a geometry nor a unit_id; it cannot be placed",
    )  # fmt: skip
    if "criterion" in frame:
        crit = frame["criterion"].astype("string").str.strip().str.lower()
        known = crit.isin(all_codes()).fillna(False).to_numpy(dtype=bool)
        bad = frame["criterion"].notna().to_numpy(dtype=bool) & ~known
        values = frame["criterion"].to_numpy()[bad]
        for row, value in zip(frame.index[bad], values, strict=True):
            report.add(
                row, "criterion", "error", "unknown_criterion",
                f"criterion {value!r} is not one of {', '.join(all_codes())}",
            )  # fmt: skip


# ---------------------------------------------------------------- geometry


def _check_geometry(
    frame: gpd.GeoDataFrame, what: str, report: ValidationReport, measured_ha: np.ndarray | None
) -> None:
    geom_col = frame.geometry.name
    geoms = np.asarray(frame.geometry.array, dtype=object)
    missing = shapely.is_missing(geoms)
    empty = shapely.is_empty(geoms) & ~missing
    if what == "units":
        report.add_rows(
            frame.index[missing], geom_col, "warning", "null_geometry",
            "the unit has no geometry: it is scored but left out of hectares and overlays",
        )  # fmt: skip
    else:
        _check_table_rows(frame, missing, report)
    report.add_rows(
        frame.index[empty], geom_col, "warning", "empty_geometry",
        "the geometry is empty: the row is kept but left out of geometry work",
    )  # fmt: skip
    present = ~(missing | empty)
    invalid = present & ~shapely.is_valid(geoms)
    reasons = shapely.is_valid_reason(geoms[invalid]) if invalid.any() else []
    report.add_rows(
        frame.index[invalid], geom_col, "warning", "invalid_geometry",
        [f"invalid geometry ({r}); repair it with shapely.make_valid" for r in reasons],
    )  # fmt: skip
    types = shapely.get_type_id(geoms)
    if what == "units":
        wrong = present & ~np.isin(types, [3, 6])
        for row, geom in zip(frame.index[wrong], geoms[wrong], strict=True):
            report.add(
                row, geom_col, "error", "wrong_geometry_type",
                f"a unit must be a Polygon or MultiPolygon, not a {geom.geom_type}",
            )  # fmt: skip
    else:
        collections = present & (types == 7)
        report.add_rows(
            frame.index[collections], geom_col, "warning", "geometry_collection",
            "a GeometryCollection: its points, lines and polygons are measured together",
        )  # fmt: skip
    if shapely.has_z(geoms[present]).any():
        rows = frame.index[present][shapely.has_z(geoms[present])]
        report.add_rows(rows, geom_col, "info", "has_z", "3D coordinates: heights are ignored")
    if frame.crs is None:
        report.add(
            None, geom_col, "error", "missing_crs",
            "the layer has no CRS; set it with frame.set_crs(...) (EPSG:4326 for lon/lat)",
        )  # fmt: skip
        return
    _check_location(frame.index[present], geoms[present], frame.crs, geom_col, report)
    if what == "units":
        _check_overlaps(frame.index[present], geoms[present], frame.crs, geom_col, report)
        _check_area(frame, geoms, present, report, measured_ha)


def _lonlat(geoms: np.ndarray, crs: pyproj.CRS) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of a point on the surface of each geometry."""
    pts = shapely.get_coordinates(shapely.point_on_surface(geoms))
    return to_lonlat(pts[:, 0], pts[:, 1], pyproj.CRS.from_user_input(crs))


def _inside(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    w, s, e, n = INDONESIA_BOUNDS
    return (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)


def _check_location(
    rows: pd.Index, geoms: np.ndarray, crs, geom_col: str, report: ValidationReport
) -> None:
    if len(geoms) == 0:
        return
    with np.errstate(all="ignore"):
        lon, lat = _lonlat(geoms, crs)
    inside = _inside(lon, lat)
    swapped = ~inside & _inside(lat, lon)
    report.add_rows(
        rows[swapped], geom_col, "error", "lonlat_swapped",
        "coordinates look like latitude/longitude in swapped order; swap x and y "
        "(e.g. shapely.ops.transform(lambda x, y: (y, x), geom)) or fix the CRS",
    )  # fmt: skip
    outside = ~inside & ~swapped
    report.add_rows(
        rows[outside], geom_col, "error", "outside_indonesia",
        [
            f"the geometry lies at lon {x:.4f}, lat {y:.4f}, outside Indonesia; check the CRS"
            for x, y in zip(lon[outside], lat[outside], strict=True)
        ],
    )  # fmt: skip


def _check_overlaps(
    rows: pd.Index, geoms: np.ndarray, crs, geom_col: str, report: ValidationReport
) -> None:
    polys = np.isin(shapely.get_type_id(geoms), [3, 6]) & shapely.is_valid(geoms)
    if polys.sum() < 2:
        return
    pos = np.flatnonzero(polys)
    tree = shapely.STRtree(geoms[pos])
    left, right = tree.query(geoms[pos], predicate="intersects")
    keep = left < right
    left, right = pos[left[keep]], pos[right[keep]]
    if len(left) == 0:
        return
    inter = shapely.intersection(geoms[left], geoms[right])
    ha = area_ha_array(inter, pyproj.CRS.from_user_input(crs))
    big = ha > OVERLAP_TOLERANCE_HA
    for i, j, a in zip(left[big], right[big], ha[big], strict=True):
        for a_row, b_row in ((rows[i], rows[j]), (rows[j], rows[i])):
            report.add(
                a_row, geom_col, "error", "overlap",
                f"overlaps unit at row {b_row!r} by {a:.4f} ha; overlapping units count "
                "those hectares twice: fix the boundaries",
            )  # fmt: skip


def _check_area(
    frame: gpd.GeoDataFrame,
    geoms: np.ndarray,
    present: np.ndarray,
    report: ValidationReport,
    measured_ha: np.ndarray | None,
) -> None:
    if "area_ha" not in frame.columns:
        return
    given = pd.to_numeric(frame["area_ha"], errors="coerce").to_numpy(dtype=float)
    measured = measured_ha
    if measured is None:
        measured = area_ha_array(geoms, pyproj.CRS.from_user_input(frame.crs))
    with np.errstate(all="ignore"):
        share = np.abs(given - measured) / measured
    off = present & np.isfinite(share) & (share > AREA_MISMATCH_SHARE)
    for row, g, m in zip(frame.index[off], given[off], measured[off], strict=True):
        report.add(
            row, "area_ha", "warning", "area_mismatch",
            params={"given": float(g), "measured": float(m), "share": AREA_MISMATCH_SHARE},
        )  # fmt: skip
