/* grain: one row per raw billing.fx_rates row, clean or rejected (rejection_reason) */
{%- set raw_columns = cs_raw_columns_of('billing.fx_rates') -%}
{%- set output_columns = ['currency', 'rate_month', 'rate_to_reporting', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('billing', 'fx_rates'), 'billing.fx_rates') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('billing.fx_rates') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- keys
        {{ cs_currency('raw_currency') }} as currency,
        {{ cs_parse_date('raw_rate_month') }} as rate_month,

        -- numerics
        {{ cs_parse_decimal('raw_rate_to_reporting') }} as rate_to_reporting,

        -- timestamps
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when {{ cs_any_missing(['raw_currency', 'raw_rate_month']) }} then 'null_key'
            when {{ cs_any_missing(['raw_rate_to_reporting', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['rate_month', '_loaded_at']) }} then 'bad_date'
            when {{ cs_any_unparsed(['rate_to_reporting']) }} then 'bad_number'
            when rate_to_reporting <= 0 or rate_month <> {{ cs_month_of('rate_month') }}
                then 'out_of_range'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
