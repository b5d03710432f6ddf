"""Allocation on the engine's chunked, threaded path: the same rows however it is split.

A layer shaped like the benchmark's (RT-sized units tiling two towns, lanes, drains and point
facilities) with retention ponds drawn as polygons and house repairs counted per item is
allocated with the units in one chunk per frame on one thread, and in small chunks on two
threads: the reductions must be the same to the last bit. The rows are then pinned by what
the rules say, computed here with plain shapely: metres of a line add up to its length inside
the units, the hectares claimed in a unit for 4a are the area of the union of the service
areas there, no unit serves more households than it has, no capped work more than its
capacity, and ``year=Y`` gives exactly the rows of works done by ``Y``.

The layer is given in metres of the equal-area frame of Mataram's quarter-degree cell
(:data:`kotaku_gis.crs.MEASURE_CELL_DEG`), the frame the library measures Mataram's units in,
so that shapely's answers in these metres are the library's to rounding.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from benchmarks.synthetic import make_layers
from kotaku_gis.crs import laea_crs
from kotaku_gis.overlay import QUAD_SEGS

REL = 1e-6
#: The frame of the quarter-degree cell holding Mataram (116.10, -8.58).
MATARAM = laea_crs(116.125, -8.625)
#: One chunk per frame on one thread: the engine without chunking.
WHOLE = kg.EngineSettings(chunk_units=10**9, workers=1)


@pytest.fixture(scope="module")
def layer() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    units, works = make_layers(n_units=1200, n_works=3000, n_cities=2, seed=11)
    rng = np.random.default_rng(11)
    points = np.flatnonzero(works.geometry.geom_type.to_numpy() == "Point")
    ponds, repairs = points[:60], points[60:120]
    works = works.copy()
    units, works = units.to_crs(MATARAM), works.to_crs(MATARAM)
    # Ponds: 30-60 m squares drawn as polygons (their own area serves: radius 0).
    xy = shapely.get_coordinates(works.geometry.to_numpy()[ponds])
    half = rng.uniform(15.0, 30.0, len(ponds))
    works.loc[ponds, "geometry"] = shapely.box(
        xy[:, 0] - half, xy[:, 1] - half, xy[:, 0] + half, xy[:, 1] + half
    )
    works.loc[ponds, "kind"] = "kolam_retensi"
    works["radius_m"] = np.nan
    works.loc[ponds, "radius_m"] = 0.0
    works["volume"] = np.nan
    works.loc[repairs, "kind"] = "rehab_rtlh"
    works.loc[repairs, "volume"] = rng.integers(1, 12, len(repairs)).astype(float)
    return units, works


@pytest.fixture(scope="module")
def whole(layer) -> pd.DataFrame:
    units, works = layer
    return kg.allocate(units, works, settings=WHOLE)


def test_chunks_and_threads_give_the_same_rows_to_the_last_bit(layer, whole):
    units, works = layer
    chunked = kg.allocate(units, works, settings=kg.EngineSettings(chunk_units=97, workers=2))
    assert len(whole) > 10_000
    assert set(whole["method"]) == {"line_length", "polygon_area", "service_share",
                                    "point_volume"}  # fmt: skip
    pd.testing.assert_frame_equal(chunked, whole, check_exact=True)
    assert chunked.attrs["report"].issues == whole.attrs["report"].issues


def _done(works: gpd.GeoDataFrame, year: int | None = None) -> gpd.GeoDataFrame:
    ok = works["status"] == "Selesai"
    if year is not None:
        ok &= works["year"] <= year
    return works[ok]


def _mataram(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return units[units["kota"] == "Mataram"]


def test_metres_of_each_line_add_up_to_its_length_inside_the_units(layer, whole):
    units, works = layer
    units = _mataram(units)
    lines = _done(works)
    lines = lines[lines["kind"].isin(["jalan_beton", "paving", "drainase_lingkungan",
                                      "pedestrian"])]  # fmt: skip
    inside = shapely.length(
        shapely.intersection(
            lines.geometry.to_numpy(), shapely.union_all(units.geometry.to_numpy())
        )
    )
    want = pd.Series(inside, index=lines["intervention_id"].to_numpy())
    want = want[want > 0]
    rows = whole[whole["criterion"].isin(["2a", "4b"]) & whole["unit_id"].isin(units["unit_id"])]
    got = rows.groupby("intervention_id")["volume"].sum()
    assert sorted(got.index) == sorted(want.index) and len(want) > 500
    np.testing.assert_allclose(got[want.index], want, rtol=REL)


def test_hectares_claimed_for_4a_are_the_union_of_service_areas_in_each_unit(layer, whole):
    units, works = layer
    units = _mataram(units)
    works = _done(works)
    radius = works["kind"].map(
        {"drainase_lingkungan": 25.0, "sumur_resapan": 10.0, "kolam_retensi": 0.0}
    )
    serving = radius.notna().to_numpy()
    assert kg.INTERVENTION_KINDS["drainase"].radius_m == 25.0
    assert kg.INTERVENTION_KINDS["sumur_resapan"].radius_m == 10.0
    geoms = works.geometry.to_numpy()[serving]
    svc = shapely.buffer(geoms, radius.to_numpy()[serving], quad_segs=QUAD_SEGS)
    svc = np.where(radius.to_numpy()[serving] == 0, geoms, svc)
    ugeoms = units.geometry.to_numpy()
    s, u = shapely.STRtree(ugeoms).query(svc, predicate="intersects")
    pieces = pd.Series(shapely.intersection(svc[s], ugeoms[u]))
    union = pieces.groupby(u).agg(lambda g: shapely.union_all(g.to_numpy()))
    want = pd.Series(
        shapely.area(union.to_numpy()) / 10_000.0,
        index=units["unit_id"].to_numpy()[union.index.to_numpy()],
    )
    want = want[want > 1e-8]
    rows = whole[(whole["criterion"] == "4a") & whole["unit_id"].isin(units["unit_id"])]
    got = rows.groupby("unit_id")["volume"].sum()
    assert sorted(got[got > 1e-8].index) == sorted(want.index) and len(want) > 300
    np.testing.assert_allclose(got[want.index], want, rtol=REL, atol=1e-9)
    ponds = whole[(whole["kind"] == "kolam_retensi")]
    assert len(ponds) >= 50 and set(ponds["method"]) == {"polygon_area"}


def test_no_unit_or_capped_work_serves_more_than_it_has(layer, whole):
    units, _ = layer
    counts = units.set_index("unit_id")
    shares = whole[whole["measure"].isin(["households", "buildings"])]
    served = shares.groupby(["unit_id", "criterion", "measure"])["volume"].sum().reset_index()
    has = [counts.loc[u, m] for u, m in zip(served["unit_id"], served["measure"], strict=True)]
    assert len(served) > 1000
    assert (served["volume"].to_numpy() <= np.asarray(has, dtype=float) * (1 + 1e-12)).all()
    tanks = whole[(whole["kind"] == "septictank_komunal") & (whole["criterion"] == "5a")]
    per_tank = tanks.groupby("intervention_id")["volume"].sum()
    assert (per_tank <= 10.0 + 1e-9).all() and (per_tank > 9.999).any()
    assert whole["overlap_share"].dropna().between(0.0, 1.0).all()
    assert whole["capacity_factor"].dropna().between(0.0, 1.0, inclusive="right").all()


def test_items_go_whole_to_the_unit_holding_them(layer, whole):
    units, works = layer
    repairs = _done(works)
    repairs = repairs[repairs["kind"] == "rehab_rtlh"]
    rows = whole[whole["kind"] == "rehab_rtlh"].set_index("intervention_id")
    assert (rows["method"] == "point_volume").all()
    holder = gpd.sjoin(repairs, units[["unit_id", "geometry"]], predicate="within")
    assert len(rows) == len(holder) > 0
    assert rows.loc[holder["intervention_id"], "unit_id"].tolist() == holder["unit_id"].tolist()
    assert rows.loc[holder["intervention_id"], "volume"].tolist() == holder["volume"].tolist()


def test_a_year_gives_exactly_the_rows_of_the_works_done_by_then(layer, whole):
    units, works = layer
    by_2020 = kg.allocate(units, works, year=2020, settings=kg.EngineSettings(chunk_units=200))
    expected = whole[whole["year"] <= 2020].reset_index(drop=True)
    pd.testing.assert_frame_equal(by_2020, expected, check_exact=True)


def test_a_line_ending_on_a_shared_edge_gives_the_next_unit_no_row():
    # Given in the frame's own metres, the road's end lies exactly on B's edge there.
    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "households": [10, 10], "buildings": [10, 10]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
        crs=MATARAM,
    )
    works = gpd.GeoDataFrame(
        {"intervention_id": ["J1"], "kind": ["jalan_beton"], "status": ["selesai"],
         "year": [2022], "radius_m": [0.0]},
        geometry=[shapely.LineString([(20, 50), (100, 50)])], crs=MATARAM,
    )  # fmt: skip
    red = kg.allocate(units, works)
    metres = red[red["measure"] == "m"]
    assert metres["unit_id"].tolist() == ["A", "A"]
    assert metres["volume"].tolist() == pytest.approx([80.0, 80.0], rel=1e-9)
