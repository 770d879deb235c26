/* grain: one row per raw support.tickets row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('support', 'tickets') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('ticket_id') }} as ticket_id,
        {{ cs_text('customer_id') }} as customer_id,
        {{ cs_text('assignee_id') }} as assignee_id,

        -- strings
        {{ cs_vocab('channel') }} as channel,
        {{ cs_vocab('priority') }} as priority,
        {{ cs_text('subject') }} as subject,
        {{ cs_vocab('status') }} as status,

        -- timestamps
        {{ cs_parse_timestamp('created_at') }} as created_at,
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_text('ticket_id') }} as raw_key,
        {{ cs_row_to_text(['ticket_id', 'customer_id', 'requester_email',
            'assignee_id', 'channel', 'priority', 'subject', 'status', 'created_at',
            '_loaded_at']) }} as raw_row,
        case
            when {{ cs_text('ticket_id') }} is null then 'null_key'
            when {{ cs_any_missing(['customer_id', 'requester_email', 'channel',
                'priority', 'subject', 'status', 'created_at', '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsable(['created_at', '_loaded_at'],
                'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_not_in_vocabulary('channel',
                ['email', 'chat', 'phone', 'web']) }}
                or {{ cs_not_in_vocabulary('priority',
                    ['low', 'normal', 'high', 'urgent']) }}
                or {{ cs_not_in_vocabulary('status',
                    ['new', 'open', 'pending', 'solved', 'closed']) }}
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
            case when customers.customer_id is null then 'unknown_customer' end
        ) as rejection_reason
    from deduplicated
    left join customers
        on deduplicated.customer_id = customers.customer_id
)

select * from final
