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

Lengths and areas are measured in the local Lambert azimuthal equal-area frame of each unit
(:mod:`kotaku_gis.crs`): areas are exact and lengths are within 1e-5 of the geodesic. Service
areas are buffered in that frame, from the work projected into it, with the arcs of
:func:`kotaku_gis.service_areas`. The piece of each (work, unit) pair is cut once and serves
every criterion of the work; unions are built only where a unit and criterion has several
pieces.

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

from .catalogue import (
    CAPACITY_MEASURES,
    INTERVENTION_KINDS,
    PERSONS_PER_HOUSEHOLD,
    kind_problems,
)
from .crs import local_frames, require_crs, to_frame_crs
from .errors import InputError
from .interventions import is_prepared, prepare_interventions, select_works
from .overlay import _buffer, _lonlat_boxes, _Works
from .report import ValidationReport
from .rulesets import RULESETS, all_codes
from .schema import id_strings

__all__ = ["REDUCTION_COLUMNS", "allocate"]

#: Columns of the reductions table, in order.
REDUCTION_COLUMNS: tuple[str, ...] = (
    "intervention_id",
    "unit_id",
    "criterion",
    "volume",
    "measure",
    "year",
    "method",
    "overlap_share",
    "capacity_factor",
    "kind",
    "source_row",
)

