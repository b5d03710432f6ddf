"""Regulation rulesets: criteria, denominators, score bands and level thresholds, as data.

Two rulesets are provided.

``"permen-14-2018"`` (the default)
    Permen PUPR 14/PRT/M/2018 *Pencegahan dan Peningkatan Kualitas terhadap Perumahan Kumuh
    dan Permukiman Kumuh*: 7 aspects, 16 criteria, each scored 0/1/3/5, total 0-80;
    60-80 kumuh berat, 38-59 kumuh sedang, 16-37 kumuh ringan, below 16 tidak kumuh.
    Criterion list: Lampiran I of the regulation (copy at
    https://id.scribd.com/document/414814150/Lamp-i-Permen-14-Prt-m-2018). The bands and
    thresholds agree with the programme's published RT score sheets, e.g.
    https://kawanku.pkpjatim.id/home/kelurahan/19/367/2025 (75 % scores 3, 25 % scores 1,
    total 24 is kumuh ringan) and https://kawanku.pkpjatim.id/home/kelurahan/7/407/2270
    (50 % scores 1, 53.57 % scores 3); their aspect averages ("Rata-rata Kondisi ...") are the
    mean of the criterion percentages rounded half-up to 0.01, as :func:`kotaku_gis.assess`
    computes them.

``"permen-02-2016"``
    Permen PUPR 02/PRT/M/2016 *Peningkatan Kualitas terhadap Perumahan Kumuh dan Permukiman
    Kumuh*, under which many SK Kumuh of 2015-2017 were scored: 19 criteria, total 0-95;
    71-95 kumuh berat, 45-70 kumuh sedang, 19-44 kumuh ringan, below 19 tidak kumuh. Lampiran I
    of that regulation lists, besides the criteria it shares with 2018, drainage with five
    criteria (limpasan, ketidaktersediaan, tidak terhubung dengan sistem drainase perkotaan,
    tidak dipelihara sehingga terjadi akumulasi limbah padat dan cair, kualitas konstruksi)
    and solid waste with three (prasarana/sarana, sistem pengelolaan, tidak terpeliharanya
    sarana dan prasarana sehingga terjadi pencemaran); copies at
    https://123dok.com/document/y65e1poz-lampiran.html and
    http://www.hdesignideas.com/2016/03/permen-pupr-no-02prtm2016-peningkatan.html.
    The percentage bands are taken to be the same three classes as in 2018 (>= 76 % -> 5,
    >= 51 % -> 3, >= 25 % -> 1). The thresholds support this: both regulations give each
    criterion at most 5 points (95 = 19 x 5, 80 = 16 x 5) and the level thresholds are the same
    shares of the maximum (71/95 and 60/80 = 0.75, 45/95 and 38/80 = 0.47, 19/95 and 16/80 =
    0.20). The band table of the 2016 Lampiran II itself was not found in the sources at hand,
    so this equality is an assumption to check against the regulation's text; pass a custom
    :class:`Ruleset` to :func:`kotaku_gis.assess` if a kota's 2016 sheets used other classes.

Criterion codes are shared between rulesets where the criterion is the same, so one unit table
can be scored under both. The criteria found only in 2016 take the codes ``4d`` (tidak
terhubung dengan sistem drainase perkotaan), ``4e`` (drainase tidak dipelihara) and ``6c``
(sarana persampahan tidak terpelihara); :attr:`Criterion.reference` gives each criterion's
place in the regulation's own list (the 2016 Lampiran I puts drainage third, lettering
kualitas konstruksi as 3.e).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = [
    "DEFAULT_RULESET",
    "LEVELS",
    "LEVEL_ALIASES",
    "LEVEL_ORDER",
    "NOT_SLUM",
    "RULESETS",
    "Criterion",
    "Ruleset",
    "get_ruleset",
    "normalise_levels",
    "parse_levels",
    "ruleset_of",
]

#: Level labels of the regulation, from worst to best (also :data:`kotaku_gis.schema.LEVELS`).
LEVELS: tuple[str, ...] = ("kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh")
#: The label of units below the lowest threshold.
NOT_SLUM = LEVELS[-1]
#: Level labels from best to worst (the order of the ``level`` categorical): the reverse of
#: :data:`LEVELS`.
LEVEL_ORDER: tuple[str, ...] = LEVELS[::-1]
DEFAULT_RULESET = "permen-14-2018"


def normalise_levels(values: pd.Series, *, column: str = "level") -> pd.Series:
    """Level labels as the canonical lower-case text, blanks as ``<NA>``.

    Labels typed by hand or read from a spreadsheet ("Kumuh Ringan", "kumuh  berat ") are
    stripped, lower-cased and their inner spaces collapsed. A label that is still not one of
    :data:`kotaku_gis.schema.LEVELS` raises :class:`InputError`, since counting it under no
    level would drop its hectares.

    Parameters
    ----------
    values : Series
        The labels (text, categorical or object); the index names rows in error messages.
    column : str, default "level"
        Column name used in error messages.

    Returns
    -------
    Series
        ``string`` dtype, same index; blank labels are ``<NA>``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.rulesets import normalise_levels
    >>> normalise_levels(pd.Series(["Kumuh Ringan", " kumuh  BERAT", None, ""])).tolist()
    ['kumuh ringan', 'kumuh berat', <NA>, <NA>]
    """
    values = pd.Series(values)
    codes, text = _distinct_labels(values, r"\s+")
    unknown = text.notna() & ~text.isin(LEVELS)
    if unknown.any():
        bad = np.isin(codes, np.flatnonzero(unknown.to_numpy(dtype=bool)))
        rows = values.index[bad][:5].tolist()
        labels = [str(u) for u in dict.fromkeys(values[bad].tolist())][:10]
        raise InputError(
            f"column {column!r} holds unknown level(s) {labels} in row(s) {rows}; use one of "
            f"{list(LEVELS)} (case and extra spaces do not matter)."
        )
    return _spread(text, codes, values)


def _distinct_labels(values: pd.Series, spaces: str) -> tuple[np.ndarray, pd.Series]:
    """Each value's position among the distinct values, and those values as text:
    lower-cased, runs of ``spaces`` as one space, stripped, blanks as ``<NA>``.

    Each distinct label is normalised once: a million units carry four labels.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = (
        pd.Series(uniques, dtype=object)
        .astype("string")
        .str.lower()
        .str.replace(spaces, " ", regex=True)
        .str.strip()
        .replace("", pd.NA)
    )
    return codes, text


