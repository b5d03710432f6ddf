"""Texts a person reads, in Indonesian (default) and English: headers, names, map and sheet texts.

Every label the reports, charts and maps print comes from here: level names, criterion,
aspect and category names, the Excel sheets' names, column headers and notes, and the map's
interface texts. The data keep the library's own values (``"kumuh berat"``, ``"1a"``); only
what is shown is translated. Column headers are made from the column names of
:mod:`kotaku_gis.schema` by :func:`header`.

The texts are a table, ``labels.csv`` beside this module (columns ``group``, ``key``, ``id``,
``en``), so that a translation is corrected in one row; criterion and aspect names come from
the rulesets and the Indonesian category names from the works catalogue.

Examples
--------
>>> from kotaku_gis import labels
>>> labels.sheet_name("audit"), labels.sheet_name("audit", "en")
('Jejak Pengurangan', 'Reductions audit')
>>> labels.word("total"), labels.word("total", "en")
('Jumlah', 'Total')
>>> labels.note("regulation"), labels.note("regulation", "en")
('Peraturan', 'Regulation')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

from .catalogue import CATEGORIES, INTERVENTION_KINDS
from .errors import InputError
from .rulesets import ASPECTS, LEVELS, RULESETS
from .schema import parse_column

__all__ = [
    "LANGUAGES",
    "NOT_ASSESSED",
    "OTHER_CATEGORY",
    "Lang",
    "aspect_of",
    "category_label",
    "check_lang",
    "count_text",
    "criterion_label",
    "header",
    "level_labels",
    "level_text",
    "note",
    "sheet_name",
    "texts",
    "word",
]

Lang = Literal["id", "en"]
#: Languages of the labels: Indonesian and English.
LANGUAGES: tuple[str, ...] = ("id", "en")
#: Layer key of interventions whose category is missing or not one of the eight.
OTHER_CATEGORY = "lainnya"


def _load() -> dict[str, dict[str, tuple[str, str]]]:
    """``labels.csv``: group → key → (Indonesian, English)."""
    table: dict[str, dict[str, tuple[str, str]]] = {}
    text = resources.files(__package__).joinpath("labels.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        table.setdefault(row["group"], {})[row["key"]] = (row["id"], row["en"])
    return table


_TEXTS = _load()
#: The label of a unit without a level.
NOT_ASSESSED: Mapping[str, str] = MappingProxyType(
    dict(zip(LANGUAGES, _TEXTS["level"]["not assessed"], strict=True))
)


def check_lang(lang: Any) -> Lang:
    """``lang`` when it is a language of the labels, else :class:`~kotaku_gis.InputError`.

    Examples
    --------
    >>> from kotaku_gis.labels import check_lang
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGUAGES:
        raise InputError(f"lang must be 'id' (Indonesian) or 'en' (English), not {lang!r}.")
    return lang  # type: ignore[return-value]


def _text(group: str, key: str, lang: str) -> str:
    return _TEXTS[group][key][LANGUAGES.index(check_lang(lang))]


def sheet_name(key: str, lang: str = "id") -> str:
    """Name of a sheet of the Excel report (``"kota"``, ``"units"``, ``"audit"`` …)."""
    return _text("sheet", key, lang)


def word(key: str, lang: str = "id") -> str:
    """A word of the reports and charts (``"total"``, ``"ledger_title"``, ``"map_after"`` …)."""
    return _text("word", key, lang)


def note(key: str, lang: str = "id") -> str:
    """A row label, or sentence template, of the Excel report's notes sheet."""
    return _text("note", key, lang)


def texts(lang: str = "id") -> Mapping[str, str]:
    """The map's interface texts in ``lang`` ("id" or "en").

    Examples
    --------
    >>> from kotaku_gis.labels import texts
    >>> texts("en")["unserved"]
    'Unserved parts'
    """
    i = LANGUAGES.index(check_lang(lang))
    return MappingProxyType({key: pair[i] for key, pair in _TEXTS["map"].items()})


# ---------------------------------------------------------------- levels, criteria, kinds


