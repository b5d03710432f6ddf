"""R0 workbooks: header mapping, header-row detection, joining to polygons, round trips."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.workbook import R0_HEADERS, _build_aliases, _key, map_r0_header


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Luas Verifikasi (Ha)", "area_ha"),
        ("LUAS VERIFIKASI(HA)", "area_ha"),
        ("luas verifikasi", "area_ha"),
        ("Jumlah KK", "households"),
        ("jumlah  kk ", "households"),
        ("Jumlah Bangunan", "buildings"),
        ("Panjang Jalan Ideal (m)", "road_length_m"),
        ("Panjang Drainase Ideal (m)", "drain_length_m"),
        ("ID RT", "unit_id"),
        ("Kode RT", "unit_id"),
        ("1a", "1a"),
        ("1.a", "1a"),
        ("1 A", "1a"),
        ("7.b", "7b"),
        ("4c. Kualitas konstruksi drainase", "4c"),
        ("Ketidakteraturan Bangunan (Unit)", "1a"),
        ("ketidakteraturan bangunan", "1a"),
        ("Ketidaktersediaan Drainase (m)", "4b"),
        ("Kelurahan/Desa", "kelurahan"),
        ("Kab/Kota", "kota"),
        ("1a (%)", None),
        ("Skor 1a", None),
        ("Persen 2b", None),
        ("Keterangan", None),
        ("No", None),
        ("", None),
        (None, None),
    ],
)
def test_header_mapping(header, column) -> None:
    assert map_r0_header(header) == column


def test_mapping_table_is_unambiguous() -> None:
    # No two columns claim the same header once case, spaces and punctuation are ignored.
    seen: dict[str, str] = {}
    for column, headers in R0_HEADERS.items():
        for header in headers:
            key = _key(header)
            assert seen.setdefault(key, column) == column, header
            assert map_r0_header(header) == column, header
    assert set(_build_aliases().values()) >= set(R0_HEADERS)


def _planner_workbook(path) -> None:
    """Two kelurahan sheets as typed by two different teams, and an instructions sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Petunjuk"
    ws.append(["Isi satu sheet per kelurahan."])
    ws = wb.create_sheet("Ampenan Selatan")
    ws.append(["DATA BASELINE KUMUH (R0) KOTA MATARAM"])
    ws.append(["Kelurahan Ampenan Selatan"])
    ws.append([])
    ws.append(["No", "Kode RT", "LUAS VERIFIKASI (HA)", "Jumlah KK", "Jumlah Bangunan",
               "1.a", "1a (%)", "Keterangan"])  # fmt: skip
    ws.append([1, "5271011004-RT001", 1.52, 78, 64, 60, 93.75, None])
    ws.append([2, "5271011004-RT002", "1,5", 95, 80, 12, 15.0, "dekat pantai"])
    ws.append([3, None, 0.8, 20, 10, 1, 10.0, None])  # an id left blank
    ws.append([4, "5271011004-RT004", 2.25, "n/a", 33, 0, 0.0, None])
    ws.append([None, "Jumlah", 6.07, 193, 187, 73, None, None])
    ws = wb.create_sheet("Bintaro")
    ws.append(["Kelurahan", "ID RT", "Luas Verifikasi (Ha)", "Jumlah KK",
               "Ketidakteraturan Bangunan (Unit)", "Panjang Jalan Ideal (m)"])  # fmt: skip
    ws.append(["Bintaro", 5271011005001, 3.0, 120, 40, 410.5])
    ws.append(["Bintaro", 5271011005002.0, 1.0, 45, 0, None])
    wb.save(path)


