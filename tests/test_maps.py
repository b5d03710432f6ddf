"""Structure of kotaku_gis maps: layers, colours, escaping, self-contained HTML, size."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.maps import map_html, save_map
from kotaku_gis.maps.display import display_geometries, pack
from kotaku_gis.maps.layers import Legend, SiteLayer, UnitData, UnitView
from kotaku_gis.maps.style import esc

NASTY = ["<script>alert(1)</script>", "<b>x</b> & \"q\" 'a'"]
LON, LAT, D = 116.10, -8.58, 0.001  # about 110 m at Mataram


def _boxes(n: int, crs: str = "EPSG:4326") -> list[shapely.Polygon]:
    return [shapely.box(LON + i * D, LAT, LON + (i + 1) * D, LAT + D) for i in range(n)]


@pytest.fixture
def units() -> gpd.GeoDataFrame:
    """Four units side by side, one per level, with two scored criteria."""
    return gpd.GeoDataFrame(
        {
            "unit_id": [*NASTY, "RT03", "RT04"],
            "kelurahan": ["Ampenan <Selatan>", "Cakra", "Cakra", None],
            "area_ha": [2.0, 2.0, 2.0, 2.0],
            "level": ["kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh"],
            "total_score": [61, 40, 20, 5],
            "pct_1a": [80.0, 55.5, 30.25, 0.0],
            "score_1a": [5, 3, 1, 0],
            "pct_2a": [90.0, 10.0, 0.0, 0.0],
            "score_2a": [5, 0, 0, 0],
        },
        geometry=_boxes(4),
        crs="EPSG:4326",
    )


@pytest.fixture
def remaining(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Remaining hectares 0.5 / 2 / 0 / 1.7 of 2 ha: shares 25 %, 100 %, 0 %, 85 %."""
    left_quarter = shapely.box(LON, LAT, LON + D / 4, LAT + D)
    return gpd.GeoDataFrame(
        {
            "unit_id": units["unit_id"],
            "area_ha": [2.0, 2.0, 2.0, 2.0],
            "covered_ha": [1.5, 0.0, 2.0, 0.3],
            "remaining_ha": [0.5, 2.0, 0.0, 1.7],
        },
        geometry=[left_quarter, units.geometry.iloc[1], shapely.Polygon(), units.geometry.iloc[3]],
        crs="EPSG:4326",
    )


@pytest.fixture
def works() -> gpd.GeoDataFrame:
    """A water point, a planned road line, a housing polygon, an unknown kind, a table row."""
    return gpd.GeoDataFrame(
        {
            "intervention_id": ["<i>W1</i>", "W2", "W3", "W4", "W5"],
            "kind": [
                "hidran_umum",
                "jalan_beton",
                "rehab_rtlh",
                "<img src=x onerror=alert(2)>",
                "mck",
            ],
            "category": ["air_minum", "jalan", "perumahan", None, "air_limbah"],
            "year": pd.array([2022, 2023, 2021, 2022, 2020], dtype="Int64"),
            "status": ["selesai", "rencana", "selesai", "selesai", "selesai"],
            "completed": [True, False, True, True, True],
            "volume": [1.0, 220.0, 0.2, 1.0, 1.0],
        },
        geometry=[
            shapely.Point(LON + 0.5 * D, LAT + 0.5 * D),
            shapely.LineString([(LON, LAT + 0.5 * D), (LON + 4 * D, LAT + 0.5 * D)]),
            shapely.box(LON + 2.2 * D, LAT + 0.2 * D, LON + 2.4 * D, LAT + 0.4 * D),
            shapely.Point(LON + 3.5 * D, LAT + 0.5 * D),
            None,
        ],
        crs="EPSG:4326",
    )


def _payload(m: folium.Map) -> dict:
    data = next(c for c in m._children.values() if isinstance(c, UnitData))
    return json.loads(data.payload)


def _views(m: folium.Map) -> dict[str, dict]:
    return {c.layer_name: c.view for c in m._children.values() if isinstance(c, UnitView)}


def _fill(view: dict, value) -> str:
    """The fill colour kotaku_map.js gives a value under a view (its classOf rule)."""
    if value is None:
        return "missing"
    if "values" in view:
        return view["colors"][view["values"].index(value)]
    for k, upper in enumerate(view["breaks"]):
        if value <= upper:
            return view["colors"][k]
    return view["colors"][-1]


