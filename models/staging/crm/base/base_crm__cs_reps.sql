/* grain: one row per raw crm.cs_reps row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('crm', 'cs_reps') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('rep_id') }} as rep_id,

        -- strings
        {{ cs_vocab('team') }} as team,

        -- dates
        {{ cs_parse_date('hired_at') }} as hired_at,
        {{ cs_parse_date('left_at') }} as left_at,

        -- timestamps
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_text('rep_id') }} as raw_key,
        {{ cs_row_to_text(['rep_id', 'rep_name', 'rep_email', 'team', 'hired_at',
            'left_at', '_loaded_at']) }} as raw_row,
        case
            when {{ cs_text('rep_id') }} is null then 'null_key'
            when {{ cs_any_missing(['rep_name', 'rep_email', 'team', 'hired_at',
                '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when
                {{ cs_any_unparsable(['hired_at', 'left_at'], 'cs_parse_date') }}
                or {{ cs_any_unparsable(['_loaded_at'], 'cs_parse_timestamp') }}
                then 'bad_date'
            when {{ cs_not_in_vocabulary('team', ['customer_success', 'support']) }}
                then 'unknown_value'
            when {{ cs_parse_date('left_at') }} < {{ cs_parse_date('hired_at') }}
                then 'end_before_start'
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
