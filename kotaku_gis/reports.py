"""Report files for planners and auditors: Excel workbook, GeoPackage, CSV and printed charts.

:func:`write_reports` writes the whole set into a folder (the command-line program calls it);
each writer is also usable alone. Every file is replaced atomically
(:func:`kotaku_gis.io.atomic_path`): a reader sees the previous file or the new one, never half.

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
  (``traced`` is False, with a validation note, where the intervention is not found);
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
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import InputError
from .io import atomic_path, write_gpkg
from .ledger import _hectares, progress, summarize
from .maps.style import LEVEL_COLOURS, MISSING_COLOUR, level_labels
from .validation_report import ValidationReport
from .rulesets import NOT_SLUM, normalise_levels, ruleset_of
from .schema import ADMIN_COLUMNS, LEVELS, id_strings

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

Lang = Literal["id", "en"]

# ---------------------------------------------------------------- texts

_SHEETS: dict[str, dict[str, str]] = {
    "id": {
        "kota": "Ringkasan Kota",
        "kelurahan": "Ringkasan Kelurahan",
        "units": "Skor Unit",
        "ledger": "Neraca Tahunan",
        "audit": "Jejak Pengurangan",
        "issues": "Catatan Validasi",
        "notes": "Katalog",
    },
    "en": {
        "kota": "Summary by kota",
        "kelurahan": "Summary by kelurahan",
        "units": "Unit scores",
        "ledger": "Yearly ledger",
        "audit": "Reductions audit",
        "issues": "Validation notes",
        "notes": "Catalogue",
    },
}

_HEADERS: dict[str, dict[str, str]] = {
    "id": {
        "unit_id": "ID Unit", "provinsi": "Provinsi", "kota": "Kota/Kabupaten",
        "kecamatan": "Kecamatan", "kelurahan": "Kelurahan", "area_ha": "Luas (Ha)",
        "buildings": "Jumlah Bangunan", "households": "Jumlah KK",
        "road_length_m": "Panjang Jalan Ideal (m)",
        "drain_length_m": "Panjang Drainase Ideal (m)", "total_score": "Total Skor",
        "level": "Tingkat Kumuh", "units": "Jumlah Unit", "slum_units": "Unit Kumuh",
        "slum_ha": "Luas Kumuh (Ha)", "reduced_ha": "Pengurangan Luas Kumuh (Ha)",
        "served_ha": "Luas Terlayani (Ha)", "unserved_ha": "Luas Belum Terlayani (Ha)",
        "units_not_assessed": "Unit Belum Dinilai", "ha_not_assessed": "Luas Belum Dinilai (Ha)",
        "level_source": "Sumber Penilaian", "level_published": "Tingkat Kumuh Terbit",
        "avg_kekumuhan_awal": "Rata-rata Kekumuhan Awal (%)",
        "avg_kekumuhan_akhir": "Rata-rata Kekumuhan Akhir (%)",
        "kontribusi_penanganan": "Kontribusi Penanganan",
        "traced": "Terlacak ke Kegiatan", "year": "Tahun",
        "baseline_ha": "Luas Kumuh Awal (Ha)", "units_left": "Unit Keluar",
        "units_entered": "Unit Masuk", "ha_left": "Luas Keluar (Ha)",
        "ha_entered": "Luas Masuk (Ha)", "intervention_id": "ID Kegiatan",
        "criterion": "Kriteria", "criterion_name": "Nama Kriteria",
        "criterion_unit": "Satuan", "volume": "Volume Pengurangan", "method": "Metode",
        "kind": "Jenis Kegiatan", "kind_key": "Kunci Jenis", "category": "Kategori",
        "status": "Status", "completed": "Selesai", "radius_m": "Radius Layanan (m)",
        "intervention_volume": "Volume Kegiatan", "intervention_year": "Tahun Kegiatan",
        "unit_left_slum": "Unit Keluar Kumuh", "source": "Sumber", "row": "Baris",
        "column": "Kolom", "severity": "Tingkat", "check": "Pemeriksaan",
        "message": "Pesan", "repaired": "Diperbaiki", "key": "Parameter", "value": "Nilai",
        "measure": "Satuan Volume", "source_row": "Baris Sumber", "sumber_dana": "Sumber Dana",
        "intervention_kind": "Jenis Kegiatan (input)",
        "overlap_share": "Bagian Tumpang Tindih",
    },
    "en": {
        "unit_id": "Unit ID", "provinsi": "Province", "kota": "Kota/Kabupaten",
        "kecamatan": "Kecamatan", "kelurahan": "Kelurahan", "area_ha": "Area (ha)",
        "buildings": "Buildings", "households": "Households",
        "road_length_m": "Ideal road length (m)", "drain_length_m": "Ideal drain length (m)",
        "total_score": "Total score", "level": "Slum level", "units": "Units",
        "slum_units": "Slum units", "slum_ha": "Slum area (ha)",
        "reduced_ha": "Slum area reduced (ha)", "served_ha": "Served area (ha)",
        "unserved_ha": "Unserved area (ha)", "units_not_assessed": "Units not assessed",
        "ha_not_assessed": "Area not assessed (ha)", "traced": "Traced to an intervention",
        "level_source": "Assessed from", "level_published": "Published slum level",
        "avg_kekumuhan_awal": "Mean slum condition before (%)",
        "avg_kekumuhan_akhir": "Mean slum condition after (%)",
        "kontribusi_penanganan": "Contribution of works (kontribusi penanganan)",
        "year": "Year",
        "baseline_ha": "Baseline slum area (ha)", "units_left": "Units leaving",
        "units_entered": "Units entering", "ha_left": "Area leaving (ha)",
        "ha_entered": "Area entering (ha)", "intervention_id": "Intervention ID",
        "criterion": "Criterion", "criterion_name": "Criterion name",
        "criterion_unit": "Unit of volume", "volume": "Volume reduced", "method": "Method",
        "kind": "Kind", "kind_key": "Kind key", "category": "Category", "status": "Status",
        "completed": "Completed", "radius_m": "Service radius (m)",
        "intervention_volume": "Intervention volume", "intervention_year": "Intervention year",
        "unit_left_slum": "Unit left the slum list", "source": "Source", "row": "Row",
        "column": "Column", "severity": "Severity", "check": "Check", "message": "Message",
        "repaired": "Repaired", "key": "Parameter", "value": "Value",
        "measure": "Unit of volume", "source_row": "Source row", "sumber_dana": "Funding source",
        "intervention_kind": "Kind (as given)",
        "overlap_share": "Share already served by earlier works",
    },
}  # fmt: skip

_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "before": "sebelum", "after": "sesudah", "pct": "%", "score": "Skor",
        "reduction": "Pengurangan", "avg": "Rata-rata", "units": "Unit", "ha": "Luas",
        "total": "Jumlah", "map": "Tingkat kumuh", "ledger_title": "Neraca luas kumuh per tahun",
        "map_before": "Tingkat kumuh sebelum penanganan",
        "map_after": "Tingkat kumuh sesudah penanganan", "hectares": "Hektar",
        "baseline": "Luas kumuh awal", "reduced": "berkurang",
    },
    "en": {
        "before": "before", "after": "after", "pct": "%", "score": "Score",
        "reduction": "Reduction", "avg": "Mean", "units": "Units", "ha": "Area",
        "total": "Total", "map": "Slum level", "ledger_title": "Slum hectares per year",
        "map_before": "Slum level before works", "map_after": "Slum level after works",
        "hectares": "Hectares", "baseline": "Baseline slum area", "reduced": "reduced",
    },
}  # fmt: skip

_LEVEL_EN = dict(zip(LEVELS, level_labels("en"), strict=True))
_NOT_ASSESSED = {"id": "belum dinilai", "en": "not assessed"}


def _lang(lang: str) -> Lang:
    if lang not in ("id", "en"):
        raise InputError(f"lang must be 'id' (Indonesian) or 'en' (English), not {lang!r}.")
    return lang  # type: ignore[return-value]


def _level_text(level: str, lang: Lang) -> str:
    return level if lang == "id" else _LEVEL_EN.get(level, level)


def _header(column: Any, lang: Lang) -> str:
    """Display header of a column name of the library (unknown names are kept)."""
    name = str(column)
    words = _WORDS[lang]
    for suffix, word in (("_after", "after"), ("_before", "before")):
        if name.endswith(suffix):
            return f"{_header(name[: -len(suffix)], lang)} {words[word]}"
    if name in _HEADERS[lang]:
        return _HEADERS[lang][name]
    prefix, _, rest = name.partition("_")
    level = rest.replace("_", " ")
    if prefix in ("units", "ha") and level in LEVELS:
        if lang == "en":
            label = _level_text(level, lang).capitalize()
            return f"{label} units" if prefix == "units" else f"{label} area (ha)"
        label = level.title()
        return f"Unit {label}" if prefix == "units" else f"Luas {label} (Ha)"
    if prefix in ("pct", "score", "reduction", "avg") and rest:
        return f"{words[prefix]} {rest}"
    return name


# ---------------------------------------------------------------- sheets


_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_CAPTION_FONT = Font(bold=True, size=13)
_FLOAT_FORMAT = "#,##0.00"
_INT_FORMAT = "#,##0"


def _cell_values(series: pd.Series) -> list[Any]:
    """Python values for openpyxl: blanks as None, numpy scalars as Python numbers."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("string")
    if pd.api.types.is_bool_dtype(series.dtype):
        return [None if pd.isna(v) else bool(v) for v in series.astype(object)]
    if pd.api.types.is_integer_dtype(series.dtype):
        return [None if pd.isna(v) else int(v) for v in series.astype(object)]
    if pd.api.types.is_float_dtype(series.dtype):
        arr = series.to_numpy(dtype=float, na_value=np.nan)
        return [None if np.isnan(v) else float(v) for v in arr]
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return [None if pd.isna(v) else v.to_pydatetime().replace(tzinfo=None) for v in series]
    out = []
    for v in series.astype(object):
        if v is None or (not isinstance(v, str | bytes) and np.ndim(v) == 0 and pd.isna(v)):
            out.append(None)
        elif isinstance(v, np.generic):
            out.append(v.item())
        elif isinstance(v, str | int | float | bool | dt.date):
            out.append(v)
        else:
            out.append(str(v))
    return out


