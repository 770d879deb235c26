/* grain: one row per month, dimension (overall, segment) and dimension_value */
with

slices as (
    select
        month,
        dimension,
        dimension_value,
        is_complete_month
    from {{ ref('int_revenue_movements_by_slice') }}
    where dimension in ('overall', 'segment')
),

renewals as (
    select * from {{ ref('int_subscription_renewals') }}
),

renewals_sliced as (
    {{ cs_slice_rows('renewals', {'segment': 'segment'}) }}
),

aggregated as (
    select
        month,
        dimension,
        dimension_value,
        count(*) as up_for_renewal,
        sum(case when is_renewed then 1 else 0 end) as renewed,
        sum(case when is_pending then 1 else 0 end) as pending_renewals,
        sum(mrr_up_for_renewal) as mrr_up_for_renewal,
        sum(case when is_pending then mrr_up_for_renewal else 0 end)
            as mrr_pending_renewals,
        sum(case when is_renewed then mrr_up_for_renewal else 0 end)
            as mrr_renewed
    from renewals_sliced
    group by month, dimension, dimension_value
),

joined as (
    select
        slices.month,
        slices.dimension,
        slices.dimension_value,
        slices.is_complete_month,
        coalesce(aggregated.up_for_renewal, 0) as up_for_renewal,
        coalesce(aggregated.renewed, 0) as renewed,
        coalesce(aggregated.pending_renewals, 0) as pending_renewals,
        coalesce(aggregated.mrr_up_for_renewal, 0) as mrr_up_for_renewal,
        coalesce(aggregated.mrr_pending_renewals, 0) as mrr_pending_renewals,
        coalesce(aggregated.mrr_renewed, 0) as mrr_renewed
    from slices
    left join aggregated
        on slices.month = aggregated.month
            and slices.dimension = aggregated.dimension
            and slices.dimension_value = aggregated.dimension_value
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- contracts
        cast(up_for_renewal as {{ dbt.type_bigint() }}) as up_for_renewal,
        cast(renewed as {{ dbt.type_bigint() }}) as renewed,
        cast(pending_renewals as {{ dbt.type_bigint() }}) as pending_renewals,
        cast(
            {{ cs_safe_divide('renewed', 'up_for_renewal - pending_renewals') }}
            as {{ cs_type_double() }}
        ) as renewal_rate,

        -- mrr
        cast(mrr_up_for_renewal as {{ cs_type_money() }}) as mrr_up_for_renewal,
        cast(mrr_pending_renewals as {{ cs_type_money() }})
            as mrr_pending_renewals,
        cast(mrr_renewed as {{ cs_type_money() }}) as mrr_renewed,
        cast(
            {{ cs_safe_divide(
                'mrr_renewed', 'mrr_up_for_renewal - mrr_pending_renewals'
            ) }}
            as {{ cs_type_double() }}
        ) as renewal_mrr_rate
    from joined
)

select * from final
