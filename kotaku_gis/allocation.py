"""Allocating completed works to units and criteria: the reductions table.

Each completed work is turned into reduction volumes per unit and criterion, following the
catalogue (:data:`kotaku_gis.INTERVENTION_KINDS`), which says which criteria a kind of work
reduces and in what measure:

``"m"`` (method ``line_length``)
    the metres of the work's line inside the unit (roads 2a/2b, drains 4b/4c);
``"ha"`` (method ``polygon_area``)
    the hectares of the work's service area inside the unit (inundation 4a, density 1b);
``"households"`` / ``"buildings"`` (method ``service_share``)
    the unit's households or buildings times the share of the unit's area that the service
    area covers (a public tap's 100 m disc covering 40 % of an RT with 60 households gives
    24 households for 3a and for 3b), times the work's capacity factor (below);
kinds counted per item (``Kind.by_volume``, e.g. rehab RTLH; method ``point_volume``)
    the work's volume goes whole to the unit that contains the point;
table rows with ``unit_id`` and ``criterion`` (method ``table``)
    taken as they are.

A kind reduces only the criteria it names: rows for the 2016 criteria 4d, 4e and 6c come
only from kinds that name them (a connecting channel, cleaning a drain, a waste collection
round; see :mod:`kotaku_gis.catalogue`), and scoring under the 2018 ruleset, which has no such
criteria, leaves them aside.

Overlaps
    Service areas that overlap are counted once (DESIGN §5), attributed in time order. For
    each unit and each criterion measured in hectares, households or buildings, the works of
    every kind that reduces the criterion are taken in order of ``(year, intervention_id)``,
    works without a year last (they count only when no year is asked for, as in
    :func:`kotaku_gis.assess`), ties by row. Each work claims only the part of its service
    area in the unit that earlier works have not claimed: with ``p_i`` the work's piece
    (service area ∩ unit) and ``u_{i-1}`` the union of the earlier pieces, its claim is
    ``area(u_{i-1} ∪ p_i) - area(u_{i-1})``. The claims of the works done by any year add up
    to the area of the union of their pieces, so :func:`kotaku_gis.assess` with ``year`` and
    :func:`kotaku_gis.progress` count each served household once in every year, and
    ``allocate(..., year=Y)`` gives the rows of ``allocate(...)`` done by ``Y``. Column
    ``overlap_share`` (0–1) is the part of the work's own piece that earlier works had
    already claimed: 0 without overlap, 1 for a work wholly inside earlier ones, which keeps
    its row, with volume 0, in the audit trail. Rows in metres, per item or from a table
    leave ``overlap_share`` blank: two lines rarely share their metres (a line along the
    shared edge of two units counts in both, as it serves both sides), and items and table
    rows have no area to overlap.

Capacity, and how it combines with the share
    A kind may carry a capacity (:attr:`Kind.capacity`): a public tap serves 200 people, a
    TPS 3R 200 households, a shared septic tank 10 households. For a work ``w`` with a
    capacity ``C_w``, its *reach* is computed from its own service area alone, before any
    overlap is claimed::

        own_w = Σ_units  (area of w's piece in the unit / area of the unit) × n_unit

    where ``n_unit`` is the unit's count in the capacity's measure: ``households``,
    ``buildings``, or people, which are the unit's ``penduduk`` where given and else its
    households × ``persons_per_household`` (3.9, BPS; see
    :data:`kotaku_gis.catalogue.PERSONS_PER_HOUSEHOLD`). A unit whose count is blank adds
    nothing to a reach (its own claims are not allocated either, and are reported). The
    work's factor is ``r_w = min(1, C_w / own_w)`` (1 without a capacity, or when the work
    reaches nobody). Overlaps are then claimed exactly as above, and every claim of ``w`` in
    households or buildings is multiplied by ``r_w``::

        volume(w, unit) = (claimed area / unit area) × n_unit × r_w

    So a work never serves more than its capacity (its claims are at most its own reach ×
    ``r_w`` ≤ ``C_w``), the claims stay linear in the pieces, and the rule is conservative:
    the part of an overlap that a capped earlier work cannot serve is not handed on to a
    later work. Hectare (``ha``), metre, per-item and table rows have no capacity factor.
    Column ``capacity_factor`` holds ``r_w`` on household and building rows (1.0 where no
    capacity applies) and is blank on the others.

    Worked example: a public tap (200 people) whose disc covers 40 % of RT A (100
    households, no ``penduduk``: 390 people) and 10 % of RT B (200 households: 780 people)
    reaches 0.4 × 390 + 0.1 × 780 = 234 people, so ``r = 200 / 234 = 0.8547``. It serves
    0.4 × 100 × 0.8547 = 34.19 households of A and 0.1 × 200 × 0.8547 = 17.09 of B for 3a
    and 3b: 51.28 households, 200 people. A second tap of 2023 on the same spot claims
    nothing (its piece is wholly claimed), even though A and B have households left: the
    overlap is not handed on.

Lengths and areas are measured in the local Lambert azimuthal equal-area frame of each unit's
quarter-degree cell (:mod:`kotaku_gis.crs`): areas are exact and lengths within 1.3e-6 of the
geodesic. Service areas are buffered in that frame, from the work projected into it, with the
arcs of :func:`kotaku_gis.service_areas`. The piece of each (work, unit) pair is cut once and
serves every criterion of the work; unions are built only where a unit and criterion has
several pieces that meet. The overlay engine does this a compact chunk of units at a time, on
a pool of threads (:class:`kotaku_gis.EngineSettings`); a unit's rows depend on nothing but
the unit and the works, so they are the same, to the last bit, whatever the chunks and
threads.

Which works, and what is reported
    Only completed works are allocated, and with ``year`` only those done by that year; the
    others are counted by reason in ``attrs["report"]`` (``works_left_out``: planned, in
    progress, cancelled, unrecognised status, after ``year``, no year).
    ``include_planned=True`` counts planned and in-progress works as done: a what-if, marked
    ``attrs["what_if"] = True``. Every allocated work keeps its ``intervention_id``; works
    that cannot be allocated (in no unit, unknown or ambiguous kind, no geometry and no
    ``unit_id``/``criterion``, unknown unit or criterion, blank volume) are listed in the
    report, and a denominator the units lack (``households``, ``buildings``) is named with
    the criteria and works it holds back (``missing_denominator``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import _engine as engine
from .catalogue import INTERVENTION_KINDS, PERSONS_PER_HOUSEHOLD, kind_problems
from .crs import require_crs
from .errors import InputError
from .interventions import is_prepared, prepare_interventions, select_works
from .rulesets import all_codes, criterion_units
from .schema import id_strings
from .validation_report import ValidationReport

__all__ = ["REDUCTION_COLUMNS", "allocate"]

#: The reductions table: each column, in order, and its dtype.
_SCHEMA: dict[str, object] = {
    "intervention_id": "string",
    "unit_id": "string",
    "criterion": "string",
    "volume": float,
    "measure": "string",
    "year": "Int64",
    "method": "string",
    "overlap_share": float,
    "capacity_factor": float,
    "kind": "string",
    "source_row": object,
}
#: Columns of the reductions table, in order.
REDUCTION_COLUMNS: tuple[str, ...] = tuple(_SCHEMA)

_SERVICE_COUNT = ("households", "buildings")


def allocate(
    units: pd.DataFrame,
    interventions: pd.DataFrame,
    *,
    year: int | None = None,
    radii: Mapping[str, float] | None = None,
    include_planned: bool = False,
    capacities: Mapping[str, float | tuple[float, str] | None] | None = None,
    persons_per_household: float = PERSONS_PER_HOUSEHOLD,
    settings: engine.EngineSettings | None = None,
) -> pd.DataFrame:
    """Turn completed works into reductions per unit and criterion (the audit trail).

    Parameters
    ----------
    units : GeoDataFrame or DataFrame
        Units with ``unit_id``, polygons for spatial works, and ``households`` /
        ``buildings`` (and ``penduduk``, for capacities in people) for the share-based
        criteria. The older order ``allocate(interventions, units)`` still works, with a
        ``DeprecationWarning``: the frame with ``unit_id`` and no ``kind`` is the units.
    interventions : DataFrame or GeoDataFrame
        Works as read by :func:`kotaku_gis.read_interventions` (raw frames with ``kind``,
        ``status``, ``year`` are prepared on the fly). Rows with ``unit_id`` and
        ``criterion`` are table rows and are taken as they are.
    year : int, optional
        Allocate only works completed by this year (``year <= year``).
    radii : mapping, optional
        Service radii in metres by kind key or category, overriding the catalogue.
    include_planned : bool, default False
        A what-if: count planned and in-progress works as done (not cancelled ones). The
        result carries ``attrs["what_if"] = True`` and a ``what_if`` report entry.
    capacities : mapping, optional
        Capacities by kind key or category, overriding the catalogue's: a number in the
        kind's own measure, a ``(number, measure)`` pair (measure ``"people"``,
        ``"households"`` or ``"buildings"``), or None for no capacity.
    persons_per_household : float, default 3.9
        Turns a capacity in people into households where a unit has no ``penduduk``.

    Returns
    -------
    DataFrame
        The reductions table: ``intervention_id``, ``unit_id``, ``criterion``, ``volume``
        (in the criterion's measure), ``measure`` (``m``, ``ha``, ``households``,
        ``buildings``), ``year``, ``method`` (``line_length``, ``polygon_area``,
        ``service_share``, ``point_volume``, ``table``), ``overlap_share`` (the part of the
        work's service area in the unit that earlier works had claimed, 0–1; blank for
        metres, items and table rows), ``capacity_factor`` (the work's ``r_w`` on household
        and building rows, 1.0 without a capacity; blank on the others), ``kind``
        (catalogue key) and ``source_row`` (the work's index label). Overlapping service
        areas are counted once, claimed in order of ``(year, intervention_id)``, undated
        works last; capacities cap what each work serves (see the module notes).
        ``attrs["report"]`` lists the works left out or not allocated and why;
        ``attrs["what_if"]`` says whether planned works were counted.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> laea = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"
    >>> units = gpd.GeoDataFrame({"unit_id": ["A", "B"], "households": [60, 40],
    ...     "buildings": [50, 30]},
    ...     geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)], crs=laea)
    >>> works = gpd.GeoDataFrame({"intervention_id": ["W1"], "kind": ["jalan_beton"],
    ...     "year": [2022], "status": ["selesai"]},
    ...     geometry=[shapely.LineString([(50, 50), (130, 50)])], crs=laea)
    >>> red = kg.allocate(units, works)
    >>> m = red[red["criterion"] == "2a"].set_index("unit_id")["volume"].round(1)
    >>> m.to_dict()
    {'A': 50.0, 'B': 30.0}

    Two public taps at the same spot serve the same households once; the earlier one claims
    them and the later one keeps a row of volume 0:

    >>> taps = gpd.GeoDataFrame({"intervention_id": ["T1", "T2"], "kind": ["hidran_umum"] * 2,
    ...     "year": [2021, 2020], "status": ["selesai"] * 2, "radius_m": [20.0, 20.0]},
    ...     geometry=[shapely.Point(50, 50)] * 2, crs=laea)
    >>> red = kg.allocate(units, taps)
    >>> cols = ["intervention_id", "volume", "overlap_share", "capacity_factor"]
    >>> red.loc[red["criterion"] == "3a", cols].round(2)
      intervention_id  volume  overlap_share  capacity_factor
    0              T1    0.00            1.0              1.0
    2              T2    7.53            0.0              1.0

    A tap for 200 people whose disc covers all of A (60 households, 234 people at 3.9 a
    household) serves 200 / 234 of them:

    >>> tap = taps.iloc[[0]].assign(radius_m=150.0)
    >>> row = kg.allocate(units.iloc[[0]], tap).query("criterion == '3a'").iloc[0]
    >>> round(float(row["capacity_factor"]), 4), round(float(row["volume"]), 2)
    (0.8547, 51.28)
    """
    units, interventions = _in_order(units, interventions)
    report = ValidationReport(what="allocation")
    works, ids, ucrs = _prepare_inputs(
        units, interventions, year=year, radii=radii, include_planned=include_planned,
        report=report,
    )  # fmt: skip
    capacity = _capacity_rules(capacities, persons_per_household)
    placed = _Placed.of(works, ucrs, report)
    table = _table_rows(works, np.flatnonzero(placed.table), ids, report)
    counts = engine.Counts.of(units, float(persons_per_household))
    drawn = _spatial_rows(works, placed, units, ucrs, counts, capacity, report, settings)
    out = _reductions(table, drawn, works, ids)
    out.attrs["report"] = report
    out.attrs["what_if"] = bool(include_planned)
    return out


# ---------------------------------------------------------------- phase 1: the inputs


def _in_order(first: pd.DataFrame, second: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units and interventions, whichever order they came in (the old order warns).

    The works are the frame with a ``kind`` column; the units have none.
    """
    for frame in (first, second):
        if not isinstance(frame, pd.DataFrame):
            raise InputError(
                "allocate needs the units and the interventions as (Geo)DataFrames: "
                "kg.allocate(units, interventions)."
            )

    def is_works(frame: pd.DataFrame) -> bool:
        return "kind" in frame.columns

    if is_works(first) and not is_works(second):
        warnings.warn(
            "kg.allocate(interventions, units) is the old order of the arguments; call "
            "kg.allocate(units, interventions), as coverage and remaining_area take them.",
            DeprecationWarning,
            stacklevel=3,
        )
        return second, first
    return first, second


