"""Kawasan roll-up by hand: sums of the RTs' volumes and denominators, scored as one unit."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg

CODES = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c",
         "5a", "5b", "6a", "6b", "7a", "7b"]  # fmt: skip


def _rts() -> pd.DataFrame:
    """Kawasan Pesisir (RT1-RT3), Bantaran (RT4, RT5: RT5 lacks its 4b) and RT6 in none."""
    return pd.DataFrame({
        "unit_id": ["RT1", "RT2", "RT3", "RT4", "RT5", "RT6"],
        "nama_kawasan": ["Pesisir", "Pesisir", " Pesisir", "Bantaran", "Bantaran", None],
        "kelurahan": ["Ampenan Selatan", "Ampenan Selatan", "Ampenan Tengah", "Dasan Agung",
                      "Dasan Agung", "Dasan Agung"],
        "buildings": [40, 60, 100, 50, 50, 10],
        "households": [50, 70, 80, 60, 40, 10],
        "road_length_m": [300.0, 500.0, 200.0, 400.0, 400.0, 100.0],
        "drain_length_m": [200.0, 200.0, 400.0, 300.0, 300.0, 100.0],
        "area_ha": [1.5, 2.0, 2.5, 3.0, 1.0, 1.0],
        "penduduk": [200, 280, 320, 240, 160, 40],
        "1a": [40, 20, 0, 10, 10, 0], "1b": [0.5, 0.5, 0.5, 0.0, 0.0, 0.0],
        "1c": [40, 60, 60, 0, 0, 0], "2a": [300.0, 100.0, 0.0, 0.0, 0.0, 0.0],
        "2b": [0.0, 400.0, 120.0, 0.0, 0.0, 0.0], "3a": [50, 70, 32, 0, 0, 0],
        "3b": [0, 0, 0, 0, 0, 0], "4a": [1.5, 0.0, 0.0, 0.0, 0.0, 0.0],
        "4b": [200.0, 0.0, 0.0, 150.0, np.nan, 0.0], "4c": [0.0, 200.0, 208.0, 0.0, 0.0, 0.0],
        "5a": [50, 70, 80, 0, 0, 0], "5b": [0, 0, 49, 0, 0, 0], "6a": [25, 35, 40, 0, 0, 0],
        "6b": [50, 70, 80, 0, 0, 0], "7a": [40, 60, 100, 0, 0, 0], "7b": [0, 0, 0, 0, 0, 0],
    })  # fmt: skip


def _pesisir(out: pd.DataFrame) -> pd.Series:
    return out.set_index("nama_kawasan").loc["Pesisir"]


def test_a_kawasan_is_scored_from_its_rts_sums() -> None:
    out = kg.assess_kawasan(_rts())
    assert out["nama_kawasan"].tolist() == ["Bantaran", "Pesisir"]
    k = _pesisir(out)
    assert k["unit_id"] == "Pesisir" and k["units"] == 3
    sums = {"buildings": 200, "households": 200, "road_length_m": 1000, "drain_length_m": 800,
            "area_ha": 6.0, "penduduk": 800, "1a": 60, "1b": 1.5, "2a": 400, "2b": 520,
            "3a": 152, "4b": 200, "4c": 408, "5b": 49, "6a": 100}  # fmt: skip
    for col, expected in sums.items():
        assert k[col] == pytest.approx(expected, abs=1e-12), col
    # percentage of the sums, not a mean of the RTs' percentages (RT1's 1a is 100 %, RT2's
    # 33.33 %, RT3's 0 %: their mean would be 44.44 %, score 1 all the same; 2b's mean 32.67 %
    # would score 1 where the kawasan's 52 % scores 3)
    pct = {"1a": 30.0, "1b": 25.0, "1c": 80.0, "2a": 40.0, "2b": 52.0, "3a": 76.0, "3b": 0.0,
           "4a": 25.0, "4b": 25.0, "4c": 51.0, "5a": 100.0, "5b": 24.5, "6a": 50.0,
           "6b": 100.0, "7a": 100.0, "7b": 0.0}  # fmt: skip
    score = {"1a": 1, "1b": 1, "1c": 5, "2a": 1, "2b": 3, "3a": 5, "3b": 0, "4a": 1, "4b": 1,
             "4c": 3, "5a": 5, "5b": 0, "6a": 1, "6b": 5, "7a": 5, "7b": 0}  # fmt: skip
    assert {c: k[f"pct_{c}"] for c in CODES} == pct
    assert {c: int(k[f"score_{c}"]) for c in CODES} == score
    assert int(k["total_score"]) == 37
    assert k["level"] == "kumuh ringan"
    assert k["kelurahan"] == "Ampenan Selatan; Ampenan Tengah"


def test_a_blank_rt_value_leaves_the_kawasan_sum_blank_not_smaller() -> None:
    out = kg.assess_kawasan(_rts())
    bantaran = out.set_index("nama_kawasan").loc["Bantaran"]
    assert np.isnan(bantaran["4b"])  # not RT4's 150
    assert bantaran["drain_length_m"] == 600.0 and bantaran["units"] == 2
    entries = [i for i in out.attrs["report"] if i.check == "kawasan_missing_value"]
    assert [(i.row, i.column) for i in entries] == [("Bantaran", "4b")]
    assert "RT5" in entries[0].message
    # the RT in no kawasan is reported and left out
    assert "no_kawasan" in {i.check for i in out.attrs["report"]}
    assert out["units"].sum() == 5


def test_a_missing_denominator_blanks_its_criteria() -> None:
    rts = _rts()
    rts.loc[1, "households"] = np.nan
    k = _pesisir(kg.assess_kawasan(rts))
    assert np.isnan(k["households"])
    assert ("Pesisir", "households") in {
        (i.row, i.column) for i in kg.assess_kawasan(rts).attrs["report"]
    }


def test_works_lower_each_rt_by_no_more_than_its_own_deficit() -> None:
    red = pd.DataFrame({
        "unit_id": ["RT1", "RT2", "RT3"], "criterion": ["2a", "2b", "2b"],
        "volume": [500.0, 400.0, 120.0], "year": [2023, 2023, 2025]})  # fmt: skip
    out = kg.assess_kawasan(_rts(), reductions=red, year=2024)
    k = _pesisir(out)
    # RT1 had 300 m of 2a: the 500 m road takes 300 m, the other 200 m clear nothing in RT2.
    assert k["reduction_2a"] == 300.0 and k["2a"] == 100.0 and k["pct_2a"] == 10.0
    # RT2's 400 m of 2b cleared by 2023; RT3's work of 2025 is later than 2024.
    assert k["reduction_2b"] == 400.0 and k["2b"] == 120.0 and k["pct_2b"] == 12.0
    # 2a falls from score 1 to 0, 2b from 3 to 0: 37 - 4 = 33
    assert int(k["total_score"]) == 33 and k["level"] == "kumuh ringan"
    assert "unit_report" in out.attrs


def test_dissolved_geometry_and_hectares_from_it() -> None:
    laea = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"
    rts = _rts().iloc[:3].drop(columns=["area_ha"])
    units = gpd.GeoDataFrame(
        rts, geometry=[shapely.box(x, 1000, x + 100, 1100) for x in (1000, 1100, 1200)], crs=laea
    )
    out = kg.assess_kawasan(units)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == units.crs
    geom = out.geometry.iloc[0]
    assert geom.geom_type == "Polygon" and geom.area == pytest.approx(30_000.0, rel=1e-12)
    # no area_ha column: each RT's 1 ha comes from its polygon (equal-area frame: 1 ha each)
    assert out.loc[0, "area_ha"] == pytest.approx(3.0, rel=1e-8)
    assert out.loc[0, "pct_1b"] == 50.0  # 1.5 ha of 3 ha


def test_the_kawasan_column_must_exist() -> None:
    with pytest.raises(kg.InputError, match="kawasan"):
        kg.assess_kawasan(_rts().drop(columns=["nama_kawasan"]))


def test_kawasan_rows_go_into_the_ledger() -> None:
    table = kg.summarize(kg.assess_kawasan(_rts().iloc[:3]))
    assert table.loc["total", "units"] == 1
    assert table.loc["total", "slum_ha"] == pytest.approx(6.0)
