"""allocate: analytic shapes in a metric equal-area CRS centred on the data.

Overlapping service areas are counted once and claimed in time order: the expected claims are
worked out by hand from rectangles, or from shapely on the same 96-gon discs that the library
buffers (``quad_segs=24``), with the analytic circle where the polygon's 0.2 % allows.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg

# LAEA centred 700 m from the test shapes. The library projects units and works into its own
# equal-area frame (centred a few hundred metres away) and buffers the works there: lengths and
# areas agree with the shapes drawn here to about 1e-9. The false origin keeps the shapes off
# the projection's centre, where PROJ's inverse LAEA is off by a millimetre (the corner of a
# 100 m square there moves its area by 5e-6).
CRS = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +x_0=500 +y_0=500 +ellps=WGS84 +units=m"
EXACT = 1e-6


@pytest.fixture
def units() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "households": [60, 40], "buildings": [50, 30]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
        crs=CRS,
    )


def _measured(units: pd.DataFrame) -> pd.DataFrame:
    """The units with every criterion not named recorded as 0 (measured, nothing deficient)
    and the missing denominators given, so that ``kg.assess`` can score them."""
    fill = {"road_length_m": 100.0, "drain_length_m": 100.0, "area_ha": 1.0}
    fill |= dict.fromkeys(kg.get_ruleset().codes, 0.0)
    return units.assign(**{c: v for c, v in fill.items() if c not in units.columns})


def _works(rows: list[dict], geoms: list) -> gpd.GeoDataFrame:
    base = {"status": "selesai", "year": 2022}
    return gpd.GeoDataFrame([{**base, **r} for r in rows], geometry=geoms, crs=CRS)


def _vol(red: pd.DataFrame, criterion: str) -> dict[str, float]:
    part = red[red["criterion"] == criterion]
    return dict(zip(part["unit_id"], part["volume"], strict=True))


def test_line_crossing_two_units_splits_by_length(units: gpd.GeoDataFrame) -> None:
    # From x=50 to x=130 at y=50: 50 m in A, 30 m in B, 80 m in all.
    works = _works([{"intervention_id": "W1", "kind": "drainase_lingkungan"}],
                   [shapely.LineString([(50, 50), (130, 50)])])  # fmt: skip
    red = kg.allocate(units, works)
    for code in ("4b", "4c"):
        got = _vol(red, code)
        assert got["A"] == pytest.approx(50.0, rel=EXACT)
        assert got["B"] == pytest.approx(30.0, rel=EXACT)
    assert set(red.loc[red["criterion"] == "4b", "method"]) == {"line_length"}
    assert set(red.loc[red["criterion"] == "4b", "measure"]) == {"m"}
    assert set(red["intervention_id"]) == {"W1"}
    assert red["year"].tolist() == [2022] * len(red)


def test_point_disc_inside_unit_gives_share_times_households(
    units: gpd.GeoDataFrame,
) -> None:
    # A 20 m disc drawn as a 96-gon (24 segments per quarter): area = 48 r² sin(2π/96).
    # It lies wholly in A (1 ha), so 3a = 3b = 60 households x area / 10 000 m².
    works = _works([{"intervention_id": "HU1", "kind": "hidran_umum", "radius_m": 20.0}],
                   [shapely.Point(50, 50)])  # fmt: skip
    red = kg.allocate(units, works)
    disc = 48 * 20.0**2 * math.sin(2 * math.pi / 96)
    expected = 60 * disc / 10_000
    assert _vol(red, "3a") == {"A": pytest.approx(expected, rel=EXACT)}
    assert _vol(red, "3b") == {"A": pytest.approx(expected, rel=EXACT)}
    assert set(red["method"]) == {"service_share"}
    assert red["overlap_share"].tolist() == [0.0, 0.0]


def test_polygon_hectares_split_between_units(units: gpd.GeoDataFrame) -> None:
    # Rumah deret polygon 80 x 50 m from x=60 to 140: 0.2 ha in A and 0.2 ha in B for 1b;
    # 1c gets the covered share (0.2 of each unit) of 50 and 30 buildings.
    works = _works([{"intervention_id": "RD1", "kind": "rumah_deret"}],
                   [shapely.box(60, 25, 140, 75)])  # fmt: skip
    red = kg.allocate(units, works)
    assert _vol(red, "1b") == {
        "A": pytest.approx(0.2, rel=EXACT),
        "B": pytest.approx(0.2, rel=EXACT),
    }
    assert _vol(red, "1c") == {
        "A": pytest.approx(10.0, rel=EXACT),
        "B": pytest.approx(6.0, rel=EXACT),
    }


def test_point_volume_goes_to_the_containing_unit(units: gpd.GeoDataFrame) -> None:
    works = _works([{"intervention_id": "R1", "kind": "Rehab RTLH", "volume": 7}],
                   [shapely.Point(150, 50)])  # fmt: skip
    red = kg.allocate(units, works)
    assert red[["unit_id", "criterion", "volume", "method"]].values.tolist() == [
        ["B", "1c", 7.0, "point_volume"]
    ]
    assert red["overlap_share"].isna().all()


def test_table_rows_are_taken_as_they_are(units: gpd.GeoDataFrame) -> None:
    works = pd.DataFrame({
        "intervention_id": ["T1", "T2", "T3"], "kind": ["jalan", "jalan", "jalan"],
        "status": ["selesai"] * 3, "year": [2021, 2021, 2021],
        "unit_id": ["A", "ZZ", "B"], "criterion": ["2A", "2a", "8x"],
        "volume": [120.0, 5.0, 1.0]})  # fmt: skip
    red = kg.allocate(units, works)
    assert red[["intervention_id", "unit_id", "criterion", "volume", "method"]].values.tolist() == [
        ["T1", "A", "2a", 120.0, "table"]
    ]
    checks = {(i.row, i.check) for i in red.attrs["report"]}
    assert {(1, "unknown_unit"), (2, "unknown_criterion")} <= checks


def test_work_in_no_unit_and_unknown_kind_are_reported(units: gpd.GeoDataFrame) -> None:
    works = _works(
        [{"intervention_id": "FAR", "kind": "hidran_umum"},
         {"intervention_id": "BOAT", "kind": "kapal"},
         {"intervention_id": "FARLINE", "kind": "jalan_beton"}],
        [shapely.Point(5000, 5000), shapely.Point(50, 50),
         shapely.LineString([(5000, 0), (5100, 0)])],
    )  # fmt: skip
    red = kg.allocate(units, works)
    assert red.empty
    checks = {(i.row, i.check) for i in red.attrs["report"]}
    assert {(0, "outside_units"), (1, "unknown_kind"), (2, "outside_units")} <= checks


def test_only_completed_works_by_the_year(units: gpd.GeoDataFrame) -> None:
    line = shapely.LineString([(10, 50), (90, 50)])
    works = _works(
        [{"intervention_id": "done21", "kind": "paving", "year": 2021},
         {"intervention_id": "done23", "kind": "paving", "year": 2023},
         {"intervention_id": "plan", "kind": "paving", "status": "rencana"}],
        [line, line, line],
    )  # fmt: skip
    assert set(kg.allocate(units, works, year=2022)["intervention_id"]) == {"done21"}
    assert set(kg.allocate(units, works)["intervention_id"]) == {"done21", "done23"}


def test_allocated_reductions_feed_assess(units: gpd.GeoDataFrame) -> None:
    # 80 m of drain in A whose 4b volume is 80 of 100 m ideal: 80 % -> 0 % after the work.
    units = _measured(units.assign(drain_length_m=100.0, **{"4b": [80.0, 0.0]}))
    works = _works([{"intervention_id": "D", "kind": "drainase"}],
                   [shapely.LineString([(10, 50), (90, 50)])])  # fmt: skip
    red = kg.allocate(units, works)
    before = kg.assess(units)
    after = kg.assess(units, reductions=red, year=2022)
    assert before.loc[0, "score_4b"] == 5
    assert after.loc[0, "pct_4b"] == 0.0


# ---------------------------------------------------------------- overlaps counted once


def _disc(x: float, y: float, r: float) -> shapely.Polygon:
    """The library's service disc: a 96-gon (24 segments a quarter) with vertices on the circle."""
    return shapely.Point(x, y).buffer(r, quad_segs=24)


