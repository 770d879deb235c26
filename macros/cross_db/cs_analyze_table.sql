{#-
    post-hook of every model: refresh the planner's statistics of a table just built,
    on engines whose planner needs them before the next model reads it. PostgreSQL
    gathers statistics only when autovacuum gets round to a new table; until then it
    guesses a handful of rows and plans nested loops over the stacked conformed views
    (a 30 ms query ran for minutes). Views have no statistics; DuckDB and Spark need
    nothing.
-#}
{% macro cs_analyze_table() -%}
    {{ return(adapter.dispatch('cs_analyze_table', 'cs_kpis')()) }}
{%- endmacro %}

{% macro default__cs_analyze_table() -%}
{%- endmacro %}

{% macro postgres__cs_analyze_table() -%}
    {%- if config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
