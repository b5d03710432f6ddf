"""PostGIS: reading units and works from a database, writing a run's tables, and the faults.

The tests run against a real PostgreSQL + PostGIS cluster started for the session
(``tests/postgis_server.py``; ``.ci/postgres-setup.sh`` installs Debian's packages). Without
the server binaries those tests are skipped with the reason; the URL and name tests run
anyway.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

import kotaku_gis as kg
from kotaku_gis.database import _split_layer, is_database_url, mask_url, read_table
from kotaku_gis.pipeline import run_job

sys.path.insert(0, str(Path(__file__).parent))
from postgis_server import PostgisServer, find_server, load_frame

SAMPLE = kg.datasets.get_path("ntb_sample")
DB = "kotaku_test"
PASSWORD = "Rahasia: kumuh@2023/ntb!"  # characters a URL must escape
BINDIR, NO_SERVER = find_server()

try:
    import psycopg  # noqa: F401
    import sqlalchemy  # noqa: F401

    NO_DRIVER = ""
except ImportError:  # pragma: no cover - the test extra installs them
    NO_DRIVER = "SQLAlchemy and psycopg are not installed: pip install 'kotaku-gis[postgis]'"

needs_server = pytest.mark.skipif(BINDIR is None or bool(NO_DRIVER), reason=NO_SERVER or NO_DRIVER)


# ------------------------------------------------------------------ no server needed


def test_database_urls_are_recognised():
    assert is_database_url("postgresql://planner@db:5432/kumuh")
    assert is_database_url("postgres://planner@db/kumuh")
    assert is_database_url("postgresql+psycopg://planner@db/kumuh")
    assert is_database_url("POSTGRESQL://db/kumuh")
    assert not is_database_url("postgresql.gpkg")
    assert not is_database_url(Path("postgresql://x"))  # a path, not a URL
    assert not is_database_url("sqlite:///rt.db")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://planner:s3cret@db:5432/kumuh", "postgresql://planner:***@db:5432/kumuh"),
        ("postgres://a:p%40ss%2Fw@db/kumuh", "postgres://a:***@db/kumuh"),
        ("postgresql://planner@db/kumuh", "postgresql://planner@db/kumuh"),
        (
            "postgresql://planner@/kumuh?host=/run/pg&password=s3cret&port=5",
            "postgresql://planner@/kumuh?host=/run/pg&password=***&port=5",
        ),
        ("postgresql://:s3cret@db/kumuh", "postgresql://:***@db/kumuh"),
    ],
)
def test_mask_url_hides_the_password(url, shown):
    assert mask_url(url) == shown


@pytest.mark.parametrize(
    ("layer", "parts"),
    [
        ("kotaku.units", ("kotaku", "units")),
        ("units", (None, "units")),
        ("RT kumuh 2023", (None, "RT kumuh 2023")),
        ('data.RT "A" 50%', ("data", 'RT "A" 50%')),
        ('"my.schema"."RT ""kumuh"""', ("my.schema", 'RT "kumuh"')),
        ('"Data Kota".units', ("Data Kota", "units")),
        ("sumber.rt.v2", ("sumber", "rt.v2")),
    ],
)
def test_layer_names_split_into_schema_and_table(layer, parts):
    assert _split_layer(layer) == parts


@pytest.mark.parametrize("layer", ["", ".units", 'a."b', '"a"x'])
def test_bad_layer_names_are_input_errors(layer):
    with pytest.raises(kg.InputError, match="layer"):
        _split_layer(layer)


