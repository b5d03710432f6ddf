"""Evidence at four depths, no silent zeros, published figures kept, aspect-average rules and
the service condition of leaving the list: each against hand-worked or published answers."""

from __future__ import annotations

import dataclasses
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import kotaku_gis as kg
from kotaku_gis.cli import app
from kotaku_gis.reports import summary_by
from kotaku_gis.scoring import evidence_report

CODES = kg.get_ruleset().codes
DENOMS = ["buildings", "households", "road_length_m", "drain_length_m", "area_ha"]


def _checks(frame: pd.DataFrame) -> list[tuple]:
    return [(i.row, i.column, i.check) for i in frame.attrs["report"]]


def _issues(frame: pd.DataFrame, check: str) -> list:
    return [i for i in frame.attrs["report"] if i.check == check]


# ------------------------------------------------------------------ published RT sheets


def _kawanku_rt_sheets() -> pd.DataFrame:
    """Three RT sheets of kawanku.pkpjatim.id (East Java), volumes as published.

    - RT015-RW003 Mergosono, Kota Malang (/home/kelurahan/32/839/4731): 4a is recorded as
      -0.12 ha of 0.88 ha (-13.64 %, scored 0); the sheet's drainage average is
      (-13.64 + 0 + 63.11) / 3 = 16.49 %. Total 26.
    - RT002-RW008 Sutojayan, Kab. Blitar (/home/kelurahan/5/771/4538): road average of 0 % and
      16.67 % printed as 8.34 % (mean of the rounded percentages: 8.335 -> 8.34). Total 23.
    - SAMPUNG KIDUL RT006-RW001, Kab. Ponorogo (/home/kelurahan/2/154/1109): building average
      (57.14 + 0 + 21.43) / 3 = 26.19 %, the 21.43 % under 25 % counted as it is. Total 30.
    """
    rows = [
        ("Mergosono RT015-RW003", 0.88, 91, 91, 750.0, 515.0,
         [37, 0.0, 40, 100.0, 380.0, 25, 31, -0.12, 0.0, 325.0, 8, 48, 91, 0, 91, 91]),
        ("Sutojayan RT002-RW008", 3.59, 85, 85, 1200.0, 1200.0,
         [82, 0.0, 3, 0.0, 200.0, 43, 0, 0.0, 300.0, 550.0, 3, 3, 85, 85, 0, 85]),
        ("Sampung RT006-RW001", 1.44, 28, 31, 454.0, 227.0,
         [16, 0.0, 6, 227.0, 227.0, 0, 31, 0.0, 0.0, 0.0, 1, 5, 31, 31, 28, 28]),
    ]  # fmt: skip
    return pd.DataFrame(
        [
            {"unit_id": uid, "area_ha": a, "buildings": b, "households": h,
             "road_length_m": r, "drain_length_m": d, **dict(zip(CODES, vols, strict=True)),
             "level": "KUMUH RINGAN"}
            for uid, a, b, h, r, d, vols in rows
        ]
    )  # fmt: skip


def test_published_sheets_are_reproduced_with_their_unclamped_averages() -> None:
    out = kg.assess(_kawanku_rt_sheets())
    assert out["total_score"].tolist() == [26, 23, 30]
    assert out["level"].astype(str).tolist() == ["kumuh ringan"] * 3
    assert out["level_source"].tolist() == ["volumes"] * 3
    # Mergosono: the negative percentage is clamped for pct_4a and the score...
    assert out.loc[0, "pct_4a"] == 0.0 and out.loc[0, "score_4a"] == 0
    # ... but kept in the average, as printed on the sheet.
    printed = {
        0: [28.21, 32.0, 30.77, 16.49, 30.77, 50.0, 100.0],
        1: [33.33, 8.34, 25.3, 23.61, 3.53, 100.0, 50.0],
        2: [26.19, 50.0, 50.0, 0.0, 9.68, 100.0, 100.0],
    }
    aspects = [f"avg_{a}" for a in kg.get_ruleset().aspects]
    for row, values in printed.items():
        assert out.loc[row, aspects].tolist() == values
    # (28.21 + 32 + 30.77 + 16.49 + 30.77 + 50 + 100) / 7 = 288.24 / 7 = 41.177 -> 41.18
    assert out.loc[0, "avg_kekumuhan"] == 41.18
    assert (0, "4a", "negative_volume") in _checks(out)
    assert not _issues(out, "level_differs")
    assert out["level_published"].tolist() == ["kumuh ringan"] * 3