def _spread(distinct: pd.Series, codes: np.ndarray, values: pd.Series) -> pd.Series:
    """The distinct labels back on every row of ``values`` (``<NA>`` where it is blank)."""
    labels = np.append(distinct.to_numpy(dtype=object, na_value=pd.NA), pd.NA)
    return pd.Series(labels[codes], index=values.index, dtype="string", name=values.name)


#: Ways published tables write the four levels, after stripping, lower-casing and turning
#: underscores, hyphens and repeated spaces into one space: the level alone ("Berat"), with
#: "kumuh" ("KUMUH BERAT", "Kumuh_Berat"), and the short codes of city slum apps ("KB", "KS",
#: "KR", "TK").
LEVEL_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        **{level: level for level in LEVELS},
        "berat": "kumuh berat", "kb": "kumuh berat", "kumuh tingkat berat": "kumuh berat",
        "sedang": "kumuh sedang", "ks": "kumuh sedang", "kumuh tingkat sedang": "kumuh sedang",
        "ringan": "kumuh ringan", "kr": "kumuh ringan", "kumuh tingkat ringan": "kumuh ringan",
        "tk": "tidak kumuh", "bukan kumuh": "tidak kumuh", "non kumuh": "tidak kumuh",
        "tidak kumuh lagi": "tidak kumuh",
    }
)  # fmt: skip