def _rows(red: pd.DataFrame, criterion: str) -> dict[tuple[str, str], tuple[float, float]]:
    part = red[red["criterion"] == criterion]
    return {
        (i, u): (v, o)
        for i, u, v, o in zip(
            part["intervention_id"],
            part["unit_id"],
            part["volume"],
            part["overlap_share"],
            strict=True,
        )
    }


def test_identical_discs_count_once_and_the_earlier_claims_them(
    units: gpd.GeoDataFrame,
) -> None:
    # Two public taps at the same spot: the 2020 one serves the disc, the 2021 one adds no
    # household and keeps a row of volume 0, wholly overlapped.
    works = _works(
        [{"intervention_id": "HU-A", "kind": "hidran_umum", "radius_m": 30.0, "year": 2021},
         {"intervention_id": "HU-B", "kind": "hidran_umum", "radius_m": 30.0, "year": 2020}],
        [shapely.Point(50, 50), shapely.Point(50, 50)],
    )  # fmt: skip
    red = kg.allocate(units, works)
    served = 60 * _disc(50, 50, 30).area / 10_000
    for code in ("3a", "3b"):
        rows = _rows(red, code)
        assert rows.keys() == {("HU-A", "A"), ("HU-B", "A")}
        assert rows["HU-B", "A"] == (pytest.approx(served, rel=EXACT), 0.0)
        assert rows["HU-A", "A"] == (0.0, 1.0)
    assert set(red["method"]) == {"service_share"}
    assert {i.check for i in red.attrs["report"]} <= {"volume_measured"}


