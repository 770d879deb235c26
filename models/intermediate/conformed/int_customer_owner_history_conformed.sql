/* grain: one row per customer and ownership range passing every check */
with

checked as (
    select * from {{ ref('int_customer_owner_history_checked') }}
    where rejection_reason is null
),

final as (
    select
        customer_id,
        rep_id,
        valid_from,
        valid_to,
        _loaded_at
    from checked
)

select * from final
