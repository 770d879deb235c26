{#- numerator / denominator, null (never 0, never infinity) when the
    denominator is 0 or null. The numerator is cast to a double first so an
    integer ratio is never truncated by integer division; cast the result to
    cs_type_money() where a decimal is wanted. -#}
{% macro cs_safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ cs_type_double() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}

{#- A double-precision float. dbt.type_float() is single precision (float4,
    about 7 digits) on DuckDB, too coarse for rates and money ratios. -#}
{% macro cs_type_double() -%}
    {{ return(adapter.dispatch('cs_type_double', 'cs_kpis')()) }}
{%- endmacro %}

{% macro default__cs_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__cs_type_double() -%}
    double
{%- endmacro %}

{% macro spark__cs_type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__cs_type_double() -%}
    float64
{%- endmacro %}
