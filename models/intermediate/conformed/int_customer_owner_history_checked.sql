/* grain: one row per ownership range clean in staging, with its rejection_reason */
{{ config(materialized="table") }}
with

owners as (
    select * from {{ ref('base_crm__customer_owner_history') }}
    where rejection_reason is null
),

-- the clean customers (as stg_crm__customers), from the base model: a shorter chain
customers as (
    select customer_id from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

referenced as (
    select
        owners.*,
        case when customers.customer_id is null then 'unknown_customer' end as row_reason,
        coalesce(owners.valid_to < owners.valid_from, false) as is_end_before_start
    from owners
    left join customers
        on owners.customer_id = customers.customer_id
),

-- a row already rejected for another reason is not checked for overlaps
overlapping as (
    {{ cs_overlapping_keys('referenced', 'customer_id', 'valid_from', 'valid_to',
        candidate_filter='{row}.row_reason is null and not {row}.is_end_before_start') }}
),

final as (
    select
        referenced.customer_id,
        referenced.rep_id,
        referenced.valid_from,
        referenced.valid_to,
        referenced._loaded_at,
        referenced.raw_key,
        coalesce(
            referenced.row_reason,
            case when overlapping.raw_key is not null then 'overlapping_range' end,
            case when referenced.is_end_before_start then 'end_before_start' end
        ) as rejection_reason
    from referenced
    left join overlapping
        on referenced.raw_key = overlapping.raw_key
)

select * from final
