"""The ``kotaku-gis`` command: the main job on files, or on the bundled sample.

Everything it prints, and its ``--help``, is in Indonesian or English: ``--lang id|en``, or the
environment variable ``KOTAKU_GIS_LANG`` (default ``id``; ``--help`` follows the variable).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .errors import InputError
from .labels import (
    LANGUAGES,
    Lang,
    check_lang,
    count_text,
    format_text,
    header,
    level_text,
    phrase,
)
from .schema import LEVELS, after_column, ha_column

#: The language of the command's texts when ``--lang`` is not given.
LANG_VARIABLE = "KOTAKU_GIS_LANG"


def _default_lang() -> Lang:
    value = os.environ.get(LANG_VARIABLE, "id").strip().lower()
    return value if value in LANGUAGES else "id"  # type: ignore[return-value]


#: The language of ``--help`` (read when the command starts).
HELP_LANG: Lang = _default_lang()


def _h(key: str) -> str:
    return phrase("help", key, HELP_LANG)


app = typer.Typer(
    name="kotaku-gis",
    help=_h("app"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
out_console = Console(soft_wrap=True)


def _say(key: str, lang: Lang, **values: Any) -> str:
    return phrase("console", key, lang, **values)


def _ha(value: float, lang: Lang) -> str:
    return format_text("{v:,.2f}", lang, v=float(value))


def _lang_option(value: str) -> Lang:
    try:
        return check_lang(value)
    except InputError as err:
        raise typer.BadParameter(str(err)) from None


def _lang() -> Any:
    return typer.Option("--lang", help=_h("lang"), callback=_lang_option)


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


def _reconciliation_text(rec, lang: Lang) -> str:
    values = {k: _ha(getattr(rec, f"{k}_ha"), lang)
              for k in ("baseline", "reduced", "expected", "remaining", "gap")}  # fmt: skip
    values["tolerance"] = _ha(rec.tolerance_ha, lang)
    return _say("balanced" if rec.balanced else "not_balanced", lang, **values)


def _print_result(result, elapsed: float) -> None:
    from .pipeline import _summary_text

    lang: Lang = result.lang
    head = result.headline()
    what_if = phrase("run", "what_if", lang)
    title = _say("title", lang, year=result.year)
    if result.what_if:
        out_console.print(f"[bold yellow]{what_if}[/]")
        title = _say("title_what_if", lang, year=result.year)
    table = Table(title=title, show_header=True)
    table.add_column(_say("figure", lang))
    table.add_column(_say("value", lang), justify="right")
    unmeasured = head["units_not_recomputed"]
    for key in ("units", "interventions", "units_belum_dinilai", "ha_belum_dinilai",
                "units_not_recomputed", "ha_not_recomputed", "baseline_slum_ha",
                "slum_ha_after", "reduced_ha", "area_ha", "served_ha", "unserved_ha"):  # fmt: skip
        value = head[key]
        text = _ha(value, lang) if isinstance(value, float) else count_text(value, lang)
        if key == "reduced_ha" and unmeasured:
            # Zero is a measurement: the units not recomputed have no measured reduction.
            text = _say("reduced_partial", lang, reduced=text,
                        ha=_ha(head["ha_not_recomputed"], lang))  # fmt: skip
        style = "bold yellow" if key.endswith("not_recomputed") and unmeasured else None
        table.add_row(_say(key, lang, year=result.year), text, style=style)
    out_console.print(table)
    ledger = Table(title=phrase("word", "ledger_title", lang))
    ledger_columns = ("year", "baseline_ha", "slum_ha", "reduced_ha", "units_left",
                      "units_entered")  # fmt: skip
    for col in ledger_columns:
        ledger.add_column(header(col, lang), justify="right")
    for _, row in result.ledger.iterrows():
        ledger.add_row(
            str(int(row["year"])),
            *[_ha(row[c], lang) for c in ("baseline_ha", "slum_ha", "reduced_ha")],
            count_text(row["units_left"], lang),
            count_text(row["units_entered"], lang),
        )
    out_console.print(ledger)
    levels = Table(title=_say("levels_title", lang))
    levels.add_column(_say("level", lang))
    levels.add_column(_say("before_ha", lang), justify="right")
    levels.add_column(_say("after_ha", lang), justify="right")
    total = result.summary.sum(numeric_only=True)
    shown = [(level_text(lvl, lang), lvl) for lvl in LEVELS]
    if head["units_belum_dinilai"]:
        shown.append((level_text("not assessed", lang), "not assessed"))
    for label, lvl in shown:
        ha = ha_column(lvl)
        levels.add_row(label, _ha(total[ha], lang), _ha(total[after_column(ha)], lang))
    out_console.print(levels)
    rec_label = "reconciliation"
    if head["units_belum_dinilai"]:
        # A balanced ledger says nothing about units that were never scored.
        out_console.print(
            "[yellow]"
            + _say("unassessed", lang, units=count_text(head["units_belum_dinilai"], lang),
                   total=count_text(head["units"], lang),
                   ha=_ha(head["ha_belum_dinilai"], lang))
            + "[/]"
        )  # fmt: skip
        rec_label = "reconciliation_assessed"
    note = result.not_recomputed_note()
    if note:
        # Nor about units whose level after works could not be recomputed.
        out_console.print(f"[bold yellow]{note}[/]")
        rec_label = "reconciliation_measured"
    out_console.print(
        f"{_say(rec_label, lang)}: {_reconciliation_text(result.reconciliation, lang)}"
    )
    for name, report in result.reports.items():
        if report is not None and len(report):
            out_console.print(f"[yellow]{phrase('report', name, lang)}[/]: "
                              f"{_summary_text(report, lang)}")  # fmt: skip
    for path in result.outputs:
        out_console.print(_say("wrote", lang, path=path), highlight=False)
    if result.what_if:
        out_console.print(f"[bold yellow]{what_if}[/]")
    if result.database is not None:
        from .database import _show_ident

        db = result.database
        rows = ", ".join(f"{t} ({count_text(n, lang)})" for t, n in db.tables.items())
        out_console.print(
            _say("database", lang, run=db.run_id, schema=_show_ident(db.schema), url=db.url,
                 rows=rows),
            highlight=False,
        )  # fmt: skip
    out_console.print(f"[dim]{_say('done', lang, seconds=elapsed)}[/]")


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
        console.print(f"[red]{_say('error', lang)}:[/] {err}", highlight=False)
        raise typer.Exit(2) from None
    _print_result(result, time.perf_counter() - start)


@app.command(help=_h("demo"))
def demo(
    out: Annotated[Path, typer.Option(help=_h("out"))] = Path("kotaku_gis_output"),
    year: Annotated[int | None, typer.Option(help=_h("year"))] = None,
    include_planned: Annotated[
        bool, typer.Option("--include-planned", help=_h("include_planned"))
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_h("quiet"))] = False,
    lang: Annotated[str, _lang()] = HELP_LANG,
) -> None:
    """Run the main job on the bundled NTB sample and write its outputs."""
    from . import datasets

    sample = datasets.get_path("ntb_sample")
    _run(
        sample, sample, year=year, out=out, quiet=quiet, include_planned=include_planned,
        lang=check_lang(lang),
    )  # fmt: skip


@app.command(help=_h("run"))
def run(
    units: Annotated[str, typer.Option(help=_h("units"))],
    interventions: Annotated[str, typer.Option(help=_h("interventions"))],
    out: Annotated[str, typer.Option(help=_h("out_run"))],
    year: Annotated[int | None, typer.Option(help=_h("year"))] = None,
    units_layer: Annotated[str | None, typer.Option(help=_h("units_layer"))] = None,
    interventions_layer: Annotated[str | None, typer.Option(help=_h("interventions_layer"))] = None,
    flood: Annotated[Path | None, typer.Option(help=_h("flood"))] = None,
    flood_threshold: Annotated[float, typer.Option(help=_h("flood_threshold"))] = 0.3,
    grid_m: Annotated[float, typer.Option(help=_h("grid_m"))] = 100.0,
    keep_going: Annotated[bool, typer.Option("--keep-going", help=_h("keep_going"))] = False,
    include_planned: Annotated[
        bool, typer.Option("--include-planned", help=_h("include_planned"))
    ] = False,
    schema: Annotated[str, typer.Option(help=_h("schema"))] = "kotaku",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_h("quiet"))] = False,
    lang: Annotated[str, _lang()] = HELP_LANG,
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


@app.command(help=_h("plan"))
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


@app.command(help=_h("validate"))
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


@app.command(help=_h("reconcile"))
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
