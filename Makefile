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

.PHONY: install build demo-data load dbt-build test lint pytest validate bench clean

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

pytest: install
	$(BIN)/pytest

# The Great Expectations suites on an existing warehouse (`make build` runs them too).
validate: install
	$(PY) -m cskpi.validate --duckdb-path "$(DUCKDB_PATH)"

# lint, pytest (unit, harness, GX-gate and conventions tests), then the demo build:
# dbt build (with its unit and data tests) and the GX suites on the demo data.
test: lint pytest build

bench: install
	$(PY) -m cskpi.bench

clean:
	rm -rf target logs data/warehouse data/demo
