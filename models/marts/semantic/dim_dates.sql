/* grain: one row per day, from the first month of int_months to the end of the as_of month */
with

months as (
    select * from {{ ref('int_months') }}
),

day_numbers as (
    {{ cs_integers(5) }}
),

bounds as (
    select
        min(month) as first_day,
        max(month_end_date) as last_day
    from months
),

days as (
    select
        cast(
            {{ dbt.dateadd('day', 'day_numbers.integer_value', 'bounds.first_day') }}
            as date
        ) as date_day
    from bounds
    cross join day_numbers
    where day_numbers.integer_value
        <= {{ dbt.datediff('bounds.first_day', 'bounds.last_day', 'day') }}
),

final as (
    select
        cast(date_day as date) as date_day,
        cast({{ cs_month_of('date_day') }} as date) as month_start_date
    from days
)

select * from final