#: The dtype of each column of the reductions table.
_DTYPES: dict[str, object] = {
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

_SERVICE_COUNT = ("households", "buildings")
#: Claims and overlaps within this many square metres (a square centimetre) of nothing, or of
#: the whole piece, are taken as exactly that: the unions leave noise of about 1e-8 m².
_NEGLIGIBLE_M2 = 1e-4
#: Degrees added around a frame's units when picking the works that may serve them (the
#: exact test follows in the frame): covers a datum shift between layers whose geographic
#: CRSs differ, which the lon/lat boxes ignore.
_FRAME_MARGIN_DEG = 0.01
_KIND_BY_VOLUME = {k: v.by_volume for k, v in INTERVENTION_KINDS.items()}
_KIND_HAS_METRES = {k: "m" in v.criteria.values() for k, v in INTERVENTION_KINDS.items()}
_KIND_HAS_SERVICE = {
    k: any(m != "m" for m in v.criteria.values()) for k, v in INTERVENTION_KINDS.items()
}


def _criterion_units() -> dict[str, str]:
    out: dict[str, str] = {}
    for rs in RULESETS.values():
        for c in rs.criteria:
            out.setdefault(c.code, c.unit)
    return out


def _kind_table() -> pd.DataFrame:
    """One row per (kind, criterion) with the measure and whether it counts per item."""
    rows = [
        (key, code, measure, kind.by_volume)
        for key, kind in INTERVENTION_KINDS.items()
        for code, measure in kind.criteria.items()
    ]
    return pd.DataFrame(rows, columns=["kind_key", "criterion", "measure", "by_volume"])


class _UnitFrames:
    """Units projected once into their local equal-area frames."""

    def __init__(self, geoms: np.ndarray, crs: pyproj.CRS) -> None:
        self.crs = crs
        self.geoms = geoms
        self.frame_of = np.full(len(geoms), -1, dtype=np.int64)
        self.projected = np.full(len(geoms), None, dtype=object)
        self.frames = list(local_frames(geoms, crs))
        for k, frame in enumerate(self.frames):
            self.frame_of[frame.positions] = k
            self.projected[frame.positions] = to_frame_crs(geoms[frame.positions], crs, frame.crs)
        self.area_m2 = np.zeros(len(geoms))
        ok = self.frame_of >= 0
        self.area_m2[ok] = shapely.area(self.projected[ok])
        self.tree = shapely.STRtree(np.where(ok, geoms, None))
        self._lonlat: np.ndarray | None = None

    def measure(
        self, work_geoms: np.ndarray, work_pos: np.ndarray, unit_pos: np.ndarray, how: str
    ) -> np.ndarray:
        """Length (m) or area (m²) of each work's intersection with each paired unit."""
        out = np.zeros(len(work_pos))
        fr = self.frame_of[unit_pos]
        for k in np.unique(fr[fr >= 0]):
            sel = np.flatnonzero(fr == k)
            uniq, inv = np.unique(work_pos[sel], return_inverse=True)
            local = to_frame_crs(work_geoms[uniq], self.crs, self.frames[k].crs)
            inter = shapely.intersection(local[inv.ravel()], self.projected[unit_pos[sel]])
            out[sel] = shapely.length(inter) if how == "length" else shapely.area(inter)
        return out

    def pieces(self, works: _Works) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each work's service area inside each unit it touches, in the unit's frame.

        Returns work positions, unit positions, the pieces and their areas in m² (all > 0).
        Each work is projected into a unit's frame and buffered there, so a disc is a disc
        in that frame's metres.
        """
        if self._lonlat is None:
            self._lonlat = np.full((len(self.geoms), 4), np.nan)
            ok = self.frame_of >= 0
            self._lonlat[ok] = _lonlat_boxes(self.geoms[ok], self.crs)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for frame in self.frames:
            members = frame.positions
            box = self._lonlat[members]
            near = works.near(
                np.array([box[:, 0].min(), box[:, 1].min(), box[:, 2].max(), box[:, 3].max()])
                + np.array([-1.0, -1.0, 1.0, 1.0]) * _FRAME_MARGIN_DEG
            )  # fmt: skip
            if len(near) == 0:
                continue
            svc = _buffer(to_frame_crs(works.geoms[near], works.crs, frame.crs), works.radius[near])
            targets = self.projected[members]
            si, ui = shapely.STRtree(targets).query(svc, predicate="intersects")
            if len(si) == 0:
                continue
            s, t = svc[si], targets[ui]
            shapely.prepare(svc)
            shapely.prepare(targets)
            # Containment settles some pairs (a wide service area over a whole RT, a small
            # disc inside one) without an overlay, and gives their pieces exactly.
            whole = shapely.covers(s, t)
            inside = ~whole & shapely.covers(t, s)
            cut = ~whole & ~inside
            piece = np.where(whole, t, s)
            piece[cut] = shapely.intersection(s[cut], t[cut])
            m2 = shapely.area(piece)
            pos = m2 > 0
            found.append((near[si[pos]], members[ui[pos]], piece[pos], m2[pos]))
        if not found:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=object), np.empty(0)
        w, u, piece, m2 = (np.concatenate(x) for x in zip(*found, strict=True))
        return w, u, piece, m2


def _as_geoms(frame: pd.DataFrame, crs: pyproj.CRS | None) -> np.ndarray:
    if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
        return np.full(len(frame), None, dtype=object)
    geo = frame.geometry
    if crs is not None and geo.crs is not None and not pyproj.CRS(geo.crs).equals(crs):
        geo = geo.to_crs(crs)
    return np.asarray(geo.array, dtype=object)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in _DTYPES.items()})


def _table_rows(
    works: pd.DataFrame, ids: pd.Index, report: ValidationReport
) -> pd.DataFrame | None:
    if works.empty:
        return None
    crit = works["criterion"].astype("string").str.strip().str.lower()
    uid = id_strings(works["unit_id"])
    vol = pd.to_numeric(works["volume"], errors="coerce").astype(float)
    known_crit = crit.isin(all_codes()).fillna(False).to_numpy(dtype=bool)
    known_unit = ids.get_indexer(uid) >= 0
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
    units_of = _criterion_units()
    rows = works[keep]
    return pd.DataFrame(
        {
            "intervention_id": rows["intervention_id"].to_numpy(),
            "unit_id": uid[keep].to_numpy(),
            "criterion": crit[keep].to_numpy(),
            "volume": vol[keep].to_numpy(),
            "measure": crit[keep].map(units_of).to_numpy(),
            "year": rows["year"].to_numpy(),
            "method": "table",
            "overlap_share": np.nan,
            "capacity_factor": np.nan,
            "kind": rows["kind_key"].to_numpy(),
            "source_row": rows.index.to_numpy(),
        }
    )


def _point_rows(
    works: pd.DataFrame, geoms: np.ndarray, uf: _UnitFrames, kt: pd.DataFrame
) -> tuple[pd.DataFrame | None, np.ndarray]:
    """Whole volumes to the unit containing each work's point; returns rows and hit mask."""
    hit = np.zeros(len(works), dtype=bool)
    if works.empty:
        return None, hit
    pts = shapely.point_on_surface(geoms)
    w, u = uf.tree.query(pts, predicate="intersects")
    # A point on a shared edge touches two units: the first one takes it, not both.
    first = np.unique(w, return_index=True)[1]
    w, u = w[first], u[first]
    hit[w] = True
    pairs = pd.DataFrame({"w": w, "u": u, "kind_key": works["kind_key"].to_numpy()[w]})
    pairs = pairs.merge(kt, on="kind_key")
    vol = pd.to_numeric(works["volume"], errors="coerce").to_numpy(dtype=float)
    pairs["volume"] = vol[pairs["w"].to_numpy()]
    pairs["method"] = "point_volume"
    return pairs, hit


def _line_rows(
    works: pd.DataFrame, geoms: np.ndarray, uf: _UnitFrames, kt: pd.DataFrame
) -> tuple[pd.DataFrame | None, np.ndarray]:
    hit = np.zeros(len(works), dtype=bool)
    if works.empty:
        return None, hit
    w, u = uf.tree.query(geoms, predicate="intersects")
    metres = uf.measure(geoms, w, u, "length")
    pos = metres > 0
    w, u, metres = w[pos], u[pos], metres[pos]
    hit[w] = True
    pairs = pd.DataFrame({"w": w, "u": u, "volume": metres})
    pairs["kind_key"] = works["kind_key"].to_numpy()[w]
    pairs = pairs.merge(kt[kt["measure"] == "m"], on="kind_key")
    pairs["method"] = "line_length"
    return pairs, hit


def _same_sequences(
    pair: np.ndarray, starts: np.ndarray, counts: np.ndarray, rank_of: np.ndarray
) -> np.ndarray:
    """For each group, the first group with the same sequence of pairs (itself if none).

    Sequences are matched by length, first pair and a polynomial hash, then checked pair by
    pair, so a hash collision only costs a union, never a wrong claim.
    """
    weights = np.power(np.uint64(0x9E3779B97F4A7C15), rank_of.astype(np.uint64))
    terms = (pair.astype(np.uint64) + np.uint64(1)) * weights
    digest = np.add.reduceat(terms, starts).view(np.int64)
    keys = np.column_stack([counts, pair[starts], digest])
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    same_as = first[inverse.ravel()]
    of_row = np.repeat(np.arange(len(starts)), counts)
    differ = pair != pair[starts[same_as[of_row]] + rank_of]
    collided = np.unique(of_row[differ])
    same_as[collided] = collided
    return same_as


def _claims(
    group: np.ndarray, pair: np.ndarray, pieces: np.ndarray, m2: np.ndarray, unit_m2: np.ndarray
) -> np.ndarray:
    """The area (m²) of each row's piece that the earlier pieces of its group do not cover.

    Rows come sorted by group (one unit and criterion) and, within a group, in claiming
    order; ``pair`` names each row's piece among ``pieces`` / ``m2``, and ``unit_m2`` is the
    area of each row's unit. A group of one piece claims it whole. Groups with the same
    pieces in the same order (3a and 3b of water works, 1a and 7a of roads) are claimed
    once. The others grow the union of their pieces one rank at a time across all groups
    (one vectorised union per rank); a group whose union already fills its unit claims
    nothing more.
    """
    claim = m2[pair]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    counts = np.diff(np.r_[starts, len(group)])
    if (counts == 1).all():
        return claim
    of_row = np.repeat(np.arange(len(starts)), counts)
    rank_of = np.arange(len(group)) - starts[of_row]
    same_as = _same_sequences(pair, starts, counts, rank_of)
    live = np.unique(same_as[counts > 1])
    union = pieces[pair[starts[live]]]
    union_m2 = m2[pair[starts[live]]]
    full = unit_m2[starts[live]]
    rank = 1
    while len(live):
        at = starts[live] + rank
        done = union_m2 >= full - _NEGLIGIBLE_M2
        claim[at[done]] = 0.0
        grown = shapely.union(union[~done], pieces[pair[at[~done]]])
        grown_m2 = shapely.area(grown)
        claim[at[~done]] = grown_m2 - union_m2[~done]
        union[~done], union_m2[~done] = grown, grown_m2
        rank += 1
        more = counts[live] > rank
        live, union, union_m2, full = live[more], union[more], union_m2[more], full[more]
    own = m2[pair]
    later = rank_of > 0
    claim[later] = np.clip(claim[later], 0.0, own[later])
    whole = later & (own - claim <= _NEGLIGIBLE_M2)
    claim[whole] = own[whole]
    claim[later & (claim <= _NEGLIGIBLE_M2)] = 0.0
    # Groups that repeat an earlier group's sequence copy its claims, rank by rank.
    return claim[starts[same_as[of_row]] + rank_of]


@dataclass
class _Counts:
    """The units' counts a share of a unit is turned into, NaN where a cell is blank;
    ``None`` for a column the units lack."""

    households: np.ndarray | None
    buildings: np.ndarray | None
    people: np.ndarray | None

    @classmethod
    def of(cls, units: pd.DataFrame, persons_per_household: float) -> _Counts:
        def column(name: str) -> np.ndarray | None:
            if name not in units.columns:
                return None
            return pd.to_numeric(units[name], errors="coerce").to_numpy(dtype=float)

        households = column("households")
        people = column("penduduk")
        from_households = None if households is None else households * persons_per_household
        if people is None:
            people = from_households
        elif from_households is not None:
            people = np.where(np.isnan(people), from_households, people)
        return cls(households, column("buildings"), people)

    def __getitem__(self, measure: str) -> np.ndarray | None:
        return getattr(self, measure)


def _capacities(
    capacities: Mapping[str, float | tuple[float, str] | None] | None,
) -> dict[str, tuple[float, str] | None]:
    """Capacity (size, measure) of each kind key, from the catalogue and the overrides."""
    out = {
        k: (float(v.capacity), v.capacity_measure) if v.capacity is not None else None
        for k, v in INTERVENTION_KINDS.items()
    }
    given = dict(capacities or {})
    unknown = [k for k in given if k not in INTERVENTION_KINDS]
    if unknown:
        raise InputError(
            f"capacities names unknown kinds {unknown}; use keys of kg.INTERVENTION_KINDS."
        )
    parsed: dict[str, tuple[float, str] | None] = {}
    for key, value in given.items():
        if value is None:
            parsed[key] = None
            continue
        size, measure = value if isinstance(value, tuple) else (value, None)
        measure = measure or INTERVENTION_KINDS[key].capacity_measure
        try:
            size = float(size)
        except (TypeError, ValueError):
            size = np.nan
        if measure not in CAPACITY_MEASURES or not size > 0:
            raise InputError(
                f"capacities[{key!r}] must be a positive number in the kind's measure, or a "
                f"(number, measure) pair with measure one of {list(CAPACITY_MEASURES)}; not "
                f"{value!r}."
            )
        parsed[key] = (size, measure)
    for key, kind in INTERVENTION_KINDS.items():
        for name in (key, kind.category):
            if name in parsed:
                out[key] = parsed[name]
                break
    return out


def _capacity_factors(
    w: np.ndarray,
    u: np.ndarray,
    own_share: np.ndarray,
    kind_key: np.ndarray,
    counts: _Counts,
    capacity: dict[str, tuple[float, str] | None],
) -> np.ndarray:
    """``r_w = min(1, C_w / own_w)`` of each work, from its own pieces before overlaps."""
    r = np.ones(len(kind_key))
    for measure in CAPACITY_MEASURES:
        sizes = {k: c[0] for k, c in capacity.items() if c is not None and c[1] == measure}
        size = pd.Series(kind_key, dtype=object).map(sizes).to_numpy(dtype=float)
        has = ~np.isnan(size)
        n = counts[measure]
        if not has.any() or n is None:
            continue
        reach = np.bincount(w, weights=np.nan_to_num(own_share * n[u]), minlength=len(kind_key))
        capped = has & (reach > size)
        r[capped] = size[capped] / reach[capped]
    return r


def _service_rows(
    works: _Works,
    kind_key: np.ndarray,
    order: np.ndarray,
    uf: _UnitFrames,
    kt: pd.DataFrame,
    counts: _Counts,
    capacity: dict[str, tuple[float, str] | None],
) -> tuple[pd.DataFrame | None, np.ndarray]:
    """Hectare and share rows of the service areas, overlaps claimed in ``order`` (ranks)."""
    hit = np.zeros(len(kind_key), dtype=bool)
    if len(kind_key) == 0:
        return None, hit
    w, u, pieces, m2 = uf.pieces(works)
    hit[w] = True
    own_share = np.minimum(
        np.divide(m2, uf.area_m2[u], out=np.zeros(len(w)), where=uf.area_m2[u] > 0), 1.0
    )
    factor = _capacity_factors(w, u, own_share, kind_key, counts, capacity)
    pairs = pd.DataFrame({"pair": np.arange(len(w)), "w": w, "u": u, "kind_key": kind_key[w]})
    pairs = pairs.merge(kt[(kt["measure"] != "m") & ~kt["by_volume"]], on="kind_key")
    # Each unit and criterion takes the pieces of its works in claiming order.
    pairs["rank"] = order[pairs["w"].to_numpy()]
    pairs = pairs.sort_values(["u", "criterion", "rank"], kind="stable", ignore_index=True)
    pair = pairs["pair"].to_numpy()
    uu = pairs["u"].to_numpy()
    ww = pairs["w"].to_numpy()
    crit = pairs["criterion"].to_numpy()
    group = np.cumsum(np.r_[True, (uu[1:] != uu[:-1]) | (crit[1:] != crit[:-1])])
    claim = _claims(group, pair, pieces, m2, uf.area_m2[uu])
    own = m2[pair]
    measure = pairs["measure"].to_numpy()
    vol = np.full(len(pairs), np.nan)
    cap = np.full(len(pairs), np.nan)
    is_ha = measure == "ha"
    vol[is_ha] = claim[is_ha] / 10_000.0
    share = np.divide(claim, uf.area_m2[uu], out=np.zeros(len(pairs)), where=uf.area_m2[uu] > 0)
    share = np.minimum(share, 1.0)
    for col in _SERVICE_COUNT:
        sel = measure == col
        cap[sel] = factor[ww[sel]]
        n = counts[col]
        if sel.any() and n is not None:
            vol[sel] = share[sel] * n[uu[sel]] * factor[ww[sel]]
    pairs["volume"] = vol
    pairs["overlap_share"] = np.clip(1.0 - claim / own, 0.0, 1.0)
    pairs["capacity_factor"] = cap
    pairs["method"] = np.where(is_ha, "polygon_area", "service_share")
    return pairs, hit


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


def _report_missing_counts(
    rows: pd.DataFrame, sw: pd.DataFrame, counts: _Counts, report: ValidationReport
) -> pd.DataFrame:
    """Name the denominators the units lack, or leave blank, and drop the rows they hold back."""
    measure = rows["measure"].to_numpy()
    vol = rows["volume"].to_numpy(dtype=float)
    keep = ~np.isnan(vol)
    for col in _SERVICE_COUNT:
        sel = (measure == col) & ~keep
        if not sel.any():
            continue
        w = rows["w"].to_numpy()[sel]
        codes = "/".join(sorted(set(rows["criterion"].to_numpy()[sel].astype(str))))
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
            units_blank = len(np.unique(rows["u"].to_numpy()[sel]))
            report.add(
                None, col, "warning", "blank_denominator",
                f"{units_blank} unit(s) have a blank {col!r}, so {codes} of {n_works} work(s) "
                f"({kinds}) in them could not be allocated; fill in {col!r} for those units",
            )  # fmt: skip
    return rows[keep]


def _spatial_rows(
    sw: pd.DataFrame,
    sg: np.ndarray,
    units: gpd.GeoDataFrame,
    ucrs: pyproj.CRS,
    counts: _Counts,
    capacity: dict[str, tuple[float, str] | None],
    report: ValidationReport,
) -> list[pd.DataFrame]:
    """Rows of works with geometry: items, lines, service areas; report what misses."""
    uf = _UnitFrames(np.asarray(units.geometry.array, dtype=object), ucrs)
    kt = _kind_table()
    keys = sw["kind_key"].astype(object)
    by_volume = keys.map(_KIND_BY_VOLUME).to_numpy(dtype=bool)
    wants_m = keys.map(_KIND_HAS_METRES).to_numpy(dtype=bool) & ~by_volume
    wants_svc = keys.map(_KIND_HAS_SERVICE).to_numpy(dtype=bool) & ~by_volume
    dims = shapely.get_dimensions(sg)
    lines = wants_m & (dims == 1)
    no_line = wants_m & (dims != 1)
    if no_line.any():
        report.add_rows(
            sw.index[no_line], "geometry", "info", "no_line",
            "metre criteria (e.g. 2a/2b, 4b/4c) need the work drawn as a line; only its "
            "other criteria were allocated",
        )  # fmt: skip
    hit = np.zeros(len(sw), dtype=bool)
    got: list[pd.DataFrame | None] = []

    pts_rows, pts_hit = _point_rows(sw[by_volume], sg[by_volume], uf, kt[kt["by_volume"]])
    got.append(_relabel(pts_rows, np.flatnonzero(by_volume)))
    hit[by_volume] |= pts_hit
    line_rows, line_hit = _line_rows(sw[lines], sg[lines], uf, kt)
    got.append(_relabel(line_rows, np.flatnonzero(lines)))
    hit[lines] |= line_hit
    if wants_svc.any():
        svc_works = _Works.from_frame(sw[wants_svc], None)
        empty = (svc_works.radius <= 0) & (dims[wants_svc] < 2)
        if empty.any():
            report.add_rows(
                sw.index[wants_svc][empty], "radius_m", "info", "no_service_area",
                "radius 0 on a point or line gives no service area; its household, "
                "building and hectare criteria were not allocated",
            )  # fmt: skip
        svc_rows, svc_hit = _service_rows(
            svc_works,
            sw["kind_key"].to_numpy(dtype=object)[wants_svc],
            _claiming_order(sw)[wants_svc],
            uf,
            kt,
            counts,
            capacity,
        )
        svc_rows = _relabel(svc_rows, np.flatnonzero(wants_svc))
        if svc_rows is not None:
            svc_rows = _report_missing_counts(svc_rows, sw, counts, report)
        got.append(svc_rows)
        hit[wants_svc] |= svc_hit
    outside = ~hit & (by_volume | lines | wants_svc)
    if outside.any():
        report.add_rows(
            sw.index[outside], "geometry", "warning", "outside_units",
            "the work lies in no unit (or its service area touches none); not allocated",
        )  # fmt: skip
    parts = []
    ids = id_strings(units["unit_id"]).to_numpy()
    for rows in got:
        if rows is None or rows.empty:
            continue
        vol = rows["volume"].to_numpy(dtype=float)
        bad = np.isnan(vol)
        if bad.any():
            report.add_rows(
                sw.index[np.unique(rows["w"].to_numpy()[bad])], "volume", "warning",
                "bad_volume",
                "the work has no volume (none given, none measured from its geometry); its "
                "per-item criteria were not allocated: fill in its volume",
            )  # fmt: skip
        rows = rows[~bad]
        w = rows["w"].to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "intervention_id": sw["intervention_id"].to_numpy()[w],
                    "unit_id": ids[rows["u"].to_numpy()],
                    "criterion": rows["criterion"].to_numpy(),
                    "volume": rows["volume"].to_numpy(dtype=float),
                    "measure": rows["measure"].to_numpy(),
                    "year": sw["year"].to_numpy()[w],
                    "method": rows["method"].to_numpy(),
                    "overlap_share": _column(rows, "overlap_share"),
                    "capacity_factor": _column(rows, "capacity_factor"),
                    "kind": sw["kind_key"].to_numpy()[w],
                    "source_row": sw.index.to_numpy()[w],
                }
            )
        )
    return parts


