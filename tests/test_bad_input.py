"""Bad input: every case gets an InputError that names the file, row or column and says what to
do, or a validation report entry (check, row, column, severity). No row is dropped silently.

Files that cannot be read raise; rows that can be kept are kept and reported. The overlay
functions raise on arguments they cannot work with.
"""

from __future__ import annotations

import random
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.io import write_gpkg

#: A Lambert azimuthal equal-area frame on Kota Mataram: squares drawn in it have exact areas.
LAEA = "+proj=laea +lat_0=-8.58 +lon_0=116.1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
SIDE = 0.001  # degrees: about 110 m, an RT


@pytest.fixture(autouse=True)
def _quiet_validation_warnings():
    # The readers warn when validation finds errors; here every case has them on purpose.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def _box(i: int, j: int = 0) -> shapely.Polygon:
    x, y = 116.10 + i * SIDE, -8.58 + j * SIDE
    return shapely.box(x, y, x + SIDE * 0.9, y + SIDE * 0.9)


def _units(n: int = 3) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "unit_id": [f"RT{k:02d}" for k in range(n)],
            "kelurahan": ["Dayan Peken"] * n,
            "households": [40.0 + k for k in range(n)],
            "3a": [10.0] * n,
            # Only 3a is measured: the units stand on their published level (the other
            # criteria are reported as missing, as warnings).
            "level": ["Kumuh Sedang"] * n,
        },
        geometry=[_box(k) for k in range(n)],
        crs="EPSG:4326",
    )


def _works() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "intervention_id": ["W1", "W2", "W3"],
            "kind": ["jalan", "hidran_umum", "drainase"],
            "status": ["selesai"] * 3,
            "year": [2022] * 3,
        },
        geometry=[
            shapely.LineString([(116.1, -8.5795), (116.103, -8.5795)]),
            shapely.Point(116.1005, -8.5795),
            shapely.LineString([(116.101, -8.58), (116.101, -8.579)]),
        ],
        crs="EPSG:4326",
    )


def _entries(frame: pd.DataFrame, check: str) -> list:
    return [i for i in frame.attrs["report"] if i.check == check]


def _rows(frame: pd.DataFrame, check: str) -> list:
    return [i.row for i in _entries(frame, check)]


def _kept(out: pd.DataFrame, src: pd.DataFrame) -> None:
    """Nothing dropped: same rows, same index, same ids."""
    assert out.index.equals(src.index)
    id_col = "unit_id" if "unit_id" in src else "intervention_id"
    assert out[id_col].astype(str).tolist() == src[id_col].astype(str).tolist()


def _swap_xy(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    return None if geom is None else shapely.transform(geom, lambda xy: xy[:, ::-1])


def _geodesic_ha(geom: shapely.Geometry) -> float:
    return abs(pyproj.Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 10_000


# ---------------------------------------------------------------- files that cannot be read


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp", ".zip", ".parquet", ".csv"])
def test_empty_file_is_an_input_error_naming_it(tmp_path, suffix):
    path = tmp_path / f"rt_kumuh{suffix}"
    path.write_bytes(b"")
    with pytest.raises(kg.InputError, match=r"rt_kumuh.*empty \(0 bytes\).*export"):
        kg.read_units(path)
    with pytest.raises(kg.InputError, match="rt_kumuh"):
        kg.read_interventions(path)


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".zip", ".parquet", ".csv"])
def test_random_bytes_are_an_input_error_naming_the_file(tmp_path, suffix):
    path = tmp_path / f"corrupt{suffix}"
    path.write_bytes(random.Random(7).randbytes(4096))
    with pytest.raises(kg.InputError, match="corrupt") as err:
        kg.read_units(path)
    assert any(w in str(err.value) for w in ("Check", "export", "Save"))  # what to do


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".zip", ".parquet"])
def test_truncated_file_is_an_input_error(tmp_path, suffix):
    whole = tmp_path / f"whole{suffix}"
    units = _units()
    if suffix == ".zip":
        units.to_file(tmp_path / "rt.shp")
        with zipfile.ZipFile(whole, "w") as z:
            for ext in ("shp", "shx", "dbf", "prj"):
                z.write(tmp_path / f"rt.{ext}", f"rt.{ext}")
    elif suffix == ".parquet":
        units.to_parquet(whole)
    else:
        units.to_file(whole)
    data = whole.read_bytes()
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(kg.InputError, match="cut"):
        kg.read_units(cut)


