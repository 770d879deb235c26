"""Incremental daily runs give the same warehouse as a full refresh.

Day 1 is built from scratch. Day 2 adds rows to the same raw tables and moves
as_of forward a month; it is built twice from the same raw folder: incrementally
on top of day 1's warehouse, and with `--full-refresh` on a fresh warehouse. Every
mart, the audit and the incremental intermediates must hold the same rows.

Day 2's changes (each one touches months the previous run already built):
- a late-arriving row: a period of C2 for January, loaded on day 2;
- a newer copy of an old key: C3-P1 re-delivered with a later start and another
  amount, so C3's first paid month moves from January to February and its January
  row must vanish; the older copy becomes a duplicate_key reject in the audit;
- a row stamped two days before day 1's newest `_loaded_at` (within
  var('incremental_lookback_days') = 3) that only reached the warehouse on day 2:
  C4's period from December, the earliest month day 2 touches;
- a changed EUR rate for February (a newer copy of an FX key);
- a new period for C1 in April, the new as_of month;
- nothing for C5 (50 USD a month since November): the revenue state recomputes by
  customer, so C5 keeps the rows day 1 computed up to the first month every
  customer has to redo (February, the month of the changed rate);
- in the incremental base models: a newer copy of an old usage day, of an old
  status change, of a ticket and of an invoice (the older copies become
  duplicate_key rejects), a late usage row and a late event within the lookback,
  a new day, a new survey answer and a second keyless row (null_key). Day 1
  already has a keyless usage row and one whose _loaded_at does not parse, which
  every run processes again.

Day 1's first billing month (October 2023) holds only a one-time invoice, so no
revenue-state row lies in int_months' first month: C5 keeping its rows proves that
does not force a recompute of everyone. Day 3 then moves the first month earlier
with another one-time invoice; every stored month_number must move with it.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from harness import RawFolder, run_dbt
from revenue_helpers import Billing

from cskpi.loader import load_folder

pytestmark = pytest.mark.slow  # five dbt builds (`make test-fast` skips it)

EARLY = "2024-03-01 06:00:00"  # day 1's rows, loaded before the lookback window
DAY1 = "2024-03-15 06:00:00"  # day 1's newest row (C1's March period): the watermark
DAY1_LATE = "2024-03-13 06:00:00"  # older than day 1's watermark, inside the lookback
DAY2 = "2024-04-10 06:00:00"
AS_OF_1 = "2024-03-15"
AS_OF_2 = "2024-04-10"
DAY3 = "2024-04-11 06:00:00"
AS_OF_3 = "2024-04-11"

# Bookkeeping columns that record when a row was computed, not what it says.
BOOKKEEPING = {"_inputs_loaded_at"}


def _day1(raw: RawFolder) -> Billing:
    """Rows loaded over March; the newest one (the watermark) on the 15th."""
    billing = Billing(raw)
    for customer_id, segment in (("C1", "smb"), ("C2", "mid_market"), ("C3", "enterprise"),
                                 ("C4", "smb"), ("C5", "smb")):
        billing.customer(customer_id, segment, _loaded_at=EARLY)
        billing.subscription(f"S-{customer_id}", customer_id, started_at="2024-01-01")
    raw.add("crm.cs_reps", rep_id="R1", _loaded_at=EARLY)
    raw.add("crm.cs_reps", rep_id="R2", _loaded_at=EARLY)
    raw.add("crm.customer_owner_history", customer_id="C1", rep_id="R1",
            valid_from="2024-01-01 00:00:00", _loaded_at=EARLY)
    raw.add("crm.customer_owner_history", customer_id="C2", rep_id="R2",
            valid_from="2024-01-01 00:00:00", _loaded_at=EARLY)
    for month, rate in (("2024-01-01", "1.10"), ("2024-02-01", "1.20"),
                        ("2024-03-01", "1.15")):
        raw.add("billing.fx_rates", currency="EUR", rate_month=month,
                rate_to_reporting=rate, _loaded_at=EARLY)
    for start, end in (("2023-11-01", "2023-12-01"), ("2023-12-01", "2024-01-01"),
                       ("2024-01-01", "2024-02-01"), ("2024-02-01", "2024-03-01"),
                       ("2024-03-01", "2024-04-01")):
        loaded_at = DAY1 if start == "2024-03-01" else EARLY
        billing.period("S-C1", "C1", start, end, 100, _loaded_at=loaded_at)
        raw.add("billing.invoices", invoice_id=f"I-C1-{start}", customer_id="C1",
                subscription_id="S-C1", amount=100, issued_at=f"{start} 00:00:00",
                due_date=start, _loaded_at=loaded_at)
    billing.period("S-C2", "C2", "2024-02-01", "2024-04-01", 200, currency="EUR",
                   _loaded_at=EARLY)
    billing.period("S-C5", "C5", "2023-11-01", None, 50, _loaded_at=EARLY)
    # October 2023 is int_months' first month only through this one-time invoice: no
    # customer has a revenue-state row in it, which must not make every run
    # recompute every customer from the first month.
    raw.add("billing.invoices", invoice_id="I-C1-setup", customer_id="C1",
            subscription_id=None, invoice_type="one_time", amount=500,
            issued_at="2023-10-20 00:00:00", due_date="2023-10-20", _loaded_at=EARLY)
    for customer_id, usage_date, loaded_at in (("C1", "2024-03-01", EARLY),
                                               ("C1", "2024-03-02", EARLY),
                                               ("C2", "2024-03-05", DAY1),
                                               (None, "2024-03-06", EARLY),
                                               ("C2", "2024-03-07", "not a time")):
        raw.add("product.usage_daily", customer_id=customer_id, usage_date=usage_date,
                active_users=2, _loaded_at=loaded_at)
    raw.add("support.tickets", ticket_id="T1", customer_id="C1",
            created_at="2024-03-01 09:00:00", _loaded_at=EARLY)
    raw.add("support.ticket_events", event_id="E1", ticket_id="T1",
            event_at="2024-03-01 09:00:00", event_type="customer_message", _loaded_at=EARLY)
    raw.add("support.ticket_events", event_id="E2", ticket_id="T1",
            event_at="2024-03-01 10:00:00", event_type="status_change", new_status="solved",
            _loaded_at=EARLY)
    raw.add("billing.subscription_periods", subscription_period_id="C3-P1",
            subscription_id="S-C3", customer_id="C3", billing_interval="month",
            amount=300, period_start="2024-01-01", period_end=None, _loaded_at=EARLY)
    return billing


def _day2(raw: RawFolder, billing: Billing) -> None:
    billing.period("S-C2", "C2", "2024-01-01", "2024-02-01", 150, currency="EUR",
                   _loaded_at=DAY2)
    raw.add("billing.subscription_periods", subscription_period_id="C3-P1",
            subscription_id="S-C3", customer_id="C3", billing_interval="month",
            amount=350, period_start="2024-02-01", period_end=None, _loaded_at=DAY2)
    billing.period("S-C4", "C4", "2023-12-01", None, 40, _loaded_at=DAY1_LATE)
    raw.add("billing.fx_rates", currency="EUR", rate_month="2024-02-01",
            rate_to_reporting="1.25", _loaded_at=DAY2)
    raw.add("billing.fx_rates", currency="EUR", rate_month="2024-04-01",
            rate_to_reporting="1.30", _loaded_at=DAY2)
    billing.period("S-C1", "C1", "2024-04-01", "2024-05-01", 120, _loaded_at=DAY2)
    raw.add("product.usage_daily", customer_id="C1", usage_date="2024-03-02",
            active_users=5, _loaded_at=DAY2)
    raw.add("product.usage_daily", customer_id="C2", usage_date="2024-03-12",
            active_users=3, _loaded_at=DAY1_LATE)
    raw.add("product.usage_daily", customer_id="C1", usage_date="2024-04-09",
            active_users=4, _loaded_at=DAY2)
    raw.add("product.usage_daily", customer_id=None, usage_date="2024-04-09",
            _loaded_at=DAY2)
    raw.add("support.ticket_events", event_id="E2", ticket_id="T1",
            event_at="2024-03-01 10:00:00", event_type="status_change", new_status="closed",
            _loaded_at=DAY2)
    raw.add("support.ticket_events", event_id="E3", ticket_id="T1",
            event_at="2024-03-12 09:00:00", event_type="customer_message",
            _loaded_at=DAY1_LATE)
    raw.add("support.tickets", ticket_id="T1", customer_id="C1", status="closed",
            created_at="2024-03-01 09:00:00", _loaded_at=DAY2)
    raw.add("billing.invoices", invoice_id="I-C1-2024-03-01", customer_id="C1",
            subscription_id="S-C1", amount=100, issued_at="2024-03-01 00:00:00",
            due_date="2024-03-01", status="void", _loaded_at=DAY2)
    raw.add("surveys.survey_responses", response_id="R1", customer_id="C1",
            survey_type="nps", score=9, responded_at="2024-04-02 10:00:00",
            _loaded_at=DAY2)


def _build(workdir, duckdb_path, raw: RawFolder, as_of: str, full_refresh: bool) -> None:
    raw.write()
    load_folder(raw.root, duckdb_path, quiet=True)
    variables = json.dumps({"as_of_date": as_of, "rejected_share_max": 1})
    # Seeds and models only: the data tests prove the models elsewhere; here the rows
    # of the two ways of building them are compared.
    args = ["build", "--vars", variables, "--exclude-resource-type", "test",
            "--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    run_dbt(args, workdir, duckdb_path)


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and (table_name like 'kpi\\_%' escape '\\' "
        "or table_name like 'dim\\_%' escape '\\' or table_name like 'fct\\_%' escape '\\' "
        "or table_name in ('stg_audit__rejected_rows', 'int_customer_months', "
        "'int_customer_mrr_by_currency_monthly') or table_name like 'base\\_%' escape '\\')"
        " order by 1"
    ).fetchall()
    return [name for (name,) in rows]


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    columns = [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = 'main' "
        "and table_name = ? order by ordinal_position", [table]).fetchall()
        if c not in BOOKKEEPING]
    select = ", ".join(f'"{c}"' for c in columns)
    return sorted(con.execute(f"select {select} from main.{table}").fetchall(), key=repr)


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    raw = RawFolder(root / "raw")
    billing = _day1(raw)

    incremental_db = root / "incremental.duckdb"
    _build(root / "incremental", incremental_db, raw, AS_OF_1, full_refresh=False)
    shutil.copy(incremental_db, root / "day1.duckdb")

    _day2(raw, billing)
    _build(root / "incremental", incremental_db, raw, AS_OF_2, full_refresh=False)

    full_db = root / "full.duckdb"
    _build(root / "full", full_db, raw, AS_OF_2, full_refresh=True)
    return {"day1": root / "day1.duckdb", "incremental": incremental_db, "full": full_db,
            "incremental_run": root / "incremental" / "target" / "run" / "cs_kpis" / "models"
            / "staging", "root": root, "raw": raw}


@pytest.fixture(scope="module")
def first_month_moved(warehouses):
    """Day 3: a one-time invoice of C2 from September 2023 moves int_months' first
    month from October to September. No revenue-state input changed, but every
    stored `month_number` counts from the first month: built incrementally on day
    2's warehouse and with --full-refresh on a fresh one."""
    root, raw = warehouses["root"], warehouses["raw"]
    raw.add("billing.invoices", invoice_id="I-C2-setup", customer_id="C2",
            subscription_id=None, invoice_type="one_time", amount=80,
            issued_at="2023-09-05 00:00:00", due_date="2023-09-05", _loaded_at=DAY3)
    incremental_db = root / "day3_incremental.duckdb"
    shutil.copy(warehouses["incremental"], incremental_db)
    # its own target/ folders: day 2's run files stay as test_base_models_ran_incrementally
    # reads them, whichever test runs first
    _build(root / "day3_incremental", incremental_db, raw, AS_OF_3, full_refresh=False)
    full_db = root / "day3_full.duckdb"
    _build(root / "day3_full", full_db, raw, AS_OF_3, full_refresh=True)
    return {"incremental": incremental_db, "full": full_db}


