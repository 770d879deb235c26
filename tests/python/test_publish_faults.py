"""Write-audit-publish under faults: the published file BI reads never changes unless a
whole run passed, and every refusal is one line.

Real loader, real `dbt build`, real files, the pipeline run as its own process (so it
can be killed). A module fixture publishes one small raw folder once; each fault then
runs against that warehouse and checks the published file is bit for bit the same
(sha256 of the file and the content hash of its marts). Great Expectations is skipped
(--skip-validation) except for the billing-only build: it runs on the same working file
and has its own tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from harness import RawFolder

from cskpi.publish import (
    BUILD_INFO_TABLE,
    content_hash,
    default_work_path,
    lock_path,
    semantic_layer_relations,
)

pytestmark = pytest.mark.slow  # many real builds (s5's marker; `make test-fast` skips)

PROJECT_DIR = Path(__file__).resolve().parents[2]
AS_OF = "2024-06-15"
MONTHS = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01",
          "2024-06-01", "2024-07-01"]
E_MAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def company(root: Path, customers: int = 4, *, optional_feeds: bool = True,
            cost_amount: str = "1000") -> RawFolder:
    """A small company: monthly subscriptions Jan-Jun 2024 and, with optional_feeds,
    invoices, CS costs, reps, tickets, surveys and usage, with e-mails in them."""
    raw = RawFolder(root)
    for i in range(1, customers + 1):
        cid = f"C{i}"
        raw.add("crm.customers", customer_id=cid, primary_contact_email=f"owner{i}@c{i}.example")
        raw.add("billing.subscriptions", subscription_id=f"S{i}", customer_id=cid,
                started_at=MONTHS[0])
        for m, (start, end) in enumerate(zip(MONTHS[:-1], MONTHS[1:], strict=True)):
            raw.add("billing.subscription_periods", subscription_period_id=f"S{i}-{m}",
                    subscription_id=f"S{i}", customer_id=cid, amount=100 * i,
                    period_start=start, period_end=end)
            if optional_feeds:
                raw.add("billing.invoices", invoice_id=f"I{i}-{m}", customer_id=cid,
                        subscription_id=f"S{i}", amount=100 * i, issued_at=start,
                        due_date=start, paid_at=start)
        if optional_feeds:
            raw.add("surveys.survey_responses", response_id=f"R{i}", customer_id=cid,
                    respondent_email=f"jane.doe{i}@c{i}.example", survey_type="nps",
                    score=5 + i, responded_at="2024-03-10 10:00:00",
                    comment=f"write to jane.doe{i}@c{i}.example please")
            raw.add("support.tickets", ticket_id=f"T{i}", customer_id=cid,
                    requester_email=f"user{i}@c{i}.example", assignee_id="R1",
                    created_at="2024-02-01 09:00:00")
            raw.add("support.ticket_events", event_id=f"E{i}", ticket_id=f"T{i}",
                    event_at="2024-02-01 10:00:00", event_type="agent_reply", actor_id="R1")
            raw.add("product.usage_daily", customer_id=cid, usage_date="2024-05-02")
    # One bad row each, which warn and do not fail the build (broken-feed rule: a large
    # share AND at least rejected_count_min rows): an amount too large for the money
    # type (a bad row, not an overflow) and, among two reps, a hire date that is no date.
    raw.add("billing.subscription_periods", subscription_period_id="S1-huge",
            subscription_id="S1", customer_id="C1", amount="9" * 32,
            period_start="2024-07-01", period_end="2024-08-01")
    if optional_feeds:
        raw.add("crm.cs_reps", rep_id="R1", rep_email="rep.one@vendor.example")
        raw.add("crm.cs_reps", rep_id="R2", rep_email="rep.two@vendor.example",
                hired_at="someday")
        for month in MONTHS[:-1]:
            raw.add("finance.cs_costs", cost_month=month, cost_category="salaries",
                    amount=cost_amount)
    raw.write()
    return raw


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pipeline_command(raw: Path, db: Path, as_of: str = AS_OF, *extra: str) -> list[str]:
    skip = [] if "--validate" in extra else ["--skip-validation"]
    extra = tuple(e for e in extra if e != "--validate")
    return [sys.executable, "-m", "cskpi.pipeline", "--raw-dir", str(raw), "--as-of", as_of,
            "--duckdb-path", str(db), *skip, *extra]


def run_pipeline(raw: Path, db: Path, as_of: str = AS_OF, *extra: str,
                 timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(pipeline_command(raw, db, as_of, *extra), cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=timeout, check=False)


class Started:
    """A pipeline running in the background, its output going to files (a pipe nobody
    reads would fill up and stall dbt)."""

    def __init__(self, raw: Path, db: Path, as_of: str = AS_OF) -> None:
        self.out = db.parent / f"run-{time.monotonic_ns()}.out"
        self.err = self.out.with_suffix(".err")
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(pipeline_command(raw, db, as_of),
                                            cwd=PROJECT_DIR, stdout=out, stderr=err,
                                            start_new_session=True)
        self.pid = self.process.pid

    def stderr(self) -> str:
        return self.err.read_text()

    def finish(self, timeout: float = 900) -> tuple[int, str, str]:
        self.process.wait(timeout=timeout)
        return self.process.returncode, self.out.read_text(), self.stderr()

    def kill(self) -> None:
        """Stop the run and its dbt (which outlives a killed pipeline by design, holding
        the lock until it ends: a test that is done with a run must not leave it
        building on, using the CPU the next tests need)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # its own process group: dbt included
        self.process.wait()


