"""The reductions audit trail at scale: the sheet holds what fits, the CSV beside it holds all.

An Excel sheet holds 1,048,576 rows; a national allocation makes millions of reduction rows.
The tests inject a small limit (``max_audit_rows``) instead of writing a million rows: seven
reduction rows of one unit, a sheet that may hold three.
"""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.excel import EXCEL_MAX_ROWS, data_rows, frame_to_sheet, writing
from kotaku_gis.pipeline import run_job


def _units() -> pd.DataFrame:
    units = pd.DataFrame(
        {"unit_id": ["A", "B"], "kota": ["Kota Mataram"] * 2, "kelurahan": ["Bintaro"] * 2,
         "area_ha": [2.0, 1.0], "buildings": [10, 10], "households": [20, 20],
         "road_length_m": [100.0] * 2, "drain_length_m": [100.0] * 2,
         **{code: [0.0, 0.0] for code in kg.get_ruleset().codes}}
    )  # fmt: skip
    for code in ("1a", "1c", "7a", "7b"):  # 4 x 5 = 20: kumuh ringan
        units[code] = [10.0, 10.0]
    return units


def _reductions() -> pd.DataFrame:
    """Seven works each taking one building off 7a of unit A, listed out of order."""
    ids = ["W7", "W3", "W1", "W6", "W2", "W5", "W4"]
    return pd.DataFrame(
        {"intervention_id": ids, "unit_id": "A", "criterion": "7a", "volume": 1.0,
         "year": 2023, "method": "service_share"}
    )  # fmt: skip


@pytest.fixture(scope="module")
def states() -> tuple[pd.DataFrame, pd.DataFrame]:
    units = _units()
    return kg.assess(units), kg.assess(units, reductions=_reductions())


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def _parts(ws) -> tuple[list[str], list, list[tuple]]:
    """A report sheet's caption lines (title with year and ruleset, notes), header and data
    rows: a blank row separates the caption from the header."""
    rows = _rows(ws)
    blank = next(i for i, row in enumerate(rows) if not any(v is not None for v in row))
    return [r[0] for r in rows[:blank]], list(rows[blank + 1]), rows[blank + 2 :]


def test_a_long_trail_is_cut_and_written_in_full_beside_the_workbook(states, tmp_path):
    base, after = states
    path = kg.write_excel_report(
        tmp_path / "laporan.xlsx", baseline=base, after=after, reductions=_reductions(),
        max_audit_rows=3,
    )  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "laporan.xlsx",
        "laporan_reductions.csv",
    ]
    trail = pd.read_csv(tmp_path / "laporan_reductions.csv", encoding="utf-8-sig")
    assert len(trail) == 7
    assert trail["volume"].sum() == 7.0  # every building taken off is in the file
    assert trail["intervention_id"].tolist() == ["W1", "W2", "W3", "W4", "W5", "W6", "W7"]

    wb = openpyxl.load_workbook(path)
    lines, header, shown = _parts(wb["Jejak Pengurangan"])
    assert lines[0].startswith("Jejak Pengurangan — tahun penanganan")  # title, year, ruleset
    caption = next(line for line in lines if line.startswith("Jejak pengurangan memiliki"))
    assert caption.startswith(
        "Jejak pengurangan memiliki 7 baris; lembar 'Jejak Pengurangan' memuat 3 baris "
        "pertama, 4 baris lainnya hanya ada di berkas laporan_reductions.csv"
    )
    assert header[:3] == ["ID Kegiatan", "ID Unit", "Kriteria"]
    assert len(shown) == 3
    # The sheet shows the file's first three rows.
    assert [r[header.index("ID Kegiatan")] for r in shown] == ["W1", "W2", "W3"]
    notes = dict(_parts(wb["Katalog"])[2])
    assert notes["Jejak pengurangan di luar buku kerja"] == caption
    assert notes["Baris pengurangan"] == 7


def test_a_trail_that_fits_stays_in_its_sheet_alone(states, tmp_path):
    base, after = states
    path = kg.write_excel_report(
        tmp_path / "laporan.xlsx", baseline=base, after=after, reductions=_reductions(),
        max_audit_rows=7, lang="en",
    )  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.xlsx"]
    wb = openpyxl.load_workbook(path)
    lines, header, shown = _parts(wb["Reductions audit"])
    assert header[:2] == ["Intervention ID", "Unit ID"]
    assert not any("rows are only in the file" in line for line in lines)  # no cut note
    assert len(shown) == 7
    assert "Reductions audit outside the workbook" not in dict(_parts(wb["Catalogue"])[2])


