/* grain: one row per support ticket */
with

tickets as (
    select * from {{ ref('base_support__tickets') }}
    where rejection_reason is null
),

final as (
    select
        -- ids
        ticket_id,
        customer_id,
        assignee_id,

        -- strings
        channel,
        priority,
        subject,
        status,

        -- timestamps
        created_at,
        _loaded_at
    from tickets
)

select * from final
