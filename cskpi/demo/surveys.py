"""Surveys: NPS waves while a customer pays, CSAT after solved tickets, comments.

Vectorised: every contact's NPS waves are one row of a (contacts x waves) matrix of
cumulative intervals, checked against the customer's paid spans with a sorted search;
CSAT follows the solved tickets. Comments are drawn per response from fixed phrases.
"""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa

from cskpi.demo.support import Tickets
from cskpi.demo.world import DAY, World, day_seconds, epoch_seconds, id_array, np_rng, ts_array

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
P_TRICKY_COMMENT = 0.03  # of written comments: text that SQL engines treat differently

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

# Comments that differ between SQL engines unless the text macros are right (issue 11):
# tabs, repeated spaces, guillemets, e-mail addresses, non-ASCII letters, line breaks,
# quotes and commas inside a CSV field, a number that looks like one. Each still carries
# its themes (or none) as whole words, so a cross-engine comparison of the themed
# comments and the masked text catches a wrong matcher or e-mail masker.
TRICKY_COMMENTS = (
    "Support\twas really helpful.",
    "\tThe price\tis fair.\t",
    "The  price  went  up   again.",
    "Le «price» est trop élevé.",
    "«Support» répond vite, «onboarding» trop long.",
    "Please ask john.smith@example.com about the export error.",
    "Écrivez à maria.garcia@example.org: the training was très utile.",
    "(cc: ops@acme-1.example) Reports are slow.",
    "Straße, Zoë and Łukasz love the new feature.",
    "Die Einrichtung war schön — kein Fehler.",
    "日本語のコメント: support は速い。",
    'They said "fast", but reports are slow.',
    "Line one is fine.\nLine two: export fails with an error.",
    "First line.\r\nSecond line: the agent was helpful.",
    "12.5% more expensive than last year.",
    "   Support was slow.   ",
)



TRICKY_AT_LEAST = 2  # times each of TRICKY_COMMENTS appears (on top of the random ones)
SPAN_KEY = 10**7  # customer index * SPAN_KEY + date ordinal sorts spans by customer, day


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
    if r < P_WHITESPACE_COMMENT + P_TRICKY_COMMENT:
        return rng.choice(TRICKY_COMMENTS)
    if r < P_WHITESPACE_COMMENT + P_TRICKY_COMMENT + P_NO_THEME_COMMENT:
        return rng.choice(NO_THEME_COMMENTS)
    themes = rng.sample(THEMES, 2 if rng.random() < P_TWO_THEMES else 1)
    parts = []
    for theme in themes:
        good, bad = THEME_PHRASES[theme]
        tone = mood if mood != "neutral" else rng.choice(("good", "bad"))
        parts.append(rng.choice(good if tone == "good" else bad))
    return " ".join(parts)


def nps_scores(rng: np.random.Generator, happiness: np.ndarray) -> np.ndarray:
    n = len(happiness)
    score = np.clip(np.round(rng.normal(3.5 + 6.5 * happiness, 1.6)), 0, 10)
    return np.where(rng.random(n) < P_ANGRY_ANSWER, rng.integers(0, 4, n), score).astype(int)


def csat_scores(rng: np.random.Generator, happiness: np.ndarray,
                reopened: np.ndarray) -> np.ndarray:
    n = len(happiness)
    score = np.clip(np.round(rng.normal(2.2 + 3 * happiness - reopened, 0.9)), 1, 5)
    return np.where(rng.random(n) < P_ANGRY_ANSWER, 1, score).astype(int)


