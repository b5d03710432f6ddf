"""Where the map opens, which works layers start on, and a national map split per kota."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis.maps.layers import FitView, SiteLayer

D = 0.001  # about 110 m
SPOTS = {"Kota Mataram": (116.10, -8.58), "Kota Bima": (118.72, -8.46),
         "Kabupaten Dompu": (118.46, -8.53)}  # fmt: skip


def _units(per_kota: dict[str, int]) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for name, n in per_kota.items():
        lon, lat = SPOTS[name]
        for i in range(n):
            level = ["kumuh berat", "kumuh ringan", "tidak kumuh"][i % 3]
            rows.append({"unit_id": f"{name[-4:]}-{i:02d}", "kota": name, "level": level})
            geoms.append(shapely.box(lon + i * D, lat, lon + (i + 1) * D, lat + D))
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=4326)


def _fit(m) -> list[list[float]]:
    fits = [c for c in m._children.values() if isinstance(c, FitView)]
    assert len(fits) == 1
    return fits[0].bounds


def _inside(bounds: list[list[float]], name: str) -> bool:
    (south, west), (north, east) = bounds
    lon, lat = SPOTS[name]
    return west <= lon + D and east >= lon and south <= lat + D and north >= lat


def test_opens_on_the_kota_with_most_units_or_the_one_named():
    units = _units({"Kota Mataram": 12, "Kota Bima": 4, "Kabupaten Dompu": 2})
    fit = _fit(kg.map_units(units, boundaries=None, tiles=None))
    # Mataram's 12 units span 12 x 110 m: the view is theirs, not the 290 km province's
    assert _inside(fit, "Kota Mataram") and not _inside(fit, "Kota Bima")
    assert fit[1][1] - fit[0][1] < 0.05
    fit = _fit(kg.map_units(units, boundaries=None, tiles=None, focus="Kota Bima"))
    assert _inside(fit, "Kota Bima") and not _inside(fit, "Kota Mataram")
    with pytest.raises(kg.InputError, match="Kota Sumbawa"):
        kg.map_units(units, boundaries=None, tiles=None, focus="Kota Sumbawa")


def _works(categories: list[str]) -> gpd.GeoDataFrame:
    kinds = {"air_minum": "hidran_umum", "air_limbah": "mck", "persampahan": "bak_sampah",
             "drainase": "sumur_resapan", "jalan": "jalan_beton"}  # fmt: skip
    lon, lat = SPOTS["Kota Mataram"]
    return gpd.GeoDataFrame(
        {"intervention_id": [f"W{k}" for k in range(len(categories))],
         "kind": [kinds[c] for c in categories], "category": categories,
         "year": 2023, "status": "selesai", "completed": True, "volume": 1.0},
        geometry=[shapely.Point(lon + (k + 0.5) * D, lat + 0.5 * D)
                  for k in range(len(categories))],
        crs=4326,
    )  # fmt: skip


def _works_shown(m) -> list[bool]:
    return [layer.show for layer in m._children.values() if isinstance(layer, SiteLayer)]


def test_works_layers_start_off_beyond_a_few():
    units = _units({"Kota Mataram": 6})
    few = kg.map_units(units, interventions=_works(["air_minum", "jalan"]), boundaries=None)
    assert _works_shown(few) == [True, True]
    many = _works(["air_minum", "air_limbah", "persampahan", "drainase", "jalan"])
    shown = _works_shown(kg.map_units(units, interventions=many, boundaries=None))
    assert len(shown) == 5 and not any(shown)  # more than WORKS_SHOWN = 3
    forced = kg.map_units(units, interventions=many, boundaries=None, show_works=True)
    assert all(_works_shown(forced))


def test_a_large_layer_is_an_index_with_one_map_per_kota(tmp_path):
    units = _units({"Kota Mataram": 6, "Kota Bima": 4, "Kabupaten Dompu": 2})
    m = kg.map_units(units, boundaries=None, max_units=10, year=2023)
    index = kg.save_map(m, tmp_path / "map.html")
    files = sorted(p.name for p in tmp_path.glob("map_*.html"))
    assert files == ["map_kabupaten_dompu.html", "map_kota_bima.html", "map_kota_mataram.html"]
    page = index.read_text(encoding="utf-8")
    # each kota's label links to its map: map_<slug>.html beside the index
    hrefs = re.search(r'"href":\s*(\[[^\]]*\])', page)
    assert hrefs is not None
    assert sorted(json.loads(hrefs.group(1))) == ["kabupaten_dompu", "kota_bima", "kota_mataram"]
    assert "aram-00" not in page and "Bima-00" not in page  # no unit is drawn in the index
    for name, own, other in (("map_kota_bima.html", "Bima-03", "Bima-04"),
                             ("map_kabupaten_dompu.html", "ompu-01", "ompu-02")):  # fmt: skip
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert own in text and other not in text and "aram-00" not in text
    # one map when asked, whatever the size
    one = kg.map_units(units, boundaries=None, max_units=10, split=False)
    kg.save_map(one, tmp_path / "one" / "map.html")
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["map.html"]
