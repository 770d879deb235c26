"""Voice of the customer and support: NPS, CSAT, first-contact resolution, feedback.

One raw folder holds every scenario, each in its own month (or its own customers),
so one `dbt build` serves the whole module; a second, smaller build re-runs FCR with
`fcr_include_zero_touch`. Expected values are worked out by hand from the spec
(kpi-definitions.md, worked examples 9-11) in the comments next to them.

Months (as_of 2024-06-15; billing starts 2024-01 so the spine is 2024-01..2024-06):
- 2024-01: NPS 0..10 once each (example 9a); CSAT 5,5,4,4,3,2,1,5,4,3 (example 10);
  FCR T1-T5 (example 11).
- 2024-02: NPS 100/30/80 (example 9b); a CSAT answered twice for one ticket and one
  answer without a ticket; FCR edge cases (notes, non-public reply, closed without
  solved, unsolved, solved after as_of).
- 2024-03: NPS accounts X (10, 9, 2) and Y (5) (example 9c); a CSAT ticket answered
  again in April.
- 2024-04: one respondent answering twice; the April CSAT re-answer.
- 2024-05: feedback comments (themes, sentiment).
- 2024-06: nothing but noise that must be ignored (after as_of, test accounts).
Customer BILL pays $100 a month from 2024-01 and has no other data: the only paying
and health-scored customer, for the scorecard.
"""

from __future__ import annotations

import pytest
from harness import RawFolder, Warehouse, build

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

AS_OF = "2024-06-15"
# All of staging: its tests (which come with the selection) read every stg model.
# The scorecard pulls in every KPI mart.
SELECT = (
    "path:models/staging path:models/intermediate/conformed +kpi_scorecard "
    "+kpi_customer_feedback_comments"
)


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-6)


# --------------------------------------------------------------------------- fixtures


def _customers(raw: RawFolder) -> None:
    # BILL only anchors the month spine (first billing month 2024-01).
    raw.add("crm.customers", customer_id="BILL", segment="smb")
    raw.add("billing.subscriptions", subscription_id="S_BILL", customer_id="BILL")
    raw.add("billing.subscription_periods", subscription_period_id="P_BILL",
            subscription_id="S_BILL", customer_id="BILL", amount="100",
            period_start="2024-01-01")
    for customer_id, segment in [
        ("N1", "smb"), ("N2", "mid_market"), ("X", "smb"), ("Y", "enterprise"),
        ("R", "mid_market"), ("CS", "smb"), ("F", "smb"), ("SUP", "enterprise"),
    ]:
        raw.add("crm.customers", customer_id=customer_id, segment=segment)
    raw.add("crm.customers", customer_id="TEST", segment="smb", is_test_account="yes")
    for rep_id in ["AG1", "AG2"]:
        raw.add("crm.cs_reps", rep_id=rep_id, team="support")


def _nps(raw: RawFolder) -> None:
    n = 0

    def answer(customer: str, email: str, score: int, at: str, comment: str | None = None):
        nonlocal n
        n += 1
        raw.add("surveys.survey_responses", response_id=f"NPS{n:04d}", customer_id=customer,
                respondent_email=email, survey_type="nps", score=score, responded_at=at,
                comment=comment)

    # Example 9a (2024-01): scores 0..10 once each, 11 people of customer N1.
    for score in range(11):
        answer("N1", f"p{score}@n1.example", score, f"2024-01-{10 + score:02d} 10:00:00")
    # Example 9b (2024-02): 100 promoters, 30 passives, 80 detractors (customer N2).
    for i in range(100):
        answer("N2", f"prom{i}@n2.example", 9 + i % 2, "2024-02-05 09:00:00")
    for i in range(30):
        answer("N2", f"pass{i}@n2.example", 7 + i % 2, "2024-02-06 09:00:00")
    for i in range(80):
        answer("N2", f"det{i}@n2.example", i % 7, "2024-02-07 09:00:00")
    # Example 9c (2024-03): account X (smb) answers 10, 9, 2 (three people),
    # Y (enterprise) answers 5.
    answer("X", "a@x.example", 10, "2024-03-03 08:00:00")
    answer("X", "b@x.example", 9, "2024-03-04 08:00:00")
    answer("X", "c@x.example", 2, "2024-03-05 08:00:00")
    answer("Y", "d@y.example", 5, "2024-03-06 08:00:00")
    # A respondent answering twice in 2024-04 (3, then 10; the e-mail differs only in
    # case and spaces, the same person), and once more in 2024-05 (0).
    answer("R", "Same@R.example", 3, "2024-04-02 08:00:00")
    answer("R", " same@r.example ", 10, "2024-04-20 08:00:00")
    answer("R", "same@r.example", 0, "2024-05-02 08:00:00")
    # Ignored: a test account (2024-04) and an answer after as_of (2024-06-16).
    answer("TEST", "t@test.example", 0, "2024-04-10 08:00:00")
    answer("R", "late@r.example", 0, "2024-06-16 08:00:00")


