"""The SQL lint gate (`.sqlfluff`, run by `make lint`) fails on a badly styled model.

The project's own config lints a model written against the style (upper-case keywords,
`!=`, an implicit alias, a leading comma) and must name each break; a real model, with
its Jinja and dispatched macros rendered by lint/sqlfluff_dbt, must lint clean.
"""

from __future__ import annotations

from pathlib import Path

from sqlfluff.core import FluffConfig, Linter

PROJECT_DIR = Path(__file__).resolve().parents[2]

BAD_MART = """/* grain: one row per month */
with

mrr as (
    SELECT * from {{ ref('kpi_mrr') }}
),

final as (
    select
        month
        , mrr_end total
    from mrr
    where dimension != 'segment'
)

select * from final
"""


def lint(sql: str, name: str) -> set[str]:
    config = FluffConfig.from_path(str(PROJECT_DIR))
    result = Linter(config=config).lint_string(sql, fname=str(PROJECT_DIR / name))
    return {v.rule_code() for v in result.get_violations()}


def test_a_model_against_the_style_fails_naming_each_rule():
    codes = lint(BAD_MART, "models/marts/kpi_bad.sql")
    assert {"CP01", "LT04", "AL02", "CV01"} <= codes, codes


def test_a_real_model_lints_clean_with_its_macros_rendered():
    path = PROJECT_DIR / "models/staging/crm/base/base_crm__customers.sql"
    assert lint(path.read_text(), str(path.relative_to(PROJECT_DIR))) == set()