def test_overlapping_discs_share_their_lens() -> None:
    # Two 30 m discs 30 m apart in one 100 m square of 60 households: the first claims its
    # disc, the second its disc less the lens, 2r²acos(d/2r) - (d/2)√(4r² - d²) for circles.
    units = gpd.GeoDataFrame(
        {"unit_id": ["A"], "households": [60]}, geometry=[shapely.box(0, 0, 100, 100)], crs=CRS
    )
    r, d = 30.0, 30.0
    works = _works(
        [{"intervention_id": "T1", "kind": "hidran_umum", "radius_m": r, "year": 2020},
         {"intervention_id": "T2", "kind": "hidran_umum", "radius_m": r, "year": 2021}],
        [shapely.Point(35, 50), shapely.Point(35 + d, 50)],
    )  # fmt: skip
    red = kg.allocate(units, works)
    first, second = _disc(35, 50, r), _disc(35 + d, 50, r)
    lens = first.intersection(second).area
    circle_lens = 2 * r**2 * math.acos(d / (2 * r)) - (d / 2) * math.sqrt(4 * r**2 - d**2)
    assert lens == pytest.approx(circle_lens, rel=2e-3)  # the 96-gons' own approximation
    rows = _rows(red, "3a")
    assert rows["T1", "A"] == (pytest.approx(60 * first.area / 10_000, rel=EXACT), 0.0)
    vol, overlap = rows["T2", "A"]
    assert vol == pytest.approx(60 * (second.area - lens) / 10_000, rel=EXACT)
    assert overlap == pytest.approx(lens / second.area, rel=EXACT)
    union = 60 * first.union(second).area / 10_000
    assert sum(v for v, _ in rows.values()) == pytest.approx(union, rel=EXACT)


def test_the_earlier_year_claims_first_whatever_the_order_of_rows() -> None:
    # The 2021 tap comes first in the table and its id sorts first, yet the 2020 tap was
    # there before it: the 2020 one claims its whole disc, the 2021 one what is left.
    units = gpd.GeoDataFrame(
        {"unit_id": ["A"], "households": [60]}, geometry=[shapely.box(0, 0, 100, 100)], crs=CRS
    )
    works = _works(
        [{"intervention_id": "A-2021", "kind": "hidran_umum", "radius_m": 25.0, "year": 2021},
         {"intervention_id": "Z-2020", "kind": "hidran_umum", "radius_m": 25.0, "year": 2020}],
        [shapely.Point(40, 50), shapely.Point(60, 50)],
    )  # fmt: skip
    red = kg.allocate(units, works)
    early, late = _disc(60, 50, 25.0), _disc(40, 50, 25.0)
    rows = _rows(red, "3a")
    assert rows["Z-2020", "A"][0] == pytest.approx(60 * early.area / 10_000, rel=EXACT)
    assert rows["A-2021", "A"][0] == pytest.approx(
        60 * late.difference(early).area / 10_000, rel=EXACT
    )
    # Cut at 2020, the table holds the 2020 tap's rows of the full table, unchanged.
    cut = kg.allocate(units, works, year=2020)
    full = red[red["year"] <= 2020].reset_index(drop=True)
    pd.testing.assert_frame_equal(cut, full)


