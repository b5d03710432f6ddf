"""The map of the bundled NTB sample as a planner first sees it: headless Chromium, offline.

The sample spreads 366 units over ten kota/kabupaten of a 300 km province, 339 of them RT of
Kota Mataram: the map must open on those (not on the province with its units as specks), with
a title, the layer control folded, the boundaries on, and a plain background once the tiles
fail. Needs Debian's ``chromium`` (``.ci/browser-setup.sh``) and the ``playwright`` package;
the screenshots go to ``KOTAKU_ARTIFACTS`` when set, else to the test's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from offline_browser import CHROMIUM, offline_page

import kotaku_gis as kg

pytestmark = pytest.mark.browser

MAP = "Object.values(window).find(v => v instanceof L.Map)"
#: a unit counts as seen when its box on screen is at least this wide and high (pixels)
MIN_PX = 4

if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium: install it with `sudo bash .ci/browser-setup.sh`",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

# unit polygons (they carry their row) inside the window and at least MIN_PX wide and high
UNITS_IN_VIEW = f"""() => {{
    const map = {MAP}, size = map.getSize(); let n = 0;
    map.eachLayer(l => {{
        if (!(l instanceof L.Polygon) || l.kgRow === undefined) return;
        const b = l.getBounds();
        const a = map.latLngToContainerPoint(b.getNorthWest());
        const c = map.latLngToContainerPoint(b.getSouthEast());
        const inside = c.x > 0 && a.x < size.x && c.y > 0 && a.y < size.y;
        if (inside && c.x - a.x >= {MIN_PX} && c.y - a.y >= {MIN_PX}) n++;
    }});
    return n; }}"""
BOUNDARY_LINES = f"""() => {{ let n = 0;
    {MAP}.eachLayer(l => {{ const r = l.options && l.options.renderer;
        if (l instanceof L.Polyline && r && r.options.pane === 'kgBounds') n++; }});
    return n; }}"""


@pytest.fixture(scope="module")
def first_view(tmp_path_factory):
    units = kg.datasets.load_units()
    works = kg.datasets.load_interventions()
    assessed = kg.assess(units)
    remaining = kg.remaining_area(assessed, works, year=2023)
    folder = tmp_path_factory.mktemp("first_view")
    path = kg.save_map(
        kg.map_units(assessed, interventions=works, remaining=remaining, year=2023),
        folder / "map.html",
    )
    shots = Path(os.environ.get("KOTAKU_ARTIFACTS", folder))
    shots.mkdir(parents=True, exist_ok=True)
    out: dict = {"errors": [], "shots": shots}
    with offline_page(sync_api, width=1280, height=800) as (page, errors):
        out["errors"] = errors
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("typeof L !== 'undefined'", timeout=10_000)
        # the page decides the tiles failed 0.7 s after the first error
        page.wait_for_function(
            "document.querySelector('.leaflet-container').classList.contains('kg-plain')",
            timeout=10_000,
        )
        page.wait_for_timeout(300)
        out["units"] = page.evaluate(UNITS_IN_VIEW)
        out["zoom"] = page.evaluate(f"{MAP}.getZoom()")
        out["title"] = page.inner_text(".kg-title")
        out["collapsed"] = page.evaluate(
            "!document.querySelector('.leaflet-control-layers')"
            ".classList.contains('leaflet-control-layers-expanded')"
        )
        out["controls"] = page.evaluate(
            "Array.from(document.querySelectorAll('.leaflet-control-layers label'))"
            ".map(e => e.textContent.trim())"
        )
        out["boundary_lines"] = page.evaluate(BOUNDARY_LINES)
        out["tile_layers"] = page.evaluate(
            f"(() => {{ let n = 0; {MAP}.eachLayer(l => {{ if (l instanceof L.TileLayer) n++; }});"
            " return n; })()"
        )
        out["legend"] = page.inner_text(".kg-legend")
        page.screenshot(path=str(shots / "map_first_view.png"))
        # a planner zooms in on one kelurahan: the level colours show through the hatching
        page.evaluate(f"() => {{ {MAP}.setView([-8.5765, 116.0745], 17, {{animate: false}}); }}")
        page.wait_for_timeout(500)
        out["units_zoomed"] = page.evaluate(UNITS_IN_VIEW)
        page.screenshot(path=str(shots / "map_zoomed.png"))
        # the legend is dragged aside by its heading (that is no click), then folded by a click
        rect = "e => e.getBoundingClientRect().toJSON()"
        before = page.eval_on_selector(".kg-legend", rect)
        head = page.query_selector(".kg-legend h4").bounding_box()
        page.mouse.move(head["x"] + 10, head["y"] + 5)
        page.mouse.down()
        page.mouse.move(head["x"] + 210, head["y"] - 145, steps=8)
        page.mouse.up()
        moved = page.eval_on_selector(".kg-legend", rect)
        out["legend_moved"] = (moved["x"] - before["x"], moved["y"] - before["y"])
        folded = "e => e.classList.contains('kg-folded')"
        out["folded_by_drag"] = page.eval_on_selector(".kg-legend", folded)
        page.wait_for_timeout(50)
        page.click(".kg-legend h4")
        out["folded_by_click"] = page.eval_on_selector(".kg-legend", folded)
    return out


def test_opens_on_the_units(first_view):
    # 339 RT of Kota Mataram, each 0.5-5 ha: fitted to them, most are drawn and visible
    assert first_view["units"] >= 100
    assert first_view["zoom"] >= 12


def test_has_a_title_with_area_year_and_ruleset(first_view):
    title = first_view["title"]
    assert "Nusa Tenggara Barat" in title  # the area of the units, not only of the view
    assert "2023" in title
    assert "14/PRT/M/2018" in title


def test_layer_control_is_folded_and_boundaries_are_a_layer(first_view):
    assert first_view["collapsed"]
    assert "Batas wilayah" in first_view["controls"]
    assert first_view["boundary_lines"] > 0


def test_offline_tiles_give_way_to_a_plain_background_without_errors(first_view):
    assert first_view["errors"] == []
    assert first_view["tile_layers"] == 0  # the failed basemap was switched off
    assert "Peta dasar tidak dapat dimuat (tanpa jaringan)" in first_view["title"]


def test_legend_shows_only_visible_layers(first_view):
    legend = first_view["legend"]
    assert "kumuh berat" in legend
    # works beyond the count are off by default: their legend section is not shown
    assert legend.count("Lokasi penanganan") <= 1


def test_zoomed_view_draws_units(first_view):
    assert first_view["units_zoomed"] >= 5
    assert (first_view["shots"] / "map_first_view.png").stat().st_size > 10_000


def test_legend_moves_out_of_the_way(first_view):
    dx, dy = first_view["legend_moved"]
    assert dx == pytest.approx(200, abs=3) and dy == pytest.approx(-150, abs=3)
    assert not first_view["folded_by_drag"]
    assert first_view["folded_by_click"]
