"""Recognised column names: the one table that every reader uses.

Units and works arrive under the names their makers gave them: Indonesian headers
("LUAS (Ha)", "Jumlah KK", "DESA"), names cut to ten characters by the Shapefile format
("road_lengt", "jumlah_ban"), criterion columns written "1.a", "1_a" or "kriteria_1a", SIM
KOTAKU profile fields ("k4_e_p", "k4_p"), published levels under "Tingkat Kekumuhan" or
"Status". :data:`CONVENTIONS` lists every column the analysis reads (DESIGN §3) with the names
recognised for it; :func:`recognise_columns` renames a frame's columns to the conventions and
reports every renaming (``column_mapped``), every clash (``column_ambiguous``) and every name
passed over (``column_not_mapped``). :func:`kotaku_gis.read_units`,
:func:`kotaku_gis.read_interventions` and :func:`kotaku_gis.read_r0_workbook` all match through
it, and :func:`column_table` prints it (the README's table is generated from it).

How names are matched:

- Case, spaces and punctuation are ignored ("LUAS (Ha)" is "luas_ha" is "Luas  ha"), except
  "%", which reads as "pct": "1a (%)" is criterion 1a's percentage, not its volume.
- A name ending in a unit in brackets also matches without it ("Luas Verifikasi" is
  "Luas Verifikasi (Ha)"), unless the brackets hold a percentage or a score.
- A name longer than ten characters is also recognised cut to ten, as the Shapefile format
  stores it ("road_lengt" for "road_length_m", "tingkat_ke" for "tingkat_kekumuhan"). These
  cut names are derived from the table, not listed in it.
- A header starting with a criterion code ("4c. Kualitas konstruksi drainase") is that
  criterion's volume, unless it speaks of a percentage or score.
- SIM KOTAKU profile fields ``k<aspect>_<letter>_p`` are criterion percentages (``pct_<code>``)
  and ``k<aspect>_p`` aspect averages (``avg_<aspect>``). The letters follow the ruleset the
  file fits: with 19 criteria (a field such as ``k4_e_p`` or ``k6_c_p`` present) the
  lettering of Permen PUPR 02/2016 (:attr:`kotaku_gis.Criterion.reference`), where drainage
  "c", "d", "e" are the codes 4d, 4e and 4c; otherwise that of 14/2018.
- Some names count only when the column holds level labels ("Berat", "KUMUH SEDANG",
  "Tidak Kumuh"): ``Status``, ``Kategori``, ``Keterangan``, and a KMZ's folder names (read
  into a ``layer`` column), which for works are their kind when every folder names one.

Nothing is guessed. A name that fits two conventions, or two columns that fit one convention,
are left as they are and reported with the choices; ``columns={"source name": "convention"}``
settles them. A column already named as the convention is used as it is.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

import pandas as pd

from .errors import InputError
from .rulesets import ASPECTS, RULESETS
from .schema import avg_column, pct_column, score_column
from .validation_report import ValidationReport

__all__ = [
    "CONVENTIONS",
    "SHAPEFILE_FIELD_WIDTH",
    "Convention",
    "column_guide",
    "column_table",
    "column_table_markdown",
    "conventions_for",
    "level_like",
    "match_name",
    "name_key",
    "r0_aliases",
    "recognise_columns",
]

What = Literal["units", "interventions"]

#: Longest field name a Shapefile (dBASE) stores; longer names are cut to this.
SHAPEFILE_FIELD_WIDTH = 10


@dataclass(frozen=True)
class Convention:
    """One column the analysis reads, and the names recognised for it.

    ``r0`` are the headers of the planners' R0 workbook layout (the first is the one
    :func:`kotaku_gis.write_r0_workbook` writes); ``names`` are further recognised spellings;
    ``when_levels`` are names recognised only when the column's values are level labels.
    ``kind`` says how values are typed: ``"id"`` and ``"text"`` as text, ``"count"`` as whole
    numbers (where "1.250" is 1250), ``"number"`` as numbers. ``family`` groups the
    per-criterion and per-aspect columns into one row of the compact table.
    """

    name: str
    meaning: str
    unit: str
    names: tuple[str, ...] = ()
    readers: tuple[str, ...] = ("units",)
    kind: str = "number"
    r0: tuple[str, ...] = ()
    when_levels: tuple[str, ...] = ()
    family: str | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every listed name: the convention itself, the R0 headers, the other names."""
        return tuple(dict.fromkeys((self.name, *self.r0, *self.names)))


_U = ("units",)
_W = ("interventions",)
_UW = ("units", "interventions")

# Headers of the R0 workbook layout per criterion (besides the codes and the regulation's
# criterion names, which every criterion column matches).
_R0_CRITERION_HEADERS: dict[str, tuple[str, ...]] = {
    "1a": ("Ketidakteraturan Bangunan (Unit)",),
    "1b": ("Kepadatan Bangunan (Ha)", "Tingkat Kepadatan Bangunan (Ha)"),
    "1c": ("Ketidaksesuaian Persyaratan Teknis Bangunan (Unit)",
           "Kualitas Bangunan Tidak Memenuhi Syarat (Unit)"),
    "2a": ("Cakupan Pelayanan Jalan Lingkungan (m)", "Jalan Lingkungan Tidak Terlayani (m)"),
    "2b": ("Kualitas Permukaan Jalan Lingkungan (m)", "Jalan Lingkungan Rusak (m)"),
    "3a": ("Ketersediaan Akses Aman Air Minum (KK)", "Akses Aman Air Minum (KK)"),
    "3b": ("Tidak Terpenuhinya Kebutuhan Air Minum (KK)", "Kebutuhan Air Minum (KK)"),
    "4a": ("Ketidakmampuan Mengalirkan Limpasan Air (Ha)", "Genangan (Ha)"),
    "4b": ("Ketidaktersediaan Drainase (m)",),
    "4c": ("Kualitas Konstruksi Drainase (m)",),
    "5a": ("Sistem Pengelolaan Air Limbah Tidak Sesuai Standar Teknis (KK)",),
    "5b": ("Prasarana dan Sarana Pengelolaan Air Limbah Tidak Sesuai Persyaratan Teknis (KK)",
           "Prasarana dan Sarana Air Limbah Tidak Sesuai Persyaratan Teknis (KK)"),
    "6a": ("Prasarana dan Sarana Persampahan Tidak Sesuai Persyaratan Teknis (KK)",),
    "6b": ("Sistem Pengelolaan Persampahan Tidak Sesuai Standar Teknis (KK)",),
    "7a": ("Ketidaktersediaan Prasarana Proteksi Kebakaran (Unit)",),
    "7b": ("Ketidaktersediaan Sarana Proteksi Kebakaran (Unit)",),
}  # fmt: skip

