"""Customer health score: worked example 12 and each component on its own.

One raw folder, one `dbt build`. Every customer pays from 2024-01 (or 2025-01) on one
open monthly period, so it is active at every month end; the month checked is
2025-02 (snapshot 2025-02-28) unless a test says otherwise; as_of is 2025-03-15.
Each "component alone" customer has data for one component only, so the others sit
at their neutral values (usage null without usage rows, support 100 without tickets,
sentiment null without answers, billing 100 without invoices, growth null without
business figures). Windows: 90 days ending 2025-02-28 = 2024-12-01 .. 2025-02-28;
180 days = 2024-09-02 .. 2025-02-28; stale = created on or before 2025-02-14.
"""

from __future__ import annotations

import pytest
from harness import RawFolder, Warehouse, build

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

AS_OF = "2025-03-15"
FEB = "2025-02-01"
# the staging layer and the conformed layer (the audit model reads both), then the mart
SELECT = "path:models/staging path:models/intermediate/conformed +kpi_customer_health_score"


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-4)


class Fixture:
    def __init__(self, raw: RawFolder) -> None:
        self.raw = raw
        self.n = 0

    def _id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n:04d}"

    def customer(self, customer_id: str, seats: int = 1, start: str = "2024-01-01",
                 segment: str = "smb", test: bool = False) -> None:
        self.raw.add("crm.customers", customer_id=customer_id, segment=segment,
                     is_test_account="true" if test else "false")
        self.raw.add("billing.subscriptions", subscription_id=f"S_{customer_id}",
                     customer_id=customer_id, started_at=start)
        self.raw.add("billing.subscription_periods",
                     subscription_period_id=f"P_{customer_id}",
                     subscription_id=f"S_{customer_id}", customer_id=customer_id,
                     amount="100", quantity=str(seats), period_start=start)

    def usage(self, customer_id: str, days: list[str], users: int) -> None:
        for day in days:
            self.raw.add("product.usage_daily", customer_id=customer_id, usage_date=day,
                         active_users=users)

    def ticket(self, customer_id: str, created: str, priority: str = "normal",
               statuses: list[tuple[str, str]] = ()) -> str:
        ticket_id = self._id("T")
        self.raw.add("support.tickets", ticket_id=ticket_id, customer_id=customer_id,
                     priority=priority, created_at=f"{created} 09:00:00")
        for at, status in statuses:
            self.raw.add("support.ticket_events", event_id=self._id("E"), ticket_id=ticket_id,
                         event_at=f"{at} 12:00:00", event_type="status_change",
                         new_status=status)
        return ticket_id

    def answer(self, customer_id: str, kind: str, score: int, at: str,
               ticket_id: str | None = None, email: str | None = None) -> None:
        self.raw.add("surveys.survey_responses", response_id=self._id("R"),
                     customer_id=customer_id, survey_type=kind, score=score,
                     ticket_id=ticket_id, responded_at=f"{at} 10:00:00",
                     respondent_email=email or f"{self.n}@{customer_id}.example")

    def invoice(self, customer_id: str, issued: str, due: str, status: str = "open",
                paid: str | None = None, amount: str = "100") -> None:
        self.raw.add("billing.invoices", invoice_id=self._id("I"), customer_id=customer_id,
                     amount=amount, issued_at=f"{issued} 08:00:00", due_date=due,
                     status=status, paid_at=f"{paid} 08:00:00" if paid else None)

    def employees(self, customer_id: str, as_of: str, count: int) -> None:
        self.raw.add("crm.customer_business_metrics", customer_id=customer_id,
                     as_of_date=as_of, employee_count=count)


FEB_DAYS = [f"2025-02-{d:02d}" for d in range(1, 29)]


def _example_12(f: Fixture, customer_id: str, with_growth: bool) -> None:
    f.customer(customer_id, seats=10, segment="enterprise")
    # usage: 6 active users every day of February -> 6 / 10 = 0.6 -> 100 * 0.6 / 0.8 = 75
    f.usage(customer_id, FEB_DAYS, 6)
    # support: 1 urgent + 2 normal in the 90 days, all solved -> 100 - 15 - 10 = 75
    urgent = f.ticket(customer_id, "2025-01-10", "urgent", [("2025-01-11", "solved")])
    normal = f.ticket(customer_id, "2025-01-20", "normal", [("2025-01-21", "solved")])
    f.ticket(customer_id, "2025-02-05", "normal", [("2025-02-06", "closed")])
    # sentiment: NPS 9 (promoter, 100) and CSAT 5, 3 (mean 4 -> 75) -> 87.5
    f.answer(customer_id, "nps", 9, "2025-02-10")
    f.answer(customer_id, "csat", 5, "2025-01-12", ticket_id=urgent)
    f.answer(customer_id, "csat", 3, "2025-01-22", ticket_id=normal)
    # billing: one invoice due 2025-02-04, unpaid -> 100 - 50 = 50
    f.invoice(customer_id, "2025-01-05", "2025-02-04")
    # growth: 100 -> 110 employees -> g = 0.1 -> 50 + 25 = 75
    if with_growth:
        f.employees(customer_id, "2024-02-15", 100)
    f.employees(customer_id, "2025-02-01", 110)