def test_works_without_a_year_claim_last() -> None:
    units = gpd.GeoDataFrame(
        {"unit_id": ["A"], "households": [60]}, geometry=[shapely.box(0, 0, 100, 100)], crs=CRS
    )
    works = _works(
        [{"intervention_id": "A-undated", "kind": "hidran_umum", "radius_m": 20.0,
          "year": None},
         {"intervention_id": "B-2023", "kind": "hidran_umum", "radius_m": 20.0, "year": 2023}],
        [shapely.Point(50, 50), shapely.Point(50, 50)],
    )  # fmt: skip
    rows = _rows(kg.allocate(units, works), "3a")
    assert rows["B-2023", "A"] == (pytest.approx(60 * _disc(50, 50, 20).area / 1e4, rel=EXACT), 0.0)
    assert rows["A-undated", "A"] == (0.0, 1.0)


def test_hectares_of_a_drain_corridor_and_a_pond_count_once(units: gpd.GeoDataFrame) -> None:
    # A retention pond (2020, its own polygon: radius 0) of 60 x 60 m in A, and a drain (2021)
    # across both units whose 10 m corridor is a 20 m band through A and B (the round caps
    # fall outside). 4a in A: the pond's 0.36 ha, then the band less the pond's 0.12 ha of
    # it, 0.08 ha; in B the band's 0.2 ha. The drain's metres (4b, 4c) are untouched.
    works = _works(
        [{"intervention_id": "POND", "kind": "kolam_retensi", "radius_m": 0.0, "year": 2020},
         {"intervention_id": "DRAIN", "kind": "drainase", "radius_m": 10.0, "year": 2021}],
        [shapely.box(20, 20, 80, 80), shapely.LineString([(-50, 50), (250, 50)])],
    )  # fmt: skip
    red = kg.allocate(units, works)
    rows = _rows(red, "4a")
    assert rows.keys() == {("POND", "A"), ("DRAIN", "A"), ("DRAIN", "B")}
    assert rows["POND", "A"] == (pytest.approx(0.36, rel=EXACT), 0.0)
    assert rows["DRAIN", "A"][0] == pytest.approx(0.08, rel=EXACT)
    assert rows["DRAIN", "A"][1] == pytest.approx(0.6, rel=EXACT)
    assert rows["DRAIN", "B"] == (pytest.approx(0.2, rel=EXACT), 0.0)
    assert set(red.loc[red["criterion"] == "4a", "method"]) == {"polygon_area"}
    metres = red[red["criterion"].isin(["4b", "4c"])]
    assert metres["volume"].to_numpy() == pytest.approx([100.0] * 4, rel=EXACT)
    assert metres["overlap_share"].isna().all()

    # Each year's reductions add up to the union of the works done by then.
    units = _measured(units.assign(**{"4a": [1.0, 1.0]}, area_ha=1.0))
    for year, in_a in ((2019, 0.0), (2020, 0.36), (2021, 0.44)):
        after = kg.assess(units, reductions=red, year=year)
        assert after.loc[0, "reduction_4a"] == pytest.approx(in_a, rel=EXACT, abs=1e-12)


def test_criteria_with_different_works_take_their_own_unions(units: gpd.GeoDataFrame) -> None:
    # A lane (2020) through A reduces 1a and 7a (buildings) with its 10 m corridor, a 20 m
    # band; a fire hydrant (2021) reduces 7a alone. 1a counts the band; 7a counts the band,
    # then the hydrant's disc less the band.
    works = _works(
        [{"intervention_id": "LANE", "kind": "paving", "radius_m": 10.0, "year": 2020},
         {"intervention_id": "HK", "kind": "hidran_kebakaran", "radius_m": 20.0, "year": 2021}],
        [shapely.LineString([(-50, 50), (150, 50)]), shapely.Point(50, 65)],
    )  # fmt: skip
    red = kg.allocate(units, works)
    band, disc = shapely.box(0, 40, 100, 60), _disc(50, 65, 20.0)
    assert _rows(red, "1a")["LANE", "A"] == (pytest.approx(50 * 0.2, rel=EXACT), 0.0)
    rows = _rows(red, "7a")
    assert rows["LANE", "A"] == (pytest.approx(50 * 0.2, rel=EXACT), 0.0)
    assert rows["HK", "A"][0] == pytest.approx(50 * disc.difference(band).area / 1e4, rel=EXACT)
    assert rows["HK", "A"][1] == pytest.approx(disc.intersection(band).area / disc.area)


