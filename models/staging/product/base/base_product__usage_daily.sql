/* grain: one row per raw product.usage_daily row, clean or rejected (rejection_reason) */
{#- Unknown customers are checked in int_usage_daily_checked. -#}
{%- set raw_columns = cs_raw_columns_of('product.usage_daily') -%}
{%- set output_columns = ['customer_id', 'active_users', 'sessions', 'key_events',
    'usage_date', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('product', 'usage_daily'), 'product.usage_daily') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('product.usage_daily') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_customer_id') }} as customer_id,

        -- numerics
        {{ cs_parse_integer('raw_active_users') }} as active_users,
        {{ cs_parse_integer('raw_sessions') }} as sessions,
        {{ cs_parse_integer('raw_key_events') }} as key_events,

        -- dates
        {{ cs_parse_date('raw_usage_date') }} as usage_date,

        -- timestamps
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when {{ cs_any_missing(['raw_customer_id', 'raw_usage_date']) }} then 'null_key'
            when {{ cs_any_missing(['raw_active_users', 'raw_sessions', 'raw_key_events',
                'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['usage_date', '_loaded_at']) }} then 'bad_date'
            when {{ cs_any_unparsed(['active_users', 'sessions', 'key_events']) }}
                then 'bad_number'
            when active_users < 0 or sessions < 0 or key_events < 0 then 'out_of_range'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