def _column(rows: pd.DataFrame, name: str) -> np.ndarray | float:
    return rows[name].to_numpy(dtype=float) if name in rows.columns else np.nan


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


def allocate(
    units: pd.DataFrame,
    interventions: pd.DataFrame,
    *,
    year: int | None = None,
    radii: Mapping[str, float] | None = None,
    include_planned: bool = False,
    capacities: Mapping[str, float | tuple[float, str] | None] | None = None,
    persons_per_household: float = PERSONS_PER_HOUSEHOLD,
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
    capacity = _capacities(capacities)
    if not (np.isfinite(persons_per_household) and persons_per_household > 0):
        raise InputError(
            f"persons_per_household must be a positive number, not {persons_per_household!r}."
        )
    wgeoms = _as_geoms(works, ucrs)
    located = ~(shapely.is_missing(wgeoms) | shapely.is_empty(wgeoms))
    is_table = np.zeros(len(works), dtype=bool)
    if "unit_id" in works.columns and "criterion" in works.columns:
        is_table = (works["unit_id"].notna() & works["criterion"].notna()).to_numpy()
    parts: list[pd.DataFrame] = []
    table = _table_rows(works[is_table], ids, report)
    if table is not None:
        parts.append(table)
    spatial = _report_unplaced(works, located, is_table, report)
    if spatial.any() and ucrs is None:
        raise InputError(
            f"the units are a table without geometry, so {int(spatial.sum())} work(s) drawn on "
            "the map cannot be placed in them; join the table to its polygons first "
            "(kg.join_r0(table, 'rt.gpkg')), or give those works as table rows with unit_id "
            "and criterion."
        )
    _report_category_kinds(works[spatial | is_table], report)
    if spatial.any():
        counts = _Counts.of(units, float(persons_per_household))
        parts += _spatial_rows(
            works[spatial], wgeoms[spatial], units, ucrs, counts, capacity, report
        )
    out = pd.concat([_empty(), *parts], ignore_index=True) if parts else _empty()
    out = out.astype(_DTYPES)
    out = out.sort_values(
        ["intervention_id", "unit_id", "criterion"], kind="stable", ignore_index=True
    )
    out.attrs["report"] = report
    out.attrs["what_if"] = bool(include_planned)
    return out[list(REDUCTION_COLUMNS)]


def _claiming_order(works: pd.DataFrame) -> np.ndarray:
    """Rank of each work when claiming overlaps: by year (none last), id, then row."""
    keys = pd.DataFrame(
        {
            "year": pd.to_numeric(works["year"], errors="coerce").astype(float).to_numpy(),
            "id": works["intervention_id"].astype("string").to_numpy(),
            "row": np.arange(len(works)),
        }
    )
    ranked = keys.sort_values(["year", "id", "row"], na_position="last", kind="stable")
    order = np.empty(len(works), dtype=np.int64)
    order[ranked.index.to_numpy()] = np.arange(len(works))
    return order


def _relabel(rows: pd.DataFrame | None, positions: np.ndarray) -> pd.DataFrame | None:
    """Map work positions within a subset back to positions among the spatial works."""
    if rows is None:
        return None
    rows = rows.copy()
    rows["w"] = positions[rows["w"].to_numpy()]
    return rows
