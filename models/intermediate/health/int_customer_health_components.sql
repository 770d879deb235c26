/* grain: one row per customer per month the customer is active at month end */
with

customer_months as (
    select * from {{ ref('int_customer_months') }}
    where is_active_end
),

usage_daily as (
    select * from {{ ref('int_usage_daily_conformed') }}
    where usage_date <= {{ cs_as_of_date() }}
),

tickets as (
    select * from {{ ref('int_ticket_touches') }}
),

ticket_status_history as (
    select * from {{ ref('int_ticket_status_history') }}
),

nps_responses as (
    select * from {{ ref('int_nps_responses_deduplicated') }}
),

csat_responses as (
    select * from {{ ref('int_csat_responses_deduplicated') }}
),

invoices as (
    select
        invoice_id,
        customer_id,
        status,
        amount,
        due_date,
        {{ cs_to_reporting_date('issued_at') }} as issued_date,
        {{ cs_to_reporting_date('paid_at') }} as paid_date
    from {{ ref('int_invoices_conformed') }}
),

business_metrics as (
    select * from {{ ref('int_customer_business_metrics_conformed') }}
    where as_of_date <= {{ cs_as_of_date() }}
),

-- Window edges of each customer-month: "the N days ending at month end" are
-- N calendar days, the snapshot date included.
windows as (
    select
        customer_id,
        month,
        snapshot_date,
        segment,
        cs_rep_id,
        mrr,
        seats,
        cast({{ dbt.dateadd('day', -89, 'snapshot_date') }} as date)
            as window_90d_start,
        cast({{ dbt.dateadd('day', -179, 'snapshot_date') }} as date)
            as window_180d_start,
        cast({{ dbt.dateadd('day', -14, 'snapshot_date') }} as date)
            as stale_created_before,
        -- the snapshot date of M-12: the last day of that month
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('month', -11, 'month')) }}
            as date
        ) as snapshot_date_12m_ago,
        {{ dbt.datediff('month', 'snapshot_date', 'day') }} + 1 as days_in_window
    from customer_months
),

-- usage: mean daily active users over the days of M up to the snapshot date
-- (a day without a row counts 0), and whether usage was ever sent by then.
usage_in_month as (
    select
        windows.customer_id,
        windows.month,
        sum(usage_daily.active_users) as active_user_days
    from windows
    inner join usage_daily
        on windows.customer_id = usage_daily.customer_id
            and windows.month <= usage_daily.usage_date
            and windows.snapshot_date >= usage_daily.usage_date
    group by windows.customer_id, windows.month
),

first_usage as (
    select
        customer_id,
        min(usage_date) as first_usage_date
    from usage_daily
    group by customer_id
),

-- support: tickets created in the 90 days, and stale tickets (created 14+
-- days before month end, not solved/closed at month end).
tickets_90d as (
    select
        windows.customer_id,
        windows.month,
        count(*) as tickets_90d,
        sum(
            case when tickets.priority in ('high', 'urgent') then 1 else 0 end
        ) as high_urgent_tickets_90d,
        sum(
            case when tickets.priority in ('low', 'normal') then 1 else 0 end
        ) as low_normal_tickets_90d
    from windows
    inner join tickets
        on windows.customer_id = tickets.customer_id
            and windows.window_90d_start <= tickets.created_date
            and windows.snapshot_date >= tickets.created_date
    group by windows.customer_id, windows.month
),

