"""Product usage: one row per customer and day while a main period runs."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from cskpi.demo.world import P_RELOAD, Customer, Text, World, at, days

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
            spans.append(replace(s, first=first))
            cursor = s.stop
    return spans


class UsageWriter:
    """Streams product.usage_daily: the table is by far the largest."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.lo = world.history_start.toordinal() - 30
        hi = world.as_of.toordinal() + 3
        rng = world.rng("loads", "usage")
        text = Text(world.rng("text", "usage"))
        self.iso = [date.fromordinal(o).isoformat() for o in range(self.lo, hi)]
        as_of_load = text.ts(at(world.as_of, 23, 55))
        as_of_o = world.as_of.toordinal()

        def batch(o: int, hour: int) -> str:  # the nightly batch that loads day o
            if o > as_of_o:
                return as_of_load
            return text.ts(at(date.fromordinal(o), hour, rng.randrange(60), rng.randrange(60)))

        self.load1 = [batch(o + 1, 2) for o in range(self.lo, hi)]
        self.load2 = [batch(o + 2, 3) for o in range(self.lo, hi)]
        self.reloadable_until = as_of_o - 2
        self.first_day: dict[str, int] = {}

    def write_customer(self, writer: Any, c: Customer) -> int:
        if not c.sends_usage or not c.subscriptions:
            return 0
        rng = self.world.rng("usage", c.customer_id)
        spans = usage_spans(self.world, c, rng)
        if not spans:
            return 0
        rand, lo, iso, load1, load2 = rng.random, self.lo, self.iso, self.load1, self.load2
        p_weekend, reload_until = P_WEEKEND_ROW[c.segment], self.reloadable_until
        p_reload = P_RELOAD["usage"]
        outage_lo = outage_hi = 0
        if rand() < P_USAGE_OUTAGE:
            s = rng.choice(spans)
            outage_lo = rng.randrange(s.first, s.stop)
            outage_hi = outage_lo + rng.randint(*USAGE_OUTAGE_DAYS)
        cid, written = c.customer_id, 0
        self.first_day[cid] = spans[0].first
        for s in spans:
            seats, origin, u0, slope = s.seats, s.trend_origin, s.u_start, s.slope
            for o in range(s.first, s.stop):
                if outage_lo <= o < outage_hi:
                    continue
                weekend = o % 7 in (0, 6)
                if rand() >= (p_weekend if weekend else P_WEEKDAY_ROW):
                    continue
                u = (u0 + slope * (o - origin)) * (0.75 + 0.5 * rand())
                if weekend:
                    u *= WEEKEND_ACTIVITY
                active = min(seats, int(seats * u + 0.5))
                sessions = active + int(active * 2.5 * rand())
                key_events = int(sessions * (2 + 12 * rand()))
                i = o - lo
                if active and rand() < p_reload and o <= reload_until:  # late events re-delivered
                    early = active - max(1, active // 5)
                    writer.writerow((cid, iso[i], early, early + (sessions - active) // 2,
                                     int(key_events * 0.7), load1[i]))
                    writer.writerow((cid, iso[i], active, sessions, key_events, load2[i]))
                    written += 2
                else:
                    writer.writerow((cid, iso[i], active, sessions, key_events, load1[i]))
                    written += 1
        return written


