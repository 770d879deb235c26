"""Load a folder of raw CSV exports into PostgreSQL's raw schemas, every column as text.

The same contract checks as the DuckDB loader (``cskpi.loader.plan_load``): a missing
table or column refuses the whole load and nothing is written; extra columns are
ignored with a warning. Each file is streamed with ``COPY ... FROM STDIN`` into a
temporary table, then its contract columns replace the raw table's rows, all in one
transaction. Empty fields, quoted or not, are null, as in the DuckDB loader.
Connection settings come from the ``CS_KPIS_PG_*`` variables of profiles.example.yml.

    python -m cskpi.loader_postgres data/demo
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

from cskpi.loader import LoadError, TablePlan, plan_load


def connect() -> psycopg2.extensions.connection:
    env = os.environ
    return psycopg2.connect(
        host=env.get("CS_KPIS_PG_HOST", "localhost"),
        port=int(env.get("CS_KPIS_PG_PORT", "5432")),
        user=env["CS_KPIS_PG_USER"],
        password=env["CS_KPIS_PG_PASSWORD"],
        dbname=env["CS_KPIS_PG_DATABASE"],
    )


def _load_table(cur: psycopg2.extensions.cursor, plan: TablePlan) -> None:
    table = plan.table
    target = sql.Identifier(table.system, table.name)
    staged = [sql.Identifier(f"c{i}") for i in range(len(plan.file_columns))]
    lookup = {c.strip().lower(): i for i, c in enumerate(plan.file_columns)}
    cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(table.system)))
    cur.execute(sql.SQL("create table if not exists {} ({})").format(
        target, sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c))
                                   for c in table.columns)))
    cur.execute(sql.SQL("create temporary table cs_load ({}) on commit drop").format(
        sql.SQL(", ").join(sql.SQL("{} text").format(c) for c in staged)))
    with plan.path.open("rb") as handle:
        cur.copy_expert(sql.SQL(
            "copy cs_load from stdin with (format csv, header true, force_null ({}))"
        ).format(sql.SQL(", ").join(staged)), handle)
    cur.execute(sql.SQL("truncate {}").format(target))
    cur.execute(sql.SQL("insert into {} ({}) select {} from cs_load").format(
        target,
        sql.SQL(", ").join(sql.Identifier(c) for c in table.columns),
        sql.SQL(", ").join(staged[lookup[c]] for c in table.columns)))
    cur.execute("drop table cs_load")
    cur.execute(sql.SQL("analyze {}").format(target))  # statistics for the base models


def load_folder(raw_dir: Path | str, quiet: bool = False) -> dict[str, int]:
    """Load every raw table of ``raw_dir`` into Postgres; return rows per table."""
    say = (lambda *_: None) if quiet else (lambda msg: print(msg, flush=True))
    plans = plan_load(Path(raw_dir))
    parquet = [str(p.path) for p in plans if p.path.suffix != ".csv"]
    if parquet:
        raise LoadError("only CSV files load into Postgres, nothing was loaded: "
                        + ", ".join(parquet))
    for plan in plans:
        if plan.extra_columns:
            print(f"warning: {plan.path}: ignoring extra column(s) "
                  + ", ".join(repr(c) for c in plan.extra_columns), file=sys.stderr)
    counts: dict[str, int] = {}
    started = time.perf_counter()
    con = connect()
    try:
        with con, con.cursor() as cur:  # one transaction: commit, or roll back on error
            cur.execute("set client_encoding to 'UTF8'")
            for plan in plans:
                try:
                    _load_table(cur, plan)
                except psycopg2.DataError as exc:
                    raise LoadError(f"{plan.path}: could not be read ({exc}); "
                                    "nothing was loaded") from exc
                cur.execute(sql.SQL("select count(*) from {}").format(
                    sql.Identifier(plan.table.system, plan.table.name)))
                counts[plan.table.qualified] = cur.fetchone()[0]
                say(f"  loaded {plan.table.qualified:<34} "
                    f"{counts[plan.table.qualified]:>10,} rows")
    finally:
        con.close()
    say(f"  loaded {len(plans)} tables, {sum(counts.values()):,} rows in "
        f"{time.perf_counter() - started:.2f} s")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw_dir", type=Path, help="folder laid out <system>/<table>.csv")
    args = parser.parse_args(argv)
    print(f"==> loading {args.raw_dir} into Postgres "
          f"{os.environ.get('CS_KPIS_PG_DATABASE')}", flush=True)
    try:
        load_folder(args.raw_dir)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
