{#-
    on-run-end: write everything to the database file and give back the space of
    the relations a build replaced, so the file does not grow from one rebuild to
    the next (DuckDB reuses freed blocks only after a checkpoint). Other engines
    manage their own storage: nothing to do.
-#}
{% macro cs_compact_warehouse() -%}
    {{ return(adapter.dispatch('cs_compact_warehouse', 'cs_kpis')()) }}
{%- endmacro %}

{% macro default__cs_compact_warehouse() -%}
    select 1 as nothing_to_compact
{%- endmacro %}

{% macro duckdb__cs_compact_warehouse() -%}
    checkpoint
{%- endmacro %}
