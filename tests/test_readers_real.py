"""Reading files as planners hold them: recognised column names, ids, KML/KMZ, zips with
folders, Excel and CSV tables without geometry, SIM KOTAKU exports.

Expected answers come from the bundled sample (whose GeoPackage columns are the conventions)
and from hand-made frames: a file saved in another shape must read back to the same columns
and values, and score to the same levels.
"""

from __future__ import annotations

import importlib.util
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.columns import (
    CONVENTIONS,
    column_table,
    column_table_markdown,
    conventions_for,
    match_name,
)
from kotaku_gis.schema import CRITERIA_2018
from kotaku_gis.scoring import round_half_up
from kotaku_gis.workbook import R0_HEADERS, map_r0_header

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = kg.datasets.get_path("ntb_sample")


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


@pytest.fixture(scope="module")
def raw() -> gpd.GeoDataFrame:
    """The sample's units as stored (the convention names)."""
    return gpd.read_file(SAMPLE, layer="units")


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    """The sample read and scored from the GeoPackage, by unit_id."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = kg.read_units(SAMPLE, layer="units")
    return kg.assess(units).set_index("unit_id")


def _levels(units: pd.DataFrame) -> pd.Series:
    return kg.assess(units).set_index("unit_id")["level"].astype(str)


def _mapped(units: pd.DataFrame) -> dict[str, str]:
    return {i.column: i.message for i in units.attrs["report"] if i.check == "column_mapped"}


def _entries(units: pd.DataFrame, check: str) -> list:
    return [i for i in units.attrs["report"] if i.check == check]


def _box(i: int) -> shapely.Polygon:
    x = 116.10 + i * 0.001
    return shapely.box(x, -8.58, x + 0.0009, -8.5791)


def _frame(n: int = 3, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[_box(i) for i in range(n)], crs="EPSG:4326")


# ---------------------------------------------------------------- Shapefiles


def _write_shapefile(frame: gpd.GeoDataFrame, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL warns that it cuts long field names
        frame.to_file(folder / "units.shp", engine="pyogrio")
    return folder / "units.shp"


def test_sample_saved_as_shapefile_reads_back_the_same(tmp_path, raw, reference):
    shp = _write_shapefile(raw, tmp_path / "shp")
    fields = list(pyogrio.read_info(shp)["fields"])
    assert {"road_lengt", "drain_leng", "kepadatan_", "potensi_so"} <= set(fields)
    units = kg.read_units(shp)
    gpkg = kg.read_units(SAMPLE, layer="units")
    assert list(units.columns) == list(gpkg.columns)
    pd.testing.assert_frame_equal(
        pd.DataFrame(units.drop(columns="geometry")),
        pd.DataFrame(gpkg.drop(columns="geometry")),
        check_dtype=False,
    )
    # Without recognition 2a, 2b, 4b and 4c would have no denominator: 117 units changed level.
    assert _levels(units).equals(reference["level"].astype(str))
    mapped = _mapped(units)
    assert set(mapped) == {
        "kode_kecam", "kode_kelur", "nama_kawas", "legal_stat", "nilai_stra", "kepadatan_",
        "potensi_so", "road_lengt", "drain_leng",
    }  # fmt: skip
    assert mapped["road_lengt"] == (
        "'road_lengt' read as 'road_length_m' (Shapefile-truncated name of 'road_length_m')"
    )


def test_zip_with_the_shapefile_in_folders(tmp_path, raw, reference):
    shp = _write_shapefile(raw, tmp_path / "shp")
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("export/BACA.txt", "RT kumuh")
        for f in sorted(shp.parent.iterdir()):
            archive.write(f, f"export/2023/rt/{f.name}")
        archive.writestr("__MACOSX/export/2023/rt/._units.shp", b"junk")
    units = kg.read_units(path)
    assert len(units) == 366
    assert _levels(units).equals(reference["level"].astype(str))
    assert [i.message for i in _entries(units, "zip_member")] == [
        "read 'export/2023/rt/units.shp' from inside the zip"
    ]
    # Two layers in one zip: named by layer=, else the choice is asked for.
    kaw = _write_shapefile(raw[raw["unit_level"] == "kawasan"], tmp_path / "kaw")
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        for folder, name in ((shp.parent, "rt"), (kaw.parent, "kawasan")):
            for f in sorted(folder.iterdir()):
                archive.write(f, f"{name}/{name}{f.suffix}")
    with pytest.raises(kg.InputError, match=r"two\.zip holds 2 layers \['rt', 'kawasan'\]; choose"):
        kg.read_units(two)
    with pytest.raises(kg.InputError, match=r"its layers are \['rt/rt\.shp', 'kawasan/kawasan"):
        kg.read_units(two, layer="rw")
    assert len(kg.read_units(two, layer="kawasan")) == 27
    assert len(kg.read_units(two, layer="rt/rt.shp")) == 366
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("catatan.txt", "kosong")
    with pytest.raises(kg.InputError, match=r"empty\.zip holds no GIS layer.*catatan\.txt"):
        kg.read_units(empty)


def test_shipped_shapefile_zip(reference):
    units = kg.read_units(kg.datasets.get_path("mataram_rt_shapefile"))
    assert len(units) == 74
    assert sorted(units["kelurahan"].unique()) == ["Ampenan Selatan", "Ampenan Tengah", "Bintaro"]
    conventional = ["unit_id", "kelurahan", "kecamatan", "kota", "area_ha", "buildings",
                    "households", "penduduk", "road_length_m", "drain_length_m",
                    *CRITERIA_2018, "level"]  # fmt: skip
    assert [c for c in units.columns if c in CONVENTIONS] == conventional
    ref = reference.loc[units["unit_id"]]
    for col in ["area_ha", "buildings", "households", "road_length_m", *CRITERIA_2018]:
        np.testing.assert_array_equal(units[col].to_numpy(float), ref[col].to_numpy(float))
    computed = _levels(units)
    assert computed.equals(ref["level"].astype(str))
    # The level the file published ("Kumuh Sedang") is the computed one, in its own spelling.
    assert units["level"].str.lower().tolist() == computed.tolist()
    assert units.attrs["report"].ok


# ---------------------------------------------------------------- recognised names


@pytest.mark.parametrize(
    ("header", "convention"),
    [
        ("LUAS (Ha)", "area_ha"), ("luas_ha", "area_ha"), ("Luas Verifikasi (Ha)", "area_ha"),
        ("Luas Verifikasi", "area_ha"), ("jumlah_kk", "households"), ("Jumlah KK", "households"),
        ("JUMLAH_KK", "households"), ("jumlah_bangunan", "buildings"),
        ("jumlah_ban", "buildings"), ("panjang_jalan", "road_length_m"),
        ("panjang_ja", "road_length_m"), ("road_lengt", "road_length_m"),
        ("panjang_drainase", "drain_length_m"), ("drain_leng", "drain_length_m"),
        ("DESA", "kelurahan"), ("Kelurahan", "kelurahan"), ("KECAMATAN", "kecamatan"),
        ("Kota_Kab", "kota"), ("Kabupaten/Kota", "kota"), ("jumlah_jiwa", "penduduk"),
        ("Kode RT", "unit_id"), ("id_rt", "unit_id"),
        ("1a", "1a"), ("1.a", "1a"), ("1_a", "1a"), ("1 A", "1a"), ("kriteria_1a", "1a"),
        ("K1A", "1a"), ("k1a", "1a"), ("4c. Kualitas konstruksi drainase", "4c"),
        ("Ketidakteraturan bangunan", "1a"), ("4e", "4e"),
        ("1a (%)", "pct_1a"), ("pct_1a", "pct_1a"), ("persen_1a", "pct_1a"), ("% 2b", "pct_2b"),
        ("skor_1a", "score_1a"), ("nilai 1a", "score_1a"), ("score_1a", "score_1a"),
        ("Skor 7.b", "score_7b"), ("level", "level"), ("tingkat_kekumuhan", "level"),
        ("Tingkat Kekumuhan Awal", "level"), ("klasifikasi", "level"),
        ("kategori_kumuh", "level"), ("tingkat_ke", "level"), ("rata_rata_drainase",
        "avg_drainase"),
        ("Keterangan", None), ("No", None), ("Status", None), ("kriteria_1", None),
    ],
)  # fmt: skip
def test_unit_headers(header, convention):
    assert match_name(header) == convention


@pytest.mark.parametrize(
    ("header", "convention"),
    [
        ("id_kegiatan", "intervention_id"), ("interventi", "intervention_id"),
        ("jenis_kegiatan", "kind"), ("kegiatan", "kind"), ("tahun", "year"),
        ("tahun_anggaran", "year"), ("tahun_angg", "year"), ("status", "status"),
        ("progres", "status"), ("volume", "volume"), ("biaya", "cost"),
        ("Biaya (Rp)", "cost"), ("nilai_kontrak", "cost"), ("pagu", "cost"),
        ("sumber_dan", "sumber_dana"), ("kriteria", "criterion"), ("Kode RT", "unit_id"),
        ("luas_ha", None),
    ],
)  # fmt: skip
def test_work_headers(header, convention):
    assert match_name(header, what="interventions") == convention


def test_every_long_name_is_recognised_cut_to_ten_characters():
    for what in ("units", "interventions"):
        for conv in conventions_for(what).values():
            for name in conv.spellings:
                if len(name) > 10 and name.replace("_", "").isalnum():
                    # A cut name that fits one convention is that one; one that fits
                    # several ("kriteria_1" of kriteria_1a/1b/1c) is no one's.
                    assert match_name(name[:10], what=what) in (conv.name, None), name
    assert match_name("kriteria_1") is None and match_name("tingkat_ke") == "level"


def test_indonesian_units_read_end_to_end(reference):
    units = kg.read_units(
        _frame(
            2,
            **{"Kode RT": ["RT01", "RT02"], "DESA": ["Bintaro", "Bintaro"],
               "KECAMATAN": ["Ampenan", "Ampenan"], "Kota_Kab": ["Kota Mataram"] * 2,
               "LUAS (Ha)": [0.98, 0.99], "jumlah_bangunan": [50, 40], "Jumlah KK": [60, 45],
               "panjang_jalan": [300.0, 250.0], "panjang_drainase": [320.0, 240.0],
               "jumlah_jiwa": [210, 160], "kriteria_1a": [25, 0], "1.b": [0.1, 0.0],
               "K2A": [150.0, 0.0], "1a (%)": [50.0, 0.0], "skor_1a": [1, 0],
               "Tingkat Kekumuhan": ["Kumuh Ringan", "Tidak Kumuh"]},
        )
    )  # fmt: skip
    assert [c for c in units.columns if c not in ("geometry", "area_ha_geom")] == [
        "unit_id", "kelurahan", "kecamatan", "kota", "area_ha", "buildings", "households",
        "road_length_m", "drain_length_m", "penduduk", "1a", "1b", "2a", "pct_1a", "score_1a",
        "level",
    ]  # fmt: skip
    assert units["area_ha"].tolist() == [0.98, 0.99]
    assert units["level"].tolist() == ["Kumuh Ringan", "Tidak Kumuh"]  # raw labels
    assert len(_mapped(units)) == 16


def test_renamed_criterion_columns_give_the_same_levels(raw, reference):
    spellings = {
        "1a": "kriteria_1a", "1b": "1.b", "1c": "K1C", "2a": "2 A", "2b": "2_b", "3a": "k3a",
        "3b": "Kriteria 3.b", "4a": "krit_4a", "4b": "4b. Ketidaktersediaan drainase",
        "4c": "vol_4c", "5a": "5.A",
        "5b": "Prasarana dan sarana air limbah tidak sesuai persyaratan teknis",
        "6a": "Kriteria 6a", "6b": "6-b", "7a": "7 a", "7b": "K7B",
    }  # fmt: skip
    units = kg.read_units(raw.rename(columns=spellings))
    assert set(CRITERIA_2018) <= set(units.columns)
    assert not set(spellings.values()) & set(units.columns)
    assert _levels(units).equals(reference["level"].astype(str))
    mapped = _mapped(units)
    for code, spelling in spellings.items():
        assert mapped[spelling].startswith(f"{spelling!r} read as {code!r} ("), spelling


def test_works_with_indonesian_headers():
    works = gpd.GeoDataFrame(
        {"id_kegiatan": ["K-01", "K-02"], "jenis_kegiatan": ["Jalan Beton", "Hidran Umum"],
         "tahun_anggaran": [2022, 2023], "progres": ["100%", "rencana"],
         "nilai_kontrak": ["Rp 125.000.000", "40.500.000"], "sumber_dana": ["APBD", "BPM"]},
        geometry=[shapely.LineString([(116.1, -8.58), (116.101, -8.58)]),
                  shapely.Point(116.1, -8.58)], crs="EPSG:4326",
    )  # fmt: skip
    out = kg.read_interventions(works)
    assert out["intervention_id"].tolist() == ["K-01", "K-02"]
    assert out["category"].tolist() == ["jalan", "air_minum"]
    assert out["year"].tolist() == [2022, 2023]
    assert out["completed"].tolist() == [True, False]
    assert out["cost"].tolist() == [125_000_000.0, 40_500_000.0]
    assert set(_mapped(out)) == {"id_kegiatan", "jenis_kegiatan", "tahun_anggaran", "progres",
                                 "nilai_kontrak"}  # fmt: skip


# ---------------------------------------------------------------- columns= and ambiguity


def test_columns_argument_and_its_errors():
    src = _frame(2, unit_id=["A", "B"], KET=["Berat", "Sedang"], LUAS=[0.9, 0.95],
                 area_ha=[1.0, 1.0])  # fmt: skip
    # "KET" is no recognised name: only columns= makes it the level.
    assert "level" not in kg.read_units(src).columns
    units = kg.read_units(src, columns={"KET": "level"})
    assert units["level"].tolist() == ["Berat", "Sedang"]
    assert _mapped(units)["KET"] == "'KET' read as 'level' (given in columns=)"
    with pytest.raises(kg.InputError, match=r"columns= names \['Ket'\].*its columns are \["):
        kg.read_units(src, columns={"Ket": "level"})
    with pytest.raises(kg.InputError, match=r"maps both 'KET' and 'LUAS' to 'level'"):
        kg.read_units(src, columns={"KET": "level", "LUAS": "level"})
    with pytest.raises(kg.InputError, match=r"'area_ha' column already.*'area_ha_file'"):
        kg.read_units(src, columns={"LUAS": "area_ha"})
    units = kg.read_units(src, columns={"LUAS": "area_ha", "area_ha": "area_ha_file"})
    assert units["area_ha"].tolist() == [0.9, 0.95]
    assert units["area_ha_file"].tolist() == [1.0, 1.0]
    units = kg.read_units(src, columns={"KET": "levle"})
    (entry,) = _entries(units, "column_unknown_target")
    assert entry.severity == "warning" and "did you mean 'level'" in entry.message
    # None keeps a column as it is: "Status" holds level labels but is not read as the level.
    with_status = src.assign(Status=["Ringan", "Ringan"])
    assert kg.read_units(with_status)["level"].tolist() == ["Ringan", "Ringan"]
    kept = kg.read_units(with_status, columns={"Status": None})
    assert "level" not in kept.columns and kept["Status"].tolist() == ["Ringan", "Ringan"]


def test_ambiguous_names_are_reported_not_guessed():
    src = _frame(2, unit_id=["A", "B"], **{"Luas (Ha)": [0.5, 0.6], "luas_kumuh": [0.4, 0.3]})
    units = kg.read_units(src)
    assert {"Luas (Ha)", "luas_kumuh"} <= set(units.columns)
    # Neither figure is taken: area_ha is the polygons' own hectares.
    np.testing.assert_allclose(units["area_ha"], kg.area_ha(src), rtol=1e-12)
    (entry,) = _entries(units, "column_ambiguous")
    assert (entry.column, entry.severity) == ("area_ha", "warning")
    assert "'Luas (Ha)', 'luas_kumuh' could each be 'area_ha'" in entry.message
    assert "columns={'Luas (Ha)': 'area_ha'}" in entry.message
    units = kg.read_units(src, columns={"luas_kumuh": "area_ha"})
    assert units["area_ha"].tolist() == [0.4, 0.3]
    assert [i.column for i in _entries(units, "column_not_mapped")] == ["Luas (Ha)"]
    # One name that fits several conventions.
    units = kg.read_units(src.assign(kriteria_1=[3, 4]))
    (entry,) = [i for i in _entries(units, "column_ambiguous") if i.column == "kriteria_1"]
    assert "'1a', '1b', '1c'" in entry.message
    assert not {"1a", "1b", "1c"} & set(units.columns)
    # A column already named as the convention is used; the other name is left, and said so.
    units = kg.read_units(_frame(1, unit_id=["A"], kelurahan=["Bintaro"], DESA=["Banjar"]))
    assert units["kelurahan"].tolist() == ["Bintaro"] and units["DESA"].tolist() == ["Banjar"]
    (entry,) = _entries(units, "column_not_mapped")
    assert entry.message == (
        "'DESA' could also be 'kelurahan', but 'kelurahan' is read as 'kelurahan'; 'DESA' is "
        "kept under its own name"
    )


# ---------------------------------------------------------------- ids


def test_id_column_list_is_joined_with_a_slash():
    src = _frame(3, Kelurahan=["Bintaro"] * 3, RW=["002", "002", "003"], RT=[5.0, 6.0, 1.0])
    units = kg.read_units(src, id_column=["Kelurahan", "RW", "RT"])
    assert units["unit_id"].tolist() == ["Bintaro/002/5", "Bintaro/002/6", "Bintaro/003/1"]
    # The parts are still read as what they are.
    assert units[["kelurahan", "rw", "rt"]].iloc[0].tolist() == ["Bintaro", "002", 5.0]
    with pytest.raises(kg.InputError, match=r"no column 'RWX'; its columns are"):
        kg.read_units(src, id_column=["Kelurahan", "RWX"])
    with pytest.raises(kg.InputError, match=r"named both in id_column and in columns="):
        kg.read_units(src, id_column=["Kelurahan", "RW"], columns={"RW": "rw"})
    gap = src.assign(RW=["002", None, "003"], unit_id=["x", "y", "z"])
    units = kg.read_units(gap, id_column=["Kelurahan", "RW", "RT"])
    assert units["unit_id"].isna().tolist() == [False, True, False]
    assert [i.row for i in _entries(units, "missing_id")] == [1]
    assert units["unit_id_original"].tolist() == ["x", "y", "z"]


def test_ids_are_generated_and_reported():
    src = _frame(4, kelurahan=["Bintaro", "Banjar", "Bintaro", None], households=[1, 2, 3, 4])
    units = kg.read_units(src)
    assert units["unit_id"].tolist() == ["Bintaro-001", "Banjar-001", "Bintaro-002", "unit-001"]
    (entry,) = _entries(units, "id_generated")
    assert entry.severity == "warning" and "'Bintaro-001', 'Banjar-001' …" in entry.message
    assert "households" in entry.message  # a column that could be the id is named
    units = kg.read_units(_frame(3, households=[1.0, 2.0, 3.0]))
    assert units["unit_id"].tolist() == ["unit-001", "unit-002", "unit-003"]


# ---------------------------------------------------------------- KML and KMZ


def _kml(folders: dict[str, list[dict[str, str]]], *, typed: str = "string") -> bytes:
    marks = []
    for folder, places in folders.items():
        body = []
        for k, place in enumerate(places):
            data = "".join(f'<SimpleData name="{n}">{v}</SimpleData>' for n, v in place.items())
            ring = " ".join(f"{x},{y},0" for x, y in _box(k + len(marks) * 5).exterior.coords)
            body.append(
                f"<Placemark><name>P{k}</name><ExtendedData><SchemaData schemaUrl='#s'>{data}"
                "</SchemaData></ExtendedData><Polygon><outerBoundaryIs><LinearRing>"
                f"<coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
                "</Placemark>"
            )
        marks.append(f"<Folder><name>{folder}</name>{''.join(body)}</Folder>")
    fields = sorted({n for places in folders.values() for p in places for n in p})
    schema = "".join(
        f'<SimpleField name="{n}" type="{typed if n == "LUAS" else "string"}"/>' for n in fields
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f'<Document><Schema name="s" id="s">{schema}</Schema>{"".join(marks)}</Document></kml>'
    ).encode()


def _kmz(path: Path, kml: bytes, member: str = "doc.kml") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, kml)
        archive.writestr("files/icon.png", b"\x89PNG")
    return path


def test_shipped_kmz_reads_with_generated_ids_and_its_published_level(raw, reference):
    units = kg.read_units(kg.datasets.get_path("mataram_kumuh_kmz"))
    assert isinstance(units, gpd.GeoDataFrame) and units.crs.to_epsg() == 4326
    # The slum RT of the three kelurahan: 4 berat, 29 sedang, 52 ringan in the sample.
    assert units["level"].value_counts().to_dict() == {"Ringan": 52, "Sedang": 29, "Berat": 4}
    assert (("Kumuh " + units["level"]) == units["layer"]).all()
    assert units["unit_id"].is_unique
    assert units["unit_id"].iloc[0] == "Tanjung Karang-001"
    assert units["unit_id"].str.rsplit("-", n=1).str[0].tolist() == units["kelurahan"].tolist()
    assert not shapely.has_z(np.asarray(units.geometry.array)).any()
    assert len(_entries(units, "has_z")) == 85
    assert _mapped(units)["Status"] == "'Status' read as 'level' (its values are level labels)"
    assert [i.severity for i in _entries(units, "id_generated")] == ["warning"]
    assert units.attrs["report"].ok
    # Each placemark ("RT 003 Tanjung Karang") is a sample RT: its LUAS, typed "1,62", is the
    # verified area to 0.01 ha, and its Status the computed level.
    sample = raw.assign(name="RT " + raw["rt"] + " " + raw["kelurahan"]).set_index("name")
    ref = sample.loc[units["Name"]]
    np.testing.assert_array_equal(units["area_ha"].to_numpy(), ref["area_ha"].round(2).to_numpy())
    computed = reference.loc[ref["unit_id"], "level"].astype(str).str.replace("kumuh ", "")
    assert units["level"].str.lower().tolist() == computed.tolist()


def test_kmz_folders_typed_fields_and_layer_choice(tmp_path):
    places = {
        "Kumuh Berat": [{"Status": "Berat", "LUAS": "1,5", "KELURAHAN": "Bintaro"}],
        "Kumuh Ringan": [{"Status": "Ringan", "LUAS": "0,75", "KELURAHAN": "Bintaro"},
                         {"Status": "Ringan", "LUAS": "2", "KELURAHAN": "Banjar"}],
        "Kosong": [],
    }  # fmt: skip
    # A typed field: GDAL alone would read "1,5" as 1.
    path = _kmz(tmp_path / "kumuh.kmz", _kml(places, typed="float"), member="kumuh/doc.kml")
    units = kg.read_units(path)
    assert units["area_ha"].tolist() == [1.5, 0.75, 2.0]
    assert units["layer"].tolist() == ["Kumuh Berat", "Kumuh Ringan", "Kumuh Ringan"]
    assert units["unit_id"].tolist() == ["Bintaro-001", "Bintaro-002", "Banjar-001"]
    assert units["level"].tolist() == ["Berat", "Ringan", "Ringan"]
    (combined,) = _entries(units, "layers_combined")
    assert "['Kumuh Berat', 'Kumuh Ringan']" in combined.message
    assert kg.read_units(path, layer="Kumuh Ringan")["area_ha"].tolist() == [0.75, 2.0]
    # The same document as a plain KML.
    kml = tmp_path / "kumuh.kml"
    kml.write_bytes(_kml(places))
    assert kg.read_units(kml)["area_ha"].tolist() == [1.5, 0.75, 2.0]
    # Without a Status, folder names that are level labels are the level.
    bare = {k: [{"KELURAHAN": p["KELURAHAN"]} for p in v] for k, v in places.items()}
    units = kg.read_units(_kmz(tmp_path / "bare.kmz", _kml(bare)))
    assert units["level"].tolist() == ["Kumuh Berat", "Kumuh Ringan", "Kumuh Ringan"]
    assert _mapped(units)["layer"] == "'layer' read as 'level' (the folder names are level labels)"
    # Folders with different fields are not mixed: the choice is asked for.
    ring = "116.1,-8.58 116.101,-8.58 116.101,-8.579 116.1,-8.58"
    mixed = (
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        '<Folder><name>Kumuh</name><Placemark><ExtendedData><Data name="Status"><value>Berat'
        "</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        f"{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Folder>"
        '<Folder><name>Titik</name><Placemark><ExtendedData><Data name="Jenis"><value>Hidran'
        "</value></Data></ExtendedData><Point><coordinates>116.1,-8.58</coordinates></Point>"
        "</Placemark></Folder></Document></kml>"
    ).encode()
    with pytest.raises(kg.InputError, match=r"2 folders \(layers\) \['Kumuh', 'Titik'\].*layer="):
        kg.read_units(_kmz(tmp_path / "mixed.kmz", mixed))
    assert kg.read_units(_kmz(tmp_path / "m.kmz", mixed), layer="Kumuh")["level"].tolist() == [
        "Berat"
    ]
    with pytest.raises(kg.InputError, match=r"no KML document"):
        kg.read_units(_kmz(tmp_path / "nokml.kmz", b"x", member="doc.txt"))


# ---------------------------------------------------------------- tables without geometry


def test_excel_baseline_without_geometry(reference):
    table = kg.read_units(kg.datasets.get_path("ntb_kawasan_baseline"))
    assert not isinstance(table, gpd.GeoDataFrame)
    assert len(table) == 27 and table["unit_id"].str.endswith(("KWS01", "KWS02")).all()
    ref = reference.loc[table["unit_id"]]
    cols = ["area_ha", "buildings", "households", "penduduk", "road_length_m",
            "drain_length_m", *CRITERIA_2018]  # fmt: skip
    np.testing.assert_array_equal(table[cols].to_numpy(float), ref[cols].to_numpy(float))
    assert _levels(table).equals(ref["level"].astype(str))
    # The sample's kawasan: 36.50 ha berat, 91.71 sedang, 373.17 ringan.
    summary = kg.summarize(kg.assess(table))
    assert summary.loc["total", "slum_ha"] == pytest.approx(36.50 + 91.71 + 373.17, abs=1e-9)
    assert len([i for i in _entries(table, "row_without_id") if "total row" in i.message]) == 9
    assert _entries(table, "thousands_separator")
    assert _mapped(table)["Luas Verifikasi (Ha)"] == (
        "'Luas Verifikasi (Ha)' read as 'area_ha' (recognised name)"
    )
    works = kg.datasets.load_interventions()
    for overlay in (kg.coverage, kg.remaining_area):
        with pytest.raises(kg.InputError, match=r"table without geometry.*kg\.join_r0"):
            overlay(table, works)
    # Joined to their polygons, the same rows can be overlaid.
    joined = kg.join_r0(table, kg.datasets.load_units()[["unit_id", "geometry"]])
    assert len(kg.remaining_area(joined, works)) == 27


def test_a_table_without_geometry_goes_through_the_ledger_and_reports(tmp_path):
    table = kg.read_units(kg.datasets.get_path("ntb_kawasan_baseline"))
    # Works reported as table rows (unit and criterion, no location) reduce its volumes.
    works = pd.DataFrame(
        {"intervention_id": ["T1"], "kind": ["air_minum"], "year": [2022],
         "status": ["selesai"], "unit_id": ["520101-KWS01"], "criterion": ["3a"],
         "volume": [134.0]}
    )  # fmt: skip
    reductions = kg.allocate(table, works)
    assert reductions[["unit_id", "criterion", "volume"]].values.tolist() == [
        ["520101-KWS01", "3a", 134.0]
    ]
    ledger = kg.progress(table, reductions, years=[2022])
    assert ledger["baseline_ha"].tolist() == [pytest.approx(501.38, abs=1e-9)]
    assessed = kg.assess(table, reductions=reductions, year=2022)
    assert assessed.loc[0, "pct_3a"] == 0.0  # all 134 households of 3a served
    path = kg.write_excel_report(tmp_path / "laporan.xlsx", units_assessed=assessed,
                                 baseline=kg.assess(table), reductions=reductions,
                                 ledger=ledger, year=2022)  # fmt: skip
    assert path.stat().st_size > 0


def test_workbook_without_id_column_gets_ids(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Rekap RT kumuh"])
    ws.append(["Kelurahan", "RW", "RT", "Jumlah KK", "Luas (Ha)"])
    ws.append(["Bintaro", "01", "003", 40, "1,25"])
    ws.append(["Bintaro", "01", "004", "1.020", 2])
    ws.append(["Jumlah", None, None, 1060, 3.25])
    path = tmp_path / "rekap.xlsx"
    wb.save(path)
    units = kg.read_units(path, id_column=["Kelurahan", "RW", "RT"])
    assert units["unit_id"].tolist() == ["Bintaro/01/003", "Bintaro/01/004"]
    assert units["households"].tolist() == [40.0, 1020.0]
    assert units["area_ha"].tolist() == [1.25, 2.0]
    generated = kg.read_units(path)
    assert generated["unit_id"].tolist() == ["Bintaro-001", "Bintaro-002"]


def test_semicolon_csv_with_decimal_commas(tmp_path):
    path = tmp_path / "rt.csv"
    path.write_text(
        "Kode RT;Luas (Ha);Jumlah KK;Jumlah Bangunan;1.a;No;Keterangan\n"
        "RT01;1,5;1.250;40;12;1;dekat pantai\n"
        "RT02;2,25;80;1.020;0;2;\n",
        encoding="cp1252",
    )
    units = kg.read_units(path)
    assert units["unit_id"].tolist() == ["RT01", "RT02"]
    assert units["area_ha"].tolist() == [1.5, 2.25]
    assert units["households"].tolist() == [1250.0, 80.0]
    assert units["buildings"].tolist() == [40.0, 1020.0]
    assert units["1a"].tolist() == [12.0, 0.0]
    assert units["No"].tolist() == [1, 2]  # plain numbers typed
    (entry,) = _entries(units, "number_separators")
    assert "'1,5' as 1.5" in entry.message and "2 of them '.' separates thousands" in entry.message


def test_comma_csv_leaves_ambiguous_thousands_unread(tmp_path):
    path = tmp_path / "rt.csv"
    path.write_text('unit_id,area_ha,households\nA,"1,5",40\nB,2,"1,500"\n')
    units = kg.read_units(path)
    assert units["area_ha"].tolist() == [1.5, 2.0]
    assert units.loc[0, "households"] == 40.0 and np.isnan(units.loc[1, "households"])
    (entry,) = _entries(units, "non_numeric")
    assert (entry.row, entry.column) == (1, "households") and "'1,500'" in entry.message


def test_overlays_refuse_a_plain_table():
    table = pd.DataFrame({"unit_id": ["A"], "area_ha": [1.0]})
    works = gpd.GeoDataFrame(
        {"kind": ["hidran_umum"]}, geometry=[shapely.Point(116.1, -8.58)], crs=4326
    )
    for overlay in (kg.coverage, kg.remaining_area):
        with pytest.raises(kg.InputError, match="table without geometry"):
            overlay(table, works)
    with pytest.raises(kg.InputError, match="table without geometry"):
        kg.coverage(gpd.GeoDataFrame(table), works)  # a GeoDataFrame with no geometry column


# ---------------------------------------------------------------- SIM KOTAKU exports


def _sim_frame(fields: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"unit_id": ["A"], **{f: [float(10 + k)] for k, f in enumerate(fields)}})


def test_sim_fields_follow_the_lettering_of_the_file():
    fields_2018 = ["k4_a_p", "k4_b_p", "k4_c_p", "k6_a_p", "k6_b_p", "k4_p"]
    units = kg.read_units(_sim_frame(fields_2018))
    assert [c for c in units.columns if c != "unit_id"][:6] == [
        "pct_4a", "pct_4b", "pct_4c", "pct_6a", "pct_6b", "avg_drainase"]  # fmt: skip
    assert units["pct_4c"].tolist() == [12.0]
    # With 19 criteria (k4_d_p, k4_e_p, k6_c_p present) the 2016 lettering: drainage c, d, e
    # are 4d, 4e, 4c.
    fields_2016 = ["k3_a_p", "k4_a_p", "k4_b_p", "k4_c_p", "k4_d_p", "k4_e_p", "k6_c_p"]
    units = kg.read_units(_sim_frame(fields_2016))
    got = {c: float(units[c].iloc[0]) for c in units.columns if c.startswith("pct_")}
    assert got == {"pct_3a": 10.0, "pct_4a": 11.0, "pct_4b": 12.0, "pct_4d": 13.0,
                   "pct_4e": 14.0, "pct_4c": 15.0, "pct_6c": 16.0}  # fmt: skip
    assert _mapped(units)["k4_e_p"] == (
        "'k4_e_p' read as 'pct_4c' (SIM KOTAKU profile field; 19 criteria, so the 2016 lettering)"
    )


def test_shipped_sim_profile(reference):
    sim = kg.read_units(kg.datasets.get_path("mataram_sim_profile"),
                        id_column=["kode_kel", "rw", "rt"])  # fmt: skip
    assert len(sim) == 125 and sim["unit_id"].iloc[0] == "52.71.01.1006/001/001"
    assert not {c for c in sim.columns if c in CRITERIA_2018}  # percentages only
    by_kel = reference.reset_index().set_index(["kode_kelurahan", "rw", "rt"])
    ref = by_kel.loc[list(zip(sim["kode_kelurahan"], sim["rw"], sim["rt"], strict=True))]
    for code in CRITERIA_2018:
        np.testing.assert_array_equal(sim[f"pct_{code}"], ref[f"pct_{code}"])
    # SIM KOTAKU's aspect average: a criterion under 25 % counts 0.
    rs = kg.get_ruleset()
    for aspect, codes in rs.aspects.items():
        pct = ref[[f"pct_{c}" for c in codes]].to_numpy(float)
        want = round_half_up(np.where(pct >= 25, pct, 0).mean(axis=1))
        np.testing.assert_array_equal(sim[f"avg_{aspect}"].to_numpy(), want)
    assert sim["level"].tolist() == ref["level"].astype(str).str.upper().tolist()
    assert sim["area_ha"].tolist() == ref["area_ha"].tolist()


# ---------------------------------------------------------------- the one table


def test_r0_reader_uses_the_same_table():
    assert list(R0_HEADERS) == [
        "provinsi", "kota", "kecamatan", "kelurahan", "rw", "rt", "unit_id", "nama_kawasan",
        "area_ha", "buildings", "households", "penduduk", "road_length_m", "drain_length_m",
        *CRITERIA_2018,
    ]  # fmt: skip
    for column, headers in R0_HEADERS.items():
        assert headers == CONVENTIONS[column].r0
    assert map_r0_header("jumlah_ban") == "buildings" and map_r0_header("DESA") == "kelurahan"
    # Percentages, scores and levels are kept under their own header by the R0 reader (the
    # units reader then recognises them).
    assert [map_r0_header(h) for h in ("1a (%)", "Skor 1a", "Tingkat Kekumuhan")] == [None] * 3


def test_column_table_and_readme():
    table = column_table("units", compact=False)
    assert list(table.columns) == ["convention", "meaning", "unit", "names"]
    assert table["convention"].tolist() == list(conventions_for("units"))
    compact = column_table("units").set_index("convention")
    assert "kriteria_1a" in compact.loc["<code>", "names"]
    assert "Status (if level labels)" in compact.loc["level", "names"]
    assert "road_lengt" not in " ".join(table["names"])  # cut names are derived, not listed
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for what in ("units", "interventions"):
        assert column_table_markdown(what) in readme
    spec = importlib.util.spec_from_file_location("readme_columns", ROOT / "scripts" /
                                                  "readme_columns.py")  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0


def test_csv_reader_refuses_bytes_that_are_not_text(tmp_path):
    path = tmp_path / "rt.csv"
    path.write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(kg.InputError, match=r"rt\.csv.*neither UTF-8 nor Windows-1252"):
        kg.read_units(path)


def test_given_percentages_and_scores_that_are_not_numbers_are_reported():
    src = _frame(2, unit_id=["A", "B"], **{"1a (%)": ["12,5", "banyak"], "skor_1a": [1, "x"]})
    units = kg.read_units(src)
    assert units["pct_1a"].tolist()[0] == 12.5 and np.isnan(units["pct_1a"].iloc[1])
    assert np.isnan(units["score_1a"].iloc[1])  # never a silent 0
    assert sorted((i.row, i.column) for i in _entries(units, "non_numeric")) == [
        (1, "pct_1a"), (1, "score_1a")]  # fmt: skip


def test_real_shaped_files_are_rebuilt_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_real_shaped", ROOT / "sample_data" / "make_real_shaped.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.main(tmp_path):
        shipped = Path(kg.datasets.get_path("ntb_sample")).parent / path.name
        assert path.read_bytes() == shipped.read_bytes(), path.name
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert total < 200_000  # small enough to ship


def test_kmz_of_works_with_a_folder_per_kind(tmp_path):
    points = {"Hidran Umum": [(116.1, -8.58), (116.101, -8.58)], "MCK": [(116.102, -8.58)]}
    folders = "".join(
        f"<Folder><name>{kind}</name>"
        + "".join(
            f"<Placemark><ExtendedData><Data name='tahun'><value>2022</value></Data>"
            f"<Data name='status'><value>selesai</value></Data></ExtendedData>"
            f"<Point><coordinates>{x},{y},0</coordinates></Point></Placemark>"
            for x, y in xy
        )
        + "</Folder>"
        for kind, xy in points.items()
    )
    kml = f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{folders}</Document></kml>'
    works = kg.read_interventions(_kmz(tmp_path / "kegiatan.kmz", kml.encode()))
    assert works["kind"].tolist() == ["Hidran Umum", "Hidran Umum", "MCK"]
    assert works["category"].tolist() == ["air_minum", "air_minum", "air_limbah"]
    assert works["year"].tolist() == [2022] * 3 and works["completed"].all()
    assert _mapped(works)["layer"] == "'layer' read as 'kind' (the folder names are kinds of work)"


def test_id_column_names_may_differ_in_case_when_only_one_column_fits():
    src = _frame(2, KELURAHAN=["Bintaro"] * 2, RT=["001", "002"], rt_lama=["9", "8"])
    units = kg.read_units(src, id_column=["kelurahan", "rt"])
    assert units["unit_id"].tolist() == ["Bintaro/001", "Bintaro/002"]
    with pytest.raises(kg.InputError, match="no column 'r t x'"):
        kg.read_units(src, id_column=["kelurahan", "r t x"])
    both = src.assign(Kelurahan=["Banjar"] * 2)  # two columns fit "kelurahan": none is taken
    with pytest.raises(kg.InputError, match="no column 'kelurahan'"):
        kg.read_units(both, id_column=["kelurahan", "RT"])
