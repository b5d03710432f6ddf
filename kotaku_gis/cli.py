"""The ``kotaku-gis`` command: the main job on files, or on the bundled sample.

Every text the command shows a person (help, examples, headings, messages) is in
:data:`TEXTS`, looked up with :func:`text`, so that the command can speak another language by
adding a table beside it.
"""

from __future__ import annotations

import contextlib
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
        "opt_keep_going": (
            "Go on when the units have errors or cannot all be assessed (they are kept, "
            "counted as 'belum dinilai' and reported)."
        ),
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
        "head_units_belum_dinilai": "units not assessed (belum dinilai)",
        "head_ha_belum_dinilai": "area not assessed ha",
        "head_baseline_slum_ha": "baseline slum ha",
        "head_slum_ha_after": "slum ha after works ({year})",
        "head_reduced_ha": "reduced ha",
        "head_area_ha": "unit area ha",
        "head_covered_ha": "served by works ha",
        "head_remaining_ha": "unserved (remaining) ha",
        "ledger_title": "Ledger (slum hectares by year)",
        "levels_title": "Hectares per level, before and after works",
        "col_level": "level",
        "col_before_ha": "before ha",
        "col_after_ha": "after ha",
        "not_assessed_row": "belum dinilai (not assessed)",
        "unassessed_note": (
            "{n:,} of {total:,} units ({ha:,.2f} ha) could not be assessed (belum dinilai): "
            "they are in no slum figure above; the scoring report in run.json names what "
            "they lack."
        ),
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
    }
}

#: The language of the texts shown.
LANG = "en"


def text(key: str, **values: Any) -> str:
    """The text ``key`` in :data:`LANG`, with ``values`` filled in.

    Examples
    --------
    >>> from kotaku_gis.cli import text
    >>> text("wrote", path="hasil/map.html")
    'wrote hasil/map.html'
    """
    template = TEXTS[LANG][key]
    return template.format(**values) if values else template


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


def _error(err: Exception) -> typer.Exit:
    console.print(f"[red]{_t('error')}:[/] {escape(str(err))}")
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


def _wrote(paths: Any) -> None:
    for path in paths:
        out_console.print(_t("wrote", path=path), markup=False, highlight=False)


# ---------------------------------------------------------------- findings


def print_findings(
    reports: Mapping[str, Any], *, full_list: str | Path | None = None, first: int = 3
) -> None:
    """Print each report's count of errors, warnings and notes, and its errors and warnings
    counted by check with the first ``first`` rows of each.

    ``full_list`` names the file that holds every entry.

    Examples
    --------
    >>> from kotaku_gis import ValidationReport
    >>> from kotaku_gis.cli import print_findings
    >>> rep = ValidationReport(what="units", source="rt.gpkg")
    >>> for row in (4, 9, 12, 30):
    ...     rep.add(row, "area_ha", "warning", "area_mismatch", "area_ha differs by 7 %")
    >>> rep.add(None, "1a", "info", "column_mapped", "'K1A' read as '1a'")
    >>> print_findings({"units": rep}, full_list="hasil/validation.csv", first=2)
    Findings in the inputs and the run (errors and warnings by check, the first 2 of each):
      units (rt.gpkg): 0 error(s), 4 warning(s), 1 note(s)
        warning area_mismatch ×4
          row 4 [area_ha]: area_ha differs by 7 %
          row 9 [area_ha]: area_ha differs by 7 %
          … and 2 more
    The full list, notes too: hasil/validation.csv
    """
    out_console.print(f"[bold]{_t('findings_title', first=first)}[/]")
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
        out_console.print(f"  [bold]{escape(name + where)}[/]: {_t('findings_counts', **counts)}")
        for (severity, check), issues in sorted(
            by_check.items(), key=lambda kv: (kv[0][0] != "error", -len(kv[1]), kv[0][1])
        ):
            colour = "red" if severity == "error" else "yellow"
            label = _t(f"severity_{severity}")
            out_console.print(f"    [{colour}]{label}[/] {check} ×{len(issues):,}")
            for issue in issues[:first]:
                parts = [_t("row_label", row=issue.row)] if issue.row is not None else []
                if issue.column:
                    parts.append(f"[{issue.column}]")
                lead = " ".join(parts)
                line = f"      {lead}: {issue.message}" if lead else f"      {issue.message}"
                out_console.print(line, markup=False, highlight=False)
            if len(issues) > first:
                out_console.print(f"      {_t('findings_more', n=len(issues) - first)}")
    if full_list is not None:
        out_console.print(_t("findings_full", path=full_list), markup=False, highlight=False)


