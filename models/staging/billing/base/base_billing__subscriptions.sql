/* grain: one row per raw billing.subscriptions row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('billing', 'subscriptions') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('subscription_id') }} as subscription_id,
        {{ cs_text('customer_id') }} as customer_id,
        {{ cs_text('plan_id') }} as plan_id,

        -- strings
        {{ cs_vocab('cancellation_reason') }} as cancellation_reason,

        -- numerics
        {{ cs_parse_integer('contract_term_months') }} as contract_term_months,

        -- dates
        {{ cs_parse_date('started_at') }} as started_at,
        {{ cs_parse_date('ended_at') }} as ended_at,

        -- timestamps
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_text('subscription_id') }} as raw_key,
        {{ cs_row_to_text(['subscription_id', 'customer_id', 'plan_id',
            'contract_term_months', 'started_at', 'ended_at', 'cancellation_reason',
            '_loaded_at']) }} as raw_row,
        case
            when {{ cs_text('subscription_id') }} is null then 'null_key'
            when {{ cs_any_missing(['customer_id', 'plan_id', 'contract_term_months',
                'started_at', '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when
                {{ cs_any_unparsable(['started_at', 'ended_at'], 'cs_parse_date') }}
                or {{ cs_any_unparsable(['_loaded_at'], 'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_any_unparsable(['contract_term_months'], 'cs_parse_integer') }}
                then 'bad_number'
            when {{ cs_parse_integer('contract_term_months') }} < 1 then 'out_of_range'
            when {{ cs_not_in_vocabulary('cancellation_reason',
                ['voluntary', 'payment_failure', 'other']) }}
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
                when deduplicated.ended_at < deduplicated.started_at
                    then 'end_before_start'
            end
        ) as rejection_reason
    from deduplicated
    left join customers
        on deduplicated.customer_id = customers.customer_id
)

select * from final
