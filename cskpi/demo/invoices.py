"""Invoices: issued at every paid period's start and each billing interval after it.

Vectorised. Every paid period's invoice dates are expanded at once (month arithmetic
clamped to the month's end, as ``add_months``), then settled by one draw per invoice:
mostly paid on time, some late, a few void or written off; a subscription that churned
for ``payment_failure`` leaves its last one or two invoices uncollectible (or open and
overdue). Credit notes (negative amounts) refund join-and-leave customers and a few paid
invoices; some customers buy one-time services while they pay.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.demo.billing import INTERVAL_MONTHS
from cskpi.demo.world import (
    DAY,
    EPOCH,
    P_LOWER_CASE_CURRENCY,
    P_RELOAD,
    Subscription,
    World,
    day_seconds,
    epoch_seconds,
    id_array,
    np_rng,
    ts_array,
)

DUE_DAYS = {"smb": 14, "mid_market": 30, "enterprise": 30}
P_INVOICE_VOID = 0.007
P_PAID_ON_TIME = 0.86
P_PAID_LATE = 0.11  # the rest is never paid: written off when old, else open
P_WRITE_OFF = 0.3
WRITE_OFF_AGE_DAYS = 120
P_CREDIT_NOTE = 0.006
P_ONE_TIME = 0.18
ONE_TIME_AMOUNT = {"smb": (250, 1500), "mid_market": (1000, 8000),
                   "enterprise": (5000, 40000)}
STATUSES = ("paid", "open", "void", "uncollectible")
PAID, OPEN, VOID, UNCOLLECTIBLE = range(4)
TYPES = ("subscription", "one_time")
HOUR = 3600


def to_ordinal(days64: np.ndarray) -> np.ndarray:
    return (days64 - np.datetime64("1970-01-01", "D")).astype(np.int64) + EPOCH.toordinal()


def from_ordinal(ordinals: np.ndarray) -> np.ndarray:
    return np.datetime64("1970-01-01", "D") + (ordinals - EPOCH.toordinal())


class _Ledger:
    """Invoice columns under construction (one entry per invoice)."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {}

    def add(self, **columns: np.ndarray) -> None:
        for name, values in columns.items():
            self.parts.setdefault(name, []).append(np.asarray(values))

    def column(self, name: str) -> np.ndarray:
        return np.concatenate(self.parts[name])