# ---------------------------------------------------------------- run and demo


def _print_result(result, elapsed: float, *, year_given: bool) -> None:
    from .pipeline import VALIDATION_FILE, WHAT_IF_NOTE

    head = result.headline()
    title = _t("title_done", year=result.year)
    if result.what_if:
        out_console.print(f"[bold yellow]{WHAT_IF_NOTE}[/]")
        title = _t("title_what_if", year=result.year)
    if not year_given:
        out_console.print(_t("year_chosen", year=result.year))
    table = Table(title=title, show_header=True)
    table.add_column(_t("col_figure"))
    table.add_column(_t("col_value"), justify="right")
    for key in (
        "units", "interventions", "units_belum_dinilai", "ha_belum_dinilai",
        "baseline_slum_ha", "slum_ha_after", "reduced_ha", "area_ha", "covered_ha",
        "remaining_ha",
    ):  # fmt: skip
        value = head[key]
        label = _t(f"head_{key}", year=result.year)
        table.add_row(label, f"{value:,.2f}" if isinstance(value, float) else f"{value:,}")
    out_console.print(table)
    ledger = Table(title=_t("ledger_title"))
    for col in ("year", "baseline_ha", "slum_ha", "reduced_ha", "units_left", "units_entered"):
        ledger.add_column(col, justify="right")
    for _, row in result.ledger.iterrows():
        ledger.add_row(
            str(int(row["year"])),
            f"{row['baseline_ha']:,.2f}",
            f"{row['slum_ha']:,.2f}",
            f"{row['reduced_ha']:,.2f}",
            str(int(row["units_left"])),
            str(int(row["units_entered"])),
        )
    out_console.print(ledger)
    levels = Table(title=_t("levels_title"))
    levels.add_column(_t("col_level"))
    levels.add_column(_t("col_before_ha"), justify="right")
    levels.add_column(_t("col_after_ha"), justify="right")
    total = result.summary.sum(numeric_only=True)
    shown = [(lvl, lvl) for lvl in LEVELS]
    if head["units_belum_dinilai"]:
        shown.append((_t("not_assessed_row"), "not assessed"))
    for label, lvl in shown:
        ha = ha_column(lvl)
        levels.add_row(label, f"{total[ha]:,.2f}", f"{total[after_column(ha)]:,.2f}")
    out_console.print(levels)
    rec = escape(str(result.reconciliation))
    if head["units_belum_dinilai"]:
        # A balanced ledger says nothing about units that were never scored.
        note = _t(
            "unassessed_note",
            n=head["units_belum_dinilai"],
            total=head["units"],
            ha=head["ha_belum_dinilai"],
        )
        out_console.print(f"[yellow]{escape(note)}[/]")
        out_console.print(_t("reconciliation_assessed", rec=rec))
    else:
        out_console.print(_t("reconciliation", rec=rec))
    full = next((p for p in result.outputs if Path(p).name == VALIDATION_FILE), None)
    print_findings(result.reports, full_list=full)
    _wrote(result.outputs)
    if result.what_if:
        out_console.print(f"[bold yellow]{WHAT_IF_NOTE}[/]")
    if result.database is not None:
        out_console.print(str(result.database), markup=False, highlight=False)
    out_console.print(f"[dim]{_t('done_in', seconds=elapsed)}[/]")


def _run(
    units, interventions, *, year, out, quiet, units_layer=None, works_layer=None, **options
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
                **options,
            )
    except InputError as err:
        raise _error(err) from None
    _print_result(result, time.perf_counter() - start, year_given=year is not None)


_YearOption = Annotated[
    int | None, typer.Option(help=_t("opt_year"), show_default=_t("year_default"))
]
_IncludePlanned = Annotated[bool, typer.Option("--include-planned", help=_t("opt_include_planned"))]
_Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=_t("opt_quiet"))]


@_command("demo")
def demo(
    out: Annotated[Path, typer.Option(help=_t("opt_out_demo"))] = Path("kotaku_gis_output"),
    year: _YearOption = None,
    include_planned: _IncludePlanned = False,
    quiet: _Quiet = False,
) -> None:
    from . import datasets

    sample = datasets.get_path("ntb_sample")
    _run(sample, sample, year=year, out=out, quiet=quiet, include_planned=include_planned)


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
) -> None:
    _run(
        units,
        interventions,
        year=year,
        out=out,
        quiet=quiet,
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
