"""The ``kotaku-gis`` command: the main job on files, or on the bundled sample."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .errors import InputError
from .schema import LEVELS, after_column, ha_column

app = typer.Typer(
    name="kotaku-gis",
    help="Slum hectares, scores and remaining area for KOTAKU planners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
out_console = Console()


def _stepper(quiet: bool):
    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        start = time.perf_counter()
        if quiet:
            yield
            return
        with console.status(f"[bold]{name}…"):
            yield
        console.print(f"  [green]✓[/] {name} [dim]({time.perf_counter() - start:.1f} s)[/]")

    return step


def _print_result(result, elapsed: float) -> None:
    from .pipeline import WHAT_IF_NOTE

    head = result.headline()
    title = f"KOTAKU: works done by {result.year}"
    if result.what_if:
        out_console.print(f"[bold yellow]{WHAT_IF_NOTE}[/]")
        title = f"KOTAKU what-if: works done or planned by {result.year}"
    table = Table(title=title, show_header=True)
    table.add_column("figure")
    table.add_column("value", justify="right")
    labels = {
        "units": "units",
        "interventions": "interventions",
        "units_belum_dinilai": "units not assessed (belum dinilai)",
        "ha_belum_dinilai": "area not assessed ha",
        "baseline_slum_ha": "baseline slum ha",
        "slum_ha_after": f"slum ha after works ({result.year})",
        "reduced_ha": "reduced ha",
        "area_ha": "unit area ha",
        "served_ha": "served area ha",
        "unserved_ha": "unserved area ha",
    }
    for key, label in labels.items():
        value = head[key]
        table.add_row(label, f"{value:,.2f}" if isinstance(value, float) else f"{value:,}")
    out_console.print(table)
    ledger = Table(title="Ledger (slum hectares by year)")
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
    levels = Table(title="Hectares per level, before and after works")
    levels.add_column("level")
    levels.add_column("before ha", justify="right")
    levels.add_column("after ha", justify="right")
    total = result.summary.sum(numeric_only=True)
    shown = [(lvl, lvl) for lvl in LEVELS]
    if head["units_belum_dinilai"]:
        shown.append(("belum dinilai (not assessed)", "not assessed"))
    for label, lvl in shown:
        ha = ha_column(lvl)
        levels.add_row(label, f"{total[ha]:,.2f}", f"{total[after_column(ha)]:,.2f}")
    out_console.print(levels)
    if head["units_belum_dinilai"]:
        # A balanced ledger says nothing about units that were never scored.
        out_console.print(
            f"[yellow]{head['units_belum_dinilai']:,} of {head['units']:,} units "
            f"({head['ha_belum_dinilai']:,.2f} ha) could not be assessed (belum dinilai)[/]: "
            "they are in no slum figure above; the scoring report in run.json names what "
            "they lack."
        )
        out_console.print(f"Reconciliation of the assessed units only: {result.reconciliation}")
    else:
        out_console.print(f"Reconciliation: {result.reconciliation}")
    for name, report in result.reports.items():
        if report is not None and len(report):
            out_console.print(f"[yellow]{name}[/]: {report.summary()}")
    for path in result.outputs:
        out_console.print(f"wrote {path}")
    if result.what_if:
        out_console.print(f"[bold yellow]{WHAT_IF_NOTE}[/]")
    if result.database is not None:
        out_console.print(str(result.database))
    out_console.print(f"[dim]done in {elapsed:.1f} s[/]")


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
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(2) from None
    _print_result(result, time.perf_counter() - start)


_INCLUDE_PLANNED_HELP = (
    "What-if: count planned and in-progress works as done (not cancelled ones); every "
    "output says so."
)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("kotaku_gis_output"),
    year: Annotated[int | None, typer.Option(help="Count works done by this year.")] = None,
    include_planned: Annotated[
        bool, typer.Option("--include-planned", help=_INCLUDE_PLANNED_HELP)
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Run the main job on the bundled NTB sample and write its outputs."""
    from . import datasets

    sample = datasets.get_path("ntb_sample")
    _run(sample, sample, year=year, out=out, quiet=quiet, include_planned=include_planned)


