"""What each work serves in each unit: pieces of service areas, claims in time order, and
capacities, measured chunk by chunk for allocation and planning.

A work's *piece* in a unit is its service area (buffered in the unit's frame) inside the unit.
Pieces that overlap are *claimed* in time order: for each unit and criterion the works are
taken by ``(year, intervention_id)`` (undated last, ties by row) and each claims the part of
its piece that earlier pieces have not (:func:`claims`). A work with a capacity serves at most
that many (:func:`capacity_factors`). :mod:`kotaku_gis.allocation` tells the rules in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from ..catalogue import CAPACITY_MEASURES, INTERVENTION_KINDS
from ..errors import InputError
from .layers import Chunk, UnitLayer, Works

__all__ = [
    "KIND_BY_VOLUME",
    "KIND_HAS_METRES",
    "KIND_HAS_SERVICE",
    "NEGLIGIBLE_M2",
    "Counts",
    "Criteria",
    "Measured",
    "capacity_factors",
    "capacity_rules",
    "claiming_order",
    "claims",
    "kind_table",
    "measure",
    "ranges",
    "service_pieces",
]

#: Claims and overlaps within this many square metres (a square centimetre) of nothing, or of
#: the whole piece, are taken as exactly that: the unions leave noise of about 1e-8 m².
NEGLIGIBLE_M2 = 1e-4
#: Metres of line within this much (a micrometre) of nothing are nothing: a line that ends on
#: a unit's edge can poke a nanometre into the next unit once projected into the frame.
NEGLIGIBLE_M = 1e-6
#: Kinds counted per item (their volume goes whole to the unit holding the point).
KIND_BY_VOLUME = {k: v.by_volume for k, v in INTERVENTION_KINDS.items()}
#: Kinds with a criterion measured in metres of line.
KIND_HAS_METRES = {k: "m" in v.criteria.values() for k, v in INTERVENTION_KINDS.items()}
#: Kinds with a criterion measured on their service area (hectares, households, buildings).
KIND_HAS_SERVICE = {
    k: any(m != "m" for m in v.criteria.values()) for k, v in INTERVENTION_KINDS.items()
}


def kind_table() -> pd.DataFrame:
    """One row per (kind, criterion) with the measure and whether it counts per item."""
    rows = [
        (key, code, measure, kind.by_volume)
        for key, kind in INTERVENTION_KINDS.items()
        for code, measure in kind.criteria.items()
    ]
    return pd.DataFrame(rows, columns=["kind_key", "criterion", "measure", "by_volume"])


def claiming_order(works: pd.DataFrame) -> np.ndarray:
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


# ---------------------------------------------------------------- capacities


@dataclass
class Counts:
    """The units' counts a share of a unit is turned into, NaN where a cell is blank;
    ``None`` for a column the units lack."""

    households: np.ndarray | None
    buildings: np.ndarray | None
    people: np.ndarray | None

    @classmethod
    def of(cls, units: pd.DataFrame, persons_per_household: float) -> Counts:
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


def capacity_rules(
    overrides: Mapping[str, float | tuple[float, str] | None] | None,
) -> dict[str, tuple[float, str] | None]:
    """Capacity (size, measure) of each kind key, from the catalogue and the overrides."""
    out = {
        k: (float(v.capacity), v.capacity_measure) if v.capacity is not None else None
        for k, v in INTERVENTION_KINDS.items()
    }
    given = dict(overrides or {})
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


def capacity_factors(
    w: np.ndarray,
    u: np.ndarray,
    own_share: np.ndarray,
    kind_key: np.ndarray,
    counts: Counts,
    capacity: dict[str, tuple[float, str] | None],
) -> np.ndarray:
    """``r_w = min(1, C_w / own_w)`` of each work, from its own pieces before overlaps.

    ``w`` and ``u`` name each piece's work (a position in ``kind_key``) and unit (a position
    in ``counts``), ``own_share`` the piece's share of its unit.
    """
    r = np.ones(len(kind_key))
    for measure in CAPACITY_MEASURES:
        sizes = {k: c[0] for k, c in capacity.items() if c is not None and c[1] == measure}
        size = pd.Series(kind_key, dtype=object).map(sizes).to_numpy(dtype=float)
        has = ~np.isnan(size)
        n = counts[measure]
        if not has.any() or n is None:
            continue
        # Summed in the order of (work, unit), whatever order the pieces come in, so that
        # the factors do not depend on how the units were split.
        o = np.lexsort((u, w))
        served = np.nan_to_num(own_share[o] * n[u[o]])
        reach = np.bincount(w[o], weights=served, minlength=len(kind_key))
        capped = has & (reach > size)
        r[capped] = size[capped] / reach[capped]
    return r


# ---------------------------------------------------------------- pieces and claims


def _pieces_in_frame(
    svc: np.ndarray, targets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each service area inside each target it touches, both in one frame.

    Returns service positions, target positions, the pieces and their areas in m² (all > 0).
    """
    si, ui = shapely.STRtree(targets).query(svc, predicate="intersects")
    if len(si) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=object), np.zeros(0)
    s, t = svc[si], targets[ui]
    shapely.prepare(s)
    shapely.prepare(targets)
    # Containment settles some pairs (a wide service area over a whole RT, a small disc
    # inside one) without an overlay, and gives their pieces exactly.
    whole = shapely.covers(s, t)
    inside = ~whole & shapely.covers(t, s)
    cut = ~whole & ~inside
    piece = np.where(whole, t, s)
    piece[cut] = shapely.intersection(s[cut], t[cut])
    m2 = shapely.area(piece)
    keep = m2 > 0
    return si[keep], ui[keep], piece[keep], m2[keep]