def test_read_planner_workbook(tmp_path) -> None:
    path = tmp_path / "r0.xlsx"
    _planner_workbook(path)
    table = kg.read_r0_workbook(path)
    assert table["sheet"].tolist() == ["Ampenan Selatan"] * 3 + ["Bintaro"] * 2
    assert table["excel_row"].tolist() == [5, 6, 8, 2, 3]
    assert table["unit_id"].tolist() == [
        "5271011004-RT001",
        "5271011004-RT002",
        "5271011004-RT004",
        "5271011005001",
        "5271011005002",
    ]
    assert str(table["unit_id"].dtype) == "string"
    assert table["area_ha"].tolist() == [1.52, 1.5, 2.25, 3.0, 1.0]
    assert table["1a"].tolist() == [60.0, 12.0, 0.0, 40.0, 0.0]
    hh = table["households"].tolist()
    assert hh[:2] == [78.0, 95.0] and np.isnan(hh[2]) and hh[3:] == [120.0, 45.0]
    assert table["road_length_m"].iloc[3] == 410.5
    assert table["kelurahan"].tolist()[3:] == ["Bintaro", "Bintaro"]
    # Unmapped headers are kept as they are.
    assert table["1a (%)"].tolist()[:3] == [93.75, 15.0, 0.0]
    assert table["Keterangan"].iloc[1] == "dekat pantai"
    assert list(table.columns[:2]) == ["sheet", "excel_row"]
    assert table.attrs["r0_headers"]["area_ha"] == "LUAS VERIFIKASI (HA)"

    issues = table.attrs["report"].to_frame()
    got = sorted(zip(issues["row"], issues["check"], issues["severity"], strict=True))
    assert got == [
        ("Ampenan Selatan!7", "row_without_id", "warning"),
        ("Ampenan Selatan!8", "not_a_number", "warning"),
        ("Ampenan Selatan!9", "row_without_id", "info"),
        ("Petunjuk!", "no_header_row", "warning"),
    ]


