"""Billing: each customer's chain of subscriptions and periods, invoices, FX rates and
the CS programme's costs."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date, datetime

from cskpi.demo.world import (
    P_RELOAD,
    Customer,
    Deal,
    Period,
    Row,
    Subscription,
    Text,
    World,
    add_months,
    at,
    days,
    money,
    month_start,
    month_starts,
    pick,
)

# --- billing ----------------------------------------------------------------------------
TIERS = ("starter", "growth", "pro")
TIER_WEIGHTS = {"smb": (0.60, 0.35, 0.05), "mid_market": (0.15, 0.60, 0.25),
                "enterprise": (0.0, 0.30, 0.70)}
SEAT_PRICE = {  # per seat and month, list price
    "USD": {"starter": 12, "growth": 25, "pro": 45},
    "EUR": {"starter": 11, "growth": 23, "pro": 42},
    "GBP": {"starter": 10, "growth": 20, "pro": 36},
}
SEATS = {"smb": (2, 15), "mid_market": (15, 80), "enterprise": (80, 500)}


@dataclass(frozen=True)
class Cadence:
    term_months: int
    interval: str
    interval_months: int
    list_discount: float


CADENCES = {
    "monthly": Cadence(1, "month", 1, 0.0),
    "quarterly": Cadence(3, "quarter", 3, 0.05),
    "annual": Cadence(12, "year", 12, 0.15),
    "biennial": Cadence(24, "year", 12, 0.20),
}
INTERVAL_MONTHS = {"month": 1, "quarter": 3, "year": 12}
CADENCE_WEIGHTS = {
    "smb": (("monthly", 0.72), ("quarterly", 0.12), ("annual", 0.16)),
    "mid_market": (("monthly", 0.30), ("quarterly", 0.20), ("annual", 0.44),
                   ("biennial", 0.06)),
    "enterprise": (("quarterly", 0.08), ("annual", 0.72), ("biennial", 0.20)),
}
P_TRIAL = {"smb": 0.45, "mid_market": 0.35, "enterprise": 0.20}
TRIAL_DAYS = (14, 30)
P_TRIAL_CONVERTS = 0.72
P_PAID_TRIAL = 0.25  # a paid pilot: is_trial with amount > 0 (still no MRR)
PAID_TRIAL_SHARE = 0.2  # pilot price as a share of the list price
MONTHLY_CHURN = {"smb": 0.030, "mid_market": 0.016, "enterprise": 0.008}
P_NOT_RENEWED = {"smb": 0.22, "mid_market": 0.14, "enterprise": 0.08}
P_REPLACED_AT_RENEWAL = 0.10
REPLACEMENT_OFFSET_DAYS = (-3, 5)
P_CHANGE_PER_MONTH = 0.035  # upgrade, downgrade, seat change (evergreen plans)
P_MIDTERM_EXPANSION = 0.25  # per term of a term contract
P_PAUSE_PER_MONTH = 0.006
PAUSE_MONTHS = (1, 3)
P_SWITCH_TO_ANNUAL_PER_MONTH = 0.005
P_JOIN_AND_LEAVE = 0.02
P_REFUND_JOIN_AND_LEAVE = 0.6
P_REACTIVATE = 0.30
P_REACTIVATE_AFTER_TRIAL = 0.10
REACTIVATION_GAP_DAYS = (45, 300)
CANCELLATION_REASONS = (("voluntary", 0.6), ("payment_failure", 0.3), ("other", 0.1))
NON_RENEWAL_REASONS = (("voluntary", 0.7), ("other", 0.2), ("payment_failure", 0.1))
P_ADDON = {"evergreen": 0.12, "term": 0.60}  # per main subscription, by contract type
P_ADDON_OUTLIVES_MAIN = 0.9  # when the main term contract is not renewed
ADDON_PLANS = ("addon_sso_monthly", "addon_analytics_monthly")
ADDON_PRICE = {"smb": (49, 199), "mid_market": (199, 799), "enterprise": (500, 2500)}
ADDON_MONTHLY_CHURN = 0.01

# --- fx and finance ---------------------------------------------------------------------
FX_START = {"EUR": 1.08, "GBP": 1.27}
FX_RANGE = {"EUR": (1.05, 1.20), "GBP": (1.20, 1.35)}
FX_MONTHLY_SIGMA = 0.015
FX_MISSING_MONTHS = {"EUR": 2, "GBP": 1}
CSM_MONTHLY_SALARY = (6500, 8500)
EUR_PROGRAM_MONTHS = 3  # months whose programme costs were booked in EUR
MONTHS_WITHOUT_OTHER_COST = 2


# =========================================================================== billing
@dataclass(frozen=True)
class Outcome:
    kind: str  # running, churned, replaced, trial_failed
    at: date | None
    deal: Deal


class BillingSim:
    """Simulates one customer's chain of subscriptions up to the as-of date."""

    def __init__(self, customer: Customer, rng: random.Random, as_of: date) -> None:
        self.c, self.rng, self.as_of = customer, rng, as_of
        self.subs: list[Subscription] = []
        self.churn_factor = 0.4 + 1.2 * (1 - customer.happiness)

    # --- the customer's life ---
    def run(self) -> list[Subscription]:
        c, rng = self.c, self.rng
        if c.never_subscribes:
            return []
        start = c.created_at.date() + days(0 if c.number == 1 else rng.randint(0, 10))
        deal, first = self.fresh_deal(), True
        while start <= self.as_of:
            outcome = None
            if first and c.number > 1 and rng.random() < P_JOIN_AND_LEAVE:
                outcome = self.join_and_leave(start, deal)
            if outcome is None:
                trial = first and not c.is_legacy and rng.random() < P_TRIAL[c.segment]
                outcome = self.contract(start, deal, trial)
            first = False
            if outcome.kind == "running":
                break
            assert outcome.at is not None
            if outcome.kind == "replaced":
                start, deal = outcome.at, self.replacement_deal(outcome.deal)
                continue
            p_back = P_REACTIVATE_AFTER_TRIAL if outcome.kind == "trial_failed" else P_REACTIVATE
            if rng.random() >= p_back:
                break
            start = outcome.at + days(rng.randint(*REACTIVATION_GAP_DAYS))
            deal = self.comeback_deal(outcome.deal)
        self.add_ons()
        return self.subs

    # --- deals ---
    def fresh_deal(self) -> Deal:
        seg, rng = self.c.segment, self.rng
        tier = pick(rng, tuple(zip(TIERS, TIER_WEIGHTS[seg], strict=True)))
        low, high = SEATS[seg]
        seats = int(math.exp(rng.uniform(math.log(low), math.log(high))))
        discount = {"smb": 0.0, "mid_market": rng.choice((0.0, 0.05, 0.1)),
                    "enterprise": rng.uniform(0.05, 0.25)}[seg]
        return Deal(tier, seats, pick(rng, CADENCE_WEIGHTS[seg]), round(discount, 3))

    def amount(self, deal: Deal) -> int:
        if deal.flat_cents is not None:
            return deal.flat_cents
        cad = CADENCES[deal.cadence]
        price = SEAT_PRICE[self.c.currency][deal.tier] * deal.seats * cad.interval_months
        return round(price * (1 - cad.list_discount) * (1 - deal.discount) * 100)

    def more_seats(self, deal: Deal, low: float, high: float) -> Deal:
        extra = max(1, round(deal.seats * self.rng.uniform(low, high)))
        return replace(deal, seats=deal.seats + extra)

    def fewer_seats(self, deal: Deal, low: float, high: float) -> Deal:
        cut = max(1, round(deal.seats * self.rng.uniform(low, high)))
        return replace(deal, seats=max(1, deal.seats - cut))

    def changed(self, deal: Deal) -> Deal:
        """A mid-cycle change: seats up or down, tier up or down, or a price change."""
        rng, r = self.rng, self.rng.random()
        tier_i = TIERS.index(deal.tier)
        if r < 0.35 or (r < 0.75 and tier_i == len(TIERS) - 1):
            return self.more_seats(deal, 0.1, 0.5)
        if r < 0.55:
            return self.fewer_seats(deal, 0.1, 0.3)
        if r < 0.75:
            return replace(deal, tier=TIERS[tier_i + 1])
        if r < 0.85 and tier_i > 0:
            return replace(deal, tier=TIERS[tier_i - 1])
        return replace(deal, discount=round(max(0.0, deal.discount - rng.uniform(0.02, 0.08)), 3)
                       if deal.discount > 0 else round(rng.uniform(0.05, 0.15), 3))

    def renewed(self, deal: Deal) -> Deal:
        rng, r = self.rng, self.rng.random()
        if r < 0.5:
            return deal
        if r < 0.8:
            return self.more_seats(deal, 0.05, 0.3)
        if r < 0.9:
            return self.fewer_seats(deal, 0.05, 0.2)
        return replace(deal, discount=round(max(0.0, deal.discount - rng.uniform(0.02, 0.06)), 3))

    def replacement_deal(self, deal: Deal) -> Deal:
        rng = self.rng
        if deal.cadence in ("monthly", "quarterly"):
            return replace(deal, cadence="annual")
        tier_i = TIERS.index(deal.tier)
        tier = TIERS[tier_i + 1] if tier_i < 2 and rng.random() < 0.3 else deal.tier
        cadence = pick(rng, (("annual", 0.75), ("biennial", 0.25)))
        return replace(deal, tier=tier, cadence=cadence,
                       seats=max(1, round(deal.seats * rng.uniform(0.9, 1.3))))

    def comeback_deal(self, deal: Deal) -> Deal:
        rng = self.rng
        return replace(deal, seats=max(1, round(deal.seats * rng.uniform(0.6, 1.0))),
                       cadence=pick(rng, CADENCE_WEIGHTS[self.c.segment]))

    # --- subscription building blocks ---
    def new_sub(self, deal: Deal, start: date, plan_id: str | None = None) -> Subscription:
        sub = Subscription(self.c.customer_id, plan_id or f"{deal.tier}_{deal.cadence}",
                           CADENCES[deal.cadence].term_months, start,
                           is_addon=plan_id is not None)
        self.subs.append(sub)
        return sub

    def open(self, sub: Subscription, start: date, deal: Deal, *, amount: int | None = None,
             trial: bool = False) -> None:
        """Start a period at ``start``; the running one (if any) ends there."""
        if sub.periods and sub.periods[-1].end is None:
            sub.periods[-1].end = start
        sub.periods.append(Period(start, None, self.amount(deal) if amount is None else amount,
                                  deal.seats, trial, CADENCES[deal.cadence].interval,
                                  self.c.currency_raw(self.rng)))
        if not sub.is_addon:
            sub.plan_id = f"{deal.tier}_{deal.cadence}"

    @staticmethod
    def end(sub: Subscription, when: date, kind: str, reason: str) -> None:
        sub.periods[-1].end = when
        sub.ended_at, sub.end_kind, sub.reason = when, kind, reason

    # --- scenarios ---
    def contract(self, start: date, deal: Deal, trial: bool) -> Outcome:
        rng, sub = self.rng, self.new_sub(deal, start)
        paid_start = start
        if trial:
            trial_end = start + days(rng.randint(*TRIAL_DAYS))
            fee = round(self.amount(deal) * PAID_TRIAL_SHARE) if rng.random() < P_PAID_TRIAL else 0
            self.open(sub, start, deal, amount=fee, trial=True)
            if trial_end > self.as_of:
                return Outcome("running", None, deal)
            if rng.random() >= P_TRIAL_CONVERTS:
                self.end(sub, trial_end, "trial_failed", "voluntary")
                return Outcome("trial_failed", trial_end, deal)
            paid_start = trial_end
        if CADENCES[deal.cadence].term_months >= 12:
            return self.term_contract(sub, deal, paid_start)
        return self.evergreen(sub, deal, paid_start)

    def evergreen(self, sub: Subscription, deal: Deal, start: date, *,
                  monthly_churn: float | None = None, allow_changes: bool = True,
                  hard_end: date | None = None, hard_reason: str = "") -> Outcome:
        """Monthly or quarterly plan, cycle by cycle until churn or the as-of date."""
        rng, as_of = self.rng, self.as_of
        step = CADENCES[deal.cadence].interval_months
        churn = (MONTHLY_CHURN[self.c.segment] * self.churn_factor
                 if monthly_churn is None else monthly_churn)
        self.open(sub, start, deal)
        anchor, k = start, 0
        while True:
            cycle_start = add_months(anchor, k * step)
            cycle_end = add_months(anchor, (k + 1) * step)
            if hard_end is not None and hard_end <= cycle_end:
                if hard_end > as_of:
                    return Outcome("running", None, deal)
                self.end(sub, hard_end, "with_main", hard_reason)
                return Outcome("churned", hard_end, deal)
            if allow_changes and rng.random() < P_CHANGE_PER_MONTH * step:
                x = cycle_start + days(rng.randint(1, (cycle_end - cycle_start).days - 1))
                if x > as_of:
                    return Outcome("running", None, deal)
                deal = self.changed(deal)
                self.open(sub, x, deal)
            if cycle_end > as_of:
                return Outcome("running", None, deal)
            r = rng.random()
            if r < churn * step:
                self.end(sub, cycle_end, "churned", pick(rng, CANCELLATION_REASONS))
                return Outcome("churned", cycle_end, deal)
            r -= churn * step
            if allow_changes and step == 1:
                if r < P_PAUSE_PER_MONTH:
                    resume = add_months(cycle_end, rng.randint(*PAUSE_MONTHS))
                    self.open(sub, cycle_end, deal, amount=0)
                    if resume > as_of:
                        return Outcome("running", None, deal)
                    self.open(sub, resume, deal)
                    anchor, k = resume, 0
                    continue
                r -= P_PAUSE_PER_MONTH
                if r < P_SWITCH_TO_ANNUAL_PER_MONTH and self.c.segment != "enterprise":
                    self.end(sub, cycle_end, "replaced", "")
                    return Outcome("replaced", cycle_end, deal)
            k += 1

    def term_contract(self, sub: Subscription, deal: Deal, paid_start: date) -> Outcome:
        """Annual or 24-month contract, renewing on started_at + k * term."""
        rng, as_of = self.rng, self.as_of
        term = CADENCES[deal.cadence].term_months
        self.open(sub, paid_start, deal)
        k = 1
        while True:
            term_start, term_end = sub.periods[-1].start, add_months(sub.started_at, k * term)
            length = (term_end - term_start).days
            if rng.random() < P_MIDTERM_EXPANSION and length > 90:
                x = term_start + days(rng.randint(45, length - 30))
                if x > as_of:
                    return Outcome("running", None, deal)
                deal = self.more_seats(deal, 0.05, 0.4)
                self.open(sub, x, deal)
            if term_end > as_of:
                return Outcome("running", None, deal)
            r = rng.random()
            p_lost = P_NOT_RENEWED[self.c.segment] * self.churn_factor
            if r < p_lost:
                self.end(sub, term_end, "not_renewed", pick(rng, NON_RENEWAL_REASONS))
                return Outcome("churned", term_end, deal)
            if r < p_lost + P_REPLACED_AT_RENEWAL:
                self.end(sub, term_end, "replaced", "")
                return Outcome("replaced", self.replacement_start(term_end), deal)
            deal = self.renewed(deal)
            self.open(sub, term_end, deal)
            k += 1

    def replacement_start(self, renewal: date) -> date:
        """A few days before or after the renewal date, never across a month end."""
        start = renewal + days(self.rng.randint(*REPLACEMENT_OFFSET_DAYS))
        if (start.year, start.month) != (renewal.year, renewal.month) or start > self.as_of:
            return renewal
        return start

    def join_and_leave(self, start: date, deal: Deal) -> Outcome | None:
        """A monthly customer who starts and cancels inside one calendar month."""
        rng = self.rng
        if start.day > 12:
            start = add_months(month_start(start), 1) + days(rng.randrange(9))
        end = start + days(rng.randint(4, 14))
        if end > self.as_of:
            return None
        deal = replace(deal, cadence="monthly")
        sub = self.new_sub(deal, start)
        self.open(sub, start, deal)
        self.end(sub, end, "join_and_leave", "voluntary")
        sub.refund_first_invoice = rng.random() < P_REFUND_JOIN_AND_LEAVE
        return Outcome("churned", end, deal)

    def add_ons(self) -> None:
        rng = self.rng
        for main in list(self.subs):
            paid = [p for p in main.periods if p.is_paid]
            kind = "term" if main.term_months >= 12 else "evergreen"
            if not paid or rng.random() >= P_ADDON[kind]:
                continue
            lo, hi = paid[0].start, main.ended_at or self.as_of
            if (hi - lo).days < 60:
                continue
            start = lo + days(rng.randint(30, (hi - lo).days - 1))
            hard_end, reason = None, ""
            if main.ended_at is not None and main.end_kind != "replaced":
                if main.end_kind == "not_renewed" and rng.random() < P_ADDON_OUTLIVES_MAIN:
                    hard_end, reason = add_months(main.ended_at, rng.randint(1, 6)), "voluntary"
                else:
                    hard_end, reason = main.ended_at, main.reason
            low, high = ADDON_PRICE[self.c.segment]
            deal = Deal("addon", 1, "monthly", flat_cents=rng.randint(low, high) * 100)
            sub = self.new_sub(deal, start, plan_id=rng.choice(ADDON_PLANS))
            self.evergreen(sub, deal, start, monthly_churn=ADDON_MONTHLY_CHURN,
                           allow_changes=False, hard_end=hard_end, hard_reason=reason)


