"""The project's conventions as dbt-score rules (the ones dbt-score does not ship).

    python -m cskpi.conventions target/manifest.json [--catalog target/catalog.json]

dbt-score (configured in pyproject.toml `[tool.dbt-score]`) lints dbt's manifest; its
`has_description` and `columns_have_description` rules check that every model and column
is documented. The rules below add what it lacks; each decides on a model's path, name
and metadata, never on a list of models, so models added later are held to them.
`base_` models and the audit models (`models/staging/audit/`) hold one row per raw row
and so have no key. `columns_match_catalog` needs built relations: it compares with the
catalog of `dbt docs generate` when $CS_KPIS_DBT_CATALOG names one, else it passes.
`lint` returns one line per violation; `main` (what `make lint` calls) exits 1 on any
violation or on a rule that failed to run (which dbt-score alone would score as a pass).
"""


# No `from __future__ import annotations`: dbt-score reads the rules' annotations as types.
import argparse
import contextlib
import io
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from dbt_score import Model, RuleViolation, rule

PROJECT_DIR = Path(__file__).resolve().parents[1]
CATALOG_ENV = "CS_KPIS_DBT_CATALOG"
GRAIN_COMMENT = re.compile(r"^\s*/\*\s*grain:\s*one row per\b", re.IGNORECASE)
KEY_TESTS = ("unique", "cs_unique_combination")
NAME = r"[a-z][a-z0-9_]*"
AUDIT_FOLDER = "models/staging/audit/"
MART_PREFIXES = ("kpi", "dim", "fct")


def _parts(model: Model) -> tuple[str, ...]:
    return Path(model.original_file_path).parts


def _is_audit(model: Model) -> bool:
    return model.original_file_path.startswith(AUDIT_FOLDER)


def _layer(model: Model) -> str:
    parts = _parts(model)
    return parts[1] if len(parts) >= 3 and parts[0] == "models" else ""


@rule
def grain_comment(model: Model) -> RuleViolation | None:
    """A model opens with its grain comment, /* grain: one row per ... */."""
    if not GRAIN_COMMENT.match(model.raw_code or ""):
        return RuleViolation("does not open with its grain comment "
                             "/* grain: one row per ... */")
    return None


@rule
def name_fits_folder(model: Model) -> RuleViolation | None:
    """A model's name fits its layer folder (dbt Labs' structure guide)."""
    parts, name, layer = _parts(model), model.name, _layer(model)
    if layer == "staging":
        system = parts[2] if len(parts) > 3 else ""
        in_base = len(parts) == 5 and parts[3] == "base"
        prefix = "base" if in_base else "stg"
        if len(parts) != (5 if in_base else 4):
            return RuleViolation("is not in models/staging/<system>/ or "
                                 f"models/staging/<system>/base/ ({model.original_file_path})")
        if not re.fullmatch(rf"{prefix}_{system}__{NAME}", name):
            return RuleViolation(f"should be named {prefix}_{system}__<entity> in "
                                 f"{'/'.join(parts[:-1])}/")
        return None
    if layer == "intermediate":
        return None if re.fullmatch(rf"int_{NAME}", name) else RuleViolation(
            "should be named int_<name>")
    if layer == "marts":
        return None if re.fullmatch(rf"(?:{'|'.join(MART_PREFIXES)})_{NAME}", name) else (
            RuleViolation("should be named kpi_<name>, dim_<name> or fct_<name>"))
    if not layer:
        return RuleViolation(f"is outside models/<layer>/ ({model.original_file_path})")
    return RuleViolation(f"is in an unknown layer folder models/{layer}/")


@rule
def reads_allowed_parents(model: Model) -> RuleViolation | None:
    """Only staging reads sources, each its own system's; staging reads only staging."""
    sources = [p for p in model.parents if not isinstance(p, Model)
               and hasattr(p, "source_name")]
    parents = [p.name for p in model.parents if isinstance(p, Model)]
    found: list[str] = []
    layer = _layer(model)
    if layer != "staging":
        found += [f"reads source {s.source_name}.{s.name} directly (only staging reads "
                  "sources)" for s in sources]
    elif _is_audit(model):
        # The audit collects rejects of staging (base_) and of the conformed checks
        # (int_*_checked), and reads the raw text of the latter back from the sources.
        found += [f"reads {parent}; the audit model reads no marts"
                  for parent in parents
                  if not re.fullmatch(rf"(?:stg|base)_{NAME}__{NAME}|int_{NAME}", parent)]
    else:
        system = _parts(model)[2]
        found += [f"reads source {s.source_name}.{s.name}; staging reads only its own "
                  f"system ({system})" for s in sources if s.source_name != system]
        found += [f"reads {parent}; staging reads only sources and staging models"
                  for parent in parents
                  if not re.fullmatch(rf"(?:stg|base)_{NAME}__{NAME}", parent)]
    return RuleViolation("; ".join(found)) if found else None


