/* grain: one row per raw crm.customers row, clean or rejected (rejection_reason) */
{#- Descriptive columns (customer_name, primary_contact_email, industry,
    country_code) are never required: a customer without them counts in every KPI. -#}
{%- set raw_columns = cs_raw_columns_of('crm.customers') -%}
{%- set output_columns = ['customer_id', 'customer_name', 'segment', 'industry',
    'country_code', 'is_test_account', 'created_at', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('crm', 'customers'), 'crm.customers') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('crm.customers') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_customer_id') }} as customer_id,

        -- strings
        {{ cs_text('raw_customer_name') }} as customer_name,
        case
            when replace(replace({{ cs_vocab('raw_segment') }}, '-', '_'), ' ', '_')
                in ('smb', 'mid_market', 'enterprise')
                then replace(replace({{ cs_vocab('raw_segment') }}, '-', '_'), ' ', '_')
            else 'unknown'
        end as segment,
        {{ cs_text('raw_industry') }} as industry,
        upper({{ cs_text('raw_country_code') }}) as country_code,

        -- booleans
        {{ cs_parse_boolean('raw_is_test_account') }} as is_test_account,

        -- timestamps
        {{ cs_parse_timestamp('raw_created_at') }} as created_at,
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when customer_id is null then 'null_key'
            when {{ cs_any_missing(['raw_segment', 'raw_created_at', 'raw_is_test_account',
                'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['created_at', '_loaded_at']) }} then 'bad_date'
            when {{ cs_any_unparsed(['is_test_account']) }} then 'bad_boolean'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
