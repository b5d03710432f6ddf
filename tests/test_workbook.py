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


def _read(wb: openpyxl.Workbook, path) -> pd.DataFrame:
    """The workbook saved to ``path`` and read back."""
    wb.save(path)
    return kg.read_r0_workbook(path)


def _entries(issues: pd.DataFrame) -> list[tuple]:
    """(row, column, severity, check) of each report entry, sorted."""
    return sorted(
        zip(issues["row"], issues["column"], issues["severity"], issues["check"], strict=True)
    )


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


@pytest.mark.parametrize(
    ("text", "count", "value"),
    [
        ("1.234,5", False, 1234.5),  # Indonesian thousands and decimal comma
        ("1.234.567", False, 1234567.0),
        ("1.234.567", True, 1234567.0),
        ("1,234.5", False, 1234.5),  # English thousands and decimal point
        ("1,234,567", True, 1234567.0),
        ("1,5", False, 1.5),  # Indonesian decimal comma
        ("12,50", True, 12.5),
        ("-1.234,5", False, -1234.5),
        ("1 234", True, 1234.0),
        ("1.250", True, 1250.0),  # a lone "." and three digits: thousands in a count
        ("1.250", False, 1.25),  # … and a decimal point in hectares or metres
        ("0.250", True, 0.25),  # no thousands group starts with 0
        ("1.2500", True, 1.25),
        ("2.5", True, 2.5),
    ],
)
def test_number_separators(text, count, value) -> None:
    from kotaku_gis.workbook import _number

    got, readable, _ = _number(text, count=count)
    assert readable and got == value


@pytest.mark.parametrize("text", ["1.23.4", "1,2,3", "1.234,5.6", "10%", "1,23,456"])
def test_number_unreadable(text) -> None:
    from kotaku_gis.workbook import _number

    got, readable, _ = _number(text, count=True)
    assert not readable and np.isnan(got)