def test_the_ledger_counts_shared_households_once(units: gpd.GeoDataFrame) -> None:
    # A: 60 households, 1 ha; 3a = 40 (66.67 %: 3 points), 3b = 60 (100 %: 5), and 1a, 1c,
    # 7b at 100 % (5 each): 23 points, kumuh ringan. House connections over the west half
    # (2020: 30 households) and again over the same half (2021). Counted once, 3a falls to
    # 10 (16.67 %: 0) and 3b to 30 (50.00 %: 1), 16 points: still kumuh ringan in both years.
    # Counted twice, 3b would reach 0 and A would leave the slum list in 2021.
    units = _measured(units.assign(
        **{"3a": [40.0, 0.0], "3b": [60.0, 0.0], "1a": [50.0, 0.0], "1c": [50.0, 0.0],
           "7b": [50.0, 0.0]},
        area_ha=[1.0, 1.0],
    ))  # fmt: skip
    half = shapely.box(0, 0, 50, 100)
    works = _works(
        [{"intervention_id": "SR-1", "kind": "sambungan_rumah", "radius_m": 0.0, "year": 2020},
         {"intervention_id": "SR-2", "kind": "sambungan_rumah", "radius_m": 0.0, "year": 2021}],
        [half, half],
    )  # fmt: skip
    red = kg.allocate(units, works)
    assert _rows(red, "3a") == {
        ("SR-1", "A"): (pytest.approx(30.0, rel=EXACT), 0.0),
        ("SR-2", "A"): (0.0, 1.0),
    }
    for year in (2020, 2021):
        after = kg.assess(units, reductions=red, year=year)
        assert after.loc[0, ["pct_3a", "pct_3b"]].tolist() == [16.67, 50.0]
        assert after.loc[0, "total_score"] == 16
        assert after.loc[0, "level"] == "kumuh ringan"
    led = kg.progress(units, red, years=[2019, 2020, 2021])
    assert led["baseline_ha"].tolist() == [1.0, 1.0, 1.0]
    assert led["slum_ha"].tolist() == [1.0, 1.0, 1.0]
    assert led["reduced_ha"].tolist() == [0.0, 0.0, 0.0]
    assert np.all(led["units_left"] == 0)


# ---------------------------------------------------------------- capacity


def _one_unit(households: float = 100.0, **extra) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"unit_id": ["A"], "households": [households], **{k: [v] for k, v in extra.items()}},
        geometry=[shapely.box(0, 0, 100, 100)],
        crs=CRS,
    )


def test_a_capped_tap_inside_one_unit_serves_its_capacity() -> None:
    # A 45 m disc (a 96-gon of 6 336 m²) in a 1 ha unit of 100 households reaches 63.4 of
    # them; with a capacity of 50 households it serves exactly 50.
    works = _works([{"intervention_id": "HU", "kind": "hidran_umum", "radius_m": 45.0}],
                   [shapely.Point(50, 50)])  # fmt: skip
    red = kg.allocate(_one_unit(), works, capacities={"hidran_umum": (50, "households")})
    reach = 100 * _disc(50, 50, 45).area / 10_000
    assert reach > 50
    for code in ("3a", "3b"):
        row = red[red["criterion"] == code].iloc[0]
        assert row["volume"] == pytest.approx(50.0, rel=EXACT)
        assert row["capacity_factor"] == pytest.approx(50 / reach, rel=EXACT)


def test_a_capped_disc_over_two_units_splits_its_capacity_in_proportion(
    units: gpd.GeoDataFrame,
) -> None:
    # A 40 m disc on the shared edge: half in A (60 households), half in B (40). It reaches
    # (60 + 40) x half the disc; capped at 20 households, A gets 20 x 60/100 and B 20 x 40/100.
    works = _works([{"intervention_id": "HU", "kind": "hidran_umum", "radius_m": 40.0}],
                   [shapely.Point(100, 50)])  # fmt: skip
    red = kg.allocate(units, works, capacities={"hidran_umum": (20, "households")})
    assert _vol(red, "3a") == {
        "A": pytest.approx(12.0, rel=EXACT),
        "B": pytest.approx(8.0, rel=EXACT),
    }
    half = _disc(100, 50, 40).area / 2 / 10_000
    assert red["capacity_factor"].unique() == pytest.approx([20 / (half * 100)], rel=EXACT)


