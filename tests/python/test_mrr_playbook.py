"""kpi_mrr against dbt Labs' mrr-playbook on the playbook's own seed.

The seed (tests/fixtures/mrr-playbook/subscription_periods.csv, dbt Labs, MIT licence)
becomes a raw folder: one customer per customer_id, one monthly subscription and one period per
seed row (amount = monthly_amount, USD). The playbook's classification is re-done
below in plain Python, rule by rule from its models (customer_revenue_by_month,
customer_churn_month, mrr), with its month spine starting at the first seed month
instead of the hard-coded 2018-01-01. Its monthly new / upgrade / downgrade / churn /
reactivation amounts must equal our new / expansion / contraction / churned /
reactivation MRR in every month.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from harness import RawFolder, Warehouse
from revenue_helpers import Billing, build_revenue

pytestmark = pytest.mark.slow  # a dbt build of the playbook seed (`make test-fast` skips it)

SEED = Path(__file__).resolve().parents[1] / "fixtures/mrr-playbook/subscription_periods.csv"
AS_OF = "2020-03-31"


def _month(value: str) -> date:
    return date.fromisoformat(value).replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _read_seed() -> list[dict[str, str]]:
    with SEED.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class PlaybookRow:
    date_month: date
    customer_id: str
    mrr: Decimal
    is_active: bool
    is_first_month: bool
    is_last_month: bool


def playbook_movements(seed: list[dict[str, str]], spine_end: date
                       ) -> dict[date, dict[str, Decimal]]:
    """The playbook's change_category amounts per month, in plain Python."""
    # util_months: the spine, here from the first seed month to spine_end.
    first = min(_month(r["start_date"]) for r in seed)
    months = []
    month = first
    while month <= spine_end:
        months.append(month)
        month = _next_month(month)

    # customer_revenue_by_month.customers: first and last month per customer
    # (date_trunc of min(start_date) and of max(end_date)).
    by_customer: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in seed:
        by_customer[row["customer_id"]].append(row)

    rows: list[PlaybookRow] = []
    for customer_id, periods in by_customer.items():
        start = _month(min(p["start_date"] for p in periods))
        end = _month(max(p["end_date"] for p in periods))
        # customer_months: spine months >= start and < end; joined: left join the
        # periods with date_month >= start_date and (date_month < end_date or no end).
        joined = []
        for m in (m for m in months if start <= m < end):
            matches = [p for p in periods if m >= date.fromisoformat(p["start_date"])
                       and (not p["end_date"] or m < date.fromisoformat(p["end_date"]))]
            for p in matches or [None]:
                mrr = Decimal(p["monthly_amount"]) if p else Decimal(0)
                joined.append((m, mrr))
        active = [m for m, mrr in joined if mrr > 0]
        first_active, last_active = min(active), max(active)
        for m, mrr in joined:
            rows.append(PlaybookRow(m, customer_id, mrr, mrr > 0, m == first_active,
                                    m == last_active))
        # customer_churn_month: a row for the month after the last active month.
        rows.append(PlaybookRow(_next_month(last_active), customer_id, Decimal(0), False,
                                False, False))

    # mrr: lag per customer ordered by month, defaults false / 0; classify in order.
    totals: dict[date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows.sort(key=lambda r: (r.customer_id, r.date_month))
    previous: PlaybookRow | None = None
    for row in rows:
        if previous is None or previous.customer_id != row.customer_id:
            previous_is_active, previous_mrr = False, Decimal(0)
        else:
            previous_is_active, previous_mrr = previous.is_active, previous.mrr
        change = row.mrr - previous_mrr
        if row.is_first_month:
            category = "new"
        elif not row.is_active and previous_is_active:
            category = "churn"
        elif row.is_active and not previous_is_active:
            category = "reactivation"
        elif change > 0:
            category = "upgrade"
        elif change < 0:
            category = "downgrade"
        else:
            category = None
        if category:
            totals[row.date_month][category] += change
        totals[row.date_month]["mrr"] += row.mrr
        previous = row
    return totals


@pytest.fixture(scope="module")
def seed() -> list[dict[str, str]]:
    return _read_seed()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, seed: list[dict[str, str]]
              ) -> Warehouse:
    tmp = tmp_path_factory.mktemp("mrr_playbook")
    raw = RawFolder(tmp / "raw")
    b = Billing(raw)
    for customer_id in sorted({r["customer_id"] for r in seed}, key=int):
        b.customer(customer_id, "smb")
    for row in seed:
        b.subscription(row["subscription_id"], row["customer_id"],
                       started_at=row["start_date"], ended_at=row["end_date"] or None)
        b.period(row["subscription_id"], row["customer_id"], row["start_date"],
                 row["end_date"] or None, row["monthly_amount"])
    return build_revenue(raw, tmp, as_of=AS_OF)


def test_seed_is_the_published_one(seed: list[dict[str, str]]) -> None:
    # tests/fixtures/mrr-playbook/README.md: 121 rows, 55 customers, 2017-09 to 2020-02.
    assert len(seed) == 121
    assert len({r["customer_id"] for r in seed}) == 55
    assert min(r["start_date"] for r in seed) == "2017-09-01"
    assert max(r["end_date"] for r in seed) == "2020-02-01"


def test_kpi_mrr_equals_playbook_movements(warehouse: Warehouse,
                                           seed: list[dict[str, str]]) -> None:
    expected = playbook_movements(seed, spine_end=date(2020, 3, 1))
    ours = warehouse.query(
        "select * from main.kpi_mrr where dimension = 'overall' order by month")
    assert ours[0]["month"] == date(2017, 9, 1)  # customers 2, 3 and 4 are kept
    assert ours[-1]["month"] == date(2020, 3, 1)
    compared = 0
    for row in ours:
        want = expected.get(row["month"], {})
        got = {
            "new": row["new_mrr"],
            "upgrade": row["expansion_mrr"],
            "downgrade": -row["contraction_mrr"],
            "churn": -row["churned_mrr"],
            "reactivation": row["reactivation_mrr"],
            "mrr": row["mrr_end"],
        }
        for key, value in got.items():
            assert value == want.get(key, Decimal(0)), (row["month"], key, value, want)
        assert row["fx_impact"] == 0
        compared += 1
    assert compared == 31  # 2017-09 .. 2020-03
    # The comparison is not vacuous: every category occurs in the seed.
    flat = defaultdict(Decimal)
    for month_totals in expected.values():
        for key, value in month_totals.items():
            flat[key] += abs(value)
    assert all(flat[k] > 0 for k in ("new", "upgrade", "downgrade", "churn",
                                     "reactivation"))


def test_playbook_early_customers_are_new_in_2017(warehouse: Warehouse) -> None:
    # Customers 2 and 3 start in September 2017 (25 and 50), customer 4 in October (25):
    # the published playbook's 2018 spine would drop them.
    sep = warehouse.one("select new_mrr from main.kpi_mrr where dimension = 'overall' "
                        "and month = cast('2017-09-01' as date)")
    assert sep["new_mrr"] == Decimal("75")
