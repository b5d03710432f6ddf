"""PostGIS: read units and works from a database, write a run's tables into a schema.

A database source is a SQLAlchemy URL, ``postgresql://user@host:5432/database`` (also
``postgres://`` and ``postgresql+psycopg://``; whatever driver the URL names, psycopg 3 is
used). The password may be in the URL, but is better left to libpq, which reads the standard
``PG*`` environment variables (``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``,
``PGDATABASE``, ``PGPASSFILE``, ...) and ``~/.pgpass`` for whatever the URL leaves out: the URL
``postgresql://`` alone connects to the database the environment names. A password is never
printed: every URL this module shows, writes or puts in an error message has it masked
(``postgresql://user:***@host/db``).

Reading (:func:`kotaku_gis.read_units` and :func:`kotaku_gis.read_interventions` with a URL,
or :func:`read_table`): ``layer`` names a table or view, ``"schema.table"`` or ``"table"``
(looked up along the search path; a name with a dot may be written the SQL way,
``'"my.schema".units'``, with a double quote inside doubled), or is a query starting with
``SELECT`` or ``WITH``. Without a layer the table named ``units`` (or ``interventions``) is
read. The geometry column and its SRID come from PostGIS's ``geometry_columns``; a column
declared without SRID takes the one its rows carry. A geometry without SRID (0), or rows of
several SRIDs, is an :class:`~kotaku_gis.InputError`, as a file without CRS is. A table without
geometry reads as a plain table. Reads run in a read-only transaction.

Writing (:func:`write_postgis`, ``kotaku-gis run --out postgresql://…``): the run's tables go
into one schema (``kotaku`` by default) in one transaction, under an advisory lock on the
schema's name, so a failed or interrupted write leaves the previous tables as they were and two
runs into one schema never mix. Table and column names are quoted identifiers and values are
sent as data (``COPY``), so nothing read from the data becomes SQL.

Needs the ``postgis`` extra: ``pip install 'kotaku-gis[postgis]'`` (SQLAlchemy and psycopg 3).
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .errors import InputError
from .schema import after_column, parse_column

if TYPE_CHECKING:
    from .pipeline import JobResult

__all__ = [
    "TABLES",
    "DatabaseWrite",
    "check_database_url",
    "is_database_url",
    "mask_url",
    "read_table",
    "write_postgis",
]

_INSTALL = "pip install 'kotaku-gis[postgis]'"
_URL_RE = re.compile(r"^\s*postgres(?:ql)?(?:\+[A-Za-z0-9_]+)?://", re.IGNORECASE)
_QUERY_RE = re.compile(r"^\s*\(?\s*(select|with)\b", re.IGNORECASE)
#: ``scheme://user:password@`` anywhere in a text.
_USERINFO_RE = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):(?P<pw>[^@\s]*)@")
#: ``password=…`` in a libpq keyword string or URL query.
_KEYWORD_RE = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|[^\s&]+)", re.I)

#: The tables :func:`write_postgis` writes, in the order it writes them.
TABLES: tuple[str, ...] = (
    "units",
    "remaining",
    "interventions",
    "reductions",
    "summary_kelurahan",
    "summary_kota",
    "ledger",
    "validation",
    "run",
)
#: Every table written carries this comment prefix; a table without it is never replaced.
_MARKER = "kotaku_gis run "
#: First key of the advisory lock (``pg_advisory_xact_lock(int, int)``): "KOTA" in ASCII.
_LOCK_CLASS = 0x4B4F5441
_PG_MAX_IDENT = 63


# ---------------------------------------------------------------- URLs and secrets


def is_database_url(source: object) -> bool:
    """True for a PostgreSQL URL (``postgresql://``, ``postgres://``, ``postgresql+psycopg://``).

    Examples
    --------
    >>> from kotaku_gis.database import is_database_url
    >>> is_database_url("postgresql://kotaku@localhost:5432/gis"), is_database_url("rt.gpkg")
    (True, False)
    """
    return isinstance(source, str) and bool(_URL_RE.match(source))


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***``, fit to print or write.

    The password is whatever stands between the user name's colon and the last ``@`` before
    the host, so a password typed without percent-encoding (with ``:``, ``/``, ``@`` or
    spaces in it) is hidden too; a ``password=`` query option as well.

    Examples
    --------
    >>> from kotaku_gis.database import mask_url
    >>> mask_url("postgresql://planner:s3cret@db.example:5432/kumuh")
    'postgresql://planner:***@db.example:5432/kumuh'
    >>> mask_url("postgresql://planner:p@ss: w/rd@db.example/kumuh")
    'postgresql://planner:***@db.example/kumuh'
    >>> mask_url("postgresql://planner@/kumuh?host=/run/pg&password=s3cret")
    'postgresql://planner@/kumuh?host=/run/pg&password=***'
    """
    url = url.strip()
    raw = _raw_password(url)
    if raw is not None:
        head, rest = url.split("://", 1)
        at = _userinfo_end(rest)
        user = rest[:at].split(":", 1)[0]
        url = f"{head}://{user}:***{rest[at:]}"
    return _KEYWORD_RE.sub(lambda m: f"{m['head']}***", url)


def _userinfo_end(rest: str) -> int:
    """Position of the ``@`` that ends the user information (-1 when there is none)."""
    query = rest.find("?")
    return rest.rfind("@", 0, query if query >= 0 else len(rest))


def _raw_password(url: str) -> str | None:
    """The password as written in the URL (not decoded), or None."""
    if "://" not in url:
        return None
    rest = url.split("://", 1)[1]
    at = _userinfo_end(rest)
    if at < 0 or ":" not in rest[:at]:
        return None
    return rest[:at].split(":", 1)[1]


def _mask_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """A message with any URL password, ``password=`` option or known secret hidden."""
    text = _USERINFO_RE.sub(lambda m: f"{m['head']}:***@", text)
    text = _KEYWORD_RE.sub(lambda m: f"{m['head']}***", text)
    from urllib.parse import quote

    for secret in secrets:
        # very short secrets would garble the message; they are masked in URLs above
        if secret and len(secret) >= 4:
            for form in {secret, quote(secret, safe=""), quote(secret)}:
                text = text.replace(form, "***")
    return text


def _modules() -> tuple[Any, Any]:
    try:
        import psycopg
        import sqlalchemy
    except ImportError:
        raise InputError(
            f"reading from or writing to PostGIS needs SQLAlchemy and psycopg 3: {_INSTALL}"
        ) from None
    return sqlalchemy, psycopg


@dataclass(frozen=True)
class _Target:
    """A database to connect to: the URL for SQLAlchemy, psycopg's arguments, what to show."""

    url: Any  # sqlalchemy.engine.URL, driver psycopg
    shown: str
    secrets: tuple[str, ...]

    def mask(self, text: object) -> str:
        return _mask_text(str(text), self.secrets)

    def connect_args(self) -> dict[str, Any]:
        """libpq options this module adds unless the URL or the environment sets them."""
        extra: dict[str, Any] = {}
        if "application_name" not in self.url.query and "PGAPPNAME" not in os.environ:
            extra["application_name"] = "kotaku_gis"
        if "connect_timeout" not in self.url.query and "PGCONNECT_TIMEOUT" not in os.environ:
            extra["connect_timeout"] = 10
        return extra


def _target(url: str) -> _Target:
    sa, _ = _modules()
    shown = mask_url(url)
    if "@" in (_raw_password(url.strip()) or ""):
        raise InputError(
            f"{shown}: the password holds an '@' that is not percent-encoded; write it as %40 "
            "(or leave the password out of the URL: PGPASSWORD or ~/.pgpass)."
        )
    try:
        parsed = sa.engine.make_url(url.strip())
    except Exception:
        raise InputError(
            f"{shown} is not a database URL; write it as postgresql://user@host:5432/database."
        ) from None
    parsed = parsed.set(drivername="postgresql+psycopg")
    secrets = tuple(x for x in (_raw_password(url.strip()), parsed.password) if x)
    return _Target(url=parsed, shown=shown, secrets=secrets)


def check_database_url(url: str) -> None:
    """Raise :class:`~kotaku_gis.InputError` unless ``url`` parses and the drivers are installed.

    Nothing is connected to: this is the check a run makes before any work.

    Examples
    --------
    >>> from kotaku_gis.database import check_database_url
    >>> check_database_url("postgresql://planner@localhost:5432/kumuh")
    """
    _target(url)


def _driver_error(err: BaseException) -> BaseException:
    """The psycopg error inside a SQLAlchemy or pandas wrapper."""
    seen = 0
    while seen < 5:
        inner = getattr(err, "orig", None) or err.__cause__
        if inner is None or inner is err:
            break
        err, seen = inner, seen + 1
    return err


def _message(target: _Target, err: BaseException) -> str:
    err = _driver_error(err)
    diag = getattr(err, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or str(err).strip() or type(err).__name__
    detail = getattr(diag, "message_detail", None) if diag is not None else None
    if detail:
        text = f"{text} ({detail})"
    return target.mask(" ".join(text.split()))


def _sqlstate(err: BaseException) -> str | None:
    return getattr(_driver_error(err), "sqlstate", None)


_CONNECT_HINT = (
    "Check the host, port and database in the URL, that the server is running and accepts "
    "connections, and the user and password (in the URL, the PG* environment variables or "
    "~/.pgpass)."
)


def _connect(target: _Target) -> Any:
    """A psycopg connection (not autocommit) to the target."""
    _, psycopg = _modules()
    from sqlalchemy.dialects.postgresql.psycopg import dialect

    cargs, cparams = dialect().create_connect_args(target.url)
    try:
        return psycopg.connect(*cargs, **{**target.connect_args(), **cparams})
    except psycopg.Error as err:
        raise InputError(
            f"cannot connect to {target.shown}: {_message(target, err)}. {_CONNECT_HINT}"
        ) from None


@contextmanager
def _engine(target: _Target) -> Iterator[Any]:
    sa, _ = _modules()
    from sqlalchemy.pool import NullPool

    engine = sa.create_engine(target.url, poolclass=NullPool, connect_args=target.connect_args())
    try:
        yield engine
    finally:
        engine.dispose()


# ---------------------------------------------------------------- names


def show_ident(name: str) -> str:
    """A schema or table name as psql would print it: bare when it is a plain lower-case word.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> from kotaku_gis.database import show_ident
    >>> show_ident("kotaku"), show_ident("Kota Mataram")
    ('kotaku', '"Kota Mataram"')
    """
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def _show_table(schema: str, table: str) -> str:
    return f"{show_ident(schema)}.{show_ident(table)}"


def _split_layer(layer: str) -> tuple[str | None, str]:
    """``"schema.table"`` → (schema, table); quoted parts keep dots and doubled quotes.

    An unquoted part is taken as written (no case folding), up to the first dot.
    """
    parts: list[str] = []
    i, text = 0, layer.strip()
    while i <= len(text):
        if i < len(text) and text[i] == '"':
            j, buf = i + 1, []
            while True:
                k = text.find('"', j)
                if k < 0:
                    raise InputError(f"layer {layer!r}: a double quote is not closed.")
                buf.append(text[j:k])
                if text[k + 1 : k + 2] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                break
            parts.append("".join(buf))
            i = k + 1
            if i < len(text) and text[i] != ".":
                raise InputError(
                    f"layer {layer!r}: expected a dot after the quoted name {parts[-1]!r}."
                )
        else:
            j = text.find(".", i) if not parts else -1
            j = len(text) if j < 0 else j
            parts.append(text[i:j])
            i = j
        i += 1
        if len(parts) == 2:
            break
    if i < len(text) or not parts[-1] or len(parts) > 2 or (len(parts) == 2 and not parts[0]):
        raise InputError(
            f"layer {layer!r} is not a table name; write it as 'schema.table' or 'table'."
        )
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])