def test_an_overlap_a_capped_earlier_work_cannot_serve_is_not_handed_on() -> None:
    # T1 (2020, capped at 10 households) and T2 (2021, no capacity) on the same 30 m disc:
    # T1 serves 10, T2 claims nothing though 18.3 households of the disc are left.
    caps = {"hidran_umum": (10, "households"), "sumur_bor": None}
    same = _works(
        [{"intervention_id": "T1", "kind": "hidran_umum", "radius_m": 30.0, "year": 2020},
         {"intervention_id": "T2", "kind": "sumur_bor", "radius_m": 30.0, "year": 2021}],
        [shapely.Point(50, 50), shapely.Point(50, 50)],
    )  # fmt: skip
    rows = _rows(kg.allocate(_one_unit(), same, capacities=caps), "3a")
    assert rows["T1", "A"] == (pytest.approx(10.0, rel=EXACT), 0.0)
    assert rows["T2", "A"] == (0.0, 1.0)
    # Moved 20 m east, T2 claims its disc less T1's, times its own factor: 1 without a
    # capacity, 5 / (its own reach) with a capacity of 5 households.
    first, second = _disc(50, 50, 30), _disc(70, 50, 30)
    fresh = 100 * second.difference(first).area / 10_000
    moved = same.assign(geometry=[shapely.Point(50, 50), shapely.Point(70, 50)])
    rows = _rows(kg.allocate(_one_unit(), moved, capacities=caps), "3a")
    assert rows["T1", "A"][0] == pytest.approx(10.0, rel=EXACT)
    assert rows["T2", "A"][0] == pytest.approx(fresh, rel=EXACT)
    caps["sumur_bor"] = (5, "households")
    red = kg.allocate(_one_unit(), moved, capacities=caps)
    own = 100 * second.area / 10_000
    assert _rows(red, "3a")["T2", "A"][0] == pytest.approx(fresh * 5 / own, rel=EXACT)
    # the reductions of a unit never exceed what the capacities allow
    assert red.loc[red["criterion"] == "3a", "volume"].sum() <= 15.0 + 1e-9


def test_a_capacity_in_people_counts_penduduk_or_households_times_3_9() -> None:
    # A work whose service area is the whole unit (a polygon, radius 0) and a capacity of 200
    # people (a public tap's): 350 penduduk -> 200/350 of the 100 households; without
    # penduduk 100 x 3.9 = 390 people -> 200/390; with 4 a household -> 200/400.
    works = _works([{"intervention_id": "HU", "kind": "hidran_umum", "radius_m": 0.0}],
                   [shapely.box(0, 0, 100, 100)])  # fmt: skip

    def served(units: gpd.GeoDataFrame, **kw) -> float:
        red = kg.allocate(units, works, **kw)
        return float(red.loc[red["criterion"] == "3a", "volume"].iloc[0])

    assert served(_one_unit(penduduk=350.0)) == pytest.approx(100 * 200 / 350, rel=EXACT)
    assert served(_one_unit()) == pytest.approx(100 * 200 / 390, rel=EXACT)
    assert served(_one_unit(penduduk=np.nan)) == pytest.approx(100 * 200 / 390, rel=EXACT)
    assert served(_one_unit(), persons_per_household=4) == pytest.approx(50.0, rel=EXACT)
    assert served(_one_unit(penduduk=150.0)) == pytest.approx(100.0, rel=EXACT)  # not capped
    with pytest.raises(kg.InputError, match="capacities"):
        kg.allocate(_one_unit(), works, capacities={"jalan": 5})  # jalan has no measure
    with pytest.raises(kg.InputError, match="unknown kinds"):
        kg.allocate(_one_unit(), works, capacities={"kapal": 5})


