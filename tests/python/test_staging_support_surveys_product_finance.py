"""Staging of support, surveys, product and finance: typing, normalising, rejecting.

One raw folder holds clean rows and one crafted bad row for every reason these
tables can produce (raw contract, "Bad rows"); one `dbt build` runs staging, the
audit model and every data test. The tests then check each bad row's reason and
key in stg_audit__rejected_rows, the clean rows' types and normalisation, and
raw = clean + rejected per table.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
from harness import RawFolder, build

pytestmark = pytest.mark.slow  # dbt builds of its fixtures (`make test-fast` skips it)

# Each raw table and the model of its clean rows (rejection_reason null): staging
# checks one system, the conformed layer (int_*_checked) adds the cross-system checks.
TABLES = {
    "support.tickets": "int_tickets_checked",
    "support.ticket_events": "int_ticket_events_checked",
    "surveys.survey_responses": "int_survey_responses_checked",
    "product.usage_daily": "int_usage_daily_checked",
    "finance.cs_costs": "int_cs_costs_checked",
}

# the documented demo key of cs_pseudonymise (var cs_kpis_hash_key / CS_KPIS_HASH_KEY)
DEMO_KEY = b"cs-kpis-demo-key-not-a-secret"

OLD = "2020-01-01 00:00:00"
NEW = "2020-01-02 00:00:00"

# (source_table, row_key, reason): every row the audit model must hold for these
# tables, and nothing else.
EXPECTED_REJECTIONS = [
    # support.tickets
    ("support.tickets", None, "null_key"),
    ("support.tickets", "T_MISSING", "missing_value"),
    ("support.tickets", "T_DUP", "duplicate_key"),
    ("support.tickets", "T_BAD_DATE", "bad_date"),
    ("support.tickets", "T_MULTI", "bad_date"),  # bad date AND unknown channel
    ("support.tickets", "T_CHANNEL", "unknown_value"),
    ("support.tickets", "T_PRIORITY", "unknown_value"),
    ("support.tickets", "T_STATUS", "unknown_value"),
    ("support.tickets", "T_CUSTOMER", "unknown_customer"),
    # support.ticket_events
    ("support.ticket_events", None, "null_key"),
    ("support.ticket_events", "E_MISSING", "missing_value"),
    ("support.ticket_events", "E_NO_STATUS", "missing_value"),
    ("support.ticket_events", "E_TIED", "duplicate_key"),
    ("support.ticket_events", "E_TIED", "duplicate_key"),
    ("support.ticket_events", "E_BAD_DATE", "bad_date"),
    ("support.ticket_events", "E_BAD_BOOL", "bad_boolean"),
    ("support.ticket_events", "E_TYPE", "unknown_value"),
    ("support.ticket_events", "E_STATUS", "unknown_value"),
    ("support.ticket_events", "E_NO_TICKET", "unknown_ticket"),
    ("support.ticket_events", "E_REJECTED_TICKET", "unknown_ticket"),
    # surveys.survey_responses
    ("surveys.survey_responses", None, "null_key"),
    ("surveys.survey_responses", "S_MISSING", "missing_value"),
    ("surveys.survey_responses", "S_TWIN", "duplicate_key"),
    ("surveys.survey_responses", "S_BAD_DATE", "bad_date"),
    ("surveys.survey_responses", "S_FRACTION", "bad_number"),
    ("surveys.survey_responses", "S_WORD", "bad_number"),
    ("surveys.survey_responses", "S_NPS_11", "out_of_range"),
    ("surveys.survey_responses", "S_CSAT_0", "out_of_range"),
    ("surveys.survey_responses", "S_CSAT_6", "out_of_range"),
    ("surveys.survey_responses", "S_TYPE", "unknown_value"),
    ("surveys.survey_responses", "S_CUSTOMER", "unknown_customer"),
    # product.usage_daily
    ("product.usage_daily", None, "null_key"),
    ("product.usage_daily", None, "null_key"),
    ("product.usage_daily", "C1|2024-03-04", "missing_value"),
    ("product.usage_daily", "C1|2024-03-02", "duplicate_key"),
    ("product.usage_daily", "C1|2024-02-30", "bad_date"),
    ("product.usage_daily", "C1|2024-03-05", "bad_number"),
    ("product.usage_daily", "C1|2024-03-06", "out_of_range"),
    ("product.usage_daily", "CX|2024-03-01", "unknown_customer"),
    # finance.cs_costs
    ("finance.cs_costs", None, "null_key"),
    ("finance.cs_costs", None, "null_key"),
    ("finance.cs_costs", "2024-01-01|other", "missing_value"),
    ("finance.cs_costs", "2024-02-01|programs", "duplicate_key"),
    ("finance.cs_costs", "Feb 2024|salaries", "bad_date"),
    ("finance.cs_costs", "2024-03-01|salaries", "bad_number"),
    ("finance.cs_costs", "2024-03-01|tools", "out_of_range"),
    ("finance.cs_costs", "2024-03-15|programs", "out_of_range"),
    ("finance.cs_costs", "2024-03-01|travel", "unknown_value"),
    ("finance.cs_costs", "2024-04-01|salaries", "missing_fx_rate"),
    ("finance.cs_costs", "2023-12-01|tools", "missing_fx_rate"),
]


def _raw(root) -> RawFolder:
    raw = RawFolder(root)
    # parents: two customers (C2 a test account, which staging keeps), EUR rates
    # from January 2024 on, no GBP rate at all
    raw.add("crm.customers", customer_id="C1")
    raw.add("crm.customers", customer_id="C2", is_test_account="yes")
    raw.add("billing.fx_rates", currency="EUR", rate_month="2024-01-01",
            rate_to_reporting="1.1")

    t = "support.tickets"
    raw.add(t, ticket_id="T1", customer_id="C1", channel=" Chat ", priority="HIGH",
            status=" Open", assignee_id="  ", subject=" Login fails ",
            created_at="2024-03-01T10:00:00Z")
    raw.add(t, ticket_id="T2", customer_id="C2", assignee_id="R1",
            created_at="2024-03-02 08:30:00")
    raw.add(t, ticket_id="  ", customer_id="C1", created_at="2024-03-01 00:00:00")
    # a required column blank (priority); a blank subject alone is clean: descriptive
    # columns are never required (raw contract, 2026-12-01)
    raw.add(t, ticket_id="T_MISSING", customer_id="C1", subject=" ", priority=" ",
            created_at="2024-03-01 00:00:00")
    raw.add(t, ticket_id="T_DUP", customer_id="C1", subject="old",
            created_at="2024-03-01 00:00:00", _loaded_at=OLD)
    raw.add(t, ticket_id="T_DUP", customer_id="C1", subject="new",
            created_at="2024-03-01 00:00:00", _loaded_at=NEW)
    raw.add(t, ticket_id="T_BAD_DATE", customer_id="C1", created_at="2024-13-01")
    raw.add(t, ticket_id="T_MULTI", customer_id="C1", channel="fax",
            created_at="yesterday")
    raw.add(t, ticket_id="T_CHANNEL", customer_id="C1", channel="fax",
            created_at="2024-03-01 00:00:00")
    raw.add(t, ticket_id="T_PRIORITY", customer_id="C1", priority="asap",
            created_at="2024-03-01 00:00:00")
    raw.add(t, ticket_id="T_STATUS", customer_id="C1", status="reopened",
            created_at="2024-03-01 00:00:00")
    raw.add(t, ticket_id="T_CUSTOMER", customer_id="CX", created_at="2024-03-01 00:00:00")

    e = "support.ticket_events"
    # new_status on a non-status_change event is ignored, even when it is garbage
    raw.add(e, event_id="E1", ticket_id="T1", event_at="2024-03-01T11:00:00Z",
            event_type=" Agent_Reply ", actor_id=" R1 ", is_public="YES",
            new_status="garbage")
    raw.add(e, event_id="E2", ticket_id="T1", event_at="2024-03-01 12:00:00",
            event_type="status_change", is_public="0", new_status=" Solved ")
    raw.add(e, event_id="E3", ticket_id="T_DUP", event_at="2024-03-01 12:00:00",
            event_type="customer_message", is_public="true")
    raw.add(e, event_id="", ticket_id="T1", event_at="2024-03-01 12:00:00",
            event_type="agent_reply")
    raw.add(e, event_id="E_MISSING", ticket_id="T1", event_at="2024-03-01 12:00:00",
            event_type="agent_reply", is_public="")
    raw.add(e, event_id="E_NO_STATUS", ticket_id="T1", event_at="2024-03-01 12:00:00",
            event_type="Status_Change", new_status=" ")
    # two copies tied on the newest _loaded_at with different content: both out
    raw.add(e, event_id="E_TIED", ticket_id="T1", event_at="2024-03-01 12:00:00",
            event_type="agent_reply", _loaded_at=NEW)
    raw.add(e, event_id="E_TIED", ticket_id="T1", event_at="2024-03-01 12:00:01",
            event_type="agent_reply", _loaded_at=NEW)
    raw.add(e, event_id="E_BAD_DATE", ticket_id="T1", event_at="2024-03-01 25:00:00",
            event_type="agent_reply")
    raw.add(e, event_id="E_BAD_BOOL", ticket_id="T1", event_at="2024-03-01 12:00:00",
            event_type="agent_reply", is_public="maybe")
    raw.add(e, event_id="E_TYPE", ticket_id="T1", event_at="2024-03-01 12:00:00",
            event_type="phone_call")
    raw.add(e, event_id="E_STATUS", ticket_id="T1", event_at="2024-03-01 12:00:00",
            event_type="status_change", new_status="reopened")
    raw.add(e, event_id="E_NO_TICKET", ticket_id="T404", event_at="2024-03-01 12:00:00",
            event_type="agent_reply")
    raw.add(e, event_id="E_REJECTED_TICKET", ticket_id="T_CHANNEL",
            event_at="2024-03-01 12:00:00", event_type="agent_reply")

    s = "surveys.survey_responses"
    raw.add(s, response_id="S1", customer_id="C1", respondent_email=" A@x.com",
            survey_type="NPS", score="9", comment="   ", ticket_id="",
            responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S2", customer_id="C1", respondent_email="a@x.com ",
            survey_type=" CSAT ", score=" 5 ", comment=" Great help ", ticket_id="T1",
            responded_at="2024-03-02T09:00:00Z")
    raw.add(s, response_id="S3", customer_id="C2", respondent_email="b@x.com",
            survey_type="nps", score="0", responded_at="2024-03-03 09:00:00")
    raw.add(s, response_id=" ", customer_id="C1", survey_type="nps", score="5",
            responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S_MISSING", customer_id="C1", survey_type="nps", score="",
            responded_at="2024-03-01 09:00:00")
    # identical copies tied on _loaded_at: one is kept, the other is a duplicate
    for _ in range(2):
        raw.add(s, response_id="S_TWIN", customer_id="C1", survey_type="csat",
                score="4", responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S_BAD_DATE", customer_id="C1", survey_type="nps", score="5",
            responded_at="2024/03/01")
    raw.add(s, response_id="S_FRACTION", customer_id="C1", survey_type="nps",
            score="9.5", responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S_WORD", customer_id="C1", survey_type="nps", score="ten",
            responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S_NPS_11", customer_id="C1", survey_type="nps", score="11",
            responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S_CSAT_0", customer_id="C1", survey_type="csat", score="0",
            responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S_CSAT_6", customer_id="C1", survey_type="csat", score="6",
            responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S_TYPE", customer_id="C1", survey_type="ces", score="3",
            responded_at="2024-03-01 09:00:00")
    raw.add(s, response_id="S_CUSTOMER", customer_id="CX", survey_type="nps", score="7",
            responded_at="2024-03-01 09:00:00")

    u = "product.usage_daily"
    raw.add(u, customer_id="C1", usage_date="2024-03-01", active_users=" 5 ",
            sessions="12", key_events="0")
    raw.add(u, customer_id="C2", usage_date="2024-03-01", active_users="2",
            sessions="3", key_events="4")
    # the same key spelt two ways: the older copy is the duplicate
    raw.add(u, customer_id="C1", usage_date=" 2024-03-02", active_users="1",
            _loaded_at=OLD)
    raw.add(u, customer_id=" C1", usage_date="2024-03-02 ", active_users="7",
            _loaded_at=NEW)
    raw.add(u, customer_id="", usage_date="2024-03-03")
    raw.add(u, customer_id="C1", usage_date=" ")
    raw.add(u, customer_id="C1", usage_date="2024-03-04", sessions="")
    raw.add(u, customer_id="C1", usage_date=" 2024-02-30 ")
    raw.add(u, customer_id="C1", usage_date="2024-03-05", key_events="1.5")
    raw.add(u, customer_id="C1", usage_date="2024-03-06", active_users="-1")
    raw.add(u, customer_id="CX", usage_date="2024-03-01")

    c = "finance.cs_costs"
    raw.add(c, cost_month="2024-01-01", cost_category="salaries", amount="1000.50",
            currency="usd")
    raw.add(c, cost_month="2024-01-01", cost_category=" Tools ", amount="200",
            currency=" eur ")
    raw.add(c, cost_month="", cost_category="salaries", amount="1")
    raw.add(c, cost_month="2024-01-01", cost_category=" ", amount="1")
    raw.add(c, cost_month="2024-01-01", cost_category="other", amount="")
    raw.add(c, cost_month=" 2024-02-01", cost_category="PROGRAMS ", amount="10",
            _loaded_at=OLD)
    raw.add(c, cost_month="2024-02-01", cost_category="programs", amount="20",
            _loaded_at=NEW)
    raw.add(c, cost_month="Feb 2024", cost_category="salaries", amount="1")
    raw.add(c, cost_month="2024-03-01", cost_category="salaries", amount="1,000")
    raw.add(c, cost_month="2024-03-01", cost_category="tools", amount="-5")
    raw.add(c, cost_month="2024-03-15", cost_category="programs", amount="5")
    raw.add(c, cost_month="2024-03-01", cost_category="travel", amount="5")
    raw.add(c, cost_month="2024-04-01", cost_category="salaries", amount="5",
            currency="GBP")
    raw.add(c, cost_month="2023-12-01", cost_category="tools", amount="5",
            currency="EUR")
    return raw


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("staging_sspf")
    raw = _raw(workdir / "raw")
    # all of staging and the conformed layer: the audit model reads every base and
    # int_*_checked model, and the data tests on it must find every model built
    return build(raw, workdir, as_of="2024-03-15",
                 select="path:models/staging path:models/intermediate/conformed")


def _rejections(warehouse):
    tables = ", ".join(f"'{t}'" for t in TABLES)
    return warehouse.query(
        "select source_table, row_key, rejection_reason, raw_row "
        f"from main.stg_audit__rejected_rows where source_table in ({tables})"
    )


def test_every_bad_row_is_rejected_with_its_reason_and_key(warehouse):
    got = Counter(
        (r["source_table"], r["row_key"], r["rejection_reason"]) for r in _rejections(warehouse)
    )
    assert got == Counter(EXPECTED_REJECTIONS)


def test_rejected_rows_keep_the_raw_row_as_delivered(warehouse):
    rows = {
        (r["source_table"], r["row_key"], r["rejection_reason"]): r["raw_row"]
        for r in _rejections(warehouse)
    }
    bad_date = rows[("product.usage_daily", "C1|2024-02-30", "bad_date")]
    assert '" 2024-02-30 "' in bad_date and "_loaded_at" in bad_date
    assert '"1,000"' in rows[("finance.cs_costs", "2024-03-01|salaries", "bad_number")]


def test_raw_rows_equal_clean_plus_rejected_per_table(warehouse):
    for source_table, model in TABLES.items():
        raw = warehouse.one(f"select count(*) as n from {source_table}")["n"]
        clean = warehouse.one(f"select count(*) as n from main.{model} "
                              "where rejection_reason is null")["n"]
        rejected = warehouse.one(
            "select count(*) as n from main.stg_audit__rejected_rows "
            "where source_table = ?", [source_table]
        )["n"]
        assert raw == clean + rejected, source_table
    # the fixture's clean rows, counted by hand: tickets T1, T2, T_DUP (new copy);
    # events E1, E2, E3; responses S1, S2, S3, S_TWIN; usage C1 x2 days, C2;
    # costs salaries + tools in January, programs in February
    counts = {
        model: warehouse.one(f"select count(*) as n from main.{model} "
                             "where rejection_reason is null")["n"]
        for model in TABLES.values()
    }
    assert counts == {
        "int_tickets_checked": 3,
        "int_ticket_events_checked": 3,
        "int_survey_responses_checked": 4,
        "int_usage_daily_checked": 3,
        "int_cs_costs_checked": 3,
    }


def _clean_rows(model, condition="true"):
    """The rows of a conformed-layer model that pass every check, staging's columns only."""
    return (f"select * exclude (raw_key, rejection_reason) from main.{model} "
            f"where rejection_reason is null and {condition}")


