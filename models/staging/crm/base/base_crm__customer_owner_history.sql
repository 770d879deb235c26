/* grain: one row per raw crm.customer_owner_history row, clean or rejected (rejection_reason) */
{#- Unknown customers, overlapping ranges and end_before_start (all after
    unknown_customer in the contract's order) are checked in
    int_customer_owner_history_checked. -#}
{%- set raw_columns = cs_raw_columns_of('crm.customer_owner_history') -%}
{%- set output_columns = ['customer_id', 'rep_id', 'valid_from', 'valid_to',
    '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(
        source('crm', 'customer_owner_history'), 'crm.customer_owner_history'
    ) }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('crm.customer_owner_history') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_customer_id') }} as customer_id,
        {{ cs_text('raw_rep_id') }} as rep_id,

        -- timestamps
        {{ cs_parse_timestamp('raw_valid_from') }} as valid_from,
        {{ cs_parse_timestamp('raw_valid_to') }} as valid_to,
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when {{ cs_any_missing(['raw_customer_id', 'raw_valid_from']) }} then 'null_key'
            when {{ cs_any_missing(['raw_rep_id', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['valid_from', 'valid_to', '_loaded_at']) }}
                then 'bad_date'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
