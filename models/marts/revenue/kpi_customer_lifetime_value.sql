/* grain: one row per month, dimension (overall, segment) and dimension_value */
with

movements as (
    select * from {{ ref('int_revenue_movements_by_slice') }}
    where dimension in ('overall', 'segment')
),

-- An invoice feed without a single clean row makes the purchase-based columns
-- null, not 0.
invoice_feed as (
    select count(*) as clean_rows
    from {{ ref('stg_billing__invoices') }}
),

invoices as (
    select * from {{ ref('int_invoices_converted') }}
),

-- Pooled churn over the 6 months ending with M (M-5..M, within the spine).
churn_6m as (
    select
        movements.month,
        movements.dimension,
        movements.dimension_value,
        sum(window_months.churned_customers) as churned_customers_6m,
        sum(window_months.customers_start) as customers_start_6m
    from movements
    inner join movements as window_months
        on movements.dimension = window_months.dimension
            and movements.dimension_value = window_months.dimension_value
            and movements.month_number >= window_months.month_number
            and window_months.month_number >= movements.month_number - 5
    group by movements.month, movements.dimension, movements.dimension_value
),

invoices_sliced as (
    {{ cs_slice_rows('invoices', {'segment': 'segment'}) }}
),

-- Non-void invoices (credit notes included) of the 12 months ending with M,
-- clipped at the first month of data.
purchases_12m as (
    select
        movements.month,
        movements.dimension,
        movements.dimension_value,
        count(*) as invoices_12m,
        count(distinct invoices_sliced.customer_id) as invoiced_customers_12m,
        sum(invoices_sliced.amount_reporting) as invoice_amount_12m
    from movements
    inner join invoices_sliced
        on movements.dimension = invoices_sliced.dimension
            and movements.dimension_value = invoices_sliced.dimension_value
            and movements.month_number >= invoices_sliced.month_number
            and invoices_sliced.month_number >= movements.month_number - 11
    group by movements.month, movements.dimension, movements.dimension_value
),

joined as (
    select
        movements.month,
        movements.dimension,
        movements.dimension_value,
        movements.is_complete_month,
        {{ cs_safe_divide('movements.mrr_end', 'movements.customers_end') }}
            as arpa,
        churn_6m.churned_customers_6m,
        churn_6m.customers_start_6m,
        {{ cs_safe_divide(
            'churn_6m.churned_customers_6m', 'churn_6m.customers_start_6m'
        ) }} as churn_rate_6m,
        case
            when movements.month_number >= 11 then 12
            else movements.month_number + 1
        end as purchase_window_months,
        case
            when invoice_feed.clean_rows > 0
                then coalesce(purchases_12m.invoices_12m, 0)
        end as invoices_12m,
        case
            when invoice_feed.clean_rows > 0
                then coalesce(purchases_12m.invoiced_customers_12m, 0)
        end as invoiced_customers_12m,
        case
            when invoice_feed.clean_rows > 0
                then coalesce(purchases_12m.invoice_amount_12m, 0)
        end as invoice_amount_12m
    from movements
    cross join invoice_feed
    inner join churn_6m
        on movements.month = churn_6m.month
            and movements.dimension = churn_6m.dimension
            and movements.dimension_value = churn_6m.dimension_value
    left join purchases_12m
        on movements.month = purchases_12m.month
            and movements.dimension = purchases_12m.dimension
            and movements.dimension_value = purchases_12m.dimension_value
),

lifetimes as (
    select
        joined.*,
        {{ cs_safe_divide('1', 'churn_rate_6m') }} as expected_lifetime_months,
        {{ cs_safe_divide('invoice_amount_12m', 'invoices_12m') }}
            as avg_purchase_value,
        {{ cs_safe_divide(
            'invoices_12m',
            'invoiced_customers_12m * purchase_window_months'
        ) }} as purchases_per_customer_month
    from joined
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- churn-based
        cast(arpa as {{ cs_type_double() }}) as arpa,
        cast(churned_customers_6m as {{ dbt.type_bigint() }})
            as churned_customers_6m,
        cast(customers_start_6m as {{ dbt.type_bigint() }})
            as customers_start_6m,
        cast(churn_rate_6m as {{ cs_type_double() }}) as churn_rate_6m,
        cast(expected_lifetime_months as {{ cs_type_double() }})
            as expected_lifetime_months,
        cast(
            {{ cs_safe_divide('arpa', 'churn_rate_6m') }}
            as {{ cs_type_double() }}
        ) as clv_revenue,
        cast({{ var('gross_margin') }} as {{ cs_type_double() }})
            as gross_margin,
        cast(
            {{ cs_safe_divide(
                'arpa * ' ~ var('gross_margin'), 'churn_rate_6m'
            ) }}
            as {{ cs_type_double() }}
        ) as clv_margin,

        -- purchase-based
        cast(purchase_window_months as {{ dbt.type_bigint() }})
            as purchase_window_months,
        cast(invoices_12m as {{ dbt.type_bigint() }}) as invoices_12m,
        cast(invoiced_customers_12m as {{ dbt.type_bigint() }})
            as invoiced_customers_12m,
        cast(invoice_amount_12m as {{ cs_type_money() }}) as invoice_amount_12m,
        cast(avg_purchase_value as {{ cs_type_double() }})
            as avg_purchase_value,
        cast(purchases_per_customer_month as {{ cs_type_double() }})
            as purchases_per_customer_month,
        cast(
            avg_purchase_value
            * purchases_per_customer_month
            * expected_lifetime_months
            as {{ cs_type_double() }}
        ) as clv_purchase_based
    from lifetimes
)

select * from final
