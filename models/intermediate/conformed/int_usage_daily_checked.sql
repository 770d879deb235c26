/* grain: one row per customer and usage day clean in staging, with its rejection_reason */
with

usage_daily as (
    select * from {{ ref('base_product__usage_daily') }}
    where rejection_reason is null
),

-- the clean customers (as stg_crm__customers), from the base model: a shorter chain
customers as (
    select customer_id from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

final as (
    select
        usage_daily.customer_id,
        usage_daily.active_users,
        usage_daily.sessions,
        usage_daily.key_events,
        usage_daily.usage_date,
        usage_daily._loaded_at,
        usage_daily.raw_key,
        case when customers.customer_id is null then 'unknown_customer' end
            as rejection_reason
    from usage_daily
    left join customers
        on usage_daily.customer_id = customers.customer_id
)

select * from final