def _raw(root) -> RawFolder:
    raw = RawFolder(root)
    f = Fixture(raw)
    raw.add("crm.cs_reps", rep_id="CSM1")
    _example_12(f, "H12", with_growth=True)
    raw.add("crm.customer_owner_history", customer_id="H12", rep_id="CSM1",
            valid_from="2024-01-01 00:00:00")
    _example_12(f, "H12G", with_growth=False)

    # usage alone
    f.customer("U1", seats=5)  # 2 users on 14 days: 28 / 28 days = 1 -> 0.2 -> 25
    f.usage("U1", FEB_DAYS[::2], 2)
    f.customer("U2", seats=4)  # 4 users every day -> 1.0 -> capped at 100
    f.usage("U2", FEB_DAYS, 4)
    f.customer("U3", seats=4)  # never sent usage -> null
    f.customer("U4", seats=0)  # usage but no seats -> null
    f.usage("U4", FEB_DAYS, 4)
    f.customer("U5", seats=5)  # March (15 days to as_of): 3 users daily -> 0.6 -> 75
    f.usage("U5", [f"2025-03-{d:02d}" for d in range(1, 16)], 3)
    f.usage("U5", ["2025-03-20"], 50)  # after as_of: ignored
    f.usage("U5", ["2025-01-15"], 1)  # history exists in February (0 users there -> 0)

    # support alone
    f.customer("S1")  # a stale ticket older than 90 days (never solved) -> 100 - 20
    f.ticket("S1", "2024-06-01", "urgent", [("2024-06-01", "open")])
    f.customer("S2")  # an open ticket only 8 days old: not stale, normal -> 95
    f.ticket("S2", "2025-02-20", "normal")
    f.customer("S3")  # window edges: 2024-11-30 is out, 2024-12-01 in (low) -> 95
    f.ticket("S3", "2024-11-30", "high", [("2024-12-01", "solved")])
    f.ticket("S3", "2024-12-01", "low", [("2024-12-02", "solved")])
    f.customer("S4")  # solved in January, reopened 2025-02-10: stale at Feb's end
    f.ticket("S4", "2025-01-05", "normal",
             [("2025-01-06", "solved"), ("2025-02-10", "open")])
    f.customer("S5")  # created 2025-02-01, solved only 2025-03-05
    f.ticket("S5", "2025-02-01", "high", [("2025-03-05", "solved")])
    f.customer("S6")  # 8 urgent tickets -> 100 - 120 -> floor 0
    for day in range(1, 9):
        f.ticket("S6", f"2025-02-{day + 10:02d}", "urgent", [(f"2025-02-{day + 10:02d}",
                                                                "solved")])

    # sentiment alone
    f.customer("E1")  # NPS 10 in December, then 7 in January: latest (7) -> 50
    f.answer("E1", "nps", 10, "2024-12-10")
    f.answer("E1", "nps", 7, "2025-01-10")
    f.customer("E2")  # NPS 10 on 2024-09-01 (181 days back: out); CSAT 2 -> 25
    f.answer("E2", "nps", 10, "2024-09-01")
    t = f.ticket("E2", "2024-08-01", "low", [("2024-08-02", "solved")])
    f.answer("E2", "csat", 2, "2025-02-01", ticket_id=t)
    f.customer("E3")  # NPS 3 on 2024-09-02 (the window's first day) -> 0
    f.answer("E3", "nps", 3, "2024-09-02")
    f.customer("E4")  # one ticket's CSAT answered 1 then 5: counts once, as 5 -> 100
    t = f.ticket("E4", "2024-08-01", "low", [("2024-08-02", "solved")])
    f.answer("E4", "csat", 1, "2025-02-03", ticket_id=t)
    f.answer("E4", "csat", 5, "2025-02-04", ticket_id=t)

    # billing alone
    f.customer("B1", start="2025-01-01")  # paid after its month: overdue in Jan only
    f.invoice("B1", "2025-01-10", "2025-01-25", status="paid", paid="2025-02-05")
    f.customer("B2")  # uncollectible issued 2024-12-15 (in the 90 days) -> 0
    f.invoice("B2", "2024-12-15", "2025-01-15", status="uncollectible")
    # B3: uncollectible issued 2024-11-15 (out of the 90 days, but overdue) plus two
    # overdue open invoices: 3 overdue -> 100 - 150 -> floor 0
    f.customer("B3")
    f.invoice("B3", "2024-11-15", "2024-12-15", status="uncollectible")
    f.invoice("B3", "2025-01-01", "2025-01-31")
    f.invoice("B3", "2025-01-02", "2025-02-01")
    f.customer("B4")  # void, credit note, paid on the due date, not yet due -> 100
    f.invoice("B4", "2025-01-01", "2025-01-31", status="void")
    f.invoice("B4", "2025-01-01", "2025-01-31", amount="-50")
    f.invoice("B4", "2025-01-01", "2025-01-31", status="paid", paid="2025-01-31")
    f.invoice("B4", "2025-02-01", "2025-03-03")

    # growth alone
    f.customer("G1")  # 100 -> 90: g = -0.1 -> 50 - 25 = 25
    f.employees("G1", "2024-01-15", 100)
    f.employees("G1", "2025-01-15", 90)
    f.customer("G2")  # 50 -> 100: g = 1 -> 300 -> clamped to 100
    f.employees("G2", "2024-02-29", 50)
    f.employees("G2", "2025-02-28", 100)
    f.customer("G3")  # 0 employees a year ago -> null
    f.employees("G3", "2024-01-01", 0)
    f.employees("G3", "2025-01-01", 10)
    f.customer("G4")  # a single old figure serves both ends: g = 0 -> 50
    f.employees("G4", "2023-12-01", 40)
    f.employees("G4", "2025-03-16", 80)  # after as_of: ignored

    # band boundary: exactly 75 by hand, 74.99999999999999 in doubles (see the test)
    f.customer("N1", seats=10)
    f.usage("N1", FEB_DAYS, 6)  # 6 / 10 = 0.6 -> 75
    for day, priority in [("05", "urgent"), ("06", "urgent"), ("07", "normal"),
                          ("08", "normal"), ("09", "normal"), ("10", "normal")]:
        t = f.ticket("N1", f"2025-02-{day}", priority, [(f"2025-02-{day}", "solved")])
        if priority == "normal" and day != "10":
            f.answer("N1", "csat", 5 if day == "07" else 4, f"2025-02-{day}", ticket_id=t)
    f.employees("N1", "2024-02-15", 12)
    f.employees("N1", "2025-02-01", 13)

    # excluded: a test account
    f.customer("TEST", test=True)
    return raw


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    workdir = tmp_path_factory.mktemp("health")
    return build(_raw(workdir / "raw"), workdir, as_of=AS_OF, select=SELECT)


