"""Writing the raw tables as CSV files.

Small tables come as lists of text rows and go through ``csv.writer``. The large ones
(usage, ticket events, ...) come as column chunks (pyarrow arrays) and are written by
Arrow's CSV writer when no field needs quotes (it refuses otherwise), else by DuckDB's,
which quotes exactly like ``csv.writer`` (only fields with a comma, a quote or a line
break). Both write a null as an empty field; empty text is written as null.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cskpi.contract import BY_NAME, RawTable
from cskpi.demo.world import Row

# Never quotes; refuses (ArrowInvalid) a value with a comma, quote or line break.
_PLAIN = pacsv.WriteOptions(include_header=False, quoting_style="none")


class Output:
    """Writes one CSV per raw table and reports progress."""

    def __init__(self, out_dir: Path, log: Callable[[str], None] | None) -> None:
        self.out_dir, self.log = out_dir, log
        self.counts: dict[str, int] = {}
        self.clock = time.perf_counter()

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

    def write_columns(self, name: str, chunks: Iterable[dict[str, pa.Array]]) -> None:
        """Writes a table given as chunks of columns (contract names, text or numbers)."""
        table = BY_NAME[name]
        path, rows = self.path(table), 0
        con = duckdb.connect(config={"threads": 1})
        try:
            with path.open("wb") as f, tempfile.TemporaryDirectory(prefix="cskpi-demo-") as tmp:
                f.write((",".join(table.columns) + "\n").encode())  # plain names: no quoting
                part = Path(tmp) / "part.csv"
                for chunk in chunks:
                    missing = set(table.columns) - set(chunk)
                    if missing:
                        raise ValueError(f"{name}: chunk lacks columns {sorted(missing)}")
                    arrow = pa.table({c: _empty_as_null(chunk[c]) for c in table.columns})
                    if not len(arrow):
                        continue
                    try:  # no field needs quotes: Arrow's writer, twice as fast
                        pacsv.write_csv(arrow, part, _PLAIN)
                    except pa.ArrowInvalid:  # a comma, quote or line break: DuckDB's
                        con.register("chunk", arrow)
                        con.execute(f"copy chunk to '{part}' (format csv, header false, "
                                    "delimiter ',', quote '\"', escape '\"', new_line '\\n')")
                        con.unregister("chunk")
                    with part.open("rb") as src:
                        shutil.copyfileobj(src, f, 1 << 20)
                    rows += len(arrow)
        finally:
            con.close()
        self.done(name, rows)

    def done(self, name: str, rows: int) -> None:
        self.counts[name] = rows
        if self.log:
            table = BY_NAME[name]
            now = time.perf_counter()
            self.log(f"wrote {table.system}/{table.name}.csv: {rows:,} rows "
                     f"({now - self.clock:.1f} s)")
            self.clock = now




def _empty_as_null(values: pa.Array | object) -> pa.Array:
    array = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return pc.if_else(pc.equal(array, ""), pa.scalar(None, array.type), array)
    return array


def with_rows(name: str, chunks: Iterable[dict[str, pa.Array]],
              last: Callable[[int], list[Row]]) -> Iterator[dict[str, pa.Array]]:
    """The chunks, then ``last(rows so far)`` (text rows, e.g. planted bad rows) as one more."""
    columns, written = BY_NAME[name].columns, 0
    for chunk in chunks:
        written += len(chunk[columns[0]])
        yield chunk
    rows = last(written)
    if rows:
        yield {c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)}
