/* grain: one row per customer, month and currency with MRR on the snapshot date */
{{ config(
    materialized=cs_incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='month',
    on_schema_change='fail',
    post_hook=["{{ cs_delete_months_outside_spine() }}"]
) }}
with

-- Incremental runs recompute whole months from recompute_from_month on.
recompute as (
    {{ cs_revenue_recompute_from_month() }}
),

months as (
    select * from {{ ref('int_months') }}
    where month >= (select recompute_from_month from recompute)
),

paid_periods as (
    select * from {{ ref('int_subscription_periods_paid') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

-- Paid periods active on the snapshot date: start <= snapshot < end.
active_periods as (
    select
        paid_periods.customer_id,
        months.month,
        paid_periods.currency,
        paid_periods.mrr_local,
        paid_periods.quantity
    from paid_periods
    inner join months
        on paid_periods.period_start <= months.snapshot_date
            and (
                paid_periods.period_end is null
                or paid_periods.period_end > months.snapshot_date
            )
),

aggregated as (
    select
        customer_id,
        month,
        currency,
        sum(mrr_local) as mrr_local,
        sum(quantity) as seats,
        count(*) as active_periods
    from active_periods
    group by customer_id, month, currency
),

final as (
    select
        cast(aggregated.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(aggregated.month as date) as month,
        cast(aggregated.currency as {{ dbt.type_string() }}) as currency,
        cast(aggregated.mrr_local as {{ cs_type_money() }}) as mrr_local,
        cast(aggregated.seats as {{ dbt.type_bigint() }}) as seats,
        cast(aggregated.active_periods as {{ dbt.type_bigint() }})
            as active_periods,
        fx_rates.rate_to_reporting,
        cast(
            aggregated.mrr_local * fx_rates.rate_to_reporting
            as {{ cs_type_money() }}
        ) as mrr,

        -- bookkeeping: the incremental watermark
        cast(
            {{ cs_revenue_inputs_loaded_at() }} as {{ dbt.type_timestamp() }}
        ) as _inputs_loaded_at
    from aggregated
    left join fx_rates
        on aggregated.currency = fx_rates.currency
            and aggregated.month = fx_rates.month
)

select * from final