def test_separators_by_column_unit(tmp_path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bintaro"
    ws.append(["Kode RT", "Luas Verifikasi (Ha)", "Jumlah Bangunan", "Jumlah KK", "1a",
               "1b", "2a", "3a"])  # fmt: skip
    ws.append(["RT1", "1.250", "1.250", "1.234", "1.020", "1.020", "1.500", 7])
    ws.append(["RT2", "2,5", "1.234.567", "12,5", 3.5, "1.234,5", "1,234.5", "1,234"])
    ws.append(["RT3", 1.25, 1250, 40, 3, 0.5, 1250.5, 8.0])
    table = _read(wb, tmp_path / "sep.xlsx")
    cols = ["area_ha", "buildings", "households", "1a", "1b", "2a", "3a"]
    assert table[cols].values.tolist() == [
        [1.25, 1250.0, 1234.0, 1020.0, 1.02, 1.5, 7.0],
        [2.5, 1234567.0, 12.5, 3.5, 1234.5, 1234.5, 1.234],
        [1.25, 1250.0, 40.0, 3.0, 0.5, 1250.5, 8.0],
    ]
    issues = table.attrs["report"].to_frame()
    got = _entries(issues)
    assert got == [
        ("Bintaro!2", "1a", "info", "thousands_separator"),
        ("Bintaro!2", "buildings", "info", "thousands_separator"),
        ("Bintaro!2", "households", "info", "thousands_separator"),
        ("Bintaro!3", "1a", "warning", "not_whole"),
        ("Bintaro!3", "3a", "warning", "not_whole"),
        ("Bintaro!3", "households", "warning", "not_whole"),
    ]
    notes = issues[issues["check"] == "thousands_separator"].set_index("column")["message"]
    assert "Bintaro!C2" in notes["buildings"] and "read 1.250 as 1250" in notes["buildings"]
    assert "Bintaro!D2" in notes["households"] and "read 1.234 as 1234" in notes["households"]


def _two_row_header_sheet(ws) -> None:
    """Rows 3-4: "Kondisi Bangunan Gedung" merged over E:G above 1a | 1b | 1c."""
    ws.append(["Data R0 Kelurahan Bintaro"])
    ws.append([])
    ws.append(["No", "Kode RT", "Luas Verifikasi (Ha)", "Jumlah KK",
               "Kondisi Bangunan Gedung", None, None, "Keterangan"])  # fmt: skip
    ws.append([None, None, None, None, "1a", "1b", "1c", None])
    ws.merge_cells("E3:G3")
    for c in "ABCDH":
        ws.merge_cells(f"{c}3:{c}4")
    ws.append([1, "RT001", 1.5, 40, 3, 0.2, 5, None])
    ws.append([2, "RT002", "2,5", 61, 1, 0, 0, "tepi sungai"])
    ws.append([None, "Jumlah", 4.0, 101, 4, 0.2, 5, None])


def test_two_row_merged_header(tmp_path) -> None:
    # The upper row has as many known headers as the lower one (3 and 3): the columns of
    # both rows are read, and the data starts below the lower row.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bintaro"
    _two_row_header_sheet(ws)
    # Lower row has more known headers than the upper one: it is joined with the row above.
    ws = wb.create_sheet("Kota Bima")
    ws.append(["Rekap R0"])
    ws.append(["ID RT", "Luas (Ha)", "Kondisi Bangunan", None, None])
    ws.append([None, None, "1a", "1b", "1c"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:E2")
    ws.append(["BIMA-01", 4.5, 10, 0.5, 3])
    table = _read(wb, tmp_path / "two.xlsx")
    cols = ["sheet", "excel_row", "unit_id", "area_ha", "households", "1a", "1b", "1c"]
    got = table[cols].astype(object).where(table[cols].notna(), None).values.tolist()
    assert got == [
        ["Bintaro", 5, "RT001", 1.5, 40.0, 3.0, 0.2, 5.0],
        ["Bintaro", 6, "RT002", 2.5, 61.0, 1.0, 0.0, 0.0],
        ["Kota Bima", 4, "BIMA-01", 4.5, None, 10.0, 0.5, 3.0],
    ]
    assert table["Keterangan"].fillna("").tolist()[:2] == ["", "tepi sungai"]
    assert table["No"].tolist()[:2] == [1.0, 2.0]
    issues = table.attrs["report"].to_frame()
    assert issues[["row", "check"]].values.tolist() == [["Bintaro!7", "row_without_id"]]
    assert table.attrs["r0_headers"]["1a"] == "1a"


def test_header_group_title_with_unit_sub_headers(tmp_path) -> None:
    # Sub-headers under a criterion: "Unit" keeps the volume, "%" is not the volume.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["Kode RT", "Data Dasar", None, "1.a", None])
    ws.append([None, "Jumlah Bangunan", "Jumlah KK", "Unit", "%"])
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:E1")
    ws.merge_cells("A1:A2")
    ws.append(["RT1", 80, 30, 20, 25.0])
    table = _read(wb, tmp_path / "units.xlsx")
    assert list(table.columns) == ["sheet", "excel_row", "unit_id", "buildings", "households",
                                   "1a", "1.a %"]  # fmt: skip
    assert table.iloc[0].tolist()[1:] == [3, "RT1", 80.0, 30.0, 20.0, 25.0]
    assert len(table.attrs["report"]) == 0
    assert table.attrs["r0_headers"]["1a"] == "1.a Unit"


def test_single_header_row_not_joined_with_first_data_row(tmp_path) -> None:
    # A data row whose note happens to be a header word is still a data row.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kode RT", "Jumlah KK", "Catatan"])
    ws.append(["RT1", 40, "Kawasan"])
    ws.append(["RT2", 12, None])
    table = _read(wb, tmp_path / "one.xlsx")
    assert table["unit_id"].tolist() == ["RT1", "RT2"]
    assert table["excel_row"].tolist() == [2, 3]
    assert table["Catatan"].fillna("").tolist() == ["Kawasan", ""]


def test_formula_without_saved_value_is_reported(tmp_path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bintaro"
    ws.append(["Kode RT", "Luas Verifikasi (Ha)", "Jumlah Bangunan", "1a"])
    ws.append(["RT001", 1.5, 125, "=C2*0.4"])
    ws.append(["RT002", 2.0, 80, 10])
    ws.append(["=A3", "=B3", None, None])  # a whole row of formulas: never dropped silently
    table = _read(wb, tmp_path / "f.xlsx")
    assert table["unit_id"].tolist() == ["RT001", "RT002"]
    assert np.isnan(table["1a"].iloc[0]) and table["1a"].iloc[1] == 10.0
    issues = table.attrs["report"].to_frame()
    got = _entries(issues)
    assert got == [
        ("Bintaro!2", "1a", "warning", "formula_without_value"),
        ("Bintaro!4", "area_ha", "warning", "formula_without_value"),
        ("Bintaro!4", "unit_id", "warning", "formula_without_value"),
    ]
    message = issues["message"].iloc[0]
    assert "Bintaro!D2" in message and "open and save the file in Excel/LibreOffice" in message


def test_join_float_polygon_ids() -> None:
    # Numeric Shapefile fields hold ids as floats (101.0); the workbook has "101".
    table = pd.DataFrame({"sheet": ["S", "S"], "excel_row": [4, 5], "unit_id": ["101", "102"]})
    polys = gpd.GeoDataFrame(
        {"kode": [101.0, 102.0, 103.5]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )
    out = kg.join_r0(table, polys, polygon_id="kode", how="outer")
    assert out["unit_id"].tolist() == ["101", "102", "103.5"]
    assert out.geometry.iloc[0].equals(shapely.box(0, 0, 1, 1))
    assert out.geometry.iloc[1].equals(shapely.box(1, 0, 2, 1))
    issues = out.attrs["report"].to_frame()
    assert issues[["row", "check"]].values.tolist() == [[2, "no_row"]]
    assert "'103.5'" in issues["message"].iloc[0]
