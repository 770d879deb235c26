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
open-ended. Every random draw comes from ``random.Random`` instances seeded with
``(seed, purpose, customer)``, so the same seed and arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from cskpi.contract import BY_NAME, RAW_TABLES, RawTable

T = TypeVar("T")
Row = tuple[str, ...]

DEMO_AS_OF = "2026-11-15"
HISTORY_MONTHS = 29  # the first billing month is this many months before the as-of month

# --- customers --------------------------------------------------------------------------
SEGMENT_WEIGHTS = (("smb", 0.60), ("mid_market", 0.30), ("enterprise", 0.10))
SEGMENT_SPELLINGS = {
    "smb": ("smb", "smb", "SMB ", "Smb"),
    "mid_market": ("mid_market", "mid_market", "Mid-Market", "MID_MARKET"),
    "enterprise": ("enterprise", "ENTERPRISE", "Enterprise"),
}
UNKNOWN_SEGMENT_SPELLINGS = ("startup", "public sector", "Partner")
P_UNKNOWN_SEGMENT = 0.015
TEST_ACCOUNT_EVERY = 50  # customer number n with n % 50 == 17 is a test account (2%)
TEST_ACCOUNT_OFFSET = 17
P_LEGACY_CUSTOMER = 0.20  # migrated book: signed up in the first weeks, no trial
LEGACY_WINDOW_DAYS = 40
P_NEVER_SUBSCRIBES = 0.01
P_EMPTY_INDUSTRY = 0.10
CURRENCY_WEIGHTS = (("USD", 0.85), ("EUR", 0.10), ("GBP", 0.05))
P_LOWER_CASE_CURRENCY = 0.15
CONTACTS = {"smb": (1, 2), "mid_market": (2, 4), "enterprise": (3, 6)}
COUNTRIES = {
    "USD": (("us", 0.80), ("ca", 0.10), ("au", 0.05), ("sg", 0.05)),
    "EUR": (("de", 0.40), ("fr", 0.25), ("nl", 0.15), ("es", 0.10), ("ie", 0.10)),
    "GBP": (("gb", 1.0),),
}
TAX_RATES = {  # B2B intra-EU sales outside DE/FR are reverse-charged (0%)
    "us": (0.0, 0.0, 0.06, 0.0725, 0.0825), "ca": (0.05, 0.13), "au": (0.10,),
    "sg": (0.09,), "de": (0.19,), "fr": (0.20,), "nl": (0.0,), "es": (0.0,), "ie": (0.0,),
    "gb": (0.20,),
}

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

# --- invoices ---------------------------------------------------------------------------
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

# --- fx and finance ---------------------------------------------------------------------
FX_START = {"EUR": 1.08, "GBP": 1.27}
FX_RANGE = {"EUR": (1.05, 1.20), "GBP": (1.20, 1.35)}
FX_MONTHLY_SIGMA = 0.015
FX_MISSING_MONTHS = {"EUR": 2, "GBP": 1}
CSM_MONTHLY_SALARY = (6500, 8500)
EUR_PROGRAM_MONTHS = 3  # months whose programme costs were booked in EUR
MONTHS_WITHOUT_OTHER_COST = 2

# --- CS reps and ownership --------------------------------------------------------------
CUSTOMERS_PER_CSM = 50
CUSTOMERS_PER_AGENT = 40
MIN_CSMS, MIN_AGENTS = 12, 15
P_ASSIGNED = {"smb": 0.75, "mid_market": 0.95, "enterprise": 1.0}
P_LATE_ASSIGNMENT = 0.10
HANDOVER_PER_MONTH = 0.012
P_REALIGNED = 0.25  # moved at the territory realignment (first of a month, midnight)
P_ORPHANED_WHEN_REP_LEAVES = 0.10

# --- business metrics -------------------------------------------------------------------
P_HAS_BUSINESS_METRICS = 0.80
P_REPORTS_END_CUSTOMERS = 0.70
P_EMPTY_END_CUSTOMERS = 0.10
EMPLOYEES = {"smb": (5, 80), "mid_market": (80, 800), "enterprise": (800, 20000)}

# --- support ----------------------------------------------------------------------------
TICKETS_PER_MONTH = {"smb": 0.35, "mid_market": 0.9, "enterprise": 2.2}
CHANNEL_WEIGHTS = (("email", 0.45), ("web", 0.25), ("chat", 0.20), ("phone", 0.10))
PRIORITY_WEIGHTS = (("low", 0.25), ("normal", 0.50), ("high", 0.18), ("urgent", 0.07))
P_UNASSIGNED_TICKET = 0.06
TICKET_SCENARIOS = (("zero_touch", 0.10), ("one_touch", 0.44), ("many_touch", 0.28),
                    ("reopened", 0.10), ("closed_unsolved", 0.04))
P_NEW_TICKET_RECENT = 0.5  # tickets of the last 3 days nobody looked at yet
P_STILL_OPEN_RECENT = 0.20  # tickets of the last 45 days still being worked on
P_STALE_OPEN = 0.04  # tickets 15-120 days old, forgotten
P_PRIVATE_REPLY = 0.08  # an agent_reply with is_public false in a many-touch round
P_AUTO_CLOSE = 0.8
FIRST_REPLY_MINUTES = {"urgent": (5, 90), "high": (15, 480), "normal": (30, 1440),
                       "low": (60, 2880)}

