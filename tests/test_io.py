"""Readers: every supported format, layer choice, repairs and the validation cases."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg


def _units(n: int = 3) -> gpd.GeoDataFrame:
    boxes = [shapely.box(116.10 + i * 0.001, -8.58, 116.101 + i * 0.001, -8.579) for i in range(n)]
    return gpd.GeoDataFrame(
        {
            "unit_id": [f"RT{i:02d}" for i in range(n)],
            "households": [40.0] * n,
            "buildings": [35.0] * n,
            "2a": [100.0] * n,
            # Only 2a is measured: the units stand on their published level (the other
            # criteria are reported as missing, as warnings).
            "level": ["Kumuh Ringan"] * n,
        },
        geometry=boxes,
        crs="EPSG:4326",
    )


def _write(frame: gpd.GeoDataFrame, path, fmt: str):
    if fmt == "parquet":
        frame.to_parquet(path)
    elif fmt == "zip":
        shp_dir = path.parent / "shp"
        shp_dir.mkdir()
        frame.to_file(shp_dir / "units.shp")
        with zipfile.ZipFile(path, "w") as zf:
            for f in shp_dir.iterdir():
                zf.write(f, f.name)
    else:
        frame.to_file(path)
    return path


@pytest.mark.parametrize(
    "name,fmt",
    [("u.gpkg", "gpkg"), ("u.geojson", "geojson"), ("u.shp", "shp"), ("u.zip", "zip"),
     ("u.parquet", "parquet")],
)  # fmt: skip
def test_every_format_reads_to_the_same_units(tmp_path, name, fmt):
    src = _units()
    units = kg.read_units(_write(src, tmp_path / name, fmt))
    assert list(units["unit_id"]) == ["RT00", "RT01", "RT02"]
    assert units.crs.equals(src.crs)
    np.testing.assert_allclose(units["area_ha"], kg.area_ha(src), rtol=1e-9)
    assert units.attrs["report"].ok


def test_any_crs_is_accepted_and_carried(tmp_path):
    src = _units().to_crs(32750)
    units = kg.read_units(_write(src, tmp_path / "u.gpkg", "gpkg"))
    assert units.crs.to_epsg() == 32750
    np.testing.assert_allclose(units["area_ha"], kg.area_ha(_units()), rtol=1e-6)


def test_geopackage_layer_choice(tmp_path):
    path = tmp_path / "data.gpkg"
    _units().to_file(path, layer="units")
    _units(1).to_file(path, layer="kawasan")
    assert len(kg.read_units(path)) == 3  # the layer named "units"
    assert len(kg.read_units(path, layer="kawasan")) == 1
    with pytest.raises(kg.InputError, match=r"no layer 'rt'.*kawasan"):
        kg.read_units(path, layer="rt")
    other = tmp_path / "two.gpkg"
    _units().to_file(other, layer="a")
    _units().to_file(other, layer="b")
    with pytest.raises(kg.InputError, match="choose one with layer"):
        kg.read_units(other)


def test_missing_crs_is_an_input_error(tmp_path):
    with pytest.raises(kg.InputError, match="no CRS"):
        kg.read_units(_units().set_crs(None, allow_override=True))
    path = tmp_path / "nocrs.geojson"
    path.write_text(_units().to_json().replace('"crs"', '"x"'))
    # GeoJSON without crs member is WGS 84 by definition, so this one reads
    assert kg.read_units(path).crs.to_epsg() == 4326


def test_tables_without_geometry_are_units_for_scoring(tmp_path):
    path = tmp_path / "units.csv"
    pd.DataFrame({"unit_id": ["A", "B"], "households": [10, 20], "area_ha": [1.5, 2]}).to_csv(
        path, index=False
    )
    units = kg.read_units(path)
    assert not isinstance(units, gpd.GeoDataFrame)
    assert units["area_ha"].tolist() == [1.5, 2.0]


def _checks(report) -> set[tuple[str, object]]:
    return {(i.check, i.row) for i in report}


def test_validation_cases_are_reported_with_row_column_and_severity():
    src = _units(8)
    bowtie = shapely.Polygon([(116.2, -8.6), (116.201, -8.599), (116.201, -8.6), (116.2, -8.599)])
    src.loc[0, "geometry"] = bowtie  # invalid: repaired
    src.loc[1, "geometry"] = None  # null: kept, reported
    src.loc[2, "geometry"] = shapely.Point(116.1, -8.58)  # wrong type
    src.loc[3, "unit_id"] = "RT04"  # duplicate of row 4
    src["2a"] = src["2a"].astype(object)
    src.loc[5, "2a"] = "seratus"  # non-numeric
    src.loc[6, "households"] = -3  # negative
    src.loc[7, "geometry"] = shapely.box(-8.58, 116.1, -8.579, 116.101)  # lon/lat swapped
    with pytest.warns(UserWarning, match="error"):
        units = kg.read_units(src)
    report = units.attrs["report"]
    got = _checks(report)
    for expected in [
        ("invalid_geometry", 0),
        ("null_geometry", 1),
        ("wrong_geometry_type", 2),
        ("duplicate_id", 3),
        ("duplicate_id", 4),
        ("non_numeric", 5),
        ("negative_value", 6),
        ("lonlat_swapped", 7),
    ]:
        assert expected in got
    frame = report.to_frame()
    assert set(frame.columns) >= {"row", "column", "severity", "message"}
    assert frame.loc[frame["check"] == "non_numeric", "column"].tolist() == ["2a"]
    assert len(units) == 8  # nothing dropped
    assert units.geometry.iloc[0].is_valid
    assert units.loc[0, "area_ha"] > 0
    with pytest.raises(kg.InputError, match="appears 2 times"):
        report.raise_for_errors()
    with pytest.raises(kg.InputError, match="appears 2 times"):
        kg.read_units(src, strict=True)


def test_overlapping_units_and_outside_indonesia_are_reported():
    src = _units(2)
    src.loc[1, "geometry"] = shapely.box(116.1005, -8.58, 116.1015, -8.579)  # half over RT00
    far = _units(1)
    far["unit_id"] = ["X"]
    far.loc[0, "geometry"] = shapely.box(2.35, 48.85, 2.351, 48.851)  # Paris
    with pytest.warns(UserWarning, match="3 error"):
        units = kg.read_units(pd.concat([src, far], ignore_index=True))
    report = units.attrs["report"]
    overlaps = [i for i in report if i.check == "overlap"]
    assert {i.row for i in overlaps} == {0, 1}
    assert "0.6087 ha" in overlaps[0].message  # half of a 1.2174 ha unit
    assert ("outside_indonesia", 2) in _checks(report)


def test_intervention_validation_cases():
    works = gpd.GeoDataFrame(
        {
            "intervention_id": ["W1", "W1", "W3", "W4"],
            "kind": ["jalan beton", "kapal", "MCK", "hidran umum"],
            "year": [2021, "dua ribu", 2022, 2023],
            "status": ["selesai", "selesai", "menunggu", "Selesai"],
            "volume": [120, 5, -1, None],
        },
        geometry=[shapely.LineString([(116.1, -8.58), (116.101, -8.58)]), None, None,
                  shapely.Point(116.1, -8.58)],
        crs=4326,
    )  # fmt: skip
    with pytest.warns(UserWarning):
        out = kg.read_interventions(works)
    got = _checks(out.attrs["report"])
    for expected in [
        ("duplicate_id", 0),
        ("unknown_kind", 1),
        ("non_numeric", 1),
        ("no_location", 1),
        ("unknown_status", 2),
        ("negative_value", 2),
    ]:
        assert expected in got
    assert out["completed"].tolist() == [True, True, False, True]
    assert out.loc[3, "volume"] == 1.0  # one point, measured
    assert out.loc[0, "category"] == "jalan"


# ---------------------------------------------------------------- prepared interventions

_UTM = "EPSG:32750"


def _tap_and_unit() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A 400 m square unit with a public tap at its centre (catalogue radius 100 m)."""
    unit = gpd.GeoDataFrame(
        {"unit_id": ["A"], "households": [100]},
        geometry=[shapely.box(400_000, 9_050_000, 400_400, 9_050_400)],
        crs=_UTM,
    )
    tap = gpd.GeoDataFrame(
        {"intervention_id": ["W"], "kind": ["hidran_umum"], "status": ["selesai"],
         "year": [2022]},
        geometry=[shapely.Point(400_200, 9_050_200)], crs=_UTM,
    )  # fmt: skip
    return unit, tap


