{#-
    The integers 0 .. 10^digit_count - 1 as one column `integer_value`, from a
    cross join of digit tables: a portable number series without recursive CTEs
    or engine-specific generators. Use as a CTE body:
    `month_numbers as ({{ cs_integers(4) }})`.
-#}
{% macro cs_integers(digit_count) -%}
    select
        {% for position in range(digit_count) -%}
        digits_{{ position }}.digit * {{ 10 ** position }}
        {{- " +" if not loop.last }}
        {% endfor -%}
        as integer_value
    from
        {% for position in range(digit_count) -%}
        (
            select 0 as digit
            {%- for digit in range(1, 10) %}
            union all
            select {{ digit }} as digit
            {%- endfor %}
        ) as digits_{{ position }}
        {{- "\n        cross join" if not loop.last }}
        {% endfor %}
{%- endmacro %}
