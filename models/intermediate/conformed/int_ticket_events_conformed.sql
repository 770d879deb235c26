/* grain: one row per ticket event passing every check (as stg_support__ticket_events) */
with

checked as (
    select * from {{ ref('int_ticket_events_checked') }}
    where rejection_reason is null
),

final as (
    select
        event_id,
        ticket_id,
        actor_id,
        event_type,
        new_status,
        is_public,
        event_at,
        _loaded_at
    from checked
)

select * from final
