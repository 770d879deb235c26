"""The whole pipeline on one raw folder: (demo data) -> load -> dbt build -> validate -> report.

    python -m cskpi.pipeline --raw-dir data/demo --as-of 2026-11-15

`make build` runs this. When the raw folder is the bundled demo location and holds no
data yet, the demo generator writes it first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from cskpi.loader import DEFAULT_DUCKDB_PATH, LoadError, load_folder

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEMO_DIR = PROJECT_DIR / "data" / "demo"


def _step(title: str) -> float:
    print(f"\n==> {title}", flush=True)
    return time.perf_counter()


def _done(started: float) -> None:
    print(f"    ({time.perf_counter() - started:.1f} s)", flush=True)


def dbt(args: list[str], duckdb_path: Path) -> int:
    """Run dbt from the project's virtualenv, streaming its progress lines."""
    env = dict(os.environ, DUCKDB_PATH=str(duckdb_path),
               DBT_PROFILES_DIR=os.environ.get("DBT_PROFILES_DIR", str(PROJECT_DIR)))
    executable = str(Path(sys.executable).with_name("dbt"))
    return subprocess.call([executable, *args], cwd=PROJECT_DIR, env=env)


def as_of_date(text: str) -> str:
    """argparse type: an ISO date, refused with a clear message otherwise."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: use YYYY-MM-DD, e.g. AS_OF=2026-10-31") from None


def run(raw_dir: Path, as_of: str, duckdb_path: Path, demo_customers: int,
        validate: bool = True, report: bool = True) -> int:
    total = time.perf_counter()
    if raw_dir.resolve() == DEMO_DIR.resolve() and not any(raw_dir.glob("*/*.csv")):
        from cskpi import demo

        t = _step(f"generating demo data ({demo_customers} customers) in {raw_dir}")
        demo.generate(raw_dir, customers=demo_customers,
                      as_of=date.fromisoformat(demo.DEMO_AS_OF))
        _done(t)

    t = _step(f"loading {raw_dir} into {duckdb_path}")
    try:
        load_folder(raw_dir, duckdb_path)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _done(t)

    t = _step(f"dbt build (as_of_date {as_of})")
    code = dbt(["build", "--vars", json.dumps({"as_of_date": as_of})], duckdb_path)
    _done(t)
    if code != 0:
        print("error: dbt build failed; see the messages above", file=sys.stderr)
        return code

    if validate:
        from cskpi import validate as validation

        t = _step("validating the marts (Great Expectations)")
        code = validation.main(["--duckdb-path", str(duckdb_path)])
        _done(t)
        if code != 0:
            return code

    if report:
        from cskpi import report as reporting

        reporting.print_headline(duckdb_path)
    print(f"\nbuild finished in {time.perf_counter() - total:.1f} s", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", type=Path, default=DEMO_DIR)
    parser.add_argument("--as-of", required=True, type=as_of_date,
                        help="as-of date, YYYY-MM-DD")
    parser.add_argument("--duckdb-path", type=Path,
                        default=Path(os.environ.get("DUCKDB_PATH", DEFAULT_DUCKDB_PATH)))
    parser.add_argument("--demo-customers", type=int, default=600)
    parser.add_argument("--skip-validation", action="store_true")
    args = parser.parse_args(argv)
    return run(args.raw_dir, args.as_of, args.duckdb_path, args.demo_customers,
               validate=not args.skip_validation)


if __name__ == "__main__":
    sys.exit(main())
