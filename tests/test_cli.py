"""The kotaku-gis command: demo, run, validate; clear errors, no tracebacks, safe re-runs."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

import kotaku_gis as kg
from kotaku_gis.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_demo_writes_every_output(demo_out):
    out, text = demo_out
    for name in ("remaining.gpkg", "summary_kelurahan.csv", "summary_kota.csv", "ledger.csv",
                 "map.html"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    assert "Reconciliation: balanced" in " ".join(text.split())


def test_demo_outputs_conserve_hectares(demo_out):
    out, _ = demo_out
    remaining = gpd.read_file(out / "remaining.gpkg", layer="remaining")
    # Both hectare figures, each adding up: the area used in all figures and the geometry's.
    pairs = (("area_ha", "served_ha", "unserved_ha"),
             ("area_ha_geom", "served_ha_geom", "unserved_ha_geom"))  # fmt: skip
    for area, served, unserved in pairs:
        total = remaining[served] + remaining[unserved]
        pd.testing.assert_series_equal(total, remaining[area], check_names=False, rtol=1e-9)
    assert "covered_ha" not in remaining.columns and "remaining_ha" not in remaining.columns
    kota = pd.read_csv(out / "summary_kota.csv")
    # the summaries count verified hectares: served + unserved is each kota's area_ha
    pd.testing.assert_series_equal(
        kota["served_ha"] + kota["unserved_ha"], kota["area_ha"], check_names=False, atol=1e-3
    )
    assert kota["area_ha"].sum() == pytest.approx(kg.datasets.load_units()["area_ha"].sum())
    units = kg.datasets.load_units()
    assert len(remaining) == len(units)  # one row per unit, none lost


def test_console_shows_findings_by_check_and_the_full_list_in_validation_csv(demo_out):
    out, text = demo_out
    lines = text.splitlines()
    # The year used, when none was given, is said.
    assert "Year 2023: the latest year among the works (choose another with --year)." in lines
    # Each warning counted by check, with its first rows; the sample's two units whose
    # verified area differs from the polygon by more than 5 %, and six works outside units.
    assert "    warning area_mismatch ×2" in lines
    first = lines.index("    warning area_mismatch ×2") + 1
    assert lines[first].startswith("      row 269 [area_ha]: verified area_ha 1.31 differs")
    assert lines[first + 1].startswith("      row 300 [area_ha]: verified area_ha 2.39 differs")
    assert "    warning outside_units ×6" in lines
    shown = lines.index("    warning outside_units ×6")
    assert [line[:10] for line in lines[shown + 1 : shown + 5]] == ["      row "] * 3 + [
        "      … an"
    ]
    assert "      … and 3 more" in lines
    full = pd.read_csv(out / "validation.csv", encoding="utf-8-sig", dtype={"row": str})
    assert f"The full list, notes too: {out / 'validation.csv'}" in lines
    counts = full.groupby(["report", "severity"]).size().to_dict()
    assert counts[("units", "warning")] == 2 and counts[("overlay", "warning")] == 6
    assert full.query("check == 'area_mismatch'")["row"].tolist() == ["269", "300"]
    # Every entry of every report is in the file, warnings before notes.
    summaries = {
        line.split(":")[0].strip().split(" ")[0]: line
        for line in lines
        if re.match(r"  \w+( \(.*\))?: \d+ error", line)
    }
    assert set(summaries) == {"units", "interventions", "scoring", "allocation", "overlay"}
    for name, line in summaries.items():
        numbers = [int(n) for n in re.findall(r"(\d+) (?:error|warning|note)", line)]
        assert sum(numbers) == int((full["report"] == name).sum()), line
    assert full["severity"].map({"error": 0, "warning": 1, "info": 2}).is_monotonic_increasing


def test_long_output_paths_are_printed_whole(demo_out):
    out, text = demo_out
    name = "map_levels_kabupaten_lombok_tengah.png"
    assert len(f"wrote {out / name}") > 80
    assert f"wrote {out / name}" in text.splitlines()


def test_running_twice_into_the_same_folder_is_safe(demo_out):
    out, _ = demo_out
    before = sorted(p.name for p in out.iterdir())
    result = runner.invoke(app, ["demo", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == before  # no temporary files left


def test_run_on_files_with_a_year(tmp_path):
    sample = kg.datasets.get_path("ntb_sample")
    out = tmp_path / "hasil"
    result = runner.invoke(
        app,
        ["run", "--units", str(sample), "--interventions", str(sample), "--year", "2021",
         "--out", str(out), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ledger = pd.read_csv(out / "ledger.csv")
    assert ledger["year"].tolist() == [2020, 2021]


def test_bad_input_gives_a_message_and_non_zero_exit_without_traceback(tmp_path):
    missing = tmp_path / "nothing.gpkg"
    result = runner.invoke(
        app, ["run", "--units", str(missing), "--interventions", str(missing), "--out",
              str(tmp_path / "o")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


def test_validate_prints_the_report_and_exits_one_on_errors(tmp_path):
    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "A"]},
        geometry=[
            shapely.box(116.1, -8.58, 116.101, -8.579),
            shapely.box(116.2, -8.58, 116.201, -8.579),
        ],
        crs=4326,
    )
    path = tmp_path / "dup.gpkg"
    units.to_file(path)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "duplicate_id" in result.output
    # Unique ids and no criterion at all (a layer for the overlay alone): one note.
    plain = tmp_path / "plain.gpkg"
    units.assign(unit_id=["A", "B"]).to_file(plain)
    result = runner.invoke(app, ["validate", str(plain)])
    assert result.exit_code == 0 and "criterion_missing" in result.output
    # Criteria under a name that is not recognised: the units cannot be assessed, an error.
    misnamed = tmp_path / "misnamed.gpkg"
    units.assign(unit_id=["A", "B"], households=[40, 50], **{"3.a": [4, 5]}).to_file(misnamed)
    result = runner.invoke(app, ["validate", str(misnamed)])
    assert result.exit_code == 1 and "criterion_missing" in result.output
    # With a published level the units stand on it: warnings only.
    good = tmp_path / "good.gpkg"
    units.assign(unit_id=["A", "B"], level=["Berat", "KUMUH RINGAN"]).to_file(good)
    assert runner.invoke(app, ["validate", str(good)]).exit_code == 0


def test_flood_raster_sets_4a_and_the_grid_conserves_slum_hectares(tmp_path):
    sample = kg.datasets.get_path("ntb_sample")
    flood = kg.datasets.get_path("mataram_flood_depth")
    out = tmp_path / "banjir"
    result = runner.invoke(
        app,
        ["run", "--units", sample, "--interventions", sample, "--flood", flood,
         "--flood-threshold", "0.5", "--out", str(out), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    grid = gpd.read_file(out / "grid.gpkg", layer="grid")
    kota = pd.read_csv(out / "summary_kota.csv")
    assert grid["slum_ha"].sum() == pytest.approx(kota["slum_ha_after"].sum(), rel=1e-9)
    assert (out / "grid.tif").stat().st_size > 0


def test_reconcile_shows_the_unexplained_gap():
    result = runner.invoke(app, ["reconcile", "575.47", "108.38", "361.5"])
    assert result.exit_code == 1
    assert "-105.59" in result.output and "NOT balanced" in result.output
    ok = runner.invoke(app, ["reconcile", "575.47", "108.38", "467.09"])
    assert ok.exit_code == 0 and "balanced" in ok.output


def test_units_with_errors_stop_run_unless_keep_going(tmp_path):
    units = kg.datasets.load_units()
    units.loc[units.index[1], "geometry"] = units.geometry.iloc[0]  # row 1 now overlaps row 0
    path = tmp_path / "units.gpkg"
    units.drop(columns=["area_ha_geom"]).to_file(path, layer="units")
    works = kg.datasets.get_path("ntb_sample")
    args = ["run", "--units", str(path), "--interventions", works, "--out", str(tmp_path / "o"),
            "--quiet", "--grid-m", "0"]  # fmt: skip
    stopped = runner.invoke(app, args)
    assert stopped.exit_code == 2
    assert "overlaps unit" in stopped.output and "--keep-going" in stopped.output
    assert not (tmp_path / "o").exists()
    went_on = runner.invoke(app, [*args, "--keep-going"])
    assert went_on.exit_code == 0, went_on.output
    assert (tmp_path / "o" / "remaining.gpkg").exists()