def test_import_without_the_database_drivers_and_a_clear_error():
    code = (
        "import sys\n"
        "sys.modules['sqlalchemy'] = None\n"
        "sys.modules['psycopg'] = None\n"
        "import kotaku_gis as kg\n"
        "try:\n"
        "    kg.read_units('postgresql://planner:s3cret@db/kumuh', layer='kotaku.units')\n"
        "except kg.InputError as err:\n"
        "    print(err)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "pip install 'kotaku-gis[postgis]'" in out.stdout
    assert "s3cret" not in out.stdout + out.stderr


@pytest.mark.skipif(bool(NO_DRIVER), reason=NO_DRIVER or "drivers present")
def test_unreachable_server_is_an_input_error_without_the_password():
    url = f"postgresql://planner:{PASSWORD.replace('@', '%40').replace('/', '%2F')}@127.0.0.1:1/x"
    with pytest.raises(kg.InputError) as info:
        kg.read_units(url, layer="kotaku.units")
    text = str(info.value)
    assert "cannot connect" in text and "PG* environment" in text
    assert "Rahasia" not in text and "kumuh%40" not in text
    assert info.value.__cause__ is None and info.value.__suppress_context__


# ------------------------------------------------------------------ the server


@pytest.fixture(scope="module")
def server():
    if BINDIR is None or NO_DRIVER:
        pytest.skip(NO_SERVER or NO_DRIVER)
    from psycopg import sql

    srv = PostgisServer(BINDIR)
    try:
        seconds = srv.start()
        print(f"\nPostgreSQL cluster started in {seconds:.1f} s on port {srv.port}")
        srv.create_database(DB)
        with srv.connect(DB) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE auditor LOGIN PASSWORD {}").format(sql.Literal(PASSWORD))
            )
            conn.execute("CREATE ROLE pengamat LOGIN")  # no CREATE on the database
            conn.execute("GRANT USAGE ON SCHEMA public TO pengamat")
            for layer in ("units", "interventions"):
                frame = gpd.read_file(SAMPLE, layer=layer)
                kind = "Polygon" if layer == "units" else "Geometry"
                load_frame(conn, "sumber", layer, frame, geometry_type=kind)
            conn.execute("GRANT USAGE ON SCHEMA sumber TO auditor, pengamat")
            conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA sumber TO auditor, pengamat")
        yield srv
    finally:
        srv.cleanup()


@pytest.fixture(scope="module")
def url(server):
    return server.url(DB)


@pytest.fixture(scope="module")
def file_run():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return run_job(SAMPLE, SAMPLE, year=2023)


@pytest.fixture(scope="module")
def db_run(url):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return run_job(
            url,
            url,
            units_layer="sumber.units",
            interventions_layer="sumber.interventions",
            year=2023,
        )


def _query(server, sql, params=None, *, database=DB):
    with server.connect(database) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def _snapshot(server, schema="kotaku"):
    """Every table of a schema: its comment, rows, run ids and a checksum of its contents."""
    from psycopg import sql

    out = {}
    with server.connect(DB) as conn:
        names = conn.execute(
            "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
            "AND c.relkind = 'r' ORDER BY 1",
            (schema,),
        ).fetchall()
        for name, comment in names:
            ident = sql.Identifier(schema, name)
            rows, digest = conn.execute(
                sql.SQL(
                    "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {} t"
                ).format(ident)
            ).fetchone()
            out[name] = (comment, rows, digest)
    return out


def _run_ids(server, schema="kotaku"):
    from psycopg import sql

    ids = set()
    with server.connect(DB) as conn:
        for name in kg.database.TABLES:
            ident = sql.Identifier(schema, name)
            ids |= {
                r[0] for r in conn.execute(sql.SQL("SELECT DISTINCT run_id FROM {}").format(ident))
            }
    return ids


# ------------------------------------------------------------------ reading


def _load_units(server, schema: str, n: int, **options) -> gpd.GeoDataFrame:
    """The sample's first ``n`` units loaded as ``<schema>.units``; the frame loaded."""
    frame = gpd.read_file(SAMPLE, layer="units").iloc[:n]
    with server.connect(DB) as conn:
        load_frame(conn, schema, "units", frame, **options)
    return frame