def _prepare_inputs(
    units: pd.DataFrame,
    interventions: pd.DataFrame,
    *,
    year: int | None,
    radii: Mapping[str, float] | None,
    include_planned: bool,
    report: ValidationReport,
) -> tuple[pd.DataFrame, pd.Index, pyproj.CRS | None]:
    """The works that count, the units' ids and the units' CRS (None without geometry)."""
    if "unit_id" not in units.columns:
        raise InputError("units have no 'unit_id' column; the reductions name units by it.")
    if isinstance(interventions, gpd.GeoDataFrame) and interventions.active_geometry_name:
        require_crs(interventions.crs, name="the interventions layer")
    works = (
        prepare_interventions(interventions, report=report, radii=dict(radii) if radii else None)
        if radii or not is_prepared(interventions)
        else interventions
    )
    works = works[select_works(works, year=year, include_planned=include_planned, report=report)]
    ids = pd.Index(id_strings(units["unit_id"]))
    if ids.has_duplicates:
        raise InputError(
            f"unit_id values repeat ({ids[ids.duplicated()].unique().tolist()[:10]}); "
            "make them unique before allocating."
        )
    spatial_units = isinstance(units, gpd.GeoDataFrame) and units.active_geometry_name
    ucrs = require_crs(units.crs, name="the units layer") if spatial_units else None
    return works, ids, ucrs


