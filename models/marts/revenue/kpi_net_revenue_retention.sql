/* grain: one row per month, dimension (overall, segment) and dimension_value */
with

movements as (
    select * from {{ ref('int_revenue_movements_by_slice') }}
    where dimension in ('overall', 'segment')
),

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

-- The cohort of M: customers active at the end of M-12, their MRR then
-- valued at M's rates.
cohort_then as (
    select
        months.month,
        currency_mrr.customer_id,
        sum(
            cast(
                currency_mrr.mrr_local * fx_rates.rate_to_reporting
                as {{ cs_type_money() }}
            )
        ) as mrr_then
    from currency_mrr
    inner join months as cohort_months
        on currency_mrr.month = cohort_months.month
    inner join months
        on months.month_number = cohort_months.month_number + 12
    inner join fx_rates
        on currency_mrr.currency = fx_rates.currency
            and months.month = fx_rates.month
    group by months.month, currency_mrr.customer_id
),

cohort as (
    select
        cohort_then.month,
        cohort_then.customer_id,
        customer_months.segment,
        cohort_then.mrr_then,
        customer_months.mrr as mrr_now,
        case
            when customer_months.mrr < cohort_then.mrr_then
                then customer_months.mrr
            else cohort_then.mrr_then
        end as mrr_now_capped
    from cohort_then
    inner join customer_months
        on cohort_then.customer_id = customer_months.customer_id
            and cohort_then.month = customer_months.month
    where cohort_then.mrr_then > 0
),

cohort_sliced as (
    {{ cs_slice_rows('cohort', {'segment': 'segment'}) }}
),

cohort_totals as (
    select
        month,
        dimension,
        dimension_value,
        sum(mrr_then) as cohort_mrr_12m_ago,
        sum(mrr_now) as cohort_mrr_now,
        sum(mrr_now_capped) as cohort_mrr_now_capped
    from cohort_sliced
    group by month, dimension, dimension_value
),

joined as (
    select
        movements.*,
        movements.month_number >= 12 as has_12_months,
        coalesce(cohort_totals.cohort_mrr_12m_ago, 0) as cohort_mrr_12m_ago,
        coalesce(cohort_totals.cohort_mrr_now, 0) as cohort_mrr_now,
        coalesce(cohort_totals.cohort_mrr_now_capped, 0)
            as cohort_mrr_now_capped
    from movements
    left join cohort_totals
        on movements.month = cohort_totals.month
            and movements.dimension = cohort_totals.dimension
            and movements.dimension_value = cohort_totals.dimension_value
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- monthly
        cast(mrr_start_current_rates as {{ cs_type_money() }})
            as mrr_start_current_rates,
        cast(churned_mrr as {{ cs_type_money() }}) as churned_mrr,
        cast(contraction_mrr as {{ cs_type_money() }}) as contraction_mrr,
        cast(expansion_mrr as {{ cs_type_money() }}) as expansion_mrr,
        cast(
            {{ cs_safe_divide(
                'mrr_start_current_rates - churned_mrr - contraction_mrr'
                ~ ' + expansion_mrr',
                'mrr_start_current_rates'
            ) }}
            as {{ cs_type_double() }}
        ) as nrr_monthly,
        cast(
            {{ cs_safe_divide(
                'mrr_start_current_rates - churned_mrr - contraction_mrr',
                'mrr_start_current_rates'
            ) }}
            as {{ cs_type_double() }}
        ) as grr_monthly,

        -- trailing 12 months (null until 12 months of history exist)
        cast(
            case when has_12_months then cohort_mrr_12m_ago end
            as {{ cs_type_money() }}
        ) as cohort_mrr_12m_ago,
        cast(
            case when has_12_months then cohort_mrr_now end
            as {{ cs_type_money() }}
        ) as cohort_mrr_now,
        cast(
            case when has_12_months then cohort_mrr_now_capped end
            as {{ cs_type_money() }}
        ) as cohort_mrr_now_capped,
        cast(
            case
                when has_12_months
                    then {{ cs_safe_divide(
                        'cohort_mrr_now', 'cohort_mrr_12m_ago'
                    ) }}
            end as {{ cs_type_double() }}
        ) as nrr_12m,
        cast(
            case
                when has_12_months
                    then {{ cs_safe_divide(
                        'cohort_mrr_now_capped', 'cohort_mrr_12m_ago'
                    ) }}
            end as {{ cs_type_double() }}
        ) as grr_12m
    from joined
)

select * from final
