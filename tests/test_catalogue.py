"""The catalogue of intervention kinds against DESIGN §4."""

from __future__ import annotations

import pandas as pd
import pytest

import kotaku_gis as kg
from kotaku_gis.catalogue import catalogue_frame, default_radii, resolve_kinds

EXPECTED_CRITERIA = {
    "jalan": {"2a", "2b", "1a", "7a"},
    "drainase": {"4a", "4b", "4c"},
    "pengendali_banjir": {"4a"},
    "air_minum": {"3a", "3b"},
    "air_limbah": {"5a", "5b"},
    "persampahan": {"6a", "6b"},
    "proteksi_kebakaran": {"7a", "7b"},
    "perumahan": {"1b", "1c"},
}
UNITS = {
    "1a": "buildings", "1b": "ha", "1c": "buildings", "2a": "m", "2b": "m", "3a": "households",
    "3b": "households", "4a": "ha", "4b": "m", "4c": "m", "5a": "households", "5b": "households",
    "6a": "households", "6b": "households", "7a": "buildings", "7b": "buildings",
}  # fmt: skip


def test_the_eight_categories_and_their_criteria():
    assert tuple(EXPECTED_CRITERIA) == kg.CATEGORIES
    for cat, criteria in EXPECTED_CRITERIA.items():
        kind = kg.INTERVENTION_KINDS[cat]
        assert kind.is_category and set(kind.criteria) == criteria
        assert kind.activities, cat


def test_every_activity_reduces_criteria_of_its_category_in_the_criterion_unit():
    for kind in kg.INTERVENTION_KINDS.values():
        assert set(kind.criteria) <= EXPECTED_CRITERIA[kind.category], kind.key
        for code, unit in kind.criteria.items():
            assert unit == UNITS[code], (kind.key, code)
        assert kind.radius_m >= 0
        assert len(kind.radius_basis) > 20, f"{kind.key} needs the reasoning for its radius"


@pytest.mark.parametrize(
    "label,key",
    [("JALAN", "jalan"), ("Jalan Beton", "jalan_beton"), ("paving block", "paving"),
     ("Gorong-gorong", "gorong_gorong"), ("hidran umum", "hidran_umum"),
     ("Kran Umum", "hidran_umum"), ("TPS 3R", "tps_3r"), ("IPAL Komunal", "ipal_komunal"),
     ("Motor Sampah", "motor_sampah"), ("hidran", "hidran_kebakaran"), ("APAR", "apar"),
     ("Rehab RTLH", "rehab_rtlh"), ("  septictank  komunal ", "septictank_komunal")],
)  # fmt: skip
def test_kinds_match_by_key_or_programme_name_case_insensitively(label, key):
    assert resolve_kinds(pd.Series([label])).iloc[0] == key


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