def test_radii_apply_to_frames_already_read():
    unit, tap = _tap_and_unit()
    disc_150 = np.pi * 150**2 / 1e4
    read = kg.read_interventions(tap)
    for works in (tap, read):
        cov = kg.coverage(unit, works, radii={"hidran_umum": 150})
        # The 150 m disc lies inside the unit: its whole area (arcs within 0.2 % of πr²).
        assert cov["covered_ha"].iloc[0] == pytest.approx(disc_150, rel=2e-3)
        rem = kg.remaining_area(unit, works, radii={"hidran_umum": 150})
        assert rem["covered_ha"].iloc[0] == pytest.approx(disc_150, rel=2e-3)
        sa = kg.service_areas(works, radii={"air_minum": 150})
        assert sa["radius_m"].tolist() == [150.0]
        red = kg.allocate(unit, works, radii={"hidran_umum": 150})
        share = disc_150 / 16.0  # of the unit's 16 ha, and so of its 100 households
        assert red.loc[red["criterion"] == "3a", "volume"].iloc[0] == pytest.approx(
            100 * share, rel=2e-3
        )
    # Without radii the frame read keeps the catalogue radius.
    assert kg.coverage(unit, read)["covered_ha"].iloc[0] == pytest.approx(np.pi, rel=2e-3)
    assert not read["radius_given"].any()


