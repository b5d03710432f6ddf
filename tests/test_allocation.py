"""allocate: analytic shapes in a metric equal-area CRS centred on the data."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg

# LAEA centred on the test shapes. The library re-projects into its own frames (centred a few
# metres away); the straight edges re-projected between frames bend by micrometres, so areas
# are compared to 1e-4 (1 m² per hectare, a hundredth of what reports print).
CRS = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"


@pytest.fixture
def units() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "households": [60, 40], "buildings": [50, 30]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
        crs=CRS,
    )


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
    red = kg.allocate(works, units)
    for code in ("4b", "4c"):
        got = _vol(red, code)
        assert got["A"] == pytest.approx(50.0, abs=1e-4)
        assert got["B"] == pytest.approx(30.0, abs=1e-4)
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
    red = kg.allocate(works, units)
    disc = 48 * 20.0**2 * math.sin(2 * math.pi / 96)
    expected = 60 * disc / 10_000
    assert _vol(red, "3a") == {"A": pytest.approx(expected, rel=1e-4)}
    assert _vol(red, "3b") == {"A": pytest.approx(expected, rel=1e-4)}
    assert set(red["method"]) == {"service_share"}


def test_polygon_hectares_split_between_units(units: gpd.GeoDataFrame) -> None:
    # Rumah deret polygon 80 x 50 m from x=60 to 140: 0.2 ha in A and 0.2 ha in B for 1b;
    # 1c gets the covered share (0.2 of each unit) of 50 and 30 buildings.
    works = _works([{"intervention_id": "RD1", "kind": "rumah_deret"}],
                   [shapely.box(60, 25, 140, 75)])  # fmt: skip
    red = kg.allocate(works, units)
    assert _vol(red, "1b") == {"A": pytest.approx(0.2, rel=1e-4), "B": pytest.approx(0.2, rel=1e-4)}
    assert _vol(red, "1c") == {
        "A": pytest.approx(10.0, rel=1e-4),
        "B": pytest.approx(6.0, rel=1e-4),
    }


def test_point_volume_goes_to_the_containing_unit(units: gpd.GeoDataFrame) -> None:
    works = _works([{"intervention_id": "R1", "kind": "Rehab RTLH", "volume": 7}],
                   [shapely.Point(150, 50)])  # fmt: skip
    red = kg.allocate(works, units)
    assert red[["unit_id", "criterion", "volume", "method"]].values.tolist() == [
        ["B", "1c", 7.0, "point_volume"]
    ]


def test_table_rows_are_taken_as_they_are(units: gpd.GeoDataFrame) -> None:
    works = pd.DataFrame({
        "intervention_id": ["T1", "T2", "T3"], "kind": ["jalan", "jalan", "jalan"],
        "status": ["selesai"] * 3, "year": [2021, 2021, 2021],
        "unit_id": ["A", "ZZ", "B"], "criterion": ["2A", "2a", "8x"],
        "volume": [120.0, 5.0, 1.0]})  # fmt: skip
    red = kg.allocate(works, units)
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
    red = kg.allocate(works, units)
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
    assert set(kg.allocate(works, units, year=2022)["intervention_id"]) == {"done21"}
    assert set(kg.allocate(works, units)["intervention_id"]) == {"done21", "done23"}


def test_allocated_reductions_feed_assess(units: gpd.GeoDataFrame) -> None:
    # 80 m of drain in A whose 4b volume is 80 of 100 m ideal: 80 % -> 0 % after the work.
    units = units.assign(drain_length_m=100.0, **{"4b": [80.0, 0.0]})
    works = _works([{"intervention_id": "D", "kind": "drainase"}],
                   [shapely.LineString([(10, 50), (90, 50)])])  # fmt: skip
    red = kg.allocate(works, units)
    before = kg.assess(units)
    after = kg.assess(units, reductions=red, year=2022)
    assert before.loc[0, "score_4b"] == 5
    assert after.loc[0, "pct_4b"] == 0.0
