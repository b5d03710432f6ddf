"""The bundled sample: plausible by fixed rules, reproducible, and loadable when installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

import kotaku_gis as kg
from kotaku_gis.catalogue import resolve_kinds

ROOT = Path(__file__).resolve().parents[1]
CODES = tuple("1a 1b 1c 2a 2b 3a 3b 4a 4b 4c 5a 5b 6a 6b 7a 7b".split())
# Permen PUPR 14/PRT/M/2018: the denominator of each criterion
DENOMINATOR = {
    **dict.fromkeys(["1a", "1c", "7a", "7b"], "buildings"),
    **dict.fromkeys(["1b", "4a"], "area_ha"),
    **dict.fromkeys(["2a", "2b"], "road_length_m"),
    **dict.fromkeys(["4b", "4c"], "drain_length_m"),
    **dict.fromkeys(["3a", "3b", "5a", "5b", "6a", "6b"], "households"),
}
#: largest area two units may share: float noise along shared edges, 0.01 m²
OVERLAP_TOLERANCE_HA = 1e-6


@pytest.fixture(scope="module")
def raw_units() -> gpd.GeoDataFrame:
    return gpd.read_file(kg.datasets.get_path("ntb_sample"), layer="units")


@pytest.fixture(scope="module")
def raw_works() -> gpd.GeoDataFrame:
    return gpd.read_file(kg.datasets.get_path("ntb_sample"), layer="interventions")


@pytest.fixture(scope="module")
def geom_ha(raw_units) -> pd.Series:
    return kg.area_ha(raw_units)


def levels(units: pd.DataFrame) -> pd.Series:
    """Permen 14/2018 levels computed from the columns (bands 25/51/76, totals 16/38/60)."""
    total = np.zeros(len(units), dtype=int)
    for code in CODES:
        pct = 100 * units[code].to_numpy(float) / units[DENOMINATOR[code]].to_numpy(float)
        pct = np.floor(pct * 100 + 0.5) / 100
        total += np.select([pct >= 76, pct >= 51, pct >= 25], [5, 3, 1], 0)
    return pd.Series(
        np.select(
            [total >= 60, total >= 38, total >= 16],
            ["kumuh berat", "kumuh sedang", "kumuh ringan"],
            "tidak kumuh",
        ),
        index=units.index,
    )


# ---------------------------------------------------------------- get_path / available


def test_every_available_name_is_a_file():
    assert kg.datasets.available == (
        "ntb_sample",
        "ntb_kabupaten_kota",
        "ntb_kecamatan",
        "mataram_kelurahan",
        "mataram_flood_depth",
        "mataram_population",
        "mataram_rt_shapefile",
        "mataram_kumuh_kmz",
        "ntb_kawasan_baseline",
        "mataram_sim_profile",
        "ntb_candidates",
    )
    for name in kg.datasets.available:
        assert Path(kg.datasets.get_path(name)).is_file()
    data = Path(kg.datasets.get_path("ntb_sample")).parent
    assert (data / "ATTRIBUTION.txt").read_text().count("Cahya DSN") >= 2
    total = sum(p.stat().st_size for p in data.iterdir())
    assert total < 3_000_000


def test_unknown_name_lists_the_available_ones():
    with pytest.raises(kg.InputError, match="'ntb_sample', 'ntb_kabupaten_kota'"):
        kg.datasets.get_path("mataram")


def test_boundaries_are_copied_as_published_and_repaired_on_load():
    raw = gpd.read_file(kg.datasets.get_path("ntb_kabupaten_kota"))
    assert (~raw.is_valid).sum() == 6  # invalid as published, kept so
    for level, count, repaired in [
        ("kelurahan", 50, 0),
        ("kecamatan", 117, 9),
        ("kabupaten_kota", 10, 6),
        ("kota", 10, 6),
    ]:
        frame = kg.datasets.load_boundaries(level)
        assert len(frame) == count
        assert frame.is_valid.all()
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
        report = frame.attrs["report"]
        assert len(report) == repaired
        assert report.checks() <= {"invalid_geometry"}
        # make_valid keeps the area of a self-intersecting outline's parts
        assert (kg.area_ha(frame) > 0).all()
    with pytest.raises(kg.InputError, match="kelurahan"):
        kg.datasets.load_boundaries("desa")


# ---------------------------------------------------------------- units


def test_units_columns_and_ids(raw_units):
    needed = {"unit_id", "unit_level", "rt", "rw", "kelurahan", "kode_kelurahan", "kecamatan",
              "kota", "provinsi", "legal_status", "nilai_strategis", "kepadatan_penduduk",
              "potensi_sosial_ekonomi", "buildings", "households", "road_length_m",
              "drain_length_m", "area_ha", *CODES}  # fmt: skip
    assert needed <= set(raw_units.columns)
    assert raw_units.crs.to_epsg() == 4326
    assert raw_units["unit_id"].is_unique
    assert set(raw_units["unit_level"]) == {"rt", "kawasan"}
    assert (raw_units["provinsi"] == "Nusa Tenggara Barat").all()
    assert set(raw_units["legal_status"]) == {"legal", "tidak legal"}
    for col in ("nilai_strategis", "kepadatan_penduduk", "potensi_sosial_ekonomi"):
        assert set(raw_units[col]) <= {1, 3, 5}
    rt = raw_units[raw_units["unit_level"] == "rt"]
    assert 300 <= len(rt) <= 450
    assert (rt["kota"] == "Kota Mataram").all()
    assert 10 <= rt["kelurahan"].nunique() <= 14
    ids = rt["kode_kelurahan"].str.replace(".", "") + "-RT" + rt["rt"]
    assert (ids == rt["unit_id"]).all()
    kawasan = raw_units[raw_units["unit_level"] == "kawasan"]
    assert kawasan["kota"].nunique() == 9  # every other kota/kabupaten of NTB
    assert (kawasan.groupby("kota").size() >= 2).all()


def test_unit_sizes(raw_units, geom_ha):
    rt = (raw_units["unit_level"] == "rt").to_numpy()
    assert geom_ha[rt].between(0.5, 5).all()
    assert geom_ha[~rt].between(5, 60).all()
    assert raw_units.geom_type.eq("Polygon").all() and raw_units.is_valid.all()


def test_verified_area_is_the_rounded_ellipsoidal_area_but_for_a_handful(raw_units, geom_ha):
    rounded = geom_ha.round(2)
    differs = (raw_units["area_ha"] - rounded).abs() > 0.005
    assert 3 <= differs.sum() <= 10
    rel = (raw_units["area_ha"][differs] / geom_ha[differs] - 1).abs()
    assert rel.between(0.01, 0.07).all()


def test_rt_inside_their_kelurahan(raw_units):
    kel = kg.datasets.load_boundaries("kelurahan").set_index("kode")
    rt = raw_units[raw_units["unit_level"] == "rt"]
    assert (kel.loc[rt["kode_kelurahan"], "nama"].to_numpy() == rt["kelurahan"].to_numpy()).all()
    outside = shapely.difference(
        rt.geometry.to_numpy(), kel.loc[rt["kode_kelurahan"], "geometry"].to_numpy()
    )
    assert kg.area_ha(gpd.GeoSeries(outside, crs=4326)).max() <= OVERLAP_TOLERANCE_HA


def test_kawasan_inside_their_kecamatan(raw_units):
    kec = kg.datasets.load_boundaries("kecamatan").set_index("kode")
    kab = kg.datasets.load_boundaries("kabupaten_kota").set_index("kode")
    kw = raw_units[raw_units["unit_level"] == "kawasan"]
    assert (kec.loc[kw["kode_kecamatan"], "nama"].to_numpy() == kw["kecamatan"].to_numpy()).all()
    assert (kab.loc[kw["kode_kecamatan"].str[:5], "nama"].to_numpy() == kw["kota"]).all()
    outside = shapely.difference(
        kw.geometry.to_numpy(), kec.loc[kw["kode_kecamatan"], "geometry"].to_numpy()
    )
    assert kg.area_ha(gpd.GeoSeries(outside, crs=4326)).max() <= OVERLAP_TOLERANCE_HA


def test_no_two_units_overlap(raw_units):
    geoms = raw_units.geometry.to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pair = left < right
    shared = shapely.intersection(geoms[left[pair]], geoms[right[pair]])
    assert pair.sum() > 300  # neighbouring RT touch
    assert kg.area_ha(gpd.GeoSeries(shared, crs=4326)).max() <= OVERLAP_TOLERANCE_HA


def test_volumes_within_denominators(raw_units):
    for code in CODES:
        vol = raw_units[code]
        assert vol.notna().all(), code
        assert (vol >= 0).all(), code
        assert (vol <= raw_units[DENOMINATOR[code]]).all(), code


def test_denominators_are_plausible(raw_units):
    rt = raw_units[raw_units["unit_level"] == "rt"]
    a = rt["area_ha"]
    # counts are rounded to whole buildings, households and metres: allow half a unit
    assert rt["buildings"].between(40 * a - 0.5, 60 * a + 0.5).all()
    assert rt["households"].between(1.1 * rt["buildings"] - 0.5, 1.3 * rt["buildings"] + 0.5).all()
    assert rt["road_length_m"].between(250 * a - 0.5, 400 * a + 0.5).all()
    ratio = rt["drain_length_m"] / rt["road_length_m"]
    assert ratio.between(0.85, 1.35).all()


def test_level_mix_is_plausible(raw_units):
    lv = levels(raw_units)
    rt = lv[raw_units["unit_level"] == "rt"]
    counts = rt.value_counts()
    assert set(counts.index) == {"kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh"}
    assert counts.idxmax() == "kumuh ringan"
    assert counts["kumuh sedang"] >= 0.2 * len(rt)
    assert 1 <= counts["kumuh berat"] <= 0.1 * len(rt)
    assert counts["tidak kumuh"] >= 0.05 * len(rt)


def test_assess_agrees_with_the_regulation_levels(raw_units):
    assessed = kg.assess(kg.datasets.load_units())
    assert (assessed["level"].to_numpy() == levels(raw_units).to_numpy()).all()


# ---------------------------------------------------------------- interventions


def test_interventions_columns_years_and_status(raw_works):
    assert raw_works["intervention_id"].is_unique
    assert 300 <= len(raw_works) <= 1100
    assert set(raw_works["year"]) == {2020, 2021, 2022, 2023}
    assert set(raw_works["status"]) <= {"selesai", "Selesai", "proses", "rencana"}
    done = raw_works["status"].str.lower().eq("selesai")
    assert 0.75 <= done.mean() < 1
    # works that are not completed all belong to the last year
    assert set(raw_works.loc[~done, "year"]) == {2023}
    assert resolve_kinds(raw_works["kind"]).notna().all()
    assert (raw_works["kind"] != raw_works["kind"].str.lower()).any()  # mixed case as typed
    vol = raw_works["volume"]
    assert vol.isna().any() and (vol.dropna() > 0).all()
    assert 1 <= raw_works["radius_m"].notna().sum() <= 20


def test_interventions_geometry_kinds_and_table_rows(raw_works, raw_units):
    gtype = raw_works.geom_type
    assert {"Point", "LineString", "Polygon"} <= set(gtype.dropna())
    table = raw_works[raw_works.geometry.isna()]
    assert len(table) >= 5
    assert table["unit_id"].isin(raw_units["unit_id"]).all()
    assert table["criterion"].isin(CODES).all()
    assert table["volume"].gt(0).all()
    located = raw_works[raw_works.geometry.notna()]
    assert located["unit_id"].isna().all() and located["criterion"].isna().all()
    # every located work lies in or across the units
    hits = shapely.STRtree(raw_units.geometry.to_numpy()).query(
        located.geometry.to_numpy(), predicate="intersects"
    )
    assert len(np.unique(hits[0])) == len(located)
    rtlh = raw_works["kind"].str.lower().isin(["rehab rtlh", "bedah rumah"])
    assert (raw_works.loc[rtlh & raw_works.geometry.notna(), "volume"] >= 1).all()


def test_completed_works_reduce_the_remaining_area_year_by_year():
    units = kg.datasets.load_units()
    works = kg.datasets.load_interventions()
    assert not works["completed"].all() and works["completed"].mean() > 0.75
    total = units["area_ha"].sum()
    remaining = [
        kg.remaining_area(units, works, year=y)["remaining_ha"].sum() for y in range(2020, 2024)
    ]
    assert all(a > b for a, b in zip([total, *remaining], remaining, strict=False))
    assert 0.35 * total < remaining[-1] < 0.8 * total


# ---------------------------------------------------------------- reproducible, installable


def test_the_script_rebuilds_the_shipped_sample(tmp_path):
    out = tmp_path / "sample.gpkg"
    subprocess.run(
        [sys.executable, str(ROOT / "sample_data" / "make_sample.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    shipped = kg.datasets.get_path("ntb_sample")
    for layer in ("units", "interventions"):
        assert_geodataframe_equal(
            gpd.read_file(out, layer=layer), gpd.read_file(shipped, layer=layer)
        )


def test_sample_loads_from_a_non_editable_install(tmp_path):
    # build from a copy, so the build leaves nothing in the working tree
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ROOT / "pyproject.toml", src)
    readme = ROOT / "README.md"
    if readme.exists():
        shutil.copy(readme, src)
    else:
        (src / "README.md").write_text("kotaku_gis\n")
    shutil.copytree(
        ROOT / "kotaku_gis", src / "kotaku_gis", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "--target", str(target), str(src)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    probe = (
        "import json, kotaku_gis as kg\n"
        "u = kg.datasets.load_units(); w = kg.datasets.load_interventions()\n"
        "b = kg.datasets.load_boundaries('kecamatan'); c = kg.datasets.load_candidates()\n"
        "print(json.dumps({'module': kg.__file__, 'path': kg.datasets.get_path('ntb_sample'),\n"
        "  'units': len(u), 'works': len(w), 'kecamatan': len(b), 'candidates': len(c)}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(got["module"]).is_relative_to(target)
    assert Path(got["path"]).is_relative_to(target)
    units = gpd.read_file(kg.datasets.get_path("ntb_sample"), layer="units")
    works = gpd.read_file(kg.datasets.get_path("ntb_sample"), layer="interventions")
    assert (got["units"], got["works"], got["kecamatan"]) == (len(units), len(works), 117)
    candidates = gpd.read_file(kg.datasets.get_path("ntb_candidates"), layer="candidates")
    assert got["candidates"] == len(candidates)
