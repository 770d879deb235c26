"""Load a folder of raw exports into the warehouse's raw schemas, every column as text.

The folder is laid out ``<system>/<table>.csv`` (or ``.parquet``), as the raw contract
names the tables. Before anything is written, every table's file and header is checked:
a missing file or column refuses the whole load with a message naming the file and the
column, and the raw data already in the warehouse stay as they were. Extra columns are
ignored with a warning. The load itself runs in one transaction.

    python -m cskpi.loader data/demo [--duckdb-path data/warehouse/cs_kpis.duckdb]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cskpi.contract import RAW_TABLES, RawTable

DEFAULT_DUCKDB_PATH = "data/warehouse/cs_kpis.duckdb"


class LoadError(Exception):
    """The folder breaks the raw contract; nothing was loaded."""


@dataclass
class TablePlan:
    table: RawTable
    path: Path
    file_columns: list[str]
    extra_columns: list[str] = field(default_factory=list)


def _find_file(raw_dir: Path, table: RawTable) -> Path | None:
    """The table's file; a directory in its place is refused by name."""
    for suffix in (".csv", ".parquet"):
        candidate = raw_dir / table.system / f"{table.name}{suffix}"
        if candidate.is_dir():
            raise LoadError(f"{candidate} is a directory, not a file: put the "
                            f"{table.qualified} export there as one file")
        if candidate.is_file():
            return candidate
    return None


def _header(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        try:
            rows = duckdb.sql(
                "select name from parquet_schema(?) where name <> 'duckdb_schema' "
                "and num_children is null",
                params=[str(path)],
            ).fetchall()
        except duckdb.Error:
            raise LoadError(f"{path}: not a readable Parquet file") from None
        return [r[0] for r in rows]
    with path.open("rb") as handle:
        first_line = handle.readline(1 << 20)
    try:
        text = first_line.decode("utf-8-sig")
        return next(csv.reader([text.rstrip("\r\n")]), [])
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path}: the header is not UTF-8 (byte {exc.start + 1}): export "
                        "the file as UTF-8") from None
    except csv.Error as exc:
        raise LoadError(f"{path}: line 1: the header cannot be parsed ({exc})") from None


def plan_load(raw_dir: Path) -> list[TablePlan]:
    """Check the folder against the contract; raise LoadError listing every problem."""
    problems: list[str] = []
    plans: list[TablePlan] = []
    if not raw_dir.is_dir():
        raise LoadError(f"raw folder not found: {raw_dir}")
    for table in RAW_TABLES:
        try:
            path = _find_file(raw_dir, table)
        except LoadError as exc:
            problems.append(str(exc))
            continue
        if path is None:
            problems.append(
                f"missing table {table.qualified}: expected "
                f"{raw_dir / table.system / (table.name + '.csv')} (or .parquet)"
            )
            continue
        try:
            columns = _header(path)
        except LoadError as exc:
            problems.append(str(exc))
            continue
        normalised = [c.strip().lower() for c in columns]
        repeated = sorted({c for c in normalised if normalised.count(c) > 1 and c})
        if repeated:
            problems.append(f"{path}: duplicated header column(s) "
                            + ", ".join(repr(c) for c in repeated))
            continue
        for column in table.columns:
            if column not in normalised:
                problems.append(f"{path}: missing column '{column}' (table {table.qualified})")
        extra = [c for c, n in zip(columns, normalised, strict=True) if n not in table.columns]
        plans.append(TablePlan(table, path, columns, extra))
    if problems:
        more = f" (and {len(problems) - 1} more: {'; '.join(problems[1:])})" \
            if len(problems) > 1 else ""
        raise LoadError(f"raw folder refused: {problems[0]}{more}")
    return plans


def _locate_csv_problem(path: Path, columns: int) -> str | None:
    """The first line of a CSV that is not UTF-8 or has the wrong number of fields."""
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            try:
                raw_line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                return f"line {number}: not valid UTF-8"
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            for row in reader:
                if len(row) != columns and row:
                    return (f"line {reader.line_num}: {len(row)} fields where the header "
                            f"has {columns}")
        except csv.Error:
            return f"line {reader.line_num}: an unterminated quoted value"
    return None


