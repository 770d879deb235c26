"""Benchmark: generate a data set, load it and build it, printing wall times.

    python -m cskpi.bench --customers 10000 [--workdir /tmp/cskpi-bench]

Figures, not assertions: the numbers go into issue notes and the README, never into
timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from cskpi import demo_data
from cskpi.dbt_runner import run_dbt
from cskpi.loader import load_folder

# Layers timed on their own, after a full build (upstream tables already exist).
SELECTIONS = {
    "staging": "path:models/staging",
    "revenue": "path:models/intermediate/revenue path:models/marts/revenue "
               "path:models/marts/core",
    "voice of customer, support, health, scorecard": (
        "path:models/intermediate/voice_of_customer path:models/intermediate/support "
        "path:models/intermediate/health path:models/marts/voice_of_customer "
        "path:models/marts/support path:models/marts/health path:models/marts/scorecard"
    ),
}


def _dbt(args: list[str], workdir: Path, duckdb_path: Path) -> float:
    result = run_dbt(args, duckdb_path, workdir=workdir)
    if not result.ok:
        print(result.stdout[-4000:], file=sys.stderr)
        raise SystemExit(f"dbt {args[0]} failed")
    return result.seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cskpi-bench"))
    parser.add_argument("--reuse-data", action="store_true",
                        help="keep an existing generated folder")
    args = parser.parse_args(argv)

    raw_dir = args.workdir / f"raw_{args.customers}"
    duckdb_path = args.workdir / f"bench_{args.customers}.duckdb"
    args.workdir.mkdir(parents=True, exist_ok=True)
    as_of = demo_data.DEMO_AS_OF
    figures: dict[str, float] = {}

    if not (args.reuse_data and raw_dir.exists()):
        started = time.perf_counter()
        rows = demo_data.generate(raw_dir, customers=args.customers, seed=args.seed,
                                  as_of=date.fromisoformat(as_of))
        figures["generate"] = time.perf_counter() - started
        print(f"generated {sum(rows.values()):,} raw rows for {args.customers:,} customers")

    duckdb_path.unlink(missing_ok=True)
    started = time.perf_counter()
    load_folder(raw_dir, duckdb_path, quiet=True)
    figures["load"] = time.perf_counter() - started

    variables = json.dumps({"as_of_date": as_of})
    figures["dbt parse"] = _dbt(["parse"], args.workdir, duckdb_path)
    figures["dbt build (all models and tests)"] = _dbt(
        ["build", "--vars", variables], args.workdir, duckdb_path)
    for name, selector in SELECTIONS.items():
        figures[f"dbt build, {name} only"] = _dbt(
            ["build", "--vars", variables, "--select", selector], args.workdir, duckdb_path)

    from cskpi import validate

    started = time.perf_counter()
    if validate.main(["--duckdb-path", str(duckdb_path)]) != 0:
        raise SystemExit("validation failed")
    figures["Great Expectations suites"] = time.perf_counter() - started

    print(f"\nwall times, {args.customers:,} customers ({os.cpu_count()} cores):")
    for name, seconds in figures.items():
        print(f"  {name:<62} {seconds:8.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
