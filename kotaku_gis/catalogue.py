"""The catalogue of intervention kinds: what each kind of work reduces, how far, for how many.

Every work in KOTAKU belongs to one of eight categories (DESIGN §3). Under each category the
programme's activity names (as they appear in RPLP/RKM and the SIM monitoring exports) are
listed with the criteria they reduce, the measure of each reduction, a default service
radius and, where a standard sets one, a capacity (how many people, households or buildings
one work can serve). A ``radius_m`` column on the interventions overrides the radius.

How the table is written
    The catalogue is Python data declared by keyword: a category row (:class:`_Category`)
    states its criteria, unit, radius and capacity and the source of each; an activity row
    (:class:`_Activity`) states only what differs from its category, and inherits the rest
    together with its source. Python rows were chosen over a data file: the sources sit next
    to the values they support, a mistyped field fails at import (frozen dataclasses with
    keyword arguments), nothing has to be shipped as package data, and the checks run in
    :func:`_build` on every import (each code is a criterion of some ruleset, in the
    criterion's own measure; a changed criterion, radius or capacity carries its source).

Sources
    Every criterion list, radius and capacity carries ``*_source`` text and, where there is
    one, a ``*_url``. A value that no standard fixes is marked ``"planning default"`` in its
    ``*_source`` with the reasoning beside it (``radius_basis`` for radii): such values are
    meant to be argued with. Pass ``radii={"hidran_umum": 150}`` or a ``radius_m`` column to
    use local radii. The table with every source is :func:`catalogue_frame`.

The 6a / 6b split of waste works
    Permen PUPR 14/2018 separates the waste facilities (6a, *prasarana dan sarana
    persampahan*: bins, TPS / TPS 3R, collection carts and trucks, TPST) from the management
    system (6b, *sistem pengelolaan*: sorting, collection, transport, processing). City slum
    applications of the programme credit works to one or the other, and they disagree: one
    credits TPS 3R, bak sampah and komposter to 6a and gerobak, motor and mobil sampah to
    6b; another credits TPS / TPST to 6a and TPS 3R and bank sampah to 6b. This catalogue
    follows the first for every kind it names (a place that holds or treats waste is a
    facility, 6a; a collection round is the system, 6b), the second for TPS / TPST (6a) and
    bank sampah (6b), which the first does not name. TPS 3R is the one kind on which they
    disagree; it is counted under 6a only, so it is never credited twice. A work named only
    by the category ``persampahan`` is taken as the category's package and reduces both.

Criteria of the 2016 ruleset
    Permen PUPR 02/2016 has three criteria that 2018 dropped (:mod:`kotaku_gis.rulesets`):
    4d, drainage not connected to the city system; 4e, drainage not maintained, so solid and
    liquid waste accumulates in it; 6c, waste facilities not maintained, so they pollute.
    Only kinds whose work answers the criterion's definition name them: a connecting channel
    (``saluran_penghubung``) closes the missing link of 4d; normalising (``normalisasi_
    saluran``) and cleaning (``pembersihan_saluran``) a channel remove the accumulation of
    4e; collection vehicles (gerobak, motor, mobil sampah) empty the facilities on a round,
    and maintaining a TPS (``pemeliharaan_tps``) keeps it from polluting: 6c. New drains,
    culverts and bins do not: being built says nothing about their connection or upkeep.
    Under the 2018 ruleset these rows reduce nothing.

Names that resolve
    :func:`resolve_kinds` matches a work's ``kind`` label first exactly (case, spacing and
    punctuation ignored) against the keys, names and aliases of the kinds; failing that, by
    phrases: the label is cut at ``+ / , ; & ( )`` and the words "dan" / "and", and in each part
    the longest catalogue names and aliases found as whole words are taken, left to right,
    without overlap. Words that name no kind (verbs such as "pembangunan", "peningkatan",
    "rehabilitasi", "pengadaan"; place names; sizes) are ignored. Material words ("beton",
    "paving", "perkerasan", "pasangan batu", and "jalan" itself) name a road only when the part
    of the label they are in names nothing else ("drainase beton" is a drain). A label within a
    small edit of a whole name of another kind ("hidran umun") is taken as a misspelling and
    reported, not resolved by its one matching word. When every phrase found falls in one
    category the label resolves: to the activity found first, or to the category when only the
    category is named; phrases of several categories ("Jalan dan Saluran") leave the label
    unresolved and reported as ambiguous, since one row cannot be two works. Labels of works
    that build nothing ("sosialisasi", "pelatihan", "DED", …), and labels with markup characters
    (``< > { } = | `` …), resolve to nothing. Unknown labels
    are reported with the closest catalogue names (:func:`kind_problems`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

import pandas as pd

from .errors import InputError
from .rulesets import criterion_units

__all__ = [
    "CAPACITY_MEASURES",
    "CATEGORIES",
    "INTERVENTION_KINDS",
    "MEASURES",
    "PERSONS_PER_HOUSEHOLD",
    "PLANNING_DEFAULT",
    "Kind",
    "catalogue_frame",
    "category_of",
    "default_radii",
    "kind_problems",
    "resolve_kinds",
]

#: How a criterion's reduction is measured from a work's geometry.
#: ``m``: metres of line inside the unit; ``ha``: hectares of the service area inside the unit;
#: ``households`` / ``buildings``: the unit's count times the share of it that is served.
MEASURES = ("m", "ha", "households", "buildings")
#: What a capacity counts: people (jiwa), households (rumah tangga / KK) or buildings.
CAPACITY_MEASURES = ("people", "households", "buildings")
#: The mark of a value that no standard fixes (its reasoning is given beside it).
PLANNING_DEFAULT = "planning default"
#: Persons per household, to turn a capacity in people into households where a unit has no
#: ``penduduk``: Indonesia's average household size, 3.9 persons (BPS, Sensus Penduduk 2010:
#: 237.6 million people in about 61 million households; SUSENAS since gives 3.8-3.9).
PERSONS_PER_HOUSEHOLD = 3.9

_PERMEN_2018 = "Permen PUPR 14/PRT/M/2018, Lampiran I (criteria of the aspect the work serves)"
_PERMEN_2018_URL = "https://id.scribd.com/document/414814150/Lamp-i-Permen-14-Prt-m-2018"
_SNI_1733 = "https://panbelog.wordpress.com/2014/02/19/sanitasi-rencana-jaringan-air-minum/"
_TPS3R_URL = "https://id.scribd.com/document/492276702/materi-elearning-tps3r"


@dataclass(frozen=True)
class Kind:
    """One kind of intervention: a category or an activity under it.

    ``criteria`` maps each criterion code the kind reduces to the measure of the reduction
    (one of :data:`MEASURES`). ``capacity`` is how many ``capacity_measure`` (people,
    households or buildings) one work serves at most, or None. Each of criteria, radius and
    capacity carries its source: ``*_source`` is the citation (or :data:`PLANNING_DEFAULT`)
    and ``*_url`` a copy of it where there is one; ``radius_basis`` is the reasoning.
    """

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
    radius_source: str = PLANNING_DEFAULT
    radius_url: str | None = None
    criteria_source: str = ""
    criteria_url: str | None = None
    capacity: float | None = None
    capacity_measure: str | None = None
    capacity_source: str | None = None
    capacity_url: str | None = None
    #: Material words that name this kind only when a label names nothing else.
    weak_aliases: tuple[str, ...] = ()

    @property
    def is_category(self) -> bool:
        return self.key == self.category


# ---------------------------------------------------------------- the rows


@dataclass(frozen=True, kw_only=True)
class _Category:
    """A category row: every field stated, with its source."""

    key: str
    name: str
    criteria: Mapping[str, str]
    criteria_source: str
    unit: str
    radius_m: float
    radius_basis: str
    radius_source: str = PLANNING_DEFAULT
    criteria_url: str | None = None
    radius_url: str | None = None
    capacity: float | None = None
    capacity_measure: str | None = None
    capacity_source: str | None = None
    capacity_url: str | None = None
    aliases: tuple[str, ...] = ()
    weak_aliases: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class _Activity:
    """An activity row: what differs from its category (None: the category's value)."""

    key: str
    name: str
    category: str
    criteria: Mapping[str, str] | None = None
    criteria_source: str | None = None
    criteria_url: str | None = None
    unit: str | None = None
    radius_m: float | None = None
    radius_basis: str | None = None
    radius_source: str | None = None
    radius_url: str | None = None
    capacity: float | None = None
    capacity_measure: str | None = None
    capacity_source: str | None = None
    capacity_url: str | None = None
    aliases: tuple[str, ...] = ()
    weak_aliases: tuple[str, ...] = ()
    by_volume: bool = False


_ROAD_BASIS = (
    "A lingkungan road serves the plots that front it: kampung plots are 10-20 m deep, "
    "so 25 m either side of the centreline reaches the back of the first row of houses."
)
_DRAIN_BASIS = (
    "A neighbourhood drain collects runoff from the plots beside it; the same 25 m either "
    "side as roads, since tertiary drains run along the lanes."
)
_WASTE_6A = (
    "6a (prasarana dan sarana persampahan): a place that holds or treats waste is a "
    "facility, as a city slum application of the programme credits TPS 3R, bak sampah and "
    "komposter to 6a (another credits TPS / TPST to 6a and TPS 3R to 6b; TPS 3R is counted "
    "under 6a only, never twice)"
)
_WASTE_6B_6C = (
    "6b (sistem pengelolaan: collection and transport), as a city slum application of the "
    "programme credits gerobak, motor and mobil sampah to 6b; and 6c of the 2016 ruleset "
    "(facilities not maintained, so they pollute): a collection round empties the bins and "
    "TPS it serves"
)

_CATEGORY_ROWS: tuple[_Category, ...] = (
    _Category(
        key="jalan",
        name="Jalan lingkungan",
        criteria={"2a": "m", "2b": "m", "1a": "buildings", "7a": "buildings"},
        criteria_source=(
            f"{_PERMEN_2018}: 2a/2b are the road criteria; 1a counts buildings without "
            "direct access to a road (the baseline asks 'akses langsung ke jalan'), and 7a's "
            "prasarana proteksi kebakaran include a lane fire engines can use"
        ),
        criteria_url=_PERMEN_2018_URL,
        unit="m",
        radius_m=25,
        radius_basis=_ROAD_BASIS,
        aliases=("jalan lingkungan", "perkerasan jalan"),
        weak_aliases=("perkerasan", "pasangan batu", "jalan"),
    ),
    _Category(
        key="drainase",
        name="Drainase lingkungan",
        criteria={"4b": "m", "4c": "m", "4a": "ha"},
        criteria_source=(
            f"{_PERMEN_2018}: a new drain where there was none (4b), built to standard (4c), "
            "drains the runoff of the ground around it (4a)"
        ),
        criteria_url=_PERMEN_2018_URL,
        unit="m",
        radius_m=25,
        radius_basis=_DRAIN_BASIS,
        aliases=("drainase", "drainase lingkungan", "saluran drainase", "saluran"),
    ),
    _Category(
        key="pengendali_banjir",
        name="Pengendali banjir",
        criteria={"4a": "ha"},
        criteria_source=(
            f"{_PERMEN_2018}: 4a is the area that cannot drain its runoff (genangan), which "
            "flood works relieve"
        ),
        criteria_url=_PERMEN_2018_URL,
        unit="unit",
        radius_m=100,
        radius_basis="Flood works relieve the blocks around them: 100 m.",
        aliases=("pengendalian banjir", "penanganan banjir"),
    ),
    _Category(
        key="air_minum",
        name="Air minum",
        criteria={"3a": "households", "3b": "households"},
        criteria_source=f"{_PERMEN_2018}: 3a access to safe water, 3b enough water",
        criteria_url=_PERMEN_2018_URL,
        unit="unit",
        radius_m=100,
        radius_basis="A water point is used by households within walking distance.",
        radius_source=(
            "SNI 03-1733-2004 (Tata cara perencanaan lingkungan perumahan di perkotaan): a "
            "public tap serves a radius of at most 100 m"
        ),
        radius_url=_SNI_1733,
        aliases=("air bersih", "penyediaan air minum", "spam"),
    ),
    _Category(
        key="air_limbah",
        name="Air limbah",
        criteria={"5a": "households", "5b": "households"},
        criteria_source=(
            f"{_PERMEN_2018}: 5a the wastewater system, 5b its facilities (latrine, septic "
            "tank, communal treatment)"
        ),
        criteria_url=_PERMEN_2018_URL,
        unit="unit",
        radius_m=50,
        radius_basis="A communal sanitation work serves the houses on its short sewer: 50 m.",
        aliases=("sanitasi", "saluran air limbah", "spal", "spald", "air limbah"),
    ),
    _Category(
        key="persampahan",
        name="Persampahan",
        criteria={"6a": "households", "6b": "households"},
        criteria_source=(
            f"{_PERMEN_2018}: 6a the facilities, 6b the management system; a work named only "
            "by this category is taken as a package serving both (name the activity for the "
            "split)"
        ),
        criteria_url=_PERMEN_2018_URL,
        unit="unit",
        radius_m=300,
        radius_basis="Waste collection covers a handcart's round: 300 m.",
        aliases=("sampah", "pengelolaan sampah", "sarana persampahan"),
    ),
    _Category(
        key="proteksi_kebakaran",
        name="Proteksi kebakaran",
        criteria={"7a": "buildings", "7b": "buildings"},
        criteria_source=f"{_PERMEN_2018}: 7a the infrastructure, 7b the equipment",
        criteria_url=_PERMEN_2018_URL,
        unit="unit",
        radius_m=100,
        radius_basis=(
            "Hydrants in residential areas are spaced at most 200 m apart, so each covers a "
            "100 m radius."
        ),
        radius_source=(
            "SNI 03-1733-2004: in housing areas fire hydrants stand at most 200 m apart"
        ),
        radius_url=_SNI_1733,
        aliases=("kebakaran", "pemadam kebakaran"),
    ),
    _Category(
        key="perumahan",
        name="Perumahan",
        criteria={"1c": "buildings", "1b": "ha"},
        criteria_source=(
            f"{_PERMEN_2018}: 1c buildings below the technical requirements, 1b density "
            "above the spatial plan"
        ),
        criteria_url=_PERMEN_2018_URL,
        unit="unit",
        radius_m=0,
        radius_basis="Housing works act on the buildings and ground they occupy: no buffer.",
        aliases=("peningkatan kualitas rumah",),
    ),
)

_ACTIVITY_ROWS: tuple[_Activity, ...] = (
    # jalan lingkungan
    _Activity(
        key="jalan_beton",
        name="Jalan beton",
        category="jalan",
        aliases=("rabat beton", "jalan rabat beton", "jalan beton", "cor beton"),
        weak_aliases=("beton", "cor", "rabat"),
    ),
    _Activity(
        key="paving",
        name="Jalan paving",
        category="jalan",
        aliases=("paving block", "jalan paving block", "conblock", "jalan paving"),
        weak_aliases=("paving",),
    ),
    _Activity(
        key="aspal",
        name="Jalan aspal",
        category="jalan",
        aliases=("hotmix", "lapen", "jalan aspal", "hot mix", "lapen aspal"),
        weak_aliases=("aspal",),
    ),
    _Activity(key="makadam", name="Jalan makadam", category="jalan", aliases=("telford",)),
    _Activity(
        key="jembatan",
        name="Jembatan",
        category="jalan",
        aliases=("jembatan lingkungan", "titian", "jembatan titian", "jembatan kayu"),
    ),
    _Activity(
        key="pedestrian",
        name="Jalan setapak / pedestrian",
        category="jalan",
        radius_m=15,
        radius_basis="Footpaths serve only the houses directly beside them: 15 m either side.",
        radius_source=PLANNING_DEFAULT,
        aliases=("jalan setapak", "pedestrian", "trotoar", "jalan inspeksi"),
    ),
    # drainase
    _Activity(
        key="drainase_lingkungan",
        name="Drainase lingkungan",
        category="drainase",
        aliases=("saluran drainase tertutup", "saluran drainase terbuka", "box drainase"),
    ),
    _Activity(
        key="normalisasi_saluran",
        name="Normalisasi saluran",
        category="drainase",
        criteria={"4c": "m", "4e": "m", "4a": "ha"},
        criteria_source=(
            f"{_PERMEN_2018}; Permen PUPR 02/PRT/M/2016, Lampiran I: normalising an existing "
            "channel restores its section (4c) and its flow (4a) and removes the waste "
            "accumulated in it (4e of 2016); it adds no drain where there was none, so not 4b"
        ),
        criteria_url=_PERMEN_2018_URL,
        aliases=("normalisasi", "normalisasi drainase", "normalisasi sungai"),
    ),
    _Activity(
        key="pembersihan_saluran",
        name="Pembersihan / pemeliharaan saluran",
        category="drainase",
        criteria={"4e": "m"},
        criteria_source=(
            "Permen PUPR 02/PRT/M/2016, Lampiran I: 4e is drainage not maintained, so solid "
            "and liquid waste accumulates in it; cleaning the channel answers exactly that"
        ),
        criteria_url="https://123dok.com/document/y65e1poz-lampiran.html",
        aliases=(
            "pembersihan saluran",
            "pembersihan drainase",
            "pengerukan saluran",
            "pemeliharaan saluran",
            "pemeliharaan drainase",
            "pengerukan sedimen",
        ),
    ),
    _Activity(
        key="saluran_penghubung",
        name="Saluran penghubung",
        category="drainase",
        criteria={"4b": "m", "4c": "m", "4d": "m", "4a": "ha"},
        criteria_source=(
            "Permen PUPR 02/PRT/M/2016, Lampiran I: 4d is drainage not connected to the city "
            "system; a connecting channel is a new drain (4b, 4c, 4a) that closes that link"
        ),
        criteria_url="https://123dok.com/document/y65e1poz-lampiran.html",
        aliases=("saluran penghubung", "drainase penghubung", "sambungan drainase"),
    ),
    _Activity(
        key="gorong_gorong",
        name="Gorong-gorong",
        category="drainase",
        aliases=("box culvert", "culvert", "gorong gorong"),
    ),
    # pengendali banjir
    _Activity(
        key="tanggul",
        name="Tanggul",
        category="pengendali_banjir",
        unit="m",
        radius_m=100,
        radius_basis=(
            "An embankment protects the low strip behind it; 100 m is the depth of the first "
            "blocks behind a river wall in Mataram's kampung."
        ),
        radius_source=PLANNING_DEFAULT,
        aliases=("talud", "tanggul banjir", "turap"),
    ),
    _Activity(
        key="pompa_banjir",
        name="Pompa banjir",
        category="pengendali_banjir",
        radius_m=200,
        radius_basis=(
            "A drainage pump serves its sub-catchment; 200 m is a typical kampung pump's polder."
        ),
        radius_source=PLANNING_DEFAULT,
        aliases=("pompa", "rumah pompa", "pompa drainase"),
    ),
    _Activity(
        key="kolam_retensi",
        name="Kolam retensi",
        category="pengendali_banjir",
        unit="ha",
        radius_basis="A retention pond relieves the blocks draining into it, about 100 m around.",
        aliases=("kolam resapan", "embung", "kolam retensi"),
    ),
    _Activity(
        key="sumur_resapan",
        name="Sumur resapan",
        category="pengendali_banjir",
        radius_m=10,
        radius_basis="An infiltration well takes the roof runoff of the house or two around it.",
        radius_source=PLANNING_DEFAULT,
        aliases=("biopori", "lubang biopori", "sumur resapan"),
    ),
    # air minum
    _Activity(
        key="sambungan_rumah",
        name="Sambungan rumah (SR)",
        category="air_minum",
        radius_m=10,
        radius_basis="A house connection serves the house it is in; 10 m absorbs GPS error.",
        radius_source=PLANNING_DEFAULT,
        aliases=("sr", "sambungan rumah", "sambungan rumah pdam", "sambungan langsung"),
    ),
    _Activity(
        key="hidran_umum",
        name="Hidran umum / kran umum",
        category="air_minum",
        radius_basis=(
            "SNI 03-1733-2004 (planning of urban housing neighbourhoods) sets a public tap's "
            "service radius at no more than 100 m."
        ),
        capacity=200,
        capacity_measure="people",
        capacity_source="SNI 03-1733-2004: one public tap (kran umum) for 200 people (jiwa)",
        capacity_url=_SNI_1733,
        aliases=("kran umum", "hu", "hidran umum", "hydrant umum", "terminal air", "kran air"),
    ),
    _Activity(
        key="sumur_bor",
        name="Sumur bor",
        category="air_minum",
        radius_basis="A communal bore well is used like a public tap: the same 100 m radius.",
        radius_source=PLANNING_DEFAULT,
        capacity=200,
        capacity_measure="people",
        capacity_source=(
            f"{PLANNING_DEFAULT}: a communal bore well is drawn on like a public tap, so it "
            "takes the tap's 200 people of SNI 03-1733-2004"
        ),
        aliases=("sumur bor komunal", "sumur dalam", "sumur bor"),
    ),
    _Activity(
        key="perpipaan",
        name="Jaringan perpipaan air minum",
        category="air_minum",
        unit="m",
        radius_m=25,
        radius_basis="A distribution main reaches the houses fronting it: 25 m, as for roads.",
        radius_source=PLANNING_DEFAULT,
        aliases=("pipa distribusi", "jaringan perpipaan", "perpipaan air minum", "pipa air minum"),
    ),
    _Activity(
        key="pah",
        name="Penampungan air hujan (PAH)",
        category="air_minum",
        radius_m=10,
        radius_basis="A rainwater tank serves the household that owns it.",
        radius_source=PLANNING_DEFAULT,
        aliases=("penampungan air hujan",),
    ),
    # air limbah
    _Activity(
        key="septictank_komunal",
        name="Septictank komunal",
        category="air_limbah",
        radius_basis=(
            "A communal septic tank takes a few houses on a short sewer: about 50 m around."
        ),
        capacity=10,
        capacity_measure="households",
        capacity_source=(
            f"{PLANNING_DEFAULT}: a shared septic tank serves 2-10 houses; the upper end, 10 "
            "households, is taken so that a tank is never credited with more than it holds"
        ),
        aliases=("tangki septik komunal", "septic tank komunal", "tangki septik bersama"),
    ),
    _Activity(
        key="ipal_komunal",
        name="IPAL komunal",
        category="air_limbah",
        radius_m=150,
        radius_basis=(
            "A SANIMAS-type communal treatment plant serves 50-100 households on a shallow sewer "
            "reaching about 150 m."
        ),
        radius_source=PLANNING_DEFAULT,
        aliases=("ipal", "sanimas", "ipal komunal"),
    ),
    _Activity(
        key="mck",
        name="MCK umum",
        category="air_limbah",
        radius_m=100,
        radius_basis="A public toilet block is used by households within about 100 m walking.",
        radius_source=PLANNING_DEFAULT,
        aliases=("mck plus", "mck komunal", "mck umum"),
    ),
    _Activity(
        key="jamban",
        name="Jamban keluarga",
        category="air_limbah",
        radius_m=10,
        radius_basis="A household latrine serves the household it is built for.",
        radius_source=PLANNING_DEFAULT,
        aliases=("jamban sehat", "tangki septik individual", "septic tank individual", "jamban"),
    ),
    # persampahan
    _Activity(
        key="tps_3r",
        name="TPS 3R",
        category="persampahan",
        criteria={"6a": "households"},
        criteria_source=_WASTE_6A,
        radius_m=500,
        radius_basis=(
            "A TPS 3R gathers its households from about a kelurahan's slum area: 500 m; its "
            "capacity, not the disc, bounds what it serves."
        ),
        radius_source=PLANNING_DEFAULT,
        capacity=200,
        capacity_measure="households",
        capacity_source=(
            "SE Dirjen Cipta Karya 03/SE/DC/2020, Lampiran E (and the TPS 3R technical "
            "guidance): a TPS 3R serves 'minimal 200 rumah atau KK'; the minimum every TPS 3R "
            "is built for is taken as what it serves"
        ),
        capacity_url=_TPS3R_URL,
        aliases=("tps3r", "tempat pengolahan sampah 3r", "tps 3r", "tps reduce reuse recycle"),
    ),
    _Activity(
        key="tps",
        name="TPS / TPST",
        category="persampahan",
        criteria={"6a": "households"},
        criteria_source=_WASTE_6A,
        radius_m=500,
        radius_basis="A transfer point or integrated TPS serves a kelurahan's slum area: 500 m.",
        radius_source=PLANNING_DEFAULT,
        aliases=(
            "tps",
            "tpst",
            "tempat penampungan sementara",
            "tempat pengolahan sampah terpadu",
            "depo sampah",
            "transfer depo",
        ),
    ),
    _Activity(
        key="bak_sampah",
        name="Bak sampah komunal",
        category="persampahan",
        criteria={"6a": "households"},
        criteria_source=_WASTE_6A,
        radius_m=50,
        radius_basis="A communal bin is used by the houses within about 50 m.",
        radius_source=PLANNING_DEFAULT,
        aliases=("bak sampah", "tong sampah", "kontainer sampah", "tempat sampah", "bin sampah"),
    ),
    _Activity(
        key="komposter",
        name="Komposter",
        category="persampahan",
        criteria={"6a": "households"},
        criteria_source=_WASTE_6A,
        radius_m=50,
        radius_basis="A communal composter is used by the houses around it, as a bin: 50 m.",
        radius_source=PLANNING_DEFAULT,
        aliases=("komposter", "rumah kompos", "lubang kompos"),
    ),
    _Activity(
        key="bank_sampah",
        name="Bank sampah",
        category="persampahan",
        criteria={"6b": "households"},
        criteria_source=(
            "6b (sistem pengelolaan: sorting and recycling), as a city slum application of the "
            "programme credits bank sampah to 6b; it builds no facility for 6a"
        ),
        aliases=("bank sampah",),
    ),
    _Activity(
        key="gerobak_sampah",
        name="Gerobak sampah",
        category="persampahan",
        criteria={"6b": "households", "6c": "households"},
        criteria_source=_WASTE_6B_6C,
        radius_basis="A handcart collects from about 100 households per round within 300 m.",
        aliases=("gerobak", "becak sampah", "gerobak sampah"),
    ),
    _Activity(
        key="motor_sampah",
        name="Motor sampah",
        category="persampahan",
        criteria={"6b": "households", "6c": "households"},
        criteria_source=_WASTE_6B_6C,
        radius_m=500,
        radius_basis=(
            "A three-wheeled collection motorbike covers about twice a handcart's round: 500 m."
        ),
        radius_source=PLANNING_DEFAULT,
        aliases=("motor roda tiga sampah", "kendaraan roda tiga", "motor sampah", "tossa"),
    ),
    _Activity(
        key="mobil_sampah",
        name="Mobil sampah",
        category="persampahan",
        criteria={"6b": "households", "6c": "households"},
        criteria_source=_WASTE_6B_6C,
        radius_m=1000,
        radius_basis="A collection truck serves a kelurahan route: 1 km.",
        radius_source=PLANNING_DEFAULT,
        aliases=("dump truck", "truk sampah", "mobil sampah", "arm roll"),
    ),
    _Activity(
        key="pemeliharaan_tps",
        name="Pemeliharaan TPS / sarana persampahan",
        category="persampahan",
        criteria={"6c": "households"},
        criteria_source=(
            "Permen PUPR 02/PRT/M/2016, Lampiran I: 6c is waste facilities not maintained, so "
            "they pollute; maintaining them answers exactly that (it reduces nothing under 2018)"
        ),
        criteria_url="https://123dok.com/document/y65e1poz-lampiran.html",
        radius_m=500,
        radius_basis="A maintained TPS serves the area it collects from: 500 m, as a TPS.",
        radius_source=PLANNING_DEFAULT,
        aliases=("pemeliharaan tps", "pemeliharaan sarana persampahan", "pemeliharaan tpst"),
    ),
    # proteksi kebakaran
    _Activity(
        key="hidran_kebakaran",
        name="Hidran kebakaran",
        category="proteksi_kebakaran",
        criteria={"7a": "buildings"},
        criteria_source=f"{_PERMEN_2018}: a hydrant is prasarana proteksi kebakaran (7a)",
        criteria_url=_PERMEN_2018_URL,
        aliases=("hidran", "hydrant", "hidran halaman", "hydrant kebakaran", "hidran pilar"),
    ),
    _Activity(
        key="apar",
        name="APAR",
        category="proteksi_kebakaran",
        criteria={"7b": "buildings"},
        criteria_source=f"{_PERMEN_2018}: an extinguisher is sarana proteksi kebakaran (7b)",
        criteria_url=_PERMEN_2018_URL,
        radius_m=25,
        radius_basis="A portable extinguisher is useful within a short run, about 25 m.",
        radius_source=PLANNING_DEFAULT,
        aliases=("alat pemadam api ringan", "tabung pemadam"),
    ),
    _Activity(
        key="motor_pemadam",
        name="Motor pemadam kebakaran",
        category="proteksi_kebakaran",
        criteria={"7b": "buildings"},
        criteria_source=f"{_PERMEN_2018}: a fire motorbike is sarana proteksi kebakaran (7b)",
        criteria_url=_PERMEN_2018_URL,
        radius_m=250,
        radius_basis=(
            "A fire motorbike reaches lanes too narrow for trucks; its pump and hose serve "
            "about 250 m."
        ),
        radius_source=PLANNING_DEFAULT,
        aliases=("motor pemadam",),
    ),
    _Activity(
        key="mobil_pemadam",
        name="Mobil pemadam kebakaran",
        category="proteksi_kebakaran",
        criteria={"7b": "buildings"},
        criteria_source=f"{_PERMEN_2018}: a fire truck is sarana proteksi kebakaran (7b)",
        criteria_url=_PERMEN_2018_URL,
        radius_m=500,
        radius_basis=(
            "A small fire truck stationed in the kelurahan serves the lanes it can enter, "
            "about 500 m."
        ),
        radius_source=PLANNING_DEFAULT,
        aliases=("mobil pemadam", "damkar"),
    ),
    # perumahan
    _Activity(
        key="rehab_rtlh",
        name="Rehab RTLH",
        category="perumahan",
        criteria={"1c": "buildings"},
        criteria_source=(
            f"{_PERMEN_2018}: a rehabilitated house meets the technical requirements of 1c"
        ),
        criteria_url=_PERMEN_2018_URL,
        radius_basis=(
            "A house rehabilitation fixes the houses counted in its volume, in the unit that "
            "holds the point."
        ),
        aliases=("rtlh", "bedah rumah", "rehabilitasi rumah", "rumah tidak layak huni"),
        by_volume=True,
    ),
    _Activity(
        key="rumah_deret",
        name="Rumah deret / rusun",
        category="perumahan",
        criteria={"1a": "buildings", "1b": "ha", "1c": "buildings"},
        criteria_source=(
            f"{_PERMEN_2018}: row housing or a low-rise block rebuilds the ground it stands "
            "on in a regular layout (1a), to the planned density (1b) and to the technical "
            "requirements (1c), as a city slum application of the programme credits it"
        ),
        criteria_url=_PERMEN_2018_URL,
        unit="ha",
        radius_basis="Row housing replaces the dense block it is built on: its polygon, no buffer.",
        aliases=("peremajaan", "rumah susun", "rusun", "rusunawa", "rumah deret"),
    ),
)

_NOT_WORKS = frozenset(
    {"sosialisasi", "pelatihan", "penyuluhan", "studi", "kajian", "perencanaan", "ded",
     "survei", "survey", "rapat", "pendampingan", "lokakarya", "workshop", "fgd", "bimtek"}
)  # fmt: skip


def _check(kind: Kind, declared: _Activity | _Category) -> None:
    """The rules every row keeps; a broken row fails at import, not in a planner's figure."""
    measures = criterion_units()
    for code, measure in kind.criteria.items():
        if code not in measures:
            raise ValueError(f"catalogue: {kind.key} names {code!r}, a code of no ruleset")
        if measure != measures[code] or measure not in MEASURES:
            raise ValueError(f"catalogue: {kind.key} measures {code} in {measure!r}")
    if not kind.criteria_source:
        raise ValueError(f"catalogue: {kind.key} gives no source for its criteria")
    if isinstance(declared, _Activity):
        if declared.criteria is not None and declared.criteria_source is None:
            raise ValueError(f"catalogue: {kind.key} changes its criteria without a source")
        if declared.radius_m is not None and declared.radius_source is None:
            if declared.radius_basis is None:
                raise ValueError(f"catalogue: {kind.key} changes its radius without a source")
    if kind.capacity is not None:
        if kind.capacity_measure not in CAPACITY_MEASURES or not kind.capacity > 0:
            raise ValueError(f"catalogue: {kind.key} capacity needs a measure and a size")
        if not kind.capacity_source:
            raise ValueError(f"catalogue: {kind.key} gives no source for its capacity")


def _build() -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    by_cat = {c.key: c for c in _CATEGORY_ROWS}
    for cat in _CATEGORY_ROWS:
        acts = tuple(a.key for a in _ACTIVITY_ROWS if a.category == cat.key)
        kind = Kind(
            key=cat.key,
            name=cat.name,
            category=cat.key,
            criteria=MappingProxyType(dict(cat.criteria)),
            unit=cat.unit,
            radius_m=float(cat.radius_m),
            radius_basis=cat.radius_basis,
            aliases=(cat.name.lower(), *cat.aliases),
            activities=acts,
            radius_source=cat.radius_source,
            radius_url=cat.radius_url,
            criteria_source=cat.criteria_source,
            criteria_url=cat.criteria_url,
            capacity=cat.capacity,
            capacity_measure=cat.capacity_measure,
            capacity_source=cat.capacity_source,
            capacity_url=cat.capacity_url,
            weak_aliases=cat.weak_aliases,
        )
        _check(kind, cat)
        kinds[cat.key] = kind
    for act in _ACTIVITY_ROWS:
        cat = by_cat[act.category]
        own_criteria = act.criteria is not None
        own_radius = act.radius_m is not None or act.radius_basis is not None

        def pick(name: str, act: _Activity = act, cat: _Category = cat):
            value = getattr(act, name)
            return getattr(cat, name) if value is None else value

        kind = Kind(
            key=act.key,
            name=act.name,
            category=act.category,
            criteria=MappingProxyType(dict(pick("criteria"))),
            unit=pick("unit"),
            radius_m=float(pick("radius_m")),
            radius_basis=pick("radius_basis"),
            aliases=tuple(act.aliases),
            by_volume=act.by_volume,
            radius_source=(pick("radius_source") if own_radius else cat.radius_source),
            radius_url=act.radius_url if own_radius else cat.radius_url,
            criteria_source=pick("criteria_source"),
            criteria_url=act.criteria_url if own_criteria else cat.criteria_url,
            capacity=pick("capacity"),
            capacity_measure=pick("capacity_measure"),
            capacity_source=pick("capacity_source"),
            capacity_url=pick("capacity_url"),
            weak_aliases=tuple(act.weak_aliases),
        )
        _check(kind, act)
        kinds[act.key] = kind
    return kinds


#: kind key → :class:`Kind`: the eight categories and every activity under them.
INTERVENTION_KINDS: Mapping[str, Kind] = MappingProxyType(_build())

#: The eight category keys of DESIGN §3.
CATEGORIES: tuple[str, ...] = tuple(c.key for c in _CATEGORY_ROWS)


# ---------------------------------------------------------------- names


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _tables() -> tuple[dict[str, str], dict[tuple[str, ...], str], dict[tuple[str, ...], str]]:
    exact: dict[str, str] = {}
    strong: dict[tuple[str, ...], str] = {}
    weak: dict[tuple[str, ...], str] = {}
    for kind in INTERVENTION_KINDS.values():
        # "/" in a name ("Hidran umum / kran umum") joins two names of one kind.
        for label in (kind.key, kind.name, *kind.aliases, *kind.name.split("/")):
            exact.setdefault(_norm(label), kind.key)
            strong.setdefault(tuple(_norm(label).split()), kind.key)
    for kind in INTERVENTION_KINDS.values():
        for label in kind.weak_aliases:
            exact.setdefault(_norm(label), kind.key)
            # A weak word is only weak, even where it is also a key ("jalan").
            strong.pop(tuple(_norm(label).split()), None)
            weak.setdefault(tuple(_norm(label).split()), kind.key)
    strong.pop((), None)
    return exact, strong, weak


_EXACT, _STRONG, _WEAK = _tables()
_LONGEST = max(len(p) for p in (*_STRONG, *_WEAK))
_MARKUP = re.compile(r"[<>{}=\\|`$]")
#: Similarity (difflib ratio) above which a label is taken as a misspelling of a whole name.
_TYPO_CUTOFF = 0.85
_SEPARATORS = re.compile(r"[+/,;&()\[\]]|\bdan\b|\band\b", flags=re.IGNORECASE)


def _phrases(tokens: list[str], table: dict[tuple[str, ...], str]) -> list[tuple[int, str]]:
    """Longest phrases of ``table`` in ``tokens``, left to right, without overlap."""
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
            key = table.get(tuple(tokens[i : i + n]))
            if key is not None:
                found.append((i, key))
                i += n
                break
        else:
            i += 1
    return found


@dataclass(frozen=True)
class _Resolution:
    key: str | None
    how: str
    detail: str = ""


def _categories(keys: list[str]) -> set[str]:
    return {INTERVENTION_KINDS[k].category for k in keys}


def _part_keys(part: str) -> list[str]:
    """The kinds one part of a label names, in order; material words only where they are
    all it names, or where they agree with the rest."""
    tokens = _norm(part).split()
    strong = _phrases(tokens, _STRONG)
    weak = _phrases(tokens, _WEAK)
    found = sorted(strong + weak)
    if strong and len(_categories([k for _, k in found])) > 1:
        found = strong
    return [k for _, k in found]


def _resolve_one(label: str) -> _Resolution:
    norm = _norm(label)
    if not norm:
        return _Resolution(None, "blank")
    if norm in _EXACT:
        return _Resolution(_EXACT[norm], "exact")
    if set(norm.split()) & _NOT_WORKS:
        return _Resolution(None, "not_a_work")
    if _MARKUP.search(str(label)):
        # Markup or code is no planner's name for a work: only an exact name resolves it.
        return _Resolution(None, "unknown")
    parts = _SEPARATORS.split(str(label))
    keys = list(dict.fromkeys(k for part in parts for k in _part_keys(part)))
    if not keys:
        return _Resolution(None, "unknown")
    if len(_categories(keys)) > 1:
        named = ", ".join(f"{INTERVENTION_KINDS[k].category}: {k}" for k in keys)
        return _Resolution(None, "ambiguous", named)
    # One category: the first activity named, else the category itself.
    key = next((k for k in keys if not INTERVENTION_KINDS[k].is_category), keys[0])
    # A misspelt name ("hidran umun") would otherwise resolve by its one right word
    # ("hidran", a fire hydrant) to another kind: a near miss of a whole name wins.
    near = difflib.get_close_matches(norm, list(_EXACT), n=1, cutoff=_TYPO_CUTOFF)
    if near and _EXACT[near[0]] != key:
        return _Resolution(None, "unknown")
    return _Resolution(key, "phrase")


def _resolutions(values: pd.Series) -> dict[object, _Resolution]:
    text = values.astype("string")
    # Thousands of works share a few dozen labels: resolve each distinct label once.
    return {v: _resolve_one(v) for v in text.dropna().unique()}


def resolve_kinds(values: pd.Series) -> pd.Series:
    """Map kind labels (keys, programme names, common Indonesian names) to catalogue keys.

    Exact names first, then the phrase rule of the module notes. Unknown, ambiguous and
    non-work labels give ``<NA>``; :func:`kind_problems` says why, for the callers' reports.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.catalogue import resolve_kinds
    >>> resolve_kinds(pd.Series(["JALAN", "Hidran Umum", "BETON + ASPAL",
    ...     "Peningkatan Jalan Paving", "Jalan dan Saluran", "kapal"])).tolist()
    ['jalan', 'hidran_umum', 'jalan_beton', 'paving', <NA>, <NA>]
    """
    text = values.astype("string")
    keys = {v: r.key for v, r in _resolutions(text).items()}
    return text.map(keys).astype("string")


def _suggestions(label: str, n: int = 3) -> list[str]:
    """The catalogue keys whose names or aliases come closest to ``label``."""
    names = {
        _norm(x): k.key for k in INTERVENTION_KINDS.values() for x in (k.key, k.name, *k.aliases)
    }
    close = difflib.get_close_matches(_norm(label), list(names), n=8, cutoff=0.5)
    return list(dict.fromkeys(names[c] for c in close))[:n]


def kind_problems(values: pd.Series) -> pd.Series:
    """Why each kind label does not resolve (``<NA>`` where it does), with what to do.

    Unknown labels get the closest catalogue names (difflib), ambiguous ones the categories
    they name.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.catalogue import kind_problems
    >>> msgs = kind_problems(pd.Series(["jalan beton", "hidran umun", "Jalan dan Saluran"]))
    >>> msgs.iloc[0] is pd.NA
    True
    >>> print(msgs.iloc[1])  # doctest: +NORMALIZE_WHITESPACE
    kind 'hidran umun' is not in the catalogue; closest: 'hidran_umum' (Hidran umum / kran
    umum), 'hidran_kebakaran' (Hidran kebakaran)
    >>> print(msgs.iloc[2])  # doctest: +NORMALIZE_WHITESPACE
    kind 'Jalan dan Saluran' names works of several categories (jalan: jalan, drainase:
    drainase); give each work its own row and one kind
    """
    text = values.astype("string")
    out: dict[object, object] = {}
    for value, res in _resolutions(text).items():
        if res.key is not None:
            out[value] = pd.NA
        elif res.how == "ambiguous":
            out[value] = (
                f"kind {value!r} names works of several categories ({res.detail}); give each "
                "work its own row and one kind"
            )
        elif res.how == "not_a_work":
            out[value] = (
                f"kind {value!r} names an activity that builds no work (training, study, "
                "planning); it serves no criterion"
            )
        else:
            near = _suggestions(str(value))
            hint = (
                "closest: " + ", ".join(f"{k!r} ({INTERVENTION_KINDS[k].name})" for k in near)
                if near
                else f"use a category such as {', '.join(CATEGORIES[:4])} or an activity key"
            )
            out[value] = f"kind {value!r} is not in the catalogue; {hint}"
    result = text.map(out).astype("string")
    return result.where(text.notna(), "kind is blank; name the work's category or activity")


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
    """The catalogue as a table, one row per kind, with the source of every value.

    Examples
    --------
    >>> from kotaku_gis.catalogue import catalogue_frame
    >>> table = catalogue_frame()
    >>> table.loc["hidran_umum", ["radius_m", "capacity", "capacity_measure"]].astype(str).tolist()
    ['100.0', '200.0', 'people']
    >>> table.loc["tps_3r", "criteria"]
    '6a (households)'
    """
    skip = {"key", "criteria", "aliases", "activities", "weak_aliases"}
    rows = []
    for k in INTERVENTION_KINDS.values():
        row = {
            "key": k.key,
            "criteria": ", ".join(f"{c} ({u})" for c, u in k.criteria.items()),
            "aliases": ", ".join((*k.aliases, *k.weak_aliases)),
        }
        row.update({f.name: getattr(k, f.name) for f in fields(k) if f.name not in skip})
        rows.append(row)
    table = pd.DataFrame(rows).set_index("key")
    table["capacity"] = table["capacity"].astype(float)
    return table
