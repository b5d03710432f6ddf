"""Planning with a budget: what-if scenarios and the exact optimum of candidate works.

:func:`plan` chooses, among candidate works with costs, the set that takes the most slum
hectares off the list within a budget; :func:`scenario` evaluates a hand-picked set (the
"simulasi" of the programme's web apps). Both return a :class:`Plan`.

What a plan does, by definition
-------------------------------
The after-state of a set of works is what :func:`kotaku_gis.allocate` and
:func:`kotaku_gis.assess` (``reductions=``) give for it: the completed works (``works``,
done by ``year``) first, then the chosen candidates, all placed in the plan year (``year +
1``), so they claim overlapping service areas after every existing work and among themselves
in order of ``intervention_id``. ``Plan.units``, ``Plan.reductions`` and
``Plan.slum_ha_after`` are exactly that evaluation of ``Plan.selected``; the optimiser below
is a model of it, checked against it after every solve.

The model (a mixed-integer programme)
-------------------------------------
Notation: ``x_w`` (binary) selects candidate ``w``; a *row* is a unit ``u`` and a criterion
``c`` that some candidate reduces.

*Reductions are linear in the pieces.* Metres of a line inside a unit, the volume of a work
counted per item and table rows of a unit and criterion add up: they enter as ``a_{w,u,c}
x_w``, with ``a`` taken from :func:`kotaku_gis.allocate` of the candidates. Service areas
(hectares, households, buildings) overlap: inside each unit the pieces of the candidates'
service areas are split into the faces of their overlay arrangement, and from each face the
part already served by an existing work that claims before every candidate is taken off (it
is claimed whatever the plan). What remains of a face is claimed, for criterion ``c``, by the
first selected work covering it in claiming order; its reduction is the face's hectares
(``ha``) or its share of the unit's area times the unit's households or buildings, times the
work's capacity factor ``r_w = min(1, capacity_w / reach_w)`` (1 for works without a
capacity, and for hectares). With one factor along a face's works the reduction is
``area x r x y`` with ``y <= sum of x_w`` over the works covering the face (``y <= 1``): the
model never counts more than the works serve and, since a larger reduction never raises a
score, the optimum takes ``y`` as large as the selection allows. Where factors differ, the
claim of each work is modelled exactly: ``f_w = 1`` iff ``w`` is the first selected work of
the face (``f_w <= x_w``, ``f_w <= 1 - x_v`` and ``f_w >= x_w - sum x_v`` over the works
``v`` before it). Existing works that claim after some candidate (works without a year when
no year is asked for) are kept in the arrangement as works always selected.

*Scores are indicator constraints on volumes.* Assess clamps a volume to its denominator
``d``, takes the reductions off (never below 0) and rounds the percentage half-up to two
decimals; a score band with minimum ``T`` (25, 51, 76 %) is met iff the remaining volume is at
least the *cut* ``k_T(d)``: the smallest volume whose rounded percentage is at least ``T``,
found exactly by bisection on the floating-point numbers with the same rounding function
(:func:`kotaku_gis.scoring.round_half_up`). So with ``rem`` the volume left after the
existing works, the band is left (binary ``h = 0``) only if the candidates reduce at least
``need = rem - k_T(d) + eps`` (``eps = 2e-6 d``, a margin above the solver's tolerances that
makes the model err, if ever, towards the unit staying where it is)::

    sum of the row's reductions + need x h >= need          (divided by need in the model)

Bands that no selection can leave are constants; bands already below are absent.

*Levels are indicator constraints on totals.* With ``T0`` the unit's total after the existing
works and ``D_j`` the points of band ``j``, a level threshold ``t`` (16, 38, 60) is left
(binary ``L = 0``) only if ``T0 - sum D_j (1 - h_j) <= t - 1``, written with the tight
``M = T0 - t + 1``.

*Objectives* (maximised, as the improvement over the state without candidates):
``"slum_ha"`` the hectares of units that leave the slum list, ``sum area_u (1 - L_u,16)``;
``"weighted_ha"`` hectares weighted by level (``weights``, by default berat 3, sedang 2,
ringan 1, tidak kumuh 0: a unit going from berat to ringan gains 2 x its hectares);
``"score"`` total score points x hectares, ``sum area_u D_j (1 - h_j)``.

*Constraints*: the budget (``sum cost_w x_w <= budget``), budgets per group of candidates
(e.g. per kota), works that must or must not be chosen, and at most one work of each group
of alternatives.

*Reduction.* Units no candidate reaches are constants; for ``"slum_ha"`` and
``"weighted_ha"`` units whose level cannot change even with every candidate are left out (so
are their bands), and candidates that reach no unit left in the model are not chosen.
After the solve, chosen works whose removal costs nothing in the objective are dropped, the
most expensive first, so no money is spent on a work that frees nothing.

The solver
----------
HiGHS (through ``highspy``), chosen by measurement against OR-Tools on the province benchmark
(``benchmarks/bench_plan.py``: 10,000 units, the works already built, 2,000 candidates; the
same programme given to each solver on 2 shared cores; ``benchmarks/RESULTS.md``): HiGHS
reached the 1 % gap in 1.4 s and proved the optimum in 1.7 s; SCIP (OR-Tools ``pywraplp``)
took 2.4 s and 9.0 s; CP-SAT, which needs integer coefficients and scales the fractional
hectares and households, was still 5 % from its bound after 120 s. ``highspy`` is also the
small dependency: a 3 MB wheel that needs only numpy (OR-Tools is some 80 MB with protobuf).
The programme is built once as sparse arrays and handed to HiGHS in one call. The point it
returns is checked against every row and the objective it reports; should it fail (HiGHS's
presolve has had such defects), the programme is solved again without presolve. No start
solution is given: with presolve, HiGHS 1.16 was seen to report the objective of a better
point while returning the start.

Greedy, for comparison: repeatedly the affordable candidate with the largest gain in the
objective per rupiah, given the works already chosen, until no affordable candidate gains
anything. Its choice is returned in ``Plan.greedy`` (and kept should the solver find nothing).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ._engine import (
    KIND_BY_VOLUME,
    KIND_HAS_SERVICE,
    Counts,
    UnitLayer,
    Works,
    capacity_factors,
    capacity_rules,
    claiming_order,
    kind_table,
    service_pieces,
)
from ._frames import unit_hectares
from .allocation import allocate
from .catalogue import INTERVENTION_KINDS, PERSONS_PER_HOUSEHOLD
from .crs import lonlat_bounds, require_crs
from .errors import InputError, reject_dask
from .interventions import completed_by, is_prepared, prepare_interventions
from .ledger import summarize
from .rulesets import DEFAULT_RULESET, NOT_SLUM, Ruleset, get_ruleset
from .schema import ADMIN_COLUMNS, before_column, id_strings, pct_column, score_column
from .scoring import as_year, assess, round_half_up
from .validation_report import ValidationReport

__all__ = ["LEVEL_WEIGHTS", "OBJECTIVES", "Plan", "plan", "scenario"]

#: The objectives :func:`plan` maximises.
OBJECTIVES: tuple[str, ...] = ("slum_ha", "weighted_ha", "score")
#: Default weights of ``objective="weighted_ha"``: hectares count more the worse their level.
LEVEL_WEIGHTS: Mapping[str, float] = {
    "kumuh berat": 3.0,
    "kumuh sedang": 2.0,
    "kumuh ringan": 1.0,
    "tidak kumuh": 0.0,
}
#: Keys of ``constraints``.
CONSTRAINT_KEYS: tuple[str, ...] = ("include", "exclude", "alternatives", "budgets")
#: Margin of the band constraints, as a share of the denominator (see the module notes).
_EPS_SHARE = 2e-6
#: Pieces of service areas (m²) below this are float noise of the overlays.
_NEGLIGIBLE_M2 = 1e-4
_SERVICE_MEASURES = ("ha", "households", "buildings")


# ---------------------------------------------------------------- the result


@dataclass
class Plan:
    """A set of works and what it does: chosen by :func:`plan` or by hand (:func:`scenario`).

    Attributes
    ----------
    selected : DataFrame
        The chosen works (candidate rows, their index kept) with ``cost``, ``units_served``
        (units where the work has a reduction), ``units_left`` and ``ha_left`` (of those,
        the units that leave the slum list under the plan, and their hectares) and
        ``marginal_gain`` (what the objective loses if this work alone is dropped).
    cost : float
        Total cost of ``selected``.
    slum_ha_before, slum_ha_after : float
        Slum hectares after the existing works, and after the existing works and ``selected``
        (:func:`kotaku_gis.summarize` of the evaluation).
    units : DataFrame or GeoDataFrame
        The units assessed after the plan (:func:`kotaku_gis.assess` output) with
        ``level_before`` and ``total_score_before`` (after the existing works only) and
        ``leaves_list`` (slum before, not after).
    reductions : DataFrame
        The audit trail: :func:`kotaku_gis.allocate` of the existing works and ``selected``.
    gap : float
        The solver's proven relative optimality gap (0 when proven optimal; 0 for a
        scenario).
    status : str
        ``"optimal"``, ``"time_limit"`` (best plan found, gap open), ``"nothing_to_gain"``
        (no candidate can change the objective) or ``"scenario"``.
    objective : str
        The objective maximised (``"slum_ha"``, ``"weighted_ha"``, ``"score"``).
    gain : float
        The objective's improvement by ``selected`` (hectares freed for ``"slum_ha"``).
    bound : float
        The solver's proven upper bound on ``gain``.
    budget : float or None
        The budget.
    greedy : dict or None
        The greedy baseline for the same budget and constraints: ``selected`` (ids),
        ``cost``, ``gain`` and ``slum_ha_after``.
    solver : str
        Solver and version.
    seconds : float
        Wall-clock seconds of the whole call.
    model : dict
        Size of the model: candidates, units, rows, variables, constraints.
    report : ValidationReport
        Candidates left out and why, units that cannot be planned, notes.
    baseline : DataFrame or GeoDataFrame
        The units assessed after the existing works only (the state the plan starts from).
    """

    selected: pd.DataFrame
    cost: float
    slum_ha_before: float
    slum_ha_after: float
    units: pd.DataFrame
    reductions: pd.DataFrame
    gap: float
    status: str
    objective: str = "slum_ha"
    gain: float = 0.0
    bound: float = 0.0
    budget: float | None = None
    greedy: dict[str, Any] | None = None
    solver: str = ""
    seconds: float = 0.0
    model: dict[str, int] = field(default_factory=dict)
    report: ValidationReport = field(default_factory=lambda: ValidationReport(what="plan"))
    baseline: pd.DataFrame | None = None

    @property
    def reduced_ha(self) -> float:
        """Slum hectares taken off the list by the plan (before - after)."""
        return self.slum_ha_before - self.slum_ha_after

    @property
    def units_left(self) -> pd.DataFrame:
        """The units that leave the slum list under the plan."""
        return self.units[self.units["leaves_list"].to_numpy(dtype=bool)]

    def to_dict(self) -> dict[str, Any]:
        """The plan's figures as plain values (what ``plan.json`` holds; no gap is ``None``)."""
        ids = self.selected["intervention_id"].astype(str).tolist()

        def finite(v: float | None) -> float | None:
            return None if v is None or not np.isfinite(v) else float(v)

        return {
            "status": self.status,
            "objective": self.objective,
            "budget": self.budget,
            "cost": self.cost,
            "selected": ids,
            "slum_ha_before": self.slum_ha_before,
            "slum_ha_after": self.slum_ha_after,
            "reduced_ha": self.reduced_ha,
            "units_left": int(self.units["leaves_list"].sum()),
            "gain": self.gain,
            "bound": finite(self.bound),
            "gap": finite(self.gap),
            "greedy": self.greedy,
            "solver": self.solver,
            "seconds": self.seconds,
            "model": self.model,
        }

    def table(self) -> pd.DataFrame:
        """The chosen works as a plain table (no geometry), as ``plan.csv`` holds them."""
        out = pd.DataFrame(self.selected.drop(columns=self._geometry_columns(self.selected)))
        first = ["intervention_id", "kind", "cost", "units_served", "units_left", "ha_left",
                 "marginal_gain"]  # fmt: skip
        return out[[c for c in first if c in out] + [c for c in out if c not in first]]

    @staticmethod
    def _geometry_columns(frame: pd.DataFrame) -> list[str]:
        if isinstance(frame, gpd.GeoDataFrame):
            return [c for c in frame.columns if isinstance(frame[c].dtype, gpd.array.GeometryDtype)]
        return []

    def write(self, folder: str | Path, *, title: str | None = None) -> list[Path]:
        """Write the plan: ``plan.xlsx``, ``plan.csv``, ``plan_reductions.csv`` (the audit
        trail), ``plan_map.html`` (chosen works, levels before and after, units that leave the
        list; units with polygons only) and ``plan.json``. Returns the paths written.
        """
        import json

        import openpyxl

        from .io import atomic_path
        from .reports import frame_to_sheet, write_csv

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        table = self.table()
        written = [
            write_csv(table, folder / "plan.csv"),
            write_csv(self.reductions, folder / "plan_reductions.csv"),
        ]
        left = pd.DataFrame(self.units_left.drop(columns=self._geometry_columns(self.units)))
        names = ("unit_id", *ADMIN_COLUMNS[:3], "area_ha", before_column("level"),
                 before_column("total_score"), "level", "total_score")  # fmt: skip
        keep = [c for c in names if c in left.columns]
        summary = pd.DataFrame(
            [(k, v if not isinstance(v, (list, dict)) else json.dumps(v, default=str))
             for k, v in self.to_dict().items() if k != "selected"],
            columns=["figure", "value"],
        ).astype({"value": str})  # fmt: skip
        wb = openpyxl.Workbook(write_only=True)
        caption = title or f"Rencana: {len(table)} pekerjaan, biaya {self.cost:,.0f}"
        frame_to_sheet(wb, "rencana", table, caption=caption, text_columns=["intervention_id"])
        frame_to_sheet(wb, "unit_keluar", left[keep], caption="Unit yang keluar dari daftar kumuh")
        frame_to_sheet(wb, "ringkasan", summary, caption="Ringkasan rencana")
        with atomic_path(folder / "plan.xlsx") as tmp:
            wb.save(tmp)
        written.append(folder / "plan.xlsx")
        if (
            self.baseline is not None
            and isinstance(self.units, gpd.GeoDataFrame)
            and self.units.active_geometry_name is not None
        ):
            written.append(self._write_map(folder / "plan_map.html", title))
        with atomic_path(folder / "plan.json") as tmp:
            Path(tmp).write_text(
                json.dumps(self.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
            )
        written.append(folder / "plan.json")
        return written

    def _write_map(self, path: Path, title: str | None) -> Path:
        import folium

        from .maps import map_units, save_map

        works = self.selected
        if len(works) and "category" not in works.columns:
            works = prepare_interventions(works)
        if not isinstance(works, gpd.GeoDataFrame):
            works = None
        m = map_units(
            self.baseline,
            after=self.units[["unit_id", "level"]],
            interventions=works,
            title=title or "Rencana: level sebelum dan sesudah",
            views="none",
        )
        left = self.units_left
        if len(left):
            folium.GeoJson(
                left[["unit_id", left.geometry.name]].to_crs(4326).to_json(),
                name="Keluar dari daftar kumuh",
                style_function=lambda _: {"color": "#1a9850", "weight": 4, "fillOpacity": 0},
                tooltip=folium.GeoJsonTooltip(fields=["unit_id"]),
            ).add_to(m)
        return save_map(m, path)

    def __repr__(self) -> str:
        return (
            f"Plan({self.status}: {len(self.selected)} works, cost {self.cost:,.0f}, "
            f"slum {self.slum_ha_before:,.2f} -> {self.slum_ha_after:,.2f} ha, "
            f"gap {self.gap:.2%})"
        )


# ---------------------------------------------------------------- inputs


def _allocate(units: pd.DataFrame, works: pd.DataFrame) -> pd.DataFrame:
    """The one call of :func:`kotaku_gis.allocate` (keywords: the argument order may change)."""
    return allocate(units=units, interventions=works)


def _capacity_factors(
    kind_key: np.ndarray, w: np.ndarray, u: np.ndarray, share: np.ndarray, units: pd.DataFrame
) -> np.ndarray:
    """Each work's factor ``r_w = min(1, capacity_w / reach_w)``, exactly as ``allocate``.

    ``w`` and ``u`` name each service piece's work (a position in ``kind_key``) and unit (a
    row of ``units``), ``share`` the piece's share of its unit; the reach is taken over
    every piece of the work before overlaps are claimed, in the capacity's own measure
    (households, buildings or people).
    """
    counts = Counts.of(units, PERSONS_PER_HOUSEHOLD)
    return capacity_factors(w, u, share, kind_key, counts, capacity_rules(None))


def _as_frame(frame: object, name: str) -> pd.DataFrame:
    reject_dask(frame, function=f"kg.plan ({name})")
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{name} must be a (Geo)DataFrame, not {type(frame).__name__}; read it with "
            f"kg.read_{'units' if name == 'units' else 'interventions'}(path)."
        )
    return frame