def _csat(raw: RawFolder) -> None:
    # Example 10 (2024-01): 5,5,4,4,3,2,1,5,4,3, one ticket each. Tickets C01-C05
    # belong to agent AG1 (chat), C06-C10 to AG2 (email). Every CSAT ticket is
    # created in 2023-12, before the month spine, so none of them counts in FCR.
    for i, score in enumerate([5, 5, 4, 4, 3, 2, 1, 5, 4, 3], start=1):
        ticket = f"C{i:02d}"
        raw.add("support.tickets", ticket_id=ticket, customer_id="CS",
                assignee_id="AG1" if i <= 5 else "AG2",
                channel="chat" if i <= 5 else "email", created_at="2023-12-20 10:00:00")
        raw.add("surveys.survey_responses", response_id=f"CSAT{i:02d}", customer_id="CS",
                survey_type="csat", score=score, ticket_id=ticket,
                responded_at=f"2024-01-{i + 10:02d} 12:00:00")
    # 2024-02: ticket C20 (AG1, phone) answered 1 then 5: counts once, as 5.
    # One answer without a ticket: score 2, agent and channel 'unknown'.
    raw.add("support.tickets", ticket_id="C20", customer_id="CS", assignee_id="AG1",
            channel="phone", created_at="2023-12-30 10:00:00")
    raw.add("surveys.survey_responses", response_id="CSAT20a", customer_id="CS",
            survey_type="csat", score=1, ticket_id="C20", responded_at="2024-02-03 12:00:00")
    raw.add("surveys.survey_responses", response_id="CSAT20b", customer_id="CS",
            survey_type="csat", score=5, ticket_id="C20", responded_at="2024-02-10 12:00:00")
    raw.add("surveys.survey_responses", response_id="CSAT21", customer_id="CS",
            survey_type="csat", score=2, responded_at="2024-02-11 12:00:00")
    # 2024-03 -> 2024-04: ticket C30 (unassigned, web) answered 2 in March, 4 in April:
    # the April answer replaces the March one, so March has no CSAT at all.
    raw.add("support.tickets", ticket_id="C30", customer_id="CS", channel="web",
            created_at="2023-12-31 10:00:00")
    raw.add("surveys.survey_responses", response_id="CSAT30a", customer_id="CS",
            survey_type="csat", score=2, ticket_id="C30", responded_at="2024-03-20 12:00:00")
    raw.add("surveys.survey_responses", response_id="CSAT30b", customer_id="CS",
            survey_type="csat", score=4, ticket_id="C30", responded_at="2024-04-02 12:00:00")


