"""The ``kotaku-gis`` command: the main job on files, or on the bundled sample.

Every text the command shows a person (help, examples, headings, messages) is in
:data:`TEXTS`, in Indonesian and English, looked up with :func:`text`. The language is
``--lang id|en`` (``run`` and ``demo``), else the environment variable ``KOTAKU_GIS_LANG``
(default ``id``), which ``--help`` and the other commands follow.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand

from .errors import InputError
from .labels import LANGUAGES, Lang, check_lang, count_text, format_text, header, level_text
from .schema import LEVELS, after_column, ha_column

# ---------------------------------------------------------------- texts

#: Every text the command shows, by key: help texts, examples, headings and messages.
TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "app_help": "Slum hectares, scores and remaining area for KOTAKU planners.",
        "app_epilog": (
            "\b\nFirst steps:\n"
            "  kotaku-gis demo                      the whole job on the bundled NTB sample\n"
            "  kotaku-gis columns                   the columns your files need\n"
            "  kotaku-gis template my_data/         empty files to fill in (GPKG and Excel)\n"
            "  kotaku-gis validate rt.gpkg          check a file before running\n"
            "  kotaku-gis run --units rt.gpkg --interventions works.gpkg --out hasil/\n"
            "Each command has its own --help."
        ),
        # one line per command in the list of commands
        "demo_short": "The whole job on the bundled NTB sample.",
        "run_short": "The whole job on your files: scores, remaining ha, map.",
        "plan_short": "The works that free the most slum ha within a budget.",
        "validate_short": "Check a units or works file.",
        "reconcile_short": "Check a reported ledger (baseline - reduced).",
        "columns_short": "The columns units and works files need.",
        "template_short": "Empty units and works files to fill in.",
        # demo
        "demo_help": "Run the main job on the bundled NTB sample and write its outputs.",
        "demo_epilog": (
            "\b\nExamples:\n"
            "  kotaku-gis demo\n"
            "  kotaku-gis demo --out hasil_demo --year 2022\n"
            "  kotaku-gis demo --include-planned      what-if: planned works counted as done"
        ),
        # run
        "run_help": (
            "Score units, overlay completed works and write remaining.gpkg, summaries, a map "
            "and the reports.\n\nWith --out postgresql://… the same tables go into a PostGIS "
            "schema, in one transaction. The columns the files need: kotaku-gis columns."
        ),
        "run_epilog": (
            "\b\nExamples:\n"
            "  kotaku-gis run --units rt.gpkg --interventions works.gpkg --out hasil/\n"
            "  kotaku-gis run --units rt.gpkg --interventions works.gpkg --out hasil/ "
            "--year 2022\n"
            "  kotaku-gis run --units r0.xlsx --interventions kegiatan.xlsx --out hasil/\n"
            "  kotaku-gis run ... --flood flood_depth.tif --flood-threshold 0.3\n"
            "  kotaku-gis run ... --keep-going        go on past unit errors, reported\n"
            "  kotaku-gis run ... --include-planned   what-if: planned works counted as done\n"
            "  kotaku-gis run --units postgresql://planner@db/kumuh --units-layer kotaku.rt "
            "--interventions postgresql://planner@db/kumuh --interventions-layer "
            "kotaku.kegiatan --out postgresql://planner@db/kumuh"
        ),
        "opt_units": (
            "Slum units: GeoPackage, GeoJSON, Shapefile (.shp or .zip), KML/KMZ, GeoParquet, "
            "CSV or Excel; or a PostGIS URL postgresql://user@host:5432/db with --units-layer."
        ),
        "opt_interventions": "Works (interventions): a file as for --units, or a PostGIS URL.",
        "opt_out": "Output folder, or a PostGIS URL: the run's tables go into --schema there.",
        "opt_out_demo": "Output folder.",
        "opt_year": "Count works done by this year.",
        "year_default": "the latest year among the works",
        "opt_units_layer": "Layer of the units file, or a table / SELECT query in PostGIS.",
        "opt_interventions_layer": "Layer of the works file, or a table in PostGIS.",
        "opt_flood": "Flood-depth raster (GeoTIFF): sets criterion 4a before scoring.",
        "opt_flood_threshold": "Depth in metres that counts as inundated.",
        "opt_grid_m": "Privacy-grid cell in metres (0: no grid).",
        "opt_include_planned": (
            "What-if: count planned and in-progress works as done (not cancelled ones); "
            "every output says so."
        ),
        "opt_schema": "Schema for the tables when --out is a PostGIS URL.",
        "opt_quiet": "No progress display.",
        # plan
        "plan_help": (
            "Choose the candidate works that free the most slum hectares within a budget.\n\n"
            "Writes plan.xlsx, plan.csv, plan_reductions.csv (audit trail), plan_map.html "
            "and plan.json."
        ),
        "plan_epilog": (
            "\b\nExamples:\n"
            "  kotaku-gis plan --units rt.gpkg --candidates usulan.gpkg --budget 2e9 "
            "--out rencana/\n"
            "  kotaku-gis plan --units rt.gpkg --candidates usulan.gpkg --budget 2e9 "
            "--works works.gpkg --year 2023 --alternatives alternatif --out rencana/"
        ),
        "opt_plan_units": "Slum units file (baseline volumes).",
        "opt_candidates": "Candidate works with a cost column.",
        "opt_budget": "Money available, in the currency of the costs.",
        "opt_plan_out": "Output folder.",
        "opt_works": "Works already built (applied first).",
        "opt_plan_year": "Count works completed by this year.",
        "opt_objective": "slum_ha, weighted_ha or score.",
        "opt_time_limit": "Seconds the solver may take.",
        "opt_gap": "Relative gap at which to stop (0: the proven optimum).",
        "opt_cost_column": "Column of the costs.",
        "opt_alternatives": "Column naming groups of alternatives (at most one per group).",
        "opt_layer_units": "Layer of the units file.",
        "opt_layer_candidates": "Layer of the candidates file.",
        "opt_layer_works": "Layer of the works file.",
        # validate
        "validate_help": "Print every problem found in a units or works file.",
        "validate_epilog": (
            "\b\nExamples:\n"
            "  kotaku-gis validate rt.gpkg\n"
            "  kotaku-gis validate kegiatan.xlsx --what interventions\n"
            "  kotaku-gis validate rt.zip --id-column KODE_RT\n"
            "Exit status: 0 without errors, 1 with errors, 2 when the file cannot be read."
        ),
        "arg_validate_file": "Layer to check (a file, or a PostGIS URL).",
        "opt_what": "'units' or 'interventions'.",
        "opt_layer": "Layer of a multi-layer file.",
        "opt_id_column": "Identifier column of units, as named in the file.",
        "what_invalid": "--what must be 'units' or 'interventions'",
        "rows_read": "{rows} rows read; {summary}",
        # reconcile
        "reconcile_help": (
            "Check a reported ledger: remaining must equal baseline minus reduced.\n\n"
            "Exits 1 when the figures do not balance, printing the unexplained gap."
        ),
        "reconcile_epilog": (
            "\b\nExamples:\n"
            "  kotaku-gis reconcile 575.47 108.38 467.09     balanced\n"
            "  kotaku-gis reconcile 575.47 108.38 361.5      a gap of -105.59 ha: exit 1"
        ),
        "arg_baseline_ha": "Baseline slum hectares.",
        "arg_reduced_ha": "Hectares reported as reduced.",
        "arg_remaining_ha": "Hectares reported as remaining.",
        "opt_tolerance_ha": "Gap accepted as rounding, in hectares.",
        # columns
        "columns_help": (
            "Print the columns a units or works layer needs: name, meaning (Indonesian and "
            "English), unit, required or optional, and the other names recognised for it."
        ),
        "columns_epilog": (
            "\b\nExamples:\n"
            "  kotaku-gis columns                    units and works\n"
            "  kotaku-gis columns units --full       every criterion column listed\n"
            "  kotaku-gis columns interventions"
        ),
        "arg_columns_what": "'units', 'interventions' or 'all'.",
        "opt_full": "List every per-criterion and per-aspect column, not one row per family.",
        "columns_what_invalid": "WHAT must be 'units', 'interventions' or 'all', not {what!r}",
        "columns_title_units": (
            "UNITS / UNIT KUMUH: one row per RT or kawasan; polygons in any CRS, or a table "
            "without geometry (scored, not overlaid)"
        ),
        "columns_title_interventions": (
            "WORKS / KEGIATAN (--interventions): one row per work; points, lines or polygons, "
            "or table rows naming unit_id and criterion"
        ),
        "columns_need_required": "REQUIRED / WAJIB",
        "columns_need_optional": "optional / pilihan",
        "columns_also": "also read",
        "columns_footer": (
            "A blank cell is 'not known', never 0. Names are matched ignoring case, spaces "
            "and punctuation; Shapefile names cut to 10 characters are recognised too. "
            "Empty files to fill in: kotaku-gis template OUT."
        ),
        # template
        "template_help": (
            "Write empty units and works templates to fill in: units.gpkg and "
            "interventions.gpkg (EPSG:4326, typed fields) and units.xlsx and "
            "interventions.xlsx (Indonesian headers, a note on each header)."
        ),
        "template_epilog": (
            "\b\nExamples:\n"
            "  kotaku-gis template data_kota/\n"
            "  kotaku-gis template data_kota/ --ruleset permen-02-2016    19 criteria\n"
            "  kotaku-gis template data_kota/ --format xlsx\n"
            "Then: kotaku-gis run --units data_kota/units.gpkg "
            "--interventions data_kota/interventions.gpkg --out hasil/"
        ),
        "arg_template_out": "Folder to write the templates into (created if needed).",
        "opt_ruleset": "Regulation whose criteria the units template has columns for.",
        "opt_format": "gpkg, xlsx, or both.",
        "template_format_invalid": "--format must be gpkg, xlsx or both, not {value!r}",
        "template_next": (
            "Fill in one row per unit and per work (a blank cell is unknown, not 0), then:\n"
            "  kotaku-gis validate {units}\n"
            "  kotaku-gis run --units {units} --interventions {works} --out hasil/\n"
            "The columns and their meanings: kotaku-gis columns"
        ),
        # flags
        "flag_value": (
            "{flag} is a flag: write {flag} alone to switch it on and leave it out to keep it "
            "off (not {flag} {value})."
        ),
        # results
        "error": "error",
        "wrote": "wrote {path}",
        "done_in": "done in {seconds:.1f} s",
        "year_chosen": (
            "Year {year}: the latest year among the works (choose another with --year)."
        ),
        "title_done": "KOTAKU: works done by {year}",
        "title_what_if": "KOTAKU what-if: works done or planned by {year}",
        "col_figure": "figure",
        "col_value": "value",
        "head_units": "units",
        "head_interventions": "interventions",
        "ledger_title": "Ledger (slum hectares by year)",
        "levels_title": "Hectares per level, before and after works",
        "col_level": "level",
        "col_before_ha": "before ha",
        "col_after_ha": "after ha",
        "reconciliation_assessed": "Reconciliation of the assessed units only: {rec}",
        "reconciliation": "Reconciliation: {rec}",
        "findings_title": (
            "Findings in the inputs and the run (errors and warnings by check, the first "
            "{first} of each):"
        ),
        "findings_counts": "{error:,} error(s), {warning:,} warning(s), {info:,} note(s)",
        "findings_full": "The full list, notes too: {path}",
        "findings_full_nofile": "The full list of each file: kotaku-gis validate FILE",
        "findings_more": "… and {n:,} more",
        "severity_error": "error",
        "severity_warning": "warning",
        "row_label": "row {row}",
        # plan results
        "plan_title": "Plan ({status}, proven gap {gap:.2%})",
        "plan_chosen": "works chosen",
        "plan_cost": "cost",
        "plan_cost_value": "{cost:,.0f} of {budget:,.0f}",
        "plan_before": "slum ha before",
        "plan_after": "slum ha after",
        "plan_freed": "slum ha freed",
        "plan_greedy": "greedy: slum ha freed",
        # reconcile results
        "rec_title": "Reconciliation",
        "rec_ha": "ha",
        "rec_baseline": "baseline",
        "rec_reduced": "reduced",
        "rec_expected": "expected remaining (baseline - reduced)",
        "rec_reported": "reported remaining",
        "rec_gap": "gap (reported - expected)",
        "rec_balanced": "balanced within the tolerance",
        "rec_not_balanced": (
            "NOT balanced: {gap:,.2f} ha are unexplained; find the works or units behind "
            "them before reporting."
        ),
        "validate_title": "{source} ({what}): {summary}",
        "repaired": " (repaired)",
        "opt_lang": "Language of what people read (Excel, console, run.json): id or en.",
        "head_units_not_recomputed": "units not recomputed after works",
        "head_ha_not_recomputed": "area not recomputed after works (ha)",
        "head_served_ha": "served area (ha)",
        "head_unserved_ha": "unserved area (ha)",
        "head_baseline_slum_ha": "baseline slum area (ha)",
        "head_slum_ha_after": "remaining slum area {year} (ha)",
        "head_reduced_ha": "slum area reduced (ha)",
        "head_area_ha": "unit area (ha)",
        "head_ha_belum_dinilai": "area not assessed (ha)",
        "head_units_belum_dinilai": "units not assessed",
        "reduced_partial": "{reduced} (not counting {ha} ha not recomputed)",
        "not_assessed_row": "not assessed",
        "reconciliation_measured": (
            "Reconciliation (units not recomputed enter with their baseline level): {rec}"
        ),
        "rec_line_balanced": (
            "balanced: baseline {baseline} ha − reduced {reduced} ha = {expected} ha; reported "
            "remaining {remaining} ha; gap {gap} ha (tolerance {tolerance} ha)"
        ),
        "rec_line_not_balanced": (
            "NOT balanced: baseline {baseline} ha − reduced {reduced} ha = {expected} ha; reported "
            "remaining {remaining} ha; {gap} ha unexplained (tolerance {tolerance} ha)"
        ),
        "database": "wrote run {run} into schema {schema} of {url}: {rows}",
        "unassessed_note": (
            "{n:,} of {total:,} units ({ha:,.2f} ha) could not be assessed: they are in no slum "
            "figure above; the scoring report in run.json names what they lack."
        ),
        "opt_keep_going": (
            "Go on when the units have errors or cannot all be assessed (they are kept, counted "
            "as not assessed and reported)."
        ),
    },
    "id": {
        "app_help": (
            "Luas kumuh, skor dan sisa luas untuk perencana KOTAKU. Bahasa: --lang id|en pada run "
            "dan demo, atau variabel lingkungan KOTAKU_GIS_LANG (juga untuk bantuan ini)."
        ),
        "app_epilog": (
            "\b\nLangkah pertama:\n"
            "  kotaku-gis demo                      seluruh proses pada contoh NTB bawaan\n"
            "  kotaku-gis columns                   kolom yang dibutuhkan berkas Anda\n"
            "  kotaku-gis template my_data/         berkas kosong untuk diisi (GPKG dan Excel)\n"
            "  kotaku-gis validate rt.gpkg          periksa berkas sebelum menjalankan\n"
            "  kotaku-gis run --units rt.gpkg --interventions works.gpkg --out hasil/\n"
            "Setiap perintah memiliki --help sendiri."
        ),
        "demo_short": "Seluruh proses pada contoh NTB bawaan.",
        "run_short": "Seluruh proses pada berkas Anda: skor, sisa luas, peta.",
        "plan_short": "Pekerjaan yang membebaskan luas kumuh terbanyak dalam anggaran.",
        "validate_short": "Memeriksa berkas unit atau kegiatan.",
        "reconcile_short": "Memeriksa neraca yang dilaporkan (awal - pengurangan).",
        "columns_short": "Kolom yang dibutuhkan berkas unit dan kegiatan.",
        "template_short": "Berkas unit dan kegiatan kosong untuk diisi.",
        "demo_help": "Menjalankan proses utama pada contoh NTB bawaan dan menulis keluarannya.",
        "demo_epilog": (
            "\b\nContoh:\n"
            "  kotaku-gis demo\n"
            "  kotaku-gis demo --out hasil_demo --year 2022\n"
            "  kotaku-gis demo --lang en               keluaran dalam bahasa Inggris\n"
            "  kotaku-gis demo --include-planned      what-if: pekerjaan rencana dihitung selesai"
        ),
        "run_help": (
            "Menilai unit, menumpangkan pekerjaan yang selesai, dan menulis remaining.gpkg, "
            "ringkasan, peta dan laporan.\n\nDengan --out postgresql://… tabel yang sama masuk ke "
            "satu skema PostGIS, dalam satu transaksi. Kolom yang dibutuhkan berkas: "
            "kotaku-gis columns."
        ),
        "run_epilog": (
            "\b\nContoh:\n"
            "  kotaku-gis run --units rt.gpkg --interventions works.gpkg --out hasil/\n"
            "  kotaku-gis run --units rt.gpkg --interventions works.gpkg --out hasil/ "
            "--year 2022\n"
            "  kotaku-gis run --units r0.xlsx --interventions kegiatan.xlsx --out hasil/\n"
            "  kotaku-gis run ... --flood flood_depth.tif --flood-threshold 0.3\n"
            "  kotaku-gis run ... --keep-going        lanjut melewati kesalahan unit, dilaporkan\n"
            "  kotaku-gis run ... --include-planned   what-if: pekerjaan rencana dihitung selesai\n"
            "  kotaku-gis run ... --lang en           keluaran dalam bahasa Inggris\n"
            "  kotaku-gis run --units postgresql://planner@db/kumuh --units-layer kotaku.rt "
            "--interventions postgresql://planner@db/kumuh --interventions-layer "
            "kotaku.kegiatan --out postgresql://planner@db/kumuh"
        ),
        "opt_units": (
            "Unit kumuh: GeoPackage, GeoJSON, Shapefile (.shp atau .zip), KML/KMZ, GeoParquet, "
            "CSV atau Excel; atau URL PostGIS postgresql://user@host:5432/db dengan --units-layer."
        ),
        "opt_interventions": (
            "Kegiatan (pekerjaan): berkas seperti pada --units, atau URL PostGIS."
        ),
        "opt_out": "Folder keluaran, atau URL PostGIS: tabel hasil masuk ke --schema di sana.",
        "opt_out_demo": "Folder keluaran.",
        "opt_year": "Hitung pekerjaan yang selesai sampai tahun ini.",
        "year_default": "tahun terakhir di antara pekerjaan",
        "opt_units_layer": "Layer berkas unit, atau tabel / kueri SELECT di PostGIS.",
        "opt_interventions_layer": "Layer berkas kegiatan, atau tabel di PostGIS.",
        "opt_flood": "Raster kedalaman banjir (GeoTIFF): menetapkan kriteria 4a sebelum penilaian.",
        "opt_flood_threshold": "Kedalaman dalam meter yang dihitung tergenang.",
        "opt_grid_m": "Ukuran sel grid privasi dalam meter (0: tanpa grid).",
        "opt_keep_going": (
            "Lanjutkan bila unit memiliki kesalahan atau tidak semuanya dapat dinilai (unit "
            "tetap disimpan, dihitung sebagai 'belum dinilai' dan dilaporkan)."
        ),
        "opt_include_planned": (
            "What-if: pekerjaan rencana dan yang sedang berjalan dihitung selesai (bukan yang "
            "dibatalkan); setiap keluaran menyebutnya."
        ),
        "opt_schema": "Skema tabel bila --out adalah URL PostGIS.",
        "opt_quiet": "Tanpa tampilan kemajuan.",
        "opt_lang": "Bahasa yang dibaca orang (Excel, konsol, run.json): id atau en.",
        "plan_help": (
            "Memilih calon pekerjaan yang membebaskan luas kumuh terbanyak dalam batas "
            "anggaran.\n\nMenulis plan.xlsx, plan.csv, plan_reductions.csv (jejak audit), "
            "plan_map.html dan plan.json."
        ),
        "plan_epilog": (
            "\b\nContoh:\n"
            "  kotaku-gis plan --units rt.gpkg --candidates usulan.gpkg --budget 2e9 "
            "--out rencana/\n"
            "  kotaku-gis plan --units rt.gpkg --candidates usulan.gpkg --budget 2e9 "
            "--works works.gpkg --year 2023 --alternatives alternatif --out rencana/"
        ),
        "opt_plan_units": "Berkas unit kumuh (volume kondisi awal).",
        "opt_candidates": "Calon pekerjaan dengan kolom biaya.",
        "opt_budget": "Anggaran tersedia, dalam mata uang biaya.",
        "opt_plan_out": "Folder keluaran.",
        "opt_works": "Pekerjaan yang sudah dibangun (diterapkan lebih dulu).",
        "opt_plan_year": "Hitung pekerjaan yang selesai sampai tahun ini.",
        "opt_objective": "slum_ha, weighted_ha atau score.",
        "opt_time_limit": "Detik yang boleh dipakai pemecah.",
        "opt_gap": "Selisih relatif untuk berhenti (0: optimum terbukti).",
        "opt_cost_column": "Kolom biaya.",
        "opt_alternatives": (
            "Kolom yang menamai kelompok alternatif (paling banyak satu per kelompok)."
        ),
        "opt_layer_units": "Layer berkas unit.",
        "opt_layer_candidates": "Layer berkas calon pekerjaan.",
        "opt_layer_works": "Layer berkas kegiatan.",
        "validate_help": "Mencetak setiap masalah yang ditemukan dalam berkas unit atau kegiatan.",
        "validate_epilog": (
            "\b\nContoh:\n"
            "  kotaku-gis validate rt.gpkg\n"
            "  kotaku-gis validate kegiatan.xlsx --what interventions\n"
            "  kotaku-gis validate rt.zip --id-column KODE_RT\n"
            "Kode keluar: 0 tanpa kesalahan, 1 dengan kesalahan, 2 bila berkas tidak terbaca."
        ),
        "arg_validate_file": "Layer yang diperiksa (berkas, atau URL PostGIS).",
        "opt_what": "'units' atau 'interventions'.",
        "opt_layer": "Layer berkas berlapis banyak.",
        "opt_id_column": "Kolom identitas unit, sesuai nama di berkas.",
        "what_invalid": "--what harus 'units' atau 'interventions'",
        "rows_read": "{rows} baris dibaca; {summary}",
        "reconcile_help": (
            "Memeriksa neraca yang dilaporkan: sisa harus sama dengan awal dikurangi "
            "pengurangan.\n\nKeluar dengan kode 1 bila angkanya tidak seimbang, dengan selisih "
            "yang tidak terjelaskan."
        ),
        "reconcile_epilog": (
            "\b\nContoh:\n"
            "  kotaku-gis reconcile 575.47 108.38 467.09     seimbang\n"
            "  kotaku-gis reconcile 575.47 108.38 361.5      selisih -105.59 ha: keluar 1"
        ),
        "arg_baseline_ha": "Luas kumuh awal (ha).",
        "arg_reduced_ha": "Luas yang dilaporkan berkurang (ha).",
        "arg_remaining_ha": "Luas yang dilaporkan tersisa (ha).",
        "opt_tolerance_ha": "Selisih yang diterima sebagai pembulatan, dalam hektar.",
        "columns_help": (
            "Mencetak kolom yang dibutuhkan layer unit atau kegiatan: nama, arti (Indonesia dan "
            "Inggris), satuan, wajib atau pilihan, dan nama lain yang dikenali."
        ),
        "columns_epilog": (
            "\b\nContoh:\n"
            "  kotaku-gis columns                    unit dan kegiatan\n"
            "  kotaku-gis columns units --full       setiap kolom kriteria dicantumkan\n"
            "  kotaku-gis columns interventions"
        ),
        "arg_columns_what": "'units', 'interventions' atau 'all'.",
        "opt_full": (
            "Cantumkan setiap kolom per kriteria dan per aspek, bukan satu baris per kelompok."
        ),
        "columns_what_invalid": "WHAT harus 'units', 'interventions' atau 'all', bukan {what!r}",
        "columns_title_units": (
            "UNIT KUMUH / UNITS: satu baris per RT atau kawasan; poligon dalam CRS apa pun, atau "
            "tabel tanpa geometri (dinilai, tidak ditumpangkan)"
        ),
        "columns_title_interventions": (
            "KEGIATAN / WORKS (--interventions): satu baris per pekerjaan; titik, garis atau "
            "poligon, atau baris tabel yang menyebut unit_id dan kriteria"
        ),
        "columns_need_required": "WAJIB / REQUIRED",
        "columns_need_optional": "pilihan / optional",
        "columns_also": "juga dibaca",
        "columns_footer": (
            "Sel kosong berarti 'tidak diketahui', tidak pernah 0. Nama dicocokkan tanpa melihat "
            "huruf besar, spasi dan tanda baca; nama Shapefile yang terpotong 10 karakter juga "
            "dikenali. Berkas kosong untuk diisi: kotaku-gis template OUT."
        ),
        "template_help": (
            "Menulis templat unit dan kegiatan kosong untuk diisi: units.gpkg dan "
            "interventions.gpkg (EPSG:4326, kolom bertipe) serta units.xlsx dan "
            "interventions.xlsx (judul kolom berbahasa Indonesia, catatan pada setiap judul)."
        ),
        "template_epilog": (
            "\b\nContoh:\n"
            "  kotaku-gis template data_kota/\n"
            "  kotaku-gis template data_kota/ --ruleset permen-02-2016    19 kriteria\n"
            "  kotaku-gis template data_kota/ --format xlsx\n"
            "Lalu: kotaku-gis run --units data_kota/units.gpkg "
            "--interventions data_kota/interventions.gpkg --out hasil/"
        ),
        "arg_template_out": "Folder tujuan templat (dibuat bila belum ada).",
        "opt_ruleset": "Peraturan yang kriterianya menjadi kolom templat unit.",
        "opt_format": "gpkg, xlsx, atau both (keduanya).",
        "template_format_invalid": "--format harus gpkg, xlsx atau both, bukan {value!r}",
        "template_next": (
            "Isi satu baris per unit dan per pekerjaan (sel kosong berarti tidak diketahui, "
            "bukan 0), lalu:\n"
            "  kotaku-gis validate {units}\n"
            "  kotaku-gis run --units {units} --interventions {works} --out hasil/\n"
            "Kolom dan artinya: kotaku-gis columns"
        ),
        "flag_value": (
            "{flag} adalah saklar: tulis {flag} saja untuk menyalakannya dan hilangkan untuk "
            "mematikannya (bukan {flag} {value})."
        ),
        "error": "kesalahan",
        "wrote": "ditulis: {path}",
        "done_in": "selesai dalam {seconds:.1f} detik",
        "year_chosen": (
            "Tahun {year}: tahun terakhir di antara pekerjaan (pilih tahun lain dengan --year)."
        ),
        "title_done": "KOTAKU: pekerjaan selesai sampai {year}",
        "title_what_if": "KOTAKU what-if: pekerjaan selesai atau direncanakan sampai {year}",
        "col_figure": "angka",
        "col_value": "nilai",
        "head_units": "jumlah unit",
        "head_interventions": "jumlah kegiatan",
        "head_units_belum_dinilai": "unit belum dinilai",
        "head_ha_belum_dinilai": "luas belum dinilai (ha)",
        "head_units_not_recomputed": "unit tidak dihitung ulang sesudah penanganan",
        "head_ha_not_recomputed": "luas tidak dihitung ulang sesudah penanganan (ha)",
        "head_baseline_slum_ha": "luas kumuh awal (ha)",
        "head_slum_ha_after": "sisa luas kumuh {year} (ha)",
        "head_reduced_ha": "pengurangan luas kumuh (ha)",
        "head_area_ha": "luas unit (ha)",
        "head_served_ha": "luas terlayani (ha)",
        "head_unserved_ha": "luas belum terlayani (ha)",
        "reduced_partial": "{reduced} (tanpa {ha} ha yang tidak dihitung ulang)",
        "ledger_title": "Neraca luas kumuh per tahun",
        "levels_title": "Luas per tingkat kumuh, sebelum dan sesudah penanganan",
        "col_level": "tingkat",
        "col_before_ha": "sebelum (ha)",
        "col_after_ha": "sesudah (ha)",
        "not_assessed_row": "belum dinilai",
        "unassessed_note": (
            "{n:,} dari {total:,} unit ({ha:,.2f} ha) belum dapat dinilai (belum dinilai): tidak "
            "termasuk dalam angka luas kumuh di atas; laporan penilaian di run.json menyebut apa "
            "yang kurang."
        ),
        "reconciliation_assessed": "Rekonsiliasi unit yang dinilai saja: {rec}",
        "reconciliation": "Rekonsiliasi: {rec}",
        "reconciliation_measured": (
            "Rekonsiliasi (unit yang tidak dihitung ulang masuk dengan tingkat awalnya): {rec}"
        ),
        "rec_line_balanced": (
            "seimbang: luas kumuh awal {baseline} ha − pengurangan {reduced} ha = {expected} ha; "
            "sisa tercatat {remaining} ha; selisih {gap} ha (toleransi {tolerance} ha)"
        ),
        "rec_line_not_balanced": (
            "TIDAK seimbang: luas kumuh awal {baseline} ha − pengurangan {reduced} ha = {expected} "
            "ha; sisa tercatat {remaining} ha; selisih {gap} ha tidak terjelaskan (toleransi "
            "{tolerance} ha)"
        ),
        "database": "run {run} ditulis ke skema {schema} di {url}: {rows}",
        "findings_title": (
            "Temuan pada masukan dan proses (kesalahan dan peringatan per pemeriksaan, {first} "
            "pertama masing-masing):"
        ),
        "findings_counts": "{error:,} kesalahan, {warning:,} peringatan, {info:,} catatan",
        "findings_full": "Daftar lengkap, termasuk catatan: {path}",
        "findings_full_nofile": "Daftar lengkap setiap berkas: kotaku-gis validate FILE",
        "findings_more": "… dan {n:,} lainnya",
        "severity_error": "kesalahan",
        "severity_warning": "peringatan",
        "row_label": "baris {row}",
        "plan_title": "Rencana ({status}, selisih terbukti {gap:.2%})",
        "plan_chosen": "pekerjaan terpilih",
        "plan_cost": "biaya",
        "plan_cost_value": "{cost:,.0f} dari {budget:,.0f}",
        "plan_before": "luas kumuh sebelum (ha)",
        "plan_after": "luas kumuh sesudah (ha)",
        "plan_freed": "luas kumuh terbebaskan (ha)",
        "plan_greedy": "cara rakus: luas kumuh terbebaskan (ha)",
        "rec_title": "Rekonsiliasi",
        "rec_ha": "ha",
        "rec_baseline": "awal",
        "rec_reduced": "pengurangan",
        "rec_expected": "sisa seharusnya (awal - pengurangan)",
        "rec_reported": "sisa dilaporkan",
        "rec_gap": "selisih (dilaporkan - seharusnya)",
        "rec_balanced": "seimbang dalam toleransi",
        "rec_not_balanced": (
            "TIDAK seimbang: {gap:,.2f} ha tidak terjelaskan; temukan pekerjaan atau unit di "
            "baliknya sebelum melapor."
        ),
        "validate_title": "{source} ({what}): {summary}",
        "repaired": " (diperbaiki)",
    },
}

#: The environment variable naming the command's language ("id" or "en").
LANG_VARIABLE = "KOTAKU_GIS_LANG"


def _default_lang() -> Lang:
    value = os.environ.get(LANG_VARIABLE, "id").strip().lower()
    return value if value in LANGUAGES else "id"  # type: ignore[return-value]


#: The language of the help and of the commands without ``--lang`` (read at start).
LANG: Lang = _default_lang()


def text(key: str, lang: Lang | None = None, **values: Any) -> str:
    """The text ``key`` in ``lang`` (default :data:`LANG`), with ``values`` filled in and
    numbers written as ``lang`` writes them.

    Examples
    --------
    >>> from kotaku_gis.cli import text
    >>> text("wrote", "en", path="hasil/map.html")
    'wrote hasil/map.html'
    >>> text("findings_more", "id", n=1234)
    '… dan 1.234 lainnya'
    """
    lang = lang or LANG
    template = TEXTS[lang][key]
    return format_text(template, lang, **values) if values else template


_t = text

# ---------------------------------------------------------------- the command


_FLAG_VALUES = {"true", "false", "yes", "no", "y", "n", "1", "0", "on", "off", "t", "f"}


class _Command(TyperCommand):
    """A command whose flags refuse a value with a message that says how to write them."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        flags = {
            opt
            for param in self.params
            if getattr(param, "is_flag", False) and _opt_name(param) != "help"
            for opt in param.opts
        }
        for i, arg in enumerate(args):
            if arg == "--":
                break
            name, eq, value = arg.partition("=")
            if eq and name in flags:
                raise typer.BadParameter(_t("flag_value", flag=name, value=value), ctx=ctx)
            if arg in flags and i + 1 < len(args) and args[i + 1].lower() in _FLAG_VALUES:
                raise typer.BadParameter(_t("flag_value", flag=arg, value=args[i + 1]), ctx=ctx)
        return super().parse_args(ctx, args)


