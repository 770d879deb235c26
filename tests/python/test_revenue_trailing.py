"""Trailing-12-month KPIs: NRR/GRR (worked example 5) and customer retention cost
(worked example 7).

One raw folder, one build, as_of 2024-01-31. The first billing data is V's period of
December 2022, so Dec 2022 is month 0 and Jan 2024 (M) is month 13; M-12 = Jan 2023.
- enterprise: X 1,000 -> 1,200; Y 500 -> 0; Z 500 -> 400 (the cohort active at the end
  of Jan 2023); W new in May 2023; V paid in Dec 2022 only and reactivated in Aug 2023.
- mid_market: E1, 100 EUR throughout; EUR at 1.00 in Jan 2023 and 1.50 from Jan 2024.
- smb: 996 customers at $10 from Jan 2023; F001 leaves in March 2023.
Customers active at the end of Jan 2023: 996 + X, Y, Z + E1 = 1,000; at the end of
Dec 2023: 995 + X, Z, W, V + E1 = 1,000.
CS costs: 5,000 in Dec 2022, 99,999 in Jan 2023, 27,000 in every month Feb 2023 ..
Jan 2024 (January 2024 as 21,000 USD salaries + 4,000 EUR tools at 1.50).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from harness import RawFolder, Warehouse
from revenue_helpers import Billing, build_revenue, slice_row

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

AS_OF = "2024-01-31"
M = "2024-01-01"


def _months(start_year: int, start_month: int, count: int) -> list[str]:
    out = []
    year, month = start_year, start_month
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}-01")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("revenue_trailing")
    raw = RawFolder(tmp / "raw")
    b = Billing(raw)

    # --- enterprise: worked example 5 -------------------------------------------------
    b.paying_customer("X", "enterprise", [("2023-01-01", "2023-07-01", 1000),
                                          ("2023-07-01", None, 1200)])
    b.paying_customer("Y", "enterprise", [("2023-01-01", "2023-06-01", 500)])
    b.paying_customer("Z", "enterprise", [("2023-01-01", "2023-09-01", 500),
                                          ("2023-09-01", None, 400)])
    b.paying_customer("W", "enterprise", [("2023-05-01", None, 300)])
    b.customer("V", "enterprise")
    b.subscription("S-V1", "V", started_at="2022-12-01", ended_at="2023-01-01")
    b.period("S-V1", "V", "2022-12-01", "2023-01-01", 200)
    b.subscription("S-V2", "V", started_at="2023-08-01")
    b.period("S-V2", "V", "2023-08-01", None, 250)

    # --- mid_market: the cohort valued at M's rates -----------------------------------
    raw.add("billing.fx_rates", currency="EUR", rate_month="2023-01-01",
            rate_to_reporting="1.00")
    raw.add("billing.fx_rates", currency="EUR", rate_month="2024-01-01",
            rate_to_reporting="1.50")
    b.paying_customer("E1", "mid_market", [("2023-01-01", None, 100)], currency="EUR")

    # --- smb filler ---------------------------------------------------------------------
    for i in range(1, 997):
        end = "2023-03-01" if i == 1 else None
        b.paying_customer(f"F{i:03d}", "smb", [("2023-01-01", end, 10)])

    # --- CS costs -------------------------------------------------------------------------
    raw.add("finance.cs_costs", cost_month="2022-12-01", cost_category="salaries",
            amount="5000")
    raw.add("finance.cs_costs", cost_month="2023-01-01", cost_category="salaries",
            amount="99999")
    for month in _months(2023, 2, 11):  # Feb 2023 .. Dec 2023
        raw.add("finance.cs_costs", cost_month=month, cost_category="salaries",
                amount="20000")
        raw.add("finance.cs_costs", cost_month=month, cost_category="tools",
                amount="7000")
    raw.add("finance.cs_costs", cost_month=M, cost_category="salaries", amount="21000")
    raw.add("finance.cs_costs", cost_month=M, cost_category="tools", amount="4000",
            currency="EUR")

    return build_revenue(raw, tmp, as_of=AS_OF)


def test_worked_example_5_trailing_nrr(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_net_revenue_retention", M, "segment", "enterprise")
    # Cohort active at the end of Jan 2023: X, Y, Z. Then 1,000 + 500 + 500 = 2,000;
    # now 1,200 + 0 + 400 = 1,600 (W new and V reactivated are not in the cohort).
    # nrr_12m = 1,600 / 2,000 = 0.80; grr_12m = (min(1200,1000) + min(0,500) +
    # min(400,500)) / 2,000 = (1,000 + 0 + 400) / 2,000 = 0.70.
    assert row["cohort_mrr_12m_ago"] == Decimal("2000")
    assert row["cohort_mrr_now"] == Decimal("1600")
    assert row["cohort_mrr_now_capped"] == Decimal("1400")
    assert row["nrr_12m"] == pytest.approx(0.80, abs=1e-12)
    assert row["grr_12m"] == pytest.approx(0.70, abs=1e-12)


def test_trailing_nrr_values_the_cohort_at_current_rates(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_net_revenue_retention", M, "segment", "mid_market")
    # E1: 100 EUR then and now, both at January 2024's 1.50: 150 -> 150, NRR 1.0
    # (not 150 / 100 = 1.5: currency moves are not retention).
    assert (row["cohort_mrr_12m_ago"], row["cohort_mrr_now"]) == (Decimal("150"),
                                                                   Decimal("150"))
    assert row["nrr_12m"] == pytest.approx(1.0, abs=1e-12)


def test_trailing_nrr_overall(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_net_revenue_retention", M)
    # then: 996 * 10 + 2,000 + 150 = 12,110; now: 995 * 10 + 1,600 + 150 = 11,700;
    # capped: 995 * 10 + 1,400 + 150 = 11,500.
    assert row["cohort_mrr_12m_ago"] == Decimal("12110")
    assert row["cohort_mrr_now"] == Decimal("11700")
    assert row["nrr_12m"] == pytest.approx(11700 / 12110, abs=1e-12)
    assert row["grr_12m"] == pytest.approx(11500 / 12110, abs=1e-12)


def test_trailing_nrr_null_until_12_months(warehouse: Warehouse) -> None:
    nov = slice_row(warehouse, "kpi_net_revenue_retention", "2023-11-01", "segment",
                    "enterprise")
    # Nov 2023 is month 11: M-12 = Nov 2022 lies before the first month -> null.
    assert nov["nrr_12m"] is None and nov["grr_12m"] is None
    assert nov["cohort_mrr_12m_ago"] is None
    dec = slice_row(warehouse, "kpi_net_revenue_retention", "2023-12-01", "segment",
                    "enterprise")
    # Dec 2023 (month 12): the cohort of Dec 2022 is V alone, 200 -> 250:
    # nrr 250/200 = 1.25, grr min(250, 200)/200 = 1.0.
    assert dec["nrr_12m"] == pytest.approx(1.25, abs=1e-12)
    assert dec["grr_12m"] == pytest.approx(1.0, abs=1e-12)


def test_worked_example_7_customer_retention_cost(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_customer_retention_cost", M)
    # January 2024: 21,000 + 4,000 EUR * 1.50 = 27,000 over 1,000 customers at the
    # start -> 27.
    assert row["cs_cost"] == Decimal("27000")
    assert row["customers_start"] == 1000
    assert row["customer_retention_cost"] == pytest.approx(27.0, abs=1e-9)
    # Trailing: Feb 2023 .. Jan 2024 = 12 * 27,000 = 324,000 (January 2023's 99,999 is
    # outside); customers active at the end of Jan 2023 = 1,000 -> 324.
    assert row["cs_cost_12m"] == Decimal("324000")
    assert row["customers_start_12m"] == 1000
    assert row["customer_retention_cost_12m"] == pytest.approx(324.0, abs=1e-9)


def test_customer_retention_cost_12m_window_edges(warehouse: Warehouse) -> None:
    dec = slice_row(warehouse, "kpi_customer_retention_cost", "2023-12-01")
    # Dec 2023 (month 12): Jan 2023 .. Dec 2023 = 99,999 + 11 * 27,000 = 396,999;
    # customers active at the end of Dec 2022: V alone -> 396,999 per customer.
    assert dec["cs_cost_12m"] == Decimal("396999")
    assert dec["customers_start_12m"] == 1
    assert dec["customer_retention_cost_12m"] == pytest.approx(396999.0, abs=1e-6)
    nov = slice_row(warehouse, "kpi_customer_retention_cost", "2023-11-01")
    assert (nov["cs_cost_12m"], nov["customers_start_12m"],
            nov["customer_retention_cost_12m"]) == (None, None, None)
    # The CRC mart has the overall slice only.
    assert warehouse.query(
        "select distinct dimension from main.kpi_customer_retention_cost"
    ) == [{"dimension": "overall"}]
