/* grain: one row per subscription period passing every check */
with

checked as (
    select * from {{ ref('int_subscription_periods_checked') }}
    where rejection_reason is null
),

final as (
    select
        subscription_period_id,
        subscription_id,
        customer_id,
        billing_interval,
        currency,
        interval_months,
        amount,
        quantity,
        is_trial,
        period_start,
        period_end,
        _loaded_at
    from checked
)

select * from final
