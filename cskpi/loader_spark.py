"""Load a folder of raw exports into Spark's raw databases, every column as a string.

The same contract checks as the DuckDB loader (``cskpi.loader.plan_load``): a missing
table or column refuses the whole load and nothing is written; extra columns are
ignored with a warning. Each CSV is read as the DuckDB loader reads it: a header line,
comma-separated, fields quoted with ``"`` and a quote doubled inside them, line breaks
inside quoted fields, no type sniffing, and an empty field (quoted or not) as null.

Spark has no transaction over several tables, so every table is first written into a
loading table beside it (``<table>__cs_loading``, Spark renames only within a database);
only when all of them were read and written do they replace the raw tables, which stay
as they were if any file fails.

    python -m cskpi.loader_spark data/demo

The Spark session is the local one of ``cskpi.spark_session`` (Hive catalog on a Derby
metastore in $CS_KPIS_SPARK_HOME, default data/spark).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cskpi.loader import LoadError, TablePlan, plan_load

LOADING_SUFFIX = "__cs_loading"


def read_table(spark, plan: TablePlan):
    """A DataFrame of the file's contract columns, all strings, in contract order."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    positional = [f"c{i}" for i in range(len(plan.file_columns))]
    lookup = {c.strip().lower(): positional[i] for i, c in enumerate(plan.file_columns)}
    path = str(plan.path.resolve())
    if plan.path.suffix == ".parquet":
        frame = spark.read.parquet(path)
        frame = frame.toDF(*positional)
    else:
        schema = StructType([StructField(c, StringType(), True) for c in positional])
        frame = (
            spark.read.schema(schema)
            .option("header", True)
            .option("enforceSchema", True)
            .option("multiLine", True)
            .option("sep", ",")
            .option("quote", '"')
            .option("escape", '"')
            .option("encoding", "UTF-8")
            .option("mode", "FAILFAST")
            .option("ignoreLeadingWhiteSpace", False)
            .option("ignoreTrailingWhiteSpace", False)
            .csv(path)
        )
    columns = []
    for column in plan.table.columns:
        value = F.col(lookup[column]).cast("string")
        # DuckDB reads an empty field as null whether it was quoted or not.
        columns.append(F.when(value == "", F.lit(None)).otherwise(value).alias(column))
    return frame.select(*columns)


def load_folder(raw_dir: Path | str, spark=None, quiet: bool = False) -> dict[str, int]:
    """Load every raw table of ``raw_dir`` into Spark; return rows per table."""
    say = (lambda *_: None) if quiet else (lambda msg: print(msg, flush=True))
    plans = plan_load(Path(raw_dir))
    for plan in plans:
        if plan.extra_columns:
            print(f"warning: {plan.path}: ignoring extra column(s) "
                  + ", ".join(repr(c) for c in plan.extra_columns), file=sys.stderr)
    if spark is None:
        from cskpi.spark_session import session

        spark = session("cs_kpis loader")
    started = time.perf_counter()
    counts: dict[str, int] = {}
    staged = {plan.table.qualified: f"{plan.table.qualified}{LOADING_SUFFIX}" for plan in plans}

    def drop_staged() -> None:
        for name in staged.values():
            spark.sql(f"drop table if exists {name}")

    for system in dict.fromkeys(plan.table.system for plan in plans):
        spark.sql(f"create database if not exists {system}")
    drop_staged()
    try:
        for plan in plans:
            t0 = time.perf_counter()
            target = staged[plan.table.qualified]
            try:
                read_table(spark, plan).write.format("parquet").saveAsTable(target)
            except Exception as exc:  # Spark raises Py4J/analysis errors of many kinds
                first = str(exc).strip().splitlines()[0][:300]
                raise LoadError(f"{plan.path}: could not be read ({first}); "
                                "nothing was loaded") from None
            counts[plan.table.qualified] = spark.table(target).count()
            say(f"  read   {plan.table.qualified:<34} {counts[plan.table.qualified]:>10,} rows"
                f"  {time.perf_counter() - t0:6.2f} s")
        # Every file was read: only now do the raw tables change.
        for plan in plans:
            name = plan.table.qualified
            spark.sql(f"drop table if exists {name}")
            spark.sql(f"alter table {staged[name]} rename to {name}")
    finally:
        drop_staged()
    say(f"  loaded {len(plans)} tables, {sum(counts.values()):,} rows in "
        f"{time.perf_counter() - started:.2f} s")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw_dir", type=Path, help="folder laid out <system>/<table>.csv")
    args = parser.parse_args(argv)
    print(f"==> loading {args.raw_dir} into Spark", flush=True)
    try:
        load_folder(args.raw_dir)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