@needs_server
def test_read_units_from_a_table_matches_the_file(url):
    db = kg.read_units(url, layer="sumber.units")
    files = kg.read_units(SAMPLE, layer="units")
    assert isinstance(db, gpd.GeoDataFrame) and db.crs.to_epsg() == 4326
    assert db.geometry.name == "geometry"
    assert list(db["unit_id"]) == list(files["unit_id"])  # primary-key order = file order
    assert set(db.columns) - set(files.columns) == {"ogc_fid"}
    np.testing.assert_allclose(db["area_ha_geom"], files["area_ha_geom"], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(db["1a"].to_numpy(), files["1a"].to_numpy())
    assert db.attrs["report"].source == f"table sumber.units in {url}"
    checks = db.attrs["report"].to_frame()["check"].tolist()
    assert checks == files.attrs["report"].to_frame()["check"].tolist()


@needs_server
def test_database_run_equals_file_run(db_run, file_run):
    for attr in ("baseline", "after"):
        a = getattr(db_run, attr).set_index("unit_id")
        b = getattr(file_run, attr).set_index("unit_id").loc[a.index]
        assert len(a) == 366
        np.testing.assert_allclose(a["area_ha"], b["area_ha"], rtol=0, atol=1e-9)
        np.testing.assert_allclose(a["area_ha_geom"], b["area_ha_geom"], rtol=0, atol=1e-9)
        pd.testing.assert_series_equal(a["total_score"], b["total_score"])
        pd.testing.assert_series_equal(a["level"], b["level"])
        score_cols = [c for c in a.columns if c.startswith(("score_", "pct_"))]
        pd.testing.assert_frame_equal(a[score_cols], b[score_cols])
    a = db_run.remaining.set_index("unit_id")
    b = file_run.remaining.set_index("unit_id").loc[a.index]
    for col in ("area_ha", "covered_ha", "remaining_ha"):
        np.testing.assert_allclose(a[col], b[col], rtol=0, atol=1e-9)
    pd.testing.assert_frame_equal(db_run.ledger, file_run.ledger, check_exact=False, atol=1e-9)
    key = ["intervention_id", "unit_id", "criterion"]
    ra = db_run.reductions.sort_values(key).reset_index(drop=True)
    rb = file_run.reductions.sort_values(key).reset_index(drop=True)
    np.testing.assert_allclose(ra["volume"], rb["volume"], rtol=0, atol=1e-9)
    assert db_run.headline() == file_run.headline()
    assert db_run.reconciliation.balanced


@needs_server
def test_default_table_follows_the_search_path(server):
    # libpq options in the URL: search_path=sumber, so 'units' is sumber.units
    url = server.url(DB) + "&options=-csearch_path%3Dsumber"
    units = kg.read_units(url)
    works = kg.read_interventions(url)
    assert len(units) == 366 and len(works) == 957
    assert units.attrs["report"].source.startswith("table sumber.units in ")


@needs_server
def test_query_layer_reads_its_rows_and_cannot_write(server, url):
    units = kg.read_units(
        url,
        layer="SELECT * FROM sumber.units WHERE kota = 'Kota Mataram' ORDER BY unit_id -- RT",
    )
    expected = _query(server, "SELECT count(*) FROM sumber.units WHERE kota = 'Kota Mataram'")
    assert len(units) == expected[0][0] > 0
    assert units.crs.to_epsg() == 4326
    assert units.attrs["report"].source.startswith("query in postgresql://")
    before = _query(server, "SELECT count(*) FROM sumber.units")
    # a query runs in a read-only transaction: nothing it calls can change the database
    with pytest.raises(kg.InputError, match="read-only transaction"):
        kg.read_units(url, layer="SELECT *, nextval('sumber.units_ogc_fid_seq') FROM sumber.units")
    with pytest.raises(kg.InputError, match="cannot read the units"):
        kg.read_units(url, layer="WITH x AS (DELETE FROM sumber.units RETURNING *) SELECT * FROM x")
    assert _query(server, "SELECT count(*) FROM sumber.units") == before
    assert _query(server, "SELECT last_value FROM sumber.units_ogc_fid_seq") == [(366,)]


@needs_server
def test_missing_table_names_it_and_lists_the_tables(url):
    with pytest.raises(kg.InputError) as info:
        kg.read_units(url, layer="sumber.rt_kumuh")
    text = str(info.value)
    assert "'sumber.rt_kumuh'" in text
    assert "sumber.units" in text and "sumber.interventions" in text
    assert "spatial_ref_sys" not in text


@needs_server
def test_table_without_geometry_reads_as_a_plain_table(server, url):
    frame = pd.DataFrame(
        {"unit_id": ["RT01", "RT02"], "area_ha": [1.5, 2.25], "buildings": [40, 0],
         "1a": [10.0, 0.0]}
    )  # fmt: skip
    with server.connect(DB) as conn:
        load_frame(conn, "tabel", "skor", frame)
    units = kg.read_units(url, layer="tabel.skor")
    assert not isinstance(units, gpd.GeoDataFrame)
    assert units["area_ha"].tolist() == [1.5, 2.25]
    assert units["1a"].tolist() == [10.0, 0.0]  # a 0 is evidence, kept as 0


@needs_server
def test_geometry_in_another_srid_is_read_with_its_crs(server, url, file_run):
    with server.connect(DB) as conn:
        conn.execute(
            "CREATE TABLE sumber.units_utm AS SELECT ogc_fid, unit_id, area_ha, "
            "ST_Transform(geom, 32750)::geometry(Polygon, 32750) AS geom FROM sumber.units"
        )
        conn.execute("ALTER TABLE sumber.units_utm ADD PRIMARY KEY (ogc_fid)")
    units = kg.read_units(url, layer="sumber.units_utm")
    assert units.crs.to_epsg() == 32750
    files = file_run.units.set_index("unit_id").loc[units["unit_id"]]
    # Same vertices, now in UTM metres: the hectares agree within 1e-5 of each unit's area
    # (the long edges of the larger kawasan run straight in UTM instead of along the
    # geodesic, a few square metres on 30 ha); the verified area_ha is the table's own.
    np.testing.assert_allclose(units["area_ha_geom"], files["area_ha_geom"], rtol=1e-5, atol=0)
    np.testing.assert_array_equal(units["area_ha"], files["area_ha"])


@needs_server
def test_geometry_without_srid_is_an_input_error(server, url):
    _load_units(server, "tanpa_srid", 3, srid=0, geometry_type=None)
    with pytest.raises(kg.InputError, match=r"no SRID \(0\).*ST_SetSRID"):
        kg.read_units(url, layer="tanpa_srid.units")


@needs_server
def test_bare_geometry_column_takes_its_rows_srid_and_refuses_a_mix(server, url):
    frame = _load_units(server, "campur", 4, geometry_type=None)  # rows carry 4326
    units = kg.read_units(url, layer="campur.units")
    assert units.crs.to_epsg() == 4326 and len(units) == 4
    with server.connect(DB) as conn:
        conn.execute(
            "UPDATE campur.units SET geom = ST_Transform(geom, 32750) WHERE unit_id = %s",
            (str(frame["unit_id"].iloc[0]),),
        )
    with pytest.raises(kg.InputError, match=r"mixes SRIDs \[4326, 32750\]"):
        kg.read_units(url, layer="campur.units")


@needs_server
def test_wrong_srid_is_caught_before_any_hectare(server, url):
    # lon/lat written as if it were UTM 50S: the coordinates land far outside Indonesia
    _load_units(server, "salah", 5, srid=32750, geometry_type="Polygon")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        units = kg.read_units(url, layer="salah.units")
        assert set(units.attrs["report"].to_frame()["check"]) >= {"outside_indonesia"}
        with pytest.raises(kg.InputError, match="outside Indonesia"):
            run_job(url, SAMPLE, units_layer="salah.units", year=2023)


@needs_server
def test_table_names_with_quotes_spaces_and_percent(server, url):
    frame = gpd.read_file(SAMPLE, layer="units").iloc[:6]
    schema, table = 'Data "Kota" Mataram', "RT kumuh 50%: 2023"
    with server.connect(DB) as conn:
        load_frame(conn, schema, table, frame, geometry_type="Polygon")
    quoted = '"Data ""Kota"" Mataram"."RT kumuh 50%: 2023"'
    for layer in (quoted, f"{schema}.{table}"):
        units = kg.read_units(url, layer=layer)
        assert list(units["unit_id"]) == list(frame["unit_id"])
    assert units.attrs["report"].source.startswith(
        'table "Data ""Kota"" Mataram"."RT kumuh 50%: 2023" in '
    )


@needs_server
def test_several_geometry_columns_ask_for_a_query(server, url):
    with server.connect(DB) as conn:
        conn.execute(
            "CREATE TABLE sumber.dua AS SELECT unit_id, geom, ST_Centroid(geom) AS titik "
            "FROM sumber.units LIMIT 3"
        )
    with pytest.raises(kg.InputError, match=r"geometry columns \['geom', 'titik'\]"):
        kg.read_units(url, layer="sumber.dua")
    units = kg.read_units(url, layer="SELECT unit_id, geom FROM sumber.dua")
    assert len(units) == 3 and units.crs.to_epsg() == 4326


# ------------------------------------------------------------------ credentials


@needs_server
def test_password_from_url_env_and_pgpass_never_shown(server, tmp_path, monkeypatch):
    with_password = server.url(DB, user="auditor", password=PASSWORD, tcp=True)
    assert len(kg.read_units(with_password, layer="sumber.units")) == 366
    bare = server.url(DB, user="auditor", tcp=True)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(kg.InputError, match="password") as info:
        kg.read_units(bare, layer="sumber.units")
    assert "Rahasia" not in str(info.value)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert len(kg.read_units(bare, layer="sumber.units")) == 366
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    escaped = PASSWORD.replace("\\", "\\\\").replace(":", "\\:")
    pgpass.write_text(f"127.0.0.1:{server.port}:{DB}:auditor:{escaped}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    units = kg.read_units(bare, layer="sumber.units")
    assert len(units) == 366
    # wrong password in the URL: refused, and the message does not repeat it
    wrong = server.url(DB, user="auditor", password="Salah-sandi-123", tcp=True)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(kg.InputError) as info:
        kg.read_units(wrong, layer="sumber.units")
    assert "Salah-sandi" not in str(info.value) and "***" in str(info.value)


@needs_server
def test_environment_alone_names_the_database(server, monkeypatch):
    monkeypatch.setenv("PGHOST", str(server.root))
    monkeypatch.setenv("PGPORT", str(server.port))
    monkeypatch.setenv("PGUSER", "kotaku")
    monkeypatch.setenv("PGDATABASE", DB)
    assert len(kg.read_units("postgresql://", layer="sumber.units")) == 366


# ------------------------------------------------------------------ writing


@needs_server
def test_write_postgis_tables_keys_indexes_and_figures(server, url, file_run):
    written = kg.write_postgis(file_run, url, schema="hasil")
    assert written.schema == "hasil" and written.url == url
    # summary_kelurahan: one row per kota, kecamatan and kelurahan (each kawasan of the
    # sample, which has no kelurahan, a row of its own), as the CSV and the workbook.
    assert written.tables == {
        "units": 366, "remaining": 366, "interventions": 957,
        "reductions": len(file_run.reductions), "summary_kelurahan": 40, "summary_kota": 10,
        "ledger": len(file_run.ledger), "validation": written.tables["validation"], "run": 1,
    }  # fmt: skip
    assert _run_ids(server, "hasil") == {written.run_id}
    geoms = dict(
        (t, (srid, kind))
        for t, srid, kind in _query(
            server,
            "SELECT f_table_name, srid, type FROM geometry_columns WHERE f_table_schema = 'hasil'",
        )
    )
    assert geoms == {
        "units": (4326, "POLYGON"),  # every unit of the sample is one polygon
        "remaining": (4326, "MULTIPOLYGON"),
        "interventions": (4326, "GEOMETRY"),
    }
    keys = _query(
        server,
        "SELECT c.relname, i.indisprimary, am.amname FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid "
        "JOIN pg_am am ON am.oid = ic.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'hasil'",
    )
    primary = {t for t, prim, _ in keys if prim}
    gist = {t for t, _, am in keys if am == "gist"}
    assert primary == set(kg.database.TABLES)
    assert gist == {"units", "remaining", "interventions"}
    # the figures, checked with PostGIS's own spheroid areas and the run's numbers
    rows = _query(
        server,
        "SELECT unit_id, total_score, level, total_score_after, level_after, area_ha_geom, "
        "ST_Area(geom::geography) / 10000, ST_IsValid(geom) FROM hasil.units ORDER BY fid",
    )
    base = file_run.baseline.set_index("unit_id")
    after = file_run.after.set_index("unit_id")
    for uid, score, level, score_after, level_after, ha, st_ha, valid in rows:
        assert valid
        assert score == base.at[uid, "total_score"] and level == base.at[uid, "level"]
        assert score_after == after.at[uid, "total_score"]
        assert level_after == after.at[uid, "level"]
        assert abs(ha - base.at[uid, "area_ha_geom"]) <= 1e-9
        # PostGIS's spheroid area (edges along great circles) agrees within 1e-5 of the unit
        assert abs(st_ha - ha) <= 1e-5 * ha
    # The remaining table speaks the hectare vocabulary: the geometry's unserved hectares
    # are unserved_ha_geom (remaining_area's remaining_ha).
    remaining = dict(_query(server, "SELECT unit_id, unserved_ha_geom FROM hasil.remaining"))
    expected = file_run.remaining.set_index("unit_id")["remaining_ha"]
    assert max(abs(remaining[u] - expected[u]) for u in expected.index) <= 1e-9
    ledger = _query(server, "SELECT year, baseline_ha, slum_ha FROM hasil.ledger ORDER BY year")
    assert [r[0] for r in ledger] == file_run.ledger["year"].tolist()
    np.testing.assert_allclose([r[2] for r in ledger], file_run.ledger["slum_ha"], atol=1e-9)
    run = _query(server, "SELECT run_id, year, ruleset, manifest FROM hasil.run")
    assert run[0][:3] == (written.run_id, 2023, "permen-14-2018")
    assert run[0][3]["headline"] == file_run.headline()


@needs_server
def test_written_tables_open_in_gdal(server, url, file_run, tmp_path):
    """What QGIS sees: the tables read through GDAL's PostgreSQL driver."""
    kg.write_postgis(file_run, url, schema="qgis")
    conn = f"PG:host={server.root} port={server.port} user=kotaku dbname={DB}"
    if "PostgreSQL" in pyogrio.list_drivers():
        units = pyogrio.read_dataframe(conn, layer="qgis.units")
    elif shutil.which("ogr2ogr"):
        # pyogrio's own GDAL is built without the PostgreSQL driver: Debian's GDAL (the one
        # QGIS on Debian uses) copies the layer out, and pyogrio reads the copy
        out = tmp_path / "qgis.gpkg"
        subprocess.run(
            ["ogr2ogr", "-f", "GPKG", str(out), conn, "qgis.units", "qgis.remaining"],
            check=True, capture_output=True,
        )  # fmt: skip
        units = pyogrio.read_dataframe(out, layer="qgis.units")
        remaining = pyogrio.read_dataframe(out, layer="qgis.remaining")
        assert len(remaining) == 366 and remaining.crs.to_epsg() == 4326
    else:
        pytest.skip("no GDAL with the PostgreSQL driver (pyogrio's lacks it; no ogr2ogr)")
    assert len(units) == 366 and units.crs.to_epsg() == 4326
    ours = file_run.baseline.set_index("unit_id").loc[units["unit_id"]]
    np.testing.assert_allclose(kg.area_ha(units), ours["area_ha_geom"], rtol=0, atol=1e-9)
    assert units["level"].tolist() == ours["level"].tolist()


@needs_server
def test_rerun_replaces_every_table_and_says_which_run(server, url, file_run, db_run):
    first = kg.write_postgis(file_run, url, schema="ulang")
    second = kg.write_postgis(db_run, url, schema="ulang", run_id="run-2023-kedua")
    assert second.run_id == "run-2023-kedua" != first.run_id
    assert _run_ids(server, "ulang") == {"run-2023-kedua"}
    snap = _snapshot(server, "ulang")
    assert set(snap) == set(kg.database.TABLES)
    assert {c for c, _, _ in snap.values()} == {"kotaku_gis run run-2023-kedua"}
    source = _query(server, "SELECT units_source FROM ulang.run")[0][0]
    assert source == f"table sumber.units in {url}"


@needs_server
def test_cli_run_into_the_database_masks_the_password(server, tmp_path):
    from typer.testing import CliRunner

    from kotaku_gis.cli import app

    url = server.url(DB, user="kotaku", password="cli-Sandi-9876", tcp=True)
    with server.connect(DB) as conn:
        conn.execute("ALTER ROLE kotaku PASSWORD 'cli-Sandi-9876'")
    args = ["run", "--units", url, "--units-layer", "sumber.units", "--interventions", url,
            "--interventions-layer", "sumber.interventions", "--year", "2023", "-q"]  # fmt: skip
    result = CliRunner().invoke(app, [*args, "--out", url, "--schema", "dari_cli", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "cli-Sandi" not in result.output
    assert "wrote run" in result.output and "postgresql://kotaku:***@127.0.0.1" in result.output
    manifest = _query(server, "SELECT manifest::text FROM dari_cli.run")[0][0]
    assert "cli-Sandi" not in manifest and "kotaku:***@" in manifest
    result = CliRunner().invoke(app, ["validate", url, "--layer", "sumber.units"])
    assert result.exit_code == 0, result.output
    assert "366 rows read" in result.output and "cli-Sandi" not in result.output
    result = CliRunner().invoke(app, ["validate", url, "--layer", "sumber.tidak_ada"])
    assert result.exit_code == 2 and "no table 'sumber.tidak_ada'" in result.output
    assert "cli-Sandi" not in result.output


@needs_server
def test_database_without_postgis(server, file_run):
    """Plain tables read without PostGIS; writing geometry asks for the extension."""
    from psycopg import sql

    with server.connect() as conn:
        conn.execute("DROP DATABASE IF EXISTS tanpa_postgis")
        conn.execute("CREATE DATABASE tanpa_postgis")
    with server.connect("tanpa_postgis") as conn:
        conn.execute("CREATE TABLE units (unit_id text PRIMARY KEY, area_ha float8)")
        conn.execute("INSERT INTO units VALUES ('RT02', 2.0), ('RT01', 1.5)")
    url = server.url("tanpa_postgis")
    units = kg.read_units(url)
    assert units["unit_id"].tolist() == ["RT01", "RT02"]  # primary-key order
    with pytest.raises(kg.InputError, match="CREATE EXTENSION postgis"):
        kg.write_postgis(file_run, url)
    with server.connect("tanpa_postgis") as conn:
        schemas = conn.execute(
            sql.SQL("SELECT count(*) FROM pg_namespace WHERE nspname = {}").format(
                sql.Literal("kotaku")
            )
        ).fetchone()
    assert schemas == (0,)


@needs_server
def test_database_in_files_out_masks_the_password_in_run_json(server, tmp_path):
    url = server.url(DB, user="auditor", password=PASSWORD, tcp=True)
    out = tmp_path / "hasil"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        run_job(
            url,
            url,
            units_layer="sumber.units",
            interventions_layer="sumber.interventions",
            year=2023,
            out_dir=out,
            write_map=False,
            write_workbook=False,
            grid_m=None,
        )
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["inputs"]["units"] == (
        f"table sumber.units in postgresql://auditor:***@127.0.0.1:{server.port}/{DB}"
    )
    for path in out.iterdir():
        text = path.read_text(errors="ignore") if path.suffix in (".json", ".csv") else ""
        assert "Rahasia" not in text and "kumuh%40" not in text, path


@needs_server
def test_values_and_names_holding_sql_are_data(server, url, file_run):
    evil = "'); DROP TABLE sumber.units; --"
    units = gpd.read_file(SAMPLE, layer="units")
    units.loc[0, "kelurahan"] = evil
    units[f"catatan {evil}"] = evil
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = run_job(units, SAMPLE, year=2023, grid_m=None)
    written = kg.write_postgis(result, url, schema='hasil 50%"; DROP SCHEMA sumber CASCADE; --')
    back = read_table(url, layer=f'"{written.schema.replace(chr(34), 2 * chr(34))}".units')
    assert back.loc[0, "kelurahan"] == evil
    assert (back[f"catatan {evil}"] == evil).all()
    assert _query(server, "SELECT count(*) FROM sumber.units")[0][0] == 366
    kel = _query(
        server,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
        (written.schema,),
    )
    assert kel[0][0] == len(kg.database.TABLES)


# ------------------------------------------------------------------ faults while writing


def _blocked_writer(result, url, schema, *, lock_timeout=60.0, run_id=None):
    """Start write_postgis in a thread; returns (thread, outcome dict)."""
    outcome: dict = {}

    def work():
        try:
            outcome["done"] = kg.write_postgis(
                result, url, schema=schema, lock_timeout=lock_timeout, run_id=run_id
            )
        except Exception as err:  # the test inspects it
            outcome["error"] = err

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, outcome


def _wait_for_lock_wait(server, *, count=1, timeout=30.0):
    """Backend pids of writers waiting on a lock (at least ``count`` of them).

    Only the writers wait: the sessions of the tests hold their locks without waiting.
    """
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pids = [
            r[0]
            for r in _query(
                server,
                "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock' ORDER BY backend_start",
                (DB,),
            )
        ]
        if len(pids) >= count:
            return pids
        time.sleep(0.05)
    raise AssertionError("the writer never waited on the lock")


@contextlib.contextmanager
def _holding(server, schema, table):
    """A session reading ``schema.table`` in an open transaction (as QGIS may), until exit."""
    from psycopg import sql

    conn = server.connect(DB, autocommit=False)
    try:
        ident = sql.Identifier(schema, table)
        conn.execute(sql.SQL("LOCK TABLE {} IN ACCESS SHARE MODE").format(ident))
        yield conn
    finally:
        with contextlib.suppress(Exception):
            conn.rollback()
        with contextlib.suppress(Exception):
            conn.close()


def _replaced_inside_transaction(server, pid):
    """Tables the writer has dropped or created so far (it holds them exclusively)."""
    return _query(
        server,
        "SELECT count(*) FROM pg_locks WHERE pid = %s AND locktype = 'relation' "
        "AND mode = 'AccessExclusiveLock'",
        (pid,),
    )[0][0]


@needs_server
def test_writer_killed_in_the_middle_leaves_the_previous_tables(server, url, file_run, db_run):
    kg.write_postgis(file_run, url, schema="putus", run_id="lama")
    before = _snapshot(server, "putus")
    with _holding(server, "putus", "run"):
        thread, outcome = _blocked_writer(db_run, url, "putus", run_id="baru")
        pid = _wait_for_lock_wait(server)[0]
        # units … validation are already replaced inside the writer's transaction
        assert _replaced_inside_transaction(server, pid) >= 2 * (len(kg.database.TABLES) - 1)
        _query(server, "SELECT pg_terminate_backend(%s)", (pid,))
        thread.join(30)
    error = outcome.get("error")
    assert isinstance(error, kg.InputError), outcome
    assert "was lost" in str(error) and "previous tables are as they were" in str(error)
    assert _snapshot(server, "putus") == before
    assert _run_ids(server, "putus") == {"lama"}


@needs_server
def test_server_stopped_in_the_middle_of_a_write(server, url, file_run, db_run):
    kg.write_postgis(file_run, url, schema="mati", run_id="lama")
    before = _snapshot(server, "mati")
    try:
        with _holding(server, "mati", "run"):
            thread, outcome = _blocked_writer(db_run, url, "mati", run_id="baru")
            pid = _wait_for_lock_wait(server)[0]
            assert _replaced_inside_transaction(server, pid) > 0
            server.stop("immediate")  # a crash: no shutdown checkpoint
            thread.join(30)
    finally:
        server.start()
    assert isinstance(outcome.get("error"), kg.InputError), outcome
    assert "previous tables are as they were" in str(outcome["error"])
    assert _snapshot(server, "mati") == before
    assert _run_ids(server, "mati") == {"lama"}


@needs_server
def test_two_runs_into_one_schema_do_not_mix(server, url, file_run, db_run):
    kg.write_postgis(file_run, url, schema="bersama", run_id="awal")
    with _holding(server, "bersama", "run"):
        thread_a, a = _blocked_writer(file_run, url, "bersama", run_id="A")
        _wait_for_lock_wait(server, count=1)
        started = time.perf_counter()
        with pytest.raises(kg.InputError, match="another kotaku_gis run is writing"):
            kg.write_postgis(db_run, url, schema="bersama", lock_timeout=1, run_id="B")
        assert 0.9 <= time.perf_counter() - started < 10
        thread_c, c = _blocked_writer(db_run, url, "bersama", run_id="C")
        _wait_for_lock_wait(server, count=2)  # A waits for the reader, C for A
    thread_a.join(60)
    thread_c.join(60)
    assert "done" in a and "done" in c, (a, c)
    assert _run_ids(server, "bersama") == {"C"}
    assert _query(server, "SELECT run_id FROM bersama.run") == [("C",)]


@needs_server
def test_table_held_open_elsewhere_fails_clearly(server, url, file_run):
    kg.write_postgis(file_run, url, schema="dibaca", run_id="lama")
    before = _snapshot(server, "dibaca")
    with _holding(server, "dibaca", "ledger"):
        with pytest.raises(kg.InputError, match=r"dibaca\.ledger is in use by another session"):
            kg.write_postgis(file_run, url, schema="dibaca", lock_timeout=0.5)
    assert _snapshot(server, "dibaca") == before


@needs_server
def test_no_permission_to_create_the_schema(server, url, file_run):
    observer = server.url(DB, user="pengamat")
    with pytest.raises(kg.InputError, match="'pengamat' may not create schema") as info:
        kg.write_postgis(file_run, observer, schema="milik_pengamat")
    assert "GRANT CREATE ON DATABASE" in str(info.value)
    assert not _query(server, "SELECT 1 FROM pg_namespace WHERE nspname = 'milik_pengamat'")
    # a schema that exists, with a run written by its owner: not pengamat's to replace
    kg.write_postgis(file_run, url, schema="terkunci", run_id="pemilik")
    _query(server, "GRANT USAGE ON SCHEMA terkunci TO pengamat")
    before = _snapshot(server, "terkunci")
    with pytest.raises(kg.InputError, match="'pengamat' lacks the privilege"):
        kg.write_postgis(file_run, observer, schema="terkunci")
    assert _snapshot(server, "terkunci") == before


@needs_server
def test_tables_not_written_by_kotaku_gis_are_never_replaced(server, url, file_run):
    _load_units(server, "milik_kota", 2, geometry_type="Polygon")
    with pytest.raises(kg.InputError, match=r"milik_kota\.units'\], not written by kotaku_gis"):
        kg.write_postgis(file_run, url, schema="milik_kota")
    tables = _query(
        server,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'milik_kota'",
    )
    assert tables == [("units",)]
    assert _query(server, "SELECT count(*) FROM milik_kota.units") == [(2,)]


@needs_server
def test_docs_page_python_examples_run(url, capsys):
    """docs/postgis.md: its Python blocks, in order, against the test database."""
    import re
    import textwrap

    page = (Path(__file__).parents[1] / "docs" / "postgis.md").read_text()
    blocks = [textwrap.dedent(b) for b in re.findall(r"```python\n(.*?)```", page, re.S)]
    assert len(blocks) == 3
    assert blocks[0].count('URL = "postgresql://planner@db.kota.go.id:5432/kumuh"') == 1
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for block in blocks:
            exec(block.replace("postgresql://planner@db.kota.go.id:5432/kumuh", url), namespace)
    assert len(namespace["units"]) == 366 and len(namespace["mataram"]) > 0
    assert namespace["written"].schema == "kotaku"
    assert "wrote run" in capsys.readouterr().out
