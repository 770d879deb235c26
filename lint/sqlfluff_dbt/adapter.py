"""`adapter.dispatch(name, namespace)`: the project's `duckdb__` macro, else `default__`."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

ENGINE = "duckdb"


@pass_context
def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Any:
    for prefix in (f"{ENGINE}__", "default__"):
        macro = context.get(f"{prefix}{macro_name}")
        if macro is not None:
            return macro
    if macro_namespace == "dbt":
        from sqlfluff_dbt import dbt

        return getattr(dbt, macro_name)
    raise LookupError(f"no duckdb__ or default__ implementation of macro {macro_name!r}")


def quote(identifier: str) -> str:
    return f'"{identifier}"'
