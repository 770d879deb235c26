"""The uniqueness tests report exactly the repeated keys, on DuckDB's fast path too.

dbt's `unique` and the project's cs_unique_combination are built on
cs_repeated_values, which on DuckDB sorts 64-bit hashes to find the candidates
before grouping by the values (macros/testing/cs_repeated_values.sql). One
`dbt show` runs both paths and dbt's own `default__test_unique` over a hand-made
table, so the fast path must return the rows the plain `group by` returns.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from harness import run_dbt

# Nine rows of (a, b). Repeated pairs, worked out by hand: ('x', 1) twice, (null, 1)
# twice, ('y', null) twice; ('x', 2), ('z', 3) and (null, null) are single. Repeated
# non-null values of a: 'x' three times, 'y' twice ('z' once; nulls do not count).
ROWS = [("x", 1), ("x", 1), ("x", 2), (None, 1), (None, 1), ("y", None), ("y", None),
        ("z", 3), (None, None)]
PAIRS = {(None, 1, 2), ("x", 1, 2), ("y", None, 2)}
UNIQUE = {("x", None, 3), ("y", None, 2)}

INLINE = """
select 'duckdb pair' as check_name, a, b, row_count as n
from ({{ cs_repeated_values('main.repeats', ['a', 'b'], 'row_count') }}) as p1
union all
select 'default pair', a, b, row_count
from ({{ cs_kpis.default__cs_repeated_values(
    'main.repeats', ['a', 'b'], 'row_count', none, none) }}) as p2
union all
select 'duckdb unique', unique_field, null, n_records
from ({{ cs_kpis.duckdb__test_unique('main.repeats', 'a') }}) as u1
union all
select 'dbt unique', unique_field, null, n_records
from ({{ dbt.default__test_unique('main.repeats', 'a') }}) as u2
union all
select 'generic unique', unique_field, null, n_records
from ({{ adapter.dispatch('test_unique', 'dbt')('main.repeats', 'a') }}) as u3
union all
select 'dispatched', '{{ "lag(key_hash)" in adapter.dispatch('test_unique', 'dbt')('r', 'a') }}',
    null, 0
"""


def test_fast_and_plain_uniqueness_checks_return_the_repeated_keys(tmp_path: Path):
    path = tmp_path / "repeats.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table repeats (a varchar, b integer)")
    con.executemany("insert into repeats values (?, ?)", ROWS)
    con.close()

    result = run_dbt(["show", "--inline", INLINE, "--output", "json", "--limit", "-1",
                      "--quiet"], tmp_path, path)
    shown = json.loads(result.stdout[result.stdout.index("{"):])["show"]
    found: dict[str, set[tuple[object, object, int]]] = {}
    for row in shown:
        found.setdefault(row["check_name"], set()).add((row["a"], row["b"], row["n"]))

    assert found["duckdb pair"] == PAIRS
    assert found["default pair"] == PAIRS
    assert found["dbt unique"] == UNIQUE
    assert found["duckdb unique"] == UNIQUE
    # what the `unique` data tests run on DuckDB: the project's fast path
    assert found["generic unique"] == UNIQUE
    assert found["dispatched"] == {("True", None, 0)}
