"""The main job: options checked first, whole output sets, flows reconciled against stocks."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.pipeline import run_job
from kotaku_gis.schema import CRITERIA_2018, CRITERION_DENOMINATOR


def _city(volume: float = 0.0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Three 1 ha-ish RT side by side with every criterion at ``volume`` of its denominator."""
    boxes = [shapely.box(116.10 + i * 0.001, -8.58, 116.101 + i * 0.001, -8.579) for i in range(3)]
    units = gpd.GeoDataFrame(
        {"unit_id": ["RT01", "RT02", "RT03"], "kelurahan": "Bintaro", "kota": "Kota Mataram",
         "buildings": 50.0, "households": 60.0, "road_length_m": 300.0, "drain_length_m": 300.0},
        geometry=boxes, crs=4326,
    )  # fmt: skip
    units["area_ha"] = kg.area_ha(units)
    for code in CRITERIA_2018:
        denom = CRITERION_DENOMINATOR[code]
        units[code] = units[denom] * volume
    works = gpd.GeoDataFrame(
        {"intervention_id": ["W1"], "kind": ["hidran umum"], "year": [2022],
         "status": ["selesai"]},
        geometry=[shapely.Point(116.1005, -8.5795)], crs=4326,
    )  # fmt: skip
    return units, works


def test_a_city_without_slum_runs_and_writes_no_grid(tmp_path):
    units, works = _city(0.0)
    res = run_job(units, works, out_dir=tmp_path, write_map=False, write_workbook=False)
    assert res.headline()["baseline_slum_ha"] == 0.0
    manifest = json.loads((tmp_path / "run.json").read_text())
    assert "grid privasi tidak ditulis" in manifest["notes"][0]  # in the run's language
    assert not (tmp_path / "grid.tif").exists()


def test_bad_options_fail_before_any_output_changes(tmp_path):
    units, works = _city(0.9)
    run_job(units, works, out_dir=tmp_path, write_map=False, write_workbook=False)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(kg.InputError, match="positive number of metres"):
        run_job(units, works, out_dir=tmp_path, grid_m=-5)
    with pytest.raises(kg.InputError, match="year"):
        run_job(units, works, out_dir=tmp_path, year="2022")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_second_run_replaces_the_whole_set(tmp_path):
    units, works = _city(0.9)
    first = run_job(units, works, out_dir=tmp_path, write_workbook=False)
    assert (tmp_path / "map.html").exists() and (tmp_path / "grid.tif").exists()
    second = run_job(units, works, out_dir=tmp_path, write_map=False, write_workbook=False,
                     grid_m=None)  # fmt: skip
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {p.name for p in second.outputs}
    assert "map.html" not in names and "grid.tif" not in names  # stale outputs of run 1 gone
    assert {p.name for p in first.outputs} > names
    assert not [n for n in names if n.startswith(".")]  # no staging folder left


def test_units_with_errors_stop_the_run_unless_told_to_go_on(tmp_path):
    units, works = _city(0.9)
    units.loc[2, "geometry"] = shapely.box(116.1015, -8.58, 116.1025, -8.579)  # over RT02
    with pytest.warns(UserWarning), pytest.raises(kg.InputError, match="overlaps unit"):
        run_job(units, works)
    with pytest.warns(UserWarning):
        res = run_job(units, works, strict=False)
    assert len(res.remaining) == 3
    assert "overlap" in res.reports["units"].checks()
    units.loc[2, "unit_id"] = "RT01"  # repeated ids stop the run even when told to go on
    with pytest.warns(UserWarning), pytest.raises(kg.InputError, match="appears 2 times"):
        run_job(units, works, strict=False)


def test_empty_layers_and_a_file_as_output_folder_are_input_errors(tmp_path):
    units, works = _city(0.9)
    with pytest.raises(kg.InputError, match="no rows"):
        run_job(units.iloc[0:0], works)
    with pytest.raises(kg.InputError, match="no rows"):
        run_job(units, works.iloc[0:0])
    afile = tmp_path / "out.txt"
    afile.write_text("x")
    with pytest.raises(kg.InputError, match="is a file"):
        run_job(units, works, out_dir=afile)


def test_flows_reconcile_with_stocks_on_the_sample():
    sample = kg.datasets.get_path("ntb_sample")
    res = run_job(sample, sample, year=2023)
    rec = res.reconciliation
    assert rec.balanced
    assert rec.baseline_ha == pytest.approx(kg.summarize(res.baseline)["slum_ha"].iloc[0])
    assert rec.remaining_ha == pytest.approx(kg.summarize(res.after)["slum_ha"].iloc[0])
    yearly = res.ledger["ha_left"] - res.ledger["ha_entered"]
    assert rec.reduced_ha == pytest.approx(yearly.sum())
    assert isinstance(res.summary, pd.DataFrame) and len(res.summary) > 1
