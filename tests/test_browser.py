"""A saved map in a real browser: headless Chromium, no network, opened from a file.

Needs Debian's ``chromium`` (``.ci/browser-setup.sh`` installs it) and the ``playwright``
package, which drives that system browser (no browser download). The screenshot goes to the
folder named by ``KOTAKU_ARTIFACTS`` when set, else to the test's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from offline_browser import CHROMIUM, offline_page

import kotaku_gis as kg

pytestmark = pytest.mark.browser

NASTY = "<script>alert(1)</script>"
LON, LAT, D = 116.10, -8.58, 0.002

if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium: install it with `sudo bash .ci/browser-setup.sh` "
        "(Debian's chromium package) to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)

# the map object of the page (folium names it map_<hash>)
MAP = "Object.values(window).find(v => v instanceof L.Map)"


def _layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    boxes = [shapely.box(LON + i * D, LAT, LON + (i + 1) * D, LAT + D) for i in range(3)]
    units = gpd.GeoDataFrame(
        {
            "unit_id": [NASTY, '<b>x</b> & "q"', "RT03"],
            "kelurahan": ["Ampenan", "Cakra", "Cakra"],
            "area_ha": [4.85, 4.85, 4.85],
            "level": ["kumuh berat", "kumuh ringan", "tidak kumuh"],
            "total_score": [61, 20, 5],
            "pct_1a": [80.0, 30.25, 0.0],
            "score_1a": [5, 1, 0],
        },
        geometry=boxes,
        crs="EPSG:4326",
    )
    remaining = gpd.GeoDataFrame(
        {
            "unit_id": units["unit_id"],
            "area_ha": [4.85, 4.85, 4.85],
            "covered_ha": [3.0, 0.0, 4.85],
            "remaining_ha": [1.85, 4.85, 0.0],
        },
        geometry=[
            shapely.box(LON + 0.6 * D, LAT, LON + D, LAT + D),
            boxes[1],
            shapely.Polygon(),
        ],
        crs="EPSG:4326",
    )
    works = gpd.GeoDataFrame(
        {
            "intervention_id": ["W1", "W2", "W3"],
            "kind": ["hidran_umum", "jalan_beton", "mck"],
            "category": ["air_minum", "jalan", "air_limbah"],
            "year": pd.array([2022, 2023, 2022], dtype="Int64"),
            "status": ["selesai", "rencana", "selesai"],
            "completed": [True, False, True],
            "volume": [1.0, 400.0, 1.0],
        },
        geometry=[
            shapely.Point(LON + 0.3 * D, LAT + 0.3 * D),
            shapely.LineString([(LON, LAT + 0.8 * D), (LON + 3 * D, LAT + 0.8 * D)]),
            shapely.Point(LON + 2.5 * D, LAT + 0.5 * D),
        ],
        crs="EPSG:4326",
    )
    return units, remaining, works


@pytest.fixture(scope="module")
def page_result(tmp_path_factory):
    """Open the saved map offline; collect errors, dialogs and what the page shows."""
    units, remaining, works = _layers()
    folder = tmp_path_factory.mktemp("browser")
    path = kg.save_map(
        kg.map_units(units, remaining=remaining, interventions=works, views="both"),
        folder / "map.html",
    )
    shots = Path(os.environ.get("KOTAKU_ARTIFACTS", folder))
    shots.mkdir(parents=True, exist_ok=True)
    result: dict = {"page_errors": [], "console_errors": [], "dialogs": [], "requests": []}
    with offline_page(sync_api, width=1200, height=800) as (page, errors):
        result["page_errors"] = errors
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and result["console_errors"].append((msg.text, msg.location.get("url", "")))
            ),
        )
        page.on("request", lambda req: result["requests"].append(req.url))

        def _dialog(dialog) -> None:
            result["dialogs"].append(dialog.message)
            dialog.dismiss()

        page.on("dialog", _dialog)
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("typeof L !== 'undefined'", timeout=10_000)
        result["leaflet"] = page.evaluate("typeof L")
        result["paths"] = page.evaluate(
            f"() => {{ let n = 0; {MAP}.eachLayer(l => {{ if (l instanceof L.Path) n++; }});"
            " return n; }"
        )
        result["markers"] = page.evaluate(
            f"() => {{ let n = 0; {MAP}.eachLayer(l => {{ if (l instanceof L.CircleMarker"
            " || l instanceof L.Marker) n++; }); return n; }"
        )
        result["controls"] = page.evaluate(
            "() => Array.from(document.querySelectorAll('.leaflet-control-layers label'))"
            ".map(e => e.textContent.trim())"
        )
        result["legend"] = page.inner_text(".kg-legend")
        # hover the first unit, away from the unserved part and the works
        point = page.evaluate(
            f"""() => {{ const map = {MAP};
                const p = map.latLngToContainerPoint([{LAT + 0.5 * D}, {LON + 0.15 * D}]);
                const r = map.getContainer().getBoundingClientRect();
                return [p.x + r.left, p.y + r.top]; }}"""
        )
        page.mouse.move(*point)
        page.wait_for_selector(".leaflet-tooltip", timeout=5_000)
        tooltip = page.query_selector(".leaflet-tooltip")
        result["tooltip_text"] = tooltip.inner_text()
        result["tooltip_html"] = tooltip.inner_html()
        result["tooltip_scripts"] = page.evaluate(
            "document.querySelectorAll('.leaflet-tooltip script, .leaflet-tooltip b b').length"
        )
        page.mouse.click(*point)
        page.wait_for_selector(".kg-popup", timeout=5_000)
        result["popup_text"] = page.inner_text(".kg-popup")
        page.mouse.move(5, 790)
        result["collapsed"] = page.evaluate(
            "!document.querySelector('.leaflet-control-layers')"
            ".classList.contains('leaflet-control-layers-expanded')"
        )
        page.hover(".leaflet-control-layers")  # the control opens on hover
        page.click(".leaflet-control-layers label:has-text('Belum terlayani (% luas unit)')")
        result["legend_after_switch"] = page.inner_text(".kg-legend")
        page.click(".leaflet-control-layers label:has-text('Tingkat kekumuhan')")
        result["screenshot"] = shots / "map_offline.png"
        page.screenshot(path=str(result["screenshot"]))
    return result


def test_leaflet_loads_offline_without_errors(page_result):
    assert page_result["leaflet"] == "object"
    assert page_result["page_errors"] == []
    # only basemap tiles may fail to load (the network is off)
    other = [
        (text, url)
        for text, url in page_result["console_errors"]
        if not (url.startswith("https://") and "tile" in url)
    ]
    assert other == []
    non_tiles = [u for u in page_result["requests"] if u.startswith("http") and "tile" not in u]
    assert non_tiles == []


def test_layers_and_layer_control_are_there(page_result):
    assert page_result["paths"] >= 3 + 1 + 1  # units, an unserved part, the road
    assert page_result["markers"] >= 1
    controls = page_result["controls"]
    for name in (
        "Tingkat kekumuhan",
        "Belum terlayani (% luas unit)",
        "Kondisi bangunan gedung",
        "1a: Ketidakteraturan bangunan",
        "Bagian belum terlayani",
        "Air minum (1)",
        "Jalan lingkungan (1)",
        "OpenStreetMap",
        "Batas wilayah",
    ):
        assert name in controls
    assert page_result["collapsed"]
    assert "kumuh berat" in page_result["legend"]


def test_tooltip_shows_escaped_text_and_runs_nothing(page_result):
    assert page_result["tooltip_text"].startswith(NASTY)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_result["tooltip_html"]
    assert "kumuh berat" in page_result["tooltip_text"]
    assert page_result["tooltip_scripts"] == 0
    assert page_result["dialogs"] == []


def test_popup_has_the_criteria_table(page_result):
    text = page_result["popup_text"]
    assert NASTY in text
    assert "Ketidakteraturan bangunan" in text
    assert "80" in text and "Total skor" in text


def test_legend_follows_the_view(page_result):
    assert "0–20%" not in page_result["legend"]
    assert "0–20%" in page_result["legend_after_switch"]
    assert "kumuh sedang" not in page_result["legend_after_switch"]


def test_screenshot_is_saved(page_result):
    shot = page_result["screenshot"]
    assert shot.is_file() and shot.stat().st_size > 10_000
