"""Planners' R0 workbooks: read baseline tables kept in Excel, join them to polygons, write back.

City teams keep their baselines and yearly updates (R0) in Excel, one sheet per kelurahan or
kota, with Indonesian headers that vary from team to team ("Luas Verifikasi (Ha)",
"Jumlah KK", "Kode RT", "1.a", "Ketidakteraturan Bangunan (Unit)" …) and often a title block
above the header row. :func:`read_r0_workbook` finds the header row of each sheet, maps the
headers to the column conventions of DESIGN §3 through the one table of recognised names
(:mod:`kotaku_gis.columns`, whose R0 headers are :data:`R0_HEADERS`), stacks the sheets
(keeping the sheet name and the Excel row of every row) and optionally joins the result to a
polygon layer on ``unit_id``, reporting the rows that match no polygon and the polygons that
match no row. :func:`write_r0_workbook` writes the same layout back out.

Header matching ignores case, spaces and punctuation ("LUAS VERIFIKASI (HA)" and
"luas verifikasi(ha)" are the same header); a header whose trailing unit in brackets is left
out or different ("Luas Verifikasi") still matches. A header that starts with a criterion
code ("1a", "1.a", "1 a", "1a. Ketidakteraturan …") is that criterion's volume, unless it is a
percentage or a score ("1a (%)", "Skor 1a" and "Nilai" columns are kept under their own
headers, which :func:`kotaku_gis.read_units` then reads as ``pct_1a`` and ``score_1a``).
Headers that match nothing are kept as they are.

A header may span two rows: a group title ("Kondisi Bangunan") merged over sub-headers
("1a | 1b | 1c"), beside headers merged down over both rows; the two rows are read as one.

Numbers typed as text may use Indonesian ("1.234,5", "1,5") or English ("1,234.5")
separators. "1.250" is 1250 in a column counting buildings, households or people (and the
report notes the cell) and 1.25 in a hectare or metre column; a count that is not a whole
number is reported.

Rows are never dropped silently: a row with data but no unit id (a total row, a numbering
row, a unit whose id was left blank) is listed in the report with its ``Sheet!row`` label.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from ._numbers import _number
from ._sources import register_workbook_reader
from .columns import CONVENTIONS, conventions_for, match_name, name_key, r0_aliases
from .errors import InputError
from .excel import frame_to_sheet, sheet_names, writing
from .io import read_units
from .rulesets import RULESETS
from .schema import id_strings, id_text
from .validation_report import ValidationReport

__all__ = ["R0_HEADERS", "join_r0", "map_r0_header", "read_r0_workbook", "write_r0_workbook"]

#: The columns of the R0 layout, in the order :func:`write_r0_workbook` writes them.
_R0_ORDER: tuple[str, ...] = (
    "provinsi", "kota", "kecamatan", "kelurahan", "rw", "rt", "unit_id", "nama_kawasan",
    "area_ha", "buildings", "households", "penduduk", "road_length_m", "drain_length_m",
    "1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b", "6a", "6b",
    "7a", "7b",
)  # fmt: skip

#: Column (DESIGN §3) → the R0 headers read as that column, matched ignoring case, spaces
#: and punctuation. The first header is the one :func:`write_r0_workbook` writes. These
#: headers come from the one table of recognised names (:data:`kotaku_gis.columns.CONVENTIONS`),
#: and every other name recognised there for these columns is read too ("luas_ha",
#: "jumlah_ban", "DESA"). Criterion columns also match their code in any spelling ("1a",
#: "1.a", "1 A", "kriteria_1a") and the criterion's name in the regulation
#: (:data:`kotaku_gis.RULESETS`).
R0_HEADERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {name: CONVENTIONS[name].r0 for name in _R0_ORDER}
)

#: Every criterion code of the rulesets, in order (the 16 of 2018 and the extra ones of 2016).
_CODES: tuple[str, ...] = tuple(
    dict.fromkeys(c.code for rs in RULESETS.values() for c in rs.criteria)
)
_NUMERIC = frozenset(
    {"area_ha", "buildings", "households", "penduduk", "road_length_m", "drain_length_m",
     *_CODES}
)  # fmt: skip
#: Columns counting buildings, households or people: whole numbers, where "1.250" is 1250.
_COUNT = frozenset(
    {"buildings", "households", "penduduk"}
    | {c.code for rs in RULESETS.values() for c in rs.criteria
       if c.unit in ("buildings", "households")}
)  # fmt: skip
_COUNT_UNIT = {"penduduk": "people"} | {
    c.code: c.unit for rs in RULESETS.values() for c in rs.criteria if c.code in _COUNT
}
_TEXT = frozenset({"provinsi", "kota", "kecamatan", "kelurahan", "rw", "rt", "nama_kawasan"})
# Columns of a works table (read by :func:`kotaku_gis.read_interventions`).
_WORKS_NUMERIC = frozenset({"year", "volume", "radius_m", "cost"})
_WORKS_TEXT = frozenset({"intervention_id", "kind", "status", "criterion", "sumber_dana"})
#: Columns the reader adds: where each row came from.
_ORIGIN = ("sheet", "excel_row")
_TOTAL_RE = re.compile(r"^\s*(jumlah|total|sub\s*total|rekap)", re.IGNORECASE)
_HEADER_MIN = 2


def _key(text: str) -> str:
    return name_key(text)


def _build_aliases() -> dict[str, str]:
    """Every name (in compared form) that reads as one R0 column, with that column."""
    return r0_aliases()


def map_r0_header(header: Any, *, extra: Mapping[str, str] | None = None) -> str | None:
    """The column of DESIGN §3 that an R0 header stands for, or None when it matches nothing.

    Parameters
    ----------
    header : str
        A header cell as typed in the workbook.
    extra : mapping, optional
        More header → column pairs, matched the same way and before :data:`R0_HEADERS`.

    Examples
    --------
    >>> from kotaku_gis.workbook import map_r0_header
    >>> [map_r0_header(h) for h in ["LUAS VERIFIKASI (HA)", "Jumlah KK", "1.a", "4 C",
    ...     "Ketidakteraturan Bangunan (Unit)", "1a (%)", "Keterangan"]]
    ['area_ha', 'households', '1a', '4c', '1a', None, None]
    """
    return match_name(header, what="units", extra=extra, r0_only=True)


# ---------------------------------------------------------------- reading one sheet


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return bool(np.isnan(value))
    return isinstance(value, str) and not value.strip()


def _cell_text(row: tuple[Any, ...], j: int) -> str | None:
    cell = row[j] if j < len(row) else None
    return None if _blank(cell) else str(cell).strip()


def _adds_headers(
    row: tuple[Any, ...], mapped: list[str | None], other: list[str | None], *, over: bool
) -> bool:
    """Whether a neighbouring row's known headers (``other``) complete ``row``'s header.

    They do where ``row`` is blank (a header merged down over both rows) and, for the row
    below (``over``), also where ``row`` holds a group title that is no known header.
    """
    return any(
        o is not None
        and (_cell_text(row, j) is None or (over and (j >= len(mapped) or mapped[j] is None)))
        for j, o in enumerate(other)
    )


def _combine(upper: str | None, lower: str | None, extra: Mapping[str, str] | None) -> str | None:
    """One column's header text from a two-row header: the lower row's known header wins."""
    if upper is None or lower is None or upper == lower:
        return upper if lower is None else lower
    if map_r0_header(lower, extra=extra) is not None:
        return lower
    # "1.a" over "%" is a percentage, "Luas" over "(Ha)" an area: read them together.
    return f"{upper} {lower}"


def _find_header(
    rows: list[tuple[Any, ...]], extra: Mapping[str, str] | None, max_rows: int
) -> tuple[int, int, list[str | None], list[str | None]] | None:
    """First and last header row, the mapped columns and the header texts.

    The header row is the one with the most known headers. When the row below or above it
    also carries known headers where it has none, the two rows form one header (a group
    title such as "Kondisi Bangunan" merged over "1a | 1b | 1c"; "ID RT" merged down over
    both rows) and are combined column by column.
    """
    mapped = [[map_r0_header(c, extra=extra) for c in row] for row in rows[: max_rows + 1]]
    best: tuple[int, int] | None = None
    for i, cols in enumerate(mapped[:max_rows]):
        n = len(set(cols) - {None})
        if n >= _HEADER_MIN and (best is None or n > best[1]):
            best = (i, n)
    if best is None:
        return None
    top = bottom = best[0]
    ids = [j for j, c in enumerate(mapped[top]) if c == "unit_id"]
    if (
        top + 1 < len(mapped)
        # The row below is a data row when it has a unit id under the header's id column.
        and all(_cell_text(rows[top + 1], j) is None or mapped[top + 1][j] is not None for j in ids)
        and _adds_headers(rows[top], mapped[top], mapped[top + 1], over=True)
    ):
        bottom = top + 1
    elif top > 0 and _adds_headers(rows[top], mapped[top], mapped[top - 1], over=False):
        top -= 1
    width = max((len(r) for r in rows[: bottom + 1]), default=0)
    texts = [_cell_text(rows[top], j) for j in range(width)]
    if bottom > top:
        lower = [_cell_text(rows[bottom], j) for j in range(width)]
        # Read-only workbooks carry no merge ranges: a group title spans the cells to its
        # right that are blank above a sub-header, as long as it has a sub-header itself.
        span: str | None = None
        for j in range(width):
            if texts[j] is not None:
                span = texts[j] if lower[j] is not None else None
            elif lower[j] is not None and span is not None:
                texts[j] = span
            else:
                span = None
        texts = [_combine(u, v, extra) for u, v in zip(texts, lower, strict=True)]
    # A header merged down over up to three rows has its text in the top cell only.
    for j in range(width):
        for up in range(1, 3 - (bottom - top)):
            if texts[j] is not None or top - up < 0:
                break
            texts[j] = _cell_text(rows[top - up], j)
    return top, bottom, [map_r0_header(t, extra=extra) for t in texts], texts


def _read_sheet(
    ws: Any,
    sheet: str,
    *,
    extra: Mapping[str, str] | None,
    max_header_rows: int,
    report: ValidationReport,
    headers_seen: dict[str, str],
    formulas: Callable[[str], Any],
    need_id: bool = True,
    id_col: str = "unit_id",
) -> pd.DataFrame | None:
    """One sheet as a table; ``formulas(sheet)`` gives the sheet read with its formulas.

    Without ``need_id`` a sheet whose header has no unit id column is read too (every row
    but total rows), for readers that make the ids themselves. ``id_col`` is the column
    whose blank cells mark rows that are not read (``"intervention_id"`` in a works table).
    """
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    found = _find_header(rows, extra, max_header_rows)
    if found is None:
        if any(not _blank(c) for r in rows for c in r):
            report.add(
                f"{sheet}!", None, "warning", "no_header_row",
                f"sheet {sheet!r}: no row in the first {max_header_rows} has two or more "
                "known R0 headers (such as 'ID RT', 'Luas Verifikasi (Ha)', 'Jumlah KK'); "
                "the sheet is not read. Pass headers={'your header': 'unit_id', …} to name "
                "its columns.",
            )  # fmt: skip
        return None
    h, bottom, columns, texts = found
    if "unit_id" not in columns and need_id:
        report.add(
            f"{sheet}!{h + 1}", None, "warning", "no_unit_id_column",
            f"sheet {sheet!r}: the header row {h + 1} has no unit id column (one of "
            f"{list(R0_HEADERS['unit_id'])}); the sheet is not read. Pass "
            "headers={'your id header': 'unit_id'} to name it.",
        )  # fmt: skip
        return None

    names = _column_names(columns, texts, f"{sheet}!{h + 1}", sheet, report, headers_seen)
    if any(c is None for row in rows[bottom + 1 :] for c in row):
        _report_unsaved_formulas(formulas(sheet), rows, bottom, names, sheet, report)
    id_pos = columns.index(id_col) if id_col in columns else None
    data: dict[str, list[Any]] = {n: [] for n in names if n is not None}
    excel_rows: list[int] = []
    for i in range(bottom + 1, len(rows)):
        row = rows[i]
        if all(_blank(c) for c in row):
            continue
        label = f"{sheet}!{i + 1}"
        unnamed = [
            get_column_letter(j + 1)
            for j, c in enumerate(row)
            if not _blank(c) and (j >= len(names) or names[j] is None)
        ]
        if unnamed:
            report.add(
                label, None, "warning", "value_without_header",
                f"sheet {sheet!r} row {i + 1}: values in column(s) {unnamed} have no header "
                "and are not read",
            )  # fmt: skip
        # "Jumlah"/"Total" in the leading cells marks a total row, not a unit.
        lead = row[: max(id_pos or 0, 2) + 1]
        is_total = any(isinstance(c, str) and _TOTAL_RE.match(c) for c in lead)
        no_id = id_pos is not None and (id_pos >= len(row) or _blank(row[id_pos]))
        if no_id or is_total:
            report.add(
                label, id_col, "info" if is_total else "warning", "row_without_id",
                f"sheet {sheet!r} row {i + 1}: "
                + ("a total row; not read" if is_total else
                   f"data but no {id_col}; not read. Fill in the id to include the row"),
            )  # fmt: skip
            continue
        excel_rows.append(i + 1)
        for j, name in enumerate(names):
            if name is not None:
                data[name].append(row[j] if j < len(row) else None)

    frame = pd.DataFrame({"sheet": [sheet] * len(excel_rows), "excel_row": excel_rows})
    for j, name in enumerate(names):
        if name is None:
            continue
        col = columns[j] if columns[j] == name else None
        frame[name] = _typed(
            data[name], col, texts[j], get_column_letter(j + 1), sheet, excel_rows, report
        )
    return frame


def _report_unsaved_formulas(
    formulas: Any,
    rows: list[tuple[Any, ...]],
    bottom: int,
    names: list[str | None],
    sheet: str,
    report: ValidationReport,
) -> None:
    """Report formula cells below the header that hold no saved value (read as blank).

    A file written by a program and never opened in Excel keeps formulas without the values
    Excel would save with them.
    """
    for i, row in enumerate(formulas.iter_rows(min_row=bottom + 2, values_only=True), bottom + 1):
        for j, cell in enumerate(row):
            is_formula = isinstance(cell, ArrayFormula | DataTableFormula) or (
                isinstance(cell, str) and cell.startswith("=")
            )
            if is_formula and (i >= len(rows) or j >= len(rows[i]) or rows[i][j] is None):
                report.add(
                    f"{sheet}!{i + 1}", names[j] if j < len(names) else None, "warning",
                    "formula_without_value",
                    f"{sheet}!{get_column_letter(j + 1)}{i + 1} ({cell}): formula without a "
                    "saved value: open and save the file in Excel/LibreOffice, or type the "
                    "value; read as blank",
                )  # fmt: skip


def _column_names(
    columns: list[str | None],
    texts: list[str | None],
    label: str,
    sheet: str,
    report: ValidationReport,
    headers_seen: dict[str, str],
) -> list[str | None]:
    """The name each column is read under: its mapped column, else its own header text.

    A second column mapped to the same name is reported and kept under its header.
    """
    names: list[str | None] = []
    taken: set[str] = set(_ORIGIN)
    for j, (col, text) in enumerate(zip(columns, texts, strict=True)):
        name = col
        if name is not None and name in taken:
            report.add(
                label, text, "warning", "duplicate_header",
                f"sheet {sheet!r}: header {text!r} (column {get_column_letter(j + 1)}) means "
                f"{col!r} again; the first such column is read as {col!r}, this one is kept "
                f"under its own header",
            )  # fmt: skip
            name = None
        if name is None and text is not None:
            name = text if text not in taken else f"{text} ({get_column_letter(j + 1)})"
        if name is not None and col is not None and name == col:
            headers_seen.setdefault(col, text or col)
        names.append(name)
        if name is not None:
            taken.add(name)
    return names


def _typed(
    values: list[Any],
    col: str | None,
    text: str | None,
    letter: str,
    sheet: str,
    excel_rows: list[int],
    report: ValidationReport,
) -> pd.Series | pd.api.extensions.ExtensionArray | np.ndarray:
    """One column's cells typed by what its mapped column holds; doubtful numbers reported.

    ``letter`` is the column's Excel letter, to name the cells in the report.
    """
    if col == "unit_id" or col in _TEXT or col in _WORKS_TEXT:
        return pd.array([id_text(v) for v in values], dtype="string")
    if col not in _NUMERIC and col not in _WORKS_NUMERIC:
        return _infer(values)
    count = col in _COUNT
    parsed = [_number(v, count=count) for v in values]
    out = np.array([p for p, _, _ in parsed], dtype=float)
    for k, (number, ok, thousands) in enumerate(parsed):
        row = excel_rows[k]
        cell = f"{sheet}!{letter}{row}"
        if not ok:
            report.add(
                f"{sheet}!{row}", col, "warning", "not_a_number",
                f"sheet {sheet!r} row {row}: {text!r} is {values[k]!r}, not a number; "
                "left blank",
            )  # fmt: skip
        elif thousands:
            report.add(
                f"{sheet}!{row}", col, "info", "thousands_separator",
                f"{cell} ({text!r}, a count): read {values[k]} as {number:.0f}, taking '.' "
                "as the thousands separator",
            )  # fmt: skip
        if count and np.isfinite(number) and not number.is_integer():
            report.add(
                f"{sheet}!{row}", col, "warning", "not_whole",
                f"{cell} ({text!r}): {values[k]!r} is not a whole number of "
                f"{_COUNT_UNIT.get(col, col)}; kept as {number:g}",
            )  # fmt: skip
    return out


def _infer(values: list[Any]) -> pd.Series:
    present = [v for v in values if not _blank(v)]
    if present and all(isinstance(v, str) for v in present):
        return pd.Series([None if _blank(v) else v for v in values], dtype="string")
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pd.Series([np.nan if _blank(v) else v for v in values], dtype=float)
    return pd.Series([None if _blank(v) else v for v in values], dtype=object)


# ---------------------------------------------------------------- public API


def read_r0_workbook(
    source: str | os.PathLike,
    *,
    polygons: gpd.GeoDataFrame | str | os.PathLike | None = None,
    sheets: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    polygon_id: str = "unit_id",
    how: Literal["left", "inner", "outer"] = "left",
    max_header_rows: int = 30,
) -> pd.DataFrame | gpd.GeoDataFrame:
    """Read a planner's R0 workbook (one sheet per kelurahan or kota) into one unit table.

    Parameters
    ----------
    source : path
        An ``.xlsx`` or ``.xlsm`` workbook. Formula cells are read as the values Excel last
        saved with them; a formula saved without a value (a file written by a program and
        never opened in Excel) is read as blank and reported.
    polygons : GeoDataFrame or path, optional
        Unit polygons to join on ``unit_id`` (see :func:`join_r0`); a path is read with
        :func:`kotaku_gis.read_units`.
    sheets : sequence of str, optional
        Sheets to read; by default every sheet that has a header row with a unit id column
        (other sheets are listed in the report).
    headers : mapping, optional
        Extra header → column pairs for headers :data:`R0_HEADERS` does not know, e.g.
        ``{"No. Identitas RT": "unit_id"}``.
    polygon_id : str, default "unit_id"
        Id column of ``polygons``.
    how : {"left", "inner", "outer"}, default "left"
        Join of rows to polygons (see :func:`join_r0`).
    max_header_rows : int, default 30
        How many rows from the top of a sheet are searched for the header row: the row with
        the most known headers.

    Returns
    -------
    DataFrame, or GeoDataFrame with ``polygons``
        ``sheet`` and ``excel_row`` (where each row came from), the mapped columns
        (``unit_id`` as string; volumes and denominators as float; administrative names as
        string) and the unmapped columns under their own headers. ``attrs["report"]`` is a
        :class:`~kotaku_gis.ValidationReport` whose rows are ``"Sheet!row"`` labels for
        workbook rows and index labels for polygons; ``attrs["r0_headers"]`` maps each
        column to the header it was read from.

    Raises
    ------
    InputError
        The file is missing, not an Excel workbook, a named sheet is missing, or no sheet has
        a header row with a unit id column.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> import kotaku_gis as kg
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Ampenan Selatan"
    >>> ws.append(["Data R0 Kelurahan Ampenan Selatan"]); ws.append([])
    >>> ws.append(["No", "Kode RT", "Luas Verifikasi (Ha)", "Jumlah KK", "3.a"])
    >>> ws.append([1, "RT001", 1.52, 78, 9]); ws.append([2, "RT002", 2.10, 95, 40])
    >>> ws.append([None, "Jumlah", 3.62, 173, 49])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r0.xlsx"; wb.save(path)
    >>> table = kg.read_r0_workbook(path)
    >>> table[["sheet", "excel_row", "unit_id", "area_ha", "households", "3a"]].values.tolist()
    [['Ampenan Selatan', 4, 'RT001', 1.52, 78.0, 9.0], ['Ampenan Selatan', 5, 'RT002', 2.1, 95.0, 40.0]]
    >>> [i.check for i in table.attrs["report"]]
    ['row_without_id']
    """  # noqa: E501
    table = _read_workbook(
        source, sheets=sheets, headers=headers, max_header_rows=max_header_rows, need_id=True
    )
    if polygons is not None:
        return join_r0(table, polygons, polygon_id=polygon_id, how=how)
    return table


def read_workbook_table(
    source: str | os.PathLike, *, what: Literal["units", "interventions"] = "units"
) -> pd.DataFrame:
    """A baseline workbook as one table, for :func:`kotaku_gis.read_units`.

    As :func:`read_r0_workbook`, but a sheet without a unit id column is read too (the units
    reader makes ids from the columns it is told, or generates them). With
    ``what="interventions"`` the sheets are works tables, for
    :func:`kotaku_gis.read_interventions`: the header row is found by the works' names
    ("ID Kegiatan", "Jenis Kegiatan", "Tahun" …) and rows without an ``intervention_id``
    are listed in the report, not read.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> from kotaku_gis.workbook import read_workbook_table
    >>> wb = openpyxl.Workbook(); ws = wb.active
    >>> ws.append(["Kelurahan", "RT", "Jumlah KK"]); ws.append(["Bintaro", 1, 40])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"; wb.save(path)
    >>> read_workbook_table(path)[["kelurahan", "rt", "households"]].values.tolist()
    [['Bintaro', '1', 40.0]]
    """
    if what == "interventions":
        return _read_workbook(
            source, sheets=None, headers=_works_headers(), max_header_rows=30, need_id=False,
            id_col="intervention_id", what=what,
        )  # fmt: skip
    return _read_workbook(source, sheets=None, headers=None, max_header_rows=30, need_id=False)


def _works_headers() -> dict[str, str]:
    """Every recognised name of a works column, for finding a works table's header row."""
    return {
        name: conv.name
        for conv in conventions_for("interventions").values()
        for name in conv.spellings
    }


