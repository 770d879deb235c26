/* grain: one row per month, dimension (overall, segment, cs_rep), value */
with

movements as (
    select * from {{ ref('int_revenue_movements_by_slice') }}
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- counts
        cast(customers_start as {{ dbt.type_bigint() }}) as customers_start,
        cast(churned_customers as {{ dbt.type_bigint() }}) as churned_customers,
        cast(new_customers as {{ dbt.type_bigint() }}) as new_customers,
        cast(reactivated_customers as {{ dbt.type_bigint() }})
            as reactivated_customers,
        cast(churned_new_customers as {{ dbt.type_bigint() }})
            as churned_new_customers,
        cast(customers_end as {{ dbt.type_bigint() }}) as customers_end,

        -- rates
        cast(
            {{ cs_safe_divide('churned_customers', 'customers_start') }}
            as {{ cs_type_double() }}
        ) as customer_churn_rate,
        cast(
            {{ cs_safe_divide(
                'churned_customers + churned_new_customers', 'customers_start'
            ) }}
            as {{ cs_type_double() }}
        ) as customer_churn_rate_incl_new
    from movements
)

select * from final
