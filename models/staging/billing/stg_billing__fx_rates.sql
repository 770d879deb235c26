/* grain: one row per currency and month with a published rate */
with

fx_rates as (
    select * from {{ ref('base_billing__fx_rates') }}
    where rejection_reason is null
),

final as (
    select
        currency,
        rate_month,
        rate_to_reporting,
        _loaded_at
    from fx_rates
)

select * from final
