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

        -- bridge
        cast(mrr_start as {{ cs_type_money() }}) as mrr_start,
        cast(fx_impact as {{ cs_type_money() }}) as fx_impact,
        cast(new_mrr as {{ cs_type_money() }}) as new_mrr,
        cast(expansion_mrr as {{ cs_type_money() }}) as expansion_mrr,
        cast(reactivation_mrr as {{ cs_type_money() }}) as reactivation_mrr,
        cast(contraction_mrr as {{ cs_type_money() }}) as contraction_mrr,
        cast(churned_mrr as {{ cs_type_money() }}) as churned_mrr,
        cast(mrr_end as {{ cs_type_money() }}) as mrr_end,

        -- derived
        cast(12 * mrr_end as {{ cs_type_money() }}) as arr_end,
        cast(customers_end as {{ dbt.type_bigint() }}) as paying_customers_end,
        cast(
            {{ cs_safe_divide('mrr_end', 'customers_end') }}
            as {{ cs_type_double() }}
        ) as arpa,
        cast(
            {{ cs_safe_divide(
                'new_mrr + expansion_mrr + reactivation_mrr',
                'contraction_mrr + churned_mrr'
            ) }}
            as {{ cs_type_double() }}
        ) as quick_ratio
    from movements
)

select * from final