def test_missing_file_says_so(tmp_path):
    with pytest.raises(kg.InputError, match=r"nowhere\.gpkg does not exist.*check the path"):
        kg.read_units(tmp_path / "nowhere.gpkg")
    with pytest.raises(kg.InputError, match="does not exist"):
        kg.read_interventions(str(tmp_path / "nowhere.geojson"))


def test_unsupported_file_type_lists_the_formats(tmp_path):
    path = tmp_path / "rt.txt"
    path.write_text("unit_id\nRT01\n")
    with pytest.raises(kg.InputError, match=r"rt\.txt.*unsupported.*GeoPackage"):
        kg.read_units(path)


def test_wrong_layer_name_lists_the_layers(tmp_path):
    path = tmp_path / "kumuh.gpkg"
    _units().to_file(path, layer="rt")
    _units().to_file(path, layer="kawasan")
    with pytest.raises(
        kg.InputError, match=r"kumuh\.gpkg has no layer 'units_rt'.*'rt', 'kawasan'"
    ):
        kg.read_units(path, layer="units_rt")
    with pytest.raises(kg.InputError, match=r"2 layers \['rt', 'kawasan'\]; choose one"):
        kg.read_units(path)
    with pytest.raises(kg.InputError, match=r"layers 0…1, not layer 5"):
        kg.read_units(path, layer=5)
    assert len(kg.read_units(path, layer="kawasan")) == 3


def _shapefile_zip(tmp_path: Path, *, prj: bool) -> Path:
    _units().to_file(tmp_path / "rt.shp")
    path = tmp_path / ("with_prj.zip" if prj else "without_prj.zip")
    with zipfile.ZipFile(path, "w") as z:
        for ext in ("shp", "shx", "dbf", "cpg", *(["prj"] if prj else [])):
            if (tmp_path / f"rt.{ext}").exists():
                z.write(tmp_path / f"rt.{ext}", f"rt.{ext}")
    return path


def test_zipped_shapefile_without_prj_is_an_input_error(tmp_path):
    with pytest.raises(kg.InputError, match=r"without_prj\.zip.*\.prj.*set_crs"):
        kg.read_units(_shapefile_zip(tmp_path, prj=False))
    (tmp_path / "rt.prj").unlink()
    with pytest.raises(kg.InputError, match=r"rt\.shp.*\.prj"):
        kg.read_units(tmp_path / "rt.shp")


def test_zipped_shapefile_with_prj_reads(tmp_path):
    units = kg.read_units(_shapefile_zip(tmp_path, prj=True))
    src = _units()
    _kept(units, src)
    assert units.crs.equals(pyproj.CRS("EPSG:4326"))
    expected = [_geodesic_ha(g) for g in src.geometry]
    np.testing.assert_allclose(units["area_ha"], expected, rtol=1e-6)
    assert units.attrs["report"].ok


def test_geojson_without_crs_member_is_wgs84_by_rfc7946(tmp_path):
    # RFC 7946 fixes GeoJSON coordinates to WGS 84 lon/lat; a missing "crs" member is no fault.
    path = tmp_path / "rt.geojson"
    path.write_text(_units().to_json(drop_id=True).replace('"crs"', '"_crs"'))
    units = kg.read_units(path)
    assert pyproj.CRS(units.crs).equals(pyproj.CRS("EPSG:4326"))


def test_missing_crs_is_an_input_error(tmp_path):
    bare = gpd.GeoDataFrame(_units().drop(columns="geometry"), geometry=list(_units().geometry))
    with pytest.raises(kg.InputError, match=r"no CRS.*set_crs"):
        kg.read_units(bare)
    works = gpd.GeoDataFrame(_works().drop(columns="geometry"), geometry=list(_works().geometry))
    with pytest.raises(kg.InputError, match=r"interventions GeoDataFrame has no CRS"):
        kg.read_interventions(works)
    bare.to_file(tmp_path / "bare.gpkg")
    with pytest.raises(kg.InputError, match=r"bare\.gpkg has no coordinate reference system"):
        kg.read_units(tmp_path / "bare.gpkg")


