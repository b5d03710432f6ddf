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

from ._frames import unit_hectares
from .allocation import allocate
from .database import DatabaseWrite, check_database_url, is_database_url
from .errors import InputError
from .grid import grid_summary, write_grid_tiff
from .io import Source, atomic_path, read_interventions, read_units, write_gpkg
from .labels import Lang, check_lang, count_text, format_text, phrase, word
from .ledger import Reconciliation, not_recomputed, progress, reconcile, summarize
from .overlay import remaining_area
from .raster import with_inundation
from .reports import (
    DICTIONARY_FILE,
    data_dictionary,
    denoise,
    machine_columns,
    machine_table,
    write_csv,
)
from .schema import SUMMARY_KEY
from .scoring import as_year, assess
from .summaries import audit_trail, summary_by, unserved_layer
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
    #: The language of what the run writes for people ("id" or "en").
    lang: Lang = "id"

    def headline(self) -> dict[str, float]:
        """The run's figures: units, slum hectares before and after works and the reduction,
        the units' area and its served and unserved hectares.

        Every figure counts the area used in all figures (``area_ha``: verified where given,
        else measured), as the summaries do; the served share of each unit's geometry is
        applied to it. ``units_not_recomputed`` and ``ha_not_recomputed`` are the units
        without a measured level after works (known only by a published level or scores):
        their part of ``reduced_ha`` (0) is not a measurement.
        """
        blank = self.baseline["level"].isna().to_numpy()
        area = self.summary["area_ha"].sum() if len(self.summary) else 0.0
        unassessed_ha = float(self.summary["ha_not_assessed"].sum()) if blank.any() else 0.0
        unmeasured = not_recomputed(self.after)
        return {
            "units": len(self.units),
            "interventions": len(self.interventions),
            "units_belum_dinilai": int(blank.sum()),
            "ha_belum_dinilai": round(unassessed_ha, 2),
            "units_not_recomputed": int(unmeasured.sum()),
            "ha_not_recomputed": round(float(unit_hectares(self.after)[unmeasured].sum()), 2),
            "baseline_slum_ha": round(float(self.ledger["baseline_ha"].iloc[-1]), 2),
            "slum_ha_after": round(float(self.ledger["slum_ha"].iloc[-1]), 2),
            "reduced_ha": round(float(self.ledger["reduced_ha"].iloc[-1]), 2),
            "area_ha": round(float(area), 2),
            "served_ha": round(float(self.summary["served_ha"].sum()), 2),
            "unserved_ha": round(float(self.summary["unserved_ha"].sum()), 2),
        }

    def not_recomputed_note(self) -> str | None:
        """The sentence saying how many units and hectares have no measured level after works
        (None when every unit's level after works is measured)."""
        head = self.headline()
        if not head["units_not_recomputed"]:
            return None
        return word("not_recomputed", self.lang).format(
            units=count_text(head["units_not_recomputed"], self.lang),
            ha=format_text("{ha:,.2f}", self.lang, ha=head["ha_not_recomputed"]),
        )

    def remaining_layer(self) -> gpd.GeoDataFrame:
        """The unserved part of each unit in the hectare vocabulary (``area_ha`` and
        ``area_ha_geom``, ``served_ha`` and ``unserved_ha``, ``served_ha_geom`` and
        ``unserved_ha_geom``; :func:`kotaku_gis.summaries.unserved_layer`) with its total and
        level after works (``total_score_after``, ``level_after``): the layer of
        ``remaining.gpkg``."""
        return unserved_layer(self.baseline, self.remaining, after=self.after)

    def summary_tables(self) -> dict[str, pd.DataFrame]:
        """``summary_kelurahan`` and ``summary_kota``: :func:`kotaku_gis.summaries.summary_by`
        per kota, kecamatan and kelurahan (kawasan without a kelurahan labelled), and per
        kota, without a total row: the same key as the workbook's summaries."""
        by_cols = [c for c in SUMMARY_KEY if c in self.baseline.columns]
        kota = [c for c in ("kota",) if c in self.baseline.columns]
        return {
            f"summary_{name}": summary_by(
                self.baseline, after=self.after, remaining=self.remaining, by=cols, total=None
            )
            for name, cols in (("kelurahan", by_cols), ("kota", kota))
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
        reconciliation = {
            k: (bool(v) if isinstance(v, bool | np.bool_) else float(denoise([v])[0]))
            for k, v in self.reconciliation.to_frame().iloc[0].items()
        }
        return {
            "kotaku_gis": __version__,
            "year": self.year,
            "ruleset": self.baseline.attrs.get("ruleset"),
            "what_if": self.what_if,
            "inputs": {
                "units": sources.get("units"),
                "interventions": sources.get("interventions"),
            },
            "lang": self.lang,
            "headline": self.headline(),
            "reconciliation": reconciliation,
            "validation": {
                k: _summary_text(v, self.lang) for k, v in self.reports.items() if v is not None
            },
        }


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
        lang=result.lang,
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
        lang=result.lang,
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
    by: tuple[str, ...] = SUMMARY_KEY,
    flood: str | os.PathLike | None = None,
    flood_threshold: float = 0.3,
    grid_m: float | None = 100.0,
    write_map: bool = True,
    write_workbook: bool = True,
    strict: bool = True,
    include_planned: bool = False,
    db_schema: str = "kotaku",
    lang: Lang = "id",
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
    lang : {"id", "en"}, default "id"
        The language of everything the run writes for people: the workbook, the charts,
        the map, the human fields of ``run.json`` (notes, the validation summaries and
        messages) and the step names given to ``step``. The machine files (CSV, GeoPackage)
        keep the library's column names and values, explained in ``data_dictionary.csv`` in
        both languages.
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
    >>> res.headline()["unserved_ha"] <= res.headline()["area_ha"]
    True
    """
    _check_options(year=year, grid_m=grid_m, flood_threshold=flood_threshold, out_dir=out_dir)
    lang = check_lang(lang)
    year = None if year is None else as_year(year)

    def say(key: str, **values: Any) -> str:
        return phrase("step", key, lang, **values)

    with step(say("read_units")):
        u = read_units(units, layer=units_layer or _layer(units, "units"))
    _check_units(u, strict=strict)
    if flood is not None:
        with step(say("flood")):
            u = with_inundation(u, flood, threshold=flood_threshold)
    with step(say("read_works")):
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
    with step(say("score")):
        baseline = assess(u, **scoring)
    _check_assessed(baseline, strict=strict, source=u.attrs["report"].source)
    with step(say("allocate")):
        reductions = allocate(u, w, year=year, include_planned=include_planned)
    with step(say("rescore", year=year)):
        after = assess(u, reductions=reductions, year=year, **scoring)
    with step(say("overlay")):
        remaining = remaining_area(u, w, year=year, include_planned=include_planned)
    with step(say("ledger")):
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
        lang=lang,
    )
    if out_dir is not None and is_database_url(out_dir):
        from .database import write_postgis

        with step(say("database", schema=db_schema)):
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
    lines = [i.line() for i in missing[:10]]
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
        lines = [i.line() for i in fatal[:10]]
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
        write_csv(findings_table(result.reports, lang=result.lang), staging / VALIDATION_FILE)
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
    lang = result.lang
    notes: list[str] = []
    unmeasured = result.not_recomputed_note()
    if unmeasured:
        notes.append(unmeasured)
    # Machine files and their columns, for the data dictionary.
    files: dict[str, list[str]] = {}
    with step(phrase("step", "remaining", lang)):
        layer = result.remaining_layer()
        write_gpkg({"remaining": layer}, out / "remaining.gpkg", prepare=machine_table)
        files["remaining.gpkg: remaining"] = machine_columns(layer)
    with step(phrase("step", "summaries", lang)):
        for name, table in result.summary_tables().items():
            write_csv(table, out / f"{name}.csv")
            files[f"{name}.csv"] = machine_columns(table)
        write_csv(result.ledger, out / "ledger.csv")
        files["ledger.csv"] = machine_columns(result.ledger)
        if not write_workbook:  # else the reports write the audit trail beside the workbook
            trail = result.audit_trail()
            write_csv(trail, out / AUDIT_FILE)
            files[AUDIT_FILE] = machine_columns(trail)
    if result.grid_m and isinstance(result.after, gpd.GeoDataFrame):
        with step(phrase("step", "grid", lang, cell=result.grid_m)):
            grid = grid_summary(result.after, cell_m=result.grid_m)
            if len(grid):
                write_gpkg({"grid": grid}, out / "grid.gpkg", prepare=machine_table)
                write_grid_tiff(grid, out / "grid.tif")
                files["grid.gpkg: grid"] = machine_columns(grid)
            else:
                notes.append(phrase("run", "no_grid", lang))
    if write_map and isinstance(result.after, gpd.GeoDataFrame):
        with step(phrase("step", "map", lang)):
            _map_html(result, out / "map.html")
        with step(phrase("step", "atlas", lang)):
            _atlas(result, out / "atlas.pdf")
    if write_workbook:
        with step(phrase("step", "excel", lang)):
            _workbook(result, out, files)
    else:
        files[DICTIONARY_FILE] = list(data_dictionary({}).columns)
        write_csv(data_dictionary(files), out / DICTIONARY_FILE)
    return notes


MANIFEST = "run.json"
#: The whole audit trail (each reduction with its work and unit): the Excel report's audit
#: sheet holds what fits in a sheet and refers to this file for the rest.
AUDIT_FILE = "reductions.csv"
#: What every output of a run with ``include_planned=True`` says (in English; the outputs
#: say it in their language: ``phrase("run", "what_if", lang)``).
WHAT_IF_NOTE = phrase("run", "what_if", "en")


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
        "scoring": _scoring_summary(result.reports.get("scoring"), lang=result.lang),
        "notes": notes,
        "outputs": names,
    }
    if result.what_if:
        manifest["notes"] = [phrase("run", "what_if", result.lang), *notes]
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _summary_text(report: ValidationReport, lang: Lang) -> str:
    """A report's one-line count of entries by severity in ``lang`` (with its source)."""
    counts = {s: sum(i.severity == s for i in report) for s in ("error", "warning", "info")}
    where = f"{report.source}: " if report.source else ""
    return where + phrase("run", "summary", lang, **counts)


def _scoring_summary(
    report: ValidationReport | None, *, first: int = 20, lang: Lang = "id"
) -> dict:
    """The scoring report for run.json: the count of entries per check and the first ones
    (their messages in ``lang``)."""
    if report is None:
        return {"counts": {}, "first": []}
    counts: dict[str, int] = {}
    for issue in report:
        counts[issue.check] = counts.get(issue.check, 0) + 1
    return {
        "summary": _summary_text(report, lang),
        "counts": dict(sorted(counts.items())),
        "first": [
            {
                "row": _json_value(i.row),
                "column": i.column,
                "severity": i.severity,
                "check": i.check,
                "message": i.text(lang),
            }
            for i in report.issues[:first]
        ],
    }


def _workbook(result: JobResult, out: Path, files: dict[str, list[str]]) -> None:
    from .reports import write_reports

    r = result
    what_if = {phrase("run", "what_if_key", r.lang): phrase("run", "what_if", r.lang)}
    write_reports(
        out, baseline=r.baseline, after=r.after, remaining=r.remaining,
        interventions=r.interventions, reductions=r.reductions, ledger=r.ledger,
        summary=r.summary, audit_file=AUDIT_FILE, year=r.year, validation=r.reports,
        lang=r.lang, files=files, parameters=what_if if r.what_if else None,
    )  # fmt: skip


#: Every entry of every report of a run (inputs, scoring, allocation, overlay), one per row.
VALIDATION_FILE = "validation.csv"


def findings_table(
    reports: dict[str, ValidationReport | None], *, lang: Lang = "en"
) -> pd.DataFrame:
    """The entries of a run's reports in one table: ``validation.csv``.

    Columns ``report`` (``units``, ``interventions``, ``scoring``, ``allocation``,
    ``overlay``), ``source``, ``row`` (as text), ``column``, ``severity``, ``check``,
    ``message`` (in ``lang``: :func:`kotaku_gis.labels.issue_text`) and ``repaired``; errors
    first, then warnings, then notes, each in the order found.

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
         i.check, i.text(lang), i.repaired)
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
