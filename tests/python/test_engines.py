"""Engines: the comparison tool, portable SQL and yml, and the Spark loader.

The three-engine build itself runs in .ci/run (`make test-engines`), not here: it needs
a PostgreSQL server and a Spark session and takes minutes. These tests prove the parts
that decide whether that comparison can fail: the tolerances, the row keys, and that no
model carries engine-specific SQL.
"""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cskpi import compare, edge_cases

PROJECT = Path(__file__).resolve().parents[2]


def _warehouse(path: Path, rows: list[tuple]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create table kpi_demo (month date, dimension varchar, "
                "mrr decimal(38, 6), rate double, customers bigint, note varchar)")
    con.executemany("insert into kpi_demo values (?, ?, ?, ?, ?, ?)", rows)
    con.close()
    return path


def _manifest(path: Path) -> Path:
    path.write_text(json.dumps({"nodes": {
        "model.cs_kpis.kpi_demo": {"resource_type": "model", "fqn": ["cs_kpis", "marts", "x",
                                   "kpi_demo"], "config": {"materialized": "table"},
                                   "alias": "kpi_demo", "name": "kpi_demo"},
        "test.cs_kpis.grain": {"resource_type": "test", "attached_node": "model.cs_kpis.kpi_demo",
                               "depends_on": {"nodes": ["model.cs_kpis.kpi_demo"]},
                               "test_metadata": {"name": "cs_unique_combination",
                                                 "kwargs": {"columns": ["month", "dimension"]}}},
    }}))
    return path


REFERENCE = [
    ("2026-01-01", "overall", Decimal("1200.000000"), 0.123456789012, 10, "a\tb"),
    ("2026-01-01", "smb", Decimal("100.000000"), None, 3, None),
    ("2026-02-01", "overall", Decimal("0.000000"), 0.0, 0, "«price»"),
]


def _run(tmp_path: Path, candidate_rows: list[tuple], capsys) -> tuple[int, str]:
    ref = _warehouse(tmp_path / "ref.duckdb", REFERENCE)
    cand = _warehouse(tmp_path / "cand.duckdb", candidate_rows)
    code = compare.main([str(ref), str(cand), "--manifest", str(_manifest(tmp_path / "m.json")),
                         "--label", "spark"])
    out = capsys.readouterr()
    return code, out.out + out.err


def _with(index: int, column: int, value) -> list[tuple]:
    rows = [list(r) for r in REFERENCE]
    rows[index][column] = value
    return [tuple(r) for r in rows]


def test_identical_builds_agree_within_the_tolerances(tmp_path, capsys):
    close = _with(0, 2, Decimal("1200.000900"))  # less than a tenth of a cent
    close[0] = close[0][:3] + (0.123456789012 * (1 + 5e-10),) + close[0][4:]
    close[2] = close[2][:3] + (1e-15,) + close[2][4:]  # a rounding residue of zero
    code, out = _run(tmp_path, list(reversed(close)), capsys)
    assert code == 0, out
    assert "all 1 marts equal" in out


def test_money_off_by_a_tenth_of_a_cent_names_table_column_and_key(tmp_path, capsys):
    code, out = _run(tmp_path, _with(0, 2, Decimal("1200.001000")), capsys)
    assert code == 1
    assert "kpi_demo.mrr: 1 row(s) differ, e.g. month=2026-01-01, dimension=overall" in out
    assert "1200.000000 vs 1200.001000" in out


def test_a_ratio_off_by_more_than_1e_9_relative_fails(tmp_path, capsys):
    code, out = _run(tmp_path, _with(0, 3, 0.123456789012 * (1 + 3e-9)), capsys)
    assert code == 1
    assert "kpi_demo.rate" in out and "dimension=overall" in out


def test_null_equals_only_null(tmp_path, capsys):
    code, out = _run(tmp_path, _with(1, 3, 0.0), capsys)
    assert code == 1
    assert "kpi_demo.rate" in out and "dimension=smb" in out and "null vs a value" in out


def test_text_must_be_equal_and_is_not_printed(tmp_path, capsys):
    code, out = _run(tmp_path, _with(0, 5, "a b"), capsys)
    assert code == 1
    assert "kpi_demo.note: 1 row(s) differ" in out and "(text differs)" in out
    assert "a b" not in out


def test_missing_and_extra_rows_are_named_by_key(tmp_path, capsys):
    rows = REFERENCE[:2] + [("2026-03-01", "overall", Decimal("1"), 1.0, 1, None)]
    code, out = _run(tmp_path, rows, capsys)
    assert code == 1
    assert "1 row(s) missing from the candidate, e.g. month=2026-02-01, dimension=overall" in out
    assert "1 row(s) only in the candidate, e.g. month=2026-03-01, dimension=overall" in out


def test_a_missing_table_or_file_fails(tmp_path, capsys):
    ref = _warehouse(tmp_path / "ref.duckdb", REFERENCE)
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    manifest = str(_manifest(tmp_path / "m.json"))
    assert compare.main([str(ref), str(empty), "--manifest", manifest]) == 1
    assert "kpi_demo: not in the" in capsys.readouterr().out
    assert compare.main([str(ref), str(tmp_path / "nope.duckdb"), "--manifest", manifest]) == 2


# --- no engine-specific SQL or types in models, contracts and seeds --------------------------

ENGINE_BRANCH = re.compile(r"target\.type|adapter\.type\(\)|target\.name")
BARE_VARCHAR = re.compile(r"\bvarchar\b(?!\s*\()", re.IGNORECASE)


def _model_sql() -> list[Path]:
    return sorted(PROJECT.glob("models/**/*.sql"))


def test_models_have_no_engine_branch_and_no_engine_specific_type():
    offenders = []
    for path in _model_sql():
        text = path.read_text()
        if ENGINE_BRANCH.search(text):
            offenders.append(f"{path.relative_to(PROJECT)}: engine branch")
        if "double precision" in text.lower() or BARE_VARCHAR.search(text):
            offenders.append(f"{path.relative_to(PROJECT)}: engine-specific type")
    assert not offenders, offenders


def test_contract_and_seed_types_are_portable():
    offenders = []
    for path in sorted([*PROJECT.glob("models/**/*.yml"), *PROJECT.glob("seeds/**/*.yml")]):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("#") or "target.type" in line:
                continue
            if "double precision" in line.lower() or (
                    re.search(r"(data_type|column_types|:)\s*[:{]?\s*varchar\b(?!\s*\()", line)):
                offenders.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()}")
    assert not offenders, offenders