def test_missing_identifier_columns_are_input_errors():
    # Without any id column the ids are generated, and the report says so and names the
    # columns that could be the id.
    units = kg.read_units(_units().rename(columns={"unit_id": "kode"}))
    assert units["unit_id"].tolist() == ["Dayan Peken-001", "Dayan Peken-002", "Dayan Peken-003"]
    (entry,) = _entries(units, "id_generated")
    assert entry.severity == "warning" and "id_column=" in entry.message
    assert "['kode']" in entry.message
    with pytest.raises(kg.InputError, match=r"no column 'kode_rt'; its columns are"):
        kg.read_units(_units(), id_column="kode_rt")
    with pytest.raises(kg.InputError, match=r"need a 'kind' column"):
        kg.read_interventions(_works().drop(columns="kind"))


def test_id_column_beside_an_existing_unit_id_keeps_both():
    src = _units(2).assign(kode_rt=["A", "B"], unit_id=[1, 2])
    units = kg.read_units(src, id_column="kode_rt")
    assert units.index.equals(src.index)
    assert units["unit_id"].tolist() == ["A", "B"]
    assert units["unit_id_original"].tolist() == [1, 2]
    entry = _entries(units, "unit_id_renamed")
    assert [(i.row, i.column, i.severity) for i in entry] == [(None, "unit_id", "warning")]
    assert "'unit_id_original'" in entry[0].message
    with pytest.raises(kg.InputError, match=r"'unit_id' and 'unit_id_original'"):
        kg.read_units(src.assign(unit_id_original=[3, 4]), id_column="kode_rt")


def test_sources_that_are_not_paths_or_frames():
    with pytest.raises(kg.InputError, match=r"read_units needs a file path or a \(Geo\)DataFrame"):
        kg.read_units([_box(0)])
    with pytest.raises(kg.InputError, match="not dict"):
        kg.read_interventions({"kind": ["jalan"]})
    with pytest.raises(kg.InputError, match="not list"):
        kg.validate([1, 2])
    with pytest.raises(kg.InputError, match="'units' or 'interventions'"):
        kg.validate(_units(), "rt")


# ---------------------------------------------------------------- geometry faults, kept


def test_mixed_geometry_types_in_units_are_reported_and_kept():
    src = _units(4)
    src.loc[1, "geometry"] = shapely.Point(116.1015, -8.5795)
    src.loc[2, "geometry"] = shapely.LineString([(116.102, -8.58), (116.1025, -8.5795)])
    units = kg.read_units(src)
    _kept(units, src)
    wrong = _entries(units, "wrong_geometry_type")
    assert [(i.row, i.column, i.severity) for i in wrong] == [
        (1, "geometry", "error"),
        (2, "geometry", "error"),
    ]
    assert "Point" in wrong[0].message and "LineString" in wrong[1].message
    assert units.loc[[1, 2], "area_ha"].tolist() == [0.0, 0.0]


def test_mixed_geometry_types_in_works_are_each_measured():
    line = shapely.LineString([(0, 0), (100, 0)])
    works = gpd.GeoDataFrame(
        {"kind": ["jalan", "rumah_deret", "hidran_umum"], "status": ["selesai"] * 3,
         "year": [2022] * 3},
        geometry=[line, shapely.box(0, 0, 100, 100), shapely.MultiPoint([(0, 0), (5, 5)])],
        crs=LAEA,
    )  # fmt: skip
    out = kg.read_interventions(works)
    # metres of line, hectares of polygon, a count of points
    np.testing.assert_allclose(out["volume"], [100.0, 1.0, 2.0], rtol=1e-5)
    assert out["volume_measured"].all()
    assert _rows(out, "volume_measured") == [None]


def test_geometry_collection_unit_keeps_its_polygons():
    src = _units()
    poly = _box(1)
    src.loc[1, "geometry"] = shapely.GeometryCollection(
        [poly, shapely.Point(116.2, -8.5), shapely.LineString([(116.2, -8.5), (116.3, -8.5)])]
    )
    src.loc[2, "geometry"] = shapely.GeometryCollection([shapely.Point(116.2, -8.5)])
    units = kg.read_units(src)
    _kept(units, src)
    gc = _entries(units, "geometry_collection")
    assert [(i.row, i.severity, i.repaired) for i in gc] == [(1, "warning", True)]
    assert units.loc[1, "geometry"].geom_type == "MultiPolygon"
    assert units.loc[1, "area_ha"] == pytest.approx(_geodesic_ha(poly), rel=1e-6)
    # nothing polygonal to keep: reported as the wrong type, not dropped
    assert _rows(units, "wrong_geometry_type") == [2]


