-- The cohort of month M is the month's new customers: at k = 0 the overall
-- cohort_customers and cohort_mrr equal kpi_customer_churn_rate's new_customers
-- and kpi_mrr's new_mrr; every month with new customers has a cohort; and the
-- segment rows of a (cohort, k) add up to its overall row.
with

cohorts as (
    select * from {{ ref('kpi_cohort_retention') }}
),

churn as (
    select * from {{ ref('kpi_customer_churn_rate') }}
    where dimension = 'overall'
),

mrr as (
    select * from {{ ref('kpi_mrr') }}
    where dimension = 'overall'
),

first_months as (
    select * from cohorts
    where dimension = 'overall' and months_since_start = 0
),

new_customers as (
    select
        churn.month,
        churn.new_customers,
        mrr.new_mrr,
        coalesce(first_months.cohort_customers, 0) as cohort_customers,
        coalesce(first_months.cohort_mrr, 0) as cohort_mrr
    from churn
    inner join mrr
        on churn.month = mrr.month
    left join first_months
        on churn.month = first_months.cohort_month
),

segment_totals as (
    select
        cohort_month,
        months_since_start,
        sum(cohort_customers) as cohort_customers,
        sum(active_customers) as active_customers,
        sum(cohort_mrr_start) as cohort_mrr_start,
        sum(cohort_mrr) as cohort_mrr
    from cohorts
    where dimension = 'segment'
    group by cohort_month, months_since_start
),

broken_first_months as (
    select
        month as cohort_month,
        0 as months_since_start,
        'k = 0 differs from the month''s new customers' as problem
    from new_customers
    where new_customers <> cohort_customers
        or abs(new_mrr - cohort_mrr) > 0.000001
),

broken_segments as (
    select
        overall.cohort_month,
        overall.months_since_start,
        'segment rows do not add up to overall' as problem
    from cohorts as overall
    left join segment_totals
        on overall.cohort_month = segment_totals.cohort_month
            and overall.months_since_start = segment_totals.months_since_start
    where overall.dimension = 'overall'
        and (
            segment_totals.cohort_month is null
            or overall.cohort_customers <> segment_totals.cohort_customers
            or overall.active_customers <> segment_totals.active_customers
            or abs(overall.cohort_mrr_start - segment_totals.cohort_mrr_start)
            > 0.000001
            or abs(overall.cohort_mrr - segment_totals.cohort_mrr) > 0.000001
        )
)

select * from broken_first_months
union all
select * from broken_segments
