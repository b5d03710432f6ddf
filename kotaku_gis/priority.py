"""Handling type and priority from the level, the land's legality, "pertimbangan lain" and typology.

The score decides whether a unit is a slum and how heavy; it does not decide what to do. The
regulation's location assessment (Permen PUPR 02/PRT/M/2016 Lampiran II, carried into
14/PRT/M/2018) has three parts besides the condition of the slum:

- *Legalitas lahan* "menentukan status legalitas tanah ... sebagai dasar yang menentukan
  bentuk penanganan" (the legality of the land decides the *form* of handling);
- *Pertimbangan lain* is "identifikasi terhadap beberapa hal lain yang bersifat non fisik untuk
  menentukan skala prioritas penanganan" (the other, non-physical considerations decide the
  *priority*): strategic value of the location, population (density), socio-economic
  potential, each scored 1, 3 or 5;
- the typology of the settlement (di atas air, di tepi air, dataran rendah, perbukitan,
  kawasan rawan bencana) shapes how the handling is carried out.

(Lampiran II of Permen 02/2016 as published by JDIH PUPR:
https://vdokumen.com/penetapan-lokasi-bagan-alir-penetepan-lokasi-nomor-02-prtm201-6-tentang.html)

**Handling type** (*pola penanganan*) from the level and the legal status, as the regulation
states it (quoted by a planning report, https://id.scribd.com/document/539782848/tahapan-
penanganan-kumuh, and word for word by Perda Kota Surabaya 4/2018 Pasal 29 ayat (1),
https://pasal.id/en/peraturan/perda/perda-kota-surabaya-no-4-tahun-2018/koreksi/8594466):

===============  ===============  =================
level            legal land       illegal land
===============  ===============  =================
kumuh berat      peremajaan       pemukiman kembali
kumuh sedang     peremajaan       pemukiman kembali
kumuh ringan     pemugaran        pemukiman kembali
===============  ===============  =================

The rule is the data :data:`HANDLING`; a kota that applies it differently passes its own table.

**Legality** is built from its parts, each a column of yes/no words (:data:`LEGAL_WORDS`):
the land's tenure is clear (``status_lahan``) and the use conforms to the spatial plan
(``kesesuaian_rtrw``), the two indicators of the regulation's form ("kejelasan status
penguasaan lahan", "kesesuaian RTR"), and the buildings hold a permit (``imb``; IMB, now PBG),
which a city implementation of the programme adds as a third. Pass ``legal_parts`` without
``"building_permit"`` to follow the regulation's two. Land is legal when all the parts are
positive and illegal as soon as one is negative; when a part is blank or
its column is missing and no part is negative, the legality is unknown and reported, never
assumed legal. A published overall status (``legal_status``: legal / tidak legal) is used for
the rows whose parts do not settle it; where both are known and disagree, the parts win and
the conflict is reported.

**Typology** (``tipologi``) is read as one of :data:`TYPOLOGIES`. The regulation asks the
handling of each typology to respect its setting (for settlements on the water's edge "daya
dukung tanah tepi air, pasang surut air serta kelestarian air dan tanah"; on plains "daya
dukung tanah, jenis tanah serta kelestarian tanah": Perda Surabaya 4/2018 Pasal 29 ayat (2),
following the Permen), which ``handling_notes`` repeats. It changes the handling *type* in one
case: *pemukiman kembali* is by definition the move of people "dari lokasi yang tidak mungkin
dibangun kembali karena tidak sesuai dengan rencana tata ruang dan/atau rawan bencana serta
dapat menimbulkan bahaya" (UU 1/2011, Penjelasan Pasal 97), so a slum unit of typology
*kawasan rawan bencana* is given pemukiman kembali whatever its legality
(``hazard_relocation=False`` turns this off, e.g. where the hazard study found the site safe to
rebuild).

**Priority.** Pertimbangan lain comes first, as the regulation gives it the priority scale:
its sum (3-15) is classed (:data:`OTHER_CONSIDERATION_CLASSES`) as tinggi (11-15), sedang
(6-10) or rendah (up to 5), and within a class the heavier slum comes first. The class
``priority_class`` is a letter for pertimbangan lain (A tinggi, B sedang, C rendah) and a digit
for the level (1 berat, 2 sedang, 3 ringan); ``priority`` is its rank, 1 (A1) to 9 (C3). The
legal status does not move the priority: it sets the handling type.

An older scheme (``ordering="level"``: letter for the level, digit 1-6 for pertimbangan lain and
legal before illegal land, ranks 1-18) has no source in the regulation or the programme's
published sheets; it is kept as an option only so that tables made with it can be reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import InputError
from .rulesets import normalise_levels
from .validation_report import ValidationReport

__all__ = [
    "HANDLING",
    "LEGAL_PART_COLUMNS",
    "LEGAL_WORDS",
    "ORDERINGS",
    "OTHER_CONSIDERATION_CLASSES",
    "OTHER_CONSIDERATION_COLUMNS",
    "TYPOLOGIES",
    "handling",
]

#: (level, legal land?) → handling type (pola penanganan).
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

#: Words read as yes (True) or no (False), after lower-casing and trimming: for the overall
#: legal status and for each of its three parts.
LEGAL_WORDS: Mapping[str, bool] = MappingProxyType(
    {
        **dict.fromkeys(
            ["legal", "sah", "ya", "yes", "true", "1", "+", "resmi", "jelas", "sesuai", "ada",
             "memiliki", "punya", "bersertifikat", "sertifikat", "berizin"],
            True,
        ),
        **dict.fromkeys(
            ["ilegal", "illegal", "tidak legal", "non-legal", "non legal", "tidak sah",
             "tidak", "no", "false", "0", "-", "liar", "tidak jelas", "tidak sesuai",
             "tidak ada", "belum ada", "tidak memiliki", "belum memiliki", "sengketa",
             "tidak berizin"],
            False,
        ),
    }
)  # fmt: skip

#: The three parts of the land's legality and the columns they are read from.
LEGAL_PART_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "land_status": "status_lahan",
        "spatial_plan": "kesesuaian_rtrw",
        "building_permit": "imb",
    }
)

#: (minimum sum, class) of the "pertimbangan lain" value, from the highest down.
OTHER_CONSIDERATION_CLASSES: tuple[tuple[int, str], ...] = (
    (11, "tinggi"),
    (6, "sedang"),
    (0, "rendah"),
)

#: Columns scored 1/3/5 whose sum is the "pertimbangan lain" value: strategic value of the
#: location, population density, socio-economic potential.
OTHER_CONSIDERATION_COLUMNS: tuple[str, ...] = (
    "nilai_strategis",
    "kepadatan_penduduk",
    "potensi_sosial_ekonomi",
)
# Names of the same parts on older sheets, read when the column above is absent.
_OLDER_NAMES = {"kepadatan_penduduk": "kependudukan", "potensi_sosial_ekonomi": "sosial_ekonomi"}

#: Typologies of slum settlements (key → words that name it) and what their handling must
#: respect (empty where the text at hand does not say).
TYPOLOGIES: Mapping[str, tuple[tuple[str, ...], str]] = MappingProxyType(
    {
        "di atas air": (("di atas air", "atas air", "diatas air"), ""),
        "di tepi air": (
            ("di tepi air", "tepi air", "tepian air", "tepi sungai", "tepi pantai", "pesisir",
             "bantaran sungai"),
            "daya dukung tanah tepi air, pasang surut air serta kelestarian air dan tanah",
        ),
        "dataran rendah": (
            ("dataran rendah", "dataran", "di dataran", "di dataran rendah"),
            "daya dukung tanah, jenis tanah serta kelestarian tanah",
        ),
        "perbukitan": (("perbukitan", "di perbukitan", "bukit", "lereng"), ""),
        "rawan bencana": (
            ("rawan bencana", "kawasan rawan bencana", "di kawasan rawan bencana"),
            "lokasi yang tidak mungkin dibangun kembali karena rawan bencana serta dapat "
            "menimbulkan bahaya: pemukiman kembali",
        ),
    }
)  # fmt: skip

#: Priority schemes: the default ranks by pertimbangan lain first (see the module text).
ORDERINGS: tuple[str, ...] = ("pertimbangan-lain", "level")

_LEVELS_SLUM = ("kumuh berat", "kumuh sedang", "kumuh ringan")
_PL_ORDER = ("tinggi", "sedang", "rendah")
_PL_LETTER = {"tinggi": "A", "sedang": "B", "rendah": "C"}
_SCORES = (1.0, 3.0, 5.0)
_TYPOLOGY_WORDS = {w: key for key, (words, _) in TYPOLOGIES.items() for w in words}


def _yes_no(values: pd.Series) -> pd.Series:
    """Yes/no words (or booleans) as a boolean Series, ``<NA>`` where blank or unrecognised."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    text = values.astype("string").str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    return text.map(dict(LEGAL_WORDS)).astype("boolean")