def _read_workbook(
    source: str | os.PathLike,
    *,
    sheets: Sequence[str] | None,
    headers: Mapping[str, str] | None,
    max_header_rows: int,
    need_id: bool,
    id_col: str = "unit_id",
    what: str = "units",
) -> pd.DataFrame:
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path} does not exist; check the path and the working directory.")
    if path.suffix.lower() == ".xls":
        raise InputError(
            f"{path} is an old-style .xls workbook; open it in Excel or LibreOffice and save "
            "it as .xlsx."
        )
    wb = _open_workbook(path, data_only=True)
    # The formulas themselves, to tell a formula Excel never computed from a blank; opened
    # only when a sheet has blank cells below its header.
    formula_book: list[Any] = []

    def formulas(sheet: str) -> Any:
        if not formula_book:
            formula_book.append(_open_workbook(path, data_only=False))
        return formula_book[0][sheet]

    report = ValidationReport(what="r0 workbook", source=str(path))
    headers_seen: dict[str, str] = {}
    try:
        names = list(wb.sheetnames)
        chosen = names if sheets is None else list(sheets)
        missing = [s for s in chosen if s not in names]
        if missing:
            raise InputError(f"{path} has no sheet(s) {missing}; its sheets are {names}.")
        frames = []
        for sheet in chosen:
            frame = _read_sheet(
                wb[sheet], sheet, extra=headers, max_header_rows=max_header_rows,
                report=report, headers_seen=headers_seen, formulas=formulas, need_id=need_id,
                id_col=id_col,
            )  # fmt: skip
            if frame is not None:
                frames.append(frame)
    finally:
        wb.close()
        for book in formula_book:
            book.close()
    if not frames:
        found = "; ".join(i.message for i in report.issues) or "all sheets are empty"
        raise InputError(f"{path}: no sheet could be read as a table of {what}. {found}")
    table = pd.concat(frames, ignore_index=True)
    table = table[_column_order(table.columns)]
    for col in table.columns:
        # A column that some sheets lack is blank there; infer its type over all sheets.
        if table[col].dtype == object:
            table[col] = _infer(table[col].tolist()).set_axis(table.index)
    if id_col in table.columns:
        _report_duplicates(table, report, id_col)
    table.attrs["report"] = report
    table.attrs["r0_headers"] = headers_seen
    return table


