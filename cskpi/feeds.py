"""Which raw feeds a build needs, and the checks run on a loaded folder before dbt.

Required: customers, subscriptions and subscription periods (no revenue KPI exists
without them), and FX rates when any amount is in a currency other than the reporting
currency. Everything else is optional: an empty optional table builds, with a warning
naming the feed, and the KPIs that read it are null (not 0) in every month.

An as-of date before the first billing date is refused (every mart would be empty); one
far after the newest billing date warns (recent months would look like mass churn).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

REQUIRED = ("crm.customers", "billing.subscriptions", "billing.subscription_periods")
FX_TABLE = "billing.fx_rates"
# Optional feeds and what an empty one leaves null.
OPTIONAL: dict[str, str] = {
    "crm.cs_reps": "the rep slices",
    "crm.customer_owner_history": "the rep slices",
    "crm.customer_business_metrics": "the health score's growth component",
    "billing.invoices": "the invoice-based columns of kpi_customer_lifetime_value "
                        "and kpi_expansion_revenue",
    "support.tickets": "kpi_first_contact_resolution and the health score's support "
                       "component",
    "support.ticket_events": "kpi_first_contact_resolution",
    "surveys.survey_responses": "kpi_net_promoter_score, kpi_customer_satisfaction and "
                                "kpi_customer_feedback",
    "product.usage_daily": "the health score's usage component",
    "finance.cs_costs": "the cost columns of kpi_customer_retention_cost",
}
# Tables whose amounts carry a currency.
CURRENCY_TABLES = ("billing.subscription_periods", "billing.invoices", "finance.cs_costs")
FAR_AFTER_DAYS = 92


class FeedError(Exception):
    """The folder cannot make a meaningful build; the message is one line."""


@dataclass
class FeedReport:
    warnings: list[str] = field(default_factory=list)
    first_billing_date: date | None = None
    last_billing_date: date | None = None


def _file(table: str) -> str:
    system, name = table.split(".")
    return f"{system}/{name}"


def check(work_path: Path, counts: dict[str, int], as_of: date,
          reporting_currency: str = "USD") -> FeedReport:
    """Refuse (FeedError) or warn about the loaded raw tables; read only counts and dates."""
    report = FeedReport()
    for table in REQUIRED:
        if counts.get(table, 0) == 0:
            raise FeedError(f"{_file(table)} is empty: {table} is required (raw contract); "
                            "export it with its rows and run again")
    for table, consequence in OPTIONAL.items():
        if counts.get(table, 0) == 0:
            report.warnings.append(f"{_file(table)} is empty: optional feed {table}, "
                                   f"{consequence} will be null")

    con = duckdb.connect(str(work_path), read_only=True)
    try:
        foreign = []
        for table in CURRENCY_TABLES:
            (n,) = con.execute(
                f"select count(*) from {table} where nullif(upper(trim(currency)), '') <> ?",
                [reporting_currency.upper()]).fetchone()
            if n:
                foreign.append(table)
        if foreign and counts.get(FX_TABLE, 0) == 0:
            raise FeedError(
                f"{_file(FX_TABLE)} is empty but {', '.join(foreign)} hold amounts in "
                f"currencies other than {reporting_currency}: FX rates are required then")
        first, last = con.execute("""
            with dates as (
                select coalesce(try_cast(trim(period_start) as date),
                                try_cast(try_cast(trim(period_start) as timestamp) as date))
                    as billing_date
                from billing.subscription_periods
                union all
                select coalesce(try_cast(trim(issued_at) as date),
                                try_cast(try_cast(trim(issued_at) as timestamp) as date))
                from billing.invoices
            )
            select min(billing_date), max(billing_date) from dates
        """).fetchone()
    finally:
        con.close()
    report.first_billing_date, report.last_billing_date = first, last
    if first is not None and as_of < first:
        raise FeedError(f"AS_OF {as_of} is before any data (the first billing date is "
                        f"{first}): use an as-of date on or after it")
    if last is not None and as_of > last + timedelta(days=FAR_AFTER_DAYS):
        report.warnings.append(
            f"AS_OF {as_of} is {(as_of - last).days} days after the newest billing date "
            f"({last}): recent months will look churned; is the export complete?")
    return report
