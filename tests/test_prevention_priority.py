"""Prevention (near-threshold units) and handling priority, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import kotaku_gis as kg


def _assessed() -> pd.DataFrame:
    # All denominators 100 buildings. Scores:
    #   A: 7a 100 % (5), 7b 100 % (5), 1a 55 % (3), 1c 22 % (0, 3 points under 25 %) -> 13
    #   B: 7a 100 % (5), 7b 100 % (5) -> 10: 6 under the threshold 16, outside margin 5
    #   C: 7a, 7b, 1a, 1c all 100 % -> 20, kumuh ringan (on the list, not "near")
    #   D: 7a, 7b 100 %, 1c 30 % (1) -> 11: exactly margin 5 under
    #   E: as A but 7b blank: not assessed, so never "near" (it has no total)
    # Every other criterion is recorded as 0.
    units = pd.DataFrame({
        "unit_id": ["A", "B", "C", "D", "E"], "buildings": [100] * 5, "households": [100] * 5,
        "road_length_m": [100.0] * 5, "drain_length_m": [100.0] * 5, "area_ha": [1.0] * 5,
        **dict.fromkeys(kg.get_ruleset().codes, [0.0] * 5),
        "7a": [100.0] * 5, "7b": [100.0] * 4 + [None], "1a": [55.0, 0.0, 100.0, 0.0, 55.0],
        "1c": [22.0, 0.0, 100.0, 30.0, 22.0]})  # fmt: skip
    return kg.assess(units)


def test_near_threshold_lists_units_within_the_margin() -> None:
    near = kg.near_threshold(_assessed())
    assert near["unit_id"].tolist() == ["A", "D"]
    assert near["points_to_threshold"].tolist() == [3, 5]
    assert near["holding"].tolist() == ["7a, 7b, 1a", "7a, 7b, 1c"]
    assert near["next_band"].tolist() == ["1c", ""]
    assert kg.near_threshold(_assessed(), margin=6)["unit_id"].tolist() == ["A", "D", "B"]


def test_holding_criteria_long_table() -> None:
    table = kg.holding_criteria(_assessed(), margin=3)
    assert table[["unit_id", "criterion", "score"]].values.tolist() == [
        ["A", "7a", 5],
        ["A", "7b", 5],
        ["A", "1a", 3],
    ]
    assert table["pct"].tolist() == [100.0, 100.0, 55.0]


def test_near_threshold_needs_assessed_frame() -> None:
    with pytest.raises(kg.InputError, match="assess"):
        kg.near_threshold(pd.DataFrame({"unit_id": ["A"]}))


@pytest.mark.parametrize(
    ("level", "legal", "expected"),
    [
        ("kumuh berat", "legal", "peremajaan"),
        ("kumuh berat", "ilegal", "pemukiman kembali"),
        ("kumuh sedang", "legal", "peremajaan"),
        ("kumuh sedang", "tidak sah", "pemukiman kembali"),
        ("kumuh ringan", "Legal", "pemugaran"),
        ("kumuh ringan", "ilegal", "pemukiman kembali"),
    ],
)
def test_handling_type_follows_level_and_legal_status(
    level: str, legal: str, expected: str
) -> None:
    out = kg.handling(pd.DataFrame({"level": [level], "legal_status": [legal]}))
    assert out["handling_type"].tolist() == [expected]


def test_older_level_first_priority_classes() -> None:
    """The unsourced level-first scheme, kept as ``ordering="level"``."""
    frame = pd.DataFrame({
        "unit_id": ["A", "B", "C", "D", "E"],
        "level": ["kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh", "kumuh berat"],
        "legal_status": ["legal", "ilegal", "legal", "legal", None],
        # sums 15 (tinggi), 7 (sedang), 3 (rendah), -, 11 (tinggi)
        "nilai_strategis": [5, 3, 1, 1, 5], "kependudukan": [5, 3, 1, 1, 3],
        "sosial_ekonomi": [5, 1, 1, 1, 3]})  # fmt: skip
    out = kg.handling(frame, ordering="level")
    assert out["pl_class"].tolist() == ["tinggi", "sedang", "rendah", "rendah", "tinggi"]
    assert out["priority_class"].tolist()[:3] == ["A1", "B4", "C5"]
    assert out["priority"].tolist()[:3] == [1, 10, 17]
    assert out["handling_type"].isna().tolist()[3:] == [True, True]
    assert out["priority"].isna().tolist()[3:] == [True, True]
    checks = {(i.row, i.check) for i in out.attrs["report"]}
    assert (4, "unknown_legal_status") in checks


def test_priority_from_a_class_column() -> None:
    frame = pd.DataFrame({"level": ["kumuh sedang"], "legal_status": [True],
                          "pertimbangan_lain": ["Tinggi"]})  # fmt: skip
    # pertimbangan lain tinggi (A), kumuh sedang (2): second of nine
    assert kg.handling(frame)[["priority_class", "priority"]].values.tolist() == [["A2", 2]]
    assert kg.handling(frame, ordering="level")["priority_class"].tolist() == ["B1"]