def test_geometry_collection_work_is_reported():
    src = _works()
    src.loc[1, "geometry"] = shapely.GeometryCollection(
        [shapely.Point(116.1005, -8.5795), shapely.LineString([(116.1, -8.58), (116.101, -8.58)])]
    )
    out = kg.read_interventions(src)
    _kept(out, src)
    assert _rows(out, "geometry_collection") == [1]


def test_3d_coordinates_are_dropped_and_reported():
    src = _units()
    src.loc[1, "geometry"] = shapely.force_3d(_box(1), 35.0)
    units = kg.read_units(src)
    _kept(units, src)
    entry = _entries(units, "has_z")
    assert [(i.row, i.column, i.severity, i.repaired) for i in entry] == [
        (1, "geometry", "info", True)
    ]
    assert not shapely.has_z(units.loc[1, "geometry"])
    assert units.loc[1, "area_ha"] == pytest.approx(_geodesic_ha(_box(1)), rel=1e-6)

    works = _works()
    works.loc[0, "geometry"] = shapely.force_3d(works.loc[0, "geometry"], 12.0)
    out = kg.read_interventions(works)
    assert _rows(out, "has_z") == [0]
    flat = kg.read_interventions(_works())
    assert out.loc[0, "volume"] == pytest.approx(flat.loc[0, "volume"], rel=1e-12)


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:32750"])
def test_absurd_coordinates_are_reported_and_kept(crs):
    src = _units().to_crs(crs)
    src.loc[1, "geometry"] = shapely.box(1e9, 1e9, 1e9 + 1, 1e9 + 1)
    units = kg.read_units(src)
    _kept(units, src)
    entry = _entries(units, "outside_indonesia")
    assert [(i.row, i.column, i.severity) for i in entry] == [(1, "geometry", "error")]
    assert "check the CRS" in entry[0].message
    # the other units are measured as usual
    np.testing.assert_allclose(
        units.loc[[0, 2], "area_ha"], [_geodesic_ha(_box(0)), _geodesic_ha(_box(2))], rtol=1e-6
    )


def test_lonlat_swapped_units_and_works_are_reported_and_kept():
    src = _units()
    src["geometry"] = src.geometry.map(_swap_xy)
    units = kg.read_units(src)
    _kept(units, src)
    entry = _entries(units, "lonlat_swapped")
    assert [i.row for i in entry] == [0, 1, 2]
    assert all(i.severity == "error" and "swap x and y" in i.message for i in entry)

    works = _works()
    works["geometry"] = works.geometry.map(_swap_xy)
    out = kg.read_interventions(works)
    _kept(out, works)
    assert _rows(out, "lonlat_swapped") == [0, 1, 2]


def test_null_and_empty_geometries_are_kept_and_reported():
    src = _units(4)
    src.loc[1, "geometry"] = None
    src.loc[2, "geometry"] = shapely.Polygon()
    units = kg.read_units(src)
    _kept(units, src)
    assert _rows(units, "null_geometry") == [1]
    assert _rows(units, "empty_geometry") == [2]
    assert np.isnan(units.loc[1, "area_ha"])
    rem = kg.remaining_area(units, kg.read_interventions(_works()))
    _kept(rem, src)
    assert sorted(_rows(rem, "null_geometry")) == [1, 2]
    assert rem.loc[[0, 3], "remaining_ha"].notna().all()