def _fcr(raw: RawFolder) -> None:
    n = 0

    def ticket(ticket_id: str, created: str, assignee: str | None, channel: str,
               events: list[tuple[str, str] | tuple[str, str, str]],
               customer: str = "SUP") -> None:
        """events: (type, time) or (type, time, new_status/'private')."""
        nonlocal n
        raw.add("support.tickets", ticket_id=ticket_id, customer_id=customer,
                assignee_id=assignee, channel=channel, created_at=created)
        for event in events:
            n += 1
            kind, at = event[0], event[1]
            extra = event[2] if len(event) > 2 else None
            raw.add("support.ticket_events", event_id=f"E{n:04d}", ticket_id=ticket_id,
                    event_at=at, event_type=kind,
                    actor_id=None if kind == "customer_message" else assignee,
                    is_public="false" if kind == "internal_note" or extra == "private"
                    else "true",
                    new_status=extra if kind == "status_change" else None)

    msg, reply, note, status = "customer_message", "agent_reply", "internal_note", \
        "status_change"
    # Example 11 (created 2024-01).
    ticket("T1", "2024-01-02 09:00:00", "AG1", "chat", [
        (msg, "2024-01-02 09:00:00"), (reply, "2024-01-02 10:00:00"),
        (status, "2024-01-02 10:05:00", "solved")])
    ticket("T2", "2024-01-03 09:00:00", "AG1", "email", [
        (msg, "2024-01-03 09:00:00"), (status, "2024-01-03 11:00:00", "solved")])
    ticket("T3", "2024-01-04 09:00:00", "AG1", "chat", [
        (msg, "2024-01-04 09:00:00"), (reply, "2024-01-04 10:00:00"),
        (msg, "2024-01-04 11:00:00"), (reply, "2024-01-04 12:00:00"),
        (status, "2024-01-04 12:01:00", "solved")])
    ticket("T4", "2024-01-05 09:00:00", "AG2", "chat", [
        (msg, "2024-01-05 09:00:00"), (reply, "2024-01-05 10:00:00"),
        (status, "2024-01-05 10:01:00", "solved"), (msg, "2024-01-08 09:00:00"),
        (status, "2024-01-08 09:00:01", "open"), (reply, "2024-01-08 10:00:00"),
        (status, "2024-01-08 10:01:00", "solved")])
    ticket("T5", "2024-01-06 09:00:00", "AG2", "email", [
        (msg, "2024-01-06 09:00:00"), (reply, "2024-01-06 10:00:00"),
        (msg, "2024-01-06 11:00:00"), (status, "2024-01-06 12:00:00", "solved")])
    # Edge cases (created 2024-02).
    # T6: an internal note and a non-public reply, then solved: zero touches.
    ticket("T6", "2024-02-02 09:00:00", "AG1", "email", [
        (msg, "2024-02-02 09:00:00"), (note, "2024-02-02 09:30:00"),
        (reply, "2024-02-02 09:40:00", "private"), (status, "2024-02-02 10:00:00", "solved")])
    # T7: one public reply plus an internal note, solved: one touch, resolved.
    ticket("T7", "2024-02-03 09:00:00", "AG1", "email", [
        (msg, "2024-02-03 09:00:00"), (note, "2024-02-03 09:10:00"),
        (reply, "2024-02-03 09:20:00"), (status, "2024-02-03 09:30:00", "solved")])
    # T8: closed without ever being 'solved': solved, one touch, resolved. A later
    # closed -> solved change is not a reopen.
    ticket("T8", "2024-02-04 09:00:00", "AG2", "phone", [
        (msg, "2024-02-04 09:00:00"), (reply, "2024-02-04 09:20:00"),
        (status, "2024-02-04 09:30:00", "closed"), (status, "2024-02-05 09:30:00", "solved")])
    # T9: unassigned, one reply, never solved.
    ticket("T9", "2024-02-05 09:00:00", None, "web", [
        (msg, "2024-02-05 09:00:00"), (reply, "2024-02-05 09:20:00")])
    # T10: one reply, solved only after as_of: unsolved.
    ticket("T10", "2024-02-06 09:00:00", "AG2", "email", [
        (msg, "2024-02-06 09:00:00"), (reply, "2024-02-06 09:20:00"),
        (status, "2024-06-16 09:30:00", "solved")])
    # Ignored: a test account's ticket (2024-02) and a ticket created after as_of.
    ticket("T_TEST", "2024-02-07 09:00:00", "AG1", "email", [
        (reply, "2024-02-07 09:20:00"), (status, "2024-02-07 09:30:00", "solved")],
        customer="TEST")
    ticket("T_LATE", "2024-06-20 09:00:00", "AG1", "email", [])


