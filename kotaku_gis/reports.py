"""Report files for planners and auditors: the Excel workbook, the GeoPackage, CSV and PNG files.

:func:`write_reports` writes the whole set into a folder (the command-line program calls it);
each writer is also usable alone. Every file is replaced atomically
(:func:`kotaku_gis.io.atomic_path`): a reader sees the previous file or the new one, never half.
The tables come from :mod:`kotaku_gis.summaries`, the texts from :mod:`kotaku_gis.labels`, the
sheets from :mod:`kotaku_gis.excel` and the charts from :mod:`kotaku_gis.charts`.

Every writer takes the units scored at baseline (``baseline``) and, when there were works,
the same units scored after them (``after``). The older keyword ``units_assessed`` (the units
scored now, with ``baseline`` the state before works when given) is still accepted with a
``DeprecationWarning``.

The Excel workbook (:func:`write_excel_report`) holds, in Indonesian by default (``lang="en"``
for English sheet names and headers):

- the summary per kota and per kelurahan: units and hectares per level before and after the
  works, slum hectares, the reduction and, with the overlay, the served and unserved
  hectares, each with a total row equal to :func:`kotaku_gis.summarize`'s;
- the per-unit scores: percentage and score per criterion, total and level before and after
  and, with the overlay, the unit's served and unserved hectares (the same figures the
  summaries add up: shares of the verified ``area_ha``);
- the yearly ledger (:func:`kotaku_gis.progress`);
- the reductions audit trail: each reduction row with its intervention's attributes and its
  unit's hectares and levels, so that every hectare leaving the slum list traces back to works
  (``traced`` is False, with a validation note, where the intervention is not found). A sheet
  holds at most Excel's 1,048,576 rows: a longer trail is written in full to a CSV file beside
  the workbook, and the sheet and the notes say how many rows are only there, and in which
  file;
- the validation notes of the inputs (with a note per unit without a level, and per
  untraced reduction), and a notes sheet with the run's parameters and the regulation used.

Units without a level count under "not assessed" (``units_not_assessed``,
``ha_not_assessed``), so the level columns always add up to ``units`` and ``area_ha``.
With ``lang="en"`` the level and criterion names in the cells are English too; the GeoPackage
and CSV keep the library's values. Unit and intervention ids are matched as text everywhere.

Values are stored unrounded (sums in Excel add up to the library's); cells show two decimals.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from ._deprecation import warn_renamed
from ._frames import align_rows
from .atlas import plot_atlas_overview
from .charts import plot_ledger, plot_levels, save_figure
from .errors import InputError
from .excel import data_rows, frame_to_sheet, writing
from .io import atomic_path, write_gpkg
from .labels import (
    NOT_ASSESSED,
    Lang,
    check_lang,
    count_text,
    header,
    level_text,
    note,
    sheet_name,
    word,
)
from .ledger import summarize
from .rulesets import LEVELS, normalise_levels, ruleset_of
from .schema import after_column, before_column
from .summaries import (
    audit_trail,
    summary_by,
    unassessed_report,
    unit_scores,
    untraced_report,
    yearly_ledger,
)
from .validation_report import ValidationReport, issues_table

__all__ = [
    "frame_to_sheet",
    "plot_ledger",
    "plot_levels",
    "summary_by",
    "write_csv",
    "write_excel_report",
    "write_gpkg_report",
    "write_reports",
]
# frame_to_sheet (kotaku_gis.excel), plot_levels and plot_ledger (kotaku_gis.charts) and
# summary_by (kotaku_gis.summaries) are importable from here as well.

#: Name of the CSV file that holds a whole audit trail too long for its sheet, beside the
#: workbook ``<name>.xlsx``: ``<name>_reductions.csv``.
AUDIT_FILE_SUFFIX = "_reductions.csv"


# ---------------------------------------------------------------- the frames of a run


def _frames(
    function: str,
    *,
    baseline: pd.DataFrame | None,
    after: pd.DataFrame | None,
    units_assessed: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(baseline, after) from the writers' keywords, the deprecated ``units_assessed`` too.

    ``units_assessed`` was the units scored now: the baseline without ``baseline=``, the
    state after works with it.
    """
    if units_assessed is not None:
        if after is not None:
            raise InputError(
                f"{function} got both units_assessed= (its old name) and after=; pass "
                "baseline= and after= only."
            )
        warn_renamed(
            function, "units_assessed", "baseline", stacklevel=4,
            hint=" (the units scored before works) and after=... (the units scored after works)",
        )  # fmt: skip
        if baseline is None:
            baseline = units_assessed
        else:
            after = units_assessed
    if baseline is None:
        raise InputError(
            f"{function} needs baseline=, the units scored by kg.assess(units) (and after=, "
            "the same units scored after works)."
        )
    for frame, what in ((baseline, "baseline"), (after, "after")):
        if frame is not None and (
            not isinstance(frame, pd.DataFrame) or "level" not in frame.columns
        ):
            raise InputError(f"{what} must be the output of kg.assess(units) (it has 'level').")
    return baseline, after


