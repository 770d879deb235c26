/* grain: one row per customer per month the customer is active at month end (support) */
with

customer_months as (
    select * from {{ ref('int_customer_months') }}
    where is_active_end
),

tickets as (
    select * from {{ ref('int_ticket_touches') }}
),

ticket_status_history as (
    select * from {{ ref('int_ticket_status_history') }}
),

scoring_parameters as (
    select * from {{ ref('health_scoring_parameters') }}
    where component = 'support'
),

-- The support parameters as one row (seed health_scoring_parameters).
points as (
    select
        max(
            case when parameter = 'points_per_high_urgent_ticket' then value end
        ) as points_per_high_urgent_ticket,
        max(
            case when parameter = 'points_per_low_normal_ticket' then value end
        ) as points_per_low_normal_ticket,
        max(case when parameter = 'points_per_stale_ticket' then value end)
            as points_per_stale_ticket
    from scoring_parameters
),

-- Window edges: "the N days ending at month end" are N calendar days, the
-- snapshot date included; a ticket is old enough to be stale when created
-- health_stale_ticket_age_days or more days before the snapshot date.
support_windows as (
    select
        customer_id,
        month,
        snapshot_date,
        cast(
            {{ dbt.dateadd(
                'day', '1 - ' ~ var('health_support_window_days'), 'snapshot_date'
            ) }} as date
        ) as window_start,
        cast(
            {{ dbt.dateadd(
                'day', '-' ~ var('health_stale_ticket_age_days'), 'snapshot_date'
            ) }} as date
        ) as stale_created_before
    from customer_months
),

tickets_in_window as (
    select
        support_windows.customer_id,
        support_windows.month,
        count(*) as tickets_in_window,
        sum(
            case when tickets.priority in ('high', 'urgent') then 1 else 0 end
        ) as high_urgent_tickets,
        sum(
            case when tickets.priority in ('low', 'normal') then 1 else 0 end
        ) as low_normal_tickets
    from support_windows
    inner join tickets
        on support_windows.customer_id = tickets.customer_id
            and support_windows.window_start <= tickets.created_date
            and support_windows.snapshot_date >= tickets.created_date
    group by support_windows.customer_id, support_windows.month
),

-- The day from which a ticket stays solved: its last status change, when that
-- is solved or closed (the history row without an end). On and after it the
-- ticket is solved at every snapshot date, so it is never stale there.
solved_for_good as (
    select
        ticket_id,
        valid_from_date as solved_for_good_from
    from ticket_status_history
    where valid_to_date is null
        and is_solved_status
),

-- The status of each old-enough ticket at month end: its last status change
-- on or before the snapshot date; no change by then means open. Only the
-- tickets not yet solved for good are looked up (most old tickets are).
ticket_status_at_month_end as (
    select
        support_windows.customer_id,
        support_windows.month,
        tickets.ticket_id,
        coalesce(ticket_status_history.is_solved_status, false)
            as is_solved_at_month_end
    from support_windows
    inner join tickets
        on support_windows.customer_id = tickets.customer_id
            and support_windows.stale_created_before >= tickets.created_date
    left join solved_for_good
        on tickets.ticket_id = solved_for_good.ticket_id
    left join ticket_status_history
        on tickets.ticket_id = ticket_status_history.ticket_id
            and support_windows.snapshot_date
            >= ticket_status_history.valid_from_date
            and (
                ticket_status_history.valid_to_date is null
                or support_windows.snapshot_date
                < ticket_status_history.valid_to_date
            )
    where solved_for_good.solved_for_good_from is null
        or support_windows.snapshot_date < solved_for_good.solved_for_good_from
),

stale_tickets as (
    select
        customer_id,
        month,
        count(*) as stale_tickets
    from ticket_status_at_month_end
    where not is_solved_at_month_end
    group by customer_id, month
),

counts as (
    select
        support_windows.customer_id,
        support_windows.month,
        coalesce(tickets_in_window.tickets_in_window, 0) as tickets_90d,
        coalesce(tickets_in_window.high_urgent_tickets, 0)
            as high_urgent_tickets_90d,
        coalesce(tickets_in_window.low_normal_tickets, 0)
            as low_normal_tickets_90d,
        coalesce(stale_tickets.stale_tickets, 0) as stale_tickets
    from support_windows
    left join tickets_in_window
        on support_windows.customer_id = tickets_in_window.customer_id
            and support_windows.month = tickets_in_window.month
    left join stale_tickets
        on support_windows.customer_id = stale_tickets.customer_id
            and support_windows.month = stale_tickets.month
),

-- support_score = 100 - points off per ticket, floor 0
scored as (
    select
        counts.*,
        100
        - points.points_per_high_urgent_ticket * counts.high_urgent_tickets_90d
        - points.points_per_low_normal_ticket * counts.low_normal_tickets_90d
        - points.points_per_stale_ticket * counts.stale_tickets
            as support_points
    from counts
    cross join points
),

final as (
    select
        -- keys
        customer_id,
        month,

        -- score (0-100)
        cast(
            case when support_points < 0 then 0 else support_points end
            as {{ cs_type_double() }}
        ) as support_score,

        -- inputs
        cast(tickets_90d as {{ dbt.type_bigint() }}) as tickets_90d,
        cast(high_urgent_tickets_90d as {{ dbt.type_bigint() }})
            as high_urgent_tickets_90d,
        cast(low_normal_tickets_90d as {{ dbt.type_bigint() }})
            as low_normal_tickets_90d,
        cast(stale_tickets as {{ dbt.type_bigint() }}) as stale_tickets
    from scored
)

select * from final
