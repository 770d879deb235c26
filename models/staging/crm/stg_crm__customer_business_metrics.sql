/* grain: one row per customer and as-of date of its reported business figures */
with

metrics as (
    select * from {{ ref('base_crm__customer_business_metrics') }}
    where rejection_reason is null
),

final as (
    select
        customer_id,
        as_of_date,
        employee_count,
        end_customer_count,
        _loaded_at
    from metrics
)

select * from final
