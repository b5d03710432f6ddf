"""The command line teaches: columns, templates, help with defaults and examples, plain flags."""

from __future__ import annotations

import re

import pyogrio
import pytest
import shapely
from typer.testing import CliRunner

import kotaku_gis as kg
from kotaku_gis.cli import app, main

runner = CliRunner()
COMMANDS = ["demo", "run", "plan", "validate", "reconcile", "columns", "template"]


def _entry(output: str, column: str) -> list[str]:
    """The lines of one column's entry in ``kotaku-gis columns``."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {column}  ("))
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("      ")),
        len(lines),
    )
    return lines[start:end]


def test_columns_lists_meaning_unit_need_and_other_names():
    result = runner.invoke(app, ["columns"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("UNITS / UNIT KUMUH") < out.index("WORKS / KEGIATAN")
    households = _entry(out, "households")
    assert households[0] == "  households  (households)  REQUIRED / WAJIB"
    assert households[1] == "      id: jumlah kepala keluarga (KK)"
    assert households[2] == "      en: number of households (KK)"
    assert "Jumlah KK" in households[-1] and "jml_kk" in households[-1]
    for required in ("unit_id", "buildings", "road_length_m", "drain_length_m", "<code>"):
        assert "REQUIRED / WAJIB" in _entry(out, required)[0], required
    assert "optional / pilihan" in _entry(out, "area_ha")[0]
    assert "wajib pada tabel tanpa geometri" in "\n".join(_entry(out, "area_ha"))
    works = out[out.index("WORKS / KEGIATAN") :]
    assert _entry(works, "kind")[0] == "  kind  (text)  REQUIRED / WAJIB"
    assert "jenis_kegiatan" in _entry(works, "kind")[-1]
    assert "optional / pilihan" in _entry(works, "status")[0]
    assert "never 0" in out and "kotaku-gis template" in out


def test_columns_of_one_reader_and_every_criterion():
    units = runner.invoke(app, ["columns", "units", "--full"])
    assert units.exit_code == 0 and "WORKS / KEGIATAN" not in units.output
    for column in ("7b", "pct_7b", "score_7b", "avg_proteksi_kebakaran", "4d"):
        assert _entry(units.output, column), column
    assert "ketidaktersediaan sarana proteksi kebakaran" in _entry(units.output, "7b")[1]
    works = runner.invoke(app, ["columns", "interventions"])
    assert works.exit_code == 0 and "UNITS / UNIT KUMUH" not in works.output
    bad = runner.invoke(app, ["columns", "rt"])
    assert bad.exit_code == 2 and "'units', 'interventions' or 'all'" in bad.output


def test_template_writes_the_files_and_says_what_to_do_next(tmp_path):
    # A long folder name: each path must come out on one line, not wrapped at 80 columns.
    out = tmp_path / ("data_kota_mataram_" * 5) / "templat"
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in ("units.gpkg", "interventions.gpkg", "units.xlsx", "interventions.xlsx"):
        assert f"wrote {out / name}" in lines, name
    assert f"  kotaku-gis validate {out / 'units.gpkg'}" in lines
    assert (
        f"  kotaku-gis run --units {out / 'units.gpkg'} --interventions "
        f"{out / 'interventions.gpkg'} --out hasil/" in lines
    )
    assert pyogrio.read_info(out / "units.gpkg", layer="units")["crs"] == "EPSG:4326"
    only = runner.invoke(app, ["template", str(tmp_path / "x"), "--format", "xlsx"])
    assert only.exit_code == 0 and sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "interventions.xlsx", "units.xlsx",
    ]  # fmt: skip
    old = runner.invoke(app, ["template", str(tmp_path / "y"), "--ruleset", "permen-02-2016"])
    assert old.exit_code == 0
    assert "6c" in pyogrio.read_info(tmp_path / "y" / "units.gpkg", layer="units")["fields"]
    bad = runner.invoke(app, ["template", str(tmp_path / "z"), "--format", "shp"])
    assert bad.exit_code == 2 and "gpkg, xlsx or both" in bad.output
    unknown = runner.invoke(app, ["template", str(tmp_path / "z"), "--ruleset", "2099"])
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    assert not (tmp_path / "z").exists()


def test_a_filled_template_validates(tmp_path):
    paths = {p.name: p for p in kg.write_templates(tmp_path)}
    sample = kg.datasets.load_units().head(3)
    fill = sample[[c for c in pyogrio.read_info(paths["units.gpkg"])["fields"]] + ["geometry"]]
    fill = fill.set_geometry(shapely.multipolygons([shapely.get_parts(g) for g in fill.geometry]))
    pyogrio.write_dataframe(fill, paths["units.gpkg"], layer="units", append=True)
    result = runner.invoke(app, ["validate", str(paths["units.gpkg"])])
    assert result.exit_code == 0, result.output
    assert "3 rows read" in result.output and "0 error(s), 0 warning(s)" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_has_examples_and_shows_flags_as_flags(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Examples:" in out and f"kotaku-gis {command}" in out.split("Examples:")[1]
    assert "<bool>" not in out  # flags take no value
    for line in out.splitlines():
        flag = re.match(r"\s+(?:-\w, )?(--keep-going|--include-planned|--quiet|--full)\b", line)
        if flag:
            rest = line[flag.end() :]
            assert not rest.startswith(" <"), line  # no metavar after a flag


def test_help_states_defaults():
    run = runner.invoke(app, ["run", "--help"]).output
    flat = " ".join(run.split())
    assert (
        "--year <int> Count works done by this year. [default: (the latest year among the works)]"
        in flat
    )
    assert "[default: 0.3]" in flat and "[default: 100.0]" in flat and "[default: kotaku]" in flat
    assert "--keep-going Go on when" in flat and "--include-planned What-if" in flat
    demo = " ".join(runner.invoke(app, ["demo", "--help"]).output.split())
    assert "[default: kotaku_gis_output]" in demo and "the latest year among the works" in demo
    plan = " ".join(runner.invoke(app, ["plan", "--help"]).output.split())
    assert "[default: slum_ha]" in plan and "[default: 300.0]" in plan
    top = runner.invoke(app, ["--help"]).output
    for command in COMMANDS:
        assert re.search(rf"^  {command}\s+\S", top, re.MULTILINE), command
    assert "kotaku-gis template my_data/" in top


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--units", "u.gpkg", "--interventions", "w.gpkg", "--out", "o", "--keep-going",
         "true"],
        ["demo", "--include-planned", "false"],
        ["demo", "--quiet=yes"],
        ["columns", "--full", "1"],
    ],
)  # fmt: skip
def test_a_value_after_a_flag_says_how_to_write_the_flag(args, tmp_path):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    flag = next(a.split("=")[0] for a in args if a.split("=")[0] in {
        "--keep-going", "--include-planned", "--quiet", "--full"})  # fmt: skip
    assert f"{flag} is a flag: write {flag} alone" in " ".join(result.output.split())
    assert not (tmp_path / "o").exists()


def test_main_is_the_console_script(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["reconcile", "575.47", "108.38", "361.5"])
    assert exit_.value.code == 1
    assert "NOT balanced: 105.59 ha are unexplained" in capsys.readouterr().out
