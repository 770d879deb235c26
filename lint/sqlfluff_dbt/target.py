"""`target` for the linter: the engine models are linted as (see adapter.ENGINE)."""

from sqlfluff_dbt.adapter import ENGINE

type = ENGINE  # noqa: A001 - dbt's attribute name
name = "lint"
