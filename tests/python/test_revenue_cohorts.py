"""The drill-down (fct_customer_mrr_months), the cohort triangle (kpi_cohort_retention)
and the quick ratio (kpi_mrr.quick_ratio), kpi-definitions.md sections of the same
names, against numbers worked out by hand below.

One raw folder, one build, as_of 2024-04-15 (months Jan .. a partial Apr 2024).
EUR rates: Jan 1.10, Feb 1.20, Mar 1.00 (April carries March's 1.00 forward).
- smb, cohort January:
  A  USD 100 from Jan 1, open; its CRM account was created after as_of (2024-06-01).
  R  USD 50 Jan 1 - Feb 1 (active at Jan's end, not at Feb's), back at 80 from Apr 1:
     a reactivation inside its cohort.
  E  EUR 100 from Jan 1, open: the multi-currency member (110, 120, 100, 100 USD).
- enterprise, cohort January:
  B  USD 300 from Jan 1, 200 from Mar 1 (a contraction of 100 in March).
- mid_market:
  J  USD 100 Jan 5 - Jan 20 (joined and left inside January), back at 200 from Mar 1:
     never active at a month end before March, so March is its `new` month and cohort.
- unknown: N, a CRM account created after as_of that never billed (dim_customers only).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from harness import RawFolder, Warehouse, build
from revenue_helpers import Billing

AS_OF = "2024-04-15"
JAN, FEB, MAR, APR = "2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"
pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

SELECT = ("+fct_customer_mrr_months +kpi_cohort_retention +kpi_mrr "
          "+kpi_customer_churn_rate +dim_customers")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("revenue_cohorts")
    raw = RawFolder(tmp / "raw")
    b = Billing(raw)
    for month, rate in ((JAN, "1.10"), (FEB, "1.20"), (MAR, "1.00")):
        raw.add("billing.fx_rates", currency="EUR", rate_month=month, rate_to_reporting=rate)

    b.paying_customer("A", "smb", [(JAN, None, 100)], created_at="2024-06-01 00:00:00")
    b.customer("R", "smb")
    b.subscription("S-R1", "R", started_at=JAN, ended_at=FEB)
    b.period("S-R1", "R", JAN, FEB, 50)
    b.subscription("S-R2", "R", started_at=APR)
    b.period("S-R2", "R", APR, None, 80)
    b.paying_customer("E", "smb", [(JAN, None, 100)], currency="EUR")
    b.paying_customer("B", "enterprise", [(JAN, MAR, 300), (MAR, None, 200)])
    b.customer("J", "mid_market")
    b.subscription("S-J1", "J", started_at="2024-01-05", ended_at="2024-01-20")
    b.period("S-J1", "J", "2024-01-05", "2024-01-20", 100)
    b.subscription("S-J2", "J", started_at=MAR)
    b.period("S-J2", "J", MAR, None, 200)
    b.customer("N", "unknown", created_at="2024-05-01 00:00:00")
    return build(raw, tmp, as_of=AS_OF, select=SELECT)


def cohort(warehouse: Warehouse, cohort_month: str, k: int, dimension: str = "overall",
           value: str = "all") -> dict[str, object]:
    return warehouse.one(
        "select * from main.kpi_cohort_retention where cohort_month = cast(? as date) "
        "and months_since_start = ? and dimension = ? and dimension_value = ?",
        [cohort_month, k, dimension, value])


def fct(warehouse: Warehouse, customer_id: str, month: str) -> dict[str, object]:
    return warehouse.one(
        "select * from main.fct_customer_mrr_months where customer_id = ? "
        "and month = cast(? as date)", [customer_id, month])


# --- fct_customer_mrr_months ----------------------------------------------------------

def test_drill_down_rows_and_movements(warehouse: Warehouse) -> None:
    # J joined and left inside January: a row (inactive, first paid month), 0 MRR.
    j_jan = fct(warehouse, "J", JAN)
    assert (j_jan["movement"], j_jan["mrr_end"], j_jan["movement_mrr"]) == ("inactive", 0, 0)
    assert (j_jan["is_first_paid_month"], j_jan["is_active_end"]) == (True, False)
    # March: P = 0, C = 200, never active at a month end -> new 200, 2 months after Jan.
    j_mar = fct(warehouse, "J", MAR)
    assert (j_mar["movement"], j_mar["movement_mrr"], j_mar["months_since_first_paid"]) == (
        "new", Decimal("200"), 2)
    assert str(j_mar["first_paid_month"]) == JAN
    # R: churn of P = 50 in February, reactivation of C = 80 in April.
    assert (fct(warehouse, "R", FEB)["movement"], fct(warehouse, "R", FEB)["movement_mrr"]) \
        == ("churn", Decimal("50"))
    assert (fct(warehouse, "R", APR)["movement"], fct(warehouse, "R", APR)["movement_mrr"]) \
        == ("reactivation", Decimal("80"))
    # B: 300 -> 200 in March, contraction 100 (positive: what it adds to contraction_mrr).
    b_mar = fct(warehouse, "B", MAR)
    assert (b_mar["movement"], b_mar["movement_mrr"]) == ("contraction", Decimal("100"))
    # E in February: P = 100 EUR * 1.20 = 120 = C, fx_impact 120 - 110 = 10, in EUR.
    e_feb = fct(warehouse, "E", FEB)
    assert (e_feb["movement"], e_feb["mrr_start_current_rates"], e_feb["mrr_end"],
            e_feb["fx_impact"], e_feb["billing_currency"]) == (
        "unchanged", Decimal("120"), Decimal("120"), Decimal("10"), "EUR")
    # A's CRM account was created after as_of: its rows are kept.
    assert fct(warehouse, "A", APR)["mrr_end"] == Decimal("100")
    assert warehouse.one("select count(*) as n from main.fct_customer_mrr_months")["n"] \
        == 4 * 5  # five customers with billing, January to April


def test_drill_down_adds_up_to_kpi_mrr_in_march(warehouse: Warehouse) -> None:
    # March overall: new J 200, contraction B 100, fx E 100 - 120 = -20,
    # mrr_end A 100 + E 100 + B 200 + J 200 = 600, paying 4 (R is out).
    sums = warehouse.one(
        "select sum(case when movement = 'new' then movement_mrr else 0 end) as new_mrr, "
        "sum(case when movement = 'contraction' then movement_mrr else 0 end) as contraction, "
        "sum(fx_impact) as fx_impact, sum(mrr_end) as mrr_end, "
        "sum(case when is_active_end then 1 else 0 end) as paying "
        "from main.fct_customer_mrr_months where month = cast(? as date)", [MAR])
    assert sums == {"new_mrr": Decimal("200"), "contraction": Decimal("100"),
                    "fx_impact": Decimal("-20"), "mrr_end": Decimal("600"), "paying": 4}
    mrr = warehouse.one("select * from main.kpi_mrr where month = cast(? as date) "
                        "and dimension = 'overall'", [MAR])
    assert (mrr["new_mrr"], mrr["contraction_mrr"], mrr["fx_impact"], mrr["mrr_end"],
            mrr["paying_customers_end"]) == (Decimal("200"), Decimal("100"), Decimal("-20"),
                                             Decimal("600"), 4)


# --- quick ratio ----------------------------------------------------------------------

def test_quick_ratio(warehouse: Warehouse) -> None:
    rows = {str(r["month"]): r["quick_ratio"] for r in warehouse.query(
        "select month, quick_ratio from main.kpi_mrr where dimension = 'overall'")}
    # Jan: new 560, nothing lost -> 0 denominator -> null (never infinity).
    assert rows[JAN] is None
    # Feb: nothing gained, R churns 50 -> 0 / 50 = 0.
    assert rows[FEB] == 0
    # Mar: new J 200 / contraction B 100 = 2.
    assert rows[MAR] == pytest.approx(2.0, abs=1e-12)
    # Apr: reactivation R 80, nothing lost -> null.
    assert rows[APR] is None
    smb = warehouse.one("select quick_ratio from main.kpi_mrr where month = cast(? as date) "
                        "and dimension = 'segment' and dimension_value = 'smb'", [FEB])
    assert smb["quick_ratio"] == 0  # smb in Feb: 0 gained / R's 50 lost


# --- kpi_cohort_retention -------------------------------------------------------------

def test_joined_and_left_customer_joins_its_later_cohort(warehouse: Warehouse) -> None:
    # J is not in January's cohort (A, R, E, B) but is March's only member.
    assert cohort(warehouse, JAN, 0)["cohort_customers"] == 4
    march = cohort(warehouse, MAR, 0)
    assert (march["cohort_customers"], march["active_customers"], march["cohort_mrr_start"],
            march["cohort_mrr"]) == (1, 1, Decimal("200"), Decimal("200"))
    assert (march["logo_retention"], march["mrr_retention"]) == (1, 1)
    assert warehouse.query("select * from main.kpi_cohort_retention "
                           "where cohort_month = cast(? as date)", [FEB]) == []
    # J's segment rows start at its cohort: mid_market has no January row.
    assert warehouse.query(
        "select * from main.kpi_cohort_retention where dimension_value = 'mid_market' "
        "and cohort_month = cast(? as date)", [JAN]) == []
    april = cohort(warehouse, MAR, 1, "segment", "mid_market")
    assert (str(april["month"]), april["active_customers"], april["mrr_retention"]) == (
        APR, 1, 1)


def test_january_cohort_overall(warehouse: Warehouse) -> None:
    # start(m) = A 100 + R 50 + E 100 * rate(m) + B 300; k = 0..3 (Jan .. Apr).
    expected = {
        0: (4, 4, Decimal("560"), Decimal("560")),  # 100 + 50 + 110 + 300
        1: (4, 3, Decimal("570"), Decimal("520")),  # start 100 + 50 + 120 + 300
        2: (4, 3, Decimal("550"), Decimal("400")),  # 100 + 0 + 100 + 200
        3: (4, 4, Decimal("550"), Decimal("480")),  # 100 + 80 + 100 + 200
    }
    for k, (customers, active, start, now) in expected.items():
        row = cohort(warehouse, JAN, k)
        assert (row["cohort_customers"], row["active_customers"], row["cohort_mrr_start"],
                row["cohort_mrr"]) == (customers, active, start, now), k
        assert row["logo_retention"] == pytest.approx(active / customers, abs=1e-12)
        assert row["mrr_retention"] == pytest.approx(float(now / start), abs=1e-12)
    assert cohort(warehouse, JAN, 1)["mrr_retention"] == pytest.approx(0.912281, abs=1e-6)
    assert cohort(warehouse, JAN, 3)["is_complete_month"] is False
    assert str(cohort(warehouse, JAN, 3)["month"]) == APR


def test_multi_currency_cohort_at_one_months_rates(warehouse: Warehouse) -> None:
    # smb: A (USD 100), R (USD 50, out in Feb and Mar, back at 80 in Apr), E (EUR 100).
    # Both sides at the rates of the month: Feb start 100 + 50 + 120 = 270 (not 260 at
    # January's rates), now 100 + 0 + 120 = 220 -> 0.814815.
    feb = cohort(warehouse, JAN, 1, "segment", "smb")
    assert (feb["cohort_mrr_start"], feb["cohort_mrr"]) == (Decimal("270"), Decimal("220"))
    assert feb["mrr_retention"] == pytest.approx(220 / 270, abs=1e-12)
    assert feb["logo_retention"] == pytest.approx(2 / 3, abs=1e-12)
    # March: EUR at 1.00 -> start 250, now 200 -> 0.80.
    mar = cohort(warehouse, JAN, 2, "segment", "smb")
    assert (mar["cohort_mrr_start"], mar["cohort_mrr"]) == (Decimal("250"), Decimal("200"))


def test_reactivation_inside_a_cohort(warehouse: Warehouse) -> None:
    # April: R is back at 80 (above its first-month 50): net retention 280 / 250 = 1.12,
    # logos 3 / 3.
    apr = cohort(warehouse, JAN, 3, "segment", "smb")
    assert (apr["active_customers"], apr["cohort_mrr"]) == (3, Decimal("280"))
    assert apr["mrr_retention"] == pytest.approx(1.12, abs=1e-12)
    assert apr["logo_retention"] == 1
    enterprise = cohort(warehouse, JAN, 2, "segment", "enterprise")
    assert enterprise["mrr_retention"] == pytest.approx(200 / 300, abs=1e-12)


# --- created_at never hides a customer ------------------------------------------------

def test_customers_created_after_as_of_are_kept(warehouse: Warehouse) -> None:
    rows = {r["customer_id"]: r for r in warehouse.query(
        "select customer_id, is_active, current_mrr from main.dim_customers")}
    assert set(rows) == {"A", "R", "E", "B", "J", "N"}
    assert (rows["N"]["is_active"], rows["N"]["current_mrr"]) == (False, 0)
    assert rows["A"]["current_mrr"] == Decimal("100")
