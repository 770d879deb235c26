/* grain: one row per raw billing.invoices row, clean or rejected (rejection_reason) */
{%- set raw_columns = cs_raw_columns_of('billing.invoices') -%}
{%- set output_columns = ['invoice_id', 'customer_id', 'subscription_id', 'invoice_type',
    'currency', 'status', 'amount', 'tax_amount', 'due_date', 'issued_at', 'paid_at',
    '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('billing', 'invoices'), 'billing.invoices') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('billing.invoices') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_invoice_id') }} as invoice_id,
        {{ cs_text('raw_customer_id') }} as customer_id,
        {{ cs_text('raw_subscription_id') }} as subscription_id,

        -- strings
        {{ cs_vocab('raw_invoice_type') }} as invoice_type,
        {{ cs_currency('raw_currency') }} as currency,
        {{ cs_vocab('raw_status') }} as status,

        -- numerics
        {{ cs_parse_decimal('raw_amount') }} as amount,
        {{ cs_parse_decimal('raw_tax_amount') }} as tax_amount,

        -- dates
        {{ cs_parse_date('raw_due_date') }} as due_date,

        -- timestamps
        {{ cs_parse_timestamp('raw_issued_at') }} as issued_at,
        {{ cs_parse_timestamp('raw_paid_at') }} as paid_at,
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when invoice_id is null then 'null_key'
            when {{ cs_any_missing(['raw_customer_id', 'raw_invoice_type', 'raw_amount',
                'raw_tax_amount', 'raw_currency', 'raw_issued_at', 'raw_due_date',
                'raw_status', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['due_date', 'issued_at', 'paid_at', '_loaded_at']) }}
                then 'bad_date'
            when {{ cs_any_unparsed(['amount', 'tax_amount']) }} then 'bad_number'
            when {{ cs_outside('invoice_type', ['subscription', 'one_time']) }}
                or {{ cs_outside('status', ['paid', 'open', 'void', 'uncollectible']) }}
                then 'unknown_value'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
