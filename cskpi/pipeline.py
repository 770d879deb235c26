"""The whole pipeline on one raw folder, write-audit-publish:

    python -m cskpi.pipeline --raw-dir data/demo --as-of 2026-11-15

lock -> (demo data) -> load -> check feeds -> dbt build -> Great Expectations, all in a
private working file (``WORK_DUCKDB_PATH``, default ``<name>.work.duckdb`` beside
``DUCKDB_PATH``) -> publish the BI-facing relations to ``DUCKDB_PATH`` in one atomic rename
-> headline report. `make build` runs this. Anything that goes wrong before the rename
leaves the published file bit for bit as it was and ends with one line,
``nothing was published: <why>``; refused input exits 2, a failed build or validation 1.
When the raw folder is the bundled demo location and holds no data yet, the demo
generator writes it first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from cskpi import feeds
from cskpi.dbt_runner import VarsError, parse_vars, project_vars, run_dbt
from cskpi.loader import DEFAULT_DUCKDB_PATH, LoadError, load_folder
from cskpi.publish import (
    PublishError,
    WarehouseLock,
    check_writable,
    default_work_path,
    publish,
    raw_fingerprint,
    remove_leftovers,
)

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEMO_DIR = PROJECT_DIR / "data" / "demo"
WORK_PATH_ENV = "WORK_DUCKDB_PATH"

REFUSED = 2  # bad input: the run was refused
FAILED = 1   # the build or the validation failed


class NotPublished(Exception):
    """Stops the run; ``str()`` is the reason, ``code`` the exit code."""

    def __init__(self, why: str, code: int = REFUSED) -> None:
        super().__init__(why)
        self.code = code


def _step(title: str) -> float:
    print(f"\n==> {title}", flush=True)
    return time.perf_counter()


def _done(started: float) -> None:
    print(f"    ({time.perf_counter() - started:.1f} s)", flush=True)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def dbt(args: list[str], duckdb_path: Path, pass_fds: tuple[int, ...] = ()) -> int:
    """Run dbt through the project's runner, streaming its progress lines."""
    return run_dbt(args, duckdb_path, capture=False, pass_fds=pass_fds).returncode


