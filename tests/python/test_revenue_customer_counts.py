"""Customer counts, logo churn and retention (kpi-definitions.md, worked example 1).

One raw folder, one build, as_of 2024-03-15 (months Jan, Feb and a partial Mar 2024):
- smb: worked example 1. 100 customers active from January; in February 10 of them
  cancel and 5 join, of whom 1 leaves again inside February.
- mid_market: 1,000 customers, 50 cancel in February ("50 of 1,000 = 0.05").
- enterprise: 1,000 customers, 64 cancel in February ("64 of 1,000 = 0.064").
- unknown: U1 joins and leaves inside January, comes back in March (new, not
  reactivated, since it was never active at a month end).
- A test account in smb that must count nowhere.
- CSM ownership of the smb customers, for the cs_rep slice.
"""

from __future__ import annotations

from datetime import date

import pytest
from harness import RawFolder, Warehouse
from revenue_helpers import Billing, build_revenue, customer_month, slice_row

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

AS_OF = "2024-03-15"
FEB = "2024-02-01"
MAR = "2024-03-01"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("revenue_counts")
    raw = RawFolder(tmp / "raw")
    billing = Billing(raw)
    raw.add("crm.cs_reps", rep_id="R_A")
    raw.add("crm.cs_reps", rep_id="R_B")

    # --- smb: worked example 1 ------------------------------------------------------
    for i in range(1, 101):
        cid = f"S{i:03d}"
        # S001-S010 cancel on 2024-02-10; the others run on.
        end = "2024-02-10" if i <= 10 else None
        billing.paying_customer(cid, "smb", [("2024-01-01", end, 100)])
        if i <= 50:
            raw.add("crm.customer_owner_history", customer_id=cid, rep_id="R_A",
                    valid_from="2023-06-01 00:00:00")
        elif i <= 60:
            # Handed from R_B to R_A on Feb 15: February still belongs to R_B (the
            # owner on the month's first day), March to R_A.
            raw.add("crm.customer_owner_history", customer_id=cid, rep_id="R_B",
                    valid_from="2023-06-01 00:00:00", valid_to="2024-02-15 12:00:00")
            raw.add("crm.customer_owner_history", customer_id=cid, rep_id="R_A",
                    valid_from="2024-02-15 12:00:00")
        else:
            raw.add("crm.customer_owner_history", customer_id=cid, rep_id="R_B",
                    valid_from="2023-06-01 00:00:00")
    # Five join on Feb 5; N5 leaves again on Feb 20 (joined and left inside the month).
    for i in range(1, 6):
        cid = f"N{i}"
        billing.paying_customer(cid, "smb", [("2024-02-05", "2024-02-20" if i == 5 else None,
                                              100)])
        # No owner on Feb 1; R_A owns them from Feb 5, so R_A at the month's end.
        raw.add("crm.customer_owner_history", customer_id=cid, rep_id="R_A",
                valid_from="2024-02-05 09:00:00")
    # A test account: excluded everywhere.
    billing.paying_customer("TEST1", "smb", [("2024-01-01", "2024-02-10", 100)],
                            is_test_account="true")

    # --- mid_market: 50 of 1,000 churn; enterprise: 64 of 1,000 --------------------
    for i in range(1, 1001):
        billing.paying_customer(f"M{i:04d}", "mid_market",
                                [("2024-01-01", "2024-02-15" if i <= 50 else None, 100)])
        billing.paying_customer(f"E{i:04d}", "enterprise",
                                [("2024-01-01", "2024-02-15" if i <= 64 else None, 100)])

    # --- unknown: join and leave in January, back in March ----------------------------
    billing.customer("U1", "unknown")
    billing.subscription("S-U1a", "U1", started_at="2024-01-10", ended_at="2024-01-20")
    billing.period("S-U1a", "U1", "2024-01-10", "2024-01-20", 100)
    billing.subscription("S-U1b", "U1", started_at="2024-03-01")
    billing.period("S-U1b", "U1", "2024-03-01", None, 100)

    return build_revenue(raw, tmp, as_of=AS_OF)


