/* grain: one row per subscription period (a span with one constant recurring price) */
with

periods as (
    select * from {{ ref('base_billing__subscription_periods') }}
    where rejection_reason is null
),

final as (
    select
        -- ids
        subscription_period_id,
        subscription_id,
        customer_id,

        -- strings
        billing_interval,
        currency,

        -- numerics
        interval_months,
        amount,
        quantity,

        -- booleans
        is_trial,

        -- dates
        period_start,
        period_end,

        -- timestamps
        _loaded_at
    from periods
)

select * from final
