"""Print the headline KPIs of the last complete month, and what staging rejected.

    python -m cskpi.report [--duckdb-path data/warehouse/cs_kpis.duckdb]

Reads `kpi_scorecard` (one row per month with the overall headline of every mart).
"""

from __future__ import annotations

import argparse
import os
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

from cskpi.loader import DEFAULT_DUCKDB_PATH

# Fractions shown as percentages: rates, shares, retention ratios, growth.
PERCENT_SUFFIXES = ("_rate", "_share", "_growth")
PERCENT_PREFIXES = ("nrr_", "grr_")


def format_value(column: str, value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        number = float(value)
        if column.endswith(PERCENT_SUFFIXES) or column.startswith(PERCENT_PREFIXES):
            return f"{number * 100:,.2f} %"
        return f"{number:,.2f}"
    return str(value)


def print_headline(duckdb_path: Path | str) -> None:
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        cursor = con.execute(
            "select * from kpi_scorecard where is_complete_month "
            "order by month desc limit 1"
        )
        names = [d[0] for d in cursor.description]
        row = cursor.fetchone()
        if row is None:
            print("\nno complete month yet: the scorecard is empty")
        else:
            values = dict(zip(names, row, strict=True))
            print(f"\n==> headline KPIs, {values['month']:%B %Y} (last complete month)")
            width = max(len(n) for n in names)
            for name in names:
                if name in ("month", "is_complete_month"):
                    continue
                print(f"    {name:<{width}}  {format_value(name, values[name]):>18}")
        rejected = con.execute(
            "select source_table, rejection_reason, count(*) from stg_audit__rejected_rows "
            "group by 1, 2 order by 1, 2"
        ).fetchall()
        if rejected:
            total = sum(r[2] for r in rejected)
            print(f"\n==> {total:,} raw rows rejected by staging "
                  "(details: table stg_audit__rejected_rows)")
            for source_table, reason, count in rejected:
                print(f"    {source_table:<34} {reason:<22} {count:>8,}")
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb-path",
                        default=os.environ.get("DUCKDB_PATH", DEFAULT_DUCKDB_PATH))
    args = parser.parse_args(argv)
    print_headline(args.duckdb_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