def test_tickets_are_typed_and_normalised(warehouse):
    t1 = warehouse.one(_clean_rows("int_tickets_checked", "ticket_id = 'T1'"))
    assert t1 == {
        "ticket_id": "T1", "customer_id": "C1", "assignee_id": None,
        "channel": "chat", "priority": "high", "subject": "Login fails", "status": "open",
        "created_at": datetime(2024, 3, 1, 10, 0, 0),
        "_loaded_at": datetime(2020, 1, 1),
    }
    # the test account's ticket stays in staging; the newest copy of T_DUP wins
    t2 = warehouse.one(_clean_rows("int_tickets_checked", "ticket_id = 'T2'"))
    assert t2["customer_id"] == "C2" and t2["assignee_id"] == "R1"
    dup = warehouse.one(_clean_rows("int_tickets_checked", "ticket_id = 'T_DUP'"))
    assert dup["subject"] == "new" and dup["_loaded_at"] == datetime(2020, 1, 2)


def test_ticket_events_are_typed_and_normalised(warehouse):
    rows = {
        r["event_id"]: r
        for r in warehouse.query(_clean_rows("int_ticket_events_checked"))
    }
    assert rows["E1"] == {
        "event_id": "E1", "ticket_id": "T1", "actor_id": "R1",
        "event_type": "agent_reply", "new_status": None, "is_public": True,
        "event_at": datetime(2024, 3, 1, 11, 0, 0), "_loaded_at": datetime(2020, 1, 1),
    }
    assert rows["E2"]["event_type"] == "status_change"
    assert rows["E2"]["new_status"] == "solved"
    assert rows["E2"]["is_public"] is False
    assert rows["E2"]["actor_id"] is None


