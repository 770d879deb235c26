"""Product usage: one row per customer and day while a main period runs.

By far the largest table (about 70% of all rows), so it is vectorised: each customer's
usage spans (a handful) come from a per-customer ``random.Random`` as before, then every
day of every span becomes a numpy row at once, in chunks of customers so memory stays
flat at a million customers.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from cskpi.demo.world import P_RELOAD, Customer, Text, World, at, days, np_rng

# --- usage ------------------------------------------------------------------------------
P_NO_USAGE = 0.08
P_WEEKDAY_ROW = 0.93
P_WEEKEND_ROW = {"smb": 0.25, "mid_market": 0.40, "enterprise": 0.60}
WEEKEND_ACTIVITY = 0.3
P_USAGE_OUTAGE = 0.3
USAGE_OUTAGE_DAYS = (5, 20)


# =========================================================================== usage
@dataclass(frozen=True)
class UsageSpan:
    first: int  # date ordinals, half-open
    stop: int
    seats: int
    trend_origin: int
    u_start: float
    slope: float


def usage_spans(world: World, c: Customer, rng: random.Random) -> list[UsageSpan]:
    """Days with a running (trial or paid, non-paused) main period, without overlaps."""
    limit = world.as_of.toordinal() + 1
    raw: list[UsageSpan] = []
    for sub in c.subscriptions:
        if sub.is_addon or not sub.periods:
            continue
        life_start = sub.started_at.toordinal()
        life_end = min((sub.ended_at or world.as_of).toordinal(), limit)
        u0 = min(0.95, max(0.15, rng.uniform(0.35, 0.9) * (0.6 + 0.6 * c.happiness)))
        fading = sub.ended_at is not None and sub.end_kind not in ("replaced",)
        u1 = rng.uniform(0.05, 0.3) if fading else min(0.98, max(0.1, u0 + rng.uniform(-0.2, 0.2)))
        slope = (u1 - u0) / max(1, life_end - life_start)
        for p in sub.periods:
            if not p.is_trial and p.amount_cents == 0:
                continue  # paused
            stop = min((p.end or world.as_of + days(1)).toordinal(), limit)
            raw.append(UsageSpan(p.start.toordinal(), stop, p.quantity, life_start, u0, slope))
    spans, cursor = [], 0
    for s in sorted(raw, key=lambda s: s.first):
        first = max(s.first, cursor)
        if first < s.stop:
            spans.append(UsageSpan(first, s.stop, s.seats, s.trend_origin, s.u_start, s.slope))
            cursor = s.stop
    return spans


CUSTOMERS_PER_CHUNK = 5_000


class Usage:
    """Builds product.usage_daily in column chunks; remembers each customer's first day."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.lo = world.history_start.toordinal() - 30
        hi = world.as_of.toordinal() + 3
        rng = world.rng("loads", "usage")
        text = Text(world.rng("text", "usage"))
        self.iso = pa.array([date.fromordinal(o).isoformat() for o in range(self.lo, hi)])
        as_of_load = text.ts(at(world.as_of, 23, 55))
        as_of_o = world.as_of.toordinal()

        def batch(o: int, hour: int) -> str:  # the nightly batch that loads day o
            if o > as_of_o:
                return as_of_load
            return text.ts(at(date.fromordinal(o), hour, rng.randrange(60), rng.randrange(60)))

        # one dictionary: [0, n) is the first nightly load of day lo + i, [n, 2n) the second
        self.loads = pa.array([batch(o + 1, 2) for o in range(self.lo, hi)]
                              + [batch(o + 2, 3) for o in range(self.lo, hi)])
        self.days = hi - self.lo
        self.reloadable_until = as_of_o - 2
        self.first_day: dict[str, int] = {}

    def chunks(self, customers: list[Customer]) -> Iterator[dict[str, pa.Array]]:
        for k in range(0, len(customers), CUSTOMERS_PER_CHUNK):
            chunk = self.chunk(customers[k:k + CUSTOMERS_PER_CHUNK], k // CUSTOMERS_PER_CHUNK)
            if chunk is not None:
                yield chunk

    def chunk(self, customers: list[Customer], number: int) -> dict[str, pa.Array] | None:
        ids: list[str] = []
        rng = self.world.rng("usage", number)
        whole: list[tuple[int, ...]] = []  # who, first, stop, seats, origin, out_lo, out_hi
        real: list[tuple[float, ...]] = []  # u0, slope, p_weekend
        for c in customers:
            if not c.sends_usage or not c.subscriptions:
                continue
            spans = usage_spans(self.world, c, rng)
            if not spans:
                continue
            out_lo = out_hi = 0
            if rng.random() < P_USAGE_OUTAGE:
                s = rng.choice(spans)
                out_lo = rng.randrange(s.first, s.stop)
                out_hi = out_lo + rng.randint(*USAGE_OUTAGE_DAYS)
            self.first_day[c.customer_id] = spans[0].first
            who, p_weekend = len(ids), P_WEEKEND_ROW[c.segment]
            for s in spans:
                whole.append((who, s.first, s.stop, s.seats, s.trend_origin, out_lo, out_hi))
                real.append((s.u_start, s.slope, p_weekend))
            ids.append(c.customer_id)
        if not ids:
            return None
        ints, floats = np.array(whole, dtype=np.int64), np.array(real, dtype=float)
        sp = dict(zip(("who", "first", "stop", "seats", "origin", "out_lo", "out_hi"), ints.T,
                      strict=True))
        sp.update(zip(("u0", "slope", "p_weekend"), floats.T, strict=True))
        rng = np_rng(self.world.seed, "usage-days", number)

        # every day of every span
        length = sp["stop"] - sp["first"]
        span = np.repeat(np.arange(len(length)), length)
        o = np.arange(len(span)) - np.repeat(np.cumsum(length) - length, length) + sp["first"][span]
        weekend = np.isin(o % 7, (0, 6))
        keep = rng.random(len(o)) < np.where(weekend, sp["p_weekend"][span], P_WEEKDAY_ROW)
        keep &= ~((o >= sp["out_lo"][span]) & (o < sp["out_hi"][span]))
        o, span, weekend = o[keep], span[keep], weekend[keep]

        n = len(o)
        seats = sp["seats"][span]
        u = (sp["u0"][span] + sp["slope"][span] * (o - sp["origin"][span])) \
            * (0.75 + 0.5 * rng.random(n))
        u[weekend] *= WEEKEND_ACTIVITY
        active = np.minimum(seats, (seats * u + 0.5).astype(np.int64))
        sessions = active + (active * 2.5 * rng.random(n)).astype(np.int64)
        key_events = (sessions * (2 + 12 * rng.random(n))).astype(np.int64)
        reload = (active > 0) & (rng.random(n) < P_RELOAD["usage"]) & (o <= self.reloadable_until)

        # late events re-delivered: an earlier, smaller copy loaded the night before
        row = np.repeat(np.arange(n), 1 + reload)
        early = np.zeros(len(row), dtype=bool)
        early[np.flatnonzero(np.repeat(reload, 1 + reload))[::2]] = True
        o, active, sessions, key_events = o[row], active[row], sessions[row], key_events[row]
        early_active = active - np.maximum(1, active // 5)
        day = (o - self.lo).astype(np.int32)
        return {
            "customer_id": pa.DictionaryArray.from_arrays(
                pa.array(sp["who"][span][row], pa.int32()), pa.array(ids)),
            "usage_date": pa.DictionaryArray.from_arrays(pa.array(day), self.iso),
            "active_users": pa.array(np.where(early, early_active, active)),
            "sessions": pa.array(np.where(early, early_active + (sessions - active) // 2,
                                          sessions)),
            "key_events": pa.array(np.where(early, (key_events * 0.7).astype(np.int64),
                                            key_events)),
            "_loaded_at": pa.DictionaryArray.from_arrays(
                pa.array(np.where(reload[row] & ~early, day + self.days, day), pa.int32()),
                self.loads),
        }
