"""Column conventions shared by readers, validation and analysis (DESIGN §3)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ADMIN_COLUMNS",
    "CRITERIA_2018",
    "CRITERION_DENOMINATOR",
    "DENOMINATORS",
    "INDONESIA_BOUNDS",
    "LEVELS",
    "id_strings",
    "id_text",
]

#: The 16 criterion codes of Permen PUPR 14/2018, in order; units carry their volumes under
#: these column names.
CRITERIA_2018: tuple[str, ...] = (
    "1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b", "6a", "6b", "7a", "7b",
)  # fmt: skip

#: Denominator columns of units.
DENOMINATORS: tuple[str, ...] = (
    "buildings",
    "households",
    "road_length_m",
    "drain_length_m",
    "area_ha",
)

#: Administrative columns, from finest to coarsest.
ADMIN_COLUMNS: tuple[str, ...] = ("kelurahan", "kecamatan", "kota", "provinsi")

#: Level labels, from worst to best.
LEVELS: tuple[str, ...] = ("kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh")

#: Longitude/latitude box that holds all of Indonesia with a margin (west, south, east, north).
INDONESIA_BOUNDS: tuple[float, float, float, float] = (94.0, -11.5, 141.5, 6.5)

#: Denominator column of each criterion of Permen PUPR 14/2018 (DESIGN §4).
CRITERION_DENOMINATOR: dict[str, str] = {
    "1a": "buildings",
    "1b": "area_ha",
    "1c": "buildings",
    "2a": "road_length_m",
    "2b": "road_length_m",
    "3a": "households",
    "3b": "households",
    "4a": "area_ha",
    "4b": "drain_length_m",
    "4c": "drain_length_m",
    "5a": "households",
    "5b": "households",
    "6a": "households",
    "6b": "households",
    "7a": "buildings",
    "7b": "buildings",
}


def id_text(value: Any) -> Any:
    """One identifier as text: whole floats (101.0, from numeric Shapefile fields) as "101".

    Examples
    --------
    >>> from kotaku_gis.schema import id_text
    >>> id_text(101.0), id_text(" RT01 "), id_text(103.5)
    ('101', 'RT01', '103.5')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return pd.NA
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text if text else pd.NA


def id_strings(values: pd.Series) -> pd.Series:
    """Identifiers as text, like :func:`id_text` value by value, keeping the index.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.schema import id_strings
    >>> id_strings(pd.Series([101.0, 102.0, None])).tolist()
    ['101', '102', <NA>]
    """
    if pd.api.types.is_float_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < 2**63)
        text = values.astype("string")
        text[whole] = pd.array(numbers[whole].astype(np.int64), dtype="Int64").astype("string")
        return text
    if values.dtype == object:
        return pd.Series(pd.array([id_text(v) for v in values], dtype="string"), index=values.index)
    return values.astype("string").str.strip()