_UNIT_ID_NAMES = ("id_rt", "kode_rt", "kd_rt", "id_unit", "kode_unit", "id_kawasan",
                  "kode_kawasan", "id_lokasi", "kode_lokasi")  # fmt: skip

_PLAIN: tuple[Convention, ...] = (
    # identifiers and administration
    Convention("unit_id", "unique id of the RT or kawasan", "text", _UNIT_ID_NAMES, _UW, "id",
               r0=("ID RT", "Kode RT", "ID Unit", "Kode Unit", "ID Kawasan", "Kode Kawasan",
                   "unit_id")),
    Convention("provinsi", "province", "text", ("propinsi", "prov", "nama_provinsi"), _UW,
               "text", r0=("Provinsi", "Nama Provinsi")),
    Convention("kota", "kota or kabupaten", "text",
               ("kota_kab", "kab_kota", "kabupaten_kota", "kota_kabupaten", "kabkota",
                "nama_kota", "nama_kabupaten"), _UW, "text",
               r0=("Kota/Kabupaten", "Kabupaten/Kota", "Kab/Kota", "Kota", "Kabupaten",
                   "Nama Kota")),
    Convention("kecamatan", "kecamatan (district)", "text", ("kec", "nama_kecamatan"), _UW,
               "text", r0=("Kecamatan", "Nama Kecamatan")),
    Convention("kelurahan", "kelurahan or desa", "text",
               ("kel", "kel_desa", "desa_kel", "kelurahan_desa", "desa_kelurahan",
                "nama_kelurahan", "nama_desa", "nama_kel"), _UW, "text",
               r0=("Kelurahan", "Desa", "Kelurahan/Desa", "Desa/Kelurahan", "Nama Kelurahan")),
    Convention("kode_kecamatan", "Kemendagri code of the kecamatan", "text",
               ("kode_kec", "kd_kec"), _UW, "text"),
    Convention("kode_kelurahan", "Kemendagri code of the kelurahan", "text",
               ("kode_kel", "kd_kel", "kode_desa", "kode_kel_desa"), _UW, "text"),
    Convention("rw", "RW (rukun warga)", "text", (), _U, "text", r0=("RW",)),
    Convention("rt", "RT (rukun tetangga)", "text", (), _U, "text", r0=("RT",)),
    Convention("nama_kawasan", "name of the kawasan", "text", ("nama_lokasi",), _U, "text",
               r0=("Nama Kawasan", "Kawasan")),
    Convention("unit_level", "kind of unit (rt or kawasan)", "text", ("level_unit",), _U,
               "text"),
    # denominators and people
    Convention("area_ha", "verified area", "ha",
               ("luas_ha", "luas", "luas_kawasan", "luas_wilayah", "luas_verifikasi",
                "luas_kumuh", "Luas Kumuh (Ha)", "Luas Kawasan Kumuh (Ha)"), _U,
               r0=("Luas Verifikasi (Ha)", "Luas Kawasan (Ha)", "Luas Wilayah (Ha)",
                   "Luas RT (Ha)", "Luas (Ha)", "area_ha")),
    Convention("buildings", "number of buildings", "buildings",
               ("jumlah_bangunan", "jml_bangunan", "jml_bgn", "bangunan"), _U, "count",
               r0=("Jumlah Bangunan", "Jumlah Bangunan (Unit)", "Jml Bangunan", "buildings")),
    Convention("households", "number of households (KK)", "households",
               ("jumlah_kk", "jml_kk", "kk", "jumlah_keluarga"), _U, "count",
               r0=("Jumlah KK", "Jumlah Kepala Keluarga", "Jml KK", "households")),
    Convention("penduduk", "number of people", "people",
               ("jumlah_jiwa", "jumlah_penduduk", "jml_jiwa", "jml_penduduk", "jiwa"), _U,
               "count", r0=("Jumlah Jiwa", "Jumlah Penduduk", "Jml Jiwa", "penduduk")),
    Convention("road_length_m", "ideal length of neighbourhood roads", "m",
               ("panjang_jalan", "panjang_jalan_ideal", "pjg_jalan"), _U,
               r0=("Panjang Jalan Ideal (m)", "Panjang Jalan Lingkungan Ideal (m)",
                   "Panjang Jalan Lingkungan (m)", "road_length_m")),
    Convention("drain_length_m", "ideal length of drains", "m",
               ("panjang_drainase", "panjang_drainase_ideal", "pjg_drainase"), _U,
               r0=("Panjang Drainase Ideal (m)", "Panjang Drainase Lingkungan Ideal (m)",
                   "Panjang Drainase Lingkungan (m)", "drain_length_m")),
    # handling ("pola penanganan") and "pertimbangan lain"
    Convention("legal_status", "legal status of the unit (legal / ilegal)", "text",
               ("legalitas", "status_legalitas"), _U, "text"),
    Convention("status_lahan", "land tenure is clear (a part of legality)", "text",
               ("status_tanah", "status_legalitas_lahan",
                "kepemilikan_lahan"), _U, "text"),
    Convention("kesesuaian_rtrw", "use conforms to the spatial plan (a part of legality)",
               "text", ("sesuai_rtrw", "kesesuaian_tata_ruang"), _U, "text"),
    Convention("imb", "buildings hold permits, IMB/PBG (a part of legality)", "text",
               ("status_imb", "izin_mendirikan_bangunan", "pbg"), _U, "text"),
    Convention("tipologi", "housing typology (di atas air, tepi air, dataran rendah, ...)",
               "text", ("tipologi_kumuh", "tipologi_permukiman"), _U, "text"),
    Convention("nilai_strategis", "strategic value of the location (1/3/5)", "1/3/5",
               ("nilai_strategis_lokasi",), _U),
    Convention("kepadatan_penduduk", "population density class (1/3/5)", "1/3/5",
               ("kependudukan",), _U),
    Convention("potensi_sosial_ekonomi", "socio-economic potential (1/3/5)", "1/3/5",
               ("sosial_ekonomi",), _U),
    Convention("pertimbangan_lain", "other considerations: class or summed value", "text",
               ("nilai_pertimbangan_lain",), _U, "text"),
    # a published level
    Convention("level", "level as published (kumuh berat / sedang / ringan, tidak kumuh)",
               "label",
               ("tingkat_kekumuhan", "Tingkat Kekumuhan Awal", "tingkat_kumuh", "level_kumuh",
                "klasifikasi", "klasifikasi_kumuh", "kategori_kumuh", "kelas_kumuh",
                "status_kumuh", "level_kekumuhan"), _U, "text",
               when_levels=("Status", "Kategori", "Keterangan", "Kelas")),
    # works
    Convention("intervention_id", "unique id of the work", "text",
               ("id_kegiatan", "kode_kegiatan", "id_intervensi", "kode_intervensi",
                "id_pekerjaan", "kode_pekerjaan"), _W, "id"),
    Convention("kind", "kind of work (category or catalogue activity)", "text",
               ("jenis_kegiatan", "kegiatan", "nama_kegiatan", "jenis", "jenis_pekerjaan",
                "jenis_infrastruktur", "komponen"), _W, "text"),
    Convention("year", "year the work was completed", "year",
               ("tahun", "tahun_anggaran", "ta", "thn", "tahun_pelaksanaan",
                "tahun_kegiatan"), _W),
    Convention("status", "completed or not (selesai, rencana, proses …)", "text",
               ("progres", "progress", "status_kegiatan", "status_pekerjaan",
                "status_pelaksanaan", "progres_fisik"), _W, "text"),
    Convention("volume", "quantity built, in the kind's unit", "m, ha, items",
               ("vol", "volume_kegiatan", "volume_pekerjaan"), _W),
    Convention("radius_m", "service radius", "m",
               ("radius", "Radius Layanan (m)", "radius_layanan", "jangkauan_m",
                "jangkauan_layanan"), _W),
    Convention("criterion", "criterion code a table row reduces", "code",
               ("kriteria", "kode_kriteria"), _W, "text"),
    Convention("cost", "cost", "Rp",
               ("biaya", "Biaya (Rp)", "nilai_kontrak", "pagu", "pagu_anggaran", "anggaran",
                "nilai_kegiatan", "nilai_pekerjaan", "harga"), _W),
    Convention("sumber_dana", "source of funds", "text",
               ("Sumber Dana", "sumber_anggaran", "sumber_pendanaan"), _W, "text"),
)  # fmt: skip

