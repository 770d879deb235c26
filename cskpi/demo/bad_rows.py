"""Deliberately bad rows, one kind per staging rejection reason, sprinkled into tables."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date

from cskpi.contract import BY_NAME
from cskpi.demo.billing import PeriodRecord
from cskpi.demo.crm import OwnerRange
from cskpi.demo.usage import Usage
from cskpi.demo.world import (
    BAD_ROW_CAP_SHARE,
    BAD_ROW_SHARE,
    BAD_ROWS_MAX,
    BAD_ROWS_MIN_TABLE_ROWS,
    Row,
    Subscription,
    Text,
    World,
    at,
    days,
    money,
)

# =========================================================================== bad rows
UNKNOWN_TICKET_ID = "T000000"  # ids are numbered from 1, so these never exist
UNKNOWN_SUBSCRIPTION_ID = "S000000"
BadMaker = Callable[[random.Random, int], "Row | None"]


def bad_row_count(rows: int, kinds: int) -> int:
    if rows < BAD_ROWS_MIN_TABLE_ROWS:
        return 0
    return min(BAD_ROWS_MAX, int(rows * BAD_ROW_CAP_SHARE), max(kinds, round(rows * BAD_ROW_SHARE)))


def with_values(table: str, row: Row, **changes: str) -> Row:
    columns = BY_NAME[table].columns
    values = list(row)
    for column, value in changes.items():
        values[columns.index(column)] = value
    return tuple(values)


def sprinkle(rng: random.Random, rows: list[Row], makers: Sequence[BadMaker]) -> int:
    """Inserts bad rows at random places, cycling through the makers; returns the count."""
    wanted, added, attempt = bad_row_count(len(rows), len(makers)), 0, 0
    while added < wanted and attempt < wanted * 10:
        row = makers[attempt % len(makers)](rng, attempt)
        attempt += 1
        if row is not None:
            rows.insert(rng.randrange(len(rows) + 1), row)
            added += 1
    return added


def bad_owner_rows(world: World, ranges: list[OwnerRange], rows: list[Row]) -> None:
    text = Text(world.rng("text", "bad-owners"))
    owned = {r.customer_id for r in ranges}
    never = [c.customer_id for c in world.customers if c.customer_id not in owned]
    csm = world.csms[0].rep_id

    def overlap(rng: random.Random, k: int) -> Row | None:
        r = rng.choice(ranges)
        end = r.valid_to or world.as_of_end
        if (end - r.valid_from).days < 4:
            return None
        start = r.valid_from + days(rng.uniform(1, (end - r.valid_from).days / 2))
        stop = start + days(rng.uniform(0.5, (end - start).days - 0.5))
        return (r.customer_id, csm, text.ts(start.replace(microsecond=0)),
                text.ts(stop.replace(microsecond=0)), text.ts(world.as_of_end))

    def unknown(rng: random.Random, k: int) -> Row:
        start = at(world.as_of - days(rng.randint(20, 400)), 9)
        return (world.unknown_customer_id(k), csm, text.ts(start), "", text.ts(world.as_of_end))

    def bad_date(rng: random.Random, k: int) -> Row:
        return (rng.choice(world.customers).customer_id, csm, "2025-02-30 10:00:00", "",
                text.ts(world.as_of_end))

    def inverted(rng: random.Random, k: int) -> Row | None:
        if not never:
            return None
        start = at(world.as_of - days(rng.randint(20, 200)), 9)
        return (rng.choice(never), csm, text.ts(start), text.ts(start - days(rng.randint(1, 30))),
                text.ts(world.as_of_end))

    sprinkle(world.rng("bad", "owners"), rows, (overlap, unknown, bad_date, inverted))


def bad_metric_rows(world: World, rows: list[Row]) -> None:
    originals = list(rows)
    taken = {(r[0], r[1]) for r in rows}
    loaded = Text(world.rng("text", "bad-metrics")).ts(world.as_of_end)

    def free_key(rng: random.Random) -> tuple[str, str] | None:
        cid, d = rng.choice(originals)[0:2]
        key = (cid, (date.fromisoformat(d) + days(rng.randint(1, 20))).isoformat())
        return None if key in taken or key[1] > world.as_of.isoformat() else key

    def negative(rng: random.Random, k: int) -> Row | None:
        key = free_key(rng)
        return None if key is None else key + ("-5", "", loaded)

    def not_a_number(rng: random.Random, k: int) -> Row | None:
        key = free_key(rng)
        return None if key is None else key + ("12k", "300", loaded)

    def bad_date(rng: random.Random, k: int) -> Row:
        return (rng.choice(originals)[0], "2025-02-30", "40", "", loaded)

    def fraction(rng: random.Random, k: int) -> Row | None:
        key = free_key(rng)
        return None if key is None else key + ("12.5", "", loaded)  # not an integer

    def unknown(rng: random.Random, k: int) -> Row:
        return (world.unknown_customer_id(k), world.as_of.isoformat(), "40", "", loaded)

    sprinkle(world.rng("bad", "metrics"), rows,
             (negative, not_a_number, bad_date, unknown, fraction))


def bad_subscription_rows(world: World, subs: list[Subscription], rows: list[Row]) -> None:
    table, ids = "billing.subscriptions", iter(range(len(subs) + 1, 10**7))
    pool = [r for r in rows if r[5]]  # ended subscriptions

    def copy(rng: random.Random, **changes: str) -> Row:
        return with_values(table, rng.choice(pool), subscription_id=f"S{next(ids):06d}", **changes)

    makers: tuple[BadMaker, ...] = (
        lambda rng, k: copy(rng, customer_id=world.unknown_customer_id(k)),
        lambda rng, k: copy(rng, started_at="2025-02-30"),
        lambda rng, k: copy(rng, contract_term_months="twelve"),
        lambda rng, k: copy(rng, cancellation_reason="moved_to_competitor"),
        lambda rng, k: copy(rng, started_at=world.as_of.isoformat()),  # ends before it starts
        lambda rng, k: copy(rng, contract_term_months="12.5"),  # not an integer
    )
    if pool:
        sprinkle(world.rng("bad", "subscriptions"), rows, makers)


def bad_period_rows(world: World, records: list[PeriodRecord], rows: list[Row]) -> None:
    table, ids = "billing.subscription_periods", iter(range(len(records) + 1, 10**8))
    closed = [r for r in records if r.period.end and (r.period.end - r.period.start).days >= 4]
    after_end = [r for r in records if r.sub.ended_at and r.period.end == r.sub.ended_at
                 and r.sub.ended_at + days(25) <= world.as_of]
    text = Text(world.rng("text", "bad-periods"))

    def base(r: PeriodRecord, start: date, end: date | None) -> Row:
        p = r.period
        return (f"SP{next(ids):07d}", r.sub.subscription_id, r.sub.customer_id, p.interval,
                money(p.amount_cents), p.currency_raw, str(p.quantity), "false",
                start.isoformat(), end.isoformat() if end else "", text.ts(world.as_of_end))

    def copy(rng: random.Random, **changes: str) -> Row:
        r = rng.choice(closed)
        return with_values(table, base(r, r.period.start, r.period.end), **changes)

    def overlap(rng: random.Random, k: int) -> Row:
        r = rng.choice(closed)
        assert r.period.end is not None
        length = (r.period.end - r.period.start).days
        start = r.period.start + days(rng.randint(1, length // 2))
        return base(r, start, start + days(rng.randint(1, (r.period.end - start).days)))

    def beyond_end(rng: random.Random, k: int, **changes: str) -> Row | None:
        if not after_end:
            return None
        r = rng.choice(after_end)
        assert r.sub.ended_at is not None
        return with_values(table, base(r, r.sub.ended_at + days(10), r.sub.ended_at + days(40)),
                           **changes)

    def inverted(rng: random.Random, k: int) -> Row | None:
        if not after_end:
            return None
        r = rng.choice(after_end)
        assert r.sub.ended_at is not None
        return base(r, r.sub.ended_at + days(20), r.sub.ended_at + days(5))

    makers: tuple[BadMaker, ...] = (
        lambda rng, k: copy(rng, amount="abc"),
        lambda rng, k: copy(rng, amount="-49.00"),
        lambda rng, k: copy(rng, is_trial="maybe"),
        lambda rng, k: copy(rng, period_start="2025-02-30"),
        lambda rng, k: copy(rng, subscription_id=UNKNOWN_SUBSCRIPTION_ID),
        lambda rng, k: copy(rng, billing_interval="weekly"),
        lambda rng, k: copy(rng, quantity="12.5"),  # not an integer
        overlap,
        inverted,
        lambda rng, k: beyond_end(rng, k, currency="JPY"),  # no fx rate for JPY
    )
    if closed:
        sprinkle(world.rng("bad", "periods"), rows, makers)


def bad_invoice_rows(world: World, originals: list[Row], total: int, invoices: int) -> list[Row]:
    table, ids = "billing.invoices", iter(range(invoices + 1, 10**8))

    def copy(rng: random.Random, **changes: str) -> Row:
        return with_values(table, rng.choice(originals), invoice_id=f"INV{next(ids):07d}",
                           **changes)

    makers: tuple[BadMaker, ...] = (
        lambda rng, k: copy(rng, customer_id=world.unknown_customer_id(k)),
        lambda rng, k: copy(rng, amount="1,200.00"),
        lambda rng, k: copy(rng, status="refunded"),
        lambda rng, k: copy(rng, due_date="2025-02-30"),
        lambda rng, k: copy(rng, currency=""),
        lambda rng, k: copy(rng, invoice_type="refund"),
        lambda rng, k: copy(rng, currency="CHF"),  # no fx rate for CHF
    )
    return planted(world.rng("bad", "invoices"), total, makers) if originals else []


def planted(rng: random.Random, total: int, makers: Sequence[BadMaker]) -> list[Row]:
    """Bad rows for a table of ``total`` rows written in columns (appended at its end)."""
    wanted, rows, attempt = bad_row_count(total, len(makers)), [], 0
    while len(rows) < wanted and attempt < wanted * 10:
        row = makers[attempt % len(makers)](rng, attempt)
        attempt += 1
        if row is not None:
            rows.append(row)
    return rows


def bad_ticket_rows(world: World, sample: list[Row], total: int, tickets: int) -> list[Row]:
    table, ids = "support.tickets", iter(range(tickets + 1, 10**7))

    def copy(rng: random.Random, **changes: str) -> Row:
        changes = {"status": "open", **changes}
        return with_values(table, rng.choice(sample), ticket_id=f"T{next(ids):06d}",
                           **changes)

    makers: tuple[BadMaker, ...] = (
        lambda rng, k: copy(rng, channel="fax"),
        lambda rng, k: copy(rng, priority="critical"),
        lambda rng, k: copy(rng, customer_id=world.unknown_customer_id(k)),
        lambda rng, k: copy(rng, created_at="2025-13-01 10:00:00"),
        lambda rng, k: copy(rng, status="escalated"),
    )
    return planted(world.rng("bad", "tickets"), total, makers) if sample else []


def bad_event_rows(world: World, internal_notes: list[Row], total: int) -> list[Row]:
    table, ids = "support.ticket_events", iter(range(total + 1, 10**8))

    def copy(rng: random.Random, **changes: str) -> Row:
        return with_values(table, rng.choice(internal_notes), event_id=f"E{next(ids):07d}",
                           **changes)

    makers: tuple[BadMaker, ...] = (
        lambda rng, k: copy(rng, ticket_id=UNKNOWN_TICKET_ID, event_type="customer_message",
                            actor_id=""),
        lambda rng, k: copy(rng, event_type="call"),
        lambda rng, k: copy(rng, is_public="maybe"),
        lambda rng, k: copy(rng, event_at="2025-02-30T10:00:00Z"),
    )
    return planted(world.rng("bad", "events"), total, makers) if internal_notes else []


def bad_response_rows(world: World, sample: list[Row], total: int) -> list[Row]:
    table, ids = "surveys.survey_responses", iter(range(total + 1, 10**8))
    by_type = {kind: [r for r in sample if r[3] == kind] for kind in ("nps", "csat")}

    def copy(rng: random.Random, kind: str, **changes: str) -> Row | None:
        pool = by_type[kind]
        if not pool:
            return None
        return with_values(table, rng.choice(pool), response_id=f"R{next(ids):07d}", **changes)

    makers: tuple[BadMaker, ...] = (
        lambda rng, k: copy(rng, "nps", score="11"),
        lambda rng, k: copy(rng, "csat", score="6"),
        lambda rng, k: copy(rng, "nps", survey_type="ces"),
        lambda rng, k: copy(rng, "nps", score="ten"),
        lambda rng, k: copy(rng, "nps", customer_id=world.unknown_customer_id(k)),
        lambda rng, k: copy(rng, "csat", responded_at="2025-02-30 12:00:00"),
        lambda rng, k: copy(rng, "nps", score="7.5"),  # not an integer
    )
    return planted(world.rng("bad", "surveys"), total, makers) if sample else []


def bad_usage_rows(world: World, usage: Usage, written: int) -> list[Row]:
    """Rows keyed on a day before the customer's first usage, so keys stay unique."""
    rng = world.rng("bad", "usage")
    customers = list(usage.first_day)
    loaded = Text(rng).ts(world.as_of_end)
    rows: list[Row] = []
    for k in range(bad_row_count(written, 4) if customers else 0):
        cid = customers[k % len(customers)]
        d = date.fromordinal(usage.first_day[cid] - 1 - k // len(customers)).isoformat()
        rows.append([(cid, d, "-3", "4", "10", loaded),
                     (cid, d, "3", "12.5", "10", loaded),
                     (cid, "2025-02-30", "3", "4", "10", loaded),
                     (world.unknown_customer_id(k), d, "3", "4", "10", loaded)][k % 4])
    return rows


