"""One vocabulary: ``baseline`` and ``after`` everywhere, old names kept with a warning; column
names built and read back by one module; every header translated.

The old keyword names must give exactly what the new ones give, and say they are old.
"""

from __future__ import annotations

import csv
import json
import warnings
from importlib import resources

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

import kotaku_gis as kg
from kotaku_gis import labels, schema
from kotaku_gis.summaries import audit_trail, summary_by, unit_scores


def _units() -> gpd.GeoDataFrame:
    """Two units at 20 points (1a, 1c, 7a, 7b at 100 %): kumuh ringan."""
    units = gpd.GeoDataFrame(
        {"unit_id": ["A", "B"], "kota": ["Kota Mataram", "Kota Bima"],
         "kelurahan": ["Bintaro", "Dara"], "area_ha": [2.5, 1.25], "buildings": [10, 10],
         "households": [20, 20], "road_length_m": [100.0] * 2, "drain_length_m": [100.0] * 2,
         **{code: [0.0, 0.0] for code in kg.get_ruleset().codes}},
        geometry=[shapely.box(116.070, -8.580, 116.072, -8.578),
                  shapely.box(118.720, -8.460, 118.722, -8.458)],
        crs="EPSG:4326",
    )  # fmt: skip
    for code in ("1a", "1c", "7a", "7b"):
        units[code] = 10.0
    return units


@pytest.fixture(scope="module")
def run() -> dict:
    units = _units()
    # All of 7a and 7b of unit A: 20 - 10 = 10 points, tidak kumuh.
    red = pd.DataFrame({"intervention_id": ["W1", "W1"], "unit_id": ["A", "A"],
                        "criterion": ["7a", "7b"], "volume": [10.0, 10.0],
                        "year": [2023, 2023]})  # fmt: skip
    return {"base": kg.assess(units), "after": kg.assess(units, reductions=red), "red": red}


def test_the_frames_are_as_designed(run):
    assert run["base"]["level"].tolist() == ["kumuh ringan", "kumuh ringan"]
    assert run["after"]["level"].tolist() == ["tidak kumuh", "kumuh ringan"]


def test_summarize_takes_baseline_and_the_old_before(run):
    new = kg.summarize(run["after"], by="kota", baseline=run["base"])
    with pytest.warns(DeprecationWarning, match=r"before=\.\.\.\) is deprecated; pass baseline"):
        old = kg.summarize(run["after"], by="kota", before=run["base"])
    pd.testing.assert_frame_equal(new, old)
    # Unit A: bangunan (100 + 0 + 100) / 3 = 66.67 %, proteksi kebakaran 100 % -> 0 %, five
    # aspects at 0: (166.67 / 7 = 23.81 - 66.67 / 7 = 9.52) / 23.81 = 0.6002.
    assert new.loc["Kota Mataram", "kontribusi_penanganan"] == pytest.approx(0.6002, abs=1e-4)
    with pytest.raises(kg.InputError, match="both before="):
        kg.summarize(run["after"], before=run["base"], baseline=run["base"])


def test_plot_levels_takes_baseline_and_the_old_before(run):
    new = kg.plot_levels(run["after"], baseline=run["base"], lang="en")
    with pytest.warns(DeprecationWarning, match="plot_levels"):
        old = kg.plot_levels(run["after"], before=run["base"], lang="en")
    titles = ["Slum level before works", "Slum level after works"]
    assert [ax.get_title() for ax in new.axes] == [ax.get_title() for ax in old.axes] == titles


def test_map_units_takes_baseline_and_the_old_before(run):
    def levels(m) -> dict:
        data = next(c for c in m._children.values() if type(c).__name__ == "UnitData")
        cols = json.loads(data.payload)["cols"]
        return {k: cols[k] for k in ("level", "level_after")}

    new = kg.map_units(run["after"], baseline=run["base"], offline=False, tiles=None)
    with pytest.warns(DeprecationWarning, match="map_units"):
        old = kg.map_units(run["after"], before=run["base"], offline=False, tiles=None)
    assert levels(new) == levels(old) == {"level": [2, 2], "level_after": [3, 2]}
    with pytest.raises(kg.InputError, match="not both"):
        kg.map_units(run["after"], baseline=run["base"], after=run["after"])