def _open_workbook(path: Path, *, data_only: bool) -> Any:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as err:  # openpyxl raises zipfile, KeyError and XML errors alike
        raise InputError(f"cannot open {path} as an Excel workbook (.xlsx): {err}") from err


def _column_order(columns: Iterable[str]) -> list[str]:
    columns = list(columns)
    known = [c for c in R0_HEADERS if c in columns]
    known += [c for c in _CODES if c in columns and c not in known]
    rest = [c for c in columns if c not in known and c not in _ORIGIN]
    return [*_ORIGIN, *known, *rest]


def _sheet_rows(table: pd.DataFrame, mask: np.ndarray) -> list[str]:
    sub = table.loc[mask, list(_ORIGIN)]
    return [f"{s}!{r}" for s, r in zip(sub["sheet"], sub["excel_row"], strict=True)]


def _report_duplicates(
    table: pd.DataFrame, report: ValidationReport, id_col: str = "unit_id"
) -> None:
    dup = table[id_col].duplicated(keep=False).to_numpy(dtype=bool)
    if dup.any():
        report.add_rows(
            _sheet_rows(table, dup), id_col, "error", "duplicate_id",
            [f"{id_col} {u!r} appears on more than one row of the workbook; make it unique"
             for u in table.loc[dup, id_col]],
        )  # fmt: skip


