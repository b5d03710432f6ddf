"""Coverage and remaining area on a local dask cluster equal the single-machine answer."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from benchmarks.synthetic import make_layers

dask_geopandas = pytest.importorskip("dask_geopandas")
distributed = pytest.importorskip("distributed")

from kotaku_gis.distributed import partition_units  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def layers():
    # two towns in different equal-area frames; a few units without geometry
    units, works = make_layers(n_units=300, n_works=700, n_cities=2, seed=11)
    units.index = pd.RangeIndex(1000, 1000 + len(units))  # an index that is not positions
    units.loc[[1003, 1150], "geometry"] = None
    return units, works


def test_remaining_area_on_partitions_equals_one_machine(client, layers):
    units, works = layers
    local = kg.remaining_area(units, works)
    lazy = kg.remaining_area(partition_units(units, npartitions=7), works)
    assert isinstance(lazy, dask_geopandas.GeoDataFrame)
    spread = lazy.compute().loc[local.index]
    assert list(spread.columns) == list(local.columns)
    assert spread.crs == local.crs
    for col in ("area_ha", "covered_ha", "remaining_ha"):
        np.testing.assert_allclose(spread[col], local[col], rtol=0, atol=1e-9, equal_nan=True)
    assert spread.loc[[1003, 1150], "area_ha"].isna().all()
    assert local["covered_ha"].sum() > 0.5 * local["area_ha"].sum()  # the works do overlap
    present = ~local.geometry.isna()
    same = shapely.equals_exact(
        np.asarray(spread.geometry[present].array), np.asarray(local.geometry[present].array), 0
    )
    assert same.all()


def test_coverage_on_partitions_equals_one_machine_per_kind(client, layers):
    units, works = layers
    local = kg.coverage(units, works, year=2021)
    spread = kg.coverage(partition_units(units, npartitions=5), works, year=2021).compute()
    spread = spread.loc[local.index]
    assert list(spread.columns) == list(local.columns)
    assert "covered_ha_jalan" in local.columns
    numeric = [c for c in local.columns if c != "unit_id"]
    np.testing.assert_allclose(
        spread[numeric].to_numpy(float), local[numeric].to_numpy(float), rtol=0, atol=1e-9
    )


def test_spatial_shuffle_and_works_as_a_dask_frame_give_the_same_hectares(client, layers):
    units, works = layers
    units = units[~units.geometry.isna()]
    works = works.copy()
    works.loc[[0, 1], "status"] = "Selesai"
    works.loc[0, "kind"] = "sumur ajaib"  # not in the catalogue
    works.loc[1, "geometry"] = None
    local = kg.remaining_area(units, works).set_index("unit_id")
    shuffled = dask_geopandas.from_geopandas(units, npartitions=4).spatial_shuffle()
    dask_works = dask_geopandas.from_geopandas(works, npartitions=3)
    report = kg.ValidationReport(what="remaining_area")
    spread = kg.distributed.remaining_area(shuffled, dask_works, report=report)
    spread = spread.compute().set_index("unit_id").loc[local.index]
    np.testing.assert_allclose(spread["remaining_ha"], local["remaining_ha"], rtol=0, atol=1e-9)
    # the works left out are reported, as on one machine
    local_report = kg.remaining_area(units, works).attrs["report"]
    left_out = [(i.row, i.check) for i in local_report.issues if i.check != "outside_units"]
    assert [(i.row, i.check) for i in report.issues] == left_out
    assert [x for x in left_out if x[1] != "works_left_out"] == [
        (1, "no_geometry"),
        (0, "unknown_kind"),
    ]
    # works not completed are counted, once per reason, on partitions as on one machine
    assert (None, "works_left_out") in left_out


def test_partition_units_keeps_every_row_and_the_index():
    units = gpd.GeoDataFrame(
        {"unit_id": list("abcde")},
        geometry=[shapely.box(x, 0, x + 1, 1) for x in (40, 0, 30, 10, 20)],
        index=[5, 4, 3, 2, 1],
        crs=32750,
    )
    parts = partition_units(units, npartitions=2)
    assert parts.npartitions == 2
    back = parts.compute()
    assert sorted(back.index) == [1, 2, 3, 4, 5]
    # Hilbert order along a row of boxes: left to right
    assert back["unit_id"].tolist() == ["b", "d", "e", "c", "a"]


def test_functions_that_need_a_frame_in_memory_say_so_for_dask_frames(layers):
    units = layers[0]
    lazy = dask_geopandas.from_geopandas(units.assign(level="kumuh ringan"), npartitions=2)
    calls = {
        "kg.summarize": lambda: kg.summarize(lazy),
        "kg.progress": lambda: kg.progress(lazy, pd.DataFrame(), years=[2022]),
        "kg.assess": lambda: kg.assess(lazy),
        "kg.grid_summary": lambda: kg.grid_summary(lazy),
        "kg.map_units": lambda: kg.map_units(lazy),
        "kg.zonal_stats": lambda: kg.zonal_stats(lazy, "unused.tif"),
    }
    for name, call in calls.items():
        with pytest.raises(kg.InputError, match=rf"{re.escape(name)} needs a frame in memory"):
            call()
