"""Handling type and priority: legality from its parts, pertimbangan lain, typology, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import kotaku_gis as kg


def _checks(out: pd.DataFrame) -> set[tuple[object, str]]:
    return {(i.row, i.check) for i in out.attrs["report"]}


# ---------------------------------------------------------------- pertimbangan lain


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, "rendah"), (5, "rendah"), (6, "sedang"), (10, "sedang"), (11, "tinggi"), (15, "tinggi")],
)
def test_class_bounds_of_a_summed_value(value: int, expected: str) -> None:
    # Permen 02/2016 Lampiran II: 11-15 tinggi, 6-10 sedang, up to 5 rendah.
    frame = pd.DataFrame({"level": ["kumuh ringan"], "legal_status": ["legal"],
                          "pertimbangan_lain": [value]})  # fmt: skip
    assert kg.handling(frame)["pl_class"].tolist() == [expected]


def test_class_of_the_three_scores_under_the_samples_own_names() -> None:
    frame = pd.DataFrame({
        "level": ["kumuh berat"] * 4, "legal_status": ["legal"] * 4,
        "nilai_strategis": [1, 3, 3, 5], "kepadatan_penduduk": [3, 3, 5, 5],
        "potensi_sosial_ekonomi": [1, 1, 1, 1]})  # fmt: skip
    out = kg.handling(frame)
    # sums 5, 7, 9, 11
    assert out["pl_value"].tolist() == [5.0, 7.0, 9.0, 11.0]
    assert out["pl_class"].tolist() == ["rendah", "sedang", "sedang", "tinggi"]


def test_a_score_other_than_1_3_5_is_blank_and_reported() -> None:
    frame = pd.DataFrame({"level": ["kumuh berat"], "legal_status": ["legal"],
                          "nilai_strategis": [4], "kepadatan_penduduk": [3],
                          "potensi_sosial_ekonomi": [1]})  # fmt: skip
    out = kg.handling(frame)
    assert out["pl_class"].isna().all() and out["priority"].isna().all()
    assert (0, "bad_consideration_value") in _checks(out)
    assert (0, "unknown_other_considerations") in _checks(out)


def test_sample_units_are_read_under_their_own_column_names() -> None:
    units = kg.datasets.load_units()
    out = kg.handling(kg.assess(units))
    row = out.set_index("unit_id").loc["5271011004-RT001"]
    # nilai_strategis 5 + kepadatan_penduduk 5 + potensi_sosial_ekonomi 3 = 13: tinggi
    assert (row["pl_value"], row["pl_class"]) == (13.0, "tinggi")
    assert out["pl_class"].notna().all()
    assert set(out["pl_class"]) == {"tinggi", "sedang", "rendah"}
    assert "missing_other_considerations" not in {i.check for i in out.attrs["report"]}


def test_missing_considerations_give_no_priority_instead_of_rendah() -> None:
    out = kg.handling(pd.DataFrame({"level": ["kumuh berat"], "legal_status": ["legal"]}))
    assert out["pl_class"].isna().all() and out["priority"].isna().all()
    assert out["handling_type"].tolist() == ["peremajaan"]
    assert (None, "missing_other_considerations") in _checks(out)


# ---------------------------------------------------------------- priority


def test_priority_ranks_pertimbangan_lain_first_then_level() -> None:
    levels = ["kumuh berat", "kumuh sedang", "kumuh ringan"]
    classes = ["tinggi", "sedang", "rendah"]
    frame = pd.DataFrame({
        "level": [lv for _ in classes for lv in levels],
        "pertimbangan_lain": [c for c in classes for _ in levels],
        "legal_status": ["legal", "tidak legal", "legal"] * 3})  # fmt: skip
    out = kg.handling(frame)
    assert out["priority_class"].tolist() == ["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3"]
    assert out["priority"].tolist() == list(range(1, 10))
    # kumuh ringan with pertimbangan lain tinggi comes before kumuh berat with sedang
    assert out.loc[2, "priority"] < out.loc[3, "priority"]


def test_legal_status_sets_the_type_not_the_priority() -> None:
    frame = pd.DataFrame({"level": ["kumuh berat"] * 3, "pertimbangan_lain": ["sedang"] * 3,
                          "legal_status": ["legal", "tidak legal", None]})  # fmt: skip
    out = kg.handling(frame)
    assert out["priority"].tolist() == [4, 4, 4]
    assert out["handling_type"].tolist()[:2] == ["peremajaan", "pemukiman kembali"]
    assert pd.isna(out.loc[2, "handling_type"])


def test_unknown_ordering_is_refused() -> None:
    with pytest.raises(kg.InputError, match="ordering"):
        kg.handling(pd.DataFrame({"level": ["kumuh berat"]}), ordering="A1")


# ---------------------------------------------------------------- legality from its parts


def test_legality_from_land_status_spatial_plan_and_permit() -> None:
    frame = pd.DataFrame({
        "level": ["kumuh ringan"] * 6,
        "pertimbangan_lain": ["rendah"] * 6,
        "status_lahan": ["jelas", "jelas", None, "jelas", "jelas", "Sertifikat"],
        "kesesuaian_rtrw": ["sesuai", "tidak sesuai", None, "sesuai", "sesuai", "Sesuai"],
        "imb": ["ada", None, None, None, None, "ADA"],
        "legal_status": [None, None, None, None, "legal", "tidak legal"]})  # fmt: skip
    out = kg.handling(frame)
    assert out["legal"].tolist() == [True, False, pd.NA, pd.NA, True, True]
    assert out["legal_basis"].tolist() == ["parts", "parts", pd.NA, pd.NA, "legal_status", "parts"]
    assert out["handling_type"].tolist()[:2] == ["pemugaran", "pemukiman kembali"]
    assert out["handling_type"].isna().tolist()[2:4] == [True, True]
    assert out["handling_type"].tolist()[4:] == ["pemugaran", "pemugaran"]
    # the parts that leave the legality open are named, not assumed
    assert out["legal_missing"].tolist()[2:5] == [
        "status_lahan; kesesuaian_rtrw; imb",
        "imb",
        "imb",
    ]
    checks = _checks(out)
    assert {(2, "unknown_legal_status"), (3, "unknown_legal_status")} <= checks
    assert (5, "legal_status_conflict") in checks
    assert (4, "unknown_legal_status") not in checks


def test_a_missing_part_column_is_not_read_as_legal() -> None:
    frame = pd.DataFrame({"level": ["kumuh berat"], "status_lahan": ["jelas"],
                          "kesesuaian_rtrw": ["sesuai"]})  # fmt: skip
    out = kg.handling(frame)
    assert out["legal"].isna().all() and out["handling_type"].isna().all()
    assert out["legal_missing"].tolist() == ["imb"]


def test_legality_from_the_regulations_two_parts() -> None:
    frame = pd.DataFrame({"level": ["kumuh berat", "kumuh berat"],
                          "status_lahan": ["jelas", "jelas"],
                          "kesesuaian_rtrw": ["sesuai", "tidak sesuai"]})  # fmt: skip
    two = {"land_status": "status_lahan", "spatial_plan": "kesesuaian_rtrw"}
    out = kg.handling(frame, legal_parts=two)
    assert out["legal"].tolist() == [True, False]
    assert out["handling_type"].tolist() == ["peremajaan", "pemukiman kembali"]
    with pytest.raises(kg.InputError, match="legal_parts"):
        kg.handling(frame, legal_parts={"zoning": "rdtr"})


def test_no_legality_at_all_is_reported_once() -> None:
    out = kg.handling(pd.DataFrame({"level": ["kumuh berat", "kumuh ringan"]}))
    assert out["handling_type"].isna().all()
    assert (None, "missing_legal_status") in _checks(out)


def test_unrecognised_words_are_reported_not_guessed() -> None:
    frame = pd.DataFrame({"level": ["kumuh berat"], "legal_status": ["mungkin"]})
    out = kg.handling(frame)
    assert out["legal"].isna().all()
    assert (0, "unknown_legal_status") in _checks(out)


# ---------------------------------------------------------------- typology and unassessed units


def test_hazard_typology_gives_pemukiman_kembali() -> None:
    frame = pd.DataFrame(
        {
            "level": ["kumuh ringan", "kumuh ringan", "kumuh berat", "tidak kumuh"],
            "legal_status": ["legal"] * 4,
            "pertimbangan_lain": ["tinggi"] * 4,
            "tipologi": ["Kawasan Rawan Bencana", "di tepi air", "perbukitan", "rawan bencana"],
        }
    )
    out = kg.handling(frame)
    assert out["typology"].tolist() == ["rawan bencana", "di tepi air", "perbukitan",
                                        "rawan bencana"]  # fmt: skip
    assert out["handling_type"].tolist()[:3] == ["pemukiman kembali", "pemugaran", "peremajaan"]
    assert pd.isna(out.loc[3, "handling_type"])  # not a slum
    assert "pasang surut" in out.loc[1, "handling_notes"]
    assert (0, "hazard_relocation") in _checks(out)
    kept = kg.handling(frame, hazard_relocation=False)
    assert kept.loc[0, "handling_type"] == "pemugaran"


def test_unknown_typology_is_reported() -> None:
    frame = pd.DataFrame({"level": ["kumuh berat"], "legal_status": ["legal"],
                          "tipologi": ["gunung api"]})  # fmt: skip
    out = kg.handling(frame)
    assert out["typology"].isna().all() and out["handling_type"].tolist() == ["peremajaan"]
    assert (0, "unknown_typology") in _checks(out)


def test_units_not_assessed_get_no_handling_and_are_reported() -> None:
    frame = pd.DataFrame({"level": [None, "kumuh berat"], "legal_status": ["legal"] * 2,
                          "pertimbangan_lain": ["tinggi"] * 2}, index=["x", "y"])  # fmt: skip
    out = kg.handling(frame)
    assert out["handling_type"].isna().tolist() == [True, False]
    assert out["priority"].isna().tolist() == [True, False]
    assert ("x", "not_assessed") in _checks(out)
    assert out.index.tolist() == ["x", "y"]
