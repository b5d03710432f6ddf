"""Works left out are said out loud; include_planned is a what-if that every output names."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

import kotaku_gis as kg
from kotaku_gis.cli import app
from kotaku_gis.labels import phrase
from kotaku_gis.pipeline import run_job

#: What a run's outputs say of a what-if, in the outputs' language (Indonesian by default).
WHAT_IF_NOTE = phrase("run", "what_if", "id")

CRS = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +x_0=500 +y_0=500 +ellps=WGS84 +units=m"


def _unit() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"unit_id": ["A"], "households": [100.0], "buildings": [80.0]},
        geometry=[shapely.box(0, 0, 100, 100)],
        crs=CRS,
    )


def _ponds(statuses: list[str], years: list[float | None]) -> gpd.GeoDataFrame:
    """Retention ponds (radius 0) each over the west half of the unit."""
    return gpd.GeoDataFrame(
        {
            "intervention_id": [f"K{i}" for i in range(len(statuses))],
            "kind": "kolam retensi",
            "status": statuses,
            "year": years,
            "radius_m": 0.0,
        },
        geometry=[shapely.box(0, 0, 50, 100)] * len(statuses),
        crs=CRS,
    )


def _left_out(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return [
        (i.severity, i.message.split(":")[1].strip())
        for i in frame.attrs["report"]
        if i.check == "works_left_out"
    ]


WORKS = _ponds(
    ["selesai", "selesai", "rencana", "Proses", "batal", "??", "selesai"],
    [2021, 2024, 2021, 2022, 2021, 2021, None],
)
EXPECTED = [
    ("info", "planned (status 'rencana')"),
    ("info", "still in progress (status 'Proses')"),
    ("info", "cancelled (status 'batal')"),
    ("warning", "of unrecognised or blank status ('??')"),
    ("info", "dated after 2023"),
    ("warning", "without a year, so not placed by 2023"),
]


@pytest.mark.parametrize("how", ["allocate", "coverage", "remaining_area"])
def test_every_work_left_out_is_counted_by_reason(how):
    unit = _unit()
    if how == "allocate":
        out = kg.allocate(unit, WORKS, year=2023)
        assert set(out["intervention_id"]) == {"K0"}
    else:
        out = getattr(kg, how)(unit, WORKS, year=2023)
    assert _left_out(out) == EXPECTED
    assert out.attrs["what_if"] is False
    messages = [i.message for i in out.attrs["report"] if i.check == "works_left_out"]
    assert messages[0].startswith("1 work(s) left out: planned (status 'rencana'): K2.")
    assert "include_planned=True" in messages[0]


def test_188_planned_works_are_not_a_report_of_zero_entries():
    works = _ponds(["rencana"] * 188, [2023] * 188)
    rem = kg.remaining_area(_unit(), works, year=2023)
    assert float(rem["covered_ha"].iloc[0]) == 0.0
    (issue,) = [i for i in rem.attrs["report"] if i.check == "works_left_out"]
    assert issue.message.startswith("188 work(s) left out: planned (status 'rencana'): K0, K1")
    assert "(183 more)" in issue.message


def test_include_planned_counts_planned_and_in_progress_works_not_cancelled_ones():
    # Each pond is the unit's west half: 0.5 ha of its 1 ha (to the LAEA frames' 1e-6).
    unit = _unit()
    done_none = _ponds(["rencana", "proses", "batal"], [2021, 2022, 2021])
    for fn in (kg.coverage, kg.remaining_area):
        plain = fn(unit, done_none, year=2023)
        what_if = fn(unit, done_none, year=2023, include_planned=True)
        assert float(plain["covered_ha"].iloc[0]) == 0.0
        assert float(what_if["covered_ha"].iloc[0]) == pytest.approx(0.5, rel=1e-6)
        assert what_if.attrs["what_if"] is True
        checks = [(i.check, i.message[:40]) for i in what_if.attrs["report"]]
        assert ("what_if", "what-if: 2 planned or in-progress work(s") in checks
        assert ("works_left_out", "1 work(s) left out: cancelled (status 'b") in checks
    red = kg.allocate(unit, done_none, year=2023, include_planned=True)
    assert set(red["intervention_id"]) == {"K0", "K1"}
    assert red.attrs["what_if"] is True
    # the second pond lies on the first: 0.5 ha once, claimed by the earlier one
    assert red.groupby("intervention_id")["volume"].sum().to_dict() == {
        "K0": pytest.approx(0.5, rel=1e-6),
        "K1": 0.0,
    }


def test_progress_carries_the_works_left_out_and_the_what_if():
    unit = _unit().assign(area_ha=1.0, road_length_m=100.0, drain_length_m=100.0)
    for code in kg.get_ruleset("permen-14-2018").codes:
        unit[code] = 0.0
    unit["4a"] = 0.8
    works = _ponds(["selesai", "rencana"], [2021, 2022])
    red = kg.allocate(unit, works)
    led = kg.progress(unit, red, years=[2022])
    assert led.attrs["what_if"] is False
    assert "works_left_out" in led.attrs["report"].checks()
    mismatch = kg.progress(unit, red, years=[2022], include_planned=True)
    assert any(i.check == "what_if" and i.severity == "warning" for i in mismatch.attrs["report"])
    what_if = kg.progress(unit, kg.allocate(unit, works, include_planned=True), years=[2022])
    assert what_if.attrs["what_if"] is True


def _city() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """One RT with 1a, 1c, 7a at 100 % and 4a at 90 %; a planned pond over all of it."""
    box = shapely.box(116.100, -8.580, 116.101, -8.579)
    units = gpd.GeoDataFrame(
        {"unit_id": ["RT01"], "kelurahan": "Bintaro", "kota": "Kota Mataram",
         "buildings": 50.0, "households": 60.0, "road_length_m": 300.0,
         "drain_length_m": 300.0},
        geometry=[box], crs=4326,
    )  # fmt: skip
    units["area_ha"] = kg.area_ha(units)
    for code in kg.get_ruleset("permen-14-2018").codes:
        units[code] = 0.0
    units[["1a", "1c", "7a"]] = 50.0  # 15 points, and 5 for 4a: 20, kumuh ringan
    units["4a"] = units["area_ha"] * 0.9
    works = gpd.GeoDataFrame(
        {"intervention_id": ["K1", "K2"], "kind": ["kolam retensi", "jalan"],
         "year": [2023, 2023], "status": ["rencana", "selesai"], "radius_m": [0.0, 0.0]},
        geometry=[box, shapely.Point(116.1005, -8.5795)], crs=4326,
    )  # fmt: skip
    return units, works


def test_the_job_says_it_is_a_what_if_in_everything_it_writes(tmp_path):
    units, works = _city()
    plain = run_job(units, works, out_dir=tmp_path / "plain", write_map=False,
                    write_workbook=False)  # fmt: skip
    assert plain.what_if is False
    manifest = json.loads((tmp_path / "plain" / "run.json").read_text())
    assert manifest["what_if"] is False and WHAT_IF_NOTE not in manifest["notes"]
    res = run_job(units, works, out_dir=tmp_path / "what_if", include_planned=True,
                  write_map=False)  # fmt: skip
    assert res.what_if is True
    assert res.reductions.attrs["what_if"] and res.remaining.attrs["what_if"]
    assert res.ledger.attrs["what_if"]
    manifest = json.loads((tmp_path / "what_if" / "run.json").read_text())
    assert manifest["what_if"] is True and manifest["notes"][0] == WHAT_IF_NOTE
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "what_if" / "kotaku_report.xlsx", read_only=True)
    notes = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert WHAT_IF_NOTE in notes
    # the planned pond takes 4a from 90 % to 0 (20 points to 15, tidak kumuh): the RT leaves
    # the list in the what-if, not in fact
    assert plain.headline()["reduced_ha"] == 0.0
    assert res.headline()["reduced_ha"] == pytest.approx(res.headline()["baseline_slum_ha"])


def test_the_command_takes_include_planned_and_says_so(tmp_path):
    units, works = _city()
    units.to_file(tmp_path / "units.gpkg", layer="units")
    works.to_file(tmp_path / "works.gpkg", layer="works")
    result = CliRunner().invoke(
        app,
        ["run", "--units", str(tmp_path / "units.gpkg"), "--interventions",
         str(tmp_path / "works.gpkg"), "--out", str(tmp_path / "out"), "--grid-m", "0",
         "--include-planned", "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "WHAT-IF" in result.output
    assert json.loads((tmp_path / "out" / "run.json").read_text())["what_if"] is True
