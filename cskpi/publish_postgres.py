"""Write-audit-publish on PostgreSQL: dbt builds in a work schema, BI reads another.

    python -m cskpi.publish_postgres            # publish the work schema's marts now
    python -m cskpi.publish_postgres --hash     # content hash of the published schema

``dbt build --target postgres`` writes every model into the work schema
(``CS_KPIS_PG_SCHEMA``, default ``cs_kpis_work``); the raw tables live in their systems'
schemas (``crm``, ``billing`` ...). Only when the load, the build and the checks have all
passed does :func:`publish` copy the BI-facing relations (the same list as on DuckDB:
``kpi_*``, ``fct_*``, ``dim_*``, the semantic layer's relations and a build-info table)
into a fresh schema and swap it in for the published one (``CS_KPIS_PG_PUBLISH_SCHEMA``,
default ``analytics``), all in one transaction: a reader sees the old marts or the new
ones, never a mix, and a failed or killed publish rolls back to the old ones untouched.

A reader's open transaction keeps reading the tables it already touched (PostgreSQL
resolves names to tables once); they move to ``<schema>__old``, which is dropped after the
swap once no reader holds it (``lock_timeout``), or by the next publish.

The BI role (``CS_KPIS_PG_BI_ROLE``, default ``cs_kpis_bi``; a database administrator
creates it once, see the README) gets USAGE on the published schema and SELECT on its
tables, granted inside the same transaction: it can read nothing else, neither the work
schema nor the raw schemas, which hold e-mails.

One run at a time: :class:`AdvisoryLock` holds a session-level advisory lock keyed on the
published schema for the whole run; a second run exits at once naming the holder's pid.
PostgreSQL releases the lock when the holder's connection ends, so a killed run never
leaves a lock behind.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql

from cskpi.engines import manifest_path
from cskpi.loader_postgres import connect
from cskpi.publish import (
    BUILD_INFO_COMMENT,
    BUILD_INFO_TABLE,
    PublishError,
    build_info_ddl,
    build_info_row,
    is_published,
    semantic_layer_relations,
)

WORK_SCHEMA_ENV = "CS_KPIS_PG_SCHEMA"
PUBLISH_SCHEMA_ENV = "CS_KPIS_PG_PUBLISH_SCHEMA"
BI_ROLE_ENV = "CS_KPIS_PG_BI_ROLE"
DEFAULT_WORK_SCHEMA = "cs_kpis_work"
DEFAULT_PUBLISH_SCHEMA = "analytics"
DEFAULT_BI_ROLE = "cs_kpis_bi"
# How long the publish waits to drop the previous tables a reader still holds.
DROP_OLD_LOCK_TIMEOUT = "2s"


def work_schema() -> str:
    return os.environ.get(WORK_SCHEMA_ENV) or DEFAULT_WORK_SCHEMA


def publish_schema() -> str:
    return os.environ.get(PUBLISH_SCHEMA_ENV) or DEFAULT_PUBLISH_SCHEMA


def bi_role() -> str:
    return os.environ.get(BI_ROLE_ENV) or DEFAULT_BI_ROLE


@dataclass
class Published:
    relations: list[str]
    seconds: float
    old_dropped: bool


class AdvisoryLock:
    """One run at a time per published schema: ``pg_try_advisory_lock`` on its name."""

    def __init__(self, schema: str | None = None) -> None:
        self.schema = schema or publish_schema()
        self.key = int.from_bytes(
            hashlib.sha256(f"cs_kpis:{self.schema}".encode()).digest()[:8], "big",
            signed=True)
        self.con: psycopg2.extensions.connection | None = None

    def acquire(self) -> AdvisoryLock:
        self.con = connect()
        self.con.autocommit = True
        with self.con.cursor() as cur:
            cur.execute("select pg_try_advisory_lock(%s)", (self.key,))
            if cur.fetchone()[0]:
                return self
            cur.execute("select l.pid, a.backend_start from pg_locks l "
                        "join pg_stat_activity a using (pid) where l.locktype = 'advisory' "
                        "and l.granted and l.objsubid = 1 "
                        "and ((l.classid::bigint << 32) | l.objid::bigint) = %s", (self.key,))
            holder = cur.fetchone()
        self.release()
        who = (f"pid {holder[0]}, connected {holder[1]:%Y-%m-%d %H:%M:%S %Z}"
               if holder else "another session")
        raise PublishError(f"another build holds the lock on PostgreSQL schema "
                           f"{self.schema} ({who}): wait for it to finish")

    def release(self) -> None:
        if self.con is not None:
            self.con.close()  # ends the session, and with it the lock
            self.con = None

    def __enter__(self) -> AdvisoryLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _ident(*parts: str) -> sql.Composable:
    return sql.Identifier(*parts)


def _relations(cur, schema: str, manifest: Path | None) -> list[str]:
    semantic = semantic_layer_relations(manifest)
    cur.execute("select table_name from information_schema.tables where table_schema = %s "
                "order by table_name", (schema,))
    return [name for (name,) in cur.fetchall() if is_published(name, semantic)]


def _copy_comments(cur, source: str, target: str, name: str) -> None:
    """dbt's persisted docs (table and column comments) travel with the copy."""
    cur.execute("select obj_description(c.oid, 'pg_class') from pg_class c "
                "join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = %s and c.relname = %s", (source, name))
    row = cur.fetchone()
    if row and row[0]:
        cur.execute(sql.SQL("comment on table {} is %s").format(_ident(target, name)),
                    (row[0],))
    cur.execute("select a.attname, col_description(c.oid, a.attnum) from pg_class c "
                "join pg_namespace n on n.oid = c.relnamespace "
                "join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 "
                "and not a.attisdropped where n.nspname = %s and c.relname = %s "
                "and col_description(c.oid, a.attnum) is not null", (source, name))
    for column, comment in cur.fetchall():
        cur.execute(sql.SQL("comment on column {}.{} is %s").format(
            _ident(target, name), _ident(column)), (comment,))


