"""Templates to fill in: the right fields, types and CRS; Indonesian headers the readers know;
filled with the sample's rows they read back without errors and score as the sample does."""

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
from kotaku_gis.columns import column_guide, match_name
from kotaku_gis.templates import template_columns, template_headers
from kotaku_gis.workbook import map_r0_header

SAMPLE = kg.datasets.get_path("ntb_sample")
CODES_2018 = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b", "6a",
              "6b", "7a", "7b"]  # fmt: skip


@pytest.fixture(scope="module")
def sample() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    units = gpd.read_file(SAMPLE, layer="units")
    works = gpd.read_file(SAMPLE, layer="interventions")
    return units, works


@pytest.fixture
def templates(tmp_path):
    return {p.name: p for p in kg.write_templates(tmp_path)}


def test_files_layers_crs_and_geometry_types(templates):
    assert sorted(templates) == [
        "interventions.gpkg", "interventions.xlsx", "units.gpkg", "units.xlsx",
    ]  # fmt: skip
    units = pyogrio.read_info(templates["units.gpkg"], layer="units")
    works = pyogrio.read_info(templates["interventions.gpkg"], layer="interventions")
    assert units["crs"] == works["crs"] == "EPSG:4326"
    assert units["geometry_type"] == "MultiPolygon"
    assert works["geometry_type"] == "Unknown"  # points, lines and polygons alike
    assert units["features"] == works["features"] == 0  # nothing filled in for the planner
    assert [str(n) for n in pyogrio.list_layers(templates["units.gpkg"])[:, 0]] == ["units"]


def test_fields_are_the_conventions_with_their_types(templates):
    units = pyogrio.read_info(templates["units.gpkg"], layer="units")
    fields = dict(zip(units["fields"], units["dtypes"], strict=True))
    assert list(fields) == [
        "unit_id", "provinsi", "kota", "kecamatan", "kelurahan", "rw", "rt", "nama_kawasan",
        "area_ha", "buildings", "households", "penduduk", "road_length_m", "drain_length_m",
        *CODES_2018,
    ]  # fmt: skip
    # Ids and names as text (so "001" stays "001"), counts whole, hectares and metres decimal.
    assert {fields[c] for c in ("unit_id", "rw", "rt", "kelurahan")} == {"object"}
    assert {fields[c] for c in ("buildings", "households", "penduduk", "1a", "3b", "7b")} == {
        "int64"
    }
    assert {fields[c] for c in ("area_ha", "road_length_m", "1b", "2a", "4a", "4c")} == {"float64"}
    works = pyogrio.read_info(templates["interventions.gpkg"], layer="interventions")
    wfields = dict(zip(works["fields"], works["dtypes"], strict=True))
    assert list(wfields) == [
        "intervention_id", "kind", "year", "status", "volume", "radius_m", "unit_id",
        "criterion", "kelurahan", "cost", "sumber_dana",
    ]  # fmt: skip
    assert wfields["year"] == "int64" and wfields["volume"] == wfields["cost"] == "float64"
    assert wfields["intervention_id"] == wfields["unit_id"] == "object"


def test_ruleset_2016_adds_its_three_criteria(tmp_path):
    paths = kg.write_templates(tmp_path, ruleset="permen-02-2016", formats=["gpkg"])
    assert [p.name for p in paths] == ["units.gpkg", "interventions.gpkg"]
    fields = list(pyogrio.read_info(paths[0], layer="units")["fields"])
    assert [f for f in fields if f[0].isdigit()] == [
        "1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b",
        "6a", "6b", "6c", "7a", "7b",
    ]  # fmt: skip
    headers = template_headers("units", ruleset="permen-02-2016")
    # 4d has no R0 header of its own: its code and the regulation's name stand in.
    assert headers[template_columns("units", ruleset="permen-02-2016").index("4d")] == (
        "4.d Tidak terhubung dengan sistem drainase perkotaan (m)"
    )


