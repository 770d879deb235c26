"""Tests for the demo data generator (cskpi.demo).

The generator is the project's stand-in for real raw data, so these tests read like the
brief: the files follow the contract, the same seed gives the same bytes, and every edge
case the KPI definitions care about is present in the default 600-customer run.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from cskpi.contract import BY_NAME, RAW_TABLES
from cskpi.demo import DEMO_AS_OF, generate
from cskpi.demo.cli import main
from cskpi.demo.world import add_months

AS_OF = date.fromisoformat(DEMO_AS_OF)
AS_OF_END = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 23, 59, 59)
TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}
Rows = list[dict[str, str]]


# ----------------------------------------------------------------------------- helpers
def read(folder: Path, table: str) -> Rows:
    t = BY_NAME[table]
    with (folder / t.system / f"{t.name}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ts(value: str) -> datetime | None:
    """Parses both timestamp spellings of the contract; None when empty or invalid."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.removesuffix("Z").replace("T", " "))
    except ValueError:
        return None


def day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def boolean(value: str) -> bool | None:
    v = value.strip().lower()
    return True if v in TRUE else False if v in FALSE else None


def number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def month(d: date) -> tuple[int, int]:
    return d.year, d.month


def months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


class Demo:
    """One generated folder, its tables read lazily."""

    def __init__(self, folder: Path, counts: dict[str, int]) -> None:
        self.folder, self.counts = folder, counts
        self._cache: dict[str, Rows] = {}

    def __getitem__(self, table: str) -> Rows:
        if table not in self._cache:
            self._cache[table] = read(self.folder, table)
        return self._cache[table]

    @property
    def customer_ids(self) -> set[str]:
        return {r["customer_id"] for r in self["crm.customers"]}

    def periods(self) -> Rows:
        """Subscription periods that parse, of known subscriptions, latest copy per key."""
        subs = {r["subscription_id"] for r in self["billing.subscriptions"]}
        latest: dict[str, dict[str, str]] = {}
        for r in self["billing.subscription_periods"]:
            ok = (number(r["amount"]) is not None and number(r["amount"]) >= 0
                  and boolean(r["is_trial"]) is not None and day(r["period_start"])
                  and (not r["period_end"] or day(r["period_end"]))
                  and r["subscription_id"] in subs and r["quantity"].isdigit()
                  and r["billing_interval"] in ("month", "quarter", "year")
                  and r["currency"].upper() in ("USD", "EUR", "GBP"))
            if ok:
                key = r["subscription_period_id"]
                if key not in latest or ts(r["_loaded_at"]) > ts(latest[key]["_loaded_at"]):
                    latest[key] = r
        return list(latest.values())

    def periods_by_subscription(self) -> dict[str, Rows]:
        by_sub: dict[str, Rows] = defaultdict(list)
        for p in self.periods():
            by_sub[p["subscription_id"]].append(p)
        for ps in by_sub.values():
            ps.sort(key=lambda p: p["period_start"])
        return by_sub

    def subscriptions(self) -> dict[str, dict[str, str]]:
        latest: dict[str, dict[str, str]] = {}
        for r in self["billing.subscriptions"]:
            if r["customer_id"] not in self.customer_ids or not day(r["started_at"]):
                continue
            key = r["subscription_id"]
            if key not in latest or ts(r["_loaded_at"]) > ts(latest[key]["_loaded_at"]):
                latest[key] = r
        return latest

    def valid(self, table: str) -> Rows:
        """The latest copy of each key, without the planted bad rows."""
        ids = {"customers": self.customer_ids,
               "subscriptions": {r["subscription_id"] for r in self["billing.subscriptions"]
                                 if r["customer_id"] in self.customer_ids},
               "tickets": {r["ticket_id"] for r in self["support.tickets"]
                           if r["customer_id"] in self.customer_ids}}
        return [r for r in self.latest(table) if not BAD_ROW_CHECKS[table](r, ids)]

    def latest(self, table: str) -> Rows:
        key = BY_NAME[table].key
        best: dict[tuple[str, ...], dict[str, str]] = {}
        for r in self[table]:
            k = tuple(r[c] for c in key)
            if k not in best or (ts(r["_loaded_at"]) or datetime.min) > \
                    (ts(best[k]["_loaded_at"]) or datetime.min):
                best[k] = r
        return list(best.values())


