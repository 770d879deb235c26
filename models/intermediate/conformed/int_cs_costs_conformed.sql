/* grain: one row per cost month and category passing every check (as stg_finance__cs_costs) */
with

checked as (
    select * from {{ ref('int_cs_costs_checked') }}
    where rejection_reason is null
),

final as (
    select
        cost_category,
        currency,
        amount,
        cost_month,
        _loaded_at
    from checked
)

select * from final
