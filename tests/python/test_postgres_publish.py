"""Publishing on a real PostgreSQL server: the schema swap, the BI role, the lock.

The server is the project's own (ci/postgres.sh: Debian's PostgreSQL 15, a data folder
of this test, a free port). A small work schema stands in for dbt's: the publish step
does not care how its tables were made, and the full dbt build on PostgreSQL runs in CI
(`make build-postgres`, compared value for value with DuckDB).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT / "ci" / "postgres.sh"
WORK, PUBLISHED = "cs_kpis_work", "analytics"


def _has_postgres() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


pytestmark = [
    pytest.mark.slow,  # a real PostgreSQL server and dbt builds (`make test-fast` skips)
    pytest.mark.skipif(
        not _has_postgres() and os.geteuid() != 0,
        reason="no PostgreSQL server binaries and no root to install them (ci/postgres.sh)"),
]

psycopg2 = pytest.importorskip("psycopg2")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    data = PROJECT / "data" / f"pg-test-{os.getpid()}"
    env = dict(os.environ, CS_KPIS_PG_DATA=str(data), CS_KPIS_PG_PORT=str(_free_port()),
               CS_KPIS_PG_USER="cs_kpis", CS_KPIS_PG_PASSWORD="cs_kpis",
               CS_KPIS_PG_DATABASE="cs_kpis")
    for name in ("CS_KPIS_PG_SCHEMA", "CS_KPIS_PG_PUBLISH_SCHEMA", "CS_KPIS_PG_BI_ROLE"):
        env.pop(name, None)
    started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True,
                             text=True, check=False)
    assert started.returncode == 0, started.stdout + started.stderr
    env["CS_KPIS_PG_HOST"] = "127.0.0.1"
    old = {k: os.environ.get(k) for k in env if k.startswith("CS_KPIS_PG_")}
    os.environ.update({k: v for k, v in env.items() if k.startswith("CS_KPIS_PG_")})
    yield env
    subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, check=False)
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    shutil.rmtree(data, ignore_errors=True)


def _connect(env, user: str = "cs_kpis", password: str = "cs_kpis"):
    return psycopg2.connect(host="127.0.0.1", port=int(env["CS_KPIS_PG_PORT"]), user=user,
                            password=password, dbname="cs_kpis")


def _execute(env, *statements: str) -> None:
    con = _connect(env)
    try:
        with con, con.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        con.close()


def _work_schema(env, mrr: list[tuple[str, float]], extra: tuple[str, ...] = ()) -> None:
    """A work schema as dbt leaves it: marts, an intermediate model, a raw table."""
    rows = ", ".join(f"(date '{m}', {v})" for m, v in mrr)
    _execute(env,
             f"drop schema if exists {WORK} cascade",
             f"create schema {WORK}",
             f"create table {WORK}.kpi_mrr as select * from (values {rows}) "
             "as t(month_start, mrr_end)",
             f"comment on table {WORK}.kpi_mrr is 'MRR per month.'",
             f"comment on column {WORK}.kpi_mrr.mrr_end is 'MRR at the month end.'",
             f"create table {WORK}.dim_customers as select 'C1'::text as customer_id",
             f"create table {WORK}.int_customer_months as "
             "select 'C1'::text as customer_id, 'ops@acme.example'::text as email",
             "create schema if not exists crm",
             "create table if not exists crm.customers (customer_id text, "
             "primary_contact_email text)",
             "truncate crm.customers",
             "insert into crm.customers values ('C1', 'ops@acme.example')",
             *extra)


def _published(env, table: str = "kpi_mrr") -> list[tuple]:
    con = _connect(env)
    try:
        with con, con.cursor() as cur:
            cur.execute(f"select * from {PUBLISHED}.{table} order by 1")
            return cur.fetchall()
    finally:
        con.close()


def _publish(**kwargs):
    from cskpi.publish_postgres import publish

    return publish({"as_of_date": "2026-11-15", "raw_fingerprint": "test"}, **kwargs)


def test_publish_swaps_in_only_the_bi_relations_with_their_docs(server):
    _work_schema(server, [("2026-10-01", 100.0), ("2026-11-01", 120.0)])
    done = _publish()
    assert done.relations == ["dim_customers", "kpi_mrr"]
    assert done.old_dropped
    con = _connect(server)
    with con, con.cursor() as cur:
        cur.execute("select table_name from information_schema.tables "
                    "where table_schema = %s order by 1", (PUBLISHED,))
        assert [r[0] for r in cur.fetchall()] == [
            "cs_kpis_build_info", "dim_customers", "kpi_mrr"]
        cur.execute(f"select obj_description('{PUBLISHED}.kpi_mrr'::regclass), "
                    f"col_description('{PUBLISHED}.kpi_mrr'::regclass, 2)")
        assert cur.fetchone() == ("MRR per month.", "MRR at the month end.")
        cur.execute(f"select as_of_date::text, published_relations "
                    f"from {PUBLISHED}.cs_kpis_build_info")
        assert cur.fetchone() == ("2026-11-15", "dim_customers,kpi_mrr")
        cur.execute("select nspname from pg_namespace where nspname like 'analytics%' "
                    "order by 1")
        assert [r[0] for r in cur.fetchall()] == [PUBLISHED]  # no __next, no __old left
    con.close()


def test_bi_role_reads_the_published_schema_and_nothing_else(server):
    _work_schema(server, [("2026-11-01", 120.0)])
    _publish()
    reader = _connect(server, "cs_kpis_reader", "cs_kpis_reader")
    try:
        with reader.cursor() as cur:
            cur.execute(f"select mrr_end from {PUBLISHED}.kpi_mrr")
            assert [float(r[0]) for r in cur.fetchall()] == [120.0]
        reader.rollback()
        for forbidden in (f"{WORK}.kpi_mrr", f"{WORK}.int_customer_months", "crm.customers"):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege), reader.cursor() as cur:
                cur.execute(f"select * from {forbidden}")
            reader.rollback()
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), reader.cursor() as cur:
            cur.execute(f"create table {PUBLISHED}.mine (x int)")
        reader.rollback()
    finally:
        reader.close()


def test_a_failing_publish_leaves_the_published_schema_as_it_was(server):
    _work_schema(server, [("2026-11-01", 120.0)])
    _publish()
    from cskpi.publish import PublishError
    from cskpi.publish_postgres import content_hash

    before = content_hash()
    # The second mart fails half-way through the copy (after kpi_mrr was copied).
    _work_schema(server, [("2026-11-01", 999.0)],
                 extra=(f"create view {WORK}.kpi_zz_broken as select 1 / (count(*) - "
                        f"count(*)) as x from {WORK}.kpi_mrr",))
    with pytest.raises(PublishError, match="published schema is unchanged"):
        _publish()
    assert content_hash() == before
    assert _published(server)[0][1] == 120


def test_a_reader_never_blocks_a_publish_and_sees_old_or_new_marts_never_a_mix(server):
    """BI sessions run in READ COMMITTED (PostgreSQL's default): a statement that started
    before the swap finishes on the old tables; the next one sees the new ones, whole."""
    import threading

    _work_schema(server, [("2026-10-01", 100.0), ("2026-11-01", 120.0)])
    _publish()
    reader = _connect(server, "cs_kpis_reader", "cs_kpis_reader")
    try:
        with reader.cursor() as cur:
            cur.execute(f"select sum(mrr_end) from {PUBLISHED}.kpi_mrr")  # holds the table
            assert float(cur.fetchone()[0]) == 220.0
            slow: list[float] = []
            second = _connect(server, "cs_kpis_reader", "cs_kpis_reader")

            def long_statement() -> None:
                with second.cursor() as c:
                    c.execute(f"select sum(mrr_end), max(pg_sleep(3)::text) "
                              f"from {PUBLISHED}.kpi_mrr")
                    slow.append(float(c.fetchone()[0]))

            thread = threading.Thread(target=long_statement)
            thread.start()
            time.sleep(1)  # the long statement is running on the old tables
            _work_schema(server, [("2026-10-01", 110.0), ("2026-11-01", 130.0)])
            started = time.perf_counter()
            done = _publish()
            assert time.perf_counter() - started < 20  # not held up by either reader
            assert not done.old_dropped  # the readers still hold the old tables
            thread.join(timeout=30)
            second.close()
            assert slow == [220.0]  # the statement that started before: old marts
            cur.execute(f"select sum(mrr_end) from {PUBLISHED}.kpi_mrr")
            assert float(cur.fetchone()[0]) == 240.0  # the next statement: new marts, whole
        reader.commit()
    finally:
        reader.close()
    _work_schema(server, [("2026-11-01", 140.0)])
    assert _publish().old_dropped
    con = _connect(server)
    with con, con.cursor() as cur:
        cur.execute("select count(*) from pg_namespace where nspname like 'analytics\\_\\_%'")
        assert cur.fetchone()[0] == 0  # the old tables are gone once no one holds them
    con.close()


def test_a_second_run_is_refused_naming_the_holder(server):
    from cskpi.publish import PublishError
    from cskpi.publish_postgres import AdvisoryLock

    with AdvisoryLock():
        with pytest.raises(PublishError, match=r"holds the lock on PostgreSQL schema "
                           r"analytics \(pid \d+"):
            AdvisoryLock().acquire()
    with AdvisoryLock():  # released with its session: the next run takes it
        pass


def test_a_publish_killed_mid_copy_changes_nothing_and_frees_the_lock(server):
    _work_schema(server, [("2026-11-01", 120.0)])
    _publish()
    from cskpi.publish_postgres import AdvisoryLock, content_hash

    before = content_hash()
    _work_schema(server, [("2026-11-01", 555.0)],
                 extra=(f"create view {WORK}.kpi_zz_slow as select pg_sleep(30)::text as x",))
    code = ("from cskpi.publish_postgres import main; import sys; sys.exit(main())")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, env=os.environ,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    con = _connect(server)
    try:
        deadline = time.monotonic() + 30
        with con.cursor() as cur:  # wait until the publish is inside its copy
            while time.monotonic() < deadline:
                cur.execute("select count(*) from pg_stat_activity "
                            "where query like '%%kpi_zz_slow%%' and pid <> pg_backend_pid()")
                if cur.fetchone()[0]:
                    break
                con.rollback()
                time.sleep(0.2)
            else:
                pytest.fail("the publish never reached its copy")
        con.rollback()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        # The server notices the dead client (the publish sets
        # client_connection_check_interval) and rolls its transaction back.
        deadline = time.monotonic() + 20
        with con.cursor() as cur:
            while True:
                cur.execute("select count(*) from pg_stat_activity "
                            "where query like '%%kpi_zz_slow%%' and pid <> pg_backend_pid()")
                if not cur.fetchone()[0]:
                    break
                assert time.monotonic() < deadline, "the killed publish's session lives on"
                con.rollback()
                time.sleep(0.2)
        con.rollback()
    finally:
        con.close()
    assert content_hash() == before
    assert _published(server)[0][1] == 120
    deadline = time.monotonic() + 10
    while True:  # the killed session's lock goes with its backend
        try:
            with AdvisoryLock():
                break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_run_that_stops_before_publishing_says_so_and_changes_nothing(server, tmp_path,
                                                                        capsys):
    _work_schema(server, [("2026-11-01", 120.0)])
    _publish()
    from cskpi import engines
    from cskpi.publish_postgres import content_hash

    before = content_hash()
    (tmp_path / "raw").mkdir()  # no raw tables at all: the loader refuses
    code = engines.run("postgres", tmp_path / "raw", "2026-11-15", 0, validate=False,
                       report=False)
    assert code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == ("nothing was published: the run stopped before its publish step "
                    "(exit 2); PostgreSQL schema analytics is unchanged")
    assert content_hash() == before
