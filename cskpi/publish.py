"""Write-audit-publish on DuckDB: the lock, the publish step and the published file's hash.

A build works in a private working file (``WORK_DUCKDB_PATH``, default
``<name>.work.duckdb`` beside ``DUCKDB_PATH``). Only when load, ``dbt build`` and Great
Expectations all passed there does :func:`publish` copy the BI-facing relations (marts
``kpi_*``, ``fct_*``, ``dim_*``, the semantic layer's time spine and a build-info table)
into a new file beside ``DUCKDB_PATH`` and rename it over the published file in one
``os.replace``. A reader with the old file open keeps its snapshot; the next connection
sees the new one. Nothing else ever opens the published file for writing, so a reader
never blocks a build and a build never blocks a reader.

:class:`WarehouseLock` lets one run at a time work on a warehouse: ``fcntl.flock`` on
``<DUCKDB_PATH>.lock`` (released by the kernel when the holder dies, so a killed run
never leaves a lock nobody can take) plus a JSON record of the holder's pid, start time
and raw folder, which a second run prints.

    python -m cskpi.publish --hash data/warehouse/cs_kpis.duckdb   # content hash of the marts
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# BI-facing relations: marts, facts and dimensions, and what the semantic layer reads.
# Never base_/stg_/int_ tables, the audit model, seeds or the raw schemas.
PUBLISHED_PREFIXES = ("kpi_", "fct_", "dim_")
PUBLISHED_NAMES = ("metricflow_time_spine",)
BUILD_INFO_TABLE = "cs_kpis_build_info"
WORK_SCHEMA = "main"  # the schema dbt builds the models in (profiles.yml)
PROJECT_DIR = Path(__file__).resolve().parents[1]


class PublishError(Exception):
    """The run cannot publish; the message is one line, the published file is untouched."""


class LockHeld(PublishError):
    """Another run holds the warehouse's lock."""


def default_work_path(duckdb_path: Path) -> Path:
    """``cs_kpis.duckdb`` -> ``cs_kpis.work.duckdb`` in the same folder."""
    return duckdb_path.with_name(f"{duckdb_path.stem}.work{duckdb_path.suffix or '.duckdb'}")


def lock_path(duckdb_path: Path) -> Path:
    return duckdb_path.with_name(f"{duckdb_path.name}.lock")


def _temp_prefix(duckdb_path: Path) -> str:
    return f".{duckdb_path.name}.publish-"


def check_writable(duckdb_path: Path) -> None:
    """Refuse early when the published file's folder cannot take a new file."""
    if duckdb_path.is_dir():
        raise PublishError(f"DUCKDB_PATH {duckdb_path} is a directory: point it at a file, "
                           "e.g. data/warehouse/cs_kpis.duckdb")
    folder = duckdb_path.parent
    blocking = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise PublishError(f"cannot write beside DUCKDB_PATH {duckdb_path} ({blocking} is "
                           "a file, not a folder): choose a writable folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".{duckdb_path.name}.probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PublishError(f"cannot write beside DUCKDB_PATH {duckdb_path} ({reason}): "
                           "choose a writable folder") from None


# --- the lock ------------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WarehouseLock:
    """One run at a time per warehouse: flock on ``<DUCKDB_PATH>.lock`` + holder record."""

    def __init__(self, duckdb_path: Path, raw_dir: Path | str = "") -> None:
        self.path = lock_path(duckdb_path)
        self.duckdb_path = duckdb_path
        self.raw_dir = str(raw_dir)
        self.fd: int | None = None
        self.took_over: dict[str, object] | None = None

    def _read_record(self, fd: int) -> dict[str, object]:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 4096)
        try:
            record = json.loads(data.decode("utf-8")) if data.strip() else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            record = {}
        return record if isinstance(record, dict) else {}

    def acquire(self) -> WarehouseLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            record = self._read_record(fd)
            os.close(fd)
            pid = record.get("pid", "?")
            started = record.get("started_at", "?")
            alive = isinstance(pid, int) and _pid_alive(pid)
            state = "" if alive or pid == "?" else ", its dbt is still finishing"
            raise LockHeld(
                f"another build is running on {self.duckdb_path} (pid {pid}{state}, started "
                f"{started}, raw folder {record.get('raw_dir', '?')}; lock {self.path}): "
                "wait for it to finish") from None
        # We hold the lock. A record left behind is a run that died holding it: the
        # kernel released its flock, so it is safe to take over.
        previous = self._read_record(fd)
        if previous.get("pid"):
            self.took_over = previous
        record = {"pid": os.getpid(), "started_at": datetime.now(UTC).isoformat(
            timespec="seconds"), "raw_dir": self.raw_dir, "warehouse": str(self.duckdb_path)}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(record).encode("utf-8"))
        os.fsync(fd)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> WarehouseLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


