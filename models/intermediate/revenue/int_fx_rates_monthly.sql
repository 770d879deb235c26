/* grain: one row per currency per month, first staged billing date to as_of, with a rate */
with

all_fx_rates as (
    select * from {{ ref('stg_billing__fx_rates') }}
),

fx_rates as (
    select * from all_fx_rates
    where currency <> '{{ var("reporting_currency") | upper }}'
),

subscription_periods as (
    select * from {{ ref('stg_billing__subscription_periods') }}
),

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

-- The earliest staged billing date or rate up to as_of: on or before the first
-- month of int_months (which counts clean, non-test rows only), so every month
-- of int_months is here without this model waiting for the conformed layer.
staged_dates as (
    select min(period_start) as first_date
    from subscription_periods
    where period_start <= {{ cs_as_of_date() }}

    union all

    select min({{ cs_to_reporting_date('issued_at') }}) as first_date
    from invoices
    where {{ cs_to_reporting_date('issued_at') }} <= {{ cs_as_of_date() }}

    union all

    select min(rate_month) as first_date
    from all_fx_rates
    where rate_month <= {{ cs_as_of_date() }}
),

months as (
    {{ cs_month_spine('staged_dates', 'first_date') }}
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
