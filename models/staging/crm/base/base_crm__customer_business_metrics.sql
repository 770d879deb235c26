/* grain: one row per raw crm.customer_business_metrics row, clean or rejected (rejection_reason) */
{#- Unknown customers are checked in int_customer_business_metrics_checked. -#}
{%- set raw_columns = cs_raw_columns_of('crm.customer_business_metrics') -%}
{%- set output_columns = ['customer_id', 'employee_count', 'end_customer_count',
    'as_of_date', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(
        source('crm', 'customer_business_metrics'), 'crm.customer_business_metrics'
    ) }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('crm.customer_business_metrics') }} as raw_key,
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
        {{ cs_parse_integer('raw_employee_count') }} as employee_count,
        {{ cs_parse_integer('raw_end_customer_count') }} as end_customer_count,

        -- dates
        {{ cs_parse_date('raw_as_of_date') }} as as_of_date,

        -- timestamps
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when {{ cs_any_missing(['raw_customer_id', 'raw_as_of_date']) }} then 'null_key'
            when {{ cs_any_missing(['raw_employee_count', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['as_of_date', '_loaded_at']) }} then 'bad_date'
            when {{ cs_any_unparsed(['employee_count', 'end_customer_count']) }}
                then 'bad_number'
            when employee_count < 0 or end_customer_count < 0 then 'out_of_range'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
