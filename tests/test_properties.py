"""Property-based tests: invariants of the overlay, allocation and scoring on random layers.

Random RT-like units near Kota Mataram and random works around them (``tests/strategies.py``).
Each property holds for every layer, so a counter-example is a bug:

- per unit, ``0 <= remaining_ha <= area_ha`` and ``remaining_ha + covered_ha == area_ha``;
- the covered hectares equal those of a plain-geopandas reference (unit ∩ union of service
  areas), and the returned unserved geometry measures ``remaining_ha``;
- adding works, or counting a later year, never raises remaining hectares or slum hectares;
- results do not depend on row order nor on the CRS the layers come in;
- scores never fall when volumes rise;
- every input row is accounted for, in the output or in the report.
"""

from __future__ import annotations

import os
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    CELL_DEG,
    score_tables,
    units_and_works,
    units_frames,
    works_frames,
)

import kotaku_gis as kg

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Relative tolerance of identities that hold exactly in one equal-area frame.
EXACT = 1e-9
#: Mean Earth radius, and the farthest a unit lies from the centre of an equal-area frame it
#: is measured in: ``kg.area_ha`` frames cover cells of 1 degree (0.71 degree from centre to
#: corner, 79 km), the overlay's cells of 0.25 degree (0.18 degree, 20 km).
EARTH_RADIUS_M = 6_371_000.0
FRAME_REACH_M = 79_000.0 + 20_000.0
#: Floor of the frame tolerance in hectares: floating point. Coordinates of up to 80 km carry
#: ~1e-11 m of rounding, which moves an RT's area by ~1e-8 m2 (1e-12 ha).
FLOAT_HA = 1e-9
#: Relative tolerance between CRSs: vertices are reprojected, edges between them are straight
#: in each CRS, so outlines differ by millimetres over an RT.
CRS_REL = 1e-6
#: Curvature (1/m) by which the maps between lon/lat, UTM 50S and Web Mercator bend a straight
#: line near Mataram (8-9 deg S): about tan(lat) / R = 2.5e-8, taken four times over.
CRS_KAPPA = 1e-7

COMPLETED = {"selesai", "completed"}
GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture(autouse=True)
def _quiet_validation_warnings():
    # The readers warn when validation finds errors; random layers make some on purpose.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def _read(units: gpd.GeoDataFrame, works: gpd.GeoDataFrame):
    return kg.read_units(units), kg.read_interventions(works)


def frame_tolerance_ha(geoms: gpd.GeoSeries) -> np.ndarray:
    """Largest difference between the hectares of one polygon measured in two equal-area frames.

    Each frame keeps areas exactly; the two differ only because each draws the polygon's edges
    straight in its own plane. The map from one frame to the other has second derivatives of
    at most kappa = (rho1 + rho2) / (2 R^2), rho being the distance from each frame's centre
    (LAEA's scale departs from 1 by rho^2 / 8R^2), so it bends an edge of length L at most
    kappa L^2 / 8 away from its chord and moves at most kappa L^3 / 12 of area. Summed over the
    edges (geodesic lengths), plus :data:`FLOAT_HA`. This is a bound, not an estimate: on the
    random layers the differences stay below a tenth of it, while measuring in UTM instead
    exceeds it 300-fold or more.
    """
    kappa = FRAME_REACH_M / (2 * EARTH_RADIUS_M**2)
    return bend_tolerance_ha(geoms, kappa) + FLOAT_HA


def bend_tolerance_ha(geoms: gpd.GeoSeries, kappa: float) -> np.ndarray:
    """Hectares an outline can move when a map of curvature ``kappa`` (1/m) bends its edges.

    An edge of length L drawn straight in one plane is, in another, at most kappa L^2 / 8 from
    its chord, which moves at most kappa L^3 / 12 of area; summed per geometry over its edges
    (geodesic lengths).
    """
    values = np.asarray(geoms.array, dtype=object)
    parts, of_part = shapely.get_parts(values, return_index=True)
    rings, of_ring = shapely.get_rings(parts, return_index=True)
    xy, of_xy = shapely.get_coordinates(rings, return_index=True)
    same = of_xy[1:] == of_xy[:-1]
    lon, lat = pyproj.Transformer.from_crs(geoms.crs, 4326, always_xy=True).transform(
        xy[:, 0], xy[:, 1]
    )
    _, _, length = GEOD.inv(lon[:-1][same], lat[:-1][same], lon[1:][same], lat[1:][same])
    geom_of_edge = of_part[of_ring[of_xy[:-1][same]]]
    cubes = np.bincount(geom_of_edge, weights=np.asarray(length) ** 3, minlength=len(values))
    return kappa * cubes / 12 / 10_000.0


