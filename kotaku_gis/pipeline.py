"""The main job: read → assess → allocate works → re-assess → overlay → summary, map, reports.

:func:`run_job` is what ``kotaku-gis run`` and ``kotaku-gis demo`` do, and what a notebook calls
to get every table of a city or province in one go.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .allocation import allocate
from .database import DatabaseWrite, check_database_url, is_database_url
from .errors import InputError
from .grid import grid_summary, write_grid_tiff
from .io import Source, atomic_path, read_interventions, read_units, write_gpkg
from .ledger import Reconciliation, progress, reconcile, summarize
from .overlay import remaining_area
from .raster import with_inundation
from .reports import write_csv
from .schema import after_column
from .scoring import as_year, assess
from .summaries import audit_trail, summary_by
from .validation_report import ValidationReport

__all__ = ["JobResult", "run_job"]

Step = Callable[[str], contextlib.AbstractContextManager]


@contextlib.contextmanager
def _quiet(_: str) -> Iterator[None]:
    yield


@dataclass
class JobResult:
    """Every table of one run, and the files written."""

    units: pd.DataFrame
    interventions: pd.DataFrame
    baseline: pd.DataFrame
    after: pd.DataFrame
    reductions: pd.DataFrame
    remaining: gpd.GeoDataFrame
    ledger: pd.DataFrame
    summary: pd.DataFrame
    reconciliation: Reconciliation
    year: int
    grid_m: float | None = None
    reports: dict[str, ValidationReport] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    #: True when planned and in-progress works were counted as done (``include_planned``).
    what_if: bool = False
    database: DatabaseWrite | None = None

    def headline(self) -> dict[str, float]:
        """Baseline, reduced and remaining slum hectares, and the served and unserved hectares.

        Every figure counts the units' verified ``area_ha``, as the summaries do; the served
        share of each unit's geometry is applied to it.
        """
        blank = self.baseline["level"].isna().to_numpy()
        area = self.summary["area_ha"].sum() if len(self.summary) else 0.0
        unassessed_ha = float(self.summary["ha_not_assessed"].sum()) if blank.any() else 0.0
        return {
            "units": len(self.units),
            "interventions": len(self.interventions),
            "units_belum_dinilai": int(blank.sum()),
            "ha_belum_dinilai": round(unassessed_ha, 2),
            "baseline_slum_ha": round(float(self.ledger["baseline_ha"].iloc[-1]), 2),
            "slum_ha_after": round(float(self.ledger["slum_ha"].iloc[-1]), 2),
            "reduced_ha": round(float(self.ledger["reduced_ha"].iloc[-1]), 2),
            "area_ha": round(float(area), 2),
            "covered_ha": round(float(self.summary["served_ha"].sum()), 2),
            "remaining_ha": round(float(self.summary["unserved_ha"].sum()), 2),
        }

    def remaining_layer(self) -> gpd.GeoDataFrame:
        """The unserved part of each unit with its hectares, and its total and level after works
        (``total_score``, ``level_after``): the layer of ``remaining.gpkg``."""
        after_cols = ["unit_id", "total_score", "level"]
        remaining = self.remaining.merge(
            self.after[after_cols].rename(columns={"level": after_column("level")}),
            on="unit_id",
            how="left",
        ).set_index(self.remaining.index)
        return gpd.GeoDataFrame(
            remaining, geometry=self.remaining.geometry.name, crs=self.remaining.crs
        )

    def summary_tables(self) -> dict[str, pd.DataFrame]:
        """``summary_kelurahan`` and ``summary_kota``: :func:`kotaku_gis.summaries.summary_by`
        per kota and kelurahan, and per kota, without a total row."""
        by_cols = [c for c in ("kota", "kelurahan") if c in self.baseline.columns]
        return {
            f"summary_{name}": summary_by(
                self.baseline, after=self.after, remaining=self.remaining, by=cols, total=None
            )
            for name, cols in (("kelurahan", by_cols), ("kota", by_cols[:1]))
        }

    def audit_trail(self) -> pd.DataFrame:
        """Each reduction row with its work's attributes and its unit's hectares and levels
        (:func:`kotaku_gis.summaries.audit_trail`): ``reductions.csv``."""
        return audit_trail(
            self.reductions, interventions=self.interventions, baseline=self.baseline,
            after=self.after,
        )  # fmt: skip

    def describe(self) -> dict[str, Any]:
        """What was run and its figures: the part of ``run.json`` that the database's ``run``
        table repeats (version, year, ruleset, what-if, inputs, headline, reconciliation and
        the validation summaries)."""
        from . import __version__

        sources = {k: (v.source if v is not None else None) for k, v in self.reports.items()}
        return {
            "kotaku_gis": __version__,
            "year": self.year,
            "ruleset": self.baseline.attrs.get("ruleset"),
            "what_if": self.what_if,
            "inputs": {
                "units": sources.get("units"),
                "interventions": sources.get("interventions"),
            },
            "headline": self.headline(),
            "reconciliation": {
                k: (bool(v) if isinstance(v, bool | np.bool_) else float(v))
                for k, v in self.reconciliation.to_frame().iloc[0].items()
            },
            "validation": {k: v.summary() for k, v in self.reports.items() if v is not None},
        }


def _lang(result: JobResult) -> str:
    return getattr(result, "lang", None) or "id"


def _map_html(result: JobResult, path: Path) -> Path:
    """Write the interactive map: level before and after works, sites, unserved parts.

    Above :data:`kotaku_gis.maps.units.MAX_UNITS` units over several kota it is an index map,
    with one map per kota beside it (``map_<kota>.html``).
    """
    from .maps import map_units, save_map

    m = map_units(
        result.after,
        interventions=result.interventions,
        remaining=result.remaining,
        baseline=result.baseline,
        year=result.year,
        lang=_lang(result),
    )
    return save_map(m, path)


def _atlas(result: JobResult, path: Path) -> Path:
    """Write the printable atlas, each kota's page with its own yearly ledger."""
    from .atlas import write_atlas

    ledger = result.ledger
    if "kota" in result.units.columns and result.units["kota"].notna().any():
        ledger = progress(
            result.units, result.reductions, years=sorted(result.ledger["year"].unique()),
            by="kota", ruleset=result.baseline.attrs.get("ruleset") or "permen-14-2018",
            include_planned=result.what_if, allow_unassessed=True,
        )  # fmt: skip
    return write_atlas(
        path, result.baseline, after=result.after, ledger=ledger, year=result.year,
        lang=_lang(result),
    )  # fmt: skip


