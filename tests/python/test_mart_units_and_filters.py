"""Every mart says how to filter it and what unit each measure column is in.

The long format (one row per month and slice) invites summing the overall row with
its slices; each mart's description must say how to filter it, and each numeric
column must carry `meta: {unit: ...}` (currency, fraction, score, count, ratio,
months) so a BI tool can format it. Every MetricFlow metric carries a unit too.
Reads the yml files only (no build).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
UNITS = {"currency", "fraction", "score", "count", "ratio", "months"}
NUMERIC = re.compile(r"bigint|int|decimal|numeric|double|float")
MART = re.compile(r"^(kpi|fct|dim)_")


def _docs() -> dict[str, str]:
    blocks: dict[str, str] = {}
    for path in (PROJECT_DIR / "models").rglob("*.md"):
        for name, body in re.findall(r"{% docs (\w+) %}(.*?){% enddocs %}",
                                     path.read_text(), flags=re.S):
            blocks[name] = body
    return blocks


def _yml(pattern: str) -> list[dict]:
    return [yaml.safe_load(p.read_text()) or {}
            for p in sorted((PROJECT_DIR / "models" / "marts").glob(pattern))]


def _marts() -> list[dict]:
    return [m for d in _yml("*/*.yml") for m in d.get("models") or []
            if MART.match(m["name"])]


def test_every_mart_says_how_to_filter_it() -> None:
    docs = _docs()
    missing = []
    for model in _marts():
        description = re.sub(r"{{\s*doc\('(\w+)'\)\s*}}",
                             lambda m: docs.get(m.group(1), ""), model.get("description", ""))
        if "How to filter" not in description:
            missing.append(model["name"])
    assert len(_marts()) >= 20
    assert missing == []


def test_every_numeric_mart_column_has_a_unit() -> None:
    missing, wrong = [], []
    for model in _marts():
        for column in model.get("columns", []):
            unit = (column.get("meta") or {}).get("unit")
            if unit is not None and unit not in UNITS:
                wrong.append(f"{model['name']}.{column['name']}: {unit}")
            if NUMERIC.search(str(column.get("data_type", ""))) and unit is None:
                missing.append(f"{model['name']}.{column['name']}")
    assert wrong == []
    assert missing == []


def test_money_rates_and_scores_have_the_right_unit() -> None:
    units = {(m["name"], c["name"]): (c.get("meta") or {}).get("unit")
             for m in _marts() for c in m.get("columns", [])}
    assert units[("kpi_mrr", "mrr_end")] == "currency"
    assert units[("kpi_mrr", "quick_ratio")] == "ratio"
    assert units[("kpi_customer_churn_rate", "customer_churn_rate")] == "fraction"
    assert units[("kpi_net_promoter_score", "nps")] == "score"
    assert units[("kpi_customer_churn_rate", "customers_start")] == "count"
    assert units[("kpi_cohort_retention", "mrr_retention")] == "fraction"


def test_every_metric_has_a_unit() -> None:
    metrics = [m for d in _yml("semantic/*.yml") for m in d.get("metrics") or []]
    assert len(metrics) > 30
    assert [m["name"] for m in metrics
            if (m.get("config", {}).get("meta") or {}).get("unit") not in UNITS] == []
