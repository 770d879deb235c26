/* grain: one row per month (dimension overall only) */
with

movements as (
    select * from {{ ref('int_revenue_movements_by_slice') }}
    where dimension = 'overall'
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

-- Does the company track CS costs at all? A cost feed without a single clean row
-- makes every cost column null, not 0.
cost_feed as (
    select count(*) as clean_rows
    from {{ ref('stg_finance__cs_costs') }}
),

-- Cost rows up to as_of, converted at the rate of their own month.
cs_costs as (
    select
        {{ cs_month_of('cs_costs.cost_month') }} as month,
        cast(
            cs_costs.amount * fx_rates.rate_to_reporting
            as {{ cs_type_money() }}
        ) as amount_reporting
    from {{ ref('int_cs_costs_checked') }} as cs_costs
    inner join fx_rates
        on cs_costs.currency = fx_rates.currency
            and {{ cs_month_of('cs_costs.cost_month') }} = fx_rates.month
    where cs_costs.rejection_reason is null
        and cs_costs.cost_month <= {{ cs_as_of_date() }}
),

monthly_costs as (
    select
        month,
        sum(amount_reporting) as cs_cost
    from cs_costs
    group by month
),

-- A month with no cost rows costs 0 (null when the feed is empty).
costed as (
    select
        movements.month,
        movements.dimension,
        movements.dimension_value,
        movements.is_complete_month,
        movements.month_number,
        movements.customers_start,
        movements.customers_end,
        case
            when cost_feed.clean_rows > 0 then coalesce(monthly_costs.cs_cost, 0)
        end as cs_cost
    from movements
    cross join cost_feed
    left join monthly_costs
        on movements.month = monthly_costs.month
),

-- Trailing 12 months: costs of M-11..M; customers active at the end of M-12.
trailing_windows as (
    select
        costed.month,
        sum(
            case
                when window_months.month_number >= costed.month_number - 11
                    then window_months.cs_cost
            end
        ) as cs_cost_12m,
        max(
            case
                when window_months.month_number = costed.month_number - 12
                    then window_months.customers_end
            end
        ) as customers_start_12m
    from costed
    inner join costed as window_months
        on costed.month_number >= window_months.month_number
            and window_months.month_number >= costed.month_number - 12
    group by costed.month
),

final as (
    select
        -- keys
        cast(costed.month as date) as month,
        cast(costed.dimension as {{ dbt.type_string() }}) as dimension,
        cast(costed.dimension_value as {{ dbt.type_string() }})
            as dimension_value,
        cast(costed.is_complete_month as {{ dbt.type_boolean() }})
            as is_complete_month,

        -- month
        cast(costed.cs_cost as {{ cs_type_money() }}) as cs_cost,
        cast(costed.customers_start as {{ dbt.type_bigint() }})
            as customers_start,
        cast(
            {{ cs_safe_divide('costed.cs_cost', 'costed.customers_start') }}
            as {{ cs_type_double() }}
        ) as customer_retention_cost,

        -- trailing 12 months (null until 12 months of history exist)
        cast(
            case
                when costed.month_number >= 12 then trailing_windows.cs_cost_12m
            end as {{ cs_type_money() }}
        ) as cs_cost_12m,
        cast(
            case
                when costed.month_number >= 12
                    then trailing_windows.customers_start_12m
            end as {{ dbt.type_bigint() }}
        ) as customers_start_12m,
        cast(
            case
                when costed.month_number >= 12
                    then {{ cs_safe_divide(
                        'trailing_windows.cs_cost_12m', 'trailing_windows.customers_start_12m'
                    ) }}
            end as {{ cs_type_double() }}
        ) as customer_retention_cost_12m
    from costed
    inner join trailing_windows
        on costed.month = trailing_windows.month
)

select * from final
