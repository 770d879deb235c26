/* grain: one row per raw support.ticket_events row, clean or rejected (rejection_reason) */
{#- Unknown tickets are checked in int_ticket_events_checked. -#}
{%- set raw_columns = cs_raw_columns_of('support.ticket_events') -%}
{%- set output_columns = ['event_id', 'ticket_id', 'actor_id', 'event_type', 'new_status',
    'is_public', 'event_at', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('support', 'ticket_events'), 'support.ticket_events') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('support.ticket_events') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_event_id') }} as event_id,
        {{ cs_text('raw_ticket_id') }} as ticket_id,
        {{ cs_text('raw_actor_id') }} as actor_id,

        -- strings
        {{ cs_vocab('raw_event_type') }} as event_type,
        -- new_status belongs to status changes only; on other events it is
        -- ignored (not checked, not kept).
        case
            when {{ cs_vocab('raw_event_type') }} = 'status_change'
                then {{ cs_vocab('raw_new_status') }}
        end as new_status,

        -- booleans
        {{ cs_parse_boolean('raw_is_public') }} as is_public,

        -- timestamps
        {{ cs_parse_timestamp('raw_event_at') }} as event_at,
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when event_id is null then 'null_key'
            when {{ cs_any_missing(['raw_ticket_id', 'raw_event_at', 'raw_event_type',
                'raw_is_public', 'raw__loaded_at']) }}
                or (event_type = 'status_change' and new_status is null)
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['event_at', '_loaded_at']) }} then 'bad_date'
            when {{ cs_any_unparsed(['is_public']) }} then 'bad_boolean'
            when {{ cs_outside('event_type', ['customer_message', 'agent_reply',
                'internal_note', 'status_change']) }}
                or {{ cs_outside('new_status', ['new', 'open', 'pending', 'solved',
                    'closed']) }}
                then 'unknown_value'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
