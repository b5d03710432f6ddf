"""Zonal statistics, inundated hectares and population against hand-computed answers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import Affine

import kotaku_gis as kg

X0, Y0 = 400_000.0, 9_050_000.0  # top-left corner of the test grids, UTM 50S (Mataram)
CELL = 10.0
NODATA = -9999.0


def write_raster(path, values, *, crs="EPSG:32750", x0=X0, y0=Y0, cell=CELL, nodata=NODATA):
    values = np.asarray(values, dtype="float64")
    with rasterio.open(
        path, "w", driver="GTiff", width=values.shape[1], height=values.shape[0], count=1,
        dtype="float64", crs=crs, transform=Affine(cell, 0, x0, 0, -cell, y0), nodata=nodata,
    ) as dst:  # fmt: skip
        dst.write(values, 1)
    return path


def cell_box(c0: float, r0: float, c1: float, r1: float) -> shapely.Polygon:
    """A box given in (fractional) column and row numbers of the test grid."""
    return shapely.box(X0 + c0 * CELL, Y0 - r1 * CELL, X0 + c1 * CELL, Y0 - r0 * CELL)


@pytest.fixture
def step_raster(tmp_path):
    """10 × 10 cells: dry (0.0) in columns 0-4, wet (1.0) in columns 5-9."""
    values = np.zeros((10, 10))
    values[:, 5:] = 1.0
    return write_raster(tmp_path / "step.tif", values)


@pytest.fixture
def ramp_raster(tmp_path):
    """10 × 10 cells holding 10 * row + col."""
    rows, cols = np.mgrid[0:10, 0:10]
    return write_raster(tmp_path / "ramp.tif", 10.0 * rows + cols)


def units_of(*geoms, crs="EPSG:32750", index=None):
    return gpd.GeoDataFrame(
        {"unit_id": [f"U{i}" for i in range(len(geoms))]},
        geometry=list(geoms),
        crs=crs,
        index=index,
    )


# ---------------------------------------------------------------- exact cell shares


def test_half_cell_offset_needs_exact_shares(step_raster):
    # Columns 4.5-7 and rows 0.5-3.5: half of a dry column, two wet ones; 2.5 × 3 cells.
    units = units_of(cell_box(4.5, 0.5, 7, 3.5), cell_box(3.5, 2, 5.5, 4))
    zs = kg.zonal_stats(units, step_raster, stats=["mean", "sum", "count", "min", "max"])
    assert zs.loc[0, "mean"] == pytest.approx(2.0 / 2.5, abs=1e-12)
    assert zs.loc[0, "sum"] == pytest.approx(2.0 * 3, abs=1e-12)
    assert zs.loc[0, "count"] == pytest.approx(2.5 * 3, abs=1e-12)
    assert (zs.loc[0, "min"], zs.loc[0, "max"]) == (0.0, 1.0)
    # 1.5 dry columns, 0.5 wet: a cell-centre count would give 1/2 or 1/3, never 1/4.
    assert zs.loc[1, "mean"] == pytest.approx(0.25, abs=1e-12)


def test_known_sums_on_a_ramp(ramp_raster):
    # Rows 1.5-3 (weights 0.5, 1) and columns 2.25-4 (weights 0.75, 1).
    units = units_of(cell_box(2.25, 1.5, 4, 3))
    zs = kg.zonal_stats(units, ramp_raster, stats=("sum", "mean", "count", "valid_share"))
    weights = {(1, 2): 0.5 * 0.75, (1, 3): 0.5, (2, 2): 0.75, (2, 3): 1.0}
    total = sum(w * (10 * r + c) for (r, c), w in weights.items())
    assert total == pytest.approx(50.5)
    assert zs.loc[0, "sum"] == pytest.approx(total, abs=1e-12)
    assert zs.loc[0, "count"] == pytest.approx(1.75 * 1.5, abs=1e-12)
    assert zs.loc[0, "mean"] == pytest.approx(total / (1.75 * 1.5), abs=1e-12)
    assert zs.loc[0, "valid_share"] == pytest.approx(1.0, abs=1e-12)


def test_majority_goes_to_the_value_with_most_area(tmp_path):
    values = np.full((3, 3), 7.0)
    values[1, 1] = 3.0
    path = write_raster(tmp_path / "classes.tif", values)
    # The unit touches eight cells of 7 (0.44 cell in all) and one whole cell of 3.
    zs = kg.zonal_stats(units_of(cell_box(0.9, 0.9, 2.1, 2.1)), path, stats="majority")
    assert zs.loc[0, "majority"] == 3.0


def test_nodata_is_left_out(tmp_path):
    values = np.ones((4, 4))
    values[1, 1] = NODATA
    values[1, 2] = 5.0
    path = write_raster(tmp_path / "holes.tif", values)
    units = units_of(cell_box(0.5, 0.5, 2.5, 2.5))  # covers the nodata cell (1, 1) whole
    zs = kg.zonal_stats(units, path, stats=("mean", "sum", "count", "max", "valid_share"))
    # Weight 4 cells in all, 1 of them the nodata cell; the valid ones, cell by cell:
    cells = {(0, 0): 0.25, (0, 1): 0.5, (0, 2): 0.25, (1, 0): 0.5, (1, 2): 0.5, (2, 0): 0.25,
             (2, 1): 0.5, (2, 2): 0.25}  # fmt: skip
    total = sum(w * values[rc] for rc, w in cells.items())
    assert total == 5.0
    assert zs.loc[0, "count"] == pytest.approx(3.0, abs=1e-12)
    assert zs.loc[0, "sum"] == pytest.approx(total, abs=1e-12)
    assert zs.loc[0, "mean"] == pytest.approx(total / 3.0, abs=1e-12)
    assert zs.loc[0, "max"] == 5.0
    assert zs.loc[0, "valid_share"] == pytest.approx(3.0 / 4.0, abs=1e-12)
    assert "partial_raster_data" in zs.attrs["report"].checks()


def test_outside_null_and_empty_units_are_reported(step_raster):
    units = units_of(
        cell_box(1, 1, 2, 2),
        cell_box(20, 20, 21, 21),
        None,
        shapely.Polygon(),
        cell_box(9.5, 0, 10.5, 1),
        index=pd.Index(["in", "out", "null", "empty", "edge"], name="rt"),
    )
    zs = kg.zonal_stats(units, step_raster, stats=("mean", "sum", "count", "valid_share"))
    assert list(zs.index) == ["in", "out", "null", "empty", "edge"]
    assert zs.loc["in", "mean"] == 0.0
    for row in ("out", "null", "empty"):
        assert np.isnan(zs.loc[row, "mean"]) and np.isnan(zs.loc[row, "sum"])
        assert zs.loc[row, "count"] == 0.0
    assert zs.loc["out", "valid_share"] == 0.0
    assert zs.loc["edge", "valid_share"] == pytest.approx(0.5, abs=1e-12)
    messages = zs.attrs["report"].to_frame().set_index("row")["message"]
    assert messages["edge"].startswith("50.00 % of the unit is outside the raster or nodata")
    report = zs.attrs["report"].to_frame().set_index("row")["check"]
    assert report["out"] == "outside_raster"
    assert report["null"] == "null_geometry"
    assert report["empty"] == "empty_geometry"
    assert report["edge"] == "partial_raster_data"
    assert "in" not in report.index


def test_all_nodata_unit_is_reported(tmp_path):
    values = np.full((3, 3), NODATA)
    values[0, 0] = 2.0
    path = write_raster(tmp_path / "mostly_nodata.tif", values)
    zs = kg.zonal_stats(units_of(cell_box(1, 1, 3, 3)), path, stats=("mean", "count"))
    assert np.isnan(zs.loc[0, "mean"]) and zs.loc[0, "count"] == 0.0
    assert zs.attrs["report"].checks() == {"no_valid_cells"}


def test_units_in_another_crs_than_the_raster(ramp_raster):
    utm = units_of(cell_box(2.25, 1.5, 4, 3), cell_box(0.5, 0.5, 7.5, 9.5))
    lonlat = utm.to_crs("EPSG:4326")
    stats = ("mean", "sum", "count")
    a = kg.zonal_stats(utm, ramp_raster, stats=stats)
    b = kg.zonal_stats(lonlat, ramp_raster, stats=stats)
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-7)
    assert b.loc[0, "sum"] == pytest.approx(50.5, rel=1e-7)


def test_prefix_and_open_dataset_and_small_windows(ramp_raster):
    units = units_of(cell_box(0.5, 0.5, 9.5, 9.5))
    with rasterio.open(ramp_raster) as ds:
        zs = kg.zonal_stats(units, ds, stats="sum", prefix="pop_", max_cells_in_memory=9)
        assert not ds.closed
    # Whole interior: sum of 10 r + c over r, c in 1..8, plus the halves at the border.
    rows, cols = np.mgrid[0:10, 0:10]
    w = np.ones(10)
    w[[0, 9]] = 0.5
    expected = float((np.outer(w, w) * (10 * rows + cols)).sum())
    assert list(zs.columns) == ["pop_sum"]
    assert zs.loc[0, "pop_sum"] == pytest.approx(expected, abs=1e-9)


def test_bad_input_raises_input_error(tmp_path, ramp_raster):
    units = units_of(cell_box(1, 1, 2, 2))
    with pytest.raises(kg.InputError, match="median"):
        kg.zonal_stats(units, ramp_raster, stats=["median"])
    with pytest.raises(kg.InputError, match=r"missing\.tif"):
        kg.zonal_stats(units, tmp_path / "missing.tif")
    with pytest.raises(kg.InputError, match="band"):
        kg.zonal_stats(units, ramp_raster, band=2)
    with pytest.raises(kg.InputError, match=r"CRS|coordinate reference"):
        kg.zonal_stats(units.set_crs(None, allow_override=True), ramp_raster)
    with pytest.raises(kg.InputError, match="GeoDataFrame"):
        kg.zonal_stats(pd.DataFrame({"unit_id": ["A"]}), ramp_raster)
    no_crs = tmp_path / "no_crs.tif"
    with rasterio.open(
        no_crs, "w", driver="GTiff", width=2, height=2, count=1, dtype="float32",
        transform=Affine(1, 0, 0, 0, -1, 2),
    ) as dst:  # fmt: skip
        dst.write(np.ones((2, 2), dtype="float32"), 1)
    with pytest.raises(kg.InputError, match="coordinate reference system"):
        kg.zonal_stats(units, no_crs)


def test_invalid_and_point_geometries(step_raster):
    bowtie = shapely.Polygon(
        [(X0 + 60, Y0 - 20), (X0 + 80, Y0), (X0 + 80, Y0 - 20), (X0 + 60, Y0), (X0 + 60, Y0 - 20)]
    )
    units = units_of(bowtie, shapely.Point(X0 + 5, Y0 - 5))
    zs = kg.zonal_stats(units, step_raster, stats=("mean", "count"))
    assert zs.loc[0, "mean"] == 1.0
    assert zs.loc[0, "count"] == pytest.approx(2.0, abs=1e-12)  # two triangles of 1 cell each
    assert np.isnan(zs.loc[1, "mean"])
    checks = zs.attrs["report"].to_frame().set_index("row")["check"]
    assert checks[0] == "invalid_geometry" and checks[1] == "not_polygon"


def test_multipolygon_inside_a_geometry_collection_keeps_every_part(tmp_path):
    ones = write_raster(tmp_path / "ones.tif", np.ones((10, 10)))
    two = shapely.MultiPolygon([cell_box(0, 0, 2, 3), cell_box(5, 5, 9, 6)])  # 6 + 4 cells
    gc = shapely.GeometryCollection([two, shapely.LineString([(X0, Y0), (X0 + 50, Y0 - 50)])])
    nested = shapely.GeometryCollection([shapely.GeometryCollection([two])])
    zs = kg.zonal_stats(units_of(two, gc, nested), ones, stats=("sum", "count"))
    assert zs["sum"].tolist() == pytest.approx([10.0, 10.0, 10.0], abs=1e-12)
    assert zs["count"].tolist() == pytest.approx([10.0, 10.0, 10.0], abs=1e-12)


# ---------------------------------------------------------------- inundated hectares


def test_inundated_ha_projected_raster_is_exact(step_raster):
    units = units_of(cell_box(4.5, 0.5, 7, 3.5), cell_box(6, 1, 8, 3), cell_box(0, 0, 4, 4))
    wet = kg.inundated_ha(units, step_raster, threshold=0.3)
    wet_zone = cell_box(5, 0, 10, 10)
    expected = kg.area_ha(units.intersection(wet_zone))
    # Exact up to the scale change inside a partly covered cell (about 1e-9 here).
    np.testing.assert_allclose(wet.to_numpy(), expected.to_numpy(), rtol=1e-8, atol=1e-12)
    assert wet.iloc[1] == pytest.approx(float(kg.area_ha(units).iloc[1]), rel=1e-12)
    assert wet.iloc[2] == 0.0
    assert wet.name == "inundated_ha"
    # A 10 m UTM cell near Lombok holds about 0.0100056 ellipsoidal hectares, not 0.01.
    assert wet.iloc[1] == pytest.approx(4 * 0.0100056, rel=1e-5)


def test_inundated_ha_geographic_raster(tmp_path):
    # 0.001° cells near Mataram; columns 4-7 at least 0.5 deep, one of them exactly 0.5.
    values = np.zeros((6, 8))
    values[:, 4:] = 0.8
    values[:, 4] = 0.5
    x0, y0, cell = 116.08, -8.57, 0.001
    path = write_raster(tmp_path / "ll.tif", values, crs="EPSG:4326", x0=x0, y0=y0, cell=cell)
    geoms = [shapely.box(x0 + 0.0025, y0 - 0.0055, x0 + 0.0065, y0 - 0.0005)]
    units = gpd.GeoDataFrame({"unit_id": ["A"]}, geometry=geoms, crs="EPSG:4326")
    wet = kg.inundated_ha(units, path, threshold=0.5)
    wet_zone = shapely.box(x0 + 0.004, y0 - 0.006, x0 + 0.008, y0)
    expected = float(kg.area_ha(units.intersection(wet_zone)).iloc[0])
    assert wet.iloc[0] == pytest.approx(expected, rel=1e-6)
    # Seen from UTM, the same answer.
    wet_utm = kg.inundated_ha(units.to_crs("EPSG:32750"), path, threshold=0.5)
    assert wet_utm.iloc[0] == pytest.approx(expected, rel=1e-6)


def test_inundated_ha_outside_and_nodata(tmp_path):
    values = np.ones((4, 4))
    values[:, 2:] = NODATA
    path = write_raster(tmp_path / "half.tif", values)
    units = units_of(cell_box(1, 0, 3, 2), cell_box(10, 10, 11, 11), cell_box(2, 0, 4, 4))
    wet = kg.inundated_ha(units, path, threshold=0.3)
    valid_half = kg.area_ha(units.intersection(cell_box(0, 0, 2, 4))).iloc[0]
    assert wet.iloc[0] == pytest.approx(float(valid_half), rel=1e-8)
    assert np.isnan(wet.iloc[1])
    assert wet.iloc[2] == 0.0
    checks = wet.attrs["report"].to_frame().set_index("row")["check"]
    message = wet.attrs["report"].to_frame().set_index("row")["message"][0]
    assert (
        message
        == "50.00 % of the unit is outside the raster or nodata; that part counts as not inundated"
    )
    assert checks[0] == "partial_raster_data"
    assert checks[1] == "outside_raster"
    assert checks[2] == "no_valid_cells"


def test_with_inundation_sets_4a_before_assess(step_raster):
    units = units_of(cell_box(3, 0, 7, 4), cell_box(20, 20, 21, 21))
    units["4a"] = [0.0, 0.004]
    units["area_ha"] = kg.area_ha(units)
    out = kg.with_inundation(units, step_raster, threshold=0.3)
    # The east half holds a little more ground: it lies nearer 117° E, where UTM shrinks most.
    east = float(kg.area_ha(units.intersection(cell_box(5, 0, 10, 10))).iloc[0])
    assert out["4a"].iloc[0] == pytest.approx(east, rel=1e-8)
    assert out["4a"].iloc[1] == 0.004  # outside the raster: the survey value stays
    assert units["4a"].iloc[0] == 0.0  # the input is not changed
    assert "outside_raster" in out.attrs["report"].checks()
    # Only 4a is known: the units are not assessed, but 4a is scored.
    assessed = kg.assess(out, allow_unassessed=True)
    assert assessed["pct_4a"].iloc[0] == 50.0
    assert assessed["level"].isna().all()


# ---------------------------------------------------------------- population


def test_population_per_unit_against_households(tmp_path):
    values = np.full((4, 4), 40.0)
    values[:, 2:] = 8.0
    path = write_raster(tmp_path / "people.tif", values)
    units = units_of(
        cell_box(0, 0, 2, 2), cell_box(1, 2, 3, 4), cell_box(2, 0, 4, 2), cell_box(9, 9, 10, 10)
    )
    units["households"] = [40, 12, 0, 5]
    pop = kg.population_per_unit(units, path, persons_per_household=4.0, tolerance=0.2)
    np.testing.assert_allclose(pop["population"].iloc[:3], [160.0, 96.0, 32.0])
    np.testing.assert_allclose(pop["estimate"].iloc[:3], [40.0, 24.0, 8.0])
    assert pop["ratio"].iloc[0] == 1.0 and pop["ratio"].iloc[1] == 2.0
    assert list(pop["flag"]) == ["ok", "above", "no baseline", "no data"]
    assert list(pop.columns) == [
        "population",
        "estimate",
        "baseline",
        "ratio",
        "valid_share",
        "flag",
    ]
    with pytest.raises(kg.InputError, match="persons_per_household"):
        kg.population_per_unit(units, path, persons_per_household=0)
    with pytest.raises(kg.InputError, match="'hh'"):
        kg.population_per_unit(units, path, persons_per_household=4.0, baseline="hh")


def test_many_units_read_block_by_block(ramp_raster, step_raster):
    # 400 quarter-cell units tiling the grid: the block-by-block path for many units.
    edges = np.arange(0, 10.5, 0.5)
    boxes = [cell_box(c, r, c + 0.5, r + 0.5) for r in edges[:-1] for c in edges[:-1]]
    units = units_of(*boxes)
    zs = kg.zonal_stats(units, ramp_raster, stats=("mean", "sum", "count"), max_cells_in_memory=16)
    rows, cols = np.mgrid[0:20, 0:20] // 2
    np.testing.assert_array_equal(zs["mean"].to_numpy(), (10 * rows + cols).ravel())
    np.testing.assert_allclose(zs["count"].to_numpy(), 0.25, rtol=1e-12)
    assert zs["sum"].sum() == pytest.approx(4950.0)  # the raster's total, sum of 10 r + c
    wet = kg.inundated_ha(units, step_raster, threshold=0.5)
    expected = kg.area_ha(units.intersection(cell_box(5, 0, 10, 10)))
    np.testing.assert_allclose(wet.to_numpy(), expected.to_numpy(), rtol=1e-8, atol=1e-15)
