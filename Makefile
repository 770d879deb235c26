# Two commands for a new user: `make build` and `make test`. Each installs what it needs.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

# Where the raw exports come from, the as-of date and the DuckDB file.
RAW_DIR ?= data/demo
AS_OF ?= 2026-11-15
DUCKDB_PATH ?= data/warehouse/cs_kpis.duckdb
DEMO_CUSTOMERS ?= 600

export DBT_PROFILES_DIR := $(CURDIR)
export DUCKDB_PATH

.PHONY: install build demo-data load dbt-build test test-fast lint pytest validate bench \
	clean test-postgres

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@echo "==> installing pinned dependencies into $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

build: install
	$(PY) -m cskpi.pipeline --raw-dir "$(RAW_DIR)" --as-of "$(AS_OF)" \
		--demo-customers $(DEMO_CUSTOMERS)

load: install
	$(PY) -m cskpi.loader "$(RAW_DIR)"

# Macros and generic tests (tests/generic is in .sqlfluffignore) render to nothing on
# their own: their SQL is linted inside the models that call them (.sqlfluff renders
# adapter.dispatch and dbt's cross-database macros).
lint: install
	@echo "==> sqlfluff (dialect duckdb)"
	$(BIN)/sqlfluff lint models tests analyses --processes 2
	@echo "==> ruff"
	$(BIN)/ruff check cskpi tests lint
	@echo "==> dbt-score (dbt metadata: docs, keys, naming, lineage, contracts)"
	$(BIN)/dbt parse --quiet --target-path target/lint
	$(PY) -m cskpi.conventions target/lint/manifest.json

pytest: install
	$(BIN)/pytest

# Every pytest test but the slow end-to-end ones (marker `slow`: a full demo build or
# many dbt builds); `make test` runs them all.
test-fast: install
	$(BIN)/pytest -m "not slow"

# The Great Expectations suites on an existing warehouse (`make build` runs them too).
validate: install
	$(PY) -m cskpi.validate --duckdb-path "$(DUCKDB_PATH)"

# The MetricFlow semantic layer (models/marts/semantic/): `dbt parse` writes
# target/semantic_manifest.json (mf reads it from there), then the semantic
# validations and every metric, dimension and measure queried on the warehouse
# DUCKDB_PATH (so after `build`). Exit code 1 on any error.
.PHONY: semantic-validate
semantic-validate: install
	@echo "==> MetricFlow: dbt parse, mf validate-configs on $(DUCKDB_PATH)"
	$(BIN)/dbt parse --quiet
	$(BIN)/mf validate-configs

# lint, then the demo build (dbt build with its unit and data tests, and the GX suites
# on the demo data), then pytest (formula, harness, GX-gate and conventions tests), so
# the run ends with pytest's summary.
test: lint build pytest

bench: install
	$(PY) -m cskpi.bench

# The same pipeline on PostgreSQL (local or not): load RAW_DIR with COPY and run
# `dbt build --target postgres` (models and data tests). Needs CS_KPIS_PG_USER,
# CS_KPIS_PG_PASSWORD and CS_KPIS_PG_DATABASE (CS_KPIS_PG_HOST/PORT/SCHEMA optional).
# dbt-postgres lives in its own virtualenv, outside requirements.lock.
PG_VENV ?= .venv-postgres
PG_WORK ?= data/postgres
PG_PACKAGES ?= dbt-postgres==1.11.0 psycopg2-binary==2.9.13

$(PG_VENV)/.installed: requirements.lock pyproject.toml
	@echo "==> installing pinned dependencies and $(PG_PACKAGES) into $(PG_VENV)"
	$(PYTHON) -m venv $(PG_VENV)
	$(PG_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock \
		$(PG_PACKAGES) 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
	$(PG_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

test-postgres: $(PG_VENV)/.installed
	@test -n "$$CS_KPIS_PG_USER" && test -n "$$CS_KPIS_PG_PASSWORD" \
		&& test -n "$$CS_KPIS_PG_DATABASE" || { echo "error: set CS_KPIS_PG_USER," \
		"CS_KPIS_PG_PASSWORD and CS_KPIS_PG_DATABASE" >&2; exit 2; }
	@if ! ls "$(RAW_DIR)"/*/*.csv >/dev/null 2>&1; then \
		$(PG_VENV)/bin/python -m cskpi.demo_data --out "$(RAW_DIR)" \
			--customers $(DEMO_CUSTOMERS); fi
	$(PG_VENV)/bin/python -m cskpi.loader_postgres "$(RAW_DIR)"
	mkdir -p "$(PG_WORK)" && cp profiles.example.yml "$(PG_WORK)/profiles.yml"
	$(PG_VENV)/bin/dbt build --target postgres --profiles-dir "$(PG_WORK)" \
		--target-path "$(PG_WORK)/target" --log-path "$(PG_WORK)/logs" \
		--vars '{as_of_date: $(AS_OF)}'

clean:
	rm -rf target logs data/warehouse data/demo