def _capacity_rules(
    capacities: Mapping[str, float | tuple[float, str] | None] | None,
    persons_per_household: float,
) -> dict[str, tuple[float, str] | None]:
    """Each kind's capacity (size, measure), once the persons per household are checked."""
    capacity = engine.capacity_rules(capacities)
    if not (np.isfinite(persons_per_household) and persons_per_household > 0):
        raise InputError(
            f"persons_per_household must be a positive number, not {persons_per_household!r}."
        )
    return capacity


# ---------------------------------------------------------------- phase 2: which works go where


@dataclass
class _Placed:
    """The works sorted by how they are placed: table rows (``unit_id`` and ``criterion``)
    and works drawn on the map, with their geometry in the units' CRS."""

    geoms: np.ndarray
    table: np.ndarray
    spatial: np.ndarray

    @classmethod
    def of(cls, works: pd.DataFrame, ucrs: pyproj.CRS | None, report: ValidationReport) -> _Placed:
        geoms = _as_geoms(works, ucrs)
        located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        table = np.zeros(len(works), dtype=bool)
        if "unit_id" in works.columns and "criterion" in works.columns:
            table = (works["unit_id"].notna() & works["criterion"].notna()).to_numpy()
        spatial = _report_unplaced(works, located, table, report)
        if spatial.any() and ucrs is None:
            raise InputError(
                f"the units are a table without geometry, so {int(spatial.sum())} work(s) "
                "drawn on the map cannot be placed in them; join the table to its polygons "
                "first (kg.join_r0(table, 'rt.gpkg')), or give those works as table rows "
                "with unit_id and criterion."
            )
        _report_category_kinds(works[spatial | table], report)
        return cls(geoms, table, spatial)


