/* grain: one row per raw support.tickets row, clean or rejected (rejection_reason) */
{#- requester_email and subject are descriptive: never required. Unknown customers
    are checked in int_tickets_checked. -#}
{%- set raw_columns = cs_raw_columns_of('support.tickets') -%}
{%- set output_columns = ['ticket_id', 'customer_id', 'assignee_id', 'channel', 'priority',
    'subject', 'status', 'created_at', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('support', 'tickets'), 'support.tickets') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('support.tickets') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_ticket_id') }} as ticket_id,
        {{ cs_text('raw_customer_id') }} as customer_id,
        {{ cs_text('raw_assignee_id') }} as assignee_id,

        -- strings
        {{ cs_vocab('raw_channel') }} as channel,
        {{ cs_vocab('raw_priority') }} as priority,
        {{ cs_text('raw_subject') }} as subject,
        {{ cs_vocab('raw_status') }} as status,

        -- timestamps
        {{ cs_parse_timestamp('raw_created_at') }} as created_at,
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when ticket_id is null then 'null_key'
            when {{ cs_any_missing(['raw_customer_id', 'raw_channel', 'raw_priority',
                'raw_status', 'raw_created_at', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['created_at', '_loaded_at']) }} then 'bad_date'
            when {{ cs_outside('channel', ['email', 'chat', 'phone', 'web']) }}
                or {{ cs_outside('priority', ['low', 'normal', 'high', 'urgent']) }}
                or {{ cs_outside('status', ['new', 'open', 'pending', 'solved', 'closed']) }}
                then 'unknown_value'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
