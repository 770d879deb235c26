"""The MetricFlow semantic layer answers with the marts' numbers, value for value.

A small generated demo history is built (`dbt build` of the seeds and models); then
`mf query` (the CLI a user runs) is asked for MRR, customer churn rate, monthly NRR,
NPS, CSAT, FCR, the quick ratio and the mean health score, overall and per segment
(CSAT per channel and FCR per support agent: those marts have no segment slice), and
every value must equal the mart's row of that month and slice. The marts are the
reference: their formulas are proven by the hand-worked tests in test_revenue_*.py and
test_voc_kpis.py; this test proves the semantic layer adds nothing, loses nothing and
double-counts nothing.

MetricFlow reads `<project>/target/semantic_manifest.json` relative to the directory it
runs in, so the test runs it in a throw-away project directory whose files are links to
the real project's, with its own target/ and warehouse.
"""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

try:  # the generator is being split into a package (cskpi.demo)
    from cskpi.demo import generate as generate_demo
except ImportError:  # pragma: no cover - before that split lands
    from cskpi.demo_data import generate as generate_demo

from cskpi.loader import load_folder

pytestmark = pytest.mark.slow  # a demo build and six mf queries (`make test-fast` skips it)

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
AS_OF = "2026-11-15"
LINKED = ("dbt_project.yml", "models", "macros", "seeds", "tests", "analyses", "profiles.yml")
MONTH = "metric_time__month"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("semantic")
    root = tmp / "project"
    root.mkdir()
    for name in LINKED:
        (root / name).symlink_to(PROJECT_DIR / name)
    raw = tmp / "raw"
    generate_demo(raw, customers=120, seed=11, as_of=date.fromisoformat(AS_OF))
    duckdb_path = tmp / "warehouse.duckdb"
    load_folder(raw, duckdb_path, quiet=True)
    env = dict(os.environ, DUCKDB_PATH=str(duckdb_path), DBT_PROFILES_DIR=str(root))
    env.pop("DBT_TARGET_PATH", None)
    result = subprocess.run(
        [str(BIN / "dbt"), "build", "--resource-type", "seed", "--resource-type", "model",
         "--project-dir", str(root),
         "--vars", json.dumps({"as_of_date": AS_OF})],
        cwd=root, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:]
    assert (root / "target" / "semantic_manifest.json").exists()
    return {"root": root, "env": env, "duckdb_path": duckdb_path, "tmp": tmp}