# ---------------------------------------------------------------- reading


def _postgis_schema(conn: Any) -> str | None:
    return conn.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'postgis'"
    ).scalar()


def _relations(conn: Any) -> pd.DataFrame:
    """Tables, views and foreign tables a user may read, with their search-path rank."""
    rows = conn.exec_driver_sql(
        "SELECT c.oid, n.nspname, c.relname, "
        "array_position(current_schemas(false), n.nspname::text) AS rank "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%' "
        "ORDER BY n.nspname, c.relname"
    ).fetchall()
    return pd.DataFrame(rows, columns=["oid", "schema", "table", "rank"])


def _find_table(
    rels: pd.DataFrame, schema: str | None, table: str, what: str, target: _Target
) -> tuple[int, str, str]:
    """The relation a layer names: exact first, then ignoring case when that is unique."""
    for exact in (True, False):
        if exact:
            hit = rels["table"] == table
            if schema is not None:
                hit &= rels["schema"] == schema
        else:
            hit = rels["table"].str.lower() == table.lower()
            if schema is not None:
                hit &= rels["schema"].str.lower() == schema.lower()
        found = rels[hit]
        if schema is None:
            found = found[found["rank"].notna()].sort_values("rank")
            if len(found):
                found = found.iloc[:1]
        if len(found) == 1:
            row = found.iloc[0]
            return int(row["oid"]), str(row["schema"]), str(row["table"])
        if len(found) > 1 and not exact:
            names = [
                _show_table(s, t) for s, t in zip(found["schema"], found["table"], strict=True)
            ]
            raise InputError(
                f"{target.shown}: layer {table!r} matches {names} when case is ignored; "
                "name it exactly."
            )
    listed = [
        _show_table(s, t)
        for s, t in zip(rels["schema"], rels["table"], strict=True)
        if s not in ("topology", "tiger", "tiger_data")
        and t not in ("spatial_ref_sys", "geometry_columns", "geography_columns")
    ]
    more = f" … and {len(listed) - 40} more" if len(listed) > 40 else ""
    wanted = table if schema is None else _show_table(schema, table)
    where = "" if schema is not None else " on the search path"
    return_hint = (
        f"its tables are {listed[:40]}{more}" if listed else "it holds no tables you may read"
    )
    raise InputError(
        f"{target.shown} has no table {wanted!r}{where} for the {what}; {return_hint}. "
        "Pass layer='schema.table', or a query layer='SELECT …'."
    )