def parse_levels(values: pd.Series, *, column: str = "level") -> tuple[pd.Series, pd.Series]:
    """Published level labels as the canonical text, tolerating the ways tables write them.

    Unlike :func:`normalise_levels`, an unknown label does not raise: it becomes ``<NA>`` and
    is flagged, so that the caller can report it. Labels are matched after stripping,
    lower-casing, and turning underscores, hyphens and repeated spaces into one space, against
    :data:`LEVEL_ALIASES` ("Berat", "KUMUH BERAT", "kumuh_berat", "Tidak Kumuh", "KR", ...).

    Parameters
    ----------
    values : Series
        The labels as published (text, categorical or object).
    column : str, default "level"
        Column name (kept for messages of callers).

    Returns
    -------
    (Series, Series)
        The canonical labels (``string`` dtype, ``<NA>`` where blank or unknown) and a boolean
        Series that is True where a label was given but not recognised. Both keep the index.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.rulesets import parse_levels
    >>> labels, unknown = parse_levels(pd.Series(["Berat", "KUMUH RINGAN", "Tidak Kumuh",
    ...     "sedang", "parah", None]))
    >>> labels.tolist()
    ['kumuh berat', 'kumuh ringan', 'tidak kumuh', 'kumuh sedang', <NA>, <NA>]
    >>> unknown.tolist()
    [False, False, False, False, True, False]
    """
    del column
    values = pd.Series(values)
    codes, text = _distinct_labels(values, r"[\s_\-]+")
    canon = text.map(dict(LEVEL_ALIASES)).astype("string")
    unknown_u = (text.notna() & canon.isna()).to_numpy(dtype=bool)
    flags = np.append(unknown_u, False)
    return (
        _spread(canon, codes, values),
        pd.Series(flags[codes], index=values.index, dtype=bool, name=values.name),
    )


#: Aspect keys with their Indonesian and English names.
ASPECTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "bangunan": ("Kondisi bangunan gedung", "Buildings"),
        "jalan": ("Kondisi jalan lingkungan", "Neighbourhood roads"),
        "air_minum": ("Kondisi penyediaan air minum", "Drinking water"),
        "drainase": ("Kondisi drainase lingkungan", "Drainage"),
        "air_limbah": ("Kondisi pengelolaan air limbah", "Wastewater"),
        "persampahan": ("Kondisi pengelolaan persampahan", "Solid waste"),
        "proteksi_kebakaran": ("Kondisi proteksi kebakaran", "Fire protection"),
    }
)


@dataclass(frozen=True)
class Criterion:
    """One criterion: its code, aspect, names, volume unit and denominator column."""

    code: str
    aspect: str
    name_id: str
    name_en: str
    #: Unit of the volume: ``"buildings"``, ``"households"``, ``"m"`` or ``"ha"``.
    unit: str
    #: Column of the units holding the denominator.
    denominator: str
    #: Place of the criterion in the regulation's own numbering.
    reference: str


