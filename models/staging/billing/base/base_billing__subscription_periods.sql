/* grain: one row per raw billing.subscription_periods row, clean or rejected (rejection_reason) */
{#- Unknown customers and subscriptions, overlaps, end_before_start and missing FX
    rates (all after unknown_customer in the contract's order) are checked in
    int_subscription_periods_checked. -#}
{%- set raw_columns = cs_raw_columns_of('billing.subscription_periods') -%}
{%- set output_columns = ['subscription_period_id', 'subscription_id', 'customer_id',
    'billing_interval', 'currency', 'interval_months', 'amount', 'quantity', 'is_trial',
    'period_start', 'period_end', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(
        source('billing', 'subscription_periods'), 'billing.subscription_periods'
    ) }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('billing.subscription_periods') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_subscription_period_id') }} as subscription_period_id,
        {{ cs_text('raw_subscription_id') }} as subscription_id,
        {{ cs_text('raw_customer_id') }} as customer_id,

        -- strings
        {{ cs_vocab('raw_billing_interval') }} as billing_interval,
        {{ cs_currency('raw_currency') }} as currency,

        -- numerics
        case {{ cs_vocab('raw_billing_interval') }}
            when 'month' then 1
            when 'quarter' then 3
            when 'year' then 12
        end as interval_months,
        {{ cs_parse_decimal('raw_amount') }} as amount,
        {{ cs_parse_integer('raw_quantity') }} as quantity,

        -- booleans
        {{ cs_parse_boolean('raw_is_trial') }} as is_trial,

        -- dates
        {{ cs_parse_date('raw_period_start') }} as period_start,
        {{ cs_parse_date('raw_period_end') }} as period_end,

        -- timestamps
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when subscription_period_id is null then 'null_key'
            when {{ cs_any_missing(['raw_subscription_id', 'raw_customer_id',
                'raw_billing_interval', 'raw_amount', 'raw_currency', 'raw_quantity',
                'raw_is_trial', 'raw_period_start', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['period_start', 'period_end', '_loaded_at']) }}
                then 'bad_date'
            when {{ cs_any_unparsed(['amount', 'quantity']) }} then 'bad_number'
            when {{ cs_any_unparsed(['is_trial']) }} then 'bad_boolean'
            when amount < 0 or quantity < 0 then 'out_of_range'
            when {{ cs_outside('billing_interval', ['month', 'quarter', 'year']) }}
                then 'unknown_value'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
