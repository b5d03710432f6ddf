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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from ._deprecation import warn_renamed
from ._frames import align_rows, unit_hectares
from .atlas import plot_atlas_overview
from .charts import plot_ledger, plot_levels, save_figure
from .errors import InputError
from .excel import data_rows, frame_to_sheet, writing
from .io import atomic_path, write_gpkg
from .labels import (
    NOT_ASSESSED,
    Lang,
    category_label,
    check_lang,
    check_title,
    column_meaning,
    count_text,
    format_text,
    header,
    level_text,
    note,
    sheet_name,
    value_label,
    word,
)
from .ledger import not_recomputed, summarize
from .rulesets import LEVELS, normalise_levels, ruleset_of
from .schema import SUMMARY_KEY, after_column, before_column
from .scoring import round_half_up
from .summaries import (
    audit_trail,
    summary_by,
    unassessed_report,
    unit_scores,
    unserved_layer,
    untraced_report,
    yearly_ledger,
)
from .validation_report import ValidationReport

__all__ = [
    "DICTIONARY_FILE",
    "data_dictionary",
    "denoise",
    "frame_to_sheet",
    "machine_table",
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
#: The data dictionary of the machine files (CSV, GeoPackage) of a set of reports: every
#: column with its meaning and unit in Indonesian and English.
DICTIONARY_FILE = "data_dictionary.csv"


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


#: Columns of shares (0-1): shown to 4 decimals; other figures to 2 (hectares to 0.01 ha).
_SHARES = frozenset({"kontribusi_penanganan", "overlap_share", "capacity_factor", "covered_share"})
#: Columns whose values are shown in the reader's language (labels group of each).
_VALUE_COLUMNS = {
    "measure": "measure", "criterion_unit": "measure", "method": "method",
    "level_source": "level_source", "severity": "severity", "source": "report",
}  # fmt: skip
_GROUP_COLUMNS = ("provinsi", "kota", "kecamatan", "kelurahan")


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures for people: floats rounded half-up to 0.01 (shares to 0.0001).

    The totals of the tables are computed before (from the unrounded figures), so a total
    may differ by a few 0.01 from the sum of the rounded rows; each sheet says so.
    """
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c].dtype):
            digits = 4 if str(c) in _SHARES else 2
            values = out[c].to_numpy(dtype=float, na_value=np.nan)
            out[c] = np.copysign(round_half_up(np.abs(values), digits), values) + 0.0
    return out


def _for_display(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The frame as a person reads it in ``lang``: level columns, measures, methods, evidence
    depths, severities and report names in ``lang`` (a unit without a level shows "belum
    dinilai" / "not assessed"), the labels of blank groups in ``lang``, categories by name,
    figures rounded (:func:`_rounded`). The data keep the library's values."""
    out = _rounded(frame)
    level = "level"
    for c in (level, before_column(level), after_column(level)):
        if c not in out.columns:
            continue
        labels = normalise_levels(out[c], column=c)
        if lang == "en":
            labels = labels.replace({lvl: level_text(lvl, lang) for lvl in LEVELS})
        out[c] = labels.fillna(NOT_ASSESSED[lang]).astype(object)
    for c, group in _VALUE_COLUMNS.items():
        if c in out.columns:
            out[c] = [value_label(group, v, lang) for v in out[c].astype(object)]
    if "category" in out.columns:
        out["category"] = [
            v if not isinstance(v, str) else category_label(v, lang)
            for v in out["category"].astype(object)
        ]
    if lang != "id":
        for c in _GROUP_COLUMNS:
            if c in out.columns:
                blank = word("blank_group", "id").format(column=c)
                shown = word("blank_group", lang).format(column=c)
                out[c] = out[c].astype(object).replace({blank: shown})
    return out


def _run_year(run: _Run) -> int | None:
    """The year of the run: the one given, else the latest year of the reductions."""
    if run.year is not None:
        return int(run.year)
    if run.reductions is not None and "year" in run.reductions.columns:
        years = pd.to_numeric(run.reductions["year"], errors="coerce").dropna()
        if len(years):
            return int(years.max())
    return None


def _caption(run: _Run, key: str, *notes: str) -> list[str]:
    """The first lines of a sheet: its title with the year and the ruleset, then notes."""
    rs = ruleset_of(run.baseline)
    year = _run_year(run)
    title = word("caption", run.lang).format(
        title=sheet_name(key, run.lang),
        year=word("year_unknown", run.lang) if year is None else year,
        ruleset=f"{rs.title} ({rs.name})",
    )
    return [title, *[n for n in notes if n]]


def _not_recomputed_sentence(run: _Run) -> str | None:
    """The sentence saying how many units have no measured level after works (None when
    every unit's level after works is measured, or without works)."""
    if run.after is None:
        return None
    flags = not_recomputed(run.after)
    if not flags.any():
        return None
    ha = float(unit_hectares(run.after)[flags].sum())
    return word("not_recomputed", run.lang).format(
        units=count_text(int(flags.sum()), run.lang),
        ha=format_text("{ha:,.2f}", run.lang, ha=ha),
    )


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
        (note("year", lang), _run_year(run)),
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
        flags = not_recomputed(run.after)
        rows.append((note("units_not_recomputed", lang), int(flags.sum())))
        rows.append((note("ha_not_recomputed", lang),
                     float(unit_hectares(run.after)[flags].sum())))  # fmt: skip
    rows.append((note("rounding", lang), word("rounding", lang)))
    for key, value in (run.parameters or {}).items():
        rows.append((str(key), value if isinstance(value, int | float | bool) else str(value)))
    levels = ", ".join(f"{level_text(label, lang)} ≥ {minimum}" for label, minimum in rs.levels)
    rows.append((note("levels", lang), levels))
    bands = ", ".join(f"≥ {m:g} % → {s}" for m, s in rs.bands)
    rows.append((note("bands", lang), bands))
    en = lang == "en"
    for c in rs.criteria:
        unit = value_label("measure", c.unit, lang)
        denominator = header(c.denominator, lang)
        rows.append(
            (f"{note('criterion', lang)} {c.code}",
             f"{c.name_en if en else c.name_id} ({unit} / {denominator})")
        )  # fmt: skip
    table = pd.DataFrame(
        {"key": [k for k, _ in rows], "value": pd.Series([v for _, v in rows], dtype=object)}
    )
    table["value"] = [
        round(v, 2) if isinstance(v, float) else v for v in table["value"].astype(object)
    ]
    return table


def _write_audit_sheet(wb: Any, run: _Run, *, workbook: Path) -> tuple[_AuditSheet, list[str]]:
    """The audit sheet, cut to what a sheet holds (or to ``max_audit_rows`` rows); the whole
    trail as CSV where it is cut, or where ``audit_file`` asks for it. Returns what the sheet
    shows and its columns."""
    trail = audit_trail(
        run.reductions, interventions=run.interventions, baseline=run.baseline, after=run.after,
        lang=run.lang,
    )  # fmt: skip
    caption = _caption(run, "audit", word("rounding", run.lang))
    limit = data_rows(caption=caption) if run.max_audit_rows is None else run.max_audit_rows
    fits = len(trail) <= limit
    file = None
    if run.audit_file is not None or not fits:
        file = workbook.with_name(workbook.stem + AUDIT_FILE_SUFFIX)
        file = file if run.audit_file is None else Path(run.audit_file)
        write_csv(trail, file)
    shown = len(trail) if fits else min(limit, data_rows(caption=len(caption) + 1))
    audit = _AuditSheet(total=len(trail), shown=shown, file=file)
    table = _for_display(trail.iloc[:shown], run.lang)
    if audit.cut:
        caption.append(audit.sentence(run.lang))
    frame_to_sheet(
        wb, sheet_name("audit", run.lang), table,
        headers=[header(c, run.lang) for c in table.columns], caption=caption,
        text_columns=("unit_id", "intervention_id"), freeze_columns=2,
    )  # fmt: skip
    return audit, [str(c) for c in trail.columns]


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
    #: Machine files of the run beside the workbook: file (or file: layer) → its columns,
    #: for the data dictionary.
    files: Mapping[str, Sequence[str]] | None = None

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


def data_dictionary(
    tables: Mapping[str, Sequence[str]], *, lang: Lang | None = None
) -> pd.DataFrame:
    """Every column of every table: its name, header, meaning and unit.

    Parameters
    ----------
    tables : mapping
        Table (a sheet, a file, or "file: layer") → its column names.
    lang : {"id", "en"}, optional
        One language (columns ``table``, ``column_name``, ``header_text``, ``meaning``,
        ``unit_text``: the workbook's sheet); without it both (``header_text_id``,
        ``header_text_en``, ``meaning_id``, ``meaning_en``, ``unit_text_id``,
        ``unit_text_en``: the ``data_dictionary.csv`` of the machine files).

    Examples
    --------
    >>> from kotaku_gis.reports import data_dictionary
    >>> d = data_dictionary({"remaining.gpkg": ["area_ha", "area_ha_geom"]}, lang="en")
    >>> d[["column_name", "header_text", "unit_text"]].values.tolist()
    [['area_ha', 'Area (ha)', 'ha'], ['area_ha_geom', 'Geometry area (ha)', 'ha']]
    """
    rows = []
    for table, columns in tables.items():
        for c in columns:
            if lang is not None:
                meaning, unit = column_meaning(c, lang)
                rows.append((table, str(c), header(c, lang), meaning, unit))
            else:
                mid, uid = column_meaning(c, "id")
                men, uen = column_meaning(c, "en")
                rows.append((table, str(c), header(c, "id"), header(c, "en"), mid, men, uid, uen))
    if lang is not None:
        cols = ["table", "column_name", "header_text", "meaning", "unit_text"]
    else:
        cols = ["table", "column_name", "header_text_id", "header_text_en", "meaning_id",
                "meaning_en", "unit_text_id", "unit_text_en"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols, dtype=object)


def _issues_sheet(run: _Run) -> pd.DataFrame:
    """The validation entries as a person reads them in the run's language."""
    lang = run.lang
    rows = [
        (value_label("report", name, lang), None if i.row is None else str(i.row), i.column,
         value_label("severity", i.severity, lang), check_title(i.check, lang), i.check,
         i.text(lang), i.repaired)
        for name, rep in _validation_reports(run).items()
        if rep is not None
        for i in rep
    ]  # fmt: skip
    cols = ["source", "row", "column", "severity", "check", "check_code", "message", "repaired"]
    table = pd.DataFrame(rows, columns=cols, dtype=object)
    table["repaired"] = table["repaired"].astype(bool)
    return table


def _write_excel(path: Path, run: _Run) -> tuple[Path | None, dict[str, list[str]]]:
    """Write the workbook; return the CSV file of the audit trail when one was written, and
    the machine files of the run with their columns (``run.files`` and that CSV)."""
    lang = run.lang
    rounding = word("rounding", lang)
    shown: dict[str, list[str]] = {}

    def headers(frame: pd.DataFrame) -> list[str]:
        return [header(c, lang) for c in frame.columns]

    def sheet(key: str, table: pd.DataFrame, *notes: str | None, **options: Any) -> None:
        name = sheet_name(key, lang)
        shown[name] = [str(c) for c in table.columns]
        display = _for_display(table, lang)
        frame_to_sheet(wb, name, display, headers=headers(display),
                       caption=_caption(run, key, *[n for n in notes if n]), **options)  # fmt: skip

    with writing(path) as wb:
        unmeasured = _not_recomputed_sentence(run)
        for key, by in (("kota", ["provinsi", "kota"]), ("kelurahan", list(SUMMARY_KEY))):
            table = summary_by(
                run.baseline, after=run.after, remaining=run.remaining, by=by,
                total=word("total", lang),
            )  # fmt: skip
            sheet(key, table, rounding, unmeasured)
        scores = unit_scores(run.baseline, after=run.after, remaining=run.remaining)
        sheet("units", scores, rounding, unmeasured, text_columns=("unit_id",))
        if run.ledger is not None:
            sheet("ledger", run.ledger, word("ledger_title", lang), rounding, unmeasured)
        audit = None
        machine = {k: [str(c) for c in v] for k, v in (run.files or {}).items()}
        if run.reductions is not None:
            audit, columns = _write_audit_sheet(wb, run, workbook=path)
            shown[sheet_name("audit", lang)] = columns
            if audit.file is not None:
                machine[audit.file.name] = columns
        sheet("issues", _issues_sheet(run), freeze_columns=0)
        sheet("notes", _notes(run, audit))
        tables = {**shown, **machine}
        tables[sheet_name("dictionary", lang)] = list(data_dictionary({}, lang=lang).columns)
        dictionary = data_dictionary(tables, lang=lang)
        sheet("dictionary", dictionary, word("dictionary_note", lang), freeze_columns=2)
    return (None if audit is None else audit.file), machine


def _validation_reports(run: _Run) -> dict[str, ValidationReport | None]:
    """Every report of the run, each once: those given (the inputs' readers, scoring,
    allocation, overlay), then those found on the frames and the reports' own checks."""
    works, reductions = run.interventions, run.reductions
    scored = run.after if run.after is not None else run.baseline
    found: dict[str, ValidationReport | None] = {
        "units": None,
        "interventions": None if works is None else works.attrs.get("report"),
        "scoring": scored.attrs.get("report"),
        "allocation": None if reductions is None else reductions.attrs.get("report"),
        "overlay": None if run.remaining is None else run.remaining.attrs.get("report"),
    }
    given = dict(run.validation or {})
    out: dict[str, ValidationReport | None] = {}
    seen: set[int] = set()
    for name in [*found, *[n for n in given if n not in found]]:
        rep = given.get(name) if given.get(name) is not None else found.get(name)
        if rep is None or id(rep) in seen:
            continue
        seen.add(id(rep))
        out[name] = rep
    out["levels"] = unassessed_report(run.baseline, run.after)
    if reductions is not None:
        out["reductions"] = untraced_report(reductions, works)
    return out


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
    files: Mapping[str, Sequence[str]] | None = None,
    units_assessed: pd.DataFrame | None = None,
    reports: Mapping[str, ValidationReport | None] | None = None,
) -> Path:
    """Write the planner's Excel workbook: summaries, unit scores, ledger, audit trail, notes,
    data dictionary.

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
        Year of the works counted, written on every sheet (default: the latest year of the
        reductions).
    parameters : mapping, optional
        Other run parameters for the notes sheet (input files, radii, …).
    validation : mapping, optional
        Name → :class:`~kotaku_gis.ValidationReport` for the validation sheet: give the
        readers' reports (``units.attrs["report"]``, ``works.attrs["report"]``), which the
        scored frames no longer carry. The reports in the frames' ``attrs["report"]``
        (scoring, allocation, overlay) are added, each report once, and the sheet's own
        checks (units without a level, untraced reductions).
    lang : {"id", "en"}, default "id"
        Everything the workbook shows in Indonesian or English: sheet names, headers, level
        names, measures, methods, report names, severities, check names and messages, the
        notes and the data dictionary.
    audit_file : path, optional
        Also write the whole audit trail to this CSV file. Without it, the trail is written
        to ``<name>_reductions.csv`` beside the workbook only when the sheet cannot hold it.
    max_audit_rows : int, optional
        Reduction rows the audit sheet holds at most; by default what an Excel sheet holds
        (1,048,576 rows, the header included). A longer trail is cut there: the sheet's first
        line and the notes sheet say how many rows are only in the CSV file, and its name.
    files : mapping, optional
        Machine files of the run beside the workbook (name, or "name: layer" → its columns):
        the data dictionary sheet explains their columns too.
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
    >>> openpyxl.load_workbook(path).sheetnames  # doctest: +NORMALIZE_WHITESPACE
    ['Ringkasan Kota', 'Ringkasan Kelurahan', 'Skor Unit', 'Catatan Validasi', 'Katalog',
     'Kamus Data']
    """
    baseline, after = _frames(
        "kg.write_excel_report", baseline=baseline, after=after, units_assessed=units_assessed
    )
    run = _Run(
        baseline, after=after, remaining=remaining, interventions=interventions,
        reductions=reductions, ledger=ledger, year=year, parameters=parameters,
        validation=_validation("kg.write_excel_report", validation, reports), lang=lang,
        audit_file=audit_file, max_audit_rows=max_audit_rows, files=files,
    )  # fmt: skip
    _write_excel(Path(path), run)
    return Path(path)