def _number_format(series: pd.Series, text: bool) -> str | None:
    if text:
        return "@"
    if pd.api.types.is_bool_dtype(series.dtype):
        return None
    if pd.api.types.is_integer_dtype(series.dtype):
        return _INT_FORMAT
    if pd.api.types.is_float_dtype(series.dtype):
        return _FLOAT_FORMAT
    return None


def frame_to_sheet(
    wb: openpyxl.Workbook,
    title: str,
    frame: pd.DataFrame,
    *,
    headers: Sequence[str] | None = None,
    caption: str | None = None,
    text_columns: Sequence[str] = (),
    freeze_columns: int = 1,
) -> Any:
    """Append ``frame`` as a formatted sheet of a write-only workbook.

    The header row is bold on a dark fill, frozen (with the first ``freeze_columns``
    columns) and filtered; float columns show two decimals, integer columns thousands
    separators, ``text_columns`` are stored as text. An optional caption row and a blank row
    come first. Values are written unrounded.

    Parameters
    ----------
    wb : openpyxl.Workbook
        Created with ``write_only=True``.
    title : str
        Sheet name (at most 31 characters, as Excel requires).
    frame : DataFrame
        The rows; its index is not written (reset it first to keep it).
    headers : sequence of str, optional
        Header texts, one per column; default the column names.
    caption : str, optional
        A title line above the table.
    text_columns : sequence of str
        Columns stored as text (ids with leading zeros or long digit strings).
    freeze_columns : int, default 1
        Leading columns kept in view when scrolling sideways.

    Returns
    -------
    openpyxl worksheet

    Examples
    --------
    >>> import io, openpyxl, pandas as pd
    >>> from kotaku_gis.reports import frame_to_sheet
    >>> wb = openpyxl.Workbook(write_only=True)
    >>> ws = frame_to_sheet(wb, "Data", pd.DataFrame({"unit_id": ["A"], "area_ha": [1.234]}))
    >>> ws.title, ws.freeze_panes
    ('Data', 'B2')
    >>> wb.save(io.BytesIO())
    """
    if len(title) > 31:
        raise InputError(f"sheet name {title!r} is longer than the 31 characters Excel allows.")
    columns = list(frame.columns)
    names = [str(c) for c in columns] if headers is None else [str(h) for h in headers]
    if len(names) != len(columns):
        raise InputError(f"{len(names)} headers given for {len(columns)} columns.")
    ws = wb.create_sheet(title)
    header_row = 3 if caption else 1
    values = [_cell_values(frame[c]) for c in columns] if len(columns) else []
    formats = [_number_format(frame[c], c in text_columns) for c in columns]
    for j, (name, col) in enumerate(zip(names, values, strict=True)):
        sample = [len(f"{v:,.2f}") if isinstance(v, float) else len(str(v)) for v in col[:200]]
        width = min(max([len(name) * 0.9, *sample, 6]) + 2, 60)
        ws.column_dimensions[get_column_letter(j + 1)].width = width
    ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{header_row + 1}"
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(len(frame), 1)}"
    if caption:
        cell = WriteOnlyCell(ws, value=caption)
        cell.font = _CAPTION_FONT
        ws.append([cell])
        ws.append([])
    header_cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_cells.append(cell)
    ws.append(header_cells)
    # One styled template per column; each cell shares its style instead of rebuilding it.
    templates = []
    for fmt in formats:
        if fmt is None:
            templates.append(None)
            continue
        template = WriteOnlyCell(ws)
        template.number_format = fmt
        templates.append(template._style)
    for row in zip(*values, strict=True):
        cells = []
        for value, style in zip(row, templates, strict=True):
            if style is None or value is None:
                cells.append(value)
            else:
                cell = WriteOnlyCell(ws, value=value)
                cell._style = style
                cells.append(cell)
        ws.append(cells)
    return ws