def _validation(
    function: str,
    validation: Mapping[str, ValidationReport | None] | None,
    reports: Mapping[str, ValidationReport | None] | None,
) -> Mapping[str, ValidationReport | None] | None:
    """``validation=``, or its old name ``reports=`` with a warning."""
    if reports is None:
        return validation
    if validation is not None:
        raise InputError(
            f"{function} got both reports= (its old name) and validation=; pass validation= only."
        )
    warn_renamed(function, "reports", "validation", stacklevel=4)
    return reports


def _aligned(after: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """``after``'s rows in the order of ``baseline``'s (see :func:`_frames.align_rows`)."""
    return align_rows(after, baseline, name="the assessment after works", other="the baseline")


# ---------------------------------------------------------------- the Excel workbook


def _for_display(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The frame with its level columns in ``lang`` (the data keep the regulation's labels);
    a unit without a level shows "belum dinilai" / "not assessed"."""
    level = "level"
    names = [c for c in (level, before_column(level), after_column(level)) if c in frame]
    if not names:
        return frame
    out = frame.copy()
    shown = {lvl: level_text(lvl, lang) for lvl in LEVELS}
    for c in names:
        labels = normalise_levels(out[c], column=c)
        if lang == "en":
            labels = labels.replace(shown)
        out[c] = labels.fillna(NOT_ASSESSED[lang])
    return out


@dataclass
class _AuditSheet:
    """What the audit sheet shows of a trail: its first ``shown`` of ``total`` rows."""

    total: int
    shown: int
    file: Path | None

    @property
    def cut(self) -> bool:
        return self.shown < self.total

    def sentence(self, lang: Lang) -> str:
        name = self.file.name if self.file is not None else "?"
        return note("audit_rows", lang).format(
            total=count_text(self.total, lang), shown=count_text(self.shown, lang),
            rest=count_text(self.total - self.shown, lang),
            sheet=sheet_name("audit", lang), file=name,
        )  # fmt: skip


def _notes(run: _Run, audit: _AuditSheet | None) -> pd.DataFrame:
    from . import __version__

    lang, works, reductions = run.lang, run.interventions, run.reductions
    rs = ruleset_of(run.baseline)
    rows: list[tuple[str, Any]] = [
        (note("created", lang), dt.datetime.now().astimezone().isoformat("T", "seconds")),
        ("kotaku_gis", __version__),
        (note("regulation", lang), f"{rs.title} ({rs.name})"),
        (note("year", lang), run.year),
        (note("units", lang), len(run.baseline)),
        (note("interventions", lang), None if works is None else len(works)),
        (note("reduction_rows", lang), None if reductions is None else len(reductions)),
    ]
    if audit is not None and audit.cut:
        rows.append((note("audit_elsewhere", lang), audit.sentence(lang)))
    base = summarize(run.baseline)
    rows.append((note("area_ha", lang), float(base["area_ha"].iloc[0])))
    rows.append((note("slum_before", lang), float(base["slum_ha"].iloc[0])))
    if run.after is not None:
        rows.append((note("slum_after", lang), float(summarize(run.after)["slum_ha"].iloc[0])))
    for key, value in (run.parameters or {}).items():
        rows.append((str(key), value if isinstance(value, int | float | bool) else str(value)))
    levels = ", ".join(f"{level_text(label, lang)} ≥ {minimum}" for label, minimum in rs.levels)
    rows.append((note("levels", lang), levels))
    bands = ", ".join(f"≥ {m:g} % → {s}" for m, s in rs.bands)
    rows.append((note("bands", lang), bands))
    en = lang == "en"
    for c in rs.criteria:
        rows.append(
            (f"{note('criterion', lang)} {c.code}",
             f"{c.name_en if en else c.name_id} ({c.unit} / {c.denominator})")
        )  # fmt: skip
    return pd.DataFrame(
        {"key": [k for k, _ in rows], "value": pd.Series([v for _, v in rows], dtype=object)}
    )


def _write_audit_sheet(wb: Any, run: _Run, *, workbook: Path) -> _AuditSheet:
    """The audit sheet, cut to what a sheet holds (or to ``max_audit_rows`` rows); the whole
    trail as CSV where it is cut, or where ``audit_file`` asks for it."""
    trail = audit_trail(
        run.reductions, interventions=run.interventions, baseline=run.baseline, after=run.after,
        lang=run.lang,
    )  # fmt: skip
    limit = data_rows(caption=False) if run.max_audit_rows is None else run.max_audit_rows
    fits = len(trail) <= limit
    file = None
    if run.audit_file is not None or not fits:
        file = workbook.with_name(workbook.stem + AUDIT_FILE_SUFFIX)
        file = file if run.audit_file is None else Path(run.audit_file)
        write_csv(trail, file)
    shown = len(trail) if fits else min(limit, data_rows(caption=True))
    audit = _AuditSheet(total=len(trail), shown=shown, file=file)
    table = _for_display(trail.iloc[:shown], run.lang)
    frame_to_sheet(
        wb, sheet_name("audit", run.lang), table,
        headers=[header(c, run.lang) for c in table.columns],
        caption=audit.sentence(run.lang) if audit.cut else None,
        text_columns=("unit_id", "intervention_id"), freeze_columns=2,
    )  # fmt: skip
    return audit


def _row_limit(value: Any) -> int:
    """``max_audit_rows`` as a count of rows (0 or more)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise InputError(
            f"max_audit_rows must be a whole number of rows, 0 or more, not {value!r}."
        )
    return int(value)


@dataclass
class _Run:
    """The frames and options of one set of reports."""

    baseline: pd.DataFrame
    after: pd.DataFrame | None = None
    remaining: pd.DataFrame | None = None
    interventions: pd.DataFrame | None = None
    reductions: pd.DataFrame | None = None
    ledger: pd.DataFrame | None = None
    year: int | None = None
    parameters: Mapping[str, Any] | None = None
    validation: Mapping[str, ValidationReport | None] | None = None
    lang: Lang = "id"
    audit_file: str | os.PathLike | None = None
    max_audit_rows: int | None = None

    def __post_init__(self) -> None:
        """Options checked before any file is written; ``after`` in the baseline's order and
        the ledger computed from the reductions when not given."""
        self.lang = check_lang(self.lang)
        if self.max_audit_rows is not None:
            self.max_audit_rows = _row_limit(self.max_audit_rows)
        if self.after is not None:
            self.after = _aligned(self.after, self.baseline)
        if self.ledger is None:
            self.ledger = yearly_ledger(self.baseline, self.reductions)


def _write_excel(path: Path, run: _Run) -> Path | None:
    """Write the workbook; return the CSV file of the audit trail when one was written."""
    lang = run.lang

    def headers(frame: pd.DataFrame) -> list[str]:
        return [header(c, lang) for c in frame.columns]

    with writing(path) as wb:
        for key, by in (
            ("kota", ["provinsi", "kota"]),
            ("kelurahan", ["kota", "kecamatan", "kelurahan"]),
        ):
            table = summary_by(
                run.baseline, after=run.after, remaining=run.remaining, by=by,
                total=word("total", lang),
            )  # fmt: skip
            name = sheet_name(key, lang)
            frame_to_sheet(wb, name, table, headers=headers(table), caption=name)
        scores = unit_scores(run.baseline, after=run.after, remaining=run.remaining)
        scores = _for_display(scores, lang)
        frame_to_sheet(wb, sheet_name("units", lang), scores, headers=headers(scores),
                       text_columns=("unit_id",))  # fmt: skip
        if run.ledger is not None:
            ledger, title = run.ledger, word("ledger_title", lang)
            frame_to_sheet(
                wb, sheet_name("ledger", lang), ledger, headers=headers(ledger), caption=title
            )
        audit = None if run.reductions is None else _write_audit_sheet(wb, run, workbook=path)
        issues = issues_table(_validation_reports(run))
        frame_to_sheet(wb, sheet_name("issues", lang), issues, headers=headers(issues),
                       freeze_columns=0)  # fmt: skip
        notes = _notes(run, audit)
        frame_to_sheet(wb, sheet_name("notes", lang), notes, headers=headers(notes))
    return None if audit is None else audit.file


def _validation_reports(run: _Run) -> dict[str, ValidationReport | None]:
    """The reports of the inputs and of the run's own checks, then those given."""
    works, reductions = run.interventions, run.reductions
    found: dict[str, ValidationReport | None] = {
        "units": run.baseline.attrs.get("report"),
        "interventions": None if works is None else works.attrs.get("report"),
        "allocation": None if reductions is None else reductions.attrs.get("report"),
        "overlay": None if run.remaining is None else run.remaining.attrs.get("report"),
        "levels": unassessed_report(run.baseline, run.after),
        "reductions": None if reductions is None else untraced_report(reductions, works),
    }
    found.update(run.validation or {})
    return found


def write_excel_report(
    path: str | os.PathLike,
    *,
    baseline: pd.DataFrame | None = None,
    after: pd.DataFrame | None = None,
    remaining: pd.DataFrame | None = None,
    interventions: pd.DataFrame | None = None,
    reductions: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
    year: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    validation: Mapping[str, ValidationReport | None] | None = None,
    lang: Lang = "id",
    audit_file: str | os.PathLike | None = None,
    max_audit_rows: int | None = None,
    units_assessed: pd.DataFrame | None = None,
    reports: Mapping[str, ValidationReport | None] | None = None,
) -> Path:
    """Write the planner's Excel workbook: summaries, unit scores, ledger, audit trail, notes.

    Parameters
    ----------
    path : path
        The ``.xlsx`` file, replaced atomically.
    baseline : DataFrame
        The units scored at baseline (:func:`kotaku_gis.assess`).
    after : DataFrame, optional
        The same units scored after works (:func:`kotaku_gis.assess` with the reductions).
        Without it the "after" columns are left out.
    remaining : DataFrame, optional
        :func:`kotaku_gis.remaining_area` of the units: served and unserved hectares.
    interventions : DataFrame, optional
        The works, to trace each reduction to its intervention's kind, status and year.
    reductions : DataFrame, optional
        :func:`kotaku_gis.allocate`'s table: the audit trail sheet.
    ledger : DataFrame, optional
        :func:`kotaku_gis.progress`'s table; computed from ``reductions`` over their years
        when absent.
    year : int, optional
        Year of the works counted, written in the notes.
    parameters : mapping, optional
        Other run parameters for the notes sheet (input files, radii, …).
    validation : mapping, optional
        Name → :class:`~kotaku_gis.ValidationReport` for the validation sheet; the reports
        in the inputs' ``attrs["report"]`` are added.
    lang : {"id", "en"}, default "id"
        Sheet names and headers in Indonesian or English.
    audit_file : path, optional
        Also write the whole audit trail to this CSV file. Without it, the trail is written
        to ``<name>_reductions.csv`` beside the workbook only when the sheet cannot hold it.
    max_audit_rows : int, optional
        Reduction rows the audit sheet holds at most; by default what an Excel sheet holds
        (1,048,576 rows, the header included). A longer trail is cut there: the sheet's first
        line and the notes sheet say how many rows are only in the CSV file, and its name.
    units_assessed : DataFrame, optional
        Deprecated (``DeprecationWarning``): the units scored now; the baseline without
        ``baseline=``, the state after works with it. Pass ``baseline=`` and ``after=``.
    reports : mapping, optional
        Deprecated (``DeprecationWarning``): the old name of ``validation``.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl, pandas as pd
    >>> import kotaku_gis as kg
    >>> units = pd.DataFrame({"unit_id": ["A", "B"], "kota": ["Mataram", "Bima"],
    ...     "kelurahan": ["Ampenan", "Dara"], "area_ha": [2.5, 1.25], "buildings": [10, 10],
    ...     "households": [12, 12], "road_length_m": [200.0] * 2, "drain_length_m": [200.0] * 2,
    ...     **dict.fromkeys(kg.get_ruleset().codes, [0.0, 0.0]),
    ...     "1a": [10.0, 0.0], "1c": [10.0, 0.0], "7a": [10.0, 0.0], "7b": [10.0, 0.0]})
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "laporan.xlsx"
    >>> _ = kg.write_excel_report(path, baseline=kg.assess(units))
    >>> openpyxl.load_workbook(path).sheetnames
    ['Ringkasan Kota', 'Ringkasan Kelurahan', 'Skor Unit', 'Catatan Validasi', 'Katalog']
    """
    baseline, after = _frames(
        "kg.write_excel_report", baseline=baseline, after=after, units_assessed=units_assessed
    )
    run = _Run(
        baseline, after=after, remaining=remaining, interventions=interventions,
        reductions=reductions, ledger=ledger, year=year, parameters=parameters,
        validation=_validation("kg.write_excel_report", validation, reports), lang=lang,
        audit_file=audit_file, max_audit_rows=max_audit_rows,
    )  # fmt: skip
    _write_excel(Path(path), run)
    return Path(path)


# ---------------------------------------------------------------- GeoPackage and CSV


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as text and a fresh index: what GDAL and spreadsheets expect."""
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype("string")
    if any(n is not None for n in out.index.names):
        out = out.reset_index()
    return out.reset_index(drop=True)


def write_gpkg_report(
    path: str | os.PathLike,
    *,
    baseline: pd.DataFrame | None = None,
    after: pd.DataFrame | None = None,
    remaining: gpd.GeoDataFrame | None = None,
    interventions: pd.DataFrame | None = None,
    reductions: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
    units_assessed: pd.DataFrame | None = None,
) -> Path:
    """Write a GeoPackage for QGIS with the layers of a run.

    Layers: ``units_assessed`` (the units scored after works, with ``total_score_before``
    and ``level_before`` from the baseline; or the baseline alone), ``remaining`` (unserved
    parts), ``interventions`` (points, lines and polygons together; rows without geometry
    too), ``reductions`` and ``summary`` (tables without geometry). Layers whose input is
    None are left out. Column names are the library's (DESIGN §3).

    Parameters
    ----------
    path : path
        The ``.gpkg`` file, replaced atomically.
    baseline, after, remaining, interventions, reductions, units_assessed
        As for :func:`write_excel_report`.
    summary : DataFrame, optional
        A summary table; default :func:`summary_by` per kota and kelurahan.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, pyogrio, geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame({"unit_id": ["A"], "buildings": [10], "households": [12],
    ...     "road_length_m": [200.0], "drain_length_m": [200.0],
    ...     **dict.fromkeys(kg.get_ruleset().codes, [0.0]),
    ...     "1a": [10.0], "1c": [10.0], "7a": [10.0], "7b": [10.0]},
    ...     geometry=[shapely.box(116.1, -8.59, 116.101, -8.589)], crs=4326)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "laporan.gpkg"
    >>> _ = kg.write_gpkg_report(path, baseline=kg.assess(units))
    >>> pyogrio.list_layers(path)[:, 0].tolist()
    ['units_assessed', 'summary']
    """
    baseline, after = _frames(
        "kg.write_gpkg_report", baseline=baseline, after=after, units_assessed=units_assessed
    )
    units = baseline
    if after is not None:
        before = align_rows(baseline, after, name="the baseline", other="the units after works")
        units = after.assign(
            **{
                before_column("total_score"): before["total_score"].to_numpy(),
                before_column("level"): before["level"].astype("string").to_numpy(),
            }
        )
    if summary is None:
        summary = summary_by(baseline, after=after, remaining=remaining,
                             by=["kota", "kecamatan", "kelurahan"])  # fmt: skip
    layers: dict[str, pd.DataFrame] = {"units_assessed": _plain(units)}
    if remaining is not None:
        layers["remaining"] = _plain(remaining)
    if interventions is not None:
        layers["interventions"] = _plain(interventions)
    if reductions is not None:
        layers["reductions"] = _plain(reductions)
    layers["summary"] = _plain(summary)
    return write_gpkg(layers, path)


def write_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike,
    *,
    geometry: Literal["drop", "wkt"] = "drop",
    sep: str = ",",
) -> Path:
    """Write a table as UTF-8 CSV (with a byte-order mark, so Excel reads the accents).

    A named index (such as a summary's group) is written as columns; a plain row index is
    not. Floats are written in full.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
    path : path
        Replaced atomically.
    geometry : {"drop", "wkt"}, default "drop"
        Leave the geometry out, or write it as WKT in a ``geometry`` column.
    sep : str, default ","
        Field separator (";" suits Excel set to the Indonesian locale).

    Returns
    -------
    Path
        ``path``: the CSV file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from kotaku_gis.reports import write_csv
    >>> path = write_csv(pd.DataFrame({"unit_id": ["A"], "area_ha": [1.5]}),
    ...                  pathlib.Path(tempfile.mkdtemp()) / "units.csv")
    >>> path.read_text(encoding="utf-8-sig").splitlines()
    ['unit_id,area_ha', 'A,1.5']
    """
    if geometry not in ("drop", "wkt"):
        raise InputError(f"geometry must be 'drop' or 'wkt', not {geometry!r}.")
    table = frame
    if isinstance(frame, gpd.GeoDataFrame) and frame.active_geometry_name is not None:
        name = frame.geometry.name
        table = pd.DataFrame(frame.drop(columns=name))
        if geometry == "wkt":
            table["geometry"] = frame.geometry.to_wkt().to_numpy()
    table = _plain(table)
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, sep=sep, encoding="utf-8-sig")
    return Path(path)


# ---------------------------------------------------------------- everything at once


def _file_slug(name: object) -> str:
    """A file-name part from a place name: "Kota Mataram" → "kota_mataram"."""
    text = re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")
    return text or "tanpa_nama"


def _level_maps(
    out: Path,
    baseline: pd.DataFrame,
    after: pd.DataFrame | None,
    lang: Lang,
    *,
    ledger: pd.DataFrame | None = None,
    year: int | None = None,
) -> list[Path]:
    """``map_levels.png`` and, with several kota, ``map_levels_<kota>.png`` for each.

    ``map_levels.png`` is the atlas's overview page (the whole area's levels with each kota's
    slum hectares, their table and the ledger); each kota's PNG is its level map before and
    after works, framed to the kota with its boundary, name, year, scale bar and north arrow.
    """
    now = baseline if after is None else after
    if not isinstance(now, gpd.GeoDataFrame):
        return []
    before = None
    if after is not None and isinstance(baseline, gpd.GeoDataFrame):
        before = align_rows(baseline, after, name="the baseline", other="the units after works")
    written = [out / "map_levels.png"]
    if isinstance(baseline, gpd.GeoDataFrame):
        overview = plot_atlas_overview(baseline, after=after, ledger=ledger, year=year, lang=lang)
    else:
        overview = plot_levels(now, year=year, lang=lang)
    save_figure(overview, written[0])
    kota = now["kota"] if "kota" in now.columns else None
    if kota is not None and kota.nunique() > 1:
        for name in sorted(kota.dropna().unique(), key=str):
            rows = (kota == name).to_numpy(dtype=bool)
            part_before = before[rows] if before is not None else None
            path = out / f"map_levels_{_file_slug(name)}.png"
            fig = plot_levels(now[rows], baseline=part_before, lang=lang, year=year, area=name)
            save_figure(fig, path)
            written.append(path)
    return written


def write_reports(
    out_dir: str | os.PathLike,
    *,
    baseline: pd.DataFrame | None = None,
    after: pd.DataFrame | None = None,
    remaining: gpd.GeoDataFrame | None = None,
    interventions: pd.DataFrame | None = None,
    reductions: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
    year: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    validation: Mapping[str, ValidationReport | None] | None = None,
    lang: Lang = "id",
    figures: bool = True,
    audit_file: str | os.PathLike | None = None,
    max_audit_rows: int | None = None,
    units_assessed: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the report files of a run into a folder and return their paths.

    Files: ``kotaku_report.xlsx`` (:func:`write_excel_report`), ``kotaku_report.gpkg``
    (:func:`write_gpkg_report`), ``units_assessed.csv`` (per-unit scores and levels, and
    ``served_ha`` and ``unserved_ha`` as in the summaries), the whole audit trail as CSV
    (``audit_file``, or ``kotaku_report_reductions.csv`` when the workbook's sheet cannot hold
    it), and with ``figures`` ``map_levels.png`` (the overview page of
    :func:`kotaku_gis.plot_atlas_overview`, when the units have geometry; with several kota
    also ``map_levels_<kota>.png`` for each, :func:`plot_levels` framed to the kota) and
    ``chart_ledger.png`` (:func:`plot_ledger`, when there is a ledger).

    Parameters
    ----------
    out_dir : path
        Created if needed; existing files of the same names are replaced atomically.
    baseline, after, remaining, interventions, reductions, ledger, year, parameters
        As for :func:`write_excel_report`.
    validation, audit_file, max_audit_rows, units_assessed
        As for :func:`write_excel_report`; a relative ``audit_file`` is put in ``out_dir``.
    summary : DataFrame, optional
        The GeoPackage's ``summary`` layer (default :func:`summary_by` per kelurahan).
    lang : {"id", "en"}, default "id"
    figures : bool, default True
        Draw the PNG map and chart.

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> import kotaku_gis as kg
    >>> units = pd.DataFrame({"unit_id": ["A"], "kota": ["Mataram"], "area_ha": [2.0],
    ...     "buildings": [10], "households": [12], "road_length_m": [200.0],
    ...     "drain_length_m": [200.0], **dict.fromkeys(kg.get_ruleset().codes, [0.0]),
    ...     "1a": [10.0], "1c": [10.0], "7a": [10.0], "7b": [10.0]})
    >>> paths = kg.write_reports(tempfile.mkdtemp(), baseline=kg.assess(units))
    >>> [p.name for p in paths]
    ['kotaku_report.xlsx', 'kotaku_report.gpkg', 'units_assessed.csv']
    """
    baseline, after = _frames(
        "kg.write_reports", baseline=baseline, after=after, units_assessed=units_assessed
    )
    out = Path(out_dir)
    run = _Run(
        baseline, after=after, remaining=remaining, interventions=interventions,
        reductions=reductions, ledger=ledger, year=year, parameters=parameters,
        validation=validation, lang=lang, max_audit_rows=max_audit_rows,
        audit_file=None if audit_file is None else out / audit_file,
    )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    workbook = out / "kotaku_report.xlsx"
    trail = _write_excel(workbook, run)
    written = [
        workbook,
        write_gpkg_report(
            out / "kotaku_report.gpkg", baseline=baseline, after=after, remaining=remaining,
            interventions=interventions, reductions=reductions, summary=summary,
        ),
        write_csv(
            unit_scores(baseline, after=after, remaining=remaining), out / "units_assessed.csv"
        ),
    ]  # fmt: skip
    if trail is not None:
        written.append(trail)
    if figures:
        written += _level_maps(out, baseline, after, run.lang, ledger=run.ledger, year=year)
        if run.ledger is not None and len(run.ledger):
            save_figure(plot_ledger(run.ledger, lang=run.lang), out / "chart_ledger.png")
            written.append(out / "chart_ledger.png")
    return written
