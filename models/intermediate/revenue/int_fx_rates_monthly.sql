/* grain: one row per currency per month of int_months with a usable rate */
with

months as (
    select * from {{ ref('int_months') }}
),

fx_rates as (
    select * from {{ ref('stg_billing__fx_rates') }}
    where currency <> '{{ var("reporting_currency") | upper }}'
),

currencies as (
    select distinct currency from fx_rates
),

-- The month's own rate, else the most recent earlier month's (carry forward).
latest_rate_months as (
    select
        currencies.currency,
        months.month,
        max(fx_rates.rate_month) as rate_month
    from currencies
    cross join months
    inner join fx_rates
        on currencies.currency = fx_rates.currency
            and months.month >= fx_rates.rate_month
    group by currencies.currency, months.month
),

foreign_rates as (
    select
        latest_rate_months.currency,
        latest_rate_months.month,
        latest_rate_months.rate_month,
        fx_rates.rate_to_reporting
    from latest_rate_months
    inner join fx_rates
        on latest_rate_months.currency = fx_rates.currency
            and latest_rate_months.rate_month = fx_rates.rate_month
),

reporting_rates as (
    select
        '{{ var("reporting_currency") | upper }}' as currency,
        month,
        month as rate_month,
        cast(1 as {{ cs_type_money() }}) as rate_to_reporting
    from months
),

unioned as (
    select * from foreign_rates
    union all
    select * from reporting_rates
),

final as (
    select
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(month as date) as month,
        cast(rate_month as date) as rate_month,
        cast(rate_to_reporting as {{ cs_type_money() }}) as rate_to_reporting
    from unioned
)

select * from final
