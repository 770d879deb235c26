/* grain: one row per raw billing.fx_rates row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('billing', 'fx_rates') }}
),

parsed as (
    select
        -- keys
        {{ cs_currency('currency') }} as currency,
        {{ cs_parse_date('rate_month') }} as rate_month,

        -- numerics
        {{ cs_parse_decimal('rate_to_reporting') }} as rate_to_reporting,

        -- timestamps
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_key([cs_currency('currency'),
            "coalesce(cast(" ~ cs_parse_date('rate_month') ~ " as " ~ dbt.type_string() ~ "), " ~ cs_text("rate_month") ~ ")"]) }}
            as raw_key,
        {{ cs_row_to_text(['currency', 'rate_month', 'rate_to_reporting', '_loaded_at']) }}
            as raw_row,
        case
            when {{ cs_any_missing(['currency', 'rate_month']) }} then 'null_key'
            when {{ cs_any_missing(['rate_to_reporting', '_loaded_at']) }} then 'missing_value'
        end as key_reason,
        case
            when
                {{ cs_any_unparsable(['rate_month'], 'cs_parse_date') }}
                or {{ cs_any_unparsable(['_loaded_at'], 'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_any_unparsable(['rate_to_reporting'], 'cs_parse_decimal') }}
                then 'bad_number'
            when {{ cs_parse_decimal('rate_to_reporting') }} <= 0
                or {{ cs_parse_date('rate_month') }}
                <> {{ cs_month_of(cs_parse_date('rate_month')) }}
                then 'out_of_range'
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
