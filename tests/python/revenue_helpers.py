"""Shared helpers for the revenue KPI tests: raw rows for paying customers, a build of
the revenue marts only, and lookups of one mart row.

Expected values in the tests are worked out by hand from kpi-definitions.md; these
helpers only write raw rows and read rows back.
"""

from __future__ import annotations

from pathlib import Path

from harness import RawFolder, Warehouse, build

REVENUE_MARTS = (
    "kpi_mrr",
    "kpi_customer_churn_rate",
    "kpi_customer_retention_rate",
    "kpi_revenue_churn_rate",
    "kpi_expansion_revenue",
    "kpi_net_revenue_retention",
    "kpi_customer_lifetime_value",
    "kpi_customer_retention_cost",
    "kpi_renewal_rate",
    "dim_customers",
)
# The revenue marts and everything upstream of them (staging, intermediate).
REVENUE_SELECT = " ".join(f"+{model}" for model in REVENUE_MARTS)

# Raw spellings of each segment (staging normalises them; 'other' -> unknown).
SEGMENT_RAW = {"smb": "smb", "mid_market": "Mid-Market", "enterprise": "ENTERPRISE",
               "unknown": "other"}


def build_revenue(raw: RawFolder, workdir: Path, as_of: str,
                  dbt_vars: dict[str, object] | None = None) -> Warehouse:
    """Load the folder and `dbt build` the revenue marts (their data tests included)."""
    return build(raw, workdir, as_of=as_of, select=REVENUE_SELECT, dbt_vars=dbt_vars)


class Billing:
    """Writes customers, subscriptions and their periods into a RawFolder."""

    def __init__(self, raw: RawFolder) -> None:
        self.raw = raw
        self._periods = 0

    def customer(self, customer_id: str, segment: str = "smb", **values: object) -> None:
        self.raw.add("crm.customers", customer_id=customer_id,
                     segment=SEGMENT_RAW[segment], **values)

    def subscription(self, subscription_id: str, customer_id: str, started_at: str,
                     ended_at: str | None = None, term: int = 1) -> None:
        self.raw.add("billing.subscriptions", subscription_id=subscription_id,
                     customer_id=customer_id, started_at=started_at, ended_at=ended_at,
                     contract_term_months=term)

    def period(self, subscription_id: str, customer_id: str, start: str, end: str | None,
               amount: object, interval: str = "month", currency: str = "USD",
               **values: object) -> str:
        self._periods += 1
        period_id = f"{subscription_id}-P{self._periods}"
        self.raw.add("billing.subscription_periods", subscription_period_id=period_id,
                     subscription_id=subscription_id, customer_id=customer_id,
                     billing_interval=interval, amount=amount, currency=currency,
                     period_start=start, period_end=end, **values)
        return period_id

    def paying_customer(self, customer_id: str, segment: str,
                        periods: list[tuple[str, str | None, object]],
                        currency: str = "USD", interval: str = "month",
                        **customer_values: object) -> None:
        """A customer with one subscription made of consecutive periods
        (start, end, amount); the subscription ends with the last period."""
        self.customer(customer_id, segment, **customer_values)
        subscription_id = f"S-{customer_id}"
        self.subscription(subscription_id, customer_id, started_at=periods[0][0],
                          ended_at=periods[-1][1])
        for start, end, amount in periods:
            self.period(subscription_id, customer_id, start, end, amount,
                        interval=interval, currency=currency)


def slice_row(warehouse: Warehouse, mart: str, month: str, dimension: str = "overall",
              value: str = "all") -> dict[str, object]:
    return warehouse.one(
        f"select * from main.{mart} where month = cast(? as date) "
        "and dimension = ? and dimension_value = ?",
        [month, dimension, value],
    )


def customer_month(warehouse: Warehouse, customer_id: str, month: str) -> dict[str, object]:
    return warehouse.one(
        "select * from main.int_customer_months where customer_id = ? "
        "and month = cast(? as date)",
        [customer_id, month],
    )