def mf_query(project: dict[str, object], metrics: list[str], group_by: list[str]
             ) -> list[dict[str, str]]:
    out = Path(project["tmp"]) / f"mf_{'_'.join(metrics)[:60]}_{len(group_by)}.csv"
    result = subprocess.run(
        [str(BIN / "mf"), "query", "--metrics", ",".join(metrics),
         "--group-by", ",".join(group_by), "--csv", str(out)],
        cwd=project["root"], env=project["env"], capture_output=True, text=True,
        check=False)
    assert result.returncode == 0 and out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def mart_rows(project: dict[str, object], sql: str) -> list[dict[str, object]]:
    con = duckdb.connect(str(project["duckdb_path"]), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def as_number(value: object) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def month_key(value: object) -> str:
    return str(value)[:7]  # 2026-10-01 00:00:00 and date(2026, 10, 1) -> 2026-10


def compare(mf_rows: list[dict[str, str]], marts: list[dict[str, object]],
            keys: tuple[str, str | None], columns: dict[str, str],
            tolerance: float = 1e-6) -> int:
    """Every (month, slice) of the marts against MetricFlow's row. A mart value that is
    null (a 0 denominator, or no answers) must be null or absent in MetricFlow's answer.
    Returns the number of values compared."""
    mf_key, mart_key = keys
    by_key = {(month_key(r[MONTH]), r[mf_key] if mart_key else None): r for r in mf_rows}
    compared = 0
    for row in marts:
        key = (month_key(row["month"]), row[mart_key] if mart_key else None)
        answer = by_key.get(key)
        for metric, column in columns.items():
            expected = as_number(row[column])
            if answer is None:
                # No fact rows in that month and slice (a segment with no customer yet):
                # the mart reports 0 or null there.
                assert expected in (None, 0), (key, metric, expected, "missing in mf query")
                continue
            got = as_number(answer.get(metric))
            if expected is None:
                assert got is None, (key, metric, got)
                continue
            assert got is not None, (key, metric, "missing in mf query")
            assert math.isclose(got, expected, rel_tol=tolerance, abs_tol=tolerance), (
                key, metric, got, expected)
            compared += 1
    return compared


REVENUE = {"mrr": "mrr_end", "quick_ratio": "quick_ratio",
           "customer_churn_rate": "customer_churn_rate", "nrr_monthly": "nrr_monthly"}
REVENUE_SQL = """
    select m.month, m.dimension_value as segment, m.mrr_end, m.quick_ratio,
        c.customer_churn_rate, n.nrr_monthly, p.nps, p.responses as nps_responses
    from kpi_mrr as m
    inner join kpi_customer_churn_rate as c using (month, dimension, dimension_value)
    inner join kpi_net_revenue_retention as n using (month, dimension, dimension_value)
    inner join kpi_net_promoter_score as p using (month, dimension, dimension_value)
    where m.dimension = '{dimension}'
    order by 1, 2
"""


def test_overall_headline_equals_the_marts(project) -> None:
    metrics = [*REVENUE, "nps", "csat_rate", "fcr_rate", "avg_health_score", "arr"]
    answer = mf_query(project, metrics, [MONTH])
    marts = mart_rows(project, REVENUE_SQL.format(dimension="overall"))
    compared = compare(answer, marts, (None, None), {**REVENUE, "nps": "nps"})
    scorecard = mart_rows(project, "select month, csat_rate, fcr_rate, avg_health_score, "
                                   "arr_end from kpi_scorecard order by month")
    compared += compare(answer, scorecard, (None, None),
                        {"csat_rate": "csat_rate", "fcr_rate": "fcr_rate",
                         "avg_health_score": "avg_health_score", "arr": "arr_end"})
    months = len(scorecard)
    assert months >= 24 and compared > 6 * months  # most values are non-null


def test_per_segment_equals_the_marts(project) -> None:
    answer = mf_query(project, [*REVENUE, "nps"], [MONTH, "customer__segment"])
    marts = mart_rows(project, REVENUE_SQL.format(dimension="segment"))
    compared = compare(answer, marts, ("customer__segment", "segment"),
                       {**REVENUE, "nps": "nps"})
    assert compared > 0
    assert {r["customer__segment"] for r in answer} >= {"smb", "mid_market", "enterprise"}
    # The double count of the long format is impossible: a month's MRR summed over the
    # segments MetricFlow returns is the month's MRR, once.
    overall = {month_key(r["month"]): float(r["mrr_end"]) for r in mart_rows(
        project, "select month, mrr_end from kpi_mrr where dimension = 'overall'")}
    summed: dict[str, float] = {}
    for row in answer:
        summed[month_key(row[MONTH])] = summed.get(month_key(row[MONTH]), 0.0) + float(
            row["mrr"] or 0)
    for month, value in overall.items():
        assert math.isclose(summed.get(month, 0.0), value, abs_tol=1e-6), month


def test_csat_per_channel_and_fcr_per_agent_equal_the_marts(project) -> None:
    csat = mf_query(project, ["csat_rate", "csat_avg_score"],
                    [MONTH, "csat_response__channel"])
    marts = mart_rows(project, "select month, dimension_value as channel, csat_rate, "
                               "avg_score from kpi_customer_satisfaction "
                               "where dimension = 'channel'")
    assert compare(csat, marts, ("csat_response__channel", "channel"),
                   {"csat_rate": "csat_rate", "csat_avg_score": "avg_score"}) > 0
    fcr = mf_query(project, ["fcr_rate", "tickets_created"],
                   [MONTH, "ticket__support_agent_id"])
    marts = mart_rows(project, "select month, dimension_value as agent, fcr_rate, "
                               "tickets_created from kpi_first_contact_resolution "
                               "where dimension = 'support_agent'")
    assert compare(fcr, marts, ("ticket__support_agent_id", "agent"),
                   {"fcr_rate": "fcr_rate", "tickets_created": "tickets_created"}) > 0


def test_churn_over_a_quarter_is_a_ratio_of_counts(project) -> None:
    # Q3 2026 from the marts by hand: sum of churned / sum of customers_start over the
    # three months (pooled), not the mean of the three monthly rates.
    months = mart_rows(project, "select churned_customers, customers_start "
                                "from kpi_customer_churn_rate where dimension = 'overall' "
                                "and month between date '2026-07-01' and date '2026-09-01'")
    assert len(months) == 3
    pooled = sum(r["churned_customers"] for r in months) / sum(
        r["customers_start"] for r in months)
    answer = mf_query(project, ["customer_churn_rate"], ["metric_time__quarter"])
    q3 = [r for r in answer if r["metric_time__quarter"].startswith("2026-07")]
    assert len(q3) == 1
    assert math.isclose(float(q3[0]["customer_churn_rate"]), pooled, abs_tol=1e-9)
