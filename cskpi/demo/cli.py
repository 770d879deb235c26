"""The command line: python -m cskpi.demo --out data/demo --customers 600 --seed 42."""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from cskpi.demo import generate
from cskpi.demo.world import DEMO_AS_OF


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cskpi.demo",
        description="Write a deterministic demo SaaS history as raw CSV tables.")
    parser.add_argument("--out", type=Path, default=Path("data/demo"),
                        help="output folder (default: data/demo)")
    parser.add_argument("--customers", type=int, default=600, help="number of customers")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.fromisoformat(DEMO_AS_OF),
                        help=f"as-of date, YYYY-MM-DD (default: {DEMO_AS_OF})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.out, customers=args.customers, seed=args.seed, as_of=args.as_of,
                      log=print)
    print(f"done: {sum(counts.values()):,} rows in {len(counts)} tables under {args.out} "
          f"in {time.perf_counter() - started:.1f}s")
    return 0

