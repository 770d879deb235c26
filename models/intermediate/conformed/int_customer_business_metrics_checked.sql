/* grain: one row per customer and as-of date clean in staging, with its rejection_reason */
with

customer_business_metrics as (
    select * from {{ ref('base_crm__customer_business_metrics') }}
    where rejection_reason is null
),

-- the clean customers (as stg_crm__customers), from the base model: a shorter chain
customers as (
    select customer_id from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

final as (
    select
        customer_business_metrics.customer_id,
        customer_business_metrics.as_of_date,
        customer_business_metrics.employee_count,
        customer_business_metrics.end_customer_count,
        customer_business_metrics._loaded_at,
        customer_business_metrics.raw_key,
        case when customers.customer_id is null then 'unknown_customer' end
            as rejection_reason
    from customer_business_metrics
    left join customers
        on customer_business_metrics.customer_id = customers.customer_id
)

select * from final