def score(wh: Warehouse, customer_id: str, month: str = FEB) -> dict[str, object]:
    return wh.one("select * from main.kpi_customer_health_score "
                  "where customer_id = ? and month = ?", [customer_id, month])


def f(value: object) -> float | None:
    return None if value is None else float(value)


def test_worked_example_12_health(wh: Warehouse) -> None:
    r = score(wh, "H12")
    assert (f(r["usage_score"]), f(r["support_score"]), f(r["sentiment_score"]),
            f(r["billing_score"]), f(r["growth_score"])) == (
        approx(75), approx(75), approx(87.5), approx(50), approx(75))
    # (35*75 + 20*75 + 20*87.5 + 15*50 + 10*75) / 100 = 7375 / 100 = 73.75
    assert f(r["health_score"]) == approx(73.75)
    assert r["health_band"] == "yellow"
    assert (r["segment"], r["cs_rep_id"]) == ("enterprise", "CSM1")
    # every component explained by the row itself
    assert (r["seats"], f(r["avg_active_users"]), f(r["seat_utilization"])) == (
        10, approx(6), approx(0.6))
    assert (r["tickets_90d"], r["high_urgent_tickets_90d"], r["low_normal_tickets_90d"],
            r["stale_tickets"]) == (3, 1, 2, 0)
    assert (r["latest_nps_score"], r["csat_responses_90d"], f(r["csat_mean_90d"])) == (
        9, 2, approx(4))
    assert (r["overdue_invoices"], r["has_uncollectible_90d"]) == (1, False)
    assert (r["employees_now"], r["employees_12m_ago"], f(r["employee_growth"])) == (
        110, 100, approx(0.1))
    assert f(r["weight_share_present"]) == approx(1)


