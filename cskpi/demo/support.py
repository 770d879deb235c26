"""Support: tickets and their events, one scenario per ticket, cut at the as-of date.

Vectorised. Tickets arrive as a Poisson process over each customer's service spans
(drawn per span at once), each gets an agent active on its day, a priority and a
scenario. A scenario's events are one fixed template of slots (customer message, note,
status change, reply, up to four many-touch rounds, confirmation, solve, reopen,
auto-close): each ticket switches slots on or off and draws their waits, and a cumulative
sum turns waits into times. Events after the as-of moment are cut; the ticket's status is
its last remaining status change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.demo.world import (
    P_RELOAD,
    Row,
    World,
    bool_array,
    choose,
    day_seconds,
    epoch_seconds,
    id_array,
    np_rng,
    ts_array,
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
                   "Cancel subscription", "Upgrade plan", "Slow search", "Webhook errors",
                   'Export to "CSV", then Excel', "Login fails\nafter the reset",
                   "Rechnung für März")  # quotes and a comma, a line break, non-ASCII



SCENARIOS = ("new", "still_open") + tuple(s for s, _ in TICKET_SCENARIOS)
NEW, STILL_OPEN, ZERO_TOUCH, ONE_TOUCH, MANY_TOUCH, REOPENED, CLOSED_UNSOLVED = range(7)
EVENT_TYPES = ("customer_message", "agent_reply", "internal_note", "status_change")
MESSAGE, REPLY, NOTE, CHANGE = range(4)
STATUSES = ("", "new", "open", "pending", "solved", "closed")
NO_STATUS, S_NEW, S_OPEN, S_PENDING, S_SOLVED, S_CLOSED = range(6)
MANY_TOUCH_ROUNDS = 4
TICKETS_PER_CHUNK = 100_000


@dataclass
class Tickets:
    """All tickets, sorted by creation; numbered T000001... in that order."""

    customer: np.ndarray  # index into world.customers
    created: np.ndarray  # seconds since 1970
    requester: np.ndarray  # str
    agent: np.ndarray  # index into world.agents, -1 = unassigned
    channel: np.ndarray
    priority: np.ndarray
    subject: np.ndarray
    scenario: np.ndarray
    # filled in by the events
    status: np.ndarray | None = None
    last_event: np.ndarray | None = None
    n_events: np.ndarray | None = None
    first_solved: np.ndarray | None = None  # -1 = never solved
    solves: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.created)

    def ids(self, which: np.ndarray | slice = slice(None)) -> pa.Array:
        # One width for every ticket, from the count of all of them: the events
        # name their tickets a slice at a time, and id_array widens by the largest
        # number it is given (at 1,000,000 customers, 7.4 million tickets were
        # "T0000001" in tickets and "T000001" in a slice of their events).
        width = max(6, len(str(len(self))))
        return id_array("T", np.arange(1, len(self) + 1)[which], width)


def active_agents(world: World) -> tuple[int, np.ndarray, np.ndarray]:
    """(first day ordinal, count of active agents per day, their indexes first per day)."""
    first = world.history_start.toordinal() - 1
    n_days = world.as_of.toordinal() - first + 2
    day = first + np.arange(n_days)[:, None]
    hired = np.array([r.hired_at.toordinal() for r in world.agents])
    left = np.array([r.left_at.toordinal() if r.left_at else 10**7 for r in world.agents])
    active = (hired[None, :] <= day) & (day < left[None, :])
    order = np.argsort(~active, axis=1, kind="stable").astype(np.int32)
    return first, active.sum(axis=1), order


def make_tickets(world: World) -> Tickets:
    rng = np_rng(world.seed, "tickets")
    as_of_o = world.as_of.toordinal()
    starts, lengths, rates, owners = [], [], [], []
    for i, c in enumerate(world.customers):
        per_day = TICKETS_PER_MONTH[c.segment] * (0.6 + 0.8 * (1 - c.happiness)) / 30.4
        for start, end in c.service_spans(world.as_of):
            length = min(end.toordinal(), as_of_o + 1) - start.toordinal()
            if length > 0:
                starts.append(start.toordinal())
                lengths.append(length)
                rates.append(per_day)
                owners.append(i)
    lengths_a = np.array(lengths, dtype=np.int64)
    count = rng.poisson(np.array(rates) * lengths_a)
    span = np.repeat(np.arange(len(count)), count)
    day = np.array(starts, dtype=np.int64)[span] + (rng.random(len(span)) * lengths_a[span]
                                                    ).astype(np.int64)
    n = len(span)
    created = day_seconds(day) + rng.integers(7, 20, n) * 3600 + rng.integers(0, 3600, n)
    customer = np.array(owners, dtype=np.int64)[span]

    first, n_active, order = active_agents(world)
    d = day - first
    pick = (rng.random(n) * n_active[d]).astype(np.int64)
    agent = np.where(n_active[d] > 0, order[d, np.minimum(pick, order.shape[1] - 1)], -1)
    agent = np.where(rng.random(n) < P_UNASSIGNED_TICKET, -1, agent)
    priority = choose(rng, PRIORITY_WEIGHTS, n)

    age = as_of_o - day
    scenario = 2 + choose(rng, TICKET_SCENARIOS, n)
    stale = (age > 14) & (age <= 120) & (rng.random(n) < P_STALE_OPEN)
    recent = (age <= 45) & (rng.random(n) < P_STILL_OPEN_RECENT)
    scenario = np.where(stale | recent, STILL_OPEN, scenario)
    scenario = np.where((age <= 3) & (rng.random(n) < P_NEW_TICKET_RECENT), NEW, scenario)
    needs_agent = np.isin(scenario, (ONE_TOUCH, MANY_TOUCH, REOPENED))
    fallback = np.array([ZERO_TOUCH, CLOSED_UNSOLVED, STILL_OPEN])[rng.integers(0, 3, n)]
    scenario = np.where((agent < 0) & needs_agent, fallback, scenario)

    contacts = [world.customers[i].contacts for i in range(len(world.customers))]
    which = rng.random(n)
    requester = np.array([contacts[c][int(w * len(contacts[c]))]
                          for c, w in zip(customer.tolist(), which.tolist(), strict=True)],
                         dtype=object)
    channel = choose(rng, CHANNEL_WEIGHTS, n)
    subject = rng.integers(0, len(TICKET_SUBJECTS), n)

    order_t = np.lexsort((customer, created))
    return Tickets(customer[order_t], created[order_t], requester[order_t], agent[order_t],
                   channel[order_t], priority[order_t], subject[order_t], scenario[order_t])


class _Slots:
    """One ticket chunk's event template: a column per slot, switched on per ticket."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self.rng, self.n = rng, n
        self.kind: list[int] = []
        self.status: list[int] = []
        self.public: list[bool] = []
        self.by_agent: list[bool] = []
        self.on: list[np.ndarray] = []
        self.wait: list[np.ndarray] = []

    def add(self, kind: int, on: np.ndarray, lo: float | np.ndarray, hi: float | np.ndarray, *,
            status: int = NO_STATUS, public: bool = False, by_agent: bool = True) -> np.ndarray:
        """A slot; ``lo``/``hi`` are the wait before it in minutes. Returns its switch."""
        minutes = lo + (np.asarray(hi) - lo) * self.rng.random(self.n)
        self.kind.append(kind)
        self.status.append(status)
        self.public.append(public)
        self.by_agent.append(by_agent)
        self.on.append(on)
        self.wait.append(np.where(on, (minutes * 60).astype(np.int64), 0))
        return on

    def chance(self, p: float) -> np.ndarray:
        return self.rng.random(self.n) < p