@app.command()
def run(
    units: Annotated[
        str,
        typer.Option(
            help="Slum units file (GPKG, GeoJSON, SHP, ZIP, Parquet), or a PostGIS URL "
            "postgresql://user@host:5432/db with --units-layer schema.table."
        ),
    ],
    interventions: Annotated[str, typer.Option(help="Interventions file or PostGIS URL.")],
    out: Annotated[
        str,
        typer.Option(
            help="Output folder, or a PostGIS URL: the run's tables go into --schema there."
        ),
    ],
    year: Annotated[int | None, typer.Option(help="Count works done by this year.")] = None,
    units_layer: Annotated[
        str | None, typer.Option(help="Layer of the units file, or table / SELECT query.")
    ] = None,
    interventions_layer: Annotated[
        str | None, typer.Option(help="Layer of the interventions file.")
    ] = None,
    flood: Annotated[
        Path | None, typer.Option(help="Flood-depth raster: sets criterion 4a before scoring.")
    ] = None,
    flood_threshold: Annotated[
        float, typer.Option(help="Depth in metres that counts as inundated.")
    ] = 0.3,
    grid_m: Annotated[float, typer.Option(help="Privacy-grid cell in metres (0 to skip).")] = 100.0,
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going",
            help="Go on when the units have errors or cannot all be assessed (they are kept, "
            "counted as 'belum dinilai' and reported).",
        ),
    ] = False,
    include_planned: Annotated[
        bool, typer.Option("--include-planned", help=_INCLUDE_PLANNED_HELP)
    ] = False,
    schema: Annotated[
        str, typer.Option(help="Schema for the tables when --out is a PostGIS URL.")
    ] = "kotaku",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Score units, overlay completed works and write remaining.gpkg, summaries and a map.

    With --out postgresql://… the same tables go into a PostGIS schema, in one transaction.
    """
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


@app.command()
def plan(
    units: Annotated[Path, typer.Option(help="Slum units file (baseline volumes).")],
    candidates: Annotated[Path, typer.Option(help="Candidate works with a cost column.")],
    budget: Annotated[float, typer.Option(help="Money available (same currency as costs).")],
    out: Annotated[Path, typer.Option(help="Output folder.")],
    works: Annotated[Path | None, typer.Option(help="Works already built (applied first).")] = None,
    year: Annotated[int | None, typer.Option(help="Count works completed by this year.")] = None,
    objective: Annotated[str, typer.Option(help="slum_ha, weighted_ha or score.")] = "slum_ha",
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take.")] = 300.0,
    gap: Annotated[float, typer.Option(help="Relative gap at which to stop (0: optimum).")] = 0.0,
    cost_column: Annotated[str, typer.Option(help="Column of the costs.")] = "cost",
    alternatives: Annotated[
        str | None, typer.Option(help="Column naming groups of alternatives (one per group).")
    ] = None,
    units_layer: Annotated[str | None, typer.Option(help="Layer of the units file.")] = None,
    candidates_layer: Annotated[str | None, typer.Option(help="Layer of candidates.")] = None,
    works_layer: Annotated[str | None, typer.Option(help="Layer of the works file.")] = None,
) -> None:
    """Choose the candidate works that free the most slum hectares within a budget.

    Writes plan.xlsx, plan.csv, plan_reductions.csv (audit trail), plan_map.html, plan.json.
    """
    import warnings

    from .io import read_interventions, read_units
    from .planning import plan as _plan

    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = _plan(
                read_units(units, layer=units_layer),
                read_interventions(candidates, layer=candidates_layer),
                works=read_interventions(works, layer=works_layer) if works else None,
                budget=budget, year=year, objective=objective, time_limit=time_limit,
                mip_gap=gap, cost_column=cost_column,
                constraints={"alternatives": alternatives} if alternatives else None,
            )  # fmt: skip
            paths = result.write(out)
    except InputError as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(2) from None
    table = Table(title=f"Plan ({result.status}, proven gap {result.gap:.2%})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    greedy = result.greedy or {}
    for label, value in (
        ("works chosen", f"{len(result.selected):,}"),
        ("cost", f"{result.cost:,.0f} of {budget:,.0f}"),
        ("slum ha before", f"{result.slum_ha_before:,.2f}"),
        ("slum ha after", f"{result.slum_ha_after:,.2f}"),
        ("slum ha freed", f"{result.reduced_ha:,.2f}"),
        (
            "greedy: slum ha freed",
            f"{result.slum_ha_before - greedy.get('slum_ha_after', result.slum_ha_before):,.2f}",
        ),
    ):
        table.add_row(label, value)
    out_console.print(table)
    for path in paths:
        out_console.print(f"wrote {path}")
    out_console.print(f"[dim]done in {time.perf_counter() - start:.1f} s[/]")


@app.command()
def validate(
    file: Annotated[str, typer.Argument(help="Layer to check (a file, or a PostGIS URL).")],
    what: Annotated[str, typer.Option(help="'units' or 'interventions'.")] = "units",
    layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer file.")] = None,
    id_column: Annotated[str, typer.Option(help="Identifier column of units.")] = "unit_id",
) -> None:
    """Print every problem found in a units or interventions file."""
    import warnings

    from .io import read_interventions, read_units

    if what not in ("units", "interventions"):
        console.print("[red]error:[/] --what must be 'units' or 'interventions'")
        raise typer.Exit(2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            if what == "units":
                frame = read_units(file, layer=layer, id_column=id_column)
            else:
                frame = read_interventions(file, layer=layer)
    except InputError as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(2) from None
    report = frame.attrs["report"]
    table = Table(title=f"{report.source} ({what}): {report.summary()}")
    for col in ("row", "column", "severity", "check", "message"):
        table.add_column(col, overflow="fold")
    colours = {"error": "red", "warning": "yellow", "info": "cyan"}
    for issue in report:
        table.add_row(
            str(issue.row),
            str(issue.column or ""),
            f"[{colours[issue.severity]}]{issue.severity}[/]",
            issue.check,
            issue.message + (" (repaired)" if issue.repaired else ""),
        )
    out_console.print(table)
    out_console.print(f"{len(frame)} rows read; {report.summary()}")
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def reconcile(
    baseline_ha: Annotated[float, typer.Argument(help="Baseline slum hectares.")],
    reduced_ha: Annotated[float, typer.Argument(help="Hectares reported as reduced.")],
    remaining_ha: Annotated[float, typer.Argument(help="Hectares reported as remaining.")],
    tolerance_ha: Annotated[float, typer.Option(help="Gap accepted as rounding.")] = 0.01,
) -> None:
    """Check a reported ledger: remaining must equal baseline minus reduced.

    Exits 1 when the figures do not balance, printing the unexplained gap.
    """
    from .ledger import reconcile as _reconcile

    try:
        rec = _reconcile(baseline_ha, reduced_ha, remaining_ha, tolerance_ha=tolerance_ha)
    except InputError as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(2) from None
    table = Table(title="Reconciliation")
    table.add_column("figure")
    table.add_column("ha", justify="right")
    for label, value in (
        ("baseline", rec.baseline_ha),
        ("reduced", rec.reduced_ha),
        ("expected remaining (baseline - reduced)", rec.expected_ha),
        ("reported remaining", rec.remaining_ha),
        ("gap (reported - expected)", rec.gap_ha),
    ):
        table.add_row(label, f"{value:,.2f}")
    out_console.print(table)
    if rec.balanced:
        out_console.print("[green]balanced[/] within the tolerance")
        return
    out_console.print(
        f"[red]NOT balanced[/]: {abs(rec.gap_ha):,.2f} ha are unexplained; "
        "find the works or units behind them before reporting."
    )
    raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``kotaku-gis`` console script."""
    app()


if __name__ == "__main__":
    main()
