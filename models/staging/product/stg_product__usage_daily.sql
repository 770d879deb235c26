/* grain: one row per customer per day with product usage */
with

usage_daily as (
    select * from {{ ref('base_product__usage_daily') }}
    where rejection_reason is null
),

final as (
    select
        -- ids
        customer_id,

        -- numerics
        active_users,
        sessions,
        key_events,

        -- dates
        usage_date,

        -- timestamps
        _loaded_at
    from usage_daily
)

select * from final
