"""Shared pieces of the demo world: time helpers, raw-text spellings, the customers' and
subscriptions' records, and the seeded random streams."""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

T = TypeVar("T")
Row = tuple[str, ...]

DEMO_AS_OF = "2026-11-15"
HISTORY_MONTHS = 29  # the first billing month is this many months before the as-of month

# --- loading ----------------------------------------------------------------------------
# Re-loads: the share of *eligible* rows (ones whose content changed after a first load)
# delivered twice, about 1% of each table's rows.
P_RELOAD = {"subscriptions": 0.05, "periods": 0.02, "invoices": 0.01, "tickets": 0.01,
            "usage": 0.005}
BAD_ROW_SHARE = 0.003  # at least one row of each kind, at most BAD_ROW_CAP_SHARE of a table
BAD_ROW_CAP_SHARE = 0.009
BAD_ROWS_MAX = 60
BAD_ROWS_MIN_TABLE_ROWS = 400  # smaller tables get no bad rows
P_LOWER_CASE_CURRENCY = 0.15
P_ISO_T_TIMESTAMP = 0.65  # else "YYYY-MM-DD HH:MM:SS"
TRUE_SPELLINGS = (("true", 0.55), ("TRUE", 0.10), ("1", 0.15), ("yes", 0.10),
                  ("True", 0.05), ("YES", 0.05))
FALSE_SPELLINGS = (("false", 0.55), ("FALSE", 0.10), ("0", 0.15), ("no", 0.10),
                   ("False", 0.05), ("NO", 0.05))

# =========================================================================== helpers
def pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    """One value of ``(value, weight)`` pairs."""
    r = rng.random() * sum(w for _, w in weighted)
    for value, weight in weighted:
        r -= weight
        if r < 0:
            return value
    return weighted[-1][0]


def at(d: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, second)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(d: date, months: int) -> date:
    """``d`` plus whole months, clamped to the month's end (Jan 31 + 1 = Feb 28/29)."""
    year, month0 = divmod(d.month - 1 + months, 12)
    year += d.year
    day = d.day
    if day > 28:  # only then can the month be too short (calendar.monthrange is slow)
        last = _MONTH_DAYS[month0] + (month0 == 1 and year % 4 == 0
                                      and (year % 100 != 0 or year % 400 == 0))
        day = min(day, last)
    return date(year, month0 + 1, day)


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_starts(first: date, last: date) -> list[date]:
    months, m = [], month_start(first)
    while m <= last:
        months.append(m)
        m = add_months(m, 1)
    return months


def days(n: float) -> timedelta:
    return timedelta(days=n)


def minutes_between(rng: random.Random, lo: float, hi: float) -> timedelta:
    return timedelta(seconds=int(rng.uniform(lo, hi) * 60))


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    return f"{sign}{c // 100}.{c % 100:02d}"


def business_time(rng: random.Random, d: date) -> datetime:
    return at(d, rng.randint(7, 19), rng.randrange(60), rng.randrange(60))


