/* grain: one row per raw crm.cs_reps row, clean or rejected (rejection_reason) */
{#- rep_name and rep_email are descriptive: never required. -#}
{%- set raw_columns = cs_raw_columns_of('crm.cs_reps') -%}
{%- set output_columns = ['rep_id', 'team', 'hired_at', 'left_at', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('crm', 'cs_reps'), 'crm.cs_reps') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('crm.cs_reps') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_rep_id') }} as rep_id,

        -- strings
        {{ cs_vocab('raw_team') }} as team,

        -- dates
        {{ cs_parse_date('raw_hired_at') }} as hired_at,
        {{ cs_parse_date('raw_left_at') }} as left_at,

        -- timestamps
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when rep_id is null then 'null_key'
            when {{ cs_any_missing(['raw_team', 'raw_hired_at', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        -- no cross-system check follows, so end_before_start is decided here
        case
            when {{ cs_any_unparsed(['hired_at', 'left_at', '_loaded_at']) }} then 'bad_date'
            when {{ cs_outside('team', ['customer_success', 'support']) }}
                then 'unknown_value'
            when left_at < hired_at then 'end_before_start'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
