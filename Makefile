# Two commands for a new user: `make build` and `make test`. Each installs what it needs.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
# Any Python 3.11 or newer: the first of python3.11 .. python3.14, python3 found on PATH.
PYTHON ?= $(firstword $(foreach p,python3.11 python3.12 python3.13 python3.14 python3,\
	$(shell command -v $(p) 2>/dev/null)))
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

# Where the raw exports come from, the as-of date and the DuckDB file.
RAW_DIR ?= data/demo
AS_OF ?= 2026-11-15
DUCKDB_PATH ?= data/warehouse/cs_kpis.duckdb
DEMO_CUSTOMERS ?= 600
# The private working file of a build (default: beside DUCKDB_PATH, see README).
WORK_DUCKDB_PATH ?=
# Extra dbt vars as a YAML mapping, e.g. VARS='{gross_margin: 0.7}' (checked before dbt).
VARS ?=

# Values reach recipes only as quoted environment variables ("$$RAW_DIR"), never
# pasted into a command line: `override X := $(value X)` keeps make from expanding
# $(...) in a value and the quoting keeps the shell from reading it.
override RAW_DIR := $(value RAW_DIR)
override AS_OF := $(value AS_OF)
override DUCKDB_PATH := $(value DUCKDB_PATH)
override WORK_DUCKDB_PATH := $(value WORK_DUCKDB_PATH)
override DEMO_CUSTOMERS := $(value DEMO_CUSTOMERS)
override VARS := $(value VARS)
export RAW_DIR AS_OF DUCKDB_PATH WORK_DUCKDB_PATH DEMO_CUSTOMERS VARS
export DBT_PROFILES_DIR := $(CURDIR)

.PHONY: install build demo-data load dbt-build test test-fast lint pytest validate bench \
	clean test-postgres install-spark install-postgres build-spark build-postgres \
	postgres-start postgres-stop compare-spark compare-postgres test-engines dashboard \
	browser docs semantic-validate

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@echo "==> installing pinned dependencies into $(VENV)"
	@test -n "$(PYTHON)" || { echo "error: no python3.11 or newer on PATH; set PYTHON=..." >&2; exit 2; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo \
		"error: $(PYTHON) is Python < 3.11; set PYTHON to a Python 3.11 or newer" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

build: install
	$(PY) -m cskpi.pipeline --raw-dir "$$RAW_DIR" --as-of "$$AS_OF" \
		--demo-customers "$$DEMO_CUSTOMERS" --vars "$$VARS"

load: install
	$(PY) -m cskpi.loader "$$RAW_DIR"

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

# Two pytest processes (pytest-xdist; each module runs whole on one of them, the
# longest first: tests/python/conftest.py). PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),-p no:xdist,-n $(PYTEST_WORKERS) \
	--dist loadfile --no-loadscope-reorder)
pytest: install
	$(BIN)/pytest $(PYTEST_PARALLEL)

# Every pytest test but the slow end-to-end ones (marker `slow`: a full demo build or
# many dbt builds); `make test` runs them all.
test-fast: install
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not slow"

# The Great Expectations suites on the last build's working file (`make build` runs
# them too, before it publishes).
validate: install
	$(PY) -m cskpi.validate --duckdb-path "$${WORK_DUCKDB_PATH:-$${DUCKDB_PATH%.duckdb}.work.duckdb}"

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
test: lint build semantic-validate browser pytest

# The KPI dashboard on the published warehouse (read-only; keeps working while a
# build runs): http://127.0.0.1:$(DASHBOARD_PORT).
DASHBOARD_PORT ?= 8501
dashboard: install
	$(PY) -m cskpi.dashboard --duckdb-path "$(DUCKDB_PATH)" --port "$(DASHBOARD_PORT)"

# Debian's Chromium for the dashboard's browser tests (root and apt needed; without
# it those tests skip, saying so).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "==> installing Debian's chromium for the browser tests"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				chromium >/dev/null) || echo "warning: chromium could not be installed:" \
				"the dashboard's browser tests will skip"; \
		else echo "warning: no chromium and no root apt-get: the dashboard's browser" \
			"tests will skip"; fi; }

# The dbt docs site (overview page, every model, column and exposure) as one
# self-contained file that works offline.
docs: install
	$(BIN)/dbt docs generate --static --vars '{as_of_date: "$(AS_OF)"}' >/dev/null
	@echo "dbt docs: $(CURDIR)/target/static_index.html (open it in a browser; no server needed)"

# Figures for 10,000 and 100,000 customers (BENCH_LARGE=1 adds 1,000,000): generation,
# load, full build, a daily run, the floor query beside +kpi_mrr; wall, CPU, peak RSS.
# On the shared development machine runs queue on $(BENCH_LOCK) (one bench at a time).
BENCH_LOCK ?= /work/bench.lock
BENCH_ARGS ?=
bench: install
	$(if $(wildcard $(dir $(BENCH_LOCK))),flock $(BENCH_LOCK)) $(PY) -m cskpi.bench $(BENCH_ARGS)