def test_month_spine_snapshot_dates(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        "select month, snapshot_date, is_complete_month, month_number "
        "from main.int_months order by month"
    )
    # First billing data: 2024-01-01; as_of 2024-03-15 -> Jan, Feb, Mar; the snapshot of
    # a month is its last day, of the as_of month as_of itself (2024 is a leap year).
    assert rows == [
        {"month": date(2024, 1, 1), "snapshot_date": date(2024, 1, 31),
         "is_complete_month": True, "month_number": 0},
        {"month": date(2024, 2, 1), "snapshot_date": date(2024, 2, 29),
         "is_complete_month": True, "month_number": 1},
        {"month": date(2024, 3, 1), "snapshot_date": date(2024, 3, 15),
         "is_complete_month": False, "month_number": 2},
    ]


def test_worked_example_1_logo_churn(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_customer_churn_rate", FEB, "segment", "smb")
    # 100 at start; 10 churn; 5 join of whom 1 leaves: new 4, churned_new 1,
    # end = 100 - 10 + 4 = 94; churn 10/100 = 0.10; incl. new (10 + 1)/100 = 0.11.
    assert row["customers_start"] == 100
    assert row["churned_customers"] == 10
    assert row["new_customers"] == 4
    assert row["reactivated_customers"] == 0
    assert row["churned_new_customers"] == 1
    assert row["customers_end"] == 94
    assert row["customer_churn_rate"] == pytest.approx(0.10, abs=1e-12)
    assert row["customer_churn_rate_incl_new"] == pytest.approx(0.11, abs=1e-12)
    assert row["is_complete_month"] is True


def test_worked_example_1_retention(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_customer_retention_rate", FEB, "segment", "smb")
    # retained = 100 - 10 = 90; retention = 90/100 = 0.90 = 1 - 0.10.
    assert row["customers_start"] == 100
    assert row["retained_customers"] == 90
    assert row["customer_retention_rate"] == pytest.approx(0.90, abs=1e-12)


def test_worked_example_1_rates_on_1000_customers(warehouse: Warehouse) -> None:
    mid = slice_row(warehouse, "kpi_customer_churn_rate", FEB, "segment", "mid_market")
    ent = slice_row(warehouse, "kpi_customer_churn_rate", FEB, "segment", "enterprise")
    # 50 churned of 1,000 = 0.05 (a fraction, not 5 and not 0.50); 64 of 1,000 = 0.064.
    assert (mid["customers_start"], mid["churned_customers"]) == (1000, 50)
    assert mid["customer_churn_rate"] == pytest.approx(0.05, abs=1e-12)
    assert (ent["customers_start"], ent["churned_customers"]) == (1000, 64)
    assert ent["customer_churn_rate"] == pytest.approx(0.064, abs=1e-12)
    ret = slice_row(warehouse, "kpi_customer_retention_rate", FEB, "segment", "enterprise")
    assert ret["customer_retention_rate"] == pytest.approx(0.936, abs=1e-12)


def test_overall_counts_add_the_segments(warehouse: Warehouse) -> None:
    row = slice_row(warehouse, "kpi_customer_churn_rate", FEB)
    # start 100 + 1,000 + 1,000 = 2,100 (the test account is not counted);
    # churned 10 + 50 + 64 = 124; new 4; churned_new 1; end 2,100 - 124 + 4 = 1,980.
    assert row["customers_start"] == 2100
    assert row["churned_customers"] == 124
    assert row["new_customers"] == 4
    assert row["churned_new_customers"] == 1
    assert row["customers_end"] == 1980
    assert row["customer_churn_rate"] == pytest.approx(124 / 2100, abs=1e-12)
    jan = slice_row(warehouse, "kpi_customer_churn_rate", "2024-01-01")
    # January: everyone is new (2,105 minus the 5 who join in February, the test
    # account excluded); U1 joined and left inside January.
    assert (jan["customers_start"], jan["new_customers"], jan["customers_end"]) == (0, 2100,
                                                                                    2100)
    assert jan["churned_new_customers"] == 1
    assert jan["customer_churn_rate"] is None  # denominator 0 -> null, never 0


def test_cs_rep_slice_uses_owner_at_month_start(warehouse: Warehouse) -> None:
    r_a = slice_row(warehouse, "kpi_customer_churn_rate", FEB, "cs_rep", "R_A")
    r_b = slice_row(warehouse, "kpi_customer_churn_rate", FEB, "cs_rep", "R_B")
    # R_A on Feb 1: S001-S050 -> start 50, churned S001-S010 = 10; the five joiners
    # had no owner on Feb 1 and R_A at the month's end -> new 4, churned_new 1;
    # end 50 - 10 + 4 = 44; churn 10/50 = 0.20, incl. new 11/50 = 0.22.
    assert (r_a["customers_start"], r_a["churned_customers"], r_a["new_customers"],
            r_a["churned_new_customers"], r_a["customers_end"]) == (50, 10, 4, 1, 44)
    assert r_a["customer_churn_rate"] == pytest.approx(0.20, abs=1e-12)
    assert r_a["customer_churn_rate_incl_new"] == pytest.approx(0.22, abs=1e-12)
    # R_B on Feb 1: S051-S100 = 50 (S051-S060 handed over on Feb 15 still count here).
    assert (r_b["customers_start"], r_b["churned_customers"], r_b["customers_end"]) == (
        50, 0, 50)
    # March: S051-S060 belong to R_A -> R_A 44 + 10 = 54, R_B 50 - 10 = 40.
    assert slice_row(warehouse, "kpi_customer_churn_rate", MAR, "cs_rep",
                     "R_A")["customers_start"] == 54
    assert slice_row(warehouse, "kpi_customer_churn_rate", MAR, "cs_rep",
                     "R_B")["customers_start"] == 40
    # Customers without an owner: 1,000 + 1,000 at start, 50 + 64 churned.
    unassigned = slice_row(warehouse, "kpi_customer_churn_rate", FEB, "cs_rep",
                           "unassigned")
    assert (unassigned["customers_start"], unassigned["churned_customers"]) == (2000, 114)
    handed = customer_month(warehouse, "S055", FEB)
    assert (handed["cs_rep_id_start"], handed["cs_rep_id_end"], handed["cs_rep_id"]) == (
        "R_B", "R_A", "R_B")
    joiner = customer_month(warehouse, "N1", FEB)
    assert (joiner["cs_rep_id_start"], joiner["cs_rep_id"]) == (None, "R_A")


def test_join_and_leave_then_return_is_new(warehouse: Warehouse) -> None:
    jan = customer_month(warehouse, "U1", "2024-01-01")
    # First paid period Jan 10 - Jan 20: not active at Jan 31 -> churned_new, not new.
    assert jan["is_churned_new"] is True
    assert jan["mrr_movement"] == "inactive"
    assert jan["is_active_end"] is False
    mar = customer_month(warehouse, "U1", MAR)
    # Back in March, never active at an earlier month end -> new (not reactivation).
    assert mar["mrr_movement"] == "new"
    assert mar["new_mrr"] == 100
    assert mar["reactivation_mrr"] == 0
    unknown_mar = slice_row(warehouse, "kpi_customer_churn_rate", MAR, "segment", "unknown")
    assert (unknown_mar["new_customers"], unknown_mar["reactivated_customers"]) == (1, 0)
    unknown_jan = slice_row(warehouse, "kpi_customer_churn_rate", "2024-01-01", "segment",
                            "unknown")
    assert (unknown_jan["churned_new_customers"], unknown_jan["customers_end"]) == (1, 0)


def test_every_month_has_overall_and_segment_rows(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        "select month, count(*) as n from main.kpi_customer_churn_rate "
        "where dimension in ('overall', 'segment') group by month order by month"
    )
    # overall + 4 segments (smb, mid_market, enterprise, unknown) in each of 3 months.
    assert [r["n"] for r in rows] == [5, 5, 5]
    feb_unknown = slice_row(warehouse, "kpi_customer_retention_rate", FEB, "segment",
                            "unknown")
    assert feb_unknown["customers_start"] == 0
    assert feb_unknown["customer_retention_rate"] is None


def test_test_account_is_excluded(warehouse: Warehouse) -> None:
    assert warehouse.query(
        "select * from main.int_customer_months where customer_id = 'TEST1'") == []
    assert warehouse.query(
        "select * from main.dim_customers where customer_id = 'TEST1'") == []
