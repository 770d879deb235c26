{#- The rows of `model` matching `where_clause` (e.g. "dimension = 'overall'")
    form a gapless monthly series: exactly one row per month, no month missing
    between the first and the last, and the last is the month of as_of_date.
    (It reads only `model`, so selecting an upstream model never drags this
    test into a build that does not build `model`.) -#}
{% test cs_has_row_for_every_month(model, where_clause='1 = 1', month_column='month') %}
with

model_rows as (
    select {{ month_column }} as month
    from {{ model }}
    where {{ where_clause }}
),

repeated_months as (
    select
        month,
        'several rows' as problem
    from model_rows
    group by month
    having count(*) > 1
),

series as (
    select
        min(month) as first_month,
        max(month) as last_month,
        count(distinct month) as months
    from model_rows
),

broken_series as (
    select
        last_month as month,
        'gap or wrong last month' as problem
    from series
    where months <> {{ dbt.datediff('first_month', 'last_month', 'month') }} + 1
        or last_month <> {{ cs_month_of(cs_as_of_date()) }}
        or last_month is null
)

select * from repeated_months
union all
select * from broken_series
{% endtest %}
