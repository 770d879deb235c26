"""Validate the marts of a built warehouse with Great Expectations.

    python -m cskpi.validate [--duckdb-path data/warehouse/cs_kpis.duckdb] [--mart kpi_mrr]

Runs the suites of `cskpi.expectations` (one per mart, plus the cross-table checks) on
pandas frames read from DuckDB, writes the HTML validation report (GX data docs) to
`reports/data_docs/` (or $CS_KPIS_DATA_DOCS_DIR) and returns 0 when every expectation
holds. A failed expectation prints the table, the expectation with its arguments and up
to five offending rows, and the command exits 1; a missing mart exits 1 too. `make build`
runs this after `dbt build`, `make test` on the demo warehouse.

GX reads frames, not the warehouse: GX 1.24's SQL datasource fails every expectation on
DuckDB (the result is read after the connection closed).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from cskpi.loader import DEFAULT_DUCKDB_PATH

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DOCS_DIR = PROJECT_DIR / "reports" / "data_docs"
DOCS_DIR_ENV = "CS_KPIS_DATA_DOCS_DIR"  # overrides the report folder (tests use it)


def default_docs_dir() -> Path:
    return Path(os.environ.get(DOCS_DIR_ENV) or DEFAULT_DOCS_DIR)
SAMPLE_ROWS = 5


@dataclass
class Outcome:
    """One validated frame: a mart's suite or a frame check."""

    name: str
    table: str
    expectations: int
    failures: list[str]
    seconds: float


class Warehouse:
    """Read-only access to the DuckDB file, by table name whatever the schema."""

    def __init__(self, path: Path) -> None:
        self.con = duckdb.connect(str(path), read_only=True)
        rows = self.con.execute(
            "select table_name, table_schema from information_schema.tables "
            "order by table_schema = 'main' desc, table_schema"
        ).fetchall()
        self.schemas: dict[str, str] = {}
        for table, schema in rows:
            self.schemas.setdefault(table, schema)
        # Queries name tables bare: put every schema holding one on the search path.
        search_path = ",".join(dict.fromkeys(f'"{s}"' for s in self.schemas.values()))
        if search_path:
            self.con.execute(f"set search_path = '{search_path}'")

    def has(self, table: str) -> bool:
        return table in self.schemas

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def table(self, table: str) -> pd.DataFrame:
        return self.frame(f'select * from "{self.schemas[table]}"."{table}"')

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.con.execute(
            "select column_name from information_schema.columns "
            "where table_name = ? and table_schema = ? order by ordinal_position",
            [table, self.schemas[table]],
        ).fetchall()]

    def close(self) -> None:
        self.con.close()


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    warnings.filterwarnings("ignore", module="great_expectations")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def make_context(docs_dir: Path):  # -> great_expectations EphemeralDataContext
    """An in-memory GX context whose one data docs site is `docs_dir`."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={
            "local_site": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def _kwargs_text(kwargs: dict) -> str:
    def show(value: object) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # GX stores bounds as floats: min_value=0, not 0.0
        return repr(value)

    shown = {k: v for k, v in kwargs.items() if k not in ("batch_id",) and v is not None}
    return ", ".join(f"{k}={show(v)}" for k, v in shown.items())


def _columns_of(kwargs: dict) -> list[str]:
    columns = [kwargs["column"]] if kwargs.get("column") else []
    columns += list(kwargs.get("column_list") or [])
    return columns


def _exception_message(info: dict) -> str | None:
    """GX's exception info: flat, or one entry per metric that failed to compute."""
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return str(value["exception_message"]).strip().splitlines()[-1]
    return None


def describe_failure(table: str, result, frame: pd.DataFrame,
                     key_columns: Sequence[str]) -> str:
    """Table, expectation with its arguments, and up to SAMPLE_ROWS offending rows."""
    config = result.expectation_config
    lines = [f"FAILED {table}: {config.type}({_kwargs_text(config.kwargs)})"]
    description = getattr(config, "description", None) or config.kwargs.get("description")
    if description:
        lines.append(f"    check: {description}")
    error = _exception_message(result.exception_info or {})
    if error:
        lines.append(f"    error: {error}")
        return "\n".join(lines)
    details = result.result or {}
    indexes = details.get("unexpected_index_list")
    if indexes:
        count = details.get("unexpected_count", len(indexes))
        lines.append(f"    {count} of {len(frame)} rows unexpected; first {SAMPLE_ROWS}:")
        wanted = [*key_columns, *_columns_of(config.kwargs)]
        columns = list(dict.fromkeys(c for c in wanted if c in frame.columns)) or list(
            frame.columns)
        positions = [i for i in indexes if isinstance(i, int | float)][:SAMPLE_ROWS]
        sample = frame.loc[positions, columns] if positions else frame.head(0)
        lines += ["    " + line for line in sample.to_string(index=False).splitlines()]
    elif "observed_value" in details:
        lines.append(f"    observed: {details['observed_value']!r}")
        if len(frame) and len(frame) <= 50 and config.type.startswith("expect_table_row"):
            lines += ["    " + ln for ln in frame.head(SAMPLE_ROWS).to_string(
                index=False).splitlines()]
    return "\n".join(lines)


