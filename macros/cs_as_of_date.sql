{#- The as-of date (var `as_of_date`, YYYY-MM-DD; default today) as a date literal. -#}
{% macro cs_as_of_date() -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- if as_of is none or as_of | string | trim in ('', 'None', 'null') -%}
        current_date
    {%- else -%}
        cast('{{ as_of | string | trim }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- A UTC timestamp as a date in var `reporting_timezone`. -#}
{% macro cs_to_reporting_date(column) -%}
    {%- if var('reporting_timezone', 'UTC') | upper == 'UTC' -%}
        cast({{ column }} as date)
    {%- else -%}
        {{ return(adapter.dispatch('cs_to_reporting_date', 'cs_kpis')(column)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__cs_to_reporting_date(column) -%}
    cast(({{ column }} at time zone 'UTC') at time zone '{{ var("reporting_timezone") }}' as date)
{%- endmacro %}

{% macro duckdb__cs_to_reporting_date(column) -%}
    cast(timezone('{{ var("reporting_timezone") }}', timezone('UTC', {{ column }})) as date)
{%- endmacro %}
