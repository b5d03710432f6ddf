"""Numbers typed as text, with Indonesian or English separators.

One rule for every reader (R0 workbooks, CSV tables, text fields of GIS layers): "1.234,5" and
"1,5" are Indonesian (decimal comma), "1,234.5" is English; "1.250" is 1250 in a column
counting buildings, households or people and 1.25 elsewhere. In a comma-separated CSV file a
lone comma followed by exactly three digits ("1,500") could be either a decimal comma or a
thousands separator, so it is not read.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["parse_text_numbers"]

_CURRENCY_RE = re.compile(r"^\s*rp\.?\s*", re.IGNORECASE)


def _grouped(text: str, sep: str) -> bool:
    """Whether ``text`` is digits grouped in threes by ``sep`` ("1.234.567")."""
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+", text) is not None


def _number(value: Any, *, count: bool = False) -> tuple[float, bool, bool]:
    """(value as float, whether it was readable, whether a lone "." was read as thousands).

    Blanks and "-" are NaN and readable; numeric cells are kept as they are. Text may use
    Indonesian ("1.234,5", "1.234.567") or English ("1,234.5", "1,234,567") separators; a
    lone "," is a decimal comma ("1,5"). A lone "." followed by exactly three digits
    ("1.250") is a thousands separator in a ``count`` column and a decimal point elsewhere.

    Examples
    --------
    >>> from kotaku_gis._numbers import _number
    >>> _number("1.234,5"), _number("1.250", count=True), _number("dua")[1]
    ((1234.5, True, False), (1250.0, True, True), False)
    """
    if value is None or isinstance(value, bool):
        return np.nan, value is None, False
    if isinstance(value, int | float):
        return float(value), True, False
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text in {"", "-"}:
        return np.nan, True, False
    sign, body = (text[0], text[1:]) if text[0] in "+-" else ("", text)
    thousands = False
    if "." in body and "," in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        whole, _, frac = body.rpartition(decimal)
        if not _grouped(whole, "." if decimal == "," else ","):
            return np.nan, False, False
        body = f"{whole.replace('.', '').replace(',', '')}.{frac}"
    elif body.count(".") > 1 or body.count(",") > 1:
        sep = "." if "." in body else ","
        if not _grouped(body, sep):
            return np.nan, False, False
        body = body.replace(sep, "")
    elif "," in body:
        body = body.replace(",", ".")
    elif count and re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", body):
        body, thousands = body.replace(".", ""), True
    try:
        return float(sign + body), True, thousands
    except ValueError:
        return np.nan, False, False


def parse_text_numbers(
    values: pd.Series,
    *,
    count: bool = False,
    comma_separated: bool = False,
    currency: bool = False,
) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Read the text cells of a column as numbers; leave the cells that are not numbers.

    Parameters
    ----------
    values : Series
        A column as read (numbers, text, blanks).
    count : bool, default False
        The column counts whole things (buildings, households, people): "1.250" is 1250.
    comma_separated : bool, default False
        The values come from a comma-separated CSV file, where "1,500" is ambiguous and
        left unread.
    currency : bool, default False
        Strip a leading "Rp" (rupiah amounts such as "Rp 1.250.000").

    Returns
    -------
    (Series, ndarray, ndarray, ndarray)
        The column with every readable text cell replaced by its number (float when every
        cell is now a number or blank, else object keeping the unreadable text so that
        validation can name it), and boolean masks of the cells read from text, of those read
        with "." as thousands separator, and of the unreadable ones.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis._numbers import parse_text_numbers
    >>> out, text, thousands, bad = parse_text_numbers(pd.Series(["1,5", "2", None, "x"]))
    >>> out.tolist(), text.tolist(), bad.tolist()
    ([1.5, 2.0, nan, 'x'], [True, True, False, False], [False, False, False, True])
    >>> parse_text_numbers(pd.Series(["1,500"]), comma_separated=True)[3].tolist()
    [True]
    """
    n = len(values)
    raw = values.to_numpy(dtype=object)
    missing = pd.isna(values).to_numpy(dtype=bool)
    text = np.zeros(n, dtype=bool)
    thousands = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    out = np.full(n, np.nan, dtype=object)
    if values.dtype == object:
        is_number = np.fromiter(
            (isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
             for v in raw),
            dtype=bool, count=n,
        ) & ~missing  # fmt: skip
    else:  # a text column holds no numbers
        is_number = np.zeros(n, dtype=bool)
    out[is_number] = raw[is_number].astype(float)
    # Arrow strings: their .str methods run in C, not once per cell in Python.
    if values.dtype == object:
        cells = pd.Series(np.where(missing | is_number, None, raw), dtype="string[pyarrow]")
    else:
        cells = values.astype("string[pyarrow]").reset_index(drop=True)
    if currency:
        cells = cells.str.replace(_CURRENCY_RE, "", regex=True)
    cells = cells.str.strip()
    # The common spellings at once: "12", "12.5" (not "1.250" in a count), "12,5".
    plain = cells.str.fullmatch(r"[+-]?\d+(?:\.\d+)?").fillna(False).to_numpy(dtype=bool)
    if count:
        plain &= ~cells.str.fullmatch(r"[+-]?[1-9]\d{0,2}\.\d{3}").fillna(False).to_numpy(bool)
    comma = cells.str.fullmatch(r"[+-]?\d+,\d+").fillna(False).to_numpy(dtype=bool)
    if comma_separated:
        comma &= ~cells.str.fullmatch(r"[+-]?\d{1,3},\d{3}").fillna(False).to_numpy(bool)
    for mask, texts in ((plain, cells), (comma, cells.str.replace(",", ".", regex=False))):
        if mask.any():
            out[mask] = texts[mask].astype("float64").to_numpy()
            text[mask] = True
    rest = np.flatnonzero(~(missing | is_number | plain | comma))
    for i in rest:
        cell = str(cells.iloc[i]) if not pd.isna(cells.iloc[i]) else ""
        if comma_separated and re.fullmatch(r"[+-]?\d{1,3},\d{3}", cell):
            out[i], bad[i] = raw[i], True
            continue
        number, readable, sep = _number(cell, count=count)
        if readable:
            out[i], text[i], thousands[i] = number, bool(np.isfinite(number)), sep
        else:
            out[i], bad[i] = raw[i], True
    if bad.any():
        return pd.Series(out, index=values.index, dtype=object), text, thousands, bad
    return pd.Series(out.astype(float), index=values.index), text, thousands, bad
