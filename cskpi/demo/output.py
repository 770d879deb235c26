"""Writing the raw tables as CSV files."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from cskpi.contract import BY_NAME, RawTable
from cskpi.demo.world import Row


# =========================================================================== writing
class Output:
    """Writes one CSV per raw table and reports progress."""

    def __init__(self, out_dir: Path, log: Callable[[str], None] | None) -> None:
        self.out_dir, self.log = out_dir, log
        self.counts: dict[str, int] = {}

    def path(self, table: RawTable) -> Path:
        path = self.out_dir / table.system / f"{table.name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, name: str, rows: list[Row]) -> None:
        table = BY_NAME[name]
        with self.path(table).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(table.columns)
            for row in rows:
                if len(row) != len(table.columns):
                    raise ValueError(f"{name}: row has {len(row)} values: {row}")
            writer.writerows(rows)
        self.done(name, len(rows))

    def done(self, name: str, rows: int) -> None:
        self.counts[name] = rows
        if self.log:
            table = BY_NAME[name]
            self.log(f"wrote {table.system}/{table.name}.csv: {rows:,} rows")


