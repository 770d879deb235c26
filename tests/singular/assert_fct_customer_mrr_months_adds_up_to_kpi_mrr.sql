-- For every month and slice (overall, segment) the sums of the drill-down equal
-- kpi_mrr's row: each movement column, mrr_start, mrr_end, fx_impact and
-- paying_customers_end. Fails with the month, slice and measure that differ.
with

drill_down as (
    select * from {{ ref('fct_customer_mrr_months') }}
),

mrr as (
    select * from {{ ref('kpi_mrr') }}
),

sliced as (
    {{ cs_slice_rows('drill_down', {'segment': 'segment'}) }}
),

summed as (
    select
        month,
        dimension,
        dimension_value,
        sum(case when movement = 'new' then movement_mrr else 0 end) as new_mrr,
        sum(case when movement = 'expansion' then movement_mrr else 0 end)
            as expansion_mrr,
        sum(case when movement = 'reactivation' then movement_mrr else 0 end)
            as reactivation_mrr,
        sum(case when movement = 'contraction' then movement_mrr else 0 end)
            as contraction_mrr,
        sum(case when movement = 'churn' then movement_mrr else 0 end)
            as churned_mrr,
        sum(mrr_start_current_rates - fx_impact) as mrr_start,
        sum(fx_impact) as fx_impact,
        sum(mrr_end) as mrr_end,
        sum(case when is_active_end then 1 else 0 end) as paying_customers_end
    from sliced
    group by month, dimension, dimension_value
),

compared as (
    select
        mrr.month,
        mrr.dimension,
        mrr.dimension_value,
        abs(mrr.new_mrr - coalesce(summed.new_mrr, 0)) > 0.000001
            as new_mrr_differs,
        abs(mrr.expansion_mrr - coalesce(summed.expansion_mrr, 0)) > 0.000001
            as expansion_mrr_differs,
        abs(mrr.reactivation_mrr - coalesce(summed.reactivation_mrr, 0)) > 0.000001
            as reactivation_mrr_differs,
        abs(mrr.contraction_mrr - coalesce(summed.contraction_mrr, 0)) > 0.000001
            as contraction_mrr_differs,
        abs(mrr.churned_mrr - coalesce(summed.churned_mrr, 0)) > 0.000001
            as churned_mrr_differs,
        abs(mrr.mrr_start - coalesce(summed.mrr_start, 0)) > 0.000001
            as mrr_start_differs,
        abs(mrr.fx_impact - coalesce(summed.fx_impact, 0)) > 0.000001
            as fx_impact_differs,
        abs(mrr.mrr_end - coalesce(summed.mrr_end, 0)) > 0.000001
            as mrr_end_differs,
        abs(mrr.paying_customers_end - coalesce(summed.paying_customers_end, 0)) > 0.000001
            as paying_customers_end_differs
    from mrr
    left join summed
        on mrr.month = summed.month
            and mrr.dimension = summed.dimension
            and mrr.dimension_value = summed.dimension_value
)

select *
from compared
where new_mrr_differs
    or expansion_mrr_differs
    or reactivation_mrr_differs
    or contraction_mrr_differs
    or churned_mrr_differs
    or mrr_start_differs
    or fx_impact_differs
    or mrr_end_differs
    or paying_customers_end_differs
