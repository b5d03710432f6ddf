"""A throw-away PostgreSQL + PostGIS cluster for the tests, started as a normal user.

``find_server()`` looks for the server binaries (``initdb`` and ``pg_ctl`` under
``/usr/lib/postgresql/*/bin``, Debian's layout, or on ``PATH``) and PostGIS's extension files;
it returns the reason when something is missing, so the tests can skip with it.
``.ci/postgres-setup.sh`` installs Debian's packages.

``PostgisServer`` runs ``initdb`` in a temporary folder, then the server on a free port of
127.0.0.1 with its Unix socket in that folder. ``initdb`` refuses to run as root, so under root
the cluster belongs to an unprivileged user (``kotaku_test`` when the setup script created
it, else ``nobody``) and its commands run through ``runuser``. Local (socket) connections are
trusted; TCP connections need a password (SCRAM), so the tests can check passwords too. The
cluster is tuned for speed, not durability (``fsync=off``): it lives for one test session.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

SUPERUSER = "kotaku"


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path.parent.name)) or (0,)


def find_server() -> tuple[Path | None, str]:
    """(folder of initdb/pg_ctl, "") or (None, the reason they cannot be used)."""
    candidates = [Path(p) for p in os.environ.get("KOTAKU_PG_BINDIR", "").split(os.pathsep) if p]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    reasons = []
    for bindir in candidates:
        if not ((bindir / "initdb").exists() and (bindir / "pg_ctl").exists()):
            continue
        sharedir = _sharedir(bindir)
        if sharedir is None or not (sharedir / "extension" / "postgis.control").exists():
            reasons.append(f"{bindir} has no PostGIS extension (postgis.control)")
            continue
        if os.geteuid() == 0 and _unprivileged_user() is None:
            reasons.append("running as root and no unprivileged user to own the cluster")
            continue
        return bindir, ""
    if not candidates or not reasons:
        reasons.append(
            "no PostgreSQL server binaries (initdb, pg_ctl under /usr/lib/postgresql/*/bin); "
            "install postgresql and postgis (bash .ci/postgres-setup.sh)"
        )
    return None, "; ".join(reasons)


def _sharedir(bindir: Path) -> Path | None:
    pg_config = bindir / "pg_config"
    if pg_config.exists():
        out = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    debian = Path("/usr/share/postgresql") / bindir.parent.name
    return debian if debian.exists() else None


def _unprivileged_user() -> pwd.struct_passwd | None:
    for name in (os.environ.get("KOTAKU_PG_USER"), "kotaku_test", "nobody"):
        if not name:
            continue
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0 and shutil.which("runuser"):
            return entry
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgisServer:
    """One throw-away cluster; ``start()``, ``stop()``, ``cleanup()``."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        # under root the cluster's owner must reach the folder: /tmp, not root's TMPDIR
        where = "/tmp" if os.geteuid() == 0 and os.path.isdir("/tmp") else None
        self.root = Path(tempfile.mkdtemp(prefix="kotaku-pg-", dir=where))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.owner = _unprivileged_user() if os.geteuid() == 0 else None
        if self.owner is not None:
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
        os.chmod(self.root, 0o700)

    # -------------------------------------------------------------- processes

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.owner is not None:
            cmd = ["runuser", "-u", self.owner.pw_name, "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if out.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}\n{log}")
        return out

    def start(self) -> float:
        """Start the server (running initdb the first time); returns the seconds it took."""
        begin = time.perf_counter()
        if not self.data.exists():
            self._run(
                "initdb", "-D", str(self.data), "-U", SUPERUSER, "-E", "UTF8", "--no-locale",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
            )  # fmt: skip
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.root}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c shared_buffers=16MB",
                "-c max_connections=40",
            ]
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")  # fmt: skip
        return time.perf_counter() - begin

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``mode="immediate"`` is a crash (no checkpoint, no goodbye)."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def cleanup(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # -------------------------------------------------------------- connections

    def url(
        self,
        database: str,
        *,
        user: str = SUPERUSER,
        password: str | None = None,
        tcp: bool = False,
        scheme: str = "postgresql",
    ) -> str:
        """A URL to the cluster: through the Unix socket (trusted) or TCP (password)."""
        auth = quote(user, safe="")
        if password is not None:
            auth += ":" + quote(password, safe="")
        if tcp:
            return f"{scheme}://{auth}@127.0.0.1:{self.port}/{database}"
        return f"{scheme}://{auth}@/{database}?host={self.root}&port={self.port}"

    def connect(self, database: str = "postgres", *, user: str = SUPERUSER, autocommit=True):
        import psycopg

        return psycopg.connect(
            host=str(self.root), port=self.port, user=user, dbname=database,
            autocommit=autocommit,
        )  # fmt: skip

    def create_database(self, name: str) -> None:
        """A fresh database with PostGIS."""
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        with self.connect(name) as conn:
            conn.execute("CREATE EXTENSION postgis")


# ------------------------------------------------------------------ loading test tables

_SQL_TYPES = {"b": "boolean", "i": "bigint", "u": "bigint", "f": "double precision"}


def load_frame(
    conn,
    schema: str,
    table: str,
    frame: pd.DataFrame,
    *,
    srid: int | None = None,
    geometry_type: str | None = "Geometry",
    geometry_column: str = "geom",
    primary_key: str | None = "ogc_fid",
) -> None:
    """Create ``schema.table`` from a frame, the way a GIS team's import would.

    Independent of kotaku_gis's own writer: plain ``CREATE TABLE`` and ``INSERT`` of EWKB.
    ``srid`` None takes the frame's EPSG code; ``geometry_type`` None declares a bare
    ``geometry`` column (no type, no SRID), as older tables have.
    """
    from psycopg import sql

    cols, values = [], []
    if primary_key:
        cols.append(sql.SQL("{} serial PRIMARY KEY").format(sql.Identifier(primary_key)))
    names = []
    geom_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for col in frame.columns:
        if col == geom_name:
            continue
        kind = _SQL_TYPES.get(frame[col].dtype.kind, "text")
        cols.append(sql.SQL("{} {}").format(sql.Identifier(str(col)), sql.SQL(kind)))
        names.append(str(col))
        series = frame[col]
        if kind == "text":
            values.append([None if pd.isna(v) else str(v) for v in series])
        elif kind == "boolean":
            values.append([None if pd.isna(v) else bool(v) for v in series])
        elif kind == "bigint":
            values.append([None if pd.isna(v) else int(v) for v in series])
        else:
            values.append([None if pd.isna(v) else float(v) for v in series])
    if geom_name is not None:
        if srid is None:
            srid = frame.crs.to_epsg()
        declared = "geometry" if geometry_type is None else f"geometry({geometry_type}, {srid})"
        cols.append(sql.SQL("{} " + declared).format(sql.Identifier(geometry_column)))
        names.append(geometry_column)
        geoms = np.asarray(frame.geometry.array, dtype=object)
        wkb = shapely.to_wkb(shapely.set_srid(geoms, srid), hex=True, include_srid=True)
        values.append([None if w is None else str(w) for w in wkb])
    ident = sql.Identifier(schema, table)
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(ident, sql.SQL(", ").join(cols)))
    # a % in a name must not read as a placeholder
    head = sql.SQL("INSERT INTO {} ({}) VALUES ").format(
        ident, sql.SQL(", ").join(map(sql.Identifier, names))
    )
    insert = head.as_string(conn).replace("%", "%%") + "(" + ", ".join(["%s"] * len(names)) + ")"
    with conn.cursor() as cur:
        cur.executemany(insert, list(zip(*values, strict=True)))
