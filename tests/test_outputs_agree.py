"""Every output of one run tells the same figures, in one language, and says what it could not
measure.

- One run of the bundled sample (``kotaku-gis demo``): each figure that two outputs share (a
  unit's area, its geometry's area, its served and unserved hectares; the slum hectares of
  each kelurahan and kota before and after works; the run's totals) is read back from every
  file and from the console, and all agree to 0.01 ha (the workbook shows figures rounded to
  0.01 ha, the machine files keep them whole).
- The same run in Indonesian and in English: no text a person reads (workbook, console,
  ``run.json``'s notes and messages, ``--help``) holds a text of the other language's label
  table.
- Units known only by a published level cannot be re-scored after works: the outputs count
  them and their hectares (``units_not_recomputed``, ``ha_not_recomputed``) instead of a
  silent reduction of 0.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from typer.testing import CliRunner

import kotaku_gis as kg
from kotaku_gis.cli import TEXTS, app
from kotaku_gis.labels import label_table
from kotaku_gis.pipeline import run_job

runner = CliRunner()
HA = 0.01  # the agreement asked of every shared figure


def _demo(out, lang: str) -> str:
    result = runner.invoke(app, ["demo", "--out", str(out), "--quiet", "--lang", lang])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    out = {}
    for lang in ("id", "en"):
        folder = tmp_path_factory.mktemp(f"demo_{lang}")
        out[lang] = {"dir": folder, "console": _demo(folder, lang)}
    return out


def _sheet(wb, name: str) -> pd.DataFrame:
    """A report sheet as a table: its header is below the caption lines and a blank row."""
    rows = list(wb[name].iter_rows(values_only=True))
    blank = next(i for i, row in enumerate(rows) if all(v is None for v in row))
    return pd.DataFrame(rows[blank + 2 :], columns=list(rows[blank + 1]))


def _number(text: str) -> float:
    """A figure as the Indonesian console writes it (1.072,71)."""
    return float(text.replace(".", "").replace(",", "."))


def _console_figure(console: str, label: str) -> float:
    match = re.search(rf"│ {re.escape(label)}\s+│\s+([\d.,]+)", console)
    assert match, label
    return _number(match.group(1))


def _agree(*columns: pd.Series | np.ndarray, tol: float = HA) -> None:
    first = np.asarray(columns[0], dtype=float)
    for other in columns[1:]:
        np.testing.assert_allclose(np.asarray(other, dtype=float), first, rtol=0, atol=tol)


def test_every_output_tells_the_same_figures(runs):
    folder, console = runs["id"]["dir"], runs["id"]["console"]
    wb = openpyxl.load_workbook(folder / "kotaku_report.xlsx")
    manifest = json.loads((folder / "run.json").read_text())
    head = manifest["headline"]

    # Per unit: area used in all figures, geometry's area, served and unserved hectares.
    rem = pyogrio.read_dataframe(folder / "remaining.gpkg", layer="remaining").set_index("unit_id")
    rem_report = pyogrio.read_dataframe(
        folder / "kotaku_report.gpkg", layer="remaining", read_geometry=False
    ).set_index("unit_id")
    units_layer = pyogrio.read_dataframe(
        folder / "kotaku_report.gpkg", layer="units_assessed"
    ).set_index("unit_id")
    units_csv = pd.read_csv(folder / "units_assessed.csv", encoding="utf-8-sig").set_index(
        "unit_id"
    )
    sheet = _sheet(wb, "Skor Unit").set_index("ID Unit")
    ids = rem.index
    assert len(ids) == len(kg.datasets.load_units()) and ids.is_unique
    for frame in (rem_report, units_layer, units_csv, sheet):
        assert set(frame.index) == set(ids)
    _agree(rem["area_ha"], rem_report.loc[ids, "area_ha"], units_layer.loc[ids, "area_ha"],
           units_csv.loc[ids, "area_ha"], sheet.loc[ids, "Luas (Ha)"])  # fmt: skip
    equal_area = "+proj=cea +datum=WGS84 +units=m"  # equal-area: hectares measured independently
    _agree(rem["area_ha_geom"], rem_report.loc[ids, "area_ha_geom"],
           units_layer.loc[ids, "area_ha_geom"],
           units_layer.loc[ids].geometry.to_crs(equal_area).area / 10_000)  # fmt: skip
    # remaining.gpkg's geometry is the unserved part of each unit.
    _agree(rem["unserved_ha_geom"], rem.geometry.to_crs(equal_area).area / 10_000)
    for column, title in (("served_ha", "Luas Terlayani (Ha)"),
                          ("unserved_ha", "Luas Belum Terlayani (Ha)")):  # fmt: skip
        _agree(rem[column], rem_report.loc[ids, column], units_csv.loc[ids, column],
               sheet.loc[ids, title])  # fmt: skip
    # Served + unserved is the unit's area, in either measure.
    _agree(rem["area_ha"], rem["served_ha"] + rem["unserved_ha"], tol=1e-6)
    _agree(rem["area_ha_geom"], rem["served_ha_geom"] + rem["unserved_ha_geom"], tol=1e-6)

    # Per kelurahan (kota → kecamatan → kelurahan, kawasan labelled): CSV, GeoPackage, sheet.
    key = ["kota", "kecamatan", "kelurahan"]
    kel_csv = pd.read_csv(folder / "summary_kelurahan.csv", encoding="utf-8-sig")
    kel_gpkg = pyogrio.read_dataframe(folder / "kotaku_report.gpkg", layer="summary")
    kel_sheet = _sheet(wb, "Ringkasan Kelurahan")
    names = {"kota": "Kota/Kabupaten", "kecamatan": "Kecamatan", "kelurahan": "Kelurahan"}
    kel_sheet = kel_sheet.rename(columns={v: k for k, v in names.items()})
    kel_sheet = kel_sheet[kel_sheet["kota"] != "Jumlah"]
    kel_gpkg = kel_gpkg[kel_gpkg["kota"] != "total"]
    for frame in (kel_csv, kel_gpkg, kel_sheet):
        assert frame[key].notna().all().all() and (frame[key] != "").all().all()
    kel_csv, kel_gpkg, kel_sheet = (f.set_index(key).sort_index() for f in
                                    (kel_csv, kel_gpkg, kel_sheet))  # fmt: skip
    assert kel_csv.index.equals(kel_sheet.index) and kel_csv.index.equals(kel_gpkg.index)
    # Kawasan (no kelurahan in the sample) are rows of their own, named.
    kawasan = kel_csv.index.get_level_values("kelurahan").str.startswith("Kawasan ")
    assert kawasan.any()
    by_hand = units_csv.assign(kota=units_layer.loc[units_csv.index, "kota"],
                               kecamatan=units_layer.loc[units_csv.index, "kecamatan"])  # fmt: skip
    for column, title in (("area_ha", "Luas (Ha)"), ("slum_ha", "Luas Kumuh (Ha)"),
                          ("slum_ha_after", "Sisa Luas Kumuh (Ha)"),
                          ("reduced_ha", "Pengurangan Luas Kumuh (Ha)"),
                          ("served_ha", "Luas Terlayani (Ha)"),
                          ("unserved_ha", "Luas Belum Terlayani (Ha)")):  # fmt: skip
        _agree(kel_csv[column], kel_gpkg[column], kel_sheet[title])
    # The kelurahan's area is its units' area, added up by hand.
    assert len(by_hand) == kel_csv["units"].sum()

    # Per kota: CSV and sheet; the kelurahan rows add up to them.
    kota_csv = pd.read_csv(folder / "summary_kota.csv", encoding="utf-8-sig").set_index("kota")
    kota_sheet = _sheet(wb, "Ringkasan Kota")
    total_row = kota_sheet[kota_sheet["Provinsi"] == "Jumlah"].iloc[0]
    kota_sheet = kota_sheet[kota_sheet["Provinsi"] != "Jumlah"].set_index("Kota/Kabupaten")
    kota_sheet = kota_sheet.loc[kota_csv.index]
    from_kel = kel_csv.groupby(level="kota").sum(numeric_only=True).loc[kota_csv.index]
    for column, title in (("area_ha", "Luas (Ha)"), ("slum_ha", "Luas Kumuh (Ha)"),
                          ("slum_ha_after", "Sisa Luas Kumuh (Ha)"),
                          ("served_ha", "Luas Terlayani (Ha)"),
                          ("unserved_ha", "Luas Belum Terlayani (Ha)")):  # fmt: skip
        _agree(kota_csv[column], kota_sheet[title], from_kel[column])

    # The run's totals: run.json, the CSVs, the sheets, the ledger, the grid and the console.
    ledger = pd.read_csv(folder / "ledger.csv", encoding="utf-8-sig").iloc[-1]
    ledger_sheet = _sheet(wb, "Neraca Tahunan").iloc[-1]
    grid = pyogrio.read_dataframe(folder / "grid.gpkg", layer="grid", read_geometry=False)
    slum_before = units_csv.loc[units_csv["level"] != "tidak kumuh", "area_ha"].sum()
    slum_after = units_csv.loc[units_csv["level_after"] != "tidak kumuh", "area_ha"].sum()
    figures = {
        "baseline_slum_ha": [kota_csv["slum_ha"].sum(), total_row["Luas Kumuh (Ha)"],
                             ledger["baseline_ha"], ledger_sheet["Luas Kumuh Awal (Ha)"],
                             slum_before,
                             _console_figure(console, "luas kumuh awal (ha)")],
        "slum_ha_after": [kota_csv["slum_ha_after"].sum(), total_row["Sisa Luas Kumuh (Ha)"],
                          ledger["slum_ha"], ledger_sheet["Luas Kumuh (Ha)"], slum_after,
                          grid["slum_ha"].sum(),
                          _console_figure(console, f"sisa luas kumuh {manifest['year']} (ha)")],
        "reduced_ha": [kota_csv["reduced_ha"].sum(), ledger["reduced_ha"],
                       total_row["Pengurangan Luas Kumuh (Ha)"], slum_before - slum_after,
                       _console_figure(console, "pengurangan luas kumuh (ha)")],
        "area_ha": [kota_csv["area_ha"].sum(), total_row["Luas (Ha)"], rem["area_ha"].sum(),
                    _console_figure(console, "luas unit (ha)")],
        "served_ha": [kota_csv["served_ha"].sum(), total_row["Luas Terlayani (Ha)"],
                      rem["served_ha"].sum(), _console_figure(console, "luas terlayani (ha)")],
        "unserved_ha": [kota_csv["unserved_ha"].sum(), total_row["Luas Belum Terlayani (Ha)"],
                        rem["unserved_ha"].sum(),
                        _console_figure(console, "luas belum terlayani (ha)")],
    }  # fmt: skip
    for name, values in figures.items():
        for value in values:
            assert value == pytest.approx(head[name], abs=HA), name
    rec = manifest["reconciliation"]
    assert rec["balanced"] and rec["baseline_ha"] - rec["reduced_ha"] == pytest.approx(
        rec["remaining_ha"], abs=HA
    )
    # Machine files carry no float noise (972.6799999999998), people's sheets 0.01 ha.
    text = (folder / "summary_kota.csv").read_text(encoding="utf-8-sig")
    assert not re.search(r"\d\.\d*(?:9{6,}|0{6,})\d", text)
    for title in ("Luas (Ha)", "Luas Kumuh (Ha)", "Luas Terlayani (Ha)"):
        assert (kota_sheet[title] == kota_sheet[title].astype(float).round(2)).all()


# ---------------------------------------------------------------- one language per reader


def _label_pairs() -> list[tuple[str, str]]:
    """(Indonesian, English) of every text: the labels table and the command's texts."""
    pairs = [pair for group in label_table().values() for pair in group.values()]
    return pairs + [(TEXTS["id"][key], TEXTS["en"][key]) for key in TEXTS["en"]]