def test_radius_in_the_file_wins_over_radii_after_reading():
    unit, tap = _tap_and_unit()
    read = kg.read_interventions(tap.assign(radius_m=[50.0]))
    sa = kg.service_areas(read, radii={"hidran_umum": 150})
    assert sa["radius_m"].tolist() == [50.0]
    cov = kg.coverage(unit, read, radii={"hidran_umum": 150})
    assert cov["covered_ha"].iloc[0] == pytest.approx(np.pi * 50**2 / 1e4, rel=2e-3)
    assert read["radius_given"].tolist() == [True]


def test_measured_volume_is_remeasured_and_given_volume_kept_on_second_prepare():
    from kotaku_gis.interventions import prepare_interventions

    line = shapely.LineString([(400_000, 9_050_000), (400_120, 9_050_000)])
    works = gpd.GeoDataFrame(
        {"kind": ["jalan_beton", "jalan_beton"], "volume": [None, 80.0]},
        geometry=[line, line], crs=_UTM,
    )  # fmt: skip
    once = prepare_interventions(works)
    twice = prepare_interventions(once, radii={"jalan": 10})
    assert twice["volume_measured"].tolist() == [True, False]
    assert twice["volume"].tolist() == pytest.approx([120.0, 80.0], rel=1e-3)
    assert twice["radius_m"].tolist() == [10.0, 10.0]