def run_job(
    units: Source,
    interventions: Source,
    *,
    year: int | None = None,
    out_dir: str | os.PathLike | None = None,
    ruleset: str = "permen-14-2018",
    units_layer: str | None = None,
    interventions_layer: str | None = None,
    by: tuple[str, ...] = ("kota", "kelurahan"),
    flood: str | os.PathLike | None = None,
    flood_threshold: float = 0.3,
    grid_m: float | None = 100.0,
    write_map: bool = True,
    write_workbook: bool = True,
    strict: bool = True,
    include_planned: bool = False,
    db_schema: str = "kotaku",
    step: Step = _quiet,
) -> JobResult:
    """Read, score, overlay and summarise; write the outputs when ``out_dir`` is given.

    Parameters
    ----------
    units, interventions : path or (Geo)DataFrame
        The slum units and the works.
    year : int, optional
        Count works done by this year (default: the latest year among the works).
    out_dir : path or database URL, optional
        A ``postgresql://`` URL writes the run's tables into the schema ``db_schema`` of
        that database (:func:`kotaku_gis.write_postgis`; ``result.database`` says what was
        written). A folder gets ``remaining.gpkg``, ``summary_kelurahan.csv``,
        ``summary_kota.csv``, ``ledger.csv``, ``reductions.csv`` (the whole audit trail:
        each reduction with its work and its unit's levels; the Excel report's audit sheet
        holds what a sheet can and refers to this file for the rest),
        ``grid.gpkg``/``grid.tif``, ``map.html`` (above 20,000 units over several kota an
        index map with ``map_<kota>.html`` beside it), ``atlas.pdf`` (an overview page and one
        page per kota) and the Excel report, and ``run.json`` (what
        was run, when, and on which files). Every result is computed before any file is
        written, and each file is written to a temporary name and moved into place, so a
        failed run leaves the previous outputs as they were and a second run into the same
        folder replaces the whole set.
    ruleset : str
        Regulation to score with.
    flood : path, optional
        Flood-depth raster: criterion 4a becomes the hectares at or above ``flood_threshold``
        metres (:func:`kotaku_gis.with_inundation`) before scoring.
    grid_m : float or None
        Cell size of the privacy grid (``grid.gpkg`` and ``grid.tif``: slum hectares without
        exact boundaries); None to skip it.
    db_schema : str, default "kotaku"
        Schema the tables go into when ``out_dir`` is a database URL.
    strict : bool, default True
        Stop with :class:`~kotaku_gis.InputError` when the units' validation finds errors
        (duplicate ids, overlapping units, swapped or absurd coordinates, non-numeric volumes,
        criteria without evidence), or when a unit cannot be assessed, since they would make
        the hectares wrong. With False the run goes on, those rows are kept, units that
        cannot be assessed count as "belum dinilai" (never as slum), and the reports list them;
        repeated or missing ids stop the run all the same.
    include_planned : bool, default False
        A what-if: count planned and in-progress works as done (not cancelled ones) in the
        allocation, the overlay and the ledger. The result's ``what_if`` is True, and every
        output says so (``run.json``, the Excel notes sheet).
    step : callable, optional
        ``step(name)`` returns a context manager around each long step (progress display).

    Returns
    -------
    JobResult
        ``reconciliation`` checks the ledger's flows against its stocks: baseline slum
        hectares minus the hectares of units that left the list (plus those that joined it),
        year by year, must equal the slum hectares of the units scored after works.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> from kotaku_gis.pipeline import run_job
    >>> res = run_job(kg.datasets.get_path("ntb_sample"),
    ...               kg.datasets.get_path("ntb_sample"), year=2023)
    >>> res.headline()["remaining_ha"] <= res.headline()["area_ha"]
    True
    """
    _check_options(year=year, grid_m=grid_m, flood_threshold=flood_threshold, out_dir=out_dir)
    year = None if year is None else as_year(year)
    with step("reading units"):
        u = read_units(units, layer=units_layer or _layer(units, "units"))
    _check_units(u, strict=strict)
    if flood is not None:
        with step("measuring inundation (4a) from the flood raster"):
            u = with_inundation(u, flood, threshold=flood_threshold)
    with step("reading interventions"):
        w = read_interventions(
            interventions, layer=interventions_layer or _layer(interventions, "interventions")
        )
    if len(w) == 0:
        raise InputError(
            f"{w.attrs['report'].source}: the interventions layer has no rows; give the works "
            "(an empty layer would report no reduction at all)."
        )
    if year is None:
        years_known = w["year"].dropna()
        if years_known.empty:
            raise InputError("no work has a year; pass year=… to say which year to report.")
        year = int(years_known.max())
    scoring = {"ruleset": ruleset, "allow_unassessed": not strict}
    with step("scoring the baseline"):
        baseline = assess(u, **scoring)
    _check_assessed(baseline, strict=strict, source=u.attrs["report"].source)
    with step("allocating works to criteria"):
        reductions = allocate(u, w, year=year, include_planned=include_planned)
    with step(f"re-scoring after works done by {year}"):
        after = assess(u, reductions=reductions, year=year, **scoring)
    with step("overlaying service areas"):
        remaining = remaining_area(u, w, year=year, include_planned=include_planned)
    with step("building the ledger"):
        first = int(w["year"].dropna().min()) if w["year"].notna().any() else year
        years = list(range(min(first, year), year + 1))
        ledger = progress(u, reductions, years=years, include_planned=include_planned, **scoring)
        by_cols = [c for c in by if c in u.columns]
        summary = summary_by(baseline, after=after, remaining=remaining, by=by_cols, total=None)
        rec = _reconcile_flows(baseline, after, ledger)
    result = JobResult(
        units=u,
        interventions=w,
        baseline=baseline,
        after=after,
        reductions=reductions,
        remaining=remaining,
        ledger=ledger,
        summary=summary,
        reconciliation=rec,
        year=year,
        grid_m=grid_m,
        reports={
            "units": u.attrs.get("report"),
            "interventions": w.attrs.get("report"),
            "scoring": after.attrs.get("report"),
            "allocation": reductions.attrs.get("report"),
            "overlay": remaining.attrs.get("report"),
        },
        what_if=bool(include_planned),
    )
    if out_dir is not None and is_database_url(out_dir):
        from .database import write_postgis

        with step(f"writing the tables into schema {db_schema!r} of the database"):
            result.database = write_postgis(result, str(out_dir), schema=db_schema)
    elif out_dir is not None:
        result.outputs = _write_outputs(result, Path(out_dir), step, write_map, write_workbook)
    return result


