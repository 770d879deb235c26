"""The Great Expectations gate (`cskpi.validate`) fails on a broken mart.

Each test writes small mart tables straight into a throw-away DuckDB file (the gate,
not dbt, is under test here): a good copy passes, and each break GX owns - a rate of
1.5, a month that does not chain to the last, a month outside the spine, a wrong
is_complete_month, slices that do not add up, a missing mart - fails the command with a
message naming the table, the expectation and the offending rows. What dbt tests (the
grain, the bridge within a row, one overall row per month) GX leaves to dbt.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb

from cskpi import expectations, validate

MARTS = ["kpi_mrr", "kpi_customer_satisfaction"]

# Three months; March holds as_of_date, so it is the incomplete one.
MONTHS_SQL = """
create table int_months as
select * from (values
    (date '2024-01-01', date '2023-12-01', true, 0),
    (date '2024-02-01', date '2024-01-01', true, 1),
    (date '2024-03-01', date '2024-02-01', false, 2)
) as t(month, previous_month, is_complete_month, month_number)
"""

# kpi_mrr by hand: smb is new at 100 in Jan and expands by 50 in Feb; enterprise is new
# at 200 in Jan and churns in Feb. Each month's start is last month's end, the bridge
# holds (Feb overall: 300 + 50 - 200 = 150), segments add up to overall, arr = 12 * mrr,
# arpa = mrr_end / paying customers (null with none).
MRR_SQL = """
create table kpi_mrr as
select
    cast(month as date) as month, dimension, dimension_value,
    cast(month as date) < date '2024-03-01' as is_complete_month,
    cast(mrr_start as decimal(38, 6)) as mrr_start,
    cast(0 as decimal(38, 6)) as fx_impact,
    cast(new_mrr as decimal(38, 6)) as new_mrr,
    cast(expansion_mrr as decimal(38, 6)) as expansion_mrr,
    cast(0 as decimal(38, 6)) as reactivation_mrr,
    cast(0 as decimal(38, 6)) as contraction_mrr,
    cast(churned_mrr as decimal(38, 6)) as churned_mrr,
    cast(mrr_end as decimal(38, 6)) as mrr_end,
    cast(12 * mrr_end as decimal(38, 6)) as arr_end,
    cast(paying as bigint) as paying_customers_end,
    cast(mrr_end / nullif(paying, 0) as double) as arpa,
    -- gained / lost: Feb overall 50 / 200 = 0.25, enterprise 0 / 200 = 0, else null
    cast((new_mrr + expansion_mrr) / nullif(churned_mrr, 0) as double) as quick_ratio
from (values
    ('2024-01-01', 'overall', 'all', 0, 300, 0, 0, 300, 2),
    ('2024-01-01', 'segment', 'smb', 0, 100, 0, 0, 100, 1),
    ('2024-01-01', 'segment', 'enterprise', 0, 200, 0, 0, 200, 1),
    ('2024-02-01', 'overall', 'all', 300, 0, 50, 200, 150, 1),
    ('2024-02-01', 'segment', 'smb', 100, 0, 50, 0, 150, 1),
    ('2024-02-01', 'segment', 'enterprise', 200, 0, 0, 200, 0, 0),
    ('2024-03-01', 'overall', 'all', 150, 0, 0, 0, 150, 1),
    ('2024-03-01', 'segment', 'smb', 150, 0, 0, 0, 150, 1),
    ('2024-03-01', 'segment', 'enterprise', 0, 0, 0, 0, 0, 0)
) as t(month, dimension, dimension_value, mrr_start, new_mrr, expansion_mrr, churned_mrr,
       mrr_end, paying)
"""

# kpi_customer_satisfaction by hand: Jan 10 answers, 6 satisfied (csat 0.6, worked
# example 10: mean 3.6), email 6 + chat 4, all assigned to R1; Feb 4 answers, 3
# satisfied, no assignee ('unknown'); Mar no answers (null rates, no slice rows).
CSAT_SQL = """
create table kpi_customer_satisfaction as
select
    cast(month as date) as month, dimension, dimension_value,
    cast(month as date) < date '2024-03-01' as is_complete_month,
    cast(responses as bigint) as responses,
    cast(satisfied as bigint) as satisfied_responses,
    cast(satisfied / nullif(responses, 0) as decimal(38, 6)) as csat_rate,
    cast(avg_score as decimal(38, 6)) as avg_score