def start_pipeline(raw: Path, db: Path, as_of: str = AS_OF) -> Started:
    return Started(raw, db, as_of)


def last_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def children(pid: int) -> list[int]:
    """Direct children of a process (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_for(predicate, timeout: float = 600, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def table_hashes(db: Path) -> dict[str, str]:
    """Per published relation, a hash of its sorted rows (to name what differs)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: hashlib.sha256(repr(con.execute(
                    f'select * from main."{t}" order by all').fetchall()).encode()).hexdigest()
                for (t,) in con.execute(
                    "select table_name from information_schema.tables "
                    f"where table_name <> '{BUILD_INFO_TABLE}' order by 1").fetchall()}
    finally:
        con.close()


@dataclass
class Published:
    root: Path
    raw: Path
    db: Path
    digest: str
    marts: str
    tables: dict[str, str]

    def assert_unchanged(self) -> None:
        assert sha256_file(self.db) == self.digest, "the published file changed"
        assert content_hash(self.db) == self.marts


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Published:
    root = tmp_path_factory.mktemp("publish")
    raw = company(root / "raw").root
    db = root / "warehouse" / "cs_kpis.duckdb"
    result = run_pipeline(raw, db)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return Published(root, raw, db, sha256_file(db), content_hash(db), table_hashes(db))


@pytest.fixture(scope="module")
def other_raw(published) -> Path:
    """A different, valid folder: publishing it would change the marts."""
    return company(published.root / "other", customers=6).root


def test_the_published_file_holds_only_bi_relations_and_build_info(published):
    con = duckdb.connect(str(published.db), read_only=True)
    try:
        schemas = {s for (s,) in con.execute(
            "select distinct table_schema from information_schema.tables").fetchall()}
        names = {n for (n,) in con.execute(
            "select table_name from information_schema.tables").fetchall()}
        info = con.execute(f"select as_of_date, raw_fingerprint, raw_rows "
                           f"from {BUILD_INFO_TABLE}").fetchall()
        mrr = con.execute("select sum(mrr_end) from kpi_mrr where dimension = 'overall' "
                          "and month = date '2024-05-01'").fetchone()[0]
    finally:
        con.close()
    assert schemas == {"main"}  # no raw schemas
    assert "kpi_mrr" in names and "dim_customers" in names and BUILD_INFO_TABLE in names
    assert not [n for n in names if n.startswith(("base_", "stg_"))]  # no raw or audit rows
    # intermediate tables only where the semantic layer reads them (one row per fact)
    int_tables = {n for n in names if n.startswith("int_")}
    assert int_tables <= semantic_layer_relations() and "int_customer_months" not in int_tables
    assert len(info) == 1 and str(info[0][0]) == AS_OF and len(info[0][1]) == 64
    assert mrr == 100 + 200 + 300 + 400  # four customers at 100 * i each
    # The working file keeps the audit and the raw rows for data engineers.
    con = duckdb.connect(str(default_work_path(published.db)), read_only=True)
    try:
        assert con.execute("select count(*) from crm.customers").fetchone()[0] == 4
    finally:
        con.close()