def _as_geoms(frame: pd.DataFrame, crs: pyproj.CRS | None) -> np.ndarray:
    if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
        return np.full(len(frame), None, dtype=object)
    geo = frame.geometry
    if crs is not None and geo.crs is not None and not pyproj.CRS(geo.crs).equals(crs):
        geo = geo.to_crs(crs)
    return np.asarray(geo.array, dtype=object)


def _report_unplaced(
    works: pd.DataFrame, located: np.ndarray, is_table: np.ndarray, report: ValidationReport
) -> np.ndarray:
    """Report works without a place or a known kind; the mask of the spatial works left."""
    nowhere = ~is_table & ~located
    if nowhere.any():
        report.add_rows(
            works.index[nowhere], "geometry", "warning", "unlocated",
            "no geometry and no unit_id/criterion, so the work cannot be placed in a unit; "
            "not allocated",
        )  # fmt: skip
    unknown = ~is_table & located & works["kind_key"].isna().to_numpy()
    if unknown.any():
        report.add_rows(
            works.index[unknown], "kind", "warning", "unknown_kind",
            [f"{msg}; not allocated" for msg in kind_problems(works["kind"][unknown])],
        )  # fmt: skip
    return ~is_table & located & ~unknown


def _report_category_kinds(works: pd.DataFrame, report: ValidationReport) -> None:
    """Say where a work named only by its category takes the category's whole package."""
    split = {"persampahan"}  # categories whose activities split the category's criteria
    named = works["kind_key"].isin(list(split)).fillna(False).to_numpy(dtype=bool)
    if named.any():
        report.add(
            None, "kind", "info", "category_kind",
            f"{int(named.sum())} work(s) are named only by a category ({', '.join(sorted(split))}) "
            "and reduce all its criteria (6a and 6b); name the activity (e.g. 'gerobak_sampah', "
            "'bak_sampah') to credit only what it serves",
        )  # fmt: skip


