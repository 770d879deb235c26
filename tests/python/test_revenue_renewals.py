"""Renewal rate (worked example 8) and its edge cases.

One raw folder, one build, as_of 2024-03-15, defaults renewal_min_term_months 12 and
renewal_grace_days 30. Every subscription below is a term contract (12 months unless
said) whose renewal date d = started_at + k * term.
- unknown: worked example 8. 40 contracts started 2023-02-10 (d = 2024-02-10,
  d + 30 = 2024-03-11, before as_of); 34 run on, 6 end at d.
- smb, January 2024: a replacement started after d, one started before d, and a
  contract not renewed although the customer has a running add-on.
- smb, February 2024: a start on Jan 31 with a 13-month term (d clamps to Feb 29).
- smb, March 2024: a pending renewal, and one already renewed inside its window.
- smb: a contract cancelled mid-term (never up for renewal) and a monthly one.
- enterprise: a EUR contract (MRR at the rate of d's month).
- mid_market: a yearly-billed contract from 2022, renewed twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from harness import RawFolder, Warehouse
from revenue_helpers import Billing, build_revenue, slice_row

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

AS_OF = "2024-03-15"
JAN, FEB, MAR = "2024-01-01", "2024-02-01", "2024-03-01"


def _contract(b: Billing, customer_id: str, subscription_id: str, started_at: str,
              ended_at: str | None, amount: object, term: int = 12,
              interval: str = "month", currency: str = "USD") -> None:
    """A contract with one period from started_at to ended_at."""
    b.subscription(subscription_id, customer_id, started_at=started_at, ended_at=ended_at,
                   term=term)
    b.period(subscription_id, customer_id, started_at, ended_at, amount, interval=interval,
             currency=currency)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("revenue_renewals")
    raw = RawFolder(tmp / "raw")
    b = Billing(raw)

    # --- unknown: worked example 8 --------------------------------------------------
    for i in range(1, 41):
        cid = f"RN{i:02d}"
        b.customer(cid, "unknown")
        _contract(b, cid, f"S-{cid}", "2023-02-10", None if i <= 34 else "2024-02-10", 100)

    # --- smb, January 2024 ---------------------------------------------------------------
    # Replacement after d: old contract ends at d = 2024-01-15, new one starts 10 days later.
    b.customer("CR1", "smb")
    _contract(b, "CR1", "S-CR1-old", "2023-01-15", "2024-01-15", 100)
    _contract(b, "CR1", "S-CR1-new", "2024-01-25", None, 120)
    # Replacement before d: d = 2024-01-20, the new contract started 19 days earlier.
    b.customer("CR2", "smb")
    _contract(b, "CR2", "S-CR2-old", "2023-01-20", "2024-01-20", 100)
    _contract(b, "CR2", "S-CR2-new", "2024-01-01", None, 100)
    # Not renewed despite a concurrent add-on: the main contract ends at d = 2024-01-10;
    # the add-on (monthly, started 2023-06-01, long before d) runs on.
    b.customer("CA", "smb")
    _contract(b, "CA", "S-CA-main", "2023-01-10", "2024-01-10", 200)
    _contract(b, "CA", "S-CA-addon", "2023-06-01", None, 50, term=1)
    # Cancelled mid-term: not running on d - 1, never up for renewal.
    b.customer("CC", "smb")
    _contract(b, "CC", "S-CC", "2023-01-05", "2023-09-01", 100)

    # --- smb, February 2024: month-end clamping --------------------------------------
    b.customer("CL", "smb")
    _contract(b, "CL", "S-CL", "2023-01-31", None, 100, term=13)

    # --- smb, March 2024 -------------------------------------------------------------
    # d = 2024-03-01, d + 30 = 2024-03-31 after as_of, no period after d: pending.
    b.customer("CP", "smb")
    _contract(b, "CP", "S-CP", "2023-03-01", "2024-03-01", 100)
    # d = 2024-03-05, window not over but already renewed (the period runs on).
    b.customer("CPR", "smb")
    _contract(b, "CPR", "S-CPR", "2023-03-05", None, 100)

    # --- enterprise: EUR -------------------------------------------------------------
    raw.add("billing.fx_rates", currency="EUR", rate_month="2023-02-01",
            rate_to_reporting="1.00")
    raw.add("billing.fx_rates", currency="EUR", rate_month="2024-01-01",
            rate_to_reporting="1.10")
    raw.add("billing.fx_rates", currency="EUR", rate_month="2024-02-01",
            rate_to_reporting="1.20")
    b.customer("CE", "enterprise")
    _contract(b, "CE", "S-CE", "2023-02-15", None, 100, currency="EUR")

    # --- mid_market: two renewals of a yearly-billed contract ------------------------
    b.customer("CK", "mid_market")
    _contract(b, "CK", "S-CK", "2022-03-03", None, 1200, interval="year")

    return build_revenue(raw, tmp, as_of=AS_OF)


def _renewals(warehouse: Warehouse, subscription_id: str) -> list[dict[str, object]]:
    return warehouse.query(
        "select * from main.int_subscription_renewals where subscription_id = ? "
        "order by renewal_date", [subscription_id])


def test_worked_example_8_renewal_rate(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_renewal_rate", FEB, "segment", "unknown")
    # 40 up for renewal, 34 renewed, none pending -> 34 / 40 = 0.85;
    # MRR 40 x 100 = 4,000 up, 3,400 renewed -> 0.85.
    assert (row["up_for_renewal"], row["renewed"], row["pending_renewals"]) == (40, 34, 0)
    assert row["renewal_rate"] == pytest.approx(0.85, abs=1e-12)
    assert row["mrr_up_for_renewal"] == Decimal("4000")
    assert row["mrr_renewed"] == Decimal("3400")
    assert row["renewal_mrr_rate"] == pytest.approx(0.85, abs=1e-12)


def test_renewed_by_replacement_contract(warehouse: Warehouse) -> None:
    after = _renewals(warehouse, "S-CR1-old")
    before = _renewals(warehouse, "S-CR2-old")
    # The new contract starts within 30 days of d (10 days after, 19 days before) and
    # has a paid period overlapping [d, d + 30): renewed by replacement.
    assert [(r["renewal_date"], r["renewed_by"], r["is_pending"]) for r in after] == [
        (date(2024, 1, 15), "replacement", False)]
    assert [(r["renewal_date"], r["renewed_by"]) for r in before] == [
        (date(2024, 1, 20), "replacement")]


def test_not_renewed_despite_concurrent_addon(warehouse: Warehouse) -> None:
    rows = _renewals(warehouse, "S-CA-main")
    # The add-on started 2023-06-01, far more than 30 days before d = 2024-01-10: not a
    # replacement. d + 30 = 2024-02-09 is before as_of: not renewed, not pending.
    assert [(r["renewal_date"], r["is_renewed"], r["is_pending"],
             r["mrr_up_for_renewal"]) for r in rows] == [
        (date(2024, 1, 10), False, False, Decimal("200"))]
    # The monthly add-on is not a term contract.
    assert _renewals(warehouse, "S-CA-addon") == []
    jan = slice_row(warehouse, "kpi_renewal_rate", JAN, "segment", "smb")
    # January smb: CR1, CR2 renewed, CA not: 2 / 3; MRR 100 + 100 renewed of
    # 100 + 100 + 200 -> 200 / 400 = 0.5.
    assert (jan["up_for_renewal"], jan["renewed"], jan["pending_renewals"]) == (3, 2, 0)
    assert jan["renewal_rate"] == pytest.approx(2 / 3, abs=1e-12)
    assert jan["renewal_mrr_rate"] == pytest.approx(0.5, abs=1e-12)


def test_pending_renewal(warehouse: Warehouse) -> None:
    pending = _renewals(warehouse, "S-CP")
    early = _renewals(warehouse, "S-CPR")
    # CP: d = 2024-03-01, d + 30 = 2024-03-31 after as_of, no renewal yet: pending.
    assert [(r["renewal_date"], r["is_renewed"], r["is_pending"]) for r in pending] == [
        (date(2024, 3, 1), False, True)]
    # CPR: its period runs past d = 2024-03-05: renewed, not pending.
    assert [(r["is_renewed"], r["is_pending"]) for r in early] == [(True, False)]
    mar = slice_row(warehouse, "kpi_renewal_rate", MAR, "segment", "smb")
    # up 2, renewed 1, pending 1: 1 / (2 - 1) = 1.0; MRR 100 / (200 - 100) = 1.0.
    assert (mar["up_for_renewal"], mar["renewed"], mar["pending_renewals"]) == (2, 1, 1)
    assert mar["renewal_rate"] == pytest.approx(1.0, abs=1e-12)
    assert (mar["mrr_up_for_renewal"], mar["mrr_pending_renewals"],
            mar["mrr_renewed"]) == (Decimal("200"), Decimal("100"), Decimal("100"))
    assert mar["renewal_mrr_rate"] == pytest.approx(1.0, abs=1e-12)


def test_cancelled_mid_term_is_not_up_for_renewal(warehouse: Warehouse) -> None:
    # Ended 2023-09-01: not running on d - 1 = 2024-01-04.
    assert _renewals(warehouse, "S-CC") == []


def test_renewal_date_clamps_to_month_end(warehouse: Warehouse) -> None:
    rows = _renewals(warehouse, "S-CL")
    # 2023-01-31 + 13 months = 2024-02-29 (February has no 31st; 2024 is a leap year).
    assert [(r["renewal_date"], r["month"], r["is_renewed"]) for r in rows] == [
        (date(2024, 2, 29), date(2024, 2, 1), True)]


def test_renewal_mrr_at_rate_of_renewal_month(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_renewal_rate", FEB, "segment", "enterprise")
    # 100 EUR on d - 1 = 2024-02-14, at February 2024's rate 1.20 -> 120.
    assert (row["up_for_renewal"], row["renewed"]) == (1, 1)
    assert row["mrr_up_for_renewal"] == Decimal("120")
    assert row["mrr_renewed"] == Decimal("120")


def test_multi_year_renewals(warehouse: Warehouse) -> None:
    rows = _renewals(warehouse, "S-CK")
    # 2022-03-03 + 12 = 2023-03-03 (k = 1) and + 24 = 2024-03-03 (k = 2); $1,200 a year
    # = $100 MRR; both renewed (the yearly period is open-ended).
    assert [(r["renewal_number"], r["renewal_date"], r["is_renewed"],
             r["mrr_up_for_renewal"]) for r in rows] == [
        (1, date(2023, 3, 3), True, Decimal("100")),
        (2, date(2024, 3, 3), True, Decimal("100")),
    ]


def test_overall_february(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_renewal_rate", FEB)
    # unknown 40 (34 renewed) + CL (renewed) + CE (renewed) = 42 up, 36 renewed.
    assert (row["up_for_renewal"], row["renewed"]) == (42, 36)
    assert row["renewal_rate"] == pytest.approx(36 / 42, abs=1e-12)
    # A month without renewals has rows with zeros and a null rate.
    apr_2023 = slice_row(warehouse, "kpi_renewal_rate", "2023-04-01")
    assert (apr_2023["up_for_renewal"], apr_2023["renewal_rate"]) == (0, None)