def _opt_name(param: Any) -> str:
    """The parameter's name (``keep_going``), or ``""`` for one without."""
    return str(getattr(param, "name", "") or "")


app = typer.Typer(
    name="kotaku-gis",
    help=_t("app_help"),
    epilog=_t("app_epilog"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help (click's): flags are shown as flags, and nothing is boxed or cut to the
    # terminal's width.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
# Long paths and messages are printed whole (the terminal wraps them), never folded.
console = Console(stderr=True, soft_wrap=True)
out_console = Console(soft_wrap=True)


def _command(name: str) -> Any:
    return app.command(
        name,
        cls=_Command,
        help=_t(f"{name}_help"),
        short_help=_t(f"{name}_short"),
        epilog=_t(f"{name}_epilog"),
    )


def _error(err: Exception, lang: Lang | None = None) -> typer.Exit:
    console.print(f"[red]{_t('error', lang)}:[/] {escape(str(err))}")
    return typer.Exit(2)


def _stepper(quiet: bool):
    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        start = time.perf_counter()
        if quiet:
            yield
            return
        with console.status(f"[bold]{escape(name)}…"):
            yield
        console.print(f"  [green]✓[/] {escape(name)} [dim]({time.perf_counter() - start:.1f} s)[/]")

    return step


def _wrote(paths: Any, lang: Lang | None = None) -> None:
    for path in paths:
        out_console.print(_t("wrote", lang, path=path), markup=False, highlight=False)


# ---------------------------------------------------------------- findings


def _report_names() -> dict[str, str]:
    from .labels import label_table

    return {key: pair[0] for key, pair in label_table()["report"].items()}


#: The reports' names in Indonesian ("units" → "Unit").
_REPORT_NAMES = _report_names()


def print_findings(
    reports: Mapping[str, Any],
    *,
    full_list: str | Path | None = None,
    first: int = 3,
    lang: Lang | None = None,
) -> None:
    """Print each report's count of errors, warnings and notes, and its errors and warnings
    counted by check with the first ``first`` rows of each.

    ``full_list`` names the file that holds every entry; ``lang`` is the language of the
    lines and messages (default :data:`LANG`).

    Examples
    --------
    >>> from kotaku_gis import ValidationReport
    >>> from kotaku_gis.cli import print_findings
    >>> rep = ValidationReport(what="units", source="rt.gpkg")
    >>> for row in (4, 9, 12, 30):
    ...     rep.add(row, "area_ha", "warning", "area_mismatch", "area_ha differs by 7 %")
    >>> rep.add(None, "1a", "info", "column_mapped", "'K1A' read as '1a'")
    >>> print_findings({"units": rep}, full_list="hasil/validation.csv", first=2, lang="en")
    Findings in the inputs and the run (errors and warnings by check, the first 2 of each):
      units (rt.gpkg): 0 error(s), 4 warning(s), 1 note(s)
        warning area_mismatch ×4
          row 4 [area_ha]: area_ha differs by 7 %
          row 9 [area_ha]: area_ha differs by 7 %
          … and 2 more
    The full list, notes too: hasil/validation.csv
    """
    lang = lang or LANG
    out_console.print(f"[bold]{_t('findings_title', lang, first=first)}[/]")
    for name, report in reports.items():
        if report is None:
            continue
        by_check: dict[tuple[str, str], list[Any]] = {}
        counts = {"error": 0, "warning": 0, "info": 0}
        for issue in report:
            counts[issue.severity] += 1
            if issue.severity != "info":
                by_check.setdefault((issue.severity, issue.check), []).append(issue)
        where = f" ({report.source})" if report.source else ""
        if lang == "id" and name in _REPORT_NAMES:  # English keeps the report's own key
            name = _REPORT_NAMES[name]
        out_console.print(
            f"  [bold]{escape(name + where)}[/]: {_t('findings_counts', lang, **counts)}"
        )
        for (severity, check), issues in sorted(
            by_check.items(), key=lambda kv: (kv[0][0] != "error", -len(kv[1]), kv[0][1])
        ):
            colour = "red" if severity == "error" else "yellow"
            label = _t(f"severity_{severity}", lang)
            out_console.print(f"    [{colour}]{label}[/] {check} ×{len(issues):,}")
            for issue in issues[:first]:
                parts = [_t("row_label", lang, row=issue.row)] if issue.row is not None else []
                if issue.column:
                    parts.append(f"[{issue.column}]")
                lead = " ".join(parts)
                message = issue.text(lang)
                line = f"      {lead}: {message}" if lead else f"      {message}"
                out_console.print(line, markup=False, highlight=False)
            if len(issues) > first:
                out_console.print(f"      {_t('findings_more', lang, n=len(issues) - first)}")
    if full_list is not None:
        out_console.print(_t("findings_full", lang, path=full_list), markup=False, highlight=False)


# ---------------------------------------------------------------- run and demo


def _ha(value: float, lang: Lang) -> str:
    return format_text("{v:,.2f}", lang, v=float(value))


def _reconciliation_text(rec: Any, lang: Lang) -> str:
    values = {k: _ha(getattr(rec, f"{k}_ha"), lang)
              for k in ("baseline", "reduced", "expected", "remaining", "gap")}  # fmt: skip
    values["tolerance"] = _ha(rec.tolerance_ha, lang)
    return _t("rec_line_balanced" if rec.balanced else "rec_line_not_balanced", lang, **values)


def _print_result(result, elapsed: float, *, year_given: bool) -> None:
    from .labels import phrase
    from .pipeline import VALIDATION_FILE

    lang: Lang = result.lang
    head = result.headline()
    what_if = escape(phrase("run", "what_if", lang))
    title = _t("title_done", lang, year=result.year)
    if result.what_if:
        out_console.print(f"[bold yellow]{what_if}[/]")
        title = _t("title_what_if", lang, year=result.year)
    if not year_given:
        out_console.print(_t("year_chosen", lang, year=result.year))
    table = Table(title=title, show_header=True)
    table.add_column(_t("col_figure", lang))
    table.add_column(_t("col_value", lang), justify="right")
    unmeasured = head["units_not_recomputed"]
    for key in (
        "units", "interventions", "units_belum_dinilai", "ha_belum_dinilai",
        "units_not_recomputed", "ha_not_recomputed", "baseline_slum_ha", "slum_ha_after",
        "reduced_ha", "area_ha", "served_ha", "unserved_ha",
    ):  # fmt: skip
        value = head[key]
        shown = _ha(value, lang) if isinstance(value, float) else count_text(value, lang)
        if key == "reduced_ha" and unmeasured:
            # Zero is a measurement: units not recomputed have no measured reduction.
            shown = _t("reduced_partial", lang, reduced=shown,
                       ha=_ha(head["ha_not_recomputed"], lang))  # fmt: skip
        style = "bold yellow" if key.endswith("not_recomputed") and unmeasured else None
        table.add_row(_t(f"head_{key}", lang, year=result.year), shown, style=style)
    out_console.print(table)
    ledger = Table(title=_t("ledger_title", lang))
    money = ("baseline_ha", "slum_ha", "reduced_ha")
    for col in ("year", *money, "units_left", "units_entered"):
        ledger.add_column(header(col, lang), justify="right")
    for _, row in result.ledger.iterrows():
        ledger.add_row(
            str(int(row["year"])),
            *[_ha(row[c], lang) for c in money],
            count_text(row["units_left"], lang),
            count_text(row["units_entered"], lang),
        )
    out_console.print(ledger)
    levels = Table(title=_t("levels_title", lang))
    levels.add_column(_t("col_level", lang))
    levels.add_column(_t("col_before_ha", lang), justify="right")
    levels.add_column(_t("col_after_ha", lang), justify="right")
    total = result.summary.sum(numeric_only=True)
    shown_levels = [(level_text(lvl, lang), lvl) for lvl in LEVELS]
    if head["units_belum_dinilai"]:
        shown_levels.append((_t("not_assessed_row", lang), "not assessed"))
    for label, lvl in shown_levels:
        ha = ha_column(lvl)
        levels.add_row(label, _ha(total[ha], lang), _ha(total[after_column(ha)], lang))
    out_console.print(levels)
    rec = escape(_reconciliation_text(result.reconciliation, lang))
    rec_key = "reconciliation"
    if head["units_belum_dinilai"]:
        # A balanced ledger says nothing about units that were never scored.
        note = _t(
            "unassessed_note",
            lang,
            n=head["units_belum_dinilai"],
            total=head["units"],
            ha=head["ha_belum_dinilai"],
        )
        out_console.print(f"[yellow]{escape(note)}[/]")
        rec_key = "reconciliation_assessed"
    unmeasured_note = result.not_recomputed_note()
    if unmeasured_note:
        # Nor about units whose level after works could not be recomputed.
        out_console.print(f"[bold yellow]{escape(unmeasured_note)}[/]")
        rec_key = "reconciliation_measured"
    out_console.print(_t(rec_key, lang, rec=rec))
    full = next((p for p in result.outputs if Path(p).name == VALIDATION_FILE), None)
    print_findings(result.reports, full_list=full, lang=lang)
    _wrote(result.outputs, lang)
    if result.what_if:
        out_console.print(f"[bold yellow]{what_if}[/]")
    if result.database is not None:
        from .database import show_ident

        db = result.database
        rows = ", ".join(f"{t} ({count_text(n, lang)})" for t, n in db.tables.items())
        line = _t("database", lang, run=db.run_id, schema=show_ident(db.schema), url=db.url,
                  rows=rows)  # fmt: skip
        out_console.print(line, markup=False, highlight=False)
    out_console.print(f"[dim]{_t('done_in', lang, seconds=elapsed)}[/]")


def _run(
    units,
    interventions,
    *,
    year,
    out,
    quiet,
    lang: Lang,
    units_layer=None,
    works_layer=None,
    **options,
) -> None:
    from .pipeline import run_job

    start = time.perf_counter()
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the reports are printed below
            result = run_job(
                units,
                interventions,
                year=year,
                out_dir=out,
                units_layer=units_layer,
                interventions_layer=works_layer,
                step=_stepper(quiet),
                lang=lang,
                **options,
            )
    except InputError as err:
        raise _error(err, lang) from None
    _print_result(result, time.perf_counter() - start, year_given=year is not None)


_YearOption = Annotated[
    int | None, typer.Option(help=_t("opt_year"), show_default=_t("year_default"))
]
_IncludePlanned = Annotated[bool, typer.Option("--include-planned", help=_t("opt_include_planned"))]
_Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=_t("opt_quiet"))]


def _check_lang(value: str) -> str:
    try:
        return check_lang(value)
    except InputError as err:
        raise typer.BadParameter(str(err)) from None


_LangOption = Annotated[str, typer.Option("--lang", help=_t("opt_lang"), callback=_check_lang)]


@_command("demo")
def demo(
    out: Annotated[Path, typer.Option(help=_t("opt_out_demo"))] = Path("kotaku_gis_output"),
    year: _YearOption = None,
    include_planned: _IncludePlanned = False,
    quiet: _Quiet = False,
    lang: _LangOption = LANG,
) -> None:
    from . import datasets

    sample = datasets.get_path("ntb_sample")
    _run(
        sample, sample, year=year, out=out, quiet=quiet, include_planned=include_planned,
        lang=check_lang(lang),
    )  # fmt: skip


@_command("run")
def run(
    units: Annotated[str, typer.Option(help=_t("opt_units"))],
    interventions: Annotated[str, typer.Option(help=_t("opt_interventions"))],
    out: Annotated[str, typer.Option(help=_t("opt_out"))],
    year: _YearOption = None,
    units_layer: Annotated[str | None, typer.Option(help=_t("opt_units_layer"))] = None,
    interventions_layer: Annotated[
        str | None, typer.Option(help=_t("opt_interventions_layer"))
    ] = None,
    flood: Annotated[Path | None, typer.Option(help=_t("opt_flood"))] = None,
    flood_threshold: Annotated[float, typer.Option(help=_t("opt_flood_threshold"))] = 0.3,
    grid_m: Annotated[float, typer.Option(help=_t("opt_grid_m"))] = 100.0,
    keep_going: Annotated[bool, typer.Option("--keep-going", help=_t("opt_keep_going"))] = False,
    include_planned: _IncludePlanned = False,
    schema: Annotated[str, typer.Option(help=_t("opt_schema"))] = "kotaku",
    quiet: _Quiet = False,
    lang: _LangOption = LANG,
) -> None:
    _run(
        units,
        interventions,
        year=year,
        out=out,
        quiet=quiet,
        lang=check_lang(lang),
        units_layer=units_layer,
        works_layer=interventions_layer,
        flood=flood,
        flood_threshold=flood_threshold,
        grid_m=grid_m or None,
        strict=not keep_going,
        include_planned=include_planned,
        db_schema=schema,
    )


# ---------------------------------------------------------------- plan


@_command("plan")
def plan(
    units: Annotated[Path, typer.Option(help=_t("opt_plan_units"))],
    candidates: Annotated[Path, typer.Option(help=_t("opt_candidates"))],
    budget: Annotated[float, typer.Option(help=_t("opt_budget"))],
    out: Annotated[Path, typer.Option(help=_t("opt_plan_out"))],
    works: Annotated[Path | None, typer.Option(help=_t("opt_works"))] = None,
    year: Annotated[
        int | None, typer.Option(help=_t("opt_plan_year"), show_default=_t("year_default"))
    ] = None,
    objective: Annotated[str, typer.Option(help=_t("opt_objective"))] = "slum_ha",
    time_limit: Annotated[float, typer.Option(help=_t("opt_time_limit"))] = 300.0,
    gap: Annotated[float, typer.Option(help=_t("opt_gap"))] = 0.0,
    cost_column: Annotated[str, typer.Option(help=_t("opt_cost_column"))] = "cost",
    alternatives: Annotated[str | None, typer.Option(help=_t("opt_alternatives"))] = None,
    units_layer: Annotated[str | None, typer.Option(help=_t("opt_layer_units"))] = None,
    candidates_layer: Annotated[str | None, typer.Option(help=_t("opt_layer_candidates"))] = None,
    works_layer: Annotated[str | None, typer.Option(help=_t("opt_layer_works"))] = None,
) -> None:
    import warnings

    from .io import read_interventions, read_units
    from .planning import plan as _plan

    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            u = read_units(units, layer=units_layer)
            c = read_interventions(candidates, layer=candidates_layer)
            w = read_interventions(works, layer=works_layer) if works else None
            result = _plan(
                u, c, works=w, budget=budget, year=year, objective=objective,
                time_limit=time_limit, mip_gap=gap, cost_column=cost_column,
                constraints={"alternatives": alternatives} if alternatives else None,
            )  # fmt: skip
            paths = result.write(out)
    except InputError as err:
        raise _error(err) from None
    table = Table(title=_t("plan_title", status=result.status, gap=result.gap))
    table.add_column(_t("col_figure"))
    table.add_column(_t("col_value"), justify="right")
    greedy = result.greedy or {}
    freed_greedy = result.slum_ha_before - greedy.get("slum_ha_after", result.slum_ha_before)
    for key, value in (
        ("plan_chosen", f"{len(result.selected):,}"),
        ("plan_cost", _t("plan_cost_value", cost=result.cost, budget=budget)),
        ("plan_before", f"{result.slum_ha_before:,.2f}"),
        ("plan_after", f"{result.slum_ha_after:,.2f}"),
        ("plan_freed", f"{result.reduced_ha:,.2f}"),
        ("plan_greedy", f"{freed_greedy:,.2f}"),
    ):
        table.add_row(_t(key), value)
    out_console.print(table)
    reports = {"units": u.attrs.get("report"), "candidates": c.attrs.get("report")}
    if w is not None:
        reports["works"] = w.attrs.get("report")
    print_findings(reports)
    out_console.print(_t("findings_full_nofile"), markup=False, highlight=False)
    _wrote(paths)
    out_console.print(f"[dim]{_t('done_in', seconds=time.perf_counter() - start)}[/]")


# ---------------------------------------------------------------- validate and reconcile


@_command("validate")
def validate(
    file: Annotated[str, typer.Argument(help=_t("arg_validate_file"), metavar="FILE")],
    what: Annotated[str, typer.Option(help=_t("opt_what"))] = "units",
    layer: Annotated[str | None, typer.Option(help=_t("opt_layer"))] = None,
    id_column: Annotated[str | None, typer.Option(help=_t("opt_id_column"))] = None,
) -> None:
    import warnings

    from .io import read_interventions, read_units

    if what not in ("units", "interventions"):
        console.print(f"[red]{_t('error')}:[/] {_t('what_invalid')}")
        raise typer.Exit(2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            if what == "units":
                frame = read_units(file, layer=layer, id_column=id_column)
            else:
                frame = read_interventions(file, layer=layer)
    except InputError as err:
        raise _error(err) from None
    report = frame.attrs["report"]
    title = _t("validate_title", source=report.source, what=what, summary=report.summary())
    table = Table(title=escape(title))
    for col in ("row", "column", "severity", "check", "message"):
        table.add_column(col, overflow="fold")
    colours = {"error": "red", "warning": "yellow", "info": "cyan"}
    for issue in report:
        table.add_row(
            escape(str(issue.row)),
            escape(str(issue.column or "")),
            f"[{colours[issue.severity]}]{issue.severity}[/]",
            issue.check,
            escape(issue.message + (_t("repaired") if issue.repaired else "")),
        )
    out_console.print(table)
    out_console.print(
        _t("rows_read", rows=len(frame), summary=report.summary()), markup=False, highlight=False
    )
    raise typer.Exit(0 if report.ok else 1)


@_command("reconcile")
def reconcile(
    baseline_ha: Annotated[
        float, typer.Argument(help=_t("arg_baseline_ha"), metavar="BASELINE_HA")
    ],
    reduced_ha: Annotated[float, typer.Argument(help=_t("arg_reduced_ha"), metavar="REDUCED_HA")],
    remaining_ha: Annotated[
        float, typer.Argument(help=_t("arg_remaining_ha"), metavar="REMAINING_HA")
    ],
    tolerance_ha: Annotated[float, typer.Option(help=_t("opt_tolerance_ha"))] = 0.01,
) -> None:
    from .ledger import reconcile as _reconcile

    try:
        rec = _reconcile(baseline_ha, reduced_ha, remaining_ha, tolerance_ha=tolerance_ha)
    except InputError as err:
        raise _error(err) from None
    table = Table(title=_t("rec_title"))
    table.add_column(_t("col_figure"))
    table.add_column(_t("rec_ha"), justify="right")
    for key, value in (
        ("rec_baseline", rec.baseline_ha),
        ("rec_reduced", rec.reduced_ha),
        ("rec_expected", rec.expected_ha),
        ("rec_reported", rec.remaining_ha),
        ("rec_gap", rec.gap_ha),
    ):
        table.add_row(_t(key), f"{value:,.2f}")
    out_console.print(table)
    if rec.balanced:
        out_console.print(f"[green]{_t('rec_balanced')}[/]")
        return
    out_console.print(f"[red]{_t('rec_not_balanced', gap=abs(rec.gap_ha))}[/]")
    raise typer.Exit(1)


# ---------------------------------------------------------------- columns and template


@_command("columns")
def columns(
    what: Annotated[str, typer.Argument(help=_t("arg_columns_what"), metavar="WHAT")] = "all",
    full: Annotated[bool, typer.Option("--full", help=_t("opt_full"))] = False,
) -> None:
    from .columns import column_guide

    choices = {"units": ["units"], "interventions": ["interventions"]}
    choices["all"] = ["units", "interventions"]
    choices["works"] = choices["interventions"]
    if what not in choices:
        console.print(f"[red]{_t('error')}:[/] {_t('columns_what_invalid', what=what)}")
        raise typer.Exit(2)
    lines: list[str] = []
    for part in choices[what]:
        lines += [_t(f"columns_title_{part}"), ""]
        for row in column_guide(part, compact=not full).itertuples(index=False):
            lines.append(f"  {row.column}  ({row.unit})  {_t(f'columns_need_{row.need}')}")
            lines.append(f"      id: {row.meaning_id}")
            lines.append(f"      en: {row.meaning_en}")
            if row.when_en:
                lines.append(f"      ({row.when_id} / {row.when_en})")
            if row.names:
                lines.append(f"      {_t('columns_also')}: {row.names}")
        lines.append("")
    lines.append(_t("columns_footer"))
    typer.echo("\n".join(lines))


@_command("template")
def template(
    out: Annotated[Path, typer.Argument(help=_t("arg_template_out"), metavar="OUT")],
    ruleset: Annotated[str, typer.Option(help=_t("opt_ruleset"))] = "permen-14-2018",
    format: Annotated[str, typer.Option("--format", help=_t("opt_format"))] = "both",
) -> None:
    from .templates import write_templates

    formats = {"both": ("gpkg", "xlsx"), "gpkg": ("gpkg",), "xlsx": ("xlsx",)}
    if format not in formats:
        console.print(f"[red]{_t('error')}:[/] {_t('template_format_invalid', value=format)}")
        raise typer.Exit(2)
    try:
        paths = write_templates(out, ruleset=ruleset, formats=formats[format])
    except InputError as err:
        raise _error(err) from None
    _wrote(paths)
    by_name = {p.name: p for p in paths}
    units = by_name.get("units.gpkg", by_name.get("units.xlsx"))
    works = by_name.get("interventions.gpkg", by_name.get("interventions.xlsx"))
    out_console.print(_t("template_next", units=units, works=works), markup=False, highlight=False)


def main(args: list[str] | None = None) -> None:
    """Entry point of the ``kotaku-gis`` console script."""
    app(args=args, prog_name="kotaku-gis")


if __name__ == "__main__":
    main()