def test_simkotaku_averages_count_criteria_under_25_percent_as_zero() -> None:
    out = kg.assess(_kawanku_rt_sheets(), aspect_average="simkotaku")
    # Scores do not depend on the average rule.
    assert out["total_score"].tolist() == [26, 23, 30]
    # Mergosono: jalan (0 [13.33 < 25] + 50.67) / 2 = 25.335 -> 25.34; drainase, clamped and
    # under 25 counted 0: (0 + 0 + 63.11) / 3 = 21.0367 -> 21.04; air limbah
    # (0 [8.79] + 52.75) / 2 = 26.375 -> 26.38.
    assert out.loc[0, ["avg_jalan", "avg_drainase", "avg_air_limbah"]].tolist() == [
        25.34,
        21.04,
        26.38,
    ]
    # Sampung: bangunan (57.14 + 0 + 0 [21.43]) / 3 = 19.0467 -> 19.05.
    assert out.loc[2, "avg_bangunan"] == 19.05


def test_a_table_of_given_scores_reproduces_the_published_totals_and_levels() -> None:
    # Per-criterion scores (NILAI) of four kawanku RT sheets, with their TOTAL NILAI and level:
    # Sumbermulyo RT01-RW05 (17/571/3226), Mangunharjo RT008-RW009 (33/227/1523),
    # Wungu RT003-RW001 (19/367/2025), Kedungjajang RT 03 RW 01 (8/450/2467).
    sheet = pd.DataFrame(
        [
            ("SUMBERMULYO RT01-RW05", [1, 0, 1, 0, 5, 5, 0, 0, 0, 5, 0, 1, 5, 5, 5, 5], 38,
             "KUMUH SEDANG"),
            ("MANGUNHARJO RT008-RW009", [0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 1, 1, 0, 0, 5, 5], 17,
             "KUMUH RINGAN"),
            ("WUNGU RT003-RW001", [0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5], 24,
             "KUMUH RINGAN"),
            ("KEDUNGJAJANG RT03-RW01", [0, 0, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 5, 5, 0, 5], 21,
             "KUMUH RINGAN"),
        ],
        columns=["unit_id", "scores", "total_score", "level"],
    )  # fmt: skip
    for j, code in enumerate(CODES):
        sheet[f"score_{code}"] = [s[j] for s in sheet["scores"]]
    sheet = sheet.drop(columns="scores")
    out = kg.assess(sheet)
    assert out["total_score"].tolist() == [38, 17, 24, 21]
    assert out["total_score_published"].tolist() == [38, 17, 24, 21]
    assert out["level"].astype(str).tolist() == ["kumuh sedang"] + ["kumuh ringan"] * 3
    assert out["level_source"].tolist() == ["scores"] * 4
    # Scores alone give no percentage and no average.
    assert out["pct_1a"].isna().all() and out["avg_bangunan"].isna().all()
    assert not _issues(out, "level_differs") and not _issues(out, "total_differs")
    # A published total that does not add up is kept and reported.
    wrong = kg.assess(sheet.assign(total_score=[38, 17, 25, 21]))
    assert wrong["total_score"].tolist() == [38, 17, 24, 21]
    assert [(i.row, i.check) for i in _issues(wrong, "total_differs")] == [(2, "total_differs")]


def test_invalid_given_scores_are_reported_and_not_used() -> None:
    sheet = pd.DataFrame({f"score_{c}": [0, 0] for c in CODES})
    sheet["score_1a"] = [2, 5]
    out = kg.assess(sheet, allow_unassessed=True)
    assert out["total_score"].astype("Float64").tolist() == [pd.NA, 5]
    assert (0, "score_1a", "invalid_score") in _checks(out)


# ------------------------------------------------------------------ SIM KOTAKU export