def test_worked_example_12_health_without_growth(wh: Warehouse) -> None:
    r = score(wh, "H12G")
    assert r["growth_score"] is None
    assert r["employees_12m_ago"] is None
    # growth's weight (10) spread over the rest: (2625 + 1500 + 1750 + 750) / 90
    # = 6625 / 90 = 73.6111
    assert f(r["health_score"]) == approx(73.6111)
    assert f(r["weight_share_present"]) == approx(0.9)
    assert r["cs_rep_id"] == "unassigned"


@pytest.mark.parametrize("customer_id, month, expected, utilization", [
    ("U1", FEB, 25.0, 0.2),    # 28 user-days / 28 days / 5 seats = 0.2; 100 * 0.2 / 0.8
    ("U2", FEB, 100.0, 1.0),   # 4 / 4 = 1.0 >= 0.8 -> 100
    ("U3", FEB, None, None),   # never sent usage
    ("U4", FEB, None, None),   # no seats
    ("U5", "2025-03-01", 75.0, 0.6),  # 45 user-days / 15 days / 5 = 0.6 -> 75
    ("U5", FEB, 0.0, 0.0),     # history (January) but no usage in February -> 0
])
def test_health_usage_component(wh: Warehouse, customer_id: str, month: str,
                                expected: float | None, utilization: float | None) -> None:
    r = score(wh, customer_id, month)
    assert f(r["usage_score"]) == (None if expected is None else approx(expected))
    assert f(r["seat_utilization"]) == (None if utilization is None else approx(utilization))
    # alone: support 100, billing 100, the rest null
    assert (f(r["support_score"]), f(r["billing_score"]), r["sentiment_score"],
            r["growth_score"]) == (100, 100, None, None)
    if expected is None:
        # (20 * 100 + 15 * 100) / 35 = 100
        assert f(r["health_score"]) == approx(100)
    else:
        # (35 * u + 20 * 100 + 15 * 100) / 70
        assert f(r["health_score"]) == approx((35 * expected + 3500) / 70)


def test_health_usage_days_of_current_month(wh: Warehouse) -> None:
    r = score(wh, "U5", "2025-03-01")
    assert (r["usage_days"], f(r["avg_active_users"])) == (15, approx(3))


@pytest.mark.parametrize("customer_id, month, expected, counts", [
    # (tickets_90d, high/urgent, low/normal, stale)
    ("S1", FEB, 80.0, (0, 0, 0, 1)),        # stale ticket from 2024-06: 100 - 20
    ("S2", FEB, 95.0, (1, 0, 1, 0)),        # 8 days old: not stale; 100 - 5
    ("S3", FEB, 95.0, (1, 0, 1, 0)),        # 2024-11-30 out, 2024-12-01 in: 100 - 5
    ("S4", "2025-01-01", 95.0, (1, 0, 1, 0)),  # solved at January's end: 100 - 5
    ("S4", FEB, 75.0, (1, 0, 1, 1)),        # reopened 2025-02-10: 100 - 5 - 20
    ("S5", FEB, 65.0, (1, 1, 0, 1)),        # unsolved at Feb's end: 100 - 15 - 20
    ("S5", "2025-03-01", 85.0, (1, 1, 0, 0)),  # solved 2025-03-05 <= 03-15: 100 - 15
    ("S6", FEB, 0.0, (8, 8, 0, 0)),         # 100 - 8 * 15 = -20 -> floor 0
])
def test_health_support_component(wh: Warehouse, customer_id: str, month: str,
                                  expected: float, counts: tuple[int, ...]) -> None:
    r = score(wh, customer_id, month)
    assert f(r["support_score"]) == approx(expected)
    assert (r["tickets_90d"], r["high_urgent_tickets_90d"], r["low_normal_tickets_90d"],
            r["stale_tickets"]) == counts


def test_health_support_floor_band(wh: Warehouse) -> None:
    # S6: support 0, billing 100, rest null -> (20 * 0 + 15 * 100) / 35 = 42.857143 -> red
    r = score(wh, "S6")
    assert f(r["health_score"]) == approx(42.857143)
    assert r["health_band"] == "red"


