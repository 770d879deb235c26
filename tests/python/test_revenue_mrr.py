"""MRR, its bridge and movements (kpi-definitions.md, worked examples 2, 3 and 4), one
test per movement category on its own, a pause, FX-only months and the partial as_of
month.

One raw folder, one build, as_of 2024-03-15 (months Nov 2023 .. a partial Mar 2024):
- smb: worked example 2 (customers A-F, January -> February 2024).
- mid_market: worked example 3 (100 monthly at $100 + 50 annual at $600/year).
- enterprise: worked example 4 (a EUR customer, 100 EUR MRR, rate 1.10 then 1.20).
- unknown: one customer per movement category and edge case, checked on the
  customer-state table (int_customer_months).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from harness import RawFolder, Warehouse
from revenue_helpers import Billing, build_revenue, customer_month, slice_row

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

AS_OF = "2024-03-15"
JAN, FEB, MAR = "2024-01-01", "2024-02-01", "2024-03-01"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("revenue_mrr")
    raw = RawFolder(tmp / "raw")
    b = Billing(raw)

    # --- smb: worked example 2 --------------------------------------------------------
    b.paying_customer("A", "smb", [("2023-12-01", None, 100)])
    b.paying_customer("B", "smb", [("2023-12-01", "2024-02-01", 200),
                                   ("2024-02-01", None, 250)])
    b.paying_customer("C", "smb", [("2023-12-01", "2024-02-01", 300),
                                   ("2024-02-01", None, 240)])
    b.paying_customer("D", "smb", [("2023-12-01", "2024-02-10", 150)])
    b.paying_customer("E", "smb", [("2024-02-05", None, 80)])
    # F paid in November 2023, nothing in December and January, back in February.
    b.customer("F", "smb")
    b.subscription("S-F1", "F", started_at="2023-11-01", ended_at="2023-12-01")
    b.period("S-F1", "F", "2023-11-01", "2023-12-01", 120)
    b.subscription("S-F2", "F", started_at="2024-02-01")
    b.period("S-F2", "F", "2024-02-01", None, 120)

    # --- mid_market: worked example 3 -------------------------------------------------
    for i in range(100):
        b.paying_customer(f"MM{i:03d}", "mid_market", [(JAN, None, 100)])
    for i in range(50):
        b.paying_customer(f"MY{i:03d}", "mid_market", [(JAN, None, 600)], interval="year")

    # --- enterprise: worked example 4 -------------------------------------------------
    raw.add("billing.fx_rates", currency="EUR", rate_month=JAN, rate_to_reporting="1.10")
    raw.add("billing.fx_rates", currency="eur", rate_month=FEB, rate_to_reporting="1.20")
    # (no EUR rate for March: February's is carried forward)
    b.paying_customer("X4", "enterprise", [(JAN, None, 100)], currency="eur")

    # --- unknown: one customer per category and edge case -----------------------------
    b.paying_customer("NEW1", "unknown", [("2024-02-10", None, 70)])
    b.paying_customer("EXP1", "unknown", [("2023-12-01", FEB, 100),
                                          (FEB, None, 160)])
    b.paying_customer("CON1", "unknown", [("2023-12-01", FEB, 100),
                                          (FEB, None, 40)])
    b.paying_customer("CHU1", "unknown", [("2023-12-01", FEB, 90)])
    # Paid 50 in December, nothing in January, back at 75 in February.
    b.customer("REA1", "unknown")
    b.subscription("S-REA1a", "REA1", started_at="2023-12-01", ended_at=JAN)
    b.period("S-REA1a", "REA1", "2023-12-01", JAN, 50)
    b.subscription("S-REA1b", "REA1", started_at=FEB)
    b.period("S-REA1b", "REA1", FEB, None, 75)
    # A pause: a February period with amount 0 between two paid ones.
    b.paying_customer("PAU1", "unknown", [("2023-12-01", FEB, 100), (FEB, MAR, 0),
                                          (MAR, None, 100)])
    # A quarterly price: $300 a quarter = $100 MRR.
    b.paying_customer("QTR1", "unknown", [(JAN, None, 300)], interval="quarter")
    # A trial carries no MRR: trial in January (amount on it), paid from February.
    b.customer("TRI1", "unknown")
    b.subscription("S-TRI1", "TRI1", started_at=JAN)
    b.period("S-TRI1", "TRI1", JAN, FEB, 500, is_trial="true")
    b.period("S-TRI1", "TRI1", FEB, None, 200)
    # FX only: GBP 200 from December; rates Dec 1.25 (carried into Jan), Feb 1.20.
    raw.add("billing.fx_rates", currency="GBP", rate_month="2023-12-01",
            rate_to_reporting="1.25")
    raw.add("billing.fx_rates", currency="GBP", rate_month=FEB, rate_to_reporting="1.20")
    b.paying_customer("FXO1", "unknown", [("2023-12-01", None, 200)], currency="GBP")
    # The partial as_of month (snapshot 2024-03-15):
    b.paying_customer("PAR1", "unknown", [("2023-12-01", "2024-03-10", 100)])  # ends before
    b.paying_customer("PAR2", "unknown", [("2023-12-01", "2024-03-20", 100)])  # ends after
    b.paying_customer("PAR3", "unknown", [("2024-03-10", None, 60)])  # starts before as_of
    b.paying_customer("PAR4", "unknown", [("2024-03-20", None, 60)])  # starts after as_of

    return build_revenue(raw, tmp, as_of=AS_OF)


def test_worked_example_2_mrr_bridge(warehouse: Warehouse) -> None:
    feb = slice_row(warehouse, "kpi_mrr", FEB, "segment", "smb")
    # Start = A 100 + B 200 + C 300 + D 150 = 750 (F is at 0 in January).
    # new E 80; expansion B 250-200 = 50; reactivation F 120; contraction C 300-240 = 60;
    # churned D 150; end = 100 + 250 + 240 + 80 + 120 = 790
    # = 750 + 0 + 80 + 50 + 120 - 60 - 150.
    assert feb["mrr_start"] == Decimal("750")
    assert feb["fx_impact"] == 0
    assert feb["new_mrr"] == Decimal("80")
    assert feb["expansion_mrr"] == Decimal("50")
    assert feb["reactivation_mrr"] == Decimal("120")
    assert feb["contraction_mrr"] == Decimal("60")
    assert feb["churned_mrr"] == Decimal("150")
    assert feb["mrr_end"] == Decimal("790")
    assert feb["arr_end"] == Decimal("9480")  # 12 * 790
    assert feb["paying_customers_end"] == 5  # A, B, C, E, F


def test_worked_example_2_arpa(warehouse: Warehouse) -> None:
    jan = slice_row(warehouse, "kpi_mrr", JAN, "segment", "smb")
    feb = slice_row(warehouse, "kpi_mrr", FEB, "segment", "smb")
    # January: 750 / 4 = 187.50; February: 790 / 5 = 158.00.
    assert jan["arpa"] == pytest.approx(187.50, abs=1e-9)
    assert feb["arpa"] == pytest.approx(158.00, abs=1e-9)


def test_worked_example_2_revenue_churn_and_nrr(warehouse: Warehouse) -> None:
    churn = slice_row(warehouse, "kpi_revenue_churn_rate", FEB, "segment", "smb")
    # gross (150 + 60) / 750 = 0.28; net (150 + 60 - 50) / 750 = 160/750 = 0.213333.
    assert churn["mrr_start_current_rates"] == Decimal("750")
    assert churn["gross_mrr_churn_rate"] == pytest.approx(0.28, abs=1e-9)
    assert churn["net_mrr_churn_rate"] == pytest.approx(160 / 750, abs=1e-9)
    assert churn["net_mrr_churn_rate"] == pytest.approx(0.213333, abs=1e-6)
    nrr = slice_row(warehouse, "kpi_net_revenue_retention", FEB, "segment", "smb")
    # NRR (750 - 150 - 60 + 50) / 750 = 590/750 = 0.786667; GRR 540/750 = 0.72.
    assert nrr["nrr_monthly"] == pytest.approx(0.786667, abs=1e-6)
    assert nrr["grr_monthly"] == pytest.approx(0.72, abs=1e-9)
    expansion = slice_row(warehouse, "kpi_expansion_revenue", FEB, "segment", "smb")
    # 50 / 750 = 0.066667.
    assert expansion["expansion_mrr_rate"] == pytest.approx(0.066667, abs=1e-6)
    logos = slice_row(warehouse, "kpi_customer_churn_rate", FEB, "segment", "smb")
    # Customer churn: D of A-D = 1/4 = 0.25; E new, F reactivated.
    assert (logos["customers_start"], logos["churned_customers"], logos["new_customers"],
            logos["reactivated_customers"], logos["customers_end"]) == (4, 1, 1, 1, 5)
    assert logos["customer_churn_rate"] == pytest.approx(0.25, abs=1e-12)


def test_worked_example_3_normalisation(warehouse: Warehouse) -> None:
    jan = slice_row(warehouse, "kpi_mrr", JAN, "segment", "mid_market")
    # 100 * $100 + 50 * ($600 / 12 = $50) = 10,000 + 2,500 = 12,500.
    assert jan["mrr_end"] == Decimal("12500")
    assert jan["new_mrr"] == Decimal("12500")
    assert jan["paying_customers_end"] == 150
    annual = customer_month(warehouse, "MY000", JAN)
    assert annual["mrr"] == Decimal("50")


def test_worked_example_4_fx(warehouse: Warehouse) -> None:
    feb = slice_row(warehouse, "kpi_mrr", FEB, "segment", "enterprise")
    # 100 EUR * 1.10 = 110 at January's end; 100 EUR * 1.20 = 120 at February's end;
    # P = 100 * 1.20 = 120, fx_impact = 120 - 110 = 10, no expansion.
    assert feb["mrr_start"] == Decimal("110")
    assert feb["fx_impact"] == Decimal("10")
    assert feb["mrr_end"] == Decimal("120")
    assert feb["expansion_mrr"] == 0
    assert feb["contraction_mrr"] == 0
    x4 = customer_month(warehouse, "X4", FEB)
    assert (x4["currency"], x4["mrr_local"], x4["mrr_movement"]) == ("EUR", Decimal("100"),
                                                                      "unchanged")
    # March has no EUR rate: February's 1.20 is carried forward -> no fx impact.
    mar = customer_month(warehouse, "X4", MAR)
    assert (mar["mrr"], mar["fx_impact"]) == (Decimal("120"), 0)


def test_movement_new(warehouse: Warehouse) -> None:
    row = customer_month(warehouse, "NEW1", FEB)
    # P = 0, C = 70, never active before -> new_mrr 70.
    assert row["mrr_movement"] == "new"
    assert (row["new_mrr"], row["mrr"], row["mrr_start"]) == (Decimal("70"), Decimal("70"), 0)
    assert row["expansion_mrr"] == row["reactivation_mrr"] == 0


def test_movement_expansion(warehouse: Warehouse) -> None:
    row = customer_month(warehouse, "EXP1", FEB)
    # P = 100 < C = 160 -> expansion 60.
    assert row["mrr_movement"] == "expansion"
    assert row["expansion_mrr"] == Decimal("60")
    assert row["new_mrr"] == row["reactivation_mrr"] == row["contraction_mrr"] == 0


def test_movement_contraction(warehouse: Warehouse) -> None:
    row = customer_month(warehouse, "CON1", FEB)
    # 0 < C = 40 < P = 100 -> contraction 60.
    assert row["mrr_movement"] == "contraction"
    assert row["contraction_mrr"] == Decimal("60")
    assert row["churned_mrr"] == 0


def test_movement_churn(warehouse: Warehouse) -> None:
    row = customer_month(warehouse, "CHU1", FEB)
    # P = 90, C = 0 -> churned 90 (a row in the churn month, not an absence).
    assert row["mrr_movement"] == "churn"
    assert row["churned_mrr"] == Decimal("90")
    assert row["contraction_mrr"] == 0
    assert (row["is_active_start"], row["is_active_end"]) == (True, False)


def test_movement_reactivation_not_expansion(warehouse: Warehouse) -> None:
    jan = customer_month(warehouse, "REA1", JAN)
    feb = customer_month(warehouse, "REA1", FEB)
    # December 50 -> January 0 (churn 50) -> February 75: a return from zero is a
    # reactivation of 75, not an expansion of 25 over the old price.
    assert (jan["mrr_movement"], jan["churned_mrr"]) == ("churn", Decimal("50"))
    assert feb["mrr_movement"] == "reactivation"
    assert feb["reactivation_mrr"] == Decimal("75")
    assert feb["expansion_mrr"] == 0
    assert feb["new_mrr"] == 0


def test_pause_is_churn_then_reactivation(warehouse: Warehouse) -> None:
    feb = customer_month(warehouse, "PAU1", FEB)
    mar = customer_month(warehouse, "PAU1", MAR)
    # February's period has amount 0 (a pause): churn of 100; March back: reactivation.
    assert (feb["mrr_movement"], feb["churned_mrr"], feb["mrr"]) == ("churn", Decimal("100"), 0)
    assert (mar["mrr_movement"], mar["reactivation_mrr"]) == ("reactivation", Decimal("100"))


def test_quarterly_price_is_normalised(warehouse: Warehouse) -> None:
    # $300 per quarter / 3 = $100 MRR.
    assert customer_month(warehouse, "QTR1", JAN)["mrr"] == Decimal("100")


def test_trial_carries_no_mrr(warehouse: Warehouse) -> None:
    # The January trial (amount 500) is not paid: the first row is February, new 200.
    assert warehouse.query(
        "select * from main.int_customer_months where customer_id = 'TRI1' "
        "and month = cast('2024-01-01' as date)") == []
    feb = customer_month(warehouse, "TRI1", FEB)
    assert (feb["mrr_movement"], feb["new_mrr"]) == ("new", Decimal("200"))


def test_fx_only_month(warehouse: Warehouse) -> None:
    jan = customer_month(warehouse, "FXO1", JAN)
    feb = customer_month(warehouse, "FXO1", FEB)
    # GBP 200: December 200 * 1.25 = 250; January has no rate row, December's carried
    # forward: 250, fx 0. February at 1.20: P = 200 * 1.20 = 240, fx = 240 - 250 = -10;
    # C = 240 = P -> no contraction, movement unchanged.
    assert (jan["mrr"], jan["fx_impact"], jan["mrr_movement"]) == (Decimal("250"), 0,
                                                                    "unchanged")
    assert feb["mrr_start"] == Decimal("250")
    assert feb["mrr_start_current_rates"] == Decimal("240")
    assert feb["fx_impact"] == Decimal("-10")
    assert feb["mrr"] == Decimal("240")
    assert feb["mrr_movement"] == "unchanged"
    assert feb["contraction_mrr"] == 0


def test_partial_as_of_month(warehouse: Warehouse) -> None:
    # March's snapshot is as_of (2024-03-15), not March 31.
    assert customer_month(warehouse, "PAR1", MAR)["snapshot_date"] == date(2024, 3, 15)
    # Ends Mar 10 (before the snapshot): churned in March.
    assert customer_month(warehouse, "PAR1", MAR)["mrr_movement"] == "churn"
    # Ends Mar 20 (after the snapshot): still active in March.
    par2 = customer_month(warehouse, "PAR2", MAR)
    assert (par2["mrr_movement"], par2["is_active_end"]) == ("unchanged", True)
    # Starts Mar 10: new in March.
    assert customer_month(warehouse, "PAR3", MAR)["mrr_movement"] == "new"
    # Starts Mar 20, after as_of: ignored.
    assert warehouse.query(
        "select * from main.int_customer_months where customer_id = 'PAR4'") == []
    mar = slice_row(warehouse, "kpi_mrr", MAR)
    feb = slice_row(warehouse, "kpi_mrr", FEB)
    assert (mar["is_complete_month"], feb["is_complete_month"]) == (False, True)


def test_overall_bridge_in_every_month(warehouse: Warehouse) -> None:
    rows = warehouse.query("select * from main.kpi_mrr where dimension = 'overall' "
                           "order by month")
    # Months from the first billing data (F, 2023-11-01) to as_of's month.
    assert [r["month"] for r in rows] == [date(2023, 11, 1), date(2023, 12, 1),
                                          date(2024, 1, 1), date(2024, 2, 1),
                                          date(2024, 3, 1)]
    for previous, current in zip(rows, rows[1:], strict=False):
        assert current["mrr_start"] == previous["mrr_end"]
    nov = rows[0]
    # November: only F, new at 120.
    assert (nov["mrr_start"], nov["new_mrr"], nov["mrr_end"]) == (0, Decimal("120"),
                                                                   Decimal("120"))