@dataclass
class _Classes:
    """How each spatial work is measured: per item (the unit holding its point), in metres
    of its line, on its service area; reporting works that cannot be measured as asked."""

    by_volume: np.ndarray
    lines: np.ndarray
    services: np.ndarray

    @classmethod
    def of(cls, sw: pd.DataFrame, sg: np.ndarray, report: ValidationReport) -> _Classes:
        keys = sw["kind_key"].astype(object)
        by_volume = keys.map(engine.KIND_BY_VOLUME).to_numpy(dtype=bool)
        wants_m = keys.map(engine.KIND_HAS_METRES).to_numpy(dtype=bool) & ~by_volume
        services = keys.map(engine.KIND_HAS_SERVICE).to_numpy(dtype=bool) & ~by_volume
        dims = shapely.get_dimensions(sg)
        radius = sw["radius_m"].to_numpy(dtype=float)
        for mask, column, check, message in (
            (wants_m & (dims != 1), "geometry", "no_line",
             "metre criteria (e.g. 2a/2b, 4b/4c) need the work drawn as a line; only its "
             "other criteria were allocated"),
            (services & (radius <= 0) & (dims < 2), "radius_m", "no_service_area",
             "radius 0 on a point or line gives no service area; its household, building "
             "and hectare criteria were not allocated"),
        ):  # fmt: skip
            if mask.any():
                report.add_rows(sw.index[mask], column, "info", check, message)
        return cls(by_volume, wants_m & (dims == 1), services)


# ---------------------------------------------------------------- phase 3: rows by kind of place


@dataclass
class _Table:
    """Reductions given as a table, with each row's work (among all the works) and unit."""

    frame: pd.DataFrame
    work: np.ndarray
    unit: np.ndarray


def _table_rows(
    works: pd.DataFrame, at: np.ndarray, ids: pd.Index, report: ValidationReport
) -> _Table | None:
    """Rows given as a table (``unit_id``, ``criterion``, ``volume``), taken as they are;
    ``at`` are the positions of such works."""
    if len(at) == 0:
        return None
    works = works.iloc[at]
    crit = works["criterion"].astype("string").str.strip().str.lower()
    uid = id_strings(works["unit_id"])
    vol = pd.to_numeric(works["volume"], errors="coerce").astype(float)
    known_crit = crit.isin(all_codes()).fillna(False).to_numpy(dtype=bool)
    unit = ids.get_indexer(uid)
    known_unit = unit >= 0
    good_vol = (vol.notna() & (vol >= 0)).to_numpy()
    for mask, col, check, msg in (
        (~known_unit, "unit_id", "unknown_unit", "unit_id {u!r} is not among the units"),
        (~known_crit, "criterion", "unknown_criterion", "criterion {c!r} is not a known code"),
        (~good_vol, "volume", "bad_volume", "volume is blank or negative"),
    ):
        if mask.any():
            report.add_rows(
                works.index[mask], col, "warning", check,
                [msg.format(u=u, c=c) + "; not allocated"
                 for u, c in zip(uid[mask], crit[mask], strict=True)],
            )  # fmt: skip
    keep = known_crit & known_unit & good_vol
    units_of = criterion_units()
    rows = works[keep]
    frame = _rows(
        intervention_id=rows["intervention_id"].to_numpy(),
        unit_id=uid[keep].to_numpy(),
        criterion=crit[keep].to_numpy(),
        volume=vol[keep].to_numpy(),
        measure=crit[keep].map(units_of).to_numpy(),
        year=rows["year"].to_numpy(),
        method="table",
        overlap_share=np.nan,
        capacity_factor=np.nan,
        kind=rows["kind_key"].to_numpy(),
        source_row=rows.index.to_numpy(),
    )
    return _Table(frame, at[keep], unit[keep])


#: How a row was measured (column ``method``), by code.
_METHODS = ("point_volume", "line_length", "polygon_area", "service_share")


@dataclass
class _Rows:
    """Reductions of works drawn on the map, as positions and codes: the work among the
    spatial works, the unit, the entry of the kinds' criteria (the engine's kind table) and the
    method (:data:`_METHODS`)."""

    w: np.ndarray
    u: np.ndarray
    entry: np.ndarray
    volume: np.ndarray
    method: np.ndarray
    overlap_share: np.ndarray | float = np.nan
    capacity_factor: np.ndarray | float = np.nan

    @classmethod
    def empty(cls) -> _Rows:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, none, np.zeros(0), none.astype(np.int8))

    @classmethod
    def concat(cls, parts: list[_Rows]) -> _Rows:
        def join(name: str) -> np.ndarray:
            return np.concatenate(
                [np.broadcast_to(np.asarray(getattr(p, name), dtype=float), len(p))
                 if not isinstance(getattr(p, name), np.ndarray) else getattr(p, name)
                 for p in parts]
            )  # fmt: skip

        return cls(*(join(f) for f in cls.__dataclass_fields__))

    def __len__(self) -> int:
        return len(self.w)

    def take(self, keep: np.ndarray) -> _Rows:
        def part(x: np.ndarray | float) -> np.ndarray | float:
            return x[keep] if isinstance(x, np.ndarray) else x

        return _Rows(*(part(getattr(self, f)) for f in self.__dataclass_fields__))