def ticket_events(world: World, tickets: Tickets) -> Iterator[dict[str, pa.Array]]:
    """Writes the events chunk by chunk and fills in each ticket's status and times."""
    n_all = len(tickets)
    tickets.status = np.full(n_all, S_NEW)
    tickets.last_event = tickets.created.copy()
    tickets.n_events = np.ones(n_all, dtype=np.int64)
    tickets.first_solved = np.full(n_all, -1, dtype=np.int64)
    tickets.solves = np.zeros(n_all, dtype=np.int64)
    as_of_end = epoch_seconds(world.as_of_end)
    agent_ids = pa.array([r.rep_id for r in world.agents])
    first_lo = np.array([FIRST_REPLY_MINUTES[p][0] for p, _ in PRIORITY_WEIGHTS], dtype=float)
    first_hi = np.array([FIRST_REPLY_MINUTES[p][1] for p, _ in PRIORITY_WEIGHTS], dtype=float)
    next_id = 1
    for k, lo_t in enumerate(range(0, n_all, TICKETS_PER_CHUNK)):
        part = slice(lo_t, min(n_all, lo_t + TICKETS_PER_CHUNK))
        rng = np_rng(world.seed, "ticket-events", k)
        sc, has_agent = tickets.scenario[part], tickets.agent[part] >= 0
        n = len(sc)
        f_lo, f_hi = first_lo[tickets.priority[part]], first_hi[tickets.priority[part]]
        touch = np.isin(sc, (ONE_TOUCH, MANY_TOUCH, REOPENED))
        s = _Slots(rng, n)
        s.add(MESSAGE, np.ones(n, dtype=bool), 0, 0, public=True, by_agent=False)
        quick = np.isin(sc, (ZERO_TOUCH, CLOSED_UNSOLVED))
        s.add(NOTE, has_agent & ((quick & s.chance(0.4)) | (touch & s.chance(0.3))), 2, 120)
        first_status = np.where(sc == CLOSED_UNSOLVED, S_CLOSED,
                                np.where(sc == ZERO_TOUCH, S_SOLVED, S_OPEN))
        for status in (S_OPEN, S_SOLVED, S_CLOSED):  # one of the three, by scenario
            s.add(CHANGE, (sc != NEW) & (first_status == status), f_lo, f_hi, status=status)
        replied = s.add(REPLY, touch | ((sc == STILL_OPEN) & has_agent & s.chance(0.6)), 1, 10,
                        public=True)
        s.add(CHANGE, (sc == STILL_OPEN) & replied & s.chance(0.5), 1, 30, status=S_PENDING)
        rounds = rng.integers(1, MANY_TOUCH_ROUNDS + 1, n)
        for r in range(1, MANY_TOUCH_ROUNDS + 1):
            on = (sc == MANY_TOUCH) & (rounds >= r)
            s.add(CHANGE, on, 1, 30, status=S_PENDING)
            s.add(MESSAGE, on, 10, 2880, public=True, by_agent=False)
            s.add(CHANGE, on, 0, 2, status=S_OPEN, by_agent=False)
            s.add(NOTE, on & s.chance(0.25), 2, 120)
            s.add(REPLY, on & s.chance(P_PRIVATE_REPLY), 5, 240, public=False)
            s.add(REPLY, on, f_lo, f_hi, public=True)
        confirm = np.isin(sc, (ONE_TOUCH, REOPENED)) & s.chance(0.35)
        s.add(CHANGE, confirm, 1, 30, status=S_PENDING)
        s.add(MESSAGE, confirm, 10, 1440, public=True, by_agent=False)
        s.add(CHANGE, touch, 1, 600, status=S_SOLVED)
        again = sc == REOPENED
        s.add(MESSAGE, again, 60, 5 * 1440, public=True, by_agent=False)
        s.add(CHANGE, again, 0, 2, status=S_OPEN, by_agent=False)
        s.add(REPLY, again, f_lo, f_hi, public=True)
        s.add(CHANGE, again, 1, 600, status=S_SOLVED)
        s.add(CHANGE, (touch | (sc == ZERO_TOUCH)) & s.chance(P_AUTO_CLOSE), 3 * 1440, 5 * 1440,
              status=S_CLOSED, by_agent=False)

        on = np.stack(s.on, axis=1)
        at = tickets.created[part][:, None] + np.cumsum(np.stack(s.wait, axis=1), axis=1)
        on &= at <= as_of_end
        kind = np.array(s.kind)[None, :]
        status = np.array(s.status)[None, :]
        t_idx, slot = np.nonzero(on)  # row-major: ticket by ticket, slots in time order
        ev_at, ev_status = at[t_idx, slot], status[0, slot]

        # the ticket's own fields
        g = slice(part.start, part.stop)
        tickets.n_events[g] = on.sum(axis=1)
        tickets.last_event[g] = np.where(on, at, 0).max(axis=1)
        is_change = on & (kind == CHANGE)
        last_change = np.where(is_change, np.arange(on.shape[1])[None, :], -1).max(axis=1)
        has_change = last_change >= 0
        tickets.status[g] = np.where(has_change, status[0, np.maximum(last_change, 0)], S_NEW)
        solved = on & (status == S_SOLVED)
        tickets.solves[g] = solved.sum(axis=1)
        first_solve = np.argmax(solved, axis=1)
        tickets.first_solved[g] = np.where(solved.any(axis=1),
                                           at[np.arange(n), first_solve], -1)

        # the event rows
        m = len(t_idx)
        agent = tickets.agent[part][t_idx]
        by_agent = np.array(s.by_agent)[slot] & (agent >= 0)
        actor = pa.DictionaryArray.from_arrays(
            pa.array(np.maximum(agent, 0).astype(np.int32), mask=~by_agent), agent_ids)
        loaded = np.minimum(ev_at + (rng.uniform(2, 240, m) * 60).astype(np.int64), as_of_end)
        yield {
            "event_id": id_array("E", np.arange(next_id, next_id + m), 7),
            "ticket_id": pa.DictionaryArray.from_arrays(
                pa.array(t_idx.astype(np.int32)), tickets.ids(part)),
            "event_at": ts_array(rng, ev_at),
            "event_type": pa.DictionaryArray.from_arrays(
                pa.array(kind[0, slot].astype(np.int32)), pa.array(EVENT_TYPES)),
            "actor_id": actor,
            "is_public": bool_array(rng, np.array(s.public)[slot]),
            "new_status": pa.DictionaryArray.from_arrays(
                pa.array(ev_status.astype(np.int32), mask=ev_status == NO_STATUS),
                pa.array(STATUSES)),
            "_loaded_at": ts_array(rng, loaded),
        }
        next_id += m