def _check_options(
    *, year: int | None, grid_m: float | None, flood_threshold: float, out_dir
) -> None:
    """Reject bad options before any work, so that no output is half updated."""
    if year is not None:
        as_year(year)
    if grid_m is not None and not (np.isfinite(grid_m) and grid_m > 0):
        raise InputError(f"the grid cell must be a positive number of metres, not {grid_m!r}.")
    if not np.isfinite(flood_threshold):
        raise InputError(f"the flood threshold must be a number of metres, not {flood_threshold}.")
    if is_database_url(out_dir):
        check_database_url(out_dir)
    elif out_dir is not None and Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise InputError(f"{out_dir} is a file; give a folder for the outputs.")


#: Unit checks whose errors make hectares wrong: the run stops on them unless told otherwise.
_FATAL_UNIT_CHECKS = frozenset(
    {"duplicate_id", "missing_id", "overlap", "lonlat_swapped", "outside_indonesia",
     "wrong_geometry_type", "non_numeric", "negative_value", "missing_column",
     "criterion_missing"}
)  # fmt: skip


def _check_assessed(baseline: pd.DataFrame, *, strict: bool, source: str | None) -> None:
    """Stop (when strict) if some unit could not be assessed: its hectares would be missing
    from every slum figure."""
    blank = baseline["level"].isna().to_numpy()
    if not strict or not blank.any():
        return
    report: ValidationReport = baseline.attrs["report"]
    missing = [i for i in report if i.check == "criterion_missing"]
    lines = [f"  row {i.row!r}, {i.column}: {i.message}" for i in missing[:10]]
    more = f"\n  … and {len(missing) - 10} more" if len(missing) > 10 else ""
    names = baseline["unit_id"] if "unit_id" in baseline.columns else baseline.index.to_series()
    ids = names[blank].astype("string").tolist()[:10]
    raise InputError(
        f"{source}: {int(blank.sum())} of {len(baseline)} unit(s) cannot be assessed "
        f"(e.g. {ids}): a criterion has no evidence and there is no published level, so their "
        "hectares would be missing from the slum figures.\n"
        + "\n".join(lines)
        + more
        + "\nGive the missing columns, or run with strict=False (--keep-going) to continue "
        "with them counted as 'belum dinilai' (never as slum) and listed in run.json."
    )