def test_survey_responses_are_typed_and_pseudonymised(warehouse):
    rows = {
        r["response_id"]: r
        for r in warehouse.query(_clean_rows("int_survey_responses_checked"))
    }
    assert set(rows) == {"S1", "S2", "S3", "S_TWIN"}
    s1, s2, s3 = rows["S1"], rows["S2"], rows["S3"]
    assert (s1["survey_type"], s1["score"], s1["comment"], s1["ticket_id"]) == (
        "nps", 9, None, None)
    assert (s2["survey_type"], s2["score"], s2["comment"], s2["ticket_id"]) == (
        "csat", 5, "Great help", "T1")
    assert s3["score"] == 0
    assert s2["responded_at"] == datetime(2024, 3, 2, 9, 0, 0)
    # ' A@x.com' and 'a@x.com ' are one respondent: a keyed hash (sha256 of the
    # demo key, '|' and 'a@x.com'), which nobody can recompute from the e-mail alone
    assert s1["respondent_id"] == s2["respondent_id"]
    assert s1["respondent_id"] == hashlib.sha256(DEMO_KEY + b"|a@x.com").hexdigest()
    assert s3["respondent_id"] == hashlib.sha256(DEMO_KEY + b"|b@x.com").hexdigest()
    assert s1["respondent_id"] not in {hashlib.md5(b"a@x.com").hexdigest(),
                                       hashlib.sha256(b"a@x.com").hexdigest()}
    # the e-mail never leaves staging's raw audit: no column carries it
    assert not any("email" in column for column in s1)