def _geometry_columns(conn: Any, postgis: str | None, oid: int) -> list[tuple[str, int]]:
    """(name, declared SRID) of each geometry or geography column, in column order."""
    if postgis is None:
        return []
    from psycopg import sql

    q = sql.SQL(
        "SELECT a.attname, COALESCE(g.srid, gg.srid, 0) "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN {gc} g ON g.f_table_schema = n.nspname AND g.f_table_name = c.relname "
        "AND g.f_geometry_column = a.attname "
        "LEFT JOIN {gg} gg ON gg.f_table_schema = n.nspname AND gg.f_table_name = c.relname "
        "AND gg.f_geography_column = a.attname "
        "WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped "
        "AND t.typname IN ('geometry', 'geography') ORDER BY a.attnum"
    ).format(
        gc=sql.Identifier(postgis, "geometry_columns"),
        gg=sql.Identifier(postgis, "geography_columns"),
    )
    rows = _run(conn, q, {"oid": oid}).fetchall()
    return [(str(name), int(srid or 0)) for name, srid in rows]


def _primary_key(conn: Any, oid: int) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %(oid)s AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        {"oid": oid},
    ).fetchall()
    return [str(r[0]) for r in rows]


def _rendered(conn: Any, query: Any) -> str:
    """A psycopg composed query as text (identifiers quoted by the server's rules)."""
    return query.as_string(conn.connection.driver_connection)


def _run(conn: Any, query: Any, params: dict[str, Any] | None = None) -> Any:
    return conn.exec_driver_sql(_rendered(conn, query), params or {})


def _text(query: str) -> Any:
    """A SQLAlchemy text clause that takes no bind parameters: every colon is literal."""
    sa, _ = _modules()
    return sa.text(query.replace(":", "\\:"))


def _query_geometry_columns(conn: Any, postgis: str | None, body: str) -> list[str]:
    """Geometry and geography columns of a query's result, from the types of its columns."""
    if postgis is None:
        return []
    oids = {
        int(r[0])
        for r in conn.exec_driver_sql(
            "SELECT oid FROM pg_type WHERE typname IN ('geometry', 'geography')"
        ).fetchall()
    }
    result = conn.execute(_text(f"SELECT * FROM (\n{body}\n) AS kotaku_query LIMIT 0"))
    cols = [(d.name, d.type_code) for d in result.cursor.description]
    result.close()
    return [name for name, oid in cols if oid in oids]


def _data_srids(conn: Any, postgis: str, relation: str, column: str) -> dict[int, int]:
    from psycopg import sql

    q = sql.SQL(
        "SELECT {fn}({col}::{geom}), count(*) FROM {rel} WHERE {col} IS NOT NULL GROUP BY 1"
    ).format(
        fn=sql.Identifier(postgis, "st_srid"),
        col=sql.Identifier(column),
        geom=sql.Identifier(postgis, "geometry"),
        rel=sql.SQL(relation),
    )
    rows = conn.execute(_text(_rendered(conn, q))).fetchall()
    return {int(srid): int(n) for srid, n in rows}