@dataclass(frozen=True)
class Ruleset:
    """A regulation's scoring rules.

    ``bands`` are ``(minimum percentage, score)`` from the highest down; a percentage below the
    last minimum scores 0. ``levels`` are ``(label, minimum total)`` from the worst down; a
    total below the last minimum is :data:`NOT_SLUM`.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> rs = kg.get_ruleset("permen-14-2018")
    >>> len(rs.criteria), rs.max_total, rs.level_of(38)
    (16, 80, 'kumuh sedang')
    """

    name: str
    title: str
    criteria: tuple[Criterion, ...]
    bands: tuple[tuple[float, int], ...]
    levels: tuple[tuple[str, int], ...]
    source: str
    #: When True, a unit on the slum list at baseline that scores below the threshold after
    #: works leaves the list only if the service of each of :attr:`service_aspects` (100 minus
    #: the aspect's average percentage) is above :attr:`service_minimum` %; otherwise it stays
    #: at the lowest slum level. The programme states this condition
    #: (https://kotaku.pu.go.id/tags/Kumuh: "nilai kekumuhan akhir turun di bawah 19 dan
    #: tingkat layanan terhadap 5 indikator (jalan, drainase, air bersih, air limbah dan
    #: persampahan) minimal sudah mencapai >80%"); the regulation's own scoring does not, so it
    #: is off by default. Turn it on with
    #: ``dataclasses.replace(kg.get_ruleset(), leave_requires_service=True)`` or
    #: ``kg.assess(..., leave_requires_service=True)``.
    leave_requires_service: bool = False
    #: Aspects of the service condition: jalan, drainase, air bersih (air minum), air limbah,
    #: persampahan.
    service_aspects: tuple[str, ...] = (
        "jalan", "air_minum", "drainase", "air_limbah", "persampahan",
    )  # fmt: skip
    #: Service (100 - aspect average, %) that each aspect must exceed.
    service_minimum: float = 80.0

    @property
    def codes(self) -> tuple[str, ...]:
        """Criterion codes in the ruleset's order."""
        return tuple(c.code for c in self.criteria)

    @property
    def max_total(self) -> int:
        """The highest possible total score."""
        return len(self.criteria) * max(score for _, score in self.bands)

    @property
    def aspects(self) -> dict[str, tuple[str, ...]]:
        """Aspect key → codes of its criteria, in order."""
        out: dict[str, list[str]] = {}
        for c in self.criteria:
            out.setdefault(c.aspect, []).append(c.code)
        return {k: tuple(v) for k, v in out.items()}

    @property
    def slum_threshold(self) -> int:
        """The lowest total that puts a unit on the slum list."""
        return min(m for _, m in self.levels)

    def criterion(self, code: str) -> Criterion:
        """The criterion with this code (raises :class:`InputError` when unknown)."""
        for c in self.criteria:
            if c.code == code:
                return c
        raise InputError(
            f"criterion {code!r} is not part of {self.name}; its codes are {list(self.codes)}."
        )

    def score(self, pct: np.ndarray) -> np.ndarray:
        """Scores (int8) of percentages already rounded to 2 decimals."""
        pct = np.asarray(pct, dtype=float)
        out = np.zeros(pct.shape, dtype=np.int8)
        for minimum, score in sorted(self.bands):
            out[pct >= minimum] = score
        return out

    def level_of(self, total: int) -> str:
        """Level label of one total score."""
        for label, minimum in self.levels:
            if total >= minimum:
                return label
        return NOT_SLUM

    def levels_of(self, totals: np.ndarray) -> pd.Categorical:
        """Level labels of many totals, as an ordered categorical (best to worst)."""
        totals = np.asarray(totals)
        codes = np.zeros(totals.shape, dtype=np.int8)
        for label, minimum in sorted(self.levels, key=lambda lm: lm[1]):
            codes[totals >= minimum] = LEVEL_ORDER.index(label)
        return pd.Categorical.from_codes(
            codes, categories=list(LEVEL_ORDER), ordered=True, validate=False
        )

    def to_frame(self) -> pd.DataFrame:
        """The criteria as a table, indexed by code."""
        return pd.DataFrame(
            [
                {
                    "code": c.code,
                    "aspect": c.aspect,
                    "name_id": c.name_id,
                    "name_en": c.name_en,
                    "unit": c.unit,
                    "denominator": c.denominator,
                    "reference": c.reference,
                }
                for c in self.criteria
            ]
        ).set_index("code")


_BANDS = ((76.0, 5), (51.0, 3), (25.0, 1))