def simulate_billing(world: World) -> list[Subscription]:
    """Runs every customer's billing life and numbers subscriptions by start date."""
    rng = world.rng("billing")  # one stream in customer order: seeding costs 12 us a time
    for c in world.customers:
        c.subscriptions = BillingSim(c, rng, world.as_of).run()
    subs = [s for c in world.customers for s in c.subscriptions]
    subs.sort(key=lambda s: (s.started_at, s.customer_id, s.is_addon))
    for n, s in enumerate(subs, 1):
        s.subscription_id = f"S{n:06d}"
    return subs


def subscription_rows(world: World, subs: list[Subscription]) -> list[Row]:
    text, rng = Text(world.rng("text", "subscriptions")), world.rng("loads", "subscriptions")
    rows: list[Row] = []
    for s in subs:
        base = (s.subscription_id, s.customer_id, s.plan_id, str(s.term_months),
                s.started_at.isoformat())
        first_load = world.loaded_after(rng, at(s.started_at), 60, 20 * 60)
        if s.ended_at is None:
            rows.append(base + ("", "", text.ts(first_load)))
            continue
        last_load = world.loaded_after(rng, at(s.ended_at), 60, 30 * 60)
        if rng.random() < P_RELOAD["subscriptions"] and first_load < last_load:
            rows.append(base + ("", "", text.ts(first_load)))  # loaded while still running
        rows.append(base + (s.ended_at.isoformat(), s.reason, text.ts(last_load)))
    return rows