#: Names of the column a KMZ's folders are read into: level labels there are the level when
#: no field of the file says so.
FOLDER_COLUMN = "layer"

_VOLUME_NAMES = ("{d}.{l}", "{d}_{l}", "{d} {L}", "kriteria_{d}{l}", "kriteria {d}.{l}",
                 "k{d}{l}", "krit_{d}{l}", "vol_{d}{l}", "volume_{d}{l}")  # fmt: skip
_PCT_NAMES = ("{d}{l} (%)", "% {d}{l}", "persen_{d}{l}", "persentase_{d}{l}", "{d}{l}_pct",
              "{d}{l}_persen")  # fmt: skip
_SCORE_NAMES = ("skor_{d}{l}", "nilai_{d}{l}", "nilai {d}.{l}", "bobot_{d}{l}", "{d}{l}_skor",
                "{d}{l}_score", "{d}{l}_nilai", "skor_k{d}{l}", "nilai_k{d}{l}")  # fmt: skip
_AVG_NAMES = ("rata_rata_{aspect}", "Rata-rata {aspect_id}")


def _criteria() -> dict[str, list]:
    """Code → the criteria of that code in every ruleset (names differ between them)."""
    out: dict[str, list] = {}
    for rs in RULESETS.values():
        for c in rs.criteria:
            out.setdefault(c.code, []).append(c)
    return dict(sorted(out.items()))


def _fill(template: str, code: str) -> str:
    return template.format(d=code[0], l=code[1], L=code[1].upper())


def _coded() -> tuple[Convention, ...]:
    out: list[Convention] = []
    criteria = _criteria()
    for code, crits in criteria.items():
        c = crits[0]
        kind = "count" if c.unit in ("buildings", "households") else "number"
        names = tuple(_fill(t, code) for t in _VOLUME_NAMES)
        names += tuple(dict.fromkeys(x.name_id for x in crits))
        out.append(Convention(code, f"criterion {code} volume: {c.name_en.lower()}", c.unit,
                              names, _U, kind, r0=_R0_CRITERION_HEADERS.get(code, ()),
                              family="volume"))  # fmt: skip
    for code in criteria:
        out.append(
            Convention(
                pct_column(code),
                f"criterion {code} percentage, as given",
                "%",
                tuple(_fill(t, code) for t in _PCT_NAMES),
                _U,
                family="pct",
            )
        )
    for code in criteria:
        out.append(Convention(score_column(code), f"criterion {code} score, as given", "0/1/3/5",
                              tuple(_fill(t, code) for t in _SCORE_NAMES), _U,
                              family="score"))  # fmt: skip
    for aspect, (name_id, name_en) in ASPECTS.items():
        names = tuple(t.format(aspect=aspect, aspect_id=name_id) for t in _AVG_NAMES)
        out.append(Convention(avg_column(aspect), f"aspect average percentage: {name_en.lower()}",
                              "%", names, _U, family="avg"))  # fmt: skip
    return tuple(out)


#: Every convention, by name: plain columns first, then the per-criterion volumes
#: (``"1a"`` …), given percentages (``pct_1a`` …), given scores (``score_1a`` …) and aspect
#: averages (``avg_bangunan`` …).
CONVENTIONS: Mapping[str, Convention] = MappingProxyType({c.name: c for c in (*_PLAIN, *_coded())})


def conventions_for(what: What) -> dict[str, Convention]:
    """The conventions a reader of ``what`` (``"units"`` or ``"interventions"``) produces.

    Examples
    --------
    >>> from kotaku_gis.columns import conventions_for
    >>> "road_length_m" in conventions_for("units"), "kind" in conventions_for("units")
    (True, False)
    """
    return {n: c for n, c in CONVENTIONS.items() if what in c.readers}


