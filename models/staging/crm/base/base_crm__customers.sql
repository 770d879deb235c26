/* grain: one row per raw crm.customers row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('crm', 'customers') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('customer_id') }} as customer_id,

        -- strings
        {{ cs_text('customer_name') }} as customer_name,
        case
            when replace(replace({{ cs_vocab('segment') }}, '-', '_'), ' ', '_')
                in ('smb', 'mid_market', 'enterprise')
                then replace(replace({{ cs_vocab('segment') }}, '-', '_'), ' ', '_')
            else 'unknown'
        end as segment,
        {{ cs_text('industry') }} as industry,
        upper({{ cs_text('country_code') }}) as country_code,

        -- booleans
        {{ cs_parse_boolean('is_test_account') }} as is_test_account,

        -- timestamps
        {{ cs_parse_timestamp('created_at') }} as created_at,
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_text('customer_id') }} as raw_key,
        {{ cs_row_to_text(['customer_id', 'customer_name', 'primary_contact_email',
            'segment', 'industry', 'country_code', 'created_at', 'is_test_account',
            '_loaded_at']) }} as raw_row,
        case
            when {{ cs_text('customer_id') }} is null then 'null_key'
            when {{ cs_any_missing(['customer_name', 'primary_contact_email', 'segment',
                'country_code', 'created_at', 'is_test_account', '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsable(['created_at', '_loaded_at'], 'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_is_bad_boolean('is_test_account') }} then 'bad_boolean'
        end as value_reason
    from source
),

deduplicated as (
    {{ cs_flag_duplicates('parsed') }}
),

final as (
    select
        *,
        coalesce(
            key_reason,
            case when is_duplicate then 'duplicate_key' end,
            value_reason
        ) as rejection_reason
    from deduplicated
)

select * from final