def _slum_ha(assessed: pd.DataFrame) -> float:
    return float(assessed.loc[assessed["level"] != "tidak kumuh", "area_ha"].sum())


# ---------------------------------------------------------------- hectares conserved


@PROPERTY
@given(units_and_works())
def test_remaining_is_within_the_unit_and_conserves_hectares(layers):
    units, works = _read(*layers)
    rem = kg.remaining_area(units, works)
    cov = kg.coverage(units, works)

    assert rem.index.equals(units.index) and cov.index.equals(units.index)
    area = rem["area_ha"].to_numpy()
    covered = rem["covered_ha"].to_numpy()
    remaining = rem["remaining_ha"].to_numpy()
    # The reader and the overlay measure each unit in different equal-area frames.
    frames = frame_tolerance_ha(units.geometry)
    assert (np.abs(area - units["area_ha"].to_numpy()) <= frames).all()
    assert (remaining >= -EXACT * area).all()
    assert (remaining <= area * (1 + EXACT)).all()
    np.testing.assert_allclose(remaining + covered, area, rtol=EXACT, atol=0)

    share = cov["covered_share"].to_numpy()
    assert ((share >= 0) & (share <= 1)).all()
    np.testing.assert_allclose(cov["covered_ha"].to_numpy(), covered, rtol=EXACT, atol=1e-12)
    per_kind = cov[[c for c in cov.columns if c.startswith("covered_ha_")]].to_numpy()
    if per_kind.size:
        # Overlaps are counted once: the union lies between the largest kind and the sum.
        assert (per_kind >= 0).all()
        assert (per_kind.max(axis=1) <= covered * (1 + EXACT) + 1e-12).all()
        assert (covered <= per_kind.sum(axis=1) * (1 + EXACT) + 1e-12).all()
        shares = cov[[c for c in cov.columns if c.startswith("covered_share_")]].to_numpy()
        assert ((shares >= 0) & (shares <= 1)).all()

    # The unserved geometry measures what remaining_ha says (in kg.area_ha's frame).
    measured = kg.area_ha(rem).fillna(0.0).to_numpy()
    assert (np.abs(measured - remaining) <= frame_tolerance_ha(rem.geometry)).all()


@PROPERTY
@given(units_and_works())
def test_covered_hectares_match_a_plain_geopandas_reference(layers):
    """Unit ∩ (union of the completed works' service areas), measured with kg.area_ha.

    This is the computation a planner would write by hand; the engine works in local frames
    per unit instead, so the two meet to within the straight-edge difference of the CRSs.
    """
    units, works = _read(*layers)
    rem = kg.remaining_area(units, works)
    done = works[works["completed"] & works["kind_key"].notna()]
    served = kg.service_areas(done)
    union = shapely.union_all(served.geometry.dropna().to_numpy())
    expected = kg.area_ha(gpd.GeoSeries(units.geometry.intersection(union), crs=units.crs))
    np.testing.assert_allclose(
        rem["covered_ha"].to_numpy(),
        expected.to_numpy(),
        rtol=0,
        atol=1e-5 * float(units["area_ha"].max()) + 1e-9,
    )


# ---------------------------------------------------------------- monotone in the works


@PROPERTY
@given(st.data())
def test_adding_works_never_raises_remaining_or_slum_hectares(data):
    units, works = data.draw(units_and_works())
    extra = data.draw(works_frames(units, min_works=1, prefix="X"))
    both = pd.concat([works, extra], ignore_index=True)
    units = kg.read_units(units)
    fewer = kg.read_interventions(works)
    more = kg.read_interventions(both)

    rem_fewer = kg.remaining_area(units, fewer)["remaining_ha"].to_numpy()
    rem_more = kg.remaining_area(units, more)["remaining_ha"].to_numpy()
    assert (rem_more <= rem_fewer + EXACT * units["area_ha"].to_numpy()).all()

    base = kg.assess(units)
    after_fewer = kg.assess(units, reductions=kg.allocate(units, fewer))
    after_more = kg.assess(units, reductions=kg.allocate(units, more))
    assert (after_fewer["total_score"] <= base["total_score"]).all()
    assert (after_more["total_score"] <= after_fewer["total_score"]).all()
    assert _slum_ha(after_more) <= _slum_ha(after_fewer) + 1e-12 <= _slum_ha(base) + 2e-12