def _values(path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    out = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    # The notes' first row is the time the file was made.
    return {name: [r for r in rows if r[0] != "Dibuat"] for name, rows in out.items()}


def test_write_excel_report_old_units_assessed_means_the_same(run, tmp_path):
    new = kg.write_excel_report(tmp_path / "new.xlsx", baseline=run["base"], after=run["after"],
                                reductions=run["red"])  # fmt: skip
    with pytest.warns(DeprecationWarning, match="units_assessed"):
        old = kg.write_excel_report(tmp_path / "old.xlsx", units_assessed=run["after"],
                                    baseline=run["base"], reductions=run["red"])  # fmt: skip
    assert _values(new) == _values(old)
    kota = _values(new)["Ringkasan Kota"]
    header = list(kota[3])  # below the title, the rounding rule and a blank row
    total = kota[-1]
    assert total[header.index("Luas Kumuh (Ha)")] == 3.75
    assert total[header.index("Sisa Luas Kumuh (Ha)")] == 1.25
    # Alone, the old keyword is the baseline.
    base = kg.write_excel_report(tmp_path / "base.xlsx", baseline=run["base"])
    with pytest.warns(DeprecationWarning):
        alone = kg.write_excel_report(tmp_path / "alone.xlsx", units_assessed=run["base"])
    assert _values(base) == _values(alone)
    with pytest.raises(kg.InputError, match="both units_assessed="):
        kg.write_excel_report(tmp_path / "x.xlsx", units_assessed=run["after"],
                              after=run["after"], baseline=run["base"])  # fmt: skip
    with pytest.raises(kg.InputError, match="needs baseline="):
        kg.write_excel_report(tmp_path / "x.xlsx")


def test_validation_reports_are_passed_as_validation(run, tmp_path):
    rep = kg.ValidationReport(what="survey")
    rep.add(7, "buildings", "warning", "count_checked", "counted again in the field")
    new = kg.write_excel_report(tmp_path / "a.xlsx", baseline=run["base"],
                                validation={"survey": rep})  # fmt: skip
    with pytest.warns(DeprecationWarning, match=r"reports=\.\.\.\) is deprecated"):
        old = kg.write_excel_report(tmp_path / "b.xlsx", baseline=run["base"],
                                    reports={"survey": rep})  # fmt: skip
    issues = _values(new)["Catatan Validasi"]
    # A check of the caller's own keeps its name and message; the severity is translated.
    assert ("survey", "7", "buildings", "peringatan", "count_checked", "count_checked",
            "counted again in the field", False) in issues  # fmt: skip
    assert issues == _values(old)["Catatan Validasi"]


def test_the_validation_report_module_has_a_name_of_its_own():
    from kotaku_gis import validation_report

    assert kg.ValidationReport is validation_report.ValidationReport
    with pytest.warns(DeprecationWarning, match="kotaku_gis.validation_report"):
        from kotaku_gis.report import ValidationReport
    assert ValidationReport is kg.ValidationReport
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        import kotaku_gis.report  # importing the module alone says nothing  # noqa: F401


def test_column_names_read_back_as_built():
    rs2016 = kg.get_ruleset("2016")
    for code in rs2016.codes:
        for build, prefix in ((schema.pct_column, "pct"), (schema.score_column, "score"),
                              (schema.reduction_column, "reduction")):  # fmt: skip
            name = build(code)
            assert (schema.parse_column(name).prefix, schema.parse_column(name).key) == (
                prefix,
                code,
            )
            after = schema.parse_column(schema.after_column(name))
            assert (after.prefix, after.key, after.state, after.base) == (
                prefix, code, "after", name,
            )  # fmt: skip
    for aspect in rs2016.aspects:
        col = schema.parse_column(schema.published_column(schema.avg_column(aspect)))
        assert (col.prefix, col.key, col.state) == ("avg", aspect, "published")
    for level in schema.LEVELS:
        for build, prefix in ((schema.ha_column, "ha"), (schema.units_column, "units")):
            col = schema.parse_column(schema.before_column(build(level)))
            assert (col.prefix, col.key, col.state) == (prefix, level, "before")
    # Names that only look built are plain names.
    for name in ("ha_left", "units_entered", "slum_ha", "unit_id", "pct_", "level"):
        assert schema.parse_column(name).prefix is None


def test_the_schema_is_the_rulesets():
    rs = kg.get_ruleset("permen-14-2018")
    assert schema.CRITERIA_2018 == rs.codes
    assert schema.CRITERION_DENOMINATOR == {c.code: c.denominator for c in rs.criteria}
    assert schema.LEVELS is kg.rulesets.LEVELS


def test_every_column_of_the_report_tables_has_a_header(run):
    works = pd.DataFrame({"intervention_id": ["W1"], "kind": ["hidran kebakaran"],
                          "year": [2023], "status": ["selesai"],
                          "sumber_dana": ["APBD"]})  # fmt: skip
    tables = [
        summary_by(run["base"], after=run["after"], by=["kota", "kelurahan"]),
        unit_scores(run["base"], after=run["after"]),
        audit_trail(run["red"], interventions=works, baseline=run["base"], after=run["after"]),
        kg.progress(_units(), run["red"], years=[2023]),
    ]
    columns = {c for table in tables for c in table.columns}
    for lang in ("id", "en"):
        raw = sorted(c for c in columns if labels.header(c, lang) == c)
        assert raw == [], lang


def test_every_text_has_both_languages():
    text = resources.files("kotaku_gis").joinpath("labels.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    keys = [(r["group"], r["key"]) for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert r["en"].strip(), r
        # Indonesian category names come from the works catalogue.
        assert r["id"].strip() or (r["group"] == "category" and r["key"] in kg.CATEGORIES), r
    for key in kg.CATEGORIES:
        assert labels.category_label(key) == kg.INTERVENTION_KINDS[key].name
    with pytest.raises(kg.InputError, match="lang must be"):
        labels.sheet_name("audit", "fr")