# ---------------------------------------------------------------- matching one name

_UNIT_SUFFIX_RE = re.compile(r"\([^()]*\)\s*$")
# A header naming a criterion's percentage or score is not its volume.
_NOT_VOLUME_RE = re.compile(r"%|persen|skor|nilai|score|bobot|pct", re.IGNORECASE)
_LEADING_CODE_RE = re.compile(r"^\s*([1-7])\s*[.\-_/]?\s*([a-e])(?![a-z0-9])", re.IGNORECASE)
_SIM_CRITERION_RE = re.compile(r"^k([1-7])([a-e])p$")
_SIM_ASPECT_RE = re.compile(r"^k([1-7])p$")
_IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9_]+$")
_LEVEL_RE = re.compile(
    r"^(?:(?:tingkat\s+)?kumuh\s+)?(?:berat|sedang|ringan)$|^(?:tidak|bukan|non)[\s-]*kumuh$"
)


def name_key(text: object) -> str:
    """The form names are compared in: lower case, letters and digits only, "%" as "pct".

    Examples
    --------
    >>> from kotaku_gis.columns import name_key
    >>> name_key("LUAS (Ha)"), name_key("luas_ha"), name_key("1a (%)")
    ('luasha', 'luasha', '1apct')
    """
    return re.sub(r"[^0-9a-z]", "", str(text).casefold().replace("%", "pct"))


def _strip_unit(text: str) -> str | None:
    """``text`` without a trailing unit in brackets, or None when there is none to strip
    (or the brackets speak of a percentage or score)."""
    match = _UNIT_SUFFIX_RE.search(text)
    if not match or _NOT_VOLUME_RE.search(match.group(0)):
        return None
    return text[: match.start()]


@dataclass(frozen=True)
class _Index:
    full: Mapping[str, frozenset[str]]
    stripped: Mapping[str, frozenset[str]]
    cut: Mapping[str, frozenset[tuple[str, str]]]
    levels: Mapping[str, frozenset[str]]
    codes: frozenset[str]


@lru_cache(maxsize=8)
def _index(what: str, r0_only: bool = False) -> _Index:
    full: dict[str, set[str]] = defaultdict(set)
    stripped: dict[str, set[str]] = defaultdict(set)
    cut: dict[str, set[tuple[str, str]]] = defaultdict(set)
    levels: dict[str, set[str]] = defaultdict(set)
    for conv in conventions_for(what).values():
        if r0_only and not (conv.r0 or conv.family == "volume"):
            continue
        for name in conv.spellings:
            full[name_key(name)].add(conv.name)
            bare = _strip_unit(name)
            if bare is not None and name_key(bare):
                stripped[name_key(bare)].add(conv.name)
            if len(name) > SHAPEFILE_FIELD_WIDTH and _IDENTIFIER_RE.match(name):
                cut[name_key(name[:SHAPEFILE_FIELD_WIDTH])].add((conv.name, name))
        for name in conv.when_levels:
            levels[name_key(name)].add(conv.name)
    codes = frozenset(c for c in _criteria() if c in conventions_for(what))
    return _Index(
        full={k: frozenset(v) for k, v in full.items()},
        stripped={k: frozenset(v) for k, v in stripped.items() if k not in full},
        cut={k: frozenset(v) for k, v in cut.items() if k not in full},
        levels={k: frozenset(v) for k, v in levels.items()},
        codes=codes,
    )


def r0_aliases() -> dict[str, str]:
    """Every unit column name, in compared form (:func:`name_key`), that reads as exactly one
    column of the R0 workbook layout, with that column.

    Examples
    --------
    >>> from kotaku_gis.columns import name_key, r0_aliases
    >>> r0_aliases()[name_key("Luas Verifikasi (Ha)")]
    'area_ha'
    """
    return {
        key: next(iter(columns))
        for key, columns in _index("units", r0_only=True).full.items()
        if len(columns) == 1
    }


def _candidates(text: str, index: _Index) -> list[tuple[str, str]]:
    """(convention, reason) pairs a name fits, from the first rule that matches it."""
    key = name_key(text)
    if not key:
        return []
    if key in index.full:
        return [(c, "recognised name") for c in sorted(index.full[key])]
    if key in index.stripped:
        return [(c, "recognised name without its unit") for c in sorted(index.stripped[key])]
    match = _LEADING_CODE_RE.match(text)
    if match and not _NOT_VOLUME_RE.search(text):
        code = f"{match[1]}{match[2].lower()}"
        if code in index.codes:
            return [(code, "criterion code at the start of the header")]
    if key in index.cut:
        return [(c, f"Shapefile-truncated name of {full!r}") for c, full in sorted(index.cut[key])]
    return []


def match_name(
    header: object,
    *,
    what: What = "units",
    extra: Mapping[str, str] | None = None,
    r0_only: bool = False,
) -> str | None:
    """The convention a single name stands for, or None when it fits none or several.

    Parameters
    ----------
    header : str
        A column name or header cell as written in the file.
    what : {"units", "interventions"}
        Which reader's conventions to match.
    extra : mapping, optional
        More name → convention pairs, matched the same way and first.
    r0_only : bool, default False
        Match only the columns of the R0 workbook layout (administration, ids,
        denominators, criterion volumes).

    Examples
    --------
    >>> from kotaku_gis.columns import match_name
    >>> [match_name(h) for h in ["LUAS (Ha)", "jumlah_ban", "kriteria_1a", "1a (%)",
    ...                          "Skor 1.a", "road_lengt", "Keterangan"]]
    ['area_ha', 'buildings', '1a', 'pct_1a', 'score_1a', 'road_length_m', None]
    >>> match_name("tahun_angg", what="interventions")
    'year'
    """
    if header is None or (isinstance(header, float) and header != header):
        return None
    text = str(header).strip()
    if not text:
        return None
    if extra:
        own = {name_key(k): v for k, v in extra.items()}
        bare = _strip_unit(text)
        for key in (name_key(text), name_key(bare) if bare is not None else None):
            if key in own:
                return own[key]
    found = {c for c, _ in _candidates(text, _index(what, r0_only))}
    return found.pop() if len(found) == 1 else None


# ---------------------------------------------------------------- level labels