def _crs_of_srid(conn: Any, postgis: str, srid: int, name: str) -> pyproj.CRS:
    from psycopg import sql

    q = sql.SQL(
        "SELECT auth_name, auth_srid, srtext, proj4text FROM {t} WHERE srid = %(srid)s"
    ).format(t=sql.Identifier(postgis, "spatial_ref_sys"))
    row = _run(conn, q, {"srid": srid}).fetchone()
    if row is None:
        raise InputError(
            f"{name}: SRID {srid} is not in the database's spatial_ref_sys, so its coordinates "
            "cannot be placed. Set the right SRID on the column (ST_SetSRID), or read a query "
            "that transforms it (ST_Transform(geom, 4326))."
        )
    auth, code, srtext, proj4 = row
    try:
        if auth and str(auth).upper() == "EPSG" and code:
            return pyproj.CRS.from_epsg(int(code))
        return pyproj.CRS.from_user_input(srtext or proj4)
    except pyproj.exceptions.CRSError as err:
        raise InputError(f"{name}: SRID {srid} is not a usable coordinate system: {err}") from None


def _resolve_crs(
    conn: Any,
    postgis: str,
    relation: str,
    column: str,
    declared: int,
    name: str,
) -> pyproj.CRS | None:
    """The CRS of a geometry column: its declared SRID, else the one SRID its rows carry."""
    srid = declared
    if srid == 0:
        counts = _data_srids(conn, postgis, relation, column)
        if not counts:
            return None
        if 0 in counts:
            raise InputError(
                f"{name}: {counts[0]} geometries of column {column!r} have no SRID (0), so "
                "their coordinate system is unknown, as for a file without CRS. Set it in the "
                "database (UPDATE … SET geom = ST_SetSRID(geom, 4326), or ALTER TABLE … ALTER "
                "COLUMN geom TYPE geometry(MultiPolygon, 4326) USING ST_SetSRID(geom, 4326)), "
                "or read a query that sets it: layer='SELECT …, ST_SetSRID(geom, 4326) AS geom "
                "FROM …'."
            )
        if len(counts) > 1:
            raise InputError(
                f"{name}: column {column!r} mixes SRIDs {sorted(counts)}; transform the rows "
                "to one (ST_Transform) or read them with a query that does."
            )
        srid = next(iter(counts))
    return _crs_of_srid(conn, postgis, srid, name)


def read_table(url: str, *, layer: str | None = None, what: str = "units") -> pd.DataFrame:
    """Read a table, view or query from PostgreSQL as it is (no validation).

    :func:`kotaku_gis.read_units` and :func:`kotaku_gis.read_interventions` read a database
    URL through this, then treat the frame as they treat a file's layer.

    Parameters
    ----------
    url : str
        ``postgresql://user@host:5432/database``; credentials the URL omits come from the
        ``PG*`` environment variables or ``~/.pgpass``.
    layer : str, optional
        ``"schema.table"``, ``"table"`` (on the search path), or a query starting with
        ``SELECT`` or ``WITH``. Default: the table named ``what``.
    what : str
        ``"units"`` or ``"interventions"``: the default table, and the word in messages.

    Returns
    -------
    DataFrame or GeoDataFrame
        The rows, ordered by the primary key when the table has one; the geometry column is
        named ``geometry`` and has the CRS of its SRID. ``attrs["source"]`` names the table
        and the database, with the password masked.

    Raises
    ------
    InputError
        No connection, an unknown table (the message lists the tables), a failing query,
        several geometry columns, or geometries without SRID or of several SRIDs.

    Examples
    --------
    >>> from kotaku_gis.database import read_table
    >>> read_table("postgresql://nobody:secret@127.0.0.1:1/none", layer="x")
    Traceback (most recent call last):
    ...
    kotaku_gis.errors.InputError: cannot connect to postgresql://nobody:***@127.0.0.1:1/none: ...
    """
    frame, name = read_source(url, layer, what)
    frame.attrs["source"] = name
    return frame


def read_source(url: str, layer: object, what: str) -> tuple[pd.DataFrame, str]:
    """(frame, name for reports) of a database layer: what the readers call for a URL."""
    target = _target(url)
    from psycopg import sql

    if layer is not None and not isinstance(layer, str):
        raise InputError(
            f"{target.shown}: a database layer is a table name or a query, not {layer!r}."
        )
    sa, psycopg = _modules()
    with _engine(target) as engine:
        try:
            conn = engine.connect()
        except Exception as err:
            raise InputError(
                f"cannot connect to {target.shown}: {_message(target, err)}. {_CONNECT_HINT}"
            ) from None
        try:
            with conn:
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                return _read(conn, target, layer, what, sql)
        except InputError:
            raise
        except Exception as err:
            if isinstance(_driver_error(err), psycopg.Error | sa.exc.SQLAlchemyError):
                raise InputError(
                    f"cannot read the {what} from {target.shown}: {_message(target, err)}"
                ) from None
            raise


