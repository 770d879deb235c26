/* grain: one row per ticket event (message, reply, note or status change) */
with

ticket_events as (
    select * from {{ ref('base_support__ticket_events') }}
    where rejection_reason is null
),

final as (
    select
        -- ids
        event_id,
        ticket_id,
        actor_id,

        -- strings
        event_type,
        new_status,

        -- booleans
        is_public,

        -- timestamps
        event_at,
        _loaded_at
    from ticket_events
)

select * from final
