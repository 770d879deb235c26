"""CRM: customers, CS reps, owner history and business metrics."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from cskpi.demo.usage import P_NO_USAGE
from cskpi.demo.world import (
    Customer,
    Rep,
    Row,
    Text,
    World,
    active_rep,
    add_months,
    at,
    business_time,
    date_array,
    day_seconds,
    days,
    epoch_seconds,
    month_start,
    np_rng,
    pick,
    ts_array,
)

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
    rng = world.rng("customers")  # one stream in customer order: seeding costs 12 us a time
    return [make_customer(rng, n + 1, created, legacy)
            for n, (created, legacy) in enumerate(signups)]


def make_customer(rng: random.Random, number: int, created: datetime, legacy: bool) -> Customer:
    cid = f"C{number:05d}"
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



def owner_ranges(world: World) -> list[OwnerRange]:
    ranges: list[OwnerRange] = []
    realignment = at(add_months(month_start(world.history_start), 15))
    rng = world.rng("owners")
    for c in world.customers:
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
    """About one row per customer and quarter: employees and end customers drift together.

    Vectorised: a (customers x reports) matrix of dates, growth factors multiplied up.
    """
    rng = np_rng(world.seed, "metrics")
    customers = world.customers
    n = len(customers)
    segments = [c.segment for c in customers]
    low = np.log([EMPLOYEES[s][0] for s in segments])
    high = np.log([EMPLOYEES[s][1] for s in segments])
    employees0 = np.floor(np.exp(rng.uniform(low, high)))
    kind = rng.choice(3, size=n, p=(0.45, 0.35, 0.20))  # grow, flat, shrink
    growth = np.choose(kind, (rng.uniform(0.02, 0.08, n), rng.uniform(-0.01, 0.01, n),
                              rng.uniform(-0.06, -0.02, n)))
    has = rng.random(n) < P_HAS_BUSINESS_METRICS
    reports_end = rng.random(n) < P_REPORTS_END_CUSTOMERS
    end0 = employees0 * rng.uniform(2, 200, n)
    as_of_o = world.as_of.toordinal()
    waves = (as_of_o - world.history_start.toordinal()) // 80 + 2
    steps = rng.integers(80, 101, (n, waves))
    steps[:, 0] = rng.integers(0, 61, n)
    created = np.array([c.created_at.toordinal() for c in customers], dtype=np.int64)
    day = created[:, None] + np.cumsum(steps, axis=1)
    shape = day.shape
    factor = np.ones(shape)
    factor[:, 1:] = 1 + growth[:, None] + rng.normal(0, 0.01, (n, waves - 1))
    employees = np.maximum(1.0, employees0[:, None] * np.cumprod(factor, axis=1))
    factor[:, 1:] = 1 + growth[:, None] + rng.normal(0, 0.03, (n, waves - 1))
    end_customers = end0[:, None] * np.cumprod(factor, axis=1)
    empty_end = ~reports_end[:, None] | (rng.random(shape) < P_EMPTY_END_CUSTOMERS)
    loaded = np.minimum(day_seconds(day) + 4 * 3600
                        + (rng.uniform(60, 5 * 1440, shape) * 60).astype(np.int64),
                        epoch_seconds(world.as_of_end))
    keep = has[:, None] & (day <= as_of_o)
    who = np.broadcast_to(np.arange(n)[:, None], shape)[keep]
    ids = [c.customer_id for c in customers]
    end_text = np.where(empty_end[keep], "",
                        np.floor(end_customers[keep]).astype(np.int64).astype(str))
    return list(zip([ids[i] for i in who.tolist()],
                    date_array(day[keep]).to_pylist(),
                    employees[keep].astype(np.int64).astype(str).tolist(),
                    end_text.tolist(),
                    ts_array(rng, loaded[keep]).to_pylist(), strict=True))



