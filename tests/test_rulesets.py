"""Rulesets as data: criteria lists, bands and every level threshold, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kotaku_gis as kg
from kotaku_gis.rulesets import normalise_levels
from kotaku_gis.schema import CRITERIA_2018, CRITERION_DENOMINATOR


def test_2018_has_16_criteria_matching_the_column_conventions() -> None:
    rs = kg.get_ruleset("permen-14-2018")
    assert rs.codes == CRITERIA_2018
    assert {c.code: c.denominator for c in rs.criteria} == CRITERION_DENOMINATOR
    assert rs.max_total == 80
    assert kg.get_ruleset() is rs


def test_2016_has_19_criteria_with_drainage_5_and_waste_3() -> None:
    rs = kg.get_ruleset("permen-02-2016")
    sizes = {aspect: len(codes) for aspect, codes in rs.aspects.items()}
    assert sizes == {
        "bangunan": 3,
        "jalan": 2,
        "air_minum": 2,
        "drainase": 5,
        "air_limbah": 2,
        "persampahan": 3,
        "proteksi_kebakaran": 2,
    }
    assert len(rs.criteria) == 19
    assert rs.max_total == 95
    # Criteria shared with 2018 keep the 2018 codes, so one table scores under both.
    assert set(CRITERIA_2018) <= set(rs.codes)
    assert rs.criterion("4d").denominator == "drain_length_m"
    assert rs.criterion("6c").denominator == "households"


@pytest.mark.parametrize("name", ["2018", "14/2018", "PERMEN-14-2018"])
def test_short_names(name: str) -> None:
    assert kg.get_ruleset(name).name == "permen-14-2018"


def test_unknown_ruleset_is_an_input_error() -> None:
    with pytest.raises(kg.InputError, match="unknown ruleset"):
        kg.get_ruleset("permen-99-2030")


@pytest.mark.parametrize("name", list(kg.RULESETS))
def test_score_bands(name: str) -> None:
    rs = kg.get_ruleset(name)
    pct = np.array([0.0, 24.99, 25.0, 50.0, 50.99, 51.0, 75.0, 75.99, 76.0, 100.0])
    assert rs.score(pct).tolist() == [0, 0, 1, 1, 1, 3, 3, 3, 5, 5]


@pytest.mark.parametrize(
    ("name", "cases"),
    [
        (
            "permen-14-2018",
            {0: "tidak kumuh", 15: "tidak kumuh", 16: "kumuh ringan", 37: "kumuh ringan",
             38: "kumuh sedang", 59: "kumuh sedang", 60: "kumuh berat", 80: "kumuh berat"},
        ),
        (
            "permen-02-2016",
            {0: "tidak kumuh", 18: "tidak kumuh", 19: "kumuh ringan", 44: "kumuh ringan",
             45: "kumuh sedang", 70: "kumuh sedang", 71: "kumuh berat", 95: "kumuh berat"},
        ),
    ],
)  # fmt: skip
def test_every_level_threshold(name: str, cases: dict[int, str]) -> None:
    rs = kg.get_ruleset(name)
    assert [rs.level_of(t) for t in cases] == list(cases.values())
    assert list(rs.levels_of(np.array(list(cases)))) == list(cases.values())


def test_to_frame_lists_names_and_units() -> None:
    table = kg.get_ruleset("2016").to_frame()
    assert table.loc["4e", "unit"] == "m"
    assert table.loc["4c", "reference"] == "3.e"
    assert table.loc["3a", "aspect"] == "air_minum"


def test_normalise_levels_strips_lowers_and_collapses_spaces() -> None:
    labels = pd.Series(["Kumuh Ringan", "kumuh berat ", " TIDAK   kumuh", None, "  ",
                        "kumuh sedang"], index=list("abcdef"))  # fmt: skip
    out = normalise_levels(labels)
    assert out.index.tolist() == list("abcdef")
    assert out.tolist() == ["kumuh ringan", "kumuh berat", "tidak kumuh", pd.NA, pd.NA,
                            "kumuh sedang"]  # fmt: skip


def test_normalise_levels_names_unknown_labels_and_the_allowed_ones() -> None:
    labels = pd.Series(["kumuh ringan", "Kumuh Parah", "sedang"], index=["r1", "r2", "r3"])
    with pytest.raises(kg.InputError) as err:
        normalise_levels(labels, column="tingkat")
    message = str(err.value)
    assert "'tingkat'" in message
    assert "Kumuh Parah" in message and "sedang" in message and "r2" in message
    assert all(level in message for level in
               ("kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh"))  # fmt: skip