@dataclass
class PeriodRecord:
    period_id: str
    sub: Subscription
    period: Period


def number_periods(subs: list[Subscription]) -> list[PeriodRecord]:
    records: list[PeriodRecord] = []
    for s in subs:
        for p in s.periods:
            records.append(PeriodRecord(f"SP{len(records) + 1:07d}", s, p))
    return records


def period_row(text: Text, r: PeriodRecord, end: date | None, loaded: datetime) -> Row:
    p = r.period
    return (r.period_id, r.sub.subscription_id, r.sub.customer_id, p.interval,
            money(p.amount_cents), p.currency_raw, str(p.quantity), text.boolean(p.is_trial),
            p.start.isoformat(), end.isoformat() if end else "", text.ts(loaded))


def period_rows(world: World, records: list[PeriodRecord]) -> list[Row]:
    text, rng = Text(world.rng("text", "periods")), world.rng("loads", "periods")
    rows: list[Row] = []
    for r in records:
        p = r.period
        first_load = world.loaded_after(rng, at(p.start), 30, 20 * 60)
        if p.end is None:
            rows.append(period_row(text, r, None, first_load))
            continue
        last_load = world.loaded_after(rng, at(p.end), 30, 20 * 60)
        if rng.random() < P_RELOAD["periods"] and first_load < last_load:
            rows.append(period_row(text, r, None, first_load))  # loaded while still open
        rows.append(period_row(text, r, p.end, last_load))
    return rows