@PROPERTY
@given(units_and_works(), st.integers(2019, 2023))
def test_a_later_year_never_raises_remaining_hectares(layers, year):
    units, works = _read(*layers)
    now = kg.remaining_area(units, works, year=year)["remaining_ha"].to_numpy()
    later = kg.remaining_area(units, works, year=year + 1)["remaining_ha"].to_numpy()
    every = kg.remaining_area(units, works)["remaining_ha"].to_numpy()
    tol = EXACT * units["area_ha"].to_numpy()
    assert (later <= now + tol).all()
    assert (every <= later + tol).all()


# ---------------------------------------------------------------- invariance


def _by_unit(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.set_index("unit_id")[columns].sort_index()


@PROPERTY
@given(units_and_works(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(layers, rnd):
    units, works = layers
    u_order = list(range(len(units)))
    w_order = list(range(len(works)))
    rnd.shuffle(u_order)
    rnd.shuffle(w_order)
    units_a, works_a = _read(units, works)
    units_b, works_b = _read(units.iloc[u_order], works.iloc[w_order])

    cols = ["area_ha", "covered_ha", "remaining_ha"]
    a = _by_unit(kg.remaining_area(units_a, works_a), cols)
    b = _by_unit(kg.remaining_area(units_b, works_b), cols)
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=EXACT, atol=1e-12)
    # The index travels with the rows.
    assert kg.remaining_area(units_b, works_b).index.tolist() == u_order

    def totals(red: pd.DataFrame) -> pd.Series:
        return red.groupby(["unit_id", "criterion"])["volume"].sum().sort_index()

    ra = totals(kg.allocate(units_a, works_a))
    rb = totals(kg.allocate(units_b, works_b))
    assert ra.index.equals(rb.index)
    np.testing.assert_allclose(rb.to_numpy(), ra.to_numpy(), rtol=EXACT, atol=1e-9)


@PROPERTY
@given(
    units_and_works(),
    st.sampled_from(["EPSG:32750", "EPSG:3857"]),
    st.sampled_from(["EPSG:4326", "EPSG:32750", "EPSG:3857"]),
)
def test_results_do_not_depend_on_the_crs(layers, units_crs, works_crs):
    units, works = layers
    units_a, works_a = _read(units, works)
    units_b, works_b = _read(units.to_crs(units_crs), works.to_crs(works_crs))
    assert units_b.crs == units_crs

    area = units_a["area_ha"].to_numpy()
    np.testing.assert_allclose(units_b["area_ha"].to_numpy(), area, rtol=CRS_REL)
    a = kg.remaining_area(units_a, works_a)
    b = kg.remaining_area(units_b, works_b)
    assert b.crs == units_crs
    # Each layer's edges are straight in its own CRS: a unit's outline and a road's corridor
    # (both sides) move by at most the bend of their edges between the two CRSs.
    bend = bend_tolerance_ha(units_a.geometry, CRS_KAPPA)
    bend += 2 * bend_tolerance_ha(works_a.geometry, CRS_KAPPA).sum()
    tolerance = CRS_REL * area.max() + bend
    for col in ("covered_ha", "remaining_ha"):
        assert (np.abs(b[col].to_numpy() - a[col].to_numpy()) <= tolerance).all(), col
    share_a = kg.coverage(units_a, works_a)["covered_share"].to_numpy()
    share_b = kg.coverage(units_b, works_b)["covered_share"].to_numpy()
    assert (np.abs(share_b - share_a) <= CRS_REL * 10 + tolerance / area).all()


# ---------------------------------------------------------------- scoring


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 40),
    st.sampled_from(sorted(kg.RULESETS)),
)
def test_scores_never_fall_when_volumes_rise(seed, n, ruleset):
    rng = np.random.default_rng(seed)
    before = score_tables(n, rng)
    for code, denom in (("4d", "drain_length_m"), ("4e", "drain_length_m"), ("6c", "households")):
        before[code] = (rng.uniform(0, 1.1, n) * before[denom]).round(2)
    codes = [c.code for c in kg.get_ruleset(ruleset).criteria]
    after = before.copy()
    rises = rng.uniform(0, 1, (n, len(codes))) * (rng.uniform(0, 1, (n, len(codes))) < 0.5)
    after[codes] = before[codes].to_numpy() + rises * before[codes].to_numpy().max(axis=0)

    a = kg.assess(before, ruleset=ruleset)
    b = kg.assess(after, ruleset=ruleset)
    for code in codes:
        assert (b[f"pct_{code}"] >= a[f"pct_{code}"]).all(), code
        assert (b[f"score_{code}"] >= a[f"score_{code}"]).all(), code
    assert (b["total_score"] >= a["total_score"]).all()
    order = {lvl: k for k, lvl in enumerate(reversed(kg.schema.LEVELS))}
    assert (b["level"].map(order).astype(int) >= a["level"].map(order).astype(int)).all()
    assert a.index.equals(before.index) and b.index.equals(after.index)


