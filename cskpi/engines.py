"""The pipeline on another engine: (demo data) -> load -> dbt build -> export -> validate
-> report, with each step's wall time.

    python -m cskpi.engines spark --raw-dir data/demo --as-of 2026-11-15
    python -m cskpi.engines postgres --raw-dir data/demo --as-of 2026-11-15

`make build-spark` runs this from .venv-spark (dbt-spark[session] and pyspark),
`make build-postgres` from .venv (dbt-postgres is in requirements.lock).
dbt reads the engine's target from profiles.example.yml, with its target/ and logs/ in
data/<engine>/, so the DuckDB build's manifest stays where it is. The marts are then
copied through the engine into data/<engine>/export.duckdb (`cskpi.export`), where the
same Great Expectations suites and the headline report run as on DuckDB, and where
`cskpi.compare` finds them. On PostgreSQL the run holds the publish lock throughout and
ends by publishing the work schema's marts (`cskpi.publish_postgres`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEMO_DIR = PROJECT_DIR / "data" / "demo"
ENGINES = ("spark", "postgres")


def work_dir(engine: str) -> Path:
    return PROJECT_DIR / "data" / engine


def manifest_path(engine: str) -> Path:
    """The manifest.json of the engine's last dbt run (it names the semantic relations)."""
    return work_dir(engine) / "target" / "manifest.json"


def export_path(engine: str) -> Path:
    return work_dir(engine) / "export.duckdb"


def _step(title: str) -> float:
    print(f"\n==> {title}", flush=True)
    return time.perf_counter()


def _done(started: float, label: str, timings: dict[str, float]) -> None:
    timings[label] = time.perf_counter() - started
    print(f"    ({timings[label]:.1f} s)", flush=True)