ticket_status_at_month_end as (
    select
        windows.customer_id,
        windows.month,
        tickets.ticket_id,
        coalesce(ticket_status_history.is_solved_status, false)
            as is_solved_at_month_end
    from windows
    inner join tickets
        on windows.customer_id = tickets.customer_id
            and windows.stale_created_before >= tickets.created_date
    left join ticket_status_history
        on tickets.ticket_id = ticket_status_history.ticket_id
            and windows.snapshot_date >= ticket_status_history.valid_from_date
            and (
                ticket_status_history.valid_to_date is null
                or windows.snapshot_date < ticket_status_history.valid_to_date
            )
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

-- sentiment: the customer's latest NPS answer in the 180 days, and the mean
-- CSAT (one answer per ticket) of the 90 days.
nps_in_window as (
    select
        windows.customer_id,
        windows.month,
        nps_responses.score,
        nps_responses.responded_date,
        row_number() over (
            partition by windows.customer_id, windows.month
            order by nps_responses.responded_at desc, nps_responses.response_id desc
        ) as answer_rank
    from windows
    inner join nps_responses
        on windows.customer_id = nps_responses.customer_id
            and windows.window_180d_start <= nps_responses.responded_date
            and windows.snapshot_date >= nps_responses.responded_date
),

latest_nps as (
    select
        customer_id,
        month,
        score as latest_nps_score,
        responded_date as latest_nps_date
    from nps_in_window
    where answer_rank = 1
),

csat_90d as (
    select
        windows.customer_id,
        windows.month,
        count(*) as csat_responses_90d,
        avg(cast(csat_responses.score as {{ cs_type_double() }}))
            as csat_mean_90d
    from windows
    inner join csat_responses
        on windows.customer_id = csat_responses.customer_id
            and windows.window_90d_start <= csat_responses.responded_date
            and windows.snapshot_date >= csat_responses.responded_date
    group by windows.customer_id, windows.month
),

-- billing: an uncollectible invoice issued in the 90 days; invoices overdue
-- at month end (due before the snapshot date, not void, not paid by then;
-- credit notes and zero invoices are never overdue; an invoice marked paid
-- without a payment date counts as paid).
invoice_flags as (
    select
        windows.customer_id,
        windows.month,
        sum(
            case
                when invoices.status = 'uncollectible'
                    and invoices.issued_date >= windows.window_90d_start
                    then 1
                else 0
            end
        ) as uncollectible_invoices_90d,
        sum(
            case
                when invoices.due_date < windows.snapshot_date
                    and invoices.status <> 'void'
                    and invoices.amount > 0
                    and not (
                        invoices.status = 'paid' and invoices.paid_date is null
                    )
                    and (
                        invoices.paid_date is null
                        or invoices.paid_date > windows.snapshot_date
                    )
                    then 1
                else 0
            end
        ) as overdue_invoices
    from windows
    inner join invoices
        on windows.customer_id = invoices.customer_id
            and windows.snapshot_date >= invoices.issued_date
    group by windows.customer_id, windows.month
),

-- growth: employees at the latest figure at or before month end, and at or
-- before the snapshot date of M-12.
employees_now_dates as (
    select
        windows.customer_id,
        windows.month,
        max(business_metrics.as_of_date) as metrics_date
    from windows
    inner join business_metrics
        on windows.customer_id = business_metrics.customer_id
            and windows.snapshot_date >= business_metrics.as_of_date
    group by windows.customer_id, windows.month
),

employees_then_dates as (
    select
        windows.customer_id,
        windows.month,
        max(business_metrics.as_of_date) as metrics_date
    from windows
    inner join business_metrics
        on windows.customer_id = business_metrics.customer_id
            and windows.snapshot_date_12m_ago >= business_metrics.as_of_date
    group by windows.customer_id, windows.month
),

employees_now as (
    select
        employees_now_dates.customer_id,
        employees_now_dates.month,
        employees_now_dates.metrics_date,
        business_metrics.employee_count
    from employees_now_dates
    inner join business_metrics
        on employees_now_dates.customer_id = business_metrics.customer_id
            and employees_now_dates.metrics_date = business_metrics.as_of_date
),

employees_then as (
    select
        employees_then_dates.customer_id,
        employees_then_dates.month,
        employees_then_dates.metrics_date,
        business_metrics.employee_count
    from employees_then_dates
    inner join business_metrics
        on employees_then_dates.customer_id = business_metrics.customer_id
            and employees_then_dates.metrics_date = business_metrics.as_of_date
),

inputs as (
    select
        windows.customer_id,
        windows.month,
        windows.snapshot_date,
        windows.segment,
        windows.cs_rep_id,
        windows.mrr,
        windows.seats,
        windows.days_in_window,
        first_usage.first_usage_date is not null
        and first_usage.first_usage_date <= windows.snapshot_date
            as has_usage_history,
        {{ cs_safe_divide(
            'coalesce(usage_in_month.active_user_days, 0)', 'windows.days_in_window'
        ) }} as avg_active_users,
        coalesce(tickets_90d.tickets_90d, 0) as tickets_90d,
        coalesce(tickets_90d.high_urgent_tickets_90d, 0)
            as high_urgent_tickets_90d,
        coalesce(tickets_90d.low_normal_tickets_90d, 0)
            as low_normal_tickets_90d,
        coalesce(stale_tickets.stale_tickets, 0) as stale_tickets,
        latest_nps.latest_nps_score,
        latest_nps.latest_nps_date,
        coalesce(csat_90d.csat_responses_90d, 0) as csat_responses_90d,
        csat_90d.csat_mean_90d,
        coalesce(invoice_flags.overdue_invoices, 0) as overdue_invoices,
        coalesce(invoice_flags.uncollectible_invoices_90d, 0) > 0
            as has_uncollectible_90d,
        employees_now.employee_count as employees_now,
        employees_now.metrics_date as employees_now_date,
        employees_then.employee_count as employees_12m_ago,
        employees_then.metrics_date as employees_12m_ago_date
    from windows
    left join usage_in_month
        on windows.customer_id = usage_in_month.customer_id
            and windows.month = usage_in_month.month
    left join first_usage
        on windows.customer_id = first_usage.customer_id
    left join tickets_90d
        on windows.customer_id = tickets_90d.customer_id
            and windows.month = tickets_90d.month
    left join stale_tickets
        on windows.customer_id = stale_tickets.customer_id
            and windows.month = stale_tickets.month
    left join latest_nps
        on windows.customer_id = latest_nps.customer_id
            and windows.month = latest_nps.month
    left join csat_90d
        on windows.customer_id = csat_90d.customer_id
            and windows.month = csat_90d.month
    left join invoice_flags
        on windows.customer_id = invoice_flags.customer_id
            and windows.month = invoice_flags.month
    left join employees_now
        on windows.customer_id = employees_now.customer_id
            and windows.month = employees_now.month
    left join employees_then
        on windows.customer_id = employees_then.customer_id
            and windows.month = employees_then.month
),

ratios as (
    select
        inputs.*,
        case
            when has_usage_history and seats > 0
                then {{ cs_safe_divide('avg_active_users', 'seats') }}
        end as seat_utilization,
        case
            when latest_nps_score >= 9 then 100
            when latest_nps_score >= 7 then 50
            when latest_nps_score is not null then 0
        end as nps_part,
        (csat_mean_90d - 1) / 4 * 100 as csat_part,
        case
            when employees_12m_ago > 0
                then {{ cs_safe_divide('employees_now', 'employees_12m_ago') }} - 1
        end as employee_growth,
        100
        - 15 * high_urgent_tickets_90d
        - 5 * low_normal_tickets_90d
        - 20 * stale_tickets as support_points,
        100 - 50 * overdue_invoices as billing_points
    from inputs
),

scores as (
    select
        ratios.*,
        case
            when seat_utilization is null then null
            when seat_utilization >= {{ var('target_seat_utilization') }}
                then 100
            else 100 * seat_utilization / {{ var('target_seat_utilization') }}
        end as usage_score,
        case when support_points < 0 then 0 else support_points end
            as support_score,
        case
            when nps_part is not null and csat_part is not null
                then (nps_part + csat_part) / 2
            else coalesce(nps_part, csat_part)
        end as sentiment_score,
        case
            when has_uncollectible_90d then 0
            when billing_points < 0 then 0
            else billing_points
        end as billing_score,
        case
            when employee_growth is null then null
            when 50 + 250 * employee_growth < 0 then 0
            when 50 + 250 * employee_growth > 100 then 100
            else 50 + 250 * employee_growth
        end as growth_score
    from ratios
),

final as (
    select
        -- keys
        customer_id,
        month,
        snapshot_date,

        -- attributes
        segment,
        cs_rep_id,
        cast(mrr as {{ cs_type_money() }}) as mrr,

        -- components (0-100, null when the component cannot be measured)
        cast(usage_score as {{ cs_type_double() }}) as usage_score,
        cast(support_score as {{ cs_type_double() }}) as support_score,
        cast(sentiment_score as {{ cs_type_double() }}) as sentiment_score,
        cast(billing_score as {{ cs_type_double() }}) as billing_score,
        cast(growth_score as {{ cs_type_double() }}) as growth_score,

        -- usage inputs
        cast(seats as {{ dbt.type_bigint() }}) as seats,
        cast(days_in_window as {{ dbt.type_bigint() }}) as usage_days,
        cast(avg_active_users as {{ cs_type_double() }}) as avg_active_users,
        cast(seat_utilization as {{ cs_type_double() }}) as seat_utilization,
        has_usage_history,

        -- support inputs
        cast(tickets_90d as {{ dbt.type_bigint() }}) as tickets_90d,
        cast(high_urgent_tickets_90d as {{ dbt.type_bigint() }})
            as high_urgent_tickets_90d,
        cast(low_normal_tickets_90d as {{ dbt.type_bigint() }})
            as low_normal_tickets_90d,
        cast(stale_tickets as {{ dbt.type_bigint() }}) as stale_tickets,

        -- sentiment inputs
        cast(latest_nps_score as {{ dbt.type_bigint() }}) as latest_nps_score,
        latest_nps_date,
        cast(csat_responses_90d as {{ dbt.type_bigint() }})
            as csat_responses_90d,
        cast(csat_mean_90d as {{ cs_type_double() }}) as csat_mean_90d,

        -- billing inputs
        cast(overdue_invoices as {{ dbt.type_bigint() }}) as overdue_invoices,
        has_uncollectible_90d,

        -- growth inputs
        cast(employees_now as {{ dbt.type_bigint() }}) as employees_now,
        employees_now_date,
        cast(employees_12m_ago as {{ dbt.type_bigint() }}) as employees_12m_ago,
        employees_12m_ago_date,
        cast(employee_growth as {{ cs_type_double() }}) as employee_growth
    from scores
)

select * from final