def _spatial_rows(
    works: pd.DataFrame,
    placed: _Placed,
    units: gpd.GeoDataFrame,
    ucrs: pyproj.CRS | None,
    counts: engine.Counts,
    capacity: dict[str, tuple[float, str] | None],
    report: ValidationReport,
    settings: engine.EngineSettings | None,
) -> _Rows:
    """Rows of the works drawn on the map: items, lines, service areas (``w``: positions
    among all the works); report what misses.

    Lines and service areas are measured by the engine chunk by chunk, on threads
    (:class:`kotaku_gis.EngineSettings`); items are placed in the unit holding their point.
    """
    spatial = np.flatnonzero(placed.spatial)
    if len(spatial) == 0:
        return _Rows.empty()
    sw, sg = works.iloc[spatial], placed.geoms[spatial]
    layer = engine.UnitLayer(np.asarray(units.geometry.array, dtype=object), ucrs, settings)
    classes = _Classes.of(sw, sg, report)
    kt = engine.kind_table()
    kind_key = sw["kind_key"].to_numpy(dtype=object)
    by_metres = (kt["measure"] == "m").to_numpy()
    by_item = kt["by_volume"].to_numpy()
    items_at = np.flatnonzero(classes.by_volume)
    lines_at = np.flatnonzero(classes.lines)
    svc_at = np.flatnonzero(classes.services)
    items, item_hit = _item_rows(
        sw.iloc[items_at], sg[items_at], layer, _criteria_of(kind_key[items_at], kt, by_item)
    )
    measured = engine.measure(
        layer,
        engine.Works.from_frame(sw.iloc[lines_at].assign(radius_m=0.0)),
        engine.Works.from_frame(sw.iloc[svc_at]),
        _criteria_of(kind_key[svc_at], kt, ~by_metres & ~by_item),
        engine.claiming_order(sw)[svc_at],
    )
    lines = _line_rows(measured, _criteria_of(kind_key[lines_at], kt, by_metres))
    services = _service_rows(measured, kind_key[svc_at], kt, counts, capacity)
    hit = np.zeros(len(sw), dtype=bool)
    hit[items_at[item_hit]] = True
    hit[lines_at[measured.line_w]] = True
    hit[svc_at[measured.piece_w]] = True
    outside = ~hit & (classes.by_volume | classes.lines | classes.services)
    if outside.any():
        report.add_rows(
            sw.index[outside], "geometry", "warning", "outside_units",
            "the work lies in no unit (or its service area touches none); not allocated",
        )  # fmt: skip
    got = []
    for rows, at in ((items, items_at), (lines, lines_at), (services, svc_at)):
        rows.w = at[rows.w]
        got.append(rows)
    got[2] = _report_missing_counts(got[2], sw, kt, counts, report)
    rows = _Rows.concat([_report_blank_volumes(rows, sw, report) for rows in got])
    rows.w = spatial[rows.w]
    return rows


def _criteria_of(kind_key: np.ndarray, table: pd.DataFrame, wanted: np.ndarray) -> engine.Criteria:
    """Each work's ``wanted`` rows of ``table``, the criteria of its kind."""
    sub = np.flatnonzero(wanted)
    keys = table["kind_key"].to_numpy(dtype=object)[sub]
    kinds = pd.Categorical(kind_key, categories=sorted(set(keys)))
    code = kinds.codes.astype(np.int64)
    rows_of = [sub[keys == k] for k in kinds.categories]
    kind_ptr = np.r_[0, np.cumsum([len(r) for r in rows_of])].astype(np.int64)
    kind_rows = np.concatenate([*rows_of, np.zeros(0, dtype=np.int64)])
    count = np.where(code >= 0, np.diff(kind_ptr)[np.maximum(code, 0)], 0)
    start = np.where(code >= 0, kind_ptr[np.maximum(code, 0)], 0)
    ptr = np.r_[0, np.cumsum(count)].astype(np.int64)
    rows = kind_rows[engine.ranges(start, count)]
    criterion = pd.factorize(table["criterion"].to_numpy(dtype=object))[0].astype(np.int64)
    return engine.Criteria(ptr, rows, criterion)