def is_paid(p: dict[str, str]) -> bool:
    return not boolean(p["is_trial"]) and float(p["amount"]) > 0


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The default run: 600 customers, seed 42, as of DEMO_AS_OF."""
    folder = tmp_path_factory.mktemp("demo600")
    return Demo(folder, generate(folder))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo120")
    return Demo(folder, generate(folder, customers=120, seed=7))


# ----------------------------------------------------------------------------- layout
def test_same_seed_gives_byte_identical_files(small: Demo, tmp_path: Path) -> None:
    again = generate(tmp_path, customers=120, seed=7)
    assert again == small.counts
    for t in RAW_TABLES:
        name = Path(t.system) / f"{t.name}.csv"
        assert (tmp_path / name).read_bytes() == (small.folder / name).read_bytes(), name


def test_another_seed_gives_other_data(small: Demo, tmp_path: Path) -> None:
    generate(tmp_path, customers=120, seed=8)
    name = Path("billing") / "subscription_periods.csv"
    assert (tmp_path / name).read_bytes() != (small.folder / name).read_bytes()


def test_every_contract_table_is_written_with_its_columns_in_order(small: Demo) -> None:
    assert list(small.counts) == [t.qualified for t in RAW_TABLES]
    for t in RAW_TABLES:
        path = small.folder / t.system / f"{t.name}.csv"
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert tuple(rows[0]) == t.columns, t.qualified
        assert all(len(r) == len(t.columns) for r in rows[1:]), t.qualified
        assert len(rows) - 1 == small.counts[t.qualified] > 0, t.qualified


def test_customer_count_and_ids(small: Demo) -> None:
    ids = [r["customer_id"] for r in small["crm.customers"]]
    assert len(ids) == len(set(ids)) == 120
    assert all(re.fullmatch(r"C\d{5}", i) for i in ids)


def test_default_run_spans_at_least_24_months_of_billing(demo: Demo) -> None:
    starts = [day(p["period_start"]) for p in demo.periods()]
    issued = [ts(r["issued_at"]) for r in demo["billing.invoices"]]
    first = min([d for d in starts if d] + [t.date() for t in issued if t])
    assert first <= date(2024, 6, 30)
    assert months_between(first, AS_OF) >= 26
    last = max(d for d in starts if d)
    assert months_between(first, last) >= 24


def test_fx_rates_cover_every_billing_month_with_a_few_gaps(demo: Demo) -> None:
    rows = demo["billing.fx_rates"]
    assert {r["currency"] for r in rows} == {"EUR", "GBP"}  # reporting currency: no rows
    first = min(day(p["period_start"]) for p in demo.periods())
    months = {(r["currency"], r["rate_month"]) for r in rows}
    assert ("EUR", first.replace(day=1).isoformat()) in months
    assert ("GBP", first.replace(day=1).isoformat()) in months
    expected = months_between(first, AS_OF) + 1
    for currency, (low, high) in (("EUR", (1.05, 1.20)), ("GBP", (1.20, 1.35))):
        own = [r for r in rows if r["currency"] == currency]
        assert all(day(r["rate_month"]).day == 1 for r in own)
        assert all(low <= float(r["rate_to_reporting"]) <= high for r in own)
        assert 1 <= expected - len(own) <= 3, currency  # a month or two missing
        assert len({r["rate_to_reporting"] for r in own}) > len(own) // 2  # it drifts


# ----------------------------------------------------------------------------- time and loads
DATE_COLUMNS = {  # the row's own date, per the KPI conventions
    "crm.customers": "created_at", "crm.customer_owner_history": "valid_from",
    "crm.customer_business_metrics": "as_of_date", "billing.subscriptions": "started_at",
    "billing.subscription_periods": "period_start", "billing.invoices": "issued_at",
    "billing.fx_rates": "rate_month", "support.tickets": "created_at",
    "support.ticket_events": "event_at", "surveys.survey_responses": "responded_at",
    "product.usage_daily": "usage_date", "finance.cs_costs": "cost_month",
    "crm.cs_reps": "hired_at",
}


def test_nothing_is_dated_after_as_of_and_loads_follow_the_row(small: Demo) -> None:
    for table, column in DATE_COLUMNS.items():
        for r in small[table]:
            own = ts(r[column])
            loaded = ts(r["_loaded_at"])
            assert loaded is not None and loaded <= AS_OF_END, (table, r)
            if own is not None:  # bad rows may carry an unparseable date
                assert own <= AS_OF_END, (table, r)
                assert loaded >= own, (table, r)


def test_timestamps_mix_both_spellings(small: Demo) -> None:
    for table, column in (("support.tickets", "created_at"), ("billing.invoices", "issued_at"),
                          ("product.usage_daily", "_loaded_at")):
        values = [r[column] for r in small[table] if ts(r[column])]
        iso_t = sum(1 for v in values if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v))
        spaced = sum(1 for v in values if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", v))
        assert iso_t + spaced == len(values), table
        assert min(iso_t, spaced) > 0.1 * len(values), table


def test_money_has_two_decimals(small: Demo) -> None:
    for table, column in (("billing.invoices", "amount"), ("billing.invoices", "tax_amount"),
                          ("billing.subscription_periods", "amount"),
                          ("finance.cs_costs", "amount")):
        values = [r[column] for r in small[table]]
        good = [v for v in values if re.fullmatch(r"-?\d+\.\d\d", v)]
        assert len(good) >= 0.99 * len(values), (table, column)


RELOADED = ("billing.subscriptions", "billing.subscription_periods", "billing.invoices",
            "support.tickets", "product.usage_daily")


@pytest.mark.parametrize("table", RELOADED)
def test_reloads_repeat_a_key_with_new_content_and_later_load(demo: Demo, table: str) -> None:
    key = BY_NAME[table].key
    copies: dict[tuple[str, ...], Rows] = defaultdict(list)
    for r in demo[table]:
        copies[tuple(r[c] for c in key)].append(r)
    repeated = [rs for rs in copies.values() if len(rs) > 1]
    assert 3 <= len(repeated) <= 0.03 * len(copies), table
    for rs in repeated:
        assert len(rs) == 2
        older, newer = sorted(rs, key=lambda r: ts(r["_loaded_at"]))
        assert ts(older["_loaded_at"]) < ts(newer["_loaded_at"])
        assert {k: v for k, v in older.items() if k != "_loaded_at"} != \
               {k: v for k, v in newer.items() if k != "_loaded_at"}


def test_customers_and_small_tables_have_no_duplicates_or_bad_rows(demo: Demo) -> None:
    for table in ("crm.customers", "crm.cs_reps", "billing.fx_rates", "finance.cs_costs"):
        key = BY_NAME[table].key
        keys = [tuple(r[c] for c in key) for r in demo[table]]
        assert len(keys) == len(set(keys)), table
    for r in demo["crm.customers"]:
        assert boolean(r["is_test_account"]) is not None
        assert ts(r["created_at"]) is not None


BAD_ROW_CHECKS = {  # a cheap version of staging's checks, enough to find the planted rows
    "billing.subscription_periods": lambda r, ids: (
        number(r["amount"]) is None or number(r["amount"]) < 0
        or boolean(r["is_trial"]) is None or day(r["period_start"]) is None
        or r["billing_interval"] not in ("month", "quarter", "year")
        or r["currency"].upper() not in ("USD", "EUR", "GBP")
        or r["subscription_id"] not in ids["subscriptions"] or not r["quantity"].isdigit()
        or (r["period_end"] and day(r["period_end"]) < day(r["period_start"]))),
    "billing.invoices": lambda r, ids: (
        r["customer_id"] not in ids["customers"] or number(r["amount"]) is None
        or r["status"] not in ("paid", "open", "void", "uncollectible")
        or r["invoice_type"] not in ("subscription", "one_time") or day(r["due_date"]) is None
        or r["currency"].upper() not in ("USD", "EUR", "GBP")),
    "support.tickets": lambda r, ids: (
        r["customer_id"] not in ids["customers"] or ts(r["created_at"]) is None
        or r["channel"] not in ("email", "chat", "phone", "web")
        or r["priority"] not in ("low", "normal", "high", "urgent")
        or r["status"] not in ("new", "open", "pending", "solved", "closed")),
    "support.ticket_events": lambda r, ids: (
        r["ticket_id"] not in ids["tickets"] or ts(r["event_at"]) is None
        or boolean(r["is_public"]) is None
        or r["event_type"] not in ("customer_message", "agent_reply", "internal_note",
                                   "status_change")),
    "surveys.survey_responses": lambda r, ids: (
        r["customer_id"] not in ids["customers"] or ts(r["responded_at"]) is None
        or r["survey_type"] not in ("nps", "csat") or not r["score"].isdigit()
        or not (0 <= int(r["score"]) <= 10 if r["survey_type"] == "nps"
                else 1 <= int(r["score"]) <= 5)),
    "product.usage_daily": lambda r, ids: (
        r["customer_id"] not in ids["customers"] or day(r["usage_date"]) is None
        or not all(r[c].isdigit() for c in ("active_users", "sessions", "key_events"))),
    "crm.customer_business_metrics": lambda r, ids: (
        r["customer_id"] not in ids["customers"] or day(r["as_of_date"]) is None
        or not r["employee_count"].isdigit()),
    "billing.subscriptions": lambda r, ids: (
        r["customer_id"] not in ids["customers"] or day(r["started_at"]) is None
        or not r["contract_term_months"].isdigit()
        or r["cancellation_reason"] not in ("", "voluntary", "payment_failure", "other")
        or (r["ended_at"] and day(r["ended_at"]) < day(r["started_at"]))),
}


@pytest.mark.parametrize("table", sorted(BAD_ROW_CHECKS))
def test_bad_rows_are_planted_but_well_under_one_percent(demo: Demo, table: str) -> None:
    ids = {"customers": demo.customer_ids,
           "subscriptions": {r["subscription_id"] for r in demo["billing.subscriptions"]
                             if r["customer_id"] in demo.customer_ids},
           "tickets": {r["ticket_id"] for r in demo["support.tickets"]
                       if r["customer_id"] in demo.customer_ids}}
    rows = demo[table]
    bad = [r for r in rows if BAD_ROW_CHECKS[table](r, ids)]
    assert 3 <= len(bad) < 0.01 * len(rows), (table, len(bad), len(rows))


def test_overlapping_owner_and_period_rows_are_rare_and_start_later(demo: Demo) -> None:
    by_customer: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for r in demo["crm.customer_owner_history"]:
        start, end = ts(r["valid_from"]), ts(r["valid_to"]) or datetime.max
        if start and r["customer_id"] in demo.customer_ids and end > start:
            by_customer[r["customer_id"]].append((start, end))
    overlaps = 0
    for ranges in by_customer.values():
        ranges.sort()
        for (s1, e1), (s2, _e2) in pairwise(ranges):
            assert s2 > s1
            overlaps += s2 < e1
    assert 1 <= overlaps < 0.01 * len(demo["crm.customer_owner_history"])

    period_overlaps = 0
    for ps in demo.periods_by_subscription().values():
        for a, b in pairwise(ps):
            period_overlaps += (not a["period_end"]) or b["period_start"] < a["period_end"]
    assert 1 <= period_overlaps < 0.01 * len(demo["billing.subscription_periods"])


# ----------------------------------------------------------------------------- customers and CS
def test_segments_spellings_normalise_except_a_few_unknown(demo: Demo) -> None:
    raw = Counter(r["segment"] for r in demo["crm.customers"])
    norm = Counter(s.strip().lower().replace("-", "_") for s in raw.elements())
    assert {"SMB ", "Mid-Market", "ENTERPRISE", "smb"} <= set(raw)
    assert {"smb", "mid_market", "enterprise"} <= set(norm)
    unknown = sum(n for s, n in norm.items() if s not in ("smb", "mid_market", "enterprise"))
    assert 2 <= unknown <= 0.05 * len(demo["crm.customers"])


def test_customers_have_fake_contacts_any_case_countries_some_empty_industry(demo: Demo) -> None:
    rows = demo["crm.customers"]
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+@[a-z0-9.-]+\.example", r["primary_contact_email"])
               for r in rows)
    countries = {r["country_code"] for r in rows}
    assert any(c.isupper() for c in countries) and any(c.islower() for c in countries)
    assert 3 <= sum(1 for r in rows if not r["industry"]) < 0.3 * len(rows)


def test_test_accounts_are_two_percent_and_still_have_activity(demo: Demo) -> None:
    tests = {r["customer_id"] for r in demo["crm.customers"] if boolean(r["is_test_account"])}
    assert len(tests) == 12
    with_subs = {p["customer_id"] for p in demo.periods()} & tests
    with_tickets = {r["customer_id"] for r in demo["support.tickets"]} & tests
    assert len(with_subs) >= 8 and len(with_tickets) >= 5


def test_reps_split_into_csms_and_support_agents_some_left(demo: Demo) -> None:
    reps = demo["crm.cs_reps"]
    teams = Counter(r["team"] for r in reps)
    assert teams == {"customer_success": 12, "support": 15}
    assert sum(1 for r in reps if r["left_at"]) >= 4


def test_owner_history_has_handovers_unassigned_customers_and_current_owners(demo: Demo) -> None:
    csms = {r["rep_id"] for r in demo["crm.cs_reps"] if r["team"] == "customer_success"}
    rows = [r for r in demo["crm.customer_owner_history"]
            if r["customer_id"] in demo.customer_ids and ts(r["valid_from"])]
    assert {r["rep_id"] for r in rows} <= csms
    by_customer: dict[str, Rows] = defaultdict(list)
    for r in rows:
        by_customer[r["customer_id"]].append(r)
    handovers = mid_month = 0
    for ranges in by_customer.values():
        ranges.sort(key=lambda r: ts(r["valid_from"]))
        for a, b in pairwise(ranges):
            if ts(a["valid_to"]) == ts(b["valid_from"]):
                handovers += 1
                mid_month += ts(b["valid_from"]).day not in (1,)
    assert handovers >= 20 and mid_month >= 10
    current = sum(1 for rs in by_customer.values() if not rs[-1]["valid_to"])
    assert current >= 0.6 * len(demo.customer_ids)
    never = demo.customer_ids - set(by_customer)
    assert 10 <= len(never) <= 0.3 * len(demo.customer_ids)


def test_business_metrics_grow_stay_flat_or_shrink(demo: Demo) -> None:
    series: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in demo["crm.customer_business_metrics"]:
        if r["employee_count"].isdigit() and day(r["as_of_date"]):
            series[r["customer_id"]].append((r["as_of_date"], int(r["employee_count"])))
    trends = Counter()
    for points in series.values():
        points.sort()
        if len(points) >= 4:
            ratio = points[-1][1] / points[0][1]
            trends["grow" if ratio > 1.1 else "shrink" if ratio < 0.9 else "flat"] += 1
    assert min(trends["grow"], trends["shrink"], trends["flat"]) >= 5, trends
    assert len(series) < len(demo.customer_ids)  # some customers report nothing
    rows = demo["crm.customer_business_metrics"]
    assert sum(1 for r in rows if not r["end_customer_count"]) >= 10


# ----------------------------------------------------------------------------- billing
def test_plans_monthly_quarterly_annual_and_24_month(demo: Demo) -> None:
    subs = demo.subscriptions()
    kinds = Counter()
    for sid, ps in demo.periods_by_subscription().items():
        term = subs[sid]["contract_term_months"] if sid in subs else ""
        kinds[(term, ps[-1]["billing_interval"])] += 1
    for kind in (("1", "month"), ("3", "quarter"), ("12", "year"), ("24", "year")):
        assert kinds[kind] >= 5, (kind, kinds)


def test_amount_is_price_per_billing_interval(demo: Demo) -> None:
    """An annual seat price is about 12 monthly ones (minus the annual discount)."""
    per_seat = defaultdict(list)
    for ps in demo.periods_by_subscription().values():
        for p in ps:
            if is_paid(p) and p["currency"].upper() == "USD" and int(p["quantity"]) > 0:
                per_seat[p["billing_interval"]].append(float(p["amount"]) / int(p["quantity"]))
    med = {k: sorted(v)[len(v) // 2] for k, v in per_seat.items()}
    assert 8 < med["year"] / med["month"] < 13
    assert 2.5 < med["quarter"] / med["month"] < 3.5


def test_currencies_usd_eur_gbp_some_lower_case(demo: Demo) -> None:
    by_customer = {}
    for p in demo.periods():
        by_customer[p["customer_id"]] = p["currency"].upper()
    shares = Counter(by_customer.values())
    total = sum(shares.values())
    assert shares["USD"] > 0.7 * total
    assert 0.04 * total < shares["EUR"] < 0.2 * total
    assert 0.01 * total < shares["GBP"] < 0.12 * total
    raw = {p["currency"] for p in demo.periods()}
    assert "eur" in raw or "gbp" in raw


def test_periods_chain_without_gaps_and_changes_reuse_the_date(demo: Demo) -> None:
    changes = Counter()
    for ps in demo.periods_by_subscription().values():
        for a, b in pairwise(ps):
            if a["period_end"] != b["period_start"]:
                continue  # a planted overlapping row
            if is_paid(a) and is_paid(b):
                qa, qb = int(a["quantity"]), int(b["quantity"])
                aa, ab = float(a["amount"]), float(b["amount"])
                changes["seats_up" if qb > qa else "seats_down" if qb < qa
                        else "price_up" if ab > aa else "price_down" if ab < aa else "same"] += 1
    for kind in ("seats_up", "seats_down", "price_up", "price_down"):
        assert changes[kind] >= 3, changes
    assert changes["same"] >= 3  # annual renewals at the same price still start a new period
    chains = demo.periods_by_subscription().values()
    assert sum(1 for ps in chains if not ps[-1]["period_end"]) >= 200  # open-ended


def test_trials_before_paid_periods_some_never_convert(demo: Demo) -> None:
    converted = never = paid_pilot = 0
    for ps in demo.periods_by_subscription().values():
        if boolean(ps[0]["is_trial"]):
            if ps[0]["period_end"]:
                length = (day(ps[0]["period_end"]) - day(ps[0]["period_start"])).days
                assert 14 <= length <= 30
            paid_pilot += float(ps[0]["amount"]) > 0
            if len(ps) > 1 and is_paid(ps[1]):
                converted += 1
            elif ps[0]["period_end"]:
                never += 1
    assert converted >= 20 and never >= 5 and paid_pilot >= 3


def test_pauses_are_amount_zero_periods_between_paid_ones(demo: Demo) -> None:
    pauses = 0
    for ps in demo.periods_by_subscription().values():
        for a, b, c in zip(ps, ps[1:], ps[2:], strict=False):
            if is_paid(a) and not boolean(b["is_trial"]) and float(b["amount"]) == 0 \
                    and is_paid(c):
                pauses += 1
    assert pauses >= 3


def test_churn_reasons_and_reactivations(demo: Demo) -> None:
    subs = demo.subscriptions()
    reasons = Counter(s["cancellation_reason"] for s in subs.values() if s["ended_at"])
    assert min(reasons["voluntary"], reasons["payment_failure"], reasons["other"]) >= 3
    by_customer: dict[str, list[dict[str, str]]] = defaultdict(list)
    for s in subs.values():
        by_customer[s["customer_id"]].append(s)
    comebacks = 0  # a new subscription months after every earlier one had ended
    for own in by_customer.values():
        own.sort(key=lambda s: s["started_at"])
        for i, s in enumerate(own[1:], 1):
            earlier = own[:i]
            if all(e["ended_at"] for e in earlier) and \
                    (day(s["started_at"]) - max(day(e["ended_at"]) for e in earlier)).days >= 40:
                comebacks += 1
                break
    assert comebacks >= 10


def test_join_and_leave_inside_one_calendar_month(demo: Demo) -> None:
    subs = demo.subscriptions()
    inside = set()
    for sid, ps in demo.periods_by_subscription().items():
        if len(ps) == 1 and is_paid(ps[0]) and ps[0]["period_end"] and sid in subs:
            start, end = day(ps[0]["period_start"]), day(ps[0]["period_end"])
            last_day = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            if month(start) == month(end) and end < last_day and subs[sid]["ended_at"]:
                inside.add(ps[0]["customer_id"])
    assert len(inside) >= 5


def test_annual_contracts_renew_lapse_or_are_replaced(demo: Demo) -> None:
    subs = demo.subscriptions()
    by_customer: dict[str, list[dict[str, str]]] = defaultdict(list)
    for s in subs.values():
        by_customer[s["customer_id"]].append(s)
    renewed = lapsed = replaced = 0
    for sid, ps in demo.periods_by_subscription().items():
        s = subs.get(sid)
        if not s or s["contract_term_months"] != "12":
            continue
        start = day(s["started_at"])
        renewal = add_months(start, 12)
        if any(day(p["period_start"]) == renewal for p in ps):
            renewed += 1
        elif s["ended_at"] == renewal.isoformat():
            others = [o for o in by_customer[s["customer_id"]] if o is not s
                      and abs((day(o["started_at"]) - renewal).days) <= 5]
            if others:
                replaced += 1
            else:
                lapsed += 1
    assert renewed >= 20 and lapsed >= 3 and replaced >= 3, (renewed, lapsed, replaced)


def test_an_add_on_outlives_a_main_contract_that_was_not_renewed(demo: Demo) -> None:
    subs = demo.subscriptions()
    addons = [s for s in subs.values() if s["plan_id"].startswith("addon_")]
    assert len(addons) >= 20
    outliving = 0  # the add-on runs on alone after its annual main contract lapsed
    for a in addons:
        own = [s for s in subs.values() if s["customer_id"] == a["customer_id"]
               and not s["plan_id"].startswith("addon_")]
        for m in own:
            if m["contract_term_months"] not in ("12", "24") or not m["ended_at"]:
                continue
            lapsed = day(m["ended_at"])
            alone_until = lapsed + timedelta(days=20)
            covered = any(day(o["started_at"]) <= alone_until
                          and lapsed < (day(o["ended_at"]) or date.max) for o in own if o is not m)
            if day(a["started_at"]) < lapsed and alone_until < (day(a["ended_at"]) or date.max) \
                    and not covered:
                outliving += 1
    assert outliving >= 2


def test_invoices_follow_paid_periods(demo: Demo) -> None:
    invoices = demo.valid("billing.invoices")
    invoiced = {i["subscription_id"] for i in invoices if i["invoice_type"] == "subscription"}
    chains = demo.periods_by_subscription()
    paid = {sid for sid, ps in chains.items() if any(is_paid(p) for p in ps)}
    assert len(paid - invoiced) <= 0.02 * len(paid)
    assert not ((set(chains) - paid) & invoiced)  # trials and pauses are not invoiced
    for i in invoices:
        issued, due = ts(i["issued_at"]), day(i["due_date"])
        if issued and due and float(i["amount"]) > 0:
            assert (due - issued.date()).days in (14, 30)


def test_invoice_statuses_one_time_invoices_and_credit_notes(demo: Demo) -> None:
    invoices = demo.valid("billing.invoices")
    status = Counter(i["status"] for i in invoices)
    assert status["paid"] > 0.8 * len(invoices)
    assert status["uncollectible"] >= 5 and status["void"] >= 5
    overdue = [i for i in invoices if i["status"] == "open" and day(i["due_date"]) < AS_OF]
    assert len(overdue) >= 5
    late = [i for i in invoices if i["status"] == "paid" and day(i["due_date"]) and ts(i["paid_at"])
            and ts(i["paid_at"]).date() > day(i["due_date"])
            and month(ts(i["paid_at"]).date()) != month(ts(i["issued_at"]).date())]
    assert len(late) >= 20
    assert all(i["paid_at"] == "" for i in invoices if i["status"] != "paid")
    one_time = [i for i in invoices if i["invoice_type"] == "one_time"]
    assert len(one_time) >= 20 and all(not i["subscription_id"] for i in one_time)
    credit_notes = [i for i in invoices if float(i["amount"]) < 0]
    assert len(credit_notes) >= 5
    taxes = {round(float(i["tax_amount"]) / float(i["amount"]), 3) for i in invoices
             if number(i["amount"]) and float(i["amount"]) > 100}
    assert 0.0 in taxes and max(taxes) <= 0.2


# ----------------------------------------------------------------------------- support
EVENT_TYPES = ("customer_message", "agent_reply", "internal_note", "status_change")


def ticket_histories(demo: Demo) -> dict[str, list[dict[str, str]]]:
    tickets = {t["ticket_id"] for t in demo["support.tickets"]}
    events: dict[str, Rows] = defaultdict(list)
    for e in demo["support.ticket_events"]:
        if e["ticket_id"] in tickets and ts(e["event_at"]) and boolean(e["is_public"]) is not None \
                and e["event_type"] in EVENT_TYPES:
            events[e["ticket_id"]].append(e)
    return events


def test_ticket_status_is_its_last_status_change_and_events_are_ordered(demo: Demo) -> None:
    histories = ticket_histories(demo)
    for t in demo.latest("support.tickets"):
        events = histories.get(t["ticket_id"])
        if not events:
            continue  # a planted bad ticket
        assert events[0]["event_type"] == "customer_message"
        times = [ts(e["event_at"]) for e in events]
        assert times == sorted(times) and times[0] == ts(t["created_at"])
        changes = [e["new_status"] for e in events if e["event_type"] == "status_change"]
        assert t["status"] == (changes[-1] if changes else "new"), t["ticket_id"]
    assert len({t["customer_id"] for t in demo["support.tickets"]}) > 0.6 * len(demo.customer_ids)


def test_tickets_cover_every_fcr_case(demo: Demo) -> None:
    cases = Counter()
    for events in ticket_histories(demo).values():
        statuses = [e["new_status"] for e in events if e["event_type"] == "status_change"]
        solved_at = next((i for i, e in enumerate(events)
                          if e["new_status"] in ("solved", "closed")), None)
        if solved_at is None:
            cases["unsolved"] += 1
            continue
        touches = sum(1 for e in events[:solved_at]
                      if e["event_type"] == "agent_reply" and boolean(e["is_public"]))
        later = [e["new_status"] for e in events[solved_at + 1:]
                 if e["event_type"] == "status_change"]
        reopened = any(s in ("open", "pending", "new") for s in later)
        cases["reopened"] += reopened
        cases["closed_never_solved"] += "solved" not in statuses
        cases["zero_touch"] += touches == 0 and "solved" in statuses
        cases["one_touch"] += touches == 1 and not reopened
        cases["many_touch"] += touches >= 2
        cases["private_reply"] += any(e["event_type"] == "agent_reply"
                                      and not boolean(e["is_public"]) for e in events)
    for case in ("reopened", "closed_never_solved", "zero_touch", "one_touch", "many_touch",
                 "private_reply", "unsolved"):
        assert cases[case] >= 10, (case, cases)


def test_some_open_tickets_are_stale(demo: Demo) -> None:
    stale = [t for t in demo.latest("support.tickets")
             if t["status"] in ("new", "open", "pending") and ts(t["created_at"])
             and (AS_OF - ts(t["created_at"]).date()).days > 14]
    assert len(stale) >= 5


def test_ticket_vocabularies(demo: Demo) -> None:
    tickets = demo["support.tickets"]
    assert {t["channel"] for t in tickets} >= {"email", "chat", "phone", "web"}
    assert {t["priority"] for t in tickets} >= {"low", "normal", "high", "urgent"}
    agents = {r["rep_id"] for r in demo["crm.cs_reps"] if r["team"] == "support"}
    assignees = {t["assignee_id"] for t in tickets}
    assert "" in assignees and assignees - {""} <= agents
    assert all(re.fullmatch(r"T\d{6}", t["ticket_id"]) for t in tickets)


# ----------------------------------------------------------------------------- surveys
def test_nps_answered_twice_in_a_month_and_csat_twice_for_a_ticket(demo: Demo) -> None:
    rows = demo.valid("surveys.survey_responses")
    nps = Counter((r["respondent_email"], month(ts(r["responded_at"]).date()))
                  for r in rows if r["survey_type"] == "nps")
    assert sum(1 for n in nps.values() if n > 1) >= 5
    csat = Counter(r["ticket_id"] for r in rows if r["survey_type"] == "csat")
    assert sum(1 for n in csat.values() if n > 1) >= 5
    assert all(r["ticket_id"] for r in rows if r["survey_type"] == "csat")
    assert not any(r["ticket_id"] for r in rows if r["survey_type"] == "nps")
    assert {int(r["score"]) for r in rows if r["survey_type"] == "nps"} == set(range(11))
    assert {int(r["score"]) for r in rows if r["survey_type"] == "csat"} == {1, 2, 3, 4, 5}


def test_respondents_are_contacts_of_the_customer(demo: Demo) -> None:
    domains = {r["customer_id"]: r["primary_contact_email"].split("@")[1]
               for r in demo["crm.customers"]}
    for r in demo["surveys.survey_responses"]:
        if r["customer_id"] in domains:
            assert r["respondent_email"].endswith("@" + domains[r["customer_id"]])
    emails = defaultdict(set)
    for r in demo["surveys.survey_responses"]:
        emails[r["customer_id"]].add(r["respondent_email"])
    assert sum(1 for e in emails.values() if len(e) >= 3) >= 10


THEME_KEYWORDS = {
    "pricing": ("pricing", "price", "expensive"),
    "bugs": ("bug", "crash", "error"),
    "support": ("support", "agent", "helpful"),
    "onboarding": ("onboarding", "setup", "training"),
    "product": ("feature", "roadmap", "integration"),
    "performance": ("performance", "slow", "fast"),
}


def test_comments_mention_themes_some_two_some_none_some_blank(demo: Demo) -> None:
    comments = [r["comment"] for r in demo["surveys.survey_responses"]]
    written = [c for c in comments if c.strip()]
    assert 0.3 < len([c for c in comments if c]) / len(comments) < 0.5
    assert sum(1 for c in comments if c and not c.strip()) >= 5
    themes_per_comment = [
        {t for t, words in THEME_KEYWORDS.items()
         if any(re.search(rf"\b{w}\b", c, re.IGNORECASE) for w in words)}
        for c in written]
    count = Counter(len(t) for t in themes_per_comment)
    assert count[0] >= 20 and count[1] >= 100 and count[2] >= 10
    seen = set().union(*themes_per_comment)
    assert seen == set(THEME_KEYWORDS)


# Text that SQL engines treat differently (issue 11): the cross-engine comparison only
# catches a wrong text macro or parser if the demo data contain these cases.
ENGINE_SENSITIVE_COMMENTS = {
    "a tab between words": lambda c: re.search(r"\w\t\w", c),
    "repeated spaces": lambda c: re.search(r"\w  +\w", c),
    "guillemets around a keyword": lambda c: re.search(r"«(price|support|onboarding)»", c),
    "an e-mail address inside the text": lambda c: re.search(r"\w \S*john\.smith@example\.com", c),
    "another e-mail, after a parenthesis": lambda c: re.search(r"\(cc: \S+@\S+\)", c),
    "non-ASCII letters": lambda c: re.search(r"[éßëŁ]", c),
    "a non-Latin script": lambda c: re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", c),
    "a line break (LF) inside the field": lambda c: "\n" in c.replace("\r\n", ""),
    "a CRLF inside the field": lambda c: "\r\n" in c,
    "double quotes and a comma": lambda c: '"' in c and "," in c,
    "leading and trailing spaces around text": lambda c: c != c.strip() and c.strip(),
    "a number with a decimal point": lambda c: re.search(r"\d\.\d", c),
}


def test_comments_hold_every_engine_sensitive_case(demo: Demo) -> None:
    comments = [r["comment"] for r in demo["surveys.survey_responses"]]
    for case, found in ENGINE_SENSITIVE_COMMENTS.items():
        assert sum(1 for c in comments if found(c)) >= 2, case
    tricky = [c for c in comments if "\n" in c or "\t" in c.strip() or "«" in c or "@" in c]
    assert len(tricky) < 0.05 * len(comments)  # rare, like in real exports


def test_the_loader_reads_quoted_multi_line_fields_exactly(demo: Demo, tmp_path: Path) -> None:
    """DuckDB's CSV reader (the loader) and Python's csv module see the same values."""
    import duckdb

    from cskpi.loader import load_folder

    load_folder(demo.folder, tmp_path / "raw.duckdb", quiet=True)
    con = duckdb.connect(str(tmp_path / "raw.duckdb"), read_only=True)
    try:
        loaded = dict(con.execute(
            "select response_id, coalesce(comment, '') from surveys.survey_responses"
        ).fetchall())
        subjects = {r[0] for r in con.execute("select distinct subject from support.tickets"
                                              ).fetchall()}
    finally:
        con.close()
    expected = {r["response_id"]: r["comment"] for r in demo["surveys.survey_responses"]}
    assert loaded == expected
    assert any("\n" in c for c in loaded.values()) and any("«" in c for c in loaded.values())
    assert subjects == {r["subject"] for r in demo["support.tickets"]}
    assert any('"' in s and "," in s for s in subjects) and any("\n" in s for s in subjects)


NOT_AN_INTEGER = {  # table -> the integer columns that carry a "12.5" planted bad row
    "product.usage_daily": ("active_users", "sessions", "key_events"),
    "billing.subscriptions": ("contract_term_months",),
    "billing.subscription_periods": ("quantity",),
    "crm.customer_business_metrics": ("employee_count",),
    "surveys.survey_responses": ("score",),
}
IMPOSSIBLE_DATES = {  # table -> date columns that carry a 2025-02-30 (or month 13) row
    "billing.subscriptions": ("started_at",), "billing.subscription_periods": ("period_start",),
    "billing.invoices": ("due_date",), "support.ticket_events": ("event_at",),
    "support.tickets": ("created_at",), "surveys.survey_responses": ("responded_at",),
    "product.usage_daily": ("usage_date",), "crm.customer_business_metrics": ("as_of_date",),
    "crm.customer_owner_history": ("valid_from",),
}


def test_bad_numbers_and_impossible_dates_are_planted(demo: Demo) -> None:
    for table, columns in NOT_AN_INTEGER.items():
        values = [r[c] for r in demo[table] for c in columns]
        assert any(re.fullmatch(r"\d+\.5", v) for v in values), table
    for table, columns in IMPOSSIBLE_DATES.items():
        values = [r[c] for r in demo[table] for c in columns]
        assert any(v.startswith(("2025-02-30", "2025-13-01")) for v in values), table
    # currencies without an FX rate, one per billing table that converts money
    assert any(r["currency"] == "JPY" for r in demo["billing.subscription_periods"])
    assert any(r["currency"] == "CHF" for r in demo["billing.invoices"])


# ----------------------------------------------------------------------------- usage and costs
def test_usage_only_while_subscribed_with_gaps_and_silent_customers(demo: Demo) -> None:
    spans: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for p in demo.periods():
        spans[p["customer_id"]].append((day(p["period_start"]), day(p["period_end"]) or date.max))
    rows = [r for r in demo.valid("product.usage_daily") if r["customer_id"] in spans]
    for r in rows[::50]:
        d = day(r["usage_date"])
        assert any(s <= d < e for s, e in spans[r["customer_id"]]), r
    with_usage = {r["customer_id"] for r in rows}
    silent = set(spans) - with_usage
    assert 10 <= len(silent) <= 0.2 * len(spans)
    per_customer = Counter(r["customer_id"] for r in rows)
    for cid, n in list(per_customer.items())[:50]:
        covered = sum((min(e, AS_OF + date.resolution) - s).days for s, e in spans[cid])
        assert n < covered  # gaps: not every subscribed day has a row
    assert all(int(r["active_users"]) <= int(r["sessions"]) for r in rows)


def test_cs_costs_every_month_with_categories_and_a_few_gaps(demo: Demo) -> None:
    rows = demo["finance.cs_costs"]
    months = sorted({r["cost_month"] for r in rows})
    first = min(day(p["period_start"]) for p in demo.periods())
    assert months[0] == first.replace(day=1).isoformat()
    assert months[-1] == AS_OF.replace(day=1).isoformat()
    assert len(months) == months_between(first, AS_OF) + 1
    categories = Counter(r["cost_category"] for r in rows)
    assert categories["salaries"] == categories["tools"] == categories["programs"] == len(months)
    assert 1 <= len(months) - categories["other"] <= 2
    assert 1 <= sum(1 for r in rows if r["currency"] == "EUR") < len(rows) // 4


# ----------------------------------------------------------------------------- CLI
def test_cli_writes_every_table_and_reports_progress(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path), "--customers", "30", "--seed", "3",
                           "--as-of", "2026-11-15"]) == 0
    out = capsys.readouterr().out
    for t in RAW_TABLES:
        assert re.search(rf"wrote {t.system}/{t.name}\.csv: [\d,]+ rows", out), t.qualified
        assert (tmp_path / t.system / f"{t.name}.csv").exists()
    assert re.search(r"in \d+\.\ds", out)


def test_other_as_of_dates_move_the_whole_history(tmp_path: Path) -> None:
    as_of = date(2025, 3, 10)
    generate(tmp_path, customers=40, seed=1, as_of=as_of)
    starts = [day(r["period_start"]) for r in read(tmp_path, "billing.subscription_periods")
              if day(r["period_start"])]
    assert max(starts) <= as_of
    assert months_between(min(starts), as_of) >= 26


@pytest.mark.parametrize("module", ["cskpi.demo", "cskpi.demo_data"])
def test_both_module_entry_points_write_the_same_files(module: str, small: Demo,
                                                       tmp_path: Path) -> None:
    """`python -m cskpi.demo` and the old `python -m cskpi.demo_data` shim are one CLI."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", module, "--out", str(tmp_path),
                           "--customers", "120", "--seed", "7"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "done:" in done.stdout
    for t in RAW_TABLES:
        name = Path(t.system) / f"{t.name}.csv"
        assert (tmp_path / name).read_bytes() == (small.folder / name).read_bytes(), name


def test_ticket_ids_have_one_width_in_every_slice_past_a_million_tickets():
    """The events name their tickets a slice at a time: every slice must spell a
    ticket as the tickets table does, also past 999,999 tickets."""
    import dataclasses

    import numpy as np

    from cskpi.demo.support import Tickets

    def tickets_of(count: int) -> Tickets:
        # every field the dataclass requires, one (zero) value per ticket
        return Tickets(**{field.name: np.zeros(count) for field in dataclasses.fields(Tickets)
                          if field.default is dataclasses.MISSING})

    tickets = tickets_of(1_000_001)
    every = tickets.ids()
    assert every[0].as_py() == "T0000001" and every[-1].as_py() == "T1000001"
    assert tickets.ids(np.array([0, 41]))[1].as_py() == "T0000042"
    small = tickets_of(750_000)  # the 100,000-customer demo: spelling unchanged
    assert small.ids(np.array([0]))[0].as_py() == "T000001"