# Comments of 2024-05 (customer F): (id, type, score, comment)
COMMENTS = [
    # pricing + performance; NPS 9 -> positive
    ("FB1", "nps", 9, "The PRICE is fine but the app is slow."),
    # no whole-word keyword ('reprice', 'slowly', 'pricé' contain keywords but are
    # other words) -> other; NPS 7 -> neutral
    ("FB2", "nps", 7, "Keep it up, we reprice slowly (pricé)"),
    # pricing only ('Prices!'); CSAT 2 -> negative
    ("FB3", "csat", 2, "Prices! and my mail is jane.doe@corp.example"),
    # pricing via the phrase 'value for money' across a line break; CSAT 3 -> neutral
    ("FB4", "csat", 3, "good Value\nfor money"),
    # no theme: 'value for' and 'response' open the phrases 'value for money' and
    # 'response time' but are not them; NPS 3 -> negative
    ("FB5", "nps", 3, "meh: the value for us is low, no response yet"),
    # whitespace-only comments (spaces; tabs and a line break): not comments
    ("FB6", "nps", 10, "   "),
    ("FB7", "csat", 5, "\t\r\n\t"),
]


def _feedback(raw: RawFolder) -> None:
    for i, (response_id, kind, score, comment) in enumerate(COMMENTS):
        raw.add("surveys.survey_responses", response_id=response_id, customer_id="F",
                respondent_email=f"f{i}@f.example", survey_type=kind, score=score,
                comment=comment, responded_at=f"2024-05-{10 + i:02d} 12:00:00")
    # Ignored: a test account's comment in May.
    raw.add("surveys.survey_responses", response_id="FB_TEST", customer_id="TEST",
            survey_type="nps", score=0, comment="terrible price",
            responded_at="2024-05-20 12:00:00")


def _raw(root) -> RawFolder:
    raw = RawFolder(root)
    _customers(raw)
    _nps(raw)
    _csat(raw)
    _fcr(raw)
    _feedback(raw)
    return raw


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    workdir = tmp_path_factory.mktemp("voc")
    return build(_raw(workdir / "raw"), workdir, as_of=AS_OF, select=SELECT)


@pytest.fixture(scope="module")
def wh_zero_touch(tmp_path_factory) -> Warehouse:
    workdir = tmp_path_factory.mktemp("voc_zero_touch")
    return build(_raw(workdir / "raw"), workdir, as_of=AS_OF,
                 select=("path:models/staging path:models/intermediate/conformed "
                         "+kpi_first_contact_resolution"),
                 dbt_vars={"fcr_include_zero_touch": True})


def row(wh: Warehouse, table: str, month: str, dimension: str = "overall",
        value: str = "all") -> dict[str, object]:
    return wh.one(
        f"select * from main.{table} where month = ? and dimension = ? "
        "and dimension_value = ?", [month, dimension, value])


# --------------------------------------------------------------------------- NPS


def test_worked_example_9_nps_scores_0_to_10(wh: Warehouse) -> None:
    r = row(wh, "kpi_net_promoter_score", "2024-01-01")
    # promoters {9, 10} = 2, passives {7, 8} = 2, detractors {0..6} = 7;
    # nps = 100 * (2 - 7) / 11 = -45.454545
    assert (r["responses"], r["promoters"], r["passives"], r["detractors"]) == (11, 2, 2, 7)
    assert float(r["nps"]) == approx(-45.454545)
    # one account (N1) with mean 5 -> detractor account -> account NPS -100
    assert r["accounts_responding"] == 1
    assert float(r["account_nps"]) == approx(-100)


def test_worked_example_9_nps_100_30_80(wh: Warehouse) -> None:
    r = row(wh, "kpi_net_promoter_score", "2024-02-01")
    # 100 * (100 - 80) / 210 = 9.523810
    assert (r["responses"], r["promoters"], r["passives"], r["detractors"]) == (
        210, 100, 30, 80)
    assert float(r["nps"]) == approx(9.523810)


def test_worked_example_9_account_nps(wh: Warehouse) -> None:
    r = row(wh, "kpi_net_promoter_score", "2024-03-01")
    # respondents 10, 9, 2, 5: promoters 2, detractors 2 -> 100 * 0 / 4 = 0
    assert (r["responses"], r["promoters"], r["detractors"]) == (4, 2, 2)
    assert float(r["nps"]) == approx(0)
    # X mean (10 + 9 + 2) / 3 = 7 -> passive; Y 5 -> detractor:
    # account NPS = 100 * (0 - 1) / 2 = -50
    assert r["accounts_responding"] == 2
    assert (r["promoter_accounts"], r["passive_accounts"], r["detractor_accounts"]) == (
        0, 1, 1)
    assert float(r["account_nps"]) == approx(-50)


