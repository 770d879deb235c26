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

{#-
    One row per calendar month from `first_month` to `last_month` (SQL
    expressions, first days of months, read from `bounds_relation`, a one-row
    CTE or relation): `month_number` (0 for the first month) and `month` (a
    date). Use as a CTE body: `spine as ({{ cs_month_spine('bounds') }})` with
    columns first_month and last_month in `bounds`.
-#}
{% macro cs_month_spine(bounds_relation) -%}
    select
        month_numbers.integer_value as month_number,
        cast(
            {{ dbt.dateadd('month', 'month_numbers.integer_value',
                bounds_relation ~ '.first_month') }}
            as date
        ) as month
    from ({{ cs_integers(4) }}) as month_numbers
    cross join {{ bounds_relation }}
    where
        month_numbers.integer_value
        <= {{ dbt.datediff(bounds_relation ~ '.first_month',
            bounds_relation ~ '.last_month', 'month') }}
{%- endmacro %}
