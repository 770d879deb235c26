/* grain: one row per month, dimension (overall, segment, cs_rep), value */
with

months as (
    select * from {{ ref('int_months') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

customer_months as (
    select * from {{ ref('int_customer_months') }}
),

segments as (
    select distinct segment from customers
),

-- A rep has a row in the months where one of its customer-months has data:
-- active at the start or the end, or joined and left inside the month.
rep_months as (
    select distinct
        month,
        cs_rep_id
    from customer_months
    where is_active_start or is_active_end or is_churned_new
),

-- The rows this model reports: overall and every segment in every month, and
-- the reps with data; a slice with no activity reports zeros.
slice_keys as (
    select
        month,
        'overall' as dimension,
        'all' as dimension_value
    from months

    union all

    select
        months.month,
        'segment' as dimension,
        segments.segment as dimension_value
    from months
    cross join segments

    union all

    select
        month,
        'cs_rep' as dimension,
        cs_rep_id as dimension_value
    from rep_months
),

slices as (
    select
        slice_keys.month,
        slice_keys.dimension,
        slice_keys.dimension_value,
        months.previous_month,
        months.snapshot_date,
        months.is_complete_month,
        months.month_number
    from slice_keys
    inner join months
        on slice_keys.month = months.month
),

-- One pass over the customer-months: the totals per month, segment and rep.
-- The slices add these up (sums of sums are exact), so the big table is read
-- once instead of once per dimension.
by_segment_and_rep as (
    select
        month,
        segment,
        cs_rep_id,

        -- customers
        sum(case when is_active_start then 1 else 0 end) as customers_start,
        sum(case when mrr_movement = 'churn' then 1 else 0 end)
            as churned_customers,
        sum(case when mrr_movement = 'new' then 1 else 0 end) as new_customers,
        sum(case when mrr_movement = 'reactivation' then 1 else 0 end)
            as reactivated_customers,
        sum(case when is_churned_new then 1 else 0 end)
            as churned_new_customers,
        sum(case when is_active_end then 1 else 0 end) as customers_end,

        -- mrr
        sum(mrr_start) as mrr_start,
        sum(mrr_start_current_rates) as mrr_start_current_rates,
        sum(fx_impact) as fx_impact,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(mrr) as mrr_end
    from customer_months
    group by month, segment, cs_rep_id
),

sliced as (
    {{ cs_slice_rows(
        'by_segment_and_rep', {'segment': 'segment', 'cs_rep': 'cs_rep_id'}
    ) }}
),

aggregated as (
    select
        month,
        dimension,
        dimension_value,

        -- customers
        sum(customers_start) as customers_start,
        sum(churned_customers) as churned_customers,
        sum(new_customers) as new_customers,
        sum(reactivated_customers) as reactivated_customers,
        sum(churned_new_customers) as churned_new_customers,
        sum(customers_end) as customers_end,

        -- mrr
        sum(mrr_start) as mrr_start,
        sum(mrr_start_current_rates) as mrr_start_current_rates,
        sum(fx_impact) as fx_impact,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(mrr_end) as mrr_end
    from sliced
    group by month, dimension, dimension_value
),

final as (
    select
        -- keys
        cast(slices.month as date) as month,
        cast(slices.dimension as {{ dbt.type_string() }}) as dimension,
        cast(slices.dimension_value as {{ dbt.type_string() }})
            as dimension_value,
        slices.previous_month,
        slices.snapshot_date,
        slices.is_complete_month,
        slices.month_number,

        -- customers
        cast(coalesce(aggregated.customers_start, 0) as {{ dbt.type_bigint() }})
            as customers_start,
        cast(
            coalesce(aggregated.churned_customers, 0) as {{ dbt.type_bigint() }}
        ) as churned_customers,
        cast(coalesce(aggregated.new_customers, 0) as {{ dbt.type_bigint() }})
            as new_customers,
        cast(
            coalesce(aggregated.reactivated_customers, 0)
            as {{ dbt.type_bigint() }}
        ) as reactivated_customers,
        cast(
            coalesce(aggregated.churned_new_customers, 0)
            as {{ dbt.type_bigint() }}
        ) as churned_new_customers,
        cast(coalesce(aggregated.customers_end, 0) as {{ dbt.type_bigint() }})
            as customers_end,

        -- mrr
        cast(coalesce(aggregated.mrr_start, 0) as {{ cs_type_money() }})
            as mrr_start,
        cast(
            coalesce(aggregated.mrr_start_current_rates, 0)
            as {{ cs_type_money() }}
        ) as mrr_start_current_rates,
        cast(coalesce(aggregated.fx_impact, 0) as {{ cs_type_money() }})
            as fx_impact,
        cast(coalesce(aggregated.new_mrr, 0) as {{ cs_type_money() }})
            as new_mrr,
        cast(coalesce(aggregated.expansion_mrr, 0) as {{ cs_type_money() }})
            as expansion_mrr,
        cast(coalesce(aggregated.reactivation_mrr, 0) as {{ cs_type_money() }})
            as reactivation_mrr,
        cast(coalesce(aggregated.contraction_mrr, 0) as {{ cs_type_money() }})
            as contraction_mrr,
        cast(coalesce(aggregated.churned_mrr, 0) as {{ cs_type_money() }})
            as churned_mrr,
        cast(coalesce(aggregated.mrr_end, 0) as {{ cs_type_money() }})
            as mrr_end
    from slices
    left join aggregated
        on slices.month = aggregated.month
            and slices.dimension = aggregated.dimension
            and slices.dimension_value = aggregated.dimension_value
)

select * from final
