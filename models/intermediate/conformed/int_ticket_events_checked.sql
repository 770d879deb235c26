/* grain: one row per ticket event clean in staging, with its cross-system rejection_reason */
with

ticket_events as (
    select * from {{ ref('base_support__ticket_events') }}
    where rejection_reason is null
),

-- The known tickets: clean in staging and of a known customer, as in
-- int_tickets_checked (inlined to keep the chain short).
tickets as (
    select tickets.ticket_id
    from {{ ref('base_support__tickets') }} as tickets
    inner join {{ ref('base_crm__customers') }} as customers
        on tickets.customer_id = customers.customer_id
    where tickets.rejection_reason is null
        and customers.rejection_reason is null
),

final as (
    select
        ticket_events.event_id,
        ticket_events.ticket_id,
        ticket_events.actor_id,
        ticket_events.event_type,
        ticket_events.new_status,
        ticket_events.is_public,
        ticket_events.event_at,
        ticket_events._loaded_at,
        ticket_events.raw_key,
        case when tickets.ticket_id is null then 'unknown_ticket' end as rejection_reason
    from ticket_events
    left join tickets
        on ticket_events.ticket_id = tickets.ticket_id
)

select * from final