def test_nps_segment_slices(wh: Warehouse) -> None:
    smb = row(wh, "kpi_net_promoter_score", "2024-03-01", "segment", "smb")
    # smb = X: 10, 9, 2 -> 100 * (2 - 1) / 3 = 33.333333; account X passive -> 0
    assert smb["responses"] == 3
    assert float(smb["nps"]) == approx(33.333333)
    assert float(smb["account_nps"]) == approx(0)
    ent = row(wh, "kpi_net_promoter_score", "2024-03-01", "segment", "enterprise")
    # enterprise = Y: 5 -> -100
    assert float(ent["nps"]) == approx(-100)
    # mid_market had no answer in 2024-03: the row exists with zeros and null NPS
    mid = row(wh, "kpi_net_promoter_score", "2024-03-01", "segment", "mid_market")
    assert (mid["responses"], mid["nps"], mid["account_nps"]) == (0, None, None)
    # segments: every segment of a non-test customer, every month (6 months x 3)
    segments = wh.query(
        "select distinct dimension_value from main.kpi_net_promoter_score "
        "where dimension = 'segment' order by 1")
    assert [s["dimension_value"] for s in segments] == ["enterprise", "mid_market", "smb"]
    assert wh.one("select count(*) as n from main.kpi_net_promoter_score")["n"] == 6 * 4


def test_nps_respondent_answering_twice_in_a_month(wh: Warehouse) -> None:
    # R answered 3 then 10 in 2024-04 (same e-mail up to case and spaces): only the
    # latest (10) counts -> 1 response, 1 promoter, NPS 100. The test account's 0
    # is ignored.
    r = row(wh, "kpi_net_promoter_score", "2024-04-01")
    assert (r["responses"], r["promoters"], r["detractors"]) == (1, 1, 0)
    assert float(r["nps"]) == approx(100)
    # In 2024-05 the same person answers again (0): a new month, counted again.
    # May also holds the feedback answers FB1 (9), FB2 (7), FB5 (3), FB6 (10):
    # promoters 9, 10 = 2; passive 7; detractors 0, 3 = 2 -> 100 * 0 / 5 = 0
    may = row(wh, "kpi_net_promoter_score", "2024-05-01")
    assert (may["responses"], may["promoters"], may["passives"], may["detractors"]) == (
        5, 2, 1, 2)


def test_nps_month_without_answers_and_after_as_of(wh: Warehouse) -> None:
    # 2024-06 only has an answer dated after as_of (2024-06-16): no responses.
    r = row(wh, "kpi_net_promoter_score", "2024-06-01")
    assert (r["responses"], r["nps"], r["is_complete_month"]) == (0, None, False)


# --------------------------------------------------------------------------- CSAT


def test_worked_example_10_csat(wh: Warehouse) -> None:
    r = row(wh, "kpi_customer_satisfaction", "2024-01-01")
    # satisfied (>= 4): 5,5,4,4,5,4 = 6 of 10 -> 0.60; mean 36 / 10 = 3.6
    assert (r["responses"], r["satisfied_responses"]) == (10, 6)
    assert float(r["csat_rate"]) == approx(0.6)
    assert float(r["avg_score"]) == approx(3.6)


def test_csat_agent_and_channel_slices(wh: Warehouse) -> None:
    # AG1 / chat: 5,5,4,4,3 -> 4 of 5 = 0.8, mean 21 / 5 = 4.2
    # AG2 / email: 2,1,5,4,3 -> 2 of 5 = 0.4, mean 15 / 5 = 3.0
    for dimension, ag1, ag2 in [("support_agent", "AG1", "AG2"),
                                ("channel", "chat", "email")]:
        a = row(wh, "kpi_customer_satisfaction", "2024-01-01", dimension, ag1)
        b = row(wh, "kpi_customer_satisfaction", "2024-01-01", dimension, ag2)
        assert (a["responses"], float(a["csat_rate"]), float(a["avg_score"])) == (
            5, approx(0.8), approx(4.2))
        assert (b["responses"], float(b["csat_rate"]), float(b["avg_score"])) == (
            5, approx(0.4), approx(3.0))