def service_pieces(
    layer: UnitLayer, works: Works
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each work's service area inside each unit it touches, in the unit's frame.

    Returns work positions, unit positions, the pieces and their areas in m² (all > 0),
    chunk by chunk. Each work is projected into a unit's frame and buffered there, so a
    disc is a disc in that frame's metres.
    """

    def task(chunk: Chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        near = works.reaching(chunk.bounds)
        si, ui, piece, m2 = _pieces_in_frame(
            works.in_frame(near, chunk.crs, buffered=True), layer.project(chunk)
        )
        return near[si], chunk.positions[ui], piece, m2

    found = list(layer.map(task))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=object), np.zeros(0)
    w, u, piece, m2 = (np.concatenate(x) for x in zip(*found, strict=True))
    return w, u, piece, m2


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


def claims(
    group: np.ndarray, pair: np.ndarray, pieces: np.ndarray, m2: np.ndarray, unit_m2: np.ndarray
) -> np.ndarray:
    """The area (m²) of each row's piece that the earlier pieces of its group do not cover.

    Rows come sorted by group (one unit and criterion) and, within a group, in claiming
    order; ``pair`` names each row's piece among ``pieces`` / ``m2``, and ``unit_m2`` is the
    area of each row's unit. A group of one piece claims it whole. Groups with the same
    pieces in the same order (3a and 3b of water works, 1a and 7a of roads) are claimed
    once. The others grow the union of their pieces one rank at a time across all groups
    (one vectorised union per rank); a group whose union already fills its unit claims
    nothing more, and a piece that meets nothing of the union claims itself whole and joins
    it without an overlay.
    """
    claim = m2[pair]
    if len(group) == 0:
        return claim
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
        done = union_m2 >= full - NEGLIGIBLE_M2
        claim[at[done]] = 0.0
        grow = np.flatnonzero(~done)
        piece = pieces[pair[at[grow]]]
        shapely.prepare(union[grow])
        apart = ~shapely.intersects(union[grow], piece)
        joined = _joined(union[grow[apart]], piece[apart])
        union[grow[apart]] = joined
        union_m2[grow[apart]] += m2[pair[at[grow[apart]]]]
        meet = grow[~apart]
        grown = shapely.union(union[meet], piece[~apart])
        grown_m2 = shapely.area(grown)
        claim[at[meet]] = grown_m2 - union_m2[meet]
        union[meet], union_m2[meet] = grown, grown_m2
        rank += 1
        more = counts[live] > rank
        live, union, union_m2, full = live[more], union[more], union_m2[more], full[more]
    own = m2[pair]
    later = rank_of > 0
    claim[later] = np.clip(claim[later], 0.0, own[later])
    whole = later & (own - claim <= NEGLIGIBLE_M2)
    claim[whole] = own[whole]
    claim[later & (claim <= NEGLIGIBLE_M2)] = 0.0
    # Groups that repeat an earlier group's sequence copy its claims, rank by rank.
    return claim[starts[same_as[of_row]] + rank_of]


def _joined(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a[i] ∪ b[i]`` of geometries that share no point: the multipolygon of their polygons."""
    if len(a) == 0:
        return a
    parts_a, of_a = shapely.get_parts(a, return_index=True)
    parts_b, of_b = shapely.get_parts(b, return_index=True)
    parts = np.concatenate([parts_a, parts_b])
    of = np.concatenate([of_a, of_b])
    polygonal = shapely.get_type_id(parts) == 3  # lines and points where pieces touch go
    parts, of = parts[polygonal], of[polygonal]
    order = np.argsort(of, kind="stable")
    joined = shapely.multipolygons(parts[order], indices=of[order])
    out = np.full(len(a), None, dtype=object)
    out[: len(joined)] = joined
    return out


# ---------------------------------------------------------------- allocation, chunk by chunk


@dataclass
class Measured:
    """What the works serve in the units, as plain arrays (positions among works and units).

    Lines: ``line_w``, ``line_u``, ``metres`` (> 0). Service pieces: ``piece_w``,
    ``piece_u``, ``piece_m2`` (> 0) and each unit's ``unit_m2``; claims: one row per piece
    and service criterion of its work, ``row_piece`` (position among the pieces),
    ``row_criterion`` (the criterion's entry, :class:`Criteria`) and ``row_claim_m2``.
    """

    line_w: np.ndarray
    line_u: np.ndarray
    metres: np.ndarray
    piece_w: np.ndarray
    piece_u: np.ndarray
    piece_m2: np.ndarray
    unit_m2: np.ndarray
    row_piece: np.ndarray
    row_criterion: np.ndarray
    row_claim_m2: np.ndarray


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + c) for s, c in zip(starts, counts)])``, vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    offsets = np.repeat(starts - (ends - counts), counts)
    return np.arange(total) + offsets