# --- surveys ----------------------------------------------------------------------------
NPS_EVERY_DAYS = (80, 100)
P_NPS_ANSWER = 0.35
P_NPS_TWICE_IN_MONTH = 0.05
P_CSAT_ANSWER = 0.30
P_CSAT_TWICE = 0.04
P_ANGRY_ANSWER = 0.04  # the lowest scores, whatever the customer's mood
P_COMMENT = 0.40
P_WHITESPACE_COMMENT = 0.03
P_NO_THEME_COMMENT = 0.20
P_TWO_THEMES = 0.15

# --- usage ------------------------------------------------------------------------------
P_NO_USAGE = 0.08
P_WEEKDAY_ROW = 0.93
P_WEEKEND_ROW = {"smb": 0.25, "mid_market": 0.40, "enterprise": 0.60}
WEEKEND_ACTIVITY = 0.3
P_USAGE_OUTAGE = 0.3
USAGE_OUTAGE_DAYS = (5, 20)

# --- loading ----------------------------------------------------------------------------
# Re-loads: the share of *eligible* rows (ones whose content changed after a first load)
# delivered twice, about 1% of each table's rows.
P_RELOAD = {"subscriptions": 0.05, "periods": 0.02, "invoices": 0.01, "tickets": 0.01,
            "usage": 0.005}
BAD_ROW_SHARE = 0.003  # at least one row of each kind, at most BAD_ROW_CAP_SHARE of a table
BAD_ROW_CAP_SHARE = 0.008
BAD_ROWS_MAX = 60
BAD_ROWS_MIN_TABLE_ROWS = 400  # smaller tables get no bad rows
P_ISO_T_TIMESTAMP = 0.65  # else "YYYY-MM-DD HH:MM:SS"
TRUE_SPELLINGS = (("true", 0.55), ("TRUE", 0.10), ("1", 0.15), ("yes", 0.10),
                  ("True", 0.05), ("YES", 0.05))
FALSE_SPELLINGS = (("false", 0.55), ("FALSE", 0.10), ("0", 0.15), ("no", 0.10),
                   ("False", 0.05), ("NO", 0.05))

# --- names and words --------------------------------------------------------------------
COMPANY_WORDS = ("Acme", "Northwind", "Bluefin", "Globex", "Initech", "Umbrella", "Stark",
                 "Vandelay", "Hooli", "Pied Piper", "Soylent", "Tyrell", "Wonka",
                 "Oscorp", "Aperture", "Massive", "Contoso", "Fabrikam", "Lumen", "Quanta",
                 "Helix", "Juniper", "Kestrel", "Marble", "Nimbus", "Orchid", "Polar",
                 "Redwood", "Sable", "Tundra", "Vertex", "Willow", "Zephyr", "Cobalt",
                 "Ember", "Falcon", "Granite", "Harbor", "Ivory", "Jasper")
COMPANY_NOUNS = ("Analytics", "Logistics", "Health", "Foods", "Robotics", "Media", "Labs",
                 "Systems", "Finance", "Travel", "Energy", "Retail", "Software",
                 "Partners", "Studios", "Insurance", "Learning", "Mobility")
COMPANY_SUFFIX = {"us": "Inc", "ca": "Inc", "au": "Pty Ltd", "sg": "Pte Ltd", "de": "GmbH",
                  "fr": "SAS", "nl": "B.V.", "es": "S.L.", "ie": "Ltd", "gb": "Ltd"}
INDUSTRIES = ("software", "retail", "healthcare", "financial services", "manufacturing",
              "education", "media", "logistics", "professional services", "non-profit")
FIRST_NAMES = ("jane", "john", "maria", "ahmed", "li", "sofia", "lukas", "emma", "noah",
               "olivia", "mateo", "aisha", "yuki", "omar", "chloe", "liam", "ines", "ravi",
               "nina", "tom", "sara", "felix", "ana", "david", "mia", "kofi", "eva", "jonas")
LAST_NAMES = ("doe", "smith", "garcia", "khan", "chen", "rossi", "muller", "martin",
              "brown", "silva", "kim", "nguyen", "okafor", "dubois", "jansen", "novak",
              "costa", "weber", "patel", "larsen", "moreau", "fischer", "lopez", "tanaka")
TICKET_SUBJECTS = ("Cannot export report", "Invoice question", "SSO login fails",
                   "How do I add a seat?", "Dashboard not loading", "API rate limit",
                   "Change billing contact", "Data import stuck", "Feature request",
                   "Password reset", "Integration with Salesforce", "Wrong totals in report",
                   "Cancel subscription", "Upgrade plan", "Slow search", "Webhook errors")

# Survey comments. Every themed phrase contains a theme keyword as a whole word; the
# no-theme phrases contain none of them.
THEMES = ("pricing", "bugs", "support", "onboarding", "product", "performance")
THEME_PHRASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (good, bad)
    "pricing": (("Fair price for what we get.", "Worth the price."),
                ("Too expensive for a team our size.", "The price went up again.",
                 "Pricing is confusing.")),
    "bugs": (("No crash in months, very stable.", "The bug I reported was fixed quickly."),
             ("Export fails with an error.", "The app tends to crash on large reports.",
              "Still waiting for the bug fix.")),
    "support": (("Support was really helpful.", "The agent solved it in minutes."),
                ("Support took days to answer.", "The agent did not read my question.")),
    "onboarding": (("Onboarding was smooth.", "The training sessions helped a lot."),
                   ("Setup was confusing and took weeks.", "We need more training.")),
    "product": (("Love the new reporting feature.", "The Slack integration is great."),
                ("Missing an integration with our CRM.", "Please share the roadmap.")),
    "performance": (("Dashboards are fast now.", "Performance has improved a lot."),
                    ("Everything is slow in the afternoon.", "Reports are slow.")),
}
NO_THEME_COMMENTS = ("Does the job.", "Good overall.", "Nothing to add.",
                     "We use it every day.", "Ok.", "Could be better.", "Très bien!",
                     "Keep going.")


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