def _unpack(packed: dict) -> list[np.ndarray]:
    """Vertices of each row of a packed polygon layer (all rings together)."""
    xy = np.cumsum(np.array(packed["xy"]).reshape(-1, 2), axis=0) / packed["s"]
    ring_sizes, rings_per_poly, polys_per_row = (np.array(n) for n in packed["n"])
    rings_per_row = np.add.reduceat(rings_per_poly, np.r_[0, np.cumsum(polys_per_row)[:-1]])
    rings_per_row[polys_per_row == 0] = 0
    vertex_rows = np.repeat(np.repeat(np.arange(len(polys_per_row)), rings_per_row), ring_sizes)
    return [xy[vertex_rows == i] for i in range(len(polys_per_row))]


# ----------------------------------------------------------------- layers and colours


def test_levels_are_coloured_worst_red_best_green(units):
    m = kg.map_units(units)
    view = _views(m)["Tingkat kekumuhan"]
    codes = _payload(m)["cols"]["level"]
    assert [_fill(view, c) for c in codes] == ["#b2182b", "#ef8a62", "#fddc6c", "#4dac26"]
    assert view["labels"] == ["kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh"]


def test_level_after_from_a_frame_or_a_column_is_the_same(units):
    after = pd.DataFrame(
        {
            "unit_id": ["RT04", "RT03", NASTY[1], NASTY[0]],
            "level": ["tidak kumuh", "tidak kumuh", "kumuh ringan", "kumuh sedang"],
        }
    )
    by_frame = _payload(kg.map_units(units, after=after))["cols"]["level_after"]
    with_column = units.assign(
        level_after=["kumuh sedang", "kumuh ringan", "tidak kumuh", "tidak kumuh"]
    )
    by_column = _payload(kg.map_units(with_column))["cols"]["level_after"]
    assert by_frame == by_column == [1, 2, 3, 3]
    names = list(_views(kg.map_units(units, after=after)))
    assert names[:2] == ["Tingkat kekumuhan (awal)", "Tingkat kekumuhan (setelah penanganan)"]


def test_before_frame_is_the_baseline_of_an_after_map(units):
    after = units.assign(level=["kumuh sedang", "kumuh ringan", "tidak kumuh", "tidak kumuh"])
    cols = _payload(kg.map_units(after, before=units))["cols"]
    assert cols["level"] == [0, 1, 2, 3]
    assert cols["level_after"] == [1, 2, 3, 3]
    with pytest.raises(kg.InputError, match="not both"):
        kg.map_units(after, before=units, after=units)


def test_units_missing_from_after_are_not_assessed(units):
    after = pd.DataFrame({"unit_id": ["RT03"], "level": ["tidak kumuh"]})
    m = kg.map_units(units, after=after)
    assert _payload(m)["cols"]["level_after"] == [-1, -1, 3, -1]


def test_remaining_share_classes(units, remaining):
    m = kg.map_units(units, remaining=remaining)
    view = _views(m)["Belum terlayani (% luas unit)"]
    shares = _payload(m)["cols"]["share"]
    assert shares == [25.0, 100.0, 0.0, 85.0]
    assert [_fill(view, s) for s in shares] == ["#a6d96a", "#d7191c", "#1a9641", "#d7191c"]


def test_unserved_parts_are_aligned_to_their_units(units, remaining):
    shuffled = remaining.iloc[[2, 0, 3, 1]]
    payload = _payload(kg.map_units(units, remaining=shuffled))
    rows = _unpack(payload["unserved"])
    # unit 0 keeps its left quarter, unit 2 is fully served (no part drawn)
    assert rows[0][:, 0].max() == pytest.approx(LON + D / 4, abs=1e-6)
    assert len(rows[2]) == 0
    assert len(rows[1]) == len(rows[3]) == 5


