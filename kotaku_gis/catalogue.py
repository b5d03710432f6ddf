"""The catalogue of intervention kinds: what each kind of work serves, and how far.

Every work in KOTAKU belongs to one of eight categories (DESIGN §3). Under each category the
programme's activity names (as they appear in RPLP/RKM and the SIM monitoring exports) are
listed with the criteria they reduce, the unit their volume is counted in, and a default
service radius. A ``radius_m`` column on the interventions overrides the radius.

The radii are planning defaults. Where a national standard sets a service distance it is
cited; elsewhere the reasoning is given in ``radius_basis``. They are meant to be argued with:
pass ``radii={"hidran_umum": 150}`` or a ``radius_m`` column to use local values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from .errors import InputError

__all__ = ["CATEGORIES", "INTERVENTION_KINDS", "Kind", "catalogue_frame", "resolve_kinds"]

#: How a criterion's reduction is measured from a work's geometry.
#: ``m``: metres of line inside the unit; ``ha``: hectares of the service area inside the unit;
#: ``households`` / ``buildings``: the unit's count times the share of it that is served.
MEASURES = ("m", "ha", "households", "buildings")


@dataclass(frozen=True)
class Kind:
    """One kind of intervention: a category or an activity under it."""

    key: str
    name: str
    category: str
    criteria: Mapping[str, str]
    unit: str
    radius_m: float
    radius_basis: str
    aliases: tuple[str, ...] = ()
    activities: tuple[str, ...] = field(default=())
    #: True for works counted per item (a rehabilitated house): the volume goes to the unit
    #: that contains the point instead of a service disc.
    by_volume: bool = False

    @property
    def is_category(self) -> bool:
        return self.key == self.category


_ROADS = {"2a": "m", "2b": "m", "1a": "buildings", "7a": "buildings"}
_DRAINS = {"4b": "m", "4c": "m", "4a": "ha"}
_FLOOD = {"4a": "ha"}
_WATER = {"3a": "households", "3b": "households"}
_SANITATION = {"5a": "households", "5b": "households"}
_WASTE = {"6a": "households", "6b": "households"}
_FIRE = {"7a": "buildings", "7b": "buildings"}
_HOUSING = {"1c": "buildings", "1b": "ha"}

_ROAD_BASIS = (
    "A lingkungan road serves the plots that front it: kampung plots are 10-20 m deep, "
    "so 25 m either side of the centreline reaches the back of the first row of houses."
)
_DRAIN_BASIS = (
    "A neighbourhood drain collects runoff from the plots beside it; the same 25 m either "
    "side as roads, since tertiary drains run along the lanes."
)

# (key, name, category, criteria, unit, radius, basis, aliases, by_volume)
_ACTIVITIES: list[tuple] = [
    # jalan lingkungan
    (
        "jalan_beton",
        "Jalan beton",
        "jalan",
        _ROADS,
        "m",
        25,
        _ROAD_BASIS,
        ("rabat beton", "jalan rabat beton", "jalan lingkungan"),
        False,
    ),
    (
        "paving",
        "Jalan paving",
        "jalan",
        _ROADS,
        "m",
        25,
        _ROAD_BASIS,
        ("paving block", "jalan paving block"),
        False,
    ),
    ("aspal", "Jalan aspal", "jalan", _ROADS, "m", 25, _ROAD_BASIS, ("hotmix", "lapen"), False),
    ("makadam", "Jalan makadam", "jalan", _ROADS, "m", 25, _ROAD_BASIS, ("telford",), False),
    (
        "jembatan",
        "Jembatan",
        "jalan",
        _ROADS,
        "m",
        25,
        _ROAD_BASIS,
        ("jembatan lingkungan", "titian"),
        False,
    ),
    (
        "pedestrian",
        "Jalan setapak / pedestrian",
        "jalan",
        _ROADS,
        "m",
        15,
        "Footpaths serve only the houses directly beside them: 15 m either side.",
        ("jalan setapak", "pedestrian", "trotoar"),
        False,
    ),
    # drainase
    (
        "drainase_lingkungan",
        "Drainase lingkungan",
        "drainase",
        _DRAINS,
        "m",
        25,
        _DRAIN_BASIS,
        ("saluran drainase", "drainase", "saluran"),
        False,
    ),
    (
        "normalisasi_saluran",
        "Normalisasi saluran",
        "drainase",
        _DRAINS,
        "m",
        25,
        _DRAIN_BASIS,
        ("normalisasi",),
        False,
    ),
    (
        "gorong_gorong",
        "Gorong-gorong",
        "drainase",
        _DRAINS,
        "m",
        25,
        _DRAIN_BASIS,
        ("box culvert", "culvert"),
        False,
    ),
    # pengendali banjir
    (
        "tanggul",
        "Tanggul",
        "pengendali_banjir",
        _FLOOD,
        "m",
        100,
        "An embankment protects the low strip behind it; 100 m is the depth of the first "
        "blocks behind a river wall in Mataram's kampung.",
        ("talud", "tanggul banjir"),
        False,
    ),
    (
        "pompa_banjir",
        "Pompa banjir",
        "pengendali_banjir",
        _FLOOD,
        "unit",
        200,
        "A drainage pump serves its sub-catchment; 200 m is a typical kampung pump's polder.",
        ("pompa", "rumah pompa"),
        False,
    ),
    (
        "kolam_retensi",
        "Kolam retensi",
        "pengendali_banjir",
        _FLOOD,
        "ha",
        100,
        "A retention pond relieves the blocks draining into it, about 100 m around.",
        ("kolam resapan", "embung"),
        False,
    ),
    (
        "sumur_resapan",
        "Sumur resapan",
        "pengendali_banjir",
        _FLOOD,
        "unit",
        10,
        "An infiltration well takes the roof runoff of the house or two around it.",
        ("biopori", "lubang biopori"),
        False,
    ),
    # air minum
    (
        "sambungan_rumah",
        "Sambungan rumah (SR)",
        "air_minum",
        _WATER,
        "unit",
        10,
        "A house connection serves the house it is in; 10 m absorbs GPS error.",
        ("sr", "sambungan rumah", "sambungan rumah pdam"),
        False,
    ),
    (
        "hidran_umum",
        "Hidran umum / kran umum",
        "air_minum",
        _WATER,
        "unit",
        100,
        "SNI 03-1733-2004 (planning of urban housing neighbourhoods) sets a public tap's "
        "service radius at no more than 100 m.",
        ("kran umum", "hu", "hidran umum"),
        False,
    ),
    (
        "sumur_bor",
        "Sumur bor",
        "air_minum",
        _WATER,
        "unit",
        100,
        "A communal bore well is used like a public tap: the same 100 m walking radius.",
        ("sumur bor komunal", "sumur dalam"),
        False,
    ),
    (
        "perpipaan",
        "Jaringan perpipaan air minum",
        "air_minum",
        _WATER,
        "m",
        25,
        "A distribution main reaches the houses fronting it: 25 m, as for roads.",
        ("pipa distribusi", "jaringan perpipaan", "perpipaan air minum"),
        False,
    ),
    (
        "pah",
        "Penampungan air hujan (PAH)",
        "air_minum",
        _WATER,
        "unit",
        10,
        "A rainwater tank serves the household that owns it.",
        ("penampungan air hujan",),
        False,
    ),
    # air limbah
    (
        "septictank_komunal",
        "Septictank komunal",
        "air_limbah",
        _SANITATION,
        "unit",
        50,
        "A communal septic tank takes 5-10 houses on a short sewer: about 50 m around.",
        ("tangki septik komunal", "septic tank komunal"),
        False,
    ),
    (
        "ipal_komunal",
        "IPAL komunal",
        "air_limbah",
        _SANITATION,
        "unit",
        150,
        "A SANIMAS-type communal treatment plant serves 50-100 households on a shallow sewer "
        "reaching about 150 m.",
        ("ipal", "sanimas"),
        False,
    ),
    (
        "mck",
        "MCK umum",
        "air_limbah",
        _SANITATION,
        "unit",
        100,
        "A public toilet block is used by households within about 100 m walking distance.",
        ("mck plus", "mck komunal"),
        False,
    ),
    (
        "jamban",
        "Jamban keluarga",
        "air_limbah",
        _SANITATION,
        "unit",
        10,
        "A household latrine serves the household it is built for.",
        ("jamban sehat", "tangki septik individual"),
        False,
    ),
    # persampahan
    (
        "tps_3r",
        "TPS 3R",
        "persampahan",
        _WASTE,
        "unit",
        500,
        "A TPS 3R is sized for 200-400 households, about a kelurahan's slum area: 500 m.",
        ("tps", "tempat pengolahan sampah 3r"),
        False,
    ),
    (
        "gerobak_sampah",
        "Gerobak sampah",
        "persampahan",
        _WASTE,
        "unit",
        300,
        "A handcart collects from about 100 households per round within 300 m.",
        ("gerobak",),
        False,
    ),
    (
        "motor_sampah",
        "Motor sampah",
        "persampahan",
        _WASTE,
        "unit",
        500,
        "A three-wheeled collection motorbike covers about twice a handcart's round: 500 m.",
        ("motor roda tiga sampah", "kendaraan roda tiga"),
        False,
    ),
    (
        "mobil_sampah",
        "Mobil sampah",
        "persampahan",
        _WASTE,
        "unit",
        1000,
        "A collection truck serves a kelurahan route: 1 km.",
        ("dump truck", "truk sampah"),
        False,
    ),
    (
        "bak_sampah",
        "Bak sampah komunal",
        "persampahan",
        _WASTE,
        "unit",
        50,
        "A communal bin is used by the houses within about 50 m.",
        ("bak sampah", "tong sampah", "kontainer sampah"),
        False,
    ),
    # proteksi kebakaran
    (
        "hidran_kebakaran",
        "Hidran kebakaran",
        "proteksi_kebakaran",
        {"7a": "buildings"},
        "unit",
        100,
        "Hydrants in residential areas are spaced about 200 m apart, so each covers a 100 m "
        "radius reached by two lengths of hose.",
        ("hidran", "hydrant", "hidran halaman"),
        False,
    ),
    (
        "apar",
        "APAR",
        "proteksi_kebakaran",
        {"7b": "buildings"},
        "unit",
        25,
        "A portable extinguisher is useful within a short run, about 25 m.",
        ("alat pemadam api ringan",),
        False,
    ),
    (
        "motor_pemadam",
        "Motor pemadam kebakaran",
        "proteksi_kebakaran",
        {"7b": "buildings"},
        "unit",
        250,
        "A fire motorbike reaches lanes too narrow for trucks; its pump and hose serve about "
        "250 m.",
        ("motor pemadam",),
        False,
    ),
    (
        "mobil_pemadam",
        "Mobil pemadam kebakaran",
        "proteksi_kebakaran",
        {"7b": "buildings"},
        "unit",
        500,
        "A small fire truck stationed in the kelurahan serves the lanes it can enter, about 500 m.",
        ("mobil pemadam", "damkar"),
        False,
    ),
    # perumahan
    (
        "rehab_rtlh",
        "Rehab RTLH",
        "perumahan",
        {"1c": "buildings"},
        "unit",
        0,
        "A house rehabilitation fixes the houses counted in its volume, in the unit that holds "
        "the point.",
        ("rtlh", "bedah rumah", "rehabilitasi rumah"),
        True,
    ),
    (
        "rumah_deret",
        "Rumah deret",
        "perumahan",
        _HOUSING,
        "ha",
        0,
        "Row housing replaces the dense block it is built on: its polygon, no buffer.",
        ("peremajaan", "rumah susun"),
        False,
    ),
]

_CATEGORY_INFO: dict[str, tuple[str, Mapping[str, str], str, float, str]] = {
    "jalan": ("Jalan lingkungan", _ROADS, "m", 25, _ROAD_BASIS),
    "drainase": ("Drainase lingkungan", _DRAINS, "m", 25, _DRAIN_BASIS),
    "pengendali_banjir": (
        "Pengendali banjir",
        _FLOOD,
        "unit",
        100,
        "Flood works relieve the blocks around them: 100 m.",
    ),
    "air_minum": (
        "Air minum",
        _WATER,
        "unit",
        100,
        "SNI 03-1733-2004: a public tap serves a radius of at most 100 m.",
    ),
    "air_limbah": (
        "Air limbah",
        _SANITATION,
        "unit",
        50,
        "A communal sanitation work serves the houses on its short sewer: 50 m.",
    ),
    "persampahan": (
        "Persampahan",
        _WASTE,
        "unit",
        300,
        "Waste collection covers a handcart's round: 300 m.",
    ),
    "proteksi_kebakaran": (
        "Proteksi kebakaran",
        _FIRE,
        "unit",
        100,
        "Hydrants about 200 m apart each cover a 100 m radius.",
    ),
    "perumahan": (
        "Perumahan",
        _HOUSING,
        "unit",
        0,
        "Housing works act on the buildings and ground they occupy: no buffer.",
    ),
}

#: The eight category keys of DESIGN §3.
CATEGORIES: tuple[str, ...] = tuple(_CATEGORY_INFO)


def _build() -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for cat, (name, crit, unit, radius, basis) in _CATEGORY_INFO.items():
        acts = tuple(a[0] for a in _ACTIVITIES if a[2] == cat)
        kinds[cat] = Kind(
            cat,
            name,
            cat,
            MappingProxyType(dict(crit)),
            unit,
            float(radius),
            basis,
            (name.lower(),),
            acts,
        )
    for key, name, cat, crit, unit, radius, basis, aliases, by_volume in _ACTIVITIES:
        kinds[key] = Kind(
            key,
            name,
            cat,
            MappingProxyType(dict(crit)),
            unit,
            float(radius),
            basis,
            tuple(aliases),
            (),
            by_volume,
        )
    return kinds


#: kind key → :class:`Kind`: the eight categories and every activity under them.
INTERVENTION_KINDS: Mapping[str, Kind] = MappingProxyType(_build())


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for kind in INTERVENTION_KINDS.values():
        for label in (kind.key, kind.name, *kind.aliases):
            table.setdefault(_norm(label), kind.key)
    return table


_LOOKUP = _lookup()


def resolve_kinds(values: pd.Series) -> pd.Series:
    """Map kind labels (keys or programme names, any case) to catalogue keys.

    Unknown labels give ``<NA>``; callers report them.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.catalogue import resolve_kinds
    >>> resolve_kinds(pd.Series(["JALAN", "Hidran Umum", "Gorong-gorong", "kapal"])).tolist()
    ['jalan', 'hidran_umum', 'gorong_gorong', <NA>]
    """
    text = values.astype("string")
    # Thousands of works share a few dozen labels: normalise each distinct label once.
    keys = {v: _LOOKUP.get(_norm(v)) for v in text.dropna().unique()}
    return text.map(keys).astype("string")


def category_of(keys: pd.Series) -> pd.Series:
    """The category of each catalogue key (``<NA>`` stays ``<NA>``).

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.catalogue import category_of
    >>> category_of(pd.Series(["hidran_umum", None, "jalan"])).tolist()
    ['air_minum', <NA>, 'jalan']
    """
    cats = {k: v.category for k, v in INTERVENTION_KINDS.items()}
    return keys.map(cats).astype("string")


def default_radii(keys: pd.Series, radii: Mapping[str, float] | None = None) -> pd.Series:
    """Service radius in metres of each catalogue key, with overrides by key or category.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.catalogue import default_radii
    >>> default_radii(pd.Series(["hidran_umum", "jalan"]), {"air_minum": 50}).tolist()
    [50.0, 25.0]
    """
    radii = dict(radii or {})
    unknown = [k for k in radii if k not in INTERVENTION_KINDS]
    if unknown:
        raise InputError(
            f"radii names unknown kinds {unknown}; use keys of kg.INTERVENTION_KINDS "
            f"such as {list(CATEGORIES)}."
        )
    out = {}
    for key, kind in INTERVENTION_KINDS.items():
        if key in radii:
            out[key] = float(radii[key])
        elif kind.category in radii:
            out[key] = float(radii[kind.category])
        else:
            out[key] = kind.radius_m
    return keys.map(out).astype(float)


def catalogue_frame() -> pd.DataFrame:
    """The catalogue as a table, one row per kind, for notebooks and reports.

    Examples
    --------
    >>> from kotaku_gis.catalogue import catalogue_frame
    >>> catalogue_frame().loc["hidran_umum", "radius_m"]
    np.float64(100.0)
    """
    rows = [
        {
            "key": k.key,
            "name": k.name,
            "category": k.category,
            "criteria": ", ".join(f"{c} ({u})" for c, u in k.criteria.items()),
            "unit": k.unit,
            "radius_m": k.radius_m,
            "radius_basis": k.radius_basis,
            "aliases": ", ".join(k.aliases),
        }
        for k in INTERVENTION_KINDS.values()
    ]
    return pd.DataFrame(rows).set_index("key")
