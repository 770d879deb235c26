"""Each pytest process (`make pytest` runs two, pytest-xdist) gets its own dbt target/
and logs/ and its own data-docs folder, so builds in parallel never share a manifest,
a run_results.json or a partial-parse file. The harness passes its own --target-path
anyway; this covers the pipeline runs (`cskpi.pipeline` reads DBT_TARGET_PATH)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _own_dbt_paths(tmp_path_factory):
    root = tmp_path_factory.mktemp("dbt-paths")
    saved = {k: os.environ.get(k)
             for k in ("DBT_TARGET_PATH", "DBT_LOG_PATH", "CS_KPIS_DATA_DOCS_DIR")}
    os.environ["DBT_TARGET_PATH"] = str(root / "target")
    os.environ["DBT_LOG_PATH"] = str(root / "logs")
    os.environ["CS_KPIS_DATA_DOCS_DIR"] = str(root / "data_docs")
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
