"""The benchmark's own pieces (no timings: the bench prints figures, tests never time)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cskpi import bench

COLUMNS = ("subscription_period_id", "subscription_id", "customer_id", "billing_interval",
           "amount", "currency", "quantity", "is_trial", "period_start", "period_end",
           "_loaded_at")


def test_floor_query_gives_hand_computed_customer_month_mrr() -> None:
    con = duckdb.connect()
    con.execute("create schema billing")
    con.execute("create table billing.subscription_periods ("
                + ", ".join(f"{c} varchar" for c in COLUMNS) + ")")
    rows = [
        # A: monthly 100 USD from 2026-09-10, open; an older copy said 50
        ("P1", "S1", "A", "month", "100.00", "usd", "1", "false", "2026-09-10", "",
         "2026-09-10T01:00:00Z"),
        ("P1", "S1", "A", "month", "50.00", "USD", "1", "false", "2026-09-10", "",
         "2026-09-09 23:00:00"),
        # B: 1,200 a year = 100 a month, ends 2026-10-15: at the August and September ends
        ("P2", "S2", "B", "year", "1200.00", "USD", "1", "false", "2026-08-01", "2026-10-15",
         "2026-10-15 08:00:00"),
        # not counted: EUR, a trial, an unparsable start
        ("P3", "S3", "C", "month", "300.00", "EUR", "1", "false", "2026-08-01", "", "2026-08-01"),
        ("P4", "S4", "D", "month", "80.00", "USD", "1", "TRUE", "2026-08-01", "", "2026-08-01"),
        ("P5", "S5", "E", "month", "70.00", "USD", "1", "false", "2026-02-30", "", "2026-08-01"),
    ]
    con.executemany("insert into billing.subscription_periods values "
                    f"({', '.join('?' for _ in COLUMNS)})", rows)
    count, mrr = con.execute(bench.floor_query(date(2026, 11, 15))).fetchone()
    # Aug: B 100; Sep: A 100 + B 100; Oct: A 100; Nov is not complete (A runs to Nov 16)
    assert count == 4
    assert mrr == pytest.approx(400.0)


def test_bad_sizes_are_one_line_and_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--sizes", "ten"]) == 2
    assert bench.main(["--sizes", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error: ") for line in err)


def test_the_daily_run_is_labelled_incremental_when_dbt_resolved_a_model_so(
        tmp_path) -> None:
    def manifest(materialized: str) -> Path:
        path = tmp_path / f"{materialized}.json"
        path.write_text(json.dumps({"nodes": {
            "model.p.a": {"resource_type": "model", "config": {"materialized": "table"}},
            "test.p.t": {"resource_type": "test", "config": {"materialized": "test"}},
            "model.p.b": {"resource_type": "model",
                          "config": {"materialized": materialized}},
        }}))
        return path
    assert not bench.has_incremental_models(manifest("view"))
    assert bench.has_incremental_models(manifest("incremental"))


def test_the_large_size_gets_half_the_memory_unless_the_user_set_a_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.setattr(bench.os, "sysconf", lambda name: {
        "SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 24 * 2**30 // 4096}[name])
    assert bench.memory_limit_for(100_000) is None  # the profile's 3GB
    assert bench.memory_limit_for(1_000_000) == "12GB"
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "6GB")
    assert bench.memory_limit_for(1_000_000) is None  # the user's limit stands


def test_the_memory_limit_label_is_the_profiles_own_default(tmp_path: Path) -> None:
    # the project's profile says 3GB today; a profile saying 5GB is read as 5GB
    assert bench.profile_memory_limit() == "3GB"
    profile = tmp_path / "profiles.yml"
    profile.write_text("memory_limit: \"{{ env_var('DUCKDB_MEMORY_LIMIT', '5GB') }}\"\n")
    assert bench.profile_memory_limit(profile) == "5GB"
    profile.write_text("memory_limit: 4GB\n")
    assert bench.profile_memory_limit(profile) == "unknown"
