/* grain: one row per support ticket passing every check (as stg_support__tickets) */
with

checked as (
    select * from {{ ref('int_tickets_checked') }}
    where rejection_reason is null
),

final as (
    select
        ticket_id,
        customer_id,
        assignee_id,
        channel,
        priority,
        subject,
        status,
        created_at,
        _loaded_at
    from checked
)

select * from final
