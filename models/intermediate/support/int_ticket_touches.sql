/* grain: one row per support ticket (touches, first solve and reopen) */
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
),

tickets_in_scope as (
    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.assignee_id,
        tickets.channel,
        tickets.priority,
        tickets.created_at,
        {{ cs_to_reporting_date('tickets.created_at') }} as created_date
    from tickets
    inner join customers
        on tickets.customer_id = customers.customer_id
),

events_in_scope as (
    select * from ticket_events
    where {{ cs_to_reporting_date('event_at') }} <= {{ cs_as_of_date() }}
),

first_solves as (
    select
        ticket_id,
        min(event_at) as first_solved_at
    from events_in_scope
    where event_type = 'status_change'
        and new_status in ('solved', 'closed')
    group by ticket_id
),

-- Touches: public agent replies up to the first solve (a reply sent together
-- with the solve, at the same instant, counts). Internal notes and non-public
-- replies are not touches. Reopen: a later status change to a status other
-- than solved/closed.
event_counts as (
    select
        events_in_scope.ticket_id,
        sum(
            case
                when events_in_scope.event_type = 'agent_reply'
                    and events_in_scope.is_public
                    and (
                        first_solves.first_solved_at is null
                        or events_in_scope.event_at <= first_solves.first_solved_at
                    )
                    then 1
                else 0
            end
        ) as touches,
        sum(
            case
                when events_in_scope.event_type = 'status_change'
                    and events_in_scope.event_at > first_solves.first_solved_at
                    and events_in_scope.new_status not in ('solved', 'closed')
                    then 1
                else 0
            end
        ) as reopens
    from events_in_scope
    left join first_solves
        on events_in_scope.ticket_id = first_solves.ticket_id
    group by events_in_scope.ticket_id
),

tickets_resolved as (
    select
        tickets_in_scope.ticket_id,
        tickets_in_scope.customer_id,
        tickets_in_scope.assignee_id,
        tickets_in_scope.channel,
        tickets_in_scope.priority,
        tickets_in_scope.created_at,
        tickets_in_scope.created_date,
        first_solves.first_solved_at,
        first_solves.first_solved_at is not null as is_solved,
        cast(coalesce(event_counts.touches, 0) as {{ dbt.type_bigint() }})
            as touches,
        cast(coalesce(event_counts.reopens, 0) as {{ dbt.type_bigint() }})
            as reopens
    from tickets_in_scope
    left join first_solves
        on tickets_in_scope.ticket_id = first_solves.ticket_id
    left join event_counts
        on tickets_in_scope.ticket_id = event_counts.ticket_id
    where tickets_in_scope.created_date <= {{ cs_as_of_date() }}
),

final as (
    select
        -- ids
        ticket_id,
        customer_id,
        coalesce(assignee_id, 'unknown') as support_agent_id,

        -- strings
        channel,
        priority,

        -- numerics
        touches,
        reopens,

        -- booleans
        is_solved,
        reopens > 0 as is_reopened,
        is_solved and touches = 0 as is_zero_touch,
        is_solved
        and reopens = 0
        and (
            touches = 1
            {%- if cs_flag_var('fcr_include_zero_touch') %}
            or touches = 0
            {%- endif %}
        ) as is_first_contact_resolved,

        -- dates
        {{ cs_month_of('created_date') }} as created_month,
        created_date,
        {{ cs_to_reporting_date('first_solved_at') }} as first_solved_date,

        -- timestamps
        created_at,
        first_solved_at
    from tickets_resolved
)

select * from final
