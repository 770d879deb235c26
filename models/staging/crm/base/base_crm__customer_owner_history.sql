/* grain: one row per raw crm.customer_owner_history row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('crm', 'customer_owner_history') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('customer_id') }} as customer_id,
        {{ cs_text('rep_id') }} as rep_id,

        -- timestamps
        {{ cs_parse_timestamp('valid_from') }} as valid_from,
        {{ cs_parse_timestamp('valid_to') }} as valid_to,
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_key([cs_text('customer_id'),
            "coalesce(cast(" ~ cs_parse_timestamp('valid_from') ~ " as " ~ dbt.type_string() ~ "), " ~ cs_text("valid_from") ~ ")"]) }}
            as raw_key,
        {{ cs_row_to_text(['customer_id', 'rep_id', 'valid_from', 'valid_to',
            '_loaded_at']) }} as raw_row,
        case
            when {{ cs_any_missing(['customer_id', 'valid_from']) }} then 'null_key'
            when {{ cs_any_missing(['rep_id', '_loaded_at']) }} then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsable(['valid_from', 'valid_to', '_loaded_at'],
                'cs_parse_timestamp') }}
                then 'bad_date'
        end as value_reason
    from source
),

deduplicated as (
    {{ cs_flag_duplicates('parsed') }}
),

referenced as (
    select
        deduplicated.*,
        coalesce(
            deduplicated.key_reason,
            case when deduplicated.is_duplicate then 'duplicate_key' end,
            deduplicated.value_reason,
            case when customers.customer_id is null then 'unknown_customer' end
        ) as row_reason,
        coalesce(deduplicated.valid_to < deduplicated.valid_from, false)
            as is_end_before_start
    from deduplicated
    left join customers
        on deduplicated.customer_id = customers.customer_id
),

overlapping as (
    {{ cs_overlapping_keys('referenced', 'customer_id', 'valid_from', 'valid_to',
        candidate_filter='{row}.row_reason is null and not {row}.is_end_before_start') }}
),

final as (
    select
        referenced.*,
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