def test_csat_answered_twice_for_one_ticket(wh: Warehouse) -> None:
    # 2024-02: C20 answered 1 then 5 -> counts once as 5 (satisfied); the answer
    # without a ticket scores 2. responses 2, satisfied 1 -> 0.5, mean (5 + 2) / 2
    r = row(wh, "kpi_customer_satisfaction", "2024-02-01")
    assert (r["responses"], r["satisfied_responses"]) == (2, 1)
    assert float(r["csat_rate"]) == approx(0.5)
    assert float(r["avg_score"]) == approx(3.5)
    ag1 = row(wh, "kpi_customer_satisfaction", "2024-02-01", "support_agent", "AG1")
    assert (ag1["responses"], float(ag1["avg_score"])) == (1, approx(5))
    unknown = row(wh, "kpi_customer_satisfaction", "2024-02-01", "support_agent", "unknown")
    assert (unknown["responses"], float(unknown["csat_rate"])) == (1, approx(0))
    phone = row(wh, "kpi_customer_satisfaction", "2024-02-01", "channel", "phone")
    assert phone["responses"] == 1
    assert row(wh, "kpi_customer_satisfaction", "2024-02-01", "channel", "unknown")[
        "responses"] == 1


def test_csat_reanswer_in_a_later_month_replaces_the_earlier(wh: Warehouse) -> None:
    # C30 answered 2 in March and 4 in April: one rating, counted in April.
    march = row(wh, "kpi_customer_satisfaction", "2024-03-01")
    assert (march["responses"], march["csat_rate"], march["avg_score"]) == (0, None, None)
    april = row(wh, "kpi_customer_satisfaction", "2024-04-01")
    assert (april["responses"], float(april["csat_rate"])) == (1, approx(1))
    # the unassigned web ticket falls in agent 'unknown', channel 'web'
    assert row(wh, "kpi_customer_satisfaction", "2024-04-01", "support_agent",
               "unknown")["responses"] == 1
    assert row(wh, "kpi_customer_satisfaction", "2024-04-01", "channel", "web")[
        "responses"] == 1
    # agent/channel rows only where the month has answers: none in March
    assert wh.query("select * from main.kpi_customer_satisfaction "
                    "where month = '2024-03-01' and dimension <> 'overall'") == []


# --------------------------------------------------------------------------- FCR


def test_worked_example_11_fcr(wh: Warehouse) -> None:
    r = row(wh, "kpi_first_contact_resolution", "2024-01-01")
    # solved T1..T5; zero-touch T2; resolved on first contact T1, T5 (T3 two
    # touches, T4 reopened) -> 2 / (5 - 1) = 0.50; of created 2 / 5 = 0.40
    assert (r["tickets_created"], r["tickets_solved"], r["zero_touch_tickets"],
            r["first_contact_resolved"]) == (5, 5, 1, 2)
    assert float(r["fcr_rate"]) == approx(0.5)
    assert float(r["fcr_rate_of_created"]) == approx(0.4)


def test_worked_example_11_fcr_with_zero_touch(wh_zero_touch: Warehouse) -> None:
    r = row(wh_zero_touch, "kpi_first_contact_resolution", "2024-01-01")
    # T2 (zero touch, not reopened) now counts as resolved: 3 / 5 = 0.60
    assert (r["tickets_solved"], r["zero_touch_tickets"], r["first_contact_resolved"]) == (
        5, 1, 3)
    assert float(r["fcr_rate"]) == approx(0.6)
    assert float(r["fcr_rate_of_created"]) == approx(0.6)
    # 2024-02: T6 (zero touch) joins T7, T8: 3 / 3 solved = 1.0; of created 3 / 5
    feb = row(wh_zero_touch, "kpi_first_contact_resolution", "2024-02-01")
    assert feb["first_contact_resolved"] == 3
    assert float(feb["fcr_rate"]) == approx(1.0)
    assert float(feb["fcr_rate_of_created"]) == approx(0.6)


