"""Colours and labels of the maps, in Indonesian (default) and English.

Colours follow the programme's habit of red for the worst slum and green for none; scores and
remaining shares use sequential ramps (ColorBrewer YlOrRd and RdYlGn) so that darker or redder
always means "more to do". Every label here is the project's own text; text that comes from
the data is escaped where it is written into a map (see :func:`esc`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..catalogue import CATEGORIES, INTERVENTION_KINDS
from ..errors import InputError
from ..rulesets import ASPECTS, RULESETS
from ..schema import LEVELS

__all__ = [
    "CATEGORY_COLOURS",
    "LANGUAGES",
    "LEVEL_COLOURS",
    "MISSING_COLOUR",
    "OTHER_CATEGORY",
    "SCORE_COLOURS",
    "SHARE_BREAKS",
    "SHARE_COLOURS",
    "aspect_of",
    "category_label",
    "criterion_label",
    "esc",
    "level_labels",
    "texts",
]

LANGUAGES = ("id", "en")

#: Fill colour per level label, worst first (the order of :data:`kotaku_gis.schema.LEVELS`).
LEVEL_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "kumuh berat": "#b2182b",
        "kumuh sedang": "#ef8a62",
        "kumuh ringan": "#fddc6c",
        "tidak kumuh": "#4dac26",
    }
)
#: Fill of units with no value for the view shown.
MISSING_COLOUR = "#bdbdbd"
#: Criterion scores 0, 1, 3, 5 (and aspect score classes) on YlOrRd.
SCORE_COLOURS: tuple[str, ...] = ("#ffffcc", "#fecc5c", "#fd8d3c", "#bd0026")
#: Upper bounds (inclusive, in %) of the remaining-share classes; the last class is above them.
SHARE_BREAKS: tuple[float, ...] = (20.0, 40.0, 60.0, 80.0, 100.0)
#: Remaining share 0-20 % (mostly served) to 80-100 % (unserved), RdYlGn reversed.
SHARE_COLOURS: tuple[str, ...] = ("#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#d7191c")
#: The unserved parts of units.
UNSERVED_COLOUR = "#54278f"

#: Colour per intervention category (the eight keys of :data:`kotaku_gis.CATEGORIES`).
CATEGORY_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "jalan": "#8c564b",
        "drainase": "#1f77b4",
        "pengendali_banjir": "#17becf",
        "air_minum": "#9467bd",
        "air_limbah": "#bcbd22",
        "persampahan": "#7f7f7f",
        "proteksi_kebakaran": "#d62728",
        "perumahan": "#e377c2",
        "lainnya": "#000000",
    }
)
#: Layer key of interventions whose category is missing or not one of the eight.
OTHER_CATEGORY = "lainnya"

_CATEGORY_EN = {
    "jalan": "Neighbourhood roads",
    "drainase": "Drainage",
    "pengendali_banjir": "Flood control",
    "air_minum": "Drinking water",
    "air_limbah": "Wastewater",
    "persampahan": "Solid waste",
    "proteksi_kebakaran": "Fire protection",
    "perumahan": "Housing",
    "lainnya": "Other or unknown kind",
}

_LEVEL_EN = ("severe slum", "moderate slum", "light slum", "not slum")

_TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "level": "Tingkat kekumuhan",
        "level_before": "Tingkat kekumuhan (awal)",
        "level_after": "Tingkat kekumuhan (setelah penanganan)",
        "not_assessed": "belum dinilai",
        "share": "Sisa luas kumuh (% luas unit)",
        "share_short": "Sisa",
        "unserved": "Bagian belum terlayani",
        "unserved_key": "belum dijangkau pekerjaan yang selesai",
        "planned": "rencana / belum selesai (kosong, putus-putus)",
        "units": "Unit",
        "aspect": "Aspek",
        "criterion": "Kriteria",
        "score": "Skor",
        "code": "Kode",
        "pct": "%",
        "sites": "Lokasi penanganan",
        "area_ha": "Luas (ha)",
        "covered_ha": "Luas terlayani (ha)",
        "remaining_ha": "Sisa luas kumuh (ha)",
        "total_score": "Total skor",
        "kind": "Jenis",
        "year": "Tahun",
        "status": "Status",
        "volume": "Volume",
        "basemap": "Peta dasar (OpenStreetMap)",
        "legend": "Legenda",
        "aspect_classes": "Skor aspek (bagian dari maks.)",
        "criterion_classes": "Skor kriteria",
        "no_geometry_units": "unit tanpa geometri tidak ditampilkan",
        "no_geometry_sites": "lokasi tanpa geometri tidak ditampilkan",
        "unmatched_remaining": "bagian belum terlayani dari unit yang tidak ada di peta",
        "unit_color": "Unit penilaian",
    },
    "en": {
        "level": "Slum level",
        "level_before": "Slum level (baseline)",
        "level_after": "Slum level (after works)",
        "not_assessed": "not assessed",
        "share": "Remaining slum (% of unit area)",
        "share_short": "Remaining",
        "unserved": "Unserved parts",
        "unserved_key": "not reached by completed works",
        "planned": "planned / not completed (hollow, dashed)",
        "units": "Unit",
        "aspect": "Aspect",
        "criterion": "Criterion",
        "score": "Score",
        "code": "Code",
        "pct": "%",
        "sites": "Intervention sites",
        "area_ha": "Area (ha)",
        "covered_ha": "Served area (ha)",
        "remaining_ha": "Remaining slum (ha)",
        "total_score": "Total score",
        "kind": "Kind",
        "year": "Year",
        "status": "Status",
        "volume": "Volume",
        "basemap": "Basemap (OpenStreetMap)",
        "legend": "Legend",
        "aspect_classes": "Aspect score (share of maximum)",
        "criterion_classes": "Criterion score",
        "no_geometry_units": "units without geometry not shown",
        "no_geometry_sites": "sites without geometry not shown",
        "unmatched_remaining": "unserved parts of units not on this map",
        "unit_color": "Assessment unit",
    },
}


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(f"lang={lang!r} is not supported; use 'id' (Indonesian) or 'en'.")
    return lang


def texts(lang: str = "id") -> Mapping[str, str]:
    """The map's interface texts in ``lang`` ("id" or "en").

    Examples
    --------
    >>> from kotaku_gis.maps.style import texts
    >>> texts("en")["unserved"]
    'Unserved parts'
    """
    return MappingProxyType(_TEXTS[_check_lang(lang)])


def level_labels(lang: str = "id") -> tuple[str, ...]:
    """Display labels of the four levels, worst first, in ``lang``.

    Examples
    --------
    >>> from kotaku_gis.maps.style import level_labels
    >>> level_labels("en")[0]
    'severe slum'
    """
    return LEVELS if _check_lang(lang) == "id" else _LEVEL_EN


def category_label(key: str, lang: str = "id") -> str:
    """Display name of an intervention category key.

    Examples
    --------
    >>> from kotaku_gis.maps.style import category_label
    >>> category_label("air_minum"), category_label("air_minum", "en")
    ('Air minum', 'Drinking water')
    """
    if _check_lang(lang) == "en":
        return _CATEGORY_EN.get(key, key)
    if key in CATEGORIES:
        return INTERVENTION_KINDS[key].name
    return "Lainnya / jenis tidak dikenal" if key == OTHER_CATEGORY else key


# the 2018 names win where both rulesets have a code
_CRITERIA = {c.code: c for rs in reversed(list(RULESETS.values())) for c in rs.criteria}
_CODE = re.compile(r"^(\d+)")


def criterion_label(code: str, lang: str = "id") -> str:
    """Display name of a criterion code (from the rulesets), or the code itself.

    Examples
    --------
    >>> from kotaku_gis.maps.style import criterion_label
    >>> criterion_label("4b", "en")
    'No drainage'
    """
    crit = _CRITERIA.get(code)
    if crit is None:
        return code
    return crit.name_en if _check_lang(lang) == "en" else crit.name_id


def aspect_of(code: str) -> tuple[str, str, str]:
    """The aspect of a criterion code: (key, Indonesian name, English name).

    Codes that no ruleset knows are grouped by their leading number.

    Examples
    --------
    >>> from kotaku_gis.maps.style import aspect_of
    >>> aspect_of("3b")[0]
    'air_minum'
    """
    crit = _CRITERIA.get(code)
    if crit is not None:
        return (crit.aspect, *ASPECTS[crit.aspect])
    match = _CODE.match(code)
    number = match.group(1) if match else code
    return (f"aspek_{number}", f"Aspek {number}", f"Aspect {number}")


def esc(values: pd.Series | np.ndarray | list) -> list[str]:
    """HTML-escape text from the data (quotes included); missing values become "".

    Examples
    --------
    >>> from kotaku_gis.maps.style import esc
    >>> esc(["<b>x</b>", None, 'a "b" & c'])
    ['&lt;b&gt;x&lt;/b&gt;', '', 'a &quot;b&quot; &amp; c']
    """
    series = pd.Series(values if isinstance(values, pd.Series) else list(values), dtype=object)
    text = series.where(series.notna(), "").astype(str)
    for char, entity in _ENTITIES:
        text = text.str.replace(char, entity, regex=False)
    return text.tolist()


# "&" first, so that the entities written after it are not escaped again
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))
