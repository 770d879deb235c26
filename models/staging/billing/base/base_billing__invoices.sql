/* grain: one row per raw billing.invoices row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('billing', 'invoices') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

fx_first_rate_months as (
    {{ cs_fx_first_rate_months() }}
),

parsed as (
    select
        -- ids
        {{ cs_text('invoice_id') }} as invoice_id,
        {{ cs_text('customer_id') }} as customer_id,
        {{ cs_text('subscription_id') }} as subscription_id,

        -- strings
        {{ cs_vocab('invoice_type') }} as invoice_type,
        {{ cs_currency('currency') }} as currency,
        {{ cs_vocab('status') }} as status,

        -- numerics
        {{ cs_parse_decimal('amount') }} as amount,
        {{ cs_parse_decimal('tax_amount') }} as tax_amount,

        -- dates
        {{ cs_parse_date('due_date') }} as due_date,

        -- timestamps
        {{ cs_parse_timestamp('issued_at') }} as issued_at,
        {{ cs_parse_timestamp('paid_at') }} as paid_at,
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_text('invoice_id') }} as raw_key,
        {{ cs_row_to_text(['invoice_id', 'customer_id', 'subscription_id', 'invoice_type',
            'amount', 'tax_amount', 'currency', 'issued_at', 'due_date', 'paid_at',
            'status', '_loaded_at']) }} as raw_row,
        case
            when {{ cs_text('invoice_id') }} is null then 'null_key'
            when {{ cs_any_missing(['customer_id', 'invoice_type', 'amount', 'tax_amount',
                'currency', 'issued_at', 'due_date', 'status', '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when
                {{ cs_any_unparsable(['due_date'], 'cs_parse_date') }}
                or {{ cs_any_unparsable(['issued_at', 'paid_at', '_loaded_at'],
                    'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_any_unparsable(['amount', 'tax_amount'], 'cs_parse_decimal') }}
                then 'bad_number'
            when {{ cs_not_in_vocabulary('invoice_type', ['subscription', 'one_time']) }}
                or {{ cs_not_in_vocabulary('status',
                    ['paid', 'open', 'void', 'uncollectible']) }}
                then 'unknown_value'
        end as value_reason
    from source
),

deduplicated as (
    {{ cs_flag_duplicates('parsed') }}
),

final as (
    select
        deduplicated.*,
        coalesce(
            deduplicated.key_reason,
            case when deduplicated.is_duplicate then 'duplicate_key' end,
            deduplicated.value_reason,
            case when customers.customer_id is null then 'unknown_customer' end,
            case
                when {{ cs_lacks_fx_rate('deduplicated.currency',
                    cs_month_of(cs_to_reporting_date('deduplicated.issued_at'))) }}
                    then 'missing_fx_rate'
            end
        ) as rejection_reason
    from deduplicated
    left join customers
        on deduplicated.customer_id = customers.customer_id
    left join fx_first_rate_months as fx
        on deduplicated.currency = fx.currency
)

select * from final
