"""The overlay engine against analytic answers, whatever its chunks, threads and frames.

Shapes are drawn in metres in a Lambert azimuthal equal-area frame (true metres near its
centre) and handed to the engine in other CRSs; expected hectares are plain geometry or, for
irregular layouts, shapely's own union and difference of the same buffers in that frame. The
tolerance ``REL`` (1e-5) allows for PROJ's round trips between frames, as in test_overlay.py.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.crs import CELL_DEG, laea_crs
from kotaku_gis.overlay import QUAD_SEGS

REL = 1e-5
N_SIDES = 4 * QUAD_SEGS
POLYGON_SHARE = N_SIDES / (2 * math.pi) * math.sin(2 * math.pi / N_SIDES)
MATARAM = laea_crs(116.1, -8.58)


def units_frame(geoms, crs=MATARAM):
    return gpd.GeoDataFrame(
        {"unit_id": [f"RT{i:03d}" for i in range(len(geoms))]}, geometry=list(geoms), crs=crs
    )


def works_frame(geoms, kind, radius, crs=MATARAM):
    n = len(geoms)
    return gpd.GeoDataFrame(
        {
            "intervention_id": [f"W{i}" for i in range(n)],
            "kind": [kind] * n,
            "status": ["selesai"] * n,
            "year": [2022] * n,
            "radius_m": radius if isinstance(radius, list) else [radius] * n,
        },
        geometry=list(geoms),
        crs=crs,
    )


def assert_conserved(rem):
    # exact, not approximate: remaining is what the unit's area leaves after coverage
    assert (rem["remaining_ha"] + rem["covered_ha"] == rem["area_ha"]).all()


def test_many_identical_discs_count_once():
    unit = units_frame([shapely.box(0, 0, 300, 300)])
    discs = works_frame([shapely.Point(150, 150)] * 200, "hidran_umum", 50.0)
    rem = kg.remaining_area(unit, discs)
    disc_ha = math.pi * 50**2 * POLYGON_SHARE / 10_000
    assert rem.loc[0, "covered_ha"] == pytest.approx(disc_ha, rel=REL)
    assert rem.loc[0, "remaining_ha"] == pytest.approx(9.0 - disc_ha, rel=REL)
    assert_conserved(rem)


def test_a_unit_hit_by_more_than_a_hundred_works_counts_each_band_once():
    # 90 drains 10 m apart across a 1 km square, each serving a 4 m band, and 25 of them
    # given twice: 115 works on one unit, covering 90 x 0.4 ha
    ys = [10.0 * k + 5.0 for k in range(90)]
    lines = [shapely.LineString([(-50, y), (1050, y)]) for y in ys]
    lines += lines[:25]
    unit = units_frame([shapely.box(0, 0, 1000, 1000)])
    rem = kg.remaining_area(unit, works_frame(lines, "drainase", 2.0))
    assert rem.loc[0, "covered_ha"] == pytest.approx(90 * 0.4, rel=REL)
    assert rem.loc[0, "remaining_ha"] == pytest.approx(100.0 - 36.0, rel=REL)
    # the unserved part is the 90 gaps between bands and the strip above the last one
    assert shapely.get_num_geometries(rem.geometry.iloc[0]) == 91
    assert_conserved(rem)


def test_a_unit_inside_one_service_area_is_fully_covered_and_left_empty():
    unit = units_frame([shapely.box(-20, -20, 20, 20)])
    works = works_frame([shapely.Point(0, 0), shapely.Point(15, 0)], "hidran_umum", [100.0, 5.0])
    rem = kg.remaining_area(unit, works)
    assert rem.loc[0, "covered_ha"] == pytest.approx(0.16, rel=REL)
    assert rem.loc[0, "remaining_ha"] == 0.0
    assert rem.geometry.iloc[0].is_empty


def concat(*frames):
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


@pytest.mark.parametrize(("lon", "lat"), [(117.0, -8.5), (116.25, -8.625)])
def test_units_either_side_of_a_frame_boundary_share_a_disc_and_a_drain(lon, lat):
    # (117.0, -8.5) is a corner of crs.CELL_DEG cells; (116.25, -8.625) an edge of the
    # engine's quarter-degree cells: the two units fall in different frames
    assert CELL_DEG == 1.0
    here = laea_crs(lon, lat)
    units = units_frame([shapely.box(-200, -100, 0, 100), shapely.box(0, -100, 200, 100)], here)
    works = concat(
        works_frame([shapely.LineString([(-300, 0), (300, 0)])], "drainase", 20.0, here),
        works_frame([shapely.Point(0, 60)], "hidran_umum", 30.0, here),
    )
    lonlat_units = units.to_crs(4326)
    centre_lon = lonlat_units.geometry.bounds[["minx", "maxx"]].mean(axis=1).to_numpy()
    assert centre_lon[0] < lon < centre_lon[1]
    rem = kg.remaining_area(lonlat_units, works.to_crs(4326))
    # each unit: a 200 m x 40 m band and half the disc (which stays clear of the band)
    expected = (200 * 40 + math.pi * 30**2 * POLYGON_SHARE / 2) / 10_000
    assert rem["covered_ha"].to_numpy() == pytest.approx([expected, expected], rel=REL)
    assert rem["area_ha"].to_numpy() == pytest.approx([4.0, 4.0], rel=REL)
    assert_conserved(rem)


def test_the_same_hectares_whatever_crs_units_and_works_come_in():
    units = units_frame([shapely.box(0, 0, 200, 200), shapely.box(200, 0, 400, 200)])
    works = concat(
        works_frame([shapely.LineString([(-50, 150), (450, 150)])], "drainase", 20.0),
        works_frame([shapely.Point(200, 60)], "hidran_umum", 50.0),
    )
    answers = []
    for ucrs, wcrs in [(4326, 3857), (32750, 4326), (32750, 32750), (4326, 23830)]:
        rem = kg.remaining_area(units.to_crs(ucrs), works.to_crs(wcrs))
        assert rem.crs.to_epsg() == ucrs
        answers.append(rem["covered_ha"].to_numpy())
        assert_conserved(rem)
    for other in answers[1:]:
        np.testing.assert_allclose(other, answers[0], rtol=1e-7)
    # in each unit a 200 m x 40 m band and half the disc, which stays clear of the band
    expected = (200 * 40 + math.pi * 50**2 * POLYGON_SHARE / 2) / 10_000
    np.testing.assert_allclose(answers[0], [expected, expected], rtol=REL)


def _grid_layout(seed: int):
    """A 15 x 20 grid of 60 m units and 400 seeded lines and points, in metres."""
    rng = np.random.default_rng(seed)
    units = [
        shapely.box(60 * i, 60 * j, 60 * (i + 1), 60 * (j + 1))
        for j in range(15)
        for i in range(20)
    ]
    n_lines, n_points = 300, 100
    start = rng.uniform([0, 0], [1200, 900], size=(n_lines + n_points, 2))
    ends = start[:n_lines] + rng.normal(0, 150, size=(n_lines, 2))
    lines = shapely.linestrings(np.stack([start[:n_lines], ends], axis=1))
    points = shapely.points(start[n_lines:])
    radius = np.concatenate(
        [rng.choice([5.0, 15.0, 25.0], n_lines), rng.choice([10.0, 80.0], n_points)]
    )
    return np.array(units), np.concatenate([lines, points]), radius


def test_irregular_layout_matches_union_then_difference_whatever_the_chunks():
    ugeoms, wgeoms, radius = _grid_layout(seed=7)
    buffers = shapely.buffer(wgeoms, radius, quad_segs=QUAD_SEGS)
    served = shapely.union_all(buffers)
    expected_left = shapely.area(shapely.difference(ugeoms, served)) / 10_000
    units = units_frame(ugeoms).to_crs(4326)
    works = works_frame(wgeoms, "drainase", list(radius))
    answers = []
    for chunk, workers in [(1024, None), (7, 2), (50, 1)]:
        settings = kg.EngineSettings(chunk_units=chunk, workers=workers)
        rem = kg.remaining_area(units, works, settings=settings)
        assert_conserved(rem)
        np.testing.assert_allclose(rem["remaining_ha"], expected_left, rtol=0, atol=1e-5)
        answers.append(rem)
    for other in answers[1:]:
        # chunks and threads change nothing, to the last bit
        assert (other["remaining_ha"] == answers[0]["remaining_ha"]).all()
        assert other.geometry.geom_equals_exact(answers[0].geometry, tolerance=0).all()


def test_coverage_per_kind_counts_each_kind_once_and_all_kinds_once_overall():
    unit = units_frame([shapely.box(0, 0, 200, 200)])
    drain = works_frame([shapely.LineString([(-50, 100), (250, 100)])] * 3, "drainase", 20.0)
    road = works_frame([shapely.LineString([(-50, 100), (250, 100)])], "jalan", 20.0)
    cov = kg.coverage(unit, concat(drain, road))
    row = cov.iloc[0]
    assert row["covered_ha"] == pytest.approx(0.8, rel=REL)
    assert row["covered_ha_drainase"] == pytest.approx(0.8, rel=REL)
    assert row["covered_ha_jalan"] == pytest.approx(0.8, rel=REL)
    assert row["covered_share"] == pytest.approx(0.2, rel=REL)


def test_works_reaching_no_unit_are_reported_and_the_rest_still_count():
    unit = units_frame([shapely.box(0, 0, 200, 200)])
    works = works_frame([shapely.Point(100, 100), shapely.Point(5_000, 5_000)], "mck", 20.0)
    rem = kg.remaining_area(unit, works)
    assert rem.loc[0, "covered_ha"] == pytest.approx(math.pi * 400 * POLYGON_SHARE / 1e4, rel=REL)
    outside = [i.row for i in rem.attrs["report"].issues if i.check == "outside_units"]
    assert outside == [1]


def test_coverage_per_kind_is_the_same_whatever_the_chunks():
    ugeoms, wgeoms, radius = _grid_layout(seed=3)
    units = units_frame(ugeoms).to_crs(4326)
    half = len(wgeoms) // 2
    works = concat(
        works_frame(wgeoms[:half], "drainase", list(radius[:half])),
        works_frame(wgeoms[half:], "hidran_umum", list(radius[half:])),
    )
    one = kg.coverage(units, works, settings=kg.EngineSettings(chunk_units=10**6, workers=1))
    many = kg.coverage(units, works, settings=kg.EngineSettings(chunk_units=13, workers=2))
    assert {"covered_ha_drainase", "covered_ha_air_minum"} <= set(one.columns)
    pd.testing.assert_frame_equal(one, many, check_exact=True)


@pytest.mark.parametrize(
    ("chunk_units", "workers"), [(0, None), (1024, 0), (True, None), (10.5, None), (8, "2")]
)
def test_engine_settings_refuse_what_is_not_a_whole_number(chunk_units, workers):
    with pytest.raises(kg.InputError, match="whole number of at least 1"):
        kg.EngineSettings(chunk_units=chunk_units, workers=workers)
