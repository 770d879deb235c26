/* grain: one row per subscription (contract) */
with

subscriptions as (
    select * from {{ ref('base_billing__subscriptions') }}
    where rejection_reason is null
),

final as (
    select
        -- ids
        subscription_id,
        customer_id,
        plan_id,

        -- strings
        cancellation_reason,

        -- numerics
        contract_term_months,

        -- dates
        started_at,
        ended_at,

        -- timestamps
        _loaded_at
    from subscriptions
)

select * from final
