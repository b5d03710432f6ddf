"""Texts a person reads, in Indonesian (default) and English: headers, names, map and sheet texts.

Every label the reports, charts and maps print comes from here: level names, criterion,
aspect and category names, the Excel sheets' names, column headers and notes, and the map's
interface texts. The data keep the library's own values (``"kumuh berat"``, ``"1a"``); only
what is shown is translated. Column headers are made from the column names of
:mod:`kotaku_gis.schema` by :func:`header`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


# ---------------------------------------------------------------- levels, criteria, kinds

_LEVEL_EN = ("severe slum", "moderate slum", "light slum", "not slum")
#: The label of a unit without a level.
NOT_ASSESSED: Mapping[str, str] = MappingProxyType({"id": "belum dinilai", "en": "not assessed"})


def level_labels(lang: str = "id") -> tuple[str, ...]:
    """Display labels of the four levels, worst first, in ``lang``.

    Examples
    --------
    >>> from kotaku_gis.labels import level_labels
    >>> level_labels("en")[0]
    'severe slum'
    """
    return LEVELS if check_lang(lang) == "id" else _LEVEL_EN


def level_text(level: str, lang: str = "id") -> str:
    """One level label in ``lang`` (text that is not a level is kept).

    Examples
    --------
    >>> from kotaku_gis.labels import level_text
    >>> level_text("kumuh ringan", "en"), level_text("kumuh ringan", "id")
    ('light slum', 'kumuh ringan')
    """
    if check_lang(lang) == "id":
        return level
    return dict(zip(LEVELS, _LEVEL_EN, strict=True)).get(level, level)


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
    OTHER_CATEGORY: "Other or unknown kind",
}


def category_label(key: str, lang: str = "id") -> str:
    """Display name of an intervention category key.

    Examples
    --------
    >>> from kotaku_gis.labels import category_label
    >>> category_label("air_minum"), category_label("air_minum", "en")
    ('Air minum', 'Drinking water')
    """
    if check_lang(lang) == "en":
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


# ---------------------------------------------------------------- the maps

_MAP_TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "level": "Tingkat kekumuhan",
        "level_before": "Tingkat kekumuhan (awal)",
        "level_after": "Tingkat kekumuhan (setelah penanganan)",
        "not_assessed": NOT_ASSESSED["id"],
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
        "not_assessed": NOT_ASSESSED["en"],
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


def texts(lang: str = "id") -> Mapping[str, str]:
    """The map's interface texts in ``lang`` ("id" or "en").

    Examples
    --------
    >>> from kotaku_gis.labels import texts
    >>> texts("en")["unserved"]
    'Unserved parts'
    """
    return MappingProxyType(_MAP_TEXTS[check_lang(lang)])


# ---------------------------------------------------------------- reports and charts

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
        "before": "sebelum", "after": "sesudah", "published": "terbit", "pct": "%",
        "score": "Skor", "reduction": "Pengurangan", "avg": "Rata-rata", "units": "Unit",
        "ha": "Luas", "total": "Jumlah", "map": "Tingkat kumuh",
        "ledger_title": "Neraca luas kumuh per tahun",
        "map_before": "Tingkat kumuh sebelum penanganan",
        "map_after": "Tingkat kumuh sesudah penanganan", "hectares": "Hektar",
        "baseline": "Luas kumuh awal", "reduced": "berkurang",
    },
    "en": {
        "before": "before", "after": "after", "published": "published", "pct": "%",
        "score": "Score", "reduction": "Reduction", "avg": "Mean", "units": "Units",
        "ha": "Area", "total": "Total", "map": "Slum level",
        "ledger_title": "Slum hectares per year", "map_before": "Slum level before works",
        "map_after": "Slum level after works", "hectares": "Hectares",
        "baseline": "Baseline slum area", "reduced": "reduced",
    },
}  # fmt: skip

_NOTES: dict[str, dict[str, str]] = {
    "id": {
        "created": "Dibuat", "regulation": "Peraturan", "year": "Tahun penanganan",
        "units": "Jumlah unit", "interventions": "Jumlah kegiatan",
        "reduction_rows": "Baris pengurangan", "area_ha": "Luas (Ha)",
        "slum_before": "Luas kumuh sebelum (Ha)", "slum_after": "Luas kumuh sesudah (Ha)",
        "levels": "Tingkat (total skor)", "bands": "Skor per kriteria", "criterion": "Kriteria",
        "audit_elsewhere": "Jejak pengurangan di luar buku kerja",
        "audit_rows": (
            "Jejak pengurangan memiliki {total} baris; lembar '{sheet}' memuat {shown} "
            "baris pertama, {rest} baris lainnya hanya ada di berkas {file} (di folder yang "
            "sama), yang memuat semua {total} baris. Satu lembar Excel memuat paling banyak "
            "1.048.576 baris."
        ),
    },
    "en": {
        "created": "Created", "regulation": "Regulation", "year": "Year of works",
        "units": "Units", "interventions": "Interventions",
        "reduction_rows": "Reduction rows", "area_ha": "Area (ha)",
        "slum_before": "Slum area before (ha)", "slum_after": "Slum area after (ha)",
        "levels": "Levels (total score)", "bands": "Score bands", "criterion": "Criterion",
        "audit_elsewhere": "Reductions audit outside the workbook",
        "audit_rows": (
            "The reductions audit has {total} rows; the sheet '{sheet}' holds the first "
            "{shown}, the other {rest} rows are only in the file {file} (in the same "
            "folder), which holds all {total} rows. An Excel sheet holds at most 1,048,576 "
            "rows."
        ),
    },
}  # fmt: skip


def sheet_name(key: str, lang: str = "id") -> str:
    """Name of one sheet of the Excel report (``"kota"``, ``"units"``, ``"audit"`` …).

    Examples
    --------
    >>> from kotaku_gis.labels import sheet_name
    >>> sheet_name("audit"), sheet_name("audit", "en")
    ('Jejak Pengurangan', 'Reductions audit')
    """
    return _SHEETS[check_lang(lang)][key]


def word(key: str, lang: str = "id") -> str:
    """A word of the reports and charts (``"total"``, ``"ledger_title"``, ``"map_after"`` …).

    Examples
    --------
    >>> from kotaku_gis.labels import word
    >>> word("total"), word("total", "en")
    ('Jumlah', 'Total')
    """
    return _WORDS[check_lang(lang)][key]


def note(key: str, lang: str = "id") -> str:
    """A row label (or sentence template) of the Excel report's notes sheet.

    Examples
    --------
    >>> from kotaku_gis.labels import note
    >>> note("regulation"), note("regulation", "en")
    ('Peraturan', 'Regulation')
    """
    return _NOTES[check_lang(lang)][key]


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
    if name in _HEADERS[lang]:
        return _HEADERS[lang][name]
    col = parse_column(name)
    if col.state is not None:
        return f"{header(col.base, lang)} {_WORDS[lang][col.state]}"
    if col.prefix in ("units", "ha"):
        level = str(col.key)
        if lang == "en":
            label = level_text(level, lang).capitalize()
            return f"{label} units" if col.prefix == "units" else f"{label} area (ha)"
        label = level.title()
        return f"Unit {label}" if col.prefix == "units" else f"Luas {label} (Ha)"
    if col.prefix is not None:
        return f"{_WORDS[lang][col.prefix]} {col.key}"
    return name
