/* grain: one row per raw surveys.survey_responses row, clean or rejected (rejection_reason) */
with

source as (
    select * from {{ source('surveys', 'survey_responses') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

parsed as (
    select
        -- ids
        {{ cs_text('response_id') }} as response_id,
        {{ cs_text('customer_id') }} as customer_id,
        -- the respondent, pseudonymised: the e-mail itself stays in raw_row
        {{ dbt.hash('lower(' ~ cs_text('respondent_email') ~ ')') }} as respondent_id,
        {{ cs_text('ticket_id') }} as ticket_id,

        -- strings
        {{ cs_vocab('survey_type') }} as survey_type,
        {{ cs_text('comment') }} as comment,

        -- numerics
        {{ cs_parse_integer('score') }} as score,

        -- timestamps
        {{ cs_parse_timestamp('responded_at') }} as responded_at,
        {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,

        -- audit
        {{ cs_text('response_id') }} as raw_key,
        {{ cs_row_to_text(['response_id', 'customer_id', 'respondent_email',
            'survey_type', 'score', 'comment', 'ticket_id', 'responded_at',
            '_loaded_at']) }} as raw_row,
        case
            when {{ cs_text('response_id') }} is null then 'null_key'
            when {{ cs_any_missing(['customer_id', 'respondent_email', 'survey_type',
                'score', 'responded_at', '_loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsable(['responded_at', '_loaded_at'],
                'cs_parse_timestamp') }}
                then 'bad_date'
            -- whole numbers only: '9.5' (and '9.0') is not a score
            when {{ cs_any_unparsable(['score'], 'cs_parse_integer') }}
                then 'bad_number'
            when
                (
                    {{ cs_vocab('survey_type') }} = 'nps'
                    and {{ cs_parse_integer('score') }} not between 0 and 10
                )
                or (
                    {{ cs_vocab('survey_type') }} = 'csat'
                    and {{ cs_parse_integer('score') }} not between 1 and 5
                )
                then 'out_of_range'
            when {{ cs_not_in_vocabulary('survey_type', ['nps', 'csat']) }}
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
