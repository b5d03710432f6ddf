"""Service areas, coverage and remaining area against analytic shapes.

Shapes are drawn in a Lambert azimuthal equal-area frame centred in Mataram, whose metres are
true metres near its centre, so the expected hectares are plain geometry. The tolerance
(``REL`` = 1e-5) allows for PROJ's inverse of that projection, which places points about a
millimetre off near the centre (a 300 m square with a corner on the centre gains 1.6e-6).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.crs import laea_crs
from kotaku_gis.overlay import QUAD_SEGS

LOCAL = laea_crs(116.1, -8.58)
REL = 1e-5
N_SIDES = 4 * QUAD_SEGS
#: Area of the regular polygon a buffer draws, as a share of the true disc.
POLYGON_SHARE = N_SIDES / (2 * math.pi) * math.sin(2 * math.pi / N_SIDES)


def units_frame(*boxes, crs=LOCAL, ids=None):
    ids = ids or [f"RT{i:02d}" for i in range(len(boxes))]
    return gpd.GeoDataFrame(
        {"unit_id": ids, "kelurahan": "Ampenan Selatan"},
        geometry=[shapely.box(*b) for b in boxes],
        crs=crs,
    )


def works_frame(geoms, kinds, *, status="selesai", year=2022, radius=None, crs=LOCAL):
    n = len(geoms)
    data = {
        "intervention_id": [f"W{i}" for i in range(n)],
        "kind": kinds if isinstance(kinds, list) else [kinds] * n,
        "status": status if isinstance(status, list) else [status] * n,
        "year": year if isinstance(year, list) else [year] * n,
    }
    if radius is not None:
        data["radius_m"] = radius if isinstance(radius, list) else [radius] * n
    return gpd.GeoDataFrame(data, geometry=geoms, crs=crs)


def test_drain_line_crossing_a_square_covers_a_band_of_known_width():
    units = units_frame((0, 0, 200, 200))
    drain = works_frame([shapely.LineString([(-50, 80), (250, 80)])], "drainase", radius=20.0)
    rem = kg.remaining_area(units, drain)
    row = rem.iloc[0]
    assert row["area_ha"] == pytest.approx(4.0, rel=REL)
    assert row["covered_ha"] == pytest.approx(200 * 40 / 10_000, rel=REL)  # 0.8 ha band
    assert row["remaining_ha"] == pytest.approx(3.2, rel=REL)
    # the remaining geometry is the square minus the band: two rectangles
    assert float(kg.area_ha(rem).iloc[0]) == pytest.approx(3.2, rel=REL)
    assert rem.crs == units.crs


def test_disc_inside_a_square_covers_pi_r_squared():
    units = units_frame((0, 0, 300, 300))
    tap = works_frame([shapely.Point(150, 150)], "hidran_umum")  # catalogue radius 100 m
    cov = kg.coverage(units, tap)
    disc_ha = math.pi * 100**2 / 10_000
    assert cov.loc[0, "covered_ha"] == pytest.approx(disc_ha * POLYGON_SHARE, rel=REL)
    assert abs(cov.loc[0, "covered_ha"] / disc_ha - 1) < 0.002  # within 0.2 % of πr²
    assert cov.loc[0, "covered_share"] == pytest.approx(disc_ha * POLYGON_SHARE / 9.0, rel=REL)
    assert cov.loc[0, "covered_ha_air_minum"] == cov.loc[0, "covered_ha"]


def test_identical_discs_are_counted_once():
    units = units_frame((0, 0, 300, 300))
    one = kg.coverage(units, works_frame([shapely.Point(150, 150)], "mck"))
    five = kg.coverage(units, works_frame([shapely.Point(150, 150)] * 5, "mck"))
    assert five.loc[0, "covered_ha"] == pytest.approx(one.loc[0, "covered_ha"], rel=1e-9)


def test_overlapping_kinds_count_once_overall_and_fully_per_kind():
    units = units_frame((0, 0, 300, 300))
    works = works_frame(
        [shapely.Point(150, 150), shapely.Point(150, 150)],
        ["hidran_umum", "hidran_kebakaran"],
        radius=50.0,
    )
    cov = kg.coverage(units, works)
    disc = math.pi * 50**2 / 10_000 * POLYGON_SHARE
    assert cov.loc[0, "covered_ha"] == pytest.approx(disc, rel=REL)
    assert cov.loc[0, "covered_ha_air_minum"] == pytest.approx(disc, rel=REL)
    assert cov.loc[0, "covered_ha_proteksi_kebakaran"] == pytest.approx(disc, rel=REL)
    only = kg.coverage(units, works, by=None)
    assert [c for c in only.columns if c.startswith("covered")] == ["covered_ha", "covered_share"]


def test_planned_and_future_works_are_ignored():
    units = units_frame((0, 0, 300, 300))
    pts = [shapely.Point(150, 150)] * 3
    works = works_frame(
        pts, "mck", status=["rencana", "selesai", "Proses"], year=[2021, 2024, 2021]
    )
    by_2023 = kg.remaining_area(units, works, year=2023)
    assert by_2023.loc[0, "covered_ha"] == 0.0
    assert by_2023.loc[0, "remaining_ha"] == pytest.approx(9.0, rel=REL)
    # without a year every completed work counts: the 2024 one
    assert kg.remaining_area(units, works).loc[0, "covered_ha"] > 0.5


def test_kinds_filter_and_radius_overrides():
    units = units_frame((0, 0, 300, 300))
    works = works_frame([shapely.Point(150, 150)] * 2, ["mck", "jalan"], radius=[30.0, 60.0])
    only_sanitation = kg.coverage(units, works, kinds=["air_limbah"], by=None)
    assert only_sanitation.loc[0, "covered_ha"] == pytest.approx(
        math.pi * 30**2 / 10_000 * POLYGON_SHARE, rel=REL
    )
    no_column = works.drop(columns="radius_m")
    override = kg.coverage(units, no_column, kinds=["mck"], radii={"mck": 10.0}, by=None)
    assert override.loc[0, "covered_ha"] == pytest.approx(
        math.pi * 10**2 / 10_000 * POLYGON_SHARE, rel=REL
    )
    with pytest.raises(kg.InputError, match="not in the catalogue"):
        kg.coverage(units, works, kinds=["kapal"])


def test_two_units_share_a_line_by_their_parts_and_conserve_hectares():
    units = units_frame((0, 0, 100, 100), (100, 0, 300, 100))
    road = works_frame([shapely.LineString([(0, 50), (300, 50)])], "jalan", radius=10.0)
    rem = kg.remaining_area(units, road)
    np.testing.assert_allclose(rem["covered_ha"], [0.2, 0.4], rtol=REL)
    np.testing.assert_allclose(rem["remaining_ha"] + rem["covered_ha"], rem["area_ha"], rtol=1e-12)
    assert (rem["remaining_ha"] >= 0).all()


def test_the_same_answer_whatever_crs_each_input_comes_in():
    units = units_frame((0, 0, 200, 200), (200, 0, 400, 150))
    works = works_frame(
        [shapely.Point(190, 100), shapely.LineString([(0, 20), (400, 20)])],
        ["hidran_umum", "drainase_lingkungan"],
    )
    base = kg.remaining_area(units, works)
    for ucrs, wcrs in [(4326, 32750), (32750, 4326), (3857, 23830), (4326, 4326)]:
        other = kg.remaining_area(units.to_crs(ucrs), works.to_crs(wcrs))
        np.testing.assert_allclose(other["area_ha"], base["area_ha"], rtol=1e-6)
        np.testing.assert_allclose(other["remaining_ha"], base["remaining_ha"], rtol=1e-5)
        assert other.crs == units.to_crs(ucrs).crs


def test_index_kept_and_units_without_geometry_reported_not_dropped():
    units = units_frame((0, 0, 100, 100), (100, 0, 200, 100), ids=["A", "B"])
    units.index = [10, 20]
    units.loc[20, "geometry"] = None
    works = works_frame([shapely.Point(50, 50)], "mck", radius=10.0)
    rem = kg.remaining_area(units, works)
    assert list(rem.index) == [10, 20]
    assert np.isnan(rem.loc[20, "remaining_ha"])
    report = rem.attrs["report"]
    assert ("null_geometry", 20) in {(i.check, i.row) for i in report}


def test_service_areas_are_returned_in_the_works_crs_with_radius_zero_polygons_kept():
    pond = shapely.box(0, 0, 50, 50)
    works = works_frame(
        [shapely.Point(0, 0), pond, shapely.Point(10, 10)],
        ["hidran_umum", "kolam_retensi", "rehab_rtlh"],
        radius=[25.0, 0.0, 0.0],
    ).to_crs(4326)
    svc = kg.service_areas(works)
    assert svc.crs == works.crs
    ha = kg.area_ha(svc)
    assert ha.iloc[0] == pytest.approx(math.pi * 25**2 / 10_000 * POLYGON_SHARE, rel=1e-5)
    assert ha.iloc[1] == pytest.approx(0.25, rel=1e-5)
    assert svc.geometry.iloc[2].is_empty