def test_fcr_slices(wh: Warehouse) -> None:
    # AG1: T1 (resolved), T2 (zero touch), T3 (2 touches) -> 1 / (3 - 1) = 0.5
    ag1 = row(wh, "kpi_first_contact_resolution", "2024-01-01", "support_agent", "AG1")
    assert (ag1["tickets_solved"], ag1["zero_touch_tickets"], ag1["first_contact_resolved"],
            float(ag1["fcr_rate"])) == (3, 1, 1, approx(0.5))
    # AG2: T4 (reopened), T5 (resolved) -> 1 / 2 = 0.5
    ag2 = row(wh, "kpi_first_contact_resolution", "2024-01-01", "support_agent", "AG2")
    assert (ag2["tickets_solved"], ag2["first_contact_resolved"], float(ag2["fcr_rate"])) == (
        2, 1, approx(0.5))
    # chat: T1 (resolved), T3, T4 -> 1 / 3; email: T2 (zero touch), T5 -> 1 / (2 - 1) = 1
    chat = row(wh, "kpi_first_contact_resolution", "2024-01-01", "channel", "chat")
    assert float(chat["fcr_rate"]) == approx(1 / 3)
    email = row(wh, "kpi_first_contact_resolution", "2024-01-01", "channel", "email")
    assert float(email["fcr_rate"]) == approx(1.0)


def test_fcr_notes_private_replies_closed_unsolved(wh: Warehouse) -> None:
    touches = {r["ticket_id"]: r for r in wh.query("select * from main.int_ticket_touches")}
    # internal note and non-public reply are not touches
    assert (touches["T6"]["touches"], touches["T6"]["is_zero_touch"]) == (0, True)
    assert touches["T7"]["touches"] == 1
    # reopened ticket: one touch before the first solve, reopened
    assert (touches["T4"]["touches"], touches["T4"]["is_reopened"]) == (1, True)
    # closed without 'solved' is solved; closed -> solved is not a reopen
    assert (touches["T8"]["is_solved"], touches["T8"]["is_reopened"],
            touches["T8"]["is_first_contact_resolved"]) == (True, False, True)
    # solved only after as_of: unsolved
    assert touches["T10"]["is_solved"] is False
    # test account and future tickets are out
    assert "T_TEST" not in touches and "T_LATE" not in touches
    r = row(wh, "kpi_first_contact_resolution", "2024-02-01")
    # created T6..T10 = 5; solved T6, T7, T8 = 3; zero touch T6; resolved T7, T8
    # -> 2 / (3 - 1) = 1.0; of created 2 / 5 = 0.4
    assert (r["tickets_created"], r["tickets_solved"], r["zero_touch_tickets"],
            r["first_contact_resolved"]) == (5, 3, 1, 2)
    assert float(r["fcr_rate"]) == approx(1.0)
    assert float(r["fcr_rate_of_created"]) == approx(0.4)
    # the unassigned T9 is agent 'unknown'
    unknown = row(wh, "kpi_first_contact_resolution", "2024-02-01", "support_agent",
                  "unknown")
    assert (unknown["tickets_created"], unknown["tickets_solved"],
            unknown["fcr_rate"]) == (1, 0, None)


def test_fcr_month_without_tickets(wh: Warehouse) -> None:
    r = row(wh, "kpi_first_contact_resolution", "2024-03-01")
    assert (r["tickets_created"], r["fcr_rate"], r["fcr_rate_of_created"]) == (0, None, None)
    assert wh.query("select * from main.kpi_first_contact_resolution "
                    "where month = '2024-03-01' and dimension <> 'overall'") == []


# --------------------------------------------------------------------------- feedback


def test_feedback_themes_and_sentiment(wh: Warehouse) -> None:
    themes = {
        r["theme"]: r for r in wh.query(
            "select * from main.kpi_customer_feedback where month = '2024-05-01'")
    }
    # comments FB1..FB5 (FB6, FB7 are whitespace only; the test account's is ignored)
    # FB1 pricing+performance (positive), FB2 other (neutral), FB3 pricing
    # (negative), FB4 pricing (neutral), FB5 other (negative)
    assert set(themes) == {"all", "pricing", "performance", "other"}
    assert themes["all"]["comments"] == 5
    # all: positive 1, neutral 2, negative 2 -> (1 - 2) / 5 = -0.2
    assert (themes["all"]["positive_comments"], themes["all"]["neutral_comments"],
            themes["all"]["negative_comments"]) == (1, 2, 2)
    assert float(themes["all"]["net_sentiment"]) == approx(-0.2)
    assert float(themes["all"]["theme_share"]) == approx(1)
    # pricing: FB1, FB3, FB4 -> share 3 / 5 = 0.6; (1 - 1) / 3 = 0
    pricing = themes["pricing"]
    assert (pricing["comments"], pricing["positive_comments"], pricing["neutral_comments"],
            pricing["negative_comments"]) == (3, 1, 1, 1)
    assert float(pricing["theme_share"]) == approx(0.6)
    assert float(pricing["net_sentiment"]) == approx(0)
    # performance: FB1 -> share 1 / 5 = 0.2, sentiment (1 - 0) / 1 = 1
    assert float(themes["performance"]["theme_share"]) == approx(0.2)
    assert float(themes["performance"]["net_sentiment"]) == approx(1)
    # other: FB2 (neutral), FB5 (negative) -> 2 / 5 = 0.4; (0 - 1) / 2 = -0.5
    assert float(themes["other"]["theme_share"]) == approx(0.4)
    assert float(themes["other"]["net_sentiment"]) == approx(-0.5)