@pytest.mark.parametrize("customer_id, expected, nps, csat_mean", [
    ("E1", 50.0, 7, None),      # latest of 10 (Dec) and 7 (Jan): passive -> 50
    ("E2", 25.0, None, 2.0),    # NPS 181 days back is out; CSAT (2 - 1) / 4 * 100 = 25
    ("E3", 0.0, 3, None),       # NPS 3 on the window's first day: detractor -> 0
    ("E4", 100.0, None, 5.0),   # CSAT 1 then 5 for one ticket: 5 -> 100
    ("U3", None, None, None),   # no answers: null
])
def test_health_sentiment_component(wh: Warehouse, customer_id: str, expected: float | None,
                                    nps: int | None, csat_mean: float | None) -> None:
    r = score(wh, customer_id)
    assert f(r["sentiment_score"]) == (None if expected is None else approx(expected))
    assert r["latest_nps_score"] == nps
    assert f(r["csat_mean_90d"]) == (None if csat_mean is None else approx(csat_mean))


@pytest.mark.parametrize("customer_id, month, expected, overdue, uncollectible", [
    ("B1", "2025-01-01", 50.0, 1, False),  # due 01-25, paid 02-05: overdue at 01-31
    ("B1", FEB, 100.0, 0, False),          # paid by 02-28
    ("B2", FEB, 0.0, 1, True),             # uncollectible issued 2024-12-15
    ("B3", FEB, 0.0, 3, False),            # 3 overdue -> 100 - 150 -> floor 0
    ("B4", FEB, 100.0, 0, False),          # void, credit note, paid on time, not due
])
def test_health_billing_component(wh: Warehouse, customer_id: str, month: str,
                                  expected: float, overdue: int, uncollectible: bool) -> None:
    r = score(wh, customer_id, month)
    assert f(r["billing_score"]) == approx(expected)
    assert (r["overdue_invoices"], r["has_uncollectible_90d"]) == (overdue, uncollectible)


def test_health_score_change(wh: Warehouse) -> None:
    jan, feb = score(wh, "B1", "2025-01-01"), score(wh, "B1", FEB)
    # January is B1's first month: no change. Support 100, billing 50:
    # (20 * 100 + 15 * 50) / 35 = 2750 / 35 = 78.571429 -> green (>= 75)
    assert jan["health_score_change"] is None
    assert f(jan["health_score"]) == approx(78.571429)
    assert jan["health_band"] == "green"
    # February: (2000 + 1500) / 35 = 100 -> green, change 100 - 78.571429
    assert f(feb["health_score"]) == approx(100)
    assert feb["health_band"] == "green"
    assert f(feb["health_score_change"]) == approx(21.428571)


def test_health_band_decided_on_the_score_rounded_to_6_decimals(wh: Warehouse) -> None:
    # N1 by hand: usage 75 (0.6 / 0.8); support 100 - 2 * 15 - 4 * 5 = 50; sentiment:
    # CSAT 5, 4, 4 -> mean 13/3 -> (13/3 - 1) / 4 * 100 = 250/3; billing 100 (no
    # invoices); growth 12 -> 13 employees: 50 + 250 / 12 = 425/6.
    # (35*75 + 20*50 + 20*250/3 + 15*100 + 10*425/6) / 100
    # = (2625 + 1000 + 5000/3 + 1500 + 2125/3) / 100 = (5125 + 2375) / 100 = 75 -> green.
    r = score(wh, "N1")
    assert (f(r["usage_score"]), f(r["support_score"]), f(r["sentiment_score"]),
            f(r["billing_score"]), f(r["growth_score"])) == (
        approx(75), approx(50), approx(250 / 3), approx(100), approx(425 / 6))
    assert abs(f(r["health_score"]) - 75) < 1e-9
    # In doubles the weighted mean comes out just below 75 (74.99999999999999):
    # the column stays unrounded, and this is what makes N1 a boundary case.
    assert f(r["health_score"]) < 75, "N1 no longer sits on the float boundary"
    assert r["health_band"] == "green"


@pytest.mark.parametrize("customer_id, expected, now, then", [
    ("G1", 25.0, 90, 100),    # g = -0.1 -> 50 - 25
    ("G2", 100.0, 100, 50),   # g = 1 -> 300 -> 100 (figure dated exactly M-12's end)
    ("G3", None, 10, 0),      # e0 = 0 -> null
    ("G4", 50.0, 40, 40),     # the same snapshot at both ends: g = 0 -> 50
    ("H12G", None, 110, None),
])
def test_health_growth_component(wh: Warehouse, customer_id: str, expected: float | None,
                                 now: int, then: int | None) -> None:
    r = score(wh, customer_id)
    assert f(r["growth_score"]) == (None if expected is None else approx(expected))
    assert (r["employees_now"], r["employees_12m_ago"]) == (now, then)


