/* grain: one row per raw product.usage_daily row, clean or rejected (rejection_reason) */
{#- key part: the parsed date as text, or the trimmed text when it does not
    parse, so ' 2024-01-01' and '2024-01-01' are one key -#}
{%- set usage_date_key -%}
    coalesce(
        cast({{ cs_parse_date('usage_date') }} as {{ dbt.type_string() }}),
        {{ cs_text('usage_date') }}
    )
{%- endset %}
with

source as (
    select * from {{ source('product', 'usage_daily') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('customer_id') }} as customer_id,

        -- numerics
        {{ cs_parse_integer('active_users') }} as active_users,
        {{ cs_parse_integer('sessions') }} as sessions,
        {{ cs_parse_integer('key_events') }} as key_events,

        -- dates
        {{ cs_parse_date('usage_date') }} as usage_date,

        -- timestamps
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_key([cs_text('customer_id'), usage_date_key]) }} as raw_key,
        {{ cs_row_to_text(['customer_id', 'usage_date', 'active_users', 'sessions',
            'key_events', '_loaded_at']) }} as raw_row,
        case
            when {{ cs_any_missing(['customer_id', 'usage_date']) }} then 'null_key'
            when {{ cs_any_missing(['active_users', 'sessions', 'key_events',
                '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when
                {{ cs_any_unparsable(['usage_date'], 'cs_parse_date') }}
                or {{ cs_any_unparsable(['_loaded_at'], 'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_any_unparsable(['active_users', 'sessions', 'key_events'],
                'cs_parse_integer') }}
                then 'bad_number'
            when {{ cs_parse_integer('active_users') }} < 0
                or {{ cs_parse_integer('sessions') }} < 0
                or {{ cs_parse_integer('key_events') }} < 0
                then 'out_of_range'
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
            case when customers.customer_id is null then 'unknown_customer' end
        ) as rejection_reason
    from deduplicated
    left join customers
        on deduplicated.customer_id = customers.customer_id
)

select * from final