def join_r0(
    table: pd.DataFrame,
    polygons: gpd.GeoDataFrame | str | os.PathLike,
    *,
    polygon_id: str = "unit_id",
    how: Literal["left", "inner", "outer"] = "left",
) -> gpd.GeoDataFrame:
    """Join an R0 table to unit polygons on ``unit_id``; report what does not match.

    Ids are compared as text with surrounding spaces removed; whole-number floats (``101.0``
    from a numeric Shapefile field) are read as integers (``"101"``). Columns of the table win; the
    polygons add their geometry and the columns the table lacks (such as ``area_ha``
    measured from the polygon when the workbook has no verified area).

    Parameters
    ----------
    table : DataFrame
        From :func:`read_r0_workbook` (needs ``unit_id``).
    polygons : GeoDataFrame or path
        Unit polygons; a path is read with :func:`kotaku_gis.read_units`.
    polygon_id : str, default "unit_id"
        Id column of the polygons.
    how : {"left", "inner", "outer"}, default "left"
        ``"left"``: every table row, with no geometry where no polygon matches; ``"inner"``:
        only rows with a polygon; ``"outer"``: also the polygons without a row, with blank
        attributes.

    Returns
    -------
    GeoDataFrame
        In the polygons' CRS, with the table's index (``"outer"``: polygons without a row
        appended after it). ``attrs["report"]`` holds the table's report plus a
        ``no_polygon`` warning per row without a polygon, a ``no_row`` warning per polygon
        without a row and a ``duplicate_polygon_id`` error per repeated polygon id (the first
        polygon is used).

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd, shapely
    >>> from kotaku_gis.workbook import join_r0
    >>> table = pd.DataFrame({"sheet": ["A", "A"], "excel_row": [2, 3],
    ...     "unit_id": ["RT1", "RT9"], "households": [40.0, 12.0]})
    >>> polys = gpd.GeoDataFrame({"unit_id": ["RT1", "RT2"]},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=4326)
    >>> out = join_r0(table, polys)
    >>> out.geometry.isna().tolist()
    [False, True]
    >>> [(i.row, i.check) for i in out.attrs["report"]]
    [('A!3', 'no_polygon'), (1, 'no_row')]
    """
    if how not in ("left", "inner", "outer"):
        raise InputError(f"how must be 'left', 'inner' or 'outer', not {how!r}.")
    if not isinstance(table, pd.DataFrame) or "unit_id" not in table.columns:
        raise InputError(
            "the R0 table needs a 'unit_id' column; read it with kg.read_r0_workbook(path)."
        )
    if not isinstance(polygons, gpd.GeoDataFrame):
        polygons = read_units(polygons, id_column=polygon_id)
        polygon_id = "unit_id"
    if polygon_id not in polygons.columns:
        raise InputError(
            f"the polygons have no {polygon_id!r} column; their columns are "
            f"{list(polygons.columns)}. Pass polygon_id='…'."
        )
    old = table.attrs.get("report")
    report = ValidationReport(what="r0 workbook", source=getattr(old, "source", None))
    if old is not None:
        report.extend(old)

    pids = id_strings(polygons[polygon_id])
    no_id = pids.isna().to_numpy(dtype=bool)
    if no_id.any():
        report.add_rows(
            polygons.index[no_id], polygon_id, "warning", "polygon_without_id",
            "polygon without a unit id; it cannot be joined",
        )  # fmt: skip
    dup = pids.duplicated(keep="first").to_numpy(dtype=bool) & ~no_id
    if dup.any():
        report.add_rows(
            polygons.index[dup], polygon_id, "error", "duplicate_polygon_id",
            [f"unit_id {u!r} is on more than one polygon; the first one is joined"
             for u in pids[dup]],
        )  # fmt: skip
    first = ~no_id & ~dup
    lookup = pd.Index(pids[first].to_numpy())
    geoms = np.asarray(polygons.geometry.array, dtype=object)[first]
    ids = id_strings(table["unit_id"])
    pos = lookup.get_indexer(ids.to_numpy())
    hit = pos >= 0

    if (~hit).any():
        mask = ~hit
        has_origin = all(c in table.columns for c in _ORIGIN)
        rows = _sheet_rows(table, mask) if has_origin else table.index[mask].tolist()
        fate = "left out" if how == "inner" else "kept without geometry"
        report.add_rows(
            rows, "unit_id", "warning", "no_polygon",
            [f"unit_id {u!r} matches no polygon; {fate}" for u in ids[mask]],
        )  # fmt: skip
    matched = np.zeros(len(lookup), dtype=bool)
    matched[pos[hit]] = True
    lonely = np.flatnonzero(first)[~matched]
    if len(lonely):
        fate = "added with blank attributes" if how == "outer" else "not in the result"
        report.add_rows(
            polygons.index[lonely], polygon_id, "warning", "no_row",
            [f"polygon unit_id {u!r} matches no workbook row; {fate}"
             for u in pids.iloc[lonely]],
        )  # fmt: skip

    poly_cols = [
        c for c in polygons.columns
        if c not in table.columns and c not in {polygon_id, polygons.geometry.name}
    ]  # fmt: skip
    extra = polygons.loc[first, poly_cols].reset_index(drop=True)
    added = extra.reindex(np.where(hit, pos, -1)).set_axis(table.index)
    out_geoms = np.where(hit, geoms[np.where(hit, pos, 0)], None)
    out = gpd.GeoDataFrame(pd.concat([table, added], axis=1), geometry=out_geoms, crs=polygons.crs)
    if how == "inner":
        out = out[hit]
    elif how == "outer" and len(lonely):
        rest = polygons.iloc[lonely][[polygon_id, *poly_cols, polygons.geometry.name]]
        rest = rest.rename(columns={polygon_id: "unit_id", polygons.geometry.name: "geometry"})
        rest["unit_id"] = pids.iloc[lonely].array
        rest = gpd.GeoDataFrame(rest, geometry="geometry", crs=polygons.crs)
        out = pd.concat([out, rest], ignore_index=True)
    out.attrs = {"report": report, "r0_headers": dict(table.attrs.get("r0_headers", {}))}
    return out