def _read(
    conn: Any, target: _Target, layer: str | None, what: str, sql: Any
) -> tuple[pd.DataFrame, str]:
    postgis = _postgis_schema(conn)
    if layer is not None and _QUERY_RE.match(layer):
        body = layer.strip().rstrip(";").strip()
        name = f"query in {target.shown}"
        geoms = _query_geometry_columns(conn, postgis, body)
        declared = 0
        relation = f"(\n{body}\n) AS kotaku_query"  # a closing -- comment stays closed
        select = f"SELECT * FROM {relation}"
    else:
        schema, table = _split_layer(layer) if layer is not None else (None, what)
        oid, schema, table = _find_table(_relations(conn), schema, table, what, target)
        name = f"table {_show_table(schema, table)} in {target.shown}"
        cols = _geometry_columns(conn, postgis, oid)
        geoms = [c for c, _ in cols]
        declared = cols[0][1] if cols else 0
        relation = _rendered(conn, sql.Identifier(schema, table))
        order = _primary_key(conn, oid)
        query = sql.SQL("SELECT * FROM {rel}").format(rel=sql.Identifier(schema, table))
        if order:
            query += sql.SQL(" ORDER BY {}").format(sql.SQL(", ").join(map(sql.Identifier, order)))
        select = _rendered(conn, query)
    if len(geoms) > 1:
        raise InputError(
            f"{name} has geometry columns {geoms}; read the one that holds the "
            f"{what} with a query, e.g. layer='SELECT <columns>, {geoms[0]} FROM …'."
        )
    if not geoms:
        frame = pd.read_sql(_text(select), conn)
        return frame, name
    assert postgis is not None
    column = geoms[0]
    crs = _resolve_crs(conn, postgis, relation, column, declared, name)
    frame = gpd.read_postgis(_text(select), conn, geom_col=column, crs=crs)
    values = np.asarray(frame.geometry.array, dtype=object)
    frame[column] = gpd.GeoSeries(shapely.set_srid(values, 0), index=frame.index, crs=crs)
    if column != "geometry" and "geometry" not in frame.columns:
        frame = frame.rename_geometry("geometry")
    if crs is None and frame.geometry.notna().any():
        raise InputError(f"{name}: column {column!r} has no SRID; set it in the database.")
    return frame, name


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class DatabaseWrite:
    """What :func:`write_postgis` wrote: where, which run, and the rows of each table."""

    url: str
    schema: str
    run_id: str
    tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        rows = ", ".join(f"{t} ({n})" for t, n in self.tables.items())
        return (
            f"wrote run {self.run_id} into schema {show_ident(self.schema)} of {self.url}: {rows}"
        )


@dataclass
class _Table:
    name: str
    run_id: str
    columns: list[tuple[str, str]]  # (column name, SQL type)
    values: list[list[Any]]  # one list per column, None for missing
    geometry: str | None = None  # its column name
    unique: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return len(self.values[0]) if self.values else 0


def _scalar_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and bool(np.isnan(v))


def _column_values(series: pd.Series) -> tuple[str, list[Any]]:
    """(SQL type, values with None for missing) of one column."""
    dtype = series.dtype
    missing = series.isna().to_numpy()
    if isinstance(dtype, pd.CategoricalDtype):
        series = series.astype(object)
        dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        out = [bool(v) for v in series.to_numpy(dtype=object, na_value=False)]
        return "boolean", [None if m else v for v, m in zip(out, missing, strict=True)]
    if pd.api.types.is_integer_dtype(dtype):
        kind = "numeric" if str(dtype).lower().startswith("uint64") else "bigint"
        vals = series.to_numpy(dtype=object, na_value=None).tolist()
        return kind, [None if m else int(v) for v, m in zip(vals, missing, strict=True)]
    if pd.api.types.is_float_dtype(dtype):
        arr = series.to_numpy(dtype=float, na_value=np.nan)
        vals = arr.tolist()
        nan = np.isnan(arr)
        return "double precision", [None if m else v for v, m in zip(vals, nan, strict=True)]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        kind = "timestamptz" if getattr(dtype, "tz", None) is not None else "timestamp"
        vals = [None if m else v.isoformat() for v, m in zip(series.tolist(), missing, strict=True)]
        return kind, vals
    vals = series.to_numpy(dtype=object).tolist()
    for i in np.flatnonzero(missing):
        vals[i] = None
    # Text columns hold str already; other objects (ids as numbers, tuples) become text.
    other = np.fromiter((type(v) is not str for v in vals), bool, len(vals)) & ~missing
    for i in np.flatnonzero(other):
        vals[i] = None if _scalar_missing(vals[i]) else _text_value(vals[i])
    return "text", vals


