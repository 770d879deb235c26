"""Fixture harness: build a tiny raw folder in a test, load it, run `dbt build`, query.

Tests describe raw rows with only the columns that matter to them; every other
required column gets a harmless default. The whole pipeline (loader, staging, marts,
data tests) runs for real on a throw-away DuckDB file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

import duckdb

from cskpi import dbt_runner
from cskpi.contract import BY_NAME, RAW_TABLES
from cskpi.dbt_runner import DbtResult
from cskpi.loader import load_folder

PROJECT_DIR = Path(__file__).resolve().parents[2]

# Defaults for required columns: a customer 'C1' in USD, loaded long ago.
LOADED = "2020-01-01 00:00:00"
DEFAULTS: dict[str, dict[str, str]] = {
    "crm.customers": {
        "customer_name": "Acme", "primary_contact_email": "ops@acme.example",
        "segment": "smb", "industry": "software", "country_code": "us",
        "created_at": "2023-01-01 00:00:00", "is_test_account": "false",
    },
    "crm.cs_reps": {
        "rep_name": "Rep", "rep_email": "rep@vendor.example", "team": "customer_success",
        "hired_at": "2020-01-01",
    },
    "crm.customer_owner_history": {},
    "crm.customer_business_metrics": {"employee_count": "10"},
    "billing.subscriptions": {
        "plan_id": "pro", "contract_term_months": "1", "started_at": "2024-01-01",
    },
    "billing.subscription_periods": {
        "billing_interval": "month", "currency": "USD", "quantity": "1", "is_trial": "false",
    },
    "billing.invoices": {
        "invoice_type": "subscription", "tax_amount": "0", "currency": "USD",
        "status": "paid",
    },
    "billing.fx_rates": {},
    "support.tickets": {
        "requester_email": "user@acme.example", "channel": "email", "priority": "normal",
        "subject": "Help", "status": "open",
    },
    "support.ticket_events": {"is_public": "true"},
    "surveys.survey_responses": {"respondent_email": "user@acme.example"},
    "product.usage_daily": {"active_users": "1", "sessions": "1", "key_events": "1"},
    "finance.cs_costs": {"currency": "USD"},
}


class RawFolder:
    """Rows for the raw tables of one fixture, written as `<system>/<table>.csv`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.rows: dict[str, list[dict[str, str]]] = {t.qualified: [] for t in RAW_TABLES}

    def add(self, table: str, **values: object) -> dict[str, str]:
        """Add a row; values not given take the table's defaults (None = empty)."""
        spec = BY_NAME[table]
        unknown = set(values) - set(spec.columns)
        if unknown:
            raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
        row = {c: "" for c in spec.columns}
        row["_loaded_at"] = LOADED
        row.update(DEFAULTS[table])
        row.update({k: "" if v is None else str(v) for k, v in values.items()})
        self.rows[table].append(row)
        return row

    def add_many(self, table: str, rows: Iterable[dict[str, object]]) -> None:
        for values in rows:
            self.add(table, **values)

    def write(self, drop_columns: dict[str, list[str]] | None = None) -> Path:
        drop_columns = drop_columns or {}
        for table in RAW_TABLES:
            columns = [c for c in table.columns if c not in drop_columns.get(table.qualified, [])]
            path = self.root / table.system / f"{table.name}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(self.rows[table.qualified])
        return self.root


class Warehouse:
    """A DuckDB file built from a raw folder by the real loader and `dbt build`."""

    def __init__(self, path: Path, dbt_output: str) -> None:
        self.path = path
        self.dbt_output = dbt_output

    def query(self, sql: str, params: list[object] | None = None) -> list[dict[str, object]]:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            cursor = con.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            con.close()

    def one(self, sql: str, params: list[object] | None = None) -> dict[str, object]:
        rows = self.query(sql, params)
        assert len(rows) == 1, f"expected one row, got {len(rows)}: {rows}"
        return rows[0]


def run_dbt(args: list[str], workdir: Path, duckdb_path: Path,
            check: bool = True) -> DbtResult:
    """dbt through the project's runner (cautious selection for partial builds)."""
    result = dbt_runner.run_dbt(args, duckdb_path, workdir=workdir)
    if check and not result.ok:
        raise AssertionError(
            f"dbt {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-8000:]}\n{result.stderr[-2000:]}"
        )
    return result


def build(raw: RawFolder, workdir: Path, as_of: str, select: str | None = None,
          dbt_vars: dict[str, object] | None = None, check: bool = True) -> Warehouse:
    """Write the folder, load it and `dbt build` it; return the warehouse."""
    raw.write()
    duckdb_path = workdir / "warehouse.duckdb"
    load_folder(raw.root, duckdb_path, quiet=True)
    variables = {"as_of_date": as_of, "rejected_share_max": 1}
    variables.update(dbt_vars or {})
    args = ["build", "--vars", json.dumps(variables)]
    if select:
        args += ["--select", select]
    result = run_dbt(args, workdir, duckdb_path, check=check)
    return Warehouse(duckdb_path, result.stdout)