def test_bad_options_are_refused_before_writing(tmp_path):
    with pytest.raises(kg.InputError, match="formats must be"):
        kg.write_templates(tmp_path / "a", formats=["shp"])
    with pytest.raises(kg.InputError, match="permen-2099"):
        kg.write_templates(tmp_path / "b", ruleset="permen-2099")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_workbook_headers_are_indonesian_and_each_read_as_its_column(templates):
    for what, reader in (("units", map_r0_header), ("interventions", None)):
        ws = openpyxl.load_workbook(templates[f"{what}.xlsx"]).active
        headers = [c.value for c in ws[3]]
        columns = template_columns(what)
        assert headers == template_headers(what)
        for header, col in zip(headers, columns, strict=True):
            found = reader(header) if reader else match_name(header, what="interventions")
            assert found == col, (header, col)
        # Every header cell says, in both languages, what to write there.
        guide = column_guide(what, compact=False).set_index("column")
        for j, col in enumerate(columns, start=1):
            note = ws.cell(row=3, column=j).comment.text
            assert guide.loc[col, "meaning_id"] in note and guide.loc[col, "meaning_en"] in note
            assert ("WAJIB" in note) == (guide.loc[col, "need"] == "required")
    units_headers = template_headers("units")
    assert units_headers[:3] == ["ID RT", "Provinsi", "Kota/Kabupaten"]
    assert "Jumlah KK" in units_headers and "Luas Verifikasi (Ha)" in units_headers
    assert template_headers("interventions")[:4] == [
        "ID Kegiatan", "Jenis Kegiatan", "Tahun", "Status",
    ]  # fmt: skip


