/* grain: one row per cost month and category clean in staging, with its rejection_reason */
with

cs_costs as (
    select * from {{ ref('base_finance__cs_costs') }}
    where rejection_reason is null
),

-- per currency, the first month with a clean exchange rate
fx_first_rate_months as (
    select
        currency,
        min(rate_month) as first_rate_month
    from {{ ref('base_billing__fx_rates') }}
    where rejection_reason is null
    group by currency
),

final as (
    select
        cs_costs.cost_category,
        cs_costs.currency,
        cs_costs.amount,
        cs_costs.cost_month,
        cs_costs._loaded_at,
        cs_costs.raw_key,
        case
            when {{ cs_lacks_fx_rate('cs_costs.currency', 'cs_costs.cost_month') }}
                then 'missing_fx_rate'
        end as rejection_reason
    from cs_costs
    left join fx_first_rate_months as fx
        on cs_costs.currency = fx.currency
)

select * from final