# ---------------------------------------------------------------- GeoPackage and CSV


def denoise(values: Any) -> np.ndarray:
    """Floats to 12 significant digits: the binary noise of sums and differences
    (972.6799999999998, 82.37999999999988) gone, every figure kept far below 0.01 ha (a
    million hectares to 10⁻⁶ ha).

    Examples
    --------
    >>> from kotaku_gis.reports import denoise
    >>> denoise([972.6799999999998, 972.68 - 890.3, 0.1 + 0.2, 1.3001, float("nan")]).tolist()
    [972.68, 82.38, 0.3, 1.3001, nan]
    """
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x) & (x != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        digits = np.clip(11 - np.floor(np.log10(np.abs(np.where(finite, x, 1.0)))), 0, 22)
    scale = 10.0**digits
    return np.where(finite, np.round(x * scale) / scale, x)


def machine_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as the machine files (CSV, GeoPackage) hold it: categoricals as text, float
    columns without binary noise (:func:`denoise`), a fresh index."""
    out = _plain(frame)
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c].dtype):
            out[c] = denoise(out[c].to_numpy(dtype=float, na_value=np.nan))
    return out


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
    and ``level_before`` from the baseline; or the baseline alone), ``remaining`` (the
    unserved part of each unit, :func:`~kotaku_gis.summaries.unserved_layer`: ``area_ha``
    and ``area_ha_geom``, ``served_ha`` and ``unserved_ha``, ``served_ha_geom`` and
    ``unserved_ha_geom``), ``interventions`` (points, lines and polygons together; rows
    without geometry too), ``reductions`` and ``summary`` (tables without geometry). Layers
    whose input is None are left out. Column names are the library's (DESIGN §3); floats are
    kept to 12 significant digits (:func:`denoise`).

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
    layers = _gpkg_layers(baseline, after, remaining, interventions, reductions, summary)
    return write_gpkg(layers, path, prepare=machine_table)


def _gpkg_layers(
    baseline: pd.DataFrame,
    after: pd.DataFrame | None,
    remaining: pd.DataFrame | None,
    interventions: pd.DataFrame | None,
    reductions: pd.DataFrame | None,
    summary: pd.DataFrame | None,
) -> dict[str, pd.DataFrame]:
    """The layers of the report GeoPackage (see :func:`write_gpkg_report`)."""
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
        summary = summary_by(baseline, after=after, remaining=remaining, by=list(SUMMARY_KEY))
    layers: dict[str, pd.DataFrame] = {"units_assessed": units}
    if remaining is not None:
        layers["remaining"] = unserved_layer(baseline, remaining, after=after)
    if interventions is not None:
        layers["interventions"] = interventions
    if reductions is not None:
        layers["reductions"] = reductions
    layers["summary"] = summary
    return layers


def machine_columns(frame: pd.DataFrame) -> list[str]:
    """The columns a machine file (CSV, GeoPackage) of ``frame`` holds, a named index too.

    Parameters
    ----------
    frame : DataFrame
        A table as it would be written by :func:`write_csv` or :func:`write_gpkg`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.reports import machine_columns
    >>> machine_columns(pd.DataFrame({"unit_id": ["A"], "area_ha": [1.5]}))
    ['unit_id', 'area_ha']
    """
    return [str(c) for c in machine_table(frame.iloc[:0]).columns]


def write_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike,
    *,
    geometry: Literal["drop", "wkt"] = "drop",
    sep: str = ",",
) -> Path:
    """Write a table as UTF-8 CSV (with a byte-order mark, so Excel reads the accents).

    A named index (such as a summary's group) is written as columns; a plain row index is
    not. Floats are written to 12 significant digits, without binary noise
    (:func:`denoise`: 972.68, not 972.6799999999998).

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
    table = machine_table(table)
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
    files: Mapping[str, Sequence[str]] | None = None,
    units_assessed: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the report files of a run into a folder and return their paths.

    Files: ``kotaku_report.xlsx`` (:func:`write_excel_report`), ``kotaku_report.gpkg``
    (:func:`write_gpkg_report`), ``units_assessed.csv`` (per-unit scores and levels, and
    ``served_ha`` and ``unserved_ha`` as in the summaries), the whole audit trail as CSV
    (``audit_file``, or ``kotaku_report_reductions.csv`` when the workbook's sheet cannot hold
    it), ``data_dictionary.csv`` (every column of these machine files and of ``files``: name,
    meaning and unit in Indonesian and English), and with ``figures`` ``map_levels.png`` (the
    overview page of :func:`kotaku_gis.plot_atlas_overview`, when the units have geometry; with
    several kota also ``map_levels_<kota>.png`` for each, :func:`plot_levels` framed to the kota)
    and ``chart_ledger.png`` (:func:`plot_ledger`, when there is a ledger).

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
        The language of the workbook and the charts (the machine files keep the library's
        column names and values, explained in ``data_dictionary.csv`` in both languages).
    figures : bool, default True
        Draw the PNG map and chart.
    files : mapping, optional
        Other machine files of the run written beside these (name, or "name: layer" → its
        columns), for the data dictionary of the workbook and of ``data_dictionary.csv``.

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
    ['kotaku_report.xlsx', 'kotaku_report.gpkg', 'units_assessed.csv', 'data_dictionary.csv']
    """
    baseline, after = _frames(
        "kg.write_reports", baseline=baseline, after=after, units_assessed=units_assessed
    )
    out = Path(out_dir)
    layers = _gpkg_layers(baseline, after, remaining, interventions, reductions, summary)
    scores = unit_scores(baseline, after=after, remaining=remaining)
    own = {f"kotaku_report.gpkg: {name}": machine_columns(frame) for name, frame in layers.items()}
    own["units_assessed.csv"] = machine_columns(scores)
    run = _Run(
        baseline, after=after, remaining=remaining, interventions=interventions,
        reductions=reductions, ledger=ledger, year=year, parameters=parameters,
        validation=validation, lang=lang, max_audit_rows=max_audit_rows,
        audit_file=None if audit_file is None else out / audit_file,
        files={**own, **dict(files or {})},
    )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    workbook = out / "kotaku_report.xlsx"
    trail, machine = _write_excel(workbook, run)
    written = [
        workbook,
        write_gpkg(layers, out / "kotaku_report.gpkg", prepare=machine_table),
        write_csv(scores, out / "units_assessed.csv"),
    ]
    if trail is not None:
        written.append(trail)
    machine[DICTIONARY_FILE] = list(data_dictionary({}).columns)
    written.append(write_csv(data_dictionary(machine), out / DICTIONARY_FILE))
    if figures:
        written += _level_maps(out, baseline, after, run.lang, ledger=run.ledger, year=year)
        if run.ledger is not None and len(run.ledger):
            save_figure(plot_ledger(run.ledger, lang=run.lang), out / "chart_ledger.png")
            written.append(out / "chart_ledger.png")
    return written