# (code, aspect, unit of the volume, denominator, reference 2018, name_id, name_en): the 16
# criteria of 2018, then those found only in 2016.
_CRITERIA: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("1a", "bangunan", "buildings", "buildings", "1.a",
     "Ketidakteraturan bangunan",
     "Irregular buildings"),
    ("1b", "bangunan", "ha", "area_ha", "1.b",
     "Kepadatan bangunan tidak sesuai ketentuan rencana tata ruang",
     "Building density above the spatial plan"),
    ("1c", "bangunan", "buildings", "buildings", "1.c",
     "Ketidaksesuaian dengan persyaratan teknis bangunan",
     "Buildings not meeting technical requirements"),
    ("2a", "jalan", "m", "road_length_m", "2.a",
     "Cakupan pelayanan jalan lingkungan (tidak terlayani)",
     "Neighbourhood road network not serving the area"),
    ("2b", "jalan", "m", "road_length_m", "2.b",
     "Kualitas permukaan jalan lingkungan buruk",
     "Poor road surface"),
    ("3a", "air_minum", "households", "households", "3.a",
     "Ketidaktersediaan akses aman air minum",
     "No safe access to drinking water"),
    ("3b", "air_minum", "households", "households", "3.b",
     "Tidak terpenuhinya kebutuhan air minum",
     "Minimum drinking-water need not met"),
    ("4a", "drainase", "ha", "area_ha", "4.a",
     "Ketidakmampuan mengalirkan limpasan air",
     "Runoff not drained (inundation)"),
    ("4b", "drainase", "m", "drain_length_m", "4.b",
     "Ketidaktersediaan drainase",
     "No drainage"),
    ("4c", "drainase", "m", "drain_length_m", "4.c",
     "Kualitas konstruksi drainase buruk",
     "Poor drain construction"),
    ("5a", "air_limbah", "households", "households", "5.a",
     "Sistem pengelolaan air limbah tidak sesuai standar teknis",
     "Wastewater system below technical standard"),
    ("5b", "air_limbah", "households", "households", "5.b",
     "Prasarana dan sarana air limbah tidak sesuai persyaratan teknis",
     "Wastewater facilities not meeting requirements"),
    ("6a", "persampahan", "households", "households", "6.a",
     "Prasarana dan sarana persampahan tidak sesuai persyaratan teknis",
     "Solid-waste facilities not meeting requirements"),
    ("6b", "persampahan", "households", "households", "6.b",
     "Sistem pengelolaan persampahan tidak sesuai standar teknis",
     "Solid-waste management below technical standard"),
    ("7a", "proteksi_kebakaran", "buildings", "buildings", "7.a",
     "Ketidaktersediaan prasarana proteksi kebakaran",
     "No fire-protection infrastructure"),
    ("7b", "proteksi_kebakaran", "buildings", "buildings", "7.b",
     "Ketidaktersediaan sarana proteksi kebakaran",
     "No fire-fighting equipment"),
    # Found only in Permen 02/2016 (references of its Lampiran I).
    ("4d", "drainase", "m", "drain_length_m", "3.c",
     "Tidak terhubung dengan sistem drainase perkotaan",
     "Not connected to the city drainage system"),
    ("4e", "drainase", "m", "drain_length_m", "3.d",
     "Tidak dipelihara sehingga terjadi akumulasi limbah padat dan cair di dalamnya",
     "Not maintained: solid and liquid waste accumulates"),
    ("6c", "persampahan", "households", "households", "5.c",
     "Tidak terpeliharanya sarana dan prasarana persampahan sehingga terjadi pencemaran",
     "Solid-waste facilities not maintained, polluting the area"),
)  # fmt: skip

# The 2016 Lampiran I order: bangunan 1, jalan 2, drainase 3, air limbah 4, persampahan 5;
# air minum and proteksi kebakaran follow as 6 and 7.
_REF_2016 = {
    "1a": "1.a", "1b": "1.b", "1c": "1.c", "2a": "2.a", "2b": "2.b",
    "4a": "3.a", "4b": "3.b", "4d": "3.c", "4e": "3.d", "4c": "3.e",
    "5a": "4.a", "5b": "4.b", "6a": "5.a", "6b": "5.b", "6c": "5.c",
    "3a": "6.a", "3b": "6.b", "7a": "7.a", "7b": "7.b",
}  # fmt: skip
#: Criteria of Permen 02/2016 that Permen 14/2018 dropped.
_ONLY_2016 = ("4d", "4e", "6c")
_NAMES_2016 = {
    "1c": ("Kualitas bangunan yang tidak memenuhi syarat", "Buildings of substandard quality"),
    "2a": (
        "Jaringan jalan lingkungan tidak melayani seluruh lingkungan",
        "Neighbourhood road network not serving the whole area",
    ),
    "3a": ("Ketidaktersediaan akses aman air minum", "No safe access to drinking water"),
    "4a": ("Drainase lingkungan tidak mampu mengalirkan limpasan air", "Runoff not drained"),
}


def _criterion(row: tuple[str, ...]) -> Criterion:
    code, aspect, unit, denominator, reference, name_id, name_en = row
    return Criterion(code, aspect, name_id, name_en, unit, denominator, reference)


def _build_2018() -> Ruleset:
    return Ruleset(
        name="permen-14-2018",
        title="Permen PUPR 14/PRT/M/2018",
        criteria=tuple(_criterion(row) for row in _CRITERIA if row[0] not in _ONLY_2016),
        bands=_BANDS,
        levels=(("kumuh berat", 60), ("kumuh sedang", 38), ("kumuh ringan", 16)),
        source="Permen PUPR 14/PRT/M/2018, Lampiran I and II",
    )