def _quiet_read(reader, source, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return reader(source, **kw)


def _same_scores(a: pd.DataFrame, b: pd.DataFrame) -> None:
    a = a.set_index("unit_id").sort_index()
    b = b.set_index("unit_id").sort_index()
    assert a.index.tolist() == b.index.tolist()
    cols = ["total_score", *[f"pct_{c}" for c in CODES_2018], *[f"score_{c}" for c in CODES_2018]]
    np.testing.assert_array_equal(a[cols].to_numpy(float), b[cols].to_numpy(float))
    assert a["level"].astype(str).tolist() == b["level"].astype(str).tolist()


def test_geopackage_filled_with_the_sample_reads_back_and_scores_the_same(templates, sample):
    units, works = sample
    first = units.head(25)
    near = works[works.geometry.intersects(first.union_all()) | works["unit_id"].isin(
        first["unit_id"])].head(60)  # fmt: skip
    assert len(near) == 60 and near.geometry.notna().all()
    # Copy the sample's values into the template's own fields, as a planner would paste them.
    t_units = gpd.read_file(templates["units.gpkg"], layer="units")
    fill = first[[c for c in t_units.columns if c != "geometry"]].copy()
    fill = gpd.GeoDataFrame(fill, geometry=shapely.multipolygons(
        [shapely.get_parts(g) for g in first.geometry]), crs=first.crs)  # fmt: skip
    pyogrio.write_dataframe(fill, templates["units.gpkg"], layer="units", append=True)
    t_works = gpd.read_file(templates["interventions.gpkg"], layer="interventions")
    wcols = [c for c in t_works.columns if c != "geometry" and c in near.columns]
    assert "cost" not in wcols and len(wcols) == len(t_works.columns) - 3  # cost, kelurahan
    pyogrio.write_dataframe(
        near[[*wcols, "geometry"]], templates["interventions.gpkg"], layer="interventions",
        append=True,
    )  # fmt: skip

    got_u = kg.read_units(templates["units.gpkg"])
    got_w = kg.read_interventions(templates["interventions.gpkg"])
    assert got_u.attrs["report"].errors == [] and got_u.attrs["report"].warnings == []
    assert got_w.attrs["report"].errors == [] and got_w.attrs["report"].warnings == []
    assert len(got_u) == 25 and len(got_w) == 60
    ref_u = _quiet_read(kg.read_units, first)
    ref_w = _quiet_read(kg.read_interventions, near)
    base = kg.assess(got_u)
    _same_scores(base, kg.assess(ref_u))
    after = kg.assess(got_u, reductions=kg.allocate(got_u, got_w, year=2023), year=2023)
    ref_after = kg.assess(ref_u, reductions=kg.allocate(ref_u, ref_w, year=2023), year=2023)
    _same_scores(after, ref_after)
    # The works do change scores: a comparison of two untouched baselines proves nothing.
    assert (after["total_score"].to_numpy() != base["total_score"].to_numpy()).sum() >= 5


def _fill_sheet(path, frame: pd.DataFrame, columns: list[str]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for i, row in enumerate(frame[columns].itertuples(index=False), start=4):
        for j, value in enumerate(row, start=1):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            ws.cell(row=i, column=j, value=value.item() if hasattr(value, "item") else value)
    wb.save(path)


def test_workbooks_filled_with_the_sample_read_back_and_score_the_same(templates, sample):
    units, works = sample
    table_rows = works[works.geometry.isna()]
    assert len(table_rows) == 24  # the sample's works given as table rows (unit + criterion)
    ids = list(dict.fromkeys([*units["unit_id"].head(10), *table_rows["unit_id"]]))
    chosen = units[units["unit_id"].isin(ids)]
    _fill_sheet(templates["units.xlsx"], chosen, template_columns("units"))
    rows = pd.DataFrame(table_rows.drop(columns="geometry")).assign(cost=np.nan, kelurahan=None)
    _fill_sheet(templates["interventions.xlsx"], rows, template_columns("interventions"))

    got_u = kg.read_units(templates["units.xlsx"])
    got_w = kg.read_interventions(templates["interventions.xlsx"])
    for got in (got_u, got_w):
        report = got.attrs["report"]
        assert report.errors == [] and report.warnings == [], report.to_frame()
    assert len(got_u) == len(chosen) and len(got_w) == 24
    assert got_u["rw"].tolist() == chosen["rw"].tolist()  # "001" stays text
    ref_u = _quiet_read(kg.read_units, chosen)
    ref_w = _quiet_read(kg.read_interventions, table_rows)
    _same_scores(kg.assess(got_u), kg.assess(ref_u))
    red = kg.allocate(got_u, got_w, year=2023)
    ref_red = kg.allocate(ref_u, ref_w, year=2023)
    assert len(red) == len(ref_red) > 0
    np.testing.assert_allclose(
        red.groupby(["unit_id", "criterion"])["volume"].sum().sort_index().to_numpy(),
        ref_red.groupby(["unit_id", "criterion"])["volume"].sum().sort_index().to_numpy(),
    )
    _same_scores(
        kg.assess(got_u, reductions=red, year=2023),
        kg.assess(ref_u, reductions=ref_red, year=2023),
    )


def test_works_workbook_rows_without_an_id_are_reported_not_read(templates):
    wb = openpyxl.load_workbook(templates["interventions.xlsx"])
    ws = wb.active
    for i, row in enumerate([
        ["W1", "Jalan beton", 2022, "selesai", "1.250,5", None, "RT01", "2a"],
        [None, "Hidran umum", 2022, "selesai", 1, None, "RT01", "3a"],
        ["W2", "Hidran umum", "2022", "rencana", 2, 150, "RT02", "3a", "Ampenan", 5e6],
    ], start=4):  # fmt: skip
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=value)
    wb.save(templates["interventions.xlsx"])
    works = _quiet_read(kg.read_interventions, templates["interventions.xlsx"])
    assert works["intervention_id"].tolist() == ["W1", "W2"]
    assert works["volume"].tolist() == [1250.5, 2.0]  # "1.250,5" typed the Indonesian way
    assert works["year"].tolist() == [2022, 2022]
    assert works["completed"].tolist() == [True, False]
    assert works["radius_m"].tolist()[1] == 150.0 and works["cost"].tolist()[1] == 5e6
    skipped = works.attrs["report"].to_frame().query("check == 'row_without_id'")
    assert skipped["row"].tolist() == ["Kegiatan!5"]
    assert "no intervention_id" in skipped["message"].iloc[0]