def _role_exists(cur, role: str) -> bool:
    cur.execute("select 1 from pg_roles where rolname = %s", (role,))
    return cur.fetchone() is not None


def publish(build_info: dict[str, object], *, source: str | None = None,
            target: str | None = None, role: str | None = None,
            con: psycopg2.extensions.connection | None = None,
            manifest: Path | None = None) -> Published:
    """Copy the BI-facing relations of the work schema into a new schema and swap it in
    for the published one, in one transaction; then drop the previous tables.
    ``manifest``: the build's manifest.json, which names the semantic layer's relations."""
    source, target, role = source or work_schema(), target or publish_schema(), role or bi_role()
    if source == target:
        raise PublishError(f"{WORK_SCHEMA_ENV} and {PUBLISH_SCHEMA_ENV} are both {source}: "
                           "dbt must build in a schema BI does not read")
    started = time.perf_counter()
    incoming, previous = f"{target}__next", f"{target}__old"
    own = con is None
    con = con or connect()
    try:
        _clear_previous(con, target, previous)
        relations = _swap_in(con, source, target, role, incoming, previous, build_info,
                             manifest)
        old_dropped = _drop_schema(con, previous)
    except psycopg2.Error as exc:
        what = exc.diag.message_primary or type(exc).__name__
        raise PublishError(f"could not publish to PostgreSQL schema {target} ({what}); "
                           "the published schema is unchanged") from None
    finally:
        if own:
            con.close()
    return Published(relations, time.perf_counter() - started, old_dropped)


def _swap_in(con, source: str, target: str, role: str, incoming: str, previous: str,
             build_info: dict[str, object], manifest: Path | None) -> list[str]:
    """The one transaction: copy into ``incoming``, grant, rename it over ``target``."""
    with con, con.cursor() as cur:  # one transaction: commit, or roll back on error
        if con.server_version >= 140000:  # a killed publisher's copy stops within 1 s
            cur.execute("set local client_connection_check_interval = '1s'")
        relations = _relations(cur, source, manifest)
        if not relations:
            raise PublishError(f"the work schema {source} holds no marts to publish")
        if not _role_exists(cur, role):
            raise PublishError(f"the BI role {role} does not exist: a database "
                               "administrator creates it once (README, PostgreSQL)")
        cur.execute(sql.SQL("drop schema if exists {} cascade").format(_ident(incoming)))
        cur.execute(sql.SQL("create schema {}").format(_ident(incoming)))
        for name in relations:
            cur.execute(sql.SQL("create table {} as select * from {}").format(
                _ident(incoming, name), _ident(source, name)))
            _copy_comments(cur, source, incoming, name)
        _write_build_info(cur, incoming, build_info, relations)
        cur.execute(sql.SQL("grant usage on schema {} to {}").format(
            _ident(incoming), _ident(role)))
        cur.execute(sql.SQL("grant select on all tables in schema {} to {}").format(
            _ident(incoming), _ident(role)))
        cur.execute("select 1 from pg_namespace where nspname = %s", (target,))
        if cur.fetchone():
            cur.execute(sql.SQL("alter schema {} rename to {}").format(
                _ident(target), _ident(previous)))
        cur.execute(sql.SQL("alter schema {} rename to {}").format(
            _ident(incoming), _ident(target)))
    return relations


