#!/usr/bin/env bash
# A real PostgreSQL server for CI and local runs, in a data folder of the project.
#
#   ci/postgres.sh start   install PostgreSQL (Debian packages) if it is missing, initdb
#                          the cluster in $CS_KPIS_PG_DATA once, start it on
#                          127.0.0.1:$CS_KPIS_PG_PORT and create the build role, the
#                          database, the read-only BI role and a BI login in it
#   ci/postgres.sh stop    stop that server (fast shutdown)
#   ci/postgres.sh env     print the CS_KPIS_PG_* variables the loader and dbt read
#
# The server listens on TCP only (no Unix socket), runs as a non-root user (`postgres`
# when started by root) and asks for a password (scram-sha-256). Defaults: port 55432,
# data in data/pg, role/database/password cs_kpis.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${CS_KPIS_PG_PORT:-55432}"
DATA="${CS_KPIS_PG_DATA:-$PWD/data/pg}"
ROLE="${CS_KPIS_PG_USER:-cs_kpis}"
PASSWORD="${CS_KPIS_PG_PASSWORD:-cs_kpis}"
DATABASE="${CS_KPIS_PG_DATABASE:-cs_kpis}"
RUN_AS="${CS_KPIS_PG_OS_USER:-postgres}"
BI_ROLE="${CS_KPIS_PG_BI_ROLE:-cs_kpis_bi}"
READER="${CS_KPIS_PG_READER:-cs_kpis_reader}"
READER_PASSWORD="${CS_KPIS_PG_READER_PASSWORD:-cs_kpis_reader}"

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    done
    return 1
}

install_postgres() {
    if pg_bin >/dev/null; then return 0; fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: PostgreSQL is not installed and installing it needs root:" \
            "run 'apt-get install -y postgresql-15' (or postgresql) first" >&2
        exit 2
    fi
    echo "==> installing PostgreSQL (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql-15 >/dev/null 2>&1 || apt-get install -y -qq postgresql >/dev/null
}

# Run a command as the server's OS user (root may not run postgres).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$RUN_AS" -- "$@"
    else
        "$@"
    fi
}

psql_admin() {
    PGPASSWORD="$PASSWORD" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 -qAt "$@"
}

start() {
    install_postgres
    BIN="$(pg_bin)"
    if [ "$(id -u)" -eq 0 ]; then
        id "$RUN_AS" >/dev/null 2>&1 || useradd --system --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$RUN_AS"
    fi
    mkdir -p "$(dirname "$DATA")"
    if [ ! -s "$DATA/PG_VERSION" ]; then
        echo "==> initdb $DATA"
        rm -rf "$DATA" && mkdir -p "$DATA"
        local pwfile
        pwfile="$(mktemp)"
        printf '%s\n' "$PASSWORD" >"$pwfile"
        if [ "$(id -u)" -eq 0 ]; then chown "$RUN_AS" "$DATA" "$pwfile"; fi
        chmod 700 "$DATA"
        as_owner "$BIN/initdb" -D "$DATA" -U postgres --pwfile="$pwfile" \
            --auth-local=scram-sha-256 --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        rm -f "$pwfile"
    fi
    if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        echo "==> PostgreSQL already running on 127.0.0.1:$PORT"
    else
        echo "==> starting PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null
    fi
    if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$ROLE'")" != 1 ]; then
        psql_admin -c "create role \"$ROLE\" login password '$PASSWORD'"
    fi
    if [ "$(psql_admin -c "select 1 from pg_database where datname = '$DATABASE'")" != 1 ]; then
        psql_admin -c "create database \"$DATABASE\" owner \"$ROLE\""
    fi
    # The read-only BI role (README, PostgreSQL): a group role the publish step grants
    # the published schema to, and a login role in it for BI tools and the tests.
    if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$BI_ROLE'")" != 1 ]; then
        psql_admin -c "create role \"$BI_ROLE\" nologin"
    fi
    if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$READER'")" != 1 ]; then
        psql_admin -c "create role \"$READER\" login password '$READER_PASSWORD' in role \"$BI_ROLE\""
    fi
}

stop() {
    BIN="$(pg_bin)" || { echo "PostgreSQL is not installed"; return 0; }
    if [ -s "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        echo "==> stopping PostgreSQL on 127.0.0.1:$PORT"
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env)
        echo "export CS_KPIS_PG_HOST=127.0.0.1 CS_KPIS_PG_PORT=$PORT CS_KPIS_PG_USER=$ROLE" \
            "CS_KPIS_PG_PASSWORD=$PASSWORD CS_KPIS_PG_DATABASE=$DATABASE"
        ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
