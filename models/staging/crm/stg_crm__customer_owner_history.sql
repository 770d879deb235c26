/* grain: one row per customer and ownership range (customer_id, valid_from) */
with

owners as (
    select * from {{ ref('base_crm__customer_owner_history') }}
    where rejection_reason is null
),

final as (
    select
        customer_id,
        rep_id,
        valid_from,
        valid_to,
        _loaded_at
    from owners
)

select * from final
