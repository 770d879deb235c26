/* grain: one row per customer per month the customer is active at month end (usage) */
with

customer_months as (
    select * from {{ ref('int_customer_months') }}
    where is_active_end
),

usage_daily as (
    select * from {{ ref('int_usage_daily_checked') }}
    where rejection_reason is null
        and usage_date <= {{ cs_as_of_date() }}
),

-- The days of M up to the snapshot date: the divisor of the mean daily active
-- users (the current month has as_of_date's day-of-month days).
usage_windows as (
    select
        customer_id,
        month,
        snapshot_date,
        seats,
        {{ dbt.datediff('month', 'snapshot_date', 'day') }} + 1 as usage_days
    from customer_months
),

-- Active-user days of M up to the snapshot date (a day without a row adds 0),
-- and the first usage day. The snapshot date is M's last day, or as_of_date in
-- the current month, and no usage day here is after as_of_date: the days of M up
-- to its snapshot date are the usage days in M, grouped once instead of joined
-- to each customer-month by date range.
usage_by_month as (
    select
        customer_id,
        {{ cs_month_of('usage_date') }} as month,
        sum(active_users) as active_user_days,
        min(usage_date) as first_usage_date
    from usage_daily
    group by customer_id, {{ cs_month_of('usage_date') }}
),

first_usage as (
    select
        customer_id,
        min(first_usage_date) as first_usage_date
    from usage_by_month
    group by customer_id
),

utilization as (
    select
        usage_windows.customer_id,
        usage_windows.month,
        usage_windows.seats,
        usage_windows.usage_days,
        coalesce(
            first_usage.first_usage_date <= usage_windows.snapshot_date, false
        ) as has_usage_history,
        {{ cs_safe_divide(
            'coalesce(usage_by_month.active_user_days, 0)', 'usage_windows.usage_days'
        ) }} as avg_active_users
    from usage_windows
    left join usage_by_month
        on usage_windows.customer_id = usage_by_month.customer_id
            and usage_windows.month = usage_by_month.month
    left join first_usage
        on usage_windows.customer_id = first_usage.customer_id
),

seat_utilization as (
    select
        utilization.*,
        case
            when has_usage_history and seats > 0
                then {{ cs_safe_divide('avg_active_users', 'seats') }}
        end as seat_utilization
    from utilization
),

-- usage_score = 100 * min(1, seat_utilization / target_seat_utilization)
scored as (
    select
        seat_utilization.*,
        case
            when seat_utilization is null then null
            when seat_utilization >= {{ var('target_seat_utilization') }}
                then 100
            else 100 * seat_utilization / {{ var('target_seat_utilization') }}
        end as usage_score
    from seat_utilization
),

final as (
    select
        -- keys
        customer_id,
        month,

        -- score (0-100, null without usage history or seats)
        cast(usage_score as {{ cs_type_double() }}) as usage_score,

        -- inputs
        cast(seats as {{ dbt.type_bigint() }}) as seats,
        cast(usage_days as {{ dbt.type_bigint() }}) as usage_days,
        cast(avg_active_users as {{ cs_type_double() }}) as avg_active_users,
        cast(seat_utilization as {{ cs_type_double() }}) as seat_utilization,
        cast(has_usage_history as {{ dbt.type_boolean() }}) as has_usage_history
    from scored
)

select * from final
