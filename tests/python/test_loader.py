"""The loader: a folder is accepted whole or refused whole, every column kept as text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from harness import RawFolder

from cskpi.loader import LoadError, load_folder, main


def _folder(root: Path, customers: int = 2) -> RawFolder:
    raw = RawFolder(root)
    for i in range(customers):
        raw.add("crm.customers", customer_id=f"C{i:03d}", segment=" SMB ",
                country_code="007")
    raw.write()
    return raw


def _count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


def test_every_column_arrives_as_text_exactly_as_exported(tmp_path):
    _folder(tmp_path / "raw")
    db = tmp_path / "wh.duckdb"
    counts = load_folder(tmp_path / "raw", db, quiet=True)
    assert counts["crm.customers"] == 2
    assert counts["billing.invoices"] == 0  # header-only files load as empty tables
    con = duckdb.connect(str(db), read_only=True)
    types = {r[0] for r in con.execute(
        "select data_type from information_schema.columns where table_schema = 'crm'"
    ).fetchall()}
    row = con.execute("select segment, country_code from crm.customers limit 1").fetchone()
    con.close()
    assert types == {"VARCHAR"}
    assert row == (" SMB ", "007")  # whitespace and leading zeros untouched


def test_missing_column_is_refused_naming_file_and_column_and_changes_nothing(tmp_path):
    db = tmp_path / "wh.duckdb"
    load_folder(_folder(tmp_path / "good", customers=3).root, db, quiet=True)

    bad = RawFolder(tmp_path / "bad")
    bad.add("crm.customers", customer_id="NEW")
    bad.write(drop_columns={"billing.invoices": ["due_date"]})
    with pytest.raises(LoadError) as error:
        load_folder(bad.root, db, quiet=True)
    message = str(error.value)
    assert str(tmp_path / "bad" / "billing" / "invoices.csv") in message
    assert "'due_date'" in message
    assert _count(db, "crm.customers") == 3  # the previous raw data are untouched


def test_missing_table_is_refused_naming_the_expected_file(tmp_path):
    raw = _folder(tmp_path / "raw")
    (raw.root / "finance" / "cs_costs.csv").unlink()
    with pytest.raises(LoadError, match=r"finance/cs_costs\.csv"):
        load_folder(raw.root, tmp_path / "wh.duckdb", quiet=True)
    assert not (tmp_path / "wh.duckdb").exists()


def test_cli_exits_2_with_the_message(tmp_path, capsys):
    raw = _folder(tmp_path / "raw")
    (raw.root / "support" / "tickets.csv").write_text("ticket_id,_loaded_at\n")
    assert main([str(raw.root), "--duckdb-path", str(tmp_path / "wh.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "tickets.csv: missing column 'customer_id'" in err


def test_extra_columns_are_ignored_with_a_warning(tmp_path, capsys):
    raw = _folder(tmp_path / "raw")
    path = raw.root / "crm" / "customers.csv"
    lines = path.read_text().splitlines()
    rows = [lines[0] + ",utm_source"] + [line + ",ads" for line in lines[1:]]
    path.write_text("\n".join(rows) + "\n")
    db = tmp_path / "wh.duckdb"
    load_folder(raw.root, db, quiet=True)
    assert "ignoring extra column(s) 'utm_source'" in capsys.readouterr().err
    con = duckdb.connect(str(db), read_only=True)
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'crm' and table_name = 'customers'").fetchall()]
    con.close()
    assert "utm_source" not in columns


def test_parquet_files_are_accepted(tmp_path):
    raw = _folder(tmp_path / "raw")
    csv_path = raw.root / "crm" / "customers.csv"
    duckdb.sql(
        f"copy (select * from read_csv('{csv_path}', all_varchar = true)) "
        f"to '{raw.root / 'crm' / 'customers.parquet'}' (format parquet)")
    csv_path.unlink()
    db = tmp_path / "wh.duckdb"
    assert load_folder(raw.root, db, quiet=True)["crm.customers"] == 2


def test_a_reload_replaces_the_previous_raw_data(tmp_path):
    db = tmp_path / "wh.duckdb"
    load_folder(_folder(tmp_path / "first", customers=3).root, db, quiet=True)
    load_folder(_folder(tmp_path / "second", customers=1).root, db, quiet=True)
    assert _count(db, "crm.customers") == 1


# --- one line for every broken file, never a row ----------------------------------------

SECRET = "Jane Secret"


def _broken(root: Path, damage) -> Path:
    raw = RawFolder(root)
    raw.add("crm.customers", customer_id="C1", customer_name=SECRET)
    raw.write()
    damage(raw.root / "crm" / "customers.csv")
    return raw.root


def _append(data: bytes):
    return lambda path: path.write_bytes(path.read_bytes() + data)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_append(b'C2,"Jane Secret,x@y.example\n'),
         "customers.csv: line 3: an unterminated quoted value; fix the export and run again"),
        (_append(b"C2,Jane Secret,x@y.example,a,b,c,d,e,f,g,h\n"),
         "customers.csv: line 3: 11 fields where the header has 9; fix the export"),
        (_append(b"C3,Jane S\xff\xfecret,,smb,software,us,2023-01-01,false,2020-01-01\n"),
         "customers.csv: line 3: not valid UTF-8; fix the export and run again"),
        (lambda p: p.write_bytes(p.read_bytes().replace(b"customer_name", b"n\xe4me", 1)),
         "customers.csv: the header is not UTF-8 (byte 14): export the file as UTF-8"),
        (lambda p: p.write_text(p.read_text().replace("segment", "customer_id", 1)),
         "customers.csv: duplicated header column(s) 'customer_id'"),
        (lambda p: (p.unlink(), p.mkdir()),
         "customers.csv is a directory, not a file: put the crm.customers export there"),
    ],
    ids=["unterminated-quote", "field-count", "utf8-body", "utf8-header", "duplicate-header",
         "directory"],
)
def test_a_broken_file_is_one_line_naming_file_and_line_without_its_rows(
        tmp_path, capsys, damage, message):
    raw = _broken(tmp_path / "raw", damage)
    db = tmp_path / "wh.duckdb"
    assert main([str(raw), "--duckdb-path", str(db)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Secret" not in err and "@" not in err  # no row content


def test_a_timestamptz_parquet_column_loads_the_same_instant_whatever_the_tz(tmp_path):
    raw = _folder(tmp_path / "raw")
    csv_path = raw.root / "crm" / "customers.csv"
    parquet = raw.root / "crm" / "customers.parquet"
    duckdb.sql(
        "set TimeZone = 'Asia/Tokyo'; "
        f"copy (select * replace (timestamptz '2024-03-05 14:02:11+00' as created_at) "
        f"from read_csv('{csv_path}', all_varchar = true)) to '{parquet}' (format parquet)")
    csv_path.unlink()
    loaded = {}
    for tz in ("UTC", "America/New_York", "Asia/Kolkata"):
        db = tmp_path / f"{tz.replace('/', '_')}.duckdb"
        script = ("import sys; from cskpi.loader import load_folder; "
                  "load_folder(sys.argv[1], sys.argv[2], quiet=True)")
        subprocess.run([sys.executable, "-c", script, str(raw.root), str(db)],
                       env=dict(os.environ, TZ=tz), check=True)
        con = duckdb.connect(str(db), read_only=True)
        loaded[tz] = con.execute("select distinct created_at from crm.customers").fetchall()
        con.close()
    assert loaded["UTC"] == [("2024-03-05 14:02:11+00",)]
    assert loaded["America/New_York"] == loaded["UTC"] == loaded["Asia/Kolkata"]