def test_bowtie_is_repaired_and_reported():
    src = _units()
    x0, y0, x1, y1 = _box(1).bounds
    src.loc[1, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    units = kg.read_units(src)
    _kept(units, src)
    entry = _entries(units, "invalid_geometry")
    assert [(i.row, i.severity, i.repaired) for i in entry] == [(1, "warning", True)]
    assert "Self-intersection" in entry[0].message
    fixed = units.loc[1, "geometry"]
    assert fixed.is_valid
    # both lobes kept: two triangles, half of the bounding box
    assert len(shapely.get_parts(fixed)) == 2
    assert units.loc[1, "area_ha"] == pytest.approx(_geodesic_ha(_box(1)) / 2, rel=1e-6)


def test_overlapping_units_are_reported_with_the_overlap_hectares():
    src = gpd.GeoDataFrame(
        {"unit_id": ["A", "B", "C"]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(50, 0, 150, 100),
                  shapely.box(200, 0, 300, 100)],
        crs=LAEA,
    )  # fmt: skip
    units = kg.read_units(src)
    _kept(units, src)
    entry = _entries(units, "overlap")
    assert [(i.row, i.severity) for i in entry] == [(0, "error"), (1, "error")]
    assert "row 1 by 0.5000 ha" in entry[0].message  # 50 m x 100 m
    assert "row 0 by 0.5000 ha" in entry[1].message


# ---------------------------------------------------------------- attribute faults


def test_duplicate_ids_are_reported_on_every_row():
    src = _units()
    src["unit_id"] = ["RT01", "RT01", "RT03"]
    units = kg.read_units(src)
    _kept(units, src)
    entry = _entries(units, "duplicate_id")
    assert [(i.row, i.column, i.severity) for i in entry] == [
        (0, "unit_id", "error"),
        (1, "unit_id", "error"),
    ]
    assert "'RT01' appears 2 times" in entry[0].message
    with pytest.raises(kg.InputError, match="appears 2 times"):
        kg.read_units(src, strict=True)


def test_repeated_index_labels_are_validated_by_position():
    # Two kelurahan sheets concatenated without ignore_index: labels 0, 1 and 0, 1 again.
    a = pd.DataFrame(
        {
            "unit_id": ["A", "B"],
            "buildings": [10, 10],
            "1a": [20, 5],
            "3a": ["tiga", 1],
            "households": [0, 4],
        }
    )
    b = pd.DataFrame(
        {
            "unit_id": ["C", "A"],
            "buildings": [10, 8],
            "1a": [4, 9],
            "3a": [2, -1],
            "households": [5, 5],
        }
    )
    both = pd.concat([a, b])
    report = kg.validate(both, "units")
    got = [(i.row, i.check, i.message) for i in report]
    above = [m for r, c, m in got if c == "above_denominator"]
    assert above == [
        "criterion 1a volume 20 exceeds buildings 10; it is clamped to 100 % for scoring; "
        "check the survey figures",
        "criterion 1a volume 9 exceeds buildings 8; it is clamped to 100 % for scoring; "
        "check the survey figures",
    ]
    # These units carry only 1a and 3a: the other criteria are missing (row None), and the
    # first unit's 3a ("tiga") is no evidence either (row 0, the first of the two 0s).
    assert {c for r, c, _ in got if r is None} == {"criterion_missing"}
    assert sorted((r, c) for r, c, _ in got if c != "above_denominator" and r is not None) == [
        (0, "criterion_missing"), (0, "duplicate_id"), (0, "non_numeric"),
        (0, "zero_denominator"), (1, "duplicate_id"), (1, "negative_value"),
    ]  # fmt: skip
    missing = [i for i in report if i.check == "criterion_missing" and i.row is not None]
    assert [(i.row, i.column) for i in missing] == [(0, "3a")]
    units = kg.read_units(both)
    assert units.index.tolist() == [0, 1, 0, 1]
    assert units["unit_id"].tolist() == ["A", "B", "C", "A"]

    works = pd.concat([
        pd.DataFrame({"intervention_id": ["W1"], "kind": ["kapal"], "status": ["selesai"],
                      "year": [2022], "unit_id": ["A"], "criterion": ["9z"]}),
        pd.DataFrame({"intervention_id": ["W2"], "kind": ["jalan"], "status": ["entah"],
                      "year": [2022], "unit_id": [None], "criterion": ["2a"]}),
    ])  # fmt: skip
    got = [(i.row, i.check, i.message) for i in kg.validate(works, "interventions")]
    assert sorted((r, c) for r, c, _ in got) == [
        (0, "no_location"), (0, "unknown_criterion"), (0, "unknown_kind"), (0, "unknown_status"),
    ]  # fmt: skip
    said = {c: m for _, c, m in got}
    assert "'kapal'" in said["unknown_kind"] and "'entah'" in said["unknown_status"]
    assert "'9z'" in said["unknown_criterion"]


def test_non_numeric_volumes_are_reported_and_left_blank():
    src = _units(4)
    src["3a"] = pd.Series(["tiga", "5,5", "12 KK", 7], dtype=object)
    units = kg.read_units(src)
    _kept(units, src)
    entry = _entries(units, "non_numeric")
    assert [(i.row, i.column, i.severity) for i in entry] == [
        (0, "3a", "error"),
        (2, "3a", "error"),
    ]
    assert "'12 KK'" in entry[1].message and "decimal point" in entry[1].message
    # "5,5" is an Indonesian decimal comma: read as 5.5, and said so.
    assert units.loc[1, "3a"] == 5.5 and units.loc[3, "3a"] == 7.0
    assert units["3a"].isna().tolist() == [True, False, True, False]  # never a silent 0
    (sep,) = _entries(units, "number_separators")
    assert "'5,5' as 5.5" in sep.message


def test_nan_volumes_are_kept_blank_and_reported_when_scored():
    src = _units()
    src.loc[1, "3a"] = np.nan
    units = kg.read_units(src)
    assert np.isnan(units.loc[1, "3a"])
    scored = kg.assess(units)
    assert 1 in {i.row for i in scored.attrs["report"] if i.column == "3a"}


def test_blank_volume_of_a_work_without_geometry_is_reported():
    table = pd.DataFrame(
        {"intervention_id": ["T1", "T2", "T3"], "kind": ["jalan"] * 3,
         "status": ["selesai"] * 3, "year": [2022, 2022, 2022], "unit_id": ["RT00"] * 3,
         "criterion": ["2a"] * 3, "volume": [120.0, np.nan, "dua ratus"]}
    )  # fmt: skip
    out = kg.read_interventions(table)
    _kept(out, table)
    assert _rows(out, "missing_volume") == [1, 2]
    assert _rows(out, "non_numeric") == [2]


def test_unknown_kind_and_status_are_reported():
    src = _works()
    src.loc[0, "kind"] = "kapal selam"
    src.loc[1, "status"] = "hampir selesai"
    out = kg.read_interventions(src)
    _kept(out, src)
    kind = _entries(out, "unknown_kind")
    assert [(i.row, i.column, i.severity) for i in kind] == [(0, "kind", "error")]
    assert "kg.INTERVENTION_KINDS" in kind[0].message
    assert pd.isna(out.loc[0, "kind_key"])
    status = _entries(out, "unknown_status")
    assert [(i.row, i.column, i.severity) for i in status] == [(1, "status", "warning")]
    assert not out.loc[1, "completed"]
    # the overlay says why the unknown kind serves nothing
    rem = kg.remaining_area(kg.read_units(_units()), out)
    assert _rows(rem, "unknown_kind") == [0]


def test_works_without_year_are_reported():
    src = _works()
    src["year"] = pd.Series([2022, None, ""], dtype=object)
    out = kg.read_interventions(src)
    assert _rows(out, "missing_year") == [1, 2]
    assert _rows(kg.read_interventions(_works().drop(columns="year")), "missing_column") == [None]


def test_table_rows_without_unit_id_are_reported():
    table = pd.DataFrame(
        {"intervention_id": ["T1", "T2", "T3"], "kind": ["hidran_umum"] * 3,
         "status": ["selesai"] * 3, "year": [2022] * 3, "unit_id": ["RT00", None, "RT01"],
         "criterion": ["3a", "3a", "9z"], "volume": [12, 8, 4]}
    )  # fmt: skip
    out = kg.read_interventions(table)
    _kept(out, table)
    entry = _entries(out, "no_location")
    assert [(i.row, i.severity) for i in entry] == [(1, "error")]
    assert "neither a geometry nor a unit_id" in entry[0].message
    assert _rows(out, "unknown_criterion") == [2]


def test_html_and_script_in_attributes_stay_plain_text(tmp_path):
    payload = ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">', "A & B <b>"]
    src = _units()
    src["kelurahan"] = payload
    src["unit_id"] = ["<b>RT01</b>", "RT02", "RT03"]
    units = kg.read_units(src)
    _kept(units, src)
    assert units["kelurahan"].tolist() == payload
    assert units.attrs["report"].ok

    works = _works()
    works["kind"] = ["<script>jalan</script>", "hidran_umum", "drainase"]
    out = kg.read_interventions(works)
    assert out.loc[0, "kind"] == "<script>jalan</script>"
    assert _rows(out, "unknown_kind") == [0]

    path = write_gpkg({"units": units}, tmp_path / "out.gpkg")
    back = gpd.read_file(path, layer="units")
    assert back["kelurahan"].tolist() == payload
    assert back["unit_id"].tolist() == ["<b>RT01</b>", "RT02", "RT03"]


# ---------------------------------------------------------------- works outside every unit


def test_works_outside_every_unit_are_reported_by_allocation():
    units = kg.read_units(_units())
    works = _works()
    works.loc[2, "geometry"] = shapely.LineString([(116.5, -8.5), (116.51, -8.5)])
    out = kg.read_interventions(works)
    red = kg.allocate(units, out)
    assert "W3" not in set(red["intervention_id"])
    assert _rows(red, "outside_units") == [2]


def test_works_outside_every_unit_are_reported_by_the_overlay():
    units = kg.read_units(_units())
    works = _works()
    works.loc[2, "geometry"] = shapely.LineString([(116.5, -8.5), (116.51, -8.5)])
    works = kg.read_interventions(works)
    for result in (kg.remaining_area(units, works), kg.coverage(units, works)):
        assert _rows(result, "outside_units") == [2]


# ---------------------------------------------------------------- public functions, bad arguments


def test_overlay_functions_reject_bad_arguments():
    units = kg.read_units(_units())
    works = kg.read_interventions(_works())
    bare_units = gpd.GeoDataFrame(units.drop(columns="geometry"), geometry=list(units.geometry))
    bare_works = gpd.GeoDataFrame(works.drop(columns="geometry"), geometry=list(works.geometry))
    for fn in (kg.remaining_area, kg.coverage):
        with pytest.raises(kg.InputError, match="units must be a GeoDataFrame"):
            fn([_box(0)], works)
        with pytest.raises(kg.InputError, match="units are a table without geometry"):
            fn(pd.DataFrame(units.drop(columns="geometry")), works)
        with pytest.raises(kg.InputError, match="interventions must be a"):
            fn(units, [shapely.Point(116.1, -8.58)])
        with pytest.raises(kg.InputError, match="no 'unit_id' column"):
            fn(units.drop(columns="unit_id"), works)
        with pytest.raises(kg.InputError, match=r"kinds \['nonsense'\] are not in the catalogue"):
            fn(units, works, kinds=["nonsense"])
        with pytest.raises(kg.InputError, match=r"kinds \['nonsense'\]"):
            fn(units, works, kinds="nonsense")
        with pytest.raises(kg.InputError, match="units layer has no coordinate reference"):
            fn(bare_units, works)
        with pytest.raises(kg.InputError, match="interventions layer has no coordinate"):
            fn(units, bare_works)
        with pytest.raises(kg.InputError, match="year must be a whole number"):
            fn(units, works, year="dua ribu")
        with pytest.raises(kg.InputError, match="radii must be service distances"):
            fn(units, works, radii={"jalan": "lebar"})
        with pytest.raises(kg.InputError, match="radii must be service distances"):
            fn(units, works, radii={"jalan": -5})
        with pytest.raises(kg.InputError, match="radii names unknown kinds"):
            fn(units, works, radii={"jalan raya": 10})
    with pytest.raises(kg.InputError, match="by must be"):
        kg.coverage(units, works, by="colour")
    with pytest.raises(kg.InputError, match="interventions must be a"):
        kg.service_areas([shapely.Point(116.1, -8.58)])
    with pytest.raises(kg.InputError, match="needs interventions with geometry"):
        kg.service_areas(pd.DataFrame({"kind": ["jalan"]}))
    with pytest.raises(kg.InputError, match="interventions layer has no coordinate"):
        kg.service_areas(bare_works)
    with pytest.raises(kg.InputError, match="area_ha needs a GeoSeries"):
        kg.area_ha([_box(0)])
    with pytest.raises(kg.InputError, match="no coordinate reference system"):
        kg.area_ha(gpd.GeoSeries([_box(0)]))


def test_units_off_the_globe_are_kept_and_reported_by_the_overlay():
    src = _units()
    src["geometry"] = src.geometry.map(_swap_xy)  # latitude 116°: swapped axes
    works = kg.read_interventions(_works())
    rem = kg.remaining_area(src, works)
    _kept(rem, src)
    assert _rows(rem, "off_globe") == [0, 1, 2]
    assert rem[["area_ha", "covered_ha", "remaining_ha"]].isna().all().all()

    src = _units()
    src.loc[1, "geometry"] = _swap_xy(src.loc[1, "geometry"])
    rem = kg.remaining_area(src, works)
    assert _rows(rem, "off_globe") == [1]
    assert np.isnan(rem.loc[1, "area_ha"])
    np.testing.assert_allclose(
        rem.loc[[0, 2], "area_ha"], [_geodesic_ha(_box(0)), _geodesic_ha(_box(2))], rtol=1e-6
    )


def test_off_the_globe_polygons_have_no_hectares_rather_than_zero():
    swapped = gpd.GeoSeries([_swap_xy(_box(0))], crs="EPSG:4326")
    assert np.isnan(kg.area_ha(swapped).iloc[0])
    src = _units()
    src.loc[1, "geometry"] = _swap_xy(src.loc[1, "geometry"])
    assert np.isnan(kg.read_units(src).loc[1, "area_ha"])


def test_area_of_an_unrepaired_bowtie_counts_both_lobes():
    x0, y0, x1, y1 = _box(0).bounds
    bowtie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    ha = kg.area_ha(gpd.GeoSeries([bowtie], crs="EPSG:4326")).iloc[0]
    assert ha == pytest.approx(_geodesic_ha(_box(0)) / 2, rel=1e-6)


def test_the_overlay_repairs_and_reports_invalid_units():
    """Units passed straight to the overlay, not read through kg.read_units."""
    src = _units()
    x0, y0, x1, y1 = _box(1).bounds
    src.loc[1, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    rem = kg.remaining_area(src, kg.read_interventions(_works()))
    assert _rows(rem, "invalid_geometry") == [1]
    # both lobes: half the bounding box
    assert rem.loc[1, "area_ha"] == pytest.approx(_geodesic_ha(_box(1)) / 2, rel=1e-6)
    np.testing.assert_allclose(
        rem.loc[1, "remaining_ha"] + rem.loc[1, "covered_ha"], rem.loc[1, "area_ha"], rtol=1e-9
    )


# ---------------------------------------------------------------- nothing dropped silently


def test_a_layer_with_every_fault_keeps_every_row():
    """One layer holding all the faults above: every row comes out, each faulty one reported."""
    src = _units(12)
    src["3a"] = src["3a"].astype(object)
    src.index = pd.Index([f"r{k}" for k in range(12)])
    x0, y0, x1, y1 = _box(3).bounds
    faults = {
        "r1": ("geometry", None),
        "r2": ("geometry", shapely.Polygon()),
        "r3": ("geometry", shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])),
        "r4": ("geometry", shapely.force_3d(_box(4), 2.0)),
        "r5": ("geometry", shapely.Point(116.105, -8.58)),
        "r6": ("geometry", shapely.GeometryCollection([_box(6), shapely.Point(116.3, -8.5)])),
        "r7": ("geometry", _swap_xy(_box(7))),
        "r8": ("geometry", shapely.box(0, 0, 1, 1)),
        "r9": ("3a", "banyak"),
        "r10": ("unit_id", "RT00"),  # the id of r0
        "r11": ("geometry", _box(0).buffer(SIDE / 10)),  # overlaps r0
    }
    for row, (col, value) in faults.items():
        src.at[row, col] = value
    units = kg.read_units(src)
    assert units.index.equals(src.index)
    assert units["unit_id"].tolist() == src["unit_id"].tolist()
    reported = {i.row for i in units.attrs["report"]}
    assert set(faults) <= reported
    assert "r0" in reported  # the other side of r11's overlap and of r10's duplicate id
    rem = kg.remaining_area(units.drop(index="r7"), kg.read_interventions(_works()))
    assert rem.index.equals(units.index.drop("r7"))
