/* grain: one row per raw billing.subscription_periods row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('billing', 'subscription_periods') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

subscriptions as (
    select subscription_id from {{ ref('stg_billing__subscriptions') }}
),

fx_first_rate_months as (
    {{ cs_fx_first_rate_months() }}
),

parsed as (
    select
        -- ids
        {{ cs_text('subscription_period_id') }} as subscription_period_id,
        {{ cs_text('subscription_id') }} as subscription_id,
        {{ cs_text('customer_id') }} as customer_id,

        -- strings
        {{ cs_vocab('billing_interval') }} as billing_interval,
        {{ cs_currency('currency') }} as currency,

        -- numerics
        case {{ cs_vocab('billing_interval') }}
            when 'month' then 1
            when 'quarter' then 3
            when 'year' then 12
        end as interval_months,
        {{ cs_parse_decimal('amount') }} as amount,
        {{ cs_parse_integer('quantity') }} as quantity,

        -- booleans
        {{ cs_parse_boolean('is_trial') }} as is_trial,

        -- dates
        {{ cs_parse_date('period_start') }} as period_start,
        {{ cs_parse_date('period_end') }} as period_end,

        -- timestamps
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_text('subscription_period_id') }} as raw_key,
        {{ cs_row_to_text(['subscription_period_id', 'subscription_id', 'customer_id',
            'billing_interval', 'amount', 'currency', 'quantity', 'is_trial',
            'period_start', 'period_end', '_loaded_at']) }} as raw_row,
        case
            when {{ cs_text('subscription_period_id') }} is null then 'null_key'
            when {{ cs_any_missing(['subscription_id', 'customer_id', 'billing_interval',
                'amount', 'currency', 'quantity', 'is_trial', 'period_start',
                '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when
                {{ cs_any_unparsable(['period_start', 'period_end'], 'cs_parse_date') }}
                or {{ cs_any_unparsable(['_loaded_at'], 'cs_parse_timestamp') }}
                then 'bad_date'
            when
                {{ cs_any_unparsable(['amount'], 'cs_parse_decimal') }}
                or {{ cs_any_unparsable(['quantity'], 'cs_parse_integer') }}
                then 'bad_number'
            when {{ cs_is_bad_boolean('is_trial') }} then 'bad_boolean'
            when {{ cs_parse_decimal('amount') }} < 0
                or {{ cs_parse_integer('quantity') }} < 0
                then 'out_of_range'
            when {{ cs_not_in_vocabulary('billing_interval', ['month', 'quarter', 'year']) }}
                then 'unknown_value'
        end as value_reason
    from source
),

deduplicated as (
    {{ cs_flag_duplicates('parsed') }}
),

referenced as (
    select
        deduplicated.*,
        coalesce(
            deduplicated.key_reason,
            case when deduplicated.is_duplicate then 'duplicate_key' end,
            deduplicated.value_reason,
            case when customers.customer_id is null then 'unknown_customer' end,
            case
                when subscriptions.subscription_id is null then 'unknown_subscription'
            end
        ) as row_reason,
        coalesce(deduplicated.period_end < deduplicated.period_start, false)
            as is_end_before_start
    from deduplicated
    left join customers
        on deduplicated.customer_id = customers.customer_id
    left join subscriptions
        on deduplicated.subscription_id = subscriptions.subscription_id
),

overlapping as (
    {{ cs_overlapping_keys('referenced', 'subscription_id', 'period_start', 'period_end',
        candidate_filter='{row}.row_reason is null and not {row}.is_end_before_start') }}
),

final as (
    select
        referenced.*,
        coalesce(
            referenced.row_reason,
            case when overlapping.raw_key is not null then 'overlapping_range' end,
            case when referenced.is_end_before_start then 'end_before_start' end,
            case
                when {{ cs_lacks_fx_rate('referenced.currency',
                    cs_month_of('referenced.period_start')) }}
                    then 'missing_fx_rate'
            end
        ) as rejection_reason
    from referenced
    left join overlapping
        on referenced.raw_key = overlapping.raw_key
    left join fx_first_rate_months as fx
        on referenced.currency = fx.currency
)

select * from final