# ---------------------------------------------------------------- nothing dropped silently

_UNIT_FAULTS = ("null", "empty", "bowtie", "duplicate", "nan_volume", "text_volume", "z",
                "point", "swapped", "far")  # fmt: skip


def _bowtie(geom: shapely.Geometry) -> shapely.Geometry:
    x0, y0, x1, y1 = geom.bounds
    return shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])


def _duplicated_id(frame: gpd.GeoDataFrame, faults: dict) -> str:
    """The original id that every "duplicate" fault copies.

    Taken before any fault is injected, from a row no fault renames (only "duplicate"
    renames), so the copies are real duplicates whatever order the faults come in. When every
    row is a "duplicate", they all take the first row's id: at least two rows then share it.
    """
    kept = [row for row in frame.index if faults.get(row) != "duplicate"]
    return str(frame.at[kept[0] if kept else frame.index[0], "unit_id"])


def _inject_unit_fault(frame: gpd.GeoDataFrame, row, fault: str, *, duplicate_of: str) -> None:
    geom = frame.at[row, "geometry"]
    if fault == "null":
        frame.at[row, "geometry"] = None
    elif fault == "empty":
        frame.at[row, "geometry"] = shapely.Polygon()
    elif fault == "bowtie":
        frame.at[row, "geometry"] = _bowtie(geom)
    elif fault == "duplicate":
        frame.at[row, "unit_id"] = duplicate_of
    elif fault == "nan_volume":
        frame.at[row, "households"] = np.nan
    elif fault == "text_volume":
        frame.at[row, "3a"] = "tiga"
    elif fault == "z":
        frame.at[row, "geometry"] = shapely.force_3d(geom, 12.5)
    elif fault == "point":
        frame.at[row, "geometry"] = geom.centroid
    elif fault == "swapped":
        frame.at[row, "geometry"] = shapely.transform(geom, lambda xy: xy[:, ::-1])
    elif fault == "far":
        frame.at[row, "geometry"] = shapely.affinity.translate(geom, xoff=-100.0)


@pytest.mark.parametrize(
    "faults",
    [
        {"r1": "duplicate", "r0": "duplicate"},  # once swapped two ids, leaving no duplicate
        {"r0": "duplicate", "r1": "duplicate"},
        {"r0": "duplicate"},
        {"r2": "duplicate", "r0": "null", "r1": "duplicate"},
        {"r0": "duplicate", "r1": "duplicate", "r2": "duplicate"},
    ],
)
def test_injected_duplicates_are_real_in_any_order(faults):
    units = gpd.GeoDataFrame(
        {"unit_id": ["RT000", "RT001", "RT002"]},
        geometry=[shapely.box(116.1 + k * 1e-3, -8.6, 116.1009 + k * 1e-3, -8.5991)
                  for k in range(3)],
        index=pd.Index(["r0", "r1", "r2"]), crs="EPSG:4326",
    )  # fmt: skip
    duplicate_of = _duplicated_id(units, faults)
    for row, fault in faults.items():
        _inject_unit_fault(units, row, fault, duplicate_of=duplicate_of)
    repeated = set(units.index[units["unit_id"].duplicated(keep=False)])
    assert {row for row, fault in faults.items() if fault == "duplicate"} <= repeated