def test_per_item_kind_drawn_as_polygon_counts_houses_not_hectares():
    # One rehabilitated house (Rehab RTLH, counted per item) drawn as its 10 m × 12 m
    # footprint, and a MultiPolygon of two footprints: 1 and 2 buildings, not 0.012 ha.
    house = shapely.box(400_050, 9_050_050, 400_060, 9_050_062)
    two = shapely.MultiPolygon([house, shapely.box(400_100, 9_050_050, 400_110, 9_050_062)])
    works = gpd.GeoDataFrame(
        {"intervention_id": ["R1", "R2", "D1"], "kind": ["rehab_rtlh", "rtlh", "rumah_deret"],
         "status": ["selesai"] * 3, "year": [2021] * 3},
        geometry=[house, two, house], crs=_UTM,
    )  # fmt: skip
    read = kg.read_interventions(works)
    # Row housing (not counted per item) keeps its footprint's hectares.
    assert read["volume"].tolist() == pytest.approx([1.0, 2.0, 0.012], rel=1e-3)
    unit = gpd.GeoDataFrame(
        {"unit_id": ["A"], "buildings": [80]},
        geometry=[shapely.box(400_000, 9_050_000, 400_200, 9_050_200)], crs=_UTM,
    )  # fmt: skip
    red = kg.allocate(unit, works.iloc[[0]])
    assert red.loc[red["criterion"] == "1c", "volume"].tolist() == [1.0]


# ---------------------------------------------------------------- CRS of the input


def test_to_lonlat_transforms_lonlat_on_other_ellipsoids():
    import pyproj

    from kotaku_gis.crs import to_lonlat

    x, y = np.array([116.1, 116.3]), np.array([-8.6, -8.5])
    # Segara (Bessel 1841) and ID74 (Indonesian National Spheroid): 140 m and 30 m off here.
    for epsg in (4613, 4238):
        crs = pyproj.CRS.from_epsg(epsg)
        want = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
        lon, lat = to_lonlat(x, y, crs)
        assert np.allclose(lon, want[0], rtol=0, atol=1e-9)
        assert np.allclose(lat, want[1], rtol=0, atol=1e-9)
        assert np.abs(lat - y).max() > 1e-5
    # DGN95 is lon/lat on the WGS 84 ellipsoid: the numbers pass as they are.
    lon, lat = to_lonlat(x, y, pyproj.CRS.from_epsg(4755))
    assert lon.tolist() == x.tolist() and lat.tolist() == y.tolist()


@pytest.mark.parametrize(
    ("units_epsg", "works_epsg"),
    [
        (4326, 4326), (4326, 32750), (32750, 4326), (4613, 4613), (4238, 4326),
        (4613, 4326), (4613, 32750),
    ],
)  # fmt: skip
def test_coverage_is_the_same_in_every_crs(units_epsg, works_epsg):
    # Segara (4613) is lon/lat on the Bessel ellipsoid: its numbers lie 140 m from the same
    # point's WGS 84 lon/lat, more than a small work's reach, so taking them for WGS 84 loses
    # the work.
    unit = gpd.GeoDataFrame(
        {"unit_id": ["A"]}, geometry=[shapely.box(400_000, 9_050_000, 400_040, 9_050_040)],
        crs=_UTM,
    )  # fmt: skip
    tap = gpd.GeoDataFrame(
        {"kind": ["hidran_umum"], "status": ["selesai"], "year": [2022], "radius_m": [10.0]},
        geometry=[shapely.Point(400_020, 9_050_020)], crs=_UTM,
    )  # fmt: skip
    cov = kg.coverage(unit.to_crs(units_epsg), tap.to_crs(works_epsg))
    # The 10 m disc lies inside the 40 m square: its whole area (within 0.2 % of πr²).
    assert cov["covered_ha"].iloc[0] == pytest.approx(np.pi * 10**2 / 1e4, rel=2e-3)
    assert "outside_units" not in cov.attrs["report"].checks()


def test_whole_number_ids_from_numeric_fields_read_as_integer_text(tmp_path):
    src = _units(2).assign(unit_id=[101.0, 102.0])
    path = tmp_path / "numeric_ids.gpkg"
    src.to_file(path)
    assert kg.read_units(path)["unit_id"].tolist() == ["101", "102"]