def _read_error(plan: TablePlan, exc: duckdb.Error) -> str:
    """One line about a file DuckDB could not read: the file, the line, the kind of
    problem, never the row (raw rows hold personal data)."""
    path = plan.path
    problem = None
    if path.suffix == ".csv":
        problem = _locate_csv_problem(path, len(plan.file_columns))
    if problem is None:
        first = str(exc).splitlines()[0].lower() if str(exc) else ""
        line = re.search(r"(?i)line:?\s*(\d+)", str(exc))
        where = f"line {line.group(1)}: " if line else ""
        kind = "a value of the wrong type" if "convert" in first or "cast" in first \
            else "cannot be parsed" if path.suffix == ".csv" else "cannot be read"
        problem = f"{where}{kind}"
    return f"{path}: {problem}; fix the export and run again"


def _select_sql(plan: TablePlan) -> tuple[str, list[str]]:
    """SQL reading the file with every contract column as text, plus its parameters."""
    lookup = {c.strip().lower(): c for c in plan.file_columns}
    if plan.path.suffix == ".parquet":
        source = "read_parquet(?)"
    else:
        # Explicit names and types: no sniffing, so an empty file or a column of
        # digits still arrives as text exactly as exported.
        struct = ", ".join(
            f"'{c.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for c in plan.file_columns
        )
        source = (
            "read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', columns = {{{struct}}})"
        )
    select = ", ".join(
        f'cast("{lookup[c]}" as varchar) as "{c}"' for c in plan.table.columns
    )
    return f"select {select} from {source}", [str(plan.path)]


def load_folder(raw_dir: Path | str, duckdb_path: Path | str,
                quiet: bool = False) -> dict[str, int]:
    """Load every raw table of ``raw_dir`` into ``duckdb_path``; return rows per table."""
    raw_dir = Path(raw_dir)
    say = (lambda *_: None) if quiet else (lambda msg: print(msg, flush=True))
    plans = plan_load(raw_dir)
    for plan in plans:
        if plan.extra_columns:
            print(
                f"warning: {plan.path}: ignoring extra column(s) "
                + ", ".join(repr(c) for c in plan.extra_columns),
                file=sys.stderr,
                flush=True,
            )
    Path(duckdb_path).parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    started = time.perf_counter()
    try:
        con = duckdb.connect(str(duckdb_path))
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise LoadError(f"cannot open {duckdb_path} for writing ({reason})") from None
    try:
        # A typed Parquet TIMESTAMPTZ becomes text in UTC, whatever the machine's TZ.
        con.execute("set TimeZone = 'UTC'")
        con.begin()
        for plan in plans:
            t0 = time.perf_counter()
            table = plan.table
            sql, params = _select_sql(plan)
            con.execute(f'create schema if not exists "{table.system}"')
            try:
                con.execute(
                    f'create or replace table "{table.system}"."{table.name}" as {sql}', params
                )
            except duckdb.Error as exc:
                raise LoadError(_read_error(plan, exc)) from None
            (rows,) = con.execute(
                f'select count(*) from "{table.system}"."{table.name}"'
            ).fetchone()
            counts[table.qualified] = rows
            seconds = time.perf_counter() - t0
            say(f"  loaded {table.qualified:<34} {rows:>10,} rows  {seconds:6.2f} s")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
    say(f"  loaded {len(plans)} tables, {sum(counts.values()):,} rows in "
        f"{time.perf_counter() - started:.2f} s")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw_dir", type=Path, help="folder laid out <system>/<table>.csv")
    parser.add_argument(
        "--duckdb-path",
        default=os.environ.get("DUCKDB_PATH", DEFAULT_DUCKDB_PATH),
        help="DuckDB file to load into (default: $DUCKDB_PATH or %(default)s)",
    )
    args = parser.parse_args(argv)
    print(f"==> loading {args.raw_dir} into {args.duckdb_path}", flush=True)
    try:
        load_folder(args.raw_dir, args.duckdb_path)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
