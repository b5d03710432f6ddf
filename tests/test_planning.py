"""Budget plans and scenarios: exact against brute force, constraints kept, errors clear.

Brute force here uses only the public functions: for every subset of the candidates that the
budget and constraints allow, the completed works and the subset (placed in the plan year)
go through ``kg.allocate`` and ``kg.assess``, and the objective is counted from the levels,
totals and hectares of the result.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

import kotaku_gis as kg
from kotaku_gis import planning

ROOT = Path(__file__).resolve().parents[1]
LAEA = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"
DENOMINATOR = {
    **dict.fromkeys(["1a", "1c", "7a", "7b"], "buildings"),
    **dict.fromkeys(["1b", "4a"], "area_ha"),
    **dict.fromkeys(["2a", "2b"], "road_length_m"),
    **dict.fromkeys(["4b", "4c"], "drain_length_m"),
    **dict.fromkeys(["3a", "3b", "5a", "5b", "6a", "6b"], "households"),
}
#: Scores 15 in all (fire 7a, 7b and building standards 1c at 100 %), every other criterion
#: at 0: a unit one point short of the slum list.
FIFTEEN = {
    "households": 100, "buildings": 50, "road_length_m": 400.0, "drain_length_m": 400.0,
    "1a": 0, "1b": 0.0, "1c": 50, "2a": 0.0, "2b": 0.0, "3a": 0, "3b": 0, "4a": 0.0,
    "4b": 0.0, "4c": 0.0, "5a": 0, "5b": 0, "6a": 0, "6b": 0, "7a": 50, "7b": 50,
}  # fmt: skip


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


# ---------------------------------------------------------------- brute force


def _value(assessed: pd.DataFrame, objective: str, weights=None) -> float:
    area = kg.area_ha(assessed).to_numpy() if "area_ha" not in assessed else assessed["area_ha"]
    area = np.asarray(area, dtype=float)
    level = assessed["level"].astype(str).to_numpy()
    if objective == "slum_ha":
        return float(area[level != "tidak kumuh"].sum())
    if objective == "weighted_ha":
        w = dict(planning.LEVEL_WEIGHTS if weights is None else weights)
        return float(sum(a * w.get(lv, 0.0) for a, lv in zip(area, level, strict=True)))
    return float((area * assessed["total_score"].to_numpy(dtype=float)).sum())


def _evaluate(units, cands, works, chosen, *, year):
    """allocate + assess of the completed works and the chosen candidates.

    The candidates are placed in the plan year: the year after ``year``, or without it the
    year after the latest completed work (undated works still claim last, as allocate says).
    """
    parts = []
    plan_year = None if year is None else year + 1
    if works is not None:
        done = works[works["status"].eq("selesai").to_numpy()]
        if year is not None:
            done = done[(done["year"] <= year).to_numpy()]
        elif done["year"].notna().any():
            plan_year = int(done["year"].max()) + 1
        parts.append(done)
    picked = cands.iloc[list(chosen)].copy()
    picked["status"] = "selesai"
    picked["year"] = plan_year
    parts.append(picked)
    frame = pd.concat([p for p in parts if len(p)] or [picked], ignore_index=True)
    if isinstance(cands, gpd.GeoDataFrame) and not isinstance(frame, gpd.GeoDataFrame):
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=cands.crs)
    red = kg.allocate(units=units, interventions=frame)
    return kg.assess(units, reductions=red)


_MEMO: dict[tuple, pd.DataFrame] = {}


def _evaluated(units, cands, works, chosen, *, year):
    key = (id(units), id(cands), id(works), tuple(chosen), year)
    if key not in _MEMO:
        _MEMO[key] = _evaluate(units, cands, works, chosen, year=year)
    return _MEMO[key]


def brute_force(
    units, cands, *, budget, works=None, year=None, objective="slum_ha", weights=None,
    include=(), exclude=(), alternatives=(), budgets=None,
):  # fmt: skip
    """The best gain over every allowed subset, and every subset achieving it (sorted ids).

    Evaluations are kept for the frames given (by identity), so that several objectives on
    one instance evaluate each subset once.
    """
    ids = cands["intervention_id"].astype(str).tolist()
    cost = cands["cost"].to_numpy(dtype=float)
    base = _value(_evaluated(units, cands, works, (), year=year), objective, weights)
    found = []
    for r in range(len(ids) + 1):
        for sub in itertools.combinations(range(len(ids)), r):
            chosen = {ids[i] for i in sub}
            spent = cost[list(sub)].sum()
            if spent > budget + 1e-9 or not set(include) <= chosen or chosen & set(exclude):
                continue
            if any(len(chosen & set(g)) > 1 for g in alternatives):
                continue
            if budgets and any(
                cost[[i for i in sub if cands["kota"].iloc[i] == k]].sum() > cap + 1e-9
                for k, cap in budgets.items()
            ):
                continue
            after = _evaluated(units, cands, works, sub, year=year)
            gain = base - _value(after, objective, weights)
            found.append((gain, sorted(ids[i] for i in sub)))
    best = max(g for g, _ in found)
    return best, [s for g, s in found if g >= best - 1e-9]


# ---------------------------------------------------------------- random small instances


def random_instance(seed: int, n_cand: int = 6):
    """Six 1-ha RT in a 3 x 2 block, volumes spread over the score bands; overlapping taps,
    septic tanks, fire hydrants, lanes, drains, rehabilitated houses and table rows."""
    rng = np.random.default_rng(seed)
    rows, geoms = [], []
    for k in range(6):
        x0, y0 = (k % 3) * 100.0, (k // 3) * 100.0
        geoms.append(shapely.box(x0, y0, x0 + 100, y0 + 100))
        hh = int(rng.integers(40, 100))
        row = {"unit_id": f"RT{k:02d}", "households": hh, "buildings": int(hh * 0.8),
               "road_length_m": 300.0, "drain_length_m": 300.0, "area_ha": 1.0,
               "kota": "Kota A" if k < 3 else "Kota B"}  # fmt: skip
        for code, den in DENOMINATOR.items():
            share = rng.choice([0, 0, 0.2, 0.26, 0.3, 0.5, 0.55, 0.6, 0.8, 1.0])
            vol = share * row[den]
            row[code] = round(vol, 2) if den in ("area_ha",) or den.endswith("_m") else round(vol)
        rows.append(row)
    units = gpd.GeoDataFrame(rows, geometry=geoms, crs=LAEA)
    kinds = ["hidran_umum", "hidran_umum", "septictank_komunal", "jalan_beton",
             "drainase_lingkungan", "rehab_rtlh", "jamban", "hidran_kebakaran"]  # fmt: skip
    crows, cgeoms = [], []
    for i in range(n_cand):
        kind = kinds[rng.integers(len(kinds))]
        row = {"intervention_id": f"C{i}", "kind": kind, "cost": float(rng.integers(10, 100)),
               "kota": "Kota A" if rng.random() < 0.5 else "Kota B"}  # fmt: skip
        if kind in ("hidran_umum", "septictank_komunal", "hidran_kebakaran"):
            g = shapely.Point(rng.uniform(0, 300), rng.uniform(0, 200))
            row["radius_m"] = float(rng.uniform(40, 90))
        elif kind in ("jalan_beton", "drainase_lingkungan"):
            y, x = rng.uniform(10, 190), rng.uniform(0, 150)
            g = shapely.LineString([(x, y), (x + rng.uniform(60, 150), y + rng.uniform(-20, 20))])
        elif kind == "rehab_rtlh":
            g = shapely.Point(rng.uniform(1, 299), rng.uniform(1, 199))
            row["volume"] = float(rng.integers(5, 30))
        else:  # a table row: latrines for one RT, no location
            g = None
            row.update(unit_id=f"RT{rng.integers(6):02d}", criterion="5a",
                       volume=float(rng.integers(5, 40)))  # fmt: skip
        crows.append(row)
        cgeoms.append(g)
    cands = gpd.GeoDataFrame(crows, geometry=cgeoms, crs=LAEA)
    works = gpd.GeoDataFrame(
        {"intervention_id": ["E0", "E1", "E2"], "kind": ["hidran_umum", "mck", "hidran_umum"],
         "status": ["selesai", "selesai", "rencana"], "year": [2021, 2023, 2023],
         "radius_m": rng.uniform(30, 70, 3)},
        geometry=[shapely.Point(rng.uniform(0, 300), rng.uniform(0, 200)) for _ in range(3)],
        crs=LAEA,
    )  # fmt: skip
    return units, cands, works


def _check_against_brute_force(units, cands, works, *, budget, year, objective, **kw):
    constraints = {}
    if kw.get("include"):
        constraints["include"] = kw["include"]
    if kw.get("exclude"):
        constraints["exclude"] = kw["exclude"]
    if kw.get("alternatives"):
        constraints["alternatives"] = {i: f"g{k}" for k, g in enumerate(kw["alternatives"])
                                       for i in g}  # fmt: skip
    if kw.get("budgets"):
        constraints["budgets"] = {"kota": kw["budgets"]}
    p = kg.plan(units, cands, budget=budget, works=works, year=year, objective=objective,
                constraints=constraints)  # fmt: skip
    best, best_sets = brute_force(units, cands, budget=budget, works=works, year=year,
                                  objective=objective, **kw)  # fmt: skip
    assert p.gain == pytest.approx(best, abs=1e-9)
    # the plan's own after-state scores what brute force found best
    base = _value(_evaluate(units, cands, works, (), year=year), objective)
    assert base - _value(p.units, objective) == pytest.approx(best, abs=1e-9)
    assert sorted(p.selected["intervention_id"]) in best_sets
    assert p.cost <= budget + 1e-9
    assert p.status in ("optimal", "nothing_to_gain") and p.gap == 0
    assert not [i for i in p.report if i.check == "model_mismatch"]
    return p


@pytest.mark.parametrize("seed", [0, 2, 6])
def test_plan_agrees_with_brute_force_on_random_instances(seed):
    units, cands, works = random_instance(seed)
    budget = float(cands["cost"].sum() * 0.45)
    for objective in planning.OBJECTIVES:
        _check_against_brute_force(
            units, cands, works, budget=budget, year=2023, objective=objective
        )


def test_plan_agrees_with_brute_force_under_constraints():
    units, cands, works = random_instance(3)
    ids = cands["intervention_id"].tolist()
    budget = float(cands["cost"].sum() * 0.6)
    p = _check_against_brute_force(
        units, cands, works, budget=budget, year=2023, objective="score",
        include=[ids[1]], exclude=[ids[0]], alternatives=[(ids[2], ids[3])],
        budgets={"Kota A": 60.0},
    )  # fmt: skip
    chosen = set(p.selected["intervention_id"])
    assert ids[1] in chosen and ids[0] not in chosen and not {ids[2], ids[3]} <= chosen
    assert p.selected.loc[p.selected["kota"] == "Kota A", "cost"].sum() <= 60.0


def test_undated_completed_works_claim_after_the_candidates():
    # Without a year an undated completed work counts, and claims after the dated candidates
    # (allocate puts works without a year last); the model keeps it as a work always
    # selected. A: 100 households, 50 short of safe water; the undated tap E serves the strip
    # x 0-20 (20 households), so A stands at 30 % (score 1, total 16). C1 serves 10-24: only
    # 4 households more (26 %, still 1) although its own strip holds 14; C2 serves 50-56
    # (6 more, 24 %: A leaves). C3 takes B (0.5 ha) off the list. With 12 to spend, C2 alone
    # (1 ha) beats C1 + C3 (0.5 ha), which counting C1's strip whole would prefer.
    units = _tap_units()
    units.loc[0, ["3a", "5a"]] = [50, 0]
    cands = gpd.GeoDataFrame(
        {"intervention_id": ["C1", "C2", "C3"], "kind": ["hidran_umum"] * 3,
         "radius_m": [0.0, 0.0, 60.0], "cost": [5.0, 10.0, 5.0]},
        geometry=[shapely.box(10, 0, 24, 100), shapely.box(50, 0, 56, 100),
                  shapely.Point(325, 50)],
        crs=LAEA,
    )  # fmt: skip
    works = gpd.GeoDataFrame(
        {"intervention_id": ["D", "E"], "kind": ["mck", "hidran_umum"],
         "status": ["selesai", "selesai"], "year": pd.array([2020, pd.NA], dtype="Int64"),
         "radius_m": [10.0, 0.0]},
        geometry=[shapely.Point(340, 90), shapely.box(0, 0, 20, 100)], crs=LAEA,
    )  # fmt: skip
    p = kg.plan(units, cands, budget=12.0, works=works)
    assert p.selected["intervention_id"].tolist() == ["C2"]
    assert p.reduced_ha == pytest.approx(float(kg.area_ha(units).iloc[0]), abs=1e-12)
    best, best_sets = brute_force(units, cands, budget=12.0, works=works)
    assert best == pytest.approx(p.gain, abs=1e-12) and best_sets == [["C2"]]
    trail = p.reductions.set_index(["intervention_id", "criterion"])
    assert trail.loc[("C2", "3a"), "volume"] == pytest.approx(6.0, rel=1e-4)
    # E claims what C2 does not: its 20 households, after the candidate in claiming order
    assert trail.loc[("E", "3a"), "volume"] == pytest.approx(20.0, rel=1e-4)
    # with C1 built, C1 claims its whole strip first and E keeps the strip 0-10
    s = kg.scenario(units, works, candidates=cands, include=["C1"])
    t = s.reductions.set_index(["intervention_id", "criterion"])
    assert t.loc[("C1", "3a"), "volume"] == pytest.approx(14.0, rel=1e-4)
    assert t.loc[("E", "3a"), "volume"] == pytest.approx(10.0, rel=1e-4)
    assert s.units["pct_3a"].iloc[0] == 26.0


# ---------------------------------------------------------------- hand-worked cases


def _tap_units():
    """A: 1 ha, 3a at 30 %, 5a at 30 % (total 17); B: 0.5 ha, 3a at 30 % (total 16)."""
    a = {**FIFTEEN, "unit_id": "A", "3a": 30, "5a": 30}
    b = {**FIFTEEN, "unit_id": "B", "3a": 30}
    return gpd.GeoDataFrame(
        [a, b], geometry=[shapely.box(0, 0, 100, 100), shapely.box(300, 0, 350, 100)], crs=LAEA
    )


def _tap_candidates() -> gpd.GeoDataFrame:
    """A tap and a septic tank for A (both needed for it to leave), a tap for B."""
    return gpd.GeoDataFrame(
        {"intervention_id": ["A-tap", "A-septic", "B-tap"],
         "kind": ["hidran_umum", "septictank_komunal", "hidran_umum"],
         "radius_m": [80.0, 80.0, 60.0], "cost": [30.0, 30.0, 50.0]},
        geometry=[shapely.Point(50, 50), shapely.Point(50, 50), shapely.Point(325, 50)],
        crs=LAEA,
    )  # fmt: skip


def test_greedy_is_strictly_worse_where_two_works_are_needed_together():
    units = _tap_units()
    assert kg.assess(units)["total_score"].tolist() == [17, 16]
    # A leaves the list only with its tap and its septic tank together; B with one tap.
    cands = _tap_candidates()
    p = kg.plan(units, cands, budget=60.0)
    area = kg.area_ha(units).to_numpy()
    assert sorted(p.selected["intervention_id"]) == ["A-septic", "A-tap"]
    assert p.reduced_ha == pytest.approx(area[0], abs=1e-12)
    # greedy: each of A's works alone frees nothing, B's tap frees 0.5 ha, then no money
    assert p.greedy["selected"] == ["B-tap"]
    assert p.greedy["gain"] == pytest.approx(area[1], abs=1e-12)
    assert p.slum_ha_before - p.greedy["slum_ha_after"] == pytest.approx(area[1], abs=1e-12)
    assert p.gain > p.greedy["gain"] + 0.4
    best, best_sets = brute_force(units, cands, budget=60.0)
    assert best == pytest.approx(p.gain, abs=1e-12) and best_sets == [["A-septic", "A-tap"]]
    # what each chosen work contributes: without either, A stays on the list
    assert p.selected["marginal_gain"].to_numpy() == pytest.approx([area[0], area[0]])
    assert p.selected["units_left"].tolist() == [1, 1]
    assert p.units["leaves_list"].tolist() == [True, False]


def test_overlapping_service_areas_serve_their_households_once():
    # One RT of 100 households with 40 short of safe water (40 %, score 1). Three taps drawn
    # as service polygons (radius 0): P1 serves the strip x 0-10 (10 %), P2 the strip 5-15
    # (10 %, half of it P1's), P3 the strip 50-58 (8 %). P1 + P2 serve 15 households once,
    # leaving 25 = 25.00 %, still score 1; counted twice they would leave 20 % (score 0).
    unit = gpd.GeoDataFrame(
        [{**FIFTEEN, "unit_id": "A", "3a": 40}], geometry=[shapely.box(0, 0, 100, 100)], crs=LAEA
    )
    cands = gpd.GeoDataFrame(
        {"intervention_id": ["P1", "P2", "P3"], "kind": ["hidran_umum"] * 3,
         "radius_m": [0.0, 0.0, 0.0], "cost": [10.0, 11.0, 25.0]},
        geometry=[shapely.box(0, 0, 10, 100), shapely.box(5, 0, 15, 100),
                  shapely.box(50, 0, 58, 100)],
        crs=LAEA,
    )  # fmt: skip
    area = float(kg.area_ha(unit).iloc[0])
    p = kg.plan(unit, cands, budget=30.0)
    assert p.selected.empty and p.reduced_ha == 0.0 and p.status == "optimal"
    assert brute_force(unit, cands, budget=30.0)[0] == 0.0
    after = kg.assess(unit, reductions=kg.allocate(
        units=unit, interventions=cands.iloc[:2].assign(status="selesai")))  # fmt: skip
    assert after["pct_3a"].iloc[0] == 25.0 and after["score_3a"].iloc[0] == 1
    p = kg.plan(unit, cands, budget=35.0)
    assert p.selected["intervention_id"].tolist() == ["P1", "P3"]
    assert p.reduced_ha == pytest.approx(area)
    assert brute_force(unit, cands, budget=35.0) == (pytest.approx(area), [["P1", "P3"]])


@pytest.mark.parametrize(("taken", "leaves"), [(50.05, False), (50.06, True)])
def test_band_edges_follow_the_half_up_rounding(taken, leaves):
    # 300 of 1,000 households short of safe water (30 %, score 1). Taking 50.05 leaves
    # 24.995 %, which rounds half-up to 25.00 % and still scores 1; 50.06 leaves 24.99 %.
    units = pd.DataFrame([{**FIFTEEN, "unit_id": "A", "households": 1000, "3a": 300,
                           "area_ha": 2.5}])  # fmt: skip
    cands = pd.DataFrame({"intervention_id": ["S1"], "kind": ["sambungan_rumah"],
                          "unit_id": ["A"], "criterion": ["3a"], "volume": [taken],
                          "cost": [5.0]})  # fmt: skip
    p = kg.plan(units, cands, budget=10.0)
    assert p.reduced_ha == (2.5 if leaves else 0.0)
    assert p.selected["intervention_id"].tolist() == (["S1"] if leaves else [])
    after = kg.assess(units, reductions=kg.allocate(
        units=units, interventions=cands.assign(status="selesai")))  # fmt: skip
    assert after["pct_3a"].iloc[0] == (24.99 if leaves else 25.0)


def _table_case():
    """X: 2 ha, total 50 (kumuh sedang); Y: 1 ha, total 16 (kumuh ringan); table works.

    W1 (cost 10) takes X's 2b from 80 % to 0: 5 points off, X stays sedang (45).
    W2 (cost 10) takes Y's 5a from 30 % to 0: 1 point off, Y leaves the list (15).
    """
    x = {**FIFTEEN, "unit_id": "X", "area_ha": 2.0, "2a": 400.0, "2b": 320.0, "3a": 100,
         "3b": 100, "5a": 100, "5b": 100, "6a": 100}  # fmt: skip
    y = {**FIFTEEN, "unit_id": "Y", "area_ha": 1.0, "5a": 30}
    units = pd.DataFrame([x, y])
    cands = pd.DataFrame({"intervention_id": ["W1", "W2"], "kind": ["paving", "jamban"],
                          "unit_id": ["X", "Y"], "criterion": ["2b", "5a"],
                          "volume": [320.0, 30.0], "cost": [10.0, 10.0]})  # fmt: skip
    return units, cands


def test_objectives_as_defined():
    units, cands = _table_case()
    base = kg.assess(units)
    assert base["total_score"].tolist() == [50, 16]
    assert base["level"].astype(str).tolist() == ["kumuh sedang", "kumuh ringan"]
    # slum hectares: only Y can leave the list
    p = kg.plan(units, cands, budget=10.0, objective="slum_ha")
    assert p.selected["intervention_id"].tolist() == ["W2"] and p.gain == 1.0
    # weighted: X stays sedang with W1, so only Y's hectare (ringan 1 -> tidak kumuh 0)
    p = kg.plan(units, cands, budget=10.0, objective="weighted_ha")
    assert p.selected["intervention_id"].tolist() == ["W2"] and p.gain == 1.0
    # score: W1 takes 5 points off 2 ha (10), W2 1 point off 1 ha (1)
    p = kg.plan(units, cands, budget=10.0, objective="score")
    assert p.selected["intervention_id"].tolist() == ["W1"] and p.gain == 10.0
    assert p.reduced_ha == 0.0
    p = kg.plan(units, cands, budget=20.0, objective="score")
    assert sorted(p.selected["intervention_id"]) == ["W1", "W2"] and p.gain == 11.0


def test_weighted_objective_counts_a_change_of_level():
    units, cands = _table_case()
    units.loc[0, ["2a", "6a"]] = [0.0, 0]  # X: total 40, sedang; W1 takes it to 35, ringan
    assert kg.assess(units)["total_score"].tolist() == [40, 16]
    weights = {"kumuh berat": 9.0, "kumuh sedang": 5.0, "kumuh ringan": 1.0}
    p = kg.plan(units, cands, budget=10.0, objective="weighted_ha", weights=weights)
    assert p.selected["intervention_id"].tolist() == ["W1"]
    assert p.gain == pytest.approx((5.0 - 1.0) * 2.0)
    assert p.reduced_ha == 0.0  # X is still a slum, at a lower level
    assert p.units["level"].astype(str).tolist() == ["kumuh ringan", "kumuh ringan"]
    p = kg.plan(units, cands, budget=10.0, objective="slum_ha")
    assert p.selected["intervention_id"].tolist() == ["W2"]
    with pytest.raises(kg.InputError, match="grow with the level"):
        kg.plan(
            units,
            cands,
            budget=10.0,
            objective="weighted_ha",
            weights={"kumuh berat": 1.0, "kumuh sedang": 5.0, "kumuh ringan": 1.0},
        )


def test_slum_ha_after_is_the_librarys_own_evaluation_of_the_selection():
    units, cands, works = random_instance(2, n_cand=8)
    p = kg.plan(units, cands, budget=float(cands["cost"].sum() * 0.5), works=works, year=2023)
    chosen = cands[cands["intervention_id"].isin(p.selected["intervention_id"])]
    frame = pd.concat(
        [works[(works["status"] == "selesai") & (works["year"] <= 2023)],
         chosen.assign(status="selesai", year=2024)],
        ignore_index=True,
    )  # fmt: skip
    red = kg.allocate(units=units, interventions=frame)
    after = kg.assess(units, reductions=red)
    assert p.slum_ha_after == float(kg.summarize(after)["slum_ha"].iloc[0])
    pd.testing.assert_series_equal(p.units["level"], after["level"])
    assert sorted(p.reductions["intervention_id"].unique()) == sorted(
        red["intervention_id"].unique()
    )
    assert p.selected.index.isin(cands.index).all()


def test_budget_is_never_exceeded_and_money_is_not_spent_for_nothing():
    units, cands, works = random_instance(0, n_cand=8)
    for share in (0.1, 0.3, 0.6, 1.0):
        budget = float(cands["cost"].sum() * share)
        p = kg.plan(units, cands, budget=budget, works=works, year=2023)
        assert p.cost <= budget
        # every chosen work is needed: dropping it loses something
        assert (p.selected["marginal_gain"] > 0).all()


def test_units_not_assessed_are_not_planned_for(monkeypatch):
    # A unit whose level is blank (not assessed for lack of evidence) is never counted as
    # slum, so no work is bought for it; it is listed in the report.
    units = _tap_units()
    cands = gpd.GeoDataFrame(
        {"intervention_id": ["B-tap"], "kind": ["hidran_umum"], "radius_m": [60.0],
         "cost": [50.0]}, geometry=[shapely.Point(325, 50)], crs=LAEA)  # fmt: skip
    real_assess = planning.assess

    def assess_b_blank(units, **kw):
        out = real_assess(units, **kw)
        out["level"] = out["level"].astype(object)
        out.loc[out["unit_id"] == "B", "level"] = pd.NA
        return out

    monkeypatch.setattr(planning, "assess", assess_b_blank)
    p = kg.plan(units, cands, budget=100.0)
    assert p.selected.empty and p.reduced_ha == 0 and p.status == "nothing_to_gain"
    assert [i.row for i in p.report if i.check == "unit_not_assessed"] == [1]


def test_first_claim_with_capacity_factors_is_exact():
    # Two water works over the same whole RT of 100 households (400 people), 80 short of safe
    # water (80 %, score 5): a bore well ("A-bor", claims first) whose capacity of 200 people
    # serves half of the 400 it reaches (factor 0.5), and house connections ("B-sr") without
    # a capacity. The bore well alone leaves 30 % (score 1), the connections alone 0 %
    # (score 0); both: the bore well claims the RT first and serves 50, the connections get
    # nothing, 30 % (score 1). So with money for both, the connections alone are best.
    assert kg.INTERVENTION_KINDS["sumur_bor"].capacity == 200
    assert kg.INTERVENTION_KINDS["sumur_bor"].capacity_measure == "people"
    assert kg.INTERVENTION_KINDS["sambungan_rumah"].capacity is None
    unit = gpd.GeoDataFrame(
        [{**FIFTEEN, "unit_id": "A", "penduduk": 400, "3a": 80, "1c": 0, "5a": 100}],
        geometry=[shapely.box(0, 0, 100, 100)], crs=LAEA)  # fmt: skip
    area = float(kg.area_ha(unit).iloc[0])
    cands = gpd.GeoDataFrame(
        {"intervention_id": ["A-bor", "B-sr"], "kind": ["sumur_bor", "sambungan_rumah"],
         "radius_m": [0.0, 0.0], "cost": [1.0, 5.0]},
        geometry=[shapely.box(0, 0, 100, 100)] * 2, crs=LAEA)  # fmt: skip
    expected = {(False, False): 0.0, (True, False): 4 * area, (False, True): 5 * area,
                (True, True): 4 * area}  # fmt: skip
    # The library's own evaluation (allocate + assess) of every subset agrees by hand.
    for chosen, gain in expected.items():
        after = _evaluate(unit, cands, None, np.flatnonzero(chosen), year=None)
        assert _value(_evaluate(unit, cands, None, [], year=None), "score", None) - _value(
            after, "score", None
        ) == pytest.approx(gain)
    ctx = planning._context(unit, cands, None, year=None, rs=kg.get_ruleset(),
                            cost_column="cost", radii=None,
                            report=kg.ValidationReport())  # fmt: skip
    model = planning._build_model(ctx, "score", None)
    assert model.aux_first.any()  # each work's claim is modelled exactly, not as "any"
    gain = {s: model.gain(np.array(s)) for s in itertools.product([False, True], repeat=2)}
    assert gain == pytest.approx(expected)
    for budget, chosen in ((1.0, ["A-bor"]), (5.0, ["B-sr"]), (6.0, ["B-sr"])):
        p = kg.plan(unit, cands, budget=budget, objective="score", greedy=False)
        assert p.selected["intervention_id"].tolist() == chosen
        assert p.gain == pytest.approx(max(g for s, g in gain.items()
                                           if np.dot(s, [1.0, 5.0]) <= budget))  # fmt: skip


# ---------------------------------------------------------------- scenarios


def test_scenario_adds_planned_works_and_leaves_out_completed_ones():
    # Baseline (works completed by 2023): A's tap served it (A: 3a 0 %, 5a 30 %, total 16,
    # slum); B's tap served it (B: 15, not slum). The scenario builds A's planned septic tank
    # (A: 15) and leaves out B's tap (B: 16 again).
    units = _tap_units()
    works = gpd.GeoDataFrame(
        {"intervention_id": ["A-tap", "B-tap", "A-septic"],
         "kind": ["hidran_umum", "hidran_umum", "septictank_komunal"],
         "status": ["selesai", "selesai", "rencana"], "year": [2022, 2021, 2024],
         "radius_m": [80.0, 60.0, 80.0], "cost": [30.0, 50.0, 30.0]},
        geometry=[shapely.Point(50, 50), shapely.Point(325, 50), shapely.Point(50, 50)],
        crs=LAEA,
    )  # fmt: skip
    area = kg.area_ha(units).to_numpy()
    s = kg.scenario(units, works, include=["A-septic"], exclude=["B-tap"], year=2023)
    assert s.status == "scenario" and s.gap == 0.0
    assert s.slum_ha_before == pytest.approx(area[0], abs=1e-12)
    assert s.slum_ha_after == pytest.approx(area[1], abs=1e-12)
    assert s.reduced_ha == pytest.approx(area[0] - area[1], abs=1e-12)
    assert s.units["level_before"].astype(str).tolist() == ["kumuh ringan", "tidak kumuh"]
    assert s.units["level"].astype(str).tolist() == ["tidak kumuh", "kumuh ringan"]
    assert s.units["leaves_list"].tolist() == [True, False]
    assert s.selected["intervention_id"].tolist() == ["A-septic"] and s.cost == 30.0
    assert set(s.reductions["intervention_id"]) == {"A-tap", "A-septic"}
    assert [i.row for i in s.report if i.check == "left_out"] == [1]
    # the same through the library: the after-state is allocate + assess of those works
    red = kg.allocate(units=units, interventions=works.iloc[[0, 2]].assign(status="selesai"))
    assert s.slum_ha_after == kg.summarize(kg.assess(units, reductions=red))["slum_ha"].iloc[0]
    # nothing picked: the baseline itself
    s0 = kg.scenario(units, works, year=2023)
    assert s0.slum_ha_after == s0.slum_ha_before and s0.selected.empty
    with pytest.raises(kg.InputError, match="neither the works nor the candidates"):
        kg.scenario(units, works, include=["X9"], year=2023)
    with pytest.raises(kg.InputError, match="only completed works can be left out"):
        kg.scenario(units, works, exclude=["A-septic"], year=2023)


def test_scenario_with_candidates_matches_plan():
    units = _tap_units()
    cands = _tap_candidates()
    works = cands.iloc[0:0].assign(status=pd.Series(dtype=str), year=pd.Series(dtype=int))
    p = kg.plan(units, cands, budget=60.0)
    s = kg.scenario(units, works, candidates=cands, include=p.selected["intervention_id"])
    assert s.slum_ha_after == p.slum_ha_after and s.cost == p.cost


# ---------------------------------------------------------------- bad input


@pytest.fixture
def small():
    units = _tap_units()
    cands = _tap_candidates().assign(kota=["Kota A", "Kota A", "Kota B"], alt=["g1", "g1", None])
    return units, cands


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (lambda c: c.drop(columns="cost"), {}, "no cost column 'cost'"),
        (lambda c: c.assign(cost=[30.0, None, 50.0]), {}, r"blank or not a number in .* \[1\]"),
        (lambda c: c.assign(cost=[30.0, -1.0, 50.0]), {}, "negative"),
        (lambda c: c.iloc[0:0], {}, "table is empty"),
        (lambda c: c.drop(columns="intervention_id"), {}, "no 'intervention_id'"),
        (lambda c: c.assign(intervention_id=["A", "A", "B"]), {}, "repeat"),
        (lambda c: c, {"budget": -5}, "0 or more"),
        (lambda c: c, {"budget": "banyak"}, "must be a number"),
        (lambda c: c, {"objective": "people"}, "objective must be one of"),
        (lambda c: c, {"time_limit": 0}, "time_limit"),
        (lambda c: c, {"weights": {"kumuh berat": 2.0}}, "weighted_ha' only"),
        (lambda c: c, {"constraints": {"must": ["A-tap"]}}, "unknown constraint"),
        (lambda c: c, {"constraints": {"include": ["Z1"]}}, "not candidates: \\['Z1'\\]"),
        (lambda c: c, {"constraints": {"include": ["B-tap"], "exclude": ["B-tap"]}},
         "both included and excluded"),
        (lambda c: c, {"constraints": {"include": ["A-tap", "B-tap"]}, "budget": 60},
         "cost 80, more than the budget 60"),
        (lambda c: c, {"constraints": {"include": ["A-tap", "A-septic"], "alternatives": "alt"}},
         "alternatives of one another"),
        (lambda c: c, {"constraints": {"alternatives": "design"}}, "names column 'design'"),
        (lambda c: c, {"constraints": {"budgets": {"kabupaten": {"X": 1}}}},
         "names column 'kabupaten'"),
        (lambda c: c, {"constraints": {"budgets": {"kota": {"Kota A": 10}}, "include": ["A-tap"]}},
         "kota=Kota A cost more than its budget"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_what_to_do(small, change, kwargs, message):
    units, cands = small
    kwargs = {"budget": 100.0, **kwargs}
    with pytest.raises(kg.InputError, match=message):
        kg.plan(units, change(cands), **kwargs)


def test_empty_units_and_clashing_ids_are_refused(small):
    units, cands = small
    with pytest.raises(kg.InputError, match="units table is empty"):
        kg.plan(units.iloc[0:0], cands, budget=10.0)
    works = cands.iloc[[0]].assign(status="selesai", year=2020)
    with pytest.raises(kg.InputError, match=r"share intervention_id values .*A-tap"):
        kg.plan(units, cands, budget=10.0, works=works, year=2023)
    with pytest.raises(kg.InputError, match=r"must be a \(Geo\)DataFrame"):
        kg.plan(units, "candidates.gpkg", budget=10.0)


def test_candidates_that_reach_nothing_are_reported_not_chosen(small):
    units, cands = small
    far = cands.iloc[[0]].assign(intervention_id="FAR", kind="hidran_umum",
                                 geometry=[shapely.Point(5000, 5000)], cost=1.0)  # fmt: skip
    odd = cands.iloc[[0]].assign(intervention_id="ODD", kind="kincir angin", cost=1.0)
    p = kg.plan(units, pd.concat([cands, far, odd]), budget=1000.0)
    assert "FAR" not in set(p.selected["intervention_id"])
    assert "ODD" not in set(p.selected["intervention_id"])
    checks = {i.check for i in p.report}
    assert {"candidate_outside_units", "unknown_kind"} <= checks


# ---------------------------------------------------------------- the sample and the command


def test_the_script_rebuilds_the_shipped_candidates(tmp_path):
    out = tmp_path / "candidates.gpkg"
    subprocess.run(
        [sys.executable, str(ROOT / "sample_data" / "make_candidates.py"), "--out", str(out)],
        check=True, capture_output=True, cwd=tmp_path,
    )  # fmt: skip
    shipped = gpd.read_file(kg.datasets.get_path("ntb_candidates"), layer="candidates")
    assert_geodataframe_equal(gpd.read_file(out, layer="candidates"), shipped)
    assert shipped["keterangan"].str.startswith("ILUSTRASI").all()
    assert shipped["intervention_id"].is_unique and (shipped["cost"] > 0).all()
    kinds = kg.datasets.load_candidates()["kind_key"]
    assert kinds.notna().all()  # every programme name resolves in the catalogue


def test_plan_command_writes_the_plan(tmp_path):
    from typer.testing import CliRunner

    from kotaku_gis.cli import app

    sample = kg.datasets.get_path("ntb_sample")
    out = tmp_path / "rencana"
    args = ["plan", "--units", sample, "--units-layer", "units",
            "--candidates", kg.datasets.get_path("ntb_candidates"),
            "--candidates-layer", "candidates", "--works", sample,
            "--works-layer", "interventions", "--year", "2023", "--budget", "2e9",
            "--alternatives", "alternatif", "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    for name in ("plan.xlsx", "plan.csv", "plan_reductions.csv", "plan_map.html", "plan.json"):
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    table = pd.read_csv(out / "plan.csv", encoding="utf-8-sig")
    assert summary["status"] == "optimal" and summary["gap"] == 0
    assert summary["cost"] <= 2e9 and table["cost"].sum() == pytest.approx(summary["cost"])
    assert sorted(table["intervention_id"]) == sorted(summary["selected"])
    assert not table["alternatif"].dropna().duplicated().any()  # one design per lane
    assert summary["slum_ha_before"] - summary["slum_ha_after"] == pytest.approx(
        summary["reduced_ha"]
    )
    assert summary["reduced_ha"] >= summary["slum_ha_before"] - summary["greedy"]["slum_ha_after"]
    trail = pd.read_csv(out / "plan_reductions.csv", encoding="utf-8-sig")
    assert set(table["intervention_id"]) <= set(trail["intervention_id"])
    sheets = openpyxl.load_workbook(out / "plan.xlsx", read_only=True).sheetnames
    assert sheets == ["rencana", "unit_keluar", "ringkasan"]
    assert "Keluar dari daftar kumuh" in (out / "plan_map.html").read_text(encoding="utf-8")
    # a candidates file without costs: a clear error, exit code 2
    bare = tmp_path / "bare.gpkg"
    gpd.read_file(kg.datasets.get_path("ntb_candidates"), layer="candidates").drop(
        columns="cost"
    ).to_file(bare, layer="candidates")
    args[args.index("--candidates") + 1] = str(bare)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "no cost column" in result.output
