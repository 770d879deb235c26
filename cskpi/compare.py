"""Compare the marts of one engine's build with the DuckDB build, value for value.

    python -m cskpi.compare data/warehouse/cs_kpis.duckdb data/spark/export.duckdb \
        [--manifest target/manifest.json] [--all]

Both files are DuckDB (another engine's build arrives through `cskpi.export`). Every mart
and dim of the reference build (the models under models/marts/, read from dbt's manifest;
without one, every kpi_*, dim_* and fct_* table) must be in the candidate with the same
columns and the same rows, matched on the table's grain (its unique or
cs_unique_combination test). Values agree when:

- exact decimals (money, counts kept as decimals) differ by less than a tenth of a cent,
  |a - b| < 0.001;
- floating-point numbers (ratios, rates, scores) agree to 1e-9 relative,
  |a - b| <= 1e-9 * max(|a|, |b|) (or |a - b| < 1e-12, for values that are zero on one
  engine and a rounding residue on the other);
- everything else (integers, text, dates, timestamps, booleans) is equal;
- null equals only null.

Each difference is printed as the table, the column and the row's key, with both values
for numbers (text values are not printed: comments and names are personal data), and
the command exits 1. It exits 2 when a file is missing, 0 when every table agrees.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

MONEY_TOLERANCE = 0.001
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_FLOOR = 1e-12
EXAMPLES = 5


@dataclass
class Table:
    name: str
    key: list[str]


def _category(duckdb_type: str) -> str:
    t = duckdb_type.upper()
    if t.startswith("DECIMAL") or t.startswith("NUMERIC"):
        return "decimal"
    if t in {"DOUBLE", "FLOAT", "REAL"}:
        return "float"
    if t in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
             "UINTEGER", "UBIGINT", "UHUGEINT"}:
        return "integer"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t in {"DATE", "BOOLEAN"}:
        return t.lower()
    return "text"


def tables_from_manifest(manifest: Path) -> list[Table]:
    """The marts (models under models/marts/) with the grain their tests declare."""
    data = json.loads(manifest.read_text())
    marts = {uid: node for uid, node in data["nodes"].items()
             if node["resource_type"] == "model" and len(node["fqn"]) > 1
             and node["fqn"][1] == "marts" and node["config"].get("materialized") != "ephemeral"}
    keys: dict[str, list[str]] = {}
    for node in data["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        meta = node["test_metadata"]
        attached = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), None)
        if attached not in marts:
            continue
        kwargs = meta.get("kwargs", {})
        if meta["name"] == "cs_unique_combination" and kwargs.get("columns"):
            columns = list(kwargs["columns"])
        elif meta["name"] == "unique" and node.get("column_name"):
            columns = [node["column_name"]]
        else:
            continue
        best = keys.get(attached)
        if best is None or len(columns) < len(best):
            keys[attached] = columns
    return sorted((Table(node["alias"] or node["name"], keys.get(uid, []))
                   for uid, node in marts.items()), key=lambda t: t.name)


class Comparison:
    def __init__(self, reference: Path, candidate: Path) -> None:
        self.con = duckdb.connect()
        self.con.execute(f"attach '{reference}' as ref (read_only)")
        self.con.execute(f"attach '{candidate}' as cand (read_only)")
        self.differences: list[str] = []

    def relations(self, catalog: str) -> dict[str, str]:
        rows = self.con.execute(
            "select table_name, table_schema from information_schema.tables "
            "where table_catalog = ? order by table_schema = 'main' desc", [catalog]).fetchall()
        found: dict[str, str] = {}
        for name, schema in rows:
            found.setdefault(name, schema)
        return found

    def columns(self, catalog: str, schema: str, table: str) -> dict[str, str]:
        rows = self.con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = ? and table_schema = ? and table_name = ? "
            "order by ordinal_position", [catalog, schema, table]).fetchall()
        return {name.lower(): data_type for name, data_type in rows}

    def fail(self, message: str) -> None:
        self.differences.append(message)
        print(f"  DIFF {message}", flush=True)

    def compare(self, table: Table, ref_schema: str, cand_schema: str) -> bool:
        before = len(self.differences)
        ref_cols = self.columns("ref", ref_schema, table.name)
        cand_cols = self.columns("cand", cand_schema, table.name)
        for column in ref_cols.keys() - cand_cols.keys():
            self.fail(f"{table.name}.{column}: column missing from the candidate")
        for column in cand_cols.keys() - ref_cols.keys():
            self.fail(f"{table.name}.{column}: column only in the candidate")
        common = [c for c in ref_cols if c in cand_cols]
        for column in common:
            if _category(ref_cols[column]) != _category(cand_cols[column]):
                self.fail(f"{table.name}.{column}: type {cand_cols[column]} is not "
                          f"{ref_cols[column]} ({_category(ref_cols[column])})")
        key = [c for c in table.key if c in common]
        ref_rel = f'ref."{ref_schema}"."{table.name}"'
        cand_rel = f'cand."{cand_schema}"."{table.name}"'
        if not key:
            # No declared grain: compare the tables as bags of whole rows.
            cols = ", ".join(f'"{c}"' for c in common)
            for a, b, side in ((ref_rel, cand_rel, "missing from the candidate"),
                               (cand_rel, ref_rel, "only in the candidate")):
                (n,) = self.con.execute(
                    f"select count(*) from (select {cols} from {a} except all "
                    f"select {cols} from {b})").fetchone()
                if n:
                    self.fail(f"{table.name}: {n} row(s) {side} (no grain test: whole rows "
                              "compared)")
            return len(self.differences) == before
        on = " and ".join(f'r."{k}" is not distinct from c."{k}"' for k in key)
        key_text = " || ', ' || ".join(
            f"'{k}=' || coalesce(cast(coalesce(r.\"{k}\", c.\"{k}\") as varchar), 'null')"
            for k in key)
        joined = (f"from (select *, true as cs__ref from {ref_rel}) as r "
                  f"full outer join (select *, true as cs__cand from {cand_rel}) as c on {on}")
        for flag, side in (("c.cs__cand", "missing from the candidate"),
                           ("r.cs__ref", "only in the candidate")):
            rows = self.con.execute(
                f"select {key_text}, count(*) over () {joined} where {flag} is null "
                f"order by 1 limit {EXAMPLES}").fetchall()
            if rows:
                examples = "; ".join(r[0] for r in rows)
                self.fail(f"{table.name}: {rows[0][1]} row(s) {side}, e.g. {examples}")
        for column in common:
            if column in key:
                continue
            category = _category(ref_cols[column])
            a, b = f'r."{column}"', f'c."{column}"'
            if category == "decimal":
                differs = (f"abs(cast({a} as decimal(38, 9)) - cast({b} as decimal(38, 9))) "
                           f">= {MONEY_TOLERANCE}")
            elif category == "float" or _category(cand_cols[column]) == "float":
                differs = (f"abs(cast({a} as double) - cast({b} as double)) > greatest("
                           f"{RELATIVE_TOLERANCE} * greatest(abs(cast({a} as double)), "
                           f"abs(cast({b} as double))), {ABSOLUTE_FLOOR})")
            else:
                differs = f"{a} is distinct from {b}"
            condition = (f"r.cs__ref and c.cs__cand and (({a} is null) <> ({b} is null) "
                         f"or ({a} is not null and {b} is not null and ({differs})))")
            shown = (f"cast({a} as varchar) || ' vs ' || cast({b} as varchar)"
                     if category in {"decimal", "float", "integer", "date", "timestamp",
                                     "boolean"} else "'(text differs)'")
            rows = self.con.execute(
                f"select {key_text}, coalesce({shown}, "
                f"case when {a} is null then 'null vs a value' else 'a value vs null' end), "
                f"count(*) over () {joined} where {condition} order by 1 limit {EXAMPLES}"
            ).fetchall()
            if rows:
                examples = "; ".join(f"{r[0]}: {r[1]}" for r in rows)
                self.fail(f"{table.name}.{column}: {rows[0][2]} row(s) differ, e.g. {examples}")
        return len(self.differences) == before


def compare_raw(comparison: Comparison, label: str) -> None:
    """Every raw table, as loaded, must hold the same rows (every column as text)."""
    from cskpi.contract import RAW_TABLES

    for table in RAW_TABLES:
        columns = ", ".join(f'"{c}"' for c in table.columns)
        rels = (f'ref."{table.system}"."{table.name}"', f'cand."{table.system}"."{table.name}"')
        try:
            counts = [comparison.con.execute(
                f"select count(*) from (select {columns} from {a} except all "
                f"select {columns} from {b})").fetchone()[0]
                for a, b in (rels, rels[::-1])]
        except duckdb.Error:
            comparison.fail(f"{table.qualified}: raw table missing from one build")
            continue
        if any(counts):
            comparison.fail(f"{table.qualified}: {counts[0]} raw row(s) missing from the "
                            f"{label} load, {counts[1]} only in it")
        else:
            print(f"  same  {table.qualified:<40} (raw, as loaded)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", type=Path, help="the DuckDB build (reference)")
    parser.add_argument("candidate", type=Path, help="another engine's build, exported")
    parser.add_argument("--manifest", type=Path, default=Path("target/manifest.json"),
                        help="dbt manifest naming the marts and their grain")
    parser.add_argument("--all", action="store_true",
                        help="compare every relation in both files, not only the marts")
    parser.add_argument("--only", help="comma-separated marts to compare (default: all)")
    parser.add_argument("--raw", action="store_true",
                        help="also compare the raw tables as loaded (the loaders' output)")
    parser.add_argument("--label", default=None, help="engine name for the summary line")
    args = parser.parse_args(argv)
    for path in (args.reference, args.candidate):
        if not path.is_file():
            print(f"error: {path} not found: build and export that warehouse first",
                  file=sys.stderr)
            return 2
    comparison = Comparison(args.reference, args.candidate)
    ref_relations = comparison.relations("ref")
    cand_relations = comparison.relations("cand")
    if args.manifest.is_file():
        tables = tables_from_manifest(args.manifest)
    else:
        tables = [Table(n, []) for n in sorted(ref_relations)
                  if n.startswith(("kpi_", "dim_", "fct_"))]
    if args.only:
        tables = [t for t in tables if t.name in args.only.split(",")]
    if args.all:
        known = {t.name for t in tables}
        tables += [Table(n, []) for n in sorted(ref_relations.keys() & cand_relations.keys())
                   if n not in known]
    if not tables:
        print("error: no marts found in the reference build", file=sys.stderr)
        return 2
    label = args.label or args.candidate.parent.name
    if args.raw:
        compare_raw(comparison, label)
    agreed = 0
    for table in tables:
        if table.name not in ref_relations:
            comparison.fail(f"{table.name}: not in the reference build")
            continue
        if table.name not in cand_relations:
            comparison.fail(f"{table.name}: not in the {label} build")
            continue
        (rows,) = comparison.con.execute(
            f'select count(*) from ref."{ref_relations[table.name]}"."{table.name}"').fetchone()
        if comparison.compare(table, ref_relations[table.name], cand_relations[table.name]):
            agreed += 1
            print(f"  same  {table.name:<40} {rows:>8,} rows"
                  f"  (key: {', '.join(table.key) or 'whole rows'})", flush=True)
    if comparison.differences:
        print(f"error: {label} differs from DuckDB in {len(tables) - agreed} of {len(tables)} "
              f"tables ({len(comparison.differences)} differences above)", file=sys.stderr)
        return 1
    print(f"==> {label}: all {len(tables)} marts equal the DuckDB build value for value",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
