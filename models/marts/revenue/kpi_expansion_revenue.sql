/* grain: one row per month, dimension (overall, segment) and dimension_value */
with

movements as (
    select * from {{ ref('int_revenue_movements_by_slice') }}
    where dimension in ('overall', 'segment')
),

-- An invoice feed without a single clean row (a billing export without invoices)
-- makes the invoice-derived columns null, not 0.
invoice_feed as (
    select count(*) as clean_rows
    from {{ ref('stg_billing__invoices') }}
),

one_time_invoices as (
    select * from {{ ref('int_invoices_converted') }}
    where invoice_type = 'one_time'
),

one_time_sliced as (
    {{ cs_slice_rows('one_time_invoices', {'segment': 'segment'}) }}
),

one_time_revenue as (
    select
        month,
        dimension,
        dimension_value,
        sum(amount_reporting) as one_time_revenue,
        sum(
            case
                when is_customer_active_at_month_start then amount_reporting
                else 0
            end
        ) as one_time_revenue_existing
    from one_time_sliced
    group by month, dimension, dimension_value
),

joined as (
    select
        movements.month,
        movements.dimension,
        movements.dimension_value,
        movements.is_complete_month,
        movements.mrr_start_current_rates,
        movements.expansion_mrr,
        case
            when invoice_feed.clean_rows > 0
                then coalesce(one_time_revenue.one_time_revenue_existing, 0)
        end as one_time_revenue_existing,
        case
            when invoice_feed.clean_rows > 0
                then
                    coalesce(previous_movements.mrr_end, 0)
                    + coalesce(previous_one_time_revenue.one_time_revenue, 0)
        end as total_revenue_prev_month
    from movements
    cross join invoice_feed
    left join one_time_revenue
        on movements.month = one_time_revenue.month
            and movements.dimension = one_time_revenue.dimension
            and movements.dimension_value = one_time_revenue.dimension_value
    left join movements as previous_movements
        on movements.previous_month = previous_movements.month
            and movements.dimension = previous_movements.dimension
            and movements.dimension_value = previous_movements.dimension_value
    left join one_time_revenue as previous_one_time_revenue
        on movements.previous_month = previous_one_time_revenue.month
            and movements.dimension = previous_one_time_revenue.dimension
            and movements.dimension_value
            = previous_one_time_revenue.dimension_value
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- expansion mrr
        cast(mrr_start_current_rates as {{ cs_type_money() }})
            as mrr_start_current_rates,
        cast(expansion_mrr as {{ cs_type_money() }}) as expansion_mrr,
        cast(
            {{ cs_safe_divide('expansion_mrr', 'mrr_start_current_rates') }}
            as {{ cs_type_double() }}
        ) as expansion_mrr_rate,

        -- expansion revenue
        cast(one_time_revenue_existing as {{ cs_type_money() }})
            as one_time_revenue_existing,
        cast(
            expansion_mrr + one_time_revenue_existing as {{ cs_type_money() }}
        ) as expansion_revenue,
        cast(total_revenue_prev_month as {{ cs_type_money() }})
            as total_revenue_prev_month,
        cast(
            {{ cs_safe_divide(
                'expansion_mrr + one_time_revenue_existing',
                'total_revenue_prev_month'
            ) }}
            as {{ cs_type_double() }}
        ) as expansion_revenue_growth
    from joined
)

select * from final
