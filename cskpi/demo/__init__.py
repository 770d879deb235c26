"""Deterministic demo data: a believable B2B SaaS history in the raw-contract layout.

Writes ``<out>/<system>/<table>.csv`` for every table of ``cskpi.contract.RAW_TABLES``
(header = contract columns in contract order, every value as text, empty = null).

Model of the world
------------------
A SaaS vendor sells a seat-based product in three tiers (starter, growth, pro) on
monthly, quarterly, annual and 24-month contracts (24-month contracts are billed
yearly). Its billing history starts ``HISTORY_MONTHS`` months before the as-of month.

* **Customers** sign up over the whole window: a migrated "legacy" book in the first
  weeks, then sign-ups that grow over time. Each customer has a segment (raw spelling
  varies; a few spellings are unknown), a currency (USD, ~10% EUR, ~5% GBP), a country
  and tax rate, a few contacts, and a hidden *happiness* (0-1) that drives churn, survey
  scores and product usage. Every 50th customer is an internal test account that
  behaves like any other customer.
* **Billing** is simulated per customer as a chain of subscriptions. A subscription is a
  list of periods with one constant price each (trial, paid, pause = amount 0). Monthly
  and quarterly plans are evergreen: each billing cycle may bring a mid-cycle change
  (seats, tier, price), a churn at the cycle end, a pause, or a switch to an annual
  contract (a replacement subscription). Term contracts renew on ``started_at + k *
  term`` (trial included in the first term): renewed (a new period starts on the renewal
  date), not renewed (the subscription ends), or replaced by a new subscription starting
  within a few days. Churned customers may come back months later (reactivation); some
  join and leave inside one calendar month; some buy a monthly add-on, which usually ends
  with the main contract but sometimes outlives a non-renewed one.
* **Invoices** are issued at every paid period's start and each billing interval after it,
  and settled by a payment behaviour (mostly on time, some late, a few written off or
  void). Customers who churn for ``payment_failure`` leave uncollectible invoices.
  One-time service invoices and a few credit notes (negative amounts) complete the ledger.
* **Support**: tickets arrive while a customer has a subscription; each follows a
  scenario (zero-touch, one-touch, many-touch, reopened, closed without solve, still
  open) whose events are cut at the as-of date. CSAT surveys follow solved tickets; NPS
  waves reach each contact about quarterly while the customer pays.
* **Usage**: one row per customer and day while a (trial or paid, non-paused) period runs,
  with weekend and random gaps, outages, and a utilisation trend that decays before a
  churn. Some customers never send usage.
* **CS**: customer-success managers own customers over time (hand-overs when a rep leaves,
  at a territory realignment, or at random); support agents handle tickets; finance books
  the programme's monthly cost.
* **Loading**: each row gets a ``_loaded_at`` on or after its own date and not after the
  as-of day. About 1% of rows of a few tables are loaded twice (an older version first),
  and a handful of deliberately bad rows (well under 1%) exercise the audit model.

Nothing is dated after the as-of date: periods and subscriptions still running then are
open-ended. Every random draw comes from a stream seeded with ``(seed, purpose[, chunk])``
(``random.Random`` for the per-customer simulations, numpy generators for the vectorised
tables), so the same seed and arguments give byte-identical files.

Modules: ``crm`` (customers, reps, owners, business metrics), ``billing`` (subscription
chains, periods, FX rates, costs), ``invoices``, ``support`` (tickets, events), ``surveys``,
``usage``, ``bad_rows`` (planted rejects), ``output`` (CSV writing), ``world`` (shared
records and helpers), ``cli``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from cskpi.contract import RAW_TABLES
from cskpi.demo.bad_rows import (
    bad_event_rows,
    bad_invoice_rows,
    bad_metric_rows,
    bad_owner_rows,
    bad_period_rows,
    bad_response_rows,
    bad_subscription_rows,
    bad_ticket_rows,
    bad_usage_rows,
)
from cskpi.demo.billing import (
    cost_rows,
    fx_rows,
    number_periods,
    period_rows,
    simulate_billing,
    subscription_rows,
)
from cskpi.demo.crm import (
    business_metric_rows,
    customer_rows,
    make_customers,
    make_reps,
    owner_ranges,
    owner_rows,
    rep_rows,
)
from cskpi.demo.invoices import invoice_columns
from cskpi.demo.output import Output, with_rows
from cskpi.demo.support import make_tickets, sample_rows, ticket_columns, ticket_events
from cskpi.demo.surveys import response_columns
from cskpi.demo.usage import Usage
from cskpi.demo.world import DEMO_AS_OF, Row, World, history_start_for

__all__ = ["DEMO_AS_OF", "generate"]


def generate(out_dir: Path, customers: int = 600, seed: int = 42,
             as_of: date = date(2026, 11, 15), *,
             log: Callable[[str], None] | None = None) -> dict[str, int]:
    """Writes the demo raw tables under ``out_dir``; returns rows written per table."""
    if customers < 1:
        raise ValueError("customers must be at least 1")
    world = World(seed, as_of, history_start_for(as_of))
    out = Output(Path(out_dir), log)
    world.customers = make_customers(world, customers)
    make_reps(world, customers)
    out.write("crm.customers", customer_rows(world))
    out.write("crm.cs_reps", rep_rows(world))

    ranges = owner_ranges(world)
    rows = owner_rows(world, ranges)
    bad_owner_rows(world, ranges, rows)
    out.write("crm.customer_owner_history", rows)

    rows = business_metric_rows(world)
    bad_metric_rows(world, rows)
    out.write("crm.customer_business_metrics", rows)

    subs = simulate_billing(world)
    rows = subscription_rows(world, subs)
    bad_subscription_rows(world, subs, rows)
    out.write("billing.subscriptions", rows)

    records = number_periods(subs)
    rows = period_rows(world, records)
    bad_period_rows(world, records, rows)
    out.write("billing.subscription_periods", rows)

    columns, invoices = invoice_columns(world, subs)
    sample = sample_rows(columns, 1000, world.seed, "invoices")
    out.write_columns("billing.invoices", with_rows(
        "billing.invoices", [columns],
        lambda total: bad_invoice_rows(world, sample, total, invoices)))
    out.write("billing.fx_rates", fx_rows(world))

    tickets = make_tickets(world)
    notes: list[Row] = []

    def events() -> Iterator[dict[str, pa.Array]]:
        for chunk in ticket_events(world, tickets):
            if len(notes) < 500:
                notes.extend(sample_rows(chunk, 500, world.seed, "events",
                                         where=pc.equal(chunk["event_type"], "internal_note")
                                         .to_numpy(zero_copy_only=False)))
            yield chunk

    out.write_columns("support.ticket_events", with_rows(
        "support.ticket_events", events(), lambda total: bad_event_rows(world, notes, total)))
    columns = ticket_columns(world, tickets)
    sample = sample_rows(columns, 500, world.seed, "tickets")
    out.write_columns("support.tickets", with_rows(
        "support.tickets", [columns],
        lambda total: bad_ticket_rows(world, sample, total, len(tickets))))

    columns = response_columns(world, tickets)
    sample = sample_rows(columns, 1000, world.seed, "responses")
    out.write_columns("surveys.survey_responses", with_rows(
        "surveys.survey_responses", [columns],
        lambda total: bad_response_rows(world, sample, total)))

    usage = Usage(world)
    out.write_columns("product.usage_daily", with_rows(
        "product.usage_daily", usage.chunks(world.customers),
        lambda written: bad_usage_rows(world, usage, written)))

    out.write("finance.cs_costs", cost_rows(world))
    return {t.qualified: out.counts[t.qualified] for t in RAW_TABLES}


