/* grain: one row per ticket clean in staging, with its cross-system rejection_reason */
with

tickets as (
    select * from {{ ref('base_support__tickets') }}
    where rejection_reason is null
),

-- the clean customers (as stg_crm__customers), from the base model: a shorter chain
customers as (
    select customer_id from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

final as (
    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.assignee_id,
        tickets.channel,
        tickets.priority,
        tickets.subject,
        tickets.status,
        tickets.created_at,
        tickets._loaded_at,
        tickets.raw_key,
        case when customers.customer_id is null then 'unknown_customer' end
            as rejection_reason
    from tickets
    left join customers
        on tickets.customer_id = customers.customer_id
)

select * from final
