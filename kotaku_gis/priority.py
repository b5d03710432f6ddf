"""Handling type and priority from the level, the legal status of the land and "pertimbangan lain".

The score alone decides whether a unit is a slum and how heavy; it does not decide what to do.
The regulation (Permen PUPR 02/PRT/M/2016 and 14/PRT/M/2018, "pola penanganan") sets the
handling type from the level and the legal status of the land:

===============  ===============  =================
level            legal land       illegal land
===============  ===============  =================
kumuh berat      peremajaan       pemukiman kembali
kumuh sedang     peremajaan       pemukiman kembali
kumuh ringan     pemugaran        pemukiman kembali
===============  ===============  =================

(cited from a planning report quoting the regulation:
https://id.scribd.com/document/539782848/tahapan-penanganan-kumuh). The rule is the data
:data:`HANDLING`; a kota that applies it differently passes its own table.

"Pertimbangan lain" (other considerations: strategic value of the location, population,
socio-economic potential) are each scored 1, 3 or 5 on the regional sheets; their sum (3-15)
is classed :data:`OTHER_CONSIDERATION_CLASSES` as tinggi (11-15), sedang (6-10) or rendah
(up to 5). Priority classes combine the three: a letter for the level (A berat, B sedang,
C ringan) and a number 1-6 for the other considerations (tinggi, sedang, rendah) with legal
land before illegal land, so A1 is kumuh berat, pertimbangan lain tinggi, legal land; the
``priority`` rank follows that order (1 = A1 … 18 = C6). These class bounds are planning
defaults to be checked against the kota's SK Kumuh; pass ``classes=`` to change them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import InputError
from .validation_report import ValidationReport

__all__ = [
    "HANDLING",
    "LEGAL_WORDS",
    "OTHER_CONSIDERATION_CLASSES",
    "OTHER_CONSIDERATION_COLUMNS",
    "handling",
]

#: (level, legal land?) → handling type.
HANDLING: Mapping[tuple[str, bool], str] = MappingProxyType(
    {
        ("kumuh berat", True): "peremajaan",
        ("kumuh berat", False): "pemukiman kembali",
        ("kumuh sedang", True): "peremajaan",
        ("kumuh sedang", False): "pemukiman kembali",
        ("kumuh ringan", True): "pemugaran",
        ("kumuh ringan", False): "pemukiman kembali",
    }
)

#: Words read as legal (True) or illegal (False) land, after lower-casing and trimming.
LEGAL_WORDS: Mapping[str, bool] = MappingProxyType(
    {
        **dict.fromkeys(["legal", "sah", "ya", "yes", "true", "1", "+", "resmi"], True),
        **dict.fromkeys(
            ["ilegal", "illegal", "tidak legal", "tidak sah", "tidak", "no", "false", "0",
             "-", "liar"],
            False,
        ),
    }
)  # fmt: skip

#: (minimum sum, class) from the highest down.
OTHER_CONSIDERATION_CLASSES: tuple[tuple[int, str], ...] = (
    (11, "tinggi"),
    (6, "sedang"),
    (0, "rendah"),
)

#: Columns scored 1/3/5 whose sum is the "pertimbangan lain" value.
OTHER_CONSIDERATION_COLUMNS: tuple[str, ...] = (
    "nilai_strategis",
    "kependudukan",
    "sosial_ekonomi",
)

_LEVEL_LETTER = {"kumuh berat": "A", "kumuh sedang": "B", "kumuh ringan": "C"}
_PL_ORDER = ("tinggi", "sedang", "rendah")


def _legal(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    text = values.astype("string").str.strip().str.lower()
    return text.map(dict(LEGAL_WORDS)).astype("boolean")


def handling(
    assessed: pd.DataFrame,
    *,
    legal_column: str = "legal_status",
    consideration_columns: Sequence[str] = OTHER_CONSIDERATION_COLUMNS,
    consideration_column: str = "pertimbangan_lain",
    table: Mapping[tuple[str, bool], str] = HANDLING,
    classes: Sequence[tuple[int, str]] = OTHER_CONSIDERATION_CLASSES,
) -> pd.DataFrame:
    """Handling type and priority of each slum unit.

    Parameters
    ----------
    assessed : DataFrame or GeoDataFrame
        Output of :func:`kotaku_gis.assess` with a legal-status column and either the three
        "pertimbangan lain" scores or their class.
    legal_column : str, default "legal_status"
        Land status: legal/ilegal (also sah, tidak sah, +/-, True/False).
    consideration_columns : sequence of str
        Columns scored 1/3/5 whose sum gives the "pertimbangan lain" value.
    consideration_column : str, default "pertimbangan_lain"
        Used instead when present: a class (tinggi/sedang/rendah) or a summed value.
    table, classes
        The handling rule and the class bounds (see the module text).

    Returns
    -------
    DataFrame or GeoDataFrame
        The input plus ``legal`` (boolean, <NA> when unknown), ``pl_value`` (sum, or <NA>),
        ``pl_class``, ``handling_type`` (<NA> for "tidak kumuh" or unknown legal status),
        ``priority_class`` (A1 … C6) and ``priority`` (1 … 18; <NA> when not a slum or the legal
        status is unknown). ``attrs["report"]`` lists
        slum units whose status or considerations are missing.

    Examples
    --------
    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> assessed = pd.DataFrame({"unit_id": ["A", "B"],
    ...     "level": ["kumuh berat", "kumuh ringan"], "legal_status": ["ilegal", "legal"],
    ...     "nilai_strategis": [5, 1], "kependudukan": [5, 3], "sosial_ekonomi": [3, 1]})
    >>> out = kg.handling(assessed)
    >>> out[["handling_type", "pl_class", "priority_class", "priority"]].values.tolist()
    [['pemukiman kembali', 'tinggi', 'A2', 2], ['pemugaran', 'rendah', 'C5', 17]]
    """
    if "level" not in assessed.columns:
        raise InputError("no 'level' column; score the units first with kg.assess(units).")
    report = ValidationReport(what="handling")
    level = assessed["level"].astype("string")
    slum = level.isin(list(_LEVEL_LETTER)).fillna(False).to_numpy(dtype=bool)

    if legal_column in assessed.columns:
        legal = _legal(assessed[legal_column])
    else:
        legal = pd.Series(pd.NA, index=assessed.index, dtype="boolean")
        report.add(
            None, legal_column, "warning", "missing_legal_status",
            f"no {legal_column!r} column: the handling type needs the land's legal status",
        )  # fmt: skip
    unknown_legal = slum & legal.isna().to_numpy()
    if unknown_legal.any() and legal_column in assessed.columns:
        report.add_rows(
            assessed.index[unknown_legal], legal_column, "warning", "unknown_legal_status",
            "legal status blank or not recognised (use legal / ilegal); handling undecided",
        )  # fmt: skip

    bounds = sorted(classes, reverse=True)
    if consideration_column in assessed.columns:
        raw = assessed[consideration_column]
        value = pd.to_numeric(raw, errors="coerce")
        named = raw.astype("string").str.strip().str.lower()
        pl_value = value.astype("Float64")
    elif all(c in assessed.columns for c in consideration_columns):
        parts = [pd.to_numeric(assessed[c], errors="coerce") for c in consideration_columns]
        pl_value = sum(parts[1:], parts[0]).astype("Float64")
        named = pd.Series(pd.NA, index=assessed.index, dtype="string")
    else:
        pl_value = pd.Series(pd.NA, index=assessed.index, dtype="Float64")
        named = pd.Series(pd.NA, index=assessed.index, dtype="string")
        report.add(
            None, consideration_column, "info", "missing_other_considerations",
            f"neither {consideration_column!r} nor {list(consideration_columns)} present: "
            "priority classes use 'rendah' for pertimbangan lain",
        )  # fmt: skip
    pl_class = pd.Series(pd.NA, index=assessed.index, dtype="string")
    vals = pl_value.to_numpy(dtype=float, na_value=np.nan)
    for minimum, label in reversed(bounds):
        pl_class[vals >= minimum] = label
    by_name = named.isin(_PL_ORDER).fillna(False).to_numpy(dtype=bool)
    pl_class[by_name] = named[by_name]

    legal_arr = legal.to_numpy(dtype=object, na_value=None)
    hand = [
        table.get((lv, bool(lg))) if (s and lg is not None) else None
        for lv, lg, s in zip(level.to_numpy(dtype=object), legal_arr, slum, strict=True)
    ]
    letter = level.map(_LEVEL_LETTER)
    pl_rank = pl_class.fillna("rendah").map({c: i for i, c in enumerate(_PL_ORDER)})
    number = pl_rank.astype("Int64") * 2 + 1 + (~legal.fillna(False)).astype("Int64")
    ranked = pd.Series(slum & legal.notna().to_numpy(), index=assessed.index)
    pclass = (letter + number.astype("string")).where(ranked)
    prio = (letter.map({"A": 0, "B": 6, "C": 12}).astype("Int64") + number).where(ranked)

    out = assessed.copy()
    out["legal"] = legal
    out["pl_value"] = pl_value
    out["pl_class"] = pl_class
    out["handling_type"] = pd.array(hand, dtype="string")
    out["priority_class"] = pclass.astype("string")
    out["priority"] = prio.astype("Int64")
    out.attrs["report"] = report
    return out
