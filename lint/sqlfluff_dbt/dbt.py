"""dbt's cross-database macros as dbt-duckdb renders them (types, dates, strings)."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def type_string() -> str:
    return "varchar"


def type_bigint() -> str:
    return "bigint"


def type_int() -> str:
    return "integer"


def type_float() -> str:
    return "double"


def type_numeric() -> str:
    return "numeric(28, 6)"


def type_boolean() -> str:
    return "boolean"


def type_timestamp() -> str:
    return "timestamp"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"date_add({from_date_or_timestamp}, interval ({interval}) {datepart})"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def last_day(date: str, datepart: str) -> str:
    return f"last_day({date})"


def safe_cast(field: str, type: str) -> str:
    return f"try_cast({field} as {type})"


def cast(field: str, type: str) -> str:
    return f"cast({field} as {type})"


def hash(field: str) -> str:
    return f"md5(cast({field} as varchar))"


def concat(fields: Sequence[str]) -> str:
    return "(" + " || ".join(str(f) for f in fields) + ")"


def string_literal(value: str) -> str:
    return f"'{value}'"


def escape_single_quotes(expression: str) -> str:
    return str(expression).replace("'", "''")


def current_timestamp() -> str:
    return "now()"


def split_part(string_text: str, delimiter_text: str, part_number: int) -> str:
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def position(substring_text: str, string_text: str) -> str:
    return f"position({substring_text} in {string_text})"


def length(expression: str) -> str:
    return f"length({expression})"


def replace(field: str, old_chars: str, new_chars: str) -> str:
    return f"replace({field}, {old_chars}, {new_chars})"


def right(string_text: str, length_expression: str) -> str:
    return f"right({string_text}, {length_expression})"


def any_value(expression: str) -> str:
    return f"any_value({expression})"


def bool_or(expression: str) -> str:
    return f"bool_or({expression})"


def listagg(measure: str, delimiter_text: str = "','", order_by_clause: str | None = None,
            limit_num: int | None = None) -> str:
    order = f" {order_by_clause}" if order_by_clause else ""
    return f"string_agg({measure}, {delimiter_text}{order})"


def __getattr__(name: str) -> Callable[..., str]:
    """Any other dbt macro renders as a function call of the same name."""
    if name.startswith("__"):
        raise AttributeError(name)

    def render(*args: object, **kwargs: object) -> str:
        return f"{name}(" + ", ".join(str(a) for a in [*args, *kwargs.values()]) + ")"

    return render