def test_sim_style_percentages_reproduce_their_averages_under_simkotaku() -> None:
    # Criterion percentages as a SIM KOTAKU profile exports them (no volumes, no
    # denominators), with the aspect averages it computed. By hand, under 25 % counting 0:
    #   unit 1: bangunan (57.14 + 0 + 0 [21.43]) / 3 = 19.0467 -> 19.05
    #           jalan (0 [24.99] + 80) / 2 = 40;  air minum (25 + 0 [10]) / 2 = 12.5
    #           drainase (0 + 100 + 30.30) / 3 = 43.4333 -> 43.43;  air limbah (0 + 0) = 0
    #           persampahan 100;  proteksi kebakaran (0 + 76) / 2 = 38
    #           scores 3+0+0 +0+5 +1+0 +0+5+1 +0+0 +5+5 +0+5 = 30, kumuh ringan
    #   unit 2: persampahan (0 [24.99] + 0) / 2 = 0; proteksi (100 + 100) / 2 = 100; the rest 0
    #           scores 7a 5 + 7b 5 = 10, tidak kumuh
    pcts = {
        "1a": [57.14, 0.0], "1b": [0.0, 0.0], "1c": [21.43, 0.0], "2a": [24.99, 0.0],
        "2b": [80.0, 0.0], "3a": [25.0, 0.0], "3b": [10.0, 0.0], "4a": [0.0, 0.0],
        "4b": [100.0, 0.0], "4c": [30.3, 0.0], "5a": [12.5, 0.0], "5b": [12.5, 0.0],
        "6a": [100.0, 24.99], "6b": [100.0, 0.0], "7a": [0.0, 100.0], "7b": [76.0, 100.0],
    }  # fmt: skip
    sim = pd.DataFrame({"unit_id": ["3573.RT01", "3573.RT02"],
                        **{f"pct_{c}": v for c, v in pcts.items()},
                        "avg_bangunan": [19.05, 0.0], "avg_jalan": [40.0, 0.0],
                        "avg_air_minum": [12.5, 0.0], "avg_drainase": [43.43, 0.0],
                        "avg_air_limbah": [0.0, 0.0], "avg_persampahan": [100.0, 0.0],
                        "avg_proteksi_kebakaran": [38.0, 100.0]})  # fmt: skip
    out = kg.assess(sim, aspect_average="simkotaku")
    aspects = list(kg.get_ruleset().aspects)
    computed = out[[f"avg_{a}" for a in aspects]].to_numpy()
    published = out[[f"avg_{a}_published" for a in aspects]].to_numpy()
    assert computed.tolist() == published.tolist()
    assert computed[0].tolist() == [19.05, 40.0, 12.5, 43.43, 0.0, 100.0, 38.0]
    assert not _issues(out, "average_differs")
    assert out["total_score"].tolist() == [30, 10]
    assert out["level"].astype(str).tolist() == ["kumuh ringan", "tidak kumuh"]
    assert out["level_source"].tolist() == ["percentages"] * 2
    # The plain mean disagrees with the export, and says so: unit 1 bangunan
    # (57.14 + 0 + 21.43) / 3 = 26.19, unit 2 persampahan (24.99 + 0) / 2 = 12.495 -> 12.50.
    mean = kg.assess(sim)
    assert mean.loc[0, "avg_bangunan"] == 26.19 and mean.loc[1, "avg_persampahan"] == 12.5
    differs = {(i.row, i.column) for i in _issues(mean, "average_differs")}
    assert {(0, "avg_bangunan"), (0, "avg_jalan"), (1, "avg_persampahan")} <= differs
    assert "simkotaku" in _issues(mean, "average_differs")[0].message


def test_percentages_above_100_count_as_100_for_scores_but_not_in_mean_averages() -> None:
    # 1b: 1.00 ha above the spatial plan in a 0.57 ha RT: 1 / 0.57 = 175.44 %, scored 5 on the
    # clamped 100 %. With 1a 45 of 90 buildings (50 %) and 1c 31 of 90 (34.44 %), the "mean"
    # average is (50 + 175.44 + 34.44) / 3 = 259.88 / 3 = 86.627 -> 86.63; "simkotaku"
    # averages the clamped (50 + 100 + 34.44) / 3 = 61.48.
    units = pd.DataFrame({"unit_id": ["RT"], "area_ha": [0.57], "buildings": [90],
                          "households": [90], "road_length_m": [100.0],
                          "drain_length_m": [100.0], **{c: [0.0] for c in CODES},
                          "1a": [45], "1b": [1.0], "1c": [31]})  # fmt: skip
    mean = kg.assess(units)
    assert mean.loc[0, "pct_1b"] == 100.0 and mean.loc[0, "score_1b"] == 5
    assert mean.loc[0, "avg_bangunan"] == 86.63
    assert kg.assess(units, aspect_average="simkotaku").loc[0, "avg_bangunan"] == 61.48
    assert (0, "1b", "volume_above_denominator") in _checks(mean)
    with pytest.raises(kg.InputError, match="aspect_average"):
        kg.assess(units, aspect_average="median")  # type: ignore[arg-type]


