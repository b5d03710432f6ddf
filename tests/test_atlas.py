"""The printable atlas: an overview page, then one page per kota/kabupaten, A4/A3 landscape."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg

pypdf = pytest.importorskip("pypdf")

A4 = (841.89, 595.28)  # points, landscape
A3 = (1190.55, 841.89)


def _units() -> gpd.GeoDataFrame:
    """Three kota, 1 ha squares (100 m sides near the equator, so 0.99 ha measured)."""
    d = 100 / 111_320
    boxes, kota, levels = [], [], []
    spots = {"Kota Mataram": (116.10, -8.58), "Kota Bima": (118.72, -8.46),
             "Kabupaten Dompu": (118.46, -8.53)}  # fmt: skip
    for name, (lon, lat) in spots.items():
        for i, level in enumerate(["kumuh berat", "kumuh sedang", "kumuh ringan"]):
            boxes.append(shapely.box(lon + i * d, lat, lon + (i + 1) * d, lat + d))
            kota.append(name)
            levels.append(level)
    return gpd.GeoDataFrame(
        {"unit_id": [f"U{k}" for k in range(9)], "kota": kota, "provinsi": "Nusa Tenggara Barat",
         "area_ha": 1.0, "level": levels},
        geometry=boxes, crs=4326,
    )  # fmt: skip


def _pages(path) -> list[tuple[float, float, str]]:
    reader = pypdf.PdfReader(str(path))
    return [
        (float(p.mediabox.width), float(p.mediabox.height), p.extract_text()) for p in reader.pages
    ]


def test_one_page_per_kota_after_the_overview(tmp_path):
    units = _units()
    after = units.copy()
    after["level"] = "tidak kumuh"
    path = kg.write_atlas(tmp_path / "atlas.pdf", units, after=after, year=2023, lang="en")
    pages = _pages(path)
    assert len(pages) == 1 + 3
    assert "Overview" in pages[0][2]
    # kota pages in alphabetical order, each named in its title
    for (_, _, text), name in zip(
        pages[1:], ["Kabupaten Dompu", "Kota Bima", "Kota Mataram"], strict=True
    ):
        assert f"Slum atlas · {name}" in text
        assert "2023" in text
    for width, height, _ in pages:
        assert (width, height) == pytest.approx(A4, abs=1)


def test_a3_and_indonesian(tmp_path):
    path = kg.write_atlas(tmp_path / "atlas.pdf", _units(), paper="A3")
    pages = _pages(path)
    assert len(pages) == 4
    assert (pages[1][0], pages[1][1]) == pytest.approx(A3, abs=1)
    assert "Atlas kekumuhan · Kota Bima" in pages[2][2]
    assert "Ikhtisar" in pages[0][2]


def test_kota_table_counts_hectares_per_level(tmp_path):
    fig = kg.plot_atlas_page(_units(), "Kota Bima", lang="en")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [
        cell.get_text().get_text()
        for ax in fig.axes
        for table in ax.tables
        for cell in table.get_celld().values()
    ]
    # one unit of 1.00 ha at each slum level, three slum hectares in all
    assert texts.count("1.00") >= 3
    assert "3.00" in texts


def test_unknown_kota_and_units_without_geometry_are_refused():
    with pytest.raises(kg.InputError, match="Kota Sumbawa"):
        kg.plot_atlas_page(_units(), "Kota Sumbawa")
    with pytest.raises(kg.InputError, match="GeoDataFrame"):
        kg.plot_atlas_page(pd.DataFrame(_units().drop(columns="geometry")), "Kota Bima")


def _indonesian_only() -> set[str]:
    """Indonesian texts of the label table with an English text of their own."""
    import csv
    from importlib import resources

    text = resources.files("kotaku_gis").joinpath("labels.csv").read_text(encoding="utf-8")
    return {
        row["id"]
        for row in csv.DictReader(text.splitlines())
        if row["id"] != row["en"] and len(row["id"]) > 4
        and row["group"] in ("map", "word", "level", "category")
    }  # fmt: skip


def test_english_atlas_map_and_charts_have_no_indonesian_label(tmp_path):
    from kotaku_gis.maps import map_html

    units = _units()
    after = units.copy()
    after["level"] = ["tidak kumuh"] * 3 + list(units["level"][3:])
    indonesian = _indonesian_only()
    assert {"Atlas kekumuhan", "Peta kekumuhan", "kumuh berat"} <= indonesian
    path = kg.write_atlas(tmp_path / "atlas.pdf", units, after=after, year=2023, lang="en")
    atlas = "\n".join(text for _, _, text in _pages(path))
    assert "Slum atlas" in atlas
    page = map_html(kg.map_units(units, year=2023, lang="en"), offline=False)
    assert "Slum map" in page
    fig = kg.plot_levels(units, lang="en", year=2023)
    chart = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    for name, text in (("atlas", atlas), ("map", page), ("chart", chart)):
        found = sorted(s for s in indonesian if s in text)
        assert found == [], f"Indonesian in the English {name}: {found}"


def test_ledger_labels_are_never_struck_by_the_baseline_line():
    # 97 and 96 slum ha under a 100 ha baseline: a label just above each bar would be struck
    ledger = pd.DataFrame(
        {"year": [2022, 2023], "baseline_ha": [100.0, 100.0], "slum_ha": [97.0, 96.0],
         "reduced_ha": [3.0, 4.0]}
    )  # fmt: skip
    fig = kg.plot_ledger(ledger, lang="en")
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    line_y = ax.transData.transform((0, 100.0))[1]
    labels = [t for t in ax.texts if "reduced" in t.get_text()]
    assert [t.get_text() for t in labels] == ["97.00 ha\n−3.00 reduced", "96.00 ha\n−4.00 reduced"]
    for label in labels:
        box = label.get_window_extent(renderer)
        assert box.y0 > line_y + 1  # moved above the line, not struck through