def _kwargs_columns(kwargs: dict[str, Any]) -> list[str]:
    columns = kwargs.get("columns") or (kwargs.get("arguments") or {}).get("columns")
    return list(columns or [])


def _key_of(model: Model) -> list[str] | None:
    """The columns of `model`'s primary-key test, None without one."""
    for column in model.columns:
        if any(t.type == "unique" for t in column.tests):
            return [column.name]
    return next((_kwargs_columns(t.kwargs) for t in model.tests
                 if t.type == "cs_unique_combination" and _kwargs_columns(t.kwargs)), None)


def _key_tested_in(model: Model, name: str) -> RuleViolation | None:
    """meta primary_key_tested_in: a sibling (a child of one of `model`'s parents)
    named `name` has a key test over columns `model` has too."""
    siblings = {c.name: c for p in model.parents if isinstance(p, Model)
                for c in getattr(p, "children", []) if isinstance(c, Model)}
    sibling = siblings.get(name)
    if sibling is None:
        return RuleViolation(f"meta primary_key_tested_in names {name}, which reads none "
                             "of this model's parents")
    key = _key_of(sibling)
    own = {c.name.lower() for c in model.columns}
    if not key or any(c.lower() not in own for c in key):
        return RuleViolation(f"meta primary_key_tested_in names {name}, which has no key "
                             "test over columns of this model")
    return None


@rule
def has_primary_key_test(model: Model) -> RuleViolation | None:
    """A model has a primary-key test over not-null columns (base_/audit: keyless), or
    names in meta primary_key_tested_in the sibling whose key test proves its key."""
    if model.name.startswith("base_") or _is_audit(model):
        return None  # one row per raw row: raw rows may repeat
    tested_in = (model.meta or {}).get("primary_key_tested_in")
    if tested_in:
        return _key_tested_in(model, str(tested_in))
    key = _key_of(model)
    if key is None:
        return RuleViolation("no primary-key test (unique on a column or "
                             "cs_unique_combination on the grain)")
    not_null = {c.name.lower() for c in model.columns
                if any(t.type == "not_null" for t in c.tests)
                or any(k.type == "not_null" for k in c.constraints)}
    nullable = [c for c in key if c.lower() not in not_null]
    if nullable:
        return RuleViolation(f"primary-key column(s) {', '.join(nullable)} have no "
                             "not_null test or constraint")
    return None


@rule
def kpi_mart_has_enforced_contract(model: Model) -> RuleViolation | None:
    """A kpi_ mart has an enforced contract (its columns and types are the interface)."""
    if model.name.startswith("kpi_") and not (model.config.get("contract") or {}).get(
            "enforced"):
        return RuleViolation("a KPI mart needs an enforced contract "
                             "(config: contract: {enforced: true})")
    return None


@lru_cache(maxsize=4)
def _catalog_nodes(path: str, mtime: float) -> dict[str, Any]:
    return json.loads(Path(path).read_text()).get("nodes", {})


@rule
def columns_match_catalog(model: Model) -> RuleViolation | None:
    """The built relation's columns are exactly the documented ones ($CS_KPIS_DBT_CATALOG)."""
    path = os.environ.get(CATALOG_ENV)
    if not path:
        return None
    nodes = _catalog_nodes(path, Path(path).stat().st_mtime)
    if model.unique_id not in nodes:
        return RuleViolation("not in the catalog (not built?)")
    built = {c.lower(): c for c in nodes[model.unique_id].get("columns", {})}
    documented = {c.name.lower(): c.name for c in model.columns}
    found = [f"column {built[c]} is not documented (not in the model's yml)"
             for c in sorted(set(built) - set(documented))]
    found += [f"documented column {documented[c]} does not exist in the built relation"
              for c in sorted(set(documented) - set(built))]
    return RuleViolation("; ".join(found)) if found else None


