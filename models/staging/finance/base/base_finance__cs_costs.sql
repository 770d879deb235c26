/* grain: one row per raw finance.cs_costs row, clean or rejected (rejection_reason) */
{#- Missing FX rates are checked in int_cs_costs_checked. -#}
{%- set raw_columns = cs_raw_columns_of('finance.cs_costs') -%}
{%- set output_columns = ['cost_category', 'currency', 'amount', 'cost_month',
    '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('finance', 'cs_costs'), 'finance.cs_costs') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('finance.cs_costs') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- strings
        {{ cs_vocab('raw_cost_category') }} as cost_category,
        {{ cs_currency('raw_currency') }} as currency,

        -- numerics
        {{ cs_parse_decimal('raw_amount') }} as amount,

        -- dates
        {{ cs_parse_date('raw_cost_month') }} as cost_month,

        -- timestamps
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when {{ cs_any_missing(['raw_cost_month', 'raw_cost_category']) }}
                then 'null_key'
            when {{ cs_any_missing(['raw_amount', 'raw_currency', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['cost_month', '_loaded_at']) }} then 'bad_date'
            when {{ cs_any_unparsed(['amount']) }} then 'bad_number'
            -- a cost month is the month's first day: '2024-03-15' is rejected,
            -- not moved to March
            when amount < 0 or cost_month <> {{ cs_month_of('cost_month') }}
                then 'out_of_range'
            when {{ cs_outside('cost_category', ['salaries', 'tools', 'programs',
                'other']) }}
                then 'unknown_value'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