# --- fingerprint, metadata -------------------------------------------------------------

def raw_fingerprint(raw_dir: Path) -> str:
    """sha256 over every file of the raw folder (relative path and content), sorted."""
    digest = hashlib.sha256()
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(raw_dir)).encode("utf-8") + b"\0")
        file_digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                file_digest.update(chunk)
        digest.update(file_digest.digest())
    return digest.hexdigest()


def project_manifest() -> Path:
    """The manifest of the last dbt run: ``target/`` or dbt's ``DBT_TARGET_PATH``."""
    return PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target") / "manifest.json"


def semantic_layer_relations(manifest_path: Path | None = None) -> set[str]:
    """The relations the MetricFlow semantic models read (dbt's manifest of the build):
    BI asks the semantic layer for metrics, so what it reads is published too. They are
    one row per fact (responses, tickets), with ids and keyed hashes, never e-mails."""
    manifest_path = manifest_path or project_manifest()
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {model["node_relation"]["alias"]
            for model in manifest.get("semantic_models", {}).values()}


def is_published(name: str, semantic: frozenset[str] | set[str] = frozenset()) -> bool:
    return name.startswith(PUBLISHED_PREFIXES) or name in PUBLISHED_NAMES or name in semantic


# --- publish ------------------------------------------------------------------------------

@dataclass
class Published:
    relations: list[str]
    seconds: float


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def remove_leftovers(duckdb_path: Path) -> None:
    """Delete half-written publish files of killed runs (call while holding the lock)."""
    for path in duckdb_path.parent.glob(_temp_prefix(duckdb_path) + "*"):
        with contextlib.suppress(OSError):
            path.unlink()


