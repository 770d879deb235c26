"""The whole pipeline on one raw folder: (demo data) -> load -> dbt build -> validate -> report.

    python -m cskpi.pipeline --raw-dir data/demo --as-of 2026-11-15

`make build` runs this. When the raw folder is the bundled demo location and holds no
data yet, the demo generator writes it first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from cskpi.dbt_runner import VarsError, parse_vars, run_dbt
from cskpi.loader import DEFAULT_DUCKDB_PATH, LoadError, load_folder

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEMO_DIR = PROJECT_DIR / "data" / "demo"


def _step(title: str) -> float:
    print(f"\n==> {title}", flush=True)
    return time.perf_counter()


def _done(started: float) -> None:
    print(f"    ({time.perf_counter() - started:.1f} s)", flush=True)


def dbt(args: list[str], duckdb_path: Path) -> int:
    """Run dbt through the project's runner, streaming its progress lines."""
    return run_dbt(args, duckdb_path, capture=False).returncode


def as_of_date(text: str) -> str:
    """argparse type: an ISO date, refused with a clear message otherwise."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: use YYYY-MM-DD, e.g. AS_OF=2026-10-31") from None


def run(raw_dir: Path, as_of: str, duckdb_path: Path, demo_customers: int,
        validate: bool = True, report: bool = True,
        dbt_vars: dict[str, object] | None = None) -> int:
    total = time.perf_counter()
    if raw_dir.resolve() == DEMO_DIR.resolve() and not any(raw_dir.glob("*/*.csv")):
        from cskpi import demo_data

        t = _step(f"generating demo data ({demo_customers} customers) in {raw_dir}")
        demo_data.generate(raw_dir, customers=demo_customers,
                           as_of=date.fromisoformat(demo_data.DEMO_AS_OF))
        _done(t)

    t = _step(f"loading {raw_dir} into {duckdb_path}")
    try:
        load_folder(raw_dir, duckdb_path)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _done(t)

    t = _step(f"dbt build (as_of_date {as_of})")
    variables = {**(dbt_vars or {}), "as_of_date": as_of}
    code = dbt(["build", "--vars", json.dumps(variables)], duckdb_path)
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
    parser.add_argument("--vars", default="",
                        help="extra dbt vars as a YAML mapping, e.g. '{gross_margin: 0.7}'")
    args = parser.parse_args(argv)
    try:
        dbt_vars = parse_vars(args.vars)
    except VarsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if "as_of_date" in dbt_vars:
        print("error: --vars: set the as-of date with AS_OF / --as-of, not as_of_date",
              file=sys.stderr)
        return 2
    return run(args.raw_dir, args.as_of, args.duckdb_path, args.demo_customers,
               validate=not args.skip_validation, dbt_vars=dbt_vars)


if __name__ == "__main__":
    sys.exit(main())