class Runner:
    """Validates frames with GX suites and collects the outcomes."""

    def __init__(self, docs_dir: Path) -> None:
        import great_expectations as gx

        self.gx = gx
        self.context = make_context(docs_dir)
        self.source = self.context.data_sources.add_pandas("warehouse")
        self.outcomes: list[Outcome] = []

    def validate(self, name: str, table: str, frame: pd.DataFrame, expectations: Iterable,
                 key_columns: Sequence[str], description: str | None = None) -> Outcome:
        started = time.perf_counter()
        gx = self.gx
        suite = self.context.suites.add(gx.ExpectationSuite(name=name))
        if description:
            suite.notes = description
        for expectation in expectations:
            if description and not getattr(expectation, "description", None):
                expectation.description = description
            suite.add_expectation(expectation)
        asset = self.source.add_dataframe_asset(name=name)
        batch_definition = asset.add_batch_definition_whole_dataframe(f"{name}__whole")
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite))
        frame = frame.reset_index(drop=True)
        result = definition.run(batch_parameters={"dataframe": frame},
                                result_format={"result_format": "COMPLETE"})
        failures = [describe_failure(table, r, frame, key_columns)
                    for r in result.results if not r.success]
        outcome = Outcome(name, table, len(result.results), failures,
                          time.perf_counter() - started)
        self.outcomes.append(outcome)
        return outcome

    def build_docs(self) -> Path | None:
        self.context.build_data_docs()
        urls = self.context.get_docs_sites_urls(only_if_exists=False)
        for url in urls:
            site_url = url.get("site_url") or ""
            if site_url.startswith("file://"):
                return Path(site_url[len("file://"):])
        return None


def _reset_docs_dir(docs_dir: Path) -> None:
    """Start from an empty report folder (only ever a folder GX wrote, or a new one)."""
    if docs_dir.exists():
        if any(docs_dir.iterdir()) and not (docs_dir / "index.html").exists():
            raise SystemExit(f"error: {docs_dir} exists and is not a data docs folder")
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)


def run(duckdb_path: Path, docs_dir: Path | None = None,
        marts: Sequence[str] | None = None, out=None, err=None) -> int:
    """Validate the marts (all of the spec's, or `marts`); 0 when all expectations hold."""
    from cskpi import expectations as spec

    docs_dir = (docs_dir or default_docs_dir()).resolve()  # GX needs an absolute path

    out = out or sys.stdout
    err = err or sys.stderr
    _quiet_gx()
    if not duckdb_path.exists():
        print(f"error: no warehouse at {duckdb_path}; run `make build` first", file=err)
        return 2
    unknown = sorted(set(marts or []) - set(spec.SUITES_BY_TABLE))
    if unknown:
        print(f"error: no suite for {', '.join(unknown)}", file=err)
        return 2
    selected = [s for s in spec.MART_SUITES if marts is None or s.table in marts]
    warehouse = Warehouse(duckdb_path)
    try:
        missing = [s.table for s in selected if not warehouse.has(s.table)]
        present = [s for s in selected if warehouse.has(s.table)]
        _reset_docs_dir(docs_dir)
        runner = Runner(docs_dir)
        for suite in present:
            runner.validate(suite.table, suite.table, warehouse.table(suite.table),
                            suite.expectations(), suite.key_columns)

        present_tables = {s.table for s in present}
        checks = [c for s in present for c in spec.month_checks(s)]
        checks += spec.cross_checks()
        if "kpi_scorecard" in present_tables:
            checks += spec.scorecard_checks(warehouse.columns("kpi_scorecard"))
        for check in checks:
            marts_read = [t for t in check.tables if t in spec.SUITES_BY_TABLE]
            if not all(t in present_tables for t in marts_read):
                continue  # a mart it reads is missing (reported) or not selected
            if not all(warehouse.has(t) for t in check.tables):
                missing_tables = [t for t in check.tables if not warehouse.has(t)]
                runner.outcomes.append(Outcome(
                    check.name, check.tables[0], 1,
                    [f"FAILED {check.tables[0]}: {check.name} cannot run: "
                     f"{', '.join(missing_tables)} missing"], 0.0))
                continue
            frame = warehouse.frame(check.sql)
            runner.validate(check.name, check.tables[0], frame, check.expectations(),
                            list(frame.columns), description=check.description)
        docs_started = time.perf_counter()
        report = runner.build_docs()
        docs_seconds = time.perf_counter() - docs_started
    finally:
        warehouse.close()

    failures = [f for o in runner.outcomes for f in o.failures]
    total = sum(o.expectations for o in runner.outcomes)
    for outcome in runner.outcomes:
        status = "ok  " if not outcome.failures else "FAIL"
        print(f"  {status} {outcome.name} ({outcome.expectations} expectations, "
              f"{outcome.seconds:.2f} s)", file=out)
    for table in missing:
        failures.append(f"FAILED {table}: the mart is missing from {duckdb_path}")
    for failure in failures:
        print(failure, file=err)
    validation_seconds = sum(o.seconds for o in runner.outcomes)
    print(f"{len(runner.outcomes)} suites, {total} expectations, {len(failures)} failed "
          f"(validation {validation_seconds:.1f} s, data docs {docs_seconds:.1f} s)",
          file=out)
    print(f"validation report (data docs): {report or docs_dir}", file=out)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb-path", type=Path,
                        default=Path(os.environ.get("DUCKDB_PATH", DEFAULT_DUCKDB_PATH)))
    parser.add_argument("--docs-dir", type=Path, default=None,
                        help=f"where the HTML validation report goes (default: ${DOCS_DIR_ENV} "
                             f"or {DEFAULT_DOCS_DIR.relative_to(PROJECT_DIR)})")
    parser.add_argument("--mart", action="append", dest="marts",
                        help="validate only this mart (repeatable); default: every mart")
    args = parser.parse_args(argv)
    return run(args.duckdb_path, args.docs_dir, args.marts)


if __name__ == "__main__":
    sys.exit(main())