# ------------------------------------------------------------------ no silent zeros


@pytest.fixture(scope="module")
def sample() -> gpd.GeoDataFrame:
    return gpd.read_file(kg.datasets.get_path("ntb_sample"), layer="units")


@pytest.fixture(scope="module")
def sample_levels(sample) -> pd.Series:
    return kg.assess(sample)["level"]


@pytest.mark.parametrize(
    ("rename", "near"),
    [
        ({"1a": "1.a"}, "1.a"),
        ({"1a": "kriteria_1a"}, "kriteria_1a"),
        ({"road_length_m": "road_lengt", "drain_length_m": "drain_leng"}, "road_lengt"),
    ],
)
def test_renamed_columns_refuse_loudly_and_name_the_near_miss(sample, rename, near) -> None:
    broken = sample.rename(columns=rename)
    with pytest.raises(kg.InputError) as err:
        kg.assess(broken)
    assert "no unit can be assessed" in str(err.value) and repr(near) in str(err.value)
    out = kg.assess(broken, allow_unassessed=True)
    assert out["level"].isna().all() and out["total_score"].isna().all()
    missing = _issues(out, "criterion_missing")
    assert missing and all(i.severity == "error" for i in missing)
    assert any(repr(near) in i.message for i in missing)
    # validate reports the same before any scoring
    assert "criterion_missing" in kg.validate(broken).checks()
    assert not kg.validate(broken).ok


def test_no_criterion_columns_at_all_is_refused(sample) -> None:
    bare = sample.drop(columns=list(CODES))
    with pytest.raises(kg.InputError, match="Criteria with no column at all"):
        kg.assess(bare)
    summary = kg.summarize(kg.assess(bare, allow_unassessed=True))
    assert summary.loc["total", "slum_ha"] == 0.0
    assert summary.loc["total", "units_belum_dinilai"] == len(sample)
    assert summary.loc["total", "ha_belum_dinilai"] == pytest.approx(sample["area_ha"].sum())


def test_blank_cells_leave_units_unassessed_never_at_a_lower_level(sample, sample_levels):
    rng = np.random.default_rng(10)
    broken = sample.copy()
    blank = {}
    for col in [*CODES[:4], "households", "road_length_m"]:
        rows = rng.random(len(broken)) < 0.05
        broken[col] = broken[col].astype(float).mask(rows)
        blank[col] = rows
    lost = np.any(list(blank.values()), axis=0)
    out = kg.assess(broken)
    levels = out["level"]
    assert levels.isna().to_numpy().tolist() == lost.tolist()
    kept = ~lost
    assert (levels[kept].astype(str) == sample_levels[kept].astype(str)).all()
    rows = {i.row for i in _issues(out, "criterion_missing")}
    assert rows == set(sample.index[lost])


def test_a_zero_is_evidence_and_stays_zero() -> None:
    units = pd.DataFrame({"unit_id": ["RT01", "RT02"], "area_ha": [1.0, 1.0],
                          "buildings": [10, 0], "households": [12, 12],
                          "road_length_m": [100.0, 100.0], "drain_length_m": [80.0, 80.0],
                          **{c: [0.0, 0.0] for c in CODES}})  # fmt: skip
    out = kg.assess(units)
    assert out["total_score"].tolist() == [0, 0]
    assert out["level"].astype(str).tolist() == ["tidak kumuh"] * 2
    assert out["level_source"].tolist() == ["volumes"] * 2
    assert not _issues(out, "criterion_missing")
    # A zero denominator stays 0 % with a note, as before.
    assert (1, "buildings", "zero_denominator") in _checks(out)


def test_read_units_reports_criterion_missing_before_scoring(sample) -> None:
    with pytest.warns(UserWarning, match="1 error"):
        units = kg.read_units(sample.drop(columns=["7b"]))
    issue = next(i for i in units.attrs["report"] if i.check == "criterion_missing")
    assert issue.column == "7b" and issue.severity == "error" and issue.row is None