def level_labels(lang: str = "id") -> tuple[str, ...]:
    """Display labels of the four levels, worst first, in ``lang``.

    Examples
    --------
    >>> from kotaku_gis.labels import level_labels
    >>> level_labels("en")[0]
    'severe slum'
    """
    return tuple(level_text(level, lang) for level in LEVELS)


def level_text(level: str, lang: str = "id") -> str:
    """One level label in ``lang`` (text that is not a level is kept).

    Examples
    --------
    >>> from kotaku_gis.labels import level_text
    >>> level_text("kumuh ringan", "en"), level_text("kumuh ringan", "id")
    ('light slum', 'kumuh ringan')
    """
    if level not in LEVELS:
        check_lang(lang)
        return level
    return _text("level", level, lang)


def category_label(key: str, lang: str = "id") -> str:
    """Display name of an intervention category key.

    Examples
    --------
    >>> from kotaku_gis import labels
    >>> labels.category_label("air_minum"), labels.category_label("air_minum", "en")
    ('Air minum', 'Drinking water')
    """
    if key not in _TEXTS["category"]:
        check_lang(lang)
        return key
    if lang == "id" and key in CATEGORIES:
        return INTERVENTION_KINDS[key].name
    return _text("category", key, lang)


# the 2018 names win where both rulesets have a code
_CRITERIA = {c.code: c for rs in reversed(list(RULESETS.values())) for c in rs.criteria}
_CODE = re.compile(r"^(\d+)")


def criterion_label(code: str, lang: str = "id") -> str:
    """Display name of a criterion code (from the rulesets), or the code itself.

    Examples
    --------
    >>> from kotaku_gis.labels import criterion_label
    >>> criterion_label("4b", "en")
    'No drainage'
    """
    crit = _CRITERIA.get(code)
    if crit is None:
        return code
    return crit.name_en if check_lang(lang) == "en" else crit.name_id


def aspect_of(code: str) -> tuple[str, str, str]:
    """The aspect of a criterion code: (key, Indonesian name, English name).

    Codes that no ruleset knows are grouped by their leading number.

    Examples
    --------
    >>> from kotaku_gis.labels import aspect_of
    >>> aspect_of("3b")[0]
    'air_minum'
    """
    crit = _CRITERIA.get(code)
    if crit is not None:
        return (crit.aspect, *ASPECTS[crit.aspect])
    match = _CODE.match(code)
    number = match.group(1) if match else code
    return (f"aspek_{number}", f"Aspek {number}", f"Aspect {number}")


# ---------------------------------------------------------------- headers and numbers


def count_text(n: int, lang: str = "id") -> str:
    """A whole number with the thousands separator of ``lang`` (1.048.576 or 1,048,576).

    Examples
    --------
    >>> from kotaku_gis.labels import count_text
    >>> count_text(1048576), count_text(1048576, "en")
    ('1.048.576', '1,048,576')
    """
    text = f"{int(n):,}"
    return text.replace(",", ".") if check_lang(lang) == "id" else text


def header(column: Any, lang: str = "id") -> str:
    """Display header of a column name of the library (unknown names are kept).

    Examples
    --------
    >>> from kotaku_gis.labels import header
    >>> header("ha_kumuh_berat_after"), header("ha_kumuh_berat_after", "en")
    ('Luas Kumuh Berat (Ha) sesudah', 'Severe slum area (ha) after')
    >>> header("score_1a", "en"), header("my_column")
    ('Score 1a', 'my_column')
    """
    lang = check_lang(lang)
    name = str(column)
    if name in _TEXTS["header"]:
        return _text("header", name, lang)
    col = parse_column(name)
    if col.state is not None:
        return f"{header(col.base, lang)} {word(col.state, lang)}"
    if col.prefix in ("units", "ha"):
        level = str(col.key)
        if lang == "en":
            label = level_text(level, lang).capitalize()
            return f"{label} units" if col.prefix == "units" else f"{label} area (ha)"
        label = level.title()
        return f"Unit {label}" if col.prefix == "units" else f"Luas {label} (Ha)"
    if col.prefix is not None:
        return f"{word(col.prefix, lang)} {col.key}"
    return name
