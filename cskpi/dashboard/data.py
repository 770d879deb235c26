"""Read-only access to the published warehouse, for the dashboard pages."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

DEFAULT_PATH = "data/warehouse/cs_kpis.duckdb"


def warehouse_path() -> Path:
    """The published file: $DUCKDB_PATH, else the project's default."""
    return Path(os.environ.get("DUCKDB_PATH", DEFAULT_PATH))


def snapshot_id(path: Path) -> tuple[str, int]:
    """Changes whenever a build publishes a new file (an atomic rename gives a new
    inode and modification time), so cached query results follow the new snapshot."""
    stat = path.stat()
    return (str(path), stat.st_mtime_ns ^ stat.st_ino)


def read(path: Path, sql: str, params: list[object] | None = None) -> pd.DataFrame:
    """Run one query on a connection of its own, opened read-only and closed at once:
    the file is never held between page loads."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def relations(path: Path) -> set[str]:
    frame = read(path, "select table_name from information_schema.tables")
    return set(frame["table_name"])
