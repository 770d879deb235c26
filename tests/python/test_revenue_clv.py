"""Customer lifetime value (worked example 6) and expansion revenue.

One raw folder, one build, as_of 2024-03-15 (Jan = month 0, Feb, partial Mar 2024).
- smb: 20 customers at $100 from January, one leaves in February.
- mid_market: 10 customers at $100, none leaves.
- enterprise: 24 customers at $500 from January, one leaves in February; EN01 and EN02
  get three invoices a month in January and February: 80, 80 and a -10 credit note.
- unknown: expansion revenue. U1 ($100, $150 from February) buys one-time services.
No CS cost rows at all.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from harness import RawFolder, Warehouse
from revenue_helpers import Billing, build_revenue, slice_row

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

AS_OF = "2024-03-15"
JAN, FEB, MAR = "2024-01-01", "2024-02-01", "2024-03-01"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("revenue_clv")
    raw = RawFolder(tmp / "raw")
    b = Billing(raw)
    invoice_ids = iter(range(1, 10_000))

    def invoice(customer_id: str, issued_at: str, amount: object, **values: object) -> None:
        raw.add("billing.invoices", invoice_id=f"I{next(invoice_ids):04d}",
                customer_id=customer_id, issued_at=issued_at, due_date=issued_at[:10],
                amount=amount, **values)

    for i in range(1, 21):
        b.paying_customer(f"SM{i:02d}", "smb", [(JAN, "2024-02-10" if i == 1 else None, 100)])
    for i in range(1, 11):
        b.paying_customer(f"MM{i:02d}", "mid_market", [(JAN, None, 100)])
    for i in range(1, 25):
        b.paying_customer(f"EN{i:02d}", "enterprise",
                          [(JAN, "2024-02-10" if i == 24 else None, 500)])
    for customer_id in ("EN01", "EN02"):
        for month in ("2024-01", "2024-02"):
            invoice(customer_id, f"{month}-03 10:00:00", "80.00")
            invoice(customer_id, f"{month}-13 10:00:00", "80.00")
            invoice(customer_id, f"{month}-23 10:00:00", "-10.00")  # credit note
    invoice("EN01", "2024-02-05 10:00:00", "1000.00", status="void")  # not a purchase
    invoice("EN01", "2024-03-20 10:00:00", "80.00")  # after as_of: ignored

    # --- unknown: expansion revenue ---------------------------------------------------
    b.paying_customer("U1", "unknown", [(JAN, FEB, 100), (FEB, None, 150)])
    b.paying_customer("U2", "unknown", [(FEB, None, 100)])
    invoice("U1", "2024-01-20 10:00:00", "40.00", invoice_type="one_time")
    invoice("U1", "2024-02-10 10:00:00", "300.00", invoice_type="one_time")
    invoice("U1", "2024-02-11 10:00:00", "999.00", invoice_type="one_time", status="void")
    invoice("U2", "2024-02-12 10:00:00", "200.00", invoice_type="one_time")

    return build_revenue(raw, tmp, as_of=AS_OF)


def test_worked_example_6_clv_revenue(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_customer_lifetime_value", FEB, "segment", "smb")
    # Pooled churn over Jan..Feb (the 6-month window clipped at the first month):
    # churned (0 + 1) / customers_start (0 + 20) = 0.05. ARPA = 19 * 100 / 19 = 100.
    # clv_revenue = 100 / 0.05 = 2,000; clv_margin = 100 * 0.8 / 0.05 = 1,600;
    # expected lifetime 1 / 0.05 = 20 months.
    assert (row["churned_customers_6m"], row["customers_start_6m"]) == (1, 20)
    assert row["churn_rate_6m"] == pytest.approx(0.05, abs=1e-12)
    assert row["arpa"] == pytest.approx(100.0, abs=1e-9)
    assert row["clv_revenue"] == pytest.approx(2000.0, abs=1e-6)
    assert row["gross_margin"] == pytest.approx(0.8, abs=1e-12)
    assert row["clv_margin"] == pytest.approx(1600.0, abs=1e-6)
    assert row["expected_lifetime_months"] == pytest.approx(20.0, abs=1e-9)


def test_worked_example_6_zero_churn_is_null(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_customer_lifetime_value", FEB, "segment", "mid_market")
    # 0 churned of 10 at the start: churn 0 -> lifetime and CLV null, not infinite.
    assert row["churn_rate_6m"] == 0
    assert row["expected_lifetime_months"] is None
    assert row["clv_revenue"] is None
    assert row["clv_margin"] is None
    assert row["arpa"] == pytest.approx(100.0, abs=1e-9)


def test_worked_example_6_purchase_based(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_customer_lifetime_value", FEB, "segment", "enterprise")
    # Window Jan..Feb (2 months, clipped at the first month). Invoices: 2 customers x
    # 2 months x 3 = 12 (the void one excluded); amount 2 x 2 x (80 + 80 - 10) = 600.
    # avg_purchase_value = 600 / 12 = 50; purchases per customer-month 12 / 2 / 2 = 3;
    # churn 1/24 -> lifetime 24 months; 50 x 3 x 24 = 3,600.
    assert (row["invoices_12m"], row["invoiced_customers_12m"],
            row["purchase_window_months"]) == (12, 2, 2)
    assert row["invoice_amount_12m"] == Decimal("600")
    assert row["avg_purchase_value"] == pytest.approx(50.0, abs=1e-9)
    assert row["purchases_per_customer_month"] == pytest.approx(3.0, abs=1e-9)
    assert row["expected_lifetime_months"] == pytest.approx(24.0, abs=1e-9)
    assert row["clv_purchase_based"] == pytest.approx(3600.0, abs=1e-6)
    mar = slice_row(warehouse, "kpi_customer_lifetime_value", MAR, "segment", "enterprise")
    # March: the invoice of Mar 20 is after as_of -> still 12 invoices, now over 3
    # months: 12 / 2 / 3 = 2 purchases per customer-month.
    assert (mar["invoices_12m"], mar["purchase_window_months"]) == (12, 3)
    assert mar["purchases_per_customer_month"] == pytest.approx(2.0, abs=1e-9)


def test_expansion_revenue(warehouse: Warehouse) -> None:
    feb = slice_row(warehouse, "kpi_expansion_revenue", FEB, "segment", "unknown")
    # U1 100 -> 150: expansion 50. One-time revenue from customers active at the start
    # of February: U1's 300 (its void 999 excluded; U2's 200 is from a new customer).
    # expansion_revenue = 50 + 300 = 350. Previous month: mrr_end(Jan) 100 + all
    # one-time revenue of January 40 = 140 -> growth 350 / 140 = 2.5.
    assert feb["expansion_mrr"] == Decimal("50")
    assert feb["one_time_revenue_existing"] == Decimal("300")
    assert feb["expansion_revenue"] == Decimal("350")
    assert feb["total_revenue_prev_month"] == Decimal("140")
    assert feb["expansion_revenue_growth"] == pytest.approx(2.5, abs=1e-12)
    jan = slice_row(warehouse, "kpi_expansion_revenue", JAN, "segment", "unknown")
    # January: U1 is new (not active at the start) -> no existing one-time revenue; no
    # revenue before the first month -> growth null.
    assert jan["one_time_revenue_existing"] == 0
    assert jan["total_revenue_prev_month"] == 0
    assert jan["expansion_revenue_growth"] is None
    mar = slice_row(warehouse, "kpi_expansion_revenue", MAR, "segment", "unknown")
    # March: previous month = mrr_end(Feb) 150 + 100 + one-time 300 + 200 = 750.
    assert mar["total_revenue_prev_month"] == Decimal("750")


def test_month_without_cost_rows_costs_zero(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_customer_retention_cost", FEB)
    # No cost rows: cost 0, and 0 / 55 customers at the start (20 + 10 + 24 + U1) = 0.
    assert row["cs_cost"] == 0
    assert row["customers_start"] == 55
    assert row["customer_retention_cost"] == 0