def _number(value: object, name: str) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number of rupiah, not {value!r}.") from None
    if not np.isfinite(out) or out < 0:
        raise InputError(f"{name} must be a finite amount of 0 or more, not {value!r}.")
    return out


def _ids_of(values: object, name: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise InputError(f"{name} must be a list of intervention_id values, not {values!r}.")
    return [str(v).strip() for v in values]


def _prepared(frame: pd.DataFrame, radii: Mapping[str, float] | None) -> pd.DataFrame:
    if isinstance(frame, gpd.GeoDataFrame) and frame.active_geometry_name is not None:
        require_crs(frame.crs, name="the works layer")
    if radii or not is_prepared(frame):
        return prepare_interventions(frame, radii=dict(radii) if radii else None)
    return frame


def _to_crs(frame: pd.DataFrame, crs: pyproj.CRS | None) -> pd.DataFrame:
    if (
        crs is not None
        and isinstance(frame, gpd.GeoDataFrame)
        and frame.active_geometry_name is not None
        and not pyproj.CRS(frame.crs).equals(crs)
    ):
        return frame.to_crs(crs)
    return frame


@dataclass
class _Context:
    """The inputs checked and prepared, and the state after the existing works."""

    units: pd.DataFrame
    ids: pd.Index
    rs: Ruleset
    cands: pd.DataFrame
    cost: np.ndarray
    existing: pd.DataFrame | None
    plan_year: int | None
    crs: pyproj.CRS | None
    red0: pd.DataFrame
    base: pd.DataFrame
    area: np.ndarray
    plannable: np.ndarray
    report: ValidationReport

    @property
    def n(self) -> int:
        return len(self.cands)

    def works_with(self, chosen: np.ndarray) -> pd.DataFrame:
        """The existing works and the chosen candidates, as one prepared frame."""
        parts = [
            p for p in (self.existing, self.cands.iloc[np.flatnonzero(chosen)]) if p is not None
        ]
        parts = [p for p in parts if len(p)]
        if not parts:
            return self.cands.iloc[0:0]
        if len(parts) == 1:
            return parts[0]
        geo = [p for p in parts if isinstance(p, gpd.GeoDataFrame)]
        if geo:
            crs = self.crs or geo[0].crs
            parts = [
                _to_crs(p, crs)
                if isinstance(p, gpd.GeoDataFrame)
                else gpd.GeoDataFrame(p, geometry=[None] * len(p), crs=crs)
                for p in parts
            ]
            for i, p in enumerate(parts):
                if p.geometry.name != "geometry":
                    parts[i] = p.rename_geometry("geometry")
        return pd.concat(parts, ignore_index=False)

    def evaluate(self, chosen: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The library's own after-state of the chosen candidates: reductions and units."""
        red = _allocate(self.units, self.works_with(chosen))
        return red, assess(self.units, ruleset=self.rs, reductions=red)


def _context(
    units: pd.DataFrame,
    candidates: pd.DataFrame,
    works: pd.DataFrame | None,
    *,
    year: int | None,
    rs: Ruleset,
    cost_column: str | None,
    radii: Mapping[str, float] | None,
    report: ValidationReport,
    what: str = "candidates",
    allow_empty: bool = False,
) -> _Context:
    units = _as_frame(units, "units")
    if len(units) == 0:
        raise InputError("the units table is empty; there is nothing to plan for.")
    if "unit_id" not in units.columns:
        raise InputError("units have no 'unit_id' column; read them with kg.read_units(path).")
    ids = pd.Index(id_strings(units["unit_id"]))
    if ids.has_duplicates:
        raise InputError(
            f"unit_id values repeat ({ids[ids.duplicated()].unique().tolist()[:10]}); make "
            "them unique before planning."
        )
    crs = None
    if isinstance(units, gpd.GeoDataFrame) and units.active_geometry_name is not None:
        crs = require_crs(units.crs, name="the units layer")
    if year is not None:
        year = as_year(year)

    candidates = _as_frame(candidates, what)
    if len(candidates) == 0 and not allow_empty:
        raise InputError(f"the {what} table is empty; give at least one work to choose from.")
    if "intervention_id" not in candidates.columns:
        raise InputError(
            f"the {what} have no 'intervention_id' column; give each work a unique id, so "
            "that the plan can name the works it chooses."
        )
    cand_ids = candidates["intervention_id"].astype("string").str.strip()
    if cand_ids.isna().any():
        rows = candidates.index[cand_ids.isna().to_numpy()].tolist()[:10]
        raise InputError(f"{what} rows {rows} have no intervention_id; give every work an id.")
    if cand_ids.duplicated().any():
        dup = cand_ids[cand_ids.duplicated()].unique().tolist()[:10]
        raise InputError(f"{what} intervention_id values repeat ({dup}); make them unique.")
    if cost_column is not None:
        if cost_column not in candidates.columns:
            raise InputError(
                f"the {what} have no cost column {cost_column!r} (columns: "
                f"{list(candidates.columns)}); add each work's cost in rupiah or name the "
                "column with cost_column=."
            )
        cost = pd.to_numeric(candidates[cost_column], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        bad = ~np.isfinite(cost)
        if bad.any():
            rows = candidates.index[bad].tolist()[:10]
            raise InputError(
                f"column {cost_column!r} is blank or not a number in {what} rows {rows}; "
                "fill in every work's cost."
            )
        if (cost < 0).any():
            rows = candidates.index[cost < 0].tolist()[:10]
            raise InputError(f"column {cost_column!r} is negative in {what} rows {rows}.")
    else:
        cost = np.full(len(candidates), np.nan)

    existing = None
    if works is not None:
        works = _prepared(_as_frame(works, "works"), radii)
        existing = works[completed_by(works, year).to_numpy()]
        clash = set(cand_ids) & set(existing["intervention_id"].astype(str))
        if clash:
            raise InputError(
                f"{what} share intervention_id values with the completed works "
                f"({sorted(clash)[:10]}); give the {what} ids of their own."
            )
    cands = _prepared(candidates, radii).copy()
    if cost_column is not None:
        cands["cost"] = cost
    plan_year = year + 1 if year is not None else None
    if plan_year is None and existing is not None and existing["year"].notna().any():
        plan_year = int(existing["year"].max()) + 1
    cands["year"] = pd.array([plan_year] * len(cands), dtype="Int64")
    # A plan counts its candidates as done in the plan year, whatever status they carry.
    cands["completed"] = True
    cands["status"] = "selesai"
    unknown = cands["kind_key"].isna().to_numpy()
    if unknown.any():
        report.add_rows(
            candidates.index[unknown], "kind", "warning", "unknown_kind",
            [f"kind {k!r} is not in the catalogue, so the work reduces nothing; it is never "
             "chosen unless it must be" for k in cands["kind"][unknown]],
        )  # fmt: skip

    red0 = _allocate(units, existing) if existing is not None and len(existing) else None
    if red0 is None:
        red0 = _allocate(units, cands.iloc[0:0])
    base = assess(units, ruleset=rs, reductions=red0)
    area = unit_hectares(base)
    level = base["level"]
    plannable = level.notna().to_numpy()
    if (~plannable).any():
        report.add_rows(
            units.index[~plannable], "level", "warning", "unit_not_assessed",
            "the unit lacks evidence for some criterion, so it is not assessed and cannot be "
            "planned for; complete its volumes",
        )  # fmt: skip
    return _Context(
        units=units,
        ids=ids,
        rs=rs,
        cands=cands,
        cost=cost,
        existing=existing,
        plan_year=plan_year,
        crs=crs,
        red0=red0,
        base=base,
        area=area,
        plannable=plannable,
        report=report,
    )


# ---------------------------------------------------------------- score bands as volumes


def _cut_volumes(d: np.ndarray, minimum: float) -> np.ndarray:
    """The smallest volume whose rounded percentage of ``d`` is at least ``minimum``.

    Found by bisection on the floating-point numbers with :func:`round_half_up` itself, so
    that ``round_half_up(v / d * 100) >= minimum`` holds exactly for ``v >= cut`` and fails
    below it (``d > 0``).

    Examples
    --------
    >>> import numpy as np
    >>> from kotaku_gis.planning import _cut_volumes
    >>> cut = _cut_volumes(np.array([100.0, 40.0]), 25.0)
    >>> cut.round(6).tolist()  # 24.995 % rounds half-up to 25.00 %
    [24.995, 9.998]
    """
    d = np.asarray(d, dtype=float)

    def meets(v: np.ndarray) -> np.ndarray:
        return round_half_up(v / d * 100.0) >= minimum

    lo = np.maximum(d * (minimum - 0.02) / 100.0, 0.0)
    hi = d * (minimum + 0.01) / 100.0
    for _ in range(8):  # widen until lo fails and hi meets the band
        bad_lo = meets(lo) & (lo > 0)
        bad_hi = ~meets(hi)
        if not (bad_lo.any() or bad_hi.any()):
            break
        lo = np.where(bad_lo, lo / 2, lo)
        hi = np.where(bad_hi, hi * 2, hi)
    for _ in range(200):
        mid = lo + (hi - lo) / 2
        live = (mid > lo) & (mid < hi)
        if not live.any():
            break
        ok = meets(mid)
        hi = np.where(live & ok, mid, hi)
        lo = np.where(live & ~ok, mid, lo)
    return np.where(meets(lo), lo, hi)


# ---------------------------------------------------------------- the model


@dataclass
class _Model:
    """Rows (unit x criterion), their reductions as terms, score bands and level thresholds.

    Variables are numbered: candidates ``0 … n_x - 1``, then the auxiliary claims (``OR``:
    any of the members selected; ``FIRST``: the member at ``aux_at`` is the first selected).
    """

    n_x: int
    aux_first: np.ndarray  # bool per aux: FIRST (else OR)
    aux_ptr: np.ndarray
    aux_members: np.ndarray
    aux_at: np.ndarray
    row_unit: np.ndarray  # model unit of each row
    row_code: np.ndarray
    row_d: np.ndarray
    row_v: np.ndarray
    row_applied: np.ndarray
    row_score0: np.ndarray
    term_ptr: np.ndarray
    term_var: np.ndarray
    term_coef: np.ndarray
    band_row: np.ndarray
    band_delta: np.ndarray
    band_need: np.ndarray
    unit_pos: np.ndarray
    unit_area: np.ndarray
    unit_total0: np.ndarray
    unit_row_ptr: np.ndarray
    thresholds: np.ndarray  # ascending level thresholds (16, 38, 60)
    steps: np.ndarray  # objective weight gained by leaving each threshold
    objective: str
    rs: Ruleset
    cand_unit_ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    cand_units: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_aux(self) -> int:
        return len(self.aux_first)

    @property
    def relevant(self) -> np.ndarray:
        """Candidates that reach some row of the model."""
        return np.diff(self.cand_unit_ptr) > 0

    def _index_candidates(self) -> None:
        """Which model units each candidate reaches (for evaluating a change locally)."""
        row_of_term = np.repeat(np.arange(len(self.row_unit)), np.diff(self.term_ptr))
        var = self.term_var
        direct = var < self.n_x
        w = [var[direct]]
        u = [self.row_unit[row_of_term[direct]]]
        aux = var[~direct] - self.n_x
        aux_rows = row_of_term[~direct]
        counts = np.diff(self.aux_ptr)[aux]
        starts = self.aux_ptr[aux]
        idx = np.repeat(starts, counts) + (
            np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        )
        w.append(self.aux_members[idx])
        u.append(self.row_unit[np.repeat(aux_rows, counts)])
        pairs = np.unique(np.column_stack([np.concatenate(w), np.concatenate(u)]), axis=0)
        self.cand_unit_ptr = np.r_[0, np.cumsum(np.bincount(pairs[:, 0], minlength=self.n_x))]
        self.cand_units = pairs[:, 1]

    def units_of(self, w: int | np.ndarray) -> np.ndarray:
        ws = np.atleast_1d(w)
        parts = [self.cand_units[self.cand_unit_ptr[i] : self.cand_unit_ptr[i + 1]] for i in ws]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def aux_values(self, x: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
        """Values (0/1) of the auxiliary claims for a selection ``x`` (bool per candidate)."""
        which = np.arange(self.n_aux) if which is None else which
        counts = np.diff(self.aux_ptr)[which]
        starts = self.aux_ptr[which]
        owner = np.repeat(np.arange(len(which)), counts)
        rank = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        member = self.aux_members[np.repeat(starts, counts) + rank]
        sel = x[member]
        at = np.repeat(self.aux_at[which], counts)
        first = np.repeat(self.aux_first[which], counts)
        out = np.zeros(len(which))
        # OR: any member selected
        any_sel = np.zeros(len(which), dtype=bool)
        np.logical_or.at(any_sel, owner, sel & ~first)
        # FIRST: the member at ``at`` is selected and none before it
        before = np.zeros(len(which), dtype=bool)
        np.logical_or.at(before, owner, sel & first & (rank < at))
        own = np.zeros(len(which), dtype=bool)
        np.logical_or.at(own, owner, sel & first & (rank == at))
        out[~self.aux_first[which]] = any_sel[~self.aux_first[which]]
        fw = self.aux_first[which]
        out[fw] = (own & ~before)[fw]
        return out

    def unit_totals(self, x: np.ndarray, units: np.ndarray | None = None) -> np.ndarray:
        """Total scores of model units (all, or ``units``) under selection ``x``."""
        if units is None:
            units = np.arange(len(self.unit_pos))
        units = np.asarray(units, dtype=np.int64)
        rc = np.diff(self.unit_row_ptr)[units]
        rows = np.repeat(self.unit_row_ptr[units], rc) + (
            np.arange(rc.sum()) - np.repeat(np.cumsum(rc) - rc, rc)
        )
        tc = np.diff(self.term_ptr)[rows]
        terms = np.repeat(self.term_ptr[rows], tc) + (
            np.arange(tc.sum()) - np.repeat(np.cumsum(tc) - tc, tc)
        )
        var = self.term_var[terms]
        val = np.zeros(len(var))
        direct = var < self.n_x
        val[direct] = x[var[direct]]
        if (~direct).any():
            aux, inv = np.unique(var[~direct] - self.n_x, return_inverse=True)
            val[~direct] = self.aux_values(x, aux)[inv]
        local_row = np.repeat(np.arange(len(rows)), tc)
        reduced = np.bincount(local_row, weights=self.term_coef[terms] * val, minlength=len(rows))
        v = self.row_v[rows]
        d = self.row_d[rows]
        after = v - np.minimum(self.row_applied[rows] + reduced, v)
        score = self.rs.score(round_half_up(after / d * 100.0)).astype(np.int64)
        lost = self.row_score0[rows] - score
        owner = np.repeat(np.arange(len(units)), rc)
        return self.unit_total0[units] - np.bincount(owner, weights=lost, minlength=len(units))

    def unit_values(self, totals: np.ndarray, units: np.ndarray) -> np.ndarray:
        """Objective value (to be lowered) of units at the given totals."""
        area = self.unit_area[units]
        if self.objective == "score":
            return area * totals
        met = totals[:, None] >= self.thresholds[None, :]
        return area * (met * self.steps[None, :]).sum(axis=1)

    def gain(self, x: np.ndarray, units: np.ndarray | None = None) -> float:
        """The objective's improvement by selection ``x`` (over the given units, or all)."""
        if units is None:
            units = np.arange(len(self.unit_pos))
        if len(units) == 0:
            return 0.0
        before = self.unit_values(self.unit_total0[units].astype(float), units)
        after = self.unit_values(self.unit_totals(x, units), units)
        return float((before - after).sum())


def _criterion_measure(rs: Ruleset) -> dict[str, str]:
    return {c.code: c.unit for c in rs.criteria}


def _service_mask(frame: pd.DataFrame) -> np.ndarray:
    """Works that claim service areas in :func:`kotaku_gis.allocate` (as it selects them)."""
    n = len(frame)
    if n == 0 or not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
        return np.zeros(n, dtype=bool)
    geoms = np.asarray(frame.geometry.array, dtype=object)
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    is_table = np.zeros(n, dtype=bool)
    if "unit_id" in frame.columns and "criterion" in frame.columns:
        is_table = (frame["unit_id"].notna() & frame["criterion"].notna()).to_numpy()
    keys = frame["kind_key"].astype(object)
    known = keys.notna().to_numpy()
    by_volume = keys.map(KIND_BY_VOLUME).fillna(False).to_numpy(dtype=bool)
    service = keys.map(KIND_HAS_SERVICE).fillna(False).to_numpy(dtype=bool)
    return located & ~is_table & known & service & ~by_volume


def _components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected components (a label per node) of the graph with edges ``i``-``j``."""
    label = np.arange(n)
    while True:
        m = np.minimum(label[i], label[j])
        new = label.copy()
        np.minimum.at(new, i, m)
        np.minimum.at(new, j, m)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Polygonal part of each geometry (an intersection may carry lines or points)."""
    out = geoms.copy()
    mixed = shapely.get_type_id(geoms) == 7
    for k in np.flatnonzero(mixed):
        parts = shapely.get_parts(geoms[k])
        parts = parts[shapely.get_dimensions(parts) == 2]
        out[k] = shapely.union_all(parts) if len(parts) else shapely.Polygon()
    return out


def _arrangement(
    geoms: np.ndarray, unit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Faces of the overlay arrangement of polygons, within each unit.

    Returns each face's polygon, its unit, and the items covering it (CSR: pointer, items).
    Polygons that overlap no other polygon of their unit are their own face.
    """
    n = len(geoms)
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = (i < j) & (unit[i] == unit[j])
    i, j = i[keep], j[keep]
    if len(i):
        inter = shapely.intersection(geoms[i], geoms[j])
        real = shapely.area(inter) > _NEGLIGIBLE_M2
        i, j = i[real], j[real]
    label = _components(n, i, j) if len(i) else np.arange(n)
    faces: list[np.ndarray] = []
    face_unit: list[np.ndarray] = []
    cover: list[list[int]] = []
    sizes = np.bincount(label, minlength=n)
    alone = np.flatnonzero(sizes[label] == 1)
    faces.append(geoms[alone])
    face_unit.append(unit[alone])
    cover.extend([[int(k)] for k in alone])
    order = np.argsort(label, kind="stable")
    groups = np.split(order, np.cumsum(np.bincount(label[order], minlength=n))[:-1])
    for members in groups:
        if len(members) < 2:
            continue
        g = geoms[members]
        shapely.prepare(g)
        noded = shapely.union_all(shapely.boundary(g))
        polys = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
        if len(polys) == 0:
            continue
        pts = shapely.point_on_surface(polys)
        cov = shapely.covers(g[:, None], pts[None, :])
        real = cov.any(axis=0) & (shapely.area(polys) > 0)
        faces.append(polys[real])
        face_unit.append(np.full(int(real.sum()), unit[members[0]]))
        cover.extend([members[cov[:, f]].tolist() for f in np.flatnonzero(real)])
    ptr = np.r_[0, np.cumsum([len(c) for c in cover])].astype(np.int64)
    items = np.fromiter((k for c in cover for k in c), dtype=np.int64, count=int(ptr[-1]))
    return np.concatenate(faces), np.concatenate(face_unit), ptr, items


# ---------------------------------------------------------------- reductions as terms


def _units_to_model(
    ctx: _Context, objective: str, thresholds: np.ndarray, steps: np.ndarray
) -> np.ndarray:
    """Positions of the units whose objective some candidates may change.

    A candidate may reach a unit if its reach (lon/lat box grown by its service radius)
    meets the unit's box, or if it names the unit (table rows). At most the unit's scores of
    the criteria those candidates reduce can be lost; units that cannot cross a level
    threshold that counts even so (or, for ``"score"``, lose nothing) are left out.
    """
    n = len(ctx.units)
    pairs_w: list[np.ndarray] = []
    pairs_u: list[np.ndarray] = []
    if "unit_id" in ctx.cands.columns:
        named = ctx.ids.get_indexer(id_strings(ctx.cands["unit_id"]).fillna(""))
        ok = named >= 0
        pairs_w.append(np.flatnonzero(ok))
        pairs_u.append(named[ok])
    if ctx.crs is not None and isinstance(ctx.cands, gpd.GeoDataFrame):
        geoms = np.asarray(ctx.cands.geometry.array, dtype=object)
        located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        located &= ctx.cands["kind_key"].notna().to_numpy()
        if located.any():
            pos = np.flatnonzero(located)
            works = ctx.cands.iloc[pos].assign(
                radius_m=np.nan_to_num(ctx.cands["radius_m"].to_numpy(dtype=float)[pos])
            )
            reach = Works.from_frame(works).reach
            ugeoms = np.asarray(ctx.units.geometry.array, dtype=object)
            ok = ~(shapely.is_missing(ugeoms) | shapely.is_empty(ugeoms))
            boxes = np.full((n, 4), np.nan)
            boxes[ok] = lonlat_bounds(ugeoms[ok], ctx.crs)
            tree = shapely.STRtree(shapely.box(*boxes.T))
            w, u = tree.query(shapely.box(*reach.T), predicate="intersects")
            pairs_w.append(pos[w])
            pairs_u.append(u)
    if not pairs_w:
        return np.zeros(0, dtype=np.int64)
    w = np.concatenate(pairs_w)
    u = np.concatenate(pairs_u)
    # the criteria each candidate can reduce (table rows: their own criterion)
    codes = list(ctx.rs.codes)
    reduces = np.zeros((ctx.n, len(codes)), dtype=bool)
    keys = ctx.cands["kind_key"].to_numpy(dtype=object)
    for i, key in enumerate(keys):
        kind = INTERVENTION_KINDS.get(key) if isinstance(key, str) else None
        if kind is not None:
            reduces[i] = [c in kind.criteria for c in codes]
    if "criterion" in ctx.cands.columns:
        crit = ctx.cands["criterion"].astype("string").str.strip().str.lower()
        for j, c in enumerate(codes):
            reduces[:, j] |= (crit == c).fillna(False).to_numpy(dtype=bool)
    reached = np.zeros((n, len(codes)), dtype=bool)
    np.logical_or.at(reached, u, reduces[w])
    scores = np.column_stack(
        [pd.to_numeric(ctx.base[score_column(c)], errors="coerce").to_numpy(dtype=float)
         for c in codes]
    )  # fmt: skip
    loss = np.nansum(np.where(reached, scores, 0.0), axis=1)
    t0 = pd.to_numeric(ctx.base["total_score"], errors="coerce").to_numpy(dtype=float)
    t0 = np.nan_to_num(t0, nan=0.0)
    if objective == "score":
        keep = loss > 0
    else:
        keep = np.zeros(n, dtype=bool)
        for t, s in zip(thresholds, steps, strict=True):
            if s > 0:
                keep |= (t0 >= t) & (t0 - loss < t)
    return np.flatnonzero(keep & ctx.plannable).astype(np.int64)


def _linear_terms(ctx: _Context, sub: np.ndarray) -> pd.DataFrame:
    """Reductions that add up (metres, items, table rows): one term per work, unit, criterion.

    Measured by :func:`kotaku_gis.allocate` of the candidates on the units they may reach.
    """
    # Radius 0 leaves the service areas out (they are modelled by their faces, below).
    red = _allocate(ctx.units.iloc[sub], ctx.cands.assign(radius_m=0.0))
    alloc_report = red.attrs.get("report")
    if alloc_report is not None:
        for issue in alloc_report:
            if issue.check in (
                "outside_units", "unlocated", "unknown_unit", "bad_volume",
                "units_without_geometry",
            ):  # fmt: skip
                ctx.report.add(
                    issue.row, issue.column, "info", f"candidate_{issue.check}",
                    issue.message.replace("; not allocated", "") + "; it reduces nothing "
                    "and is never chosen unless it must be",
                )  # fmt: skip
    lin = red[red["method"].isin(["line_length", "point_volume", "table"])]
    lin = lin[lin["criterion"].isin(ctx.rs.codes)]
    w = pd.Index(ctx.cands["intervention_id"].astype(str)).get_indexer(
        lin["intervention_id"].astype(str)
    )
    pos = ctx.ids.get_indexer(lin["unit_id"].astype(str))
    return pd.DataFrame(
        {
            "pos": pos,
            "code": lin["criterion"].astype(str).to_numpy(),
            "key": [("x", int(k)) for k in w],
            "coef": lin["volume"].to_numpy(dtype=float),
        }
    )


def _counts(units: pd.DataFrame, column: str) -> np.ndarray:
    if column not in units.columns:
        return np.zeros(len(units))
    return np.nan_to_num(pd.to_numeric(units[column], errors="coerce").to_numpy(dtype=float))


def _service_terms(ctx: _Context, sub: np.ndarray) -> pd.DataFrame:
    """Service-area reductions: faces of the candidates' pieces inside each unit.

    Works on the units ``sub`` that the candidates may reach; unit positions below are
    positions among them, turned into positions among all units at the end.
    """
    empty = pd.DataFrame({"pos": [], "code": [], "key": [], "coef": []})
    cmask = _service_mask(ctx.cands)
    if ctx.crs is None or not cmask.any() or len(sub) == 0:
        return empty
    units = ctx.units.iloc[sub]
    plannable = ctx.plannable[sub]
    rs_codes = set(ctx.rs.codes)
    measure_of = _criterion_measure(ctx.rs)
    kt = kind_table()
    kt = kt[(kt["measure"] != "m") & ~kt["by_volume"] & kt["criterion"].isin(rs_codes)]
    crit_of: dict[str, list[str]] = kt.groupby("kind_key")["criterion"].agg(list).to_dict()
    uf = UnitLayer(np.asarray(units.geometry.array, dtype=object), ctx.crs)
    counts = {m: _counts(units, m) for m in ("households", "buildings")}
    cpos = np.flatnonzero(cmask)
    cw, cu, cpiece, cm2 = service_pieces(uf, Works.from_frame(ctx.cands.iloc[cpos]))
    r_cand = np.ones(ctx.n)
    cshare = np.divide(cm2, uf.area_m2[cu], out=np.zeros(len(cu)), where=uf.area_m2[cu] > 0)
    r_cand[cpos] = _capacity_factors(
        ctx.cands["kind_key"].to_numpy(dtype=object)[cpos], cw, cu, cshare, units
    )
    cw = cpos[cw]
    live = plannable[cu]
    cw, cu, cpiece, cm2 = cw[live], cu[live], cpiece[live], cm2[live]
    if len(cw) == 0:
        return empty
    touched = np.unique(cu)

    # Claiming order of existing and candidate works together, as allocate ranks them.
    ex = ctx.existing if ctx.existing is not None else ctx.cands.iloc[0:0]
    ex = _to_crs(ex, ctx.crs)
    keys = pd.concat(
        [
            ex[["year", "intervention_id"]].reset_index(drop=True),
            ctx.cands[["year", "intervention_id"]].reset_index(drop=True),
        ],
        ignore_index=True,
    )
    order = claiming_order(keys)
    ex_order, cand_order = order[: len(ex)], order[len(ex) :]
    emask = _service_mask(ex)
    first_cand = cand_order.min() if len(cand_order) else 0
    before = emask & (ex_order < first_cand)
    fixed = emask & ~before

    # Existing works that claim before every candidate: their union per unit and criterion.
    bw = bu = np.zeros(0, dtype=np.int64)
    bpiece = np.zeros(0, dtype=object)
    if before.any():
        bpos = np.flatnonzero(before)
        works = Works.from_frame(ex.iloc[bpos])
        boxes = lonlat_bounds(uf.geoms[touched], uf.crs)
        tree = shapely.STRtree(shapely.box(*boxes.T))
        near = np.unique(tree.query(shapely.box(*works.reach.T), predicate="intersects")[0])
        if len(near):
            bw, bu, bpiece, _ = service_pieces(uf, works.take(near))
            bw = bpos[near[bw]]
            inside = np.isin(bu, touched)
            bw, bu, bpiece = bw[inside], bu[inside], bpiece[inside]
    # Existing works that claim after some candidate are kept as works always selected.
    fw = fu = np.zeros(0, dtype=np.int64)
    fpiece = np.zeros(0, dtype=object)
    r_fixed = np.ones(len(ex))
    if fixed.any():
        fpos = np.flatnonzero(fixed)
        fworks = Works.from_frame(ex.iloc[fpos])
        fw, fu, fpiece, _ = service_pieces(uf, fworks)
        fkinds = ex["kind_key"].to_numpy(dtype=object)[fpos]
        if any(getattr(INTERVENTION_KINDS.get(k), "capacity", None) is not None
               for k in fkinds if isinstance(k, str)):  # fmt: skip
            # a work's reach counts every unit it serves, not only those near candidates
            full = UnitLayer(np.asarray(ctx.units.geometry.array, dtype=object), ctx.crs)
            aw, au, _, am2 = service_pieces(full, fworks)
            share = np.divide(am2, full.area_m2[au], out=np.zeros(len(au)),
                              where=full.area_m2[au] > 0)  # fmt: skip
            r_fixed[fpos] = _capacity_factors(fkinds, aw, au, share, ctx.units)
        fw = fpos[fw]
        inside = np.isin(fu, touched)
        fw, fu, fpiece = fw[inside], fu[inside], fpiece[inside]

    # Items of the arrangement: candidate pieces, then the always-selected existing pieces.
    n_c = len(cw)
    geoms = _polygonal(np.concatenate([cpiece, fpiece]))
    unit = np.concatenate([cu, fu])
    is_cand = np.r_[np.ones(n_c, dtype=bool), np.zeros(len(fw), dtype=bool)]
    work = np.concatenate([cw, fw])
    item_order = np.concatenate([cand_order[cw], ex_order[fw]])
    item_r = np.concatenate([r_cand[cw], r_fixed[fw]])
    item_kind = np.concatenate(
        [
            ctx.cands["kind_key"].to_numpy(dtype=object)[cw],
            ex["kind_key"].to_numpy(dtype=object)[fw],
        ]
    )
    face, face_unit, ptr, items = _arrangement(geoms, unit)
    face_m2 = shapely.area(face)

    # Each face and criterion: the candidates that claim it before any always-selected work.
    rows: list[tuple[int, str, tuple[int, ...], tuple[float, ...], float]] = []
    for f in range(len(face)):
        cov = items[ptr[f] : ptr[f + 1]]
        cov = cov[np.argsort(item_order[cov], kind="stable")]
        codes: dict[str, None] = {}
        for k in cov:
            for c in crit_of.get(item_kind[k], ()):
                codes.setdefault(c, None)
        for c in codes:
            chain = [k for k in cov if c in crit_of.get(item_kind[k], ())]
            prefix: list[int] = []
            r_e = 0.0
            for k in chain:
                if not is_cand[k]:
                    r_e = 1.0 if measure_of[c] == "ha" else float(item_r[k])
                    break
                prefix.append(int(k))
            if not prefix:
                continue
            rr = tuple(1.0 if measure_of[c] == "ha" else float(item_r[k]) for k in prefix)
            rows.append((f, c, tuple(int(work[k]) for k in prefix), rr, r_e))
    if not rows:
        return empty
    fr = np.array([r[0] for r in rows], dtype=np.int64)
    codes_arr = np.array([r[1] for r in rows], dtype=object)
    pos = face_unit[fr]
    # Take off what the existing works claiming first already serve.
    open_m2 = face_m2[fr].copy()
    if len(bw):
        need = pd.DataFrame({"pos": pos, "code": codes_arr}).drop_duplicates()
        have = pd.DataFrame(
            {
                "pos": bu,
                "kind_key": ex["kind_key"].to_numpy(dtype=object)[bw],
                "piece": np.arange(len(bw)),
            }
        )
        have = have.merge(kt[["kind_key", "criterion"]], on="kind_key")
        have = have.rename(columns={"criterion": "code"}).merge(need, on=["pos", "code"])
        unions: dict[tuple[int, str], Any] = {}
        by_members: dict[tuple[int, ...], Any] = {}
        for (p, c), grp in have.groupby(["pos", "code"], sort=False):
            idx = tuple(sorted(grp["piece"].tolist()))
            if idx not in by_members:
                by_members[idx] = (
                    bpiece[idx[0]] if len(idx) == 1 else shapely.union_all(bpiece[list(idx)])
                )
            unions[(int(p), str(c))] = by_members[idx]
        found = [unions.get((int(p), str(c))) for p, c in zip(pos, codes_arr, strict=True)]
        has_u = np.array([g is not None for g in found], dtype=bool)
        if has_u.any():
            ug = np.array([g for g in found if g is not None], dtype=object)
            taken = shapely.area(shapely.intersection(face[fr[has_u]], ug))
            open_m2[has_u] = np.maximum(open_m2[has_u] - taken, 0.0)
    scale = np.empty(len(rows))
    for m in _SERVICE_MEASURES:
        sel = np.array([measure_of[c] == m for c in codes_arr])
        if not sel.any():
            continue
        if m == "ha":
            scale[sel] = 1e-4
        else:
            um2 = uf.area_m2[pos[sel]]
            scale[sel] = np.divide(
                counts[m][pos[sel]], um2, out=np.zeros(int(sel.sum())), where=um2 > 0
            )
    out_pos, out_code, out_key, out_coef = [], [], [], []
    for k, (_, c, prefix, rr, r_e) in enumerate(rows):
        base = open_m2[k] * scale[k]
        if base <= 0:
            continue
        if all(r == rr[0] for r in rr):
            coef = base * (rr[0] - r_e)
            if coef == 0:
                continue
            key = ("x", prefix[0]) if len(prefix) == 1 else ("or", prefix)
            out_pos.append(pos[k])
            out_code.append(c)
            out_key.append(key)
            out_coef.append(coef)
            continue
        for i, r in enumerate(rr):
            if r == r_e:
                continue
            out_pos.append(pos[k])
            out_code.append(c)
            out_key.append(("first", prefix, i))
            out_coef.append(base * (r - r_e))
    return pd.DataFrame(
        {
            "pos": sub[np.asarray(out_pos, dtype=np.int64)],
            "code": out_code,
            "key": out_key,
            "coef": out_coef,
        }
    )


# ---------------------------------------------------------------- building the model


def _level_steps(rs: Ruleset, objective: str, weights: Mapping[str, float] | None):
    """Ascending level thresholds and the objective weight gained by leaving each one."""
    levels = sorted(rs.levels, key=lambda lm: lm[1])
    thresholds = np.array([m for _, m in levels], dtype=np.int64)
    if objective == "slum_ha":
        return thresholds, np.r_[1.0, np.zeros(len(levels) - 1)]
    w = dict(LEVEL_WEIGHTS) if weights is None else dict(weights)
    if objective == "weighted_ha":
        labels = [NOT_SLUM] + [label for label, _ in levels]
        missing = [lab for lab in labels[1:] if lab not in w]
        if missing:
            raise InputError(
                f"weights lack the level(s) {missing}; give a weight for each of {labels}."
            )
        vals = []
        for lab in labels:
            try:
                vals.append(float(w.get(lab, 0.0)))
            except (TypeError, ValueError):
                raise InputError(f"the weight of {lab!r} must be a number.") from None
        steps = np.diff(vals)
        if not np.all(np.isfinite(vals)) or (steps < 0).any() or vals[0] < 0:
            raise InputError(
                f"weights must grow with the level (tidak kumuh <= ringan <= sedang <= "
                f"berat), and be 0 or more; got {dict(zip(labels, vals, strict=True))}."
            )
        return thresholds, steps
    return thresholds, np.zeros(len(levels))


def _volumes(ctx: _Context, pos: np.ndarray, codes: np.ndarray):
    """Denominator, clamped baseline volume and the existing works' reduction of each row."""
    d = np.full(len(pos), np.nan)
    v = np.zeros(len(pos))
    area = None
    for code in np.unique(codes):
        sel = codes == code
        crit = ctx.rs.criterion(str(code))
        col = crit.denominator
        if col in ctx.units.columns:
            den = pd.to_numeric(ctx.units[col], errors="coerce").to_numpy(dtype=float)
        elif col == "area_ha" and ctx.crs is not None:
            if area is None:
                from .area import area_ha

                area = area_ha(ctx.units).to_numpy(dtype=float)
            den = area
        else:
            continue
        d[sel] = den[pos[sel]]
        if code in ctx.units.columns:
            raw = pd.to_numeric(ctx.units[code], errors="coerce").to_numpy(dtype=float)
            v[sel] = np.nan_to_num(raw[pos[sel]], nan=0.0)
    v = np.maximum(v, 0.0)
    ok = np.isfinite(d) & (d > 0)
    v = np.where(ok, np.minimum(v, np.where(ok, d, 0.0)), v)
    applied = np.zeros(len(pos))
    red = ctx.red0
    if len(red):
        sums = (
            pd.DataFrame(
                {
                    "pos": ctx.ids.get_indexer(red["unit_id"].astype(str)),
                    "code": red["criterion"].astype(str).to_numpy(),
                    "v": red["volume"].to_numpy(dtype=float),
                }
            )
            .groupby(["code", "pos"], sort=False)["v"]
            .sum()
        )
        key = pd.MultiIndex.from_arrays([codes.astype(str), pos])
        applied = sums.reindex(key).fillna(0.0).to_numpy(dtype=float)
    return d, v, applied, ok


def _build_model(ctx: _Context, objective: str, weights: Mapping[str, float] | None) -> _Model:
    rs = ctx.rs
    thresholds, steps = _level_steps(rs, objective, weights)
    sub = _units_to_model(ctx, objective, thresholds, steps)
    terms = pd.concat([_linear_terms(ctx, sub), _service_terms(ctx, sub)], ignore_index=True)
    terms = terms[terms["pos"].to_numpy(dtype=np.int64) >= 0]
    terms = terms[ctx.plannable[terms["pos"].to_numpy(dtype=np.int64)]]
    key_ids: dict[tuple, int] = {}
    terms["kid"] = [key_ids.setdefault(k, len(key_ids)) for k in terms["key"]]
    keys = list(key_ids)
    agg = terms.groupby(["pos", "code", "kid"], sort=True)["coef"].sum().reset_index()
    agg = agg[agg["coef"] != 0]
    rows = agg[["pos", "code"]].drop_duplicates(ignore_index=True)
    pos = rows["pos"].to_numpy(dtype=np.int64)
    codes = rows["code"].to_numpy(dtype=object)
    d, v, applied, ok = _volumes(ctx, pos, codes)
    rem = v - np.minimum(applied, v)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = round_half_up(np.where(ok, rem / np.where(ok, d, 1.0), 0.0) * 100.0)
    score0 = np.zeros(len(rows), dtype=np.int64)
    base_pct = np.full(len(rows), np.nan)
    for code in np.unique(codes):
        sel = codes == code
        base_pct[sel] = pd.to_numeric(ctx.base[pct_column(code)], errors="coerce").to_numpy(
            dtype=float
        )[pos[sel]]
        score0[sel] = pd.to_numeric(ctx.base[score_column(code)], errors="coerce").to_numpy(
            dtype=float
        )[pos[sel]]
    agree = ok & (pct == base_pct)
    odd = ok & ~agree
    if odd.any():
        ctx.report.add_rows(
            ctx.units.index[np.unique(pos[odd])], None, "info", "criterion_not_modelled",
            "the unit's score of a criterion a candidate reduces does not follow from its "
            "volume (another kind of evidence), so that criterion is held at its score",
        )  # fmt: skip

    # Score bands met after the existing works, and the reduction that leaves each.
    bands = sorted(rs.bands)
    mins = np.array([m for m, _ in bands], dtype=float)
    pts = np.diff(np.r_[0, [s for _, s in bands]]).astype(np.int64)
    row_ix = agg.merge(rows.reset_index(), on=["pos", "code"])["index"].to_numpy()
    reach = np.bincount(
        row_ix, weights=np.maximum(agg["coef"].to_numpy(), 0.0), minlength=len(rows)
    )
    b_row, b_delta, b_need = [], [], []
    for j, m in enumerate(mins):
        met = agree & (pct >= m)
        if not met.any():
            continue
        idx = np.flatnonzero(met)
        cut = _cut_volumes(d[idx], m)
        need = rem[idx] - cut + _EPS_SHARE * d[idx]
        can = need <= reach[idx]
        b_row.append(idx[can])
        b_delta.append(np.full(int(can.sum()), pts[j]))
        b_need.append(need[can])
    b_row = np.concatenate(b_row) if b_row else np.zeros(0, dtype=np.int64)
    b_delta = np.concatenate(b_delta) if b_delta else np.zeros(0, dtype=np.int64)
    b_need = np.concatenate(b_need) if b_need else np.zeros(0)

    # Units whose objective can change.
    total0 = pd.to_numeric(ctx.base["total_score"], errors="coerce").to_numpy(dtype=float)
    free = np.bincount(pos[b_row], weights=b_delta, minlength=len(ctx.units))
    t0 = np.nan_to_num(total0, nan=0.0)
    tmin = t0 - free
    if objective == "score":
        keep_unit = free > 0
    else:
        keep_unit = np.zeros(len(ctx.units), dtype=bool)
        for t, s in zip(thresholds, steps, strict=True):
            if s > 0:
                keep_unit |= (t0 >= t) & (tmin < t)
    keep_unit &= ctx.plannable
    keep_band = keep_unit[pos[b_row]]
    b_row, b_delta, b_need = b_row[keep_band], b_delta[keep_band], b_need[keep_band]
    keep_row = np.zeros(len(rows), dtype=bool)
    keep_row[b_row] = True
    # Renumber: units, then rows by unit, then terms by row.
    upos = np.flatnonzero(keep_unit)
    unit_of_pos = np.full(len(ctx.units), -1)
    unit_of_pos[upos] = np.arange(len(upos))
    kept = np.flatnonzero(keep_row)
    kept = kept[np.lexsort((codes[kept].astype(str), unit_of_pos[pos[kept]]))]
    new_row = np.full(len(rows), -1)
    new_row[kept] = np.arange(len(kept))
    at = agg.assign(row=new_row[row_ix])
    at = at[at["row"] >= 0].sort_values(["row", "kid"], kind="stable")
    at = at.astype({"row": np.int64, "kid": np.int64, "coef": float})
    used = np.unique(at["kid"].to_numpy())
    aux_keys = [keys[k] for k in used if keys[k][0] != "x"]
    aux_id = {k: i for i, k in enumerate(aux_keys)}
    n_x = ctx.n
    var_of_kid = np.full(len(keys), -1, dtype=np.int64)
    for k in used:
        key = keys[k]
        var_of_kid[k] = key[1] if key[0] == "x" else n_x + aux_id[key]
    members = [list(k[1]) for k in aux_keys]
    aux_ptr = np.r_[0, np.cumsum([len(m) for m in members])].astype(np.int64)
    aux_members = np.fromiter(
        (w for m in members for w in m), dtype=np.int64, count=int(aux_ptr[-1])
    )
    row_unit = unit_of_pos[pos[kept]]
    model = _Model(
        n_x=n_x,
        aux_first=np.array([k[0] == "first" for k in aux_keys], dtype=bool),
        aux_ptr=aux_ptr,
        aux_members=aux_members,
        aux_at=np.array([k[2] if k[0] == "first" else 0 for k in aux_keys], dtype=np.int64),
        row_unit=row_unit,
        row_code=codes[kept],
        row_d=d[kept],
        row_v=v[kept],
        row_applied=applied[kept],
        row_score0=score0[kept],
        term_ptr=np.r_[0, np.cumsum(np.bincount(at["row"], minlength=len(kept)))].astype(np.int64),
        term_var=var_of_kid[at["kid"].to_numpy()],
        term_coef=at["coef"].to_numpy(dtype=float),
        band_row=new_row[b_row],
        band_delta=b_delta,
        band_need=b_need,
        unit_pos=upos,
        unit_area=ctx.area[upos],
        unit_total0=t0[upos],
        unit_row_ptr=np.r_[0, np.cumsum(np.bincount(row_unit, minlength=len(upos)))].astype(
            np.int64
        ),
        thresholds=thresholds,
        steps=steps,
        objective=objective,
        rs=rs,
    )
    model._index_candidates()
    return model


# ---------------------------------------------------------------- constraints


@dataclass
class _Constraints:
    budget: float
    cost: np.ndarray
    include: np.ndarray
    exclude: np.ndarray
    groups: list[tuple[str, np.ndarray, float]]
    alternatives: list[np.ndarray]

    def feasible_add(self, x: np.ndarray, w: int, spent: float) -> bool:
        c = self.cost[w]
        if spent + c > self.budget * (1 + 1e-12) + 1e-9:
            return False
        for _, members, cap in self.groups:
            if members[w] and self.cost[members & x].sum() + c > cap * (1 + 1e-12) + 1e-9:
                return False
        return all(not x[alt].any() for alt in self.alternatives if w in alt)


def _constraints(
    constraints: Mapping[str, Any] | None,
    candidates: pd.DataFrame,
    cand_ids: pd.Index,
    cost: np.ndarray,
    budget: float,
) -> _Constraints:
    spec = dict(constraints or {})
    unknown = sorted(set(spec) - set(CONSTRAINT_KEYS))
    if unknown:
        raise InputError(
            f"unknown constraint(s) {unknown}; constraints take {list(CONSTRAINT_KEYS)}."
        )
    n = len(cand_ids)

    def mask_of(key: str) -> np.ndarray:
        ids = _ids_of(spec.get(key), f"constraints[{key!r}]")
        pos = cand_ids.get_indexer(ids)
        if (pos < 0).any():
            missing = [i for i, p in zip(ids, pos, strict=True) if p < 0]
            raise InputError(
                f"constraints[{key!r}] names works that are not candidates: {missing[:10]}."
            )
        out = np.zeros(n, dtype=bool)
        out[pos] = True
        return out

    include, exclude = mask_of("include"), mask_of("exclude")
    both = include & exclude
    if both.any():
        raise InputError(
            f"works {cand_ids[both].tolist()[:10]} are both included and excluded; keep each "
            "in one list."
        )
    alternatives: list[np.ndarray] = []
    alt = spec.get("alternatives")
    if alt is not None:
        if isinstance(alt, str):
            if alt not in candidates.columns:
                raise InputError(
                    f"constraints['alternatives'] names column {alt!r}, which the candidates "
                    f"lack (columns: {list(candidates.columns)})."
                )
            labels = (
                candidates[alt].astype("string").str.strip().to_numpy(dtype=object, na_value=None)
            )
        elif isinstance(alt, Mapping):
            pos = cand_ids.get_indexer([str(k) for k in alt])
            if (pos < 0).any():
                raise InputError(
                    "constraints['alternatives'] names works that are not candidates: "
                    f"{[k for k, p in zip(alt, pos, strict=True) if p < 0][:10]}."
                )
            labels = np.full(n, None, dtype=object)
            labels[pos] = [str(v) for v in alt.values()]
        else:
            raise InputError(
                "constraints['alternatives'] must be a column of the candidates naming each "
                "work's group of alternatives, or a mapping {intervention_id: group}."
            )
        groups = pd.Series(labels).dropna()
        groups = groups[groups != ""]
        for _, members in groups.groupby(groups, sort=True):
            if len(members) > 1:
                alternatives.append(members.index.to_numpy(dtype=np.int64))
    budget_groups: list[tuple[str, np.ndarray, float]] = []
    caps = spec.get("budgets")
    if caps is not None:
        if not isinstance(caps, Mapping):
            raise InputError(
                "constraints['budgets'] must map a column to budgets per value, e.g. "
                "{'kota': {'Kota Mataram': 4e9, 'Kota Bima': 1e9}}."
            )
        for col, per in caps.items():
            if col not in candidates.columns:
                raise InputError(
                    f"constraints['budgets'] names column {col!r}, which the candidates lack; "
                    "add it (e.g. each work's kota)."
                )
            if not isinstance(per, Mapping):
                raise InputError(f"constraints['budgets'][{col!r}] must map values to budgets.")
            values = candidates[col].astype("string").str.strip()
            for value, cap in per.items():
                members = (values == str(value).strip()).fillna(False).to_numpy(dtype=bool)
                budget_groups.append(
                    (f"{col}={value}", members, _number(cap, f"the budget of {col}={value!r}"))
                )
    out = _Constraints(budget, cost, include, exclude, budget_groups, alternatives)
    spent = float(cost[include].sum())
    if spent > budget * (1 + 1e-12) + 1e-9:
        raise InputError(
            f"the works that must be included cost {spent:,.0f}, more than the budget "
            f"{budget:,.0f}; raise the budget or include fewer works."
        )
    for label, members, cap in budget_groups:
        if cost[members & include].sum() > cap * (1 + 1e-12) + 1e-9:
            raise InputError(
                f"the works that must be included in {label} cost more than its budget {cap:,.0f}."
            )
    for members in alternatives:
        if include[members].sum() > 1:
            raise InputError(
                f"works {cand_ids[members[include[members]]].tolist()} are alternatives of one "
                "another, but all must be included; include at most one of them."
            )
    return out


# ---------------------------------------------------------------- greedy and the solver


def _greedy(model: _Model, cons: _Constraints) -> np.ndarray:
    """Best gain per rupiah first, given the works chosen so far, while anything gains."""
    x = cons.include.copy()
    avail = model.relevant & ~cons.exclude & ~x
    for alt in cons.alternatives:
        if x[alt].any():
            avail[alt] = False
    # which candidates share a model unit with which (to refresh their gains)
    n_units = len(model.unit_pos)
    by_unit = np.argsort(model.cand_units, kind="stable")
    owner = np.repeat(np.arange(model.n_x), np.diff(model.cand_unit_ptr))[by_unit]
    unit_ptr = np.r_[0, np.cumsum(np.bincount(model.cand_units, minlength=n_units))]
    gains = np.zeros(model.n_x)
    dirty = avail.copy()
    spent = float(cons.cost[x].sum())
    while True:
        for w in np.flatnonzero(dirty & avail):
            units = model.units_of(int(w))
            x2 = x.copy()
            x2[w] = True
            gains[w] = model.gain(x2, units) - model.gain(x, units)
        dirty[:] = False
        ok = avail & (gains > 1e-9)
        if not ok.any():
            break
        with np.errstate(divide="ignore"):
            ratio = np.where(cons.cost > 0, gains / np.where(cons.cost > 0, cons.cost, 1), np.inf)
        picked = -1
        for w in np.lexsort((cons.cost, -ratio)):
            if not ok[w]:
                continue
            if cons.feasible_add(x, int(w), spent):
                picked = int(w)
                break
            avail[w] = False  # it no longer fits (budgets only shrink)
        if picked < 0:
            break
        x[picked] = True
        avail[picked] = False
        spent += float(cons.cost[picked])
        for alt in cons.alternatives:
            if picked in alt:
                avail[alt] = False
        units = model.units_of(picked)
        for u in units:
            dirty[owner[unit_ptr[u] : unit_ptr[u + 1]]] = True
    return x


def _prune(model: _Model, cons: _Constraints, x: np.ndarray) -> np.ndarray:
    """Drop chosen works whose removal costs nothing (most expensive first)."""
    x = x.copy()
    for w in np.flatnonzero(x & ~cons.include)[np.argsort(-cons.cost[x & ~cons.include])]:
        units = model.units_of(int(w))
        x2 = x.copy()
        x2[w] = False
        if model.gain(x2, units) >= model.gain(x, units) - 1e-9:
            x = x2
    return x


def _new_highs() -> Any:
    import highspy

    try:
        # The bare solver object: highspy.Highs() prints a banner on stdout when first made.
        from highspy._core import _Highs

        h = _Highs()
    except ImportError:  # pragma: no cover - other highspy layouts
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class _Solution:
    x: np.ndarray
    status: str
    gain: float
    bound: float
    solver: str


@dataclass
class _Mip:
    """The programme as arrays: maximise ``cost @ v + offset`` subject to the rows."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    row_i: np.ndarray
    col_j: np.ndarray
    value: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    offset: float

    @property
    def n_col(self) -> int:
        return len(self.cost)

    @property
    def n_row(self) -> int:
        return len(self.row_lower)


def _mip(model: _Model, cons: _Constraints) -> _Mip:
    """The mixed-integer programme of the model under the constraints (module notes)."""
    n_x, n_aux = model.n_x, model.n_aux
    nb = len(model.band_row)
    # level indicators
    l_unit: list[np.ndarray] = []
    l_k: list[np.ndarray] = []
    if model.objective != "score":
        band_unit = model.row_unit[model.band_row]
        free = np.bincount(band_unit, weights=model.band_delta, minlength=len(model.unit_pos))
        tmin = model.unit_total0 - free
        for k, (t, s) in enumerate(zip(model.thresholds, model.steps, strict=True)):
            if s <= 0:
                continue
            var = np.flatnonzero((model.unit_total0 >= t) & (tmin < t))
            l_unit.append(var)
            l_k.append(np.full(len(var), k))
    lu = np.concatenate(l_unit) if l_unit else np.zeros(0, dtype=np.int64)
    lk = np.concatenate(l_k) if l_k else np.zeros(0, dtype=np.int64)
    nl = len(lu)
    n_col = n_x + n_aux + nb + nl
    h0, l0 = n_x + n_aux, n_x + n_aux + nb

    cost = np.zeros(n_col)
    offset = 0.0
    if model.objective == "score":
        c = model.unit_area[model.row_unit[model.band_row]] * model.band_delta
        cost[h0:l0] = -c
        offset = float(c.sum())
    else:
        c = model.unit_area[lu] * model.steps[lk]
        cost[l0:] = -c
        offset = float(c.sum())
    lower = np.zeros(n_col)
    upper = np.ones(n_col)
    lower[:n_x] = cons.include
    upper[:n_x] = (cons.include | (model.relevant & ~cons.exclude)).astype(float)
    integer = np.ones(n_col, dtype=bool)
    integer[n_x:h0] = False

    rows_i: list[np.ndarray] = []
    rows_j: list[np.ndarray] = []
    rows_v: list[np.ndarray] = []
    row_lo: list[np.ndarray] = []
    row_hi: list[np.ndarray] = []
    n_row = 0

    def add(i: np.ndarray, j: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        nonlocal n_row
        rows_i.append(np.asarray(i, dtype=np.int64) + n_row)
        rows_j.append(np.asarray(j, dtype=np.int64))
        rows_v.append(np.asarray(v, dtype=float))
        row_lo.append(np.asarray(lo, dtype=float))
        row_hi.append(np.asarray(hi, dtype=float))
        n_row += len(lo)

    inf = np.inf
    # budgets and alternatives
    add(np.zeros(n_x), np.arange(n_x), cons.cost, [-inf], [cons.budget])
    for _, members, cap in cons.groups:
        idx = np.flatnonzero(members)
        add(np.zeros(len(idx)), idx, cons.cost[idx], [-inf], [cap])
    for alt in cons.alternatives:
        add(np.zeros(len(alt)), alt, np.ones(len(alt)), [-inf], [1.0])
    # auxiliary claims
    counts = np.diff(model.aux_ptr)
    owner = np.repeat(np.arange(n_aux), counts)
    rank = np.arange(len(model.aux_members)) - np.repeat(model.aux_ptr[:-1], counts)
    orx = ~model.aux_first
    if orx.any():
        a = np.flatnonzero(orx)
        m = orx[owner]
        k = np.searchsorted(a, owner[m])
        add(
            np.r_[np.arange(len(a)), k],
            np.r_[n_x + a, model.aux_members[m]],
            np.r_[np.ones(len(a)), -np.ones(int(m.sum()))],
            np.full(len(a), -inf),
            np.zeros(len(a)),
        )
    if model.aux_first.any():
        at = model.aux_at[owner]
        fm = model.aux_first[owner]
        a = np.flatnonzero(model.aux_first)
        k = np.searchsorted(a, owner[fm])
        own = fm & (rank == at)
        earlier = fm & (rank < at)
        ko = np.searchsorted(a, owner[own])
        # f - x_own <= 0
        add(
            np.r_[np.arange(len(a)), ko],
            np.r_[n_x + a, model.aux_members[own]],
            np.r_[np.ones(len(a)), -np.ones(int(own.sum()))],
            np.full(len(a), -inf),
            np.zeros(len(a)),
        )
        # f + x_v <= 1 for every earlier member v
        e = np.flatnonzero(earlier)
        add(
            np.r_[np.arange(len(e)), np.arange(len(e))],
            np.r_[n_x + owner[e], model.aux_members[e]],
            np.ones(2 * len(e)),
            np.full(len(e), -inf),
            np.ones(len(e)),
        )
        # f - x_own + sum x_v >= 0
        ke = np.searchsorted(a, owner[earlier])
        add(
            np.r_[np.arange(len(a)), ko, ke],
            np.r_[n_x + a, model.aux_members[own], model.aux_members[earlier]],
            np.r_[np.ones(len(a)), -np.ones(int(own.sum())), np.ones(int(earlier.sum()))],
            np.zeros(len(a)),
            np.full(len(a), inf),
        )
        del k
    # score bands: sum (coef / need) var + h >= 1, coefficients capped at 1 when none is < 0
    tc = np.diff(model.term_ptr)[model.band_row]
    t_idx = np.repeat(model.term_ptr[model.band_row], tc) + (
        np.arange(tc.sum()) - np.repeat(np.cumsum(tc) - tc, tc)
    )
    b_of = np.repeat(np.arange(nb), tc)
    coef = model.term_coef[t_idx] / model.band_need[b_of]
    negative = np.zeros(nb, dtype=bool)
    np.logical_or.at(negative, b_of, coef < 0)
    coef = np.where(negative[b_of], coef, np.minimum(coef, 1.0))
    add(
        np.r_[b_of, np.arange(nb)],
        np.r_[model.term_var[t_idx], h0 + np.arange(nb)],
        np.r_[coef, np.ones(nb)],
        np.ones(nb),
        np.full(nb, inf),
    )
    # levels: sum D_j h_j - M L <= t - 1 - T0 + sum D_j
    if nl:
        band_unit = model.row_unit[model.band_row]
        order = np.argsort(band_unit, kind="stable")
        ptr = np.r_[0, np.cumsum(np.bincount(band_unit, minlength=len(model.unit_pos)))]
        bc = np.diff(ptr)[lu]
        b_idx = order[
            np.repeat(ptr[lu], bc) + (np.arange(bc.sum()) - np.repeat(np.cumsum(bc) - bc, bc))
        ]
        li = np.repeat(np.arange(nl), bc)
        t = model.thresholds[lk].astype(float)
        t0 = model.unit_total0[lu]
        dsum = np.bincount(li, weights=model.band_delta[b_idx], minlength=nl)
        big_m = t0 - t + 1
        add(
            np.r_[li, np.arange(nl)],
            np.r_[h0 + b_idx, l0 + np.arange(nl)],
            np.r_[model.band_delta[b_idx].astype(float), -big_m],
            np.full(nl, -inf),
            t - 1 - t0 + dsum,
        )

    ri = np.concatenate(rows_i)
    rj = np.concatenate(rows_j)
    rv = np.concatenate(rows_v)
    nz = rv != 0
    return _Mip(
        cost=cost,
        lower=lower,
        upper=upper,
        integer=integer,
        row_i=ri[nz],
        col_j=rj[nz],
        value=rv[nz],
        row_lower=np.concatenate(row_lo),
        row_upper=np.concatenate(row_hi),
        offset=offset,
    )


def _solve(
    model: _Model,
    cons: _Constraints,
    fallback: np.ndarray | None,
    *,
    time_limit: float | None,
    mip_gap: float,
) -> _Solution:
    """Solve the programme with HiGHS and check what it returns.

    The returned point must satisfy every row and score the objective HiGHS reports; if it
    does not (HiGHS's presolve has had such defects), the programme is solved again without
    presolve. No start solution is passed: with presolve on, HiGHS 1.16 can report the
    objective of a better point while returning the start. ``fallback`` (the greedy choice)
    is kept when no solution is found at all.
    """
    import highspy

    mip = _mip(model, cons)
    n_x, n_col = model.n_x, mip.n_col
    order = np.lexsort((mip.row_i, mip.col_j))
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = mip.n_row
    lp.col_cost_ = mip.cost
    lp.col_lower_ = mip.lower
    lp.col_upper_ = mip.upper
    lp.row_lower_ = mip.row_lower
    lp.row_upper_ = mip.row_upper
    lp.offset_ = mip.offset
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.r_[0, np.cumsum(np.bincount(mip.col_j, minlength=n_col))].astype(
        np.int32
    )
    lp.a_matrix_.index_ = mip.row_i[order].astype(np.int32)
    lp.a_matrix_.value_ = mip.value[order]
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
        for i in mip.integer
    ]
    for presolve in ("choose", "off"):
        h = _new_highs()
        h.passModel(lp)
        h.setOptionValue("presolve", presolve)
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        h.setOptionValue("mip_abs_gap", 1e-9)
        h.setOptionValue("mip_feasibility_tolerance", 1e-7)
        h.setOptionValue("random_seed", 0)
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        values = np.asarray(h.getSolution().col_value, dtype=float)
        if len(values) != n_col or info.primal_solution_status != 2:
            break
        gain = float(info.objective_function_value)
        if _consistent(mip, values, gain):
            break
    version = f"HiGHS {h.version()}" if hasattr(h, "version") else "HiGHS"
    if len(values) != n_col or info.primal_solution_status != 2:
        x = fallback.copy() if fallback is not None else cons.include.copy()
        name = h.modelStatusToString(status).lower().replace(" ", "_")
        return _Solution(x, name, model.gain(x), np.inf, version)
    x = values[:n_x] > 0.5
    bound = float(info.mip_dual_bound)
    if status == highspy.HighsModelStatus.kOptimal:
        name = "optimal"
    elif status == highspy.HighsModelStatus.kTimeLimit:
        name = "time_limit"
    else:
        name = h.modelStatusToString(status).lower().replace(" ", "_")
    return _Solution(x, name, gain, max(bound, gain), version)


def _consistent(mip: _Mip, values: np.ndarray, objective: float) -> bool:
    """Whether a point satisfies the rows, bounds and integrality and scores ``objective``."""
    act = np.bincount(mip.row_i, weights=mip.value * values[mip.col_j], minlength=mip.n_row)
    scale = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(mip.row_upper),
                                                   mip.row_upper, mip.row_lower)))  # fmt: skip
    rows_ok = np.all(act >= mip.row_lower - scale) and np.all(act <= mip.row_upper + scale)
    bounds_ok = np.all(values >= mip.lower - 1e-6) and np.all(values <= mip.upper + 1e-6)
    whole = values[mip.integer]
    integral = np.all(np.abs(whole - np.round(whole)) <= 1e-6)
    value = float(mip.cost @ values + mip.offset)
    scored = abs(value - objective) <= 1e-6 * max(1.0, abs(objective))
    return bool(rows_ok and bounds_ok and integral and scored)


# ---------------------------------------------------------------- results


def _after_frame(ctx: _Context, after: pd.DataFrame) -> pd.DataFrame:
    out = after.copy()
    base_level = ctx.base["level"]
    out[before_column("level")] = base_level.to_numpy()
    out[before_column("total_score")] = ctx.base["total_score"].to_numpy()
    was = (base_level != NOT_SLUM).fillna(False).to_numpy(dtype=bool)
    now = (after["level"] != NOT_SLUM).fillna(False).to_numpy(dtype=bool)
    out["leaves_list"] = was & ~now & after["level"].notna().to_numpy()
    return out


def _slum_ha(assessed: pd.DataFrame) -> float:
    return float(summarize(assessed)["slum_ha"].iloc[0])


def _selected_table(
    ctx: _Context,
    raw: pd.DataFrame,
    chosen: np.ndarray,
    reductions: pd.DataFrame,
    units_after: pd.DataFrame,
    marginal: np.ndarray | None,
) -> pd.DataFrame:
    idx = np.flatnonzero(chosen)
    table = raw.iloc[idx].copy()
    ids = ctx.cands["intervention_id"].astype(str).to_numpy()[idx]
    table["cost"] = ctx.cost[idx]
    red = reductions[reductions["volume"] > 0]
    red = red[red["intervention_id"].astype(str).isin(set(ids))]
    pairs = red[["intervention_id", "unit_id"]].astype(str).drop_duplicates()
    pos = ctx.ids.get_indexer(pairs["unit_id"])
    left = units_after["leaves_list"].to_numpy(dtype=bool)[pos]
    pairs = pairs.assign(left=left, ha=np.where(left, ctx.area[pos], 0.0))
    per = pairs.groupby("intervention_id").agg(
        units_served=("unit_id", "size"), units_left=("left", "sum"), ha_left=("ha", "sum")
    )
    per = per.reindex(ids)
    table["units_served"] = per["units_served"].fillna(0).astype(np.int64).to_numpy()
    table["units_left"] = per["units_left"].fillna(0).astype(np.int64).to_numpy()
    table["ha_left"] = per["ha_left"].fillna(0.0).to_numpy(dtype=float)
    table["marginal_gain"] = marginal[idx] if marginal is not None else np.nan
    return table


def plan(
    units: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    budget: float,
    works: pd.DataFrame | None = None,
    year: int | None = None,
    ruleset: str | Ruleset = DEFAULT_RULESET,
    objective: str = "slum_ha",
    cost_column: str = "cost",
    time_limit: float | None = None,
    constraints: Mapping[str, Any] | None = None,
    weights: Mapping[str, float] | None = None,
    mip_gap: float = 0.0,
    greedy: bool = True,
    radii: Mapping[str, float] | None = None,
) -> Plan:
    """Choose the candidate works that take the most slum off the list within a budget.

    The choice is exact: a mixed-integer programme of the regulation's scoring (overlapping
    service areas counted once, percentages rounded half-up, score bands and level
    thresholds as indicator constraints) solved by HiGHS to a proven gap (see the module
    notes). The after-state of the chosen works is then computed with
    :func:`kotaku_gis.allocate` and :func:`kotaku_gis.assess`, so every figure of the plan
    traces back to reduction rows.

    Parameters
    ----------
    units : GeoDataFrame or DataFrame
        Baseline units with their volumes and denominators (as for :func:`kotaku_gis.assess`).
        Units that are not assessed (``level`` blank for lack of evidence) cannot be planned
        for and are listed in the report.
    candidates : GeoDataFrame or DataFrame
        Candidate works (``intervention_id`` unique, ``kind``, geometry or ``unit_id`` and
        ``criterion``, a cost column). Their ``year`` and ``status`` are ignored: every
        candidate is placed in the plan year (``year + 1``), after the existing works.
    budget : float
        Money available (same currency as the costs).
    works : GeoDataFrame or DataFrame, optional
        Works already in the ground: those completed by ``year`` are applied first.
    year : int, optional
        The year the existing works are counted to; the plan is for the year after.
    ruleset : str or Ruleset, default "permen-14-2018"
    objective : {"slum_ha", "weighted_ha", "score"}, default "slum_ha"
        What to maximise: slum hectares taken off the list; hectares weighted by level
        (``weights``); or total score points times hectares.
    cost_column : str, default "cost"
        Column of ``candidates`` holding each work's cost.
    time_limit : float, optional
        Seconds the solver may take; the best plan found is returned with its proven gap.
    constraints : mapping, optional
        ``"include"`` (ids that must be chosen), ``"exclude"`` (ids that must not),
        ``"alternatives"`` (a column of the candidates, or a mapping id → group: at most one
        work of each group), ``"budgets"`` (``{column: {value: budget}}``, e.g. per kota).
    weights : mapping, optional
        Weights by level for ``"weighted_ha"`` (default :data:`LEVEL_WEIGHTS`); they must
        grow with the level.
    mip_gap : float, default 0.0
        Relative gap at which the solver may stop (0: prove the optimum).
    greedy : bool, default True
        Also run the greedy baseline (best gain per rupiah first) and report it in
        ``Plan.greedy``.
    radii : mapping, optional
        Service radii by kind or category, overriding the catalogue (as in allocate).

    Returns
    -------
    Plan

    Raises
    ------
    InputError
        Empty units or candidates, no or bad costs, a budget that is not a number, unknown
        objective or constraint, works that must be included but do not fit the budget, and
        other input that cannot be planned with.

    Examples
    --------
    Two RT short of safe water (3a) and of fire protection and building standards; a public
    tap for each, costing 40 and 70 million, and a budget of 80 million:

    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> laea = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"
    >>> base = {"households": 100, "buildings": 50, "road_length_m": 400.0,
    ...     "drain_length_m": 400.0, "1a": 0, "1b": 0.0, "1c": 50, "2a": 0.0, "2b": 0.0,
    ...     "3b": 0, "4a": 0.0, "4b": 0.0, "4c": 0.0, "5a": 0, "5b": 0, "6a": 0, "6b": 0,
    ...     "7a": 50, "7b": 50}
    >>> units = gpd.GeoDataFrame([{"unit_id": "A", "3a": 30, **base},
    ...     {"unit_id": "B", "3a": 60, **base}],
    ...     geometry=[shapely.box(0, 0, 100, 100), shapely.box(300, 0, 450, 100)], crs=laea)
    >>> kg.assess(units)["total_score"].tolist()  # 16 and more is a slum
    [16, 18]
    >>> taps = gpd.GeoDataFrame({"intervention_id": ["T1", "T2"],
    ...     "kind": ["hidran_umum", "hidran_umum"], "radius_m": [80.0, 100.0],
    ...     "cost": [40e6, 70e6]},
    ...     geometry=[shapely.Point(50, 50), shapely.Point(375, 50)], crs=laea)
    >>> p = kg.plan(units, taps, budget=80e6)
    >>> p.selected["intervention_id"].tolist(), p.status, round(p.reduced_ha, 2)
    (['T2'], 'optimal', 1.5)

    Greedy takes the better hectares per rupiah first (1 ha for 40 million) and then has no
    money left for the larger RT:

    >>> p.greedy["selected"], round(p.greedy["gain"], 2)
    (['T1'], 1.0)
    """
    start_time = time.perf_counter()
    if objective not in OBJECTIVES:
        raise InputError(f"objective must be one of {list(OBJECTIVES)}, not {objective!r}.")
    budget = _number(budget, "budget")
    if time_limit is not None and not (np.isfinite(float(time_limit)) and time_limit > 0):
        raise InputError(f"time_limit must be a positive number of seconds, not {time_limit!r}.")
    if weights is not None and objective != "weighted_ha":
        raise InputError(
            f"weights apply to objective='weighted_ha' only, not to {objective!r}; pass "
            "objective='weighted_ha' or leave weights out."
        )
    if not (0 <= float(mip_gap) < 1):
        raise InputError(f"mip_gap must be a share between 0 and 1, not {mip_gap!r}.")
    rs = get_ruleset(ruleset)
    report = ValidationReport(what="plan")
    ctx = _context(
        units, candidates, works, year=year, rs=rs, cost_column=cost_column, radii=radii,
        report=report,
    )  # fmt: skip
    cand_ids = pd.Index(ctx.cands["intervention_id"].astype(str))
    cons = _constraints(constraints, candidates, cand_ids, ctx.cost, budget)
    model = _build_model(ctx, objective, weights)

    greedy_x = _greedy(model, cons) if greedy else None
    if len(model.band_row) == 0:
        sol = _Solution(cons.include.copy(), "nothing_to_gain", 0.0, 0.0, "none")
    else:
        sol = _solve(model, cons, greedy_x, time_limit=time_limit, mip_gap=mip_gap)
    x = _prune(model, cons, sol.x)
    gain = model.gain(x)
    if gain < sol.gain - 1e-6 * max(1.0, abs(sol.gain)):
        report.add(
            None, None, "warning", "model_mismatch",
            f"the solver's plan gains {sol.gain:.6f} in its model but {gain:.6f} when "
            "evaluated; the evaluated figures are reported",
        )  # fmt: skip
    bound = max(sol.bound, gain)
    if sol.status == "nothing_to_gain":
        gap = 0.0
    elif gain > 0:
        gap = max(0.0, (bound - gain) / gain)
    else:
        gap = 0.0 if bound <= 1e-9 else float("inf")
    if sol.status == "optimal" and gap <= max(mip_gap, 1e-9):
        gap = 0.0 if mip_gap == 0 else gap

    marginal = np.full(ctx.n, np.nan)
    for w in np.flatnonzero(x):
        units_w = model.units_of(int(w))
        x2 = x.copy()
        x2[w] = False
        marginal[w] = model.gain(x, units_w) - model.gain(x2, units_w)
    red, after = ctx.evaluate(x)
    after = _after_frame(ctx, after)
    greedy_info = None
    if greedy_x is not None:
        g_gain = model.gain(greedy_x)
        if objective == "slum_ha":
            g_slum = _slum_ha(ctx.base) - g_gain
        else:
            g_slum = _slum_ha(ctx.evaluate(greedy_x)[1])
        greedy_info = {
            "selected": cand_ids[greedy_x].tolist(),
            "cost": float(ctx.cost[greedy_x].sum()),
            "gain": g_gain,
            "slum_ha_after": g_slum,
        }
    report.extend(after.attrs.get("report", ValidationReport()))
    return Plan(
        selected=_selected_table(ctx, candidates, x, red, after, marginal),
        cost=float(ctx.cost[x].sum()),
        slum_ha_before=_slum_ha(ctx.base),
        slum_ha_after=_slum_ha(after),
        units=after,
        reductions=red,
        gap=gap,
        status=sol.status,
        objective=objective,
        gain=gain,
        bound=bound,
        budget=budget,
        greedy=greedy_info,
        solver=sol.solver,
        seconds=time.perf_counter() - start_time,
        model={
            "candidates": ctx.n,
            "candidates_in_model": int(model.relevant.sum()),
            "units": len(ctx.units),
            "units_in_model": len(model.unit_pos),
            "rows": len(model.row_unit),
            "bands": len(model.band_row),
            "auxiliary": model.n_aux,
        },
        report=report,
        baseline=ctx.base,
    )


def scenario(
    units: pd.DataFrame,
    works: pd.DataFrame,
    *,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    year: int | None = None,
    candidates: pd.DataFrame | None = None,
    ruleset: str | Ruleset = DEFAULT_RULESET,
    cost_column: str = "cost",
    radii: Mapping[str, float] | None = None,
) -> Plan:
    """What if these works were built (or those left out)? The hand-picked "simulasi".

    The baseline is the units after the works completed by ``year``. The scenario adds the
    works named in ``include`` (planned works of ``works``, or rows of ``candidates``),
    counted as done in the year after ``year`` and claiming overlaps after the completed
    works, and leaves out the completed works named in ``exclude``. Both states are computed
    with :func:`kotaku_gis.allocate` and :func:`kotaku_gis.assess`.

    Parameters
    ----------
    units : GeoDataFrame or DataFrame
        Baseline units.
    works : GeoDataFrame or DataFrame
        The works layer, completed and planned.
    include : list of str, optional
        ``intervention_id`` of works to count as done: from ``works`` (e.g. status
        ``"rencana"``) or from ``candidates``.
    exclude : list of str, optional
        ``intervention_id`` of completed works to leave out.
    year : int, optional
        Count the completed works to this year (all completed works without it).
    candidates : GeoDataFrame or DataFrame, optional
        Further works to pick from (e.g. the candidates of :func:`plan`).
    ruleset : str or Ruleset
    cost_column : str, default "cost"
        Column with costs, summed into ``Plan.cost`` when present.
    radii : mapping, optional
        Service radii overriding the catalogue.

    Returns
    -------
    Plan
        ``status`` ``"scenario"``; ``slum_ha_before`` is the baseline, ``slum_ha_after`` the
        scenario, ``units`` their comparison (``level_before``, ``leaves_list``).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> laea = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"
    >>> units = gpd.GeoDataFrame({"unit_id": ["A"], "households": [50], "buildings": [50],
    ...     "road_length_m": [400.0], "drain_length_m": [400.0], "1a": [0], "1b": [0.0],
    ...     "1c": [50], "2a": [0.0], "2b": [0.0], "3a": [50], "3b": [0], "4a": [0.0],
    ...     "4b": [0.0], "4c": [0.0], "5a": [0], "5b": [0], "6a": [0], "6b": [0],
    ...     "7a": [50], "7b": [50]}, geometry=[shapely.box(0, 0, 100, 100)], crs=laea)
    >>> works = gpd.GeoDataFrame({"intervention_id": ["T1"], "kind": ["hidran_umum"],
    ...     "status": ["rencana"], "year": [2024], "radius_m": [80.0]},
    ...     geometry=[shapely.Point(50, 50)], crs=laea)
    >>> s = kg.scenario(units, works, include=["T1"], year=2023)
    >>> s.status, round(s.slum_ha_before, 2), s.slum_ha_after, s.units["leaves_list"].tolist()
    ('scenario', 1.0, 0.0, [True])
    """
    start_time = time.perf_counter()
    rs = get_ruleset(ruleset)
    report = ValidationReport(what="scenario")
    works = _prepared(_as_frame(works, "works"), radii)
    inc = _ids_of(include, "include")
    exc = _ids_of(exclude, "exclude")
    work_ids = pd.Index(works["intervention_id"].astype(str))
    pool_parts = []
    done = completed_by(works, year).to_numpy()
    from_works = work_ids.isin(inc)
    already = from_works & done
    if already.any():
        report.add_rows(
            works.index[already], "intervention_id", "info", "already_counted",
            "the work is already completed by the year, so it is in the baseline",
        )  # fmt: skip
    pool_parts.append(works[from_works & ~done])
    if candidates is not None:
        cands = _prepared(_as_frame(candidates, "candidates"), radii)
        pool_parts.append(cands[cands["intervention_id"].astype(str).isin(inc).to_numpy()])
    known = set(work_ids) | (
        set(pool_parts[-1]["intervention_id"].astype(str)) if candidates is not None else set()
    )
    missing = [i for i in inc if i not in known]
    if missing:
        raise InputError(
            f"include names works that are in neither the works nor the candidates: {missing[:10]}."
        )
    chosen = pd.concat([p for p in pool_parts if len(p)] or [works.iloc[0:0]])
    if isinstance(works, gpd.GeoDataFrame) and not isinstance(chosen, gpd.GeoDataFrame):
        chosen = gpd.GeoDataFrame(chosen, geometry=[None] * len(chosen), crs=works.crs)
    bad_exc = [i for i in exc if i not in set(work_ids[done])]
    if bad_exc:
        raise InputError(
            f"exclude names works that are not completed works by {year or 'now'}: "
            f"{bad_exc[:10]}; only completed works can be left out."
        )
    has_cost = cost_column in chosen.columns
    rest = works[~(from_works & ~done)]
    ctx = _context(
        units, chosen, rest, year=year, rs=rs, cost_column=cost_column if has_cost else None,
        radii=None, report=report, what="included works", allow_empty=True,
    )  # fmt: skip
    if exc and ctx.existing is not None:
        drop = ctx.existing["intervention_id"].astype(str).isin(exc).to_numpy()
        report.add_rows(
            ctx.existing.index[drop], "intervention_id", "info", "left_out",
            "the completed work is left out of the scenario",
        )  # fmt: skip
        ctx.existing = ctx.existing[~drop]
    x = np.ones(ctx.n, dtype=bool)
    red, after = ctx.evaluate(x)
    after = _after_frame(ctx, after)
    before_ha, after_ha = _slum_ha(ctx.base), _slum_ha(after)
    report.extend(after.attrs.get("report", ValidationReport()))
    return Plan(
        selected=_selected_table(ctx, chosen, x, red, after, None),
        cost=float(np.nansum(ctx.cost)) if has_cost else float("nan"),
        slum_ha_before=before_ha,
        slum_ha_after=after_ha,
        units=after,
        reductions=red,
        gap=0.0,
        status="scenario",
        objective="slum_ha",
        gain=before_ha - after_ha,
        bound=before_ha - after_ha,
        budget=None,
        greedy=None,
        solver="",
        seconds=time.perf_counter() - start_time,
        report=report,
        baseline=ctx.base,
    )