def test_capacity_factor_is_blank_where_no_capacity_can_apply(units: gpd.GeoDataFrame) -> None:
    works = _works(
        [{"intervention_id": "LANE", "kind": "paving", "radius_m": 10.0},
         {"intervention_id": "POND", "kind": "kolam_retensi", "radius_m": 0.0},
         {"intervention_id": "R1", "kind": "rehab_rtlh", "volume": 3}],
        [shapely.LineString([(10, 50), (90, 50)]), shapely.box(20, 0, 40, 20),
         shapely.Point(150, 50)],
    )  # fmt: skip
    red = kg.allocate(units, works)
    by_measure = red.groupby("measure")["capacity_factor"]
    assert by_measure.apply(lambda s: s.isna().all()).to_dict() == {
        "buildings": False,
        "ha": True,
        "m": True,
    }
    assert red.loc[red["method"] == "service_share", "capacity_factor"].eq(1.0).all()
    assert red.loc[red["method"] == "point_volume", "capacity_factor"].isna().all()


# ---------------------------------------------------------------- what each kind reduces


def test_waste_works_reduce_their_own_criteria(units: gpd.GeoDataFrame) -> None:
    # A bin and a handcart with the same 20 m disc in A: the bin serves 6a, the cart 6b (and
    # 6c of 2016); neither claims the other's criterion, so both keep their whole disc.
    works = _works(
        [{"intervention_id": "BAK", "kind": "Bak Sampah", "radius_m": 20.0},
         {"intervention_id": "GRB", "kind": "Gerobak Sampah", "radius_m": 20.0}],
        [shapely.Point(50, 50), shapely.Point(50, 50)],
    )  # fmt: skip
    red = kg.allocate(units, works)
    served = 60 * _disc(50, 50, 20).area / 10_000
    cols = zip(red["intervention_id"], red["criterion"], red["volume"], strict=True)
    got = {(i, c): v for i, c, v in cols}
    assert got == {
        ("BAK", "6a"): pytest.approx(served, rel=EXACT),
        ("GRB", "6b"): pytest.approx(served, rel=EXACT),
        ("GRB", "6c"): pytest.approx(served, rel=EXACT),
    }


def test_rumah_deret_also_reduces_1a(units: gpd.GeoDataFrame) -> None:
    # The 80 x 50 m block of test_polygon_hectares_split_between_units: 0.2 of each unit.
    works = _works([{"intervention_id": "RD1", "kind": "Rumah Deret"}],
                   [shapely.box(60, 25, 140, 75)])  # fmt: skip
    red = kg.allocate(units, works)
    assert _vol(red, "1a") == {
        "A": pytest.approx(10.0, rel=EXACT),
        "B": pytest.approx(6.0, rel=EXACT),
    }


def test_2016_criteria_come_only_from_the_kinds_that_name_them(units: gpd.GeoDataFrame) -> None:
    # An 80 m normalised channel in A: 4c and 4e (2016) in metres, no 4b; a new drain on the
    # same line: 4b and 4c, no 4e. Under 2016 the 4e volume falls by 80 m; under 2018 the
    # 4e rows change nothing.
    line = shapely.LineString([(10, 50), (90, 50)])
    works = _works(
        [{"intervention_id": "NRM", "kind": "Normalisasi Saluran", "radius_m": 5.0},
         {"intervention_id": "DRN", "kind": "Drainase Lingkungan", "radius_m": 5.0}],
        [line, line],
    )  # fmt: skip
    red = kg.allocate(units, works)
    metres = red[red["measure"] == "m"]
    assert set(zip(metres["intervention_id"], metres["criterion"], strict=True)) == {
        ("NRM", "4c"), ("NRM", "4e"), ("DRN", "4b"), ("DRN", "4c"),
    }  # fmt: skip
    assert metres["volume"].to_numpy() == pytest.approx([80.0] * 4, rel=EXACT)
    base = units.assign(
        area_ha=1.0, road_length_m=100.0, drain_length_m=100.0,
        **{c: 0.0 for c in ("1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "4d",
                            "5a", "5b", "6a", "6b", "6c", "7a", "7b")},
        **{"4e": [90.0, 0.0]},
    )  # fmt: skip
    after16 = kg.assess(base, ruleset="permen-02-2016", reductions=red)
    assert after16.loc[0, "pct_4e"] == 10.0
    without = red[red["criterion"] != "4e"]
    after18 = kg.assess(base, reductions=red)
    pd.testing.assert_series_equal(
        after18["total_score"], kg.assess(base, reductions=without)["total_score"]
    )
    # Under 2018 the one 4e row is set aside with a note, not a warning per row.
    notes = [i for i in after18.attrs["report"] if i.check == "reduction_other_ruleset"]
    assert [(i.severity, i.row) for i in notes] == [("info", None)]
    assert "1 reduction row(s) for ['4e']" in notes[0].message
    assert "reduction_unknown_criterion" not in after18.attrs["report"].checks()


