"""Print the headline KPIs of the last complete month, then one line on rejected rows.

    python -m cskpi.report [--duckdb-path data/warehouse/cs_kpis.duckdb] [--currency USD]

Reads `kpi_scorecard` (one row per month with the overall headline of every mart) and
`fct_rejected_row_counts` (counts only: the rejected rows themselves stay in the
working warehouse's audit model). Labels, units and formats come from
`cskpi.presentation`, the same ones the dashboard shows.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from cskpi import presentation
from cskpi.loader import DEFAULT_DUCKDB_PATH

AUDIT_MODEL = "stg_audit__rejected_rows"
DASHBOARD_PAGE = "make dashboard -> Data quality"


def headline_lines(scorecard_row: dict[str, object], currency: str) -> list[str]:
    """The headline as aligned 'label  value' lines, in presentation.HEADLINE's order."""
    shown = [k for k in presentation.HEADLINE if k.column in scorecard_row]
    width = max(len(k.label) for k in shown)
    return [
        f"    {k.label:<{width}}  "
        f"{presentation.format_value(k.unit, scorecard_row[k.column], currency):>22}"
        for k in shown
    ]


def rejected_line(total: int, tables: int) -> str:
    if total == 0:
        return "no raw row was rejected by staging"
    return (f"{total:,} raw rows in {tables} table{'s' if tables != 1 else ''} were "
            f"rejected by staging: counts per table and reason on the dashboard "
            f"({DASHBOARD_PAGE}), each row with its reason in {AUDIT_MODEL} "
            "(working warehouse)")


def print_headline(duckdb_path: Path | str, currency: str = "USD") -> None:
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
            print(f"\n==> headline KPIs, {values['month']:%B %Y} "
                  f"(last complete month; money in {currency})")
            print("\n".join(headline_lines(values, currency)))
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables").fetchall()}
        if "fct_rejected_row_counts" in tables:
            total, n_tables = con.execute(
                "select coalesce(sum(rejected_rows), 0), count(distinct source_table) "
                "from fct_rejected_row_counts").fetchone()
            print(f"\n==> {rejected_line(int(total), int(n_tables))}")
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb-path",
                        default=os.environ.get("DUCKDB_PATH", DEFAULT_DUCKDB_PATH))
    parser.add_argument("--currency", default="USD",
                        help="the build's reporting currency (var reporting_currency)")
    args = parser.parse_args(argv)
    print_headline(args.duckdb_path, args.currency)
    return 0


if __name__ == "__main__":
    sys.exit(main())