def level_like(values: pd.Series) -> bool:
    """Whether every non-blank value is a level label (and there is at least one).

    Labels are compared without case or extra spaces: "Berat", "KUMUH SEDANG", "kumuh
    ringan", "Tidak Kumuh", "Bukan kumuh".

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.columns import level_like
    >>> level_like(pd.Series(["Berat", "SEDANG", None, "Kumuh Ringan"]))
    True
    >>> level_like(pd.Series(["selesai", "Berat"])), level_like(pd.Series([None]))
    (False, False)
    """
    text = pd.Series(values).dropna().astype(str).str.strip().str.lower()
    text = text[text != ""].str.replace(r"\s+", " ", regex=True)
    if text.empty:
        return False
    return bool(text.drop_duplicates().map(lambda t: bool(_LEVEL_RE.match(t))).all())


def _kinds_like(values: pd.Series) -> bool:
    """Whether every non-blank value names a kind of work in the catalogue."""
    from .catalogue import resolve_kinds  # the catalogue is not needed to read units

    present = pd.Series(values).dropna()
    return bool(len(present)) and bool(resolve_kinds(present).notna().all())


# ---------------------------------------------------------------- SIM KOTAKU lettering


@lru_cache(maxsize=4)
def _sim_letters(ruleset: str) -> Mapping[tuple[str, str], str]:
    """(aspect digit, letter) → criterion code, lettered as ``ruleset``'s regulation."""
    return MappingProxyType(
        {(c.code[0], c.reference.split(".")[-1]): c.code for c in RULESETS[ruleset].criteria}
    )


def _sim_ruleset(keys: Iterable[str]) -> str:
    """The ruleset whose lettering the SIM KOTAKU fields among ``keys`` fit."""
    pairs = {(m[1], m[2]) for k in keys if (m := _SIM_CRITERION_RE.match(k))}
    if pairs and not pairs <= set(_sim_letters("permen-14-2018")):
        return "permen-02-2016"
    return "permen-14-2018"


_ASPECT_OF_DIGIT: Mapping[str, str] = MappingProxyType(
    {c.code[0]: c.aspect for rs in RULESETS.values() for c in rs.criteria}
)


def _sim_candidate(key: str, ruleset: str) -> tuple[str, str] | None:
    if m := _SIM_CRITERION_RE.match(key):
        code = _sim_letters(ruleset).get((m[1], m[2]))
        if code is None:
            return None
        n = len(RULESETS[ruleset].criteria)
        lettering = "2016" if ruleset == "permen-02-2016" else "2018"
        reason = f"SIM KOTAKU profile field; {n} criteria, so the {lettering} lettering"
        return pct_column(code), reason
    if m := _SIM_ASPECT_RE.match(key):
        return avg_column(_ASPECT_OF_DIGIT[m[1]]), "SIM KOTAKU profile field, aspect average"
    return None


# ---------------------------------------------------------------- a whole frame