# ---------------------------------------------------------------- tables


def _aligned(after: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``after`` in the order of ``baseline`` (same index, else matched on unit_id)."""
    if after.index.equals(baseline.index):
        return after
    if "unit_id" not in after.columns or "unit_id" not in baseline.columns:
        raise InputError(
            "the baseline and the assessment after works have different rows and no "
            "'unit_id' to match them; assess the same units twice."
        )
    ids = id_strings(after["unit_id"])
    if ids.duplicated().any():
        raise InputError("unit_id values repeat in the assessed units; make them unique.")
    pos = pd.Index(ids).get_indexer(id_strings(baseline["unit_id"]))
    if (pos < 0).any():
        missing = baseline["unit_id"][pos < 0].tolist()[:10]
        raise InputError(f"units {missing} of the baseline are not in the assessment after works.")
    return after.iloc[pos].set_axis(baseline.index)


def summary_by(
    baseline: pd.DataFrame,
    *,
    after: pd.DataFrame | None = None,
    remaining: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = None,
    total: str | None = "total",
) -> pd.DataFrame:
    """Units and hectares per level before and after works, per group, with a total row.

    Parameters
    ----------
    baseline : DataFrame
        Units scored at baseline (:func:`kotaku_gis.assess`).
    after : DataFrame, optional
        The same units scored after works; adds the ``…_after`` columns and ``reduced_ha``.
    remaining : DataFrame, optional
        :func:`kotaku_gis.remaining_area` of the units; adds ``served_ha`` and
        ``unserved_ha`` (matched on ``unit_id``).
    by : str or list of str, optional
        Group columns; the ones missing from ``baseline`` are left out.
    total : str or None, default "total"
        Label of the total row (in the first group column); None for no total row.

    Returns
    -------
    DataFrame
        The group columns, then :func:`kotaku_gis.summarize`'s columns with
        ``units_not_assessed`` and ``ha_not_assessed`` (units without a level, so that the
        level columns add up to ``units`` and ``area_ha``) before ``slum_units``, their
        ``_after`` twins, ``reduced_ha`` (with frames made by :func:`kotaku_gis.assess`, also
        ``avg_kekumuhan_awal``, ``avg_kekumuhan_akhir`` and ``kontribusi_penanganan``),
        ``served_ha`` and ``unserved_ha``; one row per group and the total row last.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.reports import summary_by
    >>> base = pd.DataFrame({"unit_id": ["a", "b", "c"], "kota": ["X", "X", "Y"],
    ...     "area_ha": [1.0, 2.0, 4.0], "level": ["kumuh ringan", "kumuh sedang", "tidak kumuh"]})
    >>> after = base.assign(level=["tidak kumuh", "kumuh sedang", "tidak kumuh"])
    >>> table = summary_by(base, after=after, by="kota")
    >>> table[["kota", "slum_ha", "slum_ha_after", "reduced_ha"]].values.tolist()
    [['X', 3.0, 2.0, 1.0], ['Y', 0.0, 0.0, 0.0], ['total', 3.0, 2.0, 1.0]]
    """
    cols = [by] if isinstance(by, str) else list(by or [])
    cols = [c for c in cols if c in baseline.columns]
    out = _level_summary(baseline, cols)
    totals = _level_summary(baseline, [])
    if after is not None:
        after = _aligned(after, baseline)
        grouped_after = after.assign(**{c: baseline[c] for c in cols})
        # Units and area do not change with works; only the levels do.
        same = ["units", "area_ha"]
        out = out.join(_level_summary(grouped_after, cols).drop(columns=same).add_suffix("_after"))
        totals = totals.join(_level_summary(after, []).drop(columns=same).add_suffix("_after"))
        out["reduced_ha"] = out["slum_ha"] - out["slum_ha_after"]
        totals["reduced_ha"] = totals["slum_ha"] - totals["slum_ha_after"]
        if "avg_kekumuhan" in baseline.columns and "avg_kekumuhan" in after.columns:
            # The kontribusi penanganan of the works (kotaku_gis.ledger's notes).
            k = ["avg_kekumuhan_awal", "avg_kekumuhan_akhir", "kontribusi_penanganan"]
            out = out.join(summarize(grouped_after, by=cols or None, before=baseline)[k])
            totals = totals.join(summarize(after, before=baseline)[k])
    if remaining is not None:
        served = _served(baseline, remaining, cols)
        out = out.join(served.groupby(cols, dropna=False).sum() if cols else served.sum()
                       .to_frame("total").T)  # fmt: skip
        totals = totals.join(served[["served_ha", "unserved_ha"]].sum().to_frame("total").T)
    out = out.reset_index() if cols else out.reset_index(drop=True)
    if total is None:
        return out
    if cols:
        totals.insert(0, cols[0], total)
        for c in cols[1:]:
            totals.insert(cols.index(c), c, None)
        out = pd.concat([out, totals.reset_index(drop=True)], ignore_index=True)
    for c in out.columns:
        if "units" in c.split("_"):
            out[c] = out[c].astype(np.int64)
    return out


def _level_summary(assessed: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """:func:`kotaku_gis.summarize` with its units without a level under the report's names.

    ``summarize`` shows them as ``units_belum_dinilai`` and ``ha_belum_dinilai``; the reports
    call them ``units_not_assessed`` and ``ha_not_assessed``, so the level columns add up to
    the unit count.
    """
    out = summarize(assessed, by=cols or None)
    return out.rename(
        columns={"units_belum_dinilai": "units_not_assessed", "ha_belum_dinilai": "ha_not_assessed"}
    )


def _base_and_after(
    units_assessed: pd.DataFrame, baseline: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(baseline, after works) of the writers' arguments: without a baseline, the units
    assessed are the baseline and there is no "after"."""
    if baseline is None:
        return units_assessed, None
    return baseline, units_assessed


def _ledger_of(baseline: pd.DataFrame, reductions: pd.DataFrame | None) -> pd.DataFrame | None:
    """:func:`kotaku_gis.progress` over the years of the reductions; None without any."""
    if reductions is None or "year" not in reductions.columns:
        return None
    years = sorted({int(y) for y in pd.to_numeric(reductions["year"]).dropna()})
    if not years:
        return None
    return progress(baseline, reductions, years=years, ruleset=ruleset_of(baseline))


def _served(baseline: pd.DataFrame, remaining: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Served and unserved hectares per unit (``baseline``'s rows, with the ``cols``), on the
    same area as the rest of the summary.

    :func:`kotaku_gis.remaining_area` measures the geometry; the summaries count the verified
    ``area_ha`` (DESIGN §3). Each unit's served share of its geometry is applied to its verified
    area, so ``served_ha + unserved_ha == area_ha`` row by row and in every total. A unit
    without geometry has no served part.
    """
    need = [c for c in ("unit_id", "covered_ha", "remaining_ha") if c not in remaining.columns]
    if need:
        raise InputError(
            f"remaining lacks columns {need}; pass the output of kg.remaining_area(units, works)."
        )
    if "unit_id" not in baseline.columns:
        raise InputError("the units have no 'unit_id' to match the remaining areas to; add one.")
    rem = pd.DataFrame(remaining[["unit_id", "covered_ha", "remaining_ha"]])
    rem = rem.assign(unit_id=id_strings(rem["unit_id"]).to_numpy()).drop_duplicates("unit_id")
    covered = rem["covered_ha"].to_numpy(dtype=float)
    geom_ha = covered + rem["remaining_ha"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.nan_to_num(np.where(geom_ha > 0, covered / geom_ha, 0.0), nan=0.0)
    pos = pd.Index(rem["unit_id"]).get_indexer(id_strings(baseline["unit_id"]))
    area = _hectares(baseline)
    served = np.append(shares, 0.0)[pos] * area  # position -1 (no remaining row): not served
    units = pd.DataFrame({c: baseline[c].to_numpy() for c in cols}, index=baseline.index)
    units["served_ha"] = served
    units["unserved_ha"] = area - served
    return units


def _unit_scores(
    baseline: pd.DataFrame,
    after: pd.DataFrame | None,
    remaining: pd.DataFrame | None,
) -> pd.DataFrame:
    rs = ruleset_of(baseline)
    lead = [c for c in ("unit_id", *ADMIN_COLUMNS, "area_ha") if c in baseline.columns]
    cols: dict[str, pd.Series] = {c: baseline[c] for c in lead}
    for c in ("total_score", "level", "level_source", "level_published"):
        if c in baseline.columns:
            cols[c] = baseline[c]
    if after is not None:
        after = _aligned(after, baseline)
        for c in ("total_score", "level"):
            cols[f"{c}_after"] = after[c]
    if remaining is not None:
        # The summaries' own per-unit figures, so the unit rows add up to their totals.
        served = _served(baseline, remaining, [])
        for c in ("served_ha", "unserved_ha"):
            cols[c] = served[c]
    for code in rs.codes:
        # (frame, its column, the name in the sheet)
        wanted = [
            (baseline, f"pct_{code}", f"pct_{code}"),
            (baseline, f"score_{code}", f"score_{code}"),
        ]
        if after is not None:
            wanted += [
                (after, f"reduction_{code}", f"reduction_{code}"),
                (after, f"score_{code}", f"score_{code}_after"),
            ]
        for frame, col, name in wanted:
            if col in frame.columns:
                cols[name] = frame[col]
    return pd.DataFrame(cols)


def _audit(
    reductions: pd.DataFrame,
    interventions: pd.DataFrame | None,
    baseline: pd.DataFrame,
    after: pd.DataFrame | None,
    *,
    lang: Lang = "id",
) -> pd.DataFrame:
    """Each reduction row with its intervention's attributes and its unit's hectares and levels.

    With the interventions, ``traced`` says whether the reduction's ``intervention_id`` names
    one of them (:func:`_untraced` notes the rows where it does not).
    """
    need = [c for c in ("unit_id", "criterion", "volume") if c not in reductions.columns]
    if need:
        raise InputError(
            f"the reductions table lacks {need}; pass the output of kg.allocate(units, works)."
        )
    red = pd.DataFrame(reductions).reset_index(drop=True)
    rs = ruleset_of(baseline)
    names = {c.code: c.name_en if lang == "en" else c.name_id for c in rs.criteria}
    units_of = {c.code: c.unit for c in rs.criteria}
    crit = red["criterion"].astype("string")
    red.insert(red.columns.get_loc("criterion") + 1, "criterion_name", crit.map(names))
    if "measure" not in red.columns:
        red.insert(red.columns.get_loc("criterion_name") + 1, "criterion_unit", crit.map(units_of))
    if interventions is not None and "intervention_id" in red.columns:
        if "intervention_id" not in interventions.columns:
            raise InputError("the interventions have no 'intervention_id' to trace reductions to.")
        keep = [
            c for c in ("kind", "kind_key", "category", "status", "completed", "year",
                        "volume", "radius_m", "sumber_dana")
            if c in interventions.columns
        ]  # fmt: skip
        works = pd.DataFrame(interventions[["intervention_id", *keep]])
        works["intervention_id"] = id_strings(works["intervention_id"]).to_numpy()
        works = works.drop_duplicates("intervention_id")
        # The intervention's own year, volume or kind must not shadow the reduction's.
        works = works.rename(columns={c: f"intervention_{c}" for c in keep if c in red.columns})
        red["intervention_id"] = id_strings(red["intervention_id"]).to_numpy()
        red = red.merge(works, on="intervention_id", how="left")
        red["traced"] = _traced(red, interventions)
    if "unit_id" in baseline.columns:
        unit_cols = [c for c in ("kelurahan", "kota", "area_ha", "level") if c in baseline]
        units = pd.DataFrame(baseline[["unit_id", *unit_cols]]).rename(
            columns={"level": "level_before"}
        )
        if after is not None:
            units["level_after"] = _aligned(after, baseline)["level"].to_numpy()
            units["unit_left_slum"] = (units["level_before"].astype("string") != NOT_SLUM) & (
                units["level_after"].astype("string") == NOT_SLUM
            )
        units["unit_id"] = id_strings(units["unit_id"]).to_numpy()
        red["unit_id"] = id_strings(red["unit_id"]).to_numpy()
        red = red.merge(units.drop_duplicates("unit_id"), on="unit_id", how="left")
    order = [c for c in ("unit_id", "criterion", "intervention_id") if c in red.columns]
    return red.sort_values(order, kind="stable").reset_index(drop=True)


def _traced(reductions: pd.DataFrame, interventions: pd.DataFrame) -> np.ndarray:
    """Whether each reduction's ``intervention_id`` names one of the interventions."""
    known = id_strings(interventions["intervention_id"]).dropna()
    return id_strings(reductions["intervention_id"]).isin(known).to_numpy(dtype=bool)


def _untraced(
    reductions: pd.DataFrame, interventions: pd.DataFrame | None
) -> ValidationReport | None:
    """A warning per reduction whose works cannot be found among the interventions."""
    if interventions is None or "intervention_id" not in interventions.columns:
        return None
    rep = ValidationReport(what="reductions")
    if "intervention_id" not in reductions.columns:
        message = (
            "the reductions have no intervention_id, so none of them can be traced to the "
            "works that made it; pass the output of kg.allocate(units, works)."
        )
        rep.add(None, "intervention_id", "warning", "untraced_reduction", message)
        return rep
    lost = ~_traced(reductions, interventions)
    if lost.any():
        rows = reductions[lost]
        messages = [
            f"reduction of {vol!r} on criterion {crit} of unit {unit}: intervention_id "
            f"{iid!r} matches no intervention, so its kind, status and year are unknown; "
            "check the id or add the intervention."
            for vol, crit, unit, iid in zip(
                rows["volume"].tolist(), rows["criterion"].tolist(), rows["unit_id"].tolist(),
                id_strings(rows["intervention_id"]).astype(object).tolist(), strict=True,
            )
        ]  # fmt: skip
        rep.add_rows(rows.index, "intervention_id", "warning", "untraced_reduction", messages)
    return rep


def _unassessed(baseline: pd.DataFrame, after: pd.DataFrame | None) -> ValidationReport:
    """A warning per unit without a level: counted in the units and area, under no level."""
    rep = ValidationReport(what="levels")
    for frame, when in ((baseline, "before works"), (after, "after works")):
        if frame is None:
            continue
        blank = normalise_levels(frame["level"]).isna().to_numpy()
        if not blank.any():
            continue
        ids = frame["unit_id"] if "unit_id" in frame.columns else frame.index.to_series()
        messages = [
            f"unit {uid} has no level {when}: its {ha:g} ha count in the units and area but "
            "under no level (see the 'not assessed' columns); give it the volumes to score."
            for uid, ha in zip(ids[blank].tolist(), _hectares(frame)[blank].tolist(), strict=True)
        ]
        rep.add_rows(frame.index[blank], "level", "warning", "level_missing", messages)
    return rep


def _for_display(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The frame with its level columns in ``lang`` (the data keep the regulation's labels);
    a unit without a level shows "belum dinilai" / "not assessed"."""
    names = [c for c in ("level", "level_before", "level_after") if c in frame.columns]
    if not names:
        return frame
    out = frame.copy()
    for c in names:
        labels = normalise_levels(out[c], column=c)
        if lang == "en":
            labels = labels.replace(_LEVEL_EN)
        out[c] = labels.fillna(_NOT_ASSESSED[lang])
    return out


def _issues(reports: Mapping[str, ValidationReport | None]) -> pd.DataFrame:
    parts = []
    for name, rep in reports.items():
        if rep is None or not len(rep):
            continue
        table = rep.to_frame()
        table.insert(0, "source", name)
        parts.append(table)
    cols = ["source", "row", "column", "severity", "check", "message", "repaired"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in cols})
    out = pd.concat(parts, ignore_index=True)
    out["row"] = out["row"].map(lambda r: None if r is None else str(r)).astype("string")
    return out[cols]


def _notes(
    baseline: pd.DataFrame,
    after: pd.DataFrame | None,
    *,
    interventions: pd.DataFrame | None,
    reductions: pd.DataFrame | None,
    year: int | None,
    parameters: Mapping[str, Any] | None,
    lang: Lang,
) -> pd.DataFrame:
    from . import __version__

    rs = ruleset_of(baseline)
    en = lang == "en"
    rows: list[tuple[str, Any]] = [
        ("Created" if en else "Dibuat", dt.datetime.now().astimezone().isoformat("T", "seconds")),
        ("kotaku_gis", __version__),
        ("Regulation" if en else "Peraturan", f"{rs.title} ({rs.name})"),
        ("Year of works" if en else "Tahun penanganan", year),
        ("Units" if en else "Jumlah unit", len(baseline)),
        ("Interventions" if en else "Jumlah kegiatan",
         None if interventions is None else len(interventions)),
        ("Reduction rows" if en else "Baris pengurangan",
         None if reductions is None else len(reductions)),
    ]  # fmt: skip
    base = summarize(baseline)
    rows.append(("Area (ha)" if en else "Luas (Ha)", float(base["area_ha"].iloc[0])))
    rows.append(("Slum area before (ha)" if en else "Luas kumuh sebelum (Ha)",
                 float(base["slum_ha"].iloc[0])))  # fmt: skip
    if after is not None:
        rows.append(("Slum area after (ha)" if en else "Luas kumuh sesudah (Ha)",
                     float(summarize(after)["slum_ha"].iloc[0])))  # fmt: skip
    for key, value in (parameters or {}).items():
        rows.append((str(key), value if isinstance(value, int | float | bool) else str(value)))
    levels = ", ".join(f"{_level_text(label, lang)} ≥ {minimum}" for label, minimum in rs.levels)
    rows.append(("Levels (total score)" if en else "Tingkat (total skor)", levels))
    bands = ", ".join(f"≥ {m:g} % → {s}" for m, s in rs.bands)
    rows.append(("Score bands" if en else "Skor per kriteria", bands))
    for c in rs.criteria:
        rows.append(
            (f"{'Criterion' if en else 'Kriteria'} {c.code}",
             f"{c.name_en if en else c.name_id} ({c.unit} / {c.denominator})")
        )  # fmt: skip
    return pd.DataFrame(
        {"key": [k for k, _ in rows], "value": pd.Series([v for _, v in rows], dtype=object)}
    )


def write_excel_report(
    path: str | os.PathLike,
    *,
    units_assessed: pd.DataFrame,
    baseline: pd.DataFrame | None = None,
    remaining: pd.DataFrame | None = None,
    interventions: pd.DataFrame | None = None,
    reductions: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
    year: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    reports: Mapping[str, ValidationReport | None] | None = None,
    lang: Lang = "id",
) -> Path:
    """Write the planner's Excel workbook: summaries, unit scores, ledger, audit trail, notes.

    Parameters
    ----------
    path : path
        The ``.xlsx`` file, replaced atomically.
    units_assessed : DataFrame
        The units scored now (:func:`kotaku_gis.assess`, with the reductions when there were
        works).
    baseline : DataFrame, optional
        The same units scored at baseline (before works). Without it ``units_assessed`` is
        the baseline and the "after" columns are left out.
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
    reports : mapping, optional
        Name → :class:`~kotaku_gis.ValidationReport` for the validation sheet; the reports
        in the inputs' ``attrs["report"]`` are added.
    lang : {"id", "en"}, default "id"
        Sheet names and headers in Indonesian or English.

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
    >>> _ = kg.write_excel_report(path, units_assessed=kg.assess(units))
    >>> openpyxl.load_workbook(path).sheetnames
    ['Ringkasan Kota', 'Ringkasan Kelurahan', 'Skor Unit', 'Catatan Validasi', 'Katalog']
    """
    lang = _lang(lang)
    if not isinstance(units_assessed, pd.DataFrame) or "level" not in units_assessed.columns:
        raise InputError("units_assessed must be the output of kg.assess(units) (it has 'level').")
    base, after = _base_and_after(units_assessed, baseline)
    if after is not None:
        after = _aligned(after, base)
    if ledger is None:
        ledger = _ledger_of(base, reductions)
    sheets = _SHEETS[lang]
    words = _WORDS[lang]

    def headers(frame: pd.DataFrame) -> list[str]:
        return [_header(c, lang) for c in frame.columns]

    wb = openpyxl.Workbook(write_only=True)
    for key, by in (
        ("kota", ["provinsi", "kota"]),
        ("kelurahan", ["kota", "kecamatan", "kelurahan"]),
    ):
        table = summary_by(base, after=after, remaining=remaining, by=by, total=words["total"])
        frame_to_sheet(wb, sheets[key], table, headers=headers(table), caption=sheets[key])
    scores = _for_display(_unit_scores(base, after, remaining), lang)
    frame_to_sheet(wb, sheets["units"], scores, headers=headers(scores), text_columns=("unit_id",))
    if ledger is not None:
        frame_to_sheet(wb, sheets["ledger"], ledger, headers=headers(ledger),
                       caption=words["ledger_title"])  # fmt: skip
    if reductions is not None:
        audit = _for_display(_audit(reductions, interventions, base, after, lang=lang), lang)
        frame_to_sheet(
            wb, sheets["audit"], audit, headers=headers(audit),
            text_columns=("unit_id", "intervention_id"), freeze_columns=2,
        )  # fmt: skip
    found: dict[str, ValidationReport | None] = {
        "units": base.attrs.get("report"),
        "interventions": None if interventions is None else interventions.attrs.get("report"),
        "allocation": None if reductions is None else reductions.attrs.get("report"),
        "overlay": None if remaining is None else remaining.attrs.get("report"),
        "levels": _unassessed(base, after),
        "reductions": None if reductions is None else _untraced(reductions, interventions),
    }
    found.update(reports or {})
    issues = _issues(found)
    frame_to_sheet(wb, sheets["issues"], issues, headers=headers(issues), freeze_columns=0)
    notes = _notes(
        base, after, interventions=interventions, reductions=reductions, year=year,
        parameters=parameters, lang=lang,
    )  # fmt: skip
    frame_to_sheet(wb, sheets["notes"], notes, headers=headers(notes))
    with atomic_path(path) as tmp:
        wb.save(tmp)
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
    units_assessed: pd.DataFrame,
    baseline: pd.DataFrame | None = None,
    remaining: gpd.GeoDataFrame | None = None,
    interventions: pd.DataFrame | None = None,
    reductions: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
) -> Path:
    """Write a GeoPackage for QGIS with the layers of a run.

    Layers: ``units_assessed`` (with ``total_score_before`` and ``level_before`` when a
    baseline is given), ``remaining`` (unserved parts), ``interventions`` (points, lines and
    polygons together; rows without geometry too), ``reductions`` and ``summary`` (tables
    without geometry). Layers whose input is None are left out. Column names are the
    library's (DESIGN §3).

    Parameters
    ----------
    path : path
        The ``.gpkg`` file, replaced atomically.
    units_assessed, baseline, remaining, interventions, reductions
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
    >>> _ = kg.write_gpkg_report(path, units_assessed=kg.assess(units))
    >>> pyogrio.list_layers(path)[:, 0].tolist()
    ['units_assessed', 'summary']
    """
    units = units_assessed
    if baseline is not None:
        before = _aligned(baseline, units)
        units = units.assign(
            total_score_before=before["total_score"].to_numpy(),
            level_before=before["level"].astype("string").to_numpy(),
        )
    if summary is None:
        base, after = _base_and_after(units_assessed, baseline)
        summary = summary_by(base, after=after, remaining=remaining,
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

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
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


# ---------------------------------------------------------------- printed maps and charts


def _save(fig: Figure, path: str | os.PathLike | None, dpi: int) -> None:
    if path is not None:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight")


def _level_legend(ax: Any, lang: Lang) -> None:
    handles = [
        Patch(facecolor=LEVEL_COLOURS[lvl], edgecolor="#555555", label=_level_text(lvl, lang))
        for lvl in LEVELS
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4,
              fontsize=8, frameon=False)  # fmt: skip


def _draw_levels(ax: Any, frame: gpd.GeoDataFrame, title: str, lang: Lang) -> None:
    levels = frame["level"].astype("string")
    colours = levels.map(dict(LEVEL_COLOURS)).fillna(MISSING_COLOUR).to_numpy(dtype=object)
    present = frame.geometry.notna().to_numpy() & ~frame.geometry.is_empty.to_numpy()
    if present.any():
        shown = frame[present]
        shown.plot(ax=ax, color=list(colours[present]), edgecolor="#444444", linewidth=0.2)
        # Over a province, RT polygons are specks; a dot per unit keeps every unit visible.
        b = shapely.bounds(np.asarray(shown.geometry.array, dtype=object))
        extent = max(b[:, 2].max() - b[:, 0].min(), b[:, 3].max() - b[:, 1].min())
        size = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])
        if extent > 0 and np.median(size) < 0.01 * extent:
            pts = shapely.point_on_surface(np.asarray(shown.geometry.array, dtype=object))
            ax.scatter(shapely.get_x(pts), shapely.get_y(pts), s=12, c=list(colours[present]),
                       edgecolors="#444444", linewidths=0.3, zorder=3)  # fmt: skip
    ax.set_title(title, fontsize=11)
    ax.set_axis_off()
    _level_legend(ax, lang)


def plot_levels(
    assessed: gpd.GeoDataFrame,
    *,
    before: gpd.GeoDataFrame | None = None,
    path: str | os.PathLike | None = None,
    lang: Lang = "id",
    dpi: int = 150,
) -> Figure:
    """A printed map of slum levels: one panel, or before and after works side by side.

    Parameters
    ----------
    assessed : GeoDataFrame
        Units scored by :func:`kotaku_gis.assess` (after works when ``before`` is given).
    before : GeoDataFrame, optional
        The same units scored at baseline: drawn in a left panel.
    path : path, optional
        Also save the figure as PNG there (atomically).
    lang : {"id", "en"}
        Titles and legend language.
    dpi : int, default 150

    Returns
    -------
    matplotlib.figure.Figure
        Drawn without pyplot (the Agg canvas), so it works on servers without a display.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame({"unit_id": ["A"], "level": ["kumuh ringan"]},
    ...     geometry=[shapely.box(116.1, -8.59, 116.101, -8.589)], crs=4326)
    >>> fig = kg.plot_levels(units)
    >>> [ax.get_title() for ax in fig.axes]
    ['Tingkat kumuh']
    """
    lang = _lang(lang)
    frames = [assessed] if before is None else [before, assessed]
    for f in frames:
        if not isinstance(f, gpd.GeoDataFrame) or "level" not in f.columns:
            raise InputError(
                "plot_levels needs a GeoDataFrame of assessed units (with geometry and 'level')."
            )
    words = _WORDS[lang]
    titles = [words["map"]] if before is None else [words["map_before"], words["map_after"]]
    x0, y0, x1, y1 = assessed.total_bounds
    ratio = (y1 - y0) / (x1 - x0) if np.isfinite([x0, x1]).all() and x1 > x0 else 1.0
    height = float(np.clip(7 * ratio, 3.5, 9))
    fig = Figure(figsize=(7 * len(frames), height), layout="constrained")
    for i, (f, title) in enumerate(zip(frames, titles, strict=True)):
        ax = fig.add_subplot(1, len(frames), i + 1)
        _draw_levels(ax, f, title, lang)
    _save(fig, path, dpi)
    return fig


def plot_ledger(
    ledger: pd.DataFrame,
    *,
    path: str | os.PathLike | None = None,
    lang: Lang = "id",
    dpi: int = 150,
) -> Figure:
    """A bar chart of the ledger: slum hectares per level each year, against the baseline.

    Parameters
    ----------
    ledger : DataFrame
        :func:`kotaku_gis.progress`'s table (groups, if any, are added up per year).
    path : path, optional
        Also save the figure as PNG there (atomically).
    lang : {"id", "en"}
    dpi : int, default 150

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> led = pd.DataFrame({"year": [2022, 2023], "baseline_ha": [10.0, 10.0],
    ...     "slum_ha": [8.0, 5.0], "reduced_ha": [2.0, 5.0], "ha_kumuh_berat": [2.0, 1.0],
    ...     "ha_kumuh_sedang": [3.0, 2.0], "ha_kumuh_ringan": [3.0, 2.0]})
    >>> fig = kg.plot_ledger(led, lang="en")
    >>> fig.axes[0].get_title()
    'Slum hectares per year'
    """
    lang = _lang(lang)
    need = ["year", "baseline_ha", "slum_ha", "reduced_ha"]
    missing = [c for c in need if c not in ledger.columns]
    if missing:
        raise InputError(f"the ledger lacks {missing}; pass the output of kg.progress(...).")
    levels = [lvl for lvl in LEVELS if lvl != NOT_SLUM]
    level_cols = [f"ha_{lvl.replace(' ', '_')}" for lvl in levels]
    cols = need[1:] + [c for c in level_cols if c in ledger.columns]
    per_year = pd.DataFrame(ledger[["year", *cols]]).groupby("year", sort=True).sum()
    words = _WORDS[lang]
    fig = Figure(figsize=(8, 5), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(per_year))
    bottom = np.zeros(len(per_year))
    for lvl, col in zip(levels, level_cols, strict=True):
        if col in per_year.columns:
            values = per_year[col].to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, color=LEVEL_COLOURS[lvl], edgecolor="#444444",
                   linewidth=0.5, label=_level_text(lvl, lang))  # fmt: skip
            bottom += values
    baseline = float(per_year["baseline_ha"].iloc[0]) if len(per_year) else 0.0
    ax.axhline(baseline, color="#333333", linestyle="--", linewidth=1,
               label=f"{words['baseline']} ({baseline:,.2f} ha)")  # fmt: skip
    for xi, (slum, red) in enumerate(zip(per_year["slum_ha"], per_year["reduced_ha"], strict=True)):
        ax.annotate(f"{slum:,.2f} ha\n−{red:,.2f} {words['reduced']}", (xi, slum),
                    textcoords="offset points", xytext=(0, 4), ha="center", fontsize=8)  # fmt: skip
    ax.set_xticks(x, [str(y) for y in per_year.index])
    ax.set_ylabel(words["hectares"])
    ax.set_ylim(0, max(baseline, float(bottom.max()) if len(bottom) else 0.0) * 1.2 + 1e-9)
    ax.set_title(words["ledger_title"])
    ax.legend(fontsize=8, loc="upper right")
    _save(fig, path, dpi)
    return fig


# ---------------------------------------------------------------- everything at once


def _slug(name: object) -> str:
    """A file-name part from a place name: "Kota Mataram" → "kota_mataram"."""
    text = re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")
    return text or "tanpa_nama"


def write_reports(
    out_dir: str | os.PathLike,
    *,
    units_assessed: pd.DataFrame,
    baseline: pd.DataFrame | None = None,
    remaining: gpd.GeoDataFrame | None = None,
    interventions: pd.DataFrame | None = None,
    reductions: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
    year: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    lang: Lang = "id",
    figures: bool = True,
) -> list[Path]:
    """Write the report files of a run into a folder and return their paths.

    Files: ``kotaku_report.xlsx`` (:func:`write_excel_report`), ``kotaku_report.gpkg``
    (:func:`write_gpkg_report`), ``units_assessed.csv`` (per-unit scores and levels, and
    ``served_ha`` and ``unserved_ha`` as in the summaries), and
    with ``figures`` ``map_levels.png`` (:func:`plot_levels`, when the units have geometry;
    with several kota also ``map_levels_<kota>.png`` for each) and ``chart_ledger.png``
    (:func:`plot_ledger`, when there is a ledger).

    Parameters
    ----------
    out_dir : path
        Created if needed; existing files of the same names are replaced atomically.
    units_assessed, baseline, remaining, interventions, reductions, ledger, year, parameters
        As for :func:`write_excel_report`.
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
    >>> paths = kg.write_reports(tempfile.mkdtemp(), units_assessed=kg.assess(units))
    >>> [p.name for p in paths]
    ['kotaku_report.xlsx', 'kotaku_report.gpkg', 'units_assessed.csv']
    """
    lang = _lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    base, after = _base_and_after(units_assessed, baseline)
    if ledger is None:
        ledger = _ledger_of(base, reductions)
    written = [
        write_excel_report(
            out / "kotaku_report.xlsx", units_assessed=units_assessed, baseline=baseline,
            remaining=remaining, interventions=interventions, reductions=reductions,
            ledger=ledger, year=year, parameters=parameters, lang=lang,
        ),
        write_gpkg_report(
            out / "kotaku_report.gpkg", units_assessed=units_assessed, baseline=baseline,
            remaining=remaining, interventions=interventions, reductions=reductions,
            summary=summary,
        ),
        write_csv(_unit_scores(base, after, remaining), out / "units_assessed.csv"),
    ]  # fmt: skip
    if figures:
        if isinstance(units_assessed, gpd.GeoDataFrame):
            before = baseline if isinstance(baseline, gpd.GeoDataFrame) else None
            fig = plot_levels(units_assessed, before=before, lang=lang)
            _save(fig, out / "map_levels.png", 150)
            written.append(out / "map_levels.png")
            # A province's RTs are dots on one map: each kota gets a page of its own too.
            kota = units_assessed["kota"] if "kota" in units_assessed.columns else None
            if kota is not None and kota.nunique() > 1:
                for name in sorted(kota.dropna().unique(), key=str):
                    rows = (kota == name).to_numpy(dtype=bool)
                    part_before = before[rows] if before is not None else None
                    fig = plot_levels(units_assessed[rows], before=part_before, lang=lang)
                    path = out / f"map_levels_{_slug(name)}.png"
                    _save(fig, path, 150)
                    written.append(path)
        if ledger is not None and len(ledger):
            _save(plot_ledger(ledger, lang=lang), out / "chart_ledger.png", 150)
            written.append(out / "chart_ledger.png")
    return written