def _line_lengths(
    local: np.ndarray, lines: Works, chunk: Chunk
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Metres of each line inside each unit of a chunk (``local``: the units in its frame).

    Returns line positions, unit positions within the chunk and metres (> 0). A line along
    the edge two units share counts in both: it serves both sides.
    """
    near = lines.reaching(chunk.bounds)
    if len(near) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    geoms = lines.in_frame(near, chunk.crs, buffered=False)
    li, ui = shapely.STRtree(local).query(geoms, predicate="intersects")
    g, t = geoms[li], local[ui]
    # A line wholly inside its unit keeps its length without an overlay.
    inside = shapely.covers(t, g)
    metres = shapely.length(g)
    metres[~inside] = shapely.length(shapely.intersection(g[~inside], t[~inside]))
    keep = metres > NEGLIGIBLE_M
    return near[li[keep]], ui[keep], metres[keep]


@dataclass(frozen=True)
class Criteria:
    """The service criteria of each work: work ``i`` has the entries
    ``entry[ptr[i]:ptr[i + 1]]`` (rows of a table of kinds' criteria), and entries with the
    same ``code`` (one criterion) claim a unit's area together."""

    ptr: np.ndarray
    entry: np.ndarray
    code: np.ndarray


def _claims_in_chunk(
    piece_w: np.ndarray,
    piece_u: np.ndarray,
    pieces: np.ndarray,
    m2: np.ndarray,
    unit_m2: np.ndarray,
    criteria: Criteria,
    order: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows (piece, criterion entry) of a chunk's pieces and the area each claims."""
    ptr = criteria.ptr
    counts = ptr[piece_w + 1] - ptr[piece_w]
    row_piece = np.repeat(np.arange(len(piece_w)), counts)
    row_entry = criteria.entry[ranges(ptr[piece_w], counts)]
    code = criteria.code[row_entry]
    # Each unit and criterion takes the pieces of its works in claiming order.
    rows = np.lexsort((order[piece_w[row_piece]], code, piece_u[row_piece]))
    row_piece, row_entry, code = row_piece[rows], row_entry[rows], code[rows]
    uu = piece_u[row_piece]
    group = np.cumsum(np.r_[True, (uu[1:] != uu[:-1]) | (code[1:] != code[:-1])])
    claim = claims(group, row_piece, pieces, m2, unit_m2[uu])
    return row_piece, row_entry, claim


def measure(
    layer: UnitLayer,
    lines: Works,
    services: Works,
    criteria: Criteria,
    order: np.ndarray,
) -> Measured:
    """Metres of ``lines`` and claimed service pieces of ``services`` in every unit.

    ``criteria`` gives each service work's criteria; ``order`` is each service work's
    claiming rank (:func:`claiming_order`). A chunk keeps only plain arrays: its pieces are
    claimed and let go before the next chunk, so memory holds one chunk's geometry per
    thread.
    """

    def task(chunk: Chunk) -> tuple[np.ndarray, ...]:
        local = layer.project(chunk)
        shapely.prepare(local)  # lines and service areas are both tested against the units
        area = shapely.area(local)
        lw, lu, metres = _line_lengths(local, lines, chunk)
        near = services.reaching(chunk.bounds)
        si, ui, pieces, m2 = _pieces_in_frame(
            services.in_frame(near, chunk.crs, buffered=True), local
        )
        sw = near[si]
        row_piece, row_crit, claim = _claims_in_chunk(sw, ui, pieces, m2, area, criteria, order)
        pos = chunk.positions
        return lw, pos[lu], metres, sw, pos[ui], m2, area, row_piece, row_crit, claim

    unit_m2 = np.zeros(len(layer))
    parts: list[list[np.ndarray]] = [[] for _ in range(9)]
    offset = 0
    for chunk, res in zip(layer.chunks, layer.map(task), strict=True):
        lw, lu, metres, sw, su, m2, area, row_piece, row_crit, claim = res
        unit_m2[chunk.positions] = area
        for k, arr in enumerate((lw, lu, metres, sw, su, m2, row_piece + offset, row_crit, claim)):
            parts[k].append(arr)
        offset += len(sw)
    if not layer.chunks:
        empty = np.zeros(0, dtype=np.int64)
        parts = [[empty]] * 9
    cat = [np.concatenate(p) for p in parts]
    return Measured(
        line_w=cat[0].astype(np.int64),
        line_u=cat[1].astype(np.int64),
        metres=cat[2].astype(float),
        piece_w=cat[3].astype(np.int64),
        piece_u=cat[4].astype(np.int64),
        piece_m2=cat[5].astype(float),
        unit_m2=unit_m2,
        row_piece=cat[6].astype(np.int64),
        row_criterion=cat[7].astype(np.int64),
        row_claim_m2=cat[8].astype(float),
    )
