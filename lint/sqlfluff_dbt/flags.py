"""dbt's `flags` for the linter: the command a model is linted as (a `dbt build`)."""

WHICH = "build"
FULL_REFRESH = False
