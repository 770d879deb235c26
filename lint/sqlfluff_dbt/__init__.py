"""Stand-ins for dbt's `dbt` and `adapter` Jinja objects, for sqlfluff's jinja templater.

sqlfluff's `apply_dbt_builtins` gives `ref`, `source`, `var` and `config` but not
`adapter.dispatch` or dbt's cross-database macros (`dbt.date_trunc`, `dbt.type_string`...).
`.sqlfluff` points `library_path` here, so the linter renders them as the DuckDB SQL
that dbt-duckdb would write, and project macros dispatch to their `duckdb__` version.
Only used by the linter; dbt itself never imports this.
"""

from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


class _MacroContext:
    """dbt's `context` variable: `context['macro_name']` is that macro."""

    def __getitem__(self, name: str) -> Callable[..., Any]:
        @pass_context
        def call(jinja_context: Context, *args: Any, **kwargs: Any) -> Any:
            return jinja_context[name](*args, **kwargs)

        return call

    get = __getitem__


context = _MacroContext()
