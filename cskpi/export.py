"""Copy the relations dbt built on another engine into a DuckDB file, types kept.

    python -m cskpi.export --engine spark --out data/spark/export.duckdb
    python -m cskpi.export --engine postgres --out data/postgres/export.duckdb

The BI-facing tables of the engine's dbt schema (``--all``: every relation) are read
through the engine (Spark:
the local session's catalog; PostgreSQL: the CS_KPIS_PG_* connection) and written into
the DuckDB file's `main` schema through Arrow (the raw tables too, in their systems'
schemas, so `cskpi.compare --raw` can check the loader), so decimals stay decimals, dates stay
dates and nulls stay nulls. The file is then what `cskpi.validate`, `cskpi.report` and
`cskpi.compare` read: the same checks for every engine, on what the engine computed.
The file is written beside and renamed into place, so a reader never sees half of it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from cskpi.contract import RAW_TABLES
from cskpi.engines import manifest_path
from cskpi.publish import is_published, semantic_layer_relations

DEFAULT_SPARK_SCHEMA = "cs_kpis"


# Besides the BI-facing relations, what the checks on the export read: the month spine
# (Great Expectations' row-per-month checks).
CHECKED_TOO = ("int_months",)


def wanted(engine: str, everything: bool = False, only: set[str] | None = None
           ) -> Callable[[str], bool]:
    """Which relations of the engine's dbt schema to export: by default what BI reads
    (the published relations, cskpi.publish) and the month spine, not the ~80 base_,
    stg_ and int_ relations nothing downstream of the export reads."""
    if only:
        return lambda name: name in only
    if everything:
        return lambda name: True
    semantic = semantic_layer_relations(manifest_path(engine))
    return lambda name: is_published(name, semantic) or name in CHECKED_TOO


def spark_tables(schema: str, keep: Callable[[str], bool], raw: bool = True
                 ) -> Iterator[tuple[str, str, pa.Table]]:
    from cskpi.spark_session import session

    spark = session("cs_kpis export")
    names = sorted(row.tableName for row in spark.sql(f"show tables in {schema}").collect()
                   if not row.isTemporary and keep(row.tableName))
    for name in names:
        yield "main", name, spark.table(f"{schema}.{name}").toArrow()
    # The raw tables as loaded, for `cskpi.compare --raw`.
    for table in RAW_TABLES if raw else ():
        yield table.system, table.name, spark.table(table.qualified).toArrow()


def postgres_tables(schema: str, keep: Callable[[str], bool]
                    ) -> Iterator[tuple[str, str, pa.Table]]:
    from cskpi.loader_postgres import connect

    con = connect()
    try:
        with con.cursor() as cur:
            cur.execute("select table_name from information_schema.tables "
                        "where table_schema = %s order by table_name", (schema,))
            names = [("main", schema, r[0]) for r in cur.fetchall() if keep(r[0])]
            names += [(t.system, t.system, t.name) for t in RAW_TABLES]
            for target, source, name in names:
                cur.execute(f'select * from "{source}"."{name}"')
                columns = [d.name for d in cur.description]
                rows = cur.fetchall()
                arrays = [pa.array([r[i] for r in rows], from_pandas=False)
                          for i in range(len(columns))]
                yield target, name, pa.Table.from_arrays(arrays, names=columns)
    finally:
        con.close()


def export(engine: str, out: Path, schema: str | None = None, quiet: bool = False,
           only: set[str] | None = None, everything: bool = False) -> int:
    """Write the BI-facing relations of the engine's dbt schema (``everything``: all of
    them; ``only``: those named, no raw tables) into `out`; return the count."""
    keep = wanted(engine, everything, only)
    if engine == "spark":
        tables = spark_tables(schema or os.environ.get("CS_KPIS_SPARK_SCHEMA",
                                                       DEFAULT_SPARK_SCHEMA), keep,
                              raw=not only)
    elif engine == "postgres":
        from cskpi.publish_postgres import work_schema  # dbt's schema, not the published

        tables = postgres_tables(schema or work_schema(), keep)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    count = 0
    con = duckdb.connect(str(partial))
    try:
        for target, name, table in tables:
            con.register("exported", table)
            con.execute(f'create schema if not exists "{target}"')
            con.execute(f'create table "{target}"."{name}" as select * from exported')
            con.unregister("exported")
            count += 1
    finally:
        con.close()
    partial.replace(out)
    if not quiet:
        print(f"  exported {count} relations from {engine} to {out} in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["spark", "postgres"], required=True)
    parser.add_argument("--out", type=Path, required=True, help="DuckDB file to write")
    parser.add_argument("--schema", help="the engine's dbt schema (default: the profile's)")
    parser.add_argument("--only", help="comma-separated relations (default: the BI-facing "
                        "ones, the month spine and the raw tables)")
    parser.add_argument("--all", action="store_true", dest="everything",
                        help="every relation of the dbt schema, base_ to kpi_")
    args = parser.parse_args(argv)
    export(args.engine, args.out, args.schema,
           only=set(args.only.split(",")) if args.only else None,
           everything=args.everything)
    return 0


if __name__ == "__main__":
    sys.exit(main())
