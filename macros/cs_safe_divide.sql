{#- numerator / denominator, null (never 0, never infinity) when the
    denominator is 0 or null. The numerator is cast to a float first so an
    integer ratio is never truncated by integer division; cast the result to
    cs_type_money() where a decimal is wanted. -#}
{% macro cs_safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ dbt.type_float() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}
