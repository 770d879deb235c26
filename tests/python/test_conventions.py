"""The dbt metadata gate (dbt-score with the project's rules, `cskpi.conventions.lint`) on
dbt's own artifacts.

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

from cskpi import conventions, expectations
from cskpi.loader import load_folder

# an empty build and `dbt docs generate` for the catalog (`make test-fast` skips it;
# `make lint` runs the rules on the real project)
pytestmark = pytest.mark.slow

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


def lint(tmp_path: Path, manifest: dict, catalog: dict | None = None) -> list[str]:
    manifest_path = tmp_path / "manifest.json"
    manifest_path.write_text(json.dumps(manifest))
    catalog_path = None
    if catalog is not None:
        catalog_path = tmp_path / "catalog.json"
        catalog_path.write_text(json.dumps(catalog))
    return conventions.lint(manifest_path, catalog_path)


@pytest.fixture(scope="module")
def baseline(artifacts, tmp_path_factory) -> dict[bool, set[str]]:
    """The real project's own violations, without and with the catalog (none, when
    test_the_project_follows_its_conventions passes)."""
    manifest, catalog = artifacts
    workdir = tmp_path_factory.mktemp("baseline")
    return {False: set(lint(workdir, manifest)), True: set(lint(workdir, manifest, catalog))}


def new_violations(tmp_path: Path, baseline: dict[bool, set[str]], manifest: dict,
                   catalog: dict | None = None) -> list[str]:
    """What the doctored manifest/catalog reports beyond the real project's own
    violations, so each test below sees only the break it made."""
    found = lint(tmp_path, manifest, catalog)
    return [v for v in found if v not in baseline[catalog is not None]]


def test_the_project_follows_its_conventions(artifacts, tmp_path):
    manifest, catalog = artifacts
    violations = lint(tmp_path, manifest, catalog)
    assert violations == [], "\n".join(violations)


def test_every_spec_mart_has_a_gx_suite(artifacts):
    manifest, _ = artifacts
    marts = {node["name"] for node in manifest["nodes"].values()
             if node["resource_type"] == "model"
             and node["original_file_path"].startswith("models/marts/")}
    assert marts, "no marts found in the manifest"
    assert sorted(set(expectations.SUITES_BY_TABLE) - marts) == []


def test_a_column_missing_from_the_yml_is_reported(artifacts, baseline, tmp_path):
    manifest, catalog = artifacts
    catalog = copy.deepcopy(catalog)
    catalog["nodes"][uid("kpi_mrr")]["columns"]["secret_margin"] = {
        "name": "secret_margin", "type": "DOUBLE", "index": 99, "comment": None}
    assert new_violations(tmp_path, baseline, manifest, catalog) == [
        "model kpi_mrr: columns_match_catalog: column secret_margin is not documented "
        "(not in the model's yml)"]


def test_a_column_without_description_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("kpi_mrr")]["columns"]["mrr_end"]["description"] = ""
    assert new_violations(tmp_path, baseline, manifest) == [
        "model kpi_mrr: columns_have_description: Columns lack a description: mrr_end."]


def test_a_column_description_too_long_for_the_hive_metastore_is_reported(
        artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("kpi_mrr")]["columns"]["mrr_end"]["description"] = "x" * 257
    assert new_violations(tmp_path, baseline, manifest) == [
        "model kpi_mrr: column_descriptions_fit_the_metastore: column descriptions longer "
        "than 256 characters: mrr_end (257)"]


def test_a_documented_column_the_model_lacks_is_reported(artifacts, baseline, tmp_path):
    manifest, catalog = artifacts
    catalog = copy.deepcopy(catalog)
    del catalog["nodes"][uid("int_months")]["columns"]["snapshot_date"]
    assert new_violations(tmp_path, baseline, manifest, catalog) == [
        "model int_months: columns_match_catalog: documented column snapshot_date does not "
        "exist in the built relation"]


def test_a_model_without_description_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("dim_customers")]["description"] = ""
    assert new_violations(tmp_path, baseline, manifest) == [
        "model dim_customers: has_description: Model lacks a description."]


def test_a_model_without_primary_key_test_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    for test_id, node in list(manifest["nodes"].items()):
        if (node["resource_type"] == "test" and node.get("attached_node") == uid("kpi_mrr")
                and node["test_metadata"]["name"] in ("unique", "cs_unique_combination")):
            del manifest["nodes"][test_id]
    assert new_violations(tmp_path, baseline, manifest) == [
        "model kpi_mrr: has_primary_key_test: no primary-key test (unique on a column or "
        "cs_unique_combination on the grain)"]


def test_a_nullable_primary_key_column_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("kpi_mrr")]["columns"]["dimension_value"]["constraints"] = []
    assert new_violations(tmp_path, baseline, manifest) == [
        "model kpi_mrr: has_primary_key_test: primary-key column(s) dimension_value have "
        "no not_null test or constraint"]


def test_a_key_tested_in_a_sibling_needs_that_sibling_and_its_key_test(
        artifacts, baseline, tmp_path):
    # int_usage_daily_checked's key is tested in stg_product__usage_daily (meta
    # primary_key_tested_in): naming a model that is no sibling, or removing the
    # sibling's key test, is reported.
    manifest = copy.deepcopy(artifacts[0])
    node = manifest["nodes"][uid("int_usage_daily_checked")]
    assert node["meta"]["primary_key_tested_in"] == "stg_product__usage_daily"
    node["meta"]["primary_key_tested_in"] = "kpi_mrr"
    assert new_violations(tmp_path, baseline, manifest) == [
        "model int_usage_daily_checked: has_primary_key_test: meta primary_key_tested_in "
        "names kpi_mrr, which reads none of this model's parents"]

    manifest = copy.deepcopy(artifacts[0])
    for test_id, test in list(manifest["nodes"].items()):
        if (test["resource_type"] == "test"
                and test.get("attached_node") == uid("stg_product__usage_daily")
                and test["test_metadata"]["name"] == "cs_unique_combination"):
            del manifest["nodes"][test_id]
    assert new_violations(tmp_path, baseline, manifest) == [
        "model int_usage_daily_checked: has_primary_key_test: meta primary_key_tested_in "
        "names stg_product__usage_daily, which has no key test over columns of this model",
        "model stg_product__usage_daily: has_primary_key_test: no primary-key test (unique "
        "on a column or cs_unique_combination on the grain)"]


@pytest.mark.parametrize(("model", "path", "message"), [
    ("kpi_mrr", "models/marts/revenue/mrr_report.sql",
     "model mrr_report: name_fits_folder: should be named kpi_<name>, dim_<name> or "
     "fct_<name>"),
    ("int_months", "models/intermediate/revenue/months_spine.sql",
     "model months_spine: name_fits_folder: should be named int_<name>"),
    ("stg_crm__customers", "models/staging/billing/stg_crm__customers.sql",
     "model stg_crm__customers: name_fits_folder: should be named stg_billing__<entity> "
     "in models/staging/billing/"),
    ("base_crm__customers", "models/staging/crm/base_crm__customers.sql",
     "model base_crm__customers: name_fits_folder: should be named stg_crm__<entity> in "
     "models/staging/crm/"),
    ("int_months", "models/utilities/int_months.sql",
     "model int_months: name_fits_folder: is in an unknown layer folder models/utilities/"),
])
def test_a_name_that_does_not_match_its_layer_is_reported(artifacts, baseline, tmp_path,
                                                          model, path, message):
    manifest = copy.deepcopy(artifacts[0])
    node = manifest["nodes"][uid(model)]
    node["name"] = Path(path).stem
    node["original_file_path"] = path
    assert new_violations(tmp_path, baseline, manifest) == [message]


def test_a_mart_reading_a_source_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("kpi_mrr")]["depends_on"]["nodes"].append(
        "source.cs_kpis.billing.invoices")
    assert new_violations(tmp_path, baseline, manifest) == [
        "model kpi_mrr: reads_allowed_parents: reads source billing.invoices directly "
        "(only staging reads sources)"]


def test_staging_reading_another_systems_source_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("base_billing__invoices")]["depends_on"]["nodes"].append(
        "source.cs_kpis.crm.customers")
    assert new_violations(tmp_path, baseline, manifest) == [
        "model base_billing__invoices: reads_allowed_parents: reads source crm.customers; "
        "staging reads only its own system (billing)"]


def test_staging_reading_a_mart_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("stg_crm__customers")]["depends_on"]["nodes"].append(uid("kpi_mrr"))
    # (the longer chain it makes may also break mart_is_shallow: not this test's)
    assert [v for v in new_violations(tmp_path, baseline, manifest)
            if ": mart_is_shallow: " not in v] == [
        "model stg_crm__customers: reads_allowed_parents: reads kpi_mrr; staging reads only "
        "sources and staging models"]


def test_the_audit_model_reading_a_mart_is_reported(artifacts, baseline, tmp_path):
    # It may read sources (the raw text of conformed rejects) and base_/stg_/int_ models.
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("stg_audit__rejected_rows")]["depends_on"]["nodes"].append(
        uid("kpi_mrr"))
    # (the longer chain it makes may also break mart_is_shallow: not this test's)
    assert [v for v in new_violations(tmp_path, baseline, manifest)
            if ": mart_is_shallow: " not in v] == [
        "model stg_audit__rejected_rows: reads_allowed_parents: reads kpi_mrr; the audit "
        "model reads no marts"]


def test_a_mart_more_than_seven_models_from_its_source_is_reported(artifacts, baseline,
                                                                     tmp_path):
    # kpi_customer_health_score is 6 models deep; kpi_mrr reading it is 7 (allowed), and
    # kpi_scorecard, which reads kpi_mrr, 8
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("kpi_mrr")]["depends_on"]["nodes"].append(
        uid("kpi_customer_health_score"))
    found = new_violations(tmp_path, baseline, manifest)
    assert len(found) == 1, found
    assert found[0].startswith(
        "model kpi_scorecard: mart_is_shallow: is 8 models from its farthest source "
        "(at most 7): ")
    assert found[0].endswith(" -> kpi_customer_health_score -> kpi_mrr -> kpi_scorecard")


def test_reading_a_checked_model_without_dropping_its_rejects_is_reported(
        artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    node = manifest["nodes"][uid("int_subscription_periods_paid")]
    assert "rejection_reason is null" in node["raw_code"]
    node["raw_code"] = node["raw_code"].replace("where rejection_reason is null", "")
    assert new_violations(tmp_path, baseline, manifest) == [
        "model int_subscription_periods_paid: reads_checked_rows_that_passed: reads "
        "int_subscription_periods_checked without keeping only the rows whose "
        "rejection_reason is null"]


def test_a_kpi_mart_without_enforced_contract_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("kpi_net_promoter_score")]["config"]["contract"]["enforced"] = False
    assert new_violations(tmp_path, baseline, manifest) == [
        "model kpi_net_promoter_score: kpi_mart_has_enforced_contract: a KPI mart needs an "
        "enforced contract (config: contract: {enforced: true})"]


def test_a_model_without_grain_comment_is_reported(artifacts, baseline, tmp_path):
    manifest = copy.deepcopy(artifacts[0])
    node = manifest["nodes"][uid("int_months")]
    node["raw_code"] = node["raw_code"].split("\n", 1)[1]
    assert new_violations(tmp_path, baseline, manifest) == [
        "model int_months: grain_comment: does not open with its grain comment "
        "/* grain: one row per ... */"]


def test_the_command_exits_1_on_a_violation_and_2_without_a_manifest(artifacts, tmp_path,
                                                                     capsys):
    manifest = copy.deepcopy(artifacts[0])
    manifest["nodes"][uid("dim_customers")]["description"] = ""
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    assert conventions.main([str(path)]) == 1
    assert "model dim_customers: has_description" in capsys.readouterr().out
    assert conventions.main([str(tmp_path / "absent.json")]) == 2
