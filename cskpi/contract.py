"""The raw data contract (``docs/raw-contract.md``) as data.

One place names every raw table and column: the loader checks folders against it,
the demo generator writes it, and the tests build fixtures from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawTable:
    system: str
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def qualified(self) -> str:
        return f"{self.system}.{self.name}"


def _t(system: str, name: str, key: tuple[str, ...], *columns: str) -> RawTable:
    return RawTable(system, name, tuple(columns) + ("_loaded_at",), key)


RAW_TABLES: tuple[RawTable, ...] = (
    _t("crm", "customers", ("customer_id",),
       "customer_id", "customer_name", "primary_contact_email", "segment", "industry",
       "country_code", "created_at", "is_test_account"),
    _t("crm", "cs_reps", ("rep_id",),
       "rep_id", "rep_name", "rep_email", "team", "hired_at", "left_at"),
    _t("crm", "customer_owner_history", ("customer_id", "valid_from"),
       "customer_id", "rep_id", "valid_from", "valid_to"),
    _t("crm", "customer_business_metrics", ("customer_id", "as_of_date"),
       "customer_id", "as_of_date", "employee_count", "end_customer_count"),
    _t("billing", "subscriptions", ("subscription_id",),
       "subscription_id", "customer_id", "plan_id", "contract_term_months", "started_at",
       "ended_at", "cancellation_reason"),
    _t("billing", "subscription_periods", ("subscription_period_id",),
       "subscription_period_id", "subscription_id", "customer_id", "billing_interval",
       "amount", "currency", "quantity", "is_trial", "period_start", "period_end"),
    _t("billing", "invoices", ("invoice_id",),
       "invoice_id", "customer_id", "subscription_id", "invoice_type", "amount",
       "tax_amount", "currency", "issued_at", "due_date", "paid_at", "status"),
    _t("billing", "fx_rates", ("currency", "rate_month"),
       "currency", "rate_month", "rate_to_reporting"),
    _t("support", "tickets", ("ticket_id",),
       "ticket_id", "customer_id", "requester_email", "assignee_id", "channel", "priority",
       "subject", "status", "created_at"),
    _t("support", "ticket_events", ("event_id",),
       "event_id", "ticket_id", "event_at", "event_type", "actor_id", "is_public",
       "new_status"),
    _t("surveys", "survey_responses", ("response_id",),
       "response_id", "customer_id", "respondent_email", "survey_type", "score", "comment",
       "ticket_id", "responded_at"),
    _t("product", "usage_daily", ("customer_id", "usage_date"),
       "customer_id", "usage_date", "active_users", "sessions", "key_events"),
    _t("finance", "cs_costs", ("cost_month", "cost_category"),
       "cost_month", "cost_category", "amount", "currency"),
)

SYSTEMS: tuple[str, ...] = tuple(dict.fromkeys(t.system for t in RAW_TABLES))
BY_NAME: dict[str, RawTable] = {t.qualified: t for t in RAW_TABLES}
