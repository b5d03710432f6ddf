"""The catalogue of intervention kinds against DESIGN §4 and the programme's sources."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import kotaku_gis as kg
from kotaku_gis.catalogue import (
    PLANNING_DEFAULT,
    catalogue_frame,
    default_radii,
    kind_problems,
    resolve_kinds,
)
from kotaku_gis.rulesets import RULESETS

# The criteria a work named only by its category reduces (the 2018 package).
CATEGORY_CRITERIA = {
    "jalan": {"2a", "2b", "1a", "7a"},
    "drainase": {"4a", "4b", "4c"},
    "pengendali_banjir": {"4a"},
    "air_minum": {"3a", "3b"},
    "air_limbah": {"5a", "5b"},
    "persampahan": {"6a", "6b"},
    "proteksi_kebakaran": {"7a", "7b"},
    "perumahan": {"1b", "1c"},
}
# Every criterion some kind of the category may reduce (2016's 4d/4e/6c included).
MAY_REDUCE = {
    **CATEGORY_CRITERIA,
    "drainase": {"4a", "4b", "4c", "4d", "4e"},
    "persampahan": {"6a", "6b", "6c"},
    "perumahan": {"1a", "1b", "1c"},
}
UNITS = {c.code: c.unit for rs in RULESETS.values() for c in rs.criteria}


def _criteria(key: str) -> set[str]:
    return set(kg.INTERVENTION_KINDS[key].criteria)


def test_the_eight_categories_and_their_criteria():
    assert tuple(CATEGORY_CRITERIA) == kg.CATEGORIES
    for cat, criteria in CATEGORY_CRITERIA.items():
        kind = kg.INTERVENTION_KINDS[cat]
        assert kind.is_category and set(kind.criteria) == criteria
        assert kind.activities, cat


def test_every_kind_reduces_codes_of_a_ruleset_in_the_criterion_unit():
    for kind in kg.INTERVENTION_KINDS.values():
        assert set(kind.criteria) <= MAY_REDUCE[kind.category], kind.key
        for code, unit in kind.criteria.items():
            assert unit == UNITS[code], (kind.key, code)
        assert kind.radius_m >= 0
        assert len(kind.radius_basis) > 20, f"{kind.key} needs the reasoning for its radius"


def test_every_value_carries_its_source_or_is_marked_a_planning_default():
    for kind in kg.INTERVENTION_KINDS.values():
        assert len(kind.criteria_source) > 20, kind.key
        cited = kind.radius_source != PLANNING_DEFAULT
        # a cited radius names its standard; a planning default has its reasoning beside it
        assert ("SNI" in kind.radius_source) if cited else len(kind.radius_basis) > 20
        if kind.capacity is not None:
            assert kind.capacity_measure in ("people", "households", "buildings")
            assert kind.capacity_source, kind.key
            assert kind.capacity_url or kind.capacity_source.startswith(PLANNING_DEFAULT)
    table = catalogue_frame()
    for col in ("criteria_source", "radius_source", "capacity", "capacity_source"):
        assert col in table.columns
    assert len(table) == len(kg.INTERVENTION_KINDS)


def test_activity_rows_inherit_what_they_do_not_state():
    # jalan_beton states only its name and aliases: criteria, unit, radius and their sources
    # are the category's.
    beton, jalan = kg.INTERVENTION_KINDS["jalan_beton"], kg.INTERVENTION_KINDS["jalan"]
    for name in ("criteria", "unit", "radius_m", "radius_basis", "radius_source",
                 "criteria_source", "criteria_url"):  # fmt: skip
        assert getattr(beton, name) == getattr(jalan, name), name
    # pedestrian changes its radius and gives its own reasoning
    assert kg.INTERVENTION_KINDS["pedestrian"].radius_m == 15.0


def test_a_row_with_a_code_of_no_ruleset_fails_at_build():
    from kotaku_gis.catalogue import _check

    kind = dataclasses.replace(kg.INTERVENTION_KINDS["apar"], criteria={"8a": "buildings"})
    with pytest.raises(ValueError, match="code of no ruleset"):
        _check(kind, None)
    kind = dataclasses.replace(kg.INTERVENTION_KINDS["apar"], criteria={"7b": "ha"})
    with pytest.raises(ValueError, match="measures 7b"):
        _check(kind, None)


# ---------------------------------------------------------------- rules from the sources


@pytest.mark.parametrize(
    "key,criteria",
    [("tps_3r", {"6a"}), ("tps", {"6a"}), ("bak_sampah", {"6a"}), ("komposter", {"6a"}),
     ("bank_sampah", {"6b"}), ("gerobak_sampah", {"6b", "6c"}), ("motor_sampah", {"6b", "6c"}),
     ("mobil_sampah", {"6b", "6c"}), ("pemeliharaan_tps", {"6c"}),
     ("persampahan", {"6a", "6b"})],
)  # fmt: skip
def test_waste_works_split_between_6a_and_6b(key, criteria):
    assert _criteria(key) == criteria


def test_rumah_deret_reduces_1a_1b_1c_and_rehab_1c():
    assert _criteria("rumah_deret") == {"1a", "1b", "1c"}
    assert resolve_kinds(pd.Series(["rusun", "Rumah Susun"])).tolist() == ["rumah_deret"] * 2
    assert _criteria("rehab_rtlh") == {"1c"}


def test_only_the_kinds_that_answer_them_reduce_the_2016_criteria():
    naming = {
        code: {k for k, v in kg.INTERVENTION_KINDS.items() if code in v.criteria}
        for code in ("4d", "4e", "6c")
    }
    assert naming == {
        "4d": {"saluran_penghubung"},
        "4e": {"normalisasi_saluran", "pembersihan_saluran"},
        "6c": {"gerobak_sampah", "motor_sampah", "mobil_sampah", "pemeliharaan_tps"},
    }
    # normalising an existing channel adds no drain where there was none
    assert _criteria("normalisasi_saluran") == {"4a", "4c", "4e"}


def test_capacities_from_the_standards():
    kinds = kg.INTERVENTION_KINDS
    assert (kinds["hidran_umum"].capacity, kinds["hidran_umum"].capacity_measure) == (
        200,
        "people",
    )
    assert "SNI 03-1733-2004" in kinds["hidran_umum"].capacity_source
    assert (kinds["tps_3r"].capacity, kinds["tps_3r"].capacity_measure) == (200, "households")
    assert "200 rumah atau KK" in kinds["tps_3r"].capacity_source
    assert kinds["septictank_komunal"].capacity == 10
    assert kinds["septictank_komunal"].capacity_source.startswith(PLANNING_DEFAULT)
    assert kinds["jalan"].capacity is None and kinds["mck"].capacity is None
    assert kinds["hidran_umum"].radius_m == 100.0 and "SNI" in kinds["hidran_umum"].radius_source


# ---------------------------------------------------------------- names that resolve


@pytest.mark.parametrize(
    "label,key",
    [
        # programme names and keys, any case and spacing
        ("JALAN", "jalan"), ("Jalan Beton", "jalan_beton"), ("paving block", "paving"),
        ("Gorong-gorong", "gorong_gorong"), ("hidran umum", "hidran_umum"),
        ("Kran Umum", "hidran_umum"), ("TPS 3R", "tps_3r"), ("TPS3R", "tps_3r"),
        ("IPAL Komunal", "ipal_komunal"), ("Motor Sampah", "motor_sampah"),
        ("hidran", "hidran_kebakaran"), ("APAR", "apar"), ("Rehab RTLH", "rehab_rtlh"),
        ("  septictank  komunal ", "septictank_komunal"),
        # road surfaces and construction words
        ("aspal", "aspal"), ("ASPAL", "aspal"), ("beton", "jalan_beton"),
        ("BETON", "jalan_beton"), ("rabat beton", "jalan_beton"), ("paving", "paving"),
        ("hotmix", "aspal"), ("Hot Mix", "aspal"), ("perkerasan", "jalan"),
        ("jembatan", "jembatan"), ("titian", "jembatan"), ("pasangan batu", "jalan"),
        ("BETON + ASPAL", "jalan_beton"), ("Jalan Lingkungan (Rabat Beton)", "jalan_beton"),
        ("Peningkatan Jalan Paving", "paving"),
        ("Pembangunan Jalan Rabat Beton RT 03", "jalan_beton"),
        ("Perkerasan Jalan Paving / Beton", "paving"), ("Rehabilitasi Jembatan Titian", "jembatan"),
        # the other categories' common names
        ("Pembangunan Drainase", "drainase"), ("Saluran Drainase Tertutup", "drainase_lingkungan"),
        ("Drainase Beton", "drainase"), ("Saluran drainase jalan", "drainase"),
        ("MCK++", "mck"), ("MCK Plus", "mck"), ("Sumur Resapan", "sumur_resapan"),
        ("Hydrant", "hidran_kebakaran"), ("Tong Sampah", "bak_sampah"),
        ("Pengadaan Gerobak Sampah", "gerobak_sampah"), ("Bank Sampah", "bank_sampah"),
        ("TPST", "tps"), ("Pembangunan TPS 3R Kel. Bintaro", "tps_3r"),
        ("Normalisasi Saluran", "normalisasi_saluran"),
        ("Saluran Penghubung", "saluran_penghubung"),
        ("Pembersihan Saluran", "pembersihan_saluran"), ("Pemeliharaan TPS", "pemeliharaan_tps"),
        ("Pemasangan Sambungan Rumah (SR)", "sambungan_rumah"), ("Rusunawa", "rumah_deret"),
        ("Pembangunan Talud", "tanggul"), ("Tangki Septik Komunal", "septictank_komunal"),
    ],
)  # fmt: skip
def test_real_labels_resolve(label, key):
    assert resolve_kinds(pd.Series([label])).iloc[0] == key


@pytest.mark.parametrize(
    "label,why",
    [("Jalan dan Saluran", "several categories"), ("Jalan + Drainase", "several categories"),
     ("MCK dan Hidran Umum", "several categories"), ("kapal", "not in the catalogue"),
     ("hidran umun", "closest: 'hidran_umum'"), ("Sosialisasi jamban sehat", "builds no work"),
     ("<script>jalan</script>", "not in the catalogue")],
)  # fmt: skip
def test_unresolved_labels_say_why(label, why):
    assert resolve_kinds(pd.Series([label])).isna().all()
    assert why in kind_problems(pd.Series([label])).iloc[0]


def test_unknown_kinds_resolve_to_na_and_radii_overrides():
    assert resolve_kinds(pd.Series(["kapal", None])).isna().all()
    radii = default_radii(pd.Series(["mck", "tps_3r", "jalan_beton"]), {"air_limbah": 80.0})
    assert radii.tolist() == [80.0, 500.0, 25.0]
    with pytest.raises(kg.InputError, match="unknown kinds"):
        default_radii(pd.Series(["mck"]), {"kapal": 1.0})


def test_catalogue_table_lists_every_kind():
    table = catalogue_frame()
    assert len(table) == len(kg.INTERVENTION_KINDS)
    assert table.loc["hidran_umum", "radius_m"] == 100.0
    assert table.loc["tps_3r", "capacity"] == 200.0
    assert pd.isna(table.loc["jalan", "capacity"])
