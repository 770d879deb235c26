"""The conventions gate (`cskpi.conventions.check_manifest`) on dbt's own artifacts.

The real project must report nothing; doctored copies of its manifest and catalog -
an undocumented column, a mart without a key test, a mart reading a source... - must
each report the one violation they carry.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from harness import RawFolder, run_dbt

from cskpi import expectations
from cskpi.conventions import check_manifest
from cskpi.loader import load_folder

VARS = json.dumps({"as_of_date": "2024-03-15"})


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> tuple[dict, dict]:
    """manifest.json and catalog.json of the real project. The catalog needs built
    relations: the models are built empty (`dbt build --empty`, no tests) on an empty
    raw folder, then `dbt docs generate` reads their columns."""
    workdir = tmp_path_factory.mktemp("conventions")
    raw = RawFolder(workdir / "raw")
    raw.write()
    duckdb_path = workdir / "warehouse.duckdb"
    load_folder(raw.root, duckdb_path, quiet=True)
    run_dbt(["build", "--empty", "--exclude-resource-type", "test", "unit_test",
             "--vars", VARS], workdir, duckdb_path)
    run_dbt(["docs", "generate", "--vars", VARS], workdir, duckdb_path)
    target = workdir / "target"
    return (json.loads((target / "manifest.json").read_text()),
            json.loads((target / "catalog.json").read_text()))


def uid(name: str) -> str:
    return f"model.cs_kpis.{name}"


def new_violations(artifacts: tuple[dict, dict], manifest: dict | None = None,
                   catalog: dict | None = None) -> list[str]:
    """What the doctored manifest/catalog reports beyond the real project's own
    violations (none, when test_the_project_follows_its_conventions passes), so each
    test below sees only the break it made."""
    real_manifest, real_catalog = artifacts
    use_catalog = catalog is not None
    baseline = set(check_manifest(real_manifest, real_catalog if use_catalog else None))
    found = check_manifest(manifest or real_manifest, catalog)
    return [v for v in found if v not in baseline]


def test_the_project_follows_its_conventions(artifacts):
    manifest, catalog = artifacts
    violations = check_manifest(manifest, catalog)
    assert violations == [], "\n".join(violations)


def test_every_mart_has_a_gx_suite(artifacts):
    manifest, _ = artifacts
    marts = {node["name"] for node in manifest["nodes"].values()
             if node["resource_type"] == "model"
             and node["original_file_path"].startswith("models/marts/")}
    assert marts, "no marts found in the manifest"
    assert sorted(marts - set(expectations.SUITES_BY_TABLE)) == []
    assert sorted(set(expectations.SUITES_BY_TABLE) - marts) == []


def test_a_column_missing_from_the_yml_is_reported(artifacts):
    manifest, catalog = artifacts
    catalog = copy.deepcopy(catalog)
    catalog["nodes"][uid("kpi_mrr")]["columns"]["secret_margin"] = {
        "name": "secret_margin", "type": "DOUBLE", "index": 99, "comment": None}
    assert new_violations(artifacts, manifest, catalog) == [
        "model kpi_mrr: column secret_margin is not documented (not in the model's yml)"]


def test_a_column_without_description_is_reported(artifacts):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    manifest["nodes"][uid("kpi_mrr")]["columns"]["mrr_end"]["description"] = " "
    assert new_violations(artifacts, manifest) == [
        "model kpi_mrr: column mrr_end is not documented (no description)"]


def test_a_documented_column_the_model_lacks_is_reported(artifacts):
    manifest, catalog = artifacts
    catalog = copy.deepcopy(catalog)
    del catalog["nodes"][uid("int_months")]["columns"]["snapshot_date"]
    assert new_violations(artifacts, manifest, catalog) == [
        "model int_months: documented column snapshot_date does not exist in the built "
        "relation"]


def test_a_model_without_description_is_reported(artifacts):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    manifest["nodes"][uid("dim_customers")]["description"] = ""
    assert new_violations(artifacts, manifest) == ["model dim_customers: no description"]


def test_a_model_without_primary_key_test_is_reported(artifacts):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    for test_id, node in list(manifest["nodes"].items()):
        if (node["resource_type"] == "test" and node.get("attached_node") == uid("kpi_mrr")
                and node["test_metadata"]["name"] in ("unique", "cs_unique_combination")):
            del manifest["nodes"][test_id]
    assert new_violations(artifacts, manifest) == [
        "model kpi_mrr: no primary-key test (unique on a column or cs_unique_combination "
        "on the grain)"]


@pytest.mark.parametrize(("model", "path", "message"), [
    ("kpi_mrr", "models/marts/revenue/mrr_facts.sql",
     "model mrr_facts: should be named kpi_<name>, dim_<name> or fct_<name>"),
    ("int_months", "models/intermediate/revenue/months_spine.sql",
     "model months_spine: should be named int_<name>"),
    ("stg_crm__customers", "models/staging/billing/stg_crm__customers.sql",
     "model stg_crm__customers: should be named stg_billing__<entity> in "
     "models/staging/billing/"),
    ("base_crm__customers", "models/staging/crm/base_crm__customers.sql",
     "model base_crm__customers: should be named stg_crm__<entity> in models/staging/crm/"),
])
def test_a_name_that_does_not_match_its_layer_is_reported(artifacts, model, path, message):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    node = manifest["nodes"][uid(model)]
    node["name"] = Path(path).stem
    node["original_file_path"] = path
    assert new_violations(artifacts, manifest) == [message]


def test_a_mart_reading_a_source_is_reported(artifacts):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    manifest["nodes"][uid("kpi_mrr")]["depends_on"]["nodes"].append(
        "source.cs_kpis.billing.invoices")
    assert new_violations(artifacts, manifest) == [
        "model kpi_mrr: reads source billing.invoices directly (only staging reads sources)"]


def test_staging_reading_another_systems_source_is_reported(artifacts):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    manifest["nodes"][uid("base_billing__invoices")]["depends_on"]["nodes"].append(
        "source.cs_kpis.crm.customers")
    assert new_violations(artifacts, manifest) == [
        "model base_billing__invoices: reads source crm.customers; staging reads only its "
        "own system (billing)"]


def test_staging_reading_a_mart_is_reported(artifacts):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    manifest["nodes"][uid("stg_crm__customers")]["depends_on"]["nodes"].append(uid("kpi_mrr"))
    assert new_violations(artifacts, manifest) == [
        "model stg_crm__customers: reads kpi_mrr; staging reads only sources and staging "
        "models"]


def test_a_kpi_mart_without_enforced_contract_is_reported(artifacts):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    manifest["nodes"][uid("kpi_net_promoter_score")]["config"]["contract"]["enforced"] = False
    assert new_violations(artifacts, manifest) == [
        "model kpi_net_promoter_score: a KPI mart needs an enforced contract "
        "(config: contract: {enforced: true})"]


def test_a_model_without_grain_comment_is_reported(artifacts):
    manifest, _ = artifacts
    manifest = copy.deepcopy(manifest)
    node = manifest["nodes"][uid("int_months")]
    node["raw_code"] = node["raw_code"].split("\n", 1)[1]
    assert new_violations(artifacts, manifest) == [
        "model int_months: does not open with its grain comment /* grain: one row per ... */"]
