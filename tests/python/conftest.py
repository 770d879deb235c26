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


# `make pytest` runs the modules on two processes (pytest-xdist, --dist loadfile: a
# module's fixtures are built once, on one process). Handing out the longest modules
# first keeps both processes busy to the end. Seconds of each module, measured in one
# serial run of the suite on this 2-core machine (2026-12-01); a module not listed
# counts as short and goes last.
MODULE_SECONDS = {
    "test_publish_faults.py": 311, "test_dashboard_browser.py": 191,
    "test_voc_kpis.py": 100, "test_semantic_layer.py": 100, "test_incremental.py": 100,
    "test_health_score.py": 90, "test_demo_pipeline.py": 81, "test_revenue_cohorts.py": 80,
    "test_conventions.py": 60, "test_staging_descriptive_columns.py": 50,
    "test_staging_bad_rows.py": 50, "test_staging_support_surveys_product_finance.py": 41,
    "test_revenue_renewals.py": 41, "test_revenue_trailing.py": 40,
    "test_revenue_customer_counts.py": 40, "test_revenue_clv.py": 40,
    "test_revenue_mrr.py": 30, "test_mrr_playbook.py": 30, "test_pipeline_cli.py": 30,
    "test_quality_gates.py": 20,
}


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: -MODULE_SECONDS.get(item.path.name, 0))  # stable sort