# --- the edge-case folder and the Spark loader -------------------------------------------

def _raw(tmp_path: Path) -> Path:
    from harness import RawFolder

    raw = RawFolder(tmp_path / "raw")
    for i in range(12):
        raw.add("crm.customers", customer_id=f"C{i:03d}")
    raw.add("product.usage_daily", customer_id="C000", usage_date="2026-01-01")
    raw.add("surveys.survey_responses", response_id="R1", customer_id="C000", comment="")
    raw.write()
    return raw.root


def test_edge_case_folder_keeps_every_case_as_text_through_the_duckdb_loader(tmp_path):
    from cskpi.loader import load_folder

    folder = edge_cases.write(_raw(tmp_path), tmp_path / "edge")
    db = tmp_path / "edge.duckdb"
    load_folder(folder, db, quiet=True)
    con = duckdb.connect(str(db), read_only=True)
    comments = {r[0] for r in con.execute(
        "select comment from surveys.survey_responses where response_id like 'RX0%'").fetchall()}
    scores = {r[0] for r in con.execute("select score from surveys.survey_responses").fetchall()}
    con.close()
    assert comments == set(edge_cases.COMMENTS)  # tabs, line breaks, quotes as written
    assert {"12.5", " 4 ", "1e1"} <= scores


def _spark():
    pytest.importorskip("pyspark")
    pytest.importorskip("dbt.adapters.spark")
    from cskpi.spark_session import session

    return session("cs_kpis tests")


def test_spark_loader_reads_every_csv_exactly_as_the_duckdb_loader(tmp_path, monkeypatch):
    monkeypatch.setenv("CS_KPIS_SPARK_HOME", str(tmp_path / "spark"))
    spark = _spark()
    from cskpi import loader, loader_spark

    folder = edge_cases.write(_raw(tmp_path), tmp_path / "edge")
    # A quoted empty field, a quoted field of spaces and a CRLF line break inside quotes.
    with (folder / "crm" / "cs_reps.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\r\n").writerow(
            ["R1", "", "   ", "team\r\nsplit", "", "", "2026-01-01"])
    db = tmp_path / "wh.duckdb"
    loader.load_folder(folder, db, quiet=True)
    try:
        counts = loader_spark.load_folder(folder, spark=spark, quiet=True)
        con = duckdb.connect(str(db), read_only=True)
        for table in loader.plan_load(folder):
            name = table.table.qualified
            columns = ", ".join(table.table.columns)
            expected = sorted(con.execute(f"select {columns} from {name}").fetchall(),
                              key=repr)
            got = sorted((tuple(r) for r in spark.sql(f"select {columns} from {name}")
                          .collect()), key=repr)
            assert got == expected, name
            assert counts[name] == len(expected)
        types = {f.dataType.simpleString() for f in spark.table("crm.customers").schema}
        assert types == {"string"}
        con.close()
    finally:
        spark.stop()


def test_unit_test_names_fit_a_postgres_identifier():
    # dbt-postgres builds each unit test as a relation named after it: PostgreSQL
    # refuses names over 63 characters (seen in CI on the health band test).
    import yaml

    names = [test["name"] for path in (PROJECT / "models").rglob("*.yml")
             for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", [])]
    assert len(names) >= 10
    assert [n for n in names if len(n) > 63] == []
