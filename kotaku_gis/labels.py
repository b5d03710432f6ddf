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
import string
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from .catalogue import CATEGORIES, INTERVENTION_KINDS
from .errors import InputError
from .rulesets import ASPECTS, LEVELS, RULESETS
from .schema import parse_column

if TYPE_CHECKING:
    import pandas as pd

    from .validation_report import Issue

__all__ = [
    "LANGUAGES",
    "NOT_ASSESSED",
    "OTHER_CATEGORY",
    "VALUE_GROUPS",
    "Lang",
    "aspect_of",
    "category_label",
    "check_lang",
    "check_message",
    "check_title",
    "column_meaning",
    "count_text",
    "criterion_label",
    "format_text",
    "glossary",
    "header",
    "issue_text",
    "label_table",
    "level_labels",
    "level_text",
    "note",
    "phrase",
    "sheet_name",
    "texts",
    "value_label",
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


def phrase(group: str, key: str, lang: str = "id", **values: Any) -> str:
    """A text of the command and the run (groups ``step``, ``run`` …) with its values.

    Examples
    --------
    >>> from kotaku_gis.labels import phrase
    >>> phrase("step", "rescore", "id", year=2023)
    'menilai ulang sesudah pekerjaan sampai 2023'
    """
    return format_text(_text(group, key, lang), lang, **values)


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


# ---------------------------------------------------------------- texts with values


class _Formatter(string.Formatter):
    """``str.format`` that writes numbers as ``lang`` does (1.234,5 or 1,234.5) and knows two
    format specs of its own: ``{n:more}`` (", … (40 more)", nothing for 0) and ``{x:level}``
    (a level label in ``lang``, quoted)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "more":
            return word("more", self.lang).format(n=count_text(value, self.lang)) if value else ""
        if format_spec == "level":
            return repr(level_text(str(value), self.lang))
        text = format(value, format_spec)
        if self.lang == "id" and isinstance(value, int | float) and not isinstance(value, bool):
            text = text.translate(str.maketrans({",": ".", ".": ","}))
        return text


def format_text(template: str, lang: str = "id", **values: Any) -> str:
    """``template`` with ``values`` filled in, numbers written as ``lang`` writes them.

    ``{n:more}`` writes ", … (n more)" (nothing when n is 0) and ``{x:level}`` a level
    label in ``lang``.

    Examples
    --------
    >>> from kotaku_gis.labels import format_text
    >>> format_text("{ha:,.2f} ha{more:more}", "id", ha=1234.5, more=3)
    '1.234,50 ha, … (3 lainnya)'
    >>> format_text("{ha:,.2f} ha{more:more}", "en", ha=1234.5, more=0)
    '1,234.50 ha'
    """
    return _Formatter(check_lang(lang)).format(template, **values)


def check_title(check: str, lang: str = "id") -> str:
    """Short name of a validation check (``"area_mismatch"`` …) in ``lang``.

    A check without a label keeps its own name.

    Examples
    --------
    >>> from kotaku_gis.labels import check_title
    >>> check_title("area_mismatch"), check_title("area_mismatch", "en")
    ('Luas verifikasi berbeda dari geometri', 'Verified area differs from the geometry')
    """
    lang = check_lang(lang)
    if check in _TEXTS["check"]:
        return _text("check", check, lang)
    base = check.removeprefix("candidate_")
    if base != check and base in _TEXTS["check"]:
        return f"{_text('check', base, lang)} ({word('candidate', lang)})"
    return check


def _template(check: str, variant: Any, lang: str) -> str | None:
    texts = _TEXTS["check_text"]
    for key in (f"{check}.{variant}" if variant else None, check, check.removeprefix("candidate_")):
        if key and key in texts:
            return _text("check_text", key, lang)
    return None


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_message(check: str, lang: str = "id", params: Mapping[str, Any] | None = None) -> str:
    """The message of a check in ``lang``: its text with ``params`` filled in.

    ``params["variant"]`` picks a variant of the text (``works_left_out.planned``). A text
    whose values are not all given is the check's general sentence.

    Examples
    --------
    >>> from kotaku_gis.labels import check_message
    >>> check_message("volume_measured", "en", {"n": 3})
    '3 work(s) had no volume; measured from the geometry (metres of line, hectares of polygon, count of points)'
    >>> check_message("volume_measured", "id", {"n": 3})[:34]
    '3 pekerjaan tanpa volume; volumeny'
    """  # noqa: E501
    lang = check_lang(lang)
    params = dict(params or {})
    template = _template(check, params.pop("variant", None), lang)
    if template is None:
        return check_title(check, lang)
    if _fields(template) <= set(params):
        return format_text(template, lang, **params)
    general = _template(check, None, lang)
    if general is not None and not _fields(general):
        return general
    return check_title(check, lang)


def issue_text(issue: Issue, lang: str = "id") -> str:
    """What a person reads of a validation entry in ``lang``.

    An entry made with values (``params``) is written from its check's text in ``lang``; one
    made with a message alone keeps it in English and, in Indonesian, shows its check's
    general sentence (the row and column say where). The message of a check the labels do
    not know (a caller's own) is kept as it was written.

    Examples
    --------
    >>> from kotaku_gis import ValidationReport
    >>> from kotaku_gis.labels import issue_text
    >>> rep = ValidationReport()
    >>> rep.add(3, "area_ha", "warning", "area_mismatch",
    ...         params={"given": 1.31, "measured": 1.38, "share": 0.05})
    >>> issue_text(rep.issues[0], "en")
    "verified area_ha 1.31 differs from the geometry's 1.38 ha by more than 5%; the verified figure is used for scoring"
    >>> issue_text(rep.issues[0], "id")[:48]
    'luas verifikasi area_ha 1,31 ha berbeda lebih da'
    """  # noqa: E501
    lang = check_lang(lang)
    params = getattr(issue, "params", None)
    known = _template(issue.check, None, lang) is not None
    if params is not None and known:
        return check_message(issue.check, lang, params)
    if lang == "en" or not known:
        return issue.message
    return check_message(issue.check, lang)


#: Groups of values that reports show in the reader's language (:func:`value_label`).
VALUE_GROUPS: tuple[str, ...] = ("report", "severity", "measure", "method", "level_source")


def value_label(group: str, value: Any, lang: str = "id") -> Any:
    """A value of the data shown in ``lang``: a report's name, a severity, a measure, a
    reduction method or an evidence depth (other values are kept).

    Examples
    --------
    >>> from kotaku_gis.labels import value_label
    >>> value_label("measure", "households"), value_label("method", "service_share", "en")
    ('KK', 'share of the service area')
    >>> value_label("measure", "buildings/households")
    'bangunan/KK'
    """
    lang = check_lang(lang)
    table = _TEXTS[group]
    if not isinstance(value, str):
        return value
    if value in table:
        return _text(group, value, lang)
    if "/" in value and all(part in table for part in value.split("/")):
        return "/".join(_text(group, part, lang) for part in value.split("/"))
    return value


# ---------------------------------------------------------------- the data dictionary


def _unit_text(key: str, lang: str) -> str:
    return (
        _text("dict_unit", key, lang) if key in _TEXTS["dict_unit"] else _text("unit", "text", lang)
    )


def column_meaning(column: Any, lang: str = "id") -> tuple[str, str]:
    """(meaning, unit) of a column name of the library's outputs, in ``lang``.

    Names built by :mod:`kotaku_gis.schema` (``pct_1a``, ``ha_kumuh_berat_after`` …) and
    criterion volumes (``"1a"``) are explained from their parts; a name the library does not
    make is a column of the input data.

    Examples
    --------
    >>> from kotaku_gis.labels import column_meaning
    >>> column_meaning("area_ha_geom", "en")
    ("Measured area of the unit's geometry (ellipsoidal, equal-area)", 'ha')
    >>> column_meaning("score_4b_after", "en")
    ('Score of criterion 4b (No drainage): 0, 1, 3 or 5, after works', 'score')
    >>> column_meaning("2a", "id")[1]
    'm'
    """
    lang = check_lang(lang)
    name = str(column)
    if name in _TEXTS["dict"]:
        return _text("dict", name, lang), _unit_text(name, lang)
    crit = _CRITERIA.get(name)
    if crit is not None:
        meaning = format_text(_text("dict", "code:volume", lang), lang, code=name,
                              name=criterion_label(name, lang))  # fmt: skip
        return meaning, value_label("measure", crit.unit, lang)
    col = parse_column(name)
    if col.state is not None and col.base != name:
        meaning, unit = column_meaning(col.base, lang)
        if meaning != _text("dict", "input", lang):
            return format_text(_text("dict", f"state:{col.state}", lang), lang,
                               meaning=meaning), unit  # fmt: skip
    if col.prefix is not None:
        key = f"prefix:{col.prefix}"
        code = str(col.key)
        if col.prefix in ("ha", "units"):
            label = level_text(code, lang)
        elif col.prefix == "avg":
            label = _aspect_name(code, lang)
        else:
            label = criterion_label(code, lang)
        meaning = format_text(_text("dict", key, lang), lang, code=code, name=label)
        if col.prefix == "reduction":
            crit = _CRITERIA.get(code)
            unit = value_label("measure", crit.unit, lang) if crit else _unit_text(key, lang)
            return meaning, unit
        return meaning, _unit_text(key, lang)
    return _text("dict", "input", lang), _unit_text("input", lang)


def _aspect_name(key: str, lang: str) -> str:
    if key in ASPECTS:
        name_id, name_en = ASPECTS[key]
        return name_en if lang == "en" else name_id
    return key


def label_table() -> dict[str, dict[str, tuple[str, str]]]:
    """Every text of ``labels.csv``: group → key → (Indonesian, English).

    Examples
    --------
    >>> from kotaku_gis.labels import label_table
    >>> label_table()["severity"]["warning"]
    ('peringatan', 'warning')
    """
    return {group: dict(rows) for group, rows in _TEXTS.items()}


#: The glossary's terms: (column, Indonesian term, English term), in reading order.
_GLOSSARY = (
    ("area_ha", "luas unit", "unit area"),
    ("area_ha_geom", "luas geometri", "geometry area"),
    ("slum_ha", "luas kumuh", "slum area"),
    ("slum_ha_after", "sisa luas kumuh", "remaining slum area"),
    ("reduced_ha", "pengurangan luas kumuh", "slum area reduced"),
    ("served_ha", "luas terlayani", "served area"),
    ("unserved_ha", "luas belum terlayani", "unserved area"),
    ("served_ha_geom", "luas terlayani (geometri)", "served area (geometry)"),
    ("unserved_ha_geom", "luas belum terlayani (geometri)", "unserved area (geometry)"),
    ("units_belum_dinilai", "belum dinilai", "not assessed"),
    ("units_not_recomputed", "tidak dihitung ulang", "not recomputed"),
)


def glossary() -> pd.DataFrame:
    """The hectare vocabulary in both languages: term, column name, meaning and unit.

    The table of the README's glossary, and of the workbook's data dictionary for these
    columns.

    Examples
    --------
    >>> from kotaku_gis.labels import glossary
    >>> glossary().loc[0, ["istilah", "term", "column"]].tolist()
    ['luas unit', 'unit area', 'area_ha']
    """
    import pandas as pd

    rows = [
        {"istilah": term_id, "term": term_en, "column": col,
         "arti": column_meaning(col, "id")[0], "meaning": column_meaning(col, "en")[0],
         "unit": column_meaning(col, "en")[1]}
        for col, term_id, term_en in _GLOSSARY
    ]  # fmt: skip
    return pd.DataFrame(rows)
