"""Support: tickets and their events, one scenario per ticket, cut at the as-of date."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from cskpi.demo.world import (
    P_RELOAD,
    Customer,
    Row,
    Text,
    World,
    active_rep,
    at,
    business_time,
    days,
    minutes_between,
    pick,
)

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

TICKET_SUBJECTS = ("Cannot export report", "Invoice question", "SSO login fails",
                   "How do I add a seat?", "Dashboard not loading", "API rate limit",
                   "Change billing contact", "Data import stuck", "Feature request",
                   "Password reset", "Integration with Salesforce", "Wrong totals in report",
                   "Cancel subscription", "Upgrade plan", "Slow search", "Webhook errors")



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