def test_english_note_and_a_named_file(states, tmp_path):
    base, after = states
    paths = kg.write_reports(
        tmp_path, baseline=base, after=after, reductions=_reductions(), lang="en",
        audit_file="reductions.csv", max_audit_rows=2, figures=False,
    )  # fmt: skip
    assert [p.name for p in paths] == [
        "kotaku_report.xlsx",
        "kotaku_report.gpkg",
        "units_assessed.csv",
        "reductions.csv",
        "data_dictionary.csv",
    ]
    assert len(pd.read_csv(tmp_path / "reductions.csv", encoding="utf-8-sig")) == 7
    lines = _parts(openpyxl.load_workbook(paths[0])["Reductions audit"])[0]
    caption = next(line for line in lines if line.startswith("The reductions audit has"))
    assert caption.startswith(
        "The reductions audit has 7 rows; the sheet 'Reductions audit' holds the first 2, "
        "the other 5 rows are only in the file reductions.csv"
    )


def test_a_named_file_is_written_even_when_the_sheet_holds_all(states, tmp_path):
    base, after = states
    kg.write_excel_report(
        tmp_path / "r.xlsx", baseline=base, after=after, reductions=_reductions(),
        audit_file=tmp_path / "all.csv",
    )  # fmt: skip
    assert len(pd.read_csv(tmp_path / "all.csv", encoding="utf-8-sig")) == 7
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Jejak Pengurangan"]
    assert len(_parts(ws)[2]) == 7


def test_the_limit_must_be_a_count_of_rows(states, tmp_path):
    base, after = states
    for bad in (-1, 2.5, "10"):
        with pytest.raises(kg.InputError, match="max_audit_rows"):
            kg.write_excel_report(
                tmp_path / "r.xlsx", baseline=base, after=after, reductions=_reductions(),
                max_audit_rows=bad,
            )  # fmt: skip
    assert not list(tmp_path.iterdir())


def test_a_sheet_refuses_more_rows_than_excel_holds(tmp_path):
    assert EXCEL_MAX_ROWS == 1_048_576
    assert data_rows() == 1_048_575 and data_rows(caption=True) == 1_048_573
    frame = pd.DataFrame({"a": range(5)})
    with pytest.raises(kg.InputError, match="has 5 rows; a sheet holds 4"):
        with writing(tmp_path / "t.xlsx") as wb:
            frame_to_sheet(wb, "T", frame, max_rows=5)
    assert not list(tmp_path.iterdir())  # nothing written on the error
    with writing(tmp_path / "t.xlsx") as wb:
        frame_to_sheet(wb, "T", frame, max_rows=6)
    assert len(list(openpyxl.load_workbook(tmp_path / "t.xlsx")["T"].iter_rows())) == 6


def test_run_writes_the_whole_trail_as_reductions_csv(tmp_path):
    # The two units of _units() as polygons (their area measured), two hydrants of fire
    # protection (7a, 7b) on them.
    squares = [shapely.box(116.100, -8.580, 116.101, -8.579),
               shapely.box(116.101, -8.580, 116.102, -8.579)]  # fmt: skip
    units = gpd.GeoDataFrame(_units().drop(columns="area_ha"), geometry=squares, crs=4326)
    hydrants = [shapely.Point(116.1005, -8.5795), shapely.Point(116.1015, -8.5795)]
    works = gpd.GeoDataFrame(
        {"intervention_id": ["W1", "W2"], "kind": "hidran kebakaran", "year": [2022, 2023],
         "status": "selesai"}, geometry=hydrants, crs=4326,
    )  # fmt: skip
    res = run_job(units, works, out_dir=tmp_path, write_map=False, grid_m=None)
    trail = pd.read_csv(tmp_path / "reductions.csv", encoding="utf-8-sig")
    assert len(trail) == len(res.reductions) > 0
    assert trail["volume"].sum() == pytest.approx(res.reductions["volume"].sum(), rel=1e-12)
    assert trail["traced"].all()
    assert {"criterion_name", "level_before", "level_after", "unit_left_slum"} <= set(trail)
    assert "reductions.csv" in {p.name for p in res.outputs}
    assert "kotaku_report_reductions.csv" not in {p.name for p in res.outputs}
    # Without the workbook the run still writes the same trail.
    again = run_job(units, works, out_dir=tmp_path / "b", write_map=False, grid_m=None,
                    write_workbook=False)  # fmt: skip
    alone = pd.read_csv(tmp_path / "b" / "reductions.csv", encoding="utf-8-sig")
    assert alone.columns.tolist() == trail.columns.tolist()
    assert alone["volume"].tolist() == trail["volume"].tolist()
    assert len(again.reductions) == len(res.reductions)
