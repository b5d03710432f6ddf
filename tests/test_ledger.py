"""summarize, progress and reconcile: hectares conserved, ledger figures by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kotaku_gis as kg


def _units() -> pd.DataFrame:
    # A: 2.00 ha, 40 buildings all lacking 7a/7b and irregular (1a): 5+5+5 = 15 ... plus 1c
    #    10/40 = 25 % (1 point) -> 16, kumuh ringan. Works remove 7a in 2022 -> 11, tidak kumuh.
    # B: 3.25 ha, every building-criterion at 100 % and 2a/2b at 100 %: 5x6 = 30, ringan,
    #    untouched.
    # C: 1.50 ha, nothing deficient: tidak kumuh throughout.
    # The criteria not named are recorded as 0 (measured: nothing deficient).
    return pd.DataFrame({
        "unit_id": ["A", "B", "C"], "kota": ["Mataram", "Mataram", "Bima"],
        "area_ha": [2.0, 3.25, 1.5], "buildings": [40, 20, 10], "road_length_m": [100.0] * 3,
        "households": [40, 20, 10], "drain_length_m": [100.0] * 3,
        **dict.fromkeys(kg.get_ruleset().codes, [0.0] * 3),
        "1a": [40, 20, 0], "1c": [10, 20, 0], "7a": [40, 20, 0], "7b": [40, 20, 0],
        "2a": [0.0, 100.0, 0.0], "2b": [0.0, 100.0, 0.0]})  # fmt: skip


REDUCTIONS = pd.DataFrame({"unit_id": ["A"], "criterion": ["7a"], "volume": [40.0],
                           "year": [2022]})  # fmt: skip


def test_summarize_overall_and_by_kota() -> None:
    assessed = kg.assess(_units())
    assert assessed["level"].astype(str).tolist() == ["kumuh ringan", "kumuh ringan",
                                                      "tidak kumuh"]  # fmt: skip
    total = kg.summarize(assessed)
    assert total.loc["total", "slum_ha"] == pytest.approx(5.25)
    assert total.loc["total", "ha_kumuh_ringan"] == pytest.approx(5.25)
    assert total.loc["total", "ha_tidak_kumuh"] == pytest.approx(1.5)
    assert total.loc["total", "units"] == 3 and total.loc["total", "slum_units"] == 2
    by = kg.summarize(assessed, by="kota")
    assert by.loc["Mataram", "slum_ha"] == pytest.approx(5.25)
    assert by.loc["Bima", "slum_ha"] == 0.0
    assert by["area_ha"].sum() == pytest.approx(6.75)
    ha_cols = [c for c in by.columns if c.startswith("ha_")]
    assert by[ha_cols].sum(axis=1).to_numpy() == pytest.approx(by["area_ha"].to_numpy())


def test_summarize_keeps_blank_groups_and_rejects_unknown_columns() -> None:
    # B (3.25 ha, kumuh ringan) has no kota: it must form its own row, not join another, and
    # that row is labelled, never a blank or NaN key.
    assessed = kg.assess(_units().assign(kota=["Mataram", None, "Bima"]))
    by = kg.summarize(assessed, by="kota")
    assert len(by) == 3
    assert by.index.notna().all()
    blank = by[by.index == "(tanpa kota)"]
    assert len(blank) == 1
    assert blank["area_ha"].tolist() == [3.25]
    assert blank["slum_ha"].tolist() == [3.25]
    assert blank["ha_kumuh_ringan"].tolist() == [3.25]
    assert blank["units"].tolist() == [1]
    named = by[by.index != "(tanpa kota)"]
    assert named.index.tolist() == ["Bima", "Mataram"]
    assert named["area_ha"].tolist() == [1.5, 2.0]
    assert named["slum_ha"].tolist() == [0.0, 2.0]
    assert by["area_ha"].sum() == pytest.approx(6.75)
    with pytest.raises(kg.InputError, match="no such column"):
        kg.summarize(assessed, by="desa")
    with pytest.raises(kg.InputError, match="assess"):
        kg.summarize(_units())


def test_progress_ledger_by_year() -> None:
    led = kg.progress(_units(), REDUCTIONS, years=[2021, 2022])
    # 2021: nothing done; 2022: A (2.00 ha) leaves the list.
    assert led["year"].tolist() == [2021, 2022]
    assert led["baseline_ha"].tolist() == pytest.approx([5.25, 5.25])
    assert led["slum_ha"].tolist() == pytest.approx([5.25, 3.25])
    assert led["reduced_ha"].tolist() == pytest.approx([0.0, 2.0])
    assert led["units_left"].tolist() == [0, 1]
    assert led["units_entered"].tolist() == [0, 0]
    assert led["ha_tidak_kumuh"].tolist() == pytest.approx([1.5, 3.5])


def test_progress_by_kota() -> None:
    led = kg.progress(_units(), REDUCTIONS, years=[2022], by="kota").set_index("kota")
    assert led.loc["Mataram", "reduced_ha"] == pytest.approx(2.0)
    assert led.loc["Bima", "baseline_ha"] == 0.0


def test_reconcile_reports_the_unexplained_gap() -> None:
    rec = kg.reconcile(575.47, 108.38, 361.5)
    assert rec.gap_ha == -105.59
    assert rec.balanced is False
    assert rec.expected_ha == 467.09
    assert "NOT balanced" in repr(rec) and "-105.59" in repr(rec)
    assert "<table" in rec._repr_html_()
    ok = kg.reconcile(575.47, 108.38, 467.09)
    assert ok.gap_ha == 0.0 and ok.balanced is True


def test_reconcile_per_kota_series() -> None:
    idx = pd.Index(["Mataram", "Bima"], name="kota")
    rec = kg.reconcile(
        pd.Series([575.47, 100.0], idx), pd.Series([108.38, 10.0], idx),
        pd.Series([361.5, 90.005], idx),
    )  # fmt: skip
    assert rec.gap_ha.tolist() == [-105.59, 0.01]
    assert rec.balanced.tolist() == [False, True]
    assert rec.to_frame().index.tolist() == ["Mataram", "Bima"]
    arr = kg.reconcile(np.array([10.0, 10.0]), np.array([1.0, 1.0]), np.array([9.0, 8.0]))
    assert arr.gap_ha.tolist() == [0.0, -1.0]


def test_summarize_reads_level_labels_as_typed_in_a_spreadsheet() -> None:
    # 1.0 ha kumuh ringan + 2.0 ha kumuh berat, labels with capitals and stray spaces.
    typed = pd.DataFrame({"area_ha": [1.0, 2.0, 0.5],
                          "level": ["Kumuh Ringan", "kumuh berat ", " Tidak  Kumuh"]})  # fmt: skip
    total = kg.summarize(typed).loc["total"]
    assert total["slum_ha"] == 3.0 and total["slum_units"] == 2
    assert total["ha_kumuh_ringan"] == 1.0
    assert total["ha_kumuh_berat"] == 2.0
    assert total["ha_tidak_kumuh"] == 0.5
    assert total["area_ha"] == 3.5


def test_summarize_rejects_unknown_level_labels() -> None:
    typed = pd.DataFrame({"area_ha": [1.0, 2.0], "level": ["kumuh ringan", "Kumuh Parah"]})
    with pytest.raises(kg.InputError, match="Kumuh Parah") as err:
        kg.summarize(typed)
    assert "tidak kumuh" in str(err.value) and "kumuh berat" in str(err.value)


@pytest.mark.parametrize(
    "years", [2022, np.int64(2022), [2022], (2022,), range(2022, 2023), np.array([2022]),
              pd.Series([2022]), [2022.0]],
)  # fmt: skip
def test_progress_accepts_a_year_or_a_collection_of_years(years: object) -> None:
    led = kg.progress(_units(), REDUCTIONS, years=years)  # type: ignore[arg-type]
    assert led["year"].tolist() == [2022]
    assert led["slum_ha"].tolist() == pytest.approx([3.25])


def test_progress_sorts_and_deduplicates_years() -> None:
    led = kg.progress(_units(), REDUCTIONS, years=[2022, 2021, 2022])
    assert led["year"].tolist() == [2021, 2022]
    assert led["reduced_ha"].tolist() == pytest.approx([0.0, 2.0])


@pytest.mark.parametrize("years", ["2022", b"2022", [None], [2022, "2023"], None, [], 2022.5])
def test_progress_rejects_years_that_are_not_whole_numbers(years: object) -> None:
    with pytest.raises(kg.InputError, match="year"):
        kg.progress(_units(), REDUCTIONS, years=years)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [(("abc", 1, 1), {}, "baseline_ha"), ((1, None, object()), {}, "remaining_ha"),
     ((1, 1, 0), {"tolerance_ha": "x"}, "tolerance_ha"),
     ((1, 1, 0), {"tolerance_ha": -0.5}, "tolerance_ha"),
     ((1, 1, 0), {"tolerance_ha": float("nan")}, "tolerance_ha"),
     ((pd.Series([1.0, "x"]), 0.0, 1.0), {}, "baseline_ha"),
     ((np.array(["1", "y"], dtype=object), 0.0, 1.0), {}, "baseline_ha")],
)  # fmt: skip
def test_reconcile_rejects_figures_that_are_not_numbers(args, kwargs, match) -> None:
    with pytest.raises(kg.InputError, match=match):
        kg.reconcile(*args, **kwargs)


def test_reconcile_reads_numbers_written_as_text() -> None:
    # 575.47 - 108.38 = 467.09 reported as 467.09: balanced.
    rec = kg.reconcile("575.47", 108.38, pd.Series(["467.09"]).iloc[0], tolerance_ha="0.01")
    assert rec.gap_ha == 0.0 and rec.balanced is True
    per_kota = kg.reconcile(pd.Series(["10", None]), pd.Series([1.0, 1.0]), 9.0)
    assert per_kota.gap_ha.tolist()[0] == 0.0
    assert np.isnan(per_kota.gap_ha.tolist()[1])
    assert per_kota.balanced.tolist() == [True, False]