# =========================================================================== fx and costs
def fx_rows(world: World) -> list[Row]:
    rng, text = world.rng("fx"), Text(world.rng("text", "fx"))
    months = month_starts(world.history_start, world.as_of)
    rows: list[Row] = []
    for currency, start in FX_START.items():
        low, high = FX_RANGE[currency]
        missing = set(rng.sample(range(2, len(months) - 1), FX_MISSING_MONTHS[currency]))
        rate = start
        for i, m in enumerate(months):
            rate = min(high, max(low, rate + rng.gauss(0, FX_MONTHLY_SIGMA)))
            if i in missing:
                continue
            loaded = world.loaded_after(rng, at(m, 6), 0, 2 * 1440)
            rows.append((currency, m.isoformat(), f"{rate:.4f}", text.ts(loaded)))
    return rows


def cost_rows(world: World) -> list[Row]:
    rng, text = world.rng("costs"), Text(world.rng("text", "costs"))
    months = month_starts(world.history_start, world.as_of)
    no_other = set(rng.sample(range(1, len(months) - 1), MONTHS_WITHOUT_OTHER_COST))
    in_eur = set(rng.sample(range(len(months)), EUR_PROGRAM_MONTHS))
    rows: list[Row] = []
    for i, m in enumerate(months):
        csms = sum(1 for r in world.csms if r.active_on(m))
        costs = {
            "salaries": (csms * rng.uniform(*CSM_MONTHLY_SALARY), "USD"),
            "tools": (rng.uniform(2500, 4000) * (1 + i / 60), "USD"),
            "programs": (rng.uniform(1000, 6000), "EUR" if i in in_eur else "USD"),
            "other": (rng.uniform(200, 1500), "USD"),
        }
        loaded = world.loaded_after(rng, max(at(add_months(m, 1) + days(4)), at(m)), 0, 3 * 1440)
        for category, (amount, currency) in costs.items():
            if category == "other" and i in no_other:
                continue
            rows.append((m.isoformat(), category, money(round(amount * 100)), currency,
                         text.ts(loaded)))
    return rows


