"""Size and load time of a 10,000-unit map, against a plain folium GeoJson of the same units.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_map            # 10,000 units
    .venv/bin/python -m benchmarks.bench_map --units 2000 --keep /tmp/maps

The units are the seeded synthetic RT grid of :mod:`benchmarks.synthetic`, "digitised" the
way real RT boundaries are: every edge split into 10 m segments whose vertices wander by
0.3 m. They are scored (kg.assess), overlaid with completed works (kg.remaining_area) and
mapped three times:

* ``kg.map_units`` with level, remaining share, aspect views, popups, sites and unserved
  parts ("kotaku full");
* ``kg.map_units`` of the units alone ("kotaku units": the content of the naive map, plus
  views and popups);
* what a planner would write with folium alone: ``folium.GeoJson(units)`` with a tooltip of
  20 columns (SVG rendering, full precision).

Both pages are made self-contained the same way, so only the map data differs. Each is opened
in headless Chromium (Debian's /usr/bin/chromium, network blocked) and timed from navigation
to the first frame painted with its layers on the map; switching the kotaku map to another
view is timed too. Without Chromium only sizes are reported.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import shapely

import kotaku_gis as kg
from benchmarks.synthetic import make_layers
from kotaku_gis.maps import map_html
from kotaku_gis.schema import CRITERIA_2018, CRITERION_DENOMINATOR
from tests.offline_browser import ARGS as CHROMIUM_ARGS
from tests.offline_browser import CHROMIUM


def _digitise(units, rng: np.random.Generator, step_m: float = 10.0, noise_m: float = 0.3):
    """Split edges into ``step_m`` pieces and jitter the vertices by ``noise_m`` (metres)."""
    deg = step_m / 111_000.0
    rings = shapely.get_exterior_ring(shapely.segmentize(np.asarray(units.geometry.array), deg))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    coords = coords + rng.normal(0.0, noise_m / 111_000.0, coords.shape)
    first = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    last = np.r_[first[1:] - 1, len(index) - 1]
    coords[last] = coords[first]  # keep each ring closed
    out = units.copy()
    out.geometry = shapely.make_valid(shapely.polygons(shapely.linearrings(coords, indices=index)))
    return out


def make_inputs(n_units: int, seed: int = 7, *, n_works: int | None = None, n_cities: int = 1):
    """Scored units, works and the remaining area, as a planner would have them.

    ``n_works`` defaults to half the units; ``n_cities`` spreads them over that many kota.
    """
    rng = np.random.default_rng(seed)
    n_works = n_units // 2 if n_works is None else n_works
    units, works = make_layers(n_units=n_units, n_works=n_works, n_cities=n_cities, seed=seed)
    units = _digitise(units, rng)
    units["kelurahan"] = pd.array(
        [f"Kelurahan {i // 400:03d}" for i in range(len(units))], dtype="string"
    )
    units["area_ha"] = kg.area_ha(units).round(4)
    units["road_length_m"] = rng.uniform(100, 600, len(units)).round(1)
    units["drain_length_m"] = units["road_length_m"] * 1.6
    for code in CRITERIA_2018:
        denominator = units[CRITERION_DENOMINATOR[code]].astype(float)
        units[code] = (denominator * rng.beta(0.8, 1.6, len(units))).round(2)
    assessed = kg.assess(units)
    works = kg.read_interventions(works)
    remaining = kg.remaining_area(units, works)
    return assessed, works, remaining


def naive_map(units) -> folium.Map:
    """The plain folium map a planner would write: one GeoJson with a tooltip of every column."""
    frame = units.copy()
    frame["level"] = frame["level"].astype("string")
    fields = [c for c in frame.columns if c != frame.geometry.name]
    m = folium.Map(location=[-8.58, 116.10], zoom_start=13)
    folium.GeoJson(frame, tooltip=folium.GeoJsonTooltip(fields=fields[:20])).add_to(m)
    return m


def browser_times(page_path: Path, *, switch: bool) -> dict[str, float]:
    """Milliseconds to the first frame with the layers on the map (and to switch a view)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})
        context.route("http*://**/*", lambda route: route.abort())
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.as_uri(), wait_until="load", timeout=600_000)
        out["load_ms"] = page.evaluate(
            """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
                   () => done(performance.now()))))"""
        )
        out["paths"] = page.evaluate(
            """() => { let n = 0; const map = Object.keys(window).filter(k => k.startsWith('map_'))
                   .map(k => window[k]).find(v => v instanceof L.Map);
                   map.eachLayer(l => { if (l instanceof L.Path) n++; }); return n; }"""
        )
        if switch:
            out["switch_view_ms"] = page.evaluate(
                """() => new Promise(done => {
                    const inputs = document.querySelectorAll('.leaflet-control-layers-base input');
                    const t0 = performance.now();
                    inputs[inputs.length - 1].click();
                    requestAnimationFrame(() => requestAnimationFrame(
                        () => done(performance.now() - t0)));
                })"""
            )
        if errors:
            out["page_errors"] = len(errors)
        browser.close()
    return out


def main() -> None:
    """Build both maps, write them, report sizes and (with Chromium) load times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="folder to keep the HTML files in")
    args = parser.parse_args()

    t0 = time.perf_counter()
    assessed, works, remaining = make_inputs(args.units)
    vertices = int(shapely.get_num_coordinates(np.asarray(assessed.geometry.array)).sum())
    print(
        f"inputs: {len(assessed)} units ({vertices} vertices), {len(works)} works, "
        f"{time.perf_counter() - t0:.1f} s"
    )

    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-map-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, build in (
        (
            "kotaku full",
            lambda: kg.map_units(assessed, interventions=works, remaining=remaining),
        ),
        ("kotaku units", lambda: kg.map_units(assessed)),
        ("naive folium.GeoJson", lambda: naive_map(assessed)),
    ):
        t1 = time.perf_counter()
        m = build()
        html = map_html(m, offline=True)
        build_s = time.perf_counter() - t1
        path = folder / (name.split()[-1].replace(".", "_") + ".html")
        path.write_text(html, encoding="utf-8")
        results[name] = {"size_mb": len(html.encode("utf-8")) / 1e6, "build_s": build_s}
        if CHROMIUM.exists():
            # best of two: the machine is shared, the first load also warms the disk cache
            runs = [browser_times(path, switch=name.startswith("kotaku")) for _ in range(2)]
            results[name].update(min(runs, key=lambda r: r["load_ms"]))
        print(
            f"{name:22s} "
            + ", ".join(
                f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                for k, v in results[name].items()
            )
        )
    if not CHROMIUM.exists():
        print("(no /usr/bin/chromium: load times not measured; run .ci/browser-setup.sh)")
    ours, naive = results["kotaku units"], results["naive folium.GeoJson"]
    print("same units, kotaku map_units vs naive folium.GeoJson:")
    print(
        f"size: {ours['size_mb']:.2f} MB vs {naive['size_mb']:.2f} MB "
        f"({naive['size_mb'] / ours['size_mb']:.1f}x smaller)"
    )
    if "load_ms" in ours and "load_ms" in naive:
        print(
            f"load: {ours['load_ms']:.0f} ms vs {naive['load_ms']:.0f} ms "
            f"({naive['load_ms'] / ours['load_ms']:.1f}x faster)"
        )
    print(f"files in {folder}")


if __name__ == "__main__":
    main()
