/* grain: one row per customer per month, first paid month to the as_of month */
with

customer_months as (
    select * from {{ ref('int_customer_months') }}
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(is_complete_month as {{ dbt.type_boolean() }})
            as is_complete_month,

        -- slices
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(cs_rep_id as {{ dbt.type_string() }}) as cs_rep_id,
        cast(currency as {{ dbt.type_string() }}) as billing_currency,

        -- state: P and C, reporting currency at the month's rates
        cast(mrr_start_current_rates as {{ cs_type_money() }})
            as mrr_start_current_rates,
        cast(mrr as {{ cs_type_money() }}) as mrr_end,

        -- the month's movement and what it adds to its kpi_mrr column
        cast(mrr_movement as {{ dbt.type_string() }}) as movement,
        cast(
            new_mrr + expansion_mrr + reactivation_mrr + contraction_mrr
            + churned_mrr
            as {{ cs_type_money() }}
        ) as movement_mrr,
        cast(fx_impact as {{ cs_type_money() }}) as fx_impact,

        -- history
        cast(is_active_end as {{ dbt.type_boolean() }}) as is_active_end,
        cast(is_first_paid_month as {{ dbt.type_boolean() }})
            as is_first_paid_month,
        cast(first_paid_month as date) as first_paid_month,
        cast(
            {{ dbt.datediff('first_paid_month', 'month', 'month') }}
            as {{ dbt.type_bigint() }}
        ) as months_since_first_paid
    from customer_months
)

select * from final