def test_one_view_per_aspect_or_criterion(units):
    aspects = _views(kg.map_units(units, views="aspects", lang="en"))
    assert list(aspects) == ["Slum level", "Aspect: Buildings", "Aspect: Neighbourhood roads"]
    buildings = aspects["Aspect: Buildings"]
    assert buildings["sum"] == ["score_1a"]  # only the criteria the units carry
    assert buildings["breaks"] == [0, 5 / 3, 10 / 3, 5]
    both = _views(kg.map_units(units, views="both"))
    assert "Kriteria 1a: Ketidakteraturan bangunan" in both
    assert len(both) == 1 + 2 + 2
    assert list(_views(kg.map_units(units, views="none"))) == ["Tingkat kekumuhan"]


def test_criterion_view_colours_scores(units):
    m = kg.map_units(units, views="criteria")
    view = _views(m)["Kriteria 1a: Ketidakteraturan bangunan"]
    scores = _payload(m)["cols"]["score_1a"]
    assert scores == [5, 3, 1, 0]
    assert [_fill(view, s) for s in scores] == ["#bd0026", "#fd8d3c", "#fecc5c", "#ffffcc"]


def test_popup_carries_the_criteria_table(units):
    payload = _payload(kg.map_units(units))
    crit = {c["code"]: c for c in payload["crit"]}
    assert list(crit) == ["1a", "2a"]
    assert payload["cols"][crit["1a"]["pct"]] == [80.0, 55.5, 30.25, 0.0]
    assert payload["cols"][crit["2a"]["score"]] == [5, 0, 0, 0]
    assert [row["col"] for row in payload["info"]] == ["area_ha", "level", "total_score"]
    assert _payload(kg.map_units(units, popup=False))["info"] is None


def test_unscored_units_are_drawn_as_outlines(units):
    plain = units[["unit_id", "geometry"]]
    views = _views(kg.map_units(plain, lang="en"))
    assert list(views) == ["Unit"]
    assert views["Unit"]["col"] is None


def test_sites_by_category_with_counts(units, works):
    m = kg.map_units(units, interventions=works, lang="en")
    sites = {c.layer_name: c for c in m._children.values() if isinstance(c, SiteLayer)}
    assert list(sites) == [
        "Intervention sites: Neighbourhood roads (1)",
        "Intervention sites: Drinking water (1)",
        "Intervention sites: Housing (1)",
        "Intervention sites: Other or unknown kind (1)",
    ]
    water = json.loads(sites["Intervention sites: Drinking water (1)"].payload)
    assert set(water) >= {"points", "color", "done", "id", "fields"}
    road = json.loads(sites["Intervention sites: Neighbourhood roads (1)"].payload)
    assert "lines" in road and road["done"] == [0]
    housing = json.loads(sites["Intervention sites: Housing (1)"].payload)
    assert "polygons" in housing
    legend = next(c for c in m._children.values() if isinstance(c, Legend)).html
    assert "1 sites without geometry not shown" in legend


def test_layer_control_legend_and_canvas_in_the_page(units, remaining, works):
    m = kg.map_units(units, remaining=remaining, interventions=works)
    page = m.get_root().render()
    assert "L.control.layers(" in page
    assert "kotaku.legend(" in page
    assert '"preferCanvas": true' in page
    assert "L.markerClusterGroup" in page
    names = re.findall(r'"([^"]+)" : (?:unit_view|site_layer|tile_layer)_', page)
    assert "Bagian belum terlayani" in names
    assert "Peta dasar (OpenStreetMap)" in names
    assert "Lokasi penanganan: Air minum (1)" in names


def test_english_labels(units, remaining):
    m = kg.map_units(units, remaining=remaining, lang="en")
    assert list(_views(m))[:2] == ["Slum level", "Unserved (% of unit area)"]
    assert _views(m)["Slum level"]["labels"][0] == "severe slum"
    legend = next(c for c in m._children.values() if isinstance(c, Legend)).html
    assert "Unserved parts" in legend and "Legend" in legend


# ----------------------------------------------------------------- escaping


def test_esc_escapes_markup_and_quotes():
    assert esc(NASTY) == [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; &#x27;a&#x27;",
    ]


