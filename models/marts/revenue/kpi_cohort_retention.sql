/* grain: one row per cohort_month, months_since_start, dimension (overall, segment) and value */
with

months as (
    select * from {{ ref('int_months') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

customer_months as (
    select * from {{ ref('int_customer_months') }}
),

currency_mrr as (
    select * from {{ ref('int_customer_mrr_by_currency_monthly') }}
),

-- A customer's cohort is the month of its `new` movement: the first month at
-- whose end it is active (one who joined and left inside a month joins the
-- cohort of its later `new` month, if any).
cohort_members as (
    select
        customer_id,
        month as cohort_month
    from customer_months
    where mrr_movement = 'new'
),

-- Each member in every month from its cohort month to the as_of month.
member_months as (
    select
        cohort_members.cohort_month,
        customer_months.customer_id,
        customer_months.segment,
        customer_months.month,
        customer_months.is_active_end,
        customer_months.mrr
    from cohort_members
    inner join customer_months
        on cohort_members.customer_id = customer_months.customer_id
            and cohort_members.cohort_month <= customer_months.month
),

-- The member's MRR at the end of its cohort month, per currency, valued at
-- the rates of every later month (both sides of the ratio at one month's rates).
cohort_start_at_month_rates as (
    select
        cohort_members.customer_id,
        months.month,
        sum(
            cast(
                currency_mrr.mrr_local * fx_rates.rate_to_reporting
                as {{ cs_type_money() }}
            )
        ) as mrr_start
    from cohort_members
    inner join currency_mrr
        on cohort_members.customer_id = currency_mrr.customer_id
            and cohort_members.cohort_month = currency_mrr.month
    inner join months
        on cohort_members.cohort_month <= months.month
    inner join fx_rates
        on currency_mrr.currency = fx_rates.currency
            and months.month = fx_rates.month
    group by cohort_members.customer_id, months.month
),

member_rows as (
    select
        member_months.*,
        coalesce(cohort_start_at_month_rates.mrr_start, 0) as mrr_start
    from member_months
    left join cohort_start_at_month_rates
        on member_months.customer_id = cohort_start_at_month_rates.customer_id
            and member_months.month = cohort_start_at_month_rates.month
),

sliced as (
    {{ cs_slice_rows('member_rows', {'segment': 'segment'}) }}
),

aggregated as (
    select
        cohort_month,
        month,
        dimension,
        dimension_value,
        count(*) as cohort_customers,
        sum(case when is_active_end then 1 else 0 end) as active_customers,
        sum(mrr_start) as cohort_mrr_start,
        sum(mrr) as cohort_mrr
    from sliced
    group by cohort_month, month, dimension, dimension_value
),

final as (
    select
        -- keys
        cast(aggregated.cohort_month as date) as cohort_month,
        cast(
            {{ dbt.datediff('aggregated.cohort_month', 'aggregated.month', 'month') }}
            as {{ dbt.type_bigint() }}
        ) as months_since_start,
        cast(aggregated.dimension as {{ dbt.type_string() }}) as dimension,
        cast(aggregated.dimension_value as {{ dbt.type_string() }})
            as dimension_value,
        cast(aggregated.month as date) as month,
        cast(months.is_complete_month as {{ dbt.type_boolean() }})
            as is_complete_month,

        -- logos
        cast(aggregated.cohort_customers as {{ dbt.type_bigint() }})
            as cohort_customers,
        cast(aggregated.active_customers as {{ dbt.type_bigint() }})
            as active_customers,
        cast(
            {{ cs_safe_divide('aggregated.active_customers', 'aggregated.cohort_customers') }}
            as {{ cs_type_double() }}
        ) as logo_retention,

        -- revenue, at the rates of `month`
        cast(aggregated.cohort_mrr_start as {{ cs_type_money() }})
            as cohort_mrr_start,
        cast(aggregated.cohort_mrr as {{ cs_type_money() }}) as cohort_mrr,
        cast(
            {{ cs_safe_divide('aggregated.cohort_mrr', 'aggregated.cohort_mrr_start') }}
            as {{ cs_type_double() }}
        ) as mrr_retention
    from aggregated
    inner join months
        on aggregated.month = months.month
)

select * from final
