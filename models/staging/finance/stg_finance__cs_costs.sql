/* grain: one row per month per cost category of the customer-success programme */
with

cs_costs as (
    select * from {{ ref('base_finance__cs_costs') }}
    where rejection_reason is null
),

final as (
    select
        -- strings
        cost_category,
        currency,

        -- numerics
        amount,

        -- dates
        cost_month,

        -- timestamps
        _loaded_at
    from cs_costs
)

select * from final