def as_of_date(text: str) -> str:
    """argparse type: an ISO date, refused with a clear message otherwise."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: use YYYY-MM-DD, e.g. AS_OF=2026-10-31") from None


def _failed_nodes(target: Path) -> list[str]:
    """Names of the failed or errored nodes of the last dbt run (run_results.json)."""
    try:
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [r["unique_id"].split(".")[2] for r in results.get("results", [])
            if r.get("status") in ("fail", "error")]


def _dbt_failure(code: int) -> str:
    if code < 0:
        return f"dbt build was killed (signal {-code})"
    failed = _failed_nodes(PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target"))
    if not failed:
        return f"dbt build failed (exit {code}); see the messages above"
    shown = ", ".join(failed[:3]) + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")
    return f"dbt build failed ({len(failed)} failing: {shown}); see the messages above"


def _remove_database(path: Path) -> None:
    for stale in (path, Path(f"{path}.wal")):
        stale.unlink(missing_ok=True)


def run(raw_dir: Path, as_of: str, duckdb_path: Path, demo_customers: int,
        validate: bool = True, report: bool = True,
        dbt_vars: dict[str, object] | None = None, work_path: Path | None = None) -> int:
    """Build ``raw_dir`` in the working file and publish it; return the exit code."""
    total = time.perf_counter()
    work_path = work_path or default_work_path(duckdb_path)
    try:
        if work_path.resolve() == duckdb_path.resolve():
            raise NotPublished("WORK_DUCKDB_PATH must differ from DUCKDB_PATH")
        check_writable(duckdb_path)
        check_writable(work_path)
        with WarehouseLock(duckdb_path, raw_dir) as lock:
            if lock.took_over:
                warn(f"taking over the lock of an earlier run that was stopped (pid "
                     f"{lock.took_over.get('pid')}, started {lock.took_over.get('started_at')})")
            remove_leftovers(duckdb_path)
            published = _build_and_publish(raw_dir, as_of, duckdb_path, work_path,
                                           demo_customers, validate, dbt_vars or {}, lock.fd)
    except NotPublished as exc:
        print(f"nothing was published: {exc}", file=sys.stderr, flush=True)
        return exc.code
    except (PublishError, LoadError, feeds.FeedError) as exc:
        print(f"nothing was published: {exc}", file=sys.stderr, flush=True)
        return REFUSED

    print(f"\npublished {len(published.relations)} relations to {duckdb_path} in "
          f"{published.seconds:.1f} s", flush=True)
    if report:
        from cskpi import report as reporting

        # The working file's marts are the published ones, read without racing a reader.
        currency = {**project_vars(), **(dbt_vars or {})}.get("reporting_currency")
        reporting.print_headline(work_path, str(currency or "USD"))
    print(f"\nbuild finished in {time.perf_counter() - total:.1f} s", flush=True)
    return 0


def _build_and_publish(raw_dir: Path, as_of: str, duckdb_path: Path, work_path: Path,
                       demo_customers: int, validate: bool, dbt_vars: dict[str, object],
                       lock_fd: int | None):
    if raw_dir.resolve() == DEMO_DIR.resolve() and not any(raw_dir.glob("*/*.csv")):
        from cskpi import demo

        t = _step(f"generating demo data ({demo_customers} customers) in {raw_dir}")
        demo.generate(raw_dir, customers=demo_customers,
                      as_of=date.fromisoformat(demo.DEMO_AS_OF))
        _done(t)

    t = _step(f"loading {raw_dir} into the working file {work_path}")
    _remove_database(work_path)  # every run starts from an empty private file
    counts = load_folder(raw_dir, work_path)
    _done(t)

    settings = {**project_vars(), **dbt_vars}
    report = feeds.check(work_path, counts, as_of=date.fromisoformat(as_of),
                         reporting_currency=str(settings.get("reporting_currency") or "USD"))
    for message in report.warnings:
        warn(message)

    t = _step(f"dbt build (as_of_date {as_of}) in {work_path}")
    variables = {**dbt_vars, "as_of_date": as_of}
    fds = (lock_fd,) if lock_fd is not None else ()
    code = dbt(["build", "--vars", json.dumps(variables)], work_path, pass_fds=fds)
    _done(t)
    if code != 0:
        raise NotPublished(_dbt_failure(code), FAILED)

    if validate:
        from cskpi import validate as validation

        t = _step("validating the marts (Great Expectations)")
        code = validation.main(["--duckdb-path", str(work_path)])
        _done(t)
        if code != 0:
            raise NotPublished("Great Expectations found failing marts; see above", FAILED)

    t = _step(f"publishing to {duckdb_path}")
    info = {
        "built_at": datetime.now(UTC),
        "as_of_date": as_of,
        "raw_fingerprint": raw_fingerprint(raw_dir),
        "raw_rows": sum(counts.values()),
        "dbt_vars": dbt_vars,
    }
    try:
        published = publish(work_path, duckdb_path, info)
    except duckdb.Error as exc:
        raise NotPublished(f"could not write the published file beside {duckdb_path} "
                           f"({type(exc).__name__})", FAILED) from None
    _done(t)
    return published


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", type=Path, default=DEMO_DIR)
    parser.add_argument("--as-of", required=True, type=as_of_date,
                        help="as-of date, YYYY-MM-DD")
    parser.add_argument("--duckdb-path", type=Path,
                        default=Path(os.environ.get("DUCKDB_PATH") or DEFAULT_DUCKDB_PATH),
                        help="the published warehouse BI reads (default: $DUCKDB_PATH)")
    parser.add_argument("--work-duckdb-path", type=Path,
                        default=Path(p) if (p := os.environ.get(WORK_PATH_ENV)) else None,
                        help="the build's private working file (default: $WORK_DUCKDB_PATH "
                             "or <name>.work.duckdb beside the published file)")
    parser.add_argument("--demo-customers", type=int, default=600)
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument("--vars", default="",
                        help="extra dbt vars as a YAML mapping, e.g. '{gross_margin: 0.7}'")
    args = parser.parse_args(argv)
    try:
        dbt_vars = parse_vars(args.vars)
    except VarsError as exc:
        print(f"nothing was published: {exc}", file=sys.stderr)
        return REFUSED
    if "as_of_date" in dbt_vars:
        print("nothing was published: --vars: set the as-of date with AS_OF / --as-of, "
              "not as_of_date", file=sys.stderr)
        return REFUSED
    return run(args.raw_dir, args.as_of, args.duckdb_path, args.demo_customers,
               validate=not args.skip_validation, dbt_vars=dbt_vars,
               work_path=args.work_duckdb_path)


if __name__ == "__main__":
    sys.exit(main())
