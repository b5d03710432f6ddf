"""Report files: the Excel workbook's sheets and totals, the GeoPackage layers, CSV and PNGs.

The small layer is built so that every figure is known by hand: a unit whose four
building criteria (1a, 1c, 7a, 7b) are all 100 % scores 4 x 5 = 20 (kumuh ringan); removing
all of 7a's volume and 4 of 7b's 10 leaves 5 + 5 + 0 + 3 (60 %) = 13 (tidak kumuh).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.reports import summary_by

SHEETS_ID = [
    "Ringkasan Kota",
    "Ringkasan Kelurahan",
    "Skor Unit",
    "Neraca Tahunan",
    "Jejak Pengurangan",
    "Catatan Validasi",
    "Katalog",
    "Kamus Data",
]


def _units() -> gpd.GeoDataFrame:
    full = 10.0
    return gpd.GeoDataFrame(
        {
            "unit_id": ["A", "B", "C"],
            "kota": ["Kota Mataram", "Kota Mataram", "Kota Bima"],
            "kecamatan": ["Ampenan", "Ampenan", "Rasanae Barat"],
            "kelurahan": ["Bintaro", "Banjar", "Dara"],
            "area_ha": [2.5, 1.25, 4.0],
            "buildings": [10, 10, 10],
            "households": [20, 20, 20],
            "road_length_m": [100.0, 100.0, 100.0],
            "drain_length_m": [100.0, 100.0, 100.0],
            # The criteria not named are measured: nothing deficient.
            **{code: [0.0, 0.0, 0.0] for code in kg.get_ruleset().codes},
            "1a": [full, full, 0.0],
            "1c": [full, full, 0.0],
            "7a": [full, full, 0.0],
            "7b": [full, full, 0.0],
        },
        geometry=[
            shapely.box(116.070, -8.580, 116.072, -8.578),
            shapely.box(116.072, -8.580, 116.074, -8.578),
            shapely.box(118.720, -8.460, 118.722, -8.458),
        ],
        crs="EPSG:4326",
    )


def _reductions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "intervention_id": ["W1", "W1"],
            "unit_id": ["A", "A"],
            "criterion": ["7a", "7b"],
            "volume": [10.0, 4.0],
            "year": [2023, 2023],
            "method": ["service_share", "service_share"],
        }
    )


def _works() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "intervention_id": ["W1"],
            "kind": ["Hidran kebakaran"],
            "year": [2023],
            "status": ["selesai"],
            "sumber_dana": ["BPM KOTAKU"],
        },
        geometry=[shapely.Point(116.071, -8.579)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def run() -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = _units()
        base = kg.assess(units)
        red = _reductions()
        after = kg.assess(units, reductions=red)
        ledger = kg.progress(units, red, years=[2022, 2023])
    return {"units": units, "base": base, "after": after, "red": red, "ledger": ledger}


def _sheet_rows(ws) -> tuple[list[str], list[tuple]]:
    """A report sheet's header and data rows: the header is below the title, the notes and a
    blank row."""
    rows = list(ws.iter_rows(values_only=True))
    blank = next(i for i, row in enumerate(rows) if all(v is None for v in row))
    return list(rows[blank + 1]), rows[blank + 2 :]


def test_scores_as_designed(run: dict) -> None:
    assert run["base"]["total_score"].tolist() == [20, 20, 0]
    assert run["after"]["total_score"].tolist() == [13, 20, 0]


def test_excel_report_sheets_and_totals(run: dict, tmp_path) -> None:
    path = kg.write_excel_report(
        tmp_path / "laporan.xlsx", units_assessed=run["after"], baseline=run["base"],
        interventions=kg.read_interventions(_works()), reductions=run["red"],
        ledger=run["ledger"], year=2023, parameters={"input": "units.gpkg"},
    )  # fmt: skip
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS_ID

    head, rows = _sheet_rows(wb["Ringkasan Kota"])
    table = pd.DataFrame(rows, columns=head).set_index("Kota/Kabupaten")
    # Hand figures: A and B (Mataram, 2.5 + 1.25 ha) are slum before; A leaves the list.
    assert table.loc["Kota Mataram", "Luas Kumuh (Ha)"] == 3.75
    assert table.loc["Kota Mataram", "Sisa Luas Kumuh (Ha)"] == 1.25
    assert table.loc["Kota Mataram", "Pengurangan Luas Kumuh (Ha)"] == 2.5
    assert table.loc["Kota Bima", "Luas Kumuh (Ha)"] == 0.0
    assert table.loc["Jumlah", "Jumlah Unit"] == 3
    # The totals equal kg.summarize's, exactly.
    total = kg.summarize(run["base"]).loc["total"]
    total_after = kg.summarize(run["after"]).loc["total"]
    assert table.loc["Jumlah", "Luas Kumuh (Ha)"] == total["slum_ha"]
    assert table.loc["Jumlah", "Luas (Ha)"] == total["area_ha"]
    assert table.loc["Jumlah", "Luas Kumuh Ringan (Ha)"] == total["ha_kumuh_ringan"]
    assert table.loc["Jumlah", "Unit Kumuh"] == total["slum_units"]
    assert table.loc["Jumlah", "Sisa Luas Kumuh (Ha)"] == total_after["slum_ha"]
    by_kota = kg.summarize(run["base"], by="kota")
    for kota in by_kota.index:
        assert table.loc[kota, "Luas Kumuh (Ha)"] == by_kota.loc[kota, "slum_ha"]

    head, rows = _sheet_rows(wb["Ringkasan Kelurahan"])
    kel = pd.DataFrame(rows, columns=head)
    assert kel["Kelurahan"].tolist()[:3] == ["Dara", "Banjar", "Bintaro"]
    assert kel["Luas Kumuh (Ha)"].iloc[-1] == total["slum_ha"]

    head, rows = _sheet_rows(wb["Skor Unit"])
    scores = pd.DataFrame(rows, columns=head).set_index("ID Unit")
    assert scores["Total Skor"].to_dict() == {"A": 20, "B": 20, "C": 0}
    assert scores["Total Skor sesudah"].to_dict() == {"A": 13, "B": 20, "C": 0}
    assert scores.loc["A", "Tingkat Kumuh sesudah"] == "tidak kumuh"
    assert scores.loc["A", "Pengurangan 7b"] == 4.0
    assert scores.loc["A", "% 7a"] == 100.0

    head, rows = _sheet_rows(wb["Neraca Tahunan"])
    ledger = pd.DataFrame(rows, columns=head)
    assert ledger["Tahun"].tolist() == [2022, 2023]
    assert ledger["Luas Kumuh (Ha)"].tolist() == [3.75, 1.25]
    assert ledger["Pengurangan Luas Kumuh (Ha)"].tolist() == [0.0, 2.5]

    head, rows = _sheet_rows(wb["Jejak Pengurangan"])
    audit = pd.DataFrame(rows, columns=head)
    assert len(audit) == 2
    assert audit["ID Kegiatan"].tolist() == ["W1", "W1"]
    assert audit["Volume Pengurangan"].tolist() == [10.0, 4.0]
    assert audit["Kategori"].tolist() == ["Proteksi kebakaran"] * 2
    assert audit["Sumber Dana"].tolist() == ["BPM KOTAKU"] * 2
    assert audit["Unit Keluar Kumuh"].tolist() == [True, True]
    assert audit["Luas (Ha)"].tolist() == [2.5, 2.5]
    assert audit["Nama Kriteria"].iloc[0] == "Ketidaktersediaan prasarana proteksi kebakaran"

    notes = dict(_sheet_rows(wb["Katalog"])[1])
    assert notes["input"] == "units.gpkg"
    assert notes["Tahun penanganan"] == 2023
    assert notes["Luas kumuh sebelum (Ha)"] == 3.75


def test_excel_formatting(run: dict, tmp_path) -> None:
    path = kg.write_excel_report(
        tmp_path / "r.xlsx", units_assessed=run["after"], baseline=run["base"]
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["Ringkasan Kota"]
    # Below the title (year and ruleset), the rounding rule and a blank row: the header.
    assert ws.freeze_panes == "B5"
    assert "Permen PUPR 14/PRT/M/2018" in ws.cell(1, 1).value
    assert "0,01 ha" in ws.cell(2, 1).value
    assert ws.cell(4, 1).font.bold
    head = [c.value for c in ws[4]]
    area = ws.cell(5, head.index("Luas (Ha)") + 1)
    units = ws.cell(5, head.index("Jumlah Unit") + 1)
    assert area.number_format == "#,##0.00"
    assert units.number_format == "#,##0"
    scores = wb["Skor Unit"]
    assert scores.freeze_panes == "B5"
    assert scores.cell(5, 1).number_format == "@"


def test_english_and_errors(run: dict, tmp_path) -> None:
    path = kg.write_excel_report(
        tmp_path / "r.xlsx", units_assessed=run["after"], baseline=run["base"],
        reductions=run["red"], lang="en",
    )  # fmt: skip
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names == [
        "Summary by kota",
        "Summary by kelurahan",
        "Unit scores",
        "Yearly ledger",
        "Reductions audit",
        "Validation notes",
        "Catalogue",
        "Data dictionary",
    ]
    before = path.read_bytes()
    with pytest.raises(kg.InputError, match="lang"):
        kg.write_excel_report(path, units_assessed=run["after"], lang="fr")
    with pytest.raises(kg.InputError, match="assess"):
        kg.write_excel_report(path, units_assessed=_units())
    assert path.read_bytes() == before  # a failed call leaves the previous file intact
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_summary_by_conserves_hectares(run: dict) -> None:
    remaining = pd.DataFrame(
        {"unit_id": ["C", "A", "B"], "covered_ha": [1.0, 2.0, 0.25],
         "remaining_ha": [3.0, 0.5, 1.0]}
    )  # fmt: skip
    table = summary_by(run["base"], after=run["after"], remaining=remaining, by="kota")
    rows = table.set_index("kota")
    assert rows.loc["Kota Mataram", "served_ha"] == 2.25
    assert rows.loc["Kota Bima", "unserved_ha"] == 3.0
    assert rows.loc["total", "served_ha"] + rows.loc["total", "unserved_ha"] == 7.75
    assert rows.loc["total", "area_ha"] == 7.75


def test_gpkg_csv_and_figures(run: dict, tmp_path) -> None:
    works = kg.read_interventions(_works())
    remaining = kg.remaining_area(run["units"], works)
    paths = kg.write_reports(
        tmp_path / "out", units_assessed=run["after"], baseline=run["base"],
        remaining=remaining, interventions=works, reductions=run["red"],
        ledger=run["ledger"], year=2023,
    )  # fmt: skip
    assert [p.name for p in paths] == [
        "kotaku_report.xlsx",
        "kotaku_report.gpkg",
        "units_assessed.csv",
        "data_dictionary.csv",
        "map_levels.png",
        "map_levels_kota_bima.png",
        "map_levels_kota_mataram.png",
        "chart_ledger.png",
    ]
    gpkg = paths[1]
    layers = dict(pyogrio.list_layers(gpkg).tolist())
    assert list(layers) == ["units_assessed", "remaining", "interventions", "reductions",
                            "summary"]  # fmt: skip
    assert layers["units_assessed"] == "Polygon"
    units = gpd.read_file(gpkg, layer="units_assessed")
    assert units["level_before"].tolist() == ["kumuh ringan", "kumuh ringan", "tidak kumuh"]
    assert units["level"].tolist() == ["tidak kumuh", "kumuh ringan", "tidak kumuh"]
    assert len(gpd.read_file(gpkg, layer="reductions")) == 2
    summary = pyogrio.read_dataframe(gpkg, layer="summary")
    assert summary["slum_ha"].iloc[-1] == 3.75
    assert summary["slum_ha_after"].iloc[-1] == 1.25

    csv = pd.read_csv(paths[2], encoding="utf-8-sig")
    assert csv["unit_id"].tolist() == ["A", "B", "C"]
    assert csv["level_after"].tolist() == ["tidak kumuh", "kumuh ringan", "tidak kumuh"]
    # The unit rows count the verified area_ha (2.5, 1.25 and 4 ha typed; the boxes measure
    # about 4.87 ha each), as the summaries do: served + unserved is each unit's area_ha and
    # the rows add up to the summary's total.
    # (Machine files drop float noise beyond 10 decimals.)
    np.testing.assert_allclose(csv["served_ha"] + csv["unserved_ha"], [2.5, 1.25, 4.0],
                               rtol=0, atol=1e-9)  # fmt: skip
    assert csv["served_ha"].sum() == pytest.approx(summary["served_ha"].iloc[-1], rel=1e-12)
    assert csv["unserved_ha"].sum() == pytest.approx(summary["unserved_ha"].iloc[-1], rel=1e-12)
    assert "covered_ha" not in csv.columns
    for png in paths[4:]:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_write_csv_wkt(tmp_path) -> None:
    units = _units()
    path = kg.write_csv(units[["unit_id", "geometry"]], tmp_path / "u.csv", geometry="wkt")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["unit_id"].tolist() == ["A", "B", "C"]
    assert shapely.from_wkt(back["geometry"].iloc[0]).equals(units.geometry.iloc[0])


def test_plots(run: dict) -> None:
    fig = kg.plot_levels(run["after"], before=run["base"], lang="en")
    assert [ax.get_title() for ax in fig.axes] == [
        "Slum level before works",
        "Slum level after works",
    ]
    fig = kg.plot_ledger(run["ledger"])
    heights = [p.get_height() for p in fig.axes[0].patches]
    # kumuh ringan bars: 3.75 ha in 2022 and 1.25 ha in 2023 (no berat or sedang units).
    assert heights[-2:] == [3.75, 1.25]
    with pytest.raises(kg.InputError, match="ledger"):
        kg.plot_ledger(pd.DataFrame({"year": [2023]}))


def test_sample_report_totals(tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = kg.datasets.load_units()
        works = kg.datasets.load_interventions()
        base = kg.assess(units)
        red = kg.allocate(units, works, year=2023)
        after = kg.assess(units, reductions=red, year=2023)
    path = kg.write_excel_report(
        tmp_path / "ntb.xlsx", units_assessed=after, baseline=base, interventions=works,
        reductions=red, year=2023,
    )  # fmt: skip
    wb = openpyxl.load_workbook(path, read_only=True)
    head, rows = _sheet_rows(wb["Ringkasan Kota"])
    table = pd.DataFrame(rows, columns=head)
    total = table.iloc[-1]
    assert total["Provinsi"] == "Jumlah"
    table = table.iloc[:-1].set_index("Kota/Kabupaten")
    by_kota = kg.summarize(base, by="kota")
    # Rounded to 0.01 ha for people; totals computed before rounding.
    shown = table.loc[by_kota.index, "Luas Kumuh (Ha)"]
    assert shown.tolist() == by_kota["slum_ha"].round(2).tolist()
    assert total["Luas Kumuh (Ha)"] == round(kg.summarize(base).loc["total", "slum_ha"], 2)
    assert total["Sisa Luas Kumuh (Ha)"] == round(kg.summarize(after).loc["total", "slum_ha"], 2)
    audit_rows = len(_sheet_rows(wb["Jejak Pengurangan"])[1])
    assert audit_rows == len(red)

    # Independently of the library: add up the per-unit sheet's rows with plain pandas. The
    # sheets show hectares rounded to 0.01 ha and compute totals before rounding (as they
    # say): n rows add up to within n x 0.005 ha of the total.
    head, rows = _sheet_rows(wb["Skor Unit"])
    per_unit = pd.DataFrame(rows, columns=head)
    assert len(per_unit) == len(units)
    assert (per_unit["Luas (Ha)"] == per_unit["Luas (Ha)"].round(2)).all()

    def near(shown: float, rows: pd.Series) -> bool:
        return abs(shown - rows.sum()) <= 0.005 * len(rows) + 1e-9

    states = (("", "Tingkat Kumuh", "Luas Kumuh (Ha)"),
              (" sesudah", "Tingkat Kumuh sesudah", "Sisa Luas Kumuh (Ha)"))  # fmt: skip
    for when, level, slum_ha in states:
        slum = per_unit[per_unit[level] != "tidak kumuh"]
        shown = table[slum_ha]
        for kota, rows_of in slum.groupby("Kota/Kabupaten")["Luas (Ha)"]:
            assert near(shown[kota], rows_of), kota
        assert (shown[~shown.index.isin(slum["Kota/Kabupaten"])] == 0).all()
        assert near(total[slum_ha], slum["Luas (Ha)"])
        for lvl in ("kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh"):
            rows_of = per_unit.loc[per_unit[level] == lvl, "Luas (Ha)"]
            assert near(total[f"Luas {lvl.title()} (Ha){when}"], rows_of)
    assert total["Jumlah Unit"] == len(per_unit)
    assert near(total["Luas (Ha)"], per_unit["Luas (Ha)"])
    assert total["Luas (Ha)"] == round(units["area_ha"].sum(), 2)


def test_served_hectares_follow_the_verified_area():
    """Two 200 m squares (4 ha of geometry) whose verified area_ha is 5: a drain corridor
    40 m wide crosses both and serves a fifth of each. Summaries count the verified hectares,
    so the served share of the geometry is applied to them and served + unserved adds up to
    area_ha."""
    local = "+proj=laea +lat_0=-8.58 +lon_0=116.1 +x_0=1000 +y_0=1000 +ellps=WGS84 +units=m"
    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "kota": "Kota Mataram", "area_ha": [5.0, 5.0],
         "level": ["kumuh ringan", "kumuh sedang"]},
        geometry=[shapely.box(0, 0, 200, 200), shapely.box(200, 0, 400, 200)],
        crs=local,
    )  # fmt: skip
    drain = gpd.GeoDataFrame(
        {"kind": ["drainase"], "status": ["selesai"], "year": [2022], "radius_m": [20.0]},
        geometry=[shapely.LineString([(-50, 100), (450, 100)])],
        crs=local,
    )
    rem = kg.remaining_area(units, drain)
    table = summary_by(units, remaining=rem, by="kota", total=None)
    row = table.iloc[0]
    assert row["area_ha"] == 10.0
    assert row["served_ha"] + row["unserved_ha"] == pytest.approx(10.0, abs=1e-12)
    shares = rem["covered_ha"] / rem["area_ha"]
    np.testing.assert_allclose(shares, [0.2, 0.2], rtol=1e-5)
    assert row["served_ha"] == pytest.approx(shares.sum() * 5.0, rel=1e-12)  # not 0.2 * 4 ha


def _hand_remaining(ids: list) -> pd.DataFrame:
    """Served shares 1/4, 1/2 and 0 of each unit's geometry (hectares of geometry, not of
    the verified area): A 1 of 4 ha, B 2 of 4 ha, C none of 4.87 ha."""
    return pd.DataFrame(
        {"unit_id": ids, "covered_ha": [1.0, 2.0, 0.0], "remaining_ha": [3.0, 2.0, 4.87]}
    )


def _scores_sheet(path) -> pd.DataFrame:
    head, rows = _sheet_rows(openpyxl.load_workbook(path)["Skor Unit"])
    return pd.DataFrame(rows, columns=head)


def test_unit_rows_count_the_verified_area(run: dict, tmp_path) -> None:
    """The shares apply to the verified 2.5, 1.25 and 4 ha: A 0.625 + 1.875, B 0.625 +
    0.625, C 0 + 4; the unit rows add up to the summary totals 1.25 and 6.5."""
    remaining = _hand_remaining(["A", "B", "C"])
    paths = kg.write_reports(
        tmp_path, units_assessed=run["after"], baseline=run["base"], remaining=remaining,
        figures=False,
    )  # fmt: skip
    # The sheet rounds each figure to 0.01 ha (half up) and totals before rounding.
    scores = _scores_sheet(paths[0])
    assert scores["Luas Terlayani (Ha)"].tolist() == [0.63, 0.63, 0.0]
    assert scores["Luas Belum Terlayani (Ha)"].tolist() == [1.88, 0.63, 4.0]
    head, rows = _sheet_rows(openpyxl.load_workbook(paths[0])["Ringkasan Kota"])
    total = pd.DataFrame(rows, columns=head).iloc[-1]
    assert total["Luas Terlayani (Ha)"] == 1.25  # 0.625 + 0.625, not 0.63 + 0.63
    assert total["Luas Belum Terlayani (Ha)"] == 6.5
    csv = pd.read_csv(paths[2], encoding="utf-8-sig")
    assert csv["served_ha"].tolist() == [0.625, 0.625, 0.0]
    assert csv["unserved_ha"].tolist() == [1.875, 0.625, 4.0]


@pytest.mark.parametrize(
    "remaining_ids",
    [[101, 102, 103], ["101", "102", "103"], [101.0, 102.0, 103.0]],
    ids=["int", "text", "float"],
)
def test_integer_unit_ids_match_as_text(remaining_ids: list, tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = _units().assign(unit_id=[101, 102, 103])
        base = kg.assess(units)
    path = kg.write_excel_report(
        tmp_path / "r.xlsx", units_assessed=base, remaining=_hand_remaining(remaining_ids)
    )
    scores = _scores_sheet(path)
    assert scores["ID Unit"].tolist() == [101, 102, 103]
    assert scores["Luas Terlayani (Ha)"].tolist() == [0.63, 0.63, 0.0]
    assert scores["Luas Belum Terlayani (Ha)"].tolist() == [1.88, 0.63, 4.0]
    table = summary_by(base, remaining=_hand_remaining(remaining_ids), by="kota")
    assert table["served_ha"].tolist() == [0.0, 1.25, 1.25]  # Bima, Mataram, total


def test_untraced_reductions_are_noted(run: dict, tmp_path) -> None:
    red = pd.concat(
        [run["red"], pd.DataFrame({"intervention_id": ["ZZ"], "unit_id": ["B"],
                                   "criterion": ["7b"], "volume": [2.0], "year": [2023],
                                   "method": ["table"]})],
        ignore_index=True,
    )  # fmt: skip
    path = kg.write_excel_report(
        tmp_path / "r.xlsx", units_assessed=kg.assess(_units(), reductions=red),
        baseline=run["base"], interventions=kg.read_interventions(_works()), reductions=red,
    )  # fmt: skip
    wb = openpyxl.load_workbook(path)
    head, rows = _sheet_rows(wb["Jejak Pengurangan"])
    audit = pd.DataFrame(rows, columns=head)
    assert audit["ID Kegiatan"].tolist() == ["W1", "W1", "ZZ"]
    assert audit["Terlacak ke Kegiatan"].tolist() == [True, True, False]
    head, rows = _sheet_rows(wb["Catatan Validasi"])
    notes = pd.DataFrame(rows, columns=head)
    untraced = notes[notes["Kode Pemeriksaan"] == "untraced_reduction"]
    assert untraced["Pemeriksaan"].tolist() == ["Pengurangan tidak terlacak"]
    assert untraced["Sumber"].tolist() == ["Jejak pengurangan"]
    assert untraced["Baris"].tolist() == ["2"]  # the row of the reductions table
    assert untraced["Tingkat"].tolist() == ["peringatan"]
    message = untraced["Pesan"].iloc[0]
    assert "'ZZ'" in message and "unit B" in message and "tidak cocok" in message


def test_units_without_level_are_shown_and_noted(run: dict, tmp_path) -> None:
    """C (Kota Bima, 4 ha) has no level: it counts in units and area under 'not assessed',
    so the level columns still add up to the units and hectares."""
    base = run["base"].copy()
    after = run["after"].copy()
    for frame in (base, after):
        frame.loc[frame["unit_id"] == "C", "level"] = np.nan
    table = summary_by(base, after=after, by="kota").set_index("kota")
    assert table.loc["Kota Bima", "units_not_assessed"] == 1
    assert table.loc["Kota Bima", "ha_not_assessed"] == 4.0
    assert table.loc["Kota Mataram", "units_not_assessed"] == 0
    assert table.loc["total", "units_not_assessed_after"] == 1
    assert table.loc["total", "ha_not_assessed_after"] == 4.0
    for suffix in ("", "_after"):
        units = [f"units_{s}{suffix}" for s in ("kumuh_berat", "kumuh_sedang", "kumuh_ringan",
                                                "tidak_kumuh", "not_assessed")]  # fmt: skip
        assert (table[units].sum(axis=1) == table["units"]).all()
        assert table[[u.replace("units_", "ha_", 1) for u in units]].sum(axis=1).tolist() == [
            4.0, 3.75, 7.75,
        ]  # fmt: skip
    path = kg.write_excel_report(tmp_path / "r.xlsx", units_assessed=after, baseline=base)
    wb = openpyxl.load_workbook(path)
    head, rows = _sheet_rows(wb["Ringkasan Kota"])
    sheet = pd.DataFrame(rows, columns=head).set_index("Kota/Kabupaten")
    assert sheet.loc["Kota Bima", "Unit Belum Dinilai"] == 1
    assert sheet.loc["Jumlah", "Luas Belum Dinilai (Ha)"] == 4.0
    assert sheet.loc["Jumlah", "Luas Belum Dinilai (Ha) sesudah"] == 4.0
    head, rows = _sheet_rows(wb["Catatan Validasi"])
    notes = pd.DataFrame(rows, columns=head)
    missing = notes[notes["Kode Pemeriksaan"] == "level_missing"]
    assert missing["Sumber"].tolist() == ["Tingkat kumuh"] * 2  # before and after works
    assert missing["Baris"].tolist() == ["2", "2"]
    message = missing["Pesan"].iloc[0]
    assert "unit C" in message and "4 ha" in message and "sebelum penanganan" in message


def test_english_workbook_translates_levels_and_criteria(run: dict, tmp_path) -> None:
    path = kg.write_excel_report(
        tmp_path / "r.xlsx", units_assessed=run["after"], baseline=run["base"],
        reductions=run["red"], lang="en",
    )  # fmt: skip
    wb = openpyxl.load_workbook(path)
    head, rows = _sheet_rows(wb["Unit scores"])
    scores = pd.DataFrame(rows, columns=head)
    assert scores["Slum level"].tolist() == ["light slum", "light slum", "not slum"]
    assert scores["Slum level after"].tolist() == ["not slum", "light slum", "not slum"]
    head, rows = _sheet_rows(wb["Reductions audit"])
    audit = pd.DataFrame(rows, columns=head)
    assert audit["Criterion name"].tolist() == [
        "No fire-protection infrastructure",
        "No fire-fighting equipment",
    ]
    assert audit["Slum level before"].tolist() == ["light slum"] * 2
    assert audit["Slum level after"].tolist() == ["not slum"] * 2
    notes = dict(_sheet_rows(wb["Catalogue"])[1])
    assert notes["Levels (total score)"] == (
        "severe slum ≥ 60, moderate slum ≥ 38, light slum ≥ 16"
    )
    # The data keep the regulation's labels.
    assert run["after"]["level"].astype("string").tolist() == [
        "tidak kumuh", "kumuh ringan", "tidak kumuh",
    ]  # fmt: skip