def _label(names: Iterable[str], limit: int = 6) -> str:
    names = [repr(n) for n in names]
    more = f" … ({len(names)} in all)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def recognise_columns(
    frame: pd.DataFrame,
    *,
    what: What = "units",
    columns: Mapping[str, str | None] | None = None,
    report: ValidationReport | None = None,
    source: str | None = None,
    skip: Iterable[str] = (),
    file_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Rename a frame's columns to the conventions; report every renaming and every doubt.

    ``columns`` is applied first: ``{source name: convention}`` as named in the file (a
    value of None keeps that column under its own name and out of recognition). Then every
    other column is matched against :data:`CONVENTIONS` (see the module notes). A column
    already named as a convention is left as it is.

    Parameters
    ----------
    frame : DataFrame
        As read; not modified.
    what : {"units", "interventions"}
        Which conventions to recognise.
    columns : mapping, optional
        ``{source name: convention name or None}``.
    report : ValidationReport, optional
        Receives ``column_mapped`` (info), ``column_ambiguous`` (warning: nothing renamed),
        ``column_not_mapped`` (info: a name that also fits a convention another column
        holds) and ``column_unknown_target`` (warning: ``columns`` names a column the
        analysis does not read).
    source : str, optional
        The file, for messages.
    skip : iterable of str
        Columns left out of recognition (the geometry, columns the reader made).
    file_names : mapping, optional
        Current column → name in the file, where a reader renamed columns before (an R0
        workbook): ``columns`` may use either name.

    Returns
    -------
    DataFrame
        The frame with columns renamed (same index and values).

    Raises
    ------
    InputError
        ``columns`` names a column the frame does not have (the message lists those it
        has), gives one convention twice, or renames onto a column that exists.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.columns import recognise_columns
    >>> from kotaku_gis.validation_report import ValidationReport
    >>> raw = pd.DataFrame({"Kode RT": ["A"], "LUAS (Ha)": [1.5], "road_lengt": [300.0],
    ...                     "Status": ["Berat"], "kriteria_1a": [4]})
    >>> report = ValidationReport()
    >>> out = recognise_columns(raw, report=report)
    >>> list(out.columns)
    ['unit_id', 'area_ha', 'road_length_m', 'level', '1a']
    >>> [i.message for i in report][2]
    "'road_lengt' read as 'road_length_m' (Shapefile-truncated name of 'road_length_m')"
    """
    report = report if report is not None else ValidationReport(what=what, source=source)
    where = f"{source}: " if source else ""
    known = conventions_for(what)
    skip = set(skip)
    present = [c for c in frame.columns]
    by_file: dict[str, str] = {}
    for col in present:
        by_file.setdefault(str(col), col)
    for col, name in (file_names or {}).items():
        if col in frame.columns:
            by_file.setdefault(str(name), col)

    rename: dict[str, str] = {}
    held: set[str] = set()  # columns settled by ``columns=``
    if columns:
        if not isinstance(columns, Mapping):
            raise InputError(
                f"{where}columns must be a mapping {{source name: convention}}, not "
                f"{type(columns).__name__}."
            )
        missing = [s for s in columns if s not in by_file]
        if missing:
            shown = [str(file_names.get(c, c)) if file_names else str(c) for c in present]
            raise InputError(
                f"{where}columns= names {missing}, which the file does not have; its columns "
                f"are {[c for c in shown if c not in skip]}. Use the names as written in the "
                "file."
            )
        targets: dict[str, str] = {}
        for src, target in columns.items():
            col = by_file[src]
            held.add(col)
            if target is None:
                continue
            if not isinstance(target, str) or not target:
                raise InputError(
                    f"{where}columns={{{src!r}: {target!r}}}: the convention must be a "
                    "column name such as 'area_ha' or '1a' (or None to keep the column)."
                )
            if target in targets:
                raise InputError(
                    f"{where}columns= maps both {targets[target]!r} and {src!r} to "
                    f"{target!r}; keep one."
                )
            targets[target] = src
            if col != target:
                rename[col] = target
        moved = set(rename)
        for target, src in targets.items():
            if target in frame.columns and target not in moved and by_file[src] != target:
                raise InputError(
                    f"{where}columns= renames {src!r} to {target!r}, but the file has a "
                    f"{target!r} column already; rename that one too, e.g. "
                    f"columns={{{src!r}: {target!r}, {target!r}: '{target}_file'}}."
                )
        for col, target in rename.items():
            shown = (file_names or {}).get(col, col)
            report.add(
                None, str(col), "info", "column_mapped",
                f"{shown!r} read as {target!r} (given in columns=)",
            )  # fmt: skip
            if target not in known:
                close = difflib.get_close_matches(target, list(known), n=3)
                hint = f" (did you mean {_label(close)}?)" if close else ""
                report.add(
                    None, target, "warning", "column_unknown_target",
                    f"columns= renames {col!r} to {target!r}, a column kotaku_gis does not "
                    f"read{hint}; it is kept under that name",
                )  # fmt: skip

    after = [rename.get(c, c) for c in present]
    taken = {c for c in after if isinstance(c, str) and c in known}
    free = [
        c for c in present
        if c not in held and c not in skip and isinstance(c, str) and c not in known
    ]  # fmt: skip
    index = _index(what)
    ruleset = _sim_ruleset(name_key(c) for c in free)
    fits: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for col in free:
        key = name_key(col)
        sim = _sim_candidate(key, ruleset) if what == "units" else None
        found = [sim] if sim else _candidates(col, index)
        rank = 1
        if not found and key in index.levels and level_like(frame[col]):
            found = [(c, "its values are level labels") for c in index.levels[key]]
        if not found and col == FOLDER_COLUMN:
            if what == "units" and level_like(frame[col]):
                found, rank = [("level", "the folder names are level labels")], 2
            elif what == "interventions" and _kinds_like(frame[col]):
                found, rank = [("kind", "the folder names are kinds of work")], 2
        convs = sorted({c for c, _ in found})
        if len(convs) > 1:
            report.add(
                None, col, "warning", "column_ambiguous",
                f"{col!r} could be any of {_label(convs)}; it is kept under its own name. "
                f"Say which with columns={{{col!r}: '…'}}",
            )  # fmt: skip
            continue
        if convs:
            reason = found[0][1]
            if name_key(col) == name_key(convs[0]):
                reason = "the same name written differently"
            fits[convs[0]].append((col, reason, rank))

    for conv, cands in fits.items():
        if conv in taken:
            holder = next(c for c, a in zip(present, after, strict=True) if a == conv)
            for col, _, _ in cands:
                report.add(
                    None, col, "info", "column_not_mapped",
                    f"{col!r} could also be {conv!r}, but {holder!r} is read as {conv!r}; "
                    f"{col!r} is kept under its own name",
                )  # fmt: skip
            continue
        best = min(r for _, _, r in cands)
        top = [c for c in cands if c[2] == best]
        if len(top) > 1:
            names = [c for c, _, _ in top]
            report.add(
                None, conv, "warning", "column_ambiguous",
                f"{_label(names)} could each be {conv!r} ({known[conv].meaning}); none is "
                f"read as {conv!r}. Say which with columns={{{names[0]!r}: {conv!r}}}",
            )  # fmt: skip
            continue
        col, reason, _ = top[0]
        rename[col] = conv
        report.add(None, col, "info", "column_mapped", f"{col!r} read as {conv!r} ({reason})")
        for other, _, _ in cands:
            if other != col:
                report.add(
                    None, other, "info", "column_not_mapped",
                    f"{other!r} could also be {conv!r}, but {col!r} is read as {conv!r}; "
                    f"{other!r} is kept under its own name",
                )  # fmt: skip
    if not rename:
        return frame
    return frame.rename(columns=rename)


# ---------------------------------------------------------------- the table, for people


def _sim_names(conv: Convention) -> list[str]:
    out = []
    if conv.family == "pct":
        code = conv.name[4:]
        for rs in ("permen-14-2018", "permen-02-2016"):
            for (digit, letter), c in _sim_letters(rs).items():
                if c == code:
                    n = len(RULESETS[rs].criteria)
                    out.append(f"k{digit}_{letter}_p ({n} criteria)")
        if len({n.split(" ")[0] for n in out}) == 1:
            out = [out[0].split(" ")[0]]
    elif conv.family == "avg":
        digits = {d for d, a in _ASPECT_OF_DIGIT.items() if avg_column(a) == conv.name}
        out = [f"k{d}_p" for d in sorted(digits)]
    return out


_FAMILY_ROWS = {
    "volume": (
        "<code>",
        "criterion volume (deficient quantity), codes 1a … 7b and 2016's 4d, 4e, 6c",
        "the criterion's unit",
    ),
    "pct": ("pct_<code>", "criterion percentage, as given", "%"),
    "score": ("score_<code>", "criterion score, as given", "0/1/3/5"),
    "avg": ("avg_<aspect>", "aspect average percentage, as given", "%"),
}


def _volume_names(conv: Convention) -> list[str]:
    code = conv.name
    crit = _criteria()[code][0]
    return [
        code, *(_fill(t, code) for t in _VOLUME_NAMES),
        f"the criterion's name in either regulation ({crit.name_id})",
        f"R0 headers ({', '.join(conv.r0)})",
        f"a header starting with the code ({code[0]}.{code[1]}. …)",
    ]  # fmt: skip


_FAMILY_NAMES = {
    "volume": _volume_names,
    "pct": lambda conv: [
        *conv.names,
        "SIM KOTAKU k<aspect>_<letter>_p (k1_a_p; with 19 criteria in the file the 2016 "
        "lettering: k4_c_p, k4_d_p, k4_e_p are pct_4d, pct_4e, pct_4c)",
    ],
    "score": lambda conv: list(conv.names),
    "avg": lambda conv: [*conv.names, "SIM KOTAKU k<aspect>_p (k1_p … k7_p)"],
}


def column_table(what: What = "units", *, compact: bool = True) -> pd.DataFrame:
    """The recognised names as a table: convention, meaning, unit, recognised names.

    Parameters
    ----------
    what : {"units", "interventions"}
        Whose columns.
    compact : bool, default True
        One row per family of per-criterion and per-aspect columns (``<code>``,
        ``pct_<code>``, ``score_<code>``, ``avg_<aspect>``) with the names written for
        criterion 1a (or the buildings aspect); False lists every column.

    Returns
    -------
    DataFrame
        Columns ``convention``, ``meaning``, ``unit``, ``names`` (the recognised names,
        comma-separated; names that count only when the values are level labels are marked
        "if level labels").

    Examples
    --------
    >>> from kotaku_gis.columns import column_table
    >>> table = column_table("units")
    >>> table.set_index("convention").loc["road_length_m", "names"].split(", ")[:3]
    ['Panjang Jalan Ideal (m)', 'Panjang Jalan Lingkungan Ideal (m)', 'Panjang Jalan Lingkungan (m)']
    >>> len(column_table("units", compact=False)) > len(table)
    True
    """  # noqa: E501
    rows = []
    seen_family: set[str] = set()
    for conv in conventions_for(what).values():
        names = [n for n in (*conv.r0, *conv.names) if n != conv.name]
        names += _sim_names(conv)
        names += [f"{n} (if level labels)" for n in conv.when_levels]
        if conv.name == "level":
            names.append(f"a KMZ's folder names (if level labels, read as '{FOLDER_COLUMN}')")
        if conv.name == "kind":
            names.append(f"a KMZ's folder names (if each names a kind, read as '{FOLDER_COLUMN}')")
        if compact and conv.family:
            if conv.family in seen_family:
                continue
            seen_family.add(conv.family)
            name, meaning, unit = _FAMILY_ROWS[conv.family]
            names = _FAMILY_NAMES[conv.family](conv)
            rows.append((name, meaning, unit, ", ".join(names)))
            continue
        rows.append((conv.name, conv.meaning, conv.unit, ", ".join(names)))
    return pd.DataFrame(rows, columns=["convention", "meaning", "unit", "names"])


def column_table_markdown(what: What = "units") -> str:
    """:func:`column_table` as a Markdown table (the README's tables are this text).

    Examples
    --------
    >>> from kotaku_gis.columns import column_table_markdown
    >>> print(column_table_markdown("interventions").splitlines()[2])
    | `unit_id` | unique id of the RT or kawasan | text | ID RT, Kode RT, ID Unit, Kode Unit, ID Kawasan, Kode Kawasan, id_rt, kode_rt, kd_rt, id_unit, kode_unit, id_kawasan, kode_kawasan, id_lokasi, kode_lokasi |
    """  # noqa: E501
    table = column_table(what)
    lines = ["| column | meaning | unit | recognised names |", "|---|---|---|---|"]
    for row in table.itertuples(index=False):
        cells = [f"`{row.convention}`", row.meaning, row.unit, row.names]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- the guide, in two languages

#: Indonesian meaning of each plain convention (the English is :attr:`Convention.meaning`).
_MEANING_ID: Mapping[str, str] = MappingProxyType({
    "unit_id": "kode unik RT atau kawasan",
    "provinsi": "provinsi",
    "kota": "kota atau kabupaten",
    "kecamatan": "kecamatan",
    "kelurahan": "kelurahan atau desa",
    "kode_kecamatan": "kode Kemendagri kecamatan",
    "kode_kelurahan": "kode Kemendagri kelurahan",
    "rw": "RW (rukun warga)",
    "rt": "RT (rukun tetangga)",
    "nama_kawasan": "nama kawasan",
    "unit_level": "jenis unit (rt atau kawasan)",
    "area_ha": "luas terverifikasi",
    "buildings": "jumlah bangunan",
    "households": "jumlah kepala keluarga (KK)",
    "penduduk": "jumlah penduduk (jiwa)",
    "road_length_m": "panjang jalan lingkungan ideal",
    "drain_length_m": "panjang drainase lingkungan ideal",
    "legal_status": "status legalitas unit (legal / ilegal)",
    "status_lahan": "status lahan jelas (bagian dari legalitas)",
    "kesesuaian_rtrw": "pemanfaatan sesuai RTRW (bagian dari legalitas)",
    "imb": "bangunan ber-IMB/PBG (bagian dari legalitas)",
    "tipologi": "tipologi permukiman (di atas air, tepi air, dataran rendah, ...)",
    "nilai_strategis": "nilai strategis lokasi (1/3/5)",
    "kepadatan_penduduk": "kelas kepadatan penduduk (1/3/5)",
    "potensi_sosial_ekonomi": "potensi sosial ekonomi (1/3/5)",
    "pertimbangan_lain": "pertimbangan lain: kelas atau jumlah nilai",
    "level": "tingkat kekumuhan yang diterbitkan (kumuh berat / sedang / ringan, tidak kumuh)",
    "intervention_id": "kode unik kegiatan",
    "kind": "jenis kegiatan (kategori atau kegiatan dalam katalog)",
    "year": "tahun kegiatan selesai",
    "status": "selesai atau belum (selesai, rencana, proses …)",
    "volume": "volume terbangun, dalam satuan jenis kegiatan",
    "radius_m": "radius layanan",
    "criterion": "kode kriteria yang dikurangi baris tabel",
    "cost": "biaya",
    "sumber_dana": "sumber dana",
})  # fmt: skip

_FAMILY_MEANING_ID = {
    "volume": "volume kriteria (kuantitas yang bermasalah), kode 1a … 7b dan 4d, 4e, 6c "
    "dari aturan 2016",
    "pct": "persentase kriteria, sebagaimana tertulis",
    "score": "skor kriteria, sebagaimana tertulis",
    "avg": "rata-rata persentase aspek, sebagaimana tertulis",
}

Need = Literal["required", "optional"]

# Convention (or family row) → (need, when in English, when in Indonesian), per reader.
_EVIDENCE = (
    "optional",
    "evidence used where a criterion's volume is missing",
    "dipakai bila volume kriteria tidak ada",
)
_NEEDS: Mapping[str, Mapping[str, tuple[Need, str, str]]] = MappingProxyType({
    "units": {
        "unit_id": ("required", "generated from the kelurahan when absent, with a warning",
                    "dibuat dari kelurahan bila tidak ada, dengan peringatan"),
        "area_ha": ("optional", "measured from the polygon when blank; required in a table "
                    "without geometry", "diukur dari poligon bila kosong; wajib pada tabel "
                    "tanpa geometri"),
        "buildings": ("required", "denominator of 1a, 1c, 7a, 7b", "penyebut 1a, 1c, 7a, 7b"),
        "households": ("required", "denominator of 3a … 6b", "penyebut 3a … 6b"),
        "road_length_m": ("required", "denominator of 2a, 2b", "penyebut 2a, 2b"),
        "drain_length_m": ("required", "denominator of 4b, 4c", "penyebut 4b, 4c"),
        "<code>": ("required", "one per criterion of the ruleset; or its pct_/score_, or a "
                   "published level", "satu per kriteria; atau pct_/score_-nya, atau tingkat "
                   "yang diterbitkan"),
        "pct_<code>": _EVIDENCE,
        "score_<code>": _EVIDENCE,
        "avg_<aspect>": ("optional", "compared with the computed averages",
                         "dibandingkan dengan rata-rata hasil hitungan"),
        "level": ("optional", "kept as level_published and compared; the level of units "
                  "without other evidence", "disimpan sebagai level_published dan "
                  "dibandingkan; tingkat unit tanpa bukti lain"),
    },
    "interventions": {
        "intervention_id": ("required", "row numbers are used when absent",
                            "nomor baris dipakai bila tidak ada"),
        "kind": ("required", "a category or an activity of the catalogue",
                 "kategori atau kegiatan dalam katalog"),
        "year": ("required", "works without a year count only when no year is asked for",
                 "kegiatan tanpa tahun hanya dihitung bila tidak ada tahun yang diminta"),
        "status": ("optional", "without it every work is taken as completed",
                   "tanpa kolom ini semua kegiatan dianggap selesai"),
        "volume": ("optional", "measured from the geometry when blank; required for table "
                   "rows without geometry", "diukur dari geometri bila kosong; wajib untuk "
                   "baris tanpa geometri"),
        "radius_m": ("optional", "overrides the catalogue's service radius",
                     "menggantikan radius layanan katalog"),
        "unit_id": ("optional", "required for table rows without geometry",
                    "wajib untuk baris tanpa geometri"),
        "criterion": ("optional", "required for table rows without geometry",
                      "wajib untuk baris tanpa geometri"),
        "cost": ("optional", "needed for candidate works of kg.plan",
                 "diperlukan untuk usulan kegiatan kg.plan"),
    },
})  # fmt: skip

_FAMILY_OF_ROW = {"<code>": "volume", "pct_<code>": "pct", "score_<code>": "score",
                  "avg_<aspect>": "avg"}  # fmt: skip


def _meaning_id(name: str) -> str:
    """The Indonesian meaning of a convention (or of a family row such as ``"<code>"``)."""
    if name in _FAMILY_OF_ROW:
        return _FAMILY_MEANING_ID[_FAMILY_OF_ROW[name]]
    if name in _MEANING_ID:
        return _MEANING_ID[name]
    conv = CONVENTIONS[name]
    if conv.family == "volume":
        return f"volume kriteria {name}: {_criteria()[name][0].name_id.lower()}"
    if conv.family in ("pct", "score"):
        code = name.split("_", 1)[1]
        word = "persentase" if conv.family == "pct" else "skor"
        return f"{word} kriteria {code}, sebagaimana tertulis"
    if conv.family == "avg":
        name_id, _ = ASPECTS[name[len("avg_") :]]
        return f"rata-rata persentase aspek: {name_id.lower()}"
    return conv.meaning


def _need(name: str, what: What) -> tuple[Need, str, str]:
    needs = _NEEDS[what]
    if name in needs:
        return needs[name]
    family = CONVENTIONS[name].family if name in CONVENTIONS else None
    row = {v: k for k, v in _FAMILY_OF_ROW.items()}.get(family or "")
    if row in needs:
        return needs[row]
    return ("optional", "", "")


def column_guide(what: What = "units", *, compact: bool = True) -> pd.DataFrame:
    """The columns a units or works layer should have: meaning in Indonesian and English,
    unit, whether required, and the other names recognised for each.

    :func:`column_table` with what a person filling in a layer needs besides:
    ``kotaku-gis columns`` prints this table, and the templates of ``kotaku-gis template``
    carry these columns.

    Parameters
    ----------
    what : {"units", "interventions"}
        Whose columns.
    compact : bool, default True
        One row per family of per-criterion and per-aspect columns, as in
        :func:`column_table`; False lists every column.

    Returns
    -------
    DataFrame
        Columns ``column``, ``need`` (``"required"`` or ``"optional"``), ``meaning_id``,
        ``meaning_en``, ``unit``, ``when_id``, ``when_en`` (when the need applies, or what
        stands in for a missing column; blank when nothing needs saying) and ``names`` (the
        other recognised names, comma-separated). Required columns come first.

    Examples
    --------
    >>> from kotaku_gis.columns import column_guide
    >>> guide = column_guide("units").set_index("column")
    >>> guide.loc["households", ["need", "meaning_id", "meaning_en", "unit"]].tolist()
    ['required', 'jumlah kepala keluarga (KK)', 'number of households (KK)', 'households']
    >>> column_guide("interventions").query("need == 'required'")["column"].tolist()
    ['intervention_id', 'kind', 'year']
    """
    if what not in ("units", "interventions"):
        raise InputError(f"what must be 'units' or 'interventions', not {what!r}.")
    table = column_table(what, compact=compact)
    needs = [_need(name, what) for name in table["convention"]]
    out = pd.DataFrame(
        {
            "column": table["convention"],
            "need": [n for n, _, _ in needs],
            "meaning_id": [_meaning_id(name) for name in table["convention"]],
            "meaning_en": table["meaning"],
            "unit": table["unit"],
            "when_id": [w for _, _, w in needs],
            "when_en": [w for _, w, _ in needs],
            "names": table["names"],
        }
    )
    order = out["need"].map({"required": 0, "optional": 1})
    return out.iloc[order.argsort(kind="stable")].reset_index(drop=True)