def test_evidence_report_matches_the_units_left_unassessed() -> None:
    units = pd.DataFrame({"unit_id": ["A", "B", "C"], "buildings": [10, 10, 10],
                          "households": [10, 10, 10], "road_length_m": [100.0] * 3,
                          "drain_length_m": [100.0] * 3, "area_ha": [1.0] * 3,
                          **dict.fromkeys(CODES, [0.0] * 3)})  # fmt: skip
    units.loc[1, "3a"] = np.nan
    units.loc[2, "3a"] = np.nan
    units["level"] = [None, None, "Sedang"]
    rep = evidence_report(units)
    assert [(i.row, i.column, i.severity) for i in rep] == [
        (1, "3a", "error"),
        (2, "3a", "warning"),
    ]
    out = kg.assess(units)
    assert out["level"].astype("string").tolist() == ["tidak kumuh", pd.NA, "kumuh sedang"]
    assert out["level_source"].tolist() == ["volumes", pd.NA, "published"]
    assert out["total_score"].astype("Float64").tolist() == [0, pd.NA, pd.NA]


# ------------------------------------------------------------------ published levels


def test_published_level_is_kept_normalised_and_differences_reported() -> None:
    # Each unit: 7a, 7b, 6a, 6b at 100 % -> 20, kumuh ringan.
    units = pd.DataFrame({"unit_id": list("ABCDE"), "buildings": [10] * 5,
                          "households": [10] * 5, "road_length_m": [100.0] * 5,
                          "drain_length_m": [100.0] * 5, "area_ha": [1.0] * 5,
                          **dict.fromkeys(CODES, [0.0] * 5),
                          "7a": [10] * 5, "7b": [10] * 5, "6a": [10] * 5, "6b": [10] * 5,
                          "level": ["Ringan", "KUMUH RINGAN", "kumuh_berat", "Parah",
                                    None]})  # fmt: skip
    out = kg.assess(units)
    assert out["level"].astype(str).tolist() == ["kumuh ringan"] * 5
    assert out["level_published"].tolist() == [
        "kumuh ringan",
        "kumuh ringan",
        "kumuh berat",
        pd.NA,
        pd.NA,
    ]
    assert [i.row for i in _issues(out, "level_differs")] == [2]
    assert [i.row for i in _issues(out, "unknown_level")] == [3]
    # An assess output re-assessed does not take its computed level as published.
    again = kg.assess(out)
    assert again["level_published"].tolist() == out["level_published"].tolist()
    assert [i.row for i in _issues(again, "level_differs")] == [2]


# ------------------------------------------------------------------ after works


def test_after_works_percentages_with_denominators_rescore_the_rest_is_kept() -> None:
    # P: percentages with denominators: 2a 80 % of 500 m = 400 m; 300 m built leaves 100 m,
    #    20 % -> score 0: 25 -> 20.
    # Q: the same percentages without road_length_m: cannot be re-scored, stays 25.
    # S: scores only: stays 25.
    # R: only a published level ("Sedang"): kept.
    pct = {f"pct_{c}": [0.0, 0.0, np.nan, np.nan] for c in CODES}
    for c in ("2a", "6a", "6b", "7a", "7b"):
        pct[f"pct_{c}"] = [80.0 if c == "2a" else 100.0] * 2 + [np.nan, np.nan]
    score = {f"score_{c}": [np.nan, np.nan, 0, np.nan] for c in CODES}
    for c in ("2a", "6a", "6b", "7a", "7b"):
        score[f"score_{c}"] = [np.nan, np.nan, 5, np.nan]
    units = pd.DataFrame({"unit_id": list("PQSR"), "buildings": [10, 10, np.nan, np.nan],
                          "households": [10, 10, np.nan, np.nan],
                          "road_length_m": [500.0, np.nan, np.nan, np.nan],
                          "drain_length_m": [100.0, 100.0, np.nan, np.nan],
                          "area_ha": [1.0, 1.0, 1.0, 1.0], **pct, **score,
                          "level": [None, None, None, "Sedang"]})  # fmt: skip
    red = pd.DataFrame({"unit_id": list("PQSR"), "criterion": ["2a"] * 4,
                        "volume": [300.0] * 4, "year": [2023] * 4})  # fmt: skip
    base = kg.assess(units)
    after = kg.assess(units, reductions=red, year=2023)
    assert base["total_score"].astype("Float64").tolist() == [25, 25, 25, pd.NA]
    assert after["total_score"].astype("Float64").tolist() == [20, 25, 25, pd.NA]
    assert after["pct_2a"].tolist()[:2] == [20.0, 80.0]
    assert after.loc[0, "reduction_2a"] == 300.0 and np.isnan(after.loc[1, "reduction_2a"])
    assert after["level"].astype(str).tolist() == ["kumuh ringan"] * 3 + ["kumuh sedang"]
    assert after["level_source"].tolist() == ["percentages", "percentages", "scores",
                                              "published"]  # fmt: skip
    assert [(i.row, i.column) for i in _issues(after, "not_recomputed")] == [
        (3, "level"),
        (1, "2a"),
        (2, "2a"),
    ]
    assert not _issues(base, "not_recomputed")