def test_data_text_is_escaped_everywhere(units, remaining, works):
    m = kg.map_units(units, remaining=remaining, interventions=works, title="Kota <Mataram>")
    page = m.get_root().render()
    for raw in (
        "<script>alert(1)",
        "<b>x</b>",
        "<i>W1</i>",
        "<img src=x",
        "<Selatan>",
        "<Mataram>",
    ):
        assert raw not in page
    payload = _payload(m)
    assert payload["id"][:2] == esc(NASTY)
    sub = payload["sub"]  # repeated names are coded: distinct values and an index per unit
    assert [sub["v"][i] if i >= 0 else "" for i in sub["i"]] == [
        "Ampenan &lt;Selatan&gt;",
        "Cakra",
        "Cakra",
        "",
    ]
    sites = [json.loads(c.payload) for c in m._children.values() if isinstance(c, SiteLayer)]
    assert ["&lt;i&gt;W1&lt;/i&gt;"] in [s["id"] for s in sites]
    kinds = [v for s in sites for f in s["fields"] if "v" in f for v in f["v"]]
    assert "&lt;img src=x onerror=alert(2)&gt;" in kinds
    assert "<title>Kota &lt;Mataram&gt;</title>" in page
    # inside <script> blocks the data cannot close the block either
    assert "\\u003c" not in payload["id"][0] and "</script>alert" not in page


def test_column_names_are_data_too(units):
    """A score column whose name carries markup gets no view: only criterion codes do."""
    hostile = "score_9</script><img src=x onerror=alert(1)>"
    frame = units.assign(**{hostile: 1, "score_1a": 3, "pct_1a": 60.0})
    page = kg.map_units(frame, views="both").get_root().render()
    assert "onerror=alert(1)" not in page and "<img src=x" not in page
    assert "1a" in page


# ----------------------------------------------------------------- offline pages


