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
