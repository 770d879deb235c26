/* grain: one row per raw support.ticket_events row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('support', 'ticket_events') }}
),

tickets as (
    select ticket_id from {{ ref('stg_support__tickets') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('event_id') }} as event_id,
        {{ cs_text('ticket_id') }} as ticket_id,
        {{ cs_text('actor_id') }} as actor_id,

        -- strings
        {{ cs_vocab('event_type') }} as event_type,
        -- new_status belongs to status changes only; on other events it is
        -- ignored (not checked, not kept).
        case
            when {{ cs_vocab('event_type') }} = 'status_change'
                then {{ cs_vocab('new_status') }}
        end as new_status,

        -- booleans
        {{ cs_parse_boolean('is_public') }} as is_public,

        -- timestamps
        {{ cs_parse_timestamp('event_at') }} as event_at,
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_text('event_id') }} as raw_key,
        {{ cs_row_to_text(['event_id', 'ticket_id', 'event_at', 'event_type',
            'actor_id', 'is_public', 'new_status', '_loaded_at']) }} as raw_row,
        case
            when {{ cs_text('event_id') }} is null then 'null_key'
            when {{ cs_any_missing(['ticket_id', 'event_at', 'event_type', 'is_public',
                '_loaded_at']) }}
                or (
                    {{ cs_vocab('event_type') }} = 'status_change'
                    and {{ cs_text('new_status') }} is null
                )
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsable(['event_at', '_loaded_at'],
                'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_is_bad_boolean('is_public') }} then 'bad_boolean'
            when {{ cs_not_in_vocabulary('event_type', ['customer_message',
                'agent_reply', 'internal_note', 'status_change']) }}
                or (
                    {{ cs_vocab('event_type') }} = 'status_change'
                    and {{ cs_not_in_vocabulary('new_status',
                        ['new', 'open', 'pending', 'solved', 'closed']) }}
                )
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
            case when tickets.ticket_id is null then 'unknown_ticket' end
        ) as rejection_reason
    from deduplicated
    left join tickets
        on deduplicated.ticket_id = tickets.ticket_id
)

select * from final
