/* grain: one row per raw crm.customer_business_metrics row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('crm', 'customer_business_metrics') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('customer_id') }} as customer_id,

        -- numerics
        {{ cs_parse_integer('employee_count') }} as employee_count,
        {{ cs_parse_integer('end_customer_count') }} as end_customer_count,

        -- dates
        {{ cs_parse_date('as_of_date') }} as as_of_date,

        -- timestamps
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_key([cs_text('customer_id'),
            "coalesce(cast(" ~ cs_parse_date('as_of_date') ~ " as " ~ dbt.type_string() ~ "), " ~ cs_text("as_of_date") ~ ")"]) }}
            as raw_key,
        {{ cs_row_to_text(['customer_id', 'as_of_date', 'employee_count',
            'end_customer_count', '_loaded_at']) }} as raw_row,
        case
            when {{ cs_any_missing(['customer_id', 'as_of_date']) }} then 'null_key'
            when {{ cs_any_missing(['employee_count', '_loaded_at']) }} then 'missing_value'
        end as key_reason,
        case
            when
                {{ cs_any_unparsable(['as_of_date'], 'cs_parse_date') }}
                or {{ cs_any_unparsable(['_loaded_at'], 'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_any_unparsable(['employee_count', 'end_customer_count'],
                'cs_parse_integer') }}
                then 'bad_number'
            when {{ cs_parse_integer('employee_count') }} < 0
                or {{ cs_parse_integer('end_customer_count') }} < 0
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
