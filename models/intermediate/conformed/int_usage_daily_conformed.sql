/* grain: one row per customer and day with product usage passing every check */
with

checked as (
    select * from {{ ref('int_usage_daily_checked') }}
    where rejection_reason is null
),

final as (
    select
        customer_id,
        active_users,
        sessions,
        key_events,
        usage_date,
        _loaded_at
    from checked
)

select * from final
