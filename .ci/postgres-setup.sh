#!/usr/bin/env bash
# Install what tests/test_postgis.py needs on a fresh Debian machine, as root:
# - PostgreSQL and PostGIS from Debian's packages (postgresql-postgis pulls the server of
#   Debian's default version, e.g. postgresql-15-postgis-3 on bookworm). The tests start
#   their own throw-away cluster on a free port; no system cluster is created or used.
# - gdal-bin: Debian's GDAL with its PostgreSQL driver (what QGIS reads the tables with);
#   pyogrio's bundled GDAL has no PostgreSQL driver.
# - kotaku_test: an unprivileged user to own the test clusters (initdb refuses root).
# Idempotent: when everything is present it returns at once without touching apt.
set -euo pipefail

have_server() {
    local bindir ver
    for bindir in /usr/lib/postgresql/*/bin; do
        ver=$(basename "$(dirname "$bindir")")
        if [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] \
            && [ -f "/usr/share/postgresql/$ver/extension/postgis.control" ]; then
            return 0
        fi
    done
    return 1
}

if have_server && command -v ogr2ogr >/dev/null && id -u kotaku_test >/dev/null 2>&1; then
    echo "postgres-setup: PostgreSQL, PostGIS, GDAL and the kotaku_test user already present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "postgres-setup: need root to install PostgreSQL/PostGIS; run: sudo bash $0" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! have_server || ! command -v ogr2ogr >/dev/null; then
    # Debian's postgresql-common would create and start a "main" cluster on port 5432;
    # the tests do not need it. Only set when no local choice exists.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    apt-get update -q
    packages=(gdal-bin)
    if ! have_server; then
        # the PostGIS package of the server version Debian offers (or the one installed)
        version=$(apt-cache policy postgresql | sed -n 's/^ *Candidate: *\([0-9]\+\).*/\1/p')
        if [ -n "$version" ] && apt-cache show "postgresql-$version-postgis-3" >/dev/null 2>&1; then
            packages+=("postgresql-$version-postgis-3")
        else
            packages+=(postgresql-postgis)
        fi
    fi
    apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

if ! id -u kotaku_test >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin kotaku_test
fi

have_server || { echo "postgres-setup: PostGIS still missing after install" >&2; exit 1; }
ls -d /usr/lib/postgresql/*/bin
ogr2ogr --version
