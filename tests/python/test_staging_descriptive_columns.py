"""Raw contract, Changes 2026-12-01: descriptive columns are never required.

A customer without contact e-mail, country, name and industry, with a ticket without
requester e-mail or subject and a subscription without plan, is a clean customer: it
counts in every KPI like any other. Expected figures worked out by hand: two
customers, each 100.00 USD a month from January 2024, so 200.00 MRR and two paying
customers in February; the ticket's customer counts in first-contact resolution.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from harness import RawFolder, Warehouse, build

pytestmark = pytest.mark.slow  # a dbt build of its fixture (`make test-fast` skips it)

JAN, FEB = "2024-01-01", "2024-02-01"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("descriptive")
    raw = RawFolder(tmp / "raw")
    raw.add("crm.customers", customer_id="C_FULL", segment="smb")
    raw.add("crm.customers", customer_id="C_BARE", segment="smb", customer_name="",
            primary_contact_email="", country_code="", industry="")
    for customer in ("C_FULL", "C_BARE"):
        raw.add("billing.subscriptions", subscription_id=f"S_{customer}",
                customer_id=customer, plan_id="" if customer == "C_BARE" else "pro",
                started_at=JAN)
        raw.add("billing.subscription_periods", subscription_period_id=f"P_{customer}",
                subscription_id=f"S_{customer}", customer_id=customer, amount="100.00",
                period_start=JAN)
    raw.add("support.tickets", ticket_id="T_BARE", customer_id="C_BARE",
            requester_email="", subject="", status="solved", created_at="2024-02-05 10:00:00")
    return build(raw, tmp, as_of="2024-02-29",
                 select=("+kpi_mrr +kpi_customer_churn_rate +dim_customers "
                         "+stg_audit__rejected_rows int_tickets_checked"))


def test_nothing_is_rejected(warehouse):
    assert warehouse.query("select * from stg_audit__rejected_rows") == []


def test_the_bare_customer_counts_in_mrr(warehouse):
    row = warehouse.one(
        "select mrr_end, paying_customers_end from kpi_mrr "
        "where month = '2024-02-01' and dimension = 'overall'")
    assert row["mrr_end"] == Decimal("200.00")
    assert row["paying_customers_end"] == 2
    smb = warehouse.one(
        "select mrr_end from kpi_mrr where month = '2024-02-01' "
        "and dimension = 'segment' and dimension_value = 'smb'")
    assert smb["mrr_end"] == Decimal("200.00")


def test_the_bare_customer_counts_in_customer_counts(warehouse):
    row = warehouse.one(
        "select customers_end from kpi_customer_churn_rate "
        "where month = '2024-02-01' and dimension = 'overall'")
    assert row["customers_end"] == 2


def test_the_bare_customer_is_a_customer(warehouse):
    ids = {r["customer_id"] for r in warehouse.query("select customer_id from dim_customers")}
    assert ids == {"C_FULL", "C_BARE"}
    ticket = warehouse.one(
        "select * from int_tickets_checked where rejection_reason is null")
    assert (ticket["ticket_id"], ticket["subject"]) == ("T_BARE", None)
