/* grain: one row per ticket status change (the status and the dates it held) */
with

tickets as (
    select * from {{ ref('int_tickets_checked') }}
    where rejection_reason is null
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

ticket_events as (
    select * from {{ ref('int_ticket_events_checked') }}
    where rejection_reason is null
        and event_type = 'status_change'
),

status_changes as (
    select
        ticket_events.event_id,
        ticket_events.ticket_id,
        tickets.customer_id,
        ticket_events.new_status as status,
        ticket_events.event_at as changed_at,
        {{ cs_to_reporting_date('ticket_events.event_at') }} as changed_date
    from ticket_events
    inner join tickets
        on ticket_events.ticket_id = tickets.ticket_id
    inner join customers
        on tickets.customer_id = customers.customer_id
),

status_changes_in_scope as (
    select * from status_changes
    where changed_date <= {{ cs_as_of_date() }}
),

final as (
    select
        -- ids
        event_id,
        ticket_id,
        customer_id,

        -- strings
        status,

        -- booleans
        status in ('solved', 'closed') as is_solved_status,

        -- dates
        -- The status holds from valid_from_date (inclusive) to the date of the
        -- next change (exclusive). Of several changes on one day only the last
        -- one holds at the end of that day (the others get an empty range).
        changed_date as valid_from_date,
        lead(changed_date) over (
            partition by ticket_id
            order by changed_at, event_id
        ) as valid_to_date,

        -- timestamps
        changed_at
    from status_changes_in_scope
)

select * from final