def test_usage_daily_is_typed(warehouse):
    rows = {
        (r["customer_id"], r["usage_date"]): r
        for r in warehouse.query(_clean_rows("int_usage_daily_checked"))
    }
    assert set(rows) == {
        ("C1", date(2024, 3, 1)), ("C1", date(2024, 3, 2)), ("C2", date(2024, 3, 1))
    }
    first = rows[("C1", date(2024, 3, 1))]
    assert (first["active_users"], first["sessions"], first["key_events"]) == (5, 12, 0)
    # ' 2024-03-02' (old) and '2024-03-02 ' (new) are one key: the newer copy wins
    assert rows[("C1", date(2024, 3, 2))]["active_users"] == 7


def test_cs_costs_are_typed_and_normalised(warehouse):
    rows = {
        (r["cost_month"], r["cost_category"]): r
        for r in warehouse.query(_clean_rows("int_cs_costs_checked"))
    }
    assert set(rows) == {
        (date(2024, 1, 1), "salaries"), (date(2024, 1, 1), "tools"),
        (date(2024, 2, 1), "programs"),
    }
    salaries = rows[(date(2024, 1, 1), "salaries")]
    assert (salaries["amount"], salaries["currency"]) == (Decimal("1000.50"), "USD")
    tools = rows[(date(2024, 1, 1), "tools")]
    assert (tools["amount"], tools["currency"]) == (Decimal("200"), "EUR")
    # ' 2024-02-01'/'PROGRAMS ' (old) and '2024-02-01'/'programs' (new): newer wins
    assert rows[(date(2024, 2, 1), "programs")]["amount"] == Decimal("20")