def add_months(d: date, months: int) -> date:
    """``d`` plus whole months, clamped to the month's end (Jan 31 + 1 = Feb 28/29)."""
    year, month0 = divmod(d.month - 1 + months, 12)
    year += d.year
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


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
        if self.rng.random() < P_ISO_T_TIMESTAMP:
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.strftime("%Y-%m-%d %H:%M:%S")

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


# =========================================================================== customers
def make_customers(world: World, count: int) -> list[Customer]:
    rng = world.rng("signups")
    span = (world.as_of - days(7) - world.history_start).days
    signups: list[tuple[datetime, bool]] = []
    for i in range(count):
        legacy = i > 0 and rng.random() < P_LEGACY_CUSTOMER
        if i == 0:
            offset = 0
        elif legacy:
            offset = rng.randrange(LEGACY_WINDOW_DAYS)
        else:
            offset = int(span * math.sqrt(rng.random()))  # sign-ups grow over time
        signups.append((business_time(rng, world.history_start + days(offset)), legacy))
    signups[0] = (at(world.history_start, 9), False)  # anchors the first billing month
    signups.sort()
    return [make_customer(world, n + 1, created, legacy)
            for n, (created, legacy) in enumerate(signups)]


def make_customer(world: World, number: int, created: datetime, legacy: bool) -> Customer:
    cid = f"C{number:05d}"
    rng = world.rng("customer", cid)
    segment = pick(rng, SEGMENT_WEIGHTS)
    if rng.random() < P_UNKNOWN_SEGMENT:
        segment_raw = rng.choice(UNKNOWN_SEGMENT_SPELLINGS)
    else:
        segment_raw = rng.choice(SEGMENT_SPELLINGS[segment])
    currency = pick(rng, CURRENCY_WEIGHTS)
    country = pick(rng, COUNTRIES[currency])
    case = rng.random()
    country_raw = country.upper() if case < 0.6 else country if case < 0.95 else country.title()
    is_test = number % TEST_ACCOUNT_EVERY == TEST_ACCOUNT_OFFSET
    word, noun = rng.choice(COMPANY_WORDS), rng.choice(COMPANY_NOUNS)
    if is_test:
        name, domain = f"Test Account {number} (internal)", f"qa-{number}.vendor.example"
    else:
        name = f"{word} {noun} {COMPANY_SUFFIX[country]}"
        domain = f"{word.lower().replace(' ', '-')}-{number}.example"
    wanted = rng.randint(*CONTACTS[segment])
    contacts: list[str] = []
    while len(contacts) < wanted:
        email = f"{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}@{domain}"
        if email not in contacts:
            contacts.append(email)
    return Customer(
        number=number, customer_id=cid, created_at=created, segment=segment,
        segment_raw=segment_raw,
        industry="" if rng.random() < P_EMPTY_INDUSTRY else rng.choice(INDUSTRIES),
        country=country, country_raw=country_raw, currency=currency,
        tax_rate=rng.choice(TAX_RATES[country]), is_test=is_test, is_legacy=legacy,
        never_subscribes=number > 1 and not is_test and rng.random() < P_NEVER_SUBSCRIBES,
        name=name, contacts=contacts, happiness=rng.betavariate(4, 2.5),
        sends_usage=rng.random() >= P_NO_USAGE,
    )


def customer_rows(world: World) -> list[Row]:
    text = Text(world.rng("text", "customers"))
    rng = world.rng("loads", "customers")
    return [(c.customer_id, c.name, c.contacts[0], c.segment_raw, c.industry, c.country_raw,
             text.ts(c.created_at), text.boolean(c.is_test),
             text.ts(world.loaded_after(rng, c.created_at, 1, 60)))
            for c in world.customers]


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
    for c in world.customers:
        c.subscriptions = BillingSim(c, world.rng("billing", c.customer_id), world.as_of).run()
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


# =========================================================================== invoices
@dataclass
class Invoice:
    customer: Customer
    subscription_id: str
    invoice_type: str
    amount_cents: int
    currency_raw: str
    issued_at: datetime
    due_date: date
    paid_at: datetime | None = None
    status: str = "open"
    invoice_id: str = ""
    written_off_at: datetime | None = None

    @property
    def tax_cents(self) -> int:
        return round(self.amount_cents * self.customer.tax_rate)


