"""Project conventions, checked on dbt's manifest (and catalog, when given).

    python -m cskpi.conventions target/manifest.json [--catalog target/catalog.json]

`check_manifest` returns one message per violation (empty: all good):
- every model and every column has a description; with a catalog (`dbt docs generate`),
  every column the built relation has is documented, and no documented column is stale;
- every model opens with its grain comment, `/* grain: one row per ... */`;
- every model has a primary-key test: `unique` (with `not_null`) on a column, or
  `cs_unique_combination` over not-null columns. Models with one row per raw row
  (`base_` models and `stg_audit__rejected_rows`) have no key by design: raw rows may
  repeat, which is what these models detect;
- names match their folder: `models/staging/<system>/stg_<system>__<entity>`,
  `models/staging/<system>/base/base_<system>__<entity>`, `models/intermediate/**/int_*`,
  `models/marts/**/kpi_*` or `dim_*`;
- no intermediate model or mart reads a source; a staging model reads only its own
  system's source and only staging models (the audit model reads every system's base_,
  the conformed int_*_checked models and the sources);
- every `kpi_` mart has an enforced contract.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

PROJECT = "cs_kpis"
AUDIT_MODEL = "stg_audit__rejected_rows"
GRAIN_COMMENT = re.compile(r"^\s*/\*\s*grain:\s*one row per\b", re.IGNORECASE)
KEY_TESTS = ("unique", "cs_unique_combination")
NAME = r"[a-z][a-z0-9_]*"

Manifest = dict[str, Any]


def _models(manifest: Manifest, project: str) -> dict[str, dict[str, Any]]:
    return {
        uid: node for uid, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "model" and node.get("package_name") == project
    }


def _tests_by_model(manifest: Manifest) -> dict[str, list[dict[str, Any]]]:
    tests: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "test" or not node.get("test_metadata"):
            continue
        attached = node.get("attached_node") or next(
            iter(node.get("depends_on", {}).get("nodes", [])), None)
        if attached:
            tests[attached].append(node)
    return tests


def _is_keyless(name: str) -> bool:
    """One row per raw row: no key by design."""
    return name.startswith("base_") or name == AUDIT_MODEL


def _not_null_columns(node: dict[str, Any], tests: list[dict[str, Any]]) -> set[str]:
    columns = {t.get("column_name") for t in tests
               if t["test_metadata"].get("name") == "not_null" and t.get("column_name")}
    for column in node.get("columns", {}).values():
        if any(c.get("type") == "not_null" for c in column.get("constraints", [])):
            columns.add(column["name"])
    return {c.lower() for c in columns if c}


def _primary_key(node: dict[str, Any], tests: list[dict[str, Any]]) -> list[str] | None:
    """The columns of the model's primary-key test, or None when it has none."""
    for test in tests:
        meta = test["test_metadata"]
        if meta.get("name") == "unique" and test.get("column_name"):
            return [test["column_name"]]
        if meta.get("name") == "cs_unique_combination":
            kwargs = meta.get("kwargs", {})
            columns = kwargs.get("columns") or kwargs.get("arguments", {}).get("columns")
            if columns:
                return list(columns)
    return None


def _layer_violation(name: str, path: str) -> str | None:
    """Why the model's name does not fit its folder (None when it does)."""
    parts = Path(path).parts  # e.g. models/staging/crm/base/base_crm__customers.sql
    if len(parts) < 3 or parts[0] != "models":
        return f"is outside models/<layer>/ ({path})"
    layer = parts[1]
    if layer == "staging":
        system = parts[2] if len(parts) > 3 else ""
        if system == "audit" and name == AUDIT_MODEL:
            return None
        in_base = len(parts) == 5 and parts[3] == "base"
        prefix = "base" if in_base else "stg"
        if len(parts) != (5 if in_base else 4):
            return f"is not in models/staging/<system>/ or models/staging/<system>/base/ ({path})"
        if not re.fullmatch(rf"{prefix}_{system}__{NAME}", name):
            return f"should be named {prefix}_{system}__<entity> in {'/'.join(parts[:-1])}/"
        return None
    if layer == "intermediate":
        return None if re.fullmatch(rf"int_{NAME}", name) else "should be named int_<name>"
    if layer == "marts":
        return None if re.fullmatch(rf"(kpi|dim)_{NAME}", name) else (
            "should be named kpi_<name> or dim_<name>")
    return f"is in an unknown layer folder models/{layer}/"