def test_staging_columns_follow_the_contract(warehouse):
    expected = {
        "stg_support__tickets": {
            "ticket_id", "customer_id", "assignee_id", "channel", "priority", "subject",
            "status", "created_at", "_loaded_at"},
        "stg_support__ticket_events": {
            "event_id", "ticket_id", "event_at", "event_type", "actor_id", "is_public",
            "new_status", "_loaded_at"},
        "stg_surveys__survey_responses": {
            "response_id", "customer_id", "respondent_id", "survey_type", "score",
            "comment", "ticket_id", "responded_at", "_loaded_at"},
        "stg_product__usage_daily": {
            "customer_id", "usage_date", "active_users", "sessions", "key_events",
            "_loaded_at"},
        "stg_finance__cs_costs": {
            "cost_month", "cost_category", "amount", "currency", "_loaded_at"},
    }
    types = {
        "score": "BIGINT", "active_users": "BIGINT", "amount": "DECIMAL(38,6)",
        "usage_date": "DATE", "cost_month": "DATE", "is_public": "BOOLEAN",
        "event_at": "TIMESTAMP", "created_at": "TIMESTAMP", "responded_at": "TIMESTAMP",
    }
    for model, columns in expected.items():
        described = warehouse.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'main' and table_name = ?", [model]
        )
        assert {c["column_name"] for c in described} == columns, model
        for c in described:
            if c["column_name"] in types:
                assert c["data_type"] == types[c["column_name"]], (model, c)