def _text_value(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return repr(v)
    return str(v)


_GEOM_FAMILY = {
    1: "Point", 4: "Point", 2: "LineString", 5: "LineString", 3: "Polygon", 6: "Polygon"
}  # fmt: skip
_MULTI = {"Point": 4, "LineString": 5, "Polygon": 6}


def _geometry_values(geoms: np.ndarray, srid: int) -> tuple[str, list[Any]]:
    """(SQL type, hex EWKB or None) for a geometry column: one type where the rows allow it.

    Rows of one family (polygons, lines or points) share its type; single and multi parts
    together are written as multi. Empty geometries are kept (as empty multi-parts when the
    column is typed); other mixes go in a ``geometry`` column of any type.
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    present = ~shapely.is_missing(geoms)
    empty = present & shapely.is_empty(geoms)
    full = present & ~empty
    types = set(shapely.get_type_id(geoms[full]).tolist())
    families = {_GEOM_FAMILY.get(t) for t in types}
    has_z = bool(shapely.has_z(geoms[full]).any())
    if len(families) == 1 and None not in families and not has_z:
        family = families.pop()
        single = {"Point": 1, "LineString": 2, "Polygon": 3}[family]
        multi_needed = _MULTI[family] in types or bool(empty.any())
        if multi_needed:
            singles = np.flatnonzero(full & (shapely.get_type_id(geoms) == single))
            if len(singles):
                maker = {
                    "Point": shapely.multipoints,
                    "LineString": shapely.multilinestrings,
                    "Polygon": shapely.multipolygons,
                }[family]
                geoms[singles] = maker(geoms[singles], indices=np.arange(len(singles)))
            empty_multi = {
                "Point": shapely.MultiPoint(),
                "LineString": shapely.MultiLineString(),
                "Polygon": shapely.MultiPolygon(),
            }[family]
            for i in np.flatnonzero(empty):
                geoms[i] = empty_multi
            kind = f"Multi{family}"
        else:
            kind = family
    else:  # several families, collections, 3D, or no geometry at all
        kind = "Geometry"
    hexes = shapely.to_wkb(shapely.set_srid(geoms, srid), hex=True, include_srid=True)
    return f"geometry({kind}, {srid})", [None if h is None else str(h) for h in hexes]


def _srid_of(crs: Any) -> tuple[int, pyproj.CRS | None]:
    if crs is None:
        return 0, None
    crs = pyproj.CRS.from_user_input(crs)
    code = crs.to_epsg()
    return (int(code), crs) if code else (0, crs)


def _table_name(raw: Any, i: int, *, room: int = 0) -> str:
    """A column or index name PostgreSQL keeps as it is: no NUL, at most 63 bytes."""
    name = str(raw).replace("\x00", "") if raw is not None else ""
    name = name or f"column_{i}"
    limit = _PG_MAX_IDENT - room
    encoded = name.encode("utf-8")
    if len(encoded) > limit:
        name = encoded[:limit].decode("utf-8", errors="ignore")
    return name


def _make_table(
    name: str,
    frame: pd.DataFrame,
    run_id: str,
    *,
    unique: tuple[str, ...] = (),
    notes: list[str],
) -> _Table:
    """A frame as a table: ``fid`` (1…n, the primary key), ``run_id``, its columns, ``geom``."""
    geometry_name = None
    if isinstance(frame, gpd.GeoDataFrame) and frame.active_geometry_name is not None:
        geometry_name = frame.geometry.name
    columns: list[tuple[str, str]] = [("fid", "bigint"), ("run_id", "text NOT NULL")]
    values: list[list[Any]] = [list(range(1, len(frame) + 1)), [run_id] * len(frame)]
    taken = {"fid", "run_id", "geom"}
    for i, col in enumerate(frame.columns):
        if col == geometry_name:
            continue
        series = frame.iloc[:, i]
        if isinstance(series.dtype, gpd.array.GeometryDtype):
            series = gpd.GeoSeries(series).to_wkt()
        out = base = _table_name(col, i)
        k = 1
        while out in taken:  # one of ours, or two names alike once cut to 63 bytes
            suffix = "_input" if k == 1 else f"_input{k}"
            out = _table_name(base, i, room=len(suffix.encode())) + suffix
            k += 1
        if out != str(col):
            notes.append(f"{name}: column {str(col)!r} written as {out!r}")
        taken.add(out)
        kind, vals = _column_values(series)
        columns.append((out, kind))
        values.append(vals)
    geom = None
    if geometry_name is not None:
        srid, crs = _srid_of(frame.crs)
        geoms = np.asarray(frame.geometry.array, dtype=object)
        if srid == 0 and crs is not None:
            geoms = np.asarray(frame.geometry.to_crs(4326).array, dtype=object)
            srid = 4326
            notes.append(f"{name}: coordinates transformed to EPSG:4326 (no EPSG code for {crs})")
        if srid == 0 and (~shapely.is_missing(geoms)).any():
            raise InputError(f"the {name} table has geometries without CRS; set it first.")
        kind, vals = _geometry_values(geoms, srid or 4326)
        columns.append(("geom", kind))
        values.append(vals)
        geom = "geom"
    unique = tuple(u for u in unique if u in dict(columns))
    return _Table(name, run_id, columns, values, geometry=geom, unique=unique)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A named index (a summary's groups) as columns, then a fresh index."""
    if any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    frame = frame.reset_index(drop=True)
    frame.attrs = {}  # reports would otherwise be deep-copied with every column taken out
    return frame


def _units_table(result: JobResult) -> pd.DataFrame:
    """The units with their baseline assessment, and the after-works one suffixed ``_after``."""
    base, after = result.baseline, result.after
    added = [c for c in after.columns if c not in result.units.columns]
    out = base.copy()
    for col in added:
        reduction = parse_column(col).prefix == "reduction"
        name = col if reduction or col not in base.columns else after_column(col)
        out[name] = after[col].reindex(base.index)
    return out


def _manifest(result: JobResult, run_id: str, written_at: datetime, notes: list[str]) -> dict:
    described = result.describe()
    return {
        "run_id": run_id,
        "kotaku_gis": described.pop("kotaku_gis"),
        "written_at": written_at.isoformat(timespec="seconds"),
        **described,
        "notes": notes,
        "tables": list(TABLES),
    }


def _run_frame(manifest: dict) -> pd.DataFrame:
    row: dict[str, Any] = {
        "written_at": pd.Timestamp(manifest["written_at"]),
        "kotaku_gis": manifest["kotaku_gis"],
        "year": manifest["year"],
        "ruleset": manifest["ruleset"],
        "what_if": manifest["what_if"],
        "units_source": manifest["inputs"]["units"],
        "interventions_source": manifest["inputs"]["interventions"],
    }
    row.update(manifest["headline"])
    row.update({f"reconciliation_{k}": v for k, v in manifest["reconciliation"].items()})
    row["manifest"] = json.dumps(manifest, ensure_ascii=False)
    frame = pd.DataFrame([row])
    frame["year"] = frame["year"].astype("Int64")
    frame["ruleset"] = frame["ruleset"].astype(object)
    return frame


def _tables(result: JobResult, run_id: str) -> tuple[list[_Table], dict]:
    from .validation_report import issues_table

    notes: list[str] = []
    written_at = datetime.now(UTC)
    frames: list[tuple[str, pd.DataFrame, tuple[str, ...]]] = [
        ("units", _units_table(result), ("unit_id",)),
        ("remaining", result.remaining_layer(), ("unit_id",)),
        ("interventions", result.interventions, ()),
        ("reductions", result.reductions, ()),
        *[(n, f, ()) for n, f in result.summary_tables().items()],
        ("ledger", result.ledger, ("year",)),
        ("validation", issues_table(result.reports), ()),
    ]
    tables = [
        _make_table(name, _plain(frame), run_id, unique=unique, notes=notes)
        for name, frame, unique in frames
    ]
    manifest = _manifest(result, run_id, written_at, notes)
    run = _make_table("run", _run_frame(manifest), run_id, notes=[])
    run.columns = [(c, "jsonb" if c == "manifest" else k) for c, k in run.columns]
    tables.append(run)
    return tables, manifest


class _Stage:
    """What the write is doing, to say which step failed."""

    def __init__(self) -> None:
        self.now = "connecting"
        self.table: str | None = None


def write_postgis(
    result: JobResult,
    url: str,
    *,
    schema: str = "kotaku",
    lock_timeout: float = 60.0,
    run_id: str | None = None,
) -> DatabaseWrite:
    """Write a run's tables into a PostGIS schema, all or nothing.

    Tables (each with ``fid`` 1…n as its primary key and the ``run_id`` column; geometry in
    ``geom`` with its SRID and a GiST index):

    - ``units``: every unit with its inputs, its baseline ``pct_``/``score_``/``avg_``,
      ``total_score``, ``level`` and ``level_source``, the same after works suffixed ``_after``,
      and ``reduction_<code>``;
    - ``remaining``: the unserved part of each unit (``area_ha``, ``covered_ha``,
      ``remaining_ha``, ``total_score`` and ``level_after``), as ``remaining.gpkg``;
    - ``interventions`` (the works as read), ``reductions`` (the audit trail),
      ``summary_kelurahan``, ``summary_kota``, ``ledger``, ``validation`` (every report entry);
    - ``run``: one row saying which run wrote the tables (``run_id``, ``written_at``, version,
      year, ruleset, sources with passwords masked, headline figures, reconciliation, and the
      whole ``manifest`` as JSON, the same as ``run.json``).

    The write is one transaction holding an advisory lock on the schema's name: a second run
    into the same schema waits for it (up to ``lock_timeout`` seconds, then fails clearly),
    and a failed or interrupted write leaves the previous tables as they were. The tables of
    the previous run are replaced; a table of the same name that this library did not write
    is never touched (the write stops and says so).

    Parameters
    ----------
    result : JobResult
        What :func:`kotaku_gis.pipeline.run_job` returned.
    url : str
        ``postgresql://user@host:5432/database``; credentials the URL omits come from the
        ``PG*`` environment variables or ``~/.pgpass``.
    schema : str, default "kotaku"
        Created when missing (the role needs ``CREATE`` on the database; otherwise name a
        schema it may create tables in).
    lock_timeout : float, default 60
        Seconds to wait for another run into the schema, or for a session (QGIS, psql) that
        holds one of the tables open.
    run_id : str, optional
        The run's identifier; default a new UUID.

    Returns
    -------
    DatabaseWrite
        The masked URL, schema, run id, rows per table and seconds taken.

    Raises
    ------
    InputError
        No connection, no permission, PostGIS missing, another run holding the schema, a
        table of that name not written by this library; nothing is then changed.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> from kotaku_gis.pipeline import run_job
    >>> sample = kg.datasets.get_path("ntb_sample")
    >>> res = run_job(sample, sample, year=2023)
    >>> kg.write_postgis(res, "postgresql://planner:secret@127.0.0.1:1/kumuh")
    Traceback (most recent call last):
    ...
    kotaku_gis.errors.InputError: cannot connect to postgresql://planner:***@127.0.0.1:1/kumuh: ...
    """
    target = _target(url)
    if not isinstance(schema, str) or not schema or "\x00" in schema:
        raise InputError(f"schema must be a non-empty name, not {schema!r}.")
    if len(schema.encode("utf-8")) > _PG_MAX_IDENT:
        raise InputError(f"schema name {schema!r} is longer than PostgreSQL's 63 bytes.")
    if not (np.isfinite(lock_timeout) and lock_timeout > 0):
        raise InputError(f"lock_timeout must be a positive number of seconds, not {lock_timeout}.")
    run_id = run_id or uuid.uuid4().hex
    start = time.perf_counter()
    tables, manifest = _tables(result, run_id)
    stage = _Stage()
    _, psycopg = _modules()
    conn = _connect(target)
    try:
        with conn:
            _write(conn, tables, schema, lock_timeout, stage)
            stage.now = "committing"
    except InputError:
        raise
    except psycopg.Error as err:
        raise _write_error(target, schema, stage, lock_timeout, err, run_id) from None
    finally:
        conn.close()
    return DatabaseWrite(
        url=target.shown,
        schema=schema,
        run_id=run_id,
        tables={t.name: t.rows for t in tables},
        seconds=time.perf_counter() - start,
        notes=tuple(manifest["notes"]),
    )


def _write_error(
    target: _Target,
    schema: str,
    stage: _Stage,
    lock_timeout: float,
    err: BaseException,
    run_id: str,
) -> InputError:
    state = _sqlstate(err)
    msg = _message(target, err)
    where = f"schema {show_ident(schema)} of {target.shown}"
    kept = "Nothing was written: the schema's previous tables are as they were."
    table = f"table {_show_table(schema, stage.table)}" if stage.table else where
    if stage.now == "committing":
        return InputError(
            f"the connection to {target.shown} failed while committing the run ({msg}). The "
            f"write may or may not have been committed: look for run_id {run_id!r} in "
            f"{_show_table(schema, 'run')}."
        )
    if state == "55P03" and stage.now == "locking":
        return InputError(
            f"another kotaku_gis run is writing into {where} and did not finish within "
            f"{lock_timeout:g} s; try again when it has finished, or write into another "
            f"schema. {kept}"
        )
    if state == "55P03":
        return InputError(
            f"{table} is in use by another session (an open transaction in QGIS or psql?) and "
            f"could not be replaced within {lock_timeout:g} s. {kept}"
        )
    if state == "42501":
        user = target.url.username or os.environ.get("PGUSER") or "this role"
        if stage.now == "creating schema":
            what = (
                f"role {user!r} may not create schema {show_ident(schema)} ({msg}). Ask the "
                f"database owner for GRANT CREATE ON DATABASE, or pass a schema you may create "
                "tables in (schema=…, --schema)."
            )
        else:
            what = (
                f"role {user!r} lacks the privilege to write {table} ({msg}). Ask for it "
                "(GRANT CREATE ON SCHEMA …, or ownership of the tables), or write into "
                "another schema."
            )
        return InputError(f"{what} {kept}")
    if state == "2BP01":
        return InputError(
            f"{table} cannot be replaced: other objects depend on it ({msg}). Drop or move "
            f"them (views on the run's tables belong in another schema). {kept}"
        )
    if state is None or state.startswith("08") or state.startswith("57"):
        return InputError(
            f"the connection to {target.shown} was lost while {stage.now} {table} ({msg}). "
            f"The transaction was not committed. {kept}"
        )
    return InputError(f"writing {table} failed while {stage.now}: {msg}. {kept}")


def _write(conn: Any, tables: list[_Table], schema: str, lock_timeout: float, stage: _Stage):
    from psycopg import sql

    cur = conn.cursor()
    stage.now = "locking"
    cur.execute("SELECT set_config('lock_timeout', %s, true)", (f"{int(lock_timeout * 1000)}ms",))
    cur.execute(
        "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK_CLASS, f"kotaku_gis:{schema}")
    )
    stage.now = "looking for PostGIS in"
    cur.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'postgis'"
    )
    row = cur.fetchone()
    if row is None and any(t.geometry for t in tables):
        raise InputError(
            "PostGIS is not installed in this database; ask its owner to run "
            "CREATE EXTENSION postgis (the geometry needs it). Nothing was written."
        )
    postgis = row[0] if row else None
    cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
    if cur.fetchone() is None:
        stage.now = "creating schema"
        cur.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    stage.now = "reading the previous run of"
    cur.execute(
        "SELECT c.relname, c.relkind, obj_description(c.oid, 'pg_class') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'p', 'f')",
        (schema,),
    )
    existing = {name: (kind, comment) for name, kind, comment in cur.fetchall()}
    ours = {
        n for n, (k, c) in existing.items() if k in ("r", "p") and (c or "").startswith(_MARKER)
    }
    names = [t.name for t in tables]
    foreign = [n for n in names if n in existing and n not in ours]
    if foreign:
        raise InputError(
            f"schema {show_ident(schema)} already holds "
            f"{[_show_table(schema, n) for n in foreign]}, not written by kotaku_gis; they "
            "are left alone. Write into another schema (schema=…, --schema), or drop or "
            "rename those tables yourself. Nothing was written."
        )
    stale = _previous_tables(cur, schema, ours) - set(names)
    for name in sorted(stale & ours):
        stage.now, stage.table = "dropping", name
        cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(schema, name)))
    for table in tables:
        stage.table = table.name
        _write_table(cur, schema, table, postgis, stage, replace=table.name in ours)
    stage.table = None