def _check_units(units: pd.DataFrame, *, strict: bool) -> None:
    report: ValidationReport = units.attrs["report"]
    if len(units) == 0:
        raise InputError(f"{report.source}: the units layer has no rows; nothing to assess.")
    fatal = [i for i in report.errors if i.check in _FATAL_UNIT_CHECKS]
    # Allocation and the ledger join on unit_id: repeated ids cannot be carried on.
    if fatal and (strict or any(i.check in ("duplicate_id", "missing_id") for i in fatal)):
        lines = [f"  row {i.row!r}: {i.message}" for i in fatal[:10]]
        more = f"\n  … and {len(fatal) - 10} more" if len(fatal) > 10 else ""
        raise InputError(
            f"{report.source}: {len(fatal)} error(s) in the units would make the hectares "
            "wrong:\n" + "\n".join(lines) + more + "\nFix them (`kotaku-gis validate FILE` "
            "lists them all), or run with strict=False (--keep-going) to continue with those "
            "rows kept and reported."
        )


def _reconcile_flows(
    baseline: pd.DataFrame, after: pd.DataFrame, ledger: pd.DataFrame
) -> Reconciliation:
    """Baseline stock − net yearly flows off the list against the stock after works."""
    baseline_ha = float(summarize(baseline)["slum_ha"].iloc[0])
    remaining_ha = float(summarize(after)["slum_ha"].iloc[0])
    reduced_ha = float(ledger["ha_left"].sum() - ledger["ha_entered"].sum())
    return reconcile(baseline_ha, reduced_ha, remaining_ha)