def _dependency_violations(name: str, node: dict[str, Any], manifest: Manifest,
                           models: dict[str, dict[str, Any]]) -> list[str]:
    found: list[str] = []
    depends = node.get("depends_on", {}).get("nodes", [])
    sources = [manifest.get("sources", {}).get(uid, {"source_name": uid.split(".")[2],
                                                     "name": uid.split(".")[-1]})
               for uid in depends if uid.startswith("source.")]
    parents = [models[uid]["name"] if uid in models else uid.split(".")[-1]
               for uid in depends if uid.startswith("model.")]
    if name.startswith(("int_", "kpi_", "dim_")):
        for source in sources:
            found.append(f"model {name}: reads source {source['source_name']}."
                         f"{source['name']} directly (only staging reads sources)")
        return found
    match = re.fullmatch(rf"(?:stg|base)_({NAME}?)__{NAME}", name)
    if not match:
        return found
    system = match.group(1)
    if name == AUDIT_MODEL:
        # the one audit model: staging's rejects (base_), the conformed layer's
        # (int_*_checked), and the sources for the raw text of the latter
        allowed_parent = re.compile(rf"base_{NAME}__{NAME}|int_{NAME}_checked")
    else:
        allowed_parent = re.compile(rf"(?:stg|base)_{NAME}__{NAME}")
        for source in sources:
            if source["source_name"] != system:
                found.append(f"model {name}: reads source {source['source_name']}."
                             f"{source['name']}; staging reads only its own system ({system})")
    for parent in parents:
        if not allowed_parent.fullmatch(parent):
            found.append(f"model {name}: reads {parent}; staging reads only sources and "
                         "staging models")
    return found


def check_manifest(manifest: Manifest, catalog: dict[str, Any] | None = None,
                   project: str = PROJECT) -> list[str]:
    """Every convention violation of the project's models, one message each."""
    violations: list[str] = []
    models = _models(manifest, project)
    tests = _tests_by_model(manifest)
    catalog_nodes = (catalog or {}).get("nodes", {})
    for uid, node in sorted(models.items(), key=lambda item: item[1]["name"]):
        name = node["name"]
        path = node.get("original_file_path", "")
        if not (node.get("description") or "").strip():
            violations.append(f"model {name}: no description")
        documented = {c.lower(): c for c in node.get("columns", {})}
        for column in node.get("columns", {}).values():
            if not (column.get("description") or "").strip():
                violations.append(f"model {name}: column {column['name']} is not documented "
                                  "(no description)")
        if uid in catalog_nodes:
            built = {c.lower(): c for c in catalog_nodes[uid].get("columns", {})}
            for column in sorted(set(built) - set(documented)):
                violations.append(f"model {name}: column {built[column]} is not documented "
                                  f"(not in the model's yml)")
            for column in sorted(set(documented) - set(built)):
                violations.append(f"model {name}: documented column {documented[column]} "
                                  "does not exist in the built relation")
        elif catalog is not None:
            violations.append(f"model {name}: not in the catalog (not built?)")
        if not GRAIN_COMMENT.match(node.get("raw_code") or ""):
            violations.append(f"model {name}: does not open with its grain comment "
                              "/* grain: one row per ... */")
        layer = _layer_violation(name, path)
        if layer:
            violations.append(f"model {name}: {layer}")
        violations += _dependency_violations(name, node, manifest, models)
        if not _is_keyless(name):
            model_tests = tests.get(uid, [])
            key = _primary_key(node, model_tests)
            if key is None:
                violations.append(f"model {name}: no primary-key test (unique on a column or "
                                  "cs_unique_combination on the grain)")
            else:
                nullable = [c for c in key
                            if c.lower() not in _not_null_columns(node, model_tests)]
                if nullable:
                    violations.append(f"model {name}: primary-key column(s) "
                                      f"{', '.join(nullable)} have no not_null test or "
                                      "constraint")
        if name.startswith("kpi_") and not node.get("config", {}).get(
                "contract", {}).get("enforced"):
            violations.append(f"model {name}: a KPI mart needs an enforced contract "
                              "(config: contract: {enforced: true})")
    return violations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the project's conventions.")
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--catalog", type=Path)
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    catalog = json.loads(args.catalog.read_text()) if args.catalog else None
    violations = check_manifest(manifest, catalog)
    for violation in violations:
        print(violation)
    print(f"{len(violations)} convention violation(s)")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