# Spark's Hive metastore keeps a column comment in a varchar(256): dbt's persisted docs
# longer than that make Spark retry for 20 s, log a stack trace and store the table in a
# Spark-only format.
COLUMN_DESCRIPTION_MAX = 256
# A mart's longest chain of models from a source, itself included (issue 8).
MART_DEPTH_MAX = 7


@rule
def column_descriptions_fit_the_metastore(model: Model) -> RuleViolation | None:
    """Every column description has at most 256 characters (Hive metastore comments)."""
    long = [f"{c.name} ({len(c.description)})" for c in model.columns
            if len(c.description or "") > COLUMN_DESCRIPTION_MAX]
    return RuleViolation(f"column descriptions longer than {COLUMN_DESCRIPTION_MAX} "
                         f"characters: {', '.join(long)}") if long else None


def _longest_path(model: Model, memo: dict[str, list[str]],
                  visiting: frozenset[str] = frozenset()) -> list[str]:
    """The names of the models on the longest chain from a source or seed to `model`
    (itself included; sources and seeds are not models and do not count). An edge
    closing a cycle (dbt refuses those; a doctored manifest may hold one) is skipped."""
    if model.unique_id not in memo:
        inner = visiting | {model.unique_id}
        chains = [_longest_path(p, memo, inner) for p in model.parents
                  if isinstance(p, Model) and p.unique_id not in inner]
        memo[model.unique_id] = max(chains, key=len, default=[]) + [model.name]
    return memo[model.unique_id]


@rule
def mart_is_shallow(model: Model) -> RuleViolation | None:
    """A mart is at most 7 models from its farthest source (jaffle-shop's deepest: 4)."""
    if _layer(model) != "marts":
        return None
    chain = _longest_path(model, {})
    if len(chain) > MART_DEPTH_MAX:
        return RuleViolation(f"is {len(chain)} models from its farthest source (at most "
                             f"{MART_DEPTH_MAX}): {' -> '.join(chain)}")
    return None


@rule
def reads_checked_rows_that_passed(model: Model) -> RuleViolation | None:
    """A model reading an int_*_checked model keeps its rows with a null
    rejection_reason (the others are rejects: the audit model's business)."""
    checked = [p.name for p in model.parents
               if isinstance(p, Model) and re.fullmatch(rf"int_{NAME}_checked", p.name)]
    if (checked and not _is_audit(model) and _parts(model)[2:3] != ("conformed",)
            and not re.search(r"rejection_reason\s+is\s+null", model.raw_code or "")):
        return RuleViolation(f"reads {', '.join(checked)} without keeping only the rows "
                             "whose rejection_reason is null")
    return None


def lint(manifest: Path, catalog: Path | None = None) -> list[str]:
    """dbt-score on `manifest` with the project's configuration: one line per violation
    (`<resource> <name>: <rule>: <message>`), or per rule that raised."""
    from dbt_score.config import Config
    from dbt_score.lint import lint_dbt_project

    manifest, cwd = Path(manifest).resolve(), Path.cwd()
    previous_catalog = os.environ.pop(CATALOG_ENV, None)
    if catalog is not None:
        os.environ[CATALOG_ENV] = str(Path(catalog).resolve())
    try:
        os.chdir(PROJECT_DIR)  # dbt-score reads [tool.dbt-score] from ./pyproject.toml
        config = Config()
        config.load()
        with contextlib.redirect_stdout(io.StringIO()):  # its report; we print ours
            evaluation = lint_dbt_project(manifest_path=manifest, config=config,
                                          format="json")
    finally:
        os.chdir(cwd)
        os.environ.pop(CATALOG_ENV, None)
        if previous_catalog is not None:
            os.environ[CATALOG_ENV] = previous_catalog
    return [
        f"{type(item).__name__.lower()} {item.name}: {rule.__name__}: "
        + (result.message if isinstance(result, RuleViolation)
           else f"the rule failed to run: {result!r}")
        for item, results in sorted(evaluation.results.items(),
                                    key=lambda kv: (type(kv[0]).__name__, kv[0].name))
        for rule, result in results.items() if result is not None
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lint dbt metadata with dbt-score.")
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--catalog", type=Path)
    args = parser.parse_args(argv)
    if not args.manifest.is_file():
        print(f"error: no manifest at {args.manifest}; run `dbt parse` first",
              file=sys.stderr)
        return 2
    violations = lint(args.manifest, args.catalog)
    for violation in violations:
        print(violation)
    print(f"dbt-score: {len(violations)} convention violation(s)")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
