/* grain: one row per raw finance.cs_costs row, clean or rejected (rejection_reason) */
{#- key part: the parsed date as text, or the trimmed text when it does not
    parse, so ' 2024-01-01' and '2024-01-01' are one key -#}
{%- set cost_month_key -%}
    coalesce(
        cast({{ cs_parse_date('cost_month') }} as {{ dbt.type_string() }}),
        {{ cs_text('cost_month') }}
    )
{%- endset %}
with

source as (
    select * from {{ source('finance', 'cs_costs') }}
),

fx_first_rate_months as (
    {{ cs_fx_first_rate_months() }}
),

parsed as (
    select
        -- strings
        {{ cs_vocab('cost_category') }} as cost_category,
        {{ cs_currency('currency') }} as currency,

        -- numerics
        {{ cs_parse_decimal('amount') }} as amount,

        -- dates
        {{ cs_parse_date('cost_month') }} as cost_month,

        -- timestamps
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_key([cost_month_key, cs_vocab('cost_category')]) }} as raw_key,
        {{ cs_row_to_text(['cost_month', 'cost_category', 'amount', 'currency',
            '_loaded_at']) }} as raw_row,
        case
            when {{ cs_any_missing(['cost_month', 'cost_category']) }} then 'null_key'
            when {{ cs_any_missing(['amount', 'currency', '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when
                {{ cs_any_unparsable(['cost_month'], 'cs_parse_date') }}
                or {{ cs_any_unparsable(['_loaded_at'], 'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_any_unparsable(['amount'], 'cs_parse_decimal') }}
                then 'bad_number'
            -- a cost month is the month's first day: '2024-03-15' is rejected,
            -- not moved to March
            when {{ cs_parse_decimal('amount') }} < 0
                or {{ cs_parse_date('cost_month') }}
                <> {{ cs_month_of(cs_parse_date('cost_month')) }}
                then 'out_of_range'
            when {{ cs_not_in_vocabulary('cost_category',
                ['salaries', 'tools', 'programs', 'other']) }}
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
            case
                when {{ cs_lacks_fx_rate('deduplicated.currency',
                    'deduplicated.cost_month') }}
                    then 'missing_fx_rate'
            end
        ) as rejection_reason
    from deduplicated
    left join fx_first_rate_months as fx
        on deduplicated.currency = fx.currency
)

select * from final
