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
    One row per calendar month from the month of the earliest `date_column` in
    `dates_relation` (a CTE or relation; the as_of month when it has no date) to
    the as_of month: `month_number` (0 for the first month) and `month` (a date).
    Up to 10,000 months, built without recursion. Use as a CTE body:
    `spine as ({{ cs_month_spine('billing_dates', 'billing_date') }})`.
-#}
{% macro cs_month_spine(dates_relation, date_column) -%}
    select
        month_numbers.integer_value as month_number,
        cast(
            {{ dbt.dateadd('month', 'month_numbers.integer_value', 'bounds.first_month') }}
            as date
        ) as month
    from ({{ cs_integers(4) }}) as month_numbers
    cross join (
        select
            coalesce(
                {{ cs_month_of('min(' ~ date_column ~ ')') }},
                {{ cs_month_of(cs_as_of_date()) }}
            ) as first_month,
            {{ cs_month_of(cs_as_of_date()) }} as last_month
        from {{ dates_relation }}
    ) as bounds
    where
        month_numbers.integer_value
        <= {{ dbt.datediff('bounds.first_month', 'bounds.last_month', 'month') }}
{%- endmacro %}
