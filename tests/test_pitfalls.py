"""One small hand-worked case for each slip that once went unnoticed by the rest of the suite.

Each test states its input and the exact answer, so that a plausible one-line slip in the
code it guards (a single equal-area frame for every line, a point on a shared edge counted in
both units, a reduction for an unknown unit landing on the last unit, ...) fails it. The
mutation run of ``benchmarks/mutation.py`` checks that they do.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.maps.layers import SiteLayer, UnitData
from kotaku_gis.reports import summary_by

GEOD = pyproj.Geod(ellps="WGS84")
#: A Lambert equal-area CRS near Mataram; shapes are kept a kilometre from its origin.
LAEA = "+proj=laea +lat_0=-8.6 +lon_0=116.1 +ellps=WGS84 +units=m"

#: Criterion volumes and denominators of a fully deficient RT (every criterion at 100 %).
FULL = {
    "buildings": 100, "households": 100, "road_length_m": 1000.0, "drain_length_m": 800.0,
    "area_ha": 2.0, "1a": 100, "1b": 2.0, "1c": 100, "2a": 1000.0, "2b": 1000.0, "3a": 100,
    "3b": 100, "4a": 2.0, "4b": 800.0, "4c": 800.0, "5a": 100, "5b": 100, "6a": 100,
    "6b": 100, "7a": 100, "7b": 100,
}  # fmt: skip


def _geodesic_m(line: shapely.LineString, crs: str, *, steps: int = 2000) -> float:
    """Length on the ellipsoid of a line drawn straight in ``crs`` (densely sampled)."""
    xy = np.asarray(line.coords)
    t = np.linspace(0.0, 1.0, steps + 1)
    pts = xy[0] + np.outer(t, xy[-1] - xy[0])
    lon, lat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True).transform(
        pts[:, 0], pts[:, 1]
    )
    return float(GEOD.line_length(lon, lat))


def _metres(red: pd.DataFrame, criterion: str) -> dict[str, float]:
    rows = red[red["criterion"] == criterion]
    return rows.groupby("unit_id")["volume"].sum().to_dict()


# ---------------------------------------------------------------- line metres


def test_lines_a_thousand_km_apart_are_each_measured_in_their_own_frame():
    # One RT in Mataram and one in Kupang (about 830 km apart), in UTM 50S metres, each with
    # a 1.2 km road inside it. A single equal-area frame for both would put each line ~400 km
    # from its centre, where LAEA's scale is off by ~5e-4.
    crs = "EPSG:32750"
    to_utm = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    units, lines = [], []
    for lon, lat in ((116.10, -8.58), (123.60, -10.17)):
        x, y = to_utm.transform(lon, lat)
        units.append(shapely.box(x - 1000, y - 1000, x + 1000, y + 1000))
        lines.append(shapely.LineString([(x - 600, y - 300), (x + 600, y + 300)]))
    units = gpd.GeoDataFrame({"unit_id": ["MTR", "KPG"]}, geometry=units, crs=crs)
    works = gpd.GeoDataFrame(
        {"intervention_id": ["W1", "W2"], "kind": ["jalan_beton"] * 2, "status": ["selesai"] * 2,
         "year": [2022, 2022]},
        geometry=lines, crs=crs,
    )  # fmt: skip
    got = _metres(kg.allocate(units, works) if _units_first() else kg.allocate(works, units), "2a")
    for uid, line in zip(["MTR", "KPG"], lines, strict=True):
        expected = _geodesic_m(line, crs)
        assert got[uid] == pytest.approx(expected, rel=1e-5), uid


def test_line_metres_of_lon_lat_layers_are_ellipsoidal_metres():
    # Units and works in EPSG:4326: degrees are never taken for metres, and long edges are
    # followed as drawn. The road runs 4.7 km diagonally inside a 5.5 km RT.
    lon0, lat0 = 116.10, -8.60
    unit = shapely.box(lon0, lat0, lon0 + 0.05, lat0 + 0.05)
    line = shapely.LineString([(lon0 + 0.005, lat0 + 0.005), (lon0 + 0.04, lat0 + 0.03)])
    units = gpd.GeoDataFrame({"unit_id": ["RT01"]}, geometry=[unit], crs=4326)
    works = gpd.GeoDataFrame(
        {"intervention_id": ["W1"], "kind": ["drainase_lingkungan"], "status": ["selesai"],
         "year": [2021]},
        geometry=[line], crs=4326,
    )  # fmt: skip
    red = kg.allocate(units, works) if _units_first() else kg.allocate(works, units)
    expected = _geodesic_m(line, "EPSG:4326")
    assert 4700 < expected < 4800
    for code in ("4b", "4c"):
        assert _metres(red, code)["RT01"] == pytest.approx(expected, rel=1e-6), code


def _units_first() -> bool:
    """Whether ``allocate`` takes the units first (the argument order being adopted)."""
    import inspect

    params = list(inspect.signature(kg.allocate).parameters)
    return params[0] == "units"


# ---------------------------------------------------------------- per-item works


def test_a_house_on_the_shared_edge_of_two_rts_is_counted_once():
    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "buildings": [40, 60], "households": [40, 60]},
        geometry=[shapely.box(1000, 1000, 1100, 1100), shapely.box(1100, 1000, 1200, 1100)],
        crs=LAEA,
    )
    works = gpd.GeoDataFrame(
        {"intervention_id": ["R1"], "kind": ["rehab_rtlh"], "status": ["selesai"],
         "year": [2022], "volume": [3.0]},
        geometry=[shapely.Point(1100, 1050)], crs=LAEA,
    )  # fmt: skip
    red = kg.allocate(units, works) if _units_first() else kg.allocate(works, units)
    rows = red[red["criterion"] == "1c"]
    assert len(rows) == 1
    assert rows["volume"].sum() == 3.0
    assert rows["unit_id"].iloc[0] in {"A", "B"}


# ---------------------------------------------------------------- scoring after works


def test_a_reduction_naming_an_unknown_unit_is_reported_not_applied_elsewhere():
    units = pd.DataFrame([{"unit_id": "A", **FULL}, {"unit_id": "B", **FULL}])
    red = pd.DataFrame({"unit_id": ["Z"], "criterion": ["7a"], "volume": [100.0],
                        "year": [2022]})  # fmt: skip
    base = kg.assess(units)
    after = kg.assess(units, reductions=red)
    assert after["pct_7a"].tolist() == [100.0, 100.0]
    assert after["total_score"].tolist() == base["total_score"].tolist() == [80, 80]
    entries = [(i.row, i.check) for i in after.attrs["report"]]
    assert (0, "reduction_unknown_unit") in entries


# ---------------------------------------------------------------- summaries


def test_summary_by_matches_the_after_frame_on_unit_id_not_on_row_order():
    base = pd.DataFrame({
        "unit_id": ["a", "b", "c"], "kota": ["X", "X", "Y"], "area_ha": [1.0, 2.0, 4.0],
        "level": ["kumuh ringan", "kumuh sedang", "kumuh berat"]})  # fmt: skip
    after = pd.DataFrame({
        "unit_id": ["c", "a", "b"], "kota": ["Y", "X", "X"], "area_ha": [4.0, 1.0, 2.0],
        "level": ["kumuh berat", "tidak kumuh", "kumuh sedang"]})  # fmt: skip
    table = summary_by(base, after=after, by="kota").set_index("kota")
    # a (1 ha in X) left the list; c (4 ha in Y) did not
    assert table.loc["X", "slum_ha_after"] == 2.0 and table.loc["X", "reduced_ha"] == 1.0
    assert table.loc["Y", "slum_ha_after"] == 4.0 and table.loc["Y", "reduced_ha"] == 0.0
    assert table.loc["total", "reduced_ha"] == 1.0
    in_order = summary_by(base, after=after.iloc[[1, 2, 0]], by="kota")
    pd.testing.assert_frame_equal(in_order.set_index("kota"), table)


def test_a_blank_level_is_not_slum_and_its_hectares_stay_in_the_total():
    assessed = pd.DataFrame({"kota": ["X", "X", "X"], "area_ha": [2.0, 3.0, 4.0],
                             "level": ["kumuh berat", None, "tidak kumuh"]})  # fmt: skip
    table = kg.summarize(assessed)
    row = table.loc["total"]
    assert row["slum_ha"] == 2.0 and row["slum_units"] == 1
    assert row["units"] == 3 and row["area_ha"] == 9.0
    levels = ["kumuh_berat", "kumuh_sedang", "kumuh_ringan", "tidak_kumuh"]
    counted = sum(row[f"ha_{lv}"] for lv in levels) + row.get("ha_belum_dinilai", 3.0)
    assert counted == 9.0  # the blank unit's 3 ha are shown apart, not lost
    assert row["ha_kumuh_berat"] == 2.0 and row["ha_tidak_kumuh"] == 4.0


def test_the_ledger_does_not_count_a_unit_without_evidence_as_slum():
    # Unit B has no 7b volume and nothing else deficient: it is either scored without it
    # (tidak kumuh) or left unassessed; in neither case are its 5 ha slum hectares.
    units = pd.DataFrame([{"unit_id": "A", **FULL}, {"unit_id": "B", **FULL}])
    units.loc[1, [c for c in FULL if c[0].isdigit()]] = 0
    units.loc[1, "7b"] = np.nan
    units.loc[1, "area_ha"] = 5.0
    units.loc[1, "1b"] = 0.0
    units.loc[1, "4a"] = 0.0
    led = kg.progress(units, pd.DataFrame({"unit_id": [], "criterion": [], "volume": [],
                                           "year": []}), years=[2022])  # fmt: skip
    row = led.iloc[0]
    assert row["baseline_ha"] == 2.0 and row["slum_ha"] == 2.0
    levels = ["kumuh_berat", "kumuh_sedang", "kumuh_ringan", "tidak_kumuh"]
    assert sum(row[f"ha_{lv}"] for lv in levels) + row.get("ha_belum_dinilai", 0.0) == 7.0


# ---------------------------------------------------------------- maps


def test_repeated_text_values_are_escaped_in_the_coded_branch():
    # Four units, one distinct kelurahan name: the map codes it once and indexes it per unit.
    nasty = "<script>alert(3)</script>"
    units = gpd.GeoDataFrame(
        {"unit_id": ["RT1", "RT2", "RT3", "RT4"], "kelurahan": [nasty] * 4,
         "area_ha": [1.0] * 4, "level": ["kumuh berat"] * 4, "total_score": [61] * 4},
        geometry=[shapely.box(116.1 + i * 0.001, -8.58, 116.101 + i * 0.001, -8.579)
                  for i in range(4)],
        crs=4326,
    )  # fmt: skip
    works = gpd.GeoDataFrame(
        {"intervention_id": ["W1", "W2", "W3"], "kind": ["hidran_umum"] * 3,
         "status": ["selesai"] * 3, "year": [2022] * 3, "kelurahan": [nasty] * 3},
        geometry=[shapely.Point(116.1005 + i * 0.001, -8.5795) for i in range(3)], crs=4326,
    )  # fmt: skip
    m = kg.map_units(units, interventions=kg.read_interventions(works))
    page = m.get_root().render()
    assert nasty not in page
    data = next(c for c in m._children.values() if isinstance(c, UnitData))
    sub = json.loads(data.payload)["sub"]
    assert sub == {"v": ["&lt;script&gt;alert(3)&lt;/script&gt;"], "i": [0, 0, 0, 0]}
    sites = [json.loads(c.payload) for c in m._children.values() if isinstance(c, SiteLayer)]
    coded = [v for s in sites for f in s["fields"] if "v" in f for v in f["v"]]
    assert coded and not any("<" in v for v in coded)


# ---------------------------------------------------------------- dask partitions


def test_remaining_area_on_dask_partitions_keeps_the_year():
    pytest.importorskip("dask_geopandas")
    from kotaku_gis.distributed import partition_units

    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "B"]},
        geometry=[shapely.box(1000, 1000, 1200, 1200), shapely.box(1200, 1000, 1400, 1200)],
        crs=LAEA,
    )
    works = gpd.GeoDataFrame(
        {"intervention_id": ["T1", "T2"], "kind": ["hidran_umum"] * 2,
         "status": ["selesai"] * 2, "year": [2021, 2024], "radius_m": [50.0, 50.0]},
        geometry=[shapely.Point(1100, 1100), shapely.Point(1300, 1100)], crs=LAEA,
    )  # fmt: skip
    local = kg.remaining_area(units, works, year=2022)
    lazy = kg.remaining_area(partition_units(units, npartitions=2), works, year=2022)
    spread = lazy.compute().loc[local.index]
    # only T1 (2021) counts by 2022: a whole 50 m disc in A, nothing in B
    disc = np.pi * 50.0**2 / 10_000.0
    assert spread.loc[0, "covered_ha"] == pytest.approx(disc, rel=1e-3)
    assert spread.loc[1, "covered_ha"] == 0.0
    np.testing.assert_array_equal(spread["covered_ha"], local["covered_ha"])
    everything = kg.remaining_area(partition_units(units, npartitions=2), works).compute()
    assert everything.loc[1, "covered_ha"] > 0.7


# ---------------------------------------------------------------- found by the mutation run


def test_a_half_hundredth_rounds_up_even_when_stored_just_below():
    # 499.9 m of 2,000 m is 24.995 %; in binary 0.24995 * 100 is 24.994999…, which plain
    # rounding takes to 24.99 % (score 0). The score sheets round half up: 25.00 %, score 1.
    units = pd.DataFrame([{"unit_id": "A", **FULL, "road_length_m": 2000.0, "2b": 499.9}])
    out = kg.assess(units)
    assert out.loc[0, "pct_2b"] == 25.0 and out.loc[0, "score_2b"] == 1


def test_a_blank_reduction_volume_is_reported_not_applied():
    units = pd.DataFrame([{"unit_id": "A", **FULL}])
    red = pd.DataFrame({"unit_id": ["A", "A"], "criterion": ["7a", "7b"],
                        "volume": [np.nan, 40.0], "year": [2022, 2022]})  # fmt: skip
    out = kg.assess(units, reductions=red)
    assert out.loc[0, "pct_7a"] == 100.0 and out.loc[0, "pct_7b"] == 60.0
    assert (0, "reduction_bad_volume") in {(i.row, i.check) for i in out.attrs["report"]}


def test_a_road_ending_on_a_units_edge_gives_that_unit_no_row():
    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "buildings": [40, 60], "households": [40, 60]},
        geometry=[shapely.box(1000, 1000, 1100, 1100), shapely.box(1100, 1000, 1200, 1100)],
        crs=LAEA,
    )
    works = gpd.GeoDataFrame(
        {"intervention_id": ["J1"], "kind": ["jalan_beton"], "status": ["selesai"],
         "year": [2022], "radius_m": [0.0]},
        geometry=[shapely.LineString([(1020, 1050), (1100, 1050)])], crs=LAEA,
    )  # fmt: skip
    red = kg.allocate(units, works) if _units_first() else kg.allocate(works, units)
    metres = red[red["measure"] == "m"]
    assert set(metres["unit_id"]) == {"A"}
    assert metres["volume"].tolist() == pytest.approx([80.0, 80.0], rel=1e-6)


def test_long_edges_of_lon_lat_polygons_are_followed_as_drawn():
    # A kelurahan-sized triangle whose 5.5 km edges are straight in longitude/latitude:
    # projected corner to corner, its long parallel would be cut straight in the frame and the
    # area come out 4e-5 short; densified, it meets the geodesic area of the drawn outline.
    tri = shapely.Polygon([(116.10, -8.60), (116.15, -8.60), (116.10, -8.55)])
    expected = abs(GEOD.geometry_area_perimeter(shapely.segmentize(tri, 1e-5))[0]) / 1e4
    got = kg.area_ha(gpd.GeoSeries([tri], crs=4326)).iloc[0]
    assert got == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(("remaining", "gap"), [(9.995, -0.01), (10.005, 0.01)])
def test_a_gap_of_half_a_hundredth_rounds_away_from_zero(remaining, gap):
    assert kg.reconcile(10.0, 0.0, remaining).gap_ha == gap


def test_the_ledger_lists_years_in_order_whatever_order_they_come_in():
    units = pd.DataFrame([{"unit_id": "A", **FULL}])
    red = pd.DataFrame({"unit_id": ["A"], "criterion": ["7a"], "volume": [100.0],
                        "year": [2023]})  # fmt: skip
    led = kg.progress(units, red, years=[2024, 2022, 2023])
    assert led["year"].tolist() == [2022, 2023, 2024]
    assert led["units_left"].tolist() == [0, 0, 0]  # 80 - 5 = 75: still kumuh berat
