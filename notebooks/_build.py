"""Write the example notebooks, without outputs, from the cells below.

Run from the repository root after editing a notebook's cells here::

    .venv/bin/python notebooks/_build.py

The notebooks use only the public API (``import kotaku_gis as kg``) and the bundled sample
(``kg.datasets``); they never use the network. ``tests/test_notebooks.py`` executes them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
%matplotlib inline
import warnings

import pandas as pd

import kotaku_gis as kg

pd.set_option("display.max_columns", 40)
pd.set_option("display.precision", 2)"""

# The bundled sample, loaded without the readers' warnings (the notebooks show the report).
LOAD_SAMPLE = """\
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    units = kg.datasets.load_units()
    works = kg.datasets.load_interventions()
"""

# Notebooks that write files write them into a fresh temporary folder, never beside the
# notebook: running them leaves the repository as it was.
SETUP_OUT = """\
%matplotlib inline
import tempfile
import warnings
from pathlib import Path

import pandas as pd

import kotaku_gis as kg

pd.set_option("display.max_columns", 40)
pd.set_option("display.precision", 2)
out = Path(tempfile.mkdtemp(prefix="kotaku_gis_"))  # every file this notebook writes goes here
print("files go to", out)"""

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "01_city_baseline.ipynb": [
        (
            "md",
            """\
# 1. A city baseline (luas kumuh per RT, kelurahan and kota)

From the city's own files: read the RT polygons with their baseline volumes, check them,
measure their hectares, score them under Permen PUPR 14/2018 and summarise the slum hectares
per level. The data are the bundled NTB sample (`kg.datasets`); with your own files, pass
their paths instead.""",
        ),
        ("code", SETUP_OUT),
        ("md", "## Read and validate\n\nThe reader repairs what it can and reports the rest."),
        (
            "code",
            """\
path = kg.datasets.get_path("ntb_sample")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the report below lists every finding
    units = kg.read_units(path, layer="units")
mataram = units[units["kota"] == "Kota Mataram"].copy()
print(len(units), "units in NTB,", len(mataram), "RT in Kota Mataram")
units.attrs["report"].to_frame().head(10)""",
        ),
        (
            "code",
            """\
report = kg.validate(mataram, "units")
print(report.summary())
report.to_frame()["check"].value_counts()""",
        ),
        (
            "md",
            """\
## Hectares

`area_ha` is the verified area typed by the team; the polygon's ellipsoidal hectares are
measured with `kg.area_ha` (equal-area, never UTM or Web Mercator).""",
        ),
        (
            "code",
            """\
measured = kg.area_ha(mataram)
diff = (mataram["area_ha"] - measured).abs()
print(f"verified {mataram['area_ha'].sum():.2f} ha, measured {measured.sum():.2f} ha")
mataram.assign(measured_ha=measured, diff_ha=diff).nlargest(5, "diff_ha")[
    ["unit_id", "kelurahan", "area_ha", "measured_ha", "diff_ha"]
]""",
        ),
        ("md", "## Score and summarise"),
        (
            "code",
            """\
assessed = kg.assess(mataram)
assessed["level"].value_counts().sort_index(ascending=False)""",
        ),
        (
            "code",
            """\
by_kelurahan = kg.summarize(assessed, by="kelurahan")
by_kelurahan[["units", "area_ha", "ha_kumuh_berat", "ha_kumuh_sedang", "ha_kumuh_ringan",
              "slum_ha"]]""",
        ),
        (
            "code",
            """\
total = kg.summarize(assessed)
assert abs(total.loc["total", "slum_ha"] - by_kelurahan["slum_ha"].sum()) < 1e-9
total""",
        ),
        ("md", "Why are they slums? The mean score of each criterion (0, 1, 3 or 5):"),
        (
            "code",
            """\
score_cols = [c for c in assessed.columns if c.startswith("score_")]
assessed[score_cols].mean().sort_values(ascending=False).round(2)""",
        ),
        ("md", "## Map"),
        (
            "code",
            """\
m = kg.map_units(assessed, title="Kota Mataram: baseline")
kg.save_map(m, out / "baseline_mataram.html")
fig = kg.plot_levels(assessed, path=out / "baseline_mataram.png")
m""",
        ),
    ],
    "02_overlay_remaining.ipynb": [
        (
            "md",
            """\
# 2. Completed works, the parts they serve, and the slum hectares that remain

Each completed work serves the area within its service radius (catalogue defaults, or the
measured `radius_m`). Overlaps are counted once; what is left of each unit is unserved.""",
        ),
        ("code", SETUP_OUT),
        (
            "code",
            LOAD_SAMPLE
            + """\
mataram = units[units["kota"] == "Kota Mataram"].copy()
print(len(works), "works;", int(works["completed"].sum()), "completed")
works.groupby(["category", "year"])["intervention_id"].count().unstack(fill_value=0)""",
        ),
        ("md", "## Coverage per unit and per category of works"),
        (
            "code",
            """\
cov = kg.coverage(mataram, works, year=2023)
cov.describe().T[["mean", "min", "max"]]""",
        ),
        ("md", "## Remaining (unserved) hectares"),
        (
            "code",
            """\
rem = kg.remaining_area(mataram, works, year=2023)
# Every hectare is either served or not: nothing is lost in the overlay.
check = (rem["covered_ha"] + rem["remaining_ha"] - rem["area_ha"]).abs().max()
print(f"largest imbalance {check:.2e} ha")
rem[["covered_ha", "remaining_ha", "area_ha"]].sum()""",
        ),
        (
            "code",
            """\
ha = rem[["unit_id", "area_ha", "covered_ha", "remaining_ha"]]
per_kelurahan = ha.merge(mataram[["unit_id", "kelurahan"]], on="unit_id").groupby(
    "kelurahan")[["area_ha", "covered_ha", "remaining_ha"]].sum()
per_kelurahan.assign(share_unserved=per_kelurahan["remaining_ha"] / per_kelurahan["area_ha"])
""",
        ),
        ("md", "## Map of the unserved parts"),
        (
            "code",
            """\
assessed = kg.assess(mataram)
m = kg.map_units(assessed, interventions=works[works["completed"]], remaining=rem,
                 title="Kota Mataram: unserved parts after 2023")
kg.save_map(m, out / "unserved_mataram.html")
m""",
        ),
    ],
    "03_province_ledger.ipynb": [
        (
            "md",
            """\
# 3. The province ledger: baseline, reductions per year, remaining, reconciled

Works are allocated to the criteria they fix (`kg.allocate`, the audit trail), the units are
re-scored after the works of each year (`kg.progress`), and reported figures are checked with
`kg.reconcile` so that an unexplained gap is shown, not accepted.""",
        ),
        ("code", SETUP_OUT),
        (
            "code",
            LOAD_SAMPLE
            + """\
reductions = kg.allocate(units, works, year=2023)
print(len(reductions), "reduction rows from", reductions["intervention_id"].nunique(), "works")
reductions.head()""",
        ),
        (
            "code",
            """\
reductions.groupby(["criterion", "method"])["volume"].sum().unstack(fill_value=0).round(1)""",
        ),
        ("md", "## The ledger, province and per kota"),
        (
            "code",
            """\
ledger = kg.progress(units, reductions, years=range(2020, 2024))
ledger[["year", "baseline_ha", "slum_ha", "reduced_ha", "units_left", "units_entered"]]""",
        ),
        (
            "code",
            """\
by_kota = kg.progress(units, reductions, years=[2023], by="kota")
by_kota[["kota", "baseline_ha", "slum_ha", "reduced_ha"]]""",
        ),
        (
            "md",
            """\
## Reconciliation

The ledger's flows must explain its stocks: the baseline slum hectares, minus the hectares of
units that left the list year by year (plus those that joined it), must equal the slum
hectares of the units scored after the works.""",
        ),
        (
            "code",
            """\
flows = (ledger["ha_left"] - ledger["ha_entered"]).sum()
stock_after = kg.summarize(kg.assess(units, reductions=reductions, year=2023))["slum_ha"].iloc[0]
kg.reconcile(ledger["baseline_ha"].iloc[0], flows, stock_after)""",
        ),
        (
            "md",
            """\
A reported figure such as "575.47 ha baseline, 108.38 ha reduced in 2022, 361.5 ha
remaining" does not: 105.59 ha are unexplained.""",
        ),
        (
            "code",
            """\
rec = kg.reconcile(575.47, 108.38, 361.5)
print(rec)
assert rec.gap_ha == -105.59 and not rec.balanced""",
        ),
        ("md", "Per kota, against a table of reported figures (here with one typing error):"),
        (
            "code",
            """\
reported = by_kota.set_index("kota")[["baseline_ha", "reduced_ha", "slum_ha"]].round(2)
reported.loc[reported.index[0], "slum_ha"] += 12.5
check = kg.reconcile(reported["baseline_ha"], reported["reduced_ha"], reported["slum_ha"])
check.to_frame()[lambda t: ~t["balanced"]]""",
        ),
        ("md", "## Chart and Excel report for the auditors"),
        (
            "code",
            """\
base = kg.assess(units)
after = kg.assess(units, reductions=reductions, year=2023)
fig = kg.plot_ledger(ledger, path=out / "ledger_ntb.png")
path = kg.write_excel_report(out / "laporan_ntb.xlsx", baseline=base, after=after,
                             interventions=works, reductions=reductions, ledger=ledger,
                             year=2023)
fig""",
        ),
    ],
    "04_rasters.ipynb": [
        (
            "md",
            """\
# 4. Rasters per unit: flood depth and population

Zonal statistics weight each cell by the exact share of it inside the unit. The inundated
hectares (flood depth at or above a threshold) are the volume of criterion 4a.""",
        ),
        ("code", SETUP_OUT),
        (
            "code",
            """\
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    units = kg.datasets.load_units()
mataram = units[units["kota"] == "Kota Mataram"].copy()
flood = kg.datasets.get_path("mataram_flood_depth")
population = kg.datasets.get_path("mataram_population")""",
        ),
        ("md", "## Flood depth per RT"),
        (
            "code",
            """\
depth = kg.zonal_stats(mataram, flood, stats=("mean", "max", "valid_share"), prefix="depth_")
depth.describe().T""",
        ),
        (
            "code",
            """\
wet = kg.inundated_ha(mataram, flood, threshold=0.3)
print(f"{wet.sum():.2f} ha inundated 0.3 m or deeper, in {(wet > 0).sum()} RT")
mataram.assign(inundated_ha=wet)[["unit_id", "kelurahan", "area_ha", "4a", "inundated_ha"]]\\
    .nlargest(8, "inundated_ha")""",
        ),
        ("md", "## 4a from the raster, and its effect on the levels"),
        (
            "code",
            """\
updated = kg.with_inundation(mataram, flood, threshold=0.3)
before = kg.assess(mataram)
after = kg.assess(updated)
pd.crosstab(before["level"], after["level"], rownames=["typed 4a"], colnames=["raster 4a"])""",
        ),
        ("md", "## Population against the baseline households"),
        (
            "code",
            """\
people = kg.population_per_unit(mataram, population, persons_per_household=3.8)
people.head()""",
        ),
        (
            "md",
            """\
## Sharing without exact boundaries

Exact slum boundaries can expose residents to eviction. A regular grid carries the slum
hectares and the dominant level instead, and conserves the hectares exactly.""",
        ),
        (
            "code",
            """\
grid = kg.grid_summary(after, cell_m=100)
print(f"{len(grid)} cells, {grid['slum_ha'].sum():.2f} slum ha on the grid; "
      f"{kg.summarize(after)['slum_ha'].iloc[0]:.2f} slum ha in the units")
kg.write_grid_tiff(grid, out / "slum_grid_mataram.tif")
grid.nlargest(5, "slum_ha")[["slum_ha", "level", "units"]]""",
        ),
    ],
    "05_reading_your_own_data.ipynb": [
        (
            "md",
            """\
# 5. Reading your own data

City teams hold their baselines as zipped Shapefiles with Indonesian field names cut to ten
characters, KMZ files drawn in Google Earth, Excel workbooks with a title block above the
header, and SIM KOTAKU exports. `kg.read_units` reads each of them: it recognises the column
names through one table (`kotaku_gis.columns`) and reports every column it renamed, so that
nothing is read silently under the wrong name. The files here are the bundled sample saved in
those shapes (`kg.datasets`); with your own files, pass their paths instead.""",
        ),
        ("code", SETUP),
        (
            "code",
            """\
pd.set_option("display.max_colwidth", 200)


def column_report(units):
    \"\"\"What the reader did with the file's columns and ids.\"\"\"
    report = units.attrs["report"].to_frame()
    keep = report["check"].str.startswith("column") | report["check"].isin(
        ["id_generated", "layers_combined", "kml_fields_dropped", "number_separators",
         "zip_member"])
    return report.loc[keep, ["column", "check", "message"]].reset_index(drop=True)""",
        ),
        (
            "md",
            """\
## A zipped Shapefile with Indonesian, truncated field names

The layer sits in folders inside the zip (`data/rt/`). The Shapefile format cut
`jumlah_bangunan` to `jumlah_ban` and `tingkat_kekumuhan` to `tingkat_ke`; the criteria are
`K1A` … `K7B`.""",
        ),
        (
            "code",
            """\
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the report lists every finding
    rt = kg.read_units(kg.datasets.get_path("mataram_rt_shapefile"))
print(len(rt), "RT;", rt.attrs["report"].summary())
column_report(rt)""",
        ),
        (
            "md",
            """\
With volumes and denominators recognised, the units are scored as usual; the level the file
published (`tingkat_ke`, read as `level`) can be compared with the computed one.""",
        ),
        (
            "code",
            """\
assessed = kg.assess(rt)
pd.crosstab(rt["level"], assessed["level"], rownames=["published"], colnames=["computed"])""",
        ),
        (
            "md",
            """\
## A KMZ of slum polygons with a published level

A folder per level, no ids, a `Status` field (Berat / Sedang / Ringan), areas typed with a
decimal comma, heights on every vertex. The folders are read together (their names go to a
`layer` column), ids are generated from the kelurahan, `Status` is recognised as the level
because its values are level labels, and the heights are dropped.""",
        ),
        (
            "code",
            """\
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    kmz = kg.read_units(kg.datasets.get_path("mataram_kumuh_kmz"))
column_report(kmz)""",
        ),
        (
            "code",
            """\
print(kmz.attrs["report"].to_frame()["check"].value_counts().to_dict())
kmz[["unit_id", "Name", "layer", "level", "area_ha"]].head()""",
        ),
        (
            "md",
            """\
## An Excel baseline without geometry

One sheet per kabupaten/kota, a title block, Indonesian headers, numbers typed as text with
Indonesian separators, a total row under each table. A table without polygons is a set of
units too: it can be scored and summarised, but not overlaid with works.""",
        ),
        (
            "code",
            """\
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    kawasan = kg.read_units(kg.datasets.get_path("ntb_kawasan_baseline"))
print(type(kawasan).__name__, len(kawasan), "kawasan")
column_report(kawasan)""",
        ),
        (
            "code",
            """\
kawasan.attrs["report"].to_frame().query("check in ['row_without_id', 'thousands_separator']")[
    ["row", "column", "message"]].head(6)""",
        ),
        (
            "code",
            """\
kg.summarize(kg.assess(kawasan))""",
        ),
        (
            "code",
            """\
try:
    kg.remaining_area(kawasan, kg.datasets.load_interventions())
except kg.InputError as err:
    print(err)""",
        ),
        (
            "md",
            """\
## A SIM KOTAKU profile export

Semicolon separated with decimal commas; criterion percentages `k<aspect>_<letter>_p`, aspect
averages `k<aspect>_p`, a published level, and no id column: the kelurahan code, RW and RT
together name each RT, so they are joined into the id.""",
        ),
        (
            "code",
            """\
sim = kg.read_units(kg.datasets.get_path("mataram_sim_profile"),
                    id_column=["kode_kel", "rw", "rt"])
column_report(sim).head(12)""",
        ),
        (
            "code",
            """\
sim[["unit_id", "kelurahan", "pct_4a", "pct_4b", "pct_4c", "avg_drainase", "level"]].head()""",
        ),
        (
            "md",
            """\
## When a name is ambiguous

Nothing is guessed: two columns that could each be the area are left as they are and
reported, and `columns=` says which is which (None keeps a column under its own name).""",
        ),
        (
            "code",
            """\
table = pd.DataFrame({"Kode RT": ["RT01", "RT02"], "Luas (Ha)": [1.5, 2.25],
                      "luas_kumuh": [1.1, 2.0], "Jumlah KK": [40, 52]})
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    units = kg.read_units(table)
column_report(units)""",
        ),
        (
            "code",
            """\
units = kg.read_units(table, columns={"Luas (Ha)": "area_ha", "luas_kumuh": None})
print(units.columns.tolist())
column_report(units)""",
        ),
        ("md", "Every name the readers recognise, as in the README:"),
        (
            "code",
            """\
from kotaku_gis.columns import column_table

with pd.option_context("display.max_colwidth", 200):
    display(column_table("units"))""",
        ),
    ],
    "06_merencanakan_dengan_anggaran.ipynb": [
        (
            "md",
            """\
# 6. Merencanakan dengan anggaran

Pertanyaan setiap tahun: dengan anggaran tahun depan dan daftar usulan pekerjaan (masing-masing
dengan biaya), **pekerjaan mana yang paling banyak mengeluarkan hektare dari daftar kumuh?**

`kg.plan` menjawabnya secara eksak: pemilihan pekerjaan dimodelkan sebagai program bilangan
bulat campuran (MIP) yang mengikuti aturan Permen PUPR 14/2018 persis (persentase dibulatkan
ke atas pada dua desimal, batas nilai 25/51/76 %, ambang total 16/38/60), dengan wilayah
layanan yang tumpang tindih dihitung sekali. Hasilnya lalu dihitung ulang dengan
`kg.allocate` dan `kg.assess`, sehingga setiap hektare dapat ditelusuri ke baris reduksi.

Data: sampel NTB (`kg.datasets`). **Biaya usulan bersifat ilustrasi**, bukan harga satuan
resmi; notebook ini hanya menulis ke folder sementara.""",
        ),
        ("code", SETUP),
        (
            "code",
            """\
import tempfile
from pathlib import Path

out = Path(tempfile.mkdtemp(prefix="rencana_"))  # every file goes here
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the readers' reports are not the point here
    units = kg.datasets.load_units()
    works = kg.datasets.load_interventions()
    candidates = kg.datasets.load_candidates()
print(len(units), "unit,", len(works), "pekerjaan 2020-2023,", len(candidates), "usulan 2024")
print(f"total biaya usulan: Rp {candidates['cost'].sum() / 1e9:,.2f} miliar")
candidates[["intervention_id", "kind", "cost", "volume", "alternatif", "kota",
            "unit_sasaran", "kriteria_sasaran"]].head(8)""",
        ),
        (
            "md",
            """\
## Titik awal: setelah pekerjaan yang selesai sampai 2023

Rencana dimulai dari kondisi setelah semua pekerjaan yang selesai sampai tahun 2023.""",
        ),
        (
            "code",
            """\
reductions = kg.allocate(units=units, interventions=works, year=2023)
baseline = kg.assess(units, reductions=reductions)
kg.summarize(baseline, by="kota")[["units", "slum_units", "slum_ha"]]""",
        ),
        (
            "md",
            """\
## Rencana optimal untuk Rp 2 miliar

Beberapa usulan jalan punya dua desain (beton atau paving) untuk lajur yang sama: kolom
`alternatif` menamai kelompoknya, dan paling banyak satu dari setiap kelompok boleh dipilih.""",
        ),
        (
            "code",
            """\
budget = 2e9
plan = kg.plan(units, candidates, budget=budget, works=works, year=2023,
               constraints={"alternatives": "alternatif"})
print(plan)
print(f"luas kumuh: {plan.slum_ha_before:,.2f} ha -> {plan.slum_ha_after:,.2f} ha "
      f"({plan.reduced_ha:,.2f} ha keluar dari daftar, {len(plan.units_left)} unit)")
plan.selected[["intervention_id", "kind", "cost", "unit_sasaran", "units_served",
               "units_left", "ha_left", "marginal_gain"]].sort_values("marginal_gain",
                                                                      ascending=False)""",
        ),
        (
            "md",
            """\
## Optimal dibanding greedy

Cara "greedy" memilih terus usulan dengan hektare per rupiah terbaik. Cara ini kalah ketika
sebuah unit baru keluar dari daftar kalau dua atau tiga pekerjaan dikerjakan bersama: tiap
pekerjaan sendiri tampak tidak menghasilkan apa-apa.""",
        ),
        (
            "code",
            """\
rows = []
for budget_bn in (0.5, 1, 2, 4):
    p = kg.plan(units, candidates, budget=budget_bn * 1e9, works=works, year=2023,
                constraints={"alternatives": "alternatif"})
    rows.append({"anggaran (miliar)": budget_bn,
                 "optimal: ha keluar": p.reduced_ha,
                 "greedy: ha keluar": p.slum_ha_before - p.greedy["slum_ha_after"],
                 "optimal: biaya (miliar)": p.cost / 1e9,
                 "greedy: biaya (miliar)": p.greedy["cost"] / 1e9,
                 "selisih terbukti (gap)": p.gap})
comparison = pd.DataFrame(rows)
# the optimum is never worse than greedy: both are evaluated the same way
assert (comparison["optimal: ha keluar"] >= comparison["greedy: ha keluar"] - 1e-9).all()
comparison""",
        ),
        (
            "md",
            """\
## Simulasi: pilihan sendiri

`kg.scenario` menghitung akibat pilihan tangan ("simulasi"): usulan yang dipilih dihitung
selesai pada 2024, sesudah semua pekerjaan yang sudah ada. Di sini: lima usulan termurah.""",
        ),
        (
            "code",
            """\
picked = candidates.nsmallest(5, "cost")["intervention_id"].tolist()
sim = kg.scenario(units, works, candidates=candidates, include=picked, year=2023)
print(f"biaya Rp {sim.cost / 1e9:,.2f} miliar: {sim.reduced_ha:,.2f} ha keluar dari daftar "
      f"(rencana optimal dengan biaya itu: "
      f"{kg.plan(units, candidates, budget=sim.cost, works=works, year=2023).reduced_ha:,.2f} ha)")
sim.units.loc[sim.units["level"].astype(str) != sim.units["level_before"].astype(str),
              ["unit_id", "kelurahan", "area_ha", "level_before", "level"]]""",
        ),
        (
            "md",
            """\
## Peta dan berkas rencana

`plan.write` menulis tabel rencana (Excel dan CSV), jejak audit (`plan_reductions.csv`),
peta, dan `plan.json`. Di peta: level sebelum dan sesudah rencana, pekerjaan yang dipilih,
dan garis hijau tebal untuk unit yang keluar dari daftar kumuh.""",
        ),
        (
            "code",
            """\
for path in plan.write(out):
    print(path.name, f"{path.stat().st_size / 1e3:,.0f} kB")
mataram = plan.units["kota"] == "Kota Mataram"
m = kg.map_units(plan.baseline[mataram], after=plan.units.loc[mataram, ["unit_id", "level"]],
                 interventions=kg.read_interventions(plan.selected), views="none",
                 title="Kota Mataram: rencana 2024 (biaya ilustrasi)")
m""",
        ),
    ],
}


def build(directory: Path = HERE) -> list[Path]:
    """Write every notebook of :data:`NOTEBOOKS` into ``directory``; return their paths."""
    written = []
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(
            cells=[
                new_markdown_cell(text) if kind == "md" else new_code_cell(text)
                for kind, text in cells
            ],
            metadata={
                "kernelspec": {
                    "display_name": "Python 3 (ipykernel)",
                    "language": "python",
                    "name": "python3",
                },
                "language_info": {"name": "python"},
            },
        )
        # Stable cell ids keep the committed files identical from one build to the next.
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
        nbformat.validate(nb)
        path = directory / name
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build():
        print(p)