def settle(rng: np.random.Generator, issued: np.ndarray, due: np.ndarray, as_of_o: int,
           as_of_end: int, failed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(status, paid_at or -1) of invoices issued on day ordinals ``issued``, due ``due``."""
    n = len(issued)
    r, r_off = rng.random(n), rng.random(n)
    on_time = day_seconds(issued) + 8 * HOUR + (
        rng.random(n) * np.maximum(due - issued, 1)).astype(np.int64) * DAY
    late = day_seconds(due) + 8 * HOUR + rng.integers(3, 46, n) * DAY
    very_late = day_seconds(due) + 8 * HOUR + rng.integers(46, 111, n) * DAY
    paid = np.where(r < P_PAID_ON_TIME, on_time,
                    np.where(r < P_PAID_ON_TIME + P_PAID_LATE, late, very_late))
    paid += (rng.random(n) * 600 * 60).astype(np.int64)
    written_off = day_seconds(due) + 10 * HOUR + rng.integers(60, 91, n) * DAY
    unpaid = r >= P_PAID_ON_TIME + P_PAID_LATE
    goes_off = failed | (unpaid & (as_of_o - issued > WRITE_OFF_AGE_DAYS)
                         & (r_off < P_WRITE_OFF))
    status = np.where(paid <= as_of_end, PAID, OPEN)
    status = np.where(goes_off, np.where(written_off <= as_of_end, UNCOLLECTIBLE, OPEN), status)
    status = np.where(~failed & (rng.random(n) < P_INVOICE_VOID), VOID, status)
    return status, np.where(status == PAID, paid, np.where(status == UNCOLLECTIBLE,
                                                           written_off, -1))


def invoice_columns(world: World, subs: list[Subscription]) -> tuple[dict[str, pa.Array], int]:
    """billing.invoices as columns, and the number of distinct invoices."""
    rng = np_rng(world.seed, "invoices")
    as_of_o, as_of_end = world.as_of.toordinal(), epoch_seconds(world.as_of_end)
    index = {c.customer_id: i for i, c in enumerate(world.customers)}
    due_days = np.array([DUE_DAYS[c.segment] for c in world.customers], dtype=np.int64)
    tax_rate = np.array([c.tax_rate for c in world.customers])
    currencies: dict[str, int] = {}

    def code(currency: str) -> int:
        return currencies.setdefault(currency, len(currencies))

    # every paid period: its start, end, billing step and price
    cols: dict[str, list[int]] = {n: [] for n in (
        "sub", "cust", "start", "end", "step", "amount", "currency", "failed_n", "refund",
        "refund_used")}
    for s_i, sub in enumerate(subs):
        failing = rng.integers(1, 3) if sub.reason == "payment_failure" else 0
        first_used = (sub.periods[0].end - sub.periods[0].start).days \
            if sub.refund_first_invoice and sub.periods[0].end else -1
        for p in sub.periods:
            if p.is_trial or p.amount_cents <= 0:
                continue
            for name, value in (
                    ("sub", s_i), ("cust", index[sub.customer_id]), ("start", p.start.toordinal()),
                    ("end", p.end.toordinal() if p.end else 10**7),
                    ("step", INTERVAL_MONTHS[p.interval]), ("amount", p.amount_cents),
                    ("currency", code(p.currency_raw)), ("failed_n", failing),
                    ("refund", int(first_used >= 0)), ("refund_used", first_used)):
                cols[name].append(value)
    pp = {n: np.array(v, dtype=np.int64) for n, v in cols.items()}

    # invoice dates: start + k * step months, clamped to the month's end
    start64 = from_ordinal(pp["start"])
    start_month = start64.astype("datetime64[M]")
    start_day = (start64 - start_month.astype("datetime64[D]")).astype(np.int64) + 1
    stop = np.minimum(pp["end"] - 1, as_of_o)
    span_months = (from_ordinal(np.maximum(stop, pp["start"])).astype("datetime64[M]")
                   - start_month).astype(np.int64)
    upper = span_months // pp["step"] + 1
    per = np.repeat(np.arange(len(upper)), upper)
    k = np.arange(len(per)) - np.repeat(np.cumsum(upper) - upper, upper)
    month = start_month[per] + k * pp["step"][per]
    month_len = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")
                 ).astype(np.int64)
    issued = to_ordinal(month.astype("datetime64[D]")
                        + (np.minimum(start_day[per], month_len) - 1))
    keep = (issued <= as_of_o) & (issued < pp["end"][per])
    per, issued = per[keep], issued[keep]

    # position within the subscription, for payment failures and first-invoice refunds
    sub = pp["sub"][per]
    n_in_sub = np.bincount(sub, minlength=len(subs))
    first_of_sub = np.r_[True, sub[1:] != sub[:-1]] if len(sub) else np.zeros(0, dtype=bool)
    position = np.arange(len(sub)) - np.maximum.accumulate(
        np.where(first_of_sub, np.arange(len(sub)), 0)) if len(sub) else np.zeros(0, int)
    failed = (n_in_sub[sub] - position) <= pp["failed_n"][per]
    cust = pp["cust"][per]
    due = issued + due_days[cust]
    status, settled = settle(rng, issued, due, as_of_o, as_of_end, failed)
    ledger = _Ledger()
    ledger.add(cust=cust, sub=sub, kind=np.zeros(len(per), int), amount=pp["amount"][per],
               currency=pp["currency"][per], issued=issued, due=due, status=status,
               settled=settled, hour=rng.integers(0, 6 * HOUR, len(per)))

    def credit_notes(of: np.ndarray, share: np.ndarray, after: np.ndarray) -> None:
        when = issued[of] + after
        ok = when <= as_of_o
        of, share, when = of[ok], share[ok], when[ok]
        hour = rng.integers(0, 6 * HOUR, len(of))
        ledger.add(cust=cust[of], sub=sub[of], kind=np.zeros(len(of), int),
                   amount=-np.round(pp["amount"][per][of] * share).astype(np.int64),
                   currency=pp["currency"][per][of], issued=when, due=when,
                   status=np.full(len(of), PAID),
                   settled=day_seconds(when) + hour + rng.integers(5 * 60, 120 * 60, len(of)),
                   hour=hour)

    refund = np.flatnonzero((position == 0) & (pp["refund"][per] == 1))
    credit_notes(refund, np.maximum(0.1, 1 - pp["refund_used"][per][refund] / 30),
                 rng.integers(0, 3, len(refund)))
    noted = np.flatnonzero((status == PAID) & (rng.random(len(status)) < P_CREDIT_NOTE))
    credit_notes(noted, rng.uniform(0.1, 1.0, len(noted)), rng.integers(3, 31, len(noted)))

    # one-time services while the customer pays
    o_cust, o_day, o_amount, o_currency = [], [], [], []
    for i, c in enumerate(world.customers):
        spans = c.paid_spans(world.as_of)
        if not spans or rng.random() >= P_ONE_TIME:
            continue
        low, high = ONE_TIME_AMOUNT[c.segment]
        for _ in range(int(rng.integers(1, 4))):
            start, end = spans[int(rng.integers(0, len(spans)))]
            when = start.toordinal() + int(rng.integers(0, max(1, min((end - start).days, 365))))
            if when > as_of_o:
                continue
            o_cust.append(i)
            o_day.append(when)
            o_amount.append(int(rng.integers(low // 50, high // 50 + 1)) * 50 * 100)
            lower = rng.random() < P_LOWER_CASE_CURRENCY
            o_currency.append(code(c.currency.lower() if lower else c.currency))
    o_c, o_d = np.array(o_cust, dtype=np.int64), np.array(o_day, dtype=np.int64)
    o_due = o_d + due_days[o_c]
    o_status, o_settled = settle(rng, o_d, o_due, as_of_o, as_of_end,
                                 np.zeros(len(o_d), dtype=bool))
    ledger.add(cust=o_c, sub=np.full(len(o_c), -1), kind=np.ones(len(o_c), int),
               amount=np.array(o_amount, dtype=np.int64), currency=np.array(o_currency, int),
               issued=o_d, due=o_due, status=o_status, settled=o_settled,
               hour=rng.integers(0, 6 * HOUR, len(o_c)))

    # numbered by (issued_at, customer)
    cust = ledger.column("cust")
    issued_at = day_seconds(ledger.column("issued")) + ledger.column("hour")
    order = np.lexsort((cust, issued_at))
    cust, issued_at = cust[order], issued_at[order]
    sub, kind = ledger.column("sub")[order], ledger.column("kind")[order]
    amount, currency = ledger.column("amount")[order], ledger.column("currency")[order]
    due, status = ledger.column("due")[order], ledger.column("status")[order]
    settled = ledger.column("settled")[order]
    n = len(cust)

    # loads: paid invoices are sometimes loaded twice, first while still open
    first_load = np.minimum(issued_at + (rng.uniform(5, 120, n) * 60).astype(np.int64),
                            as_of_end)
    paid_load = np.minimum(settled + (rng.uniform(5, 12 * 60, n) * 60).astype(np.int64),
                           as_of_end)
    off_load = np.minimum(settled + (rng.uniform(2, 36 * 60, n) * 60).astype(np.int64),
                          as_of_end)
    void_load = np.minimum(issued_at + (rng.uniform(60, 5 * 1440, n) * 60).astype(np.int64),
                           as_of_end)
    loaded = np.select([status == PAID, status == UNCOLLECTIBLE, status == VOID],
                       [paid_load, off_load, void_load], first_load)
    reload = (status == PAID) & (rng.random(n) < P_RELOAD["invoices"]) & (first_load < loaded)
    row = np.repeat(np.arange(n), 1 + reload)
    early = np.zeros(len(row), dtype=bool)
    early[np.flatnonzero(np.repeat(reload, 1 + reload))[::2]] = True
    row_status = np.where(early, OPEN, status[row])
    tax = np.round(amount * tax_rate[cust]).astype(np.int64)
    sub_ids = id_array("S", np.arange(1, len(subs) + 1), 6)
    currency_names = pa.array(sorted(currencies, key=currencies.__getitem__))
    due_text = pc.cast(pa.array((due - EPOCH.toordinal()).astype(np.int32), pa.date32()),
                       pa.string())
    return {
        "invoice_id": id_array("INV", row + 1, 7),
        "customer_id": pa.DictionaryArray.from_arrays(
            pa.array(cust[row].astype(np.int32)),
            pa.array([c.customer_id for c in world.customers])),
        "subscription_id": pa.DictionaryArray.from_arrays(
            pa.array(np.maximum(sub[row], 0).astype(np.int32), mask=sub[row] < 0), sub_ids),
        "invoice_type": pa.DictionaryArray.from_arrays(
            pa.array(kind[row].astype(np.int32)), pa.array(TYPES)),
        "amount": money_array(amount[row]),
        "tax_amount": money_array(tax[row]),
        "currency": pa.DictionaryArray.from_arrays(
            pa.array(currency[row].astype(np.int32)), currency_names),
        "issued_at": ts_array(rng, issued_at[row]),
        "due_date": pc.take(due_text, pa.array(row)),
        "paid_at": ts_array(rng, settled[row], missing=(row_status != PAID)),
        "status": pa.DictionaryArray.from_arrays(
            pa.array(row_status.astype(np.int32)), pa.array(STATUSES)),
        "_loaded_at": ts_array(rng, np.where(early, first_load[row], loaded[row])),
    }, n


def money_array(cents: np.ndarray) -> pa.Array:
    """Cents as text with two decimals: 1234 -> 12.34, -5 -> -0.05."""
    cents = np.asarray(cents, dtype=np.int64)
    whole = pc.cast(pa.array(np.abs(cents) // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(np.abs(cents) % 100), pa.string()), width=2,
                        padding="0")
    sign = pa.array(np.where(cents < 0, "-", ""))
    return pc.binary_join_element_wise(sign, whole, ".", frac, "")
