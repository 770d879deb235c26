"""Benchmark: generate, load, build and re-run the project at several sizes; print figures.

    python -m cskpi.bench [--sizes 10000,100000] [--workdir /tmp/cskpi-bench]
    BENCH_LARGE=1 python -m cskpi.bench        # adds 1,000,000 customers
    make bench                                 # the same, under flock /work/bench.lock

For each size, every step runs as its own process and is measured with ``os.wait4``:
wall seconds, CPU seconds (user+sys, the stable figure on a shared machine) and peak RSS.

1. generate: ``python -m cskpi.demo`` (100,000 customers x 30 months).
2. load: ``python -m cskpi.loader`` into a fresh DuckDB file.
3. full build: ``dbt build`` (every model and test).
4. the "floor query": one DuckDB query doing the minimum work behind customer-month MRR
   (parse, newest copy per key, paid USD periods, month spine), beside
   ``dbt run --select +kpi_mrr`` on the unchanged project (its incremental models redo
   only their lookback) and the same with ``--full-refresh`` (everything from the raw
   rows, as the floor query does), and the ratio of their CPU seconds.
5. daily run: one day of new raw rows is appended (next day's usage for every customer who
   used the product on the as-of day, a newer copy of that day's tickets) with a later
   ``_loaded_at``; ``dbt parse`` with ``as_of_date`` moved by a day (a line of its own,
   as for the full build: changed vars make dbt parse everything again, which a
   scheduled run with the default as_of, today, does not pay); then the scheduled
   command, ``dbt build --exclude-resource-type unit_test`` (README, "Daily runs"):
   the incremental models (every base model, the revenue state) redo what changed,
   everything else is rebuilt and every data test runs.

Plus the DuckDB file size after the build and after the daily run. Figures, never
assertions: the numbers go into issue notes and the README, not into timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from cskpi.dbt_runner import PROJECT_DIR, dbt_command, dbt_env
from cskpi.demo import DEMO_AS_OF

DEFAULT_SIZES = (10_000, 100_000)
LARGE_SIZE = 1_000_000
# DuckDB's memory limit for the large size when DUCKDB_MEMORY_LIMIT is not set: half
# the machine's memory (DuckDB's out-of-memory guide), because the profile's 3GB
# default, sized for 100,000 customers, is too small for some of its hash tables at
# 1,000,000 (DECISIONLOG.md, "DuckDB memory").
LARGE_MEMORY_SHARE = 0.5
# What a scheduled daily run adds to `dbt build` (README, "Daily runs"): unit tests read
# only their fixed inputs, so dbt recommends running them in development and CI only.
DAILY_BUILD_ARGS = ("--exclude-resource-type", "unit_test")


def profile_memory_limit(profiles: Path = PROJECT_DIR / "profiles.yml") -> str:
    """The DuckDB memory limit profiles.yml falls back to without DUCKDB_MEMORY_LIMIT."""
    found = re.search(r"env_var\(\s*'DUCKDB_MEMORY_LIMIT'\s*,\s*'([^']+)'\s*\)",
                      profiles.read_text(encoding="utf-8"))
    return found.group(1) if found else "unknown"


def memory_limit_for(customers: int) -> str | None:
    """The DUCKDB_MEMORY_LIMIT the bench sets for ``customers`` (None: the profile's)."""
    if os.environ.get("DUCKDB_MEMORY_LIMIT") or customers < LARGE_SIZE:
        return None
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{int(total * LARGE_MEMORY_SHARE / 2**30)}GB"


@dataclass
class Step:
    name: str
    wall: float
    cpu: float
    peak_rss_mb: float
    note: str = ""


def measured(name: str, command: list[str], log: Path, env: dict[str, str] | None = None,
             note: str = "") -> Step:
    """Runs ``command`` as a child process; wall, user+sys CPU and peak RSS of that child."""
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        print("\n".join(tail), file=sys.stderr)
        raise SystemExit(f"bench: step '{name}' failed with exit code {code} (log: {log})")
    # ru_maxrss is in kilobytes on Linux
    return Step(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, note)


def in_process(name: str, work: Callable[[], Any], note: str = "") -> tuple[Step, Any]:
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = work()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Step(name, wall, cpu, after.ru_maxrss / 1024, note), result


def has_incremental_models(manifest: Path) -> bool:
    """Whether the build that wrote ``manifest`` (dbt's target/manifest.json) had an
    incremental model: the materialization as dbt resolved it for this target, however
    a model's config spells it (a macro, dbt_project.yml)."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return any(node["resource_type"] == "model"
               and node["config"].get("materialized") == "incremental" for node in nodes)


def append_one_day(duckdb_path: Path, as_of: date) -> dict[str, int]:
    """New raw rows for the day after ``as_of``, loaded that night (a later _loaded_at)."""
    next_day = as_of + timedelta(days=1)
    loaded = f"{next_day.isoformat()}T23:55:00Z"
    con = duckdb.connect(str(duckdb_path))
    try:
        con.execute(
            """
            insert into product.usage_daily
            select customer_id, ?, active_users, sessions, key_events, ?
            from product.usage_daily where usage_date = ?
            """, [next_day.isoformat(), loaded, as_of.isoformat()])
        (usage,) = con.execute("select count(*) from product.usage_daily where usage_date = ?",
                               [next_day.isoformat()]).fetchone()
        # a newer copy of an existing key: the as-of day's tickets, now being worked on
        con.execute(
            """
            insert into support.tickets
            select ticket_id, customer_id, requester_email, assignee_id, channel, priority,
                   subject, 'open', created_at, ?
            from support.tickets where left(created_at, 10) = ?
            """, [loaded, as_of.isoformat()])
        (tickets,) = con.execute("select count(*) from support.tickets where _loaded_at = ?",
                                 [loaded]).fetchone()
    finally:
        con.close()
    return {"product.usage_daily": usage, "support.tickets": tickets}


def floor_query(as_of: date) -> str:
    """Customer-month MRR from the raw periods with the least work one query can do."""
    end = (as_of + timedelta(days=1)).isoformat()
    return f"""
    with parsed as (
        select subscription_period_id, customer_id, billing_interval,
               try_cast(amount as decimal(18, 2)) as amount,
               upper(trim(currency)) as currency,
               lower(trim(is_trial)) in ('true', '1', 'yes') as is_trial,
               try_cast(period_start as date) as period_start,
               try_cast(period_end as date) as period_end,
               try_cast(replace(replace(_loaded_at, 'T', ' '), 'Z', '') as timestamp)
                   as loaded_at
        from billing.subscription_periods
    ),
    newest as (
        select * from parsed
        qualify row_number() over (partition by subscription_period_id
                                   order by loaded_at desc) = 1
    ),
    paid as (
        select customer_id, period_start, coalesce(period_end, date '{end}') as period_end,
               amount / case billing_interval when 'month' then 1 when 'quarter' then 3
                                              when 'year' then 12 end as mrr
        from newest
        where not is_trial and amount > 0 and currency = 'USD' and period_start is not null
    ),
    months as (
        select cast(unnest(generate_series(
            cast(date_trunc('month', (select min(period_start) from paid)) as date),
            cast(date_trunc('month', date '{as_of.isoformat()}') as date),
            interval 1 month)) as date) as month_start
    ),
    customer_months as (
        select m.month_start, p.customer_id, sum(p.mrr) as mrr
        from months as m
        inner join paid as p
            on p.period_start <= last_day(m.month_start)
            and p.period_end > last_day(m.month_start)
        group by all
    )
    select count(*), sum(mrr) from customer_months
    """


def bench_size(customers: int, args: argparse.Namespace) -> list[Step]:
    work = args.workdir / f"c{customers}"
    work.mkdir(parents=True, exist_ok=True)
    raw_dir, duckdb_path = work / "raw", work / "bench.duckdb"
    as_of = date.fromisoformat(DEMO_AS_OF)
    python = sys.executable
    steps: list[Step] = []

    def say(msg: str) -> None:
        print(f"  [{customers:,}] {msg}", flush=True)

    if args.reuse_data and (raw_dir / "product" / "usage_daily.csv").exists():
        say("reusing generated data")
    else:
        say("generating")
        steps.append(measured("generate (python -m cskpi.demo)", [
            python, "-m", "cskpi.demo", "--out", str(raw_dir), "--customers", str(customers),
            "--seed", str(args.seed), "--as-of", as_of.isoformat()], work / "generate.log"))
    csv_bytes = sum(p.stat().st_size for p in raw_dir.rglob("*.csv"))

    say("loading")
    duckdb_path.unlink(missing_ok=True)
    steps.append(measured("load (python -m cskpi.loader)", [
        python, "-m", "cskpi.loader", str(raw_dir), "--duckdb-path", str(duckdb_path)],
        work / "load.log"))

    limit = memory_limit_for(customers)
    memory_env = {"DUCKDB_MEMORY_LIMIT": limit} if limit else None

    def dbt(name: str, dbt_args: list[str], log: str, note: str = "") -> Step:
        selective = any(a in ("--select", "-s") for a in dbt_args)
        return measured(name, dbt_command(dbt_args, work), work / log,
                        env=dbt_env(duckdb_path, selective=selective, extra=memory_env),
                        note=note)

    variables = json.dumps({"as_of_date": as_of.isoformat()})
    say("dbt parse")
    # parsed with the build's vars, so the build reuses the parse (changed vars make
    # dbt parse the whole project again) and the parse is a line of its own
    steps.append(dbt("dbt parse", ["parse", "--vars", variables], "parse.log"))
    say("full dbt build")
    steps.append(dbt("full dbt build", ["build", "--vars", variables], "build.log"))
    size_after_build = duckdb_path.stat().st_size

    say("floor query and +kpi_mrr")

    def run_floor() -> tuple[int, float]:
        con = duckdb.connect(str(duckdb_path), read_only=True)
        try:
            return con.execute(floor_query(as_of)).fetchone()
        finally:
            con.close()

    floor, (rows, _mrr) = in_process("floor query (one DuckDB query)", run_floor)
    floor.note = f"{rows:,} customer-months"
    steps.append(floor)
    # the same vars as the full build, so dbt's partial parse applies: a re-run of the
    # chain on an unchanged project (the daily run below pays a full parse: its
    # as_of_date var changes, and changed vars make dbt parse everything again)
    chain = dbt("dbt run --select +kpi_mrr", ["run", "--vars", variables, "--select",
                                               "+kpi_mrr"], "kpi_mrr.log")
    chain.note = (f"{chain.cpu / max(floor.cpu, 1e-3):.0f}x the floor query's CPU "
                  "(incremental models redo only their lookback)")
    steps.append(chain)
    # the same chain from scratch, as the floor query computes it
    rebuilt = dbt("dbt run --select +kpi_mrr --full-refresh",
                  ["run", "--vars", variables, "--select", "+kpi_mrr", "--full-refresh"],
                  "kpi_mrr_full.log")
    rebuilt.note = f"{rebuilt.cpu / max(floor.cpu, 1e-3):.0f}x the floor query's CPU"
    steps.append(rebuilt)

    say("appending one day and running the daily build")
    step, appended = in_process("append one day of raw rows",
                                lambda: append_one_day(duckdb_path, as_of))
    step.note = ", ".join(f"{n} {t}" for t, n in appended.items())
    steps.append(step)
    next_vars = json.dumps({"as_of_date": (as_of + timedelta(days=1)).isoformat()})
    incremental = has_incremental_models(work / "target" / "manifest.json")
    steps.append(dbt("daily: dbt parse, as_of + 1 day", ["parse", "--vars", next_vars],
                     "daily_parse.log"))
    daily = dbt("daily run: scheduled dbt build", ["build", "--vars", next_vars,
                                                    *DAILY_BUILD_ARGS], "daily.log",
                note="incremental models, no unit tests" if incremental
                else "no incremental models yet: a full rebuild")
    steps.append(daily)
    size_after_daily = duckdb_path.stat().st_size

    limit_shown = (limit or os.environ.get("DUCKDB_MEMORY_LIMIT")
                   or f"{profile_memory_limit()} (profile default)")
    print(f"\n{customers:,} customers ({os.cpu_count()} cores; CPU = user+sys of the step; "
          f"raw CSV {csv_bytes / 1e9:.2f} GB; DuckDB memory limit {limit_shown})")
    print(f"  {'step':<42} {'wall s':>8} {'CPU s':>8} {'peak RSS':>10}  note")
    for s in steps:
        print(f"  {s.name:<42} {s.wall:8.1f} {s.cpu:8.1f} {s.peak_rss_mb:7.0f} MB  {s.note}")
    print(f"  DuckDB file: {size_after_build / 2**30:.2f} GiB after the full build, "
          f"{size_after_daily / 2**30:.2f} GiB after the daily run")
    full = next(s for s in steps if s.name == "full dbt build")
    daily_parse = next(s for s in steps if s.name.startswith("daily: dbt parse"))
    print(f"  daily run / full build: {100 * daily.cpu / max(full.cpu, 1e-3):.0f}% CPU "
          f"({100 * (daily.cpu + daily_parse.cpu) / max(full.cpu, 1e-3):.0f}% with its "
          "parse)")
    for label, run in (("re-run", chain), ("--full-refresh", rebuilt)):
        ratio = run.cpu / max(floor.cpu, 1e-3)
        print(f"  +kpi_mrr chain ({label}) / floor query: {ratio:.1f}x CPU ({run.cpu:.1f} s "
              f"vs {floor.cpu:.2f} s), {run.wall / max(floor.wall, 1e-3):.1f}x wall",
              flush=True)
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None,
                        help="comma-separated customer counts (default: 10000,100000; "
                             "BENCH_LARGE=1 adds 1000000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cskpi-bench"))
    parser.add_argument("--reuse-data", action="store_true",
                        help="keep an existing generated folder of the same size")
    args = parser.parse_args(argv)
    if args.sizes:
        try:
            sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
        except ValueError:
            print(f"error: --sizes must be comma-separated integers, got {args.sizes!r}",
                  file=sys.stderr)
            return 2
    else:
        sizes = list(DEFAULT_SIZES)
        if os.environ.get("BENCH_LARGE") == "1":
            sizes.append(LARGE_SIZE)
    if any(s < 1 for s in sizes):
        print("error: every size must be at least 1 customer", file=sys.stderr)
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"bench: sizes {', '.join(f'{s:,}' for s in sizes)}; work in {args.workdir}")
    for customers in sizes:
        bench_size(customers, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
