"""The slum grid: exact pieces, conserved hectares, dominant level, GeoTIFF."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import rasterio
import shapely

import kotaku_gis as kg
from kotaku_gis.crs import laea_crs

FRAME = laea_crs(116.5, -8.5)


def layer(levels, geoms, *, crs=FRAME, area_ha=None, index=None):
    data = {"unit_id": [f"U{i}" for i in range(len(levels))], "level": levels}
    if area_ha is not None:
        data["area_ha"] = area_ha
    return gpd.GeoDataFrame(data, geometry=geoms, crs=crs, index=index)


def test_unit_split_by_exact_area_of_each_piece():
    # 200 m × 100 m, offset by half a cell: six pieces of a quarter or half a hectare.
    units = layer(["kumuh sedang"], [shapely.box(50, 50, 250, 150)], area_ha=[2.0])
    grid = kg.grid_summary(units, cell_m=100, crs=FRAME)
    got = {(r.ix, r.iy): r.slum_ha for r in grid.itertuples()}
    assert got == pytest.approx(
        {(0, 0): 0.25, (1, 0): 0.5, (2, 0): 0.25, (0, 1): 0.25, (1, 1): 0.5, (2, 1): 0.25},
        abs=1e-12,
    )
    assert set(grid["level"]) == {"kumuh sedang"}
    assert grid.crs.equals(FRAME)
    cell = grid.geometry[(grid.ix == 1) & (grid.iy == 0)].iloc[0]
    assert cell.equals(shapely.box(100, 0, 200, 100))
    # Ordered from the top-left, like raster rows.
    assert list(zip(grid.iy, grid.ix, strict=True)) == [
        (1, 0),
        (1, 1),
        (1, 2),
        (0, 0),
        (0, 1),
        (0, 2),
    ]


def test_verified_hectares_are_spread_in_proportion():
    # The verified area (3 ha) is not the polygon's (2 ha): the grid spreads the verified one.
    units = layer(["kumuh berat"], [shapely.box(0, 0, 200, 100)], area_ha=[3.0])
    grid = kg.grid_summary(units, cell_m=100, crs=FRAME)
    np.testing.assert_allclose(grid["slum_ha"], [1.5, 1.5], rtol=1e-12)


def test_dominant_level_units_and_per_level_hectares():
    units = layer(
        ["kumuh berat", "kumuh ringan", "kumuh sedang", "kumuh ringan", "tidak kumuh"],
        [
            shapely.box(0, 0, 100, 30),  # 0.3 ha berat in cell (0, 0)
            shapely.box(0, 30, 100, 80),  # 0.5 ha ringan in cell (0, 0)
            shapely.box(100, 0, 200, 40),  # 0.4 ha sedang in cell (1, 0)
            shapely.box(100, 40, 200, 80),  # 0.4 ha ringan in cell (1, 0): a tie
            shapely.box(0, 80, 200, 100),  # not slum
        ],
        area_ha=[0.3, 0.5, 0.4, 0.4, 0.4],
    )
    grid = kg.grid_summary(units, cell_m=100, crs=FRAME).set_index(["ix", "iy"])
    assert grid.loc[(0, 0), "level"] == "kumuh ringan"
    assert grid.loc[(1, 0), "level"] == "kumuh sedang"  # a tie goes to the worse level
    assert grid.loc[(0, 0), "units"] == 2
    assert grid.loc[(0, 0), "slum_ha"] == pytest.approx(0.8, abs=1e-12)
    assert grid.loc[(0, 0), "ha_kumuh_berat"] == pytest.approx(0.3, abs=1e-12)
    assert grid.loc[(1, 0), "ha_kumuh_ringan"] == pytest.approx(0.4, abs=1e-12)
    assert grid["slum_ha"].sum() == pytest.approx(1.6, abs=1e-12)


def test_hectares_conserved_for_irregular_units_in_lonlat():
    rng = np.random.default_rng(7)
    centres = np.column_stack([116.08 + rng.random(300) * 0.06, -8.62 + rng.random(300) * 0.06])
    points = shapely.points(centres)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=shapely.box(
        116.07, -8.63, 116.15, -8.55))  # fmt: skip
    geoms = shapely.intersection(
        np.asarray(shapely.get_parts(cells)), shapely.box(116.08, -8.62, 116.14, -8.56)
    )
    levels = rng.choice(["kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh"], 300)
    units = layer(list(levels), geoms, crs="EPSG:4326")
    odd = shapely.buffer(np.asarray(units.geometry.array[:5], dtype=object), 0.0004)
    units.loc[units.index[:5], "geometry"] = odd  # rounded shapes, overlapping neighbours
    grid = kg.grid_summary(units, cell_m=100)
    slum = units[units["level"] != "tidak kumuh"]
    expected = kg.area_ha(slum).sum()
    assert grid["slum_ha"].sum() == pytest.approx(expected, rel=1e-9)
    for level in ("kumuh berat", "kumuh sedang", "kumuh ringan"):
        col = f"ha_{level.replace(' ', '_')}"
        assert grid[col].sum() == pytest.approx(
            kg.area_ha(slum[slum["level"] == level]).sum(), rel=1e-9
        )
    # Default frame: LAEA on the middle of the 1° cell holding the data.
    assert grid.crs.equals(laea_crs(116.5, -8.5))
    # Cells of the equal-area frame hold exactly one hectare of ground.
    assert kg.area_ha(grid.geometry.iloc[:3]).to_numpy() == pytest.approx(1.0, rel=1e-6)


def test_units_without_polygon_are_reported_not_lost():
    units = layer(
        ["kumuh berat", "kumuh ringan", "kumuh sedang"],
        [shapely.box(0, 0, 100, 100), None, shapely.Polygon()],
        area_ha=[1.0, 0.7, 0.2],
        index=pd.Index(["a", "b", "c"]),
    )
    grid = kg.grid_summary(units, cell_m=100, crs=FRAME)
    assert grid["slum_ha"].sum() == pytest.approx(1.0, abs=1e-12)
    report = grid.attrs["report"].to_frame().set_index("row")
    assert set(report.index) == {"b", "c"}
    assert set(report["check"]) == {"not_on_grid"}
    assert "0.7000 ha" in report.loc["b", "message"]


@pytest.mark.parametrize("area_ha", [None, [1.0, 2.5, 1.0]])
def test_units_off_the_globe_are_reported_and_the_rest_conserved(area_ha):
    # Unit "b" has longitude and latitude swapped (latitude 116.5): no frame can be centred
    # there, so it is left off the grid and reported with its hectares.
    g = [shapely.box(116.5, -8.5, 116.502, -8.498), shapely.box(-8.5, 116.5, -8.498, 116.502),
         shapely.box(116.502, -8.5, 116.504, -8.498)]  # fmt: skip
    units = layer(["kumuh berat"] * 3, g, crs="EPSG:4326", area_ha=area_ha,
                  index=pd.Index(["a", "b", "c"]))  # fmt: skip
    grid = kg.grid_summary(units, cell_m=100)
    placed = units.loc[["a", "c"]]
    expected = 2.0 if area_ha else kg.area_ha(placed).sum()
    assert grid["slum_ha"].sum() == pytest.approx(expected, rel=1e-9)
    report = grid.attrs["report"].to_frame().set_index("row")
    assert report.loc["b", "check"] == "off_globe" and set(report.index) <= {"a", "b", "c"}
    assert ("2.5000 ha" if area_ha else "nan ha") in report.loc["b", "message"]
    assert grid.crs.equals(laea_crs(116.5, -8.5))
    # The swapped unit alone: an empty grid and the report, not a CRS error.
    alone = kg.grid_summary(units.loc[["b"]], cell_m=100)
    assert alone.empty
    assert [i.check for i in alone.attrs["report"]] == ["off_globe"]


def test_no_slum_gives_an_empty_grid():
    units = layer(["tidak kumuh"], [shapely.box(0, 0, 100, 100)])
    grid = kg.grid_summary(units, cell_m=100, crs=FRAME)
    assert grid.empty and "slum_ha" in grid.columns


def test_bad_input_raises_input_error():
    units = layer(["kumuh berat"], [shapely.box(0, 0, 100, 100)])
    with pytest.raises(kg.InputError, match="level"):
        kg.grid_summary(units.drop(columns="level"))
    with pytest.raises(kg.InputError, match="kumuh parah"):
        kg.grid_summary(units.assign(level=["kumuh parah"]))
    with pytest.raises(kg.InputError, match="cell_m"):
        kg.grid_summary(units, cell_m=0)
    with pytest.raises(kg.InputError, match="metres"):
        kg.grid_summary(units, crs="EPSG:4326")
    with pytest.raises(kg.InputError, match="GeoDataFrame"):
        kg.grid_summary(pd.DataFrame({"level": ["kumuh berat"]}))


def test_level_labels_are_matched_loosely():
    units = layer([" Kumuh Berat "], [shapely.box(0, 0, 100, 100)], area_ha=[1.0])
    grid = kg.grid_summary(units, cell_m=100, crs=FRAME)
    assert list(grid["level"]) == ["kumuh berat"]


def test_geotiff_holds_the_same_hectares(tmp_path):
    units = layer(
        ["kumuh berat", "kumuh ringan"],
        [shapely.box(50, 50, 250, 150), shapely.box(420, -180, 480, -120)],
        area_ha=[2.0, 0.36],
    )
    grid = kg.grid_summary(units, cell_m=100, crs=FRAME)
    path = kg.write_grid_tiff(grid, tmp_path / "out" / "slum_grid.tif")
    with rasterio.open(path) as src:
        assert src.count == 2 and src.res == (100.0, 100.0)
        assert src.bounds == (0.0, -200.0, 500.0, 200.0)
        assert pyproj.CRS.from_wkt(src.crs.to_wkt()).equals(FRAME)
        ha, level = src.read(1), src.read(2)
    assert ha.sum() == pytest.approx(2.36, abs=1e-12)
    assert ha[1, 1] == pytest.approx(0.5, abs=1e-12)  # cell x 100-200, y 0-100
    assert ha[3, 4] == pytest.approx(0.36, abs=1e-12)  # cell x 400-500, y -200 to -100
    assert level[1, 1] == kg.grid.LEVEL_CODES["kumuh berat"]
    assert level[3, 4] == kg.grid.LEVEL_CODES["kumuh ringan"]
    assert level[3, 0] == 0 and ha[3, 0] == 0
    with pytest.raises(kg.InputError, match="no cells"):
        kg.write_grid_tiff(grid.iloc[:0], tmp_path / "empty.tif")


def test_units_without_a_level_are_reported_not_dropped_silently():
    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "level": ["kumuh ringan", None], "area_ha": [1.0, 2.0]},
        geometry=[shapely.box(116.100, -8.58, 116.101, -8.579),
                  shapely.box(116.101, -8.58, 116.102, -8.579)],
        crs=4326,
    )  # fmt: skip
    grid = kg.grid_summary(units, cell_m=100)
    assert grid["slum_ha"].sum() == pytest.approx(1.0, rel=1e-12)
    report = grid.attrs["report"]
    assert [(i.row, i.check) for i in report] == [(1, "no_level")]
