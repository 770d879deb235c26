/* grain: one row per customer account (test accounts flagged, not removed) */
with

customers as (
    select * from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

final as (
    select
        customer_id,
        customer_name,
        segment,
        industry,
        country_code,
        is_test_account,
        created_at,
        _loaded_at
    from customers
)

select * from final
