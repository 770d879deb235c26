"""Surveys: NPS waves while a customer pays, CSAT after solved tickets, comments."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from cskpi.demo.support import Ticket
from cskpi.demo.world import Customer, Row, Text, World, business_time, days, minutes_between

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