def _unrecognised(values: pd.Series, read: pd.Series) -> np.ndarray:
    """Cells holding text that :data:`LEGAL_WORDS` does not know (blank cells excluded)."""
    given = values.notna() & (values.astype("string").str.strip() != "").fillna(False)
    return (given & read.isna()).to_numpy(dtype=bool)


def _legality(
    frame: pd.DataFrame,
    slum: np.ndarray,
    legal_column: str,
    parts: Mapping[str, str],
    report: ValidationReport,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(legal, legal_basis, legal_missing) of each unit; see the module text."""
    index = frame.index
    present = {part: col for part, col in parts.items() if col in frame.columns}
    read: dict[str, pd.Series] = {}
    for part, col in present.items():
        read[part] = _yes_no(frame[col])
        bad = _unrecognised(frame[col], read[part])
        if bad.any():
            report.add_rows(
                index[bad], col, "warning", "unknown_legal_word",
                f"{col} holds a word that is neither yes nor no (use e.g. ya / tidak, sesuai / "
                "tidak sesuai, ada / tidak ada); read as blank",
            )  # fmt: skip
    n = len(frame)
    any_no = np.zeros(n, dtype=bool)
    all_yes = np.full(n, bool(present) and len(present) == len(parts))
    missing = [[] for _ in range(n)]
    for part, col in parts.items():
        if part not in read:
            for m in missing:
                m.append(col)
            continue
        vals = read[part]
        any_no |= (vals == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        yes = (vals == True).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        all_yes &= yes
        for i in np.flatnonzero(vals.isna().to_numpy()):
            missing[i].append(col)
    from_parts = pd.Series(pd.NA, index=index, dtype="boolean")
    from_parts[all_yes] = True
    from_parts[any_no] = False

    if legal_column in frame.columns:
        status = _yes_no(frame[legal_column])
        bad = _unrecognised(frame[legal_column], status)
        if bad.any():
            report.add_rows(
                index[bad], legal_column, "warning", "unknown_legal_status",
                "legal status not recognised (use legal / tidak legal); read as blank",
            )  # fmt: skip
    else:
        status = pd.Series(pd.NA, index=index, dtype="boolean")
    conflict = (from_parts.notna() & status.notna() & (from_parts != status)).fillna(False)
    conflict = conflict.to_numpy(dtype=bool)
    if conflict.any():
        report.add_rows(
            index[conflict], legal_column, "warning", "legal_status_conflict",
            "the published legal status disagrees with its parts (status_lahan, "
            "kesesuaian_rtrw, imb); the parts are used",
        )  # fmt: skip
    legal = from_parts.where(from_parts.notna(), status).astype("boolean")
    basis = pd.Series(pd.NA, index=index, dtype="string")
    basis[from_parts.notna().to_numpy()] = "parts"
    basis[(from_parts.isna() & status.notna()).to_numpy()] = legal_column
    missing_text = pd.Series(["; ".join(m) if m else pd.NA for m in missing], index=index,
                             dtype="string")  # fmt: skip
    missing_text = missing_text.where(from_parts.isna())

    unknown = slum & legal.isna().to_numpy()
    if not present and legal_column not in frame.columns:
        report.add(
            None, legal_column, "warning", "missing_legal_status",
            f"neither {legal_column!r} nor the columns of its parts {list(parts.values())} "
            "are present: the handling type needs the land's legality",
        )  # fmt: skip
    elif unknown.any():
        report.add_rows(
            index[unknown], legal_column, "warning", "unknown_legal_status",
            [f"legality unknown: no published status and blank or missing part(s) {m}; "
             "handling undecided (legality is never assumed)"
             for m in missing_text[unknown].fillna("")],
        )  # fmt: skip
    return legal, basis, missing_text


def _considerations(
    frame: pd.DataFrame,
    columns: Sequence[str],
    column: str,
    classes: Sequence[tuple[int, str]],
    slum: np.ndarray,
    report: ValidationReport,
) -> tuple[pd.Series, pd.Series]:
    """(pl_value, pl_class) of each unit."""
    index = frame.index
    named = pd.Series(pd.NA, index=index, dtype="string")
    if column in frame.columns:
        raw = frame[column]
        pl_value = pd.to_numeric(raw, errors="coerce").astype("Float64")
        named = raw.astype("string").str.strip().str.lower()
        named = named.where(named.isin(_PL_ORDER).fillna(False))
        source = [column]
    else:
        found = []
        for c in columns:
            if c in frame.columns:
                found.append(c)
            elif _OLDER_NAMES.get(c) in frame.columns:
                found.append(_OLDER_NAMES[c])
        if len(found) == len(columns):
            parts = []
            for c in found:
                v = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
                odd = ~np.isnan(v) & ~np.isin(v, _SCORES)
                if odd.any():
                    report.add_rows(
                        index[odd], c, "warning", "bad_consideration_value",
                        f"{c} must be scored 1, 3 or 5; other values are read as blank",
                    )  # fmt: skip
                parts.append(np.where(odd, np.nan, v))
            pl_value = pd.Series(np.sum(parts, axis=0), index=index).astype("Float64")
            source = found
        else:
            pl_value = pd.Series(pd.NA, index=index, dtype="Float64")
            source = []
            report.add(
                None, column, "warning", "missing_other_considerations",
                f"neither {column!r} nor all of {list(columns)} are present: pertimbangan "
                "lain, and so the priority, is unknown",
            )  # fmt: skip
    pl_class = pd.Series(pd.NA, index=index, dtype="string")
    vals = pl_value.to_numpy(dtype=float, na_value=np.nan)
    for minimum, label in sorted(classes):
        pl_class[vals >= minimum] = label
    by_name = named.notna().to_numpy(dtype=bool)
    pl_class[by_name] = named[by_name]
    blank = slum & pl_class.isna().to_numpy()
    if source and blank.any():
        report.add_rows(
            index[blank], source[0] if len(source) == 1 else ", ".join(source), "warning",
            "unknown_other_considerations",
            "pertimbangan lain blank or not a class (tinggi / sedang / rendah): no priority",
        )  # fmt: skip
    return pl_value, pl_class


def _typology(frame: pd.DataFrame, column: str, report: ValidationReport) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    raw = frame[column]
    text = raw.astype("string").str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    key = text.map(_TYPOLOGY_WORDS).astype("string")
    bad = (text.notna() & (text != "") & key.isna()).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        report.add_rows(
            frame.index[bad], column, "warning", "unknown_typology",
            f"typology not recognised; use one of {list(TYPOLOGIES)}",
        )  # fmt: skip
    return key


def handling(
    assessed: pd.DataFrame,
    *,
    ordering: str = "pertimbangan-lain",
    legal_column: str = "legal_status",
    legal_parts: Mapping[str, str] = LEGAL_PART_COLUMNS,
    consideration_columns: Sequence[str] = OTHER_CONSIDERATION_COLUMNS,
    consideration_column: str = "pertimbangan_lain",
    typology_column: str = "tipologi",
    hazard_relocation: bool = True,
    table: Mapping[tuple[str, bool], str] = HANDLING,
    classes: Sequence[tuple[int, str]] = OTHER_CONSIDERATION_CLASSES,
) -> pd.DataFrame:
    """Handling type and priority of each slum unit.

    Parameters
    ----------
    assessed : DataFrame or GeoDataFrame
        Output of :func:`kotaku_gis.assess` (its ``level``) with the land's legality, the
        "pertimbangan lain" scores or their class, and optionally the typology.
    ordering : {"pertimbangan-lain", "level"}, default "pertimbangan-lain"
        Priority scheme: pertimbangan lain first, then the level (the regulation's; see the
        module text), or the older unsourced scheme with the level first.
    legal_column : str, default "legal_status"
        Published overall status: legal / tidak legal (also sah, +/-, True/False).
    legal_parts : mapping, default :data:`LEGAL_PART_COLUMNS`
        Part of legality → its column: land status, conformity with the spatial plan,
        building permit. A part left out of the mapping is left out of the rule; a part whose
        column is missing leaves the legality open.
    consideration_columns : sequence of str
        Columns scored 1/3/5 whose sum is the "pertimbangan lain" value (the sample's own
        ``nilai_strategis``, ``kepadatan_penduduk``, ``potensi_sosial_ekonomi``).
    consideration_column : str, default "pertimbangan_lain"
        Used instead when present: a class (tinggi / sedang / rendah) or a summed value.
    typology_column : str, default "tipologi"
        Typology of the settlement (:data:`TYPOLOGIES`); optional.
    hazard_relocation : bool, default True
        Give pemukiman kembali to slum units of typology "rawan bencana".
    table, classes
        The handling rule and the class bounds of pertimbangan lain (see the module text).

    Returns
    -------
    DataFrame or GeoDataFrame
        The input plus ``legal`` (boolean, <NA> when unknown), ``legal_basis`` ("parts" or the
        status column), ``legal_missing`` (parts blank or absent, where they leave the
        legality open), ``pl_value``, ``pl_class``, ``typology``, ``handling_type`` and
        ``handling_notes`` (what the typology's handling must respect), ``priority_class``
        and ``priority``. Units that are not slums or not assessed (blank ``level``) get no
        handling and no priority; ``attrs["report"]`` lists the units whose level,
        legality or considerations are missing.

    Examples
    --------
    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> assessed = pd.DataFrame({"unit_id": ["A", "B", "C"],
    ...     "level": ["kumuh berat", "kumuh ringan", "kumuh sedang"],
    ...     "legal_status": ["tidak legal", "legal", "legal"],
    ...     "nilai_strategis": [1, 5, 3], "kepadatan_penduduk": [3, 5, 3],
    ...     "potensi_sosial_ekonomi": [1, 3, 1]})
    >>> out = kg.handling(assessed)
    >>> out[["pl_class", "handling_type", "priority_class", "priority"]].values.tolist()
    [['rendah', 'pemukiman kembali', 'C1', 7], ['tinggi', 'pemugaran', 'A3', 3], ['sedang', 'peremajaan', 'B2', 5]]
    """  # noqa: E501
    if not isinstance(assessed, pd.DataFrame):
        raise InputError(f"handling needs a DataFrame of units, not {type(assessed).__name__}.")
    if "level" not in assessed.columns:
        raise InputError("no 'level' column; score the units first with kg.assess(units).")
    if ordering not in ORDERINGS:
        raise InputError(f"ordering must be one of {list(ORDERINGS)}, not {ordering!r}.")
    unknown_parts = set(legal_parts) - set(LEGAL_PART_COLUMNS)
    if unknown_parts or not legal_parts:
        raise InputError(
            f"legal_parts names unknown parts {sorted(unknown_parts)}; use the keys "
            f"{list(LEGAL_PART_COLUMNS)}."
        )
    report = ValidationReport(what="handling")
    index = assessed.index
    level = normalise_levels(assessed["level"], column="level")
    not_assessed = level.isna().to_numpy()
    if not_assessed.any():
        report.add_rows(
            index[not_assessed], "level", "info", "not_assessed",
            "the unit is not assessed (blank level): no handling type and no priority",
        )  # fmt: skip
    slum = level.isin(_LEVELS_SLUM).fillna(False).to_numpy(dtype=bool)

    parts = dict(legal_parts)
    legal, basis, missing = _legality(assessed, slum, legal_column, parts, report)
    pl_value, pl_class = _considerations(
        assessed, consideration_columns, consideration_column, classes, slum, report
    )
    typology = _typology(assessed, typology_column, report)

    lv = level.to_numpy(dtype=object, na_value=None)
    lg = legal.to_numpy(dtype=object, na_value=None)
    hand = [
        table.get((v, bool(g))) if (s and g is not None) else None
        for v, g, s in zip(lv, lg, slum, strict=True)
    ]
    hand = pd.array(hand, dtype="string")
    hazard = (typology == "rawan bencana").fillna(False).to_numpy(dtype=bool) & slum
    if hazard_relocation and hazard.any():
        hand[hazard] = "pemukiman kembali"
        report.add_rows(
            index[hazard], typology_column, "info", "hazard_relocation",
            "typology rawan bencana: pemukiman kembali (UU 1/2011, Penjelasan Pasal 97); "
            "confirm with the hazard study, or pass hazard_relocation=False",
        )  # fmt: skip
    notes = typology.map({k: note or pd.NA for k, (_, note) in TYPOLOGIES.items()})
    notes = notes.astype("string").where(pd.Series(slum, index=index))

    level_rank = level.map({lvl: i for i, lvl in enumerate(_LEVELS_SLUM)}).astype("Int64")
    pl_rank = pl_class.map({c: i for i, c in enumerate(_PL_ORDER)}).astype("Int64")
    if ordering == "pertimbangan-lain":
        ranked = pd.Series(slum, index=index) & pl_rank.notna()
        digit = level_rank + 1
        pclass = pl_class.map(_PL_LETTER).astype("string") + digit.astype("string")
        prio = pl_rank * 3 + digit
    else:
        ranked = pd.Series(slum, index=index) & pl_rank.notna() & legal.notna()
        number = pl_rank * 2 + 1 + (~legal.fillna(False)).astype("Int64")
        letter = level_rank.map({0: "A", 1: "B", 2: "C"}).astype("string")
        pclass = letter + number.astype("string")
        prio = level_rank * 6 + number

    out = assessed.copy()
    out["legal"] = legal
    out["legal_basis"] = basis
    out["legal_missing"] = missing
    out["pl_value"] = pl_value
    out["pl_class"] = pl_class
    out["typology"] = typology
    out["handling_type"] = hand
    out["handling_notes"] = notes
    out["priority_class"] = pclass.where(ranked).astype("string")
    out["priority"] = prio.where(ranked).astype("Int64")
    out.attrs["report"] = report
    return out