def merge_spans(spans: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Union of half-open date ranges, sorted."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif start < end:
            merged.append((start, end))
    return merged


class Text:
    """Turns native values into raw text, with the spelling variety the loaders deliver."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def ts(self, value: datetime | None) -> str:
        if value is None:
            return ""
        if self.rng.random() < P_ISO_T_TIMESTAMP:  # isoformat: no microseconds are ever set
            return value.isoformat("T") + "Z"
        return value.isoformat(" ")

    def boolean(self, value: bool) -> str:
        return pick(self.rng, TRUE_SPELLINGS if value else FALSE_SPELLINGS)


# =========================================================================== the world
@dataclass
class Period:
    start: date
    end: date | None
    amount_cents: int
    quantity: int
    is_trial: bool
    interval: str
    currency_raw: str = ""

    @property
    def is_paid(self) -> bool:
        return not self.is_trial and self.amount_cents > 0


@dataclass
class Subscription:
    customer_id: str
    plan_id: str
    term_months: int
    started_at: date
    ended_at: date | None = None
    reason: str = ""
    end_kind: str = ""  # churned, not_renewed, replaced, trial_failed, join_and_leave, with_main
    is_addon: bool = False
    refund_first_invoice: bool = False
    periods: list[Period] = field(default_factory=list)
    subscription_id: str = ""


@dataclass(frozen=True)
class Deal:
    """What the customer buys: tier, seats, cadence, negotiated discount (or a flat fee)."""

    tier: str
    seats: int
    cadence: str
    discount: float = 0.0
    flat_cents: int | None = None


@dataclass
class Customer:
    number: int
    customer_id: str
    created_at: datetime
    segment: str
    segment_raw: str
    industry: str
    country: str
    country_raw: str
    currency: str
    tax_rate: float
    is_test: bool
    is_legacy: bool
    never_subscribes: bool
    name: str
    contacts: list[str]
    happiness: float
    sends_usage: bool
    subscriptions: list[Subscription] = field(default_factory=list)

    def currency_raw(self, rng: random.Random) -> str:
        return self.currency.lower() if rng.random() < P_LOWER_CASE_CURRENCY else self.currency

    def paid_spans(self, as_of: date) -> list[tuple[date, date]]:
        return merge_spans((p.start, p.end or as_of + days(1))
                           for s in self.subscriptions for p in s.periods if p.is_paid)

    def service_spans(self, as_of: date) -> list[tuple[date, date]]:
        return merge_spans((p.start, p.end or as_of + days(1))
                           for s in self.subscriptions for p in s.periods)


@dataclass
class Rep:
    rep_id: str
    name: str
    email: str
    team: str
    hired_at: date
    left_at: date | None

    def active_on(self, d: date) -> bool:
        return self.hired_at <= d and (self.left_at is None or d < self.left_at)


@dataclass
class World:
    seed: int
    as_of: date
    history_start: date
    customers: list[Customer] = field(default_factory=list)
    csms: list[Rep] = field(default_factory=list)
    agents: list[Rep] = field(default_factory=list)

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    @property
    def as_of_end(self) -> datetime:
        return at(self.as_of, 23, 59, 59)

    def loaded_after(self, rng: random.Random, when: datetime, lo_minutes: float = 2,
                     hi_minutes: float = 36 * 60) -> datetime:
        """A ``_loaded_at`` after ``when``, never after the as-of day."""
        return min(when + minutes_between(rng, lo_minutes, hi_minutes), self.as_of_end)

    def unknown_customer_id(self, k: int) -> str:
        return f"C{len(self.customers) + 1000 + k:05d}"




def active_rep(rng: random.Random, reps: list[Rep], when: datetime,
               exclude: str = "") -> Rep | None:
    candidates = active_reps(reps, when.date())
    if exclude:
        candidates = [r for r in candidates if r.rep_id != exclude]
    return rng.choice(candidates) if candidates else None


_ACTIVE: dict[tuple[int, int, date], tuple[list[Rep], list[Rep]]] = {}


def active_reps(reps: list[Rep], on: date) -> list[Rep]:
    """The reps active on a day (cached: a few hundred distinct days, many lookups)."""
    key = (id(reps), len(reps), on)
    cached = _ACTIVE.get(key)
    if cached is None or cached[0] is not reps:  # the cache keeps ``reps`` alive
        if len(_ACTIVE) > 100_000:
            _ACTIVE.clear()
        cached = _ACTIVE[key] = (reps, [r for r in reps if r.active_on(on)])
    return cached[1]


# =========================================================================== vectorised pieces
EPOCH = datetime(1970, 1, 1)
DAY = 86_400


def np_rng(seed: int, *parts: object) -> np.random.Generator:
    """A numpy generator seeded from ``(seed, *parts)``, stable across runs and platforms."""
    text = ":".join(str(p) for p in (seed, *parts)).encode()
    return np.random.default_rng(int.from_bytes(hashlib.sha256(text).digest()[:16], "little"))


def epoch_seconds(value: datetime) -> int:
    return int((value - EPOCH).total_seconds())


def day_seconds(ordinal: np.ndarray | int) -> np.ndarray | int:
    """Seconds since 1970 at midnight of a date ordinal."""
    return (ordinal - EPOCH.toordinal()) * DAY


def ts_array(rng: np.random.Generator, seconds: np.ndarray,
             missing: np.ndarray | None = None) -> pa.Array:
    """Timestamps as raw text, both spellings of the contract mixed (null where missing).

    ``YYYY-MM-DDTHH:MM:SSZ`` (65%) or ``YYYY-MM-DD HH:MM:SS``, written digit by digit into
    a byte matrix from a table of days and one of clock times.
    """
    secs = np.asarray(seconds, dtype=np.int64)
    n = len(secs)
    iso_t = rng.random(n) < P_ISO_T_TIMESTAMP
    days, rest = np.divmod(secs, DAY)
    first = int(days.min()) if n else 0
    text = np.empty((n, 20), dtype=np.uint8)
    text[:, :10] = _date_bytes(first, int(days.max()) + 1 if n else 0)[days - first]
    text[:, 11:19] = _clock_bytes()[rest]
    text[:, 10] = np.where(iso_t, ord("T"), ord(" "))
    text[:, 19] = ord("Z")
    length = np.where(iso_t, 20, 19)
    keep = np.ones((n, 20), dtype=bool)
    keep[:, 19] = iso_t
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(length, out=offsets[1:])
    validity = None
    if missing is not None and np.any(missing):
        validity = pa.array(~np.asarray(missing, dtype=bool)).buffers()[1]
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets),
                                       pa.py_buffer(text[keep].tobytes()), validity)


def _date_bytes(first: int, stop: int) -> np.ndarray:
    """``YYYY-MM-DD`` as bytes for days ``first`` .. ``stop - 1`` since 1970 (one row each)."""
    text = "".join((EPOCH.date() + timedelta(days=d)).isoformat() for d in range(first, stop))
    return np.frombuffer(text.encode(), dtype=np.uint8).reshape(-1, 10)


@functools.cache
def _clock_bytes() -> np.ndarray:
    """``HH:MM:SS`` as bytes for every second of a day."""
    text = "".join(f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60)
                   for s in range(60))
    return np.frombuffer(text.encode(), dtype=np.uint8).reshape(-1, 8)


def date_array(ordinals: np.ndarray) -> pa.Array:
    days = pa.array((np.asarray(ordinals, dtype="int64") - EPOCH.toordinal()).astype("int32"),
                    pa.date32())
    return pc.cast(days, pa.string())


def bool_array(rng: np.random.Generator, values: np.ndarray) -> pa.Array:
    """Booleans in the spellings the loaders deliver (true/TRUE/1/yes ...)."""
    values = np.asarray(values, dtype=bool)
    words = [w for w, _ in TRUE_SPELLINGS] + [w for w, _ in FALSE_SPELLINGS]
    index = np.empty(len(values), dtype=np.int32)
    offset = 0
    for flag, spellings in ((True, TRUE_SPELLINGS), (False, FALSE_SPELLINGS)):
        where = np.flatnonzero(values == flag)
        weights = np.array([p for _, p in spellings])
        index[where] = offset + rng.choice(len(spellings), size=len(where),
                                           p=weights / weights.sum())
        offset += len(spellings)
    return pa.DictionaryArray.from_arrays(pa.array(index), pa.array(words))


def id_array(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded numbers (``f"{prefix}{n:0{width}d}"``), built as bytes."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if len(numbers) and numbers.max() >= 10**width:
        width = len(str(int(numbers.max())))
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    size = len(head) + width
    text = np.empty((len(numbers), size), dtype=np.uint8)
    text[:, :len(head)] = head
    rest = numbers.copy()
    for j in range(size - 1, len(head) - 1, -1):
        text[:, j] = 48 + rest % 10
        rest //= 10
    offsets = np.arange(0, (len(numbers) + 1) * size, size, dtype=np.int32)
    return pa.StringArray.from_buffers(len(numbers), pa.py_buffer(offsets),
                                       pa.py_buffer(text.tobytes()))


def choose(rng: np.random.Generator, weighted: Sequence[tuple[T, float]], size: int) -> np.ndarray:
    """Indexes into ``weighted`` drawn by weight."""
    weights = np.array([w for _, w in weighted], dtype=float)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())



def history_start_for(as_of: date) -> date:
    return add_months(month_start(as_of), -HISTORY_MONTHS)