def test_works_on_the_map_cannot_go_into_units_without_geometry(
    units: gpd.GeoDataFrame,
) -> None:
    table = pd.DataFrame(units.drop(columns="geometry"))
    works = _works([{"intervention_id": "T1", "kind": "hidran umum"}], [shapely.Point(50, 50)])
    with pytest.raises(kg.InputError, match=r"table without geometry, so 1 work\(s\)"):
        kg.allocate(table, works)
    # Table rows need no geometry: they still go in.
    rows = pd.DataFrame(
        {"intervention_id": ["R1"], "kind": ["jalan"], "year": [2022], "status": ["selesai"],
         "unit_id": ["A"], "criterion": ["2a"], "volume": [40.0]}
    )  # fmt: skip
    red = kg.allocate(table, rows)
    assert red[["unit_id", "criterion", "volume"]].values.tolist() == [["A", "2a", 40.0]]


# ---------------------------------------------------------------- messages


def test_a_missing_denominator_is_named_with_the_works_it_holds_back() -> None:
    units = gpd.GeoDataFrame(
        {"unit_id": ["A"], "households": [60]}, geometry=[shapely.box(0, 0, 100, 100)], crs=CRS
    )
    works = _works(
        [{"intervention_id": "AP", "kind": "APAR"},
         {"intervention_id": "HK", "kind": "hidran kebakaran"},
         {"intervention_id": "HK2", "kind": "hidran kebakaran"},
         {"intervention_id": "LN", "kind": "jalan beton"}],
        [shapely.Point(50, 50), shapely.Point(40, 40), shapely.Point(60, 60),
         shapely.LineString([(10, 50), (90, 50)])],
    )  # fmt: skip
    red = kg.allocate(units, works)
    assert set(red["criterion"]) == {"2a", "2b"}  # the metres are measured all the same
    issues = [i for i in red.attrs["report"] if i.check == "missing_denominator"]
    assert len(issues) == 1 and issues[0].severity == "error"
    assert issues[0].message == (
        "units have no 'buildings' column, so 1a/7a/7b of 4 work(s) (APAR, Hidran kebakaran, "
        "Jalan beton) could not be allocated; add 'buildings' (the number of buildings of "
        "each unit) to the units"
    )
    assert "bad_volume" not in red.attrs["report"].checks()


def test_a_blank_count_leaves_that_unit_out_and_says_so(units: gpd.GeoDataFrame) -> None:
    units = units.assign(households=[60.0, np.nan])
    works = _works([{"intervention_id": "HU", "kind": "hidran_umum", "radius_m": 20.0}],
                   [shapely.Point(100, 50)])  # fmt: skip
    red = kg.allocate(units, works)
    assert set(red["unit_id"]) == {"A"}
    issue = next(i for i in red.attrs["report"] if i.check == "blank_denominator")
    assert issue.message.startswith("1 unit(s) have a blank 'households', so 3a/3b of 1 work")


def test_unknown_kinds_are_reported_with_the_closest_names(units: gpd.GeoDataFrame) -> None:
    works = _works([{"intervention_id": "X", "kind": "hidran umun"}], [shapely.Point(50, 50)])
    red = kg.allocate(units, works)
    (issue,) = [i for i in red.attrs["report"] if i.check == "unknown_kind"]
    assert "closest: 'hidran_umum'" in issue.message


# ---------------------------------------------------------------- argument order


def test_units_first_and_the_old_order_with_a_warning(units: gpd.GeoDataFrame) -> None:
    import warnings

    works = _works([{"intervention_id": "W1", "kind": "drainase_lingkungan"}],
                   [shapely.LineString([(50, 50), (130, 50)])])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        new = kg.allocate(units, works)
        by_name = kg.allocate(interventions=works, units=units)
    with pytest.warns(DeprecationWarning, match=r"allocate\(units, interventions\)"):
        old = kg.allocate(works, units)
    pd.testing.assert_frame_equal(new, old)
    pd.testing.assert_frame_equal(new, by_name)
    assert _vol(new, "4b") == {"A": pytest.approx(50.0), "B": pytest.approx(30.0)}