class Ledger:
    """Issues and settles one customer's invoices."""

    def __init__(self, world: World, customer: Customer) -> None:
        self.world, self.c = world, customer
        self.rng = world.rng("invoices", customer.customer_id)
        self.invoices: list[Invoice] = []

    def issue(self, sub_id: str, kind: str, amount: int, currency: str, issued: date) -> Invoice:
        rng = self.rng
        issued_at = at(issued, rng.randint(0, 5), rng.randrange(60), rng.randrange(60))
        inv = Invoice(self.c, sub_id, kind, amount, currency, issued_at,
                      issued + days(DUE_DAYS[self.c.segment]))
        self.invoices.append(inv)
        return inv

    def settle(self, inv: Invoice) -> None:
        rng, as_of_end = self.rng, self.world.as_of_end
        if rng.random() < P_INVOICE_VOID:
            inv.status = "void"
            return
        r, issued = rng.random(), inv.issued_at.date()
        if r < P_PAID_ON_TIME:
            paid = at(issued, 8) + days(rng.randint(0, (inv.due_date - issued).days - 1))
        elif r < P_PAID_ON_TIME + P_PAID_LATE:
            paid = at(inv.due_date, 8) + days(rng.randint(3, 45))
        elif (self.world.as_of - issued).days > WRITE_OFF_AGE_DAYS and rng.random() < P_WRITE_OFF:
            self.write_off(inv)
            return
        else:
            paid = at(inv.due_date, 8) + days(rng.randint(46, 110))
        paid += minutes_between(rng, 0, 10 * 60)
        if paid <= as_of_end:
            inv.paid_at, inv.status = paid, "paid"

    def write_off(self, inv: Invoice) -> None:
        written_off = at(inv.due_date, 10) + days(self.rng.randint(60, 90))
        if written_off <= self.world.as_of_end:
            inv.status, inv.written_off_at = "uncollectible", written_off

    def credit_note(self, inv: Invoice, share: float, after_days: int, sub_id: str) -> None:
        issued = inv.issued_at.date() + days(after_days)
        if issued > self.world.as_of:
            return
        note = self.issue(sub_id, inv.invoice_type, -round(inv.amount_cents * share),
                          inv.currency_raw, issued)
        note.due_date, note.status = issued, "paid"
        note.paid_at = note.issued_at + minutes_between(self.rng, 5, 120)

    def subscription_invoices(self, sub: Subscription) -> None:
        as_of, rng = self.world.as_of, self.rng
        issued: list[Invoice] = []
        for p in sub.periods:
            if not p.is_paid:
                continue
            step, k = INTERVAL_MONTHS[p.interval], 0
            while True:
                d = add_months(p.start, k * step)
                if d > as_of or (p.end is not None and d >= p.end):
                    break
                issued.append(self.issue(sub.subscription_id, "subscription", p.amount_cents,
                                         p.currency_raw, d))
                k += 1
        failed = set(range(len(issued) - rng.randint(1, 2), len(issued))) \
            if sub.reason == "payment_failure" else set()
        for i, inv in enumerate(issued):
            if i in failed:
                self.write_off(inv)  # stays open (overdue) until written off
            else:
                self.settle(inv)
        if sub.refund_first_invoice and issued:
            used = (sub.periods[0].end - sub.periods[0].start).days  # type: ignore[operator]
            self.credit_note(issued[0], max(0.1, 1 - used / 30), rng.randint(0, 2),
                             sub.subscription_id)
        for inv in issued:
            if inv.status == "paid" and rng.random() < P_CREDIT_NOTE:
                self.credit_note(inv, rng.uniform(0.1, 1.0), rng.randint(3, 30),
                                 sub.subscription_id)

    def one_time_invoices(self) -> None:
        rng = self.rng
        spans = self.c.paid_spans(self.world.as_of)
        if not spans or rng.random() >= P_ONE_TIME:
            return
        low, high = ONE_TIME_AMOUNT[self.c.segment]
        for _ in range(rng.randint(1, 3)):
            start, end = rng.choice(spans)
            when = start + days(rng.randrange(max(1, min((end - start).days, 365))))
            if when > self.world.as_of:
                continue
            amount = rng.randint(low // 50, high // 50) * 50 * 100
            self.settle(self.issue("", "one_time", amount, self.c.currency_raw(rng), when))


def make_invoices(world: World) -> list[Invoice]:
    invoices: list[Invoice] = []
    for c in world.customers:
        ledger = Ledger(world, c)
        for sub in c.subscriptions:
            ledger.subscription_invoices(sub)
        ledger.one_time_invoices()
        invoices.extend(ledger.invoices)
    invoices.sort(key=lambda i: (i.issued_at, i.customer.customer_id))
    for n, inv in enumerate(invoices, 1):
        inv.invoice_id = f"INV{n:07d}"
    return invoices


def invoice_row(text: Text, inv: Invoice, status: str, paid_at: datetime | None,
                loaded: datetime) -> Row:
    return (inv.invoice_id, inv.customer.customer_id, inv.subscription_id, inv.invoice_type,
            money(inv.amount_cents), money(inv.tax_cents), inv.currency_raw,
            text.ts(inv.issued_at), inv.due_date.isoformat(), text.ts(paid_at), status,
            text.ts(loaded))


def invoice_rows(world: World, invoices: list[Invoice]) -> list[Row]:
    text, rng = Text(world.rng("text", "invoices")), world.rng("loads", "invoices")
    rows: list[Row] = []
    for inv in invoices:
        first_load = world.loaded_after(rng, inv.issued_at, 5, 120)
        if inv.status == "paid":
            assert inv.paid_at is not None
            last_load = world.loaded_after(rng, inv.paid_at, 5, 12 * 60)
            if rng.random() < P_RELOAD["invoices"] and first_load < last_load:
                rows.append(invoice_row(text, inv, "open", None, first_load))  # not yet paid
            rows.append(invoice_row(text, inv, "paid", inv.paid_at, last_load))
        elif inv.status == "uncollectible":
            assert inv.written_off_at is not None
            loaded = world.loaded_after(rng, inv.written_off_at)
            rows.append(invoice_row(text, inv, inv.status, None, loaded))
        elif inv.status == "void":
            loaded = world.loaded_after(rng, inv.issued_at, 60, 5 * 1440)
            rows.append(invoice_row(text, inv, inv.status, None, loaded))
        else:
            rows.append(invoice_row(text, inv, inv.status, None, first_load))
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


# =========================================================================== CS reps
def make_reps(world: World, customers: int) -> None:
    rng = world.rng("reps")
    start, as_of = world.history_start, world.as_of
    history_days = (as_of - start).days
    n_csm = max(MIN_CSMS, round(customers / CUSTOMERS_PER_CSM))
    n_agent = max(MIN_AGENTS, round(customers / CUSTOMERS_PER_AGENT))
    number = 0
    for team, n, leavers in (("customer_success", n_csm, 3), ("support", n_agent, 3)):
        early = max(n - max(2, n // 3), 6)  # hired before billing started
        for i in range(n):
            number += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if i < early:
                hired = start - days(rng.randint(100, 1500))
            else:
                hired = start + days(rng.randint(60, history_days * 2 // 3))
            left = None
            if i in range(1, 1 + leavers * 3, 3):  # a few of the early hires leave
                left = start + days(rng.randint(200, history_days - 30))
            world_list = world.csms if team == "customer_success" else world.agents
            world_list.append(Rep(f"R{number:03d}", f"{first.title()} {last.title()}",
                                  f"{first}.{last}.{number}@cskpi-vendor.example", team,
                                  hired, left))


def rep_rows(world: World) -> list[Row]:
    text, rng = Text(world.rng("text", "reps")), world.rng("loads", "reps")
    rows: list[Row] = []
    for r in world.csms + world.agents:
        loaded = world.loaded_after(rng, at(r.left_at or r.hired_at, 9), 60, 2 * 1440)
        rows.append((r.rep_id, r.name, r.email, r.team, r.hired_at.isoformat(),
                     r.left_at.isoformat() if r.left_at else "", text.ts(loaded)))
    return rows


@dataclass
class OwnerRange:
    customer_id: str
    rep_id: str
    valid_from: datetime
    valid_to: datetime | None


def active_rep(rng: random.Random, reps: list[Rep], when: datetime,
               exclude: str = "") -> Rep | None:
    candidates = [r for r in reps if r.active_on(when.date()) and r.rep_id != exclude]
    return rng.choice(candidates) if candidates else None


def owner_ranges(world: World) -> list[OwnerRange]:
    ranges: list[OwnerRange] = []
    realignment = at(add_months(month_start(world.history_start), 15))
    for c in world.customers:
        rng = world.rng("owners", c.customer_id)
        if rng.random() >= P_ASSIGNED[c.segment]:
            continue
        late = rng.random() < P_LATE_ASSIGNMENT
        lag = rng.randint(30 * 24, 200 * 24) if late else rng.randint(1, 14 * 24)
        t = c.created_at + timedelta(hours=lag, minutes=rng.randrange(60))
        realign = rng.random() < P_REALIGNED
        rep = active_rep(rng, world.csms, t)
        while rep is not None and t <= world.as_of_end:
            wait = min(rng.expovariate(HANDOVER_PER_MONTH / 30.4), 36500.0)
            nxt = (t + days(wait)).replace(microsecond=0)
            leaves = at(rep.left_at, 17) if rep.left_at else None
            if leaves and leaves < nxt:
                nxt = leaves
            if realign and t < realignment < nxt:
                nxt = realignment
            if nxt > world.as_of_end:
                ranges.append(OwnerRange(c.customer_id, rep.rep_id, t, None))
                break
            ranges.append(OwnerRange(c.customer_id, rep.rep_id, t, nxt))
            if nxt == leaves and rng.random() < P_ORPHANED_WHEN_REP_LEAVES:
                break  # nobody took over
            t, rep = nxt, active_rep(rng, world.csms, nxt, exclude=rep.rep_id)
    return ranges


def owner_rows(world: World, ranges: list[OwnerRange]) -> list[Row]:
    text, rng = Text(world.rng("text", "owners")), world.rng("loads", "owners")
    return [(r.customer_id, r.rep_id, text.ts(r.valid_from), text.ts(r.valid_to),
             text.ts(world.loaded_after(rng, r.valid_to or r.valid_from, 5, 24 * 60)))
            for r in ranges]


# =========================================================================== business metrics
def business_metric_rows(world: World) -> list[Row]:
    text = Text(world.rng("text", "metrics"))
    rows: list[Row] = []
    for c in world.customers:
        rng = world.rng("metrics", c.customer_id)
        if rng.random() >= P_HAS_BUSINESS_METRICS:
            continue
        employees = float(int(math.exp(rng.uniform(*map(math.log, EMPLOYEES[c.segment])))))
        growth = pick(rng, ((rng.uniform(0.02, 0.08), 0.45), (rng.uniform(-0.01, 0.01), 0.35),
                            (rng.uniform(-0.06, -0.02), 0.20)))
        reports_end = rng.random() < P_REPORTS_END_CUSTOMERS
        end_customers = employees * rng.uniform(2, 200)
        d = c.created_at.date() + days(rng.randint(0, 60))
        while d <= world.as_of:
            end_value = "" if not reports_end or rng.random() < P_EMPTY_END_CUSTOMERS \
                else str(int(end_customers))
            loaded = world.loaded_after(rng, at(d, 4), 60, 5 * 1440)
            rows.append((c.customer_id, d.isoformat(), str(int(employees)), end_value,
                         text.ts(loaded)))
            employees = max(1.0, employees * (1 + growth + rng.gauss(0, 0.01)))
            end_customers *= 1 + growth + rng.gauss(0, 0.03)
            d += days(rng.randint(80, 100))
    return rows


# =========================================================================== support
@dataclass
class Event:
    at: datetime
    kind: str
    actor: str
    public: bool
    new_status: str = ""


@dataclass
class Ticket:
    customer: Customer
    created_at: datetime
    requester: str
    assignee: str
    channel: str
    priority: str
    subject: str
    events: list[Event]
    ticket_id: str = ""

    @property
    def status(self) -> str:
        changes = [e.new_status for e in self.events if e.kind == "status_change"]
        return changes[-1] if changes else "new"

    @property
    def first_solved_at(self) -> datetime | None:
        return next((e.at for e in self.events
                     if e.kind == "status_change" and e.new_status == "solved"), None)


class Conversation:
    """Builds a ticket's events in time order."""

    def __init__(self, rng: random.Random, created: datetime, agent: str) -> None:
        self.rng, self.t, self.agent = rng, created, agent
        self.events = [Event(created, "customer_message", "", True)]

    def wait(self, lo_minutes: float, hi_minutes: float) -> Conversation:
        self.t += minutes_between(self.rng, lo_minutes, hi_minutes)
        return self

    def customer(self) -> None:
        self.events.append(Event(self.t, "customer_message", "", True))

    def reply(self, public: bool = True) -> None:
        self.events.append(Event(self.t, "agent_reply", self.agent, public))

    def note(self, probability: float) -> None:
        if self.agent and self.rng.random() < probability:
            self.wait(2, 120).events.append(Event(self.t, "internal_note", self.agent, False))

    def status(self, new_status: str, by_system: bool = False) -> None:
        actor = "" if by_system else self.agent
        self.events.append(Event(self.t, "status_change", actor, False, new_status))

    def auto_close(self) -> None:
        if self.rng.random() < P_AUTO_CLOSE:
            self.wait(3 * 1440, 5 * 1440).status("closed", by_system=True)


def conversation(rng: random.Random, created: datetime, agent: str, priority: str,
                 scenario: str) -> list[Event]:
    """The events of one ticket scenario (not yet cut at the as-of date)."""
    conv, first = Conversation(rng, created, agent), FIRST_REPLY_MINUTES[priority]
    if scenario == "new":
        return conv.events
    if scenario == "closed_unsolved":
        conv.note(0.4)
        conv.wait(*first).status("closed")
        return conv.events
    if scenario == "zero_touch":
        conv.note(0.4)
        conv.wait(*first).status("solved", by_system=not agent)
        conv.auto_close()
        return conv.events
    if scenario == "still_open":
        conv.wait(*first).status("open", by_system=not agent)
        if agent and rng.random() < 0.6:
            conv.wait(1, 10).reply()
            if rng.random() < 0.5:
                conv.wait(1, 30).status("pending")
        return conv.events
    # one_touch, many_touch, reopened
    conv.note(0.3)
    conv.wait(*first).status("open")
    conv.wait(1, 10).reply()
    for _ in range(rng.randint(1, 4) if scenario == "many_touch" else 0):
        conv.wait(1, 30).status("pending")
        conv.wait(10, 2880).customer()
        conv.wait(0, 2).status("open", by_system=True)
        conv.note(0.25)
        if rng.random() < P_PRIVATE_REPLY:
            conv.wait(5, 240).reply(public=False)
        conv.wait(*first).reply()
    if scenario != "many_touch" and rng.random() < 0.35:  # the customer confirms first
        conv.wait(1, 30).status("pending")
        conv.wait(10, 1440).customer()
    conv.wait(1, 600).status("solved")
    if scenario == "reopened":
        conv.wait(60, 5 * 1440).customer()
        conv.wait(0, 2).status("open", by_system=True)
        conv.wait(*first).reply()
        conv.wait(1, 600).status("solved")
    conv.auto_close()
    return conv.events


def ticket_scenario(rng: random.Random, age_days: int, assigned: bool) -> str:
    if age_days <= 3 and rng.random() < P_NEW_TICKET_RECENT:
        return "new"
    if age_days <= 45 and rng.random() < P_STILL_OPEN_RECENT:
        return "still_open"
    if 14 < age_days <= 120 and rng.random() < P_STALE_OPEN:
        return "still_open"
    scenario = pick(rng, TICKET_SCENARIOS)
    if not assigned and scenario not in ("zero_touch", "closed_unsolved"):
        scenario = rng.choice(("zero_touch", "closed_unsolved", "still_open"))
    return scenario


def customer_tickets(world: World, c: Customer, rng: random.Random) -> list[Ticket]:
    tickets: list[Ticket] = []
    per_day = TICKETS_PER_MONTH[c.segment] * (0.6 + 0.8 * (1 - c.happiness)) / 30.4
    for start, end in c.service_spans(world.as_of):
        t = at(start) + days(rng.expovariate(per_day))
        while t.date() < end and t <= world.as_of_end:
            created = business_time(rng, t.date())
            if created > world.as_of_end:
                break
            agent = active_rep(rng, world.agents, created)
            assignee = "" if agent is None or rng.random() < P_UNASSIGNED_TICKET else agent.rep_id
            priority = pick(rng, PRIORITY_WEIGHTS)
            scenario = ticket_scenario(rng, (world.as_of - created.date()).days, bool(assignee))
            events = [e for e in conversation(rng, created, assignee, priority, scenario)
                      if e.at <= world.as_of_end]
            tickets.append(Ticket(c, created, rng.choice(c.contacts), assignee,
                                  pick(rng, CHANNEL_WEIGHTS), priority,
                                  rng.choice(TICKET_SUBJECTS), events))
            t += days(rng.expovariate(per_day))
    return tickets


def make_tickets(world: World) -> list[Ticket]:
    tickets = [t for c in world.customers
               for t in customer_tickets(world, c, world.rng("tickets", c.customer_id))]
    tickets.sort(key=lambda t: (t.created_at, t.customer.customer_id))
    for n, t in enumerate(tickets, 1):
        t.ticket_id = f"T{n:06d}"
    return tickets


def ticket_row(text: Text, t: Ticket, status: str, loaded: datetime) -> Row:
    return (t.ticket_id, t.customer.customer_id, t.requester, t.assignee, t.channel,
            t.priority, t.subject, status, text.ts(t.created_at), text.ts(loaded))


def ticket_rows(world: World, tickets: list[Ticket]) -> list[Row]:
    text, rng = Text(world.rng("text", "tickets")), world.rng("loads", "tickets")
    rows: list[Row] = []
    for t in tickets:
        first_load = world.loaded_after(rng, t.created_at, 1, 30)
        last_load = world.loaded_after(rng, t.events[-1].at, 1, 60)
        if len(t.events) > 1 and rng.random() < P_RELOAD["tickets"] and first_load < last_load:
            rows.append(ticket_row(text, t, "new", first_load))  # loaded right after creation
        rows.append(ticket_row(text, t, t.status, last_load))
    return rows


def event_rows(world: World, tickets: list[Ticket]) -> list[Row]:
    text, rng = Text(world.rng("text", "events")), world.rng("loads", "events")
    rows: list[Row] = []
    for t in tickets:
        for e in t.events:
            rows.append((f"E{len(rows) + 1:07d}", t.ticket_id, text.ts(e.at), e.kind, e.actor,
                         text.boolean(e.public), e.new_status,
                         text.ts(world.loaded_after(rng, e.at, 2, 240))))
    return rows


# =========================================================================== surveys
@dataclass
class Response:
    customer: Customer
    email: str
    survey_type: str
    score: int
    comment: str
    ticket: Ticket | None
    responded_at: datetime
    response_id: str = ""


def sentiment(survey_type: str, score: int) -> str:
    if survey_type == "nps":
        return "good" if score >= 9 else "neutral" if score >= 7 else "bad"
    return "good" if score >= 4 else "neutral" if score == 3 else "bad"


def make_comment(rng: random.Random, mood: str) -> str:
    if rng.random() >= P_COMMENT:
        return ""
    r = rng.random()
    if r < P_WHITESPACE_COMMENT:
        return rng.choice(("   ", " ", " \t "))
    if r < P_WHITESPACE_COMMENT + P_NO_THEME_COMMENT:
        return rng.choice(NO_THEME_COMMENTS)
    themes = rng.sample(THEMES, 2 if rng.random() < P_TWO_THEMES else 1)
    parts = []
    for theme in themes:
        good, bad = THEME_PHRASES[theme]
        tone = mood if mood != "neutral" else rng.choice(("good", "bad"))
        parts.append(rng.choice(good if tone == "good" else bad))
    return " ".join(parts)


def nps_score(rng: random.Random, happiness: float) -> int:
    if rng.random() < P_ANGRY_ANSWER:
        return rng.randint(0, 3)
    return min(10, max(0, round(rng.gauss(3.5 + 6.5 * happiness, 1.6))))


def csat_score(rng: random.Random, happiness: float, reopened: bool) -> int:
    if rng.random() < P_ANGRY_ANSWER:
        return 1
    return min(5, max(1, round(rng.gauss(2.2 + 3 * happiness - reopened, 0.9))))


def customer_responses(world: World, c: Customer, tickets: list[Ticket]) -> list[Response]:
    rng, out = world.rng("surveys", c.customer_id), []
    spans = c.paid_spans(world.as_of)

    def paying(d: date) -> bool:
        return any(s <= d < e for s, e in spans)

    def add(email: str, kind: str, score: int, ticket: Ticket | None, when: datetime) -> None:
        comment = make_comment(rng, sentiment(kind, score))
        out.append(Response(c, email, kind, score, comment, ticket, when))

    if spans:
        for email in c.contacts:
            d = spans[0][0] + days(rng.randint(45, 120))
            while d <= world.as_of:
                if paying(d) and rng.random() < P_NPS_ANSWER:
                    when = business_time(rng, d + days(rng.randint(0, 10)))
                    if when <= world.as_of_end:
                        add(email, "nps", nps_score(rng, c.happiness), None, when)
                        again = when + days(rng.randint(1, 7)) + minutes_between(rng, 0, 600)
                        if (rng.random() < P_NPS_TWICE_IN_MONTH and again.month == when.month
                                and again <= world.as_of_end):
                            add(email, "nps", nps_score(rng, c.happiness), None, again)
                d += days(rng.randint(*NPS_EVERY_DAYS))
    for t in tickets:
        solved = t.first_solved_at
        if solved is None or rng.random() >= P_CSAT_ANSWER:
            continue
        reopened = sum(1 for e in t.events if e.new_status == "solved") > 1
        when = solved + minutes_between(rng, 10, 3 * 1440)
        if when > world.as_of_end:
            continue
        add(t.requester, "csat", csat_score(rng, c.happiness, reopened), t, when)
        again = when + minutes_between(rng, 60, 5 * 1440)
        if rng.random() < P_CSAT_TWICE and again <= world.as_of_end:
            add(t.requester, "csat", csat_score(rng, c.happiness, reopened), t, again)
    return out


def make_responses(world: World, tickets: list[Ticket]) -> list[Response]:
    by_customer: dict[str, list[Ticket]] = {}
    for t in tickets:
        by_customer.setdefault(t.customer.customer_id, []).append(t)
    responses = [r for c in world.customers
                 for r in customer_responses(world, c, by_customer.get(c.customer_id, []))]
    responses.sort(key=lambda r: (r.responded_at, r.customer.customer_id, r.email))
    for n, r in enumerate(responses, 1):
        r.response_id = f"R{n:07d}"
    return responses


def response_rows(world: World, responses: list[Response]) -> list[Row]:
    text, rng = Text(world.rng("text", "surveys")), world.rng("loads", "surveys")
    return [(r.response_id, r.customer.customer_id, r.email, r.survey_type, str(r.score),
             r.comment, r.ticket.ticket_id if r.ticket else "", text.ts(r.responded_at),
             text.ts(world.loaded_after(rng, r.responded_at, 10, 24 * 60)))
            for r in responses]


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

    def unknown(rng: random.Random, k: int) -> Row:
        return (world.unknown_customer_id(k), world.as_of.isoformat(), "40", "", loaded)

    sprinkle(world.rng("bad", "metrics"), rows, (negative, not_a_number, bad_date, unknown))


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
        overlap,
        inverted,
        lambda rng, k: beyond_end(rng, k, currency="JPY"),  # no fx rate for JPY
    )
    if closed:
        sprinkle(world.rng("bad", "periods"), rows, makers)


def bad_invoice_rows(world: World, invoices: list[Invoice], rows: list[Row]) -> None:
    table, ids = "billing.invoices", iter(range(len(invoices) + 1, 10**8))
    originals = list(rows)

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
    if rows:
        sprinkle(world.rng("bad", "invoices"), rows, makers)


def bad_ticket_rows(world: World, tickets: list[Ticket], rows: list[Row]) -> None:
    table, ids = "support.tickets", iter(range(len(tickets) + 1, 10**7))
    originals = list(rows)

    def copy(rng: random.Random, **changes: str) -> Row:
        changes = {"status": "open", **changes}
        return with_values(table, rng.choice(originals), ticket_id=f"T{next(ids):06d}",
                           **changes)

    makers: tuple[BadMaker, ...] = (
        lambda rng, k: copy(rng, channel="fax"),
        lambda rng, k: copy(rng, priority="critical"),
        lambda rng, k: copy(rng, customer_id=world.unknown_customer_id(k)),
        lambda rng, k: copy(rng, created_at="2025-13-01 10:00:00"),
        lambda rng, k: copy(rng, status="escalated"),
    )
    if rows:
        sprinkle(world.rng("bad", "tickets"), rows, makers)


def bad_event_rows(world: World, rows: list[Row]) -> None:
    table, ids = "support.ticket_events", iter(range(len(rows) + 1, 10**8))
    internal_notes = [r for r in rows if r[3] == "internal_note"] or rows

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
    if rows:
        sprinkle(world.rng("bad", "events"), rows, makers)


def bad_response_rows(world: World, responses: list[Response], rows: list[Row]) -> None:
    table, ids = "surveys.survey_responses", iter(range(len(responses) + 1, 10**8))
    by_type = {kind: [r for r in rows if r[3] == kind] for kind in ("nps", "csat")}

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
    )
    if rows:
        sprinkle(world.rng("bad", "surveys"), rows, makers)


def bad_usage_rows(world: World, usage: UsageWriter, written: int) -> list[Row]:
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


# =========================================================================== writing
class Output:
    """Writes one CSV per raw table and reports progress."""

    def __init__(self, out_dir: Path, log: Callable[[str], None] | None) -> None:
        self.out_dir, self.log = out_dir, log
        self.counts: dict[str, int] = {}

    def path(self, table: RawTable) -> Path:
        path = self.out_dir / table.system / f"{table.name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, name: str, rows: list[Row]) -> None:
        table = BY_NAME[name]
        with self.path(table).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(table.columns)
            for row in rows:
                if len(row) != len(table.columns):
                    raise ValueError(f"{name}: row has {len(row)} values: {row}")
            writer.writerows(rows)
        self.done(name, len(rows))

    def done(self, name: str, rows: int) -> None:
        self.counts[name] = rows
        if self.log:
            table = BY_NAME[name]
            self.log(f"wrote {table.system}/{table.name}.csv: {rows:,} rows")


def history_start_for(as_of: date) -> date:
    return add_months(month_start(as_of), -HISTORY_MONTHS)


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

    invoices = make_invoices(world)
    rows = invoice_rows(world, invoices)
    bad_invoice_rows(world, invoices, rows)
    out.write("billing.invoices", rows)
    out.write("billing.fx_rates", fx_rows(world))

    tickets = make_tickets(world)
    rows = ticket_rows(world, tickets)
    bad_ticket_rows(world, tickets, rows)
    out.write("support.tickets", rows)
    rows = event_rows(world, tickets)
    bad_event_rows(world, rows)
    out.write("support.ticket_events", rows)

    responses = make_responses(world, tickets)
    rows = response_rows(world, responses)
    bad_response_rows(world, responses, rows)
    out.write("surveys.survey_responses", rows)

    usage_table = BY_NAME["product.usage_daily"]
    with out.path(usage_table).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(usage_table.columns)
        usage = UsageWriter(world)
        written = sum(usage.write_customer(writer, c) for c in world.customers)
        bad = bad_usage_rows(world, usage, written)
        writer.writerows(bad)
    out.done("product.usage_daily", written + len(bad))

    out.write("finance.cs_costs", cost_rows(world))
    return {t.qualified: out.counts[t.qualified] for t in RAW_TABLES}


# =========================================================================== CLI
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cskpi.demo_data",
        description="Write a deterministic demo SaaS history as raw CSV tables.")
    parser.add_argument("--out", type=Path, default=Path("data/demo"),
                        help="output folder (default: data/demo)")
    parser.add_argument("--customers", type=int, default=600, help="number of customers")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.fromisoformat(DEMO_AS_OF),
                        help=f"as-of date, YYYY-MM-DD (default: {DEMO_AS_OF})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.out, customers=args.customers, seed=args.seed, as_of=args.as_of,
                      log=print)
    print(f"done: {sum(counts.values()):,} rows in {len(counts)} tables under {args.out} "
          f"in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
