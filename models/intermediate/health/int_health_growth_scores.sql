/* grain: one row per customer per month the customer is active at month end (growth) */
with

customer_months as (
    select * from {{ ref('int_customer_months') }}
    where is_active_end
),

business_metrics as (
    select * from {{ ref('int_customer_business_metrics_checked') }}
    where rejection_reason is null
        and as_of_date <= {{ cs_as_of_date() }}
),

scoring_parameters as (
    select * from {{ ref('health_scoring_parameters') }}
    where component = 'growth'
),

-- The growth parameters as one row (seed health_scoring_parameters).
points as (
    select
        max(case when parameter = 'score_at_zero_growth' then value end)
            as score_at_zero_growth,
        max(case when parameter = 'points_per_unit_growth' then value end)
            as points_per_unit_growth
    from scoring_parameters
),

-- The two ends: the snapshot date of M, and the snapshot date of M minus the
-- lookback (default 12 months: M-12's last day).
growth_windows as (
    select
        customer_id,
        month,
        snapshot_date,
        cast(
            {{ dbt.dateadd(
                'day', -1, dbt.dateadd(
                    'month', '1 - ' ~ var('health_growth_lookback_months'), 'month'
                )
            ) }} as date
        ) as lookback_snapshot_date
    from customer_months
),

-- The dates of the latest employee figures at or before each end.
metrics_dates as (
    select
        growth_windows.customer_id,
        growth_windows.month,
        max(business_metrics.as_of_date) as now_date,
        max(
            case
                when business_metrics.as_of_date
                    <= growth_windows.lookback_snapshot_date
                    then business_metrics.as_of_date
            end
        ) as then_date
    from growth_windows
    inner join business_metrics
        on growth_windows.customer_id = business_metrics.customer_id
            and growth_windows.snapshot_date >= business_metrics.as_of_date
    group by growth_windows.customer_id, growth_windows.month
),

employee_counts as (
    select
        growth_windows.customer_id,
        growth_windows.month,
        metrics_now.employee_count as employees_now,
        metrics_now.as_of_date as employees_now_date,
        metrics_then.employee_count as employees_12m_ago,
        metrics_then.as_of_date as employees_12m_ago_date
    from growth_windows
    left join metrics_dates
        on growth_windows.customer_id = metrics_dates.customer_id
            and growth_windows.month = metrics_dates.month
    left join business_metrics as metrics_now
        on metrics_dates.customer_id = metrics_now.customer_id
            and metrics_dates.now_date = metrics_now.as_of_date
    left join business_metrics as metrics_then
        on metrics_dates.customer_id = metrics_then.customer_id
            and metrics_dates.then_date = metrics_then.as_of_date
),

employee_growth as (
    select
        employee_counts.*,
        case
            when employees_12m_ago > 0
                then {{ cs_safe_divide('employees_now', 'employees_12m_ago') }} - 1
        end as employee_growth
    from employee_counts
),

-- growth_score = clamp(score at zero growth + points per unit * growth, 0, 100)
scored as (
    select
        employee_growth.*,
        points.score_at_zero_growth
        + points.points_per_unit_growth * employee_growth.employee_growth
            as growth_points
    from employee_growth
    cross join points
),

final as (
    select
        -- keys
        customer_id,
        month,

        -- score (0-100, null when either employee figure is missing or the base is 0)
        cast(
            case
                when growth_points < 0 then 0
                when growth_points > 100 then 100
                else growth_points
            end as {{ cs_type_double() }}
        ) as growth_score,

        -- inputs
        cast(employees_now as {{ dbt.type_bigint() }}) as employees_now,
        cast(employees_now_date as date) as employees_now_date,
        cast(employees_12m_ago as {{ dbt.type_bigint() }}) as employees_12m_ago,
        cast(employees_12m_ago_date as date) as employees_12m_ago_date,
        cast(employee_growth as {{ cs_type_double() }}) as employee_growth
    from scored
)

select * from final