def _drop_schema(con, schema: str) -> bool:
    """Drop a schema of replaced tables unless a reader still holds one of them (waits
    at most DROP_OLD_LOCK_TIMEOUT, never blocks on a BI session); True when it is gone."""
    try:
        with con, con.cursor() as cur:
            cur.execute(f"set local lock_timeout = '{DROP_OLD_LOCK_TIMEOUT}'")
            cur.execute(sql.SQL("drop schema if exists {} cascade").format(_ident(schema)))
        return True
    except psycopg2.errors.LockNotAvailable:
        return False


def _clear_previous(con, target: str, previous: str) -> None:
    """Drop the tables earlier publishes replaced; a schema a reader still holds is
    renamed aside (``<schema>__old_<n>``; a rename takes no table lock) for a later run."""
    with con, con.cursor() as cur:
        cur.execute("select nspname from pg_namespace where nspname = %s "
                    "or left(nspname, length(%s) + 1) = %s || '_' order by nspname",
                    (previous, previous, previous))
        leftovers = [name for (name,) in cur.fetchall()]
    for name in leftovers:
        if not _drop_schema(con, name) and name == previous:
            with con, con.cursor() as cur:
                cur.execute(sql.SQL("alter schema {} rename to {}").format(
                    _ident(name), _ident(f"{previous}_{time.time_ns()}")))


def _write_build_info(cur, schema: str, info: dict[str, object],
                      relations: list[str]) -> None:
    table = _ident(schema, BUILD_INFO_TABLE)
    cur.execute(sql.SQL(build_info_ddl("{}")).format(table))
    cur.execute(sql.SQL("comment on table {} is %s").format(table), (BUILD_INFO_COMMENT,))
    cur.execute(sql.SQL("insert into {} values (%s, %s, %s, %s, %s, %s)").format(table),
                build_info_row(info, relations))


def content_hash(schema: str | None = None, include_build_info: bool = False,
                 con: psycopg2.extensions.connection | None = None) -> str:
    """sha256 of every relation of the published schema: name, columns, rows (sorted)."""
    schema = schema or publish_schema()
    own = con is None
    con = con or connect()
    digest = hashlib.sha256()
    try:
        with con, con.cursor() as cur:
            cur.execute("select table_name from information_schema.tables "
                        "where table_schema = %s order by table_name", (schema,))
            names = [n for (n,) in cur.fetchall()
                     if include_build_info or n != BUILD_INFO_TABLE]
            for name in names:
                cur.execute(sql.SQL("select * from {}").format(_ident(schema, name)))
                columns = [d.name for d in cur.description]
                digest.update(repr((name, columns)).encode("utf-8"))
                for row in sorted(repr(r) for r in cur.fetchall()):
                    digest.update(row.encode("utf-8"))
    finally:
        if own:
            con.close()
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hash", action="store_true",
                        help="print the published schema's content hash and exit")
    parser.add_argument("--as-of", help="the as-of date recorded in the build-info table")
    parser.add_argument("--manifest", type=Path, default=None,
                        help="the PostgreSQL build's manifest.json (semantic relations; "
                        "default: that of `make build-postgres`)")
    args = parser.parse_args(argv)
    if args.hash:
        print(content_hash())
        return 0
    try:
        with AdvisoryLock():
            done = publish({"as_of_date": args.as_of},
                           manifest=args.manifest or manifest_path("postgres"))
    except PublishError as exc:
        print(f"nothing was published: {exc}", file=sys.stderr)
        return 2
    print(f"published {len(done.relations)} relations to PostgreSQL schema "
          f"{publish_schema()} in {done.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