def _foreign_texts(lang: str) -> list[str]:
    """Texts of the other language's label table that are not also in ``lang``'s: whole
    labels, and the fixed parts of templates ({values} cut out), long enough to be phrases."""
    own = 0 if lang == "id" else 1
    pairs = _label_pairs()
    mine = {pair[own] for pair in pairs}
    out: set[str] = set()
    for pair in pairs:
        other = pair[1 - own]
        if other == pair[own] or other in mine:
            continue
        for part in re.split(r"\{[^}]*\}", other):
            part = part.strip(" :;,.()'\"—-")
            if len(part) >= 12 and " " in part and not any(part in m for m in mine):
                out.add(part)
    return sorted(out)


def _texts_for_people(folder, console: str) -> dict[str, str]:
    """What a person reads of a run: the workbook's every cell (machine codes and column names
    aside), run.json's notes, summaries and messages, the console."""
    texts = {"console": console}
    wb = openpyxl.load_workbook(folder / "kotaku_report.xlsx")
    machine = {"Kode Pemeriksaan", "Check code", "Nama Kolom Data", "Data column name"}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        blank = next((i for i, r in enumerate(rows) if all(v is None for v in r)), None)
        skip = set()
        if blank is not None and blank + 1 < len(rows):
            skip = {j for j, v in enumerate(rows[blank + 1]) if v in machine}
        cells = [str(v) for r in rows for j, v in enumerate(r) if v is not None and j not in skip]
        texts[f"sheet {ws.title}"] = "\n".join(cells)
    manifest = json.loads((folder / "run.json").read_text())
    human = [*manifest["notes"], *manifest["validation"].values(),
             manifest["scoring"]["summary"],
             *[i["message"] for i in manifest["scoring"]["first"]]]  # fmt: skip
    texts["run.json"] = "\n".join(human)
    return texts


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_run_speaks_one_language(runs, lang):
    run = runs[lang]
    texts = _texts_for_people(run["dir"], run["console"])
    env = {**os.environ, "KOTAKU_GIS_LANG": lang, "COLUMNS": "200"}
    for command in ("run", "demo"):
        helped = subprocess.run(
            [sys.executable, "-m", "kotaku_gis.cli", command, "--help"],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        texts[f"{command} --help"] = helped.stdout
    foreign = _foreign_texts(lang)
    assert len(foreign) > 200  # the walk has something to find
    found = {name: [f for f in foreign if f in text] for name, text in texts.items()}
    assert {k: v for k, v in found.items() if v} == {}
    # The walk finds them where they are: in the other language's run.
    other = runs["en" if lang == "id" else "id"]
    theirs = _texts_for_people(other["dir"], other["console"])
    assert sum(f in theirs["console"] for f in foreign) >= 10
    assert all(any(f in text for f in foreign) for text in theirs.values())
    # And the texts are there in their own language.
    own = {"id": ("Ringkasan Kota", "luas kumuh awal (ha)", "Menilai unit"),
           "en": ("Summary by kota", "baseline slum area (ha)", "Score units")}[lang]  # fmt: skip
    assert own[0] in texts[f"sheet {own[0]}"].splitlines()[0]
    assert own[1] in texts["console"]
    assert own[2] in " ".join(texts["run --help"].split())
    # The machine files keep the conventions whatever the language.
    kota = pd.read_csv(run["dir"] / "summary_kota.csv", encoding="utf-8-sig")
    assert {"kota", "area_ha", "slum_ha", "slum_ha_after", "served_ha"} <= set(kota.columns)
    dictionary = pd.read_csv(run["dir"] / "data_dictionary.csv", encoding="utf-8-sig")
    assert dictionary.filter(regex="_id$|_en$").shape[1] >= 2  # meanings in both languages


def test_the_command_speaks_indonesian_unless_told():
    env = {k: v for k, v in os.environ.items() if k != "KOTAKU_GIS_LANG"}
    helped = subprocess.run(
        [sys.executable, "-m", "kotaku_gis.cli", "run", "--help"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    flat = " ".join(helped.stdout.split())
    assert "Menilai unit, menumpangkan pekerjaan" in flat
    assert "Bahasa yang dibaca orang" in flat and "[default: id]" in flat


def test_a_language_the_command_does_not_speak_is_refused(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--lang", "fr"])
    assert result.exit_code == 2
    assert "'id'" in result.output and "'en'" in result.output
    assert not any(tmp_path.iterdir())


# ---------------------------------------------------------------- not recomputed after works


def _mixed_units() -> gpd.GeoDataFrame:
    """A (2 ha, 10 buildings lacking 7a and 7b, 1a and 1c: 4 x 5 = 20, kumuh ringan) is known by
    its volumes; B (1.5 ha) only by its published level, kumuh sedang."""
    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "kota": ["Kota Mataram"] * 2, "kecamatan": ["Ampenan"] * 2,
         "kelurahan": ["Bintaro"] * 2, "area_ha": [2.0, 1.5], "buildings": [10, np.nan],
         "households": [20, np.nan], "road_length_m": [100.0, np.nan],
         "drain_length_m": [100.0, np.nan], "level": [None, "Kumuh Sedang"],
         **{code: [0.0, np.nan] for code in kg.get_ruleset().codes}},
        geometry=[shapely.box(116.100, -8.580, 116.101, -8.579),
                  shapely.box(116.101, -8.580, 116.102, -8.579)],
        crs=4326,
    )  # fmt: skip
    for code in ("1a", "1c", "7a", "7b"):
        units.loc[0, code] = 10.0
    return units


def test_units_known_by_a_published_level_are_counted_as_not_recomputed(tmp_path):
    units = _mixed_units()
    # One hydrant in each unit: works reach both.
    works = gpd.GeoDataFrame(
        {"intervention_id": ["W1", "W2"], "kind": "hidran kebakaran", "year": 2023,
         "status": "selesai"},
        geometry=[shapely.Point(116.1005, -8.5795), shapely.Point(116.1015, -8.5795)],
        crs=4326,
    )  # fmt: skip
    res = run_job(units, works, out_dir=tmp_path, write_map=False, grid_m=None)
    assert res.baseline["level_source"].tolist() == ["volumes", "published"]
    head = res.headline()
    assert head["units_not_recomputed"] == 1 and head["ha_not_recomputed"] == 1.5
    assert head["baseline_slum_ha"] == 3.5
    manifest = json.loads((tmp_path / "run.json").read_text())
    assert manifest["headline"]["units_not_recomputed"] == 1
    assert manifest["headline"]["ha_not_recomputed"] == 1.5
    assert any("1 unit (1,50 ha)" in n for n in manifest["notes"])
    ledger = pd.read_csv(tmp_path / "ledger.csv", encoding="utf-8-sig")
    assert ledger["units_not_recomputed"].iloc[-1] == 1
    assert ledger["ha_not_recomputed"].iloc[-1] == 1.5
    kota = pd.read_csv(tmp_path / "summary_kota.csv", encoding="utf-8-sig")
    assert kota["units_not_recomputed"].tolist() == [1]
    assert kota["ha_not_recomputed"].tolist() == [1.5]
    wb = openpyxl.load_workbook(tmp_path / "kotaku_report.xlsx")
    notes = dict(_sheet(wb, "Katalog").itertuples(index=False, name=None))
    assert notes["Unit tanpa tingkat terukur sesudah penanganan"] == 1
    assert notes["Luas tanpa tingkat terukur sesudah penanganan (Ha)"] == 1.5
    sheet = _sheet(wb, "Ringkasan Kota")
    assert sheet["Unit Tidak Dihitung Ulang"].iloc[-1] == 1
    for ws in ("Ringkasan Kota", "Neraca Tahunan"):
        caption = [r[0] for r in wb[ws].iter_rows(max_row=4, values_only=True)]
        assert any(c and c.startswith("1 unit (1,50 ha) tidak memiliki") for c in caption)


def test_the_sample_kmz_says_its_units_were_not_recomputed(tmp_path):
    """The KMZ's units carry published levels only: nothing about them can be re-scored, and
    the command says so for every unit and hectare instead of a bare 0.00 reduction."""
    kmz = kg.datasets.get_path("mataram_kumuh_kmz")
    sample = kg.datasets.get_path("ntb_sample")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        units = kg.read_units(kmz)
    assert units["area_ha"].notna().all()  # the placemarks state their hectares
    expected_ha = round(float(units["area_ha"].sum()), 2)
    result = runner.invoke(
        app,
        ["run", "--units", str(kmz), "--interventions", str(sample), "--interventions-layer",
         "interventions", "--out", str(tmp_path), "--quiet", "--keep-going", "--grid-m", "0",
         "--lang", "en"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    head = json.loads((tmp_path / "run.json").read_text())["headline"]
    assert head["units_not_recomputed"] == len(units) == head["units"]
    assert head["ha_not_recomputed"] == pytest.approx(expected_ha, abs=HA)
    text = " ".join(result.output.split())
    assert f"units not recomputed after works │ {len(units)}" in text
    assert f"0.00 (not counting {expected_ha:,.2f} ha not recomputed)" in text
    assert f"{len(units)} unit(s) ({expected_ha:,.2f} ha) have no measured level" in text
    assert "Reconciliation (units not recomputed enter with their baseline level)" in text
    # Without a kota column the one summary row keeps its counts whole.
    summary = pd.read_csv(tmp_path / "summary_kota.csv", encoding="utf-8-sig")
    assert summary["units_not_recomputed"].tolist() == [len(units)]
    assert all(summary[c].dtype == np.int64 for c in summary.columns if c.startswith("units"))


def test_the_readme_glossary_is_the_labels_glossary():
    from pathlib import Path

    from kotaku_gis.labels import glossary

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| ") and "`" in line]
    table = {line.split("|")[3].strip(" `"): line for line in rows}
    terms = glossary()
    assert {"area_ha", "area_ha_geom", "slum_ha", "served_ha", "units_not_recomputed"} <= set(
        terms["column"]
    )
    for row in terms.itertuples(index=False):
        cells = [c.strip() for c in table[row.column].split("|")[1:-1]]
        assert cells == [row.istilah, row.term, f"`{row.column}`", row.arti, row.meaning,
                         row.unit]  # fmt: skip