def dbt(engine: str, args: list[str]) -> int:
    """Run dbt on the engine's target from this virtualenv, streaming its output."""
    work = work_dir(engine)
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_DIR / "profiles.example.yml", work / "profiles.yml")
    env = dict(os.environ, DBT_PROFILES_DIR=str(work))
    if engine == "spark":
        from cskpi.spark_session import HOME_ENV, environment, spark_home

        environment()
        env[HOME_ENV] = str(spark_home())
        env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # dbt's entry point, run by this interpreter: .venv-spark has no `dbt` script of
    # its own (dbt-core comes from .venv, which it is layered on).
    return subprocess.call(
        [sys.executable, "-m", "cskpi.dbt_cli", *args, "--target", engine,
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=PROJECT_DIR, env=env)


def _python(module: str, *args: str) -> int:
    """Run a cskpi module in its own process: on Spark each step's JVM, and with it the
    Derby metastore's lock (one process at a time), ends before the next step starts."""
    env = dict(os.environ)
    if "SPARK_LOCAL_IP" not in env:
        env["SPARK_LOCAL_IP"] = "127.0.0.1"
    return subprocess.call([sys.executable, "-m", module, *args], cwd=PROJECT_DIR, env=env)


def load(engine: str, raw_dir: Path) -> int:
    module = "cskpi.loader_spark" if engine == "spark" else "cskpi.loader_postgres"
    return _python(module, str(raw_dir))


def run(engine: str, raw_dir: Path, as_of: str, demo_customers: int,
        validate: bool = True, report: bool = True, data_tests: bool = True) -> int:
    if engine != "postgres":
        return _run(engine, raw_dir, as_of, demo_customers, validate, report, data_tests)
    # PostgreSQL: one run at a time per published schema, and publish only at the end.
    from cskpi.publish import PublishError
    from cskpi.publish_postgres import AdvisoryLock, publish_schema

    try:
        with AdvisoryLock():
            code = _run(engine, raw_dir, as_of, demo_customers, validate, report,
                        data_tests)
    except PublishError as exc:
        print(f"nothing was published: {exc}", file=sys.stderr, flush=True)
        return 2
    if code != 0:
        print(f"nothing was published: the run stopped before its publish step (exit "
              f"{code}); PostgreSQL schema {publish_schema()} is unchanged",
              file=sys.stderr, flush=True)
    return code


def _run(engine: str, raw_dir: Path, as_of: str, demo_customers: int,
         validate: bool, report: bool, data_tests: bool) -> int:
    timings: dict[str, float] = {}
    total = time.perf_counter()
    if raw_dir.resolve() == DEMO_DIR.resolve() and not any(raw_dir.glob("*/*.csv")):
        from cskpi import demo_data

        t = _step(f"generating demo data ({demo_customers} customers) in {raw_dir}")
        demo_data.generate(raw_dir, customers=demo_customers,
                           as_of=date.fromisoformat(demo_data.DEMO_AS_OF))
        _done(t, "demo data", timings)

    t = _step(f"loading {raw_dir} into {engine}")
    code = load(engine, raw_dir)
    _done(t, "load", timings)
    if code != 0:
        return code

    # Without data tests: seeds, models and unit tests (CI on Spark, where each of the
    # 449 data tests is a Spark job; the comparison with DuckDB checks every value).
    skipped = [] if data_tests else ["--exclude", "test_type:data"]
    t = _step(f"dbt build --target {engine} (as_of_date {as_of})"
              + ("" if data_tests else ", data tests skipped"))
    code = dbt(engine, ["build", "--vars", json.dumps({"as_of_date": as_of}), *skipped])
    _done(t, "dbt build", timings)
    if code != 0:
        print(f"error: dbt build on {engine} failed; see the messages above "
              f"(log: {work_dir(engine) / 'logs' / 'dbt.log'})", file=sys.stderr)
        return code

    t = _step(f"exporting the {engine} relations to {export_path(engine)}")
    code = _python("cskpi.export", "--engine", engine, "--out", str(export_path(engine)))
    _done(t, "export", timings)
    if code != 0:
        return code

    if validate:
        from cskpi import validate as validation

        t = _step(f"validating the {engine} marts (Great Expectations)")
        code = validation.main(["--duckdb-path", str(export_path(engine))])
        _done(t, "validate", timings)
        if code != 0:
            return code
    if engine == "postgres":
        _publish_postgres(raw_dir, as_of, timings)  # PublishError: nothing was published
    if report:
        from cskpi import report as reporting

        reporting.print_headline(export_path(engine))
    seconds = time.perf_counter() - total
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    print(f"\n{engine} build finished in {seconds:.1f} s ({steps})", flush=True)
    return 0


def _publish_postgres(raw_dir: Path, as_of: str, timings: dict[str, float]) -> None:
    """Swap the work schema's marts into the published schema (cskpi.publish_postgres);
    raises PublishError, with the published schema unchanged, when it cannot."""
    from datetime import UTC, datetime

    from cskpi.publish import raw_fingerprint
    from cskpi.publish_postgres import publish, publish_schema

    t = _step(f"publishing to PostgreSQL schema {publish_schema()}")
    done = publish({"built_at": datetime.now(UTC), "as_of_date": as_of,
                    "raw_fingerprint": raw_fingerprint(raw_dir)},
                   manifest=manifest_path("postgres"))
    _done(t, "publish", timings)
    kept = "" if done.old_dropped else " (a reader still holds the previous tables: " \
        "the next publish drops them)"
    print(f"    published {len(done.relations)} relations{kept}", flush=True)


def main(argv: list[str] | None = None) -> int:
    from cskpi.pipeline import as_of_date

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engine", choices=ENGINES)
    parser.add_argument("--raw-dir", type=Path, default=DEMO_DIR)
    parser.add_argument("--as-of", required=True, type=as_of_date, help="YYYY-MM-DD")
    parser.add_argument("--demo-customers", type=int, default=600)
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-data-tests", action="store_true",
                        help="dbt build without the data tests (models, seeds, unit tests)")
    args = parser.parse_args(argv)
    return run(args.engine, args.raw_dir, args.as_of, args.demo_customers,
               validate=not args.skip_validation, report=not args.skip_report,
               data_tests=not args.skip_data_tests)


if __name__ == "__main__":
    sys.exit(main())
