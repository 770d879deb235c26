/* grain: one row per month, dimension (overall, segment) and dimension_value */
with

movements as (
    select * from {{ ref('int_revenue_movements_by_slice') }}
    where dimension in ('overall', 'segment')
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- components
        cast(mrr_start_current_rates as {{ cs_type_money() }})
            as mrr_start_current_rates,
        cast(churned_mrr as {{ cs_type_money() }}) as churned_mrr,
        cast(contraction_mrr as {{ cs_type_money() }}) as contraction_mrr,
        cast(expansion_mrr as {{ cs_type_money() }}) as expansion_mrr,

        -- rates
        cast(
            {{ cs_safe_divide(
                'churned_mrr + contraction_mrr', 'mrr_start_current_rates'
            ) }}
            as {{ cs_type_double() }}
        ) as gross_mrr_churn_rate,
        cast(
            {{ cs_safe_divide(
                'churned_mrr + contraction_mrr - expansion_mrr',
                'mrr_start_current_rates'
            ) }}
            as {{ cs_type_double() }}
        ) as net_mrr_churn_rate
    from movements
)

select * from final