def _layer(source: Source, name: str) -> str | None:
    """The layer named ``name`` of a multi-layer GeoPackage such as the bundled sample."""
    if isinstance(source, str | os.PathLike) and str(source).lower().endswith(".gpkg"):
        import pyogrio

        with contextlib.suppress(Exception):
            if name in [str(n) for n in pyogrio.list_layers(source)[:, 0]]:
                return name
    return None


def _write_outputs(
    result: JobResult, out: Path, step: Step, write_map: bool, write_workbook: bool
) -> list[Path]:
    """Write every output into a staging folder, then move the set into ``out``.

    Nothing in ``out`` changes until every file has been written; files that the previous
    run listed in its ``run.json`` and this run does not write are removed, so the folder
    never mixes two runs.
    """
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kotaku-staging-", dir=out))
    try:
        notes = _write_all(result, staging, step, write_map, write_workbook)
        write_csv(findings_table(result.reports), staging / VALIDATION_FILE)
        names = sorted(p.name for p in staging.iterdir() if p.is_file())
        _write_manifest(result, staging / MANIFEST, [*names, MANIFEST], notes)
        previous = _previous_outputs(out / MANIFEST)
        for name in [*names, MANIFEST]:
            os.replace(staging / name, out / name)
        for name in previous - {*names, MANIFEST}:
            (out / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in [*names, MANIFEST]]


def _write_all(
    result: JobResult, out: Path, step: Step, write_map: bool, write_workbook: bool
) -> list[str]:
    notes: list[str] = []
    with step("writing remaining.gpkg"):
        write_gpkg({"remaining": result.remaining_layer()}, out / "remaining.gpkg")
    with step("writing summaries"):
        for name, table in result.summary_tables().items():
            write_csv(table, out / f"{name}.csv")
        write_csv(result.ledger, out / "ledger.csv")
        if not write_workbook:  # else the reports write the audit trail beside the workbook
            write_csv(result.audit_trail(), out / AUDIT_FILE)
    if result.grid_m and isinstance(result.after, gpd.GeoDataFrame):
        with step(f"summarising slum hectares on a {result.grid_m:g} m grid"):
            grid = grid_summary(result.after, cell_m=result.grid_m)
            if len(grid):
                write_gpkg({"grid": grid}, out / "grid.gpkg")
                write_grid_tiff(grid, out / "grid.tif")
            else:
                notes.append("no slum units after works: no privacy grid written")
    if write_map and isinstance(result.after, gpd.GeoDataFrame):
        with step("drawing the map"):
            _map_html(result, out / "map.html")
        with step("drawing the atlas"):
            _atlas(result, out / "atlas.pdf")
    if write_workbook:
        with step("writing the Excel report"):
            _workbook(result, out)
    return notes