def test_the_published_file_contains_no_e_mail(published):
    raw_text = "".join(p.read_text() for p in published.raw.rglob("*.csv"))
    addresses = set(E_MAIL.findall(raw_text))
    assert len(addresses) >= 12  # the fixture does carry e-mails
    forms = set()
    for address in addresses:
        for variant in (address, address.lower()):
            forms |= {variant, hashlib.md5(variant.encode()).hexdigest(),
                      hashlib.sha256(variant.encode()).hexdigest()}
    con = duckdb.connect(str(published.db), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR'").fetchall()
        assert columns
        for table, column in columns:
            values = [v for (v,) in con.execute(
                f'select distinct "{column}" from "{table}" where "{column}" is not null'
            ).fetchall()]
            for value in values:
                assert "@" not in value, f"{table}.{column} holds an '@'"
                assert not [f for f in forms if f in value], f"{table}.{column}"
    finally:
        con.close()


def test_a_table_of_only_bad_rows_fails_the_build_and_publishes_nothing(published):
    raw = company(published.root / "bad_costs", cost_amount="lots").root
    result = run_pipeline(raw, published.db)
    assert result.returncode == 1
    line = last_line(result.stderr)
    assert line.startswith("nothing was published: dbt build failed (")
    assert "cs_rejected_share_within_limit" in line
    published.assert_unchanged()


def test_an_empty_required_table_is_refused_before_dbt(published):
    raw = company(published.root / "no_periods").root
    path = raw / "billing" / "subscription_periods.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    started = time.monotonic()
    result = run_pipeline(raw, published.db)
    assert result.returncode == 2
    assert last_line(result.stderr) == (
        "nothing was published: billing/subscription_periods is empty: "
        "billing.subscription_periods is required (raw contract); export it with its rows "
        "and run again")
    assert "dbt build" not in result.stdout
    assert time.monotonic() - started < 60
    published.assert_unchanged()


def test_an_as_of_before_the_data_is_refused(published):
    result = run_pipeline(published.raw, published.db, "2020-01-01")
    assert result.returncode == 2
    assert last_line(result.stderr) == (
        "nothing was published: AS_OF 2020-01-01 is before any data (the first billing "
        "date is 2024-01-01): use an as-of date on or after it")
    published.assert_unchanged()


def test_an_as_of_far_after_the_data_warns(published, tmp_path):
    # On its own warehouse, stopped once the warning (printed before dbt starts) is read.
    run = start_pipeline(published.raw, tmp_path / "late.duckdb", "2026-06-15")
    try:
        line = wait_for(lambda: next((x for x in run.stderr().splitlines()
                                      if x.startswith("warning: AS_OF")), None), timeout=300)
    finally:
        run.kill()
    assert line.startswith("warning: AS_OF 2026-06-15 is ")
    assert "days after the newest billing date (2024-07-01)" in line


def test_sigkill_of_dbt_mid_build_publishes_nothing(published, other_raw):
    run = start_pipeline(other_raw, published.db)
    try:
        wait_for(lambda: any(re.search(r"dbt", Path(f"/proc/{c}/cmdline").read_text())
                             for c in children(run.pid)), timeout=120)
        # Let dbt get half-way: models are being written to the working file.
        wait_for(lambda: " OK created " in run.out.read_text(), timeout=600)
        for child in children(run.pid):
            os.kill(child, signal.SIGKILL)
        code, _, stderr = run.finish(timeout=120)
    finally:
        run.kill()
    assert code == 1
    assert last_line(stderr) == "nothing was published: dbt build was killed (signal 9)"
    published.assert_unchanged()


def test_sigkill_of_the_pipeline_during_publish_keeps_the_old_file(published, other_raw):
    run = start_pipeline(other_raw, published.db)
    temp_glob = f".{published.db.name}.publish-*"
    try:
        wait_for(lambda: list(published.db.parent.glob(temp_glob)), timeout=900,
                 interval=0.002)
        run.process.send_signal(signal.SIGKILL)
        code, _, _ = run.finish(timeout=60)
    finally:
        run.kill()
    assert code == -signal.SIGKILL
    published.assert_unchanged()
    # The next run takes the dead run's lock over and removes its half-written file
    # (here it is then refused for its AS_OF, so it publishes nothing either).
    result = run_pipeline(published.raw, published.db, "2020-01-01")
    assert result.returncode == 2
    assert "taking over the lock of an earlier run that was stopped (pid " \
        f"{run.pid}," in result.stderr
    assert not list(published.db.parent.glob(temp_glob))
    published.assert_unchanged()


def test_a_second_run_exits_at_once_and_a_reader_holds_the_file_through_a_build(published):
    """A rebuild of the same input while BI reads: the reader is never blocked and keeps
    its snapshot, a concurrent run is turned away naming the holder, and the rebuild
    publishes marts identical to the first build's (reproducible to the last bit)."""
    reader = duckdb.connect(str(published.db), read_only=True)
    before = reader.execute("select count(*), sum(mrr_end) from kpi_mrr").fetchone()
    run = start_pipeline(published.raw, published.db)
    reads: list[tuple] = []
    stop = threading.Event()

    def keep_reading() -> None:
        while not stop.is_set():
            reads.append(reader.execute("select count(*), sum(mrr_end) from kpi_mrr")
                         .fetchone())
            fresh = duckdb.connect(str(published.db), read_only=True)  # new readers too
            fresh.execute("select count(*) from kpi_mrr").fetchone()
            fresh.close()
            time.sleep(0.2)

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        record = wait_for(lambda: lock_path(published.db).read_text() or None, timeout=120)
        holder = json.loads(record)
        started = time.monotonic()
        second = run_pipeline(published.raw, published.db)
        assert time.monotonic() - started < 30
        assert second.returncode == 2
        line = last_line(second.stderr)
        assert line.startswith(
            f"nothing was published: another build is running on {published.db} "
            f"(pid {holder['pid']}, started {holder['started_at']}, raw folder "
            f"{published.raw}; lock {lock_path(published.db)})")
        code, stdout, stderr = run.finish()
    finally:
        stop.set()
        thread.join()
        run.kill()
    assert code == 0, stdout[-3000:] + stderr[-3000:]
    assert reads and all(r == before for r in reads)
    assert reader.execute("select count(*), sum(mrr_end) from kpi_mrr").fetchone() == before
    reader.close()
    rebuilt = table_hashes(published.db)
    assert [t for t in rebuilt if rebuilt[t] != published.tables.get(t)] == []
    assert content_hash(published.db) == published.marts  # same input, same marts
    published.digest = sha256_file(published.db)  # built_at differs: a new file


def test_a_billing_only_folder_builds_green_with_null_optional_kpis(tmp_path):
    raw = company(tmp_path / "raw", optional_feeds=False).root
    db = tmp_path / "warehouse.duckdb"
    result = run_pipeline(raw, db, AS_OF, "--validate")  # Great Expectations too
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for feed in ("finance/cs_costs is empty: optional feed finance.cs_costs, the cost "
                 "columns of kpi_customer_retention_cost will be null",
                 "billing/invoices is empty: optional feed billing.invoices",
                 "surveys/survey_responses is empty", "support/tickets is empty"):
        assert f"warning: {feed}" in result.stderr
    con = duckdb.connect(str(db), read_only=True)

    def column(sql: str) -> list:
        return [v for (v,) in con.execute(sql).fetchall()]

    try:
        assert column("select sum(mrr_end) from kpi_mrr where dimension = 'overall' "
                      "and month = date '2024-05-01'") == [1000]
        months = column("select count(*) from kpi_customer_retention_cost")[0]
        assert months == 6
        for sql in (
            "select distinct cs_cost from kpi_customer_retention_cost",
            "select distinct customer_retention_cost from kpi_customer_retention_cost",
            "select distinct cs_cost_12m from kpi_customer_retention_cost",
            "select distinct invoices_12m from kpi_customer_lifetime_value",
            "select distinct invoice_amount_12m from kpi_customer_lifetime_value",
            "select distinct avg_purchase_value from kpi_customer_lifetime_value",
            "select distinct one_time_revenue_existing from kpi_expansion_revenue",
            "select distinct expansion_revenue from kpi_expansion_revenue",
        ):
            assert column(sql) == [None], sql
        assert column("select distinct customers_start from kpi_customer_retention_cost "
                      "where month = date '2024-06-01'") == [4]
        assert column("select distinct expansion_mrr from kpi_expansion_revenue") == [0]
        for table, columns in NULL_WHEN_EMPTY.items():
            for name in columns:
                values = column(f"select distinct {name} from {table}")
                assert values in ([], [None]), f"{table}.{name}: {values}"
    finally:
        con.close()
    shutil.rmtree(tmp_path / "raw")


# KPI columns fed only by an optional feed: null (or no row) when the feed is empty.
NULL_WHEN_EMPTY = {
    "kpi_net_promoter_score": ["nps"],
    "kpi_customer_satisfaction": ["csat_rate", "avg_score"],
    "kpi_first_contact_resolution": ["fcr_rate", "fcr_rate_of_created"],
    "kpi_scorecard": ["nps", "csat_rate", "fcr_rate", "customer_retention_cost",
                      "customer_retention_cost_12m", "clv_purchase_based", "expansion_revenue",
                      "net_sentiment"],
}