HEALTH_UNIT_TESTS = [
    "int_health_usage_scores_mean_daily_users_over_seats",
    "int_health_support_scores_points_per_ticket",
    "int_health_support_scores_reads_points_and_windows",
    "int_health_sentiment_scores_mean_of_nps_and_csat_parts",
    "int_health_billing_scores_overdue_and_uncollectible",
    "int_health_growth_scores_employee_growth_over_12_months",
    "int_health_growth_scores_reads_points_and_lookback",
    "kpi_customer_health_score_spreads_missing_weights",
    "health_score_bands_on_the_score_rounded_to_6_decimals",
]


@pytest.mark.parametrize("unit_test", HEALTH_UNIT_TESTS)
def test_health_unit_tests_ran_and_passed_in_the_build(wh: Warehouse, unit_test: str) -> None:
    # The component and mart unit tests (models/**/health/*unit_tests.yml) are part of
    # the same `dbt build`: each must have run, and passed.
    lines = [line for line in wh.dbt_output.splitlines() if f"::{unit_test}" in line]
    assert lines, f"unit test {unit_test} did not run"
    assert any("PASS" in line for line in lines), lines


def test_health_rows_only_for_active_non_test_customers(wh: Warehouse) -> None:
    customers = {r["customer_id"] for r in wh.query(
        "select distinct customer_id from main.kpi_customer_health_score")}
    assert "TEST" not in customers
    # B1 starts 2025-01: no row before; every other customer has 15 months
    # (2024-01 .. 2025-03)
    assert wh.one("select min(month) as m from main.kpi_customer_health_score "
                  "where customer_id = 'B1'")["m"].isoformat() == "2025-01-01"
    assert wh.one("select count(*) as n from main.kpi_customer_health_score "
                  "where customer_id = 'U1'")["n"] == 15


@pytest.fixture(scope="module")
def wh_vars(tmp_path_factory) -> Warehouse:
    workdir = tmp_path_factory.mktemp("health_vars")
    raw = RawFolder(workdir / "raw")
    fixture = Fixture(raw)
    _example_12(fixture, "H12", with_growth=True)
    # V1: support 100, billing 0 (uncollectible in the 90 days), the rest null
    fixture.customer("V1")
    fixture.invoice("V1", "2025-02-10", "2025-03-10", status="uncollectible")
    return build(raw, workdir, as_of=AS_OF, select=SELECT, dbt_vars={
        "target_seat_utilization": 0.6, "health_band_green_min": 80,
        "health_band_yellow_min": 60})


def test_health_vars_target_utilization_and_bands(wh_vars: Warehouse) -> None:
    r = score(wh_vars, "H12")
    # utilization 0.6 now meets the 0.6 target -> usage 100;
    # (35*100 + 20*75 + 20*87.5 + 15*50 + 10*75) / 100 = 8250 / 100 = 82.5 -> green (>= 80)
    assert f(r["usage_score"]) == approx(100)
    assert f(r["health_score"]) == approx(82.5)
    assert r["health_band"] == "green"
    # January: usage starts 2025-02-01, so January's usage is null; support: the
    # urgent (-15) and the first normal (-5) ticket -> 80; sentiment: CSAT 5, 3 -> 75
    # (the NPS comes in February); billing: the invoice is due 02-04, not yet
    # overdue -> 100; growth: January's M-12 snapshot is 2024-01-31, before the
    # 2024-02-15 figure, so null.
    # (20*80 + 20*75 + 15*100) / 55 = 4600 / 55 = 83.636364 -> green
    jan = score(wh_vars, "H12", "2025-01-01")
    assert (jan["usage_score"], f(jan["support_score"]), f(jan["sentiment_score"]),
            f(jan["billing_score"]), jan["growth_score"]) == (
        None, approx(80), approx(75), approx(100), None)
    assert f(jan["health_score"]) == approx(83.636364)
    # change Jan -> Feb: 82.5 - 83.636364 = -1.136364
    assert f(r["health_score_change"]) == approx(-1.136364)
    # V1: (20 * 100 + 15 * 0) / 35 = 57.142857: yellow by default (>= 50), red
    # with health_band_yellow_min 60
    v1 = score(wh_vars, "V1")
    assert f(v1["health_score"]) == approx(57.142857)
    assert v1["health_band"] == "red"