def _expand(
    w: np.ndarray, u: np.ndarray, volume: np.ndarray, criteria: engine.Criteria, method: str
) -> _Rows:
    """One row per (work, unit) pair and criterion of the work's kind."""
    counts = criteria.ptr[w + 1] - criteria.ptr[w]
    pair = np.repeat(np.arange(len(w)), counts)
    entry = criteria.entry[engine.ranges(criteria.ptr[w], counts)]
    code = np.full(len(pair), _METHODS.index(method), dtype=np.int8)
    return _Rows(w[pair], u[pair], entry, volume[pair], code)


def _item_rows(
    works: pd.DataFrame, geoms: np.ndarray, layer: engine.UnitLayer, criteria: engine.Criteria
) -> tuple[_Rows, np.ndarray]:
    """Whole volumes to the unit containing each work's point; returns rows and hit mask."""
    hit = np.zeros(len(works), dtype=bool)
    w = u = np.zeros(0, dtype=np.int64)
    if len(works):
        placed = np.zeros(len(layer), dtype=bool)
        for chunk in layer.chunks:
            placed[chunk.positions] = True
        tree = shapely.STRtree(np.where(placed, layer.geoms, None))
        w, u = tree.query(shapely.point_on_surface(geoms), predicate="intersects")
        # A point on a shared edge touches two units: the first one takes it, not both.
        first = np.unique(w, return_index=True)[1]
        w, u = w[first], u[first]
        hit[w] = True
    vol = pd.to_numeric(works["volume"], errors="coerce").to_numpy(dtype=float)
    return _expand(w, u, vol[w], criteria, "point_volume"), hit


def _line_rows(m: engine.Measured, criteria: engine.Criteria) -> _Rows:
    """Metres of each line in each unit, for every metre criterion of its kind."""
    return _expand(m.line_w, m.line_u, m.metres, criteria, "line_length")


def _service_rows(
    m: engine.Measured,
    kind_key: np.ndarray,
    kt: pd.DataFrame,
    counts: engine.Counts,
    capacity: dict[str, tuple[float, str] | None],
) -> _Rows:
    """Hectare and share rows of the service areas, from the claims the engine measured."""
    unit_m2 = m.unit_m2[m.piece_u]
    own_share = np.minimum(
        np.divide(m.piece_m2, unit_m2, out=np.zeros(len(unit_m2)), where=unit_m2 > 0), 1.0
    )
    factor = engine.capacity_factors(m.piece_w, m.piece_u, own_share, kind_key, counts, capacity)
    ww = m.piece_w[m.row_piece]
    uu = m.piece_u[m.row_piece]
    claim = m.row_claim_m2
    own = m.piece_m2[m.row_piece]
    measure_of = kt["measure"].to_numpy(dtype=object)
    area = m.unit_m2[uu]
    vol = np.full(len(ww), np.nan)
    cap = np.full(len(ww), np.nan)
    is_ha = (measure_of == "ha")[m.row_criterion]
    vol[is_ha] = claim[is_ha] / 10_000.0
    share = np.minimum(np.divide(claim, area, out=np.zeros(len(ww)), where=area > 0), 1.0)
    for col in _SERVICE_COUNT:
        sel = (measure_of == col)[m.row_criterion]
        cap[sel] = factor[ww[sel]]
        n = counts[col]
        if sel.any() and n is not None:
            vol[sel] = share[sel] * n[uu[sel]] * factor[ww[sel]]
    method = np.where(is_ha, _METHODS.index("polygon_area"), _METHODS.index("service_share"))
    return _Rows(
        ww, uu, m.row_criterion, vol, method.astype(np.int8),
        overlap_share=np.clip(1.0 - claim / own, 0.0, 1.0), capacity_factor=cap,
    )  # fmt: skip


def _report_missing_counts(
    rows: _Rows, sw: pd.DataFrame, kt: pd.DataFrame, counts: engine.Counts, report: ValidationReport
) -> _Rows:
    """Name the denominators the units lack, or leave blank, and drop the rows they hold back."""
    measure = kt["measure"].to_numpy(dtype=object)[rows.entry]
    keep = ~np.isnan(rows.volume)
    for col in _SERVICE_COUNT:
        sel = (measure == col) & ~keep
        if not sel.any():
            continue
        w = rows.w[sel]
        criterion = kt["criterion"].to_numpy(dtype=object)[rows.entry[sel]]
        codes = "/".join(sorted(set(criterion.astype(str))))
        kinds = ", ".join(
            INTERVENTION_KINDS[k].name for k in sorted(set(sw["kind_key"].to_numpy()[w]))
        )
        n_works = len(np.unique(w))
        if counts[col] is None:
            report.add(
                None, col, "error", "missing_denominator",
                f"units have no {col!r} column, so {codes} of {n_works} work(s) ({kinds}) "
                f"could not be allocated; add {col!r} (the number of {col} of each unit) to "
                "the units",
            )  # fmt: skip
        else:
            units_blank = len(np.unique(rows.u[sel]))
            report.add(
                None, col, "warning", "blank_denominator",
                f"{units_blank} unit(s) have a blank {col!r}, so {codes} of {n_works} work(s) "
                f"({kinds}) in them could not be allocated; fill in {col!r} for those units",
            )  # fmt: skip
    return rows.take(keep)


