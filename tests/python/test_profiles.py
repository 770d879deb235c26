"""The DuckDB profiles: memory settings reach DuckDB once, when the file is opened.

dbt-duckdb runs a profile's `settings` as `SET` on every new cursor; DuckDB refuses a
second `SET temp_directory` once a query has spilled there ("Cannot switch temporary
directory after the current one has been used"), so every model after the first spill
failed (seen at 100,000 customers with the 4GB default, and on the 600-customer demo
with DUCKDB_MEMORY_LIMIT=40MB). `config_options` go to duckdb.connect once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["profiles.yml", "profiles.example.yml"])
def test_duckdb_memory_limit_and_spill_folder_are_set_at_connect(name):
    output = yaml.safe_load((ROOT / name).read_text())["cs_kpis"]["outputs"]["duckdb"]
    assert set(output["config_options"]) >= {"memory_limit", "temp_directory"}
    assert not {"memory_limit", "temp_directory"} & set(output.get("settings") or {})
    assert "DUCKDB_MEMORY_LIMIT" in output["config_options"]["memory_limit"]
    assert "DUCKDB_TEMP_DIR" in output["config_options"]["temp_directory"]