def test_incremental_run_equals_full_refresh(warehouses):
    incremental = duckdb.connect(str(warehouses["incremental"]), read_only=True)
    full = duckdb.connect(str(warehouses["full"]), read_only=True)
    try:
        tables = _tables(full)
        assert "kpi_mrr" in tables and "stg_audit__rejected_rows" in tables
        assert _tables(incremental) == tables
        different = [t for t in tables if _rows(incremental, t) != _rows(full, t)]
        assert different == []
    finally:
        incremental.close()
        full.close()


def test_day2_changes_reach_the_marts(warehouses):
    """The comparison above is not vacuous: day 2 changed months day 1 had built."""
    day1 = duckdb.connect(str(warehouses["day1"]), read_only=True)
    incremental = duckdb.connect(str(warehouses["incremental"]), read_only=True)
    try:
        query = ("select month, mrr_end from main.kpi_mrr where dimension = 'overall' "
                 "order by month")
        # Day 1, Oct..Mar, EUR at 1.10 / 1.20 / 1.15: October only has C1's
        # one-time invoice, no MRR; C1 100 and C5 50 from November; Jan + C3 300;
        # Feb + C2 200 EUR (240); Mar C2 at 1.15 (230).
        assert [float(m) for _, m in day1.execute(query).fetchall()] == [
            0, 150, 150, 450, 690, 680]
        # Day 2, Oct..Apr: C4's late row adds 40 from December; C2's January period
        # 150 EUR at 1.10 = 165; C3 only from February, at 350; February's EUR rate
        # is now 1.25 (C2: 250); April: C1 120, C2's periods ended, C3 350, C4 40,
        # C5 50.
        assert [float(m) for _, m in incremental.execute(query).fetchall()] == [
            0, 150, 190, 355, 790, 770, 560]
        months_c3 = incremental.execute(
            "select min(month) from main.int_customer_months where customer_id = 'C3'"
        ).fetchone()[0]
        assert str(months_c3) == "2024-02-01"
    finally:
        day1.close()
        incremental.close()