# The same pipeline on PostgreSQL (local or not): load RAW_DIR with COPY and run
# `dbt build --target postgres` (models and data tests). Needs CS_KPIS_PG_USER,
# CS_KPIS_PG_PASSWORD and CS_KPIS_PG_DATABASE (CS_KPIS_PG_HOST/PORT/SCHEMA optional).
# dbt-postgres and psycopg2 are in requirements.lock: PostgreSQL runs from $(VENV).
PG_VENV := $(VENV)
PG_WORK ?= data/postgres

test-postgres: install
	@test -n "$$CS_KPIS_PG_USER" && test -n "$$CS_KPIS_PG_PASSWORD" \
		&& test -n "$$CS_KPIS_PG_DATABASE" || { echo "error: set CS_KPIS_PG_USER," \
		"CS_KPIS_PG_PASSWORD and CS_KPIS_PG_DATABASE" >&2; exit 2; }
	@if ! ls "$(RAW_DIR)"/*/*.csv >/dev/null 2>&1; then \
		$(PG_VENV)/bin/python -m cskpi.demo --out "$(RAW_DIR)" \
			--customers $(DEMO_CUSTOMERS); fi
	$(PG_VENV)/bin/python -m cskpi.loader_postgres "$(RAW_DIR)"
	mkdir -p "$(PG_WORK)" && cp profiles.example.yml "$(PG_WORK)/profiles.yml"
	$(PG_VENV)/bin/dbt build --target postgres --profiles-dir "$(PG_WORK)" \
		--target-path "$(PG_WORK)/target" --log-path "$(PG_WORK)/logs" \
		--vars '{as_of_date: $(AS_OF)}'

# --- other engines (README "Engines") ---------------------------------------------------
# `make build-spark` / `make build-postgres`: the demo pipeline (load, dbt build, export,
# validate, report) on a local Spark session or on PostgreSQL, each from its own
# virtualenv. Without CS_KPIS_PG_USER, build-postgres starts the project's own server
# (ci/postgres.sh: Debian's PostgreSQL 15 on 127.0.0.1:55432, data in data/pg).
# compare-<engine> checks that engine's marts against the DuckDB build (`make build`).
SPARK_VENV ?= .venv-spark
SPARK_PACKAGES ?= dbt-spark[session]==1.11.0 pyspark==4.3.0 py4j==0.10.9.9 sqlparams==6.2.0
ENGINE_FLAGS ?=
ENGINE_ARGS = --raw-dir "$(RAW_DIR)" --as-of "$(AS_OF)" --demo-customers $(DEMO_CUSTOMERS) \
	$(ENGINE_FLAGS)
export SPARK_LOCAL_IP ?= 127.0.0.1
export CS_KPIS_SPARK_HOME ?= $(CURDIR)/data/spark

install-spark: $(SPARK_VENV)/.installed
install-postgres: install

# .venv-spark is layered on .venv: a .pth file puts .venv's packages (and its editable
# cskpi) on its path, so pip, given the same lock, installs only what Spark adds
# (dbt-spark, pyspark, py4j, sqlparams) instead of every package again. Rebuilt
# whenever .venv is.
$(SPARK_VENV)/.installed: $(VENV)/.installed
	@echo "==> installing $(SPARK_PACKAGES) into $(SPARK_VENV), layered on $(VENV)"
	rm -rf $(SPARK_VENV)
	$(PYTHON) -m venv $(SPARK_VENV)
	base="$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"; \
	own="$$($(SPARK_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"; \
	echo "import site; site.addsitedir('$$(cd "$$base" && pwd)')" > "$$own/_cs_kpis_base_venv.pth"
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock \
		$(SPARK_PACKAGES) 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

build-spark: $(SPARK_VENV)/.installed
	$(SPARK_VENV)/bin/python -m cskpi.engines spark $(ENGINE_ARGS)

postgres-start:
	ci/postgres.sh start

postgres-stop:
	ci/postgres.sh stop

build-postgres: install
	@if [ -z "$$CS_KPIS_PG_USER" ]; then ci/postgres.sh start; eval "$$(ci/postgres.sh env)"; fi; \
		$(PG_VENV)/bin/python -m cskpi.engines postgres $(ENGINE_ARGS)

compare-spark compare-postgres: compare-%: install
	$(PY) -m cskpi.compare "$(DUCKDB_PATH)" data/$*/export.duckdb --label $* --raw

# The demo on all three engines, compared (what .ci/run does after `make test`).
test-engines: build build-postgres compare-postgres build-spark compare-spark

clean:
	rm -rf target logs data/warehouse data/demo data/spark data/postgres
