/* grain: one row per subscription passing every check (as stg_billing__subscriptions) */
with

checked as (
    select * from {{ ref('int_subscriptions_checked') }}
    where rejection_reason is null
),

final as (
    select
        subscription_id,
        customer_id,
        plan_id,
        cancellation_reason,
        contract_term_months,
        started_at,
        ended_at,
        _loaded_at
    from checked
)

select * from final