MANIFEST = "run.json"
#: The whole audit trail (each reduction with its work and unit): the Excel report's audit
#: sheet holds what fits in a sheet and refers to this file for the rest.
AUDIT_FILE = "reductions.csv"
#: What every output of a run with ``include_planned=True`` says.
WHAT_IF_NOTE = (
    "WHAT-IF: planned and in-progress works are counted as done (include_planned); these "
    "figures are not a record of completed works"
)


def _previous_outputs(path: Path) -> set[str]:
    """File names the previous run wrote, from its manifest (none if there is none)."""
    try:
        listed = json.loads(path.read_text())["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    # Only plain names in this folder: a manifest never makes us delete elsewhere.
    return {n for n in listed if isinstance(n, str) and n == Path(n).name}


def _write_manifest(result: JobResult, path: Path, names: list[str], notes: list[str]) -> None:
    described = result.describe()
    manifest = {
        "kotaku_gis": described.pop("kotaku_gis"),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **described,
        "scoring": _scoring_summary(result.reports.get("scoring")),
        "notes": notes,
        "outputs": names,
    }
    if result.what_if:
        manifest["notes"] = [WHAT_IF_NOTE, *notes]
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _scoring_summary(report: ValidationReport | None, *, first: int = 20) -> dict:
    """The scoring report for run.json: the count of entries per check and the first ones."""
    if report is None:
        return {"counts": {}, "first": []}
    counts: dict[str, int] = {}
    for issue in report:
        counts[issue.check] = counts.get(issue.check, 0) + 1
    return {
        "summary": report.summary(),
        "counts": dict(sorted(counts.items())),
        "first": [
            {
                "row": _json_value(i.row),
                "column": i.column,
                "severity": i.severity,
                "check": i.check,
                "message": i.message,
            }
            for i in report.issues[:first]
        ],
    }


def _workbook(result: JobResult, out: Path) -> None:
    from .reports import write_reports

    r = result
    write_reports(
        out, baseline=r.baseline, after=r.after, remaining=r.remaining,
        interventions=r.interventions, reductions=r.reductions, ledger=r.ledger,
        summary=r.summary, audit_file=AUDIT_FILE, year=r.year, lang=_lang(r),
        parameters={"what-if": WHAT_IF_NOTE} if r.what_if else None,
    )  # fmt: skip


#: Every entry of every report of a run (inputs, scoring, allocation, overlay), one per row.
VALIDATION_FILE = "validation.csv"


def findings_table(reports: dict[str, ValidationReport | None]) -> pd.DataFrame:
    """The entries of a run's reports in one table: ``validation.csv``.

    Columns ``report`` (``units``, ``interventions``, ``scoring``, ``allocation``,
    ``overlay``), ``source``, ``row`` (as text), ``column``, ``severity``, ``check``,
    ``message`` and ``repaired``; errors first, then warnings, then notes, each in the order
    found.

    Examples
    --------
    >>> from kotaku_gis.pipeline import findings_table
    >>> from kotaku_gis import ValidationReport
    >>> rep = ValidationReport(what="units", source="rt.gpkg")
    >>> rep.add(3, "area_ha", "warning", "area_mismatch", "area_ha differs from the polygon")
    >>> rep.add(None, "1a", "info", "column_mapped", "'K1A' read as '1a'")
    >>> rep.add(5, "unit_id", "error", "duplicate_id", "unit_id 'A' appears twice")
    >>> findings_table({"units": rep, "overlay": None})[["report", "row", "check"]].values.tolist()
    [['units', '5', 'duplicate_id'], ['units', '3', 'area_mismatch'], ['units', <NA>, 'column_mapped']]
    """  # noqa: E501
    cols = ["report", "source", "row", "column", "severity", "check", "message", "repaired"]
    rows = [
        (name, report.source, None if i.row is None else str(i.row), i.column, i.severity,
         i.check, i.message, i.repaired)
        for name, report in reports.items()
        if report is not None
        for i in report
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    for col in cols[:-1]:
        out[col] = out[col].astype("string")
    out["repaired"] = out["repaired"].astype(bool)
    rank = out["severity"].map({"error": 0, "warning": 1, "info": 2}).to_numpy()
    return out.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)
