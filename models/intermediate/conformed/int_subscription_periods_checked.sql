/* grain: one row per subscription period clean in staging, with its rejection_reason */
{{ config(materialized="table") }}
with

periods as (
    select * from {{ ref('base_billing__subscription_periods') }}
    where rejection_reason is null
),

-- the clean customers (as stg_crm__customers), from the base model: a shorter chain
customers as (
    select customer_id from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

-- The known subscriptions: clean in staging, of a known customer and not ending
-- before they start, as in int_subscriptions_checked (inlined to keep the chain short).
subscriptions as (
    select subscriptions.subscription_id
    from {{ ref('base_billing__subscriptions') }} as subscriptions
    inner join customers
        on subscriptions.customer_id = customers.customer_id
    where subscriptions.rejection_reason is null
        and not coalesce(subscriptions.ended_at < subscriptions.started_at, false)
),

-- per currency, the first month with a clean exchange rate
fx_first_rate_months as (
    select
        currency,
        min(rate_month) as first_rate_month
    from {{ ref('base_billing__fx_rates') }}
    where rejection_reason is null
    group by currency
),

referenced as (
    select
        periods.*,
        case
            when customers.customer_id is null then 'unknown_customer'
            when subscriptions.subscription_id is null then 'unknown_subscription'
        end as row_reason,
        coalesce(periods.period_end < periods.period_start, false) as is_end_before_start
    from periods
    left join customers
        on periods.customer_id = customers.customer_id
    left join subscriptions
        on periods.subscription_id = subscriptions.subscription_id
),

-- a row already rejected for another reason is not checked for overlaps
overlapping as (
    {{ cs_overlapping_keys('referenced', 'subscription_id', 'period_start', 'period_end',
        candidate_filter='{row}.row_reason is null and not {row}.is_end_before_start') }}
),

final as (
    select
        referenced.subscription_period_id,
        referenced.subscription_id,
        referenced.customer_id,
        referenced.billing_interval,
        referenced.currency,
        referenced.interval_months,
        referenced.amount,
        referenced.quantity,
        referenced.is_trial,
        referenced.period_start,
        referenced.period_end,
        referenced._loaded_at,
        referenced.raw_key,
        coalesce(
            referenced.row_reason,
            case when overlapping.raw_key is not null then 'overlapping_range' end,
            case when referenced.is_end_before_start then 'end_before_start' end,
            case
                when {{ cs_lacks_fx_rate('referenced.currency',
                    cs_month_of('referenced.period_start')) }}
                    then 'missing_fx_rate'
            end
        ) as rejection_reason
    from referenced
    left join overlapping
        on referenced.raw_key = overlapping.raw_key
    left join fx_first_rate_months as fx
        on referenced.currency = fx.currency
)

select * from final