def _build_2016() -> Ruleset:
    rows = []
    order = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "4d", "4e"]
    order += ["5a", "5b", "6a", "6b", "6c", "7a", "7b"]
    by_code = {r[0]: r for r in _CRITERIA}
    for code in order:
        code_, aspect, unit, denom, _, name_id, name_en = by_code[code]
        name_id, name_en = _NAMES_2016.get(code, (name_id, name_en))
        rows.append(Criterion(code_, aspect, name_id, name_en, unit, denom, _REF_2016[code]))
    return Ruleset(
        name="permen-02-2016",
        title="Permen PUPR 02/PRT/M/2016",
        criteria=tuple(rows),
        bands=_BANDS,
        levels=(("kumuh berat", 71), ("kumuh sedang", 45), ("kumuh ringan", 19)),
        source="Permen PUPR 02/PRT/M/2016, Lampiran I and II",
    )


#: Ruleset name → :class:`Ruleset`.
RULESETS: Mapping[str, Ruleset] = MappingProxyType(
    {"permen-14-2018": _build_2018(), "permen-02-2016": _build_2016()}
)


def get_ruleset(name: str | Ruleset = DEFAULT_RULESET) -> Ruleset:
    """The ruleset called ``name`` (a :class:`Ruleset` is returned as it is).

    Names are matched case-insensitively; ``"2018"``, ``"14/2018"``, ``"2016"`` and
    ``"02/2016"`` are accepted as short forms.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> rs = kg.get_ruleset("permen-02-2016")
    >>> len(rs.criteria), rs.max_total, rs.aspects["drainase"]
    (19, 95, ('4a', '4b', '4c', '4d', '4e'))
    """
    if isinstance(name, Ruleset):
        return name
    key = str(name).strip().lower()
    short = {"2018": "permen-14-2018", "14/2018": "permen-14-2018"}
    short |= {"2016": "permen-02-2016", "02/2016": "permen-02-2016", "2/2016": "permen-02-2016"}
    key = short.get(key, key)
    if key not in RULESETS:
        raise InputError(
            f"unknown ruleset {name!r}; use one of {list(RULESETS)} "
            f"(the default is {DEFAULT_RULESET!r})."
        )
    return RULESETS[key]


def ruleset_of(assessed: pd.DataFrame, ruleset: str | Ruleset | None = None) -> Ruleset:
    """``ruleset`` when given, else the ruleset ``assessed`` was scored with.

    :func:`kotaku_gis.assess` records its ruleset's name in ``attrs["ruleset"]``; a frame
    without it is taken to follow :data:`DEFAULT_RULESET`.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.rulesets import ruleset_of
    >>> frame = pd.DataFrame({"total_score": [20]})
    >>> frame.attrs["ruleset"] = "permen-02-2016"
    >>> ruleset_of(frame).name, ruleset_of(pd.DataFrame()).name, ruleset_of(frame, "2018").name
    ('permen-02-2016', 'permen-14-2018', 'permen-14-2018')
    """
    if ruleset is not None:
        return get_ruleset(ruleset)
    return get_ruleset(assessed.attrs.get("ruleset", DEFAULT_RULESET))


def all_codes() -> tuple[str, ...]:
    """Every criterion code known to any ruleset, in a stable order.

    Examples
    --------
    >>> from kotaku_gis.rulesets import all_codes
    >>> len(all_codes()), all_codes()[-4:]
    (19, ('6b', '6c', '7a', '7b'))
    """
    return tuple(sorted(criterion_units()))


def criterion_units() -> dict[str, str]:
    """The measure of each criterion code known to any ruleset (``m``, ``ha``, ``households``,
    ``buildings``).

    Examples
    --------
    >>> from kotaku_gis.rulesets import criterion_units
    >>> criterion_units()["2a"], criterion_units()["4a"], criterion_units()["6c"]
    ('m', 'ha', 'households')
    """
    out: dict[str, str] = {}
    for rs in RULESETS.values():
        for c in rs.criteria:
            out.setdefault(c.code, c.unit)
    return out