# ------------------------------------------------------------------ leaving the list


def _service_units() -> pd.DataFrame:
    # Denominators 100. Both units: 6a, 6b, 7a, 7b at 100 % (4 x 5) and drainage 4b 30 % (1)
    # and 4c 30 % / 29 % (1): total 22, kumuh ringan. Works clear 6a, 6b, 7a, 7b: total 2.
    # Drainage average after works: A (0 + 30 + 30) / 3 = 20.00 -> service 80.00 %, not
    # above 80; B (0 + 30 + 29) / 3 = 19.67 -> service 80.33 %. Roads, water, wastewater 0 %
    # (service 100 %), solid waste 0 % after works.
    return pd.DataFrame({"unit_id": ["A", "B"], "buildings": [100] * 2,
                         "households": [100] * 2, "road_length_m": [100.0] * 2,
                         "drain_length_m": [100.0] * 2, "area_ha": [1.0, 2.0],
                         **dict.fromkeys(CODES, [0.0] * 2),
                         "6a": [100] * 2, "6b": [100] * 2, "7a": [100] * 2, "7b": [100] * 2,
                         "4b": [30.0, 30.0], "4c": [30.0, 29.0]})  # fmt: skip


SERVICE_WORKS = pd.DataFrame({"unit_id": ["A"] * 4 + ["B"] * 4,
                              "criterion": ["6a", "6b", "7a", "7b"] * 2,
                              "volume": [100.0] * 8, "year": [2023] * 8})  # fmt: skip


def test_leaving_the_list_can_require_service_above_80_percent() -> None:
    units = _service_units()
    plain = kg.assess(units, reductions=SERVICE_WORKS)
    assert plain["total_score"].tolist() == [2, 2]
    assert plain["level"].astype(str).tolist() == ["tidak kumuh"] * 2
    assert plain["avg_drainase"].tolist() == [20.0, 19.67]
    strict = kg.assess(units, reductions=SERVICE_WORKS, leave_requires_service=True)
    assert strict["total_score"].tolist() == [2, 2]
    assert strict["level"].astype(str).tolist() == ["kumuh ringan", "tidak kumuh"]
    issue = _issues(strict, "service_below_minimum")
    assert [i.row for i in issue] == [0] and "drainase (80.00 %)" in issue[0].message
    # The same through a ruleset, and in the ledger: only B (2 ha) leaves.
    rs = dataclasses.replace(kg.get_ruleset(), leave_requires_service=True)
    led = kg.progress(units, SERVICE_WORKS, years=[2023], ruleset=rs)
    assert led.loc[0, ["baseline_ha", "slum_ha", "reduced_ha"]].tolist() == [3.0, 1.0, 2.0]
    # The baseline itself is not affected: a unit never on the list does not join it.
    assert (
        kg.assess(units, leave_requires_service=True)["level"].astype(str).tolist()
        == ["kumuh ringan"] * 2
    )


# ------------------------------------------------------------------ ledger


def test_unassessed_units_are_never_slum_nor_leaving_in_the_ledger() -> None:
    units = _service_units()
    units.loc[1, "5a"] = np.nan  # B cannot be assessed
    led = kg.progress(units, SERVICE_WORKS, years=[2023], allow_unassessed=True)
    row = led.iloc[0]
    assert row["baseline_ha"] == 1.0 and row["slum_ha"] == 0.0 and row["reduced_ha"] == 1.0
    assert row["units_belum_dinilai"] == 1 and row["ha_belum_dinilai"] == 2.0
    assert row["units_left"] == 1 and row["ha_left"] == 1.0 and row["units_entered"] == 0