def _external(page: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', page)


def test_offline_page_has_no_cdn_links(units, works, tmp_path):
    m = kg.map_units(units, interventions=works)
    page = m.get_root().render()
    assert _external(page) == []
    assert "cdn" not in " ".join(re.findall(r"<script[^>]*>", page))
    assert "window.L=t" in page or "L.version" in page  # Leaflet itself is in the page
    assert "markerClusterGroup=function" in page  # and the cluster plugin
    out = save_map(m, tmp_path / "map.html")
    assert _external(out.read_text(encoding="utf-8")) == []


def test_online_page_keeps_cdn_links(units):
    page = map_html(kg.map_units(units), offline=False)
    assert any("leaflet@1.9.3" in link for link in _external(page))


def test_any_folium_map_can_be_saved_offline(tmp_path):
    m = folium.Map(tiles=None)
    folium.Marker([LAT, LON]).add_to(m)
    out = save_map(m, tmp_path / "sub" / "plain.html")
    page = out.read_text(encoding="utf-8")
    assert _external(page) == []
    assert "data:image/png;base64," in page  # marker and layer icons inlined
    assert sorted(p.name for p in out.parent.iterdir()) == ["plain.html"]


def test_save_map_replaces_the_file_whole(units, tmp_path):
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    save_map(kg.map_units(units), target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_vendored_assets_are_small_and_licensed():
    from kotaku_gis.maps.offline import ASSETS, _manifest

    total = sum(p.stat().st_size for p in ASSETS.rglob("*") if p.is_file())
    assert total < 2_000_000
    for package in _manifest()["packages"]:
        assert (ASSETS / package["license"]).is_file()
    for file in _manifest()["urls"].values():
        assert (ASSETS / file).is_file()


# ----------------------------------------------------------------- display geometry and size


def test_pack_round_trips_to_rounded_coordinates():
    geoms = np.array(
        [
            shapely.box(116.1234564, -8.5, 116.2, -8.4),
            None,
            shapely.MultiPolygon([shapely.box(0.1, 0.1, 0.2, 0.2), shapely.box(1, 1, 2, 2)]),
        ],
        dtype=object,
    )
    rows = _unpack(json.loads(pack(geoms, precision=6).to_json()))
    assert np.array_equal(rows[0], np.round(shapely.get_coordinates(geoms[0]), 6))
    assert len(rows[1]) == 0
    assert np.array_equal(rows[2], np.round(shapely.get_coordinates(geoms[2]), 6))


def test_simplification_stays_within_the_tolerance_in_metres():
    utm = "EPSG:32750"
    centre = gpd.GeoSeries([shapely.Point(LON, LAT)], crs=4326).to_crs(utm).iloc[0]
    disc = centre.buffer(60.0, quad_segs=256)  # 1,024 vertices
    shown = display_geometries(gpd.GeoSeries([disc], crs=utm), simplify_m=1.0)
    back = gpd.GeoSeries(shown, crs=4326).to_crs(utm).iloc[0]
    assert shapely.get_num_coordinates(back) < 100
    assert shapely.hausdorff_distance(back, disc) <= 1.0 + 1e-3


def test_other_crs_are_mapped_in_lon_lat(units):
    utm = units.to_crs("EPSG:32750")
    rows = _unpack(_payload(kg.map_units(utm))["geom"])
    assert rows[0][:, 0].min() == pytest.approx(LON, abs=1e-6)
    assert rows[0][:, 1].min() == pytest.approx(LAT, abs=1e-6)


def test_a_few_hundred_units_stay_small():
    rng = np.random.default_rng(5)
    n = 300
    rings = [
        shapely.segmentize(
            shapely.box(
                LON + (i % 20) * D,
                LAT + (i // 20) * D,
                LON + (i % 20 + 1) * D,
                LAT + (i // 20 + 1) * D,
            ),
            2e-5,
        )
        for i in range(n)
    ]
    # vertices every 2 m, wandering 0.2 m, as digitised boundaries do
    coords = [
        shapely.get_coordinates(r) + rng.normal(0, 2e-6, (len(shapely.get_coordinates(r)), 2))
        for r in rings
    ]
    polys = [shapely.Polygon(np.vstack([c[:-1], c[:1]])) for c in coords]
    frame = gpd.GeoDataFrame(
        {
            "unit_id": [f"RT{i:03d}" for i in range(n)],
            "kelurahan": "Cakra",
            "level": "kumuh ringan",
            "pct_1a": rng.uniform(0, 100, n).round(2),
            "score_1a": rng.choice([0, 1, 3, 5], n),
        },
        geometry=polys,
        crs=4326,
    )
    empty = len(map_html(folium.Map(tiles=None)))
    page = map_html(kg.map_units(frame))
    plain = folium.Map(tiles=None)
    folium.GeoJson(frame.assign(level=frame["level"].astype(str))).add_to(plain)
    assert len(page) - empty < 300 * 400  # under 400 bytes per unit with its popup data
    assert len(map_html(plain)) - empty > 10 * (len(page) - empty)


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda u: pd.DataFrame(u.drop(columns="geometry")), "no geometry"),
        (lambda u: u.set_crs(None, allow_override=True), "coordinate reference system"),
        (lambda u: u.drop(columns="unit_id"), "unit_id"),
        (lambda u: u.assign(unit_id=["a", "a", "b", "c"]), "repeated unit_id"),
        (lambda u: u.assign(level=["kumuh berat", "berat", None, "tidak kumuh"]), "berat"),
        (lambda u: u.set_geometry(u.representative_point()), "not polygons"),
    ],
)
def test_bad_units_raise_input_error(units, change, message):
    with pytest.raises(kg.InputError, match=message):
        kg.map_units(change(units))


def test_bad_options_raise_input_error(units, works):
    with pytest.raises(kg.InputError, match="views"):
        kg.map_units(units, views="all")
    with pytest.raises(kg.InputError, match="lang"):
        kg.map_units(units, lang="fr")
    with pytest.raises(kg.InputError, match="precision"):
        kg.map_units(units, precision=12)
    with pytest.raises(kg.InputError, match="simplify_m"):
        kg.map_units(units, simplify_m=-1)
    with pytest.raises(kg.InputError, match="remaining_ha"):
        kg.map_units(units, remaining=pd.DataFrame({"unit_id": ["RT03"], "area_ha": [1.0]}))
    with pytest.raises(kg.InputError, match="category"):
        kg.map_units(units, interventions=works.drop(columns="category"))


def test_missing_level_and_geometry_are_shown_not_dropped(units):
    frame = units.copy()
    frame.loc[frame.index[1], "level"] = None
    frame.loc[frame.index[2], "geometry"] = None
    m = kg.map_units(frame)
    assert _payload(m)["cols"]["level"] == [0, -1, 2, 3]
    legend = next(c for c in m._children.values() if isinstance(c, Legend)).html
    assert "1 unit tanpa geometri tidak ditampilkan" in legend
    assert "belum dinilai" in legend
