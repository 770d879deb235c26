/* grain: one row per raw billing.subscriptions row, clean or rejected (rejection_reason) */
{#- Unknown customers and end_before_start (which comes after unknown_customer in
    the contract's order) are checked in int_subscriptions_checked. -#}
{%- set raw_columns = cs_raw_columns_of('billing.subscriptions') -%}
{%- set output_columns = ['subscription_id', 'customer_id', 'plan_id', 'cancellation_reason',
    'contract_term_months', 'started_at', 'ended_at', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('billing', 'subscriptions'), 'billing.subscriptions') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('billing.subscriptions') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_subscription_id') }} as subscription_id,
        {{ cs_text('raw_customer_id') }} as customer_id,
        {{ cs_text('raw_plan_id') }} as plan_id,

        -- strings
        {{ cs_vocab('raw_cancellation_reason') }} as cancellation_reason,

        -- numerics
        {{ cs_parse_integer('raw_contract_term_months') }} as contract_term_months,

        -- dates
        {{ cs_parse_date('raw_started_at') }} as started_at,
        {{ cs_parse_date('raw_ended_at') }} as ended_at,

        -- timestamps
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when subscription_id is null then 'null_key'
            when {{ cs_any_missing(['raw_customer_id', 'raw_contract_term_months',
                'raw_started_at', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['started_at', 'ended_at', '_loaded_at']) }}
                then 'bad_date'
            when {{ cs_any_unparsed(['contract_term_months']) }} then 'bad_number'
            when contract_term_months < 1 then 'out_of_range'
            when {{ cs_outside('cancellation_reason',
                ['voluntary', 'payment_failure', 'other']) }}
                then 'unknown_value'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
