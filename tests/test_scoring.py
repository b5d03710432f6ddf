"""assess: percentages, half-up rounding, reporting, levels and re-assessment, by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg

DENOMS = {"buildings": 100.0, "households": 100.0, "road_length_m": 100.0,
          "drain_length_m": 100.0, "area_ha": 100.0}  # fmt: skip


def _units(rows: list[dict], ruleset: str = "permen-14-2018", **denoms: float) -> pd.DataFrame:
    codes = kg.get_ruleset(ruleset).codes
    full = [{**DENOMS, **denoms, **dict.fromkeys(codes, 0.0), **r} for r in rows]
    return pd.DataFrame(full)


def _checks(frame: pd.DataFrame) -> list[tuple]:
    return [(i.row, i.column, i.check) for i in frame.attrs["report"]]


def test_percentages_and_scores_at_the_band_edges() -> None:
    # volume / 100 buildings: the percentage is the volume itself.
    vols = [25.0, 50.0, 51.0, 75.0, 75.76, 75.995, 76.0]
    out = kg.assess(_units([{"1a": v} for v in vols]))
    assert out["pct_1a"].tolist() == [25.0, 50.0, 51.0, 75.0, 75.76, 76.0, 76.0]
    assert out["score_1a"].tolist() == [1, 1, 3, 3, 3, 5, 5]


def test_half_up_rounding_through_division() -> None:
    # 75995 of 100000 is 75.995 % -> 76.00 %; 1 of 800 is 0.125 % -> 0.13 % (half-up, not
    # half-even); 1 of 3 is 33.333 % -> 33.33 %; 2 of 3 is 66.667 % -> 66.67 %.
    units = _units([{"households": h, "3a": v} for h, v in
                    ((100000.0, 75995.0), (800.0, 1.0), (3.0, 1.0), (3.0, 2.0))])  # fmt: skip
    out = kg.assess(units)
    assert out["pct_3a"].tolist() == [76.0, 0.13, 33.33, 66.67]
    assert out["score_3a"].tolist() == [5, 0, 1, 3]


def test_published_rt_sheet_is_reproduced() -> None:
    # RT01-RW05 Sumbermulyo, Jombang (kawanku.pkpjatim.id/home/kelurahan/17/571/3226):
    # percentages 26, 0, 26, 12.82, 77.56, 90, 0, 0, 0, 80.52, 16.67, 26.67, 100 x4;
    # scores 1+0+1+0+5+5+0+0+0+5+0+1+5+5+5+5 = 38 -> kumuh sedang; aspect averages
    # 17.33, 45.19, 45, 26.84, 21.67, 100, 100 as printed on the sheet.
    units = pd.DataFrame({"unit_id": ["RT01"], "buildings": [50], "households": [60],
        "road_length_m": [780.0], "drain_length_m": [385.0], "area_ha": [4.63],
        "1a": [13], "1b": [0.0], "1c": [13], "2a": [100.0], "2b": [605.0], "3a": [54],
        "3b": [0], "4a": [0.0], "4b": [0.0], "4c": [310.0], "5a": [10], "5b": [16],
        "6a": [60], "6b": [60], "7a": [50], "7b": [50]})  # fmt: skip
    row = kg.assess(units).iloc[0]
    assert row["pct_2a"] == 12.82 and row["pct_4c"] == 80.52 and row["pct_5a"] == 16.67
    assert int(row["total_score"]) == 38
    assert row["level"] == "kumuh sedang"
    avgs = [row[f"avg_{a}"] for a in kg.get_ruleset().aspects]
    assert avgs == [17.33, 45.19, 45.0, 26.84, 21.67, 100.0, 100.0]


def test_zero_denominators_give_zero_percent_and_are_reported() -> None:
    units = _units([{"1a": 5.0}, {}, {"1a": 5.0}], buildings=0.0)
    units.loc[2, "buildings"] = 10.0
    out = kg.assess(units)
    assert out["pct_1a"].tolist() == [0.0, 0.0, 50.0]
    issues = [(i.row, i.column, i.severity, i.check) for i in out.attrs["report"]]
    assert (0, "buildings", "warning", "zero_denominator") in issues
    assert (1, "buildings", "info", "zero_denominator") in issues
    assert not any(i[0] == 2 for i in issues)


def test_negative_and_excess_volumes_are_clamped_and_reported() -> None:
    out = kg.assess(_units([{"1a": -4.0}, {"1a": 130.0}]))
    assert out["pct_1a"].tolist() == [0.0, 100.0]
    assert out["score_1a"].tolist() == [0, 5]
    checks = _checks(out)
    assert (0, "1a", "negative_volume") in checks
    assert (1, "1a", "volume_above_denominator") in checks


def test_missing_criterion_column_leaves_units_unassessed_and_is_reported() -> None:
    # Without 7b and 6a no total can be formed: before, they counted as 0 and the unit was
    # scored 5 ("tidak kumuh"); now it is not assessed.
    units = _units([{"7a": 100.0}, {"7a": 100.0}]).drop(columns=["7b", "6a"])
    out = kg.assess(units, allow_unassessed=True)
    assert out["score_7a"].tolist() == [5, 5]
    assert out["score_7b"].isna().all() and out["pct_6a"].isna().all()
    assert out["total_score"].isna().all() and out["level"].isna().all()
    assert out["level_source"].isna().all()
    assert {(None, "7b", "criterion_missing"), (None, "6a", "criterion_missing")} <= set(
        _checks(out)
    )
    with pytest.raises(kg.InputError, match="no unit can be assessed"):
        kg.assess(units)


def test_missing_denominator_column_is_an_error_in_the_report() -> None:
    units = _units([{"2a": 50.0}, {"2a": 50.0}]).drop(columns=["road_length_m"])
    units["level"] = ["Sedang", None]
    out = kg.assess(units)
    assert out["pct_2a"].isna().all() and out["pct_2b"].isna().all()
    # The first unit keeps its published level; the second is not assessed.
    assert out["level"].astype("string").tolist() == ["kumuh sedang", pd.NA]
    assert out["level_source"].tolist() == ["published", pd.NA]
    issue = next(i for i in out.attrs["report"] if i.check == "criterion_missing")
    assert issue.severity == "error" and "road_length_m" in issue.message


def _units_with_total(total: int, ruleset: str) -> dict:
    """Volumes (denominators 100) whose scores add up to ``total``: 5s, then a 3, then 1s."""
    codes = list(kg.get_ruleset(ruleset).codes)
    row, left = {}, total
    for code in codes:
        if left >= 5:
            row[code], left = 100.0, left - 5
        elif left >= 3:
            row[code], left = 60.0, left - 3
        elif left >= 1:
            row[code], left = 30.0, left - 1
    assert left == 0
    return row


@pytest.mark.parametrize(
    ("ruleset", "cases"),
    [
        ("permen-14-2018", {15: "tidak kumuh", 16: "kumuh ringan", 37: "kumuh ringan",
                            38: "kumuh sedang", 59: "kumuh sedang", 60: "kumuh berat"}),
        ("permen-02-2016", {18: "tidak kumuh", 19: "kumuh ringan", 44: "kumuh ringan",
                            45: "kumuh sedang", 70: "kumuh sedang", 71: "kumuh berat"}),
    ],
)  # fmt: skip
def test_level_thresholds_through_assess(ruleset: str, cases: dict[int, str]) -> None:
    units = _units([_units_with_total(t, ruleset) for t in cases], ruleset=ruleset)
    out = kg.assess(units, ruleset=ruleset)
    assert out["total_score"].tolist() == list(cases)
    assert out["level"].astype(str).tolist() == list(cases.values())


def test_index_and_geometry_are_kept() -> None:
    crs = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"
    units = gpd.GeoDataFrame(
        _units([{"1a": 80.0}, {}]).set_index(pd.Index(["x", "y"], name="rt")),
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
        crs=crs,
    )
    out = kg.assess(units)
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.crs == units.crs
    assert out.index.tolist() == ["x", "y"] and out.index.name == "rt"
    assert out.geometry.equals(units.geometry)
    assert out.loc["x", "score_1a"] == 5


def test_area_from_geometry_when_no_area_column() -> None:
    crs = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"
    # A 100 m x 100 m square is 1 ha; 0.5 ha inundated is 50 % -> score 1.
    units = gpd.GeoDataFrame(
        _units([{"4a": 0.5}]).drop(columns=["area_ha"]),
        geometry=[shapely.box(0, 0, 100, 100)], crs=crs,
    )  # fmt: skip
    out = kg.assess(units)
    assert out["pct_4a"].tolist() == [50.0]


def test_rt_followed_through_two_years_to_tidak_kumuh() -> None:
    # Denominators: 40 buildings, 50 households, 400 m road, 300 m drain, 2 ha.
    # Baseline volumes -> percentages -> scores:
    #   1a 20/40=50% 1   1c 10/40=25% 1   2a 320/400=80% 5   2b 240/400=60% 3
    #   3a 45/50=90% 5   4a 0.5/2=25% 1   4b 240/300=80% 5   4c 60/300=20% 0
    #   5a 40/50=80% 5   5b 30/50=60% 3   6a 50/50 5  6b 50/50 5  7a 40/40 5
    #   total 1+1+5+3+5+1+5+0+5+3+5+5+5 = 44 -> kumuh sedang.
    # 2022 works remove 2a 320 m, 2b 240 m, 4b 240 m, 3a 45 households: 44-5-3-5-5 = 26,
    #   kumuh ringan.
    # 2023 works remove 6a 50, 6b 50, 7a 40 and 40 households of 5b (only 30 there, so 0):
    #   26-5-5-5-3 = 8, tidak kumuh. A 2024 row must not count in 2023.
    units = pd.DataFrame([{
        "unit_id": "RT03", "buildings": 40, "households": 50, "road_length_m": 400.0,
        "drain_length_m": 300.0, "area_ha": 2.0, "1a": 20, "1b": 0.0, "1c": 10,
        "2a": 320.0, "2b": 240.0, "3a": 45, "3b": 0, "4a": 0.5, "4b": 240.0, "4c": 60.0,
        "5a": 40, "5b": 30, "6a": 50, "6b": 50, "7a": 40, "7b": 0}])  # fmt: skip
    works = pd.DataFrame(
        [("RT03", "2a", 320.0, 2022), ("RT03", "2b", 240.0, 2022), ("RT03", "4b", 240.0, 2022),
         ("RT03", "3a", 45.0, 2022), ("RT03", "6a", 50.0, 2023), ("RT03", "6b", 50.0, 2023),
         ("RT03", "7a", 40.0, 2023), ("RT03", "5b", 40.0, 2023), ("RT03", "4a", 0.5, 2024),
         ("RT99", "1a", 5.0, 2022)],
        columns=["unit_id", "criterion", "volume", "year"],
    )  # fmt: skip
    base = kg.assess(units)
    y22 = kg.assess(units, reductions=works, year=2022)
    y23 = kg.assess(units, reductions=works, year=2023)
    assert (int(base["total_score"][0]), base["level"][0]) == (44, "kumuh sedang")
    assert (int(y22["total_score"][0]), y22["level"][0]) == (26, "kumuh ringan")
    assert (int(y23["total_score"][0]), y23["level"][0]) == (8, "tidak kumuh")
    assert y23["pct_5b"][0] == 0.0 and y23["reduction_5b"][0] == 30.0
    assert y23["pct_4a"][0] == 25.0
    assert (9, "unit_id", "reduction_unknown_unit") in _checks(y22)
    all_years = kg.assess(units, reductions=works)
    assert all_years["pct_4a"][0] == 0.0


def test_reductions_with_unknown_criterion_or_no_year_are_reported() -> None:
    units = _units([{"unit_id": "A", "1a": 80.0}])
    red = pd.DataFrame({"unit_id": ["A", "A"], "criterion": ["9z", "1a"],
                        "volume": [1.0, 80.0], "year": [2022, None]})  # fmt: skip
    out = kg.assess(units, reductions=red, year=2023)
    assert out["pct_1a"].tolist() == [80.0]
    assert {(0, "criterion", "reduction_unknown_criterion"),
            (1, "year", "reduction_without_year")} <= set(_checks(out))  # fmt: skip


def test_bad_input_raises_input_error() -> None:
    with pytest.raises(kg.InputError):
        kg.assess([1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(kg.InputError, match="unit_id"):
        kg.assess(
            _units([{}]),
            reductions=pd.DataFrame({"unit_id": ["A"], "criterion": ["1a"], "volume": [1.0]}),
        )


def test_2016_scores_its_extra_criteria() -> None:
    out = kg.assess(
        _units([{"4d": 80.0, "4e": 55.0, "6c": 30.0}], ruleset="2016"), ruleset="permen-02-2016"
    )
    assert [out[f"score_{c}"][0] for c in ("4d", "4e", "6c")] == [5, 3, 1]
    assert out["avg_drainase"].tolist() == [np.round((80 + 55) / 5, 2)]


def test_excess_and_negative_volumes_are_clamped_before_reductions() -> None:
    # Unit A: 2a recorded 1000 m against 500 m of ideal road. Clamped to 500 m (100 %), then
    #   500 m built clears it: 0 %, and 500 m (not 1000) is what was taken off.
    # Unit B: 2a recorded 1000 m, 300 m built: 500 - 300 = 200 m of 500 = 40 % (score 1),
    #   not (1000 - 300) / 500 = 140 % -> 100 %.
    # Unit C: 2b recorded -50 m, 20 m built: counted from 0, so nothing is taken off.
    units = _units([{"unit_id": u, "2a": a, "2b": b} for u, a, b in
                    (("A", 1000.0, 0.0), ("B", 1000.0, 0.0), ("C", 0.0, -50.0))],
                   road_length_m=500.0)  # fmt: skip
    red = pd.DataFrame({"unit_id": ["A", "B", "C"], "criterion": ["2a", "2a", "2b"],
                        "volume": [500.0, 300.0, 20.0], "year": [2022] * 3})  # fmt: skip
    out = kg.assess(units, reductions=red)
    assert out["pct_2a"].tolist() == [0.0, 40.0, 0.0]
    assert out["score_2a"].tolist() == [0, 1, 0]
    assert out["reduction_2a"].tolist() == [500.0, 300.0, 0.0]
    assert out["reduction_2b"].tolist() == [0.0, 0.0, 0.0]
    assert out["pct_2b"].tolist() == [0.0, 0.0, 0.0]
    checks = _checks(out)
    assert {(0, "2a", "volume_above_denominator"), (1, "2a", "volume_above_denominator"),
            (2, "2b", "negative_volume")} <= set(checks)  # fmt: skip


@pytest.mark.parametrize("year", [2022, np.int64(2022), np.int32(2022), 2022.0])
def test_whole_number_years_are_accepted(year: object) -> None:
    units = _units([{"unit_id": "A", "1a": 80.0}])
    red = pd.DataFrame({"unit_id": ["A", "A"], "criterion": ["1a", "1a"],
                        "volume": [30.0, 50.0], "year": [2022, 2023]})  # fmt: skip
    # Only the 2022 row (30 of 100 buildings) is done by 2022: 80 - 30 = 50 %.
    assert kg.assess(units, reductions=red, year=year)["pct_1a"].tolist() == [50.0]


@pytest.mark.parametrize("year", ["2022", "abc", 2022.5, True, [2022], float("nan")])
def test_years_that_are_not_whole_numbers_raise_input_error(year: object) -> None:
    units = _units([{"unit_id": "A", "1a": 80.0}])
    red = pd.DataFrame({"unit_id": ["A"], "criterion": ["1a"], "volume": [30.0],
                        "year": [2022]})  # fmt: skip
    with pytest.raises(kg.InputError, match="year must be a whole number"):
        kg.assess(units, reductions=red, year=year)  # type: ignore[arg-type]


def test_reductions_match_units_whose_ids_are_whole_floats():
    # ids read from a numeric field (101.0) and a reductions table that writes them as text
    units = _units(
        [{"unit_id": 101.0, "7a": 10.0}, {"unit_id": 102.0, "7a": 10.0}],
        buildings=10.0,
        area_ha=1.0,
    )
    red = pd.DataFrame({"unit_id": ["101"], "criterion": ["7a"], "volume": [10.0],
                        "year": [2022]})  # fmt: skip
    out = kg.assess(units, reductions=red, year=2022)
    assert out["pct_7a"].tolist() == [0.0, 100.0]