def publish(work_path: Path, duckdb_path: Path, build_info: dict[str, object]) -> Published:
    """Copy the BI-facing relations of ``work_path`` into a new file and rename it over
    ``duckdb_path`` atomically. Call only while holding the warehouse's lock."""
    started = time.perf_counter()
    temp = duckdb_path.with_name(f"{_temp_prefix(duckdb_path)}{os.getpid()}.duckdb")
    for leftover in (temp, Path(f"{temp}.wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(temp))
    try:
        con.execute(f"attach {_literal(str(work_path))} as work (read_only)")
        semantic = semantic_layer_relations()
        relations = [
            name for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'work' and table_schema = ? order by table_name",
                [WORK_SCHEMA]).fetchall()
            if is_published(name, semantic)
        ]
        if not relations:
            raise PublishError(f"the working file {work_path} holds no marts to publish")
        comments = {
            (t, c): comment for t, c, comment in con.execute(
                "select table_name, column_name, comment from duckdb_columns() "
                "where database_name = 'work' and schema_name = ? and comment is not null",
                [WORK_SCHEMA]).fetchall()
        }
        table_comments = dict(con.execute(
            "select table_name, comment from duckdb_tables() where database_name = 'work' "
            "and schema_name = ? and comment is not null union all "
            "select view_name, comment from duckdb_views() where database_name = 'work' "
            "and schema_name = ? and comment is not null",
            [WORK_SCHEMA, WORK_SCHEMA]).fetchall())
        con.begin()
        for name in relations:
            con.execute(f"create table main.{_q(name)} as "
                        f"select * from work.{_q(WORK_SCHEMA)}.{_q(name)}")
            if name in table_comments:
                con.execute(f"comment on table main.{_q(name)} is "
                            f"{_literal(table_comments[name])}")
        for (table, column), comment in comments.items():
            if table in relations:
                con.execute(f"comment on column main.{_q(table)}.{_q(column)} is "
                            f"{_literal(comment)}")
        _write_build_info(con, build_info, relations)
        con.commit()
        con.execute("detach work")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        for leftover in (temp, Path(f"{temp}.wal")):
            leftover.unlink(missing_ok=True)
        raise
    con.close()
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    # A WAL beside the published file would be replayed into the new file: there is
    # none unless an old version of this project wrote the file in place.
    Path(f"{duckdb_path}.wal").unlink(missing_ok=True)
    os.replace(temp, duckdb_path)
    folder = os.open(duckdb_path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return Published(relations, time.perf_counter() - started)


# The build-info table both publishers write (DuckDB here, PostgreSQL in
# cskpi.publish_postgres): its columns, its comment and its one row.
BUILD_INFO_COLUMNS = (
    ("built_at", "timestamp with time zone"),
    ("as_of_date", "date"),
    ("raw_fingerprint", "text"),
    ("raw_rows", "bigint"),
    ("dbt_vars", "text"),
    ("published_relations", "text"),
)
BUILD_INFO_COMMENT = ("One row: when this published warehouse was built, its as-of date and "
                      "the sha256 fingerprint of the raw folder it was built from.")


def build_info_row(info: dict[str, object], relations: Iterable[str]) -> list[object]:
    """The values of the build-info row, in BUILD_INFO_COLUMNS' order."""
    return [info.get("built_at") or datetime.now(UTC), info.get("as_of_date"),
            info.get("raw_fingerprint"), info.get("raw_rows"),
            json.dumps(info.get("dbt_vars") or {}, sort_keys=True), ",".join(relations)]


def build_info_ddl(table: str) -> str:
    columns = ",\n    ".join(f"{name} {kind}" for name, kind in BUILD_INFO_COLUMNS)
    return f"create table {table} (\n    {columns}\n)"


def _write_build_info(con: duckdb.DuckDBPyConnection, info: dict[str, object],
                      relations: Iterable[str]) -> None:
    con.execute(build_info_ddl(f"main.{BUILD_INFO_TABLE}"))
    con.execute(f"comment on table main.{BUILD_INFO_TABLE} is {_literal(BUILD_INFO_COMMENT)}")
    con.execute(f"insert into main.{BUILD_INFO_TABLE} values (?, ?, ?, ?, ?, ?)",
                build_info_row(info, relations))


# --- content hash ---------------------------------------------------------------------------

def content_hash(duckdb_path: Path, include_build_info: bool = False) -> str:
    """sha256 of every published relation's name, columns, types and rows (order-free).

    Floats enter by their exact repr, so two builds agree only to the last bit.
    """
    digest = hashlib.sha256()
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        names = [n for (n,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "order by table_name").fetchall()
            if include_build_info or n != BUILD_INFO_TABLE]
        for name in names:
            cursor = con.execute(f"select * from main.{_q(name)} order by all")
            columns = [(d[0], str(d[1])) for d in cursor.description]
            digest.update(repr((name, columns)).encode("utf-8"))
            while rows := cursor.fetchmany(10_000):
                for row in rows:
                    digest.update(repr(row).encode("utf-8"))
    finally:
        con.close()
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Content hash of a published warehouse.")
    parser.add_argument("--hash", type=Path, required=True, metavar="DUCKDB_PATH")
    args = parser.parse_args(argv)
    print(content_hash(args.hash))
    return 0


if __name__ == "__main__":
    sys.exit(main())
