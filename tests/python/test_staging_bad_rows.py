"""Raw contract, "Bad rows": one crafted bad row per reason, clean rows beside them.

One raw folder, one load and one `dbt build` of the staging layer; every assertion
below was written from raw-contract.md, not from the models' output.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from harness import RawFolder, Warehouse, build

from cskpi.contract import RAW_TABLES

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

OLD = "2020-01-01 00:00:00"
NEW = "2021-06-01T08:00:00Z"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("bad_rows")
    raw = RawFolder(tmp / "raw")

    # --- clean rows, with the spellings staging must normalise -------------------
    raw.add("crm.customers", customer_id="C1", segment="SMB ", country_code="de",
            is_test_account="No")
    raw.add("crm.customers", customer_id="C2", segment="Mid-Market", is_test_account="YES")
    raw.add("crm.customers", customer_id="C3", segment="startup", is_test_account="0")
    raw.add("crm.customers", customer_id="C4", segment="ENTERPRISE", is_test_account="1")
    raw.add("crm.cs_reps", rep_id="R1")
    raw.add("billing.fx_rates", currency="eur", rate_month="2024-01-01",
            rate_to_reporting="1.10")
    raw.add("billing.subscriptions", subscription_id="S1", customer_id="C1",
            contract_term_months="12", started_at="2024-01-01")
    raw.add("billing.subscription_periods", subscription_period_id="P1",
            subscription_id="S1", customer_id="C1", billing_interval=" Year",
            amount="1200.00", currency="eur", quantity="5", is_trial="FALSE",
            period_start="2024-01-01", period_end="2025-01-01")
    raw.add("billing.invoices", invoice_id="I1", customer_id="C1", subscription_id="S1",
            amount="1200.00", tax_amount="228.00", currency="EUR",
            issued_at="2024-01-01T09:30:00Z", due_date="2024-01-31",
            paid_at="2024-01-20 10:00:00", status=" Paid")
    raw.add("support.tickets", ticket_id="T1", customer_id="C1",
            created_at="2024-02-01 10:00:00")
    # Tabs and line breaks are white space too: a tab-only comment is empty.
    raw.add("surveys.survey_responses", response_id="R_TAB", customer_id="C1\t",
            survey_type="nps", score="9", comment="\t \t", responded_at="2024-02-02")

    # --- one bad row per reason ----------------------------------------------------
    # null_key: no customer_id.
    raw.add("crm.customers", customer_id="  ", customer_name="NullKeyCo")
    # missing_value: a required column empty (created_at; a name is descriptive and
    # never required, see C_NODESC below).
    raw.add("crm.customers", customer_id="C_MISS", created_at="")
    # Descriptive columns empty: a clean customer (raw contract, 2026-12-01).
    raw.add("crm.customers", customer_id="C_NODESC", customer_name="",
            primary_contact_email="", country_code=" ", industry="")
    raw.add("crm.cs_reps", rep_id="R_NODESC", rep_name="", rep_email="")
    raw.add("billing.subscriptions", subscription_id="S_NOPLAN", customer_id="C_NODESC",
            plan_id="")
    raw.add("support.tickets", ticket_id="T_NODESC", customer_id="C_NODESC",
            requester_email="", subject="", created_at="2024-02-01 10:00:00")
    # duplicate_key, older copy: the newer copy of S2 wins.
    raw.add("billing.subscriptions", subscription_id="S2", customer_id="C1",
            plan_id="old", _loaded_at=OLD)
    raw.add("billing.subscriptions", subscription_id="S2", customer_id="C1",
            plan_id="new", _loaded_at=NEW)
    # duplicate_key across white space: "\tS_PAD " is the key S_PAD, so its older
    # copy is the duplicate (a raw id is trimmed of spaces, tabs and line breaks).
    raw.add("billing.subscriptions", subscription_id="\tS_PAD ", customer_id="C1",
            plan_id="old", _loaded_at=OLD)
    raw.add("billing.subscriptions", subscription_id="S_PAD\r\n", customer_id="C1",
            plan_id="new", _loaded_at=NEW)
    # duplicate_key, tied newest copies with different content: all rejected.
    for amount in ("10.00", "11.00"):
        raw.add("billing.invoices", invoice_id="I_TIE", customer_id="C1", amount=amount,
                issued_at="2024-01-05", due_date="2024-01-20", _loaded_at=NEW)
    # duplicate_key, identical copies: one kept.
    for _ in range(2):
        raw.add("crm.customer_business_metrics", customer_id="C1",
                as_of_date="2024-01-01", employee_count="40")
    # The newest copy is bad: rejected for its own reason, no fall-back to the older.
    raw.add("billing.subscriptions", subscription_id="S_NEWBAD", customer_id="C1",
            started_at="2024-01-01", _loaded_at=OLD)
    raw.add("billing.subscriptions", subscription_id="S_NEWBAD", customer_id="C1",
            started_at="2024-13-01", _loaded_at=NEW)
    # bad_date
    raw.add("billing.invoices", invoice_id="I_DATE", customer_id="C1", amount="5",
            issued_at="2024-01-05", due_date="2024-02-30")
    # bad_number: thousands separators are not numbers.
    raw.add("billing.subscription_periods", subscription_period_id="P_NUM",
            subscription_id="S1", customer_id="C1", amount="1,200.00",
            period_start="2025-01-01")
    # bad_boolean
    raw.add("billing.subscription_periods", subscription_period_id="P_BOOL",
            subscription_id="S1", customer_id="C1", amount="10", is_trial="maybe",
            period_start="2025-02-01")
    # out_of_range: negative seats.
    raw.add("billing.subscription_periods", subscription_period_id="P_RANGE",
            subscription_id="S1", customer_id="C1", amount="10", quantity="-1",
            period_start="2025-03-01")
    # unknown_value: outside a closed vocabulary.
    raw.add("billing.invoices", invoice_id="I_VOCAB", customer_id="C1", amount="5",
            issued_at="2024-01-05", due_date="2024-01-20", status="refunded")
    # unknown_customer
    raw.add("billing.subscriptions", subscription_id="S_GHOSTCUST", customer_id="C_GHOST")
    # unknown_subscription
    raw.add("billing.subscription_periods", subscription_period_id="P_GHOSTSUB",
            subscription_id="S_GHOST", customer_id="C1", amount="10",
            period_start="2024-01-01")
    # unknown_ticket
    raw.add("support.ticket_events", event_id="E_GHOST", ticket_id="T_GHOST",
            event_at="2024-02-01 11:00:00", event_type="customer_message")
    # overlapping_range: the later-starting of two overlapping owner ranges.
    raw.add("crm.customer_owner_history", customer_id="C1", rep_id="R1",
            valid_from="2024-01-01 00:00:00", valid_to="2024-06-01 00:00:00")
    raw.add("crm.customer_owner_history", customer_id="C1", rep_id="R1",
            valid_from="2024-05-01 00:00:00", valid_to="")
    # end_before_start
    raw.add("billing.subscriptions", subscription_id="S_BACKWARDS", customer_id="C1",
            started_at="2024-05-01", ended_at="2024-04-01")
    # missing_fx_rate: no CHF rate at all.
    raw.add("billing.invoices", invoice_id="I_CHF", customer_id="C1", amount="5",
            currency="chf", issued_at="2024-01-05", due_date="2024-01-20")

    # --- several rules broken at once: the first reason in the contract's order ------
    # missing_value (empty tax) beats bad_date (issued_at).
    raw.add("billing.invoices", invoice_id="I_MULTI1", customer_id="C1", amount="5",
            tax_amount="", issued_at="yesterday", due_date="2024-01-20")
    # bad_number beats unknown_customer.
    raw.add("billing.subscription_periods", subscription_period_id="P_MULTI2",
            subscription_id="S1", customer_id="C_GHOST", amount="abc",
            period_start="2026-01-01")
    return build(raw, tmp, as_of="2024-06-30", select="staging intermediate.conformed")


def audit(wh: Warehouse) -> dict[tuple[str, str | None], list[str]]:
    reasons: dict[tuple[str, str | None], list[str]] = {}
    for row in wh.query("select source_table, row_key, rejection_reason "
                        "from stg_audit__rejected_rows"):
        reasons.setdefault((row["source_table"], row["row_key"]), []).append(
            row["rejection_reason"])
    return {k: sorted(v) for k, v in reasons.items()}


@pytest.mark.parametrize(
    ("source_table", "key", "expected"),
    [
        ("crm.customers", "C_MISS", ["missing_value"]),
        ("billing.subscriptions", "S2", ["duplicate_key"]),
        ("billing.subscriptions", "S_PAD", ["duplicate_key"]),
        ("billing.invoices", "I_TIE", ["duplicate_key", "duplicate_key"]),
        ("crm.customer_business_metrics", "C1|2024-01-01", ["duplicate_key"]),
        ("billing.subscriptions", "S_NEWBAD", ["bad_date", "duplicate_key"]),
        ("billing.invoices", "I_DATE", ["bad_date"]),
        ("billing.subscription_periods", "P_NUM", ["bad_number"]),
        ("billing.subscription_periods", "P_BOOL", ["bad_boolean"]),
        ("billing.subscription_periods", "P_RANGE", ["out_of_range"]),
        ("billing.invoices", "I_VOCAB", ["unknown_value"]),
        ("billing.subscriptions", "S_GHOSTCUST", ["unknown_customer"]),
        ("billing.subscription_periods", "P_GHOSTSUB", ["unknown_subscription"]),
        ("support.ticket_events", "E_GHOST", ["unknown_ticket"]),
        ("crm.customer_owner_history", "C1|2024-05-01 00:00:00", ["overlapping_range"]),
        ("billing.subscriptions", "S_BACKWARDS", ["end_before_start"]),
        ("billing.invoices", "I_CHF", ["missing_fx_rate"]),
        ("billing.invoices", "I_MULTI1", ["missing_value"]),
        ("billing.subscription_periods", "P_MULTI2", ["bad_number"]),
    ],
)
def test_each_bad_row_is_audited_with_its_reason(warehouse, source_table, key, expected):
    assert audit(warehouse).get((source_table, key)) == expected


def test_null_key_row_is_audited_with_its_raw_text(warehouse):
    rows = warehouse.query(
        "select row_key, raw_row from stg_audit__rejected_rows "
        "where rejection_reason = 'null_key'")
    assert len(rows) == 1
    assert rows[0]["row_key"] is None
    raw_row = json.loads(rows[0]["raw_row"])
    assert raw_row["customer_name"] == "NullKeyCo"
    assert raw_row["customer_id"] == "  "  # the raw text, exactly as delivered


def test_only_the_crafted_rows_are_rejected(warehouse):
    # 19 keys above covering 21 rows (I_TIE and S_NEWBAD have two each), plus the
    # null-key row = 22 rejected rows; the clean rows beside them stay clean.
    assert warehouse.one("select count(*) as n from stg_audit__rejected_rows")["n"] == 22


def test_newest_copy_wins_and_a_bad_newest_copy_has_no_fall_back(warehouse):
    subs = {r["subscription_id"]: r for r in warehouse.query(
        "select * from stg_billing__subscriptions")}
    assert subs["S2"]["plan_id"] == "new"
    assert subs["S_PAD"]["plan_id"] == "new"
    assert "S_NEWBAD" not in subs
    assert warehouse.one(
        "select count(*) as n from stg_crm__customer_business_metrics")["n"] == 1


def test_clean_rows_are_typed_and_normalised(warehouse):
    customers = {r["customer_id"]: r for r in warehouse.query(
        "select * from stg_crm__customers")}
    assert set(customers) == {"C1", "C2", "C3", "C4", "C_NODESC"}
    assert customers["C1"]["segment"] == "smb"
    assert customers["C1"]["country_code"] == "DE"
    assert customers["C1"]["is_test_account"] is False
    assert customers["C2"]["segment"] == "mid_market"
    assert customers["C2"]["is_test_account"] is True
    assert customers["C3"]["segment"] == "unknown"  # unknown spelling kept, not rejected
    assert customers["C4"]["segment"] == "enterprise"
    assert customers["C4"]["is_test_account"] is True

    period = warehouse.one("select * from stg_billing__subscription_periods "
                           "where subscription_period_id = 'P1'")
    assert period["billing_interval"] == "year"
    assert period["interval_months"] == 12
    assert period["amount"] == Decimal("1200.00")
    assert period["currency"] == "EUR"
    assert period["quantity"] == 5
    assert period["is_trial"] is False
    assert period["period_start"] == date(2024, 1, 1)
    assert period["period_end"] == date(2025, 1, 1)

    invoice = warehouse.one("select * from stg_billing__invoices where invoice_id = 'I1'")
    assert invoice["issued_at"] == datetime(2024, 1, 1, 9, 30)
    assert invoice["paid_at"] == datetime(2024, 1, 20, 10, 0)
    assert invoice["status"] == "paid"
    assert invoice["tax_amount"] == Decimal("228.00")

    response = warehouse.one("select * from stg_surveys__survey_responses")
    assert (response["customer_id"], response["comment"]) == ("C1", None)

    rate = warehouse.one("select * from stg_billing__fx_rates")
    assert (rate["currency"], rate["rate_month"], rate["rate_to_reporting"]) == (
        "EUR", date(2024, 1, 1), Decimal("1.10"))


def test_personal_data_does_not_leave_staging(warehouse):
    columns = {r["column_name"] for r in warehouse.query(
        "select column_name from information_schema.columns "
        "where table_name like 'stg\\_%' escape '\\' and table_name <> 'stg_audit__rejected_rows'")}
    assert not {"primary_contact_email", "rep_email", "rep_name", "requester_email",
                "respondent_email"} & columns


# Raw tables with cross-system checks: their clean rows are the rows of the checked
# model with a null rejection_reason.
CONFORMED = {
    "crm.customer_owner_history": "int_customer_owner_history_checked",
    "crm.customer_business_metrics": "int_customer_business_metrics_checked",
    "billing.subscriptions": "int_subscriptions_checked",
    "billing.subscription_periods": "int_subscription_periods_checked",
    "billing.invoices": "int_invoices_checked",
    "support.tickets": "int_tickets_checked",
    "support.ticket_events": "int_ticket_events_checked",
    "surveys.survey_responses": "int_survey_responses_checked",
    "product.usage_daily": "int_usage_daily_checked",
    "finance.cs_costs": "int_cs_costs_checked",
}


def test_descriptive_columns_are_never_required(warehouse):
    customer = warehouse.one(
        "select * from stg_crm__customers where customer_id = 'C_NODESC'")
    assert (customer["customer_name"], customer["country_code"], customer["industry"]) == (
        None, None, None)
    assert warehouse.one(
        "select count(*) as n from stg_crm__cs_reps where rep_id = 'R_NODESC'")["n"] == 1
    # ...and what hangs off that customer is not an unknown_customer
    subscription = warehouse.one(
        "select * from int_subscriptions_checked "
        "where rejection_reason is null and subscription_id = 'S_NOPLAN'")
    assert subscription["plan_id"] is None
    ticket = warehouse.one(
        "select * from int_tickets_checked "
        "where rejection_reason is null and ticket_id = 'T_NODESC'")
    assert ticket["subject"] is None


def test_stg_models_check_one_system_and_conformed_models_the_rest(warehouse):
    # S_GHOSTCUST's customer is unknown: staging (one system) keeps it, the
    # conformed model does not; no row is rejected twice.
    stg = warehouse.one("select count(*) as n from stg_billing__subscriptions "
                        "where subscription_id = 'S_GHOSTCUST'")["n"]
    conformed = warehouse.one("select count(*) as n from int_subscriptions_checked "
                              "where rejection_reason is null "
                              "and subscription_id = 'S_GHOSTCUST'")["n"]
    assert (stg, conformed) == (1, 0)
    rejected = warehouse.one(
        "select raw_row from stg_audit__rejected_rows where row_key = 'S_GHOSTCUST'")
    assert json.loads(rejected["raw_row"])["customer_id"] == "C_GHOST"
    for table, model in CONFORMED.items():
        system, name = table.split(".")
        stg_columns = warehouse.query(
            "select column_name, data_type from information_schema.columns "
            "where table_name = ? order by ordinal_position", [f"stg_{system}__{name}"])
        checked_columns = warehouse.query(
            "select column_name, data_type from information_schema.columns "
            "where table_name = ? order by ordinal_position", [model])
        # the staging columns, then the raw key and the reason (null: clean)
        assert [c["column_name"] for c in checked_columns[-2:]] == [
            "raw_key", "rejection_reason"], model
        assert stg_columns == checked_columns[:-2], model


def test_raw_rows_equal_clean_plus_rejected_for_every_table(warehouse):
    for table in RAW_TABLES:
        raw_rows = warehouse.one(
            f'select count(*) as n from "{table.system}"."{table.name}"')["n"]
        clean_rows = (f"{CONFORMED[table.qualified]} where rejection_reason is null"
                      if table.qualified in CONFORMED
                      else f"stg_{table.system}__{table.name}")
        clean = warehouse.one(f"select count(*) as n from {clean_rows}")["n"]
        rejected = warehouse.one(
            "select count(*) as n from stg_audit__rejected_rows where source_table = ?",
            [table.qualified])["n"]
        assert raw_rows == clean + rejected, table.qualified