from (values
    ('2024-01-01', 'overall', 'all', 10, 6, 3.6),
    ('2024-01-01', 'channel', 'email', 6, 4, 3.833333),
    ('2024-01-01', 'channel', 'chat', 4, 2, 3.25),
    ('2024-01-01', 'support_agent', 'R1', 10, 6, 3.6),
    ('2024-02-01', 'overall', 'all', 4, 3, 4.0),
    ('2024-02-01', 'channel', 'email', 4, 3, 4.0),
    ('2024-02-01', 'support_agent', 'unknown', 4, 3, 4.0),
    ('2024-03-01', 'overall', 'all', 0, 0, null)
) as t(month, dimension, dimension_value, responses, satisfied, avg_score)
"""


def make_warehouse(path: Path, *breakage: str) -> Path:
    """A DuckDB file with the good marts, then the `breakage` statements applied."""
    con = duckdb.connect(str(path))
    try:
        for sql in (MONTHS_SQL, MRR_SQL, CSAT_SQL, *breakage):
            con.execute(sql)
    finally:
        con.close()
    return path


def run_gate(tmp_path: Path, duckdb_path: Path, marts: list[str] | None = MARTS
             ) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = validate.run(duckdb_path, tmp_path / "data_docs", marts, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_good_marts_pass_and_write_the_html_report(tmp_path):
    code, out, err = run_gate(tmp_path, make_warehouse(tmp_path / "good.duckdb"))
    assert code == 0, out + err
    assert err == ""
    assert "0 failed" in out
    index = tmp_path / "data_docs" / "index.html"
    assert index.is_file()
    assert str(index) in out  # the report's path is printed
    reports = list((tmp_path / "data_docs" / "validations").rglob("*.html"))
    assert any("kpi_customer_satisfaction" in p.name for p in reports)
    assert any("kpi_mrr__mrr_start_equals_previous_mrr_end" in p.name for p in reports)


def test_rate_of_one_and_a_half_fails_naming_table_expectation_and_row(tmp_path):
    broken = make_warehouse(
        tmp_path / "rate.duckdb",
        "update kpi_customer_satisfaction set csat_rate = 1.5 "
        "where month = date '2024-02-01' and dimension = 'channel'",
    )
    code, _, err = run_gate(tmp_path, broken)
    assert code == 1
    failure = next(block for block in err.split("FAILED ")
                   if "column='csat_rate'" in block)
    assert failure.startswith("kpi_customer_satisfaction: expect_column_values_to_be_between(")
    assert "min_value=0" in failure and "max_value=1" in failure
    assert "1 of 8 rows unexpected" in failure
    assert "2024-02-01" in failure and "email" in failure and "1.5" in failure


def test_what_dbt_tests_is_not_repeated(tmp_path):
    # A duplicated grain row and a bridge that does not balance within its row are
    # dbt's to catch (cs_unique_combination and cs_mrr_bridge_balances on kpi_mrr):
    # the GX gate runs no such check and passes them.
    broken = make_warehouse(
        tmp_path / "dbt_owned.duckdb",
        "insert into kpi_mrr select * from kpi_mrr "
        "where month = date '2024-01-01' and dimension_value = 'smb'",
        "update kpi_mrr set fx_impact = 5 "
        "where month = date '2024-02-01' and dimension_value = 'smb'",
    )
    code, out, err = run_gate(tmp_path, broken, marts=["kpi_mrr"])
    assert (code, err) == (0, ""), out + err
    assert "bridge" not in out and "unique" not in out


def test_mrr_start_not_equal_to_last_months_end_fails_the_cross_check(tmp_path):
    # Feb smb starts at 90 instead of Jan's 100 (new_mrr absorbs the gap so the bridge
    # still holds): only the month-to-month check can see it.
    broken = make_warehouse(
        tmp_path / "chain.duckdb",
        "update kpi_mrr set mrr_start = 90, new_mrr = 10 "
        "where month = date '2024-02-01' and dimension_value = 'smb'",
    )
    code, out, err = run_gate(tmp_path, broken, marts=["kpi_mrr"])
    assert code == 1
    assert "FAIL kpi_mrr__mrr_start_equals_previous_mrr_end" in out
    block = next(b for b in err.split("FAILED ") if "mrr_end of month M-1" in b)
    assert block.startswith("kpi_mrr: expect_column_values_to_be_in_set(column='matches'")
    assert "90.0" in block and "100.0" in block  # lhs and rhs of the offending row


def test_month_outside_the_spine_fails(tmp_path):
    broken = make_warehouse(
        tmp_path / "outside.duckdb",
        "insert into kpi_customer_satisfaction values "
        "(date '2023-12-01', 'overall', 'all', true, 0, 0, null, null)",
    )
    code, _, err = run_gate(tmp_path, broken, marts=["kpi_customer_satisfaction"])
    assert code == 1
    block = next(b for b in err.split("FAILED ") if "column='in_spine'" in b)
    assert block.startswith("kpi_customer_satisfaction: expect_column_values_to_be_in_set(")
    assert "2023-12-01" in block


def test_wrong_is_complete_month_fails(tmp_path):
    broken = make_warehouse(
        tmp_path / "complete.duckdb",
        "update kpi_customer_satisfaction set is_complete_month = true "
        "where month = date '2024-03-01'",
    )
    code, _, err = run_gate(tmp_path, broken, marts=["kpi_customer_satisfaction"])
    assert code == 1
    assert "column='is_complete_month_matches'" in err
    assert "2024-03-01" in err


def test_channel_slices_that_do_not_add_up_fail(tmp_path):
    broken = make_warehouse(
        tmp_path / "slices.duckdb",
        "update kpi_customer_satisfaction set responses = 5 "
        "where month = date '2024-01-01' and dimension_value = 'chat'",
    )
    code, out, err = run_gate(tmp_path, broken, marts=["kpi_customer_satisfaction"])
    assert code == 1
    assert ("FAIL kpi_customer_satisfaction__channel_rows_add_up_to_overall__responses"
            in out)
    assert "ok   kpi_customer_satisfaction__support_agent_rows_add_up_to_overall__responses" in out


def test_a_missing_mart_fails_the_full_run(tmp_path):
    code, _, err = run_gate(tmp_path, make_warehouse(tmp_path / "partial.duckdb"), marts=None)
    assert code == 1
    for suite in expectations.MART_SUITES:
        if suite.table not in MARTS:
            assert f"FAILED {suite.table}: the mart is missing" in err


def test_main_is_what_the_pipeline_calls(tmp_path, capsys):
    broken = make_warehouse(tmp_path / "cli.duckdb",
                            "update kpi_mrr set arpa = -1 where dimension = 'overall'")
    code = validate.main(["--duckdb-path", str(broken), "--docs-dir",
                          str(tmp_path / "docs"), "--mart", "kpi_mrr"])
    assert code == 1
    assert "column='arpa'" in capsys.readouterr().err
    assert validate.main(["--duckdb-path", str(tmp_path / "absent.duckdb"),
                          "--docs-dir", str(tmp_path / "docs")]) == 2