@PROPERTY
@given(st.data())
def test_every_unit_row_is_kept_and_every_fault_reported(data):
    units = data.draw(units_frames(min_units=2))
    units["3a"] = units["3a"].astype(object)
    units.index = pd.Index([f"r{k}" for k in range(len(units))])
    faults = data.draw(
        st.dictionaries(st.sampled_from(list(units.index)), st.sampled_from(_UNIT_FAULTS))
    )
    duplicate_of = _duplicated_id(units, faults)
    for row, fault in faults.items():
        _inject_unit_fault(units, row, fault, duplicate_of=duplicate_of)
    ids = units["unit_id"].tolist()

    out = kg.read_units(units)
    assert out.index.equals(units.index)
    assert out["unit_id"].tolist() == ids
    report = out.attrs["report"]
    reported = {i.row for i in report}
    for row, fault in faults.items():
        if fault == "nan_volume":
            # A blank count is kept blank (never a silent 0); assess reports it.
            assert np.isnan(out.at[row, "households"])
            continue
        assert row in reported, (row, fault, report.to_frame())
    geoms = np.asarray(out.geometry.array)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    assert shapely.is_valid(geoms[present]).all()
    assert not shapely.has_z(geoms[present]).any()

    # Every unit may carry a fault that leaves it without evidence: go on, unassessed.
    scored = kg.assess(out, allow_unassessed=True)
    assert scored.index.equals(units.index)
    nan_rows = [r for r, f in faults.items() if f == "nan_volume"]
    issues = scored.attrs["report"]
    flagged = {i.row for i in issues if i.column == "households"}
    # A count blank in every unit is reported once for the layer, naming the column.
    if any(
        i.check == "criterion_missing" and i.row is None and "'households'" in i.message
        for i in issues
    ):
        flagged |= set(scored.index)
    assert set(nan_rows) <= flagged
    assert scored.loc[nan_rows, "level"].isna().all()

    # The overlay keeps every unit too, and reports those it cannot measure.
    works = kg.read_interventions(data.draw(works_frames((116.1, -8.6, 116.11, -8.59))))
    rem = kg.remaining_area(out, works)
    assert rem.index.equals(out.index)
    unmeasured = {"null": "null_geometry", "empty": "null_geometry", "swapped": "off_globe"}
    for row, fault in faults.items():
        if fault in unmeasured:
            assert (unmeasured[fault], row) in {(i.check, i.row) for i in rem.attrs["report"]}
            assert np.isnan(rem.at[row, "remaining_ha"])


_WORK_FAULTS = ("unknown_kind", "unknown_status", "no_geometry", "text_volume", "collection",
                "bowtie", "negative_radius", "no_year")  # fmt: skip


@PROPERTY
@given(st.data())
def test_every_work_is_kept_and_allocated_or_reported(data):
    units = kg.read_units(data.draw(units_frames()))
    works = data.draw(works_frames(units, min_works=1, max_works=10))
    works["volume"] = pd.Series([None] * len(works), dtype=object)
    works["year"] = works["year"].astype(object)
    faults = data.draw(
        st.dictionaries(st.sampled_from(list(works.index)), st.sampled_from(_WORK_FAULTS))
    )
    for row, fault in faults.items():
        geom = works.at[row, "geometry"]
        if fault == "unknown_kind":
            works.at[row, "kind"] = "kapal selam"
        elif fault == "unknown_status":
            works.at[row, "status"] = "hampir"
        elif fault == "no_geometry":
            works.at[row, "geometry"] = None
        elif fault == "text_volume":
            works.at[row, "volume"] = "sepuluh"
        elif fault == "collection":
            works.at[row, "geometry"] = shapely.GeometryCollection([geom, geom.centroid])
        elif fault == "bowtie":
            works.at[row, "geometry"] = _bowtie(geom.buffer(CELL_DEG / 10))
        elif fault == "negative_radius":
            works.at[row, "radius_m"] = -10.0
        elif fault == "no_year":
            works.at[row, "year"] = None

    out = kg.read_interventions(works)
    assert out.index.equals(works.index)
    assert out["intervention_id"].tolist() == works["intervention_id"].tolist()
    reported = {i.row for i in out.attrs["report"]}
    for row, fault in faults.items():
        assert row in reported, (row, fault, out.attrs["report"].to_frame())

    # Every completed work ends in the reductions table or in the allocation report.
    red = kg.allocate(units, out)
    allocated = set(red["intervention_id"])
    why = {i.row for i in red.attrs["report"]}
    for row in out.index[out["completed"].to_numpy()]:
        assert out.at[row, "intervention_id"] in allocated or row in why, (
            row,
            out.loc[row].to_dict(),
            red.attrs["report"].to_frame(),
        )