def test_kontribusi_penanganan_by_hand() -> None:
    # A before: bangunan 0, jalan 0, air minum 0, drainase 20, air limbah 0, persampahan 100,
    # proteksi 100: 220 / 7 = 31.43; after works: drainase 20 only: 20 / 7 = 2.86.
    # B before: (0+0+0+19.67+0+100+100) / 7 = 219.67 / 7 = 31.38; after 19.67 / 7 = 2.81.
    # Group: awal (31.43 + 31.38) / 2 = 31.405, akhir (2.86 + 2.81) / 2 = 2.835,
    # kontribusi (31.405 - 2.835) / 31.405 = 0.909728.
    units = _service_units()
    before = kg.assess(units)
    after = kg.assess(units, reductions=SERVICE_WORKS)
    assert before["avg_kekumuhan"].tolist() == [31.43, 31.38]
    assert after["avg_kekumuhan"].tolist() == [2.86, 2.81]
    table = kg.summarize(after, before=before)
    assert table.loc["total", "avg_kekumuhan_awal"] == pytest.approx(31.405)
    assert table.loc["total", "avg_kekumuhan_akhir"] == pytest.approx(2.835)
    assert table.loc["total", "kontribusi_penanganan"] == pytest.approx(28.57 / 31.405)
    by = summary_by(before, after=after, by="unit_id").set_index("unit_id")
    # A alone: (31.43 - 2.86) / 31.43; the total row as summarize's.
    assert by.loc["A", "kontribusi_penanganan"] == pytest.approx(28.57 / 31.43)
    assert by.loc["total", "kontribusi_penanganan"] == pytest.approx(28.57 / 31.405)
    led = kg.progress(units, SERVICE_WORKS, years=[2022, 2023])
    assert led["avg_kekumuhan"].tolist() == pytest.approx([31.405, 2.835])
    assert led["kontribusi_penanganan"].tolist() == pytest.approx([0.0, 28.57 / 31.405])


# ------------------------------------------------------------------ kotaku-gis run


def test_run_stops_on_units_without_criteria_unless_keep_going(sample, tmp_path) -> None:
    runner = CliRunner()
    sample_path = kg.datasets.get_path("ntb_sample")
    broken = sample.copy()
    blank = broken.index[:10]
    for col in ("3a", "3b"):
        broken[col] = broken[col].astype(float).mask(broken.index.isin(blank))
    units_path = tmp_path / "units.gpkg"
    broken.to_file(units_path, layer="units")
    args = ["run", "--units", str(units_path), "--interventions", str(sample_path),
            "--interventions-layer", "interventions", "--grid-m", "0", "--quiet"]  # fmt: skip
    stopped = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert stopped.exit_code != 0
    assert "criterion_missing" in stopped.output or "no evidence" in stopped.output
    assert not (tmp_path / "a" / "run.json").exists()
    going = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--keep-going"])
    assert going.exit_code == 0, going.output
    assert "10 of 366 units" in going.output and "could not be assessed" in going.output
    manifest = json.loads((tmp_path / "b" / "run.json").read_text())
    assert manifest["scoring"]["counts"]["criterion_missing"] == 10
    assert manifest["headline"]["units_belum_dinilai"] == 10
    area = float(broken.loc[blank, "area_ha"].sum())
    assert manifest["headline"]["ha_belum_dinilai"] == pytest.approx(round(area, 2))
    # No criterion at all: refused, and --keep-going still runs with every unit belum dinilai.
    bare_path = tmp_path / "bare.gpkg"
    sample.drop(columns=list(CODES)).to_file(bare_path, layer="units")
    bare = [*args[:2], str(bare_path), *args[3:]]
    assert runner.invoke(app, [*bare, "--out", str(tmp_path / "c")]).exit_code != 0
    all_blank = runner.invoke(app, [*bare, "--out", str(tmp_path / "d"), "--keep-going"])
    assert all_blank.exit_code == 0, all_blank.output
    manifest = json.loads((tmp_path / "d" / "run.json").read_text())
    assert manifest["headline"]["units_belum_dinilai"] == 366
    assert manifest["headline"]["baseline_slum_ha"] == 0.0
