"""Column names of the library: the conventions readers produce and the names analysis builds.

The conventions of DESIGN §3 (``unit_id``, denominators, admin columns, level labels) are
listed here; the criterion codes and their denominators are derived from the regulation's
ruleset (:mod:`kotaku_gis.rulesets`), not restated. The columns the analysis adds are built by
the functions below (``pct_1a``, ``score_1a``, ``avg_drainase``, ``reduction_1a``,
``ha_kumuh_berat``, ``units_kumuh_berat`` and their ``_after`` / ``_before`` /
``_published`` twins) and read back by :func:`parse_column`, so that every module spells
them the same way.

Examples
--------
>>> from kotaku_gis import schema
>>> schema.pct_column("1a"), schema.score_column("1a"), schema.reduction_column("2b")
('pct_1a', 'score_1a', 'reduction_2b')
>>> schema.avg_column("drainase"), schema.ha_column("kumuh berat")
('avg_drainase', 'ha_kumuh_berat')
>>> schema.units_column("tidak kumuh")
'units_tidak_kumuh'
>>> schema.after_column(schema.ha_column("kumuh ringan")), schema.before_column("level")
('ha_kumuh_ringan_after', 'level_before')
>>> schema.published_column(schema.avg_column("jalan"))
'avg_jalan_published'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .rulesets import DEFAULT_RULESET, LEVELS, RULESETS

__all__ = [
    "ADMIN_COLUMNS",
    "AREA",
    "AREA_GEOM",
    "CRITERIA_2018",
    "CRITERION_DENOMINATOR",
    "DENOMINATORS",
    "INDONESIA_BOUNDS",
    "LEVELS",
    "SERVED",
    "SERVED_GEOM",
    "STATES",
    "SUMMARY_KEY",
    "UNSERVED",
    "UNSERVED_GEOM",
    "ColumnName",
    "after_column",
    "avg_column",
    "before_column",
    "ha_column",
    "id_strings",
    "id_text",
    "level_key",
    "parse_column",
    "pct_column",
    "published_column",
    "reduction_column",
    "score_column",
    "units_column",
]

#: The 16 criterion codes of Permen PUPR 14/2018, in order; units carry their volumes under
#: these column names. Derived from the ruleset.
CRITERIA_2018: tuple[str, ...] = RULESETS[DEFAULT_RULESET].codes

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

#: The key of every summary by place (``summarize``, the CSVs, the workbook): kota, then
#: kecamatan, then kelurahan; a kawasan without a kelurahan is labelled, never blank.
SUMMARY_KEY: tuple[str, ...] = ("kota", "kecamatan", "kelurahan")

# The hectare vocabulary: every output names its hectares with these.
#: The unit's area used in every figure: verified where given, else measured.
AREA: str = "area_ha"
#: The measured (ellipsoidal) area of the unit's geometry.
AREA_GEOM: str = "area_ha_geom"
#: Served and unserved hectares of the service overlay, on ``area_ha`` (the served share
#: of the geometry applied to it): the figures of the summaries, the workbook and the console.
SERVED: str = "served_ha"
UNSERVED: str = "unserved_ha"
#: The same measured on the geometry (``area_ha_geom``): ``kg.remaining_area``'s
#: ``covered_ha`` and ``remaining_ha``.
SERVED_GEOM: str = "served_ha_geom"
UNSERVED_GEOM: str = "unserved_ha_geom"

#: Longitude/latitude box that holds all of Indonesia with a margin (west, south, east, north).
INDONESIA_BOUNDS: tuple[float, float, float, float] = (94.0, -11.5, 141.5, 6.5)

#: Denominator column of each criterion of Permen PUPR 14/2018 (DESIGN §4), from the ruleset.
CRITERION_DENOMINATOR: dict[str, str] = {
    c.code: c.denominator for c in RULESETS[DEFAULT_RULESET].criteria
}


def level_key(level: str) -> str:
    """A level label as it stands in column names: ``"kumuh berat"`` → ``"kumuh_berat"``.

    Examples
    --------
    >>> from kotaku_gis.schema import level_key
    >>> level_key("kumuh berat"), level_key("belum dinilai")
    ('kumuh_berat', 'belum_dinilai')
    """
    return str(level).replace(" ", "_")


def _builder(template: str, doc: str, key: Callable[[str], str] = str) -> Callable[[str], str]:
    """A column-name builder: ``template`` with the key (see the module's examples)."""

    def build(value: str) -> str:
        return template.format(key(value))

    build.__name__ = build.__qualname__ = template.replace("{}", "").strip("_") + "_column"
    build.__doc__ = doc
    return build


# Per criterion, aspect or level (a level's spaces become underscores), then a column's twin
# in another state: after works, at baseline, as published on input.
pct_column = _builder("pct_{}", "The percentage column of a criterion: ``pct_1a``.")
score_column = _builder("score_{}", "The score column of a criterion: ``score_1a``.")
avg_column = _builder("avg_{}", "The average percentage of an aspect: ``avg_jalan``.")
reduction_column = _builder("reduction_{}", "Volume works took off a criterion: ``reduction_2b``.")
ha_column = _builder("ha_{}", "A summary's hectares of a level: ``ha_kumuh_berat``.", level_key)
units_column = _builder("units_{}", "Units of a level in a summary: ``units_kumuh``.", level_key)
after_column = _builder("{}_after", "A column's twin after works: ``level_after``.")
before_column = _builder("{}_before", "A column's twin at baseline: ``level_before``.")
published_column = _builder("{}_published", "A figure as given on input: ``level_published``.")

#: Suffixes of a column's twin in another state: after works, at baseline, as published.
STATES: tuple[str, ...] = ("after", "before", "published")
#: Prefixes of the columns built per criterion, aspect or level.
_PREFIXES: tuple[str, ...] = ("pct", "score", "avg", "reduction", "ha", "units")


@dataclass(frozen=True)
class ColumnName:
    """A column name read back into its parts (see :func:`parse_column`).

    ``base`` is the name without its state suffix; ``prefix`` is one of ``pct``, ``score``,
    ``avg``, ``reduction``, ``ha``, ``units`` (None for other names); ``key`` the criterion
    code, aspect or level label after the prefix (levels with spaces); ``state`` one of
    :data:`STATES` or None.
    """

    name: str
    base: str
    prefix: str | None
    key: str | None
    state: str | None


def parse_column(name: Any) -> ColumnName:
    """Read a column name built by this module back into prefix, key and state.

    ``ha_`` and ``units_`` names are read as per-level columns only when what follows is a
    level label (``ha_left`` is a plain name); the other prefixes take any key.

    Examples
    --------
    >>> from kotaku_gis.schema import parse_column
    >>> c = parse_column("ha_kumuh_berat_after")
    >>> c.prefix, c.key, c.state, c.base
    ('ha', 'kumuh berat', 'after', 'ha_kumuh_berat')
    >>> parse_column("score_1a").key, parse_column("ha_left").prefix
    ('1a', None)
    """
    text = str(name)
    base, state = text, None
    for suffix in STATES:
        if text.endswith(f"_{suffix}") and len(text) > len(suffix) + 1:
            base, state = text[: -len(suffix) - 1], suffix
            break
    prefix, sep, rest = base.partition("_")
    if not sep or not rest or prefix not in _PREFIXES:
        return ColumnName(text, base, None, None, state)
    if prefix in ("ha", "units"):
        level = rest.replace("_", " ")
        if level not in LEVELS:
            return ColumnName(text, base, None, None, state)
        return ColumnName(text, base, prefix, level, state)
    return ColumnName(text, base, prefix, rest, state)


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