def test_older_copy_is_a_duplicate_key_reject(warehouses):
    con = duckdb.connect(str(warehouses["incremental"]), read_only=True)
    try:
        columns = {c for (c,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_name = 'stg_audit__rejected_rows'").fetchall()}
        key = "raw_key" if "raw_key" in columns else "row_key"
        for raw_key in ("C3-P1", "C1|2024-03-02", "E2", "T1", "I-C1-2024-03-01"):
            rows = con.execute(
                f"select rejection_reason from main.stg_audit__rejected_rows where {key} = ?",
                [raw_key]).fetchall()
            assert rows == [("duplicate_key",)], raw_key
        # the keyless usage rows of both days, each once (none kept twice by the run)
        keyless = con.execute(
            "select count(*) from main.base_product__usage_daily where raw_key is null"
        ).fetchone()[0]
        assert keyless == 2
    finally:
        con.close()


def test_incremental_run_recomputed_by_customer(warehouses):
    """The day-2 run was incremental and recomputed by customer: C1..C4 changed, so
    all their months were recomputed (day 2's watermark); C5 did not, so it kept
    the rows day 1 computed (day 1's watermark) before February, the first month
    every customer had to redo (the EUR rate of February changed)."""
    con = duckdb.connect(str(warehouses["incremental"]), read_only=True)
    try:
        for table in ("int_customer_months", "int_customer_mrr_by_currency_monthly"):
            stamps = con.execute(
                f"select customer_id, strftime(month, '%Y-%m'), "
                f"strftime(max(_inputs_loaded_at), '%Y-%m-%d %H:%M:%S') "
                f"from main.{table} where customer_id in ('C1', 'C5') "
                f"group by customer_id, month order by customer_id, month"
            ).fetchall()
            months = ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04"]
            assert stamps == [("C1", m, DAY2) for m in months] + [
                ("C5", m, DAY1 if m < "2024-02" else DAY2) for m in months], table
            older = con.execute(
                f"select distinct customer_id from main.{table} "
                f"where _inputs_loaded_at < '{DAY2}' order by 1").fetchall()
            assert older == [("C5",)], table
    finally:
        con.close()


def test_base_models_ran_incrementally(warehouses):
    """Day 2 changed every base model by delete+insert on raw_key, not by a rebuild
    (the statement dbt ran for each model is in target/run)."""
    run = warehouses["incremental_run"]
    models = sorted(run.glob("*/base/base_*.sql"))
    assert len(models) == 13
    for model in models:
        sql = model.read_text().lower()
        assert "delete from" in sql and "raw_key" in sql, model.name
        assert "create table" not in sql.split("delete from")[1], model.name


def test_a_new_first_month_renumbers_every_stored_month(first_month_moved):
    incremental = duckdb.connect(str(first_month_moved["incremental"]), read_only=True)
    full = duckdb.connect(str(first_month_moved["full"]), read_only=True)
    try:
        # September 2023 is month 0 now, so C5's first month (November) is month 2
        # (it was 1 on day 2, when October was the first month)
        (number,) = incremental.execute(
            "select month_number from main.int_customer_months "
            "where customer_id = 'C5' and month = date '2023-11-01'").fetchone()
        assert number == 2
        tables = _tables(full)
        different = [t for t in tables if _rows(incremental, t) != _rows(full, t)]
        assert different == []
    finally:
        incremental.close()
        full.close()
