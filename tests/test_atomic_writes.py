"""Writers never leave half-written files: write to a temporary file beside the target, then
rename it into place. A failure or an interruption in the middle leaves the previous output
intact and no temporary file behind; writing twice into the same folder just works.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from kotaku_gis.io import atomic_path, write_gpkg


def _listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _points(n: int, value: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"unit_id": [f"RT{k:02d}" for k in range(n)], "value": [value] * n},
        geometry=[shapely.Point(116.1 + k * 1e-3, -8.58) for k in range(n)],
        crs="EPSG:4326",
    )


def _layers(path) -> dict[str, pd.DataFrame]:
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    return {name: gpd.read_file(path, layer=name) for name in names}


# ---------------------------------------------------------------- atomic_path


def test_atomic_path_moves_the_file_into_place(tmp_path):
    target = tmp_path / "summary.csv"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent  # same file system: the rename is atomic
        assert tmp.name.startswith(".") and tmp.suffix == ".csv"
        assert not tmp.exists()  # writers such as GDAL create the file themselves
        tmp.write_text("kota,remaining_ha\nMataram,361.50\n")
        assert not target.exists()  # nothing visible until the block succeeds
    assert target.read_text() == "kota,remaining_ha\nMataram,361.50\n"
    assert _listing(tmp_path) == ["summary.csv"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failure_mid_write_keeps_the_previous_file(tmp_path, error):
    target = tmp_path / "summary.csv"
    target.write_text("previous\n")
    with pytest.raises(error), atomic_path(target) as tmp:
        tmp.write_text("half a ")
        raise error("interrupted")
    assert target.read_text() == "previous\n"
    assert _listing(tmp_path) == ["summary.csv"]


def test_a_failure_before_any_output_leaves_nothing(tmp_path):
    target = tmp_path / "summary.csv"
    with pytest.raises(ValueError), atomic_path(target):
        raise ValueError("bad input")
    assert _listing(tmp_path) == []


def test_missing_folders_are_created(tmp_path):
    target = tmp_path / "out" / "2023" / "report.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("ok")
    assert target.read_text() == "ok"


def test_two_outputs_in_one_folder_get_distinct_temporary_files(tmp_path):
    a, b = tmp_path / "report.txt", tmp_path / "report.csv"
    with atomic_path(a) as tmp_a, atomic_path(b) as tmp_b:
        assert tmp_a != tmp_b
        tmp_a.write_text("a")
        tmp_b.write_text("b")
    assert (a.read_text(), b.read_text()) == ("a", "b")
    assert _listing(tmp_path) == ["report.csv", "report.txt"]


# ---------------------------------------------------------------- write_gpkg


def test_write_gpkg_writes_every_layer_and_nothing_else(tmp_path):
    table = pd.DataFrame({"kota": ["Mataram"], "remaining_ha": [361.5]})
    path = write_gpkg({"remaining": _points(3, 1), "summary": table}, tmp_path / "hasil.gpkg")
    assert path == tmp_path / "hasil.gpkg"
    layers = _layers(path)
    assert sorted(layers) == ["remaining", "summary"]
    assert layers["remaining"]["unit_id"].tolist() == ["RT00", "RT01", "RT02"]
    assert layers["summary"]["remaining_ha"].tolist() == [361.5]
    assert _listing(tmp_path) == ["hasil.gpkg"]  # no -journal, -wal or temporary file


def test_write_gpkg_failing_on_a_later_layer_keeps_the_previous_file(tmp_path):
    path = write_gpkg({"remaining": _points(3, 1)}, tmp_path / "hasil.gpkg")
    before = path.read_bytes()
    # The first layer is written, then the writer fails on a column type GPKG cannot hold.
    bad = pd.DataFrame({"z": np.array([1 + 2j])})
    with pytest.raises(Exception, match="complex"):
        write_gpkg({"remaining": _points(5, 2), "bad": bad}, path)
    assert path.read_bytes() == before
    assert _layers(path)["remaining"]["value"].tolist() == [1, 1, 1]
    assert _listing(tmp_path) == ["hasil.gpkg"]


def test_write_gpkg_interrupted_by_prepare_keeps_the_previous_file(tmp_path):
    path = write_gpkg({"remaining": _points(3, 1)}, tmp_path / "hasil.gpkg")
    before = path.read_bytes()
    calls = []

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        calls.append(len(frame))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return frame

    with pytest.raises(KeyboardInterrupt):
        write_gpkg({"remaining": _points(4, 2), "more": _points(2, 2)}, path, prepare=prepare)
    assert calls == [4, 2]
    assert path.read_bytes() == before
    assert _listing(tmp_path) == ["hasil.gpkg"]


def test_writing_twice_into_the_same_folder_replaces_cleanly(tmp_path):
    path = tmp_path / "hasil.gpkg"
    write_gpkg({"remaining": _points(3, 1), "old_layer": _points(1, 1)}, path)
    write_gpkg({"remaining": _points(2, 2)}, path)
    layers = _layers(path)
    assert sorted(layers) == ["remaining"]  # a fresh file: no stale layer survives
    assert layers["remaining"]["value"].tolist() == [2, 2]
    write_gpkg({"remaining": _points(1, 3)}, tmp_path / "other.gpkg")
    assert _listing(tmp_path) == ["hasil.gpkg", "other.gpkg"]