def test_two_row_merged_header(tmp_path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kota Bima"
    ws.append(["Rekap R0"])
    ws.append(["ID RT", "Luas (Ha)", "Kondisi Bangunan", None, None])
    ws.append([None, None, "1a", "1b", "1c"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:E2")
    ws.append(["BIMA-01", 4.5, 10, 0.5, 3])
    path = tmp_path / "bima.xlsx"
    wb.save(path)
    table = kg.read_r0_workbook(path)
    assert table[["unit_id", "area_ha", "1a", "1b", "1c"]].values.tolist() == [
        ["BIMA-01", 4.5, 10.0, 0.5, 3.0]
    ]
    assert table["excel_row"].tolist() == [4]


def _polygons() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "unit_id": ["5271011004-RT001", "5271011004-RT002", "5271011004-RT004",
                        "5271011005001", "5271011009-RT009"],
            "kecamatan": ["Ampenan"] * 5,
        },
        geometry=[shapely.box(116.07 + i * 0.001, -8.58, 116.071 + i * 0.001, -8.579)
                  for i in range(5)],
        crs="EPSG:4326",
    )  # fmt: skip


def test_join_reports_unmatched(tmp_path) -> None:
    path = tmp_path / "r0.xlsx"
    _planner_workbook(path)
    polys = _polygons()
    joined = kg.read_r0_workbook(path, polygons=polys)
    assert isinstance(joined, gpd.GeoDataFrame)
    assert joined.crs == polys.crs
    assert len(joined) == 5
    # The workbook's verified area wins; the polygon adds the columns the workbook lacks.
    assert joined["area_ha"].tolist() == [1.52, 1.5, 2.25, 3.0, 1.0]
    assert joined["kecamatan"].tolist()[:4] == ["Ampenan"] * 4
    assert joined.geometry.isna().tolist() == [False, False, False, False, True]
    assert joined.geometry.iloc[0].equals(polys.geometry.iloc[0])
    assert joined.geometry.iloc[3].equals(polys.geometry.iloc[3])
    issues = joined.attrs["report"].to_frame()
    no_polygon = issues[issues["check"] == "no_polygon"]
    assert no_polygon["row"].tolist() == ["Bintaro!3"]
    assert "5271011005002" in no_polygon["message"].iloc[0]
    no_row = issues[issues["check"] == "no_row"]
    assert no_row["row"].tolist() == [4]
    assert "5271011009-RT009" in no_row["message"].iloc[0]

    inner = kg.join_r0(kg.read_r0_workbook(path), polys, how="inner")
    assert inner["unit_id"].tolist() == joined["unit_id"].tolist()[:4]
    outer = kg.join_r0(kg.read_r0_workbook(path), polys, how="outer")
    assert len(outer) == 6
    assert outer["unit_id"].iloc[-1] == "5271011009-RT009"
    assert np.isnan(outer["area_ha"].iloc[-1])


def test_join_duplicate_polygon_ids() -> None:
    table = pd.DataFrame({"sheet": ["S"], "excel_row": [2], "unit_id": ["A"]})
    polys = gpd.GeoDataFrame(
        {"kode": ["A", "A"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6)],
        crs="EPSG:4326",
    )
    out = kg.join_r0(table, polys, polygon_id="kode")
    assert out.geometry.iloc[0].equals(shapely.box(0, 0, 1, 1))
    issues = out.attrs["report"].to_frame()
    assert issues[["row", "check", "severity"]].values.tolist() == [
        [1, "duplicate_polygon_id", "error"]
    ]
    with pytest.raises(kg.InputError, match="no 'unit_id'"):
        kg.join_r0(table, polys)


def test_round_trip_of_planner_layout(tmp_path) -> None:
    path = tmp_path / "r0.xlsx"
    _planner_workbook(path)
    table = kg.read_r0_workbook(path)
    out = kg.write_r0_workbook(table, tmp_path / "back.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Ampenan Selatan", "Bintaro"]
    ws = wb["Ampenan Selatan"]
    assert ws["A1"].value == "Data R0 Ampenan Selatan"
    header = [c.value for c in ws[3]]
    # The headers the planner typed are written back.
    assert header == ["Kelurahan", "Kode RT", "LUAS VERIFIKASI (HA)", "Jumlah Bangunan",
                      "Jumlah KK", "Panjang Jalan Ideal (m)", "1.a", "No", "1a (%)",
                      "Keterangan"]  # fmt: skip
    assert ws.freeze_panes == "B4"
    back = kg.read_r0_workbook(out)
    cols = [c for c in table.columns if c != "excel_row"]
    pd.testing.assert_frame_equal(back[cols], table[cols], check_like=False)
    assert back["excel_row"].tolist() == [4, 5, 6, 4, 5]


def test_round_trip_of_sample_units(tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = kg.datasets.load_units()
    cols = ["kota", "kecamatan", "kelurahan", "unit_id", "area_ha", "buildings",
            "households", "road_length_m", "drain_length_m", *[c for c in units if
            c[:1].isdigit()]]  # fmt: skip
    path = kg.write_r0_workbook(units[[*cols, "geometry"]], tmp_path / "ntb.xlsx", sheet_by="kota")
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == list(
        dict.fromkeys(units["kota"])
    )
    joined = kg.read_r0_workbook(path, polygons=units[["unit_id", "geometry"]])
    assert not joined.attrs["report"].to_frame()["check"].isin(["no_polygon", "no_row"]).any()
    assert joined["unit_id"].tolist() == units["unit_id"].tolist()
    for c in cols:
        left, right = joined[c].to_numpy(), units[c].to_numpy()
        if c in ("kota", "kecamatan", "kelurahan", "unit_id"):
            assert pd.Series(left).fillna("").tolist() == pd.Series(right).fillna("").tolist(), c
        else:
            assert np.array_equal(left.astype(float), right.astype(float), equal_nan=True), c
    assert all(a.equals(b) for a, b in zip(joined.geometry, units.geometry, strict=True))


def test_sheet_names_made_valid(tmp_path) -> None:
    frame = pd.DataFrame(
        {"kelurahan": ["Kel. A/B", "Kelurahan dengan nama yang sangat panjang sekali"],
         "unit_id": ["1", "2"], "households": [1.0, 2.0]}
    )  # fmt: skip
    path = kg.write_r0_workbook(frame, tmp_path / "x.xlsx", title=None)
    names = openpyxl.load_workbook(path).sheetnames
    assert names == ["Kel. A-B", "Kelurahan dengan nama yang sang"]
    back = kg.read_r0_workbook(path)
    assert back["excel_row"].tolist() == [2, 2]


def test_bad_inputs(tmp_path) -> None:
    with pytest.raises(kg.InputError, match="does not exist"):
        kg.read_r0_workbook(tmp_path / "none.xlsx")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(kg.InputError, match=r"save it as \.xlsx"):
        kg.read_r0_workbook(old)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    with pytest.raises(kg.InputError, match="cannot open"):
        kg.read_r0_workbook(junk)
    wb = openpyxl.Workbook()
    wb.active.append(["Kelurahan", "Luas (Ha)", "Jumlah KK"])  # no unit id column
    wb.active.append(["Bintaro", 1.0, 3])
    path = tmp_path / "noid.xlsx"
    wb.save(path)
    with pytest.raises(kg.InputError, match="unit id column"):
        kg.read_r0_workbook(path)
    table = kg.read_r0_workbook(path, headers={"Kelurahan": "unit_id"})
    assert table["unit_id"].tolist() == ["Bintaro"]
    with pytest.raises(kg.InputError, match="no sheet"):
        kg.read_r0_workbook(path, sheets=["Bima"])
    with pytest.raises(kg.InputError, match="sheet_by"):
        kg.write_r0_workbook(table, tmp_path / "o.xlsx", sheet_by="kota")