def ticket_columns(world: World, tickets: Tickets) -> dict[str, pa.Array]:
    """support.tickets: one row per ticket, a few loaded twice (first while still new)."""
    assert tickets.status is not None and tickets.last_event is not None
    assert tickets.n_events is not None
    rng = np_rng(world.seed, "ticket-rows")
    n, as_of_end = len(tickets), epoch_seconds(world.as_of_end)
    first_load = np.minimum(tickets.created + (rng.uniform(1, 30, n) * 60).astype(np.int64),
                            as_of_end)
    last_load = np.minimum(tickets.last_event + (rng.uniform(1, 60, n) * 60).astype(np.int64),
                           as_of_end)
    reload = (tickets.n_events > 1) & (rng.random(n) < P_RELOAD["tickets"]) \
        & (first_load < last_load)
    row = np.repeat(np.arange(n), 1 + reload)
    early = np.zeros(len(row), dtype=bool)
    early[np.flatnonzero(np.repeat(reload, 1 + reload))[::2]] = True
    customer_ids = pa.array([c.customer_id for c in world.customers])
    agent_ids = pa.array([r.rep_id for r in world.agents])
    agent = tickets.agent[row]
    return {
        "ticket_id": tickets.ids(row),
        "customer_id": pa.DictionaryArray.from_arrays(
            pa.array(tickets.customer[row].astype(np.int32)), customer_ids),
        "requester_email": pa.array(tickets.requester[row], pa.string()),
        "assignee_id": pa.DictionaryArray.from_arrays(
            pa.array(np.maximum(agent, 0).astype(np.int32), mask=agent < 0), agent_ids),
        "channel": pa.DictionaryArray.from_arrays(
            pa.array(tickets.channel[row].astype(np.int32)),
            pa.array([c for c, _ in CHANNEL_WEIGHTS])),
        "priority": pa.DictionaryArray.from_arrays(
            pa.array(tickets.priority[row].astype(np.int32)),
            pa.array([p for p, _ in PRIORITY_WEIGHTS])),
        "subject": pa.DictionaryArray.from_arrays(
            pa.array(tickets.subject[row].astype(np.int32)), pa.array(TICKET_SUBJECTS)),
        "status": pa.DictionaryArray.from_arrays(
            pa.array(np.where(early, S_NEW, tickets.status[row]).astype(np.int32)),
            pa.array(STATUSES)),
        "created_at": ts_array(rng, tickets.created[row]),
        "_loaded_at": ts_array(rng, np.where(early, first_load[row], last_load[row])),
    }


def sample_rows(columns: dict[str, pa.Array], size: int, seed: int, name: str,
                where: np.ndarray | None = None) -> list[Row]:
    """A few rows of a column table as text tuples (for copying into bad rows)."""
    n = len(next(iter(columns.values())))
    pool = np.flatnonzero(where) if where is not None else np.arange(n)
    if not len(pool):
        pool = np.arange(n)
    rng = np_rng(seed, "sample", name)
    pick = np.sort(rng.choice(pool, size=min(size, len(pool)), replace=False))
    taken = {c: pc.take(a, pa.array(pick)).to_pylist() for c, a in columns.items()}
    return [tuple("" if taken[c][i] is None else str(taken[c][i]) for c in columns)
            for i in range(len(pick))]
