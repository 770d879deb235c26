/* grain: one row per customer and as-of date passing every check */
with

checked as (
    select * from {{ ref('int_customer_business_metrics_checked') }}
    where rejection_reason is null
),

final as (
    select
        customer_id,
        as_of_date,
        employee_count,
        end_customer_count,
        _loaded_at
    from checked
)

select * from final