def response_columns(world: World, tickets: Tickets) -> dict[str, pa.Array]:
    """surveys.survey_responses, numbered R0000001... by response time."""
    assert tickets.first_solved is not None and tickets.solves is not None
    rng = np_rng(world.seed, "surveys")
    as_of_o, as_of_end = world.as_of.toordinal(), epoch_seconds(world.as_of_end)
    happiness = np.array([c.happiness for c in world.customers])

    # paid spans of every customer, flattened and sorted by (customer, start)
    span_lo, span_hi, owner, emails, first_paid = [], [], [], [], []
    for i, c in enumerate(world.customers):
        spans = c.paid_spans(world.as_of)
        for start, end in spans:
            span_lo.append(i * SPAN_KEY + start.toordinal())
            span_hi.append(i * SPAN_KEY + end.toordinal())
        if spans:
            for email in c.contacts:
                owner.append(i)
                emails.append(email)
                first_paid.append(spans[0][0].toordinal())
    lo_key, hi_key = np.array(span_lo, dtype=np.int64), np.array(span_hi, dtype=np.int64)

    def paying(who: np.ndarray, day: np.ndarray) -> np.ndarray:
        key = who * SPAN_KEY + day
        if not len(lo_key):
            return np.zeros(key.shape, dtype=bool)
        i = np.searchsorted(lo_key, key, side="right") - 1
        return (i >= 0) & (key < hi_key[np.maximum(i, 0)])

    # NPS: a wave every 80-100 days per contact, answered sometimes while paying
    who = np.array(owner, dtype=np.int64)
    n_contacts = len(who)
    waves = (as_of_o - world.history_start.toordinal()) // NPS_EVERY_DAYS[0] + 2
    gaps = rng.integers(NPS_EVERY_DAYS[0], NPS_EVERY_DAYS[1] + 1, (n_contacts, waves))
    gaps[:, 0] = rng.integers(45, 121, n_contacts)
    wave_day = np.array(first_paid, dtype=np.int64)[:, None] + np.cumsum(gaps, axis=1)
    contact_of = np.broadcast_to(np.arange(n_contacts)[:, None], wave_day.shape)
    answered = (wave_day <= as_of_o) & (rng.random(wave_day.shape) < P_NPS_ANSWER)
    answered &= paying(who[contact_of], wave_day)
    c_idx, d = contact_of[answered], wave_day[answered]
    when = day_seconds(d + rng.integers(0, 11, len(d))) + rng.integers(7, 20, len(d)) * 3600 \
        + rng.integers(0, 3600, len(d))
    keep = when <= as_of_end
    c_idx, when = c_idx[keep], when[keep]
    again = when + rng.integers(1, 8, len(when)) * DAY + (rng.random(len(when)) * 36000
                                                          ).astype(np.int64)
    same_month = (when.astype("datetime64[s]").astype("datetime64[M]")
                  == again.astype("datetime64[s]").astype("datetime64[M]"))
    twice = (rng.random(len(when)) < P_NPS_TWICE_IN_MONTH) & same_month & (again <= as_of_end)
    nps_contact = np.concatenate([c_idx, c_idx[twice]])
    nps_when = np.concatenate([when, again[twice]])
    nps_customer = who[nps_contact]
    nps_email = np.array(emails, dtype=object)[nps_contact] if n_contacts else \
        np.array([], dtype=object)
    nps_score = nps_scores(rng, happiness[nps_customer])

    # CSAT: after a ticket's first solve, sometimes twice
    solved = tickets.first_solved >= 0
    ask = np.flatnonzero(solved & (rng.random(len(tickets)) < P_CSAT_ANSWER))
    c_when = tickets.first_solved[ask] + (rng.uniform(10, 3 * 1440, len(ask)) * 60
                                          ).astype(np.int64)
    keep = c_when <= as_of_end
    ask, c_when = ask[keep], c_when[keep]
    c_again = c_when + (rng.uniform(60, 5 * 1440, len(ask)) * 60).astype(np.int64)
    twice = (rng.random(len(ask)) < P_CSAT_TWICE) & (c_again <= as_of_end)
    csat_ticket = np.concatenate([ask, ask[twice]])
    csat_when = np.concatenate([c_when, c_again[twice]])
    csat_customer = tickets.customer[csat_ticket]
    csat_score = csat_scores(rng, happiness[csat_customer], tickets.solves[csat_ticket] > 1)

    # together, numbered by (responded_at, customer, e-mail)
    n_nps = len(nps_when)
    customer = np.concatenate([nps_customer, csat_customer])
    when = np.concatenate([nps_when, csat_when])
    email = np.concatenate([nps_email, tickets.requester[csat_ticket]])
    is_nps = np.arange(len(when)) < n_nps
    score = np.concatenate([nps_score, csat_score])
    ticket = np.concatenate([np.full(n_nps, -1), csat_ticket])
    order = np.lexsort((email.astype(str), customer, when))
    customer, when, email = customer[order], when[order], email[order]
    is_nps, score, ticket = is_nps[order], score[order], ticket[order]

    text_rng = random.Random(f"{world.seed}:comments")
    comments = [make_comment(text_rng, sentiment("nps" if k else "csat", int(v)))
                for k, v in zip(is_nps.tolist(), score.tolist(), strict=True)]
    # every engine-sensitive comment at least twice, spread over the history
    written = [i for i, c in enumerate(comments) if c.strip()]
    wanted = min(len(written), TRICKY_AT_LEAST * len(TRICKY_COMMENTS))
    for k, i in enumerate(np.linspace(0, len(written) - 1, wanted).astype(int).tolist()):
        comments[written[i]] = TRICKY_COMMENTS[k % len(TRICKY_COMMENTS)]
    loaded = np.minimum(when + (rng.uniform(10, 24 * 60, len(when)) * 60).astype(np.int64),
                        as_of_end)
    n = len(when)
    return {
        "response_id": id_array("R", np.arange(1, n + 1), 7),
        "customer_id": pa.DictionaryArray.from_arrays(
            pa.array(customer.astype(np.int32)),
            pa.array([c.customer_id for c in world.customers])),
        "respondent_email": pa.array(email, pa.string()),
        "survey_type": pa.array(np.where(is_nps, "nps", "csat"), pa.string()),
        "score": pa.array(score.astype(str), pa.string()),
        "comment": pa.array(comments, pa.string()),
        "ticket_id": pa.DictionaryArray.from_arrays(
            pa.array(np.maximum(ticket, 0).astype(np.int32), mask=ticket < 0),
            tickets.ids()) if len(tickets) else pa.nulls(n, pa.string()),
        "responded_at": ts_array(rng, when),
        "_loaded_at": ts_array(rng, loaded),
    }