def test_feedback_drill_down(wh: Warehouse) -> None:
    rows = wh.query(
        "select response_id, theme, sentiment, customer_id, theme_count, comment "
        "from main.kpi_customer_feedback_comments where month = '2024-05-01' "
        "order by response_id, theme")
    assert [(r["response_id"], r["theme"], r["sentiment"], r["theme_count"]) for r in rows] == [
        ("FB1", "performance", "positive", 2),
        ("FB1", "pricing", "positive", 2),
        ("FB2", "other", "neutral", 0),
        ("FB3", "pricing", "negative", 1),
        ("FB4", "pricing", "neutral", 1),
        ("FB5", "other", "negative", 0),
    ]
    assert {r["customer_id"] for r in rows} == {"F"}
    fb3 = next(r for r in rows if r["response_id"] == "FB3")
    assert fb3["comment"] == "Prices! and my mail is [email]"
    columns = {r["column_name"] for r in wh.query(
        "select column_name from information_schema.columns "
        "where table_name = 'kpi_customer_feedback_comments'")}
    assert not columns & {"respondent_id", "respondent_email", "customer_name"}


def test_feedback_month_without_comments(wh: Warehouse) -> None:
    r = wh.one("select * from main.kpi_customer_feedback "
               "where month = '2024-06-01' and theme = 'all'")
    assert (r["comments"], r["theme_share"], r["net_sentiment"]) == (0, None, None)


# --------------------------------------------------------------------------- scorecard


def test_scorecard_headlines(wh: Warehouse) -> None:
    rows = {r["month"].isoformat(): r for r in wh.query("select * from main.kpi_scorecard")}
    assert sorted(rows) == [f"2024-{m:02d}-01" for m in range(1, 7)]
    jan, feb, may = rows["2024-01-01"], rows["2024-02-01"], rows["2024-05-01"]
    # the VoC headlines, as worked out above
    assert float(jan["nps"]) == approx(-45.454545)
    assert float(jan["csat_rate"]) == approx(0.6)
    assert float(jan["fcr_rate"]) == approx(0.5)
    assert float(feb["csat_rate"]) == approx(0.5)
    assert (may["feedback_comments"], float(may["net_sentiment"])) == (5, approx(-0.2))
    # BILL: $100 MRR -> ARR 1,200, 1 paying customer; active at the start and end of
    # February -> churn 0 / 1 = 0, retention 1; no customers at January's start -> null
    assert (float(jan["mrr_end"]), float(jan["arr_end"]), jan["paying_customers_end"]) == (
        100, 1200, 1)
    assert jan["customer_churn_rate"] is None
    assert (float(feb["customer_churn_rate"]), float(feb["customer_retention_rate"])) == (0, 1)
    # health: BILL alone, support 100 and billing 100, the rest null -> 100, green
    assert (jan["customers_scored"], float(jan["avg_health_score"]),
            float(jan["green_health_share"]), float(jan["red_health_share"])) == (
        1, approx(100), approx(1), approx(0))
    assert rows["2024-06-01"]["is_complete_month"] is False


def test_rates_are_unrounded(wh: Warehouse) -> None:
    # Marts hold unrounded values (kpi-definitions.md): a ratio is a double, not
    # a decimal cut at 6 places. The January fixture has 10 answers, 6 satisfied.
    r = row(wh, "kpi_customer_satisfaction", "2024-01-01")
    assert isinstance(r["csat_rate"], float)
    assert r["csat_rate"] == 6 / 10