def write_r0_workbook(
    frame: pd.DataFrame,
    path: str | os.PathLike,
    *,
    sheet_by: str | None = None,
    headers: Mapping[str, str] | None = None,
    title: str | None = "Data R0 {sheet}",
) -> Path:
    """Write units in the R0 layout: one sheet per kelurahan (or kota), Indonesian headers.

    Each sheet has a title row, a blank row, the header row (bold, frozen) and one row per
    unit; ``unit_id`` is written as text. Reading the file with :func:`read_r0_workbook`
    gives the same table back (geometry is not written; sheet names longer than 31
    characters or holding ``[]:*?/\\`` are shortened or changed, as Excel requires).

    Parameters
    ----------
    frame : DataFrame
        Units with ``unit_id``; the columns of :data:`R0_HEADERS` are written first, in its
        order, then the others (except ``geometry``, ``sheet`` and ``excel_row``).
    path : path
        The ``.xlsx`` file, replaced atomically.
    sheet_by : str, optional
        Column whose values name the sheets. Default: ``"sheet"`` when present (a table read
        from a workbook), else ``"kelurahan"``, else ``"kota"``, else one sheet ``"R0"``.
    headers : mapping, optional
        Column → header overrides. Default: the headers the table was read with
        (``attrs["r0_headers"]``), else the first header of :data:`R0_HEADERS`.
    title : str or None, default "Data R0 {sheet}"
        Title row above the headers (``{sheet}`` is the sheet's value); None writes the
        headers on row 1.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> import kotaku_gis as kg
    >>> units = pd.DataFrame({"kelurahan": ["Bintaro", "Bintaro", "Banjar"],
    ...     "unit_id": ["RT1", "RT2", "RT3"], "area_ha": [1.5, 2.25, 0.75],
    ...     "households": [40.0, 55.0, 20.0], "1a": [3.0, 0.0, 12.0]})
    >>> path = kg.write_r0_workbook(units, pathlib.Path(tempfile.mkdtemp()) / "r0.xlsx")
    >>> back = kg.read_r0_workbook(path)
    >>> back["sheet"].tolist(), back["1a"].tolist()
    (['Bintaro', 'Bintaro', 'Banjar'], [3.0, 0.0, 12.0])
    """
    if not isinstance(frame, pd.DataFrame) or "unit_id" not in frame.columns:
        raise InputError("write_r0_workbook needs a table of units with a 'unit_id' column.")
    if sheet_by is None:
        sheet_by = next((c for c in ("sheet", "kelurahan", "kota") if c in frame.columns), None)
    elif sheet_by not in frame.columns:
        raise InputError(
            f"sheet_by={sheet_by!r} is not a column; choose one of {list(frame.columns)}."
        )
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    table = pd.DataFrame(frame.drop(columns=[geometry] if geometry else []))
    if sheet_by is None:
        keys = pd.Series("R0", index=table.index)
    else:
        keys = table[sheet_by].astype("string").fillna("(kosong)")
    order = list(dict.fromkeys(keys))
    if "excel_row" in table.columns:
        rank = keys.map({k: i for i, k in enumerate(order)})
        table = table.assign(_rank=rank).sort_values(["_rank", "excel_row"], kind="stable")
        keys = keys.loc[table.index]
        table = table.drop(columns="_rank")
    drop = [c for c in _ORIGIN if c in table.columns]
    columns = [c for c in _column_order(table.columns) if c not in _ORIGIN]
    table = table.drop(columns=drop)[columns]
    seen = {**frame.attrs.get("r0_headers", {}), **(headers or {})}
    names = [seen.get(c) or (R0_HEADERS[c][0] if c in R0_HEADERS else str(c)) for c in columns]
    names_of = sheet_names(order)

    with writing(path) as wb:
        for key in order:
            part = table[(keys == key).to_numpy()]
            frame_to_sheet(
                wb, names_of[key], part, headers=names,
                caption=title.format(sheet=key) if title else None,
                text_columns=("unit_id",),
            )  # fmt: skip
    return Path(path)


register_workbook_reader(read_workbook_table)