def _previous_tables(cur: Any, schema: str, ours: set[str]) -> set[str]:
    """Tables the previous run listed in its ``run`` table."""
    from psycopg import sql

    if "run" not in ours:
        return set()
    cur.execute(sql.SQL("SELECT manifest FROM {} LIMIT 1").format(sql.Identifier(schema, "run")))
    row = cur.fetchone()
    listed = (row[0] or {}).get("tables", []) if row and isinstance(row[0], dict) else []
    return {n for n in listed if isinstance(n, str)}


def _write_table(
    cur: Any, schema: str, table: _Table, postgis: str | None, stage: _Stage, *, replace: bool
) -> None:
    from psycopg import sql

    ident = sql.Identifier(schema, table.name)
    if replace:
        stage.now = "replacing"
        cur.execute(sql.SQL("DROP TABLE {}").format(ident))
    stage.now = "creating"
    cols = []
    for name, kind in table.columns:
        if kind.startswith("geometry"):
            typ = sql.SQL("{}.geometry").format(sql.Identifier(postgis)) + sql.SQL(kind[8:])
        else:
            typ = sql.SQL(kind)
        cols.append(sql.SQL("{} {}").format(sql.Identifier(name), typ))
    cols.append(sql.SQL("PRIMARY KEY (fid)"))
    cur.execute(sql.SQL("CREATE TABLE {} ({})").format(ident, sql.SQL(", ").join(cols)))
    stage.now = "loading"
    names = sql.SQL(", ").join(sql.Identifier(n) for n, _ in table.columns)
    with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(ident, names)) as copy:
        for row in zip(*table.values, strict=True):
            copy.write_row(row)
    stage.now = "indexing"
    if table.geometry:
        cur.execute(
            sql.SQL("CREATE INDEX {} ON {} USING GIST ({})").format(
                sql.Identifier(_index_name(table.name, "geom_gist")),
                ident,
                sql.Identifier(table.geometry),
            )
        )
    for col in table.unique:
        cur.execute(
            sql.SQL("CREATE UNIQUE INDEX {} ON {} ({})").format(
                sql.Identifier(_index_name(table.name, f"{col}_key")), ident, sql.Identifier(col)
            )
        )
    cur.execute(
        sql.SQL("COMMENT ON TABLE {} IS {}").format(ident, sql.Literal(f"{_MARKER}{table.run_id}"))
    )


def _index_name(table: str, suffix: str) -> str:
    return _table_name(f"{table}_{suffix}", 0)
