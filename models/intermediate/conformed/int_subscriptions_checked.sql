/* grain: one row per subscription clean in staging, with its cross-system rejection_reason */
with

subscriptions as (
    select * from {{ ref('base_billing__subscriptions') }}
    where rejection_reason is null
),

-- the clean customers (as stg_crm__customers), from the base model: a shorter chain
customers as (
    select customer_id from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

final as (
    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.plan_id,
        subscriptions.cancellation_reason,
        subscriptions.contract_term_months,
        subscriptions.started_at,
        subscriptions.ended_at,
        subscriptions._loaded_at,
        subscriptions.raw_key,
        case
            when customers.customer_id is null then 'unknown_customer'
            when subscriptions.ended_at < subscriptions.started_at then 'end_before_start'
        end as rejection_reason
    from subscriptions
    left join customers
        on subscriptions.customer_id = customers.customer_id
)

select * from final
