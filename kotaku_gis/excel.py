"""The Excel sheet writer shared by the reports and the R0 workbooks.

:func:`frame_to_sheet` appends a table to a write-only workbook as a formatted sheet (bold
frozen header, filter, two decimals, ids as text, values unrounded); :func:`save_workbook`
replaces the file atomically. A sheet holds at most :data:`EXCEL_MAX_ROWS` rows (Excel's
limit); :func:`data_rows` says how many data rows fit below a header and caption.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import InputError
from .io import atomic_path

__all__ = [
    "EXCEL_MAX_ROWS",
    "data_rows",
    "frame_to_sheet",
    "new_workbook",
    "save_workbook",
    "sheet_names",
    "writing",
]

#: Rows of one Excel sheet (xlsx), header included.
EXCEL_MAX_ROWS = 1_048_576


def new_workbook() -> openpyxl.Workbook:
    """An empty write-only workbook, for :func:`frame_to_sheet`.

    Examples
    --------
    >>> from kotaku_gis.excel import new_workbook
    >>> new_workbook().sheetnames
    []
    """
    return openpyxl.Workbook(write_only=True)


def save_workbook(wb: openpyxl.Workbook, path: str | os.PathLike) -> Path:
    """Save the workbook to ``path``, replacing the file atomically.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from kotaku_gis.excel import frame_to_sheet, new_workbook, save_workbook
    >>> wb = new_workbook()
    >>> _ = frame_to_sheet(wb, "Data", pd.DataFrame({"a": [1]}))
    >>> save_workbook(wb, pathlib.Path(tempfile.mkdtemp()) / "t.xlsx").suffix
    '.xlsx'
    """
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


@contextlib.contextmanager
def writing(path: str | os.PathLike) -> Iterator[openpyxl.Workbook]:
    """A write-only workbook for :func:`frame_to_sheet`, saved to ``path`` (atomically) when
    the block ends without an error; on an error nothing is written.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl, pandas as pd
    >>> from kotaku_gis.excel import frame_to_sheet, writing
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> with writing(path) as wb:
    ...     _ = frame_to_sheet(wb, "Data", pd.DataFrame({"a": [1]}))
    >>> openpyxl.load_workbook(path).sheetnames
    ['Data']
    """
    wb = new_workbook()
    try:
        yield wb
    except BaseException:
        # Close the sheets' streams, so that no half-written temporary file is left open.
        for ws in wb.worksheets:
            with contextlib.suppress(Exception):
                ws.close()
        raise
    save_workbook(wb, path)


def _caption_lines(caption: bool | int | str | Sequence[str] | None) -> int:
    if caption is None or caption is False:
        return 0
    if caption is True:
        return 1
    if isinstance(caption, str):
        return 1
    if isinstance(caption, int):
        return max(int(caption), 0)
    return len(list(caption))


def data_rows(
    *, caption: bool | int | str | Sequence[str] | None = False, max_rows: int = EXCEL_MAX_ROWS
) -> int:
    """Data rows a sheet holds below its header row (and its caption lines and the blank
    row after them, if any); ``caption`` is True for one line, a number of lines, or the
    caption itself.

    Examples
    --------
    >>> from kotaku_gis.excel import data_rows
    >>> data_rows(), data_rows(caption=True), data_rows(caption=["title", "rule"])
    (1048575, 1048573, 1048572)
    """
    lines = _caption_lines(caption)
    return max(int(max_rows) - (lines + 2 if lines else 1), 0)


def sheet_names(values: Sequence[Any]) -> dict[Any, str]:
    """Excel-safe, unique sheet names (at most 31 characters, none of ``[]:*?/\\``).

    Examples
    --------
    >>> from kotaku_gis.excel import sheet_names
    >>> list(sheet_names(["Kel. A/B", "x" * 40, "X" * 40]).values())
    ['Kel. A-B', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'XXXXXXXXXXXXXXXXXXXXXXXXXXX (2)']
    """
    out: dict[Any, str] = {}
    used: set[str] = set()
    for value in values:
        base = re.sub(r"[\[\]:*?/\\]", "-", str(value)).strip("'") or "R0"
        name, n = base[:31], 2
        while name.casefold() in used:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name.casefold())
        out[value] = name
    return out


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
    caption: str | Sequence[str] | None = None,
    text_columns: Sequence[str] = (),
    freeze_columns: int = 1,
    max_rows: int = EXCEL_MAX_ROWS,
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
    caption : str or sequence of str, optional
        A title line above the table (bold), or several lines: the title and notes.
    text_columns : sequence of str
        Columns stored as text (ids with leading zeros or long digit strings).
    freeze_columns : int, default 1
        Leading columns kept in view when scrolling sideways.
    max_rows : int, default :data:`EXCEL_MAX_ROWS`
        Rows a sheet may have, caption and header included. A frame that does not fit raises
        :class:`~kotaku_gis.InputError`: cut it to :func:`data_rows` rows (and say where the
        rest is) or write it as CSV.

    Returns
    -------
    openpyxl worksheet

    Examples
    --------
    >>> import io, openpyxl, pandas as pd
    >>> from kotaku_gis.excel import frame_to_sheet, new_workbook
    >>> wb = new_workbook()
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
    lines = [caption] if isinstance(caption, str) else [str(c) for c in caption or ()]
    header_row = len(lines) + 2 if lines else 1
    if len(frame) > data_rows(caption=lines, max_rows=max_rows):
        raise InputError(
            f"the table for sheet {title!r} has {len(frame):,} rows; a sheet holds "
            f"{data_rows(caption=lines, max_rows=max_rows):,} below its header. Write "
            "the table as CSV (kg.write_csv) and put its first rows in the sheet."
        )
    ws = wb.create_sheet(title)
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
    for i, line in enumerate(lines):
        cell = WriteOnlyCell(ws, value=line)
        if i == 0:
            cell.font = _CAPTION_FONT
        ws.append([cell])
    if lines:
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