def _report_blank_volumes(rows: _Rows, sw: pd.DataFrame, report: ValidationReport) -> _Rows:
    """Report and drop rows without a volume (an item whose volume is blank)."""
    bad = np.isnan(rows.volume)
    if bad.any():
        report.add_rows(
            sw.index[np.unique(rows.w[bad])], "volume", "warning", "bad_volume",
            "the work has no volume (none given, none measured from its geometry); its "
            "per-item criteria were not allocated: fill in its volume",
        )  # fmt: skip
    return rows.take(~bad)


# ---------------------------------------------------------------- phase 4: the reductions table


def _rows(**columns: object) -> pd.DataFrame:
    """Reductions from one array (or scalar) per column of the table, every column given."""
    missing = set(_SCHEMA).symmetric_difference(columns)
    if missing:  # a programming error, not bad input
        raise AssertionError(f"reduction rows need exactly the columns {list(_SCHEMA)}")
    return pd.DataFrame({c: columns[c] for c in _SCHEMA})


def _reductions(
    table: _Table | None, rows: _Rows, works: pd.DataFrame, ids: pd.Index
) -> pd.DataFrame:
    """The reductions table: the table rows, then the rows measured on the map, sorted by
    intervention, unit and criterion (then by work, for works that share an id).

    The rows of the map are positions and codes until here: each column is taken once, in
    sorted order, from the labels it draws on (works, units, the kinds' criteria), so the
    table is built in one pass, without a label per row in between.
    """
    kt = engine.kind_table()
    if table is None:
        none = np.zeros(0, dtype=np.int64)
        table = _Table(pd.DataFrame({c: pd.Series(dtype=d) for c, d in _SCHEMA.items()}),
                       none, none)  # fmt: skip
    t = table.frame
    n_t = len(t)
    rank_of_code = {c: i for i, c in enumerate(sorted(all_codes()))}
    work = np.concatenate([table.work, rows.w])
    unit = np.concatenate([table.unit, rows.u])
    criterion = np.concatenate(
        [t["criterion"].map(rank_of_code).to_numpy(dtype=np.int64),
         kt["criterion"].map(rank_of_code).to_numpy(dtype=np.int64)[rows.entry]]
    )  # fmt: skip
    order = np.lexsort(
        (work, criterion, _ranks(pd.Series(ids))[unit], _ranks(works["intervention_id"])[work])
    )

    def taken(given: object, labels: object, codes: np.ndarray, dtype: object) -> object:
        """The table's values, then the labels by code, in sorted order."""
        both = np.concatenate([np.asarray(given, dtype=object), np.asarray(labels, dtype=object)])
        at = np.concatenate([np.arange(n_t), n_t + codes])[order]
        return both[at] if dtype is object else pd.array(both, dtype=dtype).take(at)

    def numbers(given: pd.Series, measured: np.ndarray | float) -> np.ndarray:
        measured = np.broadcast_to(np.asarray(measured, dtype=float), len(rows))
        return np.concatenate([given.to_numpy(dtype=float), measured])[order]

    return _rows(
        intervention_id=taken(t["intervention_id"], works["intervention_id"], rows.w, "string"),
        unit_id=taken(t["unit_id"], ids, rows.u, "string"),
        criterion=taken(t["criterion"], kt["criterion"], rows.entry, "string"),
        volume=numbers(t["volume"], rows.volume),
        measure=taken(t["measure"], kt["measure"], rows.entry, "string"),
        year=taken(t["year"], works["year"], rows.w, "Int64"),
        method=taken(t["method"], _METHODS, rows.method.astype(np.int64), "string"),
        overlap_share=numbers(t["overlap_share"], rows.overlap_share),
        capacity_factor=numbers(t["capacity_factor"], rows.capacity_factor),
        kind=taken(t["kind"], works["kind_key"], rows.w, "string"),
        source_row=taken(t["source_row"], works.index, rows.w, object),
    ).astype(_SCHEMA)


def _ranks(labels: pd.Series) -> np.ndarray:
    """The rank of each label in sorted order of the text, missing ones last."""
    codes, uniques = pd.factorize(labels.astype("string"), sort=True)
    return np.where(codes < 0, len(uniques), codes)
